//! An application (*candidature*) to a call and its workflow, as a state machine
//! (issue 3 of the project, « Applications »):
//!
//! ```text
//!  Draft ─Submit─► Submitted ─StartReview─► UnderReview ─InviteToHearing─► Hearing
//!                                            │   ▲     │                     │   │
//!                          ReturnForCompletion   Resubmit                Select  Reject
//!                                            ▼   │     └──Reject──┐          ▼   ▼
//!                                   ReturnedForCompletion          ▼    Selected Rejected
//!                                                               Rejected
//!
//!  Withdraw: from every status that is not final → Withdrawn.
//!  Final: Selected, Rejected, Withdrawn (no transition leaves them).
//! ```
//!
//! [`apply`] is the single place that decides whether a transition may be taken, by whom
//! ([`crate::access::allows`]), with which reason, and before which deadline. It checks,
//! in this order, and answers with the first failure:
//!
//! 1. the role ([`TransitionError::Forbidden`]) — first, so that a role that may not act
//!    learns nothing about the application's status;
//! 2. the status: final ([`TransitionError::AlreadyFinal`]) or not a source of this
//!    transition ([`TransitionError::NotAllowed`]);
//! 3. the reason, mandatory and non-blank for return, select, reject and withdraw
//!    ([`TransitionError::MissingReason`]);
//! 4. the call's deadline, for [`Transition::Submit`] only
//!    ([`TransitionError::DeadlinePassed`]).
//!
//! The clock is the caller's `now`, read from the **server** clock (issue 3: « Deadlines
//! enforced by the server clock »), never from the request.

use crate::access::{allows, Action, Role};
use crate::call::paris_offset;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;

/// The identifier of an application, as stored (an integer key).
///
/// Used by the committee's ranking ([`crate::scoring::rank`]) as its last tie-break
/// (ascending) and by the declared conflicts of interest ([`crate::conflicts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct ApplicationId(pub i64);

impl fmt::Display for ApplicationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The status of an application (*statut de la candidature*). Source: issue 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ApplicationStatus {
    /// *Brouillon*: being written by the applicant, not yet submitted.
    Draft,
    /// *Déposée*: submitted before the call's closing instant, awaiting review.
    Submitted,
    /// *En instruction*: being reviewed by instructors (opinions requested).
    UnderReview,
    /// *Renvoyée pour complément*: sent back to the applicant to complete.
    ReturnedForCompletion,
    /// *Audition*: invited to be heard by the committee.
    Hearing,
    /// *Retenue*: selected (laureate). Final.
    Selected,
    /// *Non retenue*: rejected. Final.
    Rejected,
    /// *Retirée*: withdrawn by the applicant. Final.
    Withdrawn,
}

impl ApplicationStatus {
    /// Every status, in workflow order.
    pub const ALL: [ApplicationStatus; 8] = [
        ApplicationStatus::Draft,
        ApplicationStatus::Submitted,
        ApplicationStatus::UnderReview,
        ApplicationStatus::ReturnedForCompletion,
        ApplicationStatus::Hearing,
        ApplicationStatus::Selected,
        ApplicationStatus::Rejected,
        ApplicationStatus::Withdrawn,
    ];

