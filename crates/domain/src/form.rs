//! The application form of a call (*formulaire de candidature*, issue 3, « Calls … an
//! application form (configurable fields: text, amounts, dates, files …) »): the field
//! definitions a programme manager configures, their validation, and the validation of an
//! applicant's answers against them.
//!
//! A form is an ordered list of [`FormField`]s. Answers are typed by the user as text
//! (`"1 234,56"`, `"15/03/2027"`) and parsed here into [`Answer`]s: amounts in euro
//! cents ([`Money`]), dates as calendar dates. A `file` field only declares that a file is
//! expected: its upload is handled elsewhere, and no answer is stored for it.
//!
//! Every error is French and names the field (its label and key), per the project rules.

use crate::money::Money;
use crate::text::fold;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use time::{Date, Month};

/// Most fields a form may have.
pub const MAX_FIELDS: usize = 50;
/// Longest key (characters).
pub const KEY_MAX: usize = 40;
/// Longest label (characters).
pub const LABEL_MAX: usize = 200;
/// Longest help text (characters).
pub const HELP_MAX: usize = 500;
/// Longest answer to a short-text field (characters).
pub const SHORT_TEXT_MAX: usize = 300;
/// Longest answer to a long-text field (characters).
pub const LONG_TEXT_MAX: usize = 10_000;
/// Largest amount accepted: 10 billion euros, in cents — above any call of the programme
/// (450 M€ in all), so a larger figure is a typing error.
pub const AMOUNT_MAX: Money = Money(1_000_000_000_000);

/// The kind of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum FieldKind {
    /// *Texte court*: one line, at most [`SHORT_TEXT_MAX`] characters.
    ShortText,
    /// *Texte long*: several paragraphs, at most [`LONG_TEXT_MAX`] characters.
    LongText,
    /// *Montant*: euros typed in French format (`1 234,56`), stored as cents.
    Amount,
    /// *Date*: `JJ/MM/AAAA` or `AAAA-MM-JJ`.
    Date,
    /// *Fichier*: declares that a file is expected; uploaded elsewhere, no answer stored.
    File,
}

impl FieldKind {
    /// Every kind, in menu order.
    pub const ALL: [FieldKind; 5] = [
        FieldKind::ShortText,
        FieldKind::LongText,
        FieldKind::Amount,
        FieldKind::Date,
        FieldKind::File,
    ];

    /// French label: *Texte court*, *Texte long*, *Montant (€)*, *Date*, *Fichier*.
    pub fn label(self) -> &'static str {
        match self {
            FieldKind::ShortText => "Texte court",
            FieldKind::LongText => "Texte long",
            FieldKind::Amount => "Montant (€)",
            FieldKind::Date => "Date",
            FieldKind::File => "Fichier",
        }
    }

    /// The French word of the one-line syntax ([`parse_lines`]): `texte`, `texte-long`,
    /// `montant`, `date`, `fichier`.
    pub fn word(self) -> &'static str {
        match self {
            FieldKind::ShortText => "texte",
            FieldKind::LongText => "texte-long",
            FieldKind::Amount => "montant",
            FieldKind::Date => "date",
            FieldKind::File => "fichier",
        }
    }

    /// The kind whose [`word`](Self::word) is `word` (accents and case ignored).
    pub fn from_word(word: &str) -> Option<FieldKind> {
        let w = fold(word).replace(' ', "-");
        FieldKind::ALL.into_iter().find(|k| k.word() == w)
    }
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormField {
    /// Stable identifier within the form: lower-case ASCII letters, digits and inner
    /// hyphens, 1–40 characters (`budget-total`). Answers are keyed by it.
    pub key: String,
    /// What the applicant reads, in French (1–200 characters).
    pub label: String,
    /// Text, amount, date or file.
    pub kind: FieldKind,
    /// Whether the application cannot be submitted without it.
    pub required: bool,
    /// Help shown under the field, in French (may be empty, at most 500 characters).
    #[serde(default)]
    pub help: String,
}

