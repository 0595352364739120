//! The fiches' planned ceilings against the envelopes on the real press kit (issue 5, §1).
//! Expected figures added up by hand from the fiches (see the table in `press_kit.rs`):
//! Σ subsidy ceilings 151,15 M€ against 150 M€ (+1,15 M€, 100,8 %); Σ investment
//! potentials 528,4 M€ against 300 M€ (+228,4 M€, 176,1 %).

use territoires_domain::funding::ceilings::plan;
use territoires_domain::funding::ledger::Caps;
use territoires_domain::programme::EnvelopeKind;
use territoires_domain::{Money, Registry};
use territoires_formats::press_kit::{parse, EMBEDDED, EMBEDDED_FILE};

fn registry() -> Registry {
    let kit = parse(EMBEDDED, EMBEDDED_FILE).expect("the embedded press kit parses");
    Registry::new(kit.programme, kit.projects)
}

#[test]
fn the_press_kit_plans_beyond_both_envelopes() {
    let plans = plan(&registry()).unwrap();
    assert_eq!(plans.len(), 2);
    let (s, e) = (&plans[0], &plans[1]);

    assert_eq!(s.envelope, EnvelopeKind::Subsidy);
    assert_eq!(s.per_project.len(), 24);
    assert_eq!(s.planned, Money(15_115_000_000));
    assert_eq!(s.cap, Some(Money(15_000_000_000)));
    let o = s.overrun.expect("151,15 M€ exceeds 150 M€");
    assert_eq!(o.excess, Money(115_000_000));
    // 151,15 / 150 = 1,007 67 → 1 008 ‰.
    assert_eq!(o.per_mille, Some(1008));
    assert_eq!(o.percent_text(), "100,8\u{a0}%");
    // Vitirev, line 1087: 13,6 M€, the largest subsidy ceiling.
    assert!(s.per_project.contains(&("vitirev".to_string(), Money(1_360_000_000))));

    assert_eq!(e.envelope, EnvelopeKind::Equity);
    assert_eq!(e.planned, Money(52_840_000_000));
    assert_eq!(e.cap, Some(Money(30_000_000_000)));
    let o = e.overrun.expect("528,4 M€ exceeds 300 M€");
    assert_eq!(o.excess, Money(22_840_000_000));
    // 528,4 / 300 = 1,761 33 → 1 761 ‰.
    assert_eq!(o.per_mille, Some(1761));
    assert_eq!(o.percent_text(), "176,1\u{a0}%");
}

#[test]
fn caps_come_from_the_envelopes_and_the_fiches() {
    let caps = Caps::from_registry(&registry());
    assert_eq!(caps.envelope(EnvelopeKind::Subsidy), Some(Money(15_000_000_000)));
    assert_eq!(caps.envelope(EnvelopeKind::Equity), Some(Money(30_000_000_000)));
    // Biovallée, line 251: 5,7 M€ of subsidies, 12,8 M€ of investment potential.
    assert_eq!(caps.project("biovallee", EnvelopeKind::Subsidy), Some(Money(570_000_000)));
    assert_eq!(caps.project("biovallee", EnvelopeKind::Equity), Some(Money(1_280_000_000)));
    assert_eq!(caps.projects.len(), 48);
}
