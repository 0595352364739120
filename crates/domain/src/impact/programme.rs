//! Programme figures: project indicators mapped onto the shared taxonomy, converted into
//! its units, and aggregated by group and year with their completeness.

use super::aggregation::{self, Breakdown, Contribution, Facets, GroupAggregate};
use super::catalogue::Mapping;
use super::indicator::{Indicator, IndicatorKind};
use super::measurement::Reported;
use super::taxonomy::{ProgrammeIndicator, PROGRAMME_INDICATORS};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One programme indicator's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgrammeFigure {
    /// The programme indicator.
    pub indicator: ProgrammeIndicator,
    /// Project indicators mapped onto it.
    pub mapped: Vec<String>,
    /// One aggregate per group of the breakdown.
    pub groups: Vec<GroupAggregate>,
}

/// What a programme aggregation works on.
pub struct ProgrammeData<'a> {
    /// Project indicators (current versions).
    pub indicators: &'a [Indicator],
    /// Their mappings onto the taxonomy.
    pub mappings: &'a [Mapping],
    /// The projects' facets.
    pub projects: &'a [Facets],
    /// Reported values of any project indicator (the caller picks the statuses: approved
    /// only for official figures).
    pub reported: &'a [Reported],
}

/// Figures of every programme indicator of the taxonomy, broken down `by`, for calendar
/// `year` (`None`: the overall figure, see [`aggregation::total`]).
///
/// A project's contribution is the sum of its mapped indicators' values, each converted
/// into the programme unit (for percentages, the sum of counts). Projects expected are those
/// with at least one mapped indicator; those without a value are missing, never zero.
/// Mappings whose units do not convert are left out (the catalogue loader refuses them).
pub fn figures(data: &ProgrammeData<'_>, by: Breakdown, year: Option<i32>) -> Vec<ProgrammeFigure> {
    let by_code: HashMap<&str, &Indicator> = data.indicators.iter().map(|i| (i.code.as_str(), i)).collect();
    let mut reported: HashMap<&str, Vec<Reported>> = HashMap::new();
    for r in data.reported {
        reported.entry(r.indicator.as_str()).or_default().push(r.clone());
    }
    PROGRAMME_INDICATORS
        .iter()
        .map(|pi| {
            let mut contributions: BTreeMap<String, Contribution> = BTreeMap::new();
            let mut expected: Vec<&str> = vec![];
            let mut mapped = vec![];
            for m in data.mappings.iter().filter(|m| m.programme_indicator == pi.code) {
                let Some(ind) = by_code.get(m.indicator.as_str()) else { continue };
                let (Some(project), Ok(factor)) = (ind.project.as_deref(), pi.factor_from(&ind.unit)) else {
                    continue;
                };
                mapped.push(ind.code.clone());
                expected.push(project);
                let rows = reported.get(ind.code.as_str()).map(Vec::as_slice).unwrap_or(&[]);
                let series = aggregation::series(ind.kind, ind.temporality, rows, &[]);
                let c = match year {
                    Some(y) => aggregation::for_year(ind.temporality, &series, y),
                    None => aggregation::total(ind.temporality, &series),
                }
                .scaled(factor);
                if c.value.is_some() || c.zero_denominator {
                    let slot = contributions.entry(project.to_owned()).or_default();
                    *slot = add(pi.kind, *slot, c);
                }
            }
            let mut projects: Vec<Facets> = data
                .projects
                .iter()
                .filter(|f| expected.contains(&f.slug.as_str()))
                .cloned()
                .collect();
            // A mapped project the facets do not know still counts in the programme figure
            // (never silently dropped from « expected »), in no theme, region or kind.
            for slug in &expected {
                if !projects.iter().any(|f| f.slug == *slug) {
                    projects.push(Facets {
                        slug: (*slug).to_owned(),
                        themes: vec![],
                        regions: vec![],
                        territory_kinds: vec![],
                    });
                }
            }
            ProgrammeFigure {
                indicator: *pi,
                mapped,
                groups: aggregation::aggregate_by(pi.kind, by, &projects, &contributions),
            }
        })
        .collect()
}

