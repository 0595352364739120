//! Equity investments in the API (issue 5, §4):
//!
//! - `GET /api/v1/investments`, `POST /api/v1/investments` (a case), `GET /api/v1/investments/{id}`
//!   (with its prudent-investor test and its metrics);
//! - `POST /api/v1/investments/{id}/decision|capital-calls|distributions|valuations|exit`;
//! - `GET /api/v1/portfolio`: the metrics per investment, per project and for the programme.
//!
//! Who: reading needs a funding role (programme managers and administrators, who manage
//! funding; instructors, who check disbursements); writing needs [`Action::ManageFunding`].
//! Amounts are integer cents, ratios plain numbers (`1.592593`), shares in hundredths of a
//! percent (`stake_bp: 2000` is 20 %); an undefined XIRR is `{"status": "undefined",
//! "reason": …}`, never a number. The functions shared with the pages live here too.
//!
//! **Confidentiality.** The ledger's amounts per investment — committed, called
//! (disbursed), returned — are public, as every ledger account, on the `/financement`
//! pages (a project's tab, the journal): they are public money. The case's details — the
//! valuations and NAV, the pre-money valuation, the co-investors and their terms, the
//! metrics computed from them — are business information of the investee and its
//! co-investors, and stay with the funding roles (staff) on these pages and this API.

use crate::api::json_body as body;
use crate::auth::SignedIn;
use crate::error::{no_store, AppError, AppResult, ErrorBody, ErrorKind, Format};
use crate::pages::opinions::parse_date;
use crate::{Ctx, Current};
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use territoires_domain::access::{allows, Action};
use territoires_domain::funding::investment::{
    check_decision, check_event, position, CoInvestor, CommitteeDecision, EventKind, Investee, InvestmentCase, InvestmentEvent,
    InvestmentStatus, PrudentInvestorRule, PrudentInvestorTest, Verdict, MAX_AMOUNT,
};
use territoires_domain::funding::ledger::Caps;
use territoires_domain::funding::portfolio::{multiples, portfolio_metrics, xirr, Flow, MetricsError, Position, XirrError};
use territoires_domain::opinion::paris_today;
use territoires_domain::siren::Siren;
use territoires_domain::Money;
use territoires_store::{StoreError, StoredInvestment};
use utoipa::ToSchema;

// ---------------------------------------------------------------- shared with the pages

/// Ok for the roles that read investments (module docs); a 403 otherwise.
pub(crate) fn require_reader(signed_in: &SignedIn, format: Format) -> AppResult<()> {
    let role = signed_in.session.account.role;
    if [Action::ManageFunding, Action::CheckDisbursement].iter().any(|a| allows(role, *a)) {
        Ok(())
    } else {
        signed_in.require(Action::ManageFunding, format)
    }
}

fn unprocessable(format: Format, m: impl Into<String>) -> AppError {
    AppError::new(format, ErrorKind::Unprocessable, m)
}

/// A store error: 404, 409 (a status or a ceiling: the ledger's message), else 500.
pub(crate) fn store_error(format: Format, e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(m) => AppError::not_found(format, m),
        StoreError::Refused(m) | StoreError::Conflict(m) => AppError::new(format, ErrorKind::Conflict, m),
        StoreError::Ledger(l) => AppError::new(format, ErrorKind::Conflict, format!("Refusé par le grand livre : {l}.")),
        other => AppError::internal(format, other),
    }
}

fn who(signed_in: &SignedIn) -> String {
    format!("account:{}", signed_in.session.account.id)
}

fn caps(ctx: &Ctx) -> Caps {
    Caps::from_registry(&ctx.app.registry)
}

/// The investment `raw_id`, or a 404 in `format`.
pub(crate) async fn load(ctx: &Ctx, raw_id: &str, format: Format) -> AppResult<StoredInvestment> {
    let missing = || {
        AppError::not_found(
            format,
            format!("Aucun investissement n'a l'identifiant « {} ».", crate::format::excerpt(raw_id, 20)),
        )
    };
    let id: i64 = raw_id.parse().map_err(|_| missing())?;
    ctx.app
        .store
        .investment(id)
        .await
        .map_err(|e| store_error(format, e))?
        .ok_or_else(missing)
}

/// Checks and records `case` (the project must be a laureate of the registry). Errors:
/// 422 naming the field, nothing written.
pub(crate) async fn create(ctx: &Ctx, signed_in: &SignedIn, case: InvestmentCase, format: Format) -> AppResult<StoredInvestment> {
    let case = case.check().map_err(|e| unprocessable(format, format!("Dossier refusé : {e}.")))?;
    if ctx.app.registry.project(&case.project).is_none() {
        return Err(unprocessable(
            format,
            format!(
                "Le champ « projet » ne désigne aucun projet lauréat (reçu « {} »).",
                crate::format::excerpt(&case.project, 60)
            ),
        ));
    }
    ctx.app
        .store
        .create_investment(&case, &who(signed_in))
        .await
        .map_err(|e| store_error(format, e))
}

