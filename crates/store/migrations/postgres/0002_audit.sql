-- The tamper-evident audit trail (territoires_domain::audit): one row per recorded action,
-- hash-chained. Portable types only: seq as BIGINT, timestamps as RFC 3339 UTC text,
-- before/after as canonical JSON text, hashes as 64 lower-case hex digits.
--
-- The PRIMARY KEY on seq is what keeps the chain from forking: two transactions that
-- both read seq N as the last entry both try to insert N + 1, and the second to commit
-- fails (unique violation on PostgreSQL, SQLITE_BUSY on SQLite) and rolls back with the
-- change it recorded.
CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    before_json TEXT NOT NULL,
    after_json  TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
