//! Horizontal bar charts prepared for the templates, which draw them as inline SVG. Only
//! geometry is computed here (from the domain's breakdown rows); every chart is followed on
//! the page by the table of its numbers.

use crate::format;
use territoires_domain::stats::BreakdownRow;

/// Width of the label column (SVG user units; the SVG scales to its container).
const LABEL_WIDTH: u32 = 290;
/// Width of the longest bar.
const BAR_AREA: u32 = 360;
/// Room after a bar for its value.
const VALUE_ROOM: u32 = 50;
/// Height of a row, and of a bar inside it.
const ROW_HEIGHT: u32 = 30;
const BAR_HEIGHT: u32 = 20;

/// One bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// French label, left of the bar.
    pub label: String,
    /// The value as displayed after the bar.
    pub value_text: String,
    /// Top of the bar.
    pub y: u32,
    /// Baseline of the label and value texts.
    pub text_y: u32,
    /// Length of the bar (at least 2 for a non-zero value so that it stays visible).
    pub width: u32,
    /// Where the value text starts.
    pub value_x: u32,
}

/// A horizontal bar chart: an accessible title and description, the SVG size and the bars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarChart {
    /// Element id prefix (`chart-theme` → `chart-theme-title`, `chart-theme-desc`).
    pub id: &'static str,
    /// Short title (`<title>`).
    pub title: String,
    /// Every value in words (`<desc>`), for assistive technologies.
    pub desc: String,
    /// SVG width and height (viewBox).
    pub width: u32,
    /// SVG height.
    pub height: u32,
    /// x where bars start (end of the label column).
    pub bar_x: u32,
    /// x where labels end (they are right-aligned).
    pub label_x: u32,
    /// The bars, in the rows' order.
    pub bars: Vec<Bar>,
}

/// A chart of the number of projects per row of a breakdown.
pub fn projects_per_row(id: &'static str, title: &str, rows: &[BreakdownRow]) -> BarChart {
    let max = rows.iter().map(|r| r.projects).max().unwrap_or(0).max(1);
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let y = i as u32 * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2;
            let width = if r.projects == 0 { 0 } else { (r.projects * BAR_AREA / max).max(2) };
            Bar {
                label: r.label.clone(),
                value_text: r.projects.to_string(),
                y,
                text_y: y + BAR_HEIGHT / 2 + 5,
                width,
                value_x: LABEL_WIDTH + width + 6,
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
        width: LABEL_WIDTH + BAR_AREA + VALUE_ROOM,
        height: rows.len().max(1) as u32 * ROW_HEIGHT,
        bar_x: LABEL_WIDTH,
        label_x: LABEL_WIDTH - 8,
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
    fn longest_bar_fills_the_area_and_others_are_proportional() {
        let c = projects_per_row("chart-theme", "Projets par thématique", &[row("Santé", 8), row("Numérique", 2)]);
        assert_eq!(c.bars[0].width, BAR_AREA);
        assert_eq!(c.bars[1].width, BAR_AREA / 4);
        assert_eq!(c.height, 2 * ROW_HEIGHT);
        assert_eq!(c.desc, "Santé : 8 projets ; Numérique : 2 projets.");
    }
}
