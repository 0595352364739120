//! Equity investment cases (issue 5, §4): the investee, the instrument, the round and the
//! programme's stake, the co-investors, the prudent-investor test, the investment
//! committee's decision, then the life of the investment (capital calls, distributions,
//! valuations, exit) and its conversion to portfolio flows ([`super::portfolio`]).
//!
//! Money is integer cents; the stake and the shares are computed exactly in integers and
//! expressed in hundredths of a percent (basis points: `1234` is 12,34 %).
//!
//! **The prudent-investor test** (*investissement avisé*, the EU market economy investor
//! principle): the State's money is invested on market terms when private investors put a
//! significant share of the same round on the same terms (*pari passu*) — Commission
//! Notice on the notion of State aid (2016/C 262/01), §86–§88. The rule here is
//! parametrised ([`PrudentInvestorRule`]): at least `min_private_share` of the round
//! (the programme's amount plus every co-investor's) is put by **private** co-investors
//! investing **on the same terms**. Its default, 30 %, is the share the Commission treats
//! as economically significant for pari passu risk finance (Risk Finance Guidelines,
//! 2014/C 19/04); it is a parameter, shown with every decision, not a constant of law.
//! The parameter is the **programme's**: its operator sets the floor (default 30 %), and a
//! committee's decision may only apply a share at least as high
//! ([`PrudentInvestorRule::at_least`]): whoever decides cannot lower the test it must pass.
//! Public co-investors, and private ones on other terms, do not count.

use crate::money::Money;
use crate::siren::Siren;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::Date;

/// Who receives the investment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InvesteeKind {
    /// A company (*société*).
    Company,
    /// A special-purpose vehicle (*société de projet*).
    Spv,
}

impl InvesteeKind {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            InvesteeKind::Company => "société",
            InvesteeKind::Spv => "société de projet",
        }
    }
}

/// The financial instrument of the investment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Instrument {
    /// Ordinary shares (*actions ordinaires*).
    OrdinaryShares,
    /// Preferred shares (*actions de préférence*).
    PreferredShares,
    /// Convertible bonds (*obligations convertibles*).
    ConvertibleBonds,
    /// Shareholder loan (*compte courant d'associé*).
    ShareholderLoan,
}

impl Instrument {
    /// Every instrument, in form order.
    pub const ALL: [Instrument; 4] = [
        Instrument::OrdinaryShares,
        Instrument::PreferredShares,
        Instrument::ConvertibleBonds,
        Instrument::ShareholderLoan,
    ];

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Instrument::OrdinaryShares => "actions ordinaires",
            Instrument::PreferredShares => "actions de préférence",
            Instrument::ConvertibleBonds => "obligations convertibles",
            Instrument::ShareholderLoan => "compte courant d'associé",
        }
    }
}

/// Whether a co-investor is private or public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CoInvestorKind {
    /// A private investor (counts for the prudent-investor test when on the same terms).
    Private,
    /// A public investor (a local authority, a public bank…): never counts.
    Public,
}

/// The company or SPV invested in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Investee {
    /// Company or SPV.
    pub kind: InvesteeKind,
    /// Its name, not blank.
    pub name: String,
    /// Its SIREN (9 digits, Luhn check digit).
    pub siren: Siren,
}

/// One co-investor of the round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoInvestor {
    /// Name, not blank.
    pub name: String,
    /// Private or public.
    pub kind: CoInvestorKind,
    /// Amount put in the round (cents, > 0).
    pub amount: Money,
    /// Whether it invests on the same terms as the programme (*pari passu*).
    pub same_terms: bool,
    /// Its terms, in words (may be blank when on the same terms).
    pub terms: String,
}

/// An investment case: what the programme would invest, in whom, on which terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvestmentCase {
    /// The laureate project whose investment potential it draws on (slug).
    pub project: String,
    /// The investee.
    pub investee: Investee,
    /// The instrument.
    pub instrument: Instrument,
    /// The programme's amount (cents, > 0).
    pub amount: Money,
    /// The investee's pre-money valuation (cents, > 0).
    pub pre_money: Money,
    /// The other investors of the round.
    pub co_investors: Vec<CoInvestor>,
}

