use super::*;
use crate::funding::portfolio::{metrics, Residual};
use time::macros::date;

fn euros(e: i64) -> Money {
    Money(e * 100)
}

fn co(name: &str, kind: CoInvestorKind, amount: Money, same_terms: bool) -> CoInvestor {
    CoInvestor {
        name: name.into(),
        kind,
        amount,
        same_terms,
        terms: String::new(),
    }
}

/// 1 000 000 € in a company valued 3 000 000 € pre-money, with a private bank for
/// 600 000 € pari passu and a region for 400 000 €.
fn case() -> InvestmentCase {
    InvestmentCase {
        project: " biovallee ".into(),
        investee: Investee {
            kind: InvesteeKind::Spv,
            name: " SAS Énergies de la vallée ".into(),
            siren: Siren::parse("180 020 026").unwrap(),
        },
        instrument: Instrument::OrdinaryShares,
        amount: euros(1_000_000),
        pre_money: euros(3_000_000),
        co_investors: vec![
            co("Banque privée", CoInvestorKind::Private, euros(600_000), true),
            co("Région", CoInvestorKind::Public, euros(400_000), true),
        ],
    }
}

#[test]
fn stake_is_amount_over_post_money_exactly() {
    let c = case().check().unwrap();
    assert_eq!(
        (c.project.as_str(), c.investee.name.as_str()),
        ("biovallee", "SAS Énergies de la vallée")
    );
    // Round 1 000 000 + 600 000 + 400 000 = 2 000 000 €; post-money 5 000 000 €; 20 %.
    let s = c.stake().unwrap();
    assert_eq!(
        (s.round_total, s.post_money, s.stake_bp),
        (euros(2_000_000), euros(5_000_000), 2_000)
    );
    assert_eq!(fmt_bp(s.stake_bp), "20,00\u{a0}%");
    // 1 € of a 3 € post-money: 33,333… % → 33,33 %; 2 € of 3 €: 66,666… % → 66,67 %.
    let mut small = case();
    small.co_investors.clear();
    small.amount = euros(1);
    small.pre_money = euros(2);
    assert_eq!(small.stake().unwrap().stake_bp, 3_333);
    small.amount = euros(2);
    small.pre_money = euros(1);
    assert_eq!(small.stake().unwrap().stake_bp, 6_667);
}

#[test]
fn bad_cases_are_refused_naming_the_field() {
    let mut c = case();
    c.amount = Money(0);
    assert_eq!(
        c.check().unwrap_err().to_string(),
        "le champ « montant » doit être strictement positif (reçu 0\u{a0}€)"
    );
    let mut c = case();
    c.investee.name = "  ".into();
    assert_eq!(c.check().unwrap_err(), InvestmentError::Blank("nom de la société"));
    let mut c = case();
    c.co_investors[1].amount = euros(-5);
    assert!(matches!(
        c.check(),
        Err(InvestmentError::Amount {
            field: "montant du co-investisseur",
            ..
        })
    ));
    // Beyond the 10^15 cents maximum: refused before any sum could overflow.
    let mut c = case();
    c.amount = Money(i64::MAX);
    assert!(matches!(c.check(), Err(InvestmentError::TooLarge { field: "montant", .. })));
}

