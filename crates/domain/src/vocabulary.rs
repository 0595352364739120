//! Controlled vocabularies of the registry: themes, territory kinds and regions.
//!
//! Each term has a stable code (used in URLs, the API and the database), a French label
//! (what users read), and a parser that accepts the spellings found in the 2019 press kit.
//! Parsers work on [`crate::text::fold`]ed text, so accents, case and apostrophes do not
//! matter.

use crate::text::fold;
use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($(#[$vmeta])* $variant,)+ }

        impl $name {
            /// Every term, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// Stable code (kebab-case English), as in URLs, the API and the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// French label shown to users.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            /// The term whose [`code`](Self::code) is `code`, if any.
            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

/// The same closed-vocabulary shape for other modules (indicator kinds, units…).
pub(crate) use vocabulary;

vocabulary! {
    /// A theme (*thématique*) of the programme. The press kit lists six target themes; its
    /// fiches also use *Industrie* and *Handicap*, kept as themes of their own.
    Theme {
        /// *Agroécologie*, *Agriculture transition alimentaire*.
        Agroecology = "agroecology", "Agroécologie";
        /// *Transition écologique et énergétique*, also written *énergétique et écologique*
        /// or just *Transition écologique* in the fiches.
        EcologicalEnergyTransition = "ecological-energy-transition", "Transition écologique et énergétique";
        /// *Santé*.
        Health = "health", "Santé";
        /// *Mobilité*.
        Mobility = "mobility", "Mobilité";
        /// *Numérique*.
        Digital = "digital", "Numérique";
        /// *Compétences*.
        Skills = "skills", "Compétences";
        /// *Industrie*.
        Industry = "industry", "Industrie";
        /// *Handicap* (Lorient's fiche).
        Disability = "disability", "Handicap";
    }
}

impl Theme {
    /// Parses one theme as written in a fiche, in the press kit's headline figures or in
    /// its list of target themes (« La transition numérique », « L'énergie durable »…: a
    /// leading French article, *la*, *le*, *les* or *l'*, is ignored).
    /// Returns `None` for an unknown term (the caller reports it with its line).
    pub fn parse(raw: &str) -> Option<Theme> {
        let folded = fold(raw);
        let f = ["la ", "le ", "les ", "l "]
            .iter()
            .find_map(|a| folded.strip_prefix(a))
            .unwrap_or(&folded);
        Some(match f {
            "agroecologie"
            | "agriculture transition alimentaire"
            | "agriculture"
            // The target themes of the press kit (l. 119–124), article removed.
            | "transformation du secteur agricole et notamment l agroecologie" => Theme::Agroecology,
            "transition ecologique et energetique"
            | "transition energetique et ecologique"
            | "transition ecologique"
            | "transition energetique"
            | "energie durable" => Theme::EcologicalEnergyTransition,
            "sante" | "transformation du systeme de sante" => Theme::Health,
            "mobilite" | "mobilite propre" => Theme::Mobility,
            "numerique" | "transition numerique" => Theme::Digital,
            "competences" | "adaptation des competences aux evolutions du marche du travail" => Theme::Skills,
            "industrie" => Theme::Industry,
            "handicap" => Theme::Disability,
            _ => return None,
        })
    }
}

vocabulary! {
    /// A kind of territory (*type de territoire*) printed on each fiche.
    TerritoryKind {
        /// *Métropole(s)*.
        Metropolis = "metropolis", "Métropole";
        /// *Ville(s) moyenne(s)*, *Villes petites et moyennes*.
        MediumSizedTown = "medium-sized-town", "Ville moyenne";
        /// *Territoires ruraux*.
        Rural = "rural", "Territoires ruraux";
        /// *Territoires périurbains*.
        PeriUrban = "peri-urban", "Territoires périurbains";
        /// *Littoral*, *Territoires littoraux*.
        Coastal = "coastal", "Littoral";
        /// *Montagne*.
        Mountain = "mountain", "Montagne";
        /// *Outre-mer*.
        Overseas = "overseas", "Outre-mer";
    }
}

impl TerritoryKind {
    /// Parses one territory kind as written in a fiche (singular or plural); `None` if
    /// unknown.
    pub fn parse(raw: &str) -> Option<TerritoryKind> {
        let f = fold(raw);
        Some(match f.as_str() {
            "metropole" | "metropoles" => TerritoryKind::Metropolis,
            "ville moyenne" | "villes moyennes" | "villes petites et moyennes" => TerritoryKind::MediumSizedTown,
            "territoires ruraux" | "territoire rural" | "rural" => TerritoryKind::Rural,
            "territoires periurbains" | "territoire periurbain" | "periurbain" => TerritoryKind::PeriUrban,
            "littoral" | "territoires littoraux" | "territoire littoral" => TerritoryKind::Coastal,
            "montagne" => TerritoryKind::Mountain,
            "outremer" | "outre mer" => TerritoryKind::Overseas,
            _ => return None,
        })
    }
}

/// A French region or overseas collectivity, identified by its INSEE code (COG).
///
/// The 18 regions use their two-digit region codes (COG 2019); the overseas collectivities,
/// which have no region code, use their three-digit COG territory codes (e.g. `988`
/// Nouvelle-Calédonie).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Region {
    /// INSEE code: `"84"`, `"53"`, `"988"`…
    pub code: &'static str,
    /// Official French name.
    pub name: &'static str,
}

/// Regions and overseas collectivities (source: INSEE, Code officiel géographique 2019).
pub const REGIONS: &[Region] = &[
    Region {
        code: "01",
        name: "Guadeloupe",
    },
    Region {
        code: "02",
        name: "Martinique",
    },
    Region {
        code: "03",
        name: "Guyane",
    },
    Region {
        code: "04",
        name: "La Réunion",
    },
    Region {
        code: "06",
        name: "Mayotte",
    },
    Region {
        code: "11",
        name: "Île-de-France",
    },
    Region {
        code: "24",
        name: "Centre-Val de Loire",
    },
    Region {
        code: "27",
        name: "Bourgogne-Franche-Comté",
    },
    Region {
        code: "28",
        name: "Normandie",
    },
    Region {
        code: "32",
        name: "Hauts-de-France",
    },
    Region {
        code: "44",
        name: "Grand Est",
    },
    Region {
        code: "52",
        name: "Pays de la Loire",
    },
    Region {
        code: "53",
        name: "Bretagne",
    },
    Region {
        code: "75",
        name: "Nouvelle-Aquitaine",
    },
    Region {
        code: "76",
        name: "Occitanie",
    },
    Region {
        code: "84",
        name: "Auvergne-Rhône-Alpes",
    },
    Region {
        code: "93",
        name: "Provence-Alpes-Côte d'Azur",
    },
    Region { code: "94", name: "Corse" },
    Region {
        code: "975",
        name: "Saint-Pierre-et-Miquelon",
    },
    Region {
        code: "977",
        name: "Saint-Barthélemy",
    },
    Region {
        code: "978",
        name: "Saint-Martin",
    },
    Region {
        code: "986",
        name: "Wallis-et-Futuna",
    },
    Region {
        code: "987",
        name: "Polynésie française",
    },
    Region {
        code: "988",
        name: "Nouvelle-Calédonie",
    },
];

/// Deserialises from `{"code": "53", ...}` or from the bare code `"53"`; an unknown code
/// is an error naming it.
impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Code(String),
            Full { code: String },
        }
        let code = match Repr::deserialize(d)? {
            Repr::Code(c) | Repr::Full { code: c } => c,
        };
        Region::from_code(&code).ok_or_else(|| serde::de::Error::custom(format!("unknown INSEE region code {code:?}")))
    }
}

