//! Impact pages (issue 4), public:
//!
//! - `GET /impact` — the programme impact dashboard: every programme indicator of the shared
//!   taxonomy that project indicators map onto, aggregated from **approved** values, broken
//!   down by theme, region or territory kind (`?par=`) for a year or overall (`?annee=`),
//!   each figure with its completeness (« 2 sur 3 projets ont déclaré »), each chart with its
//!   table;
//! - `GET /impact/structuration` — how the fiches' « Impacts à horizon 2030 » became
//!   indicators: how many were structured, and every other one with its reason;
//! - `GET /projets/{slug}/impact` — a project's impact tab: its impact sentences, its
//!   indicators with latest value, target, progress and pace; for the operator's staff, the
//!   accounts that report for the project;
//! - `POST /projets/{slug}/membres` — an administrator or programme manager adds an account
//!   (by e-mail) as the project's lead or partner: it may then enter its measurements;
//! - `POST /projets/{slug}/membres/{id}/retrait` — and detaches it.
//!
//! Figures are computed by `territoires_domain::impact` at each request (the store holds
//! a few thousand values for 24 projects; the benchmark covers programmes 400 times larger).

use super::layout::Layout;
use crate::auth::{self, MaybeSignedIn, SignedIn};
use crate::error::{no_store, AppError, AppResult, ErrorKind, Format};
use crate::format::{excerpt, ECHO_MAX};
use crate::pages::opinions::page;
use crate::Current;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use std::collections::BTreeSet;
use territoires_domain::access::{Email, Role};
use territoires_domain::impact::aggregation::{Breakdown, Facets};
use territoires_domain::impact::catalogue::{Impact, ImpactOutcome, Mapping};
use territoires_domain::impact::programme::{self, ProgrammeData, ProgrammeFigure};
use territoires_domain::impact::summary::{self, Summary};
use territoires_domain::impact::{format_number, Indicator, MeasurementStatus, Reported, Unit};
use territoires_store::MemberRole;
use time::{Date, OffsetDateTime};

/// Statuses whose values count in published figures: approved only.
pub(crate) const OFFICIAL: &[MeasurementStatus] = &[MeasurementStatus::Approved];

/// Today in Paris (the server's UTC date is close enough for a straight path in days).
pub(crate) fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

/// The facets of every project of the registry.
pub(crate) fn facets(ctx: &crate::Ctx) -> Vec<Facets> {
    ctx.app
        .registry
        .projects
        .iter()
        .map(|p| Facets {
            slug: p.slug.clone(),
            themes: p.themes.clone(),
            regions: p.regions.clone(),
            territory_kinds: p.territory_kinds.clone(),
        })
        .collect()
}

/// What programme figures are computed from: current indicators, mappings and official
/// values. Errors: 500 on a database failure.
pub(crate) async fn programme_inputs(ctx: &crate::Ctx, format: Format) -> AppResult<(Vec<Indicator>, Vec<Mapping>, Vec<Reported>)> {
    let store = &ctx.app.store;
    let internal = |e| AppError::internal(format, e);
    let indicators = store.indicators(None).await.map_err(internal)?;
    let mappings = store.mappings().await.map_err(internal)?;
    let reported = store.reported(None, OFFICIAL).await.map_err(internal)?;
    Ok((indicators, mappings, reported))
}

/// The breakdown named in the query (`par`): `programme` (default), `thematique`,
/// `region`, `territoire`.
pub(crate) fn breakdown(raw: Option<&str>) -> Option<Breakdown> {
    match raw.unwrap_or("programme") {
        "programme" | "" => Some(Breakdown::Programme),
        "thematique" | "theme" => Some(Breakdown::Theme),
        "region" => Some(Breakdown::Region),
        "territoire" | "territory-kind" => Some(Breakdown::TerritoryKind),
        _ => None,
    }
}

