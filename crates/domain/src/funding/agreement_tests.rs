//! Agreements' terms and amendments; amounts worked out by hand, in cents.

use super::*;
use time::macros::date;

/// 1 000,01 € of State subsidy on an eligible cost of 2 000,01 €: one co-financer of
/// 1 000,00 € closes the plan.
fn draft() -> TermsDraft {
    TermsDraft {
        reference: " TI-2020-VALLEE-01 ".into(),
        title: "Vallée verte — tranche ferme".into(),
        beneficiary: "Communauté de communes de la Vallée".into(),
        beneficiary_siren: Some("180 020 026".into()),
        beneficiary_siret: None,
        beneficiary_rna: None,
        signed_on: date!(2020 - 03 - 02),
        amount: Money(100_001),
        eligible_cost: Money(200_001),
        cofinancers: vec![Cofinancer {
            financer: "Région".into(),
            kind: FinancerKind::LocalAuthority,
            amount: Money(100_000),
        }],
        tranches: vec![
            tranche("Avance", Share::Percent(3_000), vec![]),
            tranche(
                "Deuxième tranche",
                Share::Percent(3_000),
                vec![Condition {
                    kind: ConditionKind::Indicator,
                    label: "Emplois créés mesurés".into(),
                    indicator_code: Some("vallee-emplois".into()),
                }],
            ),
            tranche(
                "Solde",
                Share::Percent(4_000),
                vec![Condition {
                    kind: ConditionKind::Report,
                    label: "Rapport final".into(),
                    indicator_code: None,
                }],
            ),
        ],
    }
}

fn tranche(label: &str, share: Share, conditions: Vec<Condition>) -> TrancheDraft {
    TrancheDraft {
        label: label.into(),
        due_on: date!(2021 - 01 - 15),
        share,
        conditions,
    }
}

/// An amendment dated 1 June 2022, after the signature (2 March 2020), before today.
const D: AmendmentDates = AmendmentDates {
    on: date!(2022 - 06 - 01),
    previous: date!(2020 - 03 - 02),
    today: date!(2024 - 01 - 01),
};

fn amounts(t: &Terms) -> Vec<i64> {
    t.tranches.iter().map(|t| t.amount.0).collect()
}

#[test]
fn percentages_resolve_by_largest_remainder_and_sum_exactly() {
    // 30 % of 100 001 c = 30 000,3; 40 % = 40 000,4. Floors 30 000 + 30 000 + 40 000 =
    // 100 000; the last cent goes to the largest remainder, 0,4 (the third tranche).
    let t = draft().check(&ProjectContext::default()).unwrap();
    assert_eq!(amounts(&t), [30_000, 30_000, 40_001]);
    assert_eq!(t.tranches[0].percent_bp, Some(3_000));
    assert_eq!(t.reference, "TI-2020-VALLEE-01", "trimmed");
    assert_eq!(t.beneficiary_siren.as_ref().map(|s| s.as_str()), Some("180020026"));
    // 100 001 / 200 001 = 50,0002… % → 50,0 %.
    assert_eq!(t.state_share().as_deref(), Some("50,0\u{a0}%"));
}

#[test]
fn percentages_not_summing_to_100_are_refused() {
    let mut d = draft();
    d.tranches[2].share = Share::Percent(3_999);
    let e = d.check(&ProjectContext::default()).unwrap_err();
    assert_eq!(e.field, "tranches");
    assert!(e.message.contains("99,99 %"), "{e}");
}

#[test]
fn amounts_must_sum_exactly_to_the_agreement() {
    let mut d = draft();
    d.tranches = vec![
        tranche("A", Share::Amount(Money(50_000)), vec![]),
        tranche("B", Share::Amount(Money(50_000)), vec![]),
    ];
    let e = d.clone().check(&ProjectContext::default()).unwrap_err();
    assert_eq!(e.field, "tranches");
    assert!(
        e.message.contains("totalisent 1\u{202f}000\u{a0}€") && e.message.contains("1\u{202f}000,01"),
        "{e}"
    );
    d.tranches[1].share = Share::Amount(Money(50_001));
    assert_eq!(amounts(&d.check(&ProjectContext::default()).unwrap()), [50_000, 50_001]);
}

#[test]
fn mixing_amounts_and_percentages_is_refused() {
    let mut d = draft();
    d.tranches[0].share = Share::Amount(Money(30_000));
    assert_eq!(d.check(&ProjectContext::default()).unwrap_err().field, "tranches");
}

