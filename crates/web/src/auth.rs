//! Signing in with a local account: the session cookie, the signed-in extractor, the
//! authorisation check of every protected page, anti-CSRF checks and sign-in throttling.
//!
//! The policy itself (which role may take which action) is
//! `territoires_domain::access::allows`; this module only enforces it on requests.

use crate::error::format_for;
use crate::error::{AppError, ErrorKind, Format};
use crate::LiveState;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::{header, request::Parts, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use territoires_domain::access::{allows, Action, Email};
use territoires_store::{Account, Session};

/// Name of the session cookie.
pub const COOKIE: &str = "territoires_session";

/// How long a session lasts without signing in again: 8 hours (a working day).
pub const SESSION_TTL: time::Duration = time::Duration::hours(8);

/// Failed sign-ins allowed per login within [`THROTTLE_WINDOW`] before refusing (429).
pub const THROTTLE_MAX_FAILURES: usize = 5;

/// The sliding window of the throttle: 15 minutes.
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// The `Set-Cookie` value opening a session. `Secure` unless the environment variable
/// `TERRITOIRES_INSECURE_COOKIES=1` says the portal is served over plain HTTP on a
/// network (browsers accept `Secure` cookies from `http://localhost`).
pub fn session_cookie(id: &str) -> String {
    let secure = if std::env::var("TERRITOIRES_INSECURE_COOKIES").as_deref() == Ok("1") {
        ""
    } else {
        "; Secure"
    };
    format!(
        "{COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        SESSION_TTL.whole_seconds()
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn expired_cookie() -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The session identifier the request carries, if any.
pub fn session_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// The session identifier of an `Authorization: Bearer <token>` header (API clients,
/// token from `POST /api/v1/sessions`), if any.
pub fn bearer_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// The header an API write authenticated by the session *cookie* must carry, holding the
/// session's anti-CSRF token (a browser script of this site reads it from
/// `GET /api/v1/session`; another site cannot).
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A request from a signed-in account: its session (account and anti-CSRF token), its
/// identifier, and whether it came as a bearer token (API client) or as the cookie.
/// Extracting it from a request without a live session answers 401 (JSON) or redirects
/// to `/connexion` (pages). A bearer token takes precedence over a cookie.
pub struct SignedIn {
    /// The session.
    pub session: Session,
    /// The session's identifier (cookie value or bearer token), to close it.
    pub id: String,
    /// Whether it came in an `Authorization: Bearer` header rather than the cookie.
    pub bearer: bool,
}

impl FromRequestParts<LiveState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, live: &LiveState) -> Result<Self, Self::Rejection> {
        // Inside a nested router `parts.uri` lost its prefix (`/api/v1`): use the original.
        let uri = parts.extensions.get::<OriginalUri>().map(|u| &u.0).unwrap_or(&parts.uri);
        let path = uri.path().to_owned();
        // The query comes back too: `/conventions/nouvelle?projet=biovallee` after signing in.
        let back = uri.path_and_query().map_or(path.clone(), |pq| pq.as_str().to_owned());
        let format = format_for(&path);
        let unauthenticated = || match format {
            Format::Json => AppError::new(
                Format::Json,
                ErrorKind::Unauthorized,
                "Connectez-vous pour accéder à cette ressource.",
            )
            .into_response(),
            Format::Html => Redirect::to(&format!("/connexion?retour={}", encode_path(&back))).into_response(),
        };
        let (id, bearer) = match bearer_token(&parts.headers) {
            Some(token) => (token, true),
            None => match session_id(&parts.headers) {
                Some(id) => (id, false),
                None => return Err(unauthenticated()),
            },
        };
        let store = live.current().app.store.clone();
        match store.session(&id).await {
            Ok(Some(session)) => Ok(SignedIn { session, id, bearer }),
            Ok(None) => Err(unauthenticated()),
            Err(e) => Err(AppError::internal(format, e).into_response()),
        }
    }
}

/// The signed-in account when there is one, for public pages that show more to it (the
/// indicator page's entry and review forms): no session, or an unknown one, is `None`,
/// never a redirect nor a 401.
pub struct MaybeSignedIn(pub Option<SignedIn>);

impl FromRequestParts<LiveState> for MaybeSignedIn {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, live: &LiveState) -> Result<Self, Self::Rejection> {
        Ok(MaybeSignedIn(SignedIn::from_request_parts(parts, live).await.ok()))
    }
}

