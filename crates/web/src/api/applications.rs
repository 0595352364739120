//! `GET /api/v1/applications/{id}`: one application with its history, for the signed-in
//! account (session cookie) and with the scoping of `/candidatures/{id}`: 401 without a
//! session, 403 for a role that sees no application (expert, partner), 404 for an
//! unknown id or — for a project lead — another account's application (its existence is
//! not revealed). Never cached.

use crate::auth::SignedIn;
use crate::error::{AppError, AppResult, ErrorBody, Format};
use crate::pages::applications::visible_application;
use crate::Current;
use axum::extract::Path;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use territoires_domain::application::{ApplicationStatus, TransitionKind};
use territoires_store::{Application, ApplicationEvent};
use utoipa::ToSchema;

/// An application and its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationDetail {
    /// Identifier, as in `/candidatures/{id}`.
    pub id: i64,
    /// The call applied to (`aap-2018`), as in `/api/v1/calls/{slug}`.
    pub call: String,
    /// The account of the project lead who created it.
    pub applicant_account_id: i64,
    /// Title of the project, in French.
    pub title: String,
    /// Summary, in French (may be empty).
    pub summary: String,
    /// Amount requested, in **euro cents**; `null` when not stated.
    pub requested_amount_cents: Option<i64>,
    /// Current status (`draft`, `submitted`, `under-review`, `returned-for-completion`,
    /// `hearing`, `selected`, `rejected`, `withdrawn`).
    pub status: ApplicationStatus,
    /// The status in French (`Brouillon`, `Déposée`, …).
    pub status_label: &'static str,
    /// Creation instant (RFC 3339, UTC).
    pub created_at: String,
    /// Instant of the last change (RFC 3339, UTC).
    pub updated_at: String,
    /// The status changes, oldest first.
    pub events: Vec<ApplicationEventDetail>,
}

/// One status change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationEventDetail {
    /// 1, 2, 3… within the application.
    pub seq: i64,
    /// Instant (RFC 3339, UTC), from the server clock.
    pub at: String,
    /// The account that took the transition.
    pub actor_account_id: i64,
    /// Its display name.
    pub actor_name: String,
    /// What was done (`submit`, `start-review`, …).
    pub transition: TransitionKind,
    /// The reason given (return, select, reject, withdraw), else `null`.
    pub reason: Option<String>,
    /// Status before.
    pub from: ApplicationStatus,
    /// Status after.
    pub to: ApplicationStatus,
}

impl ApplicationDetail {
    /// `app` with its `events`.
    pub fn new(app: Application, events: Vec<ApplicationEvent>) -> ApplicationDetail {
        ApplicationDetail {
            id: app.id.0,
            call: app.call_slug,
            applicant_account_id: app.applicant_account_id,
            title: app.title,
            summary: app.summary,
            requested_amount_cents: app.requested.map(|m| m.cents()),
            status_label: app.status.label(),
            status: app.status,
            created_at: app.created_at,
            updated_at: app.updated_at,
            events: events
                .into_iter()
                .map(|e| ApplicationEventDetail {
                    seq: e.seq,
                    at: e.at,
                    actor_account_id: e.actor_account_id,
                    actor_name: e.actor_name,
                    transition: e.transition,
                    reason: e.reason,
                    from: e.from,
                    to: e.to,
                })
                .collect(),
        }
    }
}

/// One application with its history, for the signed-in account (session cookie).
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}",
    tag = "applications",
    params(("id" = i64, Path, description = "The application's identifier")),
    responses(
        (status = 200, description = "The application; amounts in euro cents", body = ApplicationDetail),
        (status = 401, description = "No live session: sign in at /connexion", body = ErrorBody),
        (status = 403, description = "The account's role sees no application (expert, partner)", body = ErrorBody),
        (status = 404, description = "No such application, or (project lead) not one of the account's own", body = ErrorBody),
    )
)]
pub async fn find_application(Current(ctx): Current, signed_in: SignedIn, Path(raw_id): Path<String>) -> Response {
    let result: AppResult<Response> = async {
        let store = &ctx.app.store;
        let app = visible_application(store, &signed_in, &raw_id, Format::Json).await?;
        let events = store
            .application_events(app.id)
            .await
            .map_err(|e| AppError::internal(Format::Json, e))?;
        Ok(Json(ApplicationDetail::new(app, events)).into_response())
    }
    .await;
    let mut res = result.unwrap_or_else(IntoResponse::into_response);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