/// Why a case, a decision or an event is refused. French messages naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvestmentError {
    /// A required text is blank.
    #[error("le champ « {0} » est obligatoire")]
    Blank(&'static str),
    /// An amount is zero or negative where it must be positive (or negative where it must
    /// be at least zero).
    #[error("le champ « {field} » doit être {} (reçu {})", if *.zero_ok { "positif ou nul" } else { "strictement positif" }, .value.fmt_euros())]
    Amount {
        /// The field.
        field: &'static str,
        /// The value given.
        value: Money,
        /// Whether zero is accepted.
        zero_ok: bool,
    },
    /// A sum does not fit in `i64` cents.
    #[error("montant hors limites")]
    Overflow,
    /// The committee's decision is dated after today (Paris date).
    #[error("le champ « date » de la décision ({}) est postérieur à aujourd'hui ({}) : une décision future ne peut pas être enregistrée", crate::text::date_numeric(*.on), crate::text::date_numeric(*.today))]
    FutureDecision {
        /// The decision's date.
        on: Date,
        /// Today, in Paris.
        today: Date,
    },
    /// An amount above [`MAX_AMOUNT`].
    #[error("le champ « {field} » dépasse le maximum de {} (reçu {})", MAX_AMOUNT.fmt_euros(), .value.fmt_euros())]
    TooLarge {
        /// The field.
        field: &'static str,
        /// The value given.
        value: Money,
    },
    /// The committee approves a case that fails the prudent-investor test.
    #[error("décision refusée : le test de l'investisseur avisé n'est pas satisfait — {0}")]
    PrudentInvestorFailed(PrudentInvestorTest),
    /// The rule's parameter is outside 0–100 %.
    #[error("la part privée minimale doit être comprise entre 0 et 100 % (reçu {0} points de base)")]
    BadRule(u32),
    /// A decision's rule is below the programme's floor ([`PrudentInvestorRule::at_least`]).
    #[error("le champ « part privée minimale » ({}) est inférieur au plancher du programme ({}) : une décision peut relever la part privée minimale, jamais l'abaisser", fmt_bp(i64::from(*.given)), fmt_bp(i64::from(*.floor)))]
    BelowFloor {
        /// The share asked, hundredths of a percent.
        given: u32,
        /// The programme's floor, hundredths of a percent.
        floor: u32,
    },
}

/// The largest amount an investment case or event may carry: 10^15 cents, i.e.
/// 10 000 milliards € — far above any round, and small enough that the sums of a
/// programme's amounts (thousands of them) stay within `i64` cents, so that one absurd
/// figure cannot overflow the programme's totals and multiples. Applies to the amount, the
/// pre-money valuation, co-investors' amounts, capital calls, distributions, valuations
/// and exit proceeds.
pub const MAX_AMOUNT: Money = Money(1_000_000_000_000_000);

/// `value` if it is at most [`MAX_AMOUNT`]. Errors: [`InvestmentError::TooLarge`] naming
/// `field`.
pub fn within_max(field: &'static str, value: Money) -> Result<Money, InvestmentError> {
    if value.0 > MAX_AMOUNT.0 {
        return Err(InvestmentError::TooLarge { field, value });
    }
    Ok(value)
}

/// A share in hundredths of a percent, written `12,34 %` (no-break space before `%`).
pub fn fmt_bp(bp: i64) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let a = bp.unsigned_abs();
    format!("{sign}{},{:02}\u{a0}%", a / 100, a % 100)
}

/// `num / den` in hundredths of a percent, rounded half up (`den > 0`, both ≥ 0).
fn bp_round(num: i64, den: i64) -> i64 {
    let (n, d) = (i128::from(num) * 10_000, i128::from(den));
    ((2 * n + d) / (2 * d)) as i64
}

/// `num / den` in hundredths of a percent, rounded down (a share shown never looks
/// larger than it is: a failed test never shows its threshold).
fn bp_floor(num: i64, den: i64) -> i64 {
    ((i128::from(num) * 10_000) / i128::from(den)) as i64
}

/// The round and the programme's stake (cents; stake in hundredths of a percent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Stake {
    /// The programme's amount plus every co-investor's.
    pub round_total: Money,
    /// Pre-money valuation plus the round total.
    pub post_money: Money,
    /// Programme's amount / post-money, in hundredths of a percent, rounded half up.
    pub stake_bp: i64,
}

/// The prudent-investor rule and its parameter (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrudentInvestorRule {
    /// Minimum share of the round put by private co-investors on the same terms, in
    /// hundredths of a percent (default 3000: 30 %).
    pub min_private_share_bp: u32,
}

