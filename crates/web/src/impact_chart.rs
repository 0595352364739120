//! The indicator chart: an SVG line chart drawn in the template from coordinates computed
//! here. Time runs left to right from the baseline (or the first value) to the final
//! target's due date; it shows the target line, the straight path from baseline to target,
//! the reported values and the projection. The page always follows it with the table of the
//! same numbers, so the chart is a reading aid, never the only place a figure is.

use territoires_domain::impact::format_number;
use territoires_domain::impact::summary::Summary;
use time::Date;

/// Drawing area, in SVG user units (the SVG scales to the page width).
const W: f64 = 640.0;
const H: f64 = 260.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 40.0;

/// A point in SVG coordinates, with the text of its tooltip.
#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    /// x, one decimal.
    pub x: String,
    /// y, one decimal.
    pub y: String,
    /// « T1 2025 : 130 ».
    pub title: String,
}

/// An axis tick: its position and label.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// Position along the axis (x for the time axis, y for the value axis).
    pub at: String,
    /// Where the label goes: the middle of the year for the time axis (between its two
    /// boundary lines), the tick itself for the value axis.
    pub label_at: String,
    /// Label.
    pub label: String,
}

/// Everything the template draws.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorChart {
    /// `viewBox`.
    pub view_box: String,
    /// Reported values, as a polyline's `points`, and as dots.
    pub values_line: String,
    /// The dots of the reported values.
    pub values: Vec<Dot>,
    /// Straight path from baseline to target (`x1 y1 x2 y2`), when both are known.
    pub path: Option<[String; 4]>,
    /// Horizontal target line's y and label, when the target is known.
    pub target: Option<(String, String)>,
    /// Projection from the last value to the due date (`x1 y1 x2 y2`).
    pub projection: Option<[String; 4]>,
    /// Time ticks (years).
    pub x_ticks: Vec<Tick>,
    /// Value ticks.
    pub y_ticks: Vec<Tick>,
    /// Plot bounds for the axes: left x, bottom y, right x, top y.
    pub frame: [String; 4],
    /// The accessible description: every drawn number in words.
    pub desc: String,
}

fn f1(v: f64) -> String {
    format!("{v:.1}")
}

