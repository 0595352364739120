//! The committee's experts (issue 3: « Experts declare conflicts of interest; an expert
//! whose organisation is a partner of an application can neither see nor score it »):
//!
//! - `GET /expert/candidatures` — the applications an expert may see: under review or in a
//!   hearing ([`scorable_in`]), minus those in conflict with them ([`has_conflict`]).
//! - `GET /expert/declarations` — the expert's organisations and declared conflicts;
//!   `POST /expert/declarations/organisations` (textarea, one `Nom ; SIREN` per line) and
//!   `POST /expert/declarations/conflits` (application number and ground), audited.
//!
//! An application in conflict is answered **404** everywhere, through
//! `applications::visible_application` (which calls [`expert_may_see`]): its page, its API,
//! its files, its scoring page and API. Only experts reach these pages (403 otherwise).

use super::layout::Layout;
use crate::auth::{self, SignedIn};
pub(crate) use crate::error::no_store;
use crate::error::{AppError, AppResult, ErrorKind, Format};
use crate::Current;
use askama::Template;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use territoires_domain::access::Action;
use territoires_domain::application::ApplicationId;
use territoires_domain::conflicts::has_conflict;
use territoires_domain::scoring::scorable_in;
use territoires_domain::siren::Siren;
use territoires_store::{Account, Application, ExpertOrganisation, Store};

/// An HTML page with `status`.
pub(crate) fn page(status: StatusCode, html: Result<String, askama::Error>) -> AppResult<Response> {
    let body = html.map_err(|e| AppError::internal(Format::Html, e))?;
    Ok((status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response())
}

/// Whether expert `account` may see `app`: it is under review or in a hearing, and
/// [`has_conflict`] finds no conflict between the expert's profile (organisations by
/// SIREN and name, declared conflicts) and the application's parties (the applicant's
/// organisation and the partner list). Errors: 500 on a database failure.
pub(crate) async fn expert_may_see(store: &Store, account: &Account, app: &Application, format: Format) -> AppResult<bool> {
    if !scorable_in(app.status) {
        return Ok(false);
    }
    let internal = |e| AppError::internal(format, e);
    let profile = store.expert_profile(account).await.map_err(internal)?;
    let parties = store.application_parties(app).await.map_err(internal)?;
    Ok(has_conflict(&profile, &parties).is_none())
}

/// The applications expert `account` may see ([`expert_may_see`]), by id.
pub(crate) async fn visible_to_expert(store: &Store, account: &Account, format: Format) -> AppResult<Vec<Application>> {
    let internal = |e| AppError::internal(format, e);
    let profile = store.expert_profile(account).await.map_err(internal)?;
    let mut out = Vec::new();
    for app in store.applications().await.map_err(internal)? {
        if !scorable_in(app.status) {
            continue;
        }
        let parties = store.application_parties(&app).await.map_err(internal)?;
        if has_conflict(&profile, &parties).is_none() {
            out.push(app);
        }
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "expert_applications.html")]
struct ListPage {
    layout: Layout,
    /// (id, title, status label).
    rows: Vec<(i64, String, &'static str)>,
}

/// `GET /expert/candidatures`.
pub async fn list(Current(ctx): Current, signed_in: SignedIn) -> Response {
    no_store(
        async {
            signed_in.require(Action::Score, Format::Html)?;
            let apps = visible_to_expert(&ctx.app.store, &signed_in.session.account, Format::Html).await?;
            let html = ListPage {
                layout: Layout::new("Candidatures à noter", ""),
                rows: apps.into_iter().map(|a| (a.id.0, a.title, a.status.label())).collect(),
            }
            .render();
            page(StatusCode::OK, html)
        }
        .await,
    )
}

#[derive(Template)]
#[template(path = "expert_declarations.html")]
struct DeclarationsPage<'a> {
    layout: Layout,
    csrf: &'a str,
    account_organisation: Option<String>,
    organisations: String,
    /// (application id, ground, declared at in Paris time).
    conflicts: Vec<(i64, String, String)>,
    errors: Vec<String>,
}

async fn render_declarations(
    store: &Store,
    signed_in: &SignedIn,
    organisations: Option<String>,
    errors: Vec<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let account = &signed_in.session.account;
    let internal = |e| AppError::internal(Format::Html, e);
    let organisations = match organisations {
        Some(text) => text,
        None => organisation_lines(&store.expert_organisations(account.id).await.map_err(internal)?),
    };
    let conflicts = store
        .declared_conflicts(account.id)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|c| (c.application.0, c.ground, super::applications::paris_time(&c.declared_at)))
        .collect();
    let html = DeclarationsPage {
        layout: Layout::new("Mes déclarations d'intérêts", ""),
        csrf: &signed_in.session.csrf_token,
        account_organisation: account.organisation.clone(),
        organisations,
        conflicts,
        errors,
    }
    .render();
    page(status, html)
}

/// `GET /expert/declarations`.
pub async fn declarations(Current(ctx): Current, signed_in: SignedIn) -> Response {
    no_store(
        async {
            signed_in.require(Action::Score, Format::Html)?;
            render_declarations(&ctx.app.store, &signed_in, None, Vec::new(), StatusCode::OK).await
        }
        .await,
    )
}

