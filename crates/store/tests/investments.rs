//! Equity investments stored (issue 5, §4) on the backend named by `TEST_DATABASE_URL` (a
//! fresh SQLite file when unset): the case, the committee's decision and its ledger
//! commitment in one transaction, capital calls, distributions, valuations and the exit,
//! all audited; refusals write nothing. Amounts worked out by hand, in cents.

use std::collections::BTreeMap;
use territoires_domain::funding::investment::{
    CoInvestor, CoInvestorKind, CommitteeDecision, EventKind, Instrument, Investee, InvesteeKind, InvestmentCase, InvestmentEvent,
    InvestmentStatus, PrudentInvestorRule, Verdict,
};
use territoires_domain::funding::ledger::{Account, Caps, Ceiling, LedgerError, Movement};
use territoires_domain::programme::EnvelopeKind::Equity;
use territoires_domain::siren::Siren;
use territoires_domain::Money;
use territoires_store::testing::fresh_database_url;
use territoires_store::{Store, StoreError};
use time::macros::date;

const WHO: &str = "account:7";

async fn store() -> Store {
    let url = fresh_database_url(std::env::var("TEST_DATABASE_URL").ok().as_deref())
        .await
        .expect("fresh database");
    Store::connect(&url).await.expect("connect")
}

fn euros(e: i64) -> Money {
    Money(e * 100)
}

/// Equity envelope 10 M€; project `vallee`'s investment potential 1 M€.
fn caps() -> Caps {
    Caps {
        envelopes: BTreeMap::from([(Equity, euros(10_000_000))]),
        projects: BTreeMap::from([(("vallee".to_owned(), Equity), euros(1_000_000))]),
    }
}

/// `amount` € in an SPV valued 2 M€ pre-money; a private bank puts 40 % of `amount`
/// pari passu and a region 10 %: private share 40 / 150 = 26,66 % — passes at 25 %, fails
/// at 30 %.
fn case(amount: i64) -> InvestmentCase {
    InvestmentCase {
        project: "vallee".into(),
        investee: Investee {
            kind: InvesteeKind::Spv,
            name: "SAS Chaleur de la vallée".into(),
            siren: Siren::parse("130025265").unwrap(),
        },
        instrument: Instrument::PreferredShares,
        amount: euros(amount),
        pre_money: euros(2_000_000),
        co_investors: vec![
            CoInvestor {
                name: "Banque privée".into(),
                kind: CoInvestorKind::Private,
                amount: euros(amount * 4 / 10),
                same_terms: true,
                terms: String::new(),
            },
            CoInvestor {
                name: "Région".into(),
                kind: CoInvestorKind::Public,
                amount: euros(amount / 10),
                same_terms: false,
                terms: "Obligations convertibles à 3 %".into(),
            },
        ],
    }
}

fn decision(verdict: Verdict) -> CommitteeDecision {
    CommitteeDecision {
        verdict,
        on: date!(2021 - 02 - 10),
        reference: "CI-2021-04".into(),
        reason: "Rentabilité attendue conforme au marché".into(),
    }
}

const RULE_25: PrudentInvestorRule = PrudentInvestorRule {
    min_private_share_bp: 2_500,
};

fn event(kind: EventKind, on: time::Date, amount: Money) -> InvestmentEvent {
    InvestmentEvent {
        kind,
        on,
        amount,
        note: String::new(),
    }
}

