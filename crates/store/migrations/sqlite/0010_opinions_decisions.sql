-- Opinions requested on applications, the committee's deliberation records, the
-- provenance of laureate projects created from an application, and the notifications
-- sent (issue 3, « Review and the committee »). Portable types (see DESIGN.md): instants
-- as RFC 3339 text in UTC, dates as ISO 8601 text (Europe/Paris calendar), codes as the
-- domain's kebab-case text.

-- A request for an opinion (demande d'avis). Pending while verdict IS NULL; « overdue »
-- is computed from the server clock and due_on, never stored.
CREATE TABLE opinion_requests (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id        BIGINT NOT NULL REFERENCES applications (id),
    requested_by          BIGINT NOT NULL REFERENCES accounts (id),
    requested_of          BIGINT NOT NULL REFERENCES accounts (id),
    question              TEXT NOT NULL,
    due_on                TEXT NOT NULL,
    requested_at          TEXT NOT NULL,
    verdict               TEXT,
    answer                TEXT,
    answered_at           TEXT
);
CREATE INDEX opinion_requests_by_application ON opinion_requests (application_id);
CREATE INDEX opinion_requests_by_account ON opinion_requests (requested_of);

-- A deliberation record (procès-verbal) of a call's committee; members as a JSON array.
CREATE TABLE deliberations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    call_slug    TEXT NOT NULL,
    held_on      TEXT NOT NULL,
    members      TEXT NOT NULL,
    recorded_by  BIGINT NOT NULL REFERENCES accounts (id),
    recorded_at  TEXT NOT NULL
);
CREATE INDEX deliberations_by_call ON deliberations (call_slug);

-- One decision per application and deliberation, in the record's order.
CREATE TABLE deliberation_decisions (
    deliberation_id BIGINT NOT NULL REFERENCES deliberations (id),
    position        BIGINT NOT NULL,
    application_id  BIGINT NOT NULL REFERENCES applications (id),
    decision        TEXT NOT NULL,
    reason          TEXT NOT NULL,
    PRIMARY KEY (deliberation_id, application_id)
);

-- Provenance of a project created from a selected application. The press-kit import
-- never touches a project listed here (neither replaces nor removes it).
CREATE TABLE project_origins (
    project_slug   TEXT PRIMARY KEY REFERENCES projects (slug),
    application_id BIGINT NOT NULL UNIQUE REFERENCES applications (id),
    created_by     BIGINT NOT NULL REFERENCES accounts (id),
    created_at     TEXT NOT NULL
);

-- Every notification attempted, sent or failed (a failure never undoes the decision
-- that caused it). No message body: it may quote reasons, which live in their records.
CREATE TABLE notifications (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    at                   TEXT NOT NULL,
    recipient_account_id BIGINT NOT NULL REFERENCES accounts (id),
    kind                 TEXT NOT NULL,
    subject              TEXT NOT NULL,
    sender               TEXT NOT NULL,
    outcome              TEXT NOT NULL,
    error                TEXT
);
