//! Applications (*candidatures*) and their workflow (issue 3, « Applications »):
//!
//! - `GET /candidatures` — a project lead sees their own applications; instructors,
//!   programme managers and administrators see all of them; other roles get 403.
//! - `GET /candidatures/nouvelle[?appel=SLUG]` and `POST /candidatures` — a project lead
//!   creates a draft on a call.
//! - `GET /candidatures/{id}` — the application, its status, its history (with reasons)
//!   and one form per transition the signed-in role may take now.
//! - `POST /candidatures/{id}/transitions` — takes one transition (fields `kind`, the
//!   transition's code such as `start-review`, and `reason`); 303 back to the application
//!   on success, a French 409 page saying why when refused.
//!
//! A project lead asking for another account's application gets **404**, never 403: its
//! existence is not revealed. Whether a transition may be taken is decided by
//! `territoires_domain::application::apply` (inside `Store::transition`), on the server
//! clock. Every page depends on who asks: `Cache-Control: no-store`, errors included.
//! Every form carries the session's anti-CSRF token; posts are checked for it and for
//! their origin.

use super::layout::Layout;
use crate::auth::{self, SignedIn};
use crate::error::no_store;
use crate::error::{AppError, AppResult, ErrorKind, Format};
use crate::format::{excerpt, ECHO_MAX};
use crate::Current;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use territoires_domain::access::{allows, Action};
use territoires_domain::application::{ApplicationId, Transition, TransitionKind};
use territoires_domain::call::paris_offset;
use territoires_domain::Money;
use territoires_store::{Account, Application, StoreError};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Which applications an account may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Only those it created (project lead, [`Action::Apply`]).
    Own(i64),
    /// Every application (roles that review or decide: instructor, programme manager,
    /// operator administrator).
    All,
    /// An expert ([`Action::Score`], account id): the applications under review or in a
    /// hearing, minus those in conflict with them (see `super::experts`).
    Expert(i64),
}

/// The applications `account` may see, or `None` when its role sees none (expert,
/// partner). Source: issue 3 (« a project lead cannot read or change another project's
/// data by changing an id »).
pub(crate) fn scope_of(account: &Account) -> Option<Scope> {
    let role = account.role;
    if allows(role, Action::Review) || allows(role, Action::Decide) {
        Some(Scope::All)
    } else if allows(role, Action::Apply) {
        Some(Scope::Own(account.id))
    } else if allows(role, Action::Score) {
        Some(Scope::Expert(account.id))
    } else {
        None
    }
}

/// The application `raw_id` as `signed_in` may see it. Errors (in `format`): 403 when
/// the role sees no application; 404 when the id is not a number, names no application,
/// or names one of another account for a project lead (same message: its existence is
/// not revealed); 500 on a database failure.
pub(crate) async fn visible_application(
    store: &territoires_store::Store,
    signed_in: &SignedIn,
    raw_id: &str,
    format: Format,
) -> AppResult<Application> {
    let account = &signed_in.session.account;
    let Some(scope) = scope_of(account) else {
        return Err(AppError::new(
            format,
            ErrorKind::Forbidden,
            format!("Votre rôle ({}) ne permet pas de consulter les candidatures.", account.role.label()),
        ));
    };
    let not_found = || {
        AppError::not_found(
            format,
            format!("Aucune candidature n'a le numéro « {} ».", excerpt(raw_id, ECHO_MAX)),
        )
    };
    let id = raw_id.parse::<i64>().map_err(|_| not_found())?;
    let application = store
        .application(ApplicationId(id))
        .await
        .map_err(|e| AppError::internal(format, e))?
        .ok_or_else(not_found)?;
    match scope {
        Scope::All => Ok(application),
        Scope::Own(owner) if application.applicant_account_id == owner => Ok(application),
        Scope::Own(_) => Err(not_found()),
        Scope::Expert(_) if super::experts::expert_may_see(store, account, &application, format).await? => Ok(application),
        Scope::Expert(_) => Err(not_found()),
    }
}

