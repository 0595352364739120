//! The impact pages (issue 4) on the real press kit and its structured impacts: the
//! structuring report, a project's impact tab, the indicator page, and the whole life of a
//! measurement through the forms — entry by a project member, submission, return with a
//! reason, correction, approval, re-baselining — with the figures the public then reads on
//! the indicator page and the programme dashboard; and the CSV import page, all or nothing.

use crate::attachments::{multipart_body, person, token, BOUNDARY};
use crate::auth::{form, get_with};
use crate::{assert_contains, spawn_app, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use territoires_domain::access::Role;
use territoires_domain::impact::MeasurementStatus;

/// The app with the embedded structured impacts imported (what `serve` does on first start).
async fn spawn_with_impacts() -> TestApp {
    let app = spawn_app().await;
    let registry = app.store.load_registry().await.unwrap().unwrap();
    let catalogue = territoires_formats::impacts::catalogue(&registry.projects, territoires_formats::impacts::EMBEDDED).unwrap();
    app.store.replace_catalogue(&catalogue, "system").await.unwrap();
    app
}

const JOBS: &str = "littoral-plus.emplois-crees";

#[tokio::test]
async fn structured_impacts_are_reported_and_linked_to_their_sentences() {
    let app = spawn_with_impacts().await;
    let report = app.page("/impact/structuration").await;
    // 110 impact sentences in the 24 fiches; 81 structured, 29 kept qualitative (counted by
    // hand in data/impacts-2030.toml).
    assert_contains(&report, "81 impacts sur 110");
    assert_contains(&report, "Impacts restés qualitatifs (29)");
    assert_contains(&report, "Devenir une référence française de rang mondial");
    let tab = app.page("/projets/littoral-plus/impact").await;
    assert_contains(&tab, "Créer 1 000 emplois ;");
    assert_contains(&tab, &format!("href=\"/indicateurs/{JOBS}\""));
    // The fiche links to its impact tab.
    assert_contains(&app.page("/projets/littoral-plus").await, "href=\"/projets/littoral-plus/impact\"");
    // « Diminuer le taux d'usage de la voiture individuelle de 94 % à 80 % »: the fiche
    // gives the baseline (94 %) and the target (80 %).
    let car = app
        .page("/indicateurs/morbihan-la-flexibilite-energetique-et-les-donnees.usage-voiture-individuelle")
        .await;
    assert_contains(&car, "94 % au 13 septembre 2019");
    assert_contains(&car, "80 % (de 94 à 80)");
    // « Créer 1 000 emplois » gives no baseline: unknown, never zero.
    let jobs = app.page(&format!("/indicateurs/{JOBS}")).await;
    assert_contains(&jobs, "inconnue : la fiche ne la donne pas");
    assert_contains(&jobs, "Aucune mesure validée pour l'instant");
    assert_eq!(app.get("/indicateurs/nope").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/projets/nope/impact").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/impact?par=commune").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/impact?annee=demain").await.status, StatusCode::BAD_REQUEST);
}

/// `POST uri` with the form `body` (urlencoded) and the session `cookie`.
async fn post(app: &TestApp, uri: &str, body: &str, cookie: &str) -> crate::TestResponse {
    app.request(form(uri, body.to_owned(), Some(cookie))).await
}

#[tokio::test]
async fn a_measurement_goes_from_entry_to_approval_and_counts_once_approved() {
    let app = spawn_with_impacts().await;
    let (_, manager) = person(&app, "cp@example.fr", "Chargée", Role::ProgrammeManager).await;
    let (_, lead) = person(&app, "porteur@example.fr", "Porteur", Role::ProjectLead).await;
    let (_, outsider) = person(&app, "autre@example.fr", "Autre porteur", Role::ProjectLead).await;
    let (_, instructor) = person(&app, "instr@example.fr", "Instructeur", Role::Instructor).await;
    let (_, admin) = person(&app, "admin@example.fr", "Admin", Role::OperatorAdmin).await;
    let page = format!("/indicateurs/{JOBS}");

    // The programme manager attaches the lead to the project.
    let csrf = token(&app, "/projets/littoral-plus/impact", &manager).await;
    let r = post(
        &app,
        "/projets/littoral-plus/membres",
        &format!("csrf={csrf}&email=porteur%40example.fr&role=lead"),
        &manager,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_contains(
        &get_with(&app, "/projets/littoral-plus/impact", Some(&manager)).await.body,
        "porteur@example.fr",
    );
    // A lead cannot attach anyone.
    let csrf_lead = token(&app, "/impact/import", &lead).await;
    let r = post(
        &app,
        "/projets/littoral-plus/membres",
        &format!("csrf={csrf_lead}&email=autre%40example.fr&role=lead"),
        &lead,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The lead enters 120 jobs for 2025 (a draft): the public sees nothing yet.
    let csrf = token(&app, &page, &lead).await;
    let entry = |csrf: &str, value: &str| {
        format!("csrf={csrf}&period=2025&reporter=R%C3%A9gion&value={value}&source=DSN&method=comptage&evidence=bilan-2025.pdf")
    };
    let r = post(&app, &format!("{page}/mesures"), &entry(&csrf, "120"), &lead).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A missing value is refused, not stored as zero; so is a period of the wrong frequency.
    let r = post(&app, &format!("{page}/mesures"), &entry(&csrf, ""), &lead).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A refused entry comes back on the page, its message beside the form, nothing typed lost.
    let r = post(&app, &format!("{page}/mesures"), &entry(&csrf, "12%2C5%2C3"), &lead).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&r.body, "Valeur non enregistrée");
    assert_contains(&r.body, "value=\"12,5,3\"");
    assert_contains(&r.body, "value=\"bilan-2025.pdf\"");
    let r = post(
        &app,
        &format!("{page}/mesures"),
        &entry(&csrf, "5").replace("period=2025", "period=2025-T1"),
        &lead,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // A lead of another project may not enter here.
    let csrf_out = token(&app, "/impact/import", &outsider).await;
    let r = post(&app, &format!("{page}/mesures"), &entry(&csrf_out, "999"), &outsider).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let stored = app.store.measurements(JOBS).await.unwrap();
    assert_eq!(stored.len(), 1);
    let first = stored[0].id;
    assert_eq!(stored[0].status, MeasurementStatus::Draft);
    assert_contains(&app.page(&page).await, "Aucune mesure validée pour l'instant");

    // Submitted by the lead; returned by the instructor, who must give a reason.
    let review = |csrf: &str, step: &str, reason: &str| format!("csrf={csrf}&step={step}&reason={reason}");
    let r = post(&app, &format!("/mesures/{first}/revue"), &review(&csrf, "submit", ""), &lead).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let csrf_i = token(&app, &page, &instructor).await;
    let r = post(
        &app,
        &format!("/mesures/{first}/revue"),
        &review(&csrf_i, "return", ""),
        &instructor,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // The lead cannot approve its own figure, nor can the administrator.
    let r = post(&app, &format!("/mesures/{first}/revue"), &review(&csrf, "approve", ""), &lead).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let csrf_a = token(&app, &page, &admin).await;
    let r = post(&app, &format!("/mesures/{first}/revue"), &review(&csrf_a, "approve", ""), &admin).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = post(
        &app,
        &format!("/mesures/{first}/revue"),
        &review(&csrf_i, "return", "Hors+p%C3%A9rim%C3%A8tre+%3F"),
        &instructor,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_contains(&get_with(&app, &page, Some(&lead)).await.body, "Motif : Hors périmètre ?");

    // The lead corrects to 130 and submits at once; the instructor approves.
    let r = post(
        &app,
        &format!("/mesures/{first}/correction"),
        &format!("{}&submit=1", entry(&csrf, "130")),
        &lead,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = app.store.measurements(JOBS).await.unwrap();
    assert_eq!(stored.len(), 2, "the corrected value is kept");
    let second = stored[1].id;
    assert_eq!((stored[0].superseded_by, stored[1].supersedes), (Some(second), Some(first)));
    // The superseded one can no longer be acted on.
    let r = post(&app, &format!("/mesures/{first}/revue"), &review(&csrf, "submit", ""), &lead).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = post(
        &app,
        &format!("/mesures/{second}/revue"),
        &review(&csrf_i, "approve", ""),
        &instructor,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The public now reads 130 jobs; no baseline yet, so no progress percentage.
    let public = app.page(&page).await;
    assert_contains(&public, "130 emplois");
    assert_contains(&public, "valeur de référence inconnue");
    assert!(!public.contains("Hors périmètre"), "returned drafts stay private");
    // Its source and method are public; its evidence reference is not (as in the exports).
    assert_contains(&public, "source : DSN");
    assert!(
        !public.contains("bilan-2025.pdf"),
        "the evidence reference is not shown to a visitor"
    );
    // The programme dashboard adds it up: one of the four projects mapped onto jobs
    // created has reported.
    let dashboard = app.page("/impact").await;
    assert_contains(&dashboard, "130 emplois");
    assert_contains(&dashboard, "1 sur 4 projets ont déclaré");

    // The programme manager sets the baseline (0 jobs created in 2019): version 2; the
    // measurement keeps version 1, and progress is 130 / 1 000 = 13 %.
    let csrf_m = token(&app, &page, &manager).await;
    let body = format!("csrf={csrf_m}&value=0&date=2019-09-13&source=d%C3%A9but+du+projet&reason=");
    let r = post(&app, &format!("{page}/reference"), &body, &manager).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required: {}", r.body);
    let r = post(
        &app,
        &format!("{page}/reference"),
        &format!("{body}cumul+nul+au+d%C3%A9marrage"),
        &manager,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = post(&app, &format!("{page}/reference"), &format!("{body}x"), &instructor).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let public = app.page(&page).await;
    assert_contains(&public, "13 %");
    assert_contains(&public, "cumul nul au démarrage");
    assert_eq!(app.store.indicator_versions(JOBS).await.unwrap().len(), 2);
    assert_eq!(app.store.measurement(second).await.unwrap().unwrap().indicator_version, 1);

    // Every step is in the audit trail, and the chain holds.
    assert!(app.store.verify_audit().await.unwrap().is_intact());
    let actions: Vec<String> = app.store.audit_entries().await.unwrap().into_iter().map(|e| e.action).collect();
    for a in ["project.member", "indicator.version"] {
        assert!(actions.iter().any(|x| x == a), "{a} missing from {actions:?}");
    }
    assert!(actions.iter().filter(|a| a.starts_with("measurement.")).count() >= 5, "{actions:?}");
}

/// `POST /impact/import` with a file and the session `cookie`.
async fn upload(app: &TestApp, cookie: &str, csrf: &str, csv: &str) -> crate::TestResponse {
    app.request(
        Request::post("/impact/import")
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
            .header(header::HOST, "localhost")
            .header(header::COOKIE, cookie)
            .body(Body::from(multipart_body(Some(csrf), "fichier", "mesures.csv", csv.as_bytes())))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn csv_upload_is_all_or_nothing_with_the_faulty_lines() {
    let app = spawn_with_impacts().await;
    let (_, manager) = person(&app, "cp@example.fr", "Chargée", Role::ProgrammeManager).await;
    let (_, expert) = person(&app, "expert@example.fr", "Expert", Role::Expert).await;
    assert_eq!(get_with(&app, "/impact/import", Some(&expert)).await.status, StatusCode::FORBIDDEN);
    let csrf = token(&app, "/impact/import", &manager).await;
    // BOM, `;`, decimal comma, a narrow no-break space in « 1 234 »; line 3 has a bad period.
    let bad = format!("\u{feff}indicateur;période;valeur;déclarant\n{JOBS};2024;1\u{202f}234;Région\n{JOBS};2024-T9;5;Région\n");
    let r = upload(&app, &manager, &csrf, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "ligne 3");
    assert_contains(&r.body, "Rien n'a été importé");
    assert!(app.store.measurements(JOBS).await.unwrap().is_empty(), "nothing written");
    let good = format!("indicateur,période,valeur,déclarant\n{JOBS},2024,\"1 234\",Région\n{JOBS},2025,\"1 300,0\",Région\n");
    let r = upload(&app, &manager, &csrf, &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.headers[header::LOCATION], "/impact/import?importees=2");
    assert_contains(
        &get_with(&app, "/impact/import?importees=2", Some(&manager)).await.body,
        "2 mesures importées",
    );
    let stored = app.store.measurements(JOBS).await.unwrap();
    let values: Vec<_> = stored.iter().map(|m| m.observation).collect();
    use territoires_domain::impact::Observation::Value;
    assert_eq!(values, [Some(Value { value: 1_234.0 }), Some(Value { value: 1_300.0 })]);
}

/// A JSON request with a bearer token.
fn json_request(method: &str, uri: &str, bearer: &str, body: serde_json::Value) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, bearer)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn the_api_sets_baselines_and_attaches_project_accounts_for_programme_managers_only() {
    use crate::attachments::bearer;
    let app = spawn_with_impacts().await;
    person(&app, "cp@example.fr", "Chargée", Role::ProgrammeManager).await;
    person(&app, "porteur@example.fr", "Porteur", Role::ProjectLead).await;
    person(&app, "instr@example.fr", "Instructeur", Role::Instructor).await;
    let (manager, lead, instructor) = (
        bearer(&app, "cp@example.fr").await,
        bearer(&app, "porteur@example.fr").await,
        bearer(&app, "instr@example.fr").await,
    );
    let uri = format!("/api/v1/indicators/{JOBS}/baseline");
    let baseline = serde_json::json!({"value": "0", "date": "2019-09-13", "source": "début du projet", "reason": "cumul nul au démarrage"});
    let r = app.request(json_request("PUT", &uri, &lead, baseline.clone())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app
        .request(json_request(
            "PUT",
            &uri,
            &manager,
            serde_json::json!({"value": 0, "date": "2019-09-13", "source": "s", "reason": " "}),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a blank reason: {}", r.body);
    let r = app
        .request(json_request(
            "PUT",
            &uri,
            &manager,
            serde_json::json!({"value": 0, "date": "13/09/2019", "source": "s", "reason": "r"}),
        ))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a French date is refused with the field: {}",
        r.body
    );
    let r = app.request(json_request("PUT", &uri, &manager, baseline.clone())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.json()["version"].as_u64(), r.json()["baseline"]["value"].as_f64()),
        (Some(2), Some(0.0))
    );
    // The same baseline again changes nothing: refused, no third version.
    let r = app.request(json_request("PUT", &uri, &manager, baseline)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(app.store.indicator_versions(JOBS).await.unwrap().len(), 2);

    let members = "/api/v1/projects/littoral-plus/members";
    let add = serde_json::json!({"email": "porteur@example.fr", "role": "lead"});
    let r = app.request(json_request("POST", members, &instructor, add.clone())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app
        .request(json_request(
            "POST",
            members,
            &manager,
            serde_json::json!({"email": "instr@example.fr", "role": "lead"}),
        ))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an instructor joins no project: {}",
        r.body
    );
    let r = app.request(json_request("POST", members, &manager, add.clone())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()[0]["email"], "porteur@example.fr");
    let r = app.request(json_request("POST", members, &manager, add)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let list = |b: &str| Request::get(members).header(header::AUTHORIZATION, b).body(Body::empty()).unwrap();
    assert_eq!(app.request(list(&lead)).await.status, StatusCode::FORBIDDEN);
    let r = app.request(list(&instructor)).await;
    assert_eq!((r.status, r.json().as_array().map(Vec::len)), (StatusCode::OK, Some(1)));
    // Now a member, the lead may enter a value through the API.
    let r = app
        .request(json_request(
            "POST",
            &format!("/api/v1/indicators/{JOBS}/measurements"),
            &lead,
            serde_json::json!({"period": "2025", "reporter": "Région", "value": 40}),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // A partner account joins as a partner, never as the lead.
    person(&app, "partenaire@example.fr", "Partenaire", Role::Partner).await;
    let r = app
        .request(json_request(
            "POST",
            members,
            &manager,
            serde_json::json!({"email": "partenaire@example.fr", "role": "lead"}),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // Detached, the lead may no longer enter; its measurement stays.
    let account = app
        .store
        .account_by_email(&territoires_domain::access::Email::parse("porteur@example.fr").unwrap())
        .await
        .unwrap()
        .unwrap();
    let detach = |b: &str| {
        Request::delete(format!("{members}/{}", account.id))
            .header(header::AUTHORIZATION, b)
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(app.request(detach(&lead)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.request(detach(&manager)).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.request(detach(&manager)).await.status, StatusCode::NOT_FOUND);
    let r = app
        .request(json_request(
            "POST",
            &format!("/api/v1/indicators/{JOBS}/measurements"),
            &lead,
            serde_json::json!({"period": "2024", "reporter": "Région", "value": 20}),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(app.store.measurements(JOBS).await.unwrap().len(), 1);
}
