//! Benchmark of the impact aggregation (issue 4, §8), on a SYNTHETIC programme.
//!
//! Generates deterministically a SYNTHETIC programme (10 000 projects × 20 indicators × 40
//! quarters, two reporters on some indicators, corrections and stale rows), writes it as
//! CSV for DuckDB (`bench/impact/duckdb_aggregation.py`) under `target/synthetic-impact/`
//! (never under `data/`), then times:
//! - the full aggregation from raw measurements ([`Cube::build`]: latest value per
//!   (period, reporter), year contributions, every programme indicator by theme × region ×
//!   year), best and median of a few runs;
//! - single incremental updates ([`Cube::record`]), median and maximum over 1 000.
//!
//! It checks a sample of cells against the reference functions of
//! `impact::aggregation`, before and after the updates, writes its cells
//! (`rust_cells.csv`, before the updates) for `bench/impact/compare.py`, and its figures in
//! `rust_report.json`.
//!
//! Run: `cargo bench -p territoires-domain --bench impact_aggregation` (or
//! `bench/impact/run.sh` for the side-by-side with DuckDB). Environment:
//! `IMPACT_BENCH_PROJECTS` (default 10 000), `IMPACT_BENCH_DIR` (output folder).

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use territoires_domain::impact::aggregation::{aggregate, for_year, series, Facets};
use territoires_domain::impact::cube::{Columns, Cube, Figure, Layout, Rule, Slot};
use territoires_domain::impact::{IndicatorKind, Observation, Period, Reported, Temporality};
use territoires_domain::vocabulary::{Region, Theme, REGIONS};

const FIRST_YEAR: i32 = 2020;
const YEARS: i32 = 10; // 40 quarters
const SEED: u64 = 0x5EED_0004;

/// The SYNTHETIC programme indicators: (code, kind, temporality, has a second reporter,
/// unit factor of the project indicators mapped onto it).
const INDICATORS: [(&str, IndicatorKind, Temporality, bool, f64); 20] = {
    use IndicatorKind::{Percentage as P, Quantity as Q};
    use Temporality::{Cumulative as C, Flow as F, Level as L};
    [
        ("SYNTHETIC-flow-01", Q, F, true, 1.0),
        ("SYNTHETIC-flow-02", Q, F, false, 1.0),
        ("SYNTHETIC-flow-03-kwh-to-mwh", Q, F, false, 0.001),
        ("SYNTHETIC-flow-04", Q, F, false, 1.0),
        ("SYNTHETIC-flow-05", Q, F, false, 1.0),
        ("SYNTHETIC-flow-06", Q, F, false, 1.0),
        ("SYNTHETIC-cumulative-01", Q, C, true, 1.0),
        ("SYNTHETIC-cumulative-02", Q, C, false, 1.0),
        ("SYNTHETIC-cumulative-03", Q, C, false, 1.0),
        ("SYNTHETIC-cumulative-04", Q, C, false, 1.0),
        ("SYNTHETIC-cumulative-05", Q, C, false, 1.0),
        ("SYNTHETIC-level-01", Q, L, false, 1.0),
        ("SYNTHETIC-level-02", Q, L, false, 1.0),
        ("SYNTHETIC-level-03", Q, L, false, 1.0),
        ("SYNTHETIC-share-level-01", P, L, true, 1.0),
        ("SYNTHETIC-share-level-02", P, L, false, 1.0),
        ("SYNTHETIC-share-level-03", P, L, false, 1.0),
        ("SYNTHETIC-share-flow-01", P, F, true, 1.0),
        ("SYNTHETIC-share-flow-02", P, F, false, 1.0),
        ("SYNTHETIC-share-flow-03", P, F, false, 1.0),
    ]
};

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
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1_000) < per_mille
    }
}

/// The 18 regions (not the overseas collectivities).
fn regions() -> &'static [Region] {
    &REGIONS[..18]
}

/// One random observation for `kind`; a cumulative value grows from `running`.
fn observation(rng: &mut Rng, kind: IndicatorKind, temporality: Temporality, running: &mut f64) -> Observation {
    match (kind, temporality) {
        (IndicatorKind::Percentage, _) => {
            let d = if rng.chance(10) { 0.0 } else { (1 + rng.below(200)) as f64 };
            let n = rng.below(d as u64 + 1) as f64;
            Observation::Fraction {
                numerator: (!rng.chance(10)).then_some(n),
                denominator: Some(d),
            }
        }
        (_, Temporality::Cumulative) => {
            *running += rng.below(20) as f64;
            Observation::Value { value: *running }
        }
        _ => Observation::Value {
            value: rng.below(1_000) as f64,
        },
    }
}

