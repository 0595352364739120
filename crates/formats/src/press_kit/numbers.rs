//! French numbers as the press kit prints them: `1 785 000`, `6,05`, `5,7 M€`.
//!
//! Digits are grouped by three with a space, which may be a plain space (U+0020), a
//! no-break space (U+00A0) or a narrow no-break space (U+202F): all three are the same
//! separator. The decimal separator is the comma. A dot is neither (French typography
//! never writes `1.000`), so it is rejected rather than guessed. No float is ever used:
//! a decimal is kept as an integer mantissa and a number of decimals.

use territoires_domain::money::MoneyError;
use territoires_domain::Money;

/// Why a text is not a French number; `text` is the offending text, verbatim.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("« {text} » is not a valid number: {reason}")]
pub struct NumberError {
    /// The text that was read.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

/// An exact decimal: `mantissa × 10^-decimals` (`6,05` is `{ mantissa: 605, decimals: 2 }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    /// The digits as an integer.
    pub mantissa: i64,
    /// How many of them follow the decimal comma.
    pub decimals: u32,
}

/// True for the three spaces that group digits: U+0020, U+00A0, U+202F.
pub fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}')
}

fn error(text: &str, reason: impl Into<String>) -> NumberError {
    NumberError {
        text: text.to_string(),
        reason: reason.into(),
    }
}

/// Parses a non-negative French decimal: digit groups of three separated by one space of
/// any of the three kinds (`1 785 000`), or ungrouped digits (`1785000`), then optionally a
/// comma and at least one digit (`6,05`). Surrounding spaces are ignored.
///
/// Errors (quoting `text`): empty text, a dot (`1.000`), more than one comma (`6,0,5`),
/// badly grouped digits (`1 78 500`), any other character (`cinq`), too many digits.
pub fn parse_decimal(text: &str) -> Result<Decimal, NumberError> {
    let t = text.trim_matches(|c: char| c.is_whitespace());
    if t.is_empty() {
        return Err(error(text, "empty"));
    }
    if t.contains('.') {
        return Err(error(
            text,
            "'.' is neither a French decimal separator (',') nor a digit-group separator (space)",
        ));
    }
    let mut parts = t.split(',');
    let int_part = parts.next().unwrap_or_default();
    let frac_part = parts.next();
    if parts.next().is_some() {
        return Err(error(text, "more than one decimal comma"));
    }
    let groups: Vec<&str> = int_part.split(is_group_space).collect();
    let mut mantissa: i64 = 0;
    for (i, group) in groups.iter().enumerate() {
        if group.is_empty() || !group.chars().all(|c| c.is_ascii_digit()) {
            let bad = group.chars().find(|c| !c.is_ascii_digit());
            return Err(error(
                text,
                match bad {
                    Some(c) => format!("unexpected character {c:?}"),
                    None if int_part.is_empty() => "no digit before the decimal comma".to_string(),
                    None => "digit groups must be separated by exactly one space".to_string(),
                },
            ));
        }
        let grouped = groups.len() > 1;
        if grouped && ((i == 0 && group.len() > 3) || (i > 0 && group.len() != 3)) {
            return Err(error(text, "digits must be grouped by three (e.g. « 1 785 000 »)"));
        }
        mantissa = push_digits(mantissa, group).ok_or_else(|| error(text, "too large"))?;
    }
    let mut decimals = 0u32;
    if let Some(frac) = frac_part {
        if frac.is_empty() || !frac.chars().all(|c| c.is_ascii_digit()) {
            return Err(error(text, "the decimal comma must be followed by digits only"));
        }
        decimals = u32::try_from(frac.len()).map_err(|_| error(text, "too many decimals"))?;
        mantissa = push_digits(mantissa, frac).ok_or_else(|| error(text, "too large"))?;
    }
    Ok(Decimal { mantissa, decimals })
}

/// Appends ASCII `digits` to `n`, checked.
fn push_digits(mut n: i64, digits: &str) -> Option<i64> {
    for d in digits.bytes() {
        n = n.checked_mul(10)?.checked_add(i64::from(d - b'0'))?;
    }
    Some(n)
}

/// Parses a French whole number (`1 785 000`, `30`). Errors as [`parse_decimal`], and a
/// number with a decimal part is rejected.
pub fn parse_integer(text: &str) -> Result<u64, NumberError> {
    let d = parse_decimal(text)?;
    if d.decimals > 0 {
        return Err(error(text, "a whole number was expected"));
    }
    u64::try_from(d.mantissa).map_err(|_| error(text, "too large"))
}

