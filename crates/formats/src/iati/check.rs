//! What each activity and organisation record must satisfy before it is written, so that a
//! file is never left half-valid: codes in their IATI codelists, required elements present,
//! budget periods of at most one year (IATI rule for `budget` and `total-budget`),
//! amounts ≥ 0, sector shares adding up to 100 % per vocabulary, finite measured values.
//! Each error names the activity and the field by its IATI path (`budget[3]/period-end`).

use super::codelists::{self as cl, Codelist};
use super::model::*;
use super::IatiError;
use std::collections::BTreeMap;
use territoires_domain::Money;
use time::Date;

struct Ctx<'a>(&'a str);

impl Ctx<'_> {
    fn err(&self, field: impl Into<String>, why: impl Into<String>) -> IatiError {
        IatiError::Invalid {
            activity: self.0.to_string(),
            field: field.into(),
            why: why.into(),
        }
    }

    fn code(&self, list: Codelist, code: &str, field: impl Into<String>) -> Result<(), IatiError> {
        if list.contains(code) {
            Ok(())
        } else {
            Err(self.err(field, format!("code « {code} » absent de la liste de codes IATI {}", list.name)))
        }
    }

    fn text(&self, text: &str, field: impl Into<String>) -> Result<(), IatiError> {
        if text.trim().is_empty() {
            Err(self.err(field, "texte obligatoire vide"))
        } else {
            Ok(())
        }
    }

    fn amount(&self, m: Money, field: impl Into<String>) -> Result<(), IatiError> {
        if m.cents() < 0 {
            Err(self.err(field, format!("montant négatif ({} centimes)", m.cents())))
        } else {
            Ok(())
        }
    }

    fn org(&self, o: &Org, field: &str) -> Result<(), IatiError> {
        if let Some(k) = &o.kind {
            self.code(cl::ORGANISATION_TYPE, k, format!("{field}/@type"))?;
        }
        if let Some(r) = &o.reference {
            if r.trim().is_empty() || r.contains(char::is_whitespace) {
                return Err(self.err(format!("{field}/@ref"), format!("identifiant d'organisation « {r} » invalide")));
            }
        }
        self.text(&o.name, format!("{field}/narrative"))
    }

    /// A period of at most one year: `end` is on or after `start` and before the same day a
    /// year later.
    fn year_period(&self, start: Date, end: Date, field: &str) -> Result<(), IatiError> {
        if end < start {
            return Err(self.err(format!("{field}/period-end"), "fin de période avant son début"));
        }
        let next = start
            .replace_year(start.year() + 1)
            .or_else(|_| Date::from_calendar_date(start.year() + 1, time::Month::March, 1));
        match next {
            Ok(n) if end < n => Ok(()),
            _ => Err(self.err(format!("{field}/period-end"), "période de plus d'un an (IATI : un an au plus)")),
        }
    }
}

/// Checks an activity. Errors: [`IatiError::Invalid`] naming the activity and the field.
pub fn check_activity(a: &Activity) -> Result<(), IatiError> {
    let c = Ctx(&a.identifier);
    if a.identifier.trim().is_empty() || a.identifier.contains(char::is_whitespace) || a.identifier.contains('/') {
        return Err(c.err("iati-identifier", "identifiant vide ou contenant une espace ou « / »"));
    }
    if !(1..=2).contains(&a.hierarchy) {
        return Err(c.err("@hierarchy", format!("niveau {} (attendu 1 programme ou 2 projet)", a.hierarchy)));
    }
    c.text(&a.title, "title/narrative")?;
    if a.descriptions.is_empty() {
        return Err(c.err("description", "au moins une description est obligatoire"));
    }
    for (i, (kind, text)) in a.descriptions.iter().enumerate() {
        c.code(cl::DESCRIPTION_TYPE, kind, format!("description[{}]/@type", i + 1))?;
        c.text(text, format!("description[{}]/narrative", i + 1))?;
    }
    if a.participating_orgs.is_empty() {
        return Err(c.err("participating-org", "au moins une organisation participante est obligatoire"));
    }
    for (i, p) in a.participating_orgs.iter().enumerate() {
        let f = format!("participating-org[{}]", i + 1);
        c.code(cl::ORGANISATION_ROLE, &p.role, format!("{f}/@role"))?;
        c.org(&p.org, &f)?;
    }
    c.code(cl::ACTIVITY_STATUS, &a.status, "activity-status/@code")?;
    if a.dates.is_empty() {
        return Err(c.err("activity-date", "au moins une date est obligatoire"));
    }
    for (i, (kind, _)) in a.dates.iter().enumerate() {
        c.code(cl::ACTIVITY_DATE_TYPE, kind, format!("activity-date[{}]/@type", i + 1))?;
    }
    c.code(cl::COUNTRY, &a.recipient_country, "recipient-country/@code")?;
    for (i, l) in a.locations.iter().enumerate() {
        c.text(&l.reference, format!("location[{}]/@ref", i + 1))?;
        c.text(&l.name, format!("location[{}]/name", i + 1))?;
        c.text(&l.description, format!("location[{}]/description", i + 1))?;
        c.code(cl::COUNTRY, &l.country, format!("location[{}]/administrative/@code", i + 1))?;
    }
    let mut shares: BTreeMap<&str, u32> = BTreeMap::new();
    for (i, s) in a.sectors.iter().enumerate() {
        let f = format!("sector[{}]", i + 1);
        c.code(cl::SECTOR_VOCABULARY, &s.vocabulary, format!("{f}/@vocabulary"))?;
        c.text(&s.code, format!("{f}/@code"))?;
        c.text(&s.name, format!("{f}/narrative"))?;
        *shares.entry(&s.vocabulary).or_default() += s.percentage;
    }
    if let Some((v, sum)) = shares.iter().find(|(_, sum)| **sum != 10_000) {
        return Err(c.err(
            "sector/@percentage",
            format!("les parts du vocabulaire {v} font {sum} centièmes de %, pas 100 %"),
        ));
    }
    if let Some(f) = &a.default_finance_type {
        c.code(cl::FINANCE_TYPE, f, "default-finance-type/@code")?;
    }
    for (i, b) in a.budgets.iter().enumerate() {
        let f = format!("budget[{}]", i + 1);
        c.code(cl::BUDGET_TYPE, &b.kind, format!("{f}/@type"))?;
        c.code(cl::BUDGET_STATUS, &b.status, format!("{f}/@status"))?;
        c.year_period(b.start, b.end, &f)?;
        c.amount(b.value, format!("{f}/value"))?;
    }
    for (i, t) in a.transactions.iter().enumerate() {
        let f = format!("transaction[{}]", i + 1);
        c.code(cl::TRANSACTION_TYPE, &t.kind, format!("{f}/transaction-type/@code"))?;
        c.amount(t.value, format!("{f}/value"))?;
        if let Some(d) = &t.description {
            c.text(d, format!("{f}/description"))?;
        }
        if let Some(o) = &t.provider {
            c.org(o, &format!("{f}/provider-org"))?;
        }
        if let Some(o) = &t.receiver {
            c.org(o, &format!("{f}/receiver-org"))?;
        }
        if let Some(ft) = &t.finance_type {
            c.code(cl::FINANCE_TYPE, ft, format!("{f}/finance-type/@code"))?;
        }
    }
    for (i, (kind, reference)) in a.related.iter().enumerate() {
        c.code(cl::RELATED_ACTIVITY_TYPE, kind, format!("related-activity[{}]/@type", i + 1))?;
        c.text(reference, format!("related-activity[{}]/@ref", i + 1))?;
    }
    for (i, r) in a.results.iter().enumerate() {
        check_result(&c, r, &format!("result[{}]", i + 1))?;
    }
    Ok(())
}

