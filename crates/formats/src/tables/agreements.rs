//! The agreements (*conventions*) table: the State's subsidies as signed and amended.

use super::{required, siren, Table};
use crate::french_csv::Cell;
use serde::Serialize;
use territoires_domain::Money;
use time::Date;

/// One agreement, as published: its current terms, never who recorded it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementRow {
    /// Reference, unique.
    pub reference: String,
    /// Project slug.
    pub project: String,
    /// Title.
    pub title: String,
    /// Beneficiary (an organisation).
    pub beneficiary: String,
    /// The beneficiary's SIREN (9 digits), when known.
    pub beneficiary_siren: Option<String>,
    /// The State's subsidy, current version (integer cents).
    pub amount: Money,
    /// Eligible cost, current version (integer cents).
    pub eligible_cost: Money,
    /// Signature date (ISO 8601).
    pub signed_on: Date,
    /// The State's share of the eligible cost, in basis points (6000 = 60 %); `None` when
    /// the eligible cost is zero.
    pub state_share_bp: Option<i64>,
    /// Number of tranches of the current schedule.
    pub tranches: usize,
    /// Whether it was amended (current version above 1).
    pub amended: bool,
    /// `active`, `closed` or `cancelled`.
    pub status: String,
}

impl AgreementRow {
    /// `amount / eligible_cost` in basis points, rounded half up; `None` for a zero cost.
    pub fn share_bp(amount: Money, eligible_cost: Money) -> Option<i64> {
        let (a, c) = (i128::from(amount.cents()), i128::from(eligible_cost.cents()));
        (c > 0).then(|| i64::try_from((a * 20_000 + c) / (2 * c)).unwrap_or(i64::MAX))
    }
}

/// Basis points as a French percentage cell with two decimals: 6000 → `60,00`.
fn percent_cell(bp: Option<i64>) -> Cell {
    bp.map_or(Cell::Empty, |bp| Cell::Text(format!("{},{:02}", bp / 100, bp % 100)))
}

impl Table for AgreementRow {
    const HEADER: &'static [&'static str] = &[
        "référence",
        "projet",
        "intitulé",
        "bénéficiaire",
        "SIREN du bénéficiaire",
        "montant de la subvention (€)",
        "coût éligible (€)",
        "date de signature",
        "part de l'État (%)",
        "nombre de tranches",
        "modifiée par avenant",
        "statut",
    ];

    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::text(&*self.reference),
            Cell::text(&*self.project),
            Cell::text(&*self.title),
            Cell::text(&*self.beneficiary),
            self.beneficiary_siren.as_deref().map_or(Cell::Empty, Cell::from),
            Cell::Money(self.amount),
            Cell::Money(self.eligible_cost),
            Cell::Date(self.signed_on),
            percent_cell(self.state_share_bp),
            Cell::Integer(i64::try_from(self.tranches).unwrap_or(i64::MAX)),
            Cell::from(if self.amended { "oui" } else { "non" }),
            Cell::text(&*self.status),
        ]
    }

    fn name(&self) -> String {
        format!("convention « {} »", self.reference)
    }

    fn check(&self) -> Result<(), (&'static str, String)> {
        required("référence", &self.reference)?;
        required("bénéficiaire", &self.beneficiary)?;
        siren("SIREN du bénéficiaire", self.beneficiary_siren.as_deref())?;
        if self.amount.cents() < 0 {
            return Err(("montant de la subvention (€)", "négatif".to_owned()));
        }
        Ok(())
    }
}
