//! The press-kit importer against the real document. Every expected value below was read
//! off `data/territoires-d-innovation-2019-dossier-de-presse.md` by hand (line numbers are
//! the document's), and the totals were added up by hand from the table.

use territoires_domain::programme::{CallKind, ClaimSubject, EnvelopeKind};
use territoires_domain::project::{BlockKind, TextBlock};
use territoires_domain::{Money, Project};
use territoires_formats::press_kit::{parse, ParseError, PressKit, EMBEDDED, EMBEDDED_FILE};

const ECO: &str = "ecological-energy-transition";
const AGRO: &str = "agroecology";
const HEALTH: &str = "health";
const MOB: &str = "mobility";
const DIGI: &str = "digital";
const SKILLS: &str = "skills";
const IND: &str = "industry";
const HANDI: &str = "disability";

const METRO: &str = "metropolis";
const MEDIUM: &str = "medium-sized-town";
const RURAL: &str = "rural";
const PERI: &str = "peri-urban";
const COAST: &str = "coastal";
const MOUNT: &str = "mountain";
const OVERSEAS: &str = "overseas";

/// One fiche as printed. Amounts are in hundredths of a million euros (`5,7 M€` → 570),
/// i.e. in units of 10 000 € = 1 000 000 cents.
struct Row {
    line: u32,
    slug: &'static str,
    lead: &'static str,
    partners: u32,
    local_authorities: u32,
    population: u64,
    budget: Option<i64>,
    subsidy: i64,
    investment: i64,
    regions: &'static [&'static str],
    themes: &'static [&'static str],
    kinds: &'static [&'static str],
    /// The *Ambition* section as printed, one letter a block: `P` paragraph, `I` list item
    /// (the planned-budget sentence, in its own paragraph or at the end of one, left out).
    ambition: &'static str,
    /// The *Objectifs stratégiques* section, the same way, in reading order.
    objectives: &'static str,
    impacts: usize,
    page: u32,
}

