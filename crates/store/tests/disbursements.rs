//! Disbursements stored (issue 5 §3) on the backend named by `TEST_DATABASE_URL` (a fresh
//! SQLite file when unset): the workflow request → checked → approved → paid with its
//! steps in `disbursement_events` and the audit trail, the payment's ledger entry in the
//! same transaction, refusals that write nothing, separation of duties, tranche
//! conditions, and a concurrent double payment of which exactly one passes.
//!
//! Agreements are written here with SQL (their own store code lives elsewhere), with the
//! matching ledger commitment so that the ledger agrees. Amounts worked out by hand, in
//! cents.

use std::collections::BTreeMap;
use territoires_domain::access::{Email, Role};
use territoires_domain::funding::disbursement::{DisbursementError, Status, Step};
use territoires_domain::funding::ledger::{Account, Caps, Ceiling, LedgerError, Movement};
use territoires_domain::programme::EnvelopeKind::Subsidy;
use territoires_domain::Money;
use territoires_store::testing::{execute, fresh_database_url};
use territoires_store::{Actor, MemberRole, NewAccount, Store, StoreError};
use time::macros::date;
use time::Date;

const SLUG: &str = "vallee";
const DAY: Date = date!(2025 - 03 - 03);

async fn store() -> Store {
    let url = fresh_database_url(std::env::var("TEST_DATABASE_URL").ok().as_deref())
        .await
        .expect("fresh database");
    Store::connect(&url).await.expect("connect")
}

/// Envelope 1 000 000 €, project `vallee` 100 000 €.
fn caps() -> Caps {
    Caps {
        envelopes: BTreeMap::from([(Subsidy, Money(100_000_000))]),
        projects: BTreeMap::from([((SLUG.to_owned(), Subsidy), Money(10_000_000))]),
    }
}

/// Agreement 7 of `vallee` for 10 000 € (SIREN 130 005 481), committed in the ledger, with
/// tranches 71 « Avance » 6 000 € and 72 « Solde » 4 000 €; tranche 72 has a milestone
/// condition 721 and a report condition 722.
async fn agreement(store: &Store) {
    execute(
        store,
        "INSERT INTO agreements (id, project_slug, reference, title, beneficiary, beneficiary_siren, signed_on, amount_cents, eligible_cost_cents, status, version, created_by, created_at) \
         VALUES (7, 'vallee', 'TI-2025-007', 'Convention vallée', 'Communauté de la vallée', '130005481', '2025-01-15', 1000000, 2000000, 'active', 1, 'test', '2025-01-15T10:00:00Z')",
    )
    .await
    .unwrap();
    execute(
        store,
        "INSERT INTO tranches (id, agreement_id, position, label, due_on, amount_cents) VALUES \
         (71, 7, 1, 'Avance', '2025-02-01', 600000), (72, 7, 2, 'Solde', '2026-02-01', 400000)",
    )
    .await
    .unwrap();
    execute(
        store,
        "INSERT INTO tranche_conditions (id, tranche_id, position, kind, label) VALUES \
         (721, 72, 1, 'milestone', 'Travaux achevés'), (722, 72, 2, 'report', 'Rapport final')",
    )
    .await
    .unwrap();
    store
        .append_ledger_entry(
            Movement::Commit,
            &Account::Agreement(7),
            &Account::Project {
                slug: SLUG.to_owned(),
                kind: Subsidy,
            },
            Money(1_000_000),
            date!(2025 - 01 - 15),
            "test",
            "convention signée",
            &caps(),
        )
        .await
        .unwrap();
}

fn actor(name: &str, role: Role) -> Actor {
    Actor {
        account_id: None,
        name: name.to_owned(),
        role,
    }
}

