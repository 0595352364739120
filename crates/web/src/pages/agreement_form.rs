//! The agreement form's fields (`/conventions/nouvelle`, `/conventions/{id}/avenant`),
//! kept as typed so that a refused form comes back with what was typed, and read into
//! [`TermsDraft`] here. Usable without JavaScript: the co-financers and the tranches are
//! one per line in a text area.
//!
//! - co-financers: `Financeur ; type ; montant`, e.g. `Région Grand Est ; collectivité ;
//!   1 500 000,00` (types: collectivité, UE, privé, autofinancement, autre public);
//! - tranches: `Libellé ; échéance AAAA-MM-JJ ; montant ou pourcentage ; conditions`, the
//!   share either an amount in euros (`30 000,00`) or a percentage (`30 %`), the
//!   conditions separated by `|`, each `jalon: …`, `rapport: …` or
//!   `indicateur CODE: …`;
//! - or « N tranches égales » from a first due date, every M months (the earlier tranches
//!   take the extra cents).

use serde::Deserialize;
use territoires_domain::form::parse_amount;
use territoires_domain::funding::agreement::{
    equal_tranches, parse_percent, Cofinancer, Condition, ConditionKind, FinancerKind, Share, Terms, TermsDraft, TrancheDraft,
};
use territoires_domain::Money;
use time::Date;

/// The form's fields, as typed (every one optional: a missing field is empty).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TermsForm {
    /// Anti-CSRF token.
    pub csrf: String,
    /// The project's slug (new agreements only).
    pub projet: String,
    /// Reference.
    pub reference: String,
    /// Title.
    pub intitule: String,
    /// Beneficiary.
    pub beneficiaire: String,
    /// SIREN, optional.
    pub siren: String,
    /// SIRET of the signing establishment, optional.
    pub siret: String,
    /// RNA number, optional.
    pub rna: String,
    /// Signature date, `AAAA-MM-JJ`.
    pub signature: String,
    /// State subsidy, euros.
    pub montant: String,
    /// Eligible cost, euros.
    pub assiette: String,
    /// Co-financers, one per line.
    pub cofinanceurs: String,
    /// Tranches, one per line.
    pub tranches: String,
    /// Number of equal tranches (instead of `tranches`).
    pub egales_nombre: String,
    /// First due date of the equal tranches.
    pub egales_premiere: String,
    /// Months between equal tranches.
    pub egales_intervalle: String,
    /// Amendment date (amendments only).
    pub avenant_date: String,
    /// Amendment reason (amendments only).
    pub motif: String,
}

fn date_of(raw: &str, label: &str) -> Result<Date, String> {
    Date::parse(raw.trim(), time::macros::format_description!("[year]-[month]-[day]")).map_err(|_| {
        format!(
            "{label} : une date AAAA-MM-JJ est attendue (reçu « {} »).",
            crate::format::excerpt(raw.trim(), 40)
        )
    })
}

fn euros(raw: &str, label: &str) -> Result<Money, String> {
    if raw.trim().is_empty() {
        return Err(format!("{label} : ce champ est obligatoire."));
    }
    parse_amount(raw).map_err(|e| format!("{label} : {e}."))
}

/// Euros as the form reads them back: `1500,00` (no grouping, comma, no unit).
fn plain(m: Money) -> String {
    format!("{},{:02}", m.0 / 100, (m.0 % 100).abs())
}

fn condition(raw: &str, at: &str) -> Result<Condition, String> {
    let (head, label) = raw.split_once(':').ok_or_else(|| {
        format!(
            "{at} : une condition s'écrit « jalon: … », « rapport: … » ou « indicateur CODE: … » (reçu « {} »).",
            raw.trim()
        )
    })?;
    let mut words = head.split_whitespace();
    let kind = match words.next().map(str::to_lowercase).as_deref() {
        Some("jalon") => ConditionKind::Milestone,
        Some("rapport") => ConditionKind::Report,
        Some("indicateur") => ConditionKind::Indicator,
        _ => {
            return Err(format!(
                "{at} : type de condition inconnu « {} » (jalon, rapport ou indicateur).",
                head.trim()
            ))
        }
    };
    Ok(Condition {
        kind,
        label: label.trim().to_owned(),
        indicator_code: words.next().map(str::to_owned),
    })
}

