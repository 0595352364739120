//! Attachments (*pièces jointes*) of an application, on its page (issue 3):
//!
//! - `POST /candidatures/{id}/pieces` — multipart form (`csrf`, `fichier`): the applicant
//!   adds a file while the application is a draft or returned for completion; 303 back to
//!   the application. Request bodies up to [`UPLOAD_BODY_LIMIT`] on this route only.
//! - `GET /candidatures/{id}/pieces/{n}` — downloads the file as an attachment, with the
//!   media type detected at upload, `nosniff` and `no-store`.
//! - `POST /candidatures/{id}/pieces/{n}/suppression` — the applicant deletes it (same
//!   statuses).
//!
//! Who may read: exactly who may see the application ([`visible_application`]: 404 for
//! another lead's or an unknown id). The checks on the file itself (size, type by magic
//! bytes and extension, name) are `territoires_domain::attachment`'s. The JSON API
//! (`crate::api::attachments`) shares [`read_upload`], [`store_upload`] and [`download`].

use super::applications::visible_application;
use crate::auth::{self, SignedIn};
pub(crate) use crate::error::no_store;
use crate::error::{AppError, AppResult, ErrorKind, Format};
use crate::Current;
use axum::extract::{Multipart, Path};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use territoires_domain::access::{allows, Action};
use territoires_domain::attachment::{CheckedFile, MAX_BYTES};
use territoires_store::{Application, Attachment, StoreError};
use time::OffsetDateTime;

/// Largest request body accepted by the upload routes: one file of
/// [`MAX_BYTES`] (10 MiB) plus 64 KiB for the multipart framing and the other fields. A
/// larger file inside that still reaches the domain's check and gets its French 422.
pub const UPLOAD_BODY_LIMIT: usize = MAX_BYTES + 64 * 1024;

/// What a multipart upload carried: the anti-CSRF field (pages) and the one file (name
/// given by the client, content).
pub(crate) struct Upload {
    pub csrf: String,
    pub file: Option<(String, Vec<u8>)>,
    /// Whether the box `soumettre` (`submit` in the API) was ticked: the measurement
    /// import sends its rows for review at once.
    pub submit: bool,
    /// Whether the field `essai` (`dry_run` in the API) was sent non-empty: an import is
    /// only checked, and what it would import shown.
    pub dry_run: bool,
}

/// Why a multipart body could not be read, in French (422): over the size limit (the
/// message says it), or malformed.
pub(crate) fn multipart_error(e: axum::extract::multipart::MultipartError, format: Format) -> AppError {
    let message = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        TOO_LARGE.to_owned()
    } else {
        "Envoi de fichier illisible : le formulaire doit être envoyé en multipart/form-data, en entier.".to_owned()
    };
    AppError::new(format, ErrorKind::Unprocessable, message)
}

/// The size limit of one file, as users read it.
pub(crate) const TOO_LARGE: &str = "Le fichier dépasse la limite de 10 Mio (10 485 760 octets) par fichier.";

/// Reads a multipart body: the text field `csrf` and one file field (`fichier` on the
/// page, `file` in the API). Errors (in `format`): 422 for a malformed body, a second
/// file, or a body over [`UPLOAD_BODY_LIMIT`] (the message says the limit).
pub(crate) async fn read_upload(mut multipart: Multipart, format: Format) -> AppResult<Upload> {
    let bad = |e| multipart_error(e, format);
    let mut upload = Upload {
        csrf: String::new(),
        file: None,
        submit: false,
        dry_run: false,
    };
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name() {
            Some("csrf") => upload.csrf = field.text().await.map_err(bad)?,
            Some("soumettre" | "submit") => upload.submit = !field.text().await.map_err(bad)?.trim().is_empty(),
            Some("essai" | "dry_run") => upload.dry_run = !field.text().await.map_err(bad)?.trim().is_empty(),
            Some("fichier" | "file") => {
                if upload.file.is_some() {
                    return Err(AppError::new(
                        format,
                        ErrorKind::Unprocessable,
                        "Un seul fichier par envoi (champ « fichier »).",
                    ));
                }
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(bad)?;
                upload.file = Some((name, bytes.to_vec()));
            }
            // Other fields are ignored, unread.
            _ => {}
        }
    }
    Ok(upload)
}

/// 403 unless `signed_in` is the applicant of `app` (a project lead on their own
/// application): only they add or remove files.
fn require_applicant(signed_in: &SignedIn, app: &Application, format: Format) -> AppResult<()> {
    let account = &signed_in.session.account;
    if allows(account.role, Action::Apply) && app.applicant_account_id == account.id {
        Ok(())
    } else {
        Err(AppError::new(
            format,
            ErrorKind::Forbidden,
            "Seul le porteur de la candidature peut ajouter ou supprimer des pièces jointes.",
        ))
    }
}

/// Maps a store refusal to its HTTP error: 409 (status, 20 files), 404, else 500.
fn store_error(format: Format) -> impl Fn(StoreError) -> AppError {
    move |e| match e {
        StoreError::Refused(m) => AppError::new(format, ErrorKind::Conflict, m),
        StoreError::NotFound(m) => AppError::not_found(format, m),
        other => AppError::internal(format, other),
    }
}

