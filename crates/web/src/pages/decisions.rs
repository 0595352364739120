//! The committee's decisions (issue 3, « deliberation record, decision and notification »;
//! « A selected application becomes a laureate project in the registry »):
//!
//! - `GET /admin/appels/{slug}/deliberation` — the record form ([`Action::Decide`]): date,
//!   members present (one per line), and for each application of the call in hearing a
//!   decision (none / selected / rejected) with its reason.
//! - `POST /admin/appels/{slug}/deliberation` — records it and takes its decisions in one
//!   transaction (all or nothing: 409 naming the application otherwise), then notifies
//!   each applicant. 303 to the record.
//! - `GET /appels/{slug}/deliberation` — the records of the call, for reviewers and
//!   programme managers ([`Action::Review`] or [`Action::Decide`]); others 403.
//! - `POST /admin/candidatures/{id}/laureat` — a programme manager turns a selected
//!   application into a laureate project (fields in euros and counts); the registry is
//!   reloaded at once and the reader sent (303) to `/projets/{slug}`.
//!
//! Why promotion is a separate step rather than automatic on selection: the figures a
//! project of the registry carries (subsidy ceiling, investment potential, population,
//! partners) are not in an application, and the registry never shows invented ones; the
//! programme manager states them when promoting.

use super::layout::Layout;
use super::opinions::{no_store, page, parse_date, store_error, OpinionRow};
use crate::auth::{self, SignedIn};
use crate::error::{AppError, AppResult, ErrorKind, Format};
use crate::format::{excerpt, ECHO_MAX};
use crate::pages::applications::{paris_time, parse_euros, visible_application};
use crate::{Current, LiveState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::sync::Arc;
use territoires_domain::access::{allows, Action, Role};
use territoires_domain::application::{ApplicationId, ApplicationStatus, TransitionKind};
use territoires_domain::deliberation::{Decision, DecisionLine, Record};
use territoires_domain::laureate::{LaureateFigures, ProjectOrigin};
use territoires_domain::{Money, Project};
use territoires_store::{Account, Application, Deliberation};
use time::OffsetDateTime;

/// The title of the call `slug` — of the press kit (the registry) or of the platform —
/// or a 404 in `format` (500 on a database failure).
pub(crate) async fn known_call(ctx: &crate::Ctx, slug: &str, format: Format) -> AppResult<String> {
    if let Some(c) = ctx.app.registry.call(slug) {
        return Ok(c.title.clone());
    }
    match ctx.app.store.platform_call(slug).await {
        Ok(Some(c)) => Ok(c.definition.title),
        Ok(None) => Err(AppError::not_found(
            format,
            format!("Aucun appel n'a l'identifiant « {} ».", excerpt(slug, ECHO_MAX)),
        )),
        Err(e) => Err(AppError::internal(format, e)),
    }
}

#[derive(Template)]
#[template(path = "deliberation_form.html")]
struct FormPage<'a> {
    layout: Layout,
    slug: &'a str,
    call: String,
    hearing: Vec<Application>,
    csrf: &'a str,
}

/// `GET /admin/appels/{slug}/deliberation`.
pub async fn form(Current(ctx): Current, signed_in: SignedIn, Path(slug): Path<String>) -> Response {
    no_store(
        async {
            signed_in.require(Action::Decide, Format::Html)?;
            let call = known_call(&ctx, &slug, Format::Html).await?;
            let hearing = ctx
                .app
                .store
                .applications_of_call(&slug)
                .await
                .map_err(|e| AppError::internal(Format::Html, e))?
                .into_iter()
                .filter(|a| a.status == ApplicationStatus::Hearing)
                .collect();
            let html = FormPage {
                layout: Layout::new(format!("Procès-verbal de délibération — {call}"), "calls"),
                slug: &slug,
                call,
                hearing,
                csrf: &signed_in.session.csrf_token,
            }
            .render();
            page(StatusCode::OK, html)
        }
        .await,
    )
}

