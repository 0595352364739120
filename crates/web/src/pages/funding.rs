//! The funding pages (issue 5, §1 and §6): `/financement` (the dashboard: envelopes with
//! the fiches' planned ceilings and their overrun stated plainly, projects, the ten-year
//! burn-down as a chart and its table), `/projets/{slug}/financement` (a project's tab),
//! `/financement/journal` (the ledger, newest first, filterable by account), and the
//! French CSV exports of the project table and of the ledger.

use super::{html, layout::Layout};
use crate::auth::MaybeSignedIn;
use crate::error::{no_store, AppError, Format};
use crate::format::{excerpt, ECHO_MAX};
use crate::funding_chart::{burn_down_chart, BurnDownChart};
use crate::funding_view::{self, BurnDown, EnvelopeFigures, ProjectEnvelope, ProjectFigures};
use crate::params::QueryValues;
use crate::Current;
use askama::Template;
use axum::body::Body;
use axum::extract::Path;
use axum::http::{header, HeaderValue, Uri};
use axum::response::Response;
use territoires_domain::access::{allows, Action, Role};
use territoires_domain::funding::ledger::{Account, Entry, Journal};
use territoires_domain::programme::EnvelopeKind;
use territoires_domain::Money;
use territoires_formats::french_csv::{self, Cell};

/// Entries per page of the journal.
pub const PAGE_SIZE: usize = 50;

/// Whether `role` may read who recorded each entry (an identifier of a person): the
/// operator's staff only; everyone else reads amounts, accounts, dates and reasons.
pub fn sees_who(role: Role) -> bool {
    matches!(role, Role::OperatorAdmin | Role::ProgrammeManager | Role::Instructor)
}

fn role(s: &MaybeSignedIn) -> Role {
    s.0.as_ref().map(|s| s.session.account.role).unwrap_or(Role::Public)
}

#[derive(Template)]
#[template(path = "funding.html")]
struct DashboardPage {
    layout: Layout,
    envelopes: Vec<EnvelopeFigures>,
    projects: Vec<ProjectFigures>,
    burn: Vec<(BurnDown, BurnDownChart, String)>,
}

/// `GET /financement`.
pub async fn dashboard(Current(ctx): Current) -> Response {
    no_store(
        async {
            let f = Format::Html;
            let journal = funding_view::journal(&ctx.app, f).await?;
            let figures = funding_view::figures(&ctx.app, &journal, f)?;
            let burn = funding_view::burn_downs(&figures, &journal, f)?
                .into_iter()
                .zip(&figures.envelopes)
                .map(|(b, e)| {
                    let chart = burn_down_chart(&b, &e.label, &format!("burn-{}", kind_code(e.kind)));
                    (b, chart, e.label.clone())
                })
                .collect();
            let page = DashboardPage {
                layout: Layout::new("Financement", "funding"),
                envelopes: figures.envelopes,
                projects: figures.projects,
                burn,
            };
            Ok(html(page.render().map_err(|e| AppError::internal(f, e))?.into()))
        }
        .await,
    )
}

fn kind_code(k: EnvelopeKind) -> &'static str {
    match k {
        EnvelopeKind::Subsidy => "subsidy",
        EnvelopeKind::Equity => "equity",
    }
}

/// An agreement or investment of a project, with its totals.
struct HolderRow {
    label: String,
    href: String,
    envelope: &'static str,
    committed: Money,
    disbursed: Money,
    unpaid: Money,
    returned: Money,
}

