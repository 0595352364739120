//! Partner lists, experts' declarations and conflicts, grids, independent scores and the
//! committee's moderation, on the backend named by `TEST_DATABASE_URL` (a fresh SQLite
//! file when unset). Expected values are worked out by hand in comments.

use territoires_domain::access::{Email, Role};
use territoires_domain::application::{ApplicationId, ApplicationStatus as S, Transition};
use territoires_domain::conflicts::{has_conflict, ConflictReason};
use territoires_domain::partners::parse_lines;
use territoires_domain::scoring::{Criterion, Scale, Score, ScoringGrid, WeightedScore};
use territoires_domain::siren::Siren;
use territoires_formats::press_kit::{parse, EMBEDDED, EMBEDDED_FILE};
use territoires_store::testing::fresh_database_url;
use territoires_store::{AbsentProjects, Account, Application, ExpertOrganisation, NewAccount, Store, StoreError};
use time::macros::datetime;

async fn store() -> Store {
    let url = fresh_database_url(std::env::var("TEST_DATABASE_URL").ok().as_deref())
        .await
        .expect("fresh database");
    let store = Store::connect(&url).await.expect("connect");
    let kit = parse(EMBEDDED, EMBEDDED_FILE).expect("press kit");
    store
        .import(&kit.programme, &kit.projects, AbsentProjects::Refuse, "system")
        .await
        .expect("import");
    territoires_store::testing::open_test_call(&store).await.expect("test call");
    store
}

async fn account(store: &Store, email: &str, role: Role, organisation: Option<&str>) -> Account {
    let new = NewAccount {
        email: Email::parse(email).unwrap(),
        display_name: email,
        role,
        organisation,
        password: None,
    };
    store.create_account(new, "test").await.unwrap()
}

/// A draft of `lead` on the 2018 call.
async fn draft(store: &Store, lead: &Account) -> Application {
    store
        .create_draft(territoires_store::testing::TEST_CALL, lead, "Projet", "", None)
        .await
        .unwrap()
}

/// Takes `app` from draft to under review.
async fn to_review(store: &Store, app: &Application, lead: &Account, instructor: &Account) {
    let now = datetime!(2026-03-02 09:00:00 UTC);
    store.transition(app.id, &Transition::Submit, lead, now).await.unwrap();
    store.transition(app.id, &Transition::StartReview, instructor, now).await.unwrap();
}

fn grid_60_40() -> ScoringGrid {
    let c = |code: &str, weight| Criterion {
        code: code.into(),
        label: format!("Critère {code}"),
        weight,
        scale: Scale { min: 0, max: 5 },
    };
    ScoringGrid::new(vec![c("ambition", 60), c("partenariat", 40)]).unwrap()
}

fn scores(a: u8, p: u8) -> Vec<Score> {
    vec![
        Score {
            criterion: "ambition".into(),
            value: a,
        },
        Score {
            criterion: "partenariat".into(),
            value: p,
        },
    ]
}

#[tokio::test]
async fn partner_lists_are_edited_only_while_draft_and_audited() {
    let store = store().await;
    let lead = account(&store, "porteur@example.fr", Role::ProjectLead, Some("Ville de Dieppe")).await;
    let instructor = account(&store, "instr@example.fr", Role::Instructor, None).await;
    let app = draft(&store, &lead).await;
    let partners = parse_lines("Caisse des Dépôts ; 180 020 026 ; chef de file\nUniversité de Gand ; ;").unwrap();
    store.set_application_partners(app.id, &partners, &lead).await.unwrap();
    assert_eq!(store.application_partners(app.id).await.unwrap(), partners);
    let log = store.audit_entries().await.unwrap();
    let last = log.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.subject.clone()),
        ("application.partners", format!("application:{}", app.id))
    );
    assert_eq!(last.after["partners"][0]["siren"], "180020026");
    assert_eq!(last.before["partners"], serde_json::json!([]));

    // The parties: the applicant's organisation first, then the list.
    let parties = store.application_parties(&app).await.unwrap();
    let names: Vec<&str> = parties.parties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Ville de Dieppe", "Caisse des Dépôts", "Université de Gand"]);

    to_review(&store, &app, &lead, &instructor).await;
    let entries = log.len();
    let refused = store.set_application_partners(app.id, &[], &lead).await;
    assert!(
        matches!(refused, Err(StoreError::Refused(ref m)) if m.contains("En instruction")),
        "{refused:?}"
    );
    assert_eq!(store.application_partners(app.id).await.unwrap(), partners, "nothing written");
    assert_eq!(store.audit_entries().await.unwrap().len(), entries + 2, "only the two transitions");
}

