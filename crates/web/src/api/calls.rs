//! `GET /api/v1/calls` and `GET /api/v1/calls/{slug}`.

use super::json_bytes;
use crate::error::{AppError, AppResult, ErrorBody, Format};
use crate::format::{excerpt, ECHO_MAX};
use crate::{AppState, Current};
use axum::extract::Path;
use axum::response::Response;
use serde::Serialize;
use territoires_domain::call::Call;
use territoires_domain::Project;
use utoipa::ToSchema;

/// A call with its derived figure and the projects linked to it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallDetail<'a> {
    /// The call: slug, title, kind, year, dates (`closes_at` in RFC 3339, `null` when
    /// unknown), IANA time zone, themes, eligibility rules, `applications` and `selected`
    /// (counts).
    #[serde(flatten)]
    pub call: &'a Call,
    /// `applications − selected` (count). Who they are is not known: no applicant is
    /// listed, none is invented.
    pub not_selected: u32,
    /// The projects selected in this call that the registry holds, in document order;
    /// empty when the source names none (the 2017 AMI).
    pub projects: Vec<CallProject<'a>>,
    /// For a call managed in the platform (absent for the press kit's calls): its status,
    /// phase, opening and closing instants and application form. Its `applications` are
    /// the applications submitted so far, `selected` those selected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<super::call_management::PlatformCallDetail>,
}

/// A project linked to a call.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallProject<'a> {
    /// Slug; the fiche is at `/api/v1/projects/{slug}`.
    pub slug: &'a str,
    /// Name.
    pub name: &'a str,
}

impl<'a> CallDetail<'a> {
    /// `call` with the projects of `app`'s registry linked to it.
    pub fn new(app: &'a AppState, call: &'a Call) -> CallDetail<'a> {
        CallDetail {
            call,
            not_selected: call.not_selected(),
            projects: app
                .registry
                .projects_of_call(&call.slug)
                .into_iter()
                .map(|p: &Project| CallProject {
                    slug: &p.slug,
                    name: &p.name,
                })
                .collect(),
            platform: None,
        }
    }
}

/// The programme's calls.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallsResponse<'a> {
    /// The calls, in chronological order.
    pub calls: Vec<CallDetail<'a>>,
}

impl<'a> CallsResponse<'a> {
    /// Every call of `app`'s programme.
    pub fn new(app: &'a AppState) -> CallsResponse<'a> {
        CallsResponse {
            calls: app.registry.programme.calls.iter().map(|c| CallDetail::new(app, c)).collect(),
        }
    }
}

/// The calls of the programme (AMI 2017, AAP 2018) with their figures and linked projects,
/// then the calls published in the platform (with their `platform` detail and form).
#[utoipa::path(
    get,
    path = "/api/v1/calls",
    tag = "calls",
    responses((status = 200, description = "Every call, in chronological order; figures are counts", body = CallsResponse))
)]
pub async fn list_calls(Current(ctx): Current) -> AppResult<Response> {
    let platform = super::call_management::published(&ctx).await?;
    if platform.is_empty() {
        return Ok(json_bytes(ctx.cache.api_calls.clone()));
    }
    let mut all = CallsResponse::new(&ctx.app);
    for (call, detail) in &platform {
        let mut d = CallDetail::new(&ctx.app, call);
        d.platform = Some(detail.clone());
        all.calls.push(d);
    }
    Ok(json_bytes(super::to_bytes(&all)?))
}

/// One call by slug.
#[utoipa::path(
    get,
    path = "/api/v1/calls/{slug}",
    tag = "calls",
    params(("slug" = String, Path, description = "The call's slug, e.g. `aap-2018`")),
    responses(
        (status = 200, description = "The call with its figures and linked projects (and `platform`, with its form, for a call published in the platform)", body = CallDetail),
        (status = 404, description = "No call has this slug, or it is a draft (`not_found`)", body = ErrorBody),
    )
)]
pub async fn find_call(Current(ctx): Current, Path(slug): Path<String>) -> AppResult<Response> {
    if let Some(b) = ctx.cache.api_call.get(&slug) {
        return Ok(json_bytes(b.clone()));
    }
    // A published platform call; a draft is not revealed.
    let platform = super::call_management::published(&ctx).await?;
    match platform.iter().find(|(c, _)| c.slug == slug) {
        Some((call, detail)) => {
            let mut d = CallDetail::new(&ctx.app, call);
            d.platform = Some(detail.clone());
            Ok(json_bytes(super::to_bytes(&d)?))
        }
        None => Err(AppError::not_found(
            Format::Json,
            format!("Aucun appel n'a l'identifiant « {} ».", excerpt(&slug, ECHO_MAX)),
        )),
    }
}
