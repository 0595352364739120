//! Disbursements over HTTP (issue 5 §3), on the backend the suite runs on: the whole
//! workflow through the pages with four accounts of the right roles (a project lead
//! requests, an instructor checks, a programme manager approves, an administrator pays),
//! a wrong role refused with 403, one's own approval refused, an amount beyond the tranche
//! refused with its message and what was typed kept; the same through the API.
//!
//! The agreement is written with SQL (agreements have their own code elsewhere) with its
//! ledger commitment, on the real project `biovallee` (its fiche's ceiling applies).

use crate::attachments::{person, token};
use crate::auth::{form, get_with};
use crate::impact::{call, token as bearer_token};
use crate::{assert_contains, spawn_app, TestApp};
use axum::http::{header, StatusCode};
use serde_json::json;
use territoires_domain::access::Role;
use territoires_domain::funding::ledger::{Account, Caps, Movement};
use territoires_domain::programme::EnvelopeKind::Subsidy;
use territoires_domain::Money;
use territoires_store::testing::execute;
use territoires_store::MemberRole;
use time::macros::date;

const SLUG: &str = "biovallee";

/// Agreement 7 of `biovallee` for 10 000 € (tranches 71 « Avance » 6 000 €, 72 « Solde »
/// 4 000 € with a report condition 721), committed in the ledger.
async fn agreement(app: &TestApp) {
    for sql in [
        "INSERT INTO agreements (id, project_slug, reference, title, beneficiary, beneficiary_siren, signed_on, amount_cents, eligible_cost_cents, status, version, created_by, created_at) \
         VALUES (7, 'biovallee', 'TI-2020-007', 'Convention Biovallée', 'Association Biovallée', '130005481', '2020-01-15', 1000000, 2000000, 'active', 1, 'test', '2020-01-15T10:00:00Z')",
        "INSERT INTO tranches (id, agreement_id, position, label, due_on, amount_cents) VALUES (71, 7, 1, 'Avance', '2020-02-01', 600000), (72, 7, 2, 'Solde', '2022-02-01', 400000)",
        "INSERT INTO tranche_conditions (id, tranche_id, position, kind, label) VALUES (721, 72, 1, 'report', 'Rapport final')",
    ] {
        execute(&app.store, sql).await.unwrap();
    }
    let registry = app.store.load_registry().await.unwrap().unwrap();
    app.store
        .append_ledger_entry(
            Movement::Commit,
            &Account::Agreement(7),
            &Account::Project {
                slug: SLUG.to_owned(),
                kind: Subsidy,
            },
            Money(1_000_000),
            date!(2020 - 01 - 15),
            "test",
            "convention signée",
            &Caps::from_registry(&registry),
        )
        .await
        .unwrap();
}

/// Percent-encodes a form value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn today() -> String {
    territoires_domain::opinion::paris_today(time::OffsetDateTime::now_utc()).to_string()
}

async fn post(app: &TestApp, uri: &str, cookie: &str, csrf: &str, fields: &[(&str, &str)]) -> crate::TestResponse {
    let mut body = format!("csrf={}", enc(csrf));
    for (k, v) in fields {
        body.push_str(&format!("&{k}={}", enc(v)));
    }
    app.request(form(uri, body, Some(cookie))).await
}

