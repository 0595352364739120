//! The funding ledger (issue 5, §1 and §5): an append-only, double-entry journal of every
//! movement of money, from an envelope to a project, to an agreement, to a payee, with who,
//! when and why. Balances are **derived** from the entries, never stored, and every entry
//! is checked against the ceilings before it is appended ([`check_entry`]).
//!
//! The three movements and the accounts they join (money goes from the credited account
//! to the debited one):
//!
//! | movement                 | credit (from)                   | debit (to)              |
//! |--------------------------|---------------------------------|-------------------------|
//! | [`Movement::Plan`]       | `envelope:subsidy`              | `project:biovallee:subsidy` |
//! | [`Movement::Commit`]     | `project:biovallee:subsidy`     | `agreement:42`          |
//! | [`Movement::Release`]    | `agreement:42`                  | `project:biovallee:subsidy` |
//! | [`Movement::Disburse`]   | `agreement:42`                  | `payee:…`               |
//! | [`Movement::Return`]     | `payee:…`                       | `investment:7`          |
//!
//! An equity investment (`investment:N`) is a commitment holder like an agreement
//! (`agreement:N`), drawing on the equity envelope only. A release (*désengagement*) gives
//! back to the project what an amendment or a cancellation frees; a return (*retour*) is
//! money coming back from a payee (an equity distribution or exit proceeds, a reimbursed
//! subsidy): it is recorded, gross, and never frees room under a ceiling.
//!
//! Rules (checked in this order, the first broken one is reported):
//! - every amount is strictly positive, and every entry says who and why;
//! - sequence numbers strictly increase (append-only);
//! - a plan is informative: it may exceed the envelope — that is what
//!   [`super::ceilings`] reports — but not the project's ceiling;
//! - a commitment stays within the envelope's remaining room (cap − committed), then within
//!   the project's remaining ceiling (ceiling − committed);
//! - an agreement belongs to the project of its first commitment; a later commitment from
//!   another project is refused;
//! - a disbursement, or a release, stays within what is committed and not yet paid on its
//!   agreement or investment, and therefore within the project's ceiling and the envelope's cap;
//! - a return goes to an agreement or investment that has a commitment.
//!
//! Units: amounts in euro cents ([`Money`]), all arithmetic checked (an overflow is an
//! error, never a wrap). Dates are calendar dates; the burn-down is by calendar year.

use crate::money::Money;
use crate::programme::EnvelopeKind;
use crate::registry::Registry;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use time::Date;

/// A ledger account, with a stable code string ([`Account::code`], parsed back by
/// [`str::parse`]): `envelope:subsidy`, `project:biovallee:equity`, `agreement:42`,
/// `investment:7`, `payee:SIREN-123456789`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Account {
    /// One of the programme's envelopes (`envelope:subsidy`, `envelope:equity`).
    Envelope(EnvelopeKind),
    /// A project's ceiling in one envelope (`project:SLUG:subsidy`): its subsidy ceiling
    /// or its investment potential.
    Project {
        /// The project's slug.
        slug: String,
        /// The envelope the ceiling draws on.
        kind: EnvelopeKind,
    },
    /// An agreement (*convention*) by its identifier (`agreement:42`).
    Agreement(u64),
    /// An equity investment (*investissement*) by its identifier (`investment:7`); equity
    /// envelope only.
    Investment(u64),
    /// Whoever is paid (`payee:ID`, the identifier being free text without control
    /// characters, e.g. a SIREN).
    Payee(String),
}

fn kind_code(kind: EnvelopeKind) -> &'static str {
    match kind {
        EnvelopeKind::Subsidy => "subsidy",
        EnvelopeKind::Equity => "equity",
    }
}

fn parse_kind(code: &str) -> Option<EnvelopeKind> {
    match code {
        "subsidy" => Some(EnvelopeKind::Subsidy),
        "equity" => Some(EnvelopeKind::Equity),
        _ => None,
    }
}

