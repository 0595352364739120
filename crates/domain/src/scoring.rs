//! The evaluation grid (*grille d'évaluation*) and the committee's scoring and ranking
//! (issue 3 of the project: « an evaluation grid (weighted criteria and scales) …
//! Independent scoring, then the committee's moderation, ranking »).
//!
//! # Arithmetic: exact, never floats
//!
//! Weights are whole percentage points summing to 100 and values are whole points, so one
//! expert's weighted mean `Σ (weightᵢ / 100) × valueᵢ` is exactly `Σ weightᵢ × valueᵢ`
//! **hundredths of a point**: [`WeightedScore`] holds that integer, with no rounding.
//! Grid 40/35/25, scores 4/3/5: 40×4 + 35×3 + 25×5 = 160 + 105 + 125 = 390 hundredths
//! = 3,90 points.
//!
//! The committee's mean of several experts' weighted scores is kept as the exact fraction
//! `Σ hundredths / (100 × experts)` ([`MeanScore`]); ranking compares these fractions
//! exactly (cross-multiplication). Only its display is rounded, to thousandths of a point,
//! half away from zero ([`MeanScore::thousandths`]).
//!
//! Values are weighed as raw points of each criterion's scale: a grid mixing a 0–5 and a
//! 0–20 scale gives the 0–20 criterion more pull than its weight says. Grids should use
//! one scale; this module does not rescale.

use crate::application::ApplicationId;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::HashSet;

/// The scale of a criterion: whole points from `min` to `max` inclusive, `min < max`
/// (e.g. 0–5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scale {
    /// Lowest value (points).
    pub min: u8,
    /// Highest value (points).
    pub max: u8,
}

impl Scale {
    /// Whether `value` lies on the scale (`min ≤ value ≤ max`).
    pub fn contains(self, value: u8) -> bool {
        (self.min..=self.max).contains(&value)
    }
}

/// A criterion of the grid (*critère*).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Criterion {
    /// Short stable code, unique in the grid, that [`Score::criterion`] refers to (e.g.
    /// `impact`). Compared exactly.
    pub code: String,
    /// French label shown to experts (e.g. *Ambition et caractère innovant*).
    pub label: String,
    /// Weight in whole percentage points (1–100); a grid's weights sum to 100.
    pub weight: u32,
    /// The scale on which the criterion is scored.
    pub scale: Scale,
}

/// A validated evaluation grid: at least one criterion, codes non-blank and unique, every
/// weight at least 1 point, weights summing to exactly 100, every scale with `min < max`.
///
/// Built only by [`ScoringGrid::new`] (also when deserialised from a JSON array of
/// criteria), so a grid in hand is always valid.
///
/// No OpenAPI schema is derived (it would describe the private field, not the JSON array
/// it serialises to): the API layer documents it as an array of [`Criterion`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Criterion>", into = "Vec<Criterion>")]
pub struct ScoringGrid {
    criteria: Vec<Criterion>,
}

/// Why a grid was refused by [`ScoringGrid::new`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GridError {
    /// The grid has no criterion.
    #[error("la grille d'évaluation doit compter au moins un critère")]
    NoCriteria,
    /// A criterion's code is empty or whitespace (`index` counts from 0).
    #[error("le critère n° {} n'a pas de code", index + 1)]
    BlankCode {
        /// Position of the criterion in the list, from 0.
        index: usize,
    },
    /// Two criteria share a code.
    #[error("le code de critère « {code} » est utilisé deux fois")]
    DuplicateCode {
        /// The repeated code.
        code: String,
    },
    /// A criterion has no French label: experts would score it blind.
    #[error("le critère « {code} » n'a pas de libellé")]
    BlankLabel {
        /// The criterion's code.
        code: String,
    },
    /// A criterion weighs 0 points: it would be scored for nothing.
    #[error("le critère « {code} » a un poids nul")]
    ZeroWeight {
        /// The criterion's code.
        code: String,
    },
    /// A scale whose minimum is not below its maximum.
    #[error("le barème du critère « {code} » va de {min} à {max} : le minimum doit être inférieur au maximum")]
    InvalidScale {
        /// The criterion's code.
        code: String,
        /// The scale's minimum.
        min: u8,
        /// The scale's maximum.
        max: u8,
    },
    /// The weights do not sum to 100 percentage points.
    #[error("les poids des critères totalisent {sum} points au lieu de 100")]
    WeightsDoNotSumTo100 {
        /// The actual sum (percentage points).
        sum: u64,
    },
}