impl Region {
    /// The region whose INSEE code is `code`.
    pub fn from_code(code: &str) -> Option<Region> {
        REGIONS.iter().copied().find(|r| r.code == code)
    }

    /// The region named `raw` (any case, accents optional: `"ILE-DE-FRANCE"`).
    pub fn from_name(raw: &str) -> Option<Region> {
        let f = fold(raw);
        REGIONS.iter().copied().find(|r| fold(r.name) == f)
    }

    /// True for the overseas regions and collectivities (codes `01`–`06` and `9xx`).
    pub fn is_overseas(self) -> bool {
        self.code.len() == 3 || self.code.starts_with('0')
    }

    /// Every region whose full name appears as whole words in `text`, in [`REGIONS`] order.
    /// Used to find every region a fiche's text names ("… en Bretagne", "… en Normandie").
    pub fn named_in(text: &str) -> Vec<Region> {
        let hay = format!(" {} ", fold(text));
        REGIONS
            .iter()
            .copied()
            .filter(|r| hay.contains(&format!(" {} ", fold(r.name))))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_spelled_two_ways_is_one_theme() {
        assert_eq!(
            Theme::parse("Transition écologique et énergétique"),
            Some(Theme::EcologicalEnergyTransition)
        );
        assert_eq!(
            Theme::parse("Transition énergétique et écologique"),
            Some(Theme::EcologicalEnergyTransition)
        );
        assert_eq!(Theme::parse("santé"), Some(Theme::Health));
        assert_eq!(Theme::parse("Cuisine"), None);
        // The six target themes of the press kit, l. 119–124, verbatim.
        let targets = [
            ("La transition numérique", Theme::Digital),
            ("L'énergie durable", Theme::EcologicalEnergyTransition),
            ("La mobilité propre", Theme::Mobility),
            (
                "La transformation du secteur agricole et notamment l'agroécologie",
                Theme::Agroecology,
            ),
            ("La transformation du système de santé", Theme::Health),
            ("L'adaptation des compétences aux évolutions du marché du travail", Theme::Skills),
        ];
        for (raw, theme) in targets {
            assert_eq!(Theme::parse(raw), Some(theme), "{raw}");
        }
        assert_eq!(Theme::parse("La cuisine"), None);
    }

    #[test]
    fn territory_kinds_singular_and_plural() {
        assert_eq!(TerritoryKind::parse("Métropoles"), Some(TerritoryKind::Metropolis));
        assert_eq!(TerritoryKind::parse("Ville moyenne"), Some(TerritoryKind::MediumSizedTown));
        assert_eq!(TerritoryKind::parse("Outremer"), Some(TerritoryKind::Overseas));
        assert_eq!(TerritoryKind::parse("Banlieue"), None);
    }

    #[test]
    fn regions_by_name_and_code() {
        assert_eq!(Region::from_name("ILE-DE-FRANCE").map(|r| r.code), Some("11"));
        assert_eq!(Region::from_name("AUVERGNE-RHÔNE-ALPES").map(|r| r.code), Some("84"));
        assert_eq!(Region::from_code("988").map(|r| r.name), Some("Nouvelle-Calédonie"));
        let named = Region::named_in("Kreiz-Breizh en Bretagne, Pays d'Auge en Normandie, Pays d'Ancenis dans les Pays de la Loire");
        let codes: Vec<_> = named.iter().map(|r| r.code).collect();
        assert_eq!(codes, ["28", "52", "53"]);
        // "Nord-Franche-Comté" is not the region "Bourgogne-Franche-Comté".
        assert!(Region::named_in("le Nord-Franche-Comté").is_empty());
    }
}
