//! Persistence of the registry behind [`Store`]: SQLite by default (file created and
//! migrated on first start), PostgreSQL when the URL starts with `postgres://`.
//! STUB: signatures only, being written.

use territoires_domain::{Programme, Project, Registry};

/// A store error: connection, migration, or a query that failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database said no.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A stored row could not be read back into the domain (corrupt or foreign data).
    #[error("stored data is invalid: {0}")]
    Invalid(String),
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Projects created.
    pub inserted: u32,
    /// Projects whose fields changed.
    pub updated: u32,
    /// Projects already stored as they are.
    pub unchanged: u32,
    /// Whether the programme record changed.
    pub programme_changed: bool,
}

/// A connection pool to the registry's database.
#[derive(Clone, Debug)]
pub struct Store {
    pool: sqlx::AnyPool,
}

impl Store {
    /// Connects to `url` (`sqlite://path`, `sqlite::memory:`, `postgres://…`), creating
    /// the SQLite file if missing, and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(url).await?;
        Ok(Store { pool })
    }

    /// Checks the database answers (`SELECT 1`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Imports a programme and its projects in one transaction (all or nothing);
    /// idempotent.
    pub async fn import(&self, _programme: &Programme, _projects: &[Project]) -> Result<ImportReport, StoreError> {
        Ok(ImportReport::default())
    }

    /// Loads the registry; `None` when nothing was imported yet.
    pub async fn load_registry(&self) -> Result<Option<Registry>, StoreError> {
        Ok(None)
    }
}
