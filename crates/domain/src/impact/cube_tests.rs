//! The cube against hand-worked figures, and against the reference functions of
//! `aggregation` on a small random programme, before and after incremental updates.

use super::*;
use crate::impact::aggregation::{aggregate, for_year, series};
use crate::impact::Reported;
use crate::vocabulary::Region;

const QUANTITY: IndicatorKind = IndicatorKind::Quantity;
const PERCENTAGE: IndicatorKind = IndicatorKind::Percentage;

fn region(code: &str) -> Region {
    Region::from_code(code).unwrap()
}

fn facets(slug: &str, themes: &[Theme], regions: &[&str]) -> Facets {
    Facets {
        slug: slug.into(),
        themes: themes.to_vec(),
        regions: regions.iter().map(|c| region(c)).collect(),
        territory_kinds: vec![],
    }
}

fn q(y: i32, q: u8) -> Period {
    Period::Quarter(y, q)
}

fn value(v: f64) -> Observation {
    Observation::Value { value: v }
}

fn frac(n: Option<f64>, d: Option<f64>) -> Observation {
    Observation::Fraction {
        numerator: n,
        denominator: d,
    }
}

/// Two projects in Agroecology / Bretagne (53), the second also in Health: cumulative jobs
/// (indicator 0) and a level percentage (indicator 1). Figures worked out by hand.
#[test]
fn hand_worked_cells_and_updates() {
    use Theme::{Agroecology, Health};
    let layout = Layout {
        first_year: 2025,
        last_year: 2026,
        rules: vec![
            Rule {
                kind: QUANTITY,
                temporality: Temporality::Cumulative,
            },
            Rule {
                kind: PERCENTAGE,
                temporality: Temporality::Level,
            },
        ],
        projects: vec![facets("a", &[Agroecology], &["53"]), facets("b", &[Agroecology, Health], &["53"])],
        slots: vec![
            Slot {
                project: 0,
                indicator: 0,
                factor: 1.0,
            },
            Slot {
                project: 1,
                indicator: 0,
                factor: 1.0,
            },
            Slot {
                project: 0,
                indicator: 1,
                factor: 1.0,
            },
            Slot {
                project: 1,
                indicator: 1,
                factor: 1.0,
            },
        ],
    };
    let mut m = Columns::default();
    // a: P1 120 then 150 corrected to 155, P2 40 → 195 at 2025-Q2, carried into 2026.
    m.push(0, q(2025, 1), 1, 1, value(120.0));
    m.push(0, q(2025, 2), 1, 3, value(155.0));
    m.push(0, q(2025, 2), 1, 2, value(150.0)); // older, arrives later: superseded
    m.push(0, q(2025, 2), 2, 4, value(40.0));
    // b: 10 in 2025-Q1 only.
    m.push(1, q(2025, 1), 1, 5, value(10.0));
    // Shares: a 15/50, b 45/60 in 2025; in 2026 a has a zero denominator, b nothing.
    m.push(2, q(2025, 4), 1, 6, frac(Some(15.0), Some(50.0)));
    m.push(3, q(2025, 3), 1, 7, frac(Some(45.0), Some(60.0)));
    m.push(2, q(2026, 1), 1, 8, frac(Some(3.0), Some(0.0)));
    let mut cube = Cube::build(layout, &m).unwrap();
    let fig = |c: &Cube, i, t, y| c.figure(i, t, "53", y).unwrap();

    let jobs = fig(&cube, 0, Agroecology, 2025);
    assert_eq!((jobs.value, jobs.reported, jobs.expected), (Some(205.0), 2, 2));
    assert_eq!(fig(&cube, 0, Agroecology, 2026).value, Some(205.0)); // carried over
    assert_eq!(fig(&cube, 0, Health, 2026).value, Some(10.0));
    let share = fig(&cube, 1, Agroecology, 2025);
    assert_eq!((share.numerator, share.denominator), (Some(60.0), Some(110.0)));
    assert!((share.value.unwrap() - 6_000.0 / 110.0).abs() < 1e-12);
    let share = fig(&cube, 1, Agroecology, 2026);
    assert_eq!(
        (share.value, share.reported, share.expected, share.zero_denominators),
        (None, 0, 2, 1)
    );
    assert_eq!(cube.figure(0, Theme::Digital, "53", 2025).unwrap().expected, 0);
    assert_eq!(cube.cells().count(), 2 * 2 * 2); // 2 indicators × 2 themes × 2 years

    // A late correction of a's first quarter changes 2025-Q1 only: 195 stays the latest.
    cube.record(0, q(2025, 1), 1, 9, value(130.0)).unwrap();
    assert_eq!(fig(&cube, 0, Agroecology, 2026).value, Some(205.0));
    // b's first report of 2026 (a cumulative 25) replaces its carried 10 from 2026 on.
    cube.record(1, q(2026, 2), 1, 10, value(25.0)).unwrap();
    assert_eq!(fig(&cube, 0, Agroecology, 2025).value, Some(205.0));
    assert_eq!(fig(&cube, 0, Agroecology, 2026).value, Some(220.0));
    assert_eq!(fig(&cube, 0, Health, 2026).value, Some(25.0));
    // Correcting a's 2025-Q2 P2 value carries into 2026: 155 + 50 + 25.
    cube.record(0, q(2025, 2), 2, 11, value(50.0)).unwrap();
    assert_eq!(fig(&cube, 0, Agroecology, 2026).value, Some(230.0));
    // A stale measurement (lower seq) changes nothing.
    cube.record(0, q(2025, 2), 2, 1, value(1_000.0)).unwrap();
    assert_eq!(fig(&cube, 0, Agroecology, 2026).value, Some(230.0));
    // a fixes its zero denominator: 2026 has 12/40 = 30 %, 1 of 2, no warning left.
    cube.record(2, q(2026, 1), 1, 12, frac(Some(12.0), Some(40.0))).unwrap();
    let share = fig(&cube, 1, Agroecology, 2026);
    assert_eq!((share.value, share.reported, share.zero_denominators), (Some(30.0), 1, 0));

    assert!(matches!(cube.record(9, q(2025, 1), 1, 13, value(1.0)), Err(CubeError::Update(_))));
    assert!(matches!(cube.record(0, q(2027, 1), 1, 13, value(1.0)), Err(CubeError::Update(_))));
}

