//! Partner lists of applications and experts' declarations (migration
//! `0009_experts_scoring.sql`): what [`territoires_domain::conflicts::has_conflict`] is
//! asked about. Every write goes with its audit entry in one transaction.
//!
//! The store decides nothing: whether an expert is in conflict is the domain's answer,
//! asked by the web layer with [`Store::expert_profile`] and [`Store::application_parties`].

use crate::accounts::Account;
use crate::applications::Application;
use crate::{Store, StoreError};
use serde_json::{json, Value};
use sqlx::{Any, Row, Transaction};
use territoires_domain::application::{ApplicationId, ApplicationStatus};
use territoires_domain::audit::AuditDraft;
use territoires_domain::conflicts::{ApplicationParties, ExpertProfile, OrganisationKey, Party};
use territoires_domain::org_id::Rna;
use territoires_domain::partners::{editable_in, Partner, PartnerRole};
use territoires_domain::siren::Siren;

/// An organisation an expert declared: a name, and its SIREN when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpertOrganisation {
    /// Its name (non-blank).
    pub name: String,
    /// Its SIREN, when the expert gave it.
    pub siren: Option<Siren>,
}

/// A conflict of interest an expert declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredConflict {
    /// The application.
    pub application: ApplicationId,
    /// Its ground, in the expert's words.
    pub ground: String,
    /// When it was declared (RFC 3339, UTC).
    pub declared_at: String,
}

pub(crate) fn actor_of(account: &Account) -> String {
    format!("account:{}", account.id)
}

fn siren_of_column(raw: Option<String>, what: &str) -> Result<Option<Siren>, StoreError> {
    raw.map(|s| Siren::parse(&s).map_err(|e| StoreError::Invalid(format!("{what}: {e}"))))
        .transpose()
}

fn partners_json(partners: &[Partner]) -> Value {
    Value::Array(
        partners
            .iter()
            .map(|p| {
                let mut entry = json!({"name": p.name, "siren": p.siren.as_ref().map(Siren::as_str), "role": p.role.code()});
                // Only when present, so that entries of lists without RNA keep their shape.
                if let (Some(r), Some(map)) = (&p.rna, entry.as_object_mut()) {
                    map.insert("rna".into(), json!(r.as_str()));
                }
                entry
            })
            .collect(),
    )
}

/// The status of application `id` read inside `tx`. Errors: [`StoreError::NotFound`].
pub(crate) async fn status_in(tx: &mut Transaction<'_, Any>, id: ApplicationId) -> Result<ApplicationStatus, StoreError> {
    let row = sqlx::query("SELECT status FROM applications WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("aucune candidature n'a le numéro {id}")))?;
    let code: String = row.try_get(0)?;
    ApplicationStatus::from_code(&code).ok_or_else(|| StoreError::Invalid(format!("applications id {id}: status {code:?}")))
}

async fn partners_in<'e, E>(executor: E, id: ApplicationId) -> Result<Vec<Partner>, StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let rows = sqlx::query("SELECT name, siren, role, rna FROM application_partners WHERE application_id = $1 ORDER BY position")
        .bind(id.0)
        .fetch_all(executor)
        .await?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("role")?;
            Ok(Partner {
                name: r.try_get("name")?,
                siren: siren_of_column(r.try_get("siren")?, &format!("application_partners of {id}"))?,
                role: PartnerRole::from_code(&role)
                    .ok_or_else(|| StoreError::Invalid(format!("application_partners of {id}: role {role:?}")))?,
                rna: r
                    .try_get::<Option<String>, _>("rna")?
                    .map(|s| Rna::parse(&s).map_err(|e| StoreError::Invalid(format!("application_partners of {id}: {e}"))))
                    .transpose()?,
            })
        })
        .collect()
}

impl Store {
    /// The partner list of application `id`, in order (empty when none was given).
    pub async fn application_partners(&self, id: ApplicationId) -> Result<Vec<Partner>, StoreError> {
        partners_in(self.pool(), id).await
    }

