//! Agreements in the API (issue 5 §2, §6): `GET /api/v1/agreements[?project=SLUG]`,
//! `POST /api/v1/agreements` (sign: the amount is committed in the ledger),
//! `GET /api/v1/agreements/{id}` (terms, tranches with conditions, versions, balance) and
//! `POST /api/v1/agreements/{id}/amendments`. Amounts are integer euro cents
//! (`amount_cents`), percentages basis points (`percent_bp`: 3000 = 30 %). Reads are
//! public; writes need [`Action::ManageFunding`] and call `check_api_write` first.
//! Never cached.

use crate::api::json_body as body;
use crate::auth::SignedIn;
use crate::error::{no_store, AppError, ErrorBody, ErrorKind, Format};
use crate::pages::agreements::{amend, find, sign};
use crate::pages::opinions::parse_date;
use crate::Current;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use territoires_domain::access::Action;
use territoires_domain::funding::agreement::{
    equal_tranches, Cofinancer, Condition, ConditionKind, FinancerKind, Share, TermsDraft, TrancheDraft,
};
use territoires_domain::Money;
use territoires_store::{AgreementDetail, AgreementSummary};
use utoipa::{IntoParams, ToSchema};

/// Another financer of the co-financing plan.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CofinancerInput {
    /// Name.
    pub financer: String,
    /// `local-authority`, `eu`, `private`, `own-funds` or `other-public`.
    pub kind: FinancerKind,
    /// Amount, euro cents.
    pub amount_cents: i64,
}

/// A tranche condition.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConditionInput {
    /// `milestone`, `report` or `indicator`.
    pub kind: ConditionKind,
    /// What is expected, in French.
    pub label: String,
    /// The indicator's code (`/api/v1/indicators/{code}`), for an `indicator` condition.
    #[serde(default)]
    pub indicator_code: Option<String>,
}

/// A tranche: exactly one of `amount_cents` and `percent_bp`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TrancheInput {
    /// Label (`Avance`).
    pub label: String,
    /// Due date, `YYYY-MM-DD`.
    pub due_on: String,
    /// Amount, euro cents (all tranches in amounts: they sum exactly to the agreement).
    #[serde(default)]
    pub amount_cents: Option<i64>,
    /// Percentage in basis points (all tranches in percentages: 10 000 in total, resolved
    /// by largest remainder, earlier tranche first on ties).
    #[serde(default)]
    pub percent_bp: Option<u32>,
    /// Conditions.
    #[serde(default)]
    pub conditions: Vec<ConditionInput>,
}

/// « N equal tranches » instead of `tranches`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct EqualTranches {
    /// Number of tranches (1 to 600).
    pub count: usize,
    /// First due date, `YYYY-MM-DD`.
    pub first_due_on: String,
    /// Months between due dates (default 1).
    #[serde(default = "one")]
    pub every_months: u32,
}

fn one() -> u32 {
    1
}

/// The terms of an agreement.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TermsInput {
    /// Reference, unique (unchanged by an amendment).
    pub reference: String,
    /// Title.
    pub title: String,
    /// Beneficiary.
    pub beneficiary: String,
    /// The beneficiary's SIREN (9 digits, Luhn check digit), optional.
    #[serde(default)]
    pub beneficiary_siren: Option<String>,
    /// The SIRET of the signing establishment (14 digits), optional; it must belong to the
    /// SIREN, and gives it when the SIREN is absent. Needed (or the RNA number) to publish
    /// the agreement in SCDL.
    #[serde(default)]
    pub beneficiary_siret: Option<String>,
    /// The beneficiary's RNA number (`W` and nine digits), for an association, optional.
    #[serde(default)]
    pub beneficiary_rna: Option<String>,
    /// Signature date, `YYYY-MM-DD`.
    pub signed_on: String,
    /// The State's subsidy, euro cents.
    pub amount_cents: i64,
    /// Eligible cost (*assiette*), euro cents: `amount_cents` + Σ co-financers exactly.
    pub eligible_cost_cents: i64,
    /// The other financers.
    #[serde(default)]
    pub cofinancers: Vec<CofinancerInput>,
    /// The tranche schedule (or `equal_tranches`).
    #[serde(default)]
    pub tranches: Vec<TrancheInput>,
    /// Equal tranches instead of `tranches`.
    #[serde(default)]
    pub equal_tranches: Option<EqualTranches>,
}

/// A new agreement.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAgreement {
    /// The laureate project's slug.
    pub project: String,
    /// Its terms.
    #[serde(flatten)]
    pub terms: TermsInput,
}

