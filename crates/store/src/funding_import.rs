//! Imports of a whole spreadsheet of agreements (*conventions*) or of payments already
//! made (*versements*), for an operator migrating to the platform: every row goes through
//! the same rules, ledger entries and audit entries as one typed in the portal
//! ([`Store::sign_agreement_in`], and the payment path of
//! [`Store::take_disbursement_step`]), in ONE write transaction for the whole file, so a
//! file is imported whole or not at all. A dry run takes the same path and rolls back:
//! what it reports is exactly what the import would write.
//!
//! Re-importing a file is refused, not skipped: an agreement whose reference exists, or
//! a payment identical to one already recorded (same agreement, tranche, amount and
//! payment date), names its line. Skipping silently would hide a file edited since.

use crate::codec::{date, from_date};
use crate::disbursements::{one_in, record_event, tranche_sum, COUNTED};
use crate::funding::transient;
use crate::{Actor, Store, StoreError};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};
use territoires_domain::access::{allows, Action};
use territoires_domain::funding::agreement::TermsDraft;
use territoires_domain::funding::disbursement::{check_request, DisbursementError, Status, Step};
use territoires_domain::funding::ledger::{Account, Caps, Entry, Movement};
use territoires_domain::text::fold;
use territoires_domain::Money;
use time::Date;

/// Attempts of the whole file's transaction on a transient conflict.
const ATTEMPTS: usize = 5;

/// The file rows come from, as the audit trail records it: its name and the SHA-256 of
/// its bytes (hex), so the very file can be found again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSource {
    /// The file's name as given (`conventions-2020.csv`).
    pub file: String,
    /// SHA-256 of its bytes, lower-case hex.
    pub sha256: String,
}

impl ImportSource {
    /// The source `file` whose content is `bytes`.
    pub fn new(file: &str, bytes: &[u8]) -> ImportSource {
        let sha256 = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
        ImportSource {
            file: file.to_owned(),
            sha256,
        }
    }

    fn origin(&self, line: usize) -> Value {
        json!({ "file": self.file, "sha256": self.sha256, "line": line })
    }
}

/// One agreement row, parsed: the project it belongs to, the fiche's planned budget (the
/// cap on the project's eligible costs), and the terms as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementImport {
    /// Line of the file (header = 1).
    pub line: usize,
    /// The project's slug.
    pub project_slug: String,
    /// The fiche's planned budget (cents), when it gives one.
    pub planned_budget: Option<Money>,
    /// The terms.
    pub draft: TermsDraft,
}

/// One payment already made, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentImport {
    /// Line of the file (header = 1).
    pub line: usize,
    /// The agreement's reference (matched without regard to case).
    pub reference: String,
    /// The tranche: its label (accents, case and spacing aside) or its number from 1.
    pub tranche: String,
    /// Amount paid (cents).
    pub amount: Money,
    /// Value date of the payment.
    pub paid_on: Date,
}

/// A file refused, nothing written: the row at fault (index in the slice given, `None`
/// for the file as a whole), the field (`reference`, `amount_cents`, `tranche`,
/// `paid_on`, or an agreement rule's field such as `tranches[1].due_on`) and the cause.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct ImportRefused {
    /// Index of the row at fault.
    pub row: Option<usize>,
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// Why.
    pub error: StoreError,
}

impl ImportRefused {
    /// The French message to show, without the store's technical prefix (`conflict: `).
    pub fn message(&self) -> String {
        match &self.error {
            StoreError::Conflict(m) => m.clone(),
            other => other.to_string(),
        }
    }
}

impl From<StoreError> for ImportRefused {
    fn from(error: StoreError) -> ImportRefused {
        ImportRefused {
            row: None,
            field: None,
            error,
        }
    }
}

fn at_row(row: usize, field: Option<&str>) -> impl FnOnce(StoreError) -> ImportRefused + '_ {
    move |error| ImportRefused {
        row: Some(row),
        field: field.map(str::to_owned),
        error,
    }
}

/// What a file made (or, dry run, would make): the new records' ids, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    /// Ids of the agreements or disbursements, in row order (a dry run's are those the
    /// import would have had at that instant).
    pub ids: Vec<i64>,
    /// False for a dry run: nothing was written.
    pub written: bool,
}

