//! The ledger's balance cache and its reconciliation (issue 5, §5 and §7), on the backend
//! named by `TEST_DATABASE_URL` (a fresh SQLite file when unset). Amounts worked out by
//! hand, in cents.

use std::collections::BTreeMap;
use territoires_domain::funding::ledger::{Account, Balance, Caps, Movement};
use territoires_domain::programme::EnvelopeKind::{Equity, Subsidy};
use territoires_domain::Money;
use territoires_store::testing::{execute, fresh_database_url};
use territoires_store::Store;
use time::macros::date;

fn base() -> Option<String> {
    std::env::var("TEST_DATABASE_URL").ok()
}

/// Subsidies 1 000,00 €, equity 5 000,00 €; `vallee` 800,00 € and 3 000,00 €, `plaine`
/// 700,00 €.
fn caps() -> Caps {
    Caps {
        envelopes: BTreeMap::from([(Subsidy, Money(100_000)), (Equity, Money(500_000))]),
        projects: BTreeMap::from([
            (("vallee".to_owned(), Subsidy), Money(80_000)),
            (("vallee".to_owned(), Equity), Money(300_000)),
            (("plaine".to_owned(), Subsidy), Money(70_000)),
        ]),
    }
}

fn proj(slug: &str, kind: territoires_domain::programme::EnvelopeKind) -> Account {
    Account::Project {
        slug: slug.to_owned(),
        kind,
    }
}

/// Nine movements: vallee plans 800, commits 500 to agreement 1, releases 100, pays 150;
/// plaine commits 300 to agreement 2, pays 300; vallee's equity commits 2 000 to investment
/// 7, calls 1 500, gets 4 000 back.
async fn book(store: &Store) {
    let c = caps();
    let payee = Account::Payee("SIREN-123456789".to_owned());
    let moves = [
        (Movement::Plan, proj("vallee", Subsidy), Account::Envelope(Subsidy), 80_000),
        (Movement::Commit, Account::Agreement(1), proj("vallee", Subsidy), 50_000),
        (Movement::Release, proj("vallee", Subsidy), Account::Agreement(1), 10_000),
        (Movement::Disburse, payee.clone(), Account::Agreement(1), 15_000),
        (Movement::Commit, Account::Agreement(2), proj("plaine", Subsidy), 30_000),
        (Movement::Disburse, payee.clone(), Account::Agreement(2), 30_000),
        (Movement::Commit, Account::Investment(7), proj("vallee", Equity), 200_000),
        (Movement::Disburse, payee.clone(), Account::Investment(7), 150_000),
        (Movement::Return, Account::Investment(7), payee.clone(), 400_000),
    ];
    for (movement, debit, credit, cents) in moves {
        store
            .append_ledger_entry(
                movement,
                &debit,
                &credit,
                Money(cents),
                date!(2023 - 05 - 02),
                "gestionnaire",
                "décision",
                &c,
            )
            .await
            .unwrap();
    }
}

fn bal(planned: i64, committed: i64, disbursed: i64, returned: i64) -> Balance {
    Balance {
        planned: Money(planned),
        committed: Money(committed),
        disbursed: Money(disbursed),
        returned: Money(returned),
    }
}

/// The cache after [`book`], worked out by hand from its comment.
fn expected() -> Vec<(&'static str, Balance)> {
    vec![
        ("agreement:1", bal(0, 40_000, 15_000, 0)),
        ("agreement:2", bal(0, 30_000, 30_000, 0)),
        ("envelope:equity", bal(0, 200_000, 150_000, 400_000)),
        ("envelope:subsidy", bal(80_000, 70_000, 45_000, 0)),
        ("investment:7", bal(0, 200_000, 150_000, 400_000)),
        ("project:plaine:subsidy", bal(0, 30_000, 30_000, 0)),
        ("project:vallee:equity", bal(0, 200_000, 150_000, 400_000)),
        ("project:vallee:subsidy", bal(80_000, 40_000, 15_000, 0)),
    ]
}

