//! Agreements (*conventions*, issue 5 §2): the terms the State signs with a project's
//! beneficiary — amount of the State's subsidy, eligible cost (*assiette*), co-financing
//! plan, tranche schedule with its conditions — and amendments (*avenants*).
//!
//! Rules checked here (French messages naming the field, first broken rule reported):
//! - reference, title and beneficiary are not blank; the beneficiary's SIREN, when given,
//!   has 9 digits and a valid Luhn check digit ([`crate::siren::Siren`]);
//! - the amount (cents) is strictly positive, the eligible cost too, and so is every
//!   co-financer's amount and every tranche (no part of 0 €, nor of 0 %);
//! - the co-financing plan closes exactly: State amount + Σ other financers = eligible cost,
//!   to the cent (no tolerance: a plan that does not close is a typing error);
//! - the project's eligible costs, all agreements together, stay within the fiche's
//!   planned budget ([`crate::Project::planned_budget`]) when the fiche gives one;
//! - the tranche schedule is given either in amounts, which must sum exactly to the
//!   amount, or in percentages (basis points), resolved by
//!   [`super::split::split_by_percentages`] (largest remainder, earlier tranche first on
//!   ties) so that the tranches sum exactly to the amount; an indicator condition names
//!   its indicator's code;
//! - dates: the signature date is not in the future (Europe/Paris) nor before
//!   [`EARLIEST_SIGNATURE`]; every tranche falls due on or after the signature date.
//!
//! Whether the amount fits under the project's subsidy ceiling and the envelope's room is
//! decided by the ledger's commitment ([`super::ledger::check_entry`]), in the same
//! transaction as the agreement is written; its message reaches the user unchanged.
//!
//! An amendment ([`check_amendment`]) gives the whole new terms with a reason. An increase
//! of the amount is a new commitment, a decrease a release (*désengagement*) of at most
//! what is unpaid; no tranche may fall below what is requested or paid on it (Σ of its
//! non-rejected disbursements). An amendment is dated neither in the future nor before
//! the previous version, and does not change the signature date.
//!
//! Units: amounts in euro cents ([`Money`]); percentages in basis points (1 bp = 0,01 %).

use super::split::{split_by_percentages, split_equally, FULL_BP};
use crate::money::{percent, Money};
use crate::org_id::Rna;
use crate::siren::{Siren, Siret};
use serde::{Deserialize, Serialize};
use std::fmt;
use time::macros::date;
use time::Date;

/// The earliest signature date an agreement may bear: 1 January 2018, the year of the
/// programme's first call for projects (`aap-2018`, opened 23 November 2018; the laureates'
/// agreements were all signed after it). A date before it is a typing error.
pub const EARLIEST_SIGNATURE: Date = date!(2018 - 01 - 01);

/// Who the other financers of a co-financing plan are. Codes (serde, stored):
/// `local-authority`, `eu`, `private`, `own-funds`, `other-public`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum FinancerKind {
    /// A local authority (*collectivité territoriale*).
    LocalAuthority,
    /// European Union funds (FEDER, FSE…).
    Eu,
    /// Private financers (companies, foundations, banks).
    Private,
    /// The beneficiary's own funds (*autofinancement*).
    OwnFunds,
    /// Another public body (ADEME, Bpifrance, an agency…).
    OtherPublic,
}

impl FinancerKind {
    /// Every kind, in display order.
    pub const ALL: [FinancerKind; 5] = [
        FinancerKind::LocalAuthority,
        FinancerKind::Eu,
        FinancerKind::Private,
        FinancerKind::OwnFunds,
        FinancerKind::OtherPublic,
    ];

