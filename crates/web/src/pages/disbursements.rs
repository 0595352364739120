//! Disbursement pages (*versements*, issue 5 §3), French, usable without JavaScript:
//!
//! - `GET /versements` — the work queue by status (requested, checked, approved, then
//!   the paid and rejected ones): agreement, project, tranche, amount, who requested, the
//!   next step. The operator's staff see every one, a project lead their projects'; other
//!   roles 403.
//! - `GET /versements/{id}` — its steps (who, when, why), its tranche's conditions and
//!   their status, and the forms of the next step and of a rejection, shown only to whom
//!   the rules let take them (role and separation of duties).
//! - `POST /versements/{id}/{verifier|approuver|payer|rejeter}` — take a step (fields
//!   `date`, `motif`); `POST /conditions/{id}/remplie` — record a milestone or report
//!   as met (fields `date`, `justificatif`, `versement`).
//! - `GET|POST /conventions/{id}/versements/nouveau` — the request form (fields
//!   `tranche`, `montant` in euros with a decimal comma, `date`, `motif`).
//!
//! A refused form re-renders with its message and what was typed, with the status of the
//! refusal (403, 409, 422). Every page: `Cache-Control: no-store`.

use super::layout::Layout;
use crate::api::disbursements::{caps, may_record_condition, may_take, parse_id, scope, store_error, visible};
use crate::auth::{self, SignedIn};
use crate::error::{no_store, AppError, AppResult, ErrorKind, Format};
use crate::pages::opinions::{page, parse_date};
use crate::{Ctx, Current};
use askama::Template;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use territoires_domain::access::{allows, Action, Role};
use territoires_domain::funding::disbursement::{take_step, Status, Step, StepActor, Taken};
use territoires_domain::opinion::paris_today;
use territoires_store::{Actor, AgreementTranches, Disbursement, DisbursementDetail, TrancheRemainder};
use time::{Date, OffsetDateTime};

fn today() -> Date {
    paris_today(OffsetDateTime::now_utc())
}

fn project_name(ctx: &Ctx, slug: &str) -> String {
    ctx.app
        .registry
        .project(slug)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| slug.to_owned())
}

/// The French address segment of a step, and back.
fn step_segment(step: Step) -> &'static str {
    match step {
        Step::Request => "demander",
        Step::Check => "verifier",
        Step::Approve => "approuver",
        Step::Pay => "payer",
        Step::Reject => "rejeter",
    }
}

fn step_of_segment(s: &str) -> Option<Step> {
    Step::ALL.into_iter().find(|st| *st != Step::Request && step_segment(*st) == s)
}

/// What a step's button says.
fn step_button(step: Step) -> &'static str {
    match step {
        Step::Request => "Demander le versement",
        Step::Check => "Valider la vérification des conditions",
        Step::Approve => "Approuver le versement",
        Step::Pay => "Enregistrer le paiement",
        Step::Reject => "Rejeter la demande",
    }
}

/// A queue line.
struct Line {
    id: i64,
    agreement_id: i64,
    agreement: String,
    project: String,
    tranche: String,
    amount: String,
    requested_by: String,
    status: &'static str,
    next: &'static str,
}

impl Line {
    fn new(ctx: &Ctx, d: &Disbursement) -> Line {
        Line {
            id: d.id,
            agreement_id: d.agreement_id,
            agreement: format!("{} — {}", d.agreement_reference, d.agreement_title),
            project: project_name(ctx, &d.project_slug),
            tranche: d.tranche_label.clone(),
            amount: d.amount.fmt_euros(),
            requested_by: d.requested_by.clone(),
            status: d.status.label(),
            next: match d.status.next_step() {
                Some(Step::Check) => "vérifier les conditions",
                Some(Step::Approve) => "approuver",
                Some(Step::Pay) => "payer",
                _ => "—",
            },
        }
    }
}

/// One table of the queue.
struct Section {
    title: &'static str,
    lines: Vec<Line>,
}

#[derive(Template)]
#[template(path = "disbursements.html")]
struct QueuePage {
    layout: Layout,
    sections: Vec<Section>,
    /// Whether the reader may import payments already made (`/versements/import`).
    can_import: bool,
}