fn lead() -> Actor {
    actor("lead@vallee.fr", Role::ProgrammeManager)
}
fn instructor() -> Actor {
    actor("instructeur@etat.fr", Role::Instructor)
}
fn manager() -> Actor {
    actor("chargee@bdt.fr", Role::ProgrammeManager)
}
fn admin() -> Actor {
    actor("admin@bdt.fr", Role::OperatorAdmin)
}

/// Requests `cents` on tranche 71 and takes it to `approved` by three different people.
async fn approved(store: &Store, cents: i64) -> i64 {
    let d = store
        .request_disbursement(7, 71, Money(cents), DAY, "avance de démarrage", &lead())
        .await
        .unwrap();
    store
        .take_disbursement_step(d.id, Step::Check, DAY, "pas de condition", &instructor(), &caps())
        .await
        .unwrap();
    store
        .take_disbursement_step(d.id, Step::Approve, DAY, "conforme", &manager(), &caps())
        .await
        .unwrap();
    d.id
}

async fn audit_len(store: &Store) -> usize {
    store.audit_entries().await.unwrap().len()
}

#[tokio::test]
async fn the_whole_workflow_pays_through_the_ledger_and_records_every_step() {
    let store = store().await;
    agreement(&store).await;
    let id = approved(&store, 250_000).await;
    let d = store
        .take_disbursement_step(id, Step::Pay, DAY, "virement n° 42", &admin(), &caps())
        .await
        .unwrap();
    assert_eq!(d.status, Status::Paid);
    assert_eq!(d.paid_on, Some(DAY));
    // Ledger: 1 the commitment, 2 this payment of 2 500 € to the SIREN.
    assert_eq!(d.ledger_seq, Some(2));
    let entries = store.ledger_entries().await.unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1].movement, Movement::Disburse);
    assert_eq!(entries[1].credit, Account::Agreement(7));
    assert_eq!(entries[1].debit, Account::Payee("130005481".into()));
    assert_eq!(entries[1].amount, Money(250_000));
    assert_eq!(entries[1].who, "admin@bdt.fr");
    let journal = store.ledger_journal(&caps()).await.unwrap();
    // 10 000 € committed, 2 500 € paid: 7 500 € unpaid on the agreement.
    assert_eq!(journal.agreement(7).disbursed, Money(250_000));

    let detail = store.disbursement(id).await.unwrap().unwrap();
    let steps: Vec<(Step, &str, Role)> = detail.events.iter().map(|e| (e.step, e.actor.as_str(), e.role)).collect();
    assert_eq!(
        steps,
        [
            (Step::Request, "lead@vallee.fr", Role::ProgrammeManager),
            (Step::Check, "instructeur@etat.fr", Role::Instructor),
            (Step::Approve, "chargee@bdt.fr", Role::ProgrammeManager),
            (Step::Pay, "admin@bdt.fr", Role::OperatorAdmin),
        ]
    );
    assert_eq!(detail.events[3].justification, "virement n° 42");
    let audit = store.audit_entries().await.unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "ledger.commit",
            "disbursement.request",
            "disbursement.check",
            "disbursement.approve",
            "ledger.disburse",
            "disbursement.pay",
        ]
    );
    assert!(store.verify_audit().await.unwrap().findings.is_empty());
    // The queue by status and by agreement.
    assert_eq!(store.disbursements(Some(Status::Paid)).await.unwrap().len(), 1);
    assert!(store.disbursements(Some(Status::Requested)).await.unwrap().is_empty());
    assert_eq!(store.agreement_disbursements(7).await.unwrap()[0].tranche_label, "Avance");
}

