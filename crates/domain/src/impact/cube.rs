//! A whole programme's aggregates held in memory: every programme indicator by theme ×
//! region × year, built from raw measurements and kept up to date one measurement at a
//! time.
//!
//! It gives the numbers of the reference functions of [`super::aggregation`] ([`series`],
//! [`for_year`], [`aggregate`]: same rules, same missing-is-not-zero, same completeness),
//! laid out for speed instead of clarity:
//! - each project indicator (a *slot*) keeps its latest value per (period, reporter), sorted;
//! - its contribution to each year is resolved once and stored column by column
//!   (value, numerator, denominator, flags), `slot × year`;
//! - each group cell (programme indicator, theme, region, year) holds running sums (value,
//!   numerator, denominator) and counts (reported, expected, zero denominators), column by
//!   column; a project in several themes or regions counts in each of its cells, as
//!   [`super::aggregation::aggregate_by`] does.
//!
//! A new measurement or a correction re-resolves the one slot it touches and moves the
//! cells of the years whose contribution changed by the difference (for a cumulative
//! indicator: its year and the later years it carries into). Sums moved by differences may
//! differ from a fresh build in the last bits of a float; counts are exact.
//!
//! [`series`]: super::aggregation::series
//! [`for_year`]: super::aggregation::for_year
//! [`aggregate`]: super::aggregation::aggregate

use super::aggregation::Facets;
use super::indicator::{IndicatorKind, Temporality};
use super::measurement::{Observation, Yield};
use super::period::Period;
use crate::vocabulary::{Region, Theme, REGIONS};

/// How one programme indicator aggregates: its kind and its temporality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Shape of a value.
    pub kind: IndicatorKind,
    /// How periods combine.
    pub temporality: Temporality,
}

/// A project indicator mapped onto a programme indicator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slot {
    /// Index of the project in [`Layout::projects`].
    pub project: u32,
    /// Index of the programme indicator in [`Layout::rules`].
    pub indicator: u16,
    /// Converts the project indicator's unit into the programme indicator's (1 when the
    /// same); applies to values, not to a percentage's counts.
    pub factor: f64,
}

/// The shape of a programme: years covered, programme indicators, projects with their
/// facets, and project indicators (slots). A project has at most one slot per programme
/// indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// First calendar year with cells.
    pub first_year: i32,
    /// Last calendar year with cells (inclusive); measurements must fall in the range.
    pub last_year: i32,
    /// The programme indicators' rules, by index.
    pub rules: Vec<Rule>,
    /// The projects, by index: themes and regions make their groups.
    pub projects: Vec<Facets>,
    /// The project indicators, by index (the `slot` of a measurement).
    pub slots: Vec<Slot>,
}

/// Raw measurements column by column: row `i` of every column is one measurement of slot
/// `slot[i]` for `period[i]` by reporter `reporter[i]` (an id the caller assigns, e.g. an
/// organisation), recorded in order `seq[i]` (a higher `seq` supersedes a lower one of the
/// same slot, period and reporter).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Columns {
    /// Index into [`Layout::slots`].
    pub slot: Vec<u32>,
    /// The period reported.
    pub period: Vec<Period>,
    /// Who reports, within the project.
    pub reporter: Vec<u32>,
    /// Recording order.
    pub seq: Vec<i64>,
    /// The value.
    pub observation: Vec<Observation>,
}

impl Columns {
    /// Appends one measurement.
    pub fn push(&mut self, slot: u32, period: Period, reporter: u32, seq: i64, observation: Observation) {
        self.slot.push(slot);
        self.period.push(period);
        self.reporter.push(reporter);
        self.seq.push(seq);
        self.observation.push(observation);
    }

    /// Number of measurements.
    pub fn len(&self) -> usize {
        self.slot.len()
    }

    /// True when there is none.
    pub fn is_empty(&self) -> bool {
        self.slot.is_empty()
    }
}

/// Why a cube could not be built or updated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CubeError {
    /// The layout is inconsistent.
    #[error("structure du programme : {0}")]
    Layout(String),
    /// A measurement of the columns given to [`Cube::build`] is not acceptable.
    #[error("mesure n° {row} : {why}")]
    Row {
        /// 1-based row in the columns.
        row: usize,
        /// What is wrong, in French.
        why: String,
    },
    /// The measurement given to [`Cube::record`] is not acceptable.
    #[error("nouvelle mesure : {0}")]
    Update(String),
}

