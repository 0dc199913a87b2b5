//! Evidence collectors: each kind of evidence a visit gathers (network requests, the
//! page's workers, the consent banner, page facts, internal links, cookies) is one
//! [`Collector`] with one lifecycle, listed once in [`REGISTRY`] like the decoders.
//! DuckDuckGo's tracker-radar-collector (`BaseCollector`) is the model.
//!
//! The lifecycle of a visit, in order ([`Hook`]): `before_navigation`; the page's log events
//! ([`Collector::event`]) and `drained` after every read of the log; `after_navigation`
//! (loaded or not); `after_load` (only when the page loaded); `after_dwell` (after the first
//! dwell and scroll); then, for each internal page the visitor follows, `next_page` (the page
//! it leaves is done), `after_navigation`, `after_load` and `after_dwell` again with
//! [`Evidence::page`] set to the new page; `leaving` (the last page is about to be left);
//! `finish` (the last page was left); `salvage` instead
//! of `finish` when a stuck page was cut off. `setup` runs once per new browser.
//!
//! Each collector is made afresh for every visit ([`REGISTRY`]). One that owns its evidence
//! keeps it in its own state and hands it back into the visit's [`RawVisit`] at the end
//! ([`Collector::hand_back`]); evidence the visit itself reads as it goes (the network log,
//! page facts, the banner, the links) is in the shared [`Evidence`], which becomes the rest
//! of the `RawVisit`. The store keeps each kind in its own table(s) (`store/evidence/`). A collector that fails (any error but a
//! lost or stuck browser) is recorded in the visit's `collector_failures` and skipped for the
//! rest of that visit; the other collectors and the visit go on.

mod consent;
mod cookies;
pub mod links;
pub mod netlog;
mod network;
mod page;
mod scripts;
mod storage;
mod workers;

use crate::browser::BrowserError;
use crate::browser::session::Session;
use crate::capture::{CollectorFailure, ConsentRecord, Hook, RawVisit, Step, WallKind};
use crate::consent::ConsentConfig;
use netlog::NetLog;
use serde_json::Value;
use std::collections::HashMap;
use std::time::Duration;

/// How a visit behaves.
#[derive(Clone, Debug)]
pub struct VisitConfig {
    /// Page-load budget.
    pub page_timeout: Duration,
    /// Time spent on the page after load, and again on the search results.
    pub dwell: Duration,
    /// Type canary values and run a search.
    pub interact: bool,
    /// Global Privacy Control and how long to look for a consent banner.
    pub consent: ConsentConfig,
    /// Pages per site: the front page and up to `pages - 1` internal pages linked from it.
    pub pages: u32,
    /// Watch what the page's scripts do (the script-behaviour hooks, `scripts`).
    pub script_hooks: bool,
}

/// What a hook sees: the browser and the visit's configuration.
pub struct Ctx<'a> {
    /// The browser, holding the visit's page.
    pub session: &'a Session,
    /// How the visit behaves.
    pub cfg: &'a VisitConfig,
}

/// The evidence of one visit, one field per collector, filled in as the visit goes.
pub struct Evidence {
    /// The visit's current step (set by the visit and by collectors that act on the page);
    /// requests are tagged with the step they were first seen in.
    pub step: Step,
    /// The page being visited (0 the front page, then each internal page in turn); set by
    /// the visit. Site-level evidence (the banner, the final URL, the wall) is the front
    /// page's.
    pub page: u32,
    /// Network: the requests assembled from the page's log.
    pub net: NetLog,
    /// Network: bodies read as the tab's requests left, not yet matched to a request.
    pub sent_bodies: HashMap<String, Vec<u8>>,
    /// Page facts: the top frame's id.
    pub main_frame: Option<String>,
    /// Page facts: the URL the tab showed once loaded (after the first dwell when the page
    /// loaded).
    pub final_url: Option<String>,
    /// Page facts: the bot wall the page shows now, if any.
    pub wall: Option<WallKind>,
    /// Page facts: a wall that was shown and cleared by itself.
    pub walled_at_first: Option<WallKind>,
    /// Consent: the visit's mode and what happened with the banner.
    pub consent: ConsentRecord,
    /// Internal links: the front page's candidates (`None` until looked for).
    pub links: Option<Vec<links::Link>>,
    /// Page facts: the URL of the current internal page after its dwell.
    pub page_url: Option<String>,
    /// Page facts: what each page's scripts could read of the browser and the page, by page.
    pub envs: std::collections::BTreeMap<u32, crate::capture::PageEnv>,
    /// What the visitor (and collectors acting on the page) did, in order.
    pub actions: Vec<String>,
    /// Failures a collector recorded without giving up the rest of the visit (one page's
    /// facts that could not be read; the next page's may be).
    pub failures: Vec<CollectorFailure>,
}

