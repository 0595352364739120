//! Storing and loading the registry: a programme and its projects.

use crate::codec::{code, date, from_code, from_date, from_instant, from_json, instant, json, u32_of};
use crate::{Store, StoreError};
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;
use territoires_domain::audit::AuditDraft;
use territoires_domain::programme::{Call, Envelope, HeadlineClaim, Source};
use territoires_domain::project::FicheSource;
use territoires_domain::vocabulary::{Region, TerritoryKind, Theme};
use territoires_domain::{Money, Programme, Project, Registry};

/// What to do with stored projects of the programme that the imported data does not
/// contain (a fiche renamed or removed from the press kit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbsentProjects {
    /// Write nothing and fail with [`StoreError::AbsentFromSource`] listing them.
    Refuse,
    /// Delete them: the imported data is the whole registry.
    Remove,
}

/// What an import did. An import of data already stored reports every project unchanged
/// and writes nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Projects created.
    pub inserted: u32,
    /// Projects whose stored fields differed and were replaced.
    pub updated: u32,
    /// Projects already stored exactly as imported.
    pub unchanged: u32,
    /// Stored projects absent from the imported data, deleted under
    /// [`AbsentProjects::Remove`].
    pub removed: Vec<String>,
    /// Whether the programme record (envelopes, calls, claims) was created or changed.
    pub programme_changed: bool,
}

impl ImportReport {
    /// True when the import wrote nothing.
    pub fn is_noop(&self) -> bool {
        self.inserted == 0 && self.updated == 0 && self.removed.is_empty() && !self.programme_changed
    }
}

const PROJECT_COLUMNS: &str = "slug, programme_slug, position, name, heading, toc_title, region_raw, lead, lead_detail, partners, local_authorities, themes_raw, territory_kinds_raw, population, planned_budget_cents, subsidy_ceiling_cents, investment_potential_cents, ambition, strategic_objectives, impacts_2030, source_line, source_page, call_slug";