#[tokio::test]
async fn an_approval_commits_the_amount_and_the_events_move_the_ledger() {
    let store = store().await;
    let inv = store.create_investment(&case(600_000), WHO).await.unwrap();
    assert_eq!((inv.status, inv.case.co_investors.len()), (InvestmentStatus::Proposed, 2));
    assert_eq!(inv.case.co_investors[1].terms, "Obligations convertibles à 3 %");
    let inv = store
        .decide_investment(inv.id, &decision(Verdict::Approved), RULE_25, WHO, &caps())
        .await
        .unwrap();
    assert_eq!(
        (inv.status, inv.rule, inv.ledger_seq),
        (InvestmentStatus::Approved, Some(RULE_25), Some(1))
    );
    let commit = &store.ledger_entries().await.unwrap()[0];
    assert_eq!(
        (commit.movement, &commit.debit, commit.amount),
        (Movement::Commit, &Account::Investment(inv.id as u64), euros(600_000))
    );
    assert_eq!(commit.credit.code(), "project:vallee:equity");

    use EventKind::*;
    for (kind, on, e) in [
        (CapitalCall, date!(2021 - 03 - 15), 250_000),
        (Distribution, date!(2023 - 09 - 30), 30_000),
        (Valuation, date!(2024 - 12 - 31), 500_000),
    ] {
        store
            .record_investment_event(inv.id, &event(kind, on, euros(e)), WHO, &caps())
            .await
            .unwrap();
    }
    // Called 250 000 of 600 000: 350 000,01 € more is refused by one cent.
    let err = store
        .record_investment_event(inv.id, &event(CapitalCall, date!(2025 - 01 - 01), Money(35_000_001)), WHO, &caps())
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Ledger(LedgerError::CeilingExceeded { ceiling: Ceiling::Agreement, remaining, .. }) if remaining == euros(350_000)),
        "{err:?}"
    );
    let inv = store
        .record_investment_event(inv.id, &event(Exit, date!(2026 - 03 - 15), euros(700_000)), WHO, &caps())
        .await
        .unwrap();
    assert_eq!(inv.status, InvestmentStatus::Exited);
    let ledger: Vec<_> = store
        .ledger_entries()
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.movement, e.amount))
        .collect();
    assert_eq!(
        ledger,
        [
            (Movement::Commit, euros(600_000)),
            (Movement::Disburse, euros(250_000)),
            (Movement::Return, euros(30_000)),
            (Movement::Return, euros(700_000)),
            // Committed 600 000, called 250 000: the exit releases the 350 000 never called.
            (Movement::Release, euros(350_000)),
        ]
    );
    let journal = store.ledger_journal(&caps()).await.unwrap();
    assert_eq!(journal.project("vallee", Equity).committed, euros(250_000));
    assert_eq!(journal.investment(inv.id as u64).unpaid(), Some(Money::ZERO));
    let release = store.ledger_entries().await.unwrap().pop().unwrap();
    assert_eq!(
        (release.debit.code(), release.credit, release.at),
        (
            "project:vallee:equity".to_owned(),
            Account::Investment(inv.id as u64),
            date!(2026 - 03 - 15)
        )
    );
    // The check compares an exited investment's commitment with what was called: clean.
    let report = store.reconcile_ledger(&caps()).await.unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    assert_eq!(
        inv.events.iter().map(|e| (e.event.kind, e.ledger_seq)).collect::<Vec<_>>(),
        [(CapitalCall, Some(2)), (Distribution, Some(3)), (Valuation, None), (Exit, Some(4))]
    );
    // Exited: nothing more.
    let err = store
        .record_investment_event(inv.id, &event(Valuation, date!(2026 - 06 - 30), Money(0)), WHO, &caps())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Refused(ref m) if m.contains("cédé")), "{err:?}");

    let actions: Vec<String> = store
        .audit_entries()
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.subject.starts_with("investment:"))
        .map(|a| a.action)
        .collect();
    assert_eq!(
        actions,
        [
            "investment.create",
            "investment.decide",
            "investment.capital-call",
            "investment.distribution",
            "investment.valuation",
            "investment.exit"
        ]
    );
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn refusals_write_nothing() {
    let store = store().await;
    let inv = store.create_investment(&case(600_000), WHO).await.unwrap();
    // Private pari passu 240 000 of a 900 000 round: 26,66 % < 30 %.
    let err = store
        .decide_investment(inv.id, &decision(Verdict::Approved), PrudentInvestorRule::default(), WHO, &caps())
        .await
        .unwrap_err();
    let StoreError::Refused(m) = err else { panic!("{err:?}") };
    assert!(m.contains("26,66\u{a0}%") && m.contains("30,00\u{a0}%"), "{m}");
    // Events need an approval.
    let err = store
        .record_investment_event(
            inv.id,
            &event(EventKind::CapitalCall, date!(2021 - 03 - 15), euros(1)),
            WHO,
            &caps(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Refused(_)), "{err:?}");

    // 1 200 000 € is beyond the project's 1 000 000 € investment potential by 200 000 €.
    let big = store.create_investment(&case(1_200_000), WHO).await.unwrap();
    let err = store
        .decide_investment(big.id, &decision(Verdict::Approved), RULE_25, WHO, &caps())
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Ledger(LedgerError::CeilingExceeded { ceiling: Ceiling::Project, excess, .. }) if excess == euros(200_000)),
        "{err:?}"
    );
    assert!(store.ledger_entries().await.unwrap().is_empty());
    let stored = store.investments().await.unwrap();
    assert_eq!(
        stored.iter().map(|i| (i.status, i.decision.is_some())).collect::<Vec<_>>(),
        [(InvestmentStatus::Proposed, false), (InvestmentStatus::Proposed, false)]
    );
    // A bad case: the SIREN is checked at parsing; a blank investee here.
    let mut bad = case(10);
    bad.investee.name = " ".into();
    assert!(matches!(store.create_investment(&bad, WHO).await, Err(StoreError::Refused(_))));
    assert_eq!(store.investments().await.unwrap().len(), 2);

    // A rejection is recorded without any ledger entry, and is final.
    let rejected = store
        .decide_investment(inv.id, &decision(Verdict::Rejected), PrudentInvestorRule::default(), WHO, &caps())
        .await
        .unwrap();
    assert_eq!((rejected.status, rejected.ledger_seq), (InvestmentStatus::Rejected, None));
    assert!(store.ledger_entries().await.unwrap().is_empty());
    assert!(matches!(
        store
            .decide_investment(inv.id, &decision(Verdict::Approved), RULE_25, WHO, &caps())
            .await,
        Err(StoreError::Refused(_))
    ));
    assert!(matches!(store.investment(99).await, Ok(None)));
}

