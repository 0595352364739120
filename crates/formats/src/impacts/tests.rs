//! The embedded catalogue against the embedded press kit. Expected values are read off the
//! fiche sentences by hand.

use super::*;
use crate::press_kit;
use time::macros::date;

fn projects() -> Vec<Project> {
    press_kit::parse(press_kit::EMBEDDED, press_kit::EMBEDDED_FILE).unwrap().projects
}

fn embedded() -> Catalogue {
    catalogue(&projects(), EMBEDDED).unwrap_or_else(|e| panic!("{e}"))
}

fn indicator<'a>(c: &'a Catalogue, code: &str) -> &'a Indicator {
    c.indicators.iter().find(|i| i.code == code).unwrap_or_else(|| panic!("no {code}"))
}

/// The indicators made from sentence `position` of `project`.
fn made<'a>(c: &'a Catalogue, project: &str, position: u32) -> Vec<&'a Indicator> {
    let impact = c.impacts.iter().find(|i| i.project == project && i.position == position).unwrap();
    match &impact.outcome {
        ImpactOutcome::Structured { indicators } => indicators.iter().map(|code| indicator(c, code)).collect(),
        ImpactOutcome::Qualitative { reason } => panic!("{project} {position} is qualitative: {reason}"),
    }
}

fn only<'a>(c: &'a Catalogue, project: &str, position: u32) -> &'a Indicator {
    let v = made(c, project, position);
    assert_eq!(v.len(), 1, "{project} {position}");
    v[0]
}

fn mapped(c: &Catalogue, code: &str) -> Option<String> {
    c.mappings
        .iter()
        .find(|m| m.indicator == code)
        .map(|m| m.programme_indicator.clone())
}

#[test]
fn every_sentence_is_covered_once() {
    let c = embedded();
    assert_eq!(c.impacts.len(), 110);
    let n: usize = projects().iter().map(|p| p.impacts_2030.len()).sum();
    assert_eq!(n, 110);
    // Counted by hand in data/impacts-2030.toml: 29 sentences kept qualitative (biovallee 1,
    // lyon 1, belfort 3, alimentation 4, terres de sources 1, e-meuse 4, strasbourg 1,
    // mobilité 1, le havre 6, vitirev 1, la rochelle 1, vilagil 1, nouvelle-calédonie 3,
    // ouest 1), so 110 − 29 = 81 structured, into 97 indicators.
    assert_eq!(c.structured_count(), (81, 110));
    assert_eq!(c.indicators.len(), 97);
    for i in &c.indicators {
        assert!(!i.targets.is_empty(), "{}", i.code);
        let p = projects().into_iter().find(|p| Some(&p.slug) == i.project.as_ref()).unwrap();
        assert_eq!(i.responsible, p.lead);
    }
}

#[test]
fn from_to_gives_the_baseline() {
    let c = embedded();
    let i = only(&c, "biovallee", 7);
    assert_eq!(i.targets[0].spec, TargetSpec::FromTo { from: 178.0, to: 790.0 });
    assert_eq!(i.unit, "kwh");
    let b = i.baseline.as_ref().unwrap();
    assert_eq!(
        (b.value, b.date, b.source.as_str()),
        (178.0, date!(2019 - 09 - 13), "dossier de presse du 13 septembre 2019")
    );
    assert_eq!(i.final_target(), Some((date!(2030 - 12 - 31), Some(790.0))));
    let i = only(&c, "morbihan-la-flexibilite-energetique-et-les-donnees", 4);
    assert_eq!(i.targets[0].spec, TargetSpec::FromTo { from: 94.0, to: 80.0 });
    assert_eq!((i.direction, i.unit.as_str()), (Direction::Reduce, "percent"));
    assert_eq!(i.baseline.as_ref().map(|b| b.value), Some(94.0));
    assert_eq!(mapped(&c, &i.code).as_deref(), Some("car-trips-share"));
}

