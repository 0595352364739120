//! The API of partner lists, experts' declarations, grids, independent scoring and the
//! committee's ranking (issue 3), with the rules of the pages (`pages::partners`,
//! `pages::experts`, `pages::scoring`): every route needs a session (401); writes need
//! `check_api_write` (403); an expert in conflict with an application gets **404** on it;
//! invalid bodies get 422 naming the field. Never cached.

use crate::api::json_body as body;
use crate::auth::SignedIn;
use crate::error::{AppError, AppResult, ErrorBody, ErrorKind, Format};
use crate::pages::applications::visible_application;
use crate::pages::experts::{declare, visible_to_expert};
use crate::pages::partners::store_error;
use crate::pages::scoring::{call_grid, moderate, ranking, scorable, COMMENT_MAX};
use crate::Current;
use axum::extract::rejection::JsonRejection;
use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use territoires_domain::access::Action;
use territoires_domain::application::ApplicationStatus;
use territoires_domain::partners::{validate, Partner, PartnerRole};
use territoires_domain::scoring::{Criterion, Score, ScoringGrid, WeightedScore};
use territoires_domain::siren::Siren;
use territoires_store::ExpertOrganisation;
use utoipa::ToSchema;

fn finish(result: AppResult<Response>) -> Response {
    let mut res = result.unwrap_or_else(IntoResponse::into_response);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::new(Format::Json, ErrorKind::Unprocessable, message)
}

/// One organisation of a partner list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PartnerEntry {
    /// Its name (1 to 200 characters).
    pub name: String,
    /// Its SIREN (9 digits, spaces allowed on input, Luhn-checked), `null` for a foreign
    /// or unregistered partner.
    pub siren: Option<String>,
    /// `lead` (*chef de file*, at most one) or `partner`.
    pub role: PartnerRole,
    /// Its RNA number (an association: `W` and 9 digits, `W751234567`), `null` or absent
    /// when it has none.
    #[serde(default)]
    pub rna: Option<String>,
}

/// A partner list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PartnerList {
    /// The organisations, in order (the applicant's own organisation is not repeated).
    pub partners: Vec<PartnerEntry>,
}

fn list_of(partners: Vec<Partner>) -> PartnerList {
    PartnerList {
        partners: partners
            .into_iter()
            .map(|p| PartnerEntry {
                name: p.name,
                siren: p.siren.map(String::from),
                role: p.role,
                rna: p.rna.map(String::from),
            })
            .collect(),
    }
}

/// The partner list of an application.
#[utoipa::path(get, path = "/api/v1/applications/{id}/partners", tag = "committee",
    params(("id" = i64, Path, description = "The application")),
    responses(
        (status = 200, description = "The list", body = PartnerList),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "The role sees no application", body = ErrorBody),
        (status = 404, description = "No such application, another lead's, or (expert) in conflict or not under review", body = ErrorBody),
    ))]
pub async fn find_partners(Current(ctx): Current, signed_in: SignedIn, Path(raw_id): Path<String>) -> Response {
    finish(
        async {
            let store = &ctx.app.store;
            let app = visible_application(store, &signed_in, &raw_id, Format::Json).await?;
            let partners = store
                .application_partners(app.id)
                .await
                .map_err(|e| AppError::internal(Format::Json, e))?;
            Ok(Json(list_of(partners)).into_response())
        }
        .await,
    )
}

/// Replaces the partner list of the account's own application (draft or returned for
/// completion). Audited as `application.partners`.
#[utoipa::path(put, path = "/api/v1/applications/{id}/partners", tag = "committee",
    params(("id" = i64, Path, description = "The application")),
    request_body = PartnerList,
    responses(
        (status = 200, description = "The list as stored", body = PartnerList),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Not the applicant, or a cookie session without X-CSRF-Token", body = ErrorBody),
        (status = 404, description = "No such application, or not visible to the account", body = ErrorBody),
        (status = 409, description = "The application is no longer a draft nor returned for completion", body = ErrorBody),
        (status = 422, description = "Invalid list (SIREN check digit, blank name, two leads…): the field is named", body = ErrorBody),
    ))]
