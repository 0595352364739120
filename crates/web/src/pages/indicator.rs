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

use super::layout::Layout;
use crate::auth::{self, MaybeSignedIn, SignedIn};
use crate::error::{no_store, AppError, AppResult, ErrorKind, Format};
use crate::format::{excerpt, ECHO_MAX};
use crate::impact_chart::{indicator_chart, IndicatorChart};
use crate::pages::impact::{symbol, today, with_unit, IndicatorRow, OFFICIAL};
use crate::pages::opinions::page;
use crate::Current;
use askama::Template;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use territoires_domain::access::Role;
use territoires_domain::impact::measurement::{may_enter, ReviewStep};
use territoires_domain::impact::progress::expected_on;
use territoires_domain::impact::summary;
use territoires_domain::impact::{format_number, Indicator, IndicatorKind, MeasurementStatus, Observation, Period};
use territoires_store::StoreError;
use territoires_store::{Actor, Measurement, NewMeasurement};

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
            AppError::new(format, kind, capitalise(&r.to_string()))
        }
        other => crate::pages::opinions::store_error(format, other),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
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
struct Fill {
    period: String,
    reporter: String,
    value: String,
    numerator: String,
    denominator: String,
    source: String,
    method: String,
    evidence: String,
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
struct Failed {
    /// Why, in French.
    message: String,
    /// What was typed.
    fill: Fill,
    /// The measurement being corrected; `None` for a new entry.
    correcting: Option<i64>,
}

/// The indicator page of `code` for `signed_in`, with `failed` shown at its form (status
/// `status`). Errors: 404 for an unknown indicator, 500 on a database failure.
async fn render(
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
        m.evidence.as_deref().map(|s| format!("justificatif : {s}")),
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

/// The entry and correction form.
#[derive(Deserialize)]
pub struct MeasurementForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    reporter: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    numerator: String,
    #[serde(default)]
    denominator: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    submit: Option<String>,
}

/// A number as a French user types it (`1 234,5`), empty as `None`. Errors: 422 naming
/// `field`.
fn number(raw: &str, field: &str, format: Format) -> AppResult<Option<f64>> {
    territoires_formats::measurements_csv::parse_number(raw).map_err(|_| {
        AppError::new(
            format,
            ErrorKind::Unprocessable,
            format!(
                "Le champ « {field} » doit être un nombre (virgule décimale), reçu « {} ».",
                excerpt(raw, 40)
            ),
        )
    })
}

/// `raw` as a period of the indicator (`2025`, `2025-T1`, `2025-03`). Errors: 422 naming
/// `field`.
pub(crate) fn parse_period(raw: &str, field: &str, format: Format) -> AppResult<Period> {
    raw.parse().map_err(|e: territoires_domain::impact::period::PeriodError| {
        AppError::new(format, ErrorKind::Unprocessable, format!("Champ « {field} » : {e}"))
    })
}

/// The observation of indicator `i` from its parsed numbers: numerator and denominator for
/// a percentage (either may be missing), nothing for a qualitative indicator, the value
/// otherwise. Errors: 422 naming `value_field` when a quantity or ratio has no value (a
/// missing value is not entered: it is not zero).
pub(crate) fn observation(
    i: &Indicator,
    value: Option<f64>,
    numerator: Option<f64>,
    denominator: Option<f64>,
    value_field: &str,
    format: Format,
) -> AppResult<Option<Observation>> {
    Ok(match i.kind {
        IndicatorKind::Percentage => Some(Observation::Fraction { numerator, denominator }),
        IndicatorKind::Qualitative => None,
        IndicatorKind::Quantity | IndicatorKind::Ratio => match value {
            Some(value) => Some(Observation::Value { value }),
            None => {
                return Err(AppError::new(
                    format,
                    ErrorKind::Unprocessable,
                    format!("Le champ « {value_field} » est vide : une valeur manquante ne se saisit pas (elle n'est pas zéro)."),
                ))
            }
        },
    })
}

/// The form as a new measurement of `indicator`. Errors: 422 naming the field.
pub(crate) fn new_measurement(i: &Indicator, form: &MeasurementForm, format: Format) -> AppResult<NewMeasurement> {
    let period = parse_period(&form.period, "période", format)?;
    let observation = match i.kind {
        IndicatorKind::Percentage => observation(
            i,
            None,
            number(&form.numerator, "numérateur", format)?,
            number(&form.denominator, "dénominateur", format)?,
            "valeur",
            format,
        )?,
        IndicatorKind::Qualitative => None,
        IndicatorKind::Quantity | IndicatorKind::Ratio => {
            observation(i, number(&form.value, "valeur", format)?, None, None, "valeur", format)?
        }
    };
    let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    Ok(NewMeasurement {
        indicator: i.code.clone(),
        period,
        reporter: form.reporter.trim().to_owned(),
        observation,
        source: opt(&form.source),
        method: opt(&form.method),
        evidence: opt(&form.evidence),
        submit: form.submit.is_some(),
    })
}

/// `POST /indicateurs/{code}/mesures`: 303 back to the indicator.
pub async fn record(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(form): Form<MeasurementForm>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            let i = find_indicator(&ctx, &code, Format::Html).await?;
            let outcome = match new_measurement(&i, &form, Format::Html) {
                Ok(new) => ctx
                    .app
                    .store
                    .record_measurement(new, &Actor::account(&signed_in.session.account))
                    .await
                    .map(|_| ())
                    .map_err(|e| store_error(Format::Html, e)),
                Err(e) => Err(e),
            };
            settle(&ctx, &signed_in, &i.code, outcome, &form, None).await
        }
        .await,
    )
}

