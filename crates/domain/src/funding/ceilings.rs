//! The planned figures from the fiches against the envelopes (issue 5, §1): Σ subsidy
//! ceilings against the subsidy envelope, Σ investment potentials against the equity
//! envelope, per project, and the overrun when the plan already exceeds a cap — the
//! product says so plainly rather than letting the ledger discover it later.
//!
//! Every project of the registry counts, including laureates created from applications.
//! Units: amounts in euro cents ([`Money`]); the overrun's ratio in per mille (‰, an
//! integer, rounded half up: 1 007,67 ‰ → 1 008 ‰, shown `100,8 %`).

use crate::money::Money;
use crate::programme::EnvelopeKind;
use crate::registry::Registry;
use serde::Serialize;

/// How far a plan exceeds an envelope's cap (cents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Overrun {
    /// The envelope.
    pub envelope: EnvelopeKind,
    /// Σ planned (cents).
    pub planned: Money,
    /// The envelope's cap (cents).
    pub cap: Money,
    /// `planned − cap` (cents), strictly positive.
    pub excess: Money,
    /// `planned / cap` in per mille, rounded half up; `None` when the cap is zero.
    pub per_mille: Option<i64>,
}

impl Overrun {
    /// `planned` against `cap`: `Some` when `planned` exceeds `cap`, `None` otherwise or
    /// if the difference does not fit in cents.
    pub fn of(envelope: EnvelopeKind, planned: Money, cap: Money) -> Option<Overrun> {
        if planned <= cap {
            return None;
        }
        let excess = planned.checked_sub(cap)?;
        let per_mille = (cap.cents() > 0).then(|| {
            let (p, c) = (i128::from(planned.cents()), i128::from(cap.cents()));
            // Half up: ⌊(2·1000·p + c) / 2c⌋; p and c fit in i64 so this fits in i128.
            let pm = (2000 * p + c) / (2 * c);
            i64::try_from(pm).unwrap_or(i64::MAX)
        });
        Some(Overrun {
            envelope,
            planned,
            cap,
            excess,
            per_mille,
        })
    }

    /// The ratio in French: `100,8 %`; `—` when the cap is zero.
    pub fn percent_text(&self) -> String {
        match self.per_mille {
            Some(pm) => format!("{},{}\u{a0}%", pm / 10, pm % 10),
            None => "—".to_string(),
        }
    }
}

/// One envelope's plan: its cap, each project's planned amount and their sum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvelopePlan {
    /// The envelope.
    pub envelope: EnvelopeKind,
    /// Its cap (cents), `None` when the programme has no such envelope.
    pub cap: Option<Money>,
    /// Per project (slug, planned cents), in the registry's order: the subsidy ceiling
    /// for subsidies, the investment potential for equity.
    pub per_project: Vec<(String, Money)>,
    /// Σ planned (cents).
    pub planned: Money,
    /// The overrun when `planned` exceeds `cap`.
    pub overrun: Option<Overrun>,
}

/// Why the plan could not be summed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CeilingsError {
    /// The sum of an envelope's planned amounts does not fit in `i64` cents.
    #[error("somme des plafonds prévus hors limites ({})", envelope.label())]
    Overflow {
        /// The envelope being summed.
        envelope: EnvelopeKind,
    },
}

