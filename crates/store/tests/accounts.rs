//! Accounts on the backend named by `TEST_DATABASE_URL` (a fresh SQLite file when unset).

use territoires_domain::access::{Email, Role};
use territoires_store::testing::fresh_database_url;
use territoires_store::{hash_password, NewAccount, Store, StoreError};

async fn store() -> Store {
    let url = fresh_database_url(std::env::var("TEST_DATABASE_URL").ok().as_deref())
        .await
        .expect("fresh database");
    Store::connect(&url).await.expect("connect")
}

fn admin(email: &str, password: Option<&'static str>) -> NewAccount<'static> {
    NewAccount {
        email: Email::parse(email).unwrap(),
        display_name: "Anne Martin",
        role: Role::OperatorAdmin,
        organisation: Some("Banque des Territoires"),
        password,
    }
}

#[tokio::test]
async fn an_account_signs_in_with_its_password_only() {
    let s = store().await;
    let created = s
        .create_account(admin("anne@example.fr", Some("correct horse battery")), "test")
        .await
        .unwrap();
    assert_eq!((created.role, created.disabled), (Role::OperatorAdmin, false));
    let email = Email::parse("anne@example.fr").unwrap();
    assert_eq!(
        s.verify_password(&email, "correct horse battery").await.unwrap().map(|a| a.id),
        Some(created.id)
    );
    assert_eq!(s.verify_password(&email, "correct horse batterY").await.unwrap(), None);
    assert_eq!(
        s.verify_password(&Email::parse("nobody@example.fr").unwrap(), "correct horse battery")
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn an_account_without_password_cannot_sign_in_locally() {
    let s = store().await;
    s.create_account(admin("oidc@example.fr", None), "test").await.unwrap();
    assert_eq!(
        s.verify_password(&Email::parse("oidc@example.fr").unwrap(), "").await.unwrap(),
        None
    );
}

#[tokio::test]
async fn an_e_mail_is_used_once() {
    let s = store().await;
    s.create_account(admin("anne@example.fr", Some("correct horse battery")), "test")
        .await
        .unwrap();
    // The domain is case-insensitive: the same login.
    match s
        .create_account(admin("anne@EXAMPLE.fr", Some("another long password")), "test")
        .await
    {
        Err(StoreError::Conflict(m)) => assert!(m.contains("anne@example.fr"), "{m}"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(s.accounts().await.unwrap().len(), 1);
}

#[tokio::test]
async fn short_passwords_are_refused_and_hashes_are_argon2id() {
    let s = store().await;
    assert!(matches!(
        s.create_account(admin("a@example.fr", Some("elevenchars")), "test").await,
        Err(StoreError::Invalid(_))
    ));
    assert!(s.accounts().await.unwrap().is_empty(), "nothing written");
    let h = hash_password("correct horse battery").unwrap();
    assert!(h.starts_with("$argon2id$v=19$"), "{h}");
    assert!(!h.contains("correct horse battery"));
    assert_ne!(h, hash_password("correct horse battery").unwrap(), "random salt");
}

#[tokio::test]
async fn creating_an_account_is_audited_without_its_password() {
    let s = store().await;
    s.create_account(admin("anne@example.fr", Some("correct horse battery")), "cli:root")
        .await
        .unwrap();
    let entries = s.audit_entries().await.unwrap();
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(
        (e.actor.as_str(), e.action.as_str(), e.subject.as_str()),
        ("cli:root", "account.create", "account:anne@example.fr")
    );
    assert_eq!(e.after["role"], "operator-admin");
    let text = serde_json::to_string(e).unwrap();
    assert!(!text.contains("correct horse") && !text.contains("argon2"), "{text}");
    // A refused creation leaves no entry.
    assert!(s
        .create_account(admin("anne@example.fr", Some("another long password")), "cli:root")
        .await
        .is_err());
    assert_eq!(s.audit_entries().await.unwrap().len(), 1);
}
