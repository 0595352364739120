//! Agreements stored (issue 5 §2) on the backend named by `TEST_DATABASE_URL` (a fresh
//! SQLite file when unset): signature with its commitment, refusal beyond the project's
//! ceiling leaving nothing behind, amendments up and down, the versions' history.
//! Amounts worked out by hand, in cents.

use std::collections::BTreeMap;
use territoires_domain::access::{Email, Role};
use territoires_domain::funding::agreement::{Cofinancer, Condition, ConditionKind, FinancerKind, Share, TermsDraft, TrancheDraft};
use territoires_domain::funding::ledger::{Account as Ledger, Caps, Ceiling, LedgerError, Movement};
use territoires_domain::programme::EnvelopeKind::Subsidy;
use territoires_domain::Money;
use territoires_store::testing::{execute, fresh_database_url};
use territoires_store::{Account, NewAccount, Store, StoreError};
use time::macros::date;

async fn store() -> (Store, Account) {
    let url = fresh_database_url(std::env::var("TEST_DATABASE_URL").ok().as_deref())
        .await
        .expect("fresh database");
    let store = Store::connect(&url).await.expect("connect");
    let manager = store
        .create_account(
            NewAccount {
                email: Email::parse("charge@example.fr").unwrap(),
                display_name: "Chargée de programme",
                role: Role::ProgrammeManager,
                organisation: None,
                password: None,
            },
            "test",
        )
        .await
        .unwrap();
    (store, manager)
}

/// Envelope 1 000 000,00 €; project `vallee` capped at 1 000,00 € so that its ceiling binds.
fn caps() -> Caps {
    Caps {
        envelopes: BTreeMap::from([(Subsidy, Money(100_000_000))]),
        projects: BTreeMap::from([(("vallee".to_owned(), Subsidy), Money(100_000))]),
    }
}

/// An agreement of `amount` cents, the co-financer bringing the same again (State 50 %),
/// in two tranches of 40 % and 60 %.
fn draft(reference: &str, amount: i64) -> TermsDraft {
    TermsDraft {
        reference: reference.into(),
        title: "Vallée verte".into(),
        beneficiary: "Communauté de communes".into(),
        beneficiary_siren: None,
        beneficiary_siret: None,
        beneficiary_rna: None,
        signed_on: date!(2020 - 03 - 02),
        amount: Money(amount),
        eligible_cost: Money(2 * amount),
        cofinancers: vec![Cofinancer {
            financer: "Région".into(),
            kind: FinancerKind::LocalAuthority,
            amount: Money(amount),
        }],
        tranches: vec![
            TrancheDraft {
                label: "Avance".into(),
                due_on: date!(2020 - 04 - 01),
                share: Share::Percent(4_000),
                conditions: vec![],
            },
            TrancheDraft {
                label: "Solde".into(),
                due_on: date!(2022 - 04 - 01),
                share: Share::Percent(6_000),
                conditions: vec![Condition {
                    kind: ConditionKind::Indicator,
                    label: "Emplois créés".into(),
                    indicator_code: Some("vallee-emplois".into()),
                }],
            },
        ],
    }
}

async fn counts(store: &Store) -> (usize, usize, usize) {
    (
        store.agreements(None).await.unwrap().len(),
        store.ledger_entries().await.unwrap().len(),
        store.audit_entries().await.unwrap().len(),
    )
}

