//! Indicator definitions: what is measured, in which unit, which way is better, how values
//! add up over time and across projects, where they start and where they should get to.

use super::target::Target;
use super::unit::Unit;
use super::ImpactError;
use crate::vocabulary::vocabulary;
use serde::{Deserialize, Serialize};
use time::Date;

vocabulary! {
    /// The shape of a value.
    IndicatorKind {
        /// A number in a unit (jobs, MWh, hectares…).
        Quantity = "quantity", "quantité";
        /// A share in per cent computed from a numerator and a denominator (15 households of
        /// 50). Aggregates as Σ numerators / Σ denominators, never as a mean of rates.
        Percentage = "percentage", "pourcentage";
        /// A ratio or index that is not a share (a price per MWh, a multiple). Never summed
        /// across projects.
        Ratio = "ratio", "ratio";
        /// No number: an objective followed by narrative evidence only.
        Qualitative = "qualitative", "qualitatif";
    }
}

vocabulary! {
    /// Which way is progress.
    Direction {
        /// Higher is better.
        Increase = "increase", "augmenter";
        /// Lower is better.
        Reduce = "reduce", "réduire";
        /// Stay at least at the target (the baseline).
        Maintain = "maintain", "maintenir";
    }
}

vocabulary! {
    /// What a value of one period means, which fixes how periods and projects combine.
    Temporality {
        /// A level at the period's end (a share of renewable energy, a number of farms
        /// engaged). Across periods: the latest value; across projects: summed for
        /// quantities, Σ num / Σ den for percentages.
        Level = "level", "niveau à date";
        /// A quantity over the period (MWh produced in the quarter). Across periods: summed;
        /// across projects: summed.
        Flow = "flow", "flux sur la période";
        /// A running total since the indicator's start date (jobs created since 2019).
        /// Across periods: the latest value, never the sum of periods, carried over when a
        /// period has no report; across projects: summed.
        Cumulative = "cumulative", "cumul depuis le début";
    }
}

vocabulary! {
    /// How often values are expected.
    Frequency {
        /// Every month.
        Monthly = "monthly", "mensuelle";
        /// Every quarter.
        Quarterly = "quarterly", "trimestrielle";
        /// Every year.
        Yearly = "yearly", "annuelle";
    }
}

impl Frequency {
    /// Whether `period` is of this frequency's granularity: one indicator's values all
    /// share one granularity, so summing a flow's periods never counts a quarter twice
    /// (once alone and once inside its year).
    pub fn accepts(self, period: super::Period) -> bool {
        use super::Period;
        matches!(
            (self, period),
            (Frequency::Monthly, Period::Month(..)) | (Frequency::Quarterly, Period::Quarter(..)) | (Frequency::Yearly, Period::Year(_))
        )
    }
}

/// The starting point of an indicator: a value at a date, and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Baseline {
    /// The value, in the indicator's unit.
    pub value: f64,
    /// The date the value describes.
    pub date: Date,
    /// Where it comes from (a fiche sentence, a survey, a statistical source).
    pub source: String,
}

/// An indicator definition (one version of it: see [`Indicator::version`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Indicator {
    /// Stable code, unique in the programme: `biovallee.energie-produite-localement`.
    pub code: String,
    /// The project it belongs to (slug), or `None` for a programme indicator.
    pub project: Option<String>,
    /// Short French name.
    pub name: String,
    /// What exactly is counted, and what is not.
    pub definition: String,
    /// Code of its unit in [`super::unit::UNITS`].
    pub unit: String,
    /// Shape of a value.
    pub kind: IndicatorKind,
    /// Which way is better.
    pub direction: Direction,
    /// How periods combine.
    pub temporality: Temporality,
    /// Where it starts; `None` while unknown (never zero by default).
    pub baseline: Option<Baseline>,
    /// Milestones, earliest first (e.g. 2024 and 2030).
    pub targets: Vec<Target>,
    /// Where values come from.
    pub data_source: String,
    /// How values are produced.
    pub method: String,
    /// How often values are expected.
    pub frequency: Frequency,
    /// The organisation responsible for reporting.
    pub responsible: String,
    /// Version of this definition, from 1; a change of definition or of baseline makes a new
    /// version, and each measurement records the version it was reported under.
    pub version: u32,
}

