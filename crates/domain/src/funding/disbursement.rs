//! Disbursements (*versements*, issue 5 §3): the workflow request → conditions checked →
//! approved → paid, or rejected at any step before paid.
//!
//! Each step is taken by a role allowed to ([`Step::action`], decided by
//! [`crate::access::allows`]), on a value date that is not in the future and not before
//! the previous step's (a request: not before the agreement's signature), with a
//! non-empty reason. Separation of duties (a « four eyes » rule): nobody checks a request
//! they made; nobody approves a request they made or checked; nobody pays a request they
//! made or approved.
//!
//! Amounts (integer cents): a request stays within what remains on its tranche (tranche
//! amount − Σ its non-rejected disbursements, [`check_amount`]), and still does at the
//! check, the approval and the payment ([`recheck_amount`]: the tranche may have been
//! lowered since); the payment is also checked by the ledger ([`super::ledger`]: the agreement's unpaid commitment, hence the
//! project's ceiling and the envelope).
//!
//! The check step refuses while a tranche condition is unmet ([`check_conditions`]): a
//! milestone or a report is met once recorded (date, by whom, evidence); an indicator
//! condition once the indicator has an approved measurement, of `min_period` or later
//! when one is set.

use crate::access::{allows, Action, Role};
use crate::impact::Period;
use crate::money::Money;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::Date;

/// Where a disbursement stands. Stored and serialised as `requested`, `checked`,
/// `approved`, `paid`, `rejected`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// *Demandé*: waiting for the conditions to be checked.
    Requested,
    /// *Conditions vérifiées*: waiting for approval.
    Checked,
    /// *Approuvé*: waiting for payment.
    Approved,
    /// *Payé*: final; the ledger holds its disbursement entry.
    Paid,
    /// *Rejeté*: final; its amount is free again on the tranche.
    Rejected,
}

impl Status {
    /// Every status, in workflow order.
    pub const ALL: [Status; 5] = [Status::Requested, Status::Checked, Status::Approved, Status::Paid, Status::Rejected];

    /// Stable code: `requested`, `checked`, `approved`, `paid`, `rejected`.
    pub fn code(self) -> &'static str {
        match self {
            Status::Requested => "requested",
            Status::Checked => "checked",
            Status::Approved => "approved",
            Status::Paid => "paid",
            Status::Rejected => "rejected",
        }
    }

    /// The status whose code is `code`.
    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Status::Requested => "demandé",
            Status::Checked => "conditions vérifiées",
            Status::Approved => "approuvé",
            Status::Paid => "payé",
            Status::Rejected => "rejeté",
        }
    }

    /// The step that moves the disbursement forward from here (`None` when final).
    pub fn next_step(self) -> Option<Step> {
        match self {
            Status::Requested => Some(Step::Check),
            Status::Checked => Some(Step::Approve),
            Status::Approved => Some(Step::Pay),
            Status::Paid | Status::Rejected => None,
        }
    }

    /// Whether the amount still counts against its tranche (every status but rejected).
    pub fn counts(self) -> bool {
        self != Status::Rejected
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A step of the workflow. Stored as `request`, `check`, `approve`, `pay`, `reject`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// Ask for a disbursement on a tranche.
    Request,
    /// Check the tranche's conditions (refused while one is unmet).
    Check,
    /// Approve a checked request.
    Approve,
    /// Record an approved disbursement as paid (the ledger entry goes with it).
    Pay,
    /// Reject a request not yet paid, at any step.
    Reject,
}

impl Step {
    /// Every step.
    pub const ALL: [Step; 5] = [Step::Request, Step::Check, Step::Approve, Step::Pay, Step::Reject];

    /// Stable code: `request`, `check`, `approve`, `pay`, `reject`.
    pub fn code(self) -> &'static str {
        match self {
            Step::Request => "request",
            Step::Check => "check",
            Step::Approve => "approve",
            Step::Pay => "pay",
            Step::Reject => "reject",
        }
    }

    /// The step whose code is `code`.
    pub fn from_code(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.code() == code)
    }

    /// French label, for histories (`demande`, `vérification des conditions`…).
    pub fn label(self) -> &'static str {
        match self {
            Step::Request => "demande",
            Step::Check => "vérification des conditions",
            Step::Approve => "approbation",
            Step::Pay => "paiement",
            Step::Reject => "rejet",
        }
    }

    /// The action a role must hold to take this step at `status`. A rejection needs the
    /// action of the step it stands in for (rejecting a requested disbursement is for
    /// those who check, an approved one for those who pay).
    pub fn action(self, status: Status) -> Action {
        let step = match self {
            Step::Reject => status.next_step().unwrap_or(Step::Pay),
            other => other,
        };
        match step {
            Step::Request => Action::RequestDisbursement,
            Step::Check | Step::Reject => Action::CheckDisbursement,
            Step::Approve => Action::ApproveDisbursement,
            Step::Pay => Action::PayDisbursement,
        }
    }
}

