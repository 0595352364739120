//! Measurements as a French user writes them in a spreadsheet and saves as CSV.
//!
//! # The file
//!
//! - UTF-8, with or without a byte-order mark (what Excel writes with « CSV UTF-8 »), or
//!   Windows-1252 (Excel's plain « CSV »);
//! - delimiter `;` (French Excel) or `,`, recognised from the header line (`;` when it
//!   holds at least as many `;` as `,`); with `,`, a decimal comma needs quotes (`"12,5"`);
//! - a header line naming the columns, in any order; names are matched without regard to
//!   accents, case or spacing (`Période`, `periode`, `PÉRIODE`);
//! - numbers with a decimal comma (a decimal point too, but `1.000` is refused as
//!   ambiguous), thousands separated by a space, a no-break space (U+00A0), a narrow
//!   no-break space (U+202F) or a thin space (U+2009): `1 234,5`; a minus sign `-` or `−`;
//! - an empty cell is a missing value, never zero; a line whose cells are all empty is
//!   skipped.
//!
//! # The columns
//!
//! | column | required | content |
//! |---|---|---|
//! | `indicateur` | yes | the indicator's code |
//! | `période` | yes | `2025`, `2025-T1` (or `2025-Q1`, `T1 2025`), `2025-03` |
//! | `valeur` | for a quantity or ratio | the value in the indicator's unit |
//! | `numérateur` | for a percentage | what is counted (15 households) |
//! | `dénominateur` | for a percentage | out of what (50 households) |
//! | `déclarant` | yes | who reports it within the project (organisation or name) |
//! | `source` | no | where the value comes from |
//! | `méthode` | no | how it was produced |
//! | `justificatif` | no | evidence reference: a URL, a document's name |
//!
//! A qualitative indicator's line leaves the three number columns empty. Whether a line
//! suits its indicator (kind, frequency, rights) is the store's check.
//!
//! # Units
//!
//! A `valeur` may carry the unit of its indicator: `12,5 %` for an indicator in per cent,
//! `1 234,56 €` for one in euros; another unit written (`12 %` for an indicator counted in
//! jobs) is an error on its cell. `numérateur` and `dénominateur` are counts, without unit.
//!
//! # Errors
//!
//! Every line is read; every error is reported with its line and column, by letter and
//! header (`ligne 7, colonne C (valeur) : « 12,5,3 » n'est pas un nombre…`), and no row is
//! returned when there is any error, so that nothing is written from a faulty file.
//! The reading itself (encodings, delimiter, numbers) is [`crate::french_sheet`]'s.

use crate::french_sheet::numbers::{parse_decimal, parse_with_unit, Unit};
use crate::french_sheet::{CellError, Column, Encoding, Row, Sheet, SheetErrors};
use territoires_domain::impact::{Observation, Period};

/// One line of the file, read.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasurementRow {
    /// Line number in the file (the header is line 1).
    pub line: usize,
    /// Indicator code.
    pub indicator: String,
    /// Period.
    pub period: Period,
    /// `valeur`, if given.
    pub value: Option<f64>,
    /// `numérateur`, if given.
    pub numerator: Option<f64>,
    /// `dénominateur`, if given.
    pub denominator: Option<f64>,
    /// `déclarant`.
    pub reporter: String,
    /// `source`, if given.
    pub source: Option<String>,
    /// `méthode`, if given.
    pub method: Option<String>,
    /// `justificatif`, if given.
    pub evidence: Option<String>,
}

impl MeasurementRow {
    /// The observation the line gives: a value, a fraction (numerator and/or denominator),
    /// or `None` when the three number cells are empty (a qualitative report, or a missing
    /// value the store will refuse for a quantity).
    pub fn observation(&self) -> Option<Observation> {
        match (self.value, self.numerator, self.denominator) {
            (Some(value), _, _) => Some(Observation::Value { value }),
            (None, None, None) => None,
            (None, numerator, denominator) => Some(Observation::Fraction { numerator, denominator }),
        }
    }
}

/// A file read: its rows and the encoding it was in (for the dry-run's report).
#[derive(Debug, Clone, PartialEq)]
pub struct MeasurementFile {
    /// The encoding the bytes were read in.
    pub encoding: Encoding,
    /// Every row, in file order.
    pub rows: Vec<MeasurementRow>,
}

const COLUMNS: [Column; 9] = [
    col("indicateur", true),
    col("période", true),
    col("valeur", false),
    col("numérateur", false),
    col("dénominateur", false),
    col("déclarant", true),
    col("source", false),
    col("méthode", false),
    col("justificatif", false),
];
const fn col(name: &'static str, required: bool) -> Column {
    Column {
        name,
        aliases: &[],
        required,
    }
}
const INDICATOR: usize = 0;
const PERIOD: usize = 1;
const VALUE: usize = 2;
const NUMERATOR: usize = 3;
const DENOMINATOR: usize = 4;
const REPORTER: usize = 5;
const SOURCE: usize = 6;
const METHOD: usize = 7;
const EVIDENCE: usize = 8;
const REQUIRED: [usize; 3] = [INDICATOR, PERIOD, REPORTER];