/// Records the committee's decision on investment `raw_id` under `rule`: 422 when `rule`
/// is below the programme's floor ([`crate::AppState::prudent_investor_floor`], the floor
/// in the message), 422 with the test's figures when an approval fails the
/// prudent-investor test, 409 when already decided or beyond the project's investment
/// potential or the equity envelope.
pub(crate) async fn decide(
    ctx: &Ctx,
    signed_in: &SignedIn,
    raw_id: &str,
    decision: CommitteeDecision,
    rule: PrudentInvestorRule,
    format: Format,
) -> AppResult<StoredInvestment> {
    let rule = rule
        .at_least(ctx.app.prudent_investor_floor)
        .map_err(|e| unprocessable(format, format!("{}.", territoires_domain::text::capitalise(&e.to_string()))))?;
    let inv = load(ctx, raw_id, format).await?;
    if inv.status == InvestmentStatus::Proposed {
        check_decision(
            &inv.case,
            &decision,
            rule,
            territoires_domain::opinion::paris_today(time::OffsetDateTime::now_utc()),
        )
        .map_err(|e| unprocessable(format, format!("{}.", territoires_domain::text::capitalise(&e.to_string()))))?;
    }
    ctx.app
        .store
        .decide_investment(inv.id, &decision, rule, &who(signed_in), &caps(ctx))
        .await
        .map_err(|e| store_error(format, e))
}

/// Records `event` on investment `raw_id`: 422 for a wrong amount or a date out of order
/// (before the committee's decision or the latest event, after today in Paris, a
/// distribution before any call: [`check_event`]), 409 when the investment is not approved
/// or a call exceeds what is committed and not yet called.
pub(crate) async fn add_event(
    ctx: &Ctx,
    signed_in: &SignedIn,
    raw_id: &str,
    event: InvestmentEvent,
    format: Format,
) -> AppResult<StoredInvestment> {
    let inv = load(ctx, raw_id, format).await?;
    let zero_ok = matches!(event.kind, EventKind::Valuation | EventKind::Exit);
    if event.amount.0 < 0 || (!zero_ok && event.amount.0 == 0) {
        let rule = if zero_ok { "positif ou nul" } else { "strictement positif" };
        return Err(unprocessable(format, format!("Le champ « montant » doit être {rule}.")));
    }
    if inv.status == InvestmentStatus::Approved {
        // The store checks again in its transaction; here a bad date is the caller's 422.
        let history: Vec<InvestmentEvent> = inv.events.iter().map(|e| e.event.clone()).collect();
        let today = paris_today(time::OffsetDateTime::now_utc());
        check_event(inv.status, inv.decision.as_ref().map(|d| d.on), &history, today, &event)
            .map_err(|m| unprocessable(format, format!("{}.", territoires_domain::text::capitalise(&m))))?;
    }
    ctx.app
        .store
        .record_investment_event(inv.id, &event, &who(signed_in), &caps(ctx))
        .await
        .map_err(|e| store_error(format, e))
}

/// A rate (fraction) in French percent with two decimals: `0.105439` → `10,54 %`.
pub(crate) fn rate_fr(r: f64) -> String {
    format!("{:.2}\u{a0}%", r * 100.0).replace('.', ",")
}

/// A ratio in French with six decimals (the precision): `1,592593`.
pub(crate) fn ratio_fr(r: f64) -> String {
    format!("{r:.6}").replace('.', ",")
}

/// A domain enum from its code (`ordinary-shares`), or a 422 naming `field`.
pub(crate) fn parse_code<T: serde::de::DeserializeOwned>(raw: &str, field: &str, allowed: &str, format: Format) -> AppResult<T> {
    serde_json::from_value(serde_json::Value::String(raw.trim().to_owned())).map_err(|_| {
        unprocessable(
            format,
            format!(
                "Le champ « {field} » doit valoir {allowed} (reçu « {} »).",
                crate::format::excerpt(raw, 40)
            ),
        )
    })
}

/// A SIREN, or a 422 naming `field`.
pub(crate) fn parse_siren(raw: &str, field: &str, format: Format) -> AppResult<Siren> {
    Siren::parse(raw).map_err(|e| unprocessable(format, format!("Le champ « {field} » : {e}.")))
}

/// Why the XIRR is undefined, as a stable code.
fn xirr_reason(e: XirrError) -> &'static str {
    match e {
        XirrError::Empty => "empty",
        XirrError::NoNegative => "no-negative",
        XirrError::NoPositive => "no-positive",
        XirrError::NetZero => "net-zero",
        XirrError::NoRoot => "no-root",
        XirrError::OutOfRange => "out-of-range",
    }
}

