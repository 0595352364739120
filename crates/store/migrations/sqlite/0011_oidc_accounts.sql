-- OpenID Connect identities of accounts (issue 3, section 1): an account signs in through
-- the provider `issuer` as the subject `subject` (the `iss` and `sub` claims of its ID
-- token). One identity per account, one account per identity.
CREATE TABLE account_identities (
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    account_id BIGINT NOT NULL UNIQUE REFERENCES accounts (id),
    linked_at  TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
