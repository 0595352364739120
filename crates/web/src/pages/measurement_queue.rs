//! `GET /mesures` — what a signed-in account has to do about measurements on Monday
//! morning: reviewers (programme managers, instructors) see every submitted measurement
//! awaiting approval; project leads and partners see their projects, and their drafts and
//! returned measurements (with the reason) awaiting their action. Other roles: 403.

use super::layout::Layout;
use crate::auth::SignedIn;
use crate::error::{no_store, AppError, ErrorKind, Format};
use crate::pages::opinions::page;
use crate::Current;
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use territoires_domain::access::Role;
use territoires_domain::impact::MeasurementStatus;

struct QueueRow {
    id: i64,
    indicator: String,
    indicator_name: String,
    project: String,
    period: String,
    reporter: String,
    value: String,
    status: &'static str,
    reason: Option<String>,
    submitted_by: String,
}

#[derive(Template)]
#[template(path = "measurement_queue.html")]
struct QueuePage {
    layout: Layout,
    reviewer: bool,
    rows: Vec<QueueRow>,
    projects: Vec<(String, String)>,
}

/// `GET /mesures`.
pub async fn show(Current(ctx): Current, signed_in: SignedIn) -> Response {
    no_store(
        async {
            let account = &signed_in.session.account;
            let internal = |e| AppError::internal(Format::Html, e);
            let store = &ctx.app.store;
            let (reviewer, statuses, projects): (bool, &[MeasurementStatus], Option<Vec<String>>) = match account.role {
                Role::ProgrammeManager | Role::Instructor => (true, &[MeasurementStatus::Submitted], None),
                Role::ProjectLead | Role::Partner => {
                    let mine = store.memberships(account.id).await.map_err(internal)?;
                    (
                        false,
                        &[MeasurementStatus::Draft, MeasurementStatus::Returned],
                        Some(mine.into_iter().map(|m| m.project_slug).collect()),
                    )
                }
                other => {
                    return Err(AppError::new(
                        Format::Html,
                        ErrorKind::Forbidden,
                        format!("Votre rôle ({}) ne saisit ni ne valide de mesures.", other.label()),
                    ))
                }
            };
            let indicators = store.indicators(None).await.map_err(internal)?;
            let name_of = |slug: &str| {
                ctx.app
                    .registry
                    .project(slug)
                    .map(|p| p.name.clone())
                    .unwrap_or_else(|| slug.to_owned())
            };
            let rows = store
                .live_measurements(statuses)
                .await
                .map_err(internal)?
                .into_iter()
                .filter(|m| projects.as_ref().is_none_or(|p| p.contains(&m.project)))
                .map(|m| QueueRow {
                    id: m.id,
                    indicator_name: indicators
                        .iter()
                        .find(|i| i.code == m.indicator)
                        .map(|i| i.name.clone())
                        .unwrap_or_else(|| m.indicator.clone()),
                    indicator: m.indicator,
                    project: name_of(&m.project),
                    period: m.period.label(),
                    value: match m.observation {
                        Some(territoires_domain::impact::Observation::Value { value }) => territoires_domain::impact::format_number(value),
                        Some(territoires_domain::impact::Observation::Fraction { numerator, denominator }) => format!(
                            "{} / {}",
                            numerator
                                .map(territoires_domain::impact::format_number)
                                .unwrap_or_else(|| "?".into()),
                            denominator
                                .map(territoires_domain::impact::format_number)
                                .unwrap_or_else(|| "?".into())
                        ),
                        None => "—".into(),
                    },
                    reporter: m.reporter,
                    status: m.status.label(),
                    reason: m.return_reason,
                    submitted_by: m.submitted_by,
                })
                .collect();
            let projects = projects.unwrap_or_default().iter().map(|s| (s.clone(), name_of(s))).collect();
            let title = if reviewer {
                "Mesures à valider"
            } else {
                "Mes mesures à compléter"
            };
            page(
                StatusCode::OK,
                QueuePage {
                    layout: Layout::new(title, ""),
                    reviewer,
                    rows,
                    projects,
                }
                .render(),
            )
        }
        .await,
    )
}
