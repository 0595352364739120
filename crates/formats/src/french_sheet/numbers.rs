//! Numbers as a French user types them in a spreadsheet, read exactly (no `f64` on the way).
//!
//! # The rules
//!
//! - The decimal separator is the comma: `12,5`. `0,435` is 0.435 and `1,286` is 1.286 —
//!   a comma is never a thousands separator.
//! - A decimal point is accepted when it cannot be a thousands separator: `12.5`, `3.14`,
//!   `0.5`. A dot followed by exactly three digits (`1.000`, `0.435`, `1 234.567`) is
//!   refused as ambiguous: a thousand to a French eye, one to an English spreadsheet.
//!   A number with both a comma and a dot (`1.234,5`) is refused.
//! - Thousands may be separated by a space, a no-break space (U+00A0), a narrow no-break
//!   space (U+202F, what Excel fr and LibreOffice display) or a thin space (U+2009):
//!   `12 210 000` → 12210000. Groups after the first have exactly three digits (`12 34` is
//!   refused).
//! - A sign: `-`, `−` (U+2212) or `+`.
//! - A unit may follow: `€` (or `EUR`) and `%`. It must be the column's unit: `12 %` in an
//!   amount column is an error, as is any unit in a plain number column.
//! - An empty cell is [`NumberErrorKind::Empty`], never zero; callers for which a value is
//!   optional check for the empty cell first.
//! - Amounts are integer cents: more than two decimals is an error (`12,345 €`, also
//!   `12,500 €`, which an English reader takes for twelve thousand five hundred).

use std::fmt;
use territoires_domain::Money;

/// A decimal number, exactly: `mantissa × 10^-scale` (`12,5` is `{125, 1}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    /// The digits, signed.
    pub mantissa: i64,
    /// How many of them are decimals.
    pub scale: u32,
}

impl Decimal {
    /// The nearest `f64` (correctly rounded: `0,435` gives the same `f64` as `0.435`).
    pub fn to_f64(self) -> f64 {
        format!("{}e-{}", self.mantissa, self.scale).parse().unwrap_or(f64::NAN)
    }

    /// A percentage in basis points (hundredths of a percent), exactly: `12,5` → 1250,
    /// `0,01` → 1; `None` for a finer value (`12,345`) or an overflow.
    pub fn basis_points(self) -> Option<i64> {
        let times = self.mantissa.checked_mul(100)?;
        let scale = 10i64.checked_pow(self.scale)?;
        (times % scale == 0).then_some(times / scale)
    }
}

/// A unit written after a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// No unit: a plain number.
    Plain,
    /// Euros: `€` or `EUR`.
    Euro,
    /// Percent: `%`.
    Percent,
}

impl Unit {
    fn shown(self) -> &'static str {
        match self {
            Unit::Plain => "aucune unité",
            Unit::Euro => "€",
            Unit::Percent => "%",
        }
    }
}

/// What is wrong with a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberErrorKind {
    /// The cell is empty (an empty amount is never zero).
    Empty,
    /// Not a number as written in French (`12,5,3`, `1.234,5`, `12 34`, `abc`).
    NotANumber,
    /// `1.000`: a dot followed by exactly three digits.
    Ambiguous,
    /// A unit other than the column's (`12 %` for an amount).
    WrongUnit {
        /// The unit written.
        found: Unit,
        /// The column's unit.
        expected: Unit,
    },
    /// An amount with more than two decimals.
    SubCent,
    /// Too many digits.
    OutOfRange,
}

/// A number that could not be read: the cell as written and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct NumberError {
    /// The cell, trimmed.
    pub raw: String,
    /// Why.
    pub kind: NumberErrorKind,
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let raw = &self.raw;
        match &self.kind {
            NumberErrorKind::Empty => write!(f, "valeur obligatoire (une cellule vide ne vaut pas 0)"),
            NumberErrorKind::NotANumber => write!(
                f,
                "« {raw} » n'est pas un nombre (virgule décimale, espaces entre les milliers : 1 234,5)"
            ),
            NumberErrorKind::Ambiguous => write!(
                f,
                "« {raw} » est ambigu (mille ou un ?) : écrivez 1000 ou 1 000 pour mille, 1,000 pour un"
            ),
            NumberErrorKind::WrongUnit { found, expected } => write!(
                f,
                "« {raw} » : unité « {} » dans une colonne en « {} »",
                found.shown(),
                expected.shown()
            ),
            NumberErrorKind::SubCent => write!(f, "« {raw} » : un montant a deux décimales au plus (centimes)"),
            NumberErrorKind::OutOfRange => write!(f, "« {raw} » : nombre trop grand"),
        }
    }
}

