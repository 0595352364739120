//! A call (*appel*) of a programme: an expression of interest (AMI) or a call for projects
//! (AAP), with its dates, time zone, themes, eligibility rules and published outcome.
//!
//! Source for the real calls: *Territoires d'Innovation, 24 projets lauréats*, press kit of
//! 13 September 2019, line 111 (« Après un premier appel à manifestation d'intérêt, lancé
//! en 2017 et ayant conduit à accompagner financièrement l'ingénierie de 24 projets retenus
//! sur 117 candidats, l'appel à projets … lancé le 23 novembre 2018 … ») and the headline
//! figures (48 candidatures, 24 lauréats).

use crate::vocabulary::Theme;
use serde::{Deserialize, Serialize};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

/// The kind of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum CallKind {
    /// *Appel à manifestation d'intérêt* (AMI).
    ExpressionOfInterest,
    /// *Appel à projets* (AAP).
    CallForProjects,
}

impl CallKind {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            CallKind::ExpressionOfInterest => "Appel à manifestation d'intérêt",
            CallKind::CallForProjects => "Appel à projets",
        }
    }

    /// French abbreviation: `AMI` or `AAP`.
    pub fn abbreviation(self) -> &'static str {
        match self {
            CallKind::ExpressionOfInterest => "AMI",
            CallKind::CallForProjects => "AAP",
        }
    }
}

/// A call and its outcome as published.
///
/// A fact the source does not give is `None` or empty, never invented: the 2019 press kit
/// gives neither closing dates nor eligibility rules, nor the opening date of the 2017 AMI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Call {
    /// Stable identifier: the lower-case abbreviation of the kind and the year
    /// (`ami-2017`, `aap-2018`), as in `/appels/{slug}` and `/api/v1/calls/{slug}`.
    pub slug: String,
    /// French title, e.g. *Appel à projets Territoires d'Innovation 2018*.
    pub title: String,
    /// AMI or AAP.
    pub kind: CallKind,
    /// Year it was launched.
    pub year: i32,
    /// Opening date when the document gives one (23 November 2018 for the AAP).
    pub opened_on: Option<Date>,
    /// Closing instant (RFC 3339, stored in UTC); `None` when unknown — the press kit gives
    /// none. Shown in the call's `time_zone`.
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub closes_at: Option<OffsetDateTime>,
    /// IANA time zone in which the call's dates are stated and shown: `Europe/Paris`
    /// (`Call::TIME_ZONE`).
    pub time_zone: String,
    /// Themes of the call, normalised, in the document's order. A theme of the document
    /// that `Theme::parse` does not know is left out (its wording stays in the
    /// programme's `target_themes`).
    pub themes: Vec<Theme>,
    /// Eligibility rules, one sentence each, in French; empty when the source gives none
    /// (the case of both real calls).
    pub eligibility: Vec<String>,
    /// Number of candidates / applications received.
    pub applications: u32,
    /// Number supported (AMI) or laureates (AAP).
    pub selected: u32,
}

impl Call {
    /// The time zone of the programme's calls (French mainland time), per `DESIGN.md`.
    pub const TIME_ZONE: &'static str = "Europe/Paris";

    /// The applications not selected: `applications − selected` (0 if the figures say
    /// more were selected than applied). For the AAP 2018: 48 − 24 = 24. Who they are is
    /// not known.
    pub fn not_selected(&self) -> u32 {
        self.applications.saturating_sub(self.selected)
    }

    /// The closing instant in the call's time zone, when both are known: for
    /// `Europe/Paris`, the instant at the legal offset of French mainland time
    /// ([`paris_offset`]); `None` when there is no closing instant or the zone is another
    /// one (this crate carries no time-zone database).
    pub fn closes_at_local(&self) -> Option<OffsetDateTime> {
        let t = self.closes_at?;
        (self.time_zone == Call::TIME_ZONE).then(|| t.to_offset(paris_offset(t)))
    }

    /// The slug of a call of `kind` launched in `year`: `ami-2017`, `aap-2018`.
    pub fn slug_for(kind: CallKind, year: i32) -> String {
        format!("{}-{year}", kind.abbreviation().to_lowercase())
    }
}

/// The legal offset of French mainland time (`Europe/Paris`) at instant `t`: UTC+2 from
/// the last Sunday of March, 01:00 UTC, to the last Sunday of October, 01:00 UTC, UTC+1
/// otherwise. Source: Directive 2000/84/EC (summer time), the rule in force since 1996;
/// earlier instants get the same rule, which is not historically exact.
pub fn paris_offset(t: OffsetDateTime) -> UtcOffset {
    let utc = t.to_offset(UtcOffset::UTC);
    let year = utc.year();
    let switch = |month: Month| -> Option<OffsetDateTime> {
        let last = Date::from_calendar_date(year, month, 31).ok()?;
        let back = last.weekday().number_days_from_sunday();
        let sunday = last - time::Duration::days(i64::from(back));
        debug_assert_eq!(sunday.weekday(), Weekday::Sunday);
        Some(PrimitiveDateTime::new(sunday, Time::from_hms(1, 0, 0).ok()?).assume_utc())
    };
    let summer = matches!((switch(Month::March), switch(Month::October)), (Some(a), Some(b)) if utc >= a && utc < b);
    let hours = if summer { 2 } else { 1 };
    UtcOffset::from_hms(hours, 0, 0).unwrap_or(UtcOffset::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aap() -> Call {
        Call {
            slug: Call::slug_for(CallKind::CallForProjects, 2018),
            title: "Appel à projets Territoires d'Innovation 2018".into(),
            kind: CallKind::CallForProjects,
            year: 2018,
            opened_on: None,
            closes_at: None,
            time_zone: Call::TIME_ZONE.into(),
            themes: vec![],
            eligibility: vec![],
            applications: 48,
            selected: 24,
        }
    }

    #[test]
    fn not_selected_is_applications_minus_selected() {
        assert_eq!(aap().not_selected(), 24);
        let odd = Call {
            applications: 3,
            selected: 5,
            ..aap()
        };
        assert_eq!(odd.not_selected(), 0);
    }

    #[test]
    fn slugs_are_the_kind_and_the_year() {
        assert_eq!(Call::slug_for(CallKind::ExpressionOfInterest, 2017), "ami-2017");
        assert_eq!(Call::slug_for(CallKind::CallForProjects, 2018), "aap-2018");
    }

    #[test]
    fn paris_time_follows_the_summer_time_rule() {
        use time::macros::{datetime, offset};
        // 2019: summer time from Sunday 31 March 01:00 UTC to Sunday 27 October 01:00 UTC.
        assert_eq!(paris_offset(datetime!(2019-03-31 00:59 UTC)), offset!(+1));
        assert_eq!(paris_offset(datetime!(2019-03-31 01:00 UTC)), offset!(+2));
        assert_eq!(paris_offset(datetime!(2019-10-27 00:59 UTC)), offset!(+2));
        assert_eq!(paris_offset(datetime!(2019-10-27 01:00 UTC)), offset!(+1));
        let call = Call {
            closes_at: Some(datetime!(2019-03-15 11:00 UTC)),
            ..aap()
        };
        let local = call.closes_at_local().unwrap();
        assert_eq!((local.hour(), local.offset()), (12, offset!(+1)));
        assert_eq!(aap().closes_at_local(), None);
        let elsewhere = Call {
            time_zone: "America/Cayenne".into(),
            ..call
        };
        assert_eq!(elsewhere.closes_at_local(), None);
    }
}
