//! Benchmark of the portfolio XIRR (issue 5, §7), on a SYNTHETIC portfolio, to be set side
//! by side with `pyxirr` (PyPI) by `bench/xirr/run.sh`.
//!
//! Generates deterministically a SYNTHETIC portfolio of 10 000 investments × 20 flows over
//! about ten years (capital calls first, distributions later; some end on a NAV, a few are
//! near-total losses, a few change sign several times), writes it as CSV under
//! `target/synthetic-xirr/` (never under `data/`), then times [`xirr`] over every
//! investment (best and median of 3 runs) and writes its answers (`rust_results.csv`: id,
//! chosen rate, number of roots, every root, error) and its figures (`rust_report.json`).
//!
//! Run: `cargo bench -p territoires-domain --bench portfolio_xirr` (or `bench/xirr/run.sh`).
//! Environment: `XIRR_BENCH_INVESTMENTS` (default 10 000), `XIRR_BENCH_DIR` (output folder).

use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use territoires_domain::funding::portfolio::{xirr, Flow, Xirr, XirrError};
use territoires_domain::Money;
use time::{Date, Month};

const FLOWS: usize = 20;
const SEED: u64 = 0x5EED_0005;

/// A 64-bit LCG (Knuth's MMIX constants), high bits only: deterministic, no dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    /// Uniform-ish in `0..n` (n ≪ 2³¹, so the modulo bias is negligible here).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// Uniform in `[lo, hi)`.
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next() as f64 / (1u64 << 31) as f64)
    }
}

/// The shape of a SYNTHETIC investment (written to the CSV for the reader).
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    /// Calls, then distributions.
    Plain,
    /// Calls, then distributions, the last positive flow being a NAV.
    WithNav,
    /// Calls, then almost nothing back (0,001 % to 2 % of the paid-in).
    NearLoss,
    /// Calls, large distributions, then a late large call (and maybe a final NAV): the net
    /// flows change sign several times, so several rates (or none) may fit.
    SignChanges,
}

impl Shape {
    fn code(self) -> &'static str {
        match self {
            Shape::Plain => "plain",
            Shape::WithNav => "nav",
            Shape::NearLoss => "near_loss",
            Shape::SignChanges => "sign_changes",
        }
    }
}

