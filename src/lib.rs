//! pixelcensus: measures how widespread tracking pixels are on the web and what they take
//! from the people who visit those sites.
//!
//! The data moves one way, one module per stage:
//! list → frontier ([`store`]) → [`visit`] (through [`browser`], answering banners with
//! [`consent`]) → raw capture ([`capture`],
//! kept in [`store`]) → [`analyze`] → datasets ([`report`]). [`crawl`] schedules visits;
//! The synthetic web that tests, benchmarks and the demo crawl is its own crate,
//! `crates/testweb` (pixelcensus-testweb).
#![warn(missing_docs)]

pub mod analyze;
pub mod browser;
pub mod canary;
pub mod capture;
pub mod collect;
pub mod consent;
pub mod crawl;
pub mod list;
pub mod merge;
pub mod plan;
pub mod prescan;
pub mod progress;
pub mod report;
pub mod store;
pub mod tune;
pub mod visit;
