//! Account administration (`/admin/comptes`, `/api/v1/accounts`): administrators create,
//! change, disable and enable accounts; nobody else may; changes are audited without a
//! password or hash; an administrator cannot lock themselves out.

use crate::auth::{form, get_with, sign_in, PASSWORD};
use crate::{spawn_app, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use territoires_domain::access::{Email, Role};
use territoires_store::NewAccount;

async fn account(app: &TestApp, email: &str, role: Role) -> i64 {
    let new = NewAccount {
        email: Email::parse(email).unwrap(),
        display_name: role.label(),
        role,
        organisation: None,
        password: Some(PASSWORD),
    };
    app.store.create_account(new, "test").await.unwrap().id
}

fn csrf_of(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

async fn bearer(app: &TestApp, email: &str) -> String {
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

fn api(method: &str, uri: &str, token: &str, body: Option<serde_json::Value>) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, token)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.map(|b| Body::from(b.to_string())).unwrap_or_default())
        .unwrap()
}

#[tokio::test]
async fn the_administrator_creates_an_expert_who_then_signs_in() {
    let app = spawn_app().await;
    let admin_id = account(&app, "admin@example.fr", Role::OperatorAdmin).await;
    let admin = sign_in(&app, "admin@example.fr").await;
    let page = get_with(&app, "/admin/comptes", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = csrf_of(&page.body);
    // Too short a password: refused naming the field, nothing created.
    let body = |password: &str| {
        format!("csrf={csrf}&email=Expert.Eau%40Example.fr&display_name=Eve+Expert&role=expert&organisation=INRAE&password={password}")
    };
    let r = app.request(form("/admin/comptes", body("court"), Some(&admin))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    crate::assert_contains(&r.body, "au moins 12 caractères");
    assert_eq!(app.store.accounts().await.unwrap().len(), 1);
    let r = app
        .request(form("/admin/comptes", body("correct+horse+battery"), Some(&admin)))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The same address twice: 409.
    let r = app
        .request(form("/admin/comptes", body("correct+horse+battery"), Some(&admin)))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let expert = sign_in(&app, "expert.eau@example.fr").await;
    let home = get_with(&app, "/espace", Some(&expert)).await;
    crate::assert_contains(&home.body, "Votre rôle : Expert du comité");
    crate::assert_contains(&home.body, "Organisation : INRAE");
    // No password, no hash in the audit trail.
    let audit = app.store.audit_entries().await.unwrap();
    let created: Vec<_> = audit.iter().filter(|e| e.action == "account.create").collect();
    assert_eq!(created.len(), 2, "the admin's and the expert's");
    for e in created {
        let text = format!("{} {}", e.before, e.after);
        assert!(
            !text.contains("password") && !text.contains("argon2") && !text.contains("horse"),
            "{text}"
        );
    }
    assert_eq!(audit.last().unwrap().actor, format!("account:{admin_id}"));
}

#[tokio::test]
async fn nobody_but_the_administrator_reaches_the_administration() {
    let app = spawn_app().await;
    let target = account(&app, "cible@example.fr", Role::Partner).await;
    for role in [
        Role::ProgrammeManager,
        Role::Instructor,
        Role::Expert,
        Role::ProjectLead,
        Role::Partner,
        Role::Public,
    ] {
        let email = format!("{}@example.fr", role.code());
        account(&app, &email, role).await;
        let cookie = sign_in(&app, &email).await;
        let csrf = csrf_of(&get_with(&app, "/espace", Some(&cookie)).await.body);
        assert_eq!(
            get_with(&app, "/admin/comptes", Some(&cookie)).await.status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
        let create = format!("csrf={csrf}&email=x%40example.fr&display_name=X&role=operator-admin&password=correct+horse+battery");
        assert_eq!(
            app.request(form("/admin/comptes", create, Some(&cookie))).await.status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
        let change = format!("csrf={csrf}&role=operator-admin&organisation=&etat=actif");
        let uri = format!("/admin/comptes/{target}");
        assert_eq!(
            app.request(form(&uri, change, Some(&cookie))).await.status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
        let token = bearer(&app, &email).await;
        assert_eq!(
            app.request(api("GET", "/api/v1/accounts", &token, None)).await.status,
            StatusCode::FORBIDDEN
        );
        let new = serde_json::json!({"email": "y@example.fr", "display_name": "Y", "role": "operator-admin"});
        assert_eq!(
            app.request(api("POST", "/api/v1/accounts", &token, Some(new))).await.status,
            StatusCode::FORBIDDEN
        );
        let patch = serde_json::json!({"role": "operator-admin"});
        let uri = format!("/api/v1/accounts/{target}");
        assert_eq!(
            app.request(api("PATCH", &uri, &token, Some(patch))).await.status,
            StatusCode::FORBIDDEN,
            "{role:?}"
        );
    }
    // Nothing changed: the target is still a partner, nobody else was created.
    let target = app.store.account_by_id(target).await.unwrap().unwrap();
    assert_eq!(target.role, Role::Partner);
    assert_eq!(app.store.accounts().await.unwrap().len(), 7);
    // Without any session: 401 for the API, the sign-in page for the page.
    assert_eq!(get_with(&app, "/api/v1/accounts", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(get_with(&app, "/admin/comptes", None).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn disabling_an_account_ends_its_live_session_and_enabling_restores_sign_in() {
    let app = spawn_app().await;
    account(&app, "admin@example.fr", Role::OperatorAdmin).await;
    let expert = account(&app, "expert@example.fr", Role::Expert).await;
    let token = bearer(&app, "admin@example.fr").await;
    let session = sign_in(&app, "expert@example.fr").await;
    assert_eq!(get_with(&app, "/espace", Some(&session)).await.status, StatusCode::OK);
    let uri = format!("/api/v1/accounts/{expert}");
    let r = app
        .request(api(
            "PATCH",
            &uri,
            &token,
            Some(serde_json::json!({"disabled": true, "organisation": "INRAE"})),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["disabled"], true);
    assert_eq!(r.json()["role"], "expert", "absent fields keep their value");
    assert_eq!(
        get_with(&app, "/espace", Some(&session)).await.status,
        StatusCode::SEE_OTHER,
        "the live session is dead"
    );
    let again = app
        .request(form(
            "/connexion",
            "email=expert%40example.fr&password=correct+horse+battery".into(),
            None,
        ))
        .await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    let update = app
        .store
        .audit_entries()
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.action == "account.update")
        .unwrap();
    assert_eq!(
        update.before,
        serde_json::json!({"role": "expert", "organisation": null, "disabled": false})
    );
    assert_eq!(
        update.after,
        serde_json::json!({"role": "expert", "organisation": "INRAE", "disabled": true})
    );
    let r = app
        .request(api("PATCH", &uri, &token, Some(serde_json::json!({"disabled": false}))))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    sign_in(&app, "expert@example.fr").await;
    // The list shows both, without hashes.
    let list = app.request(api("GET", "/api/v1/accounts", &token, None)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.json().as_array().unwrap().len(), 2);
    assert!(!list.body.contains("argon2") && !list.body.contains("password"));
}

#[tokio::test]
async fn an_administrator_cannot_demote_or_disable_themselves() {
    let app = spawn_app().await;
    let admin = account(&app, "admin@example.fr", Role::OperatorAdmin).await;
    let token = bearer(&app, "admin@example.fr").await;
    let uri = format!("/api/v1/accounts/{admin}");
    for patch in [serde_json::json!({"role": "expert"}), serde_json::json!({"disabled": true})] {
        let r = app.request(api("PATCH", &uri, &token, Some(patch))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    }
    let cookie = sign_in(&app, "admin@example.fr").await;
    let csrf = csrf_of(&get_with(&app, "/admin/comptes", Some(&cookie)).await.body);
    let r = app
        .request(form(
            &format!("/admin/comptes/{admin}"),
            format!("csrf={csrf}&role=instructor&organisation=&etat=actif"),
            Some(&cookie),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    crate::assert_contains(&r.body, "Vous ne pouvez ni désactiver votre propre compte");
    let me = app.store.account_by_id(admin).await.unwrap().unwrap();
    assert_eq!((me.role, me.disabled), (Role::OperatorAdmin, false));
    assert!(app
        .store
        .audit_entries()
        .await
        .unwrap()
        .iter()
        .all(|e| e.action != "account.update"));
    // Bad input through the API names the field.
    let r = app
        .request(api(
            "POST",
            "/api/v1/accounts",
            &token,
            Some(serde_json::json!({"email": "z@example.fr", "display_name": "Z", "role": "roi"})),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    crate::assert_contains(&r.body, "role");
    let r = app
        .request(api(
            "POST",
            "/api/v1/accounts",
            &token,
            Some(serde_json::json!({"email": "z@example.fr", "display_name": "Z", "role": "instructor"})),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "an account without password (OpenID Connect only)");
    assert_eq!(
        app.request(api("PATCH", "/api/v1/accounts/999", &token, Some(serde_json::json!({}))))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
