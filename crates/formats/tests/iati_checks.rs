//! The checks run before each record is written: a bad record is refused with its activity
//! and field named, and nothing of it reaches the output.

mod iati_support;

use iati_support::*;
use territoires_domain::Money;
use territoires_formats::iati::check::{check_activity, check_organisation};
use territoires_formats::iati::mapping::{organisation_file, reporting_org};
use territoires_formats::iati::{write_activities, write_organisation, Activity, IatiError};
use time::macros::date;

const BIOVALLEE: &str = "FR-RCS-180020026-territoires-d-innovation-biovallee";

fn biovallee() -> Activity {
    let d = data();
    let project = d.projects.iter().find(|p| p.slug == "biovallee").expect("Biovallée").clone();
    d.sources().project_activity(&project).expect("activity")
}

/// The (activity, field) of a refusal.
fn refused(a: &Activity) -> (String, String) {
    match check_activity(a) {
        Err(IatiError::Invalid { activity, field, .. }) => (activity, field),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn field(a: &Activity) -> String {
    let (activity, field) = refused(a);
    assert_eq!(activity, BIOVALLEE);
    field
}

#[test]
fn the_real_activity_passes() {
    check_activity(&biovallee()).expect("valid");
}

#[test]
fn a_role_outside_organisation_role_is_refused_and_named() {
    let mut a = biovallee();
    a.participating_orgs[2].role = "99".into();
    assert_eq!(field(&a), "participating-org[3]/@role");
    let message = check_activity(&a).expect_err("refused").to_string();
    assert!(
        message.contains(BIOVALLEE) && message.contains("« 99 »") && message.contains("OrganisationRole"),
        "{message}"
    );
}

#[test]
fn other_bad_codes_are_refused_and_named() {
    let mut a = biovallee();
    a.transactions[0].finance_type = Some("999".into());
    assert_eq!(field(&a), "transaction[1]/finance-type/@code");
    let mut a = biovallee();
    a.transactions[1].kind = "0".into();
    assert_eq!(field(&a), "transaction[2]/transaction-type/@code");
    let mut a = biovallee();
    a.recipient_country = "XX".into();
    assert_eq!(field(&a), "recipient-country/@code");
    let mut a = biovallee();
    a.results[1].indicators[0].measure = "9".into();
    assert_eq!(field(&a), "result[2]/indicator[1]/@measure");
    let mut a = biovallee();
    a.budgets[0].status = "3".into();
    assert_eq!(field(&a), "budget[1]/@status");
}

#[test]
fn a_budget_longer_than_a_year_is_refused() {
    let mut a = biovallee();
    a.budgets[1].start = date!(2021 - 01 - 01);
    a.budgets[1].end = date!(2022 - 01 - 01);
    assert_eq!(field(&a), "budget[2]/period-end");
    a.budgets[1].end = date!(2021 - 12 - 31);
    check_activity(&a).expect("one calendar year is fine");
    a.budgets[1].end = date!(2020 - 12 - 31);
    assert_eq!(field(&a), "budget[2]/period-end", "ends before it starts");
}

#[test]
fn negative_amounts_missing_texts_and_uneven_shares_are_refused() {
    let mut a = biovallee();
    a.transactions[2].value = Money(-1);
    assert_eq!(field(&a), "transaction[3]/value");
    let mut a = biovallee();
    a.title = "  ".into();
    assert_eq!(field(&a), "title/narrative");
    let mut a = biovallee();
    a.participating_orgs.clear();
    assert_eq!(field(&a), "participating-org");
    let mut a = biovallee();
    a.sectors[0].percentage = 4_000;
    assert_eq!(field(&a), "sector/@percentage");
    let mut a = biovallee();
    a.results[1].indicators[0].periods[0].target = None;
    assert_eq!(field(&a), "result[2]/indicator[1]/period[1]/target/@value");
    let mut a = biovallee();
    a.results[1].indicators[0].periods[0].target = Some(f64::NAN);
    assert_eq!(field(&a), "result[2]/indicator[1]/period[1]/target/@value");
}

#[test]
fn the_stream_stops_before_an_invalid_project() {
    let d = data();
    let s = d.sources();
    let reporting = reporting_org(&d.publisher).expect("reporting org");
    let programme = s.programme_activity().expect("programme");
    let mut projects: Vec<Activity> = s.project_activities().expect("projects").collect();
    projects[0].budgets[0].value = Money(-100);
    let mut out = Vec::new();
    let err = write_activities(&reporting, &programme, projects, GENERATED, &mut out).expect_err("refused");
    assert!(matches!(&err, IatiError::Invalid { activity, field, .. } if activity == BIOVALLEE && field == "budget[1]/value"));
    let written = String::from_utf8(out).expect("UTF-8");
    assert!(written.contains("hierarchy=\"1\""), "the programme was written");
    assert!(
        !written.contains(&format!("<iati-identifier>{BIOVALLEE}")),
        "nothing of the bad project"
    );
    assert!(
        !written.contains("</iati-activities>"),
        "the document is left unfinished, for the caller to discard"
    );
}

#[test]
fn an_invalid_programme_writes_nothing() {
    let d = data();
    let s = d.sources();
    let reporting = reporting_org(&d.publisher).expect("reporting org");
    let mut programme = s.programme_activity().expect("programme");
    programme.status = "7".into();
    let mut out = Vec::new();
    let err = write_activities(&reporting, &programme, Vec::new(), GENERATED, &mut out).expect_err("refused");
    assert!(err.to_string().contains("activity-status/@code"), "{err}");
    assert!(out.is_empty());
}

#[test]
fn the_organisation_file_is_checked_before_writing() {
    let d = data();
    let mut file = organisation_file(&d.sources()).expect("organisation");
    check_organisation(&file).expect("valid");
    file.total_budgets[0].1 = date!(2021 - 06 - 30);
    let mut out = Vec::new();
    let err = write_organisation(&file, GENERATED, &mut out).expect_err("refused");
    assert!(
        matches!(&err, IatiError::Invalid { activity, field, .. } if activity == "FR-RCS-180020026" && field == "total-budget[1]/period-end"),
        "{err}"
    );
    assert!(out.is_empty());
    let mut file = organisation_file(&d.sources()).expect("organisation");
    file.org.kind = Some("12".into());
    assert!(check_organisation(&file)
        .expect_err("refused")
        .to_string()
        .contains("reporting-org/@type"));
}
