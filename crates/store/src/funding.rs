//! The funding ledger's table (`ledger_entries`, migration `0013_funding_ledger.sql`):
//! appending an entry checked against the ceilings, reading the entries back, replaying
//! them. The rules live in [`territoires_domain::funding::ledger`]; this module only makes
//! the check and the insert one serialised transaction, so that the ceilings hold under
//! concurrent writers (issue 5, §5).

use crate::codec::{code, date, from_code, from_date};
use crate::{Backend, Store, StoreError};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use territoires_domain::audit::AuditDraft;
use territoires_domain::funding::ledger::{Account, Caps, Entry, Journal, Movement};
use territoires_domain::Money;
use time::Date;

const COLUMNS: &str = "seq, at, movement, debit, credit, amount_cents, who, why, recorded_at";

/// How many times a write is attempted when the database reports a transient conflict
/// (deadlock, serialization failure, lock time-out, a concurrent audit append).
const ATTEMPTS: usize = 5;

fn decode(r: &AnyRow) -> Result<Entry, StoreError> {
    let seq: i64 = r.try_get("seq")?;
    let what = |col: &str| format!("ledger_entries {seq}: {col}");
    let account = |col: &str| -> Result<Account, StoreError> {
        let text: String = r.try_get(col)?;
        text.parse().map_err(|e| StoreError::Invalid(format!("{}: {e}", what(col))))
    };
    Ok(Entry {
        seq: u64::try_from(seq).map_err(|_| StoreError::Invalid(what("seq")))?,
        at: from_date(&r.try_get::<String, _>("at")?, &what("at"))?,
        movement: from_code(&r.try_get::<String, _>("movement")?, &what("movement"))?,
        debit: account("debit")?,
        credit: account("credit")?,
        amount: Money(r.try_get("amount_cents")?),
        who: r.try_get("who")?,
        why: r.try_get("why")?,
    })
}

/// True for a database error worth retrying the whole transaction for: PostgreSQL's
/// serialization failure (40001), deadlock (40P01), lock time-out (55P03) and unique
/// violation (23505, two audit appends racing for the same `seq`); SQLite's busy and
/// locked codes (5, 6 and their extended forms).
pub(crate) fn transient(e: &StoreError) -> bool {
    let StoreError::Database(sqlx::Error::Database(db)) = e else {
        return false;
    };
    let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
    matches!(
        code.as_str(),
        "40001" | "40P01" | "55P03" | "23505" | "5" | "6" | "261" | "262" | "517"
    )
}

/// The audit payload of an entry: integer cents and codes only (the trail refuses floats).
fn audit_after(e: &Entry) -> serde_json::Value {
    json!({
        "seq": e.seq,
        "at": date(e.at),
        "movement": code(&e.movement),
        "debit": e.debit.code(),
        "credit": e.credit.code(),
        "amount_cents": e.amount.0,
        "who": e.who,
        "why": e.why,
    })
}

