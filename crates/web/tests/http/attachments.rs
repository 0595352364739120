//! Attachments through the page's multipart form and the API: a PDF comes back byte for
//! byte with safe download headers; oversized, disguised and surplus files are refused
//! with nothing stored; names lose their path; another lead gets 404 everywhere; files
//! are frozen once the application is submitted.

use crate::auth::{get_with, sign_in, PASSWORD};
use crate::{assert_contains, spawn_app, TestApp, TestResponse};
use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use territoires_domain::access::{Email, Role};
use territoires_domain::application::{ApplicationId, Transition};
use territoires_store::{Account, NewAccount};
use tower::ServiceExt;

/// Creates an account of `role` and signs it in: (account, cookie).
pub(crate) async fn person(app: &TestApp, email: &str, name: &str, role: Role) -> (Account, String) {
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

/// A bearer token for `email` (`Authorization` header value).
pub(crate) async fn bearer(app: &TestApp, email: &str) -> String {
    let r = app
        .request(
            Request::post("/api/v1/sessions")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(serde_json::json!({"email": email, "password": PASSWORD}).to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    format!("Bearer {}", r.json()["token"].as_str().unwrap())
}

/// The anti-CSRF token of the forms on `uri`.
pub(crate) async fn token(app: &TestApp, uri: &str, cookie: &str) -> String {
    let page = get_with(app, uri, Some(cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "GET {uri}: {}", page.body);
    page.body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no csrf field on {uri}"))
        .to_owned()
}

pub(crate) const BOUNDARY: &str = "----territoires-test-boundary";

/// A multipart body with an optional `csrf` field and one file field `field`.
pub(crate) fn multipart_body(csrf: Option<&str>, field: &str, filename: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    if let Some(c) = csrf {
        body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{c}\r\n").as_bytes());
    }
    body.extend(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// `POST /candidatures/{id}/pieces` with the session `cookie` and the form's `csrf`.
pub(crate) async fn page_upload(app: &TestApp, id: i64, cookie: &str, csrf: &str, filename: &str, bytes: &[u8]) -> TestResponse {
    app.request(
        Request::post(format!("/candidatures/{id}/pieces"))
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
            .header(header::HOST, "localhost")
            .header(header::COOKIE, cookie)
            .body(Body::from(multipart_body(Some(csrf), "fichier", filename, bytes)))
            .unwrap(),
    )
    .await
}

/// `POST /api/v1/applications/{id}/attachments` with a bearer token.
pub(crate) async fn api_upload(app: &TestApp, id: i64, bearer: &str, filename: &str, bytes: &[u8]) -> TestResponse {
    app.request(
        Request::post(format!("/api/v1/applications/{id}/attachments"))
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
            .header(header::AUTHORIZATION, bearer)
            .body(Body::from(multipart_body(None, "file", filename, bytes)))
            .unwrap(),
    )
    .await
}

/// `GET uri` with `auth` as a cookie or a bearer token: (status, headers, raw bytes).
async fn fetch(app: &TestApp, uri: &str, auth: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let name = if auth.starts_with("Bearer ") {
        header::AUTHORIZATION
    } else {
        header::COOKIE
    };
    let req = Request::get(uri).header(name, auth).body(Body::empty()).unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, res.into_body().collect().await.unwrap().to_bytes().to_vec())
}

/// `GET uri` with a bearer token.
pub(crate) async fn api_get(app: &TestApp, uri: &str, bearer: &str) -> TestResponse {
    app.request(Request::get(uri).header(header::AUTHORIZATION, bearer).body(Body::empty()).unwrap())
        .await
}

async fn audit_count(app: &TestApp) -> u64 {
    app.store.verify_audit().await.unwrap().entries
}

/// A small PDF with every byte value after its signature.
fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.extend(0..=255u8);
    bytes
}

#[tokio::test]
async fn a_pdf_uploaded_by_the_form_downloads_byte_identical_with_safe_headers() {
    let app = spawn_app().await;
    territoires_store::testing::open_test_call(&app.store).await.unwrap();
    let (lead_account, lead) = person(&app, "porteuse@ville.fr", "Claire Porteuse", Role::ProjectLead).await;
    let (_, instructor) = person(&app, "instructeur@anct.gouv.fr", "Ilan Instructeur", Role::Instructor).await;
    let draft = app
        .store
        .create_draft(territoires_store::testing::TEST_CALL, &lead_account, "Vallée verte", "", None)
        .await
        .unwrap();
    let id = draft.id.0;
    let page_uri = format!("/candidatures/{id}");
    let csrf = token(&app, &page_uri, &lead).await;
    assert_contains(
        &get_with(&app, &page_uri, Some(&lead)).await.body,
        "enctype=\"multipart/form-data\"",
    );

    let before = audit_count(&app).await;
    let r = page_upload(&app, id, &lead, &csrf, "budget prévisionnel.pdf", &pdf()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.headers[header::LOCATION], format!("/candidatures/{id}#pieces").as_str());
    assert_eq!(audit_count(&app).await, before + 1);

    let list = app.store.attachments(ApplicationId(id)).await.unwrap();
    assert_eq!(list.len(), 1);
    let n = list[0].id;
    assert_eq!(list[0].size_bytes, 9 + 256);

    // The page lists it with its download link, for the lead and for the instructor.
    for who in [&lead, &instructor] {
        let page = get_with(&app, &page_uri, Some(who)).await.body;
        assert_contains(&page, &format!("href=\"/candidatures/{id}/pieces/{n}\""));
        assert_contains(&page, "budget prévisionnel.pdf");
    }

    let (status, headers, bytes) = fetch(&app, &format!("/candidatures/{id}/pieces/{n}"), &lead).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, pdf());
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"budget pr_visionnel.pdf\"; filename*=UTF-8''budget%20pr%C3%A9visionnel.pdf"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");

    // The same through the API, for the instructor's bearer token.
    let token = bearer(&app, "instructeur@anct.gouv.fr").await;
    let listed = api_get(&app, &format!("/api/v1/applications/{id}/attachments"), &token).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let json = listed.json();
    assert_eq!(json[0]["name"], "budget prévisionnel.pdf");
    assert_eq!(json[0]["size_bytes"], 265);
    assert_eq!(json[0]["media_type"], "application/pdf");
    assert_eq!(json[0]["sha256"], territoires_domain::attachment::sha256_hex(&pdf()));
    let (status, headers, bytes) = fetch(&app, &format!("/api/v1/applications/{id}/attachments/{n}"), &token).await;
    assert_eq!((status, bytes), (StatusCode::OK, pdf()));
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    // A number of no attachment of this application.
    assert_eq!(
        fetch(&app, &format!("/candidatures/{id}/pieces/{}", n + 1), &lead).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        fetch(&app, &format!("/candidatures/{id}/pieces/abc"), &lead).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn ten_mebibytes_and_one_byte_is_refused_in_french_and_nothing_is_stored() {
    let app = spawn_app().await;
    territoires_store::testing::open_test_call(&app.store).await.unwrap();
    let (lead_account, _) = person(&app, "porteuse@ville.fr", "Claire Porteuse", Role::ProjectLead).await;
    let id = app
        .store
        .create_draft(territoires_store::testing::TEST_CALL, &lead_account, "Vallée verte", "", None)
        .await
        .unwrap()
        .id
        .0;
    let token = bearer(&app, "porteuse@ville.fr").await;
    let before = audit_count(&app).await;

    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let r = api_upload(&app, id, &token, "gros.pdf", &big).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.json()["error"]["message"].to_string(), "10 Mio");
    assert_contains(&r.json()["error"]["message"].to_string(), "10485761 octets");

    // Far over the route's body limit: refused too, in French.
    let mut huge = b"%PDF-1.7\n".to_vec();
    huge.resize(11 * 1024 * 1024, b' ');
    let r = api_upload(&app, id, &token, "enorme.pdf", &huge).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.json()["error"]["message"].to_string(), "10 Mio");

    assert!(app.store.attachments(ApplicationId(id)).await.unwrap().is_empty());
    assert_eq!(audit_count(&app).await, before);

    // Exactly 10 MiB is accepted.
    big.truncate(10 * 1024 * 1024);
    let r = api_upload(&app, id, &token, "juste.pdf", &big).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["size_bytes"], 10_485_760);
}

#[tokio::test]
async fn disguised_files_are_refused_and_paths_are_stripped_from_names() {
    let app = spawn_app().await;
    territoires_store::testing::open_test_call(&app.store).await.unwrap();
    let (lead_account, lead) = person(&app, "porteuse@ville.fr", "Claire Porteuse", Role::ProjectLead).await;
    let id = app
        .store
        .create_draft(territoires_store::testing::TEST_CALL, &lead_account, "Vallée verte", "", None)
        .await
        .unwrap()
        .id
        .0;
    let token = bearer(&app, "porteuse@ville.fr").await;

    for (name, bytes) in [
        ("evil.pdf", &b"<!DOCTYPE html><script>alert(1)</script>"[..]),
        ("evil.pdf", &b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"[..]),
        ("evil.html", &b"<html></html>"[..]),
    ] {
        let r = api_upload(&app, id, &token, name, bytes).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {}", r.body);
        assert_contains(&r.body, name);
    }
    // The page answers the same refusal with a French page.
    let csrf = token_of(&app, id, &lead).await;
    let r = page_upload(&app, id, &lead, &csrf, "evil.pdf", b"<html>").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&r.body, "ne correspond pas à son extension");
    assert!(app.store.attachments(ApplicationId(id)).await.unwrap().is_empty());

    let r = api_upload(&app, id, &token, "../../etc/passwd.pdf", &pdf()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["name"], "passwd.pdf");
    let r = api_upload(&app, id, &token, "C:\\\\Users\\\\x\\\\note.txt", b"Bonjour").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["name"], "note.txt");
    assert_eq!(r.json()["media_type"], "text/plain; charset=utf-8");
}

async fn token_of(app: &TestApp, id: i64, cookie: &str) -> String {
    token(app, &format!("/candidatures/{id}"), cookie).await
}

#[tokio::test]
async fn another_lead_gets_404_on_every_attachment_and_message_address() {
    let app = spawn_app().await;
    territoires_store::testing::open_test_call(&app.store).await.unwrap();
    let (owner, _) = person(&app, "porteuse@ville.fr", "Claire Porteuse", Role::ProjectLead).await;
    let (other_account, other) = person(&app, "autre@ville.fr", "Autre Porteur", Role::ProjectLead).await;
    let id = app
        .store
        .create_draft(territoires_store::testing::TEST_CALL, &owner, "Vallée verte", "", None)
        .await
        .unwrap()
        .id
        .0;
    let own = app
        .store
        .create_draft(territoires_store::testing::TEST_CALL, &other_account, "Mien", "", None)
        .await
        .unwrap()
        .id
        .0;
    let owner_token = bearer(&app, "porteuse@ville.fr").await;
    let r = api_upload(&app, id, &owner_token, "a.pdf", &pdf()).await;
    let n = r.json()["id"].as_i64().unwrap();
    let token = bearer(&app, "autre@ville.fr").await;
    let before = audit_count(&app).await;

    for uri in [
        format!("/api/v1/applications/{id}/attachments"),
        format!("/api/v1/applications/{id}/attachments/{n}"),
        format!("/api/v1/applications/{id}/messages"),
        format!("/api/v1/applications/{id}/notes"),
        "/api/v1/applications/999999/attachments".to_owned(),
    ] {
        assert_eq!(api_get(&app, &uri, &token).await.status, StatusCode::NOT_FOUND, "{uri}");
    }
    assert_eq!(
        fetch(&app, &format!("/candidatures/{id}/pieces/{n}"), &other).await.0,
        StatusCode::NOT_FOUND
    );
    // Its own application's address does not reach another's file either.
    assert_eq!(
        fetch(&app, &format!("/candidatures/{own}/pieces/{n}"), &other).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(api_upload(&app, id, &token, "b.pdf", &pdf()).await.status, StatusCode::NOT_FOUND);
    let csrf = token_of(&app, own, &other).await;
    assert_eq!(
        page_upload(&app, id, &other, &csrf, "b.pdf", &pdf()).await.status,
        StatusCode::NOT_FOUND
    );
    let post = |uri: String| {
        Request::post(uri)
            .header(header::AUTHORIZATION, &token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"text": "Bonjour"}"#))
            .unwrap()
    };
    for uri in [
        format!("/api/v1/applications/{id}/messages"),
        format!("/api/v1/applications/{id}/notes"),
    ] {
        assert_eq!(app.request(post(uri.clone())).await.status, StatusCode::NOT_FOUND, "{uri}");
    }
    let delete = Request::delete(format!("/api/v1/applications/{id}/attachments/{n}"))
        .header(header::AUTHORIZATION, &token)
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.request(delete).await.status, StatusCode::NOT_FOUND);
    let form = crate::auth::form(
        &format!("/candidatures/{id}/messages"),
        format!("csrf={csrf}&texte=Bonjour"),
        Some(&other),
    );
    assert_eq!(app.request(form).await.status, StatusCode::NOT_FOUND);
    assert_eq!(audit_count(&app).await, before, "nothing written");
    assert_eq!(app.store.attachments(ApplicationId(id)).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_twenty_first_file_and_files_after_submission_are_refused_with_409() {
    let app = spawn_app().await;
    territoires_store::testing::open_test_call(&app.store).await.unwrap();
    let (lead_account, lead) = person(&app, "porteuse@ville.fr", "Claire Porteuse", Role::ProjectLead).await;
    let (_, instructor) = person(&app, "instructeur@anct.gouv.fr", "Ilan Instructeur", Role::Instructor).await;
    let id = app
        .store
        .create_draft(territoires_store::testing::TEST_CALL, &lead_account, "Vallée verte", "", None)
        .await
        .unwrap()
        .id
        .0;
    let token = bearer(&app, "porteuse@ville.fr").await;
    for i in 1..=20 {
        let r = api_upload(&app, id, &token, &format!("piece-{i}.txt"), b"texte").await;
        assert_eq!(r.status, StatusCode::CREATED, "file {i}: {}", r.body);
    }
    let r = api_upload(&app, id, &token, "piece-21.txt", b"texte").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_contains(&r.body, "au plus 20 pièces jointes");
    assert_eq!(app.store.attachments(ApplicationId(id)).await.unwrap().len(), 20);

    // The applicant deletes one through the page (audited); an instructor may not.
    let list = app.store.attachments(ApplicationId(id)).await.unwrap();
    let csrf = token_of(&app, id, &instructor).await;
    let r = app
        .request(crate::auth::form(
            &format!("/candidatures/{id}/pieces/{}/suppression", list[0].id),
            format!("csrf={csrf}"),
            Some(&instructor),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let csrf = token_of(&app, id, &lead).await;
    let before = audit_count(&app).await;
    let r = app
        .request(crate::auth::form(
            &format!("/candidatures/{id}/pieces/{}/suppression", list[0].id),
            format!("csrf={csrf}"),
            Some(&lead),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(audit_count(&app).await, before + 1);
    let last = app.store.audit_entries().await.unwrap().pop().unwrap();
    assert_eq!(
        (last.action.as_str(), &last.before["name"]),
        ("attachment.delete", &serde_json::json!("piece-1.txt"))
    );
    assert_eq!(app.store.attachments(ApplicationId(id)).await.unwrap().len(), 19);

    // Once submitted, files are frozen: upload and delete answer 409, the form is gone.
    app.store
        .transition(
            ApplicationId(id),
            &Transition::Submit,
            &lead_account,
            time::OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let r = api_upload(&app, id, &token, "tardive.pdf", &pdf()).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_contains(&r.body, "Déposée");
    let r = page_upload(&app, id, &lead, &csrf, "tardive.pdf", &pdf()).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(!get_with(&app, &format!("/candidatures/{id}"), Some(&lead))
        .await
        .body
        .contains("multipart/form-data"));
    let delete = Request::delete(format!("/api/v1/applications/{id}/attachments/{}", list[1].id))
        .header(header::AUTHORIZATION, &token)
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.request(delete).await.status, StatusCode::CONFLICT);
    assert_eq!(app.store.attachments(ApplicationId(id)).await.unwrap().len(), 19);
}