/// The XIRR of a position or portfolio: a rate, or the typed reason it has none.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum XirrView {
    /// A rate exists.
    Defined {
        /// The chosen annual rate (actual/365) as a fraction: `0.105439` is 10.5439 %; the
        /// root closest to 0 when several exist.
        rate: f64,
        /// Every root found, ascending.
        roots: Vec<f64>,
        /// When several roots exist: which one is shown and why, in French.
        note: Option<String>,
    },
    /// No rate: `reason` is `empty`, `no-negative`, `no-positive`, `net-zero`, `no-root`
    /// or `out-of-range`.
    Undefined {
        /// The code.
        reason: String,
        /// In French.
        message: String,
    },
}

/// The metrics of an investment or a set of them (gross flows, issue 5 §4).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MetricsView {
    /// Σ capital calls, cents.
    pub paid_in_cents: i64,
    /// Σ distributions and exit proceeds, cents.
    pub distributions_cents: i64,
    /// Σ latest NAVs (0 once exited), cents.
    pub nav_cents: i64,
    /// Total value / paid-in; `null` when nothing was paid in (as the other ratios).
    pub tvpi: Option<f64>,
    /// Distributions / paid-in.
    pub dpi: Option<f64>,
    /// NAV / paid-in.
    pub rvpi: Option<f64>,
    /// (Distributions + NAV) / paid-in (equals TVPI: no fees).
    pub moic: Option<f64>,
    /// Why the ratios are `null`, in French.
    pub multiples_undefined: Option<String>,
    /// XIRR (actual/365).
    pub xirr: XirrView,
    /// How many investments of a set are left out of these figures because one of their
    /// amounts is beyond the 10^15 cents maximum (stored before amounts were bounded), or
    /// their own figures cannot be computed: one such investment does not blank the
    /// others' figures. 0 normally.
    pub excluded: usize,
}

/// The position of a stored investment.
pub(crate) fn position_of(inv: &StoredInvestment) -> Position {
    let events: Vec<InvestmentEvent> = inv.events.iter().map(|e| e.event.clone()).collect();
    position(&events)
}

/// The metrics of `positions` taken together.
pub(crate) fn metrics_view(positions: &[Position]) -> MetricsView {
    // A set's figures leave out the positions whose own figures overflow (see
    // `MetricsView::excluded`); a single position is shown as it is, undefined if need be.
    let beyond = |m: Money| m.0.checked_abs().is_none_or(|a| a > MAX_AMOUNT.0);
    let unsummable = |p: &Position| {
        p.flows.iter().any(|f| beyond(f.amount))
            || p.residual.is_some_and(|r| beyond(r.value))
            || matches!(
                multiples(std::slice::from_ref(p)),
                Err(MetricsError::Overflow | MetricsError::NegativeResidual { .. })
            )
    };
    let kept: Vec<Position> = if positions.len() > 1 {
        positions.iter().filter(|p| !unsummable(p)).cloned().collect()
    } else {
        positions.to_vec()
    };
    let excluded = positions.len() - kept.len();
    let positions = kept.as_slice();
    let (mut paid_in, mut distributions, mut nav) = (0i64, 0i64, 0i64);
    let mut flows: Vec<Flow> = Vec::new();
    for p in positions {
        for f in &p.flows {
            if f.amount.0 < 0 {
                paid_in = paid_in.saturating_sub(f.amount.0);
            } else {
                distributions = distributions.saturating_add(f.amount.0);
            }
        }
        flows.extend_from_slice(&p.flows);
        if let Some(r) = p.residual {
            nav = nav.saturating_add(r.value.0);
            flows.push(Flow {
                date: r.date,
                amount: r.value,
            });
        }
    }
    let (multiples, why) = match portfolio_metrics(positions) {
        Ok(m) => (Some(m.multiples), None),
        Err(e) => (None, Some(territoires_domain::text::capitalise(&e.to_string()))),
    };
    let xirr = match xirr(&flows) {
        Ok(x) => XirrView::Defined {
            rate: x.rate,
            note: x.multiple_roots().then(|| {
                let roots: Vec<String> = x.roots.iter().map(|r| rate_fr(*r)).collect();
                format!(
                    "Les flux changent plusieurs fois de signe : plusieurs taux annulent la valeur actuelle nette ({}). Le taux retenu est le plus proche de 0 %.",
                    roots.join(" ; ")
                )
            }),
            roots: x.roots,
        },
        Err(e) => XirrView::Undefined {
            reason: xirr_reason(e).to_owned(),
            message: territoires_domain::text::capitalise(&e.to_string()),
        },
    };
    MetricsView {
        paid_in_cents: paid_in,
        distributions_cents: distributions,
        nav_cents: nav,
        tvpi: multiples.map(|m| m.tvpi),
        dpi: multiples.map(|m| m.dpi),
        rvpi: multiples.map(|m| m.rvpi),
        moic: multiples.map(|m| m.moic),
        multiples_undefined: why,
        xirr,
        excluded,
    }
}

