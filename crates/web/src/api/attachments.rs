//! Attachments, messages and private reviewer notes of an application in the JSON API
//! (issue 3), with the scoping of `/api/v1/applications/{id}`: 401 without a session,
//! 403 for a role that sees no application, 404 for an unknown id or another lead's
//! application. Writes need a bearer token, or the cookie with `X-CSRF-Token`. Never
//! cached.
//!
//! - `GET|POST /api/v1/applications/{id}/attachments` (POST: multipart, field `file`),
//!   `GET|DELETE /api/v1/applications/{id}/attachments/{n}`.
//! - `GET|POST /api/v1/applications/{id}/messages` (applicant and reviewers).
//! - `GET|POST /api/v1/applications/{id}/notes` (reviewers only: 403 for the applicant,
//!   who never learns whether notes exist).

use crate::auth::SignedIn;
use crate::error::{AppError, AppResult, ErrorBody, ErrorKind, Format};
use crate::pages::applications::visible_application;
use crate::pages::attachments::{download, no_store, read_upload, remove, store_upload};
use crate::pages::correspondence::{is_applicant, write};
use crate::Current;
use axum::extract::{Multipart, Path};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use territoires_domain::access::Role;
use territoires_domain::correspondence::{may_read_messages, may_use_notes};
use territoires_store::{Attachment, Post, Thread};
use utoipa::ToSchema;

/// An attachment, without its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentDetail {
    /// Number within the application (`n` of the download address); never reused.
    pub id: i64,
    /// Sanitised file name (no path, at most 120 characters).
    pub name: String,
    /// Media type detected from the content (`application/pdf`).
    pub media_type: String,
    /// Size in **bytes**.
    pub size_bytes: i64,
    /// SHA-256 of the content, 64 lower-case hexadecimal digits.
    pub sha256: String,
    /// The account that uploaded it.
    pub uploaded_by: i64,
    /// Upload instant (RFC 3339, UTC).
    pub uploaded_at: String,
    /// Where to download it (`/api/v1/applications/{id}/attachments/{n}`).
    pub download: String,
}

impl From<Attachment> for AttachmentDetail {
    fn from(a: Attachment) -> Self {
        AttachmentDetail {
            download: format!("/api/v1/applications/{}/attachments/{}", a.application_id, a.id),
            id: a.id,
            name: a.name,
            media_type: a.media_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
            uploaded_by: a.uploaded_by,
            uploaded_at: a.uploaded_at,
        }
    }
}

/// A message or a note.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostDetail {
    /// Identifier within its thread.
    pub id: i64,
    /// The account that wrote it.
    pub author_account_id: i64,
    /// Its display name.
    pub author_name: String,
    /// Its role.
    pub author_role: Role,
    /// Instant (RFC 3339, UTC), from the server clock.
    pub at: String,
    /// The text (1–5000 characters).
    pub text: String,
}

impl From<Post> for PostDetail {
    fn from(p: Post) -> Self {
        PostDetail {
            id: p.id,
            author_account_id: p.author_account_id,
            author_name: p.author_name,
            author_role: p.author_role,
            at: p.at,
            text: p.body,
        }
    }
}

/// A new message or note.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewPost {
    /// The text, 1–5000 characters (trimmed).
    pub text: String,
}

/// A file to upload (multipart/form-data).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FileUpload {
    /// The file: PDF, PNG, JPEG, ODT, ODS, DOCX, XLSX, CSV or TXT, 10 MiB at most; its
    /// type is checked on its content and must match its extension.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// The attachments of an application.
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}/attachments",
    tag = "applications",
    params(("id" = i64, Path, description = "The application's identifier")),
    responses(
        (status = 200, description = "The attachments, oldest first (sizes in bytes)", body = [AttachmentDetail]),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The account's role sees no application", body = ErrorBody),
        (status = 404, description = "No such application, or (project lead) not one of the account's own", body = ErrorBody),
    )
)]
pub async fn list_attachments(Current(ctx): Current, signed_in: SignedIn, Path(raw_id): Path<String>) -> Response {
    no_store(
        async {
            let store = &ctx.app.store;
            let app = visible_application(store, &signed_in, &raw_id, Format::Json).await?;
            let list = store.attachments(app.id).await.map_err(|e| AppError::internal(Format::Json, e))?;
            Ok(Json(list.into_iter().map(AttachmentDetail::from).collect::<Vec<_>>()).into_response())
        }
        .await,
    )
}

