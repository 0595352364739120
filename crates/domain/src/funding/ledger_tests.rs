//! Ledger rules, with every expected figure worked out by hand in the comments.

use super::*;
use time::macros::date;

const S: EnvelopeKind = EnvelopeKind::Subsidy;
const E: EnvelopeKind = EnvelopeKind::Equity;

fn env(k: EnvelopeKind) -> Account {
    Account::Envelope(k)
}

fn proj(slug: &str, kind: EnvelopeKind) -> Account {
    Account::Project {
        slug: slug.to_string(),
        kind,
    }
}

fn payee() -> Account {
    Account::Payee("SIREN-123456789".into())
}

/// Subsidy envelope 1 000,00 €; project `a` 800,00 €, `b` 700,00 €; equity 5 000,00 €,
/// `a` 3 000,00 €.
fn caps() -> Caps {
    let mut c = Caps::default();
    c.envelopes.insert(S, Money(100_000));
    c.envelopes.insert(E, Money(500_000));
    c.projects.insert(("a".into(), S), Money(80_000));
    c.projects.insert(("b".into(), S), Money(70_000));
    c.projects.insert(("a".into(), E), Money(300_000));
    c
}

/// A ledger under construction: numbers the entries and dates them.
struct Book {
    journal: Journal,
    caps: Caps,
    seq: u64,
}

impl Book {
    fn new() -> Book {
        Book {
            journal: Journal::new(),
            caps: caps(),
            seq: 0,
        }
    }

    fn entry(&mut self, at: Date, movement: Movement, credit: Account, debit: Account, cents: i64) -> Entry {
        self.seq += 1;
        Entry {
            seq: self.seq,
            at,
            movement,
            debit,
            credit,
            amount: Money(cents),
            who: "gestionnaire".into(),
            why: "décision du comité".into(),
        }
    }

    fn post(&mut self, at: Date, movement: Movement, credit: Account, debit: Account, cents: i64) -> Result<(), LedgerError> {
        let e = self.entry(at, movement, credit, debit, cents);
        self.journal.append(e, &self.caps)
    }

    fn commit(&mut self, slug: &str, agreement: u64, cents: i64) -> Result<(), LedgerError> {
        self.post(
            date!(2020 - 06 - 01),
            Movement::Commit,
            proj(slug, S),
            Account::Agreement(agreement),
            cents,
        )
    }
}

fn exceeded(r: Result<(), LedgerError>) -> (Ceiling, String, Money, Money) {
    match r {
        Err(LedgerError::CeilingExceeded {
            ceiling,
            account,
            remaining,
            excess,
            ..
        }) => (ceiling, account, remaining, excess),
        other => panic!("expected a ceiling error, got {other:?}"),
    }
}

#[test]
fn account_codes_round_trip() {
    let accounts = [
        env(S),
        env(E),
        proj("le-havre-smart-port-city", E),
        Account::Agreement(42),
        Account::Investment(7),
        payee(),
    ];
    let codes = [
        "envelope:subsidy",
        "envelope:equity",
        "project:le-havre-smart-port-city:equity",
        "agreement:42",
        "investment:7",
        "payee:SIREN-123456789",
    ];
    for (a, c) in accounts.iter().zip(codes) {
        assert_eq!(a.code(), c);
        assert_eq!(c.parse::<Account>().as_ref(), Ok(a));
    }
    for bad in [
        "",
        "envelope:loans",
        "project::subsidy",
        "project:a",
        "agreement:x",
        "investment:-1",
        "payee:",
        "bank:1",
    ] {
        assert_eq!(bad.parse::<Account>(), Err(AccountCodeError(bad.to_string())), "{bad}");
    }
    assert_eq!(serde_json::to_string(&Account::Agreement(7)).unwrap(), "\"agreement:7\"");
}

