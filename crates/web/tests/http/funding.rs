//! The funding dashboard, the project tab, the ledger and their CSV exports and API
//! (issue 5, §1 and §6). Figures from the press kit: subsidy ceilings add to 151,15 M€
//! against a 150 M€ envelope, investment potentials to 528,4 M€ against 300 M€; Biovallée's
//! fiche gives 5,7 M€ of subsidy and 12,8 M€ of investment potential.

use super::{assert_contains, spawn_app, TestApp};
use axum::http::StatusCode;
use territoires_domain::funding::ledger::{Account, Caps, Movement};
use territoires_domain::programme::EnvelopeKind::Subsidy;
use territoires_domain::Money;
use time::macros::date;

/// Narrow no-break space (thousands) and no-break space (before €), as pages write them.
/// Only a space between two digits, or between a digit and `€`, is replaced.
fn euros(s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    (0..c.len())
        .map(|i| match (i.checked_sub(1).map(|j| c[j]), c[i], c.get(i + 1)) {
            (Some(a), ' ', Some(b)) if a.is_ascii_digit() && b.is_ascii_digit() => '\u{202f}',
            (Some(a), ' ', Some('€')) if a.is_ascii_digit() => '\u{a0}',
            (_, ch, _) => ch,
        })
        .collect()
}

