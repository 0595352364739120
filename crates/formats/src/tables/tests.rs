use super::agreements::AgreementRow;
use super::disbursements::DisbursementRow;
use super::*;
use territoires_domain::Money;
use time::macros::date;

fn payment(id: i64, cents: i64) -> DisbursementRow {
    DisbursementRow {
        id,
        agreement: "TI-2020-001".into(),
        project: "biovallee".into(),
        beneficiary: "=Communauté de communes".into(),
        beneficiary_siren: Some("200040459".into()),
        tranche: "Tranche 1".into(),
        amount: Money(cents),
        paid_on: date!(2021 - 06 - 30),
    }
}

#[test]
fn a_csv_has_the_french_dialect_and_one_line_per_row() {
    let mut out = Vec::new();
    write_csv(&mut out, [Ok::<_, String>(payment(1, 12_345_678)), Ok(payment(2, 5))]).unwrap();
    let text = String::from_utf8(out).unwrap();
    // Written by hand from the dialect: BOM, `;`, CRLF, euros with a decimal comma, the
    // formula guard on a text starting with `=`.
    assert_eq!(
        text,
        "\u{feff}identifiant;convention;projet;bénéficiaire;SIREN du bénéficiaire;tranche;montant versé (€);date de paiement\r\n\
         1;TI-2020-001;biovallee;'=Communauté de communes;200040459;Tranche 1;123456,78;2021-06-30\r\n\
         2;TI-2020-001;biovallee;'=Communauté de communes;200040459;Tranche 1;0,05;2021-06-30\r\n"
    );
}

#[test]
fn a_json_array_is_written_element_by_element_with_cents_and_iso_dates() {
    let mut out = Vec::new();
    write_json(&mut out, [Ok::<_, String>(payment(1, 12_345_678)), Ok(payment(2, 5))]).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[0]["amount"], 12_345_678);
    assert_eq!(v[0]["paid_on"], "2021-06-30");
    assert_eq!(v[1]["id"], 2);
    let mut empty = Vec::new();
    write_json(&mut empty, std::iter::empty::<Result<DisbursementRow, String>>()).unwrap();
    assert_eq!(String::from_utf8(empty).unwrap(), "[\n]\n");
}

#[test]
fn an_invalid_record_stops_the_export_naming_record_and_field() {
    let mut out = Vec::new();
    let err = write_csv(&mut out, [Ok::<_, String>(payment(1, 100)), Ok(payment(7, -100))]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "versement n° 7, champ « montant versé (€) » : -100 centimes : un versement est positif"
    );
    let mut bad = payment(3, 100);
    bad.beneficiary_siren = Some("123".into());
    let err = write_json(Vec::new(), [Ok::<_, String>(bad)]).unwrap_err();
    assert!(
        err.to_string().starts_with("versement n° 3, champ « SIREN du bénéficiaire »"),
        "{err}"
    );
}

#[test]
fn a_failing_source_stops_the_export() {
    let rows = [Ok(payment(1, 100)), Err("connexion perdue".to_owned())];
    let err = write_json(Vec::new(), rows).unwrap_err();
    assert_eq!(err.to_string(), "lecture des données impossible : connexion perdue");
}

#[test]
fn the_state_share_is_in_basis_points_rounded_half_up() {
    // 600 000 € of 1 000 000 € = 60 %; 1 of 3 = 33,333… % → 3333; 2 of 3 → 6667.
    assert_eq!(AgreementRow::share_bp(Money(60_000_000), Money(100_000_000)), Some(6000));
    assert_eq!(AgreementRow::share_bp(Money(1), Money(3)), Some(3333));
    assert_eq!(AgreementRow::share_bp(Money(2), Money(3)), Some(6667));
    assert_eq!(AgreementRow::share_bp(Money(1), Money(0)), None);
}

#[test]
fn numbers_have_a_decimal_comma() {
    assert_eq!(number(Some(1234.5)).render(), "1234,5");
    assert_eq!(number(Some(80.0)).render(), "80");
    assert_eq!(number(None).render(), "");
}
