//! The ceilings under load, over real HTTP (issue 5 §5): hundreds of concurrent
//! `POST /api/v1/agreements` against a server listening on a TCP socket, on the backend
//! the suite runs on. Each test prints its report (run with `--nocapture`, or
//! `bench/stress/run.sh`): how many were accepted, how many refused and why.
//!
//! Expected values are worked out from the press kit, not read off the code:
//! - one project, 200 requests of a tenth of its subsidy ceiling: exactly 10 pass;
//! - the 24 projects, each asking for its whole subsidy ceiling in 10 requests (240 in
//!   all, 151 150 000 € against the 150 000 000 € envelope): what passes stays within the
//!   envelope, what is left is less than the smallest refused request, every refusal
//!   names the envelope's ceiling, and the ledger replays against the caps.

use crate::attachments::{bearer, person};
use crate::{spawn_app, TestApp};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use territoires_domain::access::Role;
use territoires_domain::funding::ledger::Caps;
use territoires_domain::funding::split::split_equally;
use territoires_domain::programme::EnvelopeKind;
use territoires_domain::Money;
use territoires_domain::Project;

/// What came back from the requests: accepted amounts, and refusals by status and reason.
#[derive(Default)]
struct Tally {
    accepted: Vec<i64>,
    refused: Vec<(u16, String, i64)>,
    /// Wall-clock time of the whole burst, for the report only (never asserted on).
    elapsed: std::time::Duration,
}

impl Tally {
    /// The refusals counted by (status, reason), the reason being the ceiling named.
    fn reasons(&self) -> BTreeMap<(u16, &'static str), usize> {
        let mut out = BTreeMap::new();
        for (status, message, _) in &self.refused {
            let reason = if message.contains("plafond de l'enveloppe") {
                "plafond de l'enveloppe"
            } else if message.contains("plafond du projet") {
                "plafond du projet"
            } else {
                "autre"
            };
            *out.entry((*status, reason)).or_insert(0) += 1;
        }
        out
    }

    fn report(&self, title: &str) {
        let sum = |v: &mut dyn Iterator<Item = i64>| Money(v.sum());
        let n = self.accepted.len() + self.refused.len();
        println!("\n== {title}");
        println!(
            "   {n} requêtes en {} ms ({:.0} requêtes/s) : {} acceptées ({}), {} refusées ({})",
            self.elapsed.as_millis(),
            n as f64 / self.elapsed.as_secs_f64(),
            self.accepted.len(),
            sum(&mut self.accepted.iter().copied()),
            self.refused.len(),
            sum(&mut self.refused.iter().map(|r| r.2))
        );
        for ((status, reason), n) in self.reasons() {
            println!("   refus HTTP {status} « {reason} » : {n}");
        }
    }
}

/// Serves the app's router on 127.0.0.1 (a free port) and returns its base URL.
async fn serve(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

/// An agreement of `amount` cents for `p`, its eligible cost the amount itself (no other
/// financer, one tranche), so that only the ceilings can refuse it.
fn terms(p: &Project, reference: String, amount: i64) -> Value {
    json!({
        "project": p.slug,
        "reference": reference,
        "title": format!("Convention {}", p.name),
        "beneficiary": p.lead,
        "signed_on": "2020-03-02",
        "amount_cents": amount,
        "eligible_cost_cents": amount,
        "cofinancers": [],
        "tranches": [{"label": "Tranche unique", "due_on": "2020-04-01", "percent_bp": 10000}]
    })
}

/// Sends every `(project, amount)` at once, each as its own request on its own task.
async fn fire(base: &str, token: &str, requests: Vec<(Project, i64)>) -> Tally {
    let client = reqwest::Client::builder().pool_max_idle_per_host(64).build().unwrap();
    let start = std::time::Instant::now();
    let mut tasks = Vec::new();
    for (i, (p, amount)) in requests.into_iter().enumerate() {
        let (client, url, token) = (client.clone(), format!("{base}/api/v1/agreements"), token.to_owned());
        let body = terms(&p, format!("STRESS-{i:04}"), amount);
        tasks.push(tokio::spawn(async move {
            let r = client.post(url).header("authorization", token).json(&body).send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.text().await.unwrap(), amount)
        }));
    }
    let mut tally = Tally::default();
    for t in tasks {
        let (status, body, amount) = t.await.unwrap();
        match status {
            201 => tally.accepted.push(amount),
            _ => tally.refused.push((status, body, amount)),
        }
    }
    tally.elapsed = start.elapsed();
    tally
}

