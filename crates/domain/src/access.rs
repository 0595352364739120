//! Accounts' roles and what each may do: the authorisation policy, enforced server-side by
//! every page and endpoint that acts (issue 3, section 1).
//!
//! A role is what an account is in the programme; an [`Action`] is what a request wants
//! to do. [`allows`] is the single place that decides. Scoping (an expert never sees an
//! application of a partner organisation; a project lead only their project) is decided on
//! top of it by the code that knows the record, never instead of it.

use serde::{Deserialize, Serialize};

/// The role of an account (*rôle*), from the most to the least trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// *Administrateur de l'opérateur*: manages accounts and the platform.
    OperatorAdmin,
    /// *Chargé de programme*: runs calls, decisions, the registry.
    ProgrammeManager,
    /// *Instructeur* (operator, ministry or regional State service): reviews applications.
    Instructor,
    /// *Expert du comité*: scores the applications assigned to them, absent a conflict.
    Expert,
    /// *Porteur de projet*: applies and, once laureate, runs a project.
    ProjectLead,
    /// *Partenaire*: reads and contributes to the projects it is a partner of.
    Partner,
    /// *Public*: anyone not signed in.
    Public,
}

impl Role {
    /// Every role, most trusted first.
    pub const ALL: [Role; 7] = [
        Role::OperatorAdmin,
        Role::ProgrammeManager,
        Role::Instructor,
        Role::Expert,
        Role::ProjectLead,
        Role::Partner,
        Role::Public,
    ];

    /// Stable code (kebab-case), as stored and in the API.
    pub fn code(self) -> &'static str {
        match self {
            Role::OperatorAdmin => "operator-admin",
            Role::ProgrammeManager => "programme-manager",
            Role::Instructor => "instructor",
            Role::Expert => "expert",
            Role::ProjectLead => "project-lead",
            Role::Partner => "partner",
            Role::Public => "public",
        }
    }

    /// The role whose [`code`](Self::code) is `code`.
    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Role::OperatorAdmin => "Administrateur de l'opérateur",
            Role::ProgrammeManager => "Chargé de programme",
            Role::Instructor => "Instructeur",
            Role::Expert => "Expert du comité",
            Role::ProjectLead => "Porteur de projet",
            Role::Partner => "Partenaire",
            Role::Public => "Public",
        }
    }
}

/// What a request wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Read the public registry, calls and checks.
    ReadPublic,
    /// Create, disable or change the role of accounts.
    ManageAccounts,
    /// Import data into the registry.
    ImportData,
    /// Read and export the audit trail.
    ReadAuditTrail,
    /// Create, edit and publish calls.
    ManageCalls,
    /// Create and submit an application (to an open call).
    Apply,
    /// Read applications under review, request opinions, return for completion.
    Review,
    /// Score an application (experts, absent a conflict of interest).
    Score,
    /// Record the committee's deliberation and decide (selected, rejected).
    Decide,
    /// Sign and amend agreements (conventions), record equity investment cases and the
    /// investment committee's decisions, capital calls, distributions, valuations, exits.
    ManageFunding,
    /// Request a disbursement (project leads only for their own project: record scoping).
    RequestDisbursement,
    /// Check a disbursement request's conditions.
    CheckDisbursement,
    /// Approve a checked disbursement (never one's own request or check: the workflow's
    /// separation of duties, decided on the record).
    ApproveDisbursement,
    /// Record an approved disbursement as paid (never one's own approval).
    PayDisbursement,
}

impl Action {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Action::ReadPublic => "Consulter le registre public",
            Action::ManageAccounts => "Gérer les comptes",
            Action::ImportData => "Importer des données",
            Action::ReadAuditTrail => "Consulter le journal d'audit",
            Action::ManageCalls => "Gérer et publier les appels",
            Action::Apply => "Déposer une candidature",
            Action::Review => "Instruire les candidatures",
            Action::Score => "Noter les candidatures",
            Action::Decide => "Délibérer et décider",
            Action::ManageFunding => "Gérer les conventions et les investissements",
            Action::RequestDisbursement => "Demander un versement",
            Action::CheckDisbursement => "Vérifier les conditions d'un versement",
            Action::ApproveDisbursement => "Approuver un versement",
            Action::PayDisbursement => "Enregistrer un paiement",
        }
    }

    /// Every action.
    pub const ALL: [Action; 14] = [
        Action::ReadPublic,
        Action::ManageAccounts,
        Action::ImportData,
        Action::ReadAuditTrail,
        Action::ManageCalls,
        Action::Apply,
        Action::Review,
        Action::Score,
        Action::Decide,
        Action::ManageFunding,
        Action::RequestDisbursement,
        Action::CheckDisbursement,
        Action::ApproveDisbursement,
        Action::PayDisbursement,
    ];
}

