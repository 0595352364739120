//! Equity investments stored (issue 5, §4; migration `0015_investments.sql`): the case and
//! its co-investors, the investment committee's decision, then capital calls,
//! distributions, valuations and the exit. The rules live in
//! [`territoires_domain::funding::investment`]; this module makes each change and its
//! ledger movement one write transaction, audited:
//!
//! | change                    | ledger ([`Store::append_ledger_in`])                          |
//! |---------------------------|---------------------------------------------------------------|
//! | approval                  | Commit `project:SLUG:equity → investment:N` (the amount)       |
//! | capital call              | Disburse `investment:N → payee:SIREN-…`                        |
//! | distribution, exit > 0    | Return `payee:SIREN-… → investment:N` (gross)                  |
//! | exit, uncalled > 0        | Release `investment:N → project:SLUG:equity` (committed − called) |
//! | rejection, valuation      | none                                                          |
//!
//! A refusal (the test, the status, a ceiling) writes nothing.

use crate::codec::{code, date, from_code, from_date};
use crate::funding::transient;
use crate::{Backend, Store, StoreError};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use territoires_domain::audit::AuditDraft;
use territoires_domain::funding::investment::{
    check_decision, check_event, CoInvestor, CommitteeDecision, EventKind, Investee, InvestmentCase, InvestmentEvent, InvestmentStatus,
    PrudentInvestorRule, Verdict,
};
use territoires_domain::funding::ledger::{Account, Caps, Entry, Movement};
use territoires_domain::opinion::paris_today;
use territoires_domain::programme::EnvelopeKind;
use territoires_domain::siren::Siren;
use territoires_domain::Money;
use time::OffsetDateTime;

/// Attempts of a write that meets a transient conflict (as the ledger's).
const ATTEMPTS: usize = 5;

const COLUMNS: &str = "id, project_slug, investee_kind, investee_name, investee_siren, instrument, amount_cents, pre_money_cents, \
     status, created_by, created_at, verdict, decided_on, decision_reference, decision_reason, decided_by, min_private_share_bp, ledger_seq";

/// A stored investment with its co-investors, decision and events.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredInvestment {
    /// Identifier (`investment:{id}` in the ledger).
    pub id: i64,
    /// The case as recorded.
    pub case: InvestmentCase,
    /// Where it stands.
    pub status: InvestmentStatus,
    /// The committee's decision, once taken.
    pub decision: Option<CommitteeDecision>,
    /// The prudent-investor rule applied to the decision.
    pub rule: Option<PrudentInvestorRule>,
    /// Who recorded the decision.
    pub decided_by: Option<String>,
    /// The commitment's ledger entry (approval).
    pub ledger_seq: Option<i64>,
    /// Who created the case.
    pub created_by: String,
    /// When (RFC 3339, UTC).
    pub created_at: String,
    /// Its events, in value-date order (then recording order).
    pub events: Vec<StoredEvent>,
}

/// A stored event of an investment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// Identifier.
    pub id: i64,
    /// The event.
    pub event: InvestmentEvent,
    /// Who recorded it.
    pub recorded_by: String,
    /// When (RFC 3339, UTC).
    pub recorded_at: String,
    /// Its ledger entry (calls, distributions, exits with proceeds).
    pub ledger_seq: Option<i64>,
}

impl StoredInvestment {
    /// The ledger account of this investment.
    pub fn account(&self) -> Account {
        Account::Investment(self.id as u64)
    }
}

fn payee(siren: &Siren) -> Account {
    Account::Payee(format!("SIREN-{}", siren.as_str()))
}

