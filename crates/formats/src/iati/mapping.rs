//! From the registry's data to the IATI model: the press kit's programme and projects
//! ([`Programme`], [`Project`]), the impact catalogue's indicators, validated measurements
//! ([`Reported`]) and simple records of agreements, disbursements and equity operations
//! defined here (the store loads them; this module does not read the database).
//!
//! Choices, each one documented in the README's IATI section:
//! - identifiers: `{publisher org id}-{programme slug}` for the programme (hierarchy 1),
//!   `…-{project slug}` for each project (hierarchy 2), linked by `related-activity`
//!   (type 1 parent, 2 child);
//! - sectors: vocabulary 99 (*Reporting Organisation*) with the programme's theme codes
//!   ([`territoires_domain::vocabulary::Theme::code`]), shares split evenly in hundredths of a per cent: the themes are the
//!   programme's own classification and no DAC purpose code says the same thing;
//! - locations: one per region; GeographicVocabulary has no INSEE/COG vocabulary, so the
//!   INSEE code is carried in the publisher's own `location/@ref` (`INSEE-COG-84`) and in the
//!   description, and the country is the administrative area `A4` with the region's ISO
//!   3166-1 code ([`iso_country`]: `FR`, or `NC` for Nouvelle-Calédonie…);
//! - budgets: per calendar year, the agreements' tranches due that year (status
//!   *Committed*); the programme's budgets are the sums of its projects' budgets;
//! - the fiche's subsidy ceiling and investment potential are stated in the general
//!   description: they are planned amounts, not commitments (an agreement is).

pub use super::mapping_results::{ascending, measure};
pub use super::records::*;

use super::model::{codes, *};
use super::IatiError;
use std::collections::BTreeMap;
use territoires_domain::impact::{Indicator, Reported};
use territoires_domain::org_id::{OrgId, Publisher};
use territoires_domain::project::TextBlock;
use territoires_domain::{Money, Programme, Project};
use time::{Date, Month};

/// Everything the activity file is made from. Records of other projects are ignored;
/// `measurements` should hold validated measurements only (what is published).
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// The publisher (reporting and extending organisation).
    pub publisher: &'a Publisher,
    /// The programme.
    pub programme: &'a Programme,
    /// The projects, in publication order.
    pub projects: &'a [Project],
    /// The impact catalogue's indicators (project indicators carry their project's slug).
    pub indicators: &'a [Indicator],
    /// Validated measurements.
    pub measurements: &'a [Reported],
    /// Signed agreements.
    pub agreements: &'a [AgreementRecord],
    /// Payments.
    pub disbursements: &'a [DisbursementRecord],
    /// Equity operations.
    pub investments: &'a [InvestmentRecord],
    /// Partners.
    pub partners: &'a [PartnerRecord],
}

/// The publisher as IATI's reporting organisation: `FR-RCS-{SIREN}`, type 15 (*Other Public
/// Sector*: the Caisse des Dépôts is a public financial institution). Errors when its
/// SIRET does not give an organisation identifier.
pub fn reporting_org(publisher: &Publisher) -> Result<Org, IatiError> {
    let id = publisher.org_id().map_err(|e| IatiError::Invalid {
        activity: publisher.name.clone(),
        field: "reporting-org/@ref".into(),
        why: e.to_string(),
    })?;
    Ok(Org {
        reference: Some(id.to_string()),
        kind: Some(codes::ORG_OTHER_PUBLIC.into()),
        name: publisher.name.clone(),
    })
}