#[tokio::test]
async fn requests_stay_within_their_tranche_and_a_rejection_frees_the_amount() {
    let store = store().await;
    agreement(&store).await;
    let first = store
        .request_disbursement(7, 71, Money(500_000), DAY, "avance", &lead())
        .await
        .unwrap();
    // 6 000 € − 5 000 € = 1 000 € remain: 1 000,01 € is refused.
    let before = audit_len(&store).await;
    let err = store
        .request_disbursement(7, 71, Money(100_001), DAY, "complément", &lead())
        .await
        .unwrap_err();
    match err {
        StoreError::Disbursement(DisbursementError::BeyondTranche { remaining, taken, .. }) => {
            assert_eq!((remaining, taken), (Money(100_000), Money(500_000)))
        }
        other => panic!("expected a tranche refusal, got {other:?}"),
    }
    assert_eq!(audit_len(&store).await, before, "nothing written");
    assert_eq!(store.disbursements(None).await.unwrap().len(), 1);
    // Rejected, its 5 000 € count no more.
    store
        .take_disbursement_step(first.id, Step::Reject, DAY, "pièces manquantes", &instructor(), &caps())
        .await
        .unwrap();
    let tranches = store.tranche_remainders(7).await.unwrap().unwrap().tranches;
    assert_eq!((tranches[0].taken, tranches[0].remaining), (Money(0), Money(600_000)));
    store
        .request_disbursement(7, 71, Money(600_000), DAY, "avance", &lead())
        .await
        .unwrap();
    // A tranche of another agreement, a future date, a blank reason.
    assert!(matches!(
        store.request_disbursement(7, 99, Money(1), DAY, "x", &lead()).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .request_disbursement(7, 72, Money(1), date!(2999 - 01 - 01), "x", &lead())
            .await,
        Err(StoreError::Disbursement(DisbursementError::FutureDate { .. }))
    ));
    assert!(matches!(
        store.request_disbursement(7, 72, Money(1), DAY, "  ", &lead()).await,
        Err(StoreError::Disbursement(DisbursementError::NoReason))
    ));
}

#[tokio::test]
async fn a_payment_beyond_the_tranche_or_the_agreement_is_refused_and_writes_nothing() {
    let store = store().await;
    agreement(&store).await;
    let a = approved(&store, 400_000).await;
    let b = approved(&store, 200_000).await;
    // The tranche lowered to 5 000 € after both requests: 4 000 € + 2 000 € no longer fit,
    // so paying the 4 000 € is refused (the other 2 000 € leave 3 000 €).
    execute(&store, "UPDATE tranches SET amount_cents = 500000 WHERE id = 71")
        .await
        .unwrap();
    let (ledger, audit) = (store.ledger_entries().await.unwrap().len(), audit_len(&store).await);
    let err = store
        .take_disbursement_step(a, Step::Pay, DAY, "virement", &admin(), &caps())
        .await
        .unwrap_err();
    match err {
        StoreError::Disbursement(DisbursementError::TrancheLowered { remaining, others, .. }) => {
            assert_eq!((remaining, others), (Money(300_000), Money(200_000)))
        }
        other => panic!("expected a tranche refusal, got {other:?}"),
    }
    assert_eq!(store.ledger_entries().await.unwrap().len(), ledger);
    assert_eq!(audit_len(&store).await, audit);
    let detail = store.disbursement(a).await.unwrap().unwrap();
    assert_eq!((detail.disbursement.status, detail.events.len()), (Status::Approved, 3));
    execute(&store, "UPDATE tranches SET amount_cents = 600000 WHERE id = 71")
        .await
        .unwrap();
    store
        .take_disbursement_step(a, Step::Pay, DAY, "virement", &admin(), &caps())
        .await
        .unwrap();

    // A release of 4 500 € leaves 10 000 − 4 500 − 4 000 = 1 500 € unpaid on the
    // agreement: the ledger refuses 2 000 €.
    store
        .append_ledger_entry(
            Movement::Release,
            &Account::Project {
                slug: SLUG.to_owned(),
                kind: Subsidy,
            },
            &Account::Agreement(7),
            Money(450_000),
            DAY,
            "test",
            "avenant n° 1",
            &caps(),
        )
        .await
        .unwrap();
    let (ledger, audit) = (store.ledger_entries().await.unwrap().len(), audit_len(&store).await);
    let err = store
        .take_disbursement_step(b, Step::Pay, DAY, "virement", &admin(), &caps())
        .await
        .unwrap_err();
    match err {
        StoreError::Ledger(LedgerError::CeilingExceeded {
            ceiling: Ceiling::Agreement,
            remaining,
            excess,
            ..
        }) => assert_eq!((remaining, excess), (Money(150_000), Money(50_000))),
        other => panic!("expected an agreement refusal, got {other:?}"),
    }
    assert_eq!(store.ledger_entries().await.unwrap().len(), ledger);
    assert_eq!(audit_len(&store).await, audit);
    assert_eq!(store.disbursement(b).await.unwrap().unwrap().disbursement.status, Status::Approved);
}

