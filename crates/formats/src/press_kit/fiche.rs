//! One fiche (a laureate's page) → [`Project`]. The Sommaire-derived fields (`toc_title`,
//! `region_raw`, `regions`, `source.page`) are left empty here and filled by the caller.
//!
//! A fiche is: the heading; the lead paragraph (« Chef de file : … », possibly over several
//! lines, possibly with a bracketed detail); four header paragraphs in this order —
//! partners, themes, territory kinds, population; then sections (`## AMBITION`,
//! `## OBJECTIFS STRATÉGIQUES`, `## IMPACTS (ATTENDUS) À HORIZON 2030`) in any order, and
//! the two amounts, each followed by its label, anywhere after the header.
//!
//! Every error raised here names the fiche (see [`Ctx::err`]).

use super::blocks::{blocks, heading, line_no, Block, Doc};
use super::header::{header_para, lead, partners, population, terms};
use super::name::name_of_heading;
use super::numbers::parse_millions_of_euros;
use super::ParseError;
use territoires_domain::project::{FicheSource, Project, TextBlock};
use territoires_domain::text::fold;
use territoires_domain::vocabulary::{TerritoryKind, Theme};
use territoires_domain::Money;

const SUBSIDY_LABEL: &str = "Montant prévu de subvention par l'État (PIA)";
const INVESTMENT_LABEL: &str = "Potentiel d'investissement par l'État (PIA)";
const BUDGET: &str = "budget prévisionnel du projet atteint ";

/// The fiche being read: for error messages.
pub(super) struct Ctx<'d, 'a> {
    pub doc: &'d Doc<'a>,
    pub heading: String,
    pub line: u32,
    pub last: u32,
}

impl Ctx<'_, '_> {
    /// An error at 1-based `line` about `field`, its message prefixed with the fiche's
    /// heading (`in fiche « BIOVALLÉE »: …`): messages given here do not repeat it.
    pub fn err(&self, line: u32, field: &str, message: impl Into<String>) -> ParseError {
        self.doc.fiche_err(&self.heading, self.line, line, field, message)
    }

    /// A mandatory field the fiche does not have.
    fn missing(&self, field: &str, what: &str) -> ParseError {
        self.err(
            self.line,
            field,
            format!("the fiche (lines {}–{}) has no {what}", self.line, self.last),
        )
    }
}

/// Parses the fiche whose heading is at 0-based line `at` and which ends before `end`.
pub(crate) fn parse(doc: &Doc<'_>, at: usize, end: usize) -> Result<Project, ParseError> {
    let raw_heading = doc
        .lines
        .get(at)
        .and_then(|l| heading(l))
        .map(|(_, t)| t.to_string())
        .unwrap_or_default();
    let cx = Ctx {
        doc,
        heading: raw_heading.clone(),
        line: line_no(at),
        last: line_no(end.saturating_sub(1).max(at)),
    };
    let name = name_of_heading(&raw_heading);
    let slug = territoires_domain::text::slugify(&name);
    if slug.is_empty() {
        return Err(cx.err(cx.line, "slug", "the heading gives no name (no letter or digit)"));
    }
    let blocks = blocks(doc, at + 1, end);

    let lead_para = header_para(&cx, &blocks, 0, "lead", "« Chef de file : … » line")?;
    let (lead, lead_detail) = lead(&cx, lead_para)?;
    let p = header_para(&cx, &blocks, 1, "partners", "« N partenaires dont M collectivités » line")?;
    let (partners, local_authorities) = partners(&cx, p)?;
    let p = header_para(&cx, &blocks, 2, "themes", "theme line")?;
    let (themes, themes_raw) = terms(&cx, p, "themes", "theme", Theme::parse)?;
    let p = header_para(&cx, &blocks, 3, "territory_kinds", "territory-kind line")?;
    let (territory_kinds, territory_kinds_raw) = terms(&cx, p, "territory_kinds", "territory kind", TerritoryKind::parse)?;
    let p = header_para(&cx, &blocks, 4, "population", "« N personnes concernées » line")?;
    let population = population(&cx, p)?;

    let body = blocks.get(5..).unwrap_or_default();
    // The text of each body block still to be placed in a section; `None` once consumed
    // (the amounts and their labels, the planned-budget sentence).
    let mut texts: Vec<Option<String>> = body
        .iter()
        .map(|b| if let Block::Para(p) = b { Some(p.text()) } else { None })
        .collect();
    let (subsidy_ceiling, investment_potential) = amounts(&cx, body, &mut texts)?;
    let planned_budget = planned_budget(&cx, body, &mut texts)?;
    let (ambition, strategic_objectives, impacts_2030) = sections(&cx, body, &texts)?;

    Ok(Project {
        slug,
        name,
        heading: raw_heading,
        toc_title: String::new(),
        regions: Vec::new(),
        region_raw: String::new(),
        lead,
        lead_detail,
        partners,
        local_authorities,
        themes,
        themes_raw,
        territory_kinds,
        territory_kinds_raw,
        population,
        planned_budget,
        ambition,
        strategic_objectives,
        impacts_2030,
        subsidy_ceiling: subsidy_ceiling.ok_or_else(|| cx.missing("subsidy_ceiling", &format!("amount labelled « {SUBSIDY_LABEL} »")))?,
        investment_potential: investment_potential
            .ok_or_else(|| cx.missing("investment_potential", &format!("amount labelled « {INVESTMENT_LABEL} »")))?,
        call: None,
        source: FicheSource { line: cx.line, page: None },
    })
}

