//! The portal's pages.

use crate::{assert_contains, spawn_app};
use axum::http::StatusCode;

/// Narrow no-break space (thousands) and no-break space (before units), as rendered.
const NNBSP: &str = "\u{202f}";
const NBSP: &str = "\u{a0}";

#[tokio::test]
async fn every_page_is_french_html_with_one_h1_and_skip_links() {
    let app = spawn_app().await;
    for uri in ["/", "/projets", "/projets/biovallee", "/coherence", "/a-propos"] {
        let body = app.page(uri).await;
        assert_contains(&body, "<html lang=\"fr\">");
        assert_contains(&body, "class=\"fr-skiplinks\"");
        assert_contains(&body, "Territoires — Territoires d'Innovation");
        assert_contains(&body, "Licence Ouverte / Etalab 2.0");
        assert_eq!(body.matches("<h1").count(), 1, "{uri} has one h1");
    }
}

#[tokio::test]
async fn dashboard_shows_the_press_kit_figures() {
    let app = spawn_app().await;
    let body = app.page("/").await;
    // 24 laureates; 23 of the 24 fiches give a budget (Le Havre's does not).
    assert_contains(&body, "<p class=\"tdi-figure\">24</p>");
    assert_contains(&body, "23 fiches sur 24 indiquent un budget");
    // The calls: AMI 2017, 117 candidates, 24 retained; AAP opened 23 November 2018, 48 / 24.
    assert_contains(&body, "117 candidats, 24 retenus");
    assert_contains(&body, "23 novembre 2018");
    assert_contains(&body, "48 candidats, 24 lauréats");
    // Subsidy ceilings of the fiches: 151,15 M€ against a 150 M€ envelope → warning.
    assert_contains(&body, &format!("151,15{NBSP}M€"));
    assert_contains(&body, &format!("150{NBSP}M€"));
    assert_contains(&body, &format!("100,8{NBSP}%"));
    assert_contains(&body, "dépassent l'enveloppe");
    // Charts, each followed by its table.
    assert_eq!(body.matches("role=\"img\"").count(), 3);
    assert_eq!(body.matches("<caption>").count(), 3);
    assert_contains(&body, "Santé");
}

#[tokio::test]
async fn biovallee_fiche_shows_every_figure() {
    let app = spawn_app().await;
    let body = app.page("/projets/biovallee").await;
    assert_contains(&body, "Association Biovallée");
    assert_contains(&body, "29 partenaires, dont 3 collectivités");
    assert_contains(&body, &format!("56{NNBSP}000 personnes"));
    assert_contains(&body, &format!("5,7{NBSP}M€"));
    assert_contains(&body, &format!("12,8{NBSP}M€"));
    assert_contains(&body, &format!("53{NBSP}M€"));
    assert_contains(&body, "Auvergne-Rhône-Alpes (code INSEE 84)");
    assert_contains(&body, "Territoires ruraux");
    assert_contains(&body, "Réduire de moitié la consommation d&#39;énergie de la vallée");
    assert_contains(&body, "ligne 251");
}

#[tokio::test]
async fn le_havre_fiche_says_the_budget_is_not_indicated() {
    let app = spawn_app().await;
    let body = app.page("/projets/le-havre-smart-port-city").await;
    assert_contains(&body, "Non indiqué dans la fiche");
    assert!(!body.contains(&format!(">0{NBSP}M€<")), "a missing budget is not zero");
}

#[tokio::test]
async fn region_filter_lists_the_four_projects_acting_in_bretagne() {
    let app = spawn_app().await;
    let body = app.page("/projets?region=53").await;
    // Three fiches under BRETAGNE in the Sommaire, plus Ouest Territoires d'Élevage.
    assert_contains(&body, "4 projets sur 24");
    let lower = body.to_lowercase();
    for name in [
        "terres de sources",
        "handicap innovation territoire",
        "morbihan",
        "ouest territoires d",
    ] {
        assert_contains(&lower, name);
    }
    assert_contains(&body, "<option value=\"53\" selected>Bretagne</option>");
}

#[tokio::test]
async fn theme_filter_and_sorting() {
    let app = spawn_app().await;
    let body = app.page("/projets?thematique=health").await;
    assert_contains(&body, "3 projets sur 24");
    let lower = body.to_lowercase();
    for name in ["handicap innovation territoire", "meuse", "strasbourg"] {
        assert_contains(&lower, name);
    }
    // Biggest population first: the whole list sorted descending starts with the largest.
    let body = app.page("/projets?tri=population&ordre=desc").await;
    assert_contains(&body, "24 projets sur 24");
}

#[tokio::test]
async fn unknown_filter_values_are_a_400_page_naming_the_parameter() {
    let app = spawn_app().await;
    for (uri, param) in [
        ("/projets?thematique=cuisine", "thematique"),
        ("/projets?region=XX", "region"),
        ("/projets?tri=age", "tri"),
        ("/projets?ordre=haut", "ordre"),
        ("/projets?territoire=banlieue", "territoire"),
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(r.content_type, "text/html; charset=utf-8");
        assert_contains(&r.body, &format!("<code>{param}</code>"));
    }
}

#[tokio::test]
async fn unknown_slug_is_a_french_404_page() {
    let app = spawn_app().await;
    let r = app.get("/projets/atlantide").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.content_type, "text/html; charset=utf-8");
    assert_contains(&r.body, "Page non trouvée");
    assert_contains(&r.body, "atlantide");
    let r = app.get("/nulle-part").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_contains(&r.body, "Page non trouvée");
}

#[tokio::test]
async fn checks_page_shows_the_exceeded_subsidy_envelope() {
    let app = spawn_app().await;
    let body = app.page("/coherence").await;
    assert_contains(&body, "id=\"ceiling-subsidy\"");
    assert_contains(&body, &format!("+1,15{NBSP}M€"));
    assert_contains(&body, "fr-badge--error\">Plafond dépassé");
    assert_contains(&body, "fr-badge--warning\">Donnée manquante");
}

#[tokio::test]
async fn dsfr_assets_are_embedded_and_cached_for_a_year() {
    let app = spawn_app().await;
    for (path, ct) in [
        ("dsfr.min.css", "text/css; charset=utf-8"),
        ("fonts/Marianne-Regular.woff2", "font/woff2"),
        ("dsfr.module.min.js", "text/javascript; charset=utf-8"),
        ("icons/system/fr--success-fill.svg", "image/svg+xml"),
    ] {
        let r = app.get(&format!("/static/dsfr-1.15.3/{path}")).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.content_type, ct, "{path}");
        assert_eq!(r.headers["cache-control"], "public, max-age=31536000, immutable");
    }
    assert_eq!(app.get("/static/dsfr-1.15.3/nope.css").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn pages_are_gzipped_only_on_request() {
    let app = spawn_app().await;
    let plain = app.get("/projets/biovallee").await;
    assert!(plain.headers.get("content-encoding").is_none());
    let req = axum::http::Request::get("/projets/biovallee")
        .header("accept-encoding", "gzip")
        .body(axum::body::Body::empty())
        .unwrap();
    let gz = app.request(req).await;
    assert_eq!(gz.headers["content-encoding"], "gzip");
}
