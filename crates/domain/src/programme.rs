//! The programme (the *action* Territoires d'Innovation): its operator, envelopes, calls
//! and the headline figures it publishes about itself.

pub use crate::call::{Call, CallKind};
use crate::money::Money;
use serde::{Deserialize, Serialize};
use time::Date;

/// A funding programme: name, operator, total amount over a duration, capped envelopes,
/// calls, target themes, and the headline claims of its press kit.
///
/// Source for the real instance: *Territoires d'Innovation, 24 projets lauréats*, press
/// kit of 13 September 2019 (Licence Ouverte / Etalab 2.0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Programme {
    /// Stable identifier, e.g. `territoires-d-innovation`.
    pub slug: String,
    /// Name, e.g. *Territoires d'Innovation*.
    pub name: String,
    /// The parent State programme, e.g. *Programme d'investissements d'avenir (PIA)*.
    pub parent_programme: String,
    /// The operator running it for the State, e.g. *Banque des Territoires*.
    pub operator: String,
    /// Total funding (cents): 450 M€.
    pub total_amount: Money,
    /// Duration in years: 10.
    pub duration_years: u32,
    /// The capped envelopes (subsidies, equity).
    pub envelopes: Vec<Envelope>,
    /// The calls, in chronological order.
    pub calls: Vec<Call>,
    /// The target themes as the press kit words them.
    pub target_themes: Vec<String>,
    /// The figures the press kit prints about itself, to be checked against the fiches.
    pub headline_claims: Vec<HeadlineClaim>,
    /// Where the data comes from (document, date, licence).
    pub source: Source,
}

/// The provenance of imported data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Source {
    /// Title of the document.
    pub title: String,
    /// File name it was read from.
    pub file: String,
    /// Publication date (ISO 8601).
    pub published_on: Date,
    /// Licence, e.g. *Licence Ouverte / Etalab 2.0*.
    pub licence: String,
}

/// The kind of an envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum EnvelopeKind {
    /// Grants (*subventions*): up to 150 M€.
    Subsidy,
    /// Equity investment (*fonds propres*, prudent-investor logic): up to 300 M€.
    Equity,
}

impl EnvelopeKind {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            EnvelopeKind::Subsidy => "Subventions",
            EnvelopeKind::Equity => "Investissement en fonds propres",
        }
    }
}

/// A capped pot of money (*enveloppe*).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Envelope {
    /// Subsidy or equity.
    pub kind: EnvelopeKind,
    /// The cap (cents): "pouvant aller jusqu'à".
    pub cap: Money,
}

/// What a headline figure counts, so that it can be checked against the fiches.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum ClaimSubject {
    /// Number of applications to the call for projects.
    Applications,
    /// Number of laureates.
    Laureates,
    /// Total number of partners.
    Partners,
    /// Total funding (cents).
    TotalAmount,
    /// Subsidy envelope (cents).
    SubsidyEnvelope,
    /// Equity envelope (cents).
    EquityEnvelope,
    /// Laureates under a theme; the raw wording of the theme is kept.
    ThemeCount(String),
    /// Laureates belonging to another State programme (e.g. *Territoires d'Industrie*),
    /// which the fiches do not record.
    OtherProgrammeCount(String),
}

/// A figure the press kit prints about itself (a claim, not a fact).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeadlineClaim {
    /// What it counts.
    pub subject: ClaimSubject,
    /// The printed value: a count, or cents for amounts.
    pub value: i64,
    /// The printed text, verbatim.
    pub raw: String,
    /// 1-based line in the source document.
    pub line: u32,
}
