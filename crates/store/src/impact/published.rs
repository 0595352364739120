//! The published measurements, streamed for the open-data exports: read row by row from
//! the database, so memory stays bounded whatever the table's size.

use super::measurements::{decode, COLUMNS};
use super::Measurement;
use crate::{Store, StoreError};
use futures_util::{Stream, StreamExt};
use std::sync::LazyLock;
use territoires_domain::impact::MeasurementStatus;

/// The query, built once: `fetch` needs SQL that lives as long as the stream.
static APPROVED: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {COLUMNS} FROM measurements WHERE status = '{}' ORDER BY id",
        MeasurementStatus::Approved.code()
    )
});

impl Store {
    /// Every **approved** measurement, superseded ones included (an approved value stays
    /// public once published; its correction, once approved too, names it in
    /// `supersedes`), in recording order (by id), streamed from the database one row at a
    /// time. Drafts, submitted and returned values are never read.
    ///
    /// Errors: each item is [`StoreError::Database`] when the read fails mid-way, or
    /// [`StoreError::Invalid`] for a row that does not decode; the stream goes on after an
    /// error only as far as the database does (callers stop at the first).
    pub fn approved_measurements(&self) -> impl Stream<Item = Result<Measurement, StoreError>> + Send + '_ {
        sqlx::query(APPROVED.as_str())
            .fetch(self.pool())
            .map(|row| row.map_err(StoreError::from).and_then(|r| decode(&r)))
    }
}
