//! Partner lists as Excel fr and LibreOffice save them.

use super::*;

#[test]
fn windows_1252_siret_rna_and_typographic_apostrophe() {
    // Excel fr « CSV » : ô 0xF4, é 0xE9, ’ 0x92, ÿ 0xFF, œ 0x9C; CRLF.
    let bytes = b"Nom;SIRET;RNA;R\xF4le\r\n\
        Caisse des D\xE9p\xF4ts;180 020 026 00019;;Chef de file\r\n\
        L\x92Ha\xFF-les-Roses;;;partenaire\r\n\
        Association C\x9Cur;;w75 1234 567;\r\n";
    let file = parse(bytes).unwrap();
    assert_eq!(file.encoding, Encoding::Windows1252);
    let lines: Vec<usize> = file.partners.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, vec![2, 3, 4]);
    let p: Vec<&Partner> = file.partners.iter().map(|(_, p)| p).collect();
    assert_eq!(p[0].name, "Caisse des Dépôts");
    // The SIRET's first nine digits.
    assert_eq!(p[0].siren.as_ref().map(Siren::as_str), Some("180020026"));
    assert_eq!(p[0].role, PartnerRole::Lead);
    assert_eq!(p[1].name, "L’Haÿ-les-Roses");
    assert_eq!((p[1].siren.clone(), p[1].role), (None, PartnerRole::Partner));
    assert_eq!(p[2].name, "Association Cœur");
    assert_eq!(p[2].rna.as_ref().map(Rna::as_str), Some("W751234567"));
}

#[test]
fn every_error_with_line_and_column() {
    let file = "nom,siren,rna,role\n\
                L'Haÿ-les-Roses,130025265,,chef de file\n\
                L’Hay\u{308}-les-Roses,,,\n\
                Autre,180020027,,\n\
                Encore,\"1,8002E+13\",,\n\
                Deux,130 025 265,W12,chef de file\n\
                ,,,\n \
                ,,,partenaire\n\
                X,,,président\n";
    let shown: Vec<String> = parse(file.as_bytes()).unwrap_err().0.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        shown,
        vec![
            "ligne 3, colonne A (nom) : « L’Haÿ-les-Roses » figure déjà ligne 2",
            "ligne 4, colonne B (siren) : le SIREN « 180020027 » est invalide : sa clé de contrôle (formule de Luhn) ne correspond pas",
            "ligne 5, colonne B (siren) : « 1,8002E+13 » : le tableur a converti le numéro en nombre (notation scientifique) ; mettez la colonne au format texte et saisissez à nouveau les numéros",
            "ligne 6, colonne B (siren) : le SIREN 130 025 265 figure déjà ligne 2",
            "ligne 6, colonne C (rna) : « W12 » n'est pas un numéro RNA : un W suivi de 9 chiffres est attendu (W751234567)",
            "ligne 6, colonne D (role) : un seul chef de file par candidature (déjà ligne 2)",
            "ligne 8, colonne A (nom) : le nom du partenaire est obligatoire",
            "ligne 9, colonne D (role) : rôle « président » inconnu (chef de file ou partenaire)",
        ]
    );
}

#[test]
fn header_aliases_and_problems() {
    let file = parse("Raison sociale;SIREN ou SIRET\nDINUM;130025265\n".as_bytes()).unwrap();
    assert_eq!(file.partners[0].1.siren.as_ref().map(Siren::as_str), Some("130025265"));
    let shown = parse(b"siren;role\n").unwrap_err().to_string();
    assert_eq!(shown, "ligne 1 : colonne obligatoire « nom » absente");
    let bad_siret = parse("nom;siret\nA;18002002600018\n".as_bytes()).unwrap_err().to_string();
    assert!(
        bad_siret.starts_with("ligne 2, colonne B (siret) : le SIRET « 18002002600018 » est invalide"),
        "{bad_siret}"
    );
}

#[test]
fn too_many_partners() {
    let mut file = String::from("nom\n");
    for i in 0..=MAX_PARTNERS {
        file.push_str(&format!("Partenaire {i}\n"));
    }
    let shown = parse(file.as_bytes()).unwrap_err().to_string();
    assert_eq!(
        shown,
        format!("ligne 1 : le fichier compte 101 partenaires ; {MAX_PARTNERS} au plus")
    );
}
