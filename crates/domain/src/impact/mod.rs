//! Impact measurement (issue 4): indicators with baselines and dated targets, measurements
//! with provenance and review, progress towards targets, and programme-level aggregation.
//!
//! Values are `f64` in the indicator's unit (persons, MWh, tCO₂e, %, …): they are
//! measurements, not amounts of money, which stay integer cents in [`crate::money`].
//! Every function here keeps "no value" distinct from zero (`Option`), and never returns
//! an infinite or NaN number.
//!
//! - [`unit`](mod@unit): the unit registry and conversions within a dimension;
//! - [`period`]: calendar reporting periods;
//! - [`target`]: dated targets, absolute or relative to the baseline;
//! - [`target_phrase`]: reading the fiches' French target phrases into targets;
//! - [`indicator`]: indicator definitions;
//! - [`measurement`]: observations, review workflow, what aggregation consumes;
//! - [`progress`]: progress, status, straight path, projection;
//! - [`catalogue`]: the fiches' impact sentences and the indicators made from them;
//! - [`aggregation`]: series over periods, programme aggregates with completeness;
//! - [`summary`]: an indicator's standing on a day (what its page shows);
//! - [`programme`]: programme figures from mapped project indicators;
//! - [`cube`]: the whole programme's aggregates in memory, built fast and updated incrementally;
//! - [`taxonomy`]: the shared programme indicators project indicators map onto.

pub mod aggregation;
pub mod catalogue;
pub mod cube;
pub mod indicator;
pub mod measurement;
pub mod period;
pub mod programme;
pub mod progress;
pub mod summary;
pub mod target;
pub mod target_phrase;
pub mod taxonomy;
pub mod unit;

pub use indicator::{Baseline, Direction, Frequency, Indicator, IndicatorKind, Temporality};
pub use measurement::{MeasurementStatus, Observation, Reported};
pub use period::Period;
pub use target::{Target, TargetSpec};
pub use unit::Unit;

/// Why an impact operation failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImpactError {
    /// A unit or conversion problem.
    #[error(transparent)]
    Unit(unit::UnitError),
    /// A field of a definition is not acceptable.
    #[error("{field} : {why}")]
    Invalid {
        /// The field, as named in the data files and the API.
        field: &'static str,
        /// What is wrong, in French.
        why: String,
    },
}

/// A number in French style: thin groups of three with a narrow no-break space, decimal
/// comma, at most two decimals, no trailing zeros: `12 000 000`, `54,55`, `0,5`.
pub fn format_number(v: f64) -> String {
    if !v.is_finite() {
        return "—".to_owned();
    }
    let rounded = (v * 100.0).round() / 100.0;
    let negative = rounded < 0.0;
    let s = format!("{:.2}", rounded.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    let frac = frac.trim_end_matches('0');
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    if negative && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.insert(0, '−');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::format_number;

    #[test]
    fn french_numbers() {
        assert_eq!(format_number(12_000_000.0), "12\u{202f}000\u{202f}000");
        assert_eq!(format_number(60.0 / 110.0 * 100.0), "54,55");
        assert_eq!(format_number(0.5), "0,5");
        assert_eq!(format_number(-25.0), "−25");
        assert_eq!(format_number(-0.001), "0");
        assert_eq!(format_number(f64::NAN), "—");
    }
}