    /// The stable code (`local-authority`…).
    pub fn code(self) -> &'static str {
        match self {
            FinancerKind::LocalAuthority => "local-authority",
            FinancerKind::Eu => "eu",
            FinancerKind::Private => "private",
            FinancerKind::OwnFunds => "own-funds",
            FinancerKind::OtherPublic => "other-public",
        }
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            FinancerKind::LocalAuthority => "collectivité",
            FinancerKind::Eu => "Union européenne",
            FinancerKind::Private => "privé",
            FinancerKind::OwnFunds => "autofinancement",
            FinancerKind::OtherPublic => "autre public",
        }
    }

    /// The kind whose code or French label is `raw` (case-insensitive, trimmed).
    pub fn parse(raw: &str) -> Option<FinancerKind> {
        let raw = raw.trim().to_lowercase();
        let alias = match raw.as_str() {
            "collectivite" | "collectivité" => Some(FinancerKind::LocalAuthority),
            "ue" | "union européenne" | "europe" => Some(FinancerKind::Eu),
            "prive" | "privé" => Some(FinancerKind::Private),
            "autofinancement" | "fonds propres" => Some(FinancerKind::OwnFunds),
            "autre public" | "public" => Some(FinancerKind::OtherPublic),
            _ => None,
        };
        alias.or_else(|| FinancerKind::ALL.into_iter().find(|k| k.code() == raw))
    }
}

/// One of the other financers of the co-financing plan (the State's share is the
/// agreement's amount).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cofinancer {
    /// Name (`Région Grand Est`), not blank.
    pub financer: String,
    /// Kind.
    pub kind: FinancerKind,
    /// Amount (cents), strictly positive.
    pub amount: Money,
}

/// What a tranche condition requires before the tranche is paid. Codes: `milestone`,
/// `report`, `indicator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ConditionKind {
    /// A milestone reached (*jalon atteint*).
    Milestone,
    /// A report filed (*rapport remis*).
    Report,
    /// Evidence of an indicator approved (*mesure validée*): names the indicator's code.
    Indicator,
}

impl ConditionKind {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            ConditionKind::Milestone => "jalon",
            ConditionKind::Report => "rapport",
            ConditionKind::Indicator => "indicateur",
        }
    }

    /// The code (`milestone`…).
    pub fn code(self) -> &'static str {
        match self {
            ConditionKind::Milestone => "milestone",
            ConditionKind::Report => "report",
            ConditionKind::Indicator => "indicator",
        }
    }
}

/// A condition of a tranche.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    /// Milestone, report or indicator.
    pub kind: ConditionKind,
    /// What is expected, in French, not blank.
    pub label: String,
    /// The indicator's code, for (and only for) an indicator condition.
    pub indicator_code: Option<String>,
}

/// How a tranche's share is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Share {
    /// An amount (cents).
    Amount(Money),
    /// A percentage of the agreement's amount, in basis points (3 000 = 30 %).
    Percent(u32),
}

/// A tranche as typed, before its share is resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrancheDraft {
    /// Label (`Avance`, `Solde`), not blank.
    pub label: String,
    /// Due date.
    pub due_on: Date,
    /// Its share of the amount.
    pub share: Share,
    /// Conditions, possibly none.
    pub conditions: Vec<Condition>,
}

/// A tranche of the schedule, its amount resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tranche {
    /// Label.
    pub label: String,
    /// Due date.
    pub due_on: Date,
    /// Amount (cents).
    pub amount: Money,
    /// The percentage it was given as (basis points), if it was.
    pub percent_bp: Option<u32>,
    /// Conditions.
    pub conditions: Vec<Condition>,
}

/// The terms of an agreement as typed (a form, a JSON body), checked by
/// [`TermsDraft::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermsDraft {
    /// Reference (`TI-2020-BIOVALLEE-01`), unique among agreements.
    pub reference: String,
    /// Title.
    pub title: String,
    /// The beneficiary's name.
    pub beneficiary: String,
    /// The beneficiary's SIREN as typed (spaces allowed), if given.
    pub beneficiary_siren: Option<String>,
    /// The SIRET of the beneficiary's establishment that signed (spaces allowed), if given:
    /// it must belong to the SIREN when both are given; alone, it gives the SIREN.
    pub beneficiary_siret: Option<String>,
    /// The beneficiary's RNA number (an association: `W` and nine digits), if given.
    pub beneficiary_rna: Option<String>,
    /// Signature date.
    pub signed_on: Date,
    /// The State's subsidy (cents).
    pub amount: Money,
    /// The eligible cost (*assiette*, cents).
    pub eligible_cost: Money,
    /// The other financers.
    pub cofinancers: Vec<Cofinancer>,
    /// The tranche schedule.
    pub tranches: Vec<TrancheDraft>,
}

