//! The Markdown of the press kit, cut into headings and paragraphs with their line numbers,
//! and the markup removed (its meaning kept: `CO<sub>2</sub>` is `CO₂`). The conversion
//! from PDF left irregular markup (bold across lines, icons as odd list markers, `<sub>`),
//! so this is deliberately not a full Markdown parser: it knows only what the press kit
//! uses.

use super::ParseError;

/// The document as lines, with the file name for errors.
pub(crate) struct Doc<'a> {
    pub file: &'a str,
    pub lines: Vec<&'a str>,
}

impl<'a> Doc<'a> {
    pub fn new(text: &'a str, file: &'a str) -> Doc<'a> {
        Doc {
            file,
            lines: text.lines().collect(),
        }
    }

    /// An error at 1-based `line` about `field`.
    pub fn err(&self, line: u32, field: &str, message: impl Into<String>) -> ParseError {
        ParseError {
            file: self.file.to_string(),
            line,
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// An error inside the fiche whose heading is `heading` (verbatim) at 1-based line
    /// `heading_line`: the message starts with `in fiche « HEADING »: `, so that every error
    /// raised while reading a fiche names it.
    pub fn fiche_err(&self, heading: &str, heading_line: u32, line: u32, field: &str, message: impl Into<String>) -> ParseError {
        let message = message.into();
        let message = if heading.is_empty() {
            format!("in the fiche at line {heading_line} (empty heading): {message}")
        } else {
            format!("in fiche « {heading} »: {message}")
        };
        self.err(line, field, message)
    }

    /// Number of lines, as a 1-based line number of the last line.
    pub fn last_line(&self) -> u32 {
        line_no(self.lines.len().saturating_sub(1))
    }
}

/// 1-based line number of the 0-based index `i`.
pub(crate) fn line_no(i: usize) -> u32 {
    u32::try_from(i + 1).unwrap_or(u32::MAX)
}

/// A heading or a paragraph (a run of non-blank lines, or one list item).
#[derive(Debug, Clone)]
pub(crate) enum Block {
    Heading { text: String, line: u32 },
    Para(Para),
}

/// A paragraph: its lines cleaned of markup, and where it lies.
#[derive(Debug, Clone)]
pub(crate) struct Para {
    /// 1-based line of its first line.
    pub line: u32,
    /// True when it is an item of a bulleted list (its first line has a list marker).
    pub item: bool,
    /// Each source line, cleaned (see [`clean`]), with its 1-based line number.
    pub lines: Vec<(u32, String)>,
}

impl Para {
    /// The lines joined with one space: what a reader sees.
    pub fn text(&self) -> String {
        let parts: Vec<&str> = self.lines.iter().map(|(_, l)| l.as_str()).filter(|l| !l.is_empty()).collect();
        parts.join(" ")
    }

    /// The line holding `needle` (compared folded), else the first line: errors point at
    /// the line where a bad term is printed.
    pub fn line_of(&self, needle: &str) -> u32 {
        let n = territoires_domain::text::fold(needle);
        self.lines
            .iter()
            .find(|(_, l)| territoires_domain::text::fold(l).contains(&n))
            .map_or(self.line, |(no, _)| *no)
    }
}

/// Characters the PDF conversion left that carry nothing: zero-width spaces and joiners,
/// word joiner, byte-order mark, soft hyphen, and private-use icons.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}' | '\u{e000}'..='\u{f8ff}')
}

fn is_blankish(c: char) -> bool {
    c.is_whitespace() || is_invisible(c)
}

/// True when the line holds nothing visible.
pub(crate) fn is_blank(line: &str) -> bool {
    line.chars().all(is_blankish)
}

/// The heading level and text of `# …` lines (up to three leading spaces tolerated).
pub(crate) fn heading(line: &str) -> Option<(usize, &str)> {
    let t = line.trim_start_matches(is_blankish);
    let level = t.chars().take_while(|&c| c == '#').count();
    if level == 0 || level > 6 || line.len() - t.len() > 3 {
        return None;
    }
    let rest = &t[level..]; // '#' is one byte: the slice is on a char boundary
    if !rest.starts_with(|c: char| c.is_whitespace()) {
        return None;
    }
    Some((level, rest.trim_matches(is_blankish)))
}

/// The text of a list item (`- x`, `• x`, `▪ x`, the marker followed by spaces or an
/// invisible character), or `None` for other lines.
pub(crate) fn list_item(line: &str) -> Option<&str> {
    let t = line.trim_start_matches(is_blankish);
    let mut chars = t.chars();
    let marker = chars.next()?;
    if !matches!(marker, '-' | '•' | '▪' | '–') {
        return None;
    }
    let rest = chars.as_str();
    if !rest.starts_with(is_blankish) {
        return None;
    }
    Some(rest.trim_start_matches(is_blankish))
}

