//! Portfolio metrics against the figures of issue 5 §4 and hand-worked series.

use super::*;
use time::macros::date;

fn flow(date: Date, euros: i64) -> Flow {
    Flow {
        date,
        amount: Money(euros * 100),
    }
}

/// The issue's gross-flow example: two calls on one day, a call and a distribution on
/// another, an exit.
fn issue_flows() -> Vec<Flow> {
    vec![
        flow(date!(2021 - 03 - 15), -200_000),
        flow(date!(2021 - 03 - 15), -50_000),
        flow(date!(2023 - 09 - 30), 30_000),
        flow(date!(2023 - 09 - 30), -20_000),
        flow(date!(2026 - 03 - 15), 400_000),
    ]
}

fn position(flows: Vec<Flow>) -> Position {
    Position { flows, residual: None }
}

#[test]
fn issue_multiples_use_gross_flows() {
    let m = metrics(&position(issue_flows())).unwrap();
    let x = &m.multiples;
    assert_eq!(x.paid_in, Money::from_euros(270_000).unwrap());
    assert_eq!(x.distributions, Money::from_euros(430_000).unwrap());
    assert_eq!(x.residual, Money::ZERO);
    assert!((x.tvpi - 1.592593).abs() < 1e-6, "{}", x.tvpi);
    assert!((x.dpi - 1.592593).abs() < 1e-6);
    assert!((x.moic - 1.592593).abs() < 1e-6);
    assert_eq!(x.rvpi, 0.0);
    // Netting the same-day flows would give 410 000 / 250 000 = 1.64.
    assert!((x.tvpi - 1.64).abs() > 0.01);
    let r = m.xirr.unwrap();
    assert!((r.rate - 0.105439).abs() < 1e-6, "{}", r.rate);
    assert!(!r.multiple_roots());
}

#[test]
fn issue_xirr_satisfies_the_actual_365_equation() {
    // Independent check of the convention: the NPV at the returned rate is ~0 when the
    // exponents are days / 365 (2021-03-15 → 2023-09-30 = 929 days, → 2026-03-15 = 1826).
    let r = xirr(&issue_flows()).unwrap().rate;
    let npv = -250_000.0 + 10_000.0 / (1.0 + r).powf(929.0 / 365.0) + 400_000.0 / (1.0 + r).powf(1826.0 / 365.0);
    assert!(npv.abs() < 1e-6, "{npv}");
}

#[test]
fn near_total_loss_converges_and_sign_flip_agrees() {
    let loss = vec![flow(date!(2011 - 07 - 01), -10_000), flow(date!(2014 - 07 - 01), 1)];
    let r = xirr(&loss).unwrap().rate;
    assert!((r - -0.953454).abs() < 1e-6, "{r}");
    // Closed form: (1 + r)^(1096/365) = 1/10 000.
    let exact = 10f64.powf(-4.0 * 365.0 / 1096.0) - 1.0;
    assert!((r - exact).abs() < 1e-12, "{r} vs {exact}");
    let flipped: Vec<Flow> = loss
        .iter()
        .map(|f| Flow {
            date: f.date,
            amount: Money(-f.amount.0),
        })
        .collect();
    assert_eq!(xirr(&flipped).unwrap().rate, r);
}

#[test]
fn order_and_splitting_do_not_change_the_result() {
    let base = xirr(&issue_flows()).unwrap().rate;
    let mut flows = issue_flows();
    let mut seed = 7u64;
    for _ in 0..20 {
        // Fisher–Yates with a small LCG.
        for i in (1..flows.len()).rev() {
            seed = lcg(seed);
            flows.swap(i, (seed >> 33) as usize % (i + 1));
        }
        assert_eq!(xirr(&flows).unwrap().rate, base);
        assert_eq!(
            multiples(&[position(flows.clone())]).unwrap(),
            multiples(&[position(issue_flows())]).unwrap()
        );
    }
    // The 400 000 exit in four same-day pieces.
    let mut split = issue_flows();
    split.pop();
    split.extend((0..4).map(|_| flow(date!(2026 - 03 - 15), 100_000)));
    assert_eq!(xirr(&split).unwrap().rate, base);
}

#[test]
fn same_day_duplicates_count_twice_in_multiples() {
    let d = date!(2022 - 01 - 01);
    let once = vec![flow(d, -100), flow(date!(2023 - 01 - 01), 150)];
    let twice = vec![flow(d, -100), flow(d, -100), flow(date!(2023 - 01 - 01), 150)];
    let m1 = multiples(&[position(once.clone())]).unwrap();
    let m2 = multiples(&[position(twice.clone())]).unwrap();
    assert_eq!(m1.paid_in, Money::from_euros(100).unwrap());
    assert_eq!(m2.paid_in, Money::from_euros(200).unwrap());
    assert!((m1.tvpi - 1.5).abs() < 1e-15);
    assert!((m2.tvpi - 0.75).abs() < 1e-15);
    // 2022 has 365 days: one year, 150 / 100 → 50 %; 150 / 200 → −25 %.
    assert!((xirr(&once).unwrap().rate - 0.5).abs() < 1e-12);
    assert!((xirr(&twice).unwrap().rate - -0.25).abs() < 1e-12);
}