/// Checked terms: the co-financing plan closes, the tranches sum exactly to the amount.
/// Stored whole as JSON for each version (`agreement_versions.terms_json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    /// Reference.
    pub reference: String,
    /// Title.
    pub title: String,
    /// Beneficiary.
    pub beneficiary: String,
    /// Valid SIREN, if given.
    pub beneficiary_siren: Option<Siren>,
    /// Valid SIRET of the signing establishment, belonging to the SIREN, if given (SCDL's
    /// `idBeneficiaire`). Absent from terms recorded before migration 0018.
    #[serde(default)]
    pub beneficiary_siret: Option<Siret>,
    /// Valid RNA number, if given (SCDL's `rnaBeneficiaire`).
    #[serde(default)]
    pub beneficiary_rna: Option<Rna>,
    /// Signature date.
    pub signed_on: Date,
    /// The State's subsidy (cents).
    pub amount: Money,
    /// Eligible cost (cents).
    pub eligible_cost: Money,
    /// Other financers.
    pub cofinancers: Vec<Cofinancer>,
    /// Tranches, summing exactly to `amount`.
    pub tranches: Vec<Tranche>,
}

impl Terms {
    /// The State's share of the eligible cost as a French percentage with one decimal,
    /// rounded half up (`60,0 %`); `None` when the eligible cost is zero.
    pub fn state_share(&self) -> Option<String> {
        percent(self.amount, self.eligible_cost)
    }
}

/// What the project's fiche and other agreements impose on new terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProjectContext {
    /// The fiche's planned budget (cents), when it gives one.
    pub planned_budget: Option<Money>,
    /// Σ eligible costs of the project's other agreements (cents; for an amendment, the
    /// agreement being amended is left out).
    pub other_eligible_costs: Money,
    /// Today in Europe/Paris: the signature date may not be after it. `None` skips this
    /// one check (tests of other rules); the store always gives it.
    pub today: Option<Date>,
}

/// A refusal: the field at fault and a French message naming it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AgreementError {
    /// The field (`amount_cents`, `tranches[2].percent_bp`, `cofinancers`…).
    pub field: String,
    /// French message, naming the field.
    pub message: String,
}

fn err(field: impl Into<String>, message: impl fmt::Display) -> AgreementError {
    let field = field.into();
    AgreementError {
        message: format!("Champ « {field} » : {message}"),
        field,
    }
}

fn blank(field: &str, value: &str) -> Result<(), AgreementError> {
    if value.trim().is_empty() {
        Err(err(field, "ne peut pas être vide"))
    } else {
        Ok(())
    }
}

fn overflow(field: &str) -> AgreementError {
    err(field, "montant hors limites")
}

