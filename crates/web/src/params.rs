//! Parsing the project-list query (portal and API) into a domain
//! [`ProjectQuery`]: every value is checked, and an unknown one is a 400 naming the
//! parameter and listing the accepted values. An empty value means "no filter" (what a GET
//! form sends for "Toutes").
//!
//! The query string is read by [`QueryValues::parse`], which refuses a parameter given twice
//! (`?region=53&region=28`) with a French 400 naming it, rather than serde's English
//! "duplicate field" message.

use crate::error::{AppError, Format};
use crate::format::{excerpt, ECHO_MAX};
use axum::extract::Query;
use axum::http::Uri;
use territoires_domain::query::{ProjectQuery, SortKey};
use territoires_domain::vocabulary::{Region, TerritoryKind, Theme, REGIONS};

/// Every sort key, in the order the portal lists them, with its French label.
pub const SORT_KEYS: &[(SortKey, &str)] = &[
    (SortKey::Name, "Nom"),
    (SortKey::Population, "Personnes concernées"),
    (SortKey::PlannedBudget, "Budget prévisionnel"),
    (SortKey::SubsidyCeiling, "Montant prévu de subvention"),
    (SortKey::InvestmentPotential, "Potentiel d'investissement"),
    (SortKey::Partners, "Nombre de partenaires"),
];

