//! `territoires serve`: the portal and the API.

use crate::exit::CliError;
use std::process::ExitCode;
use std::sync::Arc;
use territoires_domain::funding::investment::PrudentInvestorRule;
use territoires_domain::org_id::Publisher;
use territoires_domain::siren::Siret;

/// Opens the registry (importing the embedded data into an empty database), binds `bind`
/// and serves until SIGINT/SIGTERM, reloading the data every `reload_seconds` when another
/// process has imported something (0: never). OpenID Connect sign-in is configured by the
/// `TERRITOIRES_OIDC_*` variables (see `territoires_web::oidc`).
pub async fn run(database_url: &str, bind: std::net::SocketAddr, reload_seconds: u64) -> Result<ExitCode, CliError> {
    // OpenID Connect (issue 3): read before anything else, so a half configuration stops
    // the start instead of serving without the sign-in the operator expects.
    let oidc = territoires_web::oidc::OidcConfig::from_env()
        .and_then(|c| c.map(territoires_web::oidc::Provider::new).transpose())
        .map_err(|e| CliError::Config(e.to_string()))?
        .map(Arc::new);
    if let Some(p) = &oidc {
        tracing::info!(issuer = %p.config.issuer, "OpenID Connect sign-in enabled");
    }
    // Like OpenID Connect: a wrong publisher stops the start before the database is touched.
    let publisher = publisher()?;
    let (store, registry) = super::open_registry(database_url, "system").await?;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| CliError::Io(format!("cannot listen on {bind}: {e}")))?;
    let addr = listener.local_addr().map_err(|e| CliError::Io(e.to_string()))?;
    tracing::info!(%addr, projects = registry.projects.len(), backend = ?store.backend(), "serving http://{addr}/");
    let state = territoires_web::AppState::new(Arc::new(registry), store.clone())
        .with_notifier(notifier()?)
        .with_oidc(oidc)
        .with_public_url(public_url()?)
        .with_prudent_investor_floor(prudent_investor_floor()?)
        .with_publisher(publisher);
    let reload_every = (reload_seconds > 0).then(|| std::time::Duration::from_secs(reload_seconds));
    territoires_web::serve(listener, state, reload_every)
        .await
        .map_err(|e| CliError::Io(e.to_string()))?;
    store.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// `TERRITOIRES_MIN_PRIVATE_SHARE_BP`, the programme's prudent-investor rule: the minimum
/// share of a round put by private co-investors pari passu, in hundredths of a percent
/// (0–10000; unset or blank: 3000, i.e. 30 %, see
/// [`territoires_domain::funding::investment`]). A committee's decision may raise it, never
/// lower it. Errors (exit 78): not an integer in 0–10000.
fn prudent_investor_floor() -> Result<PrudentInvestorRule, CliError> {
    let Some(raw) = std::env::var("TERRITOIRES_MIN_PRIVATE_SHARE_BP")
        .ok()
        .filter(|v| !v.trim().is_empty())
    else {
        return Ok(PrudentInvestorRule::default());
    };
    let bad = || {
        CliError::Config(format!(
            "TERRITOIRES_MIN_PRIVATE_SHARE_BP ({raw}) must be an integer from 0 to 10000, e.g. 3000 for 30 %"
        ))
    };
    let bp: u32 = raw.trim().parse().map_err(|_| bad())?;
    let rule = PrudentInvestorRule::new(bp).map_err(|_| bad())?;
    tracing::info!(min_private_share_bp = bp, "prudent-investor rule: programme floor");
    Ok(rule)
}

/// The publisher of the open data: `TERRITOIRES_PUBLISHER_NAME` and
/// `TERRITOIRES_PUBLISHER_SIRET` (each unset or blank: the Caisse des Dépôts' own, see
/// [`Publisher::caisse_des_depots`]). Errors (exit 78): a SIRET that is not 14 digits
/// passing the Luhn check.
pub(crate) fn publisher() -> Result<Publisher, CliError> {
    let var = |name: &str| std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let default = Publisher::caisse_des_depots();
    let name = var("TERRITOIRES_PUBLISHER_NAME").unwrap_or(default.name);
    let siret = match var("TERRITOIRES_PUBLISHER_SIRET") {
        None => default.siret,
        Some(raw) => Siret::parse(&raw).map_err(|e| {
            CliError::Config(format!(
                "TERRITOIRES_PUBLISHER_SIRET ({raw}) must be a SIRET, 14 digits passing the Luhn check, e.g. 18002002600019: {e}"
            ))
        })?,
    };
    tracing::info!(publisher = %name, siret = siret.as_str(), "open data publisher");
    Ok(Publisher { name, siret })
}

/// `TERRITOIRES_PUBLIC_URL`, the base of absolute links in notifications (unset or
/// blank: relative links). Errors (exit 78): not an `http://` or `https://` URL.
fn public_url() -> Result<Option<String>, CliError> {
    let Some(url) = std::env::var("TERRITOIRES_PUBLIC_URL").ok().filter(|u| !u.trim().is_empty()) else {
        return Ok(None);
    };
    let url = url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(CliError::Config(format!(
            "TERRITOIRES_PUBLIC_URL ({url}) must start with https:// or http://, e.g. https://territoires.example.fr"
        )));
    }
    Ok(Some(url.to_owned()))
}

/// The notifier the environment asks for: SMTP when `TERRITOIRES_SMTP_URL` is set (with
/// `TERRITOIRES_MAIL_FROM`; needs the `smtp` feature), else the log. Errors (exit 78): a
/// missing sender, an invalid URL (password masked), SMTP asked of a build without it.
fn notifier() -> Result<Arc<dyn territoires_web::notify::Notifier>, CliError> {
    let Some(url) = std::env::var("TERRITOIRES_SMTP_URL").ok().filter(|u| !u.trim().is_empty()) else {
        tracing::info!("notifications: written to the log (set TERRITOIRES_SMTP_URL to send e-mails)");
        return Ok(Arc::new(territoires_web::notify::LogNotifier));
    };
    smtp_notifier(&url)
}

#[cfg(feature = "smtp")]
fn smtp_notifier(url: &str) -> Result<Arc<dyn territoires_web::notify::Notifier>, CliError> {
    let from = std::env::var("TERRITOIRES_MAIL_FROM")
        .map_err(|_| CliError::Config("TERRITOIRES_SMTP_URL is set but TERRITOIRES_MAIL_FROM is not: give the sender's address".into()))?;
    let smtp = territoires_web::notify_smtp::SmtpNotifier::new(url, &from).map_err(CliError::Config)?;
    tracing::info!(url = %smtp.shown_url(), "notifications: sent by SMTP");
    Ok(Arc::new(smtp))
}

#[cfg(not(feature = "smtp"))]
fn smtp_notifier(url: &str) -> Result<Arc<dyn territoires_web::notify::Notifier>, CliError> {
    Err(CliError::Config(format!(
        "TERRITOIRES_SMTP_URL is set ({}) but this build has no SMTP support: rebuild with `cargo build --release --features smtp`, or unset it to log notifications",
        territoires_store::redact(url)
    )))
}
