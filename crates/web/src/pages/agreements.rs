//! Agreements' pages (issue 5 §2, §6), French, usable without JavaScript:
//!
//! - `GET /conventions?projet=SLUG` — the agreements, all or one project's, with what the
//!   ledger says is committed, paid and unpaid on each (public: subsidies are public data);
//! - `GET /conventions/nouvelle?projet=SLUG` and `POST /conventions` — the signature form
//!   ([`Action::ManageFunding`]: programme managers and administrators);
//! - `GET /conventions/{id}` — the terms, the co-financing plan with the State's share, the
//!   tranche schedule with its conditions (an indicator condition links to
//!   `/indicateurs/{code}`), the versions' history and the ledger's balance;
//! - `GET|POST /conventions/{id}/avenant` — the amendment form (same role).
//!
//! A refused form comes back (422, or 409 for a ceiling or a reference already used) with
//! its message and what was typed. [`sign`] and [`amend`] are shared with the API.

use super::agreement_form::{with_form_labels, TermsForm};
use super::layout::Layout;
use super::opinions::{no_store, page};
use crate::auth::{self, MaybeSignedIn, SignedIn};
use crate::error::{AppError, AppResult, ErrorKind, Format};
use crate::format::{date, excerpt, percent, ECHO_MAX};
use crate::Current;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use territoires_domain::access::{allows, Action};
use territoires_domain::funding::agreement::TermsDraft;
use territoires_domain::funding::ledger::{Balance, Caps, Journal};
use territoires_domain::Money;
use territoires_store::{AgreementDetail, AgreementSummary, StoreError};
use time::Date;

/// A store error of an agreement write as the reader sees it: terms that break a rule
/// 422; a ceiling, a reference already used, an agreement no longer active 409; 404.
///
/// On the pages ([`Format::Html`]), a message naming an API field (`cofinancers`) names
/// the form's label instead ([`with_form_labels`]: `Autres financeurs`).
pub(crate) fn agreement_error(format: Format, e: StoreError) -> AppError {
    let labelled = |m: String| if format == Format::Html { with_form_labels(&m) } else { m };
    match e {
        StoreError::Agreement(e) => AppError::new(format, ErrorKind::Unprocessable, labelled(e.message)),
        // The refused entry was never written: its number would name nothing.
        StoreError::Ledger(e) => AppError::new(format, ErrorKind::Conflict, format!("Engagement refusé : {}.", e.reason())),
        StoreError::Conflict(m) | StoreError::Refused(m) => AppError::new(format, ErrorKind::Conflict, labelled(m)),
        StoreError::NotFound(m) => AppError::not_found(format, m),
        other => AppError::internal(format, other),
    }
}

fn unknown_agreement(format: Format, raw: &str) -> AppError {
    AppError::not_found(format, format!("Aucune convention n'a le numéro « {} ».", excerpt(raw, ECHO_MAX)))
}

/// Agreement `raw` (a number) read whole, or 404.
pub(crate) async fn find(ctx: &crate::Ctx, raw: &str, format: Format) -> AppResult<AgreementDetail> {
    let id: i64 = raw.parse().map_err(|_| unknown_agreement(format, raw))?;
    ctx.app
        .store
        .agreement(id)
        .await
        .map_err(|e| AppError::internal(format, e))?
        .ok_or_else(|| unknown_agreement(format, raw))
}

/// Signs `draft` for project `slug` (checked against the fiche's planned budget and the
/// registry's ceilings). Errors: 403 without [`Action::ManageFunding`], 422 naming
/// `project` for an unknown project, then as [`agreement_error`].
pub(crate) async fn sign(ctx: &crate::Ctx, signed_in: &SignedIn, slug: &str, draft: &TermsDraft, format: Format) -> AppResult<i64> {
    signed_in.require(Action::ManageFunding, format)?;
    let project = ctx.app.registry.project(slug.trim()).ok_or_else(|| {
        AppError::new(
            format,
            ErrorKind::Unprocessable,
            format!(
                "Champ « {} » : aucun projet lauréat n'a l'identifiant « {} ».",
                if format == Format::Html { "Projet lauréat" } else { "project" },
                excerpt(slug, ECHO_MAX)
            ),
        )
    })?;
    let caps = Caps::from_registry(&ctx.app.registry);
    ctx.app
        .store
        .sign_agreement(&project.slug, draft, project.planned_budget, &signed_in.session.account, &caps)
        .await
        .map_err(|e| agreement_error(format, e))
}

