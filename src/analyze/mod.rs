//! Analysis of raw captures. It reads [`crate::capture`] types only and never talks to the
//! browser. This first part knows parties (first or third, by registrable domain).

pub mod party;
