//! Agreements (*conventions*, issue 5 §2) in tables `agreements`, `agreement_versions`,
//! `agreement_cofinancers`, `tranches` and `tranche_conditions` (migration
//! `0014_agreements.sql`). The rules live in
//! [`territoires_domain::funding::agreement`]; this module writes an agreement, its
//! ledger movement ([`Store::append_ledger_in`]) and its audit entry in one transaction,
//! so that a refused commitment leaves nothing behind.

use crate::codec::{date, from_code, from_date, from_json, json};
use crate::experts::actor_of;
use crate::funding::transient;
use crate::{Account, Store, StoreError};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use territoires_domain::audit::AuditDraft;
use territoires_domain::funding::agreement::{
    check_amendment, AmendmentDates, AmountChange, Cofinancer, Condition, ConditionKind, ProjectContext, Terms, TermsDraft, Tranche,
};
use territoires_domain::funding::ledger::{Account as LedgerAccount, Balance, Caps, Entry, Movement};
use territoires_domain::programme::EnvelopeKind;
use territoires_domain::Money;
use time::Date;

/// Attempts of a whole write transaction on a transient conflict (as the ledger's).
const ATTEMPTS: usize = 5;

const SUMMARY: &str =
    "id, project_slug, reference, title, beneficiary, beneficiary_siren, beneficiary_siret, beneficiary_rna, signed_on, amount_cents, \
     eligible_cost_cents, status, version, created_by, created_at";

/// An agreement's row: its current terms in brief.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementSummary {
    /// Identifier (ledger account `agreement:{id}`).
    pub id: i64,
    /// The laureate project.
    pub project_slug: String,
    /// Reference, unique.
    pub reference: String,
    /// Title.
    pub title: String,
    /// Beneficiary.
    pub beneficiary: String,
    /// The beneficiary's SIREN (9 digits), if given.
    pub beneficiary_siren: Option<String>,
    /// The signing establishment's SIRET (14 digits), if given (migration 0018).
    pub beneficiary_siret: Option<String>,
    /// The beneficiary's RNA number, if given (migration 0018).
    pub beneficiary_rna: Option<String>,
    /// Signature date (of version 1).
    pub signed_on: Date,
    /// Current amount of the State's subsidy (cents).
    pub amount: Money,
    /// Current eligible cost (cents).
    pub eligible_cost: Money,
    /// `active`, `closed` or `cancelled`.
    pub status: String,
    /// Current version (1 = as signed).
    pub version: i64,
    /// Who signed it in (`account:ID`).
    pub created_by: String,
    /// When (RFC 3339, UTC).
    pub created_at: String,
}

/// A stored tranche condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCondition {
    /// Identifier.
    pub id: i64,
    /// Milestone, report or indicator.
    pub kind: ConditionKind,
    /// What is expected.
    pub label: String,
    /// The indicator's code, for an indicator condition.
    pub indicator_code: Option<String>,
    /// When it was recorded as met (milestones, reports), if it was.
    pub met_on: Option<String>,
}

/// A stored tranche with what was paid on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTranche {
    /// Identifier, stable across amendments.
    pub id: i64,
    /// Label.
    pub label: String,
    /// Due date.
    pub due_on: Date,
    /// Amount (cents).
    pub amount: Money,
    /// The percentage it was given as (basis points), if it was.
    pub percent_bp: Option<u32>,
    /// Conditions, in order.
    pub conditions: Vec<StoredCondition>,
    /// Σ paid disbursements on it (cents).
    pub paid: Money,
}

/// One version of an agreement: the signature (1) or an amendment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementVersion {
    /// Number, from 1.
    pub version: i64,
    /// `signature` or `amendment`.
    pub kind: String,
    /// Date of the signature or of the amendment.
    pub signed_on: Date,
    /// The amount at that version (cents).
    pub amount: Money,
    /// The whole terms at that version.
    pub terms: Terms,
    /// Why (the amendment's reason; « Signature » for version 1).
    pub reason: String,
    /// Who recorded it (`account:ID`).
    pub recorded_by: String,
    /// When (RFC 3339, UTC).
    pub recorded_at: String,
    /// The ledger entry (commitment or release) it made, if the amount moved.
    pub ledger_seq: Option<i64>,
}