impl TermsForm {
    /// The form filled with `terms` (for an amendment), tranches as they were given
    /// (percentages or amounts).
    pub fn from_terms(terms: &Terms) -> TermsForm {
        let cofinanceurs = terms
            .cofinancers
            .iter()
            .map(|c| format!("{} ; {} ; {}", c.financer, c.kind.label(), plain(c.amount)))
            .collect::<Vec<_>>()
            .join("\n");
        let tranches = terms
            .tranches
            .iter()
            .map(|t| {
                let share = match t.percent_bp {
                    Some(bp) if bp % 100 == 0 => format!("{} %", bp / 100),
                    Some(bp) => format!("{},{:02} %", bp / 100, bp % 100),
                    None => plain(t.amount),
                };
                let conditions = t
                    .conditions
                    .iter()
                    .map(|c| match &c.indicator_code {
                        Some(code) => format!("{} {code}: {}", c.kind.label(), c.label),
                        None => format!("{}: {}", c.kind.label(), c.label),
                    })
                    .collect::<Vec<_>>()
                    .join(" | ");
                format!("{} ; {} ; {share} ; {conditions}", t.label, t.due_on)
            })
            .collect::<Vec<_>>()
            .join("\n");
        TermsForm {
            reference: terms.reference.clone(),
            intitule: terms.title.clone(),
            beneficiaire: terms.beneficiary.clone(),
            siren: terms.beneficiary_siren.as_ref().map(|s| s.as_str().to_owned()).unwrap_or_default(),
            siret: terms.beneficiary_siret.as_ref().map(|s| s.as_str().to_owned()).unwrap_or_default(),
            rna: terms.beneficiary_rna.as_ref().map(|s| s.as_str().to_owned()).unwrap_or_default(),
            signature: terms.signed_on.to_string(),
            montant: plain(terms.amount),
            assiette: plain(terms.eligible_cost),
            cofinanceurs,
            tranches,
            ..TermsForm::default()
        }
    }

    /// Reads the fields into a draft. Errors: a French message naming the field (and the
    /// line, for co-financers and tranches).
    pub fn draft(&self) -> Result<TermsDraft, String> {
        let amount = euros(&self.montant, "Montant de la subvention de l'État")?;
        let eligible_cost = euros(&self.assiette, "Assiette éligible")?;
        let signed_on = date_of(&self.signature, "Date de signature")?;
        let mut cofinancers = Vec::new();
        for (n, line) in self.cofinanceurs.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let at = format!("Cofinanceurs, ligne {}", n + 1);
            let parts: Vec<&str> = line.split(';').map(str::trim).collect();
            let [financer, kind, amount] = parts[..] else {
                return Err(format!("{at} : « Financeur ; type ; montant » est attendu."));
            };
            cofinancers.push(Cofinancer {
                financer: financer.to_owned(),
                kind: FinancerKind::parse(kind)
                    .ok_or_else(|| format!("{at} : type « {kind} » inconnu (collectivité, UE, privé, autofinancement ou autre public)."))?,
                amount: euros(amount, &at)?,
            });
        }
        let tranches = if self.egales_nombre.trim().is_empty() {
            let mut out = Vec::new();
            for (n, line) in self.tranches.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
                let at = format!("Tranches, ligne {}", n + 1);
                let parts: Vec<&str> = line.splitn(4, ';').map(str::trim).collect();
                let (label, due, share, conditions) = match parts[..] {
                    [l, d, s] => (l, d, s, ""),
                    [l, d, s, c] => (l, d, s, c),
                    _ => {
                        return Err(format!(
                            "{at} : « Libellé ; échéance ; montant ou pourcentage ; conditions » est attendu."
                        ))
                    }
                };
                let share = if share.ends_with('%') {
                    Share::Percent(parse_percent(share).map_err(|e| format!("{at} : {e}."))?)
                } else {
                    Share::Amount(euros(share, &at)?)
                };
                out.push(TrancheDraft {
                    label: label.to_owned(),
                    due_on: date_of(due, &at)?,
                    share,
                    conditions: conditions
                        .split('|')
                        .filter(|c| !c.trim().is_empty())
                        .map(|c| condition(c, &at))
                        .collect::<Result<_, _>>()?,
                });
            }
            out
        } else {
            if !self.tranches.trim().is_empty() {
                return Err("Tranches : donnez soit les tranches ligne à ligne, soit un nombre de tranches égales, pas les deux.".into());
            }
            let count: usize = self
                .egales_nombre
                .trim()
                .parse()
                .map_err(|_| "Nombre de tranches égales : un nombre entier est attendu.".to_owned())?;
            let first = date_of(&self.egales_premiere, "Première échéance")?;
            let every: u32 = match self.egales_intervalle.trim() {
                "" => 1,
                raw => raw
                    .parse()
                    .map_err(|_| "Intervalle entre les tranches : un nombre entier de mois est attendu.".to_owned())?,
            };
            equal_tranches(amount, count, first, every).map_err(|e| with_form_labels(&e.message))?
        };
        let optional = |v: &String| Some(v.clone()).filter(|s| !s.trim().is_empty());
        let siren = optional(&self.siren);
        Ok(TermsDraft {
            reference: self.reference.clone(),
            title: self.intitule.clone(),
            beneficiary: self.beneficiaire.clone(),
            beneficiary_siren: siren,
            beneficiary_siret: optional(&self.siret),
            beneficiary_rna: optional(&self.rna),
            signed_on,
            amount,
            eligible_cost,
            cofinancers,
            tranches,
        })
    }
}

