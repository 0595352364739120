//! Indicator definitions and their versions, the fiches' impact sentences, and the
//! mapping of project indicators onto the programme taxonomy.

use super::{refuse, Actor, ImpactRefusal};
use crate::codec::{from_json, json, u32_of};
use crate::{Store, StoreError};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::{BTreeMap, BTreeSet};
use territoires_domain::audit::AuditDraft;
use territoires_domain::impact::catalogue::{Catalogue, Impact, ImpactOutcome, Mapping};
use territoires_domain::impact::taxonomy::ProgrammeIndicator;
use territoires_domain::impact::Indicator;

/// One version of an indicator's definition, with who changed it, when and why.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorVersion {
    /// The definition; `indicator.version` is this version's number, from 1.
    pub indicator: Indicator,
    /// When (RFC 3339, UTC).
    pub changed_at: String,
    /// By whom (`account:<id>`, `cli:<user>`).
    pub changed_by: String,
    /// Why, in French (« import » for a catalogue import, « re-baselining 2024 »…).
    pub reason: String,
}

/// What [`Store::replace_catalogue`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Codes of the indicators created (version 1).
    pub inserted: Vec<String>,
    /// Codes of the indicators whose definition changed (a new version, reason « import »).
    pub new_versions: Vec<String>,
    /// How many indicators were already stored as given.
    pub unchanged: usize,
    /// True when the impact sentences were replaced (they differed).
    pub statements_changed: bool,
    /// True when the mappings were replaced (they differed).
    pub mappings_changed: bool,
}

impl ImportSummary {
    /// True when anything was written.
    pub fn changed(&self) -> bool {
        !self.inserted.is_empty() || !self.new_versions.is_empty() || self.statements_changed || self.mappings_changed
    }
}

const SELECT_CURRENT: &str =
    "SELECT v.code, v.version, v.definition, v.changed_at, v.changed_by, v.reason FROM indicators i JOIN indicator_versions v ON v.code = i.code AND v.version = i.current_version";

fn decode_version(r: &AnyRow) -> Result<IndicatorVersion, StoreError> {
    let code: String = r.try_get("code")?;
    let version = u32_of(r.try_get("version")?, &format!("indicator_versions {code}: version"))?;
    let mut indicator: Indicator = from_json(
        &r.try_get::<String, _>("definition")?,
        &format!("indicator_versions {code} v{version}"),
    )?;
    indicator.version = version;
    Ok(IndicatorVersion {
        indicator,
        changed_at: r.try_get("changed_at")?,
        changed_by: r.try_get("changed_by")?,
        reason: r.try_get("reason")?,
    })
}

/// The definition in force of `code`, read in `tx`, with its stored JSON text.
async fn current_in(tx: &mut Transaction<'_, Any>, code: &str) -> Result<Option<(Indicator, String)>, StoreError> {
    sqlx::query(&format!("{SELECT_CURRENT} WHERE i.code = $1"))
        .bind(code.to_owned())
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| Ok((decode_version(&r)?.indicator, r.try_get("definition")?)))
        .transpose()
}