/// Records `record` for call `slug`, then notifies each applicant of their decision.
/// Shared by the page and the API. Errors: 422 for an invalid record (naming the field),
/// 404/409 from the store (nothing written).
pub(crate) async fn record(ctx: &crate::Ctx, signed_in: &SignedIn, slug: &str, record: Record, format: Format) -> AppResult<Deliberation> {
    let today = territoires_domain::opinion::paris_today(OffsetDateTime::now_utc());
    let record = record
        .check(today)
        .map_err(|e| AppError::new(format, ErrorKind::Unprocessable, e.to_string()))?;
    let (deliberation, apps) = ctx
        .app
        .store
        .record_deliberation(slug, &record, &signed_in.session.account, OffsetDateTime::now_utc())
        .await
        .map_err(|e| store_error(format, e))?;
    for (app, line) in apps.iter().zip(&record.decisions) {
        let kind = match line.decision {
            Decision::Selected => TransitionKind::Select,
            Decision::Rejected => TransitionKind::Reject,
        };
        crate::notify::after_transition(ctx, app, kind, Some(&line.reason)).await;
    }
    Ok(deliberation)
}

/// `POST /admin/appels/{slug}/deliberation`. The form's fields: `csrf`, `held_on`
/// (`YYYY-MM-DD`), `members` (one per line), and for each application `decision-<id>`
/// (empty, `selected`, `rejected`) and `reason-<id>`.
pub async fn create(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(slug): Path<String>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_default();
            signed_in.check_csrf(field("csrf"))?;
            signed_in.require(Action::Decide, Format::Html)?;
            known_call(&ctx, &slug, Format::Html).await?;
            let held_on = parse_date(field("held_on"), "held_on", Format::Html)?;
            let mut decisions = Vec::new();
            for (k, v) in &fields {
                let Some(id) = k.strip_prefix("decision-") else { continue };
                if v.trim().is_empty() {
                    continue;
                }
                let unprocessable = |m: String| AppError::new(Format::Html, ErrorKind::Unprocessable, m);
                let id: i64 = id
                    .parse()
                    .map_err(|_| unprocessable(format!("Le champ « {} » est inconnu.", excerpt(k, 40))))?;
                let decision = Decision::from_code(v.trim())
                    .ok_or_else(|| unprocessable(format!("Le champ « {k} » doit valoir selected ou rejected.")))?;
                decisions.push(DecisionLine {
                    application_id: ApplicationId(id),
                    decision,
                    reason: field(&format!("reason-{id}")).to_owned(),
                });
            }
            let members = field("members").lines().map(str::to_owned).collect();
            record(
                &ctx,
                &signed_in,
                &slug,
                Record {
                    held_on,
                    members,
                    decisions,
                },
                Format::Html,
            )
            .await?;
            Ok(Redirect::to(&format!("/appels/{slug}/deliberation")).into_response())
        }
        .await,
    )
}

/// A stored record as the page shows it.
struct RecordView {
    d: Deliberation,
    held_on: String,
    recorded_at: String,
}

#[derive(Template)]
#[template(path = "deliberation.html")]
struct ShowPage<'a> {
    layout: Layout,
    slug: &'a str,
    call: String,
    records: Vec<RecordView>,
    can_record: bool,
}

/// Ok when `account` may read deliberation records and opinions' outcomes (reviewers,
/// programme managers, administrators); 403 otherwise.
fn require_reader(signed_in: &SignedIn, format: Format) -> AppResult<()> {
    let role = signed_in.session.account.role;
    if allows(role, Action::Review) || allows(role, Action::Decide) {
        Ok(())
    } else {
        signed_in.require(Action::Decide, format)
    }
}

/// `GET /appels/{slug}/deliberation`.
pub async fn show(Current(ctx): Current, signed_in: SignedIn, Path(slug): Path<String>) -> Response {
    no_store(
        async {
            require_reader(&signed_in, Format::Html)?;
            let call = known_call(&ctx, &slug, Format::Html).await?;
            let records = ctx
                .app
                .store
                .deliberations_of_call(&slug)
                .await
                .map_err(|e| AppError::internal(Format::Html, e))?
                .into_iter()
                .map(|d| RecordView {
                    held_on: crate::format::date(d.held_on),
                    recorded_at: paris_time(&d.recorded_at),
                    d,
                })
                .collect();
            let html = ShowPage {
                layout: Layout::new(format!("Délibérations — {call}"), "calls"),
                slug: &slug,
                call,
                records,
                can_record: allows(signed_in.session.account.role, Action::Decide),
            }
            .render();
            page(StatusCode::OK, html)
        }
        .await,
    )
}