#[test]
fn prudent_investor_test_counts_private_pari_passu_only_and_compares_exactly() {
    let rule = PrudentInvestorRule::default();
    assert_eq!(rule.min_private_share_bp, 3_000);
    // 600 000 / 2 000 000 = 30 % exactly: passes at the threshold.
    let t = case().prudent_investor_test(rule).unwrap();
    assert_eq!((t.private_pari_passu, t.private_share_bp, t.passed), (euros(600_000), 3_000, true));
    // One cent less: 599 999,99 / 1 999 999,99 = 29,9999… % — shown 29,99 %, failed.
    let mut c = case();
    c.co_investors[0].amount = Money(59_999_999);
    let t = c.prudent_investor_test(rule).unwrap();
    assert_eq!((t.private_share_bp, t.passed), (2_999, false));
    // The same bank on other terms does not count; neither does the region.
    let mut c = case();
    c.co_investors[0].same_terms = false;
    let t = c.prudent_investor_test(rule).unwrap();
    assert_eq!((t.private_pari_passu, t.private_share_bp, t.passed), (Money(0), 0, false));
    // A lower parameter: 20 % passes.
    assert_eq!(PrudentInvestorRule::new(10_001), Err(InvestmentError::BadRule(10_001)));
    let t = case().prudent_investor_test(PrudentInvestorRule::new(2_000).unwrap()).unwrap();
    assert!(t.passed);
}

#[test]
fn an_approval_failing_the_test_is_refused_with_its_figures() {
    let decision = |verdict| CommitteeDecision {
        verdict,
        on: date!(2021 - 02 - 10),
        reference: "CI-2021-04".into(),
        reason: "Dossier complet".into(),
    };
    let mut c = case();
    c.co_investors[0].same_terms = false;
    let err = check_decision(
        &c,
        &decision(Verdict::Approved),
        PrudentInvestorRule::default(),
        date!(2026 - 11 - 30),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "décision refusée : le test de l'investisseur avisé n'est pas satisfait — co-investisseurs privés pari passu : 0\u{a0}€ sur un tour de 2\u{202f}000\u{202f}000\u{a0}€, soit 0,00\u{a0}% (minimum requis : 30,00\u{a0}%)"
    );
    // A rejection is recorded whatever the test says, with it.
    let t = check_decision(
        &c,
        &decision(Verdict::Rejected),
        PrudentInvestorRule::default(),
        date!(2026 - 11 - 30),
    )
    .unwrap();
    assert!(!t.passed);
    assert!(
        check_decision(
            &case(),
            &decision(Verdict::Approved),
            PrudentInvestorRule::default(),
            date!(2026 - 11 - 30)
        )
        .unwrap()
        .passed
    );
    // A committee dated the day after today is refused; today itself passes.
    let mut d = decision(Verdict::Approved);
    d.on = date!(2021 - 02 - 11);
    assert_eq!(
        check_decision(&case(), &d, PrudentInvestorRule::default(), date!(2021 - 02 - 10)).unwrap_err(),
        InvestmentError::FutureDecision {
            on: date!(2021 - 02 - 11),
            today: date!(2021 - 02 - 10)
        }
    );
    assert!(check_decision(
        &case(),
        &decision(Verdict::Approved),
        PrudentInvestorRule::default(),
        date!(2021 - 02 - 10)
    )
    .is_ok());
    let mut d = decision(Verdict::Approved);
    d.reference = " ".into();
    assert_eq!(
        check_decision(&case(), &d, PrudentInvestorRule::default(), date!(2026 - 11 - 30)).unwrap_err(),
        InvestmentError::Blank("référence")
    );
}

fn ev(kind: EventKind, on: Date, e: i64) -> InvestmentEvent {
    InvestmentEvent {
        kind,
        on,
        amount: euros(e),
        note: String::new(),
    }
}

#[test]
fn the_issues_example_as_events_gives_its_multiples_and_xirr() {
    use EventKind::*;
    // Issue 5, §4: −200 000 and −50 000 on 2021-03-15, +30 000 and −20 000 on 2023-09-30,
    // +400 000 on 2026-03-15.
    let events = [
        ev(CapitalCall, date!(2021 - 03 - 15), 200_000),
        ev(CapitalCall, date!(2021 - 03 - 15), 50_000),
        ev(Distribution, date!(2023 - 09 - 30), 30_000),
        ev(CapitalCall, date!(2023 - 09 - 30), 20_000),
        ev(Distribution, date!(2026 - 03 - 15), 400_000),
    ];
    let m = metrics(&position(&events)).unwrap();
    assert_eq!((m.multiples.paid_in, m.multiples.distributions), (euros(270_000), euros(430_000)));
    assert!((m.multiples.tvpi - 1.592_593).abs() < 5e-7 && (m.multiples.dpi - m.multiples.tvpi).abs() < 1e-12);
    assert!((m.xirr.unwrap().rate - 0.105_439).abs() < 5e-7);
}

