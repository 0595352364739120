//! OpenID Connect identities and account administration on the backend named by
//! `TEST_DATABASE_URL` (a fresh SQLite file when unset).

use territoires_domain::access::{Email, Role};
use territoires_store::testing::fresh_database_url;
use territoires_store::{AccountChange, NewAccount, OidcIdentity, OidcOutcome, Store, StoreError};

async fn store() -> Store {
    let url = fresh_database_url(std::env::var("TEST_DATABASE_URL").ok().as_deref())
        .await
        .expect("fresh database");
    Store::connect(&url).await.expect("connect")
}

fn identity<'a>(subject: &'a str, email: &str, verified: bool) -> OidcIdentity<'a> {
    OidcIdentity {
        issuer: "https://idp.example",
        subject,
        email: Some(Email::parse(email).unwrap()),
        email_verified: verified,
        display_name: Some("Claire Dupont".into()),
    }
}

#[tokio::test]
async fn a_new_identity_creates_a_public_account_then_is_known() {
    let s = store().await;
    let (a, outcome) = s
        .sign_in_with_identity(&identity("sub-1", "Claire@Gouv.fr", true), Role::Public)
        .await
        .unwrap();
    assert_eq!(outcome, OidcOutcome::Created);
    assert_eq!(
        (a.email.as_str(), a.role, a.display_name.as_str()),
        ("claire@gouv.fr", Role::Public, "Claire Dupont")
    );
    // The same subject, even with another e-mail now: the same account.
    let (b, outcome) = s
        .sign_in_with_identity(&identity("sub-1", "autre@gouv.fr", false), Role::Public)
        .await
        .unwrap();
    assert_eq!((b.id, outcome), (a.id, OidcOutcome::Known));
    let audit = s.audit_entries().await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "account.create");
    assert_eq!(audit[0].actor, "oidc:claire@gouv.fr");
    // The account has no password: it cannot sign in locally.
    assert_eq!(s.verify_password(&a.email, "").await.unwrap(), None);
}

#[tokio::test]
async fn a_verified_email_links_a_local_account_once() {
    let s = store().await;
    let local = NewAccount {
        email: Email::parse("claire@gouv.fr").unwrap(),
        display_name: "Claire",
        role: Role::Instructor,
        organisation: None,
        password: None,
    };
    let local = s.create_account(local, "test").await.unwrap();
    // Unverified: refused, nothing linked.
    let refused = s
        .sign_in_with_identity(&identity("sub-1", "claire@gouv.fr", false), Role::Public)
        .await;
    assert!(matches!(refused, Err(StoreError::Refused(_))), "{refused:?}");
    let (a, outcome) = s
        .sign_in_with_identity(&identity("sub-1", "claire@gouv.fr", true), Role::Public)
        .await
        .unwrap();
    assert_eq!((a.id, a.role, outcome), (local.id, Role::Instructor, OidcOutcome::Linked));
    // Another subject claiming the same address cannot take the account over.
    let other = s
        .sign_in_with_identity(&identity("sub-2", "claire@gouv.fr", true), Role::Public)
        .await;
    assert!(matches!(other, Err(StoreError::Refused(_))), "{other:?}");
    let actions: Vec<String> = s.audit_entries().await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["account.create", "account.link-oidc"]);
    assert!(s.verify_audit().await.unwrap().is_intact());
}

#[tokio::test]
async fn an_update_is_audited_and_disabling_ends_sessions() {
    let s = store().await;
    let admin = NewAccount {
        email: Email::parse("admin@example.fr").unwrap(),
        display_name: "Admin",
        role: Role::OperatorAdmin,
        organisation: None,
        password: Some("correct horse battery"),
    };
    let admin = s.create_account(admin, "test").await.unwrap();
    let expert = NewAccount {
        email: Email::parse("expert@example.fr").unwrap(),
        display_name: "Expert",
        role: Role::Expert,
        organisation: None,
        password: Some("correct horse battery"),
    };
    let expert = s.create_account(expert, "test").await.unwrap();
    let session = s.open_session(expert.id, time::Duration::hours(1)).await.unwrap();
    let change = AccountChange {
        role: Role::Instructor,
        organisation: Some("DREAL".into()),
        disabled: true,
    };
    let after = s.update_account(expert.id, &change, admin.id).await.unwrap();
    assert_eq!(
        (after.role, after.organisation.as_deref(), after.disabled),
        (Role::Instructor, Some("DREAL"), true)
    );
    assert_eq!(s.session(&session).await.unwrap(), None);
    assert_eq!(s.verify_password(&expert.email, "correct horse battery").await.unwrap(), None);
    let last = s.audit_entries().await.unwrap().pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.actor.clone()),
        ("account.update", format!("account:{}", admin.id))
    );
    assert_eq!(last.before["role"], "expert");
    assert_eq!(last.after["disabled"], true);
    // The same change again writes nothing.
    let n = s.audit_entries().await.unwrap().len();
    s.update_account(expert.id, &change, admin.id).await.unwrap();
    assert_eq!(s.audit_entries().await.unwrap().len(), n);
    // Self-demotion and self-disabling are refused; an unknown id is not found.
    let demote = AccountChange {
        role: Role::Expert,
        organisation: None,
        disabled: false,
    };
    assert!(matches!(
        s.update_account(admin.id, &demote, admin.id).await,
        Err(StoreError::Refused(_))
    ));
    assert!(matches!(
        s.update_account(9999, &demote, admin.id).await,
        Err(StoreError::NotFound(_))
    ));
}
