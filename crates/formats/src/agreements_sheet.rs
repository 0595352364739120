//! Agreements (*conventions*) from a French spreadsheet saved as CSV, for an operator
//! migrating its agreements to the platform (`territoires import agreements FILE`).
//!
//! One agreement per line. Columns (header names matched without regard to accents, case
//! or spacing; order free; `*` = required):
//!
//! | column | content |
//! |---|---|
//! | `référence` * | the agreement's reference, unique (`TI-2020-BIOVALLEE-01`) |
//! | `projet` * | the laureate project: its slug (`biovallee`) or its name as on the fiche (apostrophes and Unicode forms aside) |
//! | `objet` * (or `intitulé`) | the agreement's title |
//! | `bénéficiaire` * | the beneficiary's name |
//! | `SIREN` (or `SIRET`) | 9 or 14 digits, check digit verified; a SIRET is kept (SCDL publishes it) and gives its SIREN |
//! | `RNA` | an association's number, `W` and 9 digits (SCDL publishes it when there is no SIRET) |
//! | `montant` * | the State's subsidy, `1 234 567,89 €` |
//! | `date de signature` * | `15/06/2020`, `2020-06-15`, `15 juin 2020` |
//! | `assiette éligible` | the eligible cost; blank: the amount (the State pays it all) |
//! | `part de l'État` | `60 %`: checked against montant ÷ assiette, at the precision typed |
//! | `autres financeurs` | `Région Grand Est (collectivité) : 200 000 € / Ademe (autre public) : 100 000 €`; kinds: collectivité, UE, privé, autofinancement, autre public |
//! | `tranches` | `3 tranches égales`, or amounts `400 000 € / 600 000 €`, or percentages `30 % / 70 %`; blank: one tranche |
//!
//! Tranches fall due on the signature date, then every 12 months; they are labelled
//! `Tranche 1/3`…, a single one `Versement unique`. Equal tranches split the amount to
//! the cent, earlier tranches taking the extra cents
//! ([`territoires_domain::funding::agreement::equal_tranches`]).
//!
//! Every line is read, and every error of the file reported (line, column, value); the
//! rules that need the database (unique reference, ceilings) are checked by the store,
//! whose refusal [`column_of`] places back on its column.

use crate::french_sheet::numbers::{parse_money, parse_percent, Decimal};
use crate::french_sheet::{dates, names, CellError, Column, Locator, Row, Sheet, SheetErrors};
use territoires_domain::funding::agreement::{equal_tranches, Cofinancer, FinancerKind, Share, TermsDraft, TrancheDraft};
use territoires_domain::org_id::Rna;
use territoires_domain::siren::{Siren, Siret};
use territoires_domain::{Money, Project};
use time::Date;

const REFERENCE: usize = 0;
const PROJECT: usize = 1;
const TITLE: usize = 2;
const BENEFICIARY: usize = 3;
const SIREN: usize = 4;
const AMOUNT: usize = 5;
const SIGNED_ON: usize = 6;
const ELIGIBLE: usize = 7;
const SHARE: usize = 8;
const COFINANCERS: usize = 9;
const TRANCHES: usize = 10;
const RNA: usize = 11;

const fn col(name: &'static str, aliases: &'static [&'static str], required: bool) -> Column {
    Column { name, aliases, required }
}

/// The columns, in the order of the module documentation.
pub const COLUMNS: [Column; 12] = [
    col("référence", &["reference de la convention", "n° de convention", "convention"], true),
    col("projet", &["projet laureat", "lauréat"], true),
    col("objet", &["intitulé", "titre"], true),
    col("bénéficiaire", &["nom du bénéficiaire"], true),
    col("SIREN", &["SIRET", "SIREN ou SIRET"], false),
    col("montant", &["montant de la subvention", "montant État"], true),
    col("date de signature", &["signature", "signée le"], true),
    col("assiette éligible", &["assiette", "coût éligible"], false),
    col("part de l'État", &["part État", "taux"], false),
    col("autres financeurs", &["cofinanceurs", "cofinancements"], false),
    col("tranches", &["échéancier"], false),
    col("RNA", &["numéro RNA", "n° RNA"], false),
];

/// One line read: the project's slug and planned budget, and the terms as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementRow {
    /// Line of the file (header = 1).
    pub line: usize,
    /// The project's slug.
    pub project_slug: String,
    /// The fiche's planned budget (cents), when it gives one.
    pub planned_budget: Option<Money>,
    /// The terms.
    pub draft: TermsDraft,
}

/// A file read: its rows, and where its columns are (to place the store's refusals).
#[derive(Debug)]
pub struct AgreementsFile {
    /// The rows, in file order.
    pub rows: Vec<AgreementRow>,
    /// Where each column is.
    pub locator: Locator,
}

