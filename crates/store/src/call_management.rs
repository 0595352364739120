//! Calls managed in the platform and the answers of applications to their form (migration
//! `0007_call_management.sql`): creating, editing (while draft) and publishing a call;
//! reading calls back; saving an applicant's answers; and the two checks the application
//! workflow asks of calls — whether a call accepts new drafts, and whether the required
//! fields are answered before a submission.
//!
//! Platform calls live in their own table, which the press-kit import never touches (it
//! rewrites the programme's rows of `calls`). Every write is one transaction with its
//! audit entry (`call.create`, `call.update`, `call.form`, `call.publish`,
//! `application.answers`), or nothing.

use crate::accounts::Account;
use crate::codec::{code, from_code, from_instant, from_json, instant, json};
use crate::{Store, StoreError};
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use territoires_domain::application::{ApplicationId, ApplicationStatus, TransitionKind};
use territoires_domain::audit::AuditDraft;
use territoires_domain::call::paris_offset;
use territoires_domain::form::{missing_required, Answers};
use territoires_domain::platform_call::{fmt_paris_local, CallDefinition, CallPhase, CallStatus, PlatformCall};
use time::OffsetDateTime;

const COLUMNS: &str = "slug, kind, title, opens_at, closes_at, themes, eligibility, form, status, published_at";

fn decode(r: &AnyRow) -> Result<PlatformCall, StoreError> {
    let slug: String = r.try_get("slug")?;
    let what = |f: &str| format!("platform_calls {slug}: {f}");
    Ok(PlatformCall {
        status: from_code(&r.try_get::<String, _>("status")?, &what("status"))?,
        definition: CallDefinition {
            kind: from_code(&r.try_get::<String, _>("kind")?, &what("kind"))?,
            title: r.try_get("title")?,
            opens_at: from_instant(&r.try_get::<String, _>("opens_at")?, &what("opens_at"))?,
            closes_at: from_instant(&r.try_get::<String, _>("closes_at")?, &what("closes_at"))?,
            themes: from_json(&r.try_get::<String, _>("themes")?, &what("themes"))?,
            eligibility: from_json(&r.try_get::<String, _>("eligibility")?, &what("eligibility"))?,
            form: from_json(&r.try_get::<String, _>("form")?, &what("form"))?,
        },
        published_at: r.try_get("published_at")?,
        slug,
    })
}

/// A summary of a call for the audit trail (field keys as a list: keys chosen by a manager
/// must not become JSON keys the audit guard could mistake for a secret's).
fn summary(c: &PlatformCall) -> Value {
    let d = &c.definition;
    json!({
        "status": code(&c.status),
        "kind": code(&d.kind),
        "title": d.title,
        "opens_at": instant(d.opens_at),
        "closes_at": instant(d.closes_at),
        "themes": d.themes.iter().map(|t| t.code()).collect::<Vec<_>>(),
        "eligibility": d.eligibility,
        "fields": d.form.iter().map(|f| json!([f.key, code(&f.kind), f.required])).collect::<Vec<_>>(),
    })
}

/// Answers as the audit trail records them: `[[key, {"kind", "value"}], …]`.
fn answers_summary(a: &Answers) -> Value {
    Value::Array(a.iter().map(|(k, v)| json!([k, v])).collect())
}

async fn load(tx: &mut Transaction<'_, Any>, slug: &str) -> Result<Option<PlatformCall>, StoreError> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM platform_calls WHERE slug = $1"))
        .bind(slug.to_owned())
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| decode(&r))
        .transpose()
}

fn not_found(slug: &str) -> StoreError {
    StoreError::NotFound(format!(
        "aucun appel n'a l'identifiant « {} »",
        slug.chars().take(80).collect::<String>()
    ))
}

/// `dd/mm/yyyy à hh:mm` in Paris time.
fn paris(t: OffsetDateTime) -> String {
    fmt_paris_local(t.to_offset(paris_offset(t))).replacen(' ', " à ", 1)
}

/// A call as the application workflow sees it.
pub(crate) enum CallRef {
    /// A call of the press kit, with its closing instant when stated.
    Historical {
        /// Its French title.
        title: String,
        /// Closing instant, when the source gives one.
        closes_at: Option<OffsetDateTime>,
    },
    /// A call managed in the platform.
    Platform(Box<PlatformCall>),
}

impl CallRef {
    /// The closing instant, if any.
    pub(crate) fn closes_at(&self) -> Option<OffsetDateTime> {
        match self {
            CallRef::Historical { closes_at, .. } => *closes_at,
            CallRef::Platform(c) => Some(c.definition.closes_at),
        }
    }
}