// ---------------------------------------------------------------- JSON shapes

/// The investee.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InvesteeBody {
    /// `company` or `spv` (special-purpose vehicle).
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Its SIREN: 9 digits with a valid Luhn check digit (spaces allowed on input).
    pub siren: String,
}

/// A co-investor of the round.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CoInvestorBody {
    /// Name.
    pub name: String,
    /// `private` or `public`.
    pub kind: String,
    /// Amount, cents (> 0).
    pub amount_cents: i64,
    /// Whether it invests on the same terms as the programme (pari passu).
    pub same_terms: bool,
    /// Its terms, in words.
    #[serde(default)]
    pub terms: String,
}

/// A new investment case.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewInvestment {
    /// The laureate project's slug (its investment potential is the ceiling).
    pub project: String,
    /// The investee.
    pub investee: InvesteeBody,
    /// `ordinary-shares`, `preferred-shares`, `convertible-bonds` or `shareholder-loan`.
    pub instrument: String,
    /// The programme's amount, cents (> 0).
    pub amount_cents: i64,
    /// Pre-money valuation, cents (> 0).
    pub pre_money_cents: i64,
    /// The other investors of the round.
    #[serde(default)]
    pub co_investors: Vec<CoInvestorBody>,
}

/// The investment committee's decision.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewDecision {
    /// `approved` or `rejected`.
    pub verdict: String,
    /// Date of the committee, `YYYY-MM-DD`.
    pub on: String,
    /// The committee's reference.
    pub reference: String,
    /// Why.
    pub reason: String,
    /// The prudent-investor rule's parameter: minimum private pari passu share of the
    /// round in hundredths of a percent (0–10000), at least the programme's floor (3000,
    /// 30 %, unless the operator set another); omitted: the floor.
    pub min_private_share_bp: Option<u32>,
}

/// A capital call, distribution or valuation.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewEvent {
    /// Value date, `YYYY-MM-DD`.
    pub on: String,
    /// Amount, cents: called or distributed (> 0), or the NAV (≥ 0).
    pub amount_cents: i64,
    /// A note.
    #[serde(default)]
    pub note: String,
}

/// An exit.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewExit {
    /// Value date, `YYYY-MM-DD`.
    pub on: String,
    /// Proceeds, cents (≥ 0); the NAV is 0 afterwards.
    pub proceeds_cents: i64,
    /// A note.
    #[serde(default)]
    pub note: String,
}

/// The prudent-investor test with its rule, parameter and figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct TestView {
    /// The rule in words (French).
    pub rule: String,
    /// Its parameter: minimum private pari passu share, hundredths of a percent.
    pub min_private_share_bp: u32,
    /// Round total (programme + co-investors), cents.
    pub round_total_cents: i64,
    /// Private co-investors on the same terms, cents.
    pub private_pari_passu_cents: i64,
    /// Their share of the round, hundredths of a percent (rounded down).
    pub private_share_bp: i64,
    /// Whether the test is passed (compared exactly).
    pub passed: bool,
}

impl From<PrudentInvestorTest> for TestView {
    fn from(t: PrudentInvestorTest) -> Self {
        TestView {
            rule: t.rule.statement(),
            min_private_share_bp: t.rule.min_private_share_bp,
            round_total_cents: t.round_total.0,
            private_pari_passu_cents: t.private_pari_passu.0,
            private_share_bp: t.private_share_bp,
            passed: t.passed,
        }
    }
}

/// The committee's decision as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionView {
    /// `approved` or `rejected`.
    pub verdict: String,
    /// `YYYY-MM-DD`.
    pub on: String,
    /// Reference.
    pub reference: String,
    /// Reason.
    pub reason: String,
    /// Who recorded it (`account:ID`).
    pub decided_by: Option<String>,
    /// The commitment's ledger entry (approval).
    pub ledger_seq: Option<i64>,
}

/// An event as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    /// Identifier.
    pub id: i64,
    /// `capital-call`, `distribution`, `valuation` or `exit`.
    pub kind: String,
    /// `YYYY-MM-DD`.
    pub on: String,
    /// Cents.
    pub amount_cents: i64,
    /// Note.
    pub note: String,
    /// Who recorded it.
    pub recorded_by: String,
    /// Its ledger entry, if it moved money.
    pub ledger_seq: Option<i64>,
}

