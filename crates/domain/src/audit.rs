//! The tamper-evident audit trail (issue 3, section 5): every state change and every
//! action that touches money or decisions is appended to a hash-chained log saying who,
//! when, what, and the state before and after.
//!
//! # The chain
//!
//! Entries are numbered `seq` = 1, 2, 3… without gaps. Each entry carries `prev_hash`, the
//! `hash` of the entry before it ([`GENESIS_HASH`], 64 zeros, for the first), and its own
//! `hash`:
//!
//! ```text
//! hash = lower-case hex( SHA-256( canonical_json({ "action", "actor", "after", "at",
//!                                                  "before", "prev_hash", "seq", "subject" }) ) )
//! ```
//!
//! [`canonical_json`] is JSON in the spirit of RFC 8785 (JCS): object keys sorted by their
//! UTF-8 bytes at every depth, no whitespace, strings escaped as `serde_json` writes them
//! (only `"`, `\` and control characters; everything else as raw UTF-8), integers in
//! decimal. Non-integer numbers are refused when a draft is built ([`AuditDraft::new`]),
//! so the bytes never depend on float formatting: PostgreSQL and SQLite, which store the
//! same text, give the same hash.
//!
//! Changing any field of an entry changes its hash ([`Finding::Edited`]); deleting or
//! reordering entries breaks the link to the previous hash ([`Finding::Broken`]) and the
//! numbering ([`Finding::Gap`], [`Finding::OutOfOrder`]). A hash chain alone cannot see
//! the *last* entries removed (the shortened chain is still a valid chain): keep the head
//! hash printed by `territoires audit verify` (or an export) somewhere else and compare.
//!
//! # No secrets
//!
//! `before` and `after` may not contain a key named like a password, secret, token, hash,
//! credential or private key, at any depth: [`AuditDraft::new`] refuses them, so a secret
//! can never reach the log.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// `prev_hash` of the first entry: 64 zeros (the hex width of a SHA-256 digest).
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Substrings that make a key of `before`/`after` refused (compared case-insensitively,
/// `-` and ` ` read as `_`).
pub const FORBIDDEN_KEY_PARTS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "hash",
    "credential",
    "private_key",
    "api_key",
    "apikey",
];

/// One sealed entry of the audit trail, as stored and exported (one JSON object per line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the chain: 1, 2, 3… without gaps.
    pub seq: i64,
    /// When, RFC 3339 in UTC (`2025-03-14T09:26:53.589Z`).
    pub at: String,
    /// Who: an account id or e-mail, `cli:<user>` for the command line, `system`.
    pub actor: String,
    /// What, as `area.verb` (`registry.import`, `account.create`).
    pub action: String,
    /// On what, as `kind:key` (`programme:territoires-d-innovation`).
    pub subject: String,
    /// State before the action (a compact summary, never secrets); `null` when none.
    pub before: Value,
    /// State after the action; `null` when none (a deletion).
    pub after: Value,
    /// `hash` of the previous entry; [`GENESIS_HASH`] for the first.
    pub prev_hash: String,
    /// SHA-256 of this entry's canonical form (see the module docs), lower-case hex.
    pub hash: String,
}

/// An entry not yet sealed: what happened, checked to contain no secret.
/// Built only by [`AuditDraft::new`]; sealed by [`seal`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditDraft {
    at: String,
    actor: String,
    action: String,
    subject: String,
    before: Value,
    after: Value,
}

/// Why a draft was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    /// `before` or `after` has a key named like a secret (see [`FORBIDDEN_KEY_PARTS`]);
    /// `path` locates it (`after.account.password`).
    #[error("audit entry refused: {path} looks like a secret; log a summary without it")]
    SecretKey {
        /// Dotted path of the key (`before.x.token`; array items as `[i]`).
        path: String,
    },
    /// `before` or `after` holds a non-integer number, whose text form is not canonical:
    /// log money in integer cents and ratios as text.
    #[error("audit entry refused: {path} is a non-integer number ({value}); use integers (cents) or text")]
    NonIntegerNumber {
        /// Dotted path of the value.
        path: String,
        /// The number as written.
        value: String,
    },
    /// `actor`, `action` or `subject` is empty.
    #[error("audit entry refused: {0} is empty")]
    Empty(&'static str),
}

