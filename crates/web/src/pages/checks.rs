//! `GET /coherence` — every reconciliation check of `registry.checks` in one table, values
//! formatted by unit (counts grouped, cents in M€), with a DSFR badge per verdict.

use super::{html, layout::Layout};
use crate::error::{AppError, AppResult, Format};
use crate::{format, AppState, Current};
use askama::Template;
use axum::response::Response;
use territoires_domain::checks::{Check, Verdict};

struct Row<'a> {
    check: &'a Check,
    reference: String,
    computed: String,
    difference: String,
    badge: &'static str,
}

#[derive(Template)]
#[template(path = "checks.html")]
struct ChecksPage<'a> {
    layout: Layout,
    total: usize,
    problems: usize,
    rows: Vec<Row<'a>>,
}

/// The DSFR badge modifier of a verdict.
pub fn badge(v: Verdict) -> &'static str {
    match v {
        Verdict::Consistent => "success",
        Verdict::Discrepancy | Verdict::ExceedsCeiling => "error",
        Verdict::Missing => "warning",
        Verdict::NotVerifiable => "info",
    }
}

/// Renders the checks page. Errors: a template failure (500).
pub fn render(app: &AppState) -> AppResult<String> {
    let checks = &app.registry.checks;
    let dash = || "—".to_string();
    let rows = checks
        .iter()
        .map(|c| Row {
            check: c,
            reference: c.reference.map(|v| format::figure(c.unit, v)).unwrap_or_else(dash),
            computed: c.computed.map(|v| format::figure(c.unit, v)).unwrap_or_else(dash),
            difference: c.difference.map(|v| format::signed_figure(c.unit, v)).unwrap_or_else(dash),
            badge: badge(c.verdict),
        })
        .collect();
    let page = ChecksPage {
        layout: Layout::new("Cohérence des données", "checks"),
        total: checks.len(),
        problems: checks.iter().filter(|c| c.verdict.is_problem()).count(),
        rows,
    };
    page.render().map_err(|e| AppError::internal(Format::Html, e))
}

/// `GET /coherence`.
pub async fn show(Current(ctx): Current) -> AppResult<Response> {
    match &ctx.cache.checks {
        Some(b) => Ok(html(b.clone())),
        None => Ok(html(render(&ctx.app)?.into())),
    }
}