/// Finds the two amounts: a paragraph whose text (after an optional `N M€`) starts with a
/// label; the amount is in the same paragraph (`**10,6 M€** Montant prévu …`) or in the
/// paragraph before it (`5,7` / `M€`, then the label over three lines). Consumes both.
fn amounts(cx: &Ctx<'_, '_>, body: &[Block], texts: &mut [Option<String>]) -> Result<(Option<Money>, Option<Money>), ParseError> {
    let mut found: [Option<(Money, u32)>; 2] = [None, None];
    for (i, block) in body.iter().enumerate() {
        let (Block::Para(p), Some(text)) = (block, texts[i].clone()) else {
            continue;
        };
        let (amount, label) = match text.find("M€") {
            Some(at) => text.split_at(at + "M€".len()),
            None => ("", text.as_str()),
        };
        // Only the start matters; folding whole ambition paragraphs would be wasted work.
        let label = fold(&label.chars().take(40).collect::<String>());
        let (slot, field, label_text) = if label.starts_with("montant prevu de subvention") {
            (0, "subsidy_ceiling", SUBSIDY_LABEL)
        } else if label.starts_with("potentiel d investissement") {
            (1, "investment_potential", INVESTMENT_LABEL)
        } else {
            continue;
        };
        let (amount, amount_line) = if amount.is_empty() {
            let prev = i.checked_sub(1).and_then(|j| match (&body[j], texts[j].take()) {
                (Block::Para(q), Some(t)) => Some((t, q.line)),
                _ => None,
            });
            prev.ok_or_else(|| cx.err(p.line, field, format!("no amount « N M€ » before « {label_text} »")))?
        } else {
            (amount.to_string(), p.line)
        };
        texts[i] = None;
        let money = parse_millions_of_euros(&amount).map_err(|e| cx.err(amount_line, field, e.to_string()))?;
        if let Some((_, first)) = found[slot] {
            return Err(cx.err(amount_line, field, format!("second « {label_text} » (first at line {first})")));
        }
        found[slot] = Some((money, amount_line));
    }
    Ok((found[0].map(|(m, _)| m), found[1].map(|(m, _)| m)))
}

