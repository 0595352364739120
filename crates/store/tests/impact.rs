//! Impact persistence on the backend named by `TEST_DATABASE_URL` (a fresh SQLite file
//! when unset): the catalogue and indicator versions, measurements with corrections and
//! review, official figures, bulk import. Expected values are worked out by hand from the
//! issue's cases (issue 4, §3 and §7).

use territoires_domain::access::{Email, Role};
use territoires_domain::impact::aggregation::{series, total};
use territoires_domain::impact::catalogue::{Catalogue, Impact, ImpactOutcome, Mapping};
use territoires_domain::impact::measurement::{ReviewError, ReviewStep};
use territoires_domain::impact::{
    Baseline, Direction, Frequency, Indicator, IndicatorKind, MeasurementStatus as S, Observation, Period, Temporality,
};
use territoires_formats::measurements_csv;
use territoires_store::testing::fresh_database_url;
use territoires_store::{Actor, EventStep, ImpactRefusal, MemberRole, NewMeasurement, Store, StoreError};
use time::macros::date;

async fn store() -> Store {
    let url = fresh_database_url(std::env::var("TEST_DATABASE_URL").ok().as_deref())
        .await
        .expect("fresh database");
    Store::connect(&url).await.expect("connect")
}

fn indicator(code: &str, project: Option<&str>, kind: IndicatorKind, temporality: Temporality, unit: &str) -> Indicator {
    Indicator {
        code: code.to_owned(),
        project: project.map(str::to_owned),
        name: format!("Indicateur {code}"),
        definition: "Ce qui est compté.".to_owned(),
        unit: unit.to_owned(),
        kind,
        direction: Direction::Increase,
        temporality,
        baseline: None,
        targets: vec![],
        data_source: "Registre du projet".to_owned(),
        method: "Comptage".to_owned(),
        frequency: Frequency::Quarterly,
        responsible: "Ville de Valence".to_owned(),
        version: 1,
    }
}

const JOBS: &str = "vallee.emplois-crees";
const SHARE: &str = "vallee.menages-equipes";
const NOTE: &str = "vallee.gouvernance";

/// Three indicators of project `vallee` (jobs created, cumulative; households equipped, a
/// percentage; governance, qualitative), two sentences, one mapping.
fn catalogue() -> Catalogue {
    let mut jobs = indicator(JOBS, Some("vallee"), IndicatorKind::Quantity, Temporality::Cumulative, "jobs");
    jobs.baseline = Some(Baseline {
        value: 100.0,
        date: date!(2020 - 12 - 31),
        source: "fiche".to_owned(),
    });
    Catalogue {
        indicators: vec![
            jobs,
            indicator(SHARE, Some("vallee"), IndicatorKind::Percentage, Temporality::Level, "percent"),
            indicator(NOTE, Some("vallee"), IndicatorKind::Qualitative, Temporality::Level, "persons"),
        ],
        impacts: vec![
            Impact {
                project: "vallee".to_owned(),
                position: 1,
                sentence: "Créer 1 000 emplois".to_owned(),
                outcome: ImpactOutcome::Structured {
                    indicators: vec![JOBS.to_owned()],
                },
            },
            Impact {
                project: "vallee".to_owned(),
                position: 2,
                sentence: "Une gouvernance partagée".to_owned(),
                outcome: ImpactOutcome::Qualitative {
                    reason: "aucune valeur chiffrée".to_owned(),
                },
            },
        ],
        mappings: vec![Mapping {
            indicator: JOBS.to_owned(),
            programme_indicator: "jobs-created".to_owned(),
        }],
    }
}

async fn account(store: &Store, email: &str, role: Role) -> Actor {
    let new = territoires_store::NewAccount {
        email: Email::parse(email).unwrap(),
        display_name: email.split('@').next().unwrap(),
        role,
        organisation: None,
        password: None,
    };
    Actor::account(&store.create_account(new, "test").await.unwrap())
}

struct Cast {
    lead: Actor,
    other_partner: Actor,
    instructor: Actor,
    manager: Actor,
    admin: Actor,
    expert: Actor,
}

/// The catalogue imported, and accounts: the lead of `vallee` (a member), a partner of
/// another project, an instructor, a programme manager, an administrator, an expert.
async fn setup(store: &Store) -> Cast {
    store.replace_catalogue(&catalogue(), "test").await.unwrap();
    let cast = Cast {
        lead: account(store, "porteur@vallee.fr", Role::ProjectLead).await,
        other_partner: account(store, "partenaire@autre.fr", Role::Partner).await,
        instructor: account(store, "instructeur@etat.fr", Role::Instructor).await,
        manager: account(store, "charge@operateur.fr", Role::ProgrammeManager).await,
        admin: account(store, "admin@operateur.fr", Role::OperatorAdmin).await,
        expert: account(store, "expert@comite.fr", Role::Expert).await,
    };
    let id = |a: &Actor| a.account_id.unwrap();
    store
        .add_project_member("vallee", id(&cast.lead), MemberRole::Lead, "test")
        .await
        .unwrap();
    store
        .add_project_member("autre", id(&cast.other_partner), MemberRole::Partner, "test")
        .await
        .unwrap();
    cast
}