#[test]
fn twelve_equal_tranches_of_800_euros() {
    let t = equal_tranches(Money(80_000), 12, date!(2024 - 01 - 31), 1).unwrap();
    let cents: Vec<i64> = t
        .iter()
        .map(|t| match t.share {
            Share::Amount(m) => m.0,
            Share::Percent(_) => panic!("amounts"),
        })
        .collect();
    assert_eq!(
        cents,
        [6_667, 6_667, 6_667, 6_667, 6_667, 6_667, 6_667, 6_667, 6_666, 6_666, 6_666, 6_666]
    );
    assert_eq!(t[1].due_on, date!(2024 - 02 - 29), "31 January + 1 month, leap year");
    assert_eq!(t[11].due_on, date!(2024 - 12 - 31));
    assert_eq!(t[11].label, "Tranche 12/12");
    assert_eq!(
        equal_tranches(Money(80_000), 0, date!(2024 - 01 - 31), 1).unwrap_err().field,
        "equal_tranches.count"
    );
}

#[test]
fn the_co_financing_plan_must_close_exactly() {
    let mut d = draft();
    d.cofinancers[0].amount = Money(99_999);
    let e = d.check(&ProjectContext::default()).unwrap_err();
    assert_eq!(e.field, "cofinancers");
    // État 1 000,01 + 999,99 = 2 000,00 against 2 000,01: 0,01 € short.
    assert!(e.message.contains("« cofinancers »"), "{e}");
    assert!(
        e.message.contains("= 2\u{202f}000\u{a0}€") && e.message.contains("écart 0,01"),
        "{e}"
    );
    assert!(e.message.contains("50,0\u{a0}%"), "the State's share is shown: {e}");
}

#[test]
fn eligible_costs_stay_within_the_planned_budget() {
    let project = ProjectContext {
        planned_budget: Some(Money(1_000_000)),
        other_eligible_costs: Money(799_999),
        today: None,
    };
    // 799 999 + 200 001 = 1 000 000: exactly the budget passes.
    assert!(draft().check(&project).is_ok());
    let project = ProjectContext {
        other_eligible_costs: Money(800_000),
        ..project
    };
    let e = draft().check(&project).unwrap_err();
    assert_eq!(e.field, "eligible_cost_cents");
    assert!(e.message.contains("10\u{202f}000,01"), "{e}");
}

#[test]
fn a_bad_siren_and_blank_fields_name_their_field() {
    let mut d = draft();
    d.beneficiary_siren = Some("180 020 027".into());
    let e = d.check(&ProjectContext::default()).unwrap_err();
    assert_eq!(e.field, "beneficiary_siren");
    assert!(e.message.contains("Luhn"), "{e}");
    let mut d = draft();
    d.title = "  ".into();
    assert_eq!(d.check(&ProjectContext::default()).unwrap_err().field, "title");
    let mut d = draft();
    d.amount = Money(0);
    assert_eq!(d.check(&ProjectContext::default()).unwrap_err().field, "amount_cents");
    let mut d = draft();
    d.tranches[1].conditions[0].indicator_code = None;
    assert_eq!(
        d.check(&ProjectContext::default()).unwrap_err().field,
        "tranches[1].conditions[0].indicator_code"
    );
}

#[test]
fn amendments_commit_or_release_the_difference_within_what_is_paid() {
    let current = draft().check(&ProjectContext::default()).unwrap();
    let ctx = ProjectContext::default();
    // Up by 100,00 €: the co-financer keeps the plan closed.
    let mut up = draft();
    up.amount = Money(110_001);
    up.eligible_cost = Money(210_001);
    let (terms, change) = check_amendment(&current, "Extension du périmètre", up, &ctx, D, Money::ZERO, &[]).unwrap();
    assert_eq!(change, AmountChange::Increase(Money(10_000)));
    assert_eq!(amounts(&terms), [33_000, 33_000, 44_001]);

    // Down to 600,00 € with 180,00 € paid on the first tranche: 30 % of 600,00 € is
    // exactly 180,00 €, so the first tranche keeps what it received.
    let mut down = draft();
    down.amount = Money(60_000);
    down.eligible_cost = Money(160_000);
    let paid = [Money(18_000)];
    let (_, change) = check_amendment(&current, "Réduction", down.clone(), &ctx, D, Money(18_000), &paid).unwrap();
    assert_eq!(change, AmountChange::Decrease(Money(40_001)));

    // One cent more paid on tranche 1 than its new 180,00 €.
    let e = check_amendment(&current, "Réduction", down.clone(), &ctx, D, Money(18_001), &[Money(18_001)]).unwrap_err();
    assert_eq!(e.field, "tranches[0]");
    // Below the total paid.
    down.amount = Money(29_999);
    down.eligible_cost = Money(129_999);
    let e = check_amendment(&current, "Réduction", down, &ctx, D, Money(30_000), &[]).unwrap_err();
    assert_eq!(e.field, "amount_cents");

    assert_eq!(
        check_amendment(&current, " ", draft(), &ctx, D, Money::ZERO, &[])
            .unwrap_err()
            .field,
        "reason"
    );
    let mut renamed = draft();
    renamed.reference = "AUTRE".into();
    assert_eq!(
        check_amendment(&current, "x", renamed, &ctx, D, Money::ZERO, &[])
            .unwrap_err()
            .field,
        "reference"
    );
    let (_, same) = check_amendment(&current, "Calendrier", draft(), &ctx, D, Money::ZERO, &[]).unwrap();
    assert_eq!(same, AmountChange::Unchanged);
}

