//! Signing in for API clients: `POST /api/v1/sessions` exchanges a local account's
//! e-mail and password for a bearer token (the session's identifier, valid 8 hours);
//! `GET /api/v1/session` says who is signed in and gives the anti-CSRF token a script
//! using the cookie must send in `X-CSRF-Token`; `DELETE /api/v1/session` closes it.
//! Same throttle and password checks as `/connexion`. Never cached.

use crate::auth::{self, SignedIn};
use crate::error::{AppError, AppResult, ErrorBody, ErrorKind, Format};
use crate::{Current, LiveState};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use territoires_domain::access::Role;
use territoires_store::Account;
use utoipa::ToSchema;

/// Credentials of a local account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Credentials {
    /// The account's e-mail address (case-insensitive).
    pub email: String,
    /// Its password.
    pub password: String,
}

/// The signed-in account, as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountSummary {
    /// Identifier (the `actor_account_id` of history entries).
    pub id: i64,
    /// Login e-mail address, normalised to lower case.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// The role in French.
    pub role_label: &'static str,
    /// Organisation (for experts, the one conflicts are checked against), if any.
    pub organisation: Option<String>,
}

impl From<&Account> for AccountSummary {
    fn from(a: &Account) -> Self {
        AccountSummary {
            id: a.id,
            email: a.email.as_str().to_owned(),
            display_name: a.display_name.clone(),
            role: a.role,
            role_label: a.role.label(),
            organisation: a.organisation.clone(),
        }
    }
}

/// A session opened for an API client.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewSession {
    /// The bearer token: send `Authorization: Bearer <token>` with every request.
    pub token: String,
    /// Seconds until it expires (28 800: 8 hours).
    pub expires_in_seconds: i64,
    /// Who is signed in.
    pub account: AccountSummary,
}

/// The current session.
#[derive(Debug, Serialize, ToSchema)]
pub struct CurrentSession {
    /// Who is signed in.
    pub account: AccountSummary,
    /// Anti-CSRF token: writes authenticated by the cookie (not by a bearer token) send it
    /// in the `X-CSRF-Token` header.
    pub csrf_token: String,
}

fn no_store(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Opens a session for a local account and returns its bearer token.
#[utoipa::path(
    post,
    path = "/api/v1/sessions",
    tag = "accounts",
    request_body = Credentials,
    responses(
        (status = 201, description = "Signed in: the bearer token", body = NewSession),
        (status = 401, description = "Unknown e-mail address or wrong password (same answer for both)", body = ErrorBody),
        (status = 422, description = "The body is not `{\"email\", \"password\"}` JSON", body = ErrorBody),
        (status = 429, description = "Too many failed attempts for this login in 15 minutes", body = ErrorBody),
    )
)]
pub async fn create_session(
    State(live): State<LiveState>,
    body: Result<Json<Credentials>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let result: AppResult<Response> = async {
        let Json(c) = body.map_err(|e| {
            AppError::new(
                Format::Json,
                ErrorKind::Unprocessable,
                format!("Corps JSON invalide : {}", crate::api::json_rejection_fr(&e)),
            )
        })?;
        let account = auth::authenticate(&live, &c.email, &c.password, Format::Json).await?.map_err(|_| {
            AppError::new(
                Format::Json,
                ErrorKind::Unauthorized,
                "Adresse électronique ou mot de passe incorrect.",
            )
        })?;
        let token = live
            .current()
            .app
            .store
            .open_session(account.id, auth::SESSION_TTL)
            .await
            .map_err(|e| AppError::internal(Format::Json, e))?;
        tracing::info!(account = account.id, role = account.role.code(), "signed in (API)");
        let body = NewSession {
            token,
            expires_in_seconds: auth::SESSION_TTL.whole_seconds(),
            account: AccountSummary::from(&account),
        };
        Ok((StatusCode::CREATED, Json(body)).into_response())
    }
    .await;
    no_store(result.unwrap_or_else(IntoResponse::into_response))
}

/// Who is signed in, and the session's anti-CSRF token.
#[utoipa::path(
    get,
    path = "/api/v1/session",
    tag = "accounts",
    responses(
        (status = 200, description = "The signed-in account", body = CurrentSession),
        (status = 401, description = "No live session", body = ErrorBody),
    )
)]
pub async fn current_session(signed_in: SignedIn) -> Response {
    no_store(
        Json(CurrentSession {
            account: AccountSummary::from(&signed_in.session.account),
            csrf_token: signed_in.session.csrf_token.clone(),
        })
        .into_response(),
    )
}

/// Closes the current session (bearer token or cookie).
#[utoipa::path(
    delete,
    path = "/api/v1/session",
    tag = "accounts",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Cookie session without a valid `X-CSRF-Token` header", body = ErrorBody),
    )
)]
pub async fn delete_session(Current(ctx): Current, signed_in: SignedIn, headers: axum::http::HeaderMap) -> Response {
    let result: AppResult<Response> = async {
        signed_in.check_api_write(&headers)?;
        ctx.app
            .store
            .close_session(&signed_in.id)
            .await
            .map_err(|e| AppError::internal(Format::Json, e))?;
        Ok(StatusCode::NO_CONTENT.into_response())
    }
    .await;
    no_store(result.unwrap_or_else(IntoResponse::into_response))
}