/// One expert's score on one criterion (*note*): a whole number of points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Score {
    /// The [`Criterion::code`] scored.
    pub criterion: String,
    /// The value, in points of the criterion's scale.
    pub value: u8,
}

/// Why one expert's scores could not be combined by [`ScoringGrid::weighted_score`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    /// A criterion of the grid has no score.
    #[error("le critère « {code} » n'est pas noté")]
    MissingCriterion {
        /// The criterion's code.
        code: String,
    },
    /// A score names a criterion the grid does not have.
    #[error("le critère « {code} » n'existe pas dans la grille")]
    UnknownCriterion {
        /// The code given.
        code: String,
    },
    /// A criterion is scored twice.
    #[error("le critère « {code} » est noté deux fois")]
    DuplicateScore {
        /// The criterion's code.
        code: String,
    },
    /// A value outside the criterion's scale.
    #[error("la note {value} du critère « {code} » sort du barème {min} à {max}")]
    OutOfScale {
        /// The criterion's code.
        code: String,
        /// The value given.
        value: u8,
        /// The scale's minimum.
        min: u8,
        /// The scale's maximum.
        max: u8,
    },
}

impl ScoringGrid {
    /// Validates `criteria` into a grid, keeping their order. Checks, in this order, and
    /// answers with the first failure: [`GridError::NoCriteria`]; per criterion in order
    /// [`GridError::BlankCode`], [`GridError::DuplicateCode`], [`GridError::BlankLabel`],
    /// [`GridError::ZeroWeight`],
    /// [`GridError::InvalidScale`]; then [`GridError::WeightsDoNotSumTo100`].
    pub fn new(criteria: Vec<Criterion>) -> Result<ScoringGrid, GridError> {
        if criteria.is_empty() {
            return Err(GridError::NoCriteria);
        }
        let mut seen = HashSet::new();
        for (index, c) in criteria.iter().enumerate() {
            if c.code.trim().is_empty() {
                return Err(GridError::BlankCode { index });
            }
            if !seen.insert(c.code.as_str()) {
                return Err(GridError::DuplicateCode { code: c.code.clone() });
            }
            if c.label.trim().is_empty() {
                return Err(GridError::BlankLabel { code: c.code.clone() });
            }
            if c.weight == 0 {
                return Err(GridError::ZeroWeight { code: c.code.clone() });
            }
            if c.scale.min >= c.scale.max {
                return Err(GridError::InvalidScale {
                    code: c.code.clone(),
                    min: c.scale.min,
                    max: c.scale.max,
                });
            }
        }
        let sum: u64 = criteria.iter().map(|c| u64::from(c.weight)).sum();
        if sum != 100 {
            return Err(GridError::WeightsDoNotSumTo100 { sum });
        }
        Ok(ScoringGrid { criteria })
    }

    /// The criteria, in the order given.
    pub fn criteria(&self) -> &[Criterion] {
        &self.criteria
    }

    /// One expert's weighted mean over the grid, exactly, in hundredths of a point:
    /// `Σ weightᵢ × valueᵢ` (weights in percentage points). `scores` may come in any
    /// order but must score every criterion exactly once, on its scale.
    ///
    /// Errors: [`ScoreError::UnknownCriterion`], [`ScoreError::DuplicateScore`],
    /// [`ScoreError::OutOfScale`] (checked score by score, in the order given), then
    /// [`ScoreError::MissingCriterion`] (first missing in grid order).
    pub fn weighted_score(&self, scores: &[Score]) -> Result<WeightedScore, ScoreError> {
        let mut seen = HashSet::new();
        let mut total: u32 = 0;
        for s in scores {
            let c = self
                .criteria
                .iter()
                .find(|c| c.code == s.criterion)
                .ok_or_else(|| ScoreError::UnknownCriterion { code: s.criterion.clone() })?;
            if !seen.insert(c.code.as_str()) {
                return Err(ScoreError::DuplicateScore { code: c.code.clone() });
            }
            if !c.scale.contains(s.value) {
                return Err(ScoreError::OutOfScale {
                    code: c.code.clone(),
                    value: s.value,
                    min: c.scale.min,
                    max: c.scale.max,
                });
            }
            // weight ≤ 100 and value ≤ 255, and Σ weights = 100: the total is ≤ 25 500.
            total += c.weight * u32::from(s.value);
        }
        if let Some(c) = self.criteria.iter().find(|c| !seen.contains(c.code.as_str())) {
            return Err(ScoreError::MissingCriterion { code: c.code.clone() });
        }
        Ok(WeightedScore(total))
    }
}

