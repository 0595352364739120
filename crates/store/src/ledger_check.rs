//! The ledger's reconciliation for `territoires check` (issue 5, §5): replays every entry
//! against the caps, compares the balance cache with the replay, and reconciles the
//! tables that claim money moved (agreements, disbursements) with the ledger.

use crate::{Store, StoreError};
use sqlx::Row;
use territoires_domain::funding::ledger::{Account, Caps, Entry, Journal, Movement};
use territoires_domain::Money;

/// Tables whose rows each hold one commitment on the ledger: (table, account prefix, which
/// rows), the row's `amount_cents` having to equal what the ledger says is committed on
/// `<prefix>:<id>` (commitments less releases).
pub const COMMITMENT_TABLES: &[(&str, &str, &str)] = &[
    ("agreements", "agreement", "1 = 1"),
    // Proposed and rejected cases have an amount but commit nothing; exited ones are
    // checked by `EXITED_INVESTMENTS`.
    ("investments", "investment", "status = 'approved'"),
];

/// Exited investments with what their ledger commitment must be: the exit released what
/// was committed and never called, so what stays committed is exactly Σ capital calls
/// (`id`, `amount_cents`; the cast because PostgreSQL sums `BIGINT` as `NUMERIC`).
const EXITED_INVESTMENTS: &str = "SELECT i.id, CAST(COALESCE((SELECT SUM(e.amount_cents) FROM investment_events e \
     WHERE e.investment_id = i.id AND e.kind = 'capital-call'), 0) AS BIGINT) AS amount_cents \
     FROM investments i WHERE i.status = 'exited' ORDER BY i.id";

/// The tables whose rows record a payment or a return by their ledger entry: the table,
/// the rows concerned (`id`, `holder_id`, `amount_cents`, `ledger_seq`), the holder's
/// account prefix and the movement their entry must be.
const MOVEMENT_SOURCES: &[(&str, &str, &str, Movement)] = &[
    (
        "disbursements",
        "SELECT id, agreement_id AS holder_id, amount_cents, ledger_seq FROM disbursements WHERE status = 'paid' ORDER BY id",
        "agreement",
        Movement::Disburse,
    ),
    (
        "investment_events",
        "SELECT id, investment_id AS holder_id, amount_cents, ledger_seq FROM investment_events WHERE kind = 'capital-call' ORDER BY id",
        "investment",
        Movement::Disburse,
    ),
    (
        "investment_events",
        "SELECT id, investment_id AS holder_id, amount_cents, ledger_seq FROM investment_events \
         WHERE kind = 'distribution' OR (kind = 'exit' AND amount_cents > 0) ORDER BY id",
        "investment",
        Movement::Return,
    ),
];

/// One problem found: what it is about (a table and its key, or an entry) and what is
/// wrong, in French.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerFinding {
    /// The row or entry concerned, e.g. `agreements 3`, `ledger_entries 12`,
    /// `ledger_balances agreement:3`.
    pub subject: String,
    /// What is wrong, with both figures (cents or `1 234,56 €`).
    pub problem: String,
}

/// The outcome of [`Store::reconcile_ledger`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerReconciliation {
    /// How many entries were replayed.
    pub entries: usize,
    /// How many rows of the other tables were reconciled (commitments and paid
    /// disbursements).
    pub rows: usize,
    /// Every problem found; empty when the ledger is consistent.
    pub findings: Vec<LedgerFinding>,
}

fn finding(subject: impl Into<String>, problem: impl Into<String>) -> LedgerFinding {
    LedgerFinding {
        subject: subject.into(),
        problem: problem.into(),
    }
}

