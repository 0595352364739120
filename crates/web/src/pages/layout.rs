//! What the base template needs: the page title and the current navigation entry.

use crate::assets::{DSFR_PREFIX, DSFR_VERSION};

/// The layout's inputs.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Page title (before " — Territoires d'Innovation").
    pub title: String,
    /// Current navigation entry: `dashboard`, `projects`, `funding`, `impact`, `calls`, `checks`, `open-data`, `about` (header), or
    /// `accessibility`, `legal-notice`, `personal-data` (footer), or `""`.
    pub nav: &'static str,
    /// URL prefix of the DSFR files.
    pub dsfr: &'static str,
    /// DSFR version, shown in the footer.
    pub dsfr_version: &'static str,
}

impl Layout {
    /// A layout titled `title` with `nav` marked as the current page.
    pub fn new(title: impl Into<String>, nav: &'static str) -> Layout {
        Layout {
            title: title.into(),
            nav,
            dsfr: DSFR_PREFIX,
            dsfr_version: DSFR_VERSION,
        }
    }
}