#[tokio::test]
async fn events_are_refused_out_of_order_and_write_nothing() {
    let store = store().await;
    let inv = store.create_investment(&case(600_000), WHO).await.unwrap();
    let mut d = decision(Verdict::Approved);
    d.on = date!(2021 - 01 - 01);
    store.decide_investment(inv.id, &d, RULE_25, WHO, &caps()).await.unwrap();
    use EventKind::*;
    // Nothing comes back before money went in.
    let err = store
        .record_investment_event(inv.id, &event(Distribution, date!(2021 - 02 - 01), euros(1)), WHO, &caps())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Refused(ref m) if m.contains("appel de fonds")), "{err:?}");
    for (kind, on) in [(CapitalCall, date!(2021 - 03 - 15)), (CapitalCall, date!(2023 - 03 - 15))] {
        store
            .record_investment_event(inv.id, &event(kind, on, euros(100_000)), WHO, &caps())
            .await
            .unwrap();
    }
    // The tester's exit dated 2019-01-01, before the 2021-01-01 decision; then one dated
    // between the two calls; then a valuation in 2999.
    for (kind, on) in [
        (Exit, date!(2019 - 01 - 01)),
        (Exit, date!(2022 - 01 - 01)),
        (Valuation, date!(2999 - 01 - 01)),
    ] {
        let err = store
            .record_investment_event(inv.id, &event(kind, on, euros(5)), WHO, &caps())
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Refused(ref m) if m.contains("« date »")), "{err:?}");
    }
    let stored = store.investment(inv.id).await.unwrap().unwrap();
    assert_eq!((stored.status, stored.events.len()), (InvestmentStatus::Approved, 2));
    assert_eq!(store.ledger_entries().await.unwrap().len(), 3);
}
