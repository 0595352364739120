//! Measurements in the API (issue 4 §3 and §6):
//!
//! - `GET /api/v1/indicators/{code}/measurements` — the public sees approved values; the
//!   project's members and the operator's staff (programme managers, instructors,
//!   administrators) see every measurement, superseded ones included (`superseded_by`);
//! - `POST /api/v1/indicators/{code}/measurements` — enter a value (members of the
//!   project, programme managers, administrators);
//! - `POST /api/v1/measurements/{id}/correction` — a corrected value superseding the old
//!   one, which is kept;
//! - `POST /api/v1/measurements/{id}/review` — submit, approve, or return with a reason;
//! - `GET /api/v1/measurements/{id}/events` — the history (insiders only);
//! - `POST /api/v1/measurements/import` — a French CSV file, all or nothing.
//!
//! The rules (who may enter, submit, approve; statuses; shapes of values) are
//! `territoires_domain::impact::measurement`'s, checked by the store; every step goes to
//! the audit trail. Writes call `check_api_write` first. Never cached.

use crate::api::json_body as body;
use crate::auth::{MaybeSignedIn, SignedIn};
use crate::error::{no_store, AppError, AppResult, ErrorBody, ErrorKind, Format};
use crate::format::{excerpt, ECHO_MAX};
use crate::pages::indicator::{find_indicator, find_measurement, insider, observation, parse_period, parse_step, store_error};
use crate::pages::measurement_import::{import, require_enter, Outcome};
use crate::Current;
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use territoires_domain::impact::measurement::Yield;
use territoires_domain::impact::{Indicator, MeasurementStatus, Observation};
use territoires_store::{Actor, Measurement, MeasurementEvent, NewMeasurement};
use time::Date;
use utoipa::{IntoParams, ToSchema};

/// A value to enter, or the corrected version of one.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MeasurementInput {
    /// The period, of the indicator's frequency: `2025`, `2025-Q1` (or `2025-T1`), `2025-03`.
    pub period: String,
    /// Who reports it within the project (an organisation or a name): values of different
    /// reporters for one period add up; a reporter's later value replaces its earlier one.
    #[serde(default)]
    pub reporter: String,
    /// The value in the indicator's unit (quantity or ratio; required for them).
    #[serde(default)]
    pub value: Option<f64>,
    /// For a percentage: what is counted (15 households). Missing is not zero.
    #[serde(default)]
    pub numerator: Option<f64>,
    /// For a percentage: out of what (50 households). Zero gives no value.
    #[serde(default)]
    pub denominator: Option<f64>,
    /// Where the value comes from.
    #[serde(default)]
    pub source: Option<String>,
    /// How it was produced.
    #[serde(default)]
    pub method: Option<String>,
    /// Evidence reference: a URL, a document's name.
    #[serde(default)]
    pub evidence: Option<String>,
    /// Send it for review at once (`submitted`) instead of leaving a draft.
    #[serde(default)]
    pub submit: bool,
}

impl MeasurementInput {
    /// The input as a new measurement of `i`. Errors: 422 naming the field.
    fn parse(self, i: &Indicator) -> AppResult<NewMeasurement> {
        let period = parse_period(&self.period, "period", Format::Json)?;
        let observation = observation(i, self.value, self.numerator, self.denominator, "value", Format::Json)?;
        let opt = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(NewMeasurement {
            indicator: i.code.clone(),
            period,
            reporter: self.reporter.trim().to_owned(),
            observation,
            source: opt(self.source),
            method: opt(self.method),
            evidence: opt(self.evidence),
            submit: self.submit,
        })
    }
}

