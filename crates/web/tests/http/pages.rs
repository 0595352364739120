//! The portal's pages.

use crate::{assert_contains, spawn_app};
use axum::http::StatusCode;

/// Narrow no-break space (thousands) and no-break space (before units), as rendered.
const NNBSP: &str = "\u{202f}";
const NBSP: &str = "\u{a0}";

#[tokio::test]
async fn every_page_is_french_html_with_one_h1_and_skip_links() {
    let app = spawn_app().await;
    for uri in [
        "/",
        "/projets",
        "/projets/biovallee",
        "/appels",
        "/appels/ami-2017",
        "/appels/aap-2018",
        "/coherence",
        "/a-propos",
        "/accessibilite",
        "/mentions-legales",
        "/donnees-personnelles",
    ] {
        let body = app.page(uri).await;
        assert_contains(&body, "<html lang=\"fr\">");
        assert_contains(&body, "class=\"fr-skiplinks\"");
        assert_contains(&body, "Territoires — Territoires d'Innovation");
        assert_contains(&body, "Licence Ouverte / Etalab 2.0");
        assert_eq!(body.matches("<h1").count(), 1, "{uri} has one h1");
        // The footer links every French public site must carry.
        for (href, text) in [
            ("/accessibilite", "Accessibilité : non conforme"),
            ("/mentions-legales", "Mentions légales"),
            ("/donnees-personnelles", "Données personnelles"),
        ] {
            let link = body
                .match_indices(&format!("<a class=\"fr-footer__bottom-link\" href=\"{href}\""))
                .map(|(i, _)| &body[i..i + body[i..].find("</a>").unwrap()])
                .next()
                .unwrap_or_else(|| panic!("{uri}: no footer link to {href}"));
            assert!(link.ends_with(&format!(">{text}")), "{uri}: {link}");
        }
    }
    // The 404 and 400 pages carry them too.
    assert_contains(&app.get("/nulle-part").await.body, "Accessibilité : non conforme");
}

#[tokio::test]
async fn accessibility_statement_says_non_conforme_without_an_audit() {
    let app = spawn_app().await;
    let body = app.page("/accessibilite").await;
    assert_contains(&body, "<title>Déclaration d&#39;accessibilité — Territoires d'Innovation</title>");
    assert_contains(&body, "<strong>non conforme</strong>");
    assert_contains(&body, "aucun audit de conformité n'a encore été réalisé");
    for done in ["structure", "formulaires", "tableaux", "graphiques", "sans JavaScript"] {
        assert_contains(&body, &format!("<li>{done} : "));
    }
    // The contact is the operator's to give, and the page says so.
    assert_contains(&body, "<h2 id=\"contact\">Retour d'information et contact</h2>");
    assert_contains(&body, "À compléter par l'opérateur qui déploie ce portail");
    assert_contains(&body, "Défenseur des droits");
    assert_contains(&body, "href=\"/accessibilite\" aria-current=\"page\"");
}

#[tokio::test]
async fn legal_notice_names_the_licences_and_what_the_operator_must_fill_in() {
    let app = spawn_app().await;
    let body = app.page("/mentions-legales").await;
    for section in ["Éditeur", "Hébergement", "Code source", "Données"] {
        assert_contains(&body, &format!("\">{section}</h2>"));
    }
    assert_eq!(
        body.matches("À compléter par l'opérateur").count(),
        3,
        "editor, host, source address"
    );
    assert_contains(&body, "(AGPL-3.0-or-later)");
    assert_contains(&body, "Banque des Territoires");
    // The press kit of 13 September 2019, under Licence Ouverte / Etalab 2.0.
    assert_contains(&body, "du 13 septembre 2019, publié sous Licence Ouverte / Etalab 2.0");
}

