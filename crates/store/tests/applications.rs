//! Applications and their workflow on the backend named by `TEST_DATABASE_URL` (a fresh
//! SQLite file when unset): the whole path with its events and audit entries, a refused
//! transition that writes nothing, the call's deadline, and two concurrent transitions
//! from the same status of which only one wins.

use territoires_domain::access::{Email, Role};
use territoires_domain::application::{ApplicationStatus as S, Transition, TransitionKind as T};
use territoires_domain::Money;
use territoires_formats::press_kit::{parse, EMBEDDED, EMBEDDED_FILE};
use territoires_store::testing::{execute, fresh_database_url, open_call};
use territoires_store::{AbsentProjects, Account, NewAccount, Store, StoreError};
use time::macros::datetime;
use time::OffsetDateTime;

/// A fresh store with the embedded press kit imported (audit seq 1), so that the calls
/// `ami-2017` and `aap-2018` exist (both closed: historical), and a platform call open to
/// applications (audit seq 2 and 3, `call.create` and `call.publish`), whose slug is
/// returned beside the store.
async fn store() -> (Store, String) {
    let url = fresh_database_url(std::env::var("TEST_DATABASE_URL").ok().as_deref())
        .await
        .expect("fresh database");
    let store = Store::connect(&url).await.expect("connect");
    let kit = parse(EMBEDDED, EMBEDDED_FILE).expect("press kit");
    store
        .import(&kit.programme, &kit.projects, AbsentProjects::Refuse, "system")
        .await
        .expect("import");
    let open = open_call(&store, "Appel ouvert", vec![]).await.expect("open call");
    (store, open)
}

async fn account(store: &Store, email: &str, role: Role) -> Account {
    let new = NewAccount {
        email: Email::parse(email).unwrap(),
        display_name: role.label(),
        role,
        organisation: None,
        password: None,
    };
    store.create_account(new, "test").await.unwrap()
}

async fn count(store: &Store, table: &str) -> u64 {
    // `SELECT` through `execute` affects no row: count with a no-op UPDATE instead.
    let sql = match table {
        "application_events" => "UPDATE application_events SET seq = seq",
        "audit_log" => "UPDATE audit_log SET seq = seq",
        other => panic!("{other}"),
    };
    execute(store, sql).await.unwrap()
}

const NOW: OffsetDateTime = datetime!(2026-03-02 09:00:00 UTC);

