//! A laureate project (*projet lauréat*) as described by its fiche.

use crate::money::Money;
use crate::vocabulary::{Region, TerritoryKind, Theme};
use serde::{Deserialize, Serialize};

/// A laureate project and every field of its press-kit fiche.
///
/// Normalised fields (regions, themes, territory kinds) sit beside the raw text they were
/// read from. Amounts are cents. A field the fiche does not give is `None`, never zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Project {
    /// Stable identifier made from the name: `biovallee`, `vilagil`…
    pub slug: String,
    /// Name as the fiche heading gives it, in title case where the heading is upper case
    /// (e.g. *Le Havre Smart Port City*).
    pub name: String,
    /// The fiche heading verbatim.
    pub heading: String,
    /// The table of contents entry, verbatim (it often differs from the heading).
    pub toc_title: String,
    /// Regions the project acts in (INSEE codes), the first being the table of contents'
    /// section; several when the fiche names several regions.
    pub regions: Vec<Region>,
    /// The table of contents' section heading, verbatim (`"PAYS DE LA LOIRE"`).
    pub region_raw: String,
    /// The lead organisation (*chef de file*).
    pub lead: String,
    /// What the fiche adds in brackets after the lead (co-leads, member authorities).
    pub lead_detail: Option<String>,
    /// Number of partners (organisations).
    pub partners: u32,
    /// Of which local authorities (*collectivités*).
    pub local_authorities: u32,
    /// Themes, normalised, in the fiche's order.
    pub themes: Vec<Theme>,
    /// The theme line verbatim.
    pub themes_raw: String,
    /// Territory kinds, normalised, in the fiche's order.
    pub territory_kinds: Vec<TerritoryKind>,
    /// The territory-kind line verbatim.
    pub territory_kinds_raw: String,
    /// Population concerned (persons).
    pub population: u64,
    /// Planned budget of the whole project, all financers (cents); `None` when the fiche
    /// has no budget line.
    pub planned_budget: Option<Money>,
    /// The *Ambition* section: its paragraphs and list items, in document order (the
    /// planned-budget sentence is in `planned_budget`).
    pub ambition: Vec<TextBlock>,
    /// The *Objectifs stratégiques* section: the objectives as list items, with any
    /// introductory or closing sentence as a paragraph, in reading order.
    pub strategic_objectives: Vec<TextBlock>,
    /// The *Impacts à horizon 2030* items, verbatim text without markup.
    pub impacts_2030: Vec<String>,
    /// Ceiling of the State's subsidies (*montant prévu de subvention*, cents).
    pub subsidy_ceiling: Money,
    /// The State's investment potential (*potentiel d'investissement*, cents).
    pub investment_potential: Money,
    /// Slug of the call the project was selected in (`aap-2018` for the 24 laureates of
    /// the 2019 press kit); `None` when not known.
    pub call: Option<String>,
    /// Where the fiche was read from.
    pub source: FicheSource,
}

/// Whether a `TextBlock` is a paragraph or an item of a bulleted list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum BlockKind {
    /// A paragraph of prose.
    Paragraph,
    /// An item of a bulleted list (consecutive items form one list).
    Item,
}

/// A piece of a fiche's free text, without markup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TextBlock {
    /// Paragraph or list item.
    pub kind: BlockKind,
    /// The text, markup removed (`CO<sub>2</sub>` → `CO₂`).
    pub text: String,
}

impl TextBlock {
    /// A paragraph.
    pub fn paragraph(text: impl Into<String>) -> TextBlock {
        TextBlock {
            kind: BlockKind::Paragraph,
            text: text.into(),
        }
    }

    /// A list item.
    pub fn item(text: impl Into<String>) -> TextBlock {
        TextBlock {
            kind: BlockKind::Item,
            text: text.into(),
        }
    }
}

/// Where a fiche lies in its source document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FicheSource {
    /// 1-based line of the fiche heading.
    pub line: u32,
    /// Page number printed in the table of contents.
    pub page: Option<u32>,
}

impl Project {
    /// True when the project acts in the region whose INSEE code is `code`.
    pub fn in_region(&self, code: &str) -> bool {
        self.regions.iter().any(|r| r.code == code)
    }
}
