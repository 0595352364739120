//! The `territoires` binary: wiring only. Each subcommand lives in `commands/`.

mod commands;
mod exit;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Territoires: run a territorial innovation-funding programme, from the call for projects
/// to the measured impact. Ships with the 24 laureates of Territoires d'Innovation (press
/// kit of 13 September 2019).
#[derive(Parser)]
#[command(name = "territoires", version, about, long_about = None)]
struct Cli {
    /// Database: `sqlite://PATH` (created and migrated on first use) or `postgres://…`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://territoires.db", global = true)]
    database_url: String,
    /// Log format: `text` (default on a terminal) or `json` (structured, one object per line).
    #[arg(long, env = "TERRITOIRES_LOG_FORMAT", global = true)]
    log_format: Option<LogFormat>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal and the API (imports the embedded press kit into an empty database).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "TERRITOIRES_BIND", default_value = "127.0.0.1:8080")]
        bind: std::net::SocketAddr,
        /// Seconds between checks for data imported by another process (`territoires
        /// import` while the server runs); 0 never reloads.
        #[arg(long, env = "TERRITOIRES_RELOAD_SECONDS", default_value_t = 2)]
        reload_seconds: u64,
    },
    /// Import data into the database (transactional and idempotent).
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Manage accounts.
    Account {
        #[command(subcommand)]
        what: AccountWhat,
    },
    /// Run the consistency checks and print them. Exit code 0 when every check agrees,
    /// 3 when some report a discrepancy, an exceeded ceiling or a missing field.
    Check,
    /// The tamper-evident audit trail: verify its hash chain, export it.
    Audit {
        #[command(subcommand)]
        what: AuditWhat,
    },
    /// The laureates' 2030 impacts, structured into indicators (embedded data, no
    /// database).
    Impacts {
        #[command(subcommand)]
        what: ImpactsWhat,
    },
    /// Export an open dataset (the files of `/donnees`) to stdout or a file: the tables
    /// as CSV for a French spreadsheet (UTF-8 with BOM, `;`, decimal comma) or JSON
    /// (amounts in integer cents); `iati` and `iati-org` (IATI 2.03 XML), `360giving`
    /// (JSON package), `360giving-csv` (flat CSV) and `scdl` (SCDL subventions CSV). Only
    /// public data: approved measurements, paid disbursements. A record the standard
    /// refuses stops the export (exit 65), naming the record and the field.
    Export {
        /// The dataset.
        #[arg(value_enum)]
        kind: territoires_web::exports::ExportKind,
        /// Output format (default: the dataset's first, `csv` for the tables).
        #[arg(long, value_enum)]
        format: Option<territoires_web::exports::ExportFormat>,
        /// Output file, written whole or not at all (stdout when absent).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AccountWhat {
    /// Create an operator administrator with a local password (from
    /// TERRITOIRES_ADMIN_PASSWORD, a hidden prompt, or the first line of stdin; 12
    /// characters at least).
    CreateAdmin {
        /// Login e-mail.
        #[arg(long)]
        email: String,
        /// Name shown in the portal and the audit trail.
        #[arg(long, default_value = "Administrateur")]
        name: String,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// A press kit in the Territoires d'Innovation fiche format (Markdown).
    PressKit {
        /// The Markdown file (UTF-8).
        file: PathBuf,
        /// Delete stored projects that the file no longer contains (a renamed or removed
        /// fiche). Without it, such an import is refused and nothing is written.
        #[arg(long)]
        remove_absent: bool,
    },
    /// The structured 2030 impacts (indicators, targets, mappings): the embedded
    /// `impacts-2030.toml`, or FILE in its format, checked against the stored fiches. Adds a
    /// version to each indicator whose definition changed; values already reported keep
    /// the version they were reported under.
    Impacts {
        /// A TOML file in the format of `data/impacts-2030.toml` (default: the embedded one).
        file: Option<PathBuf>,
    },
    /// Measurements from a CSV file as a French spreadsheet saves it: `;` or `,`, UTF-8 with
    /// or without BOM or Windows-1252, decimal comma, spaces between thousands, `€` or `%`
    /// after a value in the indicator's unit. Columns: indicateur, période, valeur,
    /// numérateur, dénominateur, déclarant, source, méthode, justificatif. All rows or
    /// none: any faulty line is reported (line and column) and nothing is written.
    Measurements {
        /// The CSV file.
        file: PathBuf,
        /// Leave the measurements as drafts, or submit them for review.
        #[arg(long, value_enum, default_value = "draft")]
        status: MeasurementStatusArg,
        /// Check every line as an import would and list what would be imported; write
        /// nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// The partner list of an application from a CSV file as a French spreadsheet saves
    /// it (UTF-8 or Windows-1252, `;` or `,`). Columns: nom, SIREN (or SIRET, checked), RNA,
    /// rôle (chef de file or partenaire). Replaces the application's list (a draft or one
    /// returned for completion), audited; any faulty line is reported (line and column)
    /// and nothing is written.
    Partners {
        /// The application's number.
        #[arg(long)]
        application: i64,
        /// The CSV file.
        file: PathBuf,
        /// Check everything and list what would be recorded; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Agreements (conventions) from a CSV file as a French spreadsheet saves it. Columns:
    /// référence, projet (slug or name), objet, bénéficiaire, SIREN or SIRET, montant, date de
    /// signature, assiette éligible, part de l'État, autres financeurs, tranches (see the
    /// README). All rows or none, in one transaction; re-importing a reference is refused.
    Agreements {
        /// The CSV file.
        file: PathBuf,
        /// Check everything (ceilings included) and show what would be imported; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Payments already made on agreements, recorded as paid disbursements. Columns:
    /// référence de la convention, tranche (label or number), montant, date de paiement.
    /// All rows or none, in one transaction; a payment already recorded is refused.
    Disbursements {
        /// The CSV file.
        file: PathBuf,
        /// Check everything and show what would be imported; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum MeasurementStatusArg {
    Draft,
    Submitted,
}

#[derive(Subcommand)]
enum AuditWhat {
    /// Recompute every hash and link. Exit code 0 when the chain is intact, 1 when an
    /// entry was edited, deleted or reordered (each finding is printed with its seq).
    Verify,
    /// Every entry as JSON Lines (one JSON object per line, by seq).
    Export {
        /// Output file (stdout when absent).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ImpactsWhat {
    /// How many impact sentences are structured, by target form, and the others with
    /// their reason.
    Report {
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Text,
    Json,
}

fn init_logs(format: Option<LogFormat>) {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into());
    let json = match format {
        Some(LogFormat::Json) => true,
        Some(LogFormat::Text) => false,
        None => !std::io::stderr().is_terminal(),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    if json {
        builder.json().flatten_event(true).init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logs(cli.log_format);
    let result = match cli.command {
        Command::Serve { bind, reload_seconds } => commands::serve::run(&cli.database_url, bind, reload_seconds).await,
        Command::Import {
            what: ImportWhat::PressKit { file, remove_absent },
        } => commands::import::press_kit(&cli.database_url, &file, remove_absent).await,
        Command::Import {
            what: ImportWhat::Impacts { file },
        } => commands::import::impacts(&cli.database_url, file.as_deref()).await,
        Command::Import {
            what: ImportWhat::Measurements { file, status, dry_run },
        } => {
            let status = match status {
                MeasurementStatusArg::Draft => commands::import::ImportStatus::Draft,
                MeasurementStatusArg::Submitted => commands::import::ImportStatus::Submitted,
            };
            commands::import::measurements(&cli.database_url, &file, status, dry_run).await
        }
        Command::Import {
            what: ImportWhat::Partners {
                application,
                file,
                dry_run,
            },
        } => commands::import_partners::partners(&cli.database_url, application, &file, dry_run).await,
        Command::Import {
            what: ImportWhat::Agreements { file, dry_run },
        } => commands::import_funding::agreements(&cli.database_url, &file, dry_run).await,
        Command::Import {
            what: ImportWhat::Disbursements { file, dry_run },
        } => commands::import_funding::disbursements(&cli.database_url, &file, dry_run).await,
        Command::Account {
            what: AccountWhat::CreateAdmin { email, name },
        } => commands::account::create_admin(&cli.database_url, &email, &name).await,
        Command::Check => commands::check::run(&cli.database_url).await,
        Command::Audit { what: AuditWhat::Verify } => commands::audit::verify(&cli.database_url).await,
        Command::Audit {
            what: AuditWhat::Export { out },
        } => commands::audit::export(&cli.database_url, out.as_deref()).await,
        Command::Impacts {
            what: ImpactsWhat::Report { format },
        } => commands::impacts::report(match format {
            ReportFormat::Text => commands::impacts::Format::Text,
            ReportFormat::Json => commands::impacts::Format::Json,
        }),
        Command::Export { kind, format, out } => commands::export::run(&cli.database_url, kind, format, out.as_deref()).await,
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("territoires: error: {e}");
            e.exit_code()
        }
    }
}
