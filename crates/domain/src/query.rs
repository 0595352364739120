//! Filtering, sorting and paging the project list (the portal's list and the API).

use crate::project::Project;
use crate::vocabulary::{TerritoryKind, Theme};
use serde::{Deserialize, Serialize};

/// What a project list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum SortKey {
    /// Alphabetical by name (accent-insensitive).
    #[default]
    Name,
    /// Population concerned (persons).
    Population,
    /// Planned budget (projects without one sort last).
    PlannedBudget,
    /// Subsidy ceiling.
    SubsidyCeiling,
    /// Investment potential.
    InvestmentPotential,
    /// Number of partners.
    Partners,
}

impl SortKey {
    /// Parses a sort code (`name`, `population`, `planned-budget`, `subsidy-ceiling`,
    /// `investment-potential`, `partners`); `None` if unknown.
    pub fn from_code(code: &str) -> Option<SortKey> {
        Some(match code {
            "name" => SortKey::Name,
            "population" => SortKey::Population,
            "planned-budget" => SortKey::PlannedBudget,
            "subsidy-ceiling" => SortKey::SubsidyCeiling,
            "investment-potential" => SortKey::InvestmentPotential,
            "partners" => SortKey::Partners,
            _ => return None,
        })
    }

    /// The code [`from_code`](Self::from_code) accepts.
    pub fn code(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Population => "population",
            SortKey::PlannedBudget => "planned-budget",
            SortKey::SubsidyCeiling => "subsidy-ceiling",
            SortKey::InvestmentPotential => "investment-potential",
            SortKey::Partners => "partners",
        }
    }
}

/// A filter and an order over the projects. Every filter is optional; they combine with
/// AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectQuery {
    /// INSEE region code the project must act in.
    pub region: Option<String>,
    /// Theme the project must have.
    pub theme: Option<Theme>,
    /// Territory kind the project must have.
    pub territory_kind: Option<TerritoryKind>,
    /// Sort key.
    pub sort: SortKey,
    /// Descending order when true.
    pub descending: bool,
}

impl ProjectQuery {
    /// True when `p` passes every filter.
    pub fn matches(&self, p: &Project) -> bool {
        self.region.as_deref().is_none_or(|r| p.in_region(r))
            && self.theme.is_none_or(|t| p.themes.contains(&t))
            && self.territory_kind.is_none_or(|k| p.territory_kinds.contains(&k))
    }

    /// The projects passing the filters, sorted (ties broken by name, then slug, so the
    /// order is total and stable). A project without a planned budget sorts last in both
    /// directions: missing is not zero.
    pub fn apply<'a>(&self, projects: &'a [Project]) -> Vec<&'a Project> {
        let mut out: Vec<&Project> = projects.iter().filter(|p| self.matches(p)).collect();
        let by_name = |a: &Project, b: &Project| {
            crate::text::fold(&a.name)
                .cmp(&crate::text::fold(&b.name))
                .then_with(|| a.slug.cmp(&b.slug))
        };
        out.sort_by(|a, b| {
            use std::cmp::Ordering;
            let primary = match self.sort {
                SortKey::Name => Ordering::Equal,
                SortKey::Population => a.population.cmp(&b.population),
                SortKey::SubsidyCeiling => a.subsidy_ceiling.cmp(&b.subsidy_ceiling),
                SortKey::InvestmentPotential => a.investment_potential.cmp(&b.investment_potential),
                SortKey::Partners => a.partners.cmp(&b.partners),
                SortKey::PlannedBudget => match (a.planned_budget, b.planned_budget) {
                    (Some(x), Some(y)) => x.cmp(&y),
                    // Missing last whatever the direction: undo the reversal below.
                    (None, Some(_)) => return Ordering::Greater,
                    (Some(_), None) => return Ordering::Less,
                    (None, None) => Ordering::Equal,
                },
            };
            let primary = if self.descending { primary.reverse() } else { primary };
            let tie = by_name(a, b);
            if self.sort == SortKey::Name && self.descending {
                primary.then(tie.reverse())
            } else {
                primary.then(tie)
            }
        });
        out
    }
}

/// A page of a list: `offset` items skipped, at most `limit` kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Items skipped.
    pub offset: usize,
    /// Maximum items returned (1–100 in the API).
    pub limit: usize,
}

impl Page {
    /// The slice of `items` this page covers (empty past the end).
    pub fn slice<'a, T>(&self, items: &'a [T]) -> &'a [T] {
        let start = self.offset.min(items.len());
        let end = start.saturating_add(self.limit).min(items.len());
        &items[start..end]
    }
}