/// Inserts version `indicator.version` of its definition and points the indicator at it
/// (creating the indicator row for version 1).
async fn write_version(tx: &mut Transaction<'_, Any>, indicator: &Indicator, at: &str, by: &str, reason: &str) -> Result<(), StoreError> {
    let version = i64::from(indicator.version);
    if indicator.version == 1 {
        sqlx::query("INSERT INTO indicators (code, project_slug, current_version) VALUES ($1, $2, $3)")
            .bind(indicator.code.clone())
            .bind(indicator.project.clone())
            .bind(version)
            .execute(&mut **tx)
            .await?;
    } else {
        sqlx::query("UPDATE indicators SET current_version = $2 WHERE code = $1")
            .bind(indicator.code.clone())
            .bind(version)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO indicator_versions (code, version, definition, changed_at, changed_by, reason) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(indicator.code.clone())
    .bind(version)
    .bind(json(indicator))
    .bind(at.to_owned())
    .bind(by.to_owned())
    .bind(reason.to_owned())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// `new` as the next version after `old` (stored as `old_json`), or `None` when nothing
/// but the version differs. The comparison is on the JSON text, which serialising the same
/// value always reproduces (a parsed float could differ in its last bit). Errors: the
/// project would change (measurements carry it).
fn next_version(old: &Indicator, old_json: &str, new: &Indicator) -> Result<Option<Indicator>, ImpactRefusal> {
    if old.project != new.project {
        return Err(ImpactRefusal::Field {
            field: "project",
            why: format!("l'indicateur « {} » ne peut pas changer de projet", old.code),
        });
    }
    let mut next = new.clone();
    next.version = old.version;
    if json(&next) == old_json {
        return Ok(None);
    }
    next.version = old.version + 1;
    Ok(Some(next))
}

/// The reason recorded on versions written by [`Store::replace_catalogue`]; every other
/// reason marks a version made on the platform ([`Store::update_indicator`], which refuses
/// this reason so the two never mix).
const IMPORT_REASON: &str = "import";

/// True when the baseline in force of `code` was set on the platform: some version made
/// by [`Store::update_indicator`] carries it, with no version since changing it (the
/// latest version, or the imports after it that kept its baseline).
async fn platform_baseline(tx: &mut Transaction<'_, Any>, code: &str) -> Result<bool, StoreError> {
    let rows = sqlx::query(
        "SELECT code, version, definition, changed_at, changed_by, reason FROM indicator_versions WHERE code = $1 ORDER BY version DESC",
    )
    .bind(code.to_owned())
    .fetch_all(&mut **tx)
    .await?;
    let versions = rows.iter().map(decode_version).collect::<Result<Vec<_>, _>>()?;
    let Some(current) = versions.first() else {
        return Ok(false);
    };
    Ok(versions
        .iter()
        .take_while(|v| v.indicator.baseline == current.indicator.baseline)
        .any(|v| v.reason != IMPORT_REASON))
}

fn check_definition(indicator: &Indicator) -> Result<(), StoreError> {
    indicator.validate().or_else(|source| {
        refuse(ImpactRefusal::Definition {
            code: indicator.code.clone(),
            source,
        })
    })
}

async fn load_statements(tx: &mut Transaction<'_, Any>) -> Result<Vec<Impact>, StoreError> {
    let rows = sqlx::query("SELECT project_slug, position, sentence, outcome, reason, indicators FROM impact_statements")
        .fetch_all(&mut **tx)
        .await?;
    // Sorted here, not by SQL: PostgreSQL's collation may order slugs differently.
    Ok(sorted_statements(
        &rows.iter().map(decode_statement).collect::<Result<Vec<_>, _>>()?,
    ))
}

fn decode_statement(r: &AnyRow) -> Result<Impact, StoreError> {
    let project: String = r.try_get("project_slug")?;
    let position = u32_of(r.try_get("position")?, "impact_statements: position")?;
    let what = format!("impact_statements {project} {position}");
    let outcome = match r.try_get::<String, _>("outcome")?.as_str() {
        "structured" => ImpactOutcome::Structured {
            indicators: from_json(&r.try_get::<String, _>("indicators")?, &what)?,
        },
        "qualitative" => ImpactOutcome::Qualitative {
            reason: r.try_get::<Option<String>, _>("reason")?.unwrap_or_default(),
        },
        other => return Err(StoreError::Invalid(format!("{what}: outcome {other:?}"))),
    };
    Ok(Impact {
        project,
        position,
        sentence: r.try_get("sentence")?,
        outcome,
    })
}

/// Sort key of statements as stored (by project, then position).
fn sorted_statements(impacts: &[Impact]) -> Vec<Impact> {
    let mut v = impacts.to_vec();
    v.sort_by(|a, b| (&a.project, a.position).cmp(&(&b.project, b.position)));
    v
}

/// Checks a catalogue before anything is written: coherent definitions, unique codes,
/// sentences and mappings naming known indicators, programme indicators of the taxonomy
/// whose unit the project indicator converts into.
fn check_catalogue(catalogue: &Catalogue, stored: &BTreeSet<String>) -> Result<(), StoreError> {
    let mut codes = BTreeMap::new();
    for i in &catalogue.indicators {
        check_definition(i)?;
        if codes.insert(i.code.as_str(), i).is_some() {
            return refuse(ImpactRefusal::Field {
                field: "code",
                why: format!("l'indicateur « {} » apparaît deux fois", i.code),
            });
        }
    }
    let known = |c: &str| codes.contains_key(c) || stored.contains(c);
    let mut positions = BTreeSet::new();
    for s in &catalogue.impacts {
        if !positions.insert((s.project.as_str(), s.position)) {
            return refuse(ImpactRefusal::Field {
                field: "position",
                why: format!("la phrase n° {} du projet « {} » apparaît deux fois", s.position, s.project),
            });
        }
        if let ImpactOutcome::Structured { indicators } = &s.outcome {
            if let Some(c) = indicators.iter().find(|c| !known(c)) {
                return refuse(ImpactRefusal::UnknownIndicator(c.clone()));
            }
        }
    }
    let mut mapped = BTreeSet::new();
    for m in &catalogue.mappings {
        let Some(indicator) = codes.get(m.indicator.as_str()) else {
            return refuse(ImpactRefusal::UnknownIndicator(m.indicator.clone()));
        };
        if !mapped.insert(m.indicator.as_str()) {
            return refuse(ImpactRefusal::Field {
                field: "mappings",
                why: format!("l'indicateur « {} » est rattaché deux fois", m.indicator),
            });
        }
        let Some(programme) = ProgrammeIndicator::find(&m.programme_indicator) else {
            return refuse(ImpactRefusal::Field {
                field: "programme_indicator",
                why: format!("aucun indicateur du programme n'a le code « {} »", m.programme_indicator),
            });
        };
        if let Err(e) = programme.factor_from(&indicator.unit) {
            return refuse(ImpactRefusal::Field {
                field: "programme_indicator",
                why: format!("« {} » ne se convertit pas vers « {} » : {e}", m.indicator, m.programme_indicator),
            });
        }
    }
    Ok(())
}

impl Store {
    /// Writes `catalogue` in one transaction, on behalf of `actor` (`cli:<user>`,
    /// `account:<id>`): a new indicator gets version 1; one whose definition differs from
    /// its version in force gets a new version with reason « import » (the old versions
    /// stay); an unchanged one is left alone. Indicators absent from the catalogue are kept
    /// (their measurements stay interpretable). Impact sentences and mappings are replaced
    /// when they differ. One `impact.catalogue` audit entry summarises the changes, only
    /// when something changed: importing the same catalogue twice writes nothing.
    ///
    /// Baselines set on the platform win over the file: when the version in force of an
    /// indicator was made by [`Store::update_indicator`] (a re-baselining by a programme
    /// manager), or by an import that kept such a baseline, the import keeps the stored
    /// baseline and applies the file's other fields; if only the baseline differed, that
    /// indicator is unchanged (no new version). Re-running the import never reverts a
    /// re-baselining; change a platform baseline on the platform.
    ///
    /// Errors (nothing written): [`StoreError::Impact`] for an incoherent definition, a
    /// duplicate code, a sentence or mapping naming an unknown indicator, an unknown
    /// programme indicator or a unit that does not convert, a change of project.
    pub async fn replace_catalogue(&self, catalogue: &Catalogue, actor: &str) -> Result<ImportSummary, StoreError> {
        let at = crate::audit::now();
        let mut tx = self.begin_write().await?;
        let stored: BTreeSet<String> = sqlx::query("SELECT code FROM indicators")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<_, _>>()?;
        check_catalogue(catalogue, &stored)?;
        let mut summary = ImportSummary::default();
        for indicator in &catalogue.indicators {
            match current_in(&mut tx, &indicator.code).await? {
                None => {
                    let mut first = indicator.clone();
                    first.version = 1;
                    write_version(&mut tx, &first, &at, actor, IMPORT_REASON).await?;
                    summary.inserted.push(first.code);
                }
                Some((old, old_json)) => {
                    let mut incoming = indicator.clone();
                    if incoming.baseline != old.baseline && platform_baseline(&mut tx, &old.code).await? {
                        incoming.baseline = old.baseline.clone();
                    }
                    match next_version(&old, &old_json, &incoming)? {
                        None => summary.unchanged += 1,
                        Some(next) => {
                            write_version(&mut tx, &next, &at, actor, IMPORT_REASON).await?;
                            summary.new_versions.push(next.code);
                        }
                    }
                }
            }
        }
        let statements = sorted_statements(&catalogue.impacts);
        if load_statements(&mut tx).await? != statements {
            summary.statements_changed = true;
            sqlx::query("DELETE FROM impact_statements").execute(&mut *tx).await?;
            for s in &statements {
                let (outcome, reason, indicators) = match &s.outcome {
                    ImpactOutcome::Structured { indicators } => ("structured", None, json(indicators)),
                    ImpactOutcome::Qualitative { reason } => ("qualitative", Some(reason.clone()), "[]".to_owned()),
                };
                sqlx::query("INSERT INTO impact_statements (project_slug, position, sentence, outcome, reason, indicators) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(s.project.clone())
                    .bind(i64::from(s.position))
                    .bind(s.sentence.clone())
                    .bind(outcome)
                    .bind(reason)
                    .bind(indicators)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let mut mappings = catalogue.mappings.clone();
        mappings.sort_by(|a, b| a.indicator.cmp(&b.indicator));
        if mappings_in(&mut tx).await? != mappings {
            summary.mappings_changed = true;
            sqlx::query("DELETE FROM indicator_mappings").execute(&mut *tx).await?;
            for m in &mappings {
                sqlx::query("INSERT INTO indicator_mappings (indicator_code, programme_indicator) VALUES ($1, $2)")
                    .bind(m.indicator.clone())
                    .bind(m.programme_indicator.clone())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        if summary.changed() {
            let entry = AuditDraft::new(
                at,
                actor.to_owned(),
                "impact.catalogue",
                "impact-catalogue".to_owned(),
                serde_json::Value::Null,
                json!({
                    "inserted": summary.inserted,
                    "new_versions": summary.new_versions,
                    "unchanged": summary.unchanged,
                    "statements": if summary.statements_changed { statements.len() as i64 } else { -1 },
                    "mappings": if summary.mappings_changed { mappings.len() as i64 } else { -1 },
                }),
            )?;
            crate::audit::append(&mut tx, entry).await?;
        }
        tx.commit().await?;
        Ok(summary)
    }

    /// Makes `indicator` the new version of its definition (a re-baselining, a clarified
    /// definition, a new milestone) for `reason`, on behalf of `actor`, and records
    /// `indicator.version` on `indicator:<code>`. Earlier versions, and the measurements
    /// reported under them, stay as they were. `indicator.version` is ignored (the next
    /// number is taken). Returns the new definition.
    ///
    /// Errors (nothing written): [`ImpactRefusal::UnknownIndicator`]; a blank reason or « import » (reserved for catalogue imports), an
    /// incoherent definition, a change of project, or nothing changed
    /// ([`ImpactRefusal::Field`] / [`ImpactRefusal::Definition`]).
    pub async fn update_indicator(&self, code: &str, indicator: Indicator, actor: &Actor, reason: &str) -> Result<Indicator, StoreError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return refuse(ImpactRefusal::Field {
                field: "motif",
                why: "obligatoire pour changer une définition ou une base de référence".into(),
            });
        }
        if reason.eq_ignore_ascii_case(IMPORT_REASON) {
            return refuse(ImpactRefusal::Field {
                field: "motif",
                why: format!("« {IMPORT_REASON} » est réservé aux imports du catalogue : dites pourquoi la définition change"),
            });
        }
        if indicator.code != code {
            return refuse(ImpactRefusal::Field {
                field: "code",
                why: format!("« {} » au lieu de « {code} » : un indicateur ne change pas de code", indicator.code),
            });
        }
        check_definition(&indicator)?;
        let at = crate::audit::now();
        let mut tx = self.begin_write().await?;
        let Some((old, old_json)) = current_in(&mut tx, code).await? else {
            return refuse(ImpactRefusal::UnknownIndicator(code.to_owned()));
        };
        let Some(next) = next_version(&old, &old_json, &indicator)? else {
            return refuse(ImpactRefusal::Field {
                field: "définition",
                why: "rien n'a changé par rapport à la version en vigueur".into(),
            });
        };
        let actor_name = actor.audit_name();
        write_version(&mut tx, &next, &at, &actor_name, reason).await?;
        let entry = AuditDraft::new(
            at,
            actor_name,
            "indicator.version",
            format!("indicator:{code}"),
            json!({ "version": old.version }),
            json!({ "version": next.version, "reason": reason }),
        )?;
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(next)
    }

    /// The definitions in force, by code: every indicator (`None`) or those of one project.
    pub async fn indicators(&self, project: Option<&str>) -> Result<Vec<Indicator>, StoreError> {
        let rows = match project {
            None => {
                sqlx::query(&format!("{SELECT_CURRENT} ORDER BY v.code"))
                    .fetch_all(self.pool())
                    .await?
            }
            Some(p) => {
                sqlx::query(&format!("{SELECT_CURRENT} WHERE i.project_slug = $1 ORDER BY v.code"))
                    .bind(p.to_owned())
                    .fetch_all(self.pool())
                    .await?
            }
        };
        rows.iter().map(|r| decode_version(r).map(|v| v.indicator)).collect()
    }

    /// The definition in force of `code`, or `None`.
    pub async fn indicator(&self, code: &str) -> Result<Option<Indicator>, StoreError> {
        sqlx::query(&format!("{SELECT_CURRENT} WHERE i.code = $1"))
            .bind(code.to_owned())
            .fetch_optional(self.pool())
            .await?
            .map(|r| decode_version(&r).map(|v| v.indicator))
            .transpose()
    }

    /// Every version of `code`'s definition, oldest first (empty for an unknown code).
    pub async fn indicator_versions(&self, code: &str) -> Result<Vec<IndicatorVersion>, StoreError> {
        sqlx::query(
            "SELECT code, version, definition, changed_at, changed_by, reason FROM indicator_versions WHERE code = $1 ORDER BY version",
        )
        .bind(code.to_owned())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(decode_version)
        .collect()
    }

    /// The impact sentences, by project and position: all (`None`) or one project's.
    pub async fn impact_statements(&self, project: Option<&str>) -> Result<Vec<Impact>, StoreError> {
        const SELECT: &str = "SELECT project_slug, position, sentence, outcome, reason, indicators FROM impact_statements";
        let rows = match project {
            None => {
                sqlx::query(&format!("{SELECT} ORDER BY project_slug, position"))
                    .fetch_all(self.pool())
                    .await?
            }
            Some(p) => {
                sqlx::query(&format!("{SELECT} WHERE project_slug = $1 ORDER BY position"))
                    .bind(p.to_owned())
                    .fetch_all(self.pool())
                    .await?
            }
        };
        rows.iter().map(decode_statement).collect()
    }

    /// Every mapping of a project indicator onto a programme indicator, by indicator code.
    pub async fn mappings(&self) -> Result<Vec<Mapping>, StoreError> {
        let mut tx = self.pool().begin().await?;
        let m = mappings_in(&mut tx).await?;
        tx.commit().await?;
        Ok(m)
    }
}

async fn mappings_in(tx: &mut Transaction<'_, Any>) -> Result<Vec<Mapping>, StoreError> {
    let mut mappings = sqlx::query("SELECT indicator_code, programme_indicator FROM indicator_mappings")
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| {
            Ok(Mapping {
                indicator: r.try_get("indicator_code")?,
                programme_indicator: r.try_get("programme_indicator")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    // Sorted here, not by SQL: PostgreSQL's collation may order codes differently.
    mappings.sort_by(|a, b| a.indicator.cmp(&b.indicator));
    Ok(mappings)
}
