//! Calls managed in the platform and answers to their form, on the backend named by
//! `TEST_DATABASE_URL` (a fresh SQLite file when unset): a re-import of the press kit keeps
//! them; drafts are frozen once published; closed and historical calls refuse drafts;
//! answers are saved while draft only and required ones are checked at submission.

use std::collections::BTreeMap;
use territoires_domain::access::{Email, Role};
use territoires_domain::application::{ApplicationStatus as S, Transition};
use territoires_domain::call::CallKind;
use territoires_domain::form::{parse_answers, FieldKind, FormField};
use territoires_domain::platform_call::{CallDefinition, CallStatus};
use territoires_domain::vocabulary::Theme;
use territoires_domain::Money;
use territoires_formats::press_kit::{parse, EMBEDDED, EMBEDDED_FILE};
use territoires_store::testing::{execute, fresh_database_url, open_call};
use territoires_store::{AbsentProjects, Account, NewAccount, Store, StoreError};
use time::macros::datetime;
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
    store
}

async fn lead(store: &Store, email: &str) -> Account {
    let new = NewAccount {
        email: Email::parse(email).unwrap(),
        display_name: "Porteuse",
        role: Role::ProjectLead,
        organisation: None,
        password: None,
    };
    store.create_account(new, "test").await.unwrap()
}

fn field(key: &str, label: &str, kind: FieldKind, required: bool) -> FormField {
    FormField {
        key: key.into(),
        label: label.into(),
        kind,
        required,
        help: String::new(),
    }
}

fn definition() -> CallDefinition {
    CallDefinition {
        kind: CallKind::CallForProjects,
        title: "Territoires ruraux innovants".into(),
        // 10 January 2099 10:00 and 15 March 2099 12:00, Paris winter time (UTC+1).
        opens_at: datetime!(2099-01-10 09:00 UTC),
        closes_at: datetime!(2099-03-15 11:00 UTC),
        themes: vec![Theme::Mobility, Theme::Digital],
        eligibility: vec!["Être une collectivité territoriale".into()],
        form: vec![field("budget", "Budget total", FieldKind::Amount, true)],
    }
}

#[tokio::test]
async fn a_reimport_keeps_the_platform_calls() {
    let store = store().await;
    let call = store.create_call(&definition(), "account:1").await.unwrap();
    assert_eq!(call.slug, "aap-2099-territoires-ruraux-innovants");
    assert_eq!(call.status, CallStatus::Draft);
    // The same title again gets a suffix.
    let twin = store.create_call(&definition(), "account:1").await.unwrap();
    assert_eq!(twin.slug, "aap-2099-territoires-ruraux-innovants-2");

    // A changed press kit rewrites the programme's calls: the platform's stay.
    let mut kit = parse(EMBEDDED, EMBEDDED_FILE).unwrap();
    kit.programme.calls[1].title.push_str(" (modifié)");
    let report = store
        .import(&kit.programme, &kit.projects, AbsentProjects::Refuse, "system")
        .await
        .unwrap();
    assert!(report.programme_changed);
    assert_eq!(store.platform_call(&call.slug).await.unwrap(), Some(call.clone()));
    assert_eq!(store.platform_calls().await.unwrap().len(), 2);
    let registry = store.load_registry().await.unwrap().unwrap();
    assert_eq!(registry.programme.calls.len(), 2, "the historical calls, as imported");
    assert!(registry.programme.calls[1].title.ends_with("(modifié)"));
}