pub async fn put_partners(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    b: Result<Json<PartnerList>, JsonRejection>,
) -> Response {
    finish(
        async {
            signed_in.check_api_write(&headers)?;
            let store = &ctx.app.store;
            let app = visible_application(store, &signed_in, &raw_id, Format::Json).await?;
            signed_in.require(Action::Apply, Format::Json)?;
            let list = body(b)?;
            let mut partners = Vec::with_capacity(list.partners.len());
            for (i, p) in list.partners.into_iter().enumerate() {
                let siren = match p.siren.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(s) => Some(Siren::parse(s).map_err(|e| invalid(format!("partners[{i}].siren : {e}.")))?),
                };
                let rna = match p.rna.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(r) => Some(territoires_domain::org_id::Rna::parse(r).map_err(|e| invalid(format!("partners[{i}].rna : {e}.")))?),
                };
                partners.push(Partner {
                    name: p.name.trim().to_owned(),
                    siren,
                    role: p.role,
                    rna,
                });
            }
            validate(&partners).map_err(|errors| invalid(format!("partners : {}.", errors.join(" ; "))))?;
            // A project lead sees only their own applications (`visible_application`), so
            // `app` is theirs; its status is checked by the store (409).
            store
                .set_application_partners(app.id, &partners, &signed_in.session.account)
                .await
                .map_err(store_error(Format::Json))?;
            Ok(Json(list_of(partners)).into_response())
        }
        .await,
    )
}

/// An evaluation grid.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Grid {
    /// The criteria, in order: codes unique, labels non-blank, weights in whole
    /// percentage points summing to 100, scales `min < max` (whole points, 0–255).
    pub criteria: Vec<Criterion>,
}

/// The evaluation grid of a call (any signed-in account).
#[utoipa::path(get, path = "/api/v1/calls/{slug}/grid", tag = "committee",
    params(("slug" = String, Path, description = "The call (`aap-2018`)")),
    responses(
        (status = 200, description = "The grid", body = Grid),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 404, description = "No such call, or no grid yet", body = ErrorBody),
    ))]
pub async fn find_grid(Current(ctx): Current, _signed_in: SignedIn, Path(slug): Path<String>) -> Response {
    finish(
        async {
            let grid = call_grid(&ctx.app.store, &slug, Format::Json)
                .await?
                .ok_or_else(|| AppError::not_found(Format::Json, "Cet appel n'a pas encore de grille d'évaluation."))?;
            Ok(Json(Grid {
                criteria: grid.criteria().to_vec(),
            })
            .into_response())
        }
        .await,
    )
}

/// Sets the evaluation grid of a call (programme managers, administrators). Audited as
/// `grid.set`; refused once an expert has scored an application of the call.
#[utoipa::path(put, path = "/api/v1/calls/{slug}/grid", tag = "committee",
    params(("slug" = String, Path, description = "The call (`aap-2018`)")),
    request_body = Grid,
    responses(
        (status = 200, description = "The grid as stored", body = Grid),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "The role does not manage calls", body = ErrorBody),
        (status = 404, description = "No such call", body = ErrorBody),
        (status = 409, description = "Already scored: the grid is frozen", body = ErrorBody),
        (status = 422, description = "Invalid grid (weights not summing to 100…), in French", body = ErrorBody),
    ))]
pub async fn put_grid(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(slug): Path<String>,
    b: Result<Json<Grid>, JsonRejection>,
) -> Response {
    finish(
        async {
            signed_in.check_api_write(&headers)?;
            signed_in.require(Action::ManageCalls, Format::Json)?;
            let store = &ctx.app.store;
            call_grid(store, &slug, Format::Json).await?;
            let grid = ScoringGrid::new(body(b)?.criteria).map_err(|e| invalid(format!("criteria : {e}.")))?;
            store
                .set_scoring_grid(&slug, &grid, &signed_in.session.account)
                .await
                .map_err(store_error(Format::Json))?;
            Ok(Json(Grid {
                criteria: grid.criteria().to_vec(),
            })
            .into_response())
        }
        .await,
    )
}

/// An expert's own scores of an application.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MyScores {
    /// One value per criterion of the call's grid, on its scale.
    pub scores: Vec<Score>,
    /// Comment (may be empty; 5 000 characters at most).
    #[serde(default)]
    pub comment: String,
    /// The weighted score, in **hundredths of a point** (`Σ weight% × value`); output only.
    #[serde(default)]
    pub weighted_hundredths: Option<u32>,
    /// When submitted (RFC 3339, UTC); output only.
    #[serde(default)]
    pub submitted_at: Option<String>,
}

/// The signed-in expert's own scores of an application (never another expert's).
#[utoipa::path(get, path = "/api/v1/applications/{id}/scores/mine", tag = "committee",
    params(("id" = i64, Path, description = "The application")),
    responses(
        (status = 200, description = "The expert's sheet", body = MyScores),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Not an expert (project leads, instructors… do not score)", body = ErrorBody),
        (status = 404, description = "No such application, in conflict, not under review, or not scored yet", body = ErrorBody),
        (status = 409, description = "The call has no grid", body = ErrorBody),
    ))]
