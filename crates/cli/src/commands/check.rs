//! `territoires check`: the consistency checks, readable in a terminal.

use crate::exit::CliError;
use std::process::ExitCode;
use territoires_domain::checks::{Check, FigureUnit};
use territoires_domain::money::{group_thousands, Money};

/// Prints every check (verdict, label, reference, computed value, difference, note) and a
/// summary. Exit code 0 when no check reports a problem, 3 otherwise.
pub async fn run(database_url: &str) -> Result<ExitCode, CliError> {
    let (_store, registry) = super::open_registry(database_url, &super::actor()).await?;
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
    println!("\n{} contrôles, {} à examiner.", registry.checks.len(), problems);
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