fn decode(r: &AnyRow) -> Result<StoredInvestment, StoreError> {
    let id: i64 = r.try_get("id")?;
    let what = |col: &str| format!("investments {id}: {col}");
    let text = |col: &str| -> Result<String, StoreError> { Ok(r.try_get::<String, _>(col)?) };
    let opt = |col: &str| -> Result<Option<String>, StoreError> { Ok(r.try_get::<Option<String>, _>(col)?) };
    let siren = Siren::parse(&text("investee_siren")?).map_err(|e| StoreError::Invalid(format!("{}: {e}", what("investee_siren"))))?;
    let decision = match (opt("verdict")?, opt("decided_on")?) {
        (Some(v), Some(on)) => Some(CommitteeDecision {
            verdict: from_code(&v, &what("verdict"))?,
            on: from_date(&on, &what("decided_on"))?,
            reference: opt("decision_reference")?.unwrap_or_default(),
            reason: opt("decision_reason")?.unwrap_or_default(),
        }),
        _ => None,
    };
    let rule = match r.try_get::<Option<i64>, _>("min_private_share_bp")? {
        Some(bp) => Some(
            u32::try_from(bp)
                .ok()
                .and_then(|bp| PrudentInvestorRule::new(bp).ok())
                .ok_or_else(|| StoreError::Invalid(what("min_private_share_bp")))?,
        ),
        None => None,
    };
    Ok(StoredInvestment {
        id,
        case: InvestmentCase {
            project: text("project_slug")?,
            investee: Investee {
                kind: from_code(&text("investee_kind")?, &what("investee_kind"))?,
                name: text("investee_name")?,
                siren,
            },
            instrument: from_code(&text("instrument")?, &what("instrument"))?,
            amount: Money(r.try_get("amount_cents")?),
            pre_money: Money(r.try_get("pre_money_cents")?),
            co_investors: Vec::new(),
        },
        status: from_code(&text("status")?, &what("status"))?,
        decision,
        rule,
        decided_by: opt("decided_by")?,
        ledger_seq: r.try_get("ledger_seq")?,
        created_by: text("created_by")?,
        created_at: text("created_at")?,
        events: Vec::new(),
    })
}

fn decode_co(r: &AnyRow) -> Result<(i64, CoInvestor), StoreError> {
    let id: i64 = r.try_get("investment_id")?;
    Ok((
        id,
        CoInvestor {
            name: r.try_get("name")?,
            kind: from_code(&r.try_get::<String, _>("kind")?, &format!("co_investors {id}: kind"))?,
            amount: Money(r.try_get("amount_cents")?),
            same_terms: r.try_get::<i64, _>("same_terms")? != 0,
            terms: r.try_get("terms")?,
        },
    ))
}

fn decode_event(r: &AnyRow) -> Result<(i64, StoredEvent), StoreError> {
    let id: i64 = r.try_get("id")?;
    let what = |col: &str| format!("investment_events {id}: {col}");
    Ok((
        r.try_get("investment_id")?,
        StoredEvent {
            id,
            event: InvestmentEvent {
                kind: from_code(&r.try_get::<String, _>("kind")?, &what("kind"))?,
                on: from_date(&r.try_get::<String, _>("on_date")?, &what("on_date"))?,
                amount: Money(r.try_get("amount_cents")?),
                note: r.try_get("note")?,
            },
            recorded_by: r.try_get("recorded_by")?,
            recorded_at: r.try_get("recorded_at")?,
            ledger_seq: r.try_get("ledger_seq")?,
        },
    ))
}