pub async fn find_my_scores(Current(ctx): Current, signed_in: SignedIn, Path(raw_id): Path<String>) -> Response {
    finish(
        async {
            let store = &ctx.app.store;
            let (app, grid) = scorable(store, &signed_in, &raw_id, Format::Json).await?;
            let sheet = store
                .score_sheet(app.id, signed_in.session.account.id)
                .await
                .map_err(|e| AppError::internal(Format::Json, e))?
                .ok_or_else(|| AppError::not_found(Format::Json, "Vous n'avez pas encore noté cette candidature."))?;
            Ok(Json(MyScores {
                weighted_hundredths: grid.weighted_score(&sheet.scores).ok().map(WeightedScore::hundredths),
                scores: sheet.scores,
                comment: sheet.comment,
                submitted_at: Some(sheet.submitted_at),
            })
            .into_response())
        }
        .await,
    )
}

/// Scores an application (experts, while under review or in a hearing, absent a
/// conflict), replacing the expert's previous sheet. Audited as `score.submit`.
#[utoipa::path(put, path = "/api/v1/applications/{id}/scores/mine", tag = "committee",
    params(("id" = i64, Path, description = "The application")),
    request_body = MyScores,
    responses(
        (status = 200, description = "The sheet as stored, with its weighted score", body = MyScores),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Not an expert", body = ErrorBody),
        (status = 404, description = "No such application, in conflict, or not under review", body = ErrorBody),
        (status = 409, description = "The call has no grid", body = ErrorBody),
        (status = 422, description = "Scores not fitting the grid (missing, unknown, out of scale)", body = ErrorBody),
    ))]
pub async fn put_my_scores(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    b: Result<Json<MyScores>, JsonRejection>,
) -> Response {
    finish(
        async {
            signed_in.check_api_write(&headers)?;
            let store = &ctx.app.store;
            let (app, grid) = scorable(store, &signed_in, &raw_id, Format::Json).await?;
            let mine = body(b)?;
            let comment = mine.comment.trim().to_owned();
            if comment.chars().count() > COMMENT_MAX {
                return Err(invalid(format!("comment : {COMMENT_MAX} caractères au plus.")));
            }
            let weighted = grid.weighted_score(&mine.scores).map_err(|e| invalid(format!("scores : {e}.")))?;
            store
                .submit_scores(app.id, &signed_in.session.account, &mine.scores, &comment)
                .await
                .map_err(store_error(Format::Json))?;
            Ok(Json(MyScores {
                scores: mine.scores,
                comment,
                weighted_hundredths: Some(weighted.hundredths()),
                submitted_at: None,
            })
            .into_response())
        }
        .await,
    )
}

/// One expert's weighted score.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExpertScoreEntry {
    /// The expert's account.
    pub expert_account_id: i64,
    /// Their display name.
    pub expert_name: String,
    /// Their weighted score, in hundredths of a point.
    pub weighted_hundredths: u32,
}

/// One line of the ranking.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankingEntry {
    /// Position from 1, `null` when not scored yet.
    pub rank: Option<u32>,
    /// Its ranked mean equals exactly the line above's (order then by number of experts,
    /// then application id).
    pub tied_with_previous: bool,
    /// The application.
    pub application: i64,
    /// Its title.
    pub title: String,
    /// Its status.
    pub status: ApplicationStatus,
    /// Every expert's weighted score.
    pub experts: Vec<ExpertScoreEntry>,
    /// The experts' mean in thousandths of a point (rounded half up; ranking uses the
    /// exact fraction), `null` without scores.
    pub experts_mean_thousandths: Option<u64>,
    /// The committee's moderated score, in hundredths of a point.
    pub moderated_hundredths: Option<u32>,
    /// Its justification.
    pub moderation_justification: Option<String>,
    /// The mean ranked on (the moderated score when set), in thousandths of a point.
    pub ranked_mean_thousandths: Option<u64>,
}

/// The committee's ranking of a call.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ranking {
    /// The call.
    pub call: String,
    /// Its grid.
    pub criteria: Vec<Criterion>,
    /// Ranked lines first, best first; then applications not scored yet.
    pub lines: Vec<RankingEntry>,
}

/// The committee's ranking of a call (programme managers, administrators).
#[utoipa::path(get, path = "/api/v1/calls/{slug}/ranking", tag = "committee",
    params(("slug" = String, Path, description = "The call (`aap-2018`)")),
    responses(
        (status = 200, description = "The ranking", body = Ranking),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "The role does not decide (experts, instructors, leads…)", body = ErrorBody),
        (status = 404, description = "No such call, or no grid yet", body = ErrorBody),
    ))]
