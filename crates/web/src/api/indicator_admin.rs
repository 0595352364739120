//! Programme management of impact in the API (issue 4 §1 and §3):
//!
//! - `PUT /api/v1/indicators/{code}/baseline` — a programme manager sets an indicator's
//!   baseline (value, date, source) with a reason: a new version of its definition, the old
//!   ones kept, measurements keeping the version they were reported under;
//! - `GET /api/v1/projects/{slug}/members` — who reports for a project (the operator's staff);
//! - `POST /api/v1/projects/{slug}/members` — an administrator or programme manager attaches
//!   an account (project lead or partner) to a project;
//! - `DELETE /api/v1/projects/{slug}/members/{account_id}` — and detaches it.
//!
//! Writes call `check_api_write` first; every change is in the audit trail. Never cached.

use crate::api::json_body as body;
use crate::auth::SignedIn;
use crate::error::{no_store, AppError, ErrorBody, ErrorKind, Format};
use crate::pages::impact::{add_member_by_email, remove_member};
use crate::pages::indicator::{find_indicator, rebaselined, require_programme_manager, store_error};
use crate::Current;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use territoires_domain::access::Role;
use territoires_domain::impact::Indicator;
use territoires_store::Actor;
use utoipa::ToSchema;

/// A new baseline.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BaselineInput {
    /// The value, in the indicator's unit (a French-written number as text is accepted too:
    /// `"1 234,5"`).
    pub value: serde_json::Value,
    /// The date the value describes, `YYYY-MM-DD`.
    pub date: String,
    /// Where it comes from.
    pub source: String,
    /// Why the baseline changes (required; kept with the version).
    pub reason: String,
}

/// Sets an indicator's baseline: a new version of its definition.
#[utoipa::path(
    put,
    path = "/api/v1/indicators/{code}/baseline",
    tag = "impact",
    params(("code" = String, Path, description = "The indicator's code")),
    request_body = BaselineInput,
    responses(
        (status = 200, description = "The new version of the definition", body = Indicator),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a programme manager", body = ErrorBody),
        (status = 404, description = "Unknown indicator", body = ErrorBody),
        (status = 422, description = "A field is wrong (named), the reason is blank, or nothing changes", body = ErrorBody),
    )
)]
pub async fn put_baseline(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(code): Path<String>,
    json: Result<Json<BaselineInput>, axum::extract::rejection::JsonRejection>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            require_programme_manager(&signed_in, Format::Json)?;
            let input = body(json)?;
            let i = find_indicator(&ctx, &code, Format::Json).await?;
            let value = match &input.value {
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::String(s) => s.clone(),
                _ => String::new(),
            };
            let new = rebaselined(i, &value, &input.date, &input.source, Format::Json)?;
            let stored = ctx
                .app
                .store
                .update_indicator(&code, new, &Actor::account(&signed_in.session.account), &input.reason)
                .await
                .map_err(|e| store_error(Format::Json, e))?;
            Ok(Json(stored).into_response())
        }
        .await,
    )
}

/// An account attached to a project.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectMemberDetail {
    /// The account.
    pub account_id: i64,
    /// Its e-mail.
    pub email: String,
    /// Its name.
    pub name: String,
    /// `lead` or `partner`.
    pub role: String,
    /// When attached (RFC 3339, UTC).
    pub added_at: String,
}

/// An account to attach.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProjectMemberInput {
    /// The account's e-mail (a project lead or partner account).
    pub email: String,
    /// `lead` or `partner`.
    pub role: String,
}

async fn members(ctx: &crate::Ctx, slug: &str) -> Result<Vec<ProjectMemberDetail>, AppError> {
    let internal = |e| AppError::internal(Format::Json, e);
    let mut out = vec![];
    for m in ctx.app.store.project_members(slug).await.map_err(internal)? {
        if let Some(a) = ctx.app.store.account_by_id(m.account_id).await.map_err(internal)? {
            out.push(ProjectMemberDetail {
                account_id: a.id,
                email: a.email.as_str().to_owned(),
                name: a.display_name,
                role: m.role.code().to_owned(),
                added_at: m.added_at,
            });
        }
    }
    Ok(out)
}

/// The accounts that report for a project (the operator's staff only).
#[utoipa::path(
    get,
    path = "/api/v1/projects/{slug}/members",
    tag = "impact",
    params(("slug" = String, Path, description = "The project's slug")),
    responses(
        (status = 200, description = "The members", body = [ProjectMemberDetail]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not the operator's staff", body = ErrorBody),
        (status = 404, description = "Unknown project", body = ErrorBody),
    )
)]
pub async fn list_members(Current(ctx): Current, signed_in: SignedIn, Path(slug): Path<String>) -> Response {
    no_store(
        async {
            let role = signed_in.session.account.role;
            if !matches!(role, Role::OperatorAdmin | Role::ProgrammeManager | Role::Instructor) {
                return Err(AppError::new(
                    Format::Json,
                    ErrorKind::Forbidden,
                    "Seul le personnel de l'opérateur voit les comptes d'un projet.",
                ));
            }
            if ctx.app.registry.project(&slug).is_none() {
                return Err(AppError::not_found(Format::Json, "Aucun projet n'a cet identifiant."));
            }
            Ok(Json(members(&ctx, &slug).await?).into_response())
        }
        .await,
    )
}

/// Attaches an account to a project as its lead or a partner.
#[utoipa::path(
    post,
    path = "/api/v1/projects/{slug}/members",
    tag = "impact",
    params(("slug" = String, Path, description = "The project's slug")),
    request_body = ProjectMemberInput,
    responses(
        (status = 201, description = "The project's members now", body = [ProjectMemberDetail]),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an administrator nor a programme manager", body = ErrorBody),
        (status = 404, description = "Unknown project", body = ErrorBody),
        (status = 409, description = "Already a member", body = ErrorBody),
        (status = 422, description = "Unknown e-mail or role, or an account that is neither a project lead nor a partner", body = ErrorBody),
    )
)]
pub async fn create_member(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(slug): Path<String>,
    json: Result<Json<ProjectMemberInput>, axum::extract::rejection::JsonRejection>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            let input = body(json)?;
            let slug = add_member_by_email(&ctx, &signed_in, &slug, &input.email, &input.role, Format::Json).await?;
            Ok((StatusCode::CREATED, Json(members(&ctx, &slug).await?)).into_response())
        }
        .await,
    )
}

/// Detaches an account from a project (its measurements stay).
#[utoipa::path(
    delete,
    path = "/api/v1/projects/{slug}/members/{account_id}",
    tag = "impact",
    params(("slug" = String, Path, description = "The project's slug"), ("account_id" = i64, Path, description = "The account")),
    responses(
        (status = 204, description = "Detached"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an administrator nor a programme manager", body = ErrorBody),
        (status = 404, description = "Unknown project, or the account is not a member", body = ErrorBody),
    )
)]
pub async fn delete_member(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path((slug, account)): Path<(String, i64)>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            remove_member(&ctx, &signed_in, &slug, account, Format::Json).await?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        .await,
    )
}
