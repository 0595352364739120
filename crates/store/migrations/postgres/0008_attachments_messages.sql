-- Attachments (pièces jointes), messages and private reviewer notes of an application
-- (issue 3). The file's bytes are stored in the database (BYTEA), never under a name the
-- client chose; `name` is the sanitised display name only. `id` is never reused, so a
-- download address keeps naming the same file or none. Instants: RFC 3339 text, UTC.
CREATE TABLE application_attachments (
    id                  BIGSERIAL PRIMARY KEY,
    application_id      BIGINT NOT NULL REFERENCES applications (id),
    name                TEXT NOT NULL,
    media_type          TEXT NOT NULL,
    size_bytes          BIGINT NOT NULL,
    sha256              TEXT NOT NULL,
    content             BYTEA NOT NULL,
    uploaded_by         BIGINT NOT NULL REFERENCES accounts (id),
    uploaded_at         TEXT NOT NULL
);
CREATE INDEX application_attachments_by_application ON application_attachments (application_id);

-- The thread between the reviewers and the applicant.
CREATE TABLE application_messages (
    id                  BIGSERIAL PRIMARY KEY,
    application_id      BIGINT NOT NULL REFERENCES applications (id),
    author_account_id   BIGINT NOT NULL REFERENCES accounts (id),
    at                  TEXT NOT NULL,
    body                TEXT NOT NULL
);
CREATE INDEX application_messages_by_application ON application_messages (application_id);

-- Private reviewer notes: never shown to the applicant.
CREATE TABLE application_notes (
    id                  BIGSERIAL PRIMARY KEY,
    application_id      BIGINT NOT NULL REFERENCES applications (id),
    author_account_id   BIGINT NOT NULL REFERENCES accounts (id),
    at                  TEXT NOT NULL,
    body                TEXT NOT NULL
);
CREATE INDEX application_notes_by_application ON application_notes (application_id);