#[rustfmt::skip]
const FICHES: [Row; 24] = [
    Row { line: 251, slug: "biovallee", lead: "Association Biovallée", partners: 29, local_authorities: 3, population: 56_000, budget: Some(5300), subsidy: 570, investment: 1280, regions: &["84"], themes: &[ECO, AGRO], kinds: &[RURAL], ambition: "P", objectives: "IIIII", impacts: 8, page: 10 },
    Row { line: 312, slug: "valence-romans-capitale-des-start-ups-de-territoire", lead: "Valence Romans Agglo", partners: 26, local_authorities: 3, population: 217_000, budget: Some(7400), subsidy: 690, investment: 1520, regions: &["84"], themes: &[SKILLS, IND, ECO], kinds: &[MEDIUM], ambition: "PP", objectives: "II", impacts: 3, page: 11 },
    Row { line: 359, slug: "lyon-st-etienne-l-industrie-integree-et-re-connectee", lead: "Métropole du Grand Lyon", partners: 12, local_authorities: 2, population: 1_785_000, budget: Some(20100), subsidy: 610, investment: 2270, regions: &["84"], themes: &[SKILLS, IND, DIGI], kinds: &[METRO], ambition: "PP", objectives: "IIIIII", impacts: 8, page: 12 },
    Row { line: 418, slug: "belfort-montbeliard-transformation-d-un-territoire-industriel", lead: "Pays de Montbéliard Agglomération", partners: 40, local_authorities: 2, population: 245_000, budget: Some(6900), subsidy: 480, investment: 1110, regions: &["27"], themes: &[IND, ECO, SKILLS], kinds: &[MEDIUM], ambition: "P", objectives: "III", impacts: 4, page: 13 },
    Row { line: 465, slug: "alimentation-durable-2030", lead: "Dijon Métropole", partners: 30, local_authorities: 2, population: 384_000, budget: Some(4200), subsidy: 300, investment: 680, regions: &["27"], themes: &[AGRO, DIGI], kinds: &[METRO, RURAL], ambition: "PP", objectives: "IIIII", impacts: 5, page: 14 },
    Row { line: 521, slug: "terres-de-sources", lead: "Collectivité Eau du bassin rennais", partners: 107, local_authorities: 12, population: 750_000, budget: Some(7900), subsidy: 590, investment: 1470, regions: &["53"], themes: &[ECO, AGRO], kinds: &[RURAL, METRO, MEDIUM], ambition: "PP", objectives: "PIIP", impacts: 5, page: 15 },
    Row { line: 576, slug: "handicap-innovation-territoire", lead: "Lorient Agglo", partners: 69, local_authorities: 5, population: 668_000, budget: Some(6100), subsidy: 690, investment: 2240, regions: &["53"], themes: &[HEALTH, HANDI], kinds: &[MEDIUM], ambition: "P", objectives: "III", impacts: 4, page: 16 },
    Row { line: 629, slug: "morbihan-la-flexibilite-energetique-et-les-donnees", lead: "Morbihan Énergies", partners: 51, local_authorities: 8, population: 741_000, budget: Some(5300), subsidy: 340, investment: 660, regions: &["53"], themes: &[ECO, DIGI], kinds: &[RURAL, COAST], ambition: "P", objectives: "IIIIII", impacts: 5, page: 17 },
    Row { line: 680, slug: "des-hommes-et-des-arbres", lead: "Métropole du Grand Nancy", partners: 39, local_authorities: 12, population: 1_066_000, budget: Some(26900), subsidy: 550, investment: 1890, regions: &["44"], themes: &[ECO, AGRO, IND], kinds: &[RURAL, METRO, MEDIUM], ambition: "P", objectives: "IIIII", impacts: 5, page: 18 },
    Row { line: 736, slug: "e-meuse-sante", lead: "Conseil départemental de la Meuse", partners: 51, local_authorities: 7, population: 1_098_000, budget: Some(8500), subsidy: 840, investment: 1860, regions: &["44"], themes: &[HEALTH, DIGI, SKILLS], kinds: &[RURAL, MEDIUM], ambition: "PP", objectives: "IIIII", impacts: 4, page: 19 },
    Row { line: 788, slug: "strasbourg-territoire-de-sante-de-demain", lead: "Eurométropole de Strasbourg", partners: 31, local_authorities: 10, population: 567_000, budget: Some(11500), subsidy: 1060, investment: 2500, regions: &["44"], themes: &[HEALTH], kinds: &[METRO, RURAL], ambition: "P", objectives: "IIIII", impacts: 4, page: 20 },
    Row { line: 830, slug: "dunkerque-l-energie-creative", lead: "Communauté Urbaine de Dunkerque", partners: 76, local_authorities: 8, population: 258_000, budget: Some(28800), subsidy: 990, investment: 2760, regions: &["32"], themes: &[ECO, IND], kinds: &[MEDIUM, COAST], ambition: "P", objectives: "IIIII", impacts: 4, page: 21 },
    Row { line: 879, slug: "construire-au-futur-habiter-le-futur", lead: "Conseil régional d'Île-de-France", partners: 120, local_authorities: 22, population: 12_210_000, budget: Some(31000), subsidy: 840, investment: 8380, regions: &["11"], themes: &[ECO, DIGI], kinds: &[METRO, PERI], ambition: "PIIIIIP", objectives: "IIIII", impacts: 8, page: 22 },
    Row { line: 936, slug: "sesame-le-bio-s-ouvre-a-vous", lead: "Cœur d'Essonne Agglomération", partners: 51, local_authorities: 9, population: 200_000, budget: Some(7600), subsidy: 570, investment: 2020, regions: &["11"], themes: &[AGRO, ECO], kinds: &[PERI], ambition: "P", objectives: "IIIII", impacts: 2, page: 23 },
    Row { line: 979, slug: "mobilite-intelligente-pour-tous", lead: "Métropole Rouen Normandie", partners: 36, local_authorities: 6, population: 730_000, budget: Some(29200), subsidy: 520, investment: 1140, regions: &["28"], themes: &[MOB, ECO], kinds: &[METRO, PERI, MEDIUM], ambition: "PPP", objectives: "IIIIIII", impacts: 3, page: 24 },
    Row { line: 1035, slug: "le-havre-smart-port-city", lead: "Communauté urbaine Le Havre Seine Métropole", partners: 18, local_authorities: 2, population: 275_000, budget: None, subsidy: 540, investment: 2440, regions: &["28"], themes: &[DIGI, IND, ECO], kinds: &[MEDIUM, COAST], ambition: "P", objectives: "IIII", impacts: 6, page: 25 },
    Row { line: 1087, slug: "vitirev", lead: "Conseil Régional Nouvelle-Aquitaine", partners: 130, local_authorities: 6, population: 2_100_000, budget: Some(24400), subsidy: 1360, investment: 6000, regions: &["75"], themes: &[ECO, AGRO], kinds: &[RURAL], ambition: "PP", objectives: "IIII", impacts: 4, page: 26 },
    Row { line: 1141, slug: "la-rochelle-territoire-zero-carbone", lead: "La Rochelle Agglomération", partners: 63, local_authorities: 11, population: 517_000, budget: Some(8200), subsidy: 770, investment: 1720, regions: &["75"], themes: &[ECO], kinds: &[MEDIUM, COAST], ambition: "P", objectives: "III", impacts: 6, page: 27 },
    Row { line: 1192, slug: "ambition-pyrenees", lead: "Conseil départemental des Pyrénées-Atlantiques", partners: 49, local_authorities: 11, population: 368_000, budget: Some(12800), subsidy: 605, investment: 1790, regions: &["75"], themes: &[ECO, AGRO, SKILLS], kinds: &[RURAL, MOUNT, MEDIUM], ambition: "PPIII", objectives: "PIII", impacts: 4, page: 28 },
    Row { line: 1244, slug: "vilagil", lead: "Toulouse Métropole", partners: 19, local_authorities: 2, population: 910_000, budget: Some(16500), subsidy: 460, investment: 3110, regions: &["76"], themes: &[ECO, MOB], kinds: &[METRO, PERI], ambition: "PP", objectives: "IIIII", impacts: 4, page: 29 },
    Row { line: 1288, slug: "littoral-plus", lead: "Conseil régional d'Occitanie", partners: 46, local_authorities: 6, population: 1_300_000, budget: Some(9100), subsidy: 190, investment: 1520, regions: &["76"], themes: &[ECO], kinds: &[MEDIUM, COAST], ambition: "PP", objectives: "IIII", impacts: 2, page: 30 },
    Row { line: 1336, slug: "occit-num", lead: "Institut national de Recherche en Sciences et Technologies pour l'Environnement et l'Agriculture (IRSTEA)", partners: 58, local_authorities: 6, population: 6_000_000, budget: Some(10900), subsidy: 490, investment: 2520, regions: &["76"], themes: &[DIGI, AGRO, ECO], kinds: &[RURAL], ambition: "P", objectives: "IIII", impacts: 5, page: 31 },
    Row { line: 1382, slug: "nouvelle-caledonie", lead: "Gouvernement de la Nouvelle-Calédonie", partners: 14, local_authorities: 1, population: 269_000, budget: Some(7200), subsidy: 610, investment: 870, regions: &["988"], themes: &[ECO], kinds: &[COAST, OVERSEAS], ambition: "PP", objectives: "IIII", impacts: 3, page: 32 },
    Row { line: 1435, slug: "ouest-territoires-d-elevage", lead: "Institut National de la Recherche Agronomique (INRA)", partners: 41, local_authorities: 5, population: 162_000, budget: Some(6500), subsidy: 450, investment: 1090, regions: &["52", "28", "53"], themes: &[AGRO], kinds: &[RURAL], ambition: "P", objectives: "IIII", impacts: 4, page: 33 },
];

