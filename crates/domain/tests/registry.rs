//! Dashboard figures, checks and list queries on a small hand-made programme whose
//! expected values are worked out by hand in the comments.

use territoires_domain::checks::Verdict;
use territoires_domain::programme::{ClaimSubject, Envelope, EnvelopeKind, HeadlineClaim, Source};
use territoires_domain::project::FicheSource;
use territoires_domain::query::{Page, ProjectQuery, SortKey};
use territoires_domain::vocabulary::{Region, TerritoryKind, Theme};
use territoires_domain::{Money, Programme, Project, Registry};
use time::macros::date;

fn m(millions_tenths: i64) -> Money {
    // Tenths of millions of euros → cents: 57 → 5,7 M€ = 570 000 000 cents.
    Money(millions_tenths * 10_000_000)
}

#[allow(clippy::too_many_arguments)] // one row of a hand-made table
fn project(
    slug: &str,
    region: &str,
    themes: &[Theme],
    kinds: &[TerritoryKind],
    partners: u32,
    pop: u64,
    budget: Option<i64>,
    subsidy: i64,
    invest: i64,
) -> Project {
    Project {
        slug: slug.into(),
        name: slug.to_uppercase(),
        heading: slug.to_uppercase(),
        toc_title: slug.to_uppercase(),
        regions: vec![Region::from_code(region).unwrap()],
        region_raw: String::new(),
        lead: "Lead".into(),
        lead_detail: None,
        partners,
        local_authorities: 1,
        themes: themes.to_vec(),
        themes_raw: String::new(),
        territory_kinds: kinds.to_vec(),
        territory_kinds_raw: String::new(),
        population: pop,
        planned_budget: budget.map(m),
        ambition: vec![],
        strategic_objectives: vec![],
        impacts_2030: vec![],
        subsidy_ceiling: m(subsidy),
        investment_potential: m(invest),
        call: None,
        source: FicheSource { line: 100, page: None },
    }
}

fn claim(subject: ClaimSubject, value: i64) -> HeadlineClaim {
    HeadlineClaim {
        subject,
        value,
        raw: "raw".into(),
        line: 1,
    }
}

fn registry() -> Registry {
    use TerritoryKind::*;
    use Theme::*;
    let programme = Programme {
        slug: "p".into(),
        name: "P".into(),
        parent_programme: "PIA".into(),
        operator: "Op".into(),
        total_amount: m(150), // 15 M€
        duration_years: 10,
        envelopes: vec![
            Envelope {
                kind: EnvelopeKind::Subsidy,
                cap: m(50),
            },
            Envelope {
                kind: EnvelopeKind::Equity,
                cap: m(100),
            },
        ],
        calls: vec![],
        target_themes: vec![],
        headline_claims: vec![
            claim(ClaimSubject::Applications, 10),
            HeadlineClaim {
                subject: ClaimSubject::Applications,
                value: 12,
                raw: "12 candidats".into(),
                line: 7,
            },
            claim(ClaimSubject::Laureates, 3),
            claim(ClaimSubject::Partners, 100),
            claim(ClaimSubject::ThemeCount("Santé".into()), 2),
            claim(ClaimSubject::OtherProgrammeCount("Cœur de Ville".into()), 1),
        ],
        source: Source {
            title: "t".into(),
            file: "f".into(),
            published_on: date!(2019 - 09 - 13),
            licence: "l".into(),
        },
    };
    Registry::new(
        programme,
        vec![
            project("zeta", "53", &[Health, Digital], &[Rural], 10, 1_000, Some(100), 20, 30),
            project("alpha", "53", &[Health], &[Metropolis, Rural], 20, 2_000, None, 25, 40),
            project("mid", "84", &[Agroecology], &[Coastal], 30, 3_000, Some(50), 6, 50),
        ],
    )
}

#[test]
fn totals_are_sums_and_a_missing_budget_is_not_zero() {
    let r = registry();
    let t = &r.stats.totals;
    assert_eq!((t.laureates, t.partners, t.local_authorities, t.population), (3, 60, 3, 6_000));
    // 10 M€ + 5 M€, Alpha has none: 15 M€ over 2 known budgets.
    assert_eq!((t.planned_budget, t.planned_budget_known), (m(150), 2));
    // 2 + 2,5 + 0,6 = 5,1 M€; 3 + 4 + 5 = 12 M€.
    assert_eq!((t.subsidy_ceilings, t.investment_potential), (m(51), m(120)));
}

#[test]
fn breakdowns_count_a_project_under_each_of_its_terms() {
    let r = registry();
    let theme = |code: &str| {
        r.stats
            .by_theme
            .iter()
            .find(|row| row.code == code)
            .map(|row| (row.projects, row.population))
    };
    assert_eq!(theme("health"), Some((2, 3_000)));
    assert_eq!(theme("digital"), Some((1, 1_000)));
    assert_eq!(theme("mobility"), None, "rows without projects are left out");
    assert_eq!(r.stats.by_theme[0].code, "health", "sorted by projects, descending");
    let region: Vec<_> = r
        .stats
        .by_region
        .iter()
        .map(|row| (row.code.as_str(), row.projects, row.subsidy_ceilings))
        .collect();
    assert_eq!(region, [("53", 2, m(45)), ("84", 1, m(6))]);
    let rural = r.stats.by_territory_kind.iter().find(|row| row.code == "rural").unwrap();
    assert_eq!(rural.projects, 2);
}

