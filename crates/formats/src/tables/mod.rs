//! Plain open-data tables (issue 6): the programme's projects, indicators, public
//! measurements, agreements and paid disbursements, each as a French CSV
//! ([`crate::french_csv`]: `;`, BOM, CRLF, decimal comma, formula guard) and as JSON (a
//! streamed array, amounts in integer cents, dates ISO 8601).
//!
//! Writers take iterators of `Result<row, E>` (`E` the source's error: a database read
//! failing mid-way) and write record by record to any [`std::io::Write`]: memory stays
//! bounded whatever the number of rows. Each record is checked before it is written
//! ([`Table::check`]); an invalid record or a failing source stops the export with an error
//! naming the record and the field, and the caller must discard what was written (the CLI
//! never renames its temporary file, the HTTP download is aborted).
//!
//! What is public is decided by the caller (the web and CLI `exports`): these writers
//! write what they are given.

pub mod agreements;
pub mod disbursements;
pub mod indicators;
pub mod measurements;

use crate::french_csv::{self, Cell};
use serde::Serialize;
use std::fmt::Display;
use std::io::Write;

/// One row type of an open-data table.
pub trait Table: Serialize {
    /// The CSV header, in column order.
    const HEADER: &'static [&'static str];
    /// The row's CSV cells, as long as [`Table::HEADER`].
    fn cells(&self) -> Vec<Cell>;
    /// How the record is named in an error (« mesure n° 12 »).
    fn name(&self) -> String;
    /// Checks the record may be published: `Err((field, why))` otherwise.
    fn check(&self) -> Result<(), (&'static str, String)>;
}

/// Why a table export failed.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// Writing to the output failed.
    #[error("écriture impossible : {0}")]
    Io(#[from] std::io::Error),
    /// The CSV writer failed.
    #[error("écriture CSV impossible : {0}")]
    Csv(#[from] csv::Error),
    /// The JSON serialiser failed.
    #[error("écriture JSON impossible : {0}")]
    Json(#[from] serde_json::Error),
    /// A record cannot be published as it is.
    #[error("{record}, champ « {field} » : {why}")]
    Invalid {
        /// The record (« convention AB-12 »).
        record: String,
        /// The field.
        field: &'static str,
        /// Why.
        why: String,
    },
    /// The source of the rows failed (a database read).
    #[error("lecture des données impossible : {0}")]
    Source(String),
    /// A record is refused by the standard the file follows (IATI, 360Giving, SCDL): the
    /// message names the record and the field, in French.
    #[error("{0}")]
    Refused(String),
}

/// Checks a record, naming it in the error.
fn checked<T: Table>(row: T) -> Result<T, TableError> {
    match row.check() {
        Ok(()) => Ok(row),
        Err((field, why)) => Err(TableError::Invalid {
            record: row.name(),
            field,
            why,
        }),
    }
}

/// Writes `rows` as a French CSV to `out`: BOM, [`Table::HEADER`], one line per row.
/// Errors: the first source error or invalid record (rows before it are already written),
/// or a write error.
pub fn write_csv<T, E, W>(out: W, rows: impl IntoIterator<Item = Result<T, E>>) -> Result<(), TableError>
where
    T: Table,
    E: Display,
    W: Write,
{
    // french_csv::write takes infallible rows: the first error ends the iteration and is
    // kept here, to be returned once the writer has stopped.
    let mut failure = None;
    let cells = rows
        .into_iter()
        .map_while(|r| match r.map_err(|e| TableError::Source(e.to_string())).and_then(checked) {
            Ok(row) => Some(row.cells()),
            Err(e) => {
                failure = Some(e);
                None
            }
        });
    french_csv::write(out, T::HEADER, cells)?;
    failure.map_or(Ok(()), Err)
}

/// Writes `rows` to `out` as a JSON array, one element per line, each serialised as it
/// comes (never the whole document in memory). Errors: as [`write_csv`].
pub fn write_json<T, E, W>(out: W, rows: impl IntoIterator<Item = Result<T, E>>) -> Result<(), TableError>
where
    T: Table,
    E: Display,
    W: Write,
{
    write_json_array(
        out,
        rows.into_iter()
            .map(|r| r.map_err(|e| TableError::Source(e.to_string())).and_then(checked)),
    )
}

/// Writes `items` to `out` as a JSON array, element by element: `[`, one element per line
/// separated by commas, `]` and a newline. The first error stops it and is returned.
pub fn write_json_array<T, W>(mut out: W, items: impl IntoIterator<Item = Result<T, TableError>>) -> Result<(), TableError>
where
    T: Serialize,
    W: Write,
{
    out.write_all(b"[")?;
    for (i, item) in items.into_iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut out, &item?)?;
    }
    out.write_all(b"\n]\n")?;
    out.flush()?;
    Ok(())
}

/// A number as a French CSV cell: decimal comma, no grouping (`1234,5`); empty when absent.
pub(crate) fn number(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Number)
}

/// `Err` naming `field` when `v` is not a finite number.
pub(crate) fn finite(field: &'static str, v: Option<f64>) -> Result<(), (&'static str, String)> {
    match v {
        Some(v) if !v.is_finite() => Err((field, format!("nombre non fini ({v})"))),
        _ => Ok(()),
    }
}

/// `Err` naming `field` when `s` is blank.
pub(crate) fn required(field: &'static str, s: &str) -> Result<(), (&'static str, String)> {
    if s.trim().is_empty() {
        Err((field, "vide".to_owned()))
    } else {
        Ok(())
    }
}

/// `Err` naming `field` when `siren` is given and not 9 digits.
pub(crate) fn siren(field: &'static str, siren: Option<&str>) -> Result<(), (&'static str, String)> {
    match siren {
        Some(s) if territoires_domain::siren::Siren::parse(s).is_err() => Err((field, format!("SIREN invalide « {s} »"))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