    /// Stable code (kebab-case), as stored and in the API: `draft`, `submitted`,
    /// `under-review`, `returned-for-completion`, `hearing`, `selected`, `rejected`,
    /// `withdrawn`.
    pub fn code(self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "draft",
            ApplicationStatus::Submitted => "submitted",
            ApplicationStatus::UnderReview => "under-review",
            ApplicationStatus::ReturnedForCompletion => "returned-for-completion",
            ApplicationStatus::Hearing => "hearing",
            ApplicationStatus::Selected => "selected",
            ApplicationStatus::Rejected => "rejected",
            ApplicationStatus::Withdrawn => "withdrawn",
        }
    }

    /// The status whose [`code`](Self::code) is `code`, `None` for an unknown code.
    pub fn from_code(code: &str) -> Option<ApplicationStatus> {
        ApplicationStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// French label, as users read it: *Brouillon*, *Déposée*, *En instruction*,
    /// *Renvoyée pour complément*, *Audition*, *Retenue*, *Non retenue*, *Retirée*.
    pub fn label(self) -> &'static str {
        match self {
            ApplicationStatus::Draft => "Brouillon",
            ApplicationStatus::Submitted => "Déposée",
            ApplicationStatus::UnderReview => "En instruction",
            ApplicationStatus::ReturnedForCompletion => "Renvoyée pour complément",
            ApplicationStatus::Hearing => "Audition",
            ApplicationStatus::Selected => "Retenue",
            ApplicationStatus::Rejected => "Non retenue",
            ApplicationStatus::Withdrawn => "Retirée",
        }
    }

    /// Whether no transition leaves this status: selected, rejected, withdrawn.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Selected | ApplicationStatus::Rejected | ApplicationStatus::Withdrawn
        )
    }
}

/// A requested change of status, with its reason where one is mandatory.
///
/// Reasons are free French text shown to the applicant and kept in the audit trail; they
/// must not be blank (whitespace only counts as blank).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Transition {
    /// *Déposer*: the applicant submits the draft, before the call closes.
    Submit,
    /// *Ouvrir l'instruction*: an instructor starts the review.
    StartReview,
    /// *Renvoyer pour complément*: an instructor asks the applicant to complete.
    ReturnForCompletion {
        /// What is missing, in French (mandatory).
        reason: String,
    },
    /// *Redéposer*: the applicant sends the completed application back.
    Resubmit,
    /// *Convoquer en audition*: the application is to be heard by the committee.
    InviteToHearing,
    /// *Retenir*: the decision to select.
    Select {
        /// The grounds of the decision (mandatory).
        reason: String,
    },
    /// *Ne pas retenir*: the decision to reject.
    Reject {
        /// The grounds of the decision (mandatory).
        reason: String,
    },
    /// *Retirer*: the applicant withdraws.
    Withdraw {
        /// Why, in the applicant's words (mandatory).
        reason: String,
    },
}

impl Transition {
    /// The kind of this transition, without its reason.
    pub fn kind(&self) -> TransitionKind {
        match self {
            Transition::Submit => TransitionKind::Submit,
            Transition::StartReview => TransitionKind::StartReview,
            Transition::ReturnForCompletion { .. } => TransitionKind::ReturnForCompletion,
            Transition::Resubmit => TransitionKind::Resubmit,
            Transition::InviteToHearing => TransitionKind::InviteToHearing,
            Transition::Select { .. } => TransitionKind::Select,
            Transition::Reject { .. } => TransitionKind::Reject,
            Transition::Withdraw { .. } => TransitionKind::Withdraw,
        }
    }

    /// The reason given, for the transitions that carry one (`None` for the others).
    pub fn reason(&self) -> Option<&str> {
        match self {
            Transition::ReturnForCompletion { reason }
            | Transition::Select { reason }
            | Transition::Reject { reason }
            | Transition::Withdraw { reason } => Some(reason),
            _ => None,
        }
    }
}

/// The kind of a [`Transition`], without payload: what errors and menus name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum TransitionKind {
    /// See [`Transition::Submit`].
    Submit,
    /// See [`Transition::StartReview`].
    StartReview,
    /// See [`Transition::ReturnForCompletion`].
    ReturnForCompletion,
    /// See [`Transition::Resubmit`].
    Resubmit,
    /// See [`Transition::InviteToHearing`].
    InviteToHearing,
    /// See [`Transition::Select`].
    Select,
    /// See [`Transition::Reject`].
    Reject,
    /// See [`Transition::Withdraw`].
    Withdraw,
}

impl TransitionKind {
    /// Every kind, in workflow order.
    pub const ALL: [TransitionKind; 8] = [
        TransitionKind::Submit,
        TransitionKind::StartReview,
        TransitionKind::ReturnForCompletion,
        TransitionKind::Resubmit,
        TransitionKind::InviteToHearing,
        TransitionKind::Select,
        TransitionKind::Reject,
        TransitionKind::Withdraw,
    ];