/// Amends agreement `id` on `on` for `reason` with the whole new terms `draft`. Errors: 403,
/// 404, then as [`agreement_error`].
pub(crate) async fn amend(
    ctx: &crate::Ctx,
    signed_in: &SignedIn,
    id: i64,
    on: Date,
    reason: &str,
    draft: &TermsDraft,
    format: Format,
) -> AppResult<i64> {
    signed_in.require(Action::ManageFunding, format)?;
    let current = find(ctx, &id.to_string(), format).await?;
    let budget = ctx
        .app
        .registry
        .project(&current.summary.project_slug)
        .and_then(|p| p.planned_budget);
    let caps = Caps::from_registry(&ctx.app.registry);
    ctx.app
        .store
        .amend_agreement(id, on, reason, draft, budget, &signed_in.session.account, &caps)
        .await
        .map_err(|e| agreement_error(format, e))
}

/// `?projet=SLUG`.
#[derive(Debug, Default, Deserialize)]
pub struct ProjectFilter {
    /// A project's slug; absent or empty: every project.
    #[serde(default)]
    pub projet: String,
}

/// An agreement as a list row shows it.
struct Row {
    s: AgreementSummary,
    project: String,
    signed_on: String,
    balance: Balance,
    unpaid: Money,
}

/// A project of the filter.
struct Choice {
    slug: String,
    name: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "agreements.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    choices: Vec<Choice>,
    project: Option<(String, String)>,
    can_manage: bool,
    total: Money,
    /// Published agreements whose beneficiary has neither SIRET nor RNA number: the SCDL
    /// file cannot be published until they are completed. (id, reference, beneficiary).
    lacking_scdl_id: Vec<(i64, String, String)>,
}

fn project_name(ctx: &crate::Ctx, slug: &str) -> String {
    ctx.app.registry.project(slug).map_or_else(|| slug.to_owned(), |p| p.name.clone())
}

async fn journal(ctx: &crate::Ctx, format: Format) -> AppResult<Journal> {
    let entries = ctx.app.store.ledger_entries().await.map_err(|e| AppError::internal(format, e))?;
    Journal::from_entries(entries).map_err(|e| AppError::internal(format, e))
}

/// `GET /conventions?projet=SLUG`. 404 for an unknown project.
pub async fn list(Current(ctx): Current, MaybeSignedIn(who): MaybeSignedIn, Query(q): Query<ProjectFilter>) -> Response {
    no_store(
        async {
            let slug = Some(q.projet.trim()).filter(|s| !s.is_empty());
            if let Some(s) = slug {
                if ctx.app.registry.project(s).is_none() {
                    return Err(AppError::not_found(
                        Format::Html,
                        format!("Aucun projet lauréat n'a l'identifiant « {} ».", excerpt(s, ECHO_MAX)),
                    ));
                }
            }
            let journal = journal(&ctx, Format::Html).await?;
            let agreements = ctx
                .app
                .store
                .agreements(slug)
                .await
                .map_err(|e| AppError::internal(Format::Html, e))?;
            let total = Money::sum(agreements.iter().map(|a| a.amount)).unwrap_or_default();
            let lacking_scdl_id = agreements
                .iter()
                .filter(|a| crate::exports::standards::lacks_scdl_id(a))
                .map(|a| (a.id, a.reference.clone(), a.beneficiary.clone()))
                .collect();
            let rows = agreements
                .into_iter()
                .map(|s| {
                    let balance = journal.agreement(u64::try_from(s.id).unwrap_or_default());
                    Row {
                        project: project_name(&ctx, &s.project_slug),
                        signed_on: date(s.signed_on),
                        unpaid: balance.unpaid().unwrap_or_default(),
                        balance,
                        s,
                    }
                })
                .collect();
            let choices = ctx
                .app
                .registry
                .projects
                .iter()
                .map(|p| Choice {
                    slug: p.slug.clone(),
                    name: p.name.clone(),
                    selected: slug == Some(p.slug.as_str()),
                })
                .collect();
            let html = ListPage {
                layout: Layout::new("Conventions", "projects"),
                rows,
                choices,
                project: slug.map(|s| (s.to_owned(), project_name(&ctx, s))),
                can_manage: who.is_some_and(|w| allows(w.session.account.role, Action::ManageFunding)),
                total,
                lacking_scdl_id,
            }
            .render();
            page(StatusCode::OK, html)
        }
        .await,
    )
}