/// Adds two contributions of one project (two indicators mapped onto one programme
/// indicator).
fn add(kind: IndicatorKind, a: Contribution, b: Contribution) -> Contribution {
    let sum = |x: Option<f64>, y: Option<f64>| match (x, y) {
        (Some(x), Some(y)) => Some(x + y),
        (x, None) => x,
        (None, y) => y,
    };
    let mut c = Contribution {
        zero_denominator: a.zero_denominator || b.zero_denominator,
        ..Contribution::default()
    };
    if kind == IndicatorKind::Percentage {
        let both = |c: &Contribution| c.numerator.is_some() && c.denominator.is_some();
        let (a, b) = (Some(a).filter(both), Some(b).filter(both));
        c.numerator = sum(a.and_then(|a| a.numerator), b.and_then(|b| b.numerator));
        c.denominator = sum(a.and_then(|a| a.denominator), b.and_then(|b| b.denominator));
        c.value = match (c.numerator, c.denominator) {
            (Some(n), Some(d)) if d != 0.0 => Some(100.0 * n / d),
            _ => None,
        };
    } else {
        c.value = sum(a.value, b.value);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::impact::{Direction, Frequency, Observation, Temporality};
    use crate::vocabulary::Theme;

    fn indicator(code: &str, project: &str, unit: &str, kind: IndicatorKind, temporality: Temporality) -> Indicator {
        Indicator {
            code: code.into(),
            project: Some(project.into()),
            name: code.into(),
            definition: String::new(),
            unit: unit.into(),
            kind,
            direction: Direction::Increase,
            temporality,
            baseline: None,
            targets: vec![],
            data_source: String::new(),
            method: String::new(),
            frequency: Frequency::Yearly,
            responsible: String::new(),
            version: 1,
        }
    }

    fn rep(indicator: &str, period: &str, observation: Observation, seq: i64) -> Reported {
        Reported {
            project: String::new(),
            indicator: indicator.into(),
            period: period.parse().unwrap(),
            reporter: "r".into(),
            observation,
            seq,
        }
    }

    #[test]
    fn converts_units_and_counts_missing_projects() {
        let facets = |slug: &str| Facets {
            slug: slug.into(),
            themes: vec![Theme::ALL[0]],
            regions: vec![],
            territory_kinds: vec![],
        };
        let indicators = [
            indicator("a.enr", "a", "gwh", IndicatorKind::Quantity, Temporality::Flow),
            indicator("b.enr", "b", "kwh", IndicatorKind::Quantity, Temporality::Flow),
            indicator("c.enr", "c", "mwh", IndicatorKind::Quantity, Temporality::Flow),
        ];
        let mappings: Vec<Mapping> = indicators
            .iter()
            .map(|i| Mapping {
                indicator: i.code.clone(),
                programme_indicator: "renewable-energy-produced".into(),
            })
            .collect();
        let v = |value| Observation::Value { value };
        let reported = [
            rep("a.enr", "2025", v(1.5), 1),
            rep("b.enr", "2025", v(250_000.0), 2),
            rep("a.enr", "2026", v(9.0), 3),
        ];
        let projects = [facets("a"), facets("b"), facets("c")];
        let data = ProgrammeData {
            indicators: &indicators,
            mappings: &mappings,
            projects: &projects,
            reported: &reported,
        };
        let all = figures(&data, Breakdown::Programme, Some(2025));
        let enr = all.iter().find(|f| f.indicator.code == "renewable-energy-produced").unwrap();
        let agg = &enr.groups[0].aggregate;
        // 1,5 GWh = 1 500 MWh, plus 250 000 kWh = 250 MWh; c has nothing.
        assert_eq!(agg.value, Some(1_750.0));
        assert_eq!((agg.reported, agg.expected, agg.missing.clone()), (2, 3, vec!["c".to_owned()]));
        let total = figures(&data, Breakdown::Programme, None);
        let enr = total.iter().find(|f| f.indicator.code == "renewable-energy-produced").unwrap();
        assert_eq!(enr.groups[0].aggregate.value, Some(10_750.0)); // + 9 GWh in 2026
                                                                   // A mapped project missing from the facets is still expected (and here missing).
        let known = [facets("a"), facets("b")];
        let data = ProgrammeData {
            indicators: &indicators,
            mappings: &mappings,
            projects: &known,
            reported: &reported,
        };
        let enr = figures(&data, Breakdown::Programme, Some(2025));
        let agg = &enr.iter().find(|f| f.indicator.code == "renewable-energy-produced").unwrap().groups[0].aggregate;
        assert_eq!((agg.reported, agg.expected), (2, 3));
        // Programme indicators nobody maps onto have no group at all.
        assert!(total.iter().find(|f| f.indicator.code == "jobs-created").unwrap().groups.is_empty());
    }
}