impl TermsDraft {
    /// Checks the terms against the rules of the module documentation and `project`, and
    /// resolves the tranches' percentages into amounts. Errors: [`AgreementError`] naming
    /// the first field at fault (API field names: `reference`, `amount_cents`,
    /// `eligible_cost_cents`, `cofinancers[i].…`, `tranches[i].…`).
    ///
    /// Source: issue 5, §2.
    pub fn check(self, project: &ProjectContext) -> Result<Terms, AgreementError> {
        blank("reference", &self.reference)?;
        blank("title", &self.title)?;
        blank("beneficiary", &self.beneficiary)?;
        let siren = match self.beneficiary_siren.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(Siren::parse(raw).map_err(|e| err("beneficiary_siren", e))?),
        };
        let siret = match self.beneficiary_siret.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(Siret::parse(raw).map_err(|e| err("beneficiary_siret", e))?),
        };
        let siren = match (siren, &siret) {
            (Some(siren), Some(siret)) if siret.siren_digits() != siren.as_str() => {
                return Err(err(
                    "beneficiary_siret",
                    format!(
                        "le SIRET {} n'appartient pas au SIREN {} (ses neuf premiers chiffres sont {})",
                        siret.as_str(),
                        siren.as_str(),
                        siret.siren_digits()
                    ),
                ))
            }
            (None, Some(siret)) => Some(Siren::parse(siret.siren_digits()).map_err(|e| err("beneficiary_siret", e))?),
            (siren, _) => siren,
        };
        let rna = match self.beneficiary_rna.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(Rna::parse(raw).map_err(|e| err("beneficiary_rna", e))?),
        };
        if self.amount.0 <= 0 {
            return Err(err(
                "amount_cents",
                format!("le montant doit être strictement positif (reçu {})", self.amount),
            ));
        }
        if self.eligible_cost.0 <= 0 {
            return Err(err("eligible_cost_cents", "l'assiette éligible doit être strictement positive"));
        }
        for (i, c) in self.cofinancers.iter().enumerate() {
            blank(&format!("cofinancers[{i}].financer"), &c.financer)?;
            if c.amount.0 <= 0 {
                return Err(err(
                    format!("cofinancers[{i}].amount_cents"),
                    format!(
                        "l'apport de « {} » doit être strictement positif (reçu {}) : retirez la ligne d'un financeur qui n'apporte rien",
                        c.financer.trim(),
                        c.amount
                    ),
                ));
            }
        }
        let others = Money::sum(self.cofinancers.iter().map(|c| c.amount)).ok_or_else(|| overflow("cofinancers"))?;
        let total = self.amount.checked_add(others).ok_or_else(|| overflow("cofinancers"))?;
        if total != self.eligible_cost {
            let gap = total.0.abs_diff(self.eligible_cost.0);
            return Err(err(
                "cofinancers",
                format!(
                    "le plan de cofinancement ne boucle pas : État {} ({} de l'assiette) + autres financeurs {} = {}, au lieu de l'assiette éligible {} (écart {})",
                    self.amount,
                    percent(self.amount, self.eligible_cost).unwrap_or_default(),
                    others,
                    total,
                    self.eligible_cost,
                    Money(i64::try_from(gap).unwrap_or(i64::MAX)),
                ),
            ));
        }
        if let Some(budget) = project.planned_budget {
            let all = project
                .other_eligible_costs
                .checked_add(self.eligible_cost)
                .ok_or_else(|| overflow("eligible_cost_cents"))?;
            if all > budget {
                return Err(err(
                    "eligible_cost_cents",
                    format!(
                        "les assiettes éligibles des conventions du projet totaliseraient {all} ({} déjà conventionnés + {}), au-delà du budget prévu par la fiche, {budget}",
                        project.other_eligible_costs, self.eligible_cost
                    ),
                ));
            }
        }
        if let Some(today) = project.today.filter(|t| self.signed_on > *t) {
            return Err(err(
                "signed_on",
                format!(
                    "la date de signature ({}) est dans le futur : aujourd'hui est le {today}",
                    self.signed_on
                ),
            ));
        }
        if self.signed_on < EARLIEST_SIGNATURE {
            return Err(err(
                "signed_on",
                format!(
                    "la date de signature ({}) précède le {EARLIEST_SIGNATURE}, l'année du premier appel à projets du programme",
                    self.signed_on
                ),
            ));
        }
        if let Some(i) = self.tranches.iter().position(|t| t.due_on < self.signed_on) {
            return Err(err(
                format!("tranches[{i}].due_on"),
                format!(
                    "l'échéance ({}) précède la date de signature de la convention ({})",
                    self.tranches[i].due_on, self.signed_on
                ),
            ));
        }
        let tranches = resolve_tranches(self.amount, self.tranches)?;
        Ok(Terms {
            reference: self.reference.trim().to_owned(),
            title: self.title.trim().to_owned(),
            beneficiary: self.beneficiary.trim().to_owned(),
            beneficiary_siren: siren,
            beneficiary_siret: siret,
            beneficiary_rna: rna,
            signed_on: self.signed_on,
            amount: self.amount,
            eligible_cost: self.eligible_cost,
            cofinancers: self
                .cofinancers
                .into_iter()
                .map(|c| Cofinancer {
                    financer: c.financer.trim().to_owned(),
                    ..c
                })
                .collect(),
            tranches,
        })
    }
}

