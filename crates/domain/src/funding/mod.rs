//! Funding (issue 5): envelopes, agreements and tranches, disbursements and the equity
//! portfolio. Amounts are integer cents ([`crate::money::Money`]), never floats; ratios
//! (multiples, rates of return) are `f64`.
//!
//! - [`split`]: exact splits of an amount into tranches or shares, and percentage ceilings;
//! - [`portfolio`]: XIRR (actual/365) and the multiples (DPI, RVPI, TVPI, MOIC) of investments.

pub mod portfolio;
pub mod split;
