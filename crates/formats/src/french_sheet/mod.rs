//! A toolkit for reading spreadsheets made by French users and saved as CSV, shared by every
//! importer (measurements, partner lists, and later agreements and disbursements).
//!
//! - [`decode()`]: UTF-8 with or without a byte-order mark, or Windows-1252;
//! - [`Sheet`]: delimiter `;` or `,` recognised from the header line; header names matched
//!   without regard to accents, case or spacing (`Période`, `PERIODE`); the `csv` crate for
//!   the quoting rules; rows with their file line;
//! - [`numbers`]: decimal comma, thousands spaces, units (`€`, `%`), exact amounts;
//! - [`dates`]: `31/12/2024`, `2024-12-31`, `1er janvier 2025`…;
//! - [`names`]: apostrophes and Unicode forms;
//! - [`errors`]: « ligne 7, colonne C (valeur) : … », every error of a file collected.

pub mod dates;
pub mod decode;
pub mod errors;
pub mod names;
pub mod numbers;

pub use decode::{decode, Encoding};
pub use errors::{CellError, SheetErrors};

use std::borrow::Cow;
use territoires_domain::text::fold;

/// A column an importer knows: the name shown in messages and documentation (`période`),
/// other names accepted (folded: `siret`), and whether the header must have it.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Name as documented; matched folded (accents, case and spacing aside).
    pub name: &'static str,
    /// Other accepted names, matched folded.
    pub aliases: &'static [&'static str],
    /// Whether the file must have this column.
    pub required: bool,
}

/// A file opened: its text, encoding, delimiter and where each known column is.
#[derive(Debug)]
pub struct Sheet<'a> {
    text: Cow<'a, str>,
    /// The encoding the bytes were read in.
    pub encoding: Encoding,
    /// `b';'` or `b','`.
    pub delimiter: u8,
    headers: Vec<String>,
    /// For each known column (in the importer's order), its index in the file.
    index: Vec<Option<usize>>,
}

impl<'a> Sheet<'a> {
    /// Opens `bytes` for the known `columns`. Errors (all of them, line 1): an empty first
    /// line, an unknown column (with the list of known ones), a column twice, a required
    /// column missing.
    pub fn open(bytes: &'a [u8], columns: &[Column]) -> Result<Sheet<'a>, SheetErrors> {
        let (text, encoding) = decode(bytes);
        let header_line = text.lines().next().unwrap_or_default();
        if header_line.trim().is_empty() {
            return Err(SheetErrors(vec![CellError::line(1, "la première ligne doit nommer les colonnes")]));
        }
        // `;` when the header holds at least as many `;` as `,` (French Excel writes `;`).
        let semicolons = header_line.matches(';').count();
        let delimiter = if semicolons > 0 && semicolons >= header_line.matches(',').count() {
            b';'
        } else {
            b','
        };
        let headers: Vec<String> = reader(text.as_bytes(), delimiter)
            .headers()
            .map_err(|e| SheetErrors(vec![CellError::line(1, format!("en-tête illisible : {e}"))]))?
            .iter()
            .map(str::to_owned)
            .collect();
        let mut errors = Vec::new();
        let mut index = vec![None; columns.len()];
        for (i, header) in headers.iter().enumerate() {
            let folded = fold(header);
            if folded.is_empty() {
                continue; // a trailing delimiter leaves an unnamed column
            }
            let known = columns
                .iter()
                .position(|c| fold(c.name) == folded || c.aliases.iter().any(|a| fold(a) == folded));
            match known {
                Some(c) if index[c].is_some() => errors.push(CellError::cell(1, i, header, "colonne en double")),
                Some(c) => index[c] = Some(i),
                None => errors.push(CellError::cell(
                    1,
                    i,
                    header,
                    format!(
                        "colonne inconnue ; colonnes reconnues : {}",
                        columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
                    ),
                )),
            }
        }
        for (c, column) in columns.iter().enumerate() {
            if column.required && index[c].is_none() {
                errors.push(CellError::line(1, format!("colonne obligatoire « {} » absente", column.name)));
            }
        }
        // The csv reader reads an unclosed quote to the end of the file, silently turning
        // every later line into the text of one cell: refuse the file instead.
        if let Some((line, field)) = unclosed_quote(&text, delimiter) {
            let header = headers.get(field).map_or("", String::as_str);
            errors.push(CellError::cell(
                line,
                field,
                header,
                "guillemet ouvert et jamais refermé : toute la suite du fichier serait lue dans cette cellule (refermez-le, ou doublez-le \"\" s'il fait partie du texte)",
            ));
        }
        if !errors.is_empty() {
            return Err(SheetErrors(errors));
        }
        Ok(Sheet {
            text,
            encoding,
            delimiter,
            headers,
            index,
        })
    }

    /// Where each known column is, owned, to name a cell after the file is closed: the
    /// checks that need the database (a reference already used, a ceiling) come after
    /// parsing and still point at the line and column at fault.
    pub fn locator(&self) -> Locator {
        Locator {
            columns: self.index.iter().map(|i| i.map(|i| (i, self.headers[i].clone()))).collect(),
        }
    }

    /// Whether the file has the known column `c`.
    pub fn has(&self, c: usize) -> bool {
        self.index.get(c).copied().flatten().is_some()
    }

    /// The data rows, in file order, skipping lines whose cells are all blank. A line the
    /// `csv` crate cannot read, or with more cells than the header, is an error naming it.
    pub fn rows(&self) -> impl Iterator<Item = Result<Row<'_>, CellError>> + '_ {
        let text = self.text.as_bytes();
        let mut reader = reader(text, self.delimiter);
        let _ = reader.headers();
        // The csv crate's own line count is one short after a CRLF (it places a record
        // before the `\n` that ends the previous line), so lines are counted here, from the
        // record's byte offset past any line ends, incrementally (files may be large).
        let mut counted = (0usize, 1usize);
        let mut line_at = move |byte: u64| {
            let mut at = usize::try_from(byte).unwrap_or(text.len()).min(text.len());
            while at < text.len() && (text[at] == b'\r' || text[at] == b'\n') {
                at += 1;
            }
            let (from, line) = counted;
            if at >= from {
                counted = (at, line + text[from..at].iter().filter(|&&b| b == b'\n').count());
            }
            counted.1
        };
        reader.into_records().filter_map(move |record| {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map(|p| line_at(p.byte())).unwrap_or(0);
                    return Some(Err(CellError::line(line, format!("ligne illisible : {e}"))));
                }
            };
            let line = record.position().map(|p| line_at(p.byte())).unwrap_or(0);
            if record.iter().all(|c| c.trim().is_empty()) {
                return None;
            }
            if record.len() > self.headers.len() && record.iter().skip(self.headers.len()).any(|c| !c.trim().is_empty()) {
                return Some(Err(CellError::line(
                    line,
                    format!("{} cellules pour {} colonnes", record.len(), self.headers.len()),
                )));
            }
            Some(Ok(Row { line, record, sheet: self }))
        })
    }
}

