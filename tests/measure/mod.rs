//! Measures that hold pixelcensus's output to the test web's truth, shared by the tests and
//! `examples/accuracy.rs` (`make accuracy`, `make accuracy-sdk`): real captured requests
//! replayed through the analysis ([`real`]), and the SDK web's server log against the store
//! and the datasets ([`sdk`]).
#![allow(dead_code)]

pub mod real;
pub mod sdk;