/// Resolves a schedule: all amounts (summing exactly to `amount`) or all percentages
/// (summing to 100 %, split by largest remainder). Errors name the tranche.
fn resolve_tranches(amount: Money, drafts: Vec<TrancheDraft>) -> Result<Vec<Tranche>, AgreementError> {
    if drafts.is_empty() {
        return Err(err("tranches", "l'échéancier doit compter au moins une tranche"));
    }
    for (i, t) in drafts.iter().enumerate() {
        blank(&format!("tranches[{i}].label"), &t.label)?;
        for (j, c) in t.conditions.iter().enumerate() {
            let field = format!("tranches[{i}].conditions[{j}]");
            blank(&format!("{field}.label"), &c.label)?;
            let code = c.indicator_code.as_deref().map(str::trim).filter(|s| !s.is_empty());
            match (c.kind, code) {
                (ConditionKind::Indicator, None) => {
                    return Err(err(
                        format!("{field}.indicator_code"),
                        "une condition d'indicateur nomme le code de l'indicateur",
                    ))
                }
                (ConditionKind::Milestone | ConditionKind::Report, Some(_)) => {
                    return Err(err(
                        format!("{field}.indicator_code"),
                        "seule une condition d'indicateur nomme un indicateur",
                    ))
                }
                _ => {}
            }
        }
    }
    let percents: Vec<u32> = drafts
        .iter()
        .filter_map(|t| match t.share {
            Share::Percent(p) => Some(p),
            Share::Amount(_) => None,
        })
        .collect();
    if let Some(i) = percents.iter().position(|p| *p == 0).filter(|_| percents.len() == drafts.len()) {
        return Err(err(
            format!("tranches[{i}].percent_bp"),
            "une tranche de 0 % n'a pas lieu d'être : sa part doit être strictement positive",
        ));
    }
    let amounts: Vec<Money> = if percents.len() == drafts.len() {
        split_by_percentages(amount, &percents).map_err(|e| err("tranches", e))?
    } else if percents.is_empty() {
        let given: Vec<Money> = drafts
            .iter()
            .map(|t| match t.share {
                Share::Amount(m) => m,
                Share::Percent(_) => Money::ZERO,
            })
            .collect();
        if let Some(i) = given.iter().position(|m| m.0 <= 0) {
            return Err(err(
                format!("tranches[{i}].amount_cents"),
                format!("le montant d'une tranche doit être strictement positif (reçu {})", given[i]),
            ));
        }
        let sum = Money::sum(given.iter().copied()).ok_or_else(|| overflow("tranches"))?;
        if sum != amount {
            return Err(err(
                "tranches",
                format!("les tranches totalisent {sum} au lieu du montant de la convention, {amount}"),
            ));
        }
        given
    } else {
        return Err(err(
            "tranches",
            "les tranches sont données toutes en montants ou toutes en pourcentages, pas un mélange",
        ));
    };
    // A small percentage of a small amount may round to nothing: a tranche of 0 € too.
    if let Some(i) = amounts.iter().position(|m| m.0 <= 0) {
        return Err(err(
            format!("tranches[{i}].percent_bp"),
            format!("cette part du montant, {amount}, arrondie au centime, vaut 0 € : une tranche doit être strictement positive"),
        ));
    }
    Ok(drafts
        .into_iter()
        .zip(amounts)
        .map(|(t, amount)| Tranche {
            label: t.label.trim().to_owned(),
            due_on: t.due_on,
            amount,
            percent_bp: match t.share {
                Share::Percent(p) => Some(p),
                Share::Amount(_) => None,
            },
            conditions: t
                .conditions
                .into_iter()
                .map(|c| Condition {
                    label: c.label.trim().to_owned(),
                    indicator_code: c.indicator_code.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()),
                    ..c
                })
                .collect(),
        })
        .collect())
}

