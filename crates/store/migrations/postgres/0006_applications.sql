-- Applications (candidatures) to a call and the history of their workflow (issue 3,
-- « Applications »). Portable types (see DESIGN.md): instants as RFC 3339 text in UTC,
-- the requested amount in integer euro cents (BIGINT, NULL when not stated), statuses and
-- transitions as the domain's kebab-case codes. `call_slug` is not a foreign key: the
-- calls table is rewritten by each import that changes the programme; the store checks
-- that the call exists when the draft is created.
CREATE TABLE applications (
    id                     BIGSERIAL PRIMARY KEY,
    call_slug              TEXT NOT NULL,
    applicant_account_id   BIGINT NOT NULL REFERENCES accounts (id),
    title                  TEXT NOT NULL,
    summary                TEXT NOT NULL,
    requested_amount_cents BIGINT,
    status                 TEXT NOT NULL,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);
CREATE INDEX applications_by_applicant ON applications (applicant_account_id);
CREATE INDEX applications_by_call ON applications (call_slug);

-- One row per status change, numbered 1, 2, 3… within its application.
CREATE TABLE application_events (
    application_id   BIGINT NOT NULL REFERENCES applications (id),
    seq              BIGINT NOT NULL,
    at               TEXT NOT NULL,
    actor_account_id BIGINT NOT NULL REFERENCES accounts (id),
    transition       TEXT NOT NULL,
    reason           TEXT,
    from_status      TEXT NOT NULL,
    to_status        TEXT NOT NULL,
    PRIMARY KEY (application_id, seq)
);