/// A stored measurement.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasurementDetail {
    /// Identifier, increasing in recording order.
    pub id: i64,
    /// Indicator code.
    pub indicator: String,
    /// Version of the indicator's definition it was reported under.
    pub indicator_version: u32,
    /// Project slug.
    pub project: String,
    /// The period (`2025-Q1`).
    pub period: String,
    /// The period's last day.
    pub period_end: Date,
    /// Who reports it within the project.
    pub reporter: String,
    /// The value in the indicator's unit (a percentage: 100 × numerator / denominator);
    /// `null` when missing or undefined (a count missing, a zero denominator).
    pub value: Option<f64>,
    /// For a percentage: the numerator as entered.
    pub numerator: Option<f64>,
    /// For a percentage: the denominator as entered.
    pub denominator: Option<f64>,
    /// True when the denominator is zero: no value, and a warning.
    pub zero_denominator: bool,
    /// Source.
    pub source: Option<String>,
    /// Method.
    pub method: Option<String>,
    /// Evidence reference.
    pub evidence: Option<String>,
    /// Who entered it (an e-mail or `cli:<user>`); shown to insiders only, `null` otherwise.
    pub submitted_by: Option<String>,
    /// `draft`, `submitted`, `approved` or `returned`.
    pub status: MeasurementStatus,
    /// Why it was returned, while `returned`.
    pub return_reason: Option<String>,
    /// The measurement this one corrects.
    pub supersedes: Option<i64>,
    /// The measurement that corrects this one (kept, no longer acted on).
    pub superseded_by: Option<i64>,
    /// When recorded (RFC 3339, UTC).
    pub recorded_at: String,
    /// When its status or supersession last changed (RFC 3339, UTC).
    pub updated_at: String,
}

impl MeasurementDetail {
    fn new(m: Measurement, insider: bool) -> MeasurementDetail {
        let (value, numerator, denominator, zero_denominator) = match m.observation {
            Some(o) => {
                let (n, d) = match o {
                    Observation::Fraction { numerator, denominator } => (numerator, denominator),
                    Observation::Value { .. } => (None, None),
                };
                (o.value_opt(), n, d, o.value() == Yield::ZeroDenominator)
            }
            None => (None, None, None, false),
        };
        MeasurementDetail {
            id: m.id,
            indicator: m.indicator,
            indicator_version: m.indicator_version,
            project: m.project,
            period: m.period.to_string(),
            period_end: m.period_end,
            reporter: m.reporter,
            value,
            numerator,
            denominator,
            zero_denominator,
            source: m.source,
            method: m.method,
            evidence: m.evidence,
            submitted_by: insider.then_some(m.submitted_by),
            status: m.status,
            return_reason: m.return_reason,
            supersedes: m.supersedes,
            superseded_by: m.superseded_by,
            recorded_at: m.recorded_at,
            updated_at: m.updated_at,
        }
    }
}

/// An indicator's measurements, in recording order.
#[utoipa::path(
    get,
    path = "/api/v1/indicators/{code}/measurements",
    tag = "impact",
    params(("code" = String, Path, description = "The indicator's code")),
    responses(
        (status = 200, description = "The public: approved values; the project's members and the operator's staff: every measurement, superseded ones included", body = [MeasurementDetail]),
        (status = 404, description = "No such indicator", body = ErrorBody),
    )
)]
pub async fn list_measurements(Current(ctx): Current, MaybeSignedIn(signed_in): MaybeSignedIn, Path(code): Path<String>) -> Response {
    no_store(
        async {
            let i = find_indicator(&ctx, &code, Format::Json).await?;
            let insider = insider(&ctx, signed_in.as_ref(), i.project.as_deref(), Format::Json).await?;
            let all = ctx
                .app
                .store
                .measurements(&i.code)
                .await
                .map_err(|e| AppError::internal(Format::Json, e))?;
            let items: Vec<MeasurementDetail> = all
                .into_iter()
                .filter(|m| insider || m.status == MeasurementStatus::Approved)
                .map(|m| MeasurementDetail::new(m, insider))
                .collect();
            Ok(Json(items).into_response())
        }
        .await,
    )
}

/// Enters a value of an indicator, as a draft or submitted at once.
#[utoipa::path(
    post,
    path = "/api/v1/indicators/{code}/measurements",
    tag = "impact",
    params(("code" = String, Path, description = "The indicator's code")),
    request_body = MeasurementInput,
    responses(
        (status = 201, description = "The measurement", body = MeasurementDetail),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role does not enter measurements, the account is not a member of the project, or a cookie write without X-CSRF-Token", body = ErrorBody),
        (status = 404, description = "No such indicator", body = ErrorBody),
        (status = 422, description = "A bad field (period not of the indicator's frequency, blank reporter, missing value, value of the wrong shape), named in the message", body = ErrorBody),
    )
)]
pub async fn create_measurement(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(code): Path<String>,
    json: Result<Json<MeasurementInput>, axum::extract::rejection::JsonRejection>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            let i = find_indicator(&ctx, &code, Format::Json).await?;
            let new = body(json)?.parse(&i)?;
            let m = ctx
                .app
                .store
                .record_measurement(new, &Actor::account(&signed_in.session.account))
                .await
                .map_err(|e| store_error(Format::Json, e))?;
            Ok((StatusCode::CREATED, Json(MeasurementDetail::new(m, true))).into_response())
        }
        .await,
    )
}

