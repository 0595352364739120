//! The evaluation grid, independent scoring and the committee's ranking (issue 3:
//! « an evaluation grid (weighted criteria and scales) … Independent scoring, then the
//! committee's moderation, ranking »):
//!
//! - `GET|POST /admin/appels/{slug}/grille` — the programme manager defines the call's
//!   grid, one criterion per line `code ; libellé ; poids ; min ; max` (weights in whole
//!   percentage points summing to 100, checked by `ScoringGrid::new`). The press kit
//!   (`data/…dossier-de-presse.md`) names no selection criteria nor weights, so there is no
//!   default grid: the call's manager defines it. Frozen once an expert has scored.
//! - `GET|POST /candidatures/{id}/notation` — an expert scores an application (one value
//!   per criterion and a comment) while it is under review or in a hearing; they see only
//!   their own sheet. 403 for other roles, 404 for an application in conflict.
//! - `GET /admin/appels/{slug}/classement` — the committee ([`Action::Decide`]) sees every
//!   expert's weighted score, the exact mean, the moderated score and the ranking of
//!   `territoires_domain::scoring::rank` (ties marked); `POST /candidatures/{id}/moderation`
//!   sets a moderated score with its mandatory justification (422 without).

use super::experts::{no_store, page};
use super::layout::Layout;
use super::partners::store_error;
use crate::auth::{self, SignedIn};
use crate::error::{AppError, AppResult, ErrorKind, Format};
use crate::format::{excerpt, ECHO_MAX};
use crate::Current;
use askama::Template;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use territoires_domain::access::Action;
use territoires_domain::scoring::{
    check_moderation, committee_scores, rank, scorable_in, ApplicationScores, Criterion, MeanScore, Scale, Score, ScoringGrid,
    WeightedScore,
};
use territoires_store::{Application, Moderation, Store};

/// The grid of call `slug`. Errors: 404 for an unknown call, 500.
pub(crate) async fn call_grid(store: &Store, slug: &str, format: Format) -> AppResult<Option<ScoringGrid>> {
    let internal = |e| AppError::internal(format, e);
    if !store.call_exists(slug).await.map_err(internal)? {
        return Err(AppError::not_found(
            format,
            format!("Aucun appel n'a l'identifiant « {} ».", excerpt(slug, ECHO_MAX)),
        ));
    }
    store.scoring_grid(slug).await.map_err(internal)
}

/// Parses the grid's text form, `code ; libellé ; poids ; min ; max` per line, and
/// validates it with [`ScoringGrid::new`]. Errors: French, naming the line or the rule.
pub(crate) fn parse_grid(text: &str) -> Result<ScoringGrid, String> {
    let mut criteria = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let line = i + 1;
        let f: Vec<&str> = raw.split(';').map(str::trim).collect();
        if f.len() != 5 {
            return Err(format!(
                "ligne {line} : cinq champs attendus (code ; libellé ; poids ; min ; max), {} trouvé(s)",
                f.len()
            ));
        }
        let number = |v: &str, what: &str| -> Result<u32, String> {
            v.parse::<u32>()
                .map_err(|_| format!("ligne {line} : {what} « {} » n'est pas un nombre entier", excerpt(v, 20)))
        };
        let point = |v: &str, what: &str| -> Result<u8, String> {
            number(v, what).and_then(|n| u8::try_from(n).map_err(|_| format!("ligne {line} : {what} {n} dépasse 255")))
        };
        criteria.push(Criterion {
            code: f[0].to_owned(),
            label: f[1].to_owned(),
            weight: number(f[2], "le poids")?,
            scale: Scale {
                min: point(f[3], "le minimum")?,
                max: point(f[4], "le maximum")?,
            },
        });
    }
    ScoringGrid::new(criteria).map_err(|e| e.to_string())
}

/// The grid's text form read by [`parse_grid`].
fn grid_lines(grid: &ScoringGrid) -> String {
    grid.criteria()
        .iter()
        .map(|c| format!("{} ; {} ; {} ; {} ; {}", c.code, c.label, c.weight, c.scale.min, c.scale.max))
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Template)]
#[template(path = "scoring_grid.html")]
struct GridPage<'a> {
    layout: Layout,
    csrf: &'a str,
    slug: &'a str,
    /// The call's title (registry or platform), shown instead of its slug.
    title: String,
    criteria: Vec<Criterion>,
    text: String,
    error: Option<String>,
}

