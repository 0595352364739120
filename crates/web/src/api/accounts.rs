//! Account administration for API clients (issue 3, section 1; administrators only,
//! `ManageAccounts`, 403 otherwise): `GET /api/v1/accounts` lists them, `POST` creates
//! one, `PATCH /api/v1/accounts/{id}` changes its role, organisation or state. Same rules
//! and audit entries as the `/admin/comptes` page (see `pages/accounts_admin.rs`). Never
//! cached; never a password or a hash in a response.

use crate::api::json_body as body;
use crate::auth::SignedIn;
use crate::error::{AppError, AppResult, ErrorBody, ErrorKind, Format};
use crate::pages::accounts_admin::{self, parse_new_account, parse_organisation, parse_role, FieldError};
use crate::Current;
use axum::extract::rejection::JsonRejection;
use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use territoires_domain::access::{Action, Role};
use territoires_store::{Account, AccountChange};
use utoipa::ToSchema;

/// An account as administrators see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountEntry {
    /// Identifier.
    pub id: i64,
    /// Login e-mail address (lower case).
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// The role in French.
    pub role_label: &'static str,
    /// Organisation, if any.
    pub organisation: Option<String>,
    /// Whether the account is disabled (cannot sign in).
    pub disabled: bool,
    /// Creation instant (RFC 3339, UTC).
    pub created_at: String,
    /// Issuer of the OpenID provider the account signs in with, if linked.
    pub oidc_issuer: Option<String>,
}

impl AccountEntry {
    fn new(a: &Account, oidc_issuer: Option<String>) -> AccountEntry {
        AccountEntry {
            id: a.id,
            email: a.email.as_str().to_owned(),
            display_name: a.display_name.clone(),
            role: a.role,
            role_label: a.role.label(),
            organisation: a.organisation.clone(),
            disabled: a.disabled,
            created_at: a.created_at.clone(),
            oidc_issuer,
        }
    }
}

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAccountBody {
    /// Login e-mail address.
    pub email: String,
    /// Display name (1 to 200 characters).
    pub display_name: String,
    /// Role code (`expert`, `instructor`, …).
    pub role: String,
    /// Organisation (at most 200 characters), if any.
    #[serde(default)]
    pub organisation: Option<String>,
    /// Initial password (at least 12 characters); absent for an account that signs in
    /// only through OpenID Connect.
    #[serde(default)]
    pub password: Option<String>,
}

/// A change to an account: absent fields keep their value; `organisation: ""` removes it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    /// New role code.
    #[serde(default)]
    pub role: Option<String>,
    /// New organisation (empty: none).
    #[serde(default)]
    pub organisation: Option<String>,
    /// Disable (`true`) or enable (`false`) the account.
    #[serde(default)]
    pub disabled: Option<bool>,
}

fn no_store(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn unprocessable(e: FieldError) -> AppError {
    AppError::new(Format::Json, ErrorKind::Unprocessable, format!("{} : {}", e.field, e.message))
}

/// Every account, by id.
#[utoipa::path(
    get,
    path = "/api/v1/accounts",
    tag = "accounts",
    responses(
        (status = 200, description = "Every account (never a password or a hash)", body = [AccountEntry]),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not an administrator", body = ErrorBody),
    )
)]
pub async fn list_accounts(Current(ctx): Current, signed_in: SignedIn) -> Response {
    let result: AppResult<Response> = async {
        signed_in.require(Action::ManageAccounts, Format::Json)?;
        let store = &ctx.app.store;
        let all = store.accounts().await.map_err(|e| AppError::internal(Format::Json, e))?;
        let mut issuers = store.identity_issuers().await.map_err(|e| AppError::internal(Format::Json, e))?;
        let list: Vec<AccountEntry> = all.iter().map(|a| AccountEntry::new(a, issuers.remove(&a.id))).collect();
        Ok(Json(list).into_response())
    }
    .await;
    no_store(result.unwrap_or_else(IntoResponse::into_response))
}

/// Creates an account (audited `account.create`).
#[utoipa::path(
    post,
    path = "/api/v1/accounts",
    tag = "accounts",
    request_body = NewAccountBody,
    responses(
        (status = 201, description = "Created", body = AccountEntry),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not an administrator, or a cookie session without `X-CSRF-Token`", body = ErrorBody),
        (status = 409, description = "An account already uses this e-mail address", body = ErrorBody),
        (status = 422, description = "Invalid field (named in the message)", body = ErrorBody),
    )
)]
pub async fn create_account(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    payload: Result<Json<NewAccountBody>, JsonRejection>,
) -> Response {
    let result: AppResult<Response> = async {
        signed_in.check_api_write(&headers)?;
        signed_in.require(Action::ManageAccounts, Format::Json)?;
        let b = body(payload)?;
        let new = parse_new_account(&b.email, &b.display_name, &b.role, b.organisation.as_deref(), b.password.as_deref())
            .map_err(unprocessable)?;
        let account = accounts_admin::create(&ctx.app.store, &new, &signed_in.session.account, Format::Json).await?;
        Ok((StatusCode::CREATED, Json(AccountEntry::new(&account, None))).into_response())
    }
    .await;
    no_store(result.unwrap_or_else(IntoResponse::into_response))
}

/// Changes an account's role, organisation or state (audited `account.update`; disabling
/// ends its sessions). An administrator cannot disable or demote themselves (409).
#[utoipa::path(
    patch,
    path = "/api/v1/accounts/{id}",
    tag = "accounts",
    params(("id" = i64, Path, description = "The account's identifier")),
    request_body = AccountPatch,
    responses(
        (status = 200, description = "The account after the change", body = AccountEntry),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not an administrator, or a cookie session without `X-CSRF-Token`", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
        (status = 409, description = "The administrator would disable or demote themselves", body = ErrorBody),
        (status = 422, description = "Invalid field (named in the message)", body = ErrorBody),
    )
)]
pub async fn update_account(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    payload: Result<Json<AccountPatch>, JsonRejection>,
) -> Response {
    let result: AppResult<Response> = async {
        signed_in.check_api_write(&headers)?;
        signed_in.require(Action::ManageAccounts, Format::Json)?;
        let not_found = || AppError::not_found(Format::Json, "Aucun compte avec cet identifiant.");
        let id: i64 = raw_id.parse().map_err(|_| not_found())?;
        let patch = body(payload)?;
        let store = &ctx.app.store;
        let current = store
            .account_by_id(id)
            .await
            .map_err(|e| AppError::internal(Format::Json, e))?
            .ok_or_else(not_found)?;
        let change = AccountChange {
            role: match patch.role.as_deref() {
                Some(code) => parse_role(code).map_err(unprocessable)?,
                None => current.role,
            },
            organisation: match patch.organisation.as_deref() {
                Some(o) => parse_organisation(Some(o)).map_err(unprocessable)?,
                None => current.organisation.clone(),
            },
            disabled: patch.disabled.unwrap_or(current.disabled),
        };
        let account = accounts_admin::update(store, id, &change, &signed_in.session.account, Format::Json).await?;
        let issuer = store
            .identity_issuers()
            .await
            .map_err(|e| AppError::internal(Format::Json, e))?
            .remove(&account.id);
        Ok(Json(AccountEntry::new(&account, issuer)).into_response())
    }
    .await;
    no_store(result.unwrap_or_else(IntoResponse::into_response))
}
