//! `territoires check`: the consistency checks, readable in a terminal.

use crate::exit::CliError;
use std::process::ExitCode;
use territoires_domain::checks::{Check, FigureUnit};
use territoires_domain::money::{group_thousands, Money};

/// Prints every check (verdict, label, reference, computed value, difference, note) and a
/// summary, then the funding ledger's reconciliation (`Store::reconcile_ledger`: each
/// finding names its row or entry). Exit code 0 when no check reports a problem, 3 otherwise.
pub async fn run(database_url: &str) -> Result<ExitCode, CliError> {
    let (store, registry) = super::open_registry(database_url, &super::actor()).await?;
    let problems = registry.checks.iter().filter(|c| c.verdict.is_problem()).count();
    for c in &registry.checks {
        println!("[{}] {}", c.verdict.label(), c.label);
        println!(
            "    {} : {}   {} : {}   écart : {}",
            c.reference_label,
            figure(c, c.reference),
            c.computed_label.to_lowercase(),
            figure(c, c.computed),
            c.difference.map(|d| signed(c, d)).unwrap_or_else(|| "—".into())
        );
        println!("    {}", c.note);
    }
    // The funding ledger: replayed against the caps, its cache and the tables that claim
    // money moved reconciled with it.
    let caps = territoires_domain::funding::ledger::Caps::from_registry(&registry);
    let ledger = store.reconcile_ledger(&caps).await?;
    println!(
        "[{}] Grand livre du financement : {} écritures rejouées, {} lignes rapprochées",
        if ledger.findings.is_empty() { "Cohérent" } else { "Écart" },
        ledger.entries,
        ledger.rows
    );
    for f in &ledger.findings {
        println!("    {} : {}", f.subject, f.problem);
    }
    let problems = problems + usize::from(!ledger.findings.is_empty());
    println!("\n{} contrôles, {} à examiner.", registry.checks.len() + 1, problems);
    Ok(if problems == 0 { ExitCode::SUCCESS } else { ExitCode::from(3) })
}

fn figure(c: &Check, v: Option<i64>) -> String {
    match (v, c.unit) {
        (None, _) => "—".into(),
        (Some(v), FigureUnit::Cents) => Money(v).fmt_millions(),
        (Some(v), FigureUnit::Count) => format!("{}{}", if v < 0 { "−" } else { "" }, group_thousands(v.unsigned_abs())),
    }
}

fn signed(c: &Check, d: i64) -> String {
    let s = figure(c, Some(d));
    if d > 0 {
        format!("+{s}")
    } else {
        s
    }
}