/// Adds a file to an application (the applicant, while it is a draft or returned for
/// completion).
#[utoipa::path(
    post,
    path = "/api/v1/applications/{id}/attachments",
    tag = "applications",
    params(("id" = i64, Path, description = "The application's identifier")),
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = AttachmentDetail),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not the applicant, or a cookie write without X-CSRF-Token", body = ErrorBody),
        (status = 404, description = "No such application, or not one of the account's own", body = ErrorBody),
        (status = 409, description = "The application is no longer editable, or carries 20 files already", body = ErrorBody),
        (status = 422, description = "No file, empty, over 10 MiB, type refused or content not matching the extension", body = ErrorBody),
    )
)]
pub async fn upload_attachment(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    multipart: Multipart,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            let store = &ctx.app.store;
            let app = visible_application(store, &signed_in, &raw_id, Format::Json).await?;
            let upload = read_upload(multipart, Format::Json).await?;
            let stored = store_upload(store, &signed_in, &app, upload.file, Format::Json).await?;
            Ok((StatusCode::CREATED, Json(AttachmentDetail::from(stored))).into_response())
        }
        .await,
    )
}

/// Downloads a file: its bytes, as an attachment, with the media type detected at upload.
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}/attachments/{n}",
    tag = "applications",
    params(
        ("id" = i64, Path, description = "The application's identifier"),
        ("n" = i64, Path, description = "The attachment's number"),
    ),
    responses(
        (status = 200, description = "The file (Content-Disposition: attachment; X-Content-Type-Options: nosniff)", content_type = "application/octet-stream"),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The account's role sees no application", body = ErrorBody),
        (status = 404, description = "No such application or attachment", body = ErrorBody),
    )
)]
pub async fn find_attachment(Current(ctx): Current, signed_in: SignedIn, Path((raw_id, raw_n)): Path<(String, String)>) -> Response {
    no_store(
        async {
            let store = &ctx.app.store;
            let app = visible_application(store, &signed_in, &raw_id, Format::Json).await?;
            download(store, &app, &raw_n, Format::Json).await
        }
        .await,
    )
}

/// Deletes a file (the applicant, while the application is editable).
#[utoipa::path(
    delete,
    path = "/api/v1/applications/{id}/attachments/{n}",
    tag = "applications",
    params(
        ("id" = i64, Path, description = "The application's identifier"),
        ("n" = i64, Path, description = "The attachment's number"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not the applicant, or a cookie write without X-CSRF-Token", body = ErrorBody),
        (status = 404, description = "No such application or attachment", body = ErrorBody),
        (status = 409, description = "The application is no longer editable", body = ErrorBody),
    )
)]
pub async fn delete_attachment(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path((raw_id, raw_n)): Path<(String, String)>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            let store = &ctx.app.store;
            let app = visible_application(store, &signed_in, &raw_id, Format::Json).await?;
            remove(store, &signed_in, &app, &raw_n, Format::Json).await?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        .await,
    )
}

/// Lists `thread` of application `raw_id` after the visibility and the thread's rule.
async fn list(ctx: &crate::Ctx, signed_in: &SignedIn, raw_id: &str, thread: Thread) -> AppResult<Response> {
    let store = &ctx.app.store;
    let app = visible_application(store, signed_in, raw_id, Format::Json).await?;
    let role = signed_in.session.account.role;
    let allowed = match thread {
        Thread::Messages => may_read_messages(role, is_applicant(signed_in, &app)),
        Thread::Notes => may_use_notes(role),
    };
    if !allowed {
        return Err(AppError::new(
            Format::Json,
            ErrorKind::Forbidden,
            format!("Votre rôle ({}) ne permet pas de consulter ces échanges.", role.label()),
        ));
    }
    let posts = store.posts(thread, app.id).await.map_err(|e| AppError::internal(Format::Json, e))?;
    Ok(Json(posts.into_iter().map(PostDetail::from).collect::<Vec<_>>()).into_response())
}

