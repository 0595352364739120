//! Helpers for test suites that run on both backends.

use crate::StoreError;
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A URL to a fresh, empty database for one test.
///
/// - `base` a PostgreSQL URL (e.g. `postgres://postgres@127.0.0.1:5432/test`): creates a
///   database named `territoires_test_<pid>_<n>` on that server and returns its URL.
/// - otherwise: a new SQLite file in the system's temporary directory
///   (`sqlite://…/territoires-test-<pid>-<n>.db`).
///
/// Errors: the PostgreSQL server cannot be reached or refuses `CREATE DATABASE`.
pub async fn fresh_database_url(base: Option<&str>) -> Result<String, StoreError> {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let pid = std::process::id();
    match base {
        Some(url) if url.starts_with("postgres") => {
            sqlx::any::install_default_drivers();
            let name = format!("territoires_test_{pid}_{n}");
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(url).await?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&mut conn).await?;
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await?;
            let (prefix, _) = url.rsplit_once('/').ok_or_else(|| StoreError::UnsupportedUrl(url.to_owned()))?;
            Ok(format!("{prefix}/{name}"))
        }
        _ => {
            let path = std::env::temp_dir().join(format!("territoires-test-{pid}-{n}.db"));
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            Ok(format!("sqlite://{}?mode=rwc", path.display()))
        }
    }
}

/// Runs one raw SQL statement on `store`'s database and returns the rows it affected:
/// for tests that tamper with stored data behind the store's back (e.g. `UPDATE audit_log
/// SET actor = 'mallory' WHERE seq = 1`). Errors: [`StoreError::Database`].
pub async fn execute(store: &crate::Store, sql: &str) -> Result<u64, StoreError> {
    Ok(sqlx::query(sql).execute(store.pool()).await?.rows_affected())
}

/// Creates and publishes, by actor `test`, a call for projects titled `title` that opened a
/// day ago and closes in a year (server clock), with `form` as its application form; returns
/// its slug. For suites that need a call accepting drafts: the press kit's calls are closed.
/// Appends two audit entries (`call.create`, `call.publish`).
pub async fn open_call(store: &crate::Store, title: &str, form: Vec<territoires_domain::form::FormField>) -> Result<String, StoreError> {
    let now = time::OffsetDateTime::now_utc();
    let definition = territoires_domain::platform_call::CallDefinition {
        kind: territoires_domain::call::CallKind::CallForProjects,
        title: title.to_owned(),
        opens_at: now - time::Duration::days(1),
        closes_at: now + time::Duration::days(365),
        themes: vec![],
        eligibility: vec![],
        form,
    };
    let call = store.create_call(&definition, "test").await?;
    store.publish_call(&call.slug, "test", now).await?;
    Ok(call.slug)
}

/// The slug of the call [`open_test_call`] creates.
pub const TEST_CALL: &str = "aap-2020-appel-de-test";

/// Creates and publishes the call [`TEST_CALL`]: an AAP titled « Appel de test », opened
/// on 1 January 2020 (Paris) and closing a year from now, without a form — for tests
/// that need applications (the press kit's calls are closed). Two audit entries.
pub async fn open_test_call(store: &crate::Store) -> Result<(), StoreError> {
    let now = time::OffsetDateTime::now_utc();
    let definition = territoires_domain::platform_call::CallDefinition {
        kind: territoires_domain::call::CallKind::CallForProjects,
        title: "Appel de test".to_owned(),
        opens_at: time::macros::datetime!(2019-12-31 23:00 UTC),
        closes_at: now + time::Duration::days(365),
        themes: vec![],
        eligibility: vec![],
        form: vec![],
    };
    let call = store.create_call(&definition, "test").await?;
    assert_eq!(call.slug, TEST_CALL, "the test call's slug");
    store.publish_call(&call.slug, "test", now).await?;
    Ok(())
}