/// The plan of both envelopes (subsidy, then equity) from the fiches of `registry`.
///
/// Errors: [`CeilingsError::Overflow`] if a sum does not fit. Source: issue 5, §1.
pub fn plan(registry: &Registry) -> Result<Vec<EnvelopePlan>, CeilingsError> {
    [EnvelopeKind::Subsidy, EnvelopeKind::Equity]
        .into_iter()
        .map(|envelope| {
            let per_project: Vec<(String, Money)> = registry
                .projects
                .iter()
                .map(|p| {
                    let amount = match envelope {
                        EnvelopeKind::Subsidy => p.subsidy_ceiling,
                        EnvelopeKind::Equity => p.investment_potential,
                    };
                    (p.slug.clone(), amount)
                })
                .collect();
            let planned = Money::sum(per_project.iter().map(|p| p.1)).ok_or(CeilingsError::Overflow { envelope })?;
            let cap = registry.programme.envelopes.iter().find(|e| e.kind == envelope).map(|e| e.cap);
            let overrun = cap.and_then(|cap| Overrun::of(envelope, planned, cap));
            Ok(EnvelopePlan {
                envelope,
                cap,
                per_project,
                planned,
                overrun,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::programme::{Envelope, Programme, Source};
    use crate::project::Project;

    fn m(euros: i64) -> Money {
        Money(euros * 100)
    }

    #[test]
    fn overrun_is_worked_out_by_hand() {
        // 151,15 M€ against 150 M€: +1,15 M€, 15 115 / 15 000 = 1,007 67 → 1 008 ‰.
        let o = Overrun::of(EnvelopeKind::Subsidy, Money(15_115_000_000), Money(15_000_000_000)).unwrap();
        assert_eq!(o.excess, Money(115_000_000));
        assert_eq!(o.per_mille, Some(1008));
        assert_eq!(o.percent_text(), "100,8\u{a0}%");
        // Exactly at the cap: no overrun; one cent above: 1 cent, 1 000 ‰ (1 000,000 01).
        assert_eq!(Overrun::of(EnvelopeKind::Equity, m(300), m(300)), None);
        let o = Overrun::of(EnvelopeKind::Equity, Money(30_001), m(300)).unwrap();
        assert_eq!((o.excess, o.per_mille), (Money(1), Some(1000)));
        // Half up: 1 000,5 ‰ → 1 001 ‰ (2 001 / 2 000).
        let o = Overrun::of(EnvelopeKind::Equity, Money(2001), Money(2000)).unwrap();
        assert_eq!(o.per_mille, Some(1001));
        // A zero cap has no ratio.
        let o = Overrun::of(EnvelopeKind::Equity, Money(5), Money::ZERO).unwrap();
        assert_eq!((o.excess, o.per_mille, o.percent_text().as_str()), (Money(5), None, "—"));
    }

    fn project(slug: &str, subsidy: i64, investment: i64) -> Project {
        let json = serde_json::json!({
            "slug": slug, "name": slug, "heading": slug, "toc_title": slug, "regions": [],
            "region_raw": "", "lead": "", "lead_detail": null, "partners": 0,
            "local_authorities": 0, "themes": [], "themes_raw": "", "territory_kinds": [],
            "territory_kinds_raw": "", "population": 0, "planned_budget": null, "ambition": [],
            "strategic_objectives": [], "impacts_2030": [], "subsidy_ceiling": subsidy,
            "investment_potential": investment, "call": null,
            "source": { "line": 1, "page": null }
        });
        serde_json::from_value(json).expect("a well-formed test project")
    }

    fn registry(projects: Vec<Project>) -> Registry {
        let programme = Programme {
            slug: "p".into(),
            name: "P".into(),
            parent_programme: String::new(),
            operator: String::new(),
            total_amount: m(1500),
            duration_years: 10,
            envelopes: vec![
                Envelope {
                    kind: EnvelopeKind::Subsidy,
                    cap: m(500),
                },
                Envelope {
                    kind: EnvelopeKind::Equity,
                    cap: m(1000),
                },
            ],
            calls: vec![],
            target_themes: vec![],
            headline_claims: vec![],
            source: Source {
                title: String::new(),
                file: String::new(),
                published_on: time::macros::date!(2019 - 09 - 13),
                licence: String::new(),
            },
        };
        Registry::new(programme, projects)
    }

    #[test]
    fn plan_sums_the_fiches_per_envelope() {
        // Subsidies 200 + 350,25 = 550,25 € > 500 €: +50,25 €, 1 100,5 ‰ → 1 101 ‰.
        // Equity 400 + 600 = 1 000 € = the cap: no overrun.
        let r = registry(vec![project("a", 20_000, 40_000), project("b", 35_025, 60_000)]);
        let plans = plan(&r).unwrap();
        let (s, e) = (&plans[0], &plans[1]);
        assert_eq!(s.envelope, EnvelopeKind::Subsidy);
        assert_eq!(s.per_project, vec![("a".to_string(), m(200)), ("b".to_string(), Money(35_025))]);
        assert_eq!((s.planned, s.cap), (Money(55_025), Some(m(500))));
        let o = s.overrun.unwrap();
        assert_eq!((o.excess, o.per_mille), (Money(5_025), Some(1101)));
        assert_eq!(e.envelope, EnvelopeKind::Equity);
        assert_eq!((e.planned, e.cap, e.overrun), (m(1000), Some(m(1000)), None));
    }
}