/// A step already taken, as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    /// Which step.
    pub step: Step,
    /// Who took it (an identifier compared for separation of duties: an e-mail).
    pub actor: String,
    /// Its value date.
    pub on: Date,
}

/// Who takes a step, and in which role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepActor<'a> {
    /// The identifier compared with earlier steps' actors.
    pub id: &'a str,
    /// The role whose rights apply.
    pub role: Role,
}

/// The kind of a tranche condition. Stored as `milestone`, `report`, `indicator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConditionKind {
    /// *Jalon atteint*: met when recorded.
    Milestone,
    /// *Rapport remis*: met when recorded.
    Report,
    /// *Preuve d'indicateur validée*: met by an approved measurement.
    Indicator,
}

impl ConditionKind {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ConditionKind::Milestone => "milestone",
            ConditionKind::Report => "report",
            ConditionKind::Indicator => "indicator",
        }
    }

    /// The kind whose code is `code`.
    pub fn from_code(code: &str) -> Option<ConditionKind> {
        [ConditionKind::Milestone, ConditionKind::Report, ConditionKind::Indicator]
            .into_iter()
            .find(|k| k.code() == code)
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            ConditionKind::Milestone => "jalon",
            ConditionKind::Report => "rapport",
            ConditionKind::Indicator => "indicateur",
        }
    }
}

/// A tranche condition with what is known of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// Its identifier (`tranche_conditions.id`).
    pub id: i64,
    /// Milestone, report or indicator.
    pub kind: ConditionKind,
    /// What must be met, in French.
    pub label: String,
    /// For an indicator condition: the indicator's code.
    pub indicator: Option<String>,
    /// For an indicator condition: only measurements of this period or later count.
    pub min_period: Option<Period>,
    /// For a milestone or report: when it was met (recorded).
    pub met_on: Option<Date>,
    /// For a milestone or report: who recorded it as met.
    pub met_by: Option<String>,
    /// For a milestone or report: the evidence (a document's name, a URL).
    pub evidence: Option<String>,
    /// The periods of the indicator's approved measurements (indicator conditions).
    pub approved_periods: Vec<Period>,
}

impl Condition {
    /// Whether the condition is met: a milestone or report once its date is recorded; an
    /// indicator once one approved measurement is of `min_period` or later (any period
    /// when none is set). Periods compare by start date ([`Period`]'s order).
    pub fn is_met(&self) -> bool {
        match self.kind {
            ConditionKind::Milestone | ConditionKind::Report => self.met_on.is_some(),
            ConditionKind::Indicator => self
                .approved_periods
                .iter()
                .any(|p| self.min_period.is_none_or(|min| p.start() >= min.start())),
        }
    }
}

