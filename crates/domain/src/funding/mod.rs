//! Funding (issue 5): envelopes, agreements and tranches, disbursements and the equity
//! portfolio. Amounts are integer cents ([`crate::money::Money`]), never floats; ratios
//! (multiples, rates of return) are `f64`.
//!
//! - [`agreement`]: agreements' terms (co-financing, tranches, conditions) and amendments;
//! - [`disbursement`]: the disbursement workflow (request → checked → approved → paid);
//! - [`ceilings`]: the fiches' planned ceilings against the envelopes, and the overruns;
//! - [`ledger`]: the double-entry ledger of plans, commitments and disbursements, its
//!   ceiling checks and the balances derived from it;
//! - [`split`]: exact splits of an amount into tranches or shares, and percentage ceilings;
//! - [`investment`]: equity investment cases, the prudent-investor test, decisions, events;
//! - [`portfolio`]: XIRR (actual/365) and the multiples (DPI, RVPI, TVPI, MOIC) of investments.

pub mod agreement;
pub mod ceilings;
pub mod disbursement;
pub mod investment;
pub mod ledger;
pub mod portfolio;
pub mod split;
