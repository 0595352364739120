//! Importer of the press-kit fiche format: the press kit *Territoires d'Innovation, 24 projets
//! lauréats* (13 September 2019, Licence Ouverte / Etalab 2.0), converted from PDF to
//! Markdown, into a [`Programme`] and its laureate [`Project`]s.
//!
//! The document, in order: the programme's pages (envelopes, calls, target themes: module
//! `programme`; the headline figures: `claims`); the `# Sommaire`, which groups the fiches
//! by region and gives their page (`toc`); `## Aide à la lecture des fiches`; one fiche per
//! laureate, each opened by a level-1 heading, the last one closed by
//! `# Une initiative portée par…` (`fiche`, `header`). The PDF conversion left irregular
//! markup (bold across lines, amounts split over two lines, odd list markers); `blocks` and
//! [`numbers`] absorb it. Nothing is guessed: a missing mandatory field or an unreadable
//! value is a [`ParseError`] naming the file, line and field.

mod blocks;
mod claims;
mod fiche;
mod header;
mod name;
pub mod numbers;
mod programme;
mod toc;

pub use name::title_case;

use blocks::{heading, is_blank, line_no, Doc};
use territoires_domain::call::CallKind;
use territoires_domain::text::fold;
use territoires_domain::vocabulary::Region;
use territoires_domain::{Programme, Project};

/// The press kit shipped with the product as its default dataset.
pub const EMBEDDED: &str = include_str!("../../../data/territoires-d-innovation-2019-dossier-de-presse.md");
/// The file name of [`EMBEDDED`], used in error messages and provenance.
pub const EMBEDDED_FILE: &str = "territoires-d-innovation-2019-dossier-de-presse.md";

/// What a press kit holds: the programme and its laureate projects, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PressKit {
    /// The programme (action) with its envelopes, calls and headline claims.
    pub programme: Programme,
    /// The laureates, in the order of the document.
    pub projects: Vec<Project>,
}

/// A malformed press kit: which file, line and field, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {field}: {message}")]
pub struct ParseError {
    /// File name as given to [`parse`].
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// The fiche field (or programme field) concerned, e.g. `subsidy_ceiling`.
    pub field: String,
    /// What is wrong, in English, quoting the offending text.
    pub message: String,
}

/// Parses a whole press kit. `file` names the source in errors and in the programme's
/// `source.file`.
///
/// Returns the programme and the projects in document order. Every fiche is linked to the
/// programme's call for projects (`Project::call`, `aap-2018`): the press kit lists its
/// laureates. Each fiche is matched to the
/// Sommaire entry sharing the most significant words with its heading; its regions are the
/// Sommaire section's region followed by every region its text names
/// ([`Region::named_in`] over heading, ambition, objectives and impacts).
///
/// Errors ([`ParseError`], never a panic): an empty document, a missing mandatory field
/// (all but `planned_budget`), a bad number, an unknown theme or territory kind, a
/// duplicated project (same slug), a truncated fiche, a fiche matching no Sommaire entry or
/// several, a Sommaire entry matched by no fiche or by two, a fiche with no region. An
/// error inside a fiche names it: its message starts with `in fiche « HEADING »: `.
pub fn parse(text: &str, file: &str) -> Result<PressKit, ParseError> {
    let doc = Doc::new(text, file);
    if doc.lines.iter().all(|l| is_blank(l)) {
        return Err(doc.err(1, "document", "the document is empty"));
    }
    let toc_at = doc
        .lines
        .iter()
        .position(|l| heading(l).is_some_and(|(_, t)| fold(t) == "sommaire"))
        .unwrap_or(doc.lines.len());
    let programme = programme::parse(&doc, toc_at)?;
    // The fiches are the laureates of the call for projects (the document's title: « 24
    // projets lauréats »; l. 111: « l'appel à projets … lancé le 23 novembre 2018 »).
    let laureates_call = programme
        .calls
        .iter()
        .find(|c| c.kind == CallKind::CallForProjects)
        .map(|c| c.slug.clone());
    let entries = toc::parse(&doc)?;
    let mut matched: Vec<Option<u32>> = vec![None; entries.len()];
    let mut projects: Vec<Project> = Vec::new();
    for (at, end) in fiche_ranges(&doc)? {
        let mut p = fiche::parse(&doc, at, end)?;
        let line = p.source.line;
        let err = |field: &str, message: String| doc.fiche_err(&p.heading, line, line, field, message);
        if let Some(first) = projects.iter().find(|q| q.slug == p.slug) {
            return Err(err(
                "slug",
                format!(
                    "duplicated project « {} »: already read from the fiche at line {}",
                    p.slug, first.source.line
                ),
            ));
        }
        let k = toc::best_match(&p.heading, &entries).map_err(|m| err("toc_title", m))?;
        let entry = &entries[k];
        if let Some(other) = matched[k].replace(line) {
            return Err(err(
                "toc_title",
                format!(
                    "matches Sommaire entry « {} », already matched by the fiche at line {other}",
                    entry.title
                ),
            ));
        }
        p.toc_title = entry.title.clone();
        p.call = laureates_call.clone();
        p.region_raw = entry.region_raw.clone();
        p.source.page = Some(entry.page);
        p.regions = regions(entry.region, &p);
        if p.regions.is_empty() {
            return Err(doc.fiche_err(
                &p.heading,
                line,
                line,
                "regions",
                format!("in no region (Sommaire section « {} », none named in its text)", p.region_raw),
            ));
        }
        projects.push(p);
    }
    if let Some((e, _)) = entries.iter().zip(&matched).find(|(_, m)| m.is_none()) {
        return Err(doc.err(
            e.line,
            "toc_title",
            format!("Sommaire entry « {} » (page {}) matches no fiche", e.title, e.page),
        ));
    }
    Ok(PressKit { programme, projects })
}

/// The Sommaire's region first, then every region named in the fiche's text, in
/// [`territoires_domain::vocabulary::REGIONS`] order, without duplicates.
fn regions(first: Option<Region>, p: &Project) -> Vec<Region> {
    let blocks = p.ambition.iter().chain(&p.strategic_objectives).map(|b| &b.text);
    let text = std::iter::once(&p.heading)
        .chain(blocks)
        .chain(&p.impacts_2030)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("\n");
    let mut out: Vec<Region> = first.into_iter().collect();
    for r in Region::named_in(&text) {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// (heading index, end index) of each fiche, 0-based: every level-1 heading after the
/// « Aide à la lecture des fiches » section, up to « # Une initiative portée par… » (or
/// the end of the document).
fn fiche_ranges(doc: &Doc<'_>) -> Result<Vec<(usize, usize)>, ParseError> {
    let aid = doc
        .lines
        .iter()
        .position(|l| heading(l).is_some_and(|(_, t)| fold(t) == "aide a la lecture des fiches"))
        .ok_or_else(|| {
            doc.err(
                doc.last_line(),
                "fiche",
                "no « Aide à la lecture des fiches » section before the fiches",
            )
        })?;
    let mut starts: Vec<usize> = Vec::new();
    let mut end = doc.lines.len();
    for (i, l) in doc.lines.iter().enumerate().skip(aid + 1) {
        if let Some((1, t)) = heading(l) {
            if fold(t).starts_with("une initiative portee par") {
                end = i;
                break;
            }
            starts.push(i);
        }
    }
    if starts.is_empty() {
        return Err(doc.err(
            line_no(aid),
            "fiche",
            "no fiche (level-1 heading) after « Aide à la lecture des fiches »",
        ));
    }
    let ends = starts.iter().skip(1).copied().chain([end]);
    Ok(starts.iter().copied().zip(ends).collect())
}