/// One cell's figure, as [`super::aggregation::Aggregate`] gives it (without the slugs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    /// Σ values for a quantity, 100 × Σ n / Σ d for a percentage; `None` when no project
    /// reported, and for ratios and qualitative indicators.
    pub value: Option<f64>,
    /// For a percentage: Σ numerators.
    pub numerator: Option<f64>,
    /// For a percentage: Σ denominators.
    pub denominator: Option<f64>,
    /// Projects whose value is in the figure.
    pub reported: u32,
    /// Projects expected to report (those of the group with a slot on the indicator).
    pub expected: u32,
    /// Projects whose zero denominator was left out.
    pub zero_denominators: u32,
}

/// One non-empty cell, as listed by [`Cube::cells`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// Index of the programme indicator in [`Layout::rules`].
    pub indicator: u16,
    /// The theme.
    pub theme: Theme,
    /// The region.
    pub region: Region,
    /// The calendar year.
    pub year: i32,
    /// The figure.
    pub figure: Figure,
}

// Flags of a resolved contribution (and of a period point).
const HAS_VALUE: u8 = 1;
const HAS_COUNTS: u8 = 2;
const ZERO: u8 = 4;

// Period ordinals: 36 per year (12 start months × year/quarter/month), which sorts like
// `Period`'s own order (start date, then longer first).
const PER_YEAR: usize = 36;

/// What one slot contributes to one year (or one period point): value (scaled), counts, flags.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Part {
    value: f64,
    num: f64,
    den: f64,
    flags: u8,
}

/// A slot's latest observation for one (period, reporter). Observations are kept compact:
/// `tag` 0 is a value in `a`; otherwise a fraction, bit 1 numerator `a` known, bit 2
/// denominator `b` known.
#[derive(Debug, Clone, Copy)]
struct Entry {
    period: u16,
    tag: u8,
    reporter: u32,
    seq: i64,
    a: f64,
    b: f64,
}

impl Entry {
    fn new(period: u16, reporter: u32, seq: i64, o: Observation) -> Entry {
        let (tag, a, b) = match o {
            Observation::Value { value } => (0, value, 0.0),
            Observation::Fraction { numerator, denominator } => (
                1 | if numerator.is_some() { 2 } else { 0 } | if denominator.is_some() { 4 } else { 0 },
                numerator.unwrap_or(0.0),
                denominator.unwrap_or(0.0),
            ),
        };
        Entry {
            period,
            tag,
            reporter,
            seq,
            a,
            b,
        }
    }

    fn observation(&self) -> Observation {
        if self.tag == 0 {
            Observation::Value { value: self.a }
        } else {
            Observation::Fraction {
                numerator: (self.tag & 2 != 0).then_some(self.a),
                denominator: (self.tag & 4 != 0).then_some(self.b),
            }
        }
    }

    fn key(&self) -> (u16, u32) {
        (self.period, self.reporter)
    }
}

/// The programme's aggregates, kept current. See the module documentation.
#[derive(Debug, Clone)]
pub struct Cube {
    first_year: i32,
    years: usize,
    rules: Vec<Rule>,
    regions: usize,
    slots: Vec<Slot>,
    // Each project's group indices (theme × regions + region), flat with offsets.
    group_start: Vec<u32>,
    groups: Vec<u16>,
    // Each slot's latest observation per (period, reporter), sorted by that key.
    entries: Vec<Vec<Entry>>,
    // Contributions, slot × year.
    c_value: Vec<f64>,
    c_num: Vec<f64>,
    c_den: Vec<f64>,
    c_flags: Vec<u8>,
    // Cells, ((indicator × themes + theme) × regions + region) × years + year.
    sum: Vec<f64>,
    num: Vec<f64>,
    den: Vec<f64>,
    reported: Vec<u32>,
    expected: Vec<u32>,
    zeros: Vec<u32>,
    // Scratch for one slot's years and reporters.
    scratch: Vec<Part>,
    running: Vec<(u32, Entry)>,
}

