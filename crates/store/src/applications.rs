//! Applications (*candidatures*) to a call and their workflow (migration
//! `0006_applications.sql`): creating a draft, reading applications back, and taking a
//! transition of the state machine [`territoires_domain::application::apply`] — status,
//! event and audit entry written together in one transaction, or nothing at all.
//!
//! The store decides nothing: whether a transition may be taken is the domain's answer,
//! and whether an account may see an application (a project lead only their own) is the
//! caller's scoping, on top of it.

use crate::accounts::Account;
use crate::codec::{code, from_code, instant};
use crate::{Store, StoreError};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use territoires_domain::application::{apply, ApplicationId, ApplicationStatus, Transition, TransitionKind};
use territoires_domain::audit::AuditDraft;
use territoires_domain::Money;
use time::OffsetDateTime;

const COLUMNS: &str = "id, call_slug, applicant_account_id, title, summary, requested_amount_cents, status, created_at, updated_at";

/// A stored application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// Database identifier (as in `/candidatures/{id}`).
    pub id: ApplicationId,
    /// The call applied to (`aap-2018`), as in `/appels/{slug}`.
    pub call_slug: String,
    /// The account of the project lead who created it.
    pub applicant_account_id: i64,
    /// Title of the project, in French.
    pub title: String,
    /// Summary of the project, in French (may be empty).
    pub summary: String,
    /// Amount requested, in euro cents; `None` when not stated yet.
    pub requested: Option<Money>,
    /// Current status.
    pub status: ApplicationStatus,
    /// Creation instant (RFC 3339, UTC).
    pub created_at: String,
    /// Instant of the last change (RFC 3339, UTC).
    pub updated_at: String,
}

/// One status change of an application, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationEvent {
    /// 1, 2, 3… within the application, in the order the changes were taken.
    pub seq: i64,
    /// Instant of the change (RFC 3339, UTC), read from the server clock.
    pub at: String,
    /// The account that took the transition.
    pub actor_account_id: i64,
    /// That account's display name (as stored now).
    pub actor_name: String,
    /// What was done.
    pub transition: TransitionKind,
    /// The reason given, for the transitions that carry one.
    pub reason: Option<String>,
    /// Status before.
    pub from: ApplicationStatus,
    /// Status after.
    pub to: ApplicationStatus,
}

fn decode(r: &AnyRow) -> Result<Application, StoreError> {
    let id: i64 = r.try_get("id")?;
    let status: String = r.try_get("status")?;
    Ok(Application {
        id: ApplicationId(id),
        call_slug: r.try_get("call_slug")?,
        applicant_account_id: r.try_get("applicant_account_id")?,
        title: r.try_get("title")?,
        summary: r.try_get("summary")?,
        requested: r.try_get::<Option<i64>, _>("requested_amount_cents")?.map(Money),
        status: ApplicationStatus::from_code(&status)
            .ok_or_else(|| StoreError::Invalid(format!("applications id {id}: unknown status {status:?}")))?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// The closing instant of the call `slug`, historical or managed in the platform (`None`
/// when the call states none). Errors: [`StoreError::NotFound`] when no call has this slug.
async fn call_closes_at(tx: &mut Transaction<'_, Any>, slug: &str) -> Result<Option<OffsetDateTime>, StoreError> {
    Ok(crate::call_management::find_call(tx, slug).await?.closes_at())
}

/// The audit actor of an account: `account:<id>`.
pub(crate) fn actor_of(account: &Account) -> String {
    format!("account:{}", account.id)
}

impl Store {
    /// Creates a draft application of `applicant` to the call `call_slug`, with its title,
    /// summary and requested amount (euro cents, `None` when not stated), and records
    /// `application.create` by `account:<id>` in the audit trail, in one transaction.
    ///
    /// Whether `applicant` may apply (a project lead) is the caller's check. The call must
    /// accept applications at the server clock: a published platform call between its
    /// opening and closing instants (the press kit's calls are closed). Errors (nothing is
    /// written): [`StoreError::NotFound`] when no call has this slug or it is a draft;
    /// [`StoreError::Refused`] with a French message when the call is historical, not open
    /// yet or closed; [`StoreError::Database`].
    pub async fn create_draft(
        &self,
        call_slug: &str,
        applicant: &Account,
        title: &str,
        summary: &str,
        requested: Option<Money>,
    ) -> Result<Application, StoreError> {
        let clock = OffsetDateTime::now_utc();
        let now = instant(clock);
        let mut tx = self.begin_write().await?;
        crate::call_management::check_accepts_applications(&mut tx, call_slug, clock).await?;
        let draft = ApplicationStatus::Draft;
        let row = sqlx::query(&format!(
            "INSERT INTO applications (call_slug, applicant_account_id, title, summary, requested_amount_cents, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING {COLUMNS}"
        ))
        .bind(call_slug.to_owned())
        .bind(applicant.id)
        .bind(title.to_owned())
        .bind(summary.to_owned())
        .bind(requested.map(Money::cents))
        .bind(draft.code().to_owned())
        .bind(now.clone())
        .fetch_one(&mut *tx)
        .await?;
        let application = decode(&row)?;
        let entry = AuditDraft::new(
            now,
            actor_of(applicant),
            "application.create",
            format!("application:{}", application.id),
            serde_json::Value::Null,
            json!({
                "call": call_slug,
                "title": title,
                "requested_amount_cents": requested.map(Money::cents),
                "status": draft.code(),
            }),
        )?;
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(application)
    }

    /// The application `id`, or `None`.
    pub async fn application(&self, id: ApplicationId) -> Result<Option<Application>, StoreError> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM applications WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?
            .map(|r| decode(&r))
            .transpose()
    }

    /// The applications created by the account `account_id`, by id.
    pub async fn applications_of(&self, account_id: i64) -> Result<Vec<Application>, StoreError> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM applications WHERE applicant_account_id = $1 ORDER BY id"
        ))
        .bind(account_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(decode)
        .collect()
    }

    /// The applications to the call `call_slug`, by id.
    pub async fn applications_of_call(&self, call_slug: &str) -> Result<Vec<Application>, StoreError> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM applications WHERE call_slug = $1 ORDER BY id"))
            .bind(call_slug.to_owned())
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(decode)
            .collect()
    }

    /// Every application, by id.
    pub async fn applications(&self) -> Result<Vec<Application>, StoreError> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM applications ORDER BY id"))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(decode)
            .collect()
    }

    /// The status changes of application `id`, in order (empty for an unknown id).
    pub async fn application_events(&self, id: ApplicationId) -> Result<Vec<ApplicationEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.seq, e.at, e.actor_account_id, a.display_name, e.transition, e.reason, e.from_status, e.to_status FROM application_events e JOIN accounts a ON a.id = e.actor_account_id WHERE e.application_id = $1 ORDER BY e.seq",
        )
        .bind(id.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let status = |column: &str| -> Result<ApplicationStatus, StoreError> {
                    let c: String = r.try_get(column)?;
                    ApplicationStatus::from_code(&c)
                        .ok_or_else(|| StoreError::Invalid(format!("application_events of {id}: {column} {c:?}")))
                };
                let transition: String = r.try_get("transition")?;
                Ok(ApplicationEvent {
                    seq: r.try_get("seq")?,
                    at: r.try_get("at")?,
                    actor_account_id: r.try_get("actor_account_id")?,
                    actor_name: r.try_get("display_name")?,
                    transition: from_code(&transition, "transition")?,
                    reason: r.try_get("reason")?,
                    from: status("from_status")?,
                    to: status("to_status")?,
                })
            })
            .collect()
    }

    /// Takes `transition` on application `id` for `actor` at `now` (the **server** clock,
    /// never the request's), in one transaction: loads the application and its call's
    /// closing instant, asks [`apply`] (role, status, reason, deadline), then — for a submit or
    /// resubmit to a platform call — checks the form's required fields are answered, writes the new
    /// status, appends the event (next `seq` of the application) and the audit entry
    /// `application.<kind>` (`application.submit`, `application.start-review`, …) on
    /// `application:<id>` by `account:<id>`, with the status before and after and the
    /// reason. Returns the application as it now is.
    ///
    /// Scoping (a project lead acts only on their own application) is the caller's.
    ///
    /// Errors (nothing is written): [`StoreError::NotFound`] for an unknown application
    /// (or its call gone); [`StoreError::Refused`] with the domain's French message when
    /// [`apply`] refuses, or when a concurrent transition changed the status first (only
    /// one of two transitions from the same status succeeds); [`StoreError::Database`],
    /// [`StoreError::AuditRefused`].
    pub async fn transition(
        &self,
        id: ApplicationId,
        transition: &Transition,
        actor: &Account,
        now: OffsetDateTime,
    ) -> Result<Application, StoreError> {
        let mut tx = self.begin_write().await?;
        let application = transition_in(&mut tx, id, transition, actor, now).await?;
        tx.commit().await?;
        Ok(application)
    }
}