/// An HTML page with `status`.
fn page(status: StatusCode, html: Result<String, askama::Error>) -> AppResult<Response> {
    let body = html.map_err(|e| AppError::internal(Format::Html, e))?;
    Ok((status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response())
}

/// An RFC 3339 instant as French mainland time: `02/03/2026 à 10:00`; the text itself
/// when it does not parse.
pub(crate) fn paris_time(at: &str) -> String {
    match OffsetDateTime::parse(at, &Rfc3339) {
        Ok(t) => {
            let l = t.to_offset(paris_offset(t));
            format!(
                "{:02}/{:02}/{} à {:02}:{:02}",
                l.day(),
                u8::from(l.month()),
                l.year(),
                l.hour(),
                l.minute()
            )
        }
        Err(_) => at.to_owned(),
    }
}

/// An amount typed in euros, by the one French rule of
/// [`territoires_domain::form::parse_amount`] (`12 500 000`, `12 500 000,50`; `12.5` is
/// refused: decimal comma) as cents; blank is `None`. Errors: a French sentence naming
/// the value.
pub(crate) fn parse_euros(raw: &str) -> Result<Option<Money>, String> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    territoires_domain::form::parse_amount(raw)
        .map(Some)
        .map_err(|e| format!("Montant : {e}."))
}

/// An application as a list shows it.
struct Row<'a> {
    app: &'a Application,
    call: String,
    status: &'static str,
    requested: String,
    updated: String,
}

#[derive(Template)]
#[template(path = "applications.html")]
struct ListPage<'a> {
    layout: Layout,
    rows: Vec<Row<'a>>,
    own: bool,
}

/// The French title of call `slug` in the registry or among the platform's calls, or the
/// slug itself.
async fn call_title(ctx: &crate::Ctx, slug: &str) -> String {
    if let Some(c) = ctx.app.registry.call(slug) {
        return c.title.clone();
    }
    match ctx.app.store.platform_call(slug).await {
        Ok(Some(c)) => c.definition.title,
        _ => slug.to_owned(),
    }
}

/// `GET /candidatures`.
pub async fn list(Current(ctx): Current, signed_in: SignedIn) -> Response {
    no_store(
        async {
            let account = &signed_in.session.account;
            let scope = scope_of(account).ok_or_else(|| {
                AppError::new(
                    Format::Html,
                    ErrorKind::Forbidden,
                    format!("Votre rôle ({}) ne permet pas de consulter les candidatures.", account.role.label()),
                )
            })?;
            let store = &ctx.app.store;
            let apps = match scope {
                Scope::All => store.applications().await,
                Scope::Own(id) => store.applications_of(id).await,
                Scope::Expert(_) => Ok(super::experts::visible_to_expert(store, account, Format::Html).await?),
            }
            .map_err(|e| AppError::internal(Format::Html, e))?;
            let mut rows = Vec::with_capacity(apps.len());
            for app in &apps {
                rows.push(Row {
                    app,
                    call: call_title(&ctx, &app.call_slug).await,
                    status: app.status.label(),
                    requested: app.requested.map(Money::fmt_euros).unwrap_or_else(|| "Non indiqué".into()),
                    updated: paris_time(&app.updated_at),
                });
            }
            let html = ListPage {
                layout: Layout::new("Candidatures", ""),
                rows,
                own: matches!(scope, Scope::Own(_)),
            }
            .render();
            page(StatusCode::OK, html)
        }
        .await,
    )
}

#[derive(Template)]
#[template(path = "application_new.html")]
struct NewPage<'a> {
    layout: Layout,
    csrf: &'a str,
    /// (slug, title, selected) of every call.
    calls: Vec<(&'a str, &'a str, bool)>,
    title: &'a str,
    summary: &'a str,
    amount: &'a str,
    errors: Vec<String>,
}

/// The query of `/candidatures/nouvelle`.
#[derive(Deserialize)]
pub struct NewQuery {
    appel: Option<String>,
}

