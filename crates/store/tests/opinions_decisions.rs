//! Opinions, deliberation records and laureates created from applications, on the backend
//! named by `TEST_DATABASE_URL` (a fresh SQLite file when unset). Expected values are
//! worked out by hand from the steps each test takes.

use territoires_domain::access::{Email, Role};
use territoires_domain::application::{ApplicationId, ApplicationStatus as S, Transition, TransitionKind as T};
use territoires_domain::deliberation::{Decision, DecisionLine, Record};
use territoires_domain::laureate::LaureateFigures;
use territoires_domain::opinion::{Counts, OpinionStatus, Verdict};
use territoires_domain::Money;
use territoires_formats::press_kit::{parse, EMBEDDED, EMBEDDED_FILE};
use territoires_store::testing::fresh_database_url;
use territoires_store::{AbsentProjects, Account, NewAccount, Store, StoreError};
use time::macros::{date, datetime};
use time::OffsetDateTime;

async fn store() -> Store {
    let url = fresh_database_url(std::env::var("TEST_DATABASE_URL").ok().as_deref())
        .await
        .expect("fresh database");
    let store = Store::connect(&url).await.expect("connect");
    let kit = parse(EMBEDDED, EMBEDDED_FILE).expect("press kit");
    store
        .import(&kit.programme, &kit.projects, AbsentProjects::Refuse, "system")
        .await
        .expect("import");
    territoires_store::testing::open_test_call(&store).await.expect("test call");
    store
}

async fn account(store: &Store, email: &str, role: Role, organisation: Option<&str>) -> Account {
    let new = NewAccount {
        email: Email::parse(email).unwrap(),
        display_name: email.split('@').next().unwrap(),
        role,
        organisation,
        password: None,
    };
    store.create_account(new, "test").await.unwrap()
}

/// 2 March 2026, 10:00 in Paris.
const NOW: OffsetDateTime = datetime!(2026-03-02 09:00:00 UTC);

struct Cast {
    lead: Account,
    instructor: Account,
    manager: Account,
}

async fn cast(store: &Store) -> Cast {
    Cast {
        lead: account(store, "porteur@example.fr", Role::ProjectLead, Some("Ville de Valence")).await,
        instructor: account(store, "instructeur@example.fr", Role::Instructor, Some("Préfecture de région")).await,
        manager: account(store, "charge@example.fr", Role::ProgrammeManager, None).await,
    }
}

/// A draft of `c.lead` to `aap-2020-appel-de-test` taken to `to` (under review or hearing).
async fn application(store: &Store, c: &Cast, title: &str, to: S) -> ApplicationId {
    let app = store
        .create_draft(
            territoires_store::testing::TEST_CALL,
            &c.lead,
            title,
            "Résumé.",
            Some(Money(250_000_000)),
        )
        .await
        .unwrap();
    let mut steps = vec![(Transition::Submit, &c.lead), (Transition::StartReview, &c.instructor)];
    if to == S::Hearing {
        steps.push((Transition::InviteToHearing, &c.instructor));
    }
    for (t, who) in steps {
        store.transition(app.id, &t, who, NOW).await.unwrap();
    }
    app.id
}

fn counts(requests: &[territoires_store::OpinionRequest], now: OffsetDateTime) -> Counts {
    Counts::of(requests.iter().map(|r| r.status(now)))
}

