//! Payments already made on agreements (*versements*), from a French spreadsheet saved as
//! CSV (`territoires import disbursements FILE`): the history an operator brings when it
//! migrates to the platform.
//!
//! One payment per line. Columns (matched without regard to accents, case or spacing;
//! order free; all required):
//!
//! | column | content |
//! |---|---|
//! | `référence de la convention` (or `convention`, `référence`) | the agreement's reference, as stored (case aside) |
//! | `tranche` | the tranche's label (`Tranche 2/3`, `Solde`) or its number from 1 (`2`) |
//! | `montant` (or `montant versé`) | the amount paid, `400 000,00 €` |
//! | `date de paiement` (or `date de versement`, `payé le`) | `15/09/2021`, `2021-09-15`, `15 septembre 2021` |
//!
//! Every line is read and every error reported; what needs the database (the agreement,
//! its tranche, what remains on it, the ceilings, a payment already recorded) is checked
//! by the store, whose refusal [`column_of`] places back on its column.

use crate::french_sheet::numbers::parse_money;
use crate::french_sheet::{dates, CellError, Column, Locator, Sheet, SheetErrors};
use territoires_domain::Money;
use time::Date;

const REFERENCE: usize = 0;
const TRANCHE: usize = 1;
const AMOUNT: usize = 2;
const PAID_ON: usize = 3;

/// The columns, in the order of the module documentation.
pub const COLUMNS: [Column; 4] = [
    Column {
        name: "référence de la convention",
        aliases: &["convention", "référence", "n° de convention"],
        required: true,
    },
    Column {
        name: "tranche",
        aliases: &["n° de tranche"],
        required: true,
    },
    Column {
        name: "montant",
        aliases: &["montant versé", "montant payé"],
        required: true,
    },
    Column {
        name: "date de paiement",
        aliases: &["date de versement", "payé le", "versé le"],
        required: true,
    },
];

/// One payment read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRow {
    /// Line of the file (header = 1).
    pub line: usize,
    /// The agreement's reference.
    pub reference: String,
    /// The tranche's label or number.
    pub tranche: String,
    /// Amount paid (cents).
    pub amount: Money,
    /// Value date.
    pub paid_on: Date,
}

/// A file read: its rows, and where its columns are.
#[derive(Debug)]
pub struct PaymentsFile {
    /// The rows, in file order.
    pub rows: Vec<PaymentRow>,
    /// Where each column is.
    pub locator: Locator,
}

impl PaymentsFile {
    /// A refusal of the checks made after parsing (the store's), placed on the file: `row`
    /// is an index into [`rows`](Self::rows) (`None`: the file as a whole), `field` the
    /// field at fault (see [`column_of`]).
    pub fn locate(&self, row: Option<usize>, field: Option<&str>, message: impl Into<String>) -> CellError {
        match row.and_then(|r| self.rows.get(r)) {
            Some(r) => match field.and_then(column_of) {
                Some(c) => self.locator.error(r.line, c, message),
                None => CellError::line(r.line, message),
            },
            None => CellError::line(1, message),
        }
    }
}

/// Reads `bytes` (UTF-8 with or without BOM, or Windows-1252; `;` or `,`). Errors: every
/// faulty line and cell.
pub fn parse(bytes: &[u8]) -> Result<PaymentsFile, SheetErrors> {
    let sheet = Sheet::open(bytes, &COLUMNS)?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for row in sheet.rows() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let text = |c: usize| row.text(c).ok_or_else(|| row.error(c, "valeur obligatoire"));
        let read = (
            text(REFERENCE),
            text(TRANCHE),
            row.parse(AMOUNT, parse_money),
            row.parse(PAID_ON, dates::parse_date),
        );
        match read {
            (Ok(reference), Ok(tranche), Ok(amount), Ok(paid_on)) => rows.push(PaymentRow {
                line: row.line,
                reference,
                tranche,
                amount,
                paid_on,
            }),
            (r, t, a, d) => errors.extend([r.err(), t.err(), a.err(), d.err()].into_iter().flatten()),
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(CellError::line(2, "le fichier ne contient aucun versement"));
    }
    if errors.is_empty() {
        Ok(PaymentsFile {
            rows,
            locator: sheet.locator(),
        })
    } else {
        Err(SheetErrors::sorted(errors))
    }
}

/// The column of a field named by the store's refusal (`reference`, `tranche`,
/// `amount_cents`, `paid_on`).
pub fn column_of(field: &str) -> Option<usize> {
    Some(match field {
        "reference" => REFERENCE,
        "tranche" => TRANCHE,
        "amount_cents" => AMOUNT,
        "paid_on" => PAID_ON,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn an_excel_file_reads_exactly() {
        // Windows-1252: é = 0xE9, € = 0x80, no-break space = 0xA0; CRLF; a blank line.
        let bytes = b"R\xE9f\xE9rence de la convention;Tranche;Montant vers\xE9;Date de paiement\r\n\
            TI-DK-01;1;411\xA0522,64\xA0\x80;15/07/2020\r\n\
            ;;;\r\n\
            ti-bv-01;Tranche 1/2;180\xA0000,00\xA0\x80;1er septembre 2020\r\n";
        let file = parse(bytes).unwrap();
        assert_eq!(
            file.rows,
            vec![
                PaymentRow {
                    line: 2,
                    reference: "TI-DK-01".into(),
                    tranche: "1".into(),
                    amount: Money(41_152_264),
                    paid_on: date!(2020 - 07 - 15),
                },
                PaymentRow {
                    line: 4,
                    reference: "ti-bv-01".into(),
                    tranche: "Tranche 1/2".into(),
                    amount: Money(18_000_000),
                    paid_on: date!(2020 - 09 - 01),
                },
            ]
        );
        assert_eq!(
            file.locator.error(4, column_of("paid_on").unwrap(), "x").to_string(),
            "ligne 4, colonne D (Date de paiement) : x"
        );
    }

    #[test]
    fn bad_cells_are_named() {
        let bytes = "convention;tranche;montant;date de paiement\nTI-1;;10 %;15/07/20\n";
        let shown: Vec<String> = parse(bytes.as_bytes()).unwrap_err().0.iter().map(|e| e.to_string()).collect();
        assert_eq!(shown.len(), 3, "{shown:#?}");
        assert_eq!(shown[0], "ligne 2, colonne B (tranche) : valeur obligatoire");
        assert!(shown[1].starts_with("ligne 2, colonne C (montant) : "));
        assert!(shown[2].starts_with("ligne 2, colonne D (date de paiement) : "));
    }
}