#[test]
fn a_tranche_with_a_disbursement_cannot_be_removed() {
    let current = draft().check(&ProjectContext::default()).unwrap();
    let mut d = draft();
    d.tranches = vec![tranche("Unique", Share::Percent(10_000), vec![])];
    let paid = [Money(0), Money(1)];
    let e = check_amendment(&current, "Fusion", d, &ProjectContext::default(), D, Money(1), &paid).unwrap_err();
    assert_eq!(e.field, "tranches");
    assert!(e.message.contains("n° 2"), "{e}");
}

#[test]
fn percentages_typed_in_french() {
    assert_eq!(parse_percent("33,33"), Ok(3_333));
    assert_eq!(parse_percent("12,5 %"), Ok(1_250));
    assert_eq!(parse_percent("100"), Ok(10_000));
    assert!(parse_percent("100,01").is_err());
    assert!(parse_percent("12.5").is_err());
    assert!(parse_percent("1,234").is_err());
    assert!(parse_percent("").is_err());
}

#[test]
fn financer_kinds_read_codes_and_french() {
    assert_eq!(FinancerKind::parse("Collectivité"), Some(FinancerKind::LocalAuthority));
    assert_eq!(FinancerKind::parse("own-funds"), Some(FinancerKind::OwnFunds));
    assert_eq!(FinancerKind::parse("banque"), None);
}

#[test]
fn signature_date_not_in_the_future_nor_before_2018_and_tranches_not_before_it() {
    let today = date!(2024 - 05 - 10);
    let ctx = ProjectContext {
        today: Some(today),
        ..ProjectContext::default()
    };
    let mut d = draft();
    d.signed_on = date!(2024 - 05 - 11);
    let e = d.check(&ctx).unwrap_err();
    assert_eq!(e.field, "signed_on");
    assert!(e.message.contains("futur"), "{e}");
    let mut d = draft();
    d.signed_on = today;
    for t in &mut d.tranches {
        t.due_on = today;
    }
    assert!(d.check(&ctx).is_ok(), "today itself is fine");

    let mut d = draft();
    d.signed_on = date!(2017 - 12 - 31);
    assert_eq!(d.check(&ctx).unwrap_err().field, "signed_on");
    let mut d = draft();
    d.signed_on = date!(2018 - 01 - 01);
    for t in &mut d.tranches {
        t.due_on = date!(2018 - 01 - 01);
    }
    assert!(d.check(&ctx).is_ok(), "1 January 2018 is the earliest");

    // Signed 2 March 2020: a tranche due the day before is refused, naming it.
    let mut d = draft();
    d.tranches[1].due_on = date!(2020 - 03 - 01);
    let e = d.check(&ctx).unwrap_err();
    assert_eq!(e.field, "tranches[1].due_on");
}

#[test]
fn amendment_dates_follow_the_previous_version_and_today_and_keep_the_signature_date() {
    let current = draft().check(&ProjectContext::default()).unwrap();
    let ctx = ProjectContext::default();
    let future = AmendmentDates {
        on: date!(2024 - 01 - 02),
        ..D
    };
    let e = check_amendment(&current, "x", draft(), &ctx, future, Money::ZERO, &[]).unwrap_err();
    assert_eq!(e.field, "on");
    assert!(e.message.contains("futur"), "{e}");
    let early = AmendmentDates {
        on: date!(2020 - 03 - 01),
        ..D
    };
    let e = check_amendment(&current, "x", draft(), &ctx, early, Money::ZERO, &[]).unwrap_err();
    assert_eq!(e.field, "on");
    let same_day = AmendmentDates {
        on: date!(2020 - 03 - 02),
        ..D
    };
    assert!(check_amendment(&current, "x", draft(), &ctx, same_day, Money::ZERO, &[]).is_ok());

    let mut resigned = draft();
    resigned.signed_on = date!(2020 - 03 - 03);
    let e = check_amendment(&current, "x", resigned, &ctx, D, Money::ZERO, &[]).unwrap_err();
    assert_eq!(e.field, "signed_on");
    assert!(e.message.contains("ne change pas"), "{e}");
}

