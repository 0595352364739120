//! `territoires import agreements|disbursements FILE [--dry-run]` as a user runs it, on the
//! backend named by `TEST_DATABASE_URL` (a fresh SQLite file when unset), with the sample
//! files of `data/exemples/` (Windows-1252, `;`, CRLF, as Excel fr saves them).

use std::path::PathBuf;
use std::process::{Command, Output};
use territoires_store::testing::fresh_database_url;
use territoires_store::Store;

const BIN: &str = env!("CARGO_BIN_EXE_territoires");

fn sample(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/exemples").join(name);
    path.to_str().unwrap().to_owned()
}

fn run(db: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .env("USER", "alice")
        .output()
        .expect("run territoires")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

#[tokio::test]
async fn dry_run_then_import_then_refused_again() {
    let db = fresh_database_url(std::env::var("TEST_DATABASE_URL").ok().as_deref())
        .await
        .expect("fresh database");
    let agreements = sample("conventions.csv");
    let payments = sample("versements.csv");

    let dry = run(&db, &["import", "agreements", &agreements, "--dry-run"]);
    assert!(dry.status.success(), "{}", text(&dry));
    assert!(
        text(&dry).contains("dry run: 2 agreements would be imported; nothing was written"),
        "{}",
        text(&dry)
    );
    let store = Store::connect(&db).await.unwrap();
    assert!(store.agreements(None).await.unwrap().is_empty());

    // Payments before their agreements: the reference is unknown, named on line 2.
    let early = run(&db, &["import", "disbursements", &payments]);
    assert_eq!(early.status.code(), Some(65), "{}", text(&early));
    assert!(
        text(&early).contains("ligne 2, colonne A (Référence de la convention) : Aucune convention"),
        "{}",
        text(&early)
    );

    let done = run(&db, &["import", "agreements", &agreements]);
    assert!(done.status.success(), "{}", text(&done));
    assert!(text(&done).contains("2 agreements imported"), "{}", text(&done));
    let done = run(&db, &["import", "disbursements", &payments, "--dry-run"]);
    assert!(
        text(&done).contains("dry run: 3 disbursements would be imported"),
        "{}",
        text(&done)
    );
    let done = run(&db, &["import", "disbursements", &payments]);
    assert!(done.status.success(), "{}", text(&done));
    assert!(text(&done).contains("3 disbursements imported"), "{}", text(&done));

    let again = run(&db, &["import", "agreements", &agreements]);
    assert_eq!(again.status.code(), Some(65), "{}", text(&again));
    assert!(text(&again).contains("ligne 2, colonne A (Référence) : "), "{}", text(&again));
    assert!(text(&again).contains("nothing was imported"), "{}", text(&again));
    let again = run(&db, &["import", "disbursements", &payments]);
    assert_eq!(again.status.code(), Some(65), "{}", text(&again));

    let entries = store.audit_entries().await.unwrap();
    let import = entries.iter().find(|e| e.action == "import.disbursements").unwrap();
    assert_eq!(import.actor, "cli:alice");
    assert_eq!(import.after["rows"], 3);
    assert!(import.after["file"].as_str().unwrap().ends_with("versements.csv"));
}
