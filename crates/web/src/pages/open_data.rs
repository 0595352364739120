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
    /// No agreement is published yet: 360Giving has no file (see [`NO_GRANT`]).
    no_grant: Option<&'static str>,
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
    let agreements = ctx
        .app
        .store
        .agreements(None)
        .await
        .map_err(|e| AppError::internal(Format::Html, e))?;
    let no_grant = (!agreements.iter().any(is_published)).then_some(NO_GRANT);
    let lacking_scdl_id = agreements
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
        no_grant,
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

/// Why 360Giving has no file yet: the standard's package needs at least one grant.
pub(crate) const NO_GRANT: &str = "Aucune convention de subvention n'est encore publiée : le standard 360Giving exige au moins une subvention par fichier. Ce fichier existera dès la première convention signée.";

/// Whether at least one agreement is published (360Giving needs one grant).
pub(crate) async fn has_published_agreement(ctx: &crate::Ctx, f: Format) -> AppResult<bool> {
    let agreements = ctx.app.store.agreements(None).await.map_err(|e| AppError::internal(f, e))?;
    Ok(agreements.iter().any(is_published))
}

fn is_published(a: &territoires_store::AgreementSummary) -> bool {
    exports::standards::PUBLISHED_STATUSES.contains(&a.status.as_str())
}

/// The streamed download of `kind` in `format`; errors (reading the small tables) in `f`.
/// 360Giving without any published agreement is a 404 saying why, rather than a download
/// that fails (the standard has no empty package).
pub(crate) async fn respond(ctx: &crate::Ctx, kind: ExportKind, format: ExportFormat, f: Format) -> AppResult<Response> {
    if matches!(kind, ExportKind::Giving360 | ExportKind::Giving360Csv) && !has_published_agreement(ctx, f).await? {
        return Err(AppError::not_found(f, NO_GRANT));
    }
    let write = source::writer(&ctx.app.store, &ctx.app.registry, &ctx.app.publisher, kind, format)
        .await
        .map_err(|e| AppError::internal(f, e))?;
    Ok(stream::streamed(kind.file_name(format), format.media_type(), write))
}
