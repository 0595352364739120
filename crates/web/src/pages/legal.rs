//! The pages every French public site links from its footer: `GET /accessibilite` (the
//! accessibility statement, RGAA), `GET /mentions-legales` (legal notice, LCEN art. 6) and
//! `GET /donnees-personnelles` (personal data, GDPR). They say only what is true of this
//! software; what depends on who deploys it (editor, host, contact, log retention) is shown
//! as a visible « À compléter par l'opérateur » placeholder.

use super::{html, layout::Layout};
use crate::error::{AppError, AppResult, Format};
use crate::{assets::DSFR_VERSION, format, AppState, Current};
use askama::Template;
use axum::response::Response;
use territoires_domain::programme::Source;

#[derive(Template)]
#[template(path = "accessibility.html")]
struct AccessibilityPage {
    layout: Layout,
}

#[derive(Template)]
#[template(path = "legal_notice.html")]
struct LegalNoticePage<'a> {
    layout: Layout,
    operator: &'a str,
    programme: &'a str,
    source: &'a Source,
    published_on: String,
    dsfr_version: &'static str,
    version: &'static str,
    licence: &'static str,
}

#[derive(Template)]
#[template(path = "personal_data.html")]
struct PersonalDataPage {
    layout: Layout,
}

/// The accessibility statement (*non conforme*: no RGAA audit has been made). Errors: a
/// template failure (500).
pub fn render_accessibility(_app: &AppState) -> AppResult<String> {
    let page = AccessibilityPage {
        layout: Layout::new("Déclaration d'accessibilité", "accessibility"),
    };
    page.render().map_err(|e| AppError::internal(Format::Html, e))
}

/// The legal notice: editor and host to be completed, the software's licence
/// (AGPL-3.0-or-later) and the data's (the press kit's). Errors: a template failure (500).
pub fn render_legal_notice(app: &AppState) -> AppResult<String> {
    let p = &app.registry.programme;
    let page = LegalNoticePage {
        layout: Layout::new("Mentions légales", "legal-notice"),
        operator: &p.operator,
        programme: &p.name,
        source: &p.source,
        published_on: format::date(p.source.published_on),
        dsfr_version: DSFR_VERSION,
        version: env!("CARGO_PKG_VERSION"),
        licence: env!("CARGO_PKG_LICENSE"),
    };
    page.render().map_err(|e| AppError::internal(Format::Html, e))
}

/// The personal-data page: no cookie, no account, no form sending personal data; what the
/// request log keeps (see [`crate::router`]). Errors: a template failure (500).
pub fn render_personal_data() -> AppResult<String> {
    let page = PersonalDataPage {
        layout: Layout::new("Données personnelles", "personal-data"),
    };
    page.render().map_err(|e| AppError::internal(Format::Html, e))
}

fn cached(b: &Option<axum::body::Bytes>, render: impl FnOnce() -> AppResult<String>) -> AppResult<Response> {
    match b {
        Some(b) => Ok(html(b.clone())),
        None => Ok(html(render()?.into())),
    }
}

/// `GET /accessibilite`.
pub async fn accessibility(Current(ctx): Current) -> AppResult<Response> {
    cached(&ctx.cache.accessibility, || render_accessibility(&ctx.app))
}

/// `GET /mentions-legales`.
pub async fn legal_notice(Current(ctx): Current) -> AppResult<Response> {
    cached(&ctx.cache.legal_notice, || render_legal_notice(&ctx.app))
}

/// `GET /donnees-personnelles`.
pub async fn personal_data(Current(ctx): Current) -> AppResult<Response> {
    cached(&ctx.cache.personal_data, render_personal_data)
}