/// Creates the laureate project of application `id` and reloads the registry so that
/// the running server shows it at once. Shared by the page and the API. Errors: 403
/// (not a programme manager), 404, 409 (not selected, already a laureate).
pub(crate) async fn promote(
    live: &LiveState,
    ctx: &crate::Ctx,
    signed_in: &SignedIn,
    raw_id: &str,
    figures: LaureateFigures,
    format: Format,
) -> AppResult<(Project, ProjectOrigin)> {
    signed_in.require(Action::Decide, format)?;
    let app = visible_application(&ctx.app.store, signed_in, raw_id, format).await?;
    let figures = figures
        .check()
        .map_err(|e| AppError::new(format, ErrorKind::Unprocessable, e.to_string()))?;
    let created = ctx
        .app
        .store
        .create_laureate(app.id, figures, &signed_in.session.account, OffsetDateTime::now_utc())
        .await
        .map_err(|e| store_error(format, e))?;
    reload(live, ctx).await;
    Ok(created)
}

/// Loads the registry again and swaps it in (as the import watcher does), keeping the
/// store and the notifier. A failure is logged: the project is stored, and the watcher
/// (`import_count` moved) retries.
async fn reload(live: &LiveState, ctx: &crate::Ctx) {
    match ctx.app.store.load_registry().await {
        Ok(Some(registry)) => {
            let app = crate::AppState::new(Arc::new(registry), ctx.app.store.clone())
                .with_notifier(ctx.app.notifier.clone())
                .with_oidc(ctx.app.oidc.clone())
                .with_public_url(ctx.app.public_url.clone());
            match tokio::task::spawn_blocking(move || crate::Ctx::new(app)).await {
                Ok(new) => live.replace(new),
                Err(e) => tracing::error!(error = %e, "reload after promotion: rendering failed"),
            }
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "reload after promotion: cannot load the registry"),
    }
}

/// A count typed in a form (`12 000`). Errors: 422 naming `field`.
fn parse_count<T: TryFrom<u64>>(raw: &str, field: &str) -> AppResult<T> {
    let digits: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '\u{202f}').collect();
    digits.parse::<u64>().ok().and_then(|n| T::try_from(n).ok()).ok_or_else(|| {
        AppError::new(
            Format::Html,
            ErrorKind::Unprocessable,
            format!(
                "Le champ « {field} » doit être un nombre entier positif (reçu : « {} »).",
                excerpt(raw, 40)
            ),
        )
    })
}

/// An amount in euros typed in a form, mandatory. Errors: 422 naming `field`.
fn parse_amount(raw: &str, field: &str) -> AppResult<Money> {
    match parse_euros(raw) {
        Ok(Some(m)) => Ok(m),
        Ok(None) => Err(AppError::new(
            Format::Html,
            ErrorKind::Unprocessable,
            format!("Le champ « {field} » est obligatoire."),
        )),
        Err(m) => Err(AppError::new(Format::Html, ErrorKind::Unprocessable, format!("{field} : {m}"))),
    }
}

/// `POST /admin/candidatures/{id}/laureat`: fields `csrf`, `subsidy_ceiling` and
/// `investment_potential` (euros), `population`, `partners`, `local_authorities`.
pub async fn create_laureate(
    State(live): State<LiveState>,
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_default();
            signed_in.check_csrf(field("csrf"))?;
            signed_in.require(Action::Decide, Format::Html)?;
            let figures = LaureateFigures {
                subsidy_ceiling: parse_amount(field("subsidy_ceiling"), "subsidy_ceiling")?,
                investment_potential: parse_amount(field("investment_potential"), "investment_potential")?,
                population: parse_count(field("population"), "population")?,
                partners: parse_count(field("partners"), "partners")?,
                local_authorities: parse_count(field("local_authorities"), "local_authorities")?,
            };
            let (project, _) = promote(&live, &ctx, &signed_in, &raw_id, figures, Format::Html).await?;
            Ok(Redirect::to(&format!("/projets/{}", project.slug)).into_response())
        }
        .await,
    )
}

