//! Measurements: recording, correcting (a new row supersedes the old, which stays),
//! reviewing (draft → submitted → approved, or returned with a reason), reading back, and
//! what aggregation consumes ([`Store::reported`]).

use super::members::is_member;
use super::{clean, refuse, Actor, ImpactRefusal};
use crate::codec::{bind_f64, date, from_date, u32_of};
use crate::{Store, StoreError};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeMap;
use territoires_domain::access::Role;
use territoires_domain::audit::AuditDraft;
use territoires_domain::impact::measurement::{may_enter, review, ReviewStep};
use territoires_domain::impact::{Indicator, IndicatorKind, MeasurementStatus, Observation, Period, Reported};
use time::Date;

/// A measurement to record (or the corrected version of one).
#[derive(Debug, Clone, PartialEq)]
pub struct NewMeasurement {
    /// Indicator code; the measurement belongs to the indicator's project.
    pub indicator: String,
    /// The period, of the indicator's frequency (a quarter for a quarterly indicator).
    pub period: Period,
    /// Who reports it within the project (an organisation or a name): values of different
    /// reporters for one period add up; a reporter's later value replaces its earlier one.
    pub reporter: String,
    /// The value (`Value` in the indicator's unit) or, for a percentage, numerator and
    /// denominator (either may be missing, not both); `None` for a qualitative indicator.
    pub observation: Option<Observation>,
    /// Where the value comes from (a survey, a register…).
    pub source: Option<String>,
    /// How it was produced.
    pub method: Option<String>,
    /// A reference to the evidence: a URL, a document's name.
    pub evidence: Option<String>,
    /// Submit it for review at once (status `submitted`) instead of leaving a draft.
    pub submit: bool,
}

/// A stored measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// Identifier, increasing in recording order.
    pub id: i64,
    /// Indicator code.
    pub indicator: String,
    /// The version of the indicator's definition in force when it was recorded.
    pub indicator_version: u32,
    /// Project slug.
    pub project: String,
    /// The period.
    pub period: Period,
    /// The period's last day (the date a level or cumulative value is taken at).
    pub period_end: Date,
    /// Who reports it within the project.
    pub reporter: String,
    /// What was observed; `None` for a qualitative indicator.
    pub observation: Option<Observation>,
    /// Source of the value.
    pub source: Option<String>,
    /// Method.
    pub method: Option<String>,
    /// Evidence reference.
    pub evidence: Option<String>,
    /// Who entered it: an account's e-mail or `cli:<user>`.
    pub submitted_by: String,
    /// Review status.
    pub status: MeasurementStatus,
    /// Why it was returned, while it is `returned`.
    pub return_reason: Option<String>,
    /// The measurement this one corrects.
    pub supersedes: Option<i64>,
    /// The measurement that corrects this one (then this one is kept, but no longer acted on).
    pub superseded_by: Option<i64>,
    /// When it was recorded (RFC 3339, UTC).
    pub recorded_at: String,
    /// When its status or supersession last changed (RFC 3339, UTC).
    pub updated_at: String,
}

impl Measurement {
    /// The measurement as aggregation sees it (`seq` = id); `None` without an observation.
    pub fn to_reported(&self) -> Option<Reported> {
        Some(Reported {
            project: self.project.clone(),
            indicator: self.indicator.clone(),
            period: self.period,
            reporter: self.reporter.clone(),
            observation: self.observation?,
            seq: self.id,
        })
    }
}

/// A step in a measurement's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventStep {
    /// Recorded (as a draft, or submitted at once: a `Submit` step follows).
    Record,
    /// Recorded as the correction of another measurement.
    Correct,
    /// Replaced by a correction.
    Superseded,
    /// Submitted for review.
    Submit,
    /// Approved.
    Approve,
    /// Returned for revision, with a reason.
    Return,
}

impl EventStep {
    const ALL: [EventStep; 6] = [
        EventStep::Record,
        EventStep::Correct,
        EventStep::Superseded,
        EventStep::Submit,
        EventStep::Approve,
        EventStep::Return,
    ];

