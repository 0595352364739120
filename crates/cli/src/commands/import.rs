//! `territoires import press-kit FILE`.

use crate::exit::CliError;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;
use territoires_formats::press_kit;
use territoires_store::{AbsentProjects, Store, StoreError};

/// Parses `file` whole before touching the database (a malformed fiche fails with file,
/// line and field and writes nothing), then imports it in one transaction and prints what
/// changed. Importing the same file twice changes nothing. Stored projects absent from the
/// file make the import fail unless `remove_absent`.
pub async fn press_kit(database_url: &str, file: &Path, remove_absent: bool) -> Result<ExitCode, CliError> {
    let spinner = ProgressBar::new_spinner()
        .with_style(ProgressStyle::with_template("{spinner} {msg}").unwrap_or_else(|_| ProgressStyle::default_spinner()));
    spinner.enable_steady_tick(Duration::from_millis(100));
    spinner.set_message(format!("Lecture de {}", file.display()));
    let bytes = std::fs::read(file).map_err(|e| CliError::Io(format!("{}: {e}", file.display())))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
        CliError::Data(format!(
            "{}:{line}: byte {at} is not UTF-8 (convert the file to UTF-8 first)\nnothing was imported",
            file.display()
        ))
    })?;
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
    let absent = if remove_absent {
        AbsentProjects::Remove
    } else {
        AbsentProjects::Refuse
    };
    let report = store.import(&kit.programme, &kit.projects, absent, &super::actor()).await.map_err(|e| {
        spinner.finish_and_clear();
        match e {
            StoreError::AbsentFromSource(slugs) => CliError::Data(format!(
                "{name}: stored projects have no fiche in this file: {}\n(a renamed or removed fiche?) nothing was imported; re-run with --remove-absent to delete them",
                slugs.join(", ")
            )),
            other => other.into(),
        }
    })?;
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
    if !report.removed.is_empty() {
        println!("removed, absent from this file: {}", report.removed.join(", "));
    }
    super::seed_impacts(&store, &kit.projects, &super::actor()).await?;
    Ok(ExitCode::SUCCESS)
}

/// Reads the structured impacts (`file`, or the embedded `impacts-2030.toml`), checks them
/// against the stored fiches (an entry whose sentence no longer matches its fiche fails,
/// naming project, position and field, and nothing is written), then stores them in one
/// transaction and prints what changed.
pub async fn impacts(database_url: &str, file: Option<&Path>) -> Result<ExitCode, CliError> {
    use territoires_formats::impacts;
    let (name, text) = match file {
        Some(f) => (
            f.display().to_string(),
            std::fs::read_to_string(f).map_err(|e| CliError::Io(format!("{}: {e}", f.display())))?,
        ),
        None => (impacts::EMBEDDED_FILE.to_owned(), impacts::EMBEDDED.to_owned()),
    };
    let store = Store::connect(database_url).await?;
    let registry = store
        .load_registry()
        .await?
        .ok_or_else(|| CliError::Data("no fiche stored yet: import a press kit first\nnothing was imported".into()))?;
    let catalogue =
        impacts::catalogue(&registry.projects, &text).map_err(|e| CliError::Data(format!("{name}: {e}\nnothing was imported")))?;
    let summary = store.replace_catalogue(&catalogue, &super::actor()).await?;
    let (structured, total) = catalogue.structured_count();
    println!(
        "{name}: {structured} of {total} impacts structured into {} indicators; {} inserted, {} new versions, {} unchanged",
        catalogue.indicators.len(),
        summary.inserted.len(),
        summary.new_versions.len(),
        summary.unchanged
    );
    Ok(ExitCode::SUCCESS)
}

/// Whether imported measurements stay drafts or are submitted for review at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    /// Drafts, to be checked and submitted later.
    Draft,
    /// Submitted for review.
    Submitted,
}

/// `territoires import measurements FILE [--status draft|submitted] [--dry-run]`: parses the
/// CSV (see [`territoires_formats::measurements_csv`]: UTF-8 or Windows-1252, units checked
/// against each indicator's) whole, reporting every faulty line, then records every row in
/// one transaction on the operator's side (actor `cli:<user>`, acting as a programme
/// manager). On any error nothing is written and the lines at fault are printed (exit 65).
/// With `dry_run`, every row is checked by the store as an import would, the lines that
/// would be imported are printed, and nothing is written.
pub async fn measurements(database_url: &str, file: &Path, status: ImportStatus, dry_run: bool) -> Result<ExitCode, CliError> {
    use std::collections::HashMap;
    use territoires_formats::measurements_csv;
    use territoires_store::{Actor, ImpactRefusal, NewMeasurement};
    let name = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|e| CliError::Io(format!("{name}: {e}")))?;
    let store = Store::connect(database_url).await?;
    let units: HashMap<String, String> = store.indicators(None).await?.into_iter().map(|i| (i.code, i.unit)).collect();
    let read = measurements_csv::parse(&bytes, &|code| units.get(code).cloned())
        .map_err(|e| CliError::Data(format!("{name}:\n{e}\nnothing was imported")))?;
    let encoding = read.encoding.label();
    let rows = read.rows;
    let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
    let summaries: Vec<String> = rows
        .iter()
        .map(|r| format!("ligne {} : {} {} ({})", r.line, r.indicator, r.period, r.reporter))
        .collect();
    let news: Vec<NewMeasurement> = rows
        .into_iter()
        .map(|r| NewMeasurement {
            observation: r.observation(),
            indicator: r.indicator,
            period: r.period,
            reporter: r.reporter,
            source: r.source,
            method: r.method,
            evidence: r.evidence,
            submit: status == ImportStatus::Submitted,
        })
        .collect();
    let actor = Actor::cli(&super::actor());
    let result = if dry_run {
        store.check_measurements(news, &actor).await
    } else {
        store.import_measurements(news, &actor).await
    };
    let n = result.map_err(|e| match e {
        StoreError::Impact(ImpactRefusal::Rows(rows)) => {
            let faults: Vec<String> = rows
                .iter()
                .map(|(row, error)| {
                    let line = lines.get(row.saturating_sub(1)).copied().unwrap_or(*row);
                    format!("ligne {line} : {error}")
                })
                .collect();
            CliError::Data(format!("{name}:\n{}\nnothing was imported", faults.join("\n")))
        }
        StoreError::Impact(other) => CliError::Data(format!("{name}: {other}\nnothing was imported")),
        other => other.into(),
    })?;
    if dry_run {
        println!("{name} ({encoding}): dry run, {n} measurements would be imported, nothing written");
        for s in summaries {
            println!("  {s}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let state = match status {
        ImportStatus::Draft => "drafts",
        ImportStatus::Submitted => "submitted for review",
    };
    println!("{name}: {n} measurements imported ({state})");
    Ok(ExitCode::SUCCESS)
}