/// An amendment (*avenant*): the whole new terms.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAmendment {
    /// Date of the amendment, `YYYY-MM-DD` (the ledger movement's value date).
    pub amended_on: String,
    /// Why, in French.
    pub reason: String,
    /// The new terms.
    #[serde(flatten)]
    pub terms: TermsInput,
}

fn unprocessable(m: impl Into<String>) -> AppError {
    AppError::new(Format::Json, ErrorKind::Unprocessable, m)
}

impl TermsInput {
    fn draft(self) -> Result<TermsDraft, AppError> {
        let amount = Money(self.amount_cents);
        let tranches = match (self.equal_tranches, self.tranches.is_empty()) {
            (Some(_), false) => {
                return Err(unprocessable(
                    "Champ « tranches » : donnez soit « tranches », soit « equal_tranches », pas les deux.",
                ))
            }
            (Some(e), true) => {
                let first = parse_date(&e.first_due_on, "equal_tranches.first_due_on", Format::Json)?;
                equal_tranches(amount, e.count, first, e.every_months).map_err(|e| unprocessable(e.message))?
            }
            (None, _) => {
                let mut out = Vec::with_capacity(self.tranches.len());
                for (i, t) in self.tranches.into_iter().enumerate() {
                    let share = match (t.amount_cents, t.percent_bp) {
                        (Some(a), None) => Share::Amount(Money(a)),
                        (None, Some(p)) => Share::Percent(p),
                        _ => {
                            return Err(unprocessable(format!(
                                "Champ « tranches[{i}] » : donnez exactement l'un de « amount_cents » et « percent_bp »."
                            )))
                        }
                    };
                    out.push(TrancheDraft {
                        label: t.label,
                        due_on: parse_date(&t.due_on, &format!("tranches[{i}].due_on"), Format::Json)?,
                        share,
                        conditions: t
                            .conditions
                            .into_iter()
                            .map(|c| Condition {
                                kind: c.kind,
                                label: c.label,
                                indicator_code: c.indicator_code,
                            })
                            .collect(),
                    });
                }
                out
            }
        };
        Ok(TermsDraft {
            reference: self.reference,
            title: self.title,
            beneficiary: self.beneficiary,
            beneficiary_siren: self.beneficiary_siren,
            beneficiary_siret: self.beneficiary_siret,
            beneficiary_rna: self.beneficiary_rna,
            signed_on: parse_date(&self.signed_on, "signed_on", Format::Json)?,
            amount,
            eligible_cost: Money(self.eligible_cost_cents),
            cofinancers: self
                .cofinancers
                .into_iter()
                .map(|c| Cofinancer {
                    financer: c.financer,
                    kind: c.kind,
                    amount: Money(c.amount_cents),
                })
                .collect(),
            tranches,
        })
    }
}

/// An agreement in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementItem {
    /// Identifier (ledger account `agreement:{id}`).
    pub id: i64,
    /// The project's slug.
    pub project: String,
    /// Reference.
    pub reference: String,
    /// Title.
    pub title: String,
    /// Beneficiary.
    pub beneficiary: String,
    /// SIREN, if given.
    pub beneficiary_siren: Option<String>,
    /// SIRET of the signing establishment, if given.
    pub beneficiary_siret: Option<String>,
    /// RNA number, if given.
    pub beneficiary_rna: Option<String>,
    /// `YYYY-MM-DD`.
    pub signed_on: String,
    /// The State's subsidy, current version, euro cents.
    pub amount_cents: i64,
    /// Eligible cost, euro cents.
    pub eligible_cost_cents: i64,
    /// `active`, `closed` or `cancelled`.
    pub status: String,
    /// Current version (1: as signed).
    pub version: i64,
}

impl From<&AgreementSummary> for AgreementItem {
    fn from(s: &AgreementSummary) -> Self {
        AgreementItem {
            id: s.id,
            project: s.project_slug.clone(),
            reference: s.reference.clone(),
            title: s.title.clone(),
            beneficiary: s.beneficiary.clone(),
            beneficiary_siren: s.beneficiary_siren.clone(),
            beneficiary_siret: s.beneficiary_siret.clone(),
            beneficiary_rna: s.beneficiary_rna.clone(),
            signed_on: s.signed_on.to_string(),
            amount_cents: s.amount.0,
            eligible_cost_cents: s.eligible_cost.0,
            status: s.status.clone(),
            version: s.version,
        }
    }
}

/// A stored condition.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConditionItem {
    /// Identifier.
    pub id: i64,
    /// `milestone`, `report` or `indicator`.
    pub kind: ConditionKind,
    /// What is expected.
    pub label: String,
    /// The indicator's code, for an indicator condition.
    pub indicator_code: Option<String>,
    /// When it was recorded as met, if it was.
    pub met_on: Option<String>,
}

