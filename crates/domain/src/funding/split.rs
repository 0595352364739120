//! Exact splits of an amount into tranches or shares, and ceilings expressed as a
//! percentage (issue 5, §3).
//!
//! **Splits** use the largest-remainder method, computed exactly in integer arithmetic
//! (`u128`, no floats): each part first gets the floor of its exact share
//! `|total| × wᵢ / Σw` in cents, then the cents left over go one each to the parts with
//! the largest remainders. The parts therefore sum exactly to the total and each is within
//! one cent (strictly) of its exact share.
//!
//! - **Tie rule**: parts with equal remainders are served in order, the earlier part (lower
//!   index) first. So 800,00 € in 12 monthly tranches gives the extra cent to the first
//!   eight months: 8 × 66,67 € + 4 × 66,66 €.
//! - **Negative totals** (a reversal, a recovery) are split by magnitude and then negated,
//!   so rounding is symmetric: `split(−x) = −split(x)`, part by part. −800,00 € in 12 is
//!   8 × −66,67 € + 4 × −66,66 €.
//! - A part of weight zero gets exactly zero: its remainder is zero, and fewer cents are
//!   left over than there are non-zero remainders.
//!
//! **Percentages** of an amount round in the direction that respects the rule they express:
//! a ceiling (a maximum, [`ceiling_of`]) rounds down, towards −∞, so that paying the
//! rounded ceiling never exceeds the exact one; a required minimum ([`floor_share_required`],
//! e.g. a co-financing minimum) rounds up, towards +∞, so that meeting the rounded minimum
//! always meets the exact one.
//!
//! Units: amounts in euro cents ([`Money`]), percentages in basis points (1 bp = 0,01 %,
//! 10 000 bp = 100 %).

use crate::money::Money;

/// 100 % in basis points.
pub const FULL_BP: u32 = 10_000;

/// Why an amount could not be split, or a percentage of it taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    /// No weights (or percentages) were given: there is nothing to split into.
    #[error("répartition impossible : aucune part n'est donnée")]
    Empty,
    /// Every weight is zero: no part has a share.
    #[error("répartition impossible : tous les poids sont nuls")]
    AllZero,
    /// The percentages do not add up to 100 % (`sum_bp` is their sum in basis points).
    #[error(
        "répartition impossible : les pourcentages totalisent {} % au lieu de 100 %",
        fmt_bp(*sum_bp)
    )]
    PercentagesNot100 {
        /// The sum of the given percentages, in basis points.
        sum_bp: u64,
    },
    /// A result does not fit in `i64` cents.
    #[error("montant hors limites")]
    Overflow,
}

/// `3333` bp → `33,33`; `10000` → `100` (French decimal comma, no trailing zeros).
fn fmt_bp(bp: u64) -> String {
    match bp % 100 {
        0 => format!("{}", bp / 100),
        f if f % 10 == 0 => format!("{},{}", bp / 100, f / 10),
        f => format!("{},{f:02}", bp / 100),
    }
}

/// Splits `total` into `weights.len()` parts proportional to `weights`, by largest
/// remainder (see the module documentation for the tie rule and negative totals).
///
/// Returns one amount per weight, in the same order; they sum exactly to `total` and each
/// differs from its exact share `total × wᵢ / Σw` by less than one cent.
///
/// Errors: [`SplitError::Empty`] for no weights, [`SplitError::AllZero`] when every weight
/// is zero, [`SplitError::Overflow`] if a part did not fit in cents (it cannot with `i64`
/// totals and `u64` weights — every product fits in `u128` — but the conversion is checked
/// rather than assumed).
///
/// Source: issue 5, §3.
pub fn split_by_weights(total: Money, weights: &[u64]) -> Result<Vec<Money>, SplitError> {
    if weights.is_empty() {
        return Err(SplitError::Empty);
    }
    // At most 2^64 weights each below 2^64: the sum fits in u128, but check anyway.
    let sum = weights
        .iter()
        .try_fold(0u128, |acc, &w| acc.checked_add(u128::from(w)))
        .ok_or(SplitError::Overflow)?;
    if sum == 0 {
        return Err(SplitError::AllZero);
    }
    let magnitude = u128::from(total.0.unsigned_abs());
    let mut floors = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for &w in weights {
        // |total| < 2^64 and w < 2^64: the product is below 2^128.
        let share = magnitude.checked_mul(u128::from(w)).ok_or(SplitError::Overflow)?;
        floors.push(share / sum);
        remainders.push(share % sum);
    }
    // Σ floor ≤ |total|, and what is left is fewer cents than there are parts.
    let given: u128 = floors.iter().sum();
    let leftover = usize::try_from(magnitude - given).map_err(|_| SplitError::Overflow)?;
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // Largest remainder first; equal remainders keep the earlier part first (tie rule).
    order.sort_by(|&a, &b| remainders[b].cmp(&remainders[a]).then(a.cmp(&b)));
    for &i in order.iter().take(leftover) {
        floors[i] += 1;
    }
    floors.into_iter().map(|cents| signed_cents(cents, total.0 < 0)).collect()
}