#[derive(Template)]
#[template(path = "agreement_form.html")]
struct FormPage<'a> {
    layout: Layout,
    /// `None`: a new agreement; `Some((id, reference))`: an amendment.
    amending: Option<(i64, String)>,
    choices: Vec<Choice>,
    form: TermsForm,
    error: Option<String>,
    csrf: &'a str,
}

fn choices(ctx: &crate::Ctx, selected: &str) -> Vec<Choice> {
    ctx.app
        .registry
        .projects
        .iter()
        .map(|p| Choice {
            slug: p.slug.clone(),
            name: p.name.clone(),
            selected: p.slug == selected.trim(),
        })
        .collect()
}

fn form_page(
    ctx: &crate::Ctx,
    signed_in: &SignedIn,
    amending: Option<(i64, String)>,
    form: TermsForm,
    error: Option<AppError>,
) -> AppResult<Response> {
    let status = error.as_ref().map_or(StatusCode::OK, AppError::status);
    let title = match &amending {
        Some((_, r)) => format!("Avenant à la convention {r}"),
        None => "Nouvelle convention".to_owned(),
    };
    let html = FormPage {
        layout: Layout::new(title, "projects"),
        choices: choices(ctx, &form.projet),
        amending,
        error: error.map(|e| e.message),
        form,
        csrf: &signed_in.session.csrf_token,
    }
    .render();
    page(status, html)
}

/// `GET /conventions/nouvelle?projet=SLUG`: the signature form.
pub async fn new_form(Current(ctx): Current, signed_in: SignedIn, Query(q): Query<ProjectFilter>) -> Response {
    no_store(
        async {
            signed_in.require(Action::ManageFunding, Format::Html)?;
            let form = TermsForm {
                projet: q.projet,
                ..TermsForm::default()
            };
            form_page(&ctx, &signed_in, None, form, None)
        }
        .await,
    )
}

/// A refusal that the form shows (422, 409), or any other error as a page of its own.
fn shown(e: &AppError) -> bool {
    matches!(e.kind, ErrorKind::Unprocessable | ErrorKind::Conflict)
}

/// `POST /conventions`: signs the agreement and redirects (303) to it; a refused form
/// comes back with its message and what was typed.
pub async fn create(Current(ctx): Current, signed_in: SignedIn, headers: HeaderMap, axum::Form(form): axum::Form<TermsForm>) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            signed_in.require(Action::ManageFunding, Format::Html)?;
            let result = match form.draft() {
                Ok(draft) => sign(&ctx, &signed_in, &form.projet, &draft, Format::Html).await,
                Err(m) => Err(AppError::new(Format::Html, ErrorKind::Unprocessable, m)),
            };
            match result {
                Ok(id) => Ok(Redirect::to(&format!("/conventions/{id}")).into_response()),
                Err(e) if shown(&e) => form_page(&ctx, &signed_in, None, form, Some(e)),
                Err(e) => Err(e),
            }
        }
        .await,
    )
}

/// A tranche as the page shows it.
struct TrancheView {
    t: territoires_store::StoredTranche,
    due_on: String,
    share: String,
}

/// A version as the history shows it.
struct VersionView {
    v: territoires_store::AgreementVersion,
    on: String,
    recorded_at: String,
    change: String,
}

