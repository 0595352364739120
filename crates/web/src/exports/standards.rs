//! The exports under published standards — IATI 2.03, 360Giving 1.4.3, SCDL *subventions*
//! 2.1.1 — loaded from the store into the formats' records ([`territoires_formats::iati`],
//! [`territoires_formats::grant`]), then written by the formats' streaming writers, which
//! check each record before writing it.
//!
//! What is loaded is what the plain tables publish (see the module above): agreements in
//! force or closed (cancelled ones are left out: no subsidy was awarded), paid
//! disbursements, the investment committee's approved commitments with their capital calls
//! and exits, the impact catalogue and its **approved** measurements. Partners are not
//! loaded: the laureate projects' partner lists are not recorded with identifiers yet.
//!
//! IATI and 360Giving JSON are documents closed at the end: their writers run to the end
//! or fail, and a failure aborts the download (HTTP) or discards the temporary file (CLI),
//! so a truncated document is never published.

use super::source::WriteFn;
use super::{ExportFormat, ExportKind};
use std::sync::Arc;
use territoires_domain::funding::investment::{EventKind, Verdict};
use territoires_domain::impact::measurement::MeasurementStatus;
use territoires_domain::org_id::{OrgId, Publisher};
use territoires_domain::project::{BlockKind, TextBlock};
use territoires_domain::Registry;
use territoires_formats::giving360::{flat::FlatWriter, Giving360Context, PackageWriter};
use territoires_formats::grant::{ExportError, SubsidyGrant};
use territoires_formats::iati::mapping::{
    organisation_file, reporting_org, AgreementRecord, DisbursementRecord, EquityOperation, InvestmentRecord, Sources,
};
use territoires_formats::iati::{write_activities, write_organisation, IatiError};
use territoires_formats::scdl::ScdlWriter;
use territoires_formats::tables::TableError;
use territoires_store::{AgreementSummary, Store, StoreError};

/// Agreements in these statuses are published (a cancelled one awarded nothing).
pub const PUBLISHED_STATUSES: [&str; 2] = ["active", "closed"];

/// The subsidy grants of the published agreements, in reference order, with the
/// beneficiary's SIRET and RNA number as recorded and the project's regions and ambition.
/// Errors: [`StoreError`] reading the agreements.
pub async fn grants(store: &Store, registry: &Registry) -> Result<Vec<SubsidyGrant>, StoreError> {
    let mut out = Vec::new();
    for s in store.agreements(None).await? {
        if !PUBLISHED_STATUSES.contains(&s.status.as_str()) {
            continue;
        }
        let Some(detail) = store.agreement(s.id).await? else { continue };
        let Some(terms) = detail.terms() else { continue };
        let project = registry.projects.iter().find(|p| p.slug == s.project_slug);
        let name = project.map_or(s.project_slug.as_str(), |p| p.name.as_str());
        let mut grant = SubsidyGrant::from_terms(terms, name);
        grant.beneficiary.siret = terms.beneficiary_siret.clone();
        grant.beneficiary.rna = terms.beneficiary_rna.clone();
        if let Some(p) = project {
            grant.regions = p.regions.clone();
            if let Some(first) = p.ambition.iter().find_map(paragraph) {
                grant.description = format!("{} : {first}", p.name);
            }
        }
        out.push(grant);
    }
    out.sort_by(|a, b| a.reference.cmp(&b.reference));
    Ok(out)
}

fn paragraph(b: &TextBlock) -> Option<&str> {
    (b.kind == BlockKind::Paragraph).then_some(b.text.as_str())
}

/// Whether SCDL cannot publish the agreement `s` although it is published: its beneficiary
/// has neither SIRET nor RNA number (SCDL requires `idBeneficiaire` or `rnaBeneficiaire`).
/// `/donnees` and `/conventions` list these agreements so that staff complete them.
pub fn lacks_scdl_id(s: &AgreementSummary) -> bool {
    PUBLISHED_STATUSES.contains(&s.status.as_str()) && s.beneficiary_siret.is_none() && s.beneficiary_rna.is_none()
}

/// What the IATI files are made from, loaded from the store.
pub struct IatiData {
    /// The impact catalogue's indicators.
    pub indicators: Vec<territoires_domain::impact::Indicator>,
    /// Approved measurements.
    pub measurements: Vec<territoires_domain::impact::Reported>,
    /// Published agreements.
    pub agreements: Vec<AgreementRecord>,
    /// Paid disbursements.
    pub disbursements: Vec<DisbursementRecord>,
    /// Approved investments' commitments, capital calls and exits.
    pub investments: Vec<InvestmentRecord>,
}

