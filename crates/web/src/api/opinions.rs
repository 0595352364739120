//! Opinion requests in the API (issue 3, « Review and the committee »):
//! `POST /api/v1/applications/{id}/opinion-requests` (reviewers),
//! `GET /api/v1/opinion-requests` (reviewers: every request; instructors and experts:
//! those addressed to them; other roles 403) and
//! `POST /api/v1/opinion-requests/{id}/answer` (the addressee only; 404 for anyone else).
//! Writes call `check_api_write` first. Never cached.

use crate::api::json_body as body;
use crate::auth::SignedIn;
use crate::error::no_store;
use crate::error::{AppError, ErrorBody, ErrorKind, Format};
use crate::pages::applications::visible_application;
use crate::pages::opinions::{check_answer, may_be_asked, parse_date, parse_verdict, request_opinion, store_error, visible_request};
use crate::Current;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use territoires_domain::access::{allows, Action};
use territoires_domain::opinion::{Counts, OpinionStatus, Verdict};
use territoires_store::OpinionRequest;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// A new request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewOpinionRequest {
    /// The account asked (an active instructor or expert).
    pub requested_of_account_id: i64,
    /// The last day to answer, `YYYY-MM-DD` (Europe/Paris), after today.
    pub due_on: String,
    /// The question, in French (1–5000 characters).
    pub question: String,
}

/// An answer.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OpinionAnswerInput {
    /// `favourable`, `favourable-with-reservations` or `unfavourable`.
    pub verdict: String,
    /// The opinion, in French (1–5000 characters).
    pub answer: String,
}

/// A request and where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpinionRequestDetail {
    /// Identifier (`/avis/{id}`).
    pub id: i64,
    /// The application.
    pub application_id: i64,
    /// Its title.
    pub application_title: String,
    /// Its call.
    pub call: String,
    /// Who asked.
    pub requested_by_account_id: i64,
    /// Who is asked.
    pub requested_of_account_id: i64,
    /// Their name.
    pub requested_of_name: String,
    /// Their organisation, if any.
    pub requested_of_organisation: Option<String>,
    /// The question.
    pub question: String,
    /// Last day to answer (`YYYY-MM-DD`, Europe/Paris).
    pub due_on: String,
    /// When asked (RFC 3339, UTC).
    pub requested_at: String,
    /// `pending`, `answered` or `overdue`, by the server clock now.
    pub status: OpinionStatus,
    /// The verdict, once answered.
    pub verdict: Option<Verdict>,
    /// The answer's text, once answered.
    pub answer: Option<String>,
    /// When answered (RFC 3339, UTC).
    pub answered_at: Option<String>,
}

impl OpinionRequestDetail {
    fn new(r: OpinionRequest, now: OffsetDateTime) -> OpinionRequestDetail {
        OpinionRequestDetail {
            status: r.status(now),
            id: r.id,
            application_id: r.application_id.0,
            application_title: r.application_title,
            call: r.call_slug,
            requested_by_account_id: r.requested_by,
            requested_of_account_id: r.requested_of,
            requested_of_name: r.requested_of_name,
            requested_of_organisation: r.requested_of_organisation,
            question: r.question,
            due_on: r.due_on.to_string(),
            requested_at: r.requested_at,
            verdict: r.answer.as_ref().map(|a| a.verdict),
            answered_at: r.answer.as_ref().map(|a| a.answered_at.clone()),
            answer: r.answer.map(|a| a.text),
        }
    }
}

/// The requests visible to the caller, with their counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpinionRequestList {
    /// Answered, pending and overdue among `items`.
    pub counts: Counts,
    /// The requests, by call, application and id (reviewers) or by id (addressees).
    pub items: Vec<OpinionRequestDetail>,
}

