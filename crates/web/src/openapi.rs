//! The OpenAPI 3.1 document of the API, generated from the handlers' `#[utoipa::path]`
//! attributes and the domain types' schemas.

use crate::{api, error, Current};
use axum::response::Response;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Territoires API",
        description = "JSON API of Territoires: the *Territoires d'Innovation* programme (France, Programme d'investissements d'avenir), its calls, its 24 laureate projects, dashboard figures, reconciliation checks and impact measurement.\n\nEvery amount is an **integer number of euro cents** (`605000000` is 6 050 000 €). A figure the source does not give is `null`, never 0. Data: press kit of 13 September 2019, Licence Ouverte / Etalab 2.0."
    ),
    paths(
        api::programme::find_programme,
        api::projects::list_projects,
        api::projects::find_project,
        api::calls::list_calls,
        api::calls::find_call,
        api::checks::list_checks,
        api::exports::list_exports,
        api::exports::find_export,
        api::applications::find_application,
        api::sessions::create_session,
        api::sessions::current_session,
        api::sessions::delete_session,
        api::attachments::list_attachments,
        api::attachments::upload_attachment,
        api::attachments::find_attachment,
        api::attachments::delete_attachment,
        api::attachments::list_messages,
        api::attachments::create_message,
        api::attachments::list_notes,
        api::attachments::create_note,
        api::accounts::list_accounts,
        api::accounts::create_account,
        api::accounts::update_account,
        api::opinions::create_opinion_request,
        api::opinions::list_opinion_requests,
        api::opinions::answer_opinion_request,
        api::decisions::create_deliberation,
        api::decisions::list_deliberations,
        api::decisions::create_laureate,
        openapi_json,
        api::health,
        api::scoring::find_partners,
        api::scoring::put_partners,
        api::scoring::find_grid,
        api::scoring::put_grid,
        api::scoring::find_my_scores,
        api::scoring::put_my_scores,
        api::scoring::find_ranking,
        api::scoring::put_moderation,
        api::scoring::find_declarations,
        api::scoring::put_declarations,
        api::scoring::declare_conflict,
        api::scoring::list_expert_applications,
        api::call_management::create_call,
        api::call_management::replace_form,
        api::call_management::publish_call,
        api::call_management::create_application,
        api::call_management::list_applications,
        api::call_management::find_answers,
        api::call_management::put_answers,
        api::call_management::take_transition,
        api::impact::list_programme_indicators,
        api::impact::find_impact,
        api::impact::list_statements,
        api::impact::list_indicators,
        api::impact::find_indicator_detail,
        api::measurements::list_measurements,
        api::measurements::create_measurement,
        api::measurements::correct_measurement,
        api::measurements::review_measurement,
        api::measurements::list_measurement_events,
        api::measurements::import_measurements,
        api::indicator_admin::put_baseline,
        api::indicator_admin::list_members,
        api::indicator_admin::create_member,
        api::indicator_admin::delete_member,
        api::investments::list_investments,
        api::investments::create_investment,
        api::investments::find_investment,
        api::investments::create_decision,
        api::investments::create_capital_call,
        api::investments::create_distribution,
        api::investments::create_valuation,
        api::investments::create_exit,
        api::investments::find_portfolio,
        api::agreements::list_agreements,
        api::agreements::find_agreement,
        api::agreements::create_agreement,
        api::agreements::create_amendment,
        api::disbursements::list_disbursements,
        api::disbursements::create_disbursement,
        api::disbursements::find_disbursement,
        api::disbursements::check_disbursement,
        api::disbursements::approve_disbursement,
        api::disbursements::pay_disbursement,
        api::disbursements::reject_disbursement,
        api::disbursements::create_condition_met,
        api::funding::find_funding,
        api::funding::find_burn_down,
        api::funding::list_ledger,
        api::funding::export_ledger,
        api::funding::export_projects,
    ),
    components(schemas(error::ErrorBody, error::ErrorDetail, territoires_domain::query::SortKey)),
    tags(
        (name = "programme", description = "The programme and its dashboard figures"),
        (name = "projects", description = "The laureate projects"),
        (name = "calls", description = "The calls (AMI 2017, AAP 2018): dates, time zone, themes, figures and linked projects"),
        (name = "checks", description = "Reconciliation checks"),
        (name = "exports", description = "Open data: the catalogue and the datasets as CSV or JSON (Licence Ouverte / Etalab 2.0)"),
        (name = "accounts", description = "Signing in: `POST /api/v1/sessions` gives a bearer token (`Authorization: Bearer <token>`). A browser script may use the session cookie instead, and then sends the session's anti-CSRF token (`GET /api/v1/session`) in `X-CSRF-Token` with every write"),
        (name = "applications", description = "Applications to a call and their workflow; needs a signed-in session (bearer token or cookie)"),
        (name = "meta", description = "This document"),
        (name = "health", description = "Service health"),
        (name = "impact", description = "Impact measurement: the programme taxonomy, programme figures from approved values with their completeness (a project without data is missing, never zero), the fiches' structured impacts, indicators with progress and projection, measurements with their review (entries and writes need a signed-in session)"),
        (name = "funding", description = "Funding (issue 5): the envelopes and the fiches' planned ceilings, per-project committed, paid and remaining amounts, the ten-year burn-down, the append-only ledger and its ceilings (who recorded an entry: staff only); agreements (conventions) with their co-financing plan, tranche schedule, conditions and amendments; disbursements and their workflow; equity investments with the prudent-investor test, the committee's decision, capital calls, distributions, valuations, exits and the portfolio's metrics (TVPI, DPI, RVPI, MOIC on gross flows; XIRR actual/365, an undefined one given as a typed reason). Every amount committed, released or paid goes through the ledger. Writes need a funding role"),
        (name = "committee", description = "Partner lists (SIREN), experts' declarations and conflicts of interest (an expert in conflict gets 404), evaluation grids, independent scoring and the committee's moderation and ranking; needs a signed-in session"),
    )
)]
struct ApiDoc;

/// The OpenAPI document (title "Territoires API", version = this crate's version).
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// This OpenAPI document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta", responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
pub async fn openapi_json(Current(ctx): Current) -> Response {
    api::json_bytes(ctx.cache.openapi.clone())
}