/// After an entry or a correction: 303 back to the measurements when it was recorded;
/// when it was refused for its content or a rule (422, 403, 409), the page again with the
/// message beside the form and what was typed kept, under the refusal's status; any other
/// error as its error page.
async fn settle(
    ctx: &crate::Ctx,
    signed_in: &SignedIn,
    code: &str,
    outcome: AppResult<()>,
    form: &MeasurementForm,
    correcting: Option<i64>,
) -> AppResult<Response> {
    let e = match outcome {
        Ok(()) => return Ok(Redirect::to(&format!("/indicateurs/{code}#mesures")).into_response()),
        Err(e) => e,
    };
    let status = match e.kind {
        ErrorKind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        _ => return Err(e),
    };
    let fill = Fill {
        period: form.period.clone(),
        reporter: form.reporter.clone(),
        value: form.value.clone(),
        numerator: form.numerator.clone(),
        denominator: form.denominator.clone(),
        source: form.source.clone(),
        method: form.method.clone(),
        evidence: form.evidence.clone(),
    };
    render(
        ctx,
        Some(signed_in),
        code,
        status,
        Some(Failed {
            message: e.message,
            fill,
            correcting,
        }),
    )
    .await
}

/// The measurement `raw_id` and its indicator, or 404.
pub(crate) async fn find_measurement(ctx: &crate::Ctx, raw_id: &str, format: Format) -> AppResult<(Measurement, Indicator)> {
    let not_found = || AppError::not_found(format, format!("Aucune mesure n° « {} ».", excerpt(raw_id, ECHO_MAX)));
    let id: i64 = raw_id.parse().map_err(|_| not_found())?;
    let m = ctx
        .app
        .store
        .measurement(id)
        .await
        .map_err(|e| AppError::internal(format, e))?
        .ok_or_else(not_found)?;
    let i = find_indicator(ctx, &m.indicator, format).await?;
    Ok((m, i))
}

