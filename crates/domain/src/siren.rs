//! SIREN and SIRET, the French identifiers of companies, associations and public bodies
//! (issue 3: « the partner list with SIREN »; DESIGN.md: « Organisations: SIREN/SIRET
//! (check digit) »).
//!
//! A SIREN has 9 digits, a SIRET 14 (the SIREN followed by a 5-digit establishment number,
//! the NIC). Both end with a Luhn check digit (INSEE, *Répertoire Sirene*): from the
//! right, every second digit is doubled (9 subtracted when the double exceeds 9) and the
//! sum of all digits must be a multiple of 10. One exception: the establishments of
//! La Poste (SIREN 356 000 000) have SIRETs whose plain digit sum is a multiple of 5
//! instead (INSEE's rule, since La Poste has more establishments than the NIC's Luhn
//! space allows).
//!
//! Input is read leniently: spaces of any kind (`180 020 026`, no-break spaces) are
//! removed before checking; nothing else is.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A valid SIREN: 9 ASCII digits whose Luhn sum is a multiple of 10. Built by
/// [`Siren::parse`]; displayed grouped by three (`180 020 026`), stored as 9 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siren(String);

/// A valid SIRET: 14 ASCII digits passing the Luhn check (or La Poste's rule). Built by
/// [`Siret::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Siret(String);

/// Why a SIREN or SIRET was refused; messages in French, naming the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SirenError {
    /// Not only digits (after removing spaces).
    #[error("« {value} » n'est pas un {kind} : seuls des chiffres sont attendus")]
    NotDigits {
        /// `SIREN` or `SIRET`.
        kind: &'static str,
        /// The input, cut to 40 characters.
        value: String,
    },
    /// Wrong number of digits.
    #[error("le {kind} « {value} » compte {found} chiffres au lieu de {expected}")]
    WrongLength {
        /// `SIREN` or `SIRET`.
        kind: &'static str,
        /// The input, cut to 40 characters.
        value: String,
        /// Digits found.
        found: usize,
        /// 9 or 14.
        expected: usize,
    },
    /// The check digit does not match (a typo).
    #[error("le {kind} « {value} » est invalide : sa clé de contrôle (formule de Luhn) ne correspond pas")]
    CheckDigit {
        /// `SIREN` or `SIRET`.
        kind: &'static str,
        /// The digits.
        value: String,
    },
}

/// `raw` without white space of any kind (spaces, tabs, no-break and narrow no-break
/// spaces).
pub fn compact(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether the ASCII digits `digits` pass the Luhn check: from the right, every second
/// digit doubled (minus 9 above 9), total a multiple of 10.
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let d2 = d * 2;
                if d2 > 9 {
                    d2 - 9
                } else {
                    d2
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The compacted digits of `raw`, checked for kind and length.
fn digits(raw: &str, kind: &'static str, expected: usize) -> Result<String, SirenError> {
    let c = compact(raw);
    let value: String = raw.trim().chars().take(40).collect();
    if c.is_empty() || !c.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SirenError::NotDigits { kind, value });
    }
    if c.len() != expected {
        return Err(SirenError::WrongLength {
            kind,
            value,
            found: c.len(),
            expected,
        });
    }
    Ok(c)
}

/// La Poste's SIREN, whose SIRETs follow the digit-sum rule (module docs).
pub const LA_POSTE: &str = "356000000";

impl Siren {
    /// Parses a SIREN: spaces removed, then 9 digits passing Luhn. Errors:
    /// [`SirenError::NotDigits`], [`SirenError::WrongLength`], [`SirenError::CheckDigit`].
    pub fn parse(raw: &str) -> Result<Siren, SirenError> {
        let d = digits(raw, "SIREN", 9)?;
        if !luhn(&d) {
            return Err(SirenError::CheckDigit { kind: "SIREN", value: d });
        }
        Ok(Siren(d))
    }

    /// The 9 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Siren {
    /// Grouped by three with spaces: `180 020 026`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

impl TryFrom<String> for Siren {
    type Error = SirenError;
    fn try_from(s: String) -> Result<Self, SirenError> {
        Siren::parse(&s)
    }
}

impl From<Siren> for String {
    fn from(s: Siren) -> String {
        s.0
    }
}

impl Siret {
    /// Parses a SIRET: spaces removed, then 14 digits passing Luhn — or, for La Poste
    /// ([`LA_POSTE`]), whose digit sum is a multiple of 5. Errors as [`Siren::parse`].
    pub fn parse(raw: &str) -> Result<Siret, SirenError> {
        let d = digits(raw, "SIRET", 14)?;
        let ok = if d.starts_with(LA_POSTE) {
            d.bytes().map(|b| u32::from(b - b'0')).sum::<u32>().is_multiple_of(5)
        } else {
            luhn(&d)
        };
        if !ok {
            return Err(SirenError::CheckDigit { kind: "SIRET", value: d });
        }
        Ok(Siret(d))
    }