impl TryFrom<Vec<Criterion>> for ScoringGrid {
    type Error = GridError;
    fn try_from(criteria: Vec<Criterion>) -> Result<Self, GridError> {
        ScoringGrid::new(criteria)
    }
}

impl From<ScoringGrid> for Vec<Criterion> {
    fn from(grid: ScoringGrid) -> Self {
        grid.criteria
    }
}

/// One expert's weighted score of one application, exactly, in **hundredths of a point**:
/// `WeightedScore(390)` is 3,90 points. Built by [`ScoringGrid::weighted_score`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct WeightedScore(pub u32);

impl WeightedScore {
    /// The score in hundredths of a point.
    pub fn hundredths(self) -> u32 {
        self.0
    }

    /// French display with two decimals: `3,90`.
    pub fn fmt_fr(self) -> String {
        format!("{},{:02}", self.0 / 100, self.0 % 100)
    }
}

/// The committee's mean of several experts' weighted scores of one application, kept as
/// the exact fraction `sum_hundredths / (100 × experts)` points (at least one expert).
///
/// Equality and order are those of the fractions (1 expert at 3,90 equals 2 experts at
/// 3,90 and 3,90), compared exactly by cross-multiplication; nothing is rounded until
/// [`thousandths`](Self::thousandths).
#[derive(Debug, Clone, Copy)]
pub struct MeanScore {
    sum_hundredths: u64,
    experts: u32,
}

impl MeanScore {
    /// The mean of `scores`; `None` when there is none (or more than `u32::MAX`).
    pub fn of(scores: &[WeightedScore]) -> Option<MeanScore> {
        let experts = u32::try_from(scores.len()).ok().filter(|n| *n > 0)?;
        let sum_hundredths = scores.iter().map(|s| u64::from(s.0)).sum();
        Some(MeanScore { sum_hundredths, experts })
    }

    /// The number of experts' scores averaged.
    pub fn experts(self) -> u32 {
        self.experts
    }

    /// The sum of the experts' weighted scores, in hundredths of a point (the fraction's
    /// numerator; the mean is this ÷ (100 × [`experts`](Self::experts)) points).
    pub fn sum_hundredths(self) -> u64 {
        self.sum_hundredths
    }

    /// The mean in thousandths of a point, rounded half away from zero (all values are
    /// non-negative, so half up): `round(sum_hundredths × 10 / experts)`. Three experts
    /// at 3,90, 3,85 and 3,80 give 1155 × 10 / 3 = 3850 exactly; four at 3,90, 3,85,
    /// 3,80, 3,80 give 15350 / 4 = 3837,5 → 3838.
    pub fn thousandths(self) -> u64 {
        let n = u128::from(self.sum_hundredths) * 10;
        let d = u128::from(self.experts);
        // ⌊(2n + d) / 2d⌋ = ⌊n/d + 1/2⌋: half up.
        ((2 * n + d) / (2 * d)) as u64
    }

    /// French display of [`thousandths`](Self::thousandths) with three decimals: `3,838`.
    pub fn fmt_fr(self) -> String {
        let t = self.thousandths();
        format!("{},{:03}", t / 1000, t % 1000)
    }
}

