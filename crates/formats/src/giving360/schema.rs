//! The vendored 360Giving 1.4.3 JSON Schemas, compiled once, offline.
//!
//! Draft 2020-12 is forced (the schemas say `http://json-schema.org/draft/2020-12/schema`,
//! which the library does not recognise) and format assertion is on (without it a plain
//! `awardDate` matches both branches of its `oneOf` and fails). The package schema refers to
//! the grant schema by a remote URI (`…/1.4.2/schema/360-giving-schema.json`): the local copy
//! is registered under it, so nothing is fetched.

use crate::grant::ExportError;
use jsonschema::{Draft, Registry, Validator};
use serde_json::Value;
use std::sync::OnceLock;

/// The grant schema (`360-giving-schema.json`), byte for byte.
pub const GRANT_SCHEMA: &str = include_str!("../../schemas/360giving/360-giving-schema.json");
/// The package schema (`360-giving-package-schema.json`), byte for byte.
pub const PACKAGE_SCHEMA: &str = include_str!("../../schemas/360giving/360-giving-package-schema.json");
/// The URI under which the package schema `$ref`s the grant schema.
pub const GRANT_SCHEMA_REF: &str = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json";

/// Why a vendored schema could not be compiled (a build defect, not bad input).
fn schema_error(what: &str, e: impl std::fmt::Display) -> String {
    format!("schéma 360Giving {what} inutilisable : {e}")
}

/// The validator of one grant. Errors: the vendored schema does not compile (message).
pub fn grant_validator() -> Result<&'static Validator, String> {
    static V: OnceLock<Result<Validator, String>> = OnceLock::new();
    V.get_or_init(|| {
        let schema: Value = serde_json::from_str(GRANT_SCHEMA).map_err(|e| schema_error("(subvention)", e))?;
        jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|e| schema_error("(subvention)", e))
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// The validator of a whole data package, the grant schema registered under
/// [`GRANT_SCHEMA_REF`]. Errors: a vendored schema does not compile (message).
pub fn package_validator() -> Result<&'static Validator, String> {
    static V: OnceLock<Result<Validator, String>> = OnceLock::new();
    V.get_or_init(|| {
        let grant: Value = serde_json::from_str(GRANT_SCHEMA).map_err(|e| schema_error("(subvention)", e))?;
        let package: Value = serde_json::from_str(PACKAGE_SCHEMA).map_err(|e| schema_error("(paquet)", e))?;
        let resource = Draft::Draft202012.create_resource(grant);
        let registry = Registry::new()
            .add(GRANT_SCHEMA_REF, resource)
            .and_then(|b| b.prepare())
            .map_err(|e| schema_error("(registre)", e))?;
        jsonschema::options()
            .with_draft(Draft::Draft202012)
            .should_validate_formats(true)
            .with_registry(&registry)
            .build(&package)
            .map_err(|e| schema_error("(paquet)", e))
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Checks the JSON text of one grant against the grant schema. Errors: the first error as
/// [`ExportError::Invalid`], its field `{instance path} (schéma {schema path})`.
pub fn check_grant(reference: &str, text: &str) -> Result<(), ExportError> {
    let validator = grant_validator().map_err(|e| ExportError::invalid(reference, "(schéma)", e))?;
    let value: Value = serde_json::from_str(text).map_err(|e| ExportError::invalid(reference, "(json)", e.to_string()))?;
    let first = validator.iter_errors(&value).next().map(|err| {
        ExportError::invalid(
            reference,
            &format!("{} (schéma {})", err.instance_path(), err.schema_path()),
            format!("non conforme au schéma 360Giving 1.4.3 : {err}"),
        )
    });
    first.map_or(Ok(()), Err)
}
