//! OpenID Connect sign-in with a configurable provider (issue 3, section 1: « the State's
//! agents use an OIDC provider », e.g. ProConnect): the authorization-code flow with PKCE
//! (S256), `state` and `nonce`; the ID token's signature checked against the provider's
//! JWKS, and its issuer, audience, expiry and nonce.
//!
//! # Why not the `openidconnect` crate
//!
//! `openidconnect` 4 brings `oauth2`, `chrono`, `serde_with`, and the RSA, P-256, P-384
//! and Ed25519 stacks on top of the HTTP client: some fifty more crates to build on
//! machines of two shared cores. This module does the few protocol steps itself and leaves
//! the cryptography to well-kept libraries: `jsonwebtoken` (signature, `exp`/`nbf`, `iss`
//! and `aud` checks; keys read from the JWKS with `DecodingKey::from_jwk`) and `reqwest`
//! with rustls (no OpenSSL; `ring` serves both). Only asymmetric algorithms the provider
//! announces are accepted (never `none` nor HMAC, which a public JWKS cannot key).
//!
//! # Configuration (environment, read by `territoires serve`)
//!
//! `TERRITOIRES_OIDC_ISSUER` (discovery at `{issuer}/.well-known/openid-configuration`),
//! `TERRITOIRES_OIDC_CLIENT_ID`, `TERRITOIRES_OIDC_CLIENT_SECRET`,
//! `TERRITOIRES_OIDC_REDIRECT_URL` (`https://host/connexion/oidc/retour`); optional
//! `TERRITOIRES_OIDC_LABEL` (button text) and `TERRITOIRES_OIDC_SCOPES` (default
//! `openid email profile`). None set: no OpenID Connect. Some but not all: an error.
//!
//! # Where the flow's secrets wait
//!
//! `state`, `nonce`, the PKCE verifier and the return address wait in a cookie
//! ([`FLOW_COOKIE`]: HttpOnly, SameSite=Lax, `Path=/connexion/oidc`, 10 minutes), not in
//! server memory, so that any instance behind a load balancer can finish the flow. The
//! cookie binds the flow to the browser that began it: a callback whose `state` differs
//! from the cookie's is refused (login CSRF). Its values are random and single-use; it is
//! removed by the callback.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Name of the cookie holding a flow in progress.
pub const FLOW_COOKIE: &str = "territoires_oidc";

/// How long a flow may take, from the redirect to the provider to the callback: 10 min.
pub const FLOW_TTL_SECONDS: i64 = 600;

/// How long discovery and keys are kept before being fetched again: 1 hour (a key that
/// the cache does not know triggers a fetch at once, for rotations).
const CACHE_TTL: Duration = Duration::from_secs(3600);

/// Default button text.
pub const DEFAULT_LABEL: &str = "Se connecter avec ProConnect";

/// Default scopes.
pub const DEFAULT_SCOPES: &str = "openid email profile";

