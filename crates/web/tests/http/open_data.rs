//! Open data over HTTP (issue 6): every link of `/donnees` answers 200 with its media type
//! and an attachment, and a body that parses with the expected number of rows, read off
//! the data: 24 projects (press kit), 97 indicators (`[[impact.indicator]]` tables of
//! `data/impacts-2030.toml`, counted with grep), and, written below with SQL, 2 approved
//! measurements of 3, 1 agreement, 1 paid disbursement of 2. Then the API's catalogue and
//! its errors.

use crate::{assert_contains, spawn_app, TestApp};
use axum::http::{header, StatusCode};
use territoires_store::testing::execute;

/// Agreement 7 of `biovallee` (two tranches), one paid and one requested disbursement,
/// and three measurements of `biovallee.consommation-energie-vallee`: approved, draft,
/// approved.
/// The embedded structured impacts are imported first (what `serve` does on first start).
async fn funding_and_measurements(app: &TestApp) {
    let registry = app.store.load_registry().await.unwrap().unwrap();
    let catalogue = territoires_formats::impacts::catalogue(&registry.projects, territoires_formats::impacts::EMBEDDED).unwrap();
    app.store.replace_catalogue(&catalogue, "system").await.unwrap();
    for sql in [
        "INSERT INTO agreements (id, project_slug, reference, title, beneficiary, beneficiary_siren, signed_on, amount_cents, eligible_cost_cents, status, version, created_by, created_at) \
         VALUES (7, 'biovallee', 'TI-2020-007', 'Convention Biovallée', 'Association Biovallée', '130005481', '2020-01-15', 1000000, 2000000, 'active', 1, 'account:1', '2020-01-15T10:00:00Z')",
        "INSERT INTO tranches (id, agreement_id, position, label, due_on, amount_cents) VALUES (71, 7, 1, 'Avance', '2020-02-01', 600000), (72, 7, 2, 'Solde', '2022-02-01', 400000)",
        "INSERT INTO disbursements (id, agreement_id, tranche_id, amount_cents, status, requested_by, requested_at, paid_on) \
         VALUES (1, 7, 71, 600000, 'paid', 'lead@biovallee.fr', '2020-03-01T10:00:00Z', '2020-03-20'), \
                (2, 7, 72, 400000, 'requested', 'lead@biovallee.fr', '2022-03-01T10:00:00Z', NULL)",
        "INSERT INTO measurements (id, indicator_code, indicator_version, project_slug, period, period_end, reporter, value, submitted_by, status, recorded_at, updated_at) \
         VALUES (1, 'biovallee.consommation-energie-vallee', 1, 'biovallee', '2021', '2021-12-31', 'Communauté de communes', 1234.5, 'jean.dupont@biovallee.fr', 'approved', '2022-01-10T10:00:00Z', '2022-01-10T10:00:00Z'), \
                (2, 'biovallee.consommation-energie-vallee', 1, 'biovallee', '2022', '2022-12-31', 'Communauté de communes', 99, 'jean.dupont@biovallee.fr', 'draft', '2023-01-10T10:00:00Z', '2023-01-10T10:00:00Z'), \
                (3, 'biovallee.consommation-energie-vallee', 1, 'biovallee', '2023', '2023-12-31', 'Communauté de communes', 1100, 'jean.dupont@biovallee.fr', 'approved', '2024-01-10T10:00:00Z', '2024-01-10T10:00:00Z')",
    ] {
        execute(&app.store, sql).await.unwrap();
    }
}

