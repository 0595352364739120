//! The SYNTHETIC measurement file of the import case, as French Excel saves a sheet; row
//! `i` is computed from `i` alone, so the file is written line by line.

use crate::synthetic::mix;
use std::io::{BufWriter, Write};

const INDICATORS: [(&str, &str); 4] = [("emplois", "jobs"), ("part", "percent"), ("menages", "percent"), ("budget", "eur")];

/// The unit code of an indicator of the measurement file.
pub fn unit_of(code: &str) -> Option<&'static str> {
    INDICATORS.iter().find(|(c, _)| *c == code).map(|(_, u)| *u)
}

/// `n` hundredths as a French spreadsheet shows them: `1 234 567,89` (a plain space
/// between thousands, what pandas' `thousands=' '` reads).
fn french(hundredths: u64, decimals: bool) -> String {
    let digits = (hundredths / 100).to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    if decimals {
        out.push_str(&format!(",{:02}", hundredths % 100));
    }
    out
}

/// Writes `rows` measurements to `path` as French Excel saves a sheet: UTF-8 with a BOM (or
/// Windows-1252 without), `;`, CRLF, decimal comma, thousands separated by a space.
pub fn measurements_file(path: &str, rows: u64, cp1252: bool) -> Result<(), Box<dyn std::error::Error>> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    let mut line = |text: &str| -> std::io::Result<()> {
        if cp1252 {
            out.write_all(&encoding_rs::WINDOWS_1252.encode(text).0)
        } else {
            out.write_all(text.as_bytes())
        }
    };
    if !cp1252 {
        line("\u{feff}")?;
    }
    line("indicateur;période;valeur;numérateur;dénominateur;déclarant;source;méthode;justificatif\r\n")?;
    for i in 0..rows {
        let h = mix(i);
        let period = match i % 3 {
            0 => format!("{}", 2021 + h % 5),
            1 => format!("{}-T{}", 2021 + h % 5, 1 + (h >> 8) % 4),
            _ => format!("{}-{:02}", 2021 + h % 5, 1 + (h >> 8) % 12),
        };
        let (code, value, num, den) = match i % 4 {
            0 => ("emplois", french((h >> 16) % 500_000 * 100, false), String::new(), String::new()),
            1 => ("part", french((h >> 16) % 10_000, true), String::new(), String::new()),
            2 => {
                let den = 1 + (h >> 16) % 5_000;
                ("menages", String::new(), french((den / 3) * 100, false), french(den * 100, false))
            }
            _ => ("budget", french((h >> 16) % 1_000_000_000, true), String::new(), String::new()),
        };
        line(&format!(
            "{code};{period};{value};{num};{den};Commune de Saint-Étienne-{};Registre communal;Comptage;https://exemple.fr/pj/{i}.pdf\r\n",
            h % 1000
        ))?;
    }
    out.flush()?;
    Ok(())
}
