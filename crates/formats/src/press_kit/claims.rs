//! The headline figures of « Territoires d'Innovation en quelques chiffres »: claims the
//! press kit makes about itself, kept with their printed text and line so that they can be
//! checked against the fiches (`territoires_domain::checks`).

use super::blocks::{heading, line_no, Doc};
use super::numbers::{millions, parse_decimal, parse_integer};
use super::ParseError;
use territoires_domain::programme::{ClaimSubject, HeadlineClaim};
use territoires_domain::text::fold;
use territoires_domain::vocabulary::Theme;

/// A cleaned line and its 1-based number.
type Line = (u32, String);

/// Where a headline figure sits in « Territoires d'Innovation en quelques chiffres ».
#[derive(Clone, Copy, PartialEq)]
enum Part {
    Main,
    Themes,
    OtherProgrammes,
}

/// The claims of « … en quelques chiffres », in document order, with the number of
/// applications and laureates of the call for projects (« 48 candidatures / 24 lauréats »).
/// A figure is a number on its own line with its label on the next non-blank line, except
/// the first line, which holds two, and the envelopes (« 150 M », « 300 M », in that order).
pub(super) fn headline_claims(doc: &Doc<'_>, lines: &[Line]) -> Result<(Vec<HeadlineClaim>, u32, u32), ParseError> {
    const FIELD: &str = "headline_claims";
    let start = lines
        .iter()
        .position(|(_, l)| heading(l).is_some_and(|(_, t)| fold(t).ends_with("en quelques chiffres")))
        .ok_or_else(|| doc.err(1, FIELD, "no section « … en quelques chiffres »"))?;
    let level = heading(&lines[start].1).map_or(2, |(lv, _)| lv);
    let mut claims = Vec::new();
    let mut part = Part::Main;
    let mut envelopes = [ClaimSubject::SubsidyEnvelope, ClaimSubject::EquityEnvelope].into_iter();
    let mut rest = lines[start + 1..].iter().filter(|(_, l)| !l.is_empty());
    while let Some((n, l)) = rest.next() {
        let n = *n;
        if let Some((lv, title)) = heading(l) {
            if lv <= level {
                break;
            }
            part = match fold(title) {
                t if t.starts_with("thematiques") => Part::Themes,
                t if t.starts_with("parmi les territoires") => Part::OtherProgrammes,
                _ => return Err(doc.err(n, FIELD, format!("unknown heading « {title} » among the headline figures"))),
            };
            continue;
        }
        if part == Part::Main && l.contains(" / ") {
            for piece in l.split(" / ") {
                let (num, label) = split_number(piece).ok_or_else(|| doc.err(n, FIELD, format!("expected « N label » in « {piece} »")))?;
                let word = label.split(' ').next().unwrap_or_default();
                let subject = match fold(word).as_str() {
                    "candidatures" => ClaimSubject::Applications,
                    "laureats" => ClaimSubject::Laureates,
                    _ => return Err(doc.err(n, FIELD, format!("unknown headline figure « {piece} »"))),
                };
                claims.push(claim(doc, n, subject, num, format!("{num} {word}"), false)?);
            }
        } else if let Some(num) = l.strip_suffix(" M").filter(|m| parse_decimal(m).is_ok()) {
            let subject = envelopes
                .next()
                .ok_or_else(|| doc.err(n, FIELD, format!("a third envelope « {l} »")))?;
            claims.push(claim(doc, n, subject, num, l.clone(), true)?);
        } else if parse_decimal(l).is_ok() {
            let (label_line, label) = rest
                .next()
                .cloned()
                .ok_or_else(|| doc.err(n, FIELD, format!("figure « {l} » has no label")))?;
            let (subject, is_amount) = match (part, fold(&label).as_str()) {
                (Part::Main, "partenaires") => (ClaimSubject::Partners, false),
                (Part::Main, "millions d euros") => (ClaimSubject::TotalAmount, true),
                (Part::Main, _) => return Err(doc.err(n, FIELD, format!("unknown headline figure « {l} {label} »"))),
                (Part::Themes, _) if Theme::parse(&label).is_none() => {
                    return Err(doc.err(label_line, FIELD, format!("unknown theme « {label} » among the headline figures")))
                }
                (Part::Themes, _) => (ClaimSubject::ThemeCount(label.clone()), false),
                (Part::OtherProgrammes, _) => (ClaimSubject::OtherProgrammeCount(label.clone()), false),
            };
            claims.push(claim(doc, n, subject, l, format!("{l} {label}"), is_amount)?);
        } else {
            return Err(doc.err(n, FIELD, format!("unexpected text among the headline figures: « {l} »")));
        }
    }
    let count = |s: ClaimSubject| -> Result<u32, ParseError> {
        let c = claims
            .iter()
            .find(|c| c.subject == s)
            .ok_or_else(|| doc.err(line_no(start), FIELD, format!("no headline figure for {s:?}")))?;
        u32::try_from(c.value).map_err(|_| doc.err(c.line, FIELD, "out of range"))
    };
    let (applications, laureates) = (count(ClaimSubject::Applications)?, count(ClaimSubject::Laureates)?);
    Ok((claims, applications, laureates))
}

/// `48 candidatures` → (`48`, `candidatures`).
fn split_number(s: &str) -> Option<(&str, &str)> {
    let label_at = s.find(|c: char| !(c.is_ascii_digit() || c == ' ' || c == ','))?;
    let (num, label) = s.split_at(label_at);
    let num = num.trim();
    (!num.is_empty()).then_some((num, label.trim()))
}

/// A claim whose value is the count `num`, or `num` millions of euros in cents.
fn claim(doc: &Doc<'_>, line: u32, subject: ClaimSubject, num: &str, raw: String, amount: bool) -> Result<HeadlineClaim, ParseError> {
    let bad = |m: String| doc.err(line, "headline_claims", m);
    let value = if amount {
        let d = parse_decimal(num).map_err(|e| bad(e.to_string()))?;
        millions(d).map_err(|e| bad(format!("« {num} » millions: {e}")))?.cents()
    } else {
        i64::try_from(parse_integer(num).map_err(|e| bad(e.to_string()))?).map_err(|_| bad(format!("« {num} » is too large")))?
    };
    Ok(HeadlineClaim { subject, value, raw, line })
}
