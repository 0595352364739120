//! Disbursements (*versements*, issue 5 §3) stored in `disbursements` and
//! `disbursement_events` (migration `0014_agreements.sql`): request, check, approve, pay,
//! reject; recording a tranche condition as met; reading the queue and one disbursement
//! with its history and conditions.
//!
//! The rules are [`territoires_domain::funding::disbursement`]'s; this module makes each
//! step one write transaction ([`Store::begin_write`]): the state is read, the rules
//! checked, the status changed by a guarded `UPDATE … WHERE status = <the status read>`
//! (a concurrent step that took it first leaves zero rows: refused), the step written to
//! `disbursement_events` and to the audit trail, and — for a payment — the ledger's
//! `Disburse` entry `agreement:<id> → payee:<SIREN or name>` appended in the same
//! transaction, so a payment the ledger refuses (beyond the agreement, the project's
//! ceiling or the envelope) writes nothing at all.

use crate::codec::{date, from_date};
use crate::funding::transient;
use crate::{Actor, Backend, Store, StoreError};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use territoires_domain::access::Role;
use territoires_domain::audit::AuditDraft;
use territoires_domain::funding::disbursement::{
    check_condition_record, check_conditions, check_request, recheck_amount, take_step, Condition, ConditionKind, DisbursementError,
    Status, Step, StepActor, Taken,
};
use territoires_domain::funding::ledger::{Account, Caps, Entry, Movement};
use territoires_domain::opinion::paris_today;
use territoires_domain::Money;
use time::{Date, OffsetDateTime};

/// How many times a step is attempted when the database reports a transient conflict.
const ATTEMPTS: usize = 5;

/// A disbursement with what a queue line shows of its agreement and tranche.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disbursement {
    /// Identifier.
    pub id: i64,
    /// The agreement (*convention*).
    pub agreement_id: i64,
    /// The agreement's reference.
    pub agreement_reference: String,
    /// The agreement's title.
    pub agreement_title: String,
    /// The agreement's project (slug).
    pub project_slug: String,
    /// The beneficiary's name.
    pub beneficiary: String,
    /// The beneficiary's SIREN, when known (the payee of the ledger entry).
    pub beneficiary_siren: Option<String>,
    /// The tranche.
    pub tranche_id: i64,
    /// The tranche's label.
    pub tranche_label: String,
    /// The tranche's amount (cents).
    pub tranche_amount: Money,
    /// The amount asked for (cents).
    pub amount: Money,
    /// Where it stands.
    pub status: Status,
    /// Who asked (an e-mail or `cli:<user>`).
    pub requested_by: String,
    /// When the request was recorded (RFC 3339, UTC).
    pub requested_at: String,
    /// The payment's value date, once paid.
    pub paid_on: Option<Date>,
    /// The ledger entry of the payment, once paid.
    pub ledger_seq: Option<i64>,
}

/// One step of a disbursement's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisbursementEvent {
    /// Which step.
    pub step: Step,
    /// Its value date.
    pub on: Date,
    /// Who took it (an e-mail or `cli:<user>`).
    pub actor: String,
    /// In which role.
    pub role: Role,
    /// Why.
    pub justification: String,
    /// When it was recorded (RFC 3339, UTC).
    pub recorded_at: String,
}

/// A disbursement with its history (oldest first) and its tranche's conditions, each
/// with whether it is met now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisbursementDetail {
    /// The disbursement.
    pub disbursement: Disbursement,
    /// Its steps.
    pub events: Vec<DisbursementEvent>,
    /// Its tranche's conditions.
    pub conditions: Vec<Condition>,
}

/// A tranche of an agreement with what remains to request on it (cents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrancheRemainder {
    /// The tranche's identifier.
    pub id: i64,
    /// The agreement.
    pub agreement_id: i64,
    /// Its label.
    pub label: String,
    /// Its due date.
    pub due_on: Date,
    /// Its amount.
    pub amount: Money,
    /// Σ its non-rejected disbursements.
    pub taken: Money,
    /// `amount − taken`, never below zero.
    pub remaining: Money,
}

