//! Calls created and published in the platform by a programme manager (issue 3, « Calls »),
//! beside the historical calls of the press kit: their definition, their status (draft →
//! published, then closed by the clock at the closing instant), and the conversion of
//! Paris local time, in which managers type the dates, to UTC instants.

use crate::call::{paris_offset, Call, CallKind};
use crate::form::{check_form, FormErrors, FormField};
use crate::text::fold;
use crate::vocabulary::Theme;
use serde::{Deserialize, Serialize};
use time::{OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Longest title (characters).
pub const TITLE_MAX: usize = 200;
/// Most eligibility rules, and longest rule (characters).
pub const RULES_MAX: usize = 30;
/// Longest eligibility rule (characters).
pub const RULE_MAX: usize = 1000;

/// The stored status of a platform call. *Closed* is not stored: a published call is
/// closed from its closing instant on, by the server clock ([`PlatformCall::phase`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum CallStatus {
    /// *Brouillon*: visible to programme managers only; the form may be edited.
    Draft,
    /// *Publié*: public; the call and its form are frozen.
    Published,
}

/// Where a call stands at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum CallPhase {
    /// Not published yet.
    Draft,
    /// Published, before its opening instant.
    Upcoming,
    /// Published, opening instant reached, closing instant not: accepts applications.
    Open,
    /// Published, closing instant reached.
    Closed,
}

impl CallPhase {
    /// French label: *Brouillon*, *À venir*, *Ouvert*, *Clos*.
    pub fn label(self) -> &'static str {
        match self {
            CallPhase::Draft => "Brouillon",
            CallPhase::Upcoming => "À venir",
            CallPhase::Open => "Ouvert",
            CallPhase::Closed => "Clos",
        }
    }
}

/// What a programme manager defines for a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallDefinition {
    /// AMI or AAP.
    pub kind: CallKind,
    /// French title (1–200 characters).
    pub title: String,
    /// Opening instant (RFC 3339; stored in UTC).
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub opens_at: OffsetDateTime,
    /// Closing instant (RFC 3339; stored in UTC), strictly after the opening one.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub closes_at: OffsetDateTime,
    /// Themes, from the programme's vocabulary.
    #[serde(default)]
    pub themes: Vec<Theme>,
    /// Eligibility rules, one sentence each, in French.
    #[serde(default)]
    pub eligibility: Vec<String>,
    /// The application form, in display order.
    #[serde(default)]
    pub form: Vec<FormField>,
}

impl CallDefinition {
    /// Checks the definition: title non-blank and at most [`TITLE_MAX`] characters; closing
    /// strictly after opening; at most [`RULES_MAX`] non-blank rules of at most
    /// [`RULE_MAX`] characters; themes not repeated; the form per [`check_form`].
    /// Errors: every problem, in French, naming the field.
    pub fn check(&self) -> Result<(), FormErrors> {
        let mut errors = Vec::new();
        let title = self.title.trim();
        if title.is_empty() {
            errors.push("Le titre de l'appel est obligatoire.".to_owned());
        } else if title.chars().count() > TITLE_MAX {
            errors.push(format!("Le titre de l'appel dépasse {TITLE_MAX} caractères."));
        }
        if self.closes_at <= self.opens_at {
            errors.push("La clôture doit être postérieure à l'ouverture.".to_owned());
        }
        if self.eligibility.len() > RULES_MAX {
            errors.push(format!("Critères d'éligibilité : {RULES_MAX} au plus."));
        }
        for (i, r) in self.eligibility.iter().enumerate() {
            if r.trim().is_empty() || r.chars().count() > RULE_MAX {
                errors.push(format!("Critère d'éligibilité n° {} : 1 à {RULE_MAX} caractères.", i + 1));
            }
        }
        for (i, t) in self.themes.iter().enumerate() {
            if self.themes[..i].contains(t) {
                errors.push(format!("Thématique « {} » répétée.", t.label()));
            }
        }
        if let Err(e) = check_form(&self.form) {
            errors.extend(e.0);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(FormErrors(errors))
        }
    }

    /// The year of the call: the year of its opening in Paris time.
    pub fn year(&self) -> i32 {
        self.opens_at.to_offset(paris_offset(self.opens_at)).year()
    }

