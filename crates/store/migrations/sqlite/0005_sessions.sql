-- Signed-in sessions. Only the SHA-256 of the session identifier is stored: a copy of the
-- database does not let anyone sign in.
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_account ON sessions (account_id);
