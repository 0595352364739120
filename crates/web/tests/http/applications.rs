//! Applications through the HTTP forms, by the roles issue 3 names: a project lead
//! creates and submits; an instructor opens the review and invites to a hearing; a
//! programme manager selects, with a reason. Scoping by id (404, never 403, for another
//! lead's application), anti-CSRF, and a refused transition that writes nothing.

use crate::auth::{form, get_with, sign_in, PASSWORD};
use crate::{assert_contains, spawn_app, TestApp, TestResponse};
use axum::http::{header, StatusCode};
use territoires_domain::access::{Email, Role};
use territoires_domain::application::{ApplicationId, ApplicationStatus, Transition};
use territoires_store::testing::open_call;
use territoires_store::{Account, NewAccount};

/// Creates an account of `role` with login `email` and signs it in: (account, cookie).
async fn person(app: &TestApp, email: &str, name: &str, role: Role) -> (Account, String) {
    let new = NewAccount {
        email: Email::parse(email).unwrap(),
        display_name: name,
        role,
        organisation: None,
        password: Some(PASSWORD),
    };
    let account = app.store.create_account(new, "test").await.unwrap();
    let cookie = sign_in(app, email).await;
    (account, cookie)
}

/// The anti-CSRF token of the forms on `uri`, as `cookie` sees it.
async fn token(app: &TestApp, uri: &str, cookie: &str) -> String {
    let page = get_with(app, uri, Some(cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "GET {uri}: {}", page.body);
    page.body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no csrf field on {uri}"))
        .to_owned()
}

/// `POST /candidatures/{id}/transitions` with `kind` and `reason`.
async fn take(app: &TestApp, id: i64, cookie: &str, csrf: &str, kind: &str, reason: &str) -> TestResponse {
    let body = format!("csrf={csrf}&kind={kind}&reason={}", reason.replace(' ', "+"));
    app.request(form(&format!("/candidatures/{id}/transitions"), body, Some(cookie)))
        .await
}

async fn audit_count(app: &TestApp) -> u64 {
    app.store.verify_audit().await.unwrap().entries
}

#[tokio::test]
async fn from_draft_to_selected_through_the_forms() {
    let app = spawn_app().await;
    // The press kit's calls are closed: a call open now, published in the platform.
    let open = open_call(&app.store, "Appel ouvert", vec![]).await.unwrap();
    let (_, lead) = person(&app, "porteuse@ville.fr", "Claire Porteuse", Role::ProjectLead).await;
    let (_, instructor) = person(&app, "instructeur@anct.gouv.fr", "Ilan Instructeur", Role::Instructor).await;
    let (_, manager) = person(&app, "charge@caissedesdepots.fr", "Marie Chargée", Role::ProgrammeManager).await;

    // The lead's home links to the applications.
    assert_contains(&get_with(&app, "/espace", Some(&lead)).await.body, "href=\"/candidatures\"");

    // Create a draft on the 2018 call.
    let new_page = get_with(&app, &format!("/candidatures/nouvelle?appel={open}"), Some(&lead)).await;
    assert_eq!(new_page.status, StatusCode::OK);
    assert_eq!(new_page.headers[header::CACHE_CONTROL], "no-store");
    assert_contains(&new_page.body, &format!("<option value=\"{open}\" selected>"));
    let csrf = token(&app, &format!("/candidatures/nouvelle?appel={open}"), &lead).await;
    // Issue 3 QA: « 12.5 » is not read as 12,50 €: the French rule of the forms' amounts.
    let refused = app
        .request(form(
            "/candidatures",
            format!("csrf={csrf}&appel={open}&titre=Vall%C3%A9e+verte&resume=&montant=12.5"),
            Some(&lead),
        ))
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert_contains(&refused.body, "les décimales se séparent par une virgule, pas un point");
    let created = app
        .request(form(
            "/candidatures",
            format!("csrf={csrf}&appel={open}&titre=Vall%C3%A9e+verte&resume=Un+territoire+en+transition&montant=12+500+000"),
            Some(&lead),
        ))
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let location = created.headers[header::LOCATION].to_str().unwrap().to_owned();
    let id: i64 = location.strip_prefix("/candidatures/").unwrap().parse().unwrap();

    let page = get_with(&app, &location, Some(&lead)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
    assert_contains(&page.body, "Statut : Brouillon");
    assert_contains(&page.body, "12\u{202f}500\u{202f}000\u{a0}€");
    assert_contains(&page.body, "value=\"submit\"");
    assert!(!page.body.contains("value=\"start-review\""), "a lead cannot open the review");

    // Lead submits.
    let csrf = token(&app, &location, &lead).await;
    assert_eq!(take(&app, id, &lead, &csrf, "submit", "").await.status, StatusCode::SEE_OTHER);

    // Instructor opens the review, then invites to a hearing.
    let page = get_with(&app, &location, Some(&instructor)).await.body;
    assert_contains(&page, "Statut : Déposée");
    assert_contains(&page, "value=\"start-review\"");
    let csrf = token(&app, &location, &instructor).await;
    let r = take(&app, id, &instructor, &csrf, "start-review", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.headers[header::LOCATION], location.as_str());
    let page = get_with(&app, &location, Some(&instructor)).await.body;
    assert_contains(&page, "value=\"invite-to-hearing\"");
    assert_contains(&page, "name=\"reason\""); // return for completion and reject need one
    assert_eq!(
        take(&app, id, &instructor, &csrf, "invite-to-hearing", "").await.status,
        StatusCode::SEE_OTHER
    );

    // The manager selects, with a reason.
    let csrf = token(&app, &location, &manager).await;
    let r = take(&app, id, &manager, &csrf, "select", "Projet structurant et partenariat solide").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let page = get_with(&app, &location, Some(&lead)).await.body;
    assert_contains(&page, "Statut : Retenue");
    assert_contains(&page, "Projet structurant et partenariat solide");
    assert_contains(&page, "Marie Chargée");
    assert!(!page.contains("Actions possibles"), "selected is final: no form left");

    // The API says the same.
    let api = get_with(&app, &format!("/api/v1/applications/{id}"), Some(&lead)).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let json = api.json();
    assert_eq!(json["status"], "selected");
    assert_eq!(json["status_label"], "Retenue");
    assert_eq!(json["requested_amount_cents"], 1_250_000_000i64);
    assert_eq!(json["title"], "Vallée verte");
    let kinds: Vec<&str> = json["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["transition"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["submit", "start-review", "invite-to-hearing", "select"]);
    assert_eq!(json["events"][3]["reason"], "Projet structurant et partenariat solide");
    assert_eq!(json["events"][3]["from"], "hearing");

    // The audit trail: import, the open call (2), three accounts, then the creation and
    // four transitions.
    let journal = get_with(&app, "/admin/journal", Some(&manager)).await;
    assert_eq!(journal.status, StatusCode::OK);
    assert_contains(&journal.body, "Chaîne intacte : 11 entrée(s)");
    for action in [
        "application.create",
        "application.submit",
        "application.start-review",
        "application.invite-to-hearing",
        "application.select",
    ] {
        assert_contains(&journal.body, &format!("<code>{action}</code>"));
    }
    assert_contains(&journal.body, &format!("application:{id}"));
    let v = app.store.verify_audit().await.unwrap();
    assert!(v.is_intact(), "{:?}", v.findings);
    assert_eq!(v.entries, 11);
}

#[tokio::test]
async fn another_lead_s_application_is_not_found_on_the_page_the_api_and_the_form() {
    let app = spawn_app().await;
    // The press kit's calls are closed: a call open now, published in the platform.
    let open = open_call(&app.store, "Appel ouvert", vec![]).await.unwrap();
    let (anne, _) = person(&app, "anne@ville-a.fr", "Anne", Role::ProjectLead).await;
    let (_, bruno) = person(&app, "bruno@ville-b.fr", "Bruno", Role::ProjectLead).await;
    let theirs = app
        .store
        .create_draft(&open, &anne, "Projet confidentiel d'Anne", "", None)
        .await
        .unwrap();
    let id = theirs.id.0;
    let audit = audit_count(&app).await;

    let page = get_with(&app, &format!("/candidatures/{id}"), Some(&bruno)).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.body.contains("confidentiel"));
    // Same answer as for an id that does not exist.
    let absent = get_with(&app, &format!("/candidatures/{}", id + 1000), Some(&bruno)).await;
    assert_eq!(absent.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get_with(&app, "/candidatures/abc", Some(&bruno)).await.status,
        StatusCode::NOT_FOUND
    );

    let api = get_with(&app, &format!("/api/v1/applications/{id}"), Some(&bruno)).await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.json()["error"]["code"], "not_found");

    // Bruno's own valid token, Anne's id.
    let csrf = token(&app, "/espace", &bruno).await;
    let r = take(&app, id, &bruno, &csrf, "withdraw", "je retire").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.store.application(theirs.id).await.unwrap().unwrap().status,
        ApplicationStatus::Draft
    );
    assert_eq!(audit_count(&app).await, audit);

    // Bruno's list does not show it.
    let list = get_with(&app, "/candidatures", Some(&bruno)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains("confidentiel"));
}

