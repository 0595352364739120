//! The partner list of an application (issue 3's *liste des partenaires*) from a
//! spreadsheet saved as CSV by a French user, read with [`crate::french_sheet`] (UTF-8 or
//! Windows-1252, `;` or `,`, headers matched without accents or case).
//!
//! # The columns
//!
//! | column | also accepted | required | content |
//! |---|---|---|---|
//! | `nom` | `raison sociale`, `dénomination`, `organisation`, `partenaire` | yes | the organisation's name |
//! | `SIREN` | `SIRET`, `SIREN/SIRET`, `SIREN ou SIRET` | no | 9 digits, or a SIRET of 14 (its SIREN is kept); check digits verified |
//! | `RNA` | `numéro RNA` | no | an association's RNA number, `W` and 9 digits |
//! | `rôle` | `fonction` | no | `chef de file` or `partenaire` (blank: partenaire) |
//!
//! Names are stored cleaned (Unicode NFC, typographic apostrophes, single spaces) and
//! compared apostrophes, Unicode forms and case aside: `L'Haÿ-les-Roses` twice is a
//! duplicate even when one is typed `L’Haÿ-les-Roses` (see [`crate::french_sheet::names`]).
//!
//! # Errors
//!
//! Every error names its line and column (« ligne 4, colonne B (SIREN) : … »); a duplicate
//! (name, SIREN, RNA) or a second *chef de file* names the earlier line. No partner is
//! returned when there is any error. The list is finally checked by
//! [`territoires_domain::partners::validate`], as any list is.

use crate::french_sheet::names::{clean_name, name_key};
use crate::french_sheet::{CellError, Column, Encoding, Row, Sheet, SheetErrors};
use std::collections::HashMap;
use territoires_domain::org_id::Rna;
use territoires_domain::partners::{validate, Partner, PartnerRole, MAX_PARTNERS, NAME_MAX};
use territoires_domain::siren::{compact, Siren, Siret};

/// A partner list read, each partner with its file line.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerFile {
    /// The encoding the bytes were read in.
    pub encoding: Encoding,
    /// (file line, partner), in file order.
    pub partners: Vec<(usize, Partner)>,
}

const COLUMNS: [Column; 4] = [
    Column {
        name: "nom",
        aliases: &["raison sociale", "dénomination", "organisation", "partenaire"],
        required: true,
    },
    Column {
        name: "SIREN",
        aliases: &["siret", "siren/siret", "siren ou siret"],
        required: false,
    },
    Column {
        name: "RNA",
        aliases: &["numéro RNA"],
        required: false,
    },
    Column {
        name: "rôle",
        aliases: &["fonction"],
        required: false,
    },
];
const NAME: usize = 0;
const SIREN: usize = 1;
const RNA: usize = 2;
const ROLE: usize = 3;

/// Parses a partner list (bytes as read from disk). Returns every partner, or every error.
pub fn parse(bytes: &[u8]) -> Result<PartnerFile, SheetErrors> {
    let sheet = Sheet::open(bytes, &COLUMNS)?;
    let mut errors = Vec::new();
    let mut partners: Vec<(usize, Partner)> = Vec::new();
    // The first line of each name key, SIREN, RNA and lead, for the duplicates' messages.
    let mut names: HashMap<String, usize> = HashMap::new();
    let mut sirens: HashMap<Siren, usize> = HashMap::new();
    let mut rnas: HashMap<Rna, usize> = HashMap::new();
    let mut lead: Option<usize> = None;
    for row in sheet.rows() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let before = errors.len();
        let name = clean_name(row.cell(NAME));
        if name.is_empty() {
            errors.push(row.error(NAME, "le nom du partenaire est obligatoire"));
        } else if name.chars().count() > NAME_MAX {
            errors.push(row.error(NAME, format!("le nom dépasse {NAME_MAX} caractères")));
        } else if let Some(first) = names.insert(name_key(&name), row.line) {
            errors.push(row.error(NAME, format!("« {name} » figure déjà ligne {first}")));
        }
        let siren = row.parse_optional(SIREN, siren_of).unwrap_or_else(|e| {
            errors.push(e);
            None
        });
        if let Some(s) = &siren {
            if let Some(first) = sirens.insert(s.clone(), row.line) {
                errors.push(row.error(SIREN, format!("le SIREN {s} figure déjà ligne {first}")));
            }
        }
        let rna = row.parse_optional(RNA, Rna::parse).unwrap_or_else(|e| {
            errors.push(e);
            None
        });
        if let Some(r) = &rna {
            if let Some(first) = rnas.insert(r.clone(), row.line) {
                errors.push(row.error(RNA, format!("le RNA {r} figure déjà ligne {first}")));
            }
        }
        let role = role_of(&row, &mut errors);
        if role == Some(PartnerRole::Lead) {
            match lead {
                Some(first) => errors.push(row.error(ROLE, format!("un seul chef de file par candidature (déjà ligne {first})"))),
                None => lead = Some(row.line),
            }
        }
        if let (Some(role), true) = (role, errors.len() == before) {
            partners.push((row.line, Partner { name, siren, role, rna }));
        }
    }
    if partners.len() > MAX_PARTNERS {
        errors.push(CellError::line(
            1,
            format!("le fichier compte {} partenaires ; {MAX_PARTNERS} au plus", partners.len()),
        ));
    }
    if errors.is_empty() {
        // The domain's own rules, as for a list typed on the page; what it refuses the
        // checks above already name by line, so this only guards against a rule added there.
        let list: Vec<Partner> = partners.iter().map(|(_, p)| p.clone()).collect();
        if let Err(refused) = validate(&list) {
            errors.extend(refused.into_iter().map(|m| CellError::line(1, m)));
        }
    }
    if errors.is_empty() {
        Ok(PartnerFile {
            encoding: sheet.encoding,
            partners,
        })
    } else {
        Err(SheetErrors::sorted(errors))
    }
}

/// A SIREN, or the SIREN of a SIRET. A number a spreadsheet turned into scientific
/// notation (`1,8002E+13`) gets a message saying how to avoid it.
fn siren_of(raw: &str) -> Result<Siren, String> {
    if raw.contains("E+") || raw.contains("e+") {
        return Err(format!(
            "« {raw} » : le tableur a converti le numéro en nombre (notation scientifique) ; mettez la colonne au format texte et saisissez à nouveau les numéros"
        ));
    }
    if compact(raw).len() == 14 {
        let siret = Siret::parse(raw).map_err(|e| e.to_string())?;
        return Siren::parse(siret.siren_digits()).map_err(|e| e.to_string());
    }
    Siren::parse(raw).map_err(|e| e.to_string())
}

fn role_of(row: &Row<'_>, errors: &mut Vec<CellError>) -> Option<PartnerRole> {
    let role = PartnerRole::read(row.cell(ROLE));
    if role.is_none() {
        errors.push(row.error(
            ROLE,
            format!(
                "rôle « {} » inconnu (chef de file ou partenaire)",
                row.cell(ROLE).chars().take(40).collect::<String>()
            ),
        ));
    }
    role
}

#[cfg(test)]
#[path = "partners_csv_tests.rs"]
mod tests;
