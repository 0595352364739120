//! The API of calls managed in the platform and of applications filled in through their
//! form (issue 3): `POST /api/v1/calls`, `PUT /api/v1/calls/{slug}/form`,
//! `POST /api/v1/calls/{slug}/publish` (programme managers and administrators);
//! `GET`/`POST /api/v1/applications`, `GET`/`PUT /api/v1/applications/{id}/answers`,
//! `POST /api/v1/applications/{id}/transitions`.
//!
//! Same rules as the pages: a signed-in session (bearer token, or cookie plus
//! `X-CSRF-Token` for writes); 403 for a role that may not act; 404 for another lead's
//! application (its existence is not revealed) and for a draft call asked by anyone but a
//! manager; 409 for a refused workflow step (French reason); 422 for invalid input naming
//! the field. Never cached.

use crate::api::applications::ApplicationDetail;
use crate::api::json_body as body;
use crate::auth::SignedIn;
use crate::error::{AppError, AppResult, ErrorBody, ErrorKind, Format};
use crate::pages::applications::{scope_of, visible_application, Scope};
use crate::pages::call_management::{answers_editable, no_store, save_answers, store_error};
use crate::Current;
use axum::extract::rejection::JsonRejection;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use territoires_domain::access::Action;
use territoires_domain::application::{Transition, TransitionKind};
use territoires_domain::call::CallKind;
use territoires_domain::form::{missing_required, Answer, Answers, FieldKind, FormField};
use territoires_domain::platform_call::{parse_paris_local, CallDefinition, CallPhase, CallStatus, PlatformCall};
use territoires_domain::vocabulary::Theme;
use territoires_domain::Money;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// A call managed in the platform.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlatformCallDetail {
    /// Identifier, as in `/appels/{slug}` (`aap-2027-territoires-ruraux-innovants`).
    pub slug: String,
    /// `draft` or `published`.
    pub status: CallStatus,
    /// Where it stands now (server clock): `draft`, `upcoming`, `open`, `closed`.
    pub phase: CallPhase,
    /// AMI or AAP.
    pub kind: CallKind,
    /// French title.
    pub title: String,
    /// Opening instant (RFC 3339, UTC).
    pub opens_at: String,
    /// Closing instant (RFC 3339, UTC): applications are refused from it on.
    pub closes_at: String,
    /// The zone its dates are shown in: `Europe/Paris`.
    pub time_zone: &'static str,
    /// Themes.
    pub themes: Vec<Theme>,
    /// Eligibility rules, in French.
    pub eligibility: Vec<String>,
    /// The application form, in order. Frozen once the call is published.
    pub form: Vec<FormField>,
    /// When it was published (RFC 3339, UTC), `null` while draft.
    pub published_at: Option<String>,
}

impl PlatformCallDetail {
    /// `call` at `now`.
    pub fn new(call: &PlatformCall, now: OffsetDateTime) -> PlatformCallDetail {
        let d = &call.definition;
        PlatformCallDetail {
            slug: call.slug.clone(),
            status: call.status,
            phase: call.phase(now),
            kind: d.kind,
            title: d.title.clone(),
            opens_at: rfc3339(d.opens_at),
            closes_at: rfc3339(d.closes_at),
            time_zone: territoires_domain::call::Call::TIME_ZONE,
            themes: d.themes.clone(),
            eligibility: d.eligibility.clone(),
            form: d.form.clone(),
            published_at: call.published_at.clone(),
        }
    }
}

/// A new call.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewCall {
    /// `expression-of-interest` (AMI) or `call-for-projects` (AAP).
    pub kind: CallKind,
    /// French title (1–200 characters).
    pub title: String,
    /// Opening: RFC 3339 with its offset (`2027-01-10T10:00:00+01:00`), or Paris local time
    /// without offset (`2027-01-10T10:00`, `10/01/2027 10:00`).
    pub opens_at: String,
    /// Closing, same formats; strictly after the opening.
    pub closes_at: String,
    /// Themes (codes).
    #[serde(default)]
    pub themes: Vec<Theme>,
    /// Eligibility rules, in French.
    #[serde(default)]
    pub eligibility: Vec<String>,
    /// The application form (at most 50 fields, unique keys).
    #[serde(default)]
    pub form: Vec<FormField>,
}