/// Reads a number and its unit, if any (see the module documentation).
pub fn parse_with_unit(raw: &str) -> Result<(Decimal, Unit), NumberError> {
    let s = raw.trim();
    let fail = |kind| NumberError { raw: s.to_owned(), kind };
    if s.is_empty() {
        return Err(fail(NumberErrorKind::Empty));
    }
    let (s, unit) = if let Some(rest) = s.strip_suffix('€').or_else(|| s.strip_suffix("EUR")) {
        (rest.trim_end(), Unit::Euro)
    } else if let Some(rest) = s.strip_suffix('%') {
        (rest.trim_end(), Unit::Percent)
    } else {
        (s, Unit::Plain)
    };
    let (negative, s) = match s.strip_prefix('-').or_else(|| s.strip_prefix('−')) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, s.strip_prefix('+').map(str::trim_start).unwrap_or(s)),
    };
    if s.chars().filter(|c| *c == ',' || *c == '.').count() > 1 {
        return Err(fail(NumberErrorKind::NotANumber));
    }
    let (int, frac) = s.split_once([',', '.']).unwrap_or((s, ""));
    let has_separator = int.len() < s.len();
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let groups: Vec<&str> = int.split([' ', '\u{a0}', '\u{202f}', '\u{2009}']).collect();
    let grouped = groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    if !groups.iter().all(|g| digits(g)) || !grouped || (has_separator && !digits(frac)) {
        return Err(fail(NumberErrorKind::NotANumber));
    }
    if s.contains('.') && frac.len() == 3 {
        return Err(fail(NumberErrorKind::Ambiguous));
    }
    let all: String = groups.concat() + frac;
    let magnitude: i64 = all.parse().map_err(|_| fail(NumberErrorKind::OutOfRange))?;
    let scale = u32::try_from(frac.len()).map_err(|_| fail(NumberErrorKind::OutOfRange))?;
    let mantissa = if negative { -magnitude } else { magnitude };
    Ok((Decimal { mantissa, scale }, unit))
}

/// Reads a number in a column whose unit is `expected`: the cell may repeat that unit or
/// leave it out; any other unit is an error.
pub fn parse_decimal(raw: &str, expected: Unit) -> Result<Decimal, NumberError> {
    let (value, found) = parse_with_unit(raw)?;
    if found != Unit::Plain && found != expected {
        return Err(NumberError {
            raw: raw.trim().to_owned(),
            kind: NumberErrorKind::WrongUnit { found, expected },
        });
    }
    Ok(value)
}

/// Reads an amount in euros, exactly, as cents: `1 234,56 €` → `Money(123456)`.
/// Errors: empty, not a number, a unit other than `€`, more than two decimals.
pub fn parse_money(raw: &str) -> Result<Money, NumberError> {
    let value = parse_decimal(raw, Unit::Euro)?;
    let fail = |kind| NumberError {
        raw: raw.trim().to_owned(),
        kind,
    };
    if value.scale > 2 {
        return Err(fail(NumberErrorKind::SubCent));
    }
    Money::from_decimal(value.mantissa, value.scale, 1).map_err(|_| fail(NumberErrorKind::OutOfRange))
}