#[test]
fn one_signed_and_empty_series_are_typed_errors() {
    let d = date!(2022 - 01 - 01);
    assert_eq!(xirr(&[]), Err(XirrError::Empty));
    assert_eq!(xirr(&[flow(d, -1), flow(date!(2023 - 01 - 01), -5)]), Err(XirrError::NoPositive));
    assert_eq!(xirr(&[flow(d, 1), flow(date!(2023 - 01 - 01), 5)]), Err(XirrError::NoNegative));
    assert_eq!(xirr(&[flow(d, 0)]), Err(XirrError::NoNegative));
    assert_eq!(xirr(&[flow(d, -100), flow(d, 100)]), Err(XirrError::NetZero));
    // Both signs, but they net to a single outflow: no rate.
    assert_eq!(xirr(&[flow(d, -100), flow(d, 40)]), Err(XirrError::NoRoot));
    assert_eq!(metrics(&Position::default()), Err(MetricsError::NoPaidIn));
    let m = metrics(&position(vec![flow(d, -100)])).unwrap();
    assert_eq!(m.multiples.tvpi, 0.0);
    assert_eq!(m.xirr, Err(XirrError::NoPositive));
    assert!(XirrError::NoPositive.to_string().contains("aucun flux positif"));
}

#[test]
fn multiple_roots_are_found_and_the_closest_to_zero_chosen() {
    // −100 + 230 x − 132 x² = 0 with x = 1/(1+r): x = (230 ± 10) / 264 → r = 10 % and 20 %.
    // 2021 and 2022 have 365 days, so the exponents are exactly 1 and 2.
    let flows = vec![
        flow(date!(2021 - 01 - 01), -100),
        flow(date!(2022 - 01 - 01), 230),
        flow(date!(2023 - 01 - 01), -132),
    ];
    let x = xirr(&flows).unwrap();
    assert!(x.multiple_roots());
    assert_eq!(x.roots.len(), 2, "{:?}", x.roots);
    assert!((x.roots[0] - 0.10).abs() < 1e-12, "{:?}", x.roots);
    assert!((x.roots[1] - 0.20).abs() < 1e-12, "{:?}", x.roots);
    assert_eq!(x.rate, x.roots[0]);
    // −100, +150, −100: 100 x² − 150 x + 100 has a negative discriminant, no real root.
    let none = vec![
        flow(date!(2021 - 01 - 01), -100),
        flow(date!(2022 - 01 - 01), 150),
        flow(date!(2023 - 01 - 01), -100),
    ];
    assert_eq!(xirr(&none), Err(XirrError::NoRoot));
}

#[test]
fn a_root_beyond_the_grid_and_one_out_of_range() {
    // Doubling in 73 days (a fifth of a year): r = 2^5 − 1 = 31.
    let fast = vec![flow(date!(2021 - 01 - 01), -100), flow(date!(2021 - 03 - 15), 200)];
    assert!((xirr(&fast).unwrap().rate - 31.0).abs() < 1e-9);
    // Losing all but a cent over one day: r = 1e-6^365 − 1 rounds to −1.
    let wiped = vec![
        flow(date!(2021 - 01 - 01), -10_000),
        Flow {
            date: date!(2021 - 01 - 02),
            amount: Money(1),
        },
    ];
    assert_eq!(xirr(&wiped), Err(XirrError::OutOfRange));
}

#[test]
fn residual_value_enters_rvpi_and_xirr() {
    let p = Position {
        flows: vec![flow(date!(2021 - 01 - 01), -1_000), flow(date!(2022 - 01 - 01), 200)],
        residual: Some(Residual {
            date: date!(2023 - 01 - 01),
            value: Money::from_euros(1_000).unwrap(),
        }),
    };
    let m = metrics(&p).unwrap();
    assert!((m.multiples.dpi - 0.2).abs() < 1e-15);
    assert!((m.multiples.rvpi - 1.0).abs() < 1e-15);
    assert!((m.multiples.tvpi - 1.2).abs() < 1e-15);
    assert!((m.multiples.moic - 1.2).abs() < 1e-15);
    // −1000 + 200 x + 1000 x² = 0 → x = (−200 + √(40 000 + 4 000 000)) / 2000.
    let x = (-200.0 + 4_040_000f64.sqrt()) / 2000.0;
    assert!((m.xirr.unwrap().rate - (1.0 / x - 1.0)).abs() < 1e-12);
    let bad = Position {
        residual: Some(Residual {
            date: date!(2023 - 01 - 01),
            value: Money(-1),
        }),
        ..p
    };
    assert!(matches!(metrics(&bad), Err(MetricsError::NegativeResidual { .. })));
}