#[test]
fn commitments_up_to_exactly_the_envelope_pass_and_one_cent_more_fails() {
    let mut b = Book::new();
    // a: 600,00 € and b: 400,00 € = 1 000,00 €, the whole envelope, each within its
    // project's ceiling (800 and 700).
    b.commit("a", 1, 60_000).unwrap();
    b.commit("b", 2, 40_000).unwrap();
    assert_eq!(b.journal.envelope(S).remaining(Money(100_000)), Some(Money::ZERO));
    // One cent more, though b has 300,00 € of ceiling left: the envelope refuses it.
    let r = b.commit("b", 2, 1);
    let msg = r.clone().unwrap_err().to_string();
    let reason = r.clone().unwrap_err().reason();
    assert_eq!(r.clone().unwrap_err().seq(), 3);
    assert_eq!(
        exceeded(r),
        (Ceiling::Envelope, "envelope:subsidy".to_string(), Money::ZERO, Money(1))
    );
    assert_eq!(
        msg,
        "écriture n° 3 : engagement de 0,01\u{a0}€ dépasse le plafond de l'enveloppe \
         (envelope:subsidy) de 0,01\u{a0}€ : il ne reste que 0\u{a0}€"
    );
    // The refused entry was never written: its reason does not cite its number.
    assert_eq!(
        reason,
        "engagement de 0,01\u{a0}€ dépasse le plafond de l'enveloppe \
         (envelope:subsidy) de 0,01\u{a0}€ : il ne reste que 0\u{a0}€"
    );
    // The refused entry left nothing behind.
    assert_eq!(b.journal.entries().len(), 2);
    assert_eq!(b.journal.envelope(S).committed, Money(100_000));
}

#[test]
fn two_commitments_within_the_room_but_together_beyond_it_the_second_fails() {
    let mut b = Book::new();
    b.commit("a", 1, 50_000).unwrap();
    // Room left: 500,00 €. Two requests of 300,00 € (b) and 250,00 € (a), each within
    // 500,00 € and within its project (b 700, a 800 − 500 = 300).
    let first = b.entry(date!(2020 - 07 - 01), Movement::Commit, proj("b", S), Account::Agreement(2), 30_000);
    let second = b.entry(date!(2020 - 07 - 01), Movement::Commit, proj("a", S), Account::Agreement(1), 25_000);
    assert_eq!(check_entry(&b.journal, &first, &b.caps), Ok(()));
    assert_eq!(check_entry(&b.journal, &second, &b.caps), Ok(()));
    b.journal.append(first, &b.caps).unwrap();
    // 500 + 300 = 800 committed, 200,00 € left: 250,00 € is 50,00 € too much.
    let r = b.journal.append(second, &b.caps);
    assert_eq!(
        exceeded(r),
        (Ceiling::Envelope, "envelope:subsidy".to_string(), Money(20_000), Money(5_000))
    );
}

#[test]
fn the_project_ceiling_binds_when_the_envelope_has_room() {
    let mut b = Book::new();
    // a's ceiling is 800,00 €: 800,00 € passes. 1 234,56 € more breaks both ceilings
    // (200,00 € left in the envelope, 0 € for a): the envelope, checked first, is named.
    b.commit("a", 1, 80_000).unwrap();
    assert_eq!(exceeded(b.commit("a", 1, 123_456)).0, Ceiling::Envelope);
    // 100,00 € fits the envelope (200,00 € left) but not a's ceiling (0 € left).
    let r = b.commit("a", 1, 10_000);
    assert_eq!(
        exceeded(r),
        (Ceiling::Project, "project:a:subsidy".to_string(), Money::ZERO, Money(10_000))
    );
    let msg = b.commit("a", 1, 123_456).unwrap_err().to_string();
    assert!(msg.contains("1\u{202f}234,56\u{a0}€"), "{msg}");
}

