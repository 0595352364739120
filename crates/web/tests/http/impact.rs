//! The impact API (issue 4 §6) over HTTP, on the backend the suite runs on: programme
//! figures from approved values with their completeness, missing values and zero
//! denominators, indicators with progress, the review flow with its role refusals, and
//! the CSV import, all or nothing. Expected values are worked out by hand from the issue's
//! cases (§7), never read off the code.

use crate::auth::PASSWORD;
use crate::{spawn_app, TestApp, TestResponse};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use territoires_domain::access::{Email, Role};
use territoires_domain::impact::catalogue::{Catalogue, Impact, ImpactOutcome, Mapping};
use territoires_domain::impact::{Baseline, Direction, Frequency, Indicator, IndicatorKind, Target, TargetSpec, Temporality};
use territoires_store::{Actor, MemberRole, NewAccount, NewMeasurement};
use time::macros::date;

/// Real registry slugs: A, B, C share the local-food share; D and E the agroecology share.
pub(crate) const A: &str = "biovallee";
const B: &str = "alimentation-durable-2030";
const C: &str = "terres-de-sources";
const D: &str = "le-havre-smart-port-city";
const E: &str = "littoral-plus";
/// Jobs created in A: cumulative, yearly, baseline 0 (2020), target 1 000 (2030).
pub(crate) const JOBS: &str = "biovallee.emplois-crees";

fn share(slug: &str) -> String {
    format!("{slug}.part")
}

fn indicator(code: &str, project: &str, kind: IndicatorKind, temporality: Temporality, unit: &str) -> Indicator {
    Indicator {
        code: code.to_owned(),
        project: Some(project.to_owned()),
        name: format!("Indicateur {code}"),
        definition: "Ce qui est compté.".to_owned(),
        unit: unit.to_owned(),
        kind,
        direction: Direction::Increase,
        temporality,
        baseline: None,
        targets: vec![],
        data_source: "Registre du projet".to_owned(),
        method: "Comptage".to_owned(),
        frequency: Frequency::Yearly,
        responsible: "Chef de file".to_owned(),
        version: 1,
    }
}

fn catalogue() -> Catalogue {
    let mut jobs = indicator(JOBS, A, IndicatorKind::Quantity, Temporality::Cumulative, "jobs");
    jobs.baseline = Some(Baseline {
        value: 0.0,
        date: date!(2020 - 12 - 31),
        source: "fiche".to_owned(),
    });
    jobs.targets = vec![Target {
        due: date!(2030 - 12 - 31),
        spec: TargetSpec::Absolute { value: 1_000.0 },
        statement: Some("Créer 1 000 emplois".to_owned()),
    }];
    let mut indicators = vec![jobs];
    let mut mappings = vec![Mapping {
        indicator: JOBS.to_owned(),
        programme_indicator: "jobs-created".to_owned(),
    }];
    for (slug, pi) in [
        (A, "local-food-share"),
        (B, "local-food-share"),
        (C, "local-food-share"),
        (D, "agroecology-area-share"),
        (E, "agroecology-area-share"),
    ] {
        indicators.push(indicator(
            &share(slug),
            slug,
            IndicatorKind::Percentage,
            Temporality::Level,
            "percent",
        ));
        mappings.push(Mapping {
            indicator: share(slug),
            programme_indicator: pi.to_owned(),
        });
    }
    let impact = |project: &str, position, sentence: &str, outcome| Impact {
        project: project.to_owned(),
        position,
        sentence: sentence.to_owned(),
        outcome,
    };
    Catalogue {
        indicators,
        impacts: vec![
            impact(
                A,
                1,
                "Créer 1 000 emplois",
                ImpactOutcome::Structured {
                    indicators: vec![JOBS.to_owned()],
                },
            ),
            impact(
                A,
                2,
                "Une gouvernance partagée",
                ImpactOutcome::Qualitative {
                    reason: "aucune valeur chiffrée".to_owned(),
                },
            ),
            impact(
                B,
                1,
                "Des produits locaux dans les cantines",
                ImpactOutcome::Structured {
                    indicators: vec![share(B)],
                },
            ),
        ],
        mappings,
    }
}

