//! Measurements: a value for one period of one indicator, with its provenance and its
//! review status. A correction is a new measurement that supersedes the old one; nothing
//! is ever erased, and a missing value is `None`, never zero.

use super::period::Period;
use crate::access::Role;
use crate::vocabulary::vocabulary;
use serde::{Deserialize, Serialize};

/// What was observed. A percentage indicator is reported as numerator and denominator so
/// that the programme can add them up; any other as one value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Observation {
    /// A value in the indicator's unit.
    Value {
        /// The value.
        value: f64,
    },
    /// A share as its two counts (15 households of 50). Either may be missing.
    Fraction {
        /// What is counted (15); `None` when not (yet) known.
        numerator: Option<f64>,
        /// Out of what (50); `None` when not (yet) known.
        denominator: Option<f64>,
    },
}

/// The value an observation yields, in the indicator's unit (a fraction in per cent).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Yield {
    /// A usable value.
    Value(f64),
    /// No value: a count is missing (missing is not zero).
    Missing,
    /// No value, and a warning to show: the denominator is zero.
    ZeroDenominator,
}

impl Observation {
    /// The value: the value itself, or 100 × numerator / denominator. A missing count gives
    /// [`Yield::Missing`]; a zero denominator gives [`Yield::ZeroDenominator`], never an
    /// infinite or NaN number.
    pub fn value(&self) -> Yield {
        match *self {
            Observation::Value { value } if value.is_finite() => Yield::Value(value),
            Observation::Value { .. } => Yield::Missing,
            Observation::Fraction {
                numerator: Some(n),
                denominator: Some(d),
            } if n.is_finite() && d.is_finite() => {
                if d == 0.0 {
                    Yield::ZeroDenominator
                } else {
                    Yield::Value(100.0 * n / d)
                }
            }
            Observation::Fraction { .. } => Yield::Missing,
        }
    }

    /// The value as an option (`None` when missing or undefined).
    pub fn value_opt(&self) -> Option<f64> {
        match self.value() {
            Yield::Value(v) => Some(v),
            _ => None,
        }
    }
}

vocabulary! {
    /// Where a measurement stands in its review.
    MeasurementStatus {
        /// Entered, not yet sent for review; its author may still change it.
        Draft = "draft", "brouillon";
        /// Sent for review by the project.
        Submitted = "submitted", "soumise";
        /// Checked and approved by the operator: it counts in official figures.
        Approved = "approved", "validée";
        /// Sent back to the project with a reason; the project corrects and resubmits.
        Returned = "returned", "à réviser";
    }
}

/// A step in a measurement's review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewStep {
    /// Draft or returned → submitted, by the project (its lead or a partner).
    Submit,
    /// Submitted → approved, by the operator (a programme manager or an instructor).
    Approve,
    /// Submitted → returned, with a reason, by the operator.
    Return,
}

/// Why a review step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    /// The step does not apply to a measurement in this status.
    #[error("une mesure « {} » ne peut pas être {}", .from.label(), step_label(*.step))]
    NotFromHere {
        /// Current status.
        from: MeasurementStatus,
        /// Step asked.
        step: ReviewStep,
    },
    /// This role may not take this step.
    #[error("le rôle « {} » ne peut pas {}", .role.label(), step_verb(*.step))]
    Forbidden {
        /// The actor's role.
        role: Role,
        /// Step asked.
        step: ReviewStep,
    },
    /// Returning a measurement needs a reason.
    #[error("un motif est obligatoire pour renvoyer une mesure en révision")]
    ReasonRequired,
}

fn step_label(step: ReviewStep) -> &'static str {
    match step {
        ReviewStep::Submit => "soumise",
        ReviewStep::Approve => "validée",
        ReviewStep::Return => "renvoyée en révision",
    }
}

fn step_verb(step: ReviewStep) -> &'static str {
    match step {
        ReviewStep::Submit => "soumettre une mesure",
        ReviewStep::Approve => "valider une mesure",
        ReviewStep::Return => "renvoyer une mesure en révision",
    }
}

/// Whether `role` may enter measurements (drafts and corrections) for a project it
/// belongs to, and submit them: project leads and partners of that project, and the
/// operator's staff (programme managers, administrators) who enter on a project's behalf.
/// Record scoping (which project) is checked by the caller.
pub fn may_enter(role: Role) -> bool {
    matches!(
        role,
        Role::ProjectLead | Role::Partner | Role::ProgrammeManager | Role::OperatorAdmin
    )
}