#[derive(Template)]
#[template(path = "funding_project.html")]
struct ProjectPage {
    layout: Layout,
    slug: String,
    name: String,
    rows: Vec<(&'static str, ProjectEnvelope)>,
    holders: Vec<HolderRow>,
    /// Whether the visitor may sign agreements and record investments (their links shown).
    can_manage: bool,
}

/// The agreements and investments of project `slug` in `journal`, in account order. Their
/// amounts are public (the ledger is); an investment's case (valuations, co-investors and
/// their terms) is for the operator's staff only, so it is linked only when
/// `investments_readable`.
fn holders_of(journal: &Journal, slug: &str, investments_readable: bool) -> Vec<HolderRow> {
    journal
        .holders()
        .filter(|(_, _, s, _)| *s == slug)
        .filter_map(|(account, b, _, kind)| {
            let (label, href) = match account {
                Account::Agreement(n) => (format!("Convention n° {n}"), format!("/conventions/{n}")),
                Account::Investment(n) if investments_readable => (format!("Investissement n° {n}"), format!("/investissements/{n}")),
                Account::Investment(n) => (format!("Investissement n° {n}"), String::new()),
                _ => return None,
            };
            Some(HolderRow {
                label,
                href,
                envelope: kind.label(),
                committed: b.committed,
                disbursed: b.disbursed,
                unpaid: b.unpaid().unwrap_or(Money::ZERO),
                returned: b.returned,
            })
        })
        .collect()
}

/// `GET /projets/{slug}/financement`: 404 for an unknown project.
pub async fn project_tab(Current(ctx): Current, signed_in: MaybeSignedIn, Path(slug): Path<String>) -> Response {
    no_store(
        async {
            let f = Format::Html;
            let p = ctx
                .app
                .registry
                .project(&slug)
                .ok_or_else(|| AppError::not_found(f, format!("Aucun projet « {} » dans le registre.", excerpt(&slug, ECHO_MAX))))?;
            let journal = funding_view::journal(&ctx.app, f).await?;
            let figures = funding_view::figures(&ctx.app, &journal, f)?;
            let mine = figures
                .projects
                .into_iter()
                .find(|x| x.slug == p.slug)
                .ok_or_else(|| AppError::internal(f, "project missing from its own figures"))?;
            let page = ProjectPage {
                layout: Layout::new(format!("Financement — {}", p.name), "projects"),
                slug: p.slug.clone(),
                name: p.name.clone(),
                rows: vec![
                    (EnvelopeKind::Subsidy.label(), mine.subsidy),
                    (EnvelopeKind::Equity.label(), mine.equity),
                ],
                holders: holders_of(&journal, &p.slug, {
                    let r = role(&signed_in);
                    allows(r, Action::ManageFunding) || allows(r, Action::CheckDisbursement)
                }),
                can_manage: allows(role(&signed_in), Action::ManageFunding),
            };
            Ok(html(page.render().map_err(|e| AppError::internal(f, e))?.into()))
        }
        .await,
    )
}

/// The journal's query: `page` (from 1) and `compte` (an account code, empty for all).
/// Errors: 400 naming the parameter (a page that is not a positive integer, an unknown
/// account code).
pub fn journal_query(uri: &Uri, format: Format, names: [&'static str; 2]) -> Result<(usize, Option<Account>), AppError> {
    let q = QueryValues::parse(uri, &names, format)?;
    let page = match q.get(names[0]).filter(|v| !v.is_empty()) {
        None => 1,
        Some(v) => v.parse::<usize>().ok().filter(|p| *p >= 1).ok_or_else(|| {
            AppError::invalid_parameter(
                format,
                names[0],
                format!("« {} » n'est pas un numéro de page (entier à partir de 1).", excerpt(v, ECHO_MAX)),
            )
        })?,
    };
    let account = match q.get(names[1]).map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => Some(
            v.parse::<Account>()
                .map_err(|e| AppError::invalid_parameter(format, names[1], excerpt(&e.to_string(), 300).into_owned()))?,
        ),
    };
    Ok((page, account))
}

/// The entries touching `account` (all when `None`), newest first.
pub fn newest_first<'a>(journal: &'a Journal, account: Option<&'a Account>) -> Vec<&'a Entry> {
    journal
        .entries()
        .iter()
        .rev()
        .filter(|e| account.is_none_or(|a| e.debit == *a || e.credit == *a))
        .collect()
}

#[derive(Template)]
#[template(path = "funding_journal.html")]
struct JournalPage<'a> {
    layout: Layout,
    entries: Vec<&'a Entry>,
    total: usize,
    page: usize,
    pages: usize,
    account: String,
    who: bool,
}