/// The provider's settings, from the environment. Its `Debug` hides the secret.
#[derive(Clone)]
pub struct OidcConfig {
    /// The issuer identifier (`https://…`, no trailing slash), matched against `iss`.
    pub issuer: String,
    /// This portal's client identifier at the provider, matched against `aud`.
    pub client_id: String,
    /// The client secret (sent to the token endpoint only; never logged).
    pub client_secret: String,
    /// Where the provider sends the browser back: `https://host/connexion/oidc/retour`.
    pub redirect_url: String,
    /// Text of the sign-in button.
    pub label: String,
    /// Space-separated scopes, `openid` included.
    pub scopes: String,
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("redirect_url", &self.redirect_url)
            .field("label", &self.label)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// A configuration that cannot be used; names the variable.
#[derive(Debug, thiserror::Error)]
#[error("OpenID Connect configuration: {0}")]
pub struct ConfigError(pub String);

impl OidcConfig {
    /// Reads the configuration through `var` (`std::env::var` in production). `Ok(None)`
    /// when none of the four required variables is set. Errors: some set but not all, a
    /// URL that is not `http(s)://`, scopes without `openid`.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Option<OidcConfig>, ConfigError> {
        let get = |name: &str| var(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let names = [
            "TERRITOIRES_OIDC_ISSUER",
            "TERRITOIRES_OIDC_CLIENT_ID",
            "TERRITOIRES_OIDC_CLIENT_SECRET",
            "TERRITOIRES_OIDC_REDIRECT_URL",
        ];
        let values: Vec<Option<String>> = names.iter().map(|n| get(n)).collect();
        if values.iter().all(Option::is_none) {
            return Ok(None);
        }
        if let Some(i) = values.iter().position(Option::is_none) {
            return Err(ConfigError(format!(
                "{} is missing (the other TERRITOIRES_OIDC_* variables are set)",
                names[i]
            )));
        }
        let mut v = values.into_iter().flatten();
        let (issuer, client_id, client_secret, redirect_url) = (
            v.next().unwrap_or_default().trim_end_matches('/').to_owned(),
            v.next().unwrap_or_default(),
            v.next().unwrap_or_default(),
            v.next().unwrap_or_default(),
        );
        for (name, url) in [(names[0], &issuer), (names[3], &redirect_url)] {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(ConfigError(format!("{name} must be an http(s) URL, not {url:?}")));
            }
        }
        let scopes = get("TERRITOIRES_OIDC_SCOPES").unwrap_or_else(|| DEFAULT_SCOPES.to_owned());
        if !scopes.split_whitespace().any(|s| s == "openid") {
            return Err(ConfigError(format!("TERRITOIRES_OIDC_SCOPES must include openid: {scopes:?}")));
        }
        Ok(Some(OidcConfig {
            issuer,
            client_id,
            client_secret,
            redirect_url,
            label: get("TERRITOIRES_OIDC_LABEL").unwrap_or_else(|| DEFAULT_LABEL.to_owned()),
            scopes,
        }))
    }

    /// [`OidcConfig::from_vars`] on the process environment.
    pub fn from_env() -> Result<Option<OidcConfig>, ConfigError> {
        OidcConfig::from_vars(|n| std::env::var(n).ok())
    }
}

/// Why a flow failed. The `Display` text is for the logs (no secret, no token); the
/// reader sees [`FlowError::message`].
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// The provider cannot be reached or answered something unusable.
    #[error("provider: {0}")]
    Provider(String),
    /// The ID token is invalid (signature, issuer, audience, expiry, nonce…).
    #[error("invalid ID token: {0}")]
    Token(String),
}

impl FlowError {
    /// The French message shown to the reader.
    pub fn message(&self) -> &'static str {
        match self {
            FlowError::Provider(_) => "Le fournisseur d'identité ne répond pas comme attendu : réessayez plus tard.",
            FlowError::Token(_) => "La réponse du fournisseur d'identité n'a pas pu être vérifiée : la connexion est refusée.",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    #[serde(default)]
    userinfo_endpoint: Option<String>,
    #[serde(default)]
    id_token_signing_alg_values_supported: Vec<String>,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Vec<String>,
}

struct Cached {
    discovery: Discovery,
    keys: JwkSet,
    at: Instant,
}

/// A configured provider: its settings, an HTTP client and the cached discovery document
/// and keys.
pub struct Provider {
    /// The settings.
    pub config: OidcConfig,
    http: reqwest::Client,
    cache: Mutex<Option<Cached>>,
}

/// What the redirect to the provider carries and the flow cookie keeps.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Flow {
    /// Anti-CSRF value echoed by the provider.
    pub state: String,
    /// Value the ID token must carry in `nonce` (replay protection).
    pub nonce: String,
    /// PKCE code verifier (43 characters; its S256 challenge goes to the provider).
    pub verifier: String,
    /// Local path to go to after signing in.
    pub retour: String,
}

impl Flow {
    /// A new flow with fresh random values (32 bytes each, from the OS).
    pub fn new(retour: &str) -> Flow {
        Flow {
            state: territoires_store::random_token(),
            nonce: territoires_store::random_token(),
            verifier: territoires_store::random_token(),
            retour: retour.to_owned(),
        }
    }