/// The status after `step`, if `role` may take it from `from`; `reason` is required to
/// return a measurement (blank counts as missing).
///
/// Rules: the project side (see [`may_enter`]) submits a draft or a returned measurement;
/// programme managers and instructors approve or return a submitted one. An administrator
/// does not review (separation of duties: the one who may edit accounts does not also
/// validate figures).
pub fn review(from: MeasurementStatus, step: ReviewStep, role: Role, reason: Option<&str>) -> Result<MeasurementStatus, ReviewError> {
    use MeasurementStatus::*;
    let allowed = match step {
        ReviewStep::Submit => may_enter(role),
        ReviewStep::Approve | ReviewStep::Return => matches!(role, Role::ProgrammeManager | Role::Instructor),
    };
    if !allowed {
        return Err(ReviewError::Forbidden { role, step });
    }
    match (from, step) {
        (Draft | Returned, ReviewStep::Submit) => Ok(Submitted),
        (Submitted, ReviewStep::Approve) => Ok(Approved),
        (Submitted, ReviewStep::Return) => match reason.map(str::trim) {
            Some(r) if !r.is_empty() => Ok(Returned),
            _ => Err(ReviewError::ReasonRequired),
        },
        _ => Err(ReviewError::NotFromHere { from, step }),
    }
}

/// One reported value, as aggregation sees it: which project, indicator, period and
/// reporter, the observation, and the order it was recorded in (`seq`, increasing).
///
/// The reporter is who reports the value within the project (the lead or a partner):
/// values of different reporters for one period add up; a later value of the same reporter
/// for the same period replaces the earlier (a correction).
#[derive(Debug, Clone, PartialEq)]
pub struct Reported {
    /// Project slug.
    pub project: String,
    /// Indicator code.
    pub indicator: String,
    /// The period the value is for.
    pub period: Period,
    /// Who reports it within the project (an organisation or account name).
    pub reporter: String,
    /// The value.
    pub observation: Observation,
    /// Recording order: a higher `seq` was recorded later.
    pub seq: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use MeasurementStatus::*;

    #[test]
    fn missing_is_not_zero_and_zero_denominator_is_no_value() {
        let f = |n, d| {
            Observation::Fraction {
                numerator: n,
                denominator: d,
            }
            .value()
        };
        assert_eq!(f(Some(15.0), Some(50.0)), Yield::Value(30.0));
        assert_eq!(f(None, Some(200.0)), Yield::Missing);
        assert_eq!(f(Some(3.0), None), Yield::Missing);
        assert_eq!(f(Some(3.0), Some(0.0)), Yield::ZeroDenominator);
        assert_eq!(Observation::Value { value: f64::NAN }.value(), Yield::Missing);
    }

    #[test]
    fn review_steps_by_role() {
        assert_eq!(review(Draft, ReviewStep::Submit, Role::ProjectLead, None), Ok(Submitted));
        assert_eq!(review(Returned, ReviewStep::Submit, Role::Partner, None), Ok(Submitted));
        assert_eq!(review(Submitted, ReviewStep::Approve, Role::Instructor, None), Ok(Approved));
        assert_eq!(
            review(Submitted, ReviewStep::Return, Role::ProgrammeManager, Some("source ?")),
            Ok(Returned)
        );
        assert_eq!(
            review(Submitted, ReviewStep::Return, Role::ProgrammeManager, Some("  ")),
            Err(ReviewError::ReasonRequired)
        );
        assert_eq!(
            review(Submitted, ReviewStep::Approve, Role::ProjectLead, None),
            Err(ReviewError::Forbidden {
                role: Role::ProjectLead,
                step: ReviewStep::Approve
            })
        );
        assert_eq!(
            review(Submitted, ReviewStep::Approve, Role::OperatorAdmin, None),
            Err(ReviewError::Forbidden {
                role: Role::OperatorAdmin,
                step: ReviewStep::Approve
            })
        );
        assert_eq!(
            review(Approved, ReviewStep::Approve, Role::Instructor, None),
            Err(ReviewError::NotFromHere {
                from: Approved,
                step: ReviewStep::Approve
            })
        );
        assert!(review(Draft, ReviewStep::Submit, Role::Expert, None).is_err());
        assert!(review(Draft, ReviewStep::Submit, Role::Public, None).is_err());
    }
}