fn jobs(period: Period, reporter: &str, value: f64) -> NewMeasurement {
    NewMeasurement {
        indicator: JOBS.to_owned(),
        period,
        reporter: reporter.to_owned(),
        observation: Some(Observation::Value { value }),
        source: Some("Registre des embauches".to_owned()),
        method: None,
        evidence: Some("https://exemple.fr/registre.pdf".to_owned()),
        submit: false,
    }
}

const Q1: Period = Period::Quarter(2025, 1);
const Q2: Period = Period::Quarter(2025, 2);
const Q3: Period = Period::Quarter(2025, 3);

fn refusal(e: StoreError) -> ImpactRefusal {
    match e {
        StoreError::Impact(r) => r,
        other => panic!("expected an impact refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn cumulative_jobs_with_corrections_and_a_second_reporter() {
    let store = store().await;
    let c = setup(&store).await;
    let q1 = store.record_measurement(jobs(Q1, "P1", 120.0), &c.lead).await.unwrap();
    let q2 = store.record_measurement(jobs(Q2, "P1", 150.0), &c.lead).await.unwrap();
    let q2b = store.correct_measurement(q2.id, jobs(Q2, "P1", 155.0), &c.lead).await.unwrap();
    store.record_measurement(jobs(Q2, "P2", 40.0), &c.lead).await.unwrap();
    let q1b = store.correct_measurement(q1.id, jobs(Q1, "P1", 130.0), &c.lead).await.unwrap();

    let reported = store.reported(Some(JOBS), &[]).await.unwrap();
    let points = series(IndicatorKind::Quantity, Temporality::Cumulative, &reported, &[Q1, Q2, Q3]);
    let values: Vec<(Period, Option<f64>, bool)> = points.iter().map(|p| (p.period, p.value, p.carried)).collect();
    // Q1: P1's late correction 130. Q2: P1's corrected 155 + P2's 40 = 195 (the Q1
    // correction does not change it). Q3: nothing reported, 195 carried over.
    assert_eq!(
        values,
        [(Q1, Some(130.0), false), (Q2, Some(195.0), false), (Q3, Some(195.0), true)]
    );
    assert_eq!(total(Temporality::Cumulative, &points).value, Some(195.0));

    // Nothing erased: five rows, the two corrected ones pointing at their corrections.
    let all = store.measurements(JOBS).await.unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(all[0].observation, Some(Observation::Value { value: 120.0 }));
    assert_eq!(all[0].superseded_by, Some(q1b.id));
    assert_eq!(all[1].superseded_by, Some(q2b.id));
    assert_eq!(q2b.supersedes, Some(q2.id));
    assert_eq!(all[0].period_end, date!(2025 - 03 - 31));
    assert_eq!(all[0].submitted_by, "porteur@vallee.fr");
    assert_eq!(all[0].evidence.as_deref(), Some("https://exemple.fr/registre.pdf"));
    assert_eq!(all[0].method, None);

    // A superseded measurement is corrected through its correction only.
    let again = store.correct_measurement(q2.id, jobs(Q2, "P1", 160.0), &c.lead).await.unwrap_err();
    assert_eq!(refusal(again), ImpactRefusal::Superseded { id: q2.id, by: q2b.id });
    assert_eq!(
        store
            .measurement_events(q2.id)
            .await
            .unwrap()
            .iter()
            .map(|e| e.step)
            .collect::<Vec<_>>(),
        [EventStep::Record, EventStep::Superseded]
    );
}

#[tokio::test]
async fn official_figures_keep_the_approved_value_until_its_correction_is_approved() {
    let store = store().await;
    let c = setup(&store).await;
    let mut first = jobs(Q1, "P1", 120.0);
    first.submit = true;
    let first = store.record_measurement(first, &c.lead).await.unwrap();
    assert_eq!(first.status, S::Submitted);
    store
        .review_measurement(first.id, ReviewStep::Approve, &c.instructor, None)
        .await
        .unwrap();
    let fix = store.correct_measurement(first.id, jobs(Q1, "P1", 130.0), &c.lead).await.unwrap();
    assert_eq!(fix.status, S::Draft);

    let value_of = |r: Vec<territoires_domain::impact::Reported>| r.iter().map(|r| r.observation).collect::<Vec<_>>();
    // Official: still 120 while the correction is a draft, then under review.
    assert_eq!(
        value_of(store.reported(Some(JOBS), &[S::Approved]).await.unwrap()),
        [Observation::Value { value: 120.0 }]
    );
    // Working figures: the latest, 130.
    assert_eq!(
        value_of(store.reported(Some(JOBS), &[]).await.unwrap()),
        [Observation::Value { value: 130.0 }]
    );
    store.review_measurement(fix.id, ReviewStep::Submit, &c.lead, None).await.unwrap();
    assert_eq!(
        value_of(store.reported(None, &[S::Approved]).await.unwrap()),
        [Observation::Value { value: 120.0 }]
    );
    store
        .review_measurement(fix.id, ReviewStep::Approve, &c.manager, None)
        .await
        .unwrap();
    // Approved: the correction replaces it.
    assert_eq!(
        value_of(store.reported(Some(JOBS), &[S::Approved]).await.unwrap()),
        [Observation::Value { value: 130.0 }]
    );
    // The first stays approved and superseded.
    let old = store.measurement(first.id).await.unwrap().unwrap();
    assert_eq!((old.status, old.superseded_by), (S::Approved, Some(fix.id)));
}

#[tokio::test]
async fn review_flow_step_by_step_with_roles_and_audit() {
    let store = store().await;
    let c = setup(&store).await;
    let audit_before = store.audit_entries().await.unwrap().len();
    let m = store.record_measurement(jobs(Q1, "P1", 120.0), &c.lead).await.unwrap();
    assert_eq!(m.status, S::Draft);
    assert_eq!(m.indicator_version, 1);

    // A partner of another project may not submit it; an expert may not enter at all.
    let e = store
        .review_measurement(m.id, ReviewStep::Submit, &c.other_partner, None)
        .await
        .unwrap_err();
    assert_eq!(refusal(e), ImpactRefusal::NotMember("vallee".to_owned()));
    let e = store
        .review_measurement(m.id, ReviewStep::Submit, &c.expert, None)
        .await
        .unwrap_err();
    assert_eq!(refusal(e), ImpactRefusal::MayNotEnter(Role::Expert));
    let e = store.record_measurement(jobs(Q2, "P1", 1.0), &c.other_partner).await.unwrap_err();
    assert_eq!(refusal(e), ImpactRefusal::NotMember("vallee".to_owned()));

    let m = store.review_measurement(m.id, ReviewStep::Submit, &c.lead, None).await.unwrap();
    assert_eq!(m.status, S::Submitted);
    // Returning needs a reason.
    for blank in [None, Some("  ")] {
        let e = store
            .review_measurement(m.id, ReviewStep::Return, &c.instructor, blank)
            .await
            .unwrap_err();
        assert_eq!(refusal(e), ImpactRefusal::Review(ReviewError::ReasonRequired));
    }
    let m = store
        .review_measurement(m.id, ReviewStep::Return, &c.instructor, Some("Source manquante"))
        .await
        .unwrap();
    assert_eq!((m.status, m.return_reason.as_deref()), (S::Returned, Some("Source manquante")));

    let fixed = store.correct_measurement(m.id, jobs(Q1, "P1", 125.0), &c.lead).await.unwrap();
    assert_eq!(fixed.status, S::Draft);
    let e = store.review_measurement(m.id, ReviewStep::Submit, &c.lead, None).await.unwrap_err();
    assert_eq!(refusal(e), ImpactRefusal::Superseded { id: m.id, by: fixed.id });
    store.review_measurement(fixed.id, ReviewStep::Submit, &c.lead, None).await.unwrap();
    // Neither the administrator nor the project lead approves.
    for who in [&c.admin, &c.lead] {
        let e = store
            .review_measurement(fixed.id, ReviewStep::Approve, who, None)
            .await
            .unwrap_err();
        assert_eq!(
            refusal(e),
            ImpactRefusal::Review(ReviewError::Forbidden {
                role: who.role,
                step: ReviewStep::Approve
            })
        );
    }
    let approved = store
        .review_measurement(fixed.id, ReviewStep::Approve, &c.manager, None)
        .await
        .unwrap();
    assert_eq!(approved.status, S::Approved);
    let e = store
        .review_measurement(fixed.id, ReviewStep::Approve, &c.instructor, None)
        .await
        .unwrap_err();
    assert!(matches!(refusal(e), ImpactRefusal::Review(ReviewError::NotFromHere { .. })));

    let steps =
        |events: Vec<territoires_store::MeasurementEvent>| events.into_iter().map(|e| (e.step, e.actor, e.reason)).collect::<Vec<_>>();
    let s = |x: &str| x.to_owned();
    assert_eq!(
        steps(store.measurement_events(m.id).await.unwrap()),
        [
            (EventStep::Record, s("porteur@vallee.fr"), None),
            (EventStep::Submit, s("porteur@vallee.fr"), None),
            (EventStep::Return, s("instructeur@etat.fr"), Some(s("Source manquante"))),
            (
                EventStep::Superseded,
                s("porteur@vallee.fr"),
                Some(format!("remplacée par la mesure n° {}", fixed.id))
            ),
        ]
    );
    assert_eq!(
        steps(store.measurement_events(fixed.id).await.unwrap()),
        [
            (
                EventStep::Correct,
                s("porteur@vallee.fr"),
                Some(format!("remplace la mesure n° {}", m.id))
            ),
            (EventStep::Submit, s("porteur@vallee.fr"), None),
            (EventStep::Approve, s("charge@operateur.fr"), None),
        ]
    );
    // Every step in the audit trail, refused ones not; the chain still verifies.
    let audit = store.audit_entries().await.unwrap();
    let actions: Vec<(String, String)> = audit[audit_before..]
        .iter()
        .map(|e| (e.action.clone(), e.subject.clone()))
        .collect();
    let (a, b) = (format!("measurement:{}", m.id), format!("measurement:{}", fixed.id));
    let expected = [
        ("measurement.record", &a),
        ("measurement.submit", &a),
        ("measurement.return", &a),
        ("measurement.correct", &b),
        ("measurement.submit", &b),
        ("measurement.approve", &b),
    ];
    assert_eq!(actions, expected.map(|(x, y)| (x.to_owned(), y.clone())));
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn a_new_version_keeps_the_old_and_measurements_keep_theirs() {
    let store = store().await;
    let c = setup(&store).await;
    let before = store.record_measurement(jobs(Q1, "P1", 120.0), &c.lead).await.unwrap();
    assert_eq!(before.indicator_version, 1);

    let mut rebased = store.indicator(JOBS).await.unwrap().unwrap();
    rebased.baseline = Some(Baseline {
        value: 110.0,
        date: date!(2021 - 12 - 31),
        source: "Recensement 2021".to_owned(),
    });
    let e = store.update_indicator(JOBS, rebased.clone(), &c.manager, " ").await.unwrap_err();
    assert!(matches!(refusal(e), ImpactRefusal::Field { field: "motif", .. }));
    let v2 = store
        .update_indicator(JOBS, rebased.clone(), &c.manager, "Nouvelle base de référence 2021")
        .await
        .unwrap();
    assert_eq!(v2.version, 2);
    let e = store.update_indicator(JOBS, rebased, &c.manager, "encore").await.unwrap_err();
    assert!(matches!(refusal(e), ImpactRefusal::Field { field: "définition", .. }));

    let versions = store.indicator_versions(JOBS).await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].indicator.baseline.as_ref().map(|b| b.value), Some(100.0));
    assert_eq!((versions[0].reason.as_str(), versions[0].changed_by.as_str()), ("import", "test"));
    assert_eq!(versions[1].indicator.baseline.as_ref().map(|b| b.value), Some(110.0));
    assert_eq!(versions[1].reason, "Nouvelle base de référence 2021");
    assert_eq!(versions[1].changed_by, format!("account:{}", c.manager.account_id.unwrap()));
    assert_eq!(store.indicator(JOBS).await.unwrap().unwrap().version, 2);

    assert_eq!(store.measurement(before.id).await.unwrap().unwrap().indicator_version, 1);
    let after = store.record_measurement(jobs(Q2, "P1", 150.0), &c.lead).await.unwrap();
    assert_eq!(after.indicator_version, 2);
}

#[tokio::test]
async fn importing_the_catalogue_twice_changes_nothing_the_second_time() {
    let store = store().await;
    let first = store.replace_catalogue(&catalogue(), "cli:test").await.unwrap();
    assert_eq!(first.inserted, [JOBS, SHARE, NOTE]);
    assert!(first.statements_changed && first.mappings_changed);
    let second = store.replace_catalogue(&catalogue(), "cli:test").await.unwrap();
    assert!(!second.changed(), "{second:?}");
    assert_eq!(second.unchanged, 3);
    let count = |store: Store| async move {
        store
            .audit_entries()
            .await
            .unwrap()
            .iter()
            .filter(|e| e.action == "impact.catalogue")
            .count()
    };
    assert_eq!(count(store.clone()).await, 1);
    assert_eq!(store.indicators(Some("vallee")).await.unwrap().len(), 3);
    assert_eq!(store.indicators(Some("autre")).await.unwrap().len(), 0);
    assert_eq!(store.impact_statements(Some("vallee")).await.unwrap(), catalogue().impacts);
    assert_eq!(store.mappings().await.unwrap(), catalogue().mappings);

    // A changed definition makes version 2, reason « import »; the rest is unchanged.
    let mut changed = catalogue();
    changed.indicators[1].name = "Part des ménages équipés".to_owned();
    let third = store.replace_catalogue(&changed, "cli:test").await.unwrap();
    assert_eq!((third.new_versions.as_slice(), third.unchanged), ([SHARE.to_owned()].as_slice(), 2));
    assert!(!third.statements_changed && !third.mappings_changed);
    assert_eq!(store.indicator_versions(SHARE).await.unwrap()[1].reason, "import");
    assert_eq!(count(store.clone()).await, 2);

    // A mapping onto an unknown programme indicator: refused, nothing written.
    let mut bad = changed.clone();
    bad.indicators[0].name = "Emplois".to_owned();
    bad.mappings[0].programme_indicator = "emplois-inventes".to_owned();
    let e = store.replace_catalogue(&bad, "cli:test").await.unwrap_err();
    assert!(matches!(
        refusal(e),
        ImpactRefusal::Field {
            field: "programme_indicator",
            ..
        }
    ));
    assert_eq!(store.indicator_versions(JOBS).await.unwrap().len(), 1);
    assert_eq!(count(store.clone()).await, 2);
}

#[tokio::test]
async fn a_measurement_must_fit_its_indicator() {
    let store = store().await;
    let c = setup(&store).await;
    let field_of = |e: StoreError| match refusal(e) {
        ImpactRefusal::Field { field, .. } => field,
        other => panic!("expected a field refusal, got {other:?}"),
    };
    // A month for a quarterly indicator.
    let e = store
        .record_measurement(jobs(Period::Month(2025, 3), "P1", 1.0), &c.lead)
        .await
        .unwrap_err();
    assert_eq!(field_of(e), "période");
    // A value that is not finite; a fraction for a quantity.
    let e = store.record_measurement(jobs(Q1, "P1", f64::INFINITY), &c.lead).await.unwrap_err();
    assert_eq!(field_of(e), "valeur");
    let mut fraction = jobs(Q1, "P1", 1.0);
    fraction.observation = Some(Observation::Fraction {
        numerator: Some(1.0),
        denominator: Some(2.0),
    });
    let e = store.record_measurement(fraction.clone(), &c.lead).await.unwrap_err();
    assert_eq!(field_of(e), "numérateur");
    // A value for a percentage; a number for a qualitative indicator; a blank reporter.
    let mut share = jobs(Q1, "P1", 30.0);
    share.indicator = SHARE.to_owned();
    let e = store.record_measurement(share.clone(), &c.lead).await.unwrap_err();
    assert_eq!(field_of(e), "valeur");
    let mut note = jobs(Q1, "P1", 3.0);
    note.indicator = NOTE.to_owned();
    let e = store.record_measurement(note.clone(), &c.lead).await.unwrap_err();
    assert_eq!(field_of(e), "valeur");
    let e = store.record_measurement(jobs(Q1, " ", 3.0), &c.lead).await.unwrap_err();
    assert_eq!(field_of(e), "déclarant");
    let mut unknown = jobs(Q1, "P1", 3.0);
    unknown.indicator = "inconnu".to_owned();
    let e = refusal(store.record_measurement(unknown, &c.lead).await.unwrap_err());
    assert!(e.is_not_found());
    assert_eq!(e.to_string(), "indicateur : aucun indicateur n'a le code « inconnu »");
    assert!(store.measurements(JOBS).await.unwrap().is_empty());

    // What fits: a fraction with a missing denominator (kept missing, not 0), a
    // qualitative report with no number.
    share.observation = Some(Observation::Fraction {
        numerator: Some(15.0),
        denominator: None,
    });
    let m = store.record_measurement(share, &c.lead).await.unwrap();
    let back = store.measurement(m.id).await.unwrap().unwrap();
    assert_eq!(
        back.observation,
        Some(Observation::Fraction {
            numerator: Some(15.0),
            denominator: None
        })
    );
    note.observation = None;
    let m = store.record_measurement(note, &c.manager).await.unwrap();
    assert_eq!(store.measurement(m.id).await.unwrap().unwrap().observation, None);
    // Qualitative reports have no number to aggregate.
    assert!(store.reported(Some(NOTE), &[]).await.unwrap().is_empty());
}

/// The CLI's mapping of CSV rows to measurements.
fn from_csv(rows: Vec<measurements_csv::MeasurementRow>) -> Vec<NewMeasurement> {
    rows.into_iter()
        .map(|r| NewMeasurement {
            observation: r.observation(),
            indicator: r.indicator,
            period: r.period,
            reporter: r.reporter,
            source: r.source,
            method: r.method,
            evidence: r.evidence,
            submit: false,
        })
        .collect()
}

#[tokio::test]
async fn a_csv_import_with_one_bad_line_writes_nothing() {
    let store = store().await;
    setup(&store).await;
    let cli = Actor::cli("cli:test");
    let audit_before = store.audit_entries().await.unwrap().len();

    // A line the parser refuses: nothing reaches the store.
    let unreadable = format!("indicateur;période;valeur;déclarant\n{JOBS};2025-T1;120;P1\n{JOBS};2025-T2;12,5,3;P1\n");
    let errors = measurements_csv::parse(unreadable.as_bytes(), &|_| None).unwrap_err();
    assert!(
        errors
            .to_string()
            .starts_with("ligne 3, colonne C (valeur) : « 12,5,3 » n'est pas un nombre"),
        "{errors}"
    );

    // Lines that parse, the third of which the store refuses (a month for a quarterly
    // indicator): nothing written, the error names the row.
    let file = format!(
        "\u{feff}indicateur;période;valeur;numérateur;dénominateur;déclarant\n\
         {JOBS};2025-T1;1\u{202f}234,5;;;P1\n\
         {SHARE};2025-T1;;15;50;P1\n\
         {JOBS};2025-03;10;;;P2\n"
    );
    let rows = measurements_csv::parse(file.as_bytes(), &|_| None).unwrap().rows;
    assert_eq!(rows.len(), 3);
    // A dry run reports the same refusal and writes nothing either.
    let e = store.check_measurements(from_csv(rows.clone()), &cli).await.unwrap_err();
    assert!(matches!(refusal(e), ImpactRefusal::Rows(rows) if rows.len() == 1 && rows[0].0 == 3));
    let e = store.import_measurements(from_csv(rows.clone()), &cli).await.unwrap_err();
    match refusal(e) {
        ImpactRefusal::Rows(rows) => {
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].0, 3);
            assert!(matches!(rows[0].1, ImpactRefusal::Field { field: "période", .. }));
        }
        other => panic!("{other:?}"),
    }
    assert!(store.measurements(JOBS).await.unwrap().is_empty());
    assert!(store.measurements(SHARE).await.unwrap().is_empty());
    assert_eq!(store.audit_entries().await.unwrap().len(), audit_before);

    // Without the bad line, a dry run says two would be imported and writes nothing.
    let n = store.check_measurements(from_csv(rows[..2].to_vec()), &cli).await.unwrap();
    assert_eq!(n, 2);
    assert!(store.measurements(JOBS).await.unwrap().is_empty());
    assert_eq!(store.audit_entries().await.unwrap().len(), audit_before);

    // Imported: two measurements, the CSV's numbers as written.
    let n = store.import_measurements(from_csv(rows[..2].to_vec()), &cli).await.unwrap();
    assert_eq!(n, 2);
    let jobs = store.measurements(JOBS).await.unwrap();
    assert_eq!(jobs[0].observation, Some(Observation::Value { value: 1234.5 }));
    assert_eq!(jobs[0].submitted_by, "cli:test");
    let share = store.measurements(SHARE).await.unwrap();
    assert_eq!(
        share[0].observation,
        Some(Observation::Fraction {
            numerator: Some(15.0),
            denominator: Some(50.0)
        })
    );
    assert!(store.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn memberships() {
    let store = store().await;
    let c = setup(&store).await;
    let lead = c.lead.account_id.unwrap();
    let members = store.project_members("vallee").await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!((members[0].account_id, members[0].role), (lead, MemberRole::Lead));
    store.add_project_member("autre", lead, MemberRole::Partner, "test").await.unwrap();
    let of_lead: Vec<(String, MemberRole)> = store
        .memberships(lead)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.project_slug, m.role))
        .collect();
    assert_eq!(
        of_lead,
        [("autre".to_owned(), MemberRole::Partner), ("vallee".to_owned(), MemberRole::Lead)]
    );
    assert!(matches!(
        store.add_project_member("vallee", lead, MemberRole::Partner, "test").await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.add_project_member("vallee", 9_999, MemberRole::Partner, "test").await,
        Err(StoreError::NotFound(_))
    ));
}

