//! Reading the French target phrases of the fiches (« Réduire de 30 % », « Passer de 178 à
//! 790 KWh », « Doubler », « Créer 1 000 emplois », « 0 jour de pic de pollution en 2027 »)
//! into [`TargetSpec`]s with their due year.
//!
//! The rules, in the order they are tried on each part of a phrase:
//! 1. **maintain**: « maintien », « maintenir » → [`TargetSpec::Maintain`];
//! 2. **from-to**: « passer de X à Y », or « de X % à Y % » (both numbers in per cent) →
//!    [`TargetSpec::FromTo`]. « de 6 à 8 % » (per cent on the second number only) and
//!    « 20-30 % » are *ranges*, not from-to;
//! 3. **multiplier**: « multiplier par N », « doubler » (2), « tripler » (3), « diviser par
//!    deux » (0,5), « N fois plus » → [`TargetSpec::Multiply`]; « de moitié » → a change of
//!    −50 %;
//! 4. **relative change**: a verb of change (« réduire », « diminuer », « baisser »,
//!    « économies », « augmenter », « accroître »… ; « améliorer » takes its sign from the
//!    indicator's direction) and a number in per cent → [`TargetSpec::Change`]; the
//!    magnitude is the phrase's last percentage (« respectivement de 50 % et 75 % »);
//! 5. **absolute**: otherwise the phrase's last number → [`TargetSpec::Absolute`] (a *share*
//!    when written in per cent). « 1 M de m² » is 1 000 000; « 200 M€ » stays 200 (the unit
//!    is the million euros).
//!
//! **Ranges** (« de 20-30 % », « 6 à 8 % »): the target is the least ambitious bound, the
//! commitment the fiche guarantees: the smaller magnitude for a change; for a value, the
//! lower bound when the indicator increases and the upper one when it reduces. The range
//! is kept in [`ParsedTarget::range`] and in the target's statement.
//!
//! **Dates**: « en 2027 », « dès 2022 », « à l'horizon (de) 2024 », « d'ici 2025 » give the
//! year; « en 5 ans », « à 10 ans » count from [`FROM_YEAR`], the press kit's year. Several
//! dates split the phrase into milestones, each part ending at its date: « 6 à 8 % … en
//! 2024 et 10 à 12 % en 2030 » gives two targets. No date: `due_year` is `None` (the caller
//! applies the programme's horizon, 2030).
//!
//! **Numbers** are French: spaces (normal, no-break, narrow no-break, thin) between groups
//! of three digits, decimal comma.
//!
//! The verb is checked against the indicator's direction: « réduire » on an indicator that
//! should increase is an error, as is a from-to or a factor going the other way.

use super::indicator::Direction;
use super::target::TargetSpec;
use unicode_normalization::UnicodeNormalization;

/// The year durations count from (« en 5 ans » is 2024): the press kit is of 13 September
/// 2019.
pub const FROM_YEAR: i32 = 2019;

/// The form a target was written in, as the impact report counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetForm {
    /// « Réduire de 30 % ».
    Change,
    /// « Passer de 178 à 790 », « de 94 % à 80 % ».
    FromTo,
    /// « Multiplier par 5 », « Doubler ».
    Multiply,
    /// « Créer 1 000 emplois ».
    Absolute,
    /// « 80 % des produits ».
    Share,
    /// A target due at another date than the 2030 horizon (« en 2027 », « dès 2022 »).
    Dated,
    /// « Maintien du potentiel ».
    Maintain,
}

impl TargetForm {
    /// Every form, in report order.
    pub const ALL: &'static [TargetForm] = &[
        TargetForm::Change,
        TargetForm::FromTo,
        TargetForm::Multiply,
        TargetForm::Absolute,
        TargetForm::Share,
        TargetForm::Dated,
        TargetForm::Maintain,
    ];

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            TargetForm::Change => "variation relative",
            TargetForm::FromTo => "de … à …",
            TargetForm::Multiply => "multiplicateur",
            TargetForm::Absolute => "valeur absolue",
            TargetForm::Share => "part (%)",
            TargetForm::Dated => "échéance autre que 2030",
            TargetForm::Maintain => "maintien",
        }
    }

    /// The form of a target spec regardless of its date; `percent` says the value is a share
    /// in per cent (an absolute value in per cent is a [`Share`](Self::Share)).
    pub fn of_spec(spec: &TargetSpec, percent: bool) -> TargetForm {
        match spec {
            TargetSpec::Change { .. } => TargetForm::Change,
            TargetSpec::FromTo { .. } => TargetForm::FromTo,
            TargetSpec::Multiply { .. } => TargetForm::Multiply,
            TargetSpec::Absolute { .. } if percent => TargetForm::Share,
            TargetSpec::Absolute { .. } => TargetForm::Absolute,
            TargetSpec::Maintain => TargetForm::Maintain,
        }
    }
}

