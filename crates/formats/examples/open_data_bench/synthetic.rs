//! The SYNTHETIC programme of the benchmark: project `i` is computed from `i` alone (a
//! hash of it), so the export cases write the same records and nothing is kept between
//! projects. Amounts are integer cents; every record passes the writers' checks.

use serde::Serialize;
use territoires_domain::org_id::Rna;
use territoires_domain::Money;
use territoires_formats::grant::{Beneficiary, SubsidyGrant};
use territoires_formats::iati::model::{codes, *};
use time::{Date, Month};

/// SplitMix64: a well-mixed 64-bit hash of `x`, enough to vary the records.
pub fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const REGIONS: [(&str, &str); 5] = [
    ("84", "Auvergne-Rhône-Alpes"),
    ("11", "Île-de-France"),
    ("76", "Occitanie"),
    ("53", "Bretagne"),
    ("93", "Provence-Alpes-Côte d'Azur"),
];
const THEMES: [(&str, &str); 4] = [
    ("agroecology", "Agroécologie"),
    ("energy-transition", "Transition énergétique"),
    ("mobility", "Mobilité"),
    ("health", "Santé"),
];
const PUBLISHER_REF: &str = "FR-RCS-180020026";

/// A dated amount: a tranche, a disbursement, a capital call.
#[derive(Debug, Serialize)]
pub struct Flow {
    pub reference: String,
    pub date: Date,
    pub cents: i64,
}

/// An indicator of the project with its baseline, 2030 target and yearly actuals.
#[derive(Debug, Serialize)]
pub struct Indicator {
    pub title: String,
    pub baseline: f64,
    pub target: f64,
    pub actuals: Vec<(i32, f64)>,
}

/// One laureate project with its agreement, payments, equity and indicators.
#[derive(Debug, Serialize)]
pub struct Project {
    pub slug: String,
    pub title: String,
    pub lead: String,
    pub rna: String,
    pub region: (&'static str, &'static str),
    pub theme: (&'static str, &'static str),
    pub agreement: Flow,
    pub agreement_title: String,
    pub disbursements: Vec<Flow>,
    pub equity: Option<Flow>,
    pub indicators: Vec<Indicator>,
}

fn day(year: i32, month: u8, d: u8) -> Date {
    let month = Month::try_from(month).unwrap_or(Month::January);
    Date::from_calendar_date(year, month, d).unwrap_or(Date::MIN)
}

/// Project `i`: 4 indicators, an agreement of 1 to 10 M€ paid in 2 or 3 disbursements, and
/// an equity investment for one project in three.
pub fn project(i: u32) -> Project {
    let h = mix(u64::from(i));
    let slug = format!("projet-{i:06}");
    let region = REGIONS[(h % 5) as usize];
    let theme = THEMES[((h >> 8) % 4) as usize];
    let amount = 100_000_000 + (h >> 16) as i64 % 900_000_000;
    let signed = day(2020 + (h >> 40) as i32 % 2, 1 + ((h >> 44) % 12) as u8, 1 + ((h >> 48) % 28) as u8);
    let parts = 2 + (h >> 52) as usize % 2;
    let disbursements = (0..parts)
        .map(|k| Flow {
            reference: format!("TI-{i:06}-V{}", k + 1),
            date: day(signed.year() + k as i32 + 1, u8::from(signed.month()), signed.day()),
            // Largest remainder on the last payment: the payments add up to the agreement.
            cents: amount / parts as i64 + if k + 1 == parts { amount % parts as i64 } else { 0 },
        })
        .collect();
    let equity = i.is_multiple_of(3).then(|| Flow {
        reference: format!("TI-{i:06}-FP"),
        date: day(signed.year() + 1, 6, 30),
        cents: amount / 4,
    });
    let indicators = (0..4)
        .map(|k| {
            let base = ((h >> (k * 8)) % 1000) as f64 + 0.5;
            Indicator {
                title: format!("Indicateur {} du projet {i}", k + 1),
                baseline: base,
                target: base * 2.0,
                actuals: (2021..2024).map(|y| (y, base * (1.0 + 0.25 * (y - 2020) as f64))).collect(),
            }
        })
        .collect();
    Project {
        title: format!("Projet d'innovation territoriale n° {i} — {}", theme.1),
        lead: format!("Association pour l'innovation de {} n° {i}", region.1),
        rna: format!("W{:09}", h % 1_000_000_000),
        agreement: Flow {
            reference: format!("TI-{i:06}-01"),
            date: signed,
            cents: amount,
        },
        agreement_title: format!("Convention de financement du projet n° {i}"),
        slug,
        region,
        theme,
        disbursements,
        equity,
        indicators,
    }
}

