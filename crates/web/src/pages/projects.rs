//! `GET /projets` — the list of laureates with a GET form (no JavaScript) to filter by
//! region, theme and territory kind and to sort. Query parameters: `region` (INSEE code),
//! `thematique` (theme code), `territoire` (territory-kind code), `tri` (sort code),
//! `ordre` (`asc`|`desc`). An unknown value is a 400 page naming the parameter.

use super::{filters, html, layout::Layout};
use crate::error::{AppError, AppResult, Format};
use crate::params::{self, QueryValues, RawListQuery, PORTAL, SORT_KEYS};
use crate::{format, AppState, Current};
use askama::Template;
use axum::http::Uri;
use axum::response::Response;
use territoires_domain::query::{ProjectQuery, SortKey};
use territoires_domain::text::fold;
use territoires_domain::vocabulary::{Region, TerritoryKind, Theme};
use territoires_domain::Project;

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

/// A column header of the results table.
struct Column {
    label: &'static str,
    /// Right-aligned numbers.
    num: bool,
    /// `ascending` or `descending` on the column the list is sorted by.
    aria_sort: Option<&'static str>,
}

/// The results table's columns, `aria-sort` set on the one `query` sorts by.
fn columns(query: &ProjectQuery) -> Vec<Column> {
    let direction = if query.descending { "descending" } else { "ascending" };
    [
        ("Projet", false, Some(SortKey::Name)),
        ("Chef de file", false, None),
        ("Régions", false, None),
        ("Thématiques", false, None),
        ("Personnes concernées", true, Some(SortKey::Population)),
        ("Partenaires", true, Some(SortKey::Partners)),
        ("Budget prévisionnel", true, Some(SortKey::PlannedBudget)),
        ("Montant prévu de subvention", true, Some(SortKey::SubsidyCeiling)),
        ("Potentiel d'investissement", true, Some(SortKey::InvestmentPotential)),
    ]
    .into_iter()
    .map(|(label, num, key)| Column {
        label,
        num,
        aria_sort: (key == Some(query.sort)).then_some(direction),
    })
    .collect()
}

/// `region` with the French preposition of place it takes: `en Bretagne`, `dans les
/// Hauts-de-France`, `dans le Grand Est`, `à La Réunion`.
fn in_region(region: Region) -> String {
    let preposition = match region.code {
        "32" | "52" => "dans les",
        "44" => "dans le",
        // Islands named without an article, or with « La »: « à La Réunion », « à Mayotte ».
        "04" | "06" | "975" | "977" | "978" | "986" => "à",
        _ => "en",
    };
    format!("{preposition} {}", region.name)
}

/// The list `query` asks for, in words: `Projets en Bretagne, thématique Santé, type de
/// territoire Territoires ruraux, triés par personnes concernées (ordre décroissant)`. The
/// sort is said when `with_sort` (always in the table's caption, in the page title only when
/// it is not the default).
fn describe(query: &ProjectQuery, with_sort: bool) -> String {
    let mut text = String::from("Projets");
    if let Some(region) = query.region.as_deref().and_then(Region::from_code) {
        text.push(' ');
        text.push_str(&in_region(region));
    }
    let mut details = Vec::new();
    if let Some(theme) = query.theme {
        details.push(format!("thématique {}", theme.label()));
    }
    if let Some(kind) = query.territory_kind {
        details.push(format!("type de territoire {}", kind.label()));
    }
    for d in details {
        text.push_str(", ");
        text.push_str(&d);
    }
    if with_sort {
        let label = SORT_KEYS.iter().find(|(k, _)| *k == query.sort).map(|(_, l)| *l).unwrap_or("nom");
        let mut chars = label.chars();
        let label: String = chars.next().into_iter().flat_map(char::to_lowercase).chain(chars).collect();
        let order = if query.descending { "décroissant" } else { "croissant" };
        text.push_str(if text == "Projets" { " " } else { ", " });
        text.push_str(&format!("triés par {label} (ordre {order})"));
    }
    text
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ListPage<'a> {
    layout: Layout,
    selects: Vec<Select>,
    count: String,
    caption: String,
    columns: Vec<Column>,
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
    let default_sort = query.sort == SortKey::default() && !query.descending;
    let page = ListPage {
        layout: Layout::new(format!("{} — {count}", describe(query, !default_sort)), "projects"),
        selects,
        caption: format!("{} — {count}", describe(query, true)),
        columns: columns(query),
        count,
        projects,
    };
    page.render().map_err(|e| AppError::internal(Format::Html, e))
}

/// `GET /projets`. A parameter given twice is a 400 page naming it.
pub async fn list(Current(ctx): Current, uri: Uri) -> AppResult<Response> {
    let values = QueryValues::parse(&uri, &PORTAL.all(), Format::Html)?;
    if values.is_empty() {
        if let Some(b) = &ctx.cache.projects {
            return Ok(html(b.clone()));
        }
    }
    let q = params::parse(RawListQuery::from_values(&values, PORTAL), PORTAL, Format::Html)?;
    Ok(html(render(&ctx.app, &q)?.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_description_says_every_filter_and_the_sort() {
        let mut q = ProjectQuery {
            region: Some("53".into()),
            theme: Some(Theme::Health),
            ..Default::default()
        };
        assert_eq!(describe(&q, false), "Projets en Bretagne, thématique Santé");
        q.sort = SortKey::Population;
        q.descending = true;
        q.territory_kind = Some(TerritoryKind::Coastal);
        assert_eq!(
            describe(&q, true),
            "Projets en Bretagne, thématique Santé, type de territoire Littoral, triés par personnes concernées (ordre décroissant)"
        );
        assert_eq!(describe(&ProjectQuery::default(), false), "Projets");
        assert_eq!(describe(&ProjectQuery::default(), true), "Projets triés par nom (ordre croissant)");
        let q = ProjectQuery {
            theme: Some(Theme::Digital),
            ..Default::default()
        };
        assert_eq!(describe(&q, false), "Projets, thématique Numérique");
    }

    #[test]
    fn regions_take_their_preposition() {
        let r = |code| in_region(Region::from_code(code).unwrap());
        assert_eq!(r("53"), "en Bretagne");
        assert_eq!(r("32"), "dans les Hauts-de-France");
        assert_eq!(r("52"), "dans les Pays de la Loire");
        assert_eq!(r("44"), "dans le Grand Est");
        assert_eq!(r("04"), "à La Réunion");
        assert_eq!(r("06"), "à Mayotte");
        assert_eq!(r("988"), "en Nouvelle-Calédonie");
    }

    #[test]
    fn only_the_sorted_column_has_aria_sort() {
        let q = ProjectQuery {
            sort: SortKey::SubsidyCeiling,
            descending: true,
            ..Default::default()
        };
        let sorted: Vec<_> = columns(&q).into_iter().filter_map(|c| c.aria_sort.map(|s| (c.label, s))).collect();
        assert_eq!(sorted, vec![("Montant prévu de subvention", "descending")]);
        let sorted: Vec<_> = columns(&ProjectQuery::default())
            .into_iter()
            .filter_map(|c| c.aria_sort.map(|s| (c.label, s)))
            .collect();
        assert_eq!(sorted, vec![("Projet", "ascending")]);
    }
}
