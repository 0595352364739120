//! Tests of exact splits and percentage ceilings. Expected values come from issue 5 §3 or
//! are worked out by hand in the comments.

use super::*;

fn cents(v: &[i64]) -> Vec<Money> {
    v.iter().copied().map(Money).collect()
}

#[test]
fn twelve_monthly_tranches_of_800_euros() {
    // Issue 5 §3: 800,00 € in 12 is 8 × 66,67 + 4 × 66,66. 80 000 / 12 = 6 666 rem 8 for
    // every month: 8 cents left, equal remainders, so the first eight months take them.
    let parts = split_equally(Money(80_000), 12).unwrap();
    let mut expected = vec![6_667; 8];
    expected.extend([6_666; 4]);
    assert_eq!(parts, cents(&expected));
}

#[test]
fn ten_thousand_euros_among_three_partners() {
    // Issue 5 §3: 10 000,00 € among three is 3 333,34 + 3 333,33 + 3 333,33.
    let parts = split_equally(Money(1_000_000), 3).unwrap();
    assert_eq!(parts, cents(&[333_334, 333_333, 333_333]));
}

#[test]
fn one_cent_in_three() {
    // Floors 0, 0, 0 with equal remainders: the one cent goes to the first part.
    assert_eq!(split_equally(Money(1), 3).unwrap(), cents(&[1, 0, 0]));
}

#[test]
fn weights_one_two_three_on_100_euros() {
    // Σw = 6. Exact shares of 10 000 cents: 10 000/6 = 1 666 rem 4 (1 666,67),
    // 20 000/6 = 3 333 rem 2 (3 333,33), 30 000/6 = 5 000 rem 0. The floors sum to 9 999,
    // so one cent is left; the largest remainder (4) is the first part's:
    // 16,67 € / 33,33 € / 50,00 €.
    let parts = split_by_weights(Money(10_000), &[1, 2, 3]).unwrap();
    assert_eq!(parts, cents(&[1_667, 3_333, 5_000]));
}

#[test]
fn largest_remainder_beats_position() {
    // Weights 3:1 on 0,03 €: shares 2,25 and 0,75 cents, floors 2 and 0, remainders
    // 1/4 and 3/4. The leftover cent goes to the second part, whose remainder is larger.
    assert_eq!(split_by_weights(Money(3), &[3, 1]).unwrap(), cents(&[2, 1]));
}

#[test]
fn zero_weight_gets_nothing() {
    // Weights 0:1:1 on 0,01 €: remainders 0, 1/2, 1/2; the cent goes to the earlier tie.
    assert_eq!(split_by_weights(Money(1), &[0, 1, 1]).unwrap(), cents(&[0, 1, 0]));
}

#[test]
fn zero_total_splits_into_zeros() {
    assert_eq!(split_equally(Money::ZERO, 4).unwrap(), cents(&[0, 0, 0, 0]));
}

#[test]
fn negative_totals_split_symmetrically() {
    // −800,00 € in 12: the magnitude is split, then negated (8 × −66,67 + 4 × −66,66).
    let parts = split_equally(Money(-80_000), 12).unwrap();
    let mut expected = vec![-6_667; 8];
    expected.extend([-6_666; 4]);
    assert_eq!(parts, cents(&expected));
    assert_eq!(split_equally(Money(-1), 3).unwrap(), cents(&[-1, 0, 0]));
}

#[test]
fn extreme_amounts_and_weights_do_not_overflow() {
    // i64::MAX = 9 223 372 036 854 775 807 is odd: halves 4 611 686 018 427 387 904 and
    // …903, the earlier taking the extra cent, even with the largest possible weights.
    let parts = split_by_weights(Money(i64::MAX), &[u64::MAX, u64::MAX]).unwrap();
    assert_eq!(parts, cents(&[4_611_686_018_427_387_904, 4_611_686_018_427_387_903]));
    // i64::MIN = −2^63: its magnitude does not fit in i64, yet the parts do.
    let parts = split_equally(Money(i64::MIN), 2).unwrap();
    assert_eq!(parts, cents(&[-4_611_686_018_427_387_904; 2]));
    assert_eq!(split_equally(Money(i64::MIN), 1).unwrap(), cents(&[i64::MIN]));
}

#[test]
fn refused_weights() {
    assert_eq!(split_by_weights(Money(100), &[]), Err(SplitError::Empty));
    assert_eq!(split_equally(Money(100), 0), Err(SplitError::Empty));
    assert_eq!(split_by_weights(Money(100), &[0, 0]), Err(SplitError::AllZero));
}

#[test]
fn percentages_split_by_largest_remainder() {
    // 30 % / 30 % / 40 % of 100,01 €: exact 3 000,3 / 3 000,3 / 4 000,4 cents; floors sum
    // to 10 000, one cent left, largest remainder (0,4) is the last part's.
    let parts = split_by_percentages(Money(10_001), &[3_000, 3_000, 4_000]).unwrap();
    assert_eq!(parts, cents(&[3_000, 3_000, 4_001]));
    // 100 % in one tranche is the whole amount.
    assert_eq!(split_by_percentages(Money(10_001), &[10_000]).unwrap(), cents(&[10_001]));
}

