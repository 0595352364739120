//! `GET /projets` — the list of laureates with a GET form (no JavaScript) to filter by
//! region, theme and territory kind and to sort. Query parameters: `region` (INSEE code),
//! `thematique` (theme code), `territoire` (territory-kind code), `tri` (sort code),
//! `ordre` (`asc`|`desc`). An unknown value is a 400 page naming the parameter.

use super::{filters, html, layout::Layout};
use crate::error::{AppError, AppResult, Format};
use crate::params::{self, RawListQuery, SORT_KEYS};
use crate::{format, AppState, Current};
use askama::Template;
use axum::extract::{rejection::QueryRejection, Query};
use axum::response::Response;
use serde::Deserialize;
use territoires_domain::query::ProjectQuery;
use territoires_domain::text::fold;
use territoires_domain::vocabulary::{TerritoryKind, Theme};
use territoires_domain::Project;

/// The portal's list parameters, raw (validated by [`params::parse`]).
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    region: Option<String>,
    thematique: Option<String>,
    territoire: Option<String>,
    tri: Option<String>,
    ordre: Option<String>,
}

impl ListParams {
    fn raw(&self) -> RawListQuery<'_> {
        RawListQuery {
            region: self.region.as_deref(),
            theme: self.thematique.as_deref(),
            territory_kind: self.territoire.as_deref(),
            sort: self.tri.as_deref(),
            order: self.ordre.as_deref(),
        }
    }

    fn is_empty(&self) -> bool {
        self.region.is_none() && self.thematique.is_none() && self.territoire.is_none() && self.tri.is_none() && self.ordre.is_none()
    }
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

struct Select {
    name: &'static str,
    label: &'static str,
    choices: Vec<Choice>,
}

fn select(name: &'static str, label: &'static str, current: &str, choices: impl IntoIterator<Item = (String, String)>) -> Select {
    Select {
        name,
        label,
        choices: choices
            .into_iter()
            .map(|(value, label)| Choice {
                selected: value == current,
                value,
                label,
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ListPage<'a> {
    layout: Layout,
    selects: Vec<Select>,
    count: String,
    projects: Vec<&'a Project>,
}

/// Renders the list for `query`. Errors: a template failure (500).
pub fn render(app: &AppState, query: &ProjectQuery) -> AppResult<String> {
    let r = &app.registry;
    let mut regions: Vec<(String, String)> = r.stats.by_region.iter().map(|row| (row.code.clone(), row.label.clone())).collect();
    regions.sort_by_cached_key(|(_, label)| fold(label));
    let all = |label: &str| (String::new(), label.to_owned());
    let selects = vec![
        select(
            "region",
            "Région",
            query.region.as_deref().unwrap_or(""),
            std::iter::once(all("Toutes les régions")).chain(regions),
        ),
        select(
            "thematique",
            "Thématique",
            query.theme.map(Theme::code).unwrap_or(""),
            std::iter::once(all("Toutes les thématiques")).chain(Theme::ALL.iter().map(|t| (t.code().to_owned(), t.label().to_owned()))),
        ),
        select(
            "territoire",
            "Type de territoire",
            query.territory_kind.map(TerritoryKind::code).unwrap_or(""),
            std::iter::once(all("Tous les types")).chain(TerritoryKind::ALL.iter().map(|k| (k.code().to_owned(), k.label().to_owned()))),
        ),
        select(
            "tri",
            "Trier par",
            query.sort.code(),
            SORT_KEYS.iter().map(|(k, label)| (k.code().to_owned(), (*label).to_owned())),
        ),
        select(
            "ordre",
            "Ordre",
            if query.descending { "desc" } else { "asc" },
            [
                ("asc".to_owned(), "Croissant".to_owned()),
                ("desc".to_owned(), "Décroissant".to_owned()),
            ],
        ),
    ];
    let projects = query.apply(&r.projects);
    let count = format!(
        "{} sur {}",
        format::plural(projects.len() as u64, "projet", "projets"),
        r.projects.len()
    );
    let page = ListPage {
        layout: Layout::new("Projets", "projects"),
        selects,
        count,
        projects,
    };
    page.render().map_err(|e| AppError::internal(Format::Html, e))
}

/// `GET /projets`.
pub async fn list(Current(ctx): Current, query: Result<Query<ListParams>, QueryRejection>) -> AppResult<Response> {
    let Query(p) =
        query.map_err(|e| AppError::invalid_parameter(Format::Html, "requête", format!("Adresse mal formée : {}", e.body_text())))?;
    if p.is_empty() {
        if let Some(b) = &ctx.cache.projects {
            return Ok(html(b.clone()));
        }
    }
    let q = params::parse(p.raw(), params::PORTAL, Format::Html)?;
    Ok(html(render(&ctx.app, &q)?.into()))
}