/// What `/candidatures/{id}` adds for opinions, decisions and the laureate (template
/// `application_h4.html`).
pub(crate) struct ApplicationExtras {
    /// Opinions on the application (reviewers only; empty for others).
    pub opinions: Vec<OpinionRow>,
    /// The requests on it addressed to the reader (an instructor or an expert asked).
    pub mine: Vec<OpinionRow>,
    /// Whether the opinions section is shown (reviewers, programme managers).
    pub reviewer: bool,
    /// Whether the request form is shown (reviewers, application under review or hearing).
    pub can_request: bool,
    /// Accounts that may be asked: (id, "name — organisation (role)").
    pub addressees: Vec<(i64, String)>,
    /// The committee's decisions on it: (date of the deliberation, decision, reason).
    pub decisions: Vec<(String, &'static str, String)>,
    /// The laureate project created from it, by slug.
    pub laureate: Option<String>,
    /// Whether the promotion form is shown (programme manager, selected, not yet laureate).
    pub can_promote: bool,
    /// The amount requested in euros, to pre-fill the subsidy ceiling.
    pub requested_euros: String,
}

/// The extras of `app` for `account`. Errors: 500 on a database failure.
pub(crate) async fn extras(ctx: &crate::Ctx, account: &Account, app: &Application) -> AppResult<ApplicationExtras> {
    let store = &ctx.app.store;
    let internal = |e| AppError::internal(Format::Html, e);
    let role = account.role;
    let reviewer = allows(role, Action::Review) || allows(role, Action::Decide);
    let now = OffsetDateTime::now_utc();
    let on_app = store.opinion_requests_on(app.id).await.map_err(internal)?;
    let mine = on_app
        .iter()
        .filter(|r| r.requested_of == account.id)
        .map(|r| OpinionRow::new(r, now))
        .collect();
    let opinions = if reviewer {
        on_app.iter().map(|r| OpinionRow::new(r, now)).collect()
    } else {
        Vec::new()
    };
    let can_request = allows(role, Action::Review) && matches!(app.status, ApplicationStatus::UnderReview | ApplicationStatus::Hearing);
    let mut addressees = Vec::new();
    if can_request {
        for a in store.accounts().await.map_err(internal)? {
            // Not the reviewer himself, nor an expert in conflict with the application
            // (the server refuses both: `request_opinion`).
            if !matches!(a.role, Role::Instructor | Role::Expert) || a.disabled || a.id == account.id {
                continue;
            }
            if a.role == Role::Expert && !super::experts::expert_may_see(store, &a, app, Format::Html).await? {
                continue;
            }
            let org = a.organisation.as_ref().map(|o| format!(" — {o}")).unwrap_or_default();
            addressees.push((a.id, format!("{}{org} ({})", a.display_name, a.role.label())));
        }
    }
    let decisions = store
        .deliberations_of_call(&app.call_slug)
        .await
        .map_err(internal)?
        .into_iter()
        .flat_map(|d| {
            let held_on = crate::format::date(d.held_on);
            d.decisions
                .into_iter()
                .filter(|x| x.application_id == app.id)
                .map(move |x| (held_on.clone(), x.decision.label(), x.reason))
        })
        .collect();
    let laureate = store.laureate_of(app.id).await.map_err(internal)?;
    Ok(ApplicationExtras {
        opinions,
        mine,
        reviewer,
        can_request,
        addressees,
        decisions,
        can_promote: allows(role, Action::Decide) && app.status == ApplicationStatus::Selected && laureate.is_none(),
        laureate,
        requested_euros: app.requested.map(euros_plain).unwrap_or_default(),
    })
}

/// Cents as a plain euro figure a form accepts back (`2500000` or `2500000,50`).
fn euros_plain(m: Money) -> String {
    let c = m.cents();
    if c % 100 == 0 {
        format!("{}", c / 100)
    } else {
        format!("{},{:02}", c / 100, (c % 100).abs())
    }
}