#[tokio::test]
async fn a_published_call_is_frozen_and_audited() {
    let store = store().await;
    let call = store.create_call(&definition(), "account:7").await.unwrap();
    let mut def = definition();
    def.form.push(field("debut", "Date de démarrage", FieldKind::Date, false));
    let edited = store.update_call(&call.slug, &def, true, "account:7").await.unwrap();
    assert_eq!(edited.definition.form.len(), 2);
    assert!(store.published_calls().await.unwrap().is_empty(), "a draft is not published");

    let now = datetime!(2098-12-01 10:00 UTC);
    let published = store.publish_call(&call.slug, "account:7", now).await.unwrap();
    assert_eq!(published.status, CallStatus::Published);
    assert_eq!(published.published_at.as_deref(), Some("2098-12-01T10:00:00Z"));
    match store.update_call(&call.slug, &definition(), true, "account:7").await {
        Err(StoreError::Refused(m)) => assert_eq!(
            m,
            "L'appel « Territoires ruraux innovants » est publié : son contenu et son formulaire sont figés."
        ),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        store.publish_call(&call.slug, "account:7", now).await,
        Err(StoreError::Refused(_))
    ));
    let log = store.audit_entries().await.unwrap();
    let actions: Vec<&str> = log[1..].iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["call.create", "call.form", "call.publish"]);
    assert_eq!(log[3].subject, format!("call:{}", call.slug));
    assert_eq!(log[3].before["status"], "draft");
    assert_eq!(log[3].after["status"], "published");
    assert_eq!(log[2].after["fields"][1], serde_json::json!(["debut", "date", false]));
    assert!(store.verify_audit().await.unwrap().is_intact());

    // A definition that does not check is refused whole.
    let mut bad = definition();
    bad.title = " ".into();
    assert!(matches!(store.create_call(&bad, "account:7").await, Err(StoreError::Refused(_))));
    // Publishing after the closing instant is refused.
    let late = store.create_call(&definition(), "account:7").await.unwrap();
    match store.publish_call(&late.slug, "account:7", datetime!(2099-03-15 11:00 UTC)).await {
        Err(StoreError::Refused(m)) => assert!(m.contains("15/03/2099 à 12:00"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn closed_draft_and_historical_calls_refuse_new_drafts() {
    let store = store().await;
    let anne = lead(&store, "anne@example.fr").await;
    // The 2018 call of the press kit is closed.
    match store.create_draft("aap-2018", &anne, "Projet", "", None).await {
        Err(StoreError::Refused(m)) => assert!(m.contains("appel historique, clos"), "{m}"),
        other => panic!("{other:?}"),
    }
    // A draft call is unknown to applicants.
    let draft = store.create_call(&definition(), "account:1").await.unwrap();
    assert!(matches!(
        store.create_draft(&draft.slug, &anne, "Projet", "", None).await,
        Err(StoreError::NotFound(_))
    ));
    // Published but not open yet (opens in 2099).
    store
        .publish_call(&draft.slug, "account:1", OffsetDateTime::now_utc())
        .await
        .unwrap();
    match store.create_draft(&draft.slug, &anne, "Projet", "", None).await {
        Err(StoreError::Refused(m)) => assert!(m.contains("pas encore ouvert : ouverture le 10/01/2099 à 10:00"), "{m}"),
        other => panic!("{other:?}"),
    }
    // Open, then closed by the clock: its closing instant moved to the past.
    let open = open_call(&store, "Appel ouvert", vec![]).await.unwrap();
    store.create_draft(&open, &anne, "Projet", "", None).await.unwrap();
    execute(
        &store,
        &format!("UPDATE platform_calls SET closes_at = '2020-03-15T11:00:00Z' WHERE slug = '{open}'"),
    )
    .await
    .unwrap();
    match store.create_draft(&open, &anne, "Projet", "", None).await {
        Err(StoreError::Refused(m)) => assert_eq!(
            m,
            "L'appel « Appel ouvert » est clos depuis le 15/03/2020 à 12:00 (heure de Paris) : il n'accepte plus de candidatures."
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(store.applications_of(anne.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn answers_are_saved_while_draft_and_required_ones_checked_at_submission() {
    let store = store().await;
    let form = vec![
        field("budget", "Budget total", FieldKind::Amount, true),
        field("resume", "Résumé", FieldKind::LongText, true),
        field("plan", "Plan de financement", FieldKind::File, true),
    ];
    let slug = open_call(&store, "Appel avec formulaire", form.clone()).await.unwrap();
    let anne = lead(&store, "anne@example.fr").await;
    let bruno = lead(&store, "bruno@example.fr").await;
    let app = store.create_draft(&slug, &anne, "Tiers-lieu", "", None).await.unwrap();
    let now = OffsetDateTime::now_utc();

    // Nothing answered: both typed required fields are named (the file is not counted).
    match store.transition(app.id, &Transition::Submit, &anne, now).await {
        Err(StoreError::Refused(m)) => assert_eq!(
            m,
            "« Déposer » impossible : champs obligatoires non remplis : « Budget total », « Résumé »"
        ),
        other => panic!("{other:?}"),
    }
    let raw: BTreeMap<String, String> = [("budget".to_owned(), "1 234,56".to_owned())].into();
    let answers = parse_answers(&form, &raw).unwrap();
    store.save_answers(app.id, &answers, &anne).await.unwrap();
    // Another lead cannot write them.
    assert!(matches!(
        store.save_answers(app.id, &answers, &bruno).await,
        Err(StoreError::Refused(_))
    ));
    match store.transition(app.id, &Transition::Submit, &anne, now).await {
        Err(StoreError::Refused(m)) => assert!(m.ends_with("non remplis : « Résumé »"), "{m}"),
        other => panic!("{other:?}"),
    }
    let raw: BTreeMap<String, String> = [
        ("budget".to_owned(), "1 234,56".to_owned()),
        ("resume".to_owned(), "Un tiers-lieu rural.".to_owned()),
    ]
    .into();
    store
        .save_answers(app.id, &parse_answers(&form, &raw).unwrap(), &anne)
        .await
        .unwrap();
    let stored = store.application_answers(app.id).await.unwrap();
    assert_eq!(
        stored["budget"],
        territoires_domain::form::Answer::Amount(Money(123_456)),
        "1 234,56 € = 123 456 cents"
    );
    let submitted = store.transition(app.id, &Transition::Submit, &anne, now).await.unwrap();
    assert_eq!(submitted.status, S::Submitted);
    // Submitted: the answers are frozen.
    match store.save_answers(app.id, &stored, &anne).await {
        Err(StoreError::Refused(m)) => assert!(m.contains("« Déposée »"), "{m}"),
        other => panic!("{other:?}"),
    }
    let log = store.audit_entries().await.unwrap();
    let answers_entries: Vec<_> = log.iter().filter(|e| e.action == "application.answers").collect();
    assert_eq!(answers_entries.len(), 2);
    assert_eq!(answers_entries[0].before, serde_json::json!({"answers": []}));
    assert_eq!(
        answers_entries[0].after,
        serde_json::json!({"answers": [["budget", {"kind": "amount", "value": 123456}]]})
    );
    assert_eq!(store.call_figures(&slug).await.unwrap(), (1, 0));
    assert!(store.verify_audit().await.unwrap().is_intact());
}
