//! The domain of Territoires: the types, rules and calculations of a territorial
//! innovation-funding programme, modelled on the French State's *Territoires d'Innovation*.
//!
//! This crate does no I/O and knows neither SQL nor HTTP (see `DESIGN.md`). Every amount is
//! integer cents ([`money::Money`]); every vocabulary (themes, territory kinds, regions) is a
//! closed enum whose raw source text is kept beside it by the types that use it.

pub mod access;
pub mod application;
pub mod attachment;
pub mod audit;
pub mod call;
pub mod checks;
pub mod conflicts;
pub mod correspondence;
pub mod deliberation;
pub mod form;
pub mod funding;
pub mod impact;
pub mod laureate;
pub mod money;
pub mod opinion;
pub mod org_id;
pub mod partners;
pub mod platform_call;
pub mod programme;
pub mod project;
pub mod query;
pub mod registry;
pub mod scoring;
pub mod siren;
pub mod stats;
pub mod text;
pub mod vocabulary;

pub use money::Money;
pub use programme::Programme;
pub use project::Project;
pub use registry::Registry;
