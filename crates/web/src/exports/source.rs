//! Reading each dataset for an export: what is public (see the module above), mapped to
//! the formats' table rows, as a writer to run on a blocking thread.
//!
//! The small tables (projects, indicators, agreements, paid disbursements) are read before
//! writing starts; the measurements are streamed from the database through a bounded
//! channel ([`CHANNEL_ROWS`] rows), so memory stays bounded whatever their number.

use super::{ExportFormat, ExportKind};
use std::io::Write;
use std::sync::Arc;
use territoires_domain::funding::disbursement::Status;
use territoires_domain::impact::Observation;
use territoires_domain::org_id::Publisher;
use territoires_domain::Registry;
use territoires_formats::projects_export::{self, ExportError};
use territoires_formats::tables::{
    self, agreements::AgreementRow, disbursements::DisbursementRow, indicators::IndicatorRow, measurements::MeasurementRow, Table,
    TableError,
};
use territoires_store::{Measurement, Store, StoreError};

/// A writer of one export: writes the whole file to the given output, or fails.
pub type WriteFn = Box<dyn FnOnce(&mut dyn Write) -> Result<(), TableError> + Send>;

/// How many measurements may wait between the database and the writer.
pub const CHANNEL_ROWS: usize = 256;

/// The writer of `kind` in `format`, over the `registry` snapshot and `store`. It must run
/// on a blocking thread (`spawn_blocking`) of a Tokio runtime: the measurements' writer
/// waits for rows from a task reading the database.
///
/// The standards (IATI, 360Giving, SCDL) are written by [`super::standards::writer`].
///
/// Errors: [`StoreError`] when reading a small table fails (nothing written yet); a
/// failure while streaming is the writer's [`TableError::Source`].
pub async fn writer(
    store: &Store,
    registry: &Arc<Registry>,
    publisher: &Publisher,
    kind: ExportKind,
    format: ExportFormat,
) -> Result<WriteFn, StoreError> {
    Ok(match kind {
        ExportKind::Projects => {
            let registry = Arc::clone(registry);
            Box::new(move |out: &mut dyn Write| match format {
                ExportFormat::Csv => projects_export::write_csv(&registry.projects, out).map_err(table_error),
                ExportFormat::Json | ExportFormat::Xml => tables::write_json_array(out, registry.projects.iter().map(Ok)),
            })
        }
        ExportKind::Indicators => {
            let rows: Vec<IndicatorRow> = store.indicators(None).await?.iter().map(IndicatorRow::from).collect();
            table(format, rows.into_iter().map(Ok::<_, String>))
        }
        ExportKind::Measurements => {
            let (tx, mut rx) = tokio::sync::mpsc::channel(CHANNEL_ROWS);
            let store = store.clone();
            tokio::spawn(async move {
                use futures_util::StreamExt;
                let mut rows = std::pin::pin!(store.approved_measurements());
                while let Some(row) = rows.next().await {
                    let failed = row.is_err();
                    // The writer gone (an error, a client that left): stop reading.
                    if tx.send(row.map(measurement_row).map_err(|e| e.to_string())).await.is_err() || failed {
                        break;
                    }
                }
            });
            table(format, std::iter::from_fn(move || rx.blocking_recv()))
        }
        ExportKind::Agreements => {
            let mut rows = Vec::new();
            for s in store.agreements(None).await? {
                let tranches = store.agreement(s.id).await?.map_or(0, |d| d.tranches.len());
                rows.push(AgreementRow {
                    state_share_bp: AgreementRow::share_bp(s.amount, s.eligible_cost),
                    reference: s.reference,
                    project: s.project_slug,
                    title: s.title,
                    beneficiary: s.beneficiary,
                    beneficiary_siren: s.beneficiary_siren,
                    amount: s.amount,
                    eligible_cost: s.eligible_cost,
                    signed_on: s.signed_on,
                    tranches,
                    amended: s.version > 1,
                    status: s.status,
                });
            }
            table(format, rows.into_iter().map(Ok::<_, String>))
        }
        ExportKind::Disbursements => {
            let rows: Vec<Result<DisbursementRow, String>> = store
                .disbursements(Some(Status::Paid))
                .await?
                .into_iter()
                .map(|d| {
                    let paid_on = d
                        .paid_on
                        .ok_or_else(|| format!("versement n° {} payé sans date de paiement", d.id))?;
                    Ok(DisbursementRow {
                        id: d.id,
                        agreement: d.agreement_reference,
                        project: d.project_slug,
                        beneficiary: d.beneficiary,
                        beneficiary_siren: d.beneficiary_siren,
                        tranche: d.tranche_label,
                        amount: d.amount,
                        paid_on,
                    })
                })
                .collect();
            table(format, rows)
        }
        // Handled by `standards::writer` above.
        ExportKind::Iati | ExportKind::IatiOrg | ExportKind::Giving360 | ExportKind::Giving360Csv | ExportKind::Scdl => {
            return super::standards::writer(store, registry, publisher, kind, format).await
        }
    })
}

/// The writer of a table of `rows` in `format`.
fn table<T, I>(format: ExportFormat, rows: I) -> WriteFn
where
    T: Table + Send + 'static,
    I: IntoIterator<Item = Result<T, String>> + Send + 'static,
{
    Box::new(move |out: &mut dyn Write| match format {
        ExportFormat::Csv => tables::write_csv(out, rows),
        ExportFormat::Json | ExportFormat::Xml => tables::write_json(out, rows),
    })
}

/// A stored measurement as published: a percentage reported as two counts gets its share
/// (numerator / denominator × 100) as value when both are known.
fn measurement_row(m: Measurement) -> MeasurementRow {
    let (value, numerator, denominator) = match m.observation {
        Some(Observation::Value { value }) => (Some(value), None, None),
        Some(Observation::Fraction { numerator, denominator }) => {
            let share = match (numerator, denominator) {
                (Some(n), Some(d)) if d > 0.0 => Some(n / d * 100.0),
                _ => None,
            };
            (share, numerator, denominator)
        }
        None => (None, None, None),
    };
    MeasurementRow {
        id: m.id,
        indicator: m.indicator,
        indicator_version: m.indicator_version,
        project: m.project,
        period: m.period.to_string(),
        period_end: m.period_end,
        reporter: m.reporter,
        value,
        numerator,
        denominator,
        source: m.source,
        method: m.method,
        supersedes: m.supersedes,
    }
}

fn table_error(e: ExportError) -> TableError {
    match e {
        ExportError::Io(e) => TableError::Io(e),
        ExportError::Csv(e) => TableError::Csv(e),
        ExportError::Json(e) => TableError::Json(e),
    }
}