/// `GET /versements`.
pub async fn queue(Current(ctx): Current, signed_in: SignedIn) -> Response {
    no_store(
        async {
            let scope = scope(&ctx, &signed_in, Format::Html).await?;
            let all = ctx
                .app
                .store
                .disbursements(None)
                .await
                .map_err(|e| AppError::internal(Format::Html, e))?;
            let mine: Vec<&Disbursement> = all
                .iter()
                .filter(|d| scope.as_ref().is_none_or(|s| s.contains(&d.project_slug)))
                .collect();
            let section = |title, statuses: &[Status]| Section {
                title,
                lines: mine
                    .iter()
                    .filter(|d| statuses.contains(&d.status))
                    .map(|d| Line::new(&ctx, d))
                    .collect(),
            };
            let sections = vec![
                section("Demandés : conditions à vérifier", &[Status::Requested]),
                section("Conditions vérifiées : à approuver", &[Status::Checked]),
                section("Approuvés : à payer", &[Status::Approved]),
                section("Payés ou rejetés", &[Status::Paid, Status::Rejected]),
            ];
            page(
                StatusCode::OK,
                QueuePage {
                    layout: Layout::new("Versements", ""),
                    sections,
                    can_import: territoires_domain::access::allows(
                        signed_in.session.account.role,
                        territoires_domain::access::Action::PayDisbursement,
                    ),
                }
                .render(),
            )
        }
        .await,
    )
}

/// A condition as the page shows it.
struct ConditionRow {
    id: i64,
    kind: &'static str,
    label: String,
    met: bool,
    detail: String,
    recordable: bool,
}

/// A step of the history.
struct EventRow {
    step: &'static str,
    on: String,
    actor: String,
    role: &'static str,
    why: String,
}

/// A step form: its address segment, title, button, and what was typed.
struct StepForm {
    segment: &'static str,
    title: &'static str,
    button: &'static str,
    date: String,
    motif: String,
}

#[derive(Template)]
#[template(path = "disbursement.html")]
struct ShowPage<'a> {
    layout: Layout,
    line: Line,
    tranche_amount: String,
    paid_on: Option<String>,
    ledger_seq: Option<i64>,
    conditions: Vec<ConditionRow>,
    events: Vec<EventRow>,
    forms: Vec<StepForm>,
    error: Option<String>,
    condition_form: (i64, String, String),
    csrf: &'a str,
}

/// What was typed in a refused form: which (a step, or a condition id), date, text.
enum Typed {
    None,
    Step(Step, String, String),
    Condition(i64, String, String),
}

fn render_show(
    ctx: &Ctx,
    signed_in: &SignedIn,
    d: DisbursementDetail,
    status: StatusCode,
    error: Option<String>,
    typed: Typed,
) -> AppResult<Response> {
    let account = &signed_in.session.account;
    let today = today();
    let history: Vec<Taken> = d
        .events
        .iter()
        .map(|e| Taken {
            step: e.step,
            actor: e.actor.clone(),
            on: e.on,
        })
        .collect();
    let actor = StepActor {
        id: account.email.as_str(),
        role: account.role,
    };
    let status_now = d.disbursement.status;
    let mut forms = Vec::new();
    for step in status_now.next_step().into_iter().chain([Step::Reject]) {
        // Shown only when the rules would let this account take the step today.
        if take_step(status_now, step, &actor, today, today, "motif", &history).is_ok() {
            let (date, motif) = match &typed {
                Typed::Step(s, date, motif) if *s == step => (date.clone(), motif.clone()),
                _ => (today.to_string(), String::new()),
            };
            forms.push(StepForm {
                segment: step_segment(step),
                title: step.label(),
                button: step_button(step),
                date,
                motif,
            });
        }
    }
    let may_record = may_record_condition(account.role) && status_now == Status::Requested;
    let conditions = d
        .conditions
        .iter()
        .map(|c| ConditionRow {
            id: c.id,
            kind: c.kind.label(),
            label: c.label.clone(),
            met: c.is_met(),
            detail: match (&c.met_on, &c.indicator) {
                (Some(on), _) => format!(
                    "remplie le {on} (enregistrée par {}, justificatif : {})",
                    c.met_by.as_deref().unwrap_or("?"),
                    c.evidence.as_deref().unwrap_or("—")
                ),
                (None, Some(code)) => match c.min_period {
                    Some(p) => format!("mesure validée de l'indicateur {code} pour {} ou après", p.label()),
                    None => format!("mesure validée de l'indicateur {code}"),
                },
                (None, None) => String::new(),
            },
            recordable: may_record && c.met_on.is_none() && c.indicator.is_none(),
        })
        .collect();
    let condition_form = match typed {
        Typed::Condition(id, date, evidence) => (id, date, evidence),
        _ => (0, today.to_string(), String::new()),
    };
    let dd = &d.disbursement;
    let html = ShowPage {
        layout: Layout::new(format!("Versement n° {}", dd.id), ""),
        line: Line::new(ctx, dd),
        tranche_amount: dd.tranche_amount.fmt_euros(),
        paid_on: dd.paid_on.map(|p| p.to_string()),
        ledger_seq: dd.ledger_seq,
        conditions,
        events: d
            .events
            .iter()
            .map(|e| EventRow {
                step: e.step.label(),
                on: e.on.to_string(),
                actor: e.actor.clone(),
                role: e.role.label(),
                why: e.justification.clone(),
            })
            .collect(),
        forms,
        error,
        condition_form,
        csrf: &signed_in.session.csrf_token,
    }
    .render();
    page(status, html)
}

