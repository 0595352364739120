//! A thin layer over `quick-xml`'s writer: start/end/empty/text with attribute lists, and
//! the IATI shapes repeated everywhere (narratives, values, dates).

use super::IatiError;
use quick_xml::escape::partial_escape;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use std::io::Write;
use territoires_domain::Money;
use time::Date;

/// A streaming XML writer, indented by two spaces.
pub(crate) struct Xml<W: Write>(Writer<W>);

type R = Result<(), IatiError>;

impl<W: Write> Xml<W> {
    pub(crate) fn new(out: W) -> Result<Xml<W>, IatiError> {
        let mut w = Writer::new_with_indent(out, b' ', 2);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        Ok(Xml(w))
    }

    pub(crate) fn start(&mut self, name: &str, attrs: &[(&str, &str)]) -> R {
        let e = BytesStart::new(name).with_attributes(attrs.iter().copied());
        Ok(self.0.write_event(Event::Start(e))?)
    }

    pub(crate) fn end(&mut self, name: &str) -> R {
        Ok(self.0.write_event(Event::End(BytesEnd::new(name)))?)
    }

    pub(crate) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> R {
        let e = BytesStart::new(name).with_attributes(attrs.iter().copied());
        Ok(self.0.write_event(Event::Empty(e))?)
    }

    /// `<name attrs…>text</name>`, the text escaped.
    pub(crate) fn text_el(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> R {
        self.start(name, attrs)?;
        // Only `<`, `>` and `&` need escaping in text: apostrophes stay readable.
        self.0.write_event(Event::Text(BytesText::from_escaped(partial_escape(text))))?;
        self.end(name)
    }

    /// `<name><narrative xml:lang="fr">text</narrative></name>`.
    pub(crate) fn narrative_el(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> R {
        self.start(name, attrs)?;
        self.text_el("narrative", &[("xml:lang", "fr")], text)?;
        self.end(name)
    }

    /// `<value currency="EUR" value-date="…">1234.56</value>`.
    pub(crate) fn value(&mut self, amount: Money, value_date: Date) -> R {
        let d = iso(value_date);
        self.text_el("value", &[("currency", "EUR"), ("value-date", &d)], &decimal(amount))
    }

    /// `<name iso-date="…"/>`.
    pub(crate) fn date_el(&mut self, name: &str, d: Date) -> R {
        self.empty(name, &[("iso-date", &iso(d))])
    }

    pub(crate) fn finish(mut self) -> Result<W, IatiError> {
        self.0.get_mut().flush()?;
        Ok(self.0.into_inner())
    }
}

/// `YYYY-MM-DD`.
pub(crate) fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// An amount in euros with two decimals and a point, as `xsd:decimal`: 5 700 000 € →
/// `5700000.00`. Negative amounts are refused earlier by the checks.
pub(crate) fn decimal(m: Money) -> String {
    let c = m.cents();
    let sign = if c < 0 { "-" } else { "" };
    let a = c.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// A measured value as a plain decimal (no exponent), at most four decimals, trailing
/// zeros removed: 12.5, 1000, 0.3333.
pub(crate) fn number(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// Hundredths of a per cent as a decimal: 3333 → `33.33`, 10000 → `100`.
pub(crate) fn percentage(hundredths: u32) -> String {
    match hundredths % 100 {
        0 => (hundredths / 100).to_string(),
        r => format!("{}.{r:02}", hundredths / 100),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_numbers_are_plain_decimals() {
        assert_eq!(decimal(Money(570_000_000)), "5700000.00");
        assert_eq!(decimal(Money(5)), "0.05");
        assert_eq!(number(1000.0), "1000");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(1e20), "100000000000000000000");
        assert_eq!(percentage(3333), "33.33");
        assert_eq!(percentage(10000), "100");
        assert_eq!(percentage(5050), "50.50");
    }
}