async fn cache(store: &Store) -> Vec<(String, Balance)> {
    let rows = store.ledger_balances().await.unwrap();
    rows.into_iter().map(|(a, (_, _, b))| (a, b)).collect()
}

#[tokio::test]
async fn the_cache_follows_every_movement_and_reconciles() {
    let store = Store::connect(&fresh_database_url(base().as_deref()).await.unwrap()).await.unwrap();
    book(&store).await;
    let want: Vec<(String, Balance)> = expected().into_iter().map(|(a, b)| (a.to_owned(), b)).collect();
    assert_eq!(cache(&store).await, want);
    let report = store.reconcile_ledger(&caps()).await.unwrap();
    assert_eq!((report.entries, report.findings.clone()), (9, vec![]), "{report:?}");
    // The cache still refuses what a full replay refuses: 300,01 € more on vallee's
    // subsidy ceiling (800 − 400 committed = 400, but the envelope has 1 000 − 700 = 300).
    let r = store
        .append_ledger_entry(
            Movement::Commit,
            &Account::Agreement(3),
            &proj("vallee", Subsidy),
            Money(30_001),
            date!(2023 - 06 - 01),
            "gestionnaire",
            "convention",
            &caps(),
        )
        .await;
    assert!(r.is_err(), "{r:?}");
}

/// Inconsistent rows inserted behind the store's back: each is named by the check.
#[tokio::test]
async fn the_check_names_every_inconsistent_row() {
    let store = Store::connect(&fresh_database_url(base().as_deref()).await.unwrap()).await.unwrap();
    book(&store).await;
    let now = "2023-05-02T10:00:00Z";
    // Agreement 1 says 500,00 € but the ledger has 400,00 € committed (after the release);
    // agreement 2 says 300,00 €, as the ledger does.
    for (id, cents) in [(1, 50_000), (2, 30_000)] {
        execute(
            &store,
            &format!(
                "INSERT INTO agreements (id, project_slug, reference, title, beneficiary, signed_on, amount_cents, \
                 eligible_cost_cents, status, version, created_by, created_at) VALUES ({id}, 'vallee', 'C-{id}', 'c', 'b', \
                 '2023-05-02', {cents}, {cents}, 'active', 1, 't', '{now}')"
            ),
        )
        .await
        .unwrap();
    }
    execute(
        &store,
        "INSERT INTO tranches (id, agreement_id, position, label, due_on, amount_cents) VALUES (1, 2, 1, 't1', '2023-06-01', 30000)",
    )
    .await
    .unwrap();
    // Disbursement 1 is entry 6 (300,00 € on agreement 2): consistent. Disbursement 2
    // claims entry 6 for 200,00 €; 3 names entry 4, a payment of agreement 1; 4 has no
    // entry; 5 is only requested, so not checked.
    for (id, cents, status, seq) in [
        (1, 30_000, "paid", "6"),
        (2, 20_000, "paid", "6"),
        (3, 30_000, "paid", "4"),
        (4, 30_000, "paid", "NULL"),
        (5, 30_000, "requested", "NULL"),
    ] {
        execute(
            &store,
            &format!(
                "INSERT INTO disbursements (id, agreement_id, tranche_id, amount_cents, status, requested_by, requested_at, \
                 ledger_seq) VALUES ({id}, 2, 1, {cents}, '{status}', 't', '{now}', {seq})"
            ),
        )
        .await
        .unwrap();
    }
    // A commitment written by SQL beyond the envelope (300,00 € left, 300,01 € taken), its
    // cache not updated; and a cache row altered.
    execute(
        &store,
        &format!(
            "INSERT INTO ledger_entries (seq, at, movement, debit, credit, amount_cents, who, why, recorded_at) \
             VALUES (10, '2023-06-01', 'commit', 'agreement:3', 'project:plaine:subsidy', 30001, 'x', 'y', '{now}')"
        ),
    )
    .await
    .unwrap();
    execute(
        &store,
        "UPDATE ledger_balances SET disbursed_cents = 1 WHERE account = 'agreement:2'",
    )
    .await
    .unwrap();

    let report = store.reconcile_ledger(&caps()).await.unwrap();
    let subjects: Vec<&str> = report.findings.iter().map(|f| f.subject.as_str()).collect();
    assert_eq!(
        subjects,
        [
            "ledger_entries 10",
            "ledger_balances agreement:2",
            "ledger_balances agreement:3",
            "ledger_balances envelope:subsidy",
            "ledger_balances project:plaine:subsidy",
            "agreements 1",
            "disbursements 2",
            "disbursements 3",
            "disbursements 4",
        ],
        "{report:#?}"
    );
    assert_eq!(report.rows, 2 + 4);
    let problem = |s: &str| &report.findings.iter().find(|f| f.subject == s).unwrap().problem;
    // Money is written `500 €` (no-break space, no cents when round).
    let (a1, d2) = (problem("agreements 1"), problem("disbursements 2"));
    assert!(
        a1.contains("500\u{a0}€") && a1.contains("400\u{a0}€") && a1.contains("agreement:1"),
        "{a1}"
    );
    assert!(d2.contains("200\u{a0}€") && d2.contains("300\u{a0}€"), "{d2}");
    assert!(problem("ledger_entries 10").contains("dépasse"), "{}", problem("ledger_entries 10"));
}

