//! `GET /api/v1/programme`.

use super::json_bytes;
use crate::{error::AppResult, Current};
use axum::response::Response;
use serde::Serialize;
use territoires_domain::stats::Stats;
use territoires_domain::Programme;
use utoipa::ToSchema;

/// The programme and the figures computed from its projects. Amounts are integer euro
/// cents.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeResponse<'a> {
    /// The programme: operator, envelopes, calls, headline claims, source.
    pub programme: &'a Programme,
    /// Totals and breakdowns by theme, region and territory kind.
    pub stats: &'a Stats,
}

/// The programme (*action*) with its dashboard figures.
#[utoipa::path(
    get,
    path = "/api/v1/programme",
    tag = "programme",
    responses((status = 200, description = "The programme and its stats; amounts in integer euro cents", body = ProgrammeResponse))
)]
pub async fn find_programme(Current(ctx): Current) -> AppResult<Response> {
    Ok(json_bytes(ctx.cache.api_programme.clone()))
}