#[tokio::test]
async fn the_whole_path_to_selection_with_events_and_audit_entries() {
    let (store, open) = store().await;
    let lead = account(&store, "porteur@example.fr", Role::ProjectLead).await;
    let instructor = account(&store, "instructeur@example.fr", Role::Instructor).await;
    let manager = account(&store, "charge@example.fr", Role::ProgrammeManager).await;
    // Audit so far: import (1), the open call (2, 3) and three accounts (4, 5, 6).
    let app = store
        .create_draft(
            &open,
            &lead,
            "Vallée de la chimie verte",
            "Un territoire industriel en transition.",
            Some(Money::from_euros(12_500_000).unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(app.status, S::Draft);
    assert_eq!(app.requested, Some(Money(1_250_000_000)));
    assert_eq!(store.application(app.id).await.unwrap(), Some(app.clone()));

    let steps = [
        (Transition::Submit, &lead, S::Submitted),
        (Transition::StartReview, &instructor, S::UnderReview),
        (
            Transition::ReturnForCompletion {
                reason: "Plan de financement manquant".into(),
            },
            &instructor,
            S::ReturnedForCompletion,
        ),
        (Transition::Resubmit, &lead, S::UnderReview),
        (Transition::InviteToHearing, &instructor, S::Hearing),
        (
            Transition::Select {
                reason: "Projet structurant, partenariat solide".into(),
            },
            &manager,
            S::Selected,
        ),
    ];
    for (i, (t, who, expected)) in steps.iter().enumerate() {
        let now = NOW + time::Duration::minutes(i as i64);
        let got = store.transition(app.id, t, who, now).await.unwrap();
        assert_eq!(got.status, *expected, "{t:?}");
    }
    assert_eq!(store.application(app.id).await.unwrap().unwrap().status, S::Selected);

    let events = store.application_events(app.id).await.unwrap();
    let summary: Vec<(i64, T, S, S, Option<&str>)> = events
        .iter()
        .map(|e| (e.seq, e.transition, e.from, e.to, e.reason.as_deref()))
        .collect();
    assert_eq!(
        summary,
        [
            (1, T::Submit, S::Draft, S::Submitted, None),
            (2, T::StartReview, S::Submitted, S::UnderReview, None),
            (
                3,
                T::ReturnForCompletion,
                S::UnderReview,
                S::ReturnedForCompletion,
                Some("Plan de financement manquant")
            ),
            (4, T::Resubmit, S::ReturnedForCompletion, S::UnderReview, None),
            (5, T::InviteToHearing, S::UnderReview, S::Hearing, None),
            (
                6,
                T::Select,
                S::Hearing,
                S::Selected,
                Some("Projet structurant, partenariat solide")
            ),
        ]
    );
    assert_eq!(events[0].at, "2026-03-02T09:00:00Z");
    assert_eq!(events[5].actor_account_id, manager.id);
    assert_eq!(events[5].actor_name, "Chargé de programme");

    // Audit: import, the call (2), 3 accounts, the creation, 6 transitions = 13 entries,
    // chain intact.
    let log = store.audit_entries().await.unwrap();
    let actions: Vec<&str> = log[6..].iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "application.create",
            "application.submit",
            "application.start-review",
            "application.return-for-completion",
            "application.resubmit",
            "application.invite-to-hearing",
            "application.select",
        ]
    );
    let last = log.last().unwrap();
    assert_eq!(last.subject, format!("application:{}", app.id));
    assert_eq!(last.actor, format!("account:{}", manager.id));
    assert_eq!(last.before, serde_json::json!({"status": "hearing"}));
    assert_eq!(
        last.after,
        serde_json::json!({"status": "selected", "reason": "Projet structurant, partenariat solide", "event": 6})
    );
    let v = store.verify_audit().await.unwrap();
    assert!(v.is_intact(), "{:?}", v.findings);
    assert_eq!(v.entries, 13);

    assert_eq!(store.applications_of(lead.id).await.unwrap().len(), 1);
    assert!(store.applications_of(instructor.id).await.unwrap().is_empty());
    assert_eq!(store.applications_of_call(&open).await.unwrap().len(), 1);
    assert!(store.applications_of_call("ami-2017").await.unwrap().is_empty());
}