#[test]
fn other_dates() {
    let c = embedded();
    let i = only(&c, "dunkerque-l-energie-creative", 1);
    assert_eq!(i.targets.len(), 1);
    assert_eq!(
        (i.targets[0].spec, i.targets[0].due),
        (TargetSpec::Absolute { value: 0.0 }, date!(2027 - 12 - 31))
    );
    assert_eq!(i.direction, Direction::Reduce);
    assert_eq!(target_form(i), Some(TargetForm::Dated));
    let i = only(&c, "construire-au-futur-habiter-le-futur", 2);
    assert_eq!(
        (i.targets[0].spec, i.targets[0].due),
        (TargetSpec::Absolute { value: 150.0 }, date!(2022 - 12 - 31))
    );
    let i = only(&c, "alimentation-durable-2030", 1);
    let milestones: Vec<_> = i.targets.iter().map(|t| (t.due, t.spec)).collect();
    assert_eq!(
        milestones,
        [
            (date!(2024 - 12 - 31), TargetSpec::Absolute { value: 6.0 }),
            (date!(2030 - 12 - 31), TargetSpec::Absolute { value: 10.0 })
        ]
    );
    let i = only(&c, "vilagil", 1);
    assert_eq!(
        (i.targets[0].spec, i.targets[0].due),
        (TargetSpec::Change { percent: -5.0 }, date!(2024 - 12 - 31))
    );
}

#[test]
fn maintain_multiply_and_absolute() {
    let c = embedded();
    let i = only(&c, "des-hommes-et-des-arbres", 1);
    assert_eq!((i.targets[0].spec, i.direction), (TargetSpec::Maintain, Direction::Maintain));
    assert_eq!(i.final_target(), Some((date!(2030 - 12 - 31), None)));
    let i = only(&c, "littoral-plus", 1);
    assert_eq!(
        (i.targets[0].spec, i.unit.as_str()),
        (TargetSpec::Absolute { value: 1_000.0 }, "jobs")
    );
    assert_eq!(mapped(&c, &i.code).as_deref(), Some("jobs-created"));
    // « Doubler » with no baseline in the fiche: the target value is unknown, not 0.
    let i = only(&c, "strasbourg-territoire-de-sante-de-demain", 4);
    assert_eq!(i.targets[0].spec, TargetSpec::Multiply { factor: 2.0 });
    assert_eq!(i.baseline, None);
    assert_eq!(i.final_target(), Some((date!(2030 - 12 - 31), None)));
    let i = only(&c, "biovallee", 1);
    assert_eq!(i.targets[0].spec, TargetSpec::Change { percent: -50.0 });
    let i = only(&c, "occit-num", 2);
    assert_eq!(i.targets[0].spec, TargetSpec::Change { percent: -20.0 });
    assert!(i.targets[0].statement.as_deref().unwrap().contains("20-30 %"));
}

#[test]
fn one_sentence_several_indicators() {
    let c = embedded();
    let v = made(&c, "valence-romans-capitale-des-start-ups-de-territoire", 2);
    let got: Vec<_> = v.iter().map(|i| (i.unit.as_str(), i.targets[0].spec)).collect();
    assert_eq!(
        got,
        [
            ("persons", TargetSpec::Absolute { value: 2_500.0 }),
            ("companies", TargetSpec::Absolute { value: 100.0 }),
            ("jobs", TargetSpec::Absolute { value: 1_500.0 })
        ]
    );
    let v = made(&c, "vilagil", 2);
    let got: Vec<_> = v.iter().map(|i| (i.unit.as_str(), i.targets[0].spec)).collect();
    assert_eq!(
        got,
        [
            ("trips", TargetSpec::Absolute { value: 470_000.0 }),
            ("km", TargetSpec::Absolute { value: 12_000_000.0 }),
            ("tco2e", TargetSpec::Absolute { value: 1_710.0 }),
            ("kwh", TargetSpec::Absolute { value: 8_000_000.0 })
        ]
    );
    let v = made(&c, "la-rochelle-territoire-zero-carbone", 4);
    assert_eq!(v[0].targets[0].spec, TargetSpec::Absolute { value: 1_000_000.0 });
}

