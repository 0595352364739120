//! The official validators of the open-data exports, shared by the formats' tests and the
//! end-to-end tests of the web and CLI crates (included there with `#[path]`): xmllint
//! against the vendored IATI XSDs, `scripts/iati-codelists.py` for the IATI codes, and
//! `frictionless validate` against the vendored SCDL schema. They must be installed: a
//! test that cannot run one fails and names the package to install.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace's root (every crate is `crates/<name>`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The vendored schemas of `format` (`iati`, `360giving`, `scdl-subventions`).
pub fn schemas(format: &str) -> PathBuf {
    root().join("crates/formats/schemas").join(format)
}

/// `xmllint --noout --schema XSD FILE`: Ok, or Err with xmllint's messages.
pub fn xmllint(xsd: &Path, file: &Path) -> Result<(), String> {
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(xsd)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("xmllint introuvable ({e}) : installez le paquet Debian libxml2-utils (apt-get install libxml2-utils)"));
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// `scripts/iati-codelists.py` on `file`: Ok(summary) or Err(violations). Panics, naming
/// the package, when python3 or lxml is missing.
pub fn codelist_check(file: &Path) -> Result<String, String> {
    let out = Command::new("python3")
        .arg(root().join("scripts/iati-codelists.py"))
        .arg(schemas("iati").join("codelists"))
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("python3 introuvable ({e}) : installez python3 et le module lxml (pip install lxml)"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    match out.status.code() {
        Some(0) => Ok(stdout),
        Some(1) => Err(stdout),
        _ => panic!("contrôle des listes de codes impossible : {}", String::from_utf8_lossy(&out.stderr)),
    }
}

/// `frictionless validate --schema schema.json FILE` run in `dir` (which holds
/// `schema.json`; frictionless refuses absolute paths as unsafe): whether it exits 0, and
/// its report.
pub fn frictionless(dir: &Path, file: &str) -> (bool, String) {
    let out = Command::new("frictionless")
        .args(["validate", "--schema", "schema.json", file])
        .current_dir(dir)
        .output()
        .expect("`frictionless` is needed to validate SCDL files: `pip install frictionless`");
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), report)
}

/// A temporary folder holding the vendored SCDL `schema.json` and `{name}.csv` with `text`.
pub fn scdl_dir(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("territoires-scdl-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    std::fs::write(dir.join(format!("{name}.csv")), text).expect("write the CSV");
    std::fs::copy(schemas("scdl-subventions").join("schema.json"), dir.join("schema.json")).expect("copy schema.json");
    dir
}

/// Checks an IATI file (`xsd`: `iati-activities-schema.xsd` or
/// `iati-organisations-schema.xsd`) with xmllint and the codelists; panics with the
/// validators' messages. `name` names the temporary file.
pub fn assert_valid_iati(name: &str, xsd: &str, text: &str) {
    let file = std::env::temp_dir().join(format!("territoires-iati-{}-{name}", std::process::id()));
    std::fs::write(&file, text).expect("write the XML");
    if let Err(e) = xmllint(&schemas("iati").join(xsd), &file) {
        panic!("{name} refusé par xmllint ({xsd}) : {e}");
    }
    if let Err(e) = codelist_check(&file) {
        panic!("{name} : codes hors des listes IATI : {e}");
    }
}

/// Checks an SCDL CSV with frictionless; panics with its report.
pub fn assert_valid_scdl(name: &str, text: &str) {
    let dir = scdl_dir(name, text);
    let (valid, report) = frictionless(&dir, &format!("{name}.csv"));
    assert!(valid, "{name} refusé par frictionless : {report}");
}
