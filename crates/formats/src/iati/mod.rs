//! IATI 2.03 exports: the activity file (the programme and its projects) and the
//! organisation file of the operator.
//!
//! - [`model`]: the neutral input (plain structs, money in cents, dates as `time::Date`);
//! - [`mapping`]: from the registry's domain types (press kit projects, impact catalogue,
//!   agreements, disbursements, equity operations, measurements) to the model, with the
//!   simple funding [`records`] it takes;
//! - [`check`]: the checks each record passes before it is written (codes against the
//!   embedded codelists, required elements, budget periods, amounts);
//! - [`activity`] and [`organisation`]: streaming writers (`quick-xml`), elements in the
//!   order of the XSD sequence;
//! - [`codelists`]: the IATI codelists embedded from `schemas/iati/codelists`.
//!
//! Source: IATI Standard 2.03 (`crates/formats/schemas/iati`, CC BY 4.0). The XSD checks
//! structure only; the codelist checks are ours ([`check`]) and the test suite runs the
//! official `codelists/mapping.xml` over the output.

pub mod activity;
pub mod check;
pub mod codelists;
pub mod mapping;
pub mod mapping_results;
pub mod model;
pub mod organisation;
pub mod records;
mod xml;

pub use activity::write_activities;
pub use model::*;
pub use organisation::write_organisation;

/// IATI version written in `@version`.
pub const IATI_VERSION: &str = "2.03";

/// Why an IATI export stopped. Nothing after the failing record is written: the caller
/// writes to a temporary file and discards it.
#[derive(Debug, thiserror::Error)]
pub enum IatiError {
    /// A record would make the file invalid: which activity (or organisation), which field
    /// (an IATI path such as `participating-org[2]/@role`), and why, in French.
    #[error("activité IATI « {activity} », champ {field} : {why}")]
    Invalid {
        /// The activity's (or organisation's) identifier.
        activity: String,
        /// The IATI path of the field.
        field: String,
        /// What is wrong, in French.
        why: String,
    },
    /// The output could not be written.
    #[error("écriture IATI impossible : {0}")]
    Io(#[from] std::io::Error),
}
