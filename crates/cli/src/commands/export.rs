//! `territoires export projects --format csv|json [--out FILE]`.

use crate::exit::CliError;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use territoires_formats::projects_export;

/// Export formats.
pub enum Format {
    /// CSV for a French spreadsheet.
    Csv,
    /// JSON, amounts in integer cents.
    Json,
}

/// Writes the projects to `out` (created or truncated) or to stdout. A file is written
/// whole or not at all: the export goes to a temporary file renamed at the end.
pub async fn projects(database_url: &str, format: Format, out: Option<&Path>) -> Result<ExitCode, CliError> {
    let (_store, registry) = super::open_registry(database_url, &super::actor()).await?;
    let write = |w: &mut dyn Write| -> Result<(), CliError> {
        let result = match format {
            Format::Csv => projects_export::write_csv(&registry.projects, w),
            Format::Json => projects_export::write_json(&registry.projects, w),
        };
        result.map_err(|e| CliError::Io(e.to_string()))
    };
    match out {
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            write(&mut lock)?;
            lock.flush().map_err(|e| CliError::Io(e.to_string()))?;
        }
        Some(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.is_dir()) {
                return Err(CliError::Io(format!("{}: no such directory", dir.display())));
            }
            let tmp = path.with_extension("part");
            let file = std::fs::File::create(&tmp).map_err(|e| CliError::Io(format!("{}: {e}", tmp.display())))?;
            let mut buf = std::io::BufWriter::new(file);
            write(&mut buf)?;
            buf.flush().map_err(|e| CliError::Io(format!("{}: {e}", tmp.display())))?;
            std::fs::rename(&tmp, path).map_err(|e| CliError::Io(format!("{}: {e}", path.display())))?;
            eprintln!("{} projets écrits dans {}", registry.projects.len(), path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
