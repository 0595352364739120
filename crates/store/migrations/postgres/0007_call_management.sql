-- Calls created and published in the platform (issue 3, « Calls »), and the answers of
-- applications to their application form.
--
-- A separate table, not rows of `calls`: an import that changes the programme deletes and
-- rewrites the programme's rows of `calls` (see `write_programme`), and must leave the
-- platform's calls alone. Slugs are unique across both tables (checked by the store).
-- Portable types (see DESIGN.md): instants as RFC 3339 text in UTC, lists and the form as
-- JSON text, statuses as the domain's kebab-case codes.
CREATE TABLE platform_calls (
    slug         TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    opens_at     TEXT NOT NULL,
    closes_at    TEXT NOT NULL,
    themes       TEXT NOT NULL,
    eligibility  TEXT NOT NULL,
    form         TEXT NOT NULL,
    status       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    published_at TEXT
);

-- The answers of one application, as a JSON object `key → {"kind", "value"}` (amounts in
-- euro cents, dates ISO 8601), validated against the call's form before being written.
CREATE TABLE application_answers (
    application_id BIGINT PRIMARY KEY REFERENCES applications (id),
    answers        TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
