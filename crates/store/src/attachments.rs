//! Attachments of an application (migration `0008_attachments_messages.sql`): the bytes
//! live in the database (BLOB on SQLite, BYTEA on PostgreSQL, carried as `Vec<u8>` by
//! sqlx's `Any` driver), so no client-chosen name ever reaches a file path.
//!
//! Adding and deleting check, in the same transaction as the write, that the application
//! is still editable ([`editable`]) and — for adding — that it carries fewer than
//! [`MAX_FILES`] files; each write appends `attachment.add` / `attachment.delete` to the
//! audit trail with the name, size, SHA-256 and media type, never the content. Who may
//! add (the applicant) is the caller's check.

use crate::accounts::Account;
use crate::codec::instant;
use crate::{Store, StoreError};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use territoires_domain::application::{ApplicationId, ApplicationStatus};
use territoires_domain::attachment::{editable, CheckedFile, MAX_FILES};
use territoires_domain::audit::AuditDraft;
use time::OffsetDateTime;

const META: &str = "id, application_id, name, media_type, size_bytes, sha256, uploaded_by, uploaded_at";

/// A stored attachment, without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Identifier, as in `/candidatures/{id}/pieces/{n}`; never reused.
    pub id: i64,
    /// The application it belongs to.
    pub application_id: ApplicationId,
    /// Sanitised display name (`passwd.pdf`), at most 120 characters.
    pub name: String,
    /// Media type detected from the content (`application/pdf`).
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// SHA-256 of the content, 64 lower-case hexadecimal digits.
    pub sha256: String,
    /// The account that uploaded it.
    pub uploaded_by: i64,
    /// Upload instant (RFC 3339, UTC).
    pub uploaded_at: String,
}

fn decode(r: &AnyRow) -> Result<Attachment, StoreError> {
    Ok(Attachment {
        id: r.try_get("id")?,
        application_id: ApplicationId(r.try_get("application_id")?),
        name: r.try_get("name")?,
        media_type: r.try_get("media_type")?,
        size_bytes: r.try_get("size_bytes")?,
        sha256: r.try_get("sha256")?,
        uploaded_by: r.try_get("uploaded_by")?,
        uploaded_at: r.try_get("uploaded_at")?,
    })
}