#[tokio::test]
async fn personal_data_page_says_no_cookie_no_account_and_no_ip_in_the_logs() {
    let app = spawn_app().await;
    let body = app.page("/donnees-personnelles").await;
    assert_contains(&body, "<strong>aucun cookie</strong>");
    assert_contains(&body, "<strong>pas de compte</strong>");
    assert_contains(&body, "<strong>aucun formulaire</strong> qui envoie des données personnelles");
    assert_contains(&body, "la méthode HTTP");
    assert_contains(&body, "<strong>ni votre adresse IP</strong>");
    // And indeed no response sets one.
    for uri in ["/", "/projets", "/donnees-personnelles", "/api/v1/projects"] {
        assert!(app.get(uri).await.headers.get("set-cookie").is_none(), "{uri}");
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
async fn charts_are_html_bars_whose_labels_are_text_at_the_page_size() {
    let app = spawn_app().await;
    let body = app.page("/").await;
    // No SVG scaled down with its viewBox (its 14px labels shrank to ~6px at 375px): labels
    // are HTML text that wraps, above their bar on a narrow screen.
    assert!(!body.contains("viewBox"), "no scaled SVG chart");
    assert_contains(&body, "@media (max-width: 35.98em)");
    assert_contains(&body, "<span class=\"tdi-bars__label\">Santé</span>");
    // Three health projects (Handicap Innovation Territoire, Meuse, Strasbourg) out of the
    // largest theme's count: the bar is a percentage, the number is written after it.
    assert_contains(&body, "<span class=\"tdi-bars__value\">3</span>");
    assert_contains(&body, "style=\"width: 100.0%\"");
    // The text alternative still gives every value.
    assert_contains(&body, "Santé : 3 projets");
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
async fn a_filtered_list_says_so_in_its_title_caption_and_sorted_column() {
    let app = spawn_app().await;
    // Handicap Innovation Territoire is the one health project in Bretagne (press kit).
    let body = app.page("/projets?region=53&thematique=health").await;
    assert_contains(
        &body,
        "<title>Projets en Bretagne, thématique Santé — 1 projet sur 24 — Territoires d'Innovation</title>",
    );
    assert_contains(
        &body,
        "<caption>Projets en Bretagne, thématique Santé, triés par nom (ordre croissant) — 1 projet sur 24</caption>",
    );
    assert_contains(&body, "<th scope=\"col\" aria-sort=\"ascending\">Projet</th>");
    let body = app.page("/projets?region=32&tri=population&ordre=desc").await;
    assert_contains(
        &body,
        "<title>Projets dans les Hauts-de-France, triés par personnes concernées (ordre décroissant) — ",
    );
    assert_contains(
        &body,
        "<th scope=\"col\" class=\"tdi-num\" aria-sort=\"descending\">Personnes concernées</th>",
    );
    assert_eq!(body.matches("aria-sort=").count(), 1);
    // Unfiltered.
    let body = app.page("/projets").await;
    assert_contains(&body, "<title>Projets — 24 projets sur 24 — Territoires d'Innovation</title>");
}

#[tokio::test]
async fn a_parameter_given_twice_is_a_french_400_naming_it() {
    let app = spawn_app().await;
    let r = app.get("/projets?region=53&region=28").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.content_type, "text/html; charset=utf-8");
    assert_contains(&r.body, "Le paramètre « region » est donné plusieurs fois dans l&#39;adresse");
    assert_contains(&r.body, "<code>region</code>");
    assert!(!r.body.contains("duplicate"), "no serde message");
}

#[tokio::test]
async fn other_methods_are_a_french_405_page_keeping_allow() {
    let app = spawn_app().await;
    let req = axum::http::Request::post("/projets").body(axum::body::Body::empty()).unwrap();
    let r = app.request(req).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.content_type, "text/html; charset=utf-8");
    assert_eq!(r.headers["allow"], "GET,HEAD");
    assert_contains(&r.body, "<h1>Méthode non autorisée</h1>");
    assert_contains(
        &r.body,
        "La méthode POST n&#39;est pas acceptée à cette adresse. Méthodes acceptées : GET, HEAD.",
    );
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
async fn a_huge_slug_is_echoed_cut_to_80_characters() {
    let app = spawn_app().await;
    let r = app.get(&format!("/projets/{}", "a".repeat(10_000))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_contains(&r.body, &format!("« {}… »", "a".repeat(80)));
    assert!(!r.body.contains(&"a".repeat(81)), "the slug is echoed whole");
    assert!(r.body.len() < 20_000, "{} bytes", r.body.len());
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
