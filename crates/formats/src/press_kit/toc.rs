//! The table of contents (*Sommaire*): region sections, entry titles and page numbers, and
//! the matching of fiche headings to entries (the two often differ: `# BIOVALLÉE` is
//! listed as `VALLEE DE LA DRÔME, BIOVALLÉE`).

use super::blocks::{heading, is_blank, line_no, Doc};
use super::{numbers, ParseError};
use std::collections::BTreeSet;
use territoires_domain::text::fold;
use territoires_domain::vocabulary::Region;

/// One entry of the Sommaire.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The title as printed, without the leader dots and page.
    pub title: String,
    pub page: u32,
    /// The section heading verbatim (`AUVERGNE-RHÔNE-ALPES`, `OUTRE-MER`).
    pub region_raw: String,
    /// The section's region; `None` for `OUTRE-MER`, which names no region.
    pub region: Option<Region>,
    pub line: u32,
}

/// Words too common to tell two titles apart.
const STOPWORDS: &[&str] = &["de", "la", "le", "l", "d", "et", "des", "du", "les"];

/// Reads the `# Sommaire` section. Errors: no Sommaire, an entry before any region
/// section, an unknown region, a bad page number, an empty Sommaire.
pub(crate) fn parse(doc: &Doc<'_>) -> Result<Vec<Entry>, ParseError> {
    let start = doc
        .lines
        .iter()
        .position(|l| heading(l).is_some_and(|(_, t)| fold(t) == "sommaire"))
        .ok_or_else(|| doc.err(1, "toc_title", "no « # Sommaire » (table of contents) section"))?;
    let mut entries = Vec::new();
    let mut section: Option<(String, Option<Region>)> = None;
    for (i, raw) in doc.lines.iter().enumerate().skip(start + 1) {
        if heading(raw).is_some() {
            break;
        }
        if is_blank(raw) {
            continue;
        }
        let line = line_no(i);
        let text = raw.trim();
        let Some((title, page)) = split_entry(text) else {
            let region = Region::from_name(text);
            if region.is_none() && fold(text) != "outre mer" {
                return Err(doc.err(line, "region_raw", format!("unknown region « {text} » in the Sommaire")));
            }
            section = Some((text.to_string(), region));
            continue;
        };
        let (region_raw, region) = section
            .clone()
            .ok_or_else(|| doc.err(line, "region_raw", format!("Sommaire entry « {text} » comes before any region")))?;
        let page = numbers::parse_integer(page)
            .ok()
            .and_then(|p| u32::try_from(p).ok())
            .ok_or_else(|| doc.err(line, "page", format!("bad page number « {page} » in Sommaire entry « {text} »")))?;
        entries.push(Entry {
            title: title.to_string(),
            page,
            region_raw,
            region,
            line,
        });
    }
    if entries.is_empty() {
        return Err(doc.err(line_no(start), "toc_title", "the Sommaire lists no fiche"));
    }
    Ok(entries)
}

/// `TITLE .....<tab>PAGE` → (`TITLE`, `PAGE`); `None` for a line without leader dots.
fn split_entry(text: &str) -> Option<(&str, &str)> {
    let dots = text.find("..").or_else(|| text.find('…'))?;
    let title = text[..dots].trim();
    let page = text[dots..]
        .trim_start_matches(|c: char| c == '.' || c == '…' || c.is_whitespace())
        .trim();
    Some((title, page))
}

fn significant_words(s: &str) -> BTreeSet<String> {
    fold(s)
        .split(' ')
        .filter(|w| !w.is_empty() && !STOPWORDS.contains(w))
        .map(str::to_string)
        .collect()
}

/// The index of the entry sharing the most significant words with `fiche_heading` (after
/// [`fold`], without [`STOPWORDS`]). `Err` holds a message when no entry shares a word or
/// when several tie for best; it does not repeat the heading (the caller names the fiche).
pub(crate) fn best_match(fiche_heading: &str, entries: &[Entry]) -> Result<usize, String> {
    let words = significant_words(fiche_heading);
    let scores: Vec<usize> = entries
        .iter()
        .map(|e| significant_words(&e.title).intersection(&words).count())
        .collect();
    let best = scores.iter().copied().max().unwrap_or(0);
    if best == 0 {
        return Err("matches no Sommaire entry (no significant word in common)".to_string());
    }
    let tied: Vec<&str> = entries
        .iter()
        .zip(&scores)
        .filter(|(_, &s)| s == best)
        .map(|(e, _)| e.title.as_str())
        .collect();
    if tied.len() > 1 {
        return Err(format!("matches several Sommaire entries equally: « {} »", tied.join(" », « ")));
    }
    scores.iter().position(|&s| s == best).ok_or_else(|| "no match".to_string())
}