#[tokio::test]
async fn separation_of_duties_and_roles_are_enforced() {
    let store = store().await;
    agreement(&store).await;
    let d = store
        .request_disbursement(7, 71, Money(100_000), DAY, "avance", &manager())
        .await
        .unwrap();
    // The requester does not check their own request.
    assert!(matches!(
        store
            .take_disbursement_step(d.id, Step::Check, DAY, "ok", &manager(), &caps())
            .await,
        Err(StoreError::Disbursement(DisbursementError::SameActor {
            step: Step::Check,
            earlier: Step::Request
        }))
    ));
    store
        .take_disbursement_step(d.id, Step::Check, DAY, "ok", &instructor(), &caps())
        .await
        .unwrap();
    let refused = store
        .take_disbursement_step(d.id, Step::Approve, DAY, "ok", &manager(), &caps())
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            StoreError::Disbursement(DisbursementError::SameActor {
                step: Step::Approve,
                earlier: Step::Request
            })
        ),
        "{refused:?}"
    );
    assert!(matches!(
        store
            .take_disbursement_step(d.id, Step::Approve, DAY, "ok", &instructor(), &caps())
            .await,
        Err(StoreError::Disbursement(DisbursementError::Forbidden { .. }))
    ));
    let other = actor("autre@bdt.fr", Role::ProgrammeManager);
    store
        .take_disbursement_step(d.id, Step::Approve, DAY, "ok", &other, &caps())
        .await
        .unwrap();
    assert!(matches!(
        store.take_disbursement_step(d.id, Step::Pay, DAY, "ok", &other, &caps()).await,
        Err(StoreError::Disbursement(DisbursementError::SameActor { .. }))
    ));
    // Nor does the requester pay it.
    assert!(matches!(
        store.take_disbursement_step(d.id, Step::Pay, DAY, "ok", &manager(), &caps()).await,
        Err(StoreError::Disbursement(DisbursementError::SameActor {
            step: Step::Pay,
            earlier: Step::Request
        }))
    ));
    store
        .take_disbursement_step(d.id, Step::Pay, DAY, "ok", &admin(), &caps())
        .await
        .unwrap();
    // A project lead requests only for their own project.
    let account = store
        .create_account(
            NewAccount {
                email: Email::parse("porteur@vallee.fr").unwrap(),
                display_name: "Porteur",
                role: Role::ProjectLead,
                organisation: None,
                password: None,
            },
            "test",
        )
        .await
        .unwrap();
    let lead = Actor::account(&account);
    assert!(matches!(
        store.request_disbursement(7, 72, Money(1_000), DAY, "x", &lead).await,
        Err(StoreError::Disbursement(DisbursementError::NotMember(_)))
    ));
    store.add_project_member(SLUG, account.id, MemberRole::Lead, "test").await.unwrap();
    store.request_disbursement(7, 72, Money(1_000), DAY, "x", &lead).await.unwrap();
}