/// Agreement 4 of Biovallée: 1 000 000 € committed on 2021-06-01, 250 000 € paid on
/// 2022-03-01.
async fn book(app: &TestApp) {
    let registry = app.store.load_registry().await.unwrap().unwrap();
    let caps = Caps::from_registry(&registry);
    let project = Account::Project {
        slug: "biovallee".into(),
        kind: Subsidy,
    };
    let s = &app.store;
    s.append_ledger_entry(
        Movement::Commit,
        &Account::Agreement(4),
        &project,
        Money(100_000_000),
        date!(2021 - 06 - 01),
        "cp@anct.gouv.fr",
        "convention signée",
        &caps,
    )
    .await
    .unwrap();
    let payee = Account::Payee("SIREN-123456789".into());
    s.append_ledger_entry(
        Movement::Disburse,
        &payee,
        &Account::Agreement(4),
        Money(25_000_000),
        date!(2022 - 03 - 01),
        "cp@anct.gouv.fr",
        "=avance",
        &caps,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn the_dashboard_says_plainly_that_the_fiches_plan_beyond_both_envelopes() {
    let app = spawn_app().await;
    let page = app.page("/financement").await;
    assert_contains(&page, r#"href="/financement" aria-current="page">Financement</a>"#);
    // 151 150 000 − 150 000 000 = 1 150 000 €; 151,15 / 150 = 100,77 % → 100,8 %.
    assert_contains(&page, "Subventions : les fiches prévoient plus que l'enveloppe");
    assert_contains(
        &page,
        &euros("s'élèvent à 151 150 000 €, pour une enveloppe de 150 000 000 € : 1 150 000 € de plus"),
    );
    assert_contains(&page, "(100,8 % de l'enveloppe)");
    // 528 400 000 − 300 000 000 = 228 400 000 €; 528,4 / 300 = 176,13 % → 176,1 %.
    assert_contains(
        &page,
        &euros("s'élèvent à 528 400 000 €, pour une enveloppe de 300 000 000 € : 228 400 000 € de plus"),
    );
    assert_contains(&page, "(176,1 % de l'enveloppe)");
    // An empty ledger: nothing committed, the whole cap remains; eleven years per table.
    assert_contains(&page, "<th scope=\"row\">2029</th>");
    assert_eq!(page.matches("<th scope=\"row\">2019</th>").count(), 2);
    assert_contains(&page, "<svg viewBox=");
}

#[tokio::test]
async fn commitments_and_payments_show_per_envelope_project_and_year() {
    let app = spawn_app().await;
    book(&app).await;
    let page = app.page("/financement").await;
    // Envelope: cap 150 M€, committed 1 M€, paid 250 000 €, remaining 149 M€.
    assert_contains(
        &page,
        &euros("<td class=\"tdi-num\">1 000 000 €</td><td class=\"tdi-num\">250 000 €</td><td class=\"tdi-num\">149 000 000 €</td>"),
    );
    // Biovallée: ceiling 5,7 M€, remaining 4,7 M€.
    assert_contains(
        &page,
        &euros("<td class=\"tdi-num\">5 700 000 €</td><td class=\"tdi-num\">1 000 000 €</td><td class=\"tdi-num\">250 000 €</td><td class=\"tdi-num\">4 700 000 €</td>"),
    );
    // Burn-down: nothing in 2020, committed from 2021, paid from 2022.
    assert_contains(&page, &euros("<th scope=\"row\">2020</th><td class=\"tdi-num\">0 €</td><td class=\"tdi-num\">0 €</td><td class=\"tdi-num\">150 000 000 €</td>"));
    assert_contains(
        &page,
        &euros("<th scope=\"row\">2021</th><td class=\"tdi-num\">1 000 000 €</td><td class=\"tdi-num\">0 €</td>"),
    );
    assert_contains(
        &page,
        &euros("<th scope=\"row\">2022</th><td class=\"tdi-num\">1 000 000 €</td><td class=\"tdi-num\">250 000 €</td>"),
    );

    let api = app.get("/api/v1/funding").await;
    assert_eq!(api.status, StatusCode::OK);
    let v = api.json();
    let sub = &v["envelopes"][0];
    assert_eq!(
        (
            &sub["kind"],
            &sub["cap"],
            &sub["planned"],
            &sub["planned_overrun"],
            &sub["committed"],
            &sub["disbursed"],
            &sub["remaining"]
        ),
        (
            &"subsidy".into(),
            &15_000_000_000i64.into(),
            &15_115_000_000i64.into(),
            &115_000_000i64.into(),
            &100_000_000i64.into(),
            &25_000_000i64.into(),
            &14_900_000_000i64.into()
        )
    );
    let bio = v["projects"].as_array().unwrap().iter().find(|p| p["slug"] == "biovallee").unwrap();
    assert_eq!(bio["subsidy"]["remaining"], 470_000_000i64);
    assert_eq!(bio["equity"]["ceiling"], 1_280_000_000i64);

    let burn = app.get("/api/v1/funding/burn-down").await.json();
    let years = burn[0]["years"].as_array().unwrap();
    assert_eq!(years.len(), 11);
    assert_eq!((&years[2]["year"], &years[2]["committed"]), (&2021.into(), &100_000_000i64.into()));
    assert_eq!(years[3]["disbursed"], 25_000_000i64);
}

#[tokio::test]
async fn the_project_tab_lists_its_agreements() {
    let app = spawn_app().await;
    book(&app).await;
    let page = app.page("/projets/biovallee/financement").await;
    assert_contains(
        &page,
        r#"<a class="fr-tag" href="/projets/biovallee/financement" aria-current="page">Financement</a>"#,
    );
    assert_contains(&page, r#"<a href="/conventions/4">Convention n° 4</a>"#);
    // 1 000 000 committed − 250 000 paid = 750 000 € still to pay.
    assert_contains(&page, &euros("<td class=\"tdi-num\">750 000 €</td>"));
    assert_contains(
        &app.page("/projets/biovallee").await,
        r#"href="/projets/biovallee/financement">Financement</a>"#,
    );
    assert_eq!(app.get("/projets/nulle-part/financement").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_ledger_is_newest_first_filterable_and_hides_who_from_the_public() {
    let app = spawn_app().await;
    book(&app).await;
    let page = app.page("/financement/journal").await;
    let (second, first) = (page.find("<td>2</td>").unwrap(), page.find("<td>1</td>").unwrap());
    assert!(second < first, "newest first");
    assert!(!page.contains("cp@anct.gouv.fr"), "who is for staff only");
    let filtered = app.page("/financement/journal?compte=payee:SIREN-123456789").await;
    assert_contains(&filtered, "1 écriture sur le compte");
    let bad = app.get("/financement/journal?compte=banque:1").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_contains(&bad.body, "banque:1");
    assert_eq!(app.get("/financement/journal?page=0").await.status, StatusCode::BAD_REQUEST);

    let api = app.get("/api/v1/ledger?account=agreement:4").await.json();
    assert_eq!((&api["total"], &api["page"]), (&2.into(), &1.into()));
    assert_eq!(api["entries"][0]["movement"], "disburse");
    assert_eq!(api["entries"][0]["amount"], 25_000_000i64);
    assert!(api["entries"][0]["who"].is_null());
    let bad = app.get("/api/v1/ledger?account=x").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["error"]["parameter"], "account");
}

#[tokio::test]
async fn the_csv_exports_open_in_a_french_spreadsheet() {
    let app = spawn_app().await;
    book(&app).await;
    let r = app.get("/financement/export/journal.csv").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.content_type, "text/csv; charset=utf-8");
    // BOM, `;`, CRLF, decimal comma without grouping, ISO dates; the formula-like reason
    // is neutralised with a leading apostrophe; no `qui` column for the public.
    assert_eq!(
        r.body,
        "\u{feff}n°;date de valeur;mouvement;compte débité;compte crédité;montant (€);motif\r\n\
         2;2022-03-01;versement;payee:SIREN-123456789;agreement:4;250000,00;'=avance\r\n\
         1;2021-06-01;engagement;agreement:4;project:biovallee:subsidy;1000000,00;convention signée\r\n"
    );
    let r = app.get("/financement/export/projets.csv").await;
    let lines: Vec<&str> = r.body.split("\r\n").collect();
    assert!(
        lines[0].starts_with("\u{feff}slug;projet;plafond de subvention (€);"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 1 + 24 + 1, "header, 24 projects, final CRLF");
    let bio = lines.iter().find(|l| l.starts_with("biovallee;")).unwrap();
    assert!(
        bio.ends_with(";5700000,00;1000000,00;250000,00;4700000,00;12800000,00;0,00;0,00;12800000,00"),
        "{bio}"
    );
    let api = app.get("/api/v1/ledger.csv").await;
    assert_eq!(api.body.lines().count(), 3);
    let api = app.get("/api/v1/funding/projects.csv").await;
    assert_eq!(
        (api.content_type.as_str(), api.body.as_str()),
        ("text/csv; charset=utf-8", r.body.as_str())
    );
}

#[tokio::test]
async fn the_operators_staff_see_who_recorded_each_entry() {
    use super::impact::{account, call, token};
    use territoires_domain::access::Role;
    let app = spawn_app().await;
    book(&app).await;
    account(&app, "cp@example.fr", Role::ProgrammeManager, None).await;
    account(&app, "lead@example.fr", Role::ProjectLead, None).await;
    let staff = token(&app, "cp@example.fr").await;
    let r = call(&app, "GET", "/api/v1/ledger", Some(&staff), None).await;
    assert_eq!(r.json()["entries"][1]["who"], "cp@anct.gouv.fr");
    let csv = call(&app, "GET", "/api/v1/ledger.csv", Some(&staff), None).await;
    assert!(csv.body.contains(";montant (€);qui;motif\r\n"), "{}", csv.body);
    let lead = token(&app, "lead@example.fr").await;
    let r = call(&app, "GET", "/api/v1/ledger", Some(&lead), None).await;
    assert!(r.json()["entries"][1]["who"].is_null());
}
