//! Opinions (*avis*) requested on applications (issue 3, « Review and the committee »):
//!
//! - `GET /avis` — the dashboard for reviewers ([`Action::Review`]): per call and per
//!   application, who was asked, the due date, who answered; overdue requests highlighted;
//!   counts answered / pending / overdue. Other roles: 403.
//! - `GET /avis/mes-demandes` — the requests addressed to the signed-in instructor or
//!   expert. Other roles: 403.
//! - `GET /avis/{id}` — one request: its addressee (with the answer form while pending)
//!   and reviewers see it; anyone else gets 404 (its existence is not revealed).
//! - `POST /avis/{id}` — the addressee answers, once (fields `verdict`, `answer`).
//! - `POST /candidatures/{id}/avis` — a reviewer asks an account for an opinion (fields
//!   `account`, `due_on` as `YYYY-MM-DD`, `question`); the addressee is notified.
//!
//! Status (pending, answered, overdue) is computed at each request from the server clock
//! ([`territoires_domain::opinion::status`]). Every page: `Cache-Control: no-store`.

use super::layout::Layout;
use crate::auth::{self, SignedIn};
pub(crate) use crate::error::no_store;
use crate::error::{AppError, AppResult, ErrorKind, Format};
use crate::format::{excerpt, ECHO_MAX};
use crate::pages::applications::{paris_time, visible_application};
use crate::Current;
use askama::Template;
use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use territoires_domain::access::{allows, Action, Role};
use territoires_domain::opinion::{Counts, OpinionStatus, Verdict};
use territoires_store::{OpinionRequest, StoreError};
use time::{Date, OffsetDateTime};

/// An HTML page with `status`.
pub(crate) fn page(status: StatusCode, html: Result<String, askama::Error>) -> AppResult<Response> {
    let body = html.map_err(|e| AppError::internal(Format::Html, e))?;
    Ok((status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response())
}

/// A store error as the reader sees it: 404, 409 (refused), 409 (conflict), else 500.
pub(crate) fn store_error(format: Format, e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(m) => AppError::not_found(format, m),
        StoreError::Refused(m) | StoreError::Conflict(m) => AppError::new(format, ErrorKind::Conflict, m),
        other => AppError::internal(format, other),
    }
}

/// A `YYYY-MM-DD` date. Errors: 422 naming `field`.
pub(crate) fn parse_date(raw: &str, field: &str, format: Format) -> AppResult<Date> {
    Date::parse(raw.trim(), time::macros::format_description!("[year]-[month]-[day]")).map_err(|_| {
        AppError::new(
            format,
            ErrorKind::Unprocessable,
            format!(
                "Le champ « {field} » doit être une date AAAA-MM-JJ (reçu : « {} »).",
                excerpt(raw, 40)
            ),
        )
    })
}

/// Whether `role` may answer opinion requests (an instructor or an expert).
pub(crate) fn may_be_asked(role: Role) -> bool {
    matches!(role, Role::Instructor | Role::Expert)
}

/// A request as a table row shows it.
pub(crate) struct OpinionRow {
    pub id: i64,
    pub application_id: i64,
    pub application_title: String,
    pub call: String,
    pub asked: String,
    pub asked_by: String,
    pub due_on: String,
    pub status: OpinionStatus,
    pub status_label: &'static str,
    pub answer: Option<(String, String, String)>,
}

impl OpinionRow {
    pub(crate) fn new(r: &OpinionRequest, now: OffsetDateTime) -> OpinionRow {
        let status = r.status(now);
        OpinionRow {
            id: r.id,
            application_id: r.application_id.0,
            application_title: r.application_title.clone(),
            call: r.call_slug.clone(),
            asked: match &r.requested_of_organisation {
                Some(o) => format!("{} ({o})", r.requested_of_name),
                None => r.requested_of_name.clone(),
            },
            asked_by: r.requested_by_name.clone(),
            due_on: crate::format::date(r.due_on),
            status,
            status_label: status.label(),
            answer: r
                .answer
                .as_ref()
                .map(|a| (a.verdict.label().to_owned(), a.text.clone(), paris_time(&a.answered_at))),
        }
    }

    /// The DSFR badge modifier of the status: overdue in red.
    pub fn badge(&self) -> &'static str {
        match self.status {
            OpinionStatus::Answered => "fr-badge--success",
            OpinionStatus::Pending => "fr-badge--info",
            OpinionStatus::Overdue => "fr-badge--error",
        }
    }
}

/// One call's section of the dashboard.
struct CallSection {
    slug: String,
    counts: Counts,
    rows: Vec<OpinionRow>,
}

#[derive(Template)]
#[template(path = "opinions.html")]
struct DashboardPage {
    layout: Layout,
    counts: Counts,
    calls: Vec<CallSection>,
}

