//! Progress of an indicator towards its target.
//!
//! Progress is `(actual − baseline) / (target − baseline)`: the share of the way from the
//! baseline to the target that has been covered. The one formula serves "increase" and
//! "reduce" indicators alike (1 000 → 600 with 850 reached is 37,5 %), shows regression as
//! a negative share, and goes past 100 % when the target is beaten. When the target equals
//! the baseline (a "maintain" target) the ratio is undefined and the status says whether
//! the target is met instead; nothing here ever divides by zero or returns NaN.

use super::indicator::Direction;
use serde::Serialize;
use time::Date;

/// Where an indicator stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ProgressState {
    /// No value reported yet.
    NoValue,
    /// The baseline is unknown, so progress cannot be measured (never taken as zero).
    UnknownBaseline,
    /// No target, or a relative target whose baseline is unknown.
    UnknownTarget,
    /// Moved away from the target: progress is negative.
    Regression,
    /// On the way: progress between 0 and 100 %.
    InProgress,
    /// Target reached or beaten: progress 100 % or more.
    Reached,
    /// Target equal to baseline, and the value is on the right side of it.
    TargetMet,
    /// Target equal to baseline, and the value is on the wrong side of it.
    TargetNotMet,
}

impl ProgressState {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            ProgressState::NoValue => "aucune valeur",
            ProgressState::UnknownBaseline => "valeur de référence inconnue",
            ProgressState::UnknownTarget => "cible non chiffrée",
            ProgressState::Regression => "régression",
            ProgressState::InProgress => "en progression",
            ProgressState::Reached => "cible atteinte",
            ProgressState::TargetMet => "cible respectée",
            ProgressState::TargetNotMet => "cible non respectée",
        }
    }
}

/// Progress of one value against a baseline and a target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Progress {
    /// Share of the way covered, in per cent (37.5 for 37,5 %); `None` when undefined.
    pub percent: Option<f64>,
    /// `actual − baseline` in the indicator's unit; for a percentage indicator these are
    /// percentage **points** (12 % → 20 % is +8), never a relative change.
    pub change: Option<f64>,
    /// The state.
    pub state: ProgressState,
}

/// Progress of `actual` from `baseline` to `target`, for an indicator whose better side is
/// `direction`. Inputs in the indicator's unit; any `None` gives the matching state.
///
/// Equal target and baseline (to 1e-9 of their size): the ratio is undefined, and the
/// state is [`ProgressState::TargetMet`] when `actual` is at least the target (at most, for
/// a "reduce" indicator), [`ProgressState::TargetNotMet`] otherwise.
pub fn progress(baseline: Option<f64>, target: Option<f64>, actual: Option<f64>, direction: Direction) -> Progress {
    let change = match (actual, baseline) {
        (Some(a), Some(b)) => Some(a - b),
        _ => None,
    };
    let undefined = |state| Progress {
        percent: None,
        change,
        state,
    };
    let Some(actual) = actual.filter(|a| a.is_finite()) else {
        return undefined(ProgressState::NoValue);
    };
    let Some(baseline) = baseline.filter(|b| b.is_finite()) else {
        return undefined(ProgressState::UnknownBaseline);
    };
    let Some(target) = target.filter(|t| t.is_finite()) else {
        return undefined(ProgressState::UnknownTarget);
    };
    let span = target - baseline;
    if span.abs() <= 1e-9 * target.abs().max(baseline.abs()).max(1.0) {
        let met = match direction {
            Direction::Reduce => actual <= target,
            Direction::Increase | Direction::Maintain => actual >= target,
        };
        return undefined(if met {
            ProgressState::TargetMet
        } else {
            ProgressState::TargetNotMet
        });
    }
    let ratio = (actual - baseline) / span;
    let state = if ratio < 0.0 {
        ProgressState::Regression
    } else if ratio >= 1.0 {
        ProgressState::Reached
    } else {
        ProgressState::InProgress
    };
    Progress {
        percent: Some(ratio * 100.0),
        change,
        state,
    }
}

/// The value expected on `at` on the straight path from `baseline` (on `baseline_date`)
/// to `target` (on `due`): the baseline before the start, the target after the due date.
/// `None` when the dates are not in order.
pub fn expected_on(baseline: f64, baseline_date: Date, target: f64, due: Date, at: Date) -> Option<f64> {
    let total = (due - baseline_date).whole_days();
    if total <= 0 {
        return None;
    }
    let elapsed = (at - baseline_date).whole_days().clamp(0, total);
    Some(baseline + (target - baseline) * elapsed as f64 / total as f64)
}