pub async fn find_ranking(Current(ctx): Current, signed_in: SignedIn, Path(slug): Path<String>) -> Response {
    finish(
        async {
            signed_in.require(Action::Decide, Format::Json)?;
            let (grid, lines) = ranking(&ctx.app.store, &slug, Format::Json)
                .await?
                .ok_or_else(|| AppError::not_found(Format::Json, "Cet appel n'a pas encore de grille d'évaluation."))?;
            Ok(Json(Ranking {
                call: slug,
                criteria: grid.criteria().to_vec(),
                lines: lines
                    .into_iter()
                    .map(|l| RankingEntry {
                        rank: l.rank,
                        tied_with_previous: l.tied_with_previous,
                        application: l.app.id.0,
                        title: l.app.title,
                        status: l.app.status,
                        experts: l
                            .experts
                            .into_iter()
                            .map(|e| ExpertScoreEntry {
                                expert_account_id: e.expert_account_id,
                                expert_name: e.expert_name,
                                weighted_hundredths: e.weighted.hundredths(),
                            })
                            .collect(),
                        experts_mean_thousandths: l.experts_mean.map(|m| m.thousandths()),
                        moderated_hundredths: l.moderation.as_ref().map(|m| m.score.hundredths()),
                        moderation_justification: l.moderation.map(|m| m.justification),
                        ranked_mean_thousandths: l.ranked_mean.map(|m| m.thousandths()),
                    })
                    .collect(),
            })
            .into_response())
        }
        .await,
    )
}

/// The committee's moderated score.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ModerationInput {
    /// The score, in **hundredths of a point** (365 is 3,65), within the grid's bounds.
    pub hundredths: u32,
    /// Why (mandatory, non-blank).
    #[serde(default)]
    pub justification: String,
}

/// Sets the committee's moderated score of an application (programme managers,
/// administrators). Audited as `score.moderate`.
#[utoipa::path(put, path = "/api/v1/applications/{id}/moderation", tag = "committee",
    params(("id" = i64, Path, description = "The application")),
    request_body = ModerationInput,
    responses(
        (status = 200, description = "Stored", body = ModerationInput),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "The role does not decide", body = ErrorBody),
        (status = 404, description = "No such application", body = ErrorBody),
        (status = 409, description = "The call has no grid", body = ErrorBody),
        (status = 422, description = "No justification, or a score outside the grid's bounds", body = ErrorBody),
    ))]
pub async fn put_moderation(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    b: Result<Json<ModerationInput>, JsonRejection>,
) -> Response {
    finish(
        async {
            signed_in.check_api_write(&headers)?;
            signed_in.require(Action::Decide, Format::Json)?;
            let m = body(b)?;
            moderate(
                &ctx.app.store,
                &signed_in,
                &raw_id,
                WeightedScore(m.hundredths),
                &m.justification,
                Format::Json,
            )
            .await?;
            Ok(Json(ModerationInput {
                hundredths: m.hundredths,
                justification: m.justification.trim().to_owned(),
            })
            .into_response())
        }
        .await,
    )
}

/// An organisation an expert declares.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ExpertOrganisationEntry {
    /// Its name.
    pub name: String,
    /// Its SIREN (Luhn-checked), when known.
    pub siren: Option<String>,
}

/// A conflict an expert declared.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ConflictEntry {
    /// The application.
    pub application: i64,
    /// The ground (mandatory).
    pub ground: String,
    /// When declared (RFC 3339, UTC); output only.
    #[serde(default)]
    pub declared_at: Option<String>,
}

/// An expert's declarations.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Declarations {
    /// Organisations (the account's own organisation always counts too).
    pub organisations: Vec<ExpertOrganisationEntry>,
    /// Declared conflicts; output only (declare with `POST /api/v1/expert/conflicts`).
    #[serde(default)]
    pub conflicts: Vec<ConflictEntry>,
}

async fn declarations_of(store: &territoires_store::Store, account_id: i64) -> AppResult<Declarations> {
    let internal = |e| AppError::internal(Format::Json, e);
    Ok(Declarations {
        organisations: store
            .expert_organisations(account_id)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|o| ExpertOrganisationEntry {
                name: o.name,
                siren: o.siren.map(String::from),
            })
            .collect(),
        conflicts: store
            .declared_conflicts(account_id)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|c| ConflictEntry {
                application: c.application.0,
                ground: c.ground,
                declared_at: Some(c.declared_at),
            })
            .collect(),
    })
}