#[tokio::test]
async fn a_second_agreement_beyond_the_project_ceiling_is_refused_and_writes_nothing() {
    let (store, manager) = store().await;
    let first = store
        .sign_agreement("vallee", &draft("TI-1", 60_000), Some(Money(1_000_000)), &manager, &caps())
        .await
        .unwrap();
    let detail = store.agreement(first).await.unwrap().unwrap();
    assert_eq!(detail.balance.committed, Money(60_000));
    // 40 % and 60 % of 600,00 €.
    assert_eq!(detail.tranches.iter().map(|t| t.amount.0).collect::<Vec<_>>(), [24_000, 36_000]);
    assert_eq!(detail.tranches[1].conditions[0].indicator_code.as_deref(), Some("vallee-emplois"));
    assert_eq!(detail.cofinancers[0].amount, Money(60_000));
    let before = counts(&store).await;
    // 1 account audit entry + sign: the ledger's commit and the agreement's.
    assert_eq!(before, (1, 1, 3));

    // 600 + 500 > 1 000: 400,00 € left, 100,00 € too many.
    let err = store
        .sign_agreement("vallee", &draft("TI-2", 50_000), Some(Money(1_000_000)), &manager, &caps())
        .await
        .unwrap_err();
    match &err {
        StoreError::Ledger(LedgerError::CeilingExceeded {
            ceiling: Ceiling::Project,
            remaining,
            excess,
            ..
        }) => assert_eq!((*remaining, *excess), (Money(40_000), Money(10_000))),
        other => panic!("expected the project's ceiling, got {other:?}"),
    }
    assert!(err.to_string().contains("plafond du projet"), "{err}");
    assert_eq!(counts(&store).await, before, "nothing written");
    let tranches: u64 = execute(&store, "UPDATE tranches SET label = label").await.unwrap();
    assert_eq!(tranches, 2, "only the first agreement's tranches");

    // Exactly the room passes.
    store
        .sign_agreement("vallee", &draft("TI-2", 40_000), Some(Money(1_000_000)), &manager, &caps())
        .await
        .unwrap();
    assert_eq!(store.agreements(Some("vallee")).await.unwrap().len(), 2);
    assert!(store.agreements(Some("autre")).await.unwrap().is_empty());
}

#[tokio::test]
async fn terms_that_break_a_rule_and_a_reused_reference_are_refused() {
    let (store, manager) = store().await;
    let mut bad = draft("TI-1", 60_000);
    bad.cofinancers[0].amount = Money(59_999);
    let err = store.sign_agreement("vallee", &bad, None, &manager, &caps()).await.unwrap_err();
    assert!(matches!(&err, StoreError::Agreement(e) if e.field == "cofinancers"), "{err:?}");
    // Eligible cost 1 200,00 € above a planned budget of 1 199,99 €.
    let err = store
        .sign_agreement("vallee", &draft("TI-1", 60_000), Some(Money(119_999)), &manager, &caps())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Agreement(e) if e.field == "eligible_cost_cents"),
        "{err:?}"
    );
    assert_eq!(counts(&store).await.0, 0);
    store
        .sign_agreement("vallee", &draft("TI-1", 10_000), None, &manager, &caps())
        .await
        .unwrap();
    let err = store
        .sign_agreement("vallee", &draft("TI-1", 10_000), None, &manager, &caps())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    // Nor by another case with spaces around.
    let err = store
        .sign_agreement("vallee", &draft(" ti-1 ", 10_000), None, &manager, &caps())
        .await
        .unwrap_err();
    assert!(matches!(&err, StoreError::Conflict(m) if m.contains("« TI-1 »")), "{err:?}");
    // A project without a known ceiling: nothing is committed.
    let err = store
        .sign_agreement("inconnu", &draft("TI-9", 10_000), None, &manager, &caps())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Ledger(LedgerError::NoCeiling { .. })), "{err:?}");
    assert_eq!(counts(&store).await.0, 1);
}