#[test]
fn bad_layouts_and_rows_are_refused() {
    let layout = |slots: Vec<Slot>| Layout {
        first_year: 2025,
        last_year: 2025,
        rules: vec![Rule {
            kind: QUANTITY,
            temporality: Temporality::Flow,
        }],
        projects: vec![facets("a", &[Theme::Health], &["84"])],
        slots,
    };
    let slot = Slot {
        project: 0,
        indicator: 0,
        factor: 1.0,
    };
    let twice = Cube::build(layout(vec![slot, slot]), &Columns::default()).unwrap_err();
    assert!(twice.to_string().contains("deux indicateurs"), "{twice}");
    assert!(Cube::build(layout(vec![Slot { project: 3, ..slot }]), &Columns::default()).is_err());
    let mut m = Columns::default();
    m.push(0, q(2025, 1), 0, 1, value(1.0));
    m.push(0, q(2024, 4), 0, 2, value(1.0));
    let err = Cube::build(layout(vec![slot]), &m).unwrap_err();
    assert_eq!(
        err,
        CubeError::Row {
            row: 2,
            why: "période 2024-Q4 hors des années 2025 à 2025".into()
        }
    );
}

// --- Random programmes against the reference functions ---

/// splitmix64: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const FIRST: i32 = 2020;
const LAST: i32 = 2023;

fn random_layout(rng: &mut Rng) -> Layout {
    let mut rules = vec![];
    for kind in [QUANTITY, PERCENTAGE, IndicatorKind::Ratio] {
        for temporality in [Temporality::Flow, Temporality::Level, Temporality::Cumulative] {
            rules.push(Rule { kind, temporality });
        }
    }
    let themes = &Theme::ALL[..3];
    let regions = ["84", "53", "11"];
    let projects: Vec<Facets> = (0..14)
        .map(|i| {
            let t0 = rng.below(3) as usize;
            let mut ts = vec![themes[t0]];
            if rng.chance(40) {
                ts.push(themes[(t0 + 1) % 3]);
            }
            let r0 = rng.below(3) as usize;
            let mut rs = vec![regions[r0]];
            if rng.chance(20) {
                rs.push(regions[(r0 + 2) % 3]);
            }
            facets(&format!("p{i:02}"), &ts, &rs)
        })
        .collect();
    let mut slots = vec![];
    for project in 0..projects.len() as u32 {
        for indicator in 0..rules.len() as u16 {
            if rng.chance(80) {
                let factor = [1.0, 0.001, 1_000.0][rng.below(3) as usize];
                slots.push(Slot {
                    project,
                    indicator,
                    factor,
                });
            }
        }
    }
    Layout {
        first_year: FIRST,
        last_year: LAST,
        rules,
        projects,
        slots,
    }
}

/// One random measurement; `seq` is given by the caller.
fn random_row(rng: &mut Rng, layout: &Layout) -> (u32, Period, u32, Observation) {
    let slot = rng.below(layout.slots.len() as u64) as u32;
    let year = FIRST + rng.below((LAST - FIRST + 1) as u64) as i32;
    let period = if rng.chance(10) {
        Period::Month(year, 1 + rng.below(12) as u8)
    } else {
        q(year, 1 + rng.below(4) as u8)
    };
    let reporter = rng.below(3) as u32;
    let kind = layout.rules[usize::from(layout.slots[slot as usize].indicator)].kind;
    let observation = if kind == PERCENTAGE {
        let d = if rng.chance(10) { 0.0 } else { (1 + rng.below(100)) as f64 };
        let n = (!rng.chance(10)).then(|| rng.below(d as u64 + 1) as f64);
        frac(n, (!rng.chance(5)).then_some(d))
    } else if rng.chance(5) {
        value(f64::NAN) // unusable: missing
    } else {
        value(rng.below(1_000) as f64)
    };
    (slot, period, reporter, observation)
}

