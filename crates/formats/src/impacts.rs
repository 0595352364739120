//! The catalogue of the laureates' 2030 impacts (`data/impacts-2030.toml`): for every
//! « Impacts à horizon 2030 » sentence of the press kit, the indicators made from it or the
//! reason it stays qualitative.
//!
//! The TOML file is curated by hand; this module checks it against the fiches and builds a
//! [`Catalogue`]. The targets are not written in the file: each indicator names the
//! `phrase` of its sentence that states its target, and
//! [`territoires_domain::impact::target_phrase`] reads it. So an edited fiche, a phrase
//! that is not in its sentence, or a phrase read another way than the file assumes (a
//! « réduire » on an indicator that should increase) fails loudly, naming the entry.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use territoires_domain::impact::catalogue::{Catalogue, Impact, ImpactOutcome, Mapping};
use territoires_domain::impact::target_phrase::{self, TargetForm};
use territoires_domain::impact::taxonomy::ProgrammeIndicator;
use territoires_domain::impact::{
    Baseline, Direction, Frequency, ImpactError, Indicator, IndicatorKind, Target, TargetSpec, Temporality, Unit,
};
use territoires_domain::Project;
use time::{Date, Month};

/// The curated catalogue shipped with the product, for the embedded press kit.
pub const EMBEDDED: &str = include_str!("../../../data/impacts-2030.toml");
/// The file name of [`EMBEDDED`], used in error messages.
pub const EMBEDDED_FILE: &str = "impacts-2030.toml";
/// The programme's horizon: a target whose phrase gives no date is due 31 December 2030.
pub const HORIZON_YEAR: i32 = 2030;
/// What `data_source` and `method` say when the fiche says nothing about them.
pub const TO_BE_SPECIFIED: &str = "à préciser par le porteur";
/// Where a baseline stated by a fiche (the « de » of « de 94 % à 80 % ») comes from.
pub const BASELINE_SOURCE: &str = "dossier de presse du 13 septembre 2019";
/// The date of a baseline stated by a fiche: the press kit's date.
pub const BASELINE_DATE: Date = time::macros::date!(2019 - 09 - 13);

