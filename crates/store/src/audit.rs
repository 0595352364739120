//! The audit trail's table (`audit_log`, migration `0002_audit.sql`): appending a sealed
//! entry inside the transaction of the change it records, reading the log back, and
//! verifying its chain. The chain rules live in [`territoires_domain::audit`].

use crate::{Store, StoreError};
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use territoires_domain::audit::{canonical_json, seal, AuditDraft, AuditEntry, Finding, Verifier};

const COLUMNS: &str = "seq, at, actor, action, subject, before_json, after_json, prev_hash, hash";

/// Entries read per query when the log is walked page by page.
const PAGE: i64 = 500;

/// Appends `draft` to the log within `tx`: reads the last entry *in the same
/// transaction*, seals the draft after it and inserts it. The entry therefore commits or
/// rolls back together with the change it records.
///
/// Two concurrent appends cannot fork the chain: both read the same last entry and try to
/// insert the same `seq`; the PRIMARY KEY on `seq` makes the second fail (PostgreSQL: a
/// unique violation once the first commits; SQLite: `SQLITE_BUSY`, since only one
/// transaction writes at a time and a reader cannot upgrade past a newer commit), so its
/// whole transaction rolls back and the caller may retry. Errors: [`StoreError::Database`].
pub(crate) async fn append(tx: &mut Transaction<'_, Any>, draft: AuditDraft) -> Result<AuditEntry, StoreError> {
    let last = sqlx::query(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT 1"))
        .fetch_optional(&mut **tx)
        .await?
        .map(|row| decode(&row, false))
        .transpose()?;
    let entry = seal(draft, last.as_ref());
    sqlx::query(&format!(
        "INSERT INTO audit_log ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .bind(entry.seq)
    .bind(entry.at.clone())
    .bind(entry.actor.clone())
    .bind(entry.action.clone())
    .bind(entry.subject.clone())
    .bind(canonical_json(&entry.before))
    .bind(canonical_json(&entry.after))
    .bind(entry.prev_hash.clone())
    .bind(entry.hash.clone())
    .execute(&mut **tx)
    .await?;
    tracing::debug!(seq = entry.seq, action = %entry.action, subject = %entry.subject, "audit entry appended");
    Ok(entry)
}

/// The current time, RFC 3339 in UTC (`2025-03-14T09:26:53.589123Z`), for `at`.
pub(crate) fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Reads one row. `lenient`: a `before_json`/`after_json` that is not JSON (edited by
/// hand) is read as a JSON string holding the raw text, which cannot match the stored
/// hash, so that verification reports it as [`Finding::Edited`] instead of failing.
fn decode(row: &AnyRow, lenient: bool) -> Result<AuditEntry, StoreError> {
    let seq: i64 = row.try_get("seq")?;
    let json = |column: &str| -> Result<Value, StoreError> {
        let text: String = row.try_get(column)?;
        match serde_json::from_str(&text) {
            Ok(v) => Ok(v),
            Err(_) if lenient => Ok(Value::String(text)),
            Err(e) => Err(StoreError::Invalid(format!("audit_log seq {seq}: {column}: {e}"))),
        }
    };
    Ok(AuditEntry {
        seq,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        subject: row.try_get("subject")?,
        before: json("before_json")?,
        after: json("after_json")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// The outcome of [`Store::verify_audit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditVerification {
    /// Entries in the log.
    pub entries: u64,
    /// `seq` and `hash` of the last entry (keep it elsewhere to detect a truncated
    /// log later); `None` for an empty log.
    pub head: Option<(i64, String)>,
    /// What is wrong, in log order; empty when the chain is intact.
    pub findings: Vec<Finding>,
}

impl AuditVerification {
    /// True when no finding was reported.
    pub fn is_intact(&self) -> bool {
        self.findings.is_empty()
    }
}

impl Store {
    /// Every entry of the audit trail, ordered by `seq`. For large logs prefer
    /// [`Store::audit_page`]. Errors: [`StoreError::Database`], [`StoreError::Invalid`]
    /// when a row's before/after is not JSON.
    pub async fn audit_entries(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let mut out = Vec::new();
        let mut after = i64::MIN;
        loop {
            let page = self.audit_page(after, PAGE).await?;
            match page.last() {
                Some(last) => after = last.seq,
                None => return Ok(out),
            }
            out.extend(page);
        }
    }

    /// Up to `limit` entries with `seq` greater than `after_seq`, ordered by `seq`: walk
    /// the log with `after_seq` = the last `seq` returned (start with `i64::MIN`) until an
    /// empty page. Errors: as [`Store::audit_entries`].
    pub async fn audit_page(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        // Read leniently, as `verify_audit` does: a row edited into invalid JSON is shown
        // (and reported as edited) rather than making the page fail.
        self.page(after_seq, limit, true).await
    }

    async fn page(&self, after_seq: i64, limit: i64, lenient: bool) -> Result<Vec<AuditEntry>, StoreError> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"))
            .bind(after_seq)
            .bind(limit)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|row| decode(row, lenient))
            .collect()
    }

    /// Verifies the whole audit trail page by page (bounded memory) with
    /// [`territoires_domain::audit::Verifier`]: every hash, every link, the numbering. A
    /// row whose before/after text is no longer JSON counts as edited. Errors:
    /// [`StoreError::Database`] only; tampering is reported in the findings.
    pub async fn verify_audit(&self) -> Result<AuditVerification, StoreError> {
        let mut verifier = Verifier::new();
        let mut after = i64::MIN;
        loop {
            let page = self.page(after, PAGE, true).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            page.iter().for_each(|e| verifier.push(e));
        }
        let entries = verifier.count();
        let head = verifier.head().map(|(seq, hash)| (seq, hash.to_owned()));
        let findings = verifier.finish().err().unwrap_or_default();
        Ok(AuditVerification { entries, head, findings })
    }
}
