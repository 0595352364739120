use super::*;
use time::macros::date;

const TODAY: Date = date!(2025 - 06 - 30);
/// The agreement's signature date in the request tests.
const SIGNED: Date = date!(2025 - 01 - 15);

fn pm(id: &str) -> StepActor<'_> {
    StepActor {
        id,
        role: Role::ProgrammeManager,
    }
}

fn taken(step: Step, actor: &str, on: Date) -> Taken {
    Taken {
        step,
        actor: actor.to_owned(),
        on,
    }
}

fn requested_by(actor: &str) -> Vec<Taken> {
    vec![taken(Step::Request, actor, date!(2025 - 06 - 01))]
}

#[test]
fn the_whole_workflow_by_four_people() {
    let mut history = requested_by("lead@projet.fr");
    let instructor = StepActor {
        id: "instructeur@etat.fr",
        role: Role::Instructor,
    };
    let s = take_step(
        Status::Requested,
        Step::Check,
        &instructor,
        date!(2025 - 06 - 02),
        TODAY,
        "conditions remplies",
        &history,
    )
    .unwrap();
    assert_eq!(s, Status::Checked);
    history.push(taken(Step::Check, "instructeur@etat.fr", date!(2025 - 06 - 02)));
    let s = take_step(s, Step::Approve, &pm("pm@bdt.fr"), date!(2025 - 06 - 03), TODAY, "ok", &history).unwrap();
    assert_eq!(s, Status::Approved);
    history.push(taken(Step::Approve, "pm@bdt.fr", date!(2025 - 06 - 03)));
    let admin = StepActor {
        id: "admin@bdt.fr",
        role: Role::OperatorAdmin,
    };
    let s = take_step(s, Step::Pay, &admin, TODAY, TODAY, "virement 123", &history).unwrap();
    assert_eq!(s, Status::Paid);
    // Paid is final: no rejection, no second payment.
    assert_eq!(
        take_step(s, Step::Reject, &pm("autre@bdt.fr"), TODAY, TODAY, "erreur", &history),
        Err(DisbursementError::WrongStatus {
            step: Step::Reject,
            status: Status::Paid
        })
    );
    assert!(matches!(
        take_step(s, Step::Pay, &admin, TODAY, TODAY, "encore", &history),
        Err(DisbursementError::WrongStatus { .. })
    ));
}

#[test]
fn roles_that_may_not_take_a_step_are_refused() {
    let history = requested_by("lead@projet.fr");
    let lead = StepActor {
        id: "autre-lead@projet.fr",
        role: Role::ProjectLead,
    };
    assert_eq!(
        take_step(Status::Requested, Step::Check, &lead, TODAY, TODAY, "moi", &history),
        Err(DisbursementError::Forbidden {
            role: Role::ProjectLead,
            step: Step::Check
        })
    );
    // An instructor checks but does not approve; an administrator pays but does not approve.
    let instructor = StepActor {
        id: "i@etat.fr",
        role: Role::Instructor,
    };
    assert!(matches!(
        take_step(Status::Checked, Step::Approve, &instructor, TODAY, TODAY, "ok", &history),
        Err(DisbursementError::Forbidden { .. })
    ));
    // Rejecting needs the right of the step it stands in for: an instructor may reject a
    // request, not an approved disbursement.
    assert_eq!(
        take_step(
            Status::Requested,
            Step::Reject,
            &instructor,
            TODAY,
            TODAY,
            "pièce manquante",
            &history
        ),
        Ok(Status::Rejected)
    );
    assert!(matches!(
        take_step(Status::Approved, Step::Reject, &instructor, TODAY, TODAY, "non", &history),
        Err(DisbursementError::Forbidden { .. })
    ));
    let msg = take_step(Status::Requested, Step::Check, &lead, TODAY, TODAY, "moi", &history)
        .unwrap_err()
        .to_string();
    assert_eq!(
        msg,
        "votre rôle (Porteur de projet) ne permet pas l'étape « vérification des conditions »"
    );
}

#[test]
fn nobody_checks_what_they_requested_approves_what_they_requested_or_checked_nor_pays_what_they_requested_or_approved() {
    let mut history = requested_by("pm@bdt.fr");
    assert_eq!(
        take_step(Status::Requested, Step::Check, &pm("pm@bdt.fr"), TODAY, TODAY, "ok", &history),
        Err(DisbursementError::SameActor {
            step: Step::Check,
            earlier: Step::Request
        })
    );
    assert_eq!(
        take_step(Status::Checked, Step::Approve, &pm("pm@bdt.fr"), TODAY, TODAY, "ok", &history),
        Err(DisbursementError::SameActor {
            step: Step::Approve,
            earlier: Step::Request
        })
    );
    history.push(taken(Step::Check, "pm2@bdt.fr", date!(2025 - 06 - 02)));
    assert_eq!(
        take_step(Status::Checked, Step::Approve, &pm("pm2@bdt.fr"), TODAY, TODAY, "ok", &history),
        Err(DisbursementError::SameActor {
            step: Step::Approve,
            earlier: Step::Check
        })
    );
    history.push(taken(Step::Approve, "pm3@bdt.fr", date!(2025 - 06 - 03)));
    assert_eq!(
        take_step(Status::Approved, Step::Pay, &pm("pm3@bdt.fr"), TODAY, TODAY, "ok", &history),
        Err(DisbursementError::SameActor {
            step: Step::Pay,
            earlier: Step::Approve
        })
    );
    // The requester may not pay their own request either.
    assert_eq!(
        take_step(Status::Approved, Step::Pay, &pm("pm@bdt.fr"), TODAY, TODAY, "ok", &history),
        Err(DisbursementError::SameActor {
            step: Step::Pay,
            earlier: Step::Request
        })
    );
    // The checker may pay: a third and a fourth pair of eyes are not required.
    assert_eq!(
        take_step(Status::Approved, Step::Pay, &pm("pm2@bdt.fr"), TODAY, TODAY, "ok", &history),
        Ok(Status::Paid)
    );
}