fn render_grid(
    signed_in: &SignedIn,
    slug: &str,
    title: String,
    grid: Option<&ScoringGrid>,
    text: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let html = GridPage {
        layout: Layout::new(format!("Grille d'évaluation — {title}"), ""),
        csrf: &signed_in.session.csrf_token,
        slug,
        title,
        criteria: grid.map(|g| g.criteria().to_vec()).unwrap_or_default(),
        text: text.unwrap_or_else(|| grid.map(grid_lines).unwrap_or_default()),
        error,
    }
    .render();
    page(status, html)
}

/// `GET /admin/appels/{slug}/grille` (programme managers and administrators).
pub async fn grid_form(Current(ctx): Current, signed_in: SignedIn, Path(slug): Path<String>) -> Response {
    no_store(
        async {
            signed_in.require(Action::ManageCalls, Format::Html)?;
            let grid = call_grid(&ctx.app.store, &slug, Format::Html).await?;
            let title = super::decisions::known_call(&ctx, &slug, Format::Html).await?;
            render_grid(&signed_in, &slug, title, grid.as_ref(), None, None, StatusCode::OK)
        }
        .await,
    )
}

/// The grid form.
#[derive(Deserialize)]
pub struct GridForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    criteres: String,
}

/// `POST /admin/appels/{slug}/grille`: 303 back; 422 with the French error; 409 once
/// scored.
pub async fn set_grid(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(form): Form<GridForm>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            signed_in.require(Action::ManageCalls, Format::Html)?;
            let store = &ctx.app.store;
            let current = call_grid(store, &slug, Format::Html).await?;
            match parse_grid(&form.criteres) {
                Err(e) => render_grid(
                    &signed_in,
                    &slug,
                    super::decisions::known_call(&ctx, &slug, Format::Html).await?,
                    current.as_ref(),
                    Some(form.criteres),
                    Some(e),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                Ok(grid) => {
                    store
                        .set_scoring_grid(&slug, &grid, &signed_in.session.account)
                        .await
                        .map_err(store_error(Format::Html))?;
                    Ok(Redirect::to(&format!("/admin/appels/{slug}/grille")).into_response())
                }
            }
        }
        .await,
    )
}

/// The application an expert may score: [`Action::Score`] first (403 for every other
/// role, before anything about the record is revealed), then the expert's visibility
/// (404 in conflict or out of review), then the call's grid (409 when none).
pub(crate) async fn scorable(store: &Store, signed_in: &SignedIn, raw_id: &str, format: Format) -> AppResult<(Application, ScoringGrid)> {
    signed_in.require(Action::Score, format)?;
    let app = super::applications::visible_application(store, signed_in, raw_id, format).await?;
    let grid = store
        .scoring_grid(&app.call_slug)
        .await
        .map_err(|e| AppError::internal(format, e))?
        .ok_or_else(|| {
            AppError::new(
                format,
                ErrorKind::Conflict,
                "L'appel n'a pas encore de grille d'évaluation : le chargé de programme doit la définir.",
            )
        })?;
    Ok((app, grid))
}

/// A criterion on the scoring form.
struct CriterionRow {
    criterion: Criterion,
    /// The expert's current value, as text (empty when not scored).
    value: String,
}

#[derive(Template)]
#[template(path = "scoring_sheet.html")]
struct SheetPage<'a> {
    layout: Layout,
    csrf: &'a str,
    app: &'a Application,
    rows: Vec<CriterionRow>,
    comment: String,
    /// The expert's weighted score, French display, when scored.
    weighted: Option<String>,
    error: Option<String>,
}

fn render_sheet(
    signed_in: &SignedIn,
    app: &Application,
    grid: &ScoringGrid,
    values: &[(String, String)],
    comment: String,
    error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let scores: Vec<Score> = values
        .iter()
        .filter_map(|(c, v)| {
            v.parse().ok().map(|value| Score {
                criterion: c.clone(),
                value,
            })
        })
        .collect();
    let html = SheetPage {
        layout: Layout::new(format!("Notation — candidature n° {}", app.id), ""),
        csrf: &signed_in.session.csrf_token,
        app,
        rows: grid
            .criteria()
            .iter()
            .map(|c| CriterionRow {
                criterion: c.clone(),
                value: values
                    .iter()
                    .find(|(code, _)| *code == c.code)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
            })
            .collect(),
        comment,
        weighted: grid.weighted_score(&scores).ok().map(WeightedScore::fmt_fr),
        error,
    }
    .render();
    page(status, html)
}