impl FormField {
    /// `« Libellé » (clé)`, how errors name the field.
    pub fn name(&self) -> String {
        format!("« {} » ({})", self.label, self.key)
    }
}

/// What is wrong with a form or with answers: French messages, one per problem, each
/// naming the field. Displayed joined by ` ; `.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FormErrors(pub Vec<String>);

impl fmt::Display for FormErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" ; "))
    }
}

fn is_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= KEY_MAX
        && !k.starts_with('-')
        && !k.ends_with('-')
        && k.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Checks a form definition: at most [`MAX_FIELDS`] fields; each key a slug (see
/// [`FormField::key`]) used once; each label non-blank and at most [`LABEL_MAX`]
/// characters; help at most [`HELP_MAX`]. Errors: every problem found, in field order.
pub fn check_form(fields: &[FormField]) -> Result<(), FormErrors> {
    let mut errors = Vec::new();
    if fields.len() > MAX_FIELDS {
        errors.push(format!("Le formulaire compte {} champs : {MAX_FIELDS} au plus.", fields.len()));
    }
    for (i, f) in fields.iter().enumerate() {
        let n = i + 1;
        if !is_key(&f.key) {
            errors.push(format!(
                "Champ n° {n} : la clé « {} » doit faire 1 à {KEY_MAX} caractères parmi a-z, 0-9 et le tiret (ex. budget-total).",
                f.key.chars().take(60).collect::<String>()
            ));
        } else if fields[..i].iter().any(|g| g.key == f.key) {
            errors.push(format!("Champ n° {n} : la clé « {} » est déjà utilisée par un autre champ.", f.key));
        }
        let label = f.label.trim();
        if label.is_empty() {
            errors.push(format!("Champ n° {n} ({}) : le libellé est obligatoire.", f.key));
        } else if label.chars().count() > LABEL_MAX {
            errors.push(format!("Champ n° {n} ({}) : le libellé dépasse {LABEL_MAX} caractères.", f.key));
        }
        if f.help.chars().count() > HELP_MAX {
            errors.push(format!("Champ n° {n} ({}) : l'aide dépasse {HELP_MAX} caractères.", f.key));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(FormErrors(errors))
    }
}

/// Parses a form written one field per line, as on the page `/admin/appels/nouveau`:
///
/// ```text
/// clé | libellé | type | obligatoire | aide
/// budget-total | Budget total du projet | montant | oui | En euros, ex. 1 234,56
/// ```
///
/// `type` is `texte`, `texte-long`, `montant`, `date` or `fichier`; `obligatoire` is
/// `oui` or `non` (empty: `non`); the help is optional and may contain `|`. Blank lines
/// and lines starting with `#` are ignored. The result is then checked by [`check_form`].
/// Errors: every problem, naming the line.
pub fn parse_lines(text: &str) -> Result<Vec<FormField>, FormErrors> {
    let mut fields = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let n = i + 1;
        let parts: Vec<&str> = line.splitn(5, '|').map(str::trim).collect();
        if parts.len() < 3 {
            errors.push(format!(
                "Ligne {n} : « {} » — attendu « clé | libellé | type | obligatoire | aide ».",
                line.chars().take(60).collect::<String>()
            ));
            continue;
        }
        let Some(kind) = FieldKind::from_word(parts[2]) else {
            errors.push(format!(
                "Ligne {n} : le type « {} » est inconnu (texte, texte-long, montant, date ou fichier).",
                parts[2].chars().take(30).collect::<String>()
            ));
            continue;
        };
        let required = match parts.get(3).map(|s| fold(s)).as_deref() {
            None | Some("") | Some("non") => false,
            Some("oui") => true,
            Some(other) => {
                errors.push(format!("Ligne {n} : « obligatoire » vaut oui ou non, pas « {other} »."));
                continue;
            }
        };
        fields.push(FormField {
            key: parts[0].to_owned(),
            label: parts[1].to_owned(),
            kind,
            required,
            help: parts.get(4).map(|s| (*s).to_owned()).unwrap_or_default(),
        });
    }
    if !errors.is_empty() {
        return Err(FormErrors(errors));
    }
    check_form(&fields)?;
    Ok(fields)
}

/// The form written back in the syntax of [`parse_lines`] (one line per field), to edit it.
pub fn to_lines(fields: &[FormField]) -> String {
    fields
        .iter()
        .map(|f| {
            let required = if f.required { "oui" } else { "non" };
            let mut line = format!("{} | {} | {} | {required}", f.key, f.label, f.kind.word());
            if !f.help.is_empty() {
                line.push_str(" | ");
                line.push_str(&f.help);
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// An answer to one field, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum Answer {
    /// Text (short or long), trimmed.
    Text(String),
    /// An amount in euro cents.
    Amount(Money),
    /// A calendar date (ISO 8601 in JSON: `2027-03-15`).
    Date(Date),
}

impl Answer {
    /// The answer as a French reader sees it: the text, `1 234,56 €`, `15/03/2027`.
    pub fn display(&self) -> String {
        match self {
            Answer::Text(t) => t.clone(),
            Answer::Amount(m) => m.fmt_euros(),
            Answer::Date(d) => crate::text::date_numeric(*d),
        }
    }

    /// The answer as it would be typed back into the form: the text, `1 234,56`,
    /// `15/03/2027` (plain spaces, so that [`parse_amount`] reads it again).
    pub fn as_input(&self) -> String {
        match self {
            Answer::Text(t) => t.clone(),
            Answer::Amount(m) => m.fmt_euros().trim_end_matches("\u{a0}€").replace('\u{202f}', " "),
            Answer::Date(d) => crate::text::date_numeric(*d),
        }
    }
}

/// The answers of an application, by field key.
pub type Answers = BTreeMap<String, Answer>;

/// Parses an amount typed in French format into cents: digits grouped by spaces (plain,
/// no-break U+00A0 or narrow no-break U+202F), an optional decimal comma followed by one or
/// two digits, an optional trailing `€`. `"1 234,56"` → 123 456 cents; `"12 500 000"` →
/// 1 250 000 000 cents; `"0,5"` → 50 cents. The rule of every amount typed in a form
/// (applications' requested amount, laureates' subsidy too). Negative amounts, a decimal
/// point (with a message saying to use a comma), more than two
/// decimals and amounts above [`AMOUNT_MAX`] are refused. Errors: what is wrong, in French
/// (the caller adds the field's name).
pub fn parse_amount(raw: &str) -> Result<Money, String> {
    let s = raw.trim().trim_end_matches('€').trim_end();
    // « 12.5 » is refused rather than read as 12,50 € (issue 3 QA: one rule for every
    // amount typed in a form), and the message says what to type instead.
    if s.contains('.') {
        return Err(format!(
            "« {} » n'est pas un montant en euros au format français : les décimales se séparent par une virgule, pas un point (ex. 1 234,56)",
            raw.chars().take(40).collect::<String>()
        ));
    }
    let bad = || {
        format!(
            "« {} » n'est pas un montant en euros au format français (ex. 1 234,56)",
            raw.chars().take(40).collect::<String>()
        )
    };
    let (whole, frac) = match s.split_once(',') {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    let groups: Vec<&str> = whole.split([' ', '\u{a0}', '\u{202f}']).collect();
    let grouped_ok = groups.len() == 1 || (!groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    let digits: String = groups.concat();
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) || !grouped_ok {
        return Err(bad());
    }
    let cents = match frac {
        None => 0,
        Some(f) if (1..=2).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{f:0<2}").parse::<i64>().map_err(|_| bad())?
        }
        Some(_) => return Err(bad()),
    };
    let euros: i64 = digits.parse().map_err(|_| bad())?;
    let amount = Money(euros.checked_mul(100).and_then(|c| c.checked_add(cents)).ok_or_else(bad)?);
    if amount > AMOUNT_MAX {
        return Err(format!("{} dépasse le plafond de 10 milliards d'euros", amount.fmt_euros()));
    }
    Ok(amount)
}

/// Parses a date typed as `JJ/MM/AAAA` (French) or `AAAA-MM-JJ` (ISO 8601, what a date
/// picker sends). `"15/03/2027"` and `"2027-03-15"` are 15 March 2027; `"31/02/2027"` is
/// refused as « le 31/02/2027 n'existe pas ». Errors: what is wrong, in French (the caller adds the field's name).
pub fn parse_date(raw: &str) -> Result<Date, String> {
    let s = raw.trim();
    let bad = || {
        format!(
            "« {} » n'est pas une date au format JJ/MM/AAAA ou AAAA-MM-JJ",
            raw.chars().take(40).collect::<String>()
        )
    };
    let parts: Vec<&str> = if s.contains('/') {
        s.split('/').collect()
    } else {
        s.split('-').collect()
    };
    if parts.len() != 3 || !parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(bad());
    }
    let (y, m, d) = if s.contains('/') {
        (parts[2], parts[1], parts[0])
    } else {
        (parts[0], parts[1], parts[2])
    };
    if y.len() != 4 || m.len() > 2 || d.len() > 2 {
        return Err(bad());
    }
    // Well formed from here: a failure is a day that is not in the calendar (issue 3 QA:
    // « 31/02/2027 » must say so, not blame the format).
    let missing = || format!("le {} n'existe pas", s.chars().take(40).collect::<String>());
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month = m.parse::<u8>().ok().and_then(|m| Month::try_from(m).ok()).ok_or_else(missing)?;
    let day: u8 = d.parse().map_err(|_| bad())?;
    Date::from_calendar_date(year, month, day).map_err(|_| missing())
}

/// Parses the answers typed by an applicant (`key → text as typed`) against `fields`.
///
/// A blank value means « no answer » (the field is left out of the result; whether it was
/// required is checked at submission by [`missing_required`], so a draft may be saved
/// incomplete). Text is trimmed and bounded ([`SHORT_TEXT_MAX`], [`LONG_TEXT_MAX`]; a short
/// text is one line); amounts go through [`parse_amount`], dates through [`parse_date`].
/// Errors (nothing is kept): every problem, each naming the field — a key the form does not
/// have, a value given for a `file` field (files are uploaded, not typed), a value that
/// does not parse or is too long.
pub fn parse_answers(fields: &[FormField], raw: &BTreeMap<String, String>) -> Result<Answers, FormErrors> {
    let mut errors = Vec::new();
    for key in raw.keys() {
        if !fields.iter().any(|f| &f.key == key) {
            errors.push(format!(
                "Le formulaire n'a pas de champ « {} ».",
                key.chars().take(60).collect::<String>()
            ));
        }
    }
    let mut answers = Answers::new();
    for f in fields {
        let Some(value) = raw.get(&f.key).map(|v| v.trim()).filter(|v| !v.is_empty()) else {
            continue;
        };
        let parsed = match f.kind {
            FieldKind::ShortText if value.contains('\n') => Err("une seule ligne est attendue".to_owned()),
            FieldKind::ShortText if value.chars().count() > SHORT_TEXT_MAX => Err(format!("{SHORT_TEXT_MAX} caractères au plus")),
            FieldKind::LongText if value.chars().count() > LONG_TEXT_MAX => Err(format!("{LONG_TEXT_MAX} caractères au plus")),
            FieldKind::ShortText | FieldKind::LongText => Ok(Answer::Text(value.to_owned())),
            FieldKind::Amount => parse_amount(value).map(Answer::Amount),
            FieldKind::Date => parse_date(value).map(Answer::Date),
            FieldKind::File => Err("le fichier se dépose avec les pièces jointes, il ne se saisit pas".to_owned()),
        };
        match parsed {
            Ok(a) => {
                answers.insert(f.key.clone(), a);
            }
            Err(e) => errors.push(format!("Champ {} : {e}.", f.name())),
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(FormErrors(errors))
    }
}

/// The required fields of `fields` that `answers` leaves unanswered, in form order. `file`
/// fields are not counted: their presence is the attachments' check, not the answers'.
pub fn missing_required<'a>(fields: &'a [FormField], answers: &Answers) -> Vec<&'a FormField> {
    fields
        .iter()
        .filter(|f| f.required && f.kind != FieldKind::File && !answers.contains_key(&f.key))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn field(key: &str, label: &str, kind: FieldKind, required: bool) -> FormField {
        FormField {
            key: key.into(),
            label: label.into(),
            kind,
            required,
            help: String::new(),
        }
    }

    fn sample() -> Vec<FormField> {
        vec![
            field("resume", "Résumé du projet", FieldKind::LongText, true),
            field("budget", "Budget total", FieldKind::Amount, true),
            field("debut", "Date de démarrage", FieldKind::Date, false),
            field("porteur", "Structure porteuse", FieldKind::ShortText, false),
            field("plan", "Plan de financement", FieldKind::File, true),
        ]
    }

    #[test]
    fn french_amounts_become_cents() {
        // 1 234 € and 56 cents = 1 234 × 100 + 56 = 123 456 cents.
        assert_eq!(parse_amount("1 234,56"), Ok(Money(123_456)));
        assert_eq!(parse_amount("1\u{202f}234,56 €"), Ok(Money(123_456)));
        assert_eq!(parse_amount("1\u{a0}234,5"), Ok(Money(123_450)));
        assert_eq!(parse_amount("12 500 000"), Ok(Money(1_250_000_000)));
        assert_eq!(parse_amount("0,07"), Ok(Money(7)));
        assert_eq!(parse_amount("1234"), Ok(Money(123_400)));
        // 10 billion euros is the ceiling, one cent more is refused.
        assert_eq!(parse_amount("10 000 000 000"), Ok(Money(1_000_000_000_000)));
        assert!(parse_amount("10 000 000 000,01").unwrap_err().contains("plafond"));
        assert_eq!(
            parse_amount("12.5"),
            Err("« 12.5 » n'est pas un montant en euros au format français : les décimales se séparent par une virgule, pas un point (ex. 1 234,56)".to_owned())
        );
        for bad in [
            "",
            "abc",
            "-5",
            "1.234,56",
            "1234.56",
            "1,234",
            ",5",
            "1 23,00",
            "12 34",
            "1,2,3",
            "99999999999999999999",
        ] {
            let e = parse_amount(bad).unwrap_err();
            assert!(e.contains("format français"), "{bad:?}: {e}");
        }
    }

    #[test]
    fn dates_in_french_or_iso_form() {
        assert_eq!(parse_date("15/03/2027"), Ok(date!(2027 - 03 - 15)));
        assert_eq!(parse_date("5/3/2027"), Ok(date!(2027 - 03 - 05)));
        assert_eq!(parse_date("2027-03-15"), Ok(date!(2027 - 03 - 15)));
        assert_eq!(parse_date("29/02/2028"), Ok(date!(2028 - 02 - 29)), "2028 is a leap year");
        assert_eq!(parse_date("31/02/2027"), Err("le 31/02/2027 n'existe pas".to_owned()));
        assert_eq!(parse_date("29/02/2027"), Err("le 29/02/2027 n'existe pas".to_owned()));
        for bad in [
            "29/02/2027",
            "31/04/2027",
            "15/13/2027",
            "2027/03/15",
            "15-03-27",
            "demain",
            "15/03/27",
            "",
        ] {
            assert!(parse_date(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_form_definition_is_checked() {
        assert_eq!(check_form(&sample()), Ok(()));
        let mut bad = sample();
        bad[1].key = "resume".into();
        bad[2].label = "  ".into();
        bad[3].key = "Porteur de projet".into();
        let e = check_form(&bad).unwrap_err();
        assert_eq!(
            e.0,
            [
                "Champ n° 2 : la clé « resume » est déjà utilisée par un autre champ.",
                "Champ n° 3 (debut) : le libellé est obligatoire.",
                "Champ n° 4 : la clé « Porteur de projet » doit faire 1 à 40 caractères parmi a-z, 0-9 et le tiret (ex. budget-total).",
            ]
        );
        let many: Vec<FormField> = (0..51)
            .map(|i| field(&format!("c{i}"), "Champ", FieldKind::ShortText, false))
            .collect();
        assert_eq!(check_form(&many).unwrap_err().0, ["Le formulaire compte 51 champs : 50 au plus."]);
        assert_eq!(check_form(&many[..50]), Ok(()));
    }

    #[test]
    fn the_one_line_syntax_round_trips() {
        let text = "# clé | libellé | type | obligatoire | aide\n\
                    budget | Budget total | montant | oui | En euros | hors taxes\n\
                    \n\
                    debut | Date de démarrage | Date\n\
                    plan | Plan de financement | fichier | OUI";
        let fields = parse_lines(text).unwrap();
        assert_eq!(fields.len(), 3);
        assert_eq!(fields[0].kind, FieldKind::Amount);
        assert!(fields[0].required);
        assert_eq!(fields[0].help, "En euros | hors taxes");
        assert_eq!((fields[1].kind, fields[1].required), (FieldKind::Date, false));
        assert_eq!((fields[2].kind, fields[2].required), (FieldKind::File, true));
        assert_eq!(parse_lines(&to_lines(&fields)).unwrap(), fields);
        let e = parse_lines("a | A | couleur\nb | B | texte | peut-être\nc").unwrap_err();
        assert_eq!(
            e.0,
            [
                "Ligne 1 : le type « couleur » est inconnu (texte, texte-long, montant, date ou fichier).",
                "Ligne 2 : « obligatoire » vaut oui ou non, pas « peut etre ».",
                "Ligne 3 : « c » — attendu « clé | libellé | type | obligatoire | aide ».",
            ]
        );
    }

    #[test]
    fn answers_are_parsed_and_name_their_field() {
        let raw: BTreeMap<String, String> = [
            ("resume", " Un tiers-lieu rural. "),
            ("budget", "1 234,56"),
            ("debut", "2027-03-15"),
            ("porteur", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let answers = parse_answers(&sample(), &raw).unwrap();
        assert_eq!(answers.len(), 3, "the blank one is no answer");
        assert_eq!(answers["resume"], Answer::Text("Un tiers-lieu rural.".into()));
        assert_eq!(answers["budget"], Answer::Amount(Money(123_456)));
        assert_eq!(answers["debut"], Answer::Date(date!(2027 - 03 - 15)));
        assert_eq!(answers["budget"].as_input(), "1 234,56");
        assert_eq!(answers["debut"].display(), "15/03/2027");
        assert_eq!(
            serde_json::to_string(&answers["budget"]).unwrap(),
            r#"{"kind":"amount","value":123456}"#
        );

        let raw: BTreeMap<String, String> = [("debut", "31/02/2027"), ("plan", "x.pdf"), ("couleur", "bleu")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let e = parse_answers(&sample(), &raw).unwrap_err();
        assert_eq!(
            e.0,
            [
                "Le formulaire n'a pas de champ « couleur ».",
                "Champ « Date de démarrage » (debut) : le 31/02/2027 n'existe pas.",
                "Champ « Plan de financement » (plan) : le fichier se dépose avec les pièces jointes, il ne se saisit pas.",
            ]
        );
        let long: BTreeMap<String, String> = [("porteur".to_owned(), "x".repeat(301))].into();
        assert_eq!(
            parse_answers(&sample(), &long).unwrap_err().0,
            ["Champ « Structure porteuse » (porteur) : 300 caractères au plus."]
        );
    }

    #[test]
    fn missing_required_fields_ignore_files() {
        let mut answers = Answers::new();
        let keys = |v: Vec<&FormField>| v.into_iter().map(|f| f.key.clone()).collect::<Vec<_>>();
        assert_eq!(keys(missing_required(&sample(), &answers)), ["resume", "budget"]);
        answers.insert("budget".into(), Answer::Amount(Money(1)));
        assert_eq!(keys(missing_required(&sample(), &answers)), ["resume"]);
    }
}