/// Checks every cell of `cube` against `aggregate(for_year(series(…)))` on `rows`.
fn check_against_reference(cube: &Cube, layout: &Layout, rows: &Columns) {
    let mut reported: Vec<Vec<Reported>> = vec![vec![]; layout.slots.len()];
    for i in 0..rows.len() {
        reported[rows.slot[i] as usize].push(Reported {
            project: String::new(),
            indicator: String::new(),
            period: rows.period[i],
            reporter: format!("r{}", rows.reporter[i]),
            observation: rows.observation[i],
            seq: rows.seq[i],
        });
    }
    let mut non_empty = 0;
    for (indicator, rule) in layout.rules.iter().enumerate() {
        for &theme in Theme::ALL {
            for r in REGIONS {
                for year in FIRST..=LAST {
                    let mut contributions = vec![];
                    for (s, slot) in layout.slots.iter().enumerate() {
                        let p = &layout.projects[slot.project as usize];
                        if usize::from(slot.indicator) == indicator && p.themes.contains(&theme) && p.regions.contains(r) {
                            let points = series(rule.kind, rule.temporality, &reported[s], &[]);
                            let c = for_year(rule.temporality, &points, year).scaled(slot.factor);
                            contributions.push((p.slug.as_str(), c));
                        }
                    }
                    let want = aggregate(rule.kind, contributions.iter().map(|(s, c)| (*s, Some(c))));
                    let got = cube.figure(indicator as u16, theme, r.code, year).unwrap();
                    let at = format!("{indicator} {} {} {year}: {got:?} vs {want:?}", theme.code(), r.code);
                    assert_eq!(
                        (got.reported as usize, got.expected as usize, got.zero_denominators as usize),
                        (want.reported, want.expected, want.zero_denominators.len()),
                        "{at}"
                    );
                    for (g, w) in [
                        (got.value, want.value),
                        (got.numerator, want.numerator),
                        (got.denominator, want.denominator),
                    ] {
                        match (g, w) {
                            (Some(g), Some(w)) => assert!((g - w).abs() <= 1e-9 * w.abs().max(1.0), "{at}"),
                            (g, w) => assert_eq!(g, w, "{at}"),
                        }
                    }
                    non_empty += usize::from(want.expected > 0);
                }
            }
        }
    }
    assert_eq!(cube.cells().count(), non_empty);
}

#[test]
fn random_programmes_match_the_reference_before_and_after_updates() {
    for seed in 1..=6 {
        let mut rng = Rng(seed);
        let layout = random_layout(&mut rng);
        let mut rows = Columns::default();
        for _ in 0..600 {
            let (slot, period, reporter, o) = random_row(&mut rng, &layout);
            // Recording order is not row order: corrections may come first.
            let seq = rng.below(1_000) as i64;
            rows.push(slot, period, reporter, seq, o);
        }
        let mut cube = Cube::build(layout.clone(), &rows).unwrap();
        check_against_reference(&cube, &layout, &rows);

        // A late correction of an early cumulative period, and a zero denominator.
        let cumulative = layout
            .slots
            .iter()
            .position(|s| {
                layout.rules[usize::from(s.indicator)]
                    == Rule {
                        kind: QUANTITY,
                        temporality: Temporality::Cumulative,
                    }
            })
            .unwrap() as u32;
        let percentage = layout
            .slots
            .iter()
            .position(|s| layout.rules[usize::from(s.indicator)].kind == PERCENTAGE)
            .unwrap() as u32;
        let mut updates = vec![
            (cumulative, q(FIRST, 1), 0, 5_000, value(7.0)),
            (percentage, q(FIRST + 1, 2), 1, 5_001, frac(Some(4.0), Some(0.0))),
        ];
        for seq in 0..300 {
            let (slot, period, reporter, o) = random_row(&mut rng, &layout);
            // Mostly newer than everything, sometimes stale.
            let seq = if rng.chance(10) { rng.below(1_000) as i64 } else { 6_000 + seq };
            updates.push((slot, period, reporter, seq, o));
        }
        for (k, (slot, period, reporter, seq, o)) in updates.into_iter().enumerate() {
            cube.record(slot, period, reporter, seq, o).unwrap();
            rows.push(slot, period, reporter, seq, o);
            if k < 3 || k % 100 == 0 {
                check_against_reference(&cube, &layout, &rows);
            }
        }
        check_against_reference(&cube, &layout, &rows);
    }
}
