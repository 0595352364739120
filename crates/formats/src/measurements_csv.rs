//! Measurements as a French user writes them in a spreadsheet and saves as CSV.
//!
//! # The file
//!
//! - UTF-8, with or without a byte-order mark (what Excel writes with « CSV UTF-8 »);
//! - delimiter `;` (French Excel) or `,`, recognised from the header line (`;` when it
//!   holds at least as many `;` as `,`); with `,`, a decimal comma needs quotes (`"12,5"`);
//! - a header line naming the columns, in any order; names are matched without regard to
//!   accents, case or spacing (`Période`, `periode`, `PÉRIODE`);
//! - numbers with a decimal comma (a decimal point is accepted too), thousands separated
//!   by a space, a no-break space (U+00A0), a narrow no-break space (U+202F) or a thin
//!   space (U+2009): `1 234,5`; a minus sign `-` or `−`;
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
//! # Errors
//!
//! Every line is read; every error is reported with its line and column
//! (`ligne 7, colonne « valeur » : « 12,5,3 » n'est pas un nombre`), and no row is
//! returned when there is any error, so that nothing is written from a faulty file.

use std::fmt;
use territoires_domain::impact::{Observation, Period};
use territoires_domain::text::fold;

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

/// An error on one line (line 1 for the header and the file as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// Line number in the file, from 1.
    pub line: usize,
    /// The column, as named in this documentation (`valeur`), when one is at fault.
    pub column: Option<&'static str>,
    /// What is wrong, in French.
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(f, "ligne {}, colonne « {c} » : {}", self.line, self.message),
            None => write!(f, "ligne {} : {}", self.line, self.message),
        }
    }
}

/// Every error of a file, in line order (one per line, joined by newlines when shown).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
pub struct CsvErrors(pub Vec<LineError>);

/// The columns, in documentation order: (folded header name, name as shown).
const COLUMNS: [(&str, &str); 9] = [
    ("indicateur", "indicateur"),
    ("periode", "période"),
    ("valeur", "valeur"),
    ("numerateur", "numérateur"),
    ("denominateur", "dénominateur"),
    ("declarant", "déclarant"),
    ("source", "source"),
    ("methode", "méthode"),
    ("justificatif", "justificatif"),
];
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

/// Reads a number written the French way (see the module documentation): `Ok(None)` for
/// an empty cell, `Err(())` when it is not a number (`12,5,3`, `1.234,5`, `12 34`, `abc`) or
/// is ambiguous (`1.000`: a dot followed by exactly three digits may be a thousands
/// separator). `0,435` is 0.435, never 435.
/// Never returns an infinite or NaN number.
#[allow(clippy::result_unit_err)]
pub fn parse_number(raw: &str) -> Result<Option<f64>, ()> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let (negative, s) = match s.strip_prefix('-').or_else(|| s.strip_prefix('−')) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let separators = s.chars().filter(|c| *c == ',' || *c == '.').count();
    if separators > 1 {
        return Err(());
    }
    let (int, frac) = s.split_once([',', '.']).unwrap_or((s, ""));
    // « 1.000 » is a thousand to a French eye and one to a spreadsheet in English: refuse
    // it rather than guess (a decimal comma, or a dot with other than three decimals, is
    // clear).
    if s.contains('.') && frac.len() == 3 {
        return Err(());
    }
    let groups: Vec<&str> = int.split([' ', '\u{a0}', '\u{202f}', '\u{2009}']).collect();
    let digits = |g: &str| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit());
    let grouped = groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    if !groups.iter().all(|g| digits(g)) || !grouped || (separators == 1 && !digits(frac)) {
        return Err(());
    }
    let text = format!(
        "{}{}.{}",
        if negative { "-" } else { "" },
        groups.concat(),
        if frac.is_empty() { "0" } else { frac }
    );
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(()),
    }
}

