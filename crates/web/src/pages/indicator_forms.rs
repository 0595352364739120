//! The indicator page's forms (issue 4): entering a value, correcting it, the review steps,
//! and re-baselining — each checked, each answered with a redirect back to the page, or
//! with the page again showing the refusal beside its form (see [`super::indicator`]).

use super::indicator::{find_indicator, render, store_error, Failed, Fill};
use crate::auth::{self, SignedIn};
use crate::error::{no_store, AppError, AppResult, ErrorKind, Format};
use crate::format::{excerpt, ECHO_MAX};
use crate::Current;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use territoires_domain::access::Role;
use territoires_domain::impact::measurement::ReviewStep;
use territoires_domain::impact::{Indicator, IndicatorKind, Observation, Period};
use territoires_store::{Actor, Measurement, NewMeasurement};

/// The entry and correction form.
#[derive(Deserialize)]
pub struct MeasurementForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    reporter: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    numerator: String,
    #[serde(default)]
    denominator: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    submit: Option<String>,
}

/// A number as a French user types it (`1 234,5`), empty as `None`. Errors: 422 naming
/// `field`.
fn number(raw: &str, field: &str, format: Format) -> AppResult<Option<f64>> {
    territoires_formats::measurements_csv::parse_number(raw).map_err(|_| {
        AppError::new(
            format,
            ErrorKind::Unprocessable,
            format!(
                "Le champ « {field} » doit être un nombre (virgule décimale), reçu « {} ».",
                excerpt(raw, 40)
            ),
        )
    })
}

/// `raw` as a period of the indicator (`2025`, `2025-T1`, `2025-03`). Errors: 422 naming
/// `field`.
pub(crate) fn parse_period(raw: &str, field: &str, format: Format) -> AppResult<Period> {
    raw.parse().map_err(|e: territoires_domain::impact::period::PeriodError| {
        AppError::new(format, ErrorKind::Unprocessable, format!("Champ « {field} » : {e}"))
    })
}

/// The observation of indicator `i` from its parsed numbers: numerator and denominator for
/// a percentage (either may be missing), nothing for a qualitative indicator, the value
/// otherwise. Errors: 422 naming `value_field` when a quantity or ratio has no value (a
/// missing value is not entered: it is not zero).
pub(crate) fn observation(
    i: &Indicator,
    value: Option<f64>,
    numerator: Option<f64>,
    denominator: Option<f64>,
    value_field: &str,
    format: Format,
) -> AppResult<Option<Observation>> {
    Ok(match i.kind {
        IndicatorKind::Percentage => Some(Observation::Fraction { numerator, denominator }),
        IndicatorKind::Qualitative => None,
        IndicatorKind::Quantity | IndicatorKind::Ratio => match value {
            Some(value) => Some(Observation::Value { value }),
            None => {
                return Err(AppError::new(
                    format,
                    ErrorKind::Unprocessable,
                    format!("Le champ « {value_field} » est vide : une valeur manquante ne se saisit pas (elle n'est pas zéro)."),
                ))
            }
        },
    })
}

/// The form as a new measurement of `indicator`. Errors: 422 naming the field.
pub(crate) fn new_measurement(i: &Indicator, form: &MeasurementForm, format: Format) -> AppResult<NewMeasurement> {
    let period = parse_period(&form.period, "période", format)?;
    let observation = match i.kind {
        IndicatorKind::Percentage => observation(
            i,
            None,
            number(&form.numerator, "numérateur", format)?,
            number(&form.denominator, "dénominateur", format)?,
            "valeur",
            format,
        )?,
        IndicatorKind::Qualitative => None,
        IndicatorKind::Quantity | IndicatorKind::Ratio => {
            observation(i, number(&form.value, "valeur", format)?, None, None, "valeur", format)?
        }
    };
    let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    Ok(NewMeasurement {
        indicator: i.code.clone(),
        period,
        reporter: form.reporter.trim().to_owned(),
        observation,
        source: opt(&form.source),
        method: opt(&form.method),
        evidence: opt(&form.evidence),
        submit: form.submit.is_some(),
    })
}

/// `POST /indicateurs/{code}/mesures`: 303 back to the indicator.
pub async fn record(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(form): Form<MeasurementForm>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            let i = find_indicator(&ctx, &code, Format::Html).await?;
            let outcome = match new_measurement(&i, &form, Format::Html) {
                Ok(new) => ctx
                    .app
                    .store
                    .record_measurement(new, &Actor::account(&signed_in.session.account))
                    .await
                    .map(|_| ())
                    .map_err(|e| store_error(Format::Html, e)),
                Err(e) => Err(e),
            };
            settle(&ctx, &signed_in, &i.code, outcome, &form, None).await
        }
        .await,
    )
}

/// After an entry or a correction: 303 back to the measurements when it was recorded;
/// when it was refused for its content or a rule (422, 403, 409), the page again with the
/// message beside the form and what was typed kept, under the refusal's status; any other
/// error as its error page.
async fn settle(
    ctx: &crate::Ctx,
    signed_in: &SignedIn,
    code: &str,
    outcome: AppResult<()>,
    form: &MeasurementForm,
    correcting: Option<i64>,
) -> AppResult<Response> {
    let e = match outcome {
        Ok(()) => return Ok(Redirect::to(&format!("/indicateurs/{code}#mesures")).into_response()),
        Err(e) => e,
    };
    let status = match e.kind {
        ErrorKind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        _ => return Err(e),
    };
    let fill = Fill {
        period: form.period.clone(),
        reporter: form.reporter.clone(),
        value: form.value.clone(),
        numerator: form.numerator.clone(),
        denominator: form.denominator.clone(),
        source: form.source.clone(),
        method: form.method.clone(),
        evidence: form.evidence.clone(),
    };
    render(
        ctx,
        Some(signed_in),
        code,
        status,
        Some(Failed {
            message: e.message,
            fill,
            correcting,
        }),
    )
    .await
}