impl Account {
    /// The stable code string of the account (see the type's documentation).
    pub fn code(&self) -> String {
        match self {
            Account::Envelope(k) => format!("envelope:{}", kind_code(*k)),
            Account::Project { slug, kind } => format!("project:{slug}:{}", kind_code(*kind)),
            Account::Agreement(id) => format!("agreement:{id}"),
            Account::Investment(id) => format!("investment:{id}"),
            Account::Payee(id) => format!("payee:{id}"),
        }
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

/// A code string that names no account.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("compte inconnu : « {0} » (attendu envelope:KIND, project:SLUG:KIND, agreement:N, investment:N ou payee:ID)")]
pub struct AccountCodeError(pub String);

impl FromStr for Account {
    type Err = AccountCodeError;

    /// Parses a code made by [`Account::code`]. Errors: [`AccountCodeError`] quoting the
    /// code when its prefix, envelope kind or number is unknown, or a name is empty.
    fn from_str(code: &str) -> Result<Account, AccountCodeError> {
        let bad = || AccountCodeError(code.to_string());
        let (prefix, rest) = code.split_once(':').ok_or_else(bad)?;
        match prefix {
            "envelope" => parse_kind(rest).map(Account::Envelope).ok_or_else(bad),
            "project" => {
                let (slug, kind) = rest.rsplit_once(':').ok_or_else(bad)?;
                let kind = parse_kind(kind).ok_or_else(bad)?;
                if slug.is_empty() {
                    return Err(bad());
                }
                Ok(Account::Project {
                    slug: slug.to_string(),
                    kind,
                })
            }
            "agreement" => rest.parse().map(Account::Agreement).map_err(|_| bad()),
            "investment" => rest.parse().map(Account::Investment).map_err(|_| bad()),
            "payee" if !rest.is_empty() && !rest.chars().any(char::is_control) => Ok(Account::Payee(rest.to_string())),
            _ => Err(bad()),
        }
    }
}

impl TryFrom<String> for Account {
    type Error = AccountCodeError;
    fn try_from(code: String) -> Result<Account, AccountCodeError> {
        code.parse()
    }
}

impl From<Account> for String {
    fn from(account: Account) -> String {
        account.code()
    }
}

/// What a movement does (see the module documentation for the accounts it joins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Movement {
    /// Planned (*prévu*): an envelope's money earmarked for a project.
    Plan,
    /// Committed (*engagé*): a project's money committed to an agreement.
    Commit,
    /// Disbursed (*versé*): an agreement's money paid out.
    Disburse,
    /// Released (*désengagé*): committed money given back to the project (an amendment
    /// lowering an agreement, a cancelled investment); at most what is unpaid.
    Release,
    /// Returned (*retour*): money coming back from a payee (distribution, exit proceeds,
    /// reimbursement). Gross: it never frees room under a ceiling.
    Return,
}

impl Movement {
    /// French label: *prévision*, *engagement*, *versement*.
    pub fn label(self) -> &'static str {
        match self {
            Movement::Plan => "prévision",
            Movement::Commit => "engagement",
            Movement::Disburse => "versement",
            Movement::Release => "désengagement",
            Movement::Return => "retour",
        }
    }
}

/// One ledger entry: `amount` goes from `credit` to `debit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Sequence number, strictly increasing along the journal.
    pub seq: u64,
    /// Value date of the movement.
    pub at: Date,
    /// Planned, committed or disbursed.
    pub movement: Movement,
    /// The account receiving the amount.
    pub debit: Account,
    /// The account giving the amount.
    pub credit: Account,
    /// Strictly positive amount (cents).
    pub amount: Money,
    /// Who recorded the movement (a user identifier), not empty.
    pub who: String,
    /// Why (decision, deliberation, request), not empty.
    pub why: String,
}

/// Which ceiling a refused entry would break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ceiling {
    /// The envelope's cap, less what is already committed on it.
    Envelope,
    /// The project's ceiling (subsidy ceiling or investment potential), less what is
    /// already committed (or, for a plan, planned) on it.
    Project,
    /// What is committed on the agreement (or investment) and not yet paid.
    Agreement,
}

impl Ceiling {
    /// French wording, used in error messages.
    pub fn label(self) -> &'static str {
        match self {
            Ceiling::Envelope => "le plafond de l'enveloppe",
            Ceiling::Project => "le plafond du projet",
            Ceiling::Agreement => "le montant engagé non versé de la convention ou de l'investissement",
        }
    }
}