/// The signed-in expert's declarations.
#[utoipa::path(get, path = "/api/v1/expert/declarations", tag = "committee",
    responses(
        (status = 200, description = "Organisations and declared conflicts", body = Declarations),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Not an expert", body = ErrorBody),
    ))]
pub async fn find_declarations(Current(ctx): Current, signed_in: SignedIn) -> Response {
    finish(
        async {
            signed_in.require(Action::Score, Format::Json)?;
            Ok(Json(declarations_of(&ctx.app.store, signed_in.session.account.id).await?).into_response())
        }
        .await,
    )
}

/// Replaces the signed-in expert's organisations (`conflicts` ignored). Audited as
/// `expert.organisations`.
#[utoipa::path(put, path = "/api/v1/expert/declarations", tag = "committee",
    request_body = Declarations,
    responses(
        (status = 200, description = "The declarations as stored", body = Declarations),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Not an expert", body = ErrorBody),
        (status = 422, description = "Blank name or invalid SIREN; the entry is named", body = ErrorBody),
    ))]
pub async fn put_declarations(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    b: Result<Json<Declarations>, JsonRejection>,
) -> Response {
    finish(
        async {
            signed_in.check_api_write(&headers)?;
            signed_in.require(Action::Score, Format::Json)?;
            let d = body(b)?;
            let mut list = Vec::new();
            for (i, o) in d.organisations.into_iter().enumerate() {
                let name = o.name.trim().to_owned();
                if name.is_empty() || name.chars().count() > territoires_domain::partners::NAME_MAX {
                    return Err(invalid(format!("organisations[{i}].name : obligatoire, 200 caractères au plus.")));
                }
                let siren = match o.siren.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(s) => Some(Siren::parse(s).map_err(|e| invalid(format!("organisations[{i}].siren : {e}.")))?),
                };
                list.push(ExpertOrganisation { name, siren });
            }
            let store = &ctx.app.store;
            store
                .set_expert_organisations(&signed_in.session.account, &list)
                .await
                .map_err(|e| AppError::internal(Format::Json, e))?;
            Ok(Json(declarations_of(store, signed_in.session.account.id).await?).into_response())
        }
        .await,
    )
}

/// Declares a conflict of interest with an application the expert sees (final: it is
/// then hidden from them). Audited as `expert.conflict`.
#[utoipa::path(post, path = "/api/v1/expert/conflicts", tag = "committee",
    request_body = ConflictEntry,
    responses(
        (status = 201, description = "Declared", body = ConflictEntry),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Not an expert", body = ErrorBody),
        (status = 404, description = "No application the expert sees has this id", body = ErrorBody),
        (status = 422, description = "Blank ground", body = ErrorBody),
    ))]
pub async fn declare_conflict(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    b: Result<Json<ConflictEntry>, JsonRejection>,
) -> Response {
    finish(
        async {
            signed_in.check_api_write(&headers)?;
            signed_in.require(Action::Score, Format::Json)?;
            let c = body(b)?;
            declare(&ctx.app.store, &signed_in, &c.application.to_string(), &c.ground, Format::Json).await?;
            let body = ConflictEntry {
                application: c.application,
                ground: c.ground.trim().to_owned(),
                declared_at: None,
            };
            Ok((axum::http::StatusCode::CREATED, Json(body)).into_response())
        }
        .await,
    )
}

/// An application an expert may score.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExpertApplication {
    /// The application.
    pub id: i64,
    /// The call.
    pub call: String,
    /// Its title.
    pub title: String,
    /// `under-review` or `hearing`.
    pub status: ApplicationStatus,
}

/// The applications the signed-in expert may see and score: under review or in a hearing,
/// minus those in conflict.
#[utoipa::path(get, path = "/api/v1/expert/applications", tag = "committee",
    responses(
        (status = 200, description = "The applications", body = [ExpertApplication]),
        (status = 401, description = "No session", body = ErrorBody),
        (status = 403, description = "Not an expert", body = ErrorBody),
    ))]
pub async fn list_expert_applications(Current(ctx): Current, signed_in: SignedIn) -> Response {
    finish(
        async {
            signed_in.require(Action::Score, Format::Json)?;
            let apps = visible_to_expert(&ctx.app.store, &signed_in.session.account, Format::Json).await?;
            let list: Vec<ExpertApplication> = apps
                .into_iter()
                .map(|a| ExpertApplication {
                    id: a.id.0,
                    call: a.call_slug,
                    title: a.title,
                    status: a.status,
                })
                .collect();
            Ok(Json(list).into_response())
        }
        .await,
    )
}
