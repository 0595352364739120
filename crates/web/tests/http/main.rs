//! In-process HTTP tests of the portal and the API on the real press kit: the router is
//! driven with `oneshot(request)`, on a fresh database per test (SQLite by default,
//! PostgreSQL when `TEST_DATABASE_URL` names a server). Expected values are read off the
//! press kit (`data/territoires-d-innovation-2019-dossier-de-presse.md`), not off the code.

mod accounts_admin;
mod agreements;
mod api;
mod api_auth;
mod applications;
mod attachments;
mod auth;
mod call_management;
mod calls;
mod committee;
mod disbursements;
mod funding;
mod funding_import;
mod impact;
mod impact_pages;
mod investments;
mod messages;
mod oidc;
mod open_data;
mod open_data_standards;
mod openapi;
mod opinions_decisions;
mod pages;
mod reload;
mod sheets;
mod stress;
mod whole_call;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use std::sync::Arc;
use territoires_formats::press_kit::{parse, EMBEDDED, EMBEDDED_FILE};
use territoires_web::{router, AppState};
use tower::ServiceExt;

/// The app under test.
pub struct TestApp {
    pub router: Router,
    /// The store behind the router (shares its pool).
    pub store: territoires_store::Store,
}

/// A response, read whole.
pub struct TestResponse {
    pub status: StatusCode,
    pub content_type: String,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl TestResponse {
    /// The body as JSON (panics with the body if it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// A fresh database (`TEST_DATABASE_URL`, or a new SQLite file), the embedded press kit
/// imported into it, the registry loaded back from it, and the router over that.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Arc::new(territoires_web::notify::LogNotifier)).await
}

/// [`spawn_app`] with notifications sent through `notifier`.
pub async fn spawn_app_with(notifier: Arc<dyn territoires_web::notify::Notifier>) -> TestApp {
    let base = std::env::var("TEST_DATABASE_URL").ok();
    let url = territoires_store::testing::fresh_database_url(base.as_deref())
        .await
        .expect("fresh test database");
    let store = territoires_store::Store::connect(&url).await.expect("connect to the test database");
    let kit = parse(EMBEDDED, EMBEDDED_FILE).expect("the embedded press kit parses");
    store
        .import(&kit.programme, &kit.projects, territoires_store::AbsentProjects::Refuse, "system")
        .await
        .expect("import");
    let registry = store
        .load_registry()
        .await
        .expect("load registry")
        .expect("a registry after import");
    let router = router(AppState::new(Arc::new(registry), store.clone()).with_notifier(notifier));
    TestApp { router, store }
}

impl TestApp {
    /// `GET uri`.
    pub async fn get(&self, uri: &str) -> TestResponse {
        self.request(Request::get(uri).body(Body::empty()).unwrap()).await
    }

    /// Sends `req`.
    pub async fn request(&self, req: Request<Body>) -> TestResponse {
        let res = self.router.clone().oneshot(req).await.expect("router answers");
        let status = res.status();
        let headers = res.headers().clone();
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        let body = String::from_utf8(bytes.to_vec()).unwrap_or_else(|_| format!("<{} bytes of binary>", bytes.len()));
        TestResponse {
            status,
            content_type,
            headers,
            body,
        }
    }

    /// `GET uri`, asserting a 200 HTML page; returns the body.
    pub async fn page(&self, uri: &str) -> String {
        let r = self.get(uri).await;
        assert_eq!(r.status, StatusCode::OK, "GET {uri}: {}", r.body);
        assert_eq!(r.content_type, "text/html; charset=utf-8", "GET {uri}");
        r.body
    }
}

/// Asserts `haystack` contains `needle`, printing a window of the page when it does not.
#[track_caller]
pub fn assert_contains(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "expected {needle:?} in:\n{}",
        &haystack[..haystack.len().min(4000)]
    );
}