impl fmt::Display for Ceiling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why an entry is refused (or a journal cannot be read). Messages are French, amounts
/// written like `1 234,56 €`, and every variant names the entry by its sequence number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// The amount is zero or negative.
    #[error("écriture n° {seq} : le montant doit être strictement positif (reçu {amount})")]
    NotPositive {
        /// The entry's sequence number.
        seq: u64,
        /// The amount given (cents).
        amount: Money,
    },
    /// `who` or `why` is empty.
    #[error("écriture n° {seq} : le champ « {field} » est vide : chaque mouvement dit qui et pourquoi")]
    Unjustified {
        /// The entry's sequence number.
        seq: u64,
        /// `who` or `why`.
        field: &'static str,
    },
    /// The sequence number does not follow the journal's last one.
    #[error("écriture n° {seq} : le journal est en ajout seul et sa dernière écriture porte le n° {last}")]
    OutOfSequence {
        /// The entry's sequence number.
        seq: u64,
        /// The journal's last sequence number.
        last: u64,
    },
    /// The accounts do not fit the movement (see the module documentation).
    #[error("écriture n° {seq} : une {} ne peut aller de {credit} vers {debit}", movement.label())]
    WrongAccounts {
        /// The entry's sequence number.
        seq: u64,
        /// The movement.
        movement: Movement,
        /// The debited account's code.
        debit: String,
        /// The credited account's code.
        credit: String,
    },
    /// An agreement or investment receives a commitment from (or releases to) another
    /// project than its first one.
    #[error("écriture n° {seq} : {holder} relève de {expected}, pas de {given}")]
    AgreementMismatch {
        /// The entry's sequence number.
        seq: u64,
        /// The agreement's or investment's account code.
        holder: String,
        /// The project account of its first commitment.
        expected: String,
        /// The project account of this entry.
        given: String,
    },
    /// A disbursement, release or return on an agreement or investment on which nothing
    /// was ever committed.
    #[error("écriture n° {seq} : {holder} n'a aucun engagement")]
    UnknownAgreement {
        /// The entry's sequence number.
        seq: u64,
        /// The agreement's or investment's account code.
        holder: String,
    },
    /// No cap is known for the envelope or project the entry draws on.
    #[error("écriture n° {seq} : aucun plafond connu pour {account}")]
    NoCeiling {
        /// The entry's sequence number.
        seq: u64,
        /// The account's code.
        account: String,
    },
    /// The entry would go beyond a ceiling by `excess` cents.
    #[error(
        "écriture n° {seq} : {} de {amount} dépasse {ceiling} ({account}) de {excess} : il ne reste que {remaining}",
        movement.label()
    )]
    CeilingExceeded {
        /// The entry's sequence number.
        seq: u64,
        /// The movement refused.
        movement: Movement,
        /// Which ceiling.
        ceiling: Ceiling,
        /// The code of the account whose ceiling it is.
        account: String,
        /// The amount asked for (cents).
        amount: Money,
        /// What was left under the ceiling before the entry (cents).
        remaining: Money,
        /// By how much the ceiling would be exceeded (cents): `amount − remaining`.
        excess: Money,
    },
    /// A sum did not fit in `i64` cents.
    #[error("écriture n° {seq} : montant hors limites")]
    Overflow {
        /// The entry's sequence number.
        seq: u64,
    },
}

impl LedgerError {
    /// The sequence number of the entry the error is about.
    pub fn seq(&self) -> u64 {
        match self {
            LedgerError::NotPositive { seq, .. }
            | LedgerError::Unjustified { seq, .. }
            | LedgerError::OutOfSequence { seq, .. }
            | LedgerError::WrongAccounts { seq, .. }
            | LedgerError::AgreementMismatch { seq, .. }
            | LedgerError::UnknownAgreement { seq, .. }
            | LedgerError::NoCeiling { seq, .. }
            | LedgerError::CeilingExceeded { seq, .. }
            | LedgerError::Overflow { seq } => *seq,
        }
    }

    /// The French message without its « écriture n° N : » prefix: for an entry that was
    /// refused, hence never written, whose number would name nothing in the journal
    /// (`une commitment de 10 € dépasse …` rather than `écriture n° 62 : …`). The full
    /// message ([`std::fmt::Display`]) stays for errors about stored entries.
    pub fn reason(&self) -> String {
        let full = self.to_string();
        let prefix = format!("écriture n° {} : ", self.seq());
        full.strip_prefix(&prefix).map_or_else(|| full.clone(), str::to_owned)
    }
}

/// The caps the entries are checked against (cents): one per envelope, and one per
/// project and envelope (the fiche's subsidy ceiling for subsidies, its investment
/// potential for equity).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caps {
    /// Envelope caps.
    pub envelopes: BTreeMap<EnvelopeKind, Money>,
    /// Project ceilings, by slug and envelope.
    pub projects: BTreeMap<(String, EnvelopeKind), Money>,
}

