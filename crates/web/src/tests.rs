//! In-crate tests of the pages and the API on a small hand-made registry (the integration
//! suite in `tests/http` runs on the real press kit).

use crate::{router, AppState};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use std::sync::Arc;
use territoires_domain::programme::{Call, CallKind, Envelope, EnvelopeKind, Source};
use territoires_domain::project::{FicheSource, TextBlock};
use territoires_domain::vocabulary::{Region, TerritoryKind, Theme};
use territoires_domain::{Money, Programme, Project, Registry};
use time::macros::date;
use tower::ServiceExt;

fn m(millions_tenths: i64) -> Money {
    Money(millions_tenths * 10_000_000)
}

fn project(slug: &str, name: &str, region: &str, themes: &[Theme], subsidy: Money, budget: Option<Money>) -> Project {
    Project {
        slug: slug.into(),
        name: name.into(),
        heading: name.to_uppercase(),
        toc_title: name.to_uppercase(),
        regions: vec![Region::from_code(region).unwrap()],
        region_raw: Region::from_code(region).unwrap().name.to_uppercase(),
        lead: format!("Chef de file de {name}"),
        lead_detail: None,
        partners: 12,
        local_authorities: 2,
        themes: themes.to_vec(),
        themes_raw: themes.iter().map(|t| t.label()).collect::<Vec<_>>().join(", "),
        territory_kinds: vec![TerritoryKind::Rural],
        territory_kinds_raw: "Territoires ruraux".into(),
        population: 56_000,
        planned_budget: budget,
        ambition: vec![
            TextBlock::paragraph("Une ambition."),
            TextBlock::item("Premier levier."),
            TextBlock::item("Second levier."),
            TextBlock::paragraph("Une conclusion."),
        ],
        strategic_objectives: vec![
            TextBlock::paragraph("Trois objectifs :"),
            TextBlock::item("Un objectif."),
            TextBlock::item("Un autre objectif."),
            TextBlock::item("Un dernier objectif."),
        ],
        impacts_2030: vec!["Un impact.".into()],
        subsidy_ceiling: subsidy,
        investment_potential: m(128),
        call: Some("aap-2018".into()),
        source: FicheSource { line: 251, page: Some(10) },
    }
}

/// Two projects whose subsidies (100 + 60 M€) exceed a 150 M€ envelope.
fn fixture() -> Registry {
    let programme = Programme {
        slug: "territoires-d-innovation".into(),
        name: "Territoires d'Innovation".into(),
        parent_programme: "Programme d'investissements d'avenir (PIA)".into(),
        operator: "Banque des Territoires".into(),
        total_amount: m(4500),
        duration_years: 10,
        envelopes: vec![
            Envelope {
                kind: EnvelopeKind::Subsidy,
                cap: m(1500),
            },
            Envelope {
                kind: EnvelopeKind::Equity,
                cap: m(3000),
            },
        ],
        calls: vec![
            Call {
                slug: "ami-2017".into(),
                title: "Appel à manifestation d'intérêt Territoires d'Innovation 2017".into(),
                kind: CallKind::ExpressionOfInterest,
                year: 2017,
                opened_on: None,
                closes_at: None,
                time_zone: Call::TIME_ZONE.into(),
                themes: vec![],
                eligibility: vec![],
                applications: 117,
                selected: 24,
            },
            Call {
                slug: "aap-2018".into(),
                title: "Appel à projets Territoires d'Innovation 2018".into(),
                kind: CallKind::CallForProjects,
                year: 2018,
                opened_on: Some(date!(2018 - 11 - 23)),
                closes_at: None,
                time_zone: Call::TIME_ZONE.into(),
                themes: vec![Theme::Health],
                eligibility: vec![],
                applications: 48,
                selected: 24,
            },
        ],
        target_themes: vec![],
        headline_claims: vec![],
        source: Source {
            title: "Territoires d'Innovation, 24 projets lauréats".into(),
            file: "dp.md".into(),
            published_on: date!(2019 - 09 - 13),
            licence: "Licence Ouverte / Etalab 2.0".into(),
        },
    };
    let projects = vec![
        project("alpha", "Alpha", "53", &[Theme::Health], m(1000), Some(m(530))),
        project("beta", "Bêta", "84", &[Theme::Digital, Theme::Health], m(600), None),
    ];
    Registry::new(programme, projects)
}