impl AuditDraft {
    /// A draft: `at` RFC 3339 UTC, `actor`/`action`/`subject` as in [`AuditEntry`],
    /// `before`/`after` compact summaries (`Value::Null` when none).
    ///
    /// Errors: [`AuditError::SecretKey`] when a key anywhere in `before`/`after` is named
    /// like a secret, [`AuditError::NonIntegerNumber`], [`AuditError::Empty`].
    pub fn new(
        at: impl Into<String>,
        actor: impl Into<String>,
        action: impl Into<String>,
        subject: impl Into<String>,
        before: Value,
        after: Value,
    ) -> Result<AuditDraft, AuditError> {
        let draft = AuditDraft {
            at: at.into(),
            actor: actor.into(),
            action: action.into(),
            subject: subject.into(),
            before,
            after,
        };
        for (name, value) in [("actor", &draft.actor), ("action", &draft.action), ("subject", &draft.subject)] {
            if value.trim().is_empty() {
                return Err(AuditError::Empty(name));
            }
        }
        redact(&draft.before, "before")?;
        redact(&draft.after, "after")?;
        Ok(draft)
    }

    /// The action (`registry.import`).
    pub fn action(&self) -> &str {
        &self.action
    }
}

/// The guard against secrets: `Ok` when no key of `value` (at any depth) is named like a
/// secret and every number is an integer. `path` names `value` in the error
/// (`"before"`). Errors: [`AuditError::SecretKey`], [`AuditError::NonIntegerNumber`].
pub fn redact(value: &Value, path: &str) -> Result<(), AuditError> {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let here = format!("{path}.{key}");
                let normal = key.to_lowercase().replace(['-', ' '], "_");
                if FORBIDDEN_KEY_PARTS.iter().any(|part| normal.contains(part)) {
                    return Err(AuditError::SecretKey { path: here });
                }
                redact(v, &here)?;
            }
            Ok(())
        }
        Value::Array(items) => items.iter().enumerate().try_for_each(|(i, v)| redact(v, &format!("{path}[{i}]"))),
        Value::Number(n) if !(n.is_i64() || n.is_u64()) => Err(AuditError::NonIntegerNumber {
            path: path.to_owned(),
            value: n.to_string(),
        }),
        _ => Ok(()),
    }
}