/// A replacement form.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewForm {
    /// The fields, in order (at most 50, unique keys, non-blank labels).
    pub form: Vec<FormField>,
}

/// `t` as RFC 3339 in UTC (`2027-01-10T09:00:00Z`).
fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC).format(&Rfc3339).unwrap_or_default()
}

fn instant(raw: &str, field: &str) -> AppResult<OffsetDateTime> {
    OffsetDateTime::parse(raw.trim(), &Rfc3339)
        .or_else(|_| parse_paris_local(raw))
        .map_err(|e| AppError::new(Format::Json, ErrorKind::Unprocessable, format!("{field} : {e}.")))
}

fn unprocessable(e: impl std::fmt::Display) -> AppError {
    AppError::new(Format::Json, ErrorKind::Unprocessable, e.to_string())
}

fn manager(signed_in: &SignedIn, headers: &HeaderMap) -> AppResult<String> {
    signed_in.check_api_write(headers)?;
    signed_in.require(Action::ManageCalls, Format::Json)?;
    Ok(format!("account:{}", signed_in.session.account.id))
}

fn created(call: &PlatformCall, status: StatusCode) -> Response {
    (status, Json(PlatformCallDetail::new(call, OffsetDateTime::now_utc()))).into_response()
}

/// Creates a draft call (programme managers, administrators).
#[utoipa::path(
    post,
    path = "/api/v1/calls",
    tag = "calls",
    request_body = NewCall,
    responses(
        (status = 201, description = "The draft call, with its generated slug", body = PlatformCallDetail),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role may not manage calls, or a cookie write without `X-CSRF-Token`", body = ErrorBody),
        (status = 422, description = "Invalid body: the message names each field to fix", body = ErrorBody),
    )
)]
pub async fn create_call(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    b: Result<Json<NewCall>, JsonRejection>,
) -> Response {
    no_store(
        async {
            let actor = manager(&signed_in, &headers)?;
            let n = body(b)?;
            let definition = CallDefinition {
                kind: n.kind,
                title: n.title.trim().to_owned(),
                opens_at: instant(&n.opens_at, "opens_at")?,
                closes_at: instant(&n.closes_at, "closes_at")?,
                themes: n.themes,
                eligibility: n.eligibility,
                form: n.form,
            };
            definition.check().map_err(unprocessable)?;
            let call = ctx
                .app
                .store
                .create_call(&definition, &actor)
                .await
                .map_err(|e| store_error(Format::Json, e))?;
            Ok(created(&call, StatusCode::CREATED))
        }
        .await,
    )
}

/// Replaces the application form of a draft call.
#[utoipa::path(
    put,
    path = "/api/v1/calls/{slug}/form",
    tag = "calls",
    params(("slug" = String, Path, description = "The call's slug")),
    request_body = NewForm,
    responses(
        (status = 200, description = "The call with its new form", body = PlatformCallDetail),
        (status = 403, description = "The role may not manage calls", body = ErrorBody),
        (status = 404, description = "No platform call has this slug", body = ErrorBody),
        (status = 409, description = "The call is published: its form is frozen", body = ErrorBody),
        (status = 422, description = "Invalid form: repeated key, blank label, more than 50 fields…", body = ErrorBody),
    )
)]
pub async fn replace_form(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(slug): Path<String>,
    b: Result<Json<NewForm>, JsonRejection>,
) -> Response {
    no_store(
        async {
            let actor = manager(&signed_in, &headers)?;
            let n = body(b)?;
            territoires_domain::form::check_form(&n.form).map_err(unprocessable)?;
            let store = &ctx.app.store;
            let current = store
                .platform_call(&slug)
                .await
                .map_err(|e| AppError::internal(Format::Json, e))?
                .ok_or_else(|| AppError::not_found(Format::Json, "Aucun appel de la plateforme n'a cet identifiant."))?;
            let definition = CallDefinition {
                form: n.form,
                ..current.definition
            };
            let call = store
                .update_call(&slug, &definition, true, &actor)
                .await
                .map_err(|e| store_error(Format::Json, e))?;
            Ok(created(&call, StatusCode::OK))
        }
        .await,
    )
}