/// `GET /versements/{id}`.
pub async fn show(Current(ctx): Current, signed_in: SignedIn, Path(raw_id): Path<String>) -> Response {
    no_store(
        async {
            let d = visible(&ctx, &signed_in, &raw_id, Format::Html).await?;
            render_show(&ctx, &signed_in, d, StatusCode::OK, None, Typed::None)
        }
        .await,
    )
}

/// A step form's fields.
#[derive(Deserialize)]
pub struct StepFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    motif: String,
}

/// Re-renders the disbursement page with `e`'s message and what was typed, unless `e` is
/// not a refusal of the form (404, 500): then `e` itself.
fn refused(ctx: &Ctx, signed_in: &SignedIn, d: DisbursementDetail, e: AppError, typed: Typed) -> AppResult<Response> {
    match e.kind {
        ErrorKind::Forbidden | ErrorKind::Conflict | ErrorKind::Unprocessable => {
            let status = e.status();
            render_show(ctx, signed_in, d, status, Some(e.message), typed)
        }
        _ => Err(e),
    }
}

/// `POST /versements/{id}/{step}`: 303 back to the disbursement, or the page again with
/// the refusal.
pub async fn take(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path((raw_id, segment)): Path<(String, String)>,
    Form(form): Form<StepFields>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            let d = visible(&ctx, &signed_in, &raw_id, Format::Html).await?;
            let step = step_of_segment(&segment).ok_or_else(|| AppError::not_found(Format::Html, "Cette étape n'existe pas."))?;
            let id = d.disbursement.id;
            let status = d.disbursement.status;
            let role = signed_in.session.account.role;
            let result = async {
                may_take(role, step, status, Format::Html)?;
                let on = parse_date(&form.date, "date", Format::Html)?;
                ctx.app
                    .store
                    .take_disbursement_step(id, step, on, &form.motif, &Actor::account(&signed_in.session.account), &caps(&ctx))
                    .await
                    .map_err(|e| store_error(Format::Html, e))
            }
            .await;
            match result {
                Ok(_) => Ok(Redirect::to(&format!("/versements/{id}")).into_response()),
                Err(e) => refused(&ctx, &signed_in, d, e, Typed::Step(step, form.date, form.motif)),
            }
        }
        .await,
    )
}

/// The condition form's fields.
#[derive(Deserialize)]
pub struct ConditionFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    justificatif: String,
    /// The disbursement page the form is on (to come back to).
    #[serde(default)]
    versement: String,
}

/// `POST /conditions/{id}/remplie`: 303 back to the disbursement, or the page again with
/// the refusal.
pub async fn condition_met(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    Form(form): Form<ConditionFields>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            let d = visible(&ctx, &signed_in, &form.versement, Format::Html).await?;
            let cid = parse_id(&raw_id, "condition", Format::Html)?;
            if !d.conditions.iter().any(|c| c.id == cid) {
                return Err(AppError::not_found(
                    Format::Html,
                    format!("Le versement n'a pas de condition n° {cid}."),
                ));
            }
            let role = signed_in.session.account.role;
            let id = d.disbursement.id;
            let result = async {
                if !may_record_condition(role) {
                    return Err(AppError::new(
                        Format::Html,
                        ErrorKind::Forbidden,
                        format!("Votre rôle ({}) ne permet pas d'enregistrer une condition.", role.label()),
                    ));
                }
                let on = parse_date(&form.date, "date", Format::Html)?;
                ctx.app
                    .store
                    .record_condition_met(cid, on, &form.justificatif, &Actor::account(&signed_in.session.account))
                    .await
                    .map_err(|e| store_error(Format::Html, e))
            }
            .await;
            match result {
                Ok(_) => Ok(Redirect::to(&format!("/versements/{id}")).into_response()),
                Err(e) => refused(&ctx, &signed_in, d, e, Typed::Condition(cid, form.date, form.justificatif)),
            }
        }
        .await,
    )
}

#[derive(Template)]
#[template(path = "disbursement_new.html")]
struct NewPage<'a> {
    layout: Layout,
    agreement_id: i64,
    agreement: String,
    project: String,
    tranches: Vec<(TrancheRemainder, String, String, String)>,
    error: Option<String>,
    tranche: i64,
    montant: String,
    date: String,
    motif: String,
    csrf: &'a str,
}

