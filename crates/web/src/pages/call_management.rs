//! Calls managed in the platform and the answers to their form (issue 3, « Calls »):
//!
//! - `GET /admin/appels` — every platform call, drafts included (programme managers and
//!   administrators: [`Action::ManageCalls`]; others 403).
//! - `GET /admin/appels/nouveau`, `POST /admin/appels` — create a draft call. The form's
//!   fields are typed in a textarea, one per line (`clé | libellé | type | obligatoire |
//!   aide`, see `territoires_domain::form::parse_lines`): no JavaScript needed.
//! - `GET /admin/appels/{slug}`, `POST /admin/appels/{slug}` — edit a draft;
//!   `POST /admin/appels/{slug}/publication` — publish it. A published call is frozen.
//! - `GET /appels/{slug}` for a published platform call (drafts: 404 for everyone there).
//! - The « Formulaire de l'appel » section of `/candidatures/{id}` ([`form_section`]) and
//!   `POST /candidatures/{id}/reponses`, the applicant saving answers while the application
//!   is a draft or returned for completion.
//!
//! Every page here depends on who asks: `Cache-Control: no-store`. Posts check their
//! origin and anti-CSRF token; bad input is shown again with French messages (422),
//! nothing written.

use super::applications::visible_application;
use super::layout::Layout;
use crate::auth::{self, SignedIn};
pub(crate) use crate::error::no_store;
use crate::error::{AppError, AppResult, ErrorKind, Format};
use crate::format::{excerpt, ECHO_MAX};
use crate::Current;
use askama::Template;
use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use std::collections::BTreeMap;
use territoires_domain::access::Action;
use territoires_domain::application::ApplicationStatus;
use territoires_domain::call::CallKind;
use territoires_domain::form::{missing_required, parse_answers, parse_lines, to_lines, Answers, FieldKind};
use territoires_domain::platform_call::{fmt_paris_local, parse_paris_local, CallDefinition, CallPhase, CallStatus, PlatformCall};
use territoires_domain::vocabulary::Theme;
use territoires_store::{Application, StoreError};
use time::OffsetDateTime;

fn page(status: StatusCode, html: Result<String, askama::Error>) -> AppResult<Response> {
    let body = html.map_err(|e| AppError::internal(Format::Html, e))?;
    Ok((status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response())
}

/// A store error as an HTTP error in `format`: not found 404, refused 409, else 500.
pub(crate) fn store_error(format: Format, e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(m) => AppError::not_found(format, m),
        StoreError::Refused(m) => AppError::new(format, ErrorKind::Conflict, m),
        other => AppError::internal(format, other),
    }
}

/// The code of a serde unit enum (`call-for-projects`).
pub(crate) fn code<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// A platform call as the lists show it.
pub(crate) struct CallRow {
    pub slug: String,
    pub title: String,
    pub kind: &'static str,
    pub opens: String,
    pub closes: String,
    pub fields: usize,
    pub phase: &'static str,
}

