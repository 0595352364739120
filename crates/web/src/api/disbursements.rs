//! Disbursements (*versements*, issue 5 §3) in the API:
//!
//! - `GET /api/v1/disbursements?status=` — the queue (the operator's staff: every one;
//!   project leads: their projects'); other roles 403;
//! - `POST /api/v1/agreements/{id}/disbursements` — request one on a tranche;
//! - `GET /api/v1/disbursements/{id}` — one, with its steps and its tranche's conditions;
//! - `POST /api/v1/disbursements/{id}/check|approve|pay|reject` — take a step;
//! - `POST /api/v1/tranche-conditions/{id}/met` — record a milestone or report as met.
//!
//! Amounts are integer cents, dates `YYYY-MM-DD`. The rules (roles, statuses, dates,
//! reasons, separation of duties, tranche remainder, conditions) are
//! `territoires_domain::funding::disbursement`'s, checked by the store with the ledger's
//! ceilings. Writes call `check_api_write` first. Never cached.

use crate::api::json_body as body;
use crate::auth::SignedIn;
use crate::error::{no_store, AppError, AppResult, ErrorBody, ErrorKind, Format};
use crate::format::{excerpt, ECHO_MAX};
use crate::pages::opinions::parse_date;
use crate::{Ctx, Current};
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use territoires_domain::access::{allows, Role};
use territoires_domain::funding::disbursement::{Condition, DisbursementError, Status, Step};
use territoires_domain::funding::ledger::Caps;
use territoires_domain::Money;
use territoires_store::{Actor, Disbursement, DisbursementDetail, DisbursementEvent, StoreError};
use utoipa::{IntoParams, ToSchema};

/// Which disbursements `signed_in` may see: `None` every one (the operator's staff),
/// `Some(slugs)` those of these projects (a project lead's). Errors: 403 for other roles.
pub(crate) async fn scope(ctx: &Ctx, signed_in: &SignedIn, format: Format) -> AppResult<Option<Vec<String>>> {
    let account = &signed_in.session.account;
    match account.role {
        Role::OperatorAdmin | Role::ProgrammeManager | Role::Instructor => Ok(None),
        Role::ProjectLead => {
            let mine = ctx
                .app
                .store
                .memberships(account.id)
                .await
                .map_err(|e| AppError::internal(format, e))?;
            Ok(Some(mine.into_iter().map(|m| m.project_slug).collect()))
        }
        other => Err(AppError::new(
            format,
            ErrorKind::Forbidden,
            format!("Votre rôle ({}) ne suit pas les versements.", other.label()),
        )),
    }
}

/// The number in `raw`, or a 404 naming `what`.
pub(crate) fn parse_id(raw: &str, what: &str, format: Format) -> AppResult<i64> {
    raw.trim()
        .parse()
        .ok()
        .filter(|n: &i64| *n > 0)
        .ok_or_else(|| AppError::not_found(format, format!("Aucun(e) {what} n° « {} ».", excerpt(raw, ECHO_MAX))))
}

/// Disbursement `raw_id` with its history, when `signed_in` may see it; else 404 (a
/// project lead never learns of another project's disbursements).
pub(crate) async fn visible(ctx: &Ctx, signed_in: &SignedIn, raw_id: &str, format: Format) -> AppResult<DisbursementDetail> {
    let scope = scope(ctx, signed_in, format).await?;
    let id = parse_id(raw_id, "versement", format)?;
    let hidden = || AppError::not_found(format, format!("Aucun versement n° {id}."));
    let d = ctx
        .app
        .store
        .disbursement(id)
        .await
        .map_err(|e| AppError::internal(format, e))?
        .ok_or_else(hidden)?;
    if scope.is_some_and(|s| !s.contains(&d.disbursement.project_slug)) {
        return Err(hidden());
    }
    Ok(d)
}

/// 403 unless `role` may take `step` on a disbursement at `status` ([`Step::action`]):
/// checked before anything else of the step (status, date, reason), so that a refused
/// role learns nothing of the disbursement's state.
pub(crate) fn may_take(role: Role, step: Step, status: Status, format: Format) -> AppResult<()> {
    if allows(role, step.action(status)) {
        Ok(())
    } else {
        Err(AppError::new(
            format,
            ErrorKind::Forbidden,
            sentence(&DisbursementError::Forbidden { role, step }.to_string()),
        ))
    }
}

