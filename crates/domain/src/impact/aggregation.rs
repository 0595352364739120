//! From reported values to figures: a project's series over periods, its value for a year,
//! and programme aggregates across projects with their completeness.
//!
//! The rules (issue 4, §5), each following from the indicator's temporality and kind:
//! - **corrections**: for one period, a reporter's later value replaces its earlier one;
//!   values of different reporters (the lead, partners) add up;
//! - **cumulative** indicators take the latest value, never the sum of periods; a period
//!   with no report carries the reporter's latest earlier value over, flagged as such; a late
//!   correction of an old period changes that period only;
//! - **flows** add up over the periods of a year, and across projects;
//! - **levels** take the latest value within the year (no carry-over into a new year);
//! - **percentages** aggregate as Σ numerators / Σ denominators, never as a mean of rates;
//!   a fraction with a missing count, or a zero denominator, is no value;
//! - **ratios** are not additive: no programme figure, only per-project values;
//! - a project without a value is *missing*, never zero, and every aggregate says how many
//!   projects reported out of how many were expected.

use super::indicator::{IndicatorKind, Temporality};
use super::measurement::{Observation, Reported, Yield};
use super::period::Period;
use crate::vocabulary::{Region, TerritoryKind, Theme};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One period of one project's series.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodPoint {
    /// The period.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2025-Q1"))]
    pub period: Period,
    /// The value in the indicator's unit; `None` when nothing usable was reported.
    pub value: Option<f64>,
    /// For a percentage: Σ numerators of the reporters with both counts.
    pub numerator: Option<f64>,
    /// For a percentage: Σ denominators of the same reporters.
    pub denominator: Option<f64>,
    /// True when no reporter reported this period and the value is carried over from an
    /// earlier one (cumulative indicators only).
    pub carried: bool,
    /// How many reporters' values make it up.
    pub reporters: usize,
    /// True when a reporter gave a zero denominator (its value is left out, with a warning).
    pub zero_denominator: bool,
}

/// A project's values over `periods` (plus every period it reported), in period order.
///
/// `reported` is one project's values for one indicator, corrections included, in any
/// order; the latest `seq` per (period, reporter) wins. See the module rules for how
/// reporters and periods combine.
pub fn series(kind: IndicatorKind, temporality: Temporality, reported: &[Reported], periods: &[Period]) -> Vec<PeriodPoint> {
    let mut latest: BTreeMap<(Period, &str), (i64, Observation)> = BTreeMap::new();
    for r in reported {
        let slot = latest.entry((r.period, r.reporter.as_str())).or_insert((r.seq, r.observation));
        if r.seq >= slot.0 {
            *slot = (r.seq, r.observation);
        }
    }
    let reporters: BTreeSet<&str> = latest.keys().map(|(_, r)| *r).collect();
    let mut all: BTreeSet<Period> = periods.iter().copied().collect();
    all.extend(latest.keys().map(|(p, _)| *p));
    all.into_iter()
        .map(|period| {
            let mut fresh = false;
            let observations: Vec<Observation> = reporters
                .iter()
                .filter_map(|reporter| {
                    if let Some((_, o)) = latest.get(&(period, *reporter)) {
                        fresh = true;
                        return Some(*o);
                    }
                    if temporality != Temporality::Cumulative {
                        return None;
                    }
                    // The reporter's latest earlier period.
                    latest
                        .range(..(period, ""))
                        .rev()
                        .find(|((_, r), _)| r == reporter)
                        .map(|(_, (_, o))| *o)
                })
                .collect();
            let mut point = combine(kind, &observations);
            point.period = period;
            point.carried = !fresh && point.value.is_some();
            point
        })
        .collect()
}

/// Combines the reporters' observations of one period.
fn combine(kind: IndicatorKind, observations: &[Observation]) -> PeriodPoint {
    let mut point = PeriodPoint {
        period: Period::Year(0),
        value: None,
        numerator: None,
        denominator: None,
        carried: false,
        reporters: 0,
        zero_denominator: false,
    };
    match kind {
        IndicatorKind::Percentage => {
            let (mut n, mut d) = (0.0, 0.0);
            for o in observations {
                match (o, o.value()) {
                    (
                        Observation::Fraction {
                            numerator: Some(on),
                            denominator: Some(od),
                        },
                        Yield::Value(_),
                    ) => {
                        n += on;
                        d += od;
                        point.reporters += 1;
                    }
                    (_, Yield::ZeroDenominator) => point.zero_denominator = true,
                    _ => {}
                }
            }
            if point.reporters > 0 {
                (point.numerator, point.denominator, point.value) = (Some(n), Some(d), Some(100.0 * n / d));
            }
        }
        IndicatorKind::Quantity | IndicatorKind::Ratio => {
            let values: Vec<f64> = observations.iter().filter_map(Observation::value_opt).collect();
            point.reporters = values.len();
            // A ratio of two reporters has no meaningful sum.
            if !values.is_empty() && (kind == IndicatorKind::Quantity || values.len() == 1) {
                point.value = Some(values.iter().sum());
            }
        }
        IndicatorKind::Qualitative => {}
    }
    point
}