impl Cube {
    /// Builds the cube from raw measurements (corrections included, in any order).
    ///
    /// Errors: [`CubeError::Layout`] for an unknown project or indicator index, a project
    /// with two slots on one programme indicator, an unknown region, a non-finite factor
    /// or an empty or too long year range; [`CubeError::Row`] for ragged columns, an
    /// unknown slot or a period outside the years.
    pub fn build(layout: Layout, columns: &Columns) -> Result<Cube, CubeError> {
        let Layout {
            first_year,
            last_year,
            rules,
            projects,
            slots,
        } = layout;
        let years = usize::try_from(i64::from(last_year) - i64::from(first_year) + 1).unwrap_or(0);
        if years == 0 || years * PER_YEAR > usize::from(u16::MAX) {
            return Err(CubeError::Layout(format!(
                "années {first_year} à {last_year} : plage vide ou trop longue"
            )));
        }
        let regions = REGIONS.len();
        let mut group_start = Vec::with_capacity(projects.len() + 1);
        let mut groups = Vec::new();
        group_start.push(0);
        for p in &projects {
            let mut own = Vec::new();
            for t in &p.themes {
                let theme = Theme::ALL.iter().position(|x| x == t).unwrap_or(0);
                for r in &p.regions {
                    let region = REGIONS
                        .iter()
                        .position(|x| x.code == r.code)
                        .ok_or_else(|| CubeError::Layout(format!("projet « {} » : région « {} » inconnue", p.slug, r.code)))?;
                    own.push((theme * regions + region) as u16);
                }
            }
            own.sort_unstable();
            own.dedup(); // a facet listed twice is still one group
            groups.extend(own);
            group_start.push(groups.len() as u32);
        }
        let mut seen = std::collections::HashSet::new();
        for (i, s) in slots.iter().enumerate() {
            if s.project as usize >= projects.len() {
                return Err(CubeError::Layout(format!(
                    "indicateur de projet n° {i} : projet n° {} inconnu",
                    s.project
                )));
            }
            if usize::from(s.indicator) >= rules.len() {
                return Err(CubeError::Layout(format!(
                    "indicateur de projet n° {i} : indicateur de programme n° {} inconnu",
                    s.indicator
                )));
            }
            if !s.factor.is_finite() {
                return Err(CubeError::Layout(format!(
                    "indicateur de projet n° {i} : facteur de conversion invalide"
                )));
            }
            if !seen.insert((s.project, s.indicator)) {
                return Err(CubeError::Layout(format!(
                    "projet « {} » : deux indicateurs rattachés à l'indicateur de programme n° {}",
                    projects[s.project as usize].slug, s.indicator
                )));
            }
        }
        let n = columns.len();
        if [
            columns.period.len(),
            columns.reporter.len(),
            columns.seq.len(),
            columns.observation.len(),
        ]
        .iter()
        .any(|&l| l != n)
        {
            return Err(CubeError::Row {
                row: n.min(columns.period.len()) + 1,
                why: "colonnes de longueurs différentes".into(),
            });
        }

        // Group rows by slot (counting sort), then each slot's rows by (period, reporter, seq).
        let mut counts = vec![0u32; slots.len()];
        for (row, &s) in columns.slot.iter().enumerate() {
            let c = counts.get_mut(s as usize).ok_or_else(|| CubeError::Row {
                row: row + 1,
                why: format!("indicateur de projet n° {s} inconnu"),
            })?;
            *c += 1;
        }
        let mut entries: Vec<Vec<Entry>> = counts.iter().map(|&c| Vec::with_capacity(c as usize)).collect();
        for row in 0..n {
            let period = ordinal(columns.period[row], first_year, years).ok_or_else(|| CubeError::Row {
                row: row + 1,
                why: format!("période {} hors des années {first_year} à {last_year}", columns.period[row]),
            })?;
            entries[columns.slot[row] as usize].push(Entry::new(
                period,
                columns.reporter[row],
                columns.seq[row],
                columns.observation[row],
            ));
        }
        let cells = rules.len() * Theme::ALL.len() * regions * years;
        let mut cube = Cube {
            first_year,
            years,
            rules,
            regions,
            c_value: vec![0.0; slots.len() * years],
            c_num: vec![0.0; slots.len() * years],
            c_den: vec![0.0; slots.len() * years],
            c_flags: vec![0; slots.len() * years],
            slots,
            group_start,
            groups,
            entries: Vec::new(),
            sum: vec![0.0; cells],
            num: vec![0.0; cells],
            den: vec![0.0; cells],
            reported: vec![0; cells],
            expected: vec![0; cells],
            zeros: vec![0; cells],
            scratch: vec![Part::default(); years],
            running: Vec::new(),
        };
        // Expected projects are fixed by the layout.
        for slot in 0..cube.slots.len() {
            let Slot { project, indicator, .. } = cube.slots[slot];
            for k in cube.group_start[project as usize] as usize..cube.group_start[project as usize + 1] as usize {
                let i = cube.cell(usize::from(indicator), usize::from(cube.groups[k]), 0);
                cube.expected[i..i + years].iter_mut().for_each(|e| *e += 1);
            }
        }
        for (slot, list) in entries.iter_mut().enumerate() {
            // Stable: among equal seq, the later row wins, as in `series`.
            list.sort_by_key(|e| (e.period, e.reporter, e.seq));
            let mut kept = 0;
            for i in 0..list.len() {
                if kept > 0 && list[kept - 1].key() == list[i].key() {
                    list[kept - 1] = list[i];
                } else {
                    list[kept] = list[i];
                    kept += 1;
                }
            }
            list.truncate(kept);
            list.shrink_to_fit();
            cube.resolve(slot, list);
            let base = slot * years;
            for y in 0..years {
                let part = cube.scratch[y];
                (
                    cube.c_value[base + y],
                    cube.c_num[base + y],
                    cube.c_den[base + y],
                    cube.c_flags[base + y],
                ) = (part.value, part.num, part.den, part.flags);
                cube.move_cells(slot, y, part, 1.0);
            }
        }
        cube.entries = entries;
        Ok(cube)
    }