/// `GET /candidatures/{id}/notation`: the expert's own sheet.
pub async fn sheet(Current(ctx): Current, signed_in: SignedIn, Path(raw_id): Path<String>) -> Response {
    no_store(
        async {
            let store = &ctx.app.store;
            let (app, grid) = scorable(store, &signed_in, &raw_id, Format::Html).await?;
            let mine = store
                .score_sheet(app.id, signed_in.session.account.id)
                .await
                .map_err(|e| AppError::internal(Format::Html, e))?;
            let (values, comment) = match mine {
                Some(s) => (
                    s.scores.into_iter().map(|s| (s.criterion, s.value.to_string())).collect(),
                    s.comment,
                ),
                None => (Vec::new(), String::new()),
            };
            render_sheet(&signed_in, &app, &grid, &values, comment, None, StatusCode::OK)
        }
        .await,
    )
}

/// Longest comment accepted (characters).
pub(crate) const COMMENT_MAX: usize = 5000;

/// Reads the form's `note_<code>` fields into scores. Errors: French, naming the field.
fn scores_of(fields: &[(String, String)]) -> Result<Vec<Score>, String> {
    fields
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("note_").map(|code| (code, v)))
        .map(|(code, v)| {
            v.trim()
                .parse::<u8>()
                .map(|value| Score {
                    criterion: code.to_owned(),
                    value,
                })
                .map_err(|_| format!("la note du critère « {} » doit être un nombre entier", excerpt(code, 40)))
        })
        .collect()
}

/// `POST /candidatures/{id}/notation` (fields `csrf`, `note_<code>` per criterion,
/// `commentaire`): replaces the expert's sheet; 303 back; 422 with what to fix.
pub async fn submit(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
            signed_in.check_csrf(&field("csrf"))?;
            let store = &ctx.app.store;
            let (app, grid) = scorable(store, &signed_in, &raw_id, Format::Html).await?;
            let comment = field("commentaire").trim().to_owned();
            let values: Vec<(String, String)> = fields
                .iter()
                .filter_map(|(k, v)| k.strip_prefix("note_").map(|c| (c.to_owned(), v.clone())))
                .collect();
            let checked = scores_of(&fields).and_then(|s| {
                if comment.chars().count() > COMMENT_MAX {
                    return Err(format!("le commentaire dépasse {COMMENT_MAX} caractères"));
                }
                grid.weighted_score(&s).map(|_| s).map_err(|e| e.to_string())
            });
            match checked {
                Err(e) => render_sheet(&signed_in, &app, &grid, &values, comment, Some(e), StatusCode::UNPROCESSABLE_ENTITY),
                Ok(scores) => {
                    store
                        .submit_scores(app.id, &signed_in.session.account, &scores, &comment)
                        .await
                        .map_err(store_error(Format::Html))?;
                    Ok(Redirect::to(&format!("/candidatures/{}/notation", app.id)).into_response())
                }
            }
        }
        .await,
    )
}

/// One expert's weighted score in the ranking.
pub(crate) struct ExpertScore {
    pub expert_account_id: i64,
    pub expert_name: String,
    pub weighted: WeightedScore,
}

/// One application of the ranking.
pub(crate) struct RankingLine {
    pub app: Application,
    /// Position from 1 (`None`: not scored yet, so not ranked).
    pub rank: Option<u32>,
    /// Its mean equals exactly that of the line above.
    pub tied_with_previous: bool,
    pub experts: Vec<ExpertScore>,
    /// The experts' exact mean (`None` without scores).
    pub experts_mean: Option<MeanScore>,
    pub moderation: Option<Moderation>,
    /// The mean it is ranked on (the moderated score when set; `None`: « non notée »).
    pub ranked_mean: Option<MeanScore>,
    /// The committee may moderate it: under review or in a hearing, and scored by at
    /// least one expert (the store's rule, [`Store::moderate`]).
    pub moderable: bool,
}