#[tokio::test]
async fn opinions_are_requested_answered_once_and_counted() {
    let store = store().await;
    let c = cast(&store).await;
    let expert = account(&store, "expert@example.fr", Role::Expert, Some("Cerema")).await;
    let ministry = account(&store, "ministere@example.fr", Role::Instructor, Some("Ministère de la transition")).await;
    let id = application(&store, &c, "Vallée verte", S::UnderReview).await;

    let to_expert = store
        .request_opinion(
            id,
            expert.id,
            "Le modèle économique tient-il ?",
            date!(2026 - 03 - 05),
            &c.manager,
            NOW,
        )
        .await
        .unwrap();
    let to_ministry = store
        .request_opinion(
            id,
            ministry.id,
            "Cohérence avec la stratégie nationale ?",
            date!(2026 - 03 - 10),
            &c.instructor,
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(to_expert.requested_of_organisation.as_deref(), Some("Cerema"));
    assert_eq!(to_expert.requested_at, "2026-03-02T09:00:00Z");
    assert_eq!(to_expert.status(NOW), OpinionStatus::Pending);

    // Only the addressee answers (the ministry's instructor is told it does not exist).
    let answer_at = datetime!(2026-03-04 15:00:00 UTC);
    let wrong = store
        .answer_opinion(to_expert.id, Verdict::Favourable, "Oui.", &ministry, answer_at)
        .await;
    assert!(matches!(wrong, Err(StoreError::NotFound(_))), "{wrong:?}");
    let answered = store
        .answer_opinion(
            to_expert.id,
            Verdict::FavourableWithReservations,
            " Oui, si le financement est confirmé. ",
            &expert,
            answer_at,
        )
        .await
        .unwrap();
    let a = answered.answer.as_ref().unwrap();
    assert_eq!(
        (a.verdict, a.text.as_str(), a.answered_at.as_str()),
        (
            Verdict::FavourableWithReservations,
            "Oui, si le financement est confirmé.",
            "2026-03-04T15:00:00Z"
        )
    );
    let again = store
        .answer_opinion(to_expert.id, Verdict::Unfavourable, "Non.", &expert, answer_at)
        .await;
    assert!(matches!(again, Err(StoreError::Refused(_))), "answered once only: {again:?}");

    // Dashboard counts, by hand: on 4 March, one answered, the ministry's pending (due 10
    // March); on 11 March (Paris) the ministry's is overdue.
    let all = store.opinion_requests().await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(
        counts(&all, answer_at),
        Counts {
            answered: 1,
            pending: 1,
            overdue: 0
        }
    );
    // 10 March 23:30 UTC is 11 March 00:30 in Paris.
    assert_eq!(
        counts(&all, datetime!(2026-03-10 23:30 UTC)),
        Counts {
            answered: 1,
            pending: 0,
            overdue: 1
        }
    );
    assert_eq!(store.opinion_requests_of(ministry.id).await.unwrap()[0].id, to_ministry.id);
    assert!(store.opinion_requests_of(c.lead.id).await.unwrap().is_empty());

    // Refusals: due date not after today, an addressee who gives no opinions, a draft.
    let today = store
        .request_opinion(id, expert.id, "?", date!(2026 - 03 - 02), &c.manager, NOW)
        .await;
    assert!(matches!(today, Err(StoreError::Refused(_))), "{today:?}");
    let to_lead = store
        .request_opinion(id, c.lead.id, "?", date!(2026 - 03 - 09), &c.manager, NOW)
        .await;
    assert!(matches!(to_lead, Err(StoreError::Refused(_))), "{to_lead:?}");
    let draft = store
        .create_draft(territoires_store::testing::TEST_CALL, &c.lead, "Brouillon", "", None)
        .await
        .unwrap();
    let on_draft = store
        .request_opinion(draft.id, expert.id, "?", date!(2026 - 03 - 09), &c.manager, NOW)
        .await;
    assert!(matches!(on_draft, Err(StoreError::Refused(_))), "{on_draft:?}");

    let actions: Vec<String> = store.audit_entries().await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(actions.iter().filter(|a| *a == "opinion.request").count(), 2);
    assert_eq!(actions.iter().filter(|a| *a == "opinion.answer").count(), 1);
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn an_opinion_due_in_the_past_is_overdue_by_the_server_clock() {
    let store = store().await;
    let c = cast(&store).await;
    let expert = account(&store, "expert@example.fr", Role::Expert, None).await;
    let id = application(&store, &c, "Vallée verte", S::Hearing).await;
    // Asked on 2 March 2026, due 3 March 2026: past by now (the server clock).
    let r = store
        .request_opinion(id, expert.id, "Avis ?", date!(2026 - 03 - 03), &c.manager, NOW)
        .await
        .unwrap();
    let now = OffsetDateTime::now_utc();
    assert!(
        now > datetime!(2026-03-04 00:00 UTC),
        "this test assumes it runs after 3 March 2026"
    );
    assert_eq!(r.status(now), OpinionStatus::Overdue);
    assert_eq!(r.status(NOW), OpinionStatus::Pending);
}

fn line(id: ApplicationId, decision: Decision, reason: &str) -> DecisionLine {
    DecisionLine {
        application_id: id,
        decision,
        reason: reason.into(),
    }
}

fn record(decisions: Vec<DecisionLine>) -> Record {
    Record {
        held_on: date!(2026 - 03 - 20),
        members: vec!["Anne Martin (présidente)".into(), "Paul Durand".into()],
        decisions,
    }
    .check(date!(2026 - 03 - 20))
    .unwrap()
}

#[tokio::test]
async fn a_deliberation_takes_all_its_decisions_or_none() {
    let store = store().await;
    let c = cast(&store).await;
    let a = application(&store, &c, "Vallée verte", S::Hearing).await;
    let b = application(&store, &c, "Port durable", S::Hearing).await;
    let under_review = application(&store, &c, "Montagne vivante", S::UnderReview).await;
    let audit_before = store.audit_entries().await.unwrap().len();

    // One application not in hearing: nothing at all is written.
    let refused = store
        .record_deliberation(
            territoires_store::testing::TEST_CALL,
            &record(vec![
                line(a, Decision::Selected, "Projet solide"),
                line(under_review, Decision::Rejected, "Hors sujet"),
            ]),
            &c.manager,
            NOW,
        )
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Refused(m)) if m.contains(&format!("n° {under_review}"))),
        "{refused:?}"
    );
    assert_eq!(
        store.application(a).await.unwrap().unwrap().status,
        S::Hearing,
        "a's selection rolled back"
    );
    assert_eq!(store.application_events(a).await.unwrap().len(), 3);
    assert!(store
        .deliberations_of_call(territoires_store::testing::TEST_CALL)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.audit_entries().await.unwrap().len(), audit_before);

    // An instructor may not decide: refused by the transition, nothing written.
    let by_instructor = store
        .record_deliberation(
            territoires_store::testing::TEST_CALL,
            &record(vec![line(a, Decision::Selected, "x")]),
            &c.instructor,
            NOW,
        )
        .await;
    assert!(matches!(by_instructor, Err(StoreError::Refused(_))), "{by_instructor:?}");

    let (d, apps) = store
        .record_deliberation(
            territoires_store::testing::TEST_CALL,
            &record(vec![
                line(a, Decision::Selected, "Projet solide"),
                line(b, Decision::Rejected, "Plan de financement fragile"),
            ]),
            &c.manager,
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(apps.iter().map(|x| x.status).collect::<Vec<_>>(), [S::Selected, S::Rejected]);
    let last = |events: Vec<territoires_store::ApplicationEvent>| {
        let e = events.last().unwrap().clone();
        (e.seq, e.transition, e.reason.unwrap_or_default())
    };
    assert_eq!(
        last(store.application_events(a).await.unwrap()),
        (4, T::Select, "Projet solide".into())
    );
    assert_eq!(
        last(store.application_events(b).await.unwrap()),
        (4, T::Reject, "Plan de financement fragile".into())
    );
    let stored = store.deliberations_of_call(territoires_store::testing::TEST_CALL).await.unwrap();
    assert_eq!(stored, vec![d.clone()]);
    assert_eq!(d.held_on, date!(2026 - 03 - 20));
    assert_eq!(d.members, ["Anne Martin (présidente)", "Paul Durand"]);
    assert_eq!(d.decisions[1].application_title, "Port durable");
    // Audit: the two transitions then the record.
    let log = store.audit_entries().await.unwrap();
    let actions: Vec<&str> = log[audit_before..].iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["application.select", "application.reject", "deliberation.record"]);
    assert_eq!(log.last().unwrap().subject, "call:aap-2020-appel-de-test");
    assert!(store.verify_audit().await.unwrap().is_intact());
}

