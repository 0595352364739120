//! The unit registry: every unit an indicator may be measured in, its dimension, and the
//! factor that converts it to its dimension's base unit.
//!
//! Conversions only happen within one dimension (kWh ↔ MWh ↔ GWh, m² ↔ hectares, t ↔ kt
//! CO₂e); anything else is a [`UnitError::Incompatible`]. The factors are exact decimal
//! definitions (SI prefixes, 1 ha = 10 000 m²), so a conversion loses at most the last
//! bit of an `f64`.

use super::ImpactError;
use crate::vocabulary::vocabulary;

vocabulary! {
    /// What a unit measures. Two units convert into each other only when they share it.
    Dimension {
        /// People: inhabitants, citizens, pupils, farmers…
        Persons = "persons", "personnes";
        /// Jobs (full-time or headcount, as the indicator's method says).
        Jobs = "jobs", "emplois";
        /// Organisations: companies, start-ups, farms, establishments.
        Organisations = "organisations", "organisations";
        /// Households.
        Households = "households", "ménages";
        /// A share, in per cent (0–100).
        Share = "share", "part";
        /// Greenhouse-gas mass in CO₂ equivalent.
        Emissions = "emissions", "émissions";
        /// Energy.
        Energy = "energy", "énergie";
        /// Mass of material (waste, products), not emissions.
        Mass = "mass", "masse";
        /// Area.
        Area = "area", "surface";
        /// Length.
        Length = "length", "longueur";
        /// Trips (*déplacements*).
        Trips = "trips", "déplacements";
        /// Money, in euros (indicator values, not ledger amounts: those are cents).
        Money = "money", "montant";
        /// Duration in days.
        Days = "days", "jours";
        /// Mass concentration in water (nitrates in mg/L, pesticides in µg/L).
        Concentration = "concentration", "concentration";
        /// Things counted that fit no other dimension: projects, sites, vehicles, places.
        Count = "count", "nombre";
        /// A dimensionless ratio or index (a score, a multiple).
        Ratio = "ratio", "ratio";
    }
}

/// A unit of the registry: its code (stable, used in data files, the API and the
/// database), its French symbol, its dimension, and how many base units one of it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    /// Stable code: `persons`, `mwh`, `tco2e`, `ha`…
    pub code: &'static str,
    /// What users read after a number: `MWh`, `t CO₂e`, `ha`, `%`.
    pub symbol: &'static str,
    /// French name, singular (`mégawattheure`).
    pub name: &'static str,
    /// What it measures.
    pub dimension: Dimension,
    /// Base units in one of this unit (base: kWh, t CO₂e, t, m², km, €, day, mg/L, and 1 for
    /// counts and shares).
    pub factor: f64,
}

/// Every unit, grouped by dimension; the first of each dimension is its base unit.
pub const UNITS: &[Unit] = &[
    Unit {
        code: "persons",
        symbol: "personnes",
        name: "personne",
        dimension: Dimension::Persons,
        factor: 1.0,
    },
    Unit {
        code: "jobs",
        symbol: "emplois",
        name: "emploi",
        dimension: Dimension::Jobs,
        factor: 1.0,
    },
    Unit {
        code: "companies",
        symbol: "entreprises",
        name: "entreprise",
        dimension: Dimension::Organisations,
        factor: 1.0,
    },
    Unit {
        code: "farms",
        symbol: "exploitations",
        name: "exploitation agricole",
        dimension: Dimension::Organisations,
        factor: 1.0,
    },
    Unit {
        code: "households",
        symbol: "ménages",
        name: "ménage",
        dimension: Dimension::Households,
        factor: 1.0,
    },
    Unit {
        code: "percent",
        symbol: "%",
        name: "pour cent",
        dimension: Dimension::Share,
        factor: 1.0,
    },
    Unit {
        code: "tco2e",
        symbol: "t CO₂e",
        name: "tonne équivalent CO₂",
        dimension: Dimension::Emissions,
        factor: 1.0,
    },
    Unit {
        code: "kgco2e",
        symbol: "kg CO₂e",
        name: "kilogramme équivalent CO₂",
        dimension: Dimension::Emissions,
        factor: 0.001,
    },
    Unit {
        code: "ktco2e",
        symbol: "kt CO₂e",
        name: "kilotonne équivalent CO₂",
        dimension: Dimension::Emissions,
        factor: 1_000.0,
    },
    Unit {
        code: "kwh",
        symbol: "kWh",
        name: "kilowattheure",
        dimension: Dimension::Energy,
        factor: 1.0,
    },
    Unit {
        code: "mwh",
        symbol: "MWh",
        name: "mégawattheure",
        dimension: Dimension::Energy,
        factor: 1_000.0,
    },
    Unit {
        code: "gwh",
        symbol: "GWh",
        name: "gigawattheure",
        dimension: Dimension::Energy,
        factor: 1_000_000.0,
    },
    Unit {
        code: "tonnes",
        symbol: "t",
        name: "tonne",
        dimension: Dimension::Mass,
        factor: 1.0,
    },
    Unit {
        code: "kg",
        symbol: "kg",
        name: "kilogramme",
        dimension: Dimension::Mass,
        factor: 0.001,
    },
    Unit {
        code: "m2",
        symbol: "m²",
        name: "mètre carré",
        dimension: Dimension::Area,
        factor: 1.0,
    },
    Unit {
        code: "ha",
        symbol: "ha",
        name: "hectare",
        dimension: Dimension::Area,
        factor: 10_000.0,
    },
    Unit {
        code: "km2",
        symbol: "km²",
        name: "kilomètre carré",
        dimension: Dimension::Area,
        factor: 1_000_000.0,
    },
    Unit {
        code: "km",
        symbol: "km",
        name: "kilomètre",
        dimension: Dimension::Length,
        factor: 1.0,
    },
    Unit {
        code: "m",
        symbol: "m",
        name: "mètre",
        dimension: Dimension::Length,
        factor: 0.001,
    },
    Unit {
        code: "trips",
        symbol: "déplacements",
        name: "déplacement",
        dimension: Dimension::Trips,
        factor: 1.0,
    },
    Unit {
        code: "eur",
        symbol: "€",
        name: "euro",
        dimension: Dimension::Money,
        factor: 1.0,
    },
    Unit {
        code: "keur",
        symbol: "k€",
        name: "millier d'euros",
        dimension: Dimension::Money,
        factor: 1_000.0,
    },
    Unit {
        code: "meur",
        symbol: "M€",
        name: "million d'euros",
        dimension: Dimension::Money,
        factor: 1_000_000.0,
    },
    Unit {
        code: "days",
        symbol: "jours",
        name: "jour",
        dimension: Dimension::Days,
        factor: 1.0,
    },
    Unit {
        code: "mg-per-l",
        symbol: "mg/L",
        name: "milligramme par litre",
        dimension: Dimension::Concentration,
        factor: 1.0,
    },
    Unit {
        code: "ug-per-l",
        symbol: "µg/L",
        name: "microgramme par litre",
        dimension: Dimension::Concentration,
        factor: 0.001,
    },
    Unit {
        code: "count",
        symbol: "",
        name: "unité",
        dimension: Dimension::Count,
        factor: 1.0,
    },
    Unit {
        code: "ratio",
        symbol: "",
        name: "ratio",
        dimension: Dimension::Ratio,
        factor: 1.0,
    },
];

