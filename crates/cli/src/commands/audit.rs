//! `territoires audit verify` and `territoires audit export [--out FILE]`: the
//! tamper-evident audit trail (see `territoires_domain::audit`).

use crate::exit::CliError;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use territoires_store::Store;

/// Entries read from the database per query while exporting.
const PAGE: i64 = 500;

/// Verifies the whole chain. Intact: prints `audit trail: N entries, chain intact` and the
/// head (last seq and hash, to keep elsewhere: a hash chain cannot see its last entries
/// removed) and returns exit code 0. Otherwise prints one line per finding, naming its
/// seq, then a summary, and returns exit code 1. Does not import anything into an empty
/// database (an empty log is intact).
pub async fn verify(database_url: &str) -> Result<ExitCode, CliError> {
    let store = Store::connect(database_url).await?;
    let outcome = store.verify_audit().await?;
    let head = outcome.head.as_ref().map(|(seq, hash)| format!("head: seq {seq}, hash {hash}"));
    if outcome.is_intact() {
        println!("audit trail: {} entries, chain intact", outcome.entries);
        if let Some(head) = head {
            println!("{head}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    for finding in &outcome.findings {
        println!("{finding}");
    }
    println!(
        "audit trail: {} entries, TAMPERED: {} finding(s)",
        outcome.entries,
        outcome.findings.len()
    );
    Ok(ExitCode::from(1))
}

/// Writes every entry as JSON Lines (one `AuditEntry` object per line, by seq) to stdout
/// or to `out` (written to `FILE.part`, renamed at the end: whole or not at all), reading
/// the log page by page so memory stays bounded.
pub async fn export(database_url: &str, out: Option<&Path>) -> Result<ExitCode, CliError> {
    let store = Store::connect(database_url).await?;
    match out {
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            write_lines(&store, &mut w, "stdout").await?;
        }
        Some(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.is_dir()) {
                return Err(CliError::Io(format!("{}: no such directory", dir.display())));
            }
            let tmp = path.with_extension("part");
            let file = std::fs::File::create(&tmp).map_err(|e| CliError::Io(format!("{}: {e}", tmp.display())))?;
            let mut w = std::io::BufWriter::new(file);
            let written = match write_lines(&store, &mut w, &tmp.display().to_string()).await {
                Ok(n) => n,
                Err(e) => {
                    drop(w);
                    let _ = std::fs::remove_file(&tmp);
                    return Err(e);
                }
            };
            drop(w);
            std::fs::rename(&tmp, path).map_err(|e| CliError::Io(format!("{}: {e}", path.display())))?;
            eprintln!("{written} entrées du journal d'audit écrites dans {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Streams the log into `w`, returns the number of lines written. `what` names `w` in
/// errors.
async fn write_lines(store: &Store, w: &mut dyn Write, what: &str) -> Result<u64, CliError> {
    let io = |e: std::io::Error| CliError::Io(format!("{what}: {e}"));
    let mut after = i64::MIN;
    let mut written = 0;
    loop {
        let page = store.audit_page(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for entry in &page {
            serde_json::to_writer(&mut *w, entry).map_err(|e| CliError::Io(format!("{what}: {e}")))?;
            w.write_all(b"\n").map_err(io)?;
            written += 1;
        }
    }
    w.flush().map_err(io)?;
    Ok(written)
}
