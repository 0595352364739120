//! `GET /api/v1/projects` and `GET /api/v1/projects/{slug}`.

use super::{json_bytes, to_bytes};
use crate::error::{AppError, AppResult, ErrorBody, Format};
use crate::format::{excerpt, ECHO_MAX};
use crate::params::{self, QueryValues, RawListQuery};
use crate::{AppState, Current};
use axum::extract::Path;
use axum::http::Uri;
use axum::response::Response;
use serde::Serialize;
use territoires_domain::query::{Page, ProjectQuery, SortKey};
use territoires_domain::vocabulary::{Region, TerritoryKind, Theme};
use territoires_domain::{Money, Project};
use utoipa::{IntoParams, ToSchema};

/// Default page size.
pub const DEFAULT_LIMIT: usize = 50;
/// Largest page size.
pub const MAX_LIMIT: usize = 100;

/// Query parameters of the list. Unknown codes and out-of-range numbers are a 400
/// `invalid_parameter` error naming the parameter; empty values are ignored.
#[derive(Debug, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListProjectsParams {
    /// INSEE code of a region the project acts in (`53` Bretagne, `988` Nouvelle-Calédonie).
    #[param(example = "53")]
    pub region: Option<String>,
    /// Theme code.
    #[param(value_type = Option<Theme>)]
    pub theme: Option<String>,
    /// Territory-kind code.
    #[param(value_type = Option<TerritoryKind>)]
    pub territory_kind: Option<String>,
    /// Sort key (default `name`; projects without a planned budget sort last).
    #[param(value_type = Option<SortKey>)]
    pub sort: Option<String>,
    /// `asc` (default) or `desc`.
    #[param(value_type = Option<String>, pattern = "^(asc|desc)$")]
    pub order: Option<String>,
    /// Items to skip (default 0): any integer ≥ 0; past the last project, the page is empty.
    #[param(value_type = Option<usize>, minimum = 0)]
    pub offset: Option<String>,
    /// Items to return, 1–100 (default 50).
    #[param(value_type = Option<usize>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}

/// A page of projects.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectPage<'a> {
    /// Number of projects passing the filters (before paging).
    pub total: usize,
    /// Items skipped.
    pub offset: usize,
    /// Page size asked for.
    pub limit: usize,
    /// The projects of this page, summarised (the fiche's free text — ambition,
    /// objectives, 2030 impacts — is at `/api/v1/projects/{slug}`); amounts in integer
    /// euro cents.
    pub items: Vec<ProjectSummary<'a>>,
}

/// A project in a list: every figure and vocabulary of its fiche, without the free text.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectSummary<'a> {
    /// Stable identifier; the whole fiche is at `/api/v1/projects/{slug}`.
    pub slug: &'a str,
    /// Name.
    pub name: &'a str,
    /// Regions (INSEE codes and names).
    pub regions: &'a [Region],
    /// Lead organisation (*chef de file*).
    pub lead: &'a str,
    /// Number of partners.
    pub partners: u32,
    /// Of which local authorities.
    pub local_authorities: u32,
    /// Themes.
    pub themes: &'a [Theme],
    /// Territory kinds.
    pub territory_kinds: &'a [TerritoryKind],
    /// Population concerned (persons).
    pub population: u64,
    /// Planned budget (cents); null when the fiche gives none.
    pub planned_budget: Option<Money>,
    /// Subsidy ceiling (cents).
    pub subsidy_ceiling: Money,
    /// Investment potential (cents).
    pub investment_potential: Money,
}

impl<'a> From<&'a Project> for ProjectSummary<'a> {
    fn from(p: &'a Project) -> Self {
        ProjectSummary {
            slug: &p.slug,
            name: &p.name,
            regions: &p.regions,
            lead: &p.lead,
            partners: p.partners,
            local_authorities: p.local_authorities,
            themes: &p.themes,
            territory_kinds: &p.territory_kinds,
            population: p.population,
            planned_budget: p.planned_budget,
            subsidy_ceiling: p.subsidy_ceiling,
            investment_potential: p.investment_potential,
        }
    }
}

