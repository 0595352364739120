//! The open-data exports (issue 6): which datasets exist, in which formats, under which
//! file names, media types and licence; how each is read from the store ([`source`]) and
//! streamed to an HTTP client ([`stream`]). The CLI (`territoires export KIND`), the
//! `/donnees` page, the `/donnees/{file}` downloads and `/api/v1/exports` all read this one
//! catalogue: a new format is one [`ExportKind`] variant and one arm in each `match` below
//! and in [`source::writer`].
//!
//! What is public (these are downloads for anyone, without an account), following what
//! the portal's pages already show to a visitor:
//! - projects and indicators: all of them (the fiches and the impact catalogue);
//! - measurements: only **approved** ones, as on the indicator pages; never who entered or
//!   reviewed them, nor their evidence reference or a return reason;
//! - agreements: all of them, as `/conventions` lists them (subsidies are public data),
//!   without who recorded them;
//! - disbursements: only **paid** ones (public money spent), as an agreement's page shows
//!   them, without who asked, checked or paid.
//!
//! The same data is also published under three standards ([`standards`]): IATI 2.03
//! (activities and organisation files), 360Giving 1.4.3 (JSON package and flat CSV) and
//! SCDL *subventions* 2.1.1. Each file is checked record by record before it is written; a
//! record the standard refuses stops the export, naming the record and the field.

pub mod source;
pub mod standards;
pub mod stream;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The licence of every export.
pub const LICENCE: &str = "Licence Ouverte / Etalab 2.0";
/// Where the licence's text is.
pub const LICENCE_URL: &str = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/";

/// A dataset, named by its code (`projects`, `indicators`, `measurements`, `agreements`,
/// `disbursements`, `iati`, `iati-org`, `360giving`, `360giving-csv`, `scdl`), as in the
/// CLI and the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ExportKind {
    /// The laureate projects (press-kit fiches).
    Projects,
    /// The impact indicators with their baselines and targets.
    Indicators,
    /// The approved measurements.
    Measurements,
    /// The funding agreements (*conventions*).
    Agreements,
    /// The paid disbursements (*versements*).
    Disbursements,
    /// IATI 2.03 activity file: the programme and its projects.
    Iati,
    /// IATI 2.03 organisation file of the publisher.
    IatiOrg,
    /// 360Giving 1.4.3 JSON data package: one grant per agreement.
    #[serde(rename = "360giving")]
    #[value(name = "360giving")]
    Giving360,
    /// 360Giving 1.4.3 flat CSV: the same grants.
    #[serde(rename = "360giving-csv")]
    #[value(name = "360giving-csv")]
    Giving360Csv,
    /// SCDL *subventions* 2.1.1 CSV: one row per agreement.
    Scdl,
}

/// A file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    /// French CSV: UTF-8 with BOM, `;`, CRLF, amounts in euros with a decimal comma.
    Csv,
    /// JSON array, amounts in integer cents, dates ISO 8601 (for a standard: its JSON).
    Json,
    /// XML (IATI).
    Xml,
}

impl ExportFormat {
    /// Every format.
    pub const ALL: [ExportFormat; 3] = [ExportFormat::Csv, ExportFormat::Json, ExportFormat::Xml];

    /// Code (`csv`, `json`, `xml`), as in `?format=`, and the file extension.
    pub fn code(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
            ExportFormat::Xml => "xml",
        }
    }

    /// The format whose code is `code`.
    pub fn from_code(code: &str) -> Option<ExportFormat> {
        ExportFormat::ALL.into_iter().find(|f| f.code() == code)
    }

    /// The HTTP media type.
    pub fn media_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Json => "application/json",
            ExportFormat::Xml => "application/xml",
        }
    }

    /// French label, as on `/donnees`.
    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Csv => "CSV (tableur, séparateur « ; », montants en euros)",
            ExportFormat::Json => "JSON (montants en centimes d'euro)",
            ExportFormat::Xml => "XML",
        }
    }
}

impl ExportKind {
    /// Every dataset, in the order of `/donnees`.
    pub const ALL: [ExportKind; 10] = [
        ExportKind::Projects,
        ExportKind::Indicators,
        ExportKind::Measurements,
        ExportKind::Agreements,
        ExportKind::Disbursements,
        ExportKind::Iati,
        ExportKind::IatiOrg,
        ExportKind::Giving360,
        ExportKind::Giving360Csv,
        ExportKind::Scdl,
    ];