/// The catalogue above, loaded into `app`'s store.
pub(crate) async fn load_catalogue(app: &TestApp) {
    app.store.replace_catalogue(&catalogue(), "test").await.unwrap();
}

/// An account of `role` with the test password, member of `project` when given; its id.
pub(crate) async fn account(app: &TestApp, email: &str, role: Role, project: Option<(&str, MemberRole)>) -> i64 {
    let new = NewAccount {
        email: Email::parse(email).unwrap(),
        display_name: email.split('@').next().unwrap(),
        role,
        organisation: None,
        password: Some(PASSWORD),
    };
    let a = app.store.create_account(new, "test").await.unwrap();
    if let Some((slug, as_role)) = project {
        app.store.add_project_member(slug, a.id, as_role, "test").await.unwrap();
    }
    a.id
}

/// A bearer token for `email` (`POST /api/v1/sessions`).
pub(crate) async fn token(app: &TestApp, email: &str) -> String {
    let r = app
        .request(
            Request::post("/api/v1/sessions")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(json!({"email": email, "password": PASSWORD}).to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["token"].as_str().unwrap().to_owned()
}

/// `method uri` with a JSON body, as `token` (none: anonymous).
pub(crate) async fn call(app: &TestApp, method: &str, uri: &str, token: Option<&str>, body: Option<Value>) -> TestResponse {
    let mut r = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let body = match body {
        Some(b) => {
            r = r.header(header::CONTENT_TYPE, "application/json");
            Body::from(b.to_string())
        }
        None => Body::empty(),
    };
    app.request(r.body(body).unwrap()).await
}

/// `POST /api/v1/measurements/import{query}` with a CSV body.
pub(crate) async fn import_csv(app: &TestApp, query: &str, token: Option<&str>, csv: &str) -> TestResponse {
    let mut r = Request::post(format!("/api/v1/measurements/import{query}")).header(header::CONTENT_TYPE, "text/csv");
    if let Some(t) = token {
        r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    app.request(r.body(Body::from(csv.to_owned())).unwrap()).await
}

/// Records a value of `code` as the command line (programme manager) and takes it to
/// `approved` (`approve`, by another operator) or leaves it `submitted`; its id.
pub(crate) async fn seeded(
    app: &TestApp,
    code: &str,
    period: &str,
    observation: territoires_domain::impact::Observation,
    approve: bool,
) -> i64 {
    let cli = Actor::cli("cli:test");
    let m = app
        .store
        .record_measurement(
            NewMeasurement {
                indicator: code.to_owned(),
                period: period.parse().unwrap(),
                reporter: "Chef de file".to_owned(),
                observation: Some(observation),
                source: None,
                method: None,
                evidence: None,
                submit: true,
            },
            &cli,
        )
        .await
        .unwrap();
    if approve {
        app.store
            // Another operator approves: nobody approves what they entered.
            .review_measurement(
                m.id,
                territoires_domain::impact::measurement::ReviewStep::Approve,
                &Actor::cli("cli:reviewer"),
                None,
            )
            .await
            .unwrap();
    }
    m.id
}

fn fraction(n: Option<f64>, d: Option<f64>) -> territoires_domain::impact::Observation {
    territoires_domain::impact::Observation::Fraction {
        numerator: n,
        denominator: d,
    }
}

/// The `programme` group of programme indicator `code` in `GET /api/v1/impact{query}`.
async fn programme_group(app: &TestApp, query: &str, code: &str) -> Value {
    let r = app.get(&format!("/api/v1/impact{query}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(!r.body.contains("NaN") && !r.body.contains("Infinity"), "{}", r.body);
    let v = r.json();
    let f = v["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["indicator"]["code"] == code)
        .unwrap_or_else(|| panic!("{code} in {}", r.body))
        .clone();
    let groups = f["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "{f}");
    assert_eq!(groups[0]["group"], "programme");
    groups[0]["aggregate"].clone()
}

#[tokio::test]
async fn percentages_add_counts_and_a_project_without_data_is_missing() {
    let app = spawn_app().await;
    load_catalogue(&app).await;
    // Issue 4 §7: A 15 of 50 households, B 45 of 60, C nothing yet, all approved.
    seeded(&app, &share(A), "2025", fraction(Some(15.0), Some(50.0)), true).await;
    seeded(&app, &share(B), "2025", fraction(Some(45.0), Some(60.0)), true).await;
    // A value still under review does not count in the official figure.
    seeded(&app, &share(C), "2025", fraction(Some(50.0), Some(50.0)), false).await;

    for query in ["", "?by=programme", "?year=2025", "?by=programme&year=total"] {
        let a = programme_group(&app, query, "local-food-share").await;
        // (15 + 45) / (50 + 60) = 60 / 110 = 54,5454… %; not 52,5 (mean of rates), not 35
        // (C as zero).
        let value = a["value"].as_f64().unwrap();
        assert!((value - 6_000.0 / 110.0).abs() < 1e-9, "{query}: {a}");
        assert_eq!(a["numerator"], 60.0, "{query}");
        assert_eq!(a["denominator"], 110.0, "{query}");
        assert_eq!((a["reported"].as_u64(), a["expected"].as_u64()), (Some(2), Some(3)), "{query}");
        assert_eq!(a["missing"], json!([C]), "{query}");
        assert_eq!(a["zero_denominators"], json!([]), "{query}");
    }
    // Nothing approved for 2024: every project missing, no value (not 0).
    let none = programme_group(&app, "?year=2024", "local-food-share").await;
    assert!(none["value"].is_null(), "{none}");
    assert_eq!(none["reported"], 0);
    assert_eq!(none["missing"], json!([A, B, C]));

    // The listing of the taxonomy names the indicator.
    let pis = app.get("/api/v1/programme-indicators").await;
    assert_eq!(pis.status, StatusCode::OK);
    let pis = pis.json();
    let lf = pis.as_array().unwrap().iter().find(|p| p["code"] == "local-food-share").unwrap();
    assert_eq!((lf["unit"].as_str(), lf["kind"].as_str()), (Some("percent"), Some("percentage")));

    // By theme, every group A and B fall in is reported (groups overlap).
    let by_theme = app.get("/api/v1/impact?by=theme").await;
    assert_eq!(by_theme.status, StatusCode::OK, "{}", by_theme.body);
    assert_eq!(by_theme.json()["by"], "theme");

    // Bad parameters: 400 naming them.
    for (query, parameter) in [("?by=departement", "by"), ("?year=deux-mille", "year"), ("?year=20255", "year")] {
        let r = app.get(&format!("/api/v1/impact{query}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}: {}", r.body);
        assert_eq!(r.json()["error"]["parameter"], parameter, "{query}");
    }
}

#[tokio::test]
async fn missing_counts_and_zero_denominators_give_null_never_zero() {
    let app = spawn_app().await;
    load_catalogue(&app).await;
    account(&app, "porteur@havre.fr", Role::ProjectLead, Some((D, MemberRole::Lead))).await;
    account(&app, "charge@operateur.fr", Role::ProgrammeManager, None).await;
    let lead = token(&app, "porteur@havre.fr").await;
    let manager = token(&app, "charge@operateur.fr").await;
    seeded(&app, &share(E), "2025", fraction(Some(30.0), Some(100.0)), true).await;

    // D: numerator missing, denominator 200 → no value (not 0 %).
    let uri = format!("/api/v1/indicators/{}/measurements", share(D));
    let r = call(
        &app,
        "POST",
        &uri,
        Some(&lead),
        Some(json!({"period": "2025", "reporter": "Port", "denominator": 200, "submit": true})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let m = r.json();
    assert!(m["value"].is_null() && m["numerator"].is_null(), "{m}");
    assert_eq!((m["denominator"].as_f64(), m["status"].as_str()), (Some(200.0), Some("submitted")));
    let first = m["id"].as_i64().unwrap();
    let ok = call(
        &app,
        "POST",
        &format!("/api/v1/measurements/{first}/review"),
        Some(&manager),
        Some(json!({"step": "approve"})),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    // 30 / 100 = 30 %, « 1 of 2 »; not 30 / 300 = 10 % (the missing numerator as 0).
    let a = programme_group(&app, "", "agroecology-area-share").await;
    assert_eq!(a["value"], 30.0, "{a}");
    assert_eq!((a["reported"].as_u64(), a["expected"].as_u64()), (Some(1), Some(2)));
    assert_eq!(a["missing"], json!([D]));

    // D corrects to 0 of 0 (12 of 0 would be above 100 %, refused): no value, a warning,
    // JSON null.
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/measurements/{first}/correction"),
        Some(&lead),
        Some(json!({"period": "2025", "reporter": "Port", "numerator": 0, "denominator": 0, "submit": true})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(!r.body.contains("NaN") && !r.body.contains("Infinity"), "{}", r.body);
    let m = r.json();
    assert!(m.as_object().unwrap().contains_key("value") && m["value"].is_null(), "{m}");
    assert_eq!(
        (m["zero_denominator"].as_bool(), m["supersedes"].as_i64()),
        (Some(true), Some(first))
    );
    let second = m["id"].as_i64().unwrap();
    let ok = call(
        &app,
        "POST",
        &format!("/api/v1/measurements/{second}/review"),
        Some(&manager),
        Some(json!({"step": "approve"})),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let a = programme_group(&app, "", "agroecology-area-share").await;
    assert_eq!(a["value"], 30.0, "{a}");
    assert_eq!((a["numerator"].as_f64(), a["denominator"].as_f64()), (Some(30.0), Some(100.0)));
    assert_eq!((a["reported"].as_u64(), a["expected"].as_u64()), (Some(1), Some(2)));
    assert_eq!(a["zero_denominators"], json!([D]));
    assert_eq!(a["missing"], json!([D]));

    // The indicator's standing: the latest value is null, never Infinity.
    let d = app.get(&format!("/api/v1/indicators/{}", share(D))).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    assert!(!d.body.contains("NaN") && !d.body.contains("Infinity"), "{}", d.body);
    let series = d.json()["summary"]["series"].clone();
    assert_eq!(series[0]["period"], "2025");
    assert!(series[0]["value"].is_null() && series[0]["zero_denominator"] == true, "{series}");

    // The public list shows both approved rows, the first superseded by the second, and
    // hides who entered them.
    let list = app.get(&uri).await.json();
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{list}");
    assert_eq!(
        (rows[0]["id"].as_i64(), rows[0]["superseded_by"].as_i64()),
        (Some(first), Some(second))
    );
    assert!(rows[0]["submitted_by"].is_null());
}

#[tokio::test]
async fn the_review_flow_with_its_refusals() {
    let app = spawn_app().await;
    load_catalogue(&app).await;
    account(&app, "porteur@biovallee.fr", Role::ProjectLead, Some((A, MemberRole::Lead))).await;
    account(&app, "partenaire@alimentation.fr", Role::Partner, Some((B, MemberRole::Partner))).await;
    account(&app, "instructeur@etat.fr", Role::Instructor, None).await;
    account(&app, "charge@operateur.fr", Role::ProgrammeManager, None).await;
    account(&app, "admin@operateur.fr", Role::OperatorAdmin, None).await;
    let lead = token(&app, "porteur@biovallee.fr").await;
    let partner = token(&app, "partenaire@alimentation.fr").await;
    let instructor = token(&app, "instructeur@etat.fr").await;
    let manager = token(&app, "charge@operateur.fr").await;
    let admin = token(&app, "admin@operateur.fr").await;
    let entry = format!("/api/v1/indicators/{JOBS}/measurements");
    let value = json!({"period": "2025", "reporter": "Biovallée", "value": 250, "source": "Registre des embauches"});

    // Entering: anonymous 401, a partner of another project 403, an unknown indicator 404,
    // a bad period or a missing value 422 naming the field.
    assert_eq!(
        call(&app, "POST", &entry, None, Some(value.clone())).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = call(&app, "POST", &entry, Some(&partner), Some(value.clone())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = call(
        &app,
        "POST",
        "/api/v1/indicators/biovallee.inconnu/measurements",
        Some(&lead),
        Some(value.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = call(
        &app,
        "POST",
        &entry,
        Some(&lead),
        Some(json!({"period": "2025-Q1", "reporter": "B", "value": 1})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = call(
        &app,
        "POST",
        &entry,
        Some(&lead),
        Some(json!({"period": "vingt", "reporter": "B", "value": 1})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("« period »"), "{}", r.body);
    let r = call(&app, "POST", &entry, Some(&lead), Some(json!({"period": "2025", "reporter": "B"}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("« value »"), "{}", r.body);
    assert!(
        app.store.measurements(JOBS).await.unwrap().is_empty(),
        "nothing written by a refusal"
    );

    // The lead enters a draft.
    let r = call(&app, "POST", &entry, Some(&lead), Some(value.clone())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let m = r.json();
    assert_eq!((m["status"].as_str(), m["value"].as_f64()), (Some("draft"), Some(250.0)));
    assert_eq!(m["submitted_by"], "porteur@biovallee.fr");
    let id = m["id"].as_i64().unwrap();
    let review = format!("/api/v1/measurements/{id}/review");
    let step = |s: &str| Some(json!({"step": s}));

    // Approving a draft: 409. The partner of another project may not submit it: 403.
    assert_eq!(
        call(&app, "POST", &review, Some(&manager), step("approve")).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        call(&app, "POST", &review, Some(&partner), step("submit")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&app, "POST", &review, Some(&lead), step("publish")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let r = call(&app, "POST", &review, Some(&lead), step("submit")).await;
    assert_eq!(
        (r.status, r.json()["status"].as_str()),
        (StatusCode::OK, Some("submitted")),
        "{}",
        r.body
    );
    assert_eq!(
        call(&app, "POST", &review, Some(&lead), step("submit")).await.status,
        StatusCode::CONFLICT
    );

    // An administrator does not approve; the lead neither. Return needs a reason.
    let r = call(&app, "POST", &review, Some(&admin), step("approve")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(
        call(&app, "POST", &review, Some(&lead), step("approve")).await.status,
        StatusCode::FORBIDDEN
    );
    let r = call(&app, "POST", &review, Some(&instructor), step("return")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = call(
        &app,
        "POST",
        &review,
        Some(&instructor),
        Some(json!({"step": "return", "reason": "   "})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = call(
        &app,
        "POST",
        &review,
        Some(&instructor),
        Some(json!({"step": "return", "reason": "Joindre le registre"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.json()["status"].as_str(), r.json()["return_reason"].as_str()),
        (Some("returned"), Some("Joindre le registre"))
    );

    // While not approved, the public sees nothing and the indicator has no value.
    assert_eq!(app.get(&entry).await.json(), json!([]));
    let listed = call(&app, "GET", &entry, Some(&lead), None).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 1, "the lead sees the returned value");

    assert_eq!(
        call(&app, "POST", &review, Some(&lead), step("submit")).await.status,
        StatusCode::OK
    );
    let r = call(&app, "POST", &review, Some(&manager), step("approve")).await;
    assert_eq!(
        (r.status, r.json()["status"].as_str()),
        (StatusCode::OK, Some("approved")),
        "{}",
        r.body
    );
    assert_eq!(
        call(&app, "POST", &review, Some(&manager), step("approve")).await.status,
        StatusCode::CONFLICT
    );

    // The history: insiders only.
    let events = format!("/api/v1/measurements/{id}/events");
    let h = call(&app, "GET", &events, Some(&lead), None).await;
    assert_eq!(h.status, StatusCode::OK, "{}", h.body);
    let steps: Vec<String> = h
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["step"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(steps, ["record", "submit", "return", "submit", "approve"]);
    assert_eq!(h.json()[2]["reason"], "Joindre le registre");
    assert_eq!(app.get(&events).await.status, StatusCode::NOT_FOUND);
    assert_eq!(call(&app, "GET", &events, Some(&partner), None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(call(&app, "GET", &events, Some(&instructor), None).await.status, StatusCode::OK);

    // Progress: 250 of a path from 0 (2020) to 1 000 (2030) is 25 %.
    let check = |v: Value| {
        assert_eq!(v["summary"]["progress"]["percent"], 25.0, "{v}");
        assert_eq!(v["summary"]["progress"]["state"], "in-progress");
        assert_eq!(v["summary"]["latest"]["value"], 250.0);
    };
    let detail = app.get(&format!("/api/v1/indicators/{JOBS}")).await;
    assert_eq!(detail.status, StatusCode::OK, "{}", detail.body);
    let detail = detail.json();
    check(detail.clone());
    assert_eq!(detail["summary"]["target"], 1_000.0);
    // One value and the baseline: the line through them, named.
    assert_eq!(detail["summary"]["projection"]["method"], "baseline-to-latest");
    assert_eq!(detail["versions"].as_array().unwrap().len(), 1);
    assert_eq!(detail["definition"]["baseline"]["date"], "2020-12-31");
    assert_eq!(app.get("/api/v1/indicators/nope").await.status, StatusCode::NOT_FOUND);

    // A correction supersedes without erasing; the official value moves only once it is
    // approved. Correcting the superseded one again: 409.
    let corrected = call(
        &app,
        "POST",
        &format!("/api/v1/measurements/{id}/correction"),
        Some(&lead),
        Some(json!({"period": "2025", "reporter": "Biovallée", "value": 300})),
    )
    .await;
    assert_eq!(corrected.status, StatusCode::CREATED, "{}", corrected.body);
    assert_eq!(corrected.json()["supersedes"], id);
    let again = call(
        &app,
        "POST",
        &format!("/api/v1/measurements/{id}/correction"),
        Some(&lead),
        Some(json!({"period": "2025", "reporter": "Biovallée", "value": 310})),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    let listed = call(&app, "GET", &entry, Some(&manager), None).await.json();
    let rows = listed.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["superseded_by"], corrected.json()["id"]);
    assert_eq!(rows[1]["status"], "draft");
    assert_eq!(
        app.get(&entry).await.json().as_array().unwrap().len(),
        1,
        "the public: approved only"
    );
    let list = app.get(&format!("/api/v1/indicators?project={A}")).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let list = list.json();
    let jobs = list.as_array().unwrap().iter().find(|i| i["definition"]["code"] == JOBS).unwrap();
    assert_eq!(
        (
            jobs["summary"]["latest_value"].as_f64(),
            jobs["summary"]["progress_percent"].as_f64()
        ),
        (Some(250.0), Some(25.0))
    );
    assert_eq!(list.as_array().unwrap().len(), 2, "A's two indicators");
    let r = app.get("/api/v1/indicators?project=atlantis").await;
    assert_eq!(
        (r.status, r.json()["error"]["parameter"].as_str()),
        (StatusCode::BAD_REQUEST, Some("project"))
    );
}

#[tokio::test]
async fn the_structuring_report() {
    let app = spawn_app().await;
    load_catalogue(&app).await;
    let all = app.get("/api/v1/impact/statements").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    let all = all.json();
    // 3 sentences, 2 structured; 6 project indicators.
    assert_eq!(
        (all["structured"].as_u64(), all["total"].as_u64(), all["indicators"].as_u64()),
        (Some(2), Some(3), Some(6))
    );
    let a = app.get(&format!("/api/v1/impact/statements?project={A}")).await.json();
    assert_eq!(
        (a["structured"].as_u64(), a["total"].as_u64(), a["indicators"].as_u64()),
        (Some(1), Some(2), Some(2))
    );
    let s = a["statements"].as_array().unwrap();
    assert_eq!(
        (s[0]["outcome"].as_str(), s[0]["indicators"].clone()),
        (Some("structured"), json!([JOBS]))
    );
    assert_eq!(
        (s[1]["outcome"].as_str(), s[1]["reason"].as_str()),
        (Some("qualitative"), Some("aucune valeur chiffrée"))
    );
}

#[tokio::test]
async fn a_csv_with_a_bad_line_writes_nothing() {
    let app = spawn_app().await;
    load_catalogue(&app).await;
    account(&app, "porteur@biovallee.fr", Role::ProjectLead, Some((A, MemberRole::Lead))).await;
    account(&app, "expert@comite.fr", Role::Expert, None).await;
    let lead = token(&app, "porteur@biovallee.fr").await;
    let expert = token(&app, "expert@comite.fr").await;
    let count = || async { app.store.measurements(JOBS).await.unwrap().len() + app.store.measurements(&share(A)).await.unwrap().len() };
    let before = count().await;

    // Line 3's value is not a number; line 4 is fine: nothing written, line 3 named.
    let bad = format!(
        "\u{feff}indicateur;période;valeur;numérateur;dénominateur;déclarant\n\
         {JOBS};2023;120;;;Biovallée\n\
         {JOBS};2024;douze;;;Biovallée\n\
         {a};2024;;15;50;Biovallée\n",
        a = share(A)
    );
    let r = import_csv(&app, "", Some(&lead), &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("ligne 3") && message.contains("valeur"), "{message}");
    assert!(!message.contains("ligne 2") && !message.contains("ligne 4"), "{message}");
    assert_eq!(count().await, before);

    // A line the store refuses (B's indicator: not a member) also writes nothing.
    let foreign = format!(
        "indicateur;période;numérateur;dénominateur;déclarant\n{a};2024;15;50;Biovallée\n{b};2024;1;2;Biovallée\n",
        a = share(A),
        b = share(B)
    );
    let r = import_csv(&app, "", Some(&lead), &foreign).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("ligne 3"), "{}", r.body);
    assert_eq!(count().await, before);

    // Who may not enter: 403; anonymous: 401; a bad `submit`: 400.
    let good = format!(
        "indicateur,période,valeur,numérateur,dénominateur,déclarant\n{JOBS},2023,\"1 120,0\",,,Biovallée\n{a},2024,,15,50,Biovallée\n",
        a = share(A)
    );
    assert_eq!(import_csv(&app, "", Some(&expert), &good).await.status, StatusCode::FORBIDDEN);
    assert_eq!(import_csv(&app, "", None, &good).await.status, StatusCode::UNAUTHORIZED);
    let r = import_csv(&app, "?submit=peut-etre", Some(&lead), &good).await;
    assert_eq!(
        (r.status, r.json()["error"]["parameter"].as_str()),
        (StatusCode::BAD_REQUEST, Some("submit"))
    );
    assert_eq!(count().await, before);

    let r = import_csv(&app, "?submit=true", Some(&lead), &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), json!({"imported": 2}));
    assert_eq!(count().await, before + 2);
    let jobs = app.store.measurements(JOBS).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].status, territoires_domain::impact::MeasurementStatus::Submitted);
    assert_eq!(
        jobs[0].observation,
        Some(territoires_domain::impact::Observation::Value { value: 1_120.0 })
    );
}

#[tokio::test]
async fn own_measurements_are_not_reviewed_and_an_import_names_every_faulty_line() {
    let app = spawn_app().await;
    load_catalogue(&app).await;
    account(&app, "charge@operateur.fr", Role::ProgrammeManager, None).await;
    let manager = token(&app, "charge@operateur.fr").await;
    // The manager enters 15 of 50 for D and may not approve it: 403.
    let uri = format!("/api/v1/indicators/{}/measurements", share(D));
    let body = json!({"period": "2025", "reporter": "Port", "numerator": 15, "denominator": 50, "submit": true});
    let r = call(&app, "POST", &uri, Some(&manager), Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let r = call(
        &app,
        "POST",
        &format!("/api/v1/measurements/{id}/review"),
        Some(&manager),
        Some(json!({"step": "approve"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("une autre personne"), "{}", r.body);

    // A file whose lines 2 and 4 are faulty (60 of 50; a period in 2031): both named, 422.
    let csv = format!(
        "indicateur;période;numérateur;dénominateur;déclarant\n{0};2024;60;50;Port\n{0};2023;10;50;Port\n{0};2031;10;50;Port\n",
        share(D)
    );
    let r = import_csv(&app, "", Some(&manager), &csv).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("ligne 2 : numérateur : 60 dépasse le dénominateur 50"),
        "{message}"
    );
    assert!(message.contains("ligne 4 : période : « 2031 »"), "{message}");
    assert!(!message.contains("ligne 3"), "{message}");
}