impl CallRow {
    /// `call` at `now`.
    pub(crate) fn new(call: &PlatformCall, now: OffsetDateTime) -> CallRow {
        let d = &call.definition;
        CallRow {
            slug: call.slug.clone(),
            title: d.title.clone(),
            kind: d.kind.abbreviation(),
            opens: fmt_paris_local(d.opens_at),
            closes: fmt_paris_local(d.closes_at),
            fields: d.form.len(),
            phase: call.phase(now).label(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin_calls.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<CallRow>,
}

/// `GET /admin/appels`.
pub async fn list(Current(ctx): Current, signed_in: SignedIn) -> Response {
    no_store(
        async {
            signed_in.require(Action::ManageCalls, Format::Html)?;
            let calls = ctx
                .app
                .store
                .platform_calls()
                .await
                .map_err(|e| AppError::internal(Format::Html, e))?;
            let now = OffsetDateTime::now_utc();
            let html = ListPage {
                layout: Layout::new("Gérer les appels", ""),
                rows: calls.iter().map(|c| CallRow::new(c, now)).collect(),
            }
            .render();
            page(StatusCode::OK, html)
        }
        .await,
    )
}

#[derive(Template)]
#[template(path = "admin_call_form.html")]
struct EditPage<'a> {
    layout: Layout,
    heading: String,
    action: String,
    slug: &'a str,
    csrf: &'a str,
    phase: Option<&'static str>,
    frozen: bool,
    publishable: bool,
    kinds: Vec<(String, &'static str, bool)>,
    title: &'a str,
    opens: &'a str,
    closes: &'a str,
    themes: Vec<(&'static str, &'static str, bool)>,
    eligibility: &'a str,
    form: &'a str,
    errors: Vec<String>,
}

/// What the call form posts, as typed.
#[derive(Debug, Default)]
struct Typed {
    csrf: String,
    kind: String,
    title: String,
    opens: String,
    closes: String,
    themes: Vec<String>,
    eligibility: String,
    form: String,
}

impl Typed {
    /// Reads the posted pairs (`theme` may repeat: one per checked box).
    fn from_pairs(pairs: Vec<(String, String)>) -> Typed {
        let mut t = Typed::default();
        for (k, v) in pairs {
            match k.as_str() {
                "csrf" => t.csrf = v,
                "type" => t.kind = v,
                "titre" => t.title = v,
                "ouverture" => t.opens = v,
                "cloture" => t.closes = v,
                "theme" => t.themes.push(v),
                "eligibilite" => t.eligibility = v,
                "formulaire" => t.form = v,
                _ => {}
            }
        }
        t
    }

    /// A call's definition as the form shows it.
    fn of(d: &CallDefinition) -> Typed {
        Typed {
            kind: code(&d.kind),
            title: d.title.clone(),
            opens: fmt_paris_local(d.opens_at),
            closes: fmt_paris_local(d.closes_at),
            themes: d.themes.iter().map(|t| t.code().to_owned()).collect(),
            eligibility: d.eligibility.join("\n"),
            form: to_lines(&d.form),
            ..Typed::default()
        }
    }

    /// Parses into a definition, or every problem in French naming the field.
    fn parse(&self) -> Result<CallDefinition, Vec<String>> {
        let mut errors = Vec::new();
        let kind = match self.kind.as_str() {
            "expression-of-interest" => CallKind::ExpressionOfInterest,
            "call-for-projects" => CallKind::CallForProjects,
            other => {
                errors.push(format!("Type d'appel : « {} » inconnu.", excerpt(other, 40)));
                CallKind::CallForProjects
            }
        };
        let mut instant = |raw: &str, name: &str| {
            parse_paris_local(raw).unwrap_or_else(|e| {
                errors.push(format!("{name} : {e}."));
                OffsetDateTime::UNIX_EPOCH
            })
        };
        let opens_at = instant(&self.opens, "Ouverture");
        let closes_at = instant(&self.closes, "Clôture");
        let mut themes = Vec::new();
        for c in &self.themes {
            match Theme::from_code(c) {
                Some(t) => themes.push(t),
                None => errors.push(format!("Thématique « {} » inconnue.", excerpt(c, 40))),
            }
        }
        let form = parse_lines(&self.form).unwrap_or_else(|e| {
            errors.extend(e.0.into_iter().map(|m| format!("Formulaire de candidature — {m}")));
            Vec::new()
        });
        let definition = CallDefinition {
            kind,
            title: self.title.trim().to_owned(),
            opens_at,
            closes_at,
            themes,
            eligibility: self
                .eligibility
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            form,
        };
        if errors.is_empty() {
            definition.check().map_err(|e| e.0)?;
            Ok(definition)
        } else {
            Err(errors)
        }
    }
}

fn render_edit(
    signed_in: &SignedIn,
    call: Option<&PlatformCall>,
    typed: &Typed,
    errors: Vec<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let now = OffsetDateTime::now_utc();
    let frozen = call.is_some_and(|c| c.status == CallStatus::Published);
    let slug = call.map(|c| c.slug.as_str()).unwrap_or_default();
    let html = EditPage {
        layout: Layout::new(
            match call {
                Some(c) => format!("Appel « {} »", c.definition.title),
                None => "Nouvel appel".to_owned(),
            },
            "",
        ),
        heading: match call {
            Some(c) => format!("Appel « {} »", c.definition.title),
            None => "Nouvel appel".to_owned(),
        },
        action: match call {
            Some(c) => format!("/admin/appels/{}", c.slug),
            None => "/admin/appels".to_owned(),
        },
        slug,
        csrf: &signed_in.session.csrf_token,
        phase: call.map(|c| c.phase(now).label()),
        frozen,
        publishable: call.is_some_and(|c| c.status == CallStatus::Draft),
        kinds: [CallKind::CallForProjects, CallKind::ExpressionOfInterest]
            .into_iter()
            .map(|k| (code(&k), k.label(), code(&k) == typed.kind))
            .collect(),
        title: &typed.title,
        opens: &typed.opens,
        closes: &typed.closes,
        themes: Theme::ALL
            .iter()
            .map(|t| (t.code(), t.label(), typed.themes.iter().any(|c| c == t.code())))
            .collect(),
        eligibility: &typed.eligibility,
        form: &typed.form,
        errors,
    }
    .render();
    page(status, html)
}

/// `GET /admin/appels/nouveau`.
pub async fn new_form(signed_in: SignedIn) -> Response {
    no_store(
        async {
            signed_in.require(Action::ManageCalls, Format::Html)?;
            let typed = Typed {
                kind: code(&CallKind::CallForProjects),
                ..Typed::default()
            };
            render_edit(&signed_in, None, &typed, Vec::new(), StatusCode::OK)
        }
        .await,
    )
}

fn actor(signed_in: &SignedIn) -> String {
    format!("account:{}", signed_in.session.account.id)
}

/// `POST /admin/appels`: creates the draft and redirects (303) to its page; the form again
/// with 422 and what to fix.
pub async fn create(Current(ctx): Current, signed_in: SignedIn, headers: HeaderMap, Form(pairs): Form<Vec<(String, String)>>) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            let typed = Typed::from_pairs(pairs);
            signed_in.check_csrf(&typed.csrf)?;
            signed_in.require(Action::ManageCalls, Format::Html)?;
            let definition = match typed.parse() {
                Ok(d) => d,
                Err(errors) => return render_edit(&signed_in, None, &typed, errors, StatusCode::UNPROCESSABLE_ENTITY),
            };
            let call = ctx
                .app
                .store
                .create_call(&definition, &actor(&signed_in))
                .await
                .map_err(|e| store_error(Format::Html, e))?;
            Ok(Redirect::to(&format!("/admin/appels/{}", call.slug)).into_response())
        }
        .await,
    )
}

