//! OpenID Connect sign-in against an in-process fake provider (axum on 127.0.0.1:0):
//! discovery, a JWKS holding the public half of a fixed test RSA key, and a token endpoint
//! that checks the client's credentials and the PKCE verifier and returns the ID token the
//! test prepared for the code. Every refusal leaves no session and no account behind.

use crate::auth::get_with;
use crate::{spawn_app, TestApp};
use axum::http::{header, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use territoires_domain::access::{Email, Role};
use territoires_store::NewAccount;
use territoires_web::oidc::{OidcConfig, Provider};
use territoires_web::{router, AppState};

/// A 2048-bit RSA key made for these tests only (`openssl genrsa 2048`); it signs nothing else.
const TEST_KEY: &str = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAwoSN/os25nIdc4xer+Xklnf/l6VaQIDoR+iPyqB1C2c7tJ3H\nkBzCRErWxzHuQalv3lmHEadIsMJ41YVpJoNvalIhNVjvjYQkd69MxjGTGDLrLbZQ\nqfXj8qG6IXDmFRs+nd/zW28pP7XVyiqJbYIOmIaTPfOngpnubua1xG+VVzdOnEEK\ntAn4xQgPc2+eO3q8Y5sDUOGRPSbBJrQg6NCYH0G7DtmsNKWdBbNXk76s0SNQur21\nYrcyaMGZvBo5Q0JhOHR3Ujcpwjl52OCARyL/hXHGMjZM1UeYrcLOh9g+PDPQ4vuY\nUlJUTr7jZvX7cF9K3136BJKdL7HkvQZEbHJJaQIDAQABAoIBAAY+qzBY19JeJ4Pm\nJcQP5V7PS21a6aLYgJyOYs9mh1tuXQRXbGi8A6CdpneOqs+A2Q6SYTu32yWRmL+C\nIPYTkigfquFDka1BaMpO3nAed1J3kAVPrRdHxaGsf4VDUp+q2D/JSM7OqsxY0hxD\ncVYKrt1GtMNwZxhSSM1Wqs87pde+6HSK9DBQjFg2PuDwfYfhMs+AsyBnRKmKfO6u\nK2Rz8Kcx56ALZP+vDItLEjTmTzKMU3M986quotyv6Iav6bleiT8nCGnN0PSJ/Zr0\nkoIWtpqikvoonnD83cQoJYdM28FhwLGbRPHtZj62UF9mteDfYHxtNwHcEw+Nc9v7\nbu5teAECgYEA7OuirHtOP4o6e6rtQ2WGkOodd1shRmFOnmTASrlENbMkzVt9vNUy\n+csVtmn+hTsXjEnGPUGy7M01Knln8xt18PjvtoUNsyYVqstpWXqMB6/J0NQ1G5vp\nf363tBKW8QQiiVuuk0Ri01c5n5eiPRUWTD9nT9BiArcYAbs6m2KRykkCgYEA0i6+\nZpWaD8S1WnPmzK057Re5k5zhvpfPj6JtQemLw2EYNIU+HrGxZKW8G9Ai8PjnBbXo\nByOoGWamFOgeRQar/53nHiT7YOitxLeK7YhN4UhfPsS+7d13jta4KSBHvlh+C75N\nMivTQTJXoI8yAZIg66rzU69vRlGacet+aJGdhiECgYEA1gPxmf906r7yH36C/4u5\nqDRj08q1Xz9NZpW6goWjESM3jm4kQi0Q9Ea44WQUL8P2fJq0AefUOkcQzMKI3Tmk\nK76jw+ujOX6guf0vuE2UKuln1EWth7gqkComxfq48RT8Ibp5E70FzMWRXxH501W2\nI8BukdG6h5tfi0jXI0BCVEkCgYARQDrqao75ilikMu0XkYQ2nILjxbWVkho8HMXA\n6i1JfPein+kIVedMbnnxAnVLt/ImOtbvdxK9+vnYr3CEk9acJVap17k2LALPKY1i\nj5Rs0CbZHQbauRmuBJua7IZW7iZySk1Ft+kf6cTdbcNZ86d2EFLmZHjKmboGbaCz\nbngyYQKBgQCKMEVHxNhLu3Ez2r6soz/YwnzUC1T5uwZUliD3194ohht7mAatE1WJ\nOepRq+grBFZBely/oyre9N3QOO5PKfuxwJlyUL1Iy4HZn9bI7Df55JgTAtYwNxpp\nJvQuMZ2eS0N32bQ7bDHTDOT6MS64K4yShpfrxSvht81YdTKG0eEBZQ==\n-----END RSA PRIVATE KEY-----";
/// Its modulus and exponent, base64url (from `openssl rsa -modulus`).
const TEST_KEY_N: &str = "woSN_os25nIdc4xer-Xklnf_l6VaQIDoR-iPyqB1C2c7tJ3HkBzCRErWxzHuQalv3lmHEadIsMJ41YVpJoNvalIhNVjvjYQkd69MxjGTGDLrLbZQqfXj8qG6IXDmFRs-nd_zW28pP7XVyiqJbYIOmIaTPfOngpnubua1xG-VVzdOnEEKtAn4xQgPc2-eO3q8Y5sDUOGRPSbBJrQg6NCYH0G7DtmsNKWdBbNXk76s0SNQur21YrcyaMGZvBo5Q0JhOHR3Ujcpwjl52OCARyL_hXHGMjZM1UeYrcLOh9g-PDPQ4vuYUlJUTr7jZvX7cF9K3136BJKdL7HkvQZEbHJJaQ";
const KID: &str = "cle-de-test";
const CLIENT_ID: &str = "portail-territoires";
const CLIENT_SECRET: &str = "secret-de-test";

/// What the fake token endpoint hands out: per code, the ID token and the PKCE challenge.
type Codes = Arc<Mutex<HashMap<String, (String, String)>>>;

struct Fake {
    issuer: String,
    codes: Codes,
    /// What the userinfo endpoint answers (a signed JWT, as ProConnect sends), if set.
    userinfo: Arc<Mutex<Option<String>>>,
}

async fn fake_provider() -> Fake {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let codes: Codes = Arc::default();
    let discovery = serde_json::json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "userinfo_endpoint": format!("{issuer}/userinfo"),
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
    });
    let jwks = serde_json::json!({"keys": [{"kty": "RSA", "kid": KID, "use": "sig", "alg": "RS256", "n": TEST_KEY_N, "e": "AQAB"}]});
    let token_codes = codes.clone();
    let userinfo: Arc<Mutex<Option<String>>> = Arc::default();
    let answer = userinfo.clone();
    let app = Router::new()
        .route(
            "/userinfo",
            get(move |headers: axum::http::HeaderMap| async move {
                let bearer = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) == Some("Bearer at");
                match answer.lock().unwrap().clone() {
                    Some(jwt) if bearer => (StatusCode::OK, [(header::CONTENT_TYPE, "application/jwt")], jwt),
                    _ => (StatusCode::UNAUTHORIZED, [(header::CONTENT_TYPE, "text/plain")], String::new()),
                }
            }),
        )
        .route("/.well-known/openid-configuration", get(move || async move { Json(discovery) }))
        .route("/jwks", get(move || async move { Json(jwks) }))
        .route(
            "/token",
            post(move |headers: axum::http::HeaderMap, body: String| async move { token(&token_codes, &headers, &body) }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Fake { issuer, codes, userinfo }
}

/// The token endpoint: Basic credentials, a known single-use code, the verifier whose
/// S256 matches the challenge sent to /authorize.
fn token(codes: &Codes, headers: &axum::http::HeaderMap, body: &str) -> (StatusCode, String) {
    let basic = format!("Basic {}", STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}")));
    if headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) != Some(basic.as_str()) {
        return (StatusCode::UNAUTHORIZED, r#"{"error":"invalid_client"}"#.into());
    }
    let form: HashMap<&str, &str> = body.split('&').filter_map(|p| p.split_once('=')).collect();
    let Some((id_token, challenge)) = form.get("code").and_then(|c| codes.lock().unwrap().remove(*c)) else {
        return (StatusCode::BAD_REQUEST, r#"{"error":"invalid_grant"}"#.into());
    };
    let verifier = form.get("code_verifier").copied().unwrap_or_default();
    if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != challenge || form.get("grant_type") != Some(&"authorization_code") {
        return (StatusCode::BAD_REQUEST, r#"{"error":"invalid_grant"}"#.into());
    }
    (
        StatusCode::OK,
        serde_json::json!({"access_token": "at", "token_type": "Bearer", "id_token": id_token}).to_string(),
    )
}

fn config(issuer: &str) -> OidcConfig {
    OidcConfig {
        issuer: issuer.to_owned(),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        redirect_url: "http://localhost/connexion/oidc/retour".into(),
        label: "Se connecter avec ProConnect".into(),
        scopes: "openid email profile".into(),
    }
}

/// The app with OpenID Connect pointed at `issuer`.
async fn app_with_oidc(issuer: &str) -> TestApp {
    let app = spawn_app().await;
    let registry = app.store.load_registry().await.unwrap().unwrap();
    let mut state = AppState::new(Arc::new(registry), app.store.clone());
    state.oidc = Some(Arc::new(Provider::new(config(issuer)).unwrap()));
    TestApp {
        router: router(state),
        store: app.store,
    }
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn sign(claims: &serde_json::Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KID.into());
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_rsa_pem(TEST_KEY.as_bytes()).unwrap()).unwrap()
}

/// A started flow: the flow cookie and what the redirect to /authorize carried.
struct Started {
    cookie: String,
    state: String,
    nonce: String,
    challenge: String,
}

async fn start(app: &TestApp, fake: &Fake) -> Started {
    let r = get_with(app, "/connexion/oidc?retour=%2Fespace", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(location.starts_with(&format!("{}/authorize?", fake.issuer)), "{location}");
    let query: HashMap<&str, &str> = location
        .split_once('?')
        .unwrap()
        .1
        .split('&')
        .filter_map(|p| p.split_once('='))
        .collect();
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["client_id"], CLIENT_ID);
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["scope"], "openid%20email%20profile");
    assert_eq!(query["redirect_uri"], "http%3A%2F%2Flocalhost%2Fconnexion%2Foidc%2Fretour");
    let set = r.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("Path=/connexion/oidc") && set.contains("Max-Age=600"),
        "{set}"
    );
    Started {
        cookie: set.split(';').next().unwrap().to_owned(),
        state: query["state"].to_owned(),
        nonce: query["nonce"].to_owned(),
        challenge: query["code_challenge"].to_owned(),
    }
}

