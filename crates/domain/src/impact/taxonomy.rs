//! The programme's shared indicators: the common scale on which the collective evaluation
//! adds up what 24 different projects measure. A project indicator maps onto at most one
//! of them, and its values are converted into the programme indicator's unit.
//!
//! The list follows the outcomes the press kit promises across territories (jobs,
//! emissions, renewable energy, people, companies, citizens engaged, agroecology) and the
//! quantified impacts of the fiches that recur in several projects.

use super::indicator::{Direction, IndicatorKind, Temporality};
use super::unit::{Unit, UnitError};
use serde::Serialize;

/// A programme indicator of the shared taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgrammeIndicator {
    /// Stable code: `jobs-created`.
    pub code: &'static str,
    /// French name.
    pub name: &'static str,
    /// What is counted.
    pub definition: &'static str,
    /// Unit code ([`super::unit::UNITS`]); project values are converted into it.
    pub unit: &'static str,
    /// Shape of a value.
    pub kind: IndicatorKind,
    /// How periods combine.
    pub temporality: Temporality,
    /// Which way is better.
    pub direction: Direction,
}

const fn pi(
    code: &'static str,
    name: &'static str,
    definition: &'static str,
    unit: &'static str,
    kind: IndicatorKind,
    temporality: Temporality,
    direction: Direction,
) -> ProgrammeIndicator {
    ProgrammeIndicator {
        code,
        name,
        definition,
        unit,
        kind,
        temporality,
        direction,
    }
}

use Direction::{Increase, Reduce};
use IndicatorKind::{Percentage, Quantity};
use Temporality::{Cumulative, Flow, Level};

/// The shared taxonomy, in display order.
pub const PROGRAMME_INDICATORS: &[ProgrammeIndicator] = &[
    pi(
        "jobs-created",
        "Emplois créés",
        "Emplois directs créés depuis le début du projet.",
        "jobs",
        Quantity,
        Cumulative,
        Increase,
    ),
    pi(
        "companies-created",
        "Entreprises créées ou accueillies",
        "Entreprises créées, accueillies ou accompagnées par le projet depuis son début.",
        "companies",
        Quantity,
        Cumulative,
        Increase,
    ),
    pi(
        "ghg-avoided",
        "Émissions de GES évitées",
        "Émissions de gaz à effet de serre évitées sur la période, en équivalent CO₂.",
        "tco2e",
        Quantity,
        Flow,
        Increase,
    ),
    pi(
        "renewable-energy-produced",
        "Énergie renouvelable produite",
        "Énergie renouvelable produite localement sur la période.",
        "mwh",
        Quantity,
        Flow,
        Increase,
    ),
    pi(
        "energy-saved",
        "Énergie économisée",
        "Consommation d'énergie évitée sur la période.",
        "mwh",
        Quantity,
        Flow,
        Increase,
    ),
    pi(
        "renewable-share",
        "Part des énergies renouvelables",
        "Part des énergies renouvelables et de récupération dans la consommation d'énergie du territoire.",
        "percent",
        Percentage,
        Level,
        Increase,
    ),
    pi(
        "people-reached",
        "Personnes touchées",
        "Personnes formées, sensibilisées ou bénéficiaires d'un service du projet, depuis son début.",
        "persons",
        Quantity,
        Cumulative,
        Increase,
    ),
    pi(
        "citizens-engaged",
        "Citoyens engagés",
        "Citoyens engagés activement dans le projet (ambassadeurs, contributeurs), depuis son début.",
        "persons",
        Quantity,
        Cumulative,
        Increase,
    ),
    pi(
        "farms-agroecology",
        "Exploitations engagées en agroécologie",
        "Exploitations agricoles engagées dans une démarche agroécologique, à date.",
        "farms",
        Quantity,
        Level,
        Increase,
    ),
    pi(
        "agroecology-area-share",
        "Part des surfaces en agroécologie",
        "Part des surfaces agricoles en bio, HVE ou démarche agroécologique, à date.",
        "percent",
        Percentage,
        Level,
        Increase,
    ),
    pi(
        "hectares-agroecology",
        "Hectares en agroécologie",
        "Surfaces agricoles conduites en agroécologie, à date.",
        "ha",
        Quantity,
        Level,
        Increase,
    ),
    pi(
        "local-food-share",
        "Part des produits locaux ou bio",
        "Part des produits locaux ou bio dans la consommation ou la restauration collective, à date.",
        "percent",
        Percentage,
        Level,
        Increase,
    ),
    pi(
        "car-trips-share",
        "Part des déplacements en voiture individuelle",
        "Part des déplacements faits en voiture individuelle, à date.",
        "percent",
        Percentage,
        Level,
        Reduce,
    ),
    pi(
        "trips-avoided",
        "Déplacements évités",
        "Déplacements motorisés évités sur la période.",
        "trips",
        Quantity,
        Flow,
        Increase,
    ),
    pi(
        "waste-recovered",
        "Déchets valorisés",
        "Tonnes de déchets et matériaux valorisés sur la période.",
        "tonnes",
        Quantity,
        Flow,
        Increase,
    ),
    pi(
        "area-rehabilitated",
        "Surfaces réhabilitées",
        "Surfaces bâties ou de friches réhabilitées depuis le début du projet.",
        "m2",
        Quantity,
        Cumulative,
        Increase,
    ),
    pi(
        "costs-avoided",
        "Coûts publics évités",
        "Coûts évités (santé, sinistres, potabilisation, maintenance) sur la période.",
        "eur",
        Quantity,
        Flow,
        Increase,
    ),
    pi(
        "projects-supported",
        "Projets accompagnés ou financés",
        "Projets, entreprises ou installations accompagnés ou financés, depuis le début.",
        "count",
        Quantity,
        Cumulative,
        Increase,
    ),
];

impl ProgrammeIndicator {
    /// The programme indicator whose code is `code`.
    pub fn find(code: &str) -> Option<&'static ProgrammeIndicator> {
        PROGRAMME_INDICATORS.iter().find(|p| p.code == code)
    }

    /// The factor that converts a value in `from_unit` (a project indicator's unit code)
    /// into this indicator's unit. Errors: [`UnitError`] for an unknown unit or another
    /// dimension (MWh cannot map onto hectares).
    pub fn factor_from(&self, from_unit: &str) -> Result<f64, UnitError> {
        let from = Unit::parse(from_unit)?;
        let to = Unit::parse(self.unit)?;
        from.convert(1.0, to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_programme_indicator_has_a_known_unit_and_a_unique_code() {
        for (i, p) in PROGRAMME_INDICATORS.iter().enumerate() {
            let unit = Unit::parse(p.unit).unwrap();
            assert_eq!(p.kind == Percentage, unit.is_percent(), "{}", p.code);
            assert!(PROGRAMME_INDICATORS[..i].iter().all(|q| q.code != p.code));
        }
        let energy = ProgrammeIndicator::find("renewable-energy-produced").unwrap();
        assert_eq!(energy.factor_from("kwh").unwrap(), 0.001);
        assert_eq!(energy.factor_from("gwh").unwrap(), 1_000.0);
        assert!(energy.factor_from("ha").is_err());
    }
}
