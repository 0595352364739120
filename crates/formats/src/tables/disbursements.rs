//! The disbursements (*versements*) table: the payments made on the agreements (only paid
//! ones are given to it; see the web `exports` module).

use super::{required, siren, Table};
use crate::french_csv::Cell;
use serde::Serialize;
use territoires_domain::Money;
use time::Date;

/// One paid disbursement, as published: never who asked, checked or paid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisbursementRow {
    /// Identifier.
    pub id: i64,
    /// The agreement's reference.
    pub agreement: String,
    /// Project slug.
    pub project: String,
    /// Beneficiary (the payee).
    pub beneficiary: String,
    /// The beneficiary's SIREN, when known.
    pub beneficiary_siren: Option<String>,
    /// The tranche's label.
    pub tranche: String,
    /// Amount paid (integer cents).
    pub amount: Money,
    /// Value date of the payment (ISO 8601).
    pub paid_on: Date,
}

impl Table for DisbursementRow {
    const HEADER: &'static [&'static str] = &[
        "identifiant",
        "convention",
        "projet",
        "bénéficiaire",
        "SIREN du bénéficiaire",
        "tranche",
        "montant versé (€)",
        "date de paiement",
    ];

    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::Integer(self.id),
            Cell::text(&*self.agreement),
            Cell::text(&*self.project),
            Cell::text(&*self.beneficiary),
            self.beneficiary_siren.as_deref().map_or(Cell::Empty, Cell::from),
            Cell::text(&*self.tranche),
            Cell::Money(self.amount),
            Cell::Date(self.paid_on),
        ]
    }

    fn name(&self) -> String {
        format!("versement n° {}", self.id)
    }

    fn check(&self) -> Result<(), (&'static str, String)> {
        required("convention", &self.agreement)?;
        siren("SIREN du bénéficiaire", self.beneficiary_siren.as_deref())?;
        if self.amount.cents() <= 0 {
            return Err((
                "montant versé (€)",
                format!("{} centimes : un versement est positif", self.amount.cents()),
            ));
        }
        Ok(())
    }
}
