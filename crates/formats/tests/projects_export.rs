//! CSV and JSON exports of the embedded press kit's projects. Expected rows are written by
//! hand from the fiches (Biovallée l. 251–310, Le Havre l. 1035–1086, Ouest l. 1435–1482).

use territoires_domain::Project;
use territoires_formats::press_kit::{parse, EMBEDDED, EMBEDDED_FILE};
use territoires_formats::projects_export::{write_csv, write_json};

fn projects() -> Vec<Project> {
    parse(EMBEDDED, EMBEDDED_FILE).expect("embedded press kit").projects
}

fn csv_text() -> String {
    let mut out = Vec::new();
    write_csv(&projects(), &mut out).expect("csv export");
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn csv_starts_with_a_bom_and_the_french_header() {
    let text = csv_text();
    let body = text.strip_prefix('\u{feff}').expect("UTF-8 BOM first");
    let header = body.split("\r\n").next().unwrap_or_default();
    assert_eq!(
        header,
        "slug;nom;régions (codes INSEE);régions;chef de file;partenaires;dont collectivités;thématiques;types de territoire;\
         personnes concernées;budget prévisionnel (€);montant prévu de subvention (€);potentiel d'investissement (€)"
    );
}

#[test]
fn csv_lines_end_with_crlf_and_have_thirteen_cells() {
    let text = csv_text();
    assert_eq!(text.matches("\r\n").count(), 25, "header + 24 rows");
    assert_eq!(text.matches('\n').count(), 25, "no bare LF");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("readable CSV");
    assert_eq!(rows.len(), 24);
    assert!(rows.iter().all(|r| r.len() == 13));
}

#[test]
fn csv_rows_as_read_in_the_fiches() {
    let text = csv_text();
    let rows: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        rows[1],
        "biovallee;Biovallée;84;Auvergne-Rhône-Alpes;Association Biovallée;29;3;\
         Transition écologique et énergétique, Agroécologie;Territoires ruraux;56000;53000000,00;5700000,00;12800000,00"
    );
    // Le Havre prints no budget: the cell is empty, never 0.
    let havre = rows
        .iter()
        .find(|r| r.starts_with("le-havre-smart-port-city;"))
        .expect("Le Havre row");
    assert_eq!(
        *havre,
        "le-havre-smart-port-city;Le Havre Smart Port City;28;Normandie;Communauté urbaine Le Havre Seine Métropole;18;2;\
         Numérique, Industrie, Transition écologique et énergétique;Ville moyenne, Littoral;275000;;5400000,00;24400000,00"
    );
    let ouest = rows
        .iter()
        .find(|r| r.starts_with("ouest-territoires-d-elevage;"))
        .expect("Ouest row");
    assert!(ouest.contains(";52, 28, 53;Pays de la Loire, Normandie, Bretagne;"), "{ouest}");
    // Pyrénées: 6,05 M€ keeps its hundredths.
    assert!(rows
        .iter()
        .any(|r| r.starts_with("ambition-pyrenees;") && r.ends_with(";6050000,00;17900000,00")));
}

#[test]
fn json_is_an_array_of_projects_with_amounts_in_cents() {
    let projects = projects();
    let mut out = Vec::new();
    write_json(&projects, &mut out).expect("json export");
    let value: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    let array = value.as_array().expect("an array");
    assert_eq!(array.len(), 24);
    assert_eq!(array[0]["slug"], "biovallee");
    assert_eq!(array[0]["subsidy_ceiling"], 570_000_000, "5,7 M€ in cents");
    assert_eq!(array[0]["planned_budget"], 5_300_000_000_i64, "53 M€ in cents");
    assert_eq!(array[15]["slug"], "le-havre-smart-port-city");
    assert!(array[15]["planned_budget"].is_null());
    let back: Vec<Project> = serde_json::from_slice(&out).expect("round trip");
    assert_eq!(back, projects);
}
