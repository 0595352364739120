//! Which accounts act for a project (`project_members`): the record scoping of project
//! leads and partners, who may enter and submit measurements only for their projects.

use crate::{Store, StoreError};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use territoires_domain::audit::AuditDraft;

/// How an account takes part in a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberRole {
    /// The project's lead (*porteur*).
    Lead,
    /// A partner of the project (*partenaire*).
    Partner,
}

impl MemberRole {
    /// Stable code, as stored: `lead`, `partner`.
    pub fn code(self) -> &'static str {
        match self {
            MemberRole::Lead => "lead",
            MemberRole::Partner => "partner",
        }
    }

    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            MemberRole::Lead => "porteur",
            MemberRole::Partner => "partenaire",
        }
    }

    /// The role whose code is `code`.
    pub fn from_code(code: &str) -> Option<MemberRole> {
        [MemberRole::Lead, MemberRole::Partner].into_iter().find(|r| r.code() == code)
    }
}

/// An account's membership of a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectMember {
    /// Project slug.
    pub project_slug: String,
    /// The account.
    pub account_id: i64,
    /// Lead or partner.
    pub role: MemberRole,
    /// When it was added (RFC 3339, UTC).
    pub added_at: String,
}

fn decode(r: &AnyRow) -> Result<ProjectMember, StoreError> {
    let code: String = r.try_get("member_role")?;
    Ok(ProjectMember {
        project_slug: r.try_get("project_slug")?,
        account_id: r.try_get("account_id")?,
        role: MemberRole::from_code(&code).ok_or_else(|| StoreError::Invalid(format!("project_members: member_role {code:?}")))?,
        added_at: r.try_get("added_at")?,
    })
}

/// Whether `account_id` is a member (lead or partner) of `project`, read in `tx`.
pub(crate) async fn is_member(tx: &mut Transaction<'_, Any>, project: &str, account_id: i64) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM project_members WHERE project_slug = $1 AND account_id = $2")
        .bind(project.to_owned())
        .bind(account_id)
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
    Ok(n > 0)
}

impl Store {
    /// Makes account `account_id` a member of project `project_slug` as `role`, on behalf
    /// of `actor` (`account:<id>`, `cli:<user>`), and records `project.member` on
    /// `project:<slug>`. Whether `actor` may do so is the caller's check (an operator
    /// administrator or programme manager). Errors (nothing written):
    /// [`StoreError::NotFound`] for an unknown account; [`StoreError::Conflict`] when the
    /// account is already a member of this project.
    pub async fn add_project_member(
        &self,
        project_slug: &str,
        account_id: i64,
        role: MemberRole,
        actor: &str,
    ) -> Result<ProjectMember, StoreError> {
        let at = crate::audit::now();
        let mut tx = self.begin_write().await?;
        let exists: i64 = sqlx::query("SELECT COUNT(*) FROM accounts WHERE id = $1")
            .bind(account_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        if exists == 0 {
            return Err(StoreError::NotFound(format!("aucun compte n'a le numéro {account_id}")));
        }
        if is_member(&mut tx, project_slug, account_id).await? {
            return Err(StoreError::Conflict(format!(
                "Le compte n° {account_id} est déjà membre du projet « {project_slug} »."
            )));
        }
        sqlx::query("INSERT INTO project_members (project_slug, account_id, member_role, added_at) VALUES ($1, $2, $3, $4)")
            .bind(project_slug.to_owned())
            .bind(account_id)
            .bind(role.code())
            .bind(at.clone())
            .execute(&mut *tx)
            .await?;
        let entry = AuditDraft::new(
            at.clone(),
            actor.to_owned(),
            "project.member",
            format!("project:{project_slug}"),
            serde_json::Value::Null,
            json!({ "account": format!("account:{account_id}"), "role": role.code() }),
        )?;
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(ProjectMember {
            project_slug: project_slug.to_owned(),
            account_id,
            role,
            added_at: at,
        })
    }

    /// Detaches account `account_id` from project `project_slug` on behalf of `actor`, and
    /// records `project.member-removed` on `project:<slug>`. The measurements it entered stay
    /// (they carry its e-mail); it may no longer enter nor see the project's drafts. Whether
    /// `actor` may do so is the caller's check. Errors (nothing written):
    /// [`StoreError::NotFound`] when the account is not a member of the project.
    pub async fn remove_project_member(&self, project_slug: &str, account_id: i64, actor: &str) -> Result<(), StoreError> {
        let at = crate::audit::now();
        let mut tx = self.begin_write().await?;
        let removed = sqlx::query("DELETE FROM project_members WHERE project_slug = $1 AND account_id = $2")
            .bind(project_slug.to_owned())
            .bind(account_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if removed == 0 {
            return Err(StoreError::NotFound(format!(
                "Le compte n° {account_id} n'est pas membre du projet « {project_slug} »."
            )));
        }
        let entry = AuditDraft::new(
            at,
            actor.to_owned(),
            "project.member-removed",
            format!("project:{project_slug}"),
            json!({ "account": format!("account:{account_id}") }),
            serde_json::Value::Null,
        )?;
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The members of project `slug`, by account id.
    pub async fn project_members(&self, slug: &str) -> Result<Vec<ProjectMember>, StoreError> {
        sqlx::query(
            "SELECT project_slug, account_id, member_role, added_at FROM project_members WHERE project_slug = $1 ORDER BY account_id",
        )
        .bind(slug.to_owned())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(decode)
        .collect()
    }

    /// The projects account `account_id` is a member of, by slug.
    pub async fn memberships(&self, account_id: i64) -> Result<Vec<ProjectMember>, StoreError> {
        let mut v = sqlx::query("SELECT project_slug, account_id, member_role, added_at FROM project_members WHERE account_id = $1")
            .bind(account_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(decode)
            .collect::<Result<Vec<_>, _>>()?;
        v.sort_by(|a, b| a.project_slug.cmp(&b.project_slug));
        Ok(v)
    }
}
