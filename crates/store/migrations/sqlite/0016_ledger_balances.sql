-- Balances of the funding ledger's accounts (issue 5, §5 and §7): a cache derived from
-- `ledger_entries`, updated in the same transaction as each append, so that checking an
-- entry reads only the accounts it touches (its envelope, its project, its agreement or
-- investment) instead of replaying the whole journal. `territoires check` compares it with
-- a full replay. Payees have no row.
-- account: the account code (`envelope:KIND`, `project:SLUG:KIND`, `agreement:N`,
-- `investment:N`); project: the slug of the project (of a holder: of its first
-- commitment), NULL for an envelope; kind: subsidy | equity. Money as BIGINT cents.
CREATE TABLE ledger_balances (
    account         TEXT PRIMARY KEY,
    project         TEXT,
    kind            TEXT NOT NULL,
    planned_cents   BIGINT NOT NULL,
    committed_cents BIGINT NOT NULL,
    disbursed_cents BIGINT NOT NULL,
    returned_cents  BIGINT NOT NULL
);

-- Filled from the entries already stored, in three steps.
-- 1. Agreements and investments: their project is the credit of their first commitment
--    (`project:SLUG:KIND`, from which the slug and kind are cut).
INSERT INTO ledger_balances (account, project, kind, planned_cents, committed_cents, disbursed_cents, returned_cents)
SELECT h.debit,
       substr(h.credit, 9, length(h.credit) - 9 - CASE WHEN h.credit LIKE '%:equity' THEN 6 ELSE 7 END),
       CASE WHEN h.credit LIKE '%:equity' THEN 'equity' ELSE 'subsidy' END,
       0,
       COALESCE((SELECT SUM(e.amount_cents) FROM ledger_entries e WHERE e.movement = 'commit' AND e.debit = h.debit), 0)
         - COALESCE((SELECT SUM(e.amount_cents) FROM ledger_entries e WHERE e.movement = 'release' AND e.credit = h.debit), 0),
       COALESCE((SELECT SUM(e.amount_cents) FROM ledger_entries e WHERE e.movement = 'disburse' AND e.credit = h.debit), 0),
       COALESCE((SELECT SUM(e.amount_cents) FROM ledger_entries e WHERE e.movement = 'return' AND e.debit = h.debit), 0)
FROM ledger_entries h
WHERE h.movement = 'commit'
  AND h.seq = (SELECT MIN(f.seq) FROM ledger_entries f WHERE f.movement = 'commit' AND f.debit = h.debit);

-- 2. Projects: their plans, plus the sums of their holders (every commitment, release,
--    disbursement and return goes through a holder of the project).
INSERT INTO ledger_balances (account, project, kind, planned_cents, committed_cents, disbursed_cents, returned_cents)
SELECT a.account, a.slug, a.kind,
       COALESCE((SELECT SUM(e.amount_cents) FROM ledger_entries e WHERE e.movement = 'plan' AND e.debit = a.account), 0),
       COALESCE((SELECT SUM(h.committed_cents) FROM ledger_balances h WHERE h.account NOT LIKE 'project:%' AND h.project = a.slug AND h.kind = a.kind), 0),
       COALESCE((SELECT SUM(h.disbursed_cents) FROM ledger_balances h WHERE h.account NOT LIKE 'project:%' AND h.project = a.slug AND h.kind = a.kind), 0),
       COALESCE((SELECT SUM(h.returned_cents) FROM ledger_balances h WHERE h.account NOT LIKE 'project:%' AND h.project = a.slug AND h.kind = a.kind), 0)
FROM (SELECT p.account,
             substr(p.account, 9, length(p.account) - 9 - CASE WHEN p.account LIKE '%:equity' THEN 6 ELSE 7 END) AS slug,
             CASE WHEN p.account LIKE '%:equity' THEN 'equity' ELSE 'subsidy' END AS kind
      FROM (SELECT debit AS account FROM ledger_entries WHERE movement = 'plan'
            UNION SELECT credit AS account FROM ledger_entries WHERE movement = 'commit') p) a;

-- 3. Envelopes: the sums of their projects.
INSERT INTO ledger_balances (account, project, kind, planned_cents, committed_cents, disbursed_cents, returned_cents)
SELECT 'envelope:' || kind, NULL, kind, SUM(planned_cents), SUM(committed_cents), SUM(disbursed_cents), SUM(returned_cents)
FROM ledger_balances
WHERE account LIKE 'project:%'
GROUP BY kind;
