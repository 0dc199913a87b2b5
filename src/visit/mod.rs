//! One visit: navigate (https, falling back to http), behave like a visitor, run the evidence
//! collectors' hooks at their moments ([`crate::collect`]), and hand back a [`RawVisit`]. A
//! failed site is a `RawVisit` with its outcome, a failed collector a `collector_failures`
//! entry; an `Err` means only that the browser itself was lost (the crawler then replaces
//! it).
//!
//! Here: the visit's budgets, its steps in order and the `RawVisit` it hands back;
//! [`navigation`]: going to and leaving pages, walls, outcomes, the reset between sites;
//! [`behaviour`]: what the visitor does on a page (its scripts in `.js` files beside it);
//! [`pages`]: the internal pages.

use crate::browser::BrowserError;
use crate::browser::session::Session;
use crate::capture::{
    Canaries, CollectorFailure, ConsentMode, ConsentRecord, Hook, Outcome, RawPage, RawVisit,
    Reached, ResourceType, Step,
};
use crate::collect::{Collectors, Ctx, Evidence};
use crate::list::Target;
use std::time::{Duration, Instant};

mod behaviour;
mod navigation;
mod pages;

pub use crate::collect::VisitConfig;
use behaviour::behave;
use navigation::{arrive, depart, wait_out_wall};
pub use navigation::{classify, classify_error, document_origins, reset_state};
use pages::internal_pages;

/// The hard limit of one visit (the site's budget), enforced from outside the page: the
/// [`front_page_budget`] and an [`internal_page_budget`] for each internal page. Each page
/// has its own deadline within it; a page that holds the browser past its deadline is cut
/// off: its tab is closed through the DevTools endpoint and what it sent is kept.
pub fn deadline(cfg: &VisitConfig) -> Duration {
    front_page_budget(cfg) + internal_page_budget(cfg) * cfg.pages.saturating_sub(1)
}

/// What the front page may take: the page budget, two dwells (the page and the search
/// results), the consent wait and 20 s for everything else (scrolling, typing, leaving,
/// reading the capture).
pub fn front_page_budget(cfg: &VisitConfig) -> Duration {
    cfg.page_timeout + cfg.dwell * 2 + cfg.consent.wait + Duration::from_secs(20)
}

/// What one internal page may take: the page budget, one dwell and 10 s for the rest
/// (leaving and reading the capture included). An internal page is only started while this
/// much of the site's budget is left.
pub fn internal_page_budget(cfg: &VisitConfig) -> Duration {
    cfg.page_timeout + cfg.dwell + Duration::from_secs(10)
}

/// What a visit has found so far; kept when a stuck page cuts the visit short.
struct Partial {
    /// Each collector's evidence.
    ev: Evidence,
    cols: Collectors,
    start_url: String,
    /// The https attempt's error, if it failed.
    first: Option<String>,
    /// The error of the attempt that counts (none when the page loaded).
    nav_error: Option<String>,
    /// Why the visit fell back to http, or how both attempts failed.
    note: Option<String>,
    /// Navigation returned (loaded, or failed with an error).
    navigated: bool,
    /// Time on the front page, once the visitor moved on or left.
    front_ms: Option<u64>,
    /// The internal pages, each recorded when started and completed as it goes.
    internal: Vec<RawPage>,
    /// The front page's candidate links, when looked for.
    link_candidates: Option<u32>,
}

/// The load's outcome as far as the capture tells.
struct Classified {
    outcome: Outcome,
    error: Option<String>,
    http_status: Option<u16>,
    redirect_chain: Vec<String>,
}

impl Partial {
    fn classify(&self) -> Classified {
        // The main document: the last top-frame document request of the load.
        let docs: Vec<_> = self
            .ev
            .net
            .requests()
            .iter()
            .filter(|r| {
                r.resource_type == ResourceType::Document
                    && r.step == Step::Load
                    && r.page == 0
                    && self
                        .ev
                        .main_frame
                        .as_deref()
                        .is_none_or(|m| r.frame_id == m)
            })
            .collect();
        let last_doc = docs.last();
        let http_status = last_doc.and_then(|d| d.status);
        let redirect_chain = docs.iter().map(|d| d.url.clone()).collect();
        if !self.navigated {
            return Classified {
                outcome: Outcome::Timeout,
                error: Some("the page did not finish loading before the visit's deadline".into()),
                http_status,
                redirect_chain,
            };
        }
        let (mut outcome, error) = classify(
            self.nav_error.as_deref(),
            http_status,
            last_doc.and_then(|d| d.mime_type.as_deref()),
            last_doc.and_then(|d| d.failure.as_deref()),
        );
        let error = match (error, &self.note) {
            (Some(e), Some(n)) => Some(format!("{e} ({n})")),
            (e, n) => e.or(n.clone()),
        };
        // A failed https attempt followed by a failed http attempt keeps the https class.
        if let (Some(first_err), Some(_)) = (&self.first, &self.nav_error) {
            outcome = classify_error(first_err);
        }
        // A wall that stood for the whole wait is no site at all, whatever its status said.
        if let Some(kind) = self.ev.wall {
            return Classified {
                outcome: Outcome::BotWall,
                error: Some(format!(
                    "{} bot wall (HTTP {}): the challenge did not clear while the visitor waited",
                    kind.as_str(),
                    http_status
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| "?".into())
                )),
                http_status,
                redirect_chain,
            };
        }
        Classified {
            outcome,
            error,
            http_status,
            redirect_chain,
        }
    }
}

