//! The measurements table: values reported on the indicators, as published (only
//! approved ones are given to it; see the web `exports` module).

use super::{finite, number, required, Table};
use crate::french_csv::Cell;
use serde::Serialize;
use time::Date;

/// One measurement, as published: no account, no reviewer, no internal note.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasurementRow {
    /// Identifier (increasing in recording order).
    pub id: i64,
    /// Indicator code.
    pub indicator: String,
    /// Version of the indicator's definition it was reported under.
    pub indicator_version: u32,
    /// Project slug.
    pub project: String,
    /// Period (`2025`, `2025-Q2`, `2025-03`).
    pub period: String,
    /// The period's last day (ISO 8601).
    pub period_end: Date,
    /// The reporting organisation.
    pub reporter: String,
    /// The value in the indicator's unit (a percentage's computed share when both counts
    /// are known); `None` for a qualitative report.
    pub value: Option<f64>,
    /// A percentage's numerator.
    pub numerator: Option<f64>,
    /// A percentage's denominator.
    pub denominator: Option<f64>,
    /// Where the value comes from.
    pub source: Option<String>,
    /// How it was produced.
    pub method: Option<String>,
    /// The measurement this one corrects.
    pub supersedes: Option<i64>,
}

impl Table for MeasurementRow {
    const HEADER: &'static [&'static str] = &[
        "identifiant",
        "indicateur",
        "version de l'indicateur",
        "projet",
        "période",
        "fin de période",
        "déclarant",
        "valeur",
        "numérateur",
        "dénominateur",
        "source",
        "méthode",
        "corrige la mesure",
    ];

    fn cells(&self) -> Vec<Cell> {
        let opt = |s: &Option<String>| s.as_deref().map_or(Cell::Empty, Cell::from);
        vec![
            Cell::Integer(self.id),
            Cell::text(&*self.indicator),
            Cell::Integer(self.indicator_version.into()),
            Cell::text(&*self.project),
            Cell::text(&*self.period),
            Cell::Date(self.period_end),
            Cell::text(&*self.reporter),
            number(self.value),
            number(self.numerator),
            number(self.denominator),
            opt(&self.source),
            opt(&self.method),
            self.supersedes.map_or(Cell::Empty, Cell::Integer),
        ]
    }

    fn name(&self) -> String {
        format!("mesure n° {}", self.id)
    }

    fn check(&self) -> Result<(), (&'static str, String)> {
        required("indicateur", &self.indicator)?;
        required("période", &self.period)?;
        finite("valeur", self.value)?;
        finite("numérateur", self.numerator)?;
        finite("dénominateur", self.denominator)
    }
}