impl Store {
    /// Imports a programme and its projects in one transaction: everything is written or
    /// nothing is. Idempotent: records equal to the stored ones are not touched, so a
    /// second import of the same data writes nothing (see [`ImportReport`]).
    ///
    /// Projects are keyed by slug; a changed project is replaced whole; stored projects
    /// absent from `projects` are handled as `absent` says.
    ///
    /// An import that changes something appends one `registry.import` entry to the audit
    /// trail in the same transaction, by `actor` (`cli:<user>`, an account id, `system`),
    /// on `programme:<slug>`: `before` the stored programme's project count and source
    /// file (`null` when it was not stored), `after` the new ones with the counts and
    /// slugs inserted, updated and removed. A no-op import appends nothing.
    ///
    /// Errors (the transaction is rolled back, the database is as it was):
    /// [`StoreError::AbsentFromSource`], [`StoreError::Database`] (including a concurrent
    /// audit append that won the same `seq`).
    pub async fn import(
        &self,
        programme: &Programme,
        projects: &[Project],
        absent: AbsentProjects,
        actor: &str,
    ) -> Result<ImportReport, StoreError> {
        let mut tx = self.begin_write().await?; // checks then writes, and appends to the audit chain
        let mut report = ImportReport::default();
        let stored = load_programmes(&mut tx).await?;
        let stored_programme = stored.into_iter().find(|p| p.slug == programme.slug);
        if stored_programme.as_ref() != Some(programme) {
            report.programme_changed = true;
            write_programme(&mut tx, programme, stored_programme.is_some()).await?;
        }
        // Laureates created from an application are not the press kit's: never replaced
        // nor removed by an import (issue 3).
        let from_applications = crate::laureates::origin_slugs(&mut tx).await?;
        if let Some(p) = projects.iter().find(|p| from_applications.contains(&p.slug)) {
            return Err(StoreError::Conflict(format!(
                "the imported project {:?} has the slug of a laureate created from an application",
                p.slug
            )));
        }
        let existing: HashMap<String, Project> = load_projects(&mut tx, &programme.slug)
            .await?
            .into_iter()
            .map(|(_, p)| (p.slug.clone(), p))
            .filter(|(slug, _)| !from_applications.contains(slug))
            .collect();
        let stored_positions = load_positions(&mut tx, &programme.slug).await?;
        let (mut inserted, mut updated) = (Vec::new(), Vec::new());
        for (position, project) in projects.iter().enumerate() {
            let position = position as i64;
            match existing.get(&project.slug) {
                Some(old) if old == project && stored_positions.get(&project.slug) == Some(&position) => report.unchanged += 1,
                Some(_) => {
                    delete_project(&mut tx, &project.slug).await?;
                    insert_project(&mut tx, &programme.slug, position, project).await?;
                    report.updated += 1;
                    updated.push(project.slug.clone());
                }
                None => {
                    insert_project(&mut tx, &programme.slug, position, project).await?;
                    report.inserted += 1;
                    inserted.push(project.slug.clone());
                }
            }
        }
        let mut missing: Vec<String> = existing
            .keys()
            .filter(|s| !projects.iter().any(|p| &p.slug == *s))
            .cloned()
            .collect();
        missing.sort();
        if !missing.is_empty() {
            match absent {
                // Dropping `tx` rolls back.
                AbsentProjects::Refuse => return Err(StoreError::AbsentFromSource(missing)),
                AbsentProjects::Remove => {
                    for slug in &missing {
                        delete_project(&mut tx, slug).await?;
                    }
                    report.removed = missing;
                }
            }
        }
        if !report.is_noop() {
            let now = crate::audit::now();
            sqlx::query("INSERT INTO imports (source_file, imported_at, inserted, updated, unchanged) VALUES ($1, $2, $3, $4, $5)")
                .bind(programme.source.file.clone())
                .bind(now.clone())
                .bind(report.inserted as i64)
                .bind(report.updated as i64)
                .bind(report.unchanged as i64)
                .execute(&mut *tx)
                .await?;
            let before = stored_programme.as_ref().map(|p| {
                serde_json::json!({
                    "programme": p.slug,
                    "projects": existing.len(),
                    "source_file": p.source.file,
                })
            });
            let after = serde_json::json!({
                "programme": programme.slug,
                "projects": projects.len(),
                "source_file": programme.source.file,
                "programme_changed": report.programme_changed,
                "counts": {
                    "inserted": report.inserted,
                    "updated": report.updated,
                    "removed": report.removed.len(),
                    "unchanged": report.unchanged,
                },
                "slugs": { "inserted": inserted, "updated": updated, "removed": report.removed },
            });
            let draft = AuditDraft::new(
                now,
                actor,
                "registry.import",
                format!("programme:{}", programme.slug),
                before.unwrap_or(serde_json::Value::Null),
                after,
            )?;
            crate::audit::append(&mut tx, draft).await?;
        }
        tx.commit().await?;
        Ok(report)
    }

    /// Loads the registry of the stored programme with its projects in document order,
    /// and derives its dashboard and checks. `None` when nothing was imported yet.
    /// With several programmes stored, the first by slug is loaded.
    pub async fn load_registry(&self) -> Result<Option<Registry>, StoreError> {
        let mut tx = self.pool().begin().await?;
        let Some(programme) = load_programmes(&mut tx).await?.into_iter().next() else {
            return Ok(None);
        };
        let origins = crate::laureates::origins(&mut tx).await?;
        let (mut press_kit, mut laureates) = (Vec::new(), Vec::new());
        for (_, p) in load_projects(&mut tx, &programme.slug).await? {
            match origins.iter().find(|o| o.slug == p.slug) {
                Some(o) => laureates.push((p, o.clone())),
                None => press_kit.push(p),
            }
        }
        tx.commit().await?;
        // The dashboard and the checks stay the press kit's figures (issue 3: its 24
        // laureates); laureates created from applications are listed after them.
        Ok(Some(Registry::new(programme, press_kit).with_laureates(laureates)))
    }

    /// Number of imports that changed something.
    pub async fn import_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query("SELECT COUNT(*) FROM imports")
            .fetch_one(self.pool())
            .await?
            .try_get::<i64, _>(0)?)
    }
}

