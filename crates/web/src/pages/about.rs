//! `GET /a-propos` — what Territoires is, where its data comes from (and under which
//! licence), the DSFR terms of use, and the API.

use super::{html, layout::Layout};
use crate::error::{AppError, AppResult, Format};
use crate::{assets::DSFR_VERSION, format, AppState, Current};
use askama::Template;
use axum::response::Response;
use territoires_domain::programme::Source;

#[derive(Template)]
#[template(path = "about.html")]
struct AboutPage<'a> {
    layout: Layout,
    source: &'a Source,
    published_on: String,
    projects: usize,
    dsfr_version: &'static str,
    version: &'static str,
}

/// Renders the page. Errors: a template failure (500).
pub fn render(app: &AppState) -> AppResult<String> {
    let source = &app.registry.programme.source;
    let page = AboutPage {
        layout: Layout::new("À propos", "about"),
        source,
        published_on: format::date(source.published_on),
        projects: app.registry.projects.len(),
        dsfr_version: DSFR_VERSION,
        version: env!("CARGO_PKG_VERSION"),
    };
    page.render().map_err(|e| AppError::internal(Format::Html, e))
}

/// `GET /a-propos`.
pub async fn show(Current(ctx): Current) -> AppResult<Response> {
    match &ctx.cache.about {
        Some(b) => Ok(html(b.clone())),
        None => Ok(html(render(&ctx.app)?.into())),
    }
}