/// Asks an instructor or an expert for an opinion on an application.
#[utoipa::path(
    post,
    path = "/api/v1/applications/{id}/opinion-requests",
    tag = "applications",
    params(("id" = i64, Path, description = "The application's identifier")),
    request_body = NewOpinionRequest,
    responses(
        (status = 201, description = "The request; the addressee is notified", body = OpinionRequestDetail),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role does not review, or a cookie write without X-CSRF-Token", body = ErrorBody),
        (status = 404, description = "No such application", body = ErrorBody),
        (status = 409, description = "The application is neither under review nor in hearing", body = ErrorBody),
        (status = 422, description = "Bad account, due date (not after today in Paris) or question", body = ErrorBody),
    )
)]
pub async fn create_opinion_request(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    json: Result<Json<NewOpinionRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            signed_in.require(Action::Review, Format::Json)?;
            let app = visible_application(&ctx.app.store, &signed_in, &raw_id, Format::Json).await?;
            let input = body(json)?;
            let due_on = parse_date(&input.due_on, "due_on", Format::Json)?;
            let r = request_opinion(
                &ctx,
                &signed_in,
                app.id,
                input.requested_of_account_id,
                due_on,
                &input.question,
                Format::Json,
            )
            .await?;
            Ok((StatusCode::CREATED, Json(OpinionRequestDetail::new(r, OffsetDateTime::now_utc()))).into_response())
        }
        .await,
    )
}

/// The opinion requests the caller may see, with counts by status.
#[utoipa::path(
    get,
    path = "/api/v1/opinion-requests",
    tag = "applications",
    responses(
        (status = 200, description = "Reviewers: every request; instructors and experts: those addressed to them", body = OpinionRequestList),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role neither reviews nor gives opinions (project lead, partner)", body = ErrorBody),
    )
)]
pub async fn list_opinion_requests(Current(ctx): Current, signed_in: SignedIn) -> Response {
    no_store(
        async {
            let account = &signed_in.session.account;
            let store = &ctx.app.store;
            let requests = if allows(account.role, Action::Review) {
                store.opinion_requests().await
            } else if may_be_asked(account.role) {
                store.opinion_requests_of(account.id).await
            } else {
                return Err(AppError::new(
                    Format::Json,
                    ErrorKind::Forbidden,
                    format!("Votre rôle ({}) ne permet pas de consulter les avis.", account.role.label()),
                ));
            }
            .map_err(|e| AppError::internal(Format::Json, e))?;
            let now = OffsetDateTime::now_utc();
            let items: Vec<OpinionRequestDetail> = requests.into_iter().map(|r| OpinionRequestDetail::new(r, now)).collect();
            let counts = Counts::of(items.iter().map(|i| i.status));
            Ok(Json(OpinionRequestList { counts, items }).into_response())
        }
        .await,
    )
}

/// Answers a request addressed to the caller, once.
#[utoipa::path(
    post,
    path = "/api/v1/opinion-requests/{id}/answer",
    tag = "applications",
    params(("id" = i64, Path, description = "The request's identifier")),
    request_body = OpinionAnswerInput,
    responses(
        (status = 200, description = "The request, answered (dated by the server clock)", body = OpinionRequestDetail),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "A cookie write without X-CSRF-Token", body = ErrorBody),
        (status = 404, description = "No such request addressed to the caller", body = ErrorBody),
        (status = 409, description = "Already answered", body = ErrorBody),
        (status = 422, description = "Unknown verdict or blank answer", body = ErrorBody),
    )
)]
pub async fn answer_opinion_request(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    json: Result<Json<OpinionAnswerInput>, axum::extract::rejection::JsonRejection>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            let r = visible_request(&ctx, &signed_in, &raw_id, Format::Json).await?;
            if r.requested_of != signed_in.session.account.id {
                return Err(AppError::not_found(
                    Format::Json,
                    format!("Aucune demande d'avis n° {} ne vous est adressée.", r.id),
                ));
            }
            let input = body(json)?;
            let verdict = parse_verdict(&input.verdict, Format::Json)?;
            check_answer(&input.answer, Format::Json)?;
            let now = OffsetDateTime::now_utc();
            let answered = ctx
                .app
                .store
                .answer_opinion(r.id, verdict, &input.answer, &signed_in.session.account, now)
                .await
                .map_err(|e| store_error(Format::Json, e))?;
            Ok(Json(OpinionRequestDetail::new(answered, now)).into_response())
        }
        .await,
    )
}
