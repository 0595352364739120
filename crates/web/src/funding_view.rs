//! The funding figures the dashboard, the project tab, the API and the CSV exports share
//! (issue 5, §1 and §6): per envelope and per project, the planned ceilings of the fiches
//! next to what the ledger says is committed, paid and remaining. Computed by the domain
//! ([`territoires_domain::funding`]); assembled here from the registry and the journal.

use crate::error::{AppError, Format};
use crate::AppState;
use serde::Serialize;
use territoires_domain::funding::ceilings::{self, Overrun};
use territoires_domain::funding::ledger::{burn_down, Balance, Journal, YearPoint};
use territoires_domain::programme::EnvelopeKind;
use territoires_domain::Money;
use utoipa::ToSchema;

/// The years of the burn-down: the programme's ten years, 2019 to 2029 included.
pub const YEARS: std::ops::RangeInclusive<i32> = 2019..=2029;

/// One envelope's figures (cents).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EnvelopeFigures {
    /// `subsidy` or `equity`.
    pub kind: EnvelopeKind,
    /// French label.
    pub label: String,
    /// The cap (cents).
    pub cap: Money,
    /// Σ of the fiches' planned amounts (subsidy ceilings, investment potentials).
    pub planned: Money,
    /// `planned − cap` when the fiches already plan beyond the cap, else `null`.
    pub planned_overrun: Option<Money>,
    /// `planned / cap` in per mille, rounded half up, when there is an overrun.
    pub planned_per_mille: Option<i64>,
    /// Σ committed on the ledger (commitments − releases).
    pub committed: Money,
    /// Σ paid on the ledger.
    pub disbursed: Money,
    /// `cap − committed`.
    pub remaining: Money,
}

/// A project's figures in one envelope (cents).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct ProjectEnvelope {
    /// The project's ceiling in this envelope: its subsidy ceiling or its investment
    /// potential, from its fiche.
    pub ceiling: Money,
    /// Committed on the ledger.
    pub committed: Money,
    /// Paid on the ledger.
    pub disbursed: Money,
    /// `ceiling − committed`.
    pub remaining: Money,
}

/// A project's funding figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProjectFigures {
    /// The project's slug.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// Subsidies.
    pub subsidy: ProjectEnvelope,
    /// Equity.
    pub equity: ProjectEnvelope,
}

/// Every figure of the dashboard.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Figures {
    /// Subsidies then equity.
    pub envelopes: Vec<EnvelopeFigures>,
    /// Every project of the registry, in its order.
    pub projects: Vec<ProjectFigures>,
}

/// The journal of the stored entries (their shape checked, not the caps: the dashboard
/// shows what was recorded; `territoires check` judges it). Errors: 500 in `format`.
pub async fn journal(app: &AppState, format: Format) -> Result<Journal, AppError> {
    let entries = app.store.ledger_entries().await.map_err(|e| AppError::internal(format, e))?;
    Journal::from_entries(entries).map_err(|e| AppError::internal(format, e))
}

fn overflow(format: Format) -> AppError {
    AppError::internal(format, "funding figure out of range")
}

fn project_envelope(b: Balance, ceiling: Money, format: Format) -> Result<ProjectEnvelope, AppError> {
    Ok(ProjectEnvelope {
        ceiling,
        committed: b.committed,
        disbursed: b.disbursed,
        remaining: b.remaining(ceiling).ok_or_else(|| overflow(format))?,
    })
}

/// The figures of `app`'s registry and `journal`. Errors: 500 on an overflow.
pub fn figures(app: &AppState, journal: &Journal, format: Format) -> Result<Figures, AppError> {
    let plans = ceilings::plan(&app.registry).map_err(|e| AppError::internal(format, e))?;
    let mut envelopes = Vec::new();
    for plan in plans {
        let cap = plan.cap.unwrap_or(Money::ZERO);
        let b = journal.envelope(plan.envelope);
        envelopes.push(EnvelopeFigures {
            kind: plan.envelope,
            label: plan.envelope.label().to_owned(),
            cap,
            planned: plan.planned,
            planned_overrun: plan.overrun.map(|o: Overrun| o.excess),
            planned_per_mille: plan.overrun.and_then(|o| o.per_mille),
            committed: b.committed,
            disbursed: b.disbursed,
            remaining: b.remaining(cap).ok_or_else(|| overflow(format))?,
        });
    }
    let projects = app
        .registry
        .projects
        .iter()
        .map(|p| {
            Ok(ProjectFigures {
                slug: p.slug.clone(),
                name: p.name.clone(),
                subsidy: project_envelope(journal.project(&p.slug, EnvelopeKind::Subsidy), p.subsidy_ceiling, format)?,
                equity: project_envelope(journal.project(&p.slug, EnvelopeKind::Equity), p.investment_potential, format)?,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(Figures { envelopes, projects })
}

/// One envelope's burn-down over [`YEARS`].
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BurnDown {
    /// `subsidy` or `equity`.
    pub kind: EnvelopeKind,
    /// The cap (cents).
    pub cap: Money,
    /// One point per year: cumulative committed and paid at 31 December, and `cap −
    /// committed` (cents).
    pub years: Vec<YearPoint>,
}

/// The burn-down of both envelopes. Errors: 500 on an overflow.
pub fn burn_downs(figures: &Figures, journal: &Journal, format: Format) -> Result<Vec<BurnDown>, AppError> {
    figures
        .envelopes
        .iter()
        .map(|e| {
            Ok(BurnDown {
                kind: e.kind,
                cap: e.cap,
                years: burn_down(journal, e.kind, e.cap, YEARS).map_err(|err| AppError::internal(format, err))?,
            })
        })
        .collect()
}
