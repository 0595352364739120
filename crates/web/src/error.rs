//! One error type for every handler: [`AppError`] renders as a French HTML page or as a JSON
//! body `{"error": {"code", "message", "parameter"?}}`, with the matching status code.

use crate::format;
use crate::pages::layout::Layout;
use askama::Template;
use axum::{
    extract::Request,
    http::{header, StatusCode, Uri},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;
use utoipa::ToSchema;

/// `Result` of a handler.
pub type AppResult<T> = Result<T, AppError>;

/// How an error is shown: an HTML page (portal) or a JSON body (API).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A French HTML page in the portal's layout.
    Html,
    /// `{"error": {...}}`.
    Json,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// 404: no such page, project or route.
    NotFound,
    /// 405: the address exists but not for this HTTP method; the `allow` header lists the
    /// methods it accepts.
    MethodNotAllowed,
    /// 400: a query parameter has a value the API does not accept; names the parameter.
    InvalidParameter {
        /// The query parameter's name as the client sent it (`thematique`, `theme`…).
        parameter: String,
    },
    /// 401: the request needs a signed-in account (JSON; pages redirect to the sign-in form).
    Unauthorized,
    /// 403: the signed-in account's role does not allow this, or the form's anti-CSRF
    /// token or origin is wrong.
    Forbidden,
    /// 409: the action is not possible in the record's current state (a workflow
    /// transition refused: wrong status, missing reason, deadline passed, a concurrent
    /// change); the message says why, in French.
    Conflict,
    /// 422: a submitted body or form is invalid (malformed JSON, a missing or wrong
    /// field, a file outside the limits); the message names the field and what is wrong.
    Unprocessable,
    /// 429: too many failed sign-ins for this login; try again later.
    TooManyRequests,
    /// 503: a dependency (the database) does not answer.
    Unavailable,
    /// 500: a bug (e.g. a template failed to render); details go to the logs only.
    Internal,
}

/// An error a handler returns: a kind, a French message for the reader, and the format to
/// answer in.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    /// Page or JSON.
    pub format: Format,
    /// Which error (decides the status code).
    pub kind: ErrorKind,
    /// French message shown to the reader (never internal details).
    pub message: String,
}

impl AppError {
    /// 404 with `message`.
    pub fn not_found(format: Format, message: impl Into<String>) -> AppError {
        AppError {
            format,
            kind: ErrorKind::NotFound,
            message: message.into(),
        }
    }

    /// 405 for a request with `method` on an address that accepts only `allow` (the value
    /// of the `allow` header, `GET,HEAD`).
    pub fn method_not_allowed(format: Format, method: &str, allow: &str) -> AppError {
        let allowed: Vec<&str> = allow.split(',').map(str::trim).filter(|m| !m.is_empty()).collect();
        let message = if allowed.is_empty() {
            format!("La méthode {} n'est pas acceptée à cette adresse.", format::excerpt(method, 20))
        } else {
            format!(
                "La méthode {} n'est pas acceptée à cette adresse. Méthodes acceptées : {}.",
                format::excerpt(method, 20),
                allowed.join(", ")
            )
        };
        AppError {
            format,
            kind: ErrorKind::MethodNotAllowed,
            message,
        }
    }

    /// 400 naming the query `parameter` and what is wrong with it.
    pub fn invalid_parameter(format: Format, parameter: &str, message: impl Into<String>) -> AppError {
        AppError {
            format,
            kind: ErrorKind::InvalidParameter {
                parameter: parameter.into(),
            },
            message: message.into(),
        }
    }

    /// An error of `kind` with `message` (French, shown to the reader).
    pub fn new(format: Format, kind: ErrorKind, message: impl Into<String>) -> AppError {
        AppError {
            format,
            kind,
            message: message.into(),
        }
    }

    /// 500; `cause` is logged, not shown.
    pub fn internal(format: Format, cause: impl std::fmt::Display) -> AppError {
        tracing::error!(error = %cause, "internal error");
        AppError {
            format,
            kind: ErrorKind::Internal,
            message: "Une erreur interne est survenue.".into(),
        }
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self.kind {
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorKind::InvalidParameter { .. } => StatusCode::BAD_REQUEST,
            ErrorKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self.kind {
            ErrorKind::NotFound => "not_found",
            ErrorKind::MethodNotAllowed => "method_not_allowed",
            ErrorKind::InvalidParameter { .. } => "invalid_parameter",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Unprocessable => "invalid_input",
            ErrorKind::TooManyRequests => "too_many_requests",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Internal => "internal",
        }
    }

    fn parameter(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::InvalidParameter { parameter } => Some(parameter),
            _ => None,
        }
    }
}