/// Whether `role` may take `action`, before any scoping to a record.
///
/// The rules (issue 3): everyone reads what is public; only the operator's administrator
/// manages accounts; administrators and programme managers import data, read the audit
/// trail, manage calls and decide; instructors and programme managers review; experts
/// score; project leads apply. Partners act only through the projects they belong to
/// (record scoping), so they hold no programme-wide action beyond reading.
///
/// Funding (issue 5): programme managers and administrators manage agreements and
/// investments; project leads (for their project) and programme managers request
/// disbursements; instructors and programme managers check them; programme managers
/// approve; programme managers and administrators (the operator's accounting) record
/// payments. The workflow ([`crate::funding::disbursement::take_step`]) adds separation
/// of duties: nobody checks a request they made, approves a request they made or checked,
/// nor pays a request they made or approved.
pub fn allows(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        ReadPublic => true,
        ManageAccounts => role == OperatorAdmin,
        ImportData | ReadAuditTrail | ManageCalls | Decide => matches!(role, OperatorAdmin | ProgrammeManager),
        Review => matches!(role, ProgrammeManager | Instructor),
        Score => role == Expert,
        Apply => role == ProjectLead,
        ManageFunding | PayDisbursement => matches!(role, OperatorAdmin | ProgrammeManager),
        RequestDisbursement => matches!(role, ProgrammeManager | ProjectLead),
        CheckDisbursement => matches!(role, ProgrammeManager | Instructor),
        ApproveDisbursement => role == ProgrammeManager,
    }
}

/// An e-mail address, the login of a local account, normalised so that one mailbox is one
/// login: trimmed and lower-cased, ASCII only (an internationalised domain is written in
/// its `xn--` form, so that look-alike letters cannot make a second login), exactly one
/// `@`, a non-empty local part of printable characters, a domain of at least two
/// dot-separated labels of letters, digits and inner hyphens; 254 characters at most
/// (RFC 5321).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

/// Why an e-mail address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid e-mail address {0:?}: expected name@domain.tld")]
pub struct EmailError(pub String);

impl Email {
    /// Parses and normalises an address; errors name the input (cut to 80 characters).
    pub fn parse(raw: &str) -> Result<Email, EmailError> {
        let bad = || EmailError(raw.chars().take(80).collect());
        let s = raw.trim().to_ascii_lowercase();
        if s.len() > 254 || !s.chars().all(|c| c.is_ascii_graphic()) {
            return Err(bad());
        }
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        let label_ok =
            |l: &str| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-') && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        let labels: Vec<&str> = domain.split('.').collect();
        if local.is_empty() || local.contains('@') || labels.len() < 2 || !labels.iter().all(|l| label_ok(l)) {
            return Err(bad());
        }
        Ok(Email(s))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Minimum length of a local account's password (characters), after ANSSI's guidance
/// for passwords protecting non-critical accounts combined with throttling.
pub const MIN_PASSWORD_CHARS: usize = 12;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_administrator_manages_accounts() {
        let who: Vec<Role> = Role::ALL.into_iter().filter(|r| allows(*r, Action::ManageAccounts)).collect();
        assert_eq!(who, [Role::OperatorAdmin]);
    }

    #[test]
    fn the_public_only_reads() {
        let what: Vec<Action> = Action::ALL.into_iter().filter(|a| allows(Role::Public, *a)).collect();
        assert_eq!(what, [Action::ReadPublic]);
        assert!(!allows(Role::Partner, Action::Apply), "partners act through their project's lead");
    }

    #[test]
    fn experts_score_but_neither_review_nor_decide() {
        assert!(allows(Role::Expert, Action::Score));
        assert!(!allows(Role::Expert, Action::Review));
        assert!(!allows(Role::Expert, Action::Decide));
        assert!(!allows(Role::Instructor, Action::Decide));
    }

    #[test]
    fn funding_actions_follow_the_separation_of_duties() {
        let who = |a: Action| -> Vec<Role> { Role::ALL.into_iter().filter(|r| allows(*r, a)).collect() };
        assert_eq!(who(Action::ManageFunding), [Role::OperatorAdmin, Role::ProgrammeManager]);
        assert_eq!(who(Action::RequestDisbursement), [Role::ProgrammeManager, Role::ProjectLead]);
        assert_eq!(who(Action::CheckDisbursement), [Role::ProgrammeManager, Role::Instructor]);
        assert_eq!(who(Action::ApproveDisbursement), [Role::ProgrammeManager]);
        assert_eq!(who(Action::PayDisbursement), [Role::OperatorAdmin, Role::ProgrammeManager]);
    }

    #[test]
    fn roles_round_trip_through_their_codes() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::from_code("root"), None);
    }

    #[test]
    fn emails_are_normalised_ascii_logins() {
        // One mailbox, one login: case folded, spaces trimmed.
        assert_eq!(
            Email::parse(" Anne.Martin@Banque-Territoires.FR ").unwrap().as_str(),
            "anne.martin@banque-territoires.fr"
        );
        assert_eq!(Email::parse("ANNE@x.fr"), Email::parse("anne@X.FR"));
        assert_eq!(Email::parse("anne@xn--bcher-kva.de").unwrap().as_str(), "anne@xn--bcher-kva.de");
        // A Cyrillic « е » in « tеst » would make a look-alike second login.
        for bad in [
            "",
            "anne",
            "@x.fr",
            "anne@",
            "anne@x",
            "a b@x.fr",
            "a@b@x.fr",
            "anne@.fr",
            "a@b..fr",
            "a@-b.fr",
            "a@x.fr;drop",
            "admin@t\u{435}st.fr",
            "a\t@x.fr",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }
}