/// Claims the provider would sign for Claire Dupont, valid for this flow.
fn claims(fake: &Fake, flow: &Started) -> serde_json::Value {
    serde_json::json!({
        "iss": fake.issuer,
        "sub": "agent-42",
        "aud": CLIENT_ID,
        "exp": now() + 300,
        "iat": now(),
        "nonce": flow.nonce,
        "email": "Claire.Dupont@Interieur.Gouv.fr",
        "email_verified": true,
        "given_name": "Claire",
        "usual_name": "Dupont",
    })
}

/// Hands `id_token` out for a new code and calls back with it and `state`.
async fn call_back(app: &TestApp, fake: &Fake, flow: &Started, id_token: String, state: &str) -> crate::TestResponse {
    let code = format!("code-{}", fake.codes.lock().unwrap().len() + 1);
    fake.codes.lock().unwrap().insert(code.clone(), (id_token, flow.challenge.clone()));
    get_with(
        app,
        &format!("/connexion/oidc/retour?code={code}&state={state}"),
        Some(&flow.cookie),
    )
    .await
}

fn session_of(r: &crate::TestResponse) -> Option<String> {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with("territoires_session=") && c.len() > "territoires_session=".len())
}

#[tokio::test]
async fn the_full_flow_creates_a_public_account_and_opens_a_session() {
    let fake = fake_provider().await;
    let app = app_with_oidc(&fake.issuer).await;
    assert!(app.page("/connexion").await.contains("href=\"/connexion/oidc?retour=%2Fespace\""));
    let flow = start(&app, &fake).await;
    let r = call_back(&app, &fake, &flow, sign(&claims(&fake, &flow)), &flow.state.clone()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.headers[header::LOCATION], "/espace");
    let session = session_of(&r).expect("a session cookie");
    assert!(
        r.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|v| v.to_str().unwrap().starts_with("territoires_oidc=;")),
        "flow cookie removed"
    );
    let home = get_with(&app, "/espace", Some(&session)).await;
    assert_eq!(home.status, StatusCode::OK);
    crate::assert_contains(&home.body, "Claire Dupont");
    crate::assert_contains(&home.body, "claire.dupont@interieur.gouv.fr");
    crate::assert_contains(&home.body, "Votre rôle : Public");
    let audit = app.store.audit_entries().await.unwrap();
    let created = audit.iter().find(|e| e.action == "account.create").expect("audited");
    assert_eq!(created.after["sign_in"], "openid-connect");
    assert_eq!(created.after["subject"], "agent-42");

    // The same subject signs in again: the same account, no new audit entry.
    let again = start(&app, &fake).await;
    let r = call_back(&app, &fake, &again, sign(&claims(&fake, &again)), &again.state.clone()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.store.accounts().await.unwrap().len(), 1);
    assert_eq!(app.store.audit_entries().await.unwrap().len(), audit.len());
}