    /// French label (an infinitive, as on a button): *Déposer*, *Ouvrir l'instruction*,
    /// *Renvoyer pour complément*, *Redéposer*, *Convoquer en audition*, *Retenir*,
    /// *Ne pas retenir*, *Retirer*.
    pub fn label(self) -> &'static str {
        match self {
            TransitionKind::Submit => "Déposer",
            TransitionKind::StartReview => "Ouvrir l'instruction",
            TransitionKind::ReturnForCompletion => "Renvoyer pour complément",
            TransitionKind::Resubmit => "Redéposer",
            TransitionKind::InviteToHearing => "Convoquer en audition",
            TransitionKind::Select => "Retenir",
            TransitionKind::Reject => "Ne pas retenir",
            TransitionKind::Withdraw => "Retirer",
        }
    }

    /// The [`Action`] a role must be allowed ([`allows`]) to take this transition:
    /// [`Action::Apply`] (project lead) to submit, resubmit and withdraw;
    /// [`Action::Review`] (instructor, programme manager) to start review, return for
    /// completion and invite to a hearing; [`Action::Decide`] (programme manager, operator
    /// administrator) to select and reject.
    pub fn action(self) -> Action {
        match self {
            TransitionKind::Submit | TransitionKind::Resubmit | TransitionKind::Withdraw => Action::Apply,
            TransitionKind::StartReview | TransitionKind::ReturnForCompletion | TransitionKind::InviteToHearing => Action::Review,
            TransitionKind::Select | TransitionKind::Reject => Action::Decide,
        }
    }

    /// Whether this transition requires a non-blank reason: return, select, reject,
    /// withdraw.
    pub fn requires_reason(self) -> bool {
        matches!(
            self,
            TransitionKind::ReturnForCompletion | TransitionKind::Select | TransitionKind::Reject | TransitionKind::Withdraw
        )
    }

    /// The status reached by taking this transition from `from`, or `None` when it is not
    /// legal from there (ignoring role, reason and deadline). The table:
    ///
    /// | from | transition | to |
    /// |---|---|---|
    /// | Draft | Submit | Submitted |
    /// | Submitted | StartReview | UnderReview |
    /// | UnderReview | ReturnForCompletion | ReturnedForCompletion |
    /// | ReturnedForCompletion | Resubmit | UnderReview |
    /// | UnderReview | InviteToHearing | Hearing |
    /// | Hearing | Select | Selected |
    /// | UnderReview, Hearing | Reject | Rejected |
    /// | every non-final status | Withdraw | Withdrawn |
    ///
    /// Choices: a resubmitted application goes straight back to review (the instructor
    /// who asked for the complement is already on it); an application may be rejected
    /// during review without a hearing (e.g. ineligible), but selected only after one (the
    /// committee hears before it selects).
    pub fn target(self, from: ApplicationStatus) -> Option<ApplicationStatus> {
        use ApplicationStatus as S;
        use TransitionKind as T;
        match (from, self) {
            (S::Selected | S::Rejected | S::Withdrawn, _) => None,
            (_, T::Withdraw) => Some(S::Withdrawn),
            (S::Draft, T::Submit) => Some(S::Submitted),
            (S::Submitted, T::StartReview) => Some(S::UnderReview),
            (S::UnderReview, T::ReturnForCompletion) => Some(S::ReturnedForCompletion),
            (S::ReturnedForCompletion, T::Resubmit) => Some(S::UnderReview),
            (S::UnderReview, T::InviteToHearing) => Some(S::Hearing),
            (S::Hearing, T::Select) => Some(S::Selected),
            (S::UnderReview | S::Hearing, T::Reject) => Some(S::Rejected),
            _ => None,
        }
    }
}

