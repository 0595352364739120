//! Dated targets, absolute or relative to the baseline, as the fiches write them:
//! « Réduire de 30 % » ([`TargetSpec::Change`]), « Passer de 178 à 790 » / « de 94 % à
//! 80 % » ([`TargetSpec::FromTo`]), « Multiplier par 5 » / « Doubler »
//! ([`TargetSpec::Multiply`]), « Créer 1 000 emplois » / « 80 % des produits »
//! ([`TargetSpec::Absolute`]), « Maintien du potentiel » ([`TargetSpec::Maintain`]).

use serde::{Deserialize, Serialize};
use time::Date;

/// How a target is stated. A relative target keeps its statement, so re-baselining
/// recomputes its value instead of freezing a number computed from an old baseline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "form", rename_all = "kebab-case")]
pub enum TargetSpec {
    /// A value to reach, in the indicator's unit (« 1 000 emplois », « 80 % »).
    Absolute {
        /// The value, in the indicator's unit.
        value: f64,
    },
    /// A change relative to the baseline, in per cent: −30 for « réduire de 30 % », +20 for
    /// « augmenter de 20 % ». Needs a baseline.
    Change {
        /// Signed change in per cent of the baseline.
        percent: f64,
    },
    /// The baseline times a factor: 2 for « doubler », 5 for « multiplier par 5 », 0.5 for
    /// « diviser par deux ». Needs a baseline.
    Multiply {
        /// The factor.
        factor: f64,
    },
    /// From a stated starting value to a target value (« de 94 % à 80 % »): the starting
    /// value is the baseline.
    FromTo {
        /// The starting value (the baseline the fiche states).
        from: f64,
        /// The value to reach.
        to: f64,
    },
    /// Keep the baseline level: the target value is the baseline.
    Maintain,
}

impl TargetSpec {
    /// The target value, in the indicator's unit, given the baseline value (if known).
    ///
    /// `None` when the target is relative ([`Change`](Self::Change),
    /// [`Multiply`](Self::Multiply), [`Maintain`](Self::Maintain)) and the baseline is
    /// unknown: an unknown baseline is never taken as zero.
    pub fn resolve(&self, baseline: Option<f64>) -> Option<f64> {
        match *self {
            TargetSpec::Absolute { value } => Some(value),
            TargetSpec::FromTo { to, .. } => Some(to),
            TargetSpec::Change { percent } => baseline.map(|b| b * (1.0 + percent / 100.0)),
            TargetSpec::Multiply { factor } => baseline.map(|b| b * factor),
            TargetSpec::Maintain => baseline,
        }
    }

    /// The baseline value the statement itself gives (the `from` of a from-to target).
    pub fn stated_baseline(&self) -> Option<f64> {
        match *self {
            TargetSpec::FromTo { from, .. } => Some(from),
            _ => None,
        }
    }

    /// Short French statement: `1 000`, `−30 %`, `×5`, `de 94 à 80`, `maintien`.
    pub fn label(&self) -> String {
        use crate::impact::format_number;
        match *self {
            TargetSpec::Absolute { value } => format_number(value),
            TargetSpec::Change { percent } if percent < 0.0 => format!("−{} %", format_number(-percent)),
            TargetSpec::Change { percent } => format!("+{} %", format_number(percent)),
            TargetSpec::Multiply { factor } => format!("×{}", format_number(factor)),
            TargetSpec::FromTo { from, to } => format!("de {} à {}", format_number(from), format_number(to)),
            TargetSpec::Maintain => "maintien".to_owned(),
        }
    }
}

/// A dated target (a milestone): the value to reach by `due`, as stated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Target {
    /// The date the target is due (31 December of the year when a fiche says « en 2027 » or
    /// « à horizon 2030 »).
    pub due: Date,
    /// How it is stated.
    pub spec: TargetSpec,
    /// The words it was stated in, verbatim (« Réduire de 30 % le tonnage de déchets »),
    /// when it comes from a document.
    pub statement: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_targets_need_a_baseline() {
        assert_eq!(TargetSpec::Change { percent: -30.0 }.resolve(Some(1_000.0)), Some(700.0));
        assert_eq!(TargetSpec::Change { percent: -30.0 }.resolve(None), None);
        assert_eq!(TargetSpec::Multiply { factor: 2.0 }.resolve(Some(12.5)), Some(25.0));
        assert_eq!(TargetSpec::Multiply { factor: 5.0 }.resolve(None), None);
        assert_eq!(TargetSpec::Maintain.resolve(Some(95.0)), Some(95.0));
        assert_eq!(TargetSpec::Maintain.resolve(None), None);
        assert_eq!(TargetSpec::FromTo { from: 94.0, to: 80.0 }.resolve(None), Some(80.0));
        assert_eq!(TargetSpec::Absolute { value: 1_000.0 }.resolve(None), Some(1_000.0));
    }

    #[test]
    fn labels() {
        assert_eq!(TargetSpec::Change { percent: -30.0 }.label(), "−30 %");
        assert_eq!(TargetSpec::Multiply { factor: 5.0 }.label(), "×5");
        assert_eq!(TargetSpec::FromTo { from: 178.0, to: 790.0 }.label(), "de 178 à 790");
        assert_eq!(TargetSpec::Absolute { value: 12_000_000.0 }.label(), "12\u{202f}000\u{202f}000");
    }
}
