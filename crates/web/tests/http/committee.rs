//! Partner lists, experts' conflicts of interest, independent scoring and the committee's
//! ranking through the pages and the API (issue 3, « Review and the committee » and
//! « Security checks »): an expert whose organisation is a party — by SIREN, or by name
//! written with other accents and case — or who declared a conflict gets 404 on the
//! application, its API, its scoring page and its scoring API, and does not see it listed.

use crate::{assert_contains, spawn_app, TestApp, TestResponse};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use territoires_domain::access::{Email, Role};
use territoires_domain::application::Transition;
use territoires_domain::partners::parse_lines;
use territoires_domain::scoring::{Criterion, Scale, ScoringGrid};
use territoires_store::{Account, Application, NewAccount};

/// An account of `role` (no password: its session is opened directly, which skips the
/// slow argon2 check) and its session token, usable as cookie or bearer token.
async fn person(app: &TestApp, email: &str, role: Role, organisation: Option<&str>) -> (Account, String) {
    let new = NewAccount {
        email: Email::parse(email).unwrap(),
        display_name: email,
        role,
        organisation,
        password: None,
    };
    let account = app.store.create_account(new, "test").await.unwrap();
    let token = app.store.open_session(account.id, time::Duration::hours(1)).await.unwrap();
    (account, token)
}

async fn get(app: &TestApp, uri: &str, token: &str) -> TestResponse {
    let req = Request::get(uri)
        .header(header::COOKIE, format!("territoires_session={token}"))
        .body(Body::empty())
        .unwrap();
    app.request(req).await
}

/// A JSON request with a bearer token.
async fn api(app: &TestApp, method: Method, uri: &str, token: &str, body: Option<serde_json::Value>) -> TestResponse {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    app.request(req).await
}

/// A form post with the session's cookie and its anti-CSRF token.
async fn post(app: &TestApp, uri: &str, token: &str, fields: &str) -> TestResponse {
    let session = app.store.session(token).await.unwrap().unwrap();
    let body = format!("csrf={}&{fields}", session.csrf_token);
    app.request(crate::auth::form(uri, body, Some(&format!("territoires_session={token}"))))
        .await
}

/// 60/40 on 0–5 scales.
fn grid_60_40() -> ScoringGrid {
    let c = |code: &str, weight| Criterion {
        code: code.into(),
        label: format!("Critère {code}"),
        weight,
        scale: Scale { min: 0, max: 5 },
    };
    ScoringGrid::new(vec![c("ambition", 60), c("partenariat", 40)]).unwrap()
}

/// A call with the 60/40 grid; a lead (organisation « Ville de Dieppe ») and an
/// instructor; returns (lead, lead token, instructor, manager token).
struct Setup {
    lead: Account,
    lead_token: String,
    instructor: Account,
    manager_token: String,
}

async fn setup(app: &TestApp) -> Setup {
    let (lead, lead_token) = person(app, "porteur@dieppe.fr", Role::ProjectLead, Some("Ville de Dieppe")).await;
    let (instructor, _) = person(app, "instructeur@anct.gouv.fr", Role::Instructor, None).await;
    let (manager, manager_token) = person(app, "charge@caissedesdepots.fr", Role::ProgrammeManager, None).await;
    app.store
        .set_scoring_grid(territoires_store::testing::TEST_CALL, &grid_60_40(), &manager)
        .await
        .unwrap();
    Setup {
        lead,
        lead_token,
        instructor,
        manager_token,
    }
}

/// An application of the lead with `partners` (text form), taken to « under review ».
async fn under_review(app: &TestApp, s: &Setup, title: &str, partners: &str) -> Application {
    let a = app
        .store
        .create_draft(territoires_store::testing::TEST_CALL, &s.lead, title, "", None)
        .await
        .unwrap();
    let list = parse_lines(partners).unwrap();
    app.store.set_application_partners(a.id, &list, &s.lead).await.unwrap();
    let now = time::OffsetDateTime::now_utc();
    app.store.transition(a.id, &Transition::Submit, &s.lead, now).await.unwrap();
    app.store
        .transition(a.id, &Transition::StartReview, &s.instructor, now)
        .await
        .unwrap();
    a
}

fn scores(a: u8, p: u8) -> serde_json::Value {
    serde_json::json!({"scores": [{"criterion": "ambition", "value": a}, {"criterion": "partenariat", "value": p}], "comment": "RAS"})
}