/// An investment with its test, decision, events and metrics.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvestmentDetail {
    /// Identifier (`investment:{id}` in the ledger).
    pub id: i64,
    /// The project's slug.
    pub project: String,
    /// The investee.
    pub investee: InvesteeBody,
    /// The instrument's code.
    pub instrument: String,
    /// The programme's amount, cents.
    pub amount_cents: i64,
    /// Pre-money valuation, cents.
    pub pre_money_cents: i64,
    /// Programme + co-investors, cents.
    pub round_total_cents: i64,
    /// Pre-money + round total, cents.
    pub post_money_cents: i64,
    /// The programme's stake: amount / post-money, hundredths of a percent (rounded half up).
    pub stake_bp: i64,
    /// The co-investors.
    pub co_investors: Vec<CoInvestorBody>,
    /// The test under the rule applied to the decision (the default rule before it).
    pub prudent_investor_test: TestView,
    /// `proposed`, `approved`, `rejected` or `exited`.
    pub status: String,
    /// The decision, once taken.
    pub decision: Option<DecisionView>,
    /// Events by value date.
    pub events: Vec<EventView>,
    /// Metrics of this investment.
    pub metrics: MetricsView,
}

fn code<T: Serialize>(v: &T) -> String {
    crate::pages::call_management::code(v)
}

impl InvestmentDetail {
    /// The detail of a stored investment; its test under the rule of its decision, or the
    /// programme's `floor` before the decision. Errors: a 500 for stored figures out of range.
    pub(crate) fn of(inv: &StoredInvestment, floor: PrudentInvestorRule) -> AppResult<InvestmentDetail> {
        let c = &inv.case;
        let bad = |e: territoires_domain::funding::investment::InvestmentError| AppError::internal(Format::Json, e);
        let stake = c.stake().map_err(bad)?;
        let test = c.prudent_investor_test(inv.rule.unwrap_or(floor)).map_err(bad)?;
        Ok(InvestmentDetail {
            id: inv.id,
            project: c.project.clone(),
            investee: InvesteeBody {
                kind: code(&c.investee.kind),
                name: c.investee.name.clone(),
                siren: c.investee.siren.as_str().to_owned(),
            },
            instrument: code(&c.instrument),
            amount_cents: c.amount.0,
            pre_money_cents: c.pre_money.0,
            round_total_cents: stake.round_total.0,
            post_money_cents: stake.post_money.0,
            stake_bp: stake.stake_bp,
            co_investors: c
                .co_investors
                .iter()
                .map(|x| CoInvestorBody {
                    name: x.name.clone(),
                    kind: code(&x.kind),
                    amount_cents: x.amount.0,
                    same_terms: x.same_terms,
                    terms: x.terms.clone(),
                })
                .collect(),
            prudent_investor_test: test.into(),
            status: code(&inv.status),
            decision: inv.decision.as_ref().map(|d| DecisionView {
                verdict: code(&d.verdict),
                on: d.on.to_string(),
                reference: d.reference.clone(),
                reason: d.reason.clone(),
                decided_by: inv.decided_by.clone(),
                ledger_seq: inv.ledger_seq,
            }),
            events: inv
                .events
                .iter()
                .map(|e| EventView {
                    id: e.id,
                    kind: code(&e.event.kind),
                    on: e.event.on.to_string(),
                    amount_cents: e.event.amount.0,
                    note: e.event.note.clone(),
                    recorded_by: e.recorded_by.clone(),
                    ledger_seq: e.ledger_seq,
                })
                .collect(),
            metrics: metrics_view(&[position_of(inv)]),
        })
    }
}

/// One investment's line in the portfolio.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortfolioInvestment {
    /// Identifier.
    pub id: i64,
    /// Project slug.
    pub project: String,
    /// Investee's name.
    pub investee: String,
    /// `approved` or `exited`.
    pub status: String,
    /// Its metrics.
    pub metrics: MetricsView,
}

/// One project's line in the portfolio.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortfolioProject {
    /// Project slug.
    pub project: String,
    /// Project name.
    pub name: String,
    /// How many investments (approved or exited).
    pub investments: usize,
    /// Metrics of its investments together.
    pub metrics: MetricsView,
}

/// The programme's equity portfolio: approved and exited investments only.
#[derive(Debug, Serialize, ToSchema)]
pub struct Portfolio {
    /// Metrics of every investment together.
    pub programme: MetricsView,
    /// Per project, by slug.
    pub projects: Vec<PortfolioProject>,
    /// Per investment, by identifier.
    pub investments: Vec<PortfolioInvestment>,
}

