//! The committee's deliberation records (migration `0010_opinions_decisions.sql`).
//! Recording one takes its decisions: every listed application goes from `hearing` to
//! `selected` or `rejected` through the workflow's transition (events and audit entries
//! as for any transition), and the record and its `deliberation.record` audit entry are
//! written in the **same** transaction — all the decisions or none.

use crate::accounts::Account;
use crate::applications::{actor_of, transition_in};
use crate::codec::{date, from_date, from_json, instant, json};
use crate::{Application, Store, StoreError};
use serde_json::json;
use sqlx::Row;
use territoires_domain::application::{ApplicationId, ApplicationStatus};
use territoires_domain::audit::AuditDraft;
use territoires_domain::deliberation::{Decision, Record};
use time::{Date, OffsetDateTime};

/// One decision of a stored record, with the application's title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDecision {
    /// The application.
    pub application_id: ApplicationId,
    /// Its title.
    pub application_title: String,
    /// Selected or rejected.
    pub decision: Decision,
    /// The reason, in French.
    pub reason: String,
}

/// A stored deliberation record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deliberation {
    /// Identifier.
    pub id: i64,
    /// The call whose committee met.
    pub call_slug: String,
    /// The day the committee met (Europe/Paris calendar).
    pub held_on: Date,
    /// The members present, as written.
    pub members: Vec<String>,
    /// The account that recorded it.
    pub recorded_by: i64,
    /// Its display name.
    pub recorded_by_name: String,
    /// When it was recorded (RFC 3339, UTC).
    pub recorded_at: String,
    /// The decisions, in the record's order.
    pub decisions: Vec<StoredDecision>,
}

impl Store {
    /// Records the deliberation `record` of the committee of call `call_slug`, by `actor`
    /// at `now` (the server clock), taking each decision (`select` / `reject` with its
    /// reason) on applications in `hearing`. Returns the record and the applications as
    /// they now are, in the record's order.
    ///
    /// Whether `actor` may decide is the caller's check ([`territoires_domain::access`]);
    /// the role is checked again by each transition. Errors (**nothing** written — no
    /// decision, no record, no audit entry): [`StoreError::NotFound`] for an unknown call
    /// or application; [`StoreError::Refused`] (French, naming the application) when an
    /// application is of another call or not in hearing, or a transition is refused.
    pub async fn record_deliberation(
        &self,
        call_slug: &str,
        record: &Record,
        actor: &Account,
        now: OffsetDateTime,
    ) -> Result<(Deliberation, Vec<Application>), StoreError> {
        let at = instant(now);
        let mut tx = self.begin_write().await?;
        // The press kit's calls or the platform's; NotFound otherwise.
        crate::call_management::find_call(&mut tx, call_slug).await?;
        let mut decided = Vec::with_capacity(record.decisions.len());
        for line in &record.decisions {
            let id = line.application_id;
            let row = sqlx::query("SELECT call_slug, status FROM applications WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("aucune candidature n'a le numéro {id}")))?;
            let (slug, status): (String, String) = (row.try_get("call_slug")?, row.try_get("status")?);
            if slug != call_slug {
                return Err(StoreError::Refused(format!(
                    "La candidature n° {id} relève d'un autre appel ({slug}) : aucune décision n'a été enregistrée."
                )));
            }
            if status != ApplicationStatus::Hearing.code() {
                let label = ApplicationStatus::from_code(&status).map(|s| s.label()).unwrap_or("inconnu");
                return Err(StoreError::Refused(format!(
                    "La candidature n° {id} n'est pas en audition (statut : {label}) : aucune décision n'a été enregistrée."
                )));
            }
            // Dropping `tx` on an error rolls back the decisions already taken.
            decided.push(transition_in(&mut tx, id, &line.decision.transition(&line.reason), actor, now).await?);
        }
        let id: i64 = sqlx::query(
            "INSERT INTO deliberations (call_slug, held_on, members, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(call_slug.to_owned())
        .bind(date(record.held_on))
        .bind(json(&record.members))
        .bind(actor.id)
        .bind(at.clone())
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        for (position, line) in record.decisions.iter().enumerate() {
            sqlx::query("INSERT INTO deliberation_decisions (deliberation_id, position, application_id, decision, reason) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(position as i64)
                .bind(line.application_id.0)
                .bind(line.decision.code().to_owned())
                .bind(line.reason.clone())
                .execute(&mut *tx)
                .await?;
        }
        let entry = AuditDraft::new(
            at,
            actor_of(actor),
            "deliberation.record",
            format!("call:{call_slug}"),
            serde_json::Value::Null,
            json!({
                "deliberation": id,
                "held_on": date(record.held_on),
                "members": record.members,
                "decisions": record.decisions.iter().map(|d| json!({
                    "application": d.application_id.0,
                    "decision": d.decision.code(),
                    "reason": d.reason,
                })).collect::<Vec<_>>(),
            }),
        )?;
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        let deliberation = self
            .deliberations_of_call(call_slug)
            .await?
            .into_iter()
            .find(|d| d.id == id)
            .ok_or_else(|| StoreError::NotFound(format!("procès-verbal n° {id}")))?;
        Ok((deliberation, decided))
    }

    /// The deliberation records of call `call_slug`, oldest first, with their decisions.
    pub async fn deliberations_of_call(&self, call_slug: &str) -> Result<Vec<Deliberation>, StoreError> {
        let rows = sqlx::query("SELECT d.id, d.call_slug, d.held_on, d.members, d.recorded_by, a.display_name, d.recorded_at FROM deliberations d JOIN accounts a ON a.id = d.recorded_by WHERE d.call_slug = $1 ORDER BY d.id")
            .bind(call_slug.to_owned())
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: i64 = r.try_get("id")?;
            let what = |f: &str| format!("deliberations {id}: {f}");
            let decisions = sqlx::query("SELECT dd.application_id, ap.title, dd.decision, dd.reason FROM deliberation_decisions dd JOIN applications ap ON ap.id = dd.application_id WHERE dd.deliberation_id = $1 ORDER BY dd.position")
                .bind(id)
                .fetch_all(self.pool())
                .await?
                .iter()
                .map(|d| {
                    let code: String = d.try_get("decision")?;
                    Ok(StoredDecision {
                        application_id: ApplicationId(d.try_get("application_id")?),
                        application_title: d.try_get("title")?,
                        decision: Decision::from_code(&code).ok_or_else(|| StoreError::Invalid(what("decision")))?,
                        reason: d.try_get("reason")?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            out.push(Deliberation {
                id,
                call_slug: r.try_get("call_slug")?,
                held_on: from_date(&r.try_get::<String, _>("held_on")?, &what("held_on"))?,
                members: from_json(&r.try_get::<String, _>("members")?, &what("members"))?,
                recorded_by: r.try_get("recorded_by")?,
                recorded_by_name: r.try_get("display_name")?,
                recorded_at: r.try_get("recorded_at")?,
                decisions,
            });
        }
        Ok(out)
    }
}