impl Evidence {
    /// Records a failure of `collector` at `hook` that does not end its part of the visit.
    pub fn failed(&mut self, collector: &str, hook: Hook, error: String) {
        tracing::info!(collector, hook = hook.as_str(), %error, "collector failed on this page");
        self.failures.push(CollectorFailure {
            collector: collector.to_string(),
            hook,
            error,
        });
    }

    /// Empty evidence for a visit answering banners with `consent.mode`.
    pub fn new(consent: ConsentRecord) -> Evidence {
        Evidence {
            step: Step::Load,
            page: 0,
            net: NetLog::new(Step::Load),
            sent_bodies: HashMap::new(),
            main_frame: None,
            final_url: None,
            wall: None,
            walled_at_first: None,
            consent,
            links: None,
            page_url: None,
            envs: Default::default(),
            actions: Vec::new(),
            failures: Vec::new(),
        }
    }
}

/// One kind of evidence. Every hook has a default that does nothing; a collector implements
/// the ones it needs. Errors other than [`BrowserError::is_lost`] are recorded against the
/// collector and end its part of the visit only.
#[async_trait::async_trait]
pub trait Collector: Send + Sync {
    /// A stable name (`network`, `cookies`, …): recorded with its failures.
    fn name(&self) -> &'static str;
    /// Hands back the evidence the collector kept itself (its fields of the visit), once the
    /// visit is over — also after the collector failed (what it had is kept).
    fn hand_back(self: Box<Self>, _v: &mut RawVisit) {}
    /// Once per new browser, before its first visit (scripts for every document, headers).
    /// A failure here replaces the browser, as a browser that fails to start is.
    async fn setup(&self, _s: &Session, _cfg: &VisitConfig) -> Result<(), BrowserError> {
        Ok(())
    }
    /// Before the visit's first navigation.
    async fn before_navigation(
        &mut self,
        _cx: &Ctx<'_>,
        _ev: &mut Evidence,
    ) -> Result<(), BrowserError> {
        Ok(())
    }
    /// One event of the page's log (CDP method and params).
    fn event(&mut self, _method: &str, _params: &Value, _ev: &mut Evidence) {}
    /// After each read of the log: fetch what the events only announced.
    async fn drained(&mut self, _cx: &Ctx<'_>, _ev: &mut Evidence) -> Result<(), BrowserError> {
        Ok(())
    }
    /// After navigation returned (the page loaded or failed), and again after each look
    /// while a bot wall is waited out (the page may have reloaded into the site).
    async fn after_navigation(
        &mut self,
        _cx: &Ctx<'_>,
        _ev: &mut Evidence,
    ) -> Result<(), BrowserError> {
        Ok(())
    }
    /// The page loaded, before the dwell. Returns true when the collector acted on the page
    /// (the visit then reads the log, so what the action caused is attributed to its step).
    async fn after_load(
        &mut self,
        _cx: &Ctx<'_>,
        _ev: &mut Evidence,
    ) -> Result<bool, BrowserError> {
        Ok(false)
    }
    /// After the first dwell and scroll.
    async fn after_dwell(&mut self, _cx: &Ctx<'_>, _ev: &mut Evidence) -> Result<(), BrowserError> {
        Ok(())
    }
    /// The visitor is about to follow a link to internal page `ev.page + 1`: the page it
    /// leaves is done.
    async fn next_page(&mut self, _cx: &Ctx<'_>, _ev: &mut Evidence) -> Result<(), BrowserError> {
        Ok(())
    }
    /// The visitor is about to leave the visit's last page (it is still shown).
    async fn leaving(&mut self, _cx: &Ctx<'_>, _ev: &mut Evidence) -> Result<(), BrowserError> {
        Ok(())
    }
    /// The page was left (about:blank) and the log read: read what outlives the page.
    async fn finish(&mut self, _cx: &Ctx<'_>, _ev: &mut Evidence) -> Result<(), BrowserError> {
        Ok(())
    }
    /// Instead of `finish` when the page was cut off (its tab closed from outside):
    /// read what can still be read without the page.
    async fn salvage(&mut self, _cx: &Ctx<'_>, _ev: &mut Evidence) -> Result<(), BrowserError> {
        Ok(())
    }
}

/// Every collector, in the order their hooks run: each makes a collector for one visit (or
/// for a new browser's `setup`), holding its own state.
pub static REGISTRY: &[fn() -> Box<dyn Collector>] = &[
    || Box::new(network::Network),
    || Box::new(workers::Workers),
    || Box::new(consent::Consent),
    || Box::new(page::Page),
    || Box::new(links::Links),
    || Box::<cookies::Cookies>::default(),
    || Box::<storage::Storage>::default(),
    || Box::<scripts::Scripts>::default(),
];

