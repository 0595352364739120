//! Equity investments through the API and the pages (issue 5, §4). The expected figures
//! are the issue's (TVPI = DPI = 1.592593, XIRR 0.105439 on its flows) or worked out by
//! hand; the investment potential of Biovallée (12,8 M€) is the press kit's.

use crate::auth::{form, sign_in, PASSWORD};
use crate::{assert_contains, spawn_app, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use territoires_domain::access::{Email, Role};
use territoires_store::NewAccount;

async fn account(app: &TestApp, login: &str, role: Role) -> String {
    let email = format!("{login}@example.fr");
    let new = NewAccount {
        email: Email::parse(&email).unwrap(),
        display_name: login,
        role,
        organisation: None,
        password: Some(PASSWORD),
    };
    app.store.create_account(new, "test").await.unwrap();
    email
}

async fn bearer(app: &TestApp, email: &str) -> String {
    let r = app
        .request(
            Request::post("/api/v1/sessions")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(json!({"email": email, "password": PASSWORD}).to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    format!("Bearer {}", r.json()["token"].as_str().unwrap())
}

async fn call(app: &TestApp, method: &str, uri: &str, token: &str, body: Option<Value>) -> crate::TestResponse {
    app.request(
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.map(|b| Body::from(b.to_string())).unwrap_or_default())
            .unwrap(),
    )
    .await
}

/// A case for Biovallée: `amount_cents` in an SPV valued 1 M€ pre-money, with a private
/// co-investor on the same terms for `private_cents` (none when 0).
fn case(amount_cents: i64, private_cents: i64) -> Value {
    let co = if private_cents > 0 {
        json!([{"name": "Banque privée", "kind": "private", "amount_cents": private_cents, "same_terms": true}])
    } else {
        json!([{"name": "Région", "kind": "public", "amount_cents": 10_000_000, "same_terms": true}])
    };
    json!({
        "project": "biovallee",
        "investee": {"kind": "spv", "name": "SAS Énergies Biovallée", "siren": "180 020 026"},
        "instrument": "ordinary-shares",
        "amount_cents": amount_cents,
        "pre_money_cents": 100_000_000,
        "co_investors": co,
    })
}

fn approval() -> Value {
    json!({"verdict": "approved", "on": "2021-02-10", "reference": "CI-2021-04", "reason": "Conforme au marché"})
}

async fn created(app: &TestApp, token: &str, body: Value) -> i64 {
    let r = call(app, "POST", "/api/v1/investments", token, Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

fn close(v: &Value, expected: f64) {
    let x = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((x - expected).abs() < 5e-7, "{x} ≠ {expected}");
}

#[tokio::test]
async fn the_issues_example_through_the_api_gives_its_multiples_and_xirr() {
    let app = spawn_app().await;
    let manager = bearer(&app, &account(&app, "charge", Role::ProgrammeManager).await).await;
    // 300 000 € + a private 200 000 € pari passu: round 500 000 €, private 40 % ≥ 30 %;
    // post-money 1 500 000 €, stake 300 000 / 1 500 000 = 20 %.
    let id = created(&app, &manager, case(30_000_000, 20_000_000)).await;
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/investments/{id}/decision"),
        &manager,
        Some(approval()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let d = r.json();
    assert_eq!((d["status"].as_str(), d["stake_bp"].as_i64()), (Some("approved"), Some(2_000)));
    assert_eq!(d["prudent_investor_test"]["private_share_bp"], 4_000);
    assert_eq!(d["prudent_investor_test"]["min_private_share_bp"], 3_000);
    // Approved, nothing called yet: the XIRR is a typed reason, not a number.
    assert_eq!(
        d["metrics"]["xirr"],
        json!({"status": "undefined", "reason": "empty", "message": "Aucun flux : le TRI n'est pas défini"})
    );
    assert_eq!(d["metrics"]["tvpi"], Value::Null);

    // Issue 5, §4: −200 000 and −50 000 on 2021-03-15, +30 000 and −20 000 on 2023-09-30,
    // +400 000 on 2026-03-15 (euros).
    for (path, on, cents) in [
        ("capital-calls", "2021-03-15", 20_000_000),
        ("capital-calls", "2021-03-15", 5_000_000),
        ("distributions", "2023-09-30", 3_000_000),
        ("capital-calls", "2023-09-30", 2_000_000),
        ("distributions", "2026-03-15", 40_000_000),
    ] {
        let r = call(
            &app,
            "POST",
            &format!("/api/v1/investments/{id}/{path}"),
            &manager,
            Some(json!({"on": on, "amount_cents": cents})),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{path} {on}: {}", r.body);
    }
    let d = call(&app, "GET", &format!("/api/v1/investments/{id}"), &manager, None).await.json();
    let m = &d["metrics"];
    assert_eq!(
        (
            m["paid_in_cents"].as_i64(),
            m["distributions_cents"].as_i64(),
            m["nav_cents"].as_i64()
        ),
        (Some(27_000_000), Some(43_000_000), Some(0))
    );
    close(&m["tvpi"], 1.592_593);
    close(&m["dpi"], 1.592_593);
    close(&m["rvpi"], 0.0);
    assert_eq!(m["xirr"]["status"], "defined");
    close(&m["xirr"]["rate"], 0.105_439);
    assert_eq!(d["events"].as_array().unwrap().len(), 5);

    let p = call(&app, "GET", "/api/v1/portfolio", &manager, None).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let p = p.json();
    close(&p["programme"]["tvpi"], 1.592_593);
    close(&p["programme"]["xirr"]["rate"], 0.105_439);
    assert_eq!(p["projects"][0]["project"], "biovallee");
    assert_eq!(p["projects"][0]["investments"], 1);
    assert_eq!(p["investments"][0]["id"], id);

    // The pages say the same, in French.
    let cookie = sign_in(&app, "charge@example.fr").await;
    let page = crate::auth::get_with(&app, "/portefeuille", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_contains(&page.body, "1,592593");
    assert_contains(&page.body, "10,54\u{a0}%");
    // The confidentiality rule, stated: ledger amounts public, case details staff-only.
    assert_contains(
        &page.body,
        "<strong>Confidentialité.</strong> Les montants du grand livre par investissement",
    );
    let public = crate::auth::get_with(&app, "/projets/biovallee/financement", None).await;
    assert_eq!(public.status, StatusCode::OK, "{}", public.body);
    assert_contains(&public.body, &format!("Investissement n° {id}"));
    let anonymous = crate::auth::get_with(&app, "/portefeuille", None).await;
    assert_ne!(anonymous.status, StatusCode::OK, "{}", anonymous.body);
    assert!(!anonymous.body.contains("1,592593"));
    let page = crate::auth::get_with(&app, &format!("/investissements/{id}"), Some(&cookie)).await;
    assert_contains(&page.body, "test satisfait");
    assert_contains(&page.body, "40,00\u{a0}%");
    assert_contains(&page.body, &format!("action=\"/investissements/{id}/evenements\""));
}

#[tokio::test]
async fn refusals_a_failed_test_a_non_manager_and_a_case_beyond_the_investment_potential() {
    let app = spawn_app().await;
    let manager = bearer(&app, &account(&app, "charge", Role::ProgrammeManager).await).await;
    let instructor = bearer(&app, &account(&app, "instructeur", Role::Instructor).await).await;
    let lead = bearer(&app, &account(&app, "porteur", Role::ProjectLead).await).await;

    // Only a public co-investor: private pari passu 0 € of a 400 000 € round.
    let id = created(&app, &manager, case(30_000_000, 0)).await;
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/investments/{id}/decision"),
        &manager,
        Some(approval()),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("investisseur avisé") && message.contains("0,00\u{a0}%") && message.contains("30,00\u{a0}%"),
        "{message}"
    );
    let d = call(&app, "GET", &format!("/api/v1/investments/{id}"), &manager, None).await.json();
    assert_eq!(d["status"], "proposed");

    // Not a manager: 403 on every write; an instructor reads, a project lead does not.
    let r = call(&app, "POST", "/api/v1/investments", &instructor, Some(case(30_000_000, 20_000_000))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/investments/{id}/decision"),
        &instructor,
        Some(approval()),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(
        call(&app, "GET", "/api/v1/portfolio", &instructor, None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        call(&app, "GET", "/api/v1/portfolio", &lead, None).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&app, "GET", &format!("/api/v1/investments/{id}"), &lead, None).await.status,
        StatusCode::FORBIDDEN
    );

    // Biovallée's investment potential is 12,8 M€: 12 800 000,01 € is refused by one cent,
    // nothing committed; exactly 12,8 M€ passes.
    let big = created(&app, &manager, case(1_280_000_001, 1_280_000_001)).await;
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/investments/{big}/decision"),
        &manager,
        Some(approval()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_contains(&r.body, "plafond du projet");
    assert!(app.store.ledger_entries().await.unwrap().is_empty());
    let exact = created(&app, &manager, case(1_280_000_000, 1_280_000_000)).await;
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/investments/{exact}/decision"),
        &manager,
        Some(approval()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(app.store.ledger_entries().await.unwrap().len(), 1);
    // A call beyond the commitment is refused too.
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/investments/{exact}/capital-calls"),
        &manager,
        Some(json!({"on": "2021-03-15", "amount_cents": 1_280_000_001})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // Bad input: an invalid SIREN names the field, nothing written.
    let mut bad = case(30_000_000, 20_000_000);
    bad["investee"]["siren"] = json!("180020027");
    let r = call(&app, "POST", "/api/v1/investments", &manager, Some(bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "investee.siren");
    assert_eq!(
        call(&app, "GET", "/api/v1/investments", &manager, None)
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

/// The anti-CSRF token of the forms on `uri`.
async fn csrf(app: &TestApp, uri: &str, cookie: &str) -> String {
    crate::attachments::token(app, uri, cookie).await
}

#[tokio::test]
async fn refused_forms_come_back_with_their_message_and_what_was_typed() {
    let app = spawn_app().await;
    account(&app, "charge", Role::ProgrammeManager).await;
    let cookie = sign_in(&app, "charge@example.fr").await;
    let token = csrf(&app, "/investissements/nouveau?projet=biovallee", &cookie).await;
    let body = format!(
        "csrf={token}&projet=biovallee&investee_kind=company&investee_name=SAS+Chaleur&siren=180020027&instrument=ordinary-shares\
         &amount=300+000&pre_money=1+000+000&co_name_0=Banque&co_kind_0=private&co_amount_0=200+000&co_same_0=oui"
    );
    let r = app.request(form("/investissements", body.clone(), Some(&cookie))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "clé de contrôle");
    assert_contains(&r.body, "value=\"SAS Chaleur\"");
    assert_contains(&r.body, "value=\"200 000\"");
    // Corrected, it is recorded and the reader sent to the case.
    let r = app
        .request(form("/investissements", body.replace("180020027", "180020026"), Some(&cookie)))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.headers[header::LOCATION].to_str().unwrap().to_owned();
    // A decision without a reference: 422, the form filled again.
    let r = app
        .request(form(
            &format!("{location}/decision"),
            format!("csrf={token}&verdict=approved&on=2021-02-10&reference=&reason=Conforme&min_private_share=45"),
            Some(&cookie),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "référence");
    assert_contains(&r.body, "value=\"45\"");
    // 200 000 / 500 000 = 40 % < 45 %: refused with the figures.
    let r = app
        .request(form(
            &format!("{location}/decision"),
            format!("csrf={token}&verdict=approved&on=2021-02-10&reference=CI-1&reason=Conforme&min_private_share=45"),
            Some(&cookie),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "40,00\u{a0}%");
    assert_contains(&r.body, "45,00\u{a0}%");
    // Below the programme's 30 % floor: 422 naming the floor, whatever the case.
    let r = app
        .request(form(
            &format!("{location}/decision"),
            format!("csrf={token}&verdict=approved&on=2021-02-10&reference=CI-1&reason=Conforme&min_private_share=0"),
            Some(&cookie),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "plancher du programme (30,00\u{a0}%)");
    let r = app
        .request(form(
            &format!("{location}/decision"),
            format!("csrf={token}&verdict=approved&on=2021-02-10&reference=CI-1&reason=Conforme&min_private_share=30"),
            Some(&cookie),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = crate::auth::get_with(&app, &location, Some(&cookie)).await;
    assert_contains(&page.body, "appliquée à la décision");
    assert_contains(&page.body, "CI-1");
    assert_contains(&page.body, &format!("action=\"{location}/evenements\""));
    // An instructor reads the case but is offered no form, and a post is refused.
    account(&app, "instructeur", Role::Instructor).await;
    let other = sign_in(&app, "instructeur@example.fr").await;
    let page = crate::auth::get_with(&app, &location, Some(&other)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        !page.body.contains("<form method=\"post\" action=\"/investissements"),
        "no form for a reader"
    );
    let token = csrf(&app, "/espace", &other).await;
    let r = app
        .request(form(
            &format!("{location}/evenements"),
            format!("csrf={token}&kind=valuation&on=2022-12-31&amount=10"),
            Some(&other),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

#[tokio::test]
async fn events_out_of_order_are_refused_with_422() {
    let app = spawn_app().await;
    let manager = bearer(&app, &account(&app, "charge", Role::ProgrammeManager).await).await;
    let id = created(&app, &manager, case(30_000_000, 20_000_000)).await;
    let mut decision = approval();
    decision["on"] = json!("2021-01-01");
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/investments/{id}/decision"),
        &manager,
        Some(decision),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    for on in ["2021-03-15", "2023-03-15"] {
        let body = json!({"on": on, "amount_cents": 1_000_000});
        let r = call(
            &app,
            "POST",
            &format!("/api/v1/investments/{id}/capital-calls"),
            &manager,
            Some(body),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    // The tester's exit dated 2019-01-01, before the 2021-01-01 decision.
    let exit = json!({"on": "2019-01-01", "proceeds_cents": 0});
    let r = call(&app, "POST", &format!("/api/v1/investments/{id}/exit"), &manager, Some(exit)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "01/01/2019");
    // A valuation after today.
    let later = json!({"on": "2999-01-01", "amount_cents": 1});
    let r = call(&app, "POST", &format!("/api/v1/investments/{id}/valuations"), &manager, Some(later)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // The tester's valuation of i64::MAX cents: beyond 10^15 cents, 422 naming the field.
    let huge = json!({"on": "2023-06-30", "amount_cents": i64::MAX});
    let r = call(&app, "POST", &format!("/api/v1/investments/{id}/valuations"), &manager, Some(huge)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "« valorisation » dépasse le maximum");
    let mut big = case(30_000_000, 20_000_000);
    big["pre_money_cents"] = json!(1_000_000_000_000_001i64);
    let r = call(&app, "POST", "/api/v1/investments", &manager, Some(big)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "« valorisation pré-money » dépasse le maximum");
    let r = call(&app, "GET", &format!("/api/v1/investments/{id}"), &manager, None).await;
    assert_eq!(r.json()["status"], "approved");
    assert_eq!(r.json()["events"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn the_decision_cannot_lower_the_programmes_prudent_investor_floor() {
    let app = spawn_app().await;
    let manager = bearer(&app, &account(&app, "charge", Role::ProgrammeManager).await).await;
    // No private co-investor at all: private share 0 %, which only a 0 % rule would pass.
    let id = created(&app, &manager, case(30_000_000, 0)).await;
    let mut zero = approval();
    zero["min_private_share_bp"] = json!(0);
    let r = call(&app, "POST", &format!("/api/v1/investments/{id}/decision"), &manager, Some(zero)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "plancher du programme (30,00\u{a0}%)");
    let r = call(&app, "GET", &format!("/api/v1/investments/{id}"), &manager, None).await;
    assert_eq!(r.json()["status"], "proposed");

    // A higher share is allowed, applied and shown: 200 000 / 500 000 = 40 % ≥ 35 %.
    let id = created(&app, &manager, case(30_000_000, 20_000_000)).await;
    let mut higher = approval();
    higher["min_private_share_bp"] = json!(3_500);
    let r = call(&app, "POST", &format!("/api/v1/investments/{id}/decision"), &manager, Some(higher)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["prudent_investor_test"]["min_private_share_bp"], 3_500);
}
