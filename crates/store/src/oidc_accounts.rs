//! Accounts that sign in through OpenID Connect, and account administration (issue 3,
//! section 1): matching a provider's identity (issuer, subject) to an account, linking or
//! creating one on first sign-in, and an administrator's changes of role, organisation and
//! state — each write in one transaction with its audit entry (never a password or hash).

use crate::accounts::account_of_row;
use crate::{Store, StoreError};
use sqlx::Row;
use territoires_domain::access::{Email, Role};
use territoires_domain::audit::AuditDraft;

const ACCOUNT_COLUMNS: &str = "id, email, display_name, role, organisation, created_at, disabled";

/// An identity asserted by an OpenID provider in a verified ID token.
#[derive(Debug, Clone)]
pub struct OidcIdentity<'a> {
    /// The provider (`iss` claim, as configured).
    pub issuer: &'a str,
    /// The account at the provider (`sub` claim): stable, never reassigned.
    pub subject: &'a str,
    /// The e-mail address the provider gave, if any (`email` claim).
    pub email: Option<Email>,
    /// Whether the provider verified it (`email_verified` claim).
    pub email_verified: bool,
    /// The name to show for a new account (`name`, or given and usual names).
    pub display_name: Option<String>,
}

/// How an OpenID Connect sign-in found its account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OidcOutcome {
    /// The identity was already linked to the account.
    Known,
    /// The identity was linked now to the local account of the same verified e-mail
    /// (audited `account.link-oidc`).
    Linked,
    /// A new account was created for it (audited `account.create`).
    Created,
}

/// A change an administrator makes to an account: the new role, organisation and state
/// (all three, as they should be after the change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountChange {
    /// New role.
    pub role: Role,
    /// New organisation (`None`: none).
    pub organisation: Option<String>,
    /// Whether the account is disabled (cannot sign in, its sessions stop working).
    pub disabled: bool,
}

fn summary(role: Role, organisation: Option<&str>, disabled: bool) -> serde_json::Value {
    serde_json::json!({ "role": role.code(), "organisation": organisation, "disabled": disabled })
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

async fn account_id_in(tx: &mut Tx, id: i64) -> Result<Option<crate::Account>, StoreError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&mut **tx).await?;
    row.map(|r| account_of_row(&r)).transpose()
}

async fn account_email_in(tx: &mut Tx, email: &Email) -> Result<Option<crate::Account>, StoreError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE email = $1");
    let row = sqlx::query(&sql).bind(email.as_str().to_owned()).fetch_optional(&mut **tx).await?;
    row.map(|r| account_of_row(&r)).transpose()
}