/// Corrects a measurement: a new one supersedes it; the old one is kept.
#[utoipa::path(
    post,
    path = "/api/v1/measurements/{id}/correction",
    tag = "impact",
    params(("id" = i64, Path, description = "The measurement corrected")),
    request_body = MeasurementInput,
    responses(
        (status = 201, description = "The new measurement (`supersedes` = id)", body = MeasurementDetail),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role does not enter measurements, the account is not a member of the project, or a cookie write without X-CSRF-Token", body = ErrorBody),
        (status = 404, description = "No such measurement", body = ErrorBody),
        (status = 409, description = "Already superseded: correct its correction", body = ErrorBody),
        (status = 422, description = "A bad field, named in the message", body = ErrorBody),
    )
)]
pub async fn correct_measurement(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    json: Result<Json<MeasurementInput>, axum::extract::rejection::JsonRejection>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            let (old, i) = find_measurement(&ctx, &raw_id, Format::Json).await?;
            let new = body(json)?.parse(&i)?;
            let m = ctx
                .app
                .store
                .correct_measurement(old.id, new, &Actor::account(&signed_in.session.account))
                .await
                .map_err(|e| store_error(Format::Json, e))?;
            Ok((StatusCode::CREATED, Json(MeasurementDetail::new(m, true))).into_response())
        }
        .await,
    )
}

/// A review step.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewInput {
    /// `submit` (the project side: draft or returned → submitted), `approve` or `return`
    /// (programme managers and instructors: submitted → approved / returned).
    pub step: String,
    /// Why it is returned: required for `return`.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Takes a review step on a measurement.
#[utoipa::path(
    post,
    path = "/api/v1/measurements/{id}/review",
    tag = "impact",
    params(("id" = i64, Path, description = "The measurement")),
    request_body = ReviewInput,
    responses(
        (status = 200, description = "The measurement in its new status", body = MeasurementDetail),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role may not take this step (an administrator does not review), the account is not a member of the project, or a cookie write without X-CSRF-Token", body = ErrorBody),
        (status = 404, description = "No such measurement", body = ErrorBody),
        (status = 409, description = "The step does not apply to the measurement's status, or it was superseded", body = ErrorBody),
        (status = 422, description = "Unknown step, or a return without a reason", body = ErrorBody),
    )
)]
pub async fn review_measurement(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    json: Result<Json<ReviewInput>, axum::extract::rejection::JsonRejection>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            let (m, _) = find_measurement(&ctx, &raw_id, Format::Json).await?;
            let input = body(json)?;
            let step = parse_step(&input.step, Format::Json)?;
            let reason = input.reason.as_deref().filter(|r| !r.trim().is_empty());
            let m = ctx
                .app
                .store
                .review_measurement(m.id, step, &Actor::account(&signed_in.session.account), reason)
                .await
                .map_err(|e| store_error(Format::Json, e))?;
            Ok(Json(MeasurementDetail::new(m, true)).into_response())
        }
        .await,
    )
}

/// One step of a measurement's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasurementEventItem {
    /// `record`, `correct`, `superseded`, `submit`, `approve` or `return`.
    pub step: &'static str,
    /// French label (`validée`).
    pub label: &'static str,
    /// Who (an e-mail or `cli:<user>`).
    pub actor: String,
    /// The reason of a return, or which measurement replaced / was replaced.
    pub reason: Option<String>,
    /// When (RFC 3339, UTC).
    pub at: String,
}

impl From<MeasurementEvent> for MeasurementEventItem {
    fn from(e: MeasurementEvent) -> MeasurementEventItem {
        MeasurementEventItem {
            step: e.step.code(),
            label: e.step.label(),
            actor: e.actor,
            reason: e.reason,
            at: e.at,
        }
    }
}