#[tokio::test]
async fn re_importing_the_catalogue_keeps_a_baseline_set_on_the_platform() {
    let store = store().await;
    let c = setup(&store).await;
    // The programme manager re-baselines jobs: 100 at 2020-12-31 (the file) → 110 at
    // 2021-12-31 (version 2).
    let mut rebased = store.indicator(JOBS).await.unwrap().unwrap();
    let platform = Baseline {
        value: 110.0,
        date: date!(2021 - 12 - 31),
        source: "Recensement 2021".to_owned(),
    };
    rebased.baseline = Some(platform.clone());
    store
        .update_indicator(JOBS, rebased, &c.manager, "Nouvelle base 2021")
        .await
        .unwrap();
    // « import » is the catalogue's reason, not a platform one.
    let mut again = store.indicator(JOBS).await.unwrap().unwrap();
    again.name = "Emplois".to_owned();
    let e = store.update_indicator(JOBS, again, &c.manager, "Import").await.unwrap_err();
    assert!(matches!(refusal(e), ImpactRefusal::Field { field: "motif", .. }));

    // Re-importing the same file (baseline 100): nothing changes, the baseline stays 110.
    let summary = store.replace_catalogue(&catalogue(), "cli:test").await.unwrap();
    assert!(!summary.changed(), "{summary:?}");
    assert_eq!(summary.unchanged, 3);
    assert_eq!(store.indicator_versions(JOBS).await.unwrap().len(), 2);
    assert_eq!(store.indicator(JOBS).await.unwrap().unwrap().baseline, Some(platform.clone()));

    // The file's other fields still apply: a new name makes version 3 with the kept
    // baseline; importing it again changes nothing (the baseline is still the platform's).
    let mut renamed = catalogue();
    renamed.indicators[0].name = "Emplois créés".to_owned();
    let summary = store.replace_catalogue(&renamed, "cli:test").await.unwrap();
    assert_eq!(summary.new_versions, [JOBS]);
    let v3 = store.indicator(JOBS).await.unwrap().unwrap();
    assert_eq!((v3.version, v3.name.as_str()), (3, "Emplois créés"));
    assert_eq!(v3.baseline, Some(platform.clone()));
    let summary = store.replace_catalogue(&renamed, "cli:test").await.unwrap();
    assert!(!summary.changed(), "{summary:?}");
    assert_eq!(store.indicator(JOBS).await.unwrap().unwrap().baseline, Some(platform));

    // An indicator never re-baselined on the platform takes the file's baseline.
    let mut share = catalogue();
    share.indicators[0].name = "Emplois créés".to_owned();
    share.indicators[1].baseline = Some(Baseline {
        value: 20.0,
        date: date!(2020 - 12 - 31),
        source: "enquête".to_owned(),
    });
    let summary = store.replace_catalogue(&share, "cli:test").await.unwrap();
    assert_eq!(summary.new_versions, [SHARE]);
    assert_eq!(store.indicator(SHARE).await.unwrap().unwrap().baseline.map(|b| b.value), Some(20.0));
}

