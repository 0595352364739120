//! `territoires impacts report [--format text|json]`: how many of the fiches' 2030 impact
//! sentences are structured into indicators, by target form, and the others with their
//! reason. Works from the embedded press kit and catalogue: no database.

use crate::exit::CliError;
use std::io::Write;
use std::process::ExitCode;
use territoires_formats::{impacts, press_kit};

/// Output formats.
pub enum Format {
    /// Readable French text.
    Text,
    /// The [`impacts::Report`] as JSON.
    Json,
}

/// Builds the catalogue from the embedded data and prints its report to stdout. Errors:
/// [`CliError::Data`] when the press kit or the catalogue does not read (naming file,
/// entry and field).
pub fn report(format: Format) -> Result<ExitCode, CliError> {
    let kit = press_kit::parse(press_kit::EMBEDDED, press_kit::EMBEDDED_FILE).map_err(|e| CliError::Data(e.to_string()))?;
    let catalogue = impacts::catalogue(&kit.projects, impacts::EMBEDDED).map_err(|e| CliError::Data(e.to_string()))?;
    let r = impacts::report(&catalogue);
    let out = match format {
        Format::Json => serde_json::to_string_pretty(&r).map_err(|e| CliError::Io(e.to_string()))? + "\n",
        Format::Text => text(&r),
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes()).map_err(|e| CliError::Io(e.to_string()))?;
    Ok(ExitCode::SUCCESS)
}

fn text(r: &impacts::Report) -> String {
    let mut s = format!(
        "{} impacts structurés sur {} ({} indicateurs)\n\nIndicateurs par forme de cible :\n",
        r.structured, r.sentences, r.indicators
    );
    let width = r.forms.iter().map(|f| f.label.chars().count()).max().unwrap_or(0);
    for f in &r.forms {
        let pad = " ".repeat(width - f.label.chars().count());
        s += &format!("  {}{pad}  {:>3}\n", f.label, f.count);
    }
    s += &format!("\nImpacts restés qualitatifs ({}) :\n", r.qualitative.len());
    for q in &r.qualitative {
        s += &format!("  {} n° {} : {}\n      « {} »\n", q.project, q.position, q.reason, q.sentence);
    }
    s
}