impl ListProjectsParams {
    /// The names of the parameters, as the query string spells them.
    pub const NAMES: [&'static str; 7] = ["region", "theme", "territory_kind", "sort", "order", "offset", "limit"];

    /// The parameters read from `values` (parsed with [`Self::NAMES`]).
    pub fn from_values(values: &QueryValues) -> ListProjectsParams {
        ListProjectsParams {
            region: values.take("region"),
            theme: values.take("theme"),
            territory_kind: values.take("territory_kind"),
            sort: values.take("sort"),
            order: values.take("order"),
            offset: values.take("offset"),
            limit: values.take("limit"),
        }
    }
}

/// `value` as an integer in `min..=max`, `default` when absent or empty. A string of digits
/// too large for `usize` counts as `usize::MAX` (so that every integer ≥ `min` is accepted
/// when `max` is `usize::MAX`, as the OpenAPI document says).
fn number(name: &str, value: Option<&str>, default: usize, min: usize, max: usize) -> Result<usize, AppError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(default);
    };
    let parsed = match v.parse::<usize>() {
        Err(e) if *e.kind() == std::num::IntErrorKind::PosOverflow && v.bytes().all(|b| b.is_ascii_digit()) => Ok(usize::MAX),
        r => r,
    };
    let v = excerpt(v, ECHO_MAX);
    match parsed {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ if max == usize::MAX => Err(AppError::invalid_parameter(
            Format::Json,
            name,
            format!("« {name} » doit être un entier positif ou nul, pas « {v} »."),
        )),
        _ => Err(AppError::invalid_parameter(
            Format::Json,
            name,
            format!("« {name} » doit être un entier entre {min} et {max}, pas « {v} »."),
        )),
    }
}

/// Parses the list parameters into a query and a page.
pub fn parse(p: &ListProjectsParams) -> Result<(ProjectQuery, Page), AppError> {
    let raw = RawListQuery {
        region: p.region.as_deref(),
        theme: p.theme.as_deref(),
        territory_kind: p.territory_kind.as_deref(),
        sort: p.sort.as_deref(),
        order: p.order.as_deref(),
    };
    let query = params::parse(raw, params::API, Format::Json)?;
    let offset = number("offset", p.offset.as_deref(), 0, 0, usize::MAX)?;
    let limit = number("limit", p.limit.as_deref(), DEFAULT_LIMIT, 1, MAX_LIMIT)?;
    Ok((query, Page { offset, limit }))
}

/// The JSON of one page of the list.
pub fn render(app: &AppState, query: &ProjectQuery, page: Page) -> AppResult<axum::body::Bytes> {
    let all = query.apply(&app.registry.projects);
    to_bytes(&ProjectPage {
        total: all.len(),
        offset: page.offset,
        limit: page.limit,
        items: page.slice(&all).iter().map(|p| ProjectSummary::from(*p)).collect(),
    })
}

/// The laureate projects, filtered, sorted and paged.
#[utoipa::path(
    get,
    path = "/api/v1/projects",
    tag = "projects",
    params(ListProjectsParams),
    responses(
        (status = 200, description = "A page of projects; amounts in integer euro cents", body = ProjectPage),
        (status = 400, description = "A parameter has an unknown code, is out of range or is given twice (`invalid_parameter`, naming it)", body = ErrorBody),
    )
)]
pub async fn list_projects(Current(ctx): Current, uri: Uri) -> AppResult<Response> {
    let values = QueryValues::parse(&uri, &ListProjectsParams::NAMES, Format::Json)?;
    let (q, page) = parse(&ListProjectsParams::from_values(&values))?;
    if q == ProjectQuery::default()
        && page
            == (Page {
                offset: 0,
                limit: DEFAULT_LIMIT,
            })
    {
        // Pre-rendered when the snapshot was taken; rendered now if that failed.
        if let Some(b) = &ctx.cache.api_projects {
            return Ok(json_bytes(b.clone()));
        }
    }
    Ok(json_bytes(render(&ctx.app, &q, page)?))
}

/// One project by slug.
#[utoipa::path(
    get,
    path = "/api/v1/projects/{slug}",
    tag = "projects",
    params(("slug" = String, Path, description = "The project's slug, e.g. `biovallee`")),
    responses(
        (status = 200, description = "The project; amounts in integer euro cents", body = Project),
        (status = 404, description = "No project has this slug (`not_found`)", body = ErrorBody),
    )
)]
pub async fn find_project(Current(ctx): Current, Path(slug): Path<String>) -> AppResult<Response> {
    match ctx.cache.api_project.get(&slug) {
        Some(b) => Ok(json_bytes(b.clone())),
        None => Err(AppError::not_found(
            Format::Json,
            format!("Aucun projet lauréat n'a l'identifiant « {} ».", excerpt(&slug, ECHO_MAX)),
        )),
    }
}