#[tokio::test]
async fn four_people_take_a_disbursement_from_request_to_payment_through_the_pages() {
    let app = spawn_app().await;
    agreement(&app).await;
    let (lead, lead_c) = person(&app, "porteur@biovallee.fr", "Porteur", Role::ProjectLead).await;
    app.store.add_project_member(SLUG, lead.id, MemberRole::Lead, "test").await.unwrap();
    let (_, instr_c) = person(&app, "instructeur@etat.fr", "Instructeur", Role::Instructor).await;
    let (_, pm_c) = person(&app, "charge@bdt.fr", "Chargé", Role::ProgrammeManager).await;
    let (_, admin_c) = person(&app, "admin@bdt.fr", "Admin", Role::OperatorAdmin).await;
    let (_, expert_c) = person(&app, "expert@comite.fr", "Expert", Role::Expert).await;
    let today = today();

    // The lead's request beyond the tranche: 7 000 € on a tranche of 6 000 €. The form
    // comes back with the message, the figures and what was typed.
    let form_uri = "/conventions/7/versements/nouveau";
    let csrf = token(&app, form_uri, &lead_c).await;
    let r = post(
        &app,
        form_uri,
        &lead_c,
        &csrf,
        &[
            ("tranche", "71"),
            ("montant", "7 000,00"),
            ("date", &today),
            ("motif", "avance de démarrage"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "dépasse ce qui reste sur la tranche « Avance »");
    assert_contains(&r.body, "6\u{202f}000\u{a0}€");
    assert_contains(&r.body, "value=\"7 000,00\"");
    assert_contains(&r.body, "avance de démarrage</textarea>");
    assert!(app.store.disbursements(None).await.unwrap().is_empty(), "nothing written");

    // Within the tranche: 2 500 €.
    let r = post(
        &app,
        form_uri,
        &lead_c,
        &csrf,
        &[
            ("tranche", "71"),
            ("montant", "2 500,00"),
            ("date", &today),
            ("motif", "avance de démarrage"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.headers[header::LOCATION], "/versements/1");
    // The lead may not pay: 403, whatever the status (not a 409 telling it).
    let r = post(
        &app,
        "/versements/1/payer",
        &lead_c,
        &csrf,
        &[("date", &today), ("motif", "virement")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // The queue lists it with its agreement, project, tranche, amount, requester, next step.
    let queue = get_with(&app, "/versements", Some(&instr_c)).await;
    assert_eq!(queue.status, StatusCode::OK);
    for needle in [
        "TI-2020-007",
        "Avance",
        "2\u{202f}500\u{a0}€",
        "porteur@biovallee.fr",
        "vérifier les conditions",
    ] {
        assert_contains(&queue.body, needle);
    }
    // An expert follows no disbursement.
    assert_eq!(get_with(&app, "/versements", Some(&expert_c)).await.status, StatusCode::FORBIDDEN);
    // The lead sees no step form; the instructor sees the check.
    let lead_page = get_with(&app, "/versements/1", Some(&lead_c)).await;
    assert_eq!(lead_page.status, StatusCode::OK);
    assert!(!lead_page.body.contains("/versements/1/verifier"), "no form for the lead");
    let csrf_i = token(&app, "/versements/1", &instr_c).await;
    assert_contains(
        &get_with(&app, "/versements/1", Some(&instr_c)).await.body,
        "action=\"/versements/1/verifier\"",
    );

    // Wrong role: the lead may not check (403, page re-rendered with the message).
    let csrf_l = token(&app, form_uri, &lead_c).await;
    let r = post(
        &app,
        "/versements/1/verifier",
        &lead_c,
        &csrf_l,
        &[("date", &today), ("motif", "moi")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_contains(&r.body, "Votre rôle (Porteur de projet) ne permet pas l");

    let r = post(
        &app,
        "/versements/1/verifier",
        &instr_c,
        &csrf_i,
        &[("date", &today), ("motif", "pas de condition sur l'avance")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let csrf_pm = token(&app, "/versements/1", &pm_c).await;
    let r = post(
        &app,
        "/versements/1/approuver",
        &pm_c,
        &csrf_pm,
        &[("date", &today), ("motif", "conforme")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The approver may not pay: separation of duties, and the form is not even shown.
    let pm_page = get_with(&app, "/versements/1", Some(&pm_c)).await;
    assert!(!pm_page.body.contains("/versements/1/payer"), "no pay form for the approver");
    let r = post(
        &app,
        "/versements/1/payer",
        &pm_c,
        &csrf_pm,
        &[("date", &today), ("motif", "virement")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_contains(&r.body, "éparation des tâches");

    let csrf_a = token(&app, "/versements/1", &admin_c).await;
    let r = post(
        &app,
        "/versements/1/payer",
        &admin_c,
        &csrf_a,
        &[("date", &today), ("motif", "virement n° 42")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let done = get_with(&app, "/versements/1", Some(&lead_c)).await;
    for needle in [
        "payé",
        "écriture n° 2 du grand livre",
        "instructeur@etat.fr",
        "charge@bdt.fr",
        "admin@bdt.fr",
        "virement n° 42",
    ] {
        assert_contains(&done.body, needle);
    }
    let paid: Vec<_> = app
        .store
        .ledger_entries()
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.movement == Movement::Disburse)
        .collect();
    assert_eq!(paid.len(), 1);
    assert_eq!(
        (paid[0].amount, &paid[0].debit),
        (Money(250_000), &Account::Payee("130005481".into()))
    );
    // The staff's home links to the queue.
    assert_contains(&get_with(&app, "/espace", Some(&instr_c)).await.body, "href=\"/versements\"");
}

#[tokio::test]
async fn the_api_runs_the_workflow_and_refuses_what_the_rules_refuse() {
    let app = spawn_app().await;
    agreement(&app).await;
    for (email, role) in [
        ("pm1@bdt.fr", Role::ProgrammeManager),
        ("pm2@bdt.fr", Role::ProgrammeManager),
        ("instr@etat.fr", Role::Instructor),
        ("admin@bdt.fr", Role::OperatorAdmin),
        ("partner@x.fr", Role::Partner),
    ] {
        crate::impact::account(&app, email, role, None).await;
    }
    let pm1 = bearer_token(&app, "pm1@bdt.fr").await;
    let pm2 = bearer_token(&app, "pm2@bdt.fr").await;
    let instr = bearer_token(&app, "instr@etat.fr").await;
    let admin = bearer_token(&app, "admin@bdt.fr").await;
    let partner = bearer_token(&app, "partner@x.fr").await;
    let today = today();
    let step = |reason: &str| json!({"date": today, "reason": reason});

    // Beyond the tranche: 4 000,01 € on « Solde » (4 000 €).
    let r = call(
        &app,
        "POST",
        "/api/v1/agreements/7/disbursements",
        Some(&pm1),
        Some(json!({"tranche_id": 72, "amount_cents": 400_001, "date": today, "reason": "solde"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(
        &r.json()["error"]["message"].to_string(),
        "dépasse ce qui reste sur la tranche « Solde »",
    );
    let r = call(
        &app,
        "POST",
        "/api/v1/agreements/7/disbursements",
        Some(&pm1),
        Some(json!({"tranche_id": 72, "amount_cents": 400_000, "date": today, "reason": "solde"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    assert_eq!(r.json()["status"], "requested");
    assert_eq!(r.json()["next_step"], "check");

    // A partner follows no disbursement; an instructor may not approve.
    assert_eq!(
        call(&app, "GET", "/api/v1/disbursements", Some(&partner), None).await.status,
        StatusCode::FORBIDDEN
    );
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/disbursements/{id}/approve"),
        Some(&instr),
        Some(step("ok")),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the role is checked before the status: {}", r.body);
    // The requester does not check their own request.
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/disbursements/{id}/check"),
        Some(&pm1),
        Some(step("vérifié")),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_contains(&r.body, "éparation des tâches");
    // The report condition is unmet: the check is refused, naming it.
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/disbursements/{id}/check"),
        Some(&instr),
        Some(step("vérifié")),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_contains(&r.body, "rapport « Rapport final »");
    let r = call(
        &app,
        "POST",
        "/api/v1/tranche-conditions/721/met",
        Some(&instr),
        Some(json!({"date": today, "evidence": "rapport-final.pdf"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["met"], true);
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/disbursements/{id}/check"),
        Some(&instr),
        Some(step("vérifié")),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/disbursements/{id}/approve"),
        Some(&instr),
        Some(step("ok")),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "an instructor does not approve: {}", r.body);
    // One's own request may not be approved by oneself.
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/disbursements/{id}/approve"),
        Some(&pm1),
        Some(step("ok")),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_contains(&r.body, "éparation des tâches");
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/disbursements/{id}/approve"),
        Some(&pm2),
        Some(step("ok")),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The requester does not pay their own request.
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/disbursements/{id}/pay"),
        Some(&pm1),
        Some(step("virement")),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_contains(&r.body, "éparation des tâches");
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/disbursements/{id}/pay"),
        Some(&admin),
        Some(step("virement")),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "paid");
    assert_eq!(r.json()["ledger_seq"], 2);
    // Paid twice: 409.
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/disbursements/{id}/pay"),
        Some(&pm1),
        Some(step("encore")),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    let r = call(&app, "GET", &format!("/api/v1/disbursements/{id}"), Some(&pm1), None).await;
    assert_eq!(r.status, StatusCode::OK);
    let detail = r.json();
    let steps: Vec<&str> = detail["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["request", "check", "approve", "pay"]);
    let list = call(&app, "GET", "/api/v1/disbursements?status=paid", Some(&admin), None).await;
    assert_eq!(list.json().as_array().unwrap().len(), 1);
    assert_eq!(
        call(&app, "GET", "/api/v1/disbursements?status=nope", Some(&admin), None)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        call(&app, "GET", "/api/v1/disbursements", None, None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_condition_is_recorded_and_a_request_rejected_through_the_forms() {
    let app = spawn_app().await;
    agreement(&app).await;
    let (_, pm_c) = person(&app, "charge@bdt.fr", "Chargé", Role::ProgrammeManager).await;
    let (_, instr_c) = person(&app, "instructeur@etat.fr", "Instructeur", Role::Instructor).await;
    let today = today();
    let form_uri = "/conventions/7/versements/nouveau";
    let csrf = token(&app, form_uri, &pm_c).await;
    let r = post(
        &app,
        form_uri,
        &pm_c,
        &csrf,
        &[("tranche", "72"), ("montant", "4 000"), ("date", &today), ("motif", "solde")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The instructor sees the unmet report and its form; blank evidence is refused, the
    // page keeps the date typed.
    let page = get_with(&app, "/versements/1", Some(&instr_c)).await;
    assert_contains(&page.body, "Non remplie</strong> — rapport « Rapport final »");
    assert_contains(&page.body, "action=\"/conditions/721/remplie\"");
    let csrf_i = token(&app, "/versements/1", &instr_c).await;
    let r = post(
        &app,
        "/conditions/721/remplie",
        &instr_c,
        &csrf_i,
        &[("versement", "1"), ("date", "2021-03-04"), ("justificatif", " ")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "justificatif");
    assert_contains(&r.body, "value=\"2021-03-04\"");
    let r = post(
        &app,
        "/conditions/721/remplie",
        &instr_c,
        &csrf_i,
        &[("versement", "1"), ("date", "2021-03-04"), ("justificatif", "rapport-final.pdf")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = get_with(&app, "/versements/1", Some(&instr_c)).await;
    assert_contains(
        &page.body,
        "Remplie</strong> — rapport « Rapport final » : remplie le 2021-03-04 (enregistrée par instructeur@etat.fr",
    );
    // A future date is refused and the reason kept; then the instructor rejects it.
    let r = post(
        &app,
        "/versements/1/rejeter",
        &instr_c,
        &csrf_i,
        &[("date", "2999-01-01"), ("motif", "budget non justifié")],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "est dans le futur");
    assert_contains(&r.body, "budget non justifié</textarea>");
    let r = post(
        &app,
        "/versements/1/rejeter",
        &instr_c,
        &csrf_i,
        &[("date", &today), ("motif", "budget non justifié")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = get_with(&app, "/versements/1", Some(&pm_c)).await;
    assert_contains(&page.body, "rejeté");
    assert!(!page.body.contains("/versements/1/"), "no step form once rejected");
    // Rejected, its 4 000 € are free again on the tranche.
    assert_contains(
        &get_with(&app, form_uri, Some(&pm_c)).await.body,
        "Solde (reste 4\u{202f}000\u{a0}€)",
    );
}
