//! Horizontal bar charts prepared for the templates, which draw them in HTML and CSS: each
//! row is a label (ordinary text, which wraps, above its bar on a narrow screen) and a bar
//! whose length is a percentage of the row's width, so that the chart stays readable on a
//! 375 px phone where a scaled-down SVG's text shrank to about 6 px. Only the proportions are
//! computed here (from the domain's breakdown rows); every chart is followed on the page by
//! the table of its numbers.

use crate::format;
use territoires_domain::stats::BreakdownRow;

/// One bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// French label of the row.
    pub label: String,
    /// The value as displayed after the bar.
    pub value_text: String,
    /// Length of the bar as a CSS percentage of the longest possible bar, one decimal,
    /// rounded down (`37.5%`); `None` for a zero value (no bar drawn).
    pub width: Option<String>,
}

/// A horizontal bar chart: an accessible title and description, and the bars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarChart {
    /// Element id prefix (`chart-theme` → `chart-theme-title`, `chart-theme-desc`).
    pub id: &'static str,
    /// Short title, the chart's accessible name.
    pub title: String,
    /// Every value in words, the chart's accessible description.
    pub desc: String,
    /// The bars, in the rows' order.
    pub bars: Vec<Bar>,
}

/// A chart of the number of projects per row of a breakdown; the row with the most projects
/// has the full-length bar.
pub fn projects_per_row(id: &'static str, title: &str, rows: &[BreakdownRow]) -> BarChart {
    let max = rows.iter().map(|r| r.projects).max().unwrap_or(0).max(1) as u64;
    let bars = rows
        .iter()
        .map(|r| {
            let permille = r.projects as u64 * 1000 / max;
            Bar {
                label: r.label.clone(),
                value_text: r.projects.to_string(),
                width: (r.projects > 0).then(|| format!("{}.{}%", permille / 10, permille % 10)),
            }
        })
        .collect();
    let desc = rows
        .iter()
        .map(|r| format!("{} : {}", r.label, format::plural(r.projects as u64, "projet", "projets")))
        .collect::<Vec<_>>()
        .join(" ; ");
    BarChart {
        id,
        title: title.to_owned(),
        desc: format!("{desc}."),
        bars,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use territoires_domain::Money;

    fn row(label: &str, projects: u32) -> BreakdownRow {
        BreakdownRow {
            code: label.to_lowercase(),
            label: label.into(),
            projects,
            population: 0,
            subsidy_ceilings: Money::ZERO,
            investment_potential: Money::ZERO,
        }
    }

    #[test]
    fn longest_bar_is_full_length_and_others_are_proportional() {
        let c = projects_per_row(
            "chart-theme",
            "Projets par thématique",
            &[row("Santé", 8), row("Numérique", 3), row("Industrie", 0)],
        );
        let widths: Vec<_> = c.bars.iter().map(|b| b.width.as_deref()).collect();
        // 8/8, 3/8 = 37.5 %, and no bar for zero.
        assert_eq!(widths, vec![Some("100.0%"), Some("37.5%"), None]);
        assert_eq!(c.desc, "Santé : 8 projets ; Numérique : 3 projets ; Industrie : 0 projet.");
        // 1/3 = 33.33… % rounds down to 33.3 %.
        let c = projects_per_row("x", "x", &[row("a", 3), row("b", 1)]);
        assert_eq!(c.bars[1].width.as_deref(), Some("33.3%"));
    }
}
