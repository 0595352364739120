//! The indicator page and its forms (issue 4):
//!
//! - `GET /indicateurs/{code}` — definition, baseline, dated targets with the sentence they
//!   come from, the chart (target line, straight path, reported values, projection) and the
//!   table of its numbers, progress and pace, the measurements with their status and
//!   history, and the definition's versions. Everyone sees approved values; the project's
//!   members and the operator's staff also see drafts, submitted and returned values, and the
//!   forms they may use;
//! - `POST /indicateurs/{code}/mesures` — enter a value (project members, programme managers);
//! - `POST /mesures/{id}/correction` — a corrected value, superseding the old one (kept);
//! - `POST /mesures/{id}/revue` — submit, approve, or return with a reason;
//! - `POST /indicateurs/{code}/reference` — a programme manager sets the baseline (value,
//!   date, source) with a reason: a new version of the definition, the old ones kept.
//!
//! Progress and aggregates use approved values only; every step goes to the audit trail.
//! This module renders the page; the forms' handlers are in [`super::indicator_forms`].

use super::layout::Layout;
use crate::auth::{MaybeSignedIn, SignedIn};
use crate::error::{no_store, AppError, AppResult, ErrorKind, Format};
use crate::format::{excerpt, ECHO_MAX};
use crate::impact_chart::{indicator_chart, IndicatorChart};
use crate::pages::impact::{symbol, today, with_unit, IndicatorRow, OFFICIAL};
use crate::pages::opinions::page;
use crate::Current;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use territoires_domain::access::Role;
use territoires_domain::impact::measurement::may_enter;
use territoires_domain::impact::progress::expected_on;
use territoires_domain::impact::summary;
use territoires_domain::impact::{format_number, Indicator, IndicatorKind, MeasurementStatus, Observation};
use territoires_store::Measurement;
use territoires_store::StoreError;

/// Most measurements listed on the page, the latest first (a project importing years of
/// monthly values must not get a page of megabytes); the API lists them all.
const MAX_ROWS: usize = 200;

/// Whether the signed-in account sees every measurement of `project` (not only approved
/// ones) and may act on them: the operator's staff, and the project's members.
pub(crate) async fn insider(ctx: &crate::Ctx, signed_in: Option<&SignedIn>, project: Option<&str>, format: Format) -> AppResult<bool> {
    let Some(s) = signed_in else { return Ok(false) };
    let account = &s.session.account;
    match account.role {
        Role::OperatorAdmin | Role::ProgrammeManager | Role::Instructor => Ok(true),
        Role::ProjectLead | Role::Partner => {
            let Some(project) = project else { return Ok(false) };
            let memberships = ctx
                .app
                .store
                .memberships(account.id)
                .await
                .map_err(|e| AppError::internal(format, e))?;
            Ok(memberships.iter().any(|m| m.project_slug == project))
        }
        Role::Expert | Role::Public => Ok(false),
    }
}

/// The indicator `code`, or a 404 naming it.
pub(crate) async fn find_indicator(ctx: &crate::Ctx, code: &str, format: Format) -> AppResult<Indicator> {
    ctx.app
        .store
        .indicator(code)
        .await
        .map_err(|e| AppError::internal(format, e))?
        .ok_or_else(|| AppError::not_found(format, format!("Aucun indicateur n'a le code « {} ».", excerpt(code, ECHO_MAX))))
}

/// A store error as the reader sees it: 404 for an unknown record, 409 for a refused step
/// or a superseded measurement, 422 for a bad field, 403 for a role or membership refusal or one's own measurement to review.
pub(crate) fn store_error(format: Format, e: StoreError) -> AppError {
    use territoires_store::ImpactRefusal as R;
    match e {
        StoreError::Impact(r) => {
            let kind = match &r {
                _ if r.is_not_found() => ErrorKind::NotFound,
                R::MayNotEnter(_) | R::NotMember(_) | R::OwnMeasurement(_) => ErrorKind::Forbidden,
                R::Superseded { .. } | R::Review(territoires_domain::impact::measurement::ReviewError::NotFromHere { .. }) => {
                    ErrorKind::Conflict
                }
                R::Review(territoires_domain::impact::measurement::ReviewError::Forbidden { .. }) => ErrorKind::Forbidden,
                _ => ErrorKind::Unprocessable,
            };
            AppError::new(format, kind, territoires_domain::text::capitalise(&r.to_string()))
        }
        other => crate::pages::opinions::store_error(format, other),
    }
}