/// The ceilings a payment is checked against: the envelopes and the fiches' ceilings.
pub(crate) fn caps(ctx: &Ctx) -> Caps {
    Caps::from_registry(&ctx.app.registry)
}

/// `s` as a sentence: its first letter upper-cased and a final full stop.
fn sentence(s: &str) -> String {
    territoires_domain::text::capitalise(s) + "."
}

/// A store error as the reader sees it: 403 for a role, membership or separation of
/// duties refusal; 409 for a step that does not apply to the status, unmet conditions, or
/// a concurrent change; 422 for a bad field (date, reason, amount beyond the tranche or a
/// ceiling of the ledger); 404 for an unknown record.
pub(crate) fn store_error(format: Format, e: StoreError) -> AppError {
    match e {
        StoreError::Disbursement(d) => {
            let kind = match &d {
                DisbursementError::Forbidden { .. } | DisbursementError::SameActor { .. } | DisbursementError::NotMember(_) => {
                    ErrorKind::Forbidden
                }
                DisbursementError::WrongStatus { .. } | DisbursementError::UnmetConditions(_) => ErrorKind::Conflict,
                _ => ErrorKind::Unprocessable,
            };
            AppError::new(format, kind, sentence(&d.to_string()))
        }
        StoreError::Ledger(l) => AppError::new(
            format,
            ErrorKind::Unprocessable,
            // The refused entry was never written: its number would name nothing.
            format!("Paiement refusé par le grand livre : {}.", l.reason()),
        ),
        other => crate::pages::opinions::store_error(format, other),
    }
}

/// A disbursement as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisbursementItem {
    /// Identifier.
    pub id: i64,
    /// The agreement (*convention*).
    pub agreement_id: i64,
    /// The agreement's reference.
    pub agreement_reference: String,
    /// The agreement's title.
    pub agreement_title: String,
    /// The project's slug.
    pub project: String,
    /// The beneficiary (the payee is its SIREN when known, else its name).
    pub beneficiary: String,
    /// The tranche.
    pub tranche_id: i64,
    /// The tranche's label.
    pub tranche_label: String,
    /// The tranche's amount (cents).
    pub tranche_amount_cents: i64,
    /// The amount (cents).
    pub amount_cents: i64,
    /// `requested`, `checked`, `approved`, `paid` or `rejected`.
    pub status: &'static str,
    /// French label of the status.
    pub status_label: &'static str,
    /// The step that moves it forward: `check`, `approve`, `pay`; `null` once paid or rejected.
    pub next_step: Option<&'static str>,
    /// Who asked (an e-mail).
    pub requested_by: String,
    /// When the request was recorded (RFC 3339, UTC).
    pub requested_at: String,
    /// The payment's value date, once paid.
    pub paid_on: Option<String>,
    /// The payment's ledger entry, once paid.
    pub ledger_seq: Option<i64>,
}

impl From<Disbursement> for DisbursementItem {
    fn from(d: Disbursement) -> DisbursementItem {
        DisbursementItem {
            id: d.id,
            agreement_id: d.agreement_id,
            agreement_reference: d.agreement_reference,
            agreement_title: d.agreement_title,
            project: d.project_slug,
            beneficiary: d.beneficiary,
            tranche_id: d.tranche_id,
            tranche_label: d.tranche_label,
            tranche_amount_cents: d.tranche_amount.0,
            amount_cents: d.amount.0,
            status: d.status.code(),
            status_label: d.status.label(),
            next_step: d.status.next_step().map(Step::code),
            requested_by: d.requested_by,
            requested_at: d.requested_at,
            paid_on: d.paid_on.map(|p| p.to_string()),
            ledger_seq: d.ledger_seq,
        }
    }
}

/// One step of a disbursement's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisbursementStepItem {
    /// `request`, `check`, `approve`, `pay` or `reject`.
    pub step: &'static str,
    /// French label.
    pub label: &'static str,
    /// Value date (`YYYY-MM-DD`).
    pub date: String,
    /// Who (an e-mail).
    pub actor: String,
    /// In which role (code).
    pub role: &'static str,
    /// Why.
    pub reason: String,
    /// When it was recorded (RFC 3339, UTC).
    pub recorded_at: String,
}

