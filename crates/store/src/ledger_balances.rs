//! The ledger's balance cache (`ledger_balances`, migration `0016_ledger_balances.sql`):
//! the planned, committed, disbursed and returned totals of each envelope, project,
//! agreement and investment, updated in the transaction of every append. Checking an entry
//! reads only the rows of the accounts it touches, so an append costs the same whatever
//! the journal's length (issue 5, §7). The entries stay the source of truth:
//! [`Store::ledger_balance_drift`] compares the cache with a full replay, and
//! `territoires check` reports any difference.

use crate::codec::{code, from_code};
use crate::{Store, StoreError};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeMap;
use territoires_domain::funding::ledger::{Account, Balance, Entry, Journal};
use territoires_domain::programme::EnvelopeKind;
use territoires_domain::Money;

const COLUMNS: &str = "account, project, kind, planned_cents, committed_cents, disbursed_cents, returned_cents";

/// One cached row: the account code, its project's slug (none for an envelope), its
/// envelope kind, and its totals (cents).
type Row7 = (String, Option<String>, EnvelopeKind, Balance);

fn decode(r: &AnyRow) -> Result<Row7, StoreError> {
    let account: String = r.try_get("account")?;
    let kind: String = r.try_get("kind")?;
    Ok((
        account.clone(),
        r.try_get("project")?,
        from_code(&kind, &format!("ledger_balances {account}: kind"))?,
        Balance {
            planned: Money(r.try_get("planned_cents")?),
            committed: Money(r.try_get("committed_cents")?),
            disbursed: Money(r.try_get("disbursed_cents")?),
            returned: Money(r.try_get("returned_cents")?),
        },
    ))
}

async fn rows_in(tx: &mut Transaction<'_, Any>, accounts: &[String]) -> Result<Vec<Row7>, StoreError> {
    let mut out = Vec::new();
    // At most three accounts: one indexed look-up each keeps the SQL portable.
    for account in accounts {
        if let Some(r) = sqlx::query(&format!("SELECT {COLUMNS} FROM ledger_balances WHERE account = $1"))
            .bind(account.clone())
            .fetch_optional(&mut **tx)
            .await?
        {
            out.push(decode(&r)?);
        }
    }
    Ok(out)
}

fn is_holder(a: &Account) -> bool {
    matches!(a, Account::Agreement(_) | Account::Investment(_))
}

/// The partial journal `entry` is checked against: the last sequence number and the cached
/// balances of the accounts it touches — its agreement or investment, the project (of the
/// entry, or of the holder's first commitment) and that project's envelope. Missing rows
/// are zero balances. Read inside the caller's locked write transaction.
pub(crate) async fn partial_journal(tx: &mut Transaction<'_, Any>, entry: &Entry) -> Result<Journal, StoreError> {
    let last: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM ledger_entries")
        .fetch_one(&mut **tx)
        .await?;
    let last_seq = last
        .map(|s| u64::try_from(s).map_err(|_| StoreError::Invalid(format!("ledger_entries: seq {s} out of range"))))
        .transpose()?;
    let holder_codes: Vec<String> = [&entry.credit, &entry.debit]
        .into_iter()
        .filter(|a| is_holder(a))
        .map(Account::code)
        .collect();
    let mut holders = Vec::new();
    for (account, project, kind, balance) in rows_in(tx, &holder_codes).await? {
        let slug = project.ok_or_else(|| StoreError::Invalid(format!("ledger_balances {account}: no project")))?;
        let parsed = account.parse().map_err(|e| StoreError::Invalid(format!("ledger_balances: {e}")))?;
        holders.push((parsed, balance, slug, kind));
    }
    let project = [&entry.credit, &entry.debit]
        .into_iter()
        .find_map(|a| match a {
            Account::Project { slug, kind } => Some((slug.clone(), *kind)),
            _ => None,
        })
        .or_else(|| holders.first().map(|(_, _, slug, kind)| (slug.clone(), *kind)));
    let (mut envelopes, mut projects) = (Vec::new(), Vec::new());
    if let Some((slug, kind)) = project {
        let codes = [Account::Project { slug: slug.clone(), kind }.code(), Account::Envelope(kind).code()];
        for (account, _, kind, balance) in rows_in(tx, &codes).await? {
            if account.starts_with("envelope:") {
                envelopes.push((kind, balance));
            } else {
                projects.push(((slug.clone(), kind), balance));
            }
        }
    }
    Ok(Journal::from_balances(last_seq, envelopes, projects, holders))
}

