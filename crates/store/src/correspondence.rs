//! Messages between the reviewers and the applicant, and private reviewer notes, on an
//! application (migration `0008_attachments_messages.sql`). Both are the same shape — an
//! author, an instant, a text — kept in two tables so that a query for one can never
//! return the other. Who may read or write which is the caller's check
//! (`territoires_domain::correspondence`).

use crate::accounts::Account;
use crate::codec::instant;
use crate::{Store, StoreError};
use serde_json::json;
use sqlx::Row;
use territoires_domain::access::Role;
use territoires_domain::application::ApplicationId;
use territoires_domain::audit::AuditDraft;
use time::OffsetDateTime;

/// Which thread of an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thread {
    /// *Messagerie*: between the reviewers and the applicant (audit `message.post`).
    Messages,
    /// *Notes internes*: reviewers only (audit `note.post`).
    Notes,
}

impl Thread {
    fn table(self) -> &'static str {
        match self {
            Thread::Messages => "application_messages",
            Thread::Notes => "application_notes",
        }
    }

    fn action(self) -> &'static str {
        match self {
            Thread::Messages => "message.post",
            Thread::Notes => "note.post",
        }
    }
}

/// A message or a note, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    /// Identifier (per thread).
    pub id: i64,
    /// The account that wrote it.
    pub author_account_id: i64,
    /// Its display name (as stored now).
    pub author_name: String,
    /// Its role (as stored now).
    pub author_role: Role,
    /// Instant written (RFC 3339, UTC), from the server clock.
    pub at: String,
    /// The text (1–5000 characters, already checked by the caller).
    pub body: String,
}

impl Store {
    /// Appends `body` to `thread` of application `id` by `author` at `now`, and
    /// `message.post` / `note.post` on `application:<id>` to the audit trail with the
    /// text (neither is a secret: the audit trail's readers may read both), in one
    /// transaction.
    ///
    /// Errors (nothing written): [`StoreError::NotFound`] for an unknown application,
    /// [`StoreError::Database`].
    pub async fn post(
        &self,
        thread: Thread,
        id: ApplicationId,
        author: &Account,
        body: &str,
        now: OffsetDateTime,
    ) -> Result<Post, StoreError> {
        let at = instant(now);
        let mut tx = self.begin_write().await?;
        crate::attachments::status_of(&mut tx, id).await?;
        let post_id: i64 = sqlx::query(&format!(
            "INSERT INTO {} (application_id, author_account_id, at, body) VALUES ($1, $2, $3, $4) RETURNING id",
            thread.table()
        ))
        .bind(id.0)
        .bind(author.id)
        .bind(at.clone())
        .bind(body.to_owned())
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        let entry = AuditDraft::new(
            at.clone(),
            format!("account:{}", author.id),
            thread.action(),
            format!("application:{id}"),
            serde_json::Value::Null,
            json!({ "post": post_id, "text": body }),
        )?;
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(Post {
            id: post_id,
            author_account_id: author.id,
            author_name: author.display_name.clone(),
            author_role: author.role,
            at,
            body: body.to_owned(),
        })
    }

    /// `thread` of application `id`, oldest first (empty for an unknown id).
    pub async fn posts(&self, thread: Thread, id: ApplicationId) -> Result<Vec<Post>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT p.id, p.author_account_id, a.display_name, a.role, p.at, p.body FROM {} p JOIN accounts a ON a.id = p.author_account_id WHERE p.application_id = $1 ORDER BY p.id",
            thread.table()
        ))
        .bind(id.0)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let role: String = r.try_get("role")?;
                Ok(Post {
                    id: r.try_get("id")?,
                    author_account_id: r.try_get("author_account_id")?,
                    author_name: r.try_get("display_name")?,
                    author_role: Role::from_code(&role).ok_or_else(|| StoreError::Invalid(format!("accounts: unknown role {role:?}")))?,
                    at: r.try_get("at")?,
                    body: r.try_get("body")?,
                })
            })
            .collect()
    }
}