#[derive(Template)]
#[template(path = "agreement.html")]
struct ShowPage {
    layout: Layout,
    d: AgreementDetail,
    project: String,
    signed_on: String,
    state_share: String,
    other_shares: Vec<String>,
    tranches: Vec<TrancheView>,
    versions: Vec<VersionView>,
    unpaid: Money,
    can_manage: bool,
    /// Whether the visitor may request a disbursement (the link shown; membership is
    /// checked by the form itself).
    can_request: bool,
    /// The agreement's disbursements: every one for the operator's staff, the paid ones
    /// (public money spent) for everyone else.
    disbursements: Vec<DisbursementLine>,
    /// Whether the lines link to the workflow page (`/versements/{id}`, staff only).
    staff: bool,
}

/// A disbursement as the agreement page lists it.
struct DisbursementLine {
    id: i64,
    tranche: String,
    amount: Money,
    status: &'static str,
    paid_on: String,
}

/// `GET /conventions/{id}`.
pub async fn show(Current(ctx): Current, MaybeSignedIn(who): MaybeSignedIn, Path(raw): Path<String>) -> Response {
    no_store(
        async {
            let d = find(&ctx, &raw, Format::Html).await?;
            let staff = who.as_ref().is_some_and(|w| {
                let role = w.session.account.role;
                allows(role, Action::CheckDisbursement) || allows(role, Action::PayDisbursement)
            });
            let disbursements = ctx
                .app
                .store
                .agreement_disbursements(d.summary.id)
                .await
                .map_err(|e| AppError::internal(Format::Html, e))?
                .into_iter()
                .filter(|x| staff || x.status == territoires_domain::funding::disbursement::Status::Paid)
                .map(|x| DisbursementLine {
                    id: x.id,
                    tranche: x.tranche_label,
                    amount: x.amount,
                    status: x.status.label(),
                    paid_on: x.paid_on.map(date).unwrap_or_default(),
                })
                .collect();
            let eligible = d.summary.eligible_cost;
            let share = |m: Money| percent(m, eligible).unwrap_or_else(|| "—".into());
            let tranches = d
                .tranches
                .iter()
                .map(|t| TrancheView {
                    due_on: date(t.due_on),
                    share: match t.percent_bp {
                        Some(bp) => format!("{},{:02}\u{a0}%", bp / 100, bp % 100),
                        None => percent(t.amount, d.summary.amount).unwrap_or_default(),
                    },
                    t: t.clone(),
                })
                .collect();
            let mut previous = Money::ZERO;
            let versions = d
                .versions
                .iter()
                .map(|v| {
                    let change = match v.amount.0 - previous.0 {
                        _ if v.version == 1 => format!("engagement de {}", v.amount),
                        0 => "montant inchangé".to_owned(),
                        x if x > 0 => format!("engagement complémentaire de {}", Money(x)),
                        x => format!("désengagement de {}", Money(-x)),
                    };
                    previous = v.amount;
                    VersionView {
                        on: date(v.signed_on),
                        recorded_at: crate::pages::applications::paris_time(&v.recorded_at),
                        change,
                        v: v.clone(),
                    }
                })
                .collect();
            let html = ShowPage {
                layout: Layout::new(format!("Convention {}", d.summary.reference), "projects"),
                project: project_name(&ctx, &d.summary.project_slug),
                signed_on: date(d.summary.signed_on),
                state_share: share(d.summary.amount),
                other_shares: d.cofinancers.iter().map(|c| share(c.amount)).collect(),
                tranches,
                versions,
                unpaid: d.balance.unpaid().unwrap_or_default(),
                can_request: who
                    .as_ref()
                    .is_some_and(|w| allows(w.session.account.role, Action::RequestDisbursement)),
                can_manage: who.is_some_and(|w| allows(w.session.account.role, Action::ManageFunding)),
                disbursements,
                staff,
                d,
            }
            .render();
            page(StatusCode::OK, html)
        }
        .await,
    )
}

/// `GET /conventions/{id}/avenant`: the amendment form, filled with the current terms.
pub async fn amend_form(Current(ctx): Current, signed_in: SignedIn, Path(raw): Path<String>) -> Response {
    no_store(
        async {
            signed_in.require(Action::ManageFunding, Format::Html)?;
            let d = find(&ctx, &raw, Format::Html).await?;
            let terms = d
                .terms()
                .ok_or_else(|| AppError::internal(Format::Html, format!("agreement {} has no version", d.summary.id)))?;
            let form = TermsForm::from_terms(terms);
            form_page(&ctx, &signed_in, Some((d.summary.id, d.summary.reference.clone())), form, None)
        }
        .await,
    )
}

