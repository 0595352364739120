//! Opinions requested on applications (migration `0010_opinions_decisions.sql`): asking an
//! instructor or an expert for an opinion with a due date, their single answer, and
//! reading requests back. Each write appends its audit entry (`opinion.request`,
//! `opinion.answer`) in the same transaction. The rules (due date after today in Paris,
//! non-blank texts, overdue) are [`territoires_domain::opinion`]'s.

use crate::accounts::Account;
use crate::applications::actor_of;
use crate::codec::{date, from_date, instant};
use crate::{Store, StoreError};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;
use territoires_domain::access::Role;
use territoires_domain::application::{ApplicationId, ApplicationStatus};
use territoires_domain::audit::AuditDraft;
use territoires_domain::opinion::{check_request, check_text, status, OpinionStatus, Verdict};
use time::{Date, OffsetDateTime};

/// The answer to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpinionAnswer {
    /// The verdict.
    pub verdict: Verdict,
    /// The opinion's text, in French.
    pub text: String,
    /// When it was answered (RFC 3339, UTC), by the server clock.
    pub answered_at: String,
}

/// A stored opinion request, with the names a dashboard shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpinionRequest {
    /// Identifier (as in `/avis/{id}`).
    pub id: i64,
    /// The application the opinion is on.
    pub application_id: ApplicationId,
    /// Its title.
    pub application_title: String,
    /// Its call's slug.
    pub call_slug: String,
    /// The account that asked.
    pub requested_by: i64,
    /// Its display name.
    pub requested_by_name: String,
    /// The account asked.
    pub requested_of: i64,
    /// Its display name.
    pub requested_of_name: String,
    /// Its organisation (ministry, regional service, expert's company), if any.
    pub requested_of_organisation: Option<String>,
    /// The question asked, in French.
    pub question: String,
    /// The last day to answer (Europe/Paris calendar).
    pub due_on: Date,
    /// When it was asked (RFC 3339, UTC).
    pub requested_at: String,
    /// The answer, once given.
    pub answer: Option<OpinionAnswer>,
}

impl OpinionRequest {
    /// Pending, answered or overdue at `now` (the server clock).
    pub fn status(&self, now: OffsetDateTime) -> OpinionStatus {
        status(self.answer.is_some(), self.due_on, now)
    }
}

const SELECT: &str = "SELECT o.id, o.application_id, ap.title, ap.call_slug, o.requested_by, rb.display_name AS by_name, o.requested_of, ro.display_name AS of_name, ro.organisation AS of_org, o.question, o.due_on, o.requested_at, o.verdict, o.answer, o.answered_at \
    FROM opinion_requests o JOIN applications ap ON ap.id = o.application_id JOIN accounts rb ON rb.id = o.requested_by JOIN accounts ro ON ro.id = o.requested_of";

fn decode(r: &AnyRow) -> Result<OpinionRequest, StoreError> {
    let id: i64 = r.try_get("id")?;
    let verdict: Option<String> = r.try_get("verdict")?;
    let answer = match verdict {
        None => None,
        Some(code) => Some(OpinionAnswer {
            verdict: Verdict::from_code(&code).ok_or_else(|| StoreError::Invalid(format!("opinion_requests {id}: verdict {code:?}")))?,
            text: r.try_get::<Option<String>, _>("answer")?.unwrap_or_default(),
            answered_at: r.try_get::<Option<String>, _>("answered_at")?.unwrap_or_default(),
        }),
    };
    Ok(OpinionRequest {
        id,
        application_id: ApplicationId(r.try_get("application_id")?),
        application_title: r.try_get("title")?,
        call_slug: r.try_get("call_slug")?,
        requested_by: r.try_get("requested_by")?,
        requested_by_name: r.try_get("by_name")?,
        requested_of: r.try_get("requested_of")?,
        requested_of_name: r.try_get("of_name")?,
        requested_of_organisation: r.try_get("of_org")?,
        question: r.try_get("question")?,
        due_on: from_date(&r.try_get::<String, _>("due_on")?, &format!("opinion_requests {id}: due_on"))?,
        requested_at: r.try_get("requested_at")?,
        answer,
    })
}