#[tokio::test]
async fn the_check_waits_for_every_condition() {
    let store = store().await;
    agreement(&store).await;
    let d = store
        .request_disbursement(7, 72, Money(400_000), DAY, "solde", &lead())
        .await
        .unwrap();
    let err = store
        .take_disbursement_step(d.id, Step::Check, DAY, "vérifié", &instructor(), &caps())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "conditions non remplies : jalon « Travaux achevés » ; rapport « Rapport final »"
    );
    store
        .record_condition_met(721, DAY, "PV de réception du 1er mars", &instructor())
        .await
        .unwrap();
    assert!(matches!(
        store.record_condition_met(721, DAY, "encore", &instructor()).await,
        Err(StoreError::Refused(_))
    ));
    assert!(matches!(
        store.record_condition_met(722, DAY, " ", &instructor()).await,
        Err(StoreError::Disbursement(DisbursementError::Condition(_)))
    ));
    let err = store
        .take_disbursement_step(d.id, Step::Check, DAY, "vérifié", &instructor(), &caps())
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "conditions non remplies : rapport « Rapport final »");
    // An indicator condition: met once the indicator has an approved measurement of 2024
    // or later.
    execute(
        &store,
        "INSERT INTO indicators (code, project_slug, current_version) VALUES ('vallee.emplois', 'vallee', 1)",
    )
    .await
    .unwrap();
    execute(
        &store,
        "INSERT INTO tranche_conditions (id, tranche_id, position, kind, label, indicator_code, min_period) VALUES (723, 72, 3, 'indicator', 'Emplois créés', 'vallee.emplois', '2024')",
    )
    .await
    .unwrap();
    store.record_condition_met(722, DAY, "rapport.pdf", &instructor()).await.unwrap();
    let measurement = |id: i64, period: &str, status: &str| {
        format!(
            "INSERT INTO measurements (id, indicator_code, indicator_version, project_slug, period, period_end, reporter, value, submitted_by, status, recorded_at, updated_at) \
             VALUES ({id}, 'vallee.emplois', 1, 'vallee', '{period}', '2024-12-31', 'vallée', 12.0, 'x', '{status}', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')"
        )
    };
    execute(&store, &measurement(1, "2023", "approved")).await.unwrap();
    execute(&store, &measurement(2, "2024", "submitted")).await.unwrap();
    let err = store
        .take_disbursement_step(d.id, Step::Check, DAY, "vérifié", &instructor(), &caps())
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "conditions non remplies : indicateur « Emplois créés »");
    assert!(matches!(
        store.record_condition_met(723, DAY, "à la main", &instructor()).await,
        Err(StoreError::Disbursement(DisbursementError::Condition(_)))
    ));
    execute(&store, "UPDATE measurements SET status = 'approved' WHERE id = 2")
        .await
        .unwrap();
    let checked = store
        .take_disbursement_step(d.id, Step::Check, DAY, "vérifié", &instructor(), &caps())
        .await
        .unwrap();
    assert_eq!(checked.status, Status::Checked);
    let detail = store.disbursement(d.id).await.unwrap().unwrap();
    assert!(detail.conditions.iter().all(|c| c.is_met()));
    assert_eq!(detail.conditions[0].met_by.as_deref(), Some("instructeur@etat.fr"));
}

#[tokio::test]
async fn of_two_concurrent_payments_of_one_disbursement_exactly_one_passes() {
    let store = store().await;
    agreement(&store).await;
    let id = approved(&store, 300_000).await;
    let pay = |name: &'static str| {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .take_disbursement_step(id, Step::Pay, DAY, "virement", &actor(name, Role::OperatorAdmin), &caps())
                .await
        })
    };
    let (x, y) = (pay("a@bdt.fr"), pay("b@bdt.fr"));
    let (x, y) = (x.await.unwrap(), y.await.unwrap());
    let outcomes = [x.is_ok(), y.is_ok()];
    assert_eq!(outcomes.iter().filter(|ok| **ok).count(), 1, "{x:?} {y:?}");
    let loser = if x.is_ok() { y } else { x };
    assert!(
        matches!(
            loser,
            Err(StoreError::Refused(_)) | Err(StoreError::Disbursement(DisbursementError::WrongStatus { .. }))
        ),
        "{loser:?}"
    );
    let disbursed: Vec<_> = store
        .ledger_entries()
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.movement == Movement::Disburse)
        .collect();
    assert_eq!(disbursed.len(), 1);
    assert_eq!(disbursed[0].amount, Money(300_000));
    let events = store.disbursement(id).await.unwrap().unwrap().events;
    assert_eq!(events.iter().filter(|e| e.step == Step::Pay).count(), 1);
}