/// `GET /candidatures/nouvelle[?appel=SLUG]`: the draft form (project leads only),
/// offering the calls open now; an unknown call (or a draft one) is a 404, a call that is
/// not open is said so on the form.
pub async fn new_form(Current(ctx): Current, signed_in: SignedIn, Query(q): Query<NewQuery>) -> Response {
    no_store(
        async {
            signed_in.require(Action::Apply, Format::Html)?;
            let mut errors = Vec::new();
            if let Some(slug) = &q.appel {
                let platform = ctx
                    .app
                    .store
                    .platform_call(slug)
                    .await
                    .map_err(|e| AppError::internal(Format::Html, e))?;
                let published = platform.filter(|c| c.status == territoires_domain::platform_call::CallStatus::Published);
                if ctx.app.registry.call(slug).is_none() && published.is_none() {
                    return Err(AppError::not_found(
                        Format::Html,
                        format!("Aucun appel n'a l'identifiant « {} ».", excerpt(slug, ECHO_MAX)),
                    ));
                }
                let open =
                    published.is_some_and(|c| c.phase(OffsetDateTime::now_utc()) == territoires_domain::platform_call::CallPhase::Open);
                if !open {
                    errors.push(format!(
                        "L'appel « {} » n'accepte pas de candidature aujourd'hui.",
                        call_title(&ctx, slug).await
                    ));
                }
            }
            render_new(&ctx, &signed_in, q.appel.as_deref(), "", "", "", errors, StatusCode::OK).await
        }
        .await,
    )
}

#[allow(clippy::too_many_arguments)]
async fn render_new(
    ctx: &crate::Ctx,
    signed_in: &SignedIn,
    call: Option<&str>,
    title: &str,
    summary: &str,
    amount: &str,
    errors: Vec<String>,
    status: StatusCode,
) -> AppResult<Response> {
    // The calls open now (server clock): the press kit's calls are closed.
    let now = OffsetDateTime::now_utc();
    let open: Vec<_> = ctx
        .app
        .store
        .published_calls()
        .await
        .map_err(|e| AppError::internal(Format::Html, e))?
        .into_iter()
        .filter(|c| c.phase(now) == territoires_domain::platform_call::CallPhase::Open)
        .collect();
    let calls = open
        .iter()
        .map(|c| (c.slug.as_str(), c.definition.title.as_str(), Some(c.slug.as_str()) == call))
        .collect();
    let html = NewPage {
        layout: Layout::new("Nouvelle candidature", ""),
        csrf: &signed_in.session.csrf_token,
        calls,
        title,
        summary,
        amount,
        errors,
    }
    .render();
    page(status, html)
}

/// The draft form's fields.
#[derive(Deserialize)]
pub struct NewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    appel: String,
    #[serde(default)]
    titre: String,
    #[serde(default)]
    resume: String,
    #[serde(default)]
    montant: String,
}

/// Longest title accepted (characters).
const TITLE_MAX: usize = 200;
/// Longest summary accepted (characters).
const SUMMARY_MAX: usize = 5000;

/// `POST /candidatures`: creates a draft (project leads only) and redirects (303) to it;
/// the form again with 400 and what to fix (blank or too long title, too long summary,
/// amount that is not euros); 404 for an unknown or draft call; 409 for a call that is not
/// open (historical, upcoming, closed).
pub async fn create(Current(ctx): Current, signed_in: SignedIn, headers: HeaderMap, Form(form): Form<NewForm>) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            signed_in.require(Action::Apply, Format::Html)?;
            let title = form.titre.trim();
            let summary = form.resume.trim();
            let mut errors = Vec::new();
            if title.is_empty() {
                errors.push("Le titre du projet est obligatoire.".to_owned());
            } else if title.chars().count() > TITLE_MAX {
                errors.push(format!("Le titre du projet dépasse {TITLE_MAX} caractères."));
            }
            if summary.chars().count() > SUMMARY_MAX {
                errors.push(format!("Le résumé dépasse {SUMMARY_MAX} caractères."));
            }
            let amount = parse_euros(&form.montant).unwrap_or_else(|e| {
                errors.push(e);
                None
            });
            if !errors.is_empty() {
                return render_new(
                    &ctx,
                    &signed_in,
                    Some(&form.appel),
                    &form.titre,
                    &form.resume,
                    &form.montant,
                    errors,
                    StatusCode::BAD_REQUEST,
                )
                .await;
            }
            let app = ctx
                .app
                .store
                .create_draft(&form.appel, &signed_in.session.account, title, summary, amount)
                .await
                .map_err(|e| super::call_management::store_error(Format::Html, e))?;
            Ok(Redirect::to(&format!("/candidatures/{}", app.id)).into_response())
        }
        .await,
    )
}