/// Hundredths of a million euros → cents.
fn hm(hundredths: i64) -> Money {
    Money(hundredths * 1_000_000)
}

fn kit() -> PressKit {
    parse(EMBEDDED, EMBEDDED_FILE).unwrap_or_else(|e| panic!("the embedded press kit must parse: {e}"))
}

fn project<'k>(kit: &'k PressKit, slug: &str) -> &'k Project {
    kit.projects
        .iter()
        .find(|p| p.slug == slug)
        .unwrap_or_else(|| panic!("no project {slug}"))
}

#[test]
fn every_fiche_has_the_figures_printed_in_the_document() {
    let kit = kit();
    assert_eq!(kit.projects.len(), FICHES.len());
    for (p, row) in kit.projects.iter().zip(&FICHES) {
        let s = row.slug;
        assert_eq!(p.slug, row.slug);
        assert_eq!(p.source.line, row.line, "{s}: heading line");
        assert_eq!(p.lead, row.lead, "{s}: lead");
        assert_eq!(p.partners, row.partners, "{s}: partners");
        assert_eq!(p.local_authorities, row.local_authorities, "{s}: local authorities");
        assert_eq!(p.population, row.population, "{s}: population");
        assert_eq!(p.planned_budget, row.budget.map(hm), "{s}: planned budget");
        assert_eq!(p.subsidy_ceiling, hm(row.subsidy), "{s}: subsidy ceiling");
        assert_eq!(p.investment_potential, hm(row.investment), "{s}: investment potential");
        assert_eq!(p.regions.iter().map(|r| r.code).collect::<Vec<_>>(), row.regions, "{s}: regions");
        assert_eq!(p.themes.iter().map(|t| t.code()).collect::<Vec<_>>(), row.themes, "{s}: themes");
        assert_eq!(
            p.territory_kinds.iter().map(|k| k.code()).collect::<Vec<_>>(),
            row.kinds,
            "{s}: territory kinds"
        );
        assert_eq!(kinds(&p.ambition), row.ambition, "{s}: ambition {:#?}", p.ambition);
        assert_eq!(
            kinds(&p.strategic_objectives),
            row.objectives,
            "{s}: objectives {:#?}",
            p.strategic_objectives
        );
        assert_eq!(p.impacts_2030.len(), row.impacts, "{s}: impacts {:#?}", p.impacts_2030);
        assert_eq!(p.source.page, Some(row.page), "{s}: page");
        // The press kit lists the laureates of the 2018 call for projects.
        assert_eq!(p.call.as_deref(), Some("aap-2018"), "{s}: call");
    }
}

/// The kinds of `blocks` as letters: `P` paragraph, `I` list item.
fn kinds(blocks: &[TextBlock]) -> String {
    blocks
        .iter()
        .map(|b| match b.kind {
            BlockKind::Paragraph => 'P',
            BlockKind::Item => 'I',
        })
        .collect()
}

fn texts(blocks: &[TextBlock]) -> Vec<&str> {
    blocks.iter().map(|b| b.text.as_str()).collect()
}

#[test]
fn totals_added_up_by_hand() {
    let kit = kit();
    let ps = &kit.projects;
    assert_eq!(ps.len(), 24);
    assert_eq!(ps.iter().map(|p| p.partners).sum::<u32>(), 1_206);
    assert_eq!(ps.iter().map(|p| p.local_authorities).sum::<u32>(), 161);
    assert_eq!(ps.iter().map(|p| p.population).sum::<u64>(), 32_876_000);
    // 151,15 M€: more than the 150 M€ subsidy envelope.
    assert_eq!(Money::sum(ps.iter().map(|p| p.subsidy_ceiling)), Some(Money(15_115_000_000)));
    // 528,4 M€: more than the 300 M€ equity envelope.
    assert_eq!(Money::sum(ps.iter().map(|p| p.investment_potential)), Some(Money(52_840_000_000)));
    // 3 023 M€ over the 23 fiches that print a budget (not Le Havre).
    assert_eq!(ps.iter().filter(|p| p.planned_budget.is_some()).count(), 23);
    assert_eq!(Money::sum(ps.iter().filter_map(|p| p.planned_budget)), Some(Money(302_300_000_000)));
}