/// The `href="/donnees/…"` links of a page.
fn download_links(page: &str) -> Vec<String> {
    page.split("href=\"/donnees/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|f| format!("/donnees/{f}"))
        .collect()
}

/// Data rows of a French CSV body (BOM, `;`), header excluded, each as its cells.
fn csv_rows(body: &str) -> Vec<Vec<String>> {
    let body = body.strip_prefix('\u{feff}').expect("a UTF-8 BOM");
    let mut r = csv::ReaderBuilder::new().delimiter(b';').from_reader(body.as_bytes());
    r.records()
        .map(|rec| rec.expect("a valid CSV record").iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn every_download_of_the_open_data_page_answers_with_its_rows() {
    let app = spawn_app().await;
    funding_and_measurements(&app).await;
    let page = app.get("/donnees").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_contains(&page.body, "Données ouvertes");
    assert_contains(&page.body, "Licence Ouverte / Etalab 2.0");
    assert_contains(&page.body, "Caisse des Dépôts (Banque des Territoires) (SIRET 18002002600019)");
    let links = download_links(&page.body);
    let expected = [
        ("projets", 24),
        ("indicateurs", 97),
        ("mesures", 2),
        ("conventions", 1),
        ("versements", 1),
    ];
    // Two files per table, and the five files under standards (IATI, 360Giving, SCDL).
    assert_eq!(links.len(), expected.len() * 2 + 5, "{links:?}");
    for (stem, rows) in expected {
        for ext in ["csv", "json"] {
            let uri = format!("/donnees/{stem}.{ext}");
            assert!(links.contains(&uri), "{uri} not linked from /donnees: {links:?}");
            let r = app.get(&uri).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
            assert_eq!(
                r.headers[header::CONTENT_DISPOSITION],
                format!("attachment; filename=\"{stem}.{ext}\""),
                "{uri}"
            );
            let count = if ext == "csv" {
                assert_eq!(r.content_type, "text/csv; charset=utf-8", "{uri}");
                csv_rows(&r.body).len()
            } else {
                assert_eq!(r.content_type, "application/json", "{uri}");
                r.json().as_array().expect("a JSON array").len()
            };
            assert_eq!(count, rows, "{uri}");
        }
    }
}

#[tokio::test]
async fn only_public_data_is_exported() {
    let app = spawn_app().await;
    funding_and_measurements(&app).await;
    // Measurements: the approved ones (1 and 3), not the draft; no account's e-mail.
    let r = app.get("/donnees/mesures.csv").await;
    let rows = csv_rows(&r.body);
    assert_eq!(rows.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(), ["1", "3"]);
    assert_eq!(rows[0][7], "1234,5", "decimal comma");
    assert!(!r.body.contains("jean.dupont"), "{}", r.body);
    let j = app.get("/donnees/mesures.json").await.json();
    assert_eq!(j[0]["value"], 1234.5);
    assert_eq!(j[1]["period"], "2023");
    assert_eq!(j[1]["period_end"], "2023-12-31");
    // Disbursements: the paid one only, 6 000 € = 600000 cents, no requester.
    let r = app.get("/donnees/versements.csv").await;
    assert!(!r.body.contains("lead@biovallee.fr"), "{}", r.body);
    assert_eq!(
        csv_rows(&r.body),
        [[
            "1",
            "TI-2020-007",
            "biovallee",
            "Association Biovallée",
            "130005481",
            "Avance",
            "6000,00",
            "2020-03-20"
        ]]
    );
    let j = app.get("/donnees/versements.json").await.json();
    assert_eq!(j[0]["amount"], 600_000);
    assert_eq!(j[0]["paid_on"], "2020-03-20");
    // Agreements: 10 000 € of 20 000 € eligible = 50 %, two tranches, not amended; not who
    // recorded it.
    let r = app.get("/donnees/conventions.csv").await;
    assert!(!r.body.contains("account:1"), "{}", r.body);
    assert_eq!(
        csv_rows(&r.body),
        [[
            "TI-2020-007",
            "biovallee",
            "Convention Biovallée",
            "Association Biovallée",
            "130005481",
            "10000,00",
            "20000,00",
            "2020-01-15",
            "50,00",
            "2",
            "non",
            "active"
        ]]
    );
    let j = app.get("/donnees/conventions.json").await.json();
    assert_eq!(j[0]["amount"], 1_000_000);
    assert_eq!(j[0]["state_share_bp"], 5000);
}

#[tokio::test]
async fn the_api_lists_the_catalogue_and_streams_each_dataset() {
    let app = spawn_app().await;
    let r = app.get("/api/v1/exports").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert_eq!(v["publisher_id"], "FR-RCS-180020026");
    let kinds: Vec<&str> = v["exports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "projects",
            "indicators",
            "measurements",
            "agreements",
            "disbursements",
            "iati",
            "iati-org",
            "360giving",
            "360giving-csv",
            "scdl"
        ]
    );
    assert_eq!(v["exports"][0]["files"][1]["url"], "/donnees/projets.json");
    assert_eq!(v["exports"][0]["files"][1]["api_url"], "/api/v1/exports/projects?format=json");
    assert_eq!(v["exports"][0]["licence"], "Licence Ouverte / Etalab 2.0");
    // The tables; the standards' files are tested in `open_data_standards`.
    for entry in v["exports"].as_array().unwrap().iter().take(5) {
        for file in entry["files"].as_array().unwrap() {
            let r = app.get(file["api_url"].as_str().unwrap()).await;
            assert_eq!(r.status, StatusCode::OK, "{}", file["api_url"]);
            assert_eq!(r.content_type, file["media_type"].as_str().unwrap());
        }
    }
    let r = app.get("/api/v1/exports/projects?format=json").await;
    assert_eq!(r.json().as_array().unwrap().len(), 24);
    assert!(r.json()[0]["subsidy_ceiling"].is_i64(), "amounts in integer cents");
    let r = app.get("/api/v1/exports/projects").await;
    assert_eq!(r.content_type, "text/csv; charset=utf-8", "CSV by default");
}

#[tokio::test]
async fn unknown_datasets_and_formats_are_french_errors() {
    let app = spawn_app().await;
    let r = app.get("/api/v1/exports/budgets?format=csv").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_contains(r.json()["error"]["message"].as_str().unwrap(), "Aucun jeu de données « budgets »");
    let r = app.get("/api/v1/exports/projects?format=xlsx").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["parameter"], "format");
    assert_contains(r.json()["error"]["message"].as_str().unwrap(), "format « xlsx » inconnu");
    let r = app.get("/donnees/projets.xlsx").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.content_type.starts_with("text/html"), "{}", r.content_type);
    assert_contains(&r.body, "projets.xlsx");
}