async fn get(uri: &str) -> (StatusCode, String, String) {
    let (s, ct, body, _) = send(Request::get(uri).body(Body::empty()).unwrap()).await;
    (s, ct, body)
}

/// Sends `req` to a router over [`fixture`]; status, content type, body and headers.
async fn send(req: Request<Body>) -> (StatusCode, String, String, axum::http::HeaderMap) {
    let store = territoires_store::Store::connect("sqlite::memory:")
        .await
        .expect("in-memory sqlite");
    let app = router(AppState::new(Arc::new(fixture()), store));
    let res = app.oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let ct = res
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    (status, ct, body, headers)
}

#[tokio::test]
async fn dashboard_shows_totals_and_warns_when_an_envelope_is_exceeded() {
    let (s, ct, body) = get("/").await;
    assert_eq!((s, ct.as_str()), (StatusCode::OK, "text/html; charset=utf-8"));
    assert!(body.contains("<html lang=\"fr\">"));
    assert!(body.contains("160\u{a0}M€"), "sum of subsidies");
    assert!(body.contains("106,7\u{a0}%"), "160 / 150");
    assert!(body.contains("dépasse de 10\u{a0}M€"), "excess from the ceiling check");
    assert!(body.contains("1 fiches sur 2 indiquent un budget"));
    assert!(body.contains("23 novembre 2018"));
    assert!(body.contains("role=\"img\""));
    assert_eq!(body.matches("<h1").count(), 1);
}

#[tokio::test]
async fn list_filters_and_rejects_unknown_values() {
    let (s, _, body) = get("/projets?thematique=digital").await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("1 projet sur 2") && body.contains("/projets/beta") && !body.contains("/projets/alpha\""));
    let (s, _, body) = get("/projets?region=&thematique=&tri=subsidy-ceiling&ordre=desc").await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.find("/projets/alpha").unwrap() < body.find("/projets/beta").unwrap());
    let (s, ct, body) = get("/projets?territoire=banlieue").await;
    assert_eq!((s, ct.as_str()), (StatusCode::BAD_REQUEST, "text/html; charset=utf-8"));
    assert!(body.contains("territoire") && body.contains("banlieue"));
}

#[tokio::test]
async fn fiche_says_when_the_budget_is_missing_and_unknown_slugs_are_404() {
    let (s, _, body) = get("/projets/beta").await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("Non indiqué dans la fiche"));
    assert!(body.contains("56\u{202f}000"));
    let (s, _, body) = get("/projets/alpha").await;
    assert!(s == StatusCode::OK && body.contains("53\u{a0}M€") && body.contains("Bretagne (code INSEE 53)"));
    let (s, _, body) = get("/projets/gamma").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(body.contains("Page non trouvée"));
}

#[tokio::test]
async fn api_pages_and_errors() {
    let (s, ct, body) = get("/api/v1/projects?limit=1&offset=1&sort=name").await;
    assert_eq!((s, ct.as_str()), (StatusCode::OK, "application/json"));
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!((v["total"].as_u64(), v["items"].as_array().unwrap().len()), (Some(2), 1));
    assert_eq!(v["items"][0]["slug"], "beta");
    let (s, _, body) = get("/api/v1/projects?limit=101").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (v["error"]["code"].as_str(), v["error"]["parameter"].as_str()),
        (Some("invalid_parameter"), Some("limit"))
    );
    let (s, _, body) = get("/api/v1/projects/nope").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(body.contains("\"not_found\""));
    let (s, _, body) = get("/api/v1/nothing").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(body.contains("\"not_found\""));
}