/// The known columns' places in a file (from [`Sheet::locator`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Locator {
    columns: Vec<Option<(usize, String)>>,
}

impl Locator {
    /// An error on line `line`, known column `c` (on the line alone when the file lacks
    /// the column).
    pub fn error(&self, line: usize, c: usize, message: impl Into<String>) -> CellError {
        match self.columns.get(c).cloned().flatten() {
            Some((i, header)) => CellError::cell(line, i, &header, message),
            None => CellError::line(line, message),
        }
    }
}

fn reader(bytes: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes)
}

/// One data line of a [`Sheet`].
#[derive(Debug)]
pub struct Row<'s> {
    /// Line of the file (the header is line 1).
    pub line: usize,
    record: csv::StringRecord,
    sheet: &'s Sheet<'s>,
}

impl Row<'_> {
    /// The trimmed cell of known column `c`; `""` when the file has no such column or the
    /// line is short.
    pub fn cell(&self, c: usize) -> &str {
        self.sheet
            .index
            .get(c)
            .copied()
            .flatten()
            .and_then(|i| self.record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    /// The cell of column `c` as an owned string, `None` when blank.
    pub fn text(&self, c: usize) -> Option<String> {
        Some(self.cell(c).to_owned()).filter(|s| !s.is_empty())
    }

    /// An error on the cell of known column `c` (on the line when the file lacks it).
    pub fn error(&self, c: usize, message: impl Into<String>) -> CellError {
        match self.sheet.index.get(c).copied().flatten() {
            Some(i) => CellError::cell(self.line, i, &self.sheet.headers[i], message),
            None => CellError::line(self.line, message),
        }
    }

    /// Reads the cell of column `c` with `parse`, whose error message becomes a
    /// [`CellError`] naming the line and column.
    pub fn parse<T, E: ToString>(&self, c: usize, parse: impl FnOnce(&str) -> Result<T, E>) -> Result<T, CellError> {
        parse(self.cell(c)).map_err(|e| self.error(c, e.to_string()))
    }

    /// Like [`parse`](Self::parse), but a blank cell is `Ok(None)`.
    pub fn parse_optional<T, E: ToString>(&self, c: usize, parse: impl FnOnce(&str) -> Result<T, E>) -> Result<Option<T>, CellError> {
        if self.cell(c).is_empty() {
            Ok(None)
        } else {
            self.parse(c, parse).map(Some)
        }
    }
}

#[cfg(test)]
mod tests;

/// Where a quoted cell opens without ever closing: (line, field index), lines from 1. A
/// quote opens a cell only at its start; inside, `""` is a quote and `"` closes it (RFC 4180,
/// as the `csv` crate reads it).
fn unclosed_quote(text: &str, delimiter: u8) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let (mut line, mut field, mut at_start, mut open) = (1, 0, true, None);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if open.is_some() {
            match b {
                b'"' if bytes.get(i + 1) == Some(&b'"') => i += 1,
                b'"' => open = None,
                b'\n' => line += 1,
                _ => {}
            }
            at_start = false;
        } else if b == b'"' && at_start {
            open = Some((line, field));
        } else if b == delimiter {
            field += 1;
            at_start = true;
            i += 1;
            continue;
        } else if b == b'\n' {
            line += 1;
            field = 0;
            at_start = true;
            i += 1;
            continue;
        } else if b != b'\r' {
            at_start = false;
        }
        i += 1;
    }
    open
}