/// The agreement `raw_id` for a request by `signed_in`: 403 for a role that may not
/// request, or a project lead not of its project; 404 for an unknown agreement.
async fn requestable(ctx: &Ctx, signed_in: &SignedIn, raw_id: &str) -> AppResult<AgreementTranches> {
    let account = &signed_in.session.account;
    if !allows(account.role, Action::RequestDisbursement) {
        return Err(AppError::new(
            Format::Html,
            ErrorKind::Forbidden,
            format!("Votre rôle ({}) ne permet pas de demander un versement.", account.role.label()),
        ));
    }
    let id = parse_id(raw_id, "convention", Format::Html)?;
    let agreement = ctx
        .app
        .store
        .tranche_remainders(id)
        .await
        .map_err(|e| AppError::internal(Format::Html, e))?
        .ok_or_else(|| AppError::not_found(Format::Html, format!("Aucune convention n° {id}.")))?;
    if account.role == Role::ProjectLead
        && scope(ctx, signed_in, Format::Html)
            .await?
            .is_some_and(|s| !s.contains(&agreement.project_slug))
    {
        return Err(AppError::new(
            Format::Html,
            ErrorKind::Forbidden,
            "Votre compte n'est pas membre du projet de cette convention.",
        ));
    }
    Ok(agreement)
}

#[allow(clippy::too_many_arguments)] // the page's parts and what was typed
fn render_new(
    ctx: &Ctx,
    signed_in: &SignedIn,
    a: AgreementTranches,
    status: StatusCode,
    error: Option<String>,
    tranche: i64,
    montant: String,
    date: String,
    motif: String,
) -> AppResult<Response> {
    let html = NewPage {
        layout: Layout::new(format!("Demander un versement — {}", a.reference), ""),
        agreement_id: a.agreement_id,
        agreement: format!("{} — {}", a.reference, a.title),
        project: project_name(ctx, &a.project_slug),
        tranches: a
            .tranches
            .into_iter()
            .map(|t| {
                let (a, k, r) = (t.amount.fmt_euros(), t.taken.fmt_euros(), t.remaining.fmt_euros());
                (t, a, k, r)
            })
            .collect(),
        error,
        tranche,
        montant,
        date,
        motif,
        csrf: &signed_in.session.csrf_token,
    }
    .render();
    page(status, html)
}

/// `GET /conventions/{id}/versements/nouveau`.
pub async fn new_form(Current(ctx): Current, signed_in: SignedIn, Path(raw_id): Path<String>) -> Response {
    no_store(
        async {
            let agreement = requestable(&ctx, &signed_in, &raw_id).await?;
            render_new(
                &ctx,
                &signed_in,
                agreement,
                StatusCode::OK,
                None,
                0,
                String::new(),
                today().to_string(),
                String::new(),
            )
        }
        .await,
    )
}

/// The request form's fields.
#[derive(Deserialize)]
pub struct RequestFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    tranche: String,
    #[serde(default)]
    montant: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    motif: String,
}

/// `POST /conventions/{id}/versements/nouveau`: 303 to the new disbursement, or the form
/// again with the refusal and what was typed.
pub async fn create(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    Form(form): Form<RequestFields>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            let agreement = requestable(&ctx, &signed_in, &raw_id).await?;
            let tranche: i64 = form.tranche.trim().parse().unwrap_or(0);
            let unprocessable = |m: String| AppError::new(Format::Html, ErrorKind::Unprocessable, m);
            let result = async {
                if !agreement.tranches.iter().any(|t| t.id == tranche) {
                    return Err(unprocessable(
                        "Le champ « tranche » est à choisir parmi les tranches de la convention.".into(),
                    ));
                }
                let amount = territoires_domain::form::parse_amount(&form.montant).map_err(|e| unprocessable(format!("Montant : {e}.")))?;
                let on = parse_date(&form.date, "date", Format::Html)?;
                ctx.app
                    .store
                    .request_disbursement(
                        agreement.agreement_id,
                        tranche,
                        amount,
                        on,
                        &form.motif,
                        &Actor::account(&signed_in.session.account),
                    )
                    .await
                    .map_err(|e| store_error(Format::Html, e))
            }
            .await;
            match result {
                Ok(d) => Ok(Redirect::to(&format!("/versements/{}", d.id)).into_response()),
                Err(e) if matches!(e.kind, ErrorKind::Forbidden | ErrorKind::Conflict | ErrorKind::Unprocessable) => {
                    let status = e.status();
                    render_new(
                        &ctx,
                        &signed_in,
                        agreement,
                        status,
                        Some(e.message),
                        tranche,
                        form.montant,
                        form.date,
                        form.motif,
                    )
                }
                Err(e) => Err(e),
            }
        }
        .await,
    )
}