#[tokio::test]
async fn of_two_concurrent_requests_that_together_exceed_the_tranche_exactly_one_passes() {
    let store = store().await;
    agreement(&store).await;
    // Two requests of 4 000 € on « Avance » (6 000 €): both fit alone, not together.
    let request = |name: &'static str| {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .request_disbursement(7, 71, Money(400_000), DAY, "avance", &actor(name, Role::ProgrammeManager))
                .await
        })
    };
    let (x, y) = (request("a@bdt.fr"), request("b@bdt.fr"));
    let (x, y) = (x.await.unwrap(), y.await.unwrap());
    assert_eq!([x.is_ok(), y.is_ok()].iter().filter(|ok| **ok).count(), 1, "{x:?} {y:?}");
    let loser = if x.is_ok() { y } else { x };
    match loser {
        Err(StoreError::Disbursement(DisbursementError::BeyondTranche { remaining, .. })) => assert_eq!(remaining, Money(200_000)),
        other => panic!("expected a tranche refusal, got {other:?}"),
    }
    assert_eq!(store.disbursements(None).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_request_is_not_dated_before_the_signature() {
    let store = store().await;
    agreement(&store).await;
    // Agreement 7 was signed on 15 January 2025.
    let err = store
        .request_disbursement(7, 71, Money(1_000), date!(2025 - 01 - 14), "avance", &lead())
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Disbursement(DisbursementError::BeforeSignature { .. })),
        "{err:?}"
    );
    store
        .request_disbursement(7, 71, Money(1_000), date!(2025 - 01 - 15), "avance", &lead())
        .await
        .unwrap();
}

#[tokio::test]
async fn check_and_approve_recheck_the_amount_against_a_lowered_tranche() {
    let store = store().await;
    agreement(&store).await;
    // 5 000 € requested on tranche 71, then the tranche lowered to 1 € behind the rules'
    // back: the check refuses, then (checked before the lowering) the approval too.
    let d = store
        .request_disbursement(7, 71, Money(500_000), DAY, "avance", &lead())
        .await
        .unwrap();
    execute(&store, "UPDATE tranches SET amount_cents = 100 WHERE id = 71")
        .await
        .unwrap();
    let err = store
        .take_disbursement_step(d.id, Step::Check, DAY, "ok", &instructor(), &caps())
        .await
        .unwrap_err();
    match err {
        StoreError::Disbursement(DisbursementError::TrancheLowered {
            tranche_amount,
            others,
            remaining,
            ..
        }) => assert_eq!((tranche_amount, others, remaining), (Money(100), Money(0), Money(100))),
        other => panic!("expected a lowered tranche, got {other:?}"),
    }
    execute(&store, "UPDATE tranches SET amount_cents = 600000 WHERE id = 71")
        .await
        .unwrap();
    store
        .take_disbursement_step(d.id, Step::Check, DAY, "ok", &instructor(), &caps())
        .await
        .unwrap();
    execute(&store, "UPDATE tranches SET amount_cents = 100 WHERE id = 71")
        .await
        .unwrap();
    let err = store
        .take_disbursement_step(d.id, Step::Approve, DAY, "ok", &manager(), &caps())
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Disbursement(DisbursementError::TrancheLowered { .. })),
        "{err:?}"
    );
    assert_eq!(
        store.disbursement(d.id).await.unwrap().unwrap().disbursement.status,
        Status::Checked
    );
}
