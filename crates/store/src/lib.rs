//! Persistence of the registry behind [`Store`]: SQLite by default (the file is created
//! and migrated on first start), PostgreSQL when the URL starts with `postgres://`.
//!
//! One implementation on sqlx's `Any` driver serves both backends; the schema keeps to
//! portable types (money as BIGINT cents, dates as ISO 8601 text) and each backend has
//! its own migration folder (`migrations/sqlite`, `migrations/postgres`). This crate
//! holds no business rule: it stores and loads domain values as they are.

mod accounts;
mod agreements;
mod applications;
mod attachments;
mod audit;
mod call_management;
mod codec;
mod correspondence;
mod deliberations;
mod disbursements;
mod experts;
mod funding;
mod funding_import;
mod impact;
mod investments;
mod laureates;
mod ledger_balances;
mod ledger_check;
pub use ledger_check::{LedgerFinding, LedgerReconciliation, COMMITMENT_TABLES};
mod oidc_accounts;
mod opinions;
mod registry;
mod scoring;
mod sessions;
pub mod testing;
pub mod testing_funding;

pub use accounts::{hash_password, Account, NewAccount};
pub use agreements::{AgreementDetail, AgreementSummary, AgreementVersion, StoredCondition, StoredTranche};
pub use applications::{Application, ApplicationEvent};
pub use attachments::Attachment;
pub use audit::AuditVerification;
pub use correspondence::{Post, Thread};
pub use deliberations::{Deliberation, StoredDecision};
pub use disbursements::{AgreementTranches, Disbursement, DisbursementDetail, DisbursementEvent, TrancheRemainder};
pub use experts::{DeclaredConflict, ExpertOrganisation};
pub use funding_import::{AgreementImport, ImportOutcome, ImportRefused, ImportSource, PaymentImport};
pub use impact::{
    Actor, EventStep, ImpactRefusal, ImportSummary, IndicatorVersion, Measurement, MeasurementEvent, MemberRole, NewMeasurement,
    ProjectMember,
};
pub use investments::{StoredEvent, StoredInvestment};
pub use oidc_accounts::{AccountChange, OidcIdentity, OidcOutcome};
pub use opinions::{OpinionAnswer, OpinionRequest};
pub use registry::{AbsentProjects, ImportReport};
pub use scoring::{Moderation, ScoreSheet};
pub use sessions::{random_token, Session};

use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use std::time::Duration;

/// A store error: connection, migration, or a query that failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no backend this store supports (password masked).
    #[error("unsupported database URL {0:?}: expected sqlite://PATH or postgres://user@host:port/db")]
    UnsupportedUrl(String),
    /// The database cannot be opened or reached: the URL (password masked) and the cause.
    #[error("cannot open {url}: {source}")]
    Connect {
        /// The URL, password masked.
        url: String,
        /// What the driver said (connection refused, unable to open file…).
        source: sqlx::Error,
    },
    /// An import would leave stored projects of the programme without a fiche (a renamed
    /// or removed fiche): nothing was written. The slugs are listed.
    #[error("stored projects absent from the imported data: {}", .0.join(", "))]
    AbsentFromSource(Vec<String>),
    /// A record with the same key exists already (e.g. an account with this e-mail).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The record asked for does not exist (an application, a call): what was looked
    /// for, in French.
    #[error("{0}")]
    NotFound(String),
    /// A workflow transition was refused — by the domain's rules (role, status, missing
    /// reason, deadline passed) or because a concurrent change took the status first —
    /// and nothing was written. Carries the French message to show the user.
    #[error("{0}")]
    Refused(String),
    /// An impact operation was refused (unknown indicator, wrong period or shape, role,
    /// membership, superseded measurement, review step): the French message names the
    /// field; nothing was written.
    #[error("{0}")]
    Impact(#[from] impact::ImpactRefusal),
    /// A disbursement step was refused by the workflow's rules (role, status, date,
    /// reason, separation of duties, tranche remainder, unmet conditions): nothing written.
    #[error("{0}")]
    Disbursement(#[from] territoires_domain::funding::disbursement::DisbursementError),
    /// A ledger entry was refused by the funding rules (a ceiling exceeded, accounts
    /// that do not fit the movement, an empty who/why…), or a stored journal broke them:
    /// the French message names the entry; nothing was written.
    #[error("{0}")]
    Ledger(#[from] territoires_domain::funding::ledger::LedgerError),
    /// An agreement's terms or amendment break a rule (co-financing plan, tranches,
    /// SIREN, planned budget, what is paid): the French message names the field; nothing
    /// was written.
    #[error("{0}")]
    Agreement(#[from] territoires_domain::funding::agreement::AgreementError),
    /// The database said no (connection refused, constraint violated, …).
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed; the database is left at the last migration that succeeded.
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// An audit entry was refused (a key named like a secret, a float, an empty field):
    /// the change it was recording is rolled back with it.
    #[error("{0}")]
    AuditRefused(#[from] territoires_domain::audit::AuditError),
    /// A stored row could not be read back into the domain (corrupt or foreign data):
    /// names the table, the key and what is wrong.
    #[error("stored data is invalid: {0}")]
    Invalid(String),
}

/// Which database engine a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite (embedded default).
    Sqlite,
    /// PostgreSQL (scale-out).
    Postgres,
}

impl Backend {
    /// The backend a URL names: `sqlite:` or `postgres://` / `postgresql://`.
    pub fn of_url(url: &str) -> Result<Backend, StoreError> {
        if url == "sqlite://" || url == "sqlite:" {
            Err(StoreError::UnsupportedUrl(format!("{url} (no file path)")))
        } else if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(redact(url)))
        }
    }
}

/// `url` with its password replaced by `***` (`postgres://u:***@h/db`), for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_owned(),
    }
}