#[tokio::test]
async fn an_email_missing_from_the_id_token_is_read_from_the_signed_userinfo() {
    // ProConnect's ID token carries no e-mail; its userinfo answer is a JWT signed by the
    // provider's key.
    let fake = fake_provider().await;
    let app = app_with_oidc(&fake.issuer).await;
    let flow = start(&app, &fake).await;
    let mut id_token = claims(&fake, &flow);
    for key in ["email", "email_verified", "given_name", "usual_name"] {
        id_token.as_object_mut().unwrap().remove(key);
    }
    let info = |sub: &str| {
        sign(&serde_json::json!({
            "iss": fake.issuer, "aud": CLIENT_ID, "sub": sub,
            "email": "agent@finances.gouv.fr", "email_verified": true,
            "given_name": "Paul", "usual_name": "Martin",
        }))
    };
    // A userinfo answer about someone else is refused.
    *fake.userinfo.lock().unwrap() = Some(info("quelqu-un-d-autre"));
    refused(&app, &fake, &flow, sign(&id_token), &flow.state.clone()).await;
    *fake.userinfo.lock().unwrap() = Some(info("agent-42"));
    let r = call_back(&app, &fake, &flow, sign(&id_token), &flow.state.clone()).await;
    let session = session_of(&r).expect("a session cookie");
    let home = get_with(&app, "/espace", Some(&session)).await;
    crate::assert_contains(&home.body, "Paul Martin");
    crate::assert_contains(&home.body, "agent@finances.gouv.fr");
}

