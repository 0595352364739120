//! Account administration at `/admin/comptes` (issue 3, section 1; administrators only,
//! [`Action::ManageAccounts`]): the list of accounts, creating a local or OpenID-only
//! account, changing an account's role, organisation and state. Every change is audited
//! by the store (`account.create`, `account.update`), never with a password or its hash.
//! The input rules are shared with the API (`api/accounts.rs`).

use super::account::page;
use super::layout::Layout;
use crate::auth::{self, SignedIn};
use crate::error::{AppError, AppResult, ErrorKind, Format};
use crate::Current;
use askama::Template;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use std::collections::HashMap;
use territoires_domain::access::{Action, Email, Role, MIN_PASSWORD_CHARS};
use territoires_store::{Account, AccountChange, StoreError};

/// Longest name or organisation accepted (characters).
pub const MAX_TEXT_CHARS: usize = 200;

/// An invalid input: the field (as named in the form and the API) and a French message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// `email`, `display_name`, `role`, `organisation`, `password`, `disabled`.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

fn field_error(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// A new account, checked.
pub struct ValidNewAccount {
    /// Login.
    pub email: Email,
    /// Name, trimmed, 1 to [`MAX_TEXT_CHARS`] characters.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Organisation, trimmed; `None` when empty.
    pub organisation: Option<String>,
    /// Initial password (≥ [`MIN_PASSWORD_CHARS`] characters), `None` for an account that
    /// signs in only through OpenID Connect.
    pub password: Option<String>,
}

/// Parses a role code (`expert`, `instructor`…).
pub fn parse_role(code: &str) -> Result<Role, FieldError> {
    Role::from_code(code.trim()).ok_or_else(|| {
        let codes: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
        field_error(
            "role",
            format!(
                "Rôle inconnu « {} » : attendu l'un de {}.",
                code.chars().take(40).collect::<String>(),
                codes.join(", ")
            ),
        )
    })
}

/// Trims an organisation; empty means none. Errors: longer than [`MAX_TEXT_CHARS`].
pub fn parse_organisation(raw: Option<&str>) -> Result<Option<String>, FieldError> {
    let o = raw.map(str::trim).filter(|o| !o.is_empty());
    match o {
        Some(o) if o.chars().count() > MAX_TEXT_CHARS => Err(field_error(
            "organisation",
            format!("L'organisation dépasse {MAX_TEXT_CHARS} caractères."),
        )),
        _ => Ok(o.map(str::to_owned)),
    }
}

/// Checks a new account's fields. An empty password means none (OpenID Connect only).
pub fn parse_new_account(
    email: &str,
    display_name: &str,
    role: &str,
    organisation: Option<&str>,
    password: Option<&str>,
) -> Result<ValidNewAccount, FieldError> {
    let email = Email::parse(email).map_err(|_| field_error("email", "Adresse électronique invalide : attendu nom@domaine.fr."))?;
    let name = display_name.trim();
    if name.is_empty() || name.chars().count() > MAX_TEXT_CHARS {
        return Err(field_error(
            "display_name",
            format!("Le nom est obligatoire ({MAX_TEXT_CHARS} caractères au plus)."),
        ));
    }
    let role = parse_role(role)?;
    let organisation = parse_organisation(organisation)?;
    let password = password.filter(|p| !p.is_empty());
    if let Some(p) = password {
        if p.chars().count() < MIN_PASSWORD_CHARS || p.trim().is_empty() {
            return Err(field_error(
                "password",
                format!(
                    "Le mot de passe doit compter au moins {MIN_PASSWORD_CHARS} caractères (ou rester vide pour un compte ProConnect)."
                ),
            ));
        }
    }
    Ok(ValidNewAccount {
        email,
        display_name: name.to_owned(),
        role,
        organisation,
        password: password.map(str::to_owned),
    })
}

/// Creates a checked account as `actor` (audit actor `account:<id>`). Errors (in
/// `format`): 409 when the e-mail is taken, 500 on a database failure.
pub async fn create(store: &territoires_store::Store, new: &ValidNewAccount, actor: &Account, format: Format) -> Result<Account, AppError> {
    let draft = territoires_store::NewAccount {
        email: new.email.clone(),
        display_name: &new.display_name,
        role: new.role,
        organisation: new.organisation.as_deref(),
        password: new.password.as_deref(),
    };
    // Hashing takes tens of milliseconds of CPU: acceptable for an administrator's action.
    store
        .create_account(draft, &format!("account:{}", actor.id))
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => AppError::new(
                format,
                ErrorKind::Conflict,
                format!("Un compte utilise déjà l'adresse {}.", new.email.as_str()),
            ),
            other => AppError::internal(format, other),
        })
}

/// Applies `change` to account `id` as `actor`. Errors (in `format`): 404 unknown id,
/// 409 self-lock-out refused, 500 database.
pub async fn update(
    store: &territoires_store::Store,
    id: i64,
    change: &AccountChange,
    actor: &Account,
    format: Format,
) -> Result<Account, AppError> {
    store.update_account(id, change, actor.id).await.map_err(|e| match e {
        StoreError::NotFound(m) => AppError::not_found(format, m),
        StoreError::Refused(m) => AppError::new(format, ErrorKind::Conflict, m),
        other => AppError::internal(format, other),
    })
}