#[tokio::test]
async fn amendments_commit_and_release_the_difference_and_keep_the_history() {
    let (store, manager) = store().await;
    let id = store
        .sign_agreement("vallee", &draft("TI-1", 60_000), None, &manager, &caps())
        .await
        .unwrap();
    let tranche_ids: Vec<i64> = store.agreement(id).await.unwrap().unwrap().tranches.iter().map(|t| t.id).collect();

    // Up to 1 000,00 €: a commitment of 400,00 €, exactly the project's room.
    let v2 = store
        .amend_agreement(
            id,
            date!(2021 - 01 - 10),
            "Extension",
            &draft("TI-1", 100_000),
            None,
            &manager,
            &caps(),
        )
        .await
        .unwrap();
    assert_eq!(v2, 2);
    // One cent more is beyond the project's ceiling: refused, version unchanged.
    let err = store
        .amend_agreement(
            id,
            date!(2021 - 02 - 10),
            "Encore",
            &draft("TI-1", 100_001),
            None,
            &manager,
            &caps(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Ledger(LedgerError::CeilingExceeded { .. })), "{err:?}");

    // 350,00 € paid on the first tranche (400,00 € at 1 000,00 €).
    execute(
        &store,
        &format!(
            "INSERT INTO disbursements (agreement_id, tranche_id, amount_cents, status, requested_by, requested_at, paid_on) \
             VALUES ({id}, {}, 35000, 'paid', 'test', '2021-03-01T00:00:00Z', '2021-03-01')",
            tranche_ids[0]
        ),
    )
    .await
    .unwrap();
    store
        .append_ledger_entry(
            Movement::Disburse,
            &Ledger::Payee("180020026".into()),
            &Ledger::Agreement(id as u64),
            Money(35_000),
            date!(2021 - 03 - 01),
            "test",
            "versement de l'avance",
            &caps(),
        )
        .await
        .unwrap();
    // Down to 800,00 €: the first tranche would be 320,00 €, below the 350,00 € paid.
    let err = store
        .amend_agreement(
            id,
            date!(2021 - 04 - 01),
            "Réduction",
            &draft("TI-1", 80_000),
            None,
            &manager,
            &caps(),
        )
        .await
        .unwrap_err();
    assert!(matches!(&err, StoreError::Agreement(e) if e.field == "tranches[0]"), "{err:?}");
    // Down to 900,00 €: 360,00 € on the first tranche; a release of 100,00 €.
    let v3 = store
        .amend_agreement(
            id,
            date!(2021 - 04 - 01),
            "Réduction",
            &draft("TI-1", 90_000),
            None,
            &manager,
            &caps(),
        )
        .await
        .unwrap();
    assert_eq!(v3, 3);

    let d = store.agreement(id).await.unwrap().unwrap();
    assert_eq!(d.summary.amount, Money(90_000));
    assert_eq!(d.summary.version, 3);
    // Committed 600 + 400 − 100 = 900 €, paid 350 €.
    assert_eq!((d.balance.committed, d.balance.disbursed), (Money(90_000), Money(35_000)));
    assert_eq!(d.tranches.iter().map(|t| t.id).collect::<Vec<_>>(), tranche_ids, "tranche ids kept");
    assert_eq!(d.tranches.iter().map(|t| t.amount.0).collect::<Vec<_>>(), [36_000, 54_000]);
    assert_eq!(d.tranches[0].paid, Money(35_000));
    let history: Vec<(i64, &str, i64, &str)> = d
        .versions
        .iter()
        .map(|v| (v.version, v.kind.as_str(), v.amount.0, v.reason.as_str()))
        .collect();
    assert_eq!(
        history,
        [
            (1, "signature", 60_000, "Signature"),
            (2, "amendment", 100_000, "Extension"),
            (3, "amendment", 90_000, "Réduction")
        ]
    );
    assert_eq!(d.versions[0].terms.tranches[0].amount, Money(24_000), "version 1's terms kept");
    let entries = store.ledger_entries().await.unwrap();
    let moves: Vec<(Movement, i64)> = entries.iter().map(|e| (e.movement, e.amount.0)).collect();
    assert_eq!(
        moves,
        [
            (Movement::Commit, 60_000),
            (Movement::Commit, 40_000),
            (Movement::Disburse, 35_000),
            (Movement::Release, 10_000)
        ]
    );
    assert_eq!(d.versions[2].ledger_seq, Some(4));
    let audit = store.audit_entries().await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.action == "agreement.amend").count(), 2);
    assert!(store.verify_audit().await.unwrap().findings.is_empty());

    // A tranche with a disbursement request cannot be dropped.
    execute(
        &store,
        &format!(
            "INSERT INTO disbursements (agreement_id, tranche_id, amount_cents, status, requested_by, requested_at) \
             VALUES ({id}, {}, 100, 'requested', 'test', '2021-04-02T00:00:00Z')",
            tranche_ids[1]
        ),
    )
    .await
    .unwrap();
    let mut one = draft("TI-1", 90_000);
    one.tranches.truncate(1);
    one.tranches[0].share = Share::Percent(10_000);
    let err = store
        .amend_agreement(id, date!(2021 - 05 - 01), "Fusion", &one, None, &manager, &caps())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Agreement(e) if e.field == "tranches" && e.message.contains("Solde")),
        "{err:?}"
    );
    assert_eq!(store.agreement(id).await.unwrap().unwrap().summary.version, 3);
    assert!(store.agreement(999).await.unwrap().is_none());
    let err = store
        .amend_agreement(999, date!(2021 - 05 - 01), "x", &one, None, &manager, &caps())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
}

