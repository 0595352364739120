-- Partner lists, experts' declarations, evaluation grids, independent scores and the
-- committee's moderation (issue 3, « Review and the committee »). Portable types (see
-- DESIGN.md): instants as RFC 3339 text in UTC, scores as whole points, weighted scores as
-- BIGINT hundredths of a point. `call_slug` is not a foreign key (calls are rewritten by
-- imports, as for `applications`).

-- The partner list of an application, in the applicant's order (position from 1).
CREATE TABLE application_partners (
    application_id BIGINT NOT NULL REFERENCES applications (id),
    position       BIGINT NOT NULL,
    name           TEXT NOT NULL,
    siren          TEXT,
    role           TEXT NOT NULL,
    PRIMARY KEY (application_id, position)
);

-- The organisations an expert belongs to, as they declared them (a name and/or a SIREN).
CREATE TABLE expert_organisations (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    position   BIGINT NOT NULL,
    name       TEXT NOT NULL,
    siren      TEXT,
    PRIMARY KEY (account_id, position)
);

-- Conflicts of interest an expert declared, one per application, with its ground.
CREATE TABLE expert_conflicts (
    account_id     BIGINT NOT NULL REFERENCES accounts (id),
    application_id BIGINT NOT NULL REFERENCES applications (id),
    ground         TEXT NOT NULL,
    declared_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, application_id)
);

-- The evaluation grid of a call: its criteria in order (position from 1).
CREATE TABLE scoring_criteria (
    call_slug TEXT NOT NULL,
    position  BIGINT NOT NULL,
    code      TEXT NOT NULL,
    label     TEXT NOT NULL,
    weight    BIGINT NOT NULL,
    scale_min BIGINT NOT NULL,
    scale_max BIGINT NOT NULL,
    PRIMARY KEY (call_slug, position)
);

-- One expert's score sheet of one application (its comment), and its values per criterion.
CREATE TABLE score_sheets (
    application_id    BIGINT NOT NULL REFERENCES applications (id),
    expert_account_id BIGINT NOT NULL REFERENCES accounts (id),
    comment           TEXT NOT NULL,
    submitted_at      TEXT NOT NULL,
    PRIMARY KEY (application_id, expert_account_id)
);
CREATE TABLE score_values (
    application_id    BIGINT NOT NULL,
    expert_account_id BIGINT NOT NULL,
    criterion         TEXT NOT NULL,
    value             BIGINT NOT NULL,
    PRIMARY KEY (application_id, expert_account_id, criterion),
    FOREIGN KEY (application_id, expert_account_id) REFERENCES score_sheets (application_id, expert_account_id)
);

-- The committee's moderated score of an application, in hundredths of a point.
CREATE TABLE score_moderations (
    application_id       BIGINT PRIMARY KEY REFERENCES applications (id),
    hundredths           BIGINT NOT NULL,
    justification        TEXT NOT NULL,
    moderator_account_id BIGINT NOT NULL REFERENCES accounts (id),
    moderated_at         TEXT NOT NULL
);