#[tokio::test]
async fn experts_profiles_find_conflicts_by_siren_name_and_declaration() {
    let store = store().await;
    let lead = account(&store, "porteur@example.fr", Role::ProjectLead, Some("Métropole de Lyon")).await;
    let app = draft(&store, &lead).await;
    let partners = parse_lines("Caisse des Dépôts ; 180020026 ; partenaire").unwrap();
    store.set_application_partners(app.id, &partners, &lead).await.unwrap();
    let parties = store.application_parties(&app).await.unwrap();

    // By SIREN, declared under another name.
    let by_siren = account(&store, "a@example.fr", Role::Expert, None).await;
    let cdc = ExpertOrganisation {
        name: "CDC".into(),
        siren: Some(Siren::parse("180 020 026").unwrap()),
    };
    store.set_expert_organisations(&by_siren, std::slice::from_ref(&cdc)).await.unwrap();
    assert_eq!(store.expert_organisations(by_siren.id).await.unwrap(), vec![cdc]);
    let profile = store.expert_profile(&by_siren).await.unwrap();
    assert!(matches!(
        has_conflict(&profile, &parties),
        Some(ConflictReason::PartnerSiren { .. })
    ));

    // By the account's organisation, with other accents and case than the applicant's.
    let by_name = account(&store, "b@example.fr", Role::Expert, Some("METROPOLE DE LYON")).await;
    let profile = store.expert_profile(&by_name).await.unwrap();
    assert_eq!(
        has_conflict(&profile, &parties),
        Some(ConflictReason::PartnerName {
            party: "Métropole de Lyon".into()
        })
    );

    // Declared, once; declaring twice writes nothing more.
    let declared = account(&store, "c@example.fr", Role::Expert, Some("Université de Lille")).await;
    let profile = store.expert_profile(&declared).await.unwrap();
    assert_eq!(has_conflict(&profile, &parties), None);
    store
        .declare_conflict(&declared, app.id, "Ancien salarié du porteur")
        .await
        .unwrap();
    let n = store.audit_entries().await.unwrap().len();
    store.declare_conflict(&declared, app.id, "encore").await.unwrap();
    assert_eq!(store.audit_entries().await.unwrap().len(), n);
    let conflicts = store.declared_conflicts(declared.id).await.unwrap();
    assert_eq!((conflicts.len(), conflicts[0].ground.as_str()), (1, "Ancien salarié du porteur"));
    let profile = store.expert_profile(&declared).await.unwrap();
    assert_eq!(has_conflict(&profile, &parties), Some(ConflictReason::Declared));
    assert!(matches!(
        store.declare_conflict(&declared, ApplicationId(999), "x").await,
        Err(StoreError::NotFound(_))
    ));
}

