//! The calls: `/appels`, `/appels/{slug}`, `/api/v1/calls`, `/api/v1/calls/{slug}`.
//! Expected values from the press kit: l. 111 (« … 24 projets retenus sur 117 candidats,
//! l'appel à projets … lancé le 23 novembre 2018 »), the headline figures (48
//! candidatures, 24 lauréats), l. 119–124 (the six target themes), and its 24 fiches.

use crate::{assert_contains, spawn_app};
use axum::http::StatusCode;

#[tokio::test]
async fn calls_page_lists_both_calls_with_their_figures() {
    let app = spawn_app().await;
    let body = app.page("/appels").await;
    assert_contains(&body, "<a class=\"fr-nav__link\" href=\"/appels\" aria-current=\"page\">Appels</a>");
    assert_contains(
        &body,
        "<a href=\"/appels/ami-2017\">Appel à manifestation d&#39;intérêt Territoires d&#39;Innovation 2017</a>",
    );
    assert_contains(
        &body,
        "<a href=\"/appels/aap-2018\">Appel à projets Territoires d&#39;Innovation 2018</a>",
    );
    assert_contains(&body, "<td>117 candidats, 24 retenus</td>");
    assert_contains(&body, "<td>48 candidatures, 24 lauréats, 24 non retenues</td>");
    assert_contains(&body, "<td>23 novembre 2018</td>");
    assert_eq!(body.matches("<td><code>Europe/Paris</code></td>").count(), 2);
    // No closing date in the press kit, and the AMI's opening date is not given either.
    assert_eq!(body.matches("<td>Non indiquée dans le dossier de presse</td>").count(), 3);
    // Every page links the calls from the main navigation.
    assert_contains(&app.page("/").await, "<a class=\"fr-nav__link\" href=\"/appels\">Appels</a>");
}

#[tokio::test]
async fn the_2018_call_lists_its_24_laureates_and_never_invents_the_others() {
    let app = spawn_app().await;
    let body = app.page("/appels/aap-2018").await;
    assert_contains(&body, "<h1>Appel à projets Territoires d&#39;Innovation 2018</h1>");
    assert_contains(&body, "48 candidatures, 24 lauréats, 24 non retenues");
    let laureates = body.matches("<li><a href=\"/projets/").count();
    assert_eq!(laureates, 24, "the 24 fiches of the press kit");
    assert_contains(&body, "<li><a href=\"/projets/biovallee\">Biovallée</a></li>");
    assert_contains(&body, "<li><a href=\"/projets/littoral-plus\">Littoral+</a></li>");
    assert_contains(
        &body,
        "Les 24 candidatures non retenues ne sont pas connues : Territoires en affiche le nombre, jamais de candidats inventés.",
    );
    // The six target themes (l. 119–124).
    for theme in [
        "Numérique",
        "Transition écologique et énergétique",
        "Mobilité",
        "Agroécologie",
        "Santé",
        "Compétences",
    ] {
        assert_contains(&body, &format!("\">{theme}</a></li>"));
    }
    assert_contains(&body, "Le dossier de presse n'indique pas les critères d'éligibilité de cet appel.");
}

#[tokio::test]
async fn the_2017_call_says_its_projects_are_not_named() {
    let app = spawn_app().await;
    let body = app.page("/appels/ami-2017").await;
    assert_contains(&body, "117 candidats, 24 retenus");
    assert_contains(
        &body,
        "Les 24 projets retenus par cet appel ne sont pas nommés dans le dossier de presse",
    );
    assert_contains(&body, "Les 93 candidatures non retenues ne sont pas connues");
    assert_eq!(body.matches("<li><a href=\"/projets/").count(), 0, "no project invented");
}

#[tokio::test]
async fn each_fiche_links_its_call() {
    let app = spawn_app().await;
    let body = app.page("/projets/biovallee").await;
    assert_contains(
        &body,
        "<tr><th scope=\"row\">Appel</th><td><a href=\"/appels/aap-2018\">Appel à projets Territoires d&#39;Innovation 2018</a></td></tr>",
    );
}

