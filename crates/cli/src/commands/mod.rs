//! One module per subcommand, plus the start-up shared by them.

pub mod account;
pub mod audit;
pub mod check;
pub mod export;
pub mod impacts;
pub mod import;
pub mod import_funding;
pub mod import_partners;
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
        seed_impacts(&store, &registry.projects, actor).await?;
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
    seed_impacts(&store, &registry.projects, actor).await?;
    Ok((store, registry))
}

/// Imports the embedded structured impacts (`data/impacts-2030.toml`) when the database
/// holds no indicator yet, so that a fresh install, or one upgraded from before issue 4,
/// shows the laureates' indicators and targets. Never overwrites stored indicators (a
/// re-baselining made in the platform stays): `territoires import impacts` does that on
/// purpose. When the stored fiches are not the press kit's (another file was imported),
/// the catalogue does not match them: a warning, and no indicators.
pub async fn seed_impacts(store: &Store, projects: &[territoires_domain::Project], actor: &str) -> Result<(), CliError> {
    if !store.indicators(None).await?.is_empty() {
        return Ok(());
    }
    match territoires_formats::impacts::catalogue(projects, territoires_formats::impacts::EMBEDDED) {
        Ok(catalogue) => {
            let summary = store.replace_catalogue(&catalogue, actor).await?;
            tracing::info!(
                indicators = summary.inserted.len(),
                "no indicator yet: imported the embedded structured impacts"
            );
        }
        Err(e) => tracing::warn!(error = %e, "the embedded structured impacts do not match the stored fiches: no indicator imported"),
    }
    Ok(())
}

/// Who the command line acts as in the audit trail: `cli:$USER` (`cli:$USERNAME` on
/// Windows), or `cli` when neither is set.
pub fn actor() -> String {
    match std::env::var("USER").or_else(|_| std::env::var("USERNAME")) {
        Ok(user) if !user.trim().is_empty() => format!("cli:{}", user.trim()),
        _ => "cli".to_owned(),
    }
}
