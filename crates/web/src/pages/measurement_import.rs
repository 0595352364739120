//! `GET /impact/import` and `POST /impact/import` — bulk entry of measurements from a CSV
//! file as a French user writes it (`;` or `,`, decimal comma, spaced thousands, UTF-8
//! with or without BOM; columns in [`territoires_formats::measurements_csv`]).
//!
//! The whole file is read first and every faulty line is listed; then every row is
//! recorded in one transaction, checked like a single entry (indicator, period, role and
//! project membership). On any error nothing is written. Signed-in project members and the
//! operator's programme managers may import; everyone else gets 403.

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

fn render(signed_in: &SignedIn, status: StatusCode, errors: Vec<String>, imported: Option<usize>) -> AppResult<Response> {
    page(
        status,
        ImportPage {
            layout: Layout::new("Importer des mesures", "impact"),
            csrf: signed_in.session.csrf_token.clone(),
            errors,
            imported,
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
            render(&signed_in, StatusCode::OK, vec![], q.importees)
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

/// Parses and records `bytes` for `signed_in`: the number of rows, or the French messages
/// of every line at fault (nothing written). A database failure is a 500.
pub(crate) async fn import(
    ctx: &crate::Ctx,
    signed_in: &SignedIn,
    bytes: &[u8],
    submit: bool,
    format: Format,
) -> AppResult<Result<usize, Vec<String>>> {
    let rows = match measurements_csv::parse(bytes) {
        Ok(rows) => rows,
        Err(e) => return Ok(Err(e.0.iter().map(ToString::to_string).collect())),
    };
    if rows.is_empty() {
        return Ok(Err(vec!["Le fichier ne contient aucune ligne de mesure.".into()]));
    }
    let (lines, news) = new_measurements(rows, submit);
    match ctx
        .app
        .store
        .import_measurements(news, &Actor::account(&signed_in.session.account))
        .await
    {
        Ok(n) => Ok(Ok(n)),
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

/// `POST /impact/import` (multipart: `csrf`, `fichier`, optional `soumettre`): 303 to
/// `/impact/import?importees=N`, or 422 with every line at fault and nothing written.
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
                );
            };
            match import(&ctx, &signed_in, &bytes, upload.submit, Format::Html).await? {
                Ok(n) => Ok(axum::response::Redirect::to(&format!("/impact/import?importees={n}")).into_response()),
                Err(errors) => render(&signed_in, StatusCode::UNPROCESSABLE_ENTITY, errors, None),
            }
        }
        .await,
    )
}