struct MeasurementRow {
    id: i64,
    period: String,
    reporter: String,
    value: String,
    provenance: String,
    submitted_by: String,
    recorded_at: String,
    status: &'static str,
    badge: &'static str,
    return_reason: Option<String>,
    superseded_by: Option<i64>,
    supersedes: Option<i64>,
    version: u32,
    can_submit: bool,
    can_review: bool,
    can_correct: bool,
    /// What the correction form starts from: this measurement's own fields, or what was
    /// typed in a refused correction.
    fill: Fill,
    /// Why a correction of it was just refused.
    error: Option<String>,
}

/// The starting content of an entry or correction form (empty for a new entry).
#[derive(Clone, Default)]
pub(crate) struct Fill {
    pub(crate) period: String,
    pub(crate) reporter: String,
    pub(crate) value: String,
    pub(crate) numerator: String,
    pub(crate) denominator: String,
    pub(crate) source: String,
    pub(crate) method: String,
    pub(crate) evidence: String,
}

impl Fill {
    fn of(m: &Measurement) -> Fill {
        // French numbers without grouping spaces, so that they read back as typed.
        let n = |v: Option<f64>| v.map(|v| v.to_string().replace('.', ",")).unwrap_or_default();
        let (value, numerator, denominator) = match m.observation {
            Some(Observation::Value { value }) => (n(Some(value)), String::new(), String::new()),
            Some(Observation::Fraction { numerator, denominator }) => (String::new(), n(numerator), n(denominator)),
            None => Default::default(),
        };
        Fill {
            period: m.period.to_string(),
            reporter: m.reporter.clone(),
            value,
            numerator,
            denominator,
            source: m.source.clone().unwrap_or_default(),
            method: m.method.clone().unwrap_or_default(),
            evidence: m.evidence.clone().unwrap_or_default(),
        }
    }
}

fn observation_text(o: &Observation, unit: &str) -> String {
    match o {
        Observation::Value { value } => with_unit(Some(*value), unit),
        Observation::Fraction { numerator, denominator } => {
            let n = numerator.map(format_number).unwrap_or_else(|| "?".into());
            let d = denominator.map(format_number).unwrap_or_else(|| "?".into());
            match o.value_opt() {
                Some(v) => format!("{n} / {d} = {} %", format_number(v)),
                None if *denominator == Some(0.0) => format!("{n} / {d} : dénominateur nul, pas de valeur"),
                None => format!("{n} / {d} : pas de valeur"),
            }
        }
    }
}

fn status_badge(s: MeasurementStatus) -> &'static str {
    match s {
        MeasurementStatus::Draft => "fr-badge--new",
        MeasurementStatus::Submitted => "fr-badge--info",
        MeasurementStatus::Approved => "fr-badge--success",
        MeasurementStatus::Returned => "fr-badge--warning",
    }
}

struct SeriesRow {
    period: String,
    value: String,
    expected: String,
    note: String,
}

struct TargetRow {
    due: String,
    statement: String,
    value: String,
}

struct VersionRow {
    version: u32,
    changed_at: String,
    changed_by: String,
    reason: String,
    baseline: String,
}

#[derive(Template)]
#[template(path = "indicator.html")]
struct IndicatorPage<'a> {
    layout: Layout,
    i: &'a Indicator,
    project_name: String,
    unit: String,
    unit_name: String,
    row: IndicatorRow,
    baseline_text: String,
    targets: Vec<TargetRow>,
    chart: Option<IndicatorChart>,
    series: Vec<SeriesRow>,
    expected_today: String,
    projection: String,
    rows: Vec<MeasurementRow>,
    /// Measurements not shown (beyond [`MAX_ROWS`]); the API lists them all.
    hidden: usize,
    empty_fill: Fill,
    /// A refused entry (`correcting` = None) or correction, with its message and input.
    failed: Option<Failed>,
    versions: Vec<VersionRow>,
    insider: bool,
    can_enter: bool,
    can_rebaseline: bool,
    fraction: bool,
    frequency_hint: &'static str,
    csrf: String,
    progress_change: String,
}