/// `POST /conventions/{id}/avenant`: records the amendment and redirects (303) to the
/// agreement; a refused form comes back with its message and what was typed.
pub async fn amend_submit(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw): Path<String>,
    axum::Form(form): axum::Form<TermsForm>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            signed_in.require(Action::ManageFunding, Format::Html)?;
            let d = find(&ctx, &raw, Format::Html).await?;
            let id = d.summary.id;
            let parsed = form.draft().and_then(|draft| {
                let on = Date::parse(form.avenant_date.trim(), time::macros::format_description!("[year]-[month]-[day]"))
                    .map_err(|_| "Date de l'avenant : une date AAAA-MM-JJ est attendue.".to_owned())?;
                Ok((draft, on))
            });
            let result = match parsed {
                Ok((draft, on)) => amend(&ctx, &signed_in, id, on, &form.motif, &draft, Format::Html).await,
                Err(m) => Err(AppError::new(Format::Html, ErrorKind::Unprocessable, m)),
            };
            match result {
                Ok(_) => Ok(Redirect::to(&format!("/conventions/{id}")).into_response()),
                Err(e) if shown(&e) => form_page(&ctx, &signed_in, Some((id, d.summary.reference)), form, Some(e)),
                Err(e) => Err(e),
            }
        }
        .await,
    )
}

/// The header of the agreements export (amounts in euros, decimal comma).
const EXPORT_HEADER: [&str; 14] = [
    "id",
    "reference",
    "projet",
    "intitule",
    "beneficiaire",
    "siren",
    "signee_le",
    "montant_eur",
    "assiette_eur",
    "statut",
    "version",
    "engage_eur",
    "verse_eur",
    "reste_a_verser_eur",
];

/// `GET /conventions/export.csv?projet=SLUG`: the agreements (all, or one project's) with
/// what the ledger says is committed, paid and unpaid on each, as a CSV that opens in a
/// French spreadsheet (`;`, BOM, decimal comma; see `territoires_formats::french_csv`).
/// Public, like the list. Errors: 404 for an unknown project.
pub async fn export(Current(ctx): Current, Query(q): Query<ProjectFilter>) -> Response {
    use territoires_formats::french_csv::{self, Cell};
    no_store(
        async {
            let f = Format::Html;
            let slug = Some(q.projet.trim()).filter(|s| !s.is_empty());
            if let Some(s) = slug.filter(|s| ctx.app.registry.project(s).is_none()) {
                return Err(AppError::not_found(
                    f,
                    format!("Aucun projet lauréat n'a l'identifiant « {} ».", excerpt(s, ECHO_MAX)),
                ));
            }
            let journal = journal(&ctx, f).await?;
            let agreements = ctx.app.store.agreements(slug).await.map_err(|e| AppError::internal(f, e))?;
            let rows = agreements.into_iter().map(|s| {
                let b = journal.agreement(u64::try_from(s.id).unwrap_or_default());
                vec![
                    Cell::Integer(s.id),
                    Cell::text(s.reference),
                    Cell::text(s.project_slug),
                    Cell::text(s.title),
                    Cell::text(s.beneficiary),
                    s.beneficiary_siren.map_or(Cell::Empty, Cell::text),
                    Cell::Date(s.signed_on),
                    Cell::Money(s.amount),
                    Cell::Money(s.eligible_cost),
                    Cell::text(s.status),
                    Cell::Integer(s.version),
                    Cell::Money(b.committed),
                    Cell::Money(b.disbursed),
                    b.unpaid().map_or(Cell::Empty, Cell::Money),
                ]
            });
            let bytes = french_csv::to_bytes(&EXPORT_HEADER, rows).map_err(|e| AppError::internal(f, e))?;
            Ok(super::funding::csv_response(bytes, "conventions.csv"))
        }
        .await,
    )
}
