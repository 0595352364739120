-- Local accounts. The password is stored only as an argon2id PHC string; accounts that
-- sign in through OpenID Connect have none.
CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    organisation  TEXT,
    password_hash TEXT,
    created_at    TEXT NOT NULL,
    disabled      BIGINT NOT NULL DEFAULT 0
);
