//! Programme-level figures computed from the fiches: totals and breakdowns by theme,
//! region and territory kind (the dashboard).

use crate::money::Money;
use crate::programme::{EnvelopeKind, Programme};
use crate::project::Project;
use crate::vocabulary::{TerritoryKind, Theme, REGIONS};
use serde::Serialize;

/// Totals over all laureates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Totals {
    /// Number of laureate projects.
    pub laureates: u32,
    /// Sum of partners (organisations; an organisation partner of two projects counts
    /// twice, as the fiches give no names).
    pub partners: u32,
    /// Sum of local authorities among partners.
    pub local_authorities: u32,
    /// Sum of populations concerned (persons; territories may overlap).
    pub population: u64,
    /// Sum of planned budgets over the projects that give one (cents).
    pub planned_budget: Money,
    /// Projects whose fiche gives a planned budget.
    pub planned_budget_known: u32,
    /// Sum of subsidy ceilings (cents).
    pub subsidy_ceilings: Money,
    /// Sum of investment potentials (cents).
    pub investment_potential: Money,
    /// The subsidy envelope's cap (cents), if the programme has one.
    pub subsidy_envelope: Option<Money>,
    /// The equity envelope's cap (cents), if the programme has one.
    pub equity_envelope: Option<Money>,
}

/// One row of a breakdown: the projects under one term of a vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BreakdownRow {
    /// The term's code (theme code, INSEE region code, territory-kind code).
    pub code: String,
    /// French label.
    pub label: String,
    /// Number of projects.
    pub projects: u32,
    /// Sum of their populations (persons).
    pub population: u64,
    /// Sum of their subsidy ceilings (cents).
    pub subsidy_ceilings: Money,
    /// Sum of their investment potentials (cents).
    pub investment_potential: Money,
}

/// The dashboard's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stats {
    /// Totals.
    pub totals: Totals,
    /// By theme; a project with several themes counts under each, so rows add up to more
    /// than the number of laureates.
    pub by_theme: Vec<BreakdownRow>,
    /// By region (INSEE code); a project spanning several regions counts under each.
    pub by_region: Vec<BreakdownRow>,
    /// By territory kind; a project with several kinds counts under each.
    pub by_territory_kind: Vec<BreakdownRow>,
}

/// Sums with saturation: real programmes stay far below `i64` cents, and a dashboard must
/// not fail; the consistency checks use checked sums.
fn money_sum<'a>(it: impl Iterator<Item = &'a Project>, f: impl Fn(&Project) -> Money) -> Money {
    Money(it.fold(0i64, |acc, p| acc.saturating_add(f(p).0)))
}

fn row(code: &str, label: &str, projects: &[&Project]) -> BreakdownRow {
    BreakdownRow {
        code: code.to_owned(),
        label: label.to_owned(),
        projects: projects.len() as u32,
        population: projects.iter().map(|p| p.population).sum(),
        subsidy_ceilings: money_sum(projects.iter().copied(), |p| p.subsidy_ceiling),
        investment_potential: money_sum(projects.iter().copied(), |p| p.investment_potential),
    }
}

/// Computes the dashboard from the programme and its projects. Rows with no project are
/// left out; rows are sorted by number of projects (descending), then label.
pub fn compute(programme: &Programme, projects: &[Project]) -> Stats {
    let cap = |k| programme.envelopes.iter().find(|e| e.kind == k).map(|e| e.cap);
    let totals = Totals {
        laureates: projects.len() as u32,
        partners: projects.iter().map(|p| p.partners).sum(),
        local_authorities: projects.iter().map(|p| p.local_authorities).sum(),
        population: projects.iter().map(|p| p.population).sum(),
        planned_budget: money_sum(projects.iter(), |p| p.planned_budget.unwrap_or(Money::ZERO)),
        planned_budget_known: projects.iter().filter(|p| p.planned_budget.is_some()).count() as u32,
        subsidy_ceilings: money_sum(projects.iter(), |p| p.subsidy_ceiling),
        investment_potential: money_sum(projects.iter(), |p| p.investment_potential),
        subsidy_envelope: cap(EnvelopeKind::Subsidy),
        equity_envelope: cap(EnvelopeKind::Equity),
    };
    let sorted = |mut rows: Vec<BreakdownRow>| {
        rows.retain(|r| r.projects > 0);
        rows.sort_by(|a, b| b.projects.cmp(&a.projects).then_with(|| a.label.cmp(&b.label)));
        rows
    };
    let by_theme = Theme::ALL
        .iter()
        .map(|t| {
            row(
                t.code(),
                t.label(),
                &projects.iter().filter(|p| p.themes.contains(t)).collect::<Vec<_>>(),
            )
        })
        .collect();
    let by_region = REGIONS
        .iter()
        .map(|r| row(r.code, r.name, &projects.iter().filter(|p| p.in_region(r.code)).collect::<Vec<_>>()))
        .collect();
    let by_territory_kind = TerritoryKind::ALL
        .iter()
        .map(|k| {
            row(
                k.code(),
                k.label(),
                &projects.iter().filter(|p| p.territory_kinds.contains(k)).collect::<Vec<_>>(),
            )
        })
        .collect();
    Stats {
        totals,
        by_theme: sorted(by_theme),
        by_region: sorted(by_region),
        by_territory_kind: sorted(by_territory_kind),
    }
}