/// The measurement `raw_id` and its indicator, or 404.
pub(crate) async fn find_measurement(ctx: &crate::Ctx, raw_id: &str, format: Format) -> AppResult<(Measurement, Indicator)> {
    let not_found = || AppError::not_found(format, format!("Aucune mesure n° « {} ».", excerpt(raw_id, ECHO_MAX)));
    let id: i64 = raw_id.parse().map_err(|_| not_found())?;
    let m = ctx
        .app
        .store
        .measurement(id)
        .await
        .map_err(|e| AppError::internal(format, e))?
        .ok_or_else(not_found)?;
    let i = find_indicator(ctx, &m.indicator, format).await?;
    Ok((m, i))
}

/// `POST /mesures/{id}/correction`: 303 back to the indicator.
pub async fn correct(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    Form(form): Form<MeasurementForm>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            let (m, i) = find_measurement(&ctx, &raw_id, Format::Html).await?;
            let outcome = match new_measurement(&i, &form, Format::Html) {
                Ok(new) => ctx
                    .app
                    .store
                    .correct_measurement(m.id, new, &Actor::account(&signed_in.session.account))
                    .await
                    .map(|_| ())
                    .map_err(|e| store_error(Format::Html, e)),
                Err(e) => Err(e),
            };
            settle(&ctx, &signed_in, &i.code, outcome, &form, Some(m.id)).await
        }
        .await,
    )
}

/// The review form.
#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    step: String,
    #[serde(default)]
    reason: String,
}

/// The step named `raw` (`submit`, `approve`, `return`). Errors: 422.
pub(crate) fn parse_step(raw: &str, format: Format) -> AppResult<ReviewStep> {
    match raw.trim() {
        "submit" => Ok(ReviewStep::Submit),
        "approve" => Ok(ReviewStep::Approve),
        "return" => Ok(ReviewStep::Return),
        other => Err(AppError::new(
            format,
            ErrorKind::Unprocessable,
            format!(
                "Le champ « step » doit valoir submit, approve ou return (reçu : « {} »).",
                excerpt(other, 40)
            ),
        )),
    }
}

/// `POST /mesures/{id}/revue`: 303 back to the indicator.
pub async fn review(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            let step = parse_step(&form.step, Format::Html)?;
            let (m, i) = find_measurement(&ctx, &raw_id, Format::Html).await?;
            let reason = Some(form.reason.as_str()).filter(|r| !r.trim().is_empty());
            ctx.app
                .store
                .review_measurement(m.id, step, &Actor::account(&signed_in.session.account), reason)
                .await
                .map_err(|e| store_error(Format::Html, e))?;
            Ok(Redirect::to(&format!("/indicateurs/{}#mesures", i.code)).into_response())
        }
        .await,
    )
}

/// The baseline form.
#[derive(Deserialize)]
pub struct BaselineForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    reason: String,
}

/// `indicator` with the baseline of `form`. Errors: 422 naming the field.
pub(crate) fn rebaselined(mut indicator: Indicator, value: &str, date: &str, source: &str, format: Format) -> AppResult<Indicator> {
    let unprocessable = |m: String| AppError::new(format, ErrorKind::Unprocessable, m);
    let value = number(value, "valeur", format)?.ok_or_else(|| unprocessable("Le champ « valeur » est vide.".into()))?;
    let date = crate::pages::opinions::parse_date(date, "date", format)?;
    if source.trim().is_empty() {
        return Err(unprocessable(
            "Le champ « source » est vide : une valeur de référence dit d'où elle vient.".into(),
        ));
    }
    indicator.baseline = Some(territoires_domain::impact::Baseline {
        value,
        date,
        source: source.trim().to_owned(),
    });
    Ok(indicator)
}

/// `POST /indicateurs/{code}/reference`: 303 back to the indicator; 403 for anyone but a
/// programme manager; 422 naming the field (a reason is required).
pub async fn rebaseline(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(form): Form<BaselineForm>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            require_programme_manager(&signed_in, Format::Html)?;
            let i = find_indicator(&ctx, &code, Format::Html).await?;
            let new = rebaselined(i, &form.value, &form.date, &form.source, Format::Html)?;
            ctx.app
                .store
                .update_indicator(&code, new, &Actor::account(&signed_in.session.account), &form.reason)
                .await
                .map_err(|e| store_error(Format::Html, e))?;
            Ok(Redirect::to(&format!("/indicateurs/{code}")).into_response())
        }
        .await,
    )
}

/// 403 unless the account is a programme manager (who changes definitions and baselines).
pub(crate) fn require_programme_manager(signed_in: &SignedIn, format: Format) -> AppResult<()> {
    let role = signed_in.session.account.role;
    if role == Role::ProgrammeManager {
        Ok(())
    } else {
        Err(AppError::new(
            format,
            ErrorKind::Forbidden,
            format!(
                "Seul un chargé de programme change la référence d'un indicateur (votre rôle : {}).",
                role.label()
            ),
        ))
    }
}
