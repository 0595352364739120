//! The standard open-data files over HTTP (issue 6), on the real data: the press kit, the
//! impact catalogue and the funding sample of `territoires_store::testing_funding`
//! (agreement of 1 000 000 € in tranches of 400 000 € and 600 000 €, the first paid on
//! 2020-05-04; an investment of 1 000 000 € with a capital call of 500 000 € on
//! 2021-04-01; an approved measurement), recorded through the store. Each of the five
//! downloads validates with the official validators, and carries the sample's figures as
//! worked out by hand; an agreement without SIRET nor RNA stops the SCDL file only, named
//! on the download's failure, on `/donnees` and on `/conventions`.

#[path = "../../../formats/tests/validators/mod.rs"]
mod validators;

use crate::{assert_contains, spawn_app, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use territoires_formats::giving360::schema::package_validator;
use territoires_store::testing_funding::{biovallee_terms, record_sample, sign_biovallee, AGREEMENT};
use tower::ServiceExt;
use validators::{assert_valid_iati, assert_valid_scdl};

async fn sample(app: &TestApp) {
    let registry = app.store.load_registry().await.unwrap().unwrap();
    let catalogue = territoires_formats::impacts::catalogue(&registry.projects, territoires_formats::impacts::EMBEDDED).unwrap();
    app.store.replace_catalogue(&catalogue, "system").await.unwrap();
    record_sample(&app.store, &registry).await.unwrap();
}

/// GET `uri`: 200, `media_type`, an attachment named `file`; the body.
async fn download(app: &TestApp, uri: &str, media_type: &str, file: &str) -> String {
    let r = app.get(uri).await;
    assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
    assert_eq!(r.content_type, media_type, "{uri}");
    assert_eq!(
        r.headers[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"{file}\""),
        "{uri}"
    );
    r.body
}

/// The one data row of a comma-separated CSV with a header, by column title.
fn only_row(text: &str) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 1, "{text}");
    headers.into_iter().zip(rows[0].iter().map(str::to_owned)).collect()
}

fn cell<'a>(row: &'a [(String, String)], column: &str) -> &'a str {
    row.iter()
        .find(|(c, _)| c == column)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no column {column}"))
}