    /// Records one new measurement (a first value or a correction) and updates the cells.
    /// A measurement with a lower `seq` than the one already held for its slot, period and
    /// reporter changes nothing (it was superseded).
    ///
    /// Errors: [`CubeError::Update`] for an unknown slot or a period outside the years.
    pub fn record(&mut self, slot: u32, period: Period, reporter: u32, seq: i64, observation: Observation) -> Result<(), CubeError> {
        let s = slot as usize;
        if s >= self.slots.len() {
            return Err(CubeError::Update(format!("indicateur de projet n° {slot} inconnu")));
        }
        let ord = ordinal(period, self.first_year, self.years).ok_or_else(|| {
            CubeError::Update(format!(
                "période {period} hors des années {} à {}",
                self.first_year,
                self.first_year + self.years as i32 - 1
            ))
        })?;
        let entry = Entry::new(ord, reporter, seq, observation);
        let mut list = std::mem::take(&mut self.entries[s]);
        match list.binary_search_by_key(&entry.key(), Entry::key) {
            Ok(i) if seq >= list[i].seq => list[i] = entry,
            Ok(_) => {}
            Err(i) => list.insert(i, entry),
        }
        self.resolve(s, &list);
        self.entries[s] = list;
        let base = s * self.years;
        for y in 0..self.years {
            let new = self.scratch[y];
            let old = Part {
                value: self.c_value[base + y],
                num: self.c_num[base + y],
                den: self.c_den[base + y],
                flags: self.c_flags[base + y],
            };
            if new != old {
                self.move_cells(s, y, old, -1.0);
                self.move_cells(s, y, new, 1.0);
                (
                    self.c_value[base + y],
                    self.c_num[base + y],
                    self.c_den[base + y],
                    self.c_flags[base + y],
                ) = (new.value, new.num, new.den, new.flags);
            }
        }
        Ok(())
    }

    /// The figure of programme indicator `indicator` (index in [`Layout::rules`]) for the
    /// projects of `theme` in `region`, for calendar `year`; `None` outside the cube.
    pub fn figure(&self, indicator: u16, theme: Theme, region: &str, year: i32) -> Option<Figure> {
        let t = Theme::ALL.iter().position(|x| *x == theme)?;
        let r = REGIONS.iter().position(|x| x.code == region)?;
        let y = usize::try_from(year - self.first_year).ok().filter(|&y| y < self.years)?;
        let rule = *self.rules.get(usize::from(indicator))?;
        Some(self.figure_at(rule, self.cell(usize::from(indicator), t * self.regions + r, y)))
    }