impl Store {
    /// Appends one movement to the ledger: `amount` (cents) from `credit` to `debit` on
    /// value date `at`, recorded by `who` because of `why`, with the next sequence number
    /// (last + 1, starting at 1).
    ///
    /// In one write transaction: takes the ledger lock (PostgreSQL: `SELECT … FOR UPDATE`
    /// on `ledger_lock`; SQLite: `BEGIN IMMEDIATE`), reads the cached balances of the
    /// accounts the entry touches (`ledger_balances`), checks the new one against `caps`
    /// ([`territoires_domain::funding::ledger::check_entry`]), inserts it, updates those
    /// balances and appends the
    /// audit entry `ledger.<movement>` on `ledger:<seq>`. Concurrent callers are
    /// serialised, so the ceilings hold whatever the interleaving; a transient conflict
    /// is retried (at most 5 attempts).
    ///
    /// Errors: [`StoreError::Ledger`] when the rules refuse the entry (ceiling exceeded,
    /// wrong accounts, empty who/why…), nothing written; [`StoreError::Database`],
    /// [`StoreError::Invalid`] for a stored entry that cannot be read back.
    #[allow(clippy::too_many_arguments)] // the fields of an entry, all required
    pub async fn append_ledger_entry(
        &self,
        movement: Movement,
        debit: &Account,
        credit: &Account,
        amount: Money,
        at: Date,
        who: &str,
        why: &str,
        caps: &Caps,
    ) -> Result<Entry, StoreError> {
        let mut attempt = 1;
        loop {
            let draft = Entry {
                seq: 0,
                at,
                movement,
                debit: debit.clone(),
                credit: credit.clone(),
                amount,
                who: who.trim().to_owned(),
                why: why.trim().to_owned(),
            };
            match self.try_append(draft, caps).await {
                Err(e) if attempt < ATTEMPTS && transient(&e) => {
                    tracing::debug!(attempt, error = %e, "ledger append retried");
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn try_append(&self, entry: Entry, caps: &Caps) -> Result<Entry, StoreError> {
        let mut tx = self.begin_write().await?;
        let entry = self.append_ledger_in(&mut tx, entry, caps).await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// Appends `entry` (its `seq` is ignored and set to last + 1) inside the caller's write
    /// transaction `tx` (from [`Store::begin_write`]): takes the ledger lock, checks the
    /// entry against `caps` and the cached balances of the accounts it touches, inserts
    /// it, updates those balances and appends its audit entry. For
    /// store code that records a decision (an agreement, an amendment, a payment) and its
    /// ledger movement atomically: the caller commits, or drops `tx` to write nothing.
    /// The caller retries the whole transaction when [`transient`] says so.
    ///
    /// Errors: as [`Store::append_ledger_entry`].
    pub(crate) async fn append_ledger_in(&self, tx: &mut Transaction<'_, Any>, mut entry: Entry, caps: &Caps) -> Result<Entry, StoreError> {
        let recorded_at = crate::audit::now();
        entry.who = entry.who.trim().to_owned();
        entry.why = entry.why.trim().to_owned();
        let tx = &mut *tx;
        if self.backend() == Backend::Postgres {
            sqlx::query("SELECT id FROM ledger_lock WHERE id = 1 FOR UPDATE")
                .fetch_one(&mut **tx)
                .await?;
        }
        // Only the balances the entry touches are read (O(1) in the journal's length).
        let mut journal = crate::ledger_balances::partial_journal(tx, &entry).await?;
        entry.seq = journal.last_seq().map_or(1, |s| s + 1);
        // Dropping `tx` on refusal rolls it back: nothing is written.
        journal.append(entry.clone(), caps)?;
        crate::ledger_balances::save(tx, &journal, &entry).await?;
        let seq = i64::try_from(entry.seq).map_err(|_| StoreError::Invalid(format!("ledger_entries: seq {} out of range", entry.seq)))?;
        sqlx::query(&format!(
            "INSERT INTO ledger_entries ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(seq)
        .bind(date(entry.at))
        .bind(code(&entry.movement))
        .bind(entry.debit.code())
        .bind(entry.credit.code())
        .bind(entry.amount.0)
        .bind(entry.who.clone())
        .bind(entry.why.clone())
        .bind(recorded_at.clone())
        .execute(&mut **tx)
        .await?;
        let draft = AuditDraft::new(
            recorded_at,
            entry.who.clone(),
            format!("ledger.{}", code(&entry.movement)),
            format!("ledger:{}", entry.seq),
            serde_json::Value::Null,
            audit_after(&entry),
        )?;
        crate::audit::append(tx, draft).await?;
        tracing::info!(seq = entry.seq, movement = ?entry.movement, amount = entry.amount.0, "ledger entry appended");
        Ok(entry)
    }

    /// Every ledger entry, in sequence order. Errors: [`StoreError::Database`],
    /// [`StoreError::Invalid`] for a row that is not a valid entry (unknown account code,
    /// movement or date).
    pub async fn ledger_entries(&self) -> Result<Vec<Entry>, StoreError> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM ledger_entries ORDER BY seq"))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(decode)
            .collect()
    }

    /// The journal replayed from the stored entries, each checked against `caps` as it was
    /// appended ([`Journal::replay`]): its balances are the derived planned, committed
    /// and disbursed totals. Errors: as [`Store::ledger_entries`], and
    /// [`StoreError::Ledger`] for the first entry the caps refuse (e.g. a cap lowered
    /// since).
    pub async fn ledger_journal(&self, caps: &Caps) -> Result<Journal, StoreError> {
        Ok(Journal::replay(self.ledger_entries().await?, caps)?)
    }
}