impl Store {
    /// Reconciles the ledger: (1) replays every entry in order against `caps` and reports
    /// each one the caps refuse (a cap lowered since, a row written behind the store's
    /// back); (2) compares the balance cache (`ledger_balances`) with the balances of the
    /// stored entries; (3) checks that each row of [`COMMITMENT_TABLES`] has its amount
    /// committed on the ledger (an exited investment: what was called, the exit having
    /// released the rest), and that each paid disbursement names (`ledger_seq`) a
    /// disbursement entry on its agreement of the same amount.
    ///
    /// Errors: [`StoreError::Database`]; [`StoreError::Invalid`] for an entry that cannot be
    /// read (unknown account code…). A journal whose entries break the structural rules is
    /// a finding, not an error.
    pub async fn reconcile_ledger(&self, caps: &Caps) -> Result<LedgerReconciliation, StoreError> {
        let entries = self.ledger_entries().await?;
        let mut report = LedgerReconciliation {
            entries: entries.len(),
            ..Default::default()
        };
        // (1) Against the caps: a refused entry is reported, and the replay goes on
        // without it so that later entries are judged too.
        let mut checked = Journal::new();
        for e in &entries {
            if let Err(err) = checked.append(e.clone(), caps) {
                report
                    .findings
                    .push(finding(format!("ledger_entries {}", e.seq), format!("refusée au rejeu : {err}")));
            }
        }
        // The balances the entries make, as stored (shape only, no caps).
        let journal = match Journal::from_entries(entries.clone()) {
            Ok(j) => j,
            Err(err) => {
                report
                    .findings
                    .push(finding("ledger_entries", format!("journal illisible : {err}")));
                return Ok(report);
            }
        };
        // (2) The cache against the entries.
        for line in self.ledger_balance_drift(&journal).await? {
            let (subject, problem) = line.split_once(" : ").unwrap_or((line.as_str(), ""));
            report.findings.push(finding(subject, problem));
        }
        // (3) Commitments claimed by other tables.
        let mut sources: Vec<(&str, &str, String)> = COMMITMENT_TABLES
            .iter()
            .map(|(table, prefix, filter)| {
                (
                    *table,
                    *prefix,
                    format!("SELECT id, amount_cents FROM {table} WHERE {filter} ORDER BY id"),
                )
            })
            .collect();
        sources.push(("investments", "investment", EXITED_INVESTMENTS.to_owned()));
        for (table, prefix, sql) in sources {
            let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
            for r in rows {
                let id: i64 = r.try_get("id")?;
                let amount = Money(r.try_get("amount_cents")?);
                report.rows += 1;
                let account: Account = format!("{prefix}:{id}")
                    .parse()
                    .map_err(|e| StoreError::Invalid(format!("{table} {id}: {e}")))?;
                let committed = journal.holder(&account).committed;
                if committed != amount {
                    report.findings.push(finding(
                        format!("{table} {id}"),
                        format!("montant {amount} mais le grand livre engage {committed} sur {account}"),
                    ));
                }
            }
        }
        for (table, sql, prefix, movement) in MOVEMENT_SOURCES {
            for r in sqlx::query(sql).fetch_all(self.pool()).await? {
                report.rows += 1;
                let id: i64 = r.try_get("id")?;
                let holder = format!("{prefix}:{}", r.try_get::<i64, _>("holder_id")?);
                let amount = Money(r.try_get("amount_cents")?);
                let seq: Option<i64> = r.try_get("ledger_seq")?;
                let subject = format!("{table} {id}");
                let Some(seq) = seq else {
                    report.findings.push(finding(
                        subject,
                        format!("{} sans écriture au grand livre (ledger_seq vide)", movement.label()),
                    ));
                    continue;
                };
                // The holder is the account giving a payment, and the one receiving a return.
                let side = |e: &Entry| {
                    if *movement == Movement::Return {
                        e.debit.code()
                    } else {
                        e.credit.code()
                    }
                };
                match entries.iter().find(|e| i64::try_from(e.seq) == Ok(seq)) {
                    None => report.findings.push(finding(subject, format!("l'écriture n° {seq} n'existe pas"))),
                    Some(e) if e.movement != *movement || side(e) != holder => report.findings.push(finding(
                        subject,
                        format!(
                            "l'écriture n° {seq} est une {} de {} vers {} et non un {} de {holder}",
                            e.movement.label(),
                            e.credit,
                            e.debit,
                            movement.label()
                        ),
                    )),
                    Some(e) if e.amount != amount => report.findings.push(finding(
                        subject,
                        format!("montant {amount} mais l'écriture n° {seq} porte {}", e.amount),
                    )),
                    Some(_) => {}
                }
            }
        }
        Ok(report)
    }
}
