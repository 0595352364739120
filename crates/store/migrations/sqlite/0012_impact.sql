-- Impact measurement (issue 4): indicator definitions with their versions, the fiches'
-- impact sentences, the mapping onto programme indicators, measurements with their review
-- and their corrections, and which accounts act for a project. Portable types (see
-- DESIGN.md): instants as RFC 3339 text in UTC, dates as ISO 8601 text, values as
-- floating-point numbers in the indicator's unit (NULL when missing, never 0).

-- An indicator; project_slug NULL for a programme-level indicator. Its definition lives in
-- indicator_versions; current_version is the one in force.
CREATE TABLE indicators (
    code            TEXT PRIMARY KEY,
    project_slug    TEXT,
    current_version BIGINT NOT NULL
);
CREATE INDEX indicators_by_project ON indicators (project_slug);

-- Every version of every definition, never updated nor deleted: a change of definition
-- or a re-baselining adds a version. definition: the domain Indicator as JSON.
CREATE TABLE indicator_versions (
    code        TEXT NOT NULL REFERENCES indicators (code),
    version     BIGINT NOT NULL,
    definition  TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_by  TEXT NOT NULL,
    reason      TEXT NOT NULL,
    PRIMARY KEY (code, version)
);

-- The « Impacts à horizon 2030 » sentences of the fiches and what became of them:
-- outcome 'structured' (indicators: JSON array of codes) or 'qualitative' (reason).
CREATE TABLE impact_statements (
    project_slug TEXT NOT NULL,
    position     BIGINT NOT NULL,
    sentence     TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    reason       TEXT,
    indicators   TEXT NOT NULL,
    PRIMARY KEY (project_slug, position)
);

-- Project indicator → programme indicator of the shared taxonomy.
CREATE TABLE indicator_mappings (
    indicator_code      TEXT PRIMARY KEY REFERENCES indicators (code),
    programme_indicator TEXT NOT NULL
);

-- Measurements. Values are append-only: a correction inserts a new row whose supersedes
-- names the old one, and the old row gets superseded_by; only status, return_reason,
-- superseded_by and updated_at ever change. reporter decides which values add up (values
-- of different reporters for a period are summed; a reporter's later value replaces its
-- earlier one).
CREATE TABLE measurements (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    indicator_code    TEXT NOT NULL REFERENCES indicators (code),
    indicator_version BIGINT NOT NULL,
    project_slug      TEXT NOT NULL,
    period            TEXT NOT NULL,
    period_end        TEXT NOT NULL,
    reporter          TEXT NOT NULL,
    value             REAL,
    numerator         REAL,
    denominator       REAL,
    source            TEXT,
    method            TEXT,
    evidence          TEXT,
    submitted_by      TEXT NOT NULL,
    status            TEXT NOT NULL,
    return_reason     TEXT,
    supersedes        BIGINT REFERENCES measurements (id),
    superseded_by     BIGINT REFERENCES measurements (id),
    recorded_at       TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX measurements_by_indicator ON measurements (indicator_code, period);
CREATE INDEX measurements_by_project ON measurements (project_slug);

-- The readable history of a measurement (every step is also in the audit trail).
CREATE TABLE measurement_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    measurement_id BIGINT NOT NULL REFERENCES measurements (id),
    step           TEXT NOT NULL,
    actor          TEXT NOT NULL,
    reason         TEXT,
    at             TEXT NOT NULL
);
CREATE INDEX measurement_events_by_measurement ON measurement_events (measurement_id);

-- Which accounts act for a project (record scoping of project leads and partners).
CREATE TABLE project_members (
    project_slug TEXT NOT NULL,
    account_id   BIGINT NOT NULL REFERENCES accounts (id),
    member_role  TEXT NOT NULL,
    added_at     TEXT NOT NULL,
    PRIMARY KEY (project_slug, account_id)
);
CREATE INDEX project_members_by_account ON project_members (account_id);
