//! Reporting periods: a calendar year, quarter or month (Europe/Paris calendar, see
//! `DESIGN.md`). A measurement of a *level* or *cumulative* indicator is the value at the
//! period's end; a *flow* is the quantity over the period.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::{Date, Month};

/// A calendar period. Ordered by start date, then longer first (`2025` < `2025-Q1` <
/// `2025-01`), so sorting a mixed list keeps each period before its parts.
///
/// Written `2025`, `2025-Q1` (also accepted: `2025-T1`, `T1 2025`, `Q1 2025`) and
/// `2025-03`; serialised in the first form of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// A calendar year.
    Year(i32),
    /// A quarter of a year, 1–4.
    Quarter(i32, u8),
    /// A month of a year, 1–12.
    Month(i32, u8),
}

/// Why a period could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("période « {0} » illisible : attendu 2025, 2025-T1 (ou 2025-Q1) ou 2025-03")]
pub struct PeriodError(pub String);

impl Period {
    /// The calendar year the period falls in.
    pub fn year(self) -> i32 {
        match self {
            Period::Year(y) | Period::Quarter(y, _) | Period::Month(y, _) => y,
        }
    }

    /// First day of the period.
    pub fn start(self) -> Date {
        let (y, m) = match self {
            Period::Year(y) => (y, 1),
            Period::Quarter(y, q) => (y, (q - 1) * 3 + 1),
            Period::Month(y, m) => (y, m),
        };
        Date::from_calendar_date(y, Month::try_from(m).unwrap_or(Month::January), 1).unwrap_or(Date::MIN)
    }

    /// Last day of the period: the date a level or cumulative value is taken at.
    pub fn end(self) -> Date {
        let next = match self {
            Period::Year(y) => Period::Year(y + 1),
            Period::Quarter(y, 4) => Period::Quarter(y + 1, 1),
            Period::Quarter(y, q) => Period::Quarter(y, q + 1),
            Period::Month(y, 12) => Period::Month(y + 1, 1),
            Period::Month(y, m) => Period::Month(y, m + 1),
        };
        next.start().previous_day().unwrap_or(Date::MIN)
    }

    /// Sort key: start date, then longer periods first.
    fn key(self) -> (Date, u8) {
        let rank = match self {
            Period::Year(_) => 0,
            Period::Quarter(..) => 1,
            Period::Month(..) => 2,
        };
        (self.start(), rank)
    }

    /// French label: `2025`, `T1 2025`, `mars 2025`.
    pub fn label(self) -> String {
        match self {
            Period::Year(y) => y.to_string(),
            Period::Quarter(y, q) => format!("T{q} {y}"),
            Period::Month(y, m) => format!("{} {y}", crate::text::MONTHS_FR[usize::from(m.clamp(1, 12)) - 1]),
        }
    }
}

impl Ord for Period {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(raw: &str) -> Result<Period, PeriodError> {
        let err = || PeriodError(raw.to_owned());
        let s = raw.trim().to_uppercase();
        let year = |t: &str| -> Result<i32, PeriodError> {
            let y: i32 = t.trim().parse().map_err(|_| err())?;
            (1900..=2200).contains(&y).then_some(y).ok_or_else(err)
        };
        let quarter = |t: &str| -> Option<u8> {
            let t = t.trim();
            let n = t.strip_prefix('Q').or_else(|| t.strip_prefix('T'))?;
            n.parse().ok().filter(|q| (1..=4).contains(q))
        };
        if let Some((a, b)) = s.split_once('-') {
            let y = year(a)?;
            if let Some(q) = quarter(b) {
                return Ok(Period::Quarter(y, q));
            }
            let m: u8 = b.trim().parse().map_err(|_| err())?;
            return if (1..=12).contains(&m) && b.trim().len() == 2 {
                Ok(Period::Month(y, m))
            } else {
                Err(err())
            };
        }
        if let Some((a, b)) = s.split_once(' ') {
            let q = quarter(a).ok_or_else(err)?;
            return Ok(Period::Quarter(year(b)?, q));
        }
        Ok(Period::Year(year(&s)?))
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn reads_the_forms_a_french_user_writes() {
        assert_eq!("2025".parse(), Ok(Period::Year(2025)));
        assert_eq!("2025-Q1".parse(), Ok(Period::Quarter(2025, 1)));
        assert_eq!("2025-t3".parse(), Ok(Period::Quarter(2025, 3)));
        assert_eq!("T4 2025".parse(), Ok(Period::Quarter(2025, 4)));
        assert_eq!("2025-03".parse(), Ok(Period::Month(2025, 3)));
        for bad in ["", "2025-Q5", "2025-13", "2025-3", "T0 2025", "vingt", "99999"] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    #[test]
    fn bounds_and_order() {
        assert_eq!(Period::Quarter(2025, 1).end(), date!(2025 - 03 - 31));
        assert_eq!(Period::Quarter(2024, 4).end(), date!(2024 - 12 - 31));
        assert_eq!(Period::Month(2024, 2).end(), date!(2024 - 02 - 29));
        assert_eq!(Period::Year(2030).end(), date!(2030 - 12 - 31));
        let mut v = vec![
            Period::Month(2025, 1),
            Period::Quarter(2025, 1),
            Period::Year(2025),
            Period::Quarter(2024, 4),
        ];
        v.sort();
        assert_eq!(
            v,
            [
                Period::Quarter(2024, 4),
                Period::Year(2025),
                Period::Quarter(2025, 1),
                Period::Month(2025, 1)
            ]
        );
        assert_eq!(Period::Quarter(2025, 2).to_string(), "2025-Q2");
        assert_eq!(Period::Quarter(2025, 2).label(), "T2 2025");
        assert_eq!(Period::Month(2025, 8).label(), "août 2025");
    }
}