impl Sources<'_> {
    /// The programme's identifier: `FR-RCS-180020026-territoires-d-innovation`.
    pub fn programme_identifier(&self) -> Result<String, IatiError> {
        let org = reporting_org(self.publisher)?;
        Ok(format!("{}-{}", org.reference.unwrap_or_default(), self.programme.slug))
    }

    /// The programme as the parent activity (hierarchy 1): funded by the State, extended by
    /// the publisher, its budgets the sums per year of its projects' budgets, its children
    /// listed as related activities.
    pub fn programme_activity(&self) -> Result<Activity, IatiError> {
        let id = self.programme_identifier()?;
        let p = self.programme;
        let envelopes: Vec<String> = p
            .envelopes
            .iter()
            .map(|e| format!("{} : {}", e.kind.label(), e.cap.fmt_euros()))
            .collect();
        let general = format!(
            "Action « {} » du {}, opérée par {}. Montant total : {} ({}). Durée : {} ans. Source : {} ({}, {}).",
            p.name,
            p.parent_programme,
            p.operator,
            p.total_amount.fmt_euros(),
            envelopes.join(" ; "),
            p.duration_years,
            p.source.title,
            territoires_domain::text::date_numeric(p.source.published_on),
            p.source.licence,
        );
        let budgets = yearly_budgets(self.agreements.iter());
        Ok(Activity {
            identifier: id.clone(),
            hierarchy: 1,
            title: p.name.clone(),
            descriptions: vec![(codes::DESCRIPTION_GENERAL.into(), general)],
            participating_orgs: vec![self.state(), self.extending()?],
            status: codes::STATUS_IMPLEMENTATION.into(),
            dates: self.programme_dates(p.calls.iter().filter_map(|c| c.opened_on).min()),
            recipient_country: codes::COUNTRY_FRANCE.into(),
            locations: Vec::new(),
            sectors: Vec::new(),
            default_finance_type: None,
            budgets,
            transactions: Vec::new(),
            related: self
                .projects
                .iter()
                .map(|c| (codes::RELATED_CHILD.to_string(), format!("{id}-{}", c.slug)))
                .collect(),
            results: Vec::new(),
        })
    }

    /// All the project activities, built one at a time as the writer asks for them.
    pub fn project_activities(&self) -> Result<impl Iterator<Item = Activity> + '_, IatiError> {
        let parent = self.programme_identifier()?;
        let extending = self.extending()?;
        Ok(self
            .projects
            .iter()
            .map(move |p| self.project_activity_with(p, &parent, &extending)))
    }

    /// One project as a child activity (hierarchy 2).
    pub fn project_activity(&self, project: &Project) -> Result<Activity, IatiError> {
        Ok(self.project_activity_with(project, &self.programme_identifier()?, &self.extending()?))
    }

    fn project_activity_with(&self, p: &Project, parent: &str, extending: &ParticipatingOrg) -> Activity {
        let slug = p.slug.as_str();
        let agreements: Vec<&AgreementRecord> = self.agreements.iter().filter(|a| a.project == slug).collect();
        let lead = Org {
            reference: None,
            kind: None,
            name: p.lead.clone(),
        };
        let mut orgs = vec![
            self.state(),
            extending.clone(),
            role(codes::ROLE_ACCOUNTABLE, lead.clone()),
            role(codes::ROLE_IMPLEMENTING, lead),
        ];
        for partner in self.partners.iter().filter(|x| x.project == slug) {
            let org = Org {
                reference: partner.org_id.as_ref().map(|o| o.to_string()),
                kind: partner.kind.clone(),
                name: partner.name.clone(),
            };
            orgs.push(role(codes::ROLE_IMPLEMENTING, org));
        }
        let first_signature = agreements.iter().map(|a| a.signed_on).min();
        Activity {
            identifier: format!("{parent}-{slug}"),
            hierarchy: 2,
            title: p.name.clone(),
            descriptions: descriptions(p),
            participating_orgs: orgs,
            status: codes::STATUS_IMPLEMENTATION.into(),
            dates: self.programme_dates(first_signature),
            recipient_country: recipient_country(p),
            locations: p
                .regions
                .iter()
                .map(|r| Location {
                    reference: format!("INSEE-COG-{}", r.code),
                    country: iso_country(r.code).into(),
                    name: r.name.into(),
                    description: format!("Région ou collectivité d'outre-mer, code INSEE {} (COG 2019)", r.code),
                })
                .collect(),
            sectors: sectors(p),
            default_finance_type: None,
            budgets: yearly_budgets(agreements.iter().copied()),
            transactions: self.transactions(slug, extending),
            related: vec![(codes::RELATED_PARENT.into(), parent.into())],
            results: super::mapping_results::results(slug, self.indicators, self.measurements, self.programme.source.published_on),
        }
    }

    fn state(&self) -> ParticipatingOrg {
        role(
            codes::ROLE_FUNDING,
            Org {
                reference: None,
                kind: Some(codes::ORG_GOVERNMENT.into()),
                name: format!("État — {}", self.programme.parent_programme),
            },
        )
    }

    fn extending(&self) -> Result<ParticipatingOrg, IatiError> {
        Ok(role(codes::ROLE_EXTENDING, reporting_org(self.publisher)?))
    }

    /// Start: `actual_start` (a project's first agreement signed, the programme's first
    /// call opened), else the laureates' announcement (planned); planned end: 31 December of the announcement's year plus the programme's
    /// duration.
    fn programme_dates(&self, actual_start: Option<Date>) -> Vec<(String, Date)> {
        let announced = self.programme.source.published_on;
        let start = match actual_start {
            Some(d) => (codes::DATE_ACTUAL_START.to_string(), d),
            None => (codes::DATE_PLANNED_START.to_string(), announced),
        };
        let end_year = announced.year() + self.programme.duration_years as i32;
        let mut dates = vec![start];
        if let Ok(end) = Date::from_calendar_date(end_year, Month::December, 31) {
            dates.push((codes::DATE_PLANNED_END.into(), end));
        }
        dates
    }

    fn transactions(&self, slug: &str, extending: &ParticipatingOrg) -> Vec<Transaction> {
        let operator = Some(extending.org.clone());
        let org = |name: &str, id: &Option<OrgId>| {
            Some(Org {
                reference: id.as_ref().map(|o| o.to_string()),
                kind: None,
                name: name.into(),
            })
        };
        let mut out = Vec::new();
        for a in self.agreements.iter().filter(|a| a.project == slug) {
            out.push(Transaction {
                reference: Some(a.reference.clone()),
                kind: codes::TX_COMMITMENT.into(),
                date: a.signed_on,
                value: a.amount,
                description: Some(format!("Convention de subvention {} signée", a.reference)),
                provider: operator.clone(),
                receiver: org(&a.beneficiary, &a.beneficiary_id),
                finance_type: Some(codes::FINANCE_GRANT.into()),
            });
        }
        for d in self.disbursements.iter().filter(|d| d.project == slug) {
            out.push(Transaction {
                reference: Some(d.agreement.clone()),
                kind: codes::TX_DISBURSEMENT.into(),
                date: d.paid_on,
                value: d.amount,
                description: Some(format!("Versement au titre de la convention {}", d.agreement)),
                provider: operator.clone(),
                receiver: org(&d.beneficiary, &d.beneficiary_id),
                finance_type: Some(codes::FINANCE_GRANT.into()),
            });
        }
        for i in self.investments.iter().filter(|i| i.project == slug) {
            let investee = org(&i.investee, &i.investee_id);
            let (kind, what, provider, receiver) = match i.operation {
                EquityOperation::Commitment => (
                    codes::TX_COMMITMENT,
                    "Engagement de souscription au capital de",
                    operator.clone(),
                    investee,
                ),
                EquityOperation::CapitalCall => (
                    codes::TX_PURCHASE_OF_EQUITY,
                    "Appel de fonds libéré au capital de",
                    operator.clone(),
                    investee,
                ),
                EquityOperation::Exit => (codes::TX_SALE_OF_EQUITY, "Cession de titres de", investee, operator.clone()),
            };
            out.push(Transaction {
                reference: Some(i.reference.clone()),
                kind: kind.into(),
                date: i.on,
                value: i.amount,
                description: Some(format!("{what} {}", i.investee)),
                provider,
                receiver,
                finance_type: Some(codes::FINANCE_EQUITY.into()),
            });
        }
        out.sort_by_key(|t| t.date);
        out
    }
}

