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
use time::macros::{date, datetime};

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
                slug: "ami-2017".into(),
                title: "Appel à manifestation d'intérêt Territoires d'Innovation 2017".into(),
                kind: CallKind::ExpressionOfInterest,
                year: 2017,
                opened_on: None,
                closes_at: None,
                time_zone: "Europe/Paris".into(),
                themes: vec![],
                eligibility: vec![],
                applications: 117,
                selected: 24,
            },
            Call {
                slug: "aap-2018".into(),
                title: "Appel à projets Territoires d'Innovation 2018".into(),
                kind: CallKind::CallForProjects,
                year: 2018,
                opened_on: Some(date!(2018 - 11 - 23)),
                // Not in the press kit: a made-up instant, in Paris winter time, to check
                // that the instant survives the UTC storage.
                closes_at: Some(datetime!(2019-03-15 12:00 +01:00)),
                time_zone: "Europe/Paris".into(),
                themes: vec![Theme::Digital, Theme::EcologicalEnergyTransition],
                eligibility: vec!["Être une collectivité ou un groupement de collectivités.".into()],
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
        call: Some("aap-2018".into()),
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
    let report = s.import(&programme(), &projects, Refuse, "test").await.unwrap();
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
async fn calls_and_the_call_of_each_project_round_trip() {
    let s = store().await;
    let mut unlinked = project("havre", None);
    unlinked.call = None;
    let projects = vec![project("ouest", Some(1)), unlinked];
    s.import(&programme(), &projects, Refuse, "test").await.unwrap();
    let registry = s.load_registry().await.unwrap().expect("registry");
    let aap = registry.call("aap-2018").expect("aap-2018 stored");
    assert_eq!(aap, &programme().calls[1], "every field of the call");
    // 12:00 in Paris (UTC+1 in March) is 11:00 UTC; the offset is not kept, the instant is.
    assert_eq!(aap.closes_at, Some(datetime!(2019-03-15 11:00 UTC)));
    assert_eq!(aap.eligibility.len(), 1);
    assert_eq!(registry.call("ami-2017").map(|c| c.closes_at), Some(None), "unknown stays unknown");
    assert_eq!(registry.project("ouest").and_then(|p| p.call.as_deref()), Some("aap-2018"));
    assert_eq!(registry.project("havre").map(|p| p.call.clone()), Some(None));
    // Stored equal to imported: a second import is a no-op.
    let again = s.import(&programme(), &projects, Refuse, "test").await.unwrap();
    assert!(again.is_noop(), "{again:?}");
}

#[tokio::test]
async fn importing_twice_changes_nothing() {
    let s = store().await;
    let projects = vec![project("ouest", Some(6_500_000_000))];
    s.import(&programme(), &projects, Refuse, "test").await.unwrap();
    let again = s.import(&programme(), &projects, Refuse, "test").await.unwrap();
    assert_eq!(
        (again.inserted, again.updated, again.unchanged, again.programme_changed),
        (0, 0, 1, false)
    );
    assert_eq!(s.import_count().await.unwrap(), 1, "a no-op import leaves no trace");
}

#[tokio::test]
async fn a_changed_project_is_replaced() {
    let s = store().await;
    s.import(&programme(), &[project("ouest", Some(1))], Refuse, "test").await.unwrap();
    let mut changed = project("ouest", Some(2));
    changed.themes = vec![Theme::Agroecology, Theme::Digital];
    let report = s.import(&programme(), &[changed.clone()], Refuse, "test").await.unwrap();
    assert_eq!((report.inserted, report.updated, report.unchanged), (0, 1, 0));
    let registry = s.load_registry().await.unwrap().unwrap();
    assert_eq!(registry.project("ouest"), Some(&changed));
}

#[tokio::test]
async fn a_project_absent_from_the_import_is_refused_or_removed_as_asked() {
    let s = store().await;
    let both = [project("ouest", Some(1)), project("gone", None)];
    s.import(&programme(), &both, Refuse, "test").await.unwrap();
    let renamed = [project("ouest", Some(1)), project("renamed", None)];
    match s.import(&programme(), &renamed, Refuse, "test").await {
        Err(StoreError::AbsentFromSource(slugs)) => assert_eq!(slugs, ["gone"]),
        other => panic!("expected AbsentFromSource, got {other:?}"),
    }
    assert_eq!(s.load_registry().await.unwrap().unwrap().projects, both, "nothing written");
    let report = s.import(&programme(), &renamed, Remove, "test").await.unwrap();
    assert_eq!((report.inserted, report.removed.as_slice()), (1, ["gone".to_string()].as_slice()));
    assert_eq!(s.load_registry().await.unwrap().unwrap().projects, renamed);
}

#[tokio::test]
async fn a_failing_import_leaves_the_database_as_it_was() {
    let s = store().await;
    let good = vec![project("ouest", Some(1))];
    s.import(&programme(), &good, Refuse, "test").await.unwrap();
    // A project listing the same theme twice violates the link table's primary key, after
    // the programme and a first project have been written in the transaction.
    let mut bad = project("second", None);
    bad.themes = vec![Theme::Health, Theme::Health];
    let mut other_programme = programme();
    other_programme.duration_years = 12;
    let err = s.import(&other_programme, &[project("ouest", Some(99)), bad], Refuse, "test").await;
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

// ---- The audit trail (issue 3, section 5) ----

use territoires_domain::audit::{Finding, GENESIS_HASH};
use territoires_store::testing::execute;

#[tokio::test]
async fn an_import_appends_one_audit_entry_and_a_no_op_import_none() {
    let s = store().await;
    assert!(s.audit_entries().await.unwrap().is_empty());
    s.import(
        &programme(),
        &[project("ouest", Some(1)), project("havre", None)],
        Refuse,
        "cli:alice",
    )
    .await
    .unwrap();
    let entries = s.audit_entries().await.unwrap();
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!((e.seq, e.actor.as_str(), e.action.as_str()), (1, "cli:alice", "registry.import"));
    assert_eq!(e.subject, "programme:territoires-d-innovation");
    assert_eq!(e.prev_hash, GENESIS_HASH);
    assert_eq!(e.before, serde_json::Value::Null, "nothing was stored before");
    assert_eq!(e.after["projects"], 2);
    assert_eq!(e.after["source_file"], "dp.md");
    assert_eq!(e.after["counts"]["inserted"], 2);
    assert_eq!(e.after["slugs"]["inserted"], serde_json::json!(["ouest", "havre"]));
    assert!(!e.after.to_string().contains("Ouest Territoires"), "a summary, not the data");

    s.import(
        &programme(),
        &[project("ouest", Some(1)), project("havre", None)],
        Refuse,
        "cli:alice",
    )
    .await
    .unwrap();
    assert_eq!(s.audit_entries().await.unwrap().len(), 1, "a no-op import appends nothing");

    s.import(&programme(), &[project("ouest", Some(2))], Remove, "cli:bob")
        .await
        .unwrap();
    let entries = s.audit_entries().await.unwrap();
    assert_eq!(entries.len(), 2);
    let e = &entries[1];
    assert_eq!((e.seq, e.actor.as_str(), &e.prev_hash), (2, "cli:bob", &entries[0].hash));
    assert_eq!(e.before["projects"], 2);
    assert_eq!(e.after["slugs"]["updated"], serde_json::json!(["ouest"]));
    assert_eq!(e.after["slugs"]["removed"], serde_json::json!(["havre"]));
    let v = s.verify_audit().await.unwrap();
    assert!(v.is_intact(), "{:?}", v.findings);
    assert_eq!(v.entries, 2);
    assert_eq!(v.head, Some((2, e.hash.clone())));
}

#[tokio::test]
async fn a_failed_import_appends_no_audit_entry() {
    let s = store().await;
    s.import(&programme(), &[project("ouest", Some(1)), project("gone", None)], Refuse, "test")
        .await
        .unwrap();
    assert!(s.import(&programme(), &[project("ouest", Some(1))], Refuse, "test").await.is_err());
    assert_eq!(s.audit_entries().await.unwrap().len(), 1, "rolled back with the import");
}

/// A store with two audit entries (two imports that changed something).
async fn store_with_two_entries() -> Store {
    let s = store().await;
    s.import(&programme(), &[project("ouest", Some(1))], Refuse, "cli:alice")
        .await
        .unwrap();
    s.import(&programme(), &[project("ouest", Some(2))], Refuse, "cli:alice")
        .await
        .unwrap();
    assert_eq!(s.audit_entries().await.unwrap().len(), 2);
    assert!(s.verify_audit().await.unwrap().is_intact());
    s
}

#[tokio::test]
async fn an_entry_edited_in_the_database_is_found() {
    let s = store_with_two_entries().await;
    let n = execute(&s, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1").await.unwrap();
    assert_eq!(n, 1);
    assert_eq!(s.verify_audit().await.unwrap().findings, [Finding::Edited { seq: 1 }]);
}

#[tokio::test]
async fn an_after_edited_into_non_json_is_found_as_an_edit() {
    let s = store_with_two_entries().await;
    execute(&s, "UPDATE audit_log SET after_json = '{oops' WHERE seq = 2")
        .await
        .unwrap();
    assert_eq!(s.verify_audit().await.unwrap().findings, [Finding::Edited { seq: 2 }]);
}

#[tokio::test]
async fn a_deleted_entry_is_found() {
    let s = store_with_two_entries().await;
    execute(&s, "DELETE FROM audit_log WHERE seq = 1").await.unwrap();
    assert_eq!(
        s.verify_audit().await.unwrap().findings,
        [Finding::Gap { after_seq: 0, next_seq: 2 }, Finding::Broken { seq: 2 }]
    );
}

#[tokio::test]
async fn swapped_entries_are_found() {
    let s = store_with_two_entries().await;
    // Three steps, since seq is the primary key.
    execute(&s, "UPDATE audit_log SET seq = 100 WHERE seq = 1").await.unwrap();
    execute(&s, "UPDATE audit_log SET seq = 1 WHERE seq = 2").await.unwrap();
    execute(&s, "UPDATE audit_log SET seq = 2 WHERE seq = 100").await.unwrap();
    let findings = s.verify_audit().await.unwrap().findings;
    // Each row's seq is part of its hash, and each link now points the wrong way.
    assert_eq!(
        findings,
        [
            Finding::Edited { seq: 1 },
            Finding::Broken { seq: 1 },
            Finding::Edited { seq: 2 },
            Finding::Broken { seq: 2 }
        ]
    );
}

#[tokio::test]
async fn the_chain_continues_across_connections() {
    let base = std::env::var("TEST_DATABASE_URL").ok();
    let url = fresh_database_url(base.as_deref()).await.unwrap();
    let first = Store::connect(&url).await.unwrap();
    first.import(&programme(), &[project("ouest", Some(1))], Refuse, "a").await.unwrap();
    first.close().await;
    let second = Store::connect(&url).await.unwrap();
    second
        .import(&programme(), &[project("ouest", Some(2))], Refuse, "b")
        .await
        .unwrap();
    let entries = second.audit_entries().await.unwrap();
    assert_eq!(entries.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(entries[1].prev_hash, entries[0].hash);
    assert!(second.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn concurrent_imports_never_fork_the_chain() {
    let base = std::env::var("TEST_DATABASE_URL").ok();
    let url = fresh_database_url(base.as_deref()).await.unwrap();
    let first = Store::connect(&url).await.unwrap();
    first.import(&programme(), &[project("ouest", Some(1))], Refuse, "a").await.unwrap();
    let mut tasks = Vec::new();
    for budget in 2..6 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let s = Store::connect(&url).await.unwrap();
            s.import(&programme(), &[project("ouest", Some(budget))], Refuse, "racer")
                .await
                .is_ok()
        }));
    }
    let mut succeeded = 1;
    for t in tasks {
        succeeded += usize::from(t.await.unwrap());
    }
    let entries = first.audit_entries().await.unwrap();
    // Losers rolled back whole: one entry per import that committed, numbered 1..=n.
    assert_eq!(entries.len(), succeeded);
    assert_eq!(
        entries.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=succeeded as i64).collect::<Vec<_>>()
    );
    let v = first.verify_audit().await.unwrap();
    assert!(v.is_intact(), "{:?}", v.findings);
}