#[tokio::test]
async fn a_local_account_with_the_verified_email_is_linked() {
    let fake = fake_provider().await;
    let app = app_with_oidc(&fake.issuer).await;
    let new = NewAccount {
        email: Email::parse("claire.dupont@interieur.gouv.fr").unwrap(),
        display_name: "Claire Dupont (locale)",
        role: Role::Instructor,
        organisation: Some("Ministère de l'Intérieur"),
        password: None,
    };
    app.store.create_account(new, "test").await.unwrap();
    let flow = start(&app, &fake).await;
    let r = call_back(&app, &fake, &flow, sign(&claims(&fake, &flow)), &flow.state.clone()).await;
    let session = session_of(&r).expect("a session cookie");
    let home = get_with(&app, "/espace", Some(&session)).await;
    crate::assert_contains(&home.body, "Votre rôle : Instructeur");
    let audit = app.store.audit_entries().await.unwrap();
    let link = audit.iter().find(|e| e.action == "account.link-oidc").expect("audited");
    assert_eq!(link.after["issuer"], fake.issuer.as_str());
    assert_eq!(app.store.accounts().await.unwrap().len(), 1, "linked, not duplicated");
}

/// Calls back with `id_token` and asserts a French 403 without a session nor an account.
async fn refused(app: &TestApp, fake: &Fake, flow: &Started, id_token: String, state: &str) {
    let r = call_back(app, fake, flow, id_token, state).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.content_type.starts_with("text/html"));
    assert!(session_of(&r).is_none(), "no session");
    assert!(app.store.accounts().await.unwrap().is_empty(), "no account");
}

