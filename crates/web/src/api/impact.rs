//! Impact measurement in the API (issue 4 §6), public reads:
//!
//! - `GET /api/v1/programme-indicators` — the shared taxonomy project indicators map onto;
//! - `GET /api/v1/impact?by=&year=` — programme figures from **approved** values, by
//!   programme, theme, region or territory kind, for a year or overall, each with its
//!   completeness (reported / expected, the missing projects, zero denominators left out);
//! - `GET /api/v1/impact/statements?project=` — how the fiches' « Impacts à horizon
//!   2030 » became indicators, sentence by sentence;
//! - `GET /api/v1/indicators?project=` and `GET /api/v1/indicators/{code}` — definitions
//!   (current versions) with their standing: latest value, progress from baseline to
//!   target, straight path, pace, projection with its method; the detail adds the series
//!   and the definition's versions.
//!
//! Figures are computed by `territoires_domain::impact` at each request, as the pages do
//! (`crate::pages::impact`). A value that does not exist is `null`, never 0, `NaN` or
//! `Infinity`. Measurements and their review are in [`super::measurements`].

use crate::error::{no_store, AppError, AppResult, ErrorBody, Format};
use crate::format::{excerpt, ECHO_MAX};
use crate::pages::impact::{programme_figures, structured_count, today, OFFICIAL};
use crate::pages::indicator::find_indicator;
use crate::Current;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use territoires_domain::impact::aggregation::Breakdown;
use territoires_domain::impact::catalogue::Impact;
use territoires_domain::impact::programme::ProgrammeFigure;
use territoires_domain::impact::progress::{ProgressState, Track};
use territoires_domain::impact::summary::{self, Summary};
use territoires_domain::impact::taxonomy::{ProgrammeIndicator, PROGRAMME_INDICATORS};
use territoires_domain::impact::{Indicator, Reported};
use time::Date;
use utoipa::{IntoParams, ToSchema};

/// The programme indicators of the shared taxonomy, in display order.
#[utoipa::path(
    get,
    path = "/api/v1/programme-indicators",
    tag = "impact",
    responses((status = 200, description = "The taxonomy: code, French name, definition, unit code, kind, temporality, direction", body = [ProgrammeIndicator]))
)]
pub async fn list_programme_indicators() -> Response {
    Json(PROGRAMME_INDICATORS).into_response()
}

/// Query of `/api/v1/impact`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImpactQuery {
    /// `programme` (default, one group), `theme`, `region` or `territory-kind`; a project
    /// counts in each of its themes, regions and kinds, so groups overlap.
    pub by: Option<String>,
    /// A calendar year (`2025`); absent or `total`: the overall figure (cumulative values
    /// by their latest value, flows summed over every period).
    pub year: Option<String>,
}

/// Programme figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImpactFigures {
    /// The breakdown used.
    pub by: Breakdown,
    /// The year, or `null` for the overall figure.
    pub year: Option<i32>,
    /// One per programme indicator of the taxonomy (those nobody maps onto have
    /// `mapped: []` and no group). In each group, percentages are Σ numerators /
    /// Σ denominators of the projects that reported (never a mean of rates); a project
    /// without an approved value is listed in `missing`, never counted as zero.
    pub figures: Vec<ProgrammeFigure>,
}

/// Programme figures from approved values, with their completeness.
#[utoipa::path(
    get,
    path = "/api/v1/impact",
    tag = "impact",
    params(ImpactQuery),
    responses(
        (status = 200, description = "Figures of every programme indicator, by group", body = ImpactFigures),
        (status = 400, description = "`by` or `year` has a value the API does not accept (the error names it)", body = ErrorBody),
    )
)]
pub async fn find_impact(Current(ctx): Current, Query(q): Query<ImpactQuery>) -> Response {
    no_store(
        async {
            let (by, year, figures, _, _) =
                programme_figures(&ctx, ("by", q.by.as_deref()), ("year", q.year.as_deref()), Format::Json).await?;
            Ok(Json(ImpactFigures { by, year, figures }).into_response())
        }
        .await,
    )
}

/// Query naming one project (optional).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectQuery {
    /// A project's slug (`biovallee`); absent: every project.
    pub project: Option<String>,
}

/// The project named by `raw`, checked against the registry; `None` when absent or blank.
/// Errors: 400 naming `project` for an unknown slug.
fn project_of(ctx: &crate::Ctx, raw: Option<&str>) -> AppResult<Option<String>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(slug) => match ctx.app.registry.project(slug) {
            Some(p) => Ok(Some(p.slug.clone())),
            None => Err(AppError::invalid_parameter(
                Format::Json,
                "project",
                format!("Aucun projet « {} » dans le registre.", excerpt(slug, ECHO_MAX)),
            )),
        },
    }
}

/// The structuring report of the fiches' impacts.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementsReport {
    /// Sentences turned into one or more indicators with targets.
    pub structured: usize,
    /// Every impact sentence (of the project, when one is named).
    pub total: usize,
    /// Project indicators made from them.
    pub indicators: usize,
    /// Every sentence, in fiche order, with its outcome: `structured` with the indicator
    /// codes, or `qualitative` with the reason it could not be quantified.
    pub statements: Vec<Impact>,
}

