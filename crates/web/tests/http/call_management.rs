//! Calls managed in the platform and applications through their form, over HTTP: the
//! whole path through the API with bearer tokens (create → publish → apply → answer →
//! submit), the admin pages without JavaScript, and the access rules (a draft call is
//! invisible outside the managers; a project lead cannot create a call; another lead's
//! answers are a 404).

use crate::auth::{form, get_with, sign_in, PASSWORD};
use crate::{assert_contains, spawn_app, TestApp, TestResponse};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use territoires_domain::access::{Email, Role};
use territoires_store::NewAccount;

async fn person(app: &TestApp, email: &str, role: Role) {
    let new = NewAccount {
        email: Email::parse(email).unwrap(),
        display_name: role.label(),
        role,
        organisation: None,
        password: Some(PASSWORD),
    };
    app.store.create_account(new, "test").await.unwrap();
}

/// A bearer token for `email` from `POST /api/v1/sessions`.
async fn token(app: &TestApp, email: &str) -> String {
    let r = send(
        app,
        "POST",
        "/api/v1/sessions",
        None,
        Some(json!({"email": email, "password": PASSWORD})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["token"].as_str().unwrap().to_owned()
}

async fn send(app: &TestApp, method: &str, uri: &str, bearer: Option<&str>, body: Option<Value>) -> TestResponse {
    let mut r = Request::builder().method(method).uri(uri);
    if let Some(t) = bearer {
        r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let body = match body {
        Some(v) => {
            r = r.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    app.request(r.body(body).unwrap()).await
}

/// A call for projects open from January to March 2099 would not accept applications now:
/// this one opened yesterday and closes in 2099 (Paris local time, no offset given).
fn new_call() -> Value {
    let yesterday = time::OffsetDateTime::now_utc() - time::Duration::days(1);
    json!({
        "kind": "call-for-projects",
        "title": "Territoires ruraux innovants",
        "opens_at": yesterday.format(&time::format_description::well_known::Rfc3339).unwrap(),
        "closes_at": "2099-03-15T12:00",
        "themes": ["mobility"],
        "eligibility": ["Être une collectivité territoriale"],
        "form": [
            {"key": "budget", "label": "Budget total", "kind": "amount", "required": true, "help": "En euros"},
            {"key": "debut", "label": "Date de démarrage", "kind": "date", "required": false},
            {"key": "resume", "label": "Résumé détaillé", "kind": "long-text", "required": true},
            {"key": "plan", "label": "Plan de financement", "kind": "file", "required": true}
        ]
    })
}

#[tokio::test]
async fn a_call_from_creation_to_a_submitted_application_through_the_api() {
    let app = spawn_app().await;
    person(&app, "charge@cdc.fr", Role::ProgrammeManager).await;
    person(&app, "anne@ville-a.fr", Role::ProjectLead).await;
    person(&app, "bruno@ville-b.fr", Role::ProjectLead).await;
    let manager = token(&app, "charge@cdc.fr").await;
    let anne = token(&app, "anne@ville-a.fr").await;
    let bruno = token(&app, "bruno@ville-b.fr").await;

    // A project lead cannot create a call.
    let r = send(&app, "POST", "/api/v1/calls", Some(&anne), Some(new_call())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    let r = send(&app, "POST", "/api/v1/calls", Some(&manager), Some(new_call())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let call = r.json();
    let year = (time::OffsetDateTime::now_utc() - time::Duration::days(1)).year();
    let slug = format!("aap-{year}-territoires-ruraux-innovants");
    assert_eq!(call["slug"], slug.as_str());
    assert_eq!(call["status"], "draft");
    // 15 March 2099 12:00 in Paris (winter time, UTC+1) is 11:00 UTC.
    assert_eq!(call["closes_at"], "2099-03-15T11:00:00Z");
    assert_eq!(call["form"].as_array().unwrap().len(), 4);

    // The draft is invisible to the public and to a project lead.
    assert_eq!(app.get(&format!("/api/v1/calls/{slug}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/appels/{slug}")).await.status, StatusCode::NOT_FOUND);
    assert!(!app.get("/api/v1/calls").await.body.contains(&slug));
    assert!(!app.get("/appels").await.body.contains(&slug));
    let r = send(&app, "GET", &format!("/api/v1/calls/{slug}"), Some(&anne), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let draft_apply = json!({"call": slug, "title": "Tiers-lieu"});
    let r = send(&app, "POST", "/api/v1/applications", Some(&anne), Some(draft_apply.clone())).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // The form may change while draft: a repeated key is a 422 naming it.
    let bad = json!({"form": [
        {"key": "budget", "label": "Budget", "kind": "amount", "required": true},
        {"key": "budget", "label": "Autre", "kind": "short-text", "required": false}
    ]});
    let r = send(&app, "PUT", &format!("/api/v1/calls/{slug}/form"), Some(&manager), Some(bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.json()["error"]["message"].to_string(), "la clé « budget » est déjà utilisée");

    let r = send(&app, "POST", &format!("/api/v1/calls/{slug}/publish"), Some(&manager), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["phase"], "open");
    // Published: the form is frozen.
    let again = json!({"form": []});
    let r = send(&app, "PUT", &format!("/api/v1/calls/{slug}/form"), Some(&manager), Some(again)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_contains(&r.json()["error"]["message"].to_string(), "figés");

    // Public now, beside the historical calls whose figures stay.
    let all = app.get("/api/v1/calls").await.json();
    let calls = all["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 3);
    assert_eq!(
        (calls[1]["slug"].as_str(), calls[1]["applications"].as_u64()),
        (Some("aap-2018"), Some(48))
    );
    assert_eq!(calls[2]["slug"], slug.as_str());
    assert_eq!(calls[2]["platform"]["form"][0]["key"], "budget");
    assert!(calls[1].get("platform").is_none());
    let page = app.page(&format!("/appels/{slug}")).await;
    assert_contains(&page, "Budget total — Montant (€) (obligatoire) : En euros");
    assert_contains(&page, &format!("href=\"/candidatures/nouvelle?appel={slug}\""));
    assert_contains(
        &app.page("/appels").await,
        &format!("<a href=\"/appels/{slug}\">Territoires ruraux innovants</a>"),
    );

    // Anne applies.
    let apply = json!({"call": slug, "title": "Tiers-lieu rural", "summary": "", "requested_amount_cents": 5000000});
    let r = send(&app, "POST", "/api/v1/applications", Some(&anne), Some(apply)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let answers_uri = format!("/api/v1/applications/{id}/answers");
    let transitions_uri = format!("/api/v1/applications/{id}/transitions");

    // Submitting with required answers missing: 409 naming them (the file is not counted).
    let submit = json!({"kind": "submit", "reason": null});
    let r = send(&app, "POST", &transitions_uri, Some(&anne), Some(submit.clone())).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(
        r.json()["error"]["message"],
        "« Déposer » impossible : champs obligatoires non remplis : « Budget total », « Résumé détaillé »"
    );

    // A bad date: 422 naming the field, nothing saved.
    let r = send(
        &app,
        "PUT",
        &answers_uri,
        Some(&anne),
        Some(json!({"budget": "1 234,56", "debut": "31/02/2027"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.json()["error"]["message"].to_string(), "Champ « Date de démarrage » (debut)");
    assert_eq!(
        send(&app, "GET", &answers_uri, Some(&anne), None).await.json()["answers"],
        json!({})
    );

    // Bruno neither reads nor writes Anne's answers: 404, as for an unknown id.
    assert_eq!(
        send(&app, "GET", &answers_uri, Some(&bruno), None).await.status,
        StatusCode::NOT_FOUND
    );
    let r = send(&app, "PUT", &answers_uri, Some(&bruno), Some(json!({"budget": "1"}))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        send(&app, "POST", &transitions_uri, Some(&bruno), Some(submit.clone()))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let r = send(
        &app,
        "PUT",
        &answers_uri,
        Some(&anne),
        Some(json!({"budget": "1 234,56", "debut": "15/03/2027"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let saved = r.json();
    // 1 234,56 € = 123 456 cents.
    assert_eq!(saved["answers"]["budget"]["amount_cents"], 123_456);
    assert_eq!(saved["answers"]["debut"]["date"], "2027-03-15");
    assert_eq!(saved["missing_required"], json!(["resume"]));
    let r = send(&app, "POST", &transitions_uri, Some(&anne), Some(submit.clone())).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_contains(&r.json()["error"]["message"].to_string(), "non remplis : « Résumé détaillé »");

    let all = json!({"budget": "1 234,56", "debut": "15/03/2027", "resume": "Un tiers-lieu rural."});
    assert_eq!(
        send(&app, "PUT", &answers_uri, Some(&anne), Some(all.clone())).await.status,
        StatusCode::OK
    );
    let r = send(&app, "POST", &transitions_uri, Some(&anne), Some(submit)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "submitted");
    // Submitted: frozen.
    assert_eq!(
        send(&app, "PUT", &answers_uri, Some(&anne), Some(all)).await.status,
        StatusCode::CONFLICT
    );

    // Lists: Anne sees hers, Bruno none.
    let mine = send(&app, "GET", "/api/v1/applications", Some(&anne), None).await.json();
    assert_eq!(mine["applications"].as_array().unwrap().len(), 1);
    let his = send(&app, "GET", "/api/v1/applications", Some(&bruno), None).await.json();
    assert_eq!(his["applications"], json!([]));
    // The public figures count the submitted application.
    assert_eq!(app.get(&format!("/api/v1/calls/{slug}")).await.json()["applications"], 1);
    assert!(app.store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn the_historical_calls_refuse_new_drafts() {
    let app = spawn_app().await;
    person(&app, "anne@ville-a.fr", Role::ProjectLead).await;
    let anne = token(&app, "anne@ville-a.fr").await;
    let r = send(
        &app,
        "POST",
        "/api/v1/applications",
        Some(&anne),
        Some(json!({"call": "aap-2018", "title": "Projet"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_contains(&r.json()["error"]["message"].to_string(), "appel historique, clos");
    let r = send(
        &app,
        "POST",
        "/api/v1/applications",
        Some(&anne),
        Some(json!({"call": "aap-2018", "title": " "})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A platform call closed by the clock: its closing instant moved to the past.
    let slug = territoires_store::testing::open_call(&app.store, "Appel clos", vec![])
        .await
        .unwrap();
    let sql = format!("UPDATE platform_calls SET closes_at = '2020-03-15T11:00:00Z' WHERE slug = '{slug}'");
    territoires_store::testing::execute(&app.store, &sql).await.unwrap();
    let r = send(
        &app,
        "POST",
        "/api/v1/applications",
        Some(&anne),
        Some(json!({"call": slug, "title": "Projet"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(
        r.json()["error"]["message"],
        "L'appel « Appel clos » est clos depuis le 15/03/2020 à 12:00 (heure de Paris) : il n'accepte plus de candidatures."
    );
    assert!(app.store.applications().await.unwrap().is_empty());
}

/// The anti-CSRF token of the forms on `uri`.
async fn csrf(app: &TestApp, uri: &str, cookie: &str) -> String {
    let page = get_with(app, uri, Some(cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "GET {uri}: {}", page.body);
    page.body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned()
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn the_admin_pages_create_edit_and_publish_without_javascript() {
    let app = spawn_app().await;
    person(&app, "charge@cdc.fr", Role::ProgrammeManager).await;
    person(&app, "anne@ville-a.fr", Role::ProjectLead).await;
    let manager = sign_in(&app, "charge%40cdc.fr").await;
    let lead = sign_in(&app, "anne%40ville-a.fr").await;
    assert_eq!(get_with(&app, "/admin/appels", Some(&lead)).await.status, StatusCode::FORBIDDEN);
    assert_contains(&get_with(&app, "/espace", Some(&manager)).await.body, "href=\"/admin/appels\"");

    let token = csrf(&app, "/admin/appels/nouveau", &manager).await;
    let lines = "budget | Budget total | montant | oui | En euros\nresume | Résumé | texte-long | non";
    let post = |titre: &str, ouverture: &str| {
        format!(
            "csrf={token}&type=call-for-projects&titre={}&ouverture={}&cloture={}&theme=health&theme=digital&eligibilite={}&formulaire={}",
            encode(titre),
            encode(ouverture),
            encode("15/03/2099 12:00"),
            encode("Être une collectivité"),
            encode(lines)
        )
    };
    // A bad opening date: the form again, 422, naming the field.
    let r = app
        .request(form("/admin/appels", post("Mobilités du quotidien", "demain"), Some(&manager)))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "Ouverture : « demain » n&#39;est pas une date et heure");
    assert!(app.store.platform_calls().await.unwrap().is_empty());

    let r = app
        .request(form(
            "/admin/appels",
            post("Mobilités du quotidien", "10/01/2025 10:00"),
            Some(&manager),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.headers[header::LOCATION].to_str().unwrap().to_owned();
    assert_eq!(location, "/admin/appels/aap-2025-mobilites-du-quotidien");
    let call = app.store.platform_call("aap-2025-mobilites-du-quotidien").await.unwrap().unwrap();
    assert_eq!(call.definition.themes.len(), 2);
    assert_eq!(call.definition.form[0].key, "budget");
    // 10 January 2025 10:00 Paris = 09:00 UTC.
    assert_eq!(call.definition.opens_at, time::macros::datetime!(2025-01-10 09:00 UTC));

    let edit = get_with(&app, &location, Some(&manager)).await;
    assert_eq!(edit.headers[header::CACHE_CONTROL], "no-store");
    assert_contains(&edit.body, "Publier l'appel");
    assert_contains(&edit.body, "budget | Budget total | montant | oui | En euros");
    assert_eq!(get_with(&app, &location, Some(&lead)).await.status, StatusCode::FORBIDDEN);
    assert_contains(&get_with(&app, "/admin/appels", Some(&manager)).await.body, "Brouillon");

    let r = app
        .request(form(&format!("{location}/publication"), format!("csrf={token}"), Some(&manager)))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let edit = get_with(&app, &location, Some(&manager)).await.body;
    assert_contains(&edit, "son contenu et son formulaire de candidature sont figés");
    let r = app
        .request(form(&location, post("Autre titre", "10/01/2025 10:00"), Some(&manager)))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // The lead applies through the pages and fills the form in.
    let slug = "aap-2025-mobilites-du-quotidien";
    let t = csrf(&app, &format!("/candidatures/nouvelle?appel={slug}"), &lead).await;
    let r = app
        .request(form("/candidatures", format!("csrf={t}&appel={slug}&titre=Navettes"), Some(&lead)))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let app_uri = r.headers[header::LOCATION].to_str().unwrap().to_owned();
    let page = get_with(&app, &app_uri, Some(&lead)).await.body;
    assert_contains(&page, "Formulaire de l'appel");
    assert_contains(&page, &format!("action=\"{app_uri}/reponses\""));
    assert_contains(&page, "Champs obligatoires à remplir avant le dépôt : « Budget total »");
    let r = app
        .request(form(
            &format!("{app_uri}/reponses"),
            format!("csrf={t}&budget=abc&resume="),
            Some(&lead),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&r.body, "Champ « Budget total » (budget)");
    let r = app
        .request(form(
            &format!("{app_uri}/reponses"),
            format!("csrf={t}&budget={}&resume=", encode("1 234,56")),
            Some(&lead),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = get_with(&app, &app_uri, Some(&lead)).await.body;
    assert_contains(&page, "value=\"1 234,56\"");
    assert!(!page.contains("Champs obligatoires à remplir"), "budget answered");
    // The manager sees the answers, without a form.
    let page = get_with(&app, &app_uri, Some(&manager)).await.body;
    assert_contains(&page, "<th scope=\"row\">Budget total</th><td>1\u{202f}234,56\u{a0}€</td>");

    // A historical call cannot be applied to from the pages either: 409.
    let r = app
        .request(form(
            "/candidatures",
            format!("csrf={t}&appel=aap-2018&titre=Navettes"),
            Some(&lead),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}
