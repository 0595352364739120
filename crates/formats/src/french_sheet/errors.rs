//! Errors that name where: the file line (the header is line 1) and the column, by its
//! spreadsheet letter and its header as written: « ligne 7, colonne C (valeur) : … ».

use std::fmt;

/// Where a problem is, in the spreadsheet's own terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// Line of the file, from 1 (the header).
    pub line: usize,
    /// The column: its spreadsheet letter (`C`) and its header as written (`valeur`), when
    /// one cell is at fault.
    pub column: Option<(String, String)>,
    /// What is wrong, in French.
    pub message: String,
}

impl CellError {
    /// An error on a whole line (or the whole file, line 1).
    pub fn line(line: usize, message: impl Into<String>) -> CellError {
        CellError {
            line,
            column: None,
            message: message.into(),
        }
    }

    /// An error on the cell of `line` in column `index` (from 0) headed `header`.
    pub fn cell(line: usize, index: usize, header: &str, message: impl Into<String>) -> CellError {
        CellError {
            line,
            column: Some((column_letter(index), header.trim().to_owned())),
            message: message.into(),
        }
    }
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some((letter, header)) => write!(f, "ligne {}, colonne {letter} ({header}) : {}", self.line, self.message),
            None => write!(f, "ligne {} : {}", self.line, self.message),
        }
    }
}

/// Every error of a file, in line order, one per line when shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
pub struct SheetErrors(pub Vec<CellError>);

impl SheetErrors {
    /// The errors sorted by line (stable: a line's errors keep their column order).
    pub fn sorted(mut errors: Vec<CellError>) -> SheetErrors {
        errors.sort_by_key(|e| e.line);
        SheetErrors(errors)
    }
}

/// The spreadsheet letter of column `index` (from 0): 0 → `A`, 25 → `Z`, 26 → `AA`,
/// 701 → `ZZ`, 702 → `AAA`.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_like_a_spreadsheet() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(2), "C");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn shown_with_line_letter_and_header() {
        let e = CellError::cell(7, 2, " valeur ", "« x » n'est pas un nombre");
        assert_eq!(e.to_string(), "ligne 7, colonne C (valeur) : « x » n'est pas un nombre");
        let all = SheetErrors::sorted(vec![e, CellError::line(3, "ligne illisible")]);
        assert_eq!(
            all.to_string(),
            "ligne 3 : ligne illisible\nligne 7, colonne C (valeur) : « x » n'est pas un nombre"
        );
    }
}
