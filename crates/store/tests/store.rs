//! The store on the backend named by `TEST_DATABASE_URL` (a fresh SQLite file when unset):
//! round trip, idempotent import, replacement of a changed project, and all-or-nothing
//! failure.

use territoires_domain::programme::{Call, CallKind, ClaimSubject, Envelope, EnvelopeKind, HeadlineClaim, Source};
use territoires_domain::project::{FicheSource, TextBlock};
use territoires_domain::vocabulary::{Region, TerritoryKind, Theme};
use territoires_domain::{Money, Programme, Project};
use territoires_store::testing::fresh_database_url;
use territoires_store::AbsentProjects::{Refuse, Remove};
use territoires_store::{Store, StoreError};
use time::macros::date;

async fn store() -> Store {
    let base = std::env::var("TEST_DATABASE_URL").ok();
    let url = fresh_database_url(base.as_deref()).await.expect("fresh database");
    Store::connect(&url).await.expect("connect and migrate")
}

fn programme() -> Programme {
    Programme {
        slug: "territoires-d-innovation".into(),
        name: "Territoires d'Innovation".into(),
        parent_programme: "Programme d'investissements d'avenir (PIA)".into(),
        operator: "Banque des Territoires".into(),
        total_amount: Money::from_euros(450_000_000).unwrap(),
        duration_years: 10,
        envelopes: vec![
            Envelope {
                kind: EnvelopeKind::Subsidy,
                cap: Money::from_euros(150_000_000).unwrap(),
            },
            Envelope {
                kind: EnvelopeKind::Equity,
                cap: Money::from_euros(300_000_000).unwrap(),
            },
        ],
        calls: vec![
            Call {
                kind: CallKind::ExpressionOfInterest,
                year: 2017,
                opened_on: None,
                applications: 117,
                selected: 24,
            },
            Call {
                kind: CallKind::CallForProjects,
                year: 2018,
                opened_on: Some(date!(2018 - 11 - 23)),
                applications: 48,
                selected: 24,
            },
        ],
        target_themes: vec!["La transition numérique".into(), "L'énergie durable".into()],
        headline_claims: vec![
            HeadlineClaim {
                subject: ClaimSubject::Partners,
                value: 1900,
                raw: "1 900 partenaires".into(),
                line: 47,
            },
            HeadlineClaim {
                subject: ClaimSubject::ThemeCount("Santé".into()),
                value: 3,
                raw: "3 Santé".into(),
                line: 80,
            },
        ],
        source: Source {
            title: "Dossier de presse".into(),
            file: "dp.md".into(),
            published_on: date!(2019 - 09 - 13),
            licence: "Licence Ouverte / Etalab 2.0".into(),
        },
    }
}

fn project(slug: &str, budget: Option<i64>) -> Project {
    Project {
        slug: slug.into(),
        name: "Ouest Territoires d'Élevage".into(),
        heading: "OUEST TERRITOIRES D'ÉLEVAGE".into(),
        toc_title: "OUEST TERRITOIRES D'ÉLEVAGE".into(),
        regions: vec![
            Region::from_code("52").unwrap(),
            Region::from_code("28").unwrap(),
            Region::from_code("53").unwrap(),
        ],
        region_raw: "PAYS DE LA LOIRE".into(),
        lead: "Institut National de la Recherche Agronomique (INRA)".into(),
        lead_detail: None,
        partners: 41,
        local_authorities: 5,
        themes: vec![Theme::Agroecology],
        themes_raw: "Agroécologie".into(),
        territory_kinds: vec![TerritoryKind::Rural],
        territory_kinds_raw: "Territoires ruraux".into(),
        population: 162_000,
        planned_budget: budget.map(Money),
        ambition: vec![
            TextBlock::paragraph("L'ambition stratégique…"),
            TextBlock::item("un enjeu économique"),
        ],
        strategic_objectives: vec![
            TextBlock::paragraph("Deux axes :"),
            TextBlock::item("Améliorer le bien-être animal ;"),
        ],
        impacts_2030: vec!["Impliquer 50 % des éleveurs dans la démarche ;".into()],
        subsidy_ceiling: Money(450_000_000),
        investment_potential: Money(1_090_000_000),
        source: FicheSource {
            line: 1423,
            page: Some(33),
        },
    }
}

#[tokio::test]
async fn empty_store_has_no_registry() {
    assert!(store().await.load_registry().await.unwrap().is_none());
}