#[tokio::test]
async fn nobody_approves_or_returns_what_they_entered_or_corrected() {
    let store = store().await;
    let c = setup(&store).await;
    // The programme manager enters a submitted value for vallee.
    let mut own = jobs(Q1, "P1", 120.0);
    own.submit = true;
    let m = store.record_measurement(own, &c.manager).await.unwrap();
    for (step, reason) in [(ReviewStep::Approve, None), (ReviewStep::Return, Some("à revoir"))] {
        let e = store.review_measurement(m.id, step, &c.manager, reason).await.unwrap_err();
        let r = refusal(e);
        assert_eq!(r, ImpactRefusal::OwnMeasurement(m.id));
        assert_eq!(
            r.to_string(),
            format!(
                "vous avez saisi la mesure n° {} : une autre personne doit la valider ou la renvoyer",
                m.id
            )
        );
    }
    assert_eq!(store.measurement(m.id).await.unwrap().unwrap().status, S::Submitted);
    // Another reviewer returns it; a second programme manager corrects it, submits it, and
    // may not approve the correction; the first manager (who entered the first value, not
    // this one) may.
    store
        .review_measurement(m.id, ReviewStep::Return, &c.instructor, Some("Source manquante"))
        .await
        .unwrap();
    let second = account(&store, "charge2@operateur.fr", Role::ProgrammeManager).await;
    let mut fix = jobs(Q1, "P1", 125.0);
    fix.submit = true;
    let fix = store.correct_measurement(m.id, fix, &second).await.unwrap();
    let e = store
        .review_measurement(fix.id, ReviewStep::Approve, &second, None)
        .await
        .unwrap_err();
    assert_eq!(refusal(e), ImpactRefusal::OwnMeasurement(fix.id));
    let ok = store
        .review_measurement(fix.id, ReviewStep::Approve, &c.manager, None)
        .await
        .unwrap();
    assert_eq!(ok.status, S::Approved);
    // The command line is one actor too.
    let cli = Actor::cli("cli:alice");
    let mut by_cli = jobs(Q2, "P1", 150.0);
    by_cli.submit = true;
    let m = store.record_measurement(by_cli, &cli).await.unwrap();
    let e = store.review_measurement(m.id, ReviewStep::Approve, &cli, None).await.unwrap_err();
    assert_eq!(refusal(e), ImpactRefusal::OwnMeasurement(m.id));
}