/// The SYNTHETIC programme: its layout and raw measurements (corrections and stale rows
/// at the end, as they arrive later).
fn generate(projects: usize) -> (Layout, Columns) {
    let mut rng = Rng(SEED);
    let facets: Vec<Facets> = (0..projects)
        .map(|i| {
            let t0 = rng.below(Theme::ALL.len() as u64) as usize;
            let mut themes = vec![Theme::ALL[t0]];
            if rng.chance(400) {
                themes.push(Theme::ALL[(t0 + 1 + rng.below(Theme::ALL.len() as u64 - 1) as usize) % Theme::ALL.len()]);
            }
            Facets {
                slug: format!("synthetic-{i:05}"),
                themes,
                regions: vec![regions()[rng.below(regions().len() as u64) as usize]],
                territory_kinds: vec![],
            }
        })
        .collect();
    let rules = INDICATORS
        .iter()
        .map(|&(_, kind, temporality, _, _)| Rule { kind, temporality })
        .collect();
    let mut slots = Vec::with_capacity(projects * INDICATORS.len());
    let mut m = Columns::default();
    let mut later = Columns::default();
    let mut seq = 0i64;
    for project in 0..projects as u32 {
        let partnered = rng.chance(500);
        for (indicator, &(_, kind, temporality, two, factor)) in INDICATORS.iter().enumerate() {
            let slot = slots.len() as u32;
            slots.push(Slot {
                project,
                indicator: indicator as u16,
                factor,
            });
            let mut running = [0.0, 0.0];
            for k in 0..YEARS * 4 {
                let period = Period::Quarter(FIRST_YEAR + k / 4, (k % 4 + 1) as u8);
                for reporter in 0..1 + u32::from(two && partnered) {
                    // The lead misses 3 % of its reports, the partner 70 %.
                    if rng.chance(if reporter == 0 { 30 } else { 700 }) {
                        continue;
                    }
                    seq += 2;
                    let o = observation(&mut rng, kind, temporality, &mut running[reporter as usize]);
                    m.push(slot, period, reporter, seq, o);
                    if rng.chance(20) {
                        // A correction, recorded later.
                        let mut r = running[reporter as usize];
                        let c = observation(&mut rng, kind, temporality, &mut r);
                        later.push(slot, period, reporter, -1, c);
                    } else if rng.chance(2) {
                        // A stale copy (lower seq) arriving late: must be ignored.
                        later.push(slot, period, reporter, seq - 1, Observation::Value { value: 1e9 });
                    }
                }
            }
        }
    }
    for i in 0..later.len() {
        let s = if later.seq[i] < 0 {
            seq += 2;
            seq
        } else {
            later.seq[i]
        };
        m.push(later.slot[i], later.period[i], later.reporter[i], s, later.observation[i]);
    }
    let layout = Layout {
        first_year: FIRST_YEAR,
        last_year: FIRST_YEAR + YEARS - 1,
        rules,
        projects: facets,
        slots,
    };
    (layout, m)
}