#[test]
fn report_counts_forms_and_lists_the_rest() {
    let r = report(&embedded());
    assert_eq!((r.structured, r.sentences, r.indicators), (81, 110, 97));
    assert_eq!(r.forms.iter().map(|f| f.count).sum::<usize>(), 97);
    assert_eq!(r.qualitative.len(), 29);
    assert!(r.qualitative.iter().all(|q| !q.reason.is_empty()));
    let dated = r.forms.iter().find(|f| f.form == TargetForm::Dated).unwrap().count;
    // Dunkerque 2027, îlots 2022, alimentation 2024/2030, des hommes et des arbres 2024 (×2)
    // and 2029 (« à 10 ans »), vilagil « en 5 ans ».
    assert_eq!(dated, 7);
    let maintain = r.forms.iter().find(|f| f.form == TargetForm::Maintain).unwrap().count;
    assert_eq!(maintain, 1);
}

/// The embedded catalogue with `from` replaced by `to` (once).
fn edited(from: &str, to: &str) -> String {
    assert!(EMBEDDED.contains(from), "{from}");
    EMBEDDED.replacen(from, to, 1)
}

fn entry_error(result: Result<Catalogue, CatalogueError>) -> (String, u32, String) {
    match result {
        Err(CatalogueError::Entry {
            project, position, field, ..
        }) => (project, position, field),
        Err(e) => panic!("expected an entry error, got {e}"),
        Ok(_) => panic!("expected an entry error, got a catalogue"),
    }
}

#[test]
fn an_edited_fiche_fails_loudly() {
    let mut ps = projects();
    let p = ps.iter_mut().find(|p| p.slug == "littoral-plus").unwrap();
    p.impacts_2030[0] = "Créer 2 000 emplois ;".into();
    let e = catalogue(&ps, EMBEDDED).unwrap_err();
    assert!(e.to_string().contains("littoral-plus n° 1, champ « sentence »"), "{e}");
    // A sentence added to a fiche has no entry.
    let mut ps = projects();
    ps.iter_mut()
        .find(|p| p.slug == "vilagil")
        .unwrap()
        .impacts_2030
        .push("Une phrase de plus.".into());
    assert_eq!(entry_error(catalogue(&ps, EMBEDDED)), ("vilagil".into(), 5, "sentence".into()));
}

#[test]
fn bad_entries_name_project_position_and_field() {
    let ps = projects();
    let phrase = edited("phrase = \"Créer 1 000 emplois\"", "phrase = \"Créer 1 200 emplois\"");
    assert_eq!(
        entry_error(catalogue(&ps, &phrase)),
        ("littoral-plus".into(), 1, "indicator[1].phrase".into())
    );
    let unit = edited("unit = \"kwh\"", "unit = \"furlongs\"");
    assert_eq!(
        entry_error(catalogue(&ps, &unit)),
        ("biovallee".into(), 7, "indicator[1].unit".into())
    );
    let mapping = edited("programme = \"jobs-created\"", "programme = \"hectares-agroecology\"");
    assert_eq!(
        entry_error(catalogue(&ps, &mapping)),
        (
            "valence-romans-capitale-des-start-ups-de-territoire".into(),
            2,
            "indicator[3].programme".into()
        )
    );
    let unknown = edited("programme = \"jobs-created\"", "programme = \"jobs\"");
    assert_eq!(entry_error(catalogue(&ps, &unknown)).2, "indicator[3].programme");
    let way = edited("direction = \"reduce\"", "direction = \"increase\"");
    assert_eq!(
        entry_error(catalogue(&ps, &way)),
        ("biovallee".into(), 1, "indicator[1].phrase".into())
    );
    // « soit 750 » (exploitations) is not a value in per cent.
    let percent = edited("unit = \"farms\"", "unit = \"percent\"");
    assert_eq!(
        entry_error(catalogue(&ps, &percent)),
        ("terres-de-sources".into(), 1, "indicator[1].unit".into())
    );
    let twice = format!("{EMBEDDED}\n[[impact]]\nproject = \"vilagil\"\nposition = 4\nsentence = \"x\"\nqualitative = \"x\"\n");
    assert_eq!(entry_error(catalogue(&ps, &twice)), ("vilagil".into(), 4, "position".into()));
    let stranger = format!("{EMBEDDED}\n[[impact]]\nproject = \"atlantide\"\nposition = 1\nsentence = \"x\"\nqualitative = \"x\"\n");
    assert_eq!(entry_error(catalogue(&ps, &stranger)).2, "project");
    assert!(matches!(catalogue(&ps, "impact = 3"), Err(CatalogueError::Toml(_))));
}