    /// Replaces the partner list of application `id` by `partners` (already validated by
    /// [`territoires_domain::partners::validate`]) and records `application.partners` on
    /// `application:<id>` with the lists before and after, in one transaction.
    ///
    /// Whether `actor` may edit this application (its applicant) is the caller's check;
    /// the status is checked here, inside the transaction. Errors (nothing written):
    /// [`StoreError::NotFound`]; [`StoreError::Refused`] when the application is no
    /// longer a draft nor returned for completion.
    pub async fn set_application_partners(&self, id: ApplicationId, partners: &[Partner], actor: &Account) -> Result<(), StoreError> {
        self.replace_partners(id, partners, actor_of(actor), true).await
    }

    /// [`Store::set_application_partners`] for an import (the command line's
    /// `territoires import partners`, actor `cli:<user>`): the same checks and audit entry.
    /// With `dry_run`, everything is checked (the application's status included) and
    /// nothing is written.
    pub async fn import_application_partners(
        &self,
        id: ApplicationId,
        partners: &[Partner],
        actor: &crate::Actor,
        dry_run: bool,
    ) -> Result<(), StoreError> {
        self.replace_partners(id, partners, actor.audit_name(), !dry_run).await
    }

    async fn replace_partners(&self, id: ApplicationId, partners: &[Partner], actor: String, commit: bool) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let status = status_in(&mut tx, id).await?;
        if !editable_in(status) {
            return Err(StoreError::Refused(format!(
                "la liste des partenaires ne se modifie que sur un brouillon ou une candidature renvoyée pour complément (statut actuel : {})",
                status.label()
            )));
        }
        let before = partners_in(&mut *tx, id).await?;
        sqlx::query("DELETE FROM application_partners WHERE application_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        for (i, p) in partners.iter().enumerate() {
            sqlx::query(
                "INSERT INTO application_partners (application_id, position, name, siren, role, rna) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id.0)
            .bind(i as i64 + 1)
            .bind(p.name.clone())
            .bind(p.siren.as_ref().map(|s| s.as_str().to_owned()))
            .bind(p.role.code().to_owned())
            .bind(p.rna.as_ref().map(|r| r.as_str().to_owned()))
            .execute(&mut *tx)
            .await?;
        }
        let entry = AuditDraft::new(
            crate::audit::now(),
            actor,
            "application.partners",
            format!("application:{id}"),
            json!({ "partners": partners_json(&before) }),
            json!({ "partners": partners_json(partners) }),
        )?;
        if !commit {
            // A dry run: every check and write was made, none is kept.
            tx.rollback().await?;
            return Ok(());
        }
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every organisation taking part in `app`, for conflict checks: the applicant's own
    /// organisation (`accounts.organisation`, by name) first, then the partner list.
    pub async fn application_parties(&self, app: &Application) -> Result<ApplicationParties, StoreError> {
        let mut parties = Vec::new();
        if let Some(org) = self.account_by_id(app.applicant_account_id).await?.and_then(|a| a.organisation) {
            parties.push(Party { siren: None, name: org });
        }
        for p in self.application_partners(app.id).await? {
            parties.push(Party {
                siren: p.siren.map(String::from),
                name: p.name,
            });
        }
        Ok(ApplicationParties {
            application: app.id,
            parties,
        })
    }

    /// The organisations expert `account_id` declared, in order.
    pub async fn expert_organisations(&self, account_id: i64) -> Result<Vec<ExpertOrganisation>, StoreError> {
        let rows = sqlx::query("SELECT name, siren FROM expert_organisations WHERE account_id = $1 ORDER BY position")
            .bind(account_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ExpertOrganisation {
                    name: r.try_get("name")?,
                    siren: siren_of_column(r.try_get("siren")?, &format!("expert_organisations of {account_id}"))?,
                })
            })
            .collect()
    }

    /// The conflicts expert `account_id` declared, by application.
    pub async fn declared_conflicts(&self, account_id: i64) -> Result<Vec<DeclaredConflict>, StoreError> {
        let rows =
            sqlx::query("SELECT application_id, ground, declared_at FROM expert_conflicts WHERE account_id = $1 ORDER BY application_id")
                .bind(account_id)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|r| {
                Ok(DeclaredConflict {
                    application: ApplicationId(r.try_get("application_id")?),
                    ground: r.try_get("ground")?,
                    declared_at: r.try_get("declared_at")?,
                })
            })
            .collect()
    }

    /// What [`territoires_domain::conflicts::has_conflict`] knows of `expert`: the
    /// organisation of their account (by name), each declared organisation (by SIREN
    /// when given, and by name), and their declared conflicts.
    pub async fn expert_profile(&self, expert: &Account) -> Result<ExpertProfile, StoreError> {
        let mut organisations = Vec::new();
        if let Some(org) = &expert.organisation {
            organisations.push(OrganisationKey::Name(org.clone()));
        }
        for o in self.expert_organisations(expert.id).await? {
            if let Some(s) = o.siren {
                organisations.push(OrganisationKey::Siren(s.into()));
            }
            organisations.push(OrganisationKey::Name(o.name));
        }
        let declared_conflicts = self
            .declared_conflicts(expert.id)
            .await?
            .into_iter()
            .map(|c| c.application)
            .collect();
        Ok(ExpertProfile {
            organisations,
            declared_conflicts,
        })
    }

    /// Replaces the organisations `expert` declared by `organisations` (names non-blank:
    /// the caller's check) and records `expert.organisations` on `account:<id>` with the
    /// lists before and after, in one transaction.
    pub async fn set_expert_organisations(&self, expert: &Account, organisations: &[ExpertOrganisation]) -> Result<(), StoreError> {
        let before = self.expert_organisations(expert.id).await?;
        let list = |l: &[ExpertOrganisation]| -> Value {
            l.iter()
                .map(|o| json!({"name": o.name, "siren": o.siren.as_ref().map(Siren::as_str)}))
                .collect()
        };
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM expert_organisations WHERE account_id = $1")
            .bind(expert.id)
            .execute(&mut *tx)
            .await?;
        for (i, o) in organisations.iter().enumerate() {
            sqlx::query("INSERT INTO expert_organisations (account_id, position, name, siren) VALUES ($1, $2, $3, $4)")
                .bind(expert.id)
                .bind(i as i64 + 1)
                .bind(o.name.clone())
                .bind(o.siren.as_ref().map(|s| s.as_str().to_owned()))
                .execute(&mut *tx)
                .await?;
        }
        let entry = AuditDraft::new(
            crate::audit::now(),
            actor_of(expert),
            "expert.organisations",
            format!("account:{}", expert.id),
            json!({ "organisations": list(&before) }),
            json!({ "organisations": list(organisations) }),
        )?;
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records that `expert` declares a conflict of interest with application `id` on
    /// `ground` (non-blank: the caller's check), with `expert.conflict` on
    /// `application:<id>` in the audit trail, in one transaction. A declaration is final
    /// (from then on the expert no longer sees the application, so cannot take it back);
    /// declaring again changes nothing and writes nothing. Errors: [`StoreError::NotFound`].
    pub async fn declare_conflict(&self, expert: &Account, id: ApplicationId, ground: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        status_in(&mut tx, id).await?;
        let already = sqlx::query("SELECT COUNT(*) FROM expert_conflicts WHERE account_id = $1 AND application_id = $2")
            .bind(expert.id)
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await?
            .try_get::<i64, _>(0)?;
        if already > 0 {
            return Ok(());
        }
        let now = crate::audit::now();
        sqlx::query("INSERT INTO expert_conflicts (account_id, application_id, ground, declared_at) VALUES ($1, $2, $3, $4)")
            .bind(expert.id)
            .bind(id.0)
            .bind(ground.to_owned())
            .bind(now.clone())
            .execute(&mut *tx)
            .await?;
        let entry = AuditDraft::new(
            now,
            actor_of(expert),
            "expert.conflict",
            format!("application:{id}"),
            Value::Null,
            json!({ "expert": expert.id, "ground": ground }),
        )?;
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(())
    }
}