/// The ranking of call `slug`: every application of the call that is under review, in a
/// hearing, or has been scored; ranked lines first (best first, [`rank`]), then those
/// without any score, by id. `None` when the call has no grid yet. Errors: 404 unknown
/// call, 500 (a stored sheet that no longer fits the grid is a 500: grids are frozen once
/// scored).
pub(crate) async fn ranking(store: &Store, slug: &str, format: Format) -> AppResult<Option<(ScoringGrid, Vec<RankingLine>)>> {
    let Some(grid) = call_grid(store, slug, format).await? else {
        return Ok(None);
    };
    let internal = |e| AppError::internal(format, e);
    let mut lines = Vec::new();
    for app in store.applications_of_call(slug).await.map_err(internal)? {
        let sheets = store.score_sheets(app.id).await.map_err(internal)?;
        let moderation = store.moderation(app.id).await.map_err(internal)?;
        if sheets.is_empty() && moderation.is_none() && !scorable_in(app.status) {
            continue;
        }
        let mut experts = Vec::new();
        for s in sheets {
            let weighted = grid
                .weighted_score(&s.scores)
                .map_err(|e| AppError::internal(format, format!("sheet of {} on {}: {e}", s.expert_account_id, app.id)))?;
            experts.push(ExpertScore {
                expert_account_id: s.expert_account_id,
                expert_name: s.expert_name,
                weighted,
            });
        }
        let weighted: Vec<WeightedScore> = experts.iter().map(|e| e.weighted).collect();
        let ranked = committee_scores(&weighted, moderation.as_ref().map(|m| m.score));
        lines.push(RankingLine {
            moderable: scorable_in(app.status) && !weighted.is_empty(),
            experts_mean: MeanScore::of(&weighted),
            ranked_mean: MeanScore::of(&ranked),
            app,
            rank: None,
            tied_with_previous: false,
            experts,
            moderation,
        });
    }
    let input: Vec<ApplicationScores> = lines
        .iter()
        .filter(|l| l.ranked_mean.is_some())
        .map(|l| ApplicationScores {
            application: l.app.id,
            scores: committee_scores(
                &l.experts.iter().map(|e| e.weighted).collect::<Vec<_>>(),
                l.moderation.as_ref().map(|m| m.score),
            ),
        })
        .collect();
    let ranked = rank(&input).map_err(|e| AppError::internal(format, e))?;
    for r in &ranked {
        if let Some(l) = lines.iter_mut().find(|l| l.app.id == r.application) {
            l.rank = Some(r.rank);
            l.tied_with_previous = r.tied_with_previous;
        }
    }
    lines.sort_by_key(|l| (l.rank.unwrap_or(u32::MAX), l.app.id));
    Ok(Some((grid, lines)))
}

#[derive(Template)]
#[template(path = "scoring_ranking.html")]
struct RankingPage<'a> {
    layout: Layout,
    csrf: &'a str,
    slug: &'a str,
    /// The call's title (registry or platform), shown instead of its slug.
    title: String,
    grid: Option<ScoringGrid>,
    lines: Vec<RankingLine>,
}

/// `GET /admin/appels/{slug}/classement` (programme managers and administrators).
pub async fn ranking_page(Current(ctx): Current, signed_in: SignedIn, Path(slug): Path<String>) -> Response {
    no_store(
        async {
            signed_in.require(Action::Decide, Format::Html)?;
            let result = ranking(&ctx.app.store, &slug, Format::Html).await?;
            let title = super::decisions::known_call(&ctx, &slug, Format::Html).await?;
            let (grid, lines) = match result {
                Some((g, l)) => (Some(g), l),
                None => (None, Vec::new()),
            };
            let html = RankingPage {
                layout: Layout::new(format!("Classement — {title}"), ""),
                csrf: &signed_in.session.csrf_token,
                slug: &slug,
                title,
                grid,
                lines,
            }
            .render();
            page(StatusCode::OK, html)
        }
        .await,
    )
}

/// A score typed in points with at most two decimals (`3,65`, `3.6`, `4`) as hundredths.
/// Errors: French, naming the value.
pub(crate) fn parse_points(raw: &str) -> Result<WeightedScore, String> {
    let s = raw.trim();
    let bad = || format!("« {} » n'est pas une note (exemple : 3,65)", excerpt(raw, 20));
    let (whole, frac) = s.split_once([',', '.']).unwrap_or((s, ""));
    if whole.is_empty() || whole.len() > 3 || frac.len() > 2 || !whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let w: u32 = whole.parse().map_err(|_| bad())?;
    let f: u32 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().map_err(|_| bad())?
    };
    Ok(WeightedScore(w * 100 + f))
}