/// The call `slug`, historical (table `calls`) or managed in the platform. Errors:
/// [`StoreError::NotFound`] when neither has it.
pub(crate) async fn find_call(tx: &mut Transaction<'_, Any>, slug: &str) -> Result<CallRef, StoreError> {
    if let Some(r) = sqlx::query("SELECT title, closes_at FROM calls WHERE slug = $1 ORDER BY position LIMIT 1")
        .bind(slug.to_owned())
        .fetch_optional(&mut **tx)
        .await?
    {
        let closes: Option<String> = r.try_get("closes_at")?;
        return Ok(CallRef::Historical {
            title: r.try_get("title")?,
            closes_at: closes.map(|t| from_instant(&t, &format!("calls {slug}: closes_at"))).transpose()?,
        });
    }
    load(tx, slug)
        .await?
        .map(|c| CallRef::Platform(Box::new(c)))
        .ok_or_else(|| not_found(slug))
}

/// Ok when the call `slug` accepts a new draft at `now` (server clock): a platform call,
/// published, from its opening instant (included) to its closing instant (excluded).
/// Errors: [`StoreError::NotFound`] for an unknown slug or a draft call (its existence is
/// not revealed); [`StoreError::Refused`] with a French message for a historical call (the
/// press kit's calls closed in 2017 and 2019), a call not open yet, or a closed one.
pub(crate) async fn check_accepts_applications(tx: &mut Transaction<'_, Any>, slug: &str, now: OffsetDateTime) -> Result<(), StoreError> {
    match find_call(tx, slug).await? {
        CallRef::Historical { title, .. } => Err(StoreError::Refused(format!(
            "L'appel « {title} » est un appel historique, clos : il n'accepte plus de candidatures."
        ))),
        CallRef::Platform(c) => {
            let d = &c.definition;
            match c.phase(now) {
                CallPhase::Draft => Err(not_found(slug)),
                CallPhase::Open => Ok(()),
                CallPhase::Upcoming => Err(StoreError::Refused(format!(
                    "L'appel « {} » n'est pas encore ouvert : ouverture le {} (heure de Paris).",
                    d.title,
                    paris(d.opens_at)
                ))),
                CallPhase::Closed => Err(StoreError::Refused(format!(
                    "L'appel « {} » est clos depuis le {} (heure de Paris) : il n'accepte plus de candidatures.",
                    d.title,
                    paris(d.closes_at)
                ))),
            }
        }
    }
}

/// Ok unless `kind` is a submission ([`TransitionKind::Submit`] or
/// [`TransitionKind::Resubmit`]) of an application whose call's form has required fields
/// left unanswered. Errors: [`StoreError::Refused`] listing the missing fields' labels, e.g.
/// `« Déposer » impossible : champs obligatoires non remplis : « Budget total », « Résumé »`.
pub(crate) async fn check_answers_complete(
    tx: &mut Transaction<'_, Any>,
    id: ApplicationId,
    call_slug: &str,
    kind: TransitionKind,
) -> Result<(), StoreError> {
    if !matches!(kind, TransitionKind::Submit | TransitionKind::Resubmit) {
        return Ok(());
    }
    let Some(call) = load(tx, call_slug).await? else {
        return Ok(()); // a historical call has no form
    };
    let answers = load_answers(tx, id).await?;
    let missing = missing_required(&call.definition.form, &answers);
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = missing.iter().map(|f| format!("« {} »", f.label)).collect();
    Err(StoreError::Refused(format!(
        "« {} » impossible : champs obligatoires non remplis : {}",
        kind.label(),
        names.join(", ")
    )))
}

async fn load_answers(tx: &mut Transaction<'_, Any>, id: ApplicationId) -> Result<Answers, StoreError> {
    match sqlx::query("SELECT answers FROM application_answers WHERE application_id = $1")
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?
    {
        Some(r) => from_json(&r.try_get::<String, _>("answers")?, &format!("application_answers {id}")),
        None => Ok(Answers::new()),
    }
}

/// Whether a slug is taken by a historical or a platform call.
async fn slug_taken(tx: &mut Transaction<'_, Any>, slug: &str) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query("SELECT (SELECT COUNT(*) FROM calls WHERE slug = $1) + (SELECT COUNT(*) FROM platform_calls WHERE slug = $1)")
        .bind(slug.to_owned())
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
    Ok(n > 0)
}