#[tokio::test]
async fn two_concurrent_signatures_beyond_the_ceiling_exactly_one_succeeds() {
    let (store, manager) = store().await;
    // Each 600,00 € alone fits under the 1 000,00 € ceiling; both together do not.
    let (a, b, caps) = (draft("TI-A", 60_000), draft("TI-B", 60_000), caps());
    let (ra, rb) = tokio::join!(
        store.sign_agreement("vallee", &a, Some(Money(1_000_000)), &manager, &caps),
        store.sign_agreement("vallee", &b, Some(Money(1_000_000)), &manager, &caps),
    );
    let refused = match (ra, rb) {
        (Ok(_), Err(e)) | (Err(e), Ok(_)) => e,
        other => panic!("exactly one should pass: {other:?}"),
    };
    assert!(
        matches!(refused, StoreError::Ledger(LedgerError::CeilingExceeded { .. })),
        "{refused:?}"
    );
    assert_eq!(counts(&store).await.0, 1);
    // Planned budget of 2 400,00 €: two eligible costs of 1 200,00 € fit, a third does not —
    // even with the ledger's room (the amounts are 1,00 € each).
    let small = |r: &str| {
        let mut d = draft(r, 100);
        d.eligible_cost = Money(120_000);
        d.cofinancers[0].amount = Money(119_900);
        d
    };
    let budget = Some(Money(240_000));
    let (c, d) = (small("TI-C"), small("TI-D"));
    let (r1, r2) = tokio::join!(
        store.sign_agreement("vallee", &c, budget, &manager, &caps),
        store.sign_agreement("vallee", &d, budget, &manager, &caps),
    );
    // The first agreement's 1 200,00 € is already there: only one of these fits.
    assert_eq!([r1.is_ok(), r2.is_ok()].iter().filter(|x| **x).count(), 1, "{r1:?} {r2:?}");
}

#[tokio::test]
async fn dates_are_checked_against_each_other_and_today() {
    let (store, manager) = store().await;
    let today = territoires_domain::opinion::paris_today(time::OffsetDateTime::now_utc());
    let tomorrow = today.next_day().unwrap();
    let mut future = draft("TI-F", 10_000);
    future.signed_on = tomorrow;
    for t in &mut future.tranches {
        t.due_on = tomorrow;
    }
    let err = store.sign_agreement("vallee", &future, None, &manager, &caps()).await.unwrap_err();
    assert!(matches!(&err, StoreError::Agreement(e) if e.field == "signed_on"), "{err:?}");
    let mut old = draft("TI-O", 10_000);
    old.signed_on = date!(2017 - 12 - 31);
    let err = store.sign_agreement("vallee", &old, None, &manager, &caps()).await.unwrap_err();
    assert!(matches!(&err, StoreError::Agreement(e) if e.field == "signed_on"), "{err:?}");
    let mut early = draft("TI-E", 10_000);
    early.tranches[0].due_on = date!(2020 - 03 - 01);
    let err = store.sign_agreement("vallee", &early, None, &manager, &caps()).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Agreement(e) if e.field == "tranches[0].due_on"),
        "{err:?}"
    );
    assert_eq!(counts(&store).await.0, 0);

    let id = store
        .sign_agreement("vallee", &draft("TI-1", 10_000), None, &manager, &caps())
        .await
        .unwrap();
    // Signed 2 March 2020: an amendment of the day before, or of tomorrow, is refused.
    for on in [date!(2020 - 03 - 01), tomorrow] {
        let err = store
            .amend_agreement(id, on, "Calendrier", &draft("TI-1", 10_000), None, &manager, &caps())
            .await
            .unwrap_err();
        assert!(matches!(&err, StoreError::Agreement(e) if e.field == "on"), "{on}: {err:?}");
    }
    store
        .amend_agreement(
            id,
            date!(2021 - 06 - 01),
            "Calendrier",
            &draft("TI-1", 10_000),
            None,
            &manager,
            &caps(),
        )
        .await
        .unwrap();
    // Version 2 is of 1 June 2021: an amendment of 31 May 2021 comes before it.
    let err = store
        .amend_agreement(id, date!(2021 - 05 - 31), "Encore", &draft("TI-1", 10_000), None, &manager, &caps())
        .await
        .unwrap_err();
    assert!(matches!(&err, StoreError::Agreement(e) if e.field == "on"), "{err:?}");
    // The signature date does not change by amendment: refused, not ignored.
    let mut resigned = draft("TI-1", 10_000);
    resigned.signed_on = date!(2020 - 03 - 03);
    let err = store
        .amend_agreement(id, date!(2021 - 07 - 01), "Date", &resigned, None, &manager, &caps())
        .await
        .unwrap_err();
    assert!(matches!(&err, StoreError::Agreement(e) if e.field == "signed_on"), "{err:?}");
    assert_eq!(store.agreement(id).await.unwrap().unwrap().summary.version, 2);
}