/// The ISO 3166-1 alpha-2 code of a region or overseas collectivity (INSEE COG code): the
/// collectivities with a code of their own in ISO 3166-1 — Saint-Pierre-et-Miquelon (975,
/// `PM`), Saint-Barthélemy (977, `BL`), Saint-Martin (978, `MF`), Wallis-et-Futuna (986,
/// `WF`), Polynésie française (987, `PF`), Nouvelle-Calédonie (988, `NC`) — get it, as IATI
/// recipients are ISO countries; the regions, overseas regions included, are `FR`.
pub fn iso_country(insee: &str) -> &'static str {
    match insee {
        "975" => "PM",
        "977" => "BL",
        "978" => "MF",
        "986" => "WF",
        "987" => "PF",
        "988" => "NC",
        _ => codes::COUNTRY_FRANCE,
    }
}

/// The project's country: that of its regions when they share one, else France (no fiche
/// mixes a region and an overseas collectivity).
fn recipient_country(p: &Project) -> String {
    let mut countries = p.regions.iter().map(|r| iso_country(r.code));
    match countries.next() {
        Some(first) if countries.all(|c| c == first) => first.into(),
        _ => codes::COUNTRY_FRANCE.into(),
    }
}

fn role(code: &str, org: Org) -> ParticipatingOrg {
    ParticipatingOrg { role: code.into(), org }
}