/// Whether an indicator keeps pace with its straight path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Track {
    /// At least [`ON_TRACK_SHARE`] of the progress expected by now (or target reached).
    OnTrack,
    /// At least [`AT_RISK_SHARE`] of the progress expected by now.
    AtRisk,
    /// Less, or going backwards.
    OffTrack,
}

impl Track {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Track::OnTrack => "en bonne voie",
            Track::AtRisk => "à surveiller",
            Track::OffTrack => "en retard",
        }
    }
}

/// Share of the expected progress that counts as on track (90 %). A programme rule, not a
/// standard: stated with every status so readers can weigh it.
pub const ON_TRACK_SHARE: f64 = 0.9;
/// Share of the expected progress below which an indicator is off track (60 %).
pub const AT_RISK_SHARE: f64 = 0.6;

/// Compares `progress_percent` (from [`progress`]) on `at` with the share of time elapsed
/// between `baseline_date` and `due`. Regression is always off track; a reached target
/// always on track. `None` when the dates are not in order.
pub fn track(progress_percent: f64, baseline_date: Date, due: Date, at: Date) -> Option<Track> {
    let total = (due - baseline_date).whole_days();
    if total <= 0 || !progress_percent.is_finite() {
        return None;
    }
    let elapsed = (at - baseline_date).whole_days().clamp(0, total) as f64 / total as f64;
    let done = progress_percent / 100.0;
    Some(if done < 0.0 {
        Track::OffTrack
    } else if done >= 1.0 || done >= ON_TRACK_SHARE * elapsed {
        Track::OnTrack
    } else if done >= AT_RISK_SHARE * elapsed {
        Track::AtRisk
    } else {
        Track::OffTrack
    })
}

/// How a projection was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ProjectionMethod {
    /// Ordinary least-squares line through the dated values (two dates or more), time in
    /// days.
    LinearTrend,
    /// The line from the baseline through the only value reported.
    BaselineToLatest,
}

impl ProjectionMethod {
    /// French label, shown next to every projection.
    pub fn label(self) -> &'static str {
        match self {
            ProjectionMethod::LinearTrend => "tendance linéaire (moindres carrés) des valeurs déclarées",
            ProjectionMethod::BaselineToLatest => "prolongement de la droite entre la référence et la dernière valeur",
        }
    }
}

/// A value projected to a date.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Projection {
    /// The date projected to.
    pub at: Date,
    /// The projected value, in the indicator's unit.
    pub value: f64,
    /// How.
    pub method: ProjectionMethod,
    /// How many dated values it rests on (the baseline included for
    /// [`ProjectionMethod::BaselineToLatest`]).
    pub points: usize,
}

