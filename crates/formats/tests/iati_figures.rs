//! Figures of the IATI exports, worked out by hand from the press kit (Biovallée l. 251–310:
//! subsidy 5,7 M€, investment potential 12,8 M€, budget 53 M€, region 84; Valence Romans
//! l. 312: three themes) and from the records written by hand in `iati_support`.

mod iati_support;

use iati_support::*;

const PROGRAMME: &str = "FR-RCS-180020026-territoires-d-innovation";

/// The activities of the file, each as its text.
fn activities(xml: &str) -> Vec<&str> {
    xml.split("<iati-activity ").skip(1).collect()
}

fn activity<'a>(xml: &'a str, slug: &str) -> &'a str {
    let id = format!("<iati-identifier>{PROGRAMME}-{slug}</iati-identifier>");
    activities(xml)
        .into_iter()
        .find(|a| a.contains(&id))
        .expect("activity of the project")
}

/// The `<value>`s of the `budget`s of an activity, in euros as written.
fn budget_values(activity: &str) -> Vec<(String, String)> {
    activity
        .split("<budget ")
        .skip(1)
        .map(|b| {
            let start = b.split("<period-start iso-date=\"").nth(1).unwrap_or_default()[..10].to_string();
            (start, value_text(b).to_string())
        })
        .collect()
}

/// The text of the first `<value …>…</value>` of `xml`.
fn value_text(xml: &str) -> &str {
    let v = xml.split("<value ").nth(1).unwrap_or_default();
    let v = v.split_once('>').map(|(_, rest)| rest).unwrap_or_default();
    v.split("</value>").next().unwrap_or_default()
}

fn cents(decimal: &str) -> i64 {
    let (e, c) = decimal.split_once('.').expect("two decimals");
    e.parse::<i64>().expect("euros") * 100 + c.parse::<i64>().expect("cents")
}

#[test]
fn the_programme_is_the_parent_of_the_24_projects() {
    let xml = data().activities_xml();
    let all = activities(&xml);
    assert_eq!(all.len(), 25);
    assert!(all[0].contains("hierarchy=\"1\""));
    assert!(all[0].contains(&format!("<iati-identifier>{PROGRAMME}</iati-identifier>")));
    assert_eq!(all[0].matches("<related-activity ref=").count(), 24);
    for child in &all[1..] {
        assert!(child.contains("hierarchy=\"2\""));
        assert!(child.contains(&format!("<related-activity ref=\"{PROGRAMME}\" type=\"1\"/>")));
        assert!(child.contains("<reporting-org ref=\"FR-RCS-180020026\" type=\"15\">"));
    }
    assert!(all[0].contains(&format!("<related-activity ref=\"{PROGRAMME}-biovallee\" type=\"2\"/>")));
}

#[test]
fn biovallee_carries_the_fiche_figures_and_its_agreement() {
    let xml = data().activities_xml();
    let a = activity(&xml, "biovallee");
    let nnbsp = '\u{202f}';
    assert!(
        a.contains(&format!("Montant prévu de subvention : 5{nnbsp}700{nnbsp}000\u{a0}€")),
        "ceiling in the description"
    );
    assert!(a.contains(&format!("Potentiel d'investissement : 12{nnbsp}800{nnbsp}000\u{a0}€")));
    assert!(a.contains(&format!("Budget prévisionnel du projet : 53{nnbsp}000{nnbsp}000\u{a0}€")));
    // The agreement of the whole ceiling: an outgoing commitment of a standard grant.
    let commitment = a.split("<transaction ref=\"TI-2020-BIOVALLEE-01\">").nth(1).expect("commitment");
    let commitment = commitment.split("</transaction>").next().unwrap_or_default();
    assert!(commitment.contains("<transaction-type code=\"2\"/>"));
    assert!(commitment.contains("<value currency=\"EUR\" value-date=\"2020-06-15\">5700000.00</value>"));
    assert!(commitment.contains("<finance-type code=\"110\"/>"));
    // Equity: purchase (8) and sale (9) of common equity (510).
    let call = a
        .split("<transaction ref=\"TI-FP-BIOVALLEE-01-AF1\">")
        .nth(1)
        .expect("capital call");
    assert!(call.starts_with("\n      <transaction-type code=\"8\"/>"));
    assert!(call.contains(">1000000.00</value>") && call.contains("<finance-type code=\"510\"/>"));
    let exit = a.split("<transaction ref=\"TI-FP-BIOVALLEE-01-C1\">").nth(1).expect("exit");
    assert!(exit.starts_with("\n      <transaction-type code=\"9\"/>"));
    assert!(exit.contains(">1200000.00</value>"));
    assert_eq!(a.matches("<transaction-type code=\"3\"/>").count(), 2, "two payments");
    // Region 84 with its INSEE code; themes split 50/50.
    assert!(a.contains("<location ref=\"INSEE-COG-84\">"));
    assert!(a.contains("Auvergne-Rhône-Alpes"));
    assert!(a.contains("<sector vocabulary=\"99\" code=\"ecological-energy-transition\" percentage=\"50\">"));
    assert!(a.contains("<sector vocabulary=\"99\" code=\"agroecology\" percentage=\"50\">"));
    assert!(
        a.contains("<activity-date type=\"2\" iso-date=\"2020-06-15\"/>"),
        "started when the agreement was signed"
    );
}