/// Asserts `token`'s expert gets 404 on every route of application `id`, and does not
/// see it in their lists, but sees `other`.
async fn hidden(app: &TestApp, token: &str, id: i64, other: i64, who: &str) {
    for uri in [
        format!("/candidatures/{id}"),
        format!("/candidatures/{id}/notation"),
        format!("/api/v1/applications/{id}"),
        format!("/api/v1/applications/{id}/scores/mine"),
        format!("/api/v1/applications/{id}/partners"),
        format!("/api/v1/applications/{id}/attachments"),
    ] {
        let r = get(app, &uri, token).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} GET {uri}: {}", r.body);
    }
    let r = api(
        app,
        Method::PUT,
        &format!("/api/v1/applications/{id}/scores/mine"),
        token,
        Some(scores(4, 3)),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} PUT scores: {}", r.body);
    let r = post(
        app,
        &format!("/candidatures/{id}/notation"),
        token,
        "note_ambition=4&note_partenariat=3",
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} POST notation");
    for list in ["/expert/candidatures", "/candidatures"] {
        let page = get(app, list, token).await;
        assert_eq!(page.status, StatusCode::OK, "{who} {list}");
        assert!(
            !page.body.contains(&format!("href=\"/candidatures/{id}\"")),
            "{who} sees {id} in {list}"
        );
        assert_contains(&page.body, &format!("href=\"/candidatures/{other}\""));
    }
    let listed = api(app, Method::GET, "/api/v1/expert/applications", token, None).await.json();
    let ids: Vec<i64> = listed.as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [other], "{who}");
}

