//! Errors of the CLI and their exit codes (sysexits.h conventions, so that scripts can
//! tell bad input from an unreachable database).

use std::process::ExitCode;

/// A failed command: what to print and which code to exit with.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The input file is malformed (exit 65, EX_DATAERR). Carries file, line and field.
    #[error("{0}")]
    Data(String),
    /// The database cannot be reached or refused the operation (exit 69, EX_UNAVAILABLE),
    /// or its URL is not one we support (exit 78, EX_CONFIG).
    #[error("database: {0}")]
    Store(#[from] territoires_store::StoreError),
    /// A file could not be read or written (exit 74, EX_IOERR).
    #[error("{0}")]
    Io(String),
    /// The environment configures something wrongly, e.g. the SMTP notifier (exit 78,
    /// EX_CONFIG).
    #[error("{0}")]
    Config(String),
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            CliError::Data(_) => 65,
            CliError::Store(territoires_store::StoreError::UnsupportedUrl(_)) => 78,
            CliError::Store(_) => 69,
            CliError::Io(_) => 74,
            CliError::Config(_) => 78,
        })
    }
}