/// The values of a query string's known parameters, each given at most once.
#[derive(Debug, Default, Clone)]
pub struct QueryValues(Vec<(&'static str, String)>);

impl QueryValues {
    /// Reads the query string of `uri`, keeping the parameters named in `known` (others
    /// are ignored, as before). Errors: [`AppError::invalid_parameter`] (400, in `format`)
    /// naming the first known parameter given more than once.
    pub fn parse(uri: &Uri, known: &[&'static str], format: Format) -> Result<QueryValues, AppError> {
        let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(uri).map_err(|_| {
            AppError::invalid_parameter(
                format,
                "requête",
                "L'adresse contient une chaîne de requête mal formée (après « ? »).",
            )
        })?;
        let mut values: Vec<(&'static str, String)> = Vec::new();
        for (name, value) in pairs {
            let Some(&known_name) = known.iter().find(|k| **k == name) else {
                continue;
            };
            if values.iter().any(|(n, _)| *n == known_name) {
                return Err(AppError::invalid_parameter(
                    format,
                    known_name,
                    format!("Le paramètre « {known_name} » est donné plusieurs fois dans l'adresse : donnez-le une seule fois."),
                ));
            }
            values.push((known_name, value));
        }
        Ok(QueryValues(values))
    }

    /// The value of `name`, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// The value of `name` as an owned string, if given.
    pub fn take(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_owned)
    }

    /// True when no known parameter was given.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The raw values of the list's query parameters, whatever their names.
#[derive(Debug, Default, Clone, Copy)]
pub struct RawListQuery<'a> {
    /// INSEE region code.
    pub region: Option<&'a str>,
    /// Theme code.
    pub theme: Option<&'a str>,
    /// Territory-kind code.
    pub territory_kind: Option<&'a str>,
    /// Sort code ([`SortKey::code`]).
    pub sort: Option<&'a str>,
    /// `asc` or `desc`.
    pub order: Option<&'a str>,
}

impl<'a> RawListQuery<'a> {
    /// The list's values among `values`, read under `names`.
    pub fn from_values(values: &'a QueryValues, names: ParamNames) -> RawListQuery<'a> {
        RawListQuery {
            region: values.get(names.region),
            theme: values.get(names.theme),
            territory_kind: values.get(names.territory_kind),
            sort: values.get(names.sort),
            order: values.get(names.order),
        }
    }
}

/// The parameter names one front end uses (French in the portal, English in the API).
#[derive(Debug, Clone, Copy)]
pub struct ParamNames {
    /// Region parameter.
    pub region: &'static str,
    /// Theme parameter.
    pub theme: &'static str,
    /// Territory-kind parameter.
    pub territory_kind: &'static str,
    /// Sort parameter.
    pub sort: &'static str,
    /// Order parameter.
    pub order: &'static str,
}

impl ParamNames {
    /// The five names, in the order of the fields.
    pub const fn all(self) -> [&'static str; 5] {
        [self.region, self.theme, self.territory_kind, self.sort, self.order]
    }
}

/// The portal's names: `region`, `thematique`, `territoire`, `tri`, `ordre`.
pub const PORTAL: ParamNames = ParamNames {
    region: "region",
    theme: "thematique",
    territory_kind: "territoire",
    sort: "tri",
    order: "ordre",
};
/// The API's names: `region`, `theme`, `territory_kind`, `sort`, `order`.
pub const API: ParamNames = ParamNames {
    region: "region",
    theme: "theme",
    territory_kind: "territory_kind",
    sort: "sort",
    order: "order",
};

fn non_empty(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

fn unknown(format: Format, name: &str, value: &str, what: &str, accepted: Vec<String>) -> AppError {
    AppError::invalid_parameter(
        format,
        name,
        format!(
            "Valeur non reconnue pour le paramètre « {name} » ({what}) : « {} ». Valeurs acceptées : {}.",
            excerpt(value, ECHO_MAX),
            accepted.join(", ")
        ),
    )
}

/// Parses `raw` into a query. Errors: [`AppError::invalid_parameter`] (400, in `format`)
/// naming the first parameter whose value is unknown.
pub fn parse(raw: RawListQuery<'_>, names: ParamNames, format: Format) -> Result<ProjectQuery, AppError> {
    let mut q = ProjectQuery::default();
    if let Some(v) = non_empty(raw.region) {
        let r = Region::from_code(v).ok_or_else(|| {
            unknown(
                format,
                names.region,
                v,
                "code INSEE de région",
                REGIONS.iter().map(|r| r.code.to_owned()).collect(),
            )
        })?;
        q.region = Some(r.code.to_owned());
    }
    if let Some(v) = non_empty(raw.theme) {
        q.theme = Some(Theme::from_code(v).ok_or_else(|| {
            unknown(
                format,
                names.theme,
                v,
                "code de thématique",
                Theme::ALL.iter().map(|t| t.code().to_owned()).collect(),
            )
        })?);
    }
    if let Some(v) = non_empty(raw.territory_kind) {
        q.territory_kind = Some(TerritoryKind::from_code(v).ok_or_else(|| {
            unknown(
                format,
                names.territory_kind,
                v,
                "code de type de territoire",
                TerritoryKind::ALL.iter().map(|k| k.code().to_owned()).collect(),
            )
        })?);
    }
    if let Some(v) = non_empty(raw.sort) {
        q.sort = SortKey::from_code(v).ok_or_else(|| {
            unknown(
                format,
                names.sort,
                v,
                "critère de tri",
                SORT_KEYS.iter().map(|(k, _)| k.code().to_owned()).collect(),
            )
        })?;
    }
    if let Some(v) = non_empty(raw.order) {
        q.descending = match v {
            "asc" => false,
            "desc" => true,
            _ => return Err(unknown(format, names.order, v, "ordre de tri", vec!["asc".into(), "desc".into()])),
        };
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn empty_values_mean_no_filter() {
        let q = parse(
            RawListQuery {
                region: Some(""),
                theme: Some(" "),
                ..Default::default()
            },
            PORTAL,
            Format::Html,
        )
        .unwrap();
        assert_eq!(q, ProjectQuery::default());
    }

    #[test]
    fn unknown_values_name_their_parameter() {
        let e = parse(
            RawListQuery {
                theme: Some("cuisine"),
                ..Default::default()
            },
            PORTAL,
            Format::Html,
        )
        .unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::InvalidParameter {
                parameter: "thematique".into()
            }
        );
        assert!(e.message.contains("cuisine") && e.message.contains("health"), "{}", e.message);
        let e = parse(
            RawListQuery {
                order: Some("up"),
                ..Default::default()
            },
            API,
            Format::Json,
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidParameter { parameter: "order".into() });
        let e = parse(
            RawListQuery {
                region: Some("99"),
                ..Default::default()
            },
            API,
            Format::Json,
        )
        .unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::InvalidParameter {
                parameter: "region".into()
            }
        );
    }

    #[test]
    fn a_parameter_given_twice_is_refused_in_french_naming_it() {
        let uri: Uri = "/projets?region=53&thematique=health&region=28".parse().unwrap();
        let e = QueryValues::parse(&uri, &["region", "thematique"], Format::Html).unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::InvalidParameter {
                parameter: "region".into()
            }
        );
        assert_eq!(
            e.message,
            "Le paramètre « region » est donné plusieurs fois dans l'adresse : donnez-le une seule fois."
        );
        // Unknown parameters are ignored, even repeated; known ones are percent-decoded.
        let uri: Uri = "/x?utm=a&utm=b&theme=sant%C3%A9&region=".parse().unwrap();
        let v = QueryValues::parse(&uri, &["region", "theme"], Format::Json).unwrap();
        assert_eq!((v.get("theme"), v.get("region"), v.get("utm")), (Some("santé"), Some(""), None));
        assert!(QueryValues::parse(&"/x".parse().unwrap(), &["region"], Format::Json)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn long_values_are_echoed_cut() {
        let long = "x".repeat(10_000);
        let e = parse(
            RawListQuery {
                theme: Some(&long),
                ..Default::default()
            },
            API,
            Format::Json,
        )
        .unwrap_err();
        assert!(e.message.contains(&format!("« {}… »", "x".repeat(80))), "{}", e.message);
        assert!(e.message.chars().count() < 400, "{}", e.message);
    }

    #[test]
    fn known_values_parse() {
        let q = parse(
            RawListQuery {
                region: Some("53"),
                theme: Some("health"),
                territory_kind: Some("rural"),
                sort: Some("population"),
                order: Some("desc"),
            },
            API,
            Format::Json,
        )
        .unwrap();
        assert_eq!(q.region.as_deref(), Some("53"));
        assert_eq!(q.theme, Some(Theme::Health));
        assert_eq!(q.territory_kind, Some(TerritoryKind::Rural));
        assert_eq!(q.sort, SortKey::Population);
        assert!(q.descending);
    }
}
