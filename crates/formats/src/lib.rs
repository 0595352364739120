//! Importers and exporters of Territoires. This crate reads and writes formats; it never
//! touches the database (see `DESIGN.md`).

pub mod agreements_sheet;
pub mod french_csv;
pub mod french_sheet;
pub mod giving360;
pub mod grant;
pub mod iati;
pub mod impacts;
pub mod measurements_csv;
pub mod partners_csv;
pub mod payments_sheet;
pub mod press_kit;
pub mod projects_export;
pub mod scdl;
pub mod tables;