impl Caps {
    /// The programme's envelope caps and every project's subsidy ceiling and investment
    /// potential, as the fiches give them.
    pub fn from_registry(registry: &Registry) -> Caps {
        let envelopes = registry.programme.envelopes.iter().map(|e| (e.kind, e.cap)).collect();
        let mut projects = BTreeMap::new();
        for p in &registry.projects {
            projects.insert((p.slug.clone(), EnvelopeKind::Subsidy), p.subsidy_ceiling);
            projects.insert((p.slug.clone(), EnvelopeKind::Equity), p.investment_potential);
        }
        Caps { envelopes, projects }
    }

    /// The cap of envelope `kind`, if known.
    pub fn envelope(&self, kind: EnvelopeKind) -> Option<Money> {
        self.envelopes.get(&kind).copied()
    }

    /// The ceiling of project `slug` in envelope `kind`, if known.
    pub fn project(&self, slug: &str, kind: EnvelopeKind) -> Option<Money> {
        self.projects.get(&(slug.to_string(), kind)).copied()
    }
}

/// Planned, committed, disbursed and returned totals of one account (cents), derived from
/// the journal. An agreement is never planned (its `planned` is zero).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Balance {
    /// Σ plans.
    pub planned: Money,
    /// Σ commitments − Σ releases.
    pub committed: Money,
    /// Σ disbursements.
    pub disbursed: Money,
    /// Σ returns (distributions, proceeds, reimbursements), gross.
    pub returned: Money,
}

impl Balance {
    /// What is committed and not yet paid: `committed − disbursed`; `None` on overflow.
    pub fn unpaid(&self) -> Option<Money> {
        self.committed.checked_sub(self.disbursed)
    }

    /// What is left under `cap`: `cap − committed` (negative if a cap was lowered below
    /// what is committed); `None` on overflow.
    pub fn remaining(&self, cap: Money) -> Option<Money> {
        cap.checked_sub(self.committed)
    }

    fn add(&mut self, movement: Movement, amount: Money) -> Option<()> {
        let slot = match movement {
            Movement::Plan => &mut self.planned,
            Movement::Commit => &mut self.committed,
            Movement::Disburse => &mut self.disbursed,
            Movement::Return => &mut self.returned,
            Movement::Release => {
                self.committed = self.committed.checked_sub(amount)?;
                return Some(());
            }
        };
        *slot = slot.checked_add(amount)?;
        Some(())
    }
}

/// The journal: the entries in order, and the balances folded from them (a cache of the
/// entries, rebuilt by [`Journal::from_entries`]; nothing else is stored).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Journal {
    entries: Vec<Entry>,
    envelopes: BTreeMap<EnvelopeKind, Balance>,
    projects: BTreeMap<(String, EnvelopeKind), Balance>,
    /// Agreements and investments (the commitment holders), by account: their totals and
    /// the project (slug, envelope) of their first commitment.
    holders: BTreeMap<Account, (Balance, String, EnvelopeKind)>,
    /// The sequence number of the last entry before `entries` (a partial journal built by
    /// [`Journal::from_balances`]); `None` for a journal holding its whole history.
    base_seq: Option<u64>,
}

impl Journal {
    /// An empty journal.
    pub fn new() -> Journal {
        Journal::default()
    }

    /// Rebuilds a journal from stored entries, in order, checking their shape (accounts,
    /// positive amounts, sequence, agreement ownership) and their sums, but not the caps:
    /// use [`check_entry`] before appending, and [`Journal::replay`] to audit a history
    /// against caps. Errors: the first entry's [`LedgerError`].
    pub fn from_entries(entries: impl IntoIterator<Item = Entry>) -> Result<Journal, LedgerError> {
        let mut journal = Journal::new();
        for entry in entries {
            journal.check_shape(&entry)?;
            journal.post(entry)?;
        }
        Ok(journal)
    }

    /// Rebuilds a journal from stored entries, checking each against `caps` as it was
    /// appended ([`check_entry`]). Errors: the first refused entry's [`LedgerError`].
    pub fn replay(entries: impl IntoIterator<Item = Entry>, caps: &Caps) -> Result<Journal, LedgerError> {
        let mut journal = Journal::new();
        for entry in entries {
            journal.append(entry, caps)?;
        }
        Ok(journal)
    }

