//! Results of a project from the impact catalogue: one result (type 3, *Impact*) per
//! indicator, with its baseline, one period per target (from the baseline's date, or the
//! laureates' announcement, to the target's due date) and one period per validated
//! measurement (the reporting period, with the actual value).

use super::model::{codes, IndicatorPeriod, ResultBaseline, ResultIndicator, ResultRecord};
use territoires_domain::impact::{Direction, Indicator, IndicatorKind, Reported};
use time::Date;

/// The results of project `slug`. `announced` is the start of target periods when the
/// indicator has no baseline.
pub fn results(slug: &str, indicators: &[Indicator], measurements: &[Reported], announced: Date) -> Vec<ResultRecord> {
    indicators
        .iter()
        .filter(|i| i.project.as_deref() == Some(slug))
        .map(|i| {
            let baseline_value = i.baseline_value();
            let from = i.baseline.as_ref().map(|b| b.date).unwrap_or(announced);
            let qualitative = measure(i.kind) == codes::MEASURE_QUALITATIVE;
            // IATI: a non-qualitative target needs a value. A relative target whose baseline
            // is unknown (« réduire de moitié ») has none yet: its statement goes to the
            // indicator's description until the baseline is known.
            let mut pending = Vec::new();
            let mut periods = Vec::new();
            for t in &i.targets {
                let statement = t.statement.clone().unwrap_or_else(|| t.spec.label());
                let value = t.spec.resolve(baseline_value);
                if value.is_none() && !qualitative {
                    pending.push(format!("{statement} (échéance {})", t.due.year()));
                    continue;
                }
                periods.push(IndicatorPeriod {
                    start: from.min(t.due),
                    end: t.due,
                    target: value,
                    target_comment: Some(statement),
                    actual: None,
                });
            }
            let mut actuals: Vec<IndicatorPeriod> = measurements
                .iter()
                .filter(|m| m.project == slug && m.indicator == i.code)
                .filter_map(|m| {
                    Some(IndicatorPeriod {
                        start: m.period.start(),
                        end: m.period.end(),
                        target: None,
                        target_comment: None,
                        actual: Some(m.observation.value_opt()?),
                    })
                })
                .collect();
            actuals.sort_by_key(|p| p.start);
            periods.extend(actuals);
            let unit = i.unit().map(|u| u.symbol.to_string()).unwrap_or_else(|_| i.unit.clone());
            let mut description = if i.definition.trim().is_empty() {
                format!("Unité : {unit}.")
            } else {
                format!("{} Unité : {unit}.", i.definition.trim())
            };
            if !pending.is_empty() {
                description.push_str(&format!(" Cible sans valeur de référence connue : {}.", pending.join(" ; ")));
            }
            ResultRecord {
                kind: codes::RESULT_IMPACT.into(),
                title: i.name.clone(),
                indicators: vec![ResultIndicator {
                    measure: measure(i.kind).into(),
                    ascending: ascending(i.direction),
                    title: i.name.clone(),
                    description,
                    baseline: i.baseline.as_ref().map(|b| ResultBaseline {
                        date: b.date,
                        value: Some(b.value),
                        comment: b.source.clone(),
                    }),
                    periods,
                }],
            }
        })
        .collect()
}

/// IndicatorMeasure of an indicator kind: quantities and ratios are *Unit* (1),
/// percentages *Percentage* (2), qualitative ones *Qualitative* (5).
pub fn measure(kind: IndicatorKind) -> &'static str {
    match kind {
        IndicatorKind::Quantity | IndicatorKind::Ratio => codes::MEASURE_UNIT,
        IndicatorKind::Percentage => codes::MEASURE_PERCENTAGE,
        IndicatorKind::Qualitative => codes::MEASURE_QUALITATIVE,
    }
}

/// `@ascending`: 1 when higher is better, 0 when lower is, absent for « maintenir ».
pub fn ascending(d: Direction) -> Option<bool> {
    match d {
        Direction::Increase => Some(true),
        Direction::Reduce => Some(false),
        Direction::Maintain => None,
    }
}
