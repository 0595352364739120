//! The 360Giving flat CSV: one row per grant, the columns titled as the standard's
//! spreadsheet template names them (flatten-tool titles: the schema's `title`s joined with
//! `:` along the path, rolled-up arrays without an index: `Recipient Org:Identifier`).
//!
//! Plain CSV as 360Giving's tools read it: UTF-8 without BOM, `,`, amounts with a decimal
//! point. Each grant is the same as in the JSON package and is validated the same way
//! before its row is written. A flat row holds one item of each rolled-up array, so a
//! project acting in several regions has its first region here (all of them in the JSON).

use super::{checked_grant, Giving360Context, GrantJson};
use crate::grant::{ExportError, SubsidyGrant};
use std::io::Write;

/// The columns, in order: the 360Giving titles of the fields the JSON package fills.
pub const COLUMNS: [&str; 17] = [
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:End Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Beneficiary Location:Name",
    "Beneficiary Location:Country Code",
    "Beneficiary Location:Geographic Code",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
];

fn row(g: &GrantJson) -> Vec<String> {
    let first = |v: Option<String>| v.unwrap_or_default();
    let period = g.planned_dates.first();
    let recipient = g.recipient_organization.first();
    let location = g.beneficiary_location.first();
    let funder = g.funding_organization.first();
    let programme = g.grant_programme.first();
    vec![
        g.id.clone(),
        g.title.clone(),
        g.description.clone(),
        g.currency.to_string(),
        g.amount_awarded.get().to_string(),
        g.award_date.clone(),
        first(period.map(|p| p.start_date.clone())),
        first(period.map(|p| p.end_date.clone())),
        first(recipient.map(|o| o.id.clone())),
        first(recipient.map(|o| o.name.clone())),
        first(location.map(|l| l.name.clone())),
        first(location.map(|l| l.country_code.to_string())),
        first(location.map(|l| l.geo_code.clone())),
        first(funder.map(|o| o.id.clone())),
        first(funder.map(|o| o.name.clone())),
        first(programme.map(|p| p.code.clone())),
        first(programme.map(|p| p.title.clone())),
    ]
}

/// Streams the flat CSV row by row. The header is written with the first valid grant;
/// [`FlatWriter::finish`] refuses an empty file.
pub struct FlatWriter<W: Write> {
    csv: csv::Writer<W>,
    ctx: Giving360Context,
    rows: usize,
}

impl<W: Write> FlatWriter<W> {
    /// A writer to `out`.
    pub fn new(out: W, ctx: Giving360Context) -> FlatWriter<W> {
        FlatWriter {
            csv: csv::WriterBuilder::new().from_writer(out),
            ctx,
            rows: 0,
        }
    }

    /// Validates `grant` (as in the JSON package) and writes its row. Errors as
    /// [`super::PackageWriter::write`].
    pub fn write(&mut self, grant: &SubsidyGrant) -> Result<(), ExportError> {
        let (json, _) = checked_grant(grant, &self.ctx)?;
        if self.rows == 0 {
            self.csv.write_record(COLUMNS).map_err(csv_error)?;
        }
        self.csv.write_record(row(&json)).map_err(csv_error)?;
        self.rows += 1;
        Ok(())
    }

    /// Flushes and gives `out` back. Errors: no grant written, [`ExportError::Io`].
    pub fn finish(self) -> Result<W, ExportError> {
        if self.rows == 0 {
            return Err(ExportError::invalid("(aucune)", "grants", "aucune convention à publier"));
        }
        self.csv
            .into_inner()
            .map_err(|e| ExportError::Io(std::io::Error::other(e.to_string())))
    }
}

fn csv_error(e: csv::Error) -> ExportError {
    ExportError::Io(std::io::Error::other(e.to_string()))
}

/// Writes the flat CSV of `grants` to `out` (see [`FlatWriter`]).
pub fn write_flat<'a, W: Write>(
    out: W,
    ctx: &Giving360Context,
    grants: impl IntoIterator<Item = &'a SubsidyGrant>,
) -> Result<W, ExportError> {
    let mut writer = FlatWriter::new(out, ctx.clone());
    for g in grants {
        writer.write(g)?;
    }
    writer.finish()
}
