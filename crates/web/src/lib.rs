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
mod auth;
mod cache;
mod charts;
mod error;
pub mod exports;
mod format;
mod funding_chart;
mod funding_view;
mod impact_chart;
pub mod notify;
#[cfg(feature = "smtp")]
pub mod notify_smtp;
pub mod oidc;
mod openapi;
mod pages;
mod params;
#[cfg(test)]
mod tests;

use arc_swap::ArcSwap;
use axum::{
    body::Body,
    extract::FromRequestParts,
    http::{header, request::Parts, HeaderValue, Request},
    middleware,
    routing::get,
    Router,
};
use std::sync::Arc;
use std::time::Duration;
use territoires_domain::funding::investment::PrudentInvestorRule;
use territoires_domain::org_id::Publisher;
use territoires_domain::Registry;
use tower_http::{
    compression::CompressionLayer,
    set_header::SetResponseHeaderLayer,
    trace::{DefaultOnResponse, TraceLayer},
    LatencyUnit,
};
use tracing::Level;

pub use assets::DSFR_VERSION;
pub use error::{AppError, AppResult, ErrorKind, Format};
pub use openapi::openapi;
pub use pages::funding_import::{agreement_imports, payment_imports};

/// What every handler reads: the registry snapshot (immutable once built) and the store
/// (used only by `/healthz`).
#[derive(Clone)]
pub struct AppState {
    /// The programme, its projects, and their stats and checks.
    pub registry: Arc<Registry>,
    /// The database, pinged by `/healthz`.
    pub store: territoires_store::Store,
    /// The OpenID Connect provider, when `TERRITOIRES_OIDC_*` configure one (see
    /// [`oidc`]); `None`: local accounts only, `/connexion/oidc` answers 404.
    pub oidc: Option<Arc<oidc::Provider>>,
    /// How notifications are sent ([`notify::LogNotifier`] by [`AppState::new`]).
    pub notifier: Arc<dyn notify::Notifier>,
    /// The public base URL of the site without trailing slash (`TERRITOIRES_PUBLIC_URL`,
    /// e.g. `https://territoires.example.fr`), for absolute links in notifications;
    /// `None` (the default): links are relative.
    pub public_url: Option<String>,
    /// The programme's prudent-investor rule: the floor of the minimum private pari passu
    /// share a committee's decision may apply (default 30 %, see
    /// [`territoires_domain::funding::investment`]; `TERRITOIRES_MIN_PRIVATE_SHARE_BP` for
    /// `territoires serve`). A decision may raise it, never lower it.
    pub prudent_investor_floor: PrudentInvestorRule,
    /// Who publishes the open data (`/donnees`, `/api/v1/exports`): by default
    /// [`Publisher::caisse_des_depots`]; `TERRITOIRES_PUBLISHER_NAME` and
    /// `TERRITOIRES_PUBLISHER_SIRET` for `territoires serve`.
    pub publisher: Publisher,
}

impl AppState {
    /// The state over `registry` and `store`, without OpenID Connect, notifications
    /// logged ([`notify::LogNotifier`]).
    pub fn new(registry: Arc<Registry>, store: territoires_store::Store) -> AppState {
        AppState {
            registry,
            store,
            oidc: None,
            notifier: Arc::new(notify::LogNotifier),
            public_url: None,
            prudent_investor_floor: PrudentInvestorRule::default(),
            publisher: Publisher::caisse_des_depots(),
        }
    }

    /// This state with OpenID Connect sign-in through `oidc` (`None`: local accounts only).
    pub fn with_oidc(self, oidc: Option<Arc<oidc::Provider>>) -> AppState {
        AppState { oidc, ..self }
    }

    /// This state with notifications sent through `notifier`.
    pub fn with_notifier(self, notifier: Arc<dyn notify::Notifier>) -> AppState {
        AppState { notifier, ..self }
    }

    /// This state with `public_url` as the base of links in notifications (trailing
    /// slashes dropped; `None` or blank: relative links).
    pub fn with_public_url(self, public_url: Option<String>) -> AppState {
        let public_url = public_url
            .map(|u| u.trim().trim_end_matches('/').to_owned())
            .filter(|u| !u.is_empty());
        AppState { public_url, ..self }
    }

    /// This state with `floor` as the programme's prudent-investor rule (see
    /// [`AppState::prudent_investor_floor`]).
    pub fn with_prudent_investor_floor(self, floor: PrudentInvestorRule) -> AppState {
        AppState {
            prudent_investor_floor: floor,
            ..self
        }
    }
}