#[test]
fn disbursement_beyond_committed_fails() {
    let mut b = Book::new();
    let d = date!(2021 - 03 - 01);
    b.commit("a", 1, 50_000).unwrap();
    b.post(d, Movement::Disburse, Account::Agreement(1), payee(), 30_000).unwrap();
    // 500 committed − 300 paid = 200,00 € unpaid; 200,01 € is one cent too much.
    let r = b.post(d, Movement::Disburse, Account::Agreement(1), payee(), 20_001);
    assert_eq!(
        exceeded(r),
        (Ceiling::Agreement, "agreement:1".to_string(), Money(20_000), Money(1))
    );
    b.post(d, Movement::Disburse, Account::Agreement(1), payee(), 20_000).unwrap();
    // Nothing was ever committed on agreement 9.
    let r = b.post(d, Movement::Disburse, Account::Agreement(9), payee(), 1);
    assert!(
        matches!(r, Err(LedgerError::UnknownAgreement { ref holder, .. }) if holder == "agreement:9"),
        "{r:?}"
    );
}

#[test]
fn structural_rules() {
    let mut b = Book::new();
    let d = date!(2020 - 01 - 01);
    let r = b.commit("a", 1, 0);
    assert!(matches!(r, Err(LedgerError::NotPositive { .. })), "{r:?}");
    let r = b.commit("a", 1, -5);
    assert!(matches!(r, Err(LedgerError::NotPositive { .. })), "{r:?}");
    // Money flowing the wrong way: from an agreement into a project.
    let r = b.post(d, Movement::Commit, Account::Agreement(1), proj("a", S), 100);
    assert!(matches!(r, Err(LedgerError::WrongAccounts { .. })), "{r:?}");
    // A plan from the equity envelope to a subsidy ceiling.
    let r = b.post(d, Movement::Plan, env(E), proj("a", S), 100);
    assert!(matches!(r, Err(LedgerError::WrongAccounts { .. })), "{r:?}");
    // An unknown project has no ceiling: nothing is committed without one.
    let r = b.commit("zz", 1, 100);
    assert!(
        matches!(&r, Err(LedgerError::NoCeiling { account, .. }) if account == "project:zz:subsidy"),
        "{r:?}"
    );
    // Agreement 1 belongs to a once committed from a; b cannot commit to it.
    b.commit("a", 1, 100).unwrap();
    let r = b.commit("b", 1, 100);
    assert!(
        matches!(r, Err(LedgerError::AgreementMismatch { ref holder, .. }) if holder == "agreement:1"),
        "{r:?}"
    );
    // Who and why are mandatory.
    let mut e = b.entry(d, Movement::Commit, proj("a", S), Account::Agreement(1), 100);
    e.why = "  ".into();
    let r = b.journal.append(e, &b.caps);
    assert_eq!(r, Err(LedgerError::Unjustified { seq: 8, field: "why" }));
    // Append-only: a sequence number at or below the last one is refused. Refused entries
    // were never appended: the last one is n° 6, the commitment of 1,00 € (numbers 1 to 9
    // were handed out; gaps are allowed, going back is not).
    let mut e = b.entry(d, Movement::Commit, proj("a", S), Account::Agreement(1), 100);
    e.seq = 2;
    assert_eq!(b.journal.append(e, &b.caps), Err(LedgerError::OutOfSequence { seq: 2, last: 6 }));
}

#[test]
fn plans_may_exceed_the_envelope_but_not_the_project() {
    let mut b = Book::new();
    let d = date!(2019 - 09 - 13);
    // 800 + 700 = 1 500,00 € planned on a 1 000,00 € envelope: allowed (ceilings.rs says so).
    b.post(d, Movement::Plan, env(S), proj("a", S), 80_000).unwrap();
    b.post(d, Movement::Plan, env(S), proj("b", S), 70_000).unwrap();
    assert_eq!(b.journal.envelope(S).planned, Money(150_000));
    let r = b.post(d, Movement::Plan, env(S), proj("b", S), 1);
    assert_eq!(
        exceeded(r),
        (Ceiling::Project, "project:b:subsidy".to_string(), Money::ZERO, Money(1))
    );
}

