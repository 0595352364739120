//! The toolkit on whole files, written as Excel fr saves them.

use super::numbers::{parse_money, parse_percent};
use super::*;
use territoires_domain::Money;
use time::macros::date;

const COLUMNS: [Column; 4] = [
    Column {
        name: "bénéficiaire",
        aliases: &["beneficiaire", "nom"],
        required: true,
    },
    Column {
        name: "montant",
        aliases: &[],
        required: true,
    },
    Column {
        name: "date",
        aliases: &[],
        required: false,
    },
    Column {
        name: "taux",
        aliases: &[],
        required: false,
    },
];

/// A line read: file line, name, amount, date.
type Line = (usize, String, Money, Option<time::Date>);

/// What a tiny importer makes of each line, or every error.
fn read(bytes: &[u8]) -> Result<Vec<Line>, SheetErrors> {
    let sheet = Sheet::open(bytes, &COLUMNS)?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for row in sheet.rows() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let amount = row.parse(1, parse_money);
        let date = row.parse_optional(2, dates::parse_date);
        let rate = row.parse_optional(3, parse_percent);
        match (amount, date, rate) {
            (Ok(a), Ok(d), Ok(_)) => out.push((row.line, names::clean_name(row.cell(0)), a, d)),
            (a, d, r) => errors.extend([a.err(), d.err(), r.err()].into_iter().flatten()),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(SheetErrors::sorted(errors))
    }
}

#[test]
fn windows_1252_semicolons_crlf() {
    // « Bénéficiaire;Montant;Date;Taux » then two rows, as Excel fr « CSV (séparateur :
    // point-virgule) » writes them: é is 0xE9, œ 0x9C, € 0x80, no-break space 0xA0.
    let bytes = b"B\xE9n\xE9ficiaire;Montant;Date;Taux\r\n\
        C\x9Cur d'Essonne;1\xA0234,56\xA0\x80;31/12/2024;12,5 %\r\n\
        L\x92Ha\xFF-les-Roses;12 210 000;1er janvier 2025;\r\n";
    let sheet = Sheet::open(bytes, &COLUMNS).unwrap();
    assert_eq!(sheet.encoding, Encoding::Windows1252);
    assert_eq!(sheet.delimiter, b';');
    let rows = read(bytes).unwrap();
    assert_eq!(
        rows,
        vec![
            (2, "Cœur d’Essonne".to_owned(), Money(123_456), Some(date!(2024 - 12 - 31))),
            (3, "L’Haÿ-les-Roses".to_owned(), Money(1_221_000_000), Some(date!(2025 - 01 - 01))),
        ]
    );
}

#[test]
fn utf8_bom_commas_quotes_and_any_order() {
    let file = "\u{feff}Montant,NOM\r\n\"1\u{202f}500,25\",Ville de Valence\r\n,\r\n40,\"Ville, Métropole\"\r\n";
    let sheet = Sheet::open(file.as_bytes(), &COLUMNS).unwrap();
    assert_eq!((sheet.encoding, sheet.delimiter), (Encoding::Utf8Bom, b','));
    let rows = read(file.as_bytes()).unwrap();
    assert_eq!(rows.len(), 2, "the blank line is skipped");
    assert_eq!(rows[0], (2, "Ville de Valence".to_owned(), Money(150_025), None));
    assert_eq!(rows[1], (4, "Ville, Métropole".to_owned(), Money(4000), None));
}

#[test]
fn every_error_with_line_letter_and_header() {
    let file = "Nom;Montant;Date;Taux\n\
                A;100;31/12/2024;5\n\
                B;;31/02/2025;12 €\n\
                C;1.000;;\n\
                D;12,5 %;2024-12-31;\n\
                E;1;2;3;4\n";
    let shown: Vec<String> = read(file.as_bytes()).unwrap_err().0.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        shown,
        vec![
            "ligne 3, colonne B (Montant) : valeur obligatoire (une cellule vide ne vaut pas 0)",
            "ligne 3, colonne C (Date) : « 31/02/2025 » : cette date n'existe pas",
            "ligne 3, colonne D (Taux) : « 12 € » : unité « € » dans une colonne en « % »",
            "ligne 4, colonne B (Montant) : « 1.000 » est ambigu (mille ou un ?) : écrivez 1000 ou 1 000 pour mille, 1,000 pour un",
            "ligne 5, colonne B (Montant) : « 12,5 % » : unité « % » dans une colonne en « € »",
            "ligne 6 : 5 cellules pour 4 colonnes",
        ]
    );
}

#[test]
fn header_problems_all_reported() {
    let shown = Sheet::open("Nom;Montnat;nom\n".as_bytes(), &COLUMNS).unwrap_err().to_string();
    assert_eq!(
        shown,
        "ligne 1, colonne B (Montnat) : colonne inconnue ; colonnes reconnues : bénéficiaire, montant, date, taux\n\
         ligne 1, colonne C (nom) : colonne en double\n\
         ligne 1 : colonne obligatoire « montant » absente"
    );
    assert!(Sheet::open(b"", &COLUMNS).is_err());
    assert!(Sheet::open(b"\r\nnom;montant\r\n", &COLUMNS).is_err());
}

#[test]
fn headers_match_without_accents_case_or_spaces() {
    let sheet = Sheet::open(" BENEFICIAIRE ; montant ;".as_bytes(), &COLUMNS).unwrap();
    assert!(sheet.has(0) && sheet.has(1) && !sheet.has(2));
}

#[test]
fn locator_names_the_cell_after_the_file_is_closed() {
    // Columns in another order than the importer's: `montant` is the file's column C.
    let locator = Sheet::open(b"date;nom;montant\n", &COLUMNS).unwrap().locator();
    assert_eq!(
        locator.error(4, 1, "plafond d\u{e9}pass\u{e9}").to_string(),
        "ligne 4, colonne C (montant) : plafond d\u{e9}pass\u{e9}"
    );
    // `taux` is not in the file: the line alone.
    assert_eq!(locator.error(4, 3, "x").to_string(), "ligne 4 : x");
}

#[test]
fn an_unclosed_quote_is_refused_at_its_cell_not_read_to_the_end() {
    // Without the check, lines 3 and 4 would silently become part of line 2's `date`.
    let bytes = "nom;montant;date\nA;1 €;\"sans fin\nB;2 €;01/01/2020\nC;3 €;01/01/2020\n";
    let Err(errors) = Sheet::open(bytes.as_bytes(), &COLUMNS) else {
        panic!("an unclosed quote must be refused")
    };
    let errors = errors.0;
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]
            .to_string()
            .starts_with("ligne 2, colonne C (date) : guillemet ouvert et jamais refermé"),
        "{}",
        errors[0]
    );
    // Quotes that close, doubled quotes and a quote inside an unquoted cell are fine.
    let ok = "nom;montant;date\n\"Dupont \"\"fils\"\"\";1 €;\"01/01/2020\"\nL\"Haÿ;2 €;\"sur\ndeux lignes\"\n";
    assert!(Sheet::open(ok.as_bytes(), &COLUMNS).is_ok());
}