impl From<DisbursementEvent> for DisbursementStepItem {
    fn from(e: DisbursementEvent) -> DisbursementStepItem {
        DisbursementStepItem {
            step: e.step.code(),
            label: e.step.label(),
            date: e.on.to_string(),
            actor: e.actor,
            role: e.role.code(),
            reason: e.justification,
            recorded_at: e.recorded_at,
        }
    }
}

/// A tranche condition and whether it is met.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrancheConditionItem {
    /// Identifier (for `POST /api/v1/tranche-conditions/{id}/met`).
    pub id: i64,
    /// `milestone`, `report` or `indicator`.
    pub kind: &'static str,
    /// What must be met.
    pub label: String,
    /// For an indicator condition: the indicator's code.
    pub indicator: Option<String>,
    /// For an indicator condition: only approved measurements of this period or later count.
    pub min_period: Option<String>,
    /// Whether it is met now.
    pub met: bool,
    /// A milestone's or report's date, once recorded.
    pub met_on: Option<String>,
    /// Who recorded it.
    pub met_by: Option<String>,
    /// The evidence recorded.
    pub evidence: Option<String>,
}

impl From<Condition> for TrancheConditionItem {
    fn from(c: Condition) -> TrancheConditionItem {
        TrancheConditionItem {
            id: c.id,
            kind: c.kind.code(),
            met: c.is_met(),
            label: c.label,
            indicator: c.indicator,
            min_period: c.min_period.map(|p| p.to_string()),
            met_on: c.met_on.map(|d| d.to_string()),
            met_by: c.met_by,
            evidence: c.evidence,
        }
    }
}

/// A disbursement with its history and its tranche's conditions.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisbursementFull {
    /// The disbursement.
    pub disbursement: DisbursementItem,
    /// Its steps, oldest first.
    pub steps: Vec<DisbursementStepItem>,
    /// Its tranche's conditions.
    pub conditions: Vec<TrancheConditionItem>,
}

impl From<DisbursementDetail> for DisbursementFull {
    fn from(d: DisbursementDetail) -> DisbursementFull {
        DisbursementFull {
            disbursement: d.disbursement.into(),
            steps: d.events.into_iter().map(Into::into).collect(),
            conditions: d.conditions.into_iter().map(Into::into).collect(),
        }
    }
}

/// Query of the queue.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Only this status: `requested`, `checked`, `approved`, `paid`, `rejected`.
    pub status: Option<String>,
}

/// The status named `raw` (blank: none). Errors: 400 naming `status`.
pub(crate) fn parse_status(raw: Option<&str>, format: Format) -> AppResult<Option<Status>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Status::from_code(s).map(Some).ok_or_else(|| {
            AppError::invalid_parameter(
                format,
                "status",
                format!(
                    "Paramètre « status » invalide : « {} » (requested, checked, approved, paid ou rejected).",
                    excerpt(s, ECHO_MAX)
                ),
            )
        }),
    }
}

/// The disbursements the caller may see, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/disbursements",
    tag = "funding",
    params(QueueQuery),
    responses(
        (status = 200, description = "The operator's staff: every disbursement; a project lead: their projects'", body = [DisbursementItem]),
        (status = 400, description = "Unknown status", body = ErrorBody),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role does not follow disbursements", body = ErrorBody),
    )
)]
pub async fn list_disbursements(Current(ctx): Current, signed_in: SignedIn, Query(q): Query<QueueQuery>) -> Response {
    no_store(
        async {
            let scope = scope(&ctx, &signed_in, Format::Json).await?;
            let status = parse_status(q.status.as_deref(), Format::Json)?;
            let all = ctx
                .app
                .store
                .disbursements(status)
                .await
                .map_err(|e| AppError::internal(Format::Json, e))?;
            let items: Vec<DisbursementItem> = all
                .into_iter()
                .filter(|d| scope.as_ref().is_none_or(|s| s.contains(&d.project_slug)))
                .map(Into::into)
                .collect();
            Ok(Json(items).into_response())
        }
        .await,
    )
}

/// A disbursement request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DisbursementRequestInput {
    /// The tranche of the agreement it is asked on.
    pub tranche_id: i64,
    /// The amount (cents), at most what remains on the tranche.
    pub amount_cents: i64,
    /// Value date (`YYYY-MM-DD`), not in the future.
    pub date: String,
    /// Why (not blank).
    pub reason: String,
}