/// How the fiches' « Impacts à horizon 2030 » were structured into indicators.
#[utoipa::path(
    get,
    path = "/api/v1/impact/statements",
    tag = "impact",
    params(ProjectQuery),
    responses(
        (status = 200, description = "Counts, and every sentence with its outcome", body = StatementsReport),
        (status = 400, description = "Unknown project (`project`)", body = ErrorBody),
    )
)]
pub async fn list_statements(Current(ctx): Current, Query(q): Query<ProjectQuery>) -> Response {
    no_store(
        async {
            let project = project_of(&ctx, q.project.as_deref())?;
            let internal = |e| AppError::internal(Format::Json, e);
            let statements = ctx.app.store.impact_statements(project.as_deref()).await.map_err(internal)?;
            let indicators = ctx.app.store.indicators(project.as_deref()).await.map_err(internal)?;
            let (structured, total) = structured_count(&statements);
            Ok(Json(StatementsReport {
                structured,
                total,
                indicators: indicators.iter().filter(|i| i.project.is_some()).count(),
                statements,
            })
            .into_response())
        }
        .await,
    )
}

/// An indicator's standing, in short.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorBrief {
    /// The latest period with an approved value (`2025-Q2`).
    pub latest_period: Option<String>,
    /// Its value, in the indicator's unit.
    pub latest_value: Option<f64>,
    /// Baseline value, when known (never 0 by default).
    pub baseline: Option<f64>,
    /// Final target value, when known.
    pub target: Option<f64>,
    /// Final target's due date.
    pub due: Option<Date>,
    /// (latest − baseline) / (target − baseline), in per cent; negative is regression;
    /// `null` when undefined (no value, unknown baseline or target, target = baseline).
    pub progress_percent: Option<f64>,
    /// Where it stands.
    pub state: ProgressState,
    /// Pace against the straight path from baseline to target.
    pub track: Option<Track>,
}

impl IndicatorBrief {
    fn of(s: &Summary) -> IndicatorBrief {
        IndicatorBrief {
            latest_period: s.latest.as_ref().map(|p| p.period.to_string()),
            latest_value: s.latest.as_ref().and_then(|p| p.value),
            baseline: s.baseline,
            target: s.target,
            due: s.due,
            progress_percent: s.progress.percent,
            state: s.progress.state,
            track: s.track,
        }
    }
}

/// An indicator with its standing.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorItem {
    /// The current definition.
    pub definition: Indicator,
    /// Its standing from approved values, today.
    pub summary: IndicatorBrief,
}

/// Approved values of `code` among `reported`.
fn of_indicator(reported: &[Reported], code: &str) -> Vec<Reported> {
    reported.iter().filter(|r| r.indicator == code).cloned().collect()
}

/// Project indicators (current definitions), by code, each with its standing.
#[utoipa::path(
    get,
    path = "/api/v1/indicators",
    tag = "impact",
    params(ProjectQuery),
    responses(
        (status = 200, description = "Definitions with latest value, progress, state and pace", body = [IndicatorItem]),
        (status = 400, description = "Unknown project (`project`)", body = ErrorBody),
    )
)]
pub async fn list_indicators(Current(ctx): Current, Query(q): Query<ProjectQuery>) -> Response {
    no_store(
        async {
            let project = project_of(&ctx, q.project.as_deref())?;
            let internal = |e| AppError::internal(Format::Json, e);
            let indicators = ctx.app.store.indicators(project.as_deref()).await.map_err(internal)?;
            let reported = ctx.app.store.reported(None, OFFICIAL).await.map_err(internal)?;
            let today = today();
            let items: Vec<IndicatorItem> = indicators
                .into_iter()
                .map(|i| {
                    let s = summary::summarise(&i, &of_indicator(&reported, &i.code), today);
                    IndicatorItem {
                        summary: IndicatorBrief::of(&s),
                        definition: i,
                    }
                })
                .collect();
            Ok(Json(items).into_response())
        }
        .await,
    )
}

/// One version of a definition.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorVersionItem {
    /// The definition as it was.
    pub definition: Indicator,
    /// When it took effect (RFC 3339, UTC).
    pub changed_at: String,
    /// Who changed it.
    pub changed_by: String,
    /// Why.
    pub reason: String,
}

/// An indicator, its standing and its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorDetail {
    /// The current definition.
    pub definition: Indicator,
    /// Its standing from approved values, today: series per period (cumulative values
    /// carried over), latest value, progress, value expected today on the straight path,
    /// pace, projection to the due date with its method.
    pub summary: Summary,
    /// Every version of the definition, oldest first.
    pub versions: Vec<IndicatorVersionItem>,
}

/// An indicator: definition, standing and versions.
#[utoipa::path(
    get,
    path = "/api/v1/indicators/{code}",
    tag = "impact",
    params(("code" = String, Path, description = "The indicator's code (`biovallee.emplois-crees`)")),
    responses(
        (status = 200, description = "Definition, summary and versions", body = IndicatorDetail),
        (status = 404, description = "No such indicator", body = ErrorBody),
    )
)]
pub async fn find_indicator_detail(Current(ctx): Current, Path(code): Path<String>) -> Response {
    no_store(
        async {
            let i = find_indicator(&ctx, &code, Format::Json).await?;
            let internal = |e| AppError::internal(Format::Json, e);
            let store = &ctx.app.store;
            let official = store.reported(Some(&i.code), OFFICIAL).await.map_err(internal)?;
            let summary = summary::summarise(&i, &official, today());
            let versions = store
                .indicator_versions(&i.code)
                .await
                .map_err(internal)?
                .into_iter()
                .map(|v| IndicatorVersionItem {
                    definition: v.indicator,
                    changed_at: v.changed_at,
                    changed_by: v.changed_by,
                    reason: v.reason,
                })
                .collect();
            Ok(Json(IndicatorDetail {
                definition: i,
                summary,
                versions,
            })
            .into_response())
        }
        .await,
    )
}
