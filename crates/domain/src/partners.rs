//! The partner list of an application (*liste des partenaires*, issue 3: « an application
//! form (…) the partner list with SIREN »): who takes part, with their SIREN when they
//! have one, and who leads (*chef de file*).
//!
//! The list is what [`crate::conflicts::has_conflict`] checks experts against, together
//! with the applicant's own organisation.

use crate::org_id::Rna;
use crate::siren::Siren;
use serde::{Deserialize, Serialize};

/// The role of an organisation in an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum PartnerRole {
    /// *Chef de file*: leads the consortium (at most one per list).
    Lead,
    /// *Partenaire*.
    Partner,
}

impl PartnerRole {
    /// Stable code: `lead`, `partner`.
    pub fn code(self) -> &'static str {
        match self {
            PartnerRole::Lead => "lead",
            PartnerRole::Partner => "partner",
        }
    }

    /// The role whose [`code`](Self::code) is `code`.
    pub fn from_code(code: &str) -> Option<PartnerRole> {
        [PartnerRole::Lead, PartnerRole::Partner].into_iter().find(|r| r.code() == code)
    }

    /// French label: *Chef de file*, *Partenaire*.
    pub fn label(self) -> &'static str {
        match self {
            PartnerRole::Lead => "Chef de file",
            PartnerRole::Partner => "Partenaire",
        }
    }

    /// Reads a role as people write it: `chef de file`, `chef-de-file`, `lead`, or
    /// `partenaire`, `partner`; blank means *partenaire*. Case and accents ignored.
    pub fn read(raw: &str) -> Option<PartnerRole> {
        match crate::text::fold(raw).as_str() {
            "chef de file" | "lead" => Some(PartnerRole::Lead),
            "" | "partenaire" | "partner" => Some(PartnerRole::Partner),
            _ => None,
        }
    }
}

/// One organisation of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partner {
    /// Its name, trimmed, 1 to [`NAME_MAX`] characters.
    pub name: String,
    /// Its SIREN, when it has one (a foreign or unregistered partner has none).
    pub siren: Option<Siren>,
    /// Lead or partner.
    pub role: PartnerRole,
    /// Its RNA number, for an association registered in the *Répertoire national des
    /// associations* (`W751234567`); absent in lists saved before it was kept.
    #[serde(default)]
    pub rna: Option<Rna>,
}

/// Whether the applicant may edit the partner list in `status`: while it is a draft or
/// returned for completion (issue 3: the applicant writes the application until they
/// submit it, and completes it when asked), never once under review.
pub fn editable_in(status: crate::application::ApplicationStatus) -> bool {
    use crate::application::ApplicationStatus as S;
    matches!(status, S::Draft | S::ReturnedForCompletion)
}

/// Longest partner name accepted (characters).
pub const NAME_MAX: usize = 200;
/// Most partners in one list.
pub const MAX_PARTNERS: usize = 100;

/// The problems of one entry (`what` names it: `ligne 3`, `partenaire n° 2`), given the
/// entries `before` it: blank or too long name, SIREN or RNA already listed.
fn entry_errors(p: &Partner, before: &[Partner], what: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if p.name.trim().is_empty() {
        errors.push(format!("{what} : le nom du partenaire est obligatoire"));
    } else if p.name.chars().count() > NAME_MAX {
        errors.push(format!("{what} : le nom dépasse {NAME_MAX} caractères"));
    }
    if let Some(s) = &p.siren {
        if before.iter().any(|q| q.siren.as_ref() == Some(s)) {
            errors.push(format!("{what} : le SIREN {s} figure déjà plus haut"));
        }
    }
    if let Some(r) = &p.rna {
        if before.iter().any(|q| q.rna.as_ref() == Some(r)) {
            errors.push(format!("{what} : le RNA {r} figure déjà plus haut"));
        }
    }
    errors
}

/// The problems of the whole list: too many entries, more than one lead.
fn list_errors(partners: &[Partner]) -> Vec<String> {
    let mut errors = Vec::new();
    if partners.len() > MAX_PARTNERS {
        errors.push(format!("la liste compte {} partenaires ; {MAX_PARTNERS} au plus", partners.len()));
    }
    if partners.iter().filter(|p| p.role == PartnerRole::Lead).count() > 1 {
        errors.push("un seul chef de file par candidature".to_owned());
    }
    errors
}