/// Publishes a draft call: it becomes public and frozen.
#[utoipa::path(
    post,
    path = "/api/v1/calls/{slug}/publish",
    tag = "calls",
    params(("slug" = String, Path, description = "The call's slug")),
    responses(
        (status = 200, description = "The published call", body = PlatformCallDetail),
        (status = 403, description = "The role may not manage calls", body = ErrorBody),
        (status = 404, description = "No platform call has this slug", body = ErrorBody),
        (status = 409, description = "Already published, or its closing instant has passed", body = ErrorBody),
    )
)]
pub async fn publish_call(Current(ctx): Current, signed_in: SignedIn, headers: HeaderMap, Path(slug): Path<String>) -> Response {
    no_store(
        async {
            let actor = manager(&signed_in, &headers)?;
            let call = ctx
                .app
                .store
                .publish_call(&slug, &actor, OffsetDateTime::now_utc())
                .await
                .map_err(|e| store_error(Format::Json, e))?;
            Ok(created(&call, StatusCode::OK))
        }
        .await,
    )
}

/// A new draft application.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewApplication {
    /// The call's slug: a published call open now.
    pub call: String,
    /// Title of the project (1–200 characters).
    pub title: String,
    /// Summary (at most 5 000 characters).
    #[serde(default)]
    pub summary: String,
    /// Amount requested, in euro cents (≥ 0), or `null`.
    #[serde(default)]
    pub requested_amount_cents: Option<i64>,
}

/// Creates a draft application (project leads) on an open call.
#[utoipa::path(
    post,
    path = "/api/v1/applications",
    tag = "applications",
    request_body = NewApplication,
    responses(
        (status = 201, description = "The draft", body = ApplicationDetail),
        (status = 403, description = "The role may not apply", body = ErrorBody),
        (status = 404, description = "No published call has this slug", body = ErrorBody),
        (status = 409, description = "The call is not open (historical, upcoming or closed)", body = ErrorBody),
        (status = 422, description = "Blank or too long title, too long summary, negative amount", body = ErrorBody),
    )
)]
pub async fn create_application(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    b: Result<Json<NewApplication>, JsonRejection>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            signed_in.require(Action::Apply, Format::Json)?;
            let n = body(b)?;
            let title = n.title.trim();
            if title.is_empty() || title.chars().count() > 200 {
                return Err(unprocessable(
                    "title : le titre du projet est obligatoire (200 caractères au plus).",
                ));
            }
            if n.summary.chars().count() > 5000 {
                return Err(unprocessable("summary : le résumé dépasse 5000 caractères."));
            }
            if n.requested_amount_cents.is_some_and(|c| c < 0) {
                return Err(unprocessable(
                    "requested_amount_cents : le montant demandé ne peut pas être négatif.",
                ));
            }
            let app = ctx
                .app
                .store
                .create_draft(
                    &n.call,
                    &signed_in.session.account,
                    title,
                    n.summary.trim(),
                    n.requested_amount_cents.map(Money),
                )
                .await
                .map_err(|e| store_error(Format::Json, e))?;
            Ok((StatusCode::CREATED, Json(ApplicationDetail::new(app, Vec::new()))).into_response())
        }
        .await,
    )
}

/// The applications the account may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationList {
    /// By id; each with its history.
    pub applications: Vec<ApplicationDetail>,
}

/// The applications the signed-in account may see: a project lead its own; instructors,
/// programme managers and administrators all.
#[utoipa::path(
    get,
    path = "/api/v1/applications",
    tag = "applications",
    responses(
        (status = 200, description = "The applications; amounts in euro cents", body = ApplicationList),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role sees no application (expert, partner)", body = ErrorBody),
    )
)]
pub async fn list_applications(Current(ctx): Current, signed_in: SignedIn) -> Response {
    no_store(
        async {
            let account = &signed_in.session.account;
            let scope = scope_of(account).ok_or_else(|| {
                AppError::new(
                    Format::Json,
                    ErrorKind::Forbidden,
                    format!("Votre rôle ({}) ne permet pas de consulter les candidatures.", account.role.label()),
                )
            })?;
            let store = &ctx.app.store;
            let internal = |e| AppError::internal(Format::Json, e);
            let apps = match scope {
                Scope::All => store.applications().await,
                Scope::Own(id) => store.applications_of(id).await,
                Scope::Expert(_) => Ok(crate::pages::experts::visible_to_expert(store, account, Format::Json).await?),
            }
            .map_err(internal)?;
            let mut out = Vec::with_capacity(apps.len());
            for app in apps {
                let events = store.application_events(app.id).await.map_err(internal)?;
                out.push(ApplicationDetail::new(app, events));
            }
            Ok(Json(ApplicationList { applications: out }).into_response())
        }
        .await,
    )
}