/// Writes to `thread` of application `raw_id`: 201 with the post.
async fn create(
    ctx: &crate::Ctx,
    signed_in: &SignedIn,
    headers: &HeaderMap,
    raw_id: &str,
    body: Result<Json<NewPost>, axum::extract::rejection::JsonRejection>,
    thread: Thread,
) -> AppResult<Response> {
    signed_in.check_api_write(headers)?;
    let store = &ctx.app.store;
    let app = visible_application(store, signed_in, raw_id, Format::Json).await?;
    let Json(new) = body.map_err(|e| {
        AppError::new(
            Format::Json,
            ErrorKind::Unprocessable,
            format!(
                "Corps JSON invalide (attendu {{\"text\": \"…\"}}) : {}",
                crate::api::json_rejection_fr(&e)
            ),
        )
    })?;
    let post = write(store, signed_in, &app, thread, &new.text, "text", Format::Json).await?;
    Ok((StatusCode::CREATED, Json(PostDetail::from(post))).into_response())
}

/// The messages between the reviewers and the applicant.
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}/messages",
    tag = "applications",
    params(("id" = i64, Path, description = "The application's identifier")),
    responses(
        (status = 200, description = "The thread, oldest first", body = [PostDetail]),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The account's role does not read this thread (expert, partner)", body = ErrorBody),
        (status = 404, description = "No such application, or not one of the account's own", body = ErrorBody),
    )
)]
pub async fn list_messages(Current(ctx): Current, signed_in: SignedIn, Path(raw_id): Path<String>) -> Response {
    no_store(list(&ctx, &signed_in, &raw_id, Thread::Messages).await)
}

/// Writes a message (the applicant, an instructor or a programme manager).
#[utoipa::path(
    post,
    path = "/api/v1/applications/{id}/messages",
    tag = "applications",
    params(("id" = i64, Path, description = "The application's identifier")),
    request_body = NewPost,
    responses(
        (status = 201, description = "Written", body = PostDetail),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "The role may not write here, or a cookie write without X-CSRF-Token", body = ErrorBody),
        (status = 404, description = "No such application, or not one of the account's own", body = ErrorBody),
        (status = 422, description = "Empty text, over 5000 characters, or not `{\"text\"}` JSON", body = ErrorBody),
    )
)]
pub async fn create_message(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    body: Result<Json<NewPost>, axum::extract::rejection::JsonRejection>,
) -> Response {
    no_store(create(&ctx, &signed_in, &headers, &raw_id, body, Thread::Messages).await)
}

/// The private reviewer notes (instructors, programme managers, administrators only).
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}/notes",
    tag = "applications",
    params(("id" = i64, Path, description = "The application's identifier")),
    responses(
        (status = 200, description = "The notes, oldest first", body = [PostDetail]),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not a reviewer (the applicant included)", body = ErrorBody),
        (status = 404, description = "No such application", body = ErrorBody),
    )
)]
pub async fn list_notes(Current(ctx): Current, signed_in: SignedIn, Path(raw_id): Path<String>) -> Response {
    no_store(list(&ctx, &signed_in, &raw_id, Thread::Notes).await)
}

/// Writes a private reviewer note.
#[utoipa::path(
    post,
    path = "/api/v1/applications/{id}/notes",
    tag = "applications",
    params(("id" = i64, Path, description = "The application's identifier")),
    request_body = NewPost,
    responses(
        (status = 201, description = "Written", body = PostDetail),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not a reviewer, or a cookie write without X-CSRF-Token", body = ErrorBody),
        (status = 404, description = "No such application", body = ErrorBody),
        (status = 422, description = "Empty text, over 5000 characters, or not `{\"text\"}` JSON", body = ErrorBody),
    )
)]
pub async fn create_note(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    body: Result<Json<NewPost>, axum::extract::rejection::JsonRejection>,
) -> Response {
    no_store(create(&ctx, &signed_in, &headers, &raw_id, body, Thread::Notes).await)
}