impl AppState {
    /// This state with `publisher` as the publisher of the open data.
    pub fn with_publisher(self, publisher: Publisher) -> AppState {
        AppState { publisher, ..self }
    }
}

/// What a request reads: the [`AppState`] plus what was rendered from it once.
pub(crate) struct Ctx {
    pub app: AppState,
    pub cache: cache::Cache,
}

impl Ctx {
    fn new(app: AppState) -> Ctx {
        Ctx {
            cache: cache::Cache::build(&app),
            app,
        }
    }
}

/// Shared handle on [`Ctx`].
pub(crate) type SharedCtx = Arc<Ctx>;

/// The router's state: the current [`Ctx`], replaced whole when a new import lands, so a
/// request always sees one consistent snapshot. `ArcSwap` makes the read lock-free: every
/// request reads it, and a lock's shared counter would bounce between cores.
pub(crate) struct Live(ArcSwap<Ctx>, pub(crate) auth::Throttle);

/// Shared handle on [`Live`].
pub(crate) type LiveState = Arc<Live>;

impl Live {
    fn new(ctx: Ctx) -> LiveState {
        Arc::new(Live(ArcSwap::from_pointee(ctx), auth::Throttle::default()))
    }

    pub(crate) fn current(&self) -> SharedCtx {
        self.0.load_full()
    }

    fn replace(&self, ctx: Ctx) {
        self.0.store(Arc::new(ctx));
    }
}

/// Extractor of the snapshot current when the request arrived.
pub(crate) struct Current(pub SharedCtx);

impl FromRequestParts<LiveState> for Current {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(_: &mut Parts, live: &LiveState) -> Result<Self, Self::Rejection> {
        Ok(Current(live.current()))
    }
}

/// Every route of the portal and the API, with request tracing (method, path without the
/// query string, status, latency in µs, at INFO; never the client's address, as the
/// *Données personnelles* page states) and gzip compression (only when the client sends
/// `Accept-Encoding: gzip`).
///
/// The routes are the table in `routes` below, one capability per page module: the
/// public portal (`/`, `/projets`, `/appels`, `/coherence`, legal pages), signing in
/// (`/connexion`, OpenID Connect under `/connexion/oidc`, 404 when not configured), the
/// signed-in workspace (`/espace`, `/candidatures/…`, `/admin/…`), the JSON API under
/// `/api/v1` (every endpoint is in the OpenAPI document, `/api/v1/openapi.json`),
/// `/healthz` and the embedded DSFR files (`/static/dsfr-{version}/…`, cached for a year).
/// Anything else is a French 404 page (JSON under `/api/`); another method than GET/HEAD
/// on a known address is a 405 with the same error body and `allow`.
///
/// Building the router renders the query-independent pages and JSON documents of
/// `state.registry` once (a few milliseconds for 24 projects).
pub fn router(state: AppState) -> Router {
    routes(Live::new(Ctx::new(state)))
}

