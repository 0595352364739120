//! Signing in through the configured OpenID provider (see [`crate::oidc`]):
//! `GET /connexion/oidc` sends the browser to the provider, `GET /connexion/oidc/retour`
//! receives it back, verifies the ID token, finds (links or creates) the account and opens
//! the same session as a local sign-in. Without a configured provider both answer 404.
//!
//! An identity seen for the first time is linked to the local account of the same
//! *verified* e-mail; otherwise a new account is created with the role
//! [`NEW_ACCOUNT_ROLE`] (*Public*: it may sign in but sees nothing beyond the public
//! registry) until an administrator assigns a role at `/admin/comptes`. No role is ever
//! taken from the provider's claims.

use crate::auth;
use crate::error::{AppError, AppResult, ErrorKind, Format};
use crate::oidc::{Flow, Provider, FLOW_COOKIE, FLOW_TTL_SECONDS};
use crate::Current;
use axum::extract::Query;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::sync::Arc;
use territoires_domain::access::{Email, Role};
use territoires_store::{OidcIdentity, StoreError};

/// The role of an account created by a first OpenID Connect sign-in: the least
/// privileged (issue 3: an administrator assigns roles).
pub const NEW_ACCOUNT_ROLE: Role = Role::Public;

fn provider(ctx: &crate::Ctx) -> Result<Arc<Provider>, AppError> {
    ctx.app
        .oidc
        .clone()
        .ok_or_else(|| AppError::not_found(Format::Html, "La connexion par un fournisseur d'identité n'est pas configurée."))
}

fn flow_cookie(value: &str, max_age: i64) -> String {
    let secure = if std::env::var("TERRITOIRES_INSECURE_COOKIES").as_deref() == Ok("1") {
        ""
    } else {
        "; Secure"
    };
    format!("{FLOW_COOKIE}={value}; Path=/connexion/oidc; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

fn flow_of(headers: &HeaderMap) -> Option<Flow> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == FLOW_COOKIE)
        .and_then(|(_, value)| Flow::decode(value))
}

/// The query of `/connexion/oidc`.
#[derive(Deserialize)]
pub struct Start {
    retour: Option<String>,
}

/// `GET /connexion/oidc`: a new flow (state, nonce, PKCE verifier) kept in the flow cookie,
/// and a 303 to the provider's authorization endpoint. 404 when not configured; 503 when
/// the provider's discovery document cannot be fetched.
pub async fn start(Current(ctx): Current, Query(q): Query<Start>) -> AppResult<Response> {
    let provider = provider(&ctx)?;
    let flow = Flow::new(super::account::safe_return(q.retour.as_deref()));
    let url = provider.authorization_url(&flow).await.map_err(|e| {
        tracing::warn!(error = %e, "OpenID Connect: cannot start a sign-in");
        AppError::new(Format::Html, ErrorKind::Unavailable, e.message())
    })?;
    let mut res = Redirect::to(&url).into_response();
    append_cookie(&mut res, &flow_cookie(&flow.encode(), FLOW_TTL_SECONDS));
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

fn append_cookie(res: &mut Response, cookie: &str) {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// The query of the callback: a code and the state, or the provider's error.
#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /connexion/oidc/retour`: checks `state` against the flow cookie, exchanges the
/// code, verifies the ID token, finds the account and opens a session (303 to the
/// return address, session cookie set, flow cookie removed). Refusals — provider error,
/// unknown state, invalid token, no verified e-mail, disabled account — answer a French
/// 403 page without a session, and are logged without tokens or secrets. 404 when not
/// configured.
pub async fn callback(Current(ctx): Current, headers: HeaderMap, Query(q): Query<Callback>) -> AppResult<Response> {
    let provider = provider(&ctx)?;
    let clear = flow_cookie("", 0);
    let refuse = |message: &str| {
        let mut res = AppError::new(Format::Html, ErrorKind::Forbidden, message.to_owned()).into_response();
        append_cookie(&mut res, &clear);
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        Ok(res)
    };
    if let Some(error) = q.error.as_deref() {
        let code: String = error.chars().take(64).filter(|c| c.is_ascii_graphic()).collect();
        tracing::warn!(error = %code, "OpenID Connect: the provider refused the sign-in");
        return refuse("Le fournisseur d'identité n'a pas autorisé la connexion.");
    }
    let flow = match (flow_of(&headers), q.state.as_deref()) {
        (Some(flow), Some(state)) if auth::constant_time_eq(flow.state.as_bytes(), state.as_bytes()) => flow,
        _ => {
            tracing::warn!("OpenID Connect: callback with an unknown or expired state");
            return refuse("Cette demande de connexion est inconnue ou a expiré : recommencez depuis la page de connexion.");
        }
    };
    let Some(code) = q.code.as_deref().filter(|c| !c.is_empty()) else {
        return refuse("Le fournisseur d'identité n'a pas transmis de code d'autorisation.");
    };
    let claims = match provider.finish(code, &flow).await {
        Ok(claims) => claims,
        Err(e) => {
            tracing::warn!(error = %e, "OpenID Connect: sign-in refused");
            return refuse(e.message());
        }
    };
    let identity = OidcIdentity {
        issuer: &provider.config.issuer,
        subject: &claims.sub,
        email: claims.email.as_deref().and_then(|e| Email::parse(e).ok()),
        email_verified: claims.email_verified,
        display_name: claims.display_name(),
    };
    let store = &ctx.app.store;
    let account = match store.sign_in_with_identity(&identity, NEW_ACCOUNT_ROLE).await {
        Ok((account, outcome)) => {
            tracing::info!(account = account.id, ?outcome, "OpenID Connect identity matched");
            account
        }
        Err(StoreError::Refused(message)) => {
            tracing::warn!(reason = %message, "OpenID Connect: no account for this identity");
            return refuse(&message);
        }
        Err(e) => return Err(AppError::internal(Format::Html, e)),
    };
    if account.disabled {
        tracing::warn!(account = account.id, "OpenID Connect: disabled account");
        return refuse("Ce compte est désactivé : contactez l'administrateur de la plateforme.");
    }
    let id = store
        .open_session(account.id, auth::SESSION_TTL)
        .await
        .map_err(|e| AppError::internal(Format::Html, e))?;
    tracing::info!(account = account.id, role = account.role.code(), "signed in (OpenID Connect)");
    // The cookie came from the browser: its return address is checked again.
    let mut res = Redirect::to(super::account::safe_return(Some(&flow.retour))).into_response();
    append_cookie(&mut res, &auth::session_cookie(&id));
    append_cookie(&mut res, &clear);
    Ok(res)
}