/// The sentence « Le budget prévisionnel du projet atteint N M€. », anywhere in the body;
/// it is cut out of its paragraph (dropped when nothing else is left). `None` when absent.
fn planned_budget(cx: &Ctx<'_, '_>, body: &[Block], texts: &mut [Option<String>]) -> Result<Option<Money>, ParseError> {
    let mut found: Option<(Money, u32)> = None;
    for (i, block) in body.iter().enumerate() {
        let (Block::Para(p), Some(text)) = (block, texts[i].clone()) else {
            continue;
        };
        let Some(at) = text.find(BUDGET) else {
            continue;
        };
        let line = p.line_of("budget prévisionnel");
        let after = &text[at + BUDGET.len()..];
        let end = after
            .find("M€")
            .map(|e| e + "M€".len())
            .ok_or_else(|| cx.err(line, "planned_budget", format!("expected « … {BUDGET}N M€ » in « {text} »")))?;
        let money = parse_millions_of_euros(&after[..end]).map_err(|e| cx.err(line, "planned_budget", e.to_string()))?;
        if let Some((_, first)) = found {
            return Err(cx.err(line, "planned_budget", format!("second budget sentence (first at line {first})")));
        }
        found = Some((money, line));
        let before = text[..at].trim_end();
        let before = before.strip_suffix("Le").unwrap_or(before).trim_end();
        let rest = after[end..].trim_start_matches('.').trim_start();
        let kept = format!("{before} {rest}").trim().to_string();
        texts[i] = (!kept.is_empty()).then_some(kept);
    }
    Ok(found.map(|(m, _)| m))
}

/// The three sections of a fiche, in reading order: ambition, strategic objectives, impacts.
type Sections = (Vec<TextBlock>, Vec<TextBlock>, Vec<String>);

/// Places every remaining paragraph in its section: ambition, objectives, impacts. In
/// ambition and objectives a list item is a [`TextBlock::item`], any other paragraph (an
/// introductory or closing sentence, prose) a [`TextBlock::paragraph`]; impacts are list
/// items, kept as text. A section may come twice; its blocks are appended.
///
/// Blocks before the first section heading are the end of the objectives: they follow the
/// headed section's blocks. Vilagil (l. 1244–1287) is the case: the PDF's second column
/// put the end of the objectives list at the top of the page, before the impacts and
/// without heading (« Décongestionner… ; », « Favoriser… ; », « Décarboner … négatives. »),
/// and the beginning after the ambition, under « ## OBJECTIFS STRATÉGIQUES »
/// (« Développer… ; », « Mettre en œuvre… ; »). The punctuation gives the reading order:
/// every item but the last ends with « ; », and the last one is the headless list's.
fn sections(cx: &Ctx<'_, '_>, body: &[Block], texts: &[Option<String>]) -> Result<Sections, ParseError> {
    const FIELDS: [&str; 3] = ["ambition", "strategic_objectives", "impacts_2030"];
    const NAMES: [&str; 3] = ["« ## AMBITION »", "« ## OBJECTIFS STRATÉGIQUES »", "« ## IMPACTS À HORIZON 2030 »"];
    let mut out: [Vec<TextBlock>; 3] = Default::default();
    let mut headless: Vec<TextBlock> = Vec::new();
    let mut headings: [Option<u32>; 3] = [None; 3];
    let mut current: Option<usize> = None;
    for (block, text) in body.iter().zip(texts) {
        match block {
            Block::Heading { text, line, .. } => {
                let f = fold(text);
                let k = if f.starts_with("ambition") {
                    0
                } else if f.starts_with("objectifs strategiques") {
                    1
                } else if f.starts_with("impacts") && f.contains("2030") {
                    2
                } else {
                    return Err(cx.err(*line, "fiche", format!("unknown section « {text} »")));
                };
                headings[k].get_or_insert(*line);
                current = Some(k);
            }
            Block::Para(p) => {
                let Some(text) = text.clone() else {
                    continue;
                };
                let block = if p.item {
                    TextBlock::item(text)
                } else {
                    TextBlock::paragraph(text)
                };
                match current {
                    Some(k) => out[k].push(block),
                    None => headless.push(block),
                }
            }
        }
    }
    out[1].append(&mut headless);
    for k in 0..3 {
        if out[k].is_empty() {
            return Err(match headings[k] {
                Some(line) => cx.err(
                    line,
                    FIELDS[k],
                    format!("section {} is empty (the fiche ends at line {}): truncated?", NAMES[k], cx.last),
                ),
                None => cx.missing(FIELDS[k], &format!("section {}", NAMES[k])),
            });
        }
    }
    let [ambition, objectives, impacts] = out;
    Ok((ambition, objectives, impacts.into_iter().map(|b| b.text).collect()))
}
