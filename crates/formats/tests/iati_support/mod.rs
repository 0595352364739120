//! Shared by the IATI tests: the real data (press kit, impact catalogue) with agreements,
//! disbursements, equity operations and measurements written by hand, the export, and the
//! external validators (`validators`: xmllint, python3 + lxml), which must be installed: a
//! test that cannot run them fails and names the package.
#![allow(dead_code)]

#[path = "../validators/mod.rs"]
mod validators;
#[allow(unused_imports)]
pub use validators::{codelist_check, xmllint};

use std::path::{Path, PathBuf};
use territoires_domain::impact::{Indicator, Observation, Reported};
use territoires_domain::org_id::Publisher;
use territoires_domain::{Money, Programme, Project};
use territoires_formats::iati::mapping::*;
use territoires_formats::iati::{write_activities, write_organisation};
use territoires_formats::{impacts, press_kit};
use time::macros::{date, datetime};
use time::Date;

pub const GENERATED: time::OffsetDateTime = datetime!(2026-11-30 12:00 UTC);

pub fn schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/iati")
}

pub fn eur(euros: i64) -> Money {
    Money::from_euros(euros).expect("amount")
}

pub struct Data {
    pub publisher: Publisher,
    pub programme: Programme,
    pub projects: Vec<Project>,
    pub indicators: Vec<Indicator>,
    pub measurements: Vec<Reported>,
    pub agreements: Vec<AgreementRecord>,
    pub disbursements: Vec<DisbursementRecord>,
    pub investments: Vec<InvestmentRecord>,
    pub partners: Vec<PartnerRecord>,
}

fn agreement(project: &str, reference: &str, signed_on: Date, amount: i64, beneficiary: &str, tranches: &[(Date, i64)]) -> AgreementRecord {
    AgreementRecord {
        project: project.into(),
        reference: reference.into(),
        signed_on,
        amount: eur(amount),
        beneficiary: beneficiary.into(),
        beneficiary_id: None,
        tranches: tranches.iter().map(|(d, a)| (*d, eur(*a))).collect(),
    }
}

fn paid(project: &str, agreement: &str, on: Date, amount: i64, beneficiary: &str) -> DisbursementRecord {
    DisbursementRecord {
        project: project.into(),
        agreement: agreement.into(),
        paid_on: on,
        amount: eur(amount),
        beneficiary: beneficiary.into(),
        beneficiary_id: None,
    }
}

fn equity(reference: &str, operation: EquityOperation, on: Date, amount: i64) -> InvestmentRecord {
    InvestmentRecord {
        project: "biovallee".into(),
        reference: reference.into(),
        operation,
        on,
        amount: eur(amount),
        investee: "SAS Biovallée Énergies".into(),
        investee_id: None,
    }
}

