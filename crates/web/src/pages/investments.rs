//! Equity investments' pages (issue 5, §4), French, usable without JavaScript:
//!
//! - `GET /portefeuille` — the programme's metrics, then per project and per investment:
//!   paid-in, distributed, NAV, TVPI, DPI, RVPI, MOIC, XIRR (with a note when several
//!   roots exist or it is undefined); every case listed below.
//! - `GET /investissements/nouveau?projet=SLUG`, `POST /investissements` — a new case.
//! - `GET /investissements/{id}` — the case, its co-investors, the prudent-investor test
//!   with its rule and parameter, the decision, the events and the metrics;
//!   `POST /investissements/{id}/decision` and `POST /investissements/{id}/evenements`.
//!
//! Reading: the funding roles ([`crate::api::investments::require_reader`]); the forms
//! are shown to, and accepted from, [`Action::ManageFunding`] only. A refused form is
//! shown again (422 or 409) with its message and what was typed; nothing is written.
//!
//! **Confidentiality.** The ledger's amounts per investment — committed, called
//! (disbursed), returned — are public, as every ledger account, on the `/financement`
//! pages (a project's tab, the journal): they are public money. The case's details — the
//! valuations and NAV, the pre-money valuation, the co-investors and their terms, the
//! metrics computed from them — are business information of the investee and its
//! co-investors, and stay with the funding roles (staff) on these pages and this API.

use super::layout::Layout;
use super::opinions::page;
use crate::api::investments::{
    self as core, add_event, decide, load, metrics_view, parse_code, parse_siren, portfolio, position_of, rate_fr, ratio_fr,
    require_reader, MetricsView, XirrView,
};
use crate::auth::{self, SignedIn};
use crate::error::{no_store, AppError, AppResult, ErrorKind, Format};
use crate::pages::applications::parse_euros;
use crate::pages::opinions::parse_date;
use crate::Current;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::BTreeMap;
use territoires_domain::access::{allows, Action};
use territoires_domain::funding::investment::{
    fmt_bp, CoInvestor, CommitteeDecision, EventKind, Instrument, Investee, InvestmentCase, InvestmentEvent, InvestmentStatus,
    PrudentInvestorRule, Verdict,
};
use territoires_domain::Money;
use territoires_store::StoredInvestment;

const F: Format = Format::Html;
/// Blank co-investor rows offered by the form (no JavaScript to add one).
const CO_ROWS: usize = 4;

/// A line of metrics as the tables show it.
struct MetricsRow {
    label: String,
    link: Option<String>,
    paid_in: String,
    distributed: String,
    nav: String,
    tvpi: String,
    dpi: String,
    rvpi: String,
    moic: String,
    xirr: String,
    notes: Vec<String>,
}

fn euros(cents: i64) -> String {
    Money(cents).fmt_euros()
}

fn metrics_row(label: String, link: Option<String>, m: &MetricsView) -> MetricsRow {
    let ratio = |r: Option<f64>| r.map_or_else(|| "—".to_owned(), ratio_fr);
    let mut notes: Vec<String> = m.multiples_undefined.iter().cloned().collect();
    let xirr = match &m.xirr {
        XirrView::Defined { rate, note, .. } => {
            notes.extend(note.iter().cloned());
            rate_fr(*rate)
        }
        XirrView::Undefined { message, .. } => {
            notes.push(format!("TRI : {message}"));
            "non défini".to_owned()
        }
    };
    MetricsRow {
        label,
        link,
        paid_in: euros(m.paid_in_cents),
        distributed: euros(m.distributions_cents),
        nav: euros(m.nav_cents),
        tvpi: ratio(m.tvpi),
        dpi: ratio(m.dpi),
        rvpi: ratio(m.rvpi),
        moic: ratio(m.moic),
        xirr,
        notes,
    }
}

/// A case as the lists show it.
struct CaseRow {
    id: i64,
    project: String,
    investee: String,
    amount: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "portfolio.html")]
struct PortfolioPage {
    layout: Layout,
    programme: MetricsRow,
    projects: Vec<MetricsRow>,
    investments: Vec<MetricsRow>,
    cases: Vec<CaseRow>,
    can_manage: bool,
    projects_for_new: Vec<(String, String)>,
}

