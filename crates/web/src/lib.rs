//! The Territoires web layer: the public portal (server-rendered French pages with the State
//! design system DSFR, usable without JavaScript) and the JSON API under `/api/v1` with its
//! OpenAPI document.
//!
//! Every figure comes from the in-memory [`Registry`] (its `stats` and `checks` are computed
//! by `territoires_domain`); the database is only touched by `/healthz`. Pages and JSON
//! documents that do not depend on the query string are rendered once, when the router is
//! built (see [`router`]).

mod api;
mod assets;
mod cache;
mod charts;
mod error;
mod format;
mod openapi;
mod pages;
mod params;
#[cfg(test)]
mod tests;

use axum::{body::Body, http::Request, routing::get, Router};
use std::sync::Arc;
use territoires_domain::Registry;
use tower_http::{
    compression::CompressionLayer,
    trace::{DefaultOnResponse, TraceLayer},
    LatencyUnit,
};
use tracing::Level;

pub use assets::DSFR_VERSION;
pub use error::{AppError, AppResult, ErrorKind, Format};
pub use openapi::openapi;

/// What every handler reads: the registry snapshot (immutable once built) and the store
/// (used only by `/healthz`).
#[derive(Clone)]
pub struct AppState {
    /// The programme, its projects, and their stats and checks.
    pub registry: Arc<Registry>,
    /// The database, pinged by `/healthz`.
    pub store: territoires_store::Store,
}

/// The state the handlers share: the [`AppState`] plus what was rendered once at startup.
pub(crate) struct Ctx {
    pub app: AppState,
    pub cache: cache::Cache,
}

/// Shared handle on [`Ctx`].
pub(crate) type SharedCtx = Arc<Ctx>;

/// Every route of the portal and the API, with request tracing (method, path, status,
/// latency in µs, at INFO) and gzip compression (only when the client sends
/// `Accept-Encoding: gzip`).
///
/// Routes: `/`, `/projets`, `/projets/{slug}`, `/coherence`, `/a-propos` (HTML);
/// `/api/v1/programme`, `/api/v1/projects`, `/api/v1/projects/{slug}`, `/api/v1/checks`,
/// `/api/v1/openapi.json`, `/healthz` (JSON); `/static/dsfr-{version}/…` (embedded DSFR
/// files, cached for a year). Anything else is a French 404 page (JSON under `/api/`).
///
/// Building the router renders the query-independent pages and JSON documents of
/// `state.registry` once (a few milliseconds for 24 projects).
pub fn router(state: AppState) -> Router {
    let ctx: SharedCtx = Arc::new(Ctx {
        cache: cache::Cache::build(&state),
        app: state,
    });
    Router::new()
        .route("/", get(pages::dashboard::show))
        .route("/projets", get(pages::projects::list))
        .route("/projets/{slug}", get(pages::project::show))
        .route("/coherence", get(pages::checks::show))
        .route("/a-propos", get(pages::about::show))
        .route("/healthz", get(api::health))
        .route(assets::ROUTE, get(assets::serve))
        .nest("/api/v1", api::router())
        .fallback(error::fallback)
        .with_state(ctx)
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<Body>| tracing::info_span!("request", method = %req.method(), path = %req.uri().path()))
                .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(LatencyUnit::Micros)),
        )
}

/// Serves [`router`] on `listener` until SIGINT (Ctrl-C) or SIGTERM, then stops accepting
/// connections and lets the in-flight requests finish.
///
/// Errors: the I/O error that ended the accept loop.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "listening");
    }
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown_signal()).await
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received, draining connections");
}