/// What one project contributes to an aggregate: a value (already converted into the
/// programme indicator's unit) or, for a percentage, its two counts.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contribution {
    /// The value; `None` when the project has none for the period asked.
    pub value: Option<f64>,
    /// For a percentage: the numerator.
    pub numerator: Option<f64>,
    /// For a percentage: the denominator.
    pub denominator: Option<f64>,
    /// True when a zero denominator was left out.
    pub zero_denominator: bool,
}

impl Contribution {
    /// The contribution of one observation (a project's single value).
    pub fn of(kind: IndicatorKind, observation: Observation) -> Contribution {
        let p = combine(kind, &[observation]);
        Contribution {
            value: p.value,
            numerator: p.numerator,
            denominator: p.denominator,
            zero_denominator: p.zero_denominator,
        }
    }

    /// The contribution with its value multiplied by `factor` (a unit conversion);
    /// numerator and denominator are counts and stay as they are.
    pub fn scaled(self, factor: f64) -> Contribution {
        Contribution {
            value: self.value.map(|v| v * factor),
            ..self
        }
    }

    fn from_point(p: &PeriodPoint) -> Contribution {
        Contribution {
            value: p.value,
            numerator: p.numerator,
            denominator: p.denominator,
            zero_denominator: p.zero_denominator,
        }
    }
}

/// A project's contribution for calendar `year`, from its [`series`]: the sum of the
/// year's periods for a flow (Σ counts for a percentage), the latest value within the year
/// for a level, the latest value up to the year's end for a cumulative indicator (carried
/// from an earlier year if need be). Empty when there is nothing.
pub fn for_year(temporality: Temporality, series: &[PeriodPoint], year: i32) -> Contribution {
    match temporality {
        Temporality::Flow => {
            let mut c = Contribution::default();
            for p in series.iter().filter(|p| p.period.year() == year) {
                c.zero_denominator |= p.zero_denominator;
                let add = |acc: Option<f64>, v: Option<f64>| match (acc, v) {
                    (a, None) => a,
                    (None, Some(v)) => Some(v),
                    (Some(a), Some(v)) => Some(a + v),
                };
                if p.numerator.is_some() && p.denominator.is_some() {
                    c.numerator = add(c.numerator, p.numerator);
                    c.denominator = add(c.denominator, p.denominator);
                    c.value = Some(100.0 * c.numerator.unwrap_or(0.0) / c.denominator.unwrap_or(1.0));
                } else {
                    c.value = add(c.value, p.value);
                }
            }
            c
        }
        Temporality::Level => latest(series.iter().filter(|p| p.period.year() == year)),
        Temporality::Cumulative => latest(series.iter().filter(|p| p.period.year() <= year)),
    }
}

/// A project's overall figure: the latest value for a level or a cumulative indicator
/// (195 jobs, not 130 + 195 + 195), the sum of all periods for a flow.
pub fn total(temporality: Temporality, series: &[PeriodPoint]) -> Contribution {
    match temporality {
        Temporality::Flow => {
            let years: BTreeSet<i32> = series.iter().map(|p| p.period.year()).collect();
            let mut c = Contribution::default();
            for y in years {
                let part = for_year(Temporality::Flow, series, y);
                c.zero_denominator |= part.zero_denominator;
                if let (Some(n), Some(d)) = (part.numerator, part.denominator) {
                    c.numerator = Some(c.numerator.unwrap_or(0.0) + n);
                    c.denominator = Some(c.denominator.unwrap_or(0.0) + d);
                    c.value = Some(100.0 * c.numerator.unwrap_or(0.0) / c.denominator.unwrap_or(1.0));
                } else if let Some(v) = part.value {
                    c.value = Some(c.value.unwrap_or(0.0) + v);
                }
            }
            c
        }
        Temporality::Level | Temporality::Cumulative => latest(series.iter()),
    }
}