#[test]
fn each_step_is_dated_and_justified() {
    let history = requested_by("lead@projet.fr");
    assert_eq!(
        take_step(Status::Requested, Step::Check, &pm("x@bdt.fr"), TODAY, TODAY, "  ", &history),
        Err(DisbursementError::NoReason)
    );
    assert_eq!(
        take_step(
            Status::Requested,
            Step::Check,
            &pm("x@bdt.fr"),
            date!(2025 - 07 - 01),
            TODAY,
            "ok",
            &history
        ),
        Err(DisbursementError::FutureDate {
            on: date!(2025 - 07 - 01),
            today: TODAY
        })
    );
    assert_eq!(
        take_step(
            Status::Requested,
            Step::Check,
            &pm("x@bdt.fr"),
            date!(2025 - 05 - 31),
            TODAY,
            "ok",
            &history
        ),
        Err(DisbursementError::BeforePrevious {
            on: date!(2025 - 05 - 31),
            previous: date!(2025 - 06 - 01)
        })
    );
    // The same day as the previous step and today itself are fine.
    assert!(take_step(
        Status::Requested,
        Step::Check,
        &pm("x@bdt.fr"),
        date!(2025 - 06 - 01),
        TODAY,
        "ok",
        &history
    )
    .is_ok());
    assert!(take_step(Status::Requested, Step::Check, &pm("x@bdt.fr"), TODAY, TODAY, "ok", &history).is_ok());
}

#[test]
fn a_request_stays_within_what_remains_on_its_tranche() {
    // Tranche of 10 000,00 €, 6 000,00 € already requested or paid: 4 000,00 € remain.
    let ok = check_request(
        Role::ProjectLead,
        Money(400_000),
        TODAY,
        TODAY,
        SIGNED,
        "avance",
        "T1",
        Money(1_000_000),
        Money(600_000),
    );
    assert_eq!(ok, Ok(()));
    let err = check_request(
        Role::ProjectLead,
        Money(400_001),
        TODAY,
        TODAY,
        SIGNED,
        "avance",
        "T1",
        Money(1_000_000),
        Money(600_000),
    )
    .unwrap_err();
    assert_eq!(
        err,
        DisbursementError::BeyondTranche {
            tranche: "T1".into(),
            amount: Money(400_001),
            tranche_amount: Money(1_000_000),
            taken: Money(600_000),
            remaining: Money(400_000)
        }
    );
    assert_eq!(
        err.to_string(),
        "le montant de 4\u{202f}000,01\u{a0}€ dépasse ce qui reste sur la tranche « T1 » : 4\u{202f}000\u{a0}€ (tranche de 10\u{202f}000\u{a0}€, dont 6\u{202f}000\u{a0}€ déjà demandés ou versés)"
    );
    assert_eq!(
        check_request(Role::ProjectLead, Money(0), TODAY, TODAY, SIGNED, "x", "T1", Money(100), Money(0)),
        Err(DisbursementError::NotPositive(Money(0)))
    );
    assert!(matches!(
        check_request(Role::Instructor, Money(1), TODAY, TODAY, SIGNED, "x", "T1", Money(100), Money(0)),
        Err(DisbursementError::Forbidden { .. })
    ));
    // A tranche lowered below what was taken leaves nothing, never a negative remainder.
    assert!(matches!(
        check_amount("T1", Money(1), Money(100), Money(150)),
        Err(DisbursementError::BeyondTranche { remaining: Money(0), .. })
    ));
}

fn condition(id: i64, kind: ConditionKind, label: &str) -> Condition {
    Condition {
        id,
        kind,
        label: label.to_owned(),
        indicator: None,
        min_period: None,
        met_on: None,
        met_by: None,
        evidence: None,
        approved_periods: vec![],
    }
}