/// One target read from a phrase.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedTarget {
    /// How the target is stated.
    pub spec: TargetSpec,
    /// The year it is due, when the phrase gives one (`None`: the programme's horizon).
    pub due_year: Option<i32>,
    /// Whether the value(s) were written in per cent (« 80 % », « de 94 % à 80 % »).
    pub percent: bool,
    /// The range written, when the value is one bound of it (« 20-30 % » → (20, 30)).
    pub range: Option<(f64, f64)>,
}

impl ParsedTarget {
    /// The form it was written in, ignoring its date.
    pub fn form(&self) -> TargetForm {
        TargetForm::of_spec(&self.spec, self.percent)
    }
}

/// Why a phrase could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TargetPhraseError {
    /// Nothing but spaces.
    #[error("phrase cible vide")]
    Empty,
    /// No number, and no word that stands for one (« doubler », « maintien »).
    #[error("« {0} » : aucune valeur cible (ni nombre, ni « doubler », ni « maintien »)")]
    NoValue(String),
    /// The phrase goes one way and the indicator the other.
    #[error("« {phrase} » : « {said} » contredit le sens de l'indicateur (« {direction} »)")]
    Direction {
        /// The phrase.
        phrase: String,
        /// What in the phrase gives its way (a verb, a from-to, a factor).
        said: String,
        /// The indicator's direction, in French.
        direction: &'static str,
    },
    /// A relative change with no signed verb (« améliorer de 50 % ») on a « maintain »
    /// indicator: there is no sign to give it.
    #[error("« {0} » : variation sans sens (ni « réduire » ni « augmenter ») sur un indicateur à maintenir")]
    Unsigned(String),
    /// A factor of zero (« multiplier par 0 »), or a division by zero.
    #[error("« {0} » : facteur nul")]
    ZeroFactor(String),
}

/// A number found in the phrase, with where it is (char indices of the normalised text).
#[derive(Debug, Clone, Copy)]
struct Num {
    value: f64,
    start: usize,
    /// Just after the number, or after its `%` when it has one.
    end: usize,
    percent: bool,
}

/// A date marker (« en 2027 », « en 5 ans »): its year and the char index after it.
#[derive(Debug, Clone, Copy)]
struct Mark {
    year: i32,
    start: usize,
    end: usize,
}

/// Reads the targets of `phrase` for an indicator going in `direction`: one target, or one
/// per date when the phrase gives several (« … en 2024 et … en 2030 »), earliest first.
///
/// Errors: [`TargetPhraseError`] when there is no value, when the phrase contradicts the
/// direction, or when a factor is zero.
pub fn parse(phrase: &str, direction: Direction) -> Result<Vec<ParsedTarget>, TargetPhraseError> {
    if phrase.trim().is_empty() {
        return Err(TargetPhraseError::Empty);
    }
    let (orig, lower) = normalise(phrase);
    let nums = numbers(&orig, &lower);
    let marks = marks(&lower, &nums);
    let nums: Vec<Num> = nums
        .into_iter()
        .filter(|n| !marks.iter().any(|m| n.start >= m.start && n.start < m.end))
        .collect();
    let cx = Cx { phrase, direction };
    let mut out = Vec::new();
    if marks.len() < 2 {
        let mut t = cx.segment(&lower, &nums)?;
        t.due_year = marks.first().map(|m| m.year);
        out.push(t);
    } else {
        let mut from = 0;
        for (i, m) in marks.iter().enumerate() {
            let to = if i + 1 == marks.len() { lower.len() } else { m.end };
            let part: Vec<Num> = nums.iter().copied().filter(|n| n.start >= from && n.start < to).collect();
            let mut t = cx.segment(&lower[from..to], &shift(&part, from))?;
            t.due_year = Some(m.year);
            out.push(t);
            from = to;
        }
        out.sort_by_key(|t| t.due_year);
    }
    Ok(out)
}

