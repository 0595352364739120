//! Portfolio metrics of equity investments (issue 5, §4): XIRR (actual/365), DPI, RVPI,
//! TVPI and MOIC, per investment and for any set of investments (a project's, the
//! programme's).
//!
//! Flows are seen from the investor's side: negative = paid in (capital call, purchase of
//! shares, loan), positive = received (distribution, dividend, exit). A position may also
//! carry a residual value (NAV) at a date, which counts as a positive terminal flow for the
//! XIRR and as the residual for RVPI/TVPI.
//!
//! Rules, and why:
//! - XIRR follows the spreadsheet convention (`XIRR` of Excel/LibreOffice, `pyxirr`):
//!   `Σ aᵢ / (1 + r)^((dᵢ − d₀) / 365) = 0`, `d₀` the earliest date, actual days over 365.
//! - The multiples use **gross** flows (issue 5, §4): a call and a distribution on the same
//!   day are both counted; netting them would inflate the ratios (1.64 instead of 1.592593
//!   on the example). The XIRR may net them, the NPV being linear.
//! - Several roots are possible when the net flows change sign more than once; they are all
//!   reported and the one closest to 0 % is chosen ([`Xirr::rate`]).

use std::collections::BTreeMap;

use time::Date;

use crate::money::Money;

/// One cash flow of an investment, from the investor's side (issue 5, §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flow {
    /// Value date (a calendar day; several flows may share one).
    pub date: Date,
    /// Amount in cents: negative = paid in (call), positive = distribution.
    pub amount: Money,
}

/// A residual value (net asset value) of an investment at a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Residual {
    /// Valuation date.
    pub date: Date,
    /// Value in cents; never negative (see [`MetricsError::NegativeResidual`]).
    pub value: Money,
}

/// The flows of one investment and its latest residual value, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Position {
    /// The flows, in any order.
    pub flows: Vec<Flow>,
    /// The residual value (NAV); `None` once exited or when not yet valued.
    pub residual: Option<Residual>,
}

/// The internal rate of return of a series (actual/365) and every root found.
#[derive(Debug, Clone, PartialEq)]
pub struct Xirr {
    /// The chosen annual rate as a fraction (`0.105439` is 10.5439 %): the root closest to
    /// 0 (the smaller one on a tie). Always finite and greater than −1.
    pub rate: f64,
    /// Every root found, ascending (one element in the usual case). Roots are searched on
    /// a grid of `ln(1 + r)` over r ∈ [−0.9999, 10] (step ≈ 0.03), then beyond by doubling
    /// steps; in a cell where the NPV does not change sign but |NPV| falls then rises, its
    /// extremum is checked for a hidden pair. Roots closer than that (several extrema in
    /// one cell) may still be missed; a tangent (double) root is found only if it crosses.
    pub roots: Vec<f64>,
}

impl Xirr {
    /// Whether the flows have several rates of return (the reader must be told).
    pub fn multiple_roots(&self) -> bool {
        self.roots.len() > 1
    }
}

/// Why a series has no XIRR (a typed answer, never a NaN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum XirrError {
    /// No flow at all.
    #[error("aucun flux : le TRI n'est pas défini")]
    Empty,
    /// No negative flow: nothing was paid in.
    #[error("aucun flux négatif (appel de fonds) : le TRI n'est pas défini")]
    NoNegative,
    /// No positive flow and no residual value: nothing came back.
    #[error("aucun flux positif (distribution ou valeur résiduelle) : le TRI n'est pas défini")]
    NoPositive,
    /// The flows of each day net to zero: every rate fits.
    #[error("les flux de chaque jour s'annulent : tout taux convient, le TRI n'est pas défini")]
    NetZero,
    /// No rate greater than −100 % makes the net present value zero.
    #[error("aucun taux n'annule la valeur actuelle nette des flux")]
    NoRoot,
    /// The rate exists but does not fit in a float (e.g. a 10 000-fold loss in one day).
    #[error("le taux qui annule la valeur actuelle nette est hors de portée")]
    OutOfRange,
}

/// Why multiples cannot be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MetricsError {
    /// Nothing was paid in: every multiple divides by zero.
    #[error("aucun montant appelé : les multiples ne sont pas définis")]
    NoPaidIn,
    /// A residual value is negative.
    #[error("valeur résiduelle négative au {date} : {}", .value.fmt_euros())]
    NegativeResidual {
        /// Valuation date.
        date: Date,
        /// The faulty value.
        value: Money,
    },
    /// A sum of amounts does not fit in `i64` cents.
    #[error("somme des montants hors de portée")]
    Overflow,
}

