//! The JSON API under `/api/v1`. Amounts are integer euro cents; errors are
//! `{"error": {"code", "message", "parameter"?}}` (see [`crate::error::ErrorBody`]).

pub mod accounts;
pub mod agreements;
pub mod applications;
pub mod attachments;
pub mod call_management;
pub mod calls;
pub mod checks;
pub mod decisions;
pub mod disbursements;
pub mod funding;
pub mod impact;
pub mod indicator_admin;
pub mod investments;
pub mod measurements;
pub mod opinions;
pub mod programme;
pub mod projects;
pub mod scoring;
pub mod sessions;

use crate::{openapi, Current, LiveState};
use axum::{
    body::{Body, Bytes},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde::Serialize;
use utoipa::ToSchema;

/// The `/api/v1` routes.
pub fn router() -> Router<LiveState> {
    Router::new()
        .route("/programme", get(programme::find_programme))
        .route("/projects", get(projects::list_projects))
        .route("/projects/{slug}", get(projects::find_project))
        .route("/checks", get(checks::list_checks))
        .route("/programme-indicators", get(impact::list_programme_indicators))
        .route("/impact", get(impact::find_impact))
        .route("/impact/statements", get(impact::list_statements))
        .route("/indicators", get(impact::list_indicators))
        .route("/indicators/{code}", get(impact::find_indicator_detail))
        .route("/funding", get(funding::find_funding))
        .route("/funding/burn-down", get(funding::find_burn_down))
        .route("/funding/projects.csv", get(funding::export_projects))
        .route("/openapi.json", get(openapi::openapi_json))
}

/// A 200 `application/json` response with already-serialised `body`.
pub fn json_bytes(body: Bytes) -> Response {
    let mut res = Response::new(Body::from(body));
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    res
}

/// Serialises `value`; a failure (not expected for these types) is a 500.
pub fn to_bytes<T: Serialize>(value: &T) -> Result<Bytes, crate::AppError> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(|e| crate::AppError::internal(crate::Format::Json, e))
}

/// Health of the service.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the database answers, `unavailable` otherwise.
    pub status: &'static str,
}

/// Liveness and readiness: pings the database.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    responses(
        (status = 200, description = "The database answers", body = Health, example = json!({"status": "ok"})),
        (status = 503, description = "The database does not answer", body = Health, example = json!({"status": "unavailable"})),
    )
)]
pub async fn health(Current(ctx): Current) -> Response {
    match ctx.app.store.ping().await {
        Ok(()) => Json(Health { status: "ok" }).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(Health { status: "unavailable" })).into_response()
        }
    }
}

/// The JSON body of a write, or a 422 (`invalid_input`) saying what is wrong with it
/// (malformed JSON, a missing or mistyped field), in French.
pub(crate) fn json_body<T>(b: Result<Json<T>, axum::extract::rejection::JsonRejection>) -> Result<T, crate::AppError> {
    b.map(|Json(t)| t).map_err(|e| {
        crate::AppError::new(
            crate::Format::Json,
            crate::error::ErrorKind::Unprocessable,
            format!("Corps JSON invalide : {}", e.body_text()),
        )
    })
}