    /// Stable code, as stored: `record`, `correct`, `superseded`, `submit`, `approve`, `return`.
    pub fn code(self) -> &'static str {
        match self {
            EventStep::Record => "record",
            EventStep::Correct => "correct",
            EventStep::Superseded => "superseded",
            EventStep::Submit => "submit",
            EventStep::Approve => "approve",
            EventStep::Return => "return",
        }
    }

    /// French label, for the history shown on a page.
    pub fn label(self) -> &'static str {
        match self {
            EventStep::Record => "saisie",
            EventStep::Correct => "correction",
            EventStep::Superseded => "remplacée",
            EventStep::Submit => "soumise",
            EventStep::Approve => "validée",
            EventStep::Return => "renvoyée en révision",
        }
    }

    /// The step whose code is `code`.
    pub fn from_code(code: &str) -> Option<EventStep> {
        EventStep::ALL.into_iter().find(|s| s.code() == code)
    }

    fn of_review(step: ReviewStep) -> EventStep {
        match step {
            ReviewStep::Submit => EventStep::Submit,
            ReviewStep::Approve => EventStep::Approve,
            ReviewStep::Return => EventStep::Return,
        }
    }
}

/// One step of a measurement's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasurementEvent {
    /// The measurement.
    pub measurement_id: i64,
    /// What happened.
    pub step: EventStep,
    /// Who: an account's e-mail or `cli:<user>`.
    pub actor: String,
    /// The reason given (a return), or which measurement replaced / was replaced.
    pub reason: Option<String>,
    /// When (RFC 3339, UTC).
    pub at: String,
}

pub(super) const COLUMNS: &str = "id, indicator_code, indicator_version, project_slug, period, period_end, reporter, value, numerator, denominator, source, method, evidence, submitted_by, status, return_reason, supersedes, superseded_by, recorded_at, updated_at";