/// `GET /indicateurs/{code}`.
pub async fn show(Current(ctx): Current, MaybeSignedIn(signed_in): MaybeSignedIn, Path(code): Path<String>) -> Response {
    no_store(render(&ctx, signed_in.as_ref(), &code, StatusCode::OK, None).await)
}

/// A refused entry or correction, shown on the page next to its form with what was typed.
pub(crate) struct Failed {
    /// Why, in French.
    pub(crate) message: String,
    /// What was typed.
    pub(crate) fill: Fill,
    /// The measurement being corrected; `None` for a new entry.
    pub(crate) correcting: Option<i64>,
}

/// The indicator page of `code` for `signed_in`, with `failed` shown at its form (status
/// `status`). Errors: 404 for an unknown indicator, 500 on a database failure.
pub(crate) async fn render(
    ctx: &crate::Ctx,
    signed_in: Option<&SignedIn>,
    code: &str,
    status: StatusCode,
    failed: Option<Failed>,
) -> AppResult<Response> {
    let i = find_indicator(ctx, code, Format::Html).await?;
    let store = &ctx.app.store;
    let internal = |e| AppError::internal(Format::Html, e);
    let insider = insider(ctx, signed_in, i.project.as_deref(), Format::Html).await?;
    let role = signed_in.map(|s| s.session.account.role).unwrap_or(Role::Public);
    let can_enter = insider && may_enter(role);
    let can_review = insider && matches!(role, Role::ProgrammeManager | Role::Instructor);
    let unit = symbol(&i.unit);
    let official = store.reported(Some(&i.code), OFFICIAL).await.map_err(internal)?;
    let today = today();
    let s = summary::summarise(&i, &official, today);
    let baseline_date = i.baseline.as_ref().map(|b| b.date);
    let path = |at| match (s.baseline, baseline_date, s.target, s.due) {
        (Some(b), Some(bd), Some(t), Some(d)) => expected_on(b, bd, t, d, at),
        _ => None,
    };
    let series = s
        .series
        .iter()
        .map(|p| SeriesRow {
            period: p.period.label(),
            value: with_unit(p.value, &unit),
            expected: with_unit(path(p.period.end()), &unit),
            note: if p.carried {
                "reportée de la période précédente (cumul)".into()
            } else if p.zero_denominator {
                "dénominateur nul ignoré".into()
            } else if p.reporters > 1 {
                format!("somme de {} déclarants", p.reporters)
            } else {
                String::new()
            },
        })
        .collect();
    let all = store.measurements(&i.code).await.map_err(internal)?;
    let visible: Vec<&Measurement> = all.iter().filter(|m| insider || m.status == MeasurementStatus::Approved).collect();
    let hidden = visible.len().saturating_sub(MAX_ROWS);
    let mut rows: Vec<MeasurementRow> = visible
        .iter()
        .rev()
        .take(MAX_ROWS)
        .map(|m| measurement_row(m, &unit, insider, can_enter, can_review))
        .collect();
    let mut failed = failed;
    if let Some(f) = failed.take_if(|f| f.correcting.is_some()) {
        if let Some(row) = rows.iter_mut().find(|r| Some(r.id) == f.correcting) {
            row.fill = f.fill;
            row.error = Some(f.message);
        }
    }
    let versions = store
        .indicator_versions(&i.code)
        .await
        .map_err(internal)?
        .into_iter()
        .rev()
        .map(|v| VersionRow {
            version: v.indicator.version,
            changed_at: crate::pages::applications::paris_time(&v.changed_at),
            changed_by: v.changed_by,
            reason: v.reason,
            baseline: match &v.indicator.baseline {
                Some(b) => format!("{} au {}", with_unit(Some(b.value), &unit), crate::format::date(b.date)),
                None => "inconnue".into(),
            },
        })
        .collect();
    let html = IndicatorPage {
        layout: Layout::new(i.name.clone(), "impact"),
        project_name: i
            .project
            .as_deref()
            .and_then(|p| ctx.app.registry.project(p))
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        unit_name: territoires_domain::impact::Unit::parse(&i.unit)
            .map(|u| u.name.to_owned())
            .unwrap_or_default(),
        row: IndicatorRow::new(&i, &s),
        baseline_text: match &i.baseline {
            Some(b) => format!(
                "{} au {} (source : {})",
                with_unit(Some(b.value), &unit),
                crate::format::date(b.date),
                b.source
            ),
            None => "inconnue : la fiche ne la donne pas (elle n'est pas comptée comme zéro)".into(),
        },
        targets: i
            .targets
            .iter()
            .map(|t| TargetRow {
                due: crate::format::date(t.due),
                statement: t.statement.clone().unwrap_or_default(),
                value: match t.spec.resolve(i.baseline_value()) {
                    Some(v) => format!("{} ({})", with_unit(Some(v), &unit), t.spec.label()),
                    None => format!("{} : valeur inconnue tant que la référence l'est", t.spec.label()),
                },
            })
            .collect(),
        chart: indicator_chart(&s, baseline_date, &unit),
        series,
        expected_today: with_unit(s.expected_today, &unit),
        projection: match s.projection {
            Some(p) => format!(
                "{} au {} — méthode : {}",
                with_unit(Some(p.value), &unit),
                crate::format::date(p.at),
                p.method.label()
            ),
            None => "aucune (il faut deux valeurs datées, ou une valeur et la référence)".into(),
        },
        progress_change: match s.progress.change {
            Some(c)
                if territoires_domain::impact::Unit::parse(&i.unit)
                    .map(|u| u.is_percent())
                    .unwrap_or(false) =>
            {
                format!("{}{} points", if c > 0.0 { "+" } else { "" }, format_number(c))
            }
            Some(c) => format!("{}{}", if c > 0.0 { "+" } else { "" }, with_unit(Some(c), &unit)),
            None => "—".into(),
        },
        rows,
        hidden,
        empty_fill: match &failed {
            Some(f) if f.correcting.is_none() => f.fill.clone(),
            _ => Fill::default(),
        },
        failed,
        versions,
        insider,
        can_enter,
        can_rebaseline: role == Role::ProgrammeManager,
        fraction: i.kind == IndicatorKind::Percentage,
        frequency_hint: match i.frequency {
            territoires_domain::impact::Frequency::Monthly => "mois, p. ex. 2025-03",
            territoires_domain::impact::Frequency::Quarterly => "trimestre, p. ex. 2025-T1",
            territoires_domain::impact::Frequency::Yearly => "année, p. ex. 2025",
        },
        csrf: signed_in.map(|s| s.session.csrf_token.clone()).unwrap_or_default(),
        unit,
        i: &i,
    }
    .render();
    page(status, html)
}