#[test]
fn headings_names_table_of_contents_and_leads() {
    let kit = kit();
    let biovallee = project(&kit, "biovallee");
    assert_eq!(biovallee.heading, "BIOVALLÉE");
    assert_eq!(biovallee.name, "Biovallée");
    assert_eq!(biovallee.toc_title, "VALLEE DE LA DRÔME, BIOVALLÉE");
    assert_eq!(biovallee.region_raw, "AUVERGNE-RHÔNE-ALPES");
    assert_eq!(
        biovallee.lead_detail.as_deref(),
        Some("(Communautés de Communes du Diois, Crestois-Pays de Saillans et Val de Drôme)")
    );
    assert_eq!(biovallee.themes_raw, "Transition écologique et énergétique, Agroécologie");
    assert_eq!(biovallee.territory_kinds_raw, "Territoires ruraux");
    let belfort = project(&kit, "belfort-montbeliard-transformation-d-un-territoire-industriel");
    assert_eq!(belfort.lead_detail.as_deref(), Some("(en action conjointe avec le Grand Belfort)"));
    assert_eq!(project(&kit, "le-havre-smart-port-city").name, "Le Havre Smart Port City");
    assert_eq!(project(&kit, "e-meuse-sante").name, "e-Meuse Santé");
    assert_eq!(project(&kit, "ouest-territoires-d-elevage").name, "Ouest Territoires d'Élevage");
    assert_eq!(
        project(&kit, "occit-num").lead_detail,
        None,
        "an acronym in brackets is part of the lead"
    );
    let nc = project(&kit, "nouvelle-caledonie");
    assert_eq!(nc.region_raw, "OUTRE-MER");
    assert_eq!(nc.regions[0].name, "Nouvelle-Calédonie");
    assert_eq!(project(&kit, "vilagil").toc_title, "TOULOUSE, VILAGIL");
    let mut slugs: Vec<&str> = kit.projects.iter().map(|p| p.slug.as_str()).collect();
    slugs.sort_unstable();
    slugs.dedup();
    assert_eq!(slugs.len(), 24);
}

#[test]
fn sections_in_any_order_and_markup_stripped() {
    let kit = kit();
    let vilagil = project(&kit, "vilagil");
    assert!(vilagil.ambition[0].text.starts_with("Le territoire toulousain"));
    let pyrenees = project(&kit, "ambition-pyrenees");
    // « ## OBJECTIFS STRATÉGIQUES » (l. 1209) comes before « ## AMBITION » (l. 1217).
    assert!(pyrenees.strategic_objectives[0]
        .text
        .starts_with("Ce projet vise à réinventer le modèle des Pyrénées"));
    assert!(pyrenees.ambition[0].text.starts_with("Les Pyrénées sont un territoire agricole"));
    let biovallee = project(&kit, "biovallee");
    assert_eq!(
        biovallee.impacts_2030[0],
        "Réduire de moitié la consommation d'énergie de la vallée ;"
    );
    let meuse = project(&kit, "e-meuse-sante");
    assert_eq!(
        meuse.impacts_2030[1],
        "Combattre la désertification médicale par une coordination des acteurs via de nouveaux outils numériques ;"
    );
    let littoral = project(&kit, "littoral-plus");
    assert_eq!(
        littoral.impacts_2030[0], "Créer 1 000 emplois ;",
        "« IMPACTS À HORIZON 2030 : » variant"
    );
    assert_eq!(
        project(&kit, "alimentation-durable-2030").impacts_2030.len(),
        5,
        "« IMPACTS ATTENDUS » variant"
    );
    for p in &kit.projects {
        let blocks = p.ambition.iter().chain(&p.strategic_objectives).map(|b| &b.text);
        for text in blocks.chain(&p.impacts_2030) {
            assert!(!text.contains('*') && !text.contains('<'), "{}: markup left in « {text} »", p.slug);
            assert!(
                !text.contains("budget prévisionnel"),
                "{}: the budget sentence belongs to planned_budget",
                p.slug
            );
            assert!(
                !text.contains("M€ Montant") && !text.starts_with("Potentiel"),
                "{}: amount label in text",
                p.slug
            );
        }
    }
}

#[test]
fn intro_and_closing_sentences_of_objectives_are_paragraphs() {
    let kit = kit();
    // Terres de Sources, lines 543–548: a sentence, two bulleted objectives, a sentence.
    assert_eq!(
        project(&kit, "terres-de-sources").strategic_objectives,
        [
            TextBlock::paragraph("Deux axes principaux seront développés afin d'atteindre cette ambition :"),
            TextBlock::item(
                "Développer la demande pour soutenir les efforts agricoles, notamment au moyen d'une innovation juridique \
                 de dimension européenne qui offre la possibilité d'acheter des denrées alimentaires aux seules exploitations \
                 agricoles situées en amont des captages d'eau potable ;"
            ),
            TextBlock::item(
                "Faire évoluer l'offre agricole afin de préserver l'eau, notamment en labellisant les modes de production et \
                 de transformation. Ainsi la marque TERRES DE SOURCES® a pour objet d'associer les habitants dans ce projet \
                 en leur proposant des produits agricoles locaux de qualité et à prix accessibles qui soient aussi \
                 rémunérateurs pour les producteurs."
            ),
            TextBlock::paragraph(
                "Une politique ambitieuse de sensibilisation et d'éducation à la consommation responsable sera également \
                 mise en œuvre par l'ensemble des acteurs du territoire."
            ),
        ]
    );
    // Ambition Pyrénées, lines 1211–1215: the sentence ending with « : », then three items.
    let pyrenees = project(&kit, "ambition-pyrenees");
    assert_eq!(
        pyrenees.strategic_objectives[1..],
        [
            TextBlock::item("Le développement de l'efficacité énergétique ;"),
            TextBlock::item("La construction d'un modèle agricole responsable et profitable ;"),
            TextBlock::item("L'accompagnement aux nouveaux usages et aux modèles économiques de demain."),
        ]
    );
    assert_eq!(pyrenees.strategic_objectives[0].kind, BlockKind::Paragraph);
    assert!(pyrenees.strategic_objectives[0]
        .text
        .ends_with("au service de la transition énergétique et environnementale :"));
}

