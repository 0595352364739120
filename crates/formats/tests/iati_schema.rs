//! The IATI exports validate against the official 2.03 schemas with xmllint, and the
//! harness is shown able to fail: the official should-pass fixtures pass and the
//! should-fail fixtures fail with the same call.

mod iati_support;

use iati_support::*;
use std::path::Path;

#[test]
fn the_activity_file_of_the_24_projects_is_schema_valid() {
    let xml = data().activities_xml();
    let file = temp_file("activities.xml", &xml);
    if let Err(e) = xmllint(&schemas().join("iati-activities-schema.xsd"), &file) {
        panic!("export IATI invalide :\n{e}");
    }
    assert_eq!(xml.matches("<iati-activity ").count(), 25, "the programme and 24 projects");
}

#[test]
fn the_organisation_file_is_schema_valid() {
    let xml = data().organisation_xml();
    let file = temp_file("organisation.xml", &xml);
    if let Err(e) = xmllint(&schemas().join("iati-organisations-schema.xsd"), &file) {
        panic!("fichier organisation IATI invalide :\n{e}");
    }
}

fn fixtures(kind: &str) -> Vec<std::path::PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("fixtures folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "xml") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&schemas().join("test-fixtures").join(kind), &mut out);
    out.sort();
    out
}

#[test]
fn the_official_fixtures_pass_and_fail_as_expected() {
    let xsd = schemas().join("iati-activities-schema.xsd");
    let pass = fixtures("should-pass");
    let fail = fixtures("should-fail");
    assert_eq!((pass.len(), fail.len()), (58, 225), "fixtures of IATI-Schemas 2.03");
    let wrongly_failed: Vec<_> = pass.iter().filter(|f| xmllint(&xsd, f).is_err()).collect();
    let wrongly_passed: Vec<_> = fail.iter().filter(|f| xmllint(&xsd, f).is_ok()).collect();
    assert!(wrongly_failed.is_empty(), "should-pass fixtures refused: {wrongly_failed:?}");
    assert!(wrongly_passed.is_empty(), "should-fail fixtures accepted: {wrongly_passed:?}");
}

#[test]
fn an_element_out_of_sequence_order_is_refused() {
    // reporting-org must come before title (XSD sequence).
    let xml = data().activities_xml();
    let title_start = xml.find("    <title>").expect("a title");
    let title_end = xml[title_start..].find("</title>\n").expect("title end") + title_start + "</title>\n".len();
    let title = xml[title_start..title_end].to_string();
    let swapped = xml
        .replacen(&title, "", 1)
        .replacen("    <reporting-org", &format!("{title}    <reporting-org"), 1);
    let file = temp_file("swapped.xml", &swapped);
    assert!(xmllint(&schemas().join("iati-activities-schema.xsd"), &file).is_err());
}

/// The vendored schemas, codelists and fixtures are the reference copies, byte for byte
/// (skipped when `/work/shared/reference` — or `../shared/reference` — is absent).
#[test]
fn the_vendored_copies_are_byte_identical_to_the_reference() {
    let candidates = [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/iati"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../../shared/reference/iati"),
        Path::new("/work/shared/reference/iati").to_path_buf(),
    ];
    let Some(reference) = candidates.iter().find(|p| p.is_dir()) else {
        eprintln!("shared/reference/iati absent: comparison skipped");
        return;
    };
    let mut compared = 0;
    let mut stack = vec![reference.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("reference folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(reference).expect("inside");
            if rel == Path::new("README.md") {
                continue;
            }
            let ours = std::fs::read(schemas().join(rel)).unwrap_or_else(|e| panic!("{} not vendored: {e}", rel.display()));
            assert!(
                ours == std::fs::read(&path).expect("reference file"),
                "{} differs from the reference",
                rel.display()
            );
            compared += 1;
        }
    }
    assert!(compared > 300, "compared {compared} files");
}