#[tokio::test]
async fn a_refused_transition_writes_nothing() {
    let (store, open) = store().await;
    let lead = account(&store, "porteur@example.fr", Role::ProjectLead).await;
    let manager = account(&store, "charge@example.fr", Role::ProgrammeManager).await;
    let app = store.create_draft(&open, &lead, "Projet", "", None).await.unwrap();
    let (events, audit) = (count(&store, "application_events").await, count(&store, "audit_log").await);
    let cases = [
        // Wrong role: a project lead cannot start the review.
        (
            Transition::StartReview,
            &lead,
            "le rôle « Porteur de projet » ne permet pas l'action « Ouvrir l'instruction » sur une candidature",
        ),
        // Wrong status: nothing to select in a draft.
        (
            Transition::Select { reason: "bien".into() },
            &manager,
            "« Retenir » impossible depuis le statut « Brouillon »",
        ),
        // Blank reason.
        (
            Transition::Withdraw { reason: "  ".into() },
            &lead,
            "« Retirer » : le motif est obligatoire",
        ),
    ];
    for (t, who, message) in cases {
        match store.transition(app.id, &t, who, NOW).await {
            Err(StoreError::Refused(m)) => assert_eq!(m, message),
            other => panic!("{t:?}: {other:?}"),
        }
    }
    assert_eq!(store.application(app.id).await.unwrap().unwrap().status, S::Draft);
    assert_eq!(count(&store, "application_events").await, events);
    assert_eq!(count(&store, "audit_log").await, audit);
    assert!(store.application_events(app.id).await.unwrap().is_empty());

    // Unknown application or call.
    let missing = territoires_domain::application::ApplicationId(app.id.0 + 1000);
    assert!(matches!(
        store.transition(missing, &Transition::Submit, &lead, NOW).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.create_draft("aap-2099", &lead, "Projet", "", None).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(count(&store, "audit_log").await, audit);
}

#[tokio::test]
async fn submission_is_refused_from_the_call_s_closing_instant() {
    let (store, open) = store().await;
    let lead = account(&store, "porteur@example.fr", Role::ProjectLead).await;
    let late = store.create_draft(&open, &lead, "En retard", "", None).await.unwrap();
    // Once the draft exists, the call's closing instant is moved for the test to 15 March
    // 2019 at 12:00 Paris time (UTC+1 in winter) = 11:00 UTC.
    execute(
        &store,
        &format!("UPDATE platform_calls SET closes_at = '2019-03-15T11:00:00Z' WHERE slug = '{open}'"),
    )
    .await
    .unwrap();
    let audit = count(&store, "audit_log").await;
    match store
        .transition(late.id, &Transition::Submit, &lead, datetime!(2019-03-15 11:00:00 UTC))
        .await
    {
        Err(StoreError::Refused(m)) => assert_eq!(
            m,
            "« Déposer » impossible : l'appel est clos depuis le 15/03/2019 à 12:00:00 (heure de Paris)"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(count(&store, "audit_log").await, audit);
    assert_eq!(store.application(late.id).await.unwrap().unwrap().status, S::Draft);
    // One second earlier (11:59:59 Paris) it is accepted.
    let on_time = store
        .transition(late.id, &Transition::Submit, &lead, datetime!(2019-03-15 10:59:59 UTC))
        .await
        .unwrap();
    assert_eq!(on_time.status, S::Submitted);
}

#[tokio::test]
async fn of_two_concurrent_transitions_from_the_same_status_one_wins() {
    let (store, open) = store().await;
    let lead = account(&store, "porteur@example.fr", Role::ProjectLead).await;
    let a = account(&store, "instructrice-a@example.fr", Role::Instructor).await;
    let b = account(&store, "instructeur-b@example.fr", Role::ProgrammeManager).await;
    let app = store.create_draft(&open, &lead, "Projet", "", None).await.unwrap();
    store.transition(app.id, &Transition::Submit, &lead, NOW).await.unwrap();
    let audit = count(&store, "audit_log").await;
    // Both start from `under-review`: one invites to a hearing, the other returns the
    // application for completion. Neither may follow the other (from `hearing` there is
    // no return; from `returned-for-completion` no hearing), so whichever order the
    // database serialises them in, exactly one succeeds.
    store.transition(app.id, &Transition::StartReview, &a, NOW).await.unwrap();
    let give_back = Transition::ReturnForCompletion {
        reason: "Budget à détailler".into(),
    };
    let (x, y) = tokio::join!(
        store.transition(app.id, &Transition::InviteToHearing, &a, NOW),
        store.transition(app.id, &give_back, &b, NOW),
    );
    let wins = [&x, &y].iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "{x:?} {y:?}");
    let loser = if x.is_ok() { y } else { x };
    match loser {
        Err(StoreError::Refused(m)) => assert!(m.contains("impossible"), "{m}"),
        other => panic!("the loser is refused, not {other:?}"),
    }
    let events = store.application_events(app.id).await.unwrap();
    assert_eq!(events.len(), 3, "submit, start review, and one of the two");
    assert_eq!(events[2].from, S::UnderReview);
    assert_eq!(store.application(app.id).await.unwrap().unwrap().status, events[2].to);
    assert_eq!(count(&store, "audit_log").await, audit + 2);
    assert!(store.verify_audit().await.unwrap().is_intact());
}
