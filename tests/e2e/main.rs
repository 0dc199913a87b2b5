//! The browser tier: the real binary drives real headless Chromium through chromedriver over
//! the project's test web (`cargo test --features e2e`, part of `make test`). One test binary,
//! so the tier links once; browser tests take `common::BROWSERS` and run one at a time.

#[path = "../common/mod.rs"]
mod common;
#[path = "../measure/mod.rs"]
mod measure;

mod channels;
mod collectors;
mod compare;
mod consent;
mod crawl;
mod device;
mod folder;
mod footprint;
mod grid;
mod hostile;
mod leave;
mod origin;
mod pages;
mod prescan;
mod resilience;
mod scripts;
mod sdk;
mod shards;
mod unattended;
mod values;
mod vantage;
mod walls;