#[test]
fn aggregation_is_the_union_of_flows() {
    // The issue's example split into two investments gives the same portfolio figures.
    let flows = issue_flows();
    let a = position(flows[..2].iter().copied().chain([flows[4]]).collect());
    let b = position(flows[2..4].to_vec());
    let whole = metrics(&position(flows.clone())).unwrap();
    let parts = portfolio_metrics(&[a.clone(), b]).unwrap();
    assert_eq!(parts.multiples, whole.multiples);
    assert_eq!(parts.xirr.unwrap().rate, whole.xirr.unwrap().rate);
    // A's own figures: 400 000 / 250 000 over exactly 5 years (1826 days).
    let ma = metrics(&a).unwrap();
    assert!((ma.multiples.tvpi - 1.6).abs() < 1e-15);
    assert!((ma.xirr.unwrap().rate - (1.6f64.powf(365.0 / 1826.0) - 1.0)).abs() < 1e-12);
}

#[test]
fn overflow_is_an_error() {
    let d = date!(2021 - 01 - 01);
    let huge = Flow {
        date: d,
        amount: Money(i64::MAX),
    };
    let p = position(vec![flow(d, -1), huge, huge]);
    assert_eq!(multiples(&[p]), Err(MetricsError::Overflow));
    let p = position(vec![Flow {
        date: d,
        amount: Money(i64::MIN),
    }]);
    assert_eq!(multiples(&[p]), Err(MetricsError::Overflow));
}

fn lcg(s: u64) -> u64 {
    s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407)
}

#[test]
fn never_nan_on_pseudo_random_series() {
    let mut seed = 42u64;
    let (mut ok, mut several) = (0, 0);
    for _ in 0..3_000 {
        seed = lcg(seed);
        let n = 1 + (seed >> 60) as usize; // 1..=16 flows
        let mut flows = Vec::with_capacity(n);
        for _ in 0..n {
            seed = lcg(seed);
            let day = (seed >> 40) % 7_000;
            seed = lcg(seed);
            // Amounts from −10^7 to 10^7 euros, mostly calls, sometimes extreme.
            let mag = 10i64.pow(((seed >> 59) % 8) as u32);
            let amount = ((seed >> 20) % 1000) as i64 * mag / 100 - if seed & 1 == 0 { 0 } else { mag * 5 };
            let date = date!(2000 - 01 - 01) + time::Duration::days(day as i64);
            flows.push(Flow {
                date,
                amount: Money(amount),
            });
        }
        if let Ok(x) = xirr(&flows) {
            ok += 1;
            several += usize::from(x.multiple_roots());
            assert!(x.rate.is_finite() && x.rate > -1.0, "{flows:?}");
            assert!(x.roots.iter().all(|r| r.is_finite() && *r > -1.0));
            assert!(x.roots.contains(&x.rate));
            // Within 1e-9 × (1 + |r|) of a true root: the NPV changes sign across.
            let s = Series::net(&flows);
            let tol = 1e-9 * (1.0 + x.rate.abs());
            let at = |r: f64| {
                let v = if r <= -1.0 { -V_MAX } else { r.ln_1p() };
                s.eval(v, s.shift_for(v)).0
            };
            let (lo, hi) = (at(x.rate - tol), at(x.rate + tol));
            assert!(lo == 0.0 || hi == 0.0 || (lo < 0.0) != (hi < 0.0), "{x:?} {flows:?}");
        }
        if let Ok(m) = multiples(&[position(flows)]) {
            for r in [m.dpi, m.rvpi, m.tvpi, m.moic] {
                assert!(r.is_finite());
            }
        }
    }
    assert!(ok > 1_000, "{ok}");
    assert!(several > 0, "no multiple-root series drawn");
}

#[test]
fn two_roots_in_one_grid_cell_are_both_found() {
    // −100 + 221 x − 122.1 x² = −122.1 (x − 1/1.1)(x − 1/1.11): roots 10 % and 11 %, whose
    // ln(1 + r) (0.0953 and 0.1044) fall in the same cell of the 0.029-wide grid.
    let flows = vec![
        Flow {
            date: date!(2021 - 01 - 01),
            amount: Money(-10_000),
        },
        Flow {
            date: date!(2022 - 01 - 01),
            amount: Money(22_100),
        },
        Flow {
            date: date!(2023 - 01 - 01),
            amount: Money(-12_210),
        },
    ];
    let x = xirr(&flows).unwrap();
    assert_eq!(x.roots.len(), 2, "{:?}", x.roots);
    assert!(
        (x.roots[0] - 0.10).abs() < 1e-12 && (x.roots[1] - 0.11).abs() < 1e-12,
        "{:?}",
        x.roots
    );
    assert_eq!(x.rate, x.roots[0]);
}
