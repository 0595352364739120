//! `GET /appels` — the programme's calls (AMI 2017, AAP 2018) with their kind, year, dates,
//! time zone and published figures; `GET /appels/{slug}` — one call with its themes,
//! eligibility rules, the laureates linked to it, and what is not known (the non-selected
//! applicants, the projects the press kit does not name). Unknown slug: a French 404 page.
//! Calls published in the platform are listed after the historical ones and shown by
//! `super::call_management` (drafts: 404).

use super::{filters, html, layout::Layout};
use crate::error::{AppError, AppResult, Format};
use crate::format::{excerpt, ECHO_MAX};
use crate::{format, AppState, Current};
use askama::Template;
use axum::extract::{rejection::PathRejection, Path};
use axum::response::Response;
use territoires_domain::call::{Call, CallKind};
use territoires_domain::programme::Source;
use territoires_domain::Project;

/// The published figures of a call in French, as the press kit words them: `117 candidats,
/// 24 retenus` (AMI), `48 candidatures, 24 lauréats, 24 non retenues` (AAP).
pub fn figures(call: &Call) -> String {
    let (a, s) = (u64::from(call.applications), u64::from(call.selected));
    match call.kind {
        CallKind::ExpressionOfInterest => format!(
            "{}, {}",
            format::plural(a, "candidat", "candidats"),
            format::plural(s, "retenu", "retenus")
        ),
        CallKind::CallForProjects => format!(
            "{}, {}, {}",
            format::plural(a, "candidature", "candidatures"),
            format::plural(s, "lauréat", "lauréats"),
            format::plural(u64::from(call.not_selected()), "non retenue", "non retenues")
        ),
    }
}

/// The opening date in French, or what the source says of it.
fn opened(call: &Call) -> String {
    call.opened_on
        .map(format::date)
        .unwrap_or_else(|| "Non indiquée dans le dossier de presse".into())
}

/// The closing instant in the call's time zone (`15 mars 2019 à 12 h 00 (UTC+01:00)`), or
/// what the source says of it.
fn closes(call: &Call) -> String {
    match (call.closes_at_local(), call.closes_at) {
        (Some(t), _) => format!(
            "{} à {} h {:02} (UTC{:+03}:{:02})",
            format::date(t.date()),
            t.hour(),
            t.minute(),
            t.offset().whole_hours(),
            t.offset().minutes_past_hour().abs()
        ),
        (None, Some(t)) => format!("{} à {} h {:02} UTC", format::date(t.date()), t.hour(), t.minute()),
        (None, None) => "Non indiquée dans le dossier de presse".into(),
    }
}

/// A call as the list shows it.
struct Row<'a> {
    call: &'a Call,
    opened: String,
    closes: String,
    figures: String,
}

#[derive(Template)]
#[template(path = "calls.html")]
struct CallsPage<'a> {
    layout: Layout,
    rows: Vec<Row<'a>>,
    source: &'a Source,
    published_on: String,
    /// The calls published in the platform (`calls_platform.html`).
    platform: Vec<super::call_management::CallRow>,
}

/// Renders `/appels`. Errors: a template failure (500).
pub fn render_list(app: &AppState) -> AppResult<String> {
    render_list_with(app, Vec::new())
}

/// Renders `/appels` with the published platform calls `platform` after the historical ones.
pub(crate) fn render_list_with(app: &AppState, platform: Vec<super::call_management::CallRow>) -> AppResult<String> {
    let r = &app.registry;
    let page = CallsPage {
        layout: Layout::new("Appels", "calls"),
        rows: r
            .programme
            .calls
            .iter()
            .map(|call| Row {
                call,
                opened: opened(call),
                closes: closes(call),
                figures: figures(call),
            })
            .collect(),
        source: &r.programme.source,
        published_on: format::date(r.programme.source.published_on),
        platform,
    };
    page.render().map_err(|e| AppError::internal(Format::Html, e))
}

#[derive(Template)]
#[template(path = "call.html")]
struct CallPage<'a> {
    layout: Layout,
    call: &'a Call,
    opened: String,
    closes: String,
    figures: String,
    /// The projects linked to the call, in document order.
    projects: Vec<&'a Project>,
    /// `applications − selected`.
    not_selected: u32,
    /// `selected` as a count phrase: `24 lauréats`, `24 projets retenus`.
    selected: String,
    /// The plain statement on the non-selected applications.
    unknown_applicants: String,
    source: &'a Source,
    published_on: String,
}

/// Renders `/appels/{slug}` for `call`. Errors: a template failure (500).
pub fn render_call(app: &AppState, call: &Call) -> AppResult<String> {
    let r = &app.registry;
    let n = u64::from(call.not_selected());
    let s = u64::from(call.selected);
    let page = CallPage {
        layout: Layout::new(call.title.clone(), "calls"),
        call,
        opened: opened(call),
        closes: closes(call),
        figures: figures(call),
        projects: r.projects_of_call(&call.slug),
        not_selected: call.not_selected(),
        selected: match call.kind {
            CallKind::ExpressionOfInterest => format::plural(s, "projet retenu", "projets retenus"),
            CallKind::CallForProjects => format::plural(s, "lauréat", "lauréats"),
        },
        unknown_applicants: if n > 1 {
            format!(
                "Les {} candidatures non retenues ne sont pas connues : Territoires en affiche le nombre, jamais de candidats inventés.",
                format::count(n)
            )
        } else if n == 1 {
            "La candidature non retenue n'est pas connue : Territoires en affiche le nombre, jamais de candidat inventé.".into()
        } else {
            "Aucune candidature n'a été écartée.".into()
        },
        source: &r.programme.source,
        published_on: format::date(r.programme.source.published_on),
    };
    page.render().map_err(|e| AppError::internal(Format::Html, e))
}

/// `GET /appels`.
pub async fn list(Current(ctx): Current) -> AppResult<Response> {
    let published = ctx
        .app
        .store
        .published_calls()
        .await
        .map_err(|e| AppError::internal(Format::Html, e))?;
    if !published.is_empty() {
        let now = time::OffsetDateTime::now_utc();
        let rows = published.iter().map(|c| super::call_management::CallRow::new(c, now)).collect();
        return Ok(html(render_list_with(&ctx.app, rows)?.into()));
    }
    match &ctx.cache.calls {
        Some(b) => Ok(html(b.clone())),
        None => Ok(html(render_list(&ctx.app)?.into())),
    }
}

/// `GET /appels/{slug}`. The 404 message echoes at most [`ECHO_MAX`] characters of the
/// slug; a slug that is not valid percent-encoded UTF-8 is a 404 too.
pub async fn show(Current(ctx): Current, slug: Result<Path<String>, PathRejection>) -> AppResult<Response> {
    let Ok(Path(slug)) = slug else {
        return Err(AppError::not_found(Format::Html, "Aucun appel n'a cet identifiant."));
    };
    if let Some(b) = ctx.cache.call_pages.get(&slug) {
        return Ok(html(b.clone()));
    }
    if ctx.app.registry.call(&slug).is_none() {
        if let Some(res) = super::call_management::public_page(&ctx, &slug).await? {
            return Ok(res);
        }
    }
    let call = ctx.app.registry.call(&slug).ok_or_else(|| {
        AppError::not_found(
            Format::Html,
            format!("Aucun appel n'a l'identifiant « {} ».", excerpt(&slug, ECHO_MAX)),
        )
    })?;
    Ok(html(render_call(&ctx.app, call)?.into()))
}
