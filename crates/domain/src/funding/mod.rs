//! Funding (issue 5): envelopes, agreements and tranches, disbursements and the equity
//! portfolio. Amounts are integer cents ([`crate::money::Money`]), never floats.
//!
//! - [`split`]: exact splits of an amount into tranches or shares, and percentage ceilings.

pub mod split;
