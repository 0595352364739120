//! What is rendered once when the router is built: every page and JSON document that does
//! not depend on the query string. The registry is immutable, so these never go stale; a
//! new import means a new [`crate::AppState`] and a new router.
//!
//! A page whose rendering fails is left out (and logged): its handler then renders per
//! request and answers the error.

use crate::api::{
    self,
    calls::{CallDetail, CallsResponse},
    checks::ChecksResponse,
    programme::ProgrammeResponse,
};
use crate::pages;
use crate::AppState;
use axum::body::Bytes;
use std::collections::HashMap;
use territoires_domain::query::{Page, ProjectQuery};

/// The pre-rendered responses.
pub struct Cache {
    /// `/`.
    pub dashboard: Option<Bytes>,
    /// `/projets` without parameters.
    pub projects: Option<Bytes>,
    /// `/projets/{slug}` by slug.
    pub fiches: HashMap<String, Bytes>,
    /// `/appels`.
    pub calls: Option<Bytes>,
    /// `/appels/{slug}` by slug.
    pub call_pages: HashMap<String, Bytes>,
    /// `/coherence`.
    pub checks: Option<Bytes>,
    /// `/a-propos`.
    pub about: Option<Bytes>,
    /// `/accessibilite`.
    pub accessibility: Option<Bytes>,
    /// `/mentions-legales`.
    pub legal_notice: Option<Bytes>,
    /// `/donnees-personnelles`.
    pub personal_data: Option<Bytes>,
    /// `/api/v1/programme`.
    pub api_programme: Bytes,
    /// `/api/v1/projects` with the default query and page.
    pub api_projects: Option<Bytes>,
    /// `/api/v1/projects/{slug}` by slug.
    pub api_project: HashMap<String, Bytes>,
    /// `/api/v1/calls`.
    pub api_calls: Bytes,
    /// `/api/v1/calls/{slug}` by slug.
    pub api_call: HashMap<String, Bytes>,
    /// `/api/v1/checks`.
    pub api_checks: Bytes,
    /// `/api/v1/openapi.json`.
    pub openapi: Bytes,
}

fn keep<T: Into<Bytes>, E: std::fmt::Display>(what: &str, r: Result<T, E>) -> Option<Bytes> {
    r.map(Into::into)
        .map_err(|e| tracing::error!(page = what, error = %e, "pre-rendering failed"))
        .ok()
}

fn json<T: serde::Serialize>(value: &T) -> Bytes {
    // These types serialise infallibly (no maps with non-string keys, no custom errors).
    api::to_bytes(value).unwrap_or_else(|_| Bytes::from_static(b"{\"error\":{\"code\":\"internal\",\"message\":\"serialisation failed\"}}"))
}

impl Cache {
    /// Renders everything for `app`.
    pub fn build(app: &AppState) -> Cache {
        let r = &app.registry;
        let fiches = r
            .projects
            .iter()
            .filter_map(|p| keep(&p.slug, pages::project::render(app, p)).map(|b| (p.slug.clone(), b)))
            .collect();
        let api_project = r.projects.iter().map(|p| (p.slug.clone(), json(p))).collect();
        let call_pages = r
            .programme
            .calls
            .iter()
            .filter_map(|c| keep(&c.slug, pages::calls::render_call(app, c)).map(|b| (c.slug.clone(), b)))
            .collect();
        let api_call = r
            .programme
            .calls
            .iter()
            .map(|c| (c.slug.clone(), json(&CallDetail::new(app, c))))
            .collect();
        let default_page = Page {
            offset: 0,
            limit: api::projects::DEFAULT_LIMIT,
        };
        Cache {
            dashboard: keep("dashboard", pages::dashboard::render(app)),
            projects: keep("projects", pages::projects::render(app, &ProjectQuery::default())),
            fiches,
            calls: keep("calls", pages::calls::render_list(app)),
            call_pages,
            checks: keep("checks", pages::checks::render(app)),
            about: keep("about", pages::about::render(app)),
            accessibility: keep("accessibility", pages::legal::render_accessibility(app)),
            legal_notice: keep("legal-notice", pages::legal::render_legal_notice(app)),
            personal_data: keep("personal-data", pages::legal::render_personal_data()),
            api_programme: json(&ProgrammeResponse {
                programme: &r.programme,
                stats: &r.stats,
            }),
            api_projects: keep("api-projects", api::projects::render(app, &ProjectQuery::default(), default_page)),
            api_project,
            api_calls: json(&CallsResponse::new(app)),
            api_call,
            api_checks: json(&ChecksResponse {
                checks: &r.checks,
                problems: r.checks.iter().filter(|c| c.verdict.is_problem()).count(),
            }),
            openapi: Bytes::from(crate::openapi().to_pretty_json().unwrap_or_default()),
        }
    }
}