/// A history line.
struct EventRow {
    seq: i64,
    at: String,
    actor: String,
    transition: &'static str,
    from: &'static str,
    to: &'static str,
    reason: Option<String>,
}

/// A transition form.
struct TransitionForm {
    kind: String,
    label: &'static str,
    needs_reason: bool,
    /// A backward or final negative step (return, reject, withdraw): secondary button.
    secondary: bool,
}

#[derive(Template)]
#[template(path = "application.html")]
struct ShowPage<'a> {
    layout: Layout,
    app: &'a Application,
    call: String,
    applicant: String,
    status: &'static str,
    requested: String,
    created: String,
    events: Vec<EventRow>,
    forms: Vec<TransitionForm>,
    csrf: &'a str,
    exchange: super::correspondence::Exchange,
    /// The partner list section (`application_partners.html`).
    partners: super::partners::Section,
    /// The call's form and the answers (`application_form.html`); `None` without a form.
    answers: Option<super::call_management::FormSection>,
    /// Opinions, decisions and laureate (`application_h4.html`).
    h4: super::decisions::ApplicationExtras,
}

/// The kebab-case code of a transition kind (`start-review`), as in forms and the audit
/// trail.
fn kind_code(kind: TransitionKind) -> String {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{kind:?}"),
    }
}

/// `GET /candidatures/{id}`.
pub async fn show(Current(ctx): Current, signed_in: SignedIn, Path(raw_id): Path<String>) -> Response {
    no_store(
        async {
            let store = &ctx.app.store;
            let app = visible_application(store, &signed_in, &raw_id, Format::Html).await?;
            let internal = |e| AppError::internal(Format::Html, e);
            let events = store.application_events(app.id).await.map_err(internal)?;
            let applicant = store
                .account_by_id(app.applicant_account_id)
                .await
                .map_err(internal)?
                .map(|a| a.display_name)
                .unwrap_or_else(|| format!("compte n° {}", app.applicant_account_id));
            let role = signed_in.session.account.role;
            let forms = TransitionKind::ALL
                .into_iter()
                .filter(|k| allows(role, k.action()) && k.target(app.status).is_some())
                .map(|k| TransitionForm {
                    kind: kind_code(k),
                    label: k.label(),
                    needs_reason: k.requires_reason(),
                    secondary: matches!(
                        k,
                        TransitionKind::ReturnForCompletion | TransitionKind::Reject | TransitionKind::Withdraw
                    ),
                })
                .collect();
            let html = ShowPage {
                layout: Layout::new(format!("Candidature n° {} — {}", app.id, app.title), ""),
                call: call_title(&ctx, &app.call_slug).await,
                answers: super::call_management::form_section(&ctx, &app, signed_in.session.account.id).await?,
                applicant,
                status: app.status.label(),
                requested: app.requested.map(Money::fmt_euros).unwrap_or_else(|| "Non indiqué".into()),
                created: paris_time(&app.created_at),
                events: events
                    .into_iter()
                    .map(|e| EventRow {
                        seq: e.seq,
                        at: paris_time(&e.at),
                        actor: e.actor_name,
                        transition: e.transition.label(),
                        from: e.from.label(),
                        to: e.to.label(),
                        reason: e.reason,
                    })
                    .collect(),
                forms,
                csrf: &signed_in.session.csrf_token,
                exchange: super::correspondence::exchange(store, &signed_in, &app).await?,
                partners: super::partners::Section::load(store, &signed_in, &app).await?,
                h4: super::decisions::extras(&ctx, &signed_in.session.account, &app).await?,
                app: &app,
            }
            .render();
            page(StatusCode::OK, html)
        }
        .await,
    )
}