/// Removes the markup the press kit uses (`**bold**`, `*italics*`, `<sub>`/`<sup>`),
/// invisible characters, and turns every run of spaces (including no-break ones) into one
/// space; trims. `*via*` gives `via`.
///
/// What `<sub>`/`<sup>` mean is kept with Unicode characters (see [`scripts`]):
/// `CO<sub>2</sub>` gives `CO₂`, `m<sup>2</sup>` `m²`, `XXI<sup>e</sup>` `XXIᵉ`,
/// `1<sup>er</sup>` `1ᵉʳ`.
pub(crate) fn clean(line: &str) -> String {
    let mut s = scripts(line);
    for tag in ["**", "*"] {
        s = s.replace(tag, "");
    }
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// Replaces `<sub>…</sub>` and `<sup>…</sup>` by their content, written with Unicode
/// subscript or superscript characters where Unicode has them: digits in `<sub>`
/// (`₀`–`₉`); digits (`⁰`–`⁹`) and the letters of French ordinals, `e` → `ᵉ` and
/// `r` → `ʳ` (as in `XXIᵉ`, `1ᵉʳ`), in `<sup>`. Any other character is kept as printed.
/// A tag not closed on the same line, or a closing tag without its opening one, is dropped,
/// the text after it kept as printed.
fn scripts(line: &str) -> String {
    /// A tag's opening and closing, and how it writes a character.
    type Script = (&'static str, &'static str, fn(char) -> char);
    const TAGS: [Script; 2] = [("<sub>", "</sub>", subscript), ("<sup>", "</sup>", superscript)];
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    'scan: while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        for (open, close, map) in TAGS {
            if let Some(inner) = rest.strip_prefix(open) {
                rest = match inner.split_once(close) {
                    Some((content, after)) => {
                        out.extend(content.chars().map(map));
                        after
                    }
                    None => inner, // not closed on this line: the tag is dropped
                };
                continue 'scan;
            }
            if let Some(after) = rest.strip_prefix(close) {
                rest = after; // a closing tag without its opening one
                continue 'scan;
            }
        }
        out.push('<');
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

/// `c` as a subscript: digits only (`2` → `₂`); other characters unchanged.
fn subscript(c: char) -> char {
    const DIGITS: [char; 10] = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
    c.to_digit(10).and_then(|d| DIGITS.get(d as usize)).copied().unwrap_or(c)
}

/// `c` as a superscript: digits (`2` → `²`), `e` → `ᵉ`, `r` → `ʳ`; other characters
/// unchanged.
fn superscript(c: char) -> char {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    match c {
        'e' => 'ᵉ',
        'r' => 'ʳ',
        _ => c.to_digit(10).and_then(|d| DIGITS.get(d as usize)).copied().unwrap_or(c),
    }
}

/// Cuts lines `from..to` (0-based, end excluded) into blocks. A list item starts a new
/// paragraph; a blank line or a heading ends one.
pub(crate) fn blocks(doc: &Doc<'_>, from: usize, to: usize) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<Para> = None;
    let end = to.min(doc.lines.len());
    for (i, raw) in doc.lines.iter().enumerate().take(end).skip(from) {
        let no = line_no(i);
        if is_blank(raw) {
            out.extend(current.take().map(Block::Para));
        } else if let Some((_, text)) = heading(raw) {
            out.extend(current.take().map(Block::Para));
            out.push(Block::Heading {
                text: clean(text),
                line: no,
            });
        } else if let Some(item) = list_item(raw) {
            out.extend(current.take().map(Block::Para));
            current = Some(Para {
                line: no,
                item: true,
                lines: vec![(no, clean(item))],
            });
        } else if let Some(p) = current.as_mut() {
            p.lines.push((no, clean(raw)));
        } else {
            current = Some(Para {
                line: no,
                item: false,
                lines: vec![(no, clean(raw))],
            });
        }
    }
    out.extend(current.take().map(Block::Para));
    out
}

/// The text after the first occurrence of `start` and before the next `end` (exclusive).
pub(crate) fn between<'s>(s: &'s str, start: &str, end: &str) -> Option<&'s str> {
    let from = s.find(start)? + start.len();
    let rest = &s[from..];
    Some(&rest[..rest.find(end)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_spaces() {
        assert_eq!(clean("**Chef de file :** Association  "), "Chef de file : Association");
        assert_eq!(clean("CO<sub>2</sub> *via* 1\u{a0}900\u{202f}000"), "CO₂ via 1 900 000");
        assert_eq!(clean("\u{feff} a\u{200b}b "), "ab");
    }

    #[test]
    fn subscripts_and_superscripts_keep_their_meaning() {
        assert_eq!(clean("t.éq.CO<sub>2</sub>, H<sub>2</sub>O"), "t.éq.CO₂, H₂O");
        assert_eq!(clean("C<sub>10</sub>"), "C₁₀");
        assert_eq!(clean("m<sup>2</sup> et m<sup>3</sup>"), "m² et m³");
        assert_eq!(
            clean("du XXI<sup>e</sup> siècle, le 1<sup>er</sup> territoire"),
            "du XXIᵉ siècle, le 1ᵉʳ territoire"
        );
        // Letters without a superscript form used here stay plain; so do other characters.
        assert_eq!(clean("2<sup>nd</sup>, X<sub>a</sub>"), "2nd, Xa");
        // An unclosed or stray tag is dropped, the text kept as printed; other `<` are text.
        assert_eq!(clean("CO<sub>2 et </sup>a < b <su"), "CO2 et a < b <su");
    }

    #[test]
    fn list_items_and_headings() {
        assert_eq!(list_item("-  51 partenaires"), Some("51 partenaires"));
        assert_eq!(list_item("-\u{200b}x"), Some("x"));
        assert_eq!(list_item("- **Réduire**"), Some("**Réduire**"));
        assert_eq!(list_item("---"), None);
        assert_eq!(list_item(" 26 partenaires"), None);
        assert_eq!(heading("# BIOVALLÉE"), Some((1, "BIOVALLÉE")));
        assert_eq!(heading("## IMPACTS À HORIZON 2030 :"), Some((2, "IMPACTS À HORIZON 2030 :")));
        assert_eq!(heading("#hashtag"), None);
        assert_eq!(between("a « b » c", "« ", " »"), Some("b"));
    }
}
