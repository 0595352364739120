//! Evaluation grids of calls, experts' independent scores and the committee's moderation
//! (migration `0009_experts_scoring.sql`). The arithmetic (weighted scores, means,
//! ranking) is [`territoires_domain::scoring`]'s; this module stores and loads.

use crate::accounts::Account;
use crate::experts::{actor_of, status_in};
use crate::{Store, StoreError};
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use territoires_domain::application::ApplicationId;
use territoires_domain::audit::AuditDraft;
use territoires_domain::scoring::{scorable_in, Criterion, Scale, Score, ScoringGrid, WeightedScore};

/// One expert's score sheet of one application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreSheet {
    /// The expert's account.
    pub expert_account_id: i64,
    /// Their display name.
    pub expert_name: String,
    /// One value per criterion, in the grid's order.
    pub scores: Vec<Score>,
    /// Their comment (may be empty).
    pub comment: String,
    /// When it was last submitted (RFC 3339, UTC).
    pub submitted_at: String,
}

/// The committee's moderated score of an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moderation {
    /// The score, in hundredths of a point.
    pub score: WeightedScore,
    /// Why the committee set it.
    pub justification: String,
    /// Who set it.
    pub moderator_account_id: i64,
    /// When (RFC 3339, UTC).
    pub moderated_at: String,
}

fn int<T: TryFrom<i64>>(r: &AnyRow, column: &str, what: &str) -> Result<T, StoreError> {
    let v: i64 = r.try_get(column)?;
    T::try_from(v).map_err(|_| StoreError::Invalid(format!("{what}: {column} {v} is out of range")))
}

