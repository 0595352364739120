//! The neutral input of the IATI writers: plain structs, amounts in integer cents
//! ([`Money`]), dates as [`Date`], codes as the strings IATI publishes (checked against the
//! embedded codelists before writing, see [`super::check`]). Texts are French and written
//! with `xml:lang="fr"`. [`super::mapping`] builds these from the registry's domain types.

use territoires_domain::Money;
use time::Date;

/// Codes this export uses, with their IATI codelist and meaning.
pub mod codes {
    /// OrganisationRole 1: *Funding* — the State (Programme d'investissements d'avenir).
    pub const ROLE_FUNDING: &str = "1";
    /// OrganisationRole 2: *Accountable* — the project lead.
    pub const ROLE_ACCOUNTABLE: &str = "2";
    /// OrganisationRole 3: *Extending* — the operator, which signs and pays.
    pub const ROLE_EXTENDING: &str = "3";
    /// OrganisationRole 4: *Implementing* — the lead and its partners.
    pub const ROLE_IMPLEMENTING: &str = "4";
    /// OrganisationType 10: *Government* (the State).
    pub const ORG_GOVERNMENT: &str = "10";
    /// OrganisationType 15: *Other Public Sector* (the Caisse des Dépôts, a public
    /// financial institution).
    pub const ORG_OTHER_PUBLIC: &str = "15";
    /// ActivityStatus 2: *Implementation*.
    pub const STATUS_IMPLEMENTATION: &str = "2";
    /// ActivityDateType 1: *Planned start*.
    pub const DATE_PLANNED_START: &str = "1";
    /// ActivityDateType 2: *Actual start*.
    pub const DATE_ACTUAL_START: &str = "2";
    /// ActivityDateType 3: *Planned end*.
    pub const DATE_PLANNED_END: &str = "3";
    /// DescriptionType 1: *General*.
    pub const DESCRIPTION_GENERAL: &str = "1";
    /// DescriptionType 2: *Objectives*.
    pub const DESCRIPTION_OBJECTIVES: &str = "2";
    /// TransactionType 2: *Outgoing Commitment* (an agreement signed).
    pub const TX_COMMITMENT: &str = "2";
    /// TransactionType 3: *Disbursement* (a payment made).
    pub const TX_DISBURSEMENT: &str = "3";
    /// TransactionType 8: *Purchase of Equity* (a capital call paid).
    pub const TX_PURCHASE_OF_EQUITY: &str = "8";
    /// TransactionType 9: *Sale of Equity* (an exit).
    pub const TX_SALE_OF_EQUITY: &str = "9";
    /// FinanceType 110: *Standard grant* (a subsidy).
    pub const FINANCE_GRANT: &str = "110";
    /// FinanceType 510: *Common equity* (an equity investment).
    pub const FINANCE_EQUITY: &str = "510";
    /// BudgetType 1: *Original*.
    pub const BUDGET_ORIGINAL: &str = "1";
    /// BudgetStatus 1: *Indicative*.
    pub const BUDGET_INDICATIVE: &str = "1";
    /// BudgetStatus 2: *Committed*.
    pub const BUDGET_COMMITTED: &str = "2";
    /// RelatedActivityType 1: *Parent*.
    pub const RELATED_PARENT: &str = "1";
    /// RelatedActivityType 2: *Child*.
    pub const RELATED_CHILD: &str = "2";
    /// ResultType 3: *Impact* (the fiches' « impacts à 2030 »).
    pub const RESULT_IMPACT: &str = "3";
    /// IndicatorMeasure 1: *Unit*.
    pub const MEASURE_UNIT: &str = "1";
    /// IndicatorMeasure 2: *Percentage*.
    pub const MEASURE_PERCENTAGE: &str = "2";
    /// IndicatorMeasure 5: *Qualitative*.
    pub const MEASURE_QUALITATIVE: &str = "5";
    /// SectorVocabulary 99: *Reporting Organisation* — the programme's themes.
    pub const SECTOR_VOCABULARY_REPORTING_ORG: &str = "99";
    /// GeographicLocationReach 1: *Activity* (where the activity happens).
    pub const REACH_ACTIVITY: &str = "1";
    /// GeographicLocationClass 1: *Administrative Region*.
    pub const LOCATION_CLASS_ADMINISTRATIVE: &str = "1";
    /// GeographicExactness 2: *Approximate* (a whole region, not a point).
    pub const EXACTNESS_APPROXIMATE: &str = "2";
    /// GeographicVocabulary A4: *ISO Country (3166-1 alpha-2)*.
    pub const GEO_VOCABULARY_ISO_COUNTRY: &str = "A4";
    /// Country FR (France; see [`crate::iati::mapping::iso_country`] for the collectivities
    /// with a code of their own).
    pub const COUNTRY_FRANCE: &str = "FR";
    /// Currency EUR (the activities' `@default-currency`).
    pub const CURRENCY_EUR: &str = "EUR";
}

/// An organisation as IATI names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    /// Organisation identifier (`FR-RCS-180020026`), when known.
    pub reference: Option<String>,
    /// OrganisationType code, when known.
    pub kind: Option<String>,
    /// Name, in French.
    pub name: String,
}

/// An organisation taking part in an activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipatingOrg {
    /// OrganisationRole code ([`codes::ROLE_FUNDING`]…).
    pub role: String,
    /// The organisation.
    pub org: Org,
}

