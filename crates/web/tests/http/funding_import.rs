//! `/conventions/import` and `/versements/import`: the upload is a dry run that writes
//! nothing and shows what would be imported; « Confirmer » posts the same bytes back and
//! imports them in one transaction; a bad row is named by line and column; only staff
//! with the funding permission may import. Sample files of `data/exemples/` (Excel fr).

use crate::attachments::{multipart_body, person, token, BOUNDARY};
use crate::{assert_contains, spawn_app, TestApp, TestResponse};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use territoires_domain::access::Role;

const AGREEMENTS: &[u8] = include_bytes!("../../../../data/exemples/conventions.csv");
const PAYMENTS: &[u8] = include_bytes!("../../../../data/exemples/versements.csv");

async fn send(app: &TestApp, uri: &str, cookie: &str, body: Vec<u8>) -> TestResponse {
    app.request(
        Request::post(uri)
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
            .header(header::HOST, "localhost")
            .header(header::COOKIE, cookie)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// The value of hidden input `name` in `html`.
fn hidden(html: &str, name: &str) -> String {
    let at = html.find(&format!("name=\"{name}\" value=\"")).expect(name) + name.len() + 15;
    html[at..].split('"').next().unwrap().to_owned()
}

/// The confirmation form's body: csrf, nom, contenu, confirmer, as text fields.
fn confirm_body(preview: &str) -> Vec<u8> {
    let mut body = String::new();
    for name in ["csrf", "nom", "contenu", "confirmer"] {
        let value = hidden(preview, name);
        body += &format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
    }
    body += &format!("--{BOUNDARY}--\r\n");
    body.into_bytes()
}

#[tokio::test]
async fn preview_then_confirm_imports_agreements_and_payments() {
    let app = spawn_app().await;
    let (_, manager) = person(&app, "cp@example.fr", "Chargée", Role::ProgrammeManager).await;
    let (_, instructor) = person(&app, "instr@example.fr", "Instructeur", Role::Instructor).await;
    let csrf = token(&app, "/conventions/import", &manager).await;

    let preview = send(
        &app,
        "/conventions/import",
        &manager,
        multipart_body(Some(&csrf), "fichier", "conventions.csv", AGREEMENTS),
    )
    .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert_contains(&preview.body, "Vérification réussie");
    assert_contains(&preview.body, "ligne 3 : convention TI-BV-01 (biovallee)");
    assert!(app.store.agreements(None).await.unwrap().is_empty());

    let done = send(&app, "/conventions/import", &manager, confirm_body(&preview.body)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(app.store.agreements(None).await.unwrap().len(), 2);
    let audit = app.store.audit_entries().await.unwrap();
    let import = audit.iter().find(|e| e.action == "import.agreements").unwrap();
    assert_eq!(import.after["file"], "conventions.csv");

    // Confirming twice is refused on line 2, column A, nothing more written.
    let again = send(&app, "/conventions/import", &manager, confirm_body(&preview.body)).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&again.body, "ligne 2, colonne A (Référence)");
    assert_eq!(app.store.agreements(None).await.unwrap().len(), 2);

    let csrf = token(&app, "/versements/import", &manager).await;
    let preview = send(
        &app,
        "/versements/import",
        &manager,
        multipart_body(Some(&csrf), "fichier", "versements.csv", PAYMENTS),
    )
    .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let done = send(&app, "/versements/import", &manager, confirm_body(&preview.body)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let ids: Vec<i64> = app.store.agreements(None).await.unwrap().iter().map(|a| a.id).collect();
    let mut paid = 0;
    for id in ids {
        paid += app.store.agreement_disbursements(id).await.unwrap().len();
    }
    assert_eq!(paid, 3);

    // An instructor has no funding permission.
    let r = crate::auth::get_with(&app, "/conventions/import", Some(&instructor)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = send(
        &app,
        "/conventions/import",
        &instructor,
        multipart_body(Some(&csrf), "fichier", "c.csv", AGREEMENTS),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

#[tokio::test]
async fn a_bad_row_is_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let (_, manager) = person(&app, "cp@example.fr", "Chargée", Role::ProgrammeManager).await;
    let csrf = token(&app, "/conventions/import", &manager).await;
    let file = "référence;projet;objet;bénéficiaire;montant;date de signature\r\n\
        TI-1;Biovallée;Objet;Biovallée;100 000 €;01/03/2021\r\n\
        TI-2;Biovallée;Objet;Biovallée;cent mille;01/03/2021\r\n";
    let r = send(
        &app,
        "/conventions/import",
        &manager,
        multipart_body(Some(&csrf), "fichier", "c.csv", file.as_bytes()),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&r.body, "ligne 3, colonne E (montant)");
    assert!(app.store.agreements(None).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_file_over_10_mio_or_a_broken_body_gets_a_french_message() {
    let app = spawn_app().await;
    let (_, manager) = person(&app, "cp@example.fr", "Chargée", Role::ProgrammeManager).await;
    let csrf = token(&app, "/conventions/import", &manager).await;
    // One byte over the 10 Mio the form announces (the body limit is higher, for the
    // confirmation's base64): refused by the file's own check, in French.
    let big = vec![b'a'; 10 * 1024 * 1024 + 1];
    let r = send(
        &app,
        "/conventions/import",
        &manager,
        multipart_body(Some(&csrf), "fichier", "c.csv", &big),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&r.body, "dépasse la limite de 10 Mio");
    // A body cut short: no English from the multipart parser.
    let mut cut = multipart_body(Some(&csrf), "fichier", "c.csv", b"a;b\n");
    cut.truncate(cut.len() - 10);
    let r = send(&app, "/conventions/import", &manager, cut).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&r.body, "Envoi de fichier illisible");
    assert!(!r.body.contains("incomplete"), "{}", r.body);
}
