//! Names of organisations and places as typed in a spreadsheet: the same name may come with
//! a typographic (’), straight (') or modifier-letter (ʼ) apostrophe, and with its accents
//! composed (NFC, what keyboards type) or decomposed (NFD, what some macOS files hold).
//! `L’Haÿ-les-Roses` and `L'Haÿ-les-Roses` in NFD are the same commune.

use unicode_normalization::UnicodeNormalization;

/// Apostrophes people type or their tools substitute: straight, typographic right single
/// quotation mark, modifier letter apostrophe, left single quotation mark, prime, acute.
const APOSTROPHES: [char; 6] = ['\'', '’', 'ʼ', '‘', '′', '´'];

/// A name cleaned for storage: NFC, apostrophes made typographic (’, French typography),
/// runs of spaces (any kind) made one space, trimmed. `"L'Haÿ-les-Roses "` (NFD) →
/// `"L’Haÿ-les-Roses"`.
pub fn clean_name(raw: &str) -> String {
    let composed: String = raw.nfc().map(|c| if APOSTROPHES.contains(&c) { '’' } else { c }).collect();
    composed.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key two names are compared by: [`clean_name`], lower-cased. Accents are kept
/// (`Saint-Dié` and `Saint-Die` are different keys; use `domain::text::fold` for an
/// accent-blind search).
pub fn name_key(raw: &str) -> String {
    clean_name(raw).to_lowercase()
}

/// Whether `a` and `b` name the same thing, apostrophes, Unicode forms, case and spacing
/// aside.
pub fn matches_name(a: &str, b: &str) -> bool {
    name_key(a) == name_key(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apostrophes_and_unicode_forms() {
        // NFD: « y » + U+0308 combining diaeresis.
        let nfd = "L'Hay\u{308}-les-Roses";
        assert_eq!(nfd.chars().count(), 16);
        assert!(matches_name("L’Haÿ-les-Roses", nfd));
        assert!(matches_name("L’Haÿ-les-Roses", "lʼhaÿ-les-roses"));
        assert!(matches_name("Cœur  d’Essonne", " CŒUR D'ESSONNE"));
        assert_eq!(clean_name(nfd), "L’Haÿ-les-Roses");
        assert_eq!(clean_name(nfd).chars().count(), 15);
        assert_eq!(clean_name("  Ville\u{a0}de   Valence "), "Ville de Valence");
    }

    #[test]
    fn different_names_stay_different() {
        assert!(!matches_name("Saint-Dié", "Saint-Die"));
        assert!(!matches_name("L’Haÿ-les-Roses", "Lhaÿ-les-Roses"));
    }
}
