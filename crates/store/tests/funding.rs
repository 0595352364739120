//! The funding ledger stored (issue 5, §1 and §5) on the backend named by
//! `TEST_DATABASE_URL` (a fresh SQLite file when unset): append-only entries checked
//! against the ceilings in one serialised transaction, so that concurrent commitments
//! never exceed an envelope. Amounts worked out by hand, in cents.

use std::collections::BTreeMap;
use territoires_domain::funding::ledger::{Account, Caps, Ceiling, LedgerError, Movement};
use territoires_domain::programme::EnvelopeKind::Subsidy;
use territoires_domain::Money;
use territoires_store::testing::fresh_database_url;
use territoires_store::{Store, StoreError};
use time::macros::date;

async fn store() -> Store {
    let url = fresh_database_url(std::env::var("TEST_DATABASE_URL").ok().as_deref())
        .await
        .expect("fresh database");
    Store::connect(&url).await.expect("connect")
}

/// Subsidy envelope capped at 1 000 €; project `vallee` at 5 000 € so that the envelope is
/// the ceiling that binds.
fn caps() -> Caps {
    Caps {
        envelopes: BTreeMap::from([(Subsidy, Money(100_000))]),
        projects: BTreeMap::from([(("vallee".to_owned(), Subsidy), Money(500_000))]),
    }
}

fn project() -> Account {
    Account::Project {
        slug: "vallee".to_owned(),
        kind: Subsidy,
    }
}

async fn commit(store: &Store, agreement: u64, cents: i64) -> Result<u64, StoreError> {
    store
        .append_ledger_entry(
            Movement::Commit,
            &Account::Agreement(agreement),
            &project(),
            Money(cents),
            date!(2024 - 03 - 01),
            "instructeur@anct.gouv.fr",
            "convention signée",
            &caps(),
        )
        .await
        .map(|e| e.seq)
}