fn may(actor: &Actor, action: Action) -> Result<(), ImportRefused> {
    if allows(actor.role, action) {
        Ok(())
    } else {
        Err(StoreError::Refused(format!("Le rôle {} ne permet pas : {}.", actor.role.label(), action.label())).into())
    }
}

impl Store {
    /// Signs every agreement of `rows` (from `source`) by `actor` (who must manage
    /// funding), each checked as [`Store::sign_agreement`] does — terms, unique
    /// reference, the project's planned budget, and the ledger's commitment against the
    /// project's subsidy ceiling and the envelope in `caps`, the rows before it counted —
    /// in one transaction; each audit entry `agreement.sign` carries `imported_from` (file,
    /// SHA-256, line), and one `import.agreements` entry sums the file up. `dry_run`
    /// checks everything and rolls back.
    ///
    /// Errors, nothing written: [`ImportRefused`] naming the first row at fault and its
    /// field ([`StoreError::Agreement`], [`StoreError::Conflict`] for a reference taken,
    /// [`StoreError::Ledger`] for a ceiling), or the whole file (the role).
    pub async fn import_agreements(
        &self,
        rows: &[AgreementImport],
        source: &ImportSource,
        actor: &Actor,
        caps: &Caps,
        dry_run: bool,
    ) -> Result<ImportOutcome, ImportRefused> {
        may(actor, Action::ManageFunding)?;
        let mut attempt = 1;
        loop {
            let result = self.try_import_agreements(rows, source, actor, caps, dry_run).await;
            match result {
                Err(e) if attempt < ATTEMPTS && transient(&e.error) => attempt += 1,
                other => return other,
            }
        }
    }

    async fn try_import_agreements(
        &self,
        rows: &[AgreementImport],
        source: &ImportSource,
        actor: &Actor,
        caps: &Caps,
        dry_run: bool,
    ) -> Result<ImportOutcome, ImportRefused> {
        let mut tx = self.begin_write().await?;
        let who = actor.audit_name();
        let mut ids = Vec::with_capacity(rows.len());
        for (i, r) in rows.iter().enumerate() {
            let origin = source.origin(r.line);
            let id = self
                .sign_agreement_in(
                    &mut tx,
                    &r.project_slug,
                    r.draft.clone(),
                    r.planned_budget,
                    &who,
                    caps,
                    Some(&origin),
                )
                .await
                .map_err(|e| {
                    let field = match &e {
                        StoreError::Agreement(a) => Some(a.field.clone()),
                        StoreError::Conflict(_) => Some("reference".to_owned()),
                        StoreError::Ledger(_) => Some("amount_cents".to_owned()),
                        _ => None,
                    };
                    ImportRefused {
                        row: Some(i),
                        field,
                        error: e,
                    }
                })?;
            ids.push(id);
        }
        finish(tx, "import.agreements", source, &who, &ids, dry_run).await?;
        Ok(ImportOutcome { ids, written: !dry_run })
    }

    /// Records every payment of `rows` (from `source`) as a paid disbursement of its
    /// agreement's tranche, by `actor` (who must be allowed to record payments), in one
    /// transaction: the agreement is active, the tranche is its own, the payment date is
    /// neither in the future nor before the signature, `0 < amount ≤` what remains on the
    /// tranche (rows before it counted), no identical payment is recorded (re-import), and
    /// the ledger accepts the `Disburse` entry `agreement:<id> → payee:<SIREN or name>`.
    /// Writes the disbursement (`paid`), its `request` and `pay` steps with their audit
    /// entries (each `after` carrying `imported_from`), the ledger entry, and one
    /// `import.disbursements` entry. `dry_run` checks everything and rolls back.
    ///
    /// Errors, nothing written: [`ImportRefused`] naming the first row at fault and its
    /// field (`reference`, `tranche`, `amount_cents`, `paid_on`).
    pub async fn import_payments(
        &self,
        rows: &[PaymentImport],
        source: &ImportSource,
        actor: &Actor,
        caps: &Caps,
        dry_run: bool,
    ) -> Result<ImportOutcome, ImportRefused> {
        may(actor, Action::PayDisbursement)?;
        let mut attempt = 1;
        loop {
            let result = self.try_import_payments(rows, source, actor, caps, dry_run).await;
            match result {
                Err(e) if attempt < ATTEMPTS && transient(&e.error) => attempt += 1,
                other => return other,
            }
        }
    }