impl Store {
    /// Creates a draft call from `definition` and records `call.create` by `actor`
    /// (`account:<id>`) on `call:<slug>`, in one transaction. The slug is
    /// [`CallDefinition::slug_base`], followed by `-2`, `-3`… when a call (historical or
    /// platform) already has it. Whether `actor` may manage calls is the caller's check.
    ///
    /// Errors: [`StoreError::Refused`] with the French problems when the definition does
    /// not pass [`CallDefinition::check`] (nothing written); [`StoreError::Database`].
    pub async fn create_call(&self, definition: &CallDefinition, actor: &str) -> Result<PlatformCall, StoreError> {
        definition.check().map_err(|e| StoreError::Refused(e.to_string()))?;
        let now = instant(OffsetDateTime::now_utc());
        let mut tx = self.begin_write().await?;
        let base = definition.slug_base();
        let mut slug = base.clone();
        let mut n = 1;
        while slug_taken(&mut tx, &slug).await? {
            n += 1;
            slug = format!("{base}-{n}");
        }
        let d = definition;
        sqlx::query("INSERT INTO platform_calls (slug, kind, title, opens_at, closes_at, themes, eligibility, form, status, created_at, updated_at, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, NULL)")
            .bind(slug.clone())
            .bind(code(&d.kind))
            .bind(d.title.trim().to_owned())
            .bind(instant(d.opens_at))
            .bind(instant(d.closes_at))
            .bind(json(&d.themes))
            .bind(json(&d.eligibility))
            .bind(json(&d.form))
            .bind(code(&CallStatus::Draft))
            .bind(now.clone())
            .execute(&mut *tx)
            .await?;
        let call = load(&mut tx, &slug).await?.ok_or_else(|| not_found(&slug))?;
        let entry = AuditDraft::new(now, actor, "call.create", format!("call:{slug}"), Value::Null, summary(&call))?;
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(call)
    }