/// Multiples on gross flows (issue 5, §4). Amounts in cents, ratios as plain fractions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Multiples {
    /// Σ |negative flows|.
    pub paid_in: Money,
    /// Σ positive flows.
    pub distributions: Money,
    /// Σ residual values (NAV).
    pub residual: Money,
    /// Distributions / paid-in.
    pub dpi: f64,
    /// Residual / paid-in.
    pub rvpi: f64,
    /// DPI + RVPI.
    pub tvpi: f64,
    /// (Distributions + residual) / paid-in. Here it equals TVPI: both are computed on the
    /// same gross flows of the programme. In fund practice MOIC is gross of fees and TVPI
    /// net of them; the programme charges no fees, so they coincide.
    pub moic: f64,
}

/// All metrics of a position or of a set of positions.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    /// The multiples.
    pub multiples: Multiples,
    /// The XIRR, or why there is none (shown as such, the multiples still stand).
    pub xirr: Result<Xirr, XirrError>,
}

/// Metrics of one investment. Errors: see [`portfolio_metrics`].
pub fn metrics(position: &Position) -> Result<Metrics, MetricsError> {
    portfolio_metrics(std::slice::from_ref(position))
}

/// Metrics of a set of investments (a project's, the programme's): those of the union of
/// their flows — XIRR on all flows together (each residual value a terminal flow at its
/// date), multiples on the summed gross amounts.
///
/// Errors: [`MetricsError::NoPaidIn`] when nothing was paid in, [`MetricsError::Overflow`]
/// when a sum leaves `i64` cents, [`MetricsError::NegativeResidual`].
pub fn portfolio_metrics(positions: &[Position]) -> Result<Metrics, MetricsError> {
    let multiples = multiples(positions)?;
    let mut all: Vec<Flow> = Vec::new();
    for p in positions {
        all.extend_from_slice(&p.flows);
        if let Some(r) = p.residual {
            all.push(Flow {
                date: r.date,
                amount: r.value,
            });
        }
    }
    Ok(Metrics {
        multiples,
        xirr: xirr(&all),
    })
}

/// Multiples on the gross flows of a set of positions. Errors: as [`portfolio_metrics`].
pub fn multiples(positions: &[Position]) -> Result<Multiples, MetricsError> {
    let (mut paid_in, mut distributions, mut residual) = (0i64, 0i64, 0i64);
    let add = |acc: &mut i64, v: i64| -> Result<(), MetricsError> {
        *acc = acc.checked_add(v).ok_or(MetricsError::Overflow)?;
        Ok(())
    };
    for p in positions {
        for f in &p.flows {
            match f.amount.0 {
                a if a < 0 => add(&mut paid_in, a.checked_neg().ok_or(MetricsError::Overflow)?)?,
                a => add(&mut distributions, a)?,
            }
        }
        if let Some(r) = p.residual {
            if r.value.0 < 0 {
                return Err(MetricsError::NegativeResidual {
                    date: r.date,
                    value: r.value,
                });
            }
            add(&mut residual, r.value.0)?;
        }
    }
    if paid_in == 0 {
        return Err(MetricsError::NoPaidIn);
    }
    let base = paid_in as f64;
    let dpi = distributions as f64 / base;
    let rvpi = residual as f64 / base;
    // The sum in cents is exact, so MOIC is computed from it rather than from DPI + RVPI.
    let back = (i128::from(distributions) + i128::from(residual)) as f64;
    Ok(Multiples {
        paid_in: Money(paid_in),
        distributions: Money(distributions),
        residual: Money(residual),
        dpi,
        rvpi,
        tvpi: dpi + rvpi,
        moic: back / base,
    })
}

/// Search bounds in `v = ln(1 + r)`: |v| ≤ 700 keeps `exp` finite.
const V_MAX: f64 = 700.0;
/// Grid scanned when roots may be several: r ∈ [−0.9999, 10].
const GRID_LO: f64 = -9.210_340_371_976_182; // ln(1e-4)
const GRID_HI: f64 = 2.397_895_272_798_371; // ln(11)
const GRID_STEPS: usize = 400;
/// Bound on the iterations of one root polish (bisection alone needs about 60).
const MAX_ITER: usize = 200;