async fn write_programme(tx: &mut Transaction<'_, Any>, p: &Programme, exists: bool) -> Result<(), StoreError> {
    if exists {
        for table in ["envelopes", "calls", "headline_claims"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE programme_slug = $1"))
                .bind(p.slug.clone())
                .execute(&mut **tx)
                .await?;
        }
    }
    // One statement for both cases: SQLite (3.24+) and PostgreSQL share this upsert.
    sqlx::query(
        "INSERT INTO programmes (slug, name, parent_programme, operator, total_amount_cents, duration_years, target_themes, source_title, source_file, source_published_on, source_licence) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name, parent_programme = excluded.parent_programme, operator = excluded.operator, \
         total_amount_cents = excluded.total_amount_cents, duration_years = excluded.duration_years, target_themes = excluded.target_themes, \
         source_title = excluded.source_title, source_file = excluded.source_file, source_published_on = excluded.source_published_on, \
         source_licence = excluded.source_licence",
    )
    .bind(p.slug.clone())
    .bind(p.name.clone())
    .bind(p.parent_programme.clone())
    .bind(p.operator.clone())
    .bind(p.total_amount.cents())
    .bind(p.duration_years as i64)
    .bind(json(&p.target_themes))
    .bind(p.source.title.clone())
    .bind(p.source.file.clone())
    .bind(date(p.source.published_on))
    .bind(p.source.licence.clone())
    .execute(&mut **tx)
    .await?;
    for (i, e) in p.envelopes.iter().enumerate() {
        sqlx::query("INSERT INTO envelopes (programme_slug, position, kind, cap_cents) VALUES ($1, $2, $3, $4)")
            .bind(p.slug.clone())
            .bind(i as i64)
            .bind(code(&e.kind))
            .bind(e.cap.cents())
            .execute(&mut **tx)
            .await?;
    }
    for (i, c) in p.calls.iter().enumerate() {
        sqlx::query("INSERT INTO calls (programme_slug, position, kind, year, opened_on, applications, selected, slug, title, closes_at, time_zone, themes, eligibility) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
            .bind(p.slug.clone())
            .bind(i as i64)
            .bind(code(&c.kind))
            .bind(c.year as i64)
            .bind(c.opened_on.map(date))
            .bind(c.applications as i64)
            .bind(c.selected as i64)
            .bind(c.slug.clone())
            .bind(c.title.clone())
            .bind(c.closes_at.map(instant))
            .bind(c.time_zone.clone())
            .bind(json(&c.themes))
            .bind(json(&c.eligibility))
            .execute(&mut **tx)
            .await?;
    }
    for (i, c) in p.headline_claims.iter().enumerate() {
        sqlx::query("INSERT INTO headline_claims (programme_slug, position, subject, value, raw, line) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(p.slug.clone())
            .bind(i as i64)
            .bind(json(&c.subject))
            .bind(c.value)
            .bind(c.raw.clone())
            .bind(c.line as i64)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn load_programmes(tx: &mut Transaction<'_, Any>) -> Result<Vec<Programme>, StoreError> {
    let rows = sqlx::query("SELECT slug, name, parent_programme, operator, total_amount_cents, duration_years, target_themes, source_title, source_file, source_published_on, source_licence FROM programmes ORDER BY slug")
        .fetch_all(&mut **tx)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let slug: String = r.try_get("slug")?;
        let envelopes = sqlx::query("SELECT kind, cap_cents FROM envelopes WHERE programme_slug = $1 ORDER BY position")
            .bind(slug.clone())
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .map(|e| {
                Ok(Envelope {
                    kind: from_code(&e.try_get::<String, _>("kind")?, "envelope kind")?,
                    cap: Money(e.try_get("cap_cents")?),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let calls =
            sqlx::query("SELECT kind, year, opened_on, applications, selected, slug, title, closes_at, time_zone, themes, eligibility FROM calls WHERE programme_slug = $1 ORDER BY position")
                .bind(slug.clone())
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(|c| {
                    let slug: String = c.try_get("slug")?;
                    let what = |field: &str| format!("call {slug}: {field}");
                    Ok(Call {
                        title: c.try_get("title")?,
                        closes_at: c
                            .try_get::<Option<String>, _>("closes_at")?
                            .map(|t| from_instant(&t, &what("closes_at")))
                            .transpose()?,
                        time_zone: c.try_get("time_zone")?,
                        themes: from_json(&c.try_get::<String, _>("themes")?, &what("themes"))?,
                        eligibility: from_json(&c.try_get::<String, _>("eligibility")?, &what("eligibility"))?,
                        kind: from_code(&c.try_get::<String, _>("kind")?, "call kind")?,
                        year: i32::try_from(c.try_get::<i64, _>("year")?)
                            .map_err(|_| StoreError::Invalid("call year out of range".into()))?,
                        opened_on: c
                            .try_get::<Option<String>, _>("opened_on")?
                            .map(|d| from_date(&d, "call opened_on"))
                            .transpose()?,
                        applications: u32_of(c.try_get("applications")?, "call applications")?,
                        selected: u32_of(c.try_get("selected")?, "call selected")?,
                        slug,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
        let headline_claims =
            sqlx::query("SELECT subject, value, raw, line FROM headline_claims WHERE programme_slug = $1 ORDER BY position")
                .bind(slug.clone())
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(|c| {
                    Ok(HeadlineClaim {
                        subject: from_json(&c.try_get::<String, _>("subject")?, "headline claim subject")?,
                        value: c.try_get("value")?,
                        raw: c.try_get("raw")?,
                        line: u32_of(c.try_get("line")?, "headline claim line")?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
        out.push(Programme {
            name: r.try_get("name")?,
            parent_programme: r.try_get("parent_programme")?,
            operator: r.try_get("operator")?,
            total_amount: Money(r.try_get("total_amount_cents")?),
            duration_years: u32_of(r.try_get("duration_years")?, "programme duration_years")?,
            envelopes,
            calls,
            target_themes: from_json(&r.try_get::<String, _>("target_themes")?, "programme target_themes")?,
            headline_claims,
            source: Source {
                title: r.try_get("source_title")?,
                file: r.try_get("source_file")?,
                published_on: from_date(&r.try_get::<String, _>("source_published_on")?, "programme source_published_on")?,
                licence: r.try_get("source_licence")?,
            },
            slug,
        });
    }
    Ok(out)
}

pub(crate) async fn insert_project(tx: &mut Transaction<'_, Any>, programme: &str, position: i64, p: &Project) -> Result<(), StoreError> {
    sqlx::query(&format!("INSERT INTO projects ({PROJECT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)"))
        .bind(p.slug.clone())
        .bind(programme.to_owned())
        .bind(position)
        .bind(p.name.clone())
        .bind(p.heading.clone())
        .bind(p.toc_title.clone())
        .bind(p.region_raw.clone())
        .bind(p.lead.clone())
        .bind(p.lead_detail.clone())
        .bind(p.partners as i64)
        .bind(p.local_authorities as i64)
        .bind(p.themes_raw.clone())
        .bind(p.territory_kinds_raw.clone())
        .bind(i64::try_from(p.population).map_err(|_| StoreError::Invalid(format!("project {}: population out of range", p.slug)))?)
        .bind(p.planned_budget.map(Money::cents))
        .bind(p.subsidy_ceiling.cents())
        .bind(p.investment_potential.cents())
        .bind(json(&p.ambition))
        .bind(json(&p.strategic_objectives))
        .bind(json(&p.impacts_2030))
        .bind(p.source.line as i64)
        .bind(p.source.page.map(i64::from))
        .bind(p.call.clone())
        .execute(&mut **tx)
        .await?;
    let links: [(&str, &str, Vec<&str>); 3] = [
        ("project_regions", "region_code", p.regions.iter().map(|r| r.code).collect()),
        ("project_themes", "theme", p.themes.iter().map(|t| t.code()).collect()),
        (
            "project_territory_kinds",
            "territory_kind",
            p.territory_kinds.iter().map(|k| k.code()).collect(),
        ),
    ];
    for (table, column, codes) in links {
        for (i, c) in codes.into_iter().enumerate() {
            sqlx::query(&format!(
                "INSERT INTO {table} (project_slug, position, {column}) VALUES ($1, $2, $3)"
            ))
            .bind(p.slug.clone())
            .bind(i as i64)
            .bind(c.to_owned())
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

async fn delete_project(tx: &mut Transaction<'_, Any>, slug: &str) -> Result<(), StoreError> {
    for table in ["project_regions", "project_themes", "project_territory_kinds"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE project_slug = $1"))
            .bind(slug.to_owned())
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("DELETE FROM projects WHERE slug = $1")
        .bind(slug.to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn load_positions(tx: &mut Transaction<'_, Any>, programme: &str) -> Result<HashMap<String, i64>, StoreError> {
    let rows = sqlx::query("SELECT slug, position FROM projects WHERE programme_slug = $1")
        .bind(programme.to_owned())
        .fetch_all(&mut **tx)
        .await?;
    rows.into_iter().map(|r| Ok((r.try_get("slug")?, r.try_get("position")?))).collect()
}

/// Loads a programme's projects in position order, with their vocabulary links; each
/// link table is read once and grouped, not once per project.
async fn load_projects(tx: &mut Transaction<'_, Any>, programme: &str) -> Result<Vec<(i64, Project)>, StoreError> {
    let mut links: HashMap<(&str, String), Vec<String>> = HashMap::new();
    for (table, column) in [
        ("project_regions", "region_code"),
        ("project_themes", "theme"),
        ("project_territory_kinds", "territory_kind"),
    ] {
        let rows = sqlx::query(&format!("SELECT l.project_slug, l.{column} FROM {table} l JOIN projects p ON p.slug = l.project_slug WHERE p.programme_slug = $1 ORDER BY l.project_slug, l.position"))
            .bind(programme.to_owned())
            .fetch_all(&mut **tx)
            .await?;
        for r in rows {
            links.entry((table, r.try_get(0)?)).or_default().push(r.try_get(1)?);
        }
    }
    let rows = sqlx::query(&format!(
        "SELECT {PROJECT_COLUMNS} FROM projects WHERE programme_slug = $1 ORDER BY position"
    ))
    .bind(programme.to_owned())
    .fetch_all(&mut **tx)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let slug: String = r.try_get("slug")?;
        let mut take = |table: &'static str| links.remove(&(table, slug.clone())).unwrap_or_default();
        let regions = take("project_regions")
            .iter()
            .map(|c| Region::from_code(c).ok_or_else(|| StoreError::Invalid(format!("project {slug}: unknown region code {c:?}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let themes = take("project_themes")
            .iter()
            .map(|c| Theme::from_code(c).ok_or_else(|| StoreError::Invalid(format!("project {slug}: unknown theme {c:?}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let territory_kinds = take("project_territory_kinds")
            .iter()
            .map(|c| {
                TerritoryKind::from_code(c).ok_or_else(|| StoreError::Invalid(format!("project {slug}: unknown territory kind {c:?}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let what = |field: &str| format!("project {slug}: {field}");
        let project = Project {
            name: r.try_get("name")?,
            heading: r.try_get("heading")?,
            toc_title: r.try_get("toc_title")?,
            regions,
            region_raw: r.try_get("region_raw")?,
            lead: r.try_get("lead")?,
            lead_detail: r.try_get("lead_detail")?,
            partners: u32_of(r.try_get("partners")?, &what("partners"))?,
            local_authorities: u32_of(r.try_get("local_authorities")?, &what("local_authorities"))?,
            themes,
            themes_raw: r.try_get("themes_raw")?,
            territory_kinds,
            territory_kinds_raw: r.try_get("territory_kinds_raw")?,
            population: u64::try_from(r.try_get::<i64, _>("population")?).map_err(|_| StoreError::Invalid(what("population")))?,
            planned_budget: r.try_get::<Option<i64>, _>("planned_budget_cents")?.map(Money),
            ambition: from_json(&r.try_get::<String, _>("ambition")?, &what("ambition"))?,
            strategic_objectives: from_json(&r.try_get::<String, _>("strategic_objectives")?, &what("strategic_objectives"))?,
            impacts_2030: from_json(&r.try_get::<String, _>("impacts_2030")?, &what("impacts_2030"))?,
            subsidy_ceiling: Money(r.try_get("subsidy_ceiling_cents")?),
            investment_potential: Money(r.try_get("investment_potential_cents")?),
            call: r.try_get("call_slug")?,
            source: FicheSource {
                line: u32_of(r.try_get("source_line")?, &what("source_line"))?,
                page: r
                    .try_get::<Option<i64>, _>("source_page")?
                    .map(|v| u32_of(v, &what("source_page")))
                    .transpose()?,
            },
            slug: slug.clone(),
        };
        out.push((r.try_get("position")?, project));
    }
    Ok(out)
}
