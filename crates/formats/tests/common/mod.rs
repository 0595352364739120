//! Realistic subsidy agreements for the open-data export tests. Projects, regions and the
//! State's subsidy come from the 2019 press kit (Biovallée: « 5,7 M€ Montant prévu de
//! subvention par l'État », line 294); references, dates, tranches and the SIRET / RNA
//! numbers are illustrative (Luhn-valid, not checked against Sirene).

#![allow(dead_code)]

use territoires_domain::org_id::Rna;
use territoires_domain::siren::{Siren, Siret};
use territoires_domain::vocabulary::Region;
use territoires_domain::Money;
use territoires_formats::grant::{Beneficiary, SubsidyGrant};
use territoires_formats::press_kit::{parse, EMBEDDED, EMBEDDED_FILE};
use time::macros::date;

/// The regions of the press-kit project whose name contains `needle` (upper case).
pub fn regions_of(needle: &str) -> Vec<Region> {
    let kit = parse(EMBEDDED, EMBEDDED_FILE).expect("the embedded press kit parses");
    let p = kit
        .projects
        .iter()
        .find(|p| p.name.to_uppercase().contains(needle))
        .expect("project in the press kit");
    p.regions.clone()
}

/// Biovallée: 5 700 000 € (570 000 000 cents) in three tranches, association with SIRET and RNA.
pub fn biovallee() -> SubsidyGrant {
    SubsidyGrant {
        reference: "TI-BIOVALLEE-2020-01".into(),
        title: "Convention de financement Biovallée : territoire rural de la transition".into(),
        description: "Biovallée : faire de la vallée de la Drôme un laboratoire de la transition en milieu rural.".into(),
        beneficiary: Beneficiary {
            name: "Association Biovallée".into(),
            siren: Some(Siren::parse("432187656").unwrap()),
            siret: Some(Siret::parse("43218765600017").unwrap()),
            rna: Some(Rna::parse("W261001234").unwrap()),
        },
        amount: Money(570_000_000),
        signed_on: date!(2020 - 01 - 20),
        tranche_dates: vec![date!(2020 - 03 - 15), date!(2022 - 06 - 30), date!(2025 - 12 - 31)],
        regions: regions_of("BIOVALL"),
        project: "Biovallée".into(),
        eu_notified: false,
    }
}

/// Lorient, Handicap Innovation Territoire: one tranche of 1 234 567,89 €, SIREN and SIRET.
pub fn lorient() -> SubsidyGrant {
    SubsidyGrant {
        reference: "TI-HIT-2020-02".into(),
        title: "Handicap Innovation Territoire, première phase".into(),
        description: "Lorient, Handicap Innovation Territoire : un territoire inclusif de référence.".into(),
        beneficiary: Beneficiary {
            name: "Lorient Agglomération".into(),
            siren: Some(Siren::parse("200042174").unwrap()),
            siret: Some(Siret::parse("20004217400017").unwrap()),
            rna: None,
        },
        amount: Money(123_456_789),
        signed_on: date!(2020 - 07 - 01),
        tranche_dates: vec![date!(2020 - 09 - 01)],
        regions: regions_of("HANDICAP INNOVATION"),
        project: "Handicap Innovation Territoire".into(),
        eu_notified: true,
    }
}

/// An association known by its RNA number only, 1 cent (the smallest amount), two tranches.
pub fn one_cent() -> SubsidyGrant {
    SubsidyGrant {
        reference: "TI-TEST-0001".into(),
        title: "Subvention d'un centime".into(),
        description: "Le plus petit montant publiable.".into(),
        beneficiary: Beneficiary {
            name: "Les Amis de la Drôme".into(),
            siren: None,
            siret: None,
            rna: Some(Rna::parse("W261009876").unwrap()),
        },
        amount: Money(1),
        signed_on: date!(2021 - 02 - 28),
        tranche_dates: vec![date!(2021 - 12 - 01), date!(2021 - 03 - 01)],
        regions: vec![],
        project: "Biovallée".into(),
        eu_notified: false,
    }
}