async fn manager(app: &TestApp) -> String {
    person(app, "cp@example.fr", "Chargée", Role::ProgrammeManager).await;
    bearer(app, "cp@example.fr").await
}

/// The committed amount the API reports for the subsidy envelope (cents).
async fn committed_on_subsidies(base: &str) -> i64 {
    let v: Value = reqwest::get(format!("{base}/api/v1/funding")).await.unwrap().json().await.unwrap();
    let envelopes = v["envelopes"].as_array().expect("envelopes");
    let subsidy = envelopes.iter().find(|e| e["kind"] == "subsidy").expect("the subsidy envelope");
    subsidy["committed"].as_i64().expect("committed, in cents")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_agreements_on_one_project_exactly_ten_pass() {
    let app = spawn_app().await;
    let token = manager(&app).await;
    let base = serve(&app).await;
    let registry = app.store.load_registry().await.unwrap().unwrap();
    // Biovallée: 5 700 000 € of subsidies in the press kit; a tenth is 570 000 €.
    let p = registry.projects.iter().find(|p| p.slug == "biovallee").unwrap().clone();
    assert_eq!(p.subsidy_ceiling, Money(570_000_000));
    let tenth = p.subsidy_ceiling.0 / 10;
    let tally = fire(&base, &token, (0..200).map(|_| (p.clone(), tenth)).collect()).await;
    tally.report("200 conventions simultanées de 570 000 € sur Biovallée (plafond 5 700 000 €)");

    assert_eq!(tally.accepted.len(), 10);
    assert_eq!(
        tally.reasons(),
        BTreeMap::from([((409, "plafond du projet"), 190)]),
        "{:?}",
        tally.refused.first()
    );
    assert_eq!(committed_on_subsidies(&base).await, p.subsidy_ceiling.0);
    let caps = Caps::from_registry(&registry);
    let journal = app.store.ledger_journal(&caps).await.expect("the ledger replays against the caps");
    assert_eq!(journal.project("biovallee", EnvelopeKind::Subsidy).committed, p.subsidy_ceiling);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_project_asking_for_its_whole_ceiling_at_once_never_breaks_the_envelope() {
    let app = spawn_app().await;
    let token = manager(&app).await;
    let base = serve(&app).await;
    let registry = app.store.load_registry().await.unwrap().unwrap();
    let cap = registry
        .programme
        .envelopes
        .iter()
        .find(|e| e.kind == EnvelopeKind::Subsidy)
        .unwrap()
        .cap;
    assert_eq!(cap, Money(15_000_000_000), "150 M€ of subsidies");
    let mut requests = Vec::new();
    for p in &registry.projects {
        for part in split_equally(p.subsidy_ceiling, 10).unwrap() {
            requests.push((p.clone(), part.0));
        }
    }
    let asked: i64 = requests.iter().map(|r| r.1).sum();
    assert_eq!((requests.len(), asked), (240, 15_115_000_000), "24 × 10 requests, 151 150 000 €");
    let tally = fire(&base, &token, requests).await;
    tally.report("240 conventions simultanées, les 24 plafonds entiers (151 150 000 €) sur l'enveloppe de 150 000 000 €");

    let accepted: i64 = tally.accepted.iter().sum();
    let refused: i64 = tally.refused.iter().map(|r| r.2).sum();
    assert_eq!(accepted + refused, asked);
    assert!(accepted <= cap.0, "{} committed beyond the cap", Money(accepted));
    // Each refusal met less room than it asked for, and room only shrinks: what is left
    // at the end is less than the smallest refused request.
    let smallest_refused = tally.refused.iter().map(|r| r.2).min().expect("some refused: 1 150 000 € too much");
    assert!(
        cap.0 - accepted < smallest_refused,
        "{} left, yet {} refused",
        Money(cap.0 - accepted),
        Money(smallest_refused)
    );
    let reasons = tally.reasons();
    assert_eq!(
        reasons.keys().collect::<Vec<_>>(),
        [&(409, "plafond de l'enveloppe")],
        "{:?}",
        tally.refused.first()
    );
    assert_eq!(committed_on_subsidies(&base).await, accepted);
    let caps = Caps::from_registry(&registry);
    let journal = app.store.ledger_journal(&caps).await.expect("the ledger replays against the caps");
    assert_eq!(journal.envelope(EnvelopeKind::Subsidy).committed, Money(accepted));
    let check = app.store.reconcile_ledger(&caps).await.unwrap();
    assert!(check.findings.is_empty(), "{:?}", check.findings);
}
