//! The indicators table: each indicator of the impact catalogue with its baseline and its
//! final target (`data/impacts-2030.toml` as imported, with later definition versions).

use super::{finite, number, required, Table};
use crate::french_csv::Cell;
use serde::Serialize;
use territoires_domain::impact::Indicator;
use time::Date;

/// One indicator, as published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorRow {
    /// Stable code (`biovallee.energie-produite-localement`).
    pub code: String,
    /// Project slug; `None` for a programme indicator.
    pub project: Option<String>,
    /// French name.
    pub name: String,
    /// Unit code (see the unit registry).
    pub unit: String,
    /// Kind code (`quantity`, `percentage`, `ratio`, `qualitative`).
    pub kind: &'static str,
    /// Direction code (which way is better).
    pub direction: &'static str,
    /// Frequency code.
    pub frequency: &'static str,
    /// Baseline value in the unit, when known (a from-to target's starting value otherwise).
    pub baseline: Option<f64>,
    /// Date of the recorded baseline (ISO 8601).
    pub baseline_date: Option<Date>,
    /// The final target's value in the unit, when it can be computed.
    pub target: Option<f64>,
    /// The final target's year.
    pub target_year: Option<i32>,
    /// The target as the fiche states it.
    pub target_text: Option<String>,
    /// The organisation responsible for reporting.
    pub responsible: String,
    /// Version of the definition, from 1.
    pub version: u32,
}

impl From<&Indicator> for IndicatorRow {
    fn from(i: &Indicator) -> IndicatorRow {
        let last = i.targets.iter().max_by_key(|t| t.due);
        let final_target = i.final_target();
        IndicatorRow {
            code: i.code.clone(),
            project: i.project.clone(),
            name: i.name.clone(),
            unit: i.unit.clone(),
            kind: i.kind.code(),
            direction: i.direction.code(),
            frequency: i.frequency.code(),
            baseline: i.baseline_value(),
            baseline_date: i.baseline.as_ref().map(|b| b.date),
            target: final_target.and_then(|(_, v)| v),
            target_year: final_target.map(|(due, _)| due.year()),
            target_text: last.and_then(|t| t.statement.clone()),
            responsible: i.responsible.clone(),
            version: i.version,
        }
    }
}

impl Table for IndicatorRow {
    const HEADER: &'static [&'static str] = &[
        "code",
        "projet",
        "nom",
        "unité",
        "type",
        "sens",
        "fréquence",
        "valeur de référence",
        "date de référence",
        "cible",
        "année de la cible",
        "cible telle qu'énoncée",
        "responsable",
        "version",
    ];

    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::text(&*self.code),
            self.project.as_deref().map_or(Cell::Empty, Cell::from),
            Cell::text(&*self.name),
            Cell::text(&*self.unit),
            Cell::from(self.kind),
            Cell::from(self.direction),
            Cell::from(self.frequency),
            number(self.baseline),
            self.baseline_date.map_or(Cell::Empty, Cell::Date),
            number(self.target),
            self.target_year.map_or(Cell::Empty, |y| Cell::Integer(y.into())),
            self.target_text.as_deref().map_or(Cell::Empty, Cell::from),
            Cell::text(&*self.responsible),
            Cell::Integer(self.version.into()),
        ]
    }

    fn name(&self) -> String {
        format!("indicateur « {} »", self.code)
    }

    fn check(&self) -> Result<(), (&'static str, String)> {
        required("code", &self.code)?;
        required("nom", &self.name)?;
        finite("valeur de référence", self.baseline)?;
        finite("cible", self.target)
    }
}