    /// The 14 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The SIREN of the organisation (the first 9 digits). La Poste's SIREN passes Luhn,
    /// and so does the SIREN of every other valid SIRET in practice — but not by
    /// construction, so this answers the digits without re-checking them.
    pub fn siren_digits(&self) -> &str {
        &self.0[..9]
    }
}

impl fmt::Display for Siret {
    /// `180 020 026 00019`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {} {}", &self.0[..3], &self.0[3..6], &self.0[6..9], &self.0[9..])
    }
}

impl TryFrom<String> for Siret {
    type Error = SirenError;
    fn try_from(s: String) -> Result<Self, SirenError> {
        Siret::parse(&s)
    }
}

impl From<Siret> for String {
    fn from(s: Siret) -> String {
        s.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_sirens_pass_their_check_digit() {
        // Caisse des Dépôts, 180 020 026: digits 1 8 0 0 2 0 0 2 6. From the right, the
        // 2nd, 4th, 6th, 8th digits (2, 0, 0, 8) are doubled: 4, 0, 0, 16 → 1+6 = 7;
        // sum 4 + 0 + 0 + 7 = 11; the others 6 + 0 + 2 + 0 + 1 = 9; 11 + 9 = 20 ✓.
        assert_eq!(Siren::parse("180 020 026").unwrap().as_str(), "180020026");
        // DINUM, 130 025 265: doubled 6→12→3, 5→10→1, 0→0, 3→6 = 10; others
        // 5 + 2 + 2 + 0 + 1 = 10; 20 ✓.
        assert_eq!(Siren::parse("130025265").unwrap().to_string(), "130 025 265");
        // Métropole de Lyon, 200 046 977: doubled 7→14→5, 6→12→3, 0, 0 = 8; others
        // 7 + 9 + 4 + 0 + 2 = 22; 30 ✓. No-break and narrow no-break spaces are spaces.
        assert!(Siren::parse("200\u{a0}046\u{202f}977").is_ok());
        // La Poste, 356 000 000: doubled 0, 0, 0, 5→10→1 = 1; others 0+0+0+6+3 = 9; 10 ✓.
        assert!(Siren::parse(LA_POSTE).is_ok());
    }

    #[test]
    fn typos_and_malformed_input_are_refused_in_french() {
        // Last digit 6 → 7: sum 21.
        assert_eq!(
            Siren::parse("180020027"),
            Err(SirenError::CheckDigit {
                kind: "SIREN",
                value: "180020027".into()
            })
        );
        // Two neighbours swapped (0 2 → 2 0): 1 8 0 0 0 2 0 2 6 → doubled 2→4, 0, 0, 8→7
        // = 11, others 6+0+0+0+1 = 7; 18 ✗.
        assert!(Siren::parse("180002026").is_err());
        assert_eq!(
            Siren::parse("18002002").unwrap_err().to_string(),
            "le SIREN « 18002002 » compte 8 chiffres au lieu de 9"
        );
        assert_eq!(
            Siren::parse("SIREN 180020026").unwrap_err().to_string(),
            "« SIREN 180020026 » n'est pas un SIREN : seuls des chiffres sont attendus"
        );
        assert!(Siren::parse("").is_err());
        assert!(Siren::parse("   ").is_err());
        assert!(Siren::parse("18002002６").is_err(), "a full-width digit is not ASCII");
        assert_eq!(
            Siren::parse("180020027").unwrap_err().to_string(),
            "le SIREN « 180020027 » est invalide : sa clé de contrôle (formule de Luhn) ne correspond pas"
        );
    }

    #[test]
    fn sirets_follow_luhn_or_la_postes_rule() {
        // DINUM's head office, 130 025 265 00013: digits 1 3 0 0 2 5 2 6 5 0 0 0 1 3; with
        // 14 digits, every second from the right is an odd position from the left:
        // 1→2, 0→0, 2→4, 2→4, 5→10→1, 0→0, 1→2 = 13; others 3+0+5+6+0+0+3 = 17; 30 ✓.
        let s = Siret::parse("130 025 265 00013").unwrap();
        assert_eq!((s.siren_digits(), s.to_string().as_str()), ("130025265", "130 025 265 00013"));
        // Last digit 3 → 4: 31 ✗.
        assert!(Siret::parse("13002526500014").is_err());
        // La Poste (a made-up NIC): digit sum 3+5+6+1+0 = 15, a multiple of 5 ✓;
        // 3+5+6+1+1 = 16 ✗ — whatever their Luhn sums.
        assert!(Siret::parse("35600000000010").is_ok());
        assert!(Siret::parse("35600000000011").is_err());
        assert_eq!(
            Siret::parse("1300252650001").unwrap_err().to_string(),
            "le SIRET « 1300252650001 » compte 13 chiffres au lieu de 14"
        );
    }

    #[test]
    fn serde_parses_at_the_edge() {
        assert_eq!(serde_json::from_str::<Siren>("\"180 020 026\"").unwrap().as_str(), "180020026");
        assert!(serde_json::from_str::<Siren>("\"180020027\"").is_err());
        assert_eq!(serde_json::to_string(&Siren::parse("180020026").unwrap()).unwrap(), "\"180020026\"");
    }
}
