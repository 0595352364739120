//! 360Giving 1.4.3 exports: the JSON package validates against the official package schema
//! (offline registry, formats on), with Rust and independently with Python `jsonschema`;
//! amounts are exact; invalid grants are refused naming the field; the flat CSV carries the
//! same grants under the standard's column titles.

mod common;

use common::{biovallee, lorient, one_cent};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::process::Command;
use territoires_domain::org_id::Publisher;
use territoires_formats::giving360::flat::{write_flat, COLUMNS};
use territoires_formats::giving360::schema::{package_validator, GRANT_SCHEMA};
use territoires_formats::giving360::{write_package, Giving360Context, PackageWriter};
use territoires_formats::grant::{ExportError, SubsidyGrant};
use time::{Date, Month};

fn ctx() -> Giving360Context {
    Giving360Context::territoires_d_innovation(Publisher::caisse_des_depots()).unwrap()
}

fn package(grants: &[SubsidyGrant]) -> String {
    String::from_utf8(write_package(Vec::new(), &ctx(), grants).unwrap()).unwrap()
}

#[test]
fn the_package_validates_against_the_official_schema() {
    let text = package(&[biovallee(), lorient(), one_cent()]);
    let doc: Value = serde_json::from_str(&text).unwrap();
    let v = package_validator().unwrap();
    let errors: Vec<String> = v.iter_errors(&doc).map(|e| format!("{} {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(doc["grants"].as_array().unwrap().len(), 3);
}

#[test]
fn the_validator_can_fail() {
    let v = package_validator().unwrap();
    let mut doc: Value = serde_json::from_str(&package(&[biovallee()])).unwrap();
    assert!(v.is_valid(&doc));
    doc["grants"][0].as_object_mut().unwrap().remove("awardDate");
    assert!(!v.is_valid(&doc), "a grant without awardDate");
    doc["grants"][0]["awardDate"] = json!("2020-13-01");
    assert!(!v.is_valid(&doc), "month 13");
    doc["grants"][0]["awardDate"] = json!("2020-01-20");
    doc["grants"][0]["currency"] = json!("EURO");
    assert!(!v.is_valid(&doc), "a currency outside ISO 4217");
    assert!(!v.is_valid(&json!({"grants": []})), "an empty package");
}

#[test]
fn biovallee_is_published_as_worked_out_by_hand() {
    let doc: Value = serde_json::from_str(&package(&[biovallee()])).unwrap();
    let expected = json!({
        "id": "360G-FR-RCS-180020026-TI-BIOVALLEE-2020-01",
        "title": "Convention de financement Biovallée : territoire rural de la transition",
        "description": "Biovallée : faire de la vallée de la Drôme un laboratoire de la transition en milieu rural.",
        "currency": "EUR",
        "amountAwarded": 5_700_000.0,
        "awardDate": "2020-01-20",
        "plannedDates": [{"startDate": "2020-03-15", "endDate": "2025-12-31"}],
        "recipientOrganization": [{"id": "FR-RCS-432187656", "name": "Association Biovallée"}],
        "beneficiaryLocation": [{"name": "Auvergne-Rhône-Alpes", "countryCode": "FR", "geoCode": "84"}],
        "fundingOrganization": [{"id": "FR-RCS-180020026", "name": "Caisse des Dépôts (Banque des Territoires)"}],
        "grantProgramme": [{"code": "territoires-d-innovation", "title": "Territoires d'Innovation"}],
    });
    assert_eq!(doc["grants"][0], expected);
}

#[test]
fn amounts_are_exact_decimal_euros() {
    let text = package(&[biovallee(), lorient(), one_cent()]);
    // 570 000 000 cents = 5 700 000,00 €; 123 456 789 cents = 1 234 567,89 €; 1 cent = 0,01 €.
    assert!(text.contains("\"amountAwarded\":5700000.00,"), "{text}");
    assert!(text.contains("\"amountAwarded\":1234567.89,"), "{text}");
    assert!(text.contains("\"amountAwarded\":0.01,"), "{text}");
    assert!(text.starts_with("{\"grants\":[\n{\"id\":"));
    assert!(text.ends_with("}\n]}\n"));
}

#[test]
fn recipients_without_siren_get_an_identifier_under_our_prefix() {
    let doc: Value = serde_json::from_str(&package(&[one_cent()])).unwrap();
    let g = &doc["grants"][0];
    assert_eq!(g["recipientOrganization"][0]["id"], "360G-FR-RCS-180020026-RNA-W261009876");
    // Tranches given out of order: the period runs from the earliest to the latest.
    assert_eq!(g["plannedDates"], json!([{"startDate": "2021-03-01", "endDate": "2021-12-01"}]));
    assert!(g.get("beneficiaryLocation").is_none());
    let mut nameless = one_cent();
    nameless.beneficiary.rna = None;
    let doc: Value = serde_json::from_str(&package(&[nameless])).unwrap();
    assert_eq!(
        doc["grants"][0]["recipientOrganization"][0]["id"],
        "360G-FR-RCS-180020026-ORG-les-amis-de-la-drome"
    );
}

fn refused(grant: SubsidyGrant) -> (String, String) {
    let mut w = PackageWriter::new(Vec::new(), ctx());
    match w.write(&grant) {
        Err(ExportError::Invalid { reference, field, .. }) => (reference, field),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_grant_with_a_bad_date_is_refused_naming_the_field() {
    let mut g = biovallee();
    // Year -1 is a valid `time::Date` but not a 360Giving date (YYYY-MM-DD, four digits).
    g.signed_on = Date::from_calendar_date(-1, Month::January, 20).unwrap();
    let (reference, field) = refused(g);
    assert_eq!(reference, "TI-BIOVALLEE-2020-01");
    assert!(field.starts_with("/awardDate"), "{field}");
    assert!(field.contains("schéma"), "{field}");
}

#[test]
fn incomplete_grants_and_packages_are_refused() {
    let mut g = biovallee();
    g.amount = territoires_domain::Money(0);
    assert_eq!(refused(g).1, "amount");
    let mut g = biovallee();
    g.tranche_dates.clear();
    assert_eq!(refused(g).1, "tranches");
    let mut g = biovallee();
    g.description = " ".into();
    assert_eq!(refused(g).1, "description");
    // The same agreement twice would break the package's uniqueItems.
    let mut w = PackageWriter::new(Vec::new(), ctx());
    w.write(&biovallee()).unwrap();
    assert!(matches!(w.write(&biovallee()), Err(ExportError::Invalid { field, .. }) if field == "id"));
    // Nothing written before the first grant, and an empty package is refused.
    let w = PackageWriter::new(Vec::new(), ctx());
    assert!(w.finish().is_err());
}

/// flatten-tool's titles, read from the schema: `Title:Sub Title` for each path, arrays
/// rolled up (no index). Maps a column title to its JSON path.
fn titles() -> BTreeMap<String, Vec<String>> {
    let schema: Value = serde_json::from_str(GRANT_SCHEMA).unwrap();
    let mut out = BTreeMap::new();
    for (key, prop) in schema["properties"].as_object().unwrap() {
        let target = prop["items"]["$ref"].as_str().or(prop["$ref"].as_str());
        let def = target.and_then(|r| r.strip_prefix("#/$defs/"));
        // A field that is a plain `$ref` (currency) takes its title from the definition.
        let title = prop["title"]
            .as_str()
            .or(def.and_then(|d| schema["$defs"][d]["title"].as_str()))
            .unwrap_or("");
        match def {
            Some(def) if prop["type"] == "array" => {
                for (sub, p) in schema["$defs"][def]["properties"].as_object().unwrap() {
                    let t = format!("{title}:{}", p["title"].as_str().unwrap_or(""));
                    out.insert(t, vec![key.clone(), sub.clone()]);
                }
            }
            _ => {
                out.insert(title.to_string(), vec![key.clone()]);
            }
        }
    }
    out
}

#[test]
fn the_flat_csv_round_trips_to_the_same_grants() {
    let grants = [biovallee(), lorient(), one_cent()];
    let csv_bytes = write_flat(Vec::new(), &ctx(), &grants).unwrap();
    let doc: Value = serde_json::from_str(&package(&grants)).unwrap();
    let map = titles();
    let mut reader = csv::Reader::from_reader(csv_bytes.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header, COLUMNS);
    let mut rows = 0;
    for (i, record) in reader.records().enumerate() {
        let record = record.unwrap();
        let mut grant = serde_json::Map::new();
        for (title, cell) in header.iter().zip(record.iter()) {
            let path = map.get(title).unwrap_or_else(|| panic!("« {title} » is not a 360Giving title"));
            if cell.is_empty() {
                continue;
            }
            let value = if title == "Amount Awarded" {
                json!(cell.parse::<f64>().unwrap())
            } else {
                json!(cell)
            };
            match path.as_slice() {
                [k] => {
                    grant.insert(k.clone(), value);
                }
                [k, sub] => {
                    let arr = grant.entry(k.clone()).or_insert_with(|| json!([{}]));
                    arr[0][sub] = value;
                }
                _ => unreachable!(),
            }
        }
        assert_eq!(Value::Object(grant), doc["grants"][i], "row {i}");
        rows += 1;
    }
    assert_eq!(rows, 3);
}

/// Runs Python `jsonschema` on `text`: whether it is valid, and what it printed.
fn python_validate(name: &str, text: &str) -> (bool, String) {
    let dir = std::env::temp_dir().join(format!("territoires-360g-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("package.json");
    std::fs::write(&file, text).unwrap();
    let schemas = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/360giving");
    let script = r#"
import json, sys
try:
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012
    import rfc3339_validator
except ImportError as e:
    print("MISSING", e); sys.exit(3)
d = sys.argv[1]
grant = json.load(open(d + "/360-giving-schema.json"))
pkg = json.load(open(d + "/360-giving-package-schema.json"))
uri = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json"
reg = Registry().with_resources([(uri, DRAFT202012.create_resource(grant))])
v = Draft202012Validator(pkg, registry=reg, format_checker=FormatChecker())
errors = list(v.iter_errors(json.load(open(sys.argv[2]))))
for e in errors: print(list(e.path), e.message)
sys.exit(1 if errors else 0)
"#;
    let out = Command::new("python3").args(["-c", script, schemas]).arg(&file).output();
    let out = out.expect("python3 is needed: install python3 and `pip install jsonschema rfc3339-validator`");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_ne!(
        out.status.code(),
        Some(3),
        "{text}: `pip install jsonschema rfc3339-validator` is needed"
    );
    std::fs::remove_dir_all(&dir).ok();
    (out.status.success(), text.into_owned())
}

#[test]
fn python_jsonschema_agrees() {
    let (valid, text) = python_validate("ok", &package(&[biovallee(), lorient(), one_cent()]));
    assert!(valid, "python jsonschema refuses the package: {text}");
    let broken = package(&[biovallee()]).replace("\"awardDate\":\"2020-01-20\"", "\"awardDate\":\"2020-13-01\"");
    let (valid, text) = python_validate("bad", &broken);
    assert!(!valid, "month 13 passed: {text}");
}
