//! Each phrase is taken from a fiche of the press kit; the expected values are read off
//! the phrase by hand.

use super::*;
use Direction::{Increase, Maintain, Reduce};

/// The one target of `phrase`.
fn one(phrase: &str, direction: Direction) -> ParsedTarget {
    let mut t = parse(phrase, direction).unwrap_or_else(|e| panic!("{phrase}: {e}"));
    assert_eq!(t.len(), 1, "{phrase}");
    t.remove(0)
}

fn spec(phrase: &str, direction: Direction) -> TargetSpec {
    one(phrase, direction).spec
}

#[test]
fn relative_changes() {
    assert_eq!(
        spec("Réduire de 30 % le tonnage de déchets", Reduce),
        TargetSpec::Change { percent: -30.0 }
    );
    assert_eq!(
        spec("Diminuer de 25 % les dépenses en électricité", Reduce),
        TargetSpec::Change { percent: -25.0 }
    );
    assert_eq!(
        spec("Augmenter de + 20 % les emplois dans l'agriculture", Increase),
        TargetSpec::Change { percent: 20.0 }
    );
    assert_eq!(
        spec("Réduire de moitié la consommation d'énergie", Reduce),
        TargetSpec::Change { percent: -50.0 }
    );
    assert_eq!(
        spec("Réduction de 15 % des déplacements", Reduce),
        TargetSpec::Change { percent: -15.0 }
    );
    assert_eq!(
        spec("Accroître de 24 % les puits carbone", Increase),
        TargetSpec::Change { percent: 24.0 }
    );
    assert_eq!(
        spec("Réduire les coûts médicaux sur les parcours de soin de 20 %", Reduce),
        TargetSpec::Change { percent: -20.0 }
    );
    assert_eq!(
        spec("réaliser 10 % d'économies d'énergies", Reduce),
        TargetSpec::Change { percent: -10.0 }
    );
    assert_eq!(
        spec("augmentant de 50 % les ventes en circuit court", Increase),
        TargetSpec::Change { percent: 50.0 }
    );
    // « améliorer » takes the indicator's way; the magnitude is the last percentage.
    let both = "Améliorer les critères de qualité des eaux en nitrates et pesticides respectivement de 50 % et 75 %";
    assert_eq!(spec(both, Reduce), TargetSpec::Change { percent: -75.0 });
    assert_eq!(
        spec(&both[..both.len() - " et 75 %".len()], Reduce),
        TargetSpec::Change { percent: -50.0 }
    );
}

#[test]
fn a_range_keeps_its_least_ambitious_bound() {
    let t = one("Réduire de 20-30 % l'empreinte environnementale", Reduce);
    assert_eq!(t.spec, TargetSpec::Change { percent: -20.0 });
    assert_eq!(t.range, Some((20.0, 30.0)));
    let t = one("couvrant de 6 à 8 % de la demande locale", Increase);
    assert_eq!(t.spec, TargetSpec::Absolute { value: 6.0 });
    assert_eq!(t.range, Some((6.0, 8.0)));
    assert_eq!(spec("de 6 à 8 % des trajets", Reduce), TargetSpec::Absolute { value: 8.0 });
}

#[test]
fn from_to() {
    let t = one("Passer de 178 à 790 KWh produits localement", Increase);
    assert_eq!(t.spec, TargetSpec::FromTo { from: 178.0, to: 790.0 });
    assert!(!t.percent);
    let t = one("Diminuer le taux d'usage de la voiture individuelle de 94 % à 80 %", Reduce);
    assert_eq!(t.spec, TargetSpec::FromTo { from: 94.0, to: 80.0 });
    assert!(t.percent);
    assert_eq!(
        spec("Augmenter la part d'électricité produite dans le Morbihan de 5 % à 20 %", Increase),
        TargetSpec::FromTo { from: 5.0, to: 20.0 }
    );
    // A from-to beats the multiplier in the same phrase: it states the values.
    assert_eq!(
        spec(
            "Diviser par deux le taux de non recours rural et urbain aux soins de 8,2 % à 4 %",
            Reduce
        ),
        TargetSpec::FromTo { from: 8.2, to: 4.0 }
    );
}

#[test]
fn multipliers() {
    assert_eq!(spec("Multiplier par 5 les emplois", Increase), TargetSpec::Multiply { factor: 5.0 });
    assert_eq!(
        spec("Multiplier par 25 le nombre des lieux", Increase),
        TargetSpec::Multiply { factor: 25.0 }
    );
    assert_eq!(
        spec("multiplier par 5 le nombre de fermes locales", Increase),
        TargetSpec::Multiply { factor: 5.0 }
    );
    assert_eq!(
        spec("Doubler le nombre de start-ups", Increase),
        TargetSpec::Multiply { factor: 2.0 }
    );
    assert_eq!(
        spec("Diviser par deux le taux de non recours", Reduce),
        TargetSpec::Multiply { factor: 0.5 }
    );
    assert_eq!(
        spec("Encourager 2 fois plus d'habitants", Increase),
        TargetSpec::Multiply { factor: 2.0 }
    );
}

