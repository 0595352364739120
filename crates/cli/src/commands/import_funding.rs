//! `territoires import agreements FILE [--dry-run]` and `territoires import disbursements
//! FILE [--dry-run]`: wiring of [`territoires_formats::agreements_sheet`] and
//! [`territoires_formats::payments_sheet`] to the store's one-transaction imports.

use crate::exit::CliError;
use std::path::Path;
use std::process::ExitCode;
use territoires_domain::funding::ledger::Caps;
use territoires_formats::french_sheet::CellError;
use territoires_formats::{agreements_sheet, payments_sheet};
use territoires_store::{Actor, ImportSource};

fn read(file: &Path) -> Result<(String, Vec<u8>), CliError> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|e| CliError::Io(format!("{name}: {e}")))?;
    Ok((name, bytes))
}

fn refused(name: &str, at: CellError) -> CliError {
    CliError::Data(format!("{name}:\n{at}\nnothing was imported"))
}

fn footer(dry_run: bool, n: usize, what: &str) -> String {
    if dry_run {
        format!("dry run: {n} {what} would be imported; nothing was written")
    } else {
        format!("{n} {what} imported")
    }
}

/// Reads the agreements file whole (every faulty cell reported), then signs every
/// agreement in one transaction by `cli:<user>` acting as a programme manager, against
/// the envelopes and the fiches' ceilings. `dry_run` checks everything and writes nothing.
/// Exit 65 on any refusal, nothing written.
pub async fn agreements(database_url: &str, file: &Path, dry_run: bool) -> Result<ExitCode, CliError> {
    let (name, bytes) = read(file)?;
    let actor = super::actor();
    let (store, registry) = super::open_registry(database_url, &actor).await?;
    let parsed =
        agreements_sheet::parse(&bytes, &registry.projects).map_err(|e| CliError::Data(format!("{name}:\n{e}\nnothing was imported")))?;
    let rows = territoires_web::agreement_imports(&parsed);
    let source = ImportSource::new(&name, &bytes);
    let outcome = store
        .import_agreements(&rows, &source, &Actor::cli(&actor), &Caps::from_registry(&registry), dry_run)
        .await
        .map_err(|e| refused(&name, parsed.locate(e.row, e.field.as_deref(), e.message())))?;
    for r in &parsed.rows {
        println!(
            "ligne {} : convention {} ({}), {} signée le {}, {} tranche(s)",
            r.line,
            r.draft.reference,
            r.project_slug,
            r.draft.amount,
            territoires_domain::text::date_numeric(r.draft.signed_on),
            r.draft.tranches.len()
        );
    }
    println!("{name}: {}", footer(dry_run, outcome.ids.len(), "agreements"));
    Ok(ExitCode::SUCCESS)
}

/// Reads the payments file whole, then records every payment as a paid disbursement in
/// one transaction (see [`territoires_store::Store::import_payments`]). `dry_run` checks
/// everything and writes nothing. Exit 65 on any refusal, nothing written.
pub async fn disbursements(database_url: &str, file: &Path, dry_run: bool) -> Result<ExitCode, CliError> {
    let (name, bytes) = read(file)?;
    let actor = super::actor();
    let parsed = payments_sheet::parse(&bytes).map_err(|e| CliError::Data(format!("{name}:\n{e}\nnothing was imported")))?;
    let (store, registry) = super::open_registry(database_url, &actor).await?;
    let rows = territoires_web::payment_imports(&parsed);
    let source = ImportSource::new(&name, &bytes);
    let outcome = store
        .import_payments(&rows, &source, &Actor::cli(&actor), &Caps::from_registry(&registry), dry_run)
        .await
        .map_err(|e| refused(&name, parsed.locate(e.row, e.field.as_deref(), e.message())))?;
    for r in &parsed.rows {
        println!(
            "ligne {} : {} tranche « {} », {} payé le {}",
            r.line,
            r.reference,
            r.tranche,
            r.amount,
            territoires_domain::text::date_numeric(r.paid_on)
        );
    }
    println!("{name}: {}", footer(dry_run, outcome.ids.len(), "disbursements"));
    Ok(ExitCode::SUCCESS)
}