impl AgreementsFile {
    /// A refusal of the checks made after parsing (the store's), placed on the file: `row`
    /// is an index into [`rows`](Self::rows) (`None`: the file as a whole), `field` the
    /// field at fault (see [`column_of`]).
    pub fn locate(&self, row: Option<usize>, field: Option<&str>, message: impl Into<String>) -> CellError {
        match row.and_then(|r| self.rows.get(r)) {
            Some(r) => match field.and_then(column_of) {
                Some(c) => self.locator.error(r.line, c, message),
                None => CellError::line(r.line, message),
            },
            None => CellError::line(1, message),
        }
    }
}

/// Reads `bytes` (UTF-8 with or without BOM, or Windows-1252; `;` or `,`) against the
/// stored `projects`. Errors: every faulty line and cell, nothing returned.
pub fn parse(bytes: &[u8], projects: &[Project]) -> Result<AgreementsFile, SheetErrors> {
    let sheet = Sheet::open(bytes, &COLUMNS)?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for row in sheet.rows() {
        match row.map_err(|e| vec![e]).and_then(|r| read(&r, projects)) {
            Ok(r) => rows.push(r),
            Err(e) => errors.extend(e),
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(CellError::line(2, "le fichier ne contient aucune convention"));
    }
    if errors.is_empty() {
        Ok(AgreementsFile {
            rows,
            locator: sheet.locator(),
        })
    } else {
        Err(SheetErrors::sorted(errors))
    }
}

/// The column of an agreement rule's field (`amount_cents`, `tranches[1].due_on`…, as
/// named by [`territoires_domain::funding::agreement::AgreementError`] and the store).
pub fn column_of(field: &str) -> Option<usize> {
    let head = field.split(['[', '.']).next().unwrap_or(field);
    Some(match head {
        "reference" => REFERENCE,
        "title" => TITLE,
        "beneficiary" => BENEFICIARY,
        "beneficiary_siren" | "beneficiary_siret" => SIREN,
        "beneficiary_rna" => RNA,
        "amount_cents" => AMOUNT,
        "signed_on" => SIGNED_ON,
        "eligible_cost_cents" => ELIGIBLE,
        "cofinancers" => COFINANCERS,
        "tranches" | "equal_tranches" => TRANCHES,
        _ => return None,
    })
}

fn required(row: &Row, c: usize) -> Result<String, CellError> {
    row.text(c).ok_or_else(|| row.error(c, "valeur obligatoire"))
}

/// `r`'s value, its error pushed to `errors`.
fn keep<T>(errors: &mut Vec<CellError>, r: Result<T, CellError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

fn read(row: &Row, projects: &[Project]) -> Result<AgreementRow, Vec<CellError>> {
    let mut errors = Vec::new();
    let reference = keep(&mut errors, required(row, REFERENCE));
    let project = keep(&mut errors, project(row, projects));
    let title = keep(&mut errors, required(row, TITLE));
    let beneficiary = keep(&mut errors, required(row, BENEFICIARY).map(|b| names::clean_name(&b)));
    let siren = keep(&mut errors, row.parse_optional(SIREN, siren));
    let rna = keep(&mut errors, row.parse_optional(RNA, rna));
    let amount = keep(&mut errors, row.parse(AMOUNT, parse_money));
    let signed_on = keep(&mut errors, row.parse(SIGNED_ON, dates::parse_date));
    let eligible = keep(&mut errors, row.parse_optional(ELIGIBLE, parse_money));
    let share = keep(&mut errors, row.parse_optional(SHARE, parse_percent));
    let cofinancers = keep(&mut errors, row.parse(COFINANCERS, cofinancers));
    let (Some(reference), Some(project), Some(title), Some(beneficiary), Some(siren), Some(amount), Some(signed_on)) =
        (reference, project, title, beneficiary, siren, amount, signed_on)
    else {
        return Err(errors);
    };
    let (Some(eligible), Some(share), Some(cofinancers), Some(rna)) = (eligible, share, cofinancers, rna) else {
        return Err(errors);
    };
    let eligible = eligible.unwrap_or(amount);
    if let Some(share) = share {
        keep(&mut errors, check_share(row, share, amount, eligible));
    }
    let tranches = keep(&mut errors, row.parse(TRANCHES, |raw| tranches(raw, amount, signed_on)));
    match tranches {
        Some(tranches) if errors.is_empty() => Ok(AgreementRow {
            line: row.line,
            project_slug: project.slug.clone(),
            planned_budget: project.planned_budget,
            draft: TermsDraft {
                reference,
                title,
                beneficiary,
                beneficiary_siren: siren.as_ref().map(|(siren, _)| siren.clone()),
                beneficiary_siret: siren.and_then(|(_, siret)| siret),
                beneficiary_rna: rna,
                signed_on,
                amount,
                eligible_cost: eligible,
                cofinancers,
                tranches,
            },
        }),
        _ => Err(errors),
    }
}

fn project<'p>(row: &Row, projects: &'p [Project]) -> Result<&'p Project, CellError> {
    let raw = required(row, PROJECT)?;
    projects
        .iter()
        .find(|p| p.slug == raw.to_lowercase() || names::matches_name(&p.name, &raw))
        .ok_or_else(|| row.error(PROJECT, format!("« {raw} » : aucun projet lauréat n'a ce nom ni cet identifiant")))
}