/// A connection pool to the registry's database. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Connects to `url` and applies pending migrations.
    ///
    /// - `sqlite://PATH` (add `?mode=rwc` to create the file if missing; [`Store::connect`]
    ///   adds it when no mode is given), `sqlite::memory:` (one connection, so that every
    ///   query sees the same database). SQLite runs in WAL mode with a 5 s busy timeout
    ///   and foreign keys on.
    /// - `postgres://user@host:port/db`.
    ///
    /// Errors: [`StoreError::UnsupportedUrl`], [`StoreError::Database`] when the server
    /// cannot be reached, [`StoreError::Migration`].
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
        let mut url = url.to_owned();
        let mut options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        if backend == Backend::Sqlite {
            if url.contains(":memory:") {
                options = options.max_connections(1).min_connections(1).idle_timeout(None).max_lifetime(None);
            } else if !url.contains("mode=") {
                url.push_str(if url.contains('?') { "&mode=rwc" } else { "?mode=rwc" });
            }
            options = options.after_connect(|conn, _| {
                Box::pin(async move {
                    use sqlx::Executor;
                    conn.execute("PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;").await?;
                    Ok(())
                })
            });
        }
        // One direct connection first: a pool hides the cause (refused, no such file)
        // behind a time-out.
        let connect_err = |source| StoreError::Connect { url: redact(&url), source };
        if !url.contains(":memory:") {
            let conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
                .await
                .map_err(connect_err)?;
            sqlx::Connection::close(conn).await.map_err(connect_err)?;
        }
        let pool = options.connect(&url).await.map_err(connect_err)?;
        let store = Store { pool, backend };
        if backend == Backend::Sqlite && !url.contains(":memory:") {
            // Persistent per file: readers never block the writer.
            sqlx::query("PRAGMA journal_mode = WAL").execute(&store.pool).await?;
        }
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations of this backend (idempotent).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// The backend this store talks to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks the database answers (`SELECT 1`). Used by `/healthz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection (waits for those in use to be returned).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Begins a transaction for a write that checks state before changing it. On SQLite
    /// it is `BEGIN IMMEDIATE`: the write lock is taken at once, so a second writer waits
    /// (busy timeout) and then reads the state the first one committed, instead of both
    /// passing the check on the same snapshot (DESIGN.md, « Known traps »). On PostgreSQL
    /// a plain `BEGIN` (read committed); callers guard their `UPDATE` with the state they
    /// read (`… WHERE status = $2`) and check the rows affected.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.backend() {
            Backend::Sqlite => self.pool().begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool().begin().await?,
        })
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}