    /// Checks `entry` ([`check_entry`]) and appends it. Errors: the check's; the journal
    /// is unchanged on error.
    pub fn append(&mut self, entry: Entry, caps: &Caps) -> Result<(), LedgerError> {
        check_entry(self, &entry, caps)?;
        self.post(entry)
    }

    /// A **partial** journal: the balances of some accounts and the last sequence number,
    /// without the entries that made them — enough for [`check_entry`] and
    /// [`Journal::append`] of entries touching only these accounts, in time independent of
    /// the journal's length (the store keeps such balances beside the entries). `last_seq`
    /// is the last stored entry's sequence number (`None` when the ledger is empty);
    /// `holders` gives each agreement or investment with its totals and project (slug,
    /// envelope). [`Journal::entries`] then holds only the entries appended since, so
    /// [`burn_down`] must be given a whole journal.
    pub fn from_balances(
        last_seq: Option<u64>,
        envelopes: impl IntoIterator<Item = (EnvelopeKind, Balance)>,
        projects: impl IntoIterator<Item = ((String, EnvelopeKind), Balance)>,
        holders: impl IntoIterator<Item = (Account, Balance, String, EnvelopeKind)>,
    ) -> Journal {
        Journal {
            entries: Vec::new(),
            envelopes: envelopes.into_iter().collect(),
            projects: projects.into_iter().collect(),
            holders: holders.into_iter().map(|(a, b, s, k)| (a, (b, s, k))).collect(),
            base_seq: last_seq,
        }
    }

    /// The sequence number of the last entry (`None` for an empty journal).
    pub fn last_seq(&self) -> Option<u64> {
        self.entries.last().map(|e| e.seq).or(self.base_seq)
    }

    /// Every envelope with its totals, in envelope order.
    pub fn envelopes(&self) -> impl Iterator<Item = (EnvelopeKind, &Balance)> {
        self.envelopes.iter().map(|(k, b)| (*k, b))
    }

    /// Every project account (slug, envelope) with its totals, in order.
    pub fn projects(&self) -> impl Iterator<Item = (&str, EnvelopeKind, &Balance)> {
        self.projects.iter().map(|((s, k), b)| (s.as_str(), *k, b))
    }

    /// The entries, in order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The totals of envelope `kind`.
    pub fn envelope(&self, kind: EnvelopeKind) -> Balance {
        self.envelopes.get(&kind).copied().unwrap_or_default()
    }

    /// The totals of project `slug` in envelope `kind`.
    pub fn project(&self, slug: &str, kind: EnvelopeKind) -> Balance {
        self.projects.get(&(slug.to_string(), kind)).copied().unwrap_or_default()
    }

    /// The totals of agreement `id` (zero when unknown).
    pub fn agreement(&self, id: u64) -> Balance {
        self.holder(&Account::Agreement(id))
    }

    /// The totals of investment `id` (zero when unknown).
    pub fn investment(&self, id: u64) -> Balance {
        self.holder(&Account::Investment(id))
    }

    /// The totals of a commitment holder (`agreement:N` or `investment:N`; zero when
    /// unknown or another kind of account).
    pub fn holder(&self, account: &Account) -> Balance {
        self.holders.get(account).map(|a| a.0).unwrap_or_default()
    }

    /// Every commitment holder (agreements and investments) with its totals and project
    /// (slug, envelope), in account order.
    pub fn holders(&self) -> impl Iterator<Item = (&Account, &Balance, &str, EnvelopeKind)> {
        self.holders.iter().map(|(a, (b, slug, kind))| (a, b, slug.as_str(), *kind))
    }

    /// The project (slug and envelope) agreement `id` belongs to, if it has a commitment.
    pub fn agreement_project(&self, id: u64) -> Option<(&str, EnvelopeKind)> {
        self.holder_project(&Account::Agreement(id))
    }

    /// The project (slug and envelope) of a commitment holder, if it has a commitment.
    pub fn holder_project(&self, account: &Account) -> Option<(&str, EnvelopeKind)> {
        self.holders.get(account).map(|(_, slug, kind)| (slug.as_str(), *kind))
    }