/// The investment `id` in `tx`, its row locked on PostgreSQL (SQLite's `BEGIN IMMEDIATE`
/// already serialises writers). Errors: [`StoreError::NotFound`].
async fn locked(store: &Store, tx: &mut Transaction<'_, Any>, id: i64) -> Result<StoredInvestment, StoreError> {
    let lock = if store.backend() == Backend::Postgres { " FOR UPDATE" } else { "" };
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM investments WHERE id = $1{lock}"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("Aucun investissement n'a l'identifiant {id}.")))?;
    let mut inv = decode(&row)?;
    for r in sqlx::query(
        "SELECT investment_id, name, kind, amount_cents, same_terms, terms FROM co_investors WHERE investment_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?
    {
        inv.case.co_investors.push(decode_co(&r)?.1);
    }
    for r in sqlx::query(
        "SELECT id, investment_id, kind, on_date, amount_cents, note, recorded_by, recorded_at, ledger_seq FROM investment_events \
         WHERE investment_id = $1 ORDER BY on_date, id",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?
    {
        inv.events.push(decode_event(&r)?.1);
    }
    Ok(inv)
}

async fn audit(tx: &mut Transaction<'_, Any>, who: &str, action: &str, id: i64, after: serde_json::Value) -> Result<(), StoreError> {
    let draft = AuditDraft::new(
        crate::audit::now(),
        who.to_owned(),
        action.to_owned(),
        format!("investment:{id}"),
        serde_json::Value::Null,
        after,
    )?;
    crate::audit::append(tx, draft).await?;
    Ok(())
}

impl Store {
    /// Records an investment case (checked by [`InvestmentCase::check`] first: the caller
    /// may pass it raw) with status `proposed`, and its co-investors, by `who`; audited
    /// `investment.create`. Returns it as stored. Errors: [`StoreError::Refused`] with the
    /// French message of a bad case (nothing written), [`StoreError::Database`].
    pub async fn create_investment(&self, case: &InvestmentCase, who: &str) -> Result<StoredInvestment, StoreError> {
        let case = case
            .clone()
            .check()
            .map_err(|e| StoreError::Refused(format!("Dossier refusé : {e}.")))?;
        let mut tx = self.begin_write().await?;
        let now = crate::audit::now();
        let id: i64 = sqlx::query(
            "INSERT INTO investments (project_slug, investee_kind, investee_name, investee_siren, instrument, amount_cents, \
             pre_money_cents, status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(case.project.clone())
        .bind(code(&case.investee.kind))
        .bind(case.investee.name.clone())
        .bind(case.investee.siren.as_str().to_owned())
        .bind(code(&case.instrument))
        .bind(case.amount.0)
        .bind(case.pre_money.0)
        .bind(code(&InvestmentStatus::Proposed))
        .bind(who.to_owned())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        for (i, c) in case.co_investors.iter().enumerate() {
            sqlx::query(
                "INSERT INTO co_investors (investment_id, position, name, kind, amount_cents, same_terms, terms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(i as i64)
            .bind(c.name.clone())
            .bind(code(&c.kind))
            .bind(c.amount.0)
            .bind(i64::from(c.same_terms))
            .bind(c.terms.clone())
            .execute(&mut *tx)
            .await?;
        }
        let co: Vec<_> = case
            .co_investors
            .iter()
            .map(|c| json!({"name": c.name, "kind": code(&c.kind), "amount_cents": c.amount.0, "same_terms": c.same_terms}))
            .collect();
        let after = json!({
            "project": case.project, "investee": case.investee.name, "siren": case.investee.siren.as_str(),
            "instrument": code(&case.instrument), "amount_cents": case.amount.0, "pre_money_cents": case.pre_money.0,
            "co_investors": co,
        });
        audit(&mut tx, who, "investment.create", id, after).await?;
        tx.commit().await?;
        tracing::info!(id, project = %case.project, "investment case created");
        self.investment(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("investissement {id}")))
    }

    /// Records the investment committee's `decision` on a proposed case under `rule`, by
    /// `who`. An approval must pass the prudent-investor test
    /// ([`check_decision`]) and commits the amount on the equity envelope in the same
    /// transaction (ledger Commit `project:SLUG:equity → investment:N`, checked against
    /// `caps`: the envelope's room and the project's investment potential). Audited
    /// `investment.decide` with the test's figures. Retried on transient conflicts.
    ///
    /// Errors (nothing written): [`StoreError::NotFound`]; [`StoreError::Refused`] when
    /// the case is not proposed, or the decision is blank or fails the test (the message
    /// gives the figures); [`StoreError::Ledger`] when a ceiling would be exceeded.
    pub async fn decide_investment(
        &self,
        id: i64,
        decision: &CommitteeDecision,
        rule: PrudentInvestorRule,
        who: &str,
        caps: &Caps,
    ) -> Result<StoredInvestment, StoreError> {
        let mut attempt = 1;
        loop {
            match self.try_decide(id, decision, rule, who, caps).await {
                Err(e) if attempt < ATTEMPTS && transient(&e) => attempt += 1,
                Err(e) => return Err(e),
                Ok(()) => break,
            }
        }
        self.investment(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("investissement {id}")))
    }

    async fn try_decide(
        &self,
        id: i64,
        d: &CommitteeDecision,
        rule: PrudentInvestorRule,
        who: &str,
        caps: &Caps,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let inv = locked(self, &mut tx, id).await?;
        if inv.status != InvestmentStatus::Proposed {
            return Err(StoreError::Refused(format!(
                "L'investissement {id} est déjà {} : la décision du comité est déjà prise.",
                inv.status.label()
            )));
        }
        let test = check_decision(&inv.case, d, rule, paris_today(OffsetDateTime::now_utc()))
            .map_err(|e| StoreError::Refused(format!("{}.", territoires_domain::text::capitalise(&e.to_string()))))?;
        let seq = if d.verdict == Verdict::Approved {
            let entry = Entry {
                seq: 0,
                at: d.on,
                movement: Movement::Commit,
                debit: inv.account(),
                credit: Account::Project {
                    slug: inv.case.project.clone(),
                    kind: EnvelopeKind::Equity,
                },
                amount: inv.case.amount,
                who: who.to_owned(),
                why: format!("comité d'investissement {} : {}", d.reference.trim(), d.reason.trim()),
            };
            Some(self.append_ledger_in(&mut tx, entry, caps).await?.seq as i64)
        } else {
            None
        };
        let status = match d.verdict {
            Verdict::Approved => InvestmentStatus::Approved,
            Verdict::Rejected => InvestmentStatus::Rejected,
        };
        let done = sqlx::query(
            "UPDATE investments SET status = $1, verdict = $2, decided_on = $3, decision_reference = $4, decision_reason = $5, \
             decided_by = $6, min_private_share_bp = $7, ledger_seq = $8 WHERE id = $9 AND status = $10",
        )
        .bind(code(&status))
        .bind(code(&d.verdict))
        .bind(date(d.on))
        .bind(d.reference.trim().to_owned())
        .bind(d.reason.trim().to_owned())
        .bind(who.to_owned())
        .bind(i64::from(rule.min_private_share_bp))
        .bind(seq)
        .bind(id)
        .bind(code(&InvestmentStatus::Proposed))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done != 1 {
            return Err(StoreError::Refused(format!("L'investissement {id} a été décidé entre-temps.")));
        }
        let after = json!({
            "verdict": code(&d.verdict), "on": date(d.on), "reference": d.reference.trim(), "reason": d.reason.trim(),
            "min_private_share_bp": rule.min_private_share_bp, "round_total_cents": test.round_total.0,
            "private_pari_passu_cents": test.private_pari_passu.0, "private_share_bp": test.private_share_bp,
            "passed": test.passed, "ledger_seq": seq,
        });
        audit(&mut tx, who, "investment.decide", id, after).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records `event` on the approved investment `id`, by `who` ([`check_event`], against
    /// the committee's date, the events already stored and today in Paris: events are
    /// recorded in date order, from the decision to today, a distribution after a call): a
    /// capital call is a ledger Disburse `investment:N → payee:SIREN-…` (within what is
    /// committed and not yet called), a distribution or an exit with proceeds a ledger
    /// Return the other way (gross); a valuation moves no money; an exit closes the
    /// investment (status `exited`, NAV 0) and releases what was committed and never called
    /// (ledger Release `investment:N → project:SLUG:equity` of committed − called, when > 0),
    /// so the project's investment potential and the envelope's room get it back: an exited
    /// investment's commitment on the ledger is then exactly what was called. One transaction, audited
    /// `investment.<kind>`; retried on transient conflicts.
    ///
    /// Errors (nothing written): [`StoreError::NotFound`]; [`StoreError::Refused`] when the
    /// investment is not approved, the date is out of order or the amount is wrong;
    /// [`StoreError::Ledger`] for a
    /// call beyond the commitment.
    pub async fn record_investment_event(
        &self,
        id: i64,
        event: &InvestmentEvent,
        who: &str,
        caps: &Caps,
    ) -> Result<StoredInvestment, StoreError> {
        let mut attempt = 1;
        loop {
            match self.try_event(id, event, who, caps).await {
                Err(e) if attempt < ATTEMPTS && transient(&e) => attempt += 1,
                Err(e) => return Err(e),
                Ok(()) => break,
            }
        }
        self.investment(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("investissement {id}")))
    }

    async fn try_event(&self, id: i64, e: &InvestmentEvent, who: &str, caps: &Caps) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let inv = locked(self, &mut tx, id).await?;
        let history: Vec<InvestmentEvent> = inv.events.iter().map(|s| s.event.clone()).collect();
        let today = paris_today(OffsetDateTime::now_utc());
        check_event(inv.status, inv.decision.as_ref().map(|d| d.on), &history, today, e)
            .map_err(|m| StoreError::Refused(format!("{}.", territoires_domain::text::capitalise(&m))))?;
        let payee = payee(&inv.case.investee.siren);
        let why = |what: &str| {
            let note = e.note.trim();
            if note.is_empty() {
                format!("{what} de l'investissement {id}")
            } else {
                format!("{what} de l'investissement {id} : {note}")
            }
        };
        let movement = match e.kind {
            EventKind::CapitalCall => Some((Movement::Disburse, payee, inv.account())),
            EventKind::Distribution | EventKind::Exit if e.amount.0 > 0 => Some((Movement::Return, inv.account(), payee)),
            _ => None,
        };
        let seq = match movement {
            Some((movement, debit, credit)) => {
                let entry = Entry {
                    seq: 0,
                    at: e.on,
                    movement,
                    debit,
                    credit,
                    amount: e.amount,
                    who: who.to_owned(),
                    why: why(e.kind.label()),
                };
                Some(self.append_ledger_in(&mut tx, entry, caps).await?.seq as i64)
            }
            None => None,
        };
        let now = crate::audit::now();
        let event_id: i64 = sqlx::query(
            "INSERT INTO investment_events (investment_id, kind, on_date, amount_cents, note, recorded_by, recorded_at, ledger_seq) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(id)
        .bind(code(&e.kind))
        .bind(date(e.on))
        .bind(e.amount.0)
        .bind(e.note.trim().to_owned())
        .bind(who.to_owned())
        .bind(now)
        .bind(seq)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let mut release_seq = None;
        if e.kind == EventKind::Exit {
            sqlx::query("UPDATE investments SET status = $1 WHERE id = $2")
                .bind(code(&InvestmentStatus::Exited))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            // What was committed and never called goes back to the project's equity line
            // (and so to the envelope's room): after the exit nothing more can be called.
            let uncalled = Money::sum(
                inv.events
                    .iter()
                    .filter(|s| s.event.kind == EventKind::CapitalCall)
                    .map(|s| s.event.amount),
            )
            .and_then(|c| inv.case.amount.checked_sub(c))
            .ok_or_else(|| StoreError::Invalid(format!("investments {id}: montants hors limites")))?;
            if uncalled.0 > 0 {
                let entry = Entry {
                    seq: 0,
                    at: e.on,
                    movement: Movement::Release,
                    debit: Account::Project {
                        slug: inv.case.project.clone(),
                        kind: EnvelopeKind::Equity,
                    },
                    credit: inv.account(),
                    amount: uncalled,
                    who: who.to_owned(),
                    why: format!("cession de l'investissement {id} : engagement non appelé libéré"),
                };
                release_seq = Some(self.append_ledger_in(&mut tx, entry, caps).await?.seq as i64);
            }
        }
        let mut after = json!({"event": event_id, "on": date(e.on), "amount_cents": e.amount.0, "ledger_seq": seq});
        if let Some(r) = release_seq {
            after["release_ledger_seq"] = json!(r);
        }
        audit(&mut tx, who, &format!("investment.{}", code(&e.kind)), id, after).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The investment `id` with its co-investors and events, or `None`. Errors:
    /// [`StoreError::Database`], [`StoreError::Invalid`] for a row that cannot be read.
    pub async fn investment(&self, id: i64) -> Result<Option<StoredInvestment>, StoreError> {
        Ok(self.load_investments(Some(id)).await?.pop())
    }

    /// Every investment, by identifier, with co-investors and events. Errors: as
    /// [`Store::investment`].
    pub async fn investments(&self) -> Result<Vec<StoredInvestment>, StoreError> {
        self.load_investments(None).await
    }

    async fn load_investments(&self, only: Option<i64>) -> Result<Vec<StoredInvestment>, StoreError> {
        let filter = if only.is_some() { " WHERE investment_id = $1" } else { "" };
        let bind = |q| bound(q, only);
        let rows_sql = format!(
            "SELECT {COLUMNS} FROM investments{} ORDER BY id",
            filter.replace("investment_id", "id")
        );
        let mut out: Vec<StoredInvestment> = Vec::new();
        for r in bind(&rows_sql).fetch_all(self.pool()).await? {
            out.push(decode(&r)?);
        }
        let index = |out: &mut Vec<StoredInvestment>, id: i64| out.iter().position(|i| i.id == id);
        let co_sql = format!(
            "SELECT investment_id, name, kind, amount_cents, same_terms, terms FROM co_investors{filter} ORDER BY investment_id, position"
        );
        for r in bind(&co_sql).fetch_all(self.pool()).await? {
            let (id, c) = decode_co(&r)?;
            if let Some(i) = index(&mut out, id) {
                out[i].case.co_investors.push(c);
            }
        }
        let ev_sql = format!(
            "SELECT id, investment_id, kind, on_date, amount_cents, note, recorded_by, recorded_at, ledger_seq FROM investment_events{filter} ORDER BY on_date, id"
        );
        for r in bind(&ev_sql).fetch_all(self.pool()).await? {
            let (id, e) = decode_event(&r)?;
            if let Some(i) = index(&mut out, id) {
                out[i].events.push(e);
            }
        }
        Ok(out)
    }
}

/// `sql` with `only` bound as `$1` when given.
fn bound(sql: &str, only: Option<i64>) -> sqlx::query::Query<'_, Any, sqlx::any::AnyArguments<'_>> {
    let q = sqlx::query::<Any>(sql);
    match only {
        Some(id) => q.bind(id),
        None => q,
    }
}