fn envelope_refusal(err: StoreError) -> (Money, Money) {
    match err {
        StoreError::Ledger(LedgerError::CeilingExceeded {
            ceiling: Ceiling::Envelope,
            remaining,
            excess,
            ..
        }) => (remaining, excess),
        other => panic!("expected an envelope ceiling refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_commitment_fills_the_envelope_exactly_and_one_cent_more_is_refused() {
    let store = store().await;
    assert_eq!(commit(&store, 1, 30_000).await.unwrap(), 1);
    // Room left: 1 000 € − 300 € = 700 €. 700,01 € is refused by one cent.
    let (remaining, excess) = envelope_refusal(commit(&store, 2, 70_001).await.unwrap_err());
    assert_eq!((remaining, excess), (Money(70_000), Money(1)));
    assert_eq!(store.ledger_entries().await.unwrap().len(), 1, "nothing written on refusal");
    // Exactly the room passes, and takes the next sequence number.
    assert_eq!(commit(&store, 2, 70_000).await.unwrap(), 2);
    let (remaining, excess) = envelope_refusal(commit(&store, 3, 1).await.unwrap_err());
    assert_eq!((remaining, excess), (Money(0), Money(1)));

    let entries = store.ledger_entries().await.unwrap();
    assert_eq!(
        entries.iter().map(|e| (e.seq, e.amount)).collect::<Vec<_>>(),
        [(1, Money(30_000)), (2, Money(70_000))]
    );
    assert_eq!(entries[1].debit, Account::Agreement(2));
    assert_eq!(entries[1].credit, project());
    assert_eq!(entries[1].at, date!(2024 - 03 - 01));
    let journal = store.ledger_journal(&caps()).await.unwrap();
    assert_eq!(journal.envelope(Subsidy).committed, Money(100_000));

    // One audit entry per appended entry, none for the refusals, chain intact.
    let audit = store.audit_entries().await.unwrap();
    let ledger: Vec<_> = audit.iter().filter(|e| e.action.starts_with("ledger.")).collect();
    assert_eq!(ledger.len(), 2);
    assert_eq!(
        (ledger[1].action.as_str(), ledger[1].subject.as_str()),
        ("ledger.commit", "ledger:2")
    );
    assert_eq!(ledger[1].after["amount_cents"], 70_000);
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn plans_and_disbursements_are_stored_and_checked_too() {
    let store = store().await;
    let c = caps();
    let day = date!(2024 - 01 - 15);
    let (proj, envelope) = (project(), Account::Envelope(Subsidy));
    let (payee, agreement) = (Account::Payee("SIREN-123456789".to_owned()), Account::Agreement(7));
    let plan = |cents| store.append_ledger_entry(Movement::Plan, &proj, &envelope, Money(cents), day, "dgpe", "arrêté", &c);
    assert_eq!(plan(120_000).await.unwrap().seq, 1, "a plan may exceed the envelope");
    commit(&store, 7, 40_000).await.unwrap();
    let pay = |cents| {
        store.append_ledger_entry(
            Movement::Disburse,
            &payee,
            &agreement,
            Money(cents),
            day,
            "comptable",
            "facture 12",
            &c,
        )
    };
    assert_eq!(pay(25_000).await.unwrap().seq, 3);
    // 400 € committed, 250 € paid: 150 € left on the agreement.
    match pay(15_001).await.unwrap_err() {
        StoreError::Ledger(LedgerError::CeilingExceeded {
            ceiling: Ceiling::Agreement,
            remaining,
            ..
        }) => assert_eq!(remaining, Money(15_000)),
        other => panic!("{other:?}"),
    }
    // Wrong accounts and an empty reason are refused, nothing written.
    let wrong = store
        .append_ledger_entry(Movement::Commit, &project(), &Account::Agreement(7), Money(1), day, "x", "y", &c)
        .await;
    assert!(
        matches!(wrong, Err(StoreError::Ledger(LedgerError::WrongAccounts { .. }))),
        "{wrong:?}"
    );
    let unjustified = store
        .append_ledger_entry(Movement::Commit, &Account::Agreement(8), &project(), Money(1), day, "x", "  ", &c)
        .await;
    assert!(
        matches!(unjustified, Err(StoreError::Ledger(LedgerError::Unjustified { field: "why", .. }))),
        "{unjustified:?}"
    );

    let journal = store.ledger_journal(&c).await.unwrap();
    assert_eq!(journal.entries().len(), 3);
    let p = journal.project("vallee", Subsidy);
    assert_eq!(
        (p.planned, p.committed, p.disbursed),
        (Money(120_000), Money(40_000), Money(25_000))
    );
    assert_eq!(journal.agreement(7).unpaid(), Some(Money(15_000)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_commitments_of_100_euros_fill_a_1000_euro_envelope_exactly() {
    let store = store().await;
    let tasks: Vec<_> = (1..=20u64)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move { commit(&store, i, 10_000).await })
        })
        .collect();
    let (mut ok, mut refused) = (0, 0);
    for task in tasks {
        match task.await.expect("task") {
            Ok(_) => ok += 1,
            Err(StoreError::Ledger(LedgerError::CeilingExceeded {
                ceiling: Ceiling::Envelope,
                ..
            })) => refused += 1,
            Err(other) => panic!("neither appended nor refused by the ceiling: {other:?}"),
        }
    }
    assert_eq!((ok, refused), (10, 10));
    let entries = store.ledger_entries().await.unwrap();
    assert_eq!(entries.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=10).collect::<Vec<u64>>());
    let journal = store.ledger_journal(&caps()).await.unwrap();
    assert_eq!(journal.envelope(Subsidy).committed, Money(100_000));
    assert_eq!(journal.envelope(Subsidy).remaining(Money(100_000)), Some(Money(0)));
    let audit = store.verify_audit().await.unwrap();
    assert!(audit.is_intact());
    assert_eq!(audit.entries, 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_concurrent_600_euro_commitments_on_1000_euros_exactly_one_passes() {
    let store = store().await;
    let a = tokio::spawn({
        let store = store.clone();
        async move { commit(&store, 1, 60_000).await }
    });
    let b = tokio::spawn({
        let store = store.clone();
        async move { commit(&store, 2, 60_000).await }
    });
    let results = [a.await.expect("task"), b.await.expect("task")];
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    let refusal = results.into_iter().find_map(Result::err).expect("one refused");
    // The loser saw the winner's 600 €: 400 € left, 200 € too much.
    assert_eq!(envelope_refusal(refusal), (Money(40_000), Money(20_000)));
    let entries = store.ledger_entries().await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!((entries[0].seq, entries[0].amount), (1, Money(60_000)));
}