#[test]
fn conditions_are_met_by_records_and_approved_measurements() {
    let mut milestone = condition(1, ConditionKind::Milestone, "Marché attribué");
    let mut report = condition(2, ConditionKind::Report, "Rapport d'étape 2024");
    let mut indicator = condition(3, ConditionKind::Indicator, "Emplois créés");
    indicator.indicator = Some("biovallee.emplois".into());
    indicator.min_period = Some(Period::Year(2024));
    let all = |m: &Condition, r: &Condition, i: &Condition| check_conditions(&[m.clone(), r.clone(), i.clone()]);
    assert_eq!(
        all(&milestone, &report, &indicator).unwrap_err().to_string(),
        "conditions non remplies : jalon « Marché attribué » ; rapport « Rapport d'étape 2024 » ; indicateur « Emplois créés »"
    );
    milestone.met_on = Some(date!(2025 - 01 - 15));
    report.met_on = Some(date!(2025 - 02 - 01));
    // A measurement of 2023 is before the minimum period: still unmet.
    indicator.approved_periods = vec![Period::Year(2023), Period::Quarter(2023, 4)];
    assert_eq!(
        all(&milestone, &report, &indicator),
        Err(DisbursementError::UnmetConditions(vec!["indicateur « Emplois créés »".into()]))
    );
    // A quarter of 2024 starts on or after 2024's start: met.
    indicator.approved_periods.push(Period::Quarter(2024, 2));
    assert_eq!(all(&milestone, &report, &indicator), Ok(()));
    // Without a minimum period, any approved measurement counts.
    let mut any = condition(4, ConditionKind::Indicator, "x");
    assert!(!any.is_met());
    any.approved_periods = vec![Period::Year(2019)];
    assert!(any.is_met());
}

#[test]
fn codes_round_trip() {
    for s in Status::ALL {
        assert_eq!(Status::from_code(s.code()), Some(s));
    }
    for s in Step::ALL {
        assert_eq!(Step::from_code(s.code()), Some(s));
    }
    assert_eq!(Status::Requested.next_step(), Some(Step::Check));
    assert_eq!(Status::Paid.next_step(), None);
}

#[test]
fn who_records_a_condition_and_how() {
    let ok = |role| check_condition_record(role, ConditionKind::Report, TODAY, TODAY, "rapport.pdf");
    assert_eq!(ok(Role::Instructor), Ok(()));
    assert_eq!(ok(Role::ProgrammeManager), Ok(()));
    assert_eq!(ok(Role::OperatorAdmin), Ok(()));
    for role in [Role::ProjectLead, Role::Partner, Role::Expert, Role::Public] {
        assert!(matches!(ok(role), Err(DisbursementError::Condition(_))), "{role:?}");
    }
    assert!(matches!(
        check_condition_record(Role::Instructor, ConditionKind::Indicator, TODAY, TODAY, "x"),
        Err(DisbursementError::Condition(_))
    ));
    assert!(matches!(
        check_condition_record(Role::Instructor, ConditionKind::Milestone, TODAY, TODAY, " "),
        Err(DisbursementError::Condition(_))
    ));
    assert_eq!(
        check_condition_record(Role::Instructor, ConditionKind::Milestone, date!(2025 - 07 - 01), TODAY, "pv"),
        Err(DisbursementError::FutureDate {
            on: date!(2025 - 07 - 01),
            today: TODAY
        })
    );
}

#[test]
fn a_request_is_not_dated_before_the_signature() {
    let day_before = date!(2025 - 01 - 14);
    assert_eq!(
        check_request(
            Role::ProjectLead,
            Money(1),
            day_before,
            TODAY,
            SIGNED,
            "x",
            "T1",
            Money(100),
            Money(0)
        ),
        Err(DisbursementError::BeforeSignature {
            on: day_before,
            signed_on: SIGNED
        })
    );
    assert_eq!(
        check_request(Role::ProjectLead, Money(1), SIGNED, TODAY, SIGNED, "x", "T1", Money(100), Money(0)),
        Ok(())
    );
}

#[test]
fn a_later_step_rechecks_the_request_against_the_tranche_as_it_is_now() {
    // 5 000 € requested on a tranche lowered to 1 €, nothing else on it.
    let e = recheck_amount("Avance", Money(500_000), Money(100), Money(0)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "la tranche « Avance » n'est plus que de 1\u{a0}€, dont 0\u{a0}€ demandés ou versés par d'autres versements : ce versement de 5\u{202f}000\u{a0}€ n'y tient plus (il ne reste que 1\u{a0}€) ; rejetez-le"
    );
    // Tranche of 6 000 €, 4 000 € taken by others: 2 000 € fit, 2 000,01 € do not.
    assert_eq!(recheck_amount("T", Money(200_000), Money(600_000), Money(400_000)), Ok(()));
    assert!(matches!(
        recheck_amount("T", Money(200_001), Money(600_000), Money(400_000)),
        Err(DisbursementError::TrancheLowered {
            remaining: Money(200_000),
            ..
        })
    ));
}

#[test]
fn the_role_is_checked_before_the_status() {
    let lead = StepActor {
        id: "lead@projet.fr",
        role: Role::ProjectLead,
    };
    // Paying a request not yet checked: a project lead learns nothing of its status.
    assert_eq!(
        take_step(
            Status::Requested,
            Step::Pay,
            &lead,
            TODAY,
            TODAY,
            "virement",
            &requested_by("x@y.fr")
        ),
        Err(DisbursementError::Forbidden {
            role: Role::ProjectLead,
            step: Step::Pay
        })
    );
}
