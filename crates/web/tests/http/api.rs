//! The JSON API.

use crate::spawn_app;
use axum::http::StatusCode;

#[tokio::test]
async fn programme_and_stats() {
    let app = spawn_app().await;
    let r = app.get("/api/v1/programme").await;
    assert_eq!((r.status, r.content_type.as_str()), (StatusCode::OK, "application/json"));
    let v = r.json();
    assert_eq!(v["stats"]["totals"]["laureates"], 24);
    // 450 M€ in cents.
    assert_eq!(v["programme"]["total_amount"], 45_000_000_000i64);
    assert_eq!(v["stats"]["totals"]["planned_budget_known"], 23);
}

#[tokio::test]
async fn list_pages_through_24_projects() {
    let app = spawn_app().await;
    let v = app.get("/api/v1/projects").await.json();
    assert_eq!(
        (v["total"].as_u64(), v["offset"].as_u64(), v["limit"].as_u64()),
        (Some(24), Some(0), Some(50))
    );
    assert_eq!(v["items"].as_array().unwrap().len(), 24);
    let v = app.get("/api/v1/projects?limit=5&offset=20").await.json();
    assert_eq!(v["total"], 24);
    assert_eq!(v["items"].as_array().unwrap().len(), 4);
    let v = app.get("/api/v1/projects?offset=30").await.json();
    assert_eq!((v["total"].as_u64(), v["items"].as_array().unwrap().len()), (Some(24), 0));
}

#[tokio::test]
async fn filters() {
    let app = spawn_app().await;
    let v = app.get("/api/v1/projects?region=53").await.json();
    assert_eq!(v["total"], 4, "three fiches under BRETAGNE plus Ouest Territoires d'Élevage");
    let v = app.get("/api/v1/projects?theme=health").await.json();
    assert_eq!(v["total"], 3);
    let slugs: Vec<&str> = v["items"].as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap()).collect();
    for part in ["handicap", "meuse", "strasbourg"] {
        assert!(slugs.iter().any(|s| s.contains(part)), "{part} in {slugs:?}");
    }
    // Sorted by subsidy ceiling, descending: each is ≥ the next.
    let v = app.get("/api/v1/projects?sort=subsidy-ceiling&order=desc").await.json();
    let amounts: Vec<i64> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["subsidy_ceiling"].as_i64().unwrap())
        .collect();
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
}