/// Checks and stores the uploaded `file` on `app` for `signed_in` (the applicant, else
/// 403). Errors: 422 with the domain's French message (no file, empty, over 10 MiB, type
/// refused, content not matching the extension); 409 when the application is no longer
/// editable or carries 20 files already. Nothing is written on error.
pub(crate) async fn store_upload(
    store: &territoires_store::Store,
    signed_in: &SignedIn,
    app: &Application,
    file: Option<(String, Vec<u8>)>,
    format: Format,
) -> AppResult<Attachment> {
    require_applicant(signed_in, app, format)?;
    let (name, bytes) = file.ok_or_else(|| {
        AppError::new(
            format,
            ErrorKind::Unprocessable,
            "Aucun fichier reçu : choisissez un fichier (champ « fichier »).",
        )
    })?;
    let checked = CheckedFile::parse(&name, bytes).map_err(|e| AppError::new(format, ErrorKind::Unprocessable, e.to_string()))?;
    store
        .add_attachment(app.id, &checked, &signed_in.session.account, OffsetDateTime::now_utc())
        .await
        .map_err(store_error(format))
}

/// Deletes attachment `n` of `app` for `signed_in` (the applicant, else 403). Errors:
/// 404 for an unknown number, 409 when the application is no longer editable.
pub(crate) async fn remove(
    store: &territoires_store::Store,
    signed_in: &SignedIn,
    app: &Application,
    raw_n: &str,
    format: Format,
) -> AppResult<Attachment> {
    require_applicant(signed_in, app, format)?;
    let n = number(raw_n, format)?;
    store
        .delete_attachment(app.id, n, &signed_in.session.account, OffsetDateTime::now_utc())
        .await
        .map_err(store_error(format))
}

fn number(raw: &str, format: Format) -> AppResult<i64> {
    raw.parse()
        .map_err(|_| AppError::not_found(format, "Cette candidature n'a pas de pièce jointe à ce numéro."))
}

/// Percent-encodes `s` as an RFC 5987 `ext-value` (UTF-8 bytes, every byte outside
/// `attr-char` as `%XX`), for `filename*=UTF-8''…`.
pub(crate) fn rfc5987(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `Content-Disposition` of a download of `name`: an ASCII `filename` for old
/// clients (other characters as `_`) and the exact UTF-8 name in `filename*`.
pub(crate) fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " .-_()".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", rfc5987(name))
}

/// The download of attachment `raw_n` of `app`: the bytes as an attachment with the
/// detected media type, `nosniff`, `no-store` and a sandboxing CSP (never rendered as a
/// page of this site). 404 for an unknown number.
pub(crate) async fn download(store: &territoires_store::Store, app: &Application, raw_n: &str, format: Format) -> AppResult<Response> {
    let n = number(raw_n, format)?;
    let (meta, bytes) = store
        .attachment_content(app.id, n)
        .await
        .map_err(|e| AppError::internal(format, e))?
        .ok_or_else(|| AppError::not_found(format, "Cette candidature n'a pas de pièce jointe à ce numéro."))?;
    let disposition = HeaderValue::from_str(&content_disposition(&meta.name)).map_err(|e| AppError::internal(format, e))?;
    let media_type = HeaderValue::from_str(&meta.media_type).map_err(|e| AppError::internal(format, e))?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, media_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; sandbox"),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `POST /candidatures/{id}/pieces`: origin, then (after reading the body) the anti-CSRF
/// field, the visibility (404), the applicant (403), the file; 303 to the application's
/// attachments.
pub async fn upload(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    multipart: Multipart,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            let upload = read_upload(multipart, Format::Html).await?;
            signed_in.check_csrf(&upload.csrf)?;
            let store = &ctx.app.store;
            let app = visible_application(store, &signed_in, &raw_id, Format::Html).await?;
            store_upload(store, &signed_in, &app, upload.file, Format::Html).await?;
            Ok(Redirect::to(&format!("/candidatures/{}#pieces", app.id)).into_response())
        }
        .await,
    )
}

/// `GET /candidatures/{id}/pieces/{n}`.
pub async fn show(Current(ctx): Current, signed_in: SignedIn, Path((raw_id, raw_n)): Path<(String, String)>) -> Response {
    no_store(
        async {
            let store = &ctx.app.store;
            let app = visible_application(store, &signed_in, &raw_id, Format::Html).await?;
            download(store, &app, &raw_n, Format::Html).await
        }
        .await,
    )
}

/// The delete form's field.
#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /candidatures/{id}/pieces/{n}/suppression`: 303 to the application.
pub async fn delete(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path((raw_id, raw_n)): Path<(String, String)>,
    Form(form): Form<DeleteForm>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            let store = &ctx.app.store;
            let app = visible_application(store, &signed_in, &raw_id, Format::Html).await?;
            remove(store, &signed_in, &app, &raw_n, Format::Html).await?;
            Ok(Redirect::to(&format!("/candidatures/{}#pieces", app.id)).into_response())
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_encoded_after_rfc_5987() {
        // RFC 5987, section 3.2.2: « € rates » is UTF-8''%e2%82%ac%20rates.
        assert_eq!(rfc5987("€ rates"), "%E2%82%AC%20rates");
        assert_eq!(
            content_disposition("budget prévisionnel.pdf"),
            "attachment; filename=\"budget pr_visionnel.pdf\"; filename*=UTF-8''budget%20pr%C3%A9visionnel.pdf"
        );
        assert_eq!(rfc5987("a'b;c=d%"), "a%27b%3Bc%3Dd%25");
    }
}
