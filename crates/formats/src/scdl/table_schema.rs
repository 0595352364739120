//! A small checker of one CSV row against a Frictionless Table Schema (`schema.json`), so
//! that an export refuses a row its published schema would reject, before writing it.
//!
//! Supported, as the SCDL schemas use them: field types `string`, `date` (`YYYY-MM-DD`),
//! `number` (decimal point, optional exponent), `integer`, `boolean` (`trueValues` /
//! `falseValues`); constraints `required`, `pattern` (whole value, as Frictionless
//! anchors it), `enum`, `minLength`, `maxLength`, `minimum`, `maximum`; and the Validata
//! `custom_checks` `french-siret-value` (14 digits and the Luhn key) and `one-of-required`.
//! Anything else in the schema is refused when it is read, so that a constraint is never
//! silently skipped. An empty cell is a missing value: only `required` applies to it.

use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;
use territoires_domain::siren::Siret;
use time::macros::format_description;

#[derive(Debug, Clone)]
enum Kind {
    Text,
    Date,
    Number,
    Integer,
    Boolean { yes: Vec<String>, no: Vec<String> },
}

#[derive(Debug, Clone)]
struct Field {
    name: String,
    kind: Kind,
    required: bool,
    pattern: Option<Regex>,
    allowed: Option<Vec<String>>,
    min_length: Option<usize>,
    max_length: Option<usize>,
    minimum: Option<f64>,
    maximum: Option<f64>,
}

#[derive(Debug, Clone)]
enum Custom {
    Siret(usize),
    OneOfRequired(usize, usize),
}

/// A parsed Table Schema: its fields in order and its custom checks.
#[derive(Debug, Clone)]
pub struct TableSchema {
    fields: Vec<Field>,
    custom: Vec<Custom>,
}

/// A cell that breaks the schema: the column's name and why (French).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// The column (`idBeneficiaire`).
    pub column: String,
    /// What is wrong.
    pub message: String,
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v?.as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
}

impl TableSchema {
    /// Reads `schema.json`. Errors (French): not JSON, a field type, constraint or custom
    /// check this checker does not know, a bad pattern.
    pub fn parse(json: &str) -> Result<TableSchema, String> {
        let doc: Value = serde_json::from_str(json).map_err(|e| format!("schéma illisible : {e}"))?;
        let raw_fields = doc["fields"].as_array().ok_or("schéma sans « fields »")?;
        let mut fields = Vec::new();
        for f in raw_fields {
            let name = f["name"].as_str().ok_or("champ sans nom")?.to_string();
            let kind = match f["type"].as_str().unwrap_or("string") {
                "string" => Kind::Text,
                "date" => Kind::Date,
                "number" => Kind::Number,
                "integer" => Kind::Integer,
                "boolean" => Kind::Boolean {
                    yes: strings(f.get("trueValues")).unwrap_or_else(|| vec!["true".into(), "True".into(), "TRUE".into(), "1".into()]),
                    no: strings(f.get("falseValues")).unwrap_or_else(|| vec!["false".into(), "False".into(), "FALSE".into(), "0".into()]),
                },
                other => return Err(format!("champ {name} : type « {other} » non pris en charge")),
            };
            let mut field = Field {
                name: name.clone(),
                kind,
                required: false,
                pattern: None,
                allowed: None,
                min_length: None,
                max_length: None,
                minimum: None,
                maximum: None,
            };
            if let Some(c) = f.get("constraints").and_then(Value::as_object) {
                for (key, v) in c {
                    match key.as_str() {
                        "required" => field.required = v.as_bool().unwrap_or(false),
                        "pattern" => {
                            let p = v.as_str().ok_or(format!("champ {name} : motif non textuel"))?;
                            field.pattern =
                                Some(Regex::new(&format!("^(?:{p})$")).map_err(|e| format!("champ {name} : motif invalide : {e}"))?);
                        }
                        "enum" => field.allowed = strings(Some(v)),
                        "minLength" => field.min_length = v.as_u64().map(|n| n as usize),
                        "maxLength" => field.max_length = v.as_u64().map(|n| n as usize),
                        "minimum" => field.minimum = v.as_f64(),
                        "maximum" => field.maximum = v.as_f64(),
                        other => return Err(format!("champ {name} : contrainte « {other} » non prise en charge")),
                    }
                }
            }
            fields.push(field);
        }
        let column = |c: &Value| -> Result<usize, String> {
            let n = c.as_str().ok_or("colonne non nommée")?;
            raw_fields
                .iter()
                .position(|f| f["name"] == n)
                .ok_or(format!("colonne inconnue {n}"))
        };
        let mut custom = Vec::new();
        for check in doc["custom_checks"].as_array().into_iter().flatten() {
            let p = &check["params"];
            custom.push(match check["name"].as_str() {
                Some("french-siret-value") => Custom::Siret(column(&p["column"])?),
                Some("one-of-required") => Custom::OneOfRequired(column(&p["column1"])?, column(&p["column2"])?),
                other => return Err(format!("contrôle « {} » non pris en charge", other.unwrap_or("?"))),
            });
        }
        Ok(TableSchema { fields, custom })
    }