impl Store {
    /// Asks account `requested_of` for an opinion on application `application_id`, due on
    /// `due_on` (the last day, Europe/Paris), with `question`, on behalf of `actor` at
    /// `now` (the server clock), and records `opinion.request` on `application:<id>` in
    /// the same transaction.
    ///
    /// Whether `actor` may review is the caller's check. Errors (nothing written):
    /// [`StoreError::NotFound`] for an unknown application or account;
    /// [`StoreError::Refused`] (French) when the application is neither under review nor
    /// in hearing, the account is neither an instructor nor an expert or is disabled, the
    /// due date is not after today or the question blank.
    pub async fn request_opinion(
        &self,
        application_id: ApplicationId,
        requested_of: i64,
        question: &str,
        due_on: Date,
        actor: &Account,
        now: OffsetDateTime,
    ) -> Result<OpinionRequest, StoreError> {
        check_request(due_on, question, now).map_err(|e| StoreError::Refused(e.to_string()))?;
        let question = question.trim();
        let at = instant(now);
        let mut tx = self.begin_write().await?;
        let app_status: String = sqlx::query("SELECT status FROM applications WHERE id = $1")
            .bind(application_id.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("aucune candidature n'a le numéro {application_id}")))?
            .try_get(0)?;
        let open = [ApplicationStatus::UnderReview, ApplicationStatus::Hearing];
        if !open.iter().any(|s| s.code() == app_status) {
            return Err(StoreError::Refused(format!(
                "Un avis ne peut être demandé que sur une candidature en instruction ou en audition (statut actuel : {}).",
                ApplicationStatus::from_code(&app_status).map(|s| s.label()).unwrap_or("inconnu")
            )));
        }
        let addressee = sqlx::query("SELECT role, disabled FROM accounts WHERE id = $1")
            .bind(requested_of)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("aucun compte n'a le numéro {requested_of}")))?;
        let role: String = addressee.try_get("role")?;
        let disabled: i64 = addressee.try_get("disabled")?;
        if !matches!(Role::from_code(&role), Some(Role::Instructor | Role::Expert)) || disabled != 0 {
            return Err(StoreError::Refused(format!(
                "Le compte n° {requested_of} ne peut pas rendre d'avis : seuls les instructeurs et les experts actifs le peuvent."
            )));
        }
        let id: i64 = sqlx::query("INSERT INTO opinion_requests (application_id, requested_by, requested_of, question, due_on, requested_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(application_id.0)
            .bind(actor.id)
            .bind(requested_of)
            .bind(question.to_owned())
            .bind(date(due_on))
            .bind(at.clone())
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let entry = AuditDraft::new(
            at,
            actor_of(actor),
            "opinion.request",
            format!("application:{application_id}"),
            serde_json::Value::Null,
            json!({ "request": id, "requested_of": format!("account:{requested_of}"), "due_on": date(due_on), "question": question }),
        )?;
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        self.opinion_request(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("demande d'avis n° {id}")))
    }

    /// Answers request `id` as `actor` at `now` (the server clock), once, and records
    /// `opinion.answer` on `opinion-request:<id>`.
    ///
    /// Errors (nothing written): [`StoreError::NotFound`] when no request has this id or
    /// it is addressed to another account (its existence is not revealed);
    /// [`StoreError::Refused`] when already answered or `text` is blank or too long.
    pub async fn answer_opinion(
        &self,
        id: i64,
        verdict: Verdict,
        text: &str,
        actor: &Account,
        now: OffsetDateTime,
    ) -> Result<OpinionRequest, StoreError> {
        check_text("answer", text).map_err(|e| StoreError::Refused(e.to_string()))?;
        let text = text.trim();
        let at = instant(now);
        let not_found = || StoreError::NotFound(format!("aucune demande d'avis n° {id} ne vous est adressée"));
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT requested_of, verdict FROM opinion_requests WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(not_found)?;
        if row.try_get::<i64, _>("requested_of")? != actor.id {
            return Err(not_found());
        }
        let answered =
            sqlx::query("UPDATE opinion_requests SET verdict = $2, answer = $3, answered_at = $4 WHERE id = $1 AND verdict IS NULL")
                .bind(id)
                .bind(verdict.code().to_owned())
                .bind(text.to_owned())
                .bind(at.clone())
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if answered != 1 {
            return Err(StoreError::Refused(format!("La demande d'avis n° {id} a déjà reçu une réponse.")));
        }
        let entry = AuditDraft::new(
            at,
            actor_of(actor),
            "opinion.answer",
            format!("opinion-request:{id}"),
            json!({ "verdict": null }),
            json!({ "verdict": verdict.code(), "answer": text }),
        )?;
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        self.opinion_request(id).await?.ok_or_else(not_found)
    }

    /// The request `id`, or `None`.
    pub async fn opinion_request(&self, id: i64) -> Result<Option<OpinionRequest>, StoreError> {
        sqlx::query(&format!("{SELECT} WHERE o.id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .map(|r| decode(&r))
            .transpose()
    }

    /// Every request, by call, application and id.
    pub async fn opinion_requests(&self) -> Result<Vec<OpinionRequest>, StoreError> {
        sqlx::query(&format!("{SELECT} ORDER BY ap.call_slug, o.application_id, o.id"))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(decode)
            .collect()
    }

    /// The requests addressed to account `account_id`, by id.
    pub async fn opinion_requests_of(&self, account_id: i64) -> Result<Vec<OpinionRequest>, StoreError> {
        sqlx::query(&format!("{SELECT} WHERE o.requested_of = $1 ORDER BY o.id"))
            .bind(account_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(decode)
            .collect()
    }

    /// The requests on application `id`, by id.
    pub async fn opinion_requests_on(&self, id: ApplicationId) -> Result<Vec<OpinionRequest>, StoreError> {
        sqlx::query(&format!("{SELECT} WHERE o.application_id = $1 ORDER BY o.id"))
            .bind(id.0)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(decode)
            .collect()
    }
}