#[test]
fn lists_in_the_ambition_are_items() {
    let kit = kit();
    // Ambition Pyrénées, lines 1219–1227: two paragraphs, three items, the budget sentence.
    let pyrenees = project(&kit, "ambition-pyrenees");
    let items: Vec<&TextBlock> = pyrenees.ambition.iter().filter(|b| b.kind == BlockKind::Item).collect();
    assert_eq!(
        items,
        [
            &TextBlock::item("la digitalisation de l'agriculture ;"),
            &TextBlock::item("le développement de nouvelles activités en jouant sur les leviers du numérique et de la mobilité;"),
            &TextBlock::item("la contribution à la stratégie française sur le développement des énergies renouvelables."),
        ]
    );
    assert_eq!(kinds(&pyrenees.ambition), "PPIII");
    // Construire au futur, lines 895–905: a paragraph, five items, a paragraph (the budget
    // sentence, in a paragraph of its own, is removed).
    let idf = project(&kit, "construire-au-futur-habiter-le-futur");
    assert_eq!(kinds(&idf.ambition), "PIIIIIP");
    assert_eq!(
        idf.ambition[1],
        TextBlock::item("penser des espaces qui s'adaptent à l'évolution des besoins et des usages ;")
    );
    assert_eq!(
        idf.ambition[5],
        TextBlock::item("soutenir l'innovation et l'excellence dans la filière « bâtiment et construction ».")
    );
    assert!(idf.ambition[0].text.starts_with("Avec plus de 12 millions d'habitants"));
    assert!(idf.ambition[6]
        .text
        .starts_with("Le Conseil régional souhaite penser « l'Habiter »"));
    // The budget sentence closing a paragraph is cut off, the rest kept (Lyon, l. 378).
    let lyon = project(&kit, "lyon-st-etienne-l-industrie-integree-et-re-connectee");
    assert!(
        lyon.ambition[1].text.ends_with("à son territoire et à ses habitants."),
        "{:?}",
        lyon.ambition[1]
    );
}

#[test]
fn vilagil_objectives_in_reading_order() {
    // The fiche prints the end of its objectives list without heading right after the
    // header (l. 1255–1257, the last item ending with « . »), and its beginning under
    // « ## OBJECTIFS STRATÉGIQUES » after the ambition (l. 1285–1286, each ending with « ; »).
    let kit = kit();
    assert_eq!(
        texts(&project(&kit, "vilagil").strategic_objectives),
        [
            "Développer des solutions de mobilité compatibles avec la croissance démographique et économique du territoire ;",
            "Mettre en œuvre une approche écosystémique des mobilités pour gérer la pression subie par les infrastructures \
             de transports liée à l'augmentation des flux quotidiens de personnes et de marchandises de la grande aire \
             urbaine toulousaine ;",
            "Décongestionner le territoire par le développement de services innovants alternatifs à la voiture individuelle ;",
            "Favoriser la mobilité pour tous à un coût admissible en associant pleinement les citoyens à la gouvernance des \
             solutions innovantes pour modifier progressivement les comportements d'usages et ainsi transformer la demande ;",
            "Décarboner le territoire par la transformation des mobilités et la réduction des externalités négatives.",
        ]
    );
    assert_eq!(kinds(&project(&kit, "vilagil").strategic_objectives), "IIIII");
}

#[test]
fn subscripts_and_superscripts_are_kept_as_unicode() {
    let kit = kit();
    // l. 288: « … les émissions de CO<sub>2</sub> liées au transport ; »
    assert_eq!(
        project(&kit, "biovallee").impacts_2030[3],
        "Réduire de 30 % les déplacements en voiture individuelle et les émissions de CO₂ liées au transport ;"
    );
    // l. 846: « … l'écosystème industrialo-portuaire du XXI<sup>e</sup> siècle … »
    let dunkerque = project(&kit, "dunkerque-l-energie-creative");
    assert!(dunkerque.ambition[0]
        .text
        .contains("l'écosystème industrialo-portuaire du XXIᵉ siècle en conjuguant"));
    let rochelle = project(&kit, "la-rochelle-territoire-zero-carbone");
    // l. 1158: « … devenir le 1<sup>er</sup> territoire urbain littoral français … »
    assert!(rochelle.ambition[0]
        .text
        .contains("devenir le 1ᵉʳ territoire urbain littoral français"));
    // l. 1164: « … la vente de 150 000 t.éq.CO<sub>2</sub>, … »
    assert!(rochelle.strategic_objectives[0]
        .text
        .contains("la vente de 150 000 t.éq.CO₂, permettant"));
    // l. 1173: « **Réhabiliter** plus d'1 M de m<sup>2</sup> de bâtis, … »
    assert!(rochelle.impacts_2030[3].starts_with("Réhabiliter plus d'1 M de m² de bâtis, réduire"));
}