/// Loads [`IatiData`]. Errors: [`StoreError`]; a paid disbursement without a payment date
/// (a broken record) as [`StoreError::Invalid`].
pub async fn iati_data(store: &Store) -> Result<IatiData, StoreError> {
    let mut agreements = Vec::new();
    for s in store.agreements(None).await? {
        if !PUBLISHED_STATUSES.contains(&s.status.as_str()) {
            continue;
        }
        let Some(detail) = store.agreement(s.id).await? else { continue };
        agreements.push(AgreementRecord {
            beneficiary_id: siren_id(s.beneficiary_siren.as_deref()),
            project: s.project_slug,
            reference: s.reference,
            signed_on: s.signed_on,
            amount: s.amount,
            beneficiary: s.beneficiary,
            tranches: detail.tranches.iter().map(|t| (t.due_on, t.amount)).collect(),
        });
    }
    let mut disbursements = Vec::new();
    for d in store
        .disbursements(Some(territoires_domain::funding::disbursement::Status::Paid))
        .await?
    {
        let paid_on = d
            .paid_on
            .ok_or_else(|| StoreError::Invalid(format!("versement n° {} payé sans date de paiement", d.id)))?;
        disbursements.push(DisbursementRecord {
            beneficiary_id: siren_id(d.beneficiary_siren.as_deref()),
            project: d.project_slug,
            agreement: d.agreement_reference,
            paid_on,
            amount: d.amount,
            beneficiary: d.beneficiary,
        });
    }
    let mut investments = Vec::new();
    for i in store.investments().await? {
        let Some(decision) = i.decision.as_ref().filter(|d| d.verdict == Verdict::Approved) else {
            continue;
        };
        let record = |reference: String, operation, on, amount| InvestmentRecord {
            project: i.case.project.clone(),
            reference,
            operation,
            on,
            amount,
            investee: i.case.investee.name.clone(),
            investee_id: Some(OrgId::from_siren(i.case.investee.siren.clone())),
        };
        investments.push(record(
            decision.reference.clone(),
            EquityOperation::Commitment,
            decision.on,
            i.case.amount,
        ));
        for e in &i.events {
            let operation = match e.event.kind {
                EventKind::CapitalCall => EquityOperation::CapitalCall,
                EventKind::Exit => EquityOperation::Exit,
                // Distributions and valuations are not transactions IATI's codelist has.
                EventKind::Distribution | EventKind::Valuation => continue,
            };
            investments.push(record(
                format!("{}-{}", decision.reference, e.id),
                operation,
                e.event.on,
                e.event.amount,
            ));
        }
    }
    Ok(IatiData {
        indicators: store.indicators(None).await?,
        measurements: store.reported(None, &[MeasurementStatus::Approved]).await?,
        agreements,
        disbursements,
        investments,
    })
}

fn siren_id(siren: Option<&str>) -> Option<OrgId> {
    let siren = territoires_domain::siren::Siren::parse(siren?).ok()?;
    Some(OrgId::from_siren(siren))
}

fn refused(e: impl std::fmt::Display) -> TableError {
    TableError::Refused(e.to_string())
}

fn grant_error(e: ExportError) -> TableError {
    match e {
        ExportError::Io(e) => TableError::Io(e),
        e => refused(e),
    }
}

fn iati_error(e: IatiError) -> TableError {
    match e {
        IatiError::Io(e) => TableError::Io(e),
        e => refused(e),
    }
}

/// The writer of a standard `kind` (`format` is its only one). Errors: [`StoreError`]
/// while loading (nothing written yet).
pub async fn writer(
    store: &Store,
    registry: &Arc<Registry>,
    publisher: &Publisher,
    kind: ExportKind,
    format: ExportFormat,
) -> Result<WriteFn, StoreError> {
    debug_assert!(kind.formats().contains(&format));
    let publisher = publisher.clone();
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    Ok(match kind {
        ExportKind::Iati | ExportKind::IatiOrg => {
            let data = iati_data(store).await?;
            let registry = Arc::clone(registry);
            Box::new(move |out| {
                let s = Sources {
                    publisher: &publisher,
                    programme: &registry.programme,
                    projects: &registry.projects,
                    indicators: &data.indicators,
                    measurements: &data.measurements,
                    agreements: &data.agreements,
                    disbursements: &data.disbursements,
                    investments: &data.investments,
                    partners: &[],
                };
                if kind == ExportKind::IatiOrg {
                    let file = organisation_file(&s).map_err(iati_error)?;
                    write_organisation(&file, now, out).map_err(iati_error)?;
                    return Ok(());
                }
                let reporting = reporting_org(&publisher).map_err(iati_error)?;
                let programme = s.programme_activity().map_err(iati_error)?;
                let projects = s.project_activities().map_err(iati_error)?;
                write_activities(&reporting, &programme, projects, now, out).map_err(iati_error)?;
                Ok(())
            })
        }
        ExportKind::Giving360 | ExportKind::Giving360Csv => {
            let grants = grants(store, registry).await?;
            Box::new(move |out| {
                let ctx = Giving360Context::territoires_d_innovation(publisher).map_err(grant_error)?;
                if kind == ExportKind::Giving360 {
                    let mut w = PackageWriter::new(out, ctx);
                    for g in &grants {
                        w.write(g).map_err(grant_error)?;
                    }
                    w.finish().map_err(grant_error)?;
                } else {
                    let mut w = FlatWriter::new(out, ctx);
                    for g in &grants {
                        w.write(g).map_err(grant_error)?;
                    }
                    w.finish().map_err(grant_error)?;
                }
                Ok(())
            })
        }
        _ => {
            let grants = grants(store, registry).await?;
            Box::new(move |out| {
                let mut w = ScdlWriter::new(out, publisher).map_err(grant_error)?;
                for g in &grants {
                    w.write(g).map_err(grant_error)?;
                }
                w.finish().map_err(grant_error)?;
                Ok(())
            })
        }
    })
}
