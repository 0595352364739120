//! `GET /projets/{slug}` — a laureate's fiche with every field of [`Project`] and a link to
//! the call it was selected in. Unknown slug:
//! a French 404 page.

use super::{filters, html, layout::Layout};
use crate::error::{AppError, AppResult, Format};
use crate::format::{excerpt, ECHO_MAX};
use crate::{format, AppState, Current};
use askama::Template;
use axum::extract::{rejection::PathRejection, Path};
use axum::response::Response;
use territoires_domain::call::Call;
use territoires_domain::programme::Source;
use territoires_domain::project::{BlockKind, TextBlock};
use territoires_domain::text::fold;
use territoires_domain::Project;

/// A piece of a fiche's free text as the page shows it: a paragraph, or a bulleted list
/// made of consecutive list items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block<'a> {
    /// `<p>`.
    Paragraph(&'a str),
    /// `<ul>`, one `<li>` per item.
    List(Vec<&'a str>),
}

/// Groups `text` in document order: each paragraph on its own, each run of consecutive
/// items in one list.
pub fn blocks(text: &[TextBlock]) -> Vec<Block<'_>> {
    let mut out: Vec<Block<'_>> = Vec::new();
    for b in text {
        match (b.kind, out.last_mut()) {
            (BlockKind::Paragraph, _) => out.push(Block::Paragraph(&b.text)),
            (BlockKind::Item, Some(Block::List(items))) => items.push(&b.text),
            (BlockKind::Item, _) => out.push(Block::List(vec![&b.text])),
        }
    }
    out
}

#[derive(Template)]
#[template(path = "project.html")]
struct FichePage<'a> {
    layout: Layout,
    p: &'a Project,
    ambition: Vec<Block<'a>>,
    strategic_objectives: Vec<Block<'a>>,
    source: &'a Source,
    /// The call the project was selected in, when it is one of the programme's.
    call: Option<&'a Call>,
    published_on: String,
    show_heading: bool,
    show_toc_title: bool,
    /// The application it was created from, when not from the press kit (issue 3).
    origin: Option<&'a territoires_domain::laureate::ProjectOrigin>,
    /// When it was created from the application, in Paris time.
    origin_at: String,
    /// The platform call it was selected in, when not one of the registry's: (slug, title).
    platform_call: Option<(&'a str, &'a str)>,
}

/// Renders the fiche of `p`. Errors: a template failure (500).
pub fn render(app: &AppState, p: &Project) -> AppResult<String> {
    let source = &app.registry.programme.source;
    let page = FichePage {
        layout: Layout::new(p.name.clone(), "projects"),
        p,
        ambition: blocks(&p.ambition),
        strategic_objectives: blocks(&p.strategic_objectives),
        source,
        call: p.call.as_deref().and_then(|slug| app.registry.call(slug)),
        published_on: format::date(source.published_on),
        // Case and accents aside, the name is the heading; show the verbatim texts only when
        // they say something else.
        show_heading: fold(&p.heading) != fold(&p.name),
        show_toc_title: fold(&p.toc_title) != fold(&p.heading),
        origin: app.registry.origin(&p.slug),
        origin_at: app
            .registry
            .origin(&p.slug)
            .map(|o| super::applications::paris_time(&o.created_at))
            .unwrap_or_default(),
        platform_call: app
            .registry
            .origin(&p.slug)
            .and_then(|o| o.call_title.as_deref().map(|t| (o.call.as_str(), t))),
    };
    page.render().map_err(|e| AppError::internal(Format::Html, e))
}

/// `GET /projets/{slug}`. The 404 message echoes at most [`ECHO_MAX`] characters of the
/// slug; a slug that is not valid percent-encoded UTF-8 is a 404 too.
pub async fn show(Current(ctx): Current, slug: Result<Path<String>, PathRejection>) -> AppResult<Response> {
    let Ok(Path(slug)) = slug else {
        return Err(AppError::not_found(Format::Html, "Aucun projet lauréat n'a cet identifiant."));
    };
    if let Some(b) = ctx.cache.fiches.get(&slug) {
        return Ok(html(b.clone()));
    }
    let p = ctx.app.registry.project(&slug).ok_or_else(|| {
        AppError::not_found(
            Format::Html,
            format!("Aucun projet lauréat n'a l'identifiant « {} ».", excerpt(&slug, ECHO_MAX)),
        )
    })?;
    Ok(html(render(&ctx.app, p)?.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_items_make_one_list_between_paragraphs() {
        let text = [
            TextBlock::paragraph("Intro."),
            TextBlock::item("Un."),
            TextBlock::item("Deux."),
            TextBlock::paragraph("Entre."),
            TextBlock::paragraph("Encore."),
            TextBlock::item("Trois."),
        ];
        assert_eq!(
            blocks(&text),
            vec![
                Block::Paragraph("Intro."),
                Block::List(vec!["Un.", "Deux."]),
                Block::Paragraph("Entre."),
                Block::Paragraph("Encore."),
                Block::List(vec!["Trois."]),
            ]
        );
        assert_eq!(blocks(&[TextBlock::item("Seul.")]), vec![Block::List(vec!["Seul."])]);
        assert!(blocks(&[]).is_empty());
    }
}