#[tokio::test]
async fn a_period_after_today_is_refused() {
    let store = store().await;
    let c = setup(&store).await;
    let today = time::OffsetDateTime::now_utc().date();
    // Next quarter starts after today, whatever today is; 2031 too.
    let (y, q) = (today.year(), (u8::from(today.month()) - 1) / 3 + 1);
    let next = if q == 4 {
        Period::Quarter(y + 1, 1)
    } else {
        Period::Quarter(y, q + 1)
    };
    let this = Period::Quarter(y, q);
    let future_field = |e: StoreError| match refusal(e) {
        ImpactRefusal::Field { field, why } => {
            assert!(why.contains("après aujourd'hui"), "{why}");
            field
        }
        other => panic!("{other:?}"),
    };
    for period in [Period::Quarter(2031, 1), next] {
        let e = store.record_measurement(jobs(period, "P1", 1.0), &c.lead).await.unwrap_err();
        assert_eq!(future_field(e), "période");
    }
    // The current quarter has started: accepted; correcting it into the future is not.
    let m = store.record_measurement(jobs(this, "P1", 1.0), &c.lead).await.unwrap();
    let e = store.correct_measurement(m.id, jobs(next, "P1", 2.0), &c.lead).await.unwrap_err();
    assert_eq!(future_field(e), "période");
    assert_eq!(store.measurements(JOBS).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_baseline_after_a_target_is_refused_by_update_indicator() {
    let store = store().await;
    let c = setup(&store).await;
    let mut late = store.indicator(JOBS).await.unwrap().unwrap();
    late.targets = vec![territoires_domain::impact::target::Target {
        due: date!(2027 - 12 - 31),
        spec: territoires_domain::impact::target::TargetSpec::Absolute { value: 1000.0 },
        statement: None,
    }];
    late.baseline = Some(Baseline {
        value: 100.0,
        date: date!(2040 - 12 - 31),
        source: "erreur".to_owned(),
    });
    let e = store.update_indicator(JOBS, late, &c.manager, "Rebasage").await.unwrap_err();
    match refusal(e) {
        ImpactRefusal::Definition { source, .. } => {
            assert!(matches!(
                source,
                territoires_domain::impact::ImpactError::Invalid {
                    field: "baseline.date",
                    ..
                }
            ))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(store.indicator_versions(JOBS).await.unwrap().len(), 1);
}

#[tokio::test]
async fn absurd_values_are_refused_naming_the_field() {
    let store = store().await;
    let c = setup(&store).await;
    let share = |numerator: Option<f64>, denominator: Option<f64>| {
        let mut m = jobs(Q1, "P1", 0.0);
        m.indicator = SHARE.to_owned();
        m.observation = Some(Observation::Fraction { numerator, denominator });
        m
    };
    let refused = |e: StoreError| match refusal(e) {
        ImpactRefusal::Field { field, why } => (field, why),
        other => panic!("{other:?}"),
    };
    // 60 of 50 households would be 120 %.
    let (f, why) = refused(store.record_measurement(share(Some(60.0), Some(50.0)), &c.lead).await.unwrap_err());
    assert_eq!(f, "numérateur");
    assert!(why.contains("100 %"), "{why}");
    // A negative numerator is named as such (it used to say « dénominateur »).
    let e = refusal(store.record_measurement(share(Some(-1.0), Some(50.0)), &c.lead).await.unwrap_err());
    assert_eq!(e.to_string(), "numérateur : un numérateur est un compte, jamais négatif");
    let (f, _) = refused(store.record_measurement(share(Some(1.0), Some(-50.0)), &c.lead).await.unwrap_err());
    assert_eq!(f, "dénominateur");
    // Beyond 1e15 in absolute value, for each field; 1e15 itself is accepted.
    let (f, _) = refused(store.record_measurement(jobs(Q1, "P1", 2e15), &c.lead).await.unwrap_err());
    assert_eq!(f, "valeur");
    let (f, _) = refused(store.record_measurement(jobs(Q1, "P1", -2e15), &c.lead).await.unwrap_err());
    assert_eq!(f, "valeur");
    let (f, _) = refused(store.record_measurement(share(Some(1.0), Some(2e15)), &c.lead).await.unwrap_err());
    assert_eq!(f, "dénominateur");
    let (f, _) = refused(store.record_measurement(share(Some(2e15), None), &c.lead).await.unwrap_err());
    assert_eq!(f, "numérateur");
    assert!(store.measurements(JOBS).await.unwrap().is_empty());
    assert!(store.measurements(SHARE).await.unwrap().is_empty());
    // What fits: 50 of 50 (100 %), a value of exactly 1e15.
    store.record_measurement(share(Some(50.0), Some(50.0)), &c.lead).await.unwrap();
    store.record_measurement(jobs(Q1, "P1", 1e15), &c.lead).await.unwrap();
}

#[tokio::test]
async fn an_import_reports_every_faulty_row_and_writes_nothing() {
    let store = store().await;
    let c = setup(&store).await;
    let audit_before = store.audit_entries().await.unwrap().len();
    let mut unknown = jobs(Q1, "P1", 1.0);
    unknown.indicator = "inconnu".to_owned();
    // Row 1: an unknown indicator; row 2 fits; row 3: a month for a quarterly indicator.
    let rows = vec![unknown, jobs(Q2, "P1", 150.0), jobs(Period::Month(2025, 3), "P2", 10.0)];
    let e = refusal(store.import_measurements(rows, &c.lead).await.unwrap_err());
    let ImpactRefusal::Rows(faults) = &e else { panic!("{e:?}") };
    assert_eq!(faults.len(), 2);
    assert_eq!(faults[0], (1, ImpactRefusal::UnknownIndicator("inconnu".to_owned())));
    assert_eq!(faults[1].0, 3);
    assert!(matches!(faults[1].1, ImpactRefusal::Field { field: "période", .. }));
    // One line per row.
    let text = e.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert_eq!(lines[0], "mesure n° 1 : indicateur : aucun indicateur n'a le code « inconnu »");
    assert!(lines[1].starts_with("mesure n° 3 : période : « 2025-03 »"), "{text}");
    // Nothing written, not even the good row 2.
    assert!(store.measurements(JOBS).await.unwrap().is_empty());
    assert_eq!(store.audit_entries().await.unwrap().len(), audit_before);
    assert!(store.verify_audit().await.unwrap().is_intact());
}

/// The open-data stream: approved measurements only, in recording order, a superseded
/// approved value kept with its approved correction naming it.
#[tokio::test]
async fn the_published_stream_holds_the_approved_measurements_only() {
    use futures_util::TryStreamExt;
    let store = store().await;
    let c = setup(&store).await;
    let mut first = jobs(Q1, "P1", 120.0);
    first.submit = true;
    let first = store.record_measurement(first, &c.lead).await.unwrap();
    let draft = store.record_measurement(jobs(Q2, "P1", 50.0), &c.lead).await.unwrap();
    let published = |store: &territoires_store::Store| {
        let store = store.clone();
        async move {
            let rows: Vec<_> = store.approved_measurements().try_collect().await.unwrap();
            rows.iter().map(|m| (m.id, m.observation, m.supersedes)).collect::<Vec<_>>()
        }
    };
    assert_eq!(published(&store).await, [], "submitted and draft values are not published");
    store
        .review_measurement(first.id, ReviewStep::Approve, &c.instructor, None)
        .await
        .unwrap();
    let fix = store.correct_measurement(first.id, jobs(Q1, "P1", 130.0), &c.lead).await.unwrap();
    store.review_measurement(fix.id, ReviewStep::Submit, &c.lead, None).await.unwrap();
    assert_eq!(
        published(&store).await,
        [(first.id, Some(Observation::Value { value: 120.0 }), None)]
    );
    store
        .review_measurement(fix.id, ReviewStep::Approve, &c.manager, None)
        .await
        .unwrap();
    assert_eq!(
        published(&store).await,
        [
            (first.id, Some(Observation::Value { value: 120.0 }), None),
            (fix.id, Some(Observation::Value { value: 130.0 }), Some(first.id)),
        ]
    );
    assert!(draft.id > first.id && draft.status == S::Draft);
}