/// The environment variable that makes one collector fail on purpose (its first hook of
/// every visit), for testing that a failing collector loses only its own evidence.
pub const FAIL_ENV: &str = "PIXELCENSUS_FAIL_COLLECTOR";

/// Where the page's log comes from, for failures reading it.
const LOG: &str = "performance_log";

/// Sets a new browser up: every collector's `setup`, in order.
pub async fn setup(s: &Session, cfg: &VisitConfig) -> Result<(), BrowserError> {
    for make in REGISTRY {
        make().setup(s, cfg).await?;
    }
    Ok(())
}

/// Runs the collectors' hooks through one visit, keeping their failures.
pub struct Collectors {
    list: Vec<Box<dyn Collector>>,
    failed: Vec<bool>,
    failures: Vec<CollectorFailure>,
    inject: Option<String>,
}

impl Default for Collectors {
    fn default() -> Self {
        Collectors::new()
    }
}

impl Collectors {
    /// The collectors of a new visit, none failed yet.
    pub fn new() -> Collectors {
        Collectors {
            list: REGISTRY.iter().map(|make| make()).collect(),
            failed: vec![false; REGISTRY.len()],
            failures: Vec::new(),
            inject: std::env::var(FAIL_ENV).ok().filter(|v| !v.is_empty()),
        }
    }

    fn fail(&mut self, i: Option<usize>, collector: &str, hook: Hook, e: &BrowserError) {
        tracing::info!(collector, hook = hook.as_str(), error = %e, "collector failed; the visit keeps the rest");
        if let Some(i) = i {
            self.failed[i] = true;
        }
        self.failures.push(CollectorFailure {
            collector: collector.to_string(),
            hook,
            error: e.to_string(),
        });
    }

    /// Runs `hook` of every collector not failed yet. Returns whether any acted on the page
    /// (`after_load`); `Err` only for a lost or stuck browser.
    pub async fn run(
        &mut self,
        hook: Hook,
        cx: &Ctx<'_>,
        ev: &mut Evidence,
    ) -> Result<bool, BrowserError> {
        let mut acted = false;
        for i in 0..self.list.len() {
            if self.failed[i] {
                continue;
            }
            let c = &mut self.list[i];
            let name = c.name();
            let r = if self.inject.as_deref() == Some(c.name()) {
                Err(BrowserError::Command(format!(
                    "failure injected by {FAIL_ENV}={}",
                    c.name()
                )))
            } else {
                match hook {
                    Hook::BeforeNavigation => c.before_navigation(cx, ev).await.map(|_| false),
                    Hook::Drained => c.drained(cx, ev).await.map(|_| false),
                    Hook::AfterNavigation => c.after_navigation(cx, ev).await.map(|_| false),
                    Hook::AfterLoad => c.after_load(cx, ev).await,
                    Hook::AfterDwell => c.after_dwell(cx, ev).await.map(|_| false),
                    Hook::NextPage => c.next_page(cx, ev).await.map(|_| false),
                    Hook::Leaving => c.leaving(cx, ev).await.map(|_| false),
                    Hook::Finish => c.finish(cx, ev).await.map(|_| false),
                    Hook::Salvage => c.salvage(cx, ev).await.map(|_| false),
                    Hook::Event => Ok(false),
                }
            };
            match r {
                Ok(a) => acted |= a,
                Err(e) if e.is_lost() && hook != Hook::Salvage => return Err(e),
                Err(e) => self.fail(Some(i), name, hook, &e),
            }
        }
        Ok(acted)
    }

    /// Reads the page's log, hands every event to every collector, then runs `drained`.
    pub async fn drain(&mut self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        match cx.session.perf_log().await {
            Ok(events) => {
                for (method, params) in &events {
                    for (i, c) in self.list.iter_mut().enumerate() {
                        if !self.failed[i] {
                            c.event(method, params, ev);
                        }
                    }
                }
            }
            Err(e) if e.is_lost() => return Err(e),
            Err(e) => self.fail(None, LOG, Hook::Event, &e),
        }
        self.run(Hook::Drained, cx, ev).await.map(|_| ())
    }

    /// The visit is over: every collector hands back the evidence it kept into `v`; returns
    /// the failures recorded on this visit, in order.
    pub fn hand_back(self, v: &mut RawVisit) -> Vec<CollectorFailure> {
        for c in self.list {
            c.hand_back(v);
        }
        self.failures
    }
}
