//! From an agreement's checked terms (issue 5) to the open-data record and its SCDL row.

use territoires_domain::funding::agreement::{Cofinancer, FinancerKind, ProjectContext, Share, TermsDraft, TrancheDraft};
use territoires_domain::org_id::Publisher;
use territoires_domain::siren::Siret;
use territoires_domain::Money;
use territoires_formats::grant::SubsidyGrant;
use territoires_formats::scdl;
use time::macros::date;
use time::Date;

fn tranche(label: &str, due_on: Date, bp: u32) -> TrancheDraft {
    TrancheDraft {
        label: label.into(),
        due_on,
        share: Share::Percent(bp),
        conditions: vec![],
    }
}

/// Biovallée: 5 700 000 € of State subsidy on an eligible cost of 11 400 000 €, the Région
/// paying the other 5 700 000 €; tranches of 30 %, 30 % and 40 %.
#[test]
fn a_grant_is_filled_from_the_agreement_terms() {
    let terms = TermsDraft {
        reference: "TI-BIOVALLEE-2020-01".into(),
        title: "Convention Biovallée".into(),
        beneficiary: "Association Biovallée".into(),
        beneficiary_siren: Some("432 187 656".into()),
        beneficiary_siret: None,
        beneficiary_rna: None,
        signed_on: date!(2020 - 01 - 20),
        amount: Money(570_000_000),
        eligible_cost: Money(1_140_000_000),
        cofinancers: vec![Cofinancer {
            financer: "Région Auvergne-Rhône-Alpes".into(),
            kind: FinancerKind::LocalAuthority,
            amount: Money(570_000_000),
        }],
        tranches: vec![
            tranche("Avance", date!(2020 - 03 - 15), 3_000),
            tranche("Deuxième tranche", date!(2022 - 06 - 30), 3_000),
            tranche("Solde", date!(2025 - 12 - 31), 4_000),
        ],
    }
    .check(&ProjectContext::default())
    .unwrap();
    let mut grant = SubsidyGrant::from_terms(&terms, "Biovallée");
    assert_eq!(grant.reference, "TI-BIOVALLEE-2020-01");
    assert_eq!(grant.beneficiary.siren.as_ref().map(|s| s.as_str()), Some("432187656"));
    assert_eq!(grant.amount, Money(570_000_000));
    assert_eq!(
        grant.tranche_dates,
        vec![date!(2020 - 03 - 15), date!(2022 - 06 - 30), date!(2025 - 12 - 31)]
    );
    assert_eq!(grant.payment_period(), Some((date!(2020 - 03 - 15), date!(2025 - 12 - 31))));
    assert!(!grant.eu_notified && grant.regions.is_empty() && grant.beneficiary.siret.is_none());
    // SCDL needs the SIRET, which the agreement does not hold: refused until the caller sets it.
    let publisher = Publisher::caisse_des_depots();
    assert!(scdl::row(&grant, &publisher).is_err());
    grant.beneficiary.siret = Some(Siret::parse("43218765600017").unwrap());
    let cells = scdl::row(&grant, &publisher).unwrap();
    assert_eq!(cells[8], "5700000.00");
    assert_eq!(cells[10], "échelonné");
    assert_eq!(cells[11], "2020-03-15/2025-12-31");
    assert_eq!(scdl::check_row(&grant.reference, &cells).ok(), Some(()));
}