/// Seals `draft` as the entry after `prev` (`None`: the first entry): `seq` = prev's + 1
/// (1 for the first), `prev_hash` = prev's `hash` ([`GENESIS_HASH`] for the first), `hash`
/// computed by [`entry_hash`]. Never fails.
pub fn seal(draft: AuditDraft, prev: Option<&AuditEntry>) -> AuditEntry {
    let (seq, prev_hash) = match prev {
        Some(p) => (p.seq + 1, p.hash.clone()),
        None => (1, GENESIS_HASH.to_owned()),
    };
    let mut entry = AuditEntry {
        seq,
        at: draft.at,
        actor: draft.actor,
        action: draft.action,
        subject: draft.subject,
        before: draft.before,
        after: draft.after,
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry_hash(&entry);
    entry
}

/// The bytes that are hashed: [`canonical_json`] of the object with keys `action`,
/// `actor`, `after`, `at`, `before`, `prev_hash`, `seq`, `subject` (not `hash`).
pub fn canonical_bytes(e: &AuditEntry) -> Vec<u8> {
    let content = serde_json::json!({
        "seq": e.seq,
        "at": e.at,
        "actor": e.actor,
        "action": e.action,
        "subject": e.subject,
        "before": e.before,
        "after": e.after,
        "prev_hash": e.prev_hash,
    });
    canonical_json(&content).into_bytes()
}

/// SHA-256 of [`canonical_bytes`], 64 lower-case hex digits. Ignores `e.hash`.
pub fn entry_hash(e: &AuditEntry) -> String {
    let digest = Sha256::digest(canonical_bytes(e));
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Canonical JSON text of `value`: object keys sorted by UTF-8 bytes at every depth, no
/// whitespace, strings and numbers as `serde_json` writes them. Independent of whether
/// `serde_json` keeps insertion order (its `preserve_order` feature).
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// What [`verify`] found wrong in a chain. Each names the `seq` where the chain stops
/// being trustworthy; one tampering may produce several findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// The entry's content (any field but `hash`, including `seq`) no longer gives its
    /// stored `hash`: the row was edited after it was written.
    Edited {
        /// The edited entry.
        seq: i64,
    },
    /// The entry's `prev_hash` is not the `hash` of the entry before it in the log (or
    /// not [`GENESIS_HASH`] for the first): an entry before it was deleted, inserted or
    /// moved (a reordering).
    Broken {
        /// The first entry after the break.
        seq: i64,
    },
    /// Numbers are missing between two consecutive entries (`after_seq` 0: the log does
    /// not start at 1): entries were deleted.
    Gap {
        /// The last `seq` before the gap (0 when the first entries are missing).
        after_seq: i64,
        /// The next `seq` present.
        next_seq: i64,
    },
    /// An entry's `seq` is not greater than the one before it (a duplicate or reordered
    /// entry in an export read back).
    OutOfOrder {
        /// The entry out of place.
        seq: i64,
        /// The `seq` of the entry just before it.
        after_seq: i64,
    },
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Finding::Edited { seq } => write!(f, "seq {seq}: edited (its content no longer matches its hash)"),
            Finding::Broken { seq } => write!(
                f,
                "seq {seq}: chain broken (prev_hash is not the previous entry's hash: an entry before it was deleted, inserted or moved)"
            ),
            Finding::Gap { after_seq, next_seq } => {
                write!(
                    f,
                    "seq {next_seq}: gap after seq {after_seq} (entries {}..{} missing)",
                    after_seq + 1,
                    next_seq - 1
                )
            }
            Finding::OutOfOrder { seq, after_seq } => write!(f, "seq {seq}: out of order (comes after seq {after_seq})"),
        }
    }
}

/// Incremental [`verify`]: feed entries in log order with [`Verifier::push`] (so a long
/// log can be checked page by page), then [`Verifier::finish`].
#[derive(Debug, Default)]
pub struct Verifier {
    prev: Option<(i64, String)>,
    max_seq: i64,
    count: u64,
    findings: Vec<Finding>,
}

impl Verifier {
    /// A verifier expecting the first entry of a log.
    pub fn new() -> Verifier {
        Verifier::default()
    }

    /// Checks `e` against its own hash and against the entry pushed before it.
    pub fn push(&mut self, e: &AuditEntry) {
        self.count += 1;
        if entry_hash(e) != e.hash {
            self.findings.push(Finding::Edited { seq: e.seq });
        }
        let (prev_seq, prev_hash) = match &self.prev {
            Some((seq, hash)) => (*seq, hash.as_str()),
            None => (0, GENESIS_HASH),
        };
        // Numbering is judged against the highest seq seen, so that one entry out of
        // place does not also report a gap after it.
        if e.seq <= self.max_seq && self.prev.is_some() {
            self.findings.push(Finding::OutOfOrder {
                seq: e.seq,
                after_seq: prev_seq,
            });
        } else if e.seq > self.max_seq + 1 {
            self.findings.push(Finding::Gap {
                after_seq: self.max_seq,
                next_seq: e.seq,
            });
        }
        self.max_seq = self.max_seq.max(e.seq);
        if e.prev_hash != prev_hash {
            self.findings.push(Finding::Broken { seq: e.seq });
        }
        self.prev = Some((e.seq, e.hash.clone()));
    }