#[tokio::test]
async fn who_sees_the_applications() {
    // By hand from issue 3: project leads (their own), instructors, programme managers and
    // administrators (all); experts see those under review or in a hearing (the list, but
    // a draft is 404 for them); partners see none (403); the public is sent to the
    // sign-in page; the API answers 401 without a session.
    let app = spawn_app().await;
    // The press kit's calls are closed: a call open now, published in the platform.
    let open = open_call(&app.store, "Appel ouvert", vec![]).await.unwrap();
    let (lead, lead_cookie) = person(&app, "porteur@ville.fr", "Porteur", Role::ProjectLead).await;
    let draft = app.store.create_draft(&open, &lead, "Tiers-lieu", "", None).await.unwrap();
    let uri = format!("/candidatures/{}", draft.id);
    let api = format!("/api/v1/applications/{}", draft.id);
    let expected = [
        (Role::OperatorAdmin, StatusCode::OK),
        (Role::ProgrammeManager, StatusCode::OK),
        (Role::Instructor, StatusCode::OK),
        (Role::Expert, StatusCode::OK),
        (Role::Partner, StatusCode::FORBIDDEN),
    ];
    for (role, status) in expected {
        let (_, cookie) = person(&app, &format!("{}@example.fr", role.code()), role.label(), role).await;
        for u in ["/candidatures", uri.as_str(), api.as_str()] {
            let r = get_with(&app, u, Some(&cookie)).await;
            let status = if role == Role::Expert && u != "/candidatures" {
                StatusCode::NOT_FOUND
            } else {
                status
            };
            assert_eq!(r.status, status, "{role:?} GET {u}: {}", r.body);
            assert_eq!(r.headers[header::CACHE_CONTROL], "no-store", "{role:?} GET {u}");
        }
        let home = get_with(&app, "/espace", Some(&cookie)).await.body;
        assert_eq!(
            home.contains("href=\"/candidatures\""),
            status == StatusCode::OK,
            "{role:?} /espace"
        );
    }
    assert_eq!(get_with(&app, &uri, Some(&lead_cookie)).await.status, StatusCode::OK);
    let anonymous = get_with(&app, &api, None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.json()["error"]["code"], "unauthorized");
    assert_eq!(get_with(&app, "/candidatures", None).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_transition_without_the_form_token_is_forbidden() {
    let app = spawn_app().await;
    // The press kit's calls are closed: a call open now, published in the platform.
    let open = open_call(&app.store, "Appel ouvert", vec![]).await.unwrap();
    let (lead, cookie) = person(&app, "porteur@ville.fr", "Porteur", Role::ProjectLead).await;
    let draft = app.store.create_draft(&open, &lead, "Projet", "", None).await.unwrap();
    let audit = audit_count(&app).await;
    let path = format!("/candidatures/{}/transitions", draft.id);
    for body in ["kind=submit", "csrf=forged&kind=submit"] {
        let r = app.request(form(&path, body.into(), Some(&cookie))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{body}");
    }
    // A right token posted from another site is refused too.
    let csrf = token(&app, "/espace", &cookie).await;
    let mut req = form(&path, format!("csrf={csrf}&kind=submit"), Some(&cookie));
    req.headers_mut().insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    assert_eq!(app.request(req).await.status, StatusCode::FORBIDDEN);
    // Creating a draft needs the token as well.
    let r = app
        .request(form("/candidatures", format!("appel={open}&titre=X"), Some(&cookie)))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.store.application(draft.id).await.unwrap().unwrap().status,
        ApplicationStatus::Draft
    );
    assert_eq!(app.store.applications_of(lead.id).await.unwrap().len(), 1);
    assert_eq!(audit_count(&app).await, audit);
}

#[tokio::test]
async fn a_reject_without_reason_is_refused_and_writes_nothing() {
    let app = spawn_app().await;
    // The press kit's calls are closed: a call open now, published in the platform.
    let open = open_call(&app.store, "Appel ouvert", vec![]).await.unwrap();
    let (lead, _) = person(&app, "porteur@ville.fr", "Porteur", Role::ProjectLead).await;
    let (instructor, _) = person(&app, "instructeur@anct.gouv.fr", "Instructeur", Role::Instructor).await;
    let (_, manager) = person(&app, "charge@caissedesdepots.fr", "Chargée", Role::ProgrammeManager).await;
    let draft = app.store.create_draft(&open, &lead, "Projet", "", None).await.unwrap();
    let now = time::OffsetDateTime::now_utc();
    app.store.transition(draft.id, &Transition::Submit, &lead, now).await.unwrap();
    app.store
        .transition(draft.id, &Transition::StartReview, &instructor, now)
        .await
        .unwrap();
    let audit = audit_count(&app).await;
    let id = draft.id.0;
    let csrf = token(&app, &format!("/candidatures/{id}"), &manager).await;
    for blank in ["", "   "] {
        let r = take(&app, id, &manager, &csrf, "reject", blank).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{:?}", blank);
        assert_contains(&r.body, "« Ne pas retenir » : le motif est obligatoire");
        assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    }
    // A transition the status does not allow: 409 with the domain's message.
    let r = take(&app, id, &manager, &csrf, "select", "Excellent").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_contains(&r.body, "« Retenir » impossible depuis le statut « En instruction »");
    // An unknown kind is a 400.
    assert_eq!(take(&app, id, &manager, &csrf, "approve", "").await.status, StatusCode::BAD_REQUEST);

    let after = app.store.application(ApplicationId(id)).await.unwrap().unwrap();
    assert_eq!(after.status, ApplicationStatus::UnderReview);
    assert_eq!(app.store.application_events(after.id).await.unwrap().len(), 2);
    assert_eq!(audit_count(&app).await, audit);
}