/// Why a unit or a conversion was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitError {
    /// The code is not in [`UNITS`].
    #[error("unité inconnue « {0} »")]
    Unknown(String),
    /// The two units measure different things (e.g. MWh and hectares).
    #[error("conversion impossible de {from} en {to} : dimensions différentes")]
    Incompatible {
        /// Code of the source unit.
        from: &'static str,
        /// Code of the wanted unit.
        to: &'static str,
    },
}

impl From<UnitError> for ImpactError {
    fn from(e: UnitError) -> Self {
        ImpactError::Unit(e)
    }
}

impl Unit {
    /// The unit whose code is `code` (case-insensitive; `MWh`, `mwh`), or
    /// [`UnitError::Unknown`].
    pub fn parse(code: &str) -> Result<&'static Unit, UnitError> {
        let wanted = code.trim().to_lowercase();
        UNITS
            .iter()
            .find(|u| u.code == wanted)
            .ok_or_else(|| UnitError::Unknown(code.trim().to_owned()))
    }

    /// `value` expressed in this unit, converted into `to`: `mwh.convert(2.5, kwh)` is
    /// 2 500. Errors: [`UnitError::Incompatible`] across dimensions.
    pub fn convert(&self, value: f64, to: &Unit) -> Result<f64, UnitError> {
        if self.dimension != to.dimension {
            return Err(UnitError::Incompatible {
                from: self.code,
                to: to.code,
            });
        }
        if self.code == to.code {
            return Ok(value);
        }
        Ok(value * self.factor / to.factor)
    }

    /// Whether values in this unit are shares in per cent (differences are then
    /// *points*, not per cents).
    pub fn is_percent(&self) -> bool {
        self.dimension == Dimension::Share
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_within_a_dimension_only() {
        let mwh = Unit::parse("MWh").unwrap();
        let kwh = Unit::parse("kwh").unwrap();
        let gwh = Unit::parse("gwh").unwrap();
        assert_eq!(mwh.convert(2.5, kwh).unwrap(), 2_500.0);
        assert_eq!(kwh.convert(790.0, mwh).unwrap(), 0.79);
        assert_eq!(gwh.convert(1.0, mwh).unwrap(), 1_000.0);
        let ha = Unit::parse("ha").unwrap();
        assert_eq!(ha.convert(100.0, Unit::parse("m2").unwrap()).unwrap(), 1_000_000.0);
        assert_eq!(mwh.convert(1.0, ha), Err(UnitError::Incompatible { from: "mwh", to: "ha" }));
        assert_eq!(Unit::parse("furlongs"), Err(UnitError::Unknown("furlongs".into())));
    }

    #[test]
    fn codes_are_unique_and_each_dimension_has_its_base_first() {
        for (i, u) in UNITS.iter().enumerate() {
            assert!(UNITS[..i].iter().all(|v| v.code != u.code), "{} twice", u.code);
            let first = UNITS.iter().find(|v| v.dimension == u.dimension).unwrap();
            assert_eq!(first.factor, 1.0, "base of {:?}", u.dimension);
        }
        for d in Dimension::ALL {
            assert!(UNITS.iter().any(|u| u.dimension == *d), "{d:?} has no unit");
        }
    }
}