/// Reads a percentage (in percent: `12,5 %` or `12,5` is twelve and a half percent),
/// exactly. Errors: empty, not a number, a unit other than `%`.
pub fn parse_percent(raw: &str) -> Result<Decimal, NumberError> {
    parse_decimal(raw, Unit::Percent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(raw: &str) -> Result<Decimal, NumberErrorKind> {
        parse_decimal(raw, Unit::Plain).map_err(|e| e.kind)
    }
    fn d(mantissa: i64, scale: u32) -> Result<Decimal, NumberErrorKind> {
        Ok(Decimal { mantissa, scale })
    }

    #[test]
    fn thousands_three_ways() {
        assert_eq!(plain("12 210 000"), d(12_210_000, 0));
        assert_eq!(plain("12\u{a0}210\u{a0}000"), d(12_210_000, 0));
        assert_eq!(plain("12\u{202f}210\u{202f}000"), d(12_210_000, 0));
        assert_eq!(plain("1\u{2009}234,5"), d(12_345, 1));
    }

    #[test]
    fn a_comma_is_always_decimal() {
        assert_eq!(plain("0,435"), d(435, 3));
        assert_eq!(plain("1,286"), d(1286, 3));
        assert_eq!(plain("1,286").unwrap().to_f64(), 1.286);
        assert_eq!(plain("0,435").unwrap().to_f64(), 0.435);
        assert_eq!(plain("12,5"), d(125, 1));
    }

    #[test]
    fn a_dot_only_when_unambiguous() {
        assert_eq!(plain("1.000"), Err(NumberErrorKind::Ambiguous));
        assert_eq!(plain("0.435"), Err(NumberErrorKind::Ambiguous));
        assert_eq!(plain("1 234.567"), Err(NumberErrorKind::Ambiguous));
        assert_eq!(plain("12.5"), d(125, 1));
        assert_eq!(plain("3.14"), d(314, 2));
        assert_eq!(plain("1.2345"), d(12_345, 4));
    }

    #[test]
    fn signs_and_refusals() {
        assert_eq!(plain("-3,25"), d(-325, 2));
        assert_eq!(plain("−3,25"), d(-325, 2));
        assert_eq!(plain("+7"), d(7, 0));
        assert_eq!(plain("0"), d(0, 0));
        assert_eq!(plain("  "), Err(NumberErrorKind::Empty));
        for bad in ["12,5,3", "1.234,5", "12 34", "1 2345", "abc", "12,", ",5", "1e5", "--1", "1 234 ,5"] {
            assert_eq!(plain(bad), Err(NumberErrorKind::NotANumber), "{bad}");
        }
        assert_eq!(plain("99999999999999999999"), Err(NumberErrorKind::OutOfRange));
    }

    #[test]
    fn money_exactly_in_cents() {
        assert_eq!(parse_money("1 234,56 €"), Ok(Money(123_456)));
        assert_eq!(parse_money("1\u{202f}234,56\u{a0}€"), Ok(Money(123_456)));
        assert_eq!(parse_money("12 210 000"), Ok(Money(1_221_000_000)));
        assert_eq!(parse_money("0,1 EUR"), Ok(Money(10)));
        assert_eq!(parse_money("−50 €"), Ok(Money(-5000)));
        // 0.1 + 0.2 style amounts stay exact: 0,07 € is 7 cents, not 6.999….
        assert_eq!(parse_money("0,07"), Ok(Money(7)));
        let kind = |raw| parse_money(raw).unwrap_err().kind;
        assert_eq!(kind(""), NumberErrorKind::Empty);
        assert_eq!(kind("12,345 €"), NumberErrorKind::SubCent);
        assert_eq!(kind("12,500"), NumberErrorKind::SubCent);
        assert_eq!(
            kind("12,5 %"),
            NumberErrorKind::WrongUnit {
                found: Unit::Percent,
                expected: Unit::Euro
            }
        );
        assert_eq!(kind("99 999 999 999 999 999"), NumberErrorKind::OutOfRange);
    }

    #[test]
    fn percentages_exactly() {
        assert_eq!(parse_percent("12,5 %").map_err(|e| e.kind), d(125, 1));
        assert_eq!(parse_percent("12,5\u{a0}%").unwrap().basis_points(), Some(1250));
        assert_eq!(parse_percent("100").unwrap().basis_points(), Some(10_000));
        assert_eq!(parse_percent("0,01 %").unwrap().basis_points(), Some(1));
        assert_eq!(parse_percent("12,345 %").unwrap().basis_points(), None);
        assert!(matches!(
            parse_percent("12 €").unwrap_err().kind,
            NumberErrorKind::WrongUnit { found: Unit::Euro, .. }
        ));
        assert!(matches!(
            plain("12 %").unwrap_err(),
            NumberErrorKind::WrongUnit {
                found: Unit::Percent,
                expected: Unit::Plain
            }
        ));
    }

    #[test]
    fn messages_name_the_value() {
        let e = parse_money("1.000").unwrap_err();
        assert!(e.to_string().starts_with("« 1.000 » est ambigu"), "{e}");
        let e = parse_money("").unwrap_err();
        assert_eq!(e.to_string(), "valeur obligatoire (une cellule vide ne vaut pas 0)");
    }
}
