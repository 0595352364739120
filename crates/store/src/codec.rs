//! Conversions between domain values and portable column values (text codes, JSON text,
//! ISO dates). Decoding failures name what was found so that corrupt rows are reported,
//! not guessed.

use crate::StoreError;
use serde::{de::DeserializeOwned, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

/// The serde name of a unit enum variant (`EnvelopeKind::Subsidy` → `"subsidy"`).
pub fn code<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(e) => unreachable!("domain enums always serialise: {e}"),
    }
}

/// The unit enum variant whose serde name is `code`.
pub fn from_code<T: DeserializeOwned>(code: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(code.to_owned()))
        .map_err(|_| StoreError::Invalid(format!("unknown {what} code {code:?}")))
}

/// JSON text of any serialisable value.
pub fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| unreachable!("domain values always serialise: {e}"))
}

/// Parses JSON text stored by [`json`].
pub fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Invalid(format!("{what}: {e}")))
}

/// ISO 8601 calendar date (`2019-09-13`).
pub fn date(d: Date) -> String {
    d.to_string()
}

/// Parses a date stored by [`date`].
pub fn from_date(text: &str, what: &str) -> Result<Date, StoreError> {
    Date::parse(text, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|e| StoreError::Invalid(format!("{what}: date {text:?}: {e}")))
}

/// A non-negative stored integer as `u32`.
pub fn u32_of(v: i64, what: &str) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| StoreError::Invalid(format!("{what}: {v} is out of range")))
}

/// An instant as RFC 3339 text in UTC (`2019-03-15T11:00:00Z`), per `DESIGN.md`
/// (timestamps stored in UTC; the zone to show them in is stored beside them).
pub fn instant(t: OffsetDateTime) -> String {
    t.to_offset(UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_else(|e| unreachable!("a UTC instant of years 0–9999 formats as RFC 3339: {e}"))
}

/// Parses an instant stored by [`instant`] (any RFC 3339 offset is accepted).
pub fn from_instant(text: &str, what: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|e| StoreError::Invalid(format!("{what}: instant {text:?}: {e}")))
}

/// A statement of the `Any` driver, as built by `sqlx::query`.
pub type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds an optional float (a `REAL` / `DOUBLE PRECISION` column) so that PostgreSQL sees
/// the same parameter type whether it is NULL or not. sqlx 0.8.6's `Any` driver sends a
/// NULL `f64` as a `float4` parameter and a NULL `f32` as `float8` (its two arms are
/// swapped, `sqlx-core/src/any/arguments.rs`); a statement first prepared with a NULL would
/// then reject a later non-NULL `f64` (« incorrect binary data format »). SQLite stores
/// NULL either way.
pub fn bind_f64(query: AnyQuery<'_>, value: Option<f64>) -> AnyQuery<'_> {
    match value {
        Some(v) => query.bind(v),
        None => query.bind(None::<f32>),
    }
}
