//! `territoires import partners --application ID FILE [--dry-run]`.

use crate::exit::CliError;
use std::path::Path;
use std::process::ExitCode;
use territoires_domain::application::ApplicationId;
use territoires_formats::partners_csv;
use territoires_store::{Actor, Store, StoreError};

/// Reads the partner list of application `application` from `file` (see
/// [`territoires_formats::partners_csv`]: UTF-8 or Windows-1252, SIREN/SIRET and RNA
/// checked), reporting every faulty line and column (exit 65, nothing written), then
/// replaces the application's list in one transaction with its audit entry
/// (`application.partners`, actor `cli:<user>`). The application must be a draft or
/// returned for completion (else exit 65, nothing written). With `dry_run`, everything is
/// checked, the partners that would be recorded are printed, and nothing is written.
pub async fn partners(database_url: &str, application: i64, file: &Path, dry_run: bool) -> Result<ExitCode, CliError> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|e| CliError::Io(format!("{name}: {e}")))?;
    let read = partners_csv::parse(&bytes).map_err(|e| CliError::Data(format!("{name}:\n{e}\nnothing was imported")))?;
    let store = Store::connect(database_url).await?;
    let list: Vec<_> = read.partners.iter().map(|(_, p)| p.clone()).collect();
    let actor = Actor::cli(&super::actor());
    store
        .import_application_partners(ApplicationId(application), &list, &actor, dry_run)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(m) | StoreError::Refused(m) => {
                CliError::Data(format!("{name}: application {application}: {m}\nnothing was imported"))
            }
            other => other.into(),
        })?;
    let n = list.len();
    if dry_run {
        println!(
            "{name} ({}): dry run, {n} partners would replace the list of application {application}, nothing written",
            read.encoding.label()
        );
        for (line, p) in &read.partners {
            let ids: Vec<String> = [
                p.siren.as_ref().map(|s| format!("SIREN {s}")),
                p.rna.as_ref().map(|r| format!("RNA {r}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            let ids = if ids.is_empty() {
                String::new()
            } else {
                format!(", {}", ids.join(", "))
            };
            println!("  ligne {line} : {} ({}{ids})", p.name, p.role.label().to_lowercase());
        }
    } else {
        println!("{name}: {n} partners recorded for application {application}");
    }
    Ok(ExitCode::SUCCESS)
}