    /// The base of the call's slug, before any de-duplication: the kind's abbreviation, the
    /// year and the folded title, hyphenated and cut to 60 characters —
    /// `aap-2027-territoires-ruraux-innovants`. Uniqueness (`-2`, `-3`… appended) is the
    /// store's.
    pub fn slug_base(&self) -> String {
        // ASCII only, so that cutting at a byte count cannot split a character.
        let words: String = fold(&self.title)
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let mut s = format!("{}-{}", Call::slug_for(self.kind, self.year()), words);
        s.truncate(60);
        s.trim_end_matches('-').to_owned()
    }
}

/// A call managed in the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlatformCall {
    /// Unique identifier, generated ([`CallDefinition::slug_base`]), as in `/appels/{slug}`.
    pub slug: String,
    /// Draft or published.
    pub status: CallStatus,
    /// Its definition.
    #[serde(flatten)]
    pub definition: CallDefinition,
    /// When it was published (RFC 3339, UTC), `null` while draft.
    pub published_at: Option<String>,
}

impl PlatformCall {
    /// Where the call stands at `now` (server clock): draft; upcoming before `opens_at`;
    /// open from `opens_at` (included) to `closes_at` (excluded); closed from `closes_at`.
    pub fn phase(&self, now: OffsetDateTime) -> CallPhase {
        match self.status {
            CallStatus::Draft => CallPhase::Draft,
            CallStatus::Published if now < self.definition.opens_at => CallPhase::Upcoming,
            CallStatus::Published if now < self.definition.closes_at => CallPhase::Open,
            CallStatus::Published => CallPhase::Closed,
        }
    }

    /// The call in the shape of the historical ones (for the public lists and the API),
    /// with `applications` received and `selected` counted by the caller.
    pub fn to_call(&self, applications: u32, selected: u32) -> Call {
        let d = &self.definition;
        Call {
            slug: self.slug.clone(),
            title: d.title.clone(),
            kind: d.kind,
            year: d.year(),
            opened_on: Some(d.opens_at.to_offset(paris_offset(d.opens_at)).date()),
            closes_at: Some(d.closes_at),
            time_zone: Call::TIME_ZONE.into(),
            themes: d.themes.clone(),
            eligibility: d.eligibility.clone(),
            applications,
            selected,
        }
    }
}

/// Reads a local time of Paris typed by a manager — `JJ/MM/AAAA HH:MM` or the
/// `AAAA-MM-JJTHH:MM` of a `datetime-local` input — and returns the instant in UTC, at
/// the legal offset of that local time ([`paris_offset`]).
///
/// In the autumn hour that happens twice (02:00–02:59 on the last Sunday of October) the
/// first one, still in summer time, is taken; a time in the spring gap (02:00–02:59 on
/// the last Sunday of March) does not exist and is refused. Errors: French, naming the
/// input.
pub fn parse_paris_local(raw: &str) -> Result<OffsetDateTime, String> {
    let s = raw.trim();
    let bad = || {
        format!(
            "« {} » n'est pas une date et heure au format JJ/MM/AAAA HH:MM",
            s.chars().take(40).collect::<String>()
        )
    };
    let (d, t) = s.split_once(['T', ' ']).ok_or_else(bad)?;
    // A well-formed day missing from the calendar says so (« le 31/02/2027 n'existe pas »).
    let date = crate::form::parse_date(d).map_err(|e| if e.ends_with("n'existe pas") { e } else { bad() })?;
    let (h, m) = t.trim().split_once([':', 'h']).ok_or_else(bad)?;
    let hour: u8 = h.trim().parse().map_err(|_| bad())?;
    let minute: u8 = if m.trim().is_empty() {
        0
    } else {
        m.trim().parse().map_err(|_| bad())?
    };
    let time = Time::from_hms(hour, minute, 0).map_err(|_| bad())?;
    paris_to_utc(PrimitiveDateTime::new(date, time)).ok_or_else(|| {
        format!(
            "{} n'existe pas à Paris (passage à l'heure d'été)",
            s.chars().take(40).collect::<String>()
        )
    })
}

/// The UTC instant of `local` Paris time, `None` in the spring gap.
fn paris_to_utc(local: PrimitiveDateTime) -> Option<OffsetDateTime> {
    [2, 1].into_iter().find_map(|h| {
        let offset = UtcOffset::from_hms(h, 0, 0).ok()?;
        let t = local.assume_offset(offset);
        (paris_offset(t) == offset).then(|| t.to_offset(UtcOffset::UTC))
    })
}