struct Row<'a> {
    account: &'a Account,
    role: &'static str,
    /// `None`: local; else the provider's issuer.
    oidc: Option<&'a str>,
    myself: bool,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage<'a> {
    layout: Layout,
    rows: Vec<Row<'a>>,
    roles: Vec<(&'static str, &'static str)>,
    csrf: &'a str,
    error: Option<&'a str>,
    form: &'a CreateForm,
    min_password: usize,
}

/// The creation form's fields (also what is shown back after an error).
#[derive(Deserialize, Default)]
pub struct CreateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    password: String,
}

async fn render(ctx: &crate::Ctx, signed_in: &SignedIn, status: StatusCode, error: Option<&str>, form: &CreateForm) -> AppResult<Response> {
    let store = &ctx.app.store;
    let all = store.accounts().await.map_err(|e| AppError::internal(Format::Html, e))?;
    let issuers: HashMap<i64, String> = store.identity_issuers().await.map_err(|e| AppError::internal(Format::Html, e))?;
    let me = signed_in.session.account.id;
    let html = AccountsPage {
        layout: Layout::new("Comptes", ""),
        rows: all
            .iter()
            .map(|a| Row {
                account: a,
                role: a.role.label(),
                oidc: issuers.get(&a.id).map(String::as_str),
                myself: a.id == me,
            })
            .collect(),
        roles: Role::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        csrf: &signed_in.session.csrf_token,
        error,
        form,
        min_password: MIN_PASSWORD_CHARS,
    }
    .render();
    page(status, html)
}

/// `GET /admin/comptes`: every account (never a password hash), the creation form and
/// each account's edit form. Administrators only (403 otherwise).
pub async fn list(Current(ctx): Current, signed_in: SignedIn) -> AppResult<Response> {
    signed_in.require(Action::ManageAccounts, Format::Html)?;
    let blank = CreateForm {
        role: Role::Expert.code().to_owned(),
        ..CreateForm::default()
    };
    render(&ctx, &signed_in, StatusCode::OK, None, &blank).await
}

/// `POST /admin/comptes`: creates an account; 303 back to the list. Invalid input: the
/// page again with 422 and the message naming the field (the password is never shown
/// back); e-mail taken: 409. 403 for another role, a forged form or another site.
pub async fn create_form(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Form(mut form): Form<CreateForm>,
) -> AppResult<Response> {
    signed_in.require(Action::ManageAccounts, Format::Html)?;
    auth::check_same_origin(&headers)?;
    signed_in.check_csrf(&form.csrf)?;
    let password = std::mem::take(&mut form.password);
    let parsed = parse_new_account(
        &form.email,
        &form.display_name,
        &form.role,
        Some(&form.organisation),
        Some(&password),
    );
    let new = match parsed {
        Ok(new) => new,
        Err(e) => return render(&ctx, &signed_in, StatusCode::UNPROCESSABLE_ENTITY, Some(&e.message), &form).await,
    };
    match create(&ctx.app.store, &new, &signed_in.session.account, Format::Html).await {
        Ok(_) => Ok(Redirect::to("/admin/comptes").into_response()),
        Err(e) if matches!(e.kind, ErrorKind::Conflict) => render(&ctx, &signed_in, StatusCode::CONFLICT, Some(&e.message), &form).await,
        Err(e) => Err(e),
    }
}

/// An account's edit form.
#[derive(Deserialize)]
pub struct UpdateForm {
    csrf: String,
    role: String,
    #[serde(default)]
    organisation: String,
    /// `actif` or `desactive`.
    etat: String,
}

/// `POST /admin/comptes/{id}`: changes the role, organisation and state of an account;
/// 303 back to the list. 404 unknown id, 409 self-lock-out (the page with the message),
/// 422 invalid field, 403 for another role or a forged form.
pub async fn update_form(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    Form(form): Form<UpdateForm>,
) -> AppResult<Response> {
    signed_in.require(Action::ManageAccounts, Format::Html)?;
    auth::check_same_origin(&headers)?;
    signed_in.check_csrf(&form.csrf)?;
    let id: i64 = raw_id
        .parse()
        .map_err(|_| AppError::not_found(Format::Html, "Aucun compte à cette adresse."))?;
    let blank = CreateForm::default();
    let change = (|| {
        let disabled = match form.etat.as_str() {
            "actif" => false,
            "desactive" => true,
            _ => return Err(field_error("disabled", "État inconnu : attendu « actif » ou « desactive ».")),
        };
        Ok(AccountChange {
            role: parse_role(&form.role)?,
            organisation: parse_organisation(Some(&form.organisation))?,
            disabled,
        })
    })();
    let change = match change {
        Ok(c) => c,
        Err(e) => return render(&ctx, &signed_in, StatusCode::UNPROCESSABLE_ENTITY, Some(&e.message), &blank).await,
    };
    match update(&ctx.app.store, id, &change, &signed_in.session.account, Format::Html).await {
        Ok(_) => Ok(Redirect::to("/admin/comptes").into_response()),
        Err(e) if matches!(e.kind, ErrorKind::Conflict) => render(&ctx, &signed_in, StatusCode::CONFLICT, Some(&e.message), &blank).await,
        Err(e) => Err(e),
    }
}
