//! Open-data benchmark (issue 6, §5), run by `bench/open_data/run.sh`; not a test.
//!
//! Every case is its own process, so that its peak memory (VmHWM, printed at the end) is
//! its own. One JSON line is printed per run.
//!
//! ```text
//! open_data_bench export iati|iati-mapping|iati-checks|scdl|plain-json|plain-csv PROJECTS
//! open_data_bench measurements-file PATH ROWS utf8|cp1252
//! open_data_bench import PATH
//! ```
//!
//! Export: a SYNTHETIC programme of PROJECTS projects, generated one by one (never the
//! whole programme in memory), written to a byte-counting sink through a `BufWriter`:
//! `iati` with the real writer and its checks, `scdl` with the real writer and its Table
//! Schema checks (one row per agreement), `plain-json` the same records as serde_json lines,
//! `plain-csv` the agreements' plain fields as csv rows, without any standard's mapping or
//! checks: the cost of a format is its ratio to the plain case. `iati-mapping` builds the
//! activities, `iati-checks` builds and checks them, neither writes: where IATI's time goes.
//!
//! Import: a measurement CSV as a French spreadsheet saves it (BOM, `;`, CRLF, decimal
//! comma, thousands separated by a space), read with the real importer,
//! `measurements_csv::parse`.

mod sheet;
mod synthetic;

use std::io::{BufWriter, Write};
use std::time::Instant;
use synthetic::{activity, grant, programme, project, reporting_org, Project};
use territoires_domain::org_id::Publisher;
use territoires_formats::{iati, measurements_csv, scdl};

/// A `Write` that keeps only the number of bytes.
struct Counting(u64);

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Peak resident set size of this process, in kB (`VmHWM` of `/proc/self/status`).
fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    match arg(0) {
        "export" => export(arg(1), arg(2).parse()?),
        "measurements-file" => sheet::measurements_file(arg(1), arg(2).parse()?, arg(3) == "cp1252"),
        "import" => import(arg(1)),
        _ => Err("usage: open_data_bench export iati|iati-mapping|iati-checks|scdl|plain-json|plain-csv N | measurements-file PATH ROWS utf8|cp1252 | import PATH".into()),
    }
}

fn projects(n: u32) -> impl Iterator<Item = Project> {
    (0..n).map(project)
}

fn export(case: &str, n: u32) -> Res<()> {
    let start = Instant::now();
    let out = BufWriter::with_capacity(64 * 1024, Counting(0));
    let (records, out) = match case {
        "iati" => {
            let activities = projects(n).map(|p| activity(&p));
            let generated = time::macros::datetime!(2026-11-30 12:00 UTC);
            let out = iati::write_activities(&reporting_org(), &programme(n), activities, generated, out)?;
            (u64::from(n) + 1, out)
        }
        // The IATI mapping alone (building the activities), then with the checks, nothing
        // written: where IATI's time goes.
        "iati-mapping" => {
            for p in projects(n) {
                std::hint::black_box(activity(&p));
            }
            (u64::from(n), out)
        }
        // The IATI mapping and checks alone, nothing written: what the checks cost.
        "iati-checks" => {
            for p in projects(n) {
                iati::check::check_activity(&activity(&p))?;
            }
            (u64::from(n), out)
        }
        "scdl" => {
            let mut w = scdl::ScdlWriter::new(out, Publisher::caisse_des_depots())?;
            for p in projects(n) {
                w.write(&grant(&p))?;
            }
            (u64::from(n), w.finish()?)
        }
        "plain-json" => {
            let mut out = out;
            for p in projects(n) {
                serde_json::to_writer(&mut out, &p)?;
                out.write_all(b"\n")?;
            }
            (u64::from(n), out)
        }
        "plain-csv" => {
            let mut w = csv::Writer::from_writer(out);
            for p in projects(n) {
                w.serialize(p.agreement_row())?;
            }
            (u64::from(n), w.into_inner().map_err(|e| e.to_string())?)
        }
        other => return Err(format!("cas d'export inconnu : {other}").into()),
    };
    let bytes = out.into_inner().map_err(|e| e.to_string())?.0;
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({"case": case, "projects": n, "records": records, "bytes": bytes,
            "seconds": seconds, "peak_kb": peak_kb()})
    );
    Ok(())
}

fn import(path: &str) -> Res<()> {
    let start = Instant::now();
    // The importer takes the whole file as bytes: that is its interface.
    let bytes = std::fs::read(path)?;
    let units = |code: &str| sheet::unit_of(code).map(str::to_string);
    let file = measurements_csv::parse(&bytes, &units).map_err(|e| {
        let first: Vec<String> = e.0.iter().take(3).map(|e| e.to_string()).collect();
        format!("{} erreurs, dont : {}", e.0.len(), first.join(" | "))
    })?;
    let seconds = start.elapsed().as_secs_f64();
    // A check against the other reader: how many cells hold a number, and their sum.
    let values: Vec<f64> = file
        .rows
        .iter()
        .flat_map(|r| [r.value, r.numerator, r.denominator])
        .flatten()
        .collect();
    println!(
        "{}",
        serde_json::json!({"case": "import", "rows": file.rows.len(), "encoding": file.encoding.label(),
            "bytes": bytes.len(), "seconds": seconds, "peak_kb": peak_kb(),
            "numbers": values.len(), "sum": values.iter().sum::<f64>()})
    );
    Ok(())
}