/// The text form of an expert's organisations: `Nom ; SIREN` per line.
fn organisation_lines(list: &[ExpertOrganisation]) -> String {
    list.iter()
        .map(|o| match &o.siren {
            Some(s) => format!("{} ; {}", o.name, s.as_str()),
            None => o.name.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Most organisations one expert declares.
const MAX_ORGANISATIONS: usize = 50;

/// Parses `Nom ; SIREN` lines (SIREN optional, checked; blank lines skipped). Errors:
/// every problem, in French, naming the line.
pub(crate) fn parse_organisations(text: &str) -> Result<Vec<ExpertOrganisation>, Vec<String>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let line = i + 1;
        let (name, siren) = match raw.split_once(';') {
            Some((n, s)) => (n.trim(), s.trim()),
            None => (raw.trim(), ""),
        };
        if name.is_empty() {
            errors.push(format!("ligne {line} : le nom de l'organisation est obligatoire"));
            continue;
        }
        if name.chars().count() > territoires_domain::partners::NAME_MAX {
            errors.push(format!(
                "ligne {line} : le nom dépasse {} caractères",
                territoires_domain::partners::NAME_MAX
            ));
            continue;
        }
        let siren = if siren.is_empty() {
            None
        } else {
            match Siren::parse(siren) {
                Ok(s) => Some(s),
                Err(e) => {
                    errors.push(format!("ligne {line} : {e}"));
                    continue;
                }
            }
        };
        out.push(ExpertOrganisation {
            name: name.to_owned(),
            siren,
        });
    }
    if out.len() > MAX_ORGANISATIONS {
        errors.push(format!("{MAX_ORGANISATIONS} organisations au plus"));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The organisations form.
#[derive(Deserialize)]
pub struct OrganisationsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    organisations: String,
}

/// `POST /expert/declarations/organisations`: replaces the expert's organisations; 303
/// back, or the page again with 422 and every line to fix (nothing written).
pub async fn set_organisations(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Form(form): Form<OrganisationsForm>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            signed_in.require(Action::Score, Format::Html)?;
            let store = &ctx.app.store;
            match parse_organisations(&form.organisations) {
                Err(errors) => {
                    render_declarations(
                        store,
                        &signed_in,
                        Some(form.organisations),
                        errors,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                    .await
                }
                Ok(list) => {
                    store
                        .set_expert_organisations(&signed_in.session.account, &list)
                        .await
                        .map_err(|e| AppError::internal(Format::Html, e))?;
                    Ok(Redirect::to("/expert/declarations").into_response())
                }
            }
        }
        .await,
    )
}

/// The conflict form.
#[derive(Deserialize)]
pub struct ConflictForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    candidature: String,
    #[serde(default)]
    motif: String,
}

/// Longest ground accepted (characters).
pub(crate) const GROUND_MAX: usize = 2000;

/// Declares a conflict of `signed_in` with application `raw_id` on `ground`: the
/// application must be one the expert may see now (404 otherwise, so that ids cannot be
/// probed); the ground is mandatory (422). Audited by the store.
pub(crate) async fn declare(store: &Store, signed_in: &SignedIn, raw_id: &str, ground: &str, format: Format) -> AppResult<ApplicationId> {
    signed_in.require(Action::Score, format)?;
    let app = super::applications::visible_application(store, signed_in, raw_id.trim(), format).await?;
    let ground = ground.trim();
    if ground.is_empty() || ground.chars().count() > GROUND_MAX {
        return Err(AppError::new(
            format,
            ErrorKind::Unprocessable,
            format!("Le motif du conflit d'intérêts (champ « motif ») est obligatoire, {GROUND_MAX} caractères au plus."),
        ));
    }
    store
        .declare_conflict(&signed_in.session.account, app.id, ground)
        .await
        .map_err(|e| AppError::internal(format, e))?;
    Ok(app.id)
}

/// `POST /expert/declarations/conflits`: 303 back to the declarations.
pub async fn declare_conflict(Current(ctx): Current, signed_in: SignedIn, headers: HeaderMap, Form(form): Form<ConflictForm>) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            declare(&ctx.app.store, &signed_in, &form.candidature, &form.motif, Format::Html).await?;
            Ok(Redirect::to("/expert/declarations").into_response())
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisations_are_read_line_by_line() {
        let list = parse_organisations("Caisse des Dépôts ; 180 020 026\n\nUniversité de Lille").unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].siren.as_ref().map(Siren::as_str), Some("180020026"));
        assert_eq!((list[1].name.as_str(), list[1].siren.clone()), ("Université de Lille", None));
        assert_eq!(organisation_lines(&list), "Caisse des Dépôts ; 180020026\nUniversité de Lille");
        let e = parse_organisations("A ; 123\n ; 180020026").unwrap_err();
        assert_eq!(
            e,
            vec![
                "ligne 1 : le SIREN « 123 » compte 3 chiffres au lieu de 9",
                "ligne 2 : le nom de l'organisation est obligatoire"
            ]
        );
    }
}
