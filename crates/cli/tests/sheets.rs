//! `territoires import measurements|partners` on files as Excel fr saves them
//! (Windows-1252, CRLF, no-break spaces): dry runs write nothing, errors name line and
//! column, and a faulty file writes nothing.

use std::path::PathBuf;
use std::process::{Command, Output};
use territoires_domain::access::{Email, Role};
use territoires_domain::application::ApplicationId;
use territoires_store::testing::fresh_database_url;
use territoires_store::NewAccount;

const BIN: &str = env!("CARGO_BIN_EXE_territoires");

async fn database() -> String {
    fresh_database_url(std::env::var("TEST_DATABASE_URL").ok().as_deref())
        .await
        .expect("fresh database")
}

fn run(db: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run territoires")
}

fn out(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("territoires-sheets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A store at `db` with the embedded press kit and impacts (through the binary), whose
/// indicator `biovallee.emplois-crees` counts jobs.
async fn with_catalogue(db: &str) -> territoires_store::Store {
    let kit = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/territoires-d-innovation-2019-dossier-de-presse.md");
    let o = run(db, &["import", "press-kit", kit.to_str().unwrap()]);
    assert!(o.status.success(), "{}", out(&o));
    territoires_store::Store::connect(db).await.unwrap()
}

#[tokio::test]
async fn measurements_in_windows_1252_dry_run_then_import() {
    let db = database().await;
    let store = with_catalogue(&db).await;
    let indicator = store
        .indicators(Some("biovallee"))
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.unit == "jobs");
    let Some(indicator) = indicator else {
        panic!("the embedded catalogue has an indicator in jobs for biovallee");
    };
    let code = indicator.code.as_str();
    let period = match indicator.frequency {
        territoires_domain::impact::Frequency::Quarterly => "2024-T4",
        territoires_domain::impact::Frequency::Monthly => "2024-12",
        _ => "2024",
    };
    // « période », « déclarant » (0xE9), « Cœur » (0x9C), 1 120 with 0xA0, CRLF.
    let mut bytes = format!("indicateur;p\u{e9}riode;valeur;d\u{e9}clarant\r\n{code};{period};1\u{a0}120;C\u{153}ur\r\n")
        .chars()
        .map(|c| if c == 'œ' { 0x9C } else { c as u32 as u8 })
        .collect::<Vec<u8>>();
    let file = temp_file("mesures-cp1252.csv", &bytes);
    let o = run(&db, &["import", "measurements", file.to_str().unwrap(), "--dry-run"]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(
        out(&o).contains("(Windows-1252): dry run, 1 measurements would be imported, nothing written"),
        "{}",
        out(&o)
    );
    assert!(out(&o).contains(&format!("ligne 2 : {code} {period} (Cœur)")), "{}", out(&o));
    assert!(store.measurements(code).await.unwrap().is_empty());

    // `12 %` for an indicator in jobs: refused, named, nothing written.
    bytes.extend(format!("{code};{period};12 %;Ville\r\n").as_bytes());
    let file = temp_file("mesures-unite.csv", &bytes);
    let o = run(&db, &["import", "measurements", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(65), "{}", out(&o));
    assert!(
        out(&o).contains("ligne 3, colonne C (valeur) : « 12 % » : unité « % » écrite, mais l'indicateur est en « jobs »"),
        "{}",
        out(&o)
    );
    assert!(store.measurements(code).await.unwrap().is_empty());

    let file = temp_file(
        "mesures-ok.csv",
        &bytes[..bytes.len() - format!("{code};{period};12 %;Ville\r\n").len()],
    );
    let o = run(&db, &["import", "measurements", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", out(&o));
    let stored = store.measurements(code).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].reporter, "Cœur");
    assert_eq!(
        stored[0].observation,
        Some(territoires_domain::impact::Observation::Value { value: 1120.0 })
    );
}

#[tokio::test]
async fn partners_of_an_application_dry_run_errors_and_import() {
    let db = database().await;
    let store = with_catalogue(&db).await;
    territoires_store::testing::open_test_call(&store).await.unwrap();
    let lead = store
        .create_account(
            NewAccount {
                email: Email::parse("porteuse@ville.fr").unwrap(),
                display_name: "Claire Porteuse",
                role: Role::ProjectLead,
                organisation: None,
                password: None,
            },
            "test",
        )
        .await
        .unwrap();
    let draft = store
        .create_draft(territoires_store::testing::TEST_CALL, &lead, "Vallée verte", "", None)
        .await
        .unwrap();
    let id = draft.id.0.to_string();
    let audit = store.verify_audit().await.unwrap().entries;

    // Excel fr « CSV » : ô 0xF4, é 0xE9, ’ 0x92, ÿ 0xFF; CRLF; a SIRET, an RNA.
    let good =
        b"Nom;SIRET;RNA;R\xF4le\r\nCaisse des D\xE9p\xF4ts;180 020 026 00019;;chef de file\r\nL\x92Ha\xFF-les-Roses;;W751234567;\r\n";
    let file = temp_file("partenaires.csv", good);
    let o = run(
        &db,
        &["import", "partners", "--application", &id, file.to_str().unwrap(), "--dry-run"],
    );
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("2 partners would replace the list"), "{}", out(&o));
    assert!(
        out(&o).contains("ligne 2 : Caisse des Dépôts (chef de file, SIREN 180 020 026)"),
        "{}",
        out(&o)
    );
    assert!(
        out(&o).contains("ligne 3 : L’Haÿ-les-Roses (partenaire, RNA W751234567)"),
        "{}",
        out(&o)
    );
    assert!(store.application_partners(ApplicationId(draft.id.0)).await.unwrap().is_empty());
    assert_eq!(store.verify_audit().await.unwrap().entries, audit);

    // Two faults on two lines: both named, nothing written.
    let bad = temp_file("partenaires-faux.csv", b"nom;siren;role\r\nA;180020027;\r\nB;;pr\xE9sident\r\n");
    let o = run(&db, &["import", "partners", "--application", &id, bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(65), "{}", out(&o));
    assert!(
        out(&o).contains("ligne 2, colonne B (siren) : le SIREN « 180020027 » est invalide"),
        "{}",
        out(&o)
    );
    assert!(
        out(&o).contains("ligne 3, colonne C (role) : rôle « président » inconnu"),
        "{}",
        out(&o)
    );
    // An application that does not exist.
    let o = run(&db, &["import", "partners", "--application", "999", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(65), "{}", out(&o));

    let o = run(&db, &["import", "partners", "--application", &id, file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", out(&o));
    let partners = store.application_partners(ApplicationId(draft.id.0)).await.unwrap();
    assert_eq!(partners.len(), 2);
    assert_eq!(partners[1].name, "L’Haÿ-les-Roses");
    assert_eq!(partners[1].rna.as_ref().map(|r| r.as_str()), Some("W751234567"));
    let entries = store.audit_entries().await.unwrap();
    let last = entries.last().unwrap();
    assert_eq!(last.action, "application.partners");
    assert!(last.actor.starts_with("cli"), "{}", last.actor);
    assert_eq!(last.after["partners"][1]["rna"], "W751234567");
}