#[tokio::test]
async fn the_five_standard_files_validate_and_carry_the_figures() {
    let app = spawn_app().await;
    sample(&app).await;
    let page = app.page("/donnees").await;
    for file in [
        "iati-activites.xml",
        "iati-organisation.xml",
        "360giving-subventions.json",
        "360giving-subventions.csv",
        "scdl-subventions.csv",
    ] {
        assert_contains(&page, &format!("href=\"/donnees/{file}\""));
    }
    assert!(!page.contains("scdl-incomplet"), "every agreement has a SIRET");

    // IATI activities: XSD and codelists; the commitment, the disbursement and the capital
    // call of the sample, in euros with a decimal point.
    let xml = download(&app, "/donnees/iati-activites.xml", "application/xml", "iati-activites.xml").await;
    assert_valid_iati("activites.xml", "iati-activities-schema.xsd", &xml);
    assert_contains(
        &xml,
        "<iati-identifier>FR-RCS-180020026-territoires-d-innovation-biovallee</iati-identifier>",
    );
    assert_contains(&xml, "<value currency=\"EUR\" value-date=\"2020-03-02\">1000000.00</value>");
    assert_contains(&xml, "<value currency=\"EUR\" value-date=\"2020-05-04\">400000.00</value>");
    assert_contains(&xml, "<value currency=\"EUR\" value-date=\"2021-04-01\">500000.00</value>");
    assert_eq!(xml.matches("<iati-activity ").count(), 25, "the programme and its 24 projects");
    assert!(xml.trim_end().ends_with("</iati-activities>"), "a closed document");
    // The API gives the same file (its only format by default).
    let api = download(&app, "/api/v1/exports/iati", "application/xml", "iati-activites.xml").await;
    assert_eq!(api.matches("<iati-activity ").count(), 25);

    // IATI organisation: budgets = tranches due per year (400 000 € in 2020, 600 000 € in
    // 2022), expenditure = paid disbursements and capital calls per year.
    let org = download(&app, "/donnees/iati-organisation.xml", "application/xml", "iati-organisation.xml").await;
    assert_valid_iati("organisation.xml", "iati-organisations-schema.xsd", &org);
    assert_contains(&org, "<value currency=\"EUR\" value-date=\"2020-01-01\">400000.00</value>");
    assert_contains(&org, "<value currency=\"EUR\" value-date=\"2022-01-01\">600000.00</value>");
    assert_contains(&org, "<value currency=\"EUR\" value-date=\"2021-01-01\">500000.00</value>");

    // 360Giving JSON: the official package schema; one grant as worked out by hand.
    let json = download(
        &app,
        "/donnees/360giving-subventions.json",
        "application/json",
        "360giving-subventions.json",
    )
    .await;
    let doc: Value = serde_json::from_str(&json).expect("a closed JSON document");
    let errors: Vec<String> = package_validator()
        .unwrap()
        .iter_errors(&doc)
        .map(|e| format!("{} {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let g = &doc["grants"][0];
    assert_eq!(doc["grants"].as_array().unwrap().len(), 1);
    assert_eq!(g["id"], format!("360G-FR-RCS-180020026-{AGREEMENT}"));
    assert_contains(&json, "\"amountAwarded\":1000000.00,");
    assert_eq!(g["awardDate"], "2020-03-02");
    assert_eq!(g["plannedDates"][0]["startDate"], "2020-04-01");
    assert_eq!(g["plannedDates"][0]["endDate"], "2022-04-01");
    assert_eq!(g["recipientOrganization"][0]["id"], "FR-RCS-432187656");
    assert_eq!(g["fundingOrganization"][0]["id"], "FR-RCS-180020026");

    // 360Giving flat CSV: the same grant under the standard's titles.
    let flat = download(
        &app,
        "/donnees/360giving-subventions.csv",
        "text/csv; charset=utf-8",
        "360giving-subventions.csv",
    )
    .await;
    let row = only_row(&flat);
    assert_eq!(cell(&row, "Identifier"), format!("360G-FR-RCS-180020026-{AGREEMENT}"));
    assert_eq!(cell(&row, "Amount Awarded"), "1000000.00");
    assert_eq!(cell(&row, "Recipient Org:Identifier"), "FR-RCS-432187656");

    // SCDL: frictionless against the vendored schema; the row as worked out by hand.
    let scdl = download(
        &app,
        "/donnees/scdl-subventions.csv",
        "text/csv; charset=utf-8",
        "scdl-subventions.csv",
    )
    .await;
    assert_valid_scdl("http", &scdl);
    let row = only_row(&scdl);
    assert_eq!(cell(&row, "idAttribuant"), "18002002600019");
    assert_eq!(cell(&row, "dateConvention"), "2020-03-02");
    assert_eq!(cell(&row, "referenceDecision"), AGREEMENT);
    assert_eq!(cell(&row, "idBeneficiaire"), "43218765600017");
    assert_eq!(cell(&row, "rnaBeneficiaire"), "W261001234");
    assert_eq!(cell(&row, "montant"), "1000000.00");
    assert_eq!(cell(&row, "conditionsVersement"), "échelonné");
    assert_eq!(cell(&row, "datesPeriodeVersement"), "2020-04-01/2022-04-01");
    let api = download(&app, "/api/v1/exports/scdl", "text/csv; charset=utf-8", "scdl-subventions.csv").await;
    assert_eq!(api, scdl);
    // A format the standard does not have.
    assert_eq!(app.get("/api/v1/exports/scdl?format=json").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/donnees/scdl-subventions.json").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_agreement_without_siret_nor_rna_stops_the_scdl_file_only_and_is_named() {
    let app = spawn_app().await;
    sample(&app).await;
    let registry = app.store.load_registry().await.unwrap().unwrap();
    let terms = biovallee_terms("TI-2021-BIOVALLEE-02", None, None);
    sign_biovallee(&app.store, &registry, &terms, "second@example.fr").await.unwrap();

    // The download fails: the body is cut, never a file that looks complete.
    let res = app
        .router
        .clone()
        .oneshot(Request::get("/donnees/scdl-subventions.csv").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the stream starts before the faulty row");
    let err = res.into_body().collect().await.expect_err("an aborted body");
    assert_contains(&err.to_string(), "TI-2021-BIOVALLEE-02");
    assert_contains(&err.to_string(), "idBeneficiaire");

    // Staff see which agreement to complete, on /donnees and /conventions.
    for uri in ["/donnees", "/conventions"] {
        let page = app.page(uri).await;
        assert_contains(&page, "id=\"scdl-incomplet\"");
        assert_contains(&page, "TI-2021-BIOVALLEE-02");
        assert!(
            !page[page.find("scdl-incomplet").unwrap()..].contains(&format!("{AGREEMENT}</a> —")),
            "{uri}"
        );
    }

    // 360Giving identifies the beneficiary by its SIREN: both grants, valid.
    let r = app.get("/donnees/360giving-subventions.json").await;
    let doc: Value = serde_json::from_str(&r.body).unwrap();
    assert!(package_validator().unwrap().is_valid(&doc));
    assert_eq!(doc["grants"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn without_any_agreement_360giving_says_why_it_has_no_file() {
    // The real programme as imported: no agreement yet. 360Giving's package needs one grant
    // (`minItems: 1`), so the page says so instead of offering a download that would fail.
    let app = spawn_app().await;
    let page = app.get("/donnees").await;
    assert_contains(&page.body, "id=\"360giving-indisponible\"");
    assert_contains(&page.body, "le standard 360Giving exige au moins une subvention");
    assert!(
        !page.body.contains("href=\"/donnees/360giving-subventions.json\""),
        "no link to a file that cannot exist"
    );
    assert_contains(&page.body, "href=\"/donnees/scdl-subventions.csv\"");
    for (uri, json) in [
        ("/donnees/360giving-subventions.json", false),
        ("/donnees/360giving-subventions.csv", false),
        ("/api/v1/exports/360giving", true),
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        let message = if json {
            r.json()["error"]["message"].as_str().unwrap().to_owned()
        } else {
            r.body.clone()
        };
        assert_contains(&message, "exige au moins une subvention");
    }
    // Once an agreement is signed, the file exists (its content: `open_data_standards`).
    sample(&app).await;
    let page = app.get("/donnees").await;
    assert_contains(&page.body, "href=\"/donnees/360giving-subventions.json\"");
    assert_eq!(app.get("/donnees/360giving-subventions.json").await.status, StatusCode::OK);
}