pub(super) fn decode(r: &AnyRow) -> Result<Measurement, StoreError> {
    let id: i64 = r.try_get("id")?;
    let what = |col: &str| format!("measurements {id}: {col}");
    let period: String = r.try_get("period")?;
    let status: String = r.try_get("status")?;
    let value: Option<f64> = r.try_get("value")?;
    let numerator: Option<f64> = r.try_get("numerator")?;
    let denominator: Option<f64> = r.try_get("denominator")?;
    // A value column for a value; numerator/denominator for a fraction; none for a
    // qualitative report (record_measurement never writes both shapes).
    let observation = match (value, numerator, denominator) {
        (Some(value), _, _) => Some(Observation::Value { value }),
        (None, None, None) => None,
        (None, numerator, denominator) => Some(Observation::Fraction { numerator, denominator }),
    };
    Ok(Measurement {
        id,
        indicator: r.try_get("indicator_code")?,
        indicator_version: u32_of(r.try_get("indicator_version")?, &what("indicator_version"))?,
        project: r.try_get("project_slug")?,
        period: period
            .parse()
            .map_err(|e| StoreError::Invalid(format!("{}: {e}", what("period"))))?,
        period_end: from_date(&r.try_get::<String, _>("period_end")?, &what("period_end"))?,
        reporter: r.try_get("reporter")?,
        observation,
        source: r.try_get("source")?,
        method: r.try_get("method")?,
        evidence: r.try_get("evidence")?,
        submitted_by: r.try_get("submitted_by")?,
        status: MeasurementStatus::from_code(&status).ok_or_else(|| StoreError::Invalid(format!("{}: {status:?}", what("status"))))?,
        return_reason: r.try_get("return_reason")?,
        supersedes: r.try_get("supersedes")?,
        superseded_by: r.try_get("superseded_by")?,
        recorded_at: r.try_get("recorded_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn field(field: &'static str, why: impl Into<String>) -> StoreError {
    StoreError::Impact(ImpactRefusal::Field { field, why: why.into() })
}

/// A number as audit text (the audit trail holds no floats: its hashes must not depend on
/// float formatting by the database).
fn text(v: Option<f64>) -> Option<String> {
    v.map(|v| v.to_string())
}

/// The columns `(value, numerator, denominator)` of an observation.
fn columns(o: Option<Observation>) -> (Option<f64>, Option<f64>, Option<f64>) {
    match o {
        None => (None, None, None),
        Some(Observation::Value { value }) => (Some(value), None, None),
        Some(Observation::Fraction { numerator, denominator }) => (None, numerator, denominator),
    }
}

/// The largest absolute value accepted for a value, a numerator or a denominator.
const MAX_ABS: f64 = 1e15;

/// Checks the observation's shape against the indicator's kind, and its numbers: finite,
/// at most [`MAX_ABS`] in absolute value; for a percentage, counts that are not negative
/// and a numerator not above its denominator (a share is at most 100 %).
fn check_observation(indicator: &Indicator, observation: Option<Observation>) -> Result<(), StoreError> {
    // Finite, and within ±1e15: beyond, a value is a typing or unit error (no territory
    // counts a million billion of anything), and sums of such values lose precision.
    let finite = |name: &'static str, v: Option<f64>| match v {
        Some(v) if !v.is_finite() => Err(field(name, "nombre non fini")),
        Some(v) if v.abs() > MAX_ABS => Err(field(
            name,
            format!("{v} dépasse 10^15 en valeur absolue : vérifiez l'unité et la saisie"),
        )),
        _ => Ok(()),
    };
    match (indicator.kind, observation) {
        (IndicatorKind::Qualitative, None) => Ok(()),
        (IndicatorKind::Qualitative, Some(_)) => Err(field(
            "valeur",
            "un indicateur qualitatif ne prend pas de nombre : décrivez le constat dans le justificatif",
        )),
        (IndicatorKind::Percentage, Some(Observation::Fraction { numerator, denominator })) => {
            if numerator.is_none() && denominator.is_none() {
                return Err(field("numérateur", "numérateur ou dénominateur attendu (au moins l'un des deux)"));
            }
            finite("numérateur", numerator)?;
            finite("dénominateur", denominator)?;
            if numerator.is_some_and(|n| n < 0.0) {
                return Err(field("numérateur", "un numérateur est un compte, jamais négatif"));
            }
            if denominator.is_some_and(|d| d < 0.0) {
                return Err(field("dénominateur", "un dénominateur est un compte, jamais négatif"));
            }
            if let (Some(n), Some(d)) = (numerator, denominator) {
                if n > d {
                    return Err(field(
                        "numérateur",
                        format!("{n} dépasse le dénominateur {d} : une part ne dépasse pas 100 %"),
                    ));
                }
            }
            Ok(())
        }
        (IndicatorKind::Percentage, _) => Err(field(
            "valeur",
            "un indicateur en pourcentage se déclare par numérateur et dénominateur, pas par une valeur",
        )),
        (_, Some(Observation::Value { value })) => finite("valeur", Some(value)),
        (_, Some(Observation::Fraction { .. })) => Err(field(
            "numérateur",
            "seul un indicateur en pourcentage se déclare par numérateur et dénominateur : donnez une valeur",
        )),
        (_, None) => Err(field("valeur", "obligatoire (une cellule vide est une valeur manquante, pas zéro)")),
    }
}

/// May `actor` enter or submit for `project`? Project leads and partners only for a
/// project they are members of; the operator's staff for any.
async fn check_scope(tx: &mut Transaction<'_, Any>, actor: &Actor, project: &str) -> Result<(), StoreError> {
    if !may_enter(actor.role) {
        return refuse(ImpactRefusal::MayNotEnter(actor.role));
    }
    if matches!(actor.role, Role::ProjectLead | Role::Partner) {
        let member = match actor.account_id {
            Some(id) => is_member(tx, project, id).await?,
            None => false,
        };
        if !member {
            return refuse(ImpactRefusal::NotMember(project.to_owned()));
        }
    }
    Ok(())
}

async fn fetch(tx: &mut Transaction<'_, Any>, id: i64) -> Result<Measurement, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM measurements WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    match row {
        Some(r) => decode(&r),
        None => refuse(ImpactRefusal::UnknownMeasurement(id)),
    }
}

async fn event(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    step: EventStep,
    actor: &Actor,
    reason: Option<String>,
    at: &str,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO measurement_events (measurement_id, step, actor, reason, at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(step.code())
        .bind(actor.name.clone())
        .bind(reason)
        .bind(at.to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The UTC date of `at` (an RFC 3339 timestamp from [`crate::audit::now`]), so that the
/// check on periods and the audit trail agree on the day; the clock's date if unreadable.
fn today_of(at: &str) -> Date {
    time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .to_offset(time::UtcOffset::UTC)
        .date()
}

/// Validates `new` and inserts it (superseding `supersedes` if given), with its events and
/// audit entry, in `tx`. Returns the new id.
async fn record_in(
    tx: &mut Transaction<'_, Any>,
    new: &NewMeasurement,
    actor: &Actor,
    supersedes: Option<i64>,
    at: &str,
) -> Result<i64, StoreError> {
    let indicator = sqlx::query("SELECT v.definition, v.version FROM indicators i JOIN indicator_versions v ON v.code = i.code AND v.version = i.current_version WHERE i.code = $1")
        .bind(new.indicator.clone())
        .fetch_optional(&mut **tx)
        .await?;
    let Some(indicator) = indicator else {
        return refuse(ImpactRefusal::UnknownIndicator(new.indicator.clone()));
    };
    let version: i64 = indicator.try_get("version")?;
    let indicator: Indicator = crate::codec::from_json(
        &indicator.try_get::<String, _>("definition")?,
        &format!("indicator_versions {}", new.indicator),
    )?;
    let Some(project) = indicator.project.clone() else {
        return Err(field(
            "indicateur",
            format!(
                "« {} » est un indicateur du programme : ses valeurs se calculent à partir de celles des projets",
                indicator.code
            ),
        ));
    };
    check_scope(tx, actor, &project).await?;
    if !indicator.frequency.accepts(new.period) {
        return Err(field(
            "période",
            format!(
                "« {} » ne convient pas : l'indicateur « {} » a une fréquence {}",
                new.period,
                indicator.code,
                indicator.frequency.label()
            ),
        ));
    }
    let today = today_of(at);
    if new.period.start() > today {
        return Err(field(
            "période",
            format!(
                "« {} » commence après aujourd'hui ({today}) : on ne déclare pas une valeur d'une période à venir",
                new.period
            ),
        ));
    }
    let reporter = new.reporter.trim();
    if reporter.is_empty() {
        return Err(field(
            "déclarant",
            "obligatoire (l'organisation ou la personne qui déclare la valeur)",
        ));
    }
    check_observation(&indicator, new.observation)?;
    let status = if new.submit {
        review(MeasurementStatus::Draft, ReviewStep::Submit, actor.role, None).map_err(ImpactRefusal::from)?
    } else {
        MeasurementStatus::Draft
    };
    let (value, numerator, denominator) = columns(new.observation);
    let query = sqlx::query(
        "INSERT INTO measurements (indicator_code, indicator_version, project_slug, period, period_end, reporter, value, numerator, denominator, source, method, evidence, submitted_by, status, supersedes, recorded_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id",
    )
    .bind(indicator.code.clone())
    .bind(version)
    .bind(project.clone())
    .bind(new.period.to_string())
    .bind(date(new.period.end()))
    .bind(reporter.to_owned());
    let query = bind_f64(bind_f64(bind_f64(query, value), numerator), denominator);
    let id: i64 = query
        .bind(clean(&new.source))
        .bind(clean(&new.method))
        .bind(clean(&new.evidence))
        .bind(actor.name.clone())
        .bind(status.code())
        .bind(supersedes)
        .bind(at.to_owned())
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
    let (step, reason) = match supersedes {
        Some(old) => (EventStep::Correct, Some(format!("remplace la mesure n° {old}"))),
        None => (EventStep::Record, None),
    };
    event(tx, id, step, actor, reason, at).await?;
    if new.submit {
        event(tx, id, EventStep::Submit, actor, None, at).await?;
    }
    let entry = AuditDraft::new(
        at.to_owned(),
        actor.audit_name(),
        if supersedes.is_some() {
            "measurement.correct"
        } else {
            "measurement.record"
        },
        format!("measurement:{id}"),
        match supersedes {
            Some(old) => json!({ "measurement": old }),
            None => serde_json::Value::Null,
        },
        json!({
            "indicator": indicator.code,
            "indicator_version": version,
            "project": project,
            "period": new.period.to_string(),
            "reporter": reporter,
            "value": text(value),
            "numerator": text(numerator),
            "denominator": text(denominator),
            "status": status.code(),
        }),
    )?;
    crate::audit::append(tx, entry).await?;
    Ok(id)
}

impl Store {
    /// Records `new` for `actor`: a draft, or submitted when `new.submit`. The measurement
    /// belongs to its indicator's project and is reported under the indicator's version in
    /// force. Records a `record` step and `measurement.record` on `measurement:<id>` in the
    /// audit trail (numbers as text), in one transaction.
    ///
    /// Errors (nothing written), as [`StoreError::Impact`]: unknown indicator; a programme
    /// indicator (its values are computed); the actor may not enter
    /// ([`territoires_domain::impact::measurement::may_enter`]) or, as a project lead or
    /// partner, is not a member of the project; a period not of the indicator's frequency;
    /// a period that starts after today (UTC date of the server clock); a blank reporter;
    /// an observation of the wrong shape for the kind (a fraction for a
    /// percentage, a value otherwise, nothing for a qualitative indicator), a number not
    /// finite or above 10^15 in absolute value, a negative count or a numerator above its
    /// denominator.
    pub async fn record_measurement(&self, new: NewMeasurement, actor: &Actor) -> Result<Measurement, StoreError> {
        let at = crate::audit::now();
        let mut tx = self.begin_write().await?;
        let id = record_in(&mut tx, &new, actor, None, &at).await?;
        let m = fetch(&mut tx, id).await?;
        tx.commit().await?;
        Ok(m)
    }

    /// Corrects measurement `id` with `new`: a new measurement (draft, or submitted when
    /// `new.submit`) that supersedes it; the old one is kept, with `superseded_by` set and
    /// its status unchanged (an approved value keeps counting in approved figures until its
    /// correction is approved: see [`Store::reported`]). Both get a step in their history;
    /// `measurement.correct` is audited on the new one.
    ///
    /// Errors (nothing written): as [`Store::record_measurement`], plus
    /// [`ImpactRefusal::UnknownMeasurement`], [`ImpactRefusal::Superseded`] (correct the
    /// correction instead), and a correction for another indicator.
    pub async fn correct_measurement(&self, id: i64, new: NewMeasurement, actor: &Actor) -> Result<Measurement, StoreError> {
        let at = crate::audit::now();
        let mut tx = self.begin_write().await?;
        let old = fetch(&mut tx, id).await?;
        if let Some(by) = old.superseded_by {
            return refuse(ImpactRefusal::Superseded { id, by });
        }
        if new.indicator != old.indicator {
            return Err(field(
                "indicateur",
                format!("la mesure n° {id} porte sur « {} », pas sur « {} »", old.indicator, new.indicator),
            ));
        }
        let new_id = record_in(&mut tx, &new, actor, Some(id), &at).await?;
        let marked = sqlx::query("UPDATE measurements SET superseded_by = $2, updated_at = $3 WHERE id = $1 AND superseded_by IS NULL")
            .bind(id)
            .bind(new_id)
            .bind(at.clone())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if marked != 1 {
            return Err(StoreError::Refused(format!(
                "La mesure n° {id} vient d'être corrigée par ailleurs ; rechargez la page."
            )));
        }
        event(
            &mut tx,
            id,
            EventStep::Superseded,
            actor,
            Some(format!("remplacée par la mesure n° {new_id}")),
            &at,
        )
        .await?;
        let m = fetch(&mut tx, new_id).await?;
        tx.commit().await?;
        Ok(m)
    }

    /// Takes review `step` on measurement `id` as `actor` (with `reason`, required to
    /// return), by [`territoires_domain::impact::measurement::review`]'s rules: the project
    /// side (its lead or partners, or the operator's staff) submits a draft or returned
    /// measurement; a programme manager or an instructor approves or returns a submitted
    /// one. Records the step and `measurement.<submit|approve|return>` on
    /// `measurement:<id>` in the audit trail.
    ///
    /// Errors (nothing written): [`ImpactRefusal::UnknownMeasurement`],
    /// [`ImpactRefusal::Superseded`], [`ImpactRefusal::NotMember`] (submit only),
    /// [`ImpactRefusal::OwnMeasurement`] (approving or returning a measurement one entered
    /// or corrected oneself: separation of duties), [`ImpactRefusal::Review`] (role, status, missing reason); [`StoreError::Refused`]
    /// when a concurrent review took the status first.
    pub async fn review_measurement(
        &self,
        id: i64,
        step: ReviewStep,
        actor: &Actor,
        reason: Option<&str>,
    ) -> Result<Measurement, StoreError> {
        let at = crate::audit::now();
        let mut tx = self.begin_write().await?;
        let m = fetch(&mut tx, id).await?;
        if let Some(by) = m.superseded_by {
            return refuse(ImpactRefusal::Superseded { id, by });
        }
        if step == ReviewStep::Submit {
            check_scope(&mut tx, actor, &m.project).await?;
        }
        let to = review(m.status, step, actor.role, reason).map_err(ImpactRefusal::from)?;
        // Separation of duties, once the role may review at all: `submitted_by` is who
        // entered this row (the corrector for a correction), as the actor's e-mail (or
        // `cli:<user>`).
        if step != ReviewStep::Submit && m.submitted_by.eq_ignore_ascii_case(&actor.name) {
            return refuse(ImpactRefusal::OwnMeasurement(id));
        }
        let reason = reason.map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
        let return_reason = if to == MeasurementStatus::Returned { reason.clone() } else { None };
        let changed = sqlx::query(
            "UPDATE measurements SET status = $2, return_reason = $3, updated_at = $4 WHERE id = $1 AND status = $5 AND superseded_by IS NULL",
        )
        .bind(id)
        .bind(to.code())
        .bind(return_reason)
        .bind(at.clone())
        .bind(m.status.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(StoreError::Refused(format!(
                "La mesure n° {id} vient de changer de statut ; rechargez la page."
            )));
        }
        let step = EventStep::of_review(step);
        event(&mut tx, id, step, actor, reason.clone(), &at).await?;
        let entry = AuditDraft::new(
            at,
            actor.audit_name(),
            format!("measurement.{}", step.code()),
            format!("measurement:{id}"),
            json!({ "status": m.status.code() }),
            json!({ "status": to.code(), "reason": reason }),
        )?;
        crate::audit::append(&mut tx, entry).await?;
        let m = fetch(&mut tx, id).await?;
        tx.commit().await?;
        Ok(m)
    }

    /// Records every measurement of `rows` for `actor`, all or nothing, in one transaction
    /// (each as [`Store::record_measurement`] would, with its own history and audit
    /// entry). Returns how many were recorded.
    ///
    /// Every row is checked, so that one import reports every faulty row: a refusal
    /// ([`StoreError::Impact`]) is a logical check made before the row's insert, so the
    /// transaction stays usable (also on PostgreSQL) and the next row is checked. Errors
    /// (nothing written): [`ImpactRefusal::Rows`], every refused row with its position in
    /// `rows` (from 1); any other error (a database failure) stops at once.
    pub async fn import_measurements(&self, rows: Vec<NewMeasurement>, actor: &Actor) -> Result<usize, StoreError> {
        self.import_or_check(rows, actor, true).await
    }

    /// A dry run of [`Store::import_measurements`]: every row checked exactly as an import
    /// would (in a transaction that is rolled back), nothing written, no audit entry.
    /// Returns how many rows an import would record; the same errors.
    pub async fn check_measurements(&self, rows: Vec<NewMeasurement>, actor: &Actor) -> Result<usize, StoreError> {
        self.import_or_check(rows, actor, false).await
    }

    async fn import_or_check(&self, rows: Vec<NewMeasurement>, actor: &Actor, commit: bool) -> Result<usize, StoreError> {
        let at = crate::audit::now();
        let mut tx = self.begin_write().await?;
        let mut refused = Vec::new();
        for (i, new) in rows.iter().enumerate() {
            match record_in(&mut tx, new, actor, None, &at).await {
                Ok(_) => {}
                Err(StoreError::Impact(error)) => refused.push((i + 1, error)),
                Err(other) => return Err(other),
            }
        }
        if !refused.is_empty() {
            // Dropping `tx` rolls back the rows already inserted.
            return refuse(ImpactRefusal::Rows(refused));
        }
        if commit {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(rows.len())
    }

    /// The measurements still in force (not superseded) whose status is one of `statuses`,
    /// of every indicator, in recording order: the work queues (submitted ones for the
    /// reviewers, drafts and returned ones for the projects).
    pub async fn live_measurements(&self, statuses: &[MeasurementStatus]) -> Result<Vec<Measurement>, StoreError> {
        // The codes are the enum's own, never user input: safe to write into the SQL.
        let list = statuses.iter().map(|s| format!("'{}'", s.code())).collect::<Vec<_>>().join(", ");
        if list.is_empty() {
            return Ok(vec![]);
        }
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM measurements WHERE superseded_by IS NULL AND status IN ({list}) ORDER BY id"
        ))
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(decode)
        .collect()
    }

    /// Every measurement of indicator `code`, superseded ones included, in recording order.
    pub async fn measurements(&self, code: &str) -> Result<Vec<Measurement>, StoreError> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM measurements WHERE indicator_code = $1 ORDER BY id"))
            .bind(code.to_owned())
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(decode)
            .collect()
    }

    /// The measurement `id`, or `None`.
    pub async fn measurement(&self, id: i64) -> Result<Option<Measurement>, StoreError> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM measurements WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .map(|r| decode(&r))
            .transpose()
    }

    /// The history of measurement `id`, oldest first.
    pub async fn measurement_events(&self, id: i64) -> Result<Vec<MeasurementEvent>, StoreError> {
        sqlx::query("SELECT measurement_id, step, actor, reason, at FROM measurement_events WHERE measurement_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                let code: String = r.try_get("step")?;
                Ok(MeasurementEvent {
                    measurement_id: r.try_get("measurement_id")?,
                    step: EventStep::from_code(&code).ok_or_else(|| StoreError::Invalid(format!("measurement_events: step {code:?}")))?,
                    actor: r.try_get("actor")?,
                    reason: r.try_get("reason")?,
                    at: r.try_get("at")?,
                })
            })
            .collect()
    }

    /// The values aggregation consumes ([`territoires_domain::impact::aggregation`]), for
    /// one indicator or all (`None`), counting only measurements whose status is in
    /// `statuses` (every status when empty): `&[Approved]` for official figures.
    ///
    /// A measurement and its corrections form a chain; each chain contributes its latest
    /// measurement whose status counts, with `seq` = its id. So an approved value keeps
    /// counting in official figures while its correction is a draft or under review, and
    /// is replaced once the correction is approved; a correction that moves a value to
    /// another period or reporter moves it only then. Qualitative reports (no number)
    /// are left out. Ordered by id.
    pub async fn reported(&self, indicator: Option<&str>, statuses: &[MeasurementStatus]) -> Result<Vec<Reported>, StoreError> {
        let rows = match indicator {
            Some(code) => self.measurements(code).await?,
            None => sqlx::query(&format!("SELECT {COLUMNS} FROM measurements ORDER BY id"))
                .fetch_all(self.pool())
                .await?
                .iter()
                .map(decode)
                .collect::<Result<_, _>>()?,
        };
        Ok(chain_heads(&rows, statuses)
            .into_iter()
            .filter_map(Measurement::to_reported)
            .collect())
    }
}

/// For each chain of corrections in `rows` (sorted by id; a correction always has a higher
/// id than what it supersedes), its latest measurement whose status is in `statuses`
/// (any when empty), by id.
fn chain_heads<'a>(rows: &'a [Measurement], statuses: &[MeasurementStatus]) -> Vec<&'a Measurement> {
    let mut root: BTreeMap<i64, i64> = BTreeMap::new();
    let mut head: BTreeMap<i64, &Measurement> = BTreeMap::new();
    for m in rows {
        let r = m.supersedes.and_then(|s| root.get(&s).copied()).unwrap_or(m.id);
        root.insert(m.id, r);
        if statuses.is_empty() || statuses.contains(&m.status) {
            head.insert(r, m);
        }
    }
    let mut out: Vec<&Measurement> = head.into_values().collect();
    out.sort_by_key(|m| m.id);
    out
}
