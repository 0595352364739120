//! Agreement files as Excel fr writes them (Windows-1252, `;`, CRLF), against the 24
//! projects of the press kit.

use super::*;
use crate::press_kit;
use territoires_domain::funding::agreement::ProjectContext;
use time::macros::date;

fn projects() -> Vec<Project> {
    press_kit::parse(press_kit::EMBEDDED, press_kit::EMBEDDED_FILE).unwrap().projects
}

/// Two agreements; é = 0xE9, É = 0xC9, ’ = 0x92, € = 0x80, no-break space = 0xA0.
pub(crate) const EXCEL: &[u8] = b"R\xE9f\xE9rence;Projet;Objet;B\xE9n\xE9ficiaire;SIRET;Montant;Date de signature;Assiette \xE9ligible;Part de l\x92\xC9tat;Autres financeurs;Tranches\r\n\
TI-DK-01;Dunkerque, l\x92\xC9nergie Cr\xE9ative;Boucles d\x92\xE9nergie;Communaut\xE9 urbaine de Dunkerque;18002002600019;1\xA0234\xA0567,90\xA0\x80;15/06/2020;2\xA0469\xA0135,80\xA0\x80;50\xA0%;CUD (collectivit\xE9) : 1\xA0234\xA0567,90\xA0\x80;3 tranches \xE9gales\r\n\
TI-BV-01;biovallee;Fili\xE8res bio;Biovall\xE9e;215901836;600\xA0000\xA0\x80;1er juillet 2020;1\xA0000\xA0000\xA0\x80;60\xA0%;R\xE9gion (collectivit\xE9) : 250\xA0000\xA0\x80 / Biovall\xE9e (autofinancement) : 150\xA0000\xA0\x80;30\xA0% / 70\xA0%\r\n";

#[test]
fn an_excel_file_reads_exactly() {
    let file = parse(EXCEL, &projects()).unwrap();
    assert_eq!(file.rows.len(), 2);
    let dk = &file.rows[0];
    assert_eq!((dk.line, dk.project_slug.as_str()), (2, "dunkerque-l-energie-creative"));
    assert_eq!(dk.planned_budget, Some(Money(28_800_000_000)));
    assert_eq!(dk.draft.beneficiary_siren.as_deref(), Some("180020026"));
    // The SIRET typed is kept (SCDL publishes it as idBeneficiaire); a SIREN alone gives none.
    assert_eq!(dk.draft.beneficiary_siret.as_deref(), Some("18002002600019"));
    assert_eq!(dk.draft.beneficiary_rna, None);
    assert_eq!(dk.draft.amount, Money(123_456_790));
    assert_eq!(dk.draft.eligible_cost, Money(246_913_580));
    assert_eq!(dk.draft.signed_on, date!(2020 - 06 - 15));
    assert_eq!(dk.draft.cofinancers[0].financer, "CUD");
    assert_eq!(dk.draft.cofinancers[0].kind, FinancerKind::LocalAuthority);
    // 123 456 790 cents in 3: 41 152 263,33… → the first tranche takes the extra cent.
    let terms = dk.draft.clone().check(&ProjectContext::default()).unwrap();
    let amounts: Vec<i64> = terms.tranches.iter().map(|t| t.amount.0).collect();
    assert_eq!(amounts, [41_152_264, 41_152_263, 41_152_263]);
    let dues: Vec<Date> = terms.tranches.iter().map(|t| t.due_on).collect();
    assert_eq!(dues, [date!(2020 - 06 - 15), date!(2021 - 06 - 15), date!(2022 - 06 - 15)]);

    let bv = &file.rows[1];
    assert_eq!((bv.line, bv.project_slug.as_str()), (3, "biovallee"));
    assert_eq!(bv.draft.beneficiary_siret, None);
    assert_eq!(bv.draft.signed_on, date!(2020 - 07 - 01));
    let terms = bv.draft.clone().check(&ProjectContext::default()).unwrap();
    let amounts: Vec<i64> = terms.tranches.iter().map(|t| t.amount.0).collect();
    assert_eq!(amounts, [18_000_000, 42_000_000]);
    assert_eq!(terms.state_share().as_deref(), Some("60,0\u{a0}%"));
    assert_eq!(terms.tranches[1].label, "Tranche 2/2");
}