/// Projects the dated `values` to `at`: a least-squares line when they span two dates or
/// more, else the line from `baseline` through the single value; `None` with nothing to
/// go on (no value, or one value and no baseline, or all on one date).
pub fn project(values: &[(Date, f64)], baseline: Option<(Date, f64)>, at: Date) -> Option<Projection> {
    let values: Vec<(f64, f64)> = values
        .iter()
        .filter(|(_, v)| v.is_finite())
        .map(|(d, v)| (d.to_julian_day() as f64, *v))
        .collect();
    let x_at = at.to_julian_day() as f64;
    let distinct = values.iter().any(|(x, _)| *x != values[0].0);
    if values.len() >= 2 && distinct {
        let n = values.len() as f64;
        let mx = values.iter().map(|p| p.0).sum::<f64>() / n;
        let my = values.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = values.iter().map(|p| (p.0 - mx).powi(2)).sum();
        let sxy: f64 = values.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        let slope = sxy / sxx;
        let value = my + slope * (x_at - mx);
        return value.is_finite().then_some(Projection {
            at,
            value,
            method: ProjectionMethod::LinearTrend,
            points: values.len(),
        });
    }
    let (bd, bv) = baseline?;
    let (x1, y1) = *values.last()?;
    let x0 = bd.to_julian_day() as f64;
    if x1 <= x0 || !bv.is_finite() {
        return None;
    }
    let value = bv + (y1 - bv) * (x_at - x0) / (x1 - x0);
    value.is_finite().then_some(Projection {
        at,
        value,
        method: ProjectionMethod::BaselineToLatest,
        points: 2,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use Direction::*;

    fn pct(b: f64, t: f64, a: f64, d: Direction) -> (Option<f64>, ProgressState) {
        let p = progress(Some(b), Some(t), Some(a), d);
        (p.percent, p.state)
    }

    /// Issue 4, §7: a "reduce" indicator, baseline 1 000 (2020), target 600 (2030).
    #[test]
    fn reduce_indicator_progress_and_regression() {
        assert_eq!(pct(1_000.0, 600.0, 850.0, Reduce), (Some(37.5), ProgressState::InProgress));
        assert_eq!(pct(1_000.0, 600.0, 1_100.0, Reduce), (Some(-25.0), ProgressState::Regression));
        assert_eq!(pct(1_000.0, 600.0, 550.0, Reduce), (Some(112.5), ProgressState::Reached));
        // Target 0 from baseline 200: 50 reached is 150 / 200 of the way.
        assert_eq!(pct(200.0, 0.0, 50.0, Reduce), (Some(75.0), ProgressState::InProgress));
    }

    #[test]
    fn target_equal_to_baseline_is_met_or_not_never_nan() {
        assert_eq!(pct(95.0, 95.0, 96.0, Maintain), (None, ProgressState::TargetMet));
        assert_eq!(pct(95.0, 95.0, 94.0, Maintain), (None, ProgressState::TargetNotMet));
        assert_eq!(pct(95.0, 95.0, 94.0, Reduce), (None, ProgressState::TargetMet));
        let json = serde_json::to_string(&progress(Some(95.0), Some(95.0), Some(96.0), Maintain)).unwrap();
        assert_eq!(json, r#"{"percent":null,"change":1.0,"state":"target-met"}"#);
    }

    #[test]
    fn percentage_progress_is_in_points() {
        // 12 % → 20 %, target 32 %: 8 of 20 points, 40 % of the way, a change of +8 points.
        let p = progress(Some(12.0), Some(32.0), Some(20.0), Increase);
        assert_eq!(p.percent, Some(40.0));
        assert_eq!(p.change, Some(8.0));
    }

    #[test]
    fn unknowns_are_states_not_zeros() {
        assert_eq!(
            progress(None, Some(600.0), Some(850.0), Reduce).state,
            ProgressState::UnknownBaseline
        );
        assert_eq!(progress(Some(1.0), None, Some(2.0), Increase).state, ProgressState::UnknownTarget);
        assert_eq!(progress(Some(1.0), Some(2.0), None, Increase).state, ProgressState::NoValue);
    }

    #[test]
    fn straight_path_and_track() {
        // 1 000 on 2020-01-01 → 600 on 2030-01-01; on 2025-01-01, 1 827 of 3 653 days.
        let e = expected_on(1_000.0, date!(2020 - 01 - 01), 600.0, date!(2030 - 01 - 01), date!(2025 - 01 - 01)).unwrap();
        assert!((e - (1_000.0 - 400.0 * 1_827.0 / 3_653.0)).abs() < 1e-9, "{e}");
        assert_eq!(
            expected_on(1_000.0, date!(2020 - 01 - 01), 600.0, date!(2030 - 01 - 01), date!(2035 - 01 - 01)),
            Some(600.0)
        );
        let (b, due, mid) = (date!(2020 - 01 - 01), date!(2030 - 01 - 01), date!(2025 - 01 - 01));
        assert_eq!(track(50.0, b, due, mid), Some(Track::OnTrack));
        // Expected by then: 1 827 / 3 653 = 50,014 %; on track from 0,9 × 50,014 = 45,012 %.
        assert_eq!(track(45.02, b, due, mid), Some(Track::OnTrack));
        assert_eq!(track(45.0, b, due, mid), Some(Track::AtRisk));
        assert_eq!(track(40.0, b, due, mid), Some(Track::AtRisk));
        assert_eq!(track(20.0, b, due, mid), Some(Track::OffTrack));
        assert_eq!(track(-5.0, b, due, b), Some(Track::OffTrack));
        assert_eq!(track(10.0, due, b, mid), None);
    }

    #[test]
    fn projection_by_least_squares_or_from_the_baseline() {
        let d = |y| Date::from_calendar_date(y, time::Month::January, 1).unwrap();
        // 100, 200, 300 on three consecutive 1 Januaries (365 and 366 days apart: 2024 leaps).
        let p = project(&[(d(2022), 100.0), (d(2023), 200.0), (d(2024), 300.0)], None, d(2024)).unwrap();
        assert_eq!(p.method, ProjectionMethod::LinearTrend);
        assert!((p.value - 300.0).abs() < 0.5, "{p:?}");
        let p = project(&[(d(2025), 850.0)], Some((d(2020), 1_000.0)), d(2030)).unwrap();
        assert_eq!(p.method, ProjectionMethod::BaselineToLatest);
        // 150 lost in 1 827 days, projected over 3 653 days from 2020.
        assert!((p.value - (1_000.0 - 150.0 * 3_653.0 / 1_827.0)).abs() < 1e-6, "{p:?}");
        assert_eq!(project(&[(d(2025), 850.0)], None, d(2030)), None);
        assert_eq!(project(&[], Some((d(2020), 1.0)), d(2030)), None);
    }
}
