//! Impact measurement (issue 4; migration `0012_impact.sql`): indicator definitions and
//! their versions, the fiches' impact sentences and the mapping onto programme
//! indicators ([`catalogue`]), measurements with their review and corrections
//! ([`measurements`]), and which accounts act for a project ([`members`]).
//!
//! Every write appends its audit entry in the same transaction. The rules (review steps,
//! who may enter, period granularity, how values add up) are
//! [`territoires_domain::impact`]'s; this module checks them before writing and stores
//! the outcome. Refusals are [`ImpactRefusal`]s, carried by [`StoreError::Impact`].

mod catalogue;
mod measurements;
mod members;
mod published;

pub use catalogue::{ImportSummary, IndicatorVersion};
pub use measurements::{EventStep, Measurement, MeasurementEvent, NewMeasurement};
pub use members::{MemberRole, ProjectMember};

use crate::accounts::Account;
use crate::StoreError;
use territoires_domain::access::Role;
use territoires_domain::impact::measurement::ReviewError;
use territoires_domain::impact::ImpactError;

/// Who acts on impact data, as the store needs it: the name recorded with the data, the
/// audit trail's actor, the role that decides what may be done, and the account (for
/// record scoping of project leads and partners).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The account, `None` for the command line.
    pub account_id: Option<i64>,
    /// Recorded as `submitted_by`: the account's e-mail, or `cli:<user>`.
    pub name: String,
    /// The role whose rights apply.
    pub role: Role,
}

impl Actor {
    /// A signed-in account, with its own role.
    pub fn account(account: &Account) -> Actor {
        Actor {
            account_id: Some(account.id),
            name: account.email.as_str().to_owned(),
            role: account.role,
        }
    }

    /// The command line, acting on the operator's side (as a programme manager: may enter
    /// and submit for any project, approve and return). `name` is e.g. `cli:alice`.
    pub fn cli(name: &str) -> Actor {
        Actor {
            account_id: None,
            name: name.to_owned(),
            role: Role::ProgrammeManager,
        }
    }

    /// The actor as written in the audit trail: `account:<id>`, or the name for the CLI.
    pub fn audit_name(&self) -> String {
        match self.account_id {
            Some(id) => format!("account:{id}"),
            None => self.name.clone(),
        }
    }
}

/// Why an impact operation was refused, in French, naming the field at fault. Nothing was
/// written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImpactRefusal {
    /// No indicator has this code (maps to « not found »).
    #[error("indicateur : aucun indicateur n'a le code « {0} »")]
    UnknownIndicator(String),
    /// No measurement has this number (maps to « not found »).
    #[error("aucune mesure n'a le numéro {0}")]
    UnknownMeasurement(i64),
    /// An indicator definition is not coherent (the domain's check).
    #[error("indicateur « {code} », {source}")]
    Definition {
        /// The indicator's code.
        code: String,
        /// What is wrong, with the field.
        source: ImpactError,
    },
    /// A field is not acceptable.
    #[error("{field} : {why}")]
    Field {
        /// The field, as named in forms and CSV files (`période`, `valeur`, `déclarant`…).
        field: &'static str,
        /// What is wrong.
        why: String,
    },
    /// The actor's role may not enter measurements at all.
    #[error("le rôle « {} » ne peut pas saisir de mesure", .0.label())]
    MayNotEnter(Role),
    /// The actor (a project lead or partner) is not a member of the project.
    #[error("vous n'êtes ni porteur ni partenaire du projet « {0} »")]
    NotMember(String),
    /// The measurement was already corrected: act on the correction instead.
    #[error("la mesure n° {id} a déjà été remplacée par la mesure n° {by}")]
    Superseded {
        /// The measurement asked.
        id: i64,
        /// The one that replaced it.
        by: i64,
    },
    /// Separation of duties: the actor entered (or corrected) this measurement and may not
    /// approve or return it; another reviewer must.
    #[error("vous avez saisi la mesure n° {0} : une autre personne doit la valider ou la renvoyer")]
    OwnMeasurement(i64),
    /// The review step is refused by the domain's rules.
    #[error("{0}")]
    Review(#[from] ReviewError),
    /// Rows of a bulk import were refused: every one, with its 1-based position in the list
    /// given, in order. Displayed one per line, « mesure n° 3 : … ».
    #[error("{}", rows_text(.0))]
    Rows(Vec<(usize, ImpactRefusal)>),
}

fn rows_text(rows: &[(usize, ImpactRefusal)]) -> String {
    rows.iter()
        .map(|(row, error)| format!("mesure n° {row} : {error}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl ImpactRefusal {
    /// True when the refusal means « no such record » (HTTP 404 rather than 422/409).
    pub fn is_not_found(&self) -> bool {
        matches!(self, ImpactRefusal::UnknownIndicator(_) | ImpactRefusal::UnknownMeasurement(_))
    }
}

/// A refusal as a store error.
pub(crate) fn refuse<T>(r: ImpactRefusal) -> Result<T, StoreError> {
    Err(StoreError::Impact(r))
}

/// A blank-trimmed optional text: `None` for absent or blank.
pub(crate) fn clean(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}