#[test]
fn every_bad_cell_is_named_by_line_and_column() {
    let bytes = "référence;projet;objet;bénéficiaire;siren;montant;date de signature;part de l'État\n\
        TI-1;Biovallée;Objet;Bénéficiaire;215901837;1 000 €;31/02/2020;\n\
        TI-2;Atlantis;Objet;Bénéficiaire;;12,345 €;01/03/2020;\n\
        TI-3;biovallee;Objet;Bénéficiaire;;600 000 €;01/03/2020;50 %\n";
    let errors = parse(bytes.as_bytes(), &projects()).unwrap_err().0;
    let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(shown.len(), 5, "{shown:#?}");
    assert!(shown[0].starts_with("ligne 2, colonne E (siren) : "), "{}", shown[0]);
    assert!(shown[1].starts_with("ligne 2, colonne G (date de signature) : "), "{}", shown[1]);
    assert!(shown[2].starts_with("ligne 3, colonne B (projet) : « Atlantis »"), "{}", shown[2]);
    assert!(shown[3].starts_with("ligne 3, colonne F (montant) : "), "{}", shown[3]);
    // No assiette: the State pays all of it, 100 %, not 50 %.
    assert!(shown[4].starts_with("ligne 4, colonne H (part de l'État) : "), "{}", shown[4]);
    assert!(shown[4].ends_with("soit 100,0\u{a0}%"), "{}", shown[4]);
}

#[test]
fn store_fields_map_back_to_columns() {
    assert_eq!(column_of("reference"), Some(REFERENCE));
    assert_eq!(column_of("tranches[1].due_on"), Some(TRANCHES));
    assert_eq!(column_of("cofinancers[0].amount_cents"), Some(COFINANCERS));
    assert_eq!(column_of("amount_cents"), Some(AMOUNT));
    assert_eq!(column_of("who-knows"), None);
}

#[test]
fn tranches_in_amounts_and_a_financer_without_its_kind() {
    // UTF-8 with a BOM, `,` as Excel en writes it; tranches in amounts, due yearly.
    let ok = "\u{feff}référence,projet,objet,bénéficiaire,montant,date de signature,tranches\r\n\
        TI-9,Vitirev,Objet,Bénéficiaire,\"1 000 000 €\",29/02/2020,\"400 000 € / 600 000 €\"\r\n";
    let file = parse(ok.as_bytes(), &projects()).unwrap();
    let terms = file.rows[0].draft.clone().check(&ProjectContext::default()).unwrap();
    let amounts: Vec<i64> = terms.tranches.iter().map(|t| t.amount.0).collect();
    assert_eq!(amounts, [40_000_000, 60_000_000]);
    // 29 February 2020 + 1 year: the 28th (2021 has no 29 February).
    assert_eq!(terms.tranches[1].due_on, date!(2021 - 02 - 28));
    let bad = "référence;projet;objet;bénéficiaire;montant;date de signature;assiette éligible;autres financeurs\n\
        TI-9;Vitirev;Objet;Bénéficiaire;600 000 €;01/03/2020;1 000 000 €;Région : 400 000 €\n";
    let shown = parse(bad.as_bytes(), &projects()).unwrap_err().to_string();
    assert!(
        shown.starts_with("ligne 2, colonne H (autres financeurs) : « Région » : le type"),
        "{shown}"
    );
}

#[test]
fn an_rna_column_is_read_and_checked() {
    let bytes = "référence;projet;objet;bénéficiaire;montant;date de signature;RNA\n\
        TI-1;biovallee;Objet;Association Biovallée;1 000 €;01/03/2020;w26 100 1234\n\
        TI-2;biovallee;Objet;Association;1 000 €;01/03/2020;W2610012\n";
    let errors = parse(bytes.as_bytes(), &projects()).unwrap_err().0;
    assert_eq!(errors.len(), 1);
    assert!(errors[0].to_string().starts_with("ligne 3, colonne G (RNA) : "), "{}", errors[0]);
    let ok = parse(bytes.lines().take(2).collect::<Vec<_>>().join("\n").as_bytes(), &projects()).unwrap();
    assert_eq!(ok.rows[0].draft.beneficiary_rna.as_deref(), Some("W261001234"));
}