#[tokio::test]
async fn round_trip_keeps_every_field() {
    let s = store().await;
    let projects = vec![project("ouest", Some(6_500_000_000)), project("havre", None)];
    let report = s.import(&programme(), &projects, Refuse).await.unwrap();
    assert_eq!(
        (report.inserted, report.updated, report.unchanged, report.programme_changed),
        (2, 0, 0, true)
    );
    let registry = s.load_registry().await.unwrap().expect("registry");
    assert_eq!(registry.programme, programme());
    assert_eq!(registry.projects, projects, "document order and every field survive");
    assert_eq!(registry.projects[1].planned_budget, None, "a missing budget stays missing, not 0");
}

#[tokio::test]
async fn importing_twice_changes_nothing() {
    let s = store().await;
    let projects = vec![project("ouest", Some(6_500_000_000))];
    s.import(&programme(), &projects, Refuse).await.unwrap();
    let again = s.import(&programme(), &projects, Refuse).await.unwrap();
    assert_eq!(
        (again.inserted, again.updated, again.unchanged, again.programme_changed),
        (0, 0, 1, false)
    );
    assert_eq!(s.import_count().await.unwrap(), 1, "a no-op import leaves no trace");
}

#[tokio::test]
async fn a_changed_project_is_replaced() {
    let s = store().await;
    s.import(&programme(), &[project("ouest", Some(1))], Refuse).await.unwrap();
    let mut changed = project("ouest", Some(2));
    changed.themes = vec![Theme::Agroecology, Theme::Digital];
    let report = s.import(&programme(), &[changed.clone()], Refuse).await.unwrap();
    assert_eq!((report.inserted, report.updated, report.unchanged), (0, 1, 0));
    let registry = s.load_registry().await.unwrap().unwrap();
    assert_eq!(registry.project("ouest"), Some(&changed));
}

#[tokio::test]
async fn a_project_absent_from_the_import_is_refused_or_removed_as_asked() {
    let s = store().await;
    let both = [project("ouest", Some(1)), project("gone", None)];
    s.import(&programme(), &both, Refuse).await.unwrap();
    let renamed = [project("ouest", Some(1)), project("renamed", None)];
    match s.import(&programme(), &renamed, Refuse).await {
        Err(StoreError::AbsentFromSource(slugs)) => assert_eq!(slugs, ["gone"]),
        other => panic!("expected AbsentFromSource, got {other:?}"),
    }
    assert_eq!(s.load_registry().await.unwrap().unwrap().projects, both, "nothing written");
    let report = s.import(&programme(), &renamed, Remove).await.unwrap();
    assert_eq!((report.inserted, report.removed.as_slice()), (1, ["gone".to_string()].as_slice()));
    assert_eq!(s.load_registry().await.unwrap().unwrap().projects, renamed);
}

#[tokio::test]
async fn a_failing_import_leaves_the_database_as_it_was() {
    let s = store().await;
    let good = vec![project("ouest", Some(1))];
    s.import(&programme(), &good, Refuse).await.unwrap();
    // A project listing the same theme twice violates the link table's primary key, after
    // the programme and a first project have been written in the transaction.
    let mut bad = project("second", None);
    bad.themes = vec![Theme::Health, Theme::Health];
    let mut other_programme = programme();
    other_programme.duration_years = 12;
    let err = s.import(&other_programme, &[project("ouest", Some(99)), bad], Refuse).await;
    assert!(err.is_err(), "duplicate link must fail");
    let registry = s.load_registry().await.unwrap().unwrap();
    assert_eq!(registry.programme, programme(), "programme untouched");
    assert_eq!(registry.projects, good, "projects untouched");
    assert_eq!(s.import_count().await.unwrap(), 1);
}

#[tokio::test]
async fn unsupported_url_is_a_clear_error() {
    let err = Store::connect("mysql://user:s3cret@localhost/x").await.unwrap_err();
    assert!(err.to_string().contains("unsupported database URL"), "{err}");
    assert!(!err.to_string().contains("s3cret"), "password masked: {err}");
    assert!(Store::connect("sqlite://").await.is_err(), "no path");
}

#[tokio::test]
async fn an_unreachable_server_names_the_cause_at_once() {
    // Port 1 on loopback: nothing listens there.
    let err = Store::connect("postgres://postgres:pw@127.0.0.1:1/x").await.unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("cannot open postgres://postgres:***@127.0.0.1:1/x"), "{msg}");
    assert!(!msg.contains("timed out"), "the cause, not a pool time-out: {msg}");
}
