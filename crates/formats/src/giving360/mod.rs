//! 360Giving Data Standard 1.4.3 exports of the subsidy agreements: the JSON data package
//! (`{"grants": [...]}`, [`PackageWriter`]) and the flat CSV ([`flat::FlatWriter`]), one
//! grant per agreement. Schemas: `crates/formats/schemas/360giving/` (vendored, CC BY 4.0).
//!
//! Choices, and why:
//! - **Grant identifiers** are `{prefix}-{agreement reference}`. The standard asks for the
//!   publisher's 360Giving prefix (`360G-…`), which 360Giving assigns when a publisher joins;
//!   the operator has none, so the prefix is derived from its organisation identifier,
//!   which is unique and stable: `360G-FR-RCS-180020026` ([`Giving360Context::prefix`]).
//! - **Recipient identifier**: `FR-RCS-{SIREN}` (from the SIREN, else from the SIRET); an
//!   organisation known by neither gets an identifier of our own under the same prefix, as
//!   the standard's identifier guidance asks: `{prefix}-RNA-{RNA}` or `{prefix}-ORG-{slug}`.
//! - **Amounts**: `amountAwarded` is a JSON number written from the cents' digits
//!   (`5700000.00`), never through a float; currency `EUR`; `awardDate` `YYYY-MM-DD`.
//! - **plannedDates**: one period from the first to the last tranche due date (the schedule
//!   of payments the agreement sets; the flat CSV rolls up one period).
//! - **beneficiaryLocation**: one per region, `name` the region, `countryCode` `FR`,
//!   `geoCode` its INSEE code (COG 2019). No `geoCodeType`: the standard's codelist only
//!   has UK ONS geographies, and inventing a code would be dishonest.
//! - **grantProgramme**: the programme (`territoires-d-innovation`).
//!
//! Each grant is validated against the grant schema (draft 2020-12, formats on) before it is
//! written; an invalid grant is an [`ExportError`] naming the agreement and the schema path,
//! and nothing of it is written.

pub mod flat;
pub mod schema;

use crate::grant::{euros_point, iso_date, ExportError, SubsidyGrant};
use serde::Serialize;
use serde_json::value::RawValue;
use std::collections::HashSet;
use std::io::Write;
use territoires_domain::org_id::{OrgId, Publisher};
use territoires_domain::text::slugify;

/// Who publishes and under which identifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Giving360Context {
    /// The funder (`fundingOrganization`).
    pub publisher: Publisher,
    /// Grant identifier prefix, `360G-FR-RCS-180020026` for the Caisse des Dépôts.
    pub prefix: String,
    /// `grantProgramme` code and title.
    pub programme_code: String,
    /// Title of the programme.
    pub programme_title: String,
}

impl Giving360Context {
    /// Territoires d'Innovation published by `publisher`, prefix `360G-{its org id}`.
    /// Errors: [`ExportError::Invalid`] when the publisher's SIRET has no valid SIREN.
    pub fn territoires_d_innovation(publisher: Publisher) -> Result<Giving360Context, ExportError> {
        let org = funder_id(&publisher)?;
        Ok(Giving360Context {
            prefix: format!("360G-{org}"),
            publisher,
            programme_code: "territoires-d-innovation".into(),
            programme_title: "Territoires d'Innovation".into(),
        })
    }
}

fn funder_id(publisher: &Publisher) -> Result<OrgId, ExportError> {
    publisher
        .org_id()
        .map_err(|e| ExportError::invalid("(éditeur)", "fundingOrganization/id", e.to_string()))
}