/// Why a transition was refused by [`apply`]. The French `Display` names the status and
/// the transition, for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The role may not take this kind of transition at all.
    #[error("le rôle « {} » ne permet pas l'action « {} » sur une candidature", role.label(), transition.label())]
    Forbidden {
        /// The acting account's role.
        role: Role,
        /// The transition refused.
        transition: TransitionKind,
    },
    /// The application's status is final: selected, rejected or withdrawn.
    #[error("« {} » impossible : la candidature est « {} », statut définitif", transition.label(), status.label())]
    AlreadyFinal {
        /// The (final) status.
        status: ApplicationStatus,
        /// The transition refused.
        transition: TransitionKind,
    },
    /// The transition does not leave this (non-final) status.
    #[error("« {} » impossible depuis le statut « {} »", transition.label(), from.label())]
    NotAllowed {
        /// The current status.
        from: ApplicationStatus,
        /// The transition refused.
        transition: TransitionKind,
    },
    /// A mandatory reason is missing or blank.
    #[error("« {} » : le motif est obligatoire", transition.label())]
    MissingReason {
        /// The transition refused.
        transition: TransitionKind,
    },
    /// A submission came at or after the call's closing instant (server clock).
    #[error("« Déposer » impossible : l'appel est clos depuis le {} (heure de Paris)", fmt_paris(*closed_at))]
    DeadlinePassed {
        /// The call's closing instant.
        closed_at: OffsetDateTime,
    },
}

/// `dd/mm/yyyy à hh:mm:ss` in French mainland legal time ([`paris_offset`]).
fn fmt_paris(t: OffsetDateTime) -> String {
    let l = t.to_offset(paris_offset(t));
    format!(
        "{:02}/{:02}/{} à {:02}:{:02}:{:02}",
        l.day(),
        u8::from(l.month()),
        l.year(),
        l.hour(),
        l.minute(),
        l.second()
    )
}

