//! Messages (*messagerie*) and private reviewer notes (*notes internes*) of an
//! application, on its page (issue 3), and the attachments, messages and notes sections
//! of `/candidatures/{id}` ([`Exchange`]):
//!
//! - `POST /candidatures/{id}/messages` (`csrf`, `texte`) — the applicant or a reviewer
//!   (instructor, programme manager) writes to the thread; 303 back.
//! - `POST /candidatures/{id}/notes` (`csrf`, `texte`) — a reviewer (instructor,
//!   programme manager, operator administrator) writes a private note; 303 back.
//!
//! The rules are `territoires_domain::correspondence`'s; a lead's notes section is not
//! rendered at all, not even its count. 404 for another lead's application, as elsewhere.

use super::applications::{paris_time, visible_application};
use crate::auth::{self, SignedIn};
use crate::error::{AppError, AppResult, ErrorKind, Format};
use crate::Current;
use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use territoires_domain::access::{allows, Action};
use territoires_domain::attachment::{editable, MAX_FILES};
use territoires_domain::correspondence::{may_read_messages, may_use_notes, may_write_message, parse_text, MAX_TEXT_CHARS};
use territoires_store::{Application, Post, StoreError, Thread};
use time::OffsetDateTime;

/// An attachment as the page lists it.
pub(crate) struct AttachmentRow {
    pub id: i64,
    pub name: String,
    pub media_type: String,
    /// `12,5 kio` style size.
    pub size: String,
    pub sha256: String,
    pub uploaded_at: String,
}

/// A message or note as the page shows it.
pub(crate) struct PostRow {
    pub author: String,
    pub role: &'static str,
    pub at: String,
    pub body: String,
}

/// The attachments, messages and notes sections of an application page, as the signed-in
/// account may see them.
pub(crate) struct Exchange {
    pub attachments: Vec<AttachmentRow>,
    /// The applicant may add or delete files now.
    pub can_edit_files: bool,
    pub max_files: usize,
    /// `None`: the account does not read the thread (section absent).
    pub messages: Option<Vec<PostRow>>,
    pub can_write_message: bool,
    /// `None` for everyone but reviewers: the section is absent.
    pub notes: Option<Vec<PostRow>>,
    pub max_chars: usize,
}

/// `n` bytes in French binary units: `980 o`, `12,5 Kio`, `10,0 Mio`.
fn size_label(n: i64) -> String {
    if n < 1024 {
        format!("{n} o")
    } else if n < 1024 * 1024 {
        format!("{},{} Kio", n / 1024, (n % 1024) * 10 / 1024)
    } else {
        format!("{},{} Mio", n / (1024 * 1024), (n % (1024 * 1024)) * 10 / (1024 * 1024))
    }
}

fn rows(posts: Vec<Post>) -> Vec<PostRow> {
    posts
        .into_iter()
        .map(|p| PostRow {
            author: p.author_name,
            role: p.author_role.label(),
            at: paris_time(&p.at),
            body: p.body,
        })
        .collect()
}

/// Whether `signed_in` created `app` (and is a project lead).
pub(crate) fn is_applicant(signed_in: &SignedIn, app: &Application) -> bool {
    let a = &signed_in.session.account;
    allows(a.role, Action::Apply) && a.id == app.applicant_account_id
}

/// The sections of `app` for `signed_in` (who already may see `app`). Errors: 500.
pub(crate) async fn exchange(store: &territoires_store::Store, signed_in: &SignedIn, app: &Application) -> AppResult<Exchange> {
    let internal = |e| AppError::internal(Format::Html, e);
    let role = signed_in.session.account.role;
    let applicant = is_applicant(signed_in, app);
    let attachments = store
        .attachments(app.id)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|a| AttachmentRow {
            id: a.id,
            size: size_label(a.size_bytes),
            name: a.name,
            media_type: a.media_type,
            sha256: a.sha256,
            uploaded_at: paris_time(&a.uploaded_at),
        })
        .collect();
    let messages = if may_read_messages(role, applicant) {
        Some(rows(store.posts(Thread::Messages, app.id).await.map_err(internal)?))
    } else {
        None
    };
    let notes = if may_use_notes(role) {
        Some(rows(store.posts(Thread::Notes, app.id).await.map_err(internal)?))
    } else {
        None
    };
    Ok(Exchange {
        attachments,
        can_edit_files: applicant && editable(app.status),
        max_files: MAX_FILES,
        messages,
        can_write_message: may_write_message(role, applicant),
        notes,
        max_chars: MAX_TEXT_CHARS,
    })
}

/// Checks that `signed_in` may write to `thread` of `app` (403 otherwise), parses `raw`
/// (422 naming the field `field`) and stores it at the server's clock.
pub(crate) async fn write(
    store: &territoires_store::Store,
    signed_in: &SignedIn,
    app: &Application,
    thread: Thread,
    raw: &str,
    field: &str,
    format: Format,
) -> AppResult<Post> {
    let role = signed_in.session.account.role;
    let allowed = match thread {
        Thread::Messages => may_write_message(role, is_applicant(signed_in, app)),
        Thread::Notes => may_use_notes(role),
    };
    if !allowed {
        let what = match thread {
            Thread::Messages => "écrire dans la messagerie de cette candidature",
            Thread::Notes => "consulter ou écrire les notes internes",
        };
        return Err(AppError::new(
            format,
            ErrorKind::Forbidden,
            format!("Votre rôle ({}) ne permet pas de {what}.", role.label()),
        ));
    }
    let text = parse_text(raw).map_err(|e| AppError::new(format, ErrorKind::Unprocessable, format!("Champ « {field} » : {e}")))?;
    store
        .post(thread, app.id, &signed_in.session.account, &text, OffsetDateTime::now_utc())
        .await
        .map_err(|e| match e {
            StoreError::NotFound(m) => AppError::not_found(format, m),
            other => AppError::internal(format, other),
        })
}

/// The message and note forms' fields.
#[derive(Deserialize)]
pub struct TextForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    texte: String,
}

async fn post_form(
    ctx: &crate::Ctx,
    signed_in: &SignedIn,
    headers: &HeaderMap,
    raw_id: &str,
    form: &TextForm,
    thread: Thread,
) -> AppResult<Response> {
    auth::check_same_origin(headers)?;
    signed_in.check_csrf(&form.csrf)?;
    let store = &ctx.app.store;
    let app = visible_application(store, signed_in, raw_id, Format::Html).await?;
    write(store, signed_in, &app, thread, &form.texte, "texte", Format::Html).await?;
    let anchor = match thread {
        Thread::Messages => "messages",
        Thread::Notes => "notes",
    };
    Ok(Redirect::to(&format!("/candidatures/{}#{anchor}", app.id)).into_response())
}

/// `POST /candidatures/{id}/messages`.
pub async fn post_message(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    Form(form): Form<TextForm>,
) -> Response {
    super::attachments::no_store(post_form(&ctx, &signed_in, &headers, &raw_id, &form, Thread::Messages).await)
}

/// `POST /candidatures/{id}/notes`.
pub async fn post_note(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    Form(form): Form<TextForm>,
) -> Response {
    super::attachments::no_store(post_form(&ctx, &signed_in, &headers, &raw_id, &form, Thread::Notes).await)
}

#[cfg(test)]
mod tests {
    use super::size_label;

    #[test]
    fn sizes_read_in_binary_units() {
        assert_eq!(size_label(980), "980 o");
        assert_eq!(size_label(12_800), "12,5 Kio");
        assert_eq!(size_label(10 * 1024 * 1024), "10,0 Mio");
    }
}
