//! SCDL *subventions* 2.1.1 (the French local-authority open-data standard for subsidies,
//! decree 2017-779 and order of 17 November 2017): one CSV row per subsidy agreement.
//! Schema: `crates/formats/schemas/scdl-subventions/schema.json` (vendored, Unlicense).
//!
//! The file follows the schema and its valid example: UTF-8 without BOM, `,` delimiter,
//! LF line endings, the 16 columns in the schema's order, amounts in euros with a decimal
//! point. Each row is checked against the embedded schema ([`table_schema`]) before it is
//! written; a refused row is an [`ExportError`] naming the agreement and the column.
//!
//! How our agreements fill the columns, and why:
//! - `nomAttribuant` / `idAttribuant`: the publisher ([`Publisher`]) and its SIRET;
//! - `dateConvention`: the signature date; `referenceDecision`: the agreement's reference;
//! - `idBeneficiaire`: the beneficiary's SIRET. The agreements record a SIREN, and an
//!   establishment's SIRET cannot be derived from it (the NIC is not computable), so a
//!   beneficiary with a SIREN only is published by its RNA number when it has one
//!   (`rnaBeneficiaire`), and refused otherwise: the schema requires one of the two, and
//!   publishing a guessed SIRET would be false data;
//! - `objet`: the agreement's title (≤ 256 characters, else refused);
//! - `montant`: the State's subsidy, current version; `nature`: `aide en numéraire` (the
//!   programme's subsidies are paid in money);
//! - `conditionsVersement`: `unique` for one tranche, `échelonné` for several;
//!   `datesPeriodeVersement`: the single tranche's date, or `first/last` tranche dates;
//! - `notificationUE`: [`SubsidyGrant::eu_notified`] as `oui` / `non`;
//! - `pourcentageSubvention`: `1.00`. The schema defines it as the beneficiary's part of the
//!   subsidy when it is shared among several beneficiaries (« dans le cas d'un bénéficiaire
//!   unique, le pourcentage est 100 % »), not the State's share of the eligible cost: an
//!   agreement has one beneficiary;
//! - `idRAE`, `dispositifAide`: empty (no RAE aid nor *dispositif* identifier is recorded).

pub mod table_schema;

use crate::grant::{euros_point, iso_date, ExportError, SubsidyGrant};
use std::io::Write;
use std::sync::OnceLock;
use table_schema::TableSchema;
use territoires_domain::org_id::Publisher;

/// The vendored `schema.json`, byte for byte.
pub const SCHEMA: &str = include_str!("../../schemas/scdl-subventions/schema.json");

/// The 16 columns, in the schema's order.
pub const COLUMNS: [&str; 16] = [
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "rnaBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
    "dispositifAide",
];

/// The embedded schema, parsed once; its columns are checked to be [`COLUMNS`].
/// Errors: the vendored schema is unreadable or has other columns (a build defect).
pub fn schema() -> Result<&'static TableSchema, String> {
    static S: OnceLock<Result<TableSchema, String>> = OnceLock::new();
    S.get_or_init(|| {
        let s = TableSchema::parse(SCHEMA)?;
        if s.columns() != COLUMNS {
            return Err(format!("colonnes du schéma SCDL inattendues : {:?}", s.columns()));
        }
        Ok(s)
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// The row of `grant`, in [`COLUMNS`] order, not yet checked. Errors: no SIRET nor RNA
/// number for the beneficiary, no tranche.
pub fn row(grant: &SubsidyGrant, publisher: &Publisher) -> Result<Vec<String>, ExportError> {
    let r = grant.reference.as_str();
    let b = &grant.beneficiary;
    if b.siret.is_none() && b.rna.is_none() {
        let known = if b.siren.is_some() { " (seul le SIREN est connu)" } else { "" };
        return Err(ExportError::invalid(
            r,
            "idBeneficiaire",
            format!("SIRET du bénéficiaire inconnu{known} et pas de numéro RNA : SCDL exige l'un des deux"),
        ));
    }
    let (first, last) = grant
        .payment_period()
        .ok_or_else(|| ExportError::invalid(r, "datesPeriodeVersement", "aucune tranche"))?;
    let (conditions, period) = if grant.tranche_dates.len() == 1 {
        ("unique", iso_date(first))
    } else {
        ("échelonné", format!("{}/{}", iso_date(first), iso_date(last)))
    };
    Ok(vec![
        publisher.name.clone(),
        publisher.siret.as_str().to_string(),
        iso_date(grant.signed_on),
        grant.reference.clone(),
        b.name.clone(),
        b.siret.as_ref().map(|s| s.as_str().to_string()).unwrap_or_default(),
        b.rna.as_ref().map(|n| n.as_str().to_string()).unwrap_or_default(),
        grant.title.clone(),
        euros_point(grant.amount),
        "aide en numéraire".into(),
        conditions.into(),
        period,
        String::new(),
        if grant.eu_notified { "oui" } else { "non" }.into(),
        "1.00".into(),
        String::new(),
    ])
}

/// Checks a row against the embedded schema. Errors: [`ExportError::Invalid`] naming the
/// agreement `reference` and the column.
pub fn check_row(reference: &str, cells: &[String]) -> Result<(), ExportError> {
    let schema = schema().map_err(|e| ExportError::invalid(reference, "(schéma)", e))?;
    schema
        .check_row(cells)
        .map_err(|e| ExportError::invalid(reference, &e.column, e.message))
}

/// Streams the SCDL CSV row by row; the header is written at creation (an SCDL file with no
/// subsidy is a valid, empty publication).
pub struct ScdlWriter<W: Write> {
    csv: csv::Writer<W>,
    publisher: Publisher,
}

fn csv_error(e: csv::Error) -> ExportError {
    ExportError::Io(std::io::Error::other(e.to_string()))
}

impl<W: Write> ScdlWriter<W> {
    /// A writer to `out`, header written. Errors: [`ExportError::Io`].
    pub fn new(out: W, publisher: Publisher) -> Result<ScdlWriter<W>, ExportError> {
        let mut csv = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(out);
        csv.write_record(COLUMNS).map_err(csv_error)?;
        Ok(ScdlWriter { csv, publisher })
    }

    /// Builds, checks and writes the row of `grant`. Errors: [`ExportError::Invalid`] (nothing
    /// written), [`ExportError::Io`].
    pub fn write(&mut self, grant: &SubsidyGrant) -> Result<(), ExportError> {
        grant.check()?;
        let cells = row(grant, &self.publisher)?;
        check_row(&grant.reference, &cells)?;
        self.csv.write_record(&cells).map_err(csv_error)
    }

    /// Flushes and gives `out` back. Errors: [`ExportError::Io`].
    pub fn finish(self) -> Result<W, ExportError> {
        self.csv
            .into_inner()
            .map_err(|e| ExportError::Io(std::io::Error::other(e.to_string())))
    }
}

/// Writes the SCDL CSV of `grants` to `out` (see [`ScdlWriter`]); stops at the first error.
pub fn write_scdl<'a, W: Write>(
    out: W,
    publisher: &Publisher,
    grants: impl IntoIterator<Item = &'a SubsidyGrant>,
) -> Result<W, ExportError> {
    let mut writer = ScdlWriter::new(out, publisher.clone())?;
    for g in grants {
        writer.write(g)?;
    }
    writer.finish()
}