/// An agreement as a disbursement request needs it: its project, reference, title, and
/// its tranches with what remains on each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementTranches {
    /// The agreement's identifier.
    pub agreement_id: i64,
    /// Its project's slug.
    pub project_slug: String,
    /// Its reference.
    pub reference: String,
    /// Its title.
    pub title: String,
    /// Its tranches, by position.
    pub tranches: Vec<TrancheRemainder>,
}

const SELECT: &str = "SELECT d.id, d.agreement_id, a.reference, a.title, a.project_slug, a.beneficiary, a.beneficiary_siren, \
     d.tranche_id, t.label, t.amount_cents AS tranche_amount, d.amount_cents, d.status, d.requested_by, d.requested_at, \
     d.paid_on, d.ledger_seq \
     FROM disbursements d JOIN agreements a ON a.id = d.agreement_id JOIN tranches t ON t.id = d.tranche_id";

fn decode(r: &AnyRow) -> Result<Disbursement, StoreError> {
    let id: i64 = r.try_get("id")?;
    let what = |col: &str| format!("disbursements {id}: {col}");
    let status: String = r.try_get("status")?;
    Ok(Disbursement {
        id,
        agreement_id: r.try_get("agreement_id")?,
        agreement_reference: r.try_get("reference")?,
        agreement_title: r.try_get("title")?,
        project_slug: r.try_get("project_slug")?,
        beneficiary: r.try_get("beneficiary")?,
        beneficiary_siren: r.try_get("beneficiary_siren")?,
        tranche_id: r.try_get("tranche_id")?,
        tranche_label: r.try_get("label")?,
        tranche_amount: Money(r.try_get("tranche_amount")?),
        amount: Money(r.try_get("amount_cents")?),
        status: Status::from_code(&status).ok_or_else(|| StoreError::Invalid(format!("{}: {status:?}", what("status"))))?,
        requested_by: r.try_get("requested_by")?,
        requested_at: r.try_get("requested_at")?,
        paid_on: r
            .try_get::<Option<String>, _>("paid_on")?
            .map(|t| from_date(&t, &what("paid_on")))
            .transpose()?,
        ledger_seq: r.try_get("ledger_seq")?,
    })
}

fn decode_event(r: &AnyRow) -> Result<DisbursementEvent, StoreError> {
    let what = "disbursement_events";
    let step: String = r.try_get("step")?;
    let role: String = r.try_get("role")?;
    Ok(DisbursementEvent {
        step: Step::from_code(&step).ok_or_else(|| StoreError::Invalid(format!("{what}: step {step:?}")))?,
        on: from_date(&r.try_get::<String, _>("on_date")?, what)?,
        actor: r.try_get("actor")?,
        role: Role::from_code(&role).ok_or_else(|| StoreError::Invalid(format!("{what}: role {role:?}")))?,
        justification: r.try_get("justification")?,
        recorded_at: r.try_get("recorded_at")?,
    })
}

