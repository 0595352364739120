//! The IATI activity file (`iati-activities-schema.xsd`, 2.03): the programme, then its
//! projects, written one by one as they come, each checked first ([`check_activity`]).
//! Elements follow the XSD sequence of `iati-activity`.

use super::check::check_activity;
use super::model::*;
use super::xml::{iso, number, percentage, Xml};
use super::{IatiError, IATI_VERSION};
use std::io::Write;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Writes `<iati-activities>` with `programme` first, then each of `projects`, to `out`,
/// and returns `out`. `reporting` is the publisher (its `reference` and `kind` are
/// required); `generated` is written as `@generated-datetime` and each activity's
/// `@last-updated-datetime`.
///
/// Each activity is checked before any of it is written: on the first invalid one the
/// function returns [`IatiError::Invalid`] (activity and field named) and the output holds
/// an unfinished document, which the caller must discard (write to a temporary file and
/// rename it only on success). I/O failures return [`IatiError::Io`].
pub fn write_activities<W: Write>(
    reporting: &Org,
    programme: &Activity,
    projects: impl IntoIterator<Item = Activity>,
    generated: OffsetDateTime,
    out: W,
) -> Result<W, IatiError> {
    let stamp = generated.format(&Rfc3339).map_err(|e| IatiError::Invalid {
        activity: programme.identifier.clone(),
        field: "@generated-datetime".into(),
        why: e.to_string(),
    })?;
    let (reporting_ref, reporting_type) = match (&reporting.reference, &reporting.kind) {
        (Some(r), Some(t)) => (r.as_str(), t.as_str()),
        _ => {
            return Err(IatiError::Invalid {
                activity: programme.identifier.clone(),
                field: "reporting-org".into(),
                why: "l'organisation déclarante doit avoir un identifiant et un type".into(),
            })
        }
    };
    check_activity(programme)?;
    let mut x = Xml::new(out)?;
    x.start("iati-activities", &[("version", IATI_VERSION), ("generated-datetime", &stamp)])?;
    let w = ActivityWriter {
        reporting_ref,
        reporting_type,
        reporting_name: &reporting.name,
        stamp: &stamp,
    };
    w.write(&mut x, programme)?;
    for p in projects {
        check_activity(&p)?;
        w.write(&mut x, &p)?;
    }
    x.end("iati-activities")?;
    x.finish()
}

struct ActivityWriter<'a> {
    reporting_ref: &'a str,
    reporting_type: &'a str,
    reporting_name: &'a str,
    stamp: &'a str,
}

type R = Result<(), IatiError>;

impl ActivityWriter<'_> {
    fn write<W: Write>(&self, x: &mut Xml<W>, a: &Activity) -> R {
        let hierarchy = a.hierarchy.to_string();
        x.start(
            "iati-activity",
            &[
                ("last-updated-datetime", self.stamp),
                ("xml:lang", "fr"),
                ("default-currency", codes::CURRENCY_EUR),
                ("hierarchy", &hierarchy),
            ],
        )?;
        x.text_el("iati-identifier", &[], &a.identifier)?;
        x.narrative_el(
            "reporting-org",
            &[("ref", self.reporting_ref), ("type", self.reporting_type)],
            self.reporting_name,
        )?;
        x.narrative_el("title", &[], &a.title)?;
        for (kind, text) in &a.descriptions {
            x.narrative_el("description", &[("type", kind)], text)?;
        }
        for p in &a.participating_orgs {
            let mut attrs = org_attrs(&p.org);
            attrs.push(("role", &p.role));
            x.narrative_el("participating-org", &attrs, &p.org.name)?;
        }
        x.empty("activity-status", &[("code", &a.status)])?;
        for (kind, d) in &a.dates {
            x.empty("activity-date", &[("type", kind), ("iso-date", &iso(*d))])?;
        }
        x.empty("recipient-country", &[("code", &a.recipient_country)])?;
        for l in &a.locations {
            write_location(x, l)?;
        }
        for s in &a.sectors {
            let pct = percentage(s.percentage);
            x.narrative_el(
                "sector",
                &[("vocabulary", &s.vocabulary), ("code", &s.code), ("percentage", &pct)],
                &s.name,
            )?;
        }
        if let Some(f) = &a.default_finance_type {
            x.empty("default-finance-type", &[("code", f)])?;
        }
        for b in &a.budgets {
            x.start("budget", &[("type", &b.kind), ("status", &b.status)])?;
            x.date_el("period-start", b.start)?;
            x.date_el("period-end", b.end)?;
            x.value(b.value, b.start)?;
            x.end("budget")?;
        }
        for t in &a.transactions {
            write_transaction(x, t)?;
        }
        for (kind, reference) in &a.related {
            x.empty("related-activity", &[("ref", reference), ("type", kind)])?;
        }
        for r in &a.results {
            write_result(x, r)?;
        }
        x.end("iati-activity")
    }
}