/// The agreement's fields, as a plain CSV row (the `plain-csv` case: no mapping, no checks).
#[derive(Serialize)]
pub struct AgreementRow<'a> {
    reference: &'a str,
    title: &'a str,
    beneficiary: &'a str,
    rna: &'a str,
    signed_on: Date,
    cents: i64,
    first_payment: Option<Date>,
    last_payment: Option<Date>,
}

impl Project {
    pub fn agreement_row(&self) -> AgreementRow<'_> {
        AgreementRow {
            reference: &self.agreement.reference,
            title: &self.agreement_title,
            beneficiary: &self.lead,
            rna: &self.rna,
            signed_on: self.agreement.date,
            cents: self.agreement.cents,
            first_payment: self.disbursements.first().map(|d| d.date),
            last_payment: self.disbursements.last().map(|d| d.date),
        }
    }
}

/// The publisher as IATI's reporting organisation (OrganisationType 15).
pub fn reporting_org() -> Org {
    Org {
        reference: Some(PUBLISHER_REF.into()),
        kind: Some(codes::ORG_OTHER_PUBLIC.into()),
        name: "Caisse des Dépôts (Banque des Territoires)".into(),
    }
}

fn state() -> Org {
    Org {
        reference: None,
        kind: Some(codes::ORG_GOVERNMENT.into()),
        name: "État (Programme d'investissements d'avenir)".into(),
    }
}

fn programme_id() -> String {
    format!("{PUBLISHER_REF}-programme-synthetique")
}

/// The programme activity. Unlike `iati::mapping`, it does not list its `n` children
/// (each child names its parent): that list would grow with the programme.
pub fn programme(n: u32) -> Activity {
    Activity {
        identifier: programme_id(),
        hierarchy: 1,
        title: "Programme synthétique".into(),
        descriptions: vec![(codes::DESCRIPTION_GENERAL.into(), format!("Programme SYNTHÉTIQUE de {n} projets."))],
        participating_orgs: vec![ParticipatingOrg {
            role: codes::ROLE_FUNDING.into(),
            org: state(),
        }],
        status: codes::STATUS_IMPLEMENTATION.into(),
        dates: vec![(codes::DATE_ACTUAL_START.into(), day(2019, 9, 13))],
        recipient_country: codes::COUNTRY_FRANCE.into(),
        locations: Vec::new(),
        sectors: Vec::new(),
        default_finance_type: None,
        budgets: Vec::new(),
        transactions: Vec::new(),
        related: Vec::new(),
        results: Vec::new(),
    }
}

fn transaction(f: &Flow, kind: &str, finance: &str, description: &str, lead: &Org) -> Transaction {
    Transaction {
        reference: Some(f.reference.clone()),
        kind: kind.into(),
        date: f.date,
        value: Money(f.cents),
        description: Some(description.into()),
        provider: Some(reporting_org()),
        receiver: Some(lead.clone()),
        finance_type: Some(finance.into()),
    }
}

