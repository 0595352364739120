//! Notifications through a pluggable sender (issue 3, « notifications through a pluggable
//! sender (logged by default, SMTP configurable) »).
//!
//! A [`Notifier`] sends one [`Notification`]; the server holds one in
//! [`crate::AppState::notifier`]: [`LogNotifier`] by default (a tracing event, nothing
//! leaves the machine), `SmtpNotifier` (feature `smtp`) when `TERRITOIRES_SMTP_URL` is
//! set, [`MemoryNotifier`] in tests. Sending happens **after** the change it reports has
//! committed: a failure is logged and recorded in the `notifications` table, and never
//! undoes the decision.
//!
//! Who is notified: the applicant when their application is submitted (acknowledgement),
//! returned for completion (with the reason), selected or rejected (with the reason); the
//! addressee of an opinion request.

use crate::Ctx;
use std::sync::{Arc, Mutex};
use territoires_domain::application::TransitionKind;
use territoires_store::{Account, Application, OpinionRequest};

/// A message to one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The recipient's account.
    pub recipient_account_id: i64,
    /// The recipient's e-mail address.
    pub to: String,
    /// What it is about: `application.submit`, `application.return-for-completion`,
    /// `application.select`, `application.reject`, `opinion.request`.
    pub kind: String,
    /// Subject line, in French.
    pub subject: String,
    /// Plain-text body, in French.
    pub body: String,
}

/// A way of sending notifications. Implementations must not log secrets (an SMTP
/// password).
pub trait Notifier: Send + Sync {
    /// Short name recorded with each attempt: `log`, `smtp`, `memory`.
    fn name(&self) -> &'static str;
    /// Sends `n`; blocking is allowed (called off the async workers). Errors: the cause,
    /// in words, without secrets.
    fn send(&self, n: &Notification) -> Result<(), String>;
}

/// The default: writes each notification as an INFO tracing event (target
/// `territoires::notification`); nothing leaves the machine.
#[derive(Debug, Default, Clone, Copy)]
pub struct LogNotifier;

impl Notifier for LogNotifier {
    fn name(&self) -> &'static str {
        "log"
    }

    fn send(&self, n: &Notification) -> Result<(), String> {
        tracing::info!(target: "territoires::notification", to = %n.to, kind = %n.kind, subject = %n.subject, body = %n.body, "notification");
        Ok(())
    }
}

/// Keeps every notification in memory, for tests; `failing` makes every send fail.
#[derive(Debug, Default)]
pub struct MemoryNotifier {
    sent: Mutex<Vec<Notification>>,
    /// When true, [`Notifier::send`] fails (and keeps nothing).
    pub failing: bool,
}

impl MemoryNotifier {
    /// A notifier whose every send fails (to test that failures are recorded and undo
    /// nothing).
    pub fn failing() -> MemoryNotifier {
        MemoryNotifier {
            failing: true,
            ..MemoryNotifier::default()
        }
    }

