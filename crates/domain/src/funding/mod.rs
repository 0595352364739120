//! The funding domain of issue 5: envelopes, agreements, splits, the equity portfolio.

pub mod portfolio;