#[test]
fn checks_compare_claims_and_ceilings_and_report_missing_fields() {
    let r = registry();
    let get = |code: &str| {
        r.checks
            .iter()
            .find(|c| c.code == code)
            .unwrap_or_else(|| panic!("no check {code}"))
    };
    assert_eq!(get("claim-laureates").verdict, Verdict::Consistent);
    assert_eq!(get("claim-applications").verdict, Verdict::NotVerifiable, "no applicant is known");
    // The second statement (12, line 7) is checked against the first (10).
    let repeated = get("claim-applications:line-7");
    assert_eq!(
        (repeated.reference, repeated.computed, repeated.verdict),
        (Some(12), Some(10), Verdict::Discrepancy)
    );
    let partners = get("claim-partners");
    assert_eq!(
        (partners.reference, partners.computed, partners.difference, partners.verdict),
        (Some(100), Some(60), Some(-40), Verdict::Discrepancy)
    );
    let health = get("claim-theme:health");
    assert_eq!((health.computed, health.verdict), (Some(2), Verdict::Consistent));
    assert_eq!(get("claim-other-programme:coeur-de-ville").verdict, Verdict::NotVerifiable);
    // 5,1 M€ of subsidy ceilings against a 5 M€ envelope: 0,1 M€ over.
    let subsidy = get("ceiling-subsidy");
    assert_eq!(
        (subsidy.reference, subsidy.computed, subsidy.difference, subsidy.verdict),
        (Some(m(50).0), Some(m(51).0), Some(m(1).0), Verdict::ExceedsCeiling)
    );
    // 12 M€ of investment potential within 10 M€? No: 2 M€ over.
    assert_eq!(get("ceiling-equity").verdict, Verdict::ExceedsCeiling);
    assert_eq!(get("envelopes-total").verdict, Verdict::Consistent, "5 + 10 = 15 M€");
    assert_eq!(get("missing-planned-budget:alpha").verdict, Verdict::Missing);
    let within = get("local-authorities-within-partners");
    assert_eq!(
        (within.reference, within.computed, within.verdict),
        (Some(3), Some(3), Verdict::Consistent)
    );
    assert!(r.checks.iter().all(|c| !c.code.starts_with("missing-planned-budget:zeta")));
}

#[test]
fn each_call_is_checked_against_the_projects_linked_to_it() {
    use territoires_domain::call::{Call, CallKind};
    let base = registry();
    let call = |slug: &str, kind, year, applications, selected| Call {
        slug: slug.into(),
        title: format!("Appel {slug}"),
        kind,
        year,
        opened_on: None,
        closes_at: None,
        time_zone: Call::TIME_ZONE.into(),
        themes: vec![],
        eligibility: vec![],
        applications,
        selected,
    };
    let mut programme = base.programme.clone();
    programme.calls = vec![
        call("ami-2017", CallKind::ExpressionOfInterest, 2017, 117, 24),
        call("aap-2018", CallKind::CallForProjects, 2018, 10, 3),
    ];
    let mut projects = base.projects.clone();
    for p in &mut projects {
        p.call = Some("aap-2018".into());
    }
    let r = Registry::new(programme.clone(), projects.clone());
    let get = |r: &Registry, code: &str| r.checks.iter().find(|c| c.code == code).cloned().unwrap();
    // Three fiches linked, three selected.
    let aap = get(&r, "call-selected:aap-2018");
    assert_eq!((aap.reference, aap.computed, aap.verdict), (Some(3), Some(3), Verdict::Consistent));
    // No fiche names a project of the AMI: nothing to count, not zero.
    let ami = get(&r, "call-selected:ami-2017");
    assert_eq!((ami.reference, ami.computed, ami.verdict), (Some(24), None, Verdict::NotVerifiable));
    assert_eq!(r.call("aap-2018").map(Call::not_selected), Some(7), "10 applications − 3 laureates");
    assert_eq!(r.projects_of_call("aap-2018").len(), 3);
    assert!(r.projects_of_call("ami-2017").is_empty());
    assert!(r.call("aap-2019").is_none());

    // One fiche unlinked: 2 against 3.
    projects[0].call = None;
    let r = Registry::new(programme, projects);
    let aap = get(&r, "call-selected:aap-2018");
    assert_eq!(
        (aap.computed, aap.difference, aap.verdict),
        (Some(2), Some(-1), Verdict::Discrepancy)
    );
}

#[test]
fn filters_combine_and_sorting_is_total() {
    let r = registry();
    let names = |q: &ProjectQuery| q.apply(&r.projects).iter().map(|p| p.slug.as_str()).collect::<Vec<_>>();
    assert_eq!(names(&ProjectQuery::default()), ["alpha", "mid", "zeta"]);
    assert_eq!(
        names(&ProjectQuery {
            region: Some("53".into()),
            ..Default::default()
        }),
        ["alpha", "zeta"]
    );
    assert_eq!(
        names(&ProjectQuery {
            region: Some("53".into()),
            territory_kind: Some(TerritoryKind::Metropolis),
            ..Default::default()
        }),
        ["alpha"]
    );
    assert_eq!(
        names(&ProjectQuery {
            sort: SortKey::Population,
            descending: true,
            ..Default::default()
        }),
        ["mid", "alpha", "zeta"]
    );
    assert_eq!(
        names(&ProjectQuery {
            sort: SortKey::Name,
            descending: true,
            ..Default::default()
        }),
        ["zeta", "mid", "alpha"]
    );
    // Alpha has no budget: last in both directions.
    assert_eq!(
        names(&ProjectQuery {
            sort: SortKey::PlannedBudget,
            ..Default::default()
        }),
        ["mid", "zeta", "alpha"]
    );
    assert_eq!(
        names(&ProjectQuery {
            sort: SortKey::PlannedBudget,
            descending: true,
            ..Default::default()
        }),
        ["zeta", "mid", "alpha"]
    );
    let all = [1, 2, 3, 4, 5];
    assert_eq!(Page { offset: 3, limit: 5 }.slice(&all), &[4, 5]);
    assert!(Page { offset: 9, limit: 5 }.slice(&all).is_empty());
}