/// The year named in the query (`annee`): a year, or `total` / absent for the overall
/// figure. Errors: `Err(raw)` for anything else.
pub(crate) fn year(raw: Option<&str>) -> Result<Option<i32>, String> {
    match raw.map(str::trim) {
        None | Some("") | Some("total") => Ok(None),
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..=2200).contains(y))
            .map(Some)
            .ok_or_else(|| y.to_owned()),
    }
}

/// A value with its unit symbol, or « — ».
pub(crate) fn with_unit(v: Option<f64>, unit: &str) -> String {
    match v {
        Some(v) if unit.is_empty() => format_number(v),
        Some(v) => format!("{} {unit}", format_number(v)),
        None => "—".to_owned(),
    }
}

/// The unit symbol of a unit code (the code itself when unknown).
pub(crate) fn symbol(code: &str) -> String {
    Unit::parse(code).map(|u| u.symbol.to_owned()).unwrap_or_else(|_| code.to_owned())
}

/// Query of `/impact`.
#[derive(Deserialize)]
pub struct DashboardQuery {
    par: Option<String>,
    annee: Option<String>,
}

struct GroupRow {
    label: String,
    value: String,
    completeness: String,
    missing: String,
    width: Option<String>,
    warning: Option<String>,
}

struct FigureView {
    code: &'static str,
    name: &'static str,
    definition: &'static str,
    rule: String,
    unit: String,
    mapped: usize,
    rows: Vec<GroupRow>,
    desc: String,
}

#[derive(Template)]
#[template(path = "impact_dashboard.html")]
struct DashboardPage {
    layout: Layout,
    figures: Vec<FigureView>,
    by: &'static str,
    year: String,
    years: Vec<i32>,
    structured: (usize, usize),
    indicators: usize,
    approved: usize,
}

fn aggregation_rule(f: &ProgrammeFigure) -> String {
    use territoires_domain::impact::{IndicatorKind, Temporality};
    match (f.indicator.kind, f.indicator.temporality) {
        (IndicatorKind::Percentage, _) => "Σ numérateurs / Σ dénominateurs des projets ayant déclaré (jamais la moyenne des taux)".into(),
        (_, Temporality::Cumulative) => "somme des dernières valeurs cumulées des projets (jamais la somme des périodes)".into(),
        (_, Temporality::Flow) => "somme des valeurs des périodes et des projets".into(),
        (_, Temporality::Level) => "somme des dernières valeurs de l'année des projets".into(),
    }
}

fn figure_view(ctx: &crate::Ctx, f: &ProgrammeFigure) -> FigureView {
    let name = |slug: &String| {
        ctx.app
            .registry
            .project(slug)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| slug.clone())
    };
    let unit = symbol(f.indicator.unit);
    let max = f
        .groups
        .iter()
        .filter_map(|g| g.aggregate.value)
        .fold(0.0_f64, |a, v| a.max(v.abs()));
    let rows: Vec<GroupRow> = f
        .groups
        .iter()
        .map(|g| {
            let a = &g.aggregate;
            GroupRow {
                label: g.label.clone(),
                value: with_unit(a.value, &unit),
                completeness: a.completeness_label(),
                missing: a.missing.iter().map(name).collect::<Vec<_>>().join(", "),
                width: a
                    .value
                    .filter(|v| *v > 0.0 && max > 0.0)
                    .map(|v| format!("{:.1}%", (v / max * 1000.0).floor() / 10.0)),
                warning: (!a.zero_denominators.is_empty()).then(|| {
                    format!(
                        "dénominateur nul ignoré : {}",
                        a.zero_denominators.iter().map(name).collect::<Vec<_>>().join(", ")
                    )
                }),
            }
        })
        .collect();
    let desc = rows
        .iter()
        .map(|r| format!("{} : {} ({})", r.label, r.value, r.completeness))
        .collect::<Vec<_>>()
        .join(" ; ");
    FigureView {
        code: f.indicator.code,
        name: f.indicator.name,
        definition: f.indicator.definition,
        rule: aggregation_rule(f),
        unit,
        mapped: f.mapped.len(),
        rows,
        desc,
    }
}

