//! Accounts, sign-in and the role × route matrix: every role against every route,
//! asserting who may do what, on the backend the suite runs on.

use crate::{spawn_app, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use territoires_domain::access::{allows, Action, Email, Role};
use territoires_store::NewAccount;

pub(crate) const PASSWORD: &str = "correct horse battery";

async fn account(app: &TestApp, role: Role) -> String {
    let email = format!("{}@example.fr", role.code());
    let new = NewAccount {
        email: Email::parse(&email).unwrap(),
        display_name: role.label(),
        role,
        organisation: None,
        password: Some(PASSWORD),
    };
    app.store.create_account(new, "test").await.unwrap();
    email
}

pub(crate) fn form(uri: &str, body: String, cookie: Option<&str>) -> Request<Body> {
    let mut r = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "localhost");
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    r.body(Body::from(body)).unwrap()
}

/// Signs in and returns the `name=value` of the session cookie.
pub(crate) async fn sign_in(app: &TestApp, email: &str) -> String {
    let r = app
        .request(form(
            "/connexion",
            format!("email={email}&password=correct+horse+battery&retour=%2Fespace"),
            None,
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.headers[header::LOCATION], "/espace");
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    cookie.split(';').next().unwrap().to_owned()
}

pub(crate) async fn get_with(app: &TestApp, uri: &str, cookie: Option<&str>) -> crate::TestResponse {
    let mut r = Request::get(uri);
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    app.request(r.body(Body::empty()).unwrap()).await
}

/// Protected routes and the actions that open each (any one of them suffices; `None`: any
/// signed-in account). `/candidatures`: project leads (their own), instructors, programme
/// managers and administrators (all), experts (those under review or in a hearing, minus
/// their conflicts) — not partners.
const PROTECTED: &[(&str, Option<&[Action]>)] = &[
    ("/espace", None),
    ("/admin/comptes", Some(&[Action::ManageAccounts])),
    ("/admin/journal", Some(&[Action::ReadAuditTrail])),
    (
        "/candidatures",
        Some(&[Action::Apply, Action::Review, Action::Decide, Action::Score]),
    ),
    ("/candidatures/nouvelle", Some(&[Action::Apply])),
    ("/expert/candidatures", Some(&[Action::Score])),
    ("/expert/declarations", Some(&[Action::Score])),
    ("/admin/appels/aap-2018/grille", Some(&[Action::ManageCalls])),
    ("/admin/appels/aap-2018/classement", Some(&[Action::Decide])),
    ("/admin/appels", Some(&[Action::ManageCalls])),
    ("/admin/appels/nouveau", Some(&[Action::ManageCalls])),
    ("/avis", Some(&[Action::Review])),
    ("/appels/aap-2018/deliberation", Some(&[Action::Review, Action::Decide])),
    ("/admin/appels/aap-2018/deliberation", Some(&[Action::Decide])),
    // Funding (issue 5): the disbursement queue for whoever takes a step of the workflow
    // (project leads see their own projects'), the portfolio for the operator's staff, the
    // forms for those who sign agreements and record investments.
    (
        "/versements",
        Some(&[Action::RequestDisbursement, Action::CheckDisbursement, Action::PayDisbursement]),
    ),
    ("/portefeuille", Some(&[Action::ManageFunding, Action::CheckDisbursement])),
    ("/conventions/nouvelle?projet=biovallee", Some(&[Action::ManageFunding])),
    ("/investissements/nouveau?projet=biovallee", Some(&[Action::ManageFunding])),
];
/// Public routes: every role, signed in or not, gets them.
const PUBLIC: &[&str] = &[
    "/",
    "/projets",
    "/projets/biovallee",
    "/coherence",
    "/a-propos",
    "/api/v1/projects",
    "/connexion",
    "/financement",
    "/financement/journal",
    "/projets/biovallee/financement",
    "/conventions",
    "/api/v1/funding",
    "/api/v1/agreements",
    "/donnees",
    "/donnees/projets.csv",
    "/api/v1/exports",
    "/api/v1/exports/indicators?format=json",
];

#[tokio::test]
async fn every_role_against_every_route() {
    let app = spawn_app().await;
    for role in Role::ALL {
        let cookie = if role == Role::Public {
            None
        } else {
            Some(sign_in(&app, &account(&app, role).await).await)
        };
        for &(uri, action) in PROTECTED {
            let r = get_with(&app, uri, cookie.as_deref()).await;
            let expected = match (role, action) {
                (Role::Public, _) => StatusCode::SEE_OTHER,
                (_, None) => StatusCode::OK,
                (r, Some(any)) if any.iter().any(|a| allows(r, *a)) => StatusCode::OK,
                _ => StatusCode::FORBIDDEN,
            };
            assert_eq!(r.status, expected, "{role:?} GET {uri}");
            if expected == StatusCode::SEE_OTHER {
                let back = uri.replace('?', "%3F").replace('=', "%3D");
                assert_eq!(r.headers[header::LOCATION], format!("/connexion?retour={back}"));
            }
        }
        for uri in PUBLIC {
            let r = get_with(&app, uri, cookie.as_deref()).await;
            let ok = r.status == StatusCode::OK || (*uri == "/connexion" && r.status == StatusCode::SEE_OTHER);
            assert!(ok, "{role:?} GET {uri}: {}", r.status);
        }
    }
}

/// The impact API's writes, by role, read off issue 4 §3 independently of the code:
/// project leads and partners enter values for their own project (here, the lead is a
/// member of it and the partner is not), the operator's programme managers and
/// administrators enter for any project; programme managers and instructors approve;
/// anyone not signed in gets 401.
#[tokio::test]
async fn every_role_against_the_impact_writes() {
    use crate::impact::{call, import_csv, load_catalogue, seeded, token, A, JOBS};
    use territoires_domain::impact::Observation;
    use territoires_store::MemberRole;
    let app = spawn_app().await;
    load_catalogue(&app).await;
    let enters = |r: Role| matches!(r, Role::ProjectLead | Role::ProgrammeManager | Role::OperatorAdmin);
    let approves = |r: Role| matches!(r, Role::ProgrammeManager | Role::Instructor);
    for (n, role) in Role::ALL.into_iter().enumerate() {
        let bearer = if role == Role::Public {
            None
        } else {
            let email = account(&app, role).await;
            if role == Role::ProjectLead {
                let id = app
                    .store
                    .account_by_email(&Email::parse(&email).unwrap())
                    .await
                    .unwrap()
                    .unwrap()
                    .id;
                app.store.add_project_member(A, id, MemberRole::Lead, "test").await.unwrap();
            }
            Some(token(&app, &email).await)
        };
        let t = bearer.as_deref();
        let refused = |allowed: bool| match (role, allowed) {
            (Role::Public, _) => StatusCode::UNAUTHORIZED,
            (_, true) => StatusCode::OK,
            (_, false) => StatusCode::FORBIDDEN,
        };
        let created = |allowed: bool| match refused(allowed) {
            StatusCode::OK => StatusCode::CREATED,
            other => other,
        };
        // Each role gets its own year, so that its entries never meet another's; all past
        // (a period after today is refused).
        let year = 1950 + n as i32;
        let value = serde_json::json!({"period": year.to_string(), "reporter": "R", "value": 10});
        let uri = format!("/api/v1/indicators/{JOBS}/measurements");
        let r = call(&app, "POST", &uri, t, Some(value.clone())).await;
        assert_eq!(r.status, created(enters(role)), "{role:?} POST {uri}: {}", r.body);

        let old = seeded(&app, JOBS, &(year + 10).to_string(), Observation::Value { value: 1.0 }, true).await;
        let uri = format!("/api/v1/measurements/{old}/correction");
        let body = serde_json::json!({"period": (year + 10).to_string(), "reporter": "R", "value": 2});
        let r = call(&app, "POST", &uri, t, Some(body)).await;
        assert_eq!(r.status, created(enters(role)), "{role:?} POST {uri}: {}", r.body);

        let submitted = seeded(&app, JOBS, &(year + 20).to_string(), Observation::Value { value: 1.0 }, false).await;
        let uri = format!("/api/v1/measurements/{submitted}/review");
        let r = call(&app, "POST", &uri, t, Some(serde_json::json!({"step": "approve"}))).await;
        assert_eq!(r.status, refused(approves(role)), "{role:?} POST {uri}: {}", r.body);

        let csv = format!("indicateur;période;valeur;déclarant\n{JOBS};{};5;R\n", year + 30);
        let r = import_csv(&app, "", t, &csv).await;
        // A partner may enter, but not for a project it is not a member of: the file's
        // line is refused like any faulty line (422, nothing written).
        let expected = if role == Role::Partner {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            refused(enters(role))
        };
        assert_eq!(r.status, expected, "{role:?} POST /api/v1/measurements/import: {}", r.body);
    }
}

#[tokio::test]
async fn the_matrix_says_what_the_issue_says() {
    // Read off issue 3, independently of `allows`: only the administrator sees the accounts.
    let app = spawn_app().await;
    let admin = sign_in(&app, &account(&app, Role::OperatorAdmin).await).await;
    let expert = sign_in(&app, &account(&app, Role::Expert).await).await;
    let page = get_with(&app, "/admin/comptes", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("expert@example.fr") && !page.body.contains("argon2"),
        "accounts listed, never their hashes"
    );
    assert_eq!(get_with(&app, "/admin/comptes", Some(&expert)).await.status, StatusCode::FORBIDDEN);
    let home = get_with(&app, "/espace", Some(&expert)).await;
    assert!(
        home.body.contains("Noter les candidatures") && !home.body.contains("Délibérer et décider"),
        "{}",
        home.body
    );
    assert_eq!(home.headers[header::CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_the_sixth_try_throttled() {
    let app = spawn_app().await;
    let email = account(&app, Role::Instructor).await;
    for _ in 0..5 {
        let r = app
            .request(form("/connexion", format!("email={email}&password=wrong+password+here"), None))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("Adresse électronique ou mot de passe incorrect"));
        assert!(r.headers.get(header::SET_COOKIE).is_none());
    }
    // Even the right password is refused while throttled.
    let r = app
        .request(form("/connexion", format!("email={email}&password=correct+horse+battery"), None))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
}

#[tokio::test]
async fn sign_out_needs_the_form_token_and_ends_the_session() {
    let app = spawn_app().await;
    let cookie = sign_in(&app, &account(&app, Role::ProgrammeManager).await).await;
    let bad = app.request(form("/deconnexion", "csrf=forged".into(), Some(&cookie))).await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN);
    assert_eq!(
        get_with(&app, "/espace", Some(&cookie)).await.status,
        StatusCode::OK,
        "still signed in"
    );
    let home = get_with(&app, "/espace", Some(&cookie)).await.body;
    let token = home
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let out = app.request(form("/deconnexion", format!("csrf={token}"), Some(&cookie))).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.headers[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(
        get_with(&app, "/espace", Some(&cookie)).await.status,
        StatusCode::SEE_OTHER,
        "the old cookie is dead"
    );
}

#[tokio::test]
async fn a_sign_in_posted_from_another_site_is_refused() {
    let app = spawn_app().await;
    let email = account(&app, Role::OperatorAdmin).await;
    let mut req = form("/connexion", format!("email={email}&password=correct+horse+battery"), None);
    req.headers_mut().insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    let r = app.request(req).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn the_return_address_stays_on_this_site() {
    let app = spawn_app().await;
    let email = account(&app, Role::Partner).await;
    let r = app
        .request(form(
            "/connexion",
            format!("email={email}&password=correct+horse+battery&retour=%2F%2Fevil.example"),
            None,
        ))
        .await;
    assert_eq!(r.headers[header::LOCATION], "/espace");
}

#[tokio::test]
async fn the_audit_page_shows_the_chain_and_catches_a_row_changed_in_the_database() {
    let app = spawn_app().await;
    let manager = sign_in(&app, &account(&app, Role::ProgrammeManager).await).await;
    // spawn_app imported the press kit (seq 1); creating the account is seq 2.
    let page = get_with(&app, "/admin/journal", Some(&manager)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Chaîne intacte : 2 entrée(s)"), "{}", page.body);
    assert!(page.body.contains("registry.import") && page.body.contains("account.create"));
    territoires_store::testing::execute(&app.store, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1")
        .await
        .unwrap();
    let page = get_with(&app, "/admin/journal", Some(&manager)).await;
    assert!(page.body.contains("Entrée n° 1 modifiée"), "{}", page.body);
    // A row edited into invalid JSON is shown and reported too, not a 500.
    territoires_store::testing::execute(&app.store, "UPDATE audit_log SET after_json = 'not json' WHERE seq = 2")
        .await
        .unwrap();
    let page = get_with(&app, "/admin/journal", Some(&manager)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Entrée n° 2 modifiée"), "{}", page.body);
}

#[tokio::test]
async fn spelling_variants_and_simultaneous_posts_share_one_limit() {
    let app = spawn_app().await;
    let email = account(&app, Role::Partner).await;
    // Five wrong tries under five spellings of the same login (spaces, capitals).
    for variant in [
        format!(" {email}"),
        format!("{email} "),
        email.to_uppercase(),
        format!("\t{email}"),
        email.clone(),
    ] {
        let body = format!(
            "email={}&password=wrong+password+here",
            variant.replace(' ', "+").replace('\t', "%09")
        );
        assert_eq!(app.request(form("/connexion", body, None)).await.status, StatusCode::UNAUTHORIZED);
    }
    let r = app
        .request(form("/connexion", format!("email=+{email}&password=correct+horse+battery"), None))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "the padded login is the same login");

    // Ten wrong tries at once for another login: at most five reach the password check.
    let other = account(&app, Role::Expert).await;
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let router = app.router.clone();
            let req = form("/connexion", format!("email={other}&password=wrong+password+here"), None);
            tokio::spawn(async move { tower::ServiceExt::oneshot(router, req).await.map(|r| r.status()) })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap().unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((checked, refused), (5, 5), "{statuses:?}");
}

#[tokio::test]
async fn a_return_address_with_a_control_character_stays_on_this_site() {
    let app = spawn_app().await;
    let email = account(&app, Role::Partner).await;
    for retour in ["%2F%09%2Fevil.example", "%2F%0D%0ASet-Cookie%3Ax", "%2F%5Cevil.example"] {
        let r = app
            .request(form(
                "/connexion",
                format!("email={email}&password=correct+horse+battery&retour={retour}"),
                None,
            ))
            .await;
        assert_eq!(
            (r.status, r.headers[header::LOCATION].to_str().unwrap()),
            (StatusCode::SEE_OTHER, "/espace"),
            "{retour}"
        );
    }
}

#[tokio::test]
async fn logins_ignore_case_and_pages_cannot_be_framed() {
    let app = spawn_app().await;
    let new = NewAccount {
        email: Email::parse("Anne.Martin@Example.FR").unwrap(),
        display_name: "Anne",
        role: Role::Instructor,
        organisation: None,
        password: Some(PASSWORD),
    };
    app.store.create_account(new, "test").await.unwrap();
    let cookie = sign_in(&app, "anne.martin%40example.fr").await;
    let r = get_with(&app, "/espace", Some(&cookie)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let forbidden = get_with(&app, "/admin/comptes", Some(&cookie)).await;
    assert_eq!(
        (forbidden.status, forbidden.headers[header::CACHE_CONTROL].to_str().unwrap()),
        (StatusCode::FORBIDDEN, "no-store")
    );
}

#[tokio::test]
async fn the_home_page_links_each_role_to_its_work() {
    // By hand from the roles of issue 3: who needs which page on a Monday morning.
    let app = spawn_app().await;
    let expected: &[(Role, &[&str])] = &[
        (
            Role::OperatorAdmin,
            &["/candidatures", "/admin/appels", "/admin/comptes", "/admin/journal"],
        ),
        (
            Role::ProgrammeManager,
            &["/candidatures", "/avis", "/admin/appels", "/admin/journal"],
        ),
        (Role::Instructor, &["/candidatures", "/avis", "/avis/mes-demandes"]),
        (
            Role::Expert,
            &[
                "/candidatures",
                "/expert/candidatures",
                "/expert/declarations",
                "/avis/mes-demandes",
            ],
        ),
        (Role::ProjectLead, &["/candidatures/nouvelle", "/candidatures"]),
        (Role::Partner, &[]),
    ];
    let all = [
        "/candidatures/nouvelle",
        "/candidatures",
        "/expert/candidatures",
        "/expert/declarations",
        "/avis",
        "/avis/mes-demandes",
        "/admin/appels",
        "/admin/comptes",
        "/admin/journal",
    ];
    for (role, links) in expected {
        let cookie = sign_in(&app, &account(&app, *role).await).await;
        let home = get_with(&app, "/espace", Some(&cookie)).await;
        assert_eq!(home.status, StatusCode::OK);
        for href in all {
            assert_eq!(
                home.body.contains(&format!("href=\"{href}\"")),
                links.contains(&href),
                "{role:?} /espace link {href}"
            );
            // Every link shown opens for this role.
            if links.contains(&href) {
                assert_eq!(get_with(&app, href, Some(&cookie)).await.status, StatusCode::OK, "{role:?} {href}");
            }
        }
    }
}