#[test]
fn names_and_slugs() {
    let kit = kit();
    // l. 418: « # BELFORT- MONTBÉLIARD : … »: the space after the hyphen is a line break's.
    let belfort = project(&kit, "belfort-montbeliard-transformation-d-un-territoire-industriel");
    assert_eq!(belfort.name, "Belfort-Montbéliard : Transformation d'un Territoire Industriel");
    assert_eq!(belfort.heading, "BELFORT- MONTBÉLIARD : TRANSFORMATION D'UN TERRITOIRE INDUSTRIEL");
    // l. 1288: « # LITTORAL+ »: the `+` is part of the name, not noise.
    let littoral = project(&kit, "littoral-plus");
    assert_eq!(littoral.name, "Littoral+");
    assert_eq!(littoral.heading, "LITTORAL+");
}

#[test]
fn programme_as_printed() {
    let p = kit().programme;
    assert_eq!(p.slug, "territoires-d-innovation");
    assert_eq!(p.name, "Territoires d'Innovation");
    assert_eq!(p.parent_programme, "Programme d'investissements d'avenir (PIA)");
    assert_eq!(p.operator, "Banque des Territoires");
    assert_eq!(p.total_amount, Money(45_000_000_000));
    assert_eq!(p.duration_years, 10);
    let envelopes: Vec<_> = p.envelopes.iter().map(|e| (e.kind, e.cap)).collect();
    assert_eq!(
        envelopes,
        [
            (EnvelopeKind::Subsidy, Money(15_000_000_000)),
            (EnvelopeKind::Equity, Money(30_000_000_000))
        ]
    );
    assert_eq!(p.calls.len(), 2);
    let ami = &p.calls[0];
    assert_eq!(
        (ami.kind, ami.year, ami.opened_on, ami.applications, ami.selected),
        (CallKind::ExpressionOfInterest, 2017, None, 117, 24)
    );
    let aap = &p.calls[1];
    let opened = time::Date::from_calendar_date(2018, time::Month::November, 23).ok();
    assert_eq!(
        (aap.kind, aap.year, aap.opened_on, aap.applications, aap.selected),
        (CallKind::CallForProjects, 2018, opened, 48, 24)
    );
    // l. 111: « un premier appel à manifestation d'intérêt, lancé en 2017 … 24 projets
    // retenus sur 117 candidats, l'appel à projets « Territoires d'Innovation » lancé le
    // 23 novembre 2018 ». No closing date, no eligibility rule in the document.
    assert_eq!(
        (ami.slug.as_str(), ami.title.as_str(), ami.not_selected()),
        ("ami-2017", "Appel à manifestation d'intérêt Territoires d'Innovation 2017", 93)
    );
    assert_eq!(
        (aap.slug.as_str(), aap.title.as_str(), aap.not_selected()),
        ("aap-2018", "Appel à projets Territoires d'Innovation 2018", 24)
    );
    for call in &p.calls {
        assert_eq!(call.time_zone, "Europe/Paris");
        assert_eq!(call.closes_at, None, "{}: the press kit gives no closing date", call.slug);
        assert!(
            call.eligibility.is_empty(),
            "{}: the press kit gives no eligibility rule",
            call.slug
        );
    }
    assert!(ami.themes.is_empty(), "the document gives the AMI no themes");
    // l. 119–124, the six target themes, in the document's order.
    use territoires_domain::vocabulary::Theme;
    assert_eq!(
        aap.themes,
        [
            Theme::Digital,
            Theme::EcologicalEnergyTransition,
            Theme::Mobility,
            Theme::Agroecology,
            Theme::Health,
            Theme::Skills,
        ]
    );
    assert_eq!(
        p.target_themes,
        [
            "La transition numérique",
            "L'énergie durable",
            "La mobilité propre",
            "La transformation du secteur agricole et notamment l'agroécologie",
            "La transformation du système de santé",
            "L'adaptation des compétences aux évolutions du marché du travail",
        ]
    );
    assert_eq!(p.source.title, "Territoires d'Innovation — 24 projets lauréats, dossier de presse");
    assert_eq!(p.source.file, EMBEDDED_FILE);
    assert_eq!(
        p.source.published_on,
        time::Date::from_calendar_date(2019, time::Month::September, 13).unwrap()
    );
    assert_eq!(p.source.licence, "Licence Ouverte / Etalab 2.0");
}

#[test]
fn the_fourteen_headline_claims_and_the_repeated_number_of_applicants() {
    use ClaimSubject::*;
    let claims = kit().programme.headline_claims;
    let theme = |s: &str| ThemeCount(s.to_string());
    let other = |s: &str| OtherProgrammeCount(s.to_string());
    let expected: Vec<(ClaimSubject, i64, &str, u32)> = vec![
        (Applications, 48, "48 candidatures", 31),
        (Laureates, 24, "24 lauréats", 31),
        (Partners, 1_900, "1 900 partenaires", 35),
        (TotalAmount, 45_000_000_000, "450 millions d'euros", 40),
        (SubsidyEnvelope, 15_000_000_000, "150 M", 43),
        (EquityEnvelope, 30_000_000_000, "300 M", 47),
        (
            theme("Agriculture transition alimentaire"),
            8,
            "8 Agriculture transition alimentaire",
            53,
        ),
        (
            theme("Transition énergétique et écologique"),
            7,
            "7 Transition énergétique et écologique",
            59,
        ),
        (theme("Santé"), 3, "3 Santé", 65),
        (theme("Mobilité"), 3, "3 Mobilité", 71),
        (theme("Numérique"), 2, "2 Numérique", 77),
        (theme("Compétences"), 1, "1 Compétences", 83),
        (other("Territoires d'Industrie"), 20, "20 Territoires d'Industrie", 92),
        (other("Territoires Cœur de Ville"), 18, "18 Territoires Cœur de Ville", 95),
        (
            other("Territoires agricoles en transition"),
            11,
            "11 Territoires agricoles en transition",
            98,
        ),
        // Éric Lombard's word: « les 117 candidats ayant répondu à l'appel à projets ».
        (Applications, 117, "117 candidats ayant répondu à l'appel à projets", 155),
    ];
    let got: Vec<(ClaimSubject, i64, &str, u32)> = claims
        .iter()
        .map(|c| (c.subject.clone(), c.value, c.raw.as_str(), c.line))
        .collect();
    assert_eq!(got, expected);
}