/// XIRR of flows in any order, actual/365, as spreadsheet software computes it.
///
/// Same-day flows are netted inside the NPV (it is linear), so order and splitting do not
/// change the result. Solved in `v = ln(1 + r)` by a Newton step safeguarded by bisection
/// on a bracket found by scanning; the NPV is evaluated scaled so that no power overflows.
/// Precision: |Δr| ≲ 1e-14 × (1 + |r|), limited by the rounding of the NPV near its root.
///
/// Errors: [`XirrError::Empty`], [`XirrError::NoNegative`], [`XirrError::NoPositive`],
/// [`XirrError::NetZero`], [`XirrError::NoRoot`], [`XirrError::OutOfRange`].
pub fn xirr(flows: &[Flow]) -> Result<Xirr, XirrError> {
    if flows.is_empty() {
        return Err(XirrError::Empty);
    }
    if !flows.iter().any(|f| f.amount.0 < 0) {
        return Err(XirrError::NoNegative);
    }
    if !flows.iter().any(|f| f.amount.0 > 0) {
        return Err(XirrError::NoPositive);
    }
    let s = Series::net(flows);
    if s.a.is_empty() {
        return Err(XirrError::NetZero);
    }
    let changes = s.a.windows(2).filter(|w| (w[0] < 0.0) != (w[1] < 0.0)).count();
    if changes == 0 {
        return Err(XirrError::NoRoot);
    }
    let vs = if changes == 1 {
        // Descartes' rule for sums of exponentials: one sign change, exactly one root.
        vec![s.single_root()?]
    } else {
        s.all_roots()
    };
    let mut roots: Vec<f64> = vs.into_iter().map(f64::exp_m1).filter(|r| r.is_finite() && *r > -1.0).collect();
    if roots.is_empty() {
        return Err(if changes == 1 { XirrError::OutOfRange } else { XirrError::NoRoot });
    }
    roots.sort_by(f64::total_cmp);
    roots.dedup();
    let rate = roots
        .iter()
        .copied()
        .min_by(|x, y| x.abs().total_cmp(&y.abs()).then(x.total_cmp(y)))
        .unwrap_or(roots[0]);
    Ok(Xirr { rate, roots })
}

/// Net flows per day: times in years (days / 365) from the first day, amounts scaled to
/// at most 1 in absolute value, zero days dropped.
struct Series {
    t: Vec<f64>,
    a: Vec<f64>,
    t_max: f64,
}

impl Series {
    fn net(flows: &[Flow]) -> Series {
        let mut by_day: BTreeMap<Date, i128> = BTreeMap::new();
        for f in flows {
            *by_day.entry(f.date).or_default() += i128::from(f.amount.0);
        }
        let d0 = by_day.keys().next().copied();
        let (mut t, mut a) = (Vec::new(), Vec::new());
        for (d, sum) in by_day {
            if sum != 0 {
                let days = d0.map_or(0, |d0| (d - d0).whole_days());
                t.push(days as f64 / 365.0);
                a.push(sum as f64);
            }
        }
        let scale = a.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        if scale > 0.0 {
            a.iter_mut().for_each(|x| *x /= scale);
        }
        let t_max = t.last().copied().unwrap_or(0.0);
        Series { t, a, t_max }
    }

    /// NPV times `exp(v·shift)` (a positive factor: same roots) and its derivative in `v`.
    /// With `shift = 0` for v ≥ 0 and `shift = t_max` for v < 0 every exponent is ≤ 0.
    fn eval(&self, v: f64, shift: f64) -> (f64, f64) {
        let (mut f, mut df) = (0.0, 0.0);
        for (t, a) in self.t.iter().zip(&self.a) {
            let e = a * (-v * (t - shift)).exp();
            f += e;
            df -= (t - shift) * e;
        }
        (f, df)
    }

    fn shift_for(&self, v: f64) -> f64 {
        if v < 0.0 {
            self.t_max
        } else {
            0.0
        }
    }

    fn sign(&self, v: f64) -> f64 {
        self.eval(v, self.shift_for(v)).0
    }

    /// The unique root when the net flows change sign once: expand from v = 0 towards the
    /// side where the sign differs (at +∞ the NPV has the sign of the first flow).
    fn single_root(&self) -> Result<f64, XirrError> {
        let f0 = self.sign(0.0);
        if f0 == 0.0 {
            return Ok(0.0);
        }
        let dir = if (f0 < 0.0) == (self.a[0] < 0.0) { -1.0 } else { 1.0 };
        let (mut prev, mut step) = (0.0f64, 0.25f64);
        loop {
            let v = (dir * step).clamp(-V_MAX, V_MAX);
            let f = self.sign(v);
            if f == 0.0 {
                return Ok(v);
            }
            if (f < 0.0) != (f0 < 0.0) {
                return Ok(self.polish(prev, v));
            }
            if v.abs() >= V_MAX {
                return Err(XirrError::OutOfRange);
            }
            prev = v;
            step *= 2.0;
        }
    }

