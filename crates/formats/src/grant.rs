//! The neutral input of the open-data subsidy exports (360Giving, SCDL *subventions*): one
//! [`SubsidyGrant`] per subsidy agreement (issue 5's *convention*), filled by the store side
//! from the agreement's current terms ([`SubsidyGrant::from_terms`]) and completed with what
//! the terms do not hold (the beneficiary's SIRET or RNA number, the regions, the project).
//!
//! Amounts are euro cents ([`Money`]), dates [`time::Date`]; the exporters write euros with a
//! decimal point from the cents' digits ([`euros_point`]), never through a float.

use territoires_domain::funding::agreement::Terms;
use territoires_domain::org_id::Rna;
use territoires_domain::siren::{Siren, Siret};
use territoires_domain::vocabulary::Region;
use territoires_domain::Money;
use time::Date;

/// Who receives the subsidy. At least one identifier is needed by SCDL (the SIRET or, for
/// an association, the RNA number); 360Giving falls back to an identifier of our own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Beneficiary {
    /// Official name (*raison sociale*), as in the agreement.
    pub name: String,
    /// SIREN of the legal unit, when known (the agreements record it).
    pub siren: Option<Siren>,
    /// SIRET of the establishment that signed, when known (not in the agreements today).
    pub siret: Option<Siret>,
    /// RNA number, for an association registered in the *Répertoire national des associations*.
    pub rna: Option<Rna>,
}

/// One subsidy agreement as published: the current version's terms (amendments included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubsidyGrant {
    /// The agreement's reference (`TI-2020-BIOVALLEE-01`): the grant's identifier in our
    /// records and SCDL's `referenceDecision`. Not blank.
    pub reference: String,
    /// The agreement's title (its purpose): 360Giving `title`, SCDL `objet` (≤ 256 characters).
    pub title: String,
    /// A longer description (360Giving `description`, required by the standard): typically the
    /// project's name and ambition.
    pub description: String,
    /// The beneficiary.
    pub beneficiary: Beneficiary,
    /// The State's subsidy in cents (strictly positive): the amount of the current version.
    pub amount: Money,
    /// Signature date of the agreement (360Giving `awardDate`, SCDL `dateConvention`).
    pub signed_on: Date,
    /// Due dates of the tranches, in schedule order (at least one).
    pub tranche_dates: Vec<Date>,
    /// The regions where the project acts (INSEE codes), possibly none.
    pub regions: Vec<Region>,
    /// The laureate project's name (360Giving `grantProgramme` is the programme, not this).
    pub project: String,
    /// Whether the aid was notified to the European Commission as a *de minimis* aid
    /// (SCDL `notificationUE`). The agreements do not record it: the caller decides.
    pub eu_notified: bool,
}

impl SubsidyGrant {
    /// A grant from an agreement's current terms ([`Terms`], after amendments): reference,
    /// title, beneficiary name and SIREN, amount, signature date and the tranches' due
    /// dates. The description is `project` (the caller may set a longer one); SIRET, RNA and
    /// regions are empty and `eu_notified` false: the caller sets what it knows.
    pub fn from_terms(terms: &Terms, project: &str) -> SubsidyGrant {
        SubsidyGrant {
            reference: terms.reference.clone(),
            title: terms.title.clone(),
            description: project.to_string(),
            beneficiary: Beneficiary {
                name: terms.beneficiary.clone(),
                siren: terms.beneficiary_siren.clone(),
                siret: None,
                rna: None,
            },
            amount: terms.amount,
            signed_on: terms.signed_on,
            tranche_dates: terms.tranches.iter().map(|t| t.due_on).collect(),
            regions: Vec::new(),
            project: project.to_string(),
            eu_notified: false,
        }
    }

    /// The rules every export needs: reference, title, description and beneficiary name not
    /// blank, amount strictly positive, at least one tranche. Errors name the field.
    pub fn check(&self) -> Result<(), ExportError> {
        let r = if self.reference.trim().is_empty() {
            "(sans référence)"
        } else {
            self.reference.as_str()
        };
        let blank = [
            ("reference", &self.reference),
            ("title", &self.title),
            ("description", &self.description),
            ("beneficiary.name", &self.beneficiary.name),
        ];
        if let Some((field, _)) = blank.iter().find(|(_, v)| v.trim().is_empty()) {
            return Err(ExportError::invalid(r, field, "valeur vide"));
        }
        if self.amount.cents() <= 0 {
            return Err(ExportError::invalid(r, "amount", "le montant doit être strictement positif"));
        }
        if self.tranche_dates.is_empty() {
            return Err(ExportError::invalid(
                r,
                "tranches",
                "aucune tranche : la période de versement est inconnue",
            ));
        }
        Ok(())
    }

    /// The first and last tranche due dates (equal for a single tranche); `None` without tranches.
    pub fn payment_period(&self) -> Option<(Date, Date)> {
        let first = self.tranche_dates.iter().min()?;
        let last = self.tranche_dates.iter().max()?;
        Some((*first, *last))
    }
}

/// Why a grant could not be exported; the message is French and names the agreement and the
/// field (or schema path) at fault. Nothing of that grant has been written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The record breaks the format's rules.
    #[error("convention « {reference} », champ « {field} » : {message}")]
    Invalid {
        /// The agreement's reference.
        reference: String,
        /// The field, column or schema path at fault.
        field: String,
        /// What is wrong, in French.
        message: String,
    },
    /// Writing to the output failed.
    #[error("écriture de l'export impossible : {0}")]
    Io(#[from] std::io::Error),
}

impl ExportError {
    /// An [`ExportError::Invalid`].
    pub fn invalid(reference: &str, field: &str, message: impl Into<String>) -> ExportError {
        ExportError::Invalid {
            reference: reference.to_string(),
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// Euros with a decimal point and always two decimals, from the cents' digits (no float):
/// `Money(1)` → `0.01`, `Money(57_000_000_000)` → `570000000.00`, `Money(-150)` → `-1.50`.
/// The form of a JSON number and of a Table Schema `number`.
pub fn euros_point(m: Money) -> String {
    let cents = m.cents();
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// `YYYY-MM-DD`.
pub fn iso_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_point_writes_the_cents_digits() {
        assert_eq!(euros_point(Money(0)), "0.00");
        assert_eq!(euros_point(Money(1)), "0.01");
        assert_eq!(euros_point(Money(10)), "0.10");
        assert_eq!(euros_point(Money(-150)), "-1.50");
        // 570 000 000 cents = 5 700 000 €.
        assert_eq!(euros_point(Money(570_000_000)), "5700000.00");
        assert_eq!(euros_point(Money(i64::MIN)), "-92233720368547758.08");
    }
}