fn latest<'a>(points: impl DoubleEndedIterator<Item = &'a PeriodPoint>) -> Contribution {
    let mut zero = false;
    for p in points.rev() {
        zero |= p.zero_denominator;
        if p.value.is_some() {
            return Contribution {
                zero_denominator: zero,
                ..Contribution::from_point(p)
            };
        }
    }
    Contribution {
        zero_denominator: zero,
        ..Contribution::default()
    }
}

/// A programme figure with its completeness.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Aggregate {
    /// The figure in the programme indicator's unit; `None` when no project reported, or
    /// when the kind is not additive (ratios).
    pub value: Option<f64>,
    /// For a percentage: Σ numerators.
    pub numerator: Option<f64>,
    /// For a percentage: Σ denominators.
    pub denominator: Option<f64>,
    /// Projects whose value is in the figure.
    pub reported: usize,
    /// Projects expected to report (those mapped onto the indicator).
    pub expected: usize,
    /// Slugs of the expected projects without a value.
    pub missing: Vec<String>,
    /// Slugs of the projects whose zero denominator was left out.
    pub zero_denominators: Vec<String>,
}

impl Aggregate {
    /// « 2 sur 3 projets ont déclaré ».
    pub fn completeness_label(&self) -> String {
        format!(
            "{} sur {} {}",
            self.reported,
            self.expected,
            if self.expected > 1 {
                "projets ont déclaré"
            } else {
                "projet a déclaré"
            }
        )
    }
}

/// Aggregates the contributions of the `expected` projects (slug, contribution or `None`
/// when the project has no value). Percentages: Σ n / Σ d over the projects with both
/// counts and a non-zero denominator; quantities: Σ values; ratios and qualitative
/// indicators: no figure. A project without a value counts as missing, never as zero.
pub fn aggregate<'a>(kind: IndicatorKind, expected: impl IntoIterator<Item = (&'a str, Option<&'a Contribution>)>) -> Aggregate {
    let mut a = Aggregate {
        value: None,
        numerator: None,
        denominator: None,
        reported: 0,
        expected: 0,
        missing: vec![],
        zero_denominators: vec![],
    };
    let (mut n, mut d, mut sum) = (0.0, 0.0, 0.0);
    for (slug, c) in expected {
        a.expected += 1;
        let c = c.copied().unwrap_or_default();
        if c.zero_denominator {
            a.zero_denominators.push(slug.to_owned());
        }
        let counted = match kind {
            IndicatorKind::Percentage => match (c.numerator, c.denominator) {
                (Some(cn), Some(cd)) if cd != 0.0 && cn.is_finite() && cd.is_finite() => {
                    n += cn;
                    d += cd;
                    true
                }
                _ => false,
            },
            IndicatorKind::Quantity | IndicatorKind::Ratio => match c.value.filter(|v| v.is_finite()) {
                Some(v) => {
                    sum += v;
                    true
                }
                None => false,
            },
            IndicatorKind::Qualitative => false,
        };
        if counted {
            a.reported += 1;
        } else {
            a.missing.push(slug.to_owned());
        }
    }
    if a.reported > 0 {
        match kind {
            IndicatorKind::Percentage if d != 0.0 => (a.numerator, a.denominator, a.value) = (Some(n), Some(d), Some(100.0 * n / d)),
            IndicatorKind::Quantity => a.value = Some(sum),
            _ => {}
        }
    }
    a
}

/// The facets a project is grouped by.
#[derive(Debug, Clone, PartialEq)]
pub struct Facets {
    /// Project slug.
    pub slug: String,
    /// Its themes.
    pub themes: Vec<Theme>,
    /// Its regions.
    pub regions: Vec<Region>,
    /// Its territory kinds.
    pub territory_kinds: Vec<TerritoryKind>,
}

/// What aggregates are broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Breakdown {
    /// The whole programme, one group.
    Programme,
    /// By theme: a project counts in each of its themes, so groups overlap.
    Theme,
    /// By region: a project counts in each of its regions.
    Region,
    /// By territory kind: a project counts in each of its kinds.
    TerritoryKind,
}

