//! `territoires export KIND [--format csv|json|xml] [--out FILE]`: one open dataset, the
//! same file as `/donnees/{file}` (see `territoires_web::exports`).

use crate::exit::CliError;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use territoires_formats::tables::TableError;
use territoires_web::exports::{source, ExportFormat, ExportKind};

/// Writes `kind` in `format` to `out` (created or replaced) or to stdout. A file is
/// written whole or not at all: the export goes to a temporary file (`FILE.part`) renamed
/// at the end, removed when the export fails; a replaced file keeps its permissions, a
/// symbolic link is followed, and a device or pipe is written into, never replaced. `format` defaults to the dataset's first. The
/// publisher is `TERRITOIRES_PUBLISHER_*`, as for `serve`. Errors: a format the dataset
/// does not have, or a record the standard refuses (its reference and field named): exit
/// 65; a write failure: exit 74.
pub async fn run(database_url: &str, kind: ExportKind, format: Option<ExportFormat>, out: Option<&Path>) -> Result<ExitCode, CliError> {
    let format = format.unwrap_or(kind.default_format());
    if !kind.formats().contains(&format) {
        let known: Vec<&str> = kind.formats().iter().map(|f| f.code()).collect();
        return Err(CliError::Data(format!(
            "{} is not published as {} (formats: {})",
            kind.code(),
            format.code(),
            known.join(", ")
        )));
    }
    let publisher = super::serve::publisher()?;
    let (store, registry) = super::open_registry(database_url, &super::actor()).await?;
    let write = source::writer(&store, &std::sync::Arc::new(registry), &publisher, kind, format).await?;
    let failed = move |e: TableError| match e {
        TableError::Refused(_) | TableError::Invalid { .. } => CliError::Data(format!("{}: {e}", kind.file_name(format))),
        e => CliError::Io(format!("{}: {e}", kind.file_name(format))),
    };
    if let Some(dir) = out.and_then(Path::parent).filter(|d| !d.as_os_str().is_empty() && !d.is_dir()) {
        return Err(CliError::Io(format!("{}: no such directory", dir.display())));
    }
    let out = out.map(Path::to_path_buf);
    // The writer blocks on the database reader's channel: it runs off the async threads.
    tokio::task::spawn_blocking(move || match out {
        None => {
            let mut lock = std::io::BufWriter::new(std::io::stdout().lock());
            write(&mut lock).map_err(failed)?;
            lock.flush().map_err(|e| CliError::Io(e.to_string()))
        }
        Some(path) => {
            // A symbolic link is followed (its target is replaced, not the link); a device,
            // a pipe or `/dev/stdout` is written into directly, never replaced by a file.
            let path = std::fs::canonicalize(&path).unwrap_or(path);
            let existing = std::fs::metadata(&path).ok();
            if existing.as_ref().is_some_and(|m| !m.is_file()) {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&path)
                    .map_err(|e| CliError::Io(format!("{}: {e}", path.display())))?;
                let mut buf = std::io::BufWriter::new(file);
                write(&mut buf).map_err(failed)?;
                return buf.flush().map_err(|e| CliError::Io(format!("{}: {e}", path.display())));
            }
            let tmp = path.with_extension("part");
            let file = std::fs::File::create(&tmp).map_err(|e| CliError::Io(format!("{}: {e}", tmp.display())))?;
            let mut buf = std::io::BufWriter::new(file);
            let written = write(&mut buf)
                .map_err(failed)
                .and_then(|()| buf.flush().map_err(|e| CliError::Io(format!("{}: {e}", tmp.display()))))
                // A replaced file keeps its permissions (a 600 file stays private).
                .and_then(|()| match &existing {
                    Some(m) => std::fs::set_permissions(&tmp, m.permissions()).map_err(|e| CliError::Io(format!("{}: {e}", tmp.display()))),
                    None => Ok(()),
                });
            if let Err(e) = written {
                drop(buf);
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
            std::fs::rename(&tmp, &path).map_err(|e| CliError::Io(format!("{}: {e}", path.display())))?;
            eprintln!("{} écrit dans {}", kind.file_name(format), path.display());
            Ok(())
        }
    })
    .await
    .map_err(|e| CliError::Io(e.to_string()))??;
    Ok(ExitCode::SUCCESS)
}
