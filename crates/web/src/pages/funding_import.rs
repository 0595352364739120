//! `GET|POST /conventions/import` and `GET|POST /versements/import`: agreements and payments
//! imported from a French spreadsheet's CSV (columns in
//! [`territoires_formats::agreements_sheet`] and [`territoires_formats::payments_sheet`]),
//! for staff with the funding permission ([`Action::ManageFunding`], resp.
//! [`Action::PayDisbursement`]).
//!
//! Two steps, usable without JavaScript: the upload is a dry run — everything checked,
//! ceilings included, nothing written — that shows what would be imported; the preview's
//! « Confirmer » button posts the same bytes back (base64 in a hidden field, with their
//! SHA-256 shown) and the import runs in one transaction. Any error lists its line and
//! column, and nothing is written.

use super::layout::Layout;
use super::opinions::{no_store, page};
use crate::auth::{self, SignedIn};
use crate::error::{AppError, AppResult, ErrorKind, Format};
use crate::Current;
use askama::Template;
use axum::extract::Multipart;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use territoires_domain::access::{allows, Action};
use territoires_domain::funding::ledger::Caps;
use territoires_domain::text::date_numeric;
use territoires_formats::{agreements_sheet, payments_sheet};
use territoires_store::{Actor, AgreementImport, ImportSource, PaymentImport};

/// Which file the page imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Agreements, `/conventions/import`.
    Agreements,
    /// Payments, `/versements/import`.
    Payments,
}

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::Agreements => "/conventions/import",
            Kind::Payments => "/versements/import",
        }
    }

    fn action(self) -> Action {
        match self {
            Kind::Agreements => Action::ManageFunding,
            Kind::Payments => Action::PayDisbursement,
        }
    }
}

#[derive(Template)]
#[template(path = "funding_import.html")]
struct ImportPage {
    layout: Layout,
    csrf: String,
    agreements: bool,
    path: &'static str,
    errors: Vec<String>,
    /// The dry run's lines, and the file to confirm: name, base64, SHA-256.
    preview: Vec<String>,
    pending: Option<(String, String, String)>,
    imported: Option<usize>,
}

fn require(signed_in: &SignedIn, kind: Kind) -> AppResult<()> {
    let role = signed_in.session.account.role;
    if allows(role, kind.action()) {
        Ok(())
    } else {
        Err(AppError::new(
            Format::Html,
            ErrorKind::Forbidden,
            format!("Votre rôle ({}) ne permet pas : {}.", role.label(), kind.action().label()),
        ))
    }
}

fn render(signed_in: &SignedIn, kind: Kind, status: StatusCode, fill: impl FnOnce(&mut ImportPage)) -> AppResult<Response> {
    let title = match kind {
        Kind::Agreements => "Importer des conventions",
        Kind::Payments => "Importer des versements",
    };
    let mut p = ImportPage {
        layout: Layout::new(title, "projects"),
        csrf: signed_in.session.csrf_token.clone(),
        agreements: kind == Kind::Agreements,
        path: kind.path(),
        errors: vec![],
        preview: vec![],
        pending: None,
        imported: None,
    };
    fill(&mut p);
    page(status, p.render())
}

/// Query of the GET: `importees`, the count of a confirmed import (the POST redirects).
#[derive(serde::Deserialize)]
pub struct FormQuery {
    importees: Option<usize>,
}

async fn form(signed_in: SignedIn, kind: Kind, imported: Option<usize>) -> Response {
    no_store(
        async {
            require(&signed_in, kind)?;
            render(&signed_in, kind, StatusCode::OK, |p| p.imported = imported)
        }
        .await,
    )
}

/// `GET /conventions/import`.
pub async fn agreements_form(signed_in: SignedIn, axum::extract::Query(q): axum::extract::Query<FormQuery>) -> Response {
    form(signed_in, Kind::Agreements, q.importees).await
}

/// `GET /versements/import`.
pub async fn payments_form(signed_in: SignedIn, axum::extract::Query(q): axum::extract::Query<FormQuery>) -> Response {
    form(signed_in, Kind::Payments, q.importees).await
}

/// `POST /conventions/import` (multipart: `csrf`, and `fichier` or, to confirm, `nom` and
/// `contenu` in base64 with `confirmer`).
pub async fn agreements_upload(Current(ctx): Current, signed_in: SignedIn, headers: HeaderMap, multipart: Multipart) -> Response {
    upload(ctx, signed_in, headers, multipart, Kind::Agreements).await
}

/// `POST /versements/import` (as [`agreements_upload`]).
pub async fn payments_upload(Current(ctx): Current, signed_in: SignedIn, headers: HeaderMap, multipart: Multipart) -> Response {
    upload(ctx, signed_in, headers, multipart, Kind::Payments).await
}

struct Posted {
    csrf: String,
    name: String,
    bytes: Vec<u8>,
    confirm: bool,
}

