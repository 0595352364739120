//! `GET /api/v1/funding`, `GET /api/v1/funding/burn-down`, `GET /api/v1/ledger` and
//! `GET /api/v1/ledger.csv` (issue 5, §6): the funding figures and the ledger. Amounts are
//! integer euro cents (the CSV: euros with a decimal comma).

use super::to_bytes;
use crate::auth::MaybeSignedIn;
use crate::error::{no_store, AppError, AppResult, Format};
use crate::funding_view::{self, BurnDown, Figures};
use crate::pages::funding::{
    csv_response, journal_header, journal_query, journal_rows, newest_first, projects_rows, sees_who, PAGE_SIZE, PROJECTS_HEADER,
};
use crate::Current;
use axum::http::Uri;
use axum::response::Response;
use serde::Serialize;
use territoires_domain::access::Role;
use territoires_domain::Money;
use territoires_formats::french_csv;
use utoipa::ToSchema;

fn json(body: AppResult<axum::body::Bytes>) -> Response {
    no_store(body.map(super::json_bytes))
}

/// Per envelope (cap, planned by the fiches and its overrun, committed, paid, remaining)
/// and per project (ceilings, committed, paid, remaining in each envelope), in cents.
#[utoipa::path(
    get,
    path = "/api/v1/funding",
    tag = "funding",
    responses((status = 200, description = "The funding figures, in cents", body = Figures))
)]
pub async fn find_funding(Current(ctx): Current) -> Response {
    json(
        async {
            let journal = funding_view::journal(&ctx.app, Format::Json).await?;
            to_bytes(&funding_view::figures(&ctx.app, &journal, Format::Json)?)
        }
        .await,
    )
}

/// The ten-year burn-down (2019–2029) of each envelope: cumulative committed and paid at
/// 31 December of each year, and what remains under the cap, in cents.
#[utoipa::path(
    get,
    path = "/api/v1/funding/burn-down",
    tag = "funding",
    responses((status = 200, description = "One burn-down per envelope, subsidies first", body = Vec<BurnDown>))
)]
pub async fn find_burn_down(Current(ctx): Current) -> Response {
    json(
        async {
            let journal = funding_view::journal(&ctx.app, Format::Json).await?;
            let figures = funding_view::figures(&ctx.app, &journal, Format::Json)?;
            to_bytes(&funding_view::burn_downs(&figures, &journal, Format::Json)?)
        }
        .await,
    )
}

/// One ledger entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerEntry {
    /// Sequence number.
    pub seq: u64,
    /// Value date, ISO 8601.
    pub at: String,
    /// `plan`, `commit`, `disburse`, `release` or `return`.
    pub movement: String,
    /// The account receiving the amount (`agreement:4`, `project:SLUG:subsidy`…).
    pub debit: String,
    /// The account giving it.
    pub credit: String,
    /// Amount (cents).
    pub amount: Money,
    /// Who recorded it: for the operator's staff only, `null` otherwise.
    pub who: Option<String>,
    /// Why.
    pub why: String,
}

/// A page of the ledger.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerPage {
    /// The entries, newest first.
    pub entries: Vec<LedgerEntry>,
    /// This page (from 1).
    pub page: usize,
    /// Entries per page.
    pub per_page: usize,
    /// Entries matching the filter.
    pub total: usize,
}

fn role(s: &MaybeSignedIn) -> Role {
    s.0.as_ref().map(|s| s.session.account.role).unwrap_or(Role::Public)
}

/// The ledger, newest first, 50 entries a page, optionally one account's.
#[utoipa::path(
    get,
    path = "/api/v1/ledger",
    tag = "funding",
    params(
        ("page" = Option<usize>, Query, description = "Page, from 1"),
        ("account" = Option<String>, Query, description = "An account code: entries debiting or crediting it"),
    ),
    responses(
        (status = 200, description = "A page of entries", body = LedgerPage),
        (status = 400, description = "A page that is not a positive integer, or an unknown account code", body = crate::error::ErrorBody),
    )
)]
pub async fn list_ledger(Current(ctx): Current, signed_in: MaybeSignedIn, uri: Uri) -> Response {
    json(
        async {
            let (page, account) = journal_query(&uri, Format::Json, ["page", "account"])?;
            let journal = funding_view::journal(&ctx.app, Format::Json).await?;
            let all = newest_first(&journal, account.as_ref());
            let who = sees_who(role(&signed_in));
            let entries = all
                .iter()
                .skip((page - 1) * PAGE_SIZE)
                .take(PAGE_SIZE)
                .map(|e| LedgerEntry {
                    seq: e.seq,
                    at: e.at.to_string(),
                    movement: serde_json::to_value(e.movement)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    debit: e.debit.code(),
                    credit: e.credit.code(),
                    amount: e.amount,
                    who: who.then(|| e.who.clone()),
                    why: e.why.clone(),
                })
                .collect();
            to_bytes(&LedgerPage {
                entries,
                page,
                per_page: PAGE_SIZE,
                total: all.len(),
            })
        }
        .await,
    )
}

/// The ledger as a French CSV (`;`, UTF-8 with BOM, CRLF, euros with a decimal comma),
/// newest first, optionally one account's; `qui` for the operator's staff only.
#[utoipa::path(
    get,
    path = "/api/v1/ledger.csv",
    tag = "funding",
    params(("account" = Option<String>, Query, description = "An account code")),
    responses(
        (status = 200, description = "The ledger", content_type = "text/csv"),
        (status = 400, description = "An unknown account code", body = crate::error::ErrorBody),
    )
)]
pub async fn export_ledger(Current(ctx): Current, signed_in: MaybeSignedIn, uri: Uri) -> Response {
    no_store(
        async {
            let (_, account) = journal_query(&uri, Format::Json, ["page", "account"])?;
            let journal = funding_view::journal(&ctx.app, Format::Json).await?;
            let who = sees_who(role(&signed_in));
            let entries = newest_first(&journal, account.as_ref());
            let bytes =
                french_csv::to_bytes(&journal_header(who), journal_rows(&entries, who)).map_err(|e| AppError::internal(Format::Json, e))?;
            Ok(csv_response(bytes, "grand-livre.csv"))
        }
        .await,
    )
}

/// The per-project table as a French CSV (`;`, UTF-8 with BOM, CRLF, euros with a decimal
/// comma): each project's subsidy ceiling and investment potential with what is committed,
/// paid and remaining in each envelope.
#[utoipa::path(
    get,
    path = "/api/v1/funding/projects.csv",
    tag = "funding",
    responses((status = 200, description = "One row per project", content_type = "text/csv"))
)]
pub async fn export_projects(Current(ctx): Current) -> Response {
    no_store(
        async {
            let journal = funding_view::journal(&ctx.app, Format::Json).await?;
            let figures = funding_view::figures(&ctx.app, &journal, Format::Json)?;
            let bytes = french_csv::to_bytes(&PROJECTS_HEADER, projects_rows(&figures.projects))
                .map_err(|e| AppError::internal(Format::Json, e))?;
            Ok(csv_response(bytes, "financement-projets.csv"))
        }
        .await,
    )
}
