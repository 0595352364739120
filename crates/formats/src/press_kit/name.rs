//! A readable project name from a fiche heading printed in capitals, and its slug.

use super::blocks::clean;

/// The project name of a fiche heading: markup removed (see [`clean`]), a space left after
/// a hyphen by a line break of the PDF removed (`BELFORT- MONTBÉLIARD` →
/// `BELFORT-MONTBÉLIARD`: a hyphen glued to a letter before it and followed by spaces joins
/// the two words; ` - ` between spaces is a dash and stays), then [`title_case`]d.
pub(super) fn name_of_heading(heading: &str) -> String {
    let cleaned = clean(heading);
    let mut joined = String::with_capacity(cleaned.len());
    let mut after_glued_hyphen = false;
    let mut prev: Option<char> = None;
    for c in cleaned.chars() {
        if after_glued_hyphen && c == ' ' {
            continue;
        }
        after_glued_hyphen = c == '-' && prev.is_some_and(char::is_alphabetic);
        joined.push(c);
        prev = Some(c);
    }
    title_case(&joined)
}

/// Short words written in lower case inside a title (articles, prepositions, elided
/// `l'`, `d'`, `s'`), as French titles do.
const SMALL_WORDS: &[&str] = &[
    "a", "à", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "pour", "s", "sur", "un", "une",
];

/// Title-cases a heading printed in capitals. The rule, simple on purpose:
///
/// - a word is a run of letters; a word that already holds a lower-case letter is kept as
///   printed (`e-MEUSE` keeps its `e`, a heading in mixed case is unchanged);
/// - a word in capitals becomes lower case with an initial capital (accents kept:
///   `ÉLEVAGE` → `Élevage`), except short words (articles, prepositions, `l'`, `d'`, `s'`), which stay lower case unless they
///   open the title or follow a colon (`LE HAVRE` → `Le Havre`);
/// - letters glued to the previous word by something other than a space, a hyphen, an
///   apostrophe or an opening bracket continue it in lower case (`OCCIT@NUM` → `Occit@num`,
///   `(RE)CONNECTÉE` → `(Re)connectée`);
/// - every other character is copied as printed.
///
/// `OUEST TERRITOIRES D'ÉLEVAGE` → `Ouest Territoires d'Élevage`;
/// `e-MEUSE SANTÉ` → `e-Meuse Santé`.
pub fn title_case(heading: &str) -> String {
    let mut out = String::with_capacity(heading.len());
    let mut at_start = true;
    let mut prev: Option<char> = None;
    let mut chars = heading.chars().peekable();
    while let Some(&c) = chars.peek() {
        if !c.is_alphabetic() {
            if c == ':' {
                at_start = true;
            }
            out.push(c);
            prev = Some(c);
            chars.next();
            continue;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if !c.is_alphabetic() {
                break;
            }
            word.push(c);
            chars.next();
        }
        let glued = prev.is_some_and(|p| !(p.is_whitespace() || matches!(p, '-' | '\'' | '’' | '(' | ':')));
        out.push_str(&case_word(&word, at_start, glued));
        at_start = false;
        prev = word.chars().last();
    }
    out
}

fn case_word(word: &str, at_start: bool, glued: bool) -> String {
    if word.chars().any(char::is_lowercase) {
        return word.to_string();
    }
    let lower = word.to_lowercase();
    if glued || (!at_start && SMALL_WORDS.contains(&lower.as_str())) {
        return lower;
    }
    let mut cs = lower.chars();
    match cs.next() {
        Some(first) => first.to_uppercase().chain(cs).collect(),
        None => lower,
    }
}

#[cfg(test)]
mod tests {
    use super::title_case;

    #[test]
    fn headings_of_the_press_kit() {
        assert_eq!(title_case("LE HAVRE SMART PORT CITY"), "Le Havre Smart Port City");
        assert_eq!(title_case("OUEST TERRITOIRES D'ÉLEVAGE"), "Ouest Territoires d'Élevage");
        assert_eq!(title_case("e-MEUSE SANTÉ"), "e-Meuse Santé");
        assert_eq!(title_case("BIOVALLÉE"), "Biovallée");
        assert_eq!(title_case("NOUVELLE-CALÉDONIE"), "Nouvelle-Calédonie");
        assert_eq!(title_case("OCCIT@NUM"), "Occit@num");
        assert_eq!(title_case("LITTORAL+"), "Littoral+");
        assert_eq!(title_case("DES HOMMES ET DES ARBRES"), "Des Hommes et des Arbres");
        assert_eq!(
            title_case("LYON ST-ÉTIENNE : L'INDUSTRIE INTÉGRÉE ET (RE)CONNECTÉE"),
            "Lyon St-Étienne : L'Industrie Intégrée et (Re)connectée"
        );
        assert_eq!(title_case("Déjà Écrit"), "Déjà Écrit");
    }

    #[test]
    fn names_join_hyphens_broken_by_a_line() {
        use super::name_of_heading;
        assert_eq!(
            name_of_heading("BELFORT- MONTBÉLIARD : TRANSFORMATION"),
            "Belfort-Montbéliard : Transformation"
        );
        assert_eq!(name_of_heading("SAINT-  DENIS - PLAINE"), "Saint-Denis - Plaine");
        // Markup removed with its meaning (`ᵉ` is a lower-case letter: `XXIᵉ` is kept as is).
        assert_eq!(name_of_heading("**LE XXI<sup>e</sup> SIÈCLE**"), "Le XXIᵉ Siècle");
    }
}
