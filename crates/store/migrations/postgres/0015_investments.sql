-- Equity investments (issue 5, §4). Portable types (DESIGN.md): money as BIGINT cents,
-- value dates as ISO 8601 text, instants as RFC 3339 text in UTC, booleans as 0/1. The
-- money itself moves in `ledger_entries` (account `investment:<id>`): the approval's
-- commitment, each capital call's disbursement, each distribution's or exit's return;
-- the rows that moved money name their entry (`ledger_seq`).

-- One row per investment case. investee_kind: company | spv. instrument:
-- ordinary-shares | preferred-shares | convertible-bonds | shareholder-loan.
-- status: proposed | approved | rejected | exited. The decision columns are NULL until
-- the investment committee decides; min_private_share_bp is the prudent-investor rule's
-- parameter applied to the decision (hundredths of a percent).
CREATE TABLE investments (
    id                   BIGSERIAL PRIMARY KEY,
    project_slug         TEXT NOT NULL,
    investee_kind        TEXT NOT NULL,
    investee_name        TEXT NOT NULL,
    investee_siren       TEXT NOT NULL,
    instrument           TEXT NOT NULL,
    amount_cents         BIGINT NOT NULL CHECK (amount_cents > 0),
    pre_money_cents      BIGINT NOT NULL CHECK (pre_money_cents > 0),
    status               TEXT NOT NULL,
    created_by           TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    verdict              TEXT,
    decided_on           TEXT,
    decision_reference   TEXT,
    decision_reason      TEXT,
    decided_by           TEXT,
    min_private_share_bp BIGINT,
    ledger_seq           BIGINT
);
CREATE INDEX investments_by_project ON investments (project_slug);

-- The co-investors of the round. kind: private | public. same_terms: 1 when pari passu.
CREATE TABLE co_investors (
    investment_id BIGINT NOT NULL REFERENCES investments (id),
    position      BIGINT NOT NULL,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    amount_cents  BIGINT NOT NULL CHECK (amount_cents > 0),
    same_terms    BIGINT NOT NULL,
    terms         TEXT NOT NULL,
    PRIMARY KEY (investment_id, position)
);

-- What happens to an approved investment. kind: capital-call | distribution | valuation |
-- exit. amount_cents: called, distributed, the NAV, or the exit proceeds.
-- ledger_seq: the disbursement (call) or return (distribution, exit > 0); NULL otherwise.
CREATE TABLE investment_events (
    id            BIGSERIAL PRIMARY KEY,
    investment_id BIGINT NOT NULL REFERENCES investments (id),
    kind          TEXT NOT NULL,
    on_date       TEXT NOT NULL,
    amount_cents  BIGINT NOT NULL CHECK (amount_cents >= 0),
    note          TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    ledger_seq    BIGINT
);
CREATE INDEX investment_events_by_investment ON investment_events (investment_id);
