//! One module per subcommand, plus the start-up shared by them.

pub mod check;
pub mod export;
pub mod import;
pub mod serve;

use crate::exit::CliError;
use territoires_domain::Registry;
use territoires_formats::press_kit;
use territoires_store::Store;

/// Connects to the database and returns its registry, importing the embedded press kit
/// first when the database is empty (so that a fresh install shows the real programme).
pub async fn open_registry(database_url: &str) -> Result<(Store, Registry), CliError> {
    let store = Store::connect(database_url).await?;
    if let Some(registry) = store.load_registry().await? {
        return Ok((store, registry));
    }
    tracing::info!(file = press_kit::EMBEDDED_FILE, "empty database: importing the embedded press kit");
    let kit = press_kit::parse(press_kit::EMBEDDED, press_kit::EMBEDDED_FILE).map_err(|e| CliError::Data(e.to_string()))?;
    store
        .import(&kit.programme, &kit.projects, territoires_store::AbsentProjects::Refuse)
        .await?;
    let registry = store
        .load_registry()
        .await?
        .ok_or_else(|| CliError::Data("the embedded press kit imported no programme".into()))?;
    Ok((store, registry))
}
