//! Simple records of the funding side that the store loads for the IATI export (the store's
//! own types stay in the store): signed agreements with their tranches, payments, equity
//! operations, and partners. Amounts are integer cents.

use territoires_domain::org_id::OrgId;
use territoires_domain::Money;
use time::Date;

/// A signed subsidy agreement (*convention*) of a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementRecord {
    /// The project's slug.
    pub project: String,
    /// The agreement's reference (`TI-2020-BIOVALLEE-01`).
    pub reference: String,
    /// Date of signature: the outgoing commitment's date.
    pub signed_on: Date,
    /// Amount committed (cents).
    pub amount: Money,
    /// The beneficiary's name.
    pub beneficiary: String,
    /// The beneficiary's identifier, when its SIREN is known.
    pub beneficiary_id: Option<OrgId>,
    /// Tranches: (due date, amount in cents); they make the yearly budgets.
    pub tranches: Vec<(Date, Money)>,
}

/// A payment made on an agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisbursementRecord {
    /// The project's slug.
    pub project: String,
    /// The agreement's reference.
    pub agreement: String,
    /// Date paid.
    pub paid_on: Date,
    /// Amount paid (cents).
    pub amount: Money,
    /// Who was paid.
    pub beneficiary: String,
    /// Its identifier, when known.
    pub beneficiary_id: Option<OrgId>,
}

/// What an equity operation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EquityOperation {
    /// The investment committee's decision to subscribe: an outgoing commitment.
    Commitment,
    /// A capital call paid: a purchase of equity (transaction type 8).
    CapitalCall,
    /// Shares sold: a sale of equity (transaction type 9), money received.
    Exit,
}

/// An equity operation of the operator in a company of a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvestmentRecord {
    /// The project's slug.
    pub project: String,
    /// The operation's reference.
    pub reference: String,
    /// What it is.
    pub operation: EquityOperation,
    /// Date.
    pub on: Date,
    /// Amount (cents).
    pub amount: Money,
    /// The company's name.
    pub investee: String,
    /// Its identifier, when known.
    pub investee_id: Option<OrgId>,
}

/// A partner of a project (implementing organisation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerRecord {
    /// The project's slug.
    pub project: String,
    /// Name.
    pub name: String,
    /// Identifier, when known.
    pub org_id: Option<OrgId>,
    /// OrganisationType code, when known (`11` local government…).
    pub kind: Option<String>,
}
