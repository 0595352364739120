//! Export of the registry's projects, for `territoires export projects --format csv|json`.
//!
//! The CSV is meant to open cleanly in a spreadsheet set to French (Excel, LibreOffice):
//! UTF-8 with a byte-order mark (without it Excel reads the accents as Windows-1252), `;`
//! as delimiter (`,` is the French decimal separator), CRLF line endings, French headers,
//! amounts in euros with a decimal comma. The JSON keeps the domain types as they are:
//! amounts in integer cents.

use std::io::Write;
use territoires_domain::{Money, Project};

/// The CSV header, in column order. Amount columns are in euros.
pub const CSV_HEADERS: [&str; 13] = [
    "slug",
    "nom",
    "régions (codes INSEE)",
    "régions",
    "chef de file",
    "partenaires",
    "dont collectivités",
    "thématiques",
    "types de territoire",
    "personnes concernées",
    "budget prévisionnel (€)",
    "montant prévu de subvention (€)",
    "potentiel d'investissement (€)",
];

/// Why an export failed: the writer failed, or serialisation did.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Writing to the output failed.
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
    /// The CSV writer failed.
    #[error("cannot write the CSV export: {0}")]
    Csv(#[from] csv::Error),
    /// The JSON serialiser failed.
    #[error("cannot write the JSON export: {0}")]
    Json(#[from] serde_json::Error),
}

/// Writes `projects` as CSV to `out`, one row per project in the given order, after a
/// UTF-8 BOM and the [`CSV_HEADERS`] line.
///
/// Cells: regions as INSEE codes and as names, themes and territory kinds as their French
/// labels, each list joined with `", "`; partners, local authorities and population
/// (persons) as integers; amounts in euros with a decimal comma and two decimals
/// (`6050000,00`), and an empty cell when unknown (a missing budget is never written `0`).
/// Delimiter `;`, line endings CRLF, cells quoted only when needed.
///
/// Errors: [`ExportError::Io`] or [`ExportError::Csv`] when `out` fails.
pub fn write_csv<W: Write>(projects: &[Project], mut out: W) -> Result<(), ExportError> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(CSV_HEADERS)?;
    for p in projects {
        let join = |items: Vec<&str>| items.join(", ");
        w.write_record([
            p.slug.clone(),
            p.name.clone(),
            join(p.regions.iter().map(|r| r.code).collect()),
            join(p.regions.iter().map(|r| r.name).collect()),
            p.lead.clone(),
            p.partners.to_string(),
            p.local_authorities.to_string(),
            join(p.themes.iter().map(|t| t.label()).collect()),
            join(p.territory_kinds.iter().map(|k| k.label()).collect()),
            p.population.to_string(),
            p.planned_budget.map(euros).unwrap_or_default(),
            euros(p.subsidy_ceiling),
            euros(p.investment_potential),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// `Money(605_000_000)` → `6050000,00`: euros, decimal comma, two decimals, no grouping
/// (a spreadsheet reads grouped digits as text).
pub fn euros(m: Money) -> String {
    let c = m.cents();
    let sign = if c < 0 { "-" } else { "" };
    let abs = c.unsigned_abs();
    format!("{sign}{},{:02}", abs / 100, abs % 100)
}

/// Writes `projects` to `out` as a pretty-printed JSON array of the domain's [`Project`]:
/// every amount (`planned_budget`, `subsidy_ceiling`, `investment_potential`) is an
/// **integer number of euro cents** (`570000000` is 5,7 M€), `null` when unknown; regions
/// are `{ "code", "name" }` objects; themes and territory kinds are their stable codes.
///
/// Errors: [`ExportError::Json`] when serialisation or `out` fails.
pub fn write_json<W: Write>(projects: &[Project], out: W) -> Result<(), ExportError> {
    serde_json::to_writer_pretty(out, projects)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_have_a_decimal_comma_and_two_decimals() {
        assert_eq!(euros(Money(605_000_000)), "6050000,00");
        assert_eq!(euros(Money(6_667)), "66,67");
        assert_eq!(euros(Money(5)), "0,05");
        assert_eq!(euros(Money(-150)), "-1,50");
    }
}