fn opt(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Writes the SYNTHETIC programme as CSV for DuckDB.
fn write_csv(dir: &Path, layout: &Layout, m: &Columns) -> csv::Result<()> {
    let mut w = csv::Writer::from_path(dir.join("indicators.csv"))?;
    w.write_record(["indicator", "code", "kind", "temporality"])?;
    for (i, (code, kind, temporality, _, _)) in INDICATORS.iter().enumerate() {
        w.write_record([&i.to_string(), *code, kind.code(), temporality.code()])?;
    }
    w.flush()?;
    let mut w = csv::Writer::from_path(dir.join("groups.csv"))?;
    w.write_record(["project", "slug", "theme", "region"])?;
    for (i, p) in layout.projects.iter().enumerate() {
        for t in &p.themes {
            for r in &p.regions {
                w.write_record([&i.to_string(), &p.slug, t.code(), r.code])?;
            }
        }
    }
    w.flush()?;
    let mut w = csv::Writer::from_path(dir.join("slots.csv"))?;
    w.write_record(["slot", "project", "indicator", "factor"])?;
    for (i, s) in layout.slots.iter().enumerate() {
        w.serialize((i, s.project, s.indicator, s.factor))?;
    }
    w.flush()?;
    let mut w = csv::Writer::from_path(dir.join("measurements.csv"))?;
    w.write_record(["slot", "year", "quarter", "reporter", "seq", "value", "numerator", "denominator"])?;
    for i in 0..m.len() {
        let (year, quarter) = match m.period[i] {
            Period::Quarter(y, q) => (y, q),
            p => (p.year(), 0),
        };
        let (v, n, d) = match m.observation[i] {
            Observation::Value { value } => (Some(value), None, None),
            Observation::Fraction { numerator, denominator } => (None, numerator, denominator),
        };
        w.write_record([
            m.slot[i].to_string(),
            year.to_string(),
            quarter.to_string(),
            m.reporter[i].to_string(),
            m.seq[i].to_string(),
            opt(v),
            opt(n),
            opt(d),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn write_cells(path: &Path, cube: &Cube) -> csv::Result<usize> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record([
        "indicator",
        "theme",
        "region",
        "year",
        "value",
        "numerator",
        "denominator",
        "reported",
        "expected",
        "zero_denominators",
    ])?;
    let mut n = 0;
    for c in cube.cells() {
        let f = c.figure;
        w.write_record([
            c.indicator.to_string(),
            c.theme.code().to_owned(),
            c.region.code.to_owned(),
            c.year.to_string(),
            opt(f.value),
            opt(f.numerator),
            opt(f.denominator),
            f.reported.to_string(),
            f.expected.to_string(),
            f.zero_denominators.to_string(),
        ])?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

/// A field of /proc/self/status, in kB (Linux); 0 elsewhere.
fn status_kb(field: &str) -> u64 {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| {
            l.strip_prefix(field)?
                .trim_start_matches(':')
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

/// Resets the peak RSS (Linux ≥ 4.0) so that VmHWM measures what follows.
fn reset_peak() {
    let _ = fs::write("/proc/self/clear_refs", "5");
}

/// Checks sampled cells against `aggregate(for_year(series(…)))` on the raw rows.
fn check_sample(cube: &Cube, layout: &Layout, m: &Columns, rng: &mut Rng) -> usize {
    let cells: Vec<_> = cube.cells().collect();
    let sample: Vec<_> = (0..40).map(|_| cells[rng.below(cells.len() as u64) as usize]).collect();
    let in_cell = |s: &Slot, c: &territoires_domain::impact::cube::Cell| {
        let p = &layout.projects[s.project as usize];
        s.indicator == c.indicator && p.themes.contains(&c.theme) && p.regions.contains(&c.region)
    };
    let wanted: HashSet<u32> = (0..layout.slots.len() as u32)
        .filter(|&s| sample.iter().any(|c| in_cell(&layout.slots[s as usize], c)))
        .collect();
    let mut rows: HashMap<u32, Vec<Reported>> = HashMap::new();
    for i in 0..m.len() {
        if wanted.contains(&m.slot[i]) {
            rows.entry(m.slot[i]).or_default().push(Reported {
                project: String::new(),
                indicator: String::new(),
                period: m.period[i],
                reporter: m.reporter[i].to_string(),
                observation: m.observation[i],
                seq: m.seq[i],
            });
        }
    }
    for c in &sample {
        let rule = &INDICATORS[usize::from(c.indicator)];
        let contributions: Vec<_> = (0..layout.slots.len() as u32)
            .filter(|&s| in_cell(&layout.slots[s as usize], c))
            .map(|s| {
                let slot = &layout.slots[s as usize];
                let points = series(rule.1, rule.2, rows.get(&s).map_or(&[][..], Vec::as_slice), &[]);
                (
                    layout.projects[slot.project as usize].slug.as_str(),
                    for_year(rule.2, &points, c.year).scaled(slot.factor),
                )
            })
            .collect();
        let want = aggregate(rule.1, contributions.iter().map(|(s, c)| (*s, Some(c))));
        let got: Figure = c.figure;
        let close = |g: Option<f64>, w: Option<f64>| match (g, w) {
            (Some(g), Some(w)) => (g - w).abs() <= 1e-9 * w.abs().max(1.0),
            (g, w) => g == w,
        };
        assert!(
            got.reported as usize == want.reported
                && got.expected as usize == want.expected
                && got.zero_denominators as usize == want.zero_denominators.len()
                && close(got.value, want.value)
                && close(got.numerator, want.numerator)
                && close(got.denominator, want.denominator),
            "SYNTHETIC cell {c:?} differs from the reference: {want:?}"
        );
    }
    sample.len()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

fn main() {
    let projects: usize = std::env::var("IMPACT_BENCH_PROJECTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = std::env::var_os("IMPACT_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/synthetic-impact"));
    fs::create_dir_all(&dir).expect("output folder");
    println!(
        "SYNTHETIC programme: {projects} projects × {} indicators × {} quarters",
        INDICATORS.len(),
        YEARS * 4
    );

    let t = Instant::now();
    let (layout, mut m) = generate(projects);
    println!("  generated {} SYNTHETIC measurements in {:.0} ms", m.len(), ms(t.elapsed()));
    let t = Instant::now();
    write_csv(&dir, &layout, &m).expect("CSV");
    println!("  wrote SYNTHETIC CSV to {} in {:.0} ms", dir.display(), ms(t.elapsed()));

    // Full aggregation, a few runs; memory measured over the first.
    let mut times = vec![];
    let rss_before = status_kb("VmRSS");
    reset_peak();
    let (mut peak_kb, mut held_kb) = (0, 0);
    let mut cube = None;
    for _ in 0..3 {
        drop(cube.take());
        let t = Instant::now();
        let built = Cube::build(layout.clone(), &m).expect("SYNTHETIC layout");
        times.push(t.elapsed());
        if times.len() == 1 {
            // Measured before the next run allocates another cube.
            (peak_kb, held_kb) = (status_kb("VmHWM"), status_kb("VmRSS"));
        }
        cube = Some(built);
    }
    let mut cube = cube.expect("built");
    times.sort();
    let (best, median) = (times[0], times[times.len() / 2]);
    println!(
        "  full aggregation: best {:.0} ms, median {:.0} ms of {}",
        ms(best),
        ms(median),
        times.len()
    );
    println!(
        "  RSS: {} MB before (input), peak {} MB during the build, {} MB held after",
        rss_before / 1024,
        peak_kb / 1024,
        held_kb / 1024
    );
    let cells = write_cells(&dir.join("rust_cells.csv"), &cube).expect("cells CSV");
    let mut rng = Rng(SEED ^ 0xC0FFEE);
    let checked = check_sample(&cube, &layout, &m, &mut rng);
    println!("  {cells} cells; {checked} sampled cells equal the reference functions");

    // Incremental updates: random new values and corrections, and late corrections of the
    // first cumulative quarter (they carry into every later year).
    let mut seq = *m.seq.iter().max().unwrap_or(&0);
    let mut update_times = Vec::with_capacity(1_000);
    let mut applied = Vec::with_capacity(1_000); // appended to `m` after the timed loop
    for k in 0..1_000 {
        let slot = rng.below(layout.slots.len() as u64) as u32;
        let (_, kind, temporality, two, _) = INDICATORS[usize::from(layout.slots[slot as usize].indicator)];
        let period = if k % 10 == 0 && temporality == Temporality::Cumulative {
            Period::Quarter(FIRST_YEAR, 1)
        } else {
            let q = rng.below((YEARS * 4) as u64) as i32;
            Period::Quarter(FIRST_YEAR + q / 4, (q % 4 + 1) as u8)
        };
        let reporter = u32::from(two && rng.chance(300));
        let mut running = rng.below(5_000) as f64;
        let o = observation(&mut rng, kind, temporality, &mut running);
        seq += 1;
        let t = Instant::now();
        cube.record(slot, period, reporter, seq, o).expect("update");
        update_times.push(t.elapsed());
        applied.push((slot, period, reporter, seq, o));
    }
    for (slot, period, reporter, seq, o) in applied {
        m.push(slot, period, reporter, seq, o);
    }
    let over_1ms = update_times.iter().filter(|t| t.as_micros() > 1_000).count();
    update_times.sort();
    let (up_median, up_p99, up_max) = (update_times[500], update_times[990], update_times[999]);
    println!(
        "  incremental update: median {:.1} µs, p99 {:.1} µs, max {:.1} µs over {} ({over_1ms} over 1 ms)",
        up_median.as_secs_f64() * 1e6,
        up_p99.as_secs_f64() * 1e6,
        up_max.as_secs_f64() * 1e6,
        update_times.len()
    );
    let checked = check_sample(&cube, &layout, &m, &mut rng);
    println!("  after the updates, {checked} sampled cells equal the reference functions");

    let report = serde_json::json!({
        "synthetic": true,
        "projects": projects,
        "indicators": INDICATORS.len(),
        "quarters": YEARS * 4,
        "measurements": m.len() - update_times.len(),
        "cells": cells,
        "full_best_ms": ms(best),
        "full_median_ms": ms(median),
        "update_median_us": up_median.as_secs_f64() * 1e6,
        "update_p99_us": up_p99.as_secs_f64() * 1e6,
        "update_max_us": up_max.as_secs_f64() * 1e6,
        "updates_over_1ms": over_1ms,
        "rss_before_build_mb": rss_before / 1024,
        "rss_peak_build_mb": peak_kb / 1024,
        "rss_held_after_build_mb": held_kb / 1024,
    });
    fs::write(
        dir.join("rust_report.json"),
        serde_json::to_string_pretty(&report).unwrap_or_default(),
    )
    .expect("report");
}
