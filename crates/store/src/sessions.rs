//! Server-side sessions of signed-in accounts. The browser holds a random identifier; the
//! database holds its SHA-256, the account, a CSRF token and an expiry.

use crate::accounts::Account;
use crate::{Store, StoreError};
use base64::Engine;
use sha2::{Digest, Sha256};
use sqlx::Row;
use time::{Duration, OffsetDateTime};

/// A live session: the account and the token that forms must echo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The signed-in account.
    pub account: Account,
    /// Anti-CSRF token to put in every form and check on every POST (43 base64url chars).
    pub csrf_token: String,
}

/// 32 random bytes from the OS, base64url without padding (43 characters).
pub fn random_token() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn digest(id: &str) -> String {
    Sha256::digest(id.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

impl Store {
    /// Opens a session for `account_id`, valid for `ttl`; returns the identifier to put in
    /// the cookie (never stored in clear).
    pub async fn open_session(&self, account_id: i64, ttl: Duration) -> Result<String, StoreError> {
        let id = random_token();
        let now = OffsetDateTime::now_utc();
        // Expired sessions are dead already; drop them while we write.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(rfc3339(now))
            .execute(self.pool())
            .await?;
        sqlx::query("INSERT INTO sessions (id_hash, account_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(digest(&id))
            .bind(account_id)
            .bind(random_token())
            .bind(rfc3339(now))
            .bind(rfc3339(now + ttl))
            .execute(self.pool())
            .await?;
        Ok(id)
    }

    /// The live session of identifier `id`: not expired, account enabled. `None` otherwise.
    pub async fn session(&self, id: &str) -> Result<Option<Session>, StoreError> {
        let row = sqlx::query("SELECT s.account_id, s.csrf_token, s.expires_at FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id_hash = $1 AND a.disabled = 0")
            .bind(digest(id))
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let expires: String = row.try_get("expires_at")?;
        // RFC 3339 UTC strings of one format compare in time order.
        if expires <= rfc3339(OffsetDateTime::now_utc()) {
            return Ok(None);
        }
        let account_id: i64 = row.try_get("account_id")?;
        let account = self.account_by_id(account_id).await?;
        Ok(account.map(|account| Session {
            account,
            csrf_token: row.try_get("csrf_token").unwrap_or_default(),
        }))
    }

    /// Ends the session of identifier `id` (signing out). Idempotent.
    pub async fn close_session(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(digest(id))
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_43_url_safe_characters_and_differ() {
        let (a, b) = (super::random_token(), super::random_token());
        assert_eq!(a.len(), 43);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{a}");
        assert_ne!(a, b);
    }
}
