//! `territoires export iati|iati-org|360giving|360giving-csv|scdl --out FILE` on the real
//! data (press kit and impact catalogue, seeded by the first command) with the funding
//! sample of `territoires_store::testing_funding` recorded through the store: each file
//! validates with the official validators; an agreement without SIRET nor RNA makes the
//! SCDL export exit 65 naming it, and leaves no file behind.

#[path = "../../formats/tests/validators/mod.rs"]
mod validators;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use territoires_store::testing::fresh_database_url;
use territoires_store::testing_funding::{biovallee_terms, record_sample, sign_biovallee, AGREEMENT};
use territoires_store::Store;
use validators::{assert_valid_iati, assert_valid_scdl};

const BIN: &str = env!("CARGO_BIN_EXE_territoires");

fn run(db: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run territoires")
}

fn export(db: &str, kind: &str, out: &Path) -> Output {
    run(db, &["export", kind, "--out", out.to_str().unwrap()])
}

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("territoires-cli-standards-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[tokio::test]
async fn the_five_standard_exports_validate_and_a_missing_siret_exits_65() {
    let db = fresh_database_url(std::env::var("TEST_DATABASE_URL").ok().as_deref())
        .await
        .expect("fresh database");
    // The first command seeds the press kit and the impact catalogue.
    let seeded = run(&db, &["export", "indicators", "--format", "json"]);
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let store = Store::connect(&db).await.unwrap();
    let registry = store.load_registry().await.unwrap().unwrap();
    record_sample(&store, &registry).await.unwrap();

    let d = dir();
    let read = |name: &str| std::fs::read_to_string(d.join(name)).unwrap();
    for (kind, file) in [
        ("iati", "iati-activites.xml"),
        ("iati-org", "iati-organisation.xml"),
        ("360giving", "360giving-subventions.json"),
        ("360giving-csv", "360giving-subventions.csv"),
        ("scdl", "scdl-subventions.csv"),
    ] {
        let out = export(&db, kind, &d.join(file));
        assert!(out.status.success(), "{kind}: {}", String::from_utf8_lossy(&out.stderr));
    }
    assert_valid_iati("cli-activites.xml", "iati-activities-schema.xsd", &read("iati-activites.xml"));
    assert!(read("iati-activites.xml").contains("<value currency=\"EUR\" value-date=\"2020-05-04\">400000.00</value>"));
    assert_valid_iati(
        "cli-organisation.xml",
        "iati-organisations-schema.xsd",
        &read("iati-organisation.xml"),
    );
    let doc: serde_json::Value = serde_json::from_str(&read("360giving-subventions.json")).expect("a closed JSON document");
    assert!(territoires_formats::giving360::schema::package_validator().unwrap().is_valid(&doc));
    assert_eq!(doc["grants"][0]["id"], format!("360G-FR-RCS-180020026-{AGREEMENT}"));
    assert!(read("360giving-subventions.csv").contains(",1000000.00,"));
    let scdl = read("scdl-subventions.csv");
    assert_valid_scdl("cli", &scdl);
    assert!(scdl.contains(",43218765600017,W261001234,"), "{scdl}");
    assert!(
        scdl.contains(",1000000.00,aide en numéraire,échelonné,2020-04-01/2022-04-01,"),
        "{scdl}"
    );

    // An agreement without SIRET nor RNA: exit 65, named with the column; nothing written.
    let terms = biovallee_terms("TI-2021-BIOVALLEE-02", None, None);
    sign_biovallee(&store, &registry, &terms, "second@example.fr").await.unwrap();
    let target = d.join("scdl-2.csv");
    let out = export(&db, "scdl", &target);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(65), "{stderr}");
    assert!(
        stderr.contains("TI-2021-BIOVALLEE-02") && stderr.contains("idBeneficiaire"),
        "{stderr}"
    );
    assert!(!target.exists() && !d.join("scdl-2.part").exists());
    // A format the standard does not have: exit 65 too.
    assert_eq!(run(&db, &["export", "scdl", "--format", "json"]).status.code(), Some(65));
    let _ = std::fs::remove_dir_all(&d);
}