/// `cents` as an amount, negated when `negative`; [`SplitError::Overflow`] if it does not fit.
fn signed_cents(cents: u128, negative: bool) -> Result<Money, SplitError> {
    let signed = i128::try_from(cents).map_err(|_| SplitError::Overflow)?;
    let signed = if negative { -signed } else { signed };
    i64::try_from(signed).map(Money).map_err(|_| SplitError::Overflow)
}

/// Splits `total` into `n` equal parts (every weight 1), by largest remainder: the earlier
/// parts take the extra cents. 800,00 € in 12 is 8 × 66,67 € then 4 × 66,66 €.
///
/// Errors: [`SplitError::Empty`] when `n` is zero.
///
/// Source: issue 5, §3.
pub fn split_equally(total: Money, n: usize) -> Result<Vec<Money>, SplitError> {
    split_by_weights(total, &vec![1; n])
}

/// Splits `total` by percentages given in basis points (3 333 bp = 33,33 %), which must add
/// up to exactly 100 % (10 000 bp); same largest-remainder method and tie rule as
/// [`split_by_weights`].
///
/// Errors: [`SplitError::Empty`] for no percentages,
/// [`SplitError::PercentagesNot100`] when they do not add up to 10 000 bp.
///
/// Source: issue 5, §3 (a tranche schedule given in percentages).
pub fn split_by_percentages(total: Money, percents_in_basis_points: &[u32]) -> Result<Vec<Money>, SplitError> {
    if percents_in_basis_points.is_empty() {
        return Err(SplitError::Empty);
    }
    let sum_bp: u64 = percents_in_basis_points.iter().map(|&p| u64::from(p)).sum();
    if sum_bp != u64::from(FULL_BP) {
        return Err(SplitError::PercentagesNot100 { sum_bp });
    }
    let weights: Vec<u64> = percents_in_basis_points.iter().map(|&p| u64::from(p)).collect();
    split_by_weights(total, &weights)
}

/// A ceiling of `rate_bp` basis points of `amount`, rounded **down** to the cent (towards
/// −∞) so that the ceiling is respected: 33,33 % of 100,01 € is 33,333 3… €, so the
/// ceiling is 33,33 €. Rates above 100 % are allowed (a tolerated overrun).
///
/// Errors: [`SplitError::Overflow`] when the result does not fit in `i64` cents (only
/// possible for rates above 100 %).
///
/// Source: issue 5, §3 ("any ceiling expressed as a percentage rounds in the direction
/// that respects the ceiling").
pub fn ceiling_of(amount: Money, rate_bp: u32) -> Result<Money, SplitError> {
    let exact = i128::from(amount.0) * i128::from(rate_bp);
    let cents = exact.div_euclid(i128::from(FULL_BP));
    i64::try_from(cents).map(Money).map_err(|_| SplitError::Overflow)
}

/// A minimum of `rate_bp` basis points of `amount` that must be met (e.g. a co-financing
/// minimum), rounded **up** to the cent (towards +∞) so that meeting it meets the exact
/// minimum: 33,33 % of 100,01 € is 33,333 3… €, so at least 33,34 € is required.
///
/// Errors: [`SplitError::Overflow`] when the result does not fit in `i64` cents (only
/// possible for rates above 100 %).
///
/// Source: issue 5, §3 (the rounding rule of [`ceiling_of`], for a minimum).
pub fn floor_share_required(amount: Money, rate_bp: u32) -> Result<Money, SplitError> {
    let exact = i128::from(amount.0) * i128::from(rate_bp);
    // ceil(x / d) = −floor(−x / d), exact for either sign.
    let cents = -(-exact).div_euclid(i128::from(FULL_BP));
    i64::try_from(cents).map(Money).map_err(|_| SplitError::Overflow)
}

#[cfg(test)]
#[path = "split_tests.rs"]
mod tests;