async fn grid_in<'e, E>(executor: E, call_slug: &str) -> Result<Option<ScoringGrid>, StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let what = format!("scoring_criteria of {call_slug}");
    let rows = sqlx::query("SELECT code, label, weight, scale_min, scale_max FROM scoring_criteria WHERE call_slug = $1 ORDER BY position")
        .bind(call_slug.to_owned())
        .fetch_all(executor)
        .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let criteria = rows
        .iter()
        .map(|r| {
            Ok(Criterion {
                code: r.try_get("code")?,
                label: r.try_get("label")?,
                weight: int(r, "weight", &what)?,
                scale: Scale {
                    min: int(r, "scale_min", &what)?,
                    max: int(r, "scale_max", &what)?,
                },
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    ScoringGrid::new(criteria)
        .map(Some)
        .map_err(|e| StoreError::Invalid(format!("{what}: {e}")))
}

fn grid_json(grid: Option<&ScoringGrid>) -> Value {
    match grid {
        None => Value::Null,
        Some(g) => g
            .criteria()
            .iter()
            .map(|c| json!({"code": c.code, "label": c.label, "weight": c.weight, "min": c.scale.min, "max": c.scale.max}))
            .collect(),
    }
}

async fn sheet_in(tx: &mut Transaction<'_, Any>, id: ApplicationId, expert: i64) -> Result<Value, StoreError> {
    let sheet = sqlx::query("SELECT comment FROM score_sheets WHERE application_id = $1 AND expert_account_id = $2")
        .bind(id.0)
        .bind(expert)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(sheet) = sheet else { return Ok(Value::Null) };
    let comment: String = sheet.try_get(0)?;
    let values =
        sqlx::query("SELECT criterion, value FROM score_values WHERE application_id = $1 AND expert_account_id = $2 ORDER BY criterion")
            .bind(id.0)
            .bind(expert)
            .fetch_all(&mut **tx)
            .await?;
    // An array, not an object keyed by criterion: a code is the manager's text and
    // could read like a secret's key to the audit guard.
    let mut scores = Vec::new();
    for v in &values {
        scores.push(json!({"criterion": v.try_get::<String, _>("criterion")?, "value": v.try_get::<i64, _>("value")?}));
    }
    Ok(json!({"scores": scores, "comment": comment}))
}

impl Store {
    /// Whether a call (of the press kit or of the platform) has the slug `slug`.
    pub async fn call_exists(&self, slug: &str) -> Result<bool, StoreError> {
        // The press kit's calls and the platform's (`platform_calls`, kept apart so that
        // re-imports leave them alone).
        let n: i64 =
            sqlx::query("SELECT (SELECT COUNT(*) FROM calls WHERE slug = $1) + (SELECT COUNT(*) FROM platform_calls WHERE slug = $1)")
                .bind(slug.to_owned())
                .fetch_one(self.pool())
                .await?
                .try_get(0)?;
        Ok(n > 0)
    }

    /// The evaluation grid of call `call_slug`, `None` when none was defined.
    pub async fn scoring_grid(&self, call_slug: &str) -> Result<Option<ScoringGrid>, StoreError> {
        grid_in(self.pool(), call_slug).await
    }

    /// Sets the evaluation grid of call `call_slug` and records `grid.set` on
    /// `call:<slug>` with the criteria before and after, in one transaction.
    ///
    /// Errors (nothing written): [`StoreError::NotFound`] for an unknown call;
    /// [`StoreError::Refused`] once an expert has scored an application of the call (the
    /// grid is then frozen: changing it would change the meaning of scores already given).
    pub async fn set_scoring_grid(&self, call_slug: &str, grid: &ScoringGrid, actor: &Account) -> Result<(), StoreError> {
        if !self.call_exists(call_slug).await? {
            return Err(StoreError::NotFound(format!("aucun appel n'a l'identifiant « {call_slug} »")));
        }
        let mut tx = self.begin_write().await?;
        let scored: i64 =
            sqlx::query("SELECT COUNT(*) FROM score_sheets s JOIN applications a ON a.id = s.application_id WHERE a.call_slug = $1")
                .bind(call_slug.to_owned())
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
        if scored > 0 {
            return Err(StoreError::Refused(format!(
                "la grille ne peut plus être modifiée : {scored} fiche(s) de notation déjà remplie(s) pour cet appel"
            )));
        }
        let before = grid_in(&mut *tx, call_slug).await?;
        sqlx::query("DELETE FROM scoring_criteria WHERE call_slug = $1")
            .bind(call_slug.to_owned())
            .execute(&mut *tx)
            .await?;
        for (i, c) in grid.criteria().iter().enumerate() {
            sqlx::query("INSERT INTO scoring_criteria (call_slug, position, code, label, weight, scale_min, scale_max) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(call_slug.to_owned())
                .bind(i as i64 + 1)
                .bind(c.code.clone())
                .bind(c.label.clone())
                .bind(i64::from(c.weight))
                .bind(i64::from(c.scale.min))
                .bind(i64::from(c.scale.max))
                .execute(&mut *tx)
                .await?;
        }
        let entry = AuditDraft::new(
            crate::audit::now(),
            actor_of(actor),
            "grid.set",
            format!("call:{call_slug}"),
            json!({ "criteria": grid_json(before.as_ref()) }),
            json!({ "criteria": grid_json(Some(grid)) }),
        )?;
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every expert's score sheet of application `id`, by expert account id.
    pub async fn score_sheets(&self, id: ApplicationId) -> Result<Vec<ScoreSheet>, StoreError> {
        let sheets = sqlx::query(
            "SELECT s.expert_account_id, a.display_name, s.comment, s.submitted_at FROM score_sheets s JOIN accounts a ON a.id = s.expert_account_id WHERE s.application_id = $1 ORDER BY s.expert_account_id",
        )
        .bind(id.0)
        .fetch_all(self.pool())
        .await?;
        let values = sqlx::query("SELECT expert_account_id, criterion, value FROM score_values WHERE application_id = $1")
            .bind(id.0)
            .fetch_all(self.pool())
            .await?;
        let what = format!("score_values of {id}");
        let mut out = Vec::with_capacity(sheets.len());
        for s in &sheets {
            let expert: i64 = s.try_get("expert_account_id")?;
            let mut scores = Vec::new();
            for v in &values {
                if v.try_get::<i64, _>("expert_account_id")? == expert {
                    scores.push(Score {
                        criterion: v.try_get("criterion")?,
                        value: int(v, "value", &what)?,
                    });
                }
            }
            out.push(ScoreSheet {
                expert_account_id: expert,
                expert_name: s.try_get("display_name")?,
                scores,
                comment: s.try_get("comment")?,
                submitted_at: s.try_get("submitted_at")?,
            });
        }
        Ok(out)
    }

    /// The score sheet of `expert_account_id` on application `id`, if any — and only
    /// theirs (independence: an expert never reads another's).
    pub async fn score_sheet(&self, id: ApplicationId, expert_account_id: i64) -> Result<Option<ScoreSheet>, StoreError> {
        Ok(self
            .score_sheets(id)
            .await?
            .into_iter()
            .find(|s| s.expert_account_id == expert_account_id))
    }

    /// Records `expert`'s scores of application `id` with `comment`, replacing their
    /// previous sheet, and appends `score.submit` on `application:<id>` with the sheet
    /// before and after, in one transaction.
    ///
    /// Checked here, inside the transaction: the application is under review or in a
    /// hearing, and the scores fit the call's grid as it now is
    /// ([`ScoringGrid::weighted_score`]). Whether `expert` may score it (role, no conflict)
    /// is the caller's check. Returns the weighted score. Errors (nothing written):
    /// [`StoreError::NotFound`]; [`StoreError::Refused`] (French) for a wrong status, a
    /// call without grid, or scores that do not fit the grid.
    pub async fn submit_scores(
        &self,
        id: ApplicationId,
        expert: &Account,
        scores: &[Score],
        comment: &str,
    ) -> Result<WeightedScore, StoreError> {
        let mut tx = self.begin_write().await?;
        let status = status_in(&mut tx, id).await?;
        if !scorable_in(status) {
            return Err(StoreError::Refused(format!(
                "une candidature ne se note qu'en instruction ou en audition (statut actuel : {})",
                status.label()
            )));
        }
        let call: String = sqlx::query("SELECT call_slug FROM applications WHERE id = $1")
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let grid = grid_in(&mut *tx, &call)
            .await?
            .ok_or_else(|| StoreError::Refused(format!("l'appel « {call} » n'a pas encore de grille d'évaluation")))?;
        let weighted = grid.weighted_score(scores).map_err(|e| StoreError::Refused(e.to_string()))?;
        let before = sheet_in(&mut tx, id, expert.id).await?;
        sqlx::query("DELETE FROM score_values WHERE application_id = $1 AND expert_account_id = $2")
            .bind(id.0)
            .bind(expert.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM score_sheets WHERE application_id = $1 AND expert_account_id = $2")
            .bind(id.0)
            .bind(expert.id)
            .execute(&mut *tx)
            .await?;
        let now = crate::audit::now();
        sqlx::query("INSERT INTO score_sheets (application_id, expert_account_id, comment, submitted_at) VALUES ($1, $2, $3, $4)")
            .bind(id.0)
            .bind(expert.id)
            .bind(comment.to_owned())
            .bind(now.clone())
            .execute(&mut *tx)
            .await?;
        for s in scores {
            sqlx::query("INSERT INTO score_values (application_id, expert_account_id, criterion, value) VALUES ($1, $2, $3, $4)")
                .bind(id.0)
                .bind(expert.id)
                .bind(s.criterion.clone())
                .bind(i64::from(s.value))
                .execute(&mut *tx)
                .await?;
        }
        let after = sheet_in(&mut tx, id, expert.id).await?;
        let entry = AuditDraft::new(
            now,
            actor_of(expert),
            "score.submit",
            format!("application:{id}"),
            before,
            json!({ "sheet": after, "weighted_hundredths": weighted.hundredths() }),
        )?;
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(weighted)
    }

    /// The committee's moderated score of application `id`, if set.
    pub async fn moderation(&self, id: ApplicationId) -> Result<Option<Moderation>, StoreError> {
        let row = sqlx::query(
            "SELECT hundredths, justification, moderator_account_id, moderated_at FROM score_moderations WHERE application_id = $1",
        )
        .bind(id.0)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(Moderation {
                score: WeightedScore(int(&r, "hundredths", &format!("score_moderations of {id}"))?),
                justification: r.try_get("justification")?,
                moderator_account_id: r.try_get("moderator_account_id")?,
                moderated_at: r.try_get("moderated_at")?,
            })
        })
        .transpose()
    }

    /// Sets the committee's moderated score of application `id` (already checked by
    /// [`territoires_domain::scoring::check_moderation`]: the caller's) and records
    /// `score.moderate` on `application:<id>` with the score and justification before and
    /// after, in one transaction. Whether `actor` may decide is the caller's check.
    ///
    /// Checked here, inside the transaction (issue 3, QA of the selection): the
    /// application is under review or in a hearing ([`scorable_in`]: not a draft, not
    /// returned for completion, not already selected, rejected or laureate, so the
    /// ranking cannot change after the decision) and at least one expert has scored it
    /// (a moderation moderates experts' scores; without any, one note would rank it).
    /// Errors (nothing written): [`StoreError::NotFound`]; [`StoreError::Refused`]
    /// (French) for either rule.
    pub async fn moderate(&self, id: ApplicationId, score: WeightedScore, justification: &str, actor: &Account) -> Result<(), StoreError> {
        let before = self.moderation(id).await?;
        let mut tx = self.begin_write().await?;
        let status = status_in(&mut tx, id).await?;
        if !scorable_in(status) {
            return Err(StoreError::Refused(format!(
                "Une note modérée ne se fixe qu'en instruction ou en audition (statut actuel : {}).",
                status.label()
            )));
        }
        let sheets: i64 = sqlx::query("SELECT COUNT(*) FROM score_sheets WHERE application_id = $1")
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        if sheets == 0 {
            return Err(StoreError::Refused(
                "Aucun expert n'a encore noté cette candidature : il n'y a pas de note à modérer.".to_owned(),
            ));
        }
        let now = crate::audit::now();
        sqlx::query("DELETE FROM score_moderations WHERE application_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO score_moderations (application_id, hundredths, justification, moderator_account_id, moderated_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id.0)
            .bind(i64::from(score.hundredths()))
            .bind(justification.to_owned())
            .bind(actor.id)
            .bind(now.clone())
            .execute(&mut *tx)
            .await?;
        let entry = AuditDraft::new(
            now,
            actor_of(actor),
            "score.moderate",
            format!("application:{id}"),
            before.map_or(
                Value::Null,
                |m| json!({"hundredths": m.score.hundredths(), "justification": m.justification}),
            ),
            json!({"hundredths": score.hundredths(), "justification": justification}),
        )?;
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(())
    }
}
