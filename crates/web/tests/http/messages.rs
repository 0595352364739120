//! Messages between the reviewers and the applicant, and private reviewer notes: both
//! sides write the thread (page and API); notes never reach the applicant — not on the
//! page, not in the API (403), not even as a count.

use crate::attachments::{api_get, bearer, person, token};
use crate::auth::{form, get_with};
use crate::{assert_contains, spawn_app, TestApp, TestResponse};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use territoires_domain::access::Role;
use territoires_domain::application::Transition;

async fn api_post(app: &TestApp, uri: &str, bearer: &str, body: serde_json::Value) -> TestResponse {
    app.request(
        Request::post(uri)
            .header(header::AUTHORIZATION, bearer)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

const NOTE: &str = "Plan de financement fragile : à vérifier avec la DDT.";

#[tokio::test]
async fn the_applicant_and_the_instructor_write_and_only_reviewers_see_the_notes() {
    let app = spawn_app().await;
    territoires_store::testing::open_test_call(&app.store).await.unwrap();
    let (lead_account, lead) = person(&app, "porteuse@ville.fr", "Claire Porteuse", Role::ProjectLead).await;
    let (_, instructor) = person(&app, "instructeur@anct.gouv.fr", "Ilan Instructeur", Role::Instructor).await;
    let (_, manager) = person(&app, "charge@caissedesdepots.fr", "Marie Chargée", Role::ProgrammeManager).await;
    let id = app
        .store
        .create_draft(territoires_store::testing::TEST_CALL, &lead_account, "Vallée verte", "", None)
        .await
        .unwrap()
        .id
        .0;
    let page_uri = format!("/candidatures/{id}");

    // The instructor writes a message and a note through the page's forms.
    let csrf = token(&app, &page_uri, &instructor).await;
    let r = app
        .request(form(
            &format!("/candidatures/{id}/messages"),
            format!("csrf={csrf}&texte=Merci+de+joindre+le+budget+d%C3%A9taill%C3%A9."),
            Some(&instructor),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.headers[header::LOCATION], format!("/candidatures/{id}#messages").as_str());
    let r = app
        .request(form(
            &format!("/candidatures/{id}/notes"),
            format!("csrf={csrf}&texte={}", NOTE.replace(' ', "+")),
            Some(&instructor),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The lead answers through the API.
    let lead_token = bearer(&app, "porteuse@ville.fr").await;
    let r = api_post(
        &app,
        &format!("/api/v1/applications/{id}/messages"),
        &lead_token,
        serde_json::json!({"text": "  C'est joint.  "}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["text"], "C'est joint.");
    assert_eq!(r.json()["author_role"], "project-lead");

    // The lead's page: the thread, no note, no notes section at all.
    let page = get_with(&app, &page_uri, Some(&lead)).await;
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
    assert_contains(&page.body, "Merci de joindre le budget détaillé.");
    assert_contains(&page.body, "Ilan Instructeur (Instructeur)");
    assert_contains(&page.body, "C&#39;est joint.");
    assert!(!page.body.contains("Plan de financement fragile"), "a note leaked to the applicant");
    assert!(!page.body.contains("Notes internes") && !page.body.contains("/notes\""));

    // The lead's API: 403 on notes, read and write; the messages hold no note.
    let r = api_get(&app, &format!("/api/v1/applications/{id}/notes"), &lead_token).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(!r.body.contains("fragile"));
    let r = api_post(
        &app,
        &format!("/api/v1/applications/{id}/notes"),
        &lead_token,
        serde_json::json!({"text": "x"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let lead_csrf = token(&app, &page_uri, &lead).await;
    let r = app
        .request(form(
            &format!("/candidatures/{id}/notes"),
            format!("csrf={lead_csrf}&texte=x"),
            Some(&lead),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let messages = api_get(&app, &format!("/api/v1/applications/{id}/messages"), &lead_token).await;
    assert_eq!(messages.status, StatusCode::OK);
    let texts: Vec<String> = messages
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(texts, ["Merci de joindre le budget détaillé.", "C'est joint."]);
    for uri in [
        format!("/api/v1/applications/{id}"),
        format!("/api/v1/applications/{id}/attachments"),
    ] {
        let body = api_get(&app, &uri, &lead_token).await.body;
        assert!(!body.contains("note") && !body.contains("fragile"), "{uri}: {body}");
    }

    // Reviewers see the note on the page and in the API.
    let page = get_with(&app, &page_uri, Some(&manager)).await.body;
    assert_contains(&page, "Notes internes");
    assert_contains(&page, NOTE);
    let manager_token = bearer(&app, "charge@caissedesdepots.fr").await;
    let notes = api_get(&app, &format!("/api/v1/applications/{id}/notes"), &manager_token).await;
    assert_eq!(notes.status, StatusCode::OK, "{}", notes.body);
    assert_eq!(notes.json()[0]["text"], NOTE);
    assert_eq!(notes.json()[0]["author_name"], "Ilan Instructeur");

    // Audited: two messages and a note, with their text.
    let log = app.store.audit_entries().await.unwrap();
    let actions: Vec<&str> = log.iter().rev().take(3).map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["message.post", "note.post", "message.post"]);
    assert_eq!(log.last().unwrap().after["text"], "C'est joint.");
}

#[tokio::test]
async fn empty_or_too_long_texts_are_refused_and_experts_stay_out() {
    let app = spawn_app().await;
    territoires_store::testing::open_test_call(&app.store).await.unwrap();
    let (lead_account, _) = person(&app, "porteuse@ville.fr", "Claire Porteuse", Role::ProjectLead).await;
    person(&app, "expert@comite.fr", "Éric Expert", Role::Expert).await;
    person(&app, "admin@caissedesdepots.fr", "Anne Admin", Role::OperatorAdmin).await;
    let (instructor_account, _) = person(&app, "instructeur@anct.gouv.fr", "Ilan Instructeur", Role::Instructor).await;
    let id = app
        .store
        .create_draft(territoires_store::testing::TEST_CALL, &lead_account, "Vallée verte", "", None)
        .await
        .unwrap()
        .id
        .0;
    let token = bearer(&app, "porteuse@ville.fr").await;
    let uri = format!("/api/v1/applications/{id}/messages");
    let before = app.store.verify_audit().await.unwrap().entries;

    let r = api_post(&app, &uri, &token, serde_json::json!({"text": " \n "})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&r.body, "Champ « text » : Le texte est vide.");
    let r = api_post(&app, &uri, &token, serde_json::json!({"text": "a".repeat(5001)})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&r.body, "5001 caractères");
    let r = api_post(&app, &uri, &token, serde_json::json!({"texte": "x"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.store.verify_audit().await.unwrap().entries, before, "nothing written");
    let r = api_post(&app, &uri, &token, serde_json::json!({"text": "é".repeat(5000)})).await;
    assert_eq!(r.status, StatusCode::CREATED);

    // Under review, an expert without a conflict sees the application (to score it) but
    // neither its thread nor the reviewers' notes; the administrator reads the thread and
    // the notes but does not write messages.
    let now = time::OffsetDateTime::now_utc();
    let app_id = territoires_domain::application::ApplicationId(id);
    app.store.transition(app_id, &Transition::Submit, &lead_account, now).await.unwrap();
    app.store
        .transition(app_id, &Transition::StartReview, &instructor_account, now)
        .await
        .unwrap();
    let expert = bearer(&app, "expert@comite.fr").await;
    let seen = api_get(&app, &format!("/api/v1/applications/{id}"), &expert).await;
    assert_eq!(seen.status, StatusCode::OK, "the expert sees the application: {}", seen.body);
    for what in ["messages", "notes"] {
        let uri = format!("/api/v1/applications/{id}/{what}");
        assert_eq!(api_get(&app, &uri, &expert).await.status, StatusCode::FORBIDDEN, "{what}");
        let r = api_post(&app, &uri, &expert, serde_json::json!({"text": "x"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{what}");
    }
    let admin = bearer(&app, "admin@caissedesdepots.fr").await;
    assert_eq!(api_get(&app, &uri, &admin).await.status, StatusCode::OK);
    assert_eq!(
        api_get(&app, &format!("/api/v1/applications/{id}/notes"), &admin).await.status,
        StatusCode::OK
    );
    let r = api_post(&app, &uri, &admin, serde_json::json!({"text": "x"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