/// The project as an IATI child activity: commitment, disbursements, equity, yearly
/// budgets, one impact result with its 4 indicators.
pub fn activity(p: &Project) -> Activity {
    let lead = Org {
        reference: None,
        kind: None,
        name: p.lead.clone(),
    };
    let mut transactions = vec![transaction(
        &p.agreement,
        codes::TX_COMMITMENT,
        codes::FINANCE_GRANT,
        "Convention signée",
        &lead,
    )];
    for d in &p.disbursements {
        transactions.push(transaction(d, codes::TX_DISBURSEMENT, codes::FINANCE_GRANT, "Versement", &lead));
    }
    if let Some(e) = &p.equity {
        transactions.push(transaction(
            e,
            codes::TX_PURCHASE_OF_EQUITY,
            codes::FINANCE_EQUITY,
            "Prise de participation",
            &lead,
        ));
    }
    let budgets = p
        .disbursements
        .iter()
        .map(|d| Budget {
            kind: codes::BUDGET_ORIGINAL.into(),
            status: codes::BUDGET_COMMITTED.into(),
            start: day(d.date.year(), 1, 1),
            end: day(d.date.year(), 12, 31),
            value: Money(d.cents),
        })
        .collect();
    let indicators = p
        .indicators
        .iter()
        .map(|ind| {
            let mut periods: Vec<IndicatorPeriod> = ind
                .actuals
                .iter()
                .map(|&(y, v)| IndicatorPeriod {
                    start: day(y, 1, 1),
                    end: day(y, 12, 31),
                    target: None,
                    target_comment: None,
                    actual: Some(v),
                })
                .collect();
            periods.push(IndicatorPeriod {
                start: day(2020, 1, 1),
                end: day(2030, 12, 31),
                target: Some(ind.target),
                target_comment: Some("doubler d'ici 2030".into()),
                actual: None,
            });
            ResultIndicator {
                measure: codes::MEASURE_UNIT.into(),
                ascending: Some(true),
                title: ind.title.clone(),
                description: "Unité : nombre".into(),
                baseline: Some(ResultBaseline {
                    date: day(2019, 12, 31),
                    value: Some(ind.baseline),
                    comment: "Fiche du projet".into(),
                }),
                periods,
            }
        })
        .collect();
    Activity {
        identifier: format!("{}-{}", programme_id(), p.slug),
        hierarchy: 2,
        title: p.title.clone(),
        descriptions: vec![(codes::DESCRIPTION_GENERAL.into(), p.agreement_title.clone())],
        participating_orgs: vec![
            ParticipatingOrg {
                role: codes::ROLE_FUNDING.into(),
                org: state(),
            },
            ParticipatingOrg {
                role: codes::ROLE_EXTENDING.into(),
                org: reporting_org(),
            },
            ParticipatingOrg {
                role: codes::ROLE_ACCOUNTABLE.into(),
                org: lead.clone(),
            },
        ],
        status: codes::STATUS_IMPLEMENTATION.into(),
        dates: vec![(codes::DATE_ACTUAL_START.into(), p.agreement.date)],
        recipient_country: codes::COUNTRY_FRANCE.into(),
        locations: vec![Location {
            reference: format!("INSEE-COG-{}", p.region.0),
            name: p.region.1.into(),
            country: codes::COUNTRY_FRANCE.into(),
            description: format!("Région, code INSEE {} (COG 2019)", p.region.0),
        }],
        sectors: vec![Sector {
            vocabulary: codes::SECTOR_VOCABULARY_REPORTING_ORG.into(),
            code: p.theme.0.into(),
            percentage: 10_000,
            name: p.theme.1.into(),
        }],
        default_finance_type: Some(codes::FINANCE_GRANT.into()),
        budgets,
        transactions,
        related: vec![(codes::RELATED_PARENT.into(), programme_id())],
        results: vec![ResultRecord {
            kind: codes::RESULT_IMPACT.into(),
            title: "Impacts à 2030".into(),
            indicators,
        }],
    }
}

/// The project's agreement as a subsidy grant (SCDL: one row per agreement).
pub fn grant(p: &Project) -> SubsidyGrant {
    SubsidyGrant {
        reference: p.agreement.reference.clone(),
        title: p.agreement_title.clone(),
        description: p.title.clone(),
        beneficiary: Beneficiary {
            name: p.lead.clone(),
            siren: None,
            siret: None,
            rna: Rna::parse(&p.rna).ok(),
        },
        amount: Money(p.agreement.cents),
        signed_on: p.agreement.date,
        tranche_dates: p.disbursements.iter().map(|d| d.date).collect(),
        regions: Vec::new(),
        project: p.title.clone(),
        eu_notified: false,
    }
}