/// The portfolio of `all` (proposed and rejected cases left out).
pub(crate) fn portfolio(ctx: &Ctx, all: &[StoredInvestment]) -> Portfolio {
    let held: Vec<&StoredInvestment> = all
        .iter()
        .filter(|i| matches!(i.status, InvestmentStatus::Approved | InvestmentStatus::Exited))
        .collect();
    let positions: Vec<Position> = held.iter().map(|i| position_of(i)).collect();
    let mut by_project: BTreeMap<&str, Vec<Position>> = BTreeMap::new();
    for (i, p) in held.iter().zip(&positions) {
        by_project.entry(i.case.project.as_str()).or_default().push(p.clone());
    }
    Portfolio {
        programme: metrics_view(&positions),
        projects: by_project
            .into_iter()
            .map(|(slug, ps)| PortfolioProject {
                project: slug.to_owned(),
                name: ctx.app.registry.project(slug).map_or_else(|| slug.to_owned(), |p| p.name.clone()),
                investments: ps.len(),
                metrics: metrics_view(&ps),
            })
            .collect(),
        investments: held
            .iter()
            .zip(&positions)
            .map(|(i, p)| PortfolioInvestment {
                id: i.id,
                project: i.case.project.clone(),
                investee: i.case.investee.name.clone(),
                status: code(&i.status),
                metrics: metrics_view(std::slice::from_ref(p)),
            })
            .collect(),
    }
}

// ---------------------------------------------------------------- handlers

fn detail_response(ctx: &Ctx, status: StatusCode, inv: &StoredInvestment) -> AppResult<Response> {
    Ok((status, Json(InvestmentDetail::of(inv, ctx.app.prudent_investor_floor)?)).into_response())
}

/// Every investment case, by identifier.
#[utoipa::path(
    get,
    path = "/api/v1/investments",
    tag = "funding",
    responses(
        (status = 200, description = "The cases with their tests, decisions, events and metrics", body = [InvestmentDetail]),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not a funding role", body = ErrorBody),
    )
)]
pub async fn list_investments(Current(ctx): Current, signed_in: SignedIn) -> Response {
    no_store(
        async {
            require_reader(&signed_in, Format::Json)?;
            let all = ctx.app.store.investments().await.map_err(|e| store_error(Format::Json, e))?;
            let out = all
                .iter()
                .map(|i| InvestmentDetail::of(i, ctx.app.prudent_investor_floor))
                .collect::<AppResult<Vec<_>>>()?;
            Ok(Json(out).into_response())
        }
        .await,
    )
}

/// One investment case with its metrics.
#[utoipa::path(
    get,
    path = "/api/v1/investments/{id}",
    tag = "funding",
    params(("id" = i64, Path, description = "The investment's identifier")),
    responses(
        (status = 200, description = "The case", body = InvestmentDetail),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not a funding role", body = ErrorBody),
        (status = 404, description = "No such investment", body = ErrorBody),
    )
)]
pub async fn find_investment(Current(ctx): Current, signed_in: SignedIn, Path(id): Path<String>) -> Response {
    no_store(
        async {
            require_reader(&signed_in, Format::Json)?;
            detail_response(&ctx, StatusCode::OK, &load(&ctx, &id, Format::Json).await?)
        }
        .await,
    )
}

/// The case of `input`, parsed. Errors: 422 naming the field.
fn parse_case(input: NewInvestment) -> AppResult<InvestmentCase> {
    let f = Format::Json;
    let co_investors = input
        .co_investors
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            Ok(CoInvestor {
                name: c.name,
                kind: parse_code(&c.kind, &format!("co_investors[{i}].kind"), "private ou public", f)?,
                amount: Money(c.amount_cents),
                same_terms: c.same_terms,
                terms: c.terms,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(InvestmentCase {
        project: input.project,
        investee: Investee {
            kind: parse_code(&input.investee.kind, "investee.kind", "company ou spv", f)?,
            name: input.investee.name,
            siren: parse_siren(&input.investee.siren, "investee.siren", f)?,
        },
        instrument: parse_code(
            &input.instrument,
            "instrument",
            "ordinary-shares, preferred-shares, convertible-bonds ou shareholder-loan",
            f,
        )?,
        amount: Money(input.amount_cents),
        pre_money: Money(input.pre_money_cents),
        co_investors,
    })
}

/// Records an investment case (status `proposed`).
#[utoipa::path(
    post,
    path = "/api/v1/investments",
    tag = "funding",
    request_body = NewInvestment,
    responses(
        (status = 201, description = "Recorded", body = InvestmentDetail),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not allowed to manage funding, or a cookie write without X-CSRF-Token", body = ErrorBody),
        (status = 422, description = "An invalid SIREN, an unknown project or code, a blank name, an amount not positive", body = ErrorBody),
    )
)]
pub async fn create_investment(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    json: Result<Json<NewInvestment>, axum::extract::rejection::JsonRejection>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            signed_in.require(Action::ManageFunding, Format::Json)?;
            let case = parse_case(body(json)?)?;
            detail_response(&ctx, StatusCode::CREATED, &create(&ctx, &signed_in, case, Format::Json).await?)
        }
        .await,
    )
}