fn join(blocks: &[TextBlock]) -> String {
    blocks.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join("\n")
}

/// General: the ambition, then the fiche's figures; objectives: the strategic objectives.
fn descriptions(p: &Project) -> Vec<(String, String)> {
    let mut general = join(&p.ambition);
    if general.trim().is_empty() {
        general = p.heading.clone();
    }
    general.push_str(&format!(
        "\nMontant prévu de subvention : {}. Potentiel d'investissement : {}.",
        p.subsidy_ceiling.fmt_euros(),
        p.investment_potential.fmt_euros()
    ));
    if let Some(b) = p.planned_budget {
        general.push_str(&format!(" Budget prévisionnel du projet : {}.", b.fmt_euros()));
    }
    let mut out = vec![(codes::DESCRIPTION_GENERAL.to_string(), general)];
    let objectives = join(&p.strategic_objectives);
    if !objectives.trim().is_empty() {
        out.push((codes::DESCRIPTION_OBJECTIVES.into(), objectives));
    }
    out
}

/// The themes, vocabulary 99, 100 % split evenly in hundredths; the first themes take the
/// remainder (3 themes: 33.34 + 33.33 + 33.33).
fn sectors(p: &Project) -> Vec<Sector> {
    let n = p.themes.len() as u32;
    if n == 0 {
        return Vec::new();
    }
    let (share, rest) = (10_000 / n, 10_000 % n);
    p.themes
        .iter()
        .enumerate()
        .map(|(i, t)| Sector {
            vocabulary: codes::SECTOR_VOCABULARY_REPORTING_ORG.into(),
            code: t.code().into(),
            percentage: share + u32::from((i as u32) < rest),
            name: t.label().into(),
        })
        .collect()
}

/// One committed budget per calendar year: the sum of the tranches due that year.
fn yearly_budgets<'a>(agreements: impl Iterator<Item = &'a AgreementRecord>) -> Vec<Budget> {
    let mut by_year: BTreeMap<i32, i64> = BTreeMap::new();
    for a in agreements {
        for (due, amount) in &a.tranches {
            let sum = by_year.entry(due.year()).or_default();
            *sum = sum.saturating_add(amount.cents());
        }
    }
    by_year
        .into_iter()
        .filter_map(|(year, cents)| {
            Some(Budget {
                kind: codes::BUDGET_ORIGINAL.into(),
                status: codes::BUDGET_COMMITTED.into(),
                start: Date::from_calendar_date(year, Month::January, 1).ok()?,
                end: Date::from_calendar_date(year, Month::December, 31).ok()?,
                value: Money(cents),
            })
        })
        .collect()
}

/// The organisation file of the publisher for this programme: total budget per year = the
/// programme's committed budgets (tranches due that year); total expenditure per year =
/// disbursements plus capital calls paid that year, less nothing (exits are receipts).
pub fn organisation_file(s: &Sources) -> Result<OrganisationFile, IatiError> {
    let budgets = yearly_budgets(s.agreements.iter());
    let mut spent: BTreeMap<i32, i64> = BTreeMap::new();
    let paid = s.disbursements.iter().map(|d| (d.paid_on, d.amount)).chain(
        s.investments
            .iter()
            .filter(|i| i.operation == EquityOperation::CapitalCall)
            .map(|i| (i.on, i.amount)),
    );
    for (d, m) in paid {
        let sum = spent.entry(d.year()).or_default();
        *sum = sum.saturating_add(m.cents());
    }
    let year = |y: i32| {
        Some((
            Date::from_calendar_date(y, Month::January, 1).ok()?,
            Date::from_calendar_date(y, Month::December, 31).ok()?,
        ))
    };
    Ok(OrganisationFile {
        org: reporting_org(s.publisher)?,
        total_budgets: budgets.into_iter().map(|b| (b.start, b.end, b.status, b.value)).collect(),
        total_expenditure: spent
            .into_iter()
            .filter_map(|(y, c)| year(y).map(|(a, b)| (a, b, Money(c))))
            .collect(),
    })
}