/// Numbers re-indexed to a segment starting at `from`.
fn shift(nums: &[Num], from: usize) -> Vec<Num> {
    nums.iter()
        .map(|n| Num {
            start: n.start - from,
            end: n.end - from,
            ..*n
        })
        .collect()
}

/// The phrase and the indicator's direction, for errors and signs.
struct Cx<'a> {
    phrase: &'a str,
    direction: Direction,
}

impl Cx<'_> {
    fn mismatch(&self, said: impl Into<String>) -> TargetPhraseError {
        TargetPhraseError::Direction {
            phrase: self.phrase.to_owned(),
            said: said.into(),
            direction: self.direction.label(),
        }
    }

    /// Checks that a change of sign `sign` (−1 lower, +1 higher, 0 same) fits the direction.
    fn check(&self, sign: i8, said: impl Into<String>) -> Result<(), TargetPhraseError> {
        let fits = match self.direction {
            Direction::Increase => sign > 0,
            Direction::Reduce => sign < 0,
            Direction::Maintain => sign == 0,
        };
        if fits {
            Ok(())
        } else {
            Err(self.mismatch(said))
        }
    }

    /// One part of a phrase (one date at most), `s` its normalised lower-case chars.
    fn segment(&self, s: &[char], nums: &[Num]) -> Result<ParsedTarget, TargetPhraseError> {
        let text: String = s.iter().collect();
        let target = |spec, percent, range| ParsedTarget {
            spec,
            due_year: None,
            percent,
            range,
        };
        if has_word(&text, &["maintien", "maintenir", "maintenu"]) {
            self.check(0, "maintien")?;
            return Ok(target(TargetSpec::Maintain, false, None));
        }
        for w in nums.windows(2) {
            let (a, b) = (w[0], w[1]);
            let between: String = s[a.end..b.start].iter().collect();
            let before: String = s[..a.start].iter().collect();
            let passer = has_word(&before, &["passer", "passe", "passant"]);
            if between.trim() == "a" && ends_with_word(before.trim_end(), "de") && ((a.percent && b.percent) || passer) {
                let sign = if b.value > a.value { 1 } else { -1 };
                self.check(sign, format!("de {} à {}", a.value, b.value))?;
                let spec = TargetSpec::FromTo {
                    from: a.value,
                    to: b.value,
                };
                return Ok(target(spec, a.percent && b.percent, None));
            }
        }
        if let Some(factor) = self.factor(&text, s, nums)? {
            if factor == 0.0 || !factor.is_finite() {
                return Err(TargetPhraseError::ZeroFactor(self.phrase.to_owned()));
            }
            let sign = if factor > 1.0 { 1 } else { -1 };
            self.check(sign, format!("×{factor}"))?;
            return Ok(target(TargetSpec::Multiply { factor }, false, None));
        }
        if text.contains("de moitie") {
            self.check(-1, "de moitié")?;
            return Ok(target(TargetSpec::Change { percent: -50.0 }, true, None));
        }
        let values = ranges(s, nums);
        // A verb of change counts only with a percentage: « économie de 500 000 €/an » is
        // an absolute value.
        if let Some(v) = values.iter().rev().find(|v| v.percent) {
            if let Some(sign) = self.change_sign(&text)? {
                let magnitude = match v.range {
                    Some((lo, hi)) => lo.abs().min(hi.abs()),
                    None => v.value.abs(),
                };
                let spec = TargetSpec::Change {
                    percent: f64::from(sign) * magnitude,
                };
                return Ok(target(spec, true, v.range));
            }
        }
        let Some(v) = values.last() else {
            return Err(TargetPhraseError::NoValue(self.phrase.to_owned()));
        };
        let value = match (v.range, self.direction) {
            (Some((_, hi)), Direction::Reduce) => hi,
            (Some((lo, _)), _) => lo,
            (None, _) => v.value,
        };
        Ok(target(TargetSpec::Absolute { value }, v.percent, v.range))
    }

    /// The factor of a multiplier phrase, if it is one.
    fn factor(&self, text: &str, s: &[char], nums: &[Num]) -> Result<Option<f64>, TargetPhraseError> {
        for (verb, invert) in [
            ("multiplier par", false),
            ("multiplie par", false),
            ("diviser par", true),
            ("divise par", true),
        ] {
            if let Some(at) = find_word(text, verb) {
                let after = &text[at + verb.len()..];
                let n = word_number(after).or_else(|| {
                    let from = text[..at + verb.len()].chars().count();
                    nums.iter().find(|n| n.start >= from).map(|n| n.value)
                });
                let Some(n) = n else {
                    return Err(TargetPhraseError::NoValue(self.phrase.to_owned()));
                };
                return Ok(Some(if invert && n != 0.0 { 1.0 / n } else { n }));
            }
        }
        for (verb, f) in [
            ("doubler", 2.0),
            ("double", 2.0),
            ("tripler", 3.0),
            ("triple", 3.0),
            ("quadrupler", 4.0),
        ] {
            if find_word(text, verb).is_some() {
                return Ok(Some(f));
            }
        }
        for n in nums {
            let after: String = s[n.end..].iter().collect();
            let after = after.trim_start();
            if after.starts_with("fois plus") {
                return Ok(Some(n.value));
            }
            if after.starts_with("fois moins") && n.value != 0.0 {
                return Ok(Some(1.0 / n.value));
            }
        }
        Ok(None)
    }

    /// The sign of the phrase's first verb of change, if it has one; a neutral verb
    /// (« améliorer ») takes the indicator's direction. Errors when the verb contradicts it.
    fn change_sign(&self, text: &str) -> Result<Option<i8>, TargetPhraseError> {
        const DOWN: &[&str] = &[
            "reduire",
            "reduction",
            "diminuer",
            "diminution",
            "baisser",
            "baisse",
            "economie",
            "economies",
            "economiser",
        ];
        const UP: &[&str] = &["augmenter", "augmentant", "augmentation", "accroitre", "accroissement", "hausse"];
        const NEUTRAL: &[&str] = &["ameliorer", "amelioration"];
        let first = |words: &[&'static str]| words.iter().filter_map(|w| find_word(text, w).map(|at| (at, *w))).min();
        let found = [(first(DOWN), -1i8), (first(UP), 1), (first(NEUTRAL), 0)]
            .into_iter()
            .filter_map(|(f, sign)| f.map(|(at, w)| (at, w, sign)))
            .min();
        let Some((_, verb, sign)) = found else {
            return Ok(None);
        };
        let sign = match (sign, self.direction) {
            (0, Direction::Increase) => 1,
            (0, Direction::Reduce) => -1,
            (0, Direction::Maintain) => return Err(TargetPhraseError::Unsigned(self.phrase.to_owned())),
            (s, _) => s,
        };
        self.check(sign, verb)?;
        Ok(Some(sign))
    }
}

