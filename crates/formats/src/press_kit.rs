//! Importer of the press-kit fiche format (*dossier de presse* Territoires d'Innovation,
//! 13 September 2019). STUB: signatures only, being written.

use territoires_domain::{Programme, Project};

/// The press kit shipped with the product as its default dataset.
pub const EMBEDDED: &str = include_str!("../../../data/territoires-d-innovation-2019-dossier-de-presse.md");
/// The file name of [`EMBEDDED`], used in error messages and provenance.
pub const EMBEDDED_FILE: &str = "territoires-d-innovation-2019-dossier-de-presse.md";

/// What a press kit holds: the programme and its laureate projects, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PressKit {
    /// The programme (action) with its envelopes, calls and headline claims.
    pub programme: Programme,
    /// The laureates, in the order of the document.
    pub projects: Vec<Project>,
}

/// A malformed press kit: which file, line and field, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {field}: {message}")]
pub struct ParseError {
    /// File name as given to [`parse`].
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// The fiche field (or programme field) concerned, e.g. `subsidy_ceiling`.
    pub field: String,
    /// What is wrong, in English, quoting the offending text.
    pub message: String,
}

/// Parses a whole press kit. `file` names the source in errors.
pub fn parse(_text: &str, file: &str) -> Result<PressKit, ParseError> {
    Err(ParseError { file: file.into(), line: 1, field: "document".into(), message: "not implemented yet".into() })
}
