//! `GET /api/v1/exports` (the open-data catalogue) and `GET /api/v1/exports/{kind}`
//! (one dataset, streamed). Public, no account; the same files as `/donnees`.

use crate::error::{AppError, AppResult, Format};
use crate::exports::{self, ExportFormat, ExportKind};
use crate::format::{excerpt, ECHO_MAX};
use crate::Current;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One file of a dataset.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportFile {
    /// `csv`, `json` or `xml`.
    pub format: ExportFormat,
    /// The file name (`projets.csv`).
    pub file_name: String,
    /// The HTTP media type.
    pub media_type: &'static str,
    /// Download address on the portal (`/donnees/projets.csv`).
    pub url: String,
    /// The same through the API (`/api/v1/exports/projects?format=csv`).
    pub api_url: String,
}

/// One dataset of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportEntry {
    /// Code (`projects`, `indicators`, `measurements`, `agreements`, `disbursements`).
    pub kind: ExportKind,
    /// French title.
    pub title: &'static str,
    /// What it contains, in French.
    pub description: &'static str,
    /// The standard or schema followed, in French.
    pub standard: &'static str,
    /// Licence (Licence Ouverte / Etalab 2.0).
    pub licence: &'static str,
    /// Its formats.
    pub files: Vec<ExportFile>,
}

/// The open-data catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportCatalogue {
    /// The publisher's name.
    pub publisher: String,
    /// The publisher's organisation identifier (`FR-RCS-{SIREN}`).
    pub publisher_id: Option<String>,
    /// The datasets.
    pub exports: Vec<ExportEntry>,
}

/// The datasets published as open data, with their formats and addresses.
#[utoipa::path(
    get,
    path = "/api/v1/exports",
    tag = "exports",
    responses((status = 200, description = "The open-data catalogue", body = ExportCatalogue))
)]
pub async fn list_exports(Current(ctx): Current) -> Json<ExportCatalogue> {
    let p = &ctx.app.publisher;
    Json(ExportCatalogue {
        publisher: p.name.clone(),
        publisher_id: p.org_id().ok().map(|o| o.to_string()),
        exports: ExportKind::ALL
            .into_iter()
            .map(|k| ExportEntry {
                kind: k,
                title: k.title(),
                description: k.description(),
                standard: k.standard(),
                licence: exports::LICENCE,
                files: k
                    .formats()
                    .iter()
                    .map(|&f| ExportFile {
                        format: f,
                        file_name: k.file_name(f),
                        media_type: f.media_type(),
                        url: format!("/donnees/{}", k.file_name(f)),
                        api_url: format!("/api/v1/exports/{}?format={}", k.code(), f.code()),
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// `?format=`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct FormatQuery {
    /// `csv`, `json` or `xml`; the dataset's first format by default (`csv` for the tables).
    #[serde(default)]
    pub format: Option<String>,
}

/// One dataset, streamed as an attachment: for the tables, CSV (French: UTF-8 with BOM,
/// `;`, decimal comma, amounts in euros) or JSON (an array, amounts in integer cents, dates
/// ISO 8601); for the standards, IATI 2.03 XML, 360Giving 1.4.3 JSON or flat CSV, SCDL
/// *subventions* 2.1.1 CSV, each record checked against the standard before it is written.
/// A failure while writing cuts the connection (the download fails) rather than end a
/// truncated file.
#[utoipa::path(
    get,
    path = "/api/v1/exports/{kind}",
    tag = "exports",
    params(("kind" = String, Path, description = "projects, indicators, measurements, agreements, disbursements, iati, iati-org, 360giving, 360giving-csv or scdl"), FormatQuery),
    responses(
        (status = 200, description = "The file (text/csv or application/json)"),
        (status = 400, description = "Unknown format", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown dataset, or a 360Giving file while no agreement is published (the standard needs one grant)", body = crate::error::ErrorBody)
    )
)]
pub async fn find_export(Current(ctx): Current, Path(kind): Path<String>, Query(q): Query<FormatQuery>) -> AppResult<Response> {
    let f = Format::Json;
    let Some(kind) = ExportKind::from_code(&kind) else {
        let known: Vec<&str> = ExportKind::ALL.iter().map(|k| k.code()).collect();
        return Err(AppError::not_found(
            f,
            format!(
                "Aucun jeu de données « {} » (connus : {}).",
                excerpt(&kind, ECHO_MAX),
                known.join(", ")
            ),
        ));
    };
    let raw = q.format.as_deref().unwrap_or(kind.default_format().code());
    let Some(format) = ExportFormat::from_code(raw).filter(|x| kind.formats().contains(x)) else {
        let known: Vec<&str> = kind.formats().iter().map(|f| f.code()).collect();
        return Err(AppError::invalid_parameter(
            f,
            "format",
            format!(
                "format « {} » inconnu pour ce jeu de données (formats : {}).",
                excerpt(raw, ECHO_MAX),
                known.join(", ")
            ),
        ));
    };
    crate::pages::open_data::respond(&ctx, kind, format, f).await
}