/// A value after folding ranges: one number, or a range « X à Y % » / « X-Y % » kept whole.
#[derive(Debug, Clone, Copy)]
struct Value {
    value: f64,
    percent: bool,
    range: Option<(f64, f64)>,
}

/// The numbers of a segment, each range « 6 à 8 % », « 20-30 % » (per cent on the second
/// only, first smaller) folded into one value.
fn ranges(s: &[char], nums: &[Num]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < nums.len() {
        let a = nums[i];
        if let Some(&b) = nums.get(i + 1) {
            let between: String = s[a.end..b.start].iter().collect();
            if matches!(between.trim(), "a" | "-") && !a.percent && b.percent && a.value < b.value {
                out.push(Value {
                    value: a.value,
                    percent: true,
                    range: Some((a.value, b.value)),
                });
                i += 2;
                continue;
            }
        }
        out.push(Value {
            value: a.value,
            percent: a.percent,
            range: None,
        });
        i += 1;
    }
    out
}

/// The phrase without accents, with one kind of space, apostrophe and dash: `(case kept,
/// lower case)`, char for char the same length.
fn normalise(phrase: &str) -> (Vec<char>, Vec<char>) {
    let mut orig = Vec::new();
    for c in phrase.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let c = match c {
            '\u{a0}' | '\u{202f}' | '\u{2009}' | '\t' | '\n' | '\r' => ' ',
            '’' | 'ʼ' => '\'',
            '–' | '—' | '−' | '‑' => '-',
            c => c,
        };
        if c == ' ' && orig.last() == Some(&' ') {
            continue;
        }
        orig.push(c);
    }
    let lower = orig.iter().map(|c| c.to_lowercase().next().unwrap_or(*c)).collect();
    (orig, lower)
}