/// One grant as the standard lays it out (field order as in the schema).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GrantJson {
    pub id: String,
    pub title: String,
    pub description: String,
    pub currency: &'static str,
    pub amount_awarded: Box<RawValue>,
    pub award_date: String,
    pub planned_dates: Vec<Period>,
    pub recipient_organization: Vec<Org>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub beneficiary_location: Vec<Location>,
    pub funding_organization: Vec<Org>,
    pub grant_programme: Vec<Programme>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Period {
    pub start_date: String,
    pub end_date: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Org {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Location {
    pub name: String,
    pub country_code: &'static str,
    pub geo_code: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Programme {
    pub code: String,
    pub title: String,
}

/// The recipient's identifier (see the module's choices).
pub fn recipient_id(grant: &SubsidyGrant, ctx: &Giving360Context) -> String {
    let b = &grant.beneficiary;
    if let Some(siren) = &b.siren {
        return OrgId::from_siren(siren.clone()).to_string();
    }
    if let Some(id) = b.siret.as_ref().and_then(|s| OrgId::from_siret(s).ok()) {
        return id.to_string();
    }
    match &b.rna {
        Some(rna) => format!("{}-RNA-{rna}", ctx.prefix),
        None => format!("{}-ORG-{}", ctx.prefix, slugify(&b.name)),
    }
}

/// Builds the grant, serialises it, validates it: the JSON text of one valid grant.
pub(crate) fn checked_grant(grant: &SubsidyGrant, ctx: &Giving360Context) -> Result<(GrantJson, String), ExportError> {
    let reference = grant.reference.as_str();
    grant.check()?;
    let (first, last) = grant
        .payment_period()
        .ok_or_else(|| ExportError::invalid(reference, "plannedDates", "aucune tranche"))?;
    let amount =
        RawValue::from_string(euros_point(grant.amount)).map_err(|e| ExportError::invalid(reference, "amountAwarded", e.to_string()))?;
    let json = GrantJson {
        id: format!("{}-{reference}", ctx.prefix),
        title: grant.title.clone(),
        description: grant.description.clone(),
        currency: "EUR",
        amount_awarded: amount,
        award_date: iso_date(grant.signed_on),
        planned_dates: vec![Period {
            start_date: iso_date(first),
            end_date: iso_date(last),
        }],
        recipient_organization: vec![Org {
            id: recipient_id(grant, ctx),
            name: grant.beneficiary.name.clone(),
        }],
        beneficiary_location: grant
            .regions
            .iter()
            .map(|r| Location {
                name: r.name.to_string(),
                country_code: "FR",
                geo_code: r.code.to_string(),
            })
            .collect(),
        funding_organization: vec![Org {
            id: funder_id(&ctx.publisher)?.to_string(),
            name: ctx.publisher.name.clone(),
        }],
        grant_programme: vec![Programme {
            code: ctx.programme_code.clone(),
            title: ctx.programme_title.clone(),
        }],
    };
    let text = serde_json::to_string(&json).map_err(|e| ExportError::invalid(reference, "(grant)", e.to_string()))?;
    schema::check_grant(reference, &text)?;
    Ok((json, text))
}

/// Streams a 360Giving data package `{"grants":[…]}` grant by grant to `out`.
///
/// Nothing is written before the first valid grant; [`PackageWriter::finish`] closes the
/// document and refuses an empty package (the schema asks for at least one grant). Two
/// grants with the same identifier are refused (the schema asks for unique grants).
pub struct PackageWriter<W: Write> {
    out: W,
    ctx: Giving360Context,
    ids: HashSet<String>,
}

impl<W: Write> PackageWriter<W> {
    /// A writer to `out`.
    pub fn new(out: W, ctx: Giving360Context) -> PackageWriter<W> {
        PackageWriter {
            out,
            ctx,
            ids: HashSet::new(),
        }
    }

    /// Validates `grant` and writes it. Errors: [`ExportError::Invalid`] naming the agreement
    /// and the field or schema path (nothing written), [`ExportError::Io`].
    pub fn write(&mut self, grant: &SubsidyGrant) -> Result<(), ExportError> {
        let (json, text) = checked_grant(grant, &self.ctx)?;
        if self.ids.contains(&json.id) {
            return Err(ExportError::invalid(
                &grant.reference,
                "id",
                format!("identifiant {} en double", json.id),
            ));
        }
        let sep = if self.ids.is_empty() { "{\"grants\":[\n" } else { ",\n" };
        self.out.write_all(sep.as_bytes())?;
        self.out.write_all(text.as_bytes())?;
        self.ids.insert(json.id);
        Ok(())
    }

    /// Closes the package and gives `out` back. Errors: an empty package, [`ExportError::Io`].
    pub fn finish(mut self) -> Result<W, ExportError> {
        if self.ids.is_empty() {
            return Err(ExportError::invalid(
                "(aucune)",
                "grants",
                "aucune convention à publier : un paquet 360Giving contient au moins une subvention",
            ));
        }
        self.out.write_all(b"\n]}\n")?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Writes the package of `grants` to `out` (see [`PackageWriter`]); stops at the first error.
pub fn write_package<'a, W: Write>(
    out: W,
    ctx: &Giving360Context,
    grants: impl IntoIterator<Item = &'a SubsidyGrant>,
) -> Result<W, ExportError> {
    let mut writer = PackageWriter::new(out, ctx.clone());
    for g in grants {
        writer.write(g)?;
    }
    writer.finish()
}
