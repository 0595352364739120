//! Spreadsheets as Excel fr saves them (Windows-1252, CRLF, no-break spaces) through the
//! measurement import's dry run and the partner list's upload.

use crate::attachments::{multipart_body, person, BOUNDARY};
use crate::impact::{account, load_catalogue, token, JOBS};
use crate::{assert_contains, spawn_app, TestApp, TestResponse};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::json;
use territoires_domain::access::Role;
use territoires_domain::application::ApplicationId;

async fn import_bytes(app: &TestApp, query: &str, token: &str, bytes: &[u8]) -> TestResponse {
    let r = Request::post(format!("/api/v1/measurements/import{query}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    app.request(r.body(Body::from(bytes.to_vec())).unwrap()).await
}

#[tokio::test]
async fn a_windows_1252_measurement_file_dry_run_then_import() {
    let app = spawn_app().await;
    load_catalogue(&app).await;
    account(&app, "charge@operateur.fr", Role::ProgrammeManager, None).await;
    let manager = token(&app, "charge@operateur.fr").await;
    // « période », « déclarant », « Biovallée » with 0xE9; 1 120 with a no-break space (0xA0).
    let file = format!("indicateur;p\u{e9}riode;valeur;d\u{e9}clarant\r\n{JOBS};2023;1\u{a0}120;Biovall\u{e9}e\r\n");
    let bytes: Vec<u8> = file.chars().map(|c| c as u32 as u8).collect();
    let audit = app.store.verify_audit().await.unwrap().entries;

    let r = import_bytes(&app, "?dry_run=true", &manager, &bytes).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.json(),
        json!({"imported": 0, "would_import": 1, "encoding": "Windows-1252",
               "lines": [format!("ligne 2 : {JOBS} 2023 (Biovallée)")]})
    );
    assert!(app.store.measurements(JOBS).await.unwrap().is_empty());
    assert_eq!(app.store.verify_audit().await.unwrap().entries, audit);

    // A percentage written for an indicator counted in jobs: refused, named.
    let wrong: Vec<u8> = format!("indicateur;p\u{e9}riode;valeur;d\u{e9}clarant\r\n{JOBS};2023;12 %;Biovall\u{e9}e\r\n")
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    let r = import_bytes(&app, "?dry_run=true", &manager, &wrong).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(
        &r.body,
        "ligne 2, colonne C (valeur) : « 12 % » : unité « % » écrite, mais l'indicateur est en « jobs »",
    );
    let r = import_bytes(&app, "?dry_run=peut-etre", &manager, &bytes).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let r = import_bytes(&app, "", &manager, &bytes).await;
    assert_eq!((r.status, r.json()), (StatusCode::OK, json!({"imported": 1})), "{}", r.body);
    let stored = app.store.measurements(JOBS).await.unwrap();
    assert_eq!(
        stored[0].observation,
        Some(territoires_domain::impact::Observation::Value { value: 1120.0 })
    );
    assert_eq!(stored[0].reporter, "Biovallée");
}

async fn upload_partners(app: &TestApp, id: i64, cookie: &str, csrf: &str, bytes: &[u8]) -> TestResponse {
    app.request(
        Request::post(format!("/candidatures/{id}/partenaires/import"))
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
            .header(header::HOST, "localhost")
            .header(header::COOKIE, cookie)
            .body(Body::from(multipart_body(Some(csrf), "fichier", "partenaires.csv", bytes)))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_partner_list_from_an_excel_file() {
    let app = spawn_app().await;
    territoires_store::testing::open_test_call(&app.store).await.unwrap();
    let (lead_account, lead) = person(&app, "porteuse@ville.fr", "Claire Porteuse", Role::ProjectLead).await;
    let draft = app
        .store
        .create_draft(territoires_store::testing::TEST_CALL, &lead_account, "Vallée verte", "", None)
        .await
        .unwrap();
    let id = draft.id.0;
    let page_uri = format!("/candidatures/{id}");
    let csrf = crate::attachments::token(&app, &page_uri, &lead).await;
    assert_contains(
        &crate::auth::get_with(&app, &page_uri, Some(&lead)).await.body,
        &format!("action=\"/candidatures/{id}/partenaires/import\""),
    );

    // A faulty SIREN (check digit): 422 naming line and column, nothing written.
    let r = upload_partners(&app, id, &lead, &csrf, b"nom;siren\r\nA;180020027\r\n").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "ligne 2, colonne B (siren) : le SIREN « 180020027 » est invalide");
    assert!(app.store.application_partners(ApplicationId(id)).await.unwrap().is_empty());

    // Excel fr « CSV » : ô 0xF4, é 0xE9, œ 0x9C, CRLF; a SIRET (its SIREN is kept), an RNA.
    let file = b"Nom;SIRET;RNA;R\xF4le\r\nCaisse des D\xE9p\xF4ts;18002002600019;;chef de file\r\nAssociation C\x9Cur;;W751234567;\r\n";
    let audit = app.store.verify_audit().await.unwrap().entries;
    let r = upload_partners(&app, id, &lead, &csrf, file).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.headers[header::LOCATION], format!("/candidatures/{id}#partenaires").as_str());
    assert_eq!(app.store.verify_audit().await.unwrap().entries, audit + 1);
    let partners = app.store.application_partners(ApplicationId(id)).await.unwrap();
    assert_eq!(partners.len(), 2);
    assert_eq!(partners[0].name, "Caisse des Dépôts");
    assert_eq!(partners[0].siren.as_ref().map(|s| s.as_str()), Some("180020026"));
    assert_eq!(partners[1].name, "Association Cœur");
    assert_eq!(partners[1].rna.as_ref().map(|r| r.as_str()), Some("W751234567"));
    let page = crate::auth::get_with(&app, &page_uri, Some(&lead)).await.body;
    assert_contains(&page, "180 020 026");
    assert_contains(&page, "W751234567");
    // The text form keeps the RNA, so that editing the list by hand does not lose it.
    assert_contains(&page, "Association Cœur ;  ; partenaire ; W751234567");
}