/// Why a step or a request is refused. French messages, amounts as `1 234,56 €`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisbursementError {
    /// The role may not take the step.
    #[error("votre rôle ({}) ne permet pas l'étape « {} »", role.label(), step.label())]
    Forbidden {
        /// The actor's role.
        role: Role,
        /// The step.
        step: Step,
    },
    /// The step does not apply to the status.
    #[error("l'étape « {} » n'est pas possible sur un versement {}", step.label(), status.label())]
    WrongStatus {
        /// The step asked for.
        step: Step,
        /// The disbursement's status.
        status: Status,
    },
    /// The reason is blank.
    #[error("le champ « motif » est vide : chaque étape doit être justifiée")]
    NoReason,
    /// The value date is after today.
    #[error("le champ « date » ({on}) est dans le futur : aujourd'hui est le {today}")]
    FutureDate {
        /// The value date given.
        on: Date,
        /// Today (Europe/Paris).
        today: Date,
    },
    /// A request dated before the agreement's signature.
    #[error("le champ « date » ({on}) précède la signature de la convention ({signed_on})")]
    BeforeSignature {
        /// The value date given.
        on: Date,
        /// The agreement's signature date.
        signed_on: Date,
    },
    /// The value date is before the previous step's.
    #[error("le champ « date » ({on}) précède la date de l'étape précédente ({previous})")]
    BeforePrevious {
        /// The value date given.
        on: Date,
        /// The previous step's value date.
        previous: Date,
    },
    /// Separation of duties: the actor took an earlier step that excludes this one.
    #[error("séparation des tâches : vous ne pouvez pas procéder à l'étape « {} » d'un versement dont vous avez fait l'étape « {} »", step.label(), earlier.label())]
    SameActor {
        /// The step refused.
        step: Step,
        /// The earlier step the actor took.
        earlier: Step,
    },
    /// The amount is zero or negative.
    #[error("le champ « montant » doit être strictement positif (reçu {0})")]
    NotPositive(Money),
    /// The amount exceeds what remains on the tranche.
    #[error("le montant de {amount} dépasse ce qui reste sur la tranche « {tranche} » : {remaining} (tranche de {tranche_amount}, dont {taken} déjà demandés ou versés)")]
    BeyondTranche {
        /// The tranche's label.
        tranche: String,
        /// The amount asked for (cents).
        amount: Money,
        /// The tranche's amount (cents).
        tranche_amount: Money,
        /// Σ the tranche's non-rejected disbursements (cents).
        taken: Money,
        /// What remains (cents): `tranche_amount − taken`, never below zero.
        remaining: Money,
    },
    /// At a later step (check, approve, pay), the request no longer fits on its tranche
    /// (lowered since the request, or other requests grew).
    #[error("la tranche « {tranche} » n'est plus que de {tranche_amount}, dont {others} demandés ou versés par d'autres versements : ce versement de {amount} n'y tient plus (il ne reste que {remaining}) ; rejetez-le")]
    TrancheLowered {
        /// The tranche's label.
        tranche: String,
        /// This disbursement's amount (cents).
        amount: Money,
        /// The tranche's amount now (cents).
        tranche_amount: Money,
        /// Σ the tranche's other non-rejected disbursements (cents).
        others: Money,
        /// What remains for this one (cents), never below zero.
        remaining: Money,
    },
    /// A project lead acting on another project than their own.
    #[error("votre compte n'est pas membre du projet « {0} »")]
    NotMember(String),
    /// A milestone or report recorded as met without evidence, or an indicator condition
    /// recorded by hand (it is met by an approved measurement only).
    #[error("{0}")]
    Condition(String),
    /// Conditions of the tranche are unmet: their labels.
    #[error("conditions non remplies : {}", .0.join(" ; "))]
    UnmetConditions(Vec<String>),
}

/// The status after `actor` takes `step` on a disbursement at `status` whose earlier
/// steps are `history` (oldest first), on value date `on` with reason `why`, `today`
/// being the current date in Europe/Paris.
///
/// Checked in order: the role may take it ([`Step::action`]; first, so that a refused
/// role learns nothing of the status); the reason is not blank; the date is not after
/// `today`, nor before the last step's; the step applies to the status (check on
/// requested, approve on checked, pay on approved, reject on any but paid and rejected);
/// separation of duties (check: not the requester; approve: not the
/// requester nor the checker; pay: not the requester nor the approver). Errors: the first rule broken, as a [`DisbursementError`].
pub fn take_step(
    status: Status,
    step: Step,
    actor: &StepActor<'_>,
    on: Date,
    today: Date,
    why: &str,
    history: &[Taken],
) -> Result<Status, DisbursementError> {
    // The role first: someone who may not take the step learns nothing of the status.
    if !allows(actor.role, step.action(status)) {
        return Err(DisbursementError::Forbidden { role: actor.role, step });
    }
    if why.trim().is_empty() {
        return Err(DisbursementError::NoReason);
    }
    if on > today {
        return Err(DisbursementError::FutureDate { on, today });
    }
    if let Some(previous) = history.iter().map(|t| t.on).max() {
        if on < previous {
            return Err(DisbursementError::BeforePrevious { on, previous });
        }
    }
    let next = match (status, step) {
        (Status::Requested, Step::Check) => Status::Checked,
        (Status::Checked, Step::Approve) => Status::Approved,
        (Status::Approved, Step::Pay) => Status::Paid,
        (Status::Requested | Status::Checked | Status::Approved, Step::Reject) => Status::Rejected,
        _ => return Err(DisbursementError::WrongStatus { step, status }),
    };
    let excluded: &[Step] = match step {
        Step::Check => &[Step::Request],
        Step::Approve => &[Step::Request, Step::Check],
        Step::Pay => &[Step::Request, Step::Approve],
        _ => &[],
    };
    if let Some(earlier) = history.iter().find(|t| t.actor == actor.id && excluded.contains(&t.step)) {
        return Err(DisbursementError::SameActor {
            step,
            earlier: earlier.step,
        });
    }
    Ok(next)
}