/// Parses an amount in millions of euros, `5,7 M€` (any of the three spaces, or none,
/// before `M€`), into exact cents: `5,7 M€` is `Money(570_000_000)`.
///
/// Errors: a missing `M€` unit, a bad number (see [`parse_decimal`]), a fraction of a cent,
/// an amount too large for `i64` cents.
pub fn parse_millions_of_euros(text: &str) -> Result<Money, NumberError> {
    let t = text.trim_matches(|c: char| c.is_whitespace());
    let number = t
        .strip_suffix('€')
        .map(|s| s.trim_end_matches(|c: char| c.is_whitespace()))
        .and_then(|s| s.strip_suffix('M'))
        .ok_or_else(|| error(text, "expected an amount in millions of euros such as « 5,7 M€ »"))?;
    let d = parse_decimal(number).map_err(|e| error(text, e.reason))?;
    millions(d).map_err(|e| error(text, e.to_string()))
}

/// `d` millions of euros as exact cents.
pub fn millions(d: Decimal) -> Result<Money, MoneyError> {
    Money::from_decimal(d.mantissa, d.decimals, 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_with_the_three_kinds_of_spaces() {
        assert_eq!(parse_integer("1 785 000"), Ok(1_785_000));
        assert_eq!(parse_integer("1\u{a0}785\u{a0}000"), Ok(1_785_000));
        assert_eq!(parse_integer("12\u{202f}210\u{202f}000"), Ok(12_210_000));
        assert_eq!(parse_integer("1\u{202f}066 000"), Ok(1_066_000));
        assert_eq!(parse_integer(" 30 "), Ok(30));
        assert_eq!(parse_integer("1785000"), Ok(1_785_000));
        assert_eq!(parse_integer("0"), Ok(0));
    }

    #[test]
    fn decimal_comma() {
        assert_eq!(
            parse_decimal("6,05"),
            Ok(Decimal {
                mantissa: 605,
                decimals: 2
            })
        );
        assert_eq!(parse_decimal("5,7"), Ok(Decimal { mantissa: 57, decimals: 1 }));
        assert_eq!(
            parse_decimal("1 000,5"),
            Ok(Decimal {
                mantissa: 10_005,
                decimals: 1
            })
        );
        assert_eq!(parse_decimal("60"), Ok(Decimal { mantissa: 60, decimals: 0 }));
    }

    #[test]
    fn millions_of_euros_are_exact_cents() {
        assert_eq!(parse_millions_of_euros("5,7 M€"), Ok(Money(570_000_000)));
        assert_eq!(parse_millions_of_euros("6,05 M€"), Ok(Money(605_000_000)));
        assert_eq!(parse_millions_of_euros("450\u{a0}M€"), Ok(Money(45_000_000_000)));
        assert_eq!(parse_millions_of_euros("3\u{202f}M€"), Ok(Money(300_000_000)));
        assert_eq!(parse_millions_of_euros("83,8M€"), Ok(Money(8_380_000_000)));
        assert_eq!(parse_millions_of_euros("0,00000001 M€"), Ok(Money(1)));
    }

    #[test]
    fn rejections_quote_the_text() {
        let e = parse_decimal("1.000").unwrap_err();
        assert_eq!(e.text, "1.000");
        assert!(e.to_string().contains("« 1.000 »"), "{e}");
        assert!(e.reason.contains("'.'"), "{e}");
        let e = parse_decimal("6,0,5").unwrap_err();
        assert!(e.reason.contains("more than one decimal comma"), "{e}");
        assert_eq!(parse_decimal("").unwrap_err().reason, "empty");
        assert_eq!(parse_decimal("   ").unwrap_err().reason, "empty");
        assert!(parse_decimal("cinq").unwrap_err().reason.contains("unexpected character 'c'"));
        assert!(parse_decimal("1 78 500").unwrap_err().reason.contains("grouped by three"));
        assert!(parse_decimal("1785 000").unwrap_err().reason.contains("grouped by three"));
        assert!(parse_decimal("1  000").is_err(), "two spaces are not one group separator");
        assert!(parse_decimal(",5").is_err());
        assert!(parse_decimal("5,").is_err());
        assert!(parse_decimal("-5").is_err());
        assert!(parse_decimal("99999999999999999999").unwrap_err().reason.contains("too large"));
        assert!(parse_integer("6,05").unwrap_err().reason.contains("whole number"));
        let e = parse_millions_of_euros("5,7").unwrap_err();
        assert!(e.reason.contains("M€"), "{e}");
        let e = parse_millions_of_euros("5,7,1 M€").unwrap_err();
        assert_eq!(e.text, "5,7,1 M€");
        assert!(parse_millions_of_euros("0,000000001 M€")
            .unwrap_err()
            .reason
            .contains("fraction of a cent"));
    }
}