/// A schedule of `count` equal tranches (« 12 tranches égales »), due every
/// `every_months` months from `first_due_on` (the day clamped to the month's length),
/// labelled `Tranche 1/12`…, each of `amount / count` split by
/// [`super::split::split_equally`]: the earlier tranches take the extra cents, so
/// 800,00 € in 12 is 8 × 66,67 € then 4 × 66,66 €. Given as amounts.
///
/// Errors: [`AgreementError`] on `tranches` for a count of zero or above 600, or a due
/// date beyond the calendar.
pub fn equal_tranches(amount: Money, count: usize, first_due_on: Date, every_months: u32) -> Result<Vec<TrancheDraft>, AgreementError> {
    if count == 0 || count > 600 {
        return Err(err("equal_tranches.count", "le nombre de tranches égales va de 1 à 600"));
    }
    let parts = split_equally(amount, count).map_err(|e| err("equal_tranches.count", e))?;
    let mut out = Vec::with_capacity(count);
    for (i, part) in parts.into_iter().enumerate() {
        let months = u32::try_from(i).ok().and_then(|i| i.checked_mul(every_months));
        let due_on = months
            .and_then(|m| add_months(first_due_on, m))
            .ok_or_else(|| err("equal_tranches.every_months", "échéance hors calendrier"))?;
        out.push(TrancheDraft {
            label: format!("Tranche {}/{count}", i + 1),
            due_on,
            share: Share::Amount(part),
            conditions: vec![],
        });
    }
    Ok(out)
}

/// `d` plus `months` calendar months, the day clamped to the target month's length
/// (31 January + 1 month = 28 or 29 February).
fn add_months(d: Date, months: u32) -> Option<Date> {
    let total = i64::from(d.year()) * 12 + i64::from(u8::from(d.month()) - 1) + i64::from(months);
    let year = i32::try_from(total.div_euclid(12)).ok()?;
    let month = time::Month::try_from(u8::try_from(total.rem_euclid(12) + 1).ok()?).ok()?;
    let day = d.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).ok()
}

/// How an amendment moves the agreement's amount in the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AmountChange {
    /// Same amount: no ledger movement.
    Unchanged,
    /// A new commitment of the difference (cents).
    Increase(Money),
    /// A release (*désengagement*) of the difference (cents).
    Decrease(Money),
}

/// When an amendment is dated, against what came before: `on`, its date; `previous`,
/// the date of the version it amends (the signature for version 1); `today` in
/// Europe/Paris.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmendmentDates {
    /// The amendment's date.
    pub on: Date,
    /// The previous version's date.
    pub previous: Date,
    /// Today (Europe/Paris).
    pub today: Date,
}

