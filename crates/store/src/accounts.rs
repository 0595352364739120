//! Accounts: creation with an argon2id password hash, look-up, and password
//! verification. Passwords never leave this module in clear and are never logged.

use crate::{Store, StoreError};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sqlx::Row;
use territoires_domain::access::{Email, Role, MIN_PASSWORD_CHARS};
use territoires_domain::audit::AuditDraft;

/// A stored account (without its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Database identifier.
    pub id: i64,
    /// Login.
    pub email: Email,
    /// Name shown in the UI and the audit trail.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Organisation (ministry, service, company…), if any.
    pub organisation: Option<String>,
    /// Creation instant (RFC 3339, UTC).
    pub created_at: String,
    /// A disabled account cannot sign in.
    pub disabled: bool,
}

/// What is needed to create an account.
pub struct NewAccount<'a> {
    /// Login.
    pub email: Email,
    /// Name shown.
    pub display_name: &'a str,
    /// Role.
    pub role: Role,
    /// Organisation, if any.
    pub organisation: Option<&'a str>,
    /// Password of a local account (at least [`MIN_PASSWORD_CHARS`] characters); `None`
    /// for an account that signs in through OpenID Connect.
    pub password: Option<&'a str>,
}

/// An argon2id PHC string that no password matches, verified against when the e-mail is
/// unknown so that a wrong e-mail and a wrong password take the same time.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0GH0fNuD6CbHI9qkGqQXx9eYkA7H4cO4j0nJb3xJq7U";

/// Hashes `password` with argon2id (RustCrypto defaults: m = 19 MiB, t = 2, p = 1, the
/// OWASP minimum) and a random salt. Errors: the password is shorter than
/// [`MIN_PASSWORD_CHARS`].
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    if password.chars().count() < MIN_PASSWORD_CHARS || password.trim().is_empty() {
        return Err(StoreError::Invalid(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Invalid(format!("cannot hash the password: {e}")))
}

impl Store {
    /// Creates an account and records `account.create` by `actor` in the audit trail, in
    /// one transaction (the entry holds the login, name, role and organisation, never the
    /// password or its hash). Errors: [`StoreError::Conflict`] when the e-mail is taken,
    /// [`StoreError::Invalid`] for a password too short; nothing is written then.
    pub async fn create_account(&self, new: NewAccount<'_>, actor: &str) -> Result<Account, StoreError> {
        let hash = new.password.map(hash_password).transpose()?;
        let now = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let mut tx = self.begin_write().await?; // appends to the audit chain
        let taken = sqlx::query("SELECT COUNT(*) FROM accounts WHERE email = $1")
            .bind(new.email.as_str().to_owned())
            .fetch_one(&mut *tx)
            .await?
            .try_get::<i64, _>(0)?;
        if taken > 0 {
            return Err(StoreError::Conflict(format!("an account already uses {}", new.email.as_str())));
        }
        sqlx::query("INSERT INTO accounts (email, display_name, role, organisation, password_hash, created_at, disabled) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(new.email.as_str().to_owned())
            .bind(new.display_name.to_owned())
            .bind(new.role.code().to_owned())
            .bind(new.organisation.map(str::to_owned))
            .bind(hash)
            .bind(now.clone())
            .bind(0i64)
            .execute(&mut *tx)
            .await?;
        let after = serde_json::json!({
            "email": new.email.as_str(),
            "display_name": new.display_name,
            "role": new.role.code(),
            "organisation": new.organisation,
            "sign_in": if new.password.is_some() { "local" } else { "openid-connect" },
        });
        let draft = AuditDraft::new(
            now,
            actor,
            "account.create",
            format!("account:{}", new.email.as_str()),
            serde_json::Value::Null,
            after,
        )?;
        crate::audit::append(&mut tx, draft).await?;
        tx.commit().await?;
        self.account_by_email(&new.email)
            .await?
            .ok_or_else(|| StoreError::Invalid("account vanished after creation".into()))
    }

    /// The account whose login is `email`.
    pub async fn account_by_email(&self, email: &Email) -> Result<Option<Account>, StoreError> {
        let row = sqlx::query("SELECT id, email, display_name, role, organisation, created_at, disabled FROM accounts WHERE email = $1")
            .bind(email.as_str().to_owned())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| account_of_row(&r)).transpose()
    }

    /// The account whose id is `id`.
    pub async fn account_by_id(&self, id: i64) -> Result<Option<Account>, StoreError> {
        let row = sqlx::query("SELECT id, email, display_name, role, organisation, created_at, disabled FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| account_of_row(&r)).transpose()
    }

    /// Every account, by id.
    pub async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let rows = sqlx::query("SELECT id, email, display_name, role, organisation, created_at, disabled FROM accounts ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(account_of_row).collect()
    }

    /// The enabled account whose login is `email` and password is `password`, or `None`.
    /// Takes the same time whether the e-mail exists or not.
    pub async fn verify_password(&self, email: &Email, password: &str) -> Result<Option<Account>, StoreError> {
        let row = sqlx::query("SELECT password_hash FROM accounts WHERE email = $1 AND disabled = 0")
            .bind(email.as_str().to_owned())
            .fetch_optional(self.pool())
            .await?;
        let stored: Option<String> = row.map(|r| r.try_get::<Option<String>, _>(0)).transpose()?.flatten();
        let hash = stored.clone().unwrap_or_else(|| DUMMY_HASH.to_owned());
        let password = password.to_owned();
        // Argon2 takes tens of milliseconds of CPU: off the async workers.
        let verified = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash)
                .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
                .map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| StoreError::Invalid(format!("password check interrupted: {e}")))?;
        let ok = verified.map_err(|e| StoreError::Invalid(format!("stored password hash of {}: {e}", email.as_str())))?;
        if ok && stored.is_some() {
            self.account_by_email(email).await
        } else {
            Ok(None)
        }
    }
}

pub(crate) fn account_of_row(r: &sqlx::any::AnyRow) -> Result<Account, StoreError> {
    let email: String = r.try_get("email")?;
    let role: String = r.try_get("role")?;
    Ok(Account {
        id: r.try_get("id")?,
        email: Email::parse(&email).map_err(|e| StoreError::Invalid(e.to_string()))?,
        display_name: r.try_get("display_name")?,
        role: Role::from_code(&role).ok_or_else(|| StoreError::Invalid(format!("account {email}: unknown role {role:?}")))?,
        organisation: r.try_get("organisation")?,
        created_at: r.try_get("created_at")?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
    })
}
