//! The committee's decisions in the API (issue 3): `POST /api/v1/calls/{slug}/deliberations`
//! records a deliberation and takes its decisions (all or none), `GET` on the same path
//! reads the call's records back (reviewers and programme managers), and
//! `POST /api/v1/applications/{id}/laureate` turns a selected application into a laureate
//! project of the registry. Writes call `check_api_write` first. Never cached.

use crate::api::json_body as body;
use crate::auth::SignedIn;
use crate::error::no_store;
use crate::error::{AppError, ErrorBody, ErrorKind, Format};
use crate::pages::decisions::{known_call, promote, record};
use crate::pages::opinions::parse_date;
use crate::{Current, LiveState};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use territoires_domain::access::{allows, Action};
use territoires_domain::application::ApplicationId;
use territoires_domain::deliberation::{Decision, DecisionLine, Record};
use territoires_domain::laureate::LaureateFigures;
use territoires_domain::Money;
use territoires_store::Deliberation;
use utoipa::ToSchema;

/// One decision of a record.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DecisionInput {
    /// The application (in `hearing`, of this call).
    pub application_id: i64,
    /// `selected` or `rejected`.
    pub decision: Decision,
    /// The reason, in French (shown to the applicant).
    pub reason: String,
}

/// A deliberation record.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewDeliberation {
    /// The day the committee met, `YYYY-MM-DD` (Europe/Paris).
    pub held_on: String,
    /// The members present.
    pub members: Vec<String>,
    /// The decisions, one per application.
    pub decisions: Vec<DecisionInput>,
}

/// A stored record.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliberationDetail {
    /// Identifier.
    pub id: i64,
    /// The call.
    pub call: String,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    /// The members present.
    pub members: Vec<String>,
    /// Who recorded it.
    pub recorded_by_account_id: i64,
    /// When (RFC 3339, UTC).
    pub recorded_at: String,
    /// The decisions, in order.
    pub decisions: Vec<DecisionInput>,
}

impl From<Deliberation> for DeliberationDetail {
    fn from(d: Deliberation) -> Self {
        DeliberationDetail {
            id: d.id,
            call: d.call_slug,
            held_on: d.held_on.to_string(),
            members: d.members,
            recorded_by_account_id: d.recorded_by,
            recorded_at: d.recorded_at,
            decisions: d
                .decisions
                .into_iter()
                .map(|x| DecisionInput {
                    application_id: x.application_id.0,
                    decision: x.decision,
                    reason: x.reason,
                })
                .collect(),
        }
    }
}

/// The figures a laureate project needs that an application does not hold.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewLaureate {
    /// Ceiling of the State's subsidies, **euro cents**; omitted: the amount requested
    /// (422 when the application states none).
    pub subsidy_ceiling_cents: Option<i64>,
    /// Investment potential, euro cents.
    pub investment_potential_cents: i64,
    /// Population concerned (persons).
    pub population: u64,
    /// Partners (organisations).
    pub partners: u32,
    /// Of which local authorities.
    pub local_authorities: u32,
}

/// The laureate created.
#[derive(Debug, Serialize, ToSchema)]
pub struct LaureateCreated {
    /// Its slug: `/api/v1/projects/{slug}`, `/projets/{slug}`.
    pub slug: String,
    /// The application it comes from.
    pub application_id: i64,
    /// The call.
    pub call: String,
}