/// The 24 projects and their indicators, with by hand:
/// - Biovallée: agreement of 5 700 000 € (the fiche's subsidy ceiling) signed 15/06/2020,
///   tranches 1 710 000 € (2020), 2 280 000 € (2021), 1 710 000 € (2022); the first two
///   paid; equity: 3 000 000 € committed, capital calls of 1 000 000 € (2021) and
///   500 000 € (2022), an exit of 1 200 000 € (2025); two measurements;
/// - Valence Romans: agreement of 2 000 000 € signed 01/09/2020, tranches 600 000 € (2020)
///   and 1 400 000 € (2021), the first paid.
pub fn data() -> Data {
    let kit = press_kit::parse(press_kit::EMBEDDED, press_kit::EMBEDDED_FILE).expect("embedded press kit");
    let catalogue = impacts::catalogue(&kit.projects, impacts::EMBEDDED).expect("impact catalogue");
    let bv = "biovallee";
    let vr = "valence-romans-capitale-des-start-ups-de-territoire";
    let measurement = |indicator: &str, period: &str, observation: Observation| Reported {
        project: bv.into(),
        indicator: indicator.into(),
        period: period.parse().expect("period"),
        reporter: "porteur@biovallee.fr".into(),
        observation,
        seq: 1,
    };
    Data {
        publisher: Publisher::caisse_des_depots(),
        programme: kit.programme,
        projects: kit.projects,
        indicators: catalogue.indicators,
        measurements: vec![
            measurement(
                "biovallee.production-agricole-bio",
                "2021",
                Observation::Fraction {
                    numerator: Some(45.0),
                    denominator: Some(100.0),
                },
            ),
            measurement(
                "biovallee.consommation-energie-vallee",
                "2021",
                Observation::Value { value: 1234.5 },
            ),
        ],
        agreements: vec![
            agreement(
                bv,
                "TI-2020-BIOVALLEE-01",
                date!(2020 - 06 - 15),
                5_700_000,
                "Association Biovallée",
                &[
                    (date!(2020 - 07 - 01), 1_710_000),
                    (date!(2021 - 07 - 01), 2_280_000),
                    (date!(2022 - 07 - 01), 1_710_000),
                ],
            ),
            agreement(
                vr,
                "TI-2020-VALENCE-01",
                date!(2020 - 09 - 01),
                2_000_000,
                "Valence Romans Agglo",
                &[(date!(2020 - 10 - 01), 600_000), (date!(2021 - 10 - 01), 1_400_000)],
            ),
        ],
        disbursements: vec![
            paid(
                bv,
                "TI-2020-BIOVALLEE-01",
                date!(2020 - 07 - 10),
                1_710_000,
                "Association Biovallée",
            ),
            paid(
                bv,
                "TI-2020-BIOVALLEE-01",
                date!(2021 - 07 - 20),
                2_280_000,
                "Association Biovallée",
            ),
            paid(vr, "TI-2020-VALENCE-01", date!(2020 - 10 - 15), 600_000, "Valence Romans Agglo"),
        ],
        investments: vec![
            equity("TI-FP-BIOVALLEE-01", EquityOperation::Commitment, date!(2021 - 03 - 01), 3_000_000),
            equity(
                "TI-FP-BIOVALLEE-01-AF1",
                EquityOperation::CapitalCall,
                date!(2021 - 04 - 01),
                1_000_000,
            ),
            equity(
                "TI-FP-BIOVALLEE-01-AF2",
                EquityOperation::CapitalCall,
                date!(2022 - 04 - 01),
                500_000,
            ),
            equity("TI-FP-BIOVALLEE-01-C1", EquityOperation::Exit, date!(2025 - 06 - 30), 1_200_000),
        ],
        partners: vec![PartnerRecord {
            project: bv.into(),
            name: "Communauté de communes du Crestois et du Pays de Saillans".into(),
            org_id: None,
            kind: Some("11".into()),
        }],
    }
}

impl Data {
    pub fn sources(&self) -> Sources<'_> {
        Sources {
            publisher: &self.publisher,
            programme: &self.programme,
            projects: &self.projects,
            indicators: &self.indicators,
            measurements: &self.measurements,
            agreements: &self.agreements,
            disbursements: &self.disbursements,
            investments: &self.investments,
            partners: &self.partners,
        }
    }

    /// The activity file of the programme and its 24 projects.
    pub fn activities_xml(&self) -> String {
        let s = self.sources();
        let reporting = reporting_org(&self.publisher).expect("reporting org");
        let programme = s.programme_activity().expect("programme");
        let projects = s.project_activities().expect("projects");
        let out = write_activities(&reporting, &programme, projects, GENERATED, Vec::new()).expect("valid export");
        String::from_utf8(out).expect("UTF-8")
    }

    /// The organisation file of the publisher.
    pub fn organisation_xml(&self) -> String {
        let file = organisation_file(&self.sources()).expect("organisation");
        String::from_utf8(write_organisation(&file, GENERATED, Vec::new()).expect("valid export")).expect("UTF-8")
    }
}

/// Writes `text` to a file of the test target directory and returns its path.
pub fn temp_file(name: &str, text: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{}-{name}", std::process::id()));
    std::fs::write(&path, text).expect("write temp file");
    path
}
