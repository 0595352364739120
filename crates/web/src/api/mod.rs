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
pub mod exports;
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
        .route("/exports", get(exports::list_exports))
        .route("/exports/{kind}", get(exports::find_export))
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
            format!("Corps JSON invalide : {}", json_rejection_fr(&e)),
        )
    })
}

/// A JSON body's rejection in French: axum's and serde's English wording (« missing field
/// `x` », « unknown variant `y`, expected one of … », « at line 1 column 5 ») replaced by
/// its French equivalent, the field names and values kept as they are.
pub(crate) fn json_rejection_fr(e: &axum::extract::rejection::JsonRejection) -> String {
    use axum::extract::rejection::JsonRejection::*;
    let detail = match e {
        MissingJsonContentType(_) => return "l'en-tête Content-Type doit être « application/json »".to_owned(),
        JsonSyntaxError(_) => format!("JSON mal formé : {}", e.body_text()),
        _ => e.body_text(),
    };
    const PHRASES: [(&str, &str); 27] = [
        ("Failed to parse the request body as JSON: ", ""),
        ("Failed to deserialize the JSON body into the target type: ", ""),
        ("Failed to buffer the request body: ", "corps illisible : "),
        ("missing field ", "champ manquant : "),
        ("unknown field ", "champ inconnu : "),
        ("unknown variant ", "valeur inconnue : "),
        ("duplicate field ", "champ en double : "),
        (", expected one of ", ", valeurs permises : "),
        (", expected ", ", attendu : "),
        ("invalid type: ", "type invalide : "),
        ("invalid value: ", "valeur invalide : "),
        ("invalid length ", "longueur invalide : "),
        ("trailing characters", "caractères en trop"),
        ("expected value", "valeur attendue"),
        ("integer `", "entier `"),
        ("floating point `", "nombre décimal `"),
        ("boolean `", "booléen `"),
        ("string \"", "chaîne \""),
        ("attendu : a string", "attendu : une chaîne"),
        ("attendu : a sequence", "attendu : une liste"),
        ("attendu : a map", "attendu : un objet"),
        ("attendu : struct ", "attendu : objet "),
        ("attendu : a boolean", "attendu : un booléen"),
        ("key must be a string", "une clé doit être une chaîne"),
        ("EOF while parsing", "fin du texte inattendue"),
        (" at line ", " à la ligne "),
        (" column ", ", colonne "),
    ];
    let mut out = detail;
    for (en, fr) in PHRASES {
        out = out.replace(en, fr);
    }
    out
}