    /// The cookie value: base64url of the JSON.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// The flow of a cookie value; `None` when it is not one.
    pub fn decode(value: &str) -> Option<Flow> {
        let bytes = URL_SAFE_NO_PAD.decode(value.trim().as_bytes()).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

/// The PKCE S256 challenge of `verifier` (RFC 7636 §4.2): base64url(SHA-256(verifier)).
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Percent-encodes a query value (RFC 3986 unreserved characters kept).
pub fn encode_component(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The claims read from a verified ID token (and, when it lacks them, from userinfo).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Claims {
    /// Issuer (checked).
    pub iss: String,
    /// Subject.
    pub sub: String,
    /// Nonce (checked).
    #[serde(default)]
    pub nonce: Option<String>,
    /// Authorised party (checked when present).
    #[serde(default)]
    pub azp: Option<String>,
    /// E-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the provider verified it (a boolean, or the string `"true"` some send).
    #[serde(default, deserialize_with = "lenient_bool")]
    pub email_verified: bool,
    /// Full name.
    #[serde(default)]
    pub name: Option<String>,
    /// Given name.
    #[serde(default)]
    pub given_name: Option<String>,
    /// Family name.
    #[serde(default)]
    pub family_name: Option<String>,
    /// Usual name (ProConnect).
    #[serde(default)]
    pub usual_name: Option<String>,
}

fn lenient_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Bool(b) => b,
        serde_json::Value::String(s) => s == "true",
        _ => false,
    })
}