/// `GET /avis`.
pub async fn dashboard(Current(ctx): Current, signed_in: SignedIn) -> Response {
    no_store(
        async {
            signed_in.require(Action::Review, Format::Html)?;
            let now = OffsetDateTime::now_utc();
            let all = ctx
                .app
                .store
                .opinion_requests()
                .await
                .map_err(|e| AppError::internal(Format::Html, e))?;
            let mut calls: Vec<CallSection> = Vec::new();
            for r in &all {
                let row = OpinionRow::new(r, now);
                match calls.last_mut() {
                    Some(c) if c.slug == r.call_slug => c.rows.push(row),
                    _ => calls.push(CallSection {
                        slug: r.call_slug.clone(),
                        counts: Counts::default(),
                        rows: vec![row],
                    }),
                }
            }
            for c in &mut calls {
                c.counts = Counts::of(c.rows.iter().map(|r| r.status));
            }
            let html = DashboardPage {
                layout: Layout::new("Avis demandés", ""),
                counts: Counts::of(all.iter().map(|r| r.status(now))),
                calls,
            }
            .render();
            page(StatusCode::OK, html)
        }
        .await,
    )
}

#[derive(Template)]
#[template(path = "opinions_mine.html")]
struct MinePage {
    layout: Layout,
    rows: Vec<OpinionRow>,
}

/// `GET /avis/mes-demandes`.
pub async fn mine(Current(ctx): Current, signed_in: SignedIn) -> Response {
    no_store(
        async {
            let account = &signed_in.session.account;
            if !may_be_asked(account.role) {
                return Err(AppError::new(
                    Format::Html,
                    ErrorKind::Forbidden,
                    format!("Votre rôle ({}) ne reçoit pas de demandes d'avis.", account.role.label()),
                ));
            }
            let now = OffsetDateTime::now_utc();
            let rows = ctx
                .app
                .store
                .opinion_requests_of(account.id)
                .await
                .map_err(|e| AppError::internal(Format::Html, e))?
                .iter()
                .map(|r| OpinionRow::new(r, now))
                .collect();
            page(
                StatusCode::OK,
                MinePage {
                    layout: Layout::new("Mes demandes d'avis", ""),
                    rows,
                }
                .render(),
            )
        }
        .await,
    )
}

/// The request `raw_id` as `signed_in` may see it: reviewers see every request, an
/// account the requests addressed to it; anything else is a 404 in `format`.
pub(crate) async fn visible_request(ctx: &crate::Ctx, signed_in: &SignedIn, raw_id: &str, format: Format) -> AppResult<OpinionRequest> {
    let not_found = || {
        AppError::not_found(
            format,
            format!("Aucune demande d'avis n° « {} » ne vous est accessible.", excerpt(raw_id, ECHO_MAX)),
        )
    };
    let id: i64 = raw_id.parse().map_err(|_| not_found())?;
    let r = ctx
        .app
        .store
        .opinion_request(id)
        .await
        .map_err(|e| AppError::internal(format, e))?
        .ok_or_else(not_found)?;
    let account = &signed_in.session.account;
    if allows(account.role, Action::Review) {
        return Ok(r);
    }
    if r.requested_of != account.id {
        return Err(not_found());
    }
    // An expert who declared a conflict with the application after being asked no longer
    // sees it (issue 3): nor the request on it.
    if account.role == Role::Expert && in_conflict(&ctx.app.store, account, r.application_id, format).await? {
        return Err(not_found());
    }
    Ok(r)
}

/// Whether expert `account` is in conflict of interest with application `id` (a missing
/// application counts as a conflict: nothing to show). Errors: 500 on a database failure.
async fn in_conflict(
    store: &territoires_store::Store,
    account: &territoires_store::Account,
    id: territoires_domain::application::ApplicationId,
    format: Format,
) -> AppResult<bool> {
    let internal = |e| AppError::internal(format, e);
    let Some(app) = store.application(id).await.map_err(internal)? else {
        return Ok(true);
    };
    let profile = store.expert_profile(account).await.map_err(internal)?;
    let parties = store.application_parties(&app).await.map_err(internal)?;
    Ok(territoires_domain::conflicts::has_conflict(&profile, &parties).is_some())
}

#[derive(Template)]
#[template(path = "opinion.html")]
struct ShowPage<'a> {
    layout: Layout,
    row: OpinionRow,
    question: &'a str,
    can_answer: bool,
    verdicts: Vec<(&'static str, &'static str)>,
    csrf: &'a str,
}

/// `GET /avis/{id}`.
pub async fn show(Current(ctx): Current, signed_in: SignedIn, Path(raw_id): Path<String>) -> Response {
    no_store(
        async {
            let r = visible_request(&ctx, &signed_in, &raw_id, Format::Html).await?;
            let can_answer = r.answer.is_none() && r.requested_of == signed_in.session.account.id;
            let html = ShowPage {
                layout: Layout::new(format!("Demande d'avis n° {}", r.id), ""),
                row: OpinionRow::new(&r, OffsetDateTime::now_utc()),
                question: &r.question,
                can_answer,
                verdicts: Verdict::ALL.iter().map(|v| (v.code(), v.label())).collect(),
                csrf: &signed_in.session.csrf_token,
            }
            .render();
            page(StatusCode::OK, html)
        }
        .await,
    )
}

/// The answer form.
#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    verdict: String,
    #[serde(default)]
    answer: String,
}