/// A SIREN, or the SIREN of a SIRET (both checked).
/// A SIREN, or a SIRET and its SIREN: `(siren, Some(siret))`.
fn siren(raw: &str) -> Result<(String, Option<String>), String> {
    let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 14 {
        let siret = Siret::parse(&digits).map_err(|e| e.to_string())?;
        return Ok((siret.siren_digits().to_owned(), Some(siret.as_str().to_owned())));
    }
    Siren::parse(&digits)
        .map(|s| (s.as_str().to_owned(), None))
        .map_err(|e| e.to_string())
}

/// An RNA number, `W` and 9 digits.
fn rna(raw: &str) -> Result<String, String> {
    Rna::parse(raw).map(|r| r.as_str().to_owned()).map_err(|e| e.to_string())
}

/// The typed share must be montant ÷ assiette rounded (half up) to the decimals typed:
/// `60 %` for 600 000 / 1 000 000, `33,33 %` for 1 / 3.
fn check_share(row: &Row, share: Decimal, amount: Money, eligible: Money) -> Result<(), CellError> {
    let scale = 10i128.pow(share.scale.min(6));
    let num = i128::from(amount.0) * 100 * scale;
    let den = i128::from(eligible.0.max(1));
    let computed = (2 * num + den) / (2 * den);
    if computed == i128::from(share.mantissa) {
        return Ok(());
    }
    let shown = territoires_domain::money::percent(amount, eligible).unwrap_or_default();
    Err(row.error(
        SHARE,
        format!("la part de l'État ne correspond pas au montant ({amount}) sur l'assiette éligible ({eligible}), soit {shown}"),
    ))
}

/// `Région Grand Est (collectivité) : 200 000 € / Ademe (autre public) : 100 000 €`.
fn cofinancers(raw: &str) -> Result<Vec<Cofinancer>, String> {
    let mut out = Vec::new();
    for item in raw.split('/').map(str::trim).filter(|s| !s.is_empty()) {
        let (who, amount) = item
            .rsplit_once(':')
            .ok_or_else(|| format!("« {item} » : « Nom (type) : montant » attendu"))?;
        let who = who.trim();
        let (name, kind) = who
            .strip_suffix(')')
            .and_then(|w| w.rsplit_once('('))
            .ok_or_else(|| format!("« {who} » : le type du financeur est attendu entre parenthèses, par exemple « (collectivité) »"))?;
        let kind = FinancerKind::parse(kind)
            .ok_or_else(|| format!("« {kind} » n'est pas un type de financeur (collectivité, UE, privé, autofinancement, autre public)"))?;
        out.push(Cofinancer {
            financer: names::clean_name(name),
            kind,
            amount: parse_money(amount).map_err(|e| e.to_string())?,
        });
    }
    Ok(out)
}

/// The schedule (module documentation), falling due yearly from `signed_on`.
fn tranches(raw: &str, amount: Money, signed_on: Date) -> Result<Vec<TrancheDraft>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(vec![TrancheDraft {
            label: "Versement unique".into(),
            due_on: signed_on,
            share: Share::Amount(amount),
            conditions: vec![],
        }]);
    }
    let folded = territoires_domain::text::fold(raw);
    let count = folded
        .strip_suffix("tranches egales")
        .or_else(|| folded.strip_suffix("tranche egale"))
        .unwrap_or(&folded)
        .trim();
    if let Ok(n) = count.parse::<usize>() {
        return equal_tranches(amount, n, signed_on, 12).map_err(|e| e.message);
    }
    let parts: Vec<&str> = raw.split('/').map(str::trim).collect();
    let n = parts.len();
    let mut out = Vec::with_capacity(n);
    for (i, part) in parts.iter().enumerate() {
        let share = if part.ends_with('%') {
            let p = parse_percent(part).map_err(|e| e.to_string())?;
            let bp = p.basis_points().filter(|bp| (0..=10_000).contains(bp));
            Share::Percent(
                bp.and_then(|bp| u32::try_from(bp).ok())
                    .ok_or_else(|| format!("« {part} » : un pourcentage de 0 à 100 avec au plus deux décimales est attendu"))?,
            )
        } else {
            Share::Amount(parse_money(part).map_err(|e| e.to_string())?)
        };
        let due_on = signed_on
            .replace_year(signed_on.year() + i32::try_from(i).unwrap_or(0))
            .or_else(|_| {
                signed_on
                    .replace_day(28)
                    .and_then(|d| d.replace_year(d.year() + i32::try_from(i).unwrap_or(0)))
            })
            .map_err(|_| format!("« {part} » : échéance hors calendrier"))?;
        out.push(TrancheDraft {
            label: format!("Tranche {}/{n}", i + 1),
            due_on,
            share,
            conditions: vec![],
        });
    }
    Ok(out)
}

#[cfg(test)]
#[path = "agreements_sheet_tests.rs"]
mod tests;
