//! `GET /impact/import` and `POST /impact/import` — bulk entry of measurements from a CSV
//! file as a French user writes it (`;` or `,`, decimal comma, spaced thousands, UTF-8
//! with or without BOM or Windows-1252, `€` or `%` in the indicator's unit; columns in
//! [`territoires_formats::measurements_csv`]).
//!
//! The whole file is read first and every faulty line is listed (line and column); then
//! every row is recorded in one transaction, checked like a single entry (indicator,
//! period, role and project membership). On any error nothing is written. The button
//! « Vérifier sans importer » (field `essai`) runs the same checks, shows what would be
//! imported and writes nothing. Signed-in project members and the operator's programme
//! managers may import; everyone else gets 403.

use super::layout::Layout;
use crate::auth::{self, SignedIn};
use crate::error::{no_store, AppError, AppResult, ErrorKind, Format};
use crate::pages::attachments::read_upload;
use crate::pages::opinions::page;
use crate::Current;
use askama::Template;
use axum::extract::Multipart;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use territoires_domain::impact::measurement::may_enter;
use territoires_formats::measurements_csv::{self, MeasurementRow};
use territoires_store::{Actor, ImpactRefusal, NewMeasurement, StoreError};

#[derive(Template)]
#[template(path = "measurement_import.html")]
struct ImportPage {
    layout: Layout,
    csrf: String,
    errors: Vec<String>,
    imported: Option<usize>,
    /// A dry run's result: what would be imported.
    dry_run: Option<DryRun>,
}

/// What a dry run found: the file's encoding and one summary per line that would be
/// imported (`ligne 2 : code 2025-T1 (déclarant)`).
pub(crate) struct DryRun {
    pub encoding: &'static str,
    pub lines: Vec<String>,
}

/// What an import did.
pub(crate) enum Outcome {
    /// This many rows recorded.
    Imported(usize),
    /// Checked only: nothing written.
    Checked(DryRun),
}

/// Ok when the account's role enters measurements; a 403 naming the role otherwise.
pub(crate) fn require_enter(signed_in: &SignedIn, format: Format) -> AppResult<()> {
    let role = signed_in.session.account.role;
    if may_enter(role) {
        Ok(())
    } else {
        Err(AppError::new(
            format,
            ErrorKind::Forbidden,
            format!("Votre rôle ({}) ne saisit pas de mesures.", role.label()),
        ))
    }
}

fn render(
    signed_in: &SignedIn,
    status: StatusCode,
    errors: Vec<String>,
    imported: Option<usize>,
    dry_run: Option<DryRun>,
) -> AppResult<Response> {
    page(
        status,
        ImportPage {
            layout: Layout::new("Importer des mesures", "impact"),
            csrf: signed_in.session.csrf_token.clone(),
            errors,
            imported,
            dry_run,
        }
        .render(),
    )
}

/// Query of `GET /impact/import`: `importees`, the count of a successful upload (the
/// upload redirects here, so that reloading the page does not send the file again).
#[derive(serde::Deserialize)]
pub struct FormQuery {
    importees: Option<usize>,
}

/// `GET /impact/import`.
pub async fn form(signed_in: SignedIn, axum::extract::Query(q): axum::extract::Query<FormQuery>) -> Response {
    no_store(
        async {
            require_enter(&signed_in, Format::Html)?;
            render(&signed_in, StatusCode::OK, vec![], q.importees, None)
        }
        .await,
    )
}

/// The rows of a parsed file as new measurements (`submit`: sent for review at once).
pub(crate) fn new_measurements(rows: Vec<MeasurementRow>, submit: bool) -> (Vec<usize>, Vec<NewMeasurement>) {
    let lines = rows.iter().map(|r| r.line).collect();
    let news = rows
        .into_iter()
        .map(|r| NewMeasurement {
            observation: r.observation(),
            indicator: r.indicator,
            period: r.period,
            reporter: r.reporter,
            source: r.source,
            method: r.method,
            evidence: r.evidence,
            submit,
        })
        .collect();
    (lines, news)
}

/// Parses and records `bytes` for `signed_in` (with `dry_run`, checks only): what was done,
/// or the French messages of every line at fault (nothing written). A database failure is
/// a 500.
pub(crate) async fn import(
    ctx: &crate::Ctx,
    signed_in: &SignedIn,
    bytes: &[u8],
    submit: bool,
    dry_run: bool,
    format: Format,
) -> AppResult<Result<Outcome, Vec<String>>> {
    let store = &ctx.app.store;
    let units: std::collections::HashMap<String, String> = store
        .indicators(None)
        .await
        .map_err(|e| AppError::internal(format, e))?
        .into_iter()
        .map(|i| (i.code, i.unit))
        .collect();
    let read = match measurements_csv::parse(bytes, &|code| units.get(code).cloned()) {
        Ok(read) => read,
        Err(e) => return Ok(Err(e.0.iter().map(ToString::to_string).collect())),
    };
    if read.rows.is_empty() {
        return Ok(Err(vec!["Le fichier ne contient aucune ligne de mesure.".into()]));
    }
    let summaries = read
        .rows
        .iter()
        .map(|r| format!("ligne {} : {} {} ({})", r.line, r.indicator, r.period, r.reporter))
        .collect();
    let (lines, news) = new_measurements(read.rows, submit);
    let actor = Actor::account(&signed_in.session.account);
    let result = if dry_run {
        store.check_measurements(news, &actor).await
    } else {
        store.import_measurements(news, &actor).await
    };
    match result {
        Ok(_) if dry_run => Ok(Ok(Outcome::Checked(DryRun {
            encoding: read.encoding.label(),
            lines: summaries,
        }))),
        Ok(n) => Ok(Ok(Outcome::Imported(n))),
        Err(StoreError::Impact(ImpactRefusal::Rows(rows))) => Ok(Err(rows
            .iter()
            .map(|(row, error)| {
                let line = lines.get(row.saturating_sub(1)).copied().unwrap_or(*row);
                format!("ligne {line} : {error}")
            })
            .collect())),
        Err(StoreError::Impact(other)) => Ok(Err(vec![other.to_string()])),
        Err(other) => Err(AppError::internal(format, other)),
    }
}

/// `POST /impact/import` (multipart: `csrf`, `fichier`, optional `soumettre`, optional
/// `essai`): 303 to `/impact/import?importees=N`; with `essai`, 200 with the lines that
/// would be imported and nothing written; or 422 with every line at fault and nothing
/// written.
pub async fn upload(Current(ctx): Current, signed_in: SignedIn, headers: HeaderMap, multipart: Multipart) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            let upload = read_upload(multipart, Format::Html).await?;
            signed_in.check_csrf(&upload.csrf)?;
            require_enter(&signed_in, Format::Html)?;
            let Some((_, bytes)) = upload.file.filter(|(_, b)| !b.is_empty()) else {
                return render(
                    &signed_in,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    vec!["Choisissez un fichier CSV non vide.".into()],
                    None,
                    None,
                );
            };
            match import(&ctx, &signed_in, &bytes, upload.submit, upload.dry_run, Format::Html).await? {
                Ok(Outcome::Imported(n)) => Ok(axum::response::Redirect::to(&format!("/impact/import?importees={n}")).into_response()),
                Ok(Outcome::Checked(dry_run)) => render(&signed_in, StatusCode::OK, vec![], None, Some(dry_run)),
                Err(errors) => render(&signed_in, StatusCode::UNPROCESSABLE_ENTITY, errors, None, None),
            }
        }
        .await,
    )
}
