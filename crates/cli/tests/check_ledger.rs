//! `territoires check` reconciles the funding ledger (issue 5, §5): an agreement row whose
//! amount the ledger does not back makes the check fail and is named.

use std::process::Command;
use territoires_store::testing::{execute, fresh_database_url};

const BIN: &str = env!("CARGO_BIN_EXE_territoires");

fn check(db: &str) -> (Option<i32>, String) {
    let out = Command::new(BIN)
        .arg("check")
        .env("DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run territoires");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[tokio::test]
async fn an_agreement_the_ledger_does_not_back_is_named() {
    let db = fresh_database_url(std::env::var("TEST_DATABASE_URL").ok().as_deref())
        .await
        .unwrap();
    // A fresh database: the press kit is imported, the ledger is empty and consistent
    // (the exit code is 3 all the same: the fiches' planned ceilings exceed the envelopes).
    let (_, text) = check(&db);
    assert!(
        text.contains("[Cohérent] Grand livre du financement : 0 écritures rejouées, 0 lignes rapprochées"),
        "{text}"
    );
    let store = territoires_store::Store::connect(&db).await.unwrap();
    execute(
        &store,
        "INSERT INTO agreements (id, project_slug, reference, title, beneficiary, signed_on, amount_cents, \
         eligible_cost_cents, status, version, created_by, created_at) VALUES (4, 'biovallee', 'C-4', 'c', 'b', \
         '2023-05-02', 123456, 123456, 'active', 1, 't', '2023-05-02T10:00:00Z')",
    )
    .await
    .unwrap();
    let (code, text) = check(&db);
    assert_eq!(code, Some(3));
    assert!(
        text.contains("[Écart] Grand livre du financement : 0 écritures rejouées, 1 lignes rapprochées"),
        "{text}"
    );
    assert!(
        text.contains("agreements 4 : montant 1\u{202f}234,56\u{a0}€ mais le grand livre engage 0\u{a0}€ sur agreement:4"),
        "{text}"
    );
}