/// `POST /mesures/{id}/correction`: 303 back to the indicator.
pub async fn correct(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    Form(form): Form<MeasurementForm>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            let (m, i) = find_measurement(&ctx, &raw_id, Format::Html).await?;
            let outcome = match new_measurement(&i, &form, Format::Html) {
                Ok(new) => ctx
                    .app
                    .store
                    .correct_measurement(m.id, new, &Actor::account(&signed_in.session.account))
                    .await
                    .map(|_| ())
                    .map_err(|e| store_error(Format::Html, e)),
                Err(e) => Err(e),
            };
            settle(&ctx, &signed_in, &i.code, outcome, &form, Some(m.id)).await
        }
        .await,
    )
}

/// The review form.
#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    step: String,
    #[serde(default)]
    reason: String,
}

/// The step named `raw` (`submit`, `approve`, `return`). Errors: 422.
pub(crate) fn parse_step(raw: &str, format: Format) -> AppResult<ReviewStep> {
    match raw.trim() {
        "submit" => Ok(ReviewStep::Submit),
        "approve" => Ok(ReviewStep::Approve),
        "return" => Ok(ReviewStep::Return),
        other => Err(AppError::new(
            format,
            ErrorKind::Unprocessable,
            format!(
                "Le champ « step » doit valoir submit, approve ou return (reçu : « {} »).",
                excerpt(other, 40)
            ),
        )),
    }
}

/// `POST /mesures/{id}/revue`: 303 back to the indicator.
pub async fn review(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            let step = parse_step(&form.step, Format::Html)?;
            let (m, i) = find_measurement(&ctx, &raw_id, Format::Html).await?;
            let reason = Some(form.reason.as_str()).filter(|r| !r.trim().is_empty());
            ctx.app
                .store
                .review_measurement(m.id, step, &Actor::account(&signed_in.session.account), reason)
                .await
                .map_err(|e| store_error(Format::Html, e))?;
            Ok(Redirect::to(&format!("/indicateurs/{}#mesures", i.code)).into_response())
        }
        .await,
    )
}

/// The baseline form.
#[derive(Deserialize)]
pub struct BaselineForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    reason: String,
}

/// `indicator` with the baseline of `form`. Errors: 422 naming the field.
pub(crate) fn rebaselined(mut indicator: Indicator, value: &str, date: &str, source: &str, format: Format) -> AppResult<Indicator> {
    let unprocessable = |m: String| AppError::new(format, ErrorKind::Unprocessable, m);
    let value = number(value, "valeur", format)?.ok_or_else(|| unprocessable("Le champ « valeur » est vide.".into()))?;
    let date = crate::pages::opinions::parse_date(date, "date", format)?;
    if source.trim().is_empty() {
        return Err(unprocessable(
            "Le champ « source » est vide : une valeur de référence dit d'où elle vient.".into(),
        ));
    }
    indicator.baseline = Some(territoires_domain::impact::Baseline {
        value,
        date,
        source: source.trim().to_owned(),
    });
    Ok(indicator)
}

/// `POST /indicateurs/{code}/reference`: 303 back to the indicator; 403 for anyone but a
/// programme manager; 422 naming the field (a reason is required).
pub async fn rebaseline(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(form): Form<BaselineForm>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            require_programme_manager(&signed_in, Format::Html)?;
            let i = find_indicator(&ctx, &code, Format::Html).await?;
            let new = rebaselined(i, &form.value, &form.date, &form.source, Format::Html)?;
            ctx.app
                .store
                .update_indicator(&code, new, &Actor::account(&signed_in.session.account), &form.reason)
                .await
                .map_err(|e| store_error(Format::Html, e))?;
            Ok(Redirect::to(&format!("/indicateurs/{code}")).into_response())
        }
        .await,
    )
}

/// 403 unless the account is a programme manager (who changes definitions and baselines).
pub(crate) fn require_programme_manager(signed_in: &SignedIn, format: Format) -> AppResult<()> {
    let role = signed_in.session.account.role;
    if role == Role::ProgrammeManager {
        Ok(())
    } else {
        Err(AppError::new(
            format,
            ErrorKind::Forbidden,
            format!(
                "Seul un chargé de programme change la référence d'un indicateur (votre rôle : {}).",
                role.label()
            ),
        ))
    }
}
