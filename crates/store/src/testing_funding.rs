//! A funding sample for the open-data tests (issue 6), recorded through the store's own
//! functions (audit trail and ledger included) on the real project `biovallee` of the 2019
//! press kit. Figures, to check exports by hand:
//!
//! - agreement `TI-2020-BIOVALLEE-01`, signed 2020-03-02, 1 000 000 € (100 000 000 cents)
//!   of an eligible cost of 2 000 000 € (the Région brings the other 1 000 000 €), two
//!   tranches: « Avance » 40 % = 400 000 € due 2020-04-01, « Solde » 60 % = 600 000 € due
//!   2022-04-01; beneficiary « Association Biovallée », SIREN 432187656, SIRET
//!   43218765600017, RNA W261001234 (illustrative numbers, Luhn-valid);
//! - one disbursement of the whole « Avance », 400 000 €, paid 2020-05-04;
//! - an investment of 1 000 000 € in « SAS Biovallée Énergies » (SIREN 130025265), private
//!   co-investor 600 000 € on the same terms, approved 2021-02-10 (decision « CI-2021-04 »),
//!   a capital call of 500 000 € on 2021-04-01;
//! - a measurement of `biovallee.consommation-energie-vallee` for 2021, 1234.5, approved.
//!
//! The impact catalogue must be in the store (for the measurement).

use crate::{Actor, NewAccount, NewMeasurement, Store, StoreError};
use territoires_domain::access::{Email, Role};
use territoires_domain::funding::agreement::{Cofinancer, FinancerKind, Share, TermsDraft, TrancheDraft};
use territoires_domain::funding::disbursement::Step;
use territoires_domain::funding::investment::{
    CoInvestor, CoInvestorKind, CommitteeDecision, EventKind, Instrument, Investee, InvesteeKind, InvestmentCase, InvestmentEvent,
    PrudentInvestorRule, Verdict,
};
use territoires_domain::funding::ledger::Caps;
use territoires_domain::impact::measurement::ReviewStep;
use territoires_domain::impact::Observation;
use territoires_domain::siren::Siren;
use territoires_domain::{Money, Registry};
use time::macros::date;

/// The sample agreement's reference.
pub const AGREEMENT: &str = "TI-2020-BIOVALLEE-01";

/// The terms of the sample agreement; `siret` and `rna` as given.
pub fn biovallee_terms(reference: &str, siret: Option<&str>, rna: Option<&str>) -> TermsDraft {
    TermsDraft {
        reference: reference.into(),
        title: "Convention de financement Biovallée".into(),
        beneficiary: "Association Biovallée".into(),
        beneficiary_siren: Some("432187656".into()),
        beneficiary_siret: siret.map(Into::into),
        beneficiary_rna: rna.map(Into::into),
        signed_on: date!(2020 - 03 - 02),
        amount: Money(100_000_000),
        eligible_cost: Money(200_000_000),
        cofinancers: vec![Cofinancer {
            financer: "Région Auvergne-Rhône-Alpes".into(),
            kind: FinancerKind::LocalAuthority,
            amount: Money(100_000_000),
        }],
        tranches: vec![
            TrancheDraft {
                label: "Avance".into(),
                due_on: date!(2020 - 04 - 01),
                share: Share::Percent(4_000),
                conditions: vec![],
            },
            TrancheDraft {
                label: "Solde".into(),
                due_on: date!(2022 - 04 - 01),
                share: Share::Percent(6_000),
                conditions: vec![],
            },
        ],
    }
}

fn actor(name: &str, role: Role) -> Actor {
    Actor {
        account_id: None,
        name: name.to_owned(),
        role,
    }
}