/// `GET /portefeuille`.
pub async fn portfolio_page(Current(ctx): Current, signed_in: SignedIn) -> Response {
    no_store(
        async {
            require_reader(&signed_in, F)?;
            let all = ctx.app.store.investments().await.map_err(|e| core::store_error(F, e))?;
            let p = portfolio(&ctx, &all);
            let html = PortfolioPage {
                layout: Layout::new("Portefeuille d'investissements", ""),
                programme: metrics_row("Programme".into(), None, &p.programme),
                projects: p
                    .projects
                    .iter()
                    .map(|x| {
                        metrics_row(
                            format!("{} ({})", x.name, x.investments),
                            Some(format!("/projets/{}", x.project)),
                            &x.metrics,
                        )
                    })
                    .collect(),
                investments: p
                    .investments
                    .iter()
                    .map(|x| {
                        metrics_row(
                            format!("n° {} — {}", x.id, x.investee),
                            Some(format!("/investissements/{}", x.id)),
                            &x.metrics,
                        )
                    })
                    .collect(),
                cases: all
                    .iter()
                    .map(|i| CaseRow {
                        id: i.id,
                        project: i.case.project.clone(),
                        investee: i.case.investee.name.clone(),
                        amount: i.case.amount.fmt_euros(),
                        status: i.status.label(),
                    })
                    .collect(),
                can_manage: allows(signed_in.session.account.role, Action::ManageFunding),
                projects_for_new: ctx
                    .app
                    .registry
                    .projects
                    .iter()
                    .filter(|p| p.investment_potential.0 > 0)
                    .map(|p| (p.slug.clone(), p.name.clone()))
                    .collect(),
            }
            .render();
            page(StatusCode::OK, html)
        }
        .await,
    )
}

/// What a refused form had typed, by field name.
#[derive(Default)]
struct Typed(BTreeMap<String, String>);

impl Typed {
    fn of(fields: &[(String, String)]) -> Typed {
        Typed(fields.iter().filter(|(k, _)| k != "csrf").cloned().collect())
    }
    fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }
}

struct CoRow {
    i: usize,
    name: String,
    public: bool,
    amount: String,
    same: bool,
    terms: String,
}

#[derive(Template)]
#[template(path = "investment_new.html")]
struct NewPage<'a> {
    layout: Layout,
    csrf: &'a str,
    project: String,
    project_name: String,
    potential: String,
    typed: Typed,
    co_rows: Vec<CoRow>,
    instruments: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

impl NewPage<'_> {
    fn v(&self, name: &str) -> &str {
        self.typed.get(name)
    }
}