#[test]
fn yearly_budgets_come_from_the_tranches_and_the_programme_sums_its_children() {
    let xml = data().activities_xml();
    let expected_biovallee = [
        ("2020-01-01", "1710000.00"),
        ("2021-01-01", "2280000.00"),
        ("2022-01-01", "1710000.00"),
    ];
    let got: Vec<(String, String)> = budget_values(activity(&xml, "biovallee"));
    assert_eq!(got, expected_biovallee.map(|(a, b)| (a.to_string(), b.to_string())));
    // 2020: 1 710 000 + 600 000; 2021: 2 280 000 + 1 400 000; 2022: 1 710 000.
    let programme = activities(&xml)[0];
    let expected = [
        ("2020-01-01", "2310000.00"),
        ("2021-01-01", "3680000.00"),
        ("2022-01-01", "1710000.00"),
    ];
    assert_eq!(budget_values(programme), expected.map(|(a, b)| (a.to_string(), b.to_string())));
    let children: i64 = activities(&xml)[1..]
        .iter()
        .flat_map(|a| budget_values(a))
        .map(|(_, v)| cents(&v))
        .sum();
    let parent: i64 = budget_values(programme).iter().map(|(_, v)| cents(v)).sum();
    assert_eq!((children, parent), (770_000_000, 770_000_000), "7 700 000 € either way");
}

#[test]
fn nouvelle_caledonie_is_its_own_iso_country() {
    // Fiche « Nouvelle-Calédonie », territory 988: ISO 3166-1 `NC`, not `FR`.
    let xml = data().activities_xml();
    let a = activity(&xml, "nouvelle-caledonie");
    assert!(a.contains("<recipient-country code=\"NC\"/>"));
    assert!(a.contains("<location ref=\"INSEE-COG-988\">"));
    assert!(a.contains("<administrative vocabulary=\"A4\" level=\"0\" code=\"NC\"/>"));
    let b = activity(&xml, "biovallee");
    assert!(b.contains("<recipient-country code=\"FR\"/>"));
    assert!(b.contains("<administrative vocabulary=\"A4\" level=\"0\" code=\"FR\"/>"));
}

#[test]
fn three_themes_share_one_hundred_per_cent() {
    let xml = data().activities_xml();
    let a = activity(&xml, "valence-romans-capitale-des-start-ups-de-territoire");
    let shares: Vec<&str> = a
        .split("percentage=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap_or_default())
        .collect();
    assert_eq!(shares, ["33.34", "33.33", "33.33"]);
}

#[test]
fn targets_baselines_and_actuals_of_biovallee() {
    let xml = data().activities_xml();
    let a = activity(&xml, "biovallee");
    let bio = a.split("Part de la production agricole en bio").nth(2).expect("the indicator");
    let bio = bio.split("</indicator>").next().unwrap_or_default();
    assert!(
        a.contains("<indicator measure=\"2\" ascending=\"1\">"),
        "a percentage that should rise"
    );
    // « à hauteur de 80 % » by 2030, from the announcement; 45 of 100 in 2021 = 45 %.
    assert!(bio.contains(
        "<period-start iso-date=\"2019-09-13\"/>\n          <period-end iso-date=\"2030-12-31\"/>\n          <target value=\"80\">"
    ));
    assert!(bio.contains(
        "<period-start iso-date=\"2021-01-01\"/>\n          <period-end iso-date=\"2021-12-31\"/>\n          <actual value=\"45\"/>"
    ));
    // « Réduire de moitié » with no known baseline: no target value, the phrase is kept.
    let energy = a.split("Consommation d'énergie de la vallée").nth(2).expect("the indicator");
    let energy = energy.split("</indicator>").next().unwrap_or_default();
    assert!(!energy.contains("<target"));
    assert!(energy.contains("Cible sans valeur de référence connue : Réduire de moitié la consommation d'énergie de la vallée"));
    assert!(energy.contains("<actual value=\"1234.5\"/>"));
}

#[test]
fn the_organisation_file_gives_budgets_and_expenditure_per_year() {
    let xml = data().organisation_xml();
    assert!(xml.contains("<organisation-identifier>FR-RCS-180020026</organisation-identifier>"));
    let budgets: Vec<&str> = xml.split("<total-budget ").skip(1).collect();
    assert_eq!(budgets.len(), 3);
    assert!(budgets[0].contains("<value currency=\"EUR\" value-date=\"2020-01-01\">2310000.00</value>"));
    // Spent: 2020 1 710 000 + 600 000; 2021 2 280 000 + capital call 1 000 000; 2022 call 500 000.
    let spent: Vec<&str> = xml.split("<total-expenditure>").skip(1).map(value_text).collect();
    assert_eq!(spent, ["2310000.00", "3280000.00", "500000.00"]);
}