impl Default for PrudentInvestorRule {
    /// 30 % (module documentation).
    fn default() -> Self {
        PrudentInvestorRule {
            min_private_share_bp: 3_000,
        }
    }
}

impl PrudentInvestorRule {
    /// The rule with `bp` hundredths of a percent. Errors: [`InvestmentError::BadRule`]
    /// above 10 000.
    pub fn new(bp: u32) -> Result<Self, InvestmentError> {
        if bp > 10_000 {
            return Err(InvestmentError::BadRule(bp));
        }
        Ok(PrudentInvestorRule { min_private_share_bp: bp })
    }

    /// This rule if it is at least as demanding as `floor`, the programme's rule. Whoever
    /// decides may raise the minimum private share for a case, never lower it below the
    /// programme's (its operator's setting, by default 30 %): otherwise a decision could set
    /// it to 0 % and pass any case. Errors: [`InvestmentError::BelowFloor`] with both shares.
    pub fn at_least(self, floor: PrudentInvestorRule) -> Result<Self, InvestmentError> {
        if self.min_private_share_bp < floor.min_private_share_bp {
            return Err(InvestmentError::BelowFloor {
                given: self.min_private_share_bp,
                floor: floor.min_private_share_bp,
            });
        }
        Ok(self)
    }

    /// The rule in words, in French.
    pub fn statement(&self) -> String {
        format!(
            "Au moins {} du tour de table apportés par des co-investisseurs privés aux mêmes conditions (pari passu) que le programme",
            fmt_bp(i64::from(self.min_private_share_bp))
        )
    }
}

/// The prudent-investor test of a case under a rule, with its figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PrudentInvestorTest {
    /// The rule applied.
    pub rule: PrudentInvestorRule,
    /// The round total (cents).
    pub round_total: Money,
    /// Σ private co-investors on the same terms (cents).
    pub private_pari_passu: Money,
    /// Their share of the round, hundredths of a percent, rounded down.
    pub private_share_bp: i64,
    /// Whether `private_pari_passu / round_total ≥ min_private_share`, compared exactly.
    pub passed: bool,
}

impl fmt::Display for PrudentInvestorTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "co-investisseurs privés pari passu : {} sur un tour de {}, soit {} (minimum requis : {})",
            self.private_pari_passu.fmt_euros(),
            self.round_total.fmt_euros(),
            fmt_bp(self.private_share_bp),
            fmt_bp(i64::from(self.rule.min_private_share_bp)),
        )
    }
}

impl InvestmentCase {
    /// The case with its texts trimmed, checked: project, investee name and co-investor
    /// names not blank; amount and pre-money valuation > 0; co-investor amounts > 0; each
    /// at most [`MAX_AMOUNT`]; sums within `i64`. Errors: [`InvestmentError`] naming the field.
    pub fn check(mut self) -> Result<InvestmentCase, InvestmentError> {
        self.project = self.project.trim().to_owned();
        self.investee.name = self.investee.name.trim().to_owned();
        if self.project.is_empty() {
            return Err(InvestmentError::Blank("projet"));
        }
        if self.investee.name.is_empty() {
            return Err(InvestmentError::Blank("nom de la société"));
        }
        positive("montant", self.amount)?;
        positive("valorisation pré-money", self.pre_money)?;
        for c in &mut self.co_investors {
            c.name = c.name.trim().to_owned();
            c.terms = c.terms.trim().to_owned();
            if c.name.is_empty() {
                return Err(InvestmentError::Blank("nom du co-investisseur"));
            }
            positive("montant du co-investisseur", c.amount)?;
        }
        self.stake()?;
        Ok(self)
    }

    /// The round total, the post-money valuation and the programme's stake. Errors:
    /// [`InvestmentError::Overflow`]; [`InvestmentError::Amount`] when the post-money is
    /// not positive.
    pub fn stake(&self) -> Result<Stake, InvestmentError> {
        let round_total =
            Money::sum(std::iter::once(self.amount).chain(self.co_investors.iter().map(|c| c.amount))).ok_or(InvestmentError::Overflow)?;
        let post_money = self.pre_money.checked_add(round_total).ok_or(InvestmentError::Overflow)?;
        if post_money.0 <= 0 {
            return Err(InvestmentError::Amount {
                field: "valorisation post-money",
                value: post_money,
                zero_ok: false,
            });
        }
        Ok(Stake {
            round_total,
            post_money,
            stake_bp: bp_round(self.amount.0, post_money.0),
        })
    }