    /// The column names, in order (the CSV header).
    pub fn columns(&self) -> Vec<&str> {
        self.fields.iter().map(|f| f.name.as_str()).collect()
    }

    /// Checks one row given in column order. Errors: the first broken rule, column named.
    pub fn check_row(&self, cells: &[String]) -> Result<(), CellError> {
        if cells.len() != self.fields.len() {
            let message = format!("{} cellules au lieu de {}", cells.len(), self.fields.len());
            return Err(CellError {
                column: "(ligne)".into(),
                message,
            });
        }
        for (f, v) in self.fields.iter().zip(cells) {
            check_cell(f, v).map_err(|message| CellError {
                column: f.name.clone(),
                message,
            })?;
        }
        for c in &self.custom {
            match *c {
                Custom::Siret(i) if !cells[i].is_empty() && !is_siret(&cells[i]) => {
                    let message = format!("« {} » n'est pas un SIRET (14 chiffres, clé de Luhn)", cells[i]);
                    return Err(CellError {
                        column: self.fields[i].name.clone(),
                        message,
                    });
                }
                Custom::OneOfRequired(a, b) if cells[a].is_empty() && cells[b].is_empty() => {
                    let (na, nb) = (&self.fields[a].name, &self.fields[b].name);
                    return Err(CellError {
                        column: format!("{na}|{nb}"),
                        message: format!("{na} ou {nb} est obligatoire"),
                    });
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// A Table Schema `number` with a decimal point (Frictionless' default `decimalChar`).
static NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$").expect("a constant pattern"));

fn is_siret(v: &str) -> bool {
    v.len() == 14 && v.bytes().all(|b| b.is_ascii_digit()) && Siret::parse(v).is_ok()
}

fn check_cell(f: &Field, v: &str) -> Result<(), String> {
    if v.is_empty() {
        return if f.required {
            Err("valeur obligatoire manquante".into())
        } else {
            Ok(())
        };
    }
    let value = match &f.kind {
        Kind::Text => None,
        Kind::Date => {
            time::Date::parse(v, format_description!("[year]-[month]-[day]"))
                .map_err(|_| format!("« {v} » n'est pas une date AAAA-MM-JJ"))?;
            None
        }
        Kind::Number if NUMBER.is_match(v) => v.parse::<f64>().ok(),
        Kind::Number => return Err(format!("« {v} » n'est pas un nombre (point décimal)")),
        Kind::Integer => Some(v.parse::<i64>().map_err(|_| format!("« {v} » n'est pas un entier"))? as f64),
        Kind::Boolean { yes, no } if yes.iter().chain(no).any(|x| x == v) => None,
        Kind::Boolean { yes, no } => return Err(format!("« {v} » : {} ou {} attendu", yes.join("/"), no.join("/"))),
    };
    if let Some(p) = &f.pattern {
        if !p.is_match(v) {
            return Err(format!("« {v} » ne suit pas le motif {}", p.as_str()));
        }
    }
    if let Some(allowed) = &f.allowed {
        if !allowed.iter().any(|a| a == v) {
            return Err(format!("« {v} » n'est pas une valeur permise ({})", allowed.join(" | ")));
        }
    }
    let len = v.chars().count();
    if f.max_length.is_some_and(|m| len > m) || f.min_length.is_some_and(|m| len < m) {
        return Err(format!("{len} caractères : longueur hors limites"));
    }
    if let Some(x) = value {
        if f.minimum.is_some_and(|m| x < m) || f.maximum.is_some_and(|m| x > m) {
            return Err(format!(
                "{v} hors de l'intervalle [{}, {}]",
                f.minimum.unwrap_or(f64::MIN),
                f.maximum.unwrap_or(f64::MAX)
            ));
        }
    }
    Ok(())
}