/// An agreement read whole: its row, co-financers, tranches with conditions, every
/// version, and its ledger balance (`agreement:{id}`: committed, disbursed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementDetail {
    /// The row.
    pub summary: AgreementSummary,
    /// The other financers of the current version.
    pub cofinancers: Vec<Cofinancer>,
    /// The current tranche schedule.
    pub tranches: Vec<StoredTranche>,
    /// Every version, oldest first.
    pub versions: Vec<AgreementVersion>,
    /// The ledger's balance of `agreement:{id}`.
    pub balance: Balance,
}

impl AgreementDetail {
    /// The current terms (those of the last version).
    pub fn terms(&self) -> Option<&Terms> {
        self.versions.last().map(|v| &v.terms)
    }
}

fn summary(r: &AnyRow) -> Result<AgreementSummary, StoreError> {
    let id: i64 = r.try_get("id")?;
    let what = format!("agreements {id}");
    Ok(AgreementSummary {
        id,
        project_slug: r.try_get("project_slug")?,
        reference: r.try_get("reference")?,
        title: r.try_get("title")?,
        beneficiary: r.try_get("beneficiary")?,
        beneficiary_siren: r.try_get("beneficiary_siren")?,
        beneficiary_siret: r.try_get("beneficiary_siret")?,
        beneficiary_rna: r.try_get("beneficiary_rna")?,
        signed_on: from_date(&r.try_get::<String, _>("signed_on")?, &what)?,
        amount: Money(r.try_get("amount_cents")?),
        eligible_cost: Money(r.try_get("eligible_cost_cents")?),
        status: r.try_get("status")?,
        version: r.try_get("version")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

fn subsidy(slug: &str) -> LedgerAccount {
    LedgerAccount::Project {
        slug: slug.to_owned(),
        kind: EnvelopeKind::Subsidy,
    }
}

fn ledger_id(id: i64) -> Result<u64, StoreError> {
    u64::try_from(id).map_err(|_| StoreError::Invalid(format!("agreements: id {id} out of range")))
}

/// Takes the ledger lock first (PostgreSQL: `SELECT … FOR UPDATE` on `ledger_lock`; SQLite
/// holds the write lock since `BEGIN IMMEDIATE`), so that what is read before the ledger
/// entry — the other agreements' eligible costs, what is paid on each tranche — cannot
/// change before the commit: two signatures, or an amendment and a payment that takes the
/// same lock, are serialised.
async fn lock_ledger(store: &Store, tx: &mut Transaction<'_, Any>) -> Result<(), StoreError> {
    if store.backend() == crate::Backend::Postgres {
        sqlx::query("SELECT id FROM ledger_lock WHERE id = 1 FOR UPDATE")
            .fetch_one(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Σ eligible costs of the project's agreements other than `except` (cents), cancelled
/// ones left out.
async fn other_eligible(tx: &mut Transaction<'_, Any>, slug: &str, except: i64) -> Result<Money, StoreError> {
    let sum: i64 = sqlx::query(
        "SELECT CAST(COALESCE(SUM(eligible_cost_cents), 0) AS BIGINT) FROM agreements \
         WHERE project_slug = $1 AND id <> $2 AND status <> 'cancelled'",
    )
    .bind(slug.to_owned())
    .bind(except)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?;
    Ok(Money(sum))
}

async fn insert_conditions(tx: &mut Transaction<'_, Any>, tranche: i64, from: usize, conditions: &[Condition]) -> Result<(), StoreError> {
    for (p, c) in conditions.iter().enumerate().skip(from) {
        sqlx::query("INSERT INTO tranche_conditions (tranche_id, position, kind, label, indicator_code) VALUES ($1, $2, $3, $4, $5)")
            .bind(tranche)
            .bind(p as i64)
            .bind(c.kind.code())
            .bind(c.label.clone())
            .bind(c.indicator_code.clone())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn insert_tranche(tx: &mut Transaction<'_, Any>, agreement: i64, position: usize, t: &Tranche) -> Result<(), StoreError> {
    let id: i64 = sqlx::query(
        "INSERT INTO tranches (agreement_id, position, label, due_on, amount_cents, percent_bp) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(agreement)
    .bind(position as i64)
    .bind(t.label.clone())
    .bind(date(t.due_on))
    .bind(t.amount.0)
    .bind(t.percent_bp.map(i64::from))
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?;
    insert_conditions(tx, id, 0, &t.conditions).await
}

async fn write_cofinancers(tx: &mut Transaction<'_, Any>, agreement: i64, terms: &Terms) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM agreement_cofinancers WHERE agreement_id = $1")
        .bind(agreement)
        .execute(&mut **tx)
        .await?;
    for (p, c) in terms.cofinancers.iter().enumerate() {
        sqlx::query("INSERT INTO agreement_cofinancers (agreement_id, position, financer, kind, amount_cents) VALUES ($1, $2, $3, $4, $5)")
            .bind(agreement)
            .bind(p as i64)
            .bind(c.financer.clone())
            .bind(c.kind.code())
            .bind(c.amount.0)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)] // the columns of a version row
async fn insert_version(
    tx: &mut Transaction<'_, Any>,
    agreement: i64,
    version: i64,
    kind: &str,
    on: Date,
    terms: &Terms,
    reason: &str,
    actor: &str,
    at: &str,
    ledger_seq: Option<i64>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO agreement_versions (agreement_id, version, kind, signed_on, amount_cents, terms_json, reason, recorded_by, recorded_at, ledger_seq) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(agreement)
    .bind(version)
    .bind(kind.to_owned())
    .bind(date(on))
    .bind(terms.amount.0)
    .bind(json(terms))
    .bind(reason.to_owned())
    .bind(actor.to_owned())
    .bind(at.to_owned())
    .bind(ledger_seq)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The audit payload of terms: integer cents and codes only.
fn audit_terms(id: i64, slug: &str, terms: &Terms) -> serde_json::Value {
    json!({
        "agreement": id,
        "project": slug,
        "reference": terms.reference,
        "amount_cents": terms.amount.0,
        "eligible_cost_cents": terms.eligible_cost.0,
        "tranches_cents": terms.tranches.iter().map(|t| t.amount.0).collect::<Vec<_>>(),
        "cofinancers_cents": terms.cofinancers.iter().map(|c| c.amount.0).collect::<Vec<_>>(),
    })
}

impl Store {
    /// Signs an agreement of project `slug`: checks `draft`
    /// ([`TermsDraft::check`], with the fiche's `planned_budget` against the project's
    /// other agreements), then in one write transaction inserts the agreement, version 1,
    /// its co-financers, tranches and conditions, commits its amount in the ledger
    /// (`project:{slug}:subsidy → agreement:{id}`, dated the signature, checked against
    /// `caps`) and appends the audit entry `agreement.sign`. A transient conflict retries
    /// the whole transaction (at most 5 attempts). Returns the new agreement's id.
    ///
    /// Errors, nothing written: [`StoreError::Agreement`] for terms that break a rule
    /// (naming the field); [`StoreError::Conflict`] for a reference already used (trimmed,
    /// compared without regard to case);
    /// [`StoreError::Ledger`] when the commitment exceeds the envelope's room or the
    /// project's ceiling (its French message says by how much); [`StoreError::Database`].
    pub async fn sign_agreement(
        &self,
        slug: &str,
        draft: &TermsDraft,
        planned_budget: Option<Money>,
        actor: &Account,
        caps: &Caps,
    ) -> Result<i64, StoreError> {
        let mut attempt = 1;
        loop {
            match self.try_sign(slug, draft.clone(), planned_budget, actor, caps).await {
                Err(e) if attempt < ATTEMPTS && transient(&e) => attempt += 1,
                other => return other,
            }
        }
    }

    async fn try_sign(
        &self,
        slug: &str,
        draft: TermsDraft,
        planned_budget: Option<Money>,
        actor: &Account,
        caps: &Caps,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = self
            .sign_agreement_in(&mut tx, slug, draft, planned_budget, &actor_of(actor), caps, None)
            .await?;
        tx.commit().await?;
        tracing::info!(agreement = id, project = slug, "agreement signed");
        Ok(id)
    }

    /// [`Store::sign_agreement`] inside the caller's write transaction `tx` (from
    /// [`Store::begin_write`]), so that several agreements (a file imported) commit or
    /// fail together: the same rules, ledger commitment and audit entry `agreement.sign`,
    /// by `who` (`account:ID` or `cli:<user>`); `origin`, when given, is added to the audit
    /// entry as `imported_from` (the file and line an imported agreement came from). Takes
    /// the ledger lock. Not retried: the caller retries the whole transaction. On an error
    /// the caller must roll `tx` back (it may hold part of the agreement).
    #[allow(clippy::too_many_arguments)] // sign_agreement's facts plus the transaction and origin
    pub(crate) async fn sign_agreement_in(
        &self,
        tx: &mut Transaction<'_, Any>,
        slug: &str,
        draft: TermsDraft,
        planned_budget: Option<Money>,
        who: &str,
        caps: &Caps,
        origin: Option<&serde_json::Value>,
    ) -> Result<i64, StoreError> {
        let at = crate::audit::now();
        let who = who.to_owned();
        lock_ledger(self, tx).await?;
        let project = ProjectContext {
            planned_budget,
            other_eligible_costs: other_eligible(tx, slug, -1).await?,
            today: Some(today()),
        };
        let terms = draft.check(&project)?;
        // References are unique whatever their case (`r-fut` is `R-FUT`); `terms.reference`
        // is already trimmed. LOWER is portable (ASCII on SQLite, which references are).
        let taken = sqlx::query("SELECT reference FROM agreements WHERE LOWER(reference) = LOWER($1)")
            .bind(terms.reference.clone())
            .fetch_optional(&mut **tx)
            .await?;
        if let Some(row) = taken {
            let existing: String = row.try_get(0)?;
            return Err(StoreError::Conflict(format!(
                "Champ « reference » : une convention porte déjà la référence « {existing} » (les références ne distinguent ni les majuscules ni les espaces autour)."
            )));
        }
        let id: i64 = sqlx::query(
            "INSERT INTO agreements (project_slug, reference, title, beneficiary, beneficiary_siren, signed_on, amount_cents, \
             eligible_cost_cents, status, version, created_by, created_at, beneficiary_siret, beneficiary_rna) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', 1, $9, $10, $11, $12) RETURNING id",
        )
        .bind(slug.to_owned())
        .bind(terms.reference.clone())
        .bind(terms.title.clone())
        .bind(terms.beneficiary.clone())
        .bind(terms.beneficiary_siren.as_ref().map(|s| s.as_str().to_owned()))
        .bind(date(terms.signed_on))
        .bind(terms.amount.0)
        .bind(terms.eligible_cost.0)
        .bind(who.clone())
        .bind(at.clone())
        .bind(terms.beneficiary_siret.as_ref().map(|s| s.as_str().to_owned()))
        .bind(terms.beneficiary_rna.as_ref().map(|s| s.as_str().to_owned()))
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
        write_cofinancers(tx, id, &terms).await?;
        for (p, t) in terms.tranches.iter().enumerate() {
            insert_tranche(tx, id, p, t).await?;
        }
        let entry = Entry {
            seq: 0,
            at: terms.signed_on,
            movement: Movement::Commit,
            debit: LedgerAccount::Agreement(ledger_id(id)?),
            credit: subsidy(slug),
            amount: terms.amount,
            who: who.clone(),
            why: format!("convention {} signée", terms.reference),
        };
        let entry = self.append_ledger_in(tx, entry, caps).await?;
        let seq = i64::try_from(entry.seq).ok();
        insert_version(tx, id, 1, "signature", terms.signed_on, &terms, "Signature", &who, &at, seq).await?;
        let mut after = audit_terms(id, slug, &terms);
        if let Some(origin) = origin {
            after["imported_from"] = origin.clone();
        }
        let draft = AuditDraft::new(at, who, "agreement.sign", format!("agreement:{id}"), serde_json::Value::Null, after)?;
        crate::audit::append(tx, draft).await?;
        Ok(id)
    }

    /// Amends agreement `id` (*avenant*) dated `on`, for `reason`, with the whole new terms
    /// `draft`: checks them ([`check_amendment`]: reference unchanged, amount not below
    /// what is paid, no tranche below what was disbursed on it, the planned budget), then in
    /// one write transaction updates the agreement, its co-financers and tranches (by
    /// position: tranche ids are kept; a condition left identical keeps whether it is met),
    /// moves the difference in the ledger — a commitment for an increase, a release for a
    /// decrease — and appends version `n + 1` and the audit entry `agreement.amend`.
    /// Returns the new version number. Retried on transient conflicts.
    ///
    /// Errors, nothing written: [`StoreError::NotFound`]; [`StoreError::Refused`] for an
    /// agreement that is not active or a tranche with disbursements that the new schedule
    /// drops; [`StoreError::Agreement`]; [`StoreError::Ledger`] (ceilings);
    /// [`StoreError::Database`].
    #[allow(clippy::too_many_arguments)] // an amendment's fields, all required
    pub async fn amend_agreement(
        &self,
        id: i64,
        on: Date,
        reason: &str,
        draft: &TermsDraft,
        planned_budget: Option<Money>,
        actor: &Account,
        caps: &Caps,
    ) -> Result<i64, StoreError> {
        let mut attempt = 1;
        loop {
            match self.try_amend(id, on, reason, draft.clone(), planned_budget, actor, caps).await {
                Err(e) if attempt < ATTEMPTS && transient(&e) => attempt += 1,
                other => return other,
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn try_amend(
        &self,
        id: i64,
        on: Date,
        reason: &str,
        draft: TermsDraft,
        planned_budget: Option<Money>,
        actor: &Account,
        caps: &Caps,
    ) -> Result<i64, StoreError> {
        let at = crate::audit::now();
        let who = actor_of(actor);
        let mut tx = self.begin_write().await?;
        lock_ledger(self, &mut tx).await?;
        let row = sqlx::query(&format!("SELECT {SUMMARY} FROM agreements WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("Aucune convention n'a le numéro {id}.")))?;
        let current = summary(&row)?;
        if current.status != "active" {
            return Err(StoreError::Refused(format!(
                "La convention n° {id} n'est plus en cours (statut : {}) : elle ne peut pas être modifiée par avenant.",
                current.status
            )));
        }
        let terms_json: String = sqlx::query("SELECT terms_json FROM agreement_versions WHERE agreement_id = $1 AND version = $2")
            .bind(id)
            .bind(current.version)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let old: Terms = from_json(&terms_json, &format!("agreement_versions {id}/{}", current.version))?;
        let previous: String = sqlx::query("SELECT signed_on FROM agreement_versions WHERE agreement_id = $1 AND version = $2")
            .bind(id)
            .bind(current.version)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let dates = AmendmentDates {
            on,
            previous: from_date(&previous, &format!("agreement_versions {id}/{}", current.version))?,
            today: today(),
        };
        let tranches = tranche_rows(&mut tx, id).await?;
        let paid =
            Money::sum(tranches.iter().map(|t| t.paid)).ok_or_else(|| StoreError::Invalid(format!("agreement {id}: paid overflow")))?;
        let taken_by = taken_by_tranche(&mut tx, &tranches).await?;
        let project = ProjectContext {
            planned_budget,
            other_eligible_costs: other_eligible(&mut tx, &current.project_slug, id).await?,
            today: Some(dates.today),
        };
        let (terms, change) = check_amendment(&old, reason, draft, &project, dates, paid, &taken_by)?;
        // A tranche dropped by the new schedule must have no disbursement at all (even
        // one only requested): its row is deleted.
        for t in tranches.iter().skip(terms.tranches.len()) {
            let any: i64 = sqlx::query("SELECT COUNT(*) FROM disbursements WHERE tranche_id = $1")
                .bind(t.id)
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
            if any > 0 {
                return Err(StoreError::Refused(format!(
                    "La tranche « {} » a des demandes de versement : l'avenant ne peut pas la supprimer.",
                    t.label
                )));
            }
        }
        let version = current.version + 1;
        let updated = sqlx::query(
            "UPDATE agreements SET title = $1, beneficiary = $2, beneficiary_siren = $3, amount_cents = $4, eligible_cost_cents = $5, \
             version = $6, beneficiary_siret = $7, beneficiary_rna = $8 WHERE id = $9 AND version = $10",
        )
        .bind(terms.title.clone())
        .bind(terms.beneficiary.clone())
        .bind(terms.beneficiary_siren.as_ref().map(|s| s.as_str().to_owned()))
        .bind(terms.amount.0)
        .bind(terms.eligible_cost.0)
        .bind(version)
        .bind(terms.beneficiary_siret.as_ref().map(|s| s.as_str().to_owned()))
        .bind(terms.beneficiary_rna.as_ref().map(|s| s.as_str().to_owned()))
        .bind(id)
        .bind(current.version)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Refused(format!(
                "La convention n° {id} a été modifiée entre-temps : rechargez-la avant de saisir l'avenant."
            )));
        }
        write_cofinancers(&mut tx, id, &terms).await?;
        update_tranches(&mut tx, id, &tranches, &terms.tranches).await?;
        let why = format!("avenant n° {} à la convention {} : {}", version - 1, terms.reference, reason.trim());
        let movement = match change {
            AmountChange::Unchanged => None,
            AmountChange::Increase(m) => Some((
                Movement::Commit,
                LedgerAccount::Agreement(ledger_id(id)?),
                subsidy(&current.project_slug),
                m,
            )),
            AmountChange::Decrease(m) => Some((
                Movement::Release,
                subsidy(&current.project_slug),
                LedgerAccount::Agreement(ledger_id(id)?),
                m,
            )),
        };
        let mut seq = None;
        if let Some((movement, debit, credit, amount)) = movement {
            let entry = Entry {
                seq: 0,
                at: on,
                movement,
                debit,
                credit,
                amount,
                who: who.clone(),
                why: why.clone(),
            };
            seq = i64::try_from(self.append_ledger_in(&mut tx, entry, caps).await?.seq).ok();
        }
        insert_version(&mut tx, id, version, "amendment", on, &terms, reason.trim(), &who, &at, seq).await?;
        let mut after = audit_terms(id, &current.project_slug, &terms);
        after["version"] = json!(version);
        after["reason"] = json!(reason.trim());
        let draft = AuditDraft::new(
            at,
            who,
            "agreement.amend",
            format!("agreement:{id}"),
            audit_terms(id, &current.project_slug, &old),
            after,
        )?;
        crate::audit::append(&mut tx, draft).await?;
        tx.commit().await?;
        tracing::info!(agreement = id, version, ?change, "agreement amended");
        Ok(version)
    }

    /// Agreement `id` read whole (see [`AgreementDetail`]), or `None`. Errors:
    /// [`StoreError::Database`], [`StoreError::Invalid`] for a row that cannot be read.
    pub async fn agreement(&self, id: i64) -> Result<Option<AgreementDetail>, StoreError> {
        let mut tx = self.pool().begin().await?;
        let Some(row) = sqlx::query(&format!("SELECT {SUMMARY} FROM agreements WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let summary = summary(&row)?;
        let cofinancers =
            sqlx::query("SELECT financer, kind, amount_cents FROM agreement_cofinancers WHERE agreement_id = $1 ORDER BY position")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| {
                    Ok(Cofinancer {
                        financer: r.try_get("financer")?,
                        kind: from_code(&r.try_get::<String, _>("kind")?, "agreement_cofinancers.kind")?,
                        amount: Money(r.try_get("amount_cents")?),
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
        let tranches = tranche_rows(&mut tx, id).await?;
        let versions = sqlx::query(
            "SELECT version, kind, signed_on, amount_cents, terms_json, reason, recorded_by, recorded_at, ledger_seq \
             FROM agreement_versions WHERE agreement_id = $1 ORDER BY version",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| {
            let version: i64 = r.try_get("version")?;
            let what = format!("agreement_versions {id}/{version}");
            Ok(AgreementVersion {
                version,
                kind: r.try_get("kind")?,
                signed_on: from_date(&r.try_get::<String, _>("signed_on")?, &what)?,
                amount: Money(r.try_get("amount_cents")?),
                terms: from_json(&r.try_get::<String, _>("terms_json")?, &what)?,
                reason: r.try_get("reason")?,
                recorded_by: r.try_get("recorded_by")?,
                recorded_at: r.try_get("recorded_at")?,
                ledger_seq: r.try_get("ledger_seq")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        tx.commit().await?;
        // The cache, kept in the transaction of every append and checked against a full
        // replay by `territoires check`: a replay here made listing N agreements O(N × entries).
        let balance = self.cached_balance(&LedgerAccount::Agreement(ledger_id(id)?)).await?;
        Ok(Some(AgreementDetail {
            summary,
            cofinancers,
            tranches,
            versions,
            balance,
        }))
    }

    /// The agreements, by signature date then id; only project `slug`'s when given.
    /// Errors: [`StoreError::Database`], [`StoreError::Invalid`].
    pub async fn agreements(&self, slug: Option<&str>) -> Result<Vec<AgreementSummary>, StoreError> {
        let rows = match slug {
            Some(s) => {
                sqlx::query(&format!(
                    "SELECT {SUMMARY} FROM agreements WHERE project_slug = $1 ORDER BY signed_on, id"
                ))
                .bind(s.to_owned())
                .fetch_all(self.pool())
                .await?
            }
            None => {
                sqlx::query(&format!("SELECT {SUMMARY} FROM agreements ORDER BY signed_on, id"))
                    .fetch_all(self.pool())
                    .await?
            }
        };
        rows.iter().map(summary).collect()
    }
}

/// Today in Europe/Paris (the signature and amendment dates may not be after it).
fn today() -> Date {
    territoires_domain::opinion::paris_today(time::OffsetDateTime::now_utc())
}

/// Σ of each tranche's non-rejected disbursements (requested, checked, approved or paid;
/// cents), in the order of `tranches`: what an amendment may not lower a tranche below.
async fn taken_by_tranche(tx: &mut Transaction<'_, Any>, tranches: &[StoredTranche]) -> Result<Vec<Money>, StoreError> {
    let mut out = Vec::with_capacity(tranches.len());
    for t in tranches {
        // PostgreSQL sums BIGINT as NUMERIC, which the Any driver cannot read: cast back.
        let sum: i64 = sqlx::query(
            "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM disbursements WHERE tranche_id = $1 AND status <> 'rejected'",
        )
        .bind(t.id)
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
        out.push(Money(sum));
    }
    Ok(out)
}

/// The tranches of agreement `id` in order, with their conditions and Σ paid
/// disbursements (`disbursements.status = 'paid'`).
async fn tranche_rows(tx: &mut Transaction<'_, Any>, id: i64) -> Result<Vec<StoredTranche>, StoreError> {
    let rows = sqlx::query(
        "SELECT t.id, t.label, t.due_on, t.amount_cents, t.percent_bp, \
         CAST(COALESCE((SELECT SUM(d.amount_cents) FROM disbursements d WHERE d.tranche_id = t.id AND d.status = 'paid'), 0) AS BIGINT) AS paid \
         FROM tranches t WHERE t.agreement_id = $1 ORDER BY t.position",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let tid: i64 = r.try_get("id")?;
        let what = format!("tranches {tid}");
        let conditions =
            sqlx::query("SELECT id, kind, label, indicator_code, met_on FROM tranche_conditions WHERE tranche_id = $1 ORDER BY position")
                .bind(tid)
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(|c| {
                    Ok(StoredCondition {
                        id: c.try_get("id")?,
                        kind: from_code(&c.try_get::<String, _>("kind")?, "tranche_conditions.kind")?,
                        label: c.try_get("label")?,
                        indicator_code: c.try_get("indicator_code")?,
                        met_on: c.try_get("met_on")?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
        let bp: Option<i64> = r.try_get("percent_bp")?;
        out.push(StoredTranche {
            id: tid,
            label: r.try_get("label")?,
            due_on: from_date(&r.try_get::<String, _>("due_on")?, &what)?,
            amount: Money(r.try_get("amount_cents")?),
            percent_bp: bp.and_then(|b| u32::try_from(b).ok()),
            conditions,
            paid: Money(r.try_get("paid")?),
        });
    }
    Ok(out)
}

/// Rewrites the schedule by position: existing tranches updated in place (ids kept),
/// new ones inserted, dropped ones deleted with their conditions. A condition identical
/// at its position (kind, label, indicator) is kept as it is, met or not; a changed one
/// is rewritten as not met.
async fn update_tranches(tx: &mut Transaction<'_, Any>, id: i64, old: &[StoredTranche], new: &[Tranche]) -> Result<(), StoreError> {
    for (p, t) in new.iter().enumerate() {
        let Some(o) = old.get(p) else {
            insert_tranche(tx, id, p, t).await?;
            continue;
        };
        sqlx::query("UPDATE tranches SET label = $1, due_on = $2, amount_cents = $3, percent_bp = $4 WHERE id = $5")
            .bind(t.label.clone())
            .bind(date(t.due_on))
            .bind(t.amount.0)
            .bind(t.percent_bp.map(i64::from))
            .bind(o.id)
            .execute(&mut **tx)
            .await?;
        for (q, c) in t.conditions.iter().enumerate() {
            match o.conditions.get(q) {
                Some(s) if s.kind == c.kind && s.label == c.label && s.indicator_code == c.indicator_code => {}
                Some(s) => {
                    sqlx::query(
                        "UPDATE tranche_conditions SET kind = $1, label = $2, indicator_code = $3, min_period = NULL, met_on = NULL, \
                         met_by = NULL, evidence = NULL WHERE id = $4",
                    )
                    .bind(c.kind.code())
                    .bind(c.label.clone())
                    .bind(c.indicator_code.clone())
                    .bind(s.id)
                    .execute(&mut **tx)
                    .await?;
                }
                None => {}
            }
        }
        insert_conditions(tx, o.id, o.conditions.len(), &t.conditions).await?;
        sqlx::query("DELETE FROM tranche_conditions WHERE tranche_id = $1 AND position >= $2")
            .bind(o.id)
            .bind(t.conditions.len() as i64)
            .execute(&mut **tx)
            .await?;
    }
    for o in old.iter().skip(new.len()) {
        sqlx::query("DELETE FROM tranche_conditions WHERE tranche_id = $1")
            .bind(o.id)
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM tranches WHERE id = $1")
            .bind(o.id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