/// Writes back the balances `journal` holds after `entry` was appended to it: the
/// envelope, the project and the holder it touched (insert or update, one statement each).
pub(crate) async fn save(tx: &mut Transaction<'_, Any>, journal: &Journal, entry: &Entry) -> Result<(), StoreError> {
    let holder = [&entry.credit, &entry.debit].into_iter().find(|a| is_holder(a));
    let project = [&entry.credit, &entry.debit]
        .into_iter()
        .find_map(|a| match a {
            Account::Project { slug, kind } => Some((slug.clone(), *kind)),
            _ => None,
        })
        .or_else(|| holder.and_then(|h| journal.holder_project(h)).map(|(s, k)| (s.to_string(), k)));
    let Some((slug, kind)) = project else {
        return Err(StoreError::Invalid(format!("ledger entry {}: no project", entry.seq)));
    };
    let mut rows: Vec<Row7> = vec![
        (Account::Envelope(kind).code(), None, kind, journal.envelope(kind)),
        (
            Account::Project { slug: slug.clone(), kind }.code(),
            Some(slug.clone()),
            kind,
            journal.project(&slug, kind),
        ),
    ];
    if let Some(h) = holder {
        rows.push((h.code(), Some(slug.clone()), kind, journal.holder(h)));
    }
    for (account, project, kind, b) in rows {
        sqlx::query(&format!(
            "INSERT INTO ledger_balances ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (account) DO UPDATE SET planned_cents = $4, committed_cents = $5, \
             disbursed_cents = $6, returned_cents = $7"
        ))
        .bind(account)
        .bind(project)
        .bind(code(&kind))
        .bind(b.planned.0)
        .bind(b.committed.0)
        .bind(b.disbursed.0)
        .bind(b.returned.0)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The derived balances of a whole journal, by account code, as the cache should hold them.
fn expected_balances(journal: &Journal) -> BTreeMap<String, (Option<String>, EnvelopeKind, Balance)> {
    let mut out = BTreeMap::new();
    for (kind, b) in journal.envelopes() {
        out.insert(Account::Envelope(kind).code(), (None, kind, *b));
    }
    for (slug, kind, b) in journal.projects() {
        let code = Account::Project {
            slug: slug.to_string(),
            kind,
        }
        .code();
        out.insert(code, (Some(slug.to_string()), kind, *b));
    }
    for (account, b, slug, kind) in journal.holders() {
        out.insert(account.code(), (Some(slug.to_string()), kind, *b));
    }
    out
}

impl Store {
    /// The cached totals of one account (planned, committed, disbursed, returned; cents;
    /// zero when it has no row yet): one indexed read,
    /// whatever the journal's length — what a page or an export showing many agreements
    /// needs, where a full replay per agreement grew with agreements × entries.
    /// Errors: [`StoreError::Database`]; [`StoreError::Invalid`] for an unknown kind.
    pub async fn cached_balance(&self, account: &Account) -> Result<Balance, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM ledger_balances WHERE account = $1"))
            .bind(account.code())
            .fetch_optional(self.pool())
            .await?;
        Ok(match row {
            Some(r) => decode(&r)?.3,
            None => Balance::default(),
        })
    }

    /// Every row of the balance cache, by account code: (project slug, envelope kind,
    /// totals in cents). Errors: [`StoreError::Database`]; [`StoreError::Invalid`] for an
    /// unknown kind.
    pub async fn ledger_balances(&self) -> Result<BTreeMap<String, (Option<String>, EnvelopeKind, Balance)>, StoreError> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM ledger_balances ORDER BY account"))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| decode(r).map(|(a, p, k, b)| (a, (p, k, b))))
            .collect()
    }

    /// Where the balance cache differs from `journal` (a full replay of the entries): one
    /// French line per account, naming it and both values (cents), in account order; empty
    /// when they agree. Errors: as [`Store::ledger_balances`].
    pub async fn ledger_balance_drift(&self, journal: &Journal) -> Result<Vec<String>, StoreError> {
        let cached = self.ledger_balances().await?;
        let expected = expected_balances(journal);
        let mut out = Vec::new();
        let zero = (None, EnvelopeKind::Subsidy, Balance::default());
        let mut accounts: Vec<&String> = cached.keys().chain(expected.keys()).collect();
        accounts.sort();
        accounts.dedup();
        for account in accounts {
            let (c, e) = (cached.get(account), expected.get(account));
            let (cv, ev) = (c.unwrap_or(&zero), e.unwrap_or(&zero));
            if c.is_none() || e.is_none() || cv != ev {
                out.push(format!(
                    "ledger_balances {account} : le cache dit {}, le journal rejoué dit {}",
                    describe(c),
                    describe(e)
                ));
            }
        }
        Ok(out)
    }
}

fn describe(v: Option<&(Option<String>, EnvelopeKind, Balance)>) -> String {
    match v {
        None => "aucune ligne".into(),
        Some((p, k, b)) => format!(
            "{} {} prévu {} engagé {} versé {} retourné {} (centimes)",
            p.as_deref().unwrap_or("—"),
            code(k),
            b.planned.0,
            b.committed.0,
            b.disbursed.0,
            b.returned.0
        ),
    }
}