/// [`Store::transition`] inside the caller's write transaction `tx` (begun with
/// `begin_write`), so that several transitions — a deliberation's decisions — commit or
/// roll back together. Same checks, writes and errors; the caller commits.
pub(crate) async fn transition_in(
    tx: &mut Transaction<'_, Any>,
    id: ApplicationId,
    transition: &Transition,
    actor: &Account,
    now: OffsetDateTime,
) -> Result<Application, StoreError> {
    let current = sqlx::query(&format!("SELECT {COLUMNS} FROM applications WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| decode(&r))
        .transpose()?
        .ok_or_else(|| StoreError::NotFound(format!("aucune candidature n'a le numéro {id}")))?;
    let closes_at = call_closes_at(tx, &current.call_slug).await?;
    let from = current.status;
    // Dropping `tx` on any error below rolls back.
    let to = apply(from, transition, actor.role, now, closes_at).map_err(|e| StoreError::Refused(e.to_string()))?;
    crate::call_management::check_answers_complete(tx, id, &current.call_slug, transition.kind()).await?;
    let at = instant(now);
    let updated = sqlx::query("UPDATE applications SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2")
        .bind(id.0)
        .bind(from.code().to_owned())
        .bind(to.code().to_owned())
        .bind(at.clone())
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if updated != 1 {
        return Err(StoreError::Refused(format!(
            "« {} » impossible : la candidature a changé de statut entre-temps ; rechargez la page",
            transition.kind().label()
        )));
    }
    let seq: i64 = sqlx::query("SELECT COALESCE(MAX(seq), 0) + 1 FROM application_events WHERE application_id = $1")
        .bind(id.0)
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
    let kind = code(&transition.kind());
    let reason = transition.reason().map(str::to_owned);
    sqlx::query("INSERT INTO application_events (application_id, seq, at, actor_account_id, transition, reason, from_status, to_status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(id.0)
            .bind(seq)
            .bind(at.clone())
            .bind(actor.id)
            .bind(kind.clone())
            .bind(reason.clone())
            .bind(from.code().to_owned())
            .bind(to.code().to_owned())
            .execute(&mut **tx)
            .await?;
    let entry = AuditDraft::new(
        at.clone(),
        actor_of(actor),
        format!("application.{kind}"),
        format!("application:{id}"),
        json!({ "status": from.code() }),
        json!({ "status": to.code(), "reason": reason, "event": seq }),
    )?;
    crate::audit::append(tx, entry).await?;
    Ok(Application {
        status: to,
        updated_at: at,
        ..current
    })
}