/// What [`programme_figures`] returns: the breakdown and year asked, the figures, and the
/// indicators and official values they come from.
pub(crate) type Figures = (Breakdown, Option<i32>, Vec<ProgrammeFigure>, Vec<Indicator>, Vec<Reported>);

/// The programme figures from approved values, for the breakdown and year named by the
/// query parameters `(name, raw value)` (`par`/`annee` on the page, `by`/`year` in the
/// API). Errors: 400 naming the parameter; 500 on a database failure. Shared by the page
/// and the API.
pub(crate) async fn programme_figures(
    ctx: &crate::Ctx,
    by: (&str, Option<&str>),
    year_q: (&str, Option<&str>),
    format: Format,
) -> AppResult<Figures> {
    let bad = |parameter: &str, raw: &str| {
        AppError::invalid_parameter(
            format,
            parameter,
            format!("Paramètre « {parameter} » invalide : « {} ».", excerpt(raw, ECHO_MAX)),
        )
    };
    let breakdown = breakdown(by.1).ok_or_else(|| bad(by.0, by.1.unwrap_or_default()))?;
    let year = year(year_q.1).map_err(|raw| bad(year_q.0, &raw))?;
    let (indicators, mappings, reported) = programme_inputs(ctx, format).await?;
    let projects = facets(ctx);
    let data = ProgrammeData {
        indicators: &indicators,
        mappings: &mappings,
        projects: &projects,
        reported: &reported,
    };
    let figures = programme::figures(&data, breakdown, year);
    Ok((breakdown, year, figures, indicators, reported))
}

/// `GET /impact`. A bad `par` or `annee` is a 400 naming it.
pub async fn dashboard(Current(ctx): Current, Query(q): Query<DashboardQuery>) -> Response {
    no_store(
        async {
            let (by, year, figures, indicators, reported) =
                programme_figures(&ctx, ("par", q.par.as_deref()), ("annee", q.annee.as_deref()), Format::Html).await?;
            let figures: Vec<FigureView> = figures
                .iter()
                .filter(|f| !f.mapped.is_empty())
                .map(|f| figure_view(&ctx, f))
                .collect();
            let mut years: BTreeSet<i32> = reported.iter().map(|r| r.period.year()).collect();
            years.insert(today().year());
            let statements = ctx
                .app
                .store
                .impact_statements(None)
                .await
                .map_err(|e| AppError::internal(Format::Html, e))?;
            let html = DashboardPage {
                layout: Layout::new("Impact du programme", "impact"),
                figures,
                by: match by {
                    Breakdown::Programme => "programme",
                    Breakdown::Theme => "thematique",
                    Breakdown::Region => "region",
                    Breakdown::TerritoryKind => "territoire",
                },
                year: year.map(|y| y.to_string()).unwrap_or_else(|| "total".into()),
                years: years.into_iter().rev().collect(),
                structured: structured_count(&statements),
                indicators: indicators.len(),
                approved: reported.len(),
            }
            .render();
            page(StatusCode::OK, html)
        }
        .await,
    )
}

/// (structured, total) impact sentences.
pub(crate) fn structured_count(statements: &[Impact]) -> (usize, usize) {
    (
        statements
            .iter()
            .filter(|s| matches!(s.outcome, ImpactOutcome::Structured { .. }))
            .count(),
        statements.len(),
    )
}

struct StatementRow {
    project: String,
    project_name: String,
    sentence: String,
    indicators: Vec<(String, String)>,
    reason: Option<String>,
}

#[derive(Template)]
#[template(path = "impact_statements.html")]
struct StatementsPage {
    layout: Layout,
    structured: (usize, usize),
    indicators: usize,
    qualitative: Vec<StatementRow>,
    rows: Vec<StatementRow>,
}