/// A stored tranche.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrancheItem {
    /// Identifier (stable across amendments).
    pub id: i64,
    /// Label.
    pub label: String,
    /// `YYYY-MM-DD`.
    pub due_on: String,
    /// Amount, euro cents.
    pub amount_cents: i64,
    /// The percentage it was given as, basis points.
    pub percent_bp: Option<u32>,
    /// Σ paid disbursements on it, euro cents.
    pub paid_cents: i64,
    /// Conditions.
    pub conditions: Vec<ConditionItem>,
}

/// A version: the signature (1) or an amendment.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionItem {
    /// Number.
    pub version: i64,
    /// `signature` or `amendment`.
    pub kind: String,
    /// Date of the signature or amendment, `YYYY-MM-DD`.
    pub signed_on: String,
    /// Amount at that version, euro cents.
    pub amount_cents: i64,
    /// Reason.
    pub reason: String,
    /// Who (`account:ID`).
    pub recorded_by: String,
    /// When (RFC 3339, UTC).
    pub recorded_at: String,
    /// The ledger entry (commitment or release) it made, if the amount moved.
    pub ledger_seq: Option<i64>,
    /// The whole terms at that version (amounts in cents, dates `YYYY-MM-DD`).
    #[schema(value_type = Object)]
    pub terms: serde_json::Value,
}

/// An agreement read whole.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementView {
    /// The row.
    #[serde(flatten)]
    pub agreement: AgreementItem,
    /// The other financers.
    pub cofinancers: Vec<CofinancerInput>,
    /// The State's share of the eligible cost, basis points, rounded down.
    pub state_share_bp: i64,
    /// The tranche schedule.
    pub tranches: Vec<TrancheItem>,
    /// Every version, oldest first.
    pub versions: Vec<VersionItem>,
    /// Committed on `agreement:{id}` in the ledger, euro cents.
    pub committed_cents: i64,
    /// Paid, euro cents.
    pub paid_cents: i64,
    /// Committed and not yet paid, euro cents.
    pub unpaid_cents: i64,
}

impl From<AgreementDetail> for AgreementView {
    fn from(d: AgreementDetail) -> Self {
        let eligible = i128::from(d.summary.eligible_cost.0).max(1);
        AgreementView {
            agreement: AgreementItem::from(&d.summary),
            state_share_bp: i64::try_from(i128::from(d.summary.amount.0) * 10_000 / eligible).unwrap_or_default(),
            cofinancers: d
                .cofinancers
                .iter()
                .map(|c| CofinancerInput {
                    financer: c.financer.clone(),
                    kind: c.kind,
                    amount_cents: c.amount.0,
                })
                .collect(),
            tranches: d
                .tranches
                .iter()
                .map(|t| TrancheItem {
                    id: t.id,
                    label: t.label.clone(),
                    due_on: t.due_on.to_string(),
                    amount_cents: t.amount.0,
                    percent_bp: t.percent_bp,
                    paid_cents: t.paid.0,
                    conditions: t
                        .conditions
                        .iter()
                        .map(|c| ConditionItem {
                            id: c.id,
                            kind: c.kind,
                            label: c.label.clone(),
                            indicator_code: c.indicator_code.clone(),
                            met_on: c.met_on.clone(),
                        })
                        .collect(),
                })
                .collect(),
            versions: d
                .versions
                .iter()
                .map(|v| VersionItem {
                    version: v.version,
                    kind: v.kind.clone(),
                    signed_on: v.signed_on.to_string(),
                    amount_cents: v.amount.0,
                    reason: v.reason.clone(),
                    recorded_by: v.recorded_by.clone(),
                    recorded_at: v.recorded_at.clone(),
                    ledger_seq: v.ledger_seq,
                    terms: serde_json::to_value(&v.terms).unwrap_or_default(),
                })
                .collect(),
            committed_cents: d.balance.committed.0,
            paid_cents: d.balance.disbursed.0,
            unpaid_cents: d.balance.unpaid().unwrap_or_default().0,
        }
    }
}

/// `?project=SLUG`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgreementsQuery {
    /// A project's slug (`biovallee`); absent: every project.
    pub project: Option<String>,
}

/// The agreements, by signature date.
#[utoipa::path(
    get,
    path = "/api/v1/agreements",
    tag = "funding",
    params(AgreementsQuery),
    responses(
        (status = 200, description = "The agreements with their current terms in brief", body = [AgreementItem]),
        (status = 400, description = "Unknown project (`project`)", body = ErrorBody),
    )
)]
pub async fn list_agreements(Current(ctx): Current, Query(q): Query<AgreementsQuery>) -> Response {
    no_store(
        async {
            let project = q.project.as_deref().map(str::trim).filter(|s| !s.is_empty());
            if let Some(p) = project {
                if ctx.app.registry.project(p).is_none() {
                    return Err(AppError::invalid_parameter(
                        Format::Json,
                        "project",
                        format!("Aucun projet lauréat n'a l'identifiant « {} ».", crate::format::excerpt(p, 60)),
                    ));
                }
            }
            let rows = ctx
                .app
                .store
                .agreements(project)
                .await
                .map_err(|e| AppError::internal(Format::Json, e))?;
            Ok(Json(rows.iter().map(AgreementItem::from).collect::<Vec<_>>()).into_response())
        }
        .await,
    )
}

