//! Agreements (issue 5 §2) through the API and the pages, for a real laureate of the press
//! kit: its subsidy ceiling passes to the cent and one cent more is refused, tranches by
//! percentages sum exactly, a project lead is refused, amendments up and down.

use crate::attachments::{bearer, person, token};
use crate::auth::{form, get_with};
use crate::{assert_contains, spawn_app, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use territoires_domain::access::Role;
use territoires_domain::Project;

async fn api(app: &TestApp, method: &str, uri: &str, bearer: &str, body: Value) -> crate::TestResponse {
    app.request(
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, bearer)
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

/// The first laureate of the press kit whose fiche gives a planned budget at least twice
/// its subsidy ceiling, and whose ceiling is a whole number of hundreds of euros.
async fn laureate(app: &TestApp) -> Project {
    let registry = app.store.load_registry().await.unwrap().unwrap();
    registry
        .projects
        .iter()
        .find(|p| p.planned_budget.is_some_and(|b| b.0 >= 2 * p.subsidy_ceiling.0) && p.subsidy_ceiling.0 % 10_000 == 0)
        .cloned()
        .expect("a laureate with a planned budget")
}

/// Terms of `amount` cents for project `p`: the eligible cost is twice the amount, the
/// region bringing the other half; three tranches of 33,33 %, 33,33 % and 33,34 %.
fn terms(p: &Project, reference: &str, amount: i64) -> Value {
    json!({
        "project": p.slug,
        "reference": reference,
        "title": format!("Convention {}", p.name),
        "beneficiary": p.lead,
        "beneficiary_siren": "180 020 026",
        "signed_on": "2020-03-02",
        "amount_cents": amount,
        "eligible_cost_cents": 2 * amount,
        "cofinancers": [{"financer": "Région", "kind": "local-authority", "amount_cents": amount}],
        "tranches": [
            {"label": "Avance", "due_on": "2020-04-01", "percent_bp": 3333},
            {"label": "Deuxième tranche", "due_on": "2021-04-01", "percent_bp": 3333,
             "conditions": [{"kind": "indicator", "label": "Emplois créés mesurés", "indicator_code": "emplois-crees"}]},
            {"label": "Solde", "due_on": "2022-04-01", "percent_bp": 3334,
             "conditions": [{"kind": "report", "label": "Rapport final"}]}
        ]
    })
}

#[tokio::test]
async fn a_programme_manager_signs_up_to_the_ceiling_and_amends() {
    let app = spawn_app().await;
    let (_, manager_cookie) = person(&app, "cp@example.fr", "Chargée", Role::ProgrammeManager).await;
    person(&app, "porteur@example.fr", "Porteur", Role::ProjectLead).await;
    let manager = bearer(&app, "cp@example.fr").await;
    let lead = bearer(&app, "porteur@example.fr").await;
    let p = laureate(&app).await;
    let ceiling = p.subsidy_ceiling.0;

    let r = api(&app, "POST", "/api/v1/agreements", &lead, terms(&p, "TI-1", ceiling)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // One cent beyond the project's ceiling: refused, by one cent, nothing written.
    let r = api(&app, "POST", "/api/v1/agreements", &manager, terms(&p, "TI-1", ceiling + 1)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("plafond du projet") && message.contains("de 0,01"), "{message}");
    // The refused entry was never written: the message cites no entry number.
    assert!(!message.contains("écriture n°"), "{message}");
    assert_eq!(app.get("/api/v1/agreements").await.json(), json!([]));

    // Terms that do not close: 422 naming the field.
    let mut bad = terms(&p, "TI-1", ceiling);
    bad["cofinancers"][0]["amount_cents"] = json!(ceiling - 1);
    let r = api(&app, "POST", "/api/v1/agreements", &manager, bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "cofinancers");

    // Exactly the ceiling passes; 33,33 % of a whole number of hundreds of euros is exact.
    let r = api(&app, "POST", "/api/v1/agreements", &manager, terms(&p, "TI-1", ceiling)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let a = r.json();
    let id = a["id"].as_i64().unwrap();
    let hundredth = ceiling / 10_000;
    let tranches: Vec<i64> = a["tranches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["amount_cents"].as_i64().unwrap())
        .collect();
    assert_eq!(tranches, [hundredth * 3333, hundredth * 3333, hundredth * 3334]);
    assert_eq!(tranches.iter().sum::<i64>(), ceiling);
    assert_eq!(
        (a["committed_cents"].as_i64(), a["unpaid_cents"].as_i64()),
        (Some(ceiling), Some(ceiling))
    );
    assert_eq!(a["state_share_bp"], json!(5000));
    assert_eq!(a["beneficiary_siren"], json!("180020026"));

    // Nothing is left under the ceiling: one cent more on another agreement is refused.
    let r = api(&app, "POST", "/api/v1/agreements", &manager, terms(&p, "TI-2", 100)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // Amendment down by 1 000,00 €: released; the history keeps both versions.
    let mut down = terms(&p, "TI-1", ceiling - 100_000);
    down["amended_on"] = json!("2021-06-01");
    down["reason"] = json!("Réduction du périmètre");
    let r = api(&app, "POST", &format!("/api/v1/agreements/{id}/amendments"), &manager, down).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let a = r.json();
    assert_eq!(a["version"], json!(2));
    assert_eq!(a["committed_cents"].as_i64(), Some(ceiling - 100_000));
    assert_eq!(a["versions"].as_array().unwrap().len(), 2);
    assert_eq!(a["versions"][1]["reason"], json!("Réduction du périmètre"));
    // Back up by 1 000,01 €: one cent beyond the ceiling.
    let mut up = terms(&p, "TI-1", ceiling + 1);
    up["amended_on"] = json!("2021-07-01");
    up["reason"] = json!("Hausse");
    let r = api(&app, "POST", &format!("/api/v1/agreements/{id}/amendments"), &manager, up).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = api(&app, "POST", &format!("/api/v1/agreements/{id}/amendments"), &lead, json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // The pages.
    let list = app.page(&format!("/conventions?projet={}", p.slug)).await;
    assert_contains(&list, &format!("href=\"/conventions/{id}\""));
    assert_contains(&list, "avenant n° 1");
    let show = app.page(&format!("/conventions/{id}")).await;
    assert_contains(&show, "href=\"/indicateurs/emplois-crees\"");
    // The request link is for those who may request a disbursement, not the public.
    let request = format!("href=\"/conventions/{id}/versements/nouveau\"");
    assert!(!show.contains(&request));
    let staff = get_with(&app, &format!("/conventions/{id}"), Some(&manager_cookie)).await;
    assert_contains(&staff.body, &request);
    assert_contains(&show, "Réduction du périmètre");
    assert_contains(&show, "désengagement de 1\u{202f}000\u{a0}€");
    assert_contains(&show, "50,0\u{a0}%");
    assert_eq!(app.get("/conventions/999").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/v1/agreements/abc").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/v1/agreements?project=nope").await.status, StatusCode::BAD_REQUEST);
    let project_page = app.page(&format!("/projets/{}", p.slug)).await;
    assert_contains(&project_page, &format!("href=\"/conventions?projet={}\"", p.slug));
}

/// `application/x-www-form-urlencoded` encoding of `pairs`.
fn encode(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs.iter().map(|(k, v)| format!("{k}={}", enc(v))).collect::<Vec<_>>().join("&")
}

#[tokio::test]
async fn the_form_signs_in_equal_tranches_and_a_refused_form_comes_back_as_typed() {
    let app = spawn_app().await;
    let (_, manager) = person(&app, "cp@example.fr", "Chargée", Role::ProgrammeManager).await;
    let (_, lead) = person(&app, "porteur@example.fr", "Porteur", Role::ProjectLead).await;
    let p = laureate(&app).await;
    let uri = format!("/conventions/nouvelle?projet={}", p.slug);
    assert_eq!(get_with(&app, &uri, Some(&lead)).await.status, StatusCode::FORBIDDEN);
    let csrf = token(&app, &uri, &manager).await;
    let fields = |assiette: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("projet", p.slug.clone()),
            ("reference", "TI-FORM-1".to_owned()),
            ("intitule", "Mensualités".to_owned()),
            ("beneficiaire", "Commune".to_owned()),
            ("signature", "2024-01-15".to_owned()),
            ("montant", "800".to_owned()),
            ("assiette", assiette.to_owned()),
            ("cofinanceurs", "Commune de la Vallée ; collectivité ; 200,00".to_owned()),
            ("egales_nombre", "12".to_owned()),
            ("egales_premiere", "2024-01-31".to_owned()),
        ]
    };
    let body = |f: Vec<(&str, String)>| encode(&f.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>());

    // 800 + 200 = 1 000, not 1 000,01: refused, the form comes back with what was typed.
    let r = app.request(form("/conventions", body(fields("1 000,01")), Some(&manager))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "ne boucle pas");
    // The message names the form's label, not the API's field.
    assert_contains(&r.body, "Champ « Autres financeurs » :");
    assert!(!r.body.contains("« cofinancers »"), "{}", r.body);
    assert_contains(&r.body, "value=\"1 000,01\"");
    assert_contains(&r.body, "Commune de la Vallée ; collectivité ; 200,00");
    assert!(app.store.agreements(None).await.unwrap().is_empty());

    let r = app.request(form("/conventions", body(fields("1 000")), Some(&manager))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.headers[header::LOCATION].to_str().unwrap().to_owned();
    let a = app
        .get(&format!("/api/v1/agreements/{}", location.trim_start_matches("/conventions/")))
        .await
        .json();
    // 800,00 € in 12: 8 × 66,67 € then 4 × 66,66 €.
    let tranches: Vec<i64> = a["tranches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["amount_cents"].as_i64().unwrap())
        .collect();
    assert_eq!(tranches, [6667, 6667, 6667, 6667, 6667, 6667, 6667, 6667, 6666, 6666, 6666, 6666]);
    assert_eq!(a["tranches"][1]["due_on"], json!("2024-02-29"));

    // The amendment form comes filled with the current terms; a lead may not see it.
    let amend = format!("{location}/avenant");
    assert_eq!(get_with(&app, &amend, Some(&lead)).await.status, StatusCode::FORBIDDEN);
    let page = get_with(&app, &amend, Some(&manager)).await.body;
    assert_contains(&page, "Tranche 9/12 ; 2024-09-30 ; 66,66 ; ");
    let csrf = token(&app, &amend, &manager).await;
    let lines = (1..=12)
        .map(|i| format!("Mois {i} ; 2024-{i:02}-28 ; {}", if i <= 8 { "75,00" } else { "50,00" }))
        .collect::<Vec<_>>()
        .join("\n");
    let blank_reason = encode(&[
        ("csrf", &csrf),
        ("avenant_date", "2024-03-01"),
        ("motif", " "),
        ("reference", "TI-FORM-1"),
        ("intitule", "Mensualités"),
        ("beneficiaire", "Commune"),
        ("signature", "2024-01-15"),
        ("montant", "800"),
        ("assiette", "1 000"),
        ("cofinanceurs", "Commune ; collectivité ; 200"),
        ("tranches", &lines),
    ]);
    let r = app.request(form(&amend, blank_reason.clone(), Some(&manager))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "Champ « Motif de l");
    assert!(!r.body.contains("« reason »"), "{}", r.body);
    assert_contains(&r.body, "Mois 12 ; 2024-12-28 ; 50,00");
    let r = app
        .request(form(
            &amend,
            blank_reason
                .replace("motif=+", "motif=Calendrier")
                .replace("motif=%20", "motif=Calendrier"),
            Some(&manager),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let show = app.page(&location).await;
    assert_contains(&show, "Calendrier");
    assert_contains(&show, "montant inchangé");
}

/// The agreements' CSV export opens in a French spreadsheet: BOM, `;`, CRLF, euros with a
/// decimal comma; one agreement of the whole ceiling is committed, nothing paid yet.
#[tokio::test]
async fn the_agreements_export_is_a_french_csv() {
    let app = spawn_app().await;
    person(&app, "cp@example.fr", "Chargée", Role::ProgrammeManager).await;
    let manager = bearer(&app, "cp@example.fr").await;
    let p = laureate(&app).await;
    let ceiling = p.subsidy_ceiling.0;
    let r = api(&app, "POST", "/api/v1/agreements", &manager, terms(&p, "TI-CSV-1", ceiling)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app.get(&format!("/conventions/export.csv?projet={}", p.slug)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type.starts_with("text/csv"), "{}", r.content_type);
    let body = r.body.strip_prefix('\u{feff}').expect("a BOM for the spreadsheet");
    let lines: Vec<&str> = body.split("\r\n").collect();
    assert!(lines[0].starts_with("id;reference;projet;"), "{}", lines[0]);
    let cells: Vec<&str> = lines[1].split(';').collect();
    // The ceiling in euros with a decimal comma and no thousands separator (« 5700000,00 »).
    let euros = format!("{},{:02}", ceiling / 100, ceiling % 100);
    assert_eq!(
        (cells[1], cells[2], cells[7]),
        ("TI-CSV-1", p.slug.as_str(), euros.as_str()),
        "{}",
        lines[1]
    );
    assert_eq!(
        (cells[11], cells[12], cells[13]),
        (euros.as_str(), "0,00", euros.as_str()),
        "{}",
        lines[1]
    );
    assert_eq!(
        app.get("/conventions/export.csv?projet=nulle-part").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn parts_of_zero_are_refused_naming_the_field() {
    let app = spawn_app().await;
    person(&app, "cp@example.fr", "Chargée", Role::ProgrammeManager).await;
    let manager = bearer(&app, "cp@example.fr").await;
    let p = laureate(&app).await;
    let amount = p.subsidy_ceiling.0;
    let mut zero_tranche = terms(&p, "TI-Z", amount);
    zero_tranche["tranches"][0]["percent_bp"] = json!(0);
    zero_tranche["tranches"][2]["percent_bp"] = json!(6667);
    let r = api(&app, "POST", "/api/v1/agreements", &manager, zero_tranche).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "tranches[0].percent_bp");
    // The State brings the whole eligible cost, the region 0 €: the plan closes, the line
    // of 0 € is refused.
    let mut zero_cofinancer = terms(&p, "TI-Z", amount);
    zero_cofinancer["eligible_cost_cents"] = json!(amount);
    zero_cofinancer["cofinancers"][0]["amount_cents"] = json!(0);
    let r = api(&app, "POST", "/api/v1/agreements", &manager, zero_cofinancer).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "cofinancers[0].amount_cents");
    assert_eq!(app.get("/api/v1/agreements").await.json(), json!([]));
}

#[tokio::test]
async fn references_are_unique_whatever_their_case_and_spaces() {
    let app = spawn_app().await;
    person(&app, "cp@example.fr", "Chargée", Role::ProgrammeManager).await;
    let manager = bearer(&app, "cp@example.fr").await;
    let p = laureate(&app).await;
    let r = api(&app, "POST", "/api/v1/agreements", &manager, terms(&p, "R-FUT", 10_000)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = api(&app, "POST", "/api/v1/agreements", &manager, terms(&p, "r-fut ", 10_000)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_contains(&r.body, "« R-FUT »");
    assert_eq!(app.get("/api/v1/agreements").await.json().as_array().unwrap().len(), 1);
}

/// The SIRET must belong to the SIREN (`terms` gives 180 020 026); the SIRET and the RNA
/// number come back in the list, and `/conventions` then lists no agreement lacking them.
#[tokio::test]
async fn the_siret_must_belong_to_the_siren_and_is_listed() {
    let app = spawn_app().await;
    person(&app, "cp@example.fr", "Chargée", Role::ProgrammeManager).await;
    let manager = bearer(&app, "cp@example.fr").await;
    let p = laureate(&app).await;
    let mut t = terms(&p, "TI-S", p.subsidy_ceiling.0);
    t["beneficiary_siret"] = json!("130 025 265 00013");
    let r = api(&app, "POST", "/api/v1/agreements", &manager, t.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(
        &r.body,
        "Champ « beneficiary_siret » : le SIRET 13002526500013 n'appartient pas au SIREN 180020026",
    );
    t["beneficiary_siret"] = json!("180 020 026 00019");
    t["beneficiary_rna"] = json!("W261OO1234");
    let r = api(&app, "POST", "/api/v1/agreements", &manager, t.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "beneficiary_rna");
    t["beneficiary_rna"] = json!("W261001234");
    let r = api(&app, "POST", "/api/v1/agreements", &manager, t).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let list = app.get("/api/v1/agreements").await.json();
    assert_eq!(list[0]["beneficiary_siret"], "18002002600019");
    assert_eq!(list[0]["beneficiary_rna"], "W261001234");
    let page = app.get("/conventions").await;
    assert!(!page.body.contains("scdl-incomplet"), "{}", page.body);
}