fn statement_rows(ctx: &crate::Ctx, statements: &[Impact], indicators: &[Indicator]) -> Vec<StatementRow> {
    statements
        .iter()
        .map(|s| StatementRow {
            project: s.project.clone(),
            project_name: ctx
                .app
                .registry
                .project(&s.project)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| s.project.clone()),
            sentence: s.sentence.clone(),
            indicators: match &s.outcome {
                ImpactOutcome::Structured { indicators: codes } => codes
                    .iter()
                    .map(|c| {
                        (
                            c.clone(),
                            indicators
                                .iter()
                                .find(|i| &i.code == c)
                                .map(|i| i.name.clone())
                                .unwrap_or_else(|| c.clone()),
                        )
                    })
                    .collect(),
                ImpactOutcome::Qualitative { .. } => vec![],
            },
            reason: match &s.outcome {
                ImpactOutcome::Qualitative { reason } => Some(reason.clone()),
                ImpactOutcome::Structured { .. } => None,
            },
        })
        .collect()
}

/// `GET /impact/structuration`.
pub async fn statements(Current(ctx): Current) -> Response {
    no_store(
        async {
            let internal = |e| AppError::internal(Format::Html, e);
            let statements = ctx.app.store.impact_statements(None).await.map_err(internal)?;
            let indicators = ctx.app.store.indicators(None).await.map_err(internal)?;
            let rows = statement_rows(&ctx, &statements, &indicators);
            let (qualitative, rows): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.reason.is_some());
            let html = StatementsPage {
                layout: Layout::new("Impacts structurés", "impact"),
                structured: structured_count(&statements),
                indicators: indicators.iter().filter(|i| i.project.is_some()).count(),
                qualitative,
                rows,
            }
            .render();
            page(StatusCode::OK, html)
        }
        .await,
    )
}

/// An indicator as a table row shows it.
pub(crate) struct IndicatorRow {
    pub code: String,
    pub name: String,
    pub latest: String,
    pub latest_period: String,
    pub baseline: String,
    pub target: String,
    pub due: String,
    pub progress: String,
    pub state: &'static str,
    pub track: Option<(&'static str, &'static str)>,
}

impl IndicatorRow {
    pub(crate) fn new(i: &Indicator, s: &Summary) -> IndicatorRow {
        let unit = symbol(&i.unit);
        IndicatorRow {
            code: i.code.clone(),
            name: i.name.clone(),
            latest: with_unit(s.latest.as_ref().and_then(|p| p.value), &unit),
            latest_period: s.latest.as_ref().map(|p| p.period.label()).unwrap_or_default(),
            baseline: match s.baseline {
                Some(b) => with_unit(Some(b), &unit),
                None => "inconnue".into(),
            },
            target: match (s.target, i.targets.last()) {
                (Some(t), _) => with_unit(Some(t), &unit),
                (None, Some(t)) => format!("{} (référence inconnue)", t.spec.label()),
                (None, None) => "—".into(),
            },
            due: s.due.map(|d| d.year().to_string()).unwrap_or_default(),
            progress: s
                .progress
                .percent
                .map(|p| format!("{} %", format_number(p)))
                .unwrap_or_else(|| "—".into()),
            state: s.progress.state.label(),
            track: s.track.map(|t| (t.label(), track_badge(t))),
        }
    }
}

/// The DSFR badge modifier of a pace.
pub(crate) fn track_badge(t: territoires_domain::impact::progress::Track) -> &'static str {
    use territoires_domain::impact::progress::Track;
    match t {
        Track::OnTrack => "fr-badge--success",
        Track::AtRisk => "fr-badge--warning",
        Track::OffTrack => "fr-badge--error",
    }
}