impl PartialEq for MeanScore {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for MeanScore {}

impl PartialOrd for MeanScore {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for MeanScore {
    /// `a/m` against `b/n` as `a × n` against `b × m` (in `u128`, no overflow).
    fn cmp(&self, other: &Self) -> Ordering {
        let l = u128::from(self.sum_hundredths) * u128::from(other.experts);
        let r = u128::from(other.sum_hundredths) * u128::from(self.experts);
        l.cmp(&r)
    }
}

/// Whether experts may see and score an application in `status`: while it is under review
/// or heard by the committee (issue 3: « Independent scoring, then the committee's
/// moderation »); neither before (nothing to score yet) nor once decided or withdrawn.
pub fn scorable_in(status: crate::application::ApplicationStatus) -> bool {
    use crate::application::ApplicationStatus as S;
    matches!(status, S::UnderReview | S::Hearing)
}

impl ScoringGrid {
    /// The lowest and highest weighted scores the grid can give, in hundredths of a
    /// point: `Σ weightᵢ × minᵢ` and `Σ weightᵢ × maxᵢ` (0–5 scales: 0 and 500).
    pub fn bounds(&self) -> (WeightedScore, WeightedScore) {
        let sum = |f: fn(&Scale) -> u8| self.criteria.iter().map(|c| c.weight * u32::from(f(&c.scale))).sum();
        (WeightedScore(sum(|s| s.min)), WeightedScore(sum(|s| s.max)))
    }
}

/// Why the committee's moderated score was refused by [`check_moderation`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModerationError {
    /// No justification (blank counts as none): moderating overrides the experts, so the
    /// committee must say why.
    #[error("la justification de la note modérée est obligatoire")]
    MissingJustification,
    /// The moderated score lies outside what the grid can give.
    #[error("la note modérée {} sort des notes possibles de la grille, de {} à {}", .value.fmt_fr(), .min.fmt_fr(), .max.fmt_fr())]
    OutOfBounds {
        /// The value given.
        value: WeightedScore,
        /// The grid's lowest weighted score.
        min: WeightedScore,
        /// The grid's highest weighted score.
        max: WeightedScore,
    },
}

/// Checks a moderated score (*note modérée*): a non-blank justification, then a value
/// within [`ScoringGrid::bounds`].
pub fn check_moderation(grid: &ScoringGrid, value: WeightedScore, justification: &str) -> Result<(), ModerationError> {
    if justification.trim().is_empty() {
        return Err(ModerationError::MissingJustification);
    }
    let (min, max) = grid.bounds();
    if value < min || value > max {
        return Err(ModerationError::OutOfBounds { value, min, max });
    }
    Ok(())
}

/// The scores an application is ranked on: its experts' weighted scores, or — when the
/// committee moderated it — the moderated score, counted once per expert who scored so
/// that the mean is the moderated score exactly and the tie-break on the number of
/// experts ([`rank`]) still counts the opinions it rests on. Without any expert's score
/// the result is empty even if moderated: a moderation moderates scores, it cannot
/// replace them (issue 3 QA: a lone moderated note 5 ranked an unscored application
/// first). An empty result means « non notée »: not ranked, listed after the ranked ones.
pub fn committee_scores(experts: &[WeightedScore], moderated: Option<WeightedScore>) -> Vec<WeightedScore> {
    match moderated {
        Some(m) => vec![m; experts.len()],
        None => experts.to_vec(),
    }
}

/// One application's weighted scores, one per expert who scored it (after the
/// committee's moderation: the scores to rank on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationScores {
    /// The application.
    pub application: ApplicationId,
    /// One [`WeightedScore`] per expert.
    pub scores: Vec<WeightedScore>,
}

/// A line of the committee's ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankedApplication {
    /// Position, from 1; strictly increasing (the order is total, see [`rank`]).
    pub rank: u32,
    /// The application.
    pub application: ApplicationId,
    /// Its mean score.
    pub mean: MeanScore,
    /// Whether its mean equals, exactly, that of the line above: its place relative to
    /// that line was decided by the tie-break, which the deliberation record should say.
    pub tied_with_previous: bool,
}

/// Why a ranking could not be made by [`rank`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RankingError {
    /// An application has no expert's score.
    #[error("la candidature {application} n'a aucune note d'expert")]
    NoScores {
        /// The application.
        application: ApplicationId,
    },
    /// An application appears twice in the input.
    #[error("la candidature {application} figure deux fois dans le classement")]
    DuplicateApplication {
        /// The application.
        application: ApplicationId,
    },
}