/// Every number of the phrase: French groups of three, decimal comma, « M de » millions,
/// whether a `%` follows.
fn numbers(orig: &[char], s: &[char]) -> Vec<Num> {
    let digit = |i: usize| s.get(i).is_some_and(|c| c.is_ascii_digit());
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if !digit(i) || (i > 0 && (s[i - 1].is_alphanumeric() || s[i - 1] == '.' || s[i - 1] == ',')) {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i;
        while digit(j) {
            j += 1;
        }
        let mut text: String = s[start..j].iter().collect();
        if j - start <= 3 {
            while s.get(j) == Some(&' ') && (1..=3).all(|k| digit(j + k)) && !digit(j + 4) {
                text.extend(&s[j + 1..j + 4]);
                j += 4;
            }
        }
        if s.get(j) == Some(&',') && digit(j + 1) {
            text.push('.');
            j += 1;
            while digit(j) {
                text.push(s[j]);
                j += 1;
            }
        }
        let mut value: f64 = text.parse().unwrap_or(f64::NAN);
        let mut end = j;
        let mut k = j;
        while s.get(k) == Some(&' ') {
            k += 1;
        }
        let percent = s.get(k) == Some(&'%');
        if percent {
            end = k + 1;
        }
        let rest: String = s[k.min(s.len())..].iter().collect();
        let million =
            (orig.get(k) == Some(&'M') && rest.starts_with("m de ")) || rest.starts_with("millions de ") || rest.starts_with("million de ");
        if million {
            value *= 1_000_000.0;
        }
        if value.is_finite() {
            out.push(Num {
                value,
                start,
                end,
                percent,
            });
        }
        i = j;
    }
    out
}

/// The date markers of the phrase: « en 2027 », « dès 2022 », « horizon (de) 2024 »,
/// « d'ici 2025 » (a year 2019–2100), « en 5 ans », « à 10 ans » (from [`FROM_YEAR`]).
fn marks(s: &[char], nums: &[Num]) -> Vec<Mark> {
    let mut out = Vec::new();
    for n in nums {
        let before: String = s[..n.start].iter().collect();
        let before = before.trim_end();
        let after: String = s[n.end..].iter().collect();
        let word_before = |words: &[&str]| words.iter().any(|w| ends_with_word(before, w));
        let integral = n.value.fract() == 0.0 && !n.percent;
        let year_words = ["en", "des", "horizon", "horizon de", "d'ici", "ici", "d'ici a"];
        if integral && (2019.0..=2100.0).contains(&n.value) && word_before(&year_words) {
            out.push(Mark {
                year: n.value as i32,
                start: n.start,
                end: n.end,
            });
            continue;
        }
        let ans = after.strip_prefix(" ans").filter(|r| !r.starts_with(|c: char| c.is_alphanumeric()));
        if integral && n.value <= 80.0 && ans.is_some() && word_before(&["en", "a", "d'ici", "sous"]) {
            out.push(Mark {
                year: FROM_YEAR + n.value as i32,
                start: n.start,
                end: n.end + " ans".len(),
            });
        }
    }
    out
}

/// Whether `text` ends with `word` as a whole word.
fn ends_with_word(text: &str, word: &str) -> bool {
    text.strip_suffix(word)
        .is_some_and(|rest| rest.is_empty() || rest.ends_with(|c: char| !c.is_alphanumeric()))
}

/// Byte index of the first occurrence of `word` starting a word (it may continue: « réduire »
/// finds « réduire » in « réduire » only, but « economie » finds « économies »).
fn find_word(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word)
        .map(|(at, _)| at)
        .find(|&at| at == 0 || text[..at].ends_with(|c: char| !c.is_alphanumeric()))
}

/// Whether one of `words` starts a word of `text`.
fn has_word(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| find_word(text, w).is_some())
}

/// A number written in letters at the start of `text` (« deux », « cinq »…).
fn word_number(text: &str) -> Option<f64> {
    let first = text.split_whitespace().next()?;
    let n = match first {
        "deux" => 2.0,
        "trois" => 3.0,
        "quatre" => 4.0,
        "cinq" => 5.0,
        "dix" => 10.0,
        _ => return None,
    };
    Some(n)
}

#[cfg(test)]
mod tests;