#[tokio::test]
async fn the_registry_pages_link_to_their_open_data() {
    let app = spawn_app().await;
    for (uri, file) in [
        ("/projets", "/donnees/projets.csv"),
        ("/impact", "/donnees/indicateurs.csv"),
        ("/conventions", "/donnees/conventions.csv"),
        ("/conventions", "/donnees/scdl-subventions.csv"),
        ("/conventions", "/donnees/360giving-subventions.json"),
        ("/financement", "/donnees/iati-activites.xml"),
        ("/impact", "/donnees/iati-activites.xml"),
        ("/", "href=\"/donnees\""),
    ] {
        let page = app.get(uri).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert_contains(&page.body, file);
    }
}

#[tokio::test]
async fn a_record_that_cannot_be_published_makes_the_download_fail() {
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let app = spawn_app().await;
    // A SIREN of 3 digits, written behind the store's back: the export refuses it rather
    // than publish it, and the client sees a failed download, not a short valid file.
    execute(
        &app.store,
        "INSERT INTO agreements (id, project_slug, reference, title, beneficiary, beneficiary_siren, signed_on, amount_cents, eligible_cost_cents, status, version, created_by, created_at) \
         VALUES (8, 'biovallee', 'TI-2020-008', 'Convention', 'Association', '123', '2020-01-15', 1000000, 2000000, 'active', 1, 'test', '2020-01-15T10:00:00Z')",
    )
    .await
    .unwrap();
    for uri in ["/donnees/conventions.csv", "/api/v1/exports/agreements?format=json"] {
        let res = app
            .router
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "the status is sent before the rows");
        let err = res.into_body().collect().await.expect_err("the body must fail");
        assert_contains(&err.to_string(), "convention « TI-2020-008 », champ « SIREN du bénéficiaire »");
    }
}