/// `GET /financement/journal?page=N&compte=CODE`.
pub async fn journal(Current(ctx): Current, signed_in: MaybeSignedIn, uri: Uri) -> Response {
    no_store(
        async {
            let f = Format::Html;
            let (page, account) = journal_query(&uri, f, ["page", "compte"])?;
            let journal = funding_view::journal(&ctx.app, f).await?;
            let all = newest_first(&journal, account.as_ref());
            let total = all.len();
            let pages = total.div_ceil(PAGE_SIZE).max(1);
            let entries = all.into_iter().skip((page - 1) * PAGE_SIZE).take(PAGE_SIZE).collect();
            let page = JournalPage {
                layout: Layout::new("Grand livre du financement", "funding"),
                entries,
                total,
                page,
                pages,
                account: account.as_ref().map(Account::code).unwrap_or_default(),
                who: sees_who(role(&signed_in)),
            };
            Ok(html(page.render().map_err(|e| AppError::internal(f, e))?.into()))
        }
        .await,
    )
}

/// A 200 `text/csv; charset=utf-8` attachment named `name`.
pub fn csv_response(bytes: Vec<u8>, name: &str) -> Response {
    let mut res = Response::new(Body::from(bytes));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// The header of the projects export (amounts in euros).
pub const PROJECTS_HEADER: [&str; 10] = [
    "slug",
    "projet",
    "plafond de subvention (€)",
    "subvention engagée (€)",
    "subvention versée (€)",
    "subvention restante (€)",
    "potentiel d'investissement (€)",
    "fonds propres engagés (€)",
    "fonds propres versés (€)",
    "fonds propres restants (€)",
];

/// The projects export's rows.
pub fn projects_rows(projects: &[ProjectFigures]) -> Vec<Vec<Cell>> {
    projects
        .iter()
        .map(|p| {
            let mut row = vec![Cell::text(p.slug.clone()), Cell::text(p.name.clone())];
            for e in [p.subsidy, p.equity] {
                row.extend([e.ceiling, e.committed, e.disbursed, e.remaining].map(Cell::Money));
            }
            row
        })
        .collect()
}

/// The header of the journal export, with `qui` only for staff.
pub fn journal_header(who: bool) -> Vec<&'static str> {
    let mut h = vec![
        "n°",
        "date de valeur",
        "mouvement",
        "compte débité",
        "compte crédité",
        "montant (€)",
    ];
    if who {
        h.push("qui");
    }
    h.push("motif");
    h
}

/// The journal export's rows, in the order given.
pub fn journal_rows(entries: &[&Entry], who: bool) -> Vec<Vec<Cell>> {
    entries
        .iter()
        .map(|e| {
            let mut row = vec![
                Cell::Integer(i64::try_from(e.seq).unwrap_or(i64::MAX)),
                Cell::Date(e.at),
                Cell::text(e.movement.label()),
                Cell::text(e.debit.code()),
                Cell::text(e.credit.code()),
                Cell::Money(e.amount),
            ];
            if who {
                row.push(Cell::text(e.who.clone()));
            }
            row.push(Cell::text(e.why.clone()));
            row
        })
        .collect()
}

/// `GET /financement/export/projets.csv`: the per-project table, French CSV.
pub async fn export_projects(Current(ctx): Current) -> Response {
    no_store(
        async {
            let f = Format::Html;
            let journal = funding_view::journal(&ctx.app, f).await?;
            let figures = funding_view::figures(&ctx.app, &journal, f)?;
            let bytes = french_csv::to_bytes(&PROJECTS_HEADER, projects_rows(&figures.projects)).map_err(|e| AppError::internal(f, e))?;
            Ok(csv_response(bytes, "financement-projets.csv"))
        }
        .await,
    )
}

/// `GET /financement/export/journal.csv?compte=CODE`: the whole ledger (or one account's
/// entries), newest first, French CSV; who recorded each entry for staff only.
pub async fn export_journal(Current(ctx): Current, signed_in: MaybeSignedIn, uri: Uri) -> Response {
    no_store(
        async {
            let f = Format::Html;
            let (_, account) = journal_query(&uri, f, ["page", "compte"])?;
            let journal = funding_view::journal(&ctx.app, f).await?;
            let who = sees_who(role(&signed_in));
            let entries = newest_first(&journal, account.as_ref());
            let bytes = french_csv::to_bytes(&journal_header(who), journal_rows(&entries, who)).map_err(|e| AppError::internal(f, e))?;
            Ok(csv_response(bytes, "grand-livre.csv"))
        }
        .await,
    )
}