#[test]
fn residual_is_the_latest_valuation_and_zero_after_exit() {
    use EventKind::*;
    let mut events = vec![
        ev(CapitalCall, date!(2021 - 01 - 01), 100),
        ev(Valuation, date!(2023 - 12 - 31), 150),
        ev(Valuation, date!(2022 - 12 - 31), 120),
    ];
    assert_eq!(
        position(&events).residual,
        Some(Residual {
            date: date!(2023 - 12 - 31),
            value: euros(150)
        })
    );
    // Exit on the day of a valuation: proceeds 180 € as a flow, NAV 0.
    events.push(ev(Exit, date!(2023 - 12 - 31), 180));
    let p = position(&events);
    assert_eq!(p.residual.map(|r| r.value), Some(Money::ZERO));
    assert_eq!(p.flows.iter().map(|f| f.amount.0).sum::<i64>(), euros(80).0);
}

#[test]
fn events_need_an_approved_investment_and_sensible_amounts() {
    use EventKind::*;
    let today = date!(2026 - 11 - 30);
    let decided = Some(date!(2021 - 01 - 01));
    let ok = |e: &InvestmentEvent| check_event(InvestmentStatus::Approved, decided, &[], today, e);
    let call = ev(CapitalCall, date!(2021 - 01 - 01), 100);
    assert!(ok(&call).is_ok());
    assert_eq!(
        check_event(InvestmentStatus::Proposed, decided, &[], today, &call).unwrap_err(),
        "l'investissement est en instruction : aucun événement ne peut être enregistré"
    );
    assert!(check_event(InvestmentStatus::Exited, decided, &[], today, &call).is_err());
    assert!(ok(&ev(CapitalCall, date!(2021 - 01 - 01), 0)).is_err());
    assert!(ok(&ev(Valuation, date!(2021 - 01 - 01), 0)).is_ok());
    assert!(ok(&ev(Exit, date!(2021 - 01 - 01), -1)).is_err());
}

#[test]
fn events_are_dated_in_order_from_the_decision_to_today() {
    use EventKind::*;
    let today = date!(2026 - 11 - 30);
    let decided = Some(date!(2021 - 01 - 01));
    // The tester's case: decided 2021-01-01, calls in 2021 and 2023.
    let history = [
        ev(CapitalCall, date!(2021 - 03 - 15), 100),
        ev(Valuation, date!(2023 - 06 - 30), 150),
        ev(CapitalCall, date!(2023 - 09 - 30), 50),
    ];
    let check = |e: &InvestmentEvent| check_event(InvestmentStatus::Approved, decided, &history, today, e);
    // An exit dated 2019-01-01: before the decision.
    let err = check(&ev(Exit, date!(2019 - 01 - 01), 0)).unwrap_err();
    assert!(err.contains("« date » (01/01/2019)") && err.contains("(01/01/2021)"), "{err}");
    // Backdated before the latest event (a valuation then a call in 2023).
    let err = check(&ev(Exit, date!(2023 - 01 - 01), 200)).unwrap_err();
    assert!(err.contains("(30/09/2023)"), "{err}");
    assert!(check(&ev(Valuation, date!(2023 - 09 - 29), 1)).is_err());
    // The same day as the latest event, and today, are fine; tomorrow is not.
    assert!(check(&ev(Distribution, date!(2023 - 09 - 30), 10)).is_ok());
    assert!(check(&ev(Exit, today, 200)).is_ok());
    let err = check(&ev(Valuation, date!(2026 - 12 - 01), 1)).unwrap_err();
    assert!(err.contains("(30/11/2026)"), "{err}");
    // A distribution needs a prior capital call.
    let only_valuation = [ev(Valuation, date!(2021 - 06 - 30), 1)];
    let err = check_event(
        InvestmentStatus::Approved,
        decided,
        &only_valuation,
        today,
        &ev(Distribution, date!(2022 - 01 - 01), 1),
    )
    .unwrap_err();
    assert!(err.contains("appel de fonds"), "{err}");
}