    /// The prudent-investor test of this case under `rule`. Errors: as [`Self::stake`].
    pub fn prudent_investor_test(&self, rule: PrudentInvestorRule) -> Result<PrudentInvestorTest, InvestmentError> {
        let round_total = self.stake()?.round_total;
        let private = Money::sum(
            self.co_investors
                .iter()
                .filter(|c| c.kind == CoInvestorKind::Private && c.same_terms)
                .map(|c| c.amount),
        )
        .ok_or(InvestmentError::Overflow)?;
        // private / total ≥ bp / 10 000, cross-multiplied in i128: exact.
        let passed = i128::from(private.0) * 10_000 >= i128::from(rule.min_private_share_bp) * i128::from(round_total.0);
        Ok(PrudentInvestorTest {
            rule,
            round_total,
            private_pari_passu: private,
            private_share_bp: bp_floor(private.0, round_total.0),
            passed,
        })
    }
}

/// `value` > 0 and at most [`MAX_AMOUNT`].
fn positive(field: &'static str, value: Money) -> Result<(), InvestmentError> {
    if value.0 > 0 {
        within_max(field, value).map(|_| ())
    } else {
        Err(InvestmentError::Amount {
            field,
            value,
            zero_ok: false,
        })
    }
}

/// The investment committee's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Approved: the amount is committed on the equity envelope.
    Approved,
    /// Rejected: nothing is committed.
    Rejected,
}

/// The investment committee's decision on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitteeDecision {
    /// Approved or rejected.
    pub verdict: Verdict,
    /// Date of the committee.
    pub on: Date,
    /// The committee's reference (minutes number), not blank.
    pub reference: String,
    /// Why, not blank.
    pub reason: String,
}

/// Checks `decision` on `case` under `rule`, when the date in Paris is `today`, and returns
/// the test to show with it.
/// Errors: [`InvestmentError::Blank`] for a blank reference or reason;
/// [`InvestmentError::FutureDecision`] for a decision dated after `today`;
/// [`InvestmentError::PrudentInvestorFailed`] (with the figures) when an approval fails the
/// test — a rejection is always recorded, with its test.
pub fn check_decision(
    case: &InvestmentCase,
    decision: &CommitteeDecision,
    rule: PrudentInvestorRule,
    today: Date,
) -> Result<PrudentInvestorTest, InvestmentError> {
    if decision.on > today {
        return Err(InvestmentError::FutureDecision { on: decision.on, today });
    }
    if decision.reference.trim().is_empty() {
        return Err(InvestmentError::Blank("référence"));
    }
    if decision.reason.trim().is_empty() {
        return Err(InvestmentError::Blank("motif"));
    }
    let test = case.prudent_investor_test(rule)?;
    if decision.verdict == Verdict::Approved && !test.passed {
        return Err(InvestmentError::PrudentInvestorFailed(test));
    }
    Ok(test)
}

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InvestmentStatus {
    /// Awaiting the committee.
    Proposed,
    /// Approved: events may be recorded.
    Approved,
    /// Rejected: final.
    Rejected,
    /// Exited: final, NAV 0.
    Exited,
}

impl InvestmentStatus {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            InvestmentStatus::Proposed => "en instruction",
            InvestmentStatus::Approved => "approuvé",
            InvestmentStatus::Rejected => "rejeté",
            InvestmentStatus::Exited => "cédé",
        }
    }
}

/// What happens to an approved investment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// Capital call (*appel de fonds*): money paid in (> 0), the ledger's disbursement.
    CapitalCall,
    /// Distribution (dividend, interest, repayment): money back (> 0), a ledger return.
    Distribution,
    /// Valuation (NAV at a date, ≥ 0): no money moves.
    Valuation,
    /// Exit: the proceeds (≥ 0; a ledger return when > 0), then NAV 0.
    Exit,
}

impl EventKind {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            EventKind::CapitalCall => "appel de fonds",
            EventKind::Distribution => "distribution",
            EventKind::Valuation => "valorisation",
            EventKind::Exit => "cession",
        }
    }
}

/// One event of an investment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvestmentEvent {
    /// What happened.
    pub kind: EventKind,
    /// Value date.
    pub on: Date,
    /// Amount (cents): called, distributed, the NAV, or the exit proceeds.
    pub amount: Money,
    /// A note (may be blank).
    pub note: String,
}