impl SignedIn {
    /// Ok when the account's role allows `action`; a 403 naming the role otherwise.
    pub fn require(&self, action: Action, format: Format) -> Result<(), AppError> {
        let role = self.session.account.role;
        if allows(role, action) {
            Ok(())
        } else {
            Err(AppError::new(
                format,
                ErrorKind::Forbidden,
                format!("Votre rôle ({}) ne permet pas d'accéder à cette page.", role.label()),
            ))
        }
    }

    /// Ok when `token` is the session's anti-CSRF token (compared in constant time).
    pub fn check_csrf(&self, token: &str) -> Result<(), AppError> {
        if constant_time_eq(token.as_bytes(), self.session.csrf_token.as_bytes()) {
            Ok(())
        } else {
            Err(AppError::new(
                Format::Html,
                ErrorKind::Forbidden,
                "Le formulaire a expiré ou ne vient pas de ce site : rechargez la page et recommencez.",
            ))
        }
    }
}

impl SignedIn {
    /// The guard of every API write (`POST`, `PUT`, `DELETE` under `/api/v1`): a bearer
    /// token needs nothing more (a browser never sends one on its own, so no cross-site
    /// forgery is possible); a session cookie needs the `X-CSRF-Token` header holding the
    /// session's anti-CSRF token and a same-site `Origin`. Errors: 403 (JSON) saying what
    /// is missing.
    pub fn check_api_write(&self, headers: &HeaderMap) -> Result<(), AppError> {
        if self.bearer {
            return Ok(());
        }
        let refused = |message: &str| AppError::new(Format::Json, ErrorKind::Forbidden, message.to_owned());
        check_same_origin(headers).map_err(|_| refused("Requête envoyée depuis un autre site : refusée."))?;
        let token = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if constant_time_eq(token.as_bytes(), self.session.csrf_token.as_bytes()) {
            Ok(())
        } else {
            Err(refused(
                "En-tête X-CSRF-Token absent ou incorrect : avec le cookie de session, une écriture doit porter le jeton anti-CSRF de GET /api/v1/session (ou utilisez un jeton Bearer).",
            ))
        }
    }
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Ok when a form post comes from this site: its `Origin` (or, failing that, `Referer`)
/// names the same host as `Host`. A post carrying neither is accepted: browsers send
/// `Origin` on every cross-site POST, so its absence means a non-browser client.
pub fn check_same_origin(headers: &HeaderMap) -> Result<(), AppError> {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match source {
        None => Ok(()),
        Some(url) => {
            let authority = url
                .split_once("://")
                .map(|(_, rest)| rest.split('/').next().unwrap_or_default())
                .unwrap_or_default();
            if !host.is_empty() && authority == host {
                Ok(())
            } else {
                Err(AppError::new(
                    Format::Html,
                    ErrorKind::Forbidden,
                    "Ce formulaire a été envoyé depuis un autre site : il est refusé.",
                ))
            }
        }
    }
}

/// Password checks running at once: argon2id takes 19 MiB each, so a flood of sign-ins
/// must queue rather than exhaust memory.
static PASSWORD_CHECKS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

/// Checks a local account's credentials, for the sign-in page and `POST /api/v1/sessions`:
/// `Ok(Ok(account))` when they match an enabled account (its throttle counter cleared);
/// `Ok(Err(login))` when they do not, with the login to echo (normalised, or the input cut
/// to 254 characters when it is no e-mail address — refused without a password check or a
/// counter). Attempts are counted per normalised login *before* the check. Errors: 429
/// when the login is throttled, 500 on a database failure (in `format`).
pub async fn authenticate(live: &LiveState, raw_email: &str, password: &str, format: Format) -> Result<Result<Account, String>, AppError> {
    let Ok(email) = Email::parse(raw_email) else {
        return Ok(Err(raw_email.chars().take(254).collect()));
    };
    if let Err(wait) = live.1.begin(email.as_str(), Instant::now()) {
        let minutes = wait.as_secs().div_ceil(60);
        return Err(AppError::new(
            format,
            ErrorKind::TooManyRequests,
            format!("Trop de tentatives de connexion pour cette adresse : réessayez dans {minutes} minute(s)."),
        ));
    }
    let store = live.current().app.store.clone();
    let account = {
        let _permit = PASSWORD_CHECKS.acquire().await.map_err(|e| AppError::internal(format, e))?;
        store
            .verify_password(&email, password)
            .await
            .map_err(|e| AppError::internal(format, e))?
    };
    match account {
        Some(account) => {
            live.1.clear(email.as_str());
            Ok(Ok(account))
        }
        None => Ok(Err(email.as_str().to_owned())),
    }
}

/// Percent-encodes a path (and its query) for the `retour` parameter (only what is unsafe
/// in a query: `?`, `&` and `=` included).
fn encode_path(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Logins tracked at most; past it, expired entries are dropped, and if the map is still
/// full every new login is refused for the window (a flood, not a user).
const THROTTLE_MAX_LOGINS: usize = 10_000;

/// Counts sign-in attempts per normalised login over a sliding window. In memory: one
/// instance per server process, reset on restart.
///
/// An attempt is counted *before* its password is checked ([`Throttle::begin`]) and
/// forgotten only on success ([`Throttle::clear`]), so attempts sent all at once cannot
/// slip past the limit.
#[derive(Default)]
pub struct Throttle {
    attempts: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Throttle {
    /// Counts an attempt for `login` (an already normalised e-mail) at `now`, or refuses it
    /// with how long to wait when [`THROTTLE_MAX_FAILURES`] attempts are already in the
    /// window.
    pub fn begin(&self, login: &str, now: Instant) -> Result<(), Duration> {
        let mut map = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= THROTTLE_MAX_LOGINS && !map.contains_key(login) {
            map.retain(|_, list| list.iter().any(|t| now.duration_since(*t) < THROTTLE_WINDOW));
            if map.len() >= THROTTLE_MAX_LOGINS {
                return Err(THROTTLE_WINDOW);
            }
        }
        let list = map.entry(login.to_owned()).or_default();
        list.retain(|t| now.duration_since(*t) < THROTTLE_WINDOW);
        if list.len() >= THROTTLE_MAX_FAILURES {
            return Err(THROTTLE_WINDOW.saturating_sub(now.duration_since(list[0])));
        }
        list.push(now);
        Ok(())
    }

    /// Forgets `login`'s attempts (after a successful sign-in).
    pub fn clear(&self, login: &str) {
        self.attempts.lock().unwrap_or_else(|e| e.into_inner()).remove(login);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_attempts_block_for_the_rest_of_the_window() {
        let t = Throttle::default();
        let start = Instant::now();
        for i in 0..5 {
            assert_eq!(t.begin("anne@x.fr", start + Duration::from_secs(i)), Ok(()));
        }
        // The sixth, 60 s after the first, waits until the first leaves the window.
        assert_eq!(
            t.begin("anne@x.fr", start + Duration::from_secs(60)),
            Err(THROTTLE_WINDOW - Duration::from_secs(60))
        );
        assert_eq!(t.begin("anne@x.fr", start + THROTTLE_WINDOW + Duration::from_secs(1)), Ok(()));
        // A success forgets the attempts.
        t.clear("anne@x.fr");
        assert_eq!(t.begin("anne@x.fr", start + THROTTLE_WINDOW + Duration::from_secs(2)), Ok(()));
    }

    #[test]
    fn the_session_cookie_is_read_among_others() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; territoires_session=abc; b=2".parse().unwrap());
        assert_eq!(session_id(&h).as_deref(), Some("abc"));
        assert!(session_cookie("abc").contains("HttpOnly; SameSite=Lax"));
    }

    #[test]
    fn cross_site_posts_are_refused() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "portail.example.fr".parse().unwrap());
        h.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(check_same_origin(&h).is_err());
        h.insert(header::ORIGIN, "https://portail.example.fr".parse().unwrap());
        assert!(check_same_origin(&h).is_ok());
    }
}
