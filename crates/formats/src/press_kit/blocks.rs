//! The Markdown of the press kit, cut into headings and paragraphs with their line numbers,
//! and the markup removed. The conversion from PDF left irregular markup (bold across
//! lines, icons as odd list markers, `<sub>`), so this is deliberately not a full Markdown
//! parser: it knows only what the press kit uses.

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
/// space; trims. `CO<sub>2</sub>` gives `CO2`, `*via*` gives `via`.
pub(crate) fn clean(line: &str) -> String {
    let mut s = line.to_string();
    for tag in ["<sub>", "</sub>", "<sup>", "</sup>", "**", "*"] {
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
                lines: vec![(no, clean(item))],
            });
        } else if let Some(p) = current.as_mut() {
            p.lines.push((no, clean(raw)));
        } else {
            current = Some(Para {
                line: no,
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
        assert_eq!(clean("CO<sub>2</sub> *via* 1\u{a0}900\u{202f}000"), "CO2 via 1 900 000");
        assert_eq!(clean("\u{feff} a\u{200b}b "), "ab");
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