/// `POST /avis/{id}`: 303 back to the request; 404 when it is not addressed to the
/// signed-in account; 422 for an unknown verdict or a blank answer; 409 when answered
/// already.
pub async fn answer(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    Form(form): Form<AnswerForm>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            let r = visible_request(&ctx, &signed_in, &raw_id, Format::Html).await?;
            let verdict = parse_verdict(&form.verdict, Format::Html)?;
            check_answer(&form.answer, Format::Html)?;
            ctx.app
                .store
                .answer_opinion(r.id, verdict, &form.answer, &signed_in.session.account, OffsetDateTime::now_utc())
                .await
                .map_err(|e| store_error(Format::Html, e))?;
            Ok(Redirect::to(&format!("/avis/{}", r.id)).into_response())
        }
        .await,
    )
}

/// The verdict whose code is `raw`. Errors: 422 naming the field `verdict`.
pub(crate) fn parse_verdict(raw: &str, format: Format) -> AppResult<Verdict> {
    Verdict::from_code(raw.trim()).ok_or_else(|| {
        AppError::new(
            format,
            ErrorKind::Unprocessable,
            format!(
                "Le champ « verdict » doit valoir favourable, favourable-with-reservations ou unfavourable (reçu : « {} »).",
                excerpt(raw, 40)
            ),
        )
    })
}

/// A non-blank answer of at most 5000 characters. Errors: 422 naming the field.
pub(crate) fn check_answer(text: &str, format: Format) -> AppResult<()> {
    territoires_domain::opinion::check_text("answer", text).map_err(|e| AppError::new(format, ErrorKind::Unprocessable, e.to_string()))
}

/// The request form.
#[derive(Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    question: String,
}

/// `POST /candidatures/{id}/avis`: 303 to the application; 403 for a role that does not
/// review; 422 naming the field for a bad account, date or question; 409 when the
/// application is not under review nor in hearing, or the account gives no opinions.
pub async fn request(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    Form(form): Form<RequestForm>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            signed_in.require(Action::Review, Format::Html)?;
            let app = visible_application(&ctx.app.store, &signed_in, &raw_id, Format::Html).await?;
            let account: i64 = form.account.trim().parse().map_err(|_| {
                AppError::new(
                    Format::Html,
                    ErrorKind::Unprocessable,
                    "Le champ « account » doit désigner un compte.",
                )
            })?;
            let due_on = parse_date(&form.due_on, "due_on", Format::Html)?;
            request_opinion(&ctx, &signed_in, app.id, account, due_on, &form.question, Format::Html).await?;
            Ok(Redirect::to(&format!("/candidatures/{}", app.id)).into_response())
        }
        .await,
    )
}

/// Asks `account` for an opinion on `app` and notifies it; the domain's checks come
/// first as 422s naming the field. Shared by the page and the API.
pub(crate) async fn request_opinion(
    ctx: &crate::Ctx,
    signed_in: &SignedIn,
    app: territoires_domain::application::ApplicationId,
    account: i64,
    due_on: Date,
    question: &str,
    format: Format,
) -> AppResult<OpinionRequest> {
    let now = OffsetDateTime::now_utc();
    territoires_domain::opinion::check_request(due_on, question, now)
        .map_err(|e| AppError::new(format, ErrorKind::Unprocessable, e.to_string()))?;
    if account == signed_in.session.account.id {
        return Err(AppError::new(
            format,
            ErrorKind::Unprocessable,
            format!("Le champ « account » ({account}) vous désigne : un avis se demande à un autre compte."),
        ));
    }
    let store = &ctx.app.store;
    let addressee = store
        .account_by_id(account)
        .await
        .map_err(|e| AppError::internal(format, e))?
        .filter(|a| may_be_asked(a.role) && !a.disabled)
        .ok_or_else(|| {
            AppError::new(
                format,
                ErrorKind::Unprocessable,
                format!("Le champ « account » ({account}) ne désigne ni un instructeur ni un expert actif."),
            )
        })?;
    // An expert in conflict of interest with the application can neither see nor score
    // it (issue 3): nor be asked for an opinion on it.
    if addressee.role == Role::Expert {
        let application = store
            .application(app)
            .await
            .map_err(|e| AppError::internal(format, e))?
            .ok_or_else(|| AppError::not_found(format, format!("Aucune candidature n'a le numéro {app}.")))?;
        if !super::experts::expert_may_see(store, &addressee, &application, format).await? {
            return Err(AppError::new(
                format,
                ErrorKind::Unprocessable,
                format!(
                    "Le champ « account » ({account}) désigne un expert qui ne peut pas examiner cette candidature (conflit d'intérêts, ou candidature ni en instruction ni en audition)."
                ),
            ));
        }
    }
    let r = store
        .request_opinion(app, account, question, due_on, &signed_in.session.account, now)
        .await
        .map_err(|e| store_error(format, e))?;
    let title = crate::notify::call_title(ctx, &r.call_slug).await;
    let note = crate::notify::opinion_requested(&r, &addressee, &title, ctx.app.public_url.as_deref());
    crate::notify::deliver(ctx, vec![note]).await;
    Ok(r)
}
