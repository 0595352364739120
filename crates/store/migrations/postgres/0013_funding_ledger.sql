-- The funding ledger (issue 5, §1 and §5): an append-only, double-entry journal of every
-- movement of money. Rows are only ever inserted (the code has no UPDATE nor DELETE on
-- this table); balances are derived from them, never stored. Portable types (DESIGN.md):
-- money as BIGINT cents, value dates as ISO 8601 text, instants as RFC 3339 text in UTC.
-- movement: plan | commit | disburse; debit/credit: account codes (`envelope:subsidy`,
-- `project:SLUG:KIND`, `agreement:N`, `payee:ID`), amount going from credit to debit.
CREATE TABLE ledger_entries (
    seq          BIGINT PRIMARY KEY,
    at           TEXT NOT NULL,
    movement     TEXT NOT NULL,
    debit        TEXT NOT NULL,
    credit       TEXT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    who          TEXT NOT NULL,
    why          TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);

-- One row, locked (`SELECT … FOR UPDATE`) by every ledger writer on PostgreSQL before it
-- reads the journal, so that two writers cannot both pass the ceiling check on the same
-- state. SQLite's `BEGIN IMMEDIATE` serialises writers already.
CREATE TABLE ledger_lock (
    id INTEGER PRIMARY KEY
);
INSERT INTO ledger_lock (id) VALUES (1);
