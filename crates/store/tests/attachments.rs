//! Attachments, messages and reviewer notes on the backend named by `TEST_DATABASE_URL`
//! (a fresh SQLite file when unset): bytes round-trip exactly through BLOB/BYTEA, the
//! limits and the editable statuses hold inside the write, and every write is audited
//! without the file's content.

use territoires_domain::access::{Email, Role};
use territoires_domain::application::{ApplicationStatus as S, Transition};
use territoires_domain::attachment::{CheckedFile, MAX_FILES};
use territoires_formats::press_kit::{parse, EMBEDDED, EMBEDDED_FILE};
use territoires_store::{AbsentProjects, Account, NewAccount, Store, StoreError, Thread};
use time::macros::datetime;
use time::OffsetDateTime;

async fn store() -> Store {
    let url = territoires_store::testing::fresh_database_url(std::env::var("TEST_DATABASE_URL").ok().as_deref())
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

async fn account(store: &Store, email: &str, role: Role) -> Account {
    let new = NewAccount {
        email: Email::parse(email).unwrap(),
        display_name: role.label(),
        role,
        organisation: None,
        password: None,
    };
    store.create_account(new, "test").await.unwrap()
}

const NOW: OffsetDateTime = datetime!(2026-03-02 09:00:00 UTC);

/// Every byte value, twice, after the PDF signature: NUL, high bytes and invalid UTF-8
/// must all come back unchanged.
fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..=255u8).chain(0..=255u8));
    bytes
}

#[tokio::test]
async fn bytes_round_trip_and_writes_are_audited_without_the_content() {
    let store = store().await;
    let lead = account(&store, "porteur@example.fr", Role::ProjectLead).await;
    let app = store
        .create_draft(territoires_store::testing::TEST_CALL, &lead, "Vallée verte", "", None)
        .await
        .unwrap();

    let file = CheckedFile::parse("../../etc/passwd.pdf", pdf()).unwrap();
    let added = store.add_attachment(app.id, &file, &lead, NOW).await.unwrap();
    assert_eq!(added.name, "passwd.pdf");
    assert_eq!(added.media_type, "application/pdf");
    assert_eq!(added.size_bytes, 9 + 512);
    assert_eq!(added.uploaded_at, "2026-03-02T09:00:00Z");

    let (meta, content) = store.attachment_content(app.id, added.id).await.unwrap().unwrap();
    assert_eq!(meta, added);
    assert_eq!(content, pdf());
    assert_eq!(store.attachments(app.id).await.unwrap(), std::slice::from_ref(&added));
    // Another application's number names nothing here.
    let other = store
        .create_draft(territoires_store::testing::TEST_CALL, &lead, "Autre", "", None)
        .await
        .unwrap();
    assert_eq!(store.attachment_content(other.id, added.id).await.unwrap(), None);

    let deleted = store.delete_attachment(app.id, added.id, &lead, NOW).await.unwrap();
    assert_eq!(deleted, added);
    assert!(store.attachments(app.id).await.unwrap().is_empty());
    assert!(matches!(
        store.delete_attachment(app.id, added.id, &lead, NOW).await,
        Err(StoreError::NotFound(_))
    ));

    let log = store.audit_entries().await.unwrap();
    let add = log.iter().find(|e| e.action == "attachment.add").unwrap();
    assert_eq!(add.subject, format!("application:{}", app.id));
    assert_eq!(add.actor, format!("account:{}", lead.id));
    assert_eq!(add.after["name"], "passwd.pdf");
    assert_eq!(add.after["size_bytes"], 521);
    assert_eq!(add.after["sha256"], file.sha256());
    assert_eq!(add.after["media_type"], "application/pdf");
    let del = log.iter().find(|e| e.action == "attachment.delete").unwrap();
    assert_eq!(del.before["sha256"], file.sha256());
    assert!(del.after.is_null());
    assert!(!serde_json::to_string(&log.iter().map(|e| &e.after).collect::<Vec<_>>())
        .unwrap()
        .contains("%PDF"));
    assert!(store.verify_audit().await.unwrap().findings.is_empty());
}

#[tokio::test]
async fn the_twenty_first_file_and_files_after_submission_are_refused() {
    let store = store().await;
    let lead = account(&store, "porteur@example.fr", Role::ProjectLead).await;
    let app = store
        .create_draft(territoires_store::testing::TEST_CALL, &lead, "Vallée verte", "", None)
        .await
        .unwrap();
    let file = CheckedFile::parse("a.txt", b"bonjour".to_vec()).unwrap();
    for _ in 0..MAX_FILES {
        store.add_attachment(app.id, &file, &lead, NOW).await.unwrap();
    }
    let audited = store.verify_audit().await.unwrap().entries;
    let r = store.add_attachment(app.id, &file, &lead, NOW).await;
    assert!(matches!(&r, Err(StoreError::Refused(m)) if m.contains("au plus 20")), "{r:?}");
    assert_eq!(store.attachments(app.id).await.unwrap().len(), 20);
    assert_eq!(store.verify_audit().await.unwrap().entries, audited);

    let first = store.attachments(app.id).await.unwrap()[0].id;
    store.transition(app.id, &Transition::Submit, &lead, NOW).await.unwrap();
    let r = store.add_attachment(app.id, &file, &lead, NOW).await;
    assert!(matches!(&r, Err(StoreError::Refused(m)) if m.contains("Déposée")), "{r:?}");
    let r = store.delete_attachment(app.id, first, &lead, NOW).await;
    assert!(matches!(r, Err(StoreError::Refused(_))), "{r:?}");
    assert_eq!(store.attachments(app.id).await.unwrap().len(), 20);
    assert_eq!(store.application(app.id).await.unwrap().unwrap().status, S::Submitted);
}

#[tokio::test]
async fn messages_and_notes_are_separate_threads() {
    let store = store().await;
    let lead = account(&store, "porteur@example.fr", Role::ProjectLead).await;
    let instructor = account(&store, "instructeur@example.fr", Role::Instructor).await;
    let app = store
        .create_draft(territoires_store::testing::TEST_CALL, &lead, "Vallée verte", "", None)
        .await
        .unwrap();
    store
        .post(Thread::Messages, app.id, &instructor, "Merci de joindre le budget.", NOW)
        .await
        .unwrap();
    store
        .post(Thread::Messages, app.id, &lead, "C'est fait.", NOW + time::Duration::minutes(5))
        .await
        .unwrap();
    store
        .post(Thread::Notes, app.id, &instructor, "Budget fragile.", NOW)
        .await
        .unwrap();

    let messages = store.posts(Thread::Messages, app.id).await.unwrap();
    let seen: Vec<(&str, Role, &str, &str)> = messages
        .iter()
        .map(|p| (p.author_name.as_str(), p.author_role, p.at.as_str(), p.body.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "Instructeur",
                Role::Instructor,
                "2026-03-02T09:00:00Z",
                "Merci de joindre le budget."
            ),
            ("Porteur de projet", Role::ProjectLead, "2026-03-02T09:05:00Z", "C'est fait."),
        ]
    );
    let notes = store.posts(Thread::Notes, app.id).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].body, "Budget fragile.");

    let log = store.audit_entries().await.unwrap();
    let actions: Vec<&str> = log.iter().rev().take(3).map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["note.post", "message.post", "message.post"]);
    assert_eq!(log.last().unwrap().after["text"], "Budget fragile.");

    let unknown = territoires_domain::application::ApplicationId(999_999);
    assert!(matches!(
        store.post(Thread::Notes, unknown, &instructor, "x", NOW).await,
        Err(StoreError::NotFound(_))
    ));
}