/// Validates a list: every name non-blank and at most [`NAME_MAX`] characters (names are
/// expected trimmed), no SIREN nor RNA twice, at most [`MAX_PARTNERS`] entries, at most one lead.
/// Errors: every problem found, in French, naming the entry (`partenaire n° 2 : …`, from 1).
pub fn validate(partners: &[Partner]) -> Result<(), Vec<String>> {
    let mut errors: Vec<String> = partners
        .iter()
        .enumerate()
        .flat_map(|(i, p)| entry_errors(p, &partners[..i], &format!("partenaire n° {}", i + 1)))
        .collect();
    errors.extend(list_errors(partners));
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Parses the text form of a list, one partner per line, `Nom ; SIREN ; rôle ; RNA`:
/// the SIREN may be blank (`Université de Gand ; ; partenaire`), the role may be left out
/// (partner), the RNA too. Blank lines are skipped. Then [`validate`]s it.
///
/// Errors: every problem found, in French, naming the line (`ligne 3 : le SIREN …`).
pub fn parse_lines(text: &str) -> Result<Vec<Partner>, Vec<String>> {
    let mut partners = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let line = i + 1;
        let fields: Vec<&str> = raw.split(';').map(str::trim).collect();
        if fields.len() > 4 {
            errors.push(format!(
                "ligne {line} : quatre champs au plus (Nom ; SIREN ; rôle ; RNA), {} trouvés",
                fields.len()
            ));
            continue;
        }
        let rna = match fields.get(3).copied().unwrap_or("") {
            "" => None,
            r => match Rna::parse(r) {
                Ok(r) => Some(r),
                Err(e) => {
                    errors.push(format!("ligne {line} : {e}"));
                    continue;
                }
            },
        };
        let siren = match fields.get(1).copied().unwrap_or("") {
            "" => None,
            s => match Siren::parse(s) {
                Ok(s) => Some(s),
                Err(e) => {
                    errors.push(format!("ligne {line} : {e}"));
                    continue;
                }
            },
        };
        let role_text = fields.get(2).copied().unwrap_or("");
        let Some(role) = PartnerRole::read(role_text) else {
            errors.push(format!(
                "ligne {line} : rôle « {} » inconnu (chef de file ou partenaire)",
                role_text.chars().take(40).collect::<String>()
            ));
            continue;
        };
        let partner = Partner {
            name: fields[0].to_owned(),
            siren,
            role,
            rna,
        };
        errors.extend(entry_errors(&partner, &partners, &format!("ligne {line}")));
        partners.push(partner);
    }
    errors.extend(list_errors(&partners));
    if errors.is_empty() {
        Ok(partners)
    } else {
        Err(errors)
    }
}

/// The text form read by [`parse_lines`]: `Nom ; 180020026 ; chef de file`, and
/// ` ; W751234567` after it when the partner has an RNA number.
pub fn to_lines(partners: &[Partner]) -> String {
    partners
        .iter()
        .map(|p| {
            let line = format!(
                "{} ; {} ; {}",
                p.name,
                p.siren.as_ref().map(Siren::as_str).unwrap_or(""),
                p.role.label().to_lowercase()
            );
            match &p.rna {
                Some(r) => format!("{line} ; {r}"),
                None => line,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_with_optional_siren_and_role() {
        let text = "Caisse des Dépôts ; 180 020 026 ; Chef de file\n\n  Université de Gand ; ; partenaire \nDINUM;130025265\nAssociation Bio ; ; ; w75 1234 567";
        let p = parse_lines(text).unwrap();
        assert_eq!(p.len(), 4);
        assert_eq!(p[3].rna.as_ref().map(Rna::as_str), Some("W751234567"));
        assert_eq!(p[0].rna, None);
        assert_eq!(
            (p[0].name.as_str(), p[0].siren.as_ref().map(Siren::as_str), p[0].role),
            ("Caisse des Dépôts", Some("180020026"), PartnerRole::Lead)
        );
        assert_eq!((p[1].siren.clone(), p[1].role), (None, PartnerRole::Partner));
        assert_eq!(p[2].role, PartnerRole::Partner);
        assert_eq!(parse_lines(&to_lines(&p)).unwrap(), p, "the text form round-trips");
        assert_eq!(parse_lines("  \n"), Ok(vec![]));
    }

    #[test]
    fn errors_name_their_line() {
        let text = "A ; 180020027\nB ; ; président\n ; 130025265\nC;1;2;3;4\nD;;;W12";
        let e = parse_lines(text).unwrap_err();
        assert_eq!(
            e,
            vec![
                "ligne 1 : le SIREN « 180020027 » est invalide : sa clé de contrôle (formule de Luhn) ne correspond pas",
                "ligne 2 : rôle « président » inconnu (chef de file ou partenaire)",
                "ligne 3 : le nom du partenaire est obligatoire",
                "ligne 4 : quatre champs au plus (Nom ; SIREN ; rôle ; RNA), 5 trouvés",
                &format!("ligne 5 : {}", Rna::parse("W12").unwrap_err()),
            ]
        );
        let two_leads = parse_lines("A;;chef de file\nB;;chef-de-file").unwrap_err();
        assert_eq!(two_leads, vec!["un seul chef de file par candidature"]);
        let twice = parse_lines("A;180020026\nB;180 020 026").unwrap_err();
        assert_eq!(twice, vec!["ligne 2 : le SIREN 180 020 026 figure déjà plus haut"]);
        let twice = parse_lines("A;;;W751234567\nB;;;W751234567").unwrap_err();
        assert_eq!(twice, vec!["ligne 2 : le RNA W751234567 figure déjà plus haut"]);
        let blank = Partner {
            name: " ".into(),
            siren: None,
            role: PartnerRole::Partner,
            rna: None,
        };
        assert_eq!(
            validate(&[blank]),
            Err(vec!["partenaire n° 1 : le nom du partenaire est obligatoire".to_owned()])
        );
    }
}