/// Records the investment committee's decision; an approval commits the amount.
#[utoipa::path(
    post,
    path = "/api/v1/investments/{id}/decision",
    tag = "funding",
    params(("id" = i64, Path, description = "The investment's identifier")),
    request_body = NewDecision,
    responses(
        (status = 201, description = "Recorded; on approval the amount is committed on the equity envelope", body = InvestmentDetail),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not allowed to manage funding", body = ErrorBody),
        (status = 404, description = "No such investment", body = ErrorBody),
        (status = 409, description = "Already decided, or beyond the project's investment potential or the equity envelope: nothing written", body = ErrorBody),
        (status = 422, description = "An approval failing the prudent-investor test (the message gives the figures), a blank reference or reason, a bad date or parameter (below the programme's floor)", body = ErrorBody),
    )
)]
pub async fn create_decision(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(id): Path<String>,
    json: Result<Json<NewDecision>, axum::extract::rejection::JsonRejection>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            signed_in.require(Action::ManageFunding, Format::Json)?;
            let input = body(json)?;
            let verdict: Verdict = parse_code(&input.verdict, "verdict", "approved ou rejected", Format::Json)?;
            let rule = match input.min_private_share_bp {
                Some(bp) => PrudentInvestorRule::new(bp)
                    .map_err(|e| unprocessable(Format::Json, format!("Le champ « min_private_share_bp » : {e}.")))?,
                None => ctx.app.prudent_investor_floor,
            };
            let decision = CommitteeDecision {
                verdict,
                on: parse_date(&input.on, "on", Format::Json)?,
                reference: input.reference,
                reason: input.reason,
            };
            detail_response(
                &ctx,
                StatusCode::CREATED,
                &decide(&ctx, &signed_in, &id, decision, rule, Format::Json).await?,
            )
        }
        .await,
    )
}

/// Checks the writer, then records `input` as an event of `kind` on investment `id`.
async fn post_event(
    ctx: &Ctx,
    signed_in: &SignedIn,
    headers: &HeaderMap,
    id: &str,
    kind: EventKind,
    input: AppResult<NewEvent>,
) -> AppResult<Response> {
    signed_in.check_api_write(headers)?;
    signed_in.require(Action::ManageFunding, Format::Json)?;
    let input = input?;
    let event = InvestmentEvent {
        kind,
        on: parse_date(&input.on, "on", Format::Json)?,
        amount: Money(input.amount_cents),
        note: input.note,
    };
    detail_response(ctx, StatusCode::CREATED, &add_event(ctx, signed_in, id, event, Format::Json).await?)
}

macro_rules! event_handler {
    ($name:ident, $path:literal, $kind:expr, $what:literal) => {
        #[doc = concat!("Records a ", $what, " on an approved investment.")]
        #[utoipa::path(
            post,
            path = $path,
            tag = "funding",
            params(("id" = i64, Path, description = "The investment's identifier")),
            request_body = NewEvent,
            responses(
                (status = 201, description = "Recorded (capital call: a ledger disbursement; distribution: a ledger return; valuation: none)", body = InvestmentDetail),
                (status = 401, description = "No live session", body = ErrorBody),
                (status = 403, description = "Not allowed to manage funding", body = ErrorBody),
                (status = 404, description = "No such investment", body = ErrorBody),
                (status = 409, description = "Not approved (or exited), or a call beyond what is committed and not yet called", body = ErrorBody),
                (status = 422, description = "A bad date or amount", body = ErrorBody),
            )
        )]
        pub async fn $name(
            Current(ctx): Current,
            signed_in: SignedIn,
            headers: HeaderMap,
            Path(id): Path<String>,
            json: Result<Json<NewEvent>, axum::extract::rejection::JsonRejection>,
        ) -> Response {
            no_store(
                post_event(&ctx, &signed_in, &headers, &id, $kind, body(json)).await,
            )
        }
    };
}

event_handler!(
    create_capital_call,
    "/api/v1/investments/{id}/capital-calls",
    EventKind::CapitalCall,
    "capital call"
);
event_handler!(
    create_distribution,
    "/api/v1/investments/{id}/distributions",
    EventKind::Distribution,
    "distribution"
);
event_handler!(
    create_valuation,
    "/api/v1/investments/{id}/valuations",
    EventKind::Valuation,
    "valuation (NAV)"
);