/// `instant` as Paris local time for an input: `15/03/2027 12:00`.
pub fn fmt_paris_local(instant: OffsetDateTime) -> String {
    let l = instant.to_offset(paris_offset(instant));
    format!(
        "{:02}/{:02}/{} {:02}:{:02}",
        l.day(),
        u8::from(l.month()),
        l.year(),
        l.hour(),
        l.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn def() -> CallDefinition {
        CallDefinition {
            kind: CallKind::CallForProjects,
            title: "Territoires ruraux innovants".into(),
            opens_at: datetime!(2027-01-10 09:00 UTC),
            closes_at: datetime!(2027-03-15 11:00 UTC),
            themes: vec![Theme::Mobility],
            eligibility: vec!["Être une collectivité".into()],
            form: vec![],
        }
    }

    #[test]
    fn paris_local_time_is_stored_in_utc() {
        // Winter (UTC+1): 15 March 2027 12:00 Paris = 11:00 UTC.
        assert_eq!(parse_paris_local("15/03/2027 12:00"), Ok(datetime!(2027-03-15 11:00 UTC)));
        assert_eq!(parse_paris_local("2027-03-15T12:00"), Ok(datetime!(2027-03-15 11:00 UTC)));
        // Summer (UTC+2): 1 July 2027 12:00 Paris = 10:00 UTC.
        assert_eq!(parse_paris_local("01/07/2027 12h00"), Ok(datetime!(2027-07-01 10:00 UTC)));
        // 28 March 2027 is the last Sunday of March: 02:30 does not exist in Paris.
        assert!(parse_paris_local("28/03/2027 02:30").unwrap_err().contains("n'existe pas"));
        // 31 October 2027, last Sunday of October: 02:30 happens twice; the first (UTC+2).
        assert_eq!(parse_paris_local("31/10/2027 02:30"), Ok(datetime!(2027-10-31 00:30 UTC)));
        // Issue 3 QA: a day missing from the calendar is named as such, not as a format error.
        assert_eq!(parse_paris_local("31/02/2027 10:00"), Err("le 31/02/2027 n'existe pas".to_owned()));
        for bad in ["15/03/2027", "15/03/2027 25:00", "demain midi", ""] {
            assert!(parse_paris_local(bad).is_err(), "{bad:?}");
        }
        assert_eq!(fmt_paris_local(datetime!(2027-07-01 10:00 UTC)), "01/07/2027 12:00");
    }

    #[test]
    fn the_phase_follows_the_clock() {
        let mut call = PlatformCall {
            slug: "aap-2027-x".into(),
            status: CallStatus::Draft,
            definition: def(),
            published_at: None,
        };
        assert_eq!(call.phase(datetime!(2027-02-01 00:00 UTC)), CallPhase::Draft);
        call.status = CallStatus::Published;
        assert_eq!(call.phase(datetime!(2027-01-10 08:59:59 UTC)), CallPhase::Upcoming);
        assert_eq!(call.phase(datetime!(2027-01-10 09:00 UTC)), CallPhase::Open);
        assert_eq!(call.phase(datetime!(2027-03-15 10:59:59 UTC)), CallPhase::Open);
        assert_eq!(call.phase(datetime!(2027-03-15 11:00 UTC)), CallPhase::Closed);
        let c = call.to_call(3, 0);
        assert_eq!(
            (c.year, c.opened_on, c.applications),
            (2027, Some(time::macros::date!(2027 - 01 - 10)), 3)
        );
    }

    #[test]
    fn slugs_come_from_kind_year_and_title() {
        assert_eq!(def().slug_base(), "aap-2027-territoires-ruraux-innovants");
        let long = CallDefinition {
            kind: CallKind::ExpressionOfInterest,
            title: "Mobilité durable : l'Île-de-France et les territoires d'outre-mer, ensemble pour 2030".into(),
            ..def()
        };
        let s = long.slug_base();
        assert!(s.starts_with("ami-2027-mobilite-durable-l-ile-de-france"), "{s}");
        assert!(s.len() <= 60 && !s.ends_with('-'), "{s}");
    }

    #[test]
    fn a_definition_is_checked() {
        assert_eq!(def().check(), Ok(()));
        let bad = CallDefinition {
            title: " ".into(),
            closes_at: datetime!(2027-01-10 09:00 UTC),
            themes: vec![Theme::Health, Theme::Health],
            eligibility: vec!["".into()],
            ..def()
        };
        assert_eq!(
            bad.check().unwrap_err().0,
            [
                "Le titre de l'appel est obligatoire.",
                "La clôture doit être postérieure à l'ouverture.",
                "Critère d'éligibilité n° 1 : 1 à 1000 caractères.",
                "Thématique « Santé » répétée.",
            ]
        );
    }
}