/// Records the committee's deliberation of a call and takes its decisions.
#[utoipa::path(
    post,
    path = "/api/v1/calls/{slug}/deliberations",
    tag = "calls",
    params(("slug" = String, Path, description = "The call (`aap-2018`)")),
    request_body = NewDeliberation,
    responses(
        (status = 201, description = "Recorded; every listed application is now selected or rejected, and its applicant notified", body = DeliberationDetail),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not a programme manager, or a cookie write without X-CSRF-Token", body = ErrorBody),
        (status = 404, description = "No such call or application", body = ErrorBody),
        (status = 409, description = "An application is not in hearing or of another call: nothing recorded, no decision taken", body = ErrorBody),
        (status = 422, description = "No member, no decision, a blank reason, a duplicate application or a bad date", body = ErrorBody),
    )
)]
pub async fn create_deliberation(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(slug): Path<String>,
    json: Result<Json<NewDeliberation>, axum::extract::rejection::JsonRejection>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            signed_in.require(Action::Decide, Format::Json)?;
            known_call(&ctx, &slug, Format::Json).await?;
            let input = body(json)?;
            let held_on = parse_date(&input.held_on, "held_on", Format::Json)?;
            let decisions = input
                .decisions
                .into_iter()
                .map(|d| DecisionLine {
                    application_id: ApplicationId(d.application_id),
                    decision: d.decision,
                    reason: d.reason,
                })
                .collect();
            let d = record(
                &ctx,
                &signed_in,
                &slug,
                Record {
                    held_on,
                    members: input.members,
                    decisions,
                },
                Format::Json,
            )
            .await?;
            Ok((StatusCode::CREATED, Json(DeliberationDetail::from(d))).into_response())
        }
        .await,
    )
}

/// The deliberation records of a call.
#[utoipa::path(
    get,
    path = "/api/v1/calls/{slug}/deliberations",
    tag = "calls",
    params(("slug" = String, Path, description = "The call (`aap-2018`)")),
    responses(
        (status = 200, description = "The records, oldest first", body = [DeliberationDetail]),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Neither a reviewer nor a programme manager", body = ErrorBody),
        (status = 404, description = "No such call", body = ErrorBody),
    )
)]
pub async fn list_deliberations(Current(ctx): Current, signed_in: SignedIn, Path(slug): Path<String>) -> Response {
    no_store(
        async {
            let role = signed_in.session.account.role;
            if !(allows(role, Action::Review) || allows(role, Action::Decide)) {
                signed_in.require(Action::Decide, Format::Json)?;
            }
            known_call(&ctx, &slug, Format::Json).await?;
            let records: Vec<DeliberationDetail> = ctx
                .app
                .store
                .deliberations_of_call(&slug)
                .await
                .map_err(|e| AppError::internal(Format::Json, e))?
                .into_iter()
                .map(DeliberationDetail::from)
                .collect();
            Ok(Json(records).into_response())
        }
        .await,
    )
}

/// Turns a selected application into a laureate project of the registry (served at once).
#[utoipa::path(
    post,
    path = "/api/v1/applications/{id}/laureate",
    tag = "applications",
    params(("id" = i64, Path, description = "The application's identifier")),
    request_body = NewLaureate,
    responses(
        (status = 201, description = "The project, now in /api/v1/projects", body = LaureateCreated),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not a programme manager, or a cookie write without X-CSRF-Token", body = ErrorBody),
        (status = 404, description = "No such application", body = ErrorBody),
        (status = 409, description = "Not selected, or already a laureate", body = ErrorBody),
        (status = 422, description = "A negative amount, more local authorities than partners, no subsidy ceiling", body = ErrorBody),
    )
)]
pub async fn create_laureate(
    State(live): State<LiveState>,
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    json: Result<Json<NewLaureate>, axum::extract::rejection::JsonRejection>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            signed_in.require(Action::Decide, Format::Json)?;
            let input = body(json)?;
            let requested = crate::pages::applications::visible_application(&ctx.app.store, &signed_in, &raw_id, Format::Json)
                .await?
                .requested;
            let subsidy_ceiling = input.subsidy_ceiling_cents.map(Money).or(requested).ok_or_else(|| {
                AppError::new(
                    Format::Json,
                    ErrorKind::Unprocessable,
                    "Le champ « subsidy_ceiling_cents » est obligatoire : la candidature n'indique pas de montant demandé.",
                )
            })?;
            let figures = LaureateFigures {
                subsidy_ceiling,
                investment_potential: Money(input.investment_potential_cents),
                population: input.population,
                partners: input.partners,
                local_authorities: input.local_authorities,
            };
            let (project, origin) = promote(&live, &ctx, &signed_in, &raw_id, figures, Format::Json).await?;
            Ok((
                StatusCode::CREATED,
                Json(LaureateCreated {
                    slug: project.slug,
                    application_id: origin.application_id.0,
                    call: origin.call,
                }),
            )
                .into_response())
        }
        .await,
    )
}
