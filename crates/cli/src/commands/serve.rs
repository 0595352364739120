//! `territoires serve`: the portal and the API.

use crate::exit::CliError;
use std::process::ExitCode;
use std::sync::Arc;

/// Opens the registry (importing the embedded data into an empty database), binds `bind`
/// and serves until SIGINT/SIGTERM, reloading the data every `reload_seconds` when another
/// process has imported something (0: never).
pub async fn run(database_url: &str, bind: std::net::SocketAddr, reload_seconds: u64) -> Result<ExitCode, CliError> {
    let (store, registry) = super::open_registry(database_url, "system").await?;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| CliError::Io(format!("cannot listen on {bind}: {e}")))?;
    let addr = listener.local_addr().map_err(|e| CliError::Io(e.to_string()))?;
    tracing::info!(%addr, projects = registry.projects.len(), backend = ?store.backend(), "serving http://{addr}/");
    let state = territoires_web::AppState::new(Arc::new(registry), store.clone());
    let reload_every = (reload_seconds > 0).then(|| std::time::Duration::from_secs(reload_seconds));
    territoires_web::serve(listener, state, reload_every)
        .await
        .map_err(|e| CliError::Io(e.to_string()))?;
    store.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}