#[test]
fn parts_of_zero_are_refused_naming_the_field() {
    let mut d = draft();
    d.tranches[1].share = Share::Percent(0);
    d.tranches[2].share = Share::Percent(7_000);
    let e = d.check(&ProjectContext::default()).unwrap_err();
    assert_eq!(e.field, "tranches[1].percent_bp");
    assert!(e.message.starts_with("Champ « tranches[1].percent_bp » :"), "{e}");

    let mut d = draft();
    d.tranches = vec![
        tranche("Avance", Share::Amount(Money(100_001)), vec![]),
        tranche("Solde", Share::Amount(Money(0)), vec![]),
    ];
    assert_eq!(d.check(&ProjectContext::default()).unwrap_err().field, "tranches[1].amount_cents");

    // A co-financer bringing 0 €: the plan still closes (State 2 000,01 €), but the line
    // is refused.
    let mut d = draft();
    d.amount = Money(200_001);
    d.cofinancers[0].amount = Money(0);
    d.tranches = vec![tranche("Unique", Share::Percent(10_000), vec![])];
    let e = d.check(&ProjectContext::default()).unwrap_err();
    assert_eq!(e.field, "cofinancers[0].amount_cents");
    assert!(e.message.contains("Région"), "{e}");

    // 0,01 % of 1,00 € rounds to 0 €: refused too.
    let mut d = draft();
    d.amount = Money(100);
    d.eligible_cost = Money(100_100);
    d.tranches = vec![
        tranche("Avance", Share::Percent(1), vec![]),
        tranche("Solde", Share::Percent(9_999), vec![]),
    ];
    assert_eq!(d.check(&ProjectContext::default()).unwrap_err().field, "tranches[0].percent_bp");
}

#[test]
fn the_siret_must_belong_to_the_siren_and_gives_it_when_alone() {
    let ctx = ProjectContext::default();
    // The draft's SIREN is 180 020 026; 180 020 026 00019 is the Caisse des Dépôts' SIRET.
    let mut d = draft();
    d.beneficiary_siret = Some("180 020 026 00019".into());
    d.beneficiary_rna = Some(" W261001234 ".into());
    let t = d.check(&ctx).unwrap();
    assert_eq!(t.beneficiary_siret.as_ref().map(|s| s.as_str()), Some("18002002600019"));
    assert_eq!(t.beneficiary_rna.as_ref().map(|r| r.as_str()), Some("W261001234"));

    let mut d = draft();
    d.beneficiary_siret = Some("13002526500013".into());
    let e = d.check(&ctx).unwrap_err();
    assert_eq!(e.field, "beneficiary_siret");
    assert!(e.message.contains("n'appartient pas au SIREN 180020026"), "{}", e.message);

    let mut d = draft();
    d.beneficiary_siren = None;
    d.beneficiary_siret = Some("13002526500013".into());
    let t = d.check(&ctx).unwrap();
    assert_eq!(t.beneficiary_siren.as_ref().map(|s| s.as_str()), Some("130025265"));

    let mut d = draft();
    d.beneficiary_siret = Some("18002002600018".into());
    assert_eq!(d.check(&ctx).unwrap_err().field, "beneficiary_siret", "Luhn check digit");
    let mut d = draft();
    d.beneficiary_rna = Some("261001234".into());
    assert_eq!(d.check(&ctx).unwrap_err().field, "beneficiary_rna");
    // Blank is absent.
    let mut d = draft();
    d.beneficiary_siret = Some("  ".into());
    assert_eq!(d.check(&ctx).unwrap().beneficiary_siret, None);
}

#[test]
fn terms_recorded_before_the_siret_read_back_without_it() {
    let t = draft().check(&ProjectContext::default()).unwrap();
    let mut v = serde_json::to_value(&t).unwrap();
    let o = v.as_object_mut().unwrap();
    o.remove("beneficiary_siret");
    o.remove("beneficiary_rna");
    let back: Terms = serde_json::from_value(v).unwrap();
    assert_eq!(back, t);
}