/// The status of application `id`, read inside `tx` after locking its row, or
/// [`StoreError::NotFound`]. The no-op `UPDATE` takes PostgreSQL's row lock (SQLite's
/// `BEGIN IMMEDIATE` already serialises writers), so two uploads cannot both pass the
/// count check, and a concurrent submission waits for the upload to commit.
pub(crate) async fn status_of(tx: &mut Transaction<'_, Any>, id: ApplicationId) -> Result<ApplicationStatus, StoreError> {
    sqlx::query("UPDATE applications SET updated_at = updated_at WHERE id = $1")
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
    let status: String = sqlx::query("SELECT status FROM applications WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("aucune candidature n'a le numéro {id}")))?
        .try_get(0)?;
    ApplicationStatus::from_code(&status).ok_or_else(|| StoreError::Invalid(format!("applications id {id}: unknown status {status:?}")))
}

/// [`StoreError::Refused`] unless `status` lets the applicant change the files.
fn check_editable(status: ApplicationStatus) -> Result<(), StoreError> {
    if editable(status) {
        Ok(())
    } else {
        Err(StoreError::Refused(format!(
            "Les pièces jointes ne peuvent plus être modifiées : la candidature est « {} » (seulement en brouillon ou renvoyée pour complément).",
            status.label()
        )))
    }
}

/// The audit summary of `a`: never its content.
fn summary(a: &Attachment) -> serde_json::Value {
    json!({
        "attachment": a.id,
        "name": a.name,
        "size_bytes": a.size_bytes,
        "sha256": a.sha256,
        "media_type": a.media_type,
    })
}

impl Store {
    /// Stores `file` on application `id` for `actor` at `now`, and appends
    /// `attachment.add` on `application:<id>` (name, size, SHA-256, media type), in one
    /// transaction. Returns the attachment without its content.
    ///
    /// Errors (nothing written): [`StoreError::NotFound`] for an unknown application;
    /// [`StoreError::Refused`] when the application is not editable or already carries
    /// [`MAX_FILES`] files; [`StoreError::Database`].
    pub async fn add_attachment(
        &self,
        id: ApplicationId,
        file: &CheckedFile,
        actor: &Account,
        now: OffsetDateTime,
    ) -> Result<Attachment, StoreError> {
        let at = instant(now);
        let mut tx = self.begin_write().await?;
        check_editable(status_of(&mut tx, id).await?)?;
        let count: i64 = sqlx::query("SELECT COUNT(*) FROM application_attachments WHERE application_id = $1")
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        if count >= MAX_FILES as i64 {
            return Err(StoreError::Refused(format!(
                "Une candidature porte au plus {MAX_FILES} pièces jointes : supprimez-en une avant d'en ajouter une autre."
            )));
        }
        let row = sqlx::query(&format!(
            "INSERT INTO application_attachments (application_id, name, media_type, size_bytes, sha256, content, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {META}"
        ))
        .bind(id.0)
        .bind(file.name().to_owned())
        .bind(file.kind().media_type().to_owned())
        .bind(file.bytes().len() as i64)
        .bind(file.sha256().to_owned())
        .bind(file.bytes().to_vec())
        .bind(actor.id)
        .bind(at.clone())
        .fetch_one(&mut *tx)
        .await?;
        let attachment = decode(&row)?;
        let entry = AuditDraft::new(
            at,
            format!("account:{}", actor.id),
            "attachment.add",
            format!("application:{id}"),
            serde_json::Value::Null,
            summary(&attachment),
        )?;
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(attachment)
    }

    /// The attachments of application `id`, oldest first, without their content.
    pub async fn attachments(&self, id: ApplicationId) -> Result<Vec<Attachment>, StoreError> {
        sqlx::query(&format!(
            "SELECT {META} FROM application_attachments WHERE application_id = $1 ORDER BY id"
        ))
        .bind(id.0)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(decode)
        .collect()
    }

    /// Attachment `n` of application `id` with its content, or `None` (also when `n`
    /// belongs to another application).
    pub async fn attachment_content(&self, id: ApplicationId, n: i64) -> Result<Option<(Attachment, Vec<u8>)>, StoreError> {
        let Some(row) = sqlx::query(&format!(
            "SELECT {META}, content FROM application_attachments WHERE application_id = $1 AND id = $2"
        ))
        .bind(id.0)
        .bind(n)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        Ok(Some((decode(&row)?, row.try_get("content")?)))
    }

    /// Deletes attachment `n` of application `id` for `actor` at `now`, appending
    /// `attachment.delete` (name, size, SHA-256, media type in `before`), in one
    /// transaction. Returns what was deleted.
    ///
    /// Errors (nothing written): [`StoreError::NotFound`] for an unknown application or
    /// attachment; [`StoreError::Refused`] when the application is not editable.
    pub async fn delete_attachment(
        &self,
        id: ApplicationId,
        n: i64,
        actor: &Account,
        now: OffsetDateTime,
    ) -> Result<Attachment, StoreError> {
        let at = instant(now);
        let mut tx = self.begin_write().await?;
        check_editable(status_of(&mut tx, id).await?)?;
        let attachment = sqlx::query(&format!(
            "SELECT {META} FROM application_attachments WHERE application_id = $1 AND id = $2"
        ))
        .bind(id.0)
        .bind(n)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| decode(&r))
        .transpose()?
        .ok_or_else(|| StoreError::NotFound(format!("la candidature n° {id} n'a pas de pièce jointe n° {n}")))?;
        sqlx::query("DELETE FROM application_attachments WHERE application_id = $1 AND id = $2")
            .bind(id.0)
            .bind(n)
            .execute(&mut *tx)
            .await?;
        let entry = AuditDraft::new(
            at,
            format!("account:{}", actor.id),
            "attachment.delete",
            format!("application:{id}"),
            summary(&attachment),
            serde_json::Value::Null,
        )?;
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(attachment)
    }
}
