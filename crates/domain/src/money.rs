//! Money as integer cents. Floats never hold an amount (see `DESIGN.md`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount in euro cents (`i64`): `Money(605_000_000)` is 6 050 000,00 €.
///
/// Arithmetic is checked: an overflow is an error, never a wrap. Serialised as the
/// integer number of cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Money(pub i64);

/// Why an amount could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The amount does not fit in `i64` cents (about ±92 233 billion €).
    #[error("amount out of range")]
    Overflow,
    /// More decimals than the unit allows (e.g. `6,0501 M€` is a fraction of a cent).
    #[error("amount has a fraction of a cent")]
    SubCent,
}

impl Money {
    /// Zero euros.
    pub const ZERO: Money = Money(0);

    /// The amount in cents.
    pub fn cents(self) -> i64 {
        self.0
    }

    /// `euros` whole euros.
    pub fn from_euros(euros: i64) -> Result<Money, MoneyError> {
        euros.checked_mul(100).map(Money).ok_or(MoneyError::Overflow)
    }

    /// Builds an amount from a decimal written as `mantissa × 10^-decimals` of `unit_euros`
    /// euros, exactly: `from_decimal(605, 2, 1_000_000)` ("6,05 M€") is 6 050 000 €.
    ///
    /// Errors: [`MoneyError::SubCent`] when the value is not a whole number of cents,
    /// [`MoneyError::Overflow`] when it does not fit.
    pub fn from_decimal(mantissa: i64, decimals: u32, unit_euros: i64) -> Result<Money, MoneyError> {
        let unit_cents = unit_euros.checked_mul(100).ok_or(MoneyError::Overflow)?;
        let scale = 10i64.checked_pow(decimals).ok_or(MoneyError::SubCent)?;
        let total = mantissa.checked_mul(unit_cents).ok_or(MoneyError::Overflow)?;
        if total % scale != 0 {
            return Err(MoneyError::SubCent);
        }
        Ok(Money(total / scale))
    }

    /// Sum of `self` and `other`; `None` on overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// Difference `self − other`; `None` on overflow.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    /// Sums amounts exactly; `None` on overflow.
    pub fn sum<I: IntoIterator<Item = Money>>(items: I) -> Option<Money> {
        items.into_iter().try_fold(Money::ZERO, Money::checked_add)
    }

    /// French display in millions of euros with up to two decimals and no trailing zeros:
    /// `6,05 M€`, `150 M€`, `−0,5 M€`. Exact: digits below 10 000 € are shown in full
    /// (`0,123456 M€`) rather than rounded, so that no figure is bent.
    pub fn fmt_millions(self) -> String {
        let cents = self.0.unsigned_abs();
        let sign = if self.0 < 0 { "−" } else { "" };
        let whole = cents / 100_000_000;
        let frac = cents % 100_000_000; // 8 digits: millions → cents
        let mut frac_s = format!("{frac:08}");
        while frac_s.ends_with('0') {
            frac_s.pop();
        }
        let whole_s = group_thousands(whole);
        if frac_s.is_empty() {
            format!("{sign}{whole_s}\u{a0}M€")
        } else {
            format!("{sign}{whole_s},{frac_s}\u{a0}M€")
        }
    }

    /// French display in euros with thousands separated by a narrow no-break space and the
    /// cents after a comma when present: `6 050 000 €`, `66,67 €`.
    pub fn fmt_euros(self) -> String {
        let cents = self.0.unsigned_abs();
        let sign = if self.0 < 0 { "−" } else { "" };
        let whole = group_thousands(cents / 100);
        match cents % 100 {
            0 => format!("{sign}{whole}\u{a0}€"),
            c => format!("{sign}{whole},{c:02}\u{a0}€"),
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.fmt_euros())
    }
}

/// `part` as a percentage of `whole`, one decimal, rounded half up, French style:
/// `(151,15 M€, 150 M€)` → `100,8 %` (no-break space before `%`, thousands grouped);
/// `None` when `whole` is not positive. Exact integer arithmetic.
pub fn percent(part: Money, whole: Money) -> Option<String> {
    if whole.0 <= 0 {
        return None;
    }
    let (p, w) = (i128::from(part.0), i128::from(whole.0));
    let tenths = (p * 1000 + w / 2).div_euclid(w);
    let sign = if tenths < 0 { "−" } else { "" };
    let t = tenths.unsigned_abs();
    Some(format!("{sign}{},{}\u{a0}%", group_thousands((t / 10) as u64), t % 10))
}

/// `1785000` → `1 785 000` with narrow no-break spaces (U+202F), as French typography
/// writes numbers.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_millions_are_exact() {
        assert_eq!(Money::from_decimal(605, 2, 1_000_000), Ok(Money(605_000_000)));
        assert_eq!(Money::from_decimal(57, 1, 1_000_000), Ok(Money(570_000_000)));
        assert_eq!(Money::from_decimal(150, 0, 1_000_000), Ok(Money(15_000_000_000)));
        assert_eq!(Money::from_decimal(123, 9, 1_000_000), Err(MoneyError::SubCent));
        assert_eq!(Money::from_decimal(i64::MAX, 0, 1_000_000), Err(MoneyError::Overflow));
    }

    #[test]
    fn french_display() {
        assert_eq!(Money(605_000_000).fmt_millions(), "6,05\u{a0}M€");
        assert_eq!(Money(15_000_000_000).fmt_millions(), "150\u{a0}M€");
        assert_eq!(Money(6_667).fmt_euros(), "66,67\u{a0}€");
        assert_eq!(Money(605_000_000).fmt_euros(), "6\u{202f}050\u{202f}000\u{a0}€");
        assert_eq!(group_thousands(12_210_000), "12\u{202f}210\u{202f}000");
        assert_eq!(group_thousands(999), "999");
    }

    #[test]
    fn sums_are_checked() {
        assert_eq!(Money::sum([Money(1), Money(2)]), Some(Money(3)));
        assert_eq!(Money::sum([Money(i64::MAX), Money(1)]), None);
    }
}