/// One agreement: terms, co-financing, tranches with conditions, versions and ledger balance.
#[utoipa::path(
    get,
    path = "/api/v1/agreements/{id}",
    tag = "funding",
    params(("id" = i64, Path, description = "The agreement's identifier")),
    responses(
        (status = 200, description = "The agreement", body = AgreementView),
        (status = 404, description = "No such agreement", body = ErrorBody),
    )
)]
pub async fn find_agreement(Current(ctx): Current, Path(raw): Path<String>) -> Response {
    no_store(async { Ok(Json(AgreementView::from(find(&ctx, &raw, Format::Json).await?)).into_response()) }.await)
}

/// Signs an agreement: its amount is committed in the ledger (`project:SLUG:subsidy →
/// agreement:ID`), within the project's subsidy ceiling and the envelope's room.
#[utoipa::path(
    post,
    path = "/api/v1/agreements",
    tag = "funding",
    request_body = NewAgreement,
    responses(
        (status = 201, description = "Signed and committed", body = AgreementView),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not a programme manager or administrator, or a cookie write without X-CSRF-Token", body = ErrorBody),
        (status = 409, description = "Beyond the project's ceiling or the envelope's room (the message says by how much), or a reference already used (whatever its case and surrounding spaces): nothing written", body = ErrorBody),
        (status = 422, description = "Terms breaking a rule (co-financing plan not closing, tranches not summing, a part of 0 €, bad SIREN, planned budget exceeded, a signature date in the future or before 2018, a tranche due before it, unknown project): the message names the field", body = ErrorBody),
    )
)]
pub async fn create_agreement(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    json: Result<Json<NewAgreement>, axum::extract::rejection::JsonRejection>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            signed_in.require(Action::ManageFunding, Format::Json)?;
            let input = body(json)?;
            let draft = input.terms.draft()?;
            let id = sign(&ctx, &signed_in, &input.project, &draft, Format::Json).await?;
            let view = AgreementView::from(find(&ctx, &id.to_string(), Format::Json).await?);
            Ok((StatusCode::CREATED, Json(view)).into_response())
        }
        .await,
    )
}

/// Amends an agreement (*avenant*) with the whole new terms: an increase is committed, a
/// decrease released (at most what is unpaid); no tranche below what was paid on it.
#[utoipa::path(
    post,
    path = "/api/v1/agreements/{id}/amendments",
    tag = "funding",
    params(("id" = i64, Path, description = "The agreement's identifier")),
    request_body = NewAmendment,
    responses(
        (status = 201, description = "Amended: the agreement with its new version", body = AgreementView),
        (status = 401, description = "No live session", body = ErrorBody),
        (status = 403, description = "Not a programme manager or administrator, or a cookie write without X-CSRF-Token", body = ErrorBody),
        (status = 404, description = "No such agreement", body = ErrorBody),
        (status = 409, description = "Beyond a ceiling, an agreement no longer active, or a tranche with disbursements dropped: nothing written", body = ErrorBody),
        (status = 422, description = "Terms breaking a rule, a blank reason, a changed reference or signature date, a date in the future or before the previous version's, an amount below what is paid, a tranche below what is requested or paid on it", body = ErrorBody),
    )
)]
pub async fn create_amendment(
    Current(ctx): Current,
    signed_in: SignedIn,
    headers: HeaderMap,
    Path(raw): Path<String>,
    json: Result<Json<NewAmendment>, axum::extract::rejection::JsonRejection>,
) -> Response {
    no_store(
        async {
            signed_in.check_api_write(&headers)?;
            signed_in.require(Action::ManageFunding, Format::Json)?;
            let id = find(&ctx, &raw, Format::Json).await?.summary.id;
            let input = body(json)?;
            let on = parse_date(&input.amended_on, "amended_on", Format::Json)?;
            let draft = input.terms.draft()?;
            amend(&ctx, &signed_in, id, on, &input.reason, &draft, Format::Json).await?;
            let view = AgreementView::from(find(&ctx, &raw, Format::Json).await?);
            Ok((StatusCode::CREATED, Json(view)).into_response())
        }
        .await,
    )
}
