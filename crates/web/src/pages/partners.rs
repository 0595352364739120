//! The partner list of an application (*liste des partenaires*, issue 3), shown on
//! `/candidatures/{id}` (template `application_partners.html`) and edited by its
//! applicant while it is a draft or returned for completion:
//! `POST /candidatures/{id}/partenaires` with a textarea `partenaires`, one partner per
//! line, `Nom ; SIREN ; rôle` (SIREN optional and checked, rôle `chef de file` or
//! `partenaire`, partner when left out, RNA optional). Or from a spreadsheet:
//! `POST /candidatures/{id}/partenaires/import` (multipart `csrf`, `fichier`), read by
//! [`territoires_formats::partners_csv`] (UTF-8 or Windows-1252; every faulty line and
//! column listed, nothing written). Audited as `application.partners`.

use super::experts::no_store;
use crate::auth::{self, SignedIn};
use crate::error::{AppError, AppResult, ErrorKind, Format};
use crate::Current;
use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use territoires_domain::access::Action;
use territoires_domain::partners::{editable_in, parse_lines, to_lines};
use territoires_store::{Application, Store, StoreError};

/// What `application_partners.html` shows.
pub struct Section {
    /// (name, SIREN grouped by three or empty, role label, RNA or empty), in order.
    pub rows: Vec<(String, String, &'static str, String)>,
    /// Whether the signed-in account may edit the list now (its applicant, while draft
    /// or returned for completion).
    pub editable: bool,
    /// The list in its text form, for the textarea.
    pub text: String,
    /// Whether to link to the scoring page (`/candidatures/{id}/notation`): the viewer is
    /// an expert (who sees the application only when they may score it).
    pub score_link: bool,
}

impl Section {
    /// The section of `app` as `signed_in` sees it. Errors: 500 on a database failure.
    pub async fn load(store: &Store, signed_in: &SignedIn, app: &Application) -> AppResult<Section> {
        let partners = store
            .application_partners(app.id)
            .await
            .map_err(|e| AppError::internal(Format::Html, e))?;
        let account = &signed_in.session.account;
        Ok(Section {
            editable: may_edit(account, app),
            score_link: territoires_domain::access::allows(account.role, Action::Score),
            text: to_lines(&partners),
            rows: partners
                .into_iter()
                .map(|p| {
                    (
                        p.name,
                        p.siren.map(|s| s.to_string()).unwrap_or_default(),
                        p.role.label(),
                        p.rna.map(String::from).unwrap_or_default(),
                    )
                })
                .collect(),
        })
    }
}

/// Whether `account` may edit the partner list of `app` now.
pub(crate) fn may_edit(account: &territoires_store::Account, app: &Application) -> bool {
    territoires_domain::access::allows(account.role, Action::Apply) && app.applicant_account_id == account.id && editable_in(app.status)
}

/// Maps the store's refusals: 409 (status), 404, else 500.
pub(crate) fn store_error(format: Format) -> impl Fn(StoreError) -> AppError {
    move |e| match e {
        StoreError::Refused(m) => AppError::new(format, ErrorKind::Conflict, m),
        StoreError::NotFound(m) => AppError::not_found(format, m),
        other => AppError::internal(format, other),
    }
}

/// The form's fields.
#[derive(Deserialize)]
pub struct PartnersForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    partenaires: String,
}

/// `POST /candidatures/{id}/partenaires`: 404 for an application the account may not
/// see, 403 for a role that does not apply (or not its applicant), 422 listing every
/// line to fix, 409 once under review; 303 back to the application.
pub async fn update(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    Form(form): Form<PartnersForm>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            let store = &ctx.app.store;
            let app = super::applications::visible_application(store, &signed_in, &raw_id, Format::Html).await?;
            signed_in.require(Action::Apply, Format::Html)?;
            let partners = parse_lines(&form.partenaires).map_err(|errors| {
                AppError::new(
                    Format::Html,
                    ErrorKind::Unprocessable,
                    format!("Liste des partenaires non enregistrée : {}.", errors.join(" ; ")),
                )
            })?;
            store
                .set_application_partners(app.id, &partners, &signed_in.session.account)
                .await
                .map_err(store_error(Format::Html))?;
            Ok(Redirect::to(&format!("/candidatures/{}", app.id)).into_response())
        }
        .await,
    )
}

/// `POST /candidatures/{id}/partenaires/import` (multipart: `csrf`, `fichier`): replaces
/// the list by the spreadsheet's. 404 for an application the account may not see, 403 for
/// a role that does not apply, 422 listing every faulty line and column (nothing written),
/// 409 once under review; 303 back to the application's partner list.
pub async fn upload(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    multipart: axum::extract::Multipart,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            let upload = super::attachments::read_upload(multipart, Format::Html).await?;
            signed_in.check_csrf(&upload.csrf)?;
            let store = &ctx.app.store;
            let app = super::applications::visible_application(store, &signed_in, &raw_id, Format::Html).await?;
            signed_in.require(Action::Apply, Format::Html)?;
            let unprocessable = |m: String| AppError::new(Format::Html, ErrorKind::Unprocessable, m);
            let Some((_, bytes)) = upload.file.filter(|(_, b)| !b.is_empty()) else {
                return Err(unprocessable("Choisissez un fichier CSV non vide.".into()));
            };
            let read = territoires_formats::partners_csv::parse(&bytes).map_err(|e| {
                unprocessable(format!(
                    "Liste des partenaires non enregistrée, corrigez le fichier : {}.",
                    e.0.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ; ")
                ))
            })?;
            let partners: Vec<_> = read.partners.into_iter().map(|(_, p)| p).collect();
            store
                .set_application_partners(app.id, &partners, &signed_in.session.account)
                .await
                .map_err(store_error(Format::Html))?;
            Ok(Redirect::to(&format!("/candidatures/{}#partenaires", app.id)).into_response())
        }
        .await,
    )
}