/// A catalogue that does not fit the fiches, or cannot be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CatalogueError {
    /// The TOML itself is malformed (the message gives line and column).
    #[error("{EMBEDDED_FILE} : TOML illisible : {0}")]
    Toml(String),
    /// An entry is wrong, or a fiche sentence has no entry.
    #[error("{EMBEDDED_FILE} : impact {project} n° {position}, champ « {field} » : {why}")]
    Entry {
        /// Project slug.
        project: String,
        /// Sentence position in the fiche, from 1.
        position: u32,
        /// The TOML field concerned (`sentence`, `indicator[2].phrase`…).
        field: String,
        /// What is wrong, in French.
        why: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    impact: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    project: String,
    position: u32,
    sentence: String,
    qualitative: Option<String>,
    #[serde(default)]
    indicator: Vec<IndicatorEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorEntry {
    code: String,
    name: String,
    definition: String,
    unit: String,
    kind: String,
    direction: String,
    temporality: String,
    frequency: String,
    phrase: String,
    programme: Option<String>,
    data_source: Option<String>,
    method: Option<String>,
}

/// Builds the catalogue of `projects` (the press kit's, in document order) from `toml` (the
/// format of [`EMBEDDED`]).
///
/// Checks, each failure a [`CatalogueError`] naming project, position and field: every
/// sentence of every fiche has exactly one entry and its `sentence` is the fiche's text
/// (spaces aside); an entry is either `qualitative` with a reason or has indicators; each
/// indicator's code is unique and starts with the project slug, its `phrase` is in the
/// sentence and reads as a target fitting its direction, its unit, kind, direction,
/// temporality and frequency are known codes, a value written in per cent goes with the
/// unit `percent` (and only then), its programme indicator exists with the same dimension,
/// kind, temporality and direction, and [`Indicator::validate`] accepts it.
///
/// Targets without a date are due 31 December [`HORIZON_YEAR`]; the baseline is the `from`
/// of a from-to target (dated [`BASELINE_DATE`]) or unknown, never zero; the responsible
/// organisation is the project's lead.
pub fn catalogue(projects: &[Project], toml: &str) -> Result<Catalogue, CatalogueError> {
    let file: File = toml::from_str(toml).map_err(|e| CatalogueError::Toml(e.to_string()))?;
    let mut entries: BTreeMap<(String, u32), Entry> = BTreeMap::new();
    for e in file.impact {
        let Some(project) = projects.iter().find(|p| p.slug == e.project) else {
            return Err(err(&e.project, e.position, "project", "projet inconnu du dossier de presse"));
        };
        let n = project.impacts_2030.len();
        if e.position == 0 || e.position as usize > n {
            return Err(err(
                &e.project,
                e.position,
                "position",
                format!("la fiche a {n} phrases d'impact (positions 1 à {n})"),
            ));
        }
        let key = (e.project.clone(), e.position);
        if entries.contains_key(&key) {
            return Err(err(&e.project, e.position, "position", "entrée en double"));
        }
        entries.insert(key, e);
    }
    let mut out = Catalogue::default();
    let mut codes = HashSet::new();
    for p in projects {
        for (i, sentence) in p.impacts_2030.iter().enumerate() {
            let position = i as u32 + 1;
            let Some(e) = entries.get(&(p.slug.clone(), position)) else {
                return Err(err(
                    &p.slug,
                    position,
                    "sentence",
                    format!("phrase de la fiche sans entrée : « {sentence} »"),
                ));
            };
            if squash(&e.sentence) != squash(sentence) {
                return Err(err(
                    &p.slug,
                    position,
                    "sentence",
                    format!("ne correspond plus à la fiche, qui dit : « {sentence} »"),
                ));
            }
            let outcome = match (&e.qualitative, e.indicator.is_empty()) {
                (Some(_), false) => return Err(err(&p.slug, position, "qualitative", "à la fois qualitatif et chiffré")),
                (None, true) => return Err(err(&p.slug, position, "indicator", "ni indicateur ni raison qualitative")),
                (Some(reason), true) if reason.trim().is_empty() => return Err(err(&p.slug, position, "qualitative", "raison vide")),
                (Some(reason), true) => ImpactOutcome::Qualitative {
                    reason: reason.trim().to_owned(),
                },
                (None, false) => {
                    let mut made = Vec::new();
                    for (k, ie) in e.indicator.iter().enumerate() {
                        let field = |f: &str| format!("indicator[{}].{f}", k + 1);
                        let fail = |f: &str, why: String| err(&p.slug, position, &field(f), why);
                        let indicator = build(p, sentence, ie).map_err(|(f, why)| fail(f, why))?;
                        if !codes.insert(indicator.code.clone()) {
                            return Err(fail("code", format!("code « {} » déjà pris", indicator.code)));
                        }
                        if let Some(code) = &ie.programme {
                            out.mappings.push(Mapping {
                                indicator: indicator.code.clone(),
                                programme_indicator: code.clone(),
                            });
                        }
                        made.push(indicator.code.clone());
                        out.indicators.push(indicator);
                    }
                    ImpactOutcome::Structured { indicators: made }
                }
            };
            out.impacts.push(Impact {
                project: p.slug.clone(),
                position,
                sentence: sentence.clone(),
                outcome,
            });
        }
    }
    Ok(out)
}

fn err(project: &str, position: u32, field: &str, why: impl Into<String>) -> CatalogueError {
    CatalogueError::Entry {
        project: project.to_owned(),
        position,
        field: field.to_owned(),
        why: why.into(),
    }
}

/// Text with every run of (Unicode) spaces made one plain space, for comparing sentences:
/// a TOML editor may turn a no-break space into a space, which is not an edit of the fiche.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One indicator of an entry; errors are `(field, why)`.
fn build(p: &Project, sentence: &str, ie: &IndicatorEntry) -> Result<Indicator, (&'static str, String)> {
    if !ie.code.starts_with(&format!("{}.", p.slug)) || ie.code.len() <= p.slug.len() + 1 {
        return Err(("code", format!("« {} » doit commencer par « {}. »", ie.code, p.slug)));
    }
    let unit = Unit::parse(&ie.unit).map_err(|e| ("unit", e.to_string()))?;
    let kind = IndicatorKind::from_code(&ie.kind).ok_or(("kind", format!("« {} » inconnu", ie.kind)))?;
    if kind == IndicatorKind::Qualitative {
        return Err(("kind", "un indicateur chiffré ne peut être « qualitative »".into()));
    }
    let direction = Direction::from_code(&ie.direction).ok_or(("direction", format!("« {} » inconnue", ie.direction)))?;
    let temporality = Temporality::from_code(&ie.temporality).ok_or(("temporality", format!("« {} » inconnue", ie.temporality)))?;
    let frequency = Frequency::from_code(&ie.frequency).ok_or(("frequency", format!("« {} » inconnue", ie.frequency)))?;
    if ie.phrase.trim().is_empty() || !squash(sentence).contains(&squash(&ie.phrase)) {
        return Err(("phrase", format!("« {} » n'est pas un extrait de la phrase", ie.phrase)));
    }
    let parsed = target_phrase::parse(&ie.phrase, direction).map_err(|e| ("phrase", e.to_string()))?;
    let mut targets = Vec::new();
    for t in &parsed {
        let in_percent = matches!(t.spec, TargetSpec::Absolute { .. } | TargetSpec::FromTo { .. }) && t.percent;
        let valued = matches!(t.spec, TargetSpec::Absolute { .. } | TargetSpec::FromTo { .. });
        if valued && in_percent != unit.is_percent() {
            let why = if in_percent {
                format!("la cible est en %, l'unité « {} » ne l'est pas", unit.code)
            } else {
                "la cible n'est pas en %, l'unité « percent » l'exige".to_owned()
            };
            return Err(("unit", why));
        }
        let year = t.due_year.unwrap_or(HORIZON_YEAR);
        let due = Date::from_calendar_date(year, Month::December, 31).map_err(|e| ("phrase", format!("année {year} : {e}")))?;
        targets.push(Target {
            due,
            spec: t.spec,
            statement: Some(ie.phrase.clone()),
        });
    }
    let baseline = targets.first().and_then(|t| t.spec.stated_baseline()).map(|value| Baseline {
        value,
        date: BASELINE_DATE,
        source: BASELINE_SOURCE.to_owned(),
    });
    if let Some(code) = &ie.programme {
        let pi = ProgrammeIndicator::find(code).ok_or(("programme", format!("indicateur de programme « {code} » inconnu")))?;
        pi.factor_from(unit.code).map_err(|e| ("programme", format!("« {code} » : {e}")))?;
        if pi.temporality != temporality
            || (pi.kind == IndicatorKind::Percentage) != (kind == IndicatorKind::Percentage)
            || pi.direction != direction
        {
            return Err((
                "programme",
                format!(
                    "« {code} » est « {} », « {} », « {} » ; l'indicateur est « {} », « {} », « {} »",
                    pi.kind.label(),
                    pi.temporality.label(),
                    pi.direction.label(),
                    kind.label(),
                    temporality.label(),
                    direction.label()
                ),
            ));
        }
    }
    let or_tbd = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or(TO_BE_SPECIFIED)
            .to_owned()
    };
    let indicator = Indicator {
        code: ie.code.clone(),
        project: Some(p.slug.clone()),
        name: ie.name.trim().to_owned(),
        definition: ie.definition.trim().to_owned(),
        unit: unit.code.to_owned(),
        kind,
        direction,
        temporality,
        baseline,
        targets,
        data_source: or_tbd(&ie.data_source),
        method: or_tbd(&ie.method),
        frequency,
        responsible: p.lead.clone(),
        version: 1,
    };
    indicator.validate().map_err(|e| match e {
        ImpactError::Invalid { field, why } => (field, why),
        other => ("unit", other.to_string()),
    })?;
    Ok(indicator)
}