/// Checks a request of `amount` cents by `role` on value date `on` (`today` in
/// Europe/Paris; not before the agreement's signature, `signed_on`) with reason `why`, on tranche `tranche` of `tranche_amount` cents whose
/// non-rejected disbursements sum to `taken`. Project leads are scoped to their own
/// projects by the caller. Errors: [`DisbursementError::NoReason`],
/// [`DisbursementError::FutureDate`], [`DisbursementError::BeforeSignature`],
/// [`DisbursementError::Forbidden`], [`DisbursementError::NotPositive`],
/// [`DisbursementError::BeyondTranche`].
#[allow(clippy::too_many_arguments)] // the facts of one request, all required
pub fn check_request(
    role: Role,
    amount: Money,
    on: Date,
    today: Date,
    signed_on: Date,
    why: &str,
    tranche: &str,
    tranche_amount: Money,
    taken: Money,
) -> Result<(), DisbursementError> {
    if why.trim().is_empty() {
        return Err(DisbursementError::NoReason);
    }
    if on > today {
        return Err(DisbursementError::FutureDate { on, today });
    }
    if on < signed_on {
        return Err(DisbursementError::BeforeSignature { on, signed_on });
    }
    if !allows(role, Action::RequestDisbursement) {
        return Err(DisbursementError::Forbidden { role, step: Step::Request });
    }
    check_amount(tranche, amount, tranche_amount, taken)
}

/// `amount` fits on a tranche of `tranche_amount` whose other non-rejected disbursements
/// sum to `taken` (all cents): `0 < amount ≤ tranche_amount − taken`. Errors:
/// [`DisbursementError::NotPositive`], [`DisbursementError::BeyondTranche`] with the
/// figures (the remainder is never shown below zero).
pub fn check_amount(tranche: &str, amount: Money, tranche_amount: Money, taken: Money) -> Result<(), DisbursementError> {
    if amount.0 <= 0 {
        return Err(DisbursementError::NotPositive(amount));
    }
    let remaining = Money(tranche_amount.0.saturating_sub(taken.0).max(0));
    if amount > remaining {
        return Err(DisbursementError::BeyondTranche {
            tranche: tranche.to_owned(),
            amount,
            tranche_amount,
            taken,
            remaining,
        });
    }
    Ok(())
}

/// At a step after the request (check, approve, pay): the disbursement of `amount` still
/// fits on its tranche of `tranche_amount` beside the tranche's `others` (Σ its other
/// non-rejected disbursements), all cents. Errors: [`DisbursementError::TrancheLowered`]
/// with the figures (the remainder never shown below zero).
pub fn recheck_amount(tranche: &str, amount: Money, tranche_amount: Money, others: Money) -> Result<(), DisbursementError> {
    let remaining = Money(tranche_amount.0.saturating_sub(others.0).max(0));
    if amount > remaining {
        return Err(DisbursementError::TrancheLowered {
            tranche: tranche.to_owned(),
            amount,
            tranche_amount,
            others,
            remaining,
        });
    }
    Ok(())
}

/// Ok when every condition is met ([`Condition::is_met`]); otherwise
/// [`DisbursementError::UnmetConditions`] listing the unmet ones' labels in order.
pub fn check_conditions(conditions: &[Condition]) -> Result<(), DisbursementError> {
    let unmet: Vec<String> = conditions
        .iter()
        .filter(|c| !c.is_met())
        .map(|c| format!("{} « {} »", c.kind.label(), c.label))
        .collect();
    if unmet.is_empty() {
        Ok(())
    } else {
        Err(DisbursementError::UnmetConditions(unmet))
    }
}

/// Whether `role` may record a tranche condition as met: those who check disbursements
/// (programme managers, instructors) or manage funding (administrators too).
pub fn may_record_condition(role: Role) -> bool {
    allows(role, Action::CheckDisbursement) || allows(role, Action::ManageFunding)
}

/// Checks that `role` may record a condition of `kind` as met on `on` (`today` in
/// Europe/Paris) with `evidence`. Errors: [`DisbursementError::Condition`] for a role
/// that may not ([`may_record_condition`]), an indicator condition (met by an approved
/// measurement only) or blank evidence; [`DisbursementError::FutureDate`].
pub fn check_condition_record(role: Role, kind: ConditionKind, on: Date, today: Date, evidence: &str) -> Result<(), DisbursementError> {
    if !may_record_condition(role) {
        return Err(DisbursementError::Condition(format!(
            "votre rôle ({}) ne permet pas d'enregistrer qu'une condition est remplie",
            role.label()
        )));
    }
    if kind == ConditionKind::Indicator {
        return Err(DisbursementError::Condition(
            "une condition d'indicateur est remplie par une mesure validée de l'indicateur, pas par une saisie".into(),
        ));
    }
    if evidence.trim().is_empty() {
        return Err(DisbursementError::Condition(
            "le champ « justificatif » est vide : dites ce qui prouve que la condition est remplie".into(),
        ));
    }
    if on > today {
        return Err(DisbursementError::FutureDate { on, today });
    }
    Ok(())
}

#[cfg(test)]
#[path = "disbursement_tests.rs"]
mod tests;
