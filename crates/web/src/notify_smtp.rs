//! [`SmtpNotifier`]: notifications sent by e-mail over SMTP (crate `lettre`, TLS by
//! rustls), built only with the `smtp` feature. Configured by two environment variables
//! read by `territoires serve`:
//!
//! - `TERRITOIRES_SMTP_URL`: `smtps://user:password@host:465` (implicit TLS),
//!   `smtp://user:password@host:587?tls=required` (STARTTLS), `smtp://host:25` (no TLS,
//!   a local relay only);
//! - `TERRITOIRES_MAIL_FROM`: the sender's address (`Territoires <noreply@example.fr>`).
//!
//! The password is never logged nor put in an error: messages show the URL with its
//! password masked (`territoires_store::redact`).

use crate::notify::{Notification, Notifier};
use lettre::message::{header::ContentType, Mailbox, Message};
use lettre::{SmtpTransport, Transport};
use std::time::Duration;

/// Sends each notification as a plain-text e-mail through one SMTP server.
pub struct SmtpNotifier {
    transport: SmtpTransport,
    from: Mailbox,
    /// The URL with its password masked, for messages.
    shown: String,
}

impl std::fmt::Debug for SmtpNotifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpNotifier")
            .field("url", &self.shown)
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl SmtpNotifier {
    /// A notifier for `url` and sender `from` (see the module's documentation), with a
    /// 10-second time-out per message. Errors: a French message naming the variable, the
    /// URL's password masked.
    pub fn new(url: &str, from: &str) -> Result<SmtpNotifier, String> {
        let shown = territoires_store::redact(url);
        let transport = SmtpTransport::from_url(url)
            .map_err(|e| format!("TERRITOIRES_SMTP_URL « {shown} » n'est pas une adresse SMTP valide : {e}"))?
            .timeout(Some(Duration::from_secs(10)))
            .build();
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("TERRITOIRES_MAIL_FROM « {from} » n'est pas une adresse valide : {e}"))?;
        Ok(SmtpNotifier { transport, from, shown })
    }

    /// The server's URL, password masked.
    pub fn shown_url(&self) -> &str {
        &self.shown
    }
}

impl Notifier for SmtpNotifier {
    fn name(&self) -> &'static str {
        "smtp"
    }

    fn send(&self, n: &Notification) -> Result<(), String> {
        let to: Mailbox = n.to.parse().map_err(|e| format!("adresse du destinataire invalide : {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(n.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(n.body.clone())
            .map_err(|e| format!("message impossible à construire : {e}"))?;
        self.transport
            .send(&message)
            .map(|_| ())
            .map_err(|e| format!("envoi SMTP vers {} refusé : {e}", self.shown))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_never_shows() {
        let n = SmtpNotifier::new("smtps://anne:s3cr3t@smtp.example.fr:465", "Territoires <noreply@example.fr>").unwrap();
        assert!(!format!("{n:?}").contains("s3cr3t"));
        assert_eq!(n.shown_url(), "smtps://anne:***@smtp.example.fr:465");
        let bad = SmtpNotifier::new("ftp://anne:s3cr3t@x", "noreply@example.fr").unwrap_err();
        assert!(!bad.contains("s3cr3t"), "{bad}");
    }
}
