//! A CSV writer for spreadsheets set to French (LibreOffice Calc, Excel fr), shared by the
//! funding exports (projects, ledger, and later agreements, disbursements, investments).
//!
//! The dialect, and why:
//! - UTF-8 with a byte-order mark: without it Excel reads accents as Windows-1252;
//! - `;` as delimiter: `,` is the French decimal separator;
//! - CRLF line endings, cells quoted only when needed;
//! - amounts as plain decimal numbers in euros with a decimal comma and no thousands
//!   separator (`1234,56`): a spreadsheet reads grouped digits as text;
//! - dates in ISO 8601 (`2026-03-15`), which both spreadsheets recognise as dates;
//! - a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed
//!   with `'` so that a spreadsheet never evaluates it as a formula (OWASP, *CSV
//!   injection*).

use std::io::Write;
use territoires_domain::Money;
use time::Date;

/// One cell of a French CSV row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Free text, written as is (but for the formula guard above).
    Text(String),
    /// An amount in cents, written in euros: `Money(123456)` → `1234,56`.
    Money(Money),
    /// A whole number (persons, counts, sequence numbers): `1234`.
    Integer(i64),
    /// A calendar date, ISO 8601: `2026-03-15`.
    Date(Date),
    /// A measured value (not an amount): decimal comma, no grouping, and no formula guard
    /// (`-1234,5` stays a number for the spreadsheet); a non-finite value is an empty cell.
    Number(f64),
    /// An empty cell (an unknown value: never written `0`).
    Empty,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// The cell as written in the file.
    pub fn render(&self) -> String {
        match self {
            Cell::Text(s) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{s}"),
            Cell::Text(s) => s.clone(),
            Cell::Money(m) => euros(*m),
            Cell::Integer(n) => n.to_string(),
            Cell::Date(d) => {
                let (y, m, day) = (d.year(), u8::from(d.month()), d.day());
                format!("{y:04}-{m:02}-{day:02}")
            }
            Cell::Number(v) if v.is_finite() => v.to_string().replace('.', ","),
            Cell::Number(_) | Cell::Empty => String::new(),
        }
    }
}

impl From<Money> for Cell {
    fn from(m: Money) -> Cell {
        Cell::Money(m)
    }
}

impl From<Date> for Cell {
    fn from(d: Date) -> Cell {
        Cell::Date(d)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

/// `Money(123456)` → `1234,56`; `Money(-150)` → `-1,50`: euros, decimal comma, two
/// decimals, no grouping.
pub fn euros(m: Money) -> String {
    let c = m.cents();
    let sign = if c < 0 { "-" } else { "" };
    let abs = c.unsigned_abs();
    format!("{sign}{},{:02}", abs / 100, abs % 100)
}

/// Writes a French CSV to `out`: the BOM, the `header` line, then each row of `rows` (each
/// as long as the header). Errors: [`csv::Error`] when `out` fails, or when a row's length
/// differs from the header's (nothing after the previous row is written then).
pub fn write<W, R>(mut out: W, header: &[&str], rows: impl IntoIterator<Item = R>) -> Result<(), csv::Error>
where
    W: Write,
    R: AsRef<[Cell]>,
{
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .flexible(false)
        .from_writer(out);
    w.write_record(header)?;
    for row in rows {
        w.write_record(row.as_ref().iter().map(Cell::render))?;
    }
    w.flush()?;
    Ok(())
}

/// [`write()`] into a byte vector, for an HTTP body. Errors: as [`write()`].
pub fn to_bytes<R: AsRef<[Cell]>>(header: &[&str], rows: impl IntoIterator<Item = R>) -> Result<Vec<u8>, csv::Error> {
    let mut out = Vec::new();
    write(&mut out, header, rows)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_file_has_bom_semicolons_crlf_decimal_commas_and_iso_dates() {
        let rows = vec![
            vec![
                Cell::text("Biovallée"),
                Cell::Money(Money(123_456)),
                Cell::Date(date!(2026 - 03 - 15)),
            ],
            vec![Cell::text("a;b \"c\""), Cell::Money(Money(1_500_000_000)), Cell::Empty],
        ];
        let bytes = to_bytes(&["projet", "montant (€)", "date"], &rows).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(
            text,
            "\u{feff}projet;montant (€);date\r\nBiovallée;1234,56;2026-03-15\r\n\"a;b \"\"c\"\"\";15000000,00;\r\n"
        );
    }

    #[test]
    fn amounts_have_no_thousands_separator_and_keep_their_sign() {
        assert_eq!(euros(Money(5)), "0,05");
        assert_eq!(euros(Money(-150)), "-1,50");
        assert_eq!(euros(Money(15_000_000_000)), "150000000,00");
    }

    #[test]
    fn formulas_are_neutralised_and_numbers_are_not() {
        assert_eq!(Cell::text("=1+2").render(), "'=1+2");
        assert_eq!(Cell::text("@SUM(A1)").render(), "'@SUM(A1)");
        assert_eq!(Cell::Money(Money(-100)).render(), "-1,00");
        assert_eq!(Cell::Integer(-3).render(), "-3");
        // A negative measurement stays a number: -1 234,5 is not a formula.
        assert_eq!(Cell::Number(-1234.5).render(), "-1234,5");
        assert_eq!(Cell::Number(0.435).render(), "0,435");
        assert_eq!(Cell::Number(f64::NAN).render(), "");
    }

    #[test]
    fn a_row_of_the_wrong_length_is_an_error() {
        let rows = vec![vec![Cell::Integer(1)]];
        assert!(to_bytes(&["a", "b"], &rows).is_err());
    }
}
