//! `GET /api/v1/checks`.

use super::json_bytes;
use crate::{error::AppResult, Current};
use axum::response::Response;
use serde::Serialize;
use territoires_domain::checks::Check;
use utoipa::ToSchema;

/// Every reconciliation check and how many need a reader's attention.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChecksResponse<'a> {
    /// The checks, in the domain's fixed order. Values are counts or integer euro cents,
    /// as each check's `unit` says.
    pub checks: &'a [Check],
    /// Checks whose verdict is `discrepancy`, `exceeds-ceiling` or `missing`.
    pub problems: usize,
}

/// The reconciliation checks: the press kit's claims and the envelopes against the fiches.
#[utoipa::path(
    get,
    path = "/api/v1/checks",
    tag = "checks",
    responses((status = 200, description = "Every check, with the number of problems", body = ChecksResponse))
)]
pub async fn list_checks(Current(ctx): Current) -> AppResult<Response> {
    Ok(json_bytes(ctx.cache.api_checks.clone()))
}