#[tokio::test]
async fn scores_replace_the_experts_own_sheet_and_freeze_the_grid() {
    let store = store().await;
    let lead = account(&store, "porteur@example.fr", Role::ProjectLead, None).await;
    let instructor = account(&store, "instr@example.fr", Role::Instructor, None).await;
    let manager = account(&store, "charge@example.fr", Role::ProgrammeManager, None).await;
    let e1 = account(&store, "e1@example.fr", Role::Expert, None).await;
    let e2 = account(&store, "e2@example.fr", Role::Expert, None).await;
    let app = draft(&store, &lead).await;

    // No grid yet; the draft cannot be scored anyway.
    assert!(matches!(
        store.submit_scores(app.id, &e1, &scores(4, 3), "").await,
        Err(StoreError::Refused(_))
    ));
    assert!(matches!(
        store.set_scoring_grid("aap-2099", &grid_60_40(), &manager).await,
        Err(StoreError::NotFound(_))
    ));
    store
        .set_scoring_grid(territoires_store::testing::TEST_CALL, &grid_60_40(), &manager)
        .await
        .unwrap();
    assert_eq!(
        store.scoring_grid(territoires_store::testing::TEST_CALL).await.unwrap(),
        Some(grid_60_40())
    );
    assert_eq!(store.scoring_grid("ami-2017").await.unwrap(), None);
    let refused = store.submit_scores(app.id, &e1, &scores(4, 3), "").await;
    assert!(
        matches!(refused, Err(StoreError::Refused(ref m)) if m.contains("Brouillon")),
        "{refused:?}"
    );

    to_review(&store, &app, &lead, &instructor).await;
    // 60 × 4 + 40 × 3 = 240 + 120 = 360 hundredths = 3,60.
    assert_eq!(
        store.submit_scores(app.id, &e1, &scores(4, 3), "Solide").await.unwrap(),
        WeightedScore(360)
    );
    // Re-scoring replaces: 60 × 5 + 40 × 2 = 300 + 80 = 380.
    assert_eq!(
        store.submit_scores(app.id, &e1, &scores(5, 2), "Revu").await.unwrap(),
        WeightedScore(380)
    );
    // 60 × 2 + 40 × 5 = 120 + 200 = 320.
    store.submit_scores(app.id, &e2, &scores(2, 5), "").await.unwrap();
    // Out of scale: refused, nothing written.
    assert!(matches!(
        store.submit_scores(app.id, &e2, &scores(6, 5), "").await,
        Err(StoreError::Refused(_))
    ));

    let mine = store.score_sheet(app.id, e1.id).await.unwrap().unwrap();
    assert_eq!((mine.scores.len(), mine.comment.as_str()), (2, "Revu"));
    assert_eq!(mine.scores.iter().find(|s| s.criterion == "ambition").unwrap().value, 5);
    let all = store.score_sheets(app.id).await.unwrap();
    assert_eq!(all.iter().map(|s| s.expert_account_id).collect::<Vec<_>>(), [e1.id, e2.id]);

    // The audit keeps the history: the second submission's before is the first sheet.
    let log = store.audit_entries().await.unwrap();
    let submits: Vec<_> = log.iter().filter(|e| e.action == "score.submit").collect();
    assert_eq!(submits.len(), 3);
    assert_eq!(submits[0].before, serde_json::Value::Null);
    assert_eq!(submits[1].before["comment"], "Solide");
    assert_eq!(submits[1].after["weighted_hundredths"], 380);

    // The grid is frozen once scored.
    assert!(matches!(
        store
            .set_scoring_grid(territoires_store::testing::TEST_CALL, &grid_60_40(), &manager)
            .await,
        Err(StoreError::Refused(_))
    ));

    // Moderation, audited with before/after.
    store
        .moderate(app.id, WeightedScore(355), "Audition décevante", &manager)
        .await
        .unwrap();
    store
        .moderate(app.id, WeightedScore(365), "Après relecture", &manager)
        .await
        .unwrap();
    let m = store.moderation(app.id).await.unwrap().unwrap();
    assert_eq!(
        (m.score, m.justification.as_str(), m.moderator_account_id),
        (WeightedScore(365), "Après relecture", manager.id)
    );
    let last = store.audit_entries().await.unwrap().pop().unwrap();
    assert_eq!(last.action, "score.moderate");
    assert_eq!(
        (last.before["hundredths"].clone(), last.after["hundredths"].clone()),
        (355.into(), 365.into())
    );
    assert!(store.verify_audit().await.unwrap().is_intact());
    assert_eq!(store.application(app.id).await.unwrap().unwrap().status, S::UnderReview);
}

/// Issue 3 QA: a moderation needs an application under review or in a hearing AND at
/// least one expert's sheet; otherwise refused in French, nothing written.
#[tokio::test]
async fn moderation_needs_a_scored_application_under_review() {
    let store = store().await;
    let lead = account(&store, "porteur@dieppe.fr", Role::ProjectLead, Some("Ville de Dieppe")).await;
    let instructor = account(&store, "instructeur@anct.gouv.fr", Role::Instructor, None).await;
    let manager = account(&store, "charge@caissedesdepots.fr", Role::ProgrammeManager, None).await;
    let e1 = account(&store, "e1@example.fr", Role::Expert, None).await;
    store
        .set_scoring_grid(territoires_store::testing::TEST_CALL, &grid_60_40(), &manager)
        .await
        .unwrap();
    let app = draft(&store, &lead).await;
    let refused = store.moderate(app.id, WeightedScore(500), "x", &manager).await;
    assert!(
        matches!(refused, Err(StoreError::Refused(ref m)) if m.contains("Brouillon")),
        "{refused:?}"
    );
    to_review(&store, &app, &lead, &instructor).await;
    let refused = store.moderate(app.id, WeightedScore(500), "x", &manager).await;
    assert!(
        matches!(refused, Err(StoreError::Refused(ref m)) if m.contains("Aucun expert")),
        "{refused:?}"
    );
    store.submit_scores(app.id, &e1, &scores(4, 3), "").await.unwrap();
    store.moderate(app.id, WeightedScore(355), "Audition", &manager).await.unwrap();
    let now = datetime!(2026-03-03 09:00:00 UTC);
    store
        .transition(app.id, &Transition::InviteToHearing, &instructor, now)
        .await
        .unwrap();
    // In a hearing, moderation is still allowed.
    store.moderate(app.id, WeightedScore(360), "Audition", &manager).await.unwrap();
    store
        .transition(app.id, &Transition::Select { reason: "Solide".into() }, &manager, now)
        .await
        .unwrap();
    let refused = store.moderate(app.id, WeightedScore(100), "Après coup", &manager).await;
    assert!(matches!(refused, Err(StoreError::Refused(_))), "{refused:?}");
    // Only the allowed moderation is stored and audited.
    assert_eq!(store.moderation(app.id).await.unwrap().unwrap().score, WeightedScore(360));
    let log = store.audit_entries().await.unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "score.moderate").count(), 2);
}
