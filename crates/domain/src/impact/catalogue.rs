//! The structured impacts of the laureates: each « Impacts à horizon 2030 » sentence of a
//! fiche, and what it became: one or more indicators with targets, or a qualitative
//! objective with the reason it could not be quantified.

use super::indicator::Indicator;
use serde::{Deserialize, Serialize};

/// What became of one impact sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum ImpactOutcome {
    /// Quantified: the codes of the indicators made from it (one sentence may hold several
    /// targets: « 100 nouvelles entreprises et 1 500 emplois »).
    Structured {
        /// Indicator codes, in the sentence's order.
        indicators: Vec<String>,
    },
    /// Kept as a qualitative objective.
    Qualitative {
        /// Why it could not be quantified, in French (« aucune valeur chiffrée »).
        reason: String,
    },
}

/// One impact sentence of a fiche.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Impact {
    /// Project slug.
    pub project: String,
    /// Position in the fiche's impact list, from 1.
    pub position: u32,
    /// The sentence verbatim.
    pub sentence: String,
    /// What became of it.
    #[serde(flatten)]
    pub outcome: ImpactOutcome,
}

/// A project indicator mapped onto a programme indicator of the shared taxonomy
/// ([`super::taxonomy::PROGRAMME_INDICATORS`]); values are converted by unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mapping {
    /// Project indicator code.
    pub indicator: String,
    /// Programme indicator code.
    pub programme_indicator: String,
}

/// The structured impacts of the programme: indicators, the sentences they come from, and
/// their mapping onto the programme taxonomy.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Catalogue {
    /// Project indicators, with baselines (when known) and targets.
    pub indicators: Vec<Indicator>,
    /// Every impact sentence of every fiche, in fiche order.
    pub impacts: Vec<Impact>,
    /// Project indicator → programme indicator.
    pub mappings: Vec<Mapping>,
}

impl Catalogue {
    /// How many impact sentences were structured, out of how many.
    pub fn structured_count(&self) -> (usize, usize) {
        let n = self
            .impacts
            .iter()
            .filter(|i| matches!(i.outcome, ImpactOutcome::Structured { .. }))
            .count();
        (n, self.impacts.len())
    }
}
