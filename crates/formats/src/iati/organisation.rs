//! The IATI organisation file (`iati-organisations-schema.xsd`, 2.03) of the reporting
//! organisation: its identifier and name, its total budget per year and, when known, its
//! total expenditure per year. Elements follow the XSD sequence of `iati-organisation`.

use super::check::check_organisation;
use super::model::*;
use super::xml::Xml;
use super::{IatiError, IATI_VERSION};
use std::io::Write;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Writes `<iati-organisations>` holding one `<iati-organisation>` for `file.org` to `out`,
/// and returns `out`. The record is checked first ([`check_organisation`]): nothing is
/// written when it is invalid ([`IatiError::Invalid`]). `generated` is written as
/// `@generated-datetime` and `@last-updated-datetime`. Amounts are in EUR.
pub fn write_organisation<W: Write>(file: &OrganisationFile, generated: OffsetDateTime, out: W) -> Result<W, IatiError> {
    let id = file.org.reference.clone().unwrap_or_default();
    let stamp = generated.format(&Rfc3339).map_err(|e| IatiError::Invalid {
        activity: id.clone(),
        field: "@generated-datetime".into(),
        why: e.to_string(),
    })?;
    check_organisation(file)?;
    let kind = file.org.kind.clone().unwrap_or_default();
    let mut x = Xml::new(out)?;
    x.start("iati-organisations", &[("version", IATI_VERSION), ("generated-datetime", &stamp)])?;
    x.start(
        "iati-organisation",
        &[
            ("last-updated-datetime", &stamp),
            ("xml:lang", "fr"),
            ("default-currency", codes::CURRENCY_EUR),
        ],
    )?;
    x.text_el("organisation-identifier", &[], &id)?;
    x.narrative_el("name", &[], &file.org.name)?;
    x.narrative_el("reporting-org", &[("ref", &id), ("type", &kind)], &file.org.name)?;
    for (start, end, status, value) in &file.total_budgets {
        x.start("total-budget", &[("status", status)])?;
        x.date_el("period-start", *start)?;
        x.date_el("period-end", *end)?;
        x.value(*value, *start)?;
        x.end("total-budget")?;
    }
    for (start, end, value) in &file.total_expenditure {
        x.start("total-expenditure", &[])?;
        x.date_el("period-start", *start)?;
        x.date_el("period-end", *end)?;
        x.value(*value, *start)?;
        x.end("total-expenditure")?;
    }
    x.end("iati-organisation")?;
    x.end("iati-organisations")?;
    x.finish()
}