#[derive(Template)]
#[template(path = "impact_project.html")]
struct ProjectPage {
    layout: Layout,
    /// (account id, name, e-mail, role label) of the members, shown to the staff only.
    members: Option<Vec<(i64, String, String, &'static str)>>,
    can_manage: bool,
    csrf: String,
    slug: String,
    name: String,
    statements: Vec<StatementRow>,
    indicators: Vec<IndicatorRow>,
    structured: (usize, usize),
}

/// `GET /projets/{slug}/impact`: 404 for an unknown project.
pub async fn project_tab(Current(ctx): Current, MaybeSignedIn(signed_in): MaybeSignedIn, Path(slug): Path<String>) -> Response {
    no_store(
        async {
            let p = ctx.app.registry.project(&slug).ok_or_else(|| {
                AppError::not_found(
                    Format::Html,
                    format!("Aucun projet « {} » dans le registre.", excerpt(&slug, ECHO_MAX)),
                )
            })?;
            let internal = |e| AppError::internal(Format::Html, e);
            let store = &ctx.app.store;
            let statements = store.impact_statements(Some(&p.slug)).await.map_err(internal)?;
            let mut indicators = store.indicators(Some(&p.slug)).await.map_err(internal)?;
            // In the fiche's order: the order of the sentences they come from.
            let order: Vec<&String> = statements
                .iter()
                .flat_map(|s| match &s.outcome {
                    ImpactOutcome::Structured { indicators } => indicators.iter().collect(),
                    ImpactOutcome::Qualitative { .. } => vec![],
                })
                .collect();
            indicators.sort_by_key(|i| order.iter().position(|c| **c == i.code).unwrap_or(usize::MAX));
            let reported = store.reported(None, OFFICIAL).await.map_err(internal)?;
            let today = today();
            let rows = indicators
                .iter()
                .map(|i| {
                    let mine: Vec<Reported> = reported.iter().filter(|r| r.indicator == i.code).cloned().collect();
                    IndicatorRow::new(i, &summary::summarise(i, &mine, today))
                })
                .collect();
            let role = signed_in.as_ref().map(|s| s.session.account.role).unwrap_or(Role::Public);
            let staff = matches!(role, Role::OperatorAdmin | Role::ProgrammeManager | Role::Instructor);
            let members = if staff {
                let mut out = vec![];
                for m in store.project_members(&p.slug).await.map_err(internal)? {
                    if let Some(a) = store.account_by_id(m.account_id).await.map_err(internal)? {
                        out.push((a.id, a.display_name, a.email.as_str().to_owned(), m.role.label()));
                    }
                }
                Some(out)
            } else {
                None
            };
            let html = ProjectPage {
                members,
                can_manage: may_manage_members(role),
                csrf: signed_in.as_ref().map(|s| s.session.csrf_token.clone()).unwrap_or_default(),
                layout: Layout::new(format!("Impact — {}", p.name), "projects"),
                slug: p.slug.clone(),
                name: p.name.clone(),
                structured: structured_count(&statements),
                statements: statement_rows(&ctx, &statements, &indicators),
                indicators: rows,
            }
            .render();
            page(StatusCode::OK, html)
        }
        .await,
    )
}

/// Whether `role` adds accounts to projects (administrators and programme managers).
pub(crate) fn may_manage_members(role: Role) -> bool {
    matches!(role, Role::OperatorAdmin | Role::ProgrammeManager)
}

/// The member form.
#[derive(Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

/// `POST /projets/{slug}/membres`: 303 back to the tab; 403 for other roles; 404 for an
/// unknown project; 422 for an unknown e-mail or role, or an account whose role is neither
/// project lead nor partner; 409 when it is a member already.
pub async fn add_member(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(form): Form<MemberForm>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            let slug = add_member_by_email(&ctx, &signed_in, &slug, &form.email, &form.role, Format::Html).await?;
            Ok(Redirect::to(&format!("/projets/{slug}/impact#membres")).into_response())
        }
        .await,
    )
}