/// Requests a disbursement on a tranche of an agreement.
#[utoipa::path(
    post,
    path = "/api/v1/agreements/{id}/disbursements",
    tag = "funding",
    params(("id" = i64, Path, description = "The agreement")),
    request_body = DisbursementRequestInput,
    responses(
        (status = 201, description = "The disbursement, `requested`", body = DisbursementItem),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role may not request, a project lead not of this project, or a cookie write without X-CSRF-Token", body = ErrorBody),
        (status = 404, description = "No such agreement, or no such tranche on it", body = ErrorBody),
        (status = 409, description = "The agreement is not active", body = ErrorBody),
        (status = 422, description = "A bad field: date in the future or before the agreement's signature, blank reason, amount not positive or beyond what remains on the tranche (the figures in the message)", body = ErrorBody),
    )
)]
pub async fn create_disbursement(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    json: Result<Json<DisbursementRequestInput>, axum::extract::rejection::JsonRejection>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            let agreement = parse_id(&raw_id, "convention", Format::Json)?;
            let input = body(json)?;
            let on = parse_date(&input.date, "date", Format::Json)?;
            let d = ctx
                .app
                .store
                .request_disbursement(
                    agreement,
                    input.tranche_id,
                    Money(input.amount_cents),
                    on,
                    &input.reason,
                    &Actor::account(&signed_in.session.account),
                )
                .await
                .map_err(|e| store_error(Format::Json, e))?;
            Ok((StatusCode::CREATED, Json(DisbursementItem::from(d))).into_response())
        }
        .await,
    )
}

/// One disbursement with its steps and conditions.
#[utoipa::path(
    get,
    path = "/api/v1/disbursements/{id}",
    tag = "funding",
    params(("id" = i64, Path, description = "The disbursement")),
    responses(
        (status = 200, description = "The disbursement, its steps (who, when, why) and its tranche's conditions", body = DisbursementFull),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role does not follow disbursements", body = ErrorBody),
        (status = 404, description = "No such disbursement, or one of another project (project leads)", body = ErrorBody),
    )
)]
pub async fn find_disbursement(Current(ctx): Current, signed_in: SignedIn, Path(raw_id): Path<String>) -> Response {
    no_store(
        async {
            let d = visible(&ctx, &signed_in, &raw_id, Format::Json).await?;
            Ok(Json(DisbursementFull::from(d)).into_response())
        }
        .await,
    )
}

/// A step's value date and reason.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DisbursementStepInput {
    /// Value date (`YYYY-MM-DD`), not in the future nor before the previous step's.
    pub date: String,
    /// Why (not blank).
    pub reason: String,
}

async fn step(
    ctx: &Ctx,
    signed_in: &SignedIn,
    headers: &HeaderMap,
    raw_id: &str,
    step: Step,
    json: Result<Json<DisbursementStepInput>, axum::extract::rejection::JsonRejection>,
) -> AppResult<Response> {
    signed_in.check_api_write(headers)?;
    let d = visible(ctx, signed_in, raw_id, Format::Json).await?;
    may_take(signed_in.session.account.role, step, d.disbursement.status, Format::Json)?;
    let input = body(json)?;
    let on = parse_date(&input.date, "date", Format::Json)?;
    let d = ctx
        .app
        .store
        .take_disbursement_step(
            d.disbursement.id,
            step,
            on,
            &input.reason,
            &Actor::account(&signed_in.session.account),
            &caps(ctx),
        )
        .await
        .map_err(|e| store_error(Format::Json, e))?;
    Ok(Json(DisbursementItem::from(d)).into_response())
}