async fn read(mut multipart: Multipart) -> AppResult<Posted> {
    let bad = |e| super::attachments::multipart_error(e, Format::Html);
    let mut posted = Posted {
        csrf: String::new(),
        name: String::new(),
        bytes: vec![],
        confirm: false,
    };
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name() {
            Some("csrf") => posted.csrf = field.text().await.map_err(bad)?,
            Some("nom") => posted.name = field.text().await.map_err(bad)?,
            Some("confirmer") => posted.confirm = true,
            Some("fichier") => {
                posted.name = field.file_name().unwrap_or("fichier.csv").to_owned();
                posted.bytes = field.bytes().await.map_err(bad)?.to_vec();
            }
            Some("contenu") => {
                let text = field.text().await.map_err(bad)?;
                posted.bytes = base64::engine::general_purpose::STANDARD.decode(text.trim()).map_err(|_| {
                    AppError::new(
                        Format::Html,
                        ErrorKind::Unprocessable,
                        "Contenu du fichier à confirmer illisible : renvoyez le fichier.",
                    )
                })?;
            }
            _ => {}
        }
    }
    // The body may reach twice the limit (the confirmation carries the file in base64);
    // the file itself may not.
    if posted.bytes.len() > territoires_domain::attachment::MAX_BYTES {
        return Err(AppError::new(Format::Html, ErrorKind::Unprocessable, super::attachments::TOO_LARGE));
    }
    Ok(posted)
}

async fn upload(ctx: std::sync::Arc<crate::Ctx>, signed_in: SignedIn, headers: HeaderMap, multipart: Multipart, kind: Kind) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            let posted = read(multipart).await?;
            signed_in.check_csrf(&posted.csrf)?;
            require(&signed_in, kind)?;
            if posted.bytes.is_empty() {
                return render(&signed_in, kind, StatusCode::UNPROCESSABLE_ENTITY, |p| {
                    p.errors = vec!["Choisissez un fichier CSV non vide.".into()]
                });
            }
            let dry_run = !posted.confirm;
            let result = match kind {
                Kind::Agreements => run_agreements(&ctx, &signed_in, &posted, dry_run).await,
                Kind::Payments => run_payments(&ctx, &signed_in, &posted, dry_run).await,
            };
            match result {
                Err(errors) => render(&signed_in, kind, StatusCode::UNPROCESSABLE_ENTITY, |p| p.errors = errors),
                Ok(lines) if dry_run => {
                    let source = ImportSource::new(&posted.name, &posted.bytes);
                    let encoded = base64::engine::general_purpose::STANDARD.encode(&posted.bytes);
                    render(&signed_in, kind, StatusCode::OK, |p| {
                        p.preview = lines;
                        p.pending = Some((posted.name.clone(), encoded, source.sha256));
                    })
                }
                Ok(lines) => Ok(Redirect::to(&format!("{}?importees={}", kind.path(), lines.len())).into_response()),
            }
        }
        .await,
    )
}

async fn run_agreements(ctx: &crate::Ctx, signed_in: &SignedIn, posted: &Posted, dry_run: bool) -> Result<Vec<String>, Vec<String>> {
    let registry = &ctx.app.registry;
    let file =
        agreements_sheet::parse(&posted.bytes, &registry.projects).map_err(|e| e.0.iter().map(ToString::to_string).collect::<Vec<_>>())?;
    let rows = agreement_imports(&file);
    let source = ImportSource::new(&posted.name, &posted.bytes);
    let actor = Actor::account(&signed_in.session.account);
    ctx.app
        .store
        .import_agreements(&rows, &source, &actor, &Caps::from_registry(registry), dry_run)
        .await
        .map_err(|e| vec![file.locate(e.row, e.field.as_deref(), e.message()).to_string()])?;
    Ok(file
        .rows
        .iter()
        .map(|r| {
            format!(
                "ligne {} : convention {} ({}), {} signée le {}, {} tranche(s)",
                r.line,
                r.draft.reference,
                r.project_slug,
                r.draft.amount,
                date_numeric(r.draft.signed_on),
                r.draft.tranches.len()
            )
        })
        .collect())
}

async fn run_payments(ctx: &crate::Ctx, signed_in: &SignedIn, posted: &Posted, dry_run: bool) -> Result<Vec<String>, Vec<String>> {
    let file = payments_sheet::parse(&posted.bytes).map_err(|e| e.0.iter().map(ToString::to_string).collect::<Vec<_>>())?;
    let rows = payment_imports(&file);
    let source = ImportSource::new(&posted.name, &posted.bytes);
    let actor = Actor::account(&signed_in.session.account);
    ctx.app
        .store
        .import_payments(&rows, &source, &actor, &Caps::from_registry(&ctx.app.registry), dry_run)
        .await
        .map_err(|e| vec![file.locate(e.row, e.field.as_deref(), e.message()).to_string()])?;
    Ok(file
        .rows
        .iter()
        .map(|r| {
            format!(
                "ligne {} : {} tranche « {} », {} payé le {}",
                r.line,
                r.reference,
                r.tranche,
                r.amount,
                date_numeric(r.paid_on)
            )
        })
        .collect())
}

/// The agreements of a file read by `formats::agreements_sheet`, as the store imports them
/// (the CLI and the upload page share it).
pub fn agreement_imports(file: &agreements_sheet::AgreementsFile) -> Vec<AgreementImport> {
    file.rows
        .iter()
        .map(|r| AgreementImport {
            line: r.line,
            project_slug: r.project_slug.clone(),
            planned_budget: r.planned_budget,
            draft: r.draft.clone(),
        })
        .collect()
}

/// The payments of a file read by `formats::payments_sheet`, as the store imports them.
pub fn payment_imports(file: &payments_sheet::PaymentsFile) -> Vec<PaymentImport> {
    file.rows
        .iter()
        .map(|r| PaymentImport {
            line: r.line,
            reference: r.reference.clone(),
            tranche: r.tranche.clone(),
            amount: r.amount,
            paid_on: r.paid_on,
        })
        .collect()
}