fn new_page(ctx: &crate::Ctx, signed_in: &SignedIn, project: &str, typed: Typed, error: Option<String>) -> AppResult<Response> {
    let p = ctx.app.registry.project(project).ok_or_else(|| {
        AppError::not_found(
            F,
            format!(
                "Aucun projet lauréat n'a l'identifiant « {} ».",
                crate::format::excerpt(project, 60)
            ),
        )
    })?;
    let co_rows = (0..CO_ROWS)
        .map(|i| CoRow {
            i,
            name: typed.get(&format!("co_name_{i}")).to_owned(),
            public: typed.get(&format!("co_kind_{i}")) == "public",
            amount: typed.get(&format!("co_amount_{i}")).to_owned(),
            same: !typed.get(&format!("co_same_{i}")).is_empty(),
            terms: typed.get(&format!("co_terms_{i}")).to_owned(),
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let html = NewPage {
        layout: Layout::new(format!("Nouveau dossier d'investissement — {}", p.name), ""),
        csrf: &signed_in.session.csrf_token,
        project: p.slug.clone(),
        project_name: p.name.clone(),
        potential: p.investment_potential.fmt_euros(),
        typed,
        co_rows,
        instruments: Instrument::ALL.iter().map(|i| (leak_code(i), i.label())).collect(),
        error,
    }
    .render();
    page(status, html)
}

/// The code of an instrument (`ordinary-shares`), static.
fn leak_code(i: &Instrument) -> &'static str {
    match i {
        Instrument::OrdinaryShares => "ordinary-shares",
        Instrument::PreferredShares => "preferred-shares",
        Instrument::ConvertibleBonds => "convertible-bonds",
        Instrument::ShareholderLoan => "shareholder-loan",
    }
}

/// Query of the new-case form.
#[derive(serde::Deserialize)]
pub struct NewQuery {
    projet: Option<String>,
}

/// `GET /investissements/nouveau?projet=SLUG`.
pub async fn new_form(Current(ctx): Current, signed_in: SignedIn, Query(q): Query<NewQuery>) -> Response {
    no_store(
        async {
            signed_in.require(Action::ManageFunding, F)?;
            let project = q.projet.unwrap_or_default();
            new_page(&ctx, &signed_in, &project, Typed::default(), None)
        }
        .await,
    )
}

/// An amount in euros from the form, required. Errors: the French message naming `label`.
fn required_euros(raw: &str, label: &str) -> Result<Money, String> {
    match parse_euros(raw) {
        Ok(Some(m)) => Ok(m),
        Ok(None) => Err(format!("Le champ « {label} » est obligatoire.")),
        Err(e) => Err(format!("{label} — {e}")),
    }
}

/// The case typed in the form. Errors: the French message naming the field.
fn case_of(t: &Typed) -> Result<InvestmentCase, String> {
    let msg = |e: AppError| e.message.clone();
    let mut co_investors = Vec::new();
    for i in 0..CO_ROWS {
        let name = t.get(&format!("co_name_{i}"));
        let amount = t.get(&format!("co_amount_{i}"));
        if name.trim().is_empty() && amount.trim().is_empty() {
            continue;
        }
        co_investors.push(CoInvestor {
            name: name.to_owned(),
            kind: parse_code(
                t.get(&format!("co_kind_{i}")),
                &format!("nature du co-investisseur {}", i + 1),
                "privé ou public",
                F,
            )
            .map_err(msg)?,
            amount: required_euros(amount, &format!("montant du co-investisseur {}", i + 1))?,
            same_terms: !t.get(&format!("co_same_{i}")).is_empty(),
            terms: t.get(&format!("co_terms_{i}")).to_owned(),
        });
    }
    Ok(InvestmentCase {
        project: t.get("projet").to_owned(),
        investee: Investee {
            kind: parse_code(t.get("investee_kind"), "type de bénéficiaire", "société ou société de projet", F).map_err(msg)?,
            name: t.get("investee_name").to_owned(),
            siren: parse_siren(t.get("siren"), "SIREN", F).map_err(msg)?,
        },
        instrument: parse_code(t.get("instrument"), "instrument", "un des instruments proposés", F).map_err(msg)?,
        amount: required_euros(t.get("amount"), "montant investi")?,
        pre_money: required_euros(t.get("pre_money"), "valorisation pré-money")?,
        co_investors,
    })
}

/// `POST /investissements`.
pub async fn create(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            let typed = Typed::of(&fields);
            signed_in.check_csrf(fields.iter().find(|(k, _)| k == "csrf").map_or("", |(_, v)| v))?;
            signed_in.require(Action::ManageFunding, F)?;
            let project = typed.get("projet").to_owned();
            let result = match case_of(&typed) {
                Ok(case) => core::create(&ctx, &signed_in, case, F).await.map_err(|e| e.message.clone()),
                Err(m) => Err(m),
            };
            match result {
                Ok(inv) => Ok(Redirect::to(&format!("/investissements/{}", inv.id)).into_response()),
                Err(m) => new_page(&ctx, &signed_in, &project, typed, Some(m)),
            }
        }
        .await,
    )
}

/// A co-investor as the case page shows it.
struct CoView {
    name: String,
    kind: &'static str,
    amount: String,
    same_terms: bool,
    terms: String,
}

struct EventRow {
    kind: &'static str,
    on: String,
    amount: String,
    note: String,
    ledger: String,
}

#[derive(Template)]
#[template(path = "investment.html")]
struct ShowPage<'a> {
    layout: Layout,
    csrf: &'a str,
    inv: &'a StoredInvestment,
    project_name: String,
    investee_kind: &'static str,
    siren: String,
    instrument: &'static str,
    amount: String,
    pre_money: String,
    round_total: String,
    post_money: String,
    stake: String,
    co: Vec<CoView>,
    rule: String,
    rule_parameter: String,
    rule_applied: bool,
    /// The programme's floor of the minimum private share (`30,00 %`).
    rule_floor: String,
    private_pari_passu: String,
    private_share: String,
    passed: bool,
    status: &'static str,
    decision: Option<(String, String, String, String)>,
    events: Vec<EventRow>,
    metrics: MetricsRow,
    can_decide: bool,
    can_record: bool,
    typed: Typed,
    error_form: &'static str,
    error: Option<String>,
}