#[tokio::test]
async fn an_amendment_does_not_shrink_a_tranche_below_what_is_requested_on_it() {
    let (store, manager) = store().await;
    let id = store
        .sign_agreement("vallee", &draft("TI-1", 100_000), None, &manager, &caps())
        .await
        .unwrap();
    let tranche = store.agreement(id).await.unwrap().unwrap().tranches[0].id;
    // The whole first tranche (40 % of 1 000,00 € = 400,00 €) requested, not yet paid.
    execute(
        &store,
        &format!(
            "INSERT INTO disbursements (agreement_id, tranche_id, amount_cents, status, requested_by, requested_at) \
             VALUES ({id}, {tranche}, 40000, 'requested', 'test', '2021-03-01T00:00:00Z')"
        ),
    )
    .await
    .unwrap();
    // Down to 999,97 €: 40 % is 399,988 €, so the first tranche would be 399,99 € (largest
    // remainder), one cent below the request.
    let err = store
        .amend_agreement(
            id,
            date!(2021 - 04 - 01),
            "Réduction",
            &draft("TI-1", 99_997),
            None,
            &manager,
            &caps(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Agreement(e) if e.field == "tranches[0]" && e.message.contains("demandés ou versés")),
        "{err:?}"
    );
    // Once rejected, the request no longer holds the tranche.
    execute(&store, "UPDATE disbursements SET status = 'rejected'").await.unwrap();
    store
        .amend_agreement(
            id,
            date!(2021 - 04 - 01),
            "Réduction",
            &draft("TI-1", 99_997),
            None,
            &manager,
            &caps(),
        )
        .await
        .unwrap();
}

/// Migration 0018: the SIRET and RNA number are stored with the agreement (its row and its
/// terms) and an amendment may add them; an agreement without them reads back without.
#[tokio::test]
async fn the_siret_and_rna_number_are_stored_and_amended() {
    let (store, manager) = store().await;
    let id = store
        .sign_agreement("vallee", &draft("TI-1", 60_000), None, &manager, &caps())
        .await
        .unwrap();
    let s = store.agreement(id).await.unwrap().unwrap();
    assert_eq!(
        (s.summary.beneficiary_siret.as_deref(), s.summary.beneficiary_rna.as_deref()),
        (None, None)
    );
    assert_eq!(s.terms().unwrap().beneficiary_siret, None);

    // 130 025 265 00013 gives the SIREN 130025265 (the draft has none).
    let mut amended = draft("TI-1", 60_000);
    amended.beneficiary_siret = Some("130 025 265 00013".into());
    amended.beneficiary_rna = Some("W261001234".into());
    store
        .amend_agreement(id, date!(2021 - 01 - 10), "Identifiants", &amended, None, &manager, &caps())
        .await
        .unwrap();
    let s = store.agreement(id).await.unwrap().unwrap();
    assert_eq!(s.summary.beneficiary_siret.as_deref(), Some("13002526500013"));
    assert_eq!(s.summary.beneficiary_siren.as_deref(), Some("130025265"));
    assert_eq!(s.summary.beneficiary_rna.as_deref(), Some("W261001234"));
    let listed = store.agreements(None).await.unwrap();
    assert_eq!(listed[0].beneficiary_siret.as_deref(), Some("13002526500013"));
    let terms = s.terms().unwrap();
    assert_eq!(terms.beneficiary_siret.as_ref().map(|x| x.as_str()), Some("13002526500013"));
    assert_eq!(terms.beneficiary_rna.as_ref().map(|x| x.as_str()), Some("W261001234"));
    // Version 1 keeps its terms as signed.
    assert_eq!(s.versions[0].terms.beneficiary_siret, None);
}