// ---- Malformed documents: each built from EMBEDDED by a string edit. ----

fn lines() -> Vec<&'static str> {
    EMBEDDED.lines().collect()
}

/// The document with 1-based line `n` replaced by `with`.
fn replace_line(n: usize, with: &str) -> String {
    let mut ls = lines();
    ls[n - 1] = with;
    ls.join("\n")
}

fn error_of(text: &str) -> ParseError {
    match parse(text, "edited.md") {
        Ok(_) => panic!("the edited document must be rejected"),
        Err(e) => e,
    }
}

fn assert_error(e: &ParseError, line: u32, field: &str, quotes: &[&str]) {
    assert_eq!((e.file.as_str(), e.line, e.field.as_str()), ("edited.md", line, field), "{e}");
    for q in quotes {
        assert!(e.message.contains(q), "message should quote « {q} »: {e}");
    }
}

#[test]
fn a_fiche_cut_after_its_ambition_heading_is_truncated() {
    // The last fiche, cut right after « ## AMBITION » (line 1448).
    let cut = lines()[..1448].join("\n");
    let e = error_of(&cut);
    assert_error(&e, 1448, "ambition", &["OUEST TERRITOIRES D'ÉLEVAGE", "truncated"]);
    // A fiche in the middle: Biovallée loses everything after its « ## AMBITION » (l. 269).
    let ls = lines();
    let cut = [&ls[..269], &ls[310..]].concat().join("\n");
    assert_error(&error_of(&cut), 269, "ambition", &["BIOVALLÉE", "empty"]);
}

#[test]
fn a_fiche_without_impacts_or_amounts() {
    // Biovallée without lines 283–310 (impacts and both amounts).
    let ls = lines();
    let cut = [&ls[..282], &ls[310..]].concat().join("\n");
    assert_error(&error_of(&cut), 251, "impacts_2030", &["BIOVALLÉE", "IMPACTS"]);
    // Strasbourg without its investment line (l. 828).
    let e = error_of(&replace_line(828, ""));
    assert_error(&e, 788, "investment_potential", &["STRASBOURG", "Potentiel d'investissement"]);
}

#[test]
fn bad_numbers_are_quoted() {
    // Biovallée's subsidy, line 294: « 5,7 » then « M€ » on the next line.
    let e = error_of(&EMBEDDED.replacen("5,7  \nM€", "5,7,1  \nM€", 1));
    assert_error(&e, 294, "subsidy_ceiling", &["« 5,7,1 M€ »", "more than one decimal comma"]);
    let e = error_of(&EMBEDDED.replacen("12,8  \nM€", "cinq  \nM€", 1));
    assert_error(&e, 301, "investment_potential", &["« cinq M€ »"]);
    let e = error_of(&replace_line(265, "56.000 personnes concernées"));
    assert_error(&e, 265, "population", &["« 56.000 »", "'.'"]);
    let e = error_of(&replace_line(273, "Le budget prévisionnel du projet atteint 5 3 M€."));
    assert_error(&e, 273, "planned_budget", &["« 5 3 M€ »"]);
    let e = error_of(&replace_line(258, "29 partenaires dont trois collectivités"));
    assert_error(&e, 258, "local_authorities", &["« trois »"]);
}

#[test]
fn errors_inside_a_fiche_name_it() {
    const BIOVALLEE: &str = "in fiche « BIOVALLÉE »: ";
    let cases = [
        // (edited document, line, field, text quoted)
        (replace_line(265, "56.000 personnes concernées"), 265, "population", "« 56.000 »"),
        (replace_line(265, "-56 000 personnes concernées"), 265, "population", "« -56 000 »"),
        (
            replace_line(258, "29 partenaires dont trois collectivités"),
            258,
            "local_authorities",
            "« trois »",
        ),
        (
            replace_line(258, "-29 partenaires dont 3 collectivités"),
            258,
            "partners",
            "« -29 »",
        ),
        (replace_line(258, "29 associés"), 258, "partners", "« 29 associés »"),
        (
            replace_line(273, "Le budget prévisionnel du projet atteint -53 M€."),
            273,
            "planned_budget",
            "« -53 M€ »",
        ),
        (
            replace_line(263, "Territoires lunaires"),
            263,
            "territory_kinds",
            "« Territoires lunaires »",
        ),
        (replace_line(283, "## CALENDRIER"), 283, "fiche", "« CALENDRIER »"),
        (
            EMBEDDED.replacen("5,7  \nM€", "-5,7  \nM€", 1),
            294,
            "subsidy_ceiling",
            "« -5,7 M€ »",
        ),
    ];
    for (text, line, field, quote) in cases {
        let e = error_of(&text);
        assert_error(&e, line, field, &[quote]);
        assert!(e.message.starts_with(BIOVALLEE), "the message must name the fiche: {e}");
    }
    // Errors found after the fiche is read (duplicate, Sommaire) name it the same way.
    let e = error_of(&replace_line(1244, "# TRAMWAY"));
    assert!(e.message.starts_with("in fiche « TRAMWAY »: "), "{e}");
    let ls = lines();
    let doubled = [&ls[..311], &ls[250..310], &ls[311..]].concat().join("\n");
    let e = error_of(&doubled);
    assert!(e.message.starts_with(BIOVALLEE), "{e}");
    // The heading is given verbatim, and said to be empty when it is.
    let e = error_of(&replace_line(1336, "# "));
    assert!(e.message.starts_with("in the fiche at line 1336 (empty heading): "), "{e}");
}