/// Sets the committee's moderated score of application `raw_id`: [`Action::Decide`]
/// (403), the application (404), its call's grid (409 without), then
/// [`check_moderation`] (422: justification, bounds). Audited by the store.
pub(crate) async fn moderate(
    store: &Store,
    signed_in: &SignedIn,
    raw_id: &str,
    value: WeightedScore,
    justification: &str,
    format: Format,
) -> AppResult<Application> {
    signed_in.require(Action::Decide, format)?;
    let app = super::applications::visible_application(store, signed_in, raw_id, format).await?;
    let grid = store
        .scoring_grid(&app.call_slug)
        .await
        .map_err(|e| AppError::internal(format, e))?
        .ok_or_else(|| AppError::new(format, ErrorKind::Conflict, "L'appel n'a pas de grille d'évaluation."))?;
    let justification = justification.trim();
    check_moderation(&grid, value, justification).map_err(|e| AppError::new(format, ErrorKind::Unprocessable, format!("{e}.")))?;
    if justification.chars().count() > COMMENT_MAX {
        return Err(AppError::new(
            format,
            ErrorKind::Unprocessable,
            format!("La justification dépasse {COMMENT_MAX} caractères."),
        ));
    }
    store
        .moderate(app.id, value, justification, &signed_in.session.account)
        .await
        .map_err(store_error(format))?;
    Ok(app)
}

/// The moderation form.
#[derive(Deserialize)]
pub struct ModerationForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    justification: String,
}

/// `POST /candidatures/{id}/moderation` (fields `note` in points, `justification`): 303
/// to the call's ranking; 422 without justification or with a note off the grid.
pub async fn moderate_form(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    Form(form): Form<ModerationForm>,
) -> Response {
    no_store(
        async {
            auth::check_same_origin(&headers)?;
            signed_in.check_csrf(&form.csrf)?;
            signed_in.require(Action::Decide, Format::Html)?;
            let value = parse_points(&form.note)
                .map_err(|e| AppError::new(Format::Html, ErrorKind::Unprocessable, format!("Note modérée : {e}.")))?;
            let app = moderate(&ctx.app.store, &signed_in, &raw_id, value, &form.justification, Format::Html).await?;
            Ok(Redirect::to(&format!("/admin/appels/{}/classement", app.call_slug)).into_response())
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_are_read_from_lines() {
        let g = parse_grid("ambition ; Ambition et innovation ; 60 ; 0 ; 5\n\npartenariat ; Partenariat ; 40 ; 0 ; 5").unwrap();
        assert_eq!(g.criteria().len(), 2);
        assert_eq!(parse_grid(&grid_lines(&g)).unwrap(), g);
        assert_eq!(
            parse_grid("a ; A ; 60 ; 0 ; 5\nb ; B ; 30 ; 0 ; 5").unwrap_err(),
            "les poids des critères totalisent 90 points au lieu de 100"
        );
        assert_eq!(
            parse_grid("a ; A ; soixante ; 0 ; 5").unwrap_err(),
            "ligne 1 : le poids « soixante » n'est pas un nombre entier"
        );
        assert!(parse_grid("a ; A ; 100 ; 0").unwrap_err().starts_with("ligne 1 : cinq champs"));
        assert!(parse_grid("a ; A ; 100 ; 0 ; 300").unwrap_err().contains("dépasse 255"));
    }

    #[test]
    fn points_are_read_as_hundredths() {
        assert_eq!(parse_points("3,65"), Ok(WeightedScore(365)));
        assert_eq!(parse_points(" 3.6 "), Ok(WeightedScore(360)));
        assert_eq!(parse_points("4"), Ok(WeightedScore(400)));
        assert_eq!(parse_points("0,05"), Ok(WeightedScore(5)));
        for bad in ["", "3,655", "-1", "a", ",5", "1000"] {
            assert!(parse_points(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn form_fields_become_scores() {
        let f = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let s = scores_of(&[f("csrf", "x"), f("note_ambition", " 4 "), f("note_partenariat", "3")]).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].criterion.as_str(), s[0].value), ("ambition", 4));
        assert!(scores_of(&[f("note_a", "quatre")]).is_err());
    }
}