fn check_result(c: &Ctx, r: &ResultRecord, f: &str) -> Result<(), IatiError> {
    c.code(cl::RESULT_TYPE, &r.kind, format!("{f}/@type"))?;
    c.text(&r.title, format!("{f}/title"))?;
    if r.indicators.is_empty() {
        return Err(c.err(format!("{f}/indicator"), "un résultat a au moins un indicateur"));
    }
    for (j, ind) in r.indicators.iter().enumerate() {
        let g = format!("{f}/indicator[{}]", j + 1);
        c.code(cl::INDICATOR_MEASURE, &ind.measure, format!("{g}/@measure"))?;
        c.text(&ind.title, format!("{g}/title"))?;
        let finite = |v: Option<f64>, field: String| match v {
            Some(x) if !x.is_finite() => Err(c.err(field, "valeur non finie")),
            _ => Ok(()),
        };
        if let Some(b) = &ind.baseline {
            finite(b.value, format!("{g}/baseline/@value"))?;
        }
        for (k, p) in ind.periods.iter().enumerate() {
            let h = format!("{g}/period[{}]", k + 1);
            if p.end < p.start {
                return Err(c.err(format!("{h}/period-end"), "fin de période avant son début"));
            }
            finite(p.target, format!("{h}/target/@value"))?;
            if ind.measure != codes::MEASURE_QUALITATIVE && p.target.is_none() && p.target_comment.is_some() {
                return Err(c.err(
                    format!("{h}/target/@value"),
                    "valeur cible obligatoire pour une mesure non qualitative",
                ));
            }
            finite(p.actual, format!("{h}/actual/@value"))?;
        }
    }
    Ok(())
}

/// Checks the organisation file. Errors: [`IatiError::Invalid`] naming the organisation and
/// the field.
pub fn check_organisation(o: &OrganisationFile) -> Result<(), IatiError> {
    let id = o.org.reference.clone().unwrap_or_default();
    let c = Ctx(&id);
    if id.trim().is_empty() {
        return Err(c.err("organisation-identifier", "identifiant d'organisation obligatoire"));
    }
    match &o.org.kind {
        Some(k) => c.code(cl::ORGANISATION_TYPE, k, "reporting-org/@type")?,
        None => return Err(c.err("reporting-org/@type", "type d'organisation obligatoire")),
    }
    c.org(&o.org, "reporting-org")?;
    for (i, (start, end, status, value)) in o.total_budgets.iter().enumerate() {
        let f = format!("total-budget[{}]", i + 1);
        c.code(cl::BUDGET_STATUS, status, format!("{f}/@status"))?;
        c.year_period(*start, *end, &f)?;
        c.amount(*value, format!("{f}/value"))?;
    }
    for (i, (start, end, value)) in o.total_expenditure.iter().enumerate() {
        let f = format!("total-expenditure[{}]", i + 1);
        c.year_period(*start, *end, &f)?;
        c.amount(*value, format!("{f}/value"))?;
    }
    Ok(())
}