/// The form's French label for an API field named by an [`AgreementError`]
/// (`cofinancers[1].amount_cents` → `Autres financeurs, financeur n° 2, montant`); an
/// unknown field is returned as it is.
///
/// [`AgreementError`]: territoires_domain::funding::agreement::AgreementError
pub fn field_label(field: &str) -> String {
    // `name[i].rest` → (name, Some(i), rest).
    let (head, index, rest) = match field.split_once('[').and_then(|(h, t)| t.split_once(']').map(|(i, r)| (h, i, r))) {
        Some((h, i, r)) => (h, i.parse::<usize>().ok(), r.trim_start_matches('.')),
        None => (field, None, ""),
    };
    let leaf = |name: &str| -> Option<&'static str> {
        Some(match name {
            "reference" => "Référence",
            "title" => "Intitulé",
            "beneficiary" => "Bénéficiaire",
            "beneficiary_siren" => "SIREN du bénéficiaire",
            "beneficiary_siret" => "SIRET du bénéficiaire",
            "beneficiary_rna" => "Numéro RNA du bénéficiaire",
            "signed_on" => "Date de signature",
            "amount_cents" => "Montant de la subvention de l'État",
            "eligible_cost_cents" => "Assiette éligible",
            "cofinancers" => "Autres financeurs",
            "tranches" => "Tranches",
            "project" => "Projet lauréat",
            "reason" => "Motif de l'avenant",
            "on" => "Date de l'avenant",
            "equal_tranches.count" => "Nombre de tranches égales",
            "equal_tranches.every_months" => "Intervalle en mois",
            _ => return None,
        })
    };
    let part = |name: &str| -> Option<&'static str> {
        Some(match name {
            "" => "",
            "financer" => ", nom",
            "amount_cents" => ", montant",
            "label" => ", libellé",
            "due_on" => ", échéance",
            "percent_bp" => ", pourcentage",
            _ => return None,
        })
    };
    let Some(i) = index else {
        return leaf(field).map_or_else(|| field.to_owned(), str::to_owned);
    };
    let n = i + 1;
    match head {
        "cofinancers" => part(rest).map(|p| format!("Autres financeurs, financeur n° {n}{p}")),
        "tranches" => match rest.strip_prefix("conditions[").and_then(|t| t.split_once(']')) {
            Some((j, r)) => {
                let j = j.parse::<usize>().map_or(0, |j| j + 1);
                let what = match r.trim_start_matches('.') {
                    "indicator_code" => ", code de l'indicateur",
                    "label" => ", libellé",
                    _ => "",
                };
                Some(format!("Tranches, tranche n° {n}, condition n° {j}{what}"))
            }
            None => part(rest).map(|p| format!("Tranches, tranche n° {n}{p}")),
        },
        _ => None,
    }
    .unwrap_or_else(|| field.to_owned())
}