impl Indicator {
    /// The unit, looked up in the registry. Errors: [`ImpactError::Unit`] for an unknown code.
    pub fn unit(&self) -> Result<&'static Unit, ImpactError> {
        Ok(Unit::parse(&self.unit)?)
    }

    /// The baseline value, if known, taking a from-to target's starting value when no
    /// baseline was recorded (« de 94 % à 80 % » states the baseline 94 %).
    pub fn baseline_value(&self) -> Option<f64> {
        self.baseline
            .as_ref()
            .map(|b| b.value)
            .or_else(|| self.targets.iter().find_map(|t| t.spec.stated_baseline()))
    }

    /// The final target (the latest milestone): its due date and value. The value is
    /// `None` when the target is relative and the baseline unknown.
    pub fn final_target(&self) -> Option<(Date, Option<f64>)> {
        self.targets
            .iter()
            .max_by_key(|t| t.due)
            .map(|t| (t.due, t.spec.resolve(self.baseline_value())))
    }

    /// Checks the definition is coherent: a known unit, a percentage in `percent`, targets
    /// sorted by date, finite numbers, a baseline dated strictly before every target's due
    /// date (progress runs from the baseline to the target: a baseline after the target
    /// would turn progress upside down). Errors name the field.
    pub fn validate(&self) -> Result<(), ImpactError> {
        let unit = self.unit()?;
        let invalid = |field: &'static str, why: String| Err(ImpactError::Invalid { field, why });
        if self.code.trim().is_empty() {
            return invalid("code", "vide".into());
        }
        if self.name.trim().is_empty() {
            return invalid("name", "vide".into());
        }
        if self.kind == IndicatorKind::Percentage && !unit.is_percent() {
            return invalid("unit", format!("un pourcentage s'exprime en « percent », pas en « {} »", unit.code));
        }
        if let Some(b) = &self.baseline {
            if !b.value.is_finite() {
                return invalid("baseline.value", "nombre non fini".into());
            }
        }
        if self.targets.windows(2).any(|w| w[0].due > w[1].due) {
            return invalid("targets", "les jalons doivent être dans l'ordre des dates".into());
        }
        if let Some(b) = &self.baseline {
            if let Some(t) = self.targets.iter().find(|t| t.due <= b.date) {
                return invalid(
                    "baseline.date",
                    format!(
                        "la base de référence ({}) doit précéder l'échéance de chaque cible (cible au {})",
                        b.date, t.due
                    ),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::impact::target::TargetSpec;
    use time::macros::date;

    /// Jobs created, baseline 100 on `baseline`, a target of 1 000 due 2027-12-31.
    fn jobs(baseline: Date) -> Indicator {
        Indicator {
            code: "vallee.emplois".into(),
            project: Some("vallee".into()),
            name: "Emplois créés".into(),
            definition: "Emplois créés sur le territoire.".into(),
            unit: "jobs".into(),
            kind: IndicatorKind::Quantity,
            direction: Direction::Increase,
            temporality: Temporality::Cumulative,
            baseline: Some(Baseline {
                value: 100.0,
                date: baseline,
                source: "fiche".into(),
            }),
            targets: vec![Target {
                due: date!(2027 - 12 - 31),
                spec: TargetSpec::Absolute { value: 1000.0 },
                statement: None,
            }],
            data_source: "Registre".into(),
            method: "Comptage".into(),
            frequency: Frequency::Quarterly,
            responsible: "Ville".into(),
            version: 1,
        }
    }

    #[test]
    fn the_baseline_precedes_every_target() {
        assert_eq!(jobs(date!(2020 - 12 - 31)).validate(), Ok(()));
        for late in [date!(2040 - 12 - 31), date!(2027 - 12 - 31)] {
            match jobs(late).validate() {
                Err(ImpactError::Invalid { field, .. }) => assert_eq!(field, "baseline.date"),
                other => panic!("{late}: {other:?}"),
            }
        }
        // A second, later target does not excuse a baseline after the first one.
        let mut two = jobs(date!(2028 - 06 - 30));
        two.targets.push(Target {
            due: date!(2030 - 12 - 31),
            spec: TargetSpec::Absolute { value: 2000.0 },
            statement: None,
        });
        assert!(matches!(
            two.validate(),
            Err(ImpactError::Invalid {
                field: "baseline.date",
                ..
            })
        ));
    }
}
