//! The IATI codelists this export uses, embedded from `schemas/iati/codelists` (IATI-Codelists
//! `version-2.03`, CC BY 4.0), so a code is checked against the official list, not a copy.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// A codelist: its IATI name and the official XML file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Codelist {
    /// IATI name (`OrganisationRole`), as in `codelists/mapping.xml`.
    pub name: &'static str,
    xml: &'static str,
}

macro_rules! codelists {
    ($($id:ident = $name:literal, $dir:literal;)+) => {
        $(
            #[doc = concat!("The `", $name, "` codelist (", $dir, ").")]
            pub const $id: Codelist = Codelist {
                name: $name,
                xml: include_str!(concat!("../../schemas/iati/codelists/", $dir, "/", $name, ".xml")),
            };
        )+
        /// Every codelist above, to index them once.
        const ALL: &[Codelist] = &[$($id),+];
    };
}

codelists! {
    ACTIVITY_DATE_TYPE = "ActivityDateType", "embedded";
    ACTIVITY_STATUS = "ActivityStatus", "embedded";
    BUDGET_STATUS = "BudgetStatus", "embedded";
    BUDGET_TYPE = "BudgetType", "embedded";
    ORGANISATION_ROLE = "OrganisationRole", "embedded";
    RELATED_ACTIVITY_TYPE = "RelatedActivityType", "embedded";
    TRANSACTION_TYPE = "TransactionType", "embedded";
    COUNTRY = "Country", "non-embedded";
    CURRENCY = "Currency", "non-embedded";
    DESCRIPTION_TYPE = "DescriptionType", "non-embedded";
    FINANCE_TYPE = "FinanceType", "non-embedded";
    GEOGRAPHIC_EXACTNESS = "GeographicExactness", "non-embedded";
    GEOGRAPHIC_LOCATION_CLASS = "GeographicLocationClass", "non-embedded";
    GEOGRAPHIC_LOCATION_REACH = "GeographicLocationReach", "non-embedded";
    GEOGRAPHIC_VOCABULARY = "GeographicVocabulary", "non-embedded";
    INDICATOR_MEASURE = "IndicatorMeasure", "non-embedded";
    ORGANISATION_TYPE = "OrganisationType", "non-embedded";
    RESULT_TYPE = "ResultType", "non-embedded";
    SECTOR_VOCABULARY = "SectorVocabulary", "non-embedded";
}

impl Codelist {
    /// Whether `code` is an active code of this list: some `<codelist-item>` has exactly
    /// `<code>{code}</code>` and is not `status="withdrawn"` (withdrawn codes must not be
    /// used in new data). The lists are indexed on first use (a scan of the XML per lookup
    /// was half the export's time in `bench/open_data`).
    pub fn contains(&self, code: &str) -> bool {
        index().get(self.name).is_some_and(|codes| codes.contains(code))
    }

    /// The active codes of the list, read from its XML.
    fn active_codes(&self) -> HashSet<&'static str> {
        self.xml
            .split("<codelist-item")
            .skip(1)
            .filter(|item| !item.split('>').next().unwrap_or_default().contains("withdrawn"))
            .filter_map(|item| {
                let start = item.find("<code>")? + "<code>".len();
                let len = item[start..].find("</code>")?;
                Some(&item[start..start + len])
            })
            .collect()
    }
}

/// The active codes of every embedded list, by list name, built once.
fn index() -> &'static HashMap<&'static str, HashSet<&'static str>> {
    static INDEX: OnceLock<HashMap<&'static str, HashSet<&'static str>>> = OnceLock::new();
    INDEX.get_or_init(|| ALL.iter().map(|list| (list.name, list.active_codes())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_looked_up_in_the_official_lists() {
        assert!(ORGANISATION_ROLE.contains("1"));
        assert!(ORGANISATION_ROLE.contains("4"));
        assert!(!ORGANISATION_ROLE.contains("99"));
        assert!(!ORGANISATION_ROLE.contains(""));
        assert!(FINANCE_TYPE.contains("110"));
        assert!(FINANCE_TYPE.contains("510"));
        assert!(TRANSACTION_TYPE.contains("8") && TRANSACTION_TYPE.contains("9"));
        assert!(CURRENCY.contains("EUR"));
        assert!(COUNTRY.contains("FR"));
        assert!(!COUNTRY.contains("XX"));
        assert!(SECTOR_VOCABULARY.contains("99"));
        assert!(!FINANCE_TYPE.contains("410"), "withdrawn");
    }
}