/// `message` with a leading « Champ « api_field » : » naming the form's label instead
/// ([`field_label`]); other messages unchanged.
pub fn with_form_labels(message: &str) -> String {
    let Some(rest) = message.strip_prefix("Champ « ") else {
        return message.to_owned();
    };
    match rest.split_once(" » :") {
        Some((field, tail)) => format!("Champ « {} » :{tail}", field_label(field)),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> TermsForm {
        TermsForm {
            reference: "TI-1".into(),
            intitule: "Vallée".into(),
            beneficiaire: "CC".into(),
            signature: "2020-03-02".into(),
            montant: "1 000,01".into(),
            assiette: "2000,01".into(),
            cofinanceurs: "Région ; collectivité ; 1 000\n\n".into(),
            tranches: "Avance ; 2020-04-01 ; 30 %\nSolde ; 2022-04-01 ; 70 % ; rapport: Rapport final | indicateur vallee-emplois: Emplois"
                .into(),
            ..TermsForm::default()
        }
    }

    #[test]
    fn lines_become_a_draft_and_the_terms_come_back_the_same() {
        let d = form().draft().unwrap();
        assert_eq!(d.amount, Money(100_001));
        assert_eq!(d.cofinancers[0].amount, Money(100_000));
        assert_eq!(d.tranches[1].share, Share::Percent(7_000));
        assert_eq!(d.tranches[1].conditions[1].indicator_code.as_deref(), Some("vallee-emplois"));
        let terms = d.clone().check(&Default::default()).unwrap();
        // 30 % of 1 000,01 € = 300,003 → 300,00; 70 % = 700,007 → 700,01 (largest remainder).
        assert_eq!(terms.tranches.iter().map(|t| t.amount.0).collect::<Vec<_>>(), [30_000, 70_001]);
        assert_eq!(TermsForm::from_terms(&terms).draft().unwrap(), d);
    }

    #[test]
    fn errors_name_the_field_and_the_line() {
        let mut f = form();
        f.tranches = "Avance ; 2020-04-01 ; 30 %\nSolde ; 2022-13-01 ; 70 %".into();
        assert!(f.draft().unwrap_err().starts_with("Tranches, ligne 2"));
        let mut f = form();
        f.cofinanceurs = "Région ; banque ; 10".into();
        assert!(f.draft().unwrap_err().contains("banque"));
        let mut f = form();
        f.montant = "12.5".into();
        assert!(f.draft().unwrap_err().starts_with("Montant de la subvention"));
        let mut f = form();
        f.tranches.clear();
        f.egales_nombre = "12".into();
        f.egales_premiere = "2024-01-31".into();
        f.montant = "800".into();
        let d = f.draft().unwrap();
        assert_eq!(d.tranches.len(), 12);
        assert_eq!(d.tranches[8].share, Share::Amount(Money(6_666)));
    }

    #[test]
    fn api_fields_read_as_the_form_labels() {
        assert_eq!(
            with_form_labels("Champ « cofinancers » : le plan ne boucle pas"),
            "Champ « Autres financeurs » : le plan ne boucle pas"
        );
        assert_eq!(
            with_form_labels("Champ « tranches » : les tranches totalisent 1 €"),
            "Champ « Tranches » : les tranches totalisent 1 €"
        );
        assert_eq!(
            field_label("cofinancers[1].amount_cents"),
            "Autres financeurs, financeur n° 2, montant"
        );
        assert_eq!(field_label("tranches[0].percent_bp"), "Tranches, tranche n° 1, pourcentage");
        assert_eq!(
            field_label("tranches[2].conditions[0].indicator_code"),
            "Tranches, tranche n° 3, condition n° 1, code de l'indicateur"
        );
        assert_eq!(field_label("amount_cents"), "Montant de la subvention de l'État");
        assert_eq!(field_label("inconnu"), "inconnu");
        assert_eq!(with_form_labels("Autre chose."), "Autre chose.");
    }
}