fn routes(live: LiveState) -> Router {
    let app = Router::new()
        .route("/", get(pages::dashboard::show))
        .route("/projets", get(pages::projects::list))
        .route("/projets/{slug}", get(pages::project::show))
        .route("/appels", get(pages::calls::list))
        .route("/appels/{slug}", get(pages::calls::show))
        .route("/coherence", get(pages::checks::show))
        .route("/a-propos", get(pages::about::show))
        .route("/donnees", get(pages::open_data::show))
        .route("/donnees/{file}", get(pages::open_data::download))
        .route("/accessibilite", get(pages::legal::accessibility))
        .route("/mentions-legales", get(pages::legal::legal_notice))
        .route("/donnees-personnelles", get(pages::legal::personal_data))
        .route("/connexion", get(pages::account::sign_in_form).post(pages::account::sign_in))
        .route("/deconnexion", axum::routing::post(pages::account::sign_out))
        .route("/espace", get(pages::account::home))
        .route("/candidatures", get(pages::applications::list).post(pages::applications::create))
        .route("/candidatures/nouvelle", get(pages::applications::new_form))
        .route("/candidatures/{id}", get(pages::applications::show))
        .route(
            "/candidatures/{id}/transitions",
            axum::routing::post(pages::applications::transition),
        )
        .route(
            "/admin/comptes",
            get(pages::accounts_admin::list).post(pages::accounts_admin::create_form),
        )
        .route("/admin/journal", get(pages::audit::show))
        .route("/candidatures/{id}/partenaires", axum::routing::post(pages::partners::update))
        .route(
            "/candidatures/{id}/partenaires/import",
            axum::routing::post(pages::partners::upload).layer(axum::extract::DefaultBodyLimit::max(pages::attachments::UPLOAD_BODY_LIMIT)),
        )
        .route("/expert/candidatures", get(pages::experts::list))
        .route("/expert/declarations", get(pages::experts::declarations))
        .route(
            "/expert/declarations/organisations",
            axum::routing::post(pages::experts::set_organisations),
        )
        .route(
            "/expert/declarations/conflits",
            axum::routing::post(pages::experts::declare_conflict),
        )
        .route(
            "/candidatures/{id}/notation",
            get(pages::scoring::sheet).post(pages::scoring::submit),
        )
        .route("/candidatures/{id}/moderation", axum::routing::post(pages::scoring::moderate_form))
        .route(
            "/admin/appels/{slug}/grille",
            get(pages::scoring::grid_form).post(pages::scoring::set_grid),
        )
        .route("/admin/appels/{slug}/classement", get(pages::scoring::ranking_page))
        .route("/avis", get(pages::opinions::dashboard))
        .route("/avis/mes-demandes", get(pages::opinions::mine))
        .route("/avis/{id}", get(pages::opinions::show).post(pages::opinions::answer))
        .route("/candidatures/{id}/avis", axum::routing::post(pages::opinions::request))
        .route("/appels/{slug}/deliberation", get(pages::decisions::show))
        .route(
            "/admin/appels/{slug}/deliberation",
            get(pages::decisions::form).post(pages::decisions::create),
        )
        .route(
            "/admin/candidatures/{id}/laureat",
            axum::routing::post(pages::decisions::create_laureate),
        )
        // Impact measurement (issue 4).
        .route("/impact", get(pages::impact::dashboard))
        .route("/impact/structuration", get(pages::impact::statements))
        .route(
            "/impact/import",
            get(pages::measurement_import::form)
                .post(pages::measurement_import::upload)
                .layer(axum::extract::DefaultBodyLimit::max(pages::attachments::UPLOAD_BODY_LIMIT)),
        )
        .route("/projets/{slug}/impact", get(pages::impact::project_tab))
        .route("/indicateurs/{code}", get(pages::indicator::show))
        .route("/indicateurs/{code}/mesures", axum::routing::post(pages::indicator::record))
        .route("/indicateurs/{code}/reference", axum::routing::post(pages::indicator::rebaseline))
        .route("/projets/{slug}/membres", axum::routing::post(pages::impact::add_member))
        .route(
            "/projets/{slug}/membres/{id}/retrait",
            axum::routing::post(pages::impact::detach_member),
        )
        .route("/mesures", get(pages::measurement_queue::show))
        .route("/mesures/{id}/correction", axum::routing::post(pages::indicator::correct))
        .route("/mesures/{id}/revue", axum::routing::post(pages::indicator::review))
        // Funding (issue 5): dashboard, project tab, ledger, CSV exports. The ledger's API
        // is here, not nested, for `MaybeSignedIn` to read the full URI.
        .route("/financement", get(pages::funding::dashboard))
        .route("/financement/journal", get(pages::funding::journal))
        .route("/financement/export/projets.csv", get(pages::funding::export_projects))
        .route("/financement/export/journal.csv", get(pages::funding::export_journal))
        .route("/projets/{slug}/financement", get(pages::funding::project_tab))
        .route("/api/v1/ledger", get(api::funding::list_ledger))
        .route("/api/v1/ledger.csv", get(api::funding::export_ledger))
        .route("/healthz", get(api::health))
        .route(assets::ROUTE, get(assets::serve))
        // At the top level, not in the nested `/api/v1` router: `nest` strips the prefix
        // from the URI the `SignedIn` extractor reads, which would then answer a missing
        // session with the pages' redirect instead of the API's 401.
        .route("/api/v1/applications/{id}", get(api::applications::find_application))
        .route("/api/v1/sessions", axum::routing::post(api::sessions::create_session))
        .route(
            "/api/v1/applications/{id}/opinion-requests",
            axum::routing::post(api::opinions::create_opinion_request),
        )
        .route("/api/v1/opinion-requests", get(api::opinions::list_opinion_requests))
        .route(
            "/api/v1/opinion-requests/{id}/answer",
            axum::routing::post(api::opinions::answer_opinion_request),
        )
        .route(
            "/api/v1/calls/{slug}/deliberations",
            get(api::decisions::list_deliberations).post(api::decisions::create_deliberation),
        )
        .route(
            "/api/v1/applications/{id}/laureate",
            axum::routing::post(api::decisions::create_laureate),
        )
        .route(
            "/api/v1/session",
            get(api::sessions::current_session).delete(api::sessions::delete_session),
        )
        // Measurements (issue 4): the list shows more to insiders, and shares its path
        // with the signed-in POST.
        .route(
            "/api/v1/indicators/{code}/measurements",
            get(api::measurements::list_measurements).post(api::measurements::create_measurement),
        )
        .route(
            "/api/v1/measurements/{id}/correction",
            axum::routing::post(api::measurements::correct_measurement),
        )
        .route(
            "/api/v1/measurements/{id}/review",
            axum::routing::post(api::measurements::review_measurement),
        )
        .route(
            "/api/v1/indicators/{code}/baseline",
            axum::routing::put(api::indicator_admin::put_baseline),
        )
        .route(
            "/api/v1/projects/{slug}/members",
            get(api::indicator_admin::list_members).post(api::indicator_admin::create_member),
        )
        .route(
            "/api/v1/projects/{slug}/members/{account_id}",
            axum::routing::delete(api::indicator_admin::delete_member),
        )
        .route("/api/v1/measurements/{id}/events", get(api::measurements::list_measurement_events))
        .route(
            "/api/v1/measurements/import",
            axum::routing::post(api::measurements::import_measurements)
                .layer(axum::extract::DefaultBodyLimit::max(pages::attachments::UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/candidatures/{id}/pieces",
            axum::routing::post(pages::attachments::upload)
                .layer(axum::extract::DefaultBodyLimit::max(pages::attachments::UPLOAD_BODY_LIMIT)),
        )
        .route("/candidatures/{id}/pieces/{n}", get(pages::attachments::show))
        .route(
            "/candidatures/{id}/pieces/{n}/suppression",
            axum::routing::post(pages::attachments::delete),
        )
        .route(
            "/candidatures/{id}/messages",
            axum::routing::post(pages::correspondence::post_message),
        )
        .route("/candidatures/{id}/notes", axum::routing::post(pages::correspondence::post_note))
        .route(
            "/api/v1/applications/{id}/attachments",
            get(api::attachments::list_attachments)
                .post(api::attachments::upload_attachment)
                .layer(axum::extract::DefaultBodyLimit::max(pages::attachments::UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/api/v1/applications/{id}/attachments/{n}",
            get(api::attachments::find_attachment).delete(api::attachments::delete_attachment),
        )
        .route(
            "/api/v1/applications/{id}/messages",
            get(api::attachments::list_messages).post(api::attachments::create_message),
        )
        .route(
            "/api/v1/applications/{id}/notes",
            get(api::attachments::list_notes).post(api::attachments::create_note),
        )
        .route("/connexion/oidc", get(pages::oidc::start))
        .route("/connexion/oidc/retour", get(pages::oidc::callback))
        .route("/admin/comptes/{id}", axum::routing::post(pages::accounts_admin::update_form))
        .route(
            "/api/v1/accounts",
            get(api::accounts::list_accounts).post(api::accounts::create_account),
        )
        .route("/api/v1/accounts/{id}", axum::routing::patch(api::accounts::update_account))
        .route(
            "/api/v1/applications/{id}/partners",
            get(api::scoring::find_partners).put(api::scoring::put_partners),
        )
        .route(
            "/api/v1/calls/{slug}/grid",
            get(api::scoring::find_grid).put(api::scoring::put_grid),
        )
        .route(
            "/api/v1/applications/{id}/scores/mine",
            get(api::scoring::find_my_scores).put(api::scoring::put_my_scores),
        )
        .route("/api/v1/calls/{slug}/ranking", get(api::scoring::find_ranking))
        .route(
            "/api/v1/applications/{id}/moderation",
            axum::routing::put(api::scoring::put_moderation),
        )
        .route(
            "/api/v1/expert/declarations",
            get(api::scoring::find_declarations).put(api::scoring::put_declarations),
        )
        .route("/api/v1/expert/conflicts", axum::routing::post(api::scoring::declare_conflict))
        .route("/api/v1/expert/applications", get(api::scoring::list_expert_applications))
        // Calls managed in the platform and applications through their form (issue 3);
        // `/api/v1/calls` moved here from the nested router to take its POST.
        .route(
            "/admin/appels",
            get(pages::call_management::list).post(pages::call_management::create),
        )
        .route("/admin/appels/nouveau", get(pages::call_management::new_form))
        .route(
            "/admin/appels/{slug}",
            get(pages::call_management::edit_form).post(pages::call_management::update),
        )
        .route(
            "/admin/appels/{slug}/publication",
            axum::routing::post(pages::call_management::publish),
        )
        .route(
            "/candidatures/{id}/reponses",
            axum::routing::post(pages::call_management::post_answers),
        )
        .route("/api/v1/calls", get(api::calls::list_calls).post(api::call_management::create_call))
        .route("/api/v1/calls/{slug}", get(api::calls::find_call))
        .route("/api/v1/calls/{slug}/form", axum::routing::put(api::call_management::replace_form))
        .route(
            "/api/v1/calls/{slug}/publish",
            axum::routing::post(api::call_management::publish_call),
        )
        .route(
            "/api/v1/applications",
            get(api::call_management::list_applications).post(api::call_management::create_application),
        )
        .route(
            "/api/v1/applications/{id}/answers",
            get(api::call_management::find_answers).put(api::call_management::put_answers),
        )
        .route(
            "/api/v1/applications/{id}/transitions",
            axum::routing::post(api::call_management::take_transition),
        )
        // Equity investments (issue 5 §4).
        .route("/portefeuille", get(pages::investments::portfolio_page))
        .route("/investissements", axum::routing::post(pages::investments::create))
        .route("/investissements/nouveau", get(pages::investments::new_form))
        .route("/investissements/{id}", get(pages::investments::show))
        .route(
            "/investissements/{id}/decision",
            axum::routing::post(pages::investments::decide_form),
        )
        .route(
            "/investissements/{id}/evenements",
            axum::routing::post(pages::investments::event_form),
        )
        .route(
            "/api/v1/investments",
            get(api::investments::list_investments).post(api::investments::create_investment),
        )
        .route("/api/v1/investments/{id}", get(api::investments::find_investment))
        .route(
            "/api/v1/investments/{id}/decision",
            axum::routing::post(api::investments::create_decision),
        )
        .route(
            "/api/v1/investments/{id}/capital-calls",
            axum::routing::post(api::investments::create_capital_call),
        )
        .route(
            "/api/v1/investments/{id}/distributions",
            axum::routing::post(api::investments::create_distribution),
        )
        .route(
            "/api/v1/investments/{id}/valuations",
            axum::routing::post(api::investments::create_valuation),
        )
        .route("/api/v1/investments/{id}/exit", axum::routing::post(api::investments::create_exit))
        .route("/api/v1/portfolio", get(api::investments::find_portfolio))
        // Agreements (issue 5 §2).
        .route("/conventions", get(pages::agreements::list).post(pages::agreements::create))
        .route("/conventions/nouvelle", get(pages::agreements::new_form))
        .route(
            "/conventions/import",
            get(pages::funding_import::agreements_form)
                .post(pages::funding_import::agreements_upload)
                .layer(axum::extract::DefaultBodyLimit::max(pages::attachments::UPLOAD_BODY_LIMIT * 2)),
        )
        .route(
            "/versements/import",
            get(pages::funding_import::payments_form)
                .post(pages::funding_import::payments_upload)
                .layer(axum::extract::DefaultBodyLimit::max(pages::attachments::UPLOAD_BODY_LIMIT * 2)),
        )
        .route("/conventions/export.csv", get(pages::agreements::export))
        .route("/conventions/{id}", get(pages::agreements::show))
        .route(
            "/conventions/{id}/avenant",
            get(pages::agreements::amend_form).post(pages::agreements::amend_submit),
        )
        .route(
            "/api/v1/agreements",
            get(api::agreements::list_agreements).post(api::agreements::create_agreement),
        )
        .route("/api/v1/agreements/{id}", get(api::agreements::find_agreement))
        .route(
            "/api/v1/agreements/{id}/amendments",
            axum::routing::post(api::agreements::create_amendment),
        )
        // Disbursements (issue 5 §3).
        .route("/versements", get(pages::disbursements::queue))
        .route("/versements/{id}", get(pages::disbursements::show))
        .route("/versements/{id}/{step}", axum::routing::post(pages::disbursements::take))
        .route("/conditions/{id}/remplie", axum::routing::post(pages::disbursements::condition_met))
        .route(
            "/conventions/{id}/versements/nouveau",
            get(pages::disbursements::new_form).post(pages::disbursements::create),
        )
        .route("/api/v1/disbursements", get(api::disbursements::list_disbursements))
        .route("/api/v1/disbursements/{id}", get(api::disbursements::find_disbursement))
        .route(
            "/api/v1/agreements/{id}/disbursements",
            axum::routing::post(api::disbursements::create_disbursement),
        )
        .route(
            "/api/v1/disbursements/{id}/check",
            axum::routing::post(api::disbursements::check_disbursement),
        )
        .route(
            "/api/v1/disbursements/{id}/approve",
            axum::routing::post(api::disbursements::approve_disbursement),
        )
        .route(
            "/api/v1/disbursements/{id}/pay",
            axum::routing::post(api::disbursements::pay_disbursement),
        )
        .route(
            "/api/v1/disbursements/{id}/reject",
            axum::routing::post(api::disbursements::reject_disbursement),
        )
        .route(
            "/api/v1/tranche-conditions/{id}/met",
            axum::routing::post(api::disbursements::create_condition_met),
        )
        .nest("/api/v1", api::router())
        .fallback(error::fallback)
        .with_state(live);
    // `Router::layer` wraps each route, inside the point where axum adds the `allow` header
    // to a 405: the 405 middleware wraps the whole router instead.
    Router::new()
        .fallback_service(app)
        .layer(middleware::from_fn(error::method_not_allowed))
        .layer(CompressionLayer::new())
        // No page may be framed by another site (clickjacking of the sign-in form), no
        // response sniffed into another type, no full URL leaked to other sites.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<Body>| tracing::info_span!("request", method = %req.method(), path = %req.uri().path()))
                .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(LatencyUnit::Micros)),
        )
}

/// Serves [`router`] on `listener` until SIGINT (Ctrl-C) or SIGTERM, then stops accepting
/// connections and lets the in-flight requests finish.
///
/// Every `reload_every`, asks the store whether an import has changed the data since the
/// snapshot was taken (`territoires import` from another process, for instance); if so,
/// loads the new registry and swaps it in, so the portal and the API show it without a
/// restart. `None` never reloads.
///
/// Errors: the I/O error that ended the accept loop.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState, reload_every: Option<Duration>) -> std::io::Result<()> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "listening");
    }
    let store = state.store.clone();
    let live = Live::new(Ctx::new(state));
    // The counter is read before serving, not in the watcher's task: an import landing
    // between the first request and the task's first read would otherwise never be seen.
    let watcher = match reload_every {
        Some(every) => {
            let seen = store.import_count().await.ok();
            Some(tokio::spawn(watch_imports(live.clone(), store, every, seen)))
        }
        None => None,
    };
    let result = axum::serve(listener, routes(live)).with_graceful_shutdown(shutdown_signal()).await;
    if let Some(w) = watcher {
        w.abort();
    }
    result
}