/// Checks an amendment: `reason` not blank, dated neither after `dates.today` nor before
/// `dates.previous`, the reference and the signature date unchanged, the new terms valid
/// ([`TermsDraft::check`]), the amount not below what is already paid on the agreement
/// (`paid`, cents), and each tranche not below what is requested or paid on it
/// (`taken_by_tranche`: Σ of its non-rejected disbursements, by position; a tranche with a
/// disbursement cannot be removed). Returns the checked terms and the ledger movement the
/// amount change makes.
///
/// Errors: [`AgreementError`] naming the field (`reason`, `on`, `reference`, `signed_on`,
/// `amount_cents`, `tranches[i].…`).
///
/// Source: issue 5, §2 (amendments with their history) and §3 (never beyond the tranche).
pub fn check_amendment(
    current: &Terms,
    reason: &str,
    draft: TermsDraft,
    project: &ProjectContext,
    dates: AmendmentDates,
    paid: Money,
    taken_by_tranche: &[Money],
) -> Result<(Terms, AmountChange), AgreementError> {
    blank("reason", reason)?;
    if dates.on > dates.today {
        return Err(err(
            "on",
            format!(
                "la date de l'avenant ({}) est dans le futur : aujourd'hui est le {}",
                dates.on, dates.today
            ),
        ));
    }
    if dates.on < dates.previous {
        return Err(err(
            "on",
            format!(
                "la date de l'avenant ({}) précède celle de la version précédente ({})",
                dates.on, dates.previous
            ),
        ));
    }
    if draft.signed_on != current.signed_on {
        return Err(err(
            "signed_on",
            format!(
                "la date de signature d'une convention ne change pas par avenant (signée le {}, reçu {})",
                current.signed_on, draft.signed_on
            ),
        ));
    }
    if draft.reference.trim() != current.reference {
        return Err(err(
            "reference",
            format!(
                "la référence d'une convention ne change pas par avenant (« {} »)",
                current.reference
            ),
        ));
    }
    let terms = draft.check(project)?;
    if terms.amount < paid {
        return Err(err(
            "amount_cents",
            format!(
                "le nouveau montant, {}, est inférieur à ce qui est déjà versé, {paid} : on ne désengage que le non-versé",
                terms.amount
            ),
        ));
    }
    for (i, done) in taken_by_tranche.iter().enumerate() {
        if done.0 == 0 {
            continue;
        }
        match terms.tranches.get(i) {
            None => {
                return Err(err(
                    "tranches",
                    format!(
                        "la tranche n° {}{} a déjà {done} demandés ou versés : elle ne peut pas être supprimée",
                        i + 1,
                        current.tranches.get(i).map(|t| format!(" « {} »", t.label)).unwrap_or_default()
                    ),
                ))
            }
            Some(t) if t.amount < *done => {
                return Err(err(
                    format!("tranches[{i}]"),
                    format!(
                        "la tranche « {} » passerait à {} alors que {done} y sont déjà demandés ou versés",
                        t.label, t.amount
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    let change = match terms.amount.cmp(&current.amount) {
        std::cmp::Ordering::Equal => AmountChange::Unchanged,
        std::cmp::Ordering::Greater => AmountChange::Increase(Money(terms.amount.0 - current.amount.0)),
        std::cmp::Ordering::Less => AmountChange::Decrease(Money(current.amount.0 - terms.amount.0)),
    };
    Ok((terms, change))
}

/// Parses a percentage typed in French (`30`, `33,33`, `12,5 %`) into basis points.
/// Errors: what is wrong, in French (the caller names the field).
pub fn parse_percent(raw: &str) -> Result<u32, String> {
    let s = raw.trim().trim_end_matches('%').trim_end();
    let (whole, frac) = s.split_once(',').unwrap_or((s, ""));
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !(frac.is_empty() || digits(frac)) || frac.len() > 2 {
        return Err(format!(
            "« {s} » n'est pas un pourcentage : un nombre avec au plus deux décimales après une virgule est attendu (33,33)"
        ));
    }
    let whole: u32 = whole.parse().map_err(|_| format!("« {s} » est hors limites"))?;
    let frac: u32 = format!("{frac:0<2}").parse().unwrap_or(0);
    match whole.checked_mul(100).and_then(|w| w.checked_add(frac)) {
        Some(bp) if bp <= FULL_BP => Ok(bp),
        _ => Err(format!("« {s} » dépasse 100 %")),
    }
}

#[cfg(test)]
#[path = "agreement_tests.rs"]
mod tests;
