//! Text folding used to match names written by people: accents, case, apostrophes,
//! Unicode normalisation forms (NFC/NFD) and punctuation are not meaningful differences.

use time::Date;
use unicode_normalization::UnicodeNormalization;

/// `s` with its first character upper-cased (`« le plafond… »` → `« Le plafond… »`), for
/// a message that starts a sentence. Never fails; an empty string stays empty.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A date as French forms write it: `JJ/MM/AAAA` (`2021-02-10` → `10/02/2021`).
pub fn date_numeric(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// Folds `s` to a comparison key: NFD-decomposed with combining marks removed, lower-case,
/// typographic apostrophes and dashes unified, `œ`/`æ` expanded, every run of
/// non-alphanumeric characters turned into one space, trimmed.
///
/// `fold("Île-de-France")` is `"ile de france"`; `fold("CŒUR D’ESSONNE")` is
/// `"coeur d essonne"`. Never fails.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let expanded: &str = match c {
            'œ' | 'Œ' => "oe",
            'æ' | 'Æ' => "ae",
            _ => "",
        };
        if !expanded.is_empty() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push_str(expanded);
        } else if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// A URL-safe identifier made from `s`: `+` read as the word `plus` (so that `Littoral+`
/// is not the same as `Littoral`), then [`fold`]ed, spaces turned into `-`.
/// `slugify("Ouest Territoires d'Élevage")` is `"ouest-territoires-d-elevage"`.
pub fn slugify(s: &str) -> String {
    fold(&s.replace('+', " plus ")).replace(' ', "-")
}

/// The French names of the months, January first (lower case, as written inside a date:
/// « 13 septembre 2019 »).
pub const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_apostrophes_and_ligatures() {
        assert_eq!(fold("Île-de-France"), "ile de france");
        assert_eq!(fold("CŒUR D’ESSONNE, SESAME"), "coeur d essonne sesame");
        assert_eq!(fold("L’Haÿ-les-Roses"), fold("L'Haÿ-les-Roses"));
        // NFD input (e + combining acute) folds like NFC input.
        assert_eq!(fold("Se\u{301}same"), fold("Sésame"));
        assert_eq!(fold("  OCCIT@NUM "), "occit num");
    }

    #[test]
    fn slugs_are_ascii_and_dashed() {
        assert_eq!(slugify("Ouest Territoires d'Élevage"), "ouest-territoires-d-elevage");
        assert_eq!(slugify("LITTORAL+"), "littoral-plus");
        assert_eq!(slugify("A+B Santé"), "a-plus-b-sante");
    }
}