/// Polls the store's import counter and swaps in a fresh snapshot when it moves.
async fn watch_imports(live: LiveState, store: territoires_store::Store, every: Duration, mut seen: Option<i64>) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let now = match store.import_count().await {
            Ok(n) => Some(n),
            Err(e) => {
                tracing::warn!(error = %e, "reload: cannot read the import counter");
                continue;
            }
        };
        if now == seen {
            continue;
        }
        match store.load_registry().await {
            Ok(Some(registry)) => {
                let projects = registry.projects.len();
                let current = live.current();
                let app = AppState::new(Arc::new(registry), store.clone())
                    .with_notifier(current.app.notifier.clone())
                    .with_oidc(current.app.oidc.clone())
                    .with_public_url(current.app.public_url.clone())
                    .with_prudent_investor_floor(current.app.prudent_investor_floor);
                // Rendering takes a few milliseconds: off the async workers.
                match tokio::task::spawn_blocking(move || Ctx::new(app)).await {
                    Ok(ctx) => {
                        live.replace(ctx);
                        seen = now;
                        tracing::info!(projects, "reload: new data imported, now serving it");
                    }
                    Err(e) => tracing::error!(error = %e, "reload: rendering failed"),
                }
            }
            Ok(None) => seen = now,
            Err(e) => tracing::warn!(error = %e, "reload: cannot load the registry"),
        }
    }
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
