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

pub mod source;
pub mod stream;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The licence of every export.
pub const LICENCE: &str = "Licence Ouverte / Etalab 2.0";
/// Where the licence's text is.
pub const LICENCE_URL: &str = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/";

/// A dataset, named by its code (`projects`, `indicators`, `measurements`, `agreements`,
/// `disbursements`), as in the CLI and the API.
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
}

/// A file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ExportFormat {
    /// French CSV: UTF-8 with BOM, `;`, CRLF, amounts in euros with a decimal comma.
    Csv,
    /// JSON array, amounts in integer cents, dates ISO 8601.
    Json,
}

impl ExportFormat {
    /// Every format.
    pub const ALL: [ExportFormat; 2] = [ExportFormat::Csv, ExportFormat::Json];

    /// Code (`csv`, `json`), as in `?format=`, and the file extension.
    pub fn code(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
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
        }
    }

    /// French label, as on `/donnees`.
    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Csv => "CSV (tableur, séparateur « ; », montants en euros)",
            ExportFormat::Json => "JSON (montants en centimes d'euro)",
        }
    }
}

impl ExportKind {
    /// Every dataset, in the order of `/donnees`.
    pub const ALL: [ExportKind; 5] = [
        ExportKind::Projects,
        ExportKind::Indicators,
        ExportKind::Measurements,
        ExportKind::Agreements,
        ExportKind::Disbursements,
    ];

    /// Code, as in the CLI and `/api/v1/exports/{kind}`.
    pub fn code(self) -> &'static str {
        match self {
            ExportKind::Projects => "projects",
            ExportKind::Indicators => "indicators",
            ExportKind::Measurements => "measurements",
            ExportKind::Agreements => "agreements",
            ExportKind::Disbursements => "disbursements",
        }
    }

    /// The dataset whose code is `code`.
    pub fn from_code(code: &str) -> Option<ExportKind> {
        ExportKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The French file name without extension.
    pub fn stem(self) -> &'static str {
        match self {
            ExportKind::Projects => "projets",
            ExportKind::Indicators => "indicateurs",
            ExportKind::Measurements => "mesures",
            ExportKind::Agreements => "conventions",
            ExportKind::Disbursements => "versements",
        }
    }

    /// The formats it is published in.
    pub fn formats(self) -> &'static [ExportFormat] {
        &ExportFormat::ALL
    }

    /// The file name of the dataset in `format`: `projets.csv`.
    pub fn file_name(self, format: ExportFormat) -> String {
        format!("{}.{}", self.stem(), format.code())
    }

    /// The dataset and format of a file name (`projets.csv`), when it is one.
    pub fn from_file_name(name: &str) -> Option<(ExportKind, ExportFormat)> {
        let (stem, ext) = name.rsplit_once('.')?;
        let kind = ExportKind::ALL.into_iter().find(|k| k.stem() == stem)?;
        let format = ExportFormat::from_code(ext).filter(|f| kind.formats().contains(f))?;
        Some((kind, format))
    }

    /// French title.
    pub fn title(self) -> &'static str {
        match self {
            ExportKind::Projects => "Projets lauréats",
            ExportKind::Indicators => "Indicateurs d'impact",
            ExportKind::Measurements => "Mesures des indicateurs",
            ExportKind::Agreements => "Conventions de subvention",
            ExportKind::Disbursements => "Versements",
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
        }
    }

    /// The standard or schema the files follow, in French.
    pub fn standard(self) -> &'static str {
        "Tableau propre à Territoires : en-têtes décrits ci-dessus ; CSV selon les conventions françaises (UTF-8 avec BOM, « ; », virgule décimale, dates AAAA-MM-JJ) ; JSON en tableau d'objets, montants en centimes d'euro"
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
    }
}