/// The JSON body of every API error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// An API error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `not_found`, `method_not_allowed`, `invalid_parameter`, `unauthorized`, `forbidden`,
    /// `conflict`, `too_many_requests`, `unavailable` or `internal`.
    pub code: String,
    /// What is wrong, in French.
    pub message: String,
    /// The offending query parameter, for `invalid_parameter`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    status: u16,
    title: &'static str,
    message: &'a str,
    parameter: Option<&'a str>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        match self.format {
            Format::Json => {
                let body = ErrorBody {
                    error: ErrorDetail {
                        code: self.code().into(),
                        message: self.message.clone(),
                        parameter: self.parameter().map(str::to_owned),
                    },
                };
                (status, Json(body)).into_response()
            }
            Format::Html => {
                let title = match self.kind {
                    ErrorKind::NotFound => "Page non trouvée",
                    ErrorKind::MethodNotAllowed => "Méthode non autorisée",
                    ErrorKind::InvalidParameter { .. } => "Paramètre de recherche invalide",
                    ErrorKind::Unauthorized => "Connexion nécessaire",
                    ErrorKind::Forbidden => "Accès refusé",
                    ErrorKind::Conflict => "Action impossible",
                    ErrorKind::Unprocessable => "Données invalides",
                    ErrorKind::TooManyRequests => "Trop de tentatives",
                    ErrorKind::Unavailable => "Service indisponible",
                    ErrorKind::Internal => "Erreur inattendue",
                };
                let page = ErrorPage {
                    layout: Layout::new(title, ""),
                    status: status.as_u16(),
                    title,
                    message: &self.message,
                    parameter: self.parameter(),
                };
                match page.render() {
                    Ok(html) => {
                        // Answers about who may do what are personal: never cached.
                        let cache = if matches!(
                            self.kind,
                            ErrorKind::Unauthorized | ErrorKind::Forbidden | ErrorKind::TooManyRequests
                        ) {
                            "no-store"
                        } else {
                            "no-cache"
                        };
                        (
                            status,
                            [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, cache)],
                            html,
                        )
                            .into_response()
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "error page failed to render");
                        (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], self.message).into_response()
                    }
                }
            }
        }
    }
}

/// The format errors take at `path`: JSON under `/api/` and for `/healthz`, HTML elsewhere.
pub fn format_for(path: &str) -> Format {
    if path.starts_with("/api/") || path == "/healthz" {
        Format::Json
    } else {
        Format::Html
    }
}

/// The fallback route: a 404, in JSON under `/api/` (echoing the path, cut to
/// [`format::ECHO_MAX`] characters), as a French page elsewhere.
pub async fn fallback(uri: Uri) -> AppError {
    if format_for(uri.path()) == Format::Json {
        AppError::not_found(
            Format::Json,
            format!("Aucune ressource à l'adresse {}.", format::excerpt(uri.path(), format::ECHO_MAX)),
        )
    } else {
        AppError::not_found(Format::Html, "La page que vous cherchez n'existe pas ou a été déplacée.")
    }
}

/// Middleware giving every 405 (a known address, another method) the error body of its
/// format — `{"error": {"code": "method_not_allowed", …}}` under `/api/`, a French page
/// elsewhere — instead of axum's empty body, keeping the `allow` header axum computed.
pub async fn method_not_allowed(req: Request, next: Next) -> Response {
    let format = format_for(req.uri().path());
    let method = req.method().clone();
    let res = next.run(req).await;
    if res.status() != StatusCode::METHOD_NOT_ALLOWED {
        return res;
    }
    let allow = res.headers().get(header::ALLOW).cloned();
    let text = allow.as_ref().and_then(|v| v.to_str().ok()).unwrap_or("");
    let mut out = AppError::method_not_allowed(format, method.as_str(), text).into_response();
    if let Some(v) = allow {
        out.headers_mut().insert(header::ALLOW, v);
    }
    out
}

/// `result` as a response with `Cache-Control: no-store`, errors included: pages and
/// answers that depend on who asks name records, and must never be kept by a cache.
pub(crate) fn no_store(result: AppResult<axum::response::Response>) -> axum::response::Response {
    let mut res = result.unwrap_or_else(IntoResponse::into_response);
    res.headers_mut()
        .insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    res
}
