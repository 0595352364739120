//! A selected application becoming a laureate project of the registry (issue 3: « A
//! selected application becomes a laureate project in the registry, keeping its
//! history »).
//!
//! What is mapped from the application: name, heading and table-of-contents title = the
//! application's title; call = the application's call; lead = the applicant's
//! organisation (else the applicant's name); ambition = the application's summary, as one
//! paragraph. The figures a [`Project`] holds as plain numbers — subsidy ceiling,
//! investment potential, population, partners, local authorities — are not in an
//! application: the programme manager states them when promoting ([`LaureateFigures`]);
//! they are never defaulted to zero. The subsidy ceiling is offered pre-filled with the
//! amount requested (a ceiling the State then commits to, not a payment). Everything else
//! the press kit's fiche would give (regions, themes, territory kinds, objectives, 2030
//! impacts, planned budget) is unknown: empty lists and `None`, never invented.

use crate::application::ApplicationId;
use crate::money::Money;
use crate::project::{FicheSource, Project, TextBlock};
use crate::text::slugify;
use serde::{Deserialize, Serialize};

/// Where a project of the registry came from, when it was created from an application
/// rather than imported from the press kit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectOrigin {
    /// The project's slug (`/projets/{slug}`).
    pub slug: String,
    /// The application it was created from (`/candidatures/{id}`).
    pub application_id: ApplicationId,
    /// The call of that application (`aap-2018`).
    pub call: String,
    /// The title of that call when it is a platform call (the press kit's calls have
    /// theirs in the registry); `None` otherwise.
    #[serde(default)]
    pub call_title: Option<String>,
    /// Instant of the promotion (RFC 3339, UTC).
    pub created_at: String,
}

/// The figures the programme manager states when promoting an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LaureateFigures {
    /// Ceiling of the State's subsidies (cents).
    pub subsidy_ceiling: Money,
    /// The State's investment potential (cents).
    pub investment_potential: Money,
    /// Population concerned (persons).
    pub population: u64,
    /// Partners (organisations).
    pub partners: u32,
    /// Of which local authorities.
    pub local_authorities: u32,
}

/// Why figures were refused, in French, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LaureateError {
    /// A negative amount.
    #[error("Le montant « {0} » ne peut pas être négatif.")]
    NegativeAmount(&'static str),
    /// More local authorities than partners.
    #[error("Le nombre de collectivités (« local_authorities ») dépasse celui des partenaires (« partners »).")]
    MoreAuthoritiesThanPartners,
}

impl LaureateFigures {
    /// Checks the figures: amounts ≥ 0, local authorities ≤ partners.
    pub fn check(self) -> Result<LaureateFigures, LaureateError> {
        if self.subsidy_ceiling.cents() < 0 {
            return Err(LaureateError::NegativeAmount("subsidy_ceiling_cents"));
        }
        if self.investment_potential.cents() < 0 {
            return Err(LaureateError::NegativeAmount("investment_potential_cents"));
        }
        if self.local_authorities > self.partners {
            return Err(LaureateError::MoreAuthoritiesThanPartners);
        }
        Ok(self)
    }
}

/// The slug of a laureate made from an application titled `title`: its [`slugify`]d
/// title, or `candidature-<id>` when that is empty or `taken` says it is used already
/// (then `<slug>-candidature-<id>`).
pub fn laureate_slug(title: &str, id: ApplicationId, taken: impl Fn(&str) -> bool) -> String {
    let base = slugify(title);
    if base.is_empty() {
        format!("candidature-{id}")
    } else if taken(&base) {
        format!("{base}-candidature-{id}")
    } else {
        base
    }
}

/// The project a selected application becomes (see the module's documentation for what
/// is mapped and what stays unknown).
pub fn laureate_project(slug: String, title: &str, summary: &str, call: &str, lead: &str, figures: LaureateFigures) -> Project {
    Project {
        slug,
        name: title.to_owned(),
        heading: title.to_owned(),
        toc_title: title.to_owned(),
        regions: Vec::new(),
        region_raw: String::new(),
        lead: lead.to_owned(),
        lead_detail: None,
        partners: figures.partners,
        local_authorities: figures.local_authorities,
        themes: Vec::new(),
        themes_raw: String::new(),
        territory_kinds: Vec::new(),
        territory_kinds_raw: String::new(),
        population: figures.population,
        planned_budget: None,
        ambition: if summary.trim().is_empty() {
            Vec::new()
        } else {
            vec![TextBlock::paragraph(summary.trim())]
        },
        strategic_objectives: Vec::new(),
        impacts_2030: Vec::new(),
        subsidy_ceiling: figures.subsidy_ceiling,
        investment_potential: figures.investment_potential,
        call: Some(call.to_owned()),
        // No fiche: there is no line of the press kit to point to.
        source: FicheSource { line: 0, page: None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_avoid_the_press_kit_ones() {
        let id = ApplicationId(7);
        assert_eq!(laureate_slug("Vallée Verte", id, |_| false), "vallee-verte");
        assert_eq!(laureate_slug("Biovallée", id, |s| s == "biovallee"), "biovallee-candidature-7");
        assert_eq!(laureate_slug("!!!", id, |_| false), "candidature-7");
    }

    #[test]
    fn figures_are_checked_and_unknowns_stay_unknown() {
        let f = LaureateFigures {
            subsidy_ceiling: Money(100_000_000),
            investment_potential: Money(0),
            population: 12_000,
            partners: 3,
            local_authorities: 4,
        };
        assert_eq!(f.check(), Err(LaureateError::MoreAuthoritiesThanPartners));
        let p = laureate_project(
            "x".into(),
            "X",
            "",
            "aap-2018",
            "Ville de X",
            LaureateFigures { local_authorities: 1, ..f },
        );
        assert_eq!((p.planned_budget, p.regions.len(), p.ambition.len()), (None, 0, 0));
        assert_eq!(p.subsidy_ceiling, Money(100_000_000));
        assert_eq!(p.call.as_deref(), Some("aap-2018"));
    }
}