/// Subsidies: plan a 800, b 700; commit a/1 600 (2020), b/2 300 (2021), a/1 100 (2022);
/// pay 1 200 (2021), 1 350 (2022), 2 250 (2023). Equity: commit a/3 2 000 (2021), pay
/// 3 1 500 (2024). Amounts in euros.
fn mixed() -> Book {
    let mut b = Book::new();
    let ag = Account::Agreement;
    let steps = [
        (date!(2019 - 09 - 13), Movement::Plan, env(S), proj("a", S), 80_000),
        (date!(2019 - 09 - 13), Movement::Plan, env(S), proj("b", S), 70_000),
        (date!(2020 - 02 - 10), Movement::Commit, proj("a", S), ag(1), 60_000),
        (date!(2021 - 01 - 05), Movement::Commit, proj("b", S), ag(2), 30_000),
        (date!(2021 - 06 - 30), Movement::Disburse, ag(1), payee(), 20_000),
        (date!(2021 - 09 - 01), Movement::Commit, proj("a", E), ag(3), 200_000),
        (date!(2022 - 03 - 15), Movement::Commit, proj("a", S), ag(1), 10_000),
        (date!(2022 - 12 - 31), Movement::Disburse, ag(2), payee(), 35_000 - 20_000),
        (date!(2023 - 01 - 01), Movement::Disburse, ag(1), payee(), 25_000),
        (date!(2024 - 05 - 02), Movement::Disburse, ag(3), payee(), 150_000),
    ];
    for (at, movement, credit, debit, cents) in steps {
        b.post(at, movement, credit, debit, cents).unwrap();
    }
    b
}

#[test]
fn balances_after_a_mixed_sequence() {
    let b = mixed();
    let j = &b.journal;
    let bal = |p, c, d| Balance {
        returned: Money::ZERO,
        planned: Money(p),
        committed: Money(c),
        disbursed: Money(d),
    };
    // Subsidy envelope: planned 1 500, committed 600 + 300 + 100 = 1 000, paid
    // 200 + 150 + 250 = 600; remaining 1 000 − 1 000 = 0.
    assert_eq!(j.envelope(S), bal(150_000, 100_000, 60_000));
    assert_eq!(j.envelope(S).remaining(Money(100_000)), Some(Money::ZERO));
    // Project a (subsidy): planned 800, committed 700, paid 450, 100 left of 800.
    assert_eq!(j.project("a", S), bal(80_000, 70_000, 45_000));
    assert_eq!(j.project("a", S).remaining(Money(80_000)), Some(Money(10_000)));
    assert_eq!(j.project("b", S), bal(70_000, 30_000, 15_000));
    // Agreements: 1 has 700 committed, 450 paid, 250 unpaid; 2 has 150 unpaid.
    assert_eq!(j.agreement(1), bal(0, 70_000, 45_000));
    assert_eq!(j.agreement(1).unpaid(), Some(Money(25_000)));
    assert_eq!(j.agreement(2).unpaid(), Some(Money(15_000)));
    assert_eq!(j.agreement_project(3), Some(("a", E)));
    // Equity apart: 2 000 committed, 1 500 paid, 3 000 left of 5 000.
    assert_eq!(j.envelope(E), bal(0, 200_000, 150_000));
    assert_eq!(j.project("a", E).remaining(Money(300_000)), Some(Money(100_000)));
    // The balances are a fold of the entries: rebuilt from them, they are the same.
    let rebuilt = Journal::from_entries(j.entries().to_vec()).unwrap();
    assert_eq!(&rebuilt, j);
    assert_eq!(&Journal::replay(j.entries().to_vec(), &b.caps).unwrap(), j);
    // Replayed under a smaller envelope (900,00 €), the commitment of 2022 (seq 7)
    // would have been refused: 600 + 300 = 900 already committed.
    let mut tight = b.caps.clone();
    tight.envelopes.insert(S, Money(90_000));
    let r = Journal::replay(j.entries().to_vec(), &tight);
    assert!(matches!(r, Err(LedgerError::CeilingExceeded { seq: 7, .. })), "{r:?}");
}

