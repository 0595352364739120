//! The programme part of the press kit (everything before the Sommaire): name, parent
//! programme, operator, amount and duration, envelopes, calls, target themes, source, and
//! the headline figures of « Territoires d'Innovation en quelques chiffres ».
//!
//! Each fact is read from the sentence that states it (the anchors below); when the
//! sentence is missing or reworded, the error names the field and the expected wording.

use super::blocks::{between, clean, is_blank, line_no, list_item, Doc};
use super::claims::headline_claims;
use super::numbers::{self, parse_integer};
use super::ParseError;
use territoires_domain::programme::{Call, CallKind, ClaimSubject, Envelope, EnvelopeKind, HeadlineClaim, Programme, Source};
use territoires_domain::text::{fold, slugify};
use territoires_domain::vocabulary::Theme;
use time::{Date, Month};

/// The licence of the press kit as published on data.gouv.fr; the document does not print
/// it.
pub(crate) const LICENCE: &str = "Licence Ouverte / Etalab 2.0";

/// A cleaned line and its 1-based number.
type Line = (u32, String);

/// Reads the programme from the lines before `end` (0-based index of the Sommaire).
pub(crate) fn parse(doc: &Doc<'_>, end: usize) -> Result<Programme, ParseError> {
    let lines: Vec<Line> = doc
        .lines
        .iter()
        .take(end)
        .enumerate()
        .map(|(i, l)| (line_no(i), clean(l)))
        .collect();
    let find = |needle: &str, field: &str| -> Result<&Line, ParseError> {
        lines
            .iter()
            .find(|(_, l)| l.contains(needle))
            .ok_or_else(|| doc.err(1, field, format!("no sentence containing « {} »", needle.trim())))
    };
    let bad = |line: u32, field: &str, what: &str, text: &str| doc.err(line, field, format!("cannot read {what} in « {text} »"));

    // « Territoires d'Innovation » est une action du …, adossée à la troisième vague du
    // Programme d'investissements d'avenir (PIA). … à hauteur de 450 M€ sur 10 ans, …
    // The first anchor: when it is missing, the document is most likely something else.
    let (n, action) = lines.iter().find(|(_, l)| l.contains("» est une action du")).ok_or_else(|| {
        doc.err(
            1,
            "name",
            "found no sentence « … est une action du … » naming the programme: \
             is this the Territoires d'Innovation press kit?",
        )
    })?;
    let name = between(action, "« ", " »")
        .ok_or_else(|| bad(*n, "name", "the name between « »", action))?
        .to_string();
    let parent = between(action, "vague du ", ". ").ok_or_else(|| bad(*n, "parent_programme", "« vague du … . »", action))?;
    let amount = between(action, "à hauteur de ", " sur ").ok_or_else(|| bad(*n, "total_amount", "« à hauteur de N M€ sur »", action))?;
    let total_amount = numbers::parse_millions_of_euros(amount).map_err(|e| doc.err(*n, "total_amount", e.to_string()))?;
    let years = between(action, "M€ sur ", " ans").ok_or_else(|| bad(*n, "duration_years", "« M€ sur N ans »", action))?;
    let duration_years = int(doc, *n, "duration_years", years)?;

    let (n, op) = find("pour cette action est la ", "operator")?;
    let operator = between(op, "pour cette action est la ", ",")
        .ok_or_else(|| bad(*n, "operator", "the operator", op))?
        .to_string();

    let envelopes = envelopes(doc, &lines)?;
    let (mut claims, applications, laureates) = headline_claims(doc, &lines)?;
    // The operator's word repeats a number of applicants to the call for projects
    // (« … d'accompagner les 117 candidats ayant répondu à l'appel à projets … »): another
    // claim, checked against the headline figure rather than trusted.
    const REPEATED: &str = " candidats ayant répondu à l'appel à projets";
    if let Some((n, text)) = lines.iter().find(|(_, l)| l.contains(REPEATED)) {
        let before = text.split(REPEATED).next().unwrap_or_default();
        let num = before.rsplit(' ').next().unwrap_or_default();
        let value = int::<i64>(doc, *n, "headline_claims", num)?;
        claims.push(HeadlineClaim {
            subject: ClaimSubject::Applications,
            value,
            raw: format!("{num}{REPEATED}"),
            line: *n,
        });
    }

    // « … un premier appel à manifestation d'intérêt, lancé en 2017 et ayant conduit à
    // accompagner … 24 projets retenus sur 117 candidats, l'appel à projets … lancé le
    // 23 novembre 2018 ». Neither call's closing date nor its eligibility rules are in the
    // document: they stay unknown (`None`, empty), never invented.
    let (n, calls_text) = find("appel à manifestation d'intérêt", "calls")?;
    let ami_year = between(calls_text, "lancé en ", " ").ok_or_else(|| bad(*n, "calls", "« lancé en YYYY »", calls_text))?;
    let head = calls_text
        .split(" projets retenus sur ")
        .next()
        .filter(|h| h.len() < calls_text.len());
    let retained = head.map(|h| h[h.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ').len()..].trim());
    let retained = retained.ok_or_else(|| bad(*n, "calls", "« N projets retenus sur »", calls_text))?;
    let candidates =
        between(calls_text, "retenus sur ", " candidats").ok_or_else(|| bad(*n, "calls", "« retenus sur N candidats »", calls_text))?;
    let opened = between(calls_text, "lancé le ", ",").ok_or_else(|| bad(*n, "calls", "« lancé le <date> »", calls_text))?;
    let opened_on = french_date(opened).ok_or_else(|| bad(*n, "calls", "a date", opened))?;
    let ami_year: i32 = int(doc, *n, "calls", ami_year)?;
    let target_themes = target_themes(doc, &lines)?;
    let calls = vec![
        Call {
            slug: Call::slug_for(CallKind::ExpressionOfInterest, ami_year),
            title: format!("{} {name} {ami_year}", CallKind::ExpressionOfInterest.label()),
            kind: CallKind::ExpressionOfInterest,
            year: ami_year,
            opened_on: None,
            closes_at: None,
            time_zone: Call::TIME_ZONE.to_string(),
            // The document gives the AMI no themes of its own.
            themes: Vec::new(),
            eligibility: Vec::new(),
            applications: int(doc, *n, "calls", candidates)?,
            selected: int(doc, *n, "calls", retained)?,
        },
        Call {
            slug: Call::slug_for(CallKind::CallForProjects, opened_on.year()),
            title: format!("{} {name} {}", CallKind::CallForProjects.label(), opened_on.year()),
            kind: CallKind::CallForProjects,
            year: opened_on.year(),
            opened_on: Some(opened_on),
            closes_at: None,
            time_zone: Call::TIME_ZONE.to_string(),
            themes: call_themes(&target_themes),
            eligibility: Vec::new(),
            applications,
            selected: laureates,
        },
    ];

    // « Dossier de presse - Vendredi 13 septembre 2019 », under the title and subtitle.
    let (n, dated) = find("Dossier de presse - ", "source")?;
    let published_on = dated
        .split(" - ")
        .nth(1)
        .and_then(french_date)
        .ok_or_else(|| bad(*n, "source", "the publication date", dated))?;
    let subtitle = lines
        .iter()
        .skip_while(|(_, l)| !l.starts_with("# "))
        .skip(1)
        .find(|(_, l)| !l.is_empty())
        .map(|(_, l)| l.clone())
        .ok_or_else(|| doc.err(1, "source", "no subtitle under the title"))?;
    let source = Source {
        title: format!("{name} — {subtitle}, dossier de presse"),
        file: doc.file.to_string(),
        published_on,
        licence: LICENCE.to_string(),
    };

    Ok(Programme {
        slug: slugify(&name),
        name,
        parent_programme: parent.to_string(),
        operator,
        total_amount,
        duration_years,
        envelopes,
        calls,
        target_themes,
        headline_claims: claims,
        source,
    })
}

fn int<T: TryFrom<u64>>(doc: &Doc<'_>, line: u32, field: &str, text: &str) -> Result<T, ParseError> {
    let n = parse_integer(text).map_err(|e| doc.err(line, field, e.to_string()))?;
    T::try_from(n).map_err(|_| doc.err(line, field, format!("« {text} » is out of range")))
}

/// `[weekday] 23 novembre 2018` → the date.
fn french_date(text: &str) -> Option<Date> {
    const MONTHS: [&str; 12] = [
        "janvier",
        "fevrier",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "aout",
        "septembre",
        "octobre",
        "novembre",
        "decembre",
    ];
    let words: Vec<String> = fold(text).split(' ').map(str::to_string).collect();
    let at = words.iter().position(|w| MONTHS.contains(&w.as_str()))?;
    let day: u8 = words.get(at.checked_sub(1)?)?.parse().ok()?;
    let year: i32 = words.get(at + 1)?.parse().ok()?;
    let month = Month::try_from(u8::try_from(MONTHS.iter().position(|m| *m == words[at])? + 1).ok()?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// The two list items « … pouvant aller jusqu'à 150 M€ … » (subsidies, *fonds propres*).
fn envelopes(doc: &Doc<'_>, lines: &[Line]) -> Result<Vec<Envelope>, ParseError> {
    let mut out: Vec<Envelope> = Vec::new();
    for (n, l) in lines
        .iter()
        .filter(|(_, l)| l.starts_with("- ") && l.contains("pouvant aller jusqu'à "))
    {
        let kind = if l.contains("fonds propres") {
            EnvelopeKind::Equity
        } else if l.contains("subvention") {
            EnvelopeKind::Subsidy
        } else {
            return Err(doc.err(
                *n,
                "envelopes",
                format!("envelope of unknown kind (neither subventions nor fonds propres): « {l} »"),
            ));
        };
        let amount = between(l, "jusqu'à ", "M€").map(|a| format!("{a}M€")).unwrap_or_default();
        let cap = numbers::parse_millions_of_euros(&amount).map_err(|e| doc.err(*n, "envelopes", e.to_string()))?;
        if out.iter().any(|e| e.kind == kind) {
            return Err(doc.err(*n, "envelopes", format!("second « {} » envelope", kind.label())));
        }
        out.push(Envelope { kind, cap });
    }
    if out.len() != 2 {
        return Err(doc.err(
            1,
            "envelopes",
            "expected two list items « … pouvant aller jusqu'à N M€ » (subventions, fonds propres)",
        ));
    }
    out.sort_by_key(|e| e.kind);
    Ok(out)
}

/// The themes of the call for projects: the target themes (« … les grandes thématiques
/// retenues : », l. 117–124, which the applicants answered) through [`Theme::parse`], in
/// the document's order, without duplicates. A wording `Theme::parse` does not know is
/// left out (it stays in `Programme::target_themes`); the six of the 2019 press kit all
/// parse.
fn call_themes(target_themes: &[String]) -> Vec<Theme> {
    let mut out: Vec<Theme> = Vec::new();
    for t in target_themes.iter().filter_map(|raw| Theme::parse(raw)) {
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// The list items after « … grandes thématiques retenues : », without the closing `;`/`.`.
fn target_themes(doc: &Doc<'_>, lines: &[Line]) -> Result<Vec<String>, ParseError> {
    let start = lines
        .iter()
        .position(|(_, l)| l.contains("thématiques retenues"))
        .unwrap_or(lines.len());
    let items: Vec<String> = doc
        .lines
        .iter()
        .skip(start + 1)
        .skip_while(|l| is_blank(l))
        .map_while(|l| list_item(l))
        .map(|i| clean(i).trim_end_matches([';', '.', ' ']).to_string())
        .collect();
    if items.is_empty() {
        return Err(doc.err(1, "target_themes", "no list of themes after « … grandes thématiques retenues : »"));
    }
    Ok(items)
}