/// Adds the account `email` to project `slug` as `role` (`lead` or `partner`), for
/// `signed_in` (an administrator or a programme manager); returns the project's slug.
/// Errors (in `format`): 403 for other roles; 404 for an unknown project; 422 for an unknown
/// e-mail or role, or an account that is neither a project lead nor a partner; 409 when it
/// is a member already. Shared by the page and the API.
pub(crate) async fn add_member_by_email(
    ctx: &crate::Ctx,
    signed_in: &SignedIn,
    slug: &str,
    email: &str,
    role: &str,
    format: Format,
) -> AppResult<String> {
    let actor = &signed_in.session.account;
    if !may_manage_members(actor.role) {
        return Err(AppError::new(
            format,
            ErrorKind::Forbidden,
            "Seuls l'administrateur et les chargés de programme rattachent des comptes aux projets.",
        ));
    }
    let p = ctx
        .app
        .registry
        .project(slug)
        .ok_or_else(|| AppError::not_found(format, format!("Aucun projet « {} » dans le registre.", excerpt(slug, ECHO_MAX))))?;
    let unprocessable = |m: String| AppError::new(format, ErrorKind::Unprocessable, m);
    let role = MemberRole::from_code(role.trim()).ok_or_else(|| unprocessable("Le champ « role » doit valoir lead ou partner.".into()))?;
    let email = Email::parse(email).map_err(|e| unprocessable(format!("Le champ « email » : {e}")))?;
    let account = ctx
        .app
        .store
        .account_by_email(&email)
        .await
        .map_err(|e| AppError::internal(format, e))?
        .ok_or_else(|| unprocessable(format!("Aucun compte n'a l'adresse « {} ».", email.as_str())))?;
    if account.role == Role::Partner && role == MemberRole::Lead {
        return Err(unprocessable(format!(
            "Le compte « {} » est un compte de partenaire : il rejoint un projet comme partenaire, pas comme porteur.",
            email.as_str()
        )));
    }
    if !matches!(account.role, Role::ProjectLead | Role::Partner) {
        return Err(unprocessable(format!(
            "Le compte « {} » a le rôle « {} » : seuls un porteur de projet ou un partenaire rejoignent un projet.",
            email.as_str(),
            account.role.label()
        )));
    }
    ctx.app
        .store
        .add_project_member(&p.slug, account.id, role, &format!("account:{}", actor.id))
        .await
        .map_err(|e| crate::pages::opinions::store_error(format, e))?;
    Ok(p.slug.clone())
}

/// Detaches account `account` from project `slug` for `signed_in` (an administrator or a
/// programme manager). Errors (in `format`): 403 for other roles; 404 for an unknown
/// project or an account that is not a member. Shared by the page and the API.
pub(crate) async fn remove_member(ctx: &crate::Ctx, signed_in: &SignedIn, slug: &str, account: i64, format: Format) -> AppResult<String> {
    let actor = &signed_in.session.account;
    if !may_manage_members(actor.role) {
        return Err(AppError::new(
            format,
            ErrorKind::Forbidden,
            "Seuls l'administrateur et les chargés de programme détachent des comptes des projets.",
        ));
    }
    let p = ctx
        .app
        .registry
        .project(slug)
        .ok_or_else(|| AppError::not_found(format, format!("Aucun projet « {} » dans le registre.", excerpt(slug, ECHO_MAX))))?;
    ctx.app
        .store
        .remove_project_member(&p.slug, account, &format!("account:{}", actor.id))
        .await
        .map_err(|e| crate::pages::opinions::store_error(format, e))?;
    Ok(p.slug.clone())
}

/// The detach form.
#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /projets/{slug}/membres/{id}/retrait`: 303 back to the tab.
pub async fn detach_member(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path((slug, account)): Path<(String, i64)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            let slug = remove_member(&ctx, &signed_in, &slug, account, Format::Html).await?;
            Ok(Redirect::to(&format!("/projets/{slug}/impact#membres")).into_response())
        }
        .await,
    )
}