pub(crate) async fn one_in(tx: &mut Transaction<'_, Any>, id: i64) -> Result<Disbursement, StoreError> {
    let row = sqlx::query(&format!("{SELECT} WHERE d.id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("Aucun versement n'a le numéro {id}.")))?;
    decode(&row)
}

async fn events_in(tx: &mut Transaction<'_, Any>, id: i64) -> Result<Vec<DisbursementEvent>, StoreError> {
    sqlx::query(
        "SELECT step, on_date, actor, role, justification, recorded_at FROM disbursement_events WHERE disbursement_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(decode_event)
    .collect()
}

/// The conditions of tranche `tranche_id`, each with the periods of its indicator's
/// approved measurements.
async fn conditions_in(tx: &mut Transaction<'_, Any>, tranche_id: i64) -> Result<Vec<Condition>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, kind, label, indicator_code, min_period, met_on, met_by, evidence FROM tranche_conditions WHERE tranche_id = $1 ORDER BY position",
    )
    .bind(tranche_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let what = format!("tranche_conditions {id}");
        let kind: String = r.try_get("kind")?;
        let indicator: Option<String> = r.try_get("indicator_code")?;
        let min_period = r
            .try_get::<Option<String>, _>("min_period")?
            .map(|p| p.parse().map_err(|e| StoreError::Invalid(format!("{what}: min_period: {e}"))))
            .transpose()?;
        let mut approved_periods = Vec::new();
        if let Some(code) = &indicator {
            for p in sqlx::query("SELECT period FROM measurements WHERE indicator_code = $1 AND status = 'approved'")
                .bind(code.clone())
                .fetch_all(&mut **tx)
                .await?
            {
                let text: String = p.try_get("period")?;
                approved_periods.push(
                    text.parse()
                        .map_err(|e| StoreError::Invalid(format!("measurements of {code}: {e}")))?,
                );
            }
        }
        out.push(Condition {
            id,
            kind: ConditionKind::from_code(&kind).ok_or_else(|| StoreError::Invalid(format!("{what}: kind {kind:?}")))?,
            label: r.try_get("label")?,
            indicator,
            min_period,
            met_on: r
                .try_get::<Option<String>, _>("met_on")?
                .map(|t| from_date(&t, &what))
                .transpose()?,
            met_by: r.try_get("met_by")?,
            evidence: r.try_get("evidence")?,
            approved_periods,
        });
    }
    Ok(out)
}

/// Σ the amounts of tranche `tranche_id`'s disbursements whose status is in `statuses`.
pub(crate) async fn tranche_sum(tx: &mut Transaction<'_, Any>, tranche_id: i64, statuses: &[Status]) -> Result<Money, StoreError> {
    let list = statuses.iter().map(|s| format!("'{}'", s.code())).collect::<Vec<_>>().join(", ");
    // PostgreSQL sums BIGINT as NUMERIC, which the Any driver cannot read: cast back.
    let sum: i64 = sqlx::query(&format!(
        "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM disbursements WHERE tranche_id = $1 AND status IN ({list})"
    ))
    .bind(tranche_id)
    .fetch_one(&mut **tx)
    .await?
    .try_get(0)?;
    Ok(Money(sum))
}

pub(crate) const COUNTED: [Status; 4] = [Status::Requested, Status::Checked, Status::Approved, Status::Paid];

async fn is_member(tx: &mut Transaction<'_, Any>, project: &str, account_id: Option<i64>) -> Result<bool, StoreError> {
    let Some(account_id) = account_id else {
        return Ok(false);
    };
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM project_members WHERE project_slug = $1 AND account_id = $2")
        .bind(project.to_owned())
        .bind(account_id)
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
    Ok(n > 0)
}

#[allow(clippy::too_many_arguments)] // one step's facts, all required
pub(crate) async fn record_event(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    step: Step,
    on: Date,
    actor: &Actor,
    why: &str,
    before: serde_json::Value,
    after: serde_json::Value,
) -> Result<(), StoreError> {
    let at = crate::audit::now();
    sqlx::query(
        "INSERT INTO disbursement_events (disbursement_id, step, on_date, actor, role, justification, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(step.code())
    .bind(date(on))
    .bind(actor.name.clone())
    .bind(actor.role.code())
    .bind(why.to_owned())
    .bind(at.clone())
    .execute(&mut **tx)
    .await?;
    let draft = AuditDraft::new(
        at,
        actor.audit_name(),
        format!("disbursement.{}", step.code()),
        format!("disbursement:{id}"),
        before,
        after,
    )?;
    crate::audit::append(tx, draft).await?;
    Ok(())
}

pub(crate) fn today() -> Date {
    paris_today(OffsetDateTime::now_utc())
}

impl Store {
    /// Requests a disbursement of `amount` cents on tranche `tranche_id` of agreement
    /// `agreement_id`, on value date `on`, because of `why`, by `actor`.
    ///
    /// Rules ([`check_request`]): the actor's role may request (a project lead only for a
    /// project they are a member of); the date is not in the future (Europe/Paris); the
    /// reason is not blank; `0 < amount ≤` what remains on the tranche (its amount − Σ its
    /// non-rejected disbursements, read under the write lock so two concurrent requests
    /// cannot both take the last euro). Writes the disbursement (`requested`), its
    /// `request` step and the audit entry `disbursement.request`.
    ///
    /// Errors (nothing written): [`StoreError::NotFound`] for an unknown agreement or a
    /// tranche not of this agreement; [`StoreError::Refused`] for an agreement that is not
    /// active; [`StoreError::Disbursement`] for a broken rule.
    #[allow(clippy::too_many_arguments)] // the facts of one request, all required
    pub async fn request_disbursement(
        &self,
        agreement_id: i64,
        tranche_id: i64,
        amount: Money,
        on: Date,
        why: &str,
        actor: &Actor,
    ) -> Result<Disbursement, StoreError> {
        let why = why.trim();
        let mut attempt = 1;
        loop {
            match self.try_request(agreement_id, tranche_id, amount, on, why, actor).await {
                Err(e) if attempt < ATTEMPTS && transient(&e) => attempt += 1,
                other => return other,
            }
        }
    }

    async fn try_request(
        &self,
        agreement_id: i64,
        tranche_id: i64,
        amount: Money,
        on: Date,
        why: &str,
        actor: &Actor,
    ) -> Result<Disbursement, StoreError> {
        let mut tx = self.begin_write().await?;
        let agreement = sqlx::query("SELECT project_slug, status, signed_on FROM agreements WHERE id = $1")
            .bind(agreement_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("Aucune convention n'a le numéro {agreement_id}.")))?;
        let project: String = agreement.try_get("project_slug")?;
        let status: String = agreement.try_get("status")?;
        let signed_on = from_date(&agreement.try_get::<String, _>("signed_on")?, &format!("agreements {agreement_id}"))?;
        // PostgreSQL: the tranche row is locked so that concurrent requests on it queue
        // up and each sees the others' amounts (SQLite's BEGIN IMMEDIATE already does).
        let lock = if self.backend() == Backend::Postgres { " FOR UPDATE" } else { "" };
        let tranche = sqlx::query(&format!(
            "SELECT label, amount_cents FROM tranches WHERE id = $1 AND agreement_id = $2{lock}"
        ))
        .bind(tranche_id)
        .bind(agreement_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("La convention n° {agreement_id} n'a pas de tranche n° {tranche_id}.")))?;
        let label: String = tranche.try_get("label")?;
        let tranche_amount = Money(tranche.try_get("amount_cents")?);
        if status != "active" {
            return Err(StoreError::Refused(format!(
                "La convention n° {agreement_id} n'est pas en vigueur (statut « {status} ») : aucun versement ne peut y être demandé."
            )));
        }
        if actor.role == Role::ProjectLead && !is_member(&mut tx, &project, actor.account_id).await? {
            return Err(DisbursementError::NotMember(project).into());
        }
        let taken = tranche_sum(&mut tx, tranche_id, &COUNTED).await?;
        check_request(actor.role, amount, on, today(), signed_on, why, &label, tranche_amount, taken)?;
        let at = crate::audit::now();
        let id: i64 = sqlx::query(
            "INSERT INTO disbursements (agreement_id, tranche_id, amount_cents, status, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(agreement_id)
        .bind(tranche_id)
        .bind(amount.0)
        .bind(Status::Requested.code())
        .bind(actor.name.clone())
        .bind(at)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        let after = json!({
            "agreement": format!("agreement:{agreement_id}"),
            "tranche_id": tranche_id,
            "amount_cents": amount.0,
            "status": Status::Requested.code(),
            "on": date(on),
            "why": why,
        });
        record_event(&mut tx, id, Step::Request, on, actor, why, serde_json::Value::Null, after).await?;
        let d = one_in(&mut tx, id).await?;
        tx.commit().await?;
        tracing::info!(id, amount = amount.0, "disbursement requested");
        Ok(d)
    }

    /// Takes `step` (check, approve, pay or reject; not request) on disbursement `id`, on
    /// value date `on`, because of `why`, by `actor`; `caps` are the ceilings a payment's
    /// ledger entry is checked against.
    ///
    /// Rules ([`take_step`]): the step applies to the status, the role may take it (a
    /// project lead takes none of these), the date is neither in the future nor before the
    /// last step's, the reason is not blank, nobody checks what they requested, nobody
    /// approves what they requested or checked, nobody pays what they requested or
    /// approved. A check also needs every condition of the
    /// tranche met ([`check_conditions`]); a check, an approval and a payment need the
    /// amount to fit on the tranche beside its other non-rejected disbursements (the
    /// tranche may have been lowered since the request); a payment also needs the ledger
    /// to accept the `Disburse` entry `agreement:<id> →
    /// payee:<beneficiary SIREN, else name>` (what is committed and unpaid on the
    /// agreement, hence the project's ceiling and the envelope). The status changes by a
    /// guarded update, so of two concurrent identical steps exactly one passes. Writes the
    /// new status (and, paid, `paid_on` and `ledger_seq`), the step and the audit entry
    /// `disbursement.<step>`; a payment also the ledger entry and its audit entry.
    ///
    /// Errors (nothing written): [`StoreError::NotFound`]; [`StoreError::Disbursement`]
    /// for a broken rule (unmet conditions listed); [`StoreError::Ledger`] when the ledger
    /// refuses the payment; [`StoreError::Refused`] when a concurrent step changed the
    /// status first.
    pub async fn take_disbursement_step(
        &self,
        id: i64,
        step: Step,
        on: Date,
        why: &str,
        actor: &Actor,
        caps: &Caps,
    ) -> Result<Disbursement, StoreError> {
        if step == Step::Request {
            return Err(DisbursementError::WrongStatus {
                step,
                status: Status::Requested,
            }
            .into());
        }
        let why = why.trim();
        let mut attempt = 1;
        loop {
            match self.try_step(id, step, on, why, actor, caps).await {
                Err(e) if attempt < ATTEMPTS && transient(&e) => attempt += 1,
                other => return other,
            }
        }
    }

    async fn try_step(&self, id: i64, step: Step, on: Date, why: &str, actor: &Actor, caps: &Caps) -> Result<Disbursement, StoreError> {
        let mut tx = self.begin_write().await?;
        let d = one_in(&mut tx, id).await?;
        let history: Vec<Taken> = events_in(&mut tx, id)
            .await?
            .into_iter()
            .map(|e| Taken {
                step: e.step,
                actor: e.actor,
                on: e.on,
            })
            .collect();
        let who = StepActor {
            id: &actor.name,
            role: actor.role,
        };
        let next = take_step(d.status, step, &who, on, today(), why, &history)?;
        if step != Step::Reject {
            // Check, approve and pay re-check the amount against the tranche as it is now
            // (an amendment may have lowered it), beside the tranche's other non-rejected
            // disbursements. Locked on PostgreSQL: two steps on one tranche see each other's.
            let lock = if self.backend() == Backend::Postgres { " FOR UPDATE" } else { "" };
            let tranche_amount: i64 = sqlx::query(&format!("SELECT amount_cents FROM tranches WHERE id = $1{lock}"))
                .bind(d.tranche_id)
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
            // `d` itself is not rejected, so it is in the sum: the others are the rest.
            let all = tranche_sum(&mut tx, d.tranche_id, &COUNTED).await?;
            let others = Money(all.0.saturating_sub(d.amount.0));
            recheck_amount(&d.tranche_label, d.amount, Money(tranche_amount), others)?;
        }
        if step == Step::Check {
            check_conditions(&conditions_in(&mut tx, d.tranche_id).await?)?;
        }
        // The guard: only the status read above may be changed. A concurrent step that
        // committed first leaves no row to update.
        let updated = sqlx::query("UPDATE disbursements SET status = $1, paid_on = $2 WHERE id = $3 AND status = $4")
            .bind(next.code())
            .bind((next == Status::Paid).then(|| date(on)))
            .bind(id)
            .bind(d.status.code())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if updated == 0 {
            return Err(StoreError::Refused(format!(
                "Le versement n° {id} vient d'être modifié par quelqu'un d'autre : rechargez la page."
            )));
        }
        let mut after = json!({ "status": next.code(), "on": date(on), "why": why, "amount_cents": d.amount.0 });
        if step == Step::Pay {
            let payee = d
                .beneficiary_siren
                .clone()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| d.beneficiary.clone());
            let entry = Entry {
                seq: 0,
                at: on,
                movement: Movement::Disburse,
                debit: Account::Payee(payee.trim().to_owned()),
                credit: Account::Agreement(
                    u64::try_from(d.agreement_id).map_err(|_| StoreError::Invalid(format!("agreement id {}", d.agreement_id)))?,
                ),
                amount: d.amount,
                who: actor.name.clone(),
                why: format!("versement n° {id} : {why}"),
            };
            let entry = self.append_ledger_in(&mut tx, entry, caps).await?;
            let seq = i64::try_from(entry.seq).map_err(|_| StoreError::Invalid(format!("ledger seq {}", entry.seq)))?;
            sqlx::query("UPDATE disbursements SET ledger_seq = $1 WHERE id = $2")
                .bind(seq)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            after["ledger_seq"] = json!(seq);
        }
        record_event(&mut tx, id, step, on, actor, why, json!({ "status": d.status.code() }), after).await?;
        let d = one_in(&mut tx, id).await?;
        tx.commit().await?;
        tracing::info!(id, step = step.code(), "disbursement step taken");
        Ok(d)
    }

    /// Records tranche condition `condition_id` (a milestone or a report) as met on `on`,
    /// with `evidence` (a document's name, a URL), by `actor` (a role that checks
    /// disbursements or manages funding). Appends `tranche-condition.met` on
    /// `tranche-condition:<id>`.
    ///
    /// Errors (nothing written): [`StoreError::NotFound`];
    /// [`StoreError::Disbursement`]: the role may not, the date is in the future, the
    /// evidence is blank, or the condition is an indicator's (met by an approved
    /// measurement only); [`StoreError::Refused`] when it is already recorded as met.
    pub async fn record_condition_met(&self, condition_id: i64, on: Date, evidence: &str, actor: &Actor) -> Result<Condition, StoreError> {
        let evidence = evidence.trim();
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT tranche_id, kind FROM tranche_conditions WHERE id = $1")
            .bind(condition_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("Aucune condition n'a le numéro {condition_id}.")))?;
        let tranche_id: i64 = row.try_get("tranche_id")?;
        let kind: String = row.try_get("kind")?;
        let kind = ConditionKind::from_code(&kind)
            .ok_or_else(|| StoreError::Invalid(format!("tranche_conditions {condition_id}: kind {kind:?}")))?;
        check_condition_record(actor.role, kind, on, today(), evidence)?;
        let updated = sqlx::query("UPDATE tranche_conditions SET met_on = $1, met_by = $2, evidence = $3 WHERE id = $4 AND met_on IS NULL")
            .bind(date(on))
            .bind(actor.name.clone())
            .bind(evidence.to_owned())
            .bind(condition_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if updated == 0 {
            return Err(StoreError::Refused(format!(
                "La condition n° {condition_id} est déjà enregistrée comme remplie."
            )));
        }
        let draft = AuditDraft::new(
            crate::audit::now(),
            actor.audit_name(),
            "tranche-condition.met",
            format!("tranche-condition:{condition_id}"),
            serde_json::Value::Null,
            json!({ "met_on": date(on), "met_by": actor.name, "evidence": evidence }),
        )?;
        crate::audit::append(&mut tx, draft).await?;
        let condition = conditions_in(&mut tx, tranche_id)
            .await?
            .into_iter()
            .find(|c| c.id == condition_id)
            .ok_or_else(|| StoreError::Invalid(format!("tranche_conditions {condition_id} vanished")))?;
        tx.commit().await?;
        Ok(condition)
    }

    /// Every disbursement whose status is `status` (every one when `None`), oldest first.
    pub async fn disbursements(&self, status: Option<Status>) -> Result<Vec<Disbursement>, StoreError> {
        let rows = match status {
            Some(s) => {
                sqlx::query(&format!("{SELECT} WHERE d.status = $1 ORDER BY d.id"))
                    .bind(s.code())
                    .fetch_all(self.pool())
                    .await?
            }
            None => sqlx::query(&format!("{SELECT} ORDER BY d.id")).fetch_all(self.pool()).await?,
        };
        rows.iter().map(decode).collect()
    }

    /// The disbursements of agreement `agreement_id`, oldest first.
    pub async fn agreement_disbursements(&self, agreement_id: i64) -> Result<Vec<Disbursement>, StoreError> {
        sqlx::query(&format!("{SELECT} WHERE d.agreement_id = $1 ORDER BY d.id"))
            .bind(agreement_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(decode)
            .collect()
    }

    /// Disbursement `id` with its steps and its tranche's conditions; `None` if unknown.
    pub async fn disbursement(&self, id: i64) -> Result<Option<DisbursementDetail>, StoreError> {
        let mut tx = self.pool().begin().await?;
        let disbursement = match one_in(&mut tx, id).await {
            Ok(d) => d,
            Err(StoreError::NotFound(_)) => return Ok(None),
            Err(e) => return Err(e),
        };
        let events = events_in(&mut tx, id).await?;
        let conditions = conditions_in(&mut tx, disbursement.tranche_id).await?;
        tx.commit().await?;
        Ok(Some(DisbursementDetail {
            disbursement,
            events,
            conditions,
        }))
    }

    /// Agreement `agreement_id` with its tranches by position and what remains to request
    /// on each; `None` when the agreement is unknown.
    pub async fn tranche_remainders(&self, agreement_id: i64) -> Result<Option<AgreementTranches>, StoreError> {
        let mut tx = self.pool().begin().await?;
        let Some(a) = sqlx::query("SELECT project_slug, reference, title FROM agreements WHERE id = $1")
            .bind(agreement_id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let rows = sqlx::query("SELECT id, label, due_on, amount_cents FROM tranches WHERE agreement_id = $1 ORDER BY position")
            .bind(agreement_id)
            .fetch_all(&mut *tx)
            .await?;
        let mut tranches = Vec::with_capacity(rows.len());
        for r in rows {
            let id: i64 = r.try_get("id")?;
            let amount = Money(r.try_get("amount_cents")?);
            let taken = tranche_sum(&mut tx, id, &COUNTED).await?;
            tranches.push(TrancheRemainder {
                id,
                agreement_id,
                label: r.try_get("label")?,
                due_on: from_date(&r.try_get::<String, _>("due_on")?, &format!("tranches {id}: due_on"))?,
                amount,
                taken,
                remaining: Money(amount.0.saturating_sub(taken.0).max(0)),
            });
        }
        tx.commit().await?;
        Ok(Some(AgreementTranches {
            agreement_id,
            project_slug: a.try_get("project_slug")?,
            reference: a.try_get("reference")?,
            title: a.try_get("title")?,
            tranches,
        }))
    }
}
