//! The committee's deliberation record (*procès-verbal de délibération*) of a call: the
//! date, the members present, and one decision per application heard — selected or
//! rejected, each with its reason (issue 3, « deliberation record, decision and
//! notification »).
//!
//! Recording it takes the decisions: each decision is the application workflow's
//! [`Transition::Select`] or [`Transition::Reject`], decided by
//! [`crate::application::apply`] like any other transition.

use crate::application::{ApplicationId, Transition};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use time::Date;

/// The committee's decision on one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// *Retenue*.
    Selected,
    /// *Non retenue*.
    Rejected,
}

impl Decision {
    /// Stable code: `selected`, `rejected`.
    pub fn code(self) -> &'static str {
        match self {
            Decision::Selected => "selected",
            Decision::Rejected => "rejected",
        }
    }

    /// The decision whose [`code`](Self::code) is `code`.
    pub fn from_code(code: &str) -> Option<Decision> {
        [Decision::Selected, Decision::Rejected].into_iter().find(|d| d.code() == code)
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Decision::Selected => "Retenue",
            Decision::Rejected => "Non retenue",
        }
    }

    /// The workflow transition that takes this decision, with `reason`.
    pub fn transition(self, reason: &str) -> Transition {
        let reason = reason.to_owned();
        match self {
            Decision::Selected => Transition::Select { reason },
            Decision::Rejected => Transition::Reject { reason },
        }
    }
}

/// One line of the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionLine {
    /// The application decided on.
    pub application_id: ApplicationId,
    /// Selected or rejected.
    pub decision: Decision,
    /// The reason, in French (shown to the applicant).
    pub reason: String,
}

/// Why a record was refused, in French, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliberationError {
    /// No member listed.
    #[error("La liste des membres présents (« members ») est vide.")]
    NoMembers,
    /// No decision listed.
    #[error("Aucune décision (« decisions ») : le procès-verbal doit en porter au moins une.")]
    NoDecisions,
    /// The same application is decided twice.
    #[error("La candidature n° {0} figure deux fois dans les décisions.")]
    Duplicate(ApplicationId),
    /// A reason is blank.
    #[error("Le motif de la décision sur la candidature n° {0} est obligatoire.")]
    MissingReason(ApplicationId),
    /// The committee cannot have met after today.
    #[error(
        "Le champ « Date de la séance » (held_on) ne peut pas être postérieur à aujourd'hui ({today}, heure de Paris) : reçu {held_on}."
    )]
    FutureDate {
        /// The date given.
        held_on: Date,
        /// Today, Europe/Paris.
        today: Date,
    },
}

/// A deliberation record as submitted, checked by [`Record::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Date the committee met (Europe/Paris calendar).
    pub held_on: Date,
    /// The members present, as written (names, organisations).
    pub members: Vec<String>,
    /// The decisions, in the record's order.
    pub decisions: Vec<DecisionLine>,
}

impl Record {
    /// Checks the record: at least one member (blank entries dropped), at least one
    /// decision, each application once, each reason non-blank, a date not after `today`
    /// (Europe/Paris, from the server clock: a record reports a meeting that took place).
    /// Returns the record with members and reasons trimmed.
    pub fn check(mut self, today: Date) -> Result<Record, DeliberationError> {
        if self.held_on > today {
            return Err(DeliberationError::FutureDate {
                held_on: self.held_on,
                today,
            });
        }
        self.members = self.members.iter().map(|m| m.trim().to_owned()).filter(|m| !m.is_empty()).collect();
        if self.members.is_empty() {
            return Err(DeliberationError::NoMembers);
        }
        if self.decisions.is_empty() {
            return Err(DeliberationError::NoDecisions);
        }
        let mut seen = HashSet::new();
        for d in &mut self.decisions {
            if !seen.insert(d.application_id) {
                return Err(DeliberationError::Duplicate(d.application_id));
            }
            d.reason = d.reason.trim().to_owned();
            if d.reason.is_empty() {
                return Err(DeliberationError::MissingReason(d.application_id));
            }
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn line(id: i64, reason: &str) -> DecisionLine {
        DecisionLine {
            application_id: ApplicationId(id),
            decision: Decision::Selected,
            reason: reason.into(),
        }
    }

    #[test]
    fn a_record_needs_members_decisions_and_reasons() {
        let record = |members: &[&str], decisions: Vec<DecisionLine>| Record {
            held_on: date!(2019 - 06 - 20),
            members: members.iter().map(|m| m.to_string()).collect(),
            decisions,
        };
        let today = date!(2019 - 06 - 20);
        let ok = record(&[" Anne ", ""], vec![line(1, " Projet solide ")]).check(today).unwrap();
        assert_eq!(ok.members, ["Anne"]);
        assert_eq!(ok.decisions[0].reason, "Projet solide");
        assert_eq!(record(&[" "], vec![line(1, "x")]).check(today), Err(DeliberationError::NoMembers));
        assert_eq!(record(&["A"], vec![]).check(today), Err(DeliberationError::NoDecisions));
        assert_eq!(
            record(&["A"], vec![line(1, "x"), line(1, "y")]).check(today),
            Err(DeliberationError::Duplicate(ApplicationId(1)))
        );
        assert_eq!(
            record(&["A"], vec![line(2, " ")]).check(today),
            Err(DeliberationError::MissingReason(ApplicationId(2)))
        );
        assert_eq!(Decision::from_code("rejected"), Some(Decision::Rejected));
    }

    #[test]
    fn a_record_is_not_dated_after_today() {
        let record = |held_on| Record {
            held_on,
            members: vec!["Anne".into()],
            decisions: vec![line(1, "x")],
        };
        let today = date!(2026 - 11 - 30);
        assert!(record(today).check(today).is_ok(), "a meeting held today");
        let err = record(date!(2026 - 12 - 01)).check(today).unwrap_err();
        assert_eq!(
            err,
            DeliberationError::FutureDate {
                held_on: date!(2026 - 12 - 01),
                today
            }
        );
        assert!(err.to_string().contains("« Date de la séance »"), "{err}");
    }
}