async fn managed_call(ctx: &crate::Ctx, slug: &str) -> AppResult<PlatformCall> {
    ctx.app
        .store
        .platform_call(slug)
        .await
        .map_err(|e| AppError::internal(Format::Html, e))?
        .ok_or_else(|| {
            AppError::not_found(
                Format::Html,
                format!("Aucun appel n'a l'identifiant « {} ».", excerpt(slug, ECHO_MAX)),
            )
        })
}

/// `GET /admin/appels/{slug}`: the call's form, editable while draft, with the publish button.
pub async fn edit_form(Current(ctx): Current, signed_in: SignedIn, Path(slug): Path<String>) -> Response {
    no_store(
        async {
            signed_in.require(Action::ManageCalls, Format::Html)?;
            let call = managed_call(&ctx, &slug).await?;
            render_edit(&signed_in, Some(&call), &Typed::of(&call.definition), Vec::new(), StatusCode::OK)
        }
        .await,
    )
}

/// `POST /admin/appels/{slug}`: saves the draft (303 back to it); 422 with what to fix;
/// 409 when the call is published.
pub async fn update(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            let typed = Typed::from_pairs(pairs);
            signed_in.check_csrf(&typed.csrf)?;
            signed_in.require(Action::ManageCalls, Format::Html)?;
            let call = managed_call(&ctx, &slug).await?;
            let definition = match typed.parse() {
                Ok(d) => d,
                Err(errors) => return render_edit(&signed_in, Some(&call), &typed, errors, StatusCode::UNPROCESSABLE_ENTITY),
            };
            ctx.app
                .store
                .update_call(&slug, &definition, false, &actor(&signed_in))
                .await
                .map_err(|e| store_error(Format::Html, e))?;
            Ok(Redirect::to(&format!("/admin/appels/{slug}")).into_response())
        }
        .await,
    )
}

/// The anti-CSRF field of a button-only form.
#[derive(serde::Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /admin/appels/{slug}/publication`: publishes the draft (303 back to it); 409 when
/// already published or past its closing instant.
pub async fn publish(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            signed_in.require(Action::ManageCalls, Format::Html)?;
            ctx.app
                .store
                .publish_call(&slug, &actor(&signed_in), OffsetDateTime::now_utc())
                .await
                .map_err(|e| store_error(Format::Html, e))?;
            Ok(Redirect::to(&format!("/admin/appels/{slug}")).into_response())
        }
        .await,
    )
}

#[derive(Template)]
#[template(path = "platform_call.html")]
struct PublicPage<'a> {
    layout: Layout,
    call: &'a PlatformCall,
    phase: &'static str,
    opens: String,
    closes: String,
    submitted: u32,
    open: bool,
}

/// `/appels/{slug}` for a **published** platform call; `None` when there is none (the
/// caller answers 404: drafts are not revealed).
pub(crate) async fn public_page(ctx: &crate::Ctx, slug: &str) -> AppResult<Option<Response>> {
    let internal = |e| AppError::internal(Format::Html, e);
    let Some(call) = ctx.app.store.platform_call(slug).await.map_err(internal)? else {
        return Ok(None);
    };
    if call.status != CallStatus::Published {
        return Ok(None);
    }
    let (submitted, _) = ctx.app.store.call_figures(slug).await.map_err(internal)?;
    let phase = call.phase(OffsetDateTime::now_utc());
    let html = PublicPage {
        layout: Layout::new(call.definition.title.clone(), "calls"),
        phase: phase.label(),
        opens: fmt_paris_local(call.definition.opens_at),
        closes: fmt_paris_local(call.definition.closes_at),
        submitted,
        open: phase == CallPhase::Open,
        call: &call,
    }
    .render();
    let mut res = page(StatusCode::OK, html)?;
    // The phase changes with the clock: revalidate.
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(Some(res))
}