#[test]
fn burn_down_by_calendar_year() {
    let b = mixed();
    let got = burn_down(&b.journal, S, Money(100_000), 2019..=2024).unwrap();
    let p = |year, c, d, r| YearPoint {
        year,
        committed: Money(c),
        disbursed: Money(d),
        remaining: Money(r),
    };
    // Cumulative at 31 December (euros): 2019 nothing committed; 2020 600; 2021 900,
    // paid 200; 2022 1 000, paid 350 (the 31 December payment counts); 2023 paid 600.
    assert_eq!(
        got,
        vec![
            p(2019, 0, 0, 100_000),
            p(2020, 60_000, 0, 40_000),
            p(2021, 90_000, 20_000, 10_000),
            p(2022, 100_000, 35_000, 0),
            p(2023, 100_000, 60_000, 0),
            p(2024, 100_000, 60_000, 0),
        ]
    );
    // Equity: 2 000 committed in 2021, 1 500 paid in 2024.
    let got = burn_down(&b.journal, E, Money(500_000), 2023..=2024).unwrap();
    assert_eq!(got, vec![p(2023, 200_000, 0, 300_000), p(2024, 200_000, 150_000, 300_000)]);
}

/// An amendment lowering agreement 1 from 500,00 to 350,00 € releases 150,00 €: the
/// envelope's room (1 000 − 350 = 650) lets a 650,00 € commitment of `b` pass, not 650,01.
/// A release beyond what is unpaid (500 committed − 400 paid = 100) is refused.
#[test]
fn releases_give_room_back_up_to_what_is_unpaid() {
    let mut b = Book::new();
    let d = date!(2021 - 01 - 01);
    b.commit("a", 1, 50_000).unwrap();
    b.post(d, Movement::Release, Account::Agreement(1), proj("a", S), 15_000).unwrap();
    assert_eq!(b.journal.agreement(1).committed, Money(35_000));
    assert_eq!(b.journal.envelope(S).committed, Money(35_000));
    let r = b.commit("b", 2, 65_001);
    // b's own ceiling is 700,00 €, so the envelope (650,00 € left) binds first.
    assert_eq!(
        exceeded(r),
        (Ceiling::Envelope, "envelope:subsidy".to_string(), Money(65_000), Money(1))
    );
    b.commit("b", 2, 65_000).unwrap();
    b.post(d, Movement::Disburse, Account::Agreement(1), payee(), 25_000).unwrap();
    // 350 committed − 250 paid = 100,00 € may still be released, not 100,01.
    let r = b.post(d, Movement::Release, Account::Agreement(1), proj("a", S), 10_001);
    assert_eq!(
        exceeded(r),
        (Ceiling::Agreement, "agreement:1".to_string(), Money(10_000), Money(1))
    );
    // Releasing to another project than the agreement's is refused.
    let r = b.post(d, Movement::Release, Account::Agreement(1), proj("b", S), 100);
    assert!(matches!(r, Err(LedgerError::AgreementMismatch { .. })), "{r:?}");
    // Nothing committed on agreement 9: nothing to release.
    let r = b.post(d, Movement::Release, Account::Agreement(9), proj("a", S), 100);
    assert!(matches!(r, Err(LedgerError::UnknownAgreement { .. })), "{r:?}");
}