    /// The notifications sent so far, oldest first.
    pub fn messages(&self) -> Vec<Notification> {
        self.sent.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

impl Notifier for MemoryNotifier {
    fn name(&self) -> &'static str {
        "memory"
    }

    fn send(&self, n: &Notification) -> Result<(), String> {
        if self.failing {
            return Err("envoi simulé en échec".into());
        }
        self.sent.lock().map_err(|e| e.to_string())?.push(n.clone());
        Ok(())
    }
}

/// The link to `path` (starting with `/`) in a message: absolute under `public_url`
/// (`https://territoires.example.fr`, see [`crate::AppState::public_url`]) when set,
/// relative otherwise.
pub fn link(public_url: Option<&str>, path: &str) -> String {
    match public_url {
        Some(base) => format!("{}{path}", base.trim_end_matches('/')),
        None => path.to_owned(),
    }
}

/// The notification to the applicant of `app` (now in its new status) after
/// `kind` with `reason`; `call_title` names the call (its title, not its slug) and links
/// are made by [`link`] with `public_url`. `None` for transitions nobody is told about
/// (start of review, hearing, resubmission, withdrawal by the applicant).
pub fn application_changed(
    app: &Application,
    applicant: &Account,
    kind: TransitionKind,
    reason: Option<&str>,
    call_title: &str,
    public_url: Option<&str>,
) -> Option<Notification> {
    let (code, subject, what) = match kind {
        TransitionKind::Submit => (
            "submit",
            format!("Candidature n° {} déposée", app.id),
            "a bien été déposée. Elle sera instruite par les services du programme.".to_owned(),
        ),
        TransitionKind::ReturnForCompletion => (
            "return-for-completion",
            format!("Candidature n° {} renvoyée pour complément", app.id),
            "vous est renvoyée pour complément.".to_owned(),
        ),
        TransitionKind::Select => (
            "select",
            format!("Décision sur la candidature n° {} : retenue", app.id),
            "a été retenue par le comité.".to_owned(),
        ),
        TransitionKind::Reject => (
            "reject",
            format!("Décision sur la candidature n° {} : non retenue", app.id),
            "n'a pas été retenue par le comité.".to_owned(),
        ),
        _ => return None,
    };
    let mut body = format!(
        "Bonjour,\n\nVotre candidature n° {} « {} » à l'appel « {call_title} » {what}\n",
        app.id, app.title
    );
    if let Some(r) = reason {
        body.push_str(&format!("\nMotif : {r}\n"));
    }
    body.push_str(&format!(
        "\nLe dossier : {}\n",
        link(public_url, &format!("/candidatures/{}", app.id))
    ));
    Some(Notification {
        recipient_account_id: applicant.id,
        to: applicant.email.as_str().to_owned(),
        kind: format!("application.{code}"),
        subject,
        body,
    })
}

/// The notification to the addressee of opinion request `r`, on an application to the
/// call titled `call_title`; links made by [`link`] with `public_url`.
pub fn opinion_requested(r: &OpinionRequest, addressee: &Account, call_title: &str, public_url: Option<&str>) -> Notification {
    Notification {
        recipient_account_id: addressee.id,
        to: addressee.email.as_str().to_owned(),
        kind: "opinion.request".into(),
        subject: format!("Demande d'avis sur la candidature n° {}", r.application_id),
        body: format!(
            "Bonjour,\n\n{} vous demande un avis sur la candidature n° {} « {} » à l'appel « {call_title} », à rendre au plus tard le {} (heure de Paris).\n\nQuestion : {}\n\nRépondre : {}\n",
            r.requested_by_name,
            r.application_id,
            r.application_title,
            crate::format::date(r.due_on),
            r.question,
            link(public_url, &format!("/avis/{}", r.id))
        ),
    }
}

/// Sends `notes` through the server's notifier, off the async workers, and records each
/// attempt; a failure is logged (WARN) and recorded as `failed`, never returned.
pub(crate) async fn deliver(ctx: &Ctx, notes: Vec<Notification>) {
    for n in notes {
        let notifier: Arc<dyn Notifier> = ctx.app.notifier.clone();
        let name = notifier.name();
        let sent = {
            let n = n.clone();
            tokio::task::spawn_blocking(move || notifier.send(&n))
                .await
                .unwrap_or_else(|e| Err(format!("envoi interrompu : {e}")))
        };
        if let Err(e) = &sent {
            tracing::warn!(kind = %n.kind, recipient = n.recipient_account_id, error = %e, "notification not sent");
        }
        if let Err(e) = ctx
            .app
            .store
            .record_notification(n.recipient_account_id, &n.kind, &n.subject, name, sent)
            .await
        {
            tracing::warn!(kind = %n.kind, error = %e, "notification attempt not recorded");
        }
    }
}

/// Notifies the applicant of `app` after `kind` with `reason` (see
/// [`application_changed`]); looks the applicant up, logs when it cannot.
pub(crate) async fn after_transition(ctx: &Ctx, app: &Application, kind: TransitionKind, reason: Option<&str>) {
    match ctx.app.store.account_by_id(app.applicant_account_id).await {
        Ok(Some(applicant)) => {
            let title = call_title(ctx, &app.call_slug).await;
            if let Some(n) = application_changed(app, &applicant, kind, reason, &title, ctx.app.public_url.as_deref()) {
                deliver(ctx, vec![n]).await;
            }
        }
        Ok(None) => tracing::warn!(application = app.id.0, "notification: applicant account not found"),
        Err(e) => tracing::warn!(application = app.id.0, error = %e, "notification: cannot read the applicant"),
    }
}

/// The title of call `slug` (registry or platform), or the slug itself when it cannot be
/// read (a notification is still better than none).
pub(crate) async fn call_title(ctx: &Ctx, slug: &str) -> String {
    crate::pages::decisions::known_call(ctx, slug, crate::error::Format::Json)
        .await
        .unwrap_or_else(|_| slug.to_owned())
}