    /// Every root found on the grid and beyond it, by doubling steps up to ±V_MAX.
    fn all_roots(&self) -> Vec<f64> {
        let mut points: Vec<f64> = (0..=GRID_STEPS)
            .map(|i| GRID_LO + (GRID_HI - GRID_LO) * i as f64 / GRID_STEPS as f64)
            .collect();
        let mut step = 1.0;
        while step < 2.0 * V_MAX {
            points.push((GRID_LO - step).max(-V_MAX));
            points.push((GRID_HI + step).min(V_MAX));
            step *= 2.0;
        }
        points.sort_by(f64::total_cmp);
        points.dedup();
        let mut roots = Vec::new();
        let mut last: Option<(f64, f64, f64)> = None;
        for v in points {
            let (f, slope) = self.value_and_slope(v);
            if f == 0.0 {
                roots.push(v);
                last = None;
                continue;
            }
            if let Some((pv, pf, ps)) = last {
                if (pf < 0.0) != (f < 0.0) {
                    roots.push(self.polish(pv, v));
                } else if pf * ps < 0.0 && f * slope > 0.0 {
                    // |NPV| falls then rises within the cell: two roots may hide around
                    // its extremum; look at the NPV there.
                    let m = self.extremum(pv, v);
                    if (self.sign(m) < 0.0) != (pf < 0.0) {
                        roots.push(self.polish(pv, m));
                        roots.push(self.polish(m, v));
                    }
                }
            }
            last = Some((v, f, slope));
        }
        roots
    }

    /// The scaled NPV at `v` and a number with the sign of the NPV's derivative there.
    fn value_and_slope(&self, v: f64) -> (f64, f64) {
        let shift = self.shift_for(v);
        let (f, df) = self.eval(v, shift);
        // d/dv of NPV = exp(−v·shift) · (df − shift · f).
        (f, df - shift * f)
    }

    /// A zero of the NPV's derivative between `x` and `y`, where it changes sign (bisection).
    fn extremum(&self, x: f64, y: f64) -> f64 {
        let shift = self.shift_for(0.5 * (x + y));
        let slope = |v: f64| {
            let (f, df) = self.eval(v, shift);
            df - shift * f
        };
        let sx = slope(x);
        let (mut lo, mut hi) = (x, y);
        for _ in 0..MAX_ITER {
            let mid = 0.5 * (lo + hi);
            if mid == lo || mid == hi {
                break;
            }
            if (slope(mid) < 0.0) == (sx < 0.0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }

    /// Safeguarded Newton (Newton inside the bracket, bisection otherwise) on a bracket
    /// whose ends have NPVs of opposite signs; the scale is fixed for the whole bracket.
    fn polish(&self, x: f64, y: f64) -> f64 {
        let shift = self.shift_for(0.5 * (x + y));
        let (fx, _) = self.eval(x, shift);
        // `lo` keeps the sign of f(x), `hi` the other one.
        let (mut lo, mut hi) = (x, y);
        let mut v = 0.5 * (x + y);
        let (mut f, mut df) = self.eval(v, shift);
        let mut dx_old = (y - x).abs();
        let mut dx = dx_old;
        for _ in 0..MAX_ITER {
            if f == 0.0 {
                return v;
            }
            if (f < 0.0) == (fx < 0.0) {
                lo = v;
            } else {
                hi = v;
            }
            let newton = v - f / df;
            let inside = newton.is_finite() && (newton - lo) * (newton - hi) < 0.0;
            if inside && (2.0 * f).abs() <= (dx_old * df).abs() {
                dx_old = dx;
                dx = newton - v;
                v = newton;
            } else {
                dx_old = dx;
                let mid = 0.5 * (lo + hi);
                dx = mid - v;
                if mid == lo || mid == hi {
                    return mid;
                }
                v = mid;
            }
            if dx.abs() <= 4.0 * f64::EPSILON * (1.0 + v.abs()) {
                return v;
            }
            (f, df) = self.eval(v, shift);
        }
        v
    }
}

#[cfg(test)]
#[path = "portfolio_tests.rs"]
mod tests;