    /// Every cell with at least one expected project, by indicator, theme, region, year.
    pub fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        let per_indicator = Theme::ALL.len() * self.regions * self.years;
        (0..self.expected.len()).filter(|&i| self.expected[i] > 0).map(move |i| {
            let indicator = i / per_indicator;
            let group = (i % per_indicator) / self.years;
            Cell {
                indicator: indicator as u16,
                theme: Theme::ALL[group / self.regions],
                region: REGIONS[group % self.regions],
                year: self.first_year + (i % self.years) as i32,
                figure: self.figure_at(self.rules[indicator], i),
            }
        })
    }

    fn cell(&self, indicator: usize, group: usize, year: usize) -> usize {
        (indicator * Theme::ALL.len() * self.regions + group) * self.years + year
    }

    fn figure_at(&self, rule: Rule, i: usize) -> Figure {
        let mut f = Figure {
            value: None,
            numerator: None,
            denominator: None,
            reported: self.reported[i],
            expected: self.expected[i],
            zero_denominators: self.zeros[i],
        };
        if f.reported > 0 {
            match rule.kind {
                IndicatorKind::Percentage if self.den[i] != 0.0 => {
                    (f.numerator, f.denominator, f.value) = (Some(self.num[i]), Some(self.den[i]), Some(100.0 * self.num[i] / self.den[i]))
                }
                IndicatorKind::Quantity => f.value = Some(self.sum[i]),
                _ => {}
            }
        }
        f
    }

    /// Adds (`sign` 1) or removes (`sign` −1) a slot's contribution to year `y` in the
    /// cells of its project's groups, as [`super::aggregation::aggregate`] counts it.
    fn move_cells(&mut self, slot: usize, y: usize, part: Part, sign: f64) {
        let Slot { project, indicator, .. } = self.slots[slot];
        let kind = self.rules[usize::from(indicator)].kind;
        let counted = match kind {
            IndicatorKind::Percentage => part.flags & HAS_COUNTS != 0 && part.den != 0.0 && part.num.is_finite() && part.den.is_finite(),
            IndicatorKind::Quantity | IndicatorKind::Ratio => part.flags & HAS_VALUE != 0 && part.value.is_finite(),
            IndicatorKind::Qualitative => false,
        };
        let zero = part.flags & ZERO != 0;
        let step = |n: &mut u32| *n = if sign > 0.0 { *n + 1 } else { n.saturating_sub(1) };
        let (from, to) = (
            self.group_start[project as usize] as usize,
            self.group_start[project as usize + 1] as usize,
        );
        for k in from..to {
            let i = self.cell(usize::from(indicator), usize::from(self.groups[k]), y);
            if zero {
                step(&mut self.zeros[i]);
            }
            if counted {
                step(&mut self.reported[i]);
                match kind {
                    IndicatorKind::Percentage => {
                        self.num[i] += sign * part.num;
                        self.den[i] += sign * part.den;
                    }
                    _ => self.sum[i] += sign * part.value,
                }
            }
        }
    }

    /// Resolves a slot's sorted latest entries into its contribution to each year, in
    /// `self.scratch` (as `series` then `for_year`, then scaled by the slot's factor).
    fn resolve(&mut self, slot: usize, list: &[Entry]) {
        let Slot { indicator, factor, .. } = self.slots[slot];
        let Rule { kind, temporality } = self.rules[usize::from(indicator)];
        self.scratch.iter_mut().for_each(|p| *p = Part::default());
        self.running.clear();
        // State of `latest` (level, cumulative): the last point with a value, and whether a
        // zero denominator was seen from it on.
        let mut last: Option<Part> = None;
        let mut zero = false;
        let mut year = 0;
        let mut i = 0;
        while i < list.len() {
            let period = list[i].period;
            let mut j = i;
            while j < list.len() && list[j].period == period {
                j += 1;
            }
            let y = usize::from(period) / PER_YEAR;
            if temporality != Temporality::Flow && y != year {
                self.close_years(temporality, &mut last, &mut zero, year, y);
                year = y;
            }
            let point = if temporality == Temporality::Cumulative {
                // Each reporter's latest value at or before this period.
                for e in &list[i..j] {
                    match self.running.binary_search_by_key(&e.reporter, |(r, _)| *r) {
                        Ok(k) => self.running[k].1 = *e,
                        Err(k) => self.running.insert(k, (e.reporter, *e)),
                    }
                }
                combine(kind, self.running.iter().map(|(_, e)| e))
            } else {
                combine(kind, list[i..j].iter())
            };
            match temporality {
                Temporality::Flow => {
                    let c = &mut self.scratch[y];
                    c.flags |= point.flags & ZERO;
                    if point.flags & HAS_COUNTS != 0 {
                        (c.num, c.den) = if c.flags & HAS_COUNTS != 0 {
                            (c.num + point.num, c.den + point.den)
                        } else {
                            (point.num, point.den)
                        };
                        c.flags |= HAS_COUNTS | HAS_VALUE;
                        c.value = 100.0 * c.num / c.den;
                    } else if point.flags & HAS_VALUE != 0 {
                        c.value = if c.flags & HAS_VALUE != 0 {
                            c.value + point.value
                        } else {
                            point.value
                        };
                        c.flags |= HAS_VALUE;
                    }
                }
                _ if point.flags & HAS_VALUE != 0 => {
                    last = Some(point);
                    zero = point.flags & ZERO != 0;
                }
                _ => zero |= point.flags & ZERO != 0,
            }
            i = j;
        }
        if temporality != Temporality::Flow {
            self.close_years(temporality, &mut last, &mut zero, year, self.years);
        }
        for c in &mut self.scratch {
            if c.flags & HAS_VALUE != 0 {
                c.value *= factor;
            }
        }
    }

    /// Writes the `latest` state into years `from..to` (a cumulative value carries into
    /// the years without reports; a level does not) and resets it for a level.
    fn close_years(&mut self, temporality: Temporality, last: &mut Option<Part>, zero: &mut bool, from: usize, to: usize) {
        let part = |last: &Option<Part>, zero: bool| {
            let mut p = last.unwrap_or_default();
            p.flags = (p.flags & !ZERO) | if zero { ZERO } else { 0 };
            p
        };
        if temporality == Temporality::Cumulative {
            let p = part(last, *zero);
            self.scratch[from..to].iter_mut().for_each(|c| *c = p);
        } else {
            self.scratch[from] = part(last, *zero);
            (*last, *zero) = (None, false);
        }
    }
}

