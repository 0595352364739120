//! In-crate tests of the pages and the API on a small hand-made registry (the integration
//! suite in `tests/http` runs on the real press kit).

use crate::{router, AppState};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use std::sync::Arc;
use territoires_domain::programme::{Call, CallKind, Envelope, EnvelopeKind, Source};
use territoires_domain::project::FicheSource;
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
        ambition: vec!["Une ambition.".into()],
        strategic_objectives: vec!["Un objectif.".into()],
        impacts_2030: vec!["Un impact.".into()],
        subsidy_ceiling: subsidy,
        investment_potential: m(128),
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
                kind: CallKind::ExpressionOfInterest,
                year: 2017,
                opened_on: None,
                applications: 117,
                selected: 24,
            },
            Call {
                kind: CallKind::CallForProjects,
                year: 2018,
                opened_on: Some(date!(2018 - 11 - 23)),
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
    let store = territoires_store::Store::connect("sqlite::memory:")
        .await
        .expect("in-memory sqlite");
    let app = router(AppState {
        registry: Arc::new(fixture()),
        store,
    });
    let res = app.oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let ct = res
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    (status, ct, body)
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
    let app = router(AppState {
        registry: Arc::new(fixture()),
        store,
    });
    let res = app
        .oneshot(Request::get("/static/dsfr-1.15.3/dsfr.min.css").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert_eq!(res.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
}