#[tokio::test]
async fn bad_parameters_are_400_naming_the_parameter() {
    let app = spawn_app().await;
    for (uri, param) in [
        ("/api/v1/projects?theme=cuisine", "theme"),
        ("/api/v1/projects?region=99", "region"),
        ("/api/v1/projects?territory_kind=banlieue", "territory_kind"),
        ("/api/v1/projects?sort=age", "sort"),
        ("/api/v1/projects?order=up", "order"),
        ("/api/v1/projects?limit=0", "limit"),
        ("/api/v1/projects?limit=101", "limit"),
        ("/api/v1/projects?offset=-1", "offset"),
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        let v = r.json();
        assert_eq!(v["error"]["code"], "invalid_parameter", "{uri}");
        assert_eq!(v["error"]["parameter"], param, "{uri}");
        assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

#[tokio::test]
async fn a_parameter_given_twice_is_400_naming_it_in_french() {
    let app = spawn_app().await;
    for (uri, param) in [
        ("/api/v1/projects?theme=health&theme=digital", "theme"),
        ("/api/v1/projects?region=53&region=28", "region"),
        ("/api/v1/projects?limit=5&offset=0&limit=6", "limit"),
    ] {
        let r = app.get(uri).await;
        assert_eq!(
            (r.status, r.content_type.as_str()),
            (StatusCode::BAD_REQUEST, "application/json"),
            "{uri}"
        );
        let v = r.json();
        assert_eq!(v["error"]["code"], "invalid_parameter", "{uri}");
        assert_eq!(v["error"]["parameter"], param, "{uri}");
        assert_eq!(
            v["error"]["message"],
            format!("Le paramètre « {param} » est donné plusieurs fois dans l'adresse : donnez-le une seule fois."),
        );
    }
}

#[tokio::test]
async fn other_methods_are_405_with_the_json_error_body_and_allow() {
    let app = spawn_app().await;
    for (method, uri) in [
        ("POST", "/api/v1/projects"),
        ("DELETE", "/api/v1/projects/biovallee"),
        ("PUT", "/healthz"),
    ] {
        let req = axum::http::Request::builder()
            .method(method)
            .uri(uri)
            .body(axum::body::Body::empty())
            .unwrap();
        let r = app.request(req).await;
        assert_eq!(
            (r.status, r.content_type.as_str()),
            (StatusCode::METHOD_NOT_ALLOWED, "application/json"),
            "{method} {uri}"
        );
        assert_eq!(r.headers["allow"], "GET,HEAD", "{method} {uri}");
        assert_eq!(
            r.json(),
            serde_json::json!({"error": {
                "code": "method_not_allowed",
                "message": format!("La méthode {method} n'est pas acceptée à cette adresse. Méthodes acceptées : GET, HEAD."),
            }})
        );
    }
}

#[tokio::test]
async fn offsets_beyond_32_bits_are_accepted_as_documented() {
    let app = spawn_app().await;
    for offset in ["2147483648", "18446744073709551615", "99999999999999999999999"] {
        let r = app.get(&format!("/api/v1/projects?offset={offset}")).await;
        assert_eq!(r.status, StatusCode::OK, "offset={offset}: {}", r.body);
        let v = r.json();
        assert_eq!((v["total"].as_u64(), v["items"].as_array().map(Vec::len)), (Some(24), Some(0)));
    }
    assert_eq!(app.get("/api/v1/projects?limit=100").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_huge_slug_is_echoed_cut_to_80_characters() {
    let app = spawn_app().await;
    let r = app.get(&format!("/api/v1/projects/{}", "z".repeat(10_000))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert_eq!(message, format!("Aucun projet lauréat n'a l'identifiant « {}… ».", "z".repeat(80)));
    let r = app.get(&format!("/api/v1/{}", "y".repeat(10_000))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.body.contains(&"y".repeat(81)), "unknown route echoed whole");
}

#[tokio::test]
async fn one_project_or_404() {
    let app = spawn_app().await;
    let v = app.get("/api/v1/projects/biovallee").await.json();
    assert_eq!(v["lead"], "Association Biovallée");
    assert_eq!(v["partners"], 29);
    assert_eq!(v["population"], 56_000);
    // 5,7 M€, 12,8 M€ and 53 M€ in cents.
    assert_eq!(v["subsidy_ceiling"], 570_000_000i64);
    assert_eq!(v["investment_potential"], 1_280_000_000i64);
    assert_eq!(v["planned_budget"], 5_300_000_000i64);
    let v = app.get("/api/v1/projects/le-havre-smart-port-city").await.json();
    assert!(v["planned_budget"].is_null());
    let r = app.get("/api/v1/projects/atlantide").await;
    assert_eq!((r.status, r.content_type.as_str()), (StatusCode::NOT_FOUND, "application/json"));
    assert_eq!(r.json()["error"]["code"], "not_found");
}

#[tokio::test]
async fn checks_report_the_exceeded_subsidy_envelope() {
    let app = spawn_app().await;
    let v = app.get("/api/v1/checks").await.json();
    let checks = v["checks"].as_array().unwrap();
    let c = checks
        .iter()
        .find(|c| c["code"] == "ceiling-subsidy")
        .expect("ceiling-subsidy check");
    assert_eq!(c["verdict"], "exceeds-ceiling");
    // The fiches' ceilings add up to 151,15 M€ against 150 M€.
    assert_eq!(c["computed"], 15_115_000_000i64);
    assert_eq!(c["reference"], 15_000_000_000i64);
    assert_eq!(c["difference"], 115_000_000i64);
    let problems = checks
        .iter()
        .filter(|c| ["discrepancy", "exceeds-ceiling", "missing"].contains(&c["verdict"].as_str().unwrap()))
        .count();
    assert_eq!(v["problems"], problems);
}

#[tokio::test]
async fn health_and_unknown_api_routes() {
    let app = spawn_app().await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), serde_json::json!({"status": "ok"}));
    let r = app.get("/api/v1/nothing").await;
    assert_eq!((r.status, r.content_type.as_str()), (StatusCode::NOT_FOUND, "application/json"));
}

#[tokio::test]
async fn health_is_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.store.close().await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.json(), serde_json::json!({"status": "unavailable"}));
    // Pages are served from memory and do not need the database.
    assert_eq!(app.get("/projets/biovallee").await.status, StatusCode::OK);
}

#[tokio::test]
async fn list_items_are_summaries_and_the_fiche_text_is_on_the_project() {
    let app = spawn_app().await;
    let v = app.get("/api/v1/projects?limit=1").await.json();
    let first = &v["items"][0];
    // Sorted by name: « Alimentation Durable 2030 » (Dijon Métropole, 30 partners).
    assert_eq!(
        (first["slug"].as_str(), first["partners"].as_u64()),
        (Some("alimentation-durable-2030"), Some(30))
    );
    assert!(first.get("ambition").is_none() && first.get("impacts_2030").is_none(), "{first}");
    let full = app.get("/api/v1/projects/alimentation-durable-2030").await.json();
    assert_eq!(full["impacts_2030"].as_array().map(Vec::len), Some(5));
}

/// A malformed JSON body is refused in French, naming the field or the place, whatever
/// the endpoint: no English wording of the JSON library reaches the user.
#[tokio::test]
async fn malformed_json_bodies_are_refused_in_french() {
    use axum::body::Body;
    use axum::http::{header, Request};
    let app = spawn_app().await;
    let post = |body: &'static str, json: bool| {
        let mut r = Request::post("/api/v1/sessions");
        if json {
            r = r.header(header::CONTENT_TYPE, "application/json");
        }
        r.body(Body::from(body)).unwrap()
    };
    let cases = [
        (post(r#"{"email": "a@b.fr"}"#, true), "champ manquant : `password`"),
        (
            post(r#"{"email": "a@b.fr", "password": 3}"#, true),
            "type invalide : entier `3`, attendu : ",
        ),
        (post(r#"{"email": "#, true), "JSON mal formé : "),
        (post(r#"{}"#, false), "Content-Type doit être « application/json »"),
    ];
    for (request, expected) in cases {
        let r = app.request(request).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(message.contains(expected), "{message}");
        for english in ["missing field", "expected", "invalid type", "at line", "Failed"] {
            assert!(!message.contains(english), "{message}");
        }
    }
}