#[tokio::test]
async fn static_files_are_served_immutable() {
    let store = territoires_store::Store::connect("sqlite::memory:").await.unwrap();
    let app = router(AppState::new(Arc::new(fixture()), store));
    let res = app
        .oneshot(Request::get("/static/dsfr-1.15.3/dsfr.min.css").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert_eq!(res.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
}

#[tokio::test]
async fn fiche_text_keeps_paragraphs_and_groups_consecutive_items_in_one_list() {
    let (s, _, body) = get("/projets/alpha").await;
    assert_eq!(s, StatusCode::OK);
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    let body = squeeze(&body);
    assert!(
        body.contains(&squeeze(
            "<p>Une ambition.</p><ul><li>Premier levier.</li><li>Second levier.</li></ul><p>Une conclusion.</p>"
        )),
        "ambition in order, the two items in one list"
    );
    assert!(body.contains(&squeeze(
        "<p>Trois objectifs :</p><ul><li>Un objectif.</li><li>Un autre objectif.</li><li>Un dernier objectif.</li></ul>"
    )));
}

#[tokio::test]
async fn other_methods_are_405_with_a_french_body_and_the_allow_header() {
    let (s, ct, body, headers) = send(Request::post("/api/v1/projects").body(Body::empty()).unwrap()).await;
    assert_eq!((s, ct.as_str()), (StatusCode::METHOD_NOT_ALLOWED, "application/json"));
    assert_eq!(headers[header::ALLOW], "GET,HEAD");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"]["code"], "method_not_allowed");
    assert_eq!(
        v["error"]["message"],
        "La méthode POST n'est pas acceptée à cette adresse. Méthodes acceptées : GET, HEAD."
    );
    let (s, ct, body, headers) = send(Request::delete("/projets/alpha").body(Body::empty()).unwrap()).await;
    assert_eq!((s, ct.as_str()), (StatusCode::METHOD_NOT_ALLOWED, "text/html; charset=utf-8"));
    assert_eq!(headers[header::ALLOW], "GET,HEAD");
    assert!(
        body.contains("Méthode non autorisée") && body.contains("La méthode DELETE n&#39;est pas acceptée"),
        "{body}"
    );
    // GET and HEAD still answer.
    let (s, _, _, _) = send(Request::head("/projets").body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::OK);
}

/// A `MakeWriter` collecting the log in memory.
#[derive(Clone, Default)]
struct LogBuffer(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuffer {
    type Writer = LogBuffer;
    fn make_writer(&'a self) -> LogBuffer {
        self.clone()
    }
}

/// What the *Données personnelles* page says: the request log keeps the method, the path,
/// the status and the latency, and never the client's address, browser, referrer or query.
#[tokio::test]
async fn the_request_log_keeps_no_ip_address() {
    let log = LogBuffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(log.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // While a single subscriber is registered, tracing-core caches the interest of a callsite
    // first hit by another test's thread from that thread's (absent) subscriber, and this
    // test's events are then lost; a second registered subscriber makes it ask both.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let mut req = Request::get("/projets?region=53")
        .header("user-agent", "NavigateurDeTest/1.0")
        .header("referer", "https://exemple.fr/venu-de")
        .header("x-forwarded-for", "203.0.113.7")
        .body(Body::empty())
        .unwrap();
    // What `into_make_service_with_connect_info` would attach.
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from(([198, 51, 100, 23], 54_321))));
    let (s, _, _, _) = send(req).await;
    assert_eq!(s, StatusCode::OK);
    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    for kept in ["method=GET", "path=/projets", "status=200", "latency="] {
        assert!(text.contains(kept), "{kept} in:\n{text}");
    }
    for secret in [
        "203.0.113.7",
        "198.51.100.23",
        "54321",
        "NavigateurDeTest",
        "exemple.fr",
        "region=53",
    ] {
        assert!(!text.contains(secret), "{secret} logged:\n{text}");
    }
}

#[tokio::test]
async fn no_page_sets_a_cookie_or_loads_another_site() {
    for uri in [
        "/",
        "/projets",
        "/projets/alpha",
        "/coherence",
        "/a-propos",
        "/accessibilite",
        "/mentions-legales",
        "/donnees-personnelles",
        "/nope",
    ] {
        let (_, _, body, headers) = send(Request::get(uri).body(Body::empty()).unwrap()).await;
        assert!(headers.get(header::SET_COOKIE).is_none(), "{uri}");
        for attr in ["src=\"", "<link rel=\"stylesheet\" href=\"", "<link rel=\"icon\" href=\""] {
            for (i, _) in body.match_indices(attr) {
                let target = &body[i + attr.len()..];
                assert!(target.starts_with('/'), "{uri} loads {}", &target[..target.len().min(60)]);
            }
        }
        // DSFR's script stores a colour-scheme choice in localStorage only on
        // `:root[data-fr-theme]`; the portal does not set it.
        assert!(!body.contains("data-fr-theme") && !body.contains("data-fr-scheme"), "{uri}");
    }
}