macro_rules! step_handler {
    ($name:ident, $step:expr, $path:literal, $doc:literal, $ok:literal, $forbidden:literal, $conflict:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            post,
            path = $path,
            tag = "funding",
            params(("id" = i64, Path, description = "The disbursement")),
            request_body = DisbursementStepInput,
            responses(
                (status = 200, description = $ok, body = DisbursementItem),
                (status = 401, description = "No live session", body = ErrorBody),
                (status = 403, description = $forbidden, body = ErrorBody),
                (status = 404, description = "No such disbursement", body = ErrorBody),
                (status = 409, description = $conflict, body = ErrorBody),
                (status = 422, description = "A bad field: date in the future or before the previous step's, blank reason, an amount that no longer fits on its tranche (lowered since the request); for a payment, a ceiling of the ledger", body = ErrorBody),
            )
        )]
        pub async fn $name(
            Current(ctx): Current,
            signed_in: SignedIn,
            headers: HeaderMap,
            Path(raw_id): Path<String>,
            json: Result<Json<DisbursementStepInput>, axum::extract::rejection::JsonRejection>,
        ) -> Response {
            no_store(step(&ctx, &signed_in, &headers, &raw_id, $step, json).await)
        }
    };
}

step_handler!(
    check_disbursement,
    Step::Check,
    "/api/v1/disbursements/{id}/check",
    "Checks a requested disbursement's conditions (programme managers, instructors; never one's own request).",
    "The disbursement, `checked`",
    "The role may not check (answered before any look at the status), the caller requested it, or a cookie write without X-CSRF-Token",
    "Not `requested`, or conditions unmet (listed in the message)"
);
step_handler!(
    approve_disbursement,
    Step::Approve,
    "/api/v1/disbursements/{id}/approve",
    "Approves a checked disbursement (programme managers; never one's own request or check).",
    "The disbursement, `approved`",
    "The role may not approve (answered before any look at the status), the caller requested or checked it, or a cookie write without X-CSRF-Token",
    "Not `checked`"
);
step_handler!(
    pay_disbursement,
    Step::Pay,
    "/api/v1/disbursements/{id}/pay",
    "Records an approved disbursement as paid, with its ledger entry (programme managers, administrators; never one's own request or approval).",
    "The disbursement, `paid`, with `ledger_seq`",
    "The role may not pay (answered before any look at the status), the caller requested or approved it, or a cookie write without X-CSRF-Token",
    "Not `approved` (paid already, perhaps concurrently)"
);
step_handler!(
    reject_disbursement,
    Step::Reject,
    "/api/v1/disbursements/{id}/reject",
    "Rejects a disbursement not yet paid (whoever may take its next step).",
    "The disbursement, `rejected`",
    "The role may not take the disbursement's next step, or a cookie write without X-CSRF-Token",
    "Paid or rejected already"
);

/// A milestone or report recorded as met.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TrancheConditionMetInput {
    /// When it was met (`YYYY-MM-DD`), not in the future.
    pub date: String,
    /// The evidence: a document's name, a URL (not blank).
    pub evidence: String,
}

pub(crate) use territoires_domain::funding::disbursement::may_record_condition;

/// Records a milestone or report condition of a tranche as met.
#[utoipa::path(
    post,
    path = "/api/v1/tranche-conditions/{id}/met",
    tag = "funding",
    params(("id" = i64, Path, description = "The condition")),
    request_body = TrancheConditionMetInput,
    responses(
        (status = 200, description = "The condition, met", body = TrancheConditionItem),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role may not record conditions (programme managers, instructors, administrators may), or a cookie write without X-CSRF-Token", body = ErrorBody),
        (status = 404, description = "No such condition", body = ErrorBody),
        (status = 409, description = "Already recorded as met", body = ErrorBody),
        (status = 422, description = "Date in the future, blank evidence, or an indicator condition (met by an approved measurement only)", body = ErrorBody),
    )
)]
pub async fn create_condition_met(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    json: Result<Json<TrancheConditionMetInput>, axum::extract::rejection::JsonRejection>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            let role = signed_in.session.account.role;
            if !may_record_condition(role) {
                return Err(AppError::new(
                    Format::Json,
                    ErrorKind::Forbidden,
                    format!("Votre rôle ({}) ne permet pas d'enregistrer une condition.", role.label()),
                ));
            }
            let id = parse_id(&raw_id, "condition", Format::Json)?;
            let input = body(json)?;
            let on = parse_date(&input.date, "date", Format::Json)?;
            let c = ctx
                .app
                .store
                .record_condition_met(id, on, &input.evidence, &Actor::account(&signed_in.session.account))
                .await
                .map_err(|e| store_error(Format::Json, e))?;
            Ok(Json(TrancheConditionItem::from(c)).into_response())
        }
        .await,
    )
}