fn org_attrs(o: &Org) -> Vec<(&str, &str)> {
    let mut attrs = Vec::new();
    if let Some(r) = &o.reference {
        attrs.push(("ref", r.as_str()));
    }
    if let Some(k) = &o.kind {
        attrs.push(("type", k.as_str()));
    }
    attrs
}

/// A region: the INSEE code is the publisher's own `@ref` (GeographicVocabulary has no
/// INSEE/COG entry), the country is given as an administrative area of vocabulary A4.
fn write_location<W: Write>(x: &mut Xml<W>, l: &Location) -> R {
    x.start("location", &[("ref", &l.reference)])?;
    x.empty("location-reach", &[("code", codes::REACH_ACTIVITY)])?;
    x.narrative_el("name", &[], &l.name)?;
    x.narrative_el("description", &[], &l.description)?;
    x.empty(
        "administrative",
        &[
            ("vocabulary", codes::GEO_VOCABULARY_ISO_COUNTRY),
            ("level", "0"),
            ("code", &l.country),
        ],
    )?;
    x.empty("exactness", &[("code", codes::EXACTNESS_APPROXIMATE)])?;
    x.empty("location-class", &[("code", codes::LOCATION_CLASS_ADMINISTRATIVE)])?;
    x.end("location")
}

fn write_transaction<W: Write>(x: &mut Xml<W>, t: &Transaction) -> R {
    match &t.reference {
        Some(r) => x.start("transaction", &[("ref", r)])?,
        None => x.start("transaction", &[])?,
    }
    x.empty("transaction-type", &[("code", &t.kind)])?;
    x.date_el("transaction-date", t.date)?;
    x.value(t.value, t.date)?;
    if let Some(d) = &t.description {
        x.narrative_el("description", &[], d)?;
    }
    if let Some(o) = &t.provider {
        x.narrative_el("provider-org", &org_attrs(o), &o.name)?;
    }
    if let Some(o) = &t.receiver {
        x.narrative_el("receiver-org", &org_attrs(o), &o.name)?;
    }
    if let Some(f) = &t.finance_type {
        x.empty("finance-type", &[("code", f)])?;
    }
    x.end("transaction")
}

fn write_result<W: Write>(x: &mut Xml<W>, r: &ResultRecord) -> R {
    x.start("result", &[("type", &r.kind)])?;
    x.narrative_el("title", &[], &r.title)?;
    for ind in &r.indicators {
        // IATI: values are omitted for qualitative measures, required for the others.
        let qualitative = ind.measure == codes::MEASURE_QUALITATIVE;
        let val = |v: Option<f64>| if qualitative { None } else { v.map(number) };
        let mut attrs = vec![("measure", ind.measure.as_str())];
        match ind.ascending {
            Some(true) => attrs.push(("ascending", "1")),
            Some(false) => attrs.push(("ascending", "0")),
            None => {}
        }
        x.start("indicator", &attrs)?;
        x.narrative_el("title", &[], &ind.title)?;
        x.narrative_el("description", &[], &ind.description)?;
        if let Some(b) = &ind.baseline {
            let year = b.date.year().to_string();
            let date = iso(b.date);
            let value = val(b.value);
            let mut attrs = vec![("year", year.as_str()), ("iso-date", date.as_str())];
            if let Some(v) = &value {
                attrs.push(("value", v));
            }
            x.start("baseline", &attrs)?;
            x.narrative_el("comment", &[], &b.comment)?;
            x.end("baseline")?;
        }
        for p in &ind.periods {
            x.start("period", &[])?;
            x.date_el("period-start", p.start)?;
            x.date_el("period-end", p.end)?;
            if p.target.is_some() || p.target_comment.is_some() {
                let v = val(p.target);
                let attrs: Vec<(&str, &str)> = v.iter().map(|v| ("value", v.as_str())).collect();
                match &p.target_comment {
                    Some(c) => {
                        x.start("target", &attrs)?;
                        x.narrative_el("comment", &[], c)?;
                        x.end("target")?;
                    }
                    None => x.empty("target", &attrs)?,
                }
            }
            if let Some(v) = val(p.actual) {
                x.empty("actual", &[("value", &v)])?;
            }
            x.end("period")?;
        }
        x.end("indicator")?;
    }
    x.end("result")
}