/// Signs `terms` for `biovallee` in `store` as a new programme manager `email`; returns
/// the agreement's id. Errors: whatever the store refuses.
pub async fn sign_biovallee(store: &Store, registry: &Registry, terms: &TermsDraft, email: &str) -> Result<i64, StoreError> {
    let caps = Caps::from_registry(registry);
    let planned = registry.project("biovallee").and_then(|p| p.planned_budget);
    let manager = store
        .create_account(
            NewAccount {
                email: Email::parse(email).map_err(|e| StoreError::Invalid(e.to_string()))?,
                display_name: "Chargée de programme",
                role: Role::ProgrammeManager,
                organisation: None,
                password: None,
            },
            "test",
        )
        .await?;
    store.sign_agreement("biovallee", terms, planned, &manager, &caps).await
}

/// Records the sample (see the module) in `store`, whose registry is `registry`; returns
/// the agreement's id. Errors: whatever the store refuses.
pub async fn record_sample(store: &Store, registry: &Registry) -> Result<i64, StoreError> {
    let caps = Caps::from_registry(registry);
    let terms = biovallee_terms(AGREEMENT, Some("43218765600017"), Some("W261001234"));
    let id = sign_biovallee(store, registry, &terms, "charge.opendata@example.fr").await?;
    let tranche = store
        .agreement(id)
        .await?
        .and_then(|d| d.tranches.first().map(|t| t.id))
        .ok_or_else(|| StoreError::Invalid("no tranche".into()))?;
    let day = date!(2020 - 05 - 04);
    let d = store
        .request_disbursement(
            id,
            tranche,
            Money(40_000_000),
            day,
            "avance",
            &actor("lead@biovallee.fr", Role::ProgrammeManager),
        )
        .await?;
    for (step, who, role) in [
        (Step::Check, "instructeur@etat.fr", Role::Instructor),
        (Step::Approve, "chargee@bdt.fr", Role::ProgrammeManager),
        (Step::Pay, "admin@bdt.fr", Role::OperatorAdmin),
    ] {
        store
            .take_disbursement_step(d.id, step, day, "conforme", &actor(who, role), &caps)
            .await?;
    }
    let case = InvestmentCase {
        project: "biovallee".into(),
        investee: Investee {
            kind: InvesteeKind::Spv,
            name: "SAS Biovallée Énergies".into(),
            siren: Siren::parse("130025265").map_err(|e| StoreError::Invalid(e.to_string()))?,
        },
        instrument: Instrument::PreferredShares,
        amount: Money(100_000_000),
        pre_money: Money(200_000_000),
        co_investors: vec![CoInvestor {
            name: "Banque privée".into(),
            kind: CoInvestorKind::Private,
            amount: Money(60_000_000),
            same_terms: true,
            terms: String::new(),
        }],
    };
    let inv = store.create_investment(&case, "test").await?;
    let decision = CommitteeDecision {
        verdict: Verdict::Approved,
        on: date!(2021 - 02 - 10),
        reference: "CI-2021-04".into(),
        reason: "Rentabilité attendue conforme au marché".into(),
    };
    store
        .decide_investment(inv.id, &decision, PrudentInvestorRule::default(), "test", &caps)
        .await?;
    let call = InvestmentEvent {
        kind: EventKind::CapitalCall,
        on: date!(2021 - 04 - 01),
        amount: Money(50_000_000),
        note: String::new(),
    };
    store.record_investment_event(inv.id, &call, "test", &caps).await?;
    let m = store
        .record_measurement(
            NewMeasurement {
                indicator: "biovallee.consommation-energie-vallee".into(),
                period: "2021".parse().map_err(|_| StoreError::Invalid("period".into()))?,
                reporter: "Communauté de communes".into(),
                observation: Some(Observation::Value { value: 1234.5 }),
                source: None,
                method: None,
                evidence: None,
                submit: true,
            },
            &Actor::cli("cli:saisie"),
        )
        .await?;
    store
        .review_measurement(m.id, ReviewStep::Approve, &actor("revue@bdt.fr", Role::ProgrammeManager), None)
        .await?;
    Ok(id)
}