/// A calendar period's ordinal within the cube's years; `None` outside or malformed.
fn ordinal(p: Period, first_year: i32, years: usize) -> Option<u16> {
    let y = usize::try_from(i64::from(p.year()) - i64::from(first_year))
        .ok()
        .filter(|&y| y < years)?;
    let (month, rank) = match p {
        Period::Year(_) => (1, 0),
        Period::Quarter(_, q) if (1..=4).contains(&q) => ((usize::from(q) - 1) * 3 + 1, 1),
        Period::Month(_, m) if (1..=12).contains(&m) => (usize::from(m), 2),
        _ => return None,
    };
    u16::try_from(y * PER_YEAR + (month - 1) * 3 + rank).ok()
}

/// One period's point from its reporters' observations (as the reference `combine`).
fn combine<'a>(kind: IndicatorKind, entries: impl Iterator<Item = &'a Entry>) -> Part {
    let mut p = Part::default();
    match kind {
        IndicatorKind::Percentage => {
            let mut reporters = 0;
            for e in entries {
                let o = e.observation();
                match (o, o.value()) {
                    (
                        Observation::Fraction {
                            numerator: Some(n),
                            denominator: Some(d),
                        },
                        Yield::Value(_),
                    ) => {
                        p.num += n;
                        p.den += d;
                        reporters += 1;
                    }
                    (_, Yield::ZeroDenominator) => p.flags |= ZERO,
                    _ => {}
                }
            }
            if reporters > 0 {
                p.value = 100.0 * p.num / p.den;
                p.flags |= HAS_VALUE | HAS_COUNTS;
            }
        }
        IndicatorKind::Quantity | IndicatorKind::Ratio => {
            let mut count = 0;
            for v in entries.filter_map(|e| e.observation().value_opt()) {
                p.value += v;
                count += 1;
            }
            // A ratio of two reporters has no meaningful sum.
            if count > 0 && (kind == IndicatorKind::Quantity || count == 1) {
                p.flags |= HAS_VALUE;
            }
        }
        IndicatorKind::Qualitative => {}
    }
    p
}

#[cfg(test)]
#[path = "cube_tests.rs"]
mod tests;
