//! The `territoires` binary as a user runs it, on the backend named by
//! `TEST_DATABASE_URL` (a fresh SQLite file when unset): exit codes, messages, and that a
//! failed import writes nothing.

use std::path::PathBuf;
use std::process::{Command, Output};
use territoires_store::testing::fresh_database_url;

const BIN: &str = env!("CARGO_BIN_EXE_territoires");

fn press_kit() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/territoires-d-innovation-2019-dossier-de-presse.md")
}

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

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test]
async fn importing_twice_changes_nothing() {
    let db = database().await;
    let kit = press_kit();
    let first = run(&db, &["import", "press-kit", kit.to_str().unwrap()]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("24 projects read; 24 inserted, 0 updated, 0 unchanged; programme written"),
        "{}",
        stdout(&first)
    );
    let second = run(&db, &["import", "press-kit", kit.to_str().unwrap()]);
    assert!(second.status.success());
    assert!(
        stdout(&second).contains("24 projects read; 0 inserted, 0 updated, 24 unchanged; programme unchanged"),
        "{}",
        stdout(&second)
    );
}

#[tokio::test]
async fn a_malformed_fiche_names_file_line_and_field_and_writes_nothing() {
    let db = database().await;
    let dir = std::env::temp_dir().join(format!("territoires-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(press_kit()).unwrap();
    // Biovallée's population (line 265 of the document) made unreadable.
    let bad = text.replacen("56 000 personnes concernées", "56 0OO personnes concernées", 1);
    assert_ne!(bad, text);
    let file = dir.join("bad.md");
    std::fs::write(&file, bad).unwrap();
    let out = run(&db, &["import", "press-kit", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(65), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("bad.md:265"), "file and line in {err}");
    assert!(err.contains("population"), "field in {err}");
    assert!(err.contains("nothing was imported"), "{err}");
    // Nothing written: the database has no programme, so `check` imports the embedded one.
    let store = territoires_store::Store::connect(&db).await.unwrap();
    assert!(store.load_registry().await.unwrap().is_none());
}

#[tokio::test]
async fn a_missing_file_is_an_io_error() {
    let db = database().await;
    let out = run(&db, &["import", "press-kit", "/nonexistent/kit.md"]);
    assert_eq!(out.status.code(), Some(74));
    assert!(stderr(&out).contains("/nonexistent/kit.md"));
}

#[tokio::test]
async fn check_reports_the_exceeded_envelopes_with_exit_code_3() {
    let db = database().await;
    let out = run(&db, &["check"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let text = stdout(&out);
    // Subsidy ceilings of the 24 fiches add to 151,15 M€ against a 150 M€ envelope.
    assert!(
        text.contains("[Plafond dépassé] Montants prévus de subvention et enveloppe de subventions"),
        "{text}"
    );
    assert!(text.contains("151,15\u{a0}M€"), "{text}");
    assert!(text.contains("+1,15\u{a0}M€"), "{text}");
    // Le Havre's fiche has no budget line.
    assert!(
        text.contains("[Donnée manquante] Budget prévisionnel de « Le Havre Smart Port City »"),
        "{text}"
    );
}

#[tokio::test]
async fn export_csv_has_a_bom_a_header_and_24_rows() {
    let db = database().await;
    let out = run(&db, &["export", "projects", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for spreadsheets");
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 25, "header + 24 projects");
    assert!(
        text.contains(";5700000,00;12800000,00"),
        "Biovallée's ceiling and potential in euros with a decimal comma"
    );
}

#[tokio::test]
async fn unknown_subcommand_is_a_usage_error() {
    let out = Command::new(BIN).arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("territoires-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, bytes).unwrap();
    file
}

#[tokio::test]
async fn a_renamed_fiche_is_refused_unless_absent_projects_are_removed() {
    let db = database().await;
    let kit = press_kit();
    assert!(run(&db, &["import", "press-kit", kit.to_str().unwrap()]).status.success());
    let text = std::fs::read_to_string(&kit).unwrap();
    let renamed = temp_file("renamed.md", text.replacen("\n# VILAGIL\n", "\n# VILAGIL TOULOUSE\n", 1).as_bytes());
    let out = run(&db, &["import", "press-kit", renamed.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(65), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("stored projects have no fiche in this file: vilagil"),
        "{}",
        stderr(&out)
    );
    let store = territoires_store::Store::connect(&db).await.unwrap();
    let slugs: Vec<String> = store
        .load_registry()
        .await
        .unwrap()
        .unwrap()
        .projects
        .into_iter()
        .map(|p| p.slug)
        .collect();
    assert!(
        slugs.contains(&"vilagil".to_string()) && !slugs.contains(&"vilagil-toulouse".to_string()),
        "nothing written"
    );
    let out = run(&db, &["import", "press-kit", renamed.to_str().unwrap(), "--remove-absent"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("1 inserted, 0 updated, 23 unchanged"), "{}", stdout(&out));
    assert!(stdout(&out).contains("removed, absent from this file: vilagil"), "{}", stdout(&out));
}

#[tokio::test]
async fn a_windows_1252_file_is_malformed_input_with_its_line() {
    let db = database().await;
    // « Île » written in Windows-1252 (0xCE) on line 3.
    let file = temp_file("cp1252.md", b"# TERRITOIRES\n\n\xCEle-de-France\n");
    let out = run(&db, &["import", "press-kit", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(65));
    assert!(stderr(&out).contains("cp1252.md:3: byte 15 is not UTF-8"), "{}", stderr(&out));
}

#[tokio::test]
async fn export_into_a_missing_directory_names_it() {
    let db = database().await;
    let out = run(&db, &["export", "projects", "--out", "/nonexistent-dir/sub/x.csv"]);
    assert_eq!(out.status.code(), Some(74));
    assert!(stderr(&out).contains("/nonexistent-dir/sub: no such directory"), "{}", stderr(&out));
}

#[test]
fn an_unsupported_database_url_is_a_configuration_error_with_the_password_masked() {
    let out = run("mysql://user:s3cret@127.0.0.1/db", &["check"]);
    assert_eq!(out.status.code(), Some(78));
    assert!(stderr(&out).contains("mysql://user:***@127.0.0.1/db"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("s3cret"));
}

#[tokio::test]
async fn the_first_administrator_is_created_from_the_cli() {
    let db = database().await;
    let create = |password: &str| {
        Command::new(BIN)
            .args(["account", "create-admin", "--email", "anne@example.fr", "--name", "Anne Martin"])
            .env("DATABASE_URL", &db)
            .env("TERRITOIRES_ADMIN_PASSWORD", password)
            .output()
            .unwrap()
    };
    let out = create("correct horse battery");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("administrateur créé : anne@example.fr"), "{}", stdout(&out));
    assert!(
        !stdout(&out).contains("correct horse") && !stderr(&out).contains("correct horse"),
        "the password is never printed"
    );
    let again = create("another long password");
    assert_eq!(again.status.code(), Some(65));
    assert!(stderr(&again).contains("already uses anne@example.fr"), "{}", stderr(&again));
    let store = territoires_store::Store::connect(&db).await.unwrap();
    let email = territoires_domain::access::Email::parse("anne@example.fr").unwrap();
    let account = store
        .verify_password(&email, "correct horse battery")
        .await
        .unwrap()
        .expect("signs in");
    assert_eq!(account.role, territoires_domain::access::Role::OperatorAdmin);
}

#[tokio::test]
async fn a_short_password_or_a_bad_e_mail_creates_nothing() {
    let db = database().await;
    let run_with = |email: &str, password: &str| {
        Command::new(BIN)
            .args(["account", "create-admin", "--email", email])
            .env("DATABASE_URL", &db)
            .env("TERRITOIRES_ADMIN_PASSWORD", password)
            .output()
            .unwrap()
    };
    let short = run_with("anne@example.fr", "short");
    assert_eq!(short.status.code(), Some(65));
    assert!(stderr(&short).contains("at least 12 characters"), "{}", stderr(&short));
    let bad = run_with("anne.example.fr", "correct horse battery");
    assert_eq!(bad.status.code(), Some(65));
    assert!(stderr(&bad).contains("invalid e-mail address"), "{}", stderr(&bad));
    let store = territoires_store::Store::connect(&db).await.unwrap();
    assert!(store.accounts().await.unwrap().is_empty());
}

// ---- The audit trail ----

#[tokio::test]
async fn audit_verify_passes_after_imports_and_export_gives_one_line_per_entry() {
    let db = database().await;
    let kit = press_kit();
    let out = Command::new(BIN)
        .args(["import", "press-kit", kit.to_str().unwrap()])
        .env("DATABASE_URL", &db)
        .env("RUST_LOG", "warn")
        .env("USER", "alice")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        run(&db, &["import", "press-kit", kit.to_str().unwrap()]).status.success(),
        "no-op import"
    );
    let verify = run(&db, &["audit", "verify"]);
    assert_eq!(verify.status.code(), Some(0), "{}{}", stdout(&verify), stderr(&verify));
    assert!(
        // The press kit, then the structured impacts imported with it; the no-op import
        // adds nothing.
        stdout(&verify).contains("audit trail: 2 entries, chain intact"),
        "{}",
        stdout(&verify)
    );

    let export = run(&db, &["audit", "export"]);
    assert!(export.status.success(), "{}", stderr(&export));
    let text = stdout(&export);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "one JSON line per entry: {text}");
    let impacts: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(
        (impacts["seq"].as_i64(), impacts["action"].as_str()),
        (Some(2), Some("impact.catalogue"))
    );
    let entry: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(entry["seq"], 1);
    assert_eq!(entry["actor"], "cli:alice");
    assert_eq!(entry["action"], "registry.import");
    assert_eq!(entry["after"]["counts"]["inserted"], 24);
    assert_eq!(entry["hash"].as_str().map(str::len), Some(64));
    assert!(!text.to_lowercase().contains("password"), "{text}");

    let file = std::env::temp_dir().join(format!("territoires-cli-{}-audit.jsonl", std::process::id()));
    let out = run(&db, &["audit", "export", "--out", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "same lines in the file");
}

#[tokio::test]
async fn audit_verify_names_the_seq_of_an_entry_edited_in_the_database() {
    let db = database().await;
    // `check` on an empty database imports the embedded press kit: entry 1.
    run(&db, &["check"]);
    let store = territoires_store::Store::connect(&db).await.unwrap();
    let edited = territoires_store::testing::execute(&store, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1")
        .await
        .unwrap();
    assert_eq!(edited, 1);
    let out = run(&db, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("seq 1: edited"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("chain intact"), "{}", stdout(&out));
}

/// Without the `smtp` feature, asking for SMTP notifications is a configuration error
/// (exit 78) that never prints the password, rather than a silent fallback to the log.
#[cfg(not(feature = "smtp"))]
#[tokio::test]
async fn smtp_asked_of_a_build_without_it_is_a_configuration_error() {
    let db = database().await;
    let o = Command::new(BIN)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", &db)
        .env("RUST_LOG", "warn")
        .env("TERRITOIRES_SMTP_URL", "smtps://anne:s3cr3t@smtp.example.fr:465")
        .env("TERRITOIRES_MAIL_FROM", "noreply@example.fr")
        .output()
        .expect("run territoires");
    assert_eq!(o.status.code(), Some(78), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("--features smtp") && err.contains("anne:***@smtp.example.fr"), "{err}");
    assert!(!err.contains("s3cr3t") && !stdout(&o).contains("s3cr3t"));
}

/// A store at `db` holding one quarterly cumulative indicator `vallee.emplois` of project
/// `vallee`, in jobs.
async fn with_jobs_indicator(db: &str) -> territoires_store::Store {
    use territoires_domain::impact::{catalogue::Catalogue, Direction, Frequency, Indicator, IndicatorKind, Temporality};
    let store = territoires_store::Store::connect(db).await.unwrap();
    let indicator = Indicator {
        code: "vallee.emplois".to_owned(),
        project: Some("vallee".to_owned()),
        name: "Emplois créés".to_owned(),
        definition: "Emplois directs créés depuis 2020.".to_owned(),
        unit: "jobs".to_owned(),
        kind: IndicatorKind::Quantity,
        direction: Direction::Increase,
        temporality: Temporality::Cumulative,
        baseline: None,
        targets: vec![],
        data_source: "Registre".to_owned(),
        method: "Comptage".to_owned(),
        frequency: Frequency::Quarterly,
        responsible: "Ville".to_owned(),
        version: 1,
    };
    let catalogue = Catalogue {
        indicators: vec![indicator],
        ..Catalogue::default()
    };
    store.replace_catalogue(&catalogue, "test").await.unwrap();
    store
}

#[tokio::test]
async fn measurements_import_all_or_nothing_with_the_faulty_lines() {
    let db = database().await;
    let store = with_jobs_indicator(&db).await;
    // Line 3 is not a number, line 4 a month for a quarterly indicator (caught by the store
    // once the file parses).
    let bad = temp_file(
        "mesures-faux.csv",
        "\u{feff}indicateur;période;valeur;déclarant\nvallee.emplois;2025-T1;120;P1\nvallee.emplois;2025-T2;12,5,3;P1\n".as_bytes(),
    );
    let out = run(&db, &["import", "measurements", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(65), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("ligne 3, colonne C (valeur) : « 12,5,3 » n'est pas un nombre"),
        "{}",
        stderr(&out)
    );
    let month = temp_file(
        "mesures-mois.csv",
        "indicateur;période;valeur;déclarant\nvallee.emplois;2025-T1;120;P1\nvallee.emplois;2025-03;1 234,5;P1\n".as_bytes(),
    );
    let out = run(&db, &["import", "measurements", month.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(65), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("ligne 3 : période : « 2025-03 » ne convient pas"),
        "{}",
        stderr(&out)
    );
    assert!(store.measurements("vallee.emplois").await.unwrap().is_empty());

    let good = temp_file(
        "mesures.csv",
        "indicateur,période,valeur,déclarant\nvallee.emplois,2025-T1,120,P1\nvallee.emplois,2025-T2,\"1\u{a0}234,5\",P2\n".as_bytes(),
    );
    let out = run(&db, &["import", "measurements", good.to_str().unwrap(), "--status", "submitted"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("2 measurements imported (submitted for review)"),
        "{}",
        stdout(&out)
    );
    let stored = store.measurements("vallee.emplois").await.unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(
        stored[1].observation,
        Some(territoires_domain::impact::Observation::Value { value: 1234.5 })
    );
    assert_eq!(stored[1].status, territoires_domain::impact::MeasurementStatus::Submitted);
    assert!(stored[1].submitted_by.starts_with("cli"));
}

#[test]
fn impacts_report_needs_no_database() {
    // A database URL that cannot be opened: the report must not touch it.
    let o = run("postgres://nobody@127.0.0.1:1/none", &["impacts", "report"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // 110 sentences in the 24 fiches; 81 structured into 97 indicators (counted by hand in
    // data/impacts-2030.toml).
    assert!(out.starts_with("81 impacts structurés sur 110 (97 indicateurs)\n"), "{out}");
    assert!(
        out.contains("le-havre-smart-port-city n° 1 : ambition d'image sans mesure"),
        "{out}"
    );
    let o = run("postgres://nobody@127.0.0.1:1/none", &["impacts", "report", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(json["structured"], 81);
    assert_eq!(json["qualitative"].as_array().map(Vec::len), Some(29));
}

#[tokio::test]
async fn import_impacts_checks_the_file_against_the_fiches_and_versions_changes() {
    let db = database().await;
    let kit = press_kit();
    assert!(run(&db, &["import", "press-kit", kit.to_str().unwrap()]).status.success());
    // The press kit's import brought the embedded impacts; importing them again changes nothing.
    let again = run(&db, &["import", "impacts"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("81 of 110 impacts structured into 97 indicators; 0 inserted, 0 new versions, 97 unchanged"),
        "{}",
        stdout(&again)
    );
    // A file whose sentence no longer matches its fiche fails, naming it, and writes nothing.
    let edited = territoires_formats::impacts::EMBEDDED.replacen("Créer 1 000 emplois ;", "Créer 2 000 emplois ;", 1);
    let file = std::env::temp_dir().join(format!("territoires-cli-{}-impacts.toml", std::process::id()));
    std::fs::write(&file, edited).unwrap();
    let bad = run(&db, &["import", "impacts", file.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(65), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("littoral-plus n° 1"), "{}", stderr(&bad));
    // A changed definition (the 1 000 jobs' unit of reporting) makes a new version.
    let changed = territoires_formats::impacts::EMBEDDED.replacen(
        "definition = \"Emplois créés, cumul.\"",
        "definition = \"Emplois directs créés, cumul.\"",
        1,
    );
    std::fs::write(&file, changed).unwrap();
    let ok = run(&db, &["import", "impacts", file.to_str().unwrap()]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("0 inserted, 1 new versions, 96 unchanged"), "{}", stdout(&ok));
    let _ = std::fs::remove_file(&file);
    let store = territoires_store::Store::connect(&db).await.unwrap();
    assert_eq!(store.indicator_versions("littoral-plus.emplois-crees").await.unwrap().len(), 2);
}

#[tokio::test]
async fn export_indicators_as_json_gives_the_97_indicators_of_the_catalogue() {
    let db = database().await;
    let out = run(&db, &["export", "indicators", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON array");
    // data/impacts-2030.toml has 97 `[[impact.indicator]]` tables (counted with grep).
    assert_eq!(v.as_array().map(Vec::len), Some(97));
}

#[tokio::test]
async fn export_to_a_file_writes_it_whole_and_leaves_no_temporary_file() {
    let db = database().await;
    let dir = std::env::temp_dir().join(format!("territoires-cli-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("mesures.csv");
    let out = run(&db, &["export", "measurements", "--out", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&file).unwrap();
    // A fresh database has no approved measurement: the BOM and the header line only.
    assert!(text.starts_with("\u{feff}identifiant;indicateur;"), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(!dir.join("mesures.part").exists());
    let projects = dir.join("projets.csv");
    let out = run(&db, &["export", "projects", "--format", "csv", "--out", projects.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&projects).unwrap().lines().count(),
        25,
        "header + 24 projects"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(unix)]
#[tokio::test]
async fn export_follows_a_link_keeps_permissions_and_never_replaces_a_device() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let db = database().await;
    let dir = std::env::temp_dir().join(format!("territoires-cli-export-link-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let real = dir.join("real.csv");
    std::fs::write(&real, "old").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    let link = dir.join("link.csv");
    symlink(&real, &link).unwrap();
    let out = run(&db, &["export", "projects", "--out", link.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(),
        "the link stays a link"
    );
    assert_eq!(
        std::fs::read_to_string(&real).unwrap().lines().count(),
        25,
        "its target holds the export"
    );
    assert_eq!(std::fs::metadata(&real).unwrap().permissions().mode() & 0o777, 0o600);
    // /dev/full: a write error (exit 74), and the device is still a device.
    if std::path::Path::new("/dev/full").exists() {
        let out = run(&db, &["export", "projects", "--out", "/dev/full"]);
        assert_eq!(out.status.code(), Some(74), "{}", stderr(&out));
        assert!(!std::fs::metadata("/dev/full").unwrap().is_file());
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn export_of_an_unknown_dataset_is_a_usage_error_listing_the_known_ones() {
    let db = database().await;
    let out = run(&db, &["export", "budgets"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("disbursements"), "{}", stderr(&out));
}

#[tokio::test]
async fn serve_with_an_invalid_publisher_siret_stops_with_78() {
    let db = database().await;
    let out = Command::new(BIN)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", &db)
        .env("RUST_LOG", "warn")
        .env("TERRITOIRES_PUBLISHER_SIRET", "18002002600018")
        .output()
        .expect("run territoires");
    assert_eq!(out.status.code(), Some(78), "{}", stderr(&out));
    assert!(stderr(&out).contains("TERRITOIRES_PUBLISHER_SIRET"), "{}", stderr(&out));
}