    /// The structural rules: positive amount, who and why, sequence, accounts fitting the
    /// movement, agreement ownership. Returns the project (slug, envelope) drawn on.
    fn check_shape(&self, e: &Entry) -> Result<(String, EnvelopeKind), LedgerError> {
        let seq = e.seq;
        if e.amount <= Money::ZERO {
            return Err(LedgerError::NotPositive { seq, amount: e.amount });
        }
        for (field, value) in [("who", &e.who), ("why", &e.why)] {
            if value.trim().is_empty() {
                return Err(LedgerError::Unjustified { seq, field });
            }
        }
        if let Some(last) = self.last_seq() {
            if seq <= last {
                return Err(LedgerError::OutOfSequence { seq, last });
            }
        }
        let wrong = || LedgerError::WrongAccounts {
            seq,
            movement: e.movement,
            debit: e.debit.code(),
            credit: e.credit.code(),
        };
        let is_holder = |a: &Account| matches!(a, Account::Agreement(_) | Account::Investment(_));
        // The holder's project, or the refusal when it has none.
        let owner = |holder: &Account| match self.holders.get(holder) {
            Some((_, slug, kind)) => Ok((slug.clone(), *kind)),
            None => Err(LedgerError::UnknownAgreement {
                seq,
                holder: holder.code(),
            }),
        };
        // A holder joined to a project must belong to it (when it already has one).
        let same_project = |holder: &Account, slug: &String, kind: &EnvelopeKind| match self.holders.get(holder) {
            Some((_, s, k)) if (s, k) != (slug, kind) => Err(LedgerError::AgreementMismatch {
                seq,
                holder: holder.code(),
                expected: Account::Project { slug: s.clone(), kind: *k }.code(),
                given: Account::Project {
                    slug: slug.clone(),
                    kind: *kind,
                }
                .code(),
            }),
            _ => Ok((slug.clone(), *kind)),
        };
        match (e.movement, &e.credit, &e.debit) {
            (Movement::Plan, Account::Envelope(k), Account::Project { slug, kind }) if k == kind => Ok((slug.clone(), *kind)),
            // An investment draws on the equity envelope only.
            (
                Movement::Commit,
                Account::Project {
                    kind: EnvelopeKind::Subsidy,
                    ..
                },
                Account::Investment(_),
            ) => Err(wrong()),
            (Movement::Commit, Account::Project { slug, kind }, holder) if is_holder(holder) => same_project(holder, slug, kind),
            (Movement::Release, holder, Account::Project { slug, kind }) if is_holder(holder) => {
                owner(holder)?;
                same_project(holder, slug, kind)
            }
            (Movement::Disburse, holder, Account::Payee(_)) if is_holder(holder) => owner(holder),
            (Movement::Return, Account::Payee(_), holder) if is_holder(holder) => owner(holder),
            _ => Err(wrong()),
        }
    }

    /// Adds a shape-checked entry to the balances and the entries; all or nothing.
    fn post(&mut self, e: Entry) -> Result<(), LedgerError> {
        let overflow = LedgerError::Overflow { seq: e.seq };
        let holder = [&e.credit, &e.debit]
            .into_iter()
            .find(|a| matches!(a, Account::Agreement(_) | Account::Investment(_)))
            .cloned();
        let (slug, kind) = match (&e.credit, &e.debit) {
            (Account::Project { slug, kind }, _) | (_, Account::Project { slug, kind }) => Some((slug.clone(), *kind)),
            _ => holder
                .as_ref()
                .and_then(|h| self.holder_project(h))
                .map(|(s, k)| (s.to_string(), k)),
        }
        // Never `None` after `check_shape`; reported rather than unwrapped all the same.
        .ok_or(overflow.clone())?;
        let mut envelope = self.envelope(kind);
        let mut project = self.project(&slug, kind);
        envelope.add(e.movement, e.amount).ok_or(overflow.clone())?;
        project.add(e.movement, e.amount).ok_or(overflow.clone())?;
        let agreement = match holder {
            Some(h) => {
                let mut b = self.holder(&h);
                b.add(e.movement, e.amount).ok_or(overflow)?;
                Some((h, b))
            }
            None => None,
        };
        self.envelopes.insert(kind, envelope);
        self.projects.insert((slug.clone(), kind), project);
        if let Some((id, b)) = agreement {
            self.holders.insert(id, (b, slug, kind));
        }
        self.entries.push(e);
        Ok(())
    }
}