/// The transition form's fields.
#[derive(Deserialize)]
pub struct TransitionFormData {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    reason: String,
}

/// The transition `kind` (its code) with `reason` where the kind carries one. Errors: a
/// 400 naming the unknown code.
fn transition_of(kind: &str, reason: &str) -> AppResult<Transition> {
    let kind: TransitionKind = serde_json::from_value(serde_json::Value::String(kind.to_owned())).map_err(|_| {
        AppError::invalid_parameter(
            Format::Html,
            "kind",
            format!("« {} » n'est pas une action sur une candidature.", excerpt(kind, ECHO_MAX)),
        )
    })?;
    let reason = reason.to_owned();
    Ok(match kind {
        TransitionKind::Submit => Transition::Submit,
        TransitionKind::StartReview => Transition::StartReview,
        TransitionKind::ReturnForCompletion => Transition::ReturnForCompletion { reason },
        TransitionKind::Resubmit => Transition::Resubmit,
        TransitionKind::InviteToHearing => Transition::InviteToHearing,
        TransitionKind::Select => Transition::Select { reason },
        TransitionKind::Reject => Transition::Reject { reason },
        TransitionKind::Withdraw => Transition::Withdraw { reason },
    })
}

/// `POST /candidatures/{id}/transitions`: checks the origin and the anti-CSRF token (403),
/// the visibility of the application (403 for a role that sees none, 404 for another
/// lead's), then takes the transition at the server's clock: 303 to the application, or
/// a French 409 page with the reason of the refusal (nothing written).
pub async fn transition(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    Form(form): Form<TransitionFormData>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            let store = &ctx.app.store;
            let app = visible_application(store, &signed_in, &raw_id, Format::Html).await?;
            let t = transition_of(&form.kind, &form.reason)?;
            let now = OffsetDateTime::now_utc();
            let updated = store
                .transition(app.id, &t, &signed_in.session.account, now)
                .await
                .map_err(|e| match e {
                    StoreError::Refused(m) => AppError::new(Format::Html, ErrorKind::Conflict, m),
                    StoreError::NotFound(m) => AppError::not_found(Format::Html, m),
                    other => AppError::internal(Format::Html, other),
                })?;
            crate::notify::after_transition(&ctx, &updated, t.kind(), t.reason()).await;
            Ok(Redirect::to(&format!("/candidatures/{}", app.id)).into_response())
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_are_read_as_cents() {
        assert_eq!(parse_euros(""), Ok(None));
        assert_eq!(parse_euros("  "), Ok(None));
        assert_eq!(parse_euros("12 500 000"), Ok(Some(Money(1_250_000_000))));
        assert_eq!(parse_euros("12\u{202f}500\u{a0}000,5 €"), Ok(Some(Money(1_250_000_050))));
        assert_eq!(parse_euros("0,07"), Ok(Some(Money(7))));
        assert!(parse_euros("1250.25").unwrap_err().contains("virgule, pas un point"));
        for bad in ["abc", "1,234", "-5", ",5", "1,2,3", "99999999999999999999", "12.5"] {
            assert!(parse_euros(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn instants_are_shown_in_paris_time() {
        // 2 March 2026: winter time, UTC+1. 1 July 2026: summer time, UTC+2.
        assert_eq!(paris_time("2026-03-02T09:00:00Z"), "02/03/2026 à 10:00");
        assert_eq!(paris_time("2026-07-01T22:30:00Z"), "02/07/2026 à 00:30");
        assert_eq!(paris_time("hier"), "hier");
    }

    #[test]
    fn every_transition_kind_round_trips_through_its_form_code() {
        for k in TransitionKind::ALL {
            assert_eq!(transition_of(&kind_code(k), "motif").unwrap().kind(), k);
        }
        assert_eq!(kind_code(TransitionKind::StartReview), "start-review");
        assert!(transition_of("approve", "").is_err());
    }
}
