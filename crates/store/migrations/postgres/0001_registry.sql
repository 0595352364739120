-- The registry: a programme, its envelopes, calls and headline claims, and its projects.
-- Portable types only (see DESIGN.md): money as BIGINT cents, dates as ISO 8601 text,
-- lists of free text as JSON arrays in TEXT, vocabularies as link tables for filtering.

CREATE TABLE programmes (
    slug                TEXT PRIMARY KEY,
    name                TEXT NOT NULL,
    parent_programme    TEXT NOT NULL,
    operator            TEXT NOT NULL,
    total_amount_cents  BIGINT NOT NULL,
    duration_years      BIGINT NOT NULL,
    target_themes       TEXT NOT NULL,
    source_title        TEXT NOT NULL,
    source_file         TEXT NOT NULL,
    source_published_on TEXT NOT NULL,
    source_licence      TEXT NOT NULL
);

CREATE TABLE envelopes (
    programme_slug TEXT NOT NULL REFERENCES programmes (slug),
    position       BIGINT NOT NULL,
    kind           TEXT NOT NULL,
    cap_cents      BIGINT NOT NULL CHECK (cap_cents >= 0),
    PRIMARY KEY (programme_slug, kind)
);

CREATE TABLE calls (
    programme_slug TEXT NOT NULL REFERENCES programmes (slug),
    position       BIGINT NOT NULL,
    kind           TEXT NOT NULL,
    year           BIGINT NOT NULL,
    opened_on      TEXT,
    applications   BIGINT NOT NULL,
    selected       BIGINT NOT NULL,
    PRIMARY KEY (programme_slug, position)
);

CREATE TABLE headline_claims (
    programme_slug TEXT NOT NULL REFERENCES programmes (slug),
    position       BIGINT NOT NULL,
    subject        TEXT NOT NULL,
    value          BIGINT NOT NULL,
    raw            TEXT NOT NULL,
    line           BIGINT NOT NULL,
    PRIMARY KEY (programme_slug, position)
);

CREATE TABLE projects (
    slug                       TEXT PRIMARY KEY,
    programme_slug             TEXT NOT NULL REFERENCES programmes (slug),
    position                   BIGINT NOT NULL,
    name                       TEXT NOT NULL,
    heading                    TEXT NOT NULL,
    toc_title                  TEXT NOT NULL,
    region_raw                 TEXT NOT NULL,
    lead                       TEXT NOT NULL,
    lead_detail                TEXT,
    partners                   BIGINT NOT NULL CHECK (partners >= 0),
    local_authorities          BIGINT NOT NULL CHECK (local_authorities >= 0),
    themes_raw                 TEXT NOT NULL,
    territory_kinds_raw        TEXT NOT NULL,
    population                 BIGINT NOT NULL CHECK (population >= 0),
    planned_budget_cents       BIGINT CHECK (planned_budget_cents >= 0),
    subsidy_ceiling_cents      BIGINT NOT NULL CHECK (subsidy_ceiling_cents >= 0),
    investment_potential_cents BIGINT NOT NULL CHECK (investment_potential_cents >= 0),
    ambition                   TEXT NOT NULL,
    strategic_objectives       TEXT NOT NULL,
    impacts_2030               TEXT NOT NULL,
    source_line                BIGINT NOT NULL,
    source_page                BIGINT
);

CREATE TABLE project_regions (
    project_slug TEXT NOT NULL REFERENCES projects (slug),
    position     BIGINT NOT NULL,
    region_code  TEXT NOT NULL,
    PRIMARY KEY (project_slug, region_code)
);
CREATE INDEX project_regions_by_code ON project_regions (region_code);

CREATE TABLE project_themes (
    project_slug TEXT NOT NULL REFERENCES projects (slug),
    position     BIGINT NOT NULL,
    theme        TEXT NOT NULL,
    PRIMARY KEY (project_slug, theme)
);
CREATE INDEX project_themes_by_theme ON project_themes (theme);

CREATE TABLE project_territory_kinds (
    project_slug   TEXT NOT NULL REFERENCES projects (slug),
    position       BIGINT NOT NULL,
    territory_kind TEXT NOT NULL,
    PRIMARY KEY (project_slug, territory_kind)
);
CREATE INDEX project_territory_kinds_by_kind ON project_territory_kinds (territory_kind);

-- One row per import that changed something (an import that changes nothing leaves no trace).
CREATE TABLE imports (
    id          BIGSERIAL PRIMARY KEY,
    source_file TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    inserted    BIGINT NOT NULL,
    updated     BIGINT NOT NULL,
    unchanged   BIGINT NOT NULL
);