#[test]
fn percentages_must_total_100() {
    assert_eq!(split_by_percentages(Money(100), &[]), Err(SplitError::Empty));
    let short = split_by_percentages(Money(100), &[3_333, 3_333, 3_333]).unwrap_err();
    assert_eq!(short, SplitError::PercentagesNot100 { sum_bp: 9_999 });
    assert_eq!(
        short.to_string(),
        "répartition impossible : les pourcentages totalisent 99,99 % au lieu de 100 %"
    );
    let over = split_by_percentages(Money(100), &[6_000, 4_500]).unwrap_err();
    assert_eq!(
        over.to_string(),
        "répartition impossible : les pourcentages totalisent 105 % au lieu de 100 %"
    );
    let tenth = SplitError::PercentagesNot100 { sum_bp: 9_950 };
    assert!(tenth.to_string().contains("99,5 %"));
}

#[test]
fn ceilings_round_down_minimums_round_up() {
    // 33,33 % of 100,01 €: 10 001 × 3 333 / 10 000 = 3 333,333 3 cents.
    assert_eq!(ceiling_of(Money(10_001), 3_333), Ok(Money(3_333)));
    assert_eq!(floor_share_required(Money(10_001), 3_333), Ok(Money(3_334)));
    // 20 % of 100,01 €: 2 000,2 cents → ceiling 20,00 €, minimum 20,01 €.
    assert_eq!(ceiling_of(Money(10_001), 2_000), Ok(Money(2_000)));
    assert_eq!(floor_share_required(Money(10_001), 2_000), Ok(Money(2_001)));
    // Exact shares are not moved: 50 % of 100,00 € is 50,00 € either way.
    assert_eq!(ceiling_of(Money(10_000), 5_000), Ok(Money(5_000)));
    assert_eq!(floor_share_required(Money(10_000), 5_000), Ok(Money(5_000)));
    // 0,01 % of 0,01 € is 0,000 1 cent: no room under the ceiling, one cent required.
    assert_eq!(ceiling_of(Money(1), 1), Ok(Money(0)));
    assert_eq!(floor_share_required(Money(1), 1), Ok(Money(1)));
    // 0 % and 100 %.
    assert_eq!(ceiling_of(Money(10_001), 0), Ok(Money(0)));
    assert_eq!(floor_share_required(Money(10_001), FULL_BP), Ok(Money(10_001)));
}

#[test]
fn negative_ceilings_round_towards_minus_infinity() {
    // −3 333,33 cents: a maximum rounds down to −3 334, a minimum up to −3 333.
    assert_eq!(ceiling_of(Money(-10_001), 3_333), Ok(Money(-3_334)));
    assert_eq!(floor_share_required(Money(-10_001), 3_333), Ok(Money(-3_333)));
}

#[test]
fn rates_above_100_percent_are_checked() {
    // 110 % of 100,01 € = 11 001,1 cents.
    assert_eq!(ceiling_of(Money(10_001), 11_000), Ok(Money(11_001)));
    assert_eq!(floor_share_required(Money(10_001), 11_000), Ok(Money(11_002)));
    assert_eq!(ceiling_of(Money(i64::MAX), 20_000), Err(SplitError::Overflow));
    assert_eq!(floor_share_required(Money(i64::MIN), 20_000), Err(SplitError::Overflow));
}

/// A 64-bit linear congruential generator (Knuth's MMIX constants): deterministic, no
/// dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        // The high bits of an LCG are the well-mixed ones.
        self.0.rotate_right(11)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn property_parts_sum_to_total_and_stay_within_a_cent() {
    let mut rng = Lcg(0x5EED_2024);
    for case in 0..5_000 {
        let total = match case % 3 {
            0 => rng.below(2_000_001) as i64 - 1_000_000,
            1 => rng.below(100) as i64 - 50,
            _ => rng.next() as i64, // anywhere in the i64 range
        };
        let len = 1 + rng.below(12) as usize;
        // Weights up to 2^40 keep the exact check below within i128.
        let max_weight = if case % 2 == 0 { 10 } else { 1 << 40 };
        let mut weights: Vec<u64> = (0..len).map(|_| rng.below(max_weight + 1)).collect();
        if weights.iter().all(|&w| w == 0) {
            weights[0] = 1;
        }
        let parts = split_by_weights(Money(total), &weights).unwrap();
        assert_eq!(parts.len(), len);
        let sum: i128 = parts.iter().map(|p| i128::from(p.0)).sum();
        assert_eq!(sum, i128::from(total), "case {case}: {total} by {weights:?}");
        let w_sum: i128 = weights.iter().map(|&w| i128::from(w)).sum();
        for (part, &w) in parts.iter().zip(&weights) {
            // |part − total × w / Σw| < 1 cent ⇔ |part × Σw − total × w| < Σw, exactly.
            let gap = (i128::from(part.0) * w_sum - i128::from(total) * i128::from(w)).abs();
            assert!(gap < w_sum, "case {case}: {part:?} of {total} by {weights:?}");
        }
        // Symmetry: splitting the opposite total gives the opposite parts.
        if let Some(neg) = total.checked_neg() {
            let opposite = split_by_weights(Money(neg), &weights).unwrap();
            let negated: Vec<Money> = parts.iter().map(|p| Money(-p.0)).collect();
            assert_eq!(opposite, negated, "case {case}");
        }
    }
}