#[test]
fn an_empty_document_is_said_to_be_empty() {
    for text in ["", "\n\n", "  \n\u{a0}\n\u{200b}"] {
        let e = error_of(text);
        assert_eq!(
            (e.line, e.field.as_str(), e.message.as_str()),
            (1, "document", "the document is empty"),
            "{e}"
        );
    }
    // Some other Markdown document: the first sentence looked for is the programme's.
    let e = error_of("# Compte rendu\n\nRien à signaler.\n");
    assert_error(
        &e,
        1,
        "name",
        &["est une action du", "is this the Territoires d'Innovation press kit?"],
    );
    assert!(!e.message.contains("« »"), "no garbled quote: {e}");
}

#[test]
fn a_duplicated_fiche_is_rejected() {
    // Biovallée (lines 251–310) copied before the Valence Romans heading (line 312).
    let ls = lines();
    let doubled = [&ls[..311], &ls[250..310], &ls[311..]].concat().join("\n");
    let e = error_of(&doubled);
    assert_error(&e, 312, "slug", &["biovallee", "line 251"]);
}

#[test]
fn unknown_themes_and_kinds_point_at_their_line() {
    let e = error_of(&replace_line(582, " Santé, Cuisine"));
    assert_error(&e, 582, "themes", &["« Cuisine »", "HANDICAP INNOVATION TERRITOIRE"]);
    // Biovallée's themes run over lines 260–261: the error is on the line of the bad term.
    let e = error_of(&replace_line(261, "et énergétique, Aquaculture"));
    assert_error(&e, 261, "themes", &["« Aquaculture »"]);
    let e = error_of(&replace_line(584, " Banlieue"));
    assert_error(&e, 584, "territory_kinds", &["« Banlieue »"]);
}

#[test]
fn a_missing_lead_is_rejected() {
    // Lorient's « **Chef de file : Lorient Agglo** » (l. 578) removed: the partners line comes first.
    let e = error_of(&replace_line(578, ""));
    assert_error(
        &e,
        580,
        "lead",
        &["Chef de file", "HANDICAP INNOVATION TERRITOIRE", "69 partenaires"],
    );
    let e = error_of(&replace_line(578, "**Chef de file :**"));
    assert_error(&e, 578, "lead", &["names no organisation"]);
}

#[test]
fn fiches_and_sommaire_must_match_one_to_one() {
    // Le Havre's fiche (lines 1035–1086) removed: its Sommaire entry (l. 221) is orphaned.
    let ls = lines();
    let without = [&ls[..1034], &ls[1086..]].concat().join("\n");
    assert_error(&error_of(&without), 221, "toc_title", &["LE HAVRE, SMART PORT CITY"]);
    // A heading that shares no word with any entry.
    let e = error_of(&replace_line(1244, "# TRAMWAY"));
    assert_error(&e, 1244, "toc_title", &["TRAMWAY", "no Sommaire entry"]);
    // An unknown region in the Sommaire.
    let e = error_of(&replace_line(206, "ARMORIQUE\t"));
    assert_error(&e, 206, "region_raw", &["ARMORIQUE"]);
}

#[test]
fn no_edit_makes_the_parser_panic() {
    // Prefixes of the whole document, cut on char boundaries every 1 009 bytes.
    for cut in (0..EMBEDDED.len()).step_by(1009).filter(|&i| EMBEDDED.is_char_boundary(i)) {
        let _ = parse(&EMBEDDED[..cut], "cut.md");
    }
    // Every single line removed from a reduced document (kept small so that the sweep stays
    // fast in debug builds): programme pages, Sommaire, Biovallée and Valence Romans
    // (l. 1–358), Vilagil (l. 1244–1287), Ouest Territoires d'Élevage and the end (l. 1435–).
    let ls = lines();
    let reduced: Vec<&str> = [&ls[..358], &ls[1243..1287], &ls[1434..]].concat();
    for skip in 0..reduced.len() {
        let text = reduced
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, l)| *l)
            .collect::<Vec<_>>()
            .join("\n");
        let _ = parse(&text, "cut.md");
    }
    let _ = parse("", "empty.md");
    let _ = parse("# \n## \n- \n**", "odd.md");
    let _ = parse(
        "# Sommaire\nX .....\t1\n## Aide à la lecture des fiches\n# X\n**Chef de file : (a b)**",
        "odd.md",
    );
}