fn figures() -> LaureateFigures {
    LaureateFigures {
        subsidy_ceiling: Money(250_000_000),
        investment_potential: Money(1_000_000_000),
        population: 120_000,
        partners: 12,
        local_authorities: 4,
    }
}

#[tokio::test]
async fn a_laureate_from_an_application_survives_reimports_of_the_press_kit() {
    let store = store().await;
    let c = cast(&store).await;
    let a = application(&store, &c, "Vallée Verte", S::Hearing).await;
    let not_selected = store.create_laureate(a, figures(), &c.manager, NOW).await;
    assert!(matches!(not_selected, Err(StoreError::Refused(_))), "{not_selected:?}");
    store
        .transition(a, &Transition::Select { reason: "Solide".into() }, &c.manager, NOW)
        .await
        .unwrap();
    let before = store.load_registry().await.unwrap().unwrap();
    let imports_before = store.import_count().await.unwrap();

    let (project, origin) = store.create_laureate(a, figures(), &c.manager, NOW).await.unwrap();
    assert_eq!(project.slug, "vallee-verte");
    assert_eq!(project.lead, "Ville de Valence", "the applicant's organisation");
    assert_eq!(
        (project.call.as_deref(), project.planned_budget),
        (Some(territoires_store::testing::TEST_CALL), None)
    );
    assert_eq!(origin.application_id, a);
    assert_eq!(store.laureate_of(a).await.unwrap().as_deref(), Some("vallee-verte"));
    assert_eq!(store.import_count().await.unwrap(), imports_before + 1, "running servers reload");
    let twice = store.create_laureate(a, figures(), &c.manager, NOW).await;
    assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");

    let check = |r: territoires_domain::Registry| {
        // 24 press-kit laureates + 1; the dashboard's figures stay the press kit's.
        assert_eq!(r.projects.len(), 25);
        assert_eq!(r.projects[24].slug, "vallee-verte");
        assert_eq!(r.stats, before.stats);
        assert_eq!(r.stats.totals.laureates, 24);
        assert_eq!(r.checks, before.checks);
        assert_eq!(r.origin("vallee-verte").map(|o| o.application_id), Some(a));
        // The laureate joins its own call; the 2018 call keeps its 24.
        assert_eq!(r.projects_of_call(territoires_store::testing::TEST_CALL).len(), 1);
        assert_eq!(r.projects_of_call("aap-2018").len(), 24);
    };
    check(store.load_registry().await.unwrap().unwrap());

    // Re-importing the press kit, even removing absent projects, keeps the laureate.
    let kit = parse(EMBEDDED, EMBEDDED_FILE).unwrap();
    let report = store
        .import(&kit.programme, &kit.projects, AbsentProjects::Refuse, "system")
        .await
        .unwrap();
    assert!(report.is_noop(), "{report:?}");
    let report = store
        .import(&kit.programme, &kit.projects, AbsentProjects::Remove, "system")
        .await
        .unwrap();
    assert!(report.removed.is_empty(), "{report:?}");
    check(store.load_registry().await.unwrap().unwrap());

    let entry = store.audit_entries().await.unwrap().pop().unwrap();
    assert_eq!(
        (entry.action.as_str(), entry.subject.as_str()),
        ("project.create-from-application", "project:vallee-verte")
    );
    assert!(store.verify_audit().await.unwrap().is_intact());
}