    /// Code, as in the CLI and `/api/v1/exports/{kind}`.
    pub fn code(self) -> &'static str {
        match self {
            ExportKind::Projects => "projects",
            ExportKind::Indicators => "indicators",
            ExportKind::Measurements => "measurements",
            ExportKind::Agreements => "agreements",
            ExportKind::Disbursements => "disbursements",
            ExportKind::Iati => "iati",
            ExportKind::IatiOrg => "iati-org",
            ExportKind::Giving360 => "360giving",
            ExportKind::Giving360Csv => "360giving-csv",
            ExportKind::Scdl => "scdl",
        }
    }

    /// The dataset whose code is `code`.
    pub fn from_code(code: &str) -> Option<ExportKind> {
        ExportKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The French file name without extension (the two 360Giving files share theirs).
    pub fn stem(self) -> &'static str {
        match self {
            ExportKind::Projects => "projets",
            ExportKind::Indicators => "indicateurs",
            ExportKind::Measurements => "mesures",
            ExportKind::Agreements => "conventions",
            ExportKind::Disbursements => "versements",
            ExportKind::Iati => "iati-activites",
            ExportKind::IatiOrg => "iati-organisation",
            ExportKind::Giving360 | ExportKind::Giving360Csv => "360giving-subventions",
            ExportKind::Scdl => "scdl-subventions",
        }
    }

    /// The formats it is published in (the first is the default).
    pub fn formats(self) -> &'static [ExportFormat] {
        match self {
            ExportKind::Projects
            | ExportKind::Indicators
            | ExportKind::Measurements
            | ExportKind::Agreements
            | ExportKind::Disbursements => &[ExportFormat::Csv, ExportFormat::Json],
            ExportKind::Iati | ExportKind::IatiOrg => &[ExportFormat::Xml],
            ExportKind::Giving360 => &[ExportFormat::Json],
            ExportKind::Giving360Csv | ExportKind::Scdl => &[ExportFormat::Csv],
        }
    }

    /// The default format: the first of [`ExportKind::formats`].
    pub fn default_format(self) -> ExportFormat {
        self.formats()[0]
    }

    /// French label of `format` for this dataset, as on `/donnees`.
    pub fn format_label(self, format: ExportFormat) -> &'static str {
        match self {
            ExportKind::Iati | ExportKind::IatiOrg => "XML IATI 2.03",
            ExportKind::Giving360 => "JSON 360Giving (montants en euros, point décimal)",
            ExportKind::Giving360Csv => "CSV à plat 360Giving (séparateur « , », montants en euros, point décimal)",
            ExportKind::Scdl => "CSV SCDL (UTF-8 sans BOM, séparateur « , », montants en euros, point décimal)",
            _ => format.label(),
        }
    }

    /// The file name of the dataset in `format`: `projets.csv`.
    pub fn file_name(self, format: ExportFormat) -> String {
        format!("{}.{}", self.stem(), format.code())
    }

    /// The dataset and format of a file name (`projets.csv`), when it is one.
    pub fn from_file_name(name: &str) -> Option<(ExportKind, ExportFormat)> {
        ExportKind::ALL
            .into_iter()
            .flat_map(|k| k.formats().iter().map(move |&f| (k, f)))
            .find(|(k, f)| k.file_name(*f) == name)
    }

    /// French title.
    pub fn title(self) -> &'static str {
        match self {
            ExportKind::Projects => "Projets lauréats",
            ExportKind::Indicators => "Indicateurs d'impact",
            ExportKind::Measurements => "Mesures des indicateurs",
            ExportKind::Agreements => "Conventions de subvention",
            ExportKind::Disbursements => "Versements",
            ExportKind::Iati => "IATI : activités (programme et projets)",
            ExportKind::IatiOrg => "IATI : organisation de l'opérateur",
            ExportKind::Giving360 => "360Giving : subventions (JSON)",
            ExportKind::Giving360Csv => "360Giving : subventions (CSV à plat)",
            ExportKind::Scdl => "SCDL : subventions (données essentielles)",
        }
    }

    /// What it contains (and what is left out), in French.
    pub fn description(self) -> &'static str {
        match self {
            ExportKind::Projects => "Une ligne par projet lauréat : régions, chef de file, partenaires, thématiques, types de territoire, personnes concernées, budget prévisionnel, montant prévu de subvention et potentiel d'investissement, tels que les fiches du dossier de presse les donnent.",
            ExportKind::Indicators => "Une ligne par indicateur : code, projet, nom, unité, type, sens, fréquence, valeur et date de référence, cible finale et son année, la cible telle que la fiche l'énonce, l'organisation qui déclare et la version de la définition.",
            ExportKind::Measurements => "Une ligne par valeur approuvée : indicateur et version, projet, période, organisation déclarante, valeur (ou numérateur et dénominateur), source, méthode et la mesure qu'elle corrige. Les valeurs en brouillon, en cours de revue ou renvoyées ne sont pas publiées, ni qui les a saisies ou revues.",
            ExportKind::Agreements => "Une ligne par convention : référence, projet, intitulé, bénéficiaire et son SIREN, montant de la subvention et coût éligible (version en vigueur), date de signature, part de l'État, nombre de tranches, modification par avenant et statut. Qui a enregistré la convention n'est pas publié.",
            ExportKind::Disbursements => "Une ligne par versement payé : convention, projet, bénéficiaire et son SIREN, tranche, montant et date de paiement. Les demandes en cours ou rejetées ne sont pas publiées, ni qui les a demandées, vérifiées ou payées.",
            ExportKind::Iati => "Le programme (activité de niveau 1) et ses projets lauréats (niveau 2) : description, régions, thématiques, budgets annuels (tranches des conventions), engagements (conventions signées, décisions d'investissement), versements payés, appels de fonds et cessions de participations, indicateurs d'impact avec référence, cibles et valeurs approuvées.",
            ExportKind::IatiOrg => "L'opérateur qui publie : identifiant, nom, budget total par année (tranches des conventions dues) et dépenses totales par année (versements payés et appels de fonds).",
            ExportKind::Giving360 => "Une subvention par convention en vigueur ou clôturée (les conventions annulées ne sont pas publiées) : identifiant, intitulé, projet, montant attribué (version en vigueur), date de signature, période des tranches, bénéficiaire (SIREN, sinon SIRET, sinon RNA), régions, financeur et programme.",
            ExportKind::Giving360Csv => "Les mêmes subventions que le paquet JSON 360Giving, une ligne chacune, sous les titres de colonnes du standard.",
            ExportKind::Scdl => "Une ligne par convention en vigueur ou clôturée : attribuant, date, référence, bénéficiaire et son SIRET ou numéro RNA, objet, montant, nature, conditions et dates de versement. Une convention dont le bénéficiaire n'a ni SIRET ni RNA empêche la publication du fichier (le téléchargement échoue en la nommant) : la page des conventions les signale pour qu'elles soient complétées.",
        }
    }

    /// The standard or schema the files follow, in French.
    pub fn standard(self) -> &'static str {
        match self {
            ExportKind::Iati => "IATI 2.03 (International Aid Transparency Initiative) : valide selon iati-activities-schema.xsd et les listes de codes IATI (crates/formats/schemas/iati)",
            ExportKind::IatiOrg => "IATI 2.03 : valide selon iati-organisations-schema.xsd (crates/formats/schemas/iati)",
            ExportKind::Giving360 => "360Giving Data Standard 1.4.3 : valide selon 360-giving-package-schema.json (crates/formats/schemas/360giving)",
            ExportKind::Giving360Csv => "360Giving Data Standard 1.4.3, forme « à plat » (CSV, titres de colonnes du standard) : chaque subvention est validée selon 360-giving-schema.json",
            ExportKind::Scdl => "SCDL subventions 2.1.1 (décret 2017-779, arrêté du 17 novembre 2017) : valide selon le schéma Table Schema schema.json (crates/formats/schemas/scdl-subventions)",
            _ => "Tableau propre à Territoires : en-têtes décrits ci-dessus ; CSV selon les conventions françaises (UTF-8 avec BOM, « ; », virgule décimale, dates AAAA-MM-JJ) ; JSON en tableau d'objets, montants en centimes d'euro",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_name_reads_back_and_others_do_not() {
        for kind in ExportKind::ALL {
            for &format in kind.formats() {
                assert_eq!(ExportKind::from_file_name(&kind.file_name(format)), Some((kind, format)));
            }
        }
        assert_eq!(
            ExportKind::from_file_name("projets.csv"),
            Some((ExportKind::Projects, ExportFormat::Csv))
        );
        assert_eq!(
            ExportKind::from_file_name("versements.json"),
            Some((ExportKind::Disbursements, ExportFormat::Json))
        );
        assert_eq!(ExportKind::from_file_name("projets.xml"), None);
        assert_eq!(ExportKind::from_file_name("projets"), None);
        assert_eq!(ExportKind::from_file_name("projects.csv"), None);
        assert_eq!(
            ExportKind::from_file_name("360giving-subventions.csv"),
            Some((ExportKind::Giving360Csv, ExportFormat::Csv))
        );
        assert_eq!(
            ExportKind::from_file_name("iati-activites.xml"),
            Some((ExportKind::Iati, ExportFormat::Xml))
        );
        assert_eq!(ExportKind::from_file_name("scdl-subventions.json"), None);
    }
}