/// The history of a measurement, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/measurements/{id}/events",
    tag = "impact",
    params(("id" = i64, Path, description = "The measurement")),
    responses(
        (status = 200, description = "Every step: recorded, corrected, superseded, submitted, approved, returned", body = [MeasurementEventItem]),
        (status = 404, description = "No such measurement, or the caller is neither a member of its project nor on the operator's staff", body = ErrorBody),
    )
)]
pub async fn list_measurement_events(
    Current(ctx): Current,
    MaybeSignedIn(signed_in): MaybeSignedIn,
    Path(raw_id): Path<String>,
) -> Response {
    no_store(
        async {
            let hidden = || AppError::not_found(Format::Json, format!("Aucune mesure n° « {} ».", excerpt(&raw_id, ECHO_MAX)));
            let (m, _) = find_measurement(&ctx, &raw_id, Format::Json).await?;
            if !insider(&ctx, signed_in.as_ref(), Some(&m.project), Format::Json).await? {
                return Err(hidden());
            }
            let events = ctx
                .app
                .store
                .measurement_events(m.id)
                .await
                .map_err(|e| AppError::internal(Format::Json, e))?;
            let items: Vec<MeasurementEventItem> = events.into_iter().map(Into::into).collect();
            Ok(Json(items).into_response())
        }
        .await,
    )
}

/// Query of the import.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `true`: every row is submitted for review at once; `false` (default): drafts.
    pub submit: Option<String>,
    /// `true`: every row is checked as an import would, nothing is written, and the
    /// response lists what would be imported; `false` (default): import.
    pub dry_run: Option<String>,
}

/// What an import recorded (or, for a dry run, would record).
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    /// How many measurements were recorded (0 for a dry run).
    pub imported: usize,
    /// Dry run only: how many measurements an import would record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub would_import: Option<usize>,
    /// Dry run only: the encoding the file was read in (`UTF-8`, `UTF-8 (avec BOM)`,
    /// `Windows-1252`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Dry run only: one line per row that would be imported (`ligne 2 : code 2025-T1
    /// (déclarant)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<String>>,
}

/// A `true`/`false` query parameter (`1`/`0`, blank is false). Errors: 400 naming `name`.
fn boolean(raw: Option<&str>, name: &str) -> Result<bool, AppError> {
    match raw.map(str::trim) {
        None | Some("") | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(other) => Err(AppError::invalid_parameter(
            Format::Json,
            name,
            format!("Paramètre « {name} » invalide : « {} » (true ou false).", excerpt(other, ECHO_MAX)),
        )),
    }
}

/// Imports measurements from a CSV file as a French user writes it: `;` or `,`, decimal
/// comma, spaced thousands, UTF-8 with or without BOM or Windows-1252, `€` or `%` after a
/// value in its indicator's unit; columns `indicateur`, `période`, `valeur` or
/// `numérateur` + `dénominateur`, `déclarant`, optional `source`, `méthode`,
/// `justificatif`. All or nothing; `dry_run=true` checks only.
#[utoipa::path(
    post,
    path = "/api/v1/measurements/import",
    tag = "impact",
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV file"),
    responses(
        (status = 200, description = "Every row recorded, or with `dry_run=true` every row checked and nothing written", body = ImportResult, example = json!({"imported": 12})),
        (status = 400, description = "`submit` or `dry_run` is neither `true` nor `false`", body = ErrorBody),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role does not enter measurements, or a cookie write without X-CSRF-Token", body = ErrorBody),
        (status = 422, description = "Every faulty line in the message (`ligne 3, colonne C (valeur) : …`); nothing written", body = ErrorBody),
    )
)]
pub async fn import_measurements(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Query(q): Query<ImportQuery>,
    bytes: Bytes,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            require_enter(&signed_in, Format::Json)?;
            let submit = boolean(q.submit.as_deref(), "submit")?;
            let dry_run = boolean(q.dry_run.as_deref(), "dry_run")?;
            let unprocessable = |m: String| AppError::new(Format::Json, ErrorKind::Unprocessable, m);
            if bytes.is_empty() {
                return Err(unprocessable("Le corps de la requête est vide : envoyez le fichier CSV.".into()));
            }
            match import(&ctx, &signed_in, &bytes, submit, dry_run, Format::Json).await? {
                Ok(Outcome::Imported(imported)) => Ok(Json(ImportResult {
                    imported,
                    would_import: None,
                    encoding: None,
                    lines: None,
                })
                .into_response()),
                Ok(Outcome::Checked(checked)) => Ok(Json(ImportResult {
                    imported: 0,
                    would_import: Some(checked.lines.len()),
                    encoding: Some(checked.encoding.to_owned()),
                    lines: Some(checked.lines),
                })
                .into_response()),
                Err(errors) => Err(unprocessable(format!(
                    "Fichier refusé, rien n'a été enregistré : {}",
                    errors.join(" ; ")
                ))),
            }
        }
        .await,
    )
}
