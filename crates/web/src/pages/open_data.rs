//! `GET /donnees` (« Données ouvertes ») — every open dataset with its formats, what it
//! contains, the standard it follows, the licence and a download link per format; and
//! `GET /donnees/{file}` (`/donnees/projets.csv`…) — the download, streamed. Public, no
//! account: only public data is exported (see [`crate::exports`]).

use super::{html, layout::Layout};
use crate::error::{AppError, AppResult, Format};
use crate::exports::{self, source, stream, ExportFormat, ExportKind};
use crate::format::{excerpt, ECHO_MAX};
use crate::Current;
use askama::Template;
use axum::extract::Path;
use axum::response::Response;

/// One dataset as the page lists it.
struct Dataset {
    title: &'static str,
    description: &'static str,
    standard: &'static str,
    code: &'static str,
    /// (file name, format label) per format.
    files: Vec<(String, &'static str)>,
    /// The formats' codes, as `?format=` takes them.
    format_codes: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "open_data.html")]
struct OpenDataPage {
    layout: Layout,
    datasets: Vec<Dataset>,
    licence: &'static str,
    licence_url: &'static str,
    publisher: String,
    /// Agreements SCDL cannot publish (no SIRET nor RNA number): (id, reference, beneficiary).
    lacking_scdl_id: Vec<(i64, String, String)>,
}

/// `GET /donnees`.
pub async fn show(Current(ctx): Current) -> AppResult<Response> {
    let datasets = ExportKind::ALL
        .into_iter()
        .map(|k| Dataset {
            title: k.title(),
            description: k.description(),
            standard: k.standard(),
            code: k.code(),
            files: k.formats().iter().map(|&f| (k.file_name(f), k.format_label(f))).collect(),
            format_codes: k.formats().iter().map(|f| f.code()).collect(),
        })
        .collect();
    let lacking_scdl_id = ctx
        .app
        .store
        .agreements(None)
        .await
        .map_err(|e| AppError::internal(Format::Html, e))?
        .into_iter()
        .filter(source_lacks)
        .map(|a| (a.id, a.reference, a.beneficiary))
        .collect();
    let p = &ctx.app.publisher;
    let page = OpenDataPage {
        layout: Layout::new("Données ouvertes", "open-data"),
        datasets,
        licence: exports::LICENCE,
        licence_url: exports::LICENCE_URL,
        publisher: format!("{} (SIRET {})", p.name, p.siret.as_str()),
        lacking_scdl_id,
    };
    Ok(html(page.render().map_err(|e| AppError::internal(Format::Html, e))?.into()))
}

fn source_lacks(a: &territoires_store::AgreementSummary) -> bool {
    exports::standards::lacks_scdl_id(a)
}

/// `GET /donnees/{file}`: the file, streamed; a French 404 for an unknown file name.
pub async fn download(Current(ctx): Current, Path(file): Path<String>) -> AppResult<Response> {
    let Some((kind, format)) = ExportKind::from_file_name(&file) else {
        return Err(AppError::not_found(
            Format::Html,
            format!(
                "Aucun jeu de données ne s'appelle « {} » : la liste est sur la page Données ouvertes (/donnees).",
                excerpt(&file, ECHO_MAX)
            ),
        ));
    };
    respond(&ctx, kind, format, Format::Html).await
}

/// The streamed download of `kind` in `format`; errors (reading the small tables) in `f`.
pub(crate) async fn respond(ctx: &crate::Ctx, kind: ExportKind, format: ExportFormat, f: Format) -> AppResult<Response> {
    let write = source::writer(&ctx.app.store, &ctx.app.registry, &ctx.app.publisher, kind, format)
        .await
        .map_err(|e| AppError::internal(f, e))?;
    Ok(stream::streamed(kind.file_name(format), format.media_type(), write))
}