/// One field of the answers section.
pub(crate) struct FieldView {
    pub key: String,
    pub label: String,
    /// `short-text`, `long-text`, `amount`, `date`, `file`.
    pub kind: String,
    pub required: bool,
    /// Help, or the expected format.
    pub hint: String,
    /// As it would be typed again.
    pub value: String,
    /// As a reader sees it.
    pub shown: String,
}

/// The « Formulaire de l'appel » section of `/candidatures/{id}`.
pub(crate) struct FormSection {
    pub fields: Vec<FieldView>,
    /// Labels of the required fields not answered yet.
    pub missing: Vec<String>,
    /// Whether the signed-in account may change the answers now.
    pub editable: bool,
}

/// Whether `account_id` may change `app`'s answers now: its applicant, while draft or
/// returned for completion.
pub(crate) fn answers_editable(app: &Application, account_id: i64) -> bool {
    app.applicant_account_id == account_id && matches!(app.status, ApplicationStatus::Draft | ApplicationStatus::ReturnedForCompletion)
}

/// The section for `app` as `account_id` sees it; `None` for a call without a form
/// (historical).
pub(crate) async fn form_section(ctx: &crate::Ctx, app: &Application, account_id: i64) -> AppResult<Option<FormSection>> {
    let internal = |e| AppError::internal(Format::Html, e);
    let Some(call) = ctx.app.store.platform_call(&app.call_slug).await.map_err(internal)? else {
        return Ok(None);
    };
    let answers: Answers = ctx.app.store.application_answers(app.id).await.map_err(internal)?;
    let form = &call.definition.form;
    let fields = form
        .iter()
        .map(|f| {
            let stored = answers.get(&f.key);
            let value = stored.map(|a| a.as_input()).unwrap_or_default();
            let format = match f.kind {
                FieldKind::Amount => "En euros, par exemple 1 234,56",
                FieldKind::Date => "JJ/MM/AAAA",
                _ => "",
            };
            FieldView {
                key: f.key.clone(),
                label: f.label.clone(),
                kind: code(&f.kind),
                required: f.required,
                hint: [f.help.as_str(), format]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" — "),
                value,
                shown: stored.map(|a| a.display()).unwrap_or_default(),
            }
        })
        .collect();
    Ok(Some(FormSection {
        fields,
        missing: missing_required(form, &answers)
            .iter()
            .map(|f| format!("« {} »", f.label))
            .collect(),
        editable: answers_editable(app, account_id),
    }))
}

/// Parses `raw` answers for `app` and saves them by `signed_in`. Errors in `format`: 403
/// when the account is not the applicant; 409 when the application is no longer editable;
/// 422 naming each field that does not parse; 404 when the call has no form.
pub(crate) async fn save_answers(
    ctx: &crate::Ctx,
    signed_in: &SignedIn,
    app: &Application,
    raw: &BTreeMap<String, String>,
    format: Format,
) -> AppResult<Answers> {
    let account = &signed_in.session.account;
    if app.applicant_account_id != account.id {
        return Err(AppError::new(
            format,
            ErrorKind::Forbidden,
            "Seul le porteur de la candidature peut en modifier les réponses.",
        ));
    }
    let call = ctx
        .app
        .store
        .platform_call(&app.call_slug)
        .await
        .map_err(|e| AppError::internal(format, e))?
        .ok_or_else(|| AppError::not_found(format, "L'appel de cette candidature n'a pas de formulaire."))?;
    if !answers_editable(app, account.id) {
        return Err(AppError::new(
            format,
            ErrorKind::Conflict,
            format!(
                "Les réponses ne sont modifiables qu'en brouillon ou après un renvoi pour complément ; la candidature est « {} ».",
                app.status.label()
            ),
        ));
    }
    let answers = parse_answers(&call.definition.form, raw).map_err(|e| AppError::new(format, ErrorKind::Unprocessable, e.to_string()))?;
    ctx.app
        .store
        .save_answers(app.id, &answers, account)
        .await
        .map_err(|e| store_error(format, e))
}

/// `POST /candidatures/{id}/reponses`: the applicant saves the answers (303 back to the
/// application); 422 with the application page's message naming the fields.
pub async fn post_answers(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            let csrf = pairs.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or_default();
            signed_in.check_csrf(csrf)?;
            let app = visible_application(&ctx.app.store, &signed_in, &raw_id, Format::Html).await?;
            let raw: BTreeMap<String, String> = pairs.into_iter().filter(|(k, _)| k != "csrf").collect();
            save_answers(&ctx, &signed_in, &app, &raw, Format::Html).await?;
            Ok(Redirect::to(&format!("/candidatures/{}", app.id)).into_response())
        }
        .await,
    )
}