/// One SYNTHETIC investment: its shape and 20 flows in date order (kind: call,
/// distribution or nav).
struct Investment {
    shape: Shape,
    flows: Vec<(Flow, &'static str)>,
}

/// Spreads `total` cents over `weights` (at least 1 cent each).
fn spread(total: f64, weights: &[f64]) -> Vec<i64> {
    let sum: f64 = weights.iter().sum();
    weights.iter().map(|w| ((total * w / sum).round() as i64).max(1)).collect()
}

fn generate(n: usize) -> Vec<Investment> {
    let mut rng = Lcg(SEED);
    let base = Date::from_calendar_date(2015, Month::January, 1).expect("valid date");
    (0..n)
        .map(|_| {
            let shape = match rng.below(1_000) {
                0..=29 => Shape::NearLoss,     // 3 %
                30..=79 => Shape::SignChanges, // 5 %
                80..=379 => Shape::WithNav,    // 30 %
                _ => Shape::Plain,
            };
            // Dates: first at the start, the others spread over 7 to 10 years.
            let start = base + time::Duration::days(rng.below(730) as i64);
            let span = 2_555 + rng.below(1_096);
            let mut days: Vec<u64> = (1..FLOWS).map(|_| rng.below(span + 1)).collect();
            days.push(0);
            days.sort_unstable();
            let dates: Vec<Date> = days.iter().map(|d| start + time::Duration::days(*d as i64)).collect();
            // Calls: 3 to 8, each 10 000 € to 500 000 €.
            let calls = 3 + rng.below(6) as usize;
            let mut amounts: Vec<i64> = (0..calls).map(|_| -(1_000_000 + rng.below(49_000_000) as i64)).collect();
            let paid = -amounts.iter().sum::<i64>() as f64;
            let rest = FLOWS - calls;
            let mut kinds = vec!["call"; calls];
            match shape {
                Shape::Plain | Shape::WithNav | Shape::NearLoss => {
                    let multiple = match shape {
                        Shape::NearLoss => 10f64.powf(rng.uniform(-5.0, -1.7)),
                        _ => rng.uniform(0.2, 3.0),
                    };
                    let mut weights: Vec<f64> = (0..rest).map(|_| rng.uniform(1.0, 100.0)).collect();
                    if shape == Shape::WithNav {
                        // The NAV weighs about as much as all distributions together.
                        weights[rest - 1] = weights.iter().sum::<f64>() * rng.uniform(0.3, 1.5);
                    }
                    amounts.extend(spread(multiple * paid, &weights));
                    kinds.extend(std::iter::repeat_n("distribution", rest));
                    if shape == Shape::WithNav {
                        kinds[FLOWS - 1] = "nav";
                    }
                }
                Shape::SignChanges => {
                    // calls | distributions (1,5–3 × paid) | late calls (0,5–1,6 × paid) |
                    // maybe a small final NAV.
                    let late = 2 + rng.below(3) as usize;
                    let nav = rng.below(2) == 1;
                    let dist = rest - late - usize::from(nav);
                    let w: Vec<f64> = (0..dist).map(|_| rng.uniform(1.0, 100.0)).collect();
                    amounts.extend(spread(rng.uniform(1.5, 3.0) * paid, &w));
                    kinds.extend(std::iter::repeat_n("distribution", dist));
                    let w: Vec<f64> = (0..late).map(|_| rng.uniform(1.0, 100.0)).collect();
                    amounts.extend(spread(rng.uniform(0.5, 1.6) * paid, &w).into_iter().map(|a| -a));
                    kinds.extend(std::iter::repeat_n("call", late));
                    if nav {
                        amounts.push((rng.uniform(0.0, 0.2) * paid).round() as i64 + 1);
                        kinds.push("nav");
                    }
                }
            }
            let flows = dates
                .into_iter()
                .zip(amounts)
                .zip(kinds)
                .map(|((date, a), k)| (Flow { date, amount: Money(a) }, k))
                .collect();
            Investment { shape, flows }
        })
        .collect()
}

/// Writes the SYNTHETIC flows: investment, shape, date (ISO), amount in cents, kind.
fn write_flows(path: &Path, investments: &[Investment]) -> csv::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record(["investment", "shape", "date", "amount_cents", "kind"])?;
    for (i, inv) in investments.iter().enumerate() {
        for (f, k) in &inv.flows {
            w.write_record([&i.to_string(), inv.shape.code(), &f.date.to_string(), &f.amount.0.to_string(), k])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// Writes one line per investment: id, rate, number of roots, roots (`;`-separated), error.
/// Floats are printed in Rust's shortest round-trip form, so Python reads the same bits.
fn write_results(path: &Path, results: &[Result<Xirr, XirrError>]) -> csv::Result<()> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record(["investment", "rate", "roots", "all_roots", "error"])?;
    for (i, r) in results.iter().enumerate() {
        match r {
            Ok(x) => {
                let all: Vec<String> = x.roots.iter().map(|v| v.to_string()).collect();
                w.write_record([&i.to_string(), &x.rate.to_string(), &x.roots.len().to_string(), &all.join(";"), ""])?
            }
            Err(e) => w.write_record([&i.to_string(), "", "0", "", &format!("{e:?}")])?,
        }
    }
    w.flush()?;
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

fn main() {
    let n: usize = std::env::var("XIRR_BENCH_INVESTMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = std::env::var_os("XIRR_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/synthetic-xirr"));
    fs::create_dir_all(&dir).expect("output folder");
    println!("SYNTHETIC portfolio: {n} investments × {FLOWS} flows");

    let investments = generate(n);
    write_flows(&dir.join("flows.csv"), &investments).expect("flows CSV");
    println!("  wrote SYNTHETIC flows to {}", dir.join("flows.csv").display());
    // The input of the timed runs: plain flow vectors, as the store would hand them over.
    let series: Vec<Vec<Flow>> = investments.iter().map(|i| i.flows.iter().map(|(f, _)| *f).collect()).collect();

    let mut times = vec![];
    let mut results = vec![];
    for _ in 0..3 {
        let t = Instant::now();
        let r: Vec<Result<Xirr, XirrError>> = series.iter().map(|s| xirr(black_box(s))).collect();
        times.push(t.elapsed());
        results = black_box(r);
    }
    times.sort();
    let (best, median) = (times[0], times[times.len() / 2]);
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let multi = results.iter().filter(|r| r.as_ref().is_ok_and(Xirr::multiple_roots)).count();
    println!(
        "  {n} XIRRs: best {:.1} ms, median {:.1} ms of {} ({ok} rates, {multi} with several roots, {} errors)",
        ms(best),
        ms(median),
        times.len(),
        n - ok
    );
    // Where the time goes: one run per shape (several sign changes take the root scan).
    let mut by_shape = serde_json::Map::new();
    for shape in [Shape::Plain, Shape::WithNav, Shape::NearLoss, Shape::SignChanges] {
        let subset: Vec<&Vec<Flow>> = investments
            .iter()
            .zip(&series)
            .filter(|(i, _)| i.shape == shape)
            .map(|(_, s)| s)
            .collect();
        let t = Instant::now();
        let r: Vec<Result<Xirr, XirrError>> = subset.iter().map(|s| xirr(black_box(s))).collect();
        let spent = t.elapsed();
        black_box(r);
        let per = spent.as_secs_f64() * 1e6 / subset.len().max(1) as f64;
        println!(
            "    {:>12}: {:5} investments, {:6.1} ms, {per:6.2} µs each",
            shape.code(),
            subset.len(),
            ms(spent)
        );
        by_shape.insert(
            shape.code().into(),
            serde_json::json!({"investments": subset.len(), "ms": ms(spent)}),
        );
    }
    write_results(&dir.join("rust_results.csv"), &results).expect("results CSV");
    let report = serde_json::json!({
        "synthetic": true,
        "investments": n,
        "flows_per_investment": FLOWS,
        "best_ms": ms(best),
        "median_ms": ms(median),
        "rates": ok,
        "several_roots": multi,
        "errors": n - ok,
        "by_shape": by_shape,
    });
    fs::write(
        dir.join("rust_report.json"),
        serde_json::to_string_pretty(&report).unwrap_or_default(),
    )
    .expect("report");
}