/// Checks that `entry` may be appended to `journal` under `caps`: the structural rules,
/// then the ceilings, in the order of the module documentation. Checking is sequential:
/// two commitments each within the room but together beyond it — the second is refused
/// once the first is appended.
///
/// Errors: [`LedgerError`] — for a ceiling, [`LedgerError::CeilingExceeded`] names which
/// ceiling, the account, what was left and the excess in cents; [`LedgerError::NoCeiling`]
/// when the envelope or project has no known cap (nothing is committed without a cap).
///
/// Source: issue 5, §1 and §5.
pub fn check_entry(journal: &Journal, entry: &Entry, caps: &Caps) -> Result<(), LedgerError> {
    let (slug, kind) = journal.check_shape(entry)?;
    let seq = entry.seq;
    let overflow = LedgerError::Overflow { seq };
    let project_account = Account::Project { slug: slug.clone(), kind };
    let project_cap = || {
        caps.project(&slug, kind).ok_or(LedgerError::NoCeiling {
            seq,
            account: project_account.code(),
        })
    };
    let within = |ceiling: Ceiling, account: &Account, remaining: Money| {
        if entry.amount <= remaining {
            return Ok(());
        }
        Err(LedgerError::CeilingExceeded {
            seq,
            movement: entry.movement,
            ceiling,
            account: account.code(),
            amount: entry.amount,
            remaining,
            excess: entry.amount.checked_sub(remaining).ok_or(overflow.clone())?,
        })
    };
    match (entry.movement, &entry.credit) {
        (Movement::Plan, _) => {
            let planned = journal.project(&slug, kind).planned;
            let left = project_cap()?.checked_sub(planned).ok_or(overflow.clone())?;
            within(Ceiling::Project, &project_account, left)
        }
        (Movement::Commit, _) => {
            let envelope_account = Account::Envelope(kind);
            let cap = caps.envelope(kind).ok_or(LedgerError::NoCeiling {
                seq,
                account: envelope_account.code(),
            })?;
            let left = journal.envelope(kind).remaining(cap).ok_or(overflow.clone())?;
            within(Ceiling::Envelope, &envelope_account, left)?;
            let left = journal.project(&slug, kind).remaining(project_cap()?).ok_or(overflow.clone())?;
            within(Ceiling::Project, &project_account, left)
        }
        (Movement::Disburse | Movement::Release, holder) => {
            let left = journal.holder(holder).unpaid().ok_or(overflow.clone())?;
            within(Ceiling::Agreement, holder, left)
        }
        // Money coming back frees no room: nothing to check beyond the shape.
        (Movement::Return, _) => Ok(()),
    }
}

/// One year of a burn-down: the cumulative totals of an envelope at the end of `year`
/// (cents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearPoint {
    /// Calendar year.
    pub year: i32,
    /// Σ commitments dated up to 31 December of `year`.
    pub committed: Money,
    /// Σ disbursements dated up to 31 December of `year`.
    pub disbursed: Money,
    /// `cap − committed` at that date.
    pub remaining: Money,
}

/// The burn-down of envelope `kind` capped at `cap` over `years` (e.g. `2019..=2029`, ten
/// years): for each year, the cumulative committed and disbursed amounts of the entries
/// dated up to its end (entries before the first year count from the first point on), and
/// what remains under the cap. Errors: [`LedgerError::Overflow`] naming the entry whose
/// sum did not fit.
pub fn burn_down(
    journal: &Journal,
    kind: EnvelopeKind,
    cap: Money,
    years: std::ops::RangeInclusive<i32>,
) -> Result<Vec<YearPoint>, LedgerError> {
    let mut out = Vec::new();
    for year in years {
        let mut b = Balance::default();
        for e in journal.entries().iter().filter(|e| e.at.year() <= year) {
            let of_kind = match (&e.credit, &e.debit) {
                (Account::Project { kind, .. }, _) | (_, Account::Project { kind, .. }) => Some(*kind),
                (h @ (Account::Agreement(_) | Account::Investment(_)), _) | (_, h) => journal.holder_project(h).map(|p| p.1),
            };
            if of_kind == Some(kind) {
                b.add(e.movement, e.amount).ok_or(LedgerError::Overflow { seq: e.seq })?;
            }
        }
        let last = journal.entries().last().map_or(0, |e| e.seq);
        out.push(YearPoint {
            year,
            committed: b.committed,
            disbursed: b.disbursed,
            remaining: b.remaining(cap).ok_or(LedgerError::Overflow { seq: last })?,
        });
    }
    Ok(out)
}

#[cfg(test)]
#[path = "ledger_tests.rs"]
mod tests;
