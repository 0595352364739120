//! French display of numbers, amounts, percentages and dates for the pages. Amounts use the
//! domain's formatting ([`Money::fmt_millions`], [`group_thousands`]); nothing here computes a
//! figure the domain already computes.

use territoires_domain::checks::FigureUnit;
pub use territoires_domain::money::percent;
use territoires_domain::money::{group_thousands, Money};
use time::Date;

/// A count with French digit grouping: `56000` → `56 000` (narrow no-break space).
pub fn count(n: u64) -> String {
    group_thousands(n)
}

/// A signed count: `−3`, `0`, `+1 200`.
pub fn signed_count(n: i64) -> String {
    match n {
        0 => "0".into(),
        n if n > 0 => format!("+{}", group_thousands(n.unsigned_abs())),
        n => format!("−{}", group_thousands(n.unsigned_abs())),
    }
}

/// A value in `unit`: a grouped count, or cents shown in millions of euros (`151,15 M€`).
pub fn figure(unit: FigureUnit, value: i64) -> String {
    match unit {
        FigureUnit::Count if value < 0 => format!("−{}", group_thousands(value.unsigned_abs())),
        FigureUnit::Count => group_thousands(value as u64),
        FigureUnit::Cents => Money(value).fmt_millions(),
    }
}

/// A difference in `unit`, always signed (`+1,15 M€`, `−2`, `0`).
pub fn signed_figure(unit: FigureUnit, value: i64) -> String {
    match unit {
        FigureUnit::Count => signed_count(value),
        FigureUnit::Cents if value > 0 => format!("+{}", Money(value).fmt_millions()),
        FigureUnit::Cents => Money(value).fmt_millions(),
    }
}

/// A date in French: `23 novembre 2018`, `1er mars 2020`.
pub fn date(d: Date) -> String {
    let day = if d.day() == 1 { "1er".to_string() } else { d.day().to_string() };
    format!("{day} {} {}", territoires_domain::text::MONTHS_FR[d.month() as usize - 1], d.year())
}

/// `n` followed by the singular or plural noun, French style (0 and 1 are singular):
/// `plural(7, "projet", "projets")` → `7 projets`.
pub fn plural(n: u64, singular: &str, plural: &str) -> String {
    format!("{} {}", group_thousands(n), if n > 1 { plural } else { singular })
}

/// How many characters of a client's input (slug, path, parameter value) an error message
/// echoes at most.
pub const ECHO_MAX: usize = 80;

/// `s` cut to its first `max` characters (not bytes) followed by `…` when longer, so that an
/// error message never echoes a client's whole (possibly huge) input.
pub fn excerpt(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &s[..end]).into(),
        None => s.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn percentages_round_half_up() {
        // 151,15 M€ of a 150 M€ envelope: 100,7666… % → 100,8 %.
        assert_eq!(
            percent(Money(15_115_000_000), Money(15_000_000_000)).as_deref(),
            Some("100,8\u{a0}%")
        );
        assert_eq!(percent(Money(1), Money(3)).as_deref(), Some("33,3\u{a0}%"));
        assert_eq!(percent(Money(1), Money(0)), None);
    }

    #[test]
    fn figures_by_unit() {
        assert_eq!(figure(FigureUnit::Count, 1900), "1\u{202f}900");
        assert_eq!(figure(FigureUnit::Cents, 15_115_000_000), "151,15\u{a0}M€");
        assert_eq!(signed_figure(FigureUnit::Cents, 115_000_000), "+1,15\u{a0}M€");
        assert_eq!(signed_figure(FigureUnit::Count, -3), "−3");
        assert_eq!(signed_figure(FigureUnit::Count, 0), "0");
    }

    #[test]
    fn excerpts_cut_long_input_on_characters() {
        assert_eq!(excerpt("biovallee", 80), "biovallee");
        assert_eq!(excerpt(&"a".repeat(80), 80), "a".repeat(80));
        assert_eq!(excerpt(&"a".repeat(10_000), 80), format!("{}…", "a".repeat(80)));
        // Multi-byte characters count as one.
        assert_eq!(excerpt("éééé", 2), "éé…");
    }

    #[test]
    fn french_dates_and_plurals() {
        assert_eq!(date(date!(2018 - 11 - 23)), "23 novembre 2018");
        assert_eq!(date(date!(2020 - 03 - 01)), "1er mars 2020");
        assert_eq!(plural(1, "projet", "projets"), "1 projet");
        assert_eq!(plural(0, "projet", "projets"), "0 projet");
        assert_eq!(plural(24, "projet", "projets"), "24 projets");
    }
}
