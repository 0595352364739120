//! Ledger throughput (issue 5, §7): commitments per second through
//! `Store::append_ledger_entry`, every entry checked against the ceilings (the invariant
//! checks on), on a fresh database of the backend named by the URL given (a fresh SQLite
//! file when none). Not a timed test: run by `bench/ledger/run.sh`, which prints SQLite and
//! PostgreSQL side by side.
//!
//! Two runs, each on its own fresh database: `N` commitments one after the other, then `N`
//! commitments from `W` concurrent writers (`N / W` each). Then one more commitment beyond
//! the envelope must be refused, and the committed total must be exactly `N` × 100,00 €.
//! Prints one line of JSON per run.
//!
//! Usage: `cargo run --release -p territoires-store --example ledger_bench -- [URL] [N] [W]`
//! (defaults: SQLite, 5 000, 8).

use std::collections::BTreeMap;
use std::time::Instant;
use territoires_domain::funding::ledger::{Account, Caps, Movement};
use territoires_domain::programme::EnvelopeKind::Subsidy;
use territoires_domain::Money;
use territoires_store::testing::fresh_database_url;
use territoires_store::Store;
use time::macros::date;

const PROJECTS: u64 = 24;
const AMOUNT: i64 = 10_000; // 100,00 € per commitment

/// The envelope holds exactly `n` commitments; each project's ceiling is the envelope's.
fn caps(n: u64) -> Caps {
    let cap = Money(AMOUNT * n as i64);
    Caps {
        envelopes: BTreeMap::from([(Subsidy, cap)]),
        projects: (0..PROJECTS).map(|p| ((format!("projet-{p}"), Subsidy), cap)).collect(),
    }
}

async fn commit(store: &Store, caps: &Caps, i: u64) -> Result<(), territoires_store::StoreError> {
    let project = Account::Project {
        slug: format!("projet-{}", i % PROJECTS),
        kind: Subsidy,
    };
    store
        .append_ledger_entry(
            Movement::Commit,
            &Account::Agreement(i + 1),
            &project,
            Money(AMOUNT),
            date!(2024 - 03 - 01),
            "bench",
            "engagement de mesure",
            caps,
        )
        .await
        .map(|_| ())
}

async fn run(base: Option<&str>, n: u64, writers: u64) -> Result<(), Box<dyn std::error::Error>> {
    let backend = if base.is_some_and(|b| b.starts_with("postgres")) {
        "postgresql"
    } else {
        "sqlite"
    };
    for w in [1, writers] {
        let url = fresh_database_url(base).await?;
        let store = Store::connect(&url).await?;
        let caps = caps(n);
        let start = Instant::now();
        let tasks: Vec<_> = (0..w)
            .map(|t| {
                let (store, caps) = (store.clone(), caps.clone());
                tokio::spawn(async move {
                    for i in (t..n).step_by(w as usize) {
                        commit(&store, &caps, i).await?;
                    }
                    Ok::<_, territoires_store::StoreError>(())
                })
            })
            .collect();
        for t in tasks {
            t.await??;
        }
        let secs = start.elapsed().as_secs_f64();
        // The invariant: the envelope is full, one more cent is refused.
        let refused = commit(&store, &caps, n).await.is_err();
        let committed = store.ledger_journal(&caps).await?.envelope(Subsidy).committed;
        let ok = refused && committed == Money(AMOUNT * n as i64);
        println!(
            "{{\"backend\":\"{backend}\",\"writers\":{w},\"commitments\":{n},\"seconds\":{secs:.3},\"per_second\":{:.1},\"invariant_held\":{ok}}}",
            n as f64 / secs
        );
        if !ok {
            return Err(format!("invariant broken: refused={refused}, committed={committed}").into());
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let base = args.first().filter(|a| !a.is_empty()).map(String::as_str);
    let n = args.get(1).map_or(Ok(5_000), |a| a.parse())?;
    let w = args.get(2).map_or(Ok(8), |a| a.parse())?;
    run(base, n, w).await
}
