//! `GET /` — *Tableau de bord*: key figures, the two calls, and the breakdowns by theme,
//! region and territory kind (each an SVG bar chart followed by its table). Every figure is
//! read from `registry.stats` and `registry.checks`.

use super::{filters, html, layout::Layout};
use crate::{charts, error::AppResult, format, AppState, Current, Format};
use askama::Template;
use axum::response::Response;
use territoires_domain::checks::Verdict;
use territoires_domain::programme::CallKind;
use territoires_domain::stats::{BreakdownRow, Totals};
use territoires_domain::{Money, Programme};

/// How much of an envelope the fiches' amounts use.
struct EnvelopeUse {
    /// Sum over the fiches (`151,15 M€`).
    amount: String,
    /// The cap (`150 M€`).
    cap: String,
    /// `100,8 %`.
    percent: String,
    /// The overshoot when the sum exceeds the cap (from the domain's ceiling check).
    excess: Option<String>,
}

struct CallView {
    label: &'static str,
    year: i32,
    opened_on: Option<String>,
    applications: u32,
    selected: u32,
    selected_word: &'static str,
}

struct Breakdown<'a> {
    id: &'static str,
    title: &'static str,
    caption: String,
    column: &'static str,
    param: &'static str,
    show_code: bool,
    chart: charts::BarChart,
    rows: &'a [BreakdownRow],
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage<'a> {
    layout: Layout,
    programme: &'a Programme,
    t: &'a Totals,
    subsidy: Option<EnvelopeUse>,
    equity: Option<EnvelopeUse>,
    calls: Vec<CallView>,
    breakdowns: Vec<Breakdown<'a>>,
}

fn envelope_use(app: &AppState, amount: Money, cap: Option<Money>, check_code: &str) -> Option<EnvelopeUse> {
    let cap = cap?;
    let check = app.registry.checks.iter().find(|c| c.code == check_code);
    let excess = match check {
        Some(c) if c.verdict == Verdict::ExceedsCeiling => Some(
            c.difference
                .map(|d| Money(d).fmt_millions())
                .unwrap_or_else(|| "un montant inconnu".into()),
        ),
        Some(_) => None,
        None if amount > cap => Some(amount.checked_sub(cap).unwrap_or(Money::ZERO).fmt_millions()),
        None => None,
    };
    Some(EnvelopeUse {
        amount: amount.fmt_millions(),
        cap: cap.fmt_millions(),
        percent: format::percent(amount, cap).unwrap_or_default(),
        excess,
    })
}

/// Renders the dashboard. Errors: a template failure (500).
pub fn render(app: &AppState) -> AppResult<String> {
    let r = &app.registry;
    let t = &r.stats.totals;
    let calls = r
        .programme
        .calls
        .iter()
        .map(|c| CallView {
            label: c.kind.label(),
            year: c.year,
            opened_on: c.opened_on.map(format::date),
            applications: c.applications,
            selected: c.selected,
            selected_word: match c.kind {
                CallKind::ExpressionOfInterest => "retenus",
                CallKind::CallForProjects => "lauréats",
            },
        })
        .collect();
    let breakdowns = vec![
        Breakdown {
            id: "chart-theme",
            title: "Par thématique",
            caption: "Projets, population et montants par thématique".into(),
            column: "Thématique",
            param: "thematique",
            show_code: false,
            chart: charts::projects_per_row("chart-theme", "Nombre de projets par thématique", &r.stats.by_theme),
            rows: &r.stats.by_theme,
        },
        Breakdown {
            id: "chart-region",
            title: "Par région",
            caption: "Projets, population et montants par région (code INSEE)".into(),
            column: "Région",
            param: "region",
            show_code: true,
            chart: charts::projects_per_row("chart-region", "Nombre de projets par région", &r.stats.by_region),
            rows: &r.stats.by_region,
        },
        Breakdown {
            id: "chart-territory",
            title: "Par type de territoire",
            caption: "Projets, population et montants par type de territoire".into(),
            column: "Type de territoire",
            param: "territoire",
            show_code: false,
            chart: charts::projects_per_row(
                "chart-territory",
                "Nombre de projets par type de territoire",
                &r.stats.by_territory_kind,
            ),
            rows: &r.stats.by_territory_kind,
        },
    ];
    let page = DashboardPage {
        layout: Layout::new("Tableau de bord", "dashboard"),
        programme: &r.programme,
        t,
        subsidy: envelope_use(app, t.subsidy_ceilings, t.subsidy_envelope, "ceiling-subsidy"),
        equity: envelope_use(app, t.investment_potential, t.equity_envelope, "ceiling-equity"),
        calls,
        breakdowns,
    };
    page.render().map_err(|e| crate::AppError::internal(Format::Html, e))
}

/// `GET /`.
pub async fn show(Current(ctx): Current) -> AppResult<Response> {
    match &ctx.cache.dashboard {
        Some(b) => Ok(html(b.clone())),
        None => Ok(html(render(&ctx.app)?.into())),
    }
}