/// One answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerDetail {
    /// The field's kind.
    pub kind: FieldKind,
    /// The text, for text fields.
    pub text: Option<String>,
    /// The amount in **euro cents**, for amount fields.
    pub amount_cents: Option<i64>,
    /// The date (ISO 8601, `2027-03-15`), for date fields.
    pub date: Option<String>,
    /// As shown in French (`1 234,56 €`, `15/03/2027`).
    pub display: String,
}

/// The answers of an application to its call's form.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswersDetail {
    /// By field key.
    pub answers: BTreeMap<String, AnswerDetail>,
    /// Keys of the required fields not answered yet (files not counted).
    pub missing_required: Vec<String>,
    /// Whether the signed-in account may change them now (the applicant, while draft or
    /// returned for completion).
    pub editable: bool,
}

async fn answers_detail(
    ctx: &crate::Ctx,
    app: &territoires_store::Application,
    account_id: i64,
    answers: Answers,
) -> AppResult<AnswersDetail> {
    let call = ctx
        .app
        .store
        .platform_call(&app.call_slug)
        .await
        .map_err(|e| AppError::internal(Format::Json, e))?;
    let form = call.map(|c| c.definition.form).unwrap_or_default();
    let missing = missing_required(&form, &answers).iter().map(|f| f.key.clone()).collect();
    let kind_of = |key: &str| form.iter().find(|f| f.key == key).map(|f| f.kind).unwrap_or(FieldKind::ShortText);
    Ok(AnswersDetail {
        missing_required: missing,
        editable: answers_editable(app, account_id),
        answers: answers
            .into_iter()
            .map(|(k, a)| {
                let display = a.display();
                let (text, amount_cents, date) = match a {
                    Answer::Text(t) => (Some(t), None, None),
                    Answer::Amount(m) => (None, Some(m.cents()), None),
                    Answer::Date(d) => (None, None, Some(d.to_string())),
                };
                let detail = AnswerDetail {
                    kind: kind_of(&k),
                    text,
                    amount_cents,
                    date,
                    display,
                };
                (k, detail)
            })
            .collect(),
    })
}

/// The answers of one application (same scoping as `GET /api/v1/applications/{id}`).
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}/answers",
    tag = "applications",
    params(("id" = i64, Path, description = "The application's identifier")),
    responses(
        (status = 200, description = "The answers; amounts in euro cents", body = AnswersDetail),
        (status = 403, description = "The role sees no application", body = ErrorBody),
        (status = 404, description = "No such application, or (project lead) not one of the account's own", body = ErrorBody),
    )
)]
pub async fn find_answers(Current(ctx): Current, signed_in: SignedIn, Path(raw_id): Path<String>) -> Response {
    no_store(
        async {
            let app = visible_application(&ctx.app.store, &signed_in, &raw_id, Format::Json).await?;
            let answers = ctx
                .app
                .store
                .application_answers(app.id)
                .await
                .map_err(|e| AppError::internal(Format::Json, e))?;
            let detail = answers_detail(&ctx, &app, signed_in.session.account.id, answers).await?;
            Ok(Json(detail).into_response())
        }
        .await,
    )
}