/// Runs one visit of `target` in `session`, answering consent banners as `mode` says.
/// A page that holds the browser past a command's timeout or the visit's [`deadline`] is cut
/// off from outside; the visit is still recorded with what it captured, and the session is
/// marked `spoiled` for the crawler to replace.
pub async fn visit(
    s: &mut Session,
    target: &Target,
    mode: ConsentMode,
    canaries: Canaries,
    link_key: u64,
    cfg: &VisitConfig,
) -> Result<RawVisit, BrowserError> {
    let started = Instant::now();
    let started_at = now_rfc3339();
    let mut p = Partial {
        ev: Evidence::new(ConsentRecord {
            mode,
            gpc: cfg.consent.gpc,
            ..Default::default()
        }),
        cols: Collectors::new(),
        start_url: format!("https://{}/", target.domain),
        first: None,
        nav_error: None,
        note: None,
        navigated: false,
        front_ms: None,
        internal: Vec::new(),
        link_candidates: None,
    };
    let until = started + deadline(cfg);
    s.set_deadline(Some(started + front_page_budget(cfg)));
    let run = steps(s, target, &canaries, cfg, link_key, until, &mut p).await;
    s.set_deadline(None);
    let mut cut = None;
    match run {
        Ok(()) => {}
        Err(BrowserError::Stuck(why)) => {
            // The page holds chromedriver: close its tab from outside, then read the capture.
            if !s.unstick().await {
                return Err(BrowserError::Lost(why));
            }
            let cx = Ctx { session: s, cfg };
            let _ = p.cols.drain(&cx, &mut p.ev).await;
            let _ = p.cols.run(Hook::Salvage, &cx, &mut p.ev).await;
            tracing::info!(site = %target.domain, reason = %why, "visit cut off; the tab was closed");
            p.ev.actions.push(format!("visit cut off: {why}"));
            cut = Some(why);
        }
        Err(e) => return Err(e),
    }
    let mut v = p.into_visit(target, canaries, started, started_at, cut);
    // The capture boundary: megabyte URLs and headers are cut here, and the visit says so.
    let cut = v.cap_values();
    if cut > 0 {
        let note = format!(
            "{cut} URLs, headers or notes longer than {} KiB were cut (each ends `{}N bytes]`)",
            crate::capture::VALUE_CAP / 1024,
            crate::capture::CUT_MARK
        );
        v.error = Some(match v.error.take() {
            Some(e) => format!("{e}; {note}"),
            None => note,
        });
    }
    Ok(v)
}

impl Partial {
    /// The collectors' failures (`failures`: those that ended a collector's part), those on
    /// one page, and the messages the network log counted but did not keep.
    fn failures(&mut self, mut failures: Vec<CollectorFailure>) -> Vec<CollectorFailure> {
        failures.append(&mut self.ev.failures);
        let dropped = self.ev.net.frames_dropped();
        if dropped > 0 {
            failures.push(CollectorFailure {
                collector: "network".into(),
                hook: Hook::Finish,
                error: format!(
                    "{dropped} WebSocket/EventSource messages past the visit's first {} were counted, not kept",
                    crate::capture::MAX_FRAMES
                ),
            });
        }
        failures
    }

    /// What went wrong, in one note: the outcome's error, the cut, each collector's failure.
    fn notes(
        error: Option<String>,
        cut: Option<&str>,
        failures: &[CollectorFailure],
    ) -> Option<String> {
        let mut notes: Vec<String> = error.into_iter().collect();
        if let Some(why) = cut {
            notes.push(if notes.is_empty() {
                format!(
                    "visit cut off: {why}; the tab was closed from outside and what it sent was kept"
                )
            } else {
                format!("visit cut off: {why}")
            });
        }
        notes.extend(failures.iter().map(|f| {
            format!(
                "{} collector failed ({}): {}",
                f.collector,
                f.hook.as_str(),
                f.error
            )
        }));
        (!notes.is_empty()).then(|| notes.join("; "))
    }

