//! Signing in through the API: bearer tokens for API clients, and the `X-CSRF-Token`
//! header that writes authenticated by the session cookie must carry.

use crate::auth::{sign_in, PASSWORD};
use crate::{spawn_app, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use territoires_domain::access::{Email, Role};
use territoires_store::NewAccount;

async fn lead(app: &TestApp) -> &'static str {
    let new = NewAccount {
        email: Email::parse("Porteuse@Example.fr").unwrap(),
        display_name: "Porteuse",
        role: Role::ProjectLead,
        organisation: Some("Commune de Test"),
        password: Some(PASSWORD),
    };
    app.store.create_account(new, "test").await.unwrap();
    "porteuse@example.fr"
}

fn json_post(uri: &str, body: serde_json::Value) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn a_bearer_token_signs_an_api_client_in_and_out() {
    let app = spawn_app().await;
    lead(&app).await;
    let r = app
        .request(json_post(
            "/api/v1/sessions",
            serde_json::json!({"email": "PORTEUSE@example.fr", "password": PASSWORD}),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store");
    let body = r.json();
    assert_eq!(body["expires_in_seconds"], 8 * 3600);
    assert_eq!(body["account"]["role"], "project-lead");
    let token = body["token"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {token}");

    let who = app
        .request(
            Request::get("/api/v1/session")
                .header(header::AUTHORIZATION, &bearer)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(who.status, StatusCode::OK, "{}", who.body);
    assert_eq!(who.json()["account"]["email"], "porteuse@example.fr");

    // A bearer write needs no anti-CSRF header: browsers never send the header by themselves.
    let out = app
        .request(
            Request::delete("/api/v1/session")
                .header(header::AUTHORIZATION, &bearer)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.body);
    let after = app
        .request(
            Request::get("/api/v1/session")
                .header(header::AUTHORIZATION, &bearer)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_credentials_and_bad_bodies_are_refused_without_a_token() {
    let app = spawn_app().await;
    lead(&app).await;
    for body in [
        serde_json::json!({"email": "porteuse@example.fr", "password": "wrong password!"}),
        serde_json::json!({"email": "nobody@example.fr", "password": PASSWORD}),
    ] {
        let r = app.request(json_post("/api/v1/sessions", body)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
        assert_eq!(r.json()["error"]["code"], "unauthorized");
        assert!(r.json().get("token").is_none());
    }
    let r = app.request(json_post("/api/v1/sessions", serde_json::json!({"login": "x"}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "invalid_input");
    let r = app
        .request(
            Request::get("/api/v1/session")
                .header(header::AUTHORIZATION, "Bearer not-a-session")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_cookie_write_needs_the_session_csrf_header() {
    let app = spawn_app().await;
    let email = lead(&app).await;
    let cookie = sign_in(&app, email).await;
    let delete = |csrf: Option<&str>| {
        let mut r = Request::delete("/api/v1/session").header(header::COOKIE, &cookie);
        if let Some(t) = csrf {
            r = r.header("x-csrf-token", t);
        }
        r.body(Body::empty()).unwrap()
    };
    for bad in [None, Some("forged")] {
        let r = app.request(delete(bad)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{bad:?}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], "forbidden");
    }
    let who = app
        .request(
            Request::get("/api/v1/session")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let csrf = who.json()["csrf_token"].as_str().unwrap().to_owned();
    assert_eq!(csrf.len(), 43);
    assert_eq!(app.request(delete(Some(&csrf))).await.status, StatusCode::NO_CONTENT);
}