#[tokio::test]
async fn experts_in_conflict_get_404_everywhere_and_do_not_see_it_listed() {
    let app = spawn_app().await;
    territoires_store::testing::open_test_call(&app.store).await.unwrap();
    let s = setup(&app).await;
    let a = under_review(
        &app,
        &s,
        "Projet A",
        "Caisse des Dépôts ; 180 020 026 ; partenaire\nMétropole de Lyon ; 200046977",
    )
    .await;
    let b = under_review(&app, &s, "Projet B", "").await;
    let (a, b) = (a.id.0, b.id.0);

    // By SIREN: the expert declares « CDC ; 180020026 » on the declarations page.
    let (_, by_siren) = person(&app, "e1@example.fr", Role::Expert, None).await;
    assert_eq!(
        get(&app, &format!("/candidatures/{a}"), &by_siren).await.status,
        StatusCode::OK,
        "no conflict yet"
    );
    let r = post(
        &app,
        "/expert/declarations/organisations",
        &by_siren,
        "organisations=CDC+%3B+180020026",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    hidden(&app, &by_siren, a, b, "by SIREN").await;

    // By name: the account's organisation, without accents and in capitals.
    let (by_name_account, by_name) = person(&app, "e2@example.fr", Role::Expert, Some("METROPOLE DE LYON")).await;
    hidden(&app, &by_name, a, b, "by name").await;
    // Nor can a reviewer ask them for an opinion on it (but on B, yes).
    let due = (time::OffsetDateTime::now_utc() + time::Duration::days(10)).date();
    let body = serde_json::json!({"requested_of_account_id": by_name_account.id, "due_on": due.to_string(), "question": "Avis ?"});
    let ask = |id: i64| format!("/api/v1/applications/{id}/opinion-requests");
    let r = api(&app, Method::POST, &ask(a), &s.manager_token, Some(body.clone())).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "conflit d'intérêts");
    let r = api(&app, Method::POST, &ask(b), &s.manager_token, Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // The applicant's own organisation counts as a party too.
    let (_, by_lead) = person(&app, "e3@example.fr", Role::Expert, Some("ville de dieppe")).await;
    let r = get(&app, &format!("/candidatures/{b}"), &by_lead).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "the lead's organisation is a party of B");

    // Declared: seen before, hidden after; a blank ground is refused.
    let (_, declared) = person(&app, "e4@example.fr", Role::Expert, Some("Université de Lille")).await;
    assert_eq!(get(&app, &format!("/candidatures/{a}"), &declared).await.status, StatusCode::OK);
    let r = post(
        &app,
        "/expert/declarations/conflits",
        &declared,
        &format!("candidature={a}&motif=+"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(
        &app,
        "/expert/declarations/conflits",
        &declared,
        &format!("candidature={a}&motif=Ancien+salari%C3%A9"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    hidden(&app, &declared, a, b, "declared").await;
    assert_contains(&get(&app, "/expert/declarations", &declared).await.body, "Ancien salarié");

    // An invalid SIREN is refused with its line, nothing written.
    let r = post(
        &app,
        "/expert/declarations/organisations",
        &declared,
        "organisations=X+%3B+180020027",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&r.body, "ligne 1 : le SIREN « 180020027 » est invalide");

    // A clean expert sees both, read-only (no transition form), and the draft of nobody.
    let (_, clean) = person(&app, "e5@example.fr", Role::Expert, Some("Université de Lille")).await;
    let page = get(&app, &format!("/candidatures/{a}"), &clean).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Actions possibles"));
    assert_contains(&page.body, "180 020 026");
    assert_contains(&page.body, &format!("href=\"/candidatures/{a}/notation\""));
    // Read-only: a transition posted by an expert is refused and changes nothing.
    let r = post(
        &app,
        &format!("/candidatures/{a}/transitions"),
        &clean,
        "kind=invite-to-hearing&reason=",
    )
    .await;
    assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::CONFLICT), "{}", r.status);
    let status = app
        .store
        .application(territoires_domain::application::ApplicationId(a))
        .await
        .unwrap()
        .unwrap()
        .status;
    assert_eq!(status, territoires_domain::application::ApplicationStatus::UnderReview);
    assert_eq!(get(&app, &format!("/api/v1/applications/{a}"), &clean).await.status, StatusCode::OK);
    let draft = app
        .store
        .create_draft(territoires_store::testing::TEST_CALL, &s.lead, "Brouillon", "", None)
        .await
        .unwrap();
    assert_eq!(
        get(&app, &format!("/candidatures/{}", draft.id), &clean).await.status,
        StatusCode::NOT_FOUND
    );
    let audit = app.store.audit_entries().await.unwrap();
    assert!(audit.iter().any(|e| e.action == "expert.conflict"));
    assert!(audit.iter().any(|e| e.action == "expert.organisations"));
}

#[tokio::test]
async fn scores_are_independent_and_only_experts_score() {
    let app = spawn_app().await;
    territoires_store::testing::open_test_call(&app.store).await.unwrap();
    let s = setup(&app).await;
    let a = under_review(&app, &s, "Projet A", "").await.id.0;
    let (_, e1) = person(&app, "e1@example.fr", Role::Expert, None).await;
    let (_, e2) = person(&app, "e2@example.fr", Role::Expert, None).await;

    // e1 through the form: 60 × 4 + 40 × 3 = 360 hundredths = 3,60.
    let r = post(
        &app,
        &format!("/candidatures/{a}/notation"),
        &e1,
        "note_ambition=4&note_partenariat=3&commentaire=Avis+de+e1",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = get(&app, &format!("/candidatures/{a}/notation"), &e1).await;
    assert_contains(&page.body, "Votre note pondérée : 3,60");
    // Out of scale: 422 naming the criterion, nothing written.
    let r = post(
        &app,
        &format!("/candidatures/{a}/notation"),
        &e1,
        "note_ambition=6&note_partenariat=3",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&r.body, "la note 6 du critère « ambition » sort du barème 0 à 5");

    // e2 through the API: 60 × 2 + 40 × 5 = 120 + 200 = 320.
    let r = api(
        &app,
        Method::PUT,
        &format!("/api/v1/applications/{a}/scores/mine"),
        &e2,
        Some(scores(2, 5)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["weighted_hundredths"], 320);
    let r = api(
        &app,
        Method::PUT,
        &format!("/api/v1/applications/{a}/scores/mine"),
        &e2,
        Some(serde_json::json!({"scores": []})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Each sees only their own sheet.
    let mine = api(&app, Method::GET, &format!("/api/v1/applications/{a}/scores/mine"), &e2, None)
        .await
        .json();
    assert_eq!(
        (mine["weighted_hundredths"].clone(), mine["comment"].clone()),
        (320.into(), "RAS".into())
    );
    let page = get(&app, &format!("/candidatures/{a}/notation"), &e2).await.body;
    assert!(!page.contains("Avis de e1") && !page.contains("3,60"), "e2 sees e1's sheet");
    for who in [&e1, &e2] {
        assert_eq!(
            get(&app, "/admin/appels/aap-2020-appel-de-test/classement", who).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            api(&app, Method::GET, "/api/v1/calls/aap-2020-appel-de-test/ranking", who, None)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }

    // The project lead can neither score nor read the scores of their own application.
    let lead = &s.lead_token;
    assert_eq!(
        get(&app, &format!("/candidatures/{a}/notation"), lead).await.status,
        StatusCode::FORBIDDEN
    );
    for method in [Method::GET, Method::PUT] {
        let r = api(
            &app,
            method.clone(),
            &format!("/api/v1/applications/{a}/scores/mine"),
            lead,
            Some(scores(5, 5)),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{method}");
    }
    assert_eq!(
        get(&app, "/admin/appels/aap-2020-appel-de-test/classement", lead).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        api(&app, Method::GET, "/api/v1/calls/aap-2020-appel-de-test/ranking", lead, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let page = get(&app, &format!("/candidatures/{a}"), lead).await.body;
    assert!(!page.contains("3,60") && !page.contains("Avis de e1"));
    // Nor does the programme manager score (they moderate).
    let r = api(
        &app,
        Method::PUT,
        &format!("/api/v1/applications/{a}/scores/mine"),
        &s.manager_token,
        Some(scores(5, 5)),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Re-scoring replaces, and the audit trail keeps both: 60 × 5 + 40 × 5 = 500.
    let r = api(
        &app,
        Method::PUT,
        &format!("/api/v1/applications/{a}/scores/mine"),
        &e2,
        Some(scores(5, 5)),
    )
    .await;
    assert_eq!(r.json()["weighted_hundredths"], 500);
    let submits: Vec<_> = app
        .store
        .audit_entries()
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "score.submit")
        .collect();
    assert_eq!(submits.len(), 3);
    assert_eq!(submits[2].before["comment"], "RAS");
    assert_eq!(submits[2].after["weighted_hundredths"], 500);
}

#[tokio::test]
async fn the_ranking_is_exact_shows_ties_and_moderation_needs_a_justification() {
    let app = spawn_app().await;
    territoires_store::testing::open_test_call(&app.store).await.unwrap();
    let s = setup(&app).await;
    let a = under_review(&app, &s, "Projet A", "").await.id.0;
    let b = under_review(&app, &s, "Projet B", "").await.id.0;
    let c = under_review(&app, &s, "Projet C", "").await.id.0;
    let (_, e1) = person(&app, "e1@example.fr", Role::Expert, None).await;
    let (_, e2) = person(&app, "e2@example.fr", Role::Expert, None).await;
    let put = |id: i64, token: &str, a: u8, p: u8| {
        let (app, token) = (&app, token.to_owned());
        async move {
            let r = api(
                app,
                Method::PUT,
                &format!("/api/v1/applications/{id}/scores/mine"),
                &token,
                Some(scores(a, p)),
            )
            .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
    };
    // Grid 60/40. A: e1 4,3 → 240 + 120 = 360; e2 2,5 → 120 + 200 = 320; mean 680/2 = 340.
    put(a, &e1, 4, 3).await;
    put(a, &e2, 2, 5).await;
    // B: e1 5,2 → 300 + 80 = 380; e2 3,3 → 180 + 120 = 300; mean 340: tied with A (same
    // number of experts, so A first by its smaller id).
    put(b, &e1, 5, 2).await;
    put(b, &e2, 3, 3).await;
    // C: e1 5,5 → 500; one expert; mean 5,000: first.
    put(c, &e1, 5, 5).await;

    let m = &s.manager_token;
    let r = api(&app, Method::GET, "/api/v1/calls/aap-2020-appel-de-test/ranking", m, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let lines = r.json()["lines"].clone();
    let got: Vec<(i64, i64, bool, i64)> = lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["rank"].as_i64().unwrap(),
                l["application"].as_i64().unwrap(),
                l["tied_with_previous"].as_bool().unwrap(),
                l["ranked_mean_thousandths"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, [(1, c, false, 5000), (2, a, false, 3400), (3, b, true, 3400)]);
    assert_eq!(lines[1]["experts"][0]["weighted_hundredths"], 360);
    let page = get(&app, "/admin/appels/aap-2020-appel-de-test/classement", m).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_contains(&page.body, "ex æquo");
    assert_contains(&page.body, "3,400");

    // Moderation without justification: 422 through the API and the form, nothing written.
    let uri = format!("/api/v1/applications/{b}/moderation");
    let r = api(
        &app,
        Method::PUT,
        &uri,
        m,
        Some(serde_json::json!({"hundredths": 345, "justification": "  "})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_contains(&r.body, "justification");
    let r = post(&app, &format!("/candidatures/{b}/moderation"), m, "note=3%2C45&justification=").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Off the grid (0 to 5,00): 422.
    let r = api(
        &app,
        Method::PUT,
        &uri,
        m,
        Some(serde_json::json!({"hundredths": 501, "justification": "x"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Experts and leads may not moderate.
    let r = api(
        &app,
        Method::PUT,
        &uri,
        &e1,
        Some(serde_json::json!({"hundredths": 345, "justification": "x"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!app
        .store
        .audit_entries()
        .await
        .unwrap()
        .iter()
        .any(|e| e.action == "score.moderate"));

    // B moderated to 3,45 (form): it now ranks before A (3,45 > 3,40), no tie left.
    let r = post(
        &app,
        &format!("/candidatures/{b}/moderation"),
        m,
        "note=3%2C45&justification=Audition+convaincante",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.headers[header::LOCATION], "/admin/appels/aap-2020-appel-de-test/classement");
    let lines = api(&app, Method::GET, "/api/v1/calls/aap-2020-appel-de-test/ranking", m, None)
        .await
        .json()["lines"]
        .clone();
    let order: Vec<(i64, bool)> = lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["application"].as_i64().unwrap(), l["tied_with_previous"].as_bool().unwrap()))
        .collect();
    assert_eq!(order, [(c, false), (b, false), (a, false)]);
    assert_eq!(
        (
            lines[1]["moderated_hundredths"].clone(),
            lines[1]["experts_mean_thousandths"].clone()
        ),
        (345.into(), 3400.into())
    );
    let moderations: Vec<_> = app
        .store
        .audit_entries()
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "score.moderate")
        .collect();
    assert_eq!(
        (moderations.len(), moderations[0].after["justification"].clone()),
        (1, "Audition convaincante".into())
    );
}

#[tokio::test]
async fn partner_lists_are_validated_and_belong_to_the_applicant() {
    let app = spawn_app().await;
    territoires_store::testing::open_test_call(&app.store).await.unwrap();
    let s = setup(&app).await;
    let draft = app
        .store
        .create_draft(territoires_store::testing::TEST_CALL, &s.lead, "Projet", "", None)
        .await
        .unwrap();
    let id = draft.id.0;
    let lead = &s.lead_token;
    let page = get(&app, &format!("/candidatures/{id}"), lead).await;
    assert_contains(&page.body, "name=\"partenaires\"");

    let r = post(
        &app,
        &format!("/candidatures/{id}/partenaires"),
        lead,
        "partenaires=Caisse+des+D%C3%A9p%C3%B4ts+%3B+180+020+026+%3B+chef+de+file%0AUniversit%C3%A9+de+Gand+%3B+%3B",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = get(&app, &format!("/candidatures/{id}"), lead).await.body;
    assert_contains(&page, "180 020 026");
    assert_contains(&page, "Chef de file");
    let r = post(
        &app,
        &format!("/candidatures/{id}/partenaires"),
        lead,
        "partenaires=X+%3B+180020027",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&r.body, "ligne 1 : le SIREN « 180020027 » est invalide");

    let uri = format!("/api/v1/applications/{id}/partners");
    let bad = serde_json::json!({"partners": [{"name": "X", "siren": "18002002", "role": "partner"}]});
    let r = api(&app, Method::PUT, &uri, lead, Some(bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&r.body, "partners[0].siren");
    let ok = serde_json::json!({"partners": [{"name": "DINUM", "siren": "130 025 265", "role": "lead"}]});
    let r = api(&app, Method::PUT, &uri, lead, Some(ok.clone())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["partners"][0]["siren"], "130025265");

    // Another lead: 404; an instructor: 403 (sees it, does not apply).
    let (_, other) = person(&app, "autre@example.fr", Role::ProjectLead, None).await;
    assert_eq!(
        api(&app, Method::PUT, &uri, &other, Some(ok.clone())).await.status,
        StatusCode::NOT_FOUND
    );
    let (_, instr) = person(&app, "instr2@example.fr", Role::Instructor, None).await;
    assert_eq!(
        api(&app, Method::PUT, &uri, &instr, Some(ok.clone())).await.status,
        StatusCode::FORBIDDEN
    );

    // Once submitted: 409.
    app.store
        .transition(draft.id, &Transition::Submit, &s.lead, time::OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(api(&app, Method::PUT, &uri, lead, Some(ok)).await.status, StatusCode::CONFLICT);
    assert!(!get(&app, &format!("/candidatures/{id}"), lead)
        .await
        .body
        .contains("name=\"partenaires\""));
}

#[tokio::test]
async fn grids_are_set_by_programme_managers_and_validated() {
    let app = spawn_app().await;
    territoires_store::testing::open_test_call(&app.store).await.unwrap();
    let (_, m) = person(&app, "charge@example.fr", Role::ProgrammeManager, None).await;
    let (_, e) = person(&app, "expert@example.fr", Role::Expert, None).await;
    let grid = serde_json::json!({"criteria": [
        {"code": "ambition", "label": "Ambition", "weight": 60, "scale": {"min": 0, "max": 5}},
        {"code": "partenariat", "label": "Partenariat", "weight": 39, "scale": {"min": 0, "max": 5}}
    ]});
    let r = api(&app, Method::PUT, "/api/v1/calls/aap-2020-appel-de-test/grid", &m, Some(grid)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(&r.body, "99 points au lieu de 100");
    let r = api(&app, Method::GET, "/api/v1/calls/aap-2020-appel-de-test/grid", &m, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "nothing written");

    let r = post(
        &app,
        "/admin/appels/aap-2020-appel-de-test/grille",
        &m,
        "criteres=ambition+%3B+Ambition+%3B+60+%3B+0+%3B+5%0Apartenariat+%3B+Partenariat+%3B+40+%3B+0+%3B+5",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = api(&app, Method::GET, "/api/v1/calls/aap-2020-appel-de-test/grid", &e, None).await;
    assert_eq!(r.json()["criteria"][1]["weight"], 40);
    let page = get(&app, "/admin/appels/aap-2020-appel-de-test/grille", &m).await;
    assert_contains(&page.body, "Partenariat");

    let grid = serde_json::json!({"criteria": [{"code": "a", "label": "A", "weight": 100, "scale": {"min": 0, "max": 5}}]});
    assert_eq!(
        api(
            &app,
            Method::PUT,
            "/api/v1/calls/aap-2020-appel-de-test/grid",
            &e,
            Some(grid.clone())
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        api(&app, Method::PUT, "/api/v1/calls/aap-2099/grid", &m, Some(grid)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(get(&app, "/admin/appels/aap-2099/grille", &m).await.status, StatusCode::NOT_FOUND);
}

/// Issue 3 QA: moderating an application nobody scored, a draft or a decided one is a
/// 409 with a French reason, nothing written; unscored applications are listed after the
/// ranked ones, without a rank (« non notée »), and without a moderation form.
#[tokio::test]
async fn moderation_is_refused_without_scores_or_out_of_review_and_unscored_are_not_ranked() {
    let app = spawn_app().await;
    territoires_store::testing::open_test_call(&app.store).await.unwrap();
    let s = setup(&app).await;
    let a = under_review(&app, &s, "Projet A", "").await.id.0;
    let b = under_review(&app, &s, "Projet B", "").await.id.0;
    let (_, e1) = person(&app, "e1@example.fr", Role::Expert, None).await;
    // A: e1 4,3 → 240 + 120 = 360 → 3,600. B: nobody scored it.
    let r = api(
        &app,
        Method::PUT,
        &format!("/api/v1/applications/{a}/scores/mine"),
        &e1,
        Some(scores(4, 3)),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let m = &s.manager_token;
    let body = serde_json::json!({"hundredths": 500, "justification": "Excellent"});
    let r = api(
        &app,
        Method::PUT,
        &format!("/api/v1/applications/{b}/moderation"),
        m,
        Some(body.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_contains(&r.body, "Aucun expert n'a encore noté cette candidature");
    let r = post(&app, &format!("/candidatures/{b}/moderation"), m, "note=5&justification=Excellent").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    // A draft: 409 too.
    let draft = app
        .store
        .create_draft(territoires_store::testing::TEST_CALL, &s.lead, "Brouillon", "", None)
        .await
        .unwrap();
    let r = api(
        &app,
        Method::PUT,
        &format!("/api/v1/applications/{}/moderation", draft.id),
        m,
        Some(body.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_contains(&r.body, "en instruction ou en audition");

    // The ranking: A first (3,600); B after it, not ranked, no moderation form.
    let lines = api(&app, Method::GET, "/api/v1/calls/aap-2020-appel-de-test/ranking", m, None)
        .await
        .json()["lines"]
        .clone();
    let got: Vec<(i64, serde_json::Value)> = lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["application"].as_i64().unwrap(), l["rank"].clone()))
        .collect();
    assert_eq!(got, [(a, 1.into()), (b, serde_json::Value::Null)]);
    let page = get(&app, "/admin/appels/aap-2020-appel-de-test/classement", m).await.body;
    assert_contains(&page, "Non notée");
    assert!(page.contains(&format!("/candidatures/{a}/moderation")));
    assert!(!page.contains(&format!("/candidatures/{b}/moderation")), "{page}");

    // A selected: its moderation is refused (the ranking may not move after the decision).
    let manager = app.store.session(m).await.unwrap().unwrap().account;
    let now = time::OffsetDateTime::now_utc();
    app.store
        .transition(
            territoires_domain::application::ApplicationId(a),
            &Transition::InviteToHearing,
            &s.instructor,
            now,
        )
        .await
        .unwrap();
    app.store
        .transition(
            territoires_domain::application::ApplicationId(a),
            &Transition::Select { reason: "Solide".into() },
            &manager,
            now,
        )
        .await
        .unwrap();
    let r = api(&app, Method::PUT, &format!("/api/v1/applications/{a}/moderation"), m, Some(body)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(!app
        .store
        .audit_entries()
        .await
        .unwrap()
        .iter()
        .any(|e| e.action == "score.moderate"));
}

/// Issue 3 QA: the grid and ranking pages are titled by the call's title, the admin call
/// pages link to the grid, ranking and deliberation, and the call form wraps each field
/// in a DSFR `fr-fieldset__element` (one field per row).
#[tokio::test]
async fn managers_find_the_grid_ranking_and_deliberation_of_a_call() {
    let app = spawn_app().await;
    territoires_store::testing::open_test_call(&app.store).await.unwrap();
    let (_, m) = person(&app, "charge@example.fr", Role::ProgrammeManager, None).await;
    let slug = territoires_store::testing::TEST_CALL;
    for (uri, title) in [
        (
            format!("/admin/appels/{slug}/grille"),
            "Grille d'évaluation de l'appel « Appel de test »",
        ),
        (
            format!("/admin/appels/{slug}/classement"),
            "Classement de l'appel « Appel de test »",
        ),
    ] {
        let page = get(&app, &uri, &m).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        assert_contains(&page.body, title);
    }
    for uri in [format!("/admin/appels/{slug}"), "/admin/appels".to_owned()] {
        let page = get(&app, &uri, &m).await.body;
        for link in ["grille", "classement", "deliberation"] {
            assert_contains(&page, &format!("href=\"/admin/appels/{slug}/{link}\""));
        }
    }
    let page = get(&app, "/admin/appels/nouveau", &m).await.body;
    assert_contains(
        &page,
        "<div class=\"fr-fieldset__element\"><div class=\"fr-input-group\">\n    <label class=\"fr-label\" for=\"titre\">",
    );
    assert_contains(
        &page,
        "<div class=\"fr-fieldset__element\"><div class=\"fr-input-group\">\n    <label class=\"fr-label\" for=\"eligibilite\">",
    );
    assert!(!page.contains("/grille\""), "no links before the call exists");
    // The grid's error is one sentence: « Grille non enregistrée : … ».
    let r = post(
        &app,
        &format!("/admin/appels/{slug}/grille"),
        &m,
        "criteres=a+%3B+A+%3B+60+%3B+0+%3B+5%0Ab+%3B+B+%3B+39+%3B+0+%3B+5",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contains(
        &r.body,
        "Grille non enregistrée : les poids des critères totalisent 99 points au lieu de 100.",
    );
}