impl Store {
    /// The account of an OpenID Connect identity, linking or creating it on first
    /// sign-in, in one transaction:
    ///
    /// 1. (issuer, subject) already linked → that account ([`OidcOutcome::Known`]);
    /// 2. else the e-mail must be present and verified by the provider, otherwise
    ///    [`StoreError::Refused`] (an unverified address could take over someone's
    ///    account);
    /// 3. an account with that e-mail and no identity of this provider → linked
    ///    ([`OidcOutcome::Linked`], audited `account.link-oidc`); one already linked to
    ///    another subject → [`StoreError::Refused`];
    /// 4. no account with that e-mail → created with `new_role` and no password
    ///    ([`OidcOutcome::Created`], audited `account.create`).
    ///
    /// The role never comes from the provider's claims. A disabled account is returned
    /// as it is: the caller refuses it. Errors: also [`StoreError::Database`].
    pub async fn sign_in_with_identity(&self, id: &OidcIdentity<'_>, new_role: Role) -> Result<(crate::Account, OidcOutcome), StoreError> {
        let now = crate::audit::now();
        let mut tx = self.begin_write().await?; // may append to the audit chain
        let linked = sqlx::query("SELECT account_id FROM account_identities WHERE issuer = $1 AND subject = $2")
            .bind(id.issuer.to_owned())
            .bind(id.subject.to_owned())
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = linked {
            let account_id: i64 = row.try_get(0)?;
            let account = account_id_in(&mut tx, account_id)
                .await?
                .ok_or_else(|| StoreError::Invalid(format!("account_identities: account {account_id} missing")))?;
            tx.commit().await?;
            return Ok((account, OidcOutcome::Known));
        }
        let email = match (&id.email, id.email_verified) {
            (Some(e), true) => e.clone(),
            _ => {
                return Err(StoreError::Refused(
                    "Le fournisseur d'identité n'a pas transmis d'adresse électronique vérifiée : le compte ne peut pas être ouvert."
                        .into(),
                ))
            }
        };
        let existing = account_email_in(&mut tx, &email).await?;
        let (account, outcome, action, after) = match existing {
            Some(account) => {
                let other = sqlx::query("SELECT COUNT(*) FROM account_identities WHERE account_id = $1")
                    .bind(account.id)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get::<i64, _>(0)?;
                if other > 0 {
                    return Err(StoreError::Refused(
                        "Un compte utilise déjà cette adresse avec une autre identité : contactez l'administrateur.".into(),
                    ));
                }
                let after = serde_json::json!({ "issuer": id.issuer, "subject": id.subject });
                (account, OidcOutcome::Linked, "account.link-oidc", after)
            }
            None => {
                let name = id
                    .display_name
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(|n| n.chars().take(200).collect::<String>())
                    .unwrap_or_else(|| email.as_str().to_owned());
                sqlx::query("INSERT INTO accounts (email, display_name, role, organisation, password_hash, created_at, disabled) VALUES ($1, $2, $3, NULL, NULL, $4, 0)")
                    .bind(email.as_str().to_owned())
                    .bind(name.clone())
                    .bind(new_role.code().to_owned())
                    .bind(now.clone())
                    .execute(&mut *tx)
                    .await?;
                let account = account_email_in(&mut tx, &email)
                    .await?
                    .ok_or_else(|| StoreError::Invalid("account vanished after creation".into()))?;
                let after = serde_json::json!({
                    "email": email.as_str(),
                    "display_name": name,
                    "role": new_role.code(),
                    "organisation": null,
                    "sign_in": "openid-connect",
                    "issuer": id.issuer,
                    "subject": id.subject,
                });
                (account, OidcOutcome::Created, "account.create", after)
            }
        };
        sqlx::query("INSERT INTO account_identities (issuer, subject, account_id, linked_at) VALUES ($1, $2, $3, $4)")
            .bind(id.issuer.to_owned())
            .bind(id.subject.to_owned())
            .bind(account.id)
            .bind(now.clone())
            .execute(&mut *tx)
            .await?;
        let draft = AuditDraft::new(
            now,
            format!("oidc:{}", email.as_str()),
            action,
            format!("account:{}", email.as_str()),
            serde_json::Value::Null,
            after,
        )?;
        crate::audit::append(&mut tx, draft).await?;
        tx.commit().await?;
        Ok((account, outcome))
    }

    /// The issuer of each account linked to an OpenID provider, by account id.
    pub async fn identity_issuers(&self) -> Result<std::collections::HashMap<i64, String>, StoreError> {
        let rows = sqlx::query("SELECT account_id, issuer FROM account_identities")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?)))
            .collect()
    }

    /// Applies an administrator's `change` to account `id`, records `account.update` with
    /// the role, organisation and state before and after (by `actor`, an account id), and
    /// on disabling ends every session of the account — in one transaction. No change, no
    /// entry. Errors: [`StoreError::NotFound`] for an unknown id; [`StoreError::Refused`]
    /// when `actor` would disable itself or leave the administrator role (it would lock
    /// itself out; issue 3: avoid lock-out).
    pub async fn update_account(&self, id: i64, change: &AccountChange, actor: i64) -> Result<crate::Account, StoreError> {
        let now = crate::audit::now();
        let mut tx = self.begin_write().await?;
        let before = account_id_in(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("Aucun compte n° {id}.")))?;
        if id == actor && (change.disabled || change.role != Role::OperatorAdmin) {
            return Err(StoreError::Refused(
                "Vous ne pouvez ni désactiver votre propre compte ni lui retirer le rôle d'administrateur : demandez-le à un autre administrateur.".into(),
            ));
        }
        let organisation = change.organisation.as_deref();
        if before.role == change.role && before.organisation.as_deref() == organisation && before.disabled == change.disabled {
            return Ok(before);
        }
        sqlx::query("UPDATE accounts SET role = $1, organisation = $2, disabled = $3 WHERE id = $4")
            .bind(change.role.code().to_owned())
            .bind(organisation.map(str::to_owned))
            .bind(i64::from(change.disabled))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if change.disabled {
            sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let draft = AuditDraft::new(
            now,
            format!("account:{actor}"),
            "account.update",
            format!("account:{}", before.email.as_str()),
            summary(before.role, before.organisation.as_deref(), before.disabled),
            summary(change.role, organisation, change.disabled),
        )?;
        crate::audit::append(&mut tx, draft).await?;
        let after = account_id_in(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::Invalid(format!("account {id} vanished")))?;
        tx.commit().await?;
        Ok(after)
    }
}
