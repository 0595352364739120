//! The burn-down chart of an envelope: an SVG line chart drawn in the template from
//! coordinates computed here, years 2019 to 2029 left to right, euros bottom to top from
//! zero to the cap (the top line). Two lines: cumulative committed and cumulative paid at
//! the end of each year. The page follows it with the table of the same numbers.

use crate::funding_view::BurnDown;
use crate::impact_chart::Tick;

const W: f64 = 640.0;
const H: f64 = 260.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 40.0;

/// Everything the template draws.
#[derive(Debug, Clone, PartialEq)]
pub struct BurnDownChart {
    /// Element id prefix (`burn-subsidy`).
    pub id: String,
    /// `viewBox`.
    pub view_box: String,
    /// Plot bounds: left x, bottom y, right x, top y (the top is the cap).
    pub frame: [String; 4],
    /// The committed line, as a polyline's `points`.
    pub committed: String,
    /// The paid line.
    pub disbursed: String,
    /// Year ticks.
    pub x_ticks: Vec<Tick>,
    /// Value ticks: 0, ¼, ½, ¾ and the cap, in M€.
    pub y_ticks: Vec<Tick>,
    /// Accessible title.
    pub title: String,
    /// Every point in words.
    pub desc: String,
}

fn f1(v: f64) -> String {
    format!("{v:.1}")
}

/// The chart of `b` titled after `label`; a zero cap draws the axis from 0 to 1 €.
pub fn burn_down_chart(b: &BurnDown, label: &str, id: &str) -> BurnDownChart {
    // Ratios for drawing only: the figures themselves stay in cents (the table).
    let cap = b.cap.cents().max(1) as f64;
    let n = b.years.len().max(2) as f64 - 1.0;
    let x = |i: usize| LEFT + i as f64 / n * (W - LEFT - RIGHT);
    let y = |cents: i64| H - BOTTOM - (cents as f64 / cap).clamp(0.0, 1.05) * (H - TOP - BOTTOM);
    let line = |f: fn(&territoires_domain::funding::ledger::YearPoint) -> i64| {
        b.years
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{},{}", f1(x(i)), f1(y(f(p)))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let x_ticks = b
        .years
        .iter()
        .enumerate()
        .map(|(i, p)| Tick {
            at: f1(x(i)),
            label_at: f1(x(i)),
            label: p.year.to_string(),
        })
        .collect();
    let y_ticks = (0..=4)
        .map(|q| {
            let cents = b.cap.cents() / 4 * q;
            Tick {
                at: f1(y(cents)),
                label_at: f1(y(cents)),
                label: territoires_domain::Money(cents).fmt_millions(),
            }
        })
        .collect();
    let desc = b
        .years
        .iter()
        .map(|p| {
            format!(
                "{} : engagé {}, versé {}",
                p.year,
                p.committed.fmt_millions(),
                p.disbursed.fmt_millions()
            )
        })
        .collect::<Vec<_>>()
        .join(" ; ");
    BurnDownChart {
        id: id.to_owned(),
        view_box: format!("0 0 {W} {H}"),
        frame: [f1(LEFT), f1(H - BOTTOM), f1(W - RIGHT), f1(TOP)],
        committed: line(|p| p.committed.cents()),
        disbursed: line(|p| p.disbursed.cents()),
        x_ticks,
        y_ticks,
        title: format!(
            "{label} : engagé et versé cumulés, 2019 à 2029, sur un plafond de {}",
            b.cap.fmt_millions()
        ),
        desc: format!("{desc}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use territoires_domain::funding::ledger::YearPoint;
    use territoires_domain::programme::EnvelopeKind;
    use territoires_domain::Money;

    #[test]
    fn the_cap_is_the_top_and_years_spread_evenly() {
        let point = |year, committed, disbursed| YearPoint {
            year,
            committed: Money(committed),
            disbursed: Money(disbursed),
            remaining: Money(400 - committed),
        };
        let b = BurnDown {
            kind: EnvelopeKind::Subsidy,
            cap: Money(400),
            years: vec![point(2019, 0, 0), point(2020, 200, 100), point(2021, 400, 400)],
        };
        let c = burn_down_chart(&b, "Subventions", "burn-subsidy");
        // x: 80, 80 + 540/2 = 350, 620; y: bottom 220, half 220 − 100 = 120, top 20.
        assert_eq!(c.committed, "80.0,220.0 350.0,120.0 620.0,20.0");
        assert_eq!(c.disbursed, "80.0,220.0 350.0,170.0 620.0,20.0");
        assert_eq!(c.frame, ["80.0", "220.0", "620.0", "20.0"].map(String::from));
        assert_eq!(c.y_ticks.last().unwrap().at, "20.0");
    }
}