/// The form an indicator's target is written in, as the report counts them:
/// [`TargetForm::Dated`] when a milestone is due another year than [`HORIZON_YEAR`],
/// otherwise the form of its final target (a value in per cent is a
/// [`TargetForm::Share`]). `None` for an indicator without targets.
pub fn target_form(indicator: &Indicator) -> Option<TargetForm> {
    let last = indicator.targets.iter().max_by_key(|t| t.due)?;
    if indicator.targets.iter().any(|t| t.due.year() != HORIZON_YEAR) {
        return Some(TargetForm::Dated);
    }
    let percent = Unit::parse(&indicator.unit).is_ok_and(|u| u.is_percent());
    Some(TargetForm::of_spec(&last.spec, percent))
}

/// What `territoires impacts report` prints: how many sentences were structured, the
/// indicators by target form, and the sentences kept qualitative with their reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Sentences structured into indicators.
    pub structured: usize,
    /// All impact sentences.
    pub sentences: usize,
    /// Indicators made.
    pub indicators: usize,
    /// Indicators by the form of their target ([`target_form`]), every form listed.
    pub forms: Vec<FormCount>,
    /// The sentences kept qualitative, in fiche order.
    pub qualitative: Vec<QualitativeImpact>,
}

/// How many indicators have a target of one form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormCount {
    /// The form.
    pub form: TargetForm,
    /// Its French label.
    pub label: &'static str,
    /// How many indicators.
    pub count: usize,
}

/// A sentence kept qualitative.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QualitativeImpact {
    /// Project slug.
    pub project: String,
    /// Position in the fiche, from 1.
    pub position: u32,
    /// The sentence.
    pub sentence: String,
    /// Why it is not quantified.
    pub reason: String,
}

/// The report of a catalogue.
pub fn report(c: &Catalogue) -> Report {
    let (structured, sentences) = c.structured_count();
    let forms = TargetForm::ALL
        .iter()
        .map(|&form| FormCount {
            form,
            label: form.label(),
            count: c.indicators.iter().filter(|i| target_form(i) == Some(form)).count(),
        })
        .collect();
    let qualitative = c
        .impacts
        .iter()
        .filter_map(|i| match &i.outcome {
            ImpactOutcome::Qualitative { reason } => Some(QualitativeImpact {
                project: i.project.clone(),
                position: i.position,
                sentence: i.sentence.clone(),
                reason: reason.clone(),
            }),
            ImpactOutcome::Structured { .. } => None,
        })
        .collect();
    Report {
        structured,
        sentences,
        indicators: c.indicators.len(),
        forms,
        qualitative,
    }
}

#[cfg(test)]
mod tests;