/// Takes `transition` from `status` for an account of `role`, at instant `now` (the
/// server clock), for an application to a call closing at `call_closes_at` (`None`: the
/// call states no closing instant, so none is enforced).
///
/// Returns the new status, or the first failing check (order in the module docs):
/// [`TransitionError::Forbidden`], [`TransitionError::AlreadyFinal`],
/// [`TransitionError::NotAllowed`], [`TransitionError::MissingReason`],
/// [`TransitionError::DeadlinePassed`].
///
/// **Deadline.** A submission is accepted strictly before the closing instant:
/// `now < closes_at`; at the closing instant itself it is refused. Only
/// [`Transition::Submit`] is bound by it: a [`Transition::Resubmit`] after a return for
/// completion is accepted past the deadline, because the applicant is then answering the
/// instructor's request (whose timing the instructor chose), not competing for the call;
/// withdrawing is always possible. Rule source: issue 3 of the project.
///
/// This decides the transition only; scoping (that this project lead is the
/// application's own) is the caller's, on top of it.
pub fn apply(
    status: ApplicationStatus,
    transition: &Transition,
    role: Role,
    now: OffsetDateTime,
    call_closes_at: Option<OffsetDateTime>,
) -> Result<ApplicationStatus, TransitionError> {
    let kind = transition.kind();
    if !allows(role, kind.action()) {
        return Err(TransitionError::Forbidden { role, transition: kind });
    }
    if status.is_final() {
        return Err(TransitionError::AlreadyFinal { status, transition: kind });
    }
    let to = kind.target(status).ok_or(TransitionError::NotAllowed {
        from: status,
        transition: kind,
    })?;
    if kind.requires_reason() && transition.reason().is_none_or(|r| r.trim().is_empty()) {
        return Err(TransitionError::MissingReason { transition: kind });
    }
    if let (TransitionKind::Submit, Some(closed_at)) = (kind, call_closes_at) {
        if now >= closed_at {
            return Err(TransitionError::DeadlinePassed { closed_at });
        }
    }
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;
    use ApplicationStatus as S;
    use TransitionKind as T;

    /// A transition of each kind, with a valid reason where one is needed.
    fn sample(kind: TransitionKind) -> Transition {
        let reason = "motif".to_owned();
        match kind {
            T::Submit => Transition::Submit,
            T::StartReview => Transition::StartReview,
            T::ReturnForCompletion => Transition::ReturnForCompletion { reason },
            T::Resubmit => Transition::Resubmit,
            T::InviteToHearing => Transition::InviteToHearing,
            T::Select => Transition::Select { reason },
            T::Reject => Transition::Reject { reason },
            T::Withdraw => Transition::Withdraw { reason },
        }
    }

    /// A role allowed to take `kind`, per the brief.
    fn actor(kind: TransitionKind) -> Role {
        match kind {
            T::Submit | T::Resubmit | T::Withdraw => Role::ProjectLead,
            T::StartReview | T::ReturnForCompletion | T::InviteToHearing => Role::Instructor,
            T::Select | T::Reject => Role::ProgrammeManager,
        }
    }

    // The call of the deadline tests closes on Friday 15 March 2019 at 12:00:00 Paris
    // time. In March 2019 (before the switch of Sunday 31 March) Paris is UTC+1, so the
    // closing instant is 11:00:00 UTC.
    const CLOSES: OffsetDateTime = datetime!(2019-03-15 11:00:00 UTC);
    const BEFORE: OffsetDateTime = datetime!(2019-03-01 09:00:00 UTC);

    #[test]
    fn every_status_and_transition_pair() {
        // Expected outcome, written by hand from issue 3. `o(s)`: accepted, new status s;
        // `Na`: not legal from this status; `Fin`: the status is final.
        #[derive(Debug, PartialEq)]
        enum E {
            O(ApplicationStatus),
            Na,
            Fin,
        }
        use E::*;
        let o = O;
        // Columns: Submit, StartReview, ReturnForCompletion, Resubmit, InviteToHearing,
        // Select, Reject, Withdraw.
        let table: [(ApplicationStatus, [E; 8]); 8] = [
            (S::Draft, [o(S::Submitted), Na, Na, Na, Na, Na, Na, o(S::Withdrawn)]),
            (S::Submitted, [Na, o(S::UnderReview), Na, Na, Na, Na, Na, o(S::Withdrawn)]),
            (
                S::UnderReview,
                [
                    Na,
                    Na,
                    o(S::ReturnedForCompletion),
                    Na,
                    o(S::Hearing),
                    Na,
                    o(S::Rejected),
                    o(S::Withdrawn),
                ],
            ),
            (
                S::ReturnedForCompletion,
                [Na, Na, Na, o(S::UnderReview), Na, Na, Na, o(S::Withdrawn)],
            ),
            (S::Hearing, [Na, Na, Na, Na, Na, o(S::Selected), o(S::Rejected), o(S::Withdrawn)]),
            (S::Selected, [Fin, Fin, Fin, Fin, Fin, Fin, Fin, Fin]),
            (S::Rejected, [Fin, Fin, Fin, Fin, Fin, Fin, Fin, Fin]),
            (S::Withdrawn, [Fin, Fin, Fin, Fin, Fin, Fin, Fin, Fin]),
        ];
        let mut checked = 0;
        for (status, row) in table {
            for (kind, expected) in T::ALL.into_iter().zip(row) {
                let got = apply(status, &sample(kind), actor(kind), BEFORE, Some(CLOSES));
                let got = match got {
                    Ok(s) => O(s),
                    Err(TransitionError::NotAllowed { from, transition }) => {
                        assert_eq!((from, transition), (status, kind));
                        Na
                    }
                    Err(TransitionError::AlreadyFinal { status: s, transition }) => {
                        assert_eq!((s, transition), (status, kind));
                        Fin
                    }
                    Err(other) => panic!("{status:?} × {kind:?}: unexpected {other:?}"),
                };
                assert_eq!(got, expected, "{status:?} × {kind:?}");
                checked += 1;
            }
        }
        assert_eq!(checked, 64);
    }

    #[test]
    fn roles_follow_the_access_policy() {
        // Who may take each kind (by hand from the brief): project lead submits,
        // resubmits, withdraws; instructor and programme manager review; programme
        // manager and operator administrator decide.
        let expected: [(TransitionKind, &[Role]); 8] = [
            (T::Submit, &[Role::ProjectLead]),
            (T::StartReview, &[Role::ProgrammeManager, Role::Instructor]),
            (T::ReturnForCompletion, &[Role::ProgrammeManager, Role::Instructor]),
            (T::Resubmit, &[Role::ProjectLead]),
            (T::InviteToHearing, &[Role::ProgrammeManager, Role::Instructor]),
            (T::Select, &[Role::OperatorAdmin, Role::ProgrammeManager]),
            (T::Reject, &[Role::OperatorAdmin, Role::ProgrammeManager]),
            (T::Withdraw, &[Role::ProjectLead]),
        ];
        for (kind, who) in expected {
            // A status from which `kind` is legal.
            let from = S::ALL.into_iter().find(|s| kind.target(*s).is_some()).unwrap();
            for role in Role::ALL {
                let got = apply(from, &sample(kind), role, BEFORE, Some(CLOSES));
                if who.contains(&role) {
                    assert!(got.is_ok(), "{role:?} {kind:?}: {got:?}");
                } else {
                    assert_eq!(got, Err(TransitionError::Forbidden { role, transition: kind }), "{role:?} {kind:?}");
                }
            }
        }
    }

    #[test]
    fn the_role_is_checked_before_the_status() {
        // An expert learns nothing about a final application's status.
        assert_eq!(
            apply(S::Selected, &sample(T::Select), Role::Expert, BEFORE, None),
            Err(TransitionError::Forbidden {
                role: Role::Expert,
                transition: T::Select
            })
        );
    }

    #[test]
    fn reasons_are_mandatory_and_not_blank() {
        let pm = Role::ProgrammeManager;
        for blank in ["", "   ", "\n\t"] {
            let r = blank.to_owned();
            let cases = [
                (S::UnderReview, Transition::ReturnForCompletion { reason: r.clone() }, pm),
                (S::Hearing, Transition::Select { reason: r.clone() }, pm),
                (S::Hearing, Transition::Reject { reason: r.clone() }, pm),
                (S::Draft, Transition::Withdraw { reason: r.clone() }, Role::ProjectLead),
            ];
            for (from, t, role) in cases {
                assert_eq!(
                    apply(from, &t, role, BEFORE, None),
                    Err(TransitionError::MissingReason { transition: t.kind() }),
                    "{t:?}"
                );
            }
        }
        // A reason with surrounding spaces is not blank.
        let t = Transition::Reject {
            reason: "  hors du périmètre de l'appel ".into(),
        };
        assert_eq!(apply(S::UnderReview, &t, pm, BEFORE, None), Ok(S::Rejected));
    }

    #[test]
    fn submission_deadline_at_the_exact_second() {
        // Closing 12:00:00 Paris (UTC+1 on 15 March 2019) = 11:00:00 UTC.
        let lead = Role::ProjectLead;
        let last_second = datetime!(2019-03-15 10:59:59 UTC); // 11:59:59 Paris
        assert_eq!(
            apply(S::Draft, &Transition::Submit, lead, last_second, Some(CLOSES)),
            Ok(S::Submitted)
        );
        let just_before = datetime!(2019-03-15 10:59:59.999_999_999 UTC);
        assert_eq!(
            apply(S::Draft, &Transition::Submit, lead, just_before, Some(CLOSES)),
            Ok(S::Submitted)
        );
        let closing = datetime!(2019-03-15 11:00:00 UTC); // 12:00:00 Paris
        assert_eq!(
            apply(S::Draft, &Transition::Submit, lead, closing, Some(CLOSES)),
            Err(TransitionError::DeadlinePassed { closed_at: CLOSES })
        );
        // The same instant written with the Paris offset is the same instant.
        let closing_paris = datetime!(2019-03-15 12:00:00 +1);
        assert_eq!(
            apply(S::Draft, &Transition::Submit, lead, closing_paris, Some(CLOSES)),
            Err(TransitionError::DeadlinePassed { closed_at: CLOSES })
        );
        // No closing instant known: nothing to enforce.
        assert_eq!(apply(S::Draft, &Transition::Submit, lead, closing, None), Ok(S::Submitted));
    }

    #[test]
    fn resubmission_and_withdrawal_are_allowed_past_the_deadline() {
        let late = datetime!(2019-04-02 08:00:00 UTC);
        let lead = Role::ProjectLead;
        assert_eq!(
            apply(S::ReturnedForCompletion, &Transition::Resubmit, lead, late, Some(CLOSES)),
            Ok(S::UnderReview)
        );
        let w = Transition::Withdraw {
            reason: "projet abandonné".into(),
        };
        assert_eq!(apply(S::Draft, &w, lead, late, Some(CLOSES)), Ok(S::Withdrawn));
        // Instructors are not bound by the deadline either.
        assert_eq!(
            apply(S::Submitted, &Transition::StartReview, Role::Instructor, late, Some(CLOSES)),
            Ok(S::UnderReview)
        );
    }

    #[test]
    fn french_messages_name_the_status_and_the_transition() {
        let e = apply(S::Draft, &sample(T::Select), Role::ProgrammeManager, BEFORE, None).unwrap_err();
        assert_eq!(e.to_string(), "« Retenir » impossible depuis le statut « Brouillon »");
        let e = apply(S::Rejected, &Transition::Resubmit, Role::ProjectLead, BEFORE, None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "« Redéposer » impossible : la candidature est « Non retenue », statut définitif"
        );
        let e = apply(S::Draft, &Transition::StartReview, Role::ProjectLead, BEFORE, None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "le rôle « Porteur de projet » ne permet pas l'action « Ouvrir l'instruction » sur une candidature"
        );
        let e = apply(
            S::Hearing,
            &Transition::Select { reason: " ".into() },
            Role::OperatorAdmin,
            BEFORE,
            None,
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "« Retenir » : le motif est obligatoire");
        let e = apply(S::Draft, &Transition::Submit, Role::ProjectLead, CLOSES, Some(CLOSES)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "« Déposer » impossible : l'appel est clos depuis le 15/03/2019 à 12:00:00 (heure de Paris)"
        );
        // In summer time: 10:00 UTC on 1 July 2019 is 12:00 Paris (UTC+2).
        let summer = TransitionError::DeadlinePassed {
            closed_at: datetime!(2019-07-01 10:00:00 UTC),
        };
        assert!(
            summer.to_string().ends_with("le 01/07/2019 à 12:00:00 (heure de Paris)"),
            "{summer}"
        );
    }

    #[test]
    fn statuses_round_trip_and_are_labelled_in_french() {
        for s in S::ALL {
            assert_eq!(S::from_code(s.code()), Some(s));
        }
        assert_eq!(S::from_code("accepted"), None);
        let labels: Vec<&str> = S::ALL.into_iter().map(S::label).collect();
        assert_eq!(
            labels,
            [
                "Brouillon",
                "Déposée",
                "En instruction",
                "Renvoyée pour complément",
                "Audition",
                "Retenue",
                "Non retenue",
                "Retirée"
            ]
        );
        let finals: Vec<S> = S::ALL.into_iter().filter(|s| s.is_final()).collect();
        assert_eq!(finals, [S::Selected, S::Rejected, S::Withdrawn]);
    }

    #[test]
    fn transitions_serialise_with_their_kind_and_reason() {
        let t = Transition::Reject {
            reason: "inéligible".into(),
        };
        assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"kind":"reject","reason":"inéligible"}"#);
        assert_eq!(serde_json::to_string(&Transition::Submit).unwrap(), r#"{"kind":"submit"}"#);
        assert_eq!(serde_json::to_string(&S::UnderReview).unwrap(), r#""under-review""#);
    }
}