    /// The visit as captured: its outcome, its pages and each collector's evidence.
    fn into_visit(
        mut self,
        target: &Target,
        canaries: Canaries,
        started: Instant,
        started_at: String,
        cut: Option<String>,
    ) -> RawVisit {
        let c = self.classify();
        // A page that never answered leaves the tab on about:blank: the visit's URL is then
        // the one it asked for (never a start page or a blank).
        if self.ev.final_url.is_none() {
            self.ev.final_url = Some(self.start_url.clone());
        }
        // What the collectors kept themselves, handed back into the visit.
        let mut handed = RawVisit::default();
        let ended = std::mem::take(&mut self.cols).hand_back(&mut handed);
        let failures = self.failures(ended);
        let error = Partial::notes(c.error, cut.as_deref(), &failures);
        let mut pages = vec![RawPage {
            page: 0,
            url: self.start_url.clone(),
            final_url: self.ev.final_url.clone(),
            reached: Reached::Start,
            link_text: None,
            started_at: started_at.clone(),
            duration_ms: self
                .front_ms
                .unwrap_or_else(|| started.elapsed().as_millis() as u64),
            outcome: c.outcome,
            http_status: c.http_status,
            error: error.clone(),
            env: None,
        }];
        pages.append(&mut self.internal);
        let mut ev = self.ev;
        for pg in &mut pages {
            pg.env = ev.envs.remove(&pg.page);
        }
        let (requests, frames) = ev.net.finish(ev.main_frame.as_deref());
        RawVisit {
            domain: target.domain.clone(),
            outcome: c.outcome,
            http_status: c.http_status,
            start_url: self.start_url,
            final_url: ev.final_url,
            redirect_chain: c.redirect_chain,
            error,
            started_at,
            duration_ms: started.elapsed().as_millis() as u64,
            requests,
            frames,
            canaries,
            actions: ev.actions,
            consent: ev.consent,
            collector_failures: failures,
            wall: ev.wall,
            walled_at_first: ev.walled_at_first,
            pages,
            link_candidates: self.link_candidates,
            ..handed
        }
    }
}

/// The visit's steps: navigate, answer or note the banner, behave, close popups, leave, read
/// cookies — each collector's hooks at their moments. Everything found goes into `p` as it is
/// found.
async fn steps(
    s: &Session,
    target: &Target,
    canaries: &Canaries,
    cfg: &VisitConfig,
    link_key: u64,
    until: Instant,
    p: &mut Partial,
) -> Result<(), BrowserError> {
    let t_visit = Instant::now();
    let cx = Ctx { session: s, cfg };
    p.cols.run(Hook::BeforeNavigation, &cx, &mut p.ev).await?;
    // Step timings for `PIXELCENSUS_LOG=pixelcensus=debug` (where a visit's time goes).
    let mut lap = Instant::now();
    let mut timings: Vec<(&str, u128)> = Vec::new();
    let mut mark = |name: &'static str, timings: &mut Vec<(&str, u128)>| {
        timings.push((name, lap.elapsed().as_millis()));
        lap = Instant::now();
    };
    arrive(&cx, target, p).await?;
    p.navigated = true;
    mark("navigate", &mut timings);
    p.cols.run(Hook::AfterNavigation, &cx, &mut p.ev).await?;
    wait_out_wall(&cx, p).await?;
    let outcome = p.classify().outcome;
    mark("classify", &mut timings);
    if outcome == Outcome::Ok {
        let Partial { ev, cols, .. } = &mut *p;
        // A visitor who answers banners does so first; the time counts toward the dwell.
        let t = Instant::now();
        if cols.run(Hook::AfterLoad, &cx, ev).await? {
            cols.drain(&cx, ev).await?;
        }
        mark("consent", &mut timings);
        let searched = behave(&cx, cols, ev, canaries, t.elapsed(), true).await?;
        mark("behave", &mut timings);
        if let Some(cands) = ev.links.take() {
            p.link_candidates = Some(cands.len() as u32);
            p.front_ms = Some(t_visit.elapsed().as_millis() as u64);
            internal_pages(&cx, p, canaries, &cands, link_key, until, searched).await?;
            mark("internal pages", &mut timings);
        }
    }
    if p.front_ms.is_none() {
        p.front_ms = Some(t_visit.elapsed().as_millis() as u64);
    }
    depart(&cx, p).await?;
    let Partial { ev, cols, .. } = p;
    mark("leave", &mut timings);
    cols.run(Hook::Finish, &cx, ev).await?;
    mark("cookies", &mut timings);
    tracing::debug!(site = %target.domain, ?timings, "visit steps (ms)");
    Ok(())
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
