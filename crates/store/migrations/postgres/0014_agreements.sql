-- Agreements (conventions), their tranches and conditions, and disbursements (issue 5,
-- §2 and §3). Portable types (DESIGN.md): money as BIGINT cents, value dates as ISO 8601
-- text, instants as RFC 3339 text in UTC. The money itself moves in `ledger_entries`
-- (account `agreement:<id>`); these tables hold the terms and the workflow, and each row
-- that moved money names its ledger entry (`ledger_seq`), which `territoires check`
-- reconciles.

-- One row per agreement with its current terms (the latest version).
-- status: active | closed | cancelled.
CREATE TABLE agreements (
    id                  BIGSERIAL PRIMARY KEY,
    project_slug        TEXT NOT NULL,
    reference           TEXT NOT NULL UNIQUE,
    title               TEXT NOT NULL,
    beneficiary         TEXT NOT NULL,
    beneficiary_siren   TEXT,
    signed_on           TEXT NOT NULL,
    amount_cents        BIGINT NOT NULL CHECK (amount_cents >= 0),
    eligible_cost_cents BIGINT NOT NULL CHECK (eligible_cost_cents >= 0),
    status              TEXT NOT NULL,
    version             BIGINT NOT NULL,
    created_by          TEXT NOT NULL,
    created_at          TEXT NOT NULL
);
CREATE INDEX agreements_by_project ON agreements (project_slug);

-- Every version of an agreement: 1 is the signature, each amendment (avenant) the next.
-- kind: signature | amendment. terms_json: the whole terms at that version (amount,
-- eligible cost, co-financing plan, tranche schedule), integer cents, for the history.
-- ledger_seq: the commitment or release this version made (NULL if the amount is unchanged).
CREATE TABLE agreement_versions (
    agreement_id BIGINT NOT NULL REFERENCES agreements (id),
    version      BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    signed_on    TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    terms_json   TEXT NOT NULL,
    reason       TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    ledger_seq   BIGINT,
    PRIMARY KEY (agreement_id, version)
);

-- The co-financing plan of the current version: the State's share is the agreement's
-- amount; these are the other financers. kind: local-authority | eu | private |
-- own-funds | other-public.
CREATE TABLE agreement_cofinancers (
    agreement_id BIGINT NOT NULL REFERENCES agreements (id),
    position     BIGINT NOT NULL,
    financer     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    PRIMARY KEY (agreement_id, position)
);

-- The tranche schedule of the current version. Tranche ids are stable across amendments
-- (an amendment updates a tranche in place; one with disbursements is never removed).
-- percent_bp: the share as given, in basis points (NULL when given as an amount).
CREATE TABLE tranches (
    id           BIGSERIAL PRIMARY KEY,
    agreement_id BIGINT NOT NULL REFERENCES agreements (id),
    position     BIGINT NOT NULL,
    label        TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    percent_bp   BIGINT,
    UNIQUE (agreement_id, position)
);

-- The conditions of a tranche. kind: milestone | report | indicator. A milestone or a
-- report is met when recorded (met_on, met_by, evidence); an indicator condition is met
-- when the indicator has an approved measurement (indicator_code; min_period optional:
-- only measurements of that period or later count).
CREATE TABLE tranche_conditions (
    id             BIGSERIAL PRIMARY KEY,
    tranche_id     BIGINT NOT NULL REFERENCES tranches (id),
    position       BIGINT NOT NULL,
    kind           TEXT NOT NULL,
    label          TEXT NOT NULL,
    indicator_code TEXT,
    min_period     TEXT,
    met_on         TEXT,
    met_by         TEXT,
    evidence       TEXT,
    UNIQUE (tranche_id, position)
);

-- Disbursements (versements): request → conditions checked → approved → paid, or
-- rejected. status: requested | checked | approved | paid | rejected.
-- ledger_seq: the disbursement's ledger entry, once paid.
CREATE TABLE disbursements (
    id           BIGSERIAL PRIMARY KEY,
    agreement_id BIGINT NOT NULL REFERENCES agreements (id),
    tranche_id   BIGINT NOT NULL REFERENCES tranches (id),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    status       TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    paid_on      TEXT,
    ledger_seq   BIGINT
);
CREATE INDEX disbursements_by_agreement ON disbursements (agreement_id);

-- Each step of a disbursement, by whom (account id and role), on which value date, why.
-- step: request | check | approve | pay | reject.
CREATE TABLE disbursement_events (
    id              BIGSERIAL PRIMARY KEY,
    disbursement_id BIGINT NOT NULL REFERENCES disbursements (id),
    step            TEXT NOT NULL,
    on_date         TEXT NOT NULL,
    actor           TEXT NOT NULL,
    role            TEXT NOT NULL,
    justification   TEXT NOT NULL,
    recorded_at     TEXT NOT NULL
);
CREATE INDEX disbursement_events_by_disbursement ON disbursement_events (disbursement_id);
