//! Signing in and out and the signed-in home (`/espace`) (the accounts' administration is
//! in `accounts_admin.rs`). These pages depend on who asks: they are never
//! cached (`Cache-Control: no-store`).

use super::layout::Layout;
use crate::auth::{self, SignedIn};
use crate::error::{AppError, AppResult, Format};
use crate::{Current, LiveState};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use territoires_domain::access::{allows, Action};
use territoires_store::Account;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage<'a> {
    layout: Layout,
    retour: &'a str,
    email: &'a str,
    error: Option<&'a str>,
    /// The OpenID Connect button's text, when a provider is configured.
    oidc_label: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "account_home.html")]
struct HomePage<'a> {
    layout: Layout,
    account: &'a Account,
    role: &'static str,
    actions: Vec<&'static str>,
    /// The pages of the role's work, as (address, French label).
    links: Vec<(&'static str, &'static str)>,
    csrf: &'a str,
}

/// Where `account`'s work is, in the order of a selection: (address, French label). Each
/// page still checks the role itself; this only saves guessing the addresses.
fn work_links(account: &Account) -> Vec<(&'static str, &'static str)> {
    let role = account.role;
    let mut links = Vec::new();
    if allows(role, Action::Apply) {
        links.push(("/candidatures/nouvelle", "Déposer une candidature"));
    }
    if super::applications::scope_of(account).is_some() {
        links.push(("/candidatures", "Candidatures"));
    }
    if allows(role, Action::Score) {
        links.push(("/expert/candidatures", "Candidatures à noter"));
        links.push(("/expert/declarations", "Mes organisations et conflits d'intérêts"));
    }
    if allows(role, Action::Review) {
        links.push(("/avis", "Tableau de bord des avis"));
    }
    if super::opinions::may_be_asked(role) {
        links.push(("/avis/mes-demandes", "Avis qui me sont demandés"));
    }
    match role {
        territoires_domain::access::Role::ProgrammeManager | territoires_domain::access::Role::Instructor => {
            links.push(("/mesures", "Mesures d'impact à valider"))
        }
        territoires_domain::access::Role::ProjectLead | territoires_domain::access::Role::Partner => {
            links.push(("/mesures", "Mes mesures d'impact à compléter"))
        }
        _ => {}
    }
    if [Action::RequestDisbursement, Action::CheckDisbursement, Action::PayDisbursement]
        .iter()
        .any(|a| allows(role, *a))
    {
        links.push(("/versements", "Versements"));
    }
    if territoires_domain::impact::measurement::may_enter(role) {
        links.push(("/impact/import", "Importer des mesures d'impact (CSV)"));
    }
    if allows(role, Action::ManageCalls) {
        links.push(("/admin/appels", "Gérer les appels"));
    }
    if allows(role, Action::ManageAccounts) {
        links.push(("/admin/comptes", "Gérer les comptes"));
    }
    if allows(role, Action::ReadAuditTrail) {
        links.push(("/admin/journal", "Journal d'audit"));
    }
    links
}

/// Where to go after signing in: a local path only — `/…` but not `//…`, printable ASCII
/// without a backslash (a tab or a newline would let browsers read `/\t/evil` as
/// `//evil`), 512 bytes at most — else `/espace`.
pub(crate) fn safe_return(retour: Option<&str>) -> &str {
    match retour {
        Some(r)
            if r.starts_with('/') && !r.starts_with("//") && r.len() <= 512 && r.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            r
        }
        _ => "/espace",
    }
}

pub(crate) fn page(status: StatusCode, html: Result<String, askama::Error>) -> AppResult<Response> {
    let body = html.map_err(|e| AppError::internal(Format::Html, e))?;
    Ok((
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

/// The query of `/connexion`.
#[derive(Deserialize)]
pub struct ReturnTo {
    retour: Option<String>,
}

/// `GET /connexion`: the sign-in form (or straight to the destination when signed in).
pub async fn sign_in_form(Current(ctx): Current, headers: HeaderMap, Query(q): Query<ReturnTo>) -> AppResult<Response> {
    let retour = safe_return(q.retour.as_deref());
    if let Some(id) = auth::session_id(&headers) {
        if ctx
            .app
            .store
            .session(&id)
            .await
            .map_err(|e| AppError::internal(Format::Html, e))?
            .is_some()
        {
            return Ok(Redirect::to(retour).into_response());
        }
    }
    page(
        StatusCode::OK,
        SignInPage {
            layout: Layout::new("Connexion", ""),
            retour,
            email: "",
            error: None,
            oidc_label: ctx.app.oidc.as_ref().map(|p| p.config.label.as_str()),
        }
        .render(),
    )
}

/// The sign-in form's fields.
#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
    retour: Option<String>,
}

/// `POST /connexion`: checks the origin, the throttle and the password; opens a session
/// and redirects (303) on success; answers the form again with 401 on failure, 429 after
/// too many failures for this login.
pub async fn sign_in(State(live): State<LiveState>, headers: HeaderMap, Form(form): Form<SignInForm>) -> AppResult<Response> {
    auth::check_same_origin(&headers)?;
    let retour = safe_return(form.retour.as_deref());
    let ctx = live.current();
    let failed = |email: &str| {
        let error = Some("Adresse électronique ou mot de passe incorrect.");
        page(
            StatusCode::UNAUTHORIZED,
            SignInPage {
                layout: Layout::new("Connexion", ""),
                retour,
                email,
                error,
                oidc_label: ctx.app.oidc.as_ref().map(|p| p.config.label.as_str()),
            }
            .render(),
        )
    };
    let account = match auth::authenticate(&live, &form.email, &form.password, Format::Html).await? {
        Ok(account) => account,
        Err(login) => return failed(&login),
    };
    let id = live
        .current()
        .app
        .store
        .open_session(account.id, auth::SESSION_TTL)
        .await
        .map_err(|e| AppError::internal(Format::Html, e))?;
    tracing::info!(account = account.id, role = account.role.code(), "signed in");
    Ok(([(header::SET_COOKIE, auth::session_cookie(&id))], Redirect::to(retour)).into_response())
}

/// The sign-out form's field.
#[derive(Deserialize)]
pub struct TokenForm {
    csrf: String,
}

/// `POST /deconnexion`: closes the session (anti-CSRF token required) and removes the
/// cookie.
pub async fn sign_out(Current(ctx): Current, signed_in: SignedIn, headers: HeaderMap, Form(form): Form<TokenForm>) -> AppResult<Response> {
    auth::check_same_origin(&headers)?;
    signed_in.check_csrf(&form.csrf)?;
    ctx.app
        .store
        .close_session(&signed_in.id)
        .await
        .map_err(|e| AppError::internal(Format::Html, e))?;
    Ok(([(header::SET_COOKIE, auth::expired_cookie())], Redirect::to("/")).into_response())
}

/// `GET /espace`: the signed-in account, its role and what the role allows.
pub async fn home(signed_in: SignedIn) -> AppResult<Response> {
    let account = &signed_in.session.account;
    let actions = Action::ALL
        .into_iter()
        .filter(|a| allows(account.role, *a))
        .map(Action::label)
        .collect();
    let html = HomePage {
        layout: Layout::new("Mon espace", ""),
        account,
        role: account.role.label(),
        actions,
        links: work_links(account),
        csrf: &signed_in.session.csrf_token,
    }
    .render();
    page(StatusCode::OK, html)
}