#[test]
fn absolute_values_in_french() {
    assert_eq!(spec("Créer 1 000 emplois", Increase), TargetSpec::Absolute { value: 1_000.0 });
    assert_eq!(
        spec("plus de 1\u{a0}600 emplois directs", Increase),
        TargetSpec::Absolute { value: 1_600.0 }
    );
    assert_eq!(
        spec("au moins 2\u{202f}000 citoyens", Increase),
        TargetSpec::Absolute { value: 2_000.0 }
    );
    assert_eq!(
        spec("Réhabiliter plus d'1 M de m² de bâtis", Increase),
        TargetSpec::Absolute { value: 1_000_000.0 }
    );
    assert_eq!(spec("12 000 000 de km", Reduce), TargetSpec::Absolute { value: 12_000_000.0 });
    assert_eq!(
        spec("Économiser 470 000 trajets", Increase),
        TargetSpec::Absolute { value: 470_000.0 }
    );
    assert_eq!(
        spec("chiffre d'affaires cumulé de 200 M€", Increase),
        TargetSpec::Absolute { value: 200.0 }
    );
    assert_eq!(
        spec("économie potentielle de 500 000 €/an", Increase),
        TargetSpec::Absolute { value: 500_000.0 }
    );
    assert_eq!(spec("minima 1 710 tonnes", Increase), TargetSpec::Absolute { value: 1_710.0 });
    assert_eq!(spec("un taux de 8,25 %", Reduce), TargetSpec::Absolute { value: 8.25 });
}

#[test]
fn shares() {
    let t = one("80 % des produits utilisés", Increase);
    assert_eq!((t.spec, t.form()), (TargetSpec::Absolute { value: 80.0 }, TargetForm::Share));
    assert_eq!(
        spec("52 % au moins des surfaces agricoles", Increase),
        TargetSpec::Absolute { value: 52.0 }
    );
    assert_eq!(
        spec("Ramener le taux de chômage à 7 %", Reduce),
        TargetSpec::Absolute { value: 7.0 }
    );
    assert_eq!(one("Créer 1 000 emplois", Increase).form(), TargetForm::Absolute);
}

#[test]
fn dates() {
    let t = one("0 jour de pic de pollution en 2027", Reduce);
    assert_eq!((t.spec, t.due_year), (TargetSpec::Absolute { value: 0.0 }, Some(2027)));
    let t = one("150 îlots de fraîcheurs en Île-de-France dès 2022", Increase);
    assert_eq!((t.spec, t.due_year), (TargetSpec::Absolute { value: 150.0 }, Some(2022)));
    let t = one(
        "À l'horizon de 2024, chiffre d'affaires cumulé de 200 M€ et création d'environ 1 000 emplois directs",
        Increase,
    );
    assert_eq!((t.spec, t.due_year), (TargetSpec::Absolute { value: 1_000.0 }, Some(2024)));
    let t = one("Diminuer de 5 % le nombre de véhicules sur le territoire en 5 ans", Reduce);
    assert_eq!((t.spec, t.due_year), (TargetSpec::Change { percent: -5.0 }, Some(2024)));
    assert_eq!(one("11 M€ de coûts de santé évités à 10 ans", Increase).due_year, Some(2029));
    assert_eq!(one("Créer 1 000 emplois", Increase).due_year, None);
}

#[test]
fn two_milestones() {
    let t = parse("couvrant de 6 à 8 % de la demande locale en 2024 et 10 à 12 % en 2030", Increase).unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(
        (t[0].spec, t[0].due_year, t[0].range),
        (TargetSpec::Absolute { value: 6.0 }, Some(2024), Some((6.0, 8.0)))
    );
    assert_eq!(
        (t[1].spec, t[1].due_year, t[1].range),
        (TargetSpec::Absolute { value: 10.0 }, Some(2030), Some((10.0, 12.0)))
    );
}

#[test]
fn maintain() {
    assert_eq!(spec("Maintien du potentiel de carbone des forêts", Maintain), TargetSpec::Maintain);
}

#[test]
fn errors() {
    assert_eq!(parse("  ", Increase), Err(TargetPhraseError::Empty));
    assert!(matches!(
        parse("Développer le marché local", Increase),
        Err(TargetPhraseError::NoValue(_))
    ));
    assert!(matches!(
        parse("Réduire de 30 % les déchets", Increase),
        Err(TargetPhraseError::Direction { .. })
    ));
    assert!(matches!(
        parse("de 94 % à 80 %", Increase),
        Err(TargetPhraseError::Direction { .. })
    ));
    assert!(matches!(
        parse("Doubler les emplois", Reduce),
        Err(TargetPhraseError::Direction { .. })
    ));
    assert!(matches!(
        parse("Maintien du potentiel", Increase),
        Err(TargetPhraseError::Direction { .. })
    ));
    assert!(matches!(parse("Améliorer de 20 %", Maintain), Err(TargetPhraseError::Unsigned(_))));
    assert!(matches!(
        parse("Multiplier par 0 les coûts", Increase),
        Err(TargetPhraseError::ZeroFactor(_))
    ));
}
