//! Laureate projects created from selected applications (migration
//! `0010_opinions_decisions.sql`, table `project_origins`), and the log of notifications.
//!
//! A project created from an application is a row of `projects` like the press kit's,
//! with a row in `project_origins` naming its application. The press-kit import leaves
//! such projects alone: it neither replaces nor removes them, even with
//! `AbsentProjects::Remove` (see `registry.rs`). Promoting also counts as a change of
//! the registry in `imports`, so that every running server reloads it (`import_count`).

use crate::accounts::Account;
use crate::applications::actor_of;
use crate::codec::instant;
use crate::registry::insert_project;
use crate::{Store, StoreError};
use serde_json::json;
use sqlx::{Any, Row, Transaction};
use std::collections::HashSet;
use territoires_domain::application::{ApplicationId, ApplicationStatus};
use territoires_domain::audit::AuditDraft;
use territoires_domain::laureate::{laureate_project, laureate_slug, LaureateFigures, ProjectOrigin};
use territoires_domain::Project;
use time::OffsetDateTime;

/// The slugs of the projects created from an application.
pub(crate) async fn origin_slugs(tx: &mut Transaction<'_, Any>) -> Result<HashSet<String>, StoreError> {
    let rows = sqlx::query("SELECT project_slug FROM project_origins").fetch_all(&mut **tx).await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// The origins of the projects created from an application, by slug.
pub(crate) async fn origins(tx: &mut Transaction<'_, Any>) -> Result<Vec<ProjectOrigin>, StoreError> {
    let rows = sqlx::query("SELECT o.project_slug, o.application_id, a.call_slug, o.created_at, pc.title AS call_title FROM project_origins o JOIN applications a ON a.id = o.application_id LEFT JOIN platform_calls pc ON pc.slug = a.call_slug ORDER BY o.created_at, o.project_slug")
        .fetch_all(&mut **tx)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(ProjectOrigin {
                slug: r.try_get("project_slug")?,
                application_id: ApplicationId(r.try_get("application_id")?),
                call: r.try_get("call_slug")?,
                call_title: r.try_get("call_title")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

impl Store {
    /// Turns the selected application `id` into a laureate project of the registry, by
    /// `actor` at `now`, with the `figures` the programme manager states (see
    /// [`territoires_domain::laureate`] for what is mapped): inserts the project after the
    /// programme's others, its origin, a row in `imports` (so running servers reload) and
    /// the audit entry `project.create-from-application` on `project:<slug>`, in one
    /// transaction. Returns the project and its origin.
    ///
    /// Whether `actor` may decide is the caller's check. Errors (nothing written):
    /// [`StoreError::NotFound`] for an unknown application or a call not stored;
    /// [`StoreError::Refused`] when the application is not selected;
    /// [`StoreError::Conflict`] when it is a laureate already.
    pub async fn create_laureate(
        &self,
        id: ApplicationId,
        figures: LaureateFigures,
        actor: &Account,
        now: OffsetDateTime,
    ) -> Result<(Project, ProjectOrigin), StoreError> {
        let at = instant(now);
        let mut tx = self.begin_write().await?;
        let app = sqlx::query("SELECT a.title, a.summary, a.call_slug, a.status, u.display_name, u.organisation FROM applications a JOIN accounts u ON u.id = a.applicant_account_id WHERE a.id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("aucune candidature n'a le numéro {id}")))?;
        let (title, summary, call, status): (String, String, String, String) = (
            app.try_get("title")?,
            app.try_get("summary")?,
            app.try_get("call_slug")?,
            app.try_get("status")?,
        );
        if status != ApplicationStatus::Selected.code() {
            return Err(StoreError::Refused(format!(
                "Seule une candidature retenue devient un projet lauréat (la candidature n° {id} est « {} »).",
                ApplicationStatus::from_code(&status).map(|s| s.label()).unwrap_or("inconnu")
            )));
        }
        if let Some(r) = sqlx::query("SELECT project_slug FROM project_origins WHERE application_id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
        {
            let slug: String = r.try_get(0)?;
            return Err(StoreError::Conflict(format!(
                "la candidature n° {id} est déjà le projet lauréat « {slug} »"
            )));
        }
        // A press-kit call names its programme; a platform call belongs to the programme of
        // the registry (one programme per database).
        let programme: String = sqlx::query(
            "SELECT programme_slug FROM calls WHERE slug = $1 UNION ALL SELECT slug FROM programmes WHERE EXISTS (SELECT 1 FROM platform_calls WHERE slug = $1)",
        )
            .bind(call.clone())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("aucun appel n'a l'identifiant « {call} »")))?
            .try_get(0)?;
        let taken: HashSet<String> = sqlx::query("SELECT slug FROM projects")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        let slug = laureate_slug(&title, id, |s| taken.contains(s));
        let organisation: Option<String> = app.try_get("organisation")?;
        let lead = organisation
            .filter(|o| !o.trim().is_empty())
            .map_or_else(|| app.try_get::<String, _>("display_name"), Ok)?;
        let project = laureate_project(slug.clone(), &title, &summary, &call, &lead, figures);
        let position: i64 = sqlx::query("SELECT COALESCE(MAX(position), -1) + 1 FROM projects WHERE programme_slug = $1")
            .bind(programme.clone())
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        insert_project(&mut tx, &programme, position, &project).await?;
        sqlx::query("INSERT INTO project_origins (project_slug, application_id, created_by, created_at) VALUES ($1, $2, $3, $4)")
            .bind(slug.clone())
            .bind(id.0)
            .bind(actor.id)
            .bind(at.clone())
            .execute(&mut *tx)
            .await?;
        // The applicant leads the project it becomes: it reports the project's impact
        // measurements (issue 4) without an administrator having to add it.
        sqlx::query(
            "INSERT INTO project_members (project_slug, account_id, member_role, added_at) SELECT $1, applicant_account_id, 'lead', $2 FROM applications WHERE id = $3",
        )
        .bind(slug.clone())
        .bind(at.clone())
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO imports (source_file, imported_at, inserted, updated, unchanged) VALUES ($1, $2, 1, 0, 0)")
            .bind(format!("application:{id}"))
            .bind(at.clone())
            .execute(&mut *tx)
            .await?;
        let entry = AuditDraft::new(
            at.clone(),
            actor_of(actor),
            "project.create-from-application",
            format!("project:{slug}"),
            serde_json::Value::Null,
            json!({
                "application": id.0,
                "call": call,
                "name": title,
                "lead": lead,
                "subsidy_ceiling_cents": figures.subsidy_ceiling.cents(),
                "investment_potential_cents": figures.investment_potential.cents(),
                "population": figures.population,
                "partners": figures.partners,
                "local_authorities": figures.local_authorities,
            }),
        )?;
        crate::audit::append(&mut tx, entry).await?;
        let call_title = sqlx::query("SELECT title FROM platform_calls WHERE slug = $1")
            .bind(call.clone())
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
        tx.commit().await?;
        let origin = ProjectOrigin {
            slug,
            application_id: id,
            call,
            call_title,
            created_at: at,
        };
        Ok((project, origin))
    }

    /// The laureate project created from application `id`, if any: its slug.
    pub async fn laureate_of(&self, id: ApplicationId) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query("SELECT project_slug FROM project_origins WHERE application_id = $1")
            .bind(id.0)
            .fetch_optional(self.pool())
            .await?
            .map(|r| r.try_get(0))
            .transpose()?)
    }

    /// Records a notification attempt: to account `recipient`, of `kind`
    /// (`application.submit`, `opinion.request`…), with `subject`, through `sender`
    /// (`log`, `smtp`, `memory`), and its outcome (`Err` with the cause: recorded as
    /// `failed`). Not audited: a notification changes no state.
    pub async fn record_notification(
        &self,
        recipient: i64,
        kind: &str,
        subject: &str,
        sender: &str,
        outcome: Result<(), String>,
    ) -> Result<(), StoreError> {
        let (status, error) = match outcome {
            Ok(()) => ("sent", None),
            Err(e) => ("failed", Some(e)),
        };
        sqlx::query("INSERT INTO notifications (at, recipient_account_id, kind, subject, sender, outcome, error) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(crate::audit::now())
            .bind(recipient)
            .bind(kind.to_owned())
            .bind(subject.to_owned())
            .bind(sender.to_owned())
            .bind(status.to_owned())
            .bind(error)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The notifications recorded, oldest first: (recipient account, kind, outcome
    /// `sent`/`failed`, error).
    pub async fn notifications(&self) -> Result<Vec<(i64, String, String, Option<String>)>, StoreError> {
        sqlx::query("SELECT recipient_account_id, kind, outcome, error FROM notifications ORDER BY id")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
            .collect()
    }
}