    /// Replaces the whole definition of the draft call `slug` (`call.update`), or only its
    /// form when `form_only` (`call.form`), by `actor`, with the call before and after in
    /// the audit entry. A published call is frozen, its form with it.
    ///
    /// Errors (nothing written): [`StoreError::NotFound`]; [`StoreError::Refused`] when the
    /// call is published or the new definition does not pass [`CallDefinition::check`].
    pub async fn update_call(
        &self,
        slug: &str,
        definition: &CallDefinition,
        form_only: bool,
        actor: &str,
    ) -> Result<PlatformCall, StoreError> {
        let now = instant(OffsetDateTime::now_utc());
        let mut tx = self.begin_write().await?;
        let before = load(&mut tx, slug).await?.ok_or_else(|| not_found(slug))?;
        if before.status != CallStatus::Draft {
            return Err(StoreError::Refused(format!(
                "L'appel « {} » est publié : son contenu et son formulaire sont figés.",
                before.definition.title
            )));
        }
        let d = if form_only {
            CallDefinition {
                form: definition.form.clone(),
                ..before.definition.clone()
            }
        } else {
            definition.clone()
        };
        d.check().map_err(|e| StoreError::Refused(e.to_string()))?;
        let updated = sqlx::query("UPDATE platform_calls SET kind = $2, title = $3, opens_at = $4, closes_at = $5, themes = $6, eligibility = $7, form = $8, updated_at = $9 WHERE slug = $1 AND status = $10")
            .bind(slug.to_owned())
            .bind(code(&d.kind))
            .bind(d.title.trim().to_owned())
            .bind(instant(d.opens_at))
            .bind(instant(d.closes_at))
            .bind(json(&d.themes))
            .bind(json(&d.eligibility))
            .bind(json(&d.form))
            .bind(now.clone())
            .bind(code(&CallStatus::Draft))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if updated != 1 {
            return Err(StoreError::Refused("L'appel a été publié entre-temps : rechargez la page.".into()));
        }
        let after = load(&mut tx, slug).await?.ok_or_else(|| not_found(slug))?;
        let action = if form_only { "call.form" } else { "call.update" };
        let entry = AuditDraft::new(now, actor, action, format!("call:{slug}"), summary(&before), summary(&after))?;
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Publishes the draft call `slug` at `now` (server clock) by `actor` (`call.publish`):
    /// from then on it is public, frozen, and open to applications between its opening
    /// and closing instants.
    ///
    /// Errors (nothing written): [`StoreError::NotFound`]; [`StoreError::Refused`] when it
    /// is already published or its closing instant has passed.
    pub async fn publish_call(&self, slug: &str, actor: &str, now: OffsetDateTime) -> Result<PlatformCall, StoreError> {
        let mut tx = self.begin_write().await?;
        let before = load(&mut tx, slug).await?.ok_or_else(|| not_found(slug))?;
        let title = &before.definition.title;
        if before.status == CallStatus::Published {
            return Err(StoreError::Refused(format!("L'appel « {title} » est déjà publié.")));
        }
        if before.definition.closes_at <= now {
            return Err(StoreError::Refused(format!(
                "L'appel « {title} » ne peut pas être publié : sa clôture ({} heure de Paris) est passée.",
                paris(before.definition.closes_at)
            )));
        }
        let at = instant(now);
        let updated =
            sqlx::query("UPDATE platform_calls SET status = $2, published_at = $3, updated_at = $3 WHERE slug = $1 AND status = $4")
                .bind(slug.to_owned())
                .bind(code(&CallStatus::Published))
                .bind(at.clone())
                .bind(code(&CallStatus::Draft))
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if updated != 1 {
            return Err(StoreError::Refused(format!("L'appel « {title} » est déjà publié.")));
        }
        let after = load(&mut tx, slug).await?.ok_or_else(|| not_found(slug))?;
        let entry = AuditDraft::new(at, actor, "call.publish", format!("call:{slug}"), summary(&before), summary(&after))?;
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Every platform call, drafts included, by opening instant then slug. Showing drafts
    /// only to programme managers is the caller's filter.
    pub async fn platform_calls(&self) -> Result<Vec<PlatformCall>, StoreError> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM platform_calls ORDER BY opens_at, slug"))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(decode)
            .collect()
    }

    /// The published platform calls, by opening instant then slug.
    pub async fn published_calls(&self) -> Result<Vec<PlatformCall>, StoreError> {
        Ok(self
            .platform_calls()
            .await?
            .into_iter()
            .filter(|c| c.status == CallStatus::Published)
            .collect())
    }

    /// The platform call `slug` (draft or published), or `None`.
    pub async fn platform_call(&self, slug: &str) -> Result<Option<PlatformCall>, StoreError> {
        sqlx::query(&format!("SELECT {COLUMNS} FROM platform_calls WHERE slug = $1"))
            .bind(slug.to_owned())
            .fetch_optional(self.pool())
            .await?
            .map(|r| decode(&r))
            .transpose()
    }

    /// The figures of call `slug` drawn from its applications: (submitted — applications
    /// that were submitted at least once —, selected).
    pub async fn call_figures(&self, slug: &str) -> Result<(u32, u32), StoreError> {
        let r = sqlx::query(
            "SELECT (SELECT COUNT(DISTINCT e.application_id) FROM application_events e JOIN applications a ON a.id = e.application_id WHERE a.call_slug = $1 AND e.transition = 'submit'), \
                    (SELECT COUNT(*) FROM applications WHERE call_slug = $1 AND status = 'selected')",
        )
        .bind(slug.to_owned())
        .fetch_one(self.pool())
        .await?;
        let n = |i: usize| -> Result<u32, StoreError> { crate::codec::u32_of(r.try_get::<i64, _>(i)?, "call figures") };
        Ok((n(0)?, n(1)?))
    }

    /// The answers of application `id` (empty when none were saved).
    pub async fn application_answers(&self, id: ApplicationId) -> Result<Answers, StoreError> {
        let mut tx = self.pool().begin().await?;
        let a = load_answers(&mut tx, id).await?;
        tx.commit().await?;
        Ok(a)
    }

    /// Replaces the answers of application `id` by `answers` (already parsed against the
    /// call's form by [`territoires_domain::form::parse_answers`]), by its applicant, and
    /// records `application.answers` with the answers before and after, in one transaction.
    ///
    /// Errors (nothing written): [`StoreError::NotFound`]; [`StoreError::Refused`] when
    /// `actor` is not the applicant, or the application is neither a draft nor returned for
    /// completion (then it is with the reviewers and its answers are frozen).
    pub async fn save_answers(&self, id: ApplicationId, answers: &Answers, actor: &Account) -> Result<Answers, StoreError> {
        let now = instant(OffsetDateTime::now_utc());
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT applicant_account_id, status FROM applications WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("aucune candidature n'a le numéro {id}")))?;
        if row.try_get::<i64, _>("applicant_account_id")? != actor.id {
            return Err(StoreError::Refused(
                "Seul le porteur de la candidature peut en modifier les réponses.".into(),
            ));
        }
        let status: String = row.try_get("status")?;
        let status = ApplicationStatus::from_code(&status)
            .ok_or_else(|| StoreError::Invalid(format!("applications id {id}: unknown status {status:?}")))?;
        if !matches!(status, ApplicationStatus::Draft | ApplicationStatus::ReturnedForCompletion) {
            return Err(StoreError::Refused(format!(
                "Les réponses ne sont modifiables qu'en brouillon ou après un renvoi pour complément ; la candidature est « {} ».",
                status.label()
            )));
        }
        let before = load_answers(&mut tx, id).await?;
        sqlx::query("DELETE FROM application_answers WHERE application_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO application_answers (application_id, answers, updated_at) VALUES ($1, $2, $3)")
            .bind(id.0)
            .bind(json(answers))
            .bind(now.clone())
            .execute(&mut *tx)
            .await?;
        let entry = AuditDraft::new(
            now,
            format!("account:{}", actor.id),
            "application.answers",
            format!("application:{id}"),
            json!({ "answers": answers_summary(&before) }),
            json!({ "answers": answers_summary(answers) }),
        )?;
        crate::audit::append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(answers.clone())
    }
}