    /// Entries pushed so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// `seq` and `hash` of the last entry pushed (the head to keep elsewhere); `None` for
    /// an empty log.
    pub fn head(&self) -> Option<(i64, &str)> {
        self.prev.as_ref().map(|(seq, hash)| (*seq, hash.as_str()))
    }

    /// `Ok` when every entry pushed is intact and linked; else the findings in log order.
    pub fn finish(self) -> Result<(), Vec<Finding>> {
        if self.findings.is_empty() {
            Ok(())
        } else {
            Err(self.findings)
        }
    }
}

/// Checks a whole log given in stored order (by `seq`): each entry's hash, its link to the
/// previous one and the numbering. `Ok` for an intact (or empty) chain; otherwise every
/// [`Finding`], in log order. Cannot detect the removal of the last entries (see the
/// module docs).
pub fn verify(entries: &[AuditEntry]) -> Result<(), Vec<Finding>> {
    let mut v = Verifier::new();
    entries.iter().for_each(|e| v.push(e));
    v.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn draft(i: u32) -> AuditDraft {
        AuditDraft::new(
            format!("2025-01-0{i}T10:00:00Z"),
            "cli:alice",
            "registry.import",
            "programme:territoires-d-innovation",
            if i == 1 { Value::Null } else { json!({"projects": i - 1}) },
            json!({"projects": i, "source_file": "dp.md"}),
        )
        .unwrap()
    }

    fn chain(n: u32) -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for i in 1..=n {
            let e = seal(draft(i), out.last());
            out.push(e);
        }
        out
    }

    #[test]
    fn the_first_entry_is_seq_1_after_64_zeros_and_links_follow() {
        let c = chain(3);
        assert_eq!((c[0].seq, c[0].prev_hash.as_str()), (1, GENESIS_HASH));
        assert_eq!(GENESIS_HASH.len(), 64);
        assert_eq!((c[1].seq, &c[1].prev_hash), (2, &c[0].hash));
        assert_eq!((c[2].seq, &c[2].prev_hash), (3, &c[1].hash));
        assert!(c
            .iter()
            .all(|e| e.hash.len() == 64 && e.hash.bytes().all(|b| b.is_ascii_hexdigit())));
    }

    #[test]
    fn the_hash_is_sha256_of_the_documented_canonical_bytes() {
        let e = seal(
            AuditDraft::new(
                "2025-01-01T00:00:00Z",
                "system",
                "a.b",
                "x:y",
                Value::Null,
                json!({"z": 1, "a": [true, "é"]}),
            )
            .unwrap(),
            None,
        );
        let expected = format!(
            r#"{{"action":"a.b","actor":"system","after":{{"a":[true,"é"],"z":1}},"at":"2025-01-01T00:00:00Z","before":null,"prev_hash":"{GENESIS_HASH}","seq":1,"subject":"x:y"}}"#
        );
        assert_eq!(String::from_utf8(canonical_bytes(&e)).unwrap(), expected);
        // SHA-256 of the empty string (FIPS 180-2 test vector), to pin the hex encoding.
        let empty: String = Sha256::digest(b"").iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(empty, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        let by_hand: String = Sha256::digest(expected.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(e.hash, by_hand);
    }

    #[test]
    fn key_order_does_not_change_the_hash() {
        let a = json!({"b": {"y": 1, "x": 2}, "a": 0});
        let b: Value = serde_json::from_str(r#"{"a":0,"b":{"x":2,"y":1}}"#).unwrap();
        assert_eq!(canonical_json(&a), canonical_json(&b));
        assert_eq!(canonical_json(&a), r#"{"a":0,"b":{"x":2,"y":1}}"#);
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(4)), Ok(()));
        assert_eq!(verify(&[]), Ok(()));
    }

    #[test]
    fn editing_one_field_is_found_at_that_seq() {
        let mut c = chain(3);
        c[1].actor = "mallory".into();
        assert_eq!(verify(&c), Err(vec![Finding::Edited { seq: 2 }]));
        let mut c = chain(3);
        c[2].after["projects"] = json!(99);
        assert_eq!(verify(&c), Err(vec![Finding::Edited { seq: 3 }]));
        let mut c = chain(3);
        c[0].at = "2024-12-31T10:00:00Z".into();
        assert_eq!(verify(&c), Err(vec![Finding::Edited { seq: 1 }]));
    }

    #[test]
    fn rehashing_an_edited_entry_breaks_the_next_link() {
        let mut c = chain(3);
        c[1].actor = "mallory".into();
        c[1].hash = entry_hash(&c[1]);
        assert_eq!(verify(&c), Err(vec![Finding::Broken { seq: 3 }]));
    }

    #[test]
    fn deleting_a_middle_entry_is_a_gap_and_a_break() {
        let mut c = chain(4);
        c.remove(1);
        assert_eq!(
            verify(&c),
            Err(vec![Finding::Gap { after_seq: 1, next_seq: 3 }, Finding::Broken { seq: 3 }])
        );
    }

    #[test]
    fn deleting_the_first_entry_is_detected() {
        let mut c = chain(2);
        c.remove(0);
        assert_eq!(
            verify(&c),
            Err(vec![Finding::Gap { after_seq: 0, next_seq: 2 }, Finding::Broken { seq: 2 }])
        );
    }

    #[test]
    fn swapping_two_entries_is_detected() {
        let mut c = chain(3);
        c.swap(0, 1);
        let findings = verify(&c).unwrap_err();
        assert!(findings.contains(&Finding::OutOfOrder { seq: 1, after_seq: 2 }), "{findings:?}");
        assert!(findings.contains(&Finding::Broken { seq: 2 }), "{findings:?}");
        // Swapping the seq numbers too (so the order looks right) changes both hashes.
        let mut c = chain(3);
        c.swap(0, 1);
        c[0].seq = 1;
        c[1].seq = 2;
        let findings = verify(&c).unwrap_err();
        assert!(findings.contains(&Finding::Edited { seq: 1 }), "{findings:?}");
        assert!(findings.contains(&Finding::Edited { seq: 2 }), "{findings:?}");
        assert!(findings.contains(&Finding::Broken { seq: 1 }), "{findings:?}");
    }

    #[test]
    fn a_secret_key_is_refused_at_any_depth_and_any_case() {
        let refuse = |before: Value, after: Value| AuditDraft::new("t", "system", "account.create", "account:1", before, after);
        assert_eq!(
            refuse(Value::Null, json!({"email": "a@b.fr", "Password": "x"})),
            Err(AuditError::SecretKey {
                path: "after.Password".into()
            })
        );
        assert_eq!(
            refuse(json!({"account": [{"password_hash": "$argon2…"}]}), Value::Null),
            Err(AuditError::SecretKey {
                path: "before.account[0].password_hash".into()
            })
        );
        for key in ["api-token", "SECRET", "clientSecret", "Private Key"] {
            assert!(refuse(Value::Null, json!({ key: 1 })).is_err(), "{key}");
        }
        assert!(refuse(Value::Null, json!({"email": "a@b.fr", "role": "admin"})).is_ok());
    }

    #[test]
    fn floats_and_empty_names_are_refused() {
        assert!(matches!(
            AuditDraft::new("t", "system", "x.y", "z:1", Value::Null, json!({"ratio": 0.5})),
            Err(AuditError::NonIntegerNumber { .. })
        ));
        assert_eq!(
            AuditDraft::new("t", " ", "x.y", "z:1", Value::Null, Value::Null),
            Err(AuditError::Empty("actor"))
        );
    }

    #[test]
    fn findings_name_their_seq_in_words() {
        assert_eq!(
            Finding::Gap { after_seq: 1, next_seq: 4 }.to_string(),
            "seq 4: gap after seq 1 (entries 2..3 missing)"
        );
        assert!(Finding::Edited { seq: 7 }.to_string().starts_with("seq 7: edited"));
    }
}
