//! Opinions (*avis*) requested on an application from a ministry's or a regional State
//! service's instructor, or from an expert, with a due date (issue 3, « Review and the
//! committee »: « Opinions requested from ministries, services and experts, with due dates
//! and a dashboard of who has answered »).
//!
//! A request is *pending* until its addressee answers once; a pending request whose due
//! date (a Europe/Paris calendar day, the last day to answer) is past by the **server**
//! clock is *overdue*. Overdue is computed here, never stored.

use crate::call::paris_offset;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// The answer's verdict (*sens de l'avis*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// *Favorable*.
    Favourable,
    /// *Favorable avec réserves*.
    FavourableWithReservations,
    /// *Défavorable*.
    Unfavourable,
}

impl Verdict {
    /// Every verdict, most favourable first.
    pub const ALL: [Verdict; 3] = [Verdict::Favourable, Verdict::FavourableWithReservations, Verdict::Unfavourable];

    /// Stable code, as stored and in the API: `favourable`, `favourable-with-reservations`,
    /// `unfavourable`.
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Favourable => "favourable",
            Verdict::FavourableWithReservations => "favourable-with-reservations",
            Verdict::Unfavourable => "unfavourable",
        }
    }

    /// The verdict whose [`code`](Self::code) is `code`.
    pub fn from_code(code: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.code() == code)
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Favourable => "Favorable",
            Verdict::FavourableWithReservations => "Favorable avec réserves",
            Verdict::Unfavourable => "Défavorable",
        }
    }
}

/// Where a request stands at a given instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum OpinionStatus {
    /// *En attente*: not answered, due date not past.
    Pending,
    /// *Rendu*: answered (whether on time or late).
    Answered,
    /// *En retard*: not answered and the due date is past.
    Overdue,
}

impl OpinionStatus {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            OpinionStatus::Pending => "En attente",
            OpinionStatus::Answered => "Rendu",
            OpinionStatus::Overdue => "En retard",
        }
    }
}

/// Today's date in French mainland time at instant `now`.
pub fn paris_today(now: OffsetDateTime) -> Date {
    now.to_offset(paris_offset(now)).date()
}

/// The status of a request due on `due_on` (its last day, Europe/Paris), answered or not,
/// at `now` (the server clock): answered; else overdue when `due_on` is before today in
/// Paris; else pending. A request due today is pending all day.
pub fn status(answered: bool, due_on: Date, now: OffsetDateTime) -> OpinionStatus {
    if answered {
        OpinionStatus::Answered
    } else if due_on < paris_today(now) {
        OpinionStatus::Overdue
    } else {
        OpinionStatus::Pending
    }
}

/// Why a request or an answer was refused, in French (the field is named).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpinionError {
    /// The due date is not after today (Europe/Paris): the addressee would have no day to
    /// answer.
    #[error("La date limite (« due_on ») doit être postérieure à aujourd'hui ({0}).")]
    DueDateNotInFuture(Date),
    /// The question or the answer is blank.
    #[error("Le champ « {0} » est obligatoire.")]
    Blank(&'static str),
    /// The text is longer than [`TEXT_MAX`] characters.
    #[error("Le champ « {0} » dépasse 5000 caractères.")]
    TooLong(&'static str),
}

/// Longest question or answer accepted (characters).
pub const TEXT_MAX: usize = 5000;

/// Checks a new request: `due_on` strictly after today in Paris at `now` (the server
/// clock), and a non-blank `question` of at most [`TEXT_MAX`] characters.
pub fn check_request(due_on: Date, question: &str, now: OffsetDateTime) -> Result<(), OpinionError> {
    check_text("question", question)?;
    let today = paris_today(now);
    if due_on <= today {
        return Err(OpinionError::DueDateNotInFuture(today));
    }
    Ok(())
}

/// Checks a text field: non-blank, at most [`TEXT_MAX`] characters.
pub fn check_text(field: &'static str, text: &str) -> Result<(), OpinionError> {
    if text.trim().is_empty() {
        Err(OpinionError::Blank(field))
    } else if text.chars().count() > TEXT_MAX {
        Err(OpinionError::TooLong(field))
    } else {
        Ok(())
    }
}

/// Numbers of requests by status, for the dashboard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counts {
    /// Answered.
    pub answered: u32,
    /// Pending, due date not past.
    pub pending: u32,
    /// Pending, due date past.
    pub overdue: u32,
}

impl Counts {
    /// Counts `statuses`.
    pub fn of(statuses: impl IntoIterator<Item = OpinionStatus>) -> Counts {
        let mut c = Counts::default();
        for s in statuses {
            match s {
                OpinionStatus::Answered => c.answered += 1,
                OpinionStatus::Pending => c.pending += 1,
                OpinionStatus::Overdue => c.overdue += 1,
            }
        }
        c
    }

    /// All requests counted.
    pub fn total(&self) -> u32 {
        self.answered + self.pending + self.overdue
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn overdue_starts_the_day_after_the_due_date_in_paris() {
        let due = date!(2026 - 03 - 10);
        // 10 March 23:30 in Paris (UTC+1) is 22:30 UTC: still the due day.
        assert_eq!(status(false, due, datetime!(2026-03-10 22:30 UTC)), OpinionStatus::Pending);
        // 23:30 UTC is 00:30 on 11 March in Paris: overdue.
        assert_eq!(status(false, due, datetime!(2026-03-10 23:30 UTC)), OpinionStatus::Overdue);
        assert_eq!(status(true, due, datetime!(2026-04-01 00:00 UTC)), OpinionStatus::Answered);
    }

    #[test]
    fn a_due_date_must_leave_at_least_one_day() {
        let now = datetime!(2026-03-02 09:00 UTC);
        assert!(check_request(date!(2026 - 03 - 03), "Avis ?", now).is_ok());
        assert_eq!(
            check_request(date!(2026 - 03 - 02), "Avis ?", now),
            Err(OpinionError::DueDateNotInFuture(date!(2026 - 03 - 02)))
        );
        assert_eq!(
            check_request(date!(2026 - 03 - 03), "  ", now),
            Err(OpinionError::Blank("question"))
        );
    }

    #[test]
    fn counts_add_up() {
        use OpinionStatus::*;
        let c = Counts::of([Answered, Pending, Overdue, Overdue]);
        assert_eq!((c.answered, c.pending, c.overdue, c.total()), (1, 1, 2, 4));
        for v in Verdict::ALL {
            assert_eq!(Verdict::from_code(v.code()), Some(v));
        }
    }
}
