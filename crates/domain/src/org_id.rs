//! Organisation identifiers for open data: the RNA number of associations, and the
//! organisation identifiers that IATI and 360Giving publish (`FR-RCS-180020026`).
//!
//! Sources:
//! - RNA (*Répertoire national des associations*): `W` followed by 9 digits, as the SCDL
//!   *subventions* 2.1.1 schema requires for `rnaBeneficiaire` (pattern `^W\d{9}$`).
//! - Organisation identifiers: the IATI *OrganisationRegistrationAgency* codelist (the
//!   register behind org-id.guide, which 360Giving also uses) lists `FR-RCS` (*Registre du
//!   commerce et des sociétés*) for French organisations identified by their SIREN, and marks
//!   `FR-INSEE` as deprecated in its favour. An identifier is the agency's code, a hyphen,
//!   and the organisation's number in that register: `FR-RCS-` followed by the 9-digit
//!   SIREN. The register has no code for the RNA, so an association known only by its RNA
//!   number has no organisation identifier.

use crate::siren::{Siren, SirenError, Siret};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The registration agency prefix for a SIREN, from the IATI codelist.
pub const FR_RCS: &str = "FR-RCS";

/// A valid RNA number: `W` and 9 ASCII digits (`W751234567`). Built by [`Rna::parse`].
/// The RNA has no check digit, so only the shape is checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Rna(String);

/// Why an RNA number or an organisation identifier was refused; messages in French.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrgIdError {
    /// Not `W` followed by 9 digits.
    #[error("« {0} » n'est pas un numéro RNA : un W suivi de 9 chiffres est attendu (W751234567)")]
    Rna(String),
    /// Not `FR-RCS-` followed by a valid SIREN.
    #[error("« {0} » n'est pas un identifiant d'organisation reconnu : FR-RCS- suivi d'un SIREN est attendu")]
    Prefix(String),
    /// The SIREN part is invalid.
    #[error(transparent)]
    Siren(#[from] SirenError),
}

impl Rna {
    /// Reads an RNA number: spaces of any kind are removed and a lower-case `w` is accepted
    /// (`w75 1234 567` → `W751234567`). Errors: [`OrgIdError::Rna`] naming the input (cut to
    /// 40 characters).
    pub fn parse(raw: &str) -> Result<Rna, OrgIdError> {
        let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        let mut chars = compact.chars();
        let first = chars.next();
        let digits: String = chars.collect();
        if matches!(first, Some('W' | 'w')) && digits.len() == 9 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Rna(format!("W{digits}")))
        } else {
            Err(OrgIdError::Rna(raw.chars().take(40).collect()))
        }
    }

    /// The 10 characters, `W751234567`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Rna {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Rna {
    type Error = OrgIdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Rna::parse(&s)
    }
}

impl From<Rna> for String {
    fn from(r: Rna) -> String {
        r.0
    }
}

/// An organisation identifier in the IATI / org-id.guide form. Today only `FR-RCS-{SIREN}`
/// is built; other registers are added as the programme meets them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgId(Siren);

impl OrgId {
    /// The identifier of an organisation registered under `siren`: `FR-RCS-180020026`.
    pub fn from_siren(siren: Siren) -> OrgId {
        OrgId(siren)
    }

    /// The identifier of the organisation owning the establishment `siret` (its first
    /// 9 digits are the SIREN). Errors: [`OrgIdError::Siren`] when those 9 digits fail their
    /// own Luhn check (a SIRET's check covers its 14 digits, not its SIREN).
    pub fn from_siret(siret: &Siret) -> Result<OrgId, OrgIdError> {
        Ok(OrgId(Siren::parse(siret.siren_digits())?))
    }

    /// Reads `FR-RCS-180020026` (case of the prefix ignored, spaces in the number allowed).
    /// Errors: [`OrgIdError::Prefix`] for another form, [`OrgIdError::Siren`] for a bad number.
    pub fn parse(raw: &str) -> Result<OrgId, OrgIdError> {
        let trimmed = raw.trim();
        let prefix = format!("{FR_RCS}-");
        match trimmed.get(..prefix.len()) {
            Some(p) if p.eq_ignore_ascii_case(&prefix) => Ok(OrgId(Siren::parse(&trimmed[prefix.len()..])?)),
            _ => Err(OrgIdError::Prefix(raw.chars().take(40).collect())),
        }
    }

    /// The SIREN behind the identifier.
    pub fn siren(&self) -> &Siren {
        &self.0
    }
}

impl fmt::Display for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{FR_RCS}-{}", self.0.as_str())
    }
}

impl TryFrom<String> for OrgId {
    type Error = OrgIdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        OrgId::parse(&s)
    }
}

impl From<OrgId> for String {
    fn from(o: OrgId) -> String {
        o.to_string()
    }
}

/// The organisation that publishes the programme's open data: the attributing party of
/// SCDL (`nomAttribuant`, `idAttribuant`), IATI's reporting organisation, 360Giving's
/// funding organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publisher {
    /// Its name, as published.
    pub name: String,
    /// The SIRET of the establishment that signs the agreements (SCDL asks for a SIRET).
    pub siret: Siret,
}

impl Publisher {
    /// The operator of Territoires d'Innovation: the Caisse des Dépôts, through its
    /// Banque des Territoires (press kit of 13 September 2019). SIREN 180 020 026; SIRET of
    /// its head office, 56 rue de Lille, Paris: 180 020 026 00019 (répertoire Sirene). A
    /// deployment publishing for another operator sets its own (`TERRITOIRES_PUBLISHER_*`).
    pub fn caisse_des_depots() -> Publisher {
        Publisher {
            name: "Caisse des Dépôts (Banque des Territoires)".into(),
            siret: Siret::parse("18002002600019").expect("a constant that passes Luhn"),
        }
    }

    /// Its organisation identifier, `FR-RCS-180020026`. Errors as [`OrgId::from_siret`].
    pub fn org_id(&self) -> Result<OrgId, OrgIdError> {
        OrgId::from_siret(&self.siret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rna_is_w_and_nine_digits() {
        assert_eq!(Rna::parse("W751234567").unwrap().as_str(), "W751234567");
        assert_eq!(Rna::parse(" w75 123\u{a0}4567 ").unwrap().as_str(), "W751234567");
        for bad in ["", "W75123456", "W7512345678", "X751234567", "W75123456A", "751234567"] {
            assert!(matches!(Rna::parse(bad), Err(OrgIdError::Rna(_))), "{bad}");
        }
    }

    #[test]
    fn org_id_is_fr_rcs_and_the_siren() {
        // Caisse des Dépôts: SIREN 180 020 026 (Luhn sum 20).
        let id = OrgId::from_siren(Siren::parse("180 020 026").unwrap());
        assert_eq!(id.to_string(), "FR-RCS-180020026");
        assert_eq!(OrgId::parse("fr-rcs-180020026").unwrap(), id);
        let siret = Siret::parse("180 020 026 00019").unwrap();
        assert_eq!(OrgId::from_siret(&siret).unwrap(), id);
        assert!(matches!(OrgId::parse("FR-INSEE-180020026"), Err(OrgIdError::Prefix(_))));
        assert!(matches!(OrgId::parse("FR-RCS-180020027"), Err(OrgIdError::Siren(_))));
        assert_eq!(Publisher::caisse_des_depots().org_id().unwrap(), id);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"FR-RCS-180020026\"");
    }
}