/// Checks that `event` may be recorded on an investment in `status`, decided on
/// `decided_on`, whose events so far are `history`, when the date in Paris is `today`.
///
/// **The order of events** (so that the NAV after an exit is 0 by construction, and a
/// cash flow never predates the money it depends on):
/// - only an approved investment takes events (after the exit nothing: it is `exited`);
/// - every event (capital call, distribution, valuation, exit) is dated on or after the
///   committee's decision, on or after the investment's latest event (the same day is
///   allowed: several events may share a value date), and not after `today`;
/// - a distribution needs a prior capital call (nothing can come back before money went in);
/// - amounts > 0 for calls and distributions, ≥ 0 for valuations and exits, and at most
///   [`MAX_AMOUNT`] (10 000 milliards €).
///
/// Errors: a French sentence (lower-case first letter) naming the status, the date or the
/// amount refused, with the dates involved (`JJ/MM/AAAA`).
pub fn check_event(
    status: InvestmentStatus,
    decided_on: Option<Date>,
    history: &[InvestmentEvent],
    today: Date,
    event: &InvestmentEvent,
) -> Result<(), String> {
    if status != InvestmentStatus::Approved {
        return Err(format!(
            "l'investissement est {} : aucun événement ne peut être enregistré",
            status.label()
        ));
    }
    let zero_ok = matches!(event.kind, EventKind::Valuation | EventKind::Exit);
    if event.amount.0 < 0 || (!zero_ok && event.amount.0 == 0) {
        return Err(InvestmentError::Amount {
            field: "montant",
            value: event.amount,
            zero_ok,
        }
        .to_string());
    }
    let field = match event.kind {
        EventKind::CapitalCall => "montant appelé",
        EventKind::Distribution => "montant distribué",
        EventKind::Valuation => "valorisation",
        EventKind::Exit => "produit de cession",
    };
    within_max(field, event.amount).map_err(|e| e.to_string())?;
    if let Some(decided) = decided_on.filter(|d| event.on < *d) {
        return Err(format!(
            "le champ « date » ({}) précède la décision du comité d'investissement ({}) : aucun événement ne peut lui être antérieur",
            crate::text::date_numeric(event.on),
            crate::text::date_numeric(decided)
        ));
    }
    if let Some(latest) = history.iter().map(|e| e.on).max().filter(|l| event.on < *l) {
        return Err(format!(
            "le champ « date » ({}) précède le dernier événement de l'investissement ({}) : les événements sont enregistrés dans l'ordre des dates",
            crate::text::date_numeric(event.on),
            crate::text::date_numeric(latest)
        ));
    }
    if event.on > today {
        return Err(format!(
            "le champ « date » ({}) est postérieur à aujourd'hui ({}) : un événement futur ne peut pas être enregistré",
            crate::text::date_numeric(event.on),
            crate::text::date_numeric(today)
        ));
    }
    if event.kind == EventKind::Distribution && !history.iter().any(|e| e.kind == EventKind::CapitalCall) {
        return Err("une distribution suppose un appel de fonds antérieur : aucun n'est enregistré".to_owned());
    }
    Ok(())
}

/// The portfolio position of an investment from its events (in any order): capital calls
/// are negative flows, distributions and exit proceeds (when > 0) positive ones; the
/// residual is the latest valuation, or NAV 0 at the exit date once exited: an exit wins
/// over every valuation, even one dated after it (which [`check_event`] refuses, but a
/// position is never allowed to count a NAV after the exit). Gross flows: nothing is netted.
pub fn position(events: &[InvestmentEvent]) -> super::portfolio::Position {
    use super::portfolio::{Flow, Position, Residual};
    let mut p = Position::default();
    for e in events {
        match e.kind {
            EventKind::CapitalCall => p.flows.push(Flow {
                date: e.on,
                amount: Money(-e.amount.0),
            }),
            EventKind::Distribution => p.flows.push(Flow {
                date: e.on,
                amount: e.amount,
            }),
            EventKind::Exit if e.amount.0 > 0 => p.flows.push(Flow {
                date: e.on,
                amount: e.amount,
            }),
            _ => {}
        }
    }
    let last = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Valuation | EventKind::Exit))
        .enumerate()
        .max_by_key(|(i, e)| (e.kind == EventKind::Exit, e.on, *i))
        .map(|(_, e)| e);
    p.residual = last.map(|e| Residual {
        date: e.on,
        value: if e.kind == EventKind::Exit { Money::ZERO } else { e.amount },
    });
    p
}

#[cfg(test)]
#[path = "investment_tests.rs"]
mod tests;
