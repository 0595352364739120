//! SCDL *subventions* 2.1.1: our CSV validates with `frictionless validate --schema
//! schema.json` (exit code 0), and the same call fails on the reference's two invalid
//! examples; the runtime checker refuses bad rows naming the column; rows as worked out by hand.

mod common;
mod validators;

use validators::frictionless;

use common::{biovallee, lorient, one_cent};
use std::path::{Path, PathBuf};
use territoires_domain::org_id::Publisher;
use territoires_formats::grant::{ExportError, SubsidyGrant};
use territoires_formats::scdl::{check_row, row, schema, write_scdl, ScdlWriter, COLUMNS};

const SCHEMAS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/scdl-subventions");

fn scdl(grants: &[SubsidyGrant]) -> String {
    String::from_utf8(write_scdl(Vec::new(), &Publisher::caisse_des_depots(), grants).unwrap()).unwrap()
}

fn temp_dir(name: &str, text: &str) -> PathBuf {
    validators::scdl_dir(name, text)
}

#[test]
fn our_export_passes_frictionless() {
    let dir = temp_dir("ours", &scdl(&[biovallee(), lorient(), one_cent()]));
    let (valid, report) = frictionless(&dir, "ours.csv");
    assert!(valid, "{report}");
    // The same call fails when a row breaks the schema (montant with a decimal comma).
    let dir = temp_dir("broken", &scdl(&[lorient()]).replace("1234567.89", "\"1234567,89\""));
    let (valid, _) = frictionless(&dir, "broken.csv");
    assert!(!valid, "a decimal comma passed frictionless");
    std::fs::remove_dir_all(dir.with_file_name(format!("territoires-scdl-{}-ours", std::process::id()))).ok();
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_harness_can_fail_on_the_reference_examples() {
    let dir = Path::new(SCHEMAS);
    let (valid, report) = frictionless(dir, "exemples/exemple_valide.csv");
    assert!(valid, "the valid example: {report}");
    for bad in ["exemple_invalide_erreurs_cellules.csv", "exemple_invalide_erreurs_colonnes.csv"] {
        let (valid, _) = frictionless(dir, &format!("exemples/{bad}"));
        assert!(!valid, "{bad} passed frictionless");
    }
}

#[test]
fn the_runtime_checker_agrees_with_the_reference_examples() {
    let s = schema().unwrap();
    let rows = |name: &str| -> Vec<Vec<String>> {
        let mut r = csv::Reader::from_path(Path::new(SCHEMAS).join("exemples").join(name)).unwrap();
        r.records().map(|rec| rec.unwrap().iter().map(str::to_string).collect()).collect()
    };
    for (i, r) in rows("exemple_valide.csv").iter().enumerate() {
        assert_eq!(s.check_row(r), Ok(()), "valid example, row {}", i + 2);
    }
    let refused = rows("exemple_invalide_erreurs_cellules.csv")
        .iter()
        .filter(|r| s.check_row(r).is_err())
        .count();
    assert!(refused > 0, "the cell-error example passed the runtime checker");
}

#[test]
fn rows_are_as_worked_out_by_hand() {
    let text = scdl(&[biovallee(), lorient(), one_cent()]);
    let expected = "nomAttribuant,idAttribuant,dateConvention,referenceDecision,nomBeneficiaire,idBeneficiaire,rnaBeneficiaire,objet,montant,nature,conditionsVersement,datesPeriodeVersement,idRAE,notificationUE,pourcentageSubvention,dispositifAide\n\
Caisse des Dépôts (Banque des Territoires),18002002600019,2020-01-20,TI-BIOVALLEE-2020-01,Association Biovallée,43218765600017,W261001234,Convention de financement Biovallée : territoire rural de la transition,5700000.00,aide en numéraire,échelonné,2020-03-15/2025-12-31,,non,1.00,\n\
Caisse des Dépôts (Banque des Territoires),18002002600019,2020-07-01,TI-HIT-2020-02,Lorient Agglomération,20004217400017,,\"Handicap Innovation Territoire, première phase\",1234567.89,aide en numéraire,unique,2020-09-01,,oui,1.00,\n\
Caisse des Dépôts (Banque des Territoires),18002002600019,2021-02-28,TI-TEST-0001,Les Amis de la Drôme,,W261009876,Subvention d'un centime,0.01,aide en numéraire,échelonné,2021-03-01/2021-12-01,,non,1.00,\n";
    assert_eq!(text, expected);
    assert_eq!(COLUMNS.len(), 16);
}

#[test]
fn a_fifteen_digit_siret_is_refused_naming_the_column() {
    let g = biovallee();
    let mut cells = row(&g, &Publisher::caisse_des_depots()).unwrap();
    assert_eq!(check_row(&g.reference, &cells).ok(), Some(()));
    cells[5] = "432187656000170".into();
    match check_row(&g.reference, &cells) {
        Err(ExportError::Invalid { reference, field, .. }) => {
            assert_eq!(reference, "TI-BIOVALLEE-2020-01");
            assert_eq!(field, "idBeneficiaire");
        }
        other => panic!("{other:?}"),
    }
    // A 14-digit number whose Luhn key is wrong (last digit 7 → 8).
    cells[5] = "43218765600018".into();
    assert!(matches!(check_row(&g.reference, &cells), Err(ExportError::Invalid { field, .. }) if field == "idBeneficiaire"));
}

fn refused_field(cells_edit: impl Fn(&mut Vec<String>)) -> String {
    let g = lorient();
    let mut cells = row(&g, &Publisher::caisse_des_depots()).unwrap();
    cells_edit(&mut cells);
    match check_row(&g.reference, &cells) {
        Err(ExportError::Invalid { field, .. }) => field,
        other => panic!("{other:?}"),
    }
}

#[test]
fn each_constraint_of_the_schema_is_checked() {
    assert_eq!(refused_field(|c| c[0].clear()), "nomAttribuant");
    assert_eq!(refused_field(|c| c[2] = "2020-02-30".into()), "dateConvention");
    assert_eq!(refused_field(|c| c[6] = "W12345678".into()), "rnaBeneficiaire");
    assert_eq!(refused_field(|c| c[7] = "é".repeat(257)), "objet");
    assert_eq!(refused_field(|c| c[8] = "1234567,89".into()), "montant");
    assert_eq!(refused_field(|c| c[9] = "aide".into()), "nature");
    assert_eq!(refused_field(|c| c[11] = "2020-09-01/".into()), "datesPeriodeVersement");
    assert_eq!(refused_field(|c| c[12] = "123456".into()), "idRAE");
    assert_eq!(refused_field(|c| c[13] = "true".into()), "notificationUE");
    assert_eq!(refused_field(|c| c[14] = "0.005".into()), "pourcentageSubvention");
    assert_eq!(refused_field(|c| c[14] = "1.5".into()), "pourcentageSubvention");
    assert_eq!(refused_field(|c| c[5].clear()), "idBeneficiaire|rnaBeneficiaire");
    // 256 characters exactly are allowed.
    let g = lorient();
    let mut cells = row(&g, &Publisher::caisse_des_depots()).unwrap();
    cells[7] = "é".repeat(256);
    assert_eq!(check_row(&g.reference, &cells).ok(), Some(()));
}

#[test]
fn a_beneficiary_known_by_its_siren_only_is_refused() {
    let mut g = lorient();
    g.beneficiary.siret = None;
    let mut w = ScdlWriter::new(Vec::new(), Publisher::caisse_des_depots()).unwrap();
    let err = w.write(&g).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("TI-HIT-2020-02") && msg.contains("idBeneficiaire") && msg.contains("seul le SIREN"),
        "{msg}"
    );
    // Nothing but the header was written.
    let out = String::from_utf8(w.finish().unwrap()).unwrap();
    assert_eq!(out.lines().count(), 1);
}

#[test]
fn a_title_longer_than_256_characters_is_refused() {
    let mut g = biovallee();
    g.title = "x".repeat(257);
    let mut w = ScdlWriter::new(Vec::new(), Publisher::caisse_des_depots()).unwrap();
    assert!(matches!(w.write(&g), Err(ExportError::Invalid { field, .. }) if field == "objet"));
}