/// Migration 0016 fills the cache from entries stored before it: the entries of [`book`],
/// written by SQL on a database migrated up to 0015, give the same balances.
#[tokio::test]
async fn the_migration_fills_the_cache_from_existing_entries() {
    let url = fresh_database_url(base().as_deref()).await.unwrap();
    let backend = if url.starts_with("postgres") { "postgres" } else { "sqlite" };
    // The migrations before 0016, in a directory of their own.
    let dir = std::env::temp_dir().join(format!("ledger-migrations-{}-{backend}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend);
    for f in std::fs::read_dir(&source).unwrap() {
        let f = f.unwrap();
        let name = f.file_name().into_string().unwrap();
        if name.as_str() < "0016" {
            std::fs::copy(f.path(), dir.join(&name)).unwrap();
        }
    }
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    sqlx::migrate::Migrator::new(dir.as_path()).await.unwrap().run(&pool).await.unwrap();
    let rows = [
        ("plan", "project:vallee:subsidy", "envelope:subsidy", 80_000),
        ("commit", "agreement:1", "project:vallee:subsidy", 50_000),
        ("release", "project:vallee:subsidy", "agreement:1", 10_000),
        ("disburse", "payee:SIREN-123456789", "agreement:1", 15_000),
        ("commit", "agreement:2", "project:plaine:subsidy", 30_000),
        ("disburse", "payee:SIREN-123456789", "agreement:2", 30_000),
        ("commit", "investment:7", "project:vallee:equity", 200_000),
        ("disburse", "payee:SIREN-123456789", "investment:7", 150_000),
        ("return", "investment:7", "payee:SIREN-123456789", 400_000),
    ];
    for (i, (movement, debit, credit, cents)) in rows.iter().enumerate() {
        sqlx::query(&format!(
            "INSERT INTO ledger_entries (seq, at, movement, debit, credit, amount_cents, who, why, recorded_at) \
             VALUES ({}, '2023-05-02', '{movement}', '{debit}', '{credit}', {cents}, 'g', 'd', '2023-05-02T10:00:00Z')",
            i + 1
        ))
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;
    let _ = std::fs::remove_dir_all(&dir);

    let store = Store::connect(&url).await.unwrap();
    let want: Vec<(String, Balance)> = expected().into_iter().map(|(a, b)| (a.to_owned(), b)).collect();
    assert_eq!(cache(&store).await, want);
    let report = store.reconcile_ledger(&caps()).await.unwrap();
    assert!(report.findings.is_empty(), "{report:?}");
    // Appending goes on from the filled cache: 300,00 € left on the subsidy envelope.
    let r = store
        .append_ledger_entry(
            Movement::Commit,
            &Account::Agreement(3),
            &proj("plaine", Subsidy),
            Money(30_001),
            date!(2023 - 06 - 01),
            "g",
            "d",
            &caps(),
        )
        .await;
    assert!(r.is_err(), "{r:?}");
}
