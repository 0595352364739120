//! Dates as French users write them in a spreadsheet.
//!
//! # Accepted
//!
//! - `31/12/2024`, `31.12.2024`, `31-12-2024` (day first; one or two digits for the day and
//!   the month: `1/2/2025` is the 1st of February);
//! - `2024-12-31` (ISO 8601, what LibreOffice and this platform's exports write);
//! - `31 décembre 2024`, `1er janvier 2025`, `1 janv. 2025` (month names with or without
//!   accents, any case, and their usual abbreviations);
//! - any of these followed by a midnight time (`31/12/2024 00:00`, `… 00:00:00`), which
//!   Excel writes for a date-and-time cell.
//!
//! # Refused, and why
//!
//! - two-digit years (`31/12/24`): the century is a guess, and a wrong guess is a silently
//!   wrong date; the message asks for four digits;
//! - Excel serial numbers (`45657`): a number in a date column is more often a mistake than
//!   a date; the message says which date it would be, so the user can format the column;
//! - dates that do not exist (`31/02/2025`, `29/02/2023`) and any other time than midnight.

use time::{Date, Duration, Month};

/// French month names, folded (no accents, lower case), and the abbreviations people write.
const MONTHS: [(&str, Month); 25] = [
    ("janvier", Month::January),
    ("janv", Month::January),
    ("fevrier", Month::February),
    ("fevr", Month::February),
    ("fev", Month::February),
    ("mars", Month::March),
    ("avril", Month::April),
    ("avr", Month::April),
    ("mai", Month::May),
    ("juin", Month::June),
    ("juillet", Month::July),
    ("juil", Month::July),
    ("aout", Month::August),
    ("septembre", Month::September),
    ("sept", Month::September),
    ("sep", Month::September),
    ("octobre", Month::October),
    ("oct", Month::October),
    ("novembre", Month::November),
    ("nov", Month::November),
    ("decembre", Month::December),
    ("dec", Month::December),
    ("jan", Month::January),
    ("juill", Month::July),
    ("avri", Month::April),
];

/// Reads a date (see the module documentation). Errors are French sentences naming the cell
/// as written.
pub fn parse_date(raw: &str) -> Result<Date, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("date obligatoire".into());
    }
    let s = strip_midnight(s).ok_or_else(|| format!("« {s} » : seule une date est attendue, sans heure"))?;
    let unreadable = || format!("« {s} » n'est pas une date lisible (31/12/2024, 2024-12-31 ou 31 décembre 2024)");
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(match excel_serial(s) {
            Some(d) => format!(
                "« {s} » ressemble à un numéro de série de date Excel ({}) : mettez la colonne au format date",
                territoires_domain::text::date_numeric(d)
            ),
            None => unreadable(),
        });
    }
    let (day, month, year) = if let Some(parts) = split_numeric(s, '-').filter(|p| p[0].len() == 4) {
        (parts[2], number_month(parts[1]), parts[0])
    } else if let Some(parts) = ['/', '.', '-'].iter().find_map(|sep| split_numeric(s, *sep)) {
        (parts[0], number_month(parts[1]), parts[2])
    } else {
        let words: Vec<&str> = s.split_whitespace().collect();
        let [day, month, year] = words[..] else {
            return Err(unreadable());
        };
        let day = day.strip_suffix("er").unwrap_or(day);
        let folded = territoires_domain::text::fold(month);
        let month = MONTHS.iter().find(|(name, _)| *name == folded).map(|(_, m)| *m);
        (day, month, year)
    };
    let Some(month) = month else {
        return Err(unreadable());
    };
    if year.len() == 2 && year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("« {s} » : écrivez l'année sur quatre chiffres (20{year} ?)"));
    }
    let (Some(day), Some(year)) = (small_number(day, 2), small_number(year, 4).filter(|_| year.len() == 4)) else {
        return Err(unreadable());
    };
    Date::from_calendar_date(year as i32, month, day as u8).map_err(|_| format!("« {s} » : cette date n'existe pas"))
}

/// `s` without a trailing midnight time; `None` for another time.
fn strip_midnight(s: &str) -> Option<&str> {
    match s.rsplit_once(' ') {
        Some((date, time)) if time.contains(':') => matches!(time, "00:00" | "00:00:00" | "0:00" | "0:00:00").then_some(date.trim_end()),
        _ => Some(s),
    }
}

/// Three all-digit parts separated by `sep`.
fn split_numeric(s: &str, sep: char) -> Option<[&str; 3]> {
    let parts: Vec<&str> = s.split(sep).collect();
    let [a, b, c] = parts[..] else { return None };
    [a, b, c]
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .then_some([a, b, c])
}

/// A number of at most `max_digits` digits.
fn small_number(s: &str, max_digits: usize) -> Option<u16> {
    (!s.is_empty() && s.len() <= max_digits && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn number_month(s: &str) -> Option<Month> {
    small_number(s, 2).and_then(|m| Month::try_from(m as u8).ok())
}

/// The date an Excel serial number stands for (1900 system: serial 1 is 1900-01-01 and
/// Excel counts a 29 February 1900 that never was, so from serial 61 on the epoch is
/// 1899-12-30), for serials between 1990 and 2100 only — other numbers are not dates.
fn excel_serial(s: &str) -> Option<Date> {
    let n: i64 = s.parse().ok()?;
    let epoch = Date::from_calendar_date(1899, Month::December, 30).ok()?;
    let date = epoch.checked_add(Duration::days(n))?;
    (1990..=2100).contains(&date.year()).then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn french_forms() {
        for raw in [
            "31/12/2024",
            "31.12.2024",
            "31-12-2024",
            "2024-12-31",
            "31 décembre 2024",
            "31 DECEMBRE 2024",
            "31 déc. 2024",
            "31/12/2024 00:00",
            " 31/12/2024 00:00:00 ",
        ] {
            assert_eq!(parse_date(raw), Ok(date!(2024 - 12 - 31)), "{raw}");
        }
        assert_eq!(parse_date("1er janvier 2025"), Ok(date!(2025 - 01 - 01)));
        assert_eq!(parse_date("1 janv. 2025"), Ok(date!(2025 - 01 - 01)));
        assert_eq!(parse_date("1/2/2025"), Ok(date!(2025 - 02 - 01)));
        assert_eq!(parse_date("15 août 2025"), Ok(date!(2025 - 08 - 15)));
        assert_eq!(parse_date("29/02/2024"), Ok(date!(2024 - 02 - 29)));
    }

    #[test]
    fn refusals() {
        assert_eq!(parse_date("31/02/2025").unwrap_err(), "« 31/02/2025 » : cette date n'existe pas");
        assert!(parse_date("29/02/2023").unwrap_err().contains("n'existe pas"));
        assert!(parse_date("31/12/24").unwrap_err().contains("quatre chiffres (2024 ?)"));
        assert!(parse_date("31/12/2024 14:30").unwrap_err().contains("sans heure"));
        // 45657 days after 1899-12-30 is 2024-12-31 (Excel's serial for that date).
        assert_eq!(
            parse_date("45657").unwrap_err(),
            "« 45657 » ressemble à un numéro de série de date Excel (31/12/2024) : mettez la colonne au format date"
        );
        assert!(parse_date("12").unwrap_err().contains("n'est pas une date lisible"));
        for bad in [
            "",
            "31/13/2024",
            "32/01/2024",
            "31 decembr 2024",
            "2024/12/31",
            "demain",
            "1/2/3/2024",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }
}
