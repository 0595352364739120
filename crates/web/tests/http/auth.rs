//! Accounts, sign-in and the role × route matrix: every role against every route,
//! asserting who may do what, on the backend the suite runs on.

use crate::{spawn_app, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use territoires_domain::access::{allows, Action, Email, Role};
use territoires_store::NewAccount;

const PASSWORD: &str = "correct horse battery";

async fn account(app: &TestApp, role: Role) -> String {
    let email = format!("{}@example.fr", role.code());
    let new = NewAccount {
        email: Email::parse(&email).unwrap(),
        display_name: role.label(),
        role,
        organisation: None,
        password: Some(PASSWORD),
    };
    app.store.create_account(new, "test").await.unwrap();
    email
}

fn form(uri: &str, body: String, cookie: Option<&str>) -> Request<Body> {
    let mut r = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "localhost");
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    r.body(Body::from(body)).unwrap()
}

/// Signs in and returns the `name=value` of the session cookie.
async fn sign_in(app: &TestApp, email: &str) -> String {
    let r = app
        .request(form(
            "/connexion",
            format!("email={email}&password=correct+horse+battery&retour=%2Fespace"),
            None,
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.headers[header::LOCATION], "/espace");
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    cookie.split(';').next().unwrap().to_owned()
}

async fn get_with(app: &TestApp, uri: &str, cookie: Option<&str>) -> crate::TestResponse {
    let mut r = Request::get(uri);
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    app.request(r.body(Body::empty()).unwrap()).await
}

/// Protected routes and the action each needs (`None`: any signed-in account).
const PROTECTED: &[(&str, Option<Action>)] = &[
    ("/espace", None),
    ("/admin/comptes", Some(Action::ManageAccounts)),
    ("/admin/journal", Some(Action::ReadAuditTrail)),
];
/// Public routes: every role, signed in or not, gets them.
const PUBLIC: &[&str] = &[
    "/",
    "/projets",
    "/projets/biovallee",
    "/coherence",
    "/a-propos",
    "/api/v1/projects",
    "/connexion",
];

#[tokio::test]
async fn every_role_against_every_route() {
    let app = spawn_app().await;
    for role in Role::ALL {
        let cookie = if role == Role::Public {
            None
        } else {
            Some(sign_in(&app, &account(&app, role).await).await)
        };
        for &(uri, action) in PROTECTED {
            let r = get_with(&app, uri, cookie.as_deref()).await;
            let expected = match (role, action) {
                (Role::Public, _) => StatusCode::SEE_OTHER,
                (_, None) => StatusCode::OK,
                (r, Some(a)) if allows(r, a) => StatusCode::OK,
                _ => StatusCode::FORBIDDEN,
            };
            assert_eq!(r.status, expected, "{role:?} GET {uri}");
            if expected == StatusCode::SEE_OTHER {
                assert_eq!(r.headers[header::LOCATION], format!("/connexion?retour={uri}"));
            }
        }
        for uri in PUBLIC {
            let r = get_with(&app, uri, cookie.as_deref()).await;
            let ok = r.status == StatusCode::OK || (*uri == "/connexion" && r.status == StatusCode::SEE_OTHER);
            assert!(ok, "{role:?} GET {uri}: {}", r.status);
        }
    }
}

#[tokio::test]
async fn the_matrix_says_what_the_issue_says() {
    // Read off issue 3, independently of `allows`: only the administrator sees the accounts.
    let app = spawn_app().await;
    let admin = sign_in(&app, &account(&app, Role::OperatorAdmin).await).await;
    let expert = sign_in(&app, &account(&app, Role::Expert).await).await;
    let page = get_with(&app, "/admin/comptes", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("expert@example.fr") && !page.body.contains("argon2"),
        "accounts listed, never their hashes"
    );
    assert_eq!(get_with(&app, "/admin/comptes", Some(&expert)).await.status, StatusCode::FORBIDDEN);
    let home = get_with(&app, "/espace", Some(&expert)).await;
    assert!(
        home.body.contains("Noter les candidatures") && !home.body.contains("Délibérer et décider"),
        "{}",
        home.body
    );
    assert_eq!(home.headers[header::CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_the_sixth_try_throttled() {
    let app = spawn_app().await;
    let email = account(&app, Role::Instructor).await;
    for _ in 0..5 {
        let r = app
            .request(form("/connexion", format!("email={email}&password=wrong+password+here"), None))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("Adresse électronique ou mot de passe incorrect"));
        assert!(r.headers.get(header::SET_COOKIE).is_none());
    }
    // Even the right password is refused while throttled.
    let r = app
        .request(form("/connexion", format!("email={email}&password=correct+horse+battery"), None))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
}

#[tokio::test]
async fn sign_out_needs_the_form_token_and_ends_the_session() {
    let app = spawn_app().await;
    let cookie = sign_in(&app, &account(&app, Role::ProgrammeManager).await).await;
    let bad = app.request(form("/deconnexion", "csrf=forged".into(), Some(&cookie))).await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN);
    assert_eq!(
        get_with(&app, "/espace", Some(&cookie)).await.status,
        StatusCode::OK,
        "still signed in"
    );
    let home = get_with(&app, "/espace", Some(&cookie)).await.body;
    let token = home
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let out = app.request(form("/deconnexion", format!("csrf={token}"), Some(&cookie))).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.headers[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(
        get_with(&app, "/espace", Some(&cookie)).await.status,
        StatusCode::SEE_OTHER,
        "the old cookie is dead"
    );
}

#[tokio::test]
async fn a_sign_in_posted_from_another_site_is_refused() {
    let app = spawn_app().await;
    let email = account(&app, Role::OperatorAdmin).await;
    let mut req = form("/connexion", format!("email={email}&password=correct+horse+battery"), None);
    req.headers_mut().insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    let r = app.request(req).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn the_return_address_stays_on_this_site() {
    let app = spawn_app().await;
    let email = account(&app, Role::Partner).await;
    let r = app
        .request(form(
            "/connexion",
            format!("email={email}&password=correct+horse+battery&retour=%2F%2Fevil.example"),
            None,
        ))
        .await;
    assert_eq!(r.headers[header::LOCATION], "/espace");
}

#[tokio::test]
async fn the_audit_page_shows_the_chain_and_catches_a_row_changed_in_the_database() {
    let app = spawn_app().await;
    let manager = sign_in(&app, &account(&app, Role::ProgrammeManager).await).await;
    // spawn_app imported the press kit (seq 1); creating the account is seq 2.
    let page = get_with(&app, "/admin/journal", Some(&manager)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Chaîne intacte : 2 entrée(s)"), "{}", page.body);
    assert!(page.body.contains("registry.import") && page.body.contains("account.create"));
    territoires_store::testing::execute(&app.store, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1")
        .await
        .unwrap();
    let page = get_with(&app, "/admin/journal", Some(&manager)).await;
    assert!(page.body.contains("Entrée n° 1 modifiée"), "{}", page.body);
}