/// Reads a number written the French way (see [`crate::french_sheet::numbers`]), without
/// unit: `Ok(None)` for an empty cell, `Err(())` when it is not a number or is ambiguous
/// (`1.000`). `0,435` is 0.435, never 435.
#[allow(clippy::result_unit_err)]
pub fn parse_number(raw: &str) -> Result<Option<f64>, ()> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    parse_decimal(raw, Unit::Plain).map(|d| Some(d.to_f64())).map_err(|_| ())
}

/// Parses a measurement CSV file (bytes as read from disk). `unit_of` gives an
/// indicator's unit code (`percent`, `eur`, `jobs`…, see `impact::unit`), `None` for an
/// unknown indicator (whose rows the store refuses). Returns every row, or every error
/// found (nothing when there is any error).
pub fn parse(bytes: &[u8], unit_of: &dyn Fn(&str) -> Option<String>) -> Result<MeasurementFile, SheetErrors> {
    let sheet = Sheet::open(bytes, &COLUMNS)?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for row in sheet.rows() {
        match row.map_err(|e| vec![e]).and_then(|row| read_row(&row, unit_of)) {
            Ok(r) => rows.push(r),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(MeasurementFile {
            encoding: sheet.encoding,
            rows,
        })
    } else {
        Err(SheetErrors::sorted(errors))
    }
}

/// One row, or every error of its cells.
fn read_row(row: &Row<'_>, unit_of: &dyn Fn(&str) -> Option<String>) -> Result<MeasurementRow, Vec<CellError>> {
    let mut errors = Vec::new();
    let value = row.parse_optional(VALUE, parse_with_unit);
    let count = |c| row.parse_optional(c, |raw| parse_decimal(raw, Unit::Plain).map(|d| d.to_f64()));
    let (numerator, denominator) = (count(NUMERATOR), count(DENOMINATOR));
    let value = match value {
        Ok(Some((d, unit))) => match unit_mismatch(unit, unit_of(row.cell(INDICATOR)).as_deref()) {
            Some(message) => {
                errors.push(row.error(VALUE, format!("« {} » : {message}", row.cell(VALUE))));
                None
            }
            None => Some(d.to_f64()),
        },
        Ok(None) => None,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let numerator = numerator.unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let denominator = denominator.unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    if value.is_some() && (numerator.is_some() || denominator.is_some()) {
        errors.push(row.error(VALUE, "donnez soit une valeur, soit un numérateur et un dénominateur, pas les deux"));
    }
    for c in REQUIRED {
        if row.cell(c).is_empty() {
            errors.push(row.error(c, "obligatoire"));
        }
    }
    let period = row.parse_optional(PERIOD, |raw| raw.parse::<Period>());
    match period {
        Ok(Some(period)) if errors.is_empty() => Ok(MeasurementRow {
            line: row.line,
            indicator: row.cell(INDICATOR).to_owned(),
            period,
            value,
            numerator,
            denominator,
            reporter: row.cell(REPORTER).to_owned(),
            source: row.text(SOURCE),
            method: row.text(METHOD),
            evidence: row.text(EVIDENCE),
        }),
        Ok(_) => Err(errors),
        Err(e) => {
            errors.push(e);
            Err(errors)
        }
    }
}

/// Why a value written with `unit` does not suit an indicator in `indicator_unit` (a
/// code), or `None` when it does (no unit written, or the indicator unknown: the store
/// refuses the row anyway).
fn unit_mismatch(unit: Unit, indicator_unit: Option<&str>) -> Option<String> {
    let code = indicator_unit?;
    let fits = match unit {
        Unit::Plain => true,
        Unit::Euro => code == "eur",
        Unit::Percent => code == "percent",
    };
    let written = if unit == Unit::Euro { "€" } else { "%" };
    (!fits).then(|| format!("unité « {written} » écrite, mais l'indicateur est en « {code} »"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Units of the indicators the tests name.
    fn units(code: &str) -> Option<String> {
        match code {
            "emplois" => Some("jobs".into()),
            "menages" | "part" => Some("percent".into()),
            "budget" => Some("eur".into()),
            _ => None,
        }
    }
    fn rows(file: &[u8]) -> Vec<MeasurementRow> {
        parse(file, &units).unwrap().rows
    }
    fn shown(file: &str) -> Vec<String> {
        parse(file.as_bytes(), &units)
            .unwrap_err()
            .0
            .iter()
            .map(|e| e.to_string())
            .collect()
    }

    #[test]
    fn french_numbers_with_every_space() {
        assert_eq!(parse_number("1 234,5"), Ok(Some(1234.5)));
        assert_eq!(parse_number("1\u{a0}234,5"), Ok(Some(1234.5)));
        assert_eq!(parse_number("1\u{202f}234,5"), Ok(Some(1234.5)));
        assert_eq!(parse_number("0,435"), Ok(Some(0.435)));
        assert_eq!(parse_number("1.000"), Err(()), "ambiguous");
        assert_eq!(parse_number("12 %"), Err(()), "no unit in a plain number");
        assert_eq!(parse_number("  "), Ok(None));
    }

    #[test]
    fn semicolons_bom_accents_and_missing_cells() {
        let file = "\u{feff}Indicateur;Période;Valeur;Numérateur;Dénominateur;Déclarant;Source;Méthode;Justificatif\n\
                    emplois;2025-T1;1 234,5;;;Ville de Valence;registre;comptage;https://exemple.fr/pv.pdf\n\
                    menages;2025-T1;;15;;Association;;;\n\
                    ;;;;;;;;\n";
        let file = parse(file.as_bytes(), &units).unwrap();
        assert_eq!(file.encoding, Encoding::Utf8Bom);
        let rows = file.rows;
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].indicator, "emplois");
        assert_eq!(rows[0].period, Period::Quarter(2025, 1));
        assert_eq!(rows[0].observation(), Some(Observation::Value { value: 1234.5 }));
        assert_eq!(rows[0].evidence.as_deref(), Some("https://exemple.fr/pv.pdf"));
        // The empty denominator stays missing, never 0.
        assert_eq!(
            rows[1].observation(),
            Some(Observation::Fraction {
                numerator: Some(15.0),
                denominator: None
            })
        );
        assert_eq!(rows[1].source, None);
    }

    #[test]
    fn windows_1252_crlf_and_units() {
        // As Excel fr saves « CSV » : « Période », « Déclarant », « Cœur » (0x9C), « € » (0x80),
        // no-break spaces (0xA0), CRLF.
        let file = b"indicateur;P\xE9riode;valeur;D\xE9clarant\r\n\
            part;2025;12,5\xA0%;C\x9Cur d'Essonne\r\n\
            budget;2025;1\xA0234,56\xA0\x80;Ville\r\n\
            emplois;2025;12 210 000;Ville\r\n";
        let read = parse(file, &units).unwrap();
        assert_eq!(read.encoding, Encoding::Windows1252);
        let rows = read.rows;
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 3, 4]);
        assert_eq!(rows[0].value, Some(12.5));
        assert_eq!(rows[0].reporter, "Cœur d'Essonne");
        assert_eq!(rows[1].value, Some(1234.56));
        assert_eq!(rows[2].value, Some(12_210_000.0));
    }

    #[test]
    fn a_unit_that_is_not_the_indicators_is_refused() {
        let file = "indicateur;période;valeur;déclarant\n\
                    emplois;2025;12 %;V\n\
                    part;2025;3 €;V\n\
                    inconnu;2025;3 €;V\n";
        assert_eq!(
            shown(file),
            vec![
                "ligne 2, colonne C (valeur) : « 12 % » : unité « % » écrite, mais l'indicateur est en « jobs »",
                "ligne 3, colonne C (valeur) : « 3 € » : unité « € » écrite, mais l'indicateur est en « percent »",
            ]
        );
    }

    #[test]
    fn commas_with_quoted_decimal_commas_and_any_column_order() {
        let file = "DECLARANT,periode,indicateur,valeur\nP1,2025-Q2,emplois,\"1\u{202f}500,25\"\nP2,T3 2025,emplois,40\n";
        let rows = rows(file.as_bytes());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].value, Some(1500.25));
        assert_eq!(rows[0].reporter, "P1");
        assert_eq!(rows[1].period, Period::Quarter(2025, 3));
        assert_eq!(rows[1].value, Some(40.0));
    }

    #[test]
    fn every_bad_line_is_reported_and_no_row_returned() {
        let file = "indicateur;période;valeur;numérateur;déclarant\n\
                    emplois;2025-T1;120;;P1\n\
                    emplois;2025-T2;12,5,3;;P1\n\
                    emplois;2025-T9;10;;P1\n\
                    emplois;2025-T3;;;\n\
                    emplois;2025-T3;5;3;P2\n\
                    emplois;2025-T3;1.000;;P2\n";
        let shown = shown(file);
        assert_eq!(shown.len(), 5, "{shown:?}");
        assert!(
            shown[0].starts_with("ligne 3, colonne C (valeur) : « 12,5,3 » n'est pas un nombre"),
            "{}",
            shown[0]
        );
        assert!(
            shown[1].starts_with("ligne 4, colonne B (période) : période « 2025-T9 » illisible"),
            "{}",
            shown[1]
        );
        assert_eq!(shown[2], "ligne 5, colonne E (déclarant) : obligatoire");
        assert!(
            shown[3].starts_with("ligne 6, colonne C (valeur) : donnez soit une valeur"),
            "{}",
            shown[3]
        );
        assert!(
            shown[4].starts_with("ligne 7, colonne C (valeur) : « 1.000 » est ambigu"),
            "{}",
            shown[4]
        );
    }

    #[test]
    fn header_problems() {
        assert_eq!(
            shown("indicateur;valeur\nemplois;3\n"),
            vec![
                "ligne 1 : colonne obligatoire « période » absente",
                "ligne 1 : colonne obligatoire « déclarant » absente"
            ]
        );
        let unknown = shown("indicateur;période;déclarant;valuer\n");
        assert!(
            unknown[0].starts_with("ligne 1, colonne D (valuer) : colonne inconnue"),
            "{unknown:?}"
        );
        assert!(parse(b"", &units).is_err());
    }
}