/// A place where the activity happens: a French region or overseas collectivity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The publisher's own reference, carrying the INSEE code: `INSEE-COG-84`.
    pub reference: String,
    /// Name (`Auvergne-Rhône-Alpes`).
    pub name: String,
    /// ISO 3166-1 alpha-2 code of its country (`FR`, `NC`), written as the administrative
    /// area of vocabulary A4.
    pub country: String,
    /// Description (« Région, code INSEE 84 (COG 2019) »).
    pub description: String,
}

/// A sector of the activity (one of the programme's themes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sector {
    /// SectorVocabulary code ([`codes::SECTOR_VOCABULARY_REPORTING_ORG`]).
    pub vocabulary: String,
    /// The code in that vocabulary (`agroecology`).
    pub code: String,
    /// Share of the activity in hundredths of a per cent (10 000 = 100 %); the shares of one
    /// vocabulary add up to 10 000.
    pub percentage: u32,
    /// Label, in French.
    pub name: String,
}

/// A budget of the activity, for a period of at most one year (IATI rule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    /// BudgetType code.
    pub kind: String,
    /// BudgetStatus code.
    pub status: String,
    /// First day.
    pub start: Date,
    /// Last day, at most one year after `start`.
    pub end: Date,
    /// Amount (cents, ≥ 0).
    pub value: Money,
}

/// A financial transaction of the activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// The publisher's reference (agreement or payment reference), if any.
    pub reference: Option<String>,
    /// TransactionType code.
    pub kind: String,
    /// Date of the transaction (also its value date).
    pub date: Date,
    /// Amount (cents, ≥ 0: a sale of equity is positive money received).
    pub value: Money,
    /// Description, in French.
    pub description: Option<String>,
    /// Who pays.
    pub provider: Option<Org>,
    /// Who receives.
    pub receiver: Option<Org>,
    /// FinanceType code.
    pub finance_type: Option<String>,
}

/// A period of an indicator with its target and/or actual value.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorPeriod {
    /// First day.
    pub start: Date,
    /// Last day.
    pub end: Date,
    /// Target value in the indicator's unit (`None` for qualitative or unresolved).
    pub target: Option<f64>,
    /// Comment on the target (the fiche's phrase).
    pub target_comment: Option<String>,
    /// Actual value in the indicator's unit.
    pub actual: Option<f64>,
}

/// An indicator's baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultBaseline {
    /// Date of the baseline (its year is `@year`).
    pub date: Date,
    /// Value, `None` when unknown or qualitative.
    pub value: Option<f64>,
    /// Source, in French.
    pub comment: String,
}

/// An indicator of a result.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultIndicator {
    /// IndicatorMeasure code.
    pub measure: String,
    /// Whether higher is better (`None`: keep a level).
    pub ascending: Option<bool>,
    /// Title, in French.
    pub title: String,
    /// Description (unit, definition), in French.
    pub description: String,
    /// Baseline, when known.
    pub baseline: Option<ResultBaseline>,
    /// Target and actual periods, in date order.
    pub periods: Vec<IndicatorPeriod>,
}

/// A result (one impact of the fiche) and its indicators.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRecord {
    /// ResultType code.
    pub kind: String,
    /// Title, in French.
    pub title: String,
    /// Its indicators (at least one).
    pub indicators: Vec<ResultIndicator>,
}

/// An IATI activity: the programme (`hierarchy` 1) or one of its projects (`hierarchy` 2).
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    /// `{reporting-org}-{programme slug}` or `…-{project slug}`.
    pub identifier: String,
    /// 1 for the programme, 2 for a project.
    pub hierarchy: u8,
    /// Title, in French.
    pub title: String,
    /// Descriptions: (DescriptionType code, French text); at least one.
    pub descriptions: Vec<(String, String)>,
    /// Participating organisations; at least one.
    pub participating_orgs: Vec<ParticipatingOrg>,
    /// ActivityStatus code.
    pub status: String,
    /// Dates: (ActivityDateType code, date); at least one.
    pub dates: Vec<(String, Date)>,
    /// Recipient country code (`FR`).
    pub recipient_country: String,
    /// Locations (regions with their INSEE codes).
    pub locations: Vec<Location>,
    /// Sectors.
    pub sectors: Vec<Sector>,
    /// FinanceType code applying unless a transaction says otherwise.
    pub default_finance_type: Option<String>,
    /// Budgets, each at most one year long.
    pub budgets: Vec<Budget>,
    /// Transactions, in date order.
    pub transactions: Vec<Transaction>,
    /// Related activities: (RelatedActivityType code, activity identifier).
    pub related: Vec<(String, String)>,
    /// Results.
    pub results: Vec<ResultRecord>,
}

/// The reporting organisation's file: its total budget per year and, when known, its total
/// expenditure per year on the programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationFile {
    /// The reporting organisation (its reference is the organisation identifier).
    pub org: Org,
    /// Total budget per period (at most one year each): (start, end, BudgetStatus, amount).
    pub total_budgets: Vec<(Date, Date, String, Money)>,
    /// Total expenditure per period (at most one year each): (start, end, amount).
    pub total_expenditure: Vec<(Date, Date, Money)>,
}
