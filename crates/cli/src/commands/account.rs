//! `territoires account create-admin`: the first administrator, created from the CLI
//! (issue 3: "the first administrator is created from the CLI").

use crate::exit::CliError;
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use territoires_domain::access::{Email, Role};
use territoires_store::{NewAccount, Store, StoreError};

/// Creates an operator administrator with a local password, read from the environment
/// variable `TERRITOIRES_ADMIN_PASSWORD`, else typed at a hidden prompt on a terminal,
/// else read as the first line of standard input. The password is never printed nor
/// logged. Errors: a malformed e-mail or a short password (exit 65), an e-mail already
/// used (exit 65).
pub async fn create_admin(database_url: &str, email: &str, name: &str) -> Result<ExitCode, CliError> {
    let email = Email::parse(email).map_err(|e| CliError::Data(e.to_string()))?;
    let password = match std::env::var("TERRITOIRES_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ if std::io::stdin().is_terminal() => rpassword::prompt_password(format!("Mot de passe de {} : ", email.as_str()))
            .map_err(|e| CliError::Io(format!("cannot read the password: {e}")))?,
        _ => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| CliError::Io(format!("cannot read the password from stdin: {e}")))?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let store = Store::connect(database_url).await?;
    let new = NewAccount {
        email,
        display_name: name,
        role: Role::OperatorAdmin,
        organisation: None,
        password: Some(&password),
    };
    let account = store.create_account(new, &super::actor()).await.map_err(|e| match e {
        StoreError::Conflict(m) | StoreError::Invalid(m) => CliError::Data(m),
        other => other.into(),
    })?;
    println!("administrateur créé : {} (compte n° {})", account.email.as_str(), account.id);
    Ok(ExitCode::SUCCESS)
}
