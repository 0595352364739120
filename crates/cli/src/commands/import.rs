//! `territoires import press-kit FILE`.

use crate::exit::CliError;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;
use territoires_formats::press_kit;
use territoires_store::Store;

/// Parses `file` whole before touching the database (a malformed fiche fails with file,
/// line and field and writes nothing), then imports it in one transaction and prints what
/// changed. Importing the same file twice changes nothing.
pub async fn press_kit(database_url: &str, file: &Path) -> Result<ExitCode, CliError> {
    let spinner = ProgressBar::new_spinner()
        .with_style(ProgressStyle::with_template("{spinner} {msg}").unwrap_or_else(|_| ProgressStyle::default_spinner()));
    spinner.enable_steady_tick(Duration::from_millis(100));
    spinner.set_message(format!("Lecture de {}", file.display()));
    let text = std::fs::read_to_string(file).map_err(|e| CliError::Io(format!("{}: {e}", file.display())))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string());
    let kit = press_kit::parse(&text, &name).map_err(|e| {
        spinner.finish_and_clear();
        CliError::Data(format!("{e}\nnothing was imported"))
    })?;
    spinner.set_message(format!("Import de {} fiches", kit.projects.len()));
    let store = Store::connect(database_url).await?;
    let report = store.import(&kit.programme, &kit.projects).await?;
    spinner.finish_and_clear();
    println!(
        "{}: {} projects read; {} inserted, {} updated, {} unchanged; programme {}",
        name,
        kit.projects.len(),
        report.inserted,
        report.updated,
        report.unchanged,
        if report.programme_changed { "written" } else { "unchanged" }
    );
    if !report.absent_from_source.is_empty() {
        println!("kept, absent from this file: {}", report.absent_from_source.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}