impl Facets {
    /// The groups (code, French label) the project falls in for `by`.
    pub fn groups(&self, by: Breakdown) -> Vec<(String, String)> {
        match by {
            Breakdown::Programme => vec![("programme".into(), "Programme".into())],
            Breakdown::Theme => self.themes.iter().map(|t| (t.code().to_owned(), t.label().to_owned())).collect(),
            Breakdown::Region => self.regions.iter().map(|r| (r.code.to_owned(), r.name.to_owned())).collect(),
            Breakdown::TerritoryKind => self
                .territory_kinds
                .iter()
                .map(|k| (k.code().to_owned(), k.label().to_owned()))
                .collect(),
        }
    }
}

/// One group's aggregate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupAggregate {
    /// Group code (theme code, region INSEE code, territory-kind code, `programme`).
    pub group: String,
    /// French label.
    pub label: String,
    /// The figure.
    pub aggregate: Aggregate,
}

/// Aggregates by group: `projects` are the projects expected to report (those mapped onto
/// the programme indicator), `contributions` their values by slug (absent: missing).
/// Groups come in code order; a project in several groups counts in each.
pub fn aggregate_by(
    kind: IndicatorKind,
    by: Breakdown,
    projects: &[Facets],
    contributions: &BTreeMap<String, Contribution>,
) -> Vec<GroupAggregate> {
    let mut groups: BTreeMap<String, (String, Vec<&str>)> = BTreeMap::new();
    for p in projects {
        for (code, label) in p.groups(by) {
            groups.entry(code).or_insert_with(|| (label, vec![])).1.push(&p.slug);
        }
    }
    groups
        .into_iter()
        .map(|(group, (label, slugs))| GroupAggregate {
            group,
            label,
            aggregate: aggregate(kind, slugs.into_iter().map(|s| (s, contributions.get(s)))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frac(n: Option<f64>, d: Option<f64>) -> Observation {
        Observation::Fraction {
            numerator: n,
            denominator: d,
        }
    }

    fn rep(reporter: &str, period: &str, value: f64, seq: i64) -> Reported {
        Reported {
            project: "p".into(),
            indicator: "jobs".into(),
            period: period.parse().unwrap(),
            reporter: reporter.into(),
            observation: Observation::Value { value },
            seq,
        }
    }

    /// Issue 4, §7: A 15/50, B 45/60, C no data → 60/110 = 54,55 %, 2 of 3 reported.
    #[test]
    fn percentages_aggregate_as_sum_of_counts_with_completeness() {
        let a = Contribution::of(IndicatorKind::Percentage, frac(Some(15.0), Some(50.0)));
        let b = Contribution::of(IndicatorKind::Percentage, frac(Some(45.0), Some(60.0)));
        let agg = aggregate(IndicatorKind::Percentage, [("a", Some(&a)), ("b", Some(&b)), ("c", None)]);
        let v = agg.value.unwrap();
        assert!((v - 6_000.0 / 110.0).abs() < 1e-12, "{v}");
        assert_eq!(crate::impact::format_number(v), "54,55");
        assert_ne!(crate::impact::format_number(v), "52,5"); // the mean of 30 % and 75 %
        assert_eq!((agg.numerator, agg.denominator), (Some(60.0), Some(110.0)));
        assert_eq!((agg.reported, agg.expected), (2, 3));
        assert_eq!(agg.missing, ["c"]);
        assert_eq!(agg.completeness_label(), "2 sur 3 projets ont déclaré");
    }

    /// Issue 4, §7: cumulative jobs, corrections and a second reporter.
    #[test]
    fn cumulative_takes_latest_per_reporter_sums_reporters_and_carries_over() {
        let updates = [
            rep("P1", "2025-Q1", 120.0, 1),
            rep("P1", "2025-Q2", 150.0, 2),
            rep("P1", "2025-Q2", 155.0, 3),
            rep("P2", "2025-Q2", 40.0, 4),
            rep("P1", "2025-Q1", 130.0, 5), // late correction of Q1
        ];
        let periods: Vec<Period> = ["2025-Q1", "2025-Q2", "2025-Q3"].iter().map(|p| p.parse().unwrap()).collect();
        let s = series(IndicatorKind::Quantity, Temporality::Cumulative, &updates, &periods);
        let values: Vec<_> = s.iter().map(|p| (p.period.to_string(), p.value, p.carried)).collect();
        assert_eq!(
            values,
            [
                ("2025-Q1".to_owned(), Some(130.0), false),
                ("2025-Q2".to_owned(), Some(195.0), false),
                ("2025-Q3".to_owned(), Some(195.0), true),
            ]
        );
        assert_eq!(total(Temporality::Cumulative, &s).value, Some(195.0));
        assert_eq!(for_year(Temporality::Cumulative, &s, 2025).value, Some(195.0));
        // Never the sum of periods (130 + 195 + 195).
        assert_ne!(total(Temporality::Cumulative, &s).value, Some(520.0));
    }

    #[test]
    fn flows_sum_over_periods_levels_take_the_latest_within_the_year() {
        let updates = [
            rep("P1", "2025-Q1", 10.0, 1),
            rep("P1", "2025-Q2", 20.0, 2),
            rep("P1", "2026-Q1", 5.0, 3),
        ];
        let s = series(IndicatorKind::Quantity, Temporality::Flow, &updates, &[]);
        assert_eq!(for_year(Temporality::Flow, &s, 2025).value, Some(30.0));
        assert_eq!(total(Temporality::Flow, &s).value, Some(35.0));
        assert_eq!(for_year(Temporality::Flow, &s, 2027).value, None);
        let s = series(IndicatorKind::Quantity, Temporality::Level, &updates, &[]);
        assert_eq!(for_year(Temporality::Level, &s, 2025).value, Some(20.0));
        assert_eq!(for_year(Temporality::Level, &s, 2027).value, None); // no carry into a new year
        assert_eq!(total(Temporality::Level, &s).value, Some(5.0));
    }

    /// Issue 4, §7: missing numerator, zero denominator, and a sibling at 30/100.
    #[test]
    fn missing_counts_and_zero_denominators_are_no_value() {
        let missing = Contribution::of(IndicatorKind::Percentage, frac(None, Some(200.0)));
        assert_eq!(missing.value, None);
        let zero = Contribution::of(IndicatorKind::Percentage, frac(Some(3.0), Some(0.0)));
        assert_eq!((zero.value, zero.zero_denominator), (None, true));
        assert_eq!(serde_json::to_value(zero).unwrap()["value"], serde_json::Value::Null);
        let sibling = Contribution::of(IndicatorKind::Percentage, frac(Some(30.0), Some(100.0)));
        let agg = aggregate(IndicatorKind::Percentage, [("x", Some(&missing)), ("y", Some(&sibling))]);
        assert_eq!(agg.value, Some(30.0)); // not 30 / 300 = 10 %
        assert_eq!((agg.reported, agg.expected), (1, 2));
        assert_eq!(agg.completeness_label(), "1 sur 2 projets ont déclaré");
        let agg = aggregate(IndicatorKind::Percentage, [("z", Some(&zero)), ("y", Some(&sibling))]);
        assert_eq!((agg.value, agg.zero_denominators.clone()), (Some(30.0), vec!["z".to_owned()]));
        let json = serde_json::to_string(&aggregate(IndicatorKind::Percentage, [("z", Some(&zero))])).unwrap();
        assert!(
            json.contains(r#""value":null"#) && !json.contains("NaN") && !json.contains("inf"),
            "{json}"
        );
    }

    #[test]
    fn quantities_sum_and_ratios_do_not() {
        let c = |v| Contribution {
            value: Some(v),
            ..Default::default()
        };
        let (a, b) = (c(2.0), c(3.0));
        assert_eq!(
            aggregate(IndicatorKind::Quantity, [("a", Some(&a)), ("b", Some(&b)), ("c", None)]).value,
            Some(5.0)
        );
        let r = aggregate(IndicatorKind::Ratio, [("a", Some(&a)), ("b", Some(&b))]);
        assert_eq!((r.value, r.reported), (None, 2));
        assert_eq!(c(2.5).scaled(1_000.0).value, Some(2_500.0));
    }

    #[test]
    fn groups_overlap_for_multi_valued_facets() {
        let f = |slug: &str, themes: Vec<Theme>| Facets {
            slug: slug.into(),
            themes,
            regions: vec![],
            territory_kinds: vec![],
        };
        let t = Theme::ALL;
        let projects = [f("a", vec![t[0], t[1]]), f("b", vec![t[1]])];
        let contributions = BTreeMap::from([(
            "a".to_owned(),
            Contribution {
                value: Some(1.0),
                ..Default::default()
            },
        )]);
        let g = aggregate_by(IndicatorKind::Quantity, Breakdown::Theme, &projects, &contributions);
        assert_eq!(g.len(), 2);
        let second = g.iter().find(|g| g.group == t[1].code()).unwrap();
        assert_eq!(
            (second.aggregate.value, second.aggregate.reported, second.aggregate.expected),
            (Some(1.0), 1, 2)
        );
    }
}