fn measurement_row(m: &Measurement, unit: &str, insider: bool, can_enter: bool, can_review: bool) -> MeasurementRow {
    let live = m.superseded_by.is_none();
    let provenance = [
        m.source.as_deref().map(|s| format!("source : {s}")),
        m.method.as_deref().map(|s| format!("méthode : {s}")),
        // The evidence reference (a document, a link to it) is for the programme's staff
        // and the project, as in the open-data exports: never shown to a visitor.
        m.evidence.as_deref().filter(|_| insider).map(|s| format!("justificatif : {s}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ; ");
    MeasurementRow {
        id: m.id,
        period: m.period.label(),
        reporter: m.reporter.clone(),
        value: m
            .observation
            .as_ref()
            .map(|o| observation_text(o, unit))
            .unwrap_or_else(|| "—".into()),
        provenance,
        // An account's e-mail is personal data: shown to the project and the staff only.
        submitted_by: if insider { m.submitted_by.clone() } else { String::new() },
        recorded_at: crate::pages::applications::paris_time(&m.recorded_at),
        status: if live { m.status.label() } else { "remplacée" },
        badge: if live { status_badge(m.status) } else { "fr-badge--grey" },
        return_reason: m.return_reason.clone(),
        superseded_by: m.superseded_by,
        supersedes: m.supersedes,
        version: m.indicator_version,
        can_submit: live && can_enter && matches!(m.status, MeasurementStatus::Draft | MeasurementStatus::Returned),
        can_review: live && can_review && m.status == MeasurementStatus::Submitted,
        can_correct: live && can_enter,
        fill: Fill::of(m),
        error: None,
    }
}

pub use super::indicator_forms::{correct, rebaseline, record, review};
pub(crate) use super::indicator_forms::{find_measurement, observation, parse_period, parse_step, rebaselined, require_programme_manager};