/// Investment 7 of `a` (equity): 2 000,00 € committed, 1 500,00 € called, then 4 000,00 €
/// distributed back. Returns are gross: committed and disbursed stay as they were and the
/// room under the equity envelope is still 5 000 − 2 000 = 3 000,00 €.
#[test]
fn investments_draw_on_equity_and_returns_free_no_room() {
    let mut b = Book::new();
    let d = date!(2022 - 05 - 01);
    let inv = Account::Investment(7);
    b.post(d, Movement::Commit, proj("a", E), inv.clone(), 200_000).unwrap();
    b.post(d, Movement::Disburse, inv.clone(), payee(), 150_000).unwrap();
    b.post(d, Movement::Return, payee(), inv.clone(), 400_000).unwrap();
    let got = b.journal.investment(7);
    assert_eq!(
        (got.committed, got.disbursed, got.returned),
        (Money(200_000), Money(150_000), Money(400_000))
    );
    assert_eq!(b.journal.envelope(E).remaining(Money(500_000)), Some(Money(300_000)));
    assert_eq!(b.journal.project("a", E).returned, Money(400_000));
    // An investment never draws on subsidies.
    let r = b.post(d, Movement::Commit, proj("a", S), Account::Investment(8), 100);
    assert!(matches!(r, Err(LedgerError::WrongAccounts { .. })), "{r:?}");
    // A return to an investment never committed is refused.
    let r = b.post(d, Movement::Return, payee(), Account::Investment(9), 100);
    assert!(matches!(r, Err(LedgerError::UnknownAgreement { .. })), "{r:?}");
    // The remaining 500,00 € uncalled may be released, 500,01 € may not.
    let r = b.post(d, Movement::Release, inv.clone(), proj("a", E), 50_001);
    assert_eq!(
        exceeded(r),
        (Ceiling::Agreement, "investment:7".to_string(), Money(50_000), Money(1))
    );
    b.post(d, Movement::Release, inv, proj("a", E), 50_000).unwrap();
    assert_eq!(b.journal.envelope(E).committed, Money(150_000));
}

/// A partial journal holding only the balances an entry touches decides as the whole one:
/// envelope 1 000,00 € with 950,00 € committed (a: 600 via agreement 1, b: 350), so
/// 50,00 € left; agreement 1 has 600 committed and 100 paid, so 500,00 € unpaid.
#[test]
fn a_partial_journal_from_balances_checks_like_the_whole_one() {
    let bal = |committed: i64, disbursed: i64| Balance {
        committed: Money(committed),
        disbursed: Money(disbursed),
        ..Balance::default()
    };
    let mut j = Journal::from_balances(
        Some(41),
        [(S, bal(95_000, 10_000))],
        [(("a".to_string(), S), bal(60_000, 10_000))],
        [(Account::Agreement(1), bal(60_000, 10_000), "a".to_string(), S)],
    );
    assert_eq!(j.last_seq(), Some(41));
    let entry = |seq: u64, movement, credit: Account, debit: Account, cents: i64| Entry {
        seq,
        at: date!(2022 - 01 - 01),
        movement,
        debit,
        credit,
        amount: Money(cents),
        who: "gestionnaire".into(),
        why: "avenant".into(),
    };
    // Sequence: 41 is already taken.
    let r = j.append(entry(41, Movement::Commit, proj("a", S), Account::Agreement(1), 100), &caps());
    assert!(matches!(r, Err(LedgerError::OutOfSequence { last: 41, .. })), "{r:?}");
    // 50,01 € is one cent beyond the envelope's room.
    let r = j.append(entry(42, Movement::Commit, proj("a", S), Account::Agreement(1), 5_001), &caps());
    assert_eq!(
        exceeded(r),
        (Ceiling::Envelope, "envelope:subsidy".to_string(), Money(5_000), Money(1))
    );
    // Agreement 1 belongs to a: committing to it from b is refused.
    let r = j.append(entry(42, Movement::Commit, proj("b", S), Account::Agreement(1), 100), &caps());
    assert!(matches!(r, Err(LedgerError::AgreementMismatch { .. })), "{r:?}");
    // Paying 500,00 € passes and updates the three balances; then the next cent is refused.
    j.append(entry(42, Movement::Disburse, Account::Agreement(1), payee(), 50_000), &caps())
        .unwrap();
    assert_eq!(j.agreement(1).disbursed, Money(60_000));
    assert_eq!(j.project("a", S).disbursed, Money(60_000));
    assert_eq!(j.envelope(S).disbursed, Money(60_000));
    assert_eq!(j.last_seq(), Some(42));
    let r = j.append(entry(43, Movement::Disburse, Account::Agreement(1), payee(), 1), &caps());
    assert_eq!(exceeded(r), (Ceiling::Agreement, "agreement:1".to_string(), Money(0), Money(1)));
}