/// The committee's ranking of applications by the mean of their experts' weighted
/// scores, best first, in a total order:
///
/// 1. higher exact mean ([`MeanScore`]'s order, never rounded);
/// 2. on an exact tie, more experts first (the mean rests on more opinions);
/// 3. then smaller [`ApplicationId`] first (stable, arbitrary but documented).
///
/// Errors: [`RankingError::DuplicateApplication`] and [`RankingError::NoScores`], for the
/// first offending entry in input order. The ranking advises the deliberation; the
/// decision is taken per application ([`crate::application::apply`]).
pub fn rank(applications: &[ApplicationScores]) -> Result<Vec<RankedApplication>, RankingError> {
    let mut seen = HashSet::new();
    let mut lines = Vec::with_capacity(applications.len());
    for a in applications {
        if !seen.insert(a.application) {
            return Err(RankingError::DuplicateApplication {
                application: a.application,
            });
        }
        let mean = MeanScore::of(&a.scores).ok_or(RankingError::NoScores {
            application: a.application,
        })?;
        lines.push((a.application, mean));
    }
    lines.sort_by(|(ia, ma), (ib, mb)| mb.cmp(ma).then(mb.experts.cmp(&ma.experts)).then(ia.cmp(ib)));
    let mut out: Vec<RankedApplication> = Vec::with_capacity(lines.len());
    for (i, (application, mean)) in lines.into_iter().enumerate() {
        let tied_with_previous = out.last().is_some_and(|p| p.mean == mean);
        out.push(RankedApplication {
            rank: u32::try_from(i + 1).unwrap_or(u32::MAX),
            application,
            mean,
            tied_with_previous,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crit(code: &str, weight: u32, min: u8, max: u8) -> Criterion {
        Criterion {
            code: code.into(),
            label: format!("Critère {code}"),
            weight,
            scale: Scale { min, max },
        }
    }

    fn score(code: &str, value: u8) -> Score {
        Score {
            criterion: code.into(),
            value,
        }
    }

    /// 40/35/25 on 0–5 scales.
    fn grid() -> ScoringGrid {
        ScoringGrid::new(vec![
            crit("impact", 40, 0, 5),
            crit("partenariat", 35, 0, 5),
            crit("faisabilite", 25, 0, 5),
        ])
        .unwrap()
    }

    #[test]
    fn weighted_score_is_exact() {
        // 0,40×4 + 0,35×3 + 0,25×5 = 1,60 + 1,05 + 1,25 = 3,90 → 390 hundredths.
        let s = grid().weighted_score(&[score("impact", 4), score("partenariat", 3), score("faisabilite", 5)]);
        assert_eq!(s, Ok(WeightedScore(390)));
        assert_eq!(s.unwrap().fmt_fr(), "3,90");
        // Order of the scores does not matter; 0,40×5 + 0,35×5 + 0,25×5 = 5,00.
        let s = grid().weighted_score(&[score("faisabilite", 5), score("impact", 5), score("partenariat", 5)]);
        assert_eq!(s, Ok(WeightedScore(500)));
        // 0,40×1 + 0,35×2 + 0,25×0 = 0,40 + 0,70 = 1,10.
        let s = grid().weighted_score(&[score("impact", 1), score("partenariat", 2), score("faisabilite", 0)]);
        assert_eq!(s.map(WeightedScore::fmt_fr), Ok("1,10".to_owned()));
        // A 1–10 grid 50/30/20: 0,5×7 + 0,3×8 + 0,2×9 = 3,5 + 2,4 + 1,8 = 7,70.
        let g = ScoringGrid::new(vec![crit("a", 50, 1, 10), crit("b", 30, 1, 10), crit("c", 20, 1, 10)]).unwrap();
        assert_eq!(
            g.weighted_score(&[score("a", 7), score("b", 8), score("c", 9)]),
            Ok(WeightedScore(770))
        );
    }

    #[test]
    fn scores_must_cover_the_grid_on_its_scales() {
        let g = grid();
        assert_eq!(
            g.weighted_score(&[score("impact", 4), score("faisabilite", 5)]),
            Err(ScoreError::MissingCriterion {
                code: "partenariat".into()
            })
        );
        assert_eq!(
            g.weighted_score(&[score("impact", 6), score("partenariat", 3), score("faisabilite", 5)]),
            Err(ScoreError::OutOfScale {
                code: "impact".into(),
                value: 6,
                min: 0,
                max: 5
            })
        );
        assert_eq!(
            g.weighted_score(&[
                score("impact", 4),
                score("impact", 4),
                score("partenariat", 3),
                score("faisabilite", 5)
            ]),
            Err(ScoreError::DuplicateScore { code: "impact".into() })
        );
        assert_eq!(
            g.weighted_score(&[score("Impact", 4), score("partenariat", 3), score("faisabilite", 5)]),
            Err(ScoreError::UnknownCriterion { code: "Impact".into() })
        );
        // Below the minimum of a 1–10 scale.
        let g = ScoringGrid::new(vec![crit("a", 100, 1, 10)]).unwrap();
        assert_eq!(
            g.weighted_score(&[score("a", 0)]),
            Err(ScoreError::OutOfScale {
                code: "a".into(),
                value: 0,
                min: 1,
                max: 10
            })
        );
        assert_eq!(g.weighted_score(&[score("a", 10)]), Ok(WeightedScore(1000)));
        assert_eq!(g.weighted_score(&[]), Err(ScoreError::MissingCriterion { code: "a".into() }));
    }

    #[test]
    fn grids_are_validated() {
        assert_eq!(ScoringGrid::new(vec![]), Err(GridError::NoCriteria));
        assert_eq!(
            ScoringGrid::new(vec![crit("a", 40, 0, 5), crit("b", 59, 0, 5)]),
            Err(GridError::WeightsDoNotSumTo100 { sum: 99 })
        );
        assert_eq!(
            ScoringGrid::new(vec![crit("a", 40, 0, 5), crit("b", 61, 0, 5)]),
            Err(GridError::WeightsDoNotSumTo100 { sum: 101 })
        );
        assert_eq!(
            ScoringGrid::new(vec![crit("a", 50, 0, 5), crit("a", 50, 0, 5)]),
            Err(GridError::DuplicateCode { code: "a".into() })
        );
        assert_eq!(
            ScoringGrid::new(vec![crit("a", 50, 0, 5), crit(" ", 50, 0, 5)]),
            Err(GridError::BlankCode { index: 1 })
        );
        let mut unlabelled = crit("b", 50, 0, 5);
        unlabelled.label = " ".into();
        assert_eq!(
            ScoringGrid::new(vec![crit("a", 50, 0, 5), unlabelled]),
            Err(GridError::BlankLabel { code: "b".into() })
        );
        assert_eq!(
            ScoringGrid::new(vec![crit("a", 100, 0, 5), crit("b", 0, 0, 5)]),
            Err(GridError::ZeroWeight { code: "b".into() })
        );
        assert_eq!(
            ScoringGrid::new(vec![crit("a", 100, 3, 3)]),
            Err(GridError::InvalidScale {
                code: "a".into(),
                min: 3,
                max: 3
            })
        );
        assert_eq!(
            ScoringGrid::new(vec![crit("a", 100, 5, 0)]),
            Err(GridError::InvalidScale {
                code: "a".into(),
                min: 5,
                max: 0
            })
        );
        // Weights near u32::MAX do not overflow the sum: 2 × 4 294 967 295 = 8 589 934 590.
        assert_eq!(
            ScoringGrid::new(vec![crit("a", u32::MAX, 0, 5), crit("b", u32::MAX, 0, 5)]),
            Err(GridError::WeightsDoNotSumTo100 { sum: 8_589_934_590 })
        );
        assert_eq!(
            GridError::WeightsDoNotSumTo100 { sum: 99 }.to_string(),
            "les poids des critères totalisent 99 points au lieu de 100"
        );
    }

    #[test]
    fn grids_deserialise_only_when_valid() {
        let ok = r#"[{"code":"a","label":"A","weight":100,"scale":{"min":0,"max":5}}]"#;
        assert_eq!(serde_json::from_str::<ScoringGrid>(ok).unwrap().criteria().len(), 1);
        let bad = r#"[{"code":"a","label":"A","weight":90,"scale":{"min":0,"max":5}}]"#;
        let e = serde_json::from_str::<ScoringGrid>(bad).unwrap_err().to_string();
        assert!(e.contains("90 points au lieu de 100"), "{e}");
    }

    #[test]
    fn means_are_exact_and_rounded_half_up_for_display() {
        let m = |v: &[u32]| MeanScore::of(&v.iter().copied().map(WeightedScore).collect::<Vec<_>>()).unwrap();
        // (390 + 385 + 380) / 3 = 1155 / 3 = 385 hundredths = 3,850 exactly.
        assert_eq!(m(&[390, 385, 380]).thousandths(), 3850);
        // 1535 / 4 = 383,75 hundredths = 3837,5 thousandths → 3838 (half up).
        assert_eq!(m(&[390, 385, 380, 380]).fmt_fr(), "3,838");
        // 1156 / 3 = 385,333… hundredths → 3853,33… thousandths → 3853.
        assert_eq!(m(&[385, 385, 386]).thousandths(), 3853);
        // 1157 / 3 = 385,666… → 3856,67 → 3857.
        assert_eq!(m(&[385, 386, 386]).thousandths(), 3857);
        // Equal fractions are equal means: 390/1 = 780/2.
        assert_eq!(m(&[390]), m(&[380, 400]));
        assert!(m(&[391]) > m(&[380, 400]));
        assert_eq!(MeanScore::of(&[]), None);
    }

    #[test]
    fn ranking_is_exact_and_total() {
        let app = |id: i64, v: &[u32]| ApplicationScores {
            application: ApplicationId(id),
            scores: v.iter().copied().map(WeightedScore).collect(),
        };
        let input = [
            app(1, &[390]),      // 3,90, 1 expert
            app(2, &[380, 400]), // 3,90, 2 experts → before 1 (more experts)
            app(3, &[400]),      // 4,00 → first
            app(4, &[390]),      // 3,90, 1 expert → after 1 (larger id)
            // 1156/3 = 385,333… vs 2697/7 = 385,285…: both display 3,853, but
            // 1156 × 7 = 8092 > 2697 × 3 = 8091, so 5 ranks before 6 despite fewer experts.
            app(6, &[385, 385, 385, 385, 385, 386, 386]),
            app(5, &[385, 385, 386]),
        ];
        let r = rank(&input).unwrap();
        let got: Vec<(u32, i64, bool, String)> = r
            .iter()
            .map(|l| (l.rank, l.application.0, l.tied_with_previous, l.mean.fmt_fr()))
            .collect();
        let expected = [
            (1, 3, false, "4,000"),
            (2, 2, false, "3,900"),
            (3, 1, true, "3,900"),
            (4, 4, true, "3,900"),
            (5, 5, false, "3,853"),
            (6, 6, false, "3,853"),
        ];
        let expected: Vec<(u32, i64, bool, String)> = expected.iter().map(|(a, b, c, d)| (*a, *b, *c, (*d).to_owned())).collect();
        assert_eq!(got, expected);
        // The input order does not change the result.
        let mut reversed = input.to_vec();
        reversed.reverse();
        assert_eq!(rank(&reversed).unwrap(), r);
    }

    #[test]
    fn moderation_is_justified_and_within_the_grid() {
        // 40/35/25 on 0–5: from 0 to 40×5 + 35×5 + 25×5 = 500 hundredths.
        assert_eq!(grid().bounds(), (WeightedScore(0), WeightedScore(500)));
        // 50/50 on 1–10 and 2–4: min 50×1 + 50×2 = 150, max 50×10 + 50×4 = 700.
        let g = ScoringGrid::new(vec![crit("a", 50, 1, 10), crit("b", 50, 2, 4)]).unwrap();
        assert_eq!(g.bounds(), (WeightedScore(150), WeightedScore(700)));
        assert_eq!(check_moderation(&g, WeightedScore(400), "Audition convaincante"), Ok(()));
        assert_eq!(
            check_moderation(&g, WeightedScore(400), "  "),
            Err(ModerationError::MissingJustification)
        );
        let e = check_moderation(&g, WeightedScore(701), "x").unwrap_err();
        assert_eq!(
            e.to_string(),
            "la note modérée 7,01 sort des notes possibles de la grille, de 1,50 à 7,00"
        );
        assert!(check_moderation(&g, WeightedScore(149), "x").is_err());
    }

    #[test]
    fn a_moderated_score_replaces_the_mean_and_keeps_the_count() {
        let w = |v: &[u32]| v.iter().copied().map(WeightedScore).collect::<Vec<_>>();
        assert_eq!(committee_scores(&w(&[390, 410]), None), w(&[390, 410]));
        assert_eq!(committee_scores(&w(&[390, 410]), Some(WeightedScore(350))), w(&[350, 350]));
        assert!(committee_scores(&[], Some(WeightedScore(350))).is_empty());
        assert!(committee_scores(&[], None).is_empty());
    }

    #[test]
    fn ranking_refuses_unscored_and_repeated_applications() {
        let a = |id: i64, v: &[u32]| ApplicationScores {
            application: ApplicationId(id),
            scores: v.iter().copied().map(WeightedScore).collect(),
        };
        assert_eq!(
            rank(&[a(1, &[300]), a(2, &[])]),
            Err(RankingError::NoScores {
                application: ApplicationId(2)
            })
        );
        assert_eq!(
            rank(&[a(1, &[300]), a(1, &[400])]),
            Err(RankingError::DuplicateApplication {
                application: ApplicationId(1)
            })
        );
        assert_eq!(rank(&[]), Ok(vec![]));
    }
}
