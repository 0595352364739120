//! Everything an indicator page shows, computed once: the series over periods, the latest
//! value, progress towards the final target, the value expected today on the straight path,
//! whether it keeps pace, and a projection to the target date.

use super::aggregation::{self, PeriodPoint};
use super::indicator::{Frequency, Indicator};
use super::measurement::Reported;
use super::period::Period;
use super::progress::{self, Progress, Projection, Track};
use serde::Serialize;
use time::Date;

/// An indicator's standing on a given day.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    /// Values per period, from the first reported period to the current one (cumulative
    /// values carried over where a period has no report).
    pub series: Vec<PeriodPoint>,
    /// The latest period with a value.
    pub latest: Option<PeriodPoint>,
    /// Baseline value (unit of the indicator), when known.
    pub baseline: Option<f64>,
    /// Final target value, when known (a relative target needs the baseline).
    pub target: Option<f64>,
    /// Final target's due date.
    pub due: Option<Date>,
    /// Progress of the latest value from baseline to target.
    pub progress: Progress,
    /// The value expected on `today` on the straight path from baseline to target.
    pub expected_today: Option<f64>,
    /// Pace of the latest value against the straight path, on its period's end date.
    pub track: Option<Track>,
    /// The trend projected to the due date.
    pub projection: Option<Projection>,
}

/// Longest series built (periods), so that a bad date cannot build a huge one.
const MAX_PERIODS: usize = 400;

/// Every period of `frequency` from `first` to the one containing `today` (at most
/// `MAX_PERIODS`, 400).
pub fn periods_through(frequency: Frequency, first: Period, today: Date) -> Vec<Period> {
    let mut out = vec![];
    let mut p = first;
    while p.start() <= today && out.len() < MAX_PERIODS {
        out.push(p);
        p = match p {
            Period::Year(y) => Period::Year(y + 1),
            Period::Quarter(y, 4) => Period::Quarter(y + 1, 1),
            Period::Quarter(y, q) => Period::Quarter(y, q + 1),
            Period::Month(y, 12) => Period::Month(y + 1, 1),
            Period::Month(y, m) => Period::Month(y, m + 1),
        };
        if !frequency.accepts(p) {
            break;
        }
    }
    out
}

/// Summarises `indicator` from its `reported` values (one project's, corrections included)
/// as of `today`.
pub fn summarise(indicator: &Indicator, reported: &[Reported], today: Date) -> Summary {
    let first = reported.iter().map(|r| r.period).min();
    let periods = first.map(|f| periods_through(indicator.frequency, f, today)).unwrap_or_default();
    let series = aggregation::series(indicator.kind, indicator.temporality, reported, &periods);
    let latest = series.iter().rev().find(|p| p.value.is_some()).cloned();
    let baseline = indicator.baseline_value();
    let final_target = indicator.final_target();
    let (due, target) = match final_target {
        Some((due, value)) => (Some(due), value),
        None => (None, None),
    };
    let progress = progress::progress(baseline, target, latest.as_ref().and_then(|p| p.value), indicator.direction);
    let baseline_date = indicator.baseline.as_ref().map(|b| b.date);
    let path = match (baseline, baseline_date, target, due) {
        (Some(b), Some(bd), Some(t), Some(d)) => Some((b, bd, t, d)),
        _ => None,
    };
    let expected_today = path.and_then(|(b, bd, t, d)| progress::expected_on(b, bd, t, d, today));
    let track = match (path, progress.percent, &latest) {
        (Some((_, bd, _, d)), Some(pct), Some(l)) => progress::track(pct, bd, d, l.period.end()),
        _ => None,
    };
    let reported_points: Vec<(Date, f64)> = series
        .iter()
        .filter(|p| !p.carried)
        .filter_map(|p| p.value.map(|v| (p.period.end(), v)))
        .collect();
    let mut projection = due.and_then(|d| progress::project(&reported_points, baseline.zip(baseline_date).map(|(v, d)| (d, v)), d));
    // A share stays between 0 and 100 % whatever the trend says.
    if indicator.kind == super::IndicatorKind::Percentage {
        if let Some(p) = projection.as_mut() {
            p.value = p.value.clamp(0.0, 100.0);
        }
    }
    Summary {
        series,
        latest,
        baseline,
        target,
        due,
        progress,
        expected_today,
        track,
        projection,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::impact::{Baseline, Direction, IndicatorKind, Observation, Target, TargetSpec, Temporality};
    use time::macros::date;

    fn jobs() -> Indicator {
        Indicator {
            code: "p.jobs".into(),
            project: Some("p".into()),
            name: "Emplois créés".into(),
            definition: String::new(),
            unit: "jobs".into(),
            kind: IndicatorKind::Quantity,
            direction: Direction::Increase,
            temporality: Temporality::Cumulative,
            baseline: Some(Baseline {
                value: 0.0,
                date: date!(2019 - 12 - 31),
                source: "s".into(),
            }),
            targets: vec![Target {
                due: date!(2030 - 12 - 31),
                spec: TargetSpec::Absolute { value: 1_000.0 },
                statement: None,
            }],
            data_source: String::new(),
            method: String::new(),
            frequency: Frequency::Quarterly,
            responsible: String::new(),
            version: 1,
        }
    }

    fn rep(period: &str, value: f64, seq: i64) -> Reported {
        Reported {
            project: "p".into(),
            indicator: "p.jobs".into(),
            period: period.parse().unwrap(),
            reporter: "P1".into(),
            observation: Observation::Value { value },
            seq,
        }
    }

    #[test]
    fn summary_carries_to_today_and_measures_progress() {
        let s = summarise(
            &jobs(),
            &[rep("2025-Q1", 120.0, 1), rep("2025-Q2", 155.0, 2)],
            date!(2025 - 11 - 30),
        );
        let periods: Vec<String> = s.series.iter().map(|p| p.period.to_string()).collect();
        assert_eq!(periods, ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]);
        assert!(s.series[3].carried && s.series[3].value == Some(155.0));
        // Latest is the carried Q4 value, 155 of 1 000: 15,5 % of the way.
        assert_eq!(s.progress.percent, Some(15.5));
        assert_eq!(s.target, Some(1_000.0));
        // Projection from the two reported values only (not the carried one).
        assert_eq!(s.projection.map(|p| p.points), Some(2));
        // Straight path: 0 on 2019-12-31 → 1 000 on 2030-12-31 (4 018 days); 2025-11-30 is
        // day 2 161.
        let e = s.expected_today.unwrap();
        assert!((e - 1_000.0 * 2_161.0 / 4_018.0).abs() < 1e-9, "{e}");
    }

    #[test]
    fn nothing_reported_is_no_value() {
        let s = summarise(&jobs(), &[], date!(2025 - 11 - 30));
        assert!(s.series.is_empty() && s.latest.is_none() && s.projection.is_none());
        assert_eq!(s.progress.state, crate::impact::progress::ProgressState::NoValue);
    }
}