/// Replaces the answers of one's own application, while draft or returned for completion.
/// The body is an object `key → value as typed` (`{"budget": "1 234,56", "debut":
/// "15/03/2027"}`); a blank value is no answer; required fields are checked at submission.
#[utoipa::path(
    put,
    path = "/api/v1/applications/{id}/answers",
    tag = "applications",
    params(("id" = i64, Path, description = "The application's identifier")),
    request_body(content = BTreeMap<String, String>, description = "Field key → value as the user typed it (amounts `1 234,56`, dates `JJ/MM/AAAA` or `AAAA-MM-JJ`)"),
    responses(
        (status = 200, description = "The answers as stored", body = AnswersDetail),
        (status = 403, description = "Not the applicant", body = ErrorBody),
        (status = 404, description = "No such application, or another lead's", body = ErrorBody),
        (status = 409, description = "The application is no longer editable", body = ErrorBody),
        (status = 422, description = "A value does not parse, an unknown key: each field named", body = ErrorBody),
    )
)]
pub async fn put_answers(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    b: Result<Json<BTreeMap<String, String>>, JsonRejection>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            let app = visible_application(&ctx.app.store, &signed_in, &raw_id, Format::Json).await?;
            let raw = body(b)?;
            let answers = save_answers(&ctx, &signed_in, &app, &raw, Format::Json).await?;
            let detail = answers_detail(&ctx, &app, signed_in.session.account.id, answers).await?;
            Ok(Json(detail).into_response())
        }
        .await,
    )
}

/// A workflow step.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TransitionRequest {
    /// `submit`, `start-review`, `return-for-completion`, `resubmit`, `invite-to-hearing`,
    /// `select`, `reject`, `withdraw`.
    pub kind: TransitionKind,
    /// Mandatory for return, select, reject and withdraw; else ignored.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Takes a workflow step on an application, at the server clock.
#[utoipa::path(
    post,
    path = "/api/v1/applications/{id}/transitions",
    tag = "applications",
    params(("id" = i64, Path, description = "The application's identifier")),
    request_body = TransitionRequest,
    responses(
        (status = 200, description = "The application as it now is", body = ApplicationDetail),
        (status = 403, description = "The role sees no application", body = ErrorBody),
        (status = 404, description = "No such application, or another lead's", body = ErrorBody),
        (status = 409, description = "Refused: role, status, missing reason, deadline passed, required answers missing (named)", body = ErrorBody),
        (status = 422, description = "Invalid body", body = ErrorBody),
    )
)]
pub async fn take_transition(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    b: Result<Json<TransitionRequest>, JsonRejection>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            let store = &ctx.app.store;
            let app = visible_application(store, &signed_in, &raw_id, Format::Json).await?;
            let t = body(b)?;
            let reason = t.reason.unwrap_or_default();
            let transition = match t.kind {
                TransitionKind::Submit => Transition::Submit,
                TransitionKind::StartReview => Transition::StartReview,
                TransitionKind::ReturnForCompletion => Transition::ReturnForCompletion { reason },
                TransitionKind::Resubmit => Transition::Resubmit,
                TransitionKind::InviteToHearing => Transition::InviteToHearing,
                TransitionKind::Select => Transition::Select { reason },
                TransitionKind::Reject => Transition::Reject { reason },
                TransitionKind::Withdraw => Transition::Withdraw { reason },
            };
            let app = store
                .transition(app.id, &transition, &signed_in.session.account, OffsetDateTime::now_utc())
                .await
                .map_err(|e| store_error(Format::Json, e))?;
            crate::notify::after_transition(&ctx, &app, transition.kind(), transition.reason()).await;
            let events = store
                .application_events(app.id)
                .await
                .map_err(|e| AppError::internal(Format::Json, e))?;
            Ok(Json(ApplicationDetail::new(app, events)).into_response())
        }
        .await,
    )
}

/// The published platform calls in the shape of the historical ones, with their detail;
/// for `GET /api/v1/calls` and the public pages.
pub(crate) async fn published(ctx: &crate::Ctx) -> AppResult<Vec<(territoires_domain::call::Call, PlatformCallDetail)>> {
    let store = &ctx.app.store;
    let internal = |e| AppError::internal(Format::Json, e);
    let now = OffsetDateTime::now_utc();
    let mut out = Vec::new();
    for c in store.published_calls().await.map_err(internal)? {
        let (applications, selected) = store.call_figures(&c.slug).await.map_err(internal)?;
        out.push((c.to_call(applications, selected), PlatformCallDetail::new(&c, now)));
    }
    Ok(out)
}