/// The chart of `summary` (with `unit` the symbol after values), or `None` when there is
/// nothing to draw (no value, no baseline and no target) or no time span.
pub fn indicator_chart(summary: &Summary, baseline_date: Option<Date>, unit: &str) -> Option<IndicatorChart> {
    let values: Vec<(Date, f64, String)> = summary
        .series
        .iter()
        .filter(|p| !p.carried)
        .filter_map(|p| p.value.map(|v| (p.period.end(), v, p.period.label())))
        .collect();
    let baseline = summary.baseline.zip(baseline_date);
    let target = summary.target.zip(summary.due);
    let projection = summary.projection.map(|p| (p.at, p.value));
    let mut dates: Vec<Date> = values.iter().map(|v| v.0).collect();
    dates.extend(baseline.map(|b| b.1));
    dates.extend(target.map(|t| t.1));
    let mut ys: Vec<f64> = values.iter().map(|v| v.1).collect();
    ys.extend(baseline.map(|b| b.0));
    ys.extend(target.map(|t| t.0));
    ys.extend(projection.map(|p| p.1));
    let (d0, d1) = (*dates.iter().min()?, *dates.iter().max()?);
    let (j0, j1) = (d0.to_julian_day() as f64, d1.to_julian_day() as f64);
    if j1 <= j0 {
        return None;
    }
    let mut lo = ys.iter().copied().fold(f64::INFINITY, f64::min).min(0.0);
    let mut hi = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return None;
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    // Round ticks: a step of 1, 2 or 5 × 10ⁿ giving about four intervals, the axis
    // widened to whole steps.
    let raw = (hi - lo) / 4.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    lo = (lo / step).floor() * step;
    hi = (hi / step).ceil() * step;
    if hi <= lo {
        hi = lo + step;
    }
    let x = |d: Date| LEFT + (d.to_julian_day() as f64 - j0) / (j1 - j0) * (W - LEFT - RIGHT);
    let y = |v: f64| H - BOTTOM - (v - lo) / (hi - lo) * (H - TOP - BOTTOM);
    let dots: Vec<Dot> = values
        .iter()
        .map(|(d, v, label)| Dot {
            x: f1(x(*d)),
            y: f1(y(*v)),
            title: format!("{label} : {} {unit}", format_number(*v)),
        })
        .collect();
    let values_line = dots.iter().map(|d| format!("{},{}", d.x, d.y)).collect::<Vec<_>>().join(" ");
    let path = baseline
        .zip(target)
        .map(|((bv, bd), (tv, td))| [f1(x(bd)), f1(y(bv)), f1(x(td)), f1(y(tv))]);
    let proj = match (values.last(), projection) {
        (Some((ld, lv, _)), Some((pd, pv))) if pd > *ld => Some([f1(x(*ld)), f1(y(*lv)), f1(x(pd.min(d1))), f1(y(pv))]),
        _ => None,
    };
    // A line at each 1 January, the year's label in the middle of its year, so that a
    // value at a period's end (31 December 2021) sits at the right edge of « 2021 ».
    let x_ticks = (d0.year()..=d1.year())
        .filter(|yr| (d1.year() - d0.year()) < 12 || yr % 2 == 0)
        .filter_map(|yr| {
            Some((
                Date::from_calendar_date(yr, time::Month::January, 1).ok()?,
                Date::from_calendar_date(yr, time::Month::July, 1).ok()?,
            ))
        })
        .filter(|(_, mid)| *mid >= d0 && *mid <= d1)
        .map(|(jan, mid)| Tick {
            at: f1(x(jan.max(d0))),
            label_at: f1(x(mid)),
            label: jan.year().to_string(),
        })
        .collect();
    let intervals = ((hi - lo) / step).round().clamp(1.0, 10.0) as i32;
    let y_ticks = (0..=intervals)
        .map(|i| {
            let v = lo + step * f64::from(i);
            Tick {
                at: f1(y(v)),
                label_at: f1(y(v)),
                label: format_number(v),
            }
        })
        .collect();
    let mut desc = vec![];
    if let Some((bv, bd)) = baseline {
        desc.push(format!("référence {} {unit} au {}", format_number(bv), crate::format::date(bd)));
    }
    if let Some((tv, td)) = target {
        desc.push(format!("cible {} {unit} au {}", format_number(tv), crate::format::date(td)));
    }
    for (_, v, label) in &values {
        desc.push(format!("{label} : {} {unit}", format_number(*v)));
    }
    if let Some((pd, pv)) = projection {
        desc.push(format!("projection {} {unit} au {}", format_number(pv), crate::format::date(pd)));
    }
    Some(IndicatorChart {
        view_box: format!("0 0 {W} {H}"),
        values_line,
        values: dots,
        path,
        target: target.map(|(tv, _)| (f1(y(tv)), format!("cible {}", format_number(tv)))),
        projection: proj,
        x_ticks,
        y_ticks,
        frame: [f1(LEFT), f1(H - BOTTOM), f1(W - RIGHT), f1(TOP)],
        desc: desc.join(" ; "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use territoires_domain::impact::progress::{Progress, ProgressState};
    use time::macros::date;

    #[test]
    fn ticks_are_round_and_years_are_labelled_mid_year() {
        // Baseline 178 (13 September 2019) → target 790 (31 December 2030), no value yet.
        let s = Summary {
            series: vec![],
            latest: None,
            baseline: Some(178.0),
            target: Some(790.0),
            due: Some(date!(2030 - 12 - 31)),
            progress: Progress {
                percent: None,
                change: None,
                state: ProgressState::NoValue,
            },
            expected_today: None,
            track: None,
            projection: None,
        };
        let c = indicator_chart(&s, Some(date!(2019 - 09 - 13)), "kWh").unwrap();
        let labels: Vec<&str> = c.y_ticks.iter().map(|t| t.label.as_str()).collect();
        // 612 to cover in about four steps: steps of 200, from 0 to 800.
        assert_eq!(labels, ["0", "200", "400", "600", "800"]);
        assert_eq!(c.x_ticks.first().map(|t| t.label.as_str()), Some("2020"));
        assert_eq!(c.x_ticks.last().map(|t| t.label.as_str()), Some("2030"));
        assert!(c.path.is_some() && c.target.is_some() && c.values.is_empty());
        assert!(
            c.desc.contains("référence 178 kWh au 13 septembre 2019") && c.desc.contains("cible 790 kWh"),
            "{}",
            c.desc
        );
    }
}