#[test]
fn a_backdated_exit_still_ends_the_nav() {
    use EventKind::*;
    // Stored before the order rule: an exit dated before a valuation. NAV 0, RVPI 0.
    let events = [
        ev(CapitalCall, date!(2021 - 03 - 15), 100),
        ev(Valuation, date!(2024 - 12 - 31), 150),
        ev(Exit, date!(2022 - 01 - 01), 0),
    ];
    let p = position(&events);
    assert_eq!(
        p.residual,
        Some(Residual {
            date: date!(2022 - 01 - 01),
            value: Money::ZERO
        })
    );
    assert_eq!(metrics(&p).unwrap().multiples.rvpi, 0.0);
}

#[test]
fn a_decision_may_raise_the_rule_but_not_lower_it_below_the_floor() {
    let floor = PrudentInvestorRule::default();
    let zero = PrudentInvestorRule::new(0).unwrap();
    let err = zero.at_least(floor).unwrap_err();
    assert_eq!(err, InvestmentError::BelowFloor { given: 0, floor: 3_000 });
    let m = err.to_string();
    assert!(m.contains("(0,00\u{a0}%)") && m.contains("(30,00\u{a0}%)"), "{m}");
    assert!(PrudentInvestorRule::new(2_999).unwrap().at_least(floor).is_err());
    assert_eq!(floor.at_least(floor), Ok(floor));
    let higher = PrudentInvestorRule::new(4_500).unwrap();
    assert_eq!(higher.at_least(floor), Ok(higher));
}

#[test]
fn amounts_above_ten_thousand_billion_euros_are_refused_naming_the_field() {
    use EventKind::*;
    let max = Money(1_000_000_000_000_000);
    let huge = Money(i64::MAX);
    let mut c = case();
    c.pre_money = huge;
    assert_eq!(
        c.check().unwrap_err(),
        InvestmentError::TooLarge {
            field: "valorisation pré-money",
            value: huge
        }
    );
    let mut c = case();
    c.amount = Money(max.0 + 1);
    assert!(matches!(c.check(), Err(InvestmentError::TooLarge { field: "montant", .. })));
    let mut c = case();
    c.co_investors[0].amount = Money(max.0 + 1);
    assert!(matches!(
        c.check(),
        Err(InvestmentError::TooLarge {
            field: "montant du co-investisseur",
            ..
        })
    ));
    // Exactly 10^15 cents is accepted.
    let mut c = case();
    c.pre_money = max;
    assert!(c.check().is_ok());

    let today = date!(2026 - 11 - 30);
    let history = [ev(CapitalCall, date!(2021 - 03 - 15), 100)];
    let check = |kind, cents| {
        let e = InvestmentEvent {
            kind,
            on: date!(2022 - 01 - 01),
            amount: Money(cents),
            note: String::new(),
        };
        check_event(InvestmentStatus::Approved, None, &history, today, &e)
    };
    // The tester's valuation of i64::MAX cents.
    let err = check(Valuation, i64::MAX).unwrap_err();
    assert!(err.contains("« valorisation » dépasse le maximum"), "{err}");
    for (kind, field) in [
        (CapitalCall, "montant appelé"),
        (Distribution, "montant distribué"),
        (Exit, "produit de cession"),
    ] {
        let err = check(kind, max.0 + 1).unwrap_err();
        assert!(err.contains(&format!("« {field} »")), "{err}");
        assert!(check(kind, max.0).is_ok());
    }
}
