//! Opinions, the committee's deliberation, notifications and laureates created from
//! applications, through the pages and the API (issue 3). Expected counts are worked out
//! by hand from the steps each test takes.

use crate::auth::{form, get_with, sign_in, PASSWORD};
use crate::{assert_contains, spawn_app_with, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use std::sync::Arc;
use territoires_domain::access::{Email, Role};
use territoires_domain::application::{ApplicationId, ApplicationStatus as S, Transition};
use territoires_domain::Money;
use territoires_formats::press_kit::{parse, EMBEDDED, EMBEDDED_FILE};
use territoires_store::{AbsentProjects, Account, NewAccount};
use territoires_web::notify::MemoryNotifier;
use time::macros::{date, datetime};
use time::OffsetDateTime;

struct World {
    app: TestApp,
    mail: Arc<MemoryNotifier>,
    lead: Account,
    instructor: Account,
    manager: Account,
    expert: Account,
    ministry: Account,
}

async fn account(app: &TestApp, login: &str, role: Role, organisation: Option<&str>) -> Account {
    let new = NewAccount {
        email: Email::parse(&format!("{login}@example.fr")).unwrap(),
        display_name: login,
        role,
        organisation,
        password: Some(PASSWORD),
    };
    app.store.create_account(new, "test").await.unwrap()
}

async fn world() -> World {
    let mail = Arc::new(MemoryNotifier::default());
    let app = spawn_app_with(mail.clone()).await;
    territoires_store::testing::open_test_call(&app.store).await.unwrap();
    World {
        lead: account(&app, "porteur", Role::ProjectLead, Some("Ville de Valence")).await,
        instructor: account(&app, "instructeur", Role::Instructor, Some("Banque des Territoires")).await,
        manager: account(&app, "charge", Role::ProgrammeManager, None).await,
        expert: account(&app, "expert", Role::Expert, Some("Cerema")).await,
        ministry: account(&app, "ministere", Role::Instructor, Some("Ministère de la transition")).await,
        mail,
        app,
    }
}

impl World {
    /// A draft of the lead to `aap-2020-appel-de-test` taken to `to` through the store, now.
    async fn application(&self, title: &str, to: S) -> ApplicationId {
        let store = &self.app.store;
        let app = store
            .create_draft(
                territoires_store::testing::TEST_CALL,
                &self.lead,
                title,
                "Résumé.",
                Some(Money(250_000_000)),
            )
            .await
            .unwrap();
        let now = OffsetDateTime::now_utc();
        let mut steps = vec![(Transition::Submit, &self.lead), (Transition::StartReview, &self.instructor)];
        if matches!(to, S::Hearing | S::Selected) {
            steps.push((Transition::InviteToHearing, &self.instructor));
        }
        if to == S::Selected {
            steps.push((Transition::Select { reason: "Solide".into() }, &self.manager));
        }
        for (t, who) in steps {
            store.transition(app.id, &t, who, now).await.unwrap();
        }
        app.id
    }

    async fn bearer(&self, who: &Account) -> String {
        let r = self
            .app
            .request(json(
                "POST",
                "/api/v1/sessions",
                None,
                serde_json::json!({"email": who.email.as_str(), "password": PASSWORD}),
            ))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        format!("Bearer {}", r.json()["token"].as_str().unwrap())
    }

    async fn api(&self, method: &str, uri: &str, bearer: &str, body: serde_json::Value) -> crate::TestResponse {
        self.app.request(json(method, uri, Some(bearer), body)).await
    }
}

fn json(method: &str, uri: &str, bearer: Option<&str>, body: serde_json::Value) -> Request<Body> {
    let mut r = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(b) = bearer {
        r = r.header(header::AUTHORIZATION, b);
    }
    let body = if method == "GET" {
        Body::empty()
    } else {
        Body::from(body.to_string())
    };
    r.body(body).unwrap()
}

/// Today in Paris plus `days`, as `YYYY-MM-DD`.
fn in_days(days: i64) -> String {
    let now = OffsetDateTime::now_utc();
    (territoires_domain::opinion::paris_today(now) + time::Duration::days(days)).to_string()
}

#[tokio::test]
async fn opinions_are_requested_answered_and_counted_on_the_dashboard() {
    let w = world().await;
    let id = w.application("Vallée verte", S::UnderReview).await;
    let manager = w.bearer(&w.manager).await;
    let uri = format!("/api/v1/applications/{id}/opinion-requests");

    let to_expert = w
        .api("POST", &uri, &manager, serde_json::json!({"requested_of_account_id": w.expert.id, "due_on": in_days(7), "question": "Le modèle économique tient-il ?"}))
        .await;
    assert_eq!(to_expert.status, StatusCode::CREATED, "{}", to_expert.body);
    assert_eq!(to_expert.json()["status"], "pending");
    assert_eq!(to_expert.json()["requested_of_organisation"], "Cerema");
    let to_ministry = w
        .api(
            "POST",
            &uri,
            &manager,
            serde_json::json!({"requested_of_account_id": w.ministry.id, "due_on": in_days(3), "question": "Cohérence nationale ?"}),
        )
        .await;
    assert_eq!(to_ministry.status, StatusCode::CREATED, "{}", to_ministry.body);
    let (expert_req, ministry_req) = (to_expert.json()["id"].as_i64().unwrap(), to_ministry.json()["id"].as_i64().unwrap());
    // Bad input: a due date of today, the lead as addressee, a blank question.
    for bad in [
        serde_json::json!({"requested_of_account_id": w.expert.id, "due_on": in_days(0), "question": "?"}),
        serde_json::json!({"requested_of_account_id": w.lead.id, "due_on": in_days(3), "question": "?"}),
        serde_json::json!({"requested_of_account_id": w.expert.id, "due_on": in_days(3), "question": "  "}),
    ] {
        let r = w.api("POST", &uri, &manager, bad.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", r.body);
    }

    // Both addressees were notified.
    let sent: Vec<(String, String)> = w.mail.messages().into_iter().map(|n| (n.to, n.kind)).collect();
    assert_eq!(
        sent,
        [
            ("expert@example.fr".to_owned(), "opinion.request".to_owned()),
            ("ministere@example.fr".to_owned(), "opinion.request".to_owned())
        ]
    );

    // The expert sees and answers only their own request.
    let expert = w.bearer(&w.expert).await;
    let mine = w.api("GET", "/api/v1/opinion-requests", &expert, serde_json::Value::Null).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert_eq!(mine.json()["items"].as_array().unwrap().len(), 1);
    let answer = serde_json::json!({"verdict": "favourable-with-reservations", "answer": "Oui, sous réserve du financement."});
    let other = w
        .api(
            "POST",
            &format!("/api/v1/opinion-requests/{ministry_req}/answer"),
            &expert,
            answer.clone(),
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND, "{}", other.body);
    let ok = w
        .api(
            "POST",
            &format!("/api/v1/opinion-requests/{expert_req}/answer"),
            &expert,
            answer.clone(),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.json()["status"], "answered");
    let twice = w
        .api("POST", &format!("/api/v1/opinion-requests/{expert_req}/answer"), &expert, answer)
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.body);
    assert_eq!(
        get_with(
            &w.app,
            &format!("/avis/{ministry_req}"),
            Some(&sign_in(&w.app, "expert@example.fr").await)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    // An overdue one, asked in the past (directly in the store, explicit clock).
    let asked = datetime!(2026-01-05 09:00 UTC);
    w.app
        .store
        .request_opinion(id, w.instructor.id, "Avis ancien ?", date!(2026 - 01 - 10), &w.manager, asked)
        .await
        .unwrap();

    // By hand: expert's answered, ministry's pending (due in 3 days), the old one overdue.
    let all = w.api("GET", "/api/v1/opinion-requests", &manager, serde_json::Value::Null).await;
    assert_eq!(all.json()["counts"], serde_json::json!({"answered": 1, "pending": 1, "overdue": 1}));
    let cookie = sign_in(&w.app, "charge@example.fr").await;
    let page = get_with(&w.app, "/avis", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_contains(&page.body, "Rendus : 1");
    assert_contains(&page.body, "En attente : 1");
    assert_contains(&page.body, "En retard : 1");
    assert_contains(&page.body, "fr-badge--error");
    assert_contains(&page.body, "ministere (Ministère de la transition)");
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
    let app_page = get_with(&w.app, &format!("/candidatures/{id}"), Some(&cookie)).await;
    assert_contains(&app_page.body, "Avis demandés");

    // A project lead never sees opinions.
    let lead_cookie = sign_in(&w.app, "porteur@example.fr").await;
    let lead = w.bearer(&w.lead).await;
    assert_eq!(
        w.api("GET", "/api/v1/opinion-requests", &lead, serde_json::Value::Null)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(get_with(&w.app, "/avis", Some(&lead_cookie)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        get_with(&w.app, "/avis/mes-demandes", Some(&lead_cookie)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get_with(&w.app, &format!("/avis/{expert_req}"), Some(&lead_cookie)).await.status,
        StatusCode::NOT_FOUND
    );
    let own = get_with(&w.app, &format!("/candidatures/{id}"), Some(&lead_cookie)).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(
        !own.body.contains("Avis demandés") && !own.body.contains("modèle économique"),
        "{}",
        own.body
    );
    let as_lead = w
        .api(
            "POST",
            &uri,
            &lead,
            serde_json::json!({"requested_of_account_id": w.expert.id, "due_on": in_days(3), "question": "?"}),
        )
        .await;
    assert_eq!(as_lead.status, StatusCode::FORBIDDEN);
    // The ministry's instructor answers through the page.
    let m_cookie = sign_in(&w.app, "ministere@example.fr").await;
    let list = get_with(&w.app, "/avis/mes-demandes", Some(&m_cookie)).await;
    assert_contains(&list.body, &format!("href=\"/avis/{ministry_req}\""));
    let token = csrf(&w.app, &m_cookie).await;
    let r = w
        .app
        .request(form(
            &format!("/avis/{ministry_req}"),
            format!("csrf={token}&verdict=unfavourable&answer=Non+conforme"),
            Some(&m_cookie),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let all = w.api("GET", "/api/v1/opinion-requests", &manager, serde_json::Value::Null).await;
    assert_eq!(all.json()["counts"], serde_json::json!({"answered": 2, "pending": 0, "overdue": 1}));
}

/// The session's anti-CSRF token.
async fn csrf(app: &TestApp, cookie: &str) -> String {
    let r = get_with(app, "/api/v1/session", Some(cookie)).await;
    r.json()["csrf_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_deliberation_decides_all_or_nothing_and_notifies_the_applicants() {
    let w = world().await;
    let a = w.application("Vallée verte", S::Hearing).await;
    let b = w.application("Port durable", S::Hearing).await;
    let c = w.application("Montagne vivante", S::UnderReview).await;
    let manager = w.bearer(&w.manager).await;
    let uri = "/api/v1/calls/aap-2020-appel-de-test/deliberations";
    let decision = |id: ApplicationId, d: &str, reason: &str| serde_json::json!({"application_id": id.0, "decision": d, "reason": reason});

    let refused = w
        .api("POST", uri, &manager, serde_json::json!({"held_on": "2026-03-20", "members": ["Anne Martin"], "decisions": [decision(a, "selected", "Solide"), decision(c, "rejected", "Hors sujet")]}))
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert_contains(&refused.body, &format!("n° {c}"));
    assert_eq!(
        w.app.store.application(a).await.unwrap().unwrap().status,
        S::Hearing,
        "nothing changed"
    );
    assert_eq!(
        w.api("GET", uri, &manager, serde_json::Value::Null).await.json(),
        serde_json::json!([])
    );
    assert!(w.mail.messages().is_empty());
    let instructor = w.bearer(&w.instructor).await;
    let by_instructor = w
        .api(
            "POST",
            uri,
            &instructor,
            serde_json::json!({"held_on": "2026-03-20", "members": ["A"], "decisions": [decision(a, "selected", "x")]}),
        )
        .await;
    assert_eq!(by_instructor.status, StatusCode::FORBIDDEN);

    // Through the page: the form lists a and b (in hearing), not c.
    let cookie = sign_in(&w.app, "charge@example.fr").await;
    let form_page = get_with(&w.app, "/admin/appels/aap-2020-appel-de-test/deliberation", Some(&cookie)).await;
    assert_eq!(form_page.status, StatusCode::OK, "{}", form_page.body);
    assert_contains(&form_page.body, &format!("name=\"decision-{a}\""));
    assert!(!form_page.body.contains(&format!("name=\"decision-{c}\"")));
    let token = csrf(&w.app, &cookie).await;
    let body = format!(
        "csrf={token}&held_on=2026-03-20&members=Anne+Martin%0D%0APaul+Durand&decision-{a}=selected&reason-{a}=Projet+solide&decision-{b}=rejected&reason-{b}=Financement+fragile"
    );
    let r = w
        .app
        .request(form("/admin/appels/aap-2020-appel-de-test/deliberation", body, Some(&cookie)))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.headers[header::LOCATION], "/appels/aap-2020-appel-de-test/deliberation");

    let detail = w
        .api("GET", &format!("/api/v1/applications/{a}"), &manager, serde_json::Value::Null)
        .await
        .json();
    assert_eq!(detail["status"], "selected");
    assert_eq!(detail["events"][3]["reason"], "Projet solide");
    let detail = w
        .api("GET", &format!("/api/v1/applications/{b}"), &manager, serde_json::Value::Null)
        .await
        .json();
    assert_eq!(
        (detail["status"].as_str(), detail["events"][3]["reason"].as_str()),
        (Some("rejected"), Some("Financement fragile"))
    );
    let records = w.api("GET", uri, &instructor, serde_json::Value::Null).await.json();
    assert_eq!(records[0]["members"], serde_json::json!(["Anne Martin", "Paul Durand"]));

    let sent: Vec<(String, String, bool)> = w
        .mail
        .messages()
        .into_iter()
        .map(|n| {
            (
                n.to,
                n.kind,
                n.body.contains("Projet solide") || n.body.contains("Financement fragile"),
            )
        })
        .collect();
    assert_eq!(
        sent,
        [
            ("porteur@example.fr".to_owned(), "application.select".to_owned(), true),
            ("porteur@example.fr".to_owned(), "application.reject".to_owned(), true),
        ]
    );
    let recorded = w.app.store.notifications().await.unwrap();
    assert_eq!(recorded.len(), 2);
    assert!(recorded.iter().all(|(to, _, outcome, _)| *to == w.lead.id && outcome == "sent"));

    // Read back by reviewers; not by the project lead.
    let page = get_with(
        &w.app,
        "/appels/aap-2020-appel-de-test/deliberation",
        Some(&sign_in(&w.app, "instructeur@example.fr").await),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_contains(&page.body, "Financement fragile");
    let lead_cookie = sign_in(&w.app, "porteur@example.fr").await;
    assert_eq!(
        get_with(&w.app, "/appels/aap-2020-appel-de-test/deliberation", Some(&lead_cookie))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The lead reads the decision in their application's history.
    assert_contains(
        &get_with(&w.app, &format!("/candidatures/{b}"), Some(&lead_cookie)).await.body,
        "Financement fragile",
    );
}

#[tokio::test]
async fn submitting_sends_an_acknowledgement_and_a_failed_notification_keeps_the_change() {
    let mail = Arc::new(MemoryNotifier::failing());
    let app = spawn_app_with(mail.clone()).await;
    territoires_store::testing::open_test_call(&app.store).await.unwrap();
    let lead = account(&app, "porteur", Role::ProjectLead, None).await;
    let draft = app
        .store
        .create_draft(territoires_store::testing::TEST_CALL, &lead, "Vallée verte", "", None)
        .await
        .unwrap();
    let cookie = sign_in(&app, "porteur@example.fr").await;
    let token = csrf(&app, &cookie).await;
    let r = app
        .request(form(
            &format!("/candidatures/{}/transitions", draft.id),
            format!("csrf={token}&kind=submit"),
            Some(&cookie),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.store.application(draft.id).await.unwrap().unwrap().status,
        S::Submitted,
        "not rolled back"
    );
    let recorded = app.store.notifications().await.unwrap();
    assert_eq!(recorded.len(), 1);
    assert_eq!((recorded[0].1.as_str(), recorded[0].2.as_str()), ("application.submit", "failed"));
}

#[tokio::test]
async fn a_laureate_from_an_application_joins_the_registry_and_survives_a_reimport() {
    let w = world().await;
    let id = w.application("Vallée Verte", S::Selected).await;
    let manager = w.bearer(&w.manager).await;
    let lead = w.bearer(&w.lead).await;
    let uri = format!("/api/v1/applications/{id}/laureate");
    let figures =
        serde_json::json!({"investment_potential_cents": 1_000_000_000i64, "population": 120000, "partners": 12, "local_authorities": 4});
    assert_eq!(w.api("POST", &uri, &lead, figures.clone()).await.status, StatusCode::FORBIDDEN);
    let bad = w
        .api(
            "POST",
            &uri,
            &manager,
            serde_json::json!({"investment_potential_cents": 0, "population": 1, "partners": 1, "local_authorities": 2}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);

    let r = w.api("POST", &uri, &manager, figures.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["slug"], "vallee-verte");
    assert_eq!(w.api("POST", &uri, &manager, figures).await.status, StatusCode::CONFLICT);

    // Served at once: 24 press-kit laureates + 1; the dashboard keeps the press kit's 24.
    let list = w.app.get("/api/v1/projects?limit=100").await.json();
    assert_eq!(list["total"], 25);
    let project = w.app.get("/api/v1/projects/vallee-verte").await.json();
    assert_eq!(project["subsidy_ceiling"], 250_000_000, "the amount requested, in cents");
    assert_eq!(project["call"], territoires_store::testing::TEST_CALL);
    assert_eq!(w.app.get("/api/v1/programme").await.json()["stats"]["totals"]["laureates"], 24);
    let fiche = w.app.page("/projets/vallee-verte").await;
    assert_contains(&fiche, &format!("Issu de la candidature n° {id} à l'appel"));
    assert_contains(&w.app.page("/projets").await, "Vallée Verte");
    let cookie = sign_in(&w.app, "charge@example.fr").await;
    assert_contains(
        &get_with(&w.app, &format!("/candidatures/{id}"), Some(&cookie)).await.body,
        "/projets/vallee-verte",
    );

    // A re-import of the press kit, even removing absent projects, keeps it.
    let kit = parse(EMBEDDED, EMBEDDED_FILE).unwrap();
    let report = w
        .app
        .store
        .import(&kit.programme, &kit.projects, AbsentProjects::Remove, "system")
        .await
        .unwrap();
    assert!(report.removed.is_empty(), "{report:?}");
    let registry = w.app.store.load_registry().await.unwrap().unwrap();
    assert_eq!(registry.projects.len(), 25);
    assert_eq!(registry.stats.totals.laureates, 24);
}

/// `<option value="{id}">` of the « Demander un avis à » select.
fn option(id: i64) -> String {
    format!("<option value=\"{id}\">")
}

#[tokio::test]
async fn opinions_are_not_asked_of_conflicted_experts_nor_oneself_and_link_both_ways() {
    let w = world().await;
    let id = w.application("Vallée verte", S::UnderReview).await;
    // The lead's organisation is a party of the application: this expert is in conflict.
    let conflicted = account(&w.app, "valence", Role::Expert, Some("Ville de Valence")).await;
    let cookie = sign_in(&w.app, "instructeur@example.fr").await;
    let page = get_with(&w.app, &format!("/candidatures/{id}"), Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_contains(&page.body, &option(w.expert.id));
    assert_contains(&page.body, &option(w.ministry.id));
    assert!(!page.body.contains(&option(conflicted.id)), "conflicted expert offered");
    assert!(!page.body.contains(&option(w.instructor.id)), "the instructor himself offered");

    // Asking oneself: 422, nothing written.
    let instructor = w.bearer(&w.instructor).await;
    let uri = format!("/api/v1/applications/{id}/opinion-requests");
    let me = serde_json::json!({"requested_of_account_id": w.instructor.id, "due_on": in_days(7), "question": "Moi ?"});
    let r = w.api("POST", &uri, &instructor, me).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "account");
    assert!(w.app.store.opinion_requests_on(id).await.unwrap().is_empty());

    // Asked, the expert finds the request from the application, and back.
    let ask = serde_json::json!({"requested_of_account_id": w.expert.id, "due_on": in_days(7), "question": "Viable ?"});
    let r = w.api("POST", &uri, &instructor, ask).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let req = r.json()["id"].as_i64().unwrap();
    let note = w.mail.messages().pop().unwrap();
    assert_contains(&note.body, &format!("Répondre : /avis/{req}\n"));
    assert_contains(&note.body, "à l'appel « Appel de test »");
    let e_cookie = sign_in(&w.app, "expert@example.fr").await;
    let app_page = get_with(&w.app, &format!("/candidatures/{id}"), Some(&e_cookie)).await;
    assert_eq!(app_page.status, StatusCode::OK, "{}", app_page.body);
    assert_contains(&app_page.body, &format!("href=\"/avis/{req}\""));
    assert_contains(&app_page.body, "href=\"/avis/mes-demandes\"");
    let req_page = get_with(&w.app, &format!("/avis/{req}"), Some(&e_cookie)).await;
    assert_eq!(req_page.status, StatusCode::OK, "{}", req_page.body);
    assert_contains(&req_page.body, &format!("href=\"/candidatures/{id}\""));
    // The instructor does not get that section (not addressed to him).
    let page = get_with(&w.app, &format!("/candidatures/{id}"), Some(&cookie)).await;
    assert!(!page.body.contains("Demandes d'avis qui vous sont adressées"));

    // A conflict declared after being asked: 404 on the request, page and API alike.
    w.app.store.declare_conflict(&w.expert, id, "Ancien salarié").await.unwrap();
    assert_eq!(
        get_with(&w.app, &format!("/avis/{req}"), Some(&e_cookie)).await.status,
        StatusCode::NOT_FOUND
    );
    let token = csrf(&w.app, &e_cookie).await;
    let r = w
        .app
        .request(form(
            &format!("/avis/{req}"),
            format!("csrf={token}&verdict=favourable&answer=Oui"),
            Some(&e_cookie),
        ))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let expert = w.bearer(&w.expert).await;
    let r = w
        .api(
            "POST",
            &format!("/api/v1/opinion-requests/{req}/answer"),
            &expert,
            serde_json::json!({"verdict": "favourable", "answer": "Oui"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert!(w.app.store.opinion_request(req).await.unwrap().unwrap().answer.is_none());
}

#[tokio::test]
async fn a_deliberation_dated_after_today_is_refused_and_writes_nothing() {
    let w = world().await;
    let a = w.application("Vallée verte", S::Hearing).await;
    let manager = w.bearer(&w.manager).await;
    let uri = "/api/v1/calls/aap-2020-appel-de-test/deliberations";
    for held_on in ["2030-01-01".to_owned(), in_days(1)] {
        let body = serde_json::json!({"held_on": held_on, "members": ["Anne Martin"], "decisions": [{"application_id": a.0, "decision": "selected", "reason": "Solide"}]});
        let r = w.api("POST", uri, &manager, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{held_on}: {}", r.body);
        assert_contains(&r.body, "Date de la séance");
    }
    let cookie = sign_in(&w.app, "charge@example.fr").await;
    let token = csrf(&w.app, &cookie).await;
    let r = w
        .app
        .request(form(
            "/admin/appels/aap-2020-appel-de-test/deliberation",
            format!("csrf={token}&held_on=2030-01-01&members=Anne&decision-{a}=selected&reason-{a}=Solide"),
            Some(&cookie),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(w.app.store.application(a).await.unwrap().unwrap().status, S::Hearing);
    assert_eq!(
        w.api("GET", uri, &manager, serde_json::Value::Null).await.json(),
        serde_json::json!([])
    );
    assert!(w.mail.messages().is_empty());
}

#[tokio::test]
async fn notifications_link_absolutely_under_the_public_url_and_name_the_call_by_its_title() {
    let mut w = world().await;
    let registry = w.app.store.load_registry().await.unwrap().unwrap();
    w.app.router = territoires_web::router(
        territoires_web::AppState::new(Arc::new(registry), w.app.store.clone())
            .with_notifier(w.mail.clone())
            .with_public_url(Some("https://territoires.example.fr/".into())),
    );
    let a = w.application("Vallée verte", S::Hearing).await;
    let manager = w.bearer(&w.manager).await;
    let r = w
        .api(
            "POST",
            &format!("/api/v1/applications/{a}/opinion-requests"),
            &manager,
            serde_json::json!({"requested_of_account_id": w.expert.id, "due_on": in_days(7), "question": "Viable ?"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let req = r.json()["id"].as_i64().unwrap();
    let r = w
        .api(
            "POST",
            "/api/v1/calls/aap-2020-appel-de-test/deliberations",
            &manager,
            serde_json::json!({"held_on": in_days(0), "members": ["Anne"], "decisions": [{"application_id": a.0, "decision": "selected", "reason": "Solide"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let sent = w.mail.messages();
    assert_eq!(sent.len(), 2);
    assert_contains(&sent[0].body, &format!("Répondre : https://territoires.example.fr/avis/{req}\n"));
    assert_contains(
        &sent[1].body,
        &format!("Le dossier : https://territoires.example.fr/candidatures/{a}\n"),
    );
    assert_contains(&sent[1].body, "à l'appel « Appel de test » a été retenue");
    assert!(sent.iter().all(|n| !n.body.contains("aap-2020")), "{sent:?}");
}

#[tokio::test]
async fn a_laureate_fiche_from_an_application_says_what_is_unknown() {
    let w = world().await;
    let id = w.application("Vallée Verte", S::Selected).await;
    let manager = w.bearer(&w.manager).await;
    let figures =
        serde_json::json!({"investment_potential_cents": 1_000_000_000i64, "population": 120000, "partners": 12, "local_authorities": 1});
    let r = w
        .api("POST", &format!("/api/v1/applications/{id}/laureate"), &manager, figures)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let fiche = w.app.page("/projets/vallee-verte").await;
    assert_contains(&fiche, &format!("Issu de la candidature n° {id} à l'appel Appel de test</p>"));
    assert_contains(&fiche, "<a href=\"/appels/aap-2020-appel-de-test\">Appel de test</a>");
    assert_contains(&fiche, "12 partenaires, dont 1 collectivité</td>");
    // Régions, Thématiques, Types de territoire.
    assert_eq!(fiche.matches("<td>Non connu</td>").count(), 3, "{fiche}");
    for absent in [
        "Section du sommaire",
        "Texte de la fiche",
        "Objectifs stratégiques",
        "Impacts à horizon 2030",
    ] {
        assert!(!fiche.contains(absent), "{absent} shown");
    }
}
