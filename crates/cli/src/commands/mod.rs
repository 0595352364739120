//! One module per subcommand, plus the start-up shared by them.

pub mod account;
pub mod audit;
pub mod check;
pub mod export;
pub mod impacts;
pub mod import;
pub mod serve;

use crate::exit::CliError;
use territoires_domain::Registry;
use territoires_formats::press_kit;
use territoires_store::Store;

/// Connects to the database and returns its registry, importing the embedded press kit
/// first when the database is empty (so that a fresh install shows the real programme);
/// `actor` is recorded in the audit trail for that import (`system` when the server does it).
pub async fn open_registry(database_url: &str, actor: &str) -> Result<(Store, Registry), CliError> {
    let store = Store::connect(database_url).await?;
    if let Some(registry) = store.load_registry().await? {
        return Ok((store, registry));
    }
    tracing::info!(file = press_kit::EMBEDDED_FILE, "empty database: importing the embedded press kit");
    let kit = press_kit::parse(press_kit::EMBEDDED, press_kit::EMBEDDED_FILE).map_err(|e| CliError::Data(e.to_string()))?;
    store
        .import(&kit.programme, &kit.projects, territoires_store::AbsentProjects::Refuse, actor)
        .await?;
    let registry = store
        .load_registry()
        .await?
        .ok_or_else(|| CliError::Data("the embedded press kit imported no programme".into()))?;
    Ok((store, registry))
}

/// Who the command line acts as in the audit trail: `cli:$USER` (`cli:$USERNAME` on
/// Windows), or `cli` when neither is set.
pub fn actor() -> String {
    match std::env::var("USER").or_else(|_| std::env::var("USERNAME")) {
        Ok(user) if !user.trim().is_empty() => format!("cli:{}", user.trim()),
        _ => "cli".to_owned(),
    }
}