/// Records the exit of an approved investment: its proceeds (a ledger return when > 0),
/// then NAV 0; what was committed and never called is released to the project.
#[utoipa::path(
    post,
    path = "/api/v1/investments/{id}/exit",
    tag = "funding",
    params(("id" = i64, Path, description = "The investment's identifier")),
    request_body = NewExit,
    responses(
        (status = 201, description = "Recorded; the investment is exited and what was never called released on the ledger", body = InvestmentDetail),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not allowed to manage funding", body = ErrorBody),
        (status = 404, description = "No such investment", body = ErrorBody),
        (status = 409, description = "Not approved, or already exited", body = ErrorBody),
        (status = 422, description = "A bad date (before the decision or the latest event, after today) or amount (negative, above 10^15 cents)", body = ErrorBody),
    )
)]
pub async fn create_exit(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(id): Path<String>,
    json: Result<Json<NewExit>, axum::extract::rejection::JsonRejection>,
) -> Response {
    no_store(
        post_event(
            &ctx,
            &signed_in,
            &headers,
            &id,
            EventKind::Exit,
            body(json).map(|x| NewEvent {
                on: x.on,
                amount_cents: x.proceeds_cents,
                note: x.note,
            }),
        )
        .await,
    )
}

/// The portfolio's metrics per investment, per project and for the programme.
#[utoipa::path(
    get,
    path = "/api/v1/portfolio",
    tag = "funding",
    responses(
        (status = 200, description = "Approved and exited investments: paid-in, distributions, NAV, TVPI, DPI, RVPI, MOIC, XIRR", body = Portfolio),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not a funding role", body = ErrorBody),
    )
)]
pub async fn find_portfolio(Current(ctx): Current, signed_in: SignedIn) -> Response {
    no_store(
        async {
            require_reader(&signed_in, Format::Json)?;
            let all = ctx.app.store.investments().await.map_err(|e| store_error(Format::Json, e))?;
            Ok(Json(portfolio(&ctx, &all)).into_response())
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use territoires_domain::funding::portfolio::Position;
    use time::macros::date;

    #[test]
    fn several_roots_are_reported_with_the_choice_and_no_flow_is_a_reason() {
        // −100 €, +230 €, −132 € a year (365 days) apart: (1 + r)² − 2,3 (1 + r) + 1,32 = 0
        // has the roots 1,1 and 1,2, so r = 10 % and r = 20 %; 10 % is the closest to 0.
        let flow = |date, euros: i64| Flow {
            date,
            amount: Money(euros * 100),
        };
        let p = Position {
            flows: vec![
                flow(date!(2021 - 01 - 01), -100),
                flow(date!(2022 - 01 - 01), 230),
                flow(date!(2023 - 01 - 01), -132),
            ],
            residual: None,
        };
        let m = metrics_view(&[p]);
        let XirrView::Defined { rate, roots, note } = m.xirr else {
            panic!("{:?}", m.xirr)
        };
        assert!(
            (rate - 0.1).abs() < 1e-9 && roots.len() == 2 && (roots[1] - 0.2).abs() < 1e-9,
            "{roots:?}"
        );
        let note = note.expect("a note when several roots exist");
        assert!(
            note.contains("10,00\u{a0}% ; 20,00\u{a0}%") && note.contains("le plus proche de 0 %"),
            "{note}"
        );
        assert_eq!((m.paid_in_cents, m.distributions_cents), (23_200, 23_000));

        let m = metrics_view(&[]);
        assert_eq!(m.excluded, 0);
        assert!(matches!(m.xirr, XirrView::Undefined { ref reason, .. } if reason == "empty"));
        assert_eq!(
            (m.tvpi, m.multiples_undefined.as_deref()),
            (None, Some("Aucun montant appelé : les multiples ne sont pas définis"))
        );
    }

    #[test]
    fn one_investments_overflow_does_not_blank_the_others() {
        use territoires_domain::funding::portfolio::Residual;
        // The tester's valuation of i64::MAX cents (stored before the bound) next to
        // −100 € then +150 € (TVPI 1,5).
        let huge = Position {
            flows: vec![Flow {
                date: date!(2021 - 01 - 01),
                amount: Money(-100),
            }],
            residual: Some(Residual {
                date: date!(2022 - 01 - 01),
                value: Money(i64::MAX),
            }),
        };
        let normal = Position {
            flows: vec![
                Flow {
                    date: date!(2021 - 01 - 01),
                    amount: Money(-10_000),
                },
                Flow {
                    date: date!(2022 - 01 - 01),
                    amount: Money(15_000),
                },
            ],
            residual: None,
        };
        let m = metrics_view(&[huge.clone(), normal]);
        assert_eq!((m.excluded, m.paid_in_cents, m.nav_cents), (1, 10_000, 0));
        assert!((m.tvpi.unwrap() - 1.5).abs() < 1e-12, "{:?}", m.tvpi);
        // Alone, its own figures are shown as they are.
        assert_eq!(metrics_view(&[huge]).excluded, 0);
    }
}