impl ShowPage<'_> {
    fn v(&self, name: &str) -> &str {
        self.typed.get(name)
    }
}

fn show_page(
    ctx: &crate::Ctx,
    signed_in: &SignedIn,
    inv: &StoredInvestment,
    typed: Typed,
    failed: Option<(&'static str, StatusCode, String)>,
) -> AppResult<Response> {
    let c = &inv.case;
    let internal = |e: territoires_domain::funding::investment::InvestmentError| AppError::internal(F, e);
    let stake = c.stake().map_err(internal)?;
    let rule = inv.rule.unwrap_or(ctx.app.prudent_investor_floor);
    let test = c.prudent_investor_test(rule).map_err(internal)?;
    let manage = allows(signed_in.session.account.role, Action::ManageFunding);
    let (error_form, status, error) = match failed {
        Some((form, status, m)) => (form, status, Some(m)),
        None => ("", StatusCode::OK, None),
    };
    let html = ShowPage {
        layout: Layout::new(format!("Investissement n° {} — {}", inv.id, c.investee.name), ""),
        csrf: &signed_in.session.csrf_token,
        inv,
        project_name: ctx
            .app
            .registry
            .project(&c.project)
            .map_or_else(|| c.project.clone(), |p| p.name.clone()),
        investee_kind: c.investee.kind.label(),
        siren: c.investee.siren.to_string(),
        instrument: c.instrument.label(),
        amount: c.amount.fmt_euros(),
        pre_money: c.pre_money.fmt_euros(),
        round_total: stake.round_total.fmt_euros(),
        post_money: stake.post_money.fmt_euros(),
        stake: fmt_bp(stake.stake_bp),
        co: c
            .co_investors
            .iter()
            .map(|x| CoView {
                name: x.name.clone(),
                kind: match x.kind {
                    territoires_domain::funding::investment::CoInvestorKind::Private => "privé",
                    territoires_domain::funding::investment::CoInvestorKind::Public => "public",
                },
                amount: x.amount.fmt_euros(),
                same_terms: x.same_terms,
                terms: x.terms.clone(),
            })
            .collect(),
        rule: rule.statement(),
        rule_parameter: fmt_bp(i64::from(rule.min_private_share_bp)),
        rule_applied: inv.rule.is_some(),
        rule_floor: fmt_bp(i64::from(ctx.app.prudent_investor_floor.min_private_share_bp)),
        private_pari_passu: test.private_pari_passu.fmt_euros(),
        private_share: fmt_bp(test.private_share_bp),
        passed: test.passed,
        status: inv.status.label(),
        decision: inv.decision.as_ref().map(|d| {
            let verdict = match d.verdict {
                Verdict::Approved => "Approuvé",
                Verdict::Rejected => "Rejeté",
            };
            (verdict.to_owned(), crate::format::date(d.on), d.reference.clone(), d.reason.clone())
        }),
        events: inv
            .events
            .iter()
            .map(|e| EventRow {
                kind: e.event.kind.label(),
                on: crate::format::date(e.event.on),
                amount: e.event.amount.fmt_euros(),
                note: e.event.note.clone(),
                ledger: e.ledger_seq.map_or_else(|| "—".to_owned(), |s| format!("n° {s}")),
            })
            .collect(),
        metrics: metrics_row("Cet investissement".into(), None, &metrics_view(&[position_of(inv)])),
        can_decide: manage && inv.status == InvestmentStatus::Proposed,
        can_record: manage && inv.status == InvestmentStatus::Approved,
        typed,
        error_form,
        error,
    }
    .render();
    page(status, html)
}

/// `GET /investissements/{id}`.
pub async fn show(Current(ctx): Current, signed_in: SignedIn, Path(id): Path<String>) -> Response {
    no_store(
        async {
            require_reader(&signed_in, F)?;
            let inv = load(&ctx, &id, F).await?;
            show_page(&ctx, &signed_in, &inv, Typed::default(), None)
        }
        .await,
    )
}

/// A percentage typed in French (`30`, `27,5 %`) in hundredths of a percent, read by the
/// agreements' parser ([`territoires_domain::funding::agreement::parse_percent`]); the
/// error names the form's field.
fn parse_percent_bp(raw: &str) -> Result<u32, String> {
    territoires_domain::funding::agreement::parse_percent(raw).map_err(|m| format!("Le champ « part privée minimale » : {m}."))
}

fn form_guard(signed_in: &SignedIn, headers: &HeaderMap, fields: &[(String, String)]) -> AppResult<()> {
    auth::check_same_origin(headers)?;
    signed_in.check_csrf(fields.iter().find(|(k, _)| k == "csrf").map_or("", |(_, v)| v))?;
    signed_in.require(Action::ManageFunding, F)
}

/// A failed form's status: 409 for a conflict (status, ceiling), else 422.
fn refusal(e: &AppError) -> StatusCode {
    if e.status() == StatusCode::CONFLICT {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// `POST /investissements/{id}/decision`: `verdict` (approved, rejected), `on`,
/// `reference`, `reason`, `min_private_share` (percent; blank: the programme's floor, 30 %
/// unless the operator set another; lower: 422 naming the floor).
pub async fn decide_form(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    no_store(
        async {
            form_guard(&signed_in, &headers, &fields)?;
            let typed = Typed::of(&fields);
            let inv = load(&ctx, &id, F).await?;
            let parsed = (|| -> AppResult<(CommitteeDecision, PrudentInvestorRule)> {
                let unprocessable = |m: String| AppError::new(F, ErrorKind::Unprocessable, m);
                let verdict = parse_code(typed.get("verdict"), "décision", "approuvé ou rejeté", F)?;
                let rule = match typed.get("min_private_share").trim() {
                    "" => ctx.app.prudent_investor_floor,
                    raw => {
                        PrudentInvestorRule::new(parse_percent_bp(raw).map_err(unprocessable)?).map_err(|e| unprocessable(e.to_string()))?
                    }
                };
                let on = parse_date(typed.get("on"), "date du comité", F)?;
                Ok((
                    CommitteeDecision {
                        verdict,
                        on,
                        reference: typed.get("reference").to_owned(),
                        reason: typed.get("reason").to_owned(),
                    },
                    rule,
                ))
            })();
            let result = match parsed {
                Ok((d, rule)) => decide(&ctx, &signed_in, &id, d, rule, F).await,
                Err(e) => Err(e),
            };
            match result {
                Ok(inv) => Ok(Redirect::to(&format!("/investissements/{}", inv.id)).into_response()),
                Err(e) if matches!(e.status(), StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY) => {
                    show_page(&ctx, &signed_in, &inv, typed, Some(("decision", refusal(&e), e.message.clone())))
                }
                Err(e) => Err(e),
            }
        }
        .await,
    )
}

/// `POST /investissements/{id}/evenements`: `kind` (capital-call, distribution,
/// valuation, exit), `on`, `amount` (euros), `note`.
pub async fn event_form(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    no_store(
        async {
            form_guard(&signed_in, &headers, &fields)?;
            let typed = Typed::of(&fields);
            let inv = load(&ctx, &id, F).await?;
            let parsed = (|| -> AppResult<InvestmentEvent> {
                let kind: EventKind = parse_code(typed.get("kind"), "type d'événement", "un des types proposés", F)?;
                let on = parse_date(typed.get("on"), "date", F)?;
                let amount = required_euros(typed.get("amount"), "montant").map_err(|m| AppError::new(F, ErrorKind::Unprocessable, m))?;
                Ok(InvestmentEvent {
                    kind,
                    on,
                    amount,
                    note: typed.get("note").to_owned(),
                })
            })();
            let result = match parsed {
                Ok(ev) => add_event(&ctx, &signed_in, &id, ev, F).await,
                Err(e) => Err(e),
            };
            match result {
                Ok(inv) => Ok(Redirect::to(&format!("/investissements/{}", inv.id)).into_response()),
                Err(e) if matches!(e.status(), StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY) => {
                    show_page(&ctx, &signed_in, &inv, typed, Some(("event", refusal(&e), e.message.clone())))
                }
                Err(e) => Err(e),
            }
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::parse_percent_bp;

    #[test]
    fn percentages_are_read_in_french_to_the_hundredth() {
        assert_eq!(parse_percent_bp("30"), Ok(3_000));
        assert_eq!(parse_percent_bp("27,5 %"), Ok(2_750));
        assert_eq!(parse_percent_bp("0,05"), Ok(5));
        assert_eq!(parse_percent_bp("100"), Ok(10_000));
        for bad in ["100,01", "1,234", "abc", "", "-3", "1e2"] {
            assert!(parse_percent_bp(bad).is_err(), "{bad}");
        }
    }
}