#[tokio::test]
async fn api_lists_the_calls_with_their_figures_and_laureates() {
    let app = spawn_app().await;
    let r = app.get("/api/v1/calls").await;
    assert_eq!((r.status, r.content_type.as_str()), (StatusCode::OK, "application/json"));
    let v = r.json();
    let calls = v["calls"].as_array().expect("calls");
    assert_eq!(calls.len(), 2);
    let (ami, aap) = (&calls[0], &calls[1]);
    assert_eq!(
        (
            &ami["slug"],
            &ami["kind"],
            &ami["year"],
            &ami["applications"],
            &ami["selected"],
            &ami["not_selected"]
        ),
        (
            &"ami-2017".into(),
            &"expression-of-interest".into(),
            &2017.into(),
            &117.into(),
            &24.into(),
            &93.into()
        )
    );
    assert_eq!(ami["projects"].as_array().map(Vec::len), Some(0));
    assert_eq!(ami["opened_on"], serde_json::Value::Null);
    assert_eq!(
        (
            &aap["slug"],
            &aap["kind"],
            &aap["opened_on"],
            &aap["applications"],
            &aap["selected"],
            &aap["not_selected"]
        ),
        (
            &"aap-2018".into(),
            &"call-for-projects".into(),
            &"2018-11-23".into(),
            &48.into(),
            &24.into(),
            &24.into()
        )
    );
    assert_eq!(aap["title"], "Appel à projets Territoires d'Innovation 2018");
    assert_eq!(aap["projects"].as_array().map(Vec::len), Some(24));
    assert_eq!(
        aap["themes"],
        serde_json::json!([
            "digital",
            "ecological-energy-transition",
            "mobility",
            "agroecology",
            "health",
            "skills"
        ])
    );
    for call in calls {
        assert_eq!(call["time_zone"], "Europe/Paris");
        assert_eq!(call["closes_at"], serde_json::Value::Null, "unknown, not invented");
        assert_eq!(call["eligibility"], serde_json::json!([]));
    }
    let one = app.get("/api/v1/calls/aap-2018").await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.json(), *aap);
    // The fiche in the API names its call too.
    assert_eq!(app.get("/api/v1/projects/biovallee").await.json()["call"], "aap-2018");
}

#[tokio::test]
async fn the_laureates_linked_to_the_2018_call_are_checked_against_its_24() {
    let app = spawn_app().await;
    let v = app.get("/api/v1/checks").await.json();
    let check = |code: &str| {
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == code)
            .cloned()
            .unwrap_or_else(|| panic!("no check {code}"))
    };
    let aap = check("call-selected:aap-2018");
    assert_eq!(
        (&aap["reference"], &aap["computed"], &aap["verdict"]),
        (&24.into(), &24.into(), &"consistent".into())
    );
    let ami = check("call-selected:ami-2017");
    assert_eq!(
        (&ami["reference"], &ami["computed"], &ami["verdict"]),
        (&24.into(), &serde_json::Value::Null, &"not-verifiable".into())
    );
}

#[tokio::test]
async fn an_unknown_call_is_a_404_in_html_and_in_json() {
    let app = spawn_app().await;
    let page = app.get("/appels/aap-2019").await;
    assert_eq!(
        (page.status, page.content_type.as_str()),
        (StatusCode::NOT_FOUND, "text/html; charset=utf-8")
    );
    assert_contains(&page.body, "Aucun appel n&#39;a l&#39;identifiant « aap-2019 ».");
    let json = app.get("/api/v1/calls/aap-2019").await;
    assert_eq!(
        (json.status, json.content_type.as_str()),
        (StatusCode::NOT_FOUND, "application/json")
    );
    assert_eq!(json.json()["error"]["code"], "not_found");
    assert_eq!(json.json()["error"]["message"], "Aucun appel n'a l'identifiant « aap-2019 ».");
}
