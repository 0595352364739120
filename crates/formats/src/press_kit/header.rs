//! The head of a fiche, before its sections: the lead paragraph (« Chef de file : … »),
//! then four paragraphs in this order: partners, themes, territory kinds, population.
//! Each may run over several lines or be a list item (`-  51 partenaires …`).

use super::blocks::{Block, Para};
use super::fiche::Ctx;
use super::numbers::parse_integer;
use super::ParseError;

/// The `k`-th paragraph under the heading, which must come before any section heading.
pub(super) fn header_para<'b>(cx: &Ctx<'_, '_>, blocks: &'b [Block], k: usize, field: &str, what: &str) -> Result<&'b Para, ParseError> {
    match blocks.get(k) {
        Some(Block::Para(p)) => Ok(p),
        Some(Block::Heading { line, text, .. }) => Err(cx.err(*line, field, format!("no {what} before the section « {text} »"))),
        None => Err(cx.err(
            cx.last,
            field,
            format!("the fiche ends at line {} before its {what}: truncated?", cx.last),
        )),
    }
}

/// `Chef de file : Org (detail)` → (`Org`, `Some("(detail)")`). A closing bracket group is
/// a detail (co-leads, member authorities) when it holds several words; a one-word group is
/// an acronym and part of the name (`… Agronomique (INRA)`).
pub(super) fn lead(cx: &Ctx<'_, '_>, p: &Para) -> Result<(String, Option<String>), ParseError> {
    let text = p.text();
    let rest = text
        .get(..12)
        .filter(|l| l.eq_ignore_ascii_case("chef de file"))
        .and_then(|_| text.get(12..))
        .ok_or_else(|| {
            cx.err(
                p.line,
                "lead",
                format!("expected « Chef de file : … » under the heading, found « {text} »"),
            )
        })?;
    let rest = rest.trim_start().trim_start_matches(':').trim();
    let (lead, detail) = match trailing_group(rest) {
        Some(open) if rest[open..].contains(' ') => (rest[..open].trim(), Some(rest[open..].to_string())),
        _ => (rest, None),
    };
    if lead.is_empty() {
        return Err(cx.err(p.line, "lead", "« Chef de file : » names no organisation"));
    }
    Ok((lead.to_string(), detail))
}

/// Byte index of the `(` opening the bracket group that closes `s`, if `s` ends with `)`.
fn trailing_group(s: &str) -> Option<usize> {
    if !s.ends_with(')') {
        return None;
    }
    let mut depth = 0usize;
    for (i, c) in s.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// `29 partenaires dont 3 collectivités` → (29, 3).
pub(super) fn partners(cx: &Ctx<'_, '_>, p: &Para) -> Result<(u32, u32), ParseError> {
    let text = p.text();
    let expected = || format!("expected « N partenaires dont M collectivités », found « {text} »");
    let (n, rest) = text
        .split_once(" partenaires dont ")
        .or_else(|| text.split_once(" partenaire dont "))
        .ok_or_else(|| cx.err(p.line, "partners", expected()))?;
    let m = rest
        .strip_suffix(" collectivités")
        .or_else(|| rest.strip_suffix(" collectivité"))
        .ok_or_else(|| cx.err(p.line, "local_authorities", expected()))?;
    Ok((count(cx, p.line, "partners", n)?, count(cx, p.line, "local_authorities", m)?))
}

fn count<T: TryFrom<u64>>(cx: &Ctx<'_, '_>, line: u32, field: &str, text: &str) -> Result<T, ParseError> {
    let n = parse_integer(text).map_err(|e| cx.err(line, field, e.to_string()))?;
    T::try_from(n).map_err(|_| cx.err(line, field, format!("« {text} » is out of range")))
}

/// `56 000 personnes concernées` → 56 000.
pub(super) fn population(cx: &Ctx<'_, '_>, p: &Para) -> Result<u64, ParseError> {
    let text = p.text();
    let n = text.strip_suffix(" personnes concernées").ok_or_else(|| {
        cx.err(
            p.line,
            "population",
            format!("expected « N personnes concernées », found « {text} »"),
        )
    })?;
    count(cx, p.line, "population", n)
}

/// A comma-separated list of vocabulary terms, normalised, and the line as printed (its
/// lines joined). An unknown term is an error on the line that prints it.
pub(super) fn terms<T>(
    cx: &Ctx<'_, '_>,
    p: &Para,
    field: &str,
    what: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<(Vec<T>, String), ParseError> {
    let raw = p.text();
    let mut out = Vec::new();
    for term in raw.split(',').map(str::trim) {
        if term.is_empty() {
            return Err(cx.err(p.line, field, format!("empty {what} in « {raw} »")));
        }
        out.push(parse(term).ok_or_else(|| cx.err(p.line_of(term), field, format!("unknown {what} « {term} »")))?);
    }
    Ok((out, raw))
}