#[tokio::test]
async fn invalid_tokens_and_unknown_states_are_refused() {
    let fake = fake_provider().await;
    let app = app_with_oidc(&fake.issuer).await;
    let flow = start(&app, &fake).await;
    let state = flow.state.clone();
    let good = claims(&fake, &flow);
    let with = |key: &str, value: serde_json::Value| {
        let mut c = good.clone();
        c[key] = value;
        c
    };
    refused(&app, &fake, &flow, sign(&with("nonce", "autre-nonce".into())), &state).await;
    refused(&app, &fake, &flow, sign(&with("aud", "un-autre-client".into())), &state).await;
    refused(&app, &fake, &flow, sign(&with("iss", "https://faux.example".into())), &state).await;
    refused(&app, &fake, &flow, sign(&with("exp", (now() - 3600).into())), &state).await;
    refused(&app, &fake, &flow, sign(&with("email_verified", false.into())), &state).await;
    // A signature altered in its middle no longer matches the key.
    let token = sign(&good);
    let (head, sig) = token.rsplit_once('.').unwrap();
    let mut sig: Vec<char> = sig.chars().collect();
    sig[20] = if sig[20] == 'A' { 'B' } else { 'A' };
    refused(&app, &fake, &flow, format!("{head}.{}", sig.iter().collect::<String>()), &state).await;
    // An unsigned token (`alg: none`) is refused.
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
        URL_SAFE_NO_PAD.encode(good.to_string())
    );
    refused(&app, &fake, &flow, none, &state).await;
    // A valid token, but a state that is not the flow's.
    refused(&app, &fake, &flow, sign(&good), "etat-inconnu").await;
    // No flow cookie at all.
    let r = get_with(&app, &format!("/connexion/oidc/retour?code=x&state={state}"), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The provider's own refusal.
    let r = get_with(
        &app,
        &format!("/connexion/oidc/retour?error=access_denied&state={state}"),
        Some(&flow.cookie),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(session_of(&r).is_none());
    // And the good token still works afterwards: the refusals were not a broken set-up.
    let r = call_back(&app, &fake, &flow, sign(&good), &state).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_through_the_provider() {
    let fake = fake_provider().await;
    let app = app_with_oidc(&fake.issuer).await;
    let flow = start(&app, &fake).await;
    let r = call_back(&app, &fake, &flow, sign(&claims(&fake, &flow)), &flow.state.clone()).await;
    assert!(session_of(&r).is_some());
    let account = app.store.accounts().await.unwrap().remove(0);
    let change = territoires_store::AccountChange {
        role: account.role,
        organisation: None,
        disabled: true,
    };
    app.store.update_account(account.id, &change, 0).await.unwrap();
    let flow = start(&app, &fake).await;
    let r = call_back(&app, &fake, &flow, sign(&claims(&fake, &flow)), &flow.state.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(session_of(&r).is_none());
}

#[tokio::test]
async fn without_configuration_there_is_no_button_and_the_routes_are_404() {
    let app = spawn_app().await;
    assert!(!app.page("/connexion").await.contains("/connexion/oidc"));
    assert_eq!(get_with(&app, "/connexion/oidc", None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        get_with(&app, "/connexion/oidc/retour?code=a&state=b", None).await.status,
        StatusCode::NOT_FOUND
    );
}