/// Parses a measurement CSV file (bytes as read from disk). Returns every line's row, or
/// every error found (nothing when there is any error).
pub fn parse(bytes: &[u8]) -> Result<Vec<MeasurementRow>, CsvErrors> {
    let file_error = |line: usize, message: String| {
        CsvErrors(vec![LineError {
            line,
            column: None,
            message,
        }])
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
        file_error(line, "le fichier n'est pas en UTF-8 (enregistrez-le en « CSV UTF-8 »)".into())
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header_line = text.lines().next().unwrap_or_default();
    if header_line.trim().is_empty() {
        return Err(file_error(1, "la première ligne doit nommer les colonnes".into()));
    }
    let semicolons = header_line.matches(';').count();
    let delimiter = if semicolons > 0 && semicolons >= header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| file_error(1, format!("en-tête illisible : {e}")))?
        .clone();
    let mut errors = Vec::new();
    // For each column of the documentation, its index in the file.
    let mut index: [Option<usize>; 9] = [None; 9];
    for (i, name) in headers.iter().enumerate() {
        let folded = fold(name);
        if folded.is_empty() {
            continue; // a trailing delimiter leaves an unnamed column
        }
        match COLUMNS.iter().position(|(key, _)| *key == folded) {
            Some(c) if index[c].is_some() => errors.push(LineError {
                line: 1,
                column: Some(COLUMNS[c].1),
                message: "colonne en double".into(),
            }),
            Some(c) => index[c] = Some(i),
            None => errors.push(LineError {
                line: 1,
                column: None,
                message: format!(
                    "colonne « {} » inconnue ; colonnes reconnues : {}",
                    name.trim(),
                    COLUMNS.iter().map(|(_, shown)| *shown).collect::<Vec<_>>().join(", ")
                ),
            }),
        }
    }
    for c in REQUIRED {
        if index[c].is_none() {
            errors.push(LineError {
                line: 1,
                column: Some(COLUMNS[c].1),
                message: "colonne obligatoire absente".into(),
            });
        }
    }
    if !errors.is_empty() {
        return Err(CsvErrors(errors));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                errors.push(LineError {
                    line,
                    column: None,
                    message: format!("ligne illisible : {e}"),
                });
                continue;
            }
        };
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() > headers.len() {
            errors.push(LineError {
                line,
                column: None,
                message: format!("{} cellules pour {} colonnes", record.len(), headers.len()),
            });
            continue;
        }
        let cell = |c: usize| index[c].and_then(|i| record.get(i)).map(str::trim).unwrap_or("");
        let text = |c: usize| Some(cell(c).to_owned()).filter(|s| !s.is_empty());
        let mut err = |c: usize, message: String| {
            errors.push(LineError {
                line,
                column: Some(COLUMNS[c].1),
                message,
            })
        };
        let mut number = |c: usize| match parse_number(cell(c)) {
            Ok(v) => v,
            Err(()) => {
                err(
                    c,
                    format!(
                        "« {} » n'est pas un nombre lisible sans ambiguïté (virgule décimale : 1 234,5 ; « 1.000 » est refusé)",
                        cell(c)
                    ),
                );
                None
            }
        };
        let (value, numerator, denominator) = (number(VALUE), number(NUMERATOR), number(DENOMINATOR));
        let mut err = |c: usize, message: String| {
            errors.push(LineError {
                line,
                column: Some(COLUMNS[c].1),
                message,
            })
        };
        if value.is_some() && (numerator.is_some() || denominator.is_some()) {
            err(
                VALUE,
                "donnez soit une valeur, soit un numérateur et un dénominateur, pas les deux".into(),
            );
        }
        for c in REQUIRED {
            if cell(c).is_empty() {
                err(c, "obligatoire".into());
            }
        }
        let period = match cell(PERIOD).parse::<Period>() {
            Ok(p) => Some(p),
            Err(e) if !cell(PERIOD).is_empty() => {
                err(PERIOD, e.to_string());
                None
            }
            Err(_) => None,
        };
        if let (Some(period), false, false) = (period, cell(INDICATOR).is_empty(), cell(REPORTER).is_empty()) {
            rows.push(MeasurementRow {
                line,
                indicator: cell(INDICATOR).to_owned(),
                period,
                value,
                numerator,
                denominator,
                reporter: cell(REPORTER).to_owned(),
                source: text(SOURCE),
                method: text(METHOD),
                evidence: text(EVIDENCE),
            });
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(CsvErrors(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_numbers_with_every_space() {
        assert_eq!(parse_number("1 234,5"), Ok(Some(1234.5)));
        assert_eq!(parse_number("1\u{a0}234,5"), Ok(Some(1234.5)));
        assert_eq!(parse_number("1\u{202f}234,5"), Ok(Some(1234.5)));
        assert_eq!(parse_number("1\u{2009}234\u{2009}567"), Ok(Some(1_234_567.0)));
        assert_eq!(parse_number("12,5"), Ok(Some(12.5)));
        assert_eq!(parse_number("12.5"), Ok(Some(12.5)));
        assert_eq!(parse_number("0,435"), Ok(Some(0.435)));
        assert_eq!(parse_number("1,286"), Ok(Some(1.286)));
        assert_eq!(parse_number("1.000"), Err(()), "ambiguous");
        assert_eq!(parse_number("0.435"), Err(()), "ambiguous");
        assert_eq!(parse_number("−3,25"), Ok(Some(-3.25)));
        assert_eq!(parse_number("0"), Ok(Some(0.0)));
        assert_eq!(parse_number("  "), Ok(None));
        for bad in ["12,5,3", "1.234,5", "12 34", "1 2345", "abc", "12,", ",5", "1e5", "12 %", "--1"] {
            assert_eq!(parse_number(bad), Err(()), "{bad}");
        }
    }

    #[test]
    fn semicolons_bom_accents_and_missing_cells() {
        let file = "\u{feff}Indicateur;Période;Valeur;Numérateur;Dénominateur;Déclarant;Source;Méthode;Justificatif\n\
                    emplois;2025-T1;1 234,5;;;Ville de Valence;registre;comptage;https://exemple.fr/pv.pdf\n\
                    menages;2025-T1;;15;;Association;;;\n\
                    ;;;;;;;;\n";
        let rows = parse(file.as_bytes()).unwrap();
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
    fn commas_with_quoted_decimal_commas_and_any_column_order() {
        let file = "DECLARANT,periode,indicateur,valeur\nP1,2025-Q2,emplois,\"1\u{202f}500,25\"\nP2,T3 2025,emplois,40\n";
        let rows = parse(file.as_bytes()).unwrap();
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
                    emplois;2025-T3;5;3;P2\n";
        let errors = parse(file.as_bytes()).unwrap_err();
        let shown: Vec<String> = errors.0.iter().map(|e| e.to_string()).collect();
        assert_eq!(shown.len(), 4, "{shown:?}");
        assert!(
            shown[0].starts_with("ligne 3, colonne « valeur » : « 12,5,3 » n'est pas un nombre"),
            "{}",
            shown[0]
        );
        assert!(
            shown[1].starts_with("ligne 4, colonne « période » : période « 2025-T9 » illisible"),
            "{}",
            shown[1]
        );
        assert_eq!(shown[2], "ligne 5, colonne « déclarant » : obligatoire");
        assert!(
            shown[3].starts_with("ligne 6, colonne « valeur » : donnez soit une valeur"),
            "{}",
            shown[3]
        );
    }

    #[test]
    fn header_problems() {
        let missing = parse(b"indicateur;valeur\nemplois;3\n").unwrap_err().to_string();
        assert_eq!(
            missing,
            "ligne 1, colonne « période » : colonne obligatoire absente\nligne 1, colonne « déclarant » : colonne obligatoire absente"
        );
        let unknown = parse("indicateur;période;déclarant;valuer\n".as_bytes()).unwrap_err().to_string();
        assert!(unknown.starts_with("ligne 1 : colonne « valuer » inconnue"), "{unknown}");
        let latin1 = parse(b"indicateur;p\xe9riode\n").unwrap_err().to_string();
        assert!(latin1.contains("UTF-8"), "{latin1}");
        assert!(parse(b"").is_err());
    }
}
