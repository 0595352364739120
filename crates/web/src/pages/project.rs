//! `GET /projets/{slug}` — a laureate's fiche with every field of [`Project`]. Unknown slug:
//! a French 404 page.

use super::{filters, html, layout::Layout};
use crate::error::{AppError, AppResult, Format};
use crate::{format, AppState, Current};
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use territoires_domain::programme::Source;
use territoires_domain::text::fold;
use territoires_domain::Project;

#[derive(Template)]
#[template(path = "project.html")]
struct FichePage<'a> {
    layout: Layout,
    p: &'a Project,
    source: &'a Source,
    published_on: String,
    show_heading: bool,
    show_toc_title: bool,
}

/// Renders the fiche of `p`. Errors: a template failure (500).
pub fn render(app: &AppState, p: &Project) -> AppResult<String> {
    let source = &app.registry.programme.source;
    let page = FichePage {
        layout: Layout::new(p.name.clone(), "projects"),
        p,
        source,
        published_on: format::date(source.published_on),
        // Case and accents aside, the name is the heading; show the verbatim texts only when
        // they say something else.
        show_heading: fold(&p.heading) != fold(&p.name),
        show_toc_title: fold(&p.toc_title) != fold(&p.heading),
    };
    page.render().map_err(|e| AppError::internal(Format::Html, e))
}

/// `GET /projets/{slug}`.
pub async fn show(Current(ctx): Current, Path(slug): Path<String>) -> AppResult<Response> {
    if let Some(b) = ctx.cache.fiches.get(&slug) {
        return Ok(html(b.clone()));
    }
    let p = ctx
        .app
        .registry
        .project(&slug)
        .ok_or_else(|| AppError::not_found(Format::Html, format!("Aucun projet lauréat n'a l'identifiant « {slug} ».")))?;
    Ok(html(render(&ctx.app, p)?.into()))
}