    async fn try_import_payments(
        &self,
        rows: &[PaymentImport],
        source: &ImportSource,
        actor: &Actor,
        caps: &Caps,
        dry_run: bool,
    ) -> Result<ImportOutcome, ImportRefused> {
        let mut tx = self.begin_write().await?;
        let mut ids = Vec::with_capacity(rows.len());
        for (i, p) in rows.iter().enumerate() {
            ids.push(self.pay_in(&mut tx, i, p, source, actor, caps).await?);
        }
        finish(tx, "import.disbursements", source, &actor.audit_name(), &ids, dry_run).await?;
        Ok(ImportOutcome { ids, written: !dry_run })
    }

    /// One payment of [`Store::import_payments`], inside `tx`.
    async fn pay_in(
        &self,
        tx: &mut Transaction<'_, Any>,
        i: usize,
        p: &PaymentImport,
        source: &ImportSource,
        actor: &Actor,
        caps: &Caps,
    ) -> Result<i64, ImportRefused> {
        let reference = p.reference.trim();
        let agreement = sqlx::query("SELECT id, status, signed_on FROM agreements WHERE LOWER(reference) = LOWER($1)")
            .bind(reference.to_owned())
            .fetch_optional(&mut **tx)
            .await
            .map_err(|e| at_row(i, None)(e.into()))?
            .ok_or_else(|| {
                at_row(i, Some("reference"))(StoreError::NotFound(format!("Aucune convention n'a la référence « {reference} ».")))
            })?;
        let read = |e: sqlx::Error| at_row(i, None)(e.into());
        let agreement_id: i64 = agreement.try_get("id").map_err(read)?;
        let status: String = agreement.try_get("status").map_err(read)?;
        let signed_on =
            from_date(&agreement.try_get::<String, _>("signed_on").map_err(read)?, "agreements.signed_on").map_err(at_row(i, None))?;
        if status != "active" {
            return Err(at_row(i, Some("reference"))(StoreError::Refused(format!(
                "La convention « {reference} » n'est pas en vigueur (statut « {status} ») : aucun versement ne peut y être enregistré."
            ))));
        }
        let tranches = sqlx::query("SELECT id, label, amount_cents FROM tranches WHERE agreement_id = $1 ORDER BY position")
            .bind(agreement_id)
            .fetch_all(&mut **tx)
            .await
            .map_err(read)?;
        let mut listed = Vec::new();
        for t in &tranches {
            let label: String = t.try_get("label").map_err(read)?;
            listed.push((
                t.try_get::<i64, _>("id").map_err(read)?,
                label,
                Money(t.try_get("amount_cents").map_err(read)?),
            ));
        }
        // A label first (« Solde »), then a number (« 2 » is the second tranche).
        let wanted = p.tranche.trim();
        let found = listed.iter().find(|(_, label, _)| fold(label) == fold(wanted)).or_else(|| {
            wanted
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|n| listed.get(n))
        });
        let Some((tranche_id, label, tranche_amount)) = found.cloned() else {
            let names: Vec<String> = listed
                .iter()
                .enumerate()
                .map(|(n, (_, l, _))| format!("{} « {l} »", n + 1))
                .collect();
            return Err(at_row(i, Some("tranche"))(StoreError::NotFound(format!(
                "la convention « {reference} » n'a pas de tranche « {wanted} » ; ses tranches : {}",
                names.join(", ")
            ))));
        };
        let same: i64 = sqlx::query(
            "SELECT COUNT(*) FROM disbursements WHERE tranche_id = $1 AND amount_cents = $2 AND paid_on = $3 AND status = 'paid'",
        )
        .bind(tranche_id)
        .bind(p.amount.0)
        .bind(date(p.paid_on))
        .fetch_one(&mut **tx)
        .await
        .and_then(|r| r.try_get(0))
        .map_err(read)?;
        if same > 0 {
            return Err(at_row(i, None)(StoreError::Conflict(format!(
                "un versement de {} sur la tranche « {label} » de « {reference} », payé le {}, est déjà enregistré (fichier déjà importé ?)",
                p.amount,
                territoires_domain::text::date_numeric(p.paid_on)
            ))));
        }
        let why = format!("Versement importé du fichier {}, ligne {}", source.file, p.line);
        let taken = tranche_sum(tx, tranche_id, &COUNTED).await.map_err(at_row(i, None))?;
        check_request(
            actor.role,
            p.amount,
            p.paid_on,
            crate::disbursements::today(),
            signed_on,
            &why,
            &label,
            tranche_amount,
            taken,
        )
        .map_err(|e| {
            let field = match e {
                DisbursementError::FutureDate { .. } | DisbursementError::BeforeSignature { .. } => "paid_on",
                _ => "amount_cents",
            };
            at_row(i, Some(field))(e.into())
        })?;
        let id: i64 = sqlx::query(
            "INSERT INTO disbursements (agreement_id, tranche_id, amount_cents, status, requested_by, requested_at, paid_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(agreement_id)
        .bind(tranche_id)
        .bind(p.amount.0)
        .bind(Status::Paid.code())
        .bind(actor.name.clone())
        .bind(crate::audit::now())
        .bind(date(p.paid_on))
        .fetch_one(&mut **tx)
        .await
        .and_then(|r| r.try_get(0))
        .map_err(read)?;
        let d = one_in(tx, id).await.map_err(at_row(i, None))?;
        let payee = d
            .beneficiary_siren
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or(d.beneficiary.clone());
        let entry = Entry {
            seq: 0,
            at: p.paid_on,
            movement: Movement::Disburse,
            debit: Account::Payee(payee.trim().to_owned()),
            credit: Account::Agreement(u64::try_from(agreement_id).unwrap_or_default()),
            amount: p.amount,
            who: actor.name.clone(),
            why: format!("versement n° {id} : {why}"),
        };
        let entry = self
            .append_ledger_in(tx, entry, caps)
            .await
            .map_err(at_row(i, Some("amount_cents")))?;
        let seq = i64::try_from(entry.seq).unwrap_or_default();
        sqlx::query("UPDATE disbursements SET ledger_seq = $1 WHERE id = $2")
            .bind(seq)
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(read)?;
        let origin = source.origin(p.line);
        let requested = json!({
            "agreement": format!("agreement:{agreement_id}"), "tranche_id": tranche_id, "amount_cents": p.amount.0,
            "status": Status::Requested.code(), "on": date(p.paid_on), "why": why, "imported_from": origin,
        });
        record_event(tx, id, Step::Request, p.paid_on, actor, &why, Value::Null, requested)
            .await
            .map_err(at_row(i, None))?;
        let paid = json!({
            "status": Status::Paid.code(), "on": date(p.paid_on), "why": why, "amount_cents": p.amount.0,
            "ledger_seq": seq, "imported_from": origin,
        });
        record_event(
            tx,
            id,
            Step::Pay,
            p.paid_on,
            actor,
            &why,
            json!({ "status": Status::Requested.code() }),
            paid,
        )
        .await
        .map_err(at_row(i, None))?;
        Ok(id)
    }
}

/// Sums the file up in the audit trail (`action` on `import:<sha256>`), then commits — or,
/// for a dry run, rolls everything back.
async fn finish(
    mut tx: Transaction<'static, Any>,
    action: &str,
    source: &ImportSource,
    who: &str,
    ids: &[i64],
    dry_run: bool,
) -> Result<(), StoreError> {
    if dry_run {
        tx.rollback().await?;
        return Ok(());
    }
    let after = json!({ "file": source.file, "sha256": source.sha256, "rows": ids.len(), "ids": ids });
    let draft = territoires_domain::audit::AuditDraft::new(
        crate::audit::now(),
        who,
        action,
        format!("import:{}", source.sha256),
        Value::Null,
        after,
    )?;
    crate::audit::append(&mut tx, draft).await?;
    tx.commit().await?;
    tracing::info!(action, file = source.file, rows = ids.len(), "file imported");
    Ok(())
}
