//! `GET /admin/journal`: the audit trail, its verification, and its entries, 100 a page
//! (administrators and programme managers: `Action::ReadAuditTrail`). Never cached.

use super::layout::Layout;
use crate::auth::SignedIn;
use crate::error::{AppError, AppResult, Format};
use crate::Current;
use askama::Template;
use axum::extract::Query;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use territoires_domain::access::Action;
use territoires_domain::audit::{AuditEntry, Finding};

/// Entries shown per page.
const PAGE: i64 = 100;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    layout: Layout,
    entries: u64,
    head: Option<(i64, String)>,
    findings: Vec<String>,
    rows: Vec<(&'a AuditEntry, &'a str)>,
    next: Option<i64>,
}

/// The query: `apres` = show entries after this seq.
#[derive(Deserialize)]
pub struct AfterSeq {
    apres: Option<i64>,
}

/// A finding in French.
fn french(f: &Finding) -> String {
    match f {
        Finding::Edited { seq } => format!("Entrée n° {seq} modifiée : son contenu ne correspond plus à son empreinte."),
        Finding::Broken { seq } => format!("Chaîne rompue avant l'entrée n° {seq} : une entrée a été supprimée, insérée ou déplacée."),
        Finding::Gap { after_seq, next_seq } => format!("Entrées manquantes entre les n° {after_seq} et {next_seq}."),
        other => other.to_string(),
    }
}

/// `GET /admin/journal[?apres=SEQ]`.
pub async fn show(Current(ctx): Current, signed_in: SignedIn, Query(q): Query<AfterSeq>) -> AppResult<Response> {
    signed_in.require(Action::ReadAuditTrail, Format::Html)?;
    let store = &ctx.app.store;
    let internal = |e| AppError::internal(Format::Html, e);
    let verification = store.verify_audit().await.map_err(internal)?;
    let rows = store.audit_page(q.apres.unwrap_or(0), PAGE).await.map_err(internal)?;
    let next = (rows.len() as i64 == PAGE).then(|| rows.last().map(|e| e.seq)).flatten();
    let html = AuditPage {
        layout: Layout::new("Journal d'audit", ""),
        entries: verification.entries,
        head: verification.head.clone(),
        findings: verification.findings.iter().map(french).collect(),
        // A hash edited in the database may be anything: cut it without assuming hex.
        rows: rows.iter().map(|e| (e, e.hash.get(..12).unwrap_or(e.hash.as_str()))).collect(),
        next,
    }
    .render()
    .map_err(|e| AppError::internal(Format::Html, e))?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response())
}