impl Claims {
    /// The name to show: `name`, else given name and usual (or family) name.
    pub fn display_name(&self) -> Option<String> {
        if let Some(n) = self.name.as_deref().filter(|n| !n.trim().is_empty()) {
            return Some(n.trim().to_owned());
        }
        let parts: Vec<&str> = [
            self.given_name.as_deref(),
            self.usual_name.as_deref().or(self.family_name.as_deref()),
        ]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: String,
    #[serde(default)]
    access_token: Option<String>,
}

/// Asymmetric algorithms accepted for ID tokens (a public JWKS cannot key HMAC).
const ACCEPTED: [Algorithm; 8] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

impl Provider {
    /// A provider for `config`. Nothing is fetched until the first sign-in. Errors: the
    /// HTTP client cannot be built (TLS set-up).
    pub fn new(config: OidcConfig) -> Result<Provider, ConfigError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ConfigError(format!("HTTP client: {e}")))?;
        Ok(Provider {
            config,
            http,
            cache: Mutex::new(None),
        })
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, FlowError> {
        let res = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| FlowError::Provider(format!("GET {url}: {e}")))?;
        if !res.status().is_success() {
            return Err(FlowError::Provider(format!("GET {url}: status {}", res.status())));
        }
        res.json().await.map_err(|e| FlowError::Provider(format!("GET {url}: {e}")))
    }

    /// Fetches discovery and keys when missing, older than an hour, or (`refresh`) when a
    /// key is unknown; returns a copy.
    async fn metadata(&self, refresh: bool) -> Result<(Discovery, JwkSet), FlowError> {
        let mut cache = self.cache.lock().await;
        if let Some(c) = cache.as_ref() {
            let fresh = c.at.elapsed() < CACHE_TTL;
            // A rotation check at most once a minute, so forged `kid`s cannot flood the provider.
            let may_refresh = c.at.elapsed() > Duration::from_secs(60);
            if fresh && !(refresh && may_refresh) {
                return Ok((c.discovery.clone(), c.keys.clone()));
            }
        }
        let url = format!("{}/.well-known/openid-configuration", self.config.issuer);
        let discovery: Discovery = self.get_json(&url).await?;
        if discovery.issuer.trim_end_matches('/') != self.config.issuer {
            return Err(FlowError::Provider(format!(
                "discovery names issuer {:?}, configured {:?}",
                discovery.issuer, self.config.issuer
            )));
        }
        let secure = self.config.issuer.starts_with("https://");
        for url in [&discovery.authorization_endpoint, &discovery.token_endpoint, &discovery.jwks_uri] {
            if secure && !url.starts_with("https://") {
                return Err(FlowError::Provider(format!("endpoint {url} is not https")));
            }
        }
        let keys: JwkSet = self.get_json(&discovery.jwks_uri).await?;
        *cache = Some(Cached {
            discovery: discovery.clone(),
            keys: keys.clone(),
            at: Instant::now(),
        });
        Ok((discovery, keys))
    }

    /// The provider's authorization URL for `flow` (code flow, PKCE S256). Errors: the
    /// discovery document cannot be fetched or is inconsistent.
    pub async fn authorization_url(&self, flow: &Flow) -> Result<String, FlowError> {
        let (d, _) = self.metadata(false).await?;
        let sep = if d.authorization_endpoint.contains('?') { '&' } else { '?' };
        Ok(format!(
            "{}{sep}response_type=code&client_id={}&redirect_uri={}&scope={}&state={}&nonce={}&code_challenge={}&code_challenge_method=S256",
            d.authorization_endpoint,
            encode_component(&self.config.client_id),
            encode_component(&self.config.redirect_url),
            encode_component(&self.config.scopes),
            encode_component(&flow.state),
            encode_component(&flow.nonce),
            pkce_challenge(&flow.verifier),
        ))
    }

    /// Exchanges `code` at the token endpoint (with the PKCE verifier and the client's
    /// credentials: `client_secret_basic`, or `client_secret_post` when only that is
    /// announced), verifies the ID token ([`Provider::verify_id_token`]) and returns its
    /// claims, completed from the userinfo endpoint when the token lacks the e-mail.
    pub async fn finish(&self, code: &str, flow: &Flow) -> Result<Claims, FlowError> {
        let (d, _) = self.metadata(false).await?;
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", self.config.redirect_url.as_str()),
            ("code_verifier", flow.verifier.as_str()),
        ];
        let methods = &d.token_endpoint_auth_methods_supported;
        let post = methods.iter().any(|m| m == "client_secret_post") && !methods.iter().any(|m| m == "client_secret_basic");
        let mut req = self.http.post(&d.token_endpoint);
        if post {
            form.push(("client_id", self.config.client_id.as_str()));
            form.push(("client_secret", self.config.client_secret.as_str()));
        } else {
            // RFC 6749 §2.3.1: both parts form-urlencoded before Basic encoding.
            req = req.basic_auth(
                encode_component(&self.config.client_id),
                Some(encode_component(&self.config.client_secret)),
            );
        }
        let body = form
            .iter()
            .map(|(k, v)| format!("{k}={}", encode_component(v)))
            .collect::<Vec<_>>()
            .join("&");
        let res = req
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| FlowError::Provider(format!("token endpoint: {e}")))?;
        if !res.status().is_success() {
            return Err(FlowError::Provider(format!("token endpoint: status {}", res.status())));
        }
        let tokens: TokenResponse = res.json().await.map_err(|e| FlowError::Provider(format!("token endpoint: {e}")))?;
        let mut claims = self.verify_id_token(&tokens.id_token, &flow.nonce).await?;
        if claims.email.is_none() {
            if let (Some(url), Some(access)) = (d.userinfo_endpoint.as_deref(), tokens.access_token.as_deref()) {
                self.complete_from_userinfo(url, access, &mut claims).await?;
            }
        }
        Ok(claims)
    }

    /// Verifies an ID token: an accepted asymmetric algorithm announced by the provider,
    /// a signature by a key of its JWKS (chosen by `kid`), `iss` = the configured issuer,
    /// `aud` containing the client id (and `azp`, when present, equal to it), `exp` in the
    /// future and `nbf` past (60 s leeway), `nonce` = `nonce`. Returns the claims.
    pub async fn verify_id_token(&self, token: &str, nonce: &str) -> Result<Claims, FlowError> {
        let claims: Claims = self.verify_jwt(token, true).await?;
        if claims.nonce.as_deref() != Some(nonce) {
            return Err(FlowError::Token("nonce differs from the flow's".into()));
        }
        if claims.azp.as_deref().is_some_and(|azp| azp != self.config.client_id) {
            return Err(FlowError::Token("azp is another client".into()));
        }
        Ok(claims)
    }

    async fn verify_jwt<T: serde::de::DeserializeOwned>(&self, token: &str, require_exp: bool) -> Result<T, FlowError> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| FlowError::Token(format!("header: {e}")))?;
        let (d, mut keys) = self.metadata(false).await?;
        let announced = &d.id_token_signing_alg_values_supported;
        if !ACCEPTED.contains(&header.alg) || (!announced.is_empty() && !announced.iter().any(|a| format!("{:?}", header.alg) == *a)) {
            return Err(FlowError::Token(format!("algorithm {:?} not accepted", header.alg)));
        }
        let find = |keys: &JwkSet| match header.kid.as_deref() {
            Some(kid) => keys.find(kid).cloned(),
            None if keys.keys.len() == 1 => keys.keys.first().cloned(),
            None => None,
        };
        let jwk = match find(&keys) {
            Some(k) => k,
            None => {
                keys = self.metadata(true).await?.1;
                find(&keys).ok_or_else(|| FlowError::Token(format!("no key {:?} in the JWKS", header.kid)))?
            }
        };
        let key = DecodingKey::from_jwk(&jwk).map_err(|e| FlowError::Token(format!("JWK: {e}")))?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_audience(&[&self.config.client_id]);
        validation.leeway = 60;
        validation.validate_nbf = true;
        validation.validate_exp = require_exp;
        let required: &[&str] = if require_exp { &["exp", "iss", "aud", "sub"] } else { &["sub"] };
        validation.set_required_spec_claims(required);
        jsonwebtoken::decode::<T>(token, &key, &validation)
            .map(|data| data.claims)
            .map_err(|e| FlowError::Token(e.to_string()))
    }

    /// Completes `claims` from the userinfo endpoint (JSON, or a JWT signed by the
    /// provider as ProConnect sends); its `sub` must be the ID token's.
    async fn complete_from_userinfo(&self, url: &str, access: &str, claims: &mut Claims) -> Result<(), FlowError> {
        let res = self
            .http
            .get(url)
            .bearer_auth(access)
            .send()
            .await
            .map_err(|e| FlowError::Provider(format!("userinfo: {e}")))?;
        if !res.status().is_success() {
            return Err(FlowError::Provider(format!("userinfo: status {}", res.status())));
        }
        let jwt = res
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("application/jwt"));
        let text = res.text().await.map_err(|e| FlowError::Provider(format!("userinfo: {e}")))?;
        let info: Claims = if jwt {
            self.verify_jwt(text.trim(), false).await?
        } else {
            #[derive(Deserialize)]
            struct Plain {
                sub: String,
                #[serde(flatten)]
                rest: serde_json::Value,
            }
            let plain: Plain = serde_json::from_str(&text).map_err(|e| FlowError::Provider(format!("userinfo: {e}")))?;
            let mut rest = plain.rest;
            if let Some(map) = rest.as_object_mut() {
                map.insert("sub".into(), plain.sub.into());
                map.insert("iss".into(), claims.iss.clone().into());
            }
            serde_json::from_value(rest).map_err(|e| FlowError::Provider(format!("userinfo: {e}")))?
        };
        if info.sub != claims.sub {
            return Err(FlowError::Token("userinfo is about another subject".into()));
        }
        claims.email = info.email;
        claims.email_verified = info.email_verified;
        for (mine, theirs) in [
            (&mut claims.name, info.name),
            (&mut claims.given_name, info.given_name),
            (&mut claims.family_name, info.family_name),
            (&mut claims.usual_name, info.usual_name),
        ] {
            if mine.is_none() {
                *mine = theirs;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pkce_challenge_is_the_rfc_7636_example() {
        // RFC 7636, appendix B.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn configuration_is_all_or_nothing() {
        let none = OidcConfig::from_vars(|_| None).unwrap();
        assert!(none.is_none());
        let partial = OidcConfig::from_vars(|n| (n == "TERRITOIRES_OIDC_ISSUER").then(|| "https://idp.example".into()));
        assert!(partial.unwrap_err().to_string().contains("TERRITOIRES_OIDC_CLIENT_ID"));
        let full = |n: &str| match n {
            "TERRITOIRES_OIDC_ISSUER" => Some("https://idp.example/".into()),
            "TERRITOIRES_OIDC_CLIENT_ID" => Some("portail".into()),
            "TERRITOIRES_OIDC_CLIENT_SECRET" => Some("s3cret".into()),
            "TERRITOIRES_OIDC_REDIRECT_URL" => Some("https://portail.example/connexion/oidc/retour".into()),
            _ => None,
        };
        let c = OidcConfig::from_vars(full).unwrap().unwrap();
        assert_eq!(c.issuer, "https://idp.example", "trailing slash dropped");
        assert_eq!(c.label, "Se connecter avec ProConnect");
        assert_eq!(c.scopes, "openid email profile");
        assert!(!format!("{c:?}").contains("s3cret"), "the secret never reaches a log");
    }

    #[test]
    fn a_flow_survives_its_cookie_and_garbage_does_not_parse() {
        let f = Flow::new("/espace");
        assert_eq!(Flow::decode(&f.encode()), Some(f.clone()));
        assert_eq!(Flow::decode("%%%"), None);
        assert_ne!(f.state, f.nonce);
    }
}
