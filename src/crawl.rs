//! The scheduler: `--browsers` tokio workers pull targets from the frontier, each driving its
//! own browser; a lost browser is replaced and its site retried once, then recorded as
//! `browser_crash`; browsers are recycled every `--recycle` sites; progress goes to stderr.

use crate::browser::driver::Driver;
use crate::browser::session::Session;
use crate::browser::{BrowserConfig, BrowserError, procs};
use crate::capture::{Outcome, RawVisit};
pub use crate::progress::Progress;
use crate::store::{Claimed, Counts, Store};
use crate::visit::{self, VisitConfig};
use indicatif::ProgressBar;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Everything a crawl needs besides the store.
#[derive(Clone, Debug)]
pub struct CrawlConfig {
    /// The output folder (store, logs, datasets).
    pub out: PathBuf,
    /// Concurrent browsers: a fixed number, or the most the controller may run.
    pub browsers: usize,
    /// `--browsers auto`: the controller's bounds and its first number (`None`: `browsers`
    /// fixed).
    pub auto: Option<(usize, crate::tune::Limits)>,
    /// Replace each browser after this many sites.
    pub recycle: u32,
    /// Replace a browser whose processes use more than this (bytes) after a visit.
    pub recycle_memory: u64,
    /// Visits of one site that may be started (over all runs) without one being recorded;
    /// then the site is recorded as `crawler_crash` instead of visited again.
    pub max_attempts: u32,
    /// Per-visit behaviour.
    pub visit: VisitConfig,
    /// How to start browsers.
    pub browser: BrowserConfig,
    /// How to show progress.
    pub progress: Progress,
    /// The crawl's name, in progress lines.
    pub name: String,
    /// `--proxy`: the relay's health. Once it is lost, nothing more is recorded (visits in
    /// flight go back to pending) and the crawl stops with [`CrawlError::VantageLost`].
    pub vantage: Option<Arc<crate::browser::relay::Health>>,
}

impl CrawlConfig {
    /// The crawler's configuration from the plan: the browsers it decided on, how each site
    /// is visited and how browsers start (`user_agent` from the browser's version unless
    /// `--user-agent`; `profile_root`: this run's temporary folder).
    pub fn new(
        plan: &crate::plan::CrawlPlan,
        out: &Path,
        user_agent: String,
        profile_root: &Path,
        progress: Progress,
    ) -> CrawlConfig {
        CrawlConfig {
            out: out.to_owned(),
            browsers: plan.browsers.workers,
            auto: plan.browsers.controller,
            recycle: plan.opts.recycle,
            recycle_memory: plan.opts.recycle_memory,
            max_attempts: plan.opts.max_attempts,
            visit: plan.visit(),
            browser: plan.browser(user_agent, profile_root),
            progress,
            name: crate::report::crawl_name(out),
            vantage: None,
        }
    }
}

/// What a crawl run did.
#[derive(Clone, Debug)]
pub struct Summary {
    /// Frontier and outcome counts after the run.
    pub counts: Counts,
    /// Sites visited by this run.
    pub visited: u64,
    /// Wall time of this run.
    pub elapsed: Duration,
    /// Browsers replaced after being lost.
    pub browsers_replaced: u64,
    /// chromedriver restarts.
    pub driver_restarts: u32,
    /// The browsers allowed over the run: (seconds since its start, number), one entry per
    /// change (the first at 0).
    pub browsers_over_time: Vec<(u64, usize)>,
}

/// Fatal crawl errors (the crawl could not run; failed sites are not errors).
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// Browsers could not be started at all.
    #[error("cannot run browsers: {0}")]
    Browser(String),
    /// The proxy stopped working (`--proxy`): the crawl stopped rather than go on from
    /// somewhere else.
    #[error(
        "the proxy stopped working: {0}. The crawl stopped: what was recorded through it is kept, the {1} site(s) not yet recorded stay pending; run the same command again once the proxy works"
    )]
    VantageLost(String, u64),
}

struct Shared {
    store: Mutex<Store>,
    driver: tokio::sync::Mutex<Driver>,
    cfg: CrawlConfig,
    secret: Vec<u8>,
    visited: AtomicU64,
    replaced: AtomicU64,
    session_no: AtomicU64,
    ok: AtomicU64,
    failed: AtomicU64,
    fatal: Mutex<Option<String>>,
    active: AtomicUsize,
    /// Workers allowed to visit (the others park, their browsers closed).
    allowed: AtomicUsize,
    /// The frontier has no pending site left.
    drained: std::sync::atomic::AtomicBool,
    /// `allowed` over the run.
    timeline: Mutex<Vec<(u64, usize)>>,
}

/// Runs the crawl over the store's pending targets until none is left.
pub async fn run(store: Store, cfg: CrawlConfig) -> Result<Summary, CrawlError> {
    let start = Instant::now();
    let secret = store.secret()?;
    let counts = store.counts()?;
    let driver = start_driver(&cfg).await?;
    let bar = progress_bar(cfg.progress, &counts);
    let shared = Arc::new(Shared::new(store, secret, driver, cfg, &counts));
    let controller = shared
        .cfg
        .auto
        .map(|(first, limits)| tokio::spawn(control(shared.clone(), first, limits, start)));
    let mut workers = tokio::task::JoinSet::new();
    for w in 0..shared.cfg.browsers.max(1) {
        let shared = shared.clone();
        let bar = bar.clone();
        workers.spawn(async move { worker(w, shared, bar).await });
    }
    let ticker = (shared.cfg.progress == Progress::Lines).then(|| {
        let shared = shared.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(10));
            every.tick().await;
            loop {
                every.tick().await;
                log_line(&shared, start);
            }
        })
    });
    while workers.join_next().await.is_some() {}
    for task in [ticker, controller].into_iter().flatten() {
        task.abort();
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let mut driver = shared.driver.lock().await;
    let driver_restarts = driver.restarts;
    driver.shutdown().await;
    drop(driver);
    procs::kill_under(&shared.cfg.browser.profile_root);
    let counts = shared.store.lock().unwrap().counts()?;
    if let Some(why) = shared.cfg.vantage.as_ref().and_then(|h| h.lost()) {
        return Err(CrawlError::VantageLost(why, counts.total - counts.done));
    }
    if let Some(fatal) = shared.fatal.lock().unwrap().take() {
        return Err(CrawlError::Browser(fatal));
    }
    Ok(Summary {
        counts,
        visited: shared.visited.load(Ordering::Relaxed),
        elapsed: start.elapsed(),
        browsers_replaced: shared.replaced.load(Ordering::Relaxed),
        driver_restarts,
        browsers_over_time: shared.timeline.lock().unwrap().clone(),
    })
}

/// chromedriver started for this crawl, or the `--webdriver` endpoint.
async fn start_driver(cfg: &CrawlConfig) -> Result<Driver, CrawlError> {
    match &cfg.browser.webdriver {
        Some(url) => Driver::external(url).await,
        None => {
            Driver::start(
                &cfg.browser.chromedriver,
                &cfg.out.join("chromedriver.log"),
                &cfg.browser.profile_root.join("home"),
            )
            .await
        }
    }
    .map_err(|e| CrawlError::Browser(e.to_string()))
}

impl Shared {
    fn new(
        store: Store,
        secret: Vec<u8>,
        driver: Driver,
        cfg: CrawlConfig,
        counts: &Counts,
    ) -> Shared {
        let allowed = match &cfg.auto {
            Some((start, _)) => *start,
            None => cfg.browsers.max(1),
        };
        Shared {
            secret,
            store: Mutex::new(store),
            driver: tokio::sync::Mutex::new(driver),
            visited: AtomicU64::new(0),
            replaced: AtomicU64::new(0),
            session_no: AtomicU64::new(0),
            ok: AtomicU64::new(counts.by_outcome.get(&Outcome::Ok).copied().unwrap_or(0)),
            failed: AtomicU64::new(counts.failed()),
            fatal: Mutex::new(None),
            active: AtomicUsize::new(0),
            allowed: AtomicUsize::new(allowed),
            drained: std::sync::atomic::AtomicBool::new(false),
            timeline: Mutex::new(vec![(0, allowed)]),
            cfg,
        }
    }
}

impl Shared {
    /// True once `--proxy`'s relay gave the proxy up.
    fn vantage_lost(&self) -> bool {
        self.cfg
            .vantage
            .as_ref()
            .is_some_and(|h| h.lost().is_some())
    }
}

/// `--browsers auto`: the controller samples the machine and moves `allowed`.
async fn control(shared: Arc<Shared>, first: usize, limits: crate::tune::Limits, start: Instant) {
    let mut c = crate::tune::Controller::new(first, limits);
    let mut meter = crate::tune::Meter::new();
    loop {
        tokio::time::sleep(crate::tune::INTERVAL).await;
        let busy = shared.active.load(Ordering::Relaxed);
        // Reading /proc is blocking work: off the reactor.
        let sample = tokio::task::spawn_blocking(move || {
            let s = meter.sample(busy);
            (s, meter)
        })
        .await;
        let Ok((sample, m)) = sample else {
            return;
        };
        meter = m;
        let before = c.current();
        let now = c.decide(sample);
        if now != before {
            tracing::info!(
                browsers = now,
                cause = ?c.last_cause(),
                cpu = format!("{:.0}%", sample.cpu_busy * 100.0),
                crawl_mib = sample.crawl_bytes >> 20,
                "browsers: {before} → {now}"
            );
            shared.allowed.store(now, Ordering::Relaxed);
            shared
                .timeline
                .lock()
                .unwrap()
                .push((start.elapsed().as_secs(), now));
        }
    }
}

fn progress_bar(mode: Progress, counts: &Counts) -> Option<ProgressBar> {
    // The ETA is ours, in the message, once a site of this run is done (indicatif's own
    // would guess from nothing at the start, and from sites done by earlier runs).
    let bar = mode.bar(
        counts.total,
        counts.done,
        "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} {msg}",
    )?;
    bar.enable_steady_tick(crate::progress::TICK);
    Some(bar)
}

fn rate(shared: &Shared, start: Instant) -> f64 {
    let mins = start.elapsed().as_secs_f64() / 60.0;
    if mins > 0.0 {
        shared.visited.load(Ordering::Relaxed) as f64 / mins
    } else {
        0.0
    }
}

/// The time left at this run's rate, once it has visited a site: `ETA 12 min`.
fn eta(shared: &Shared, start: Instant, left: u64) -> String {
    let r = rate(shared, start);
    if shared.visited.load(Ordering::Relaxed) == 0 || r <= 0.0 {
        return "ETA after the first site".into();
    }
    let mins = left as f64 / r;
    if mins < 1.0 {
        "ETA <1 min".into()
    } else if mins < 120.0 {
        format!("ETA {mins:.0} min")
    } else {
        format!("ETA {:.1} h", mins / 60.0)
    }
}

/// One progress line (stderr not a terminal: cron, CI, systemd): UTC time, crawl name,
/// counts, rate, ETA.
fn log_line(shared: &Shared, start: Instant) {
    let ok = shared.ok.load(Ordering::Relaxed);
    let failed = shared.failed.load(Ordering::Relaxed);
    let total = shared
        .store
        .lock()
        .map(|s| s.counts().map(|c| c.total).unwrap_or(0))
        .unwrap_or(0);
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    eprintln!(
        "{now} pixelcensus [{}]: {}/{} visits done (ok {ok}, failed {failed}), {:.1} visits/min, {}, {} of {} browsers busy{}",
        shared.cfg.name,
        ok + failed,
        total,
        rate(shared, start),
        eta(shared, start, total.saturating_sub(ok + failed)),
        shared.active.load(Ordering::Relaxed),
        shared.allowed.load(Ordering::Relaxed),
        if shared.cfg.auto.is_some() {
            " (auto)"
        } else {
            ""
        }
    );
}

async fn worker(w: usize, shared: Arc<Shared>, bar: Option<ProgressBar>) {
    let start = Instant::now();
    let mut session: Option<Session> = None;
    while let Some(claimed) = next_site(w, &shared, &mut session).await {
        shared.active.fetch_add(1, Ordering::Relaxed);
        let result = if claimed.attempts >= shared.cfg.max_attempts {
            // Every earlier visit of this site ended with the crawler itself dying: record it
            // and move on, so one site cannot stall a scheduled crawl forever.
            tracing::warn!(site = %claimed.target.domain, attempts = claimed.attempts, "visits never finished; recorded as crawler_crash");
            Ok(crash_visit(
                &claimed,
                Outcome::CrawlerCrash,
                shared.cfg.visit.consent.gpc,
                crate::canary::derive(&shared.secret, &claimed.target.domain),
                format!(
                    "{} visits of this site were started and none was recorded: the crawler was killed during each (--max-attempts {})",
                    claimed.attempts, shared.cfg.max_attempts
                ),
            ))
        } else {
            visit_with_retry(w, &shared, &mut session, &claimed).await
        };
        shared.active.fetch_sub(1, Ordering::Relaxed);
        let v = match result {
            Ok(v) => v,
            Err(fatal) => {
                let _ = shared.store.lock().unwrap().release(claimed.id);
                *shared.fatal.lock().unwrap() = Some(fatal);
                break;
            }
        };
        if !record(&shared, &claimed, v).await {
            break;
        }
        if let Some(b) = &bar {
            b.inc(1);
            let left = b.length().unwrap_or(0).saturating_sub(b.position());
            b.set_message(format!(
                "ok {} failed {} {:.1} visits/min {} browsers {}",
                shared.ok.load(Ordering::Relaxed),
                shared.failed.load(Ordering::Relaxed),
                rate(&shared, start),
                eta(&shared, start, left),
                shared.allowed.load(Ordering::Relaxed)
            ));
        }
    }
    if let Some(s) = session.take() {
        s.close().await;
    }
}

/// The worker's next site, once it is allowed to visit (beyond the number allowed with
/// `--browsers auto` it parks, its browser closed). None when the frontier is drained or the
/// crawl cannot go on.
async fn next_site(w: usize, shared: &Shared, session: &mut Option<Session>) -> Option<Claimed> {
    if shared.fatal.lock().unwrap().is_some() || shared.vantage_lost() {
        return None;
    }
    while w >= shared.allowed.load(Ordering::Relaxed) {
        if shared.drained.load(Ordering::Relaxed) || shared.fatal.lock().unwrap().is_some() {
            return None;
        }
        if let Some(s) = session.take() {
            s.close().await;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    match shared.store.lock().unwrap().claim_next() {
        Ok(Some(c)) => Some(c),
        Ok(None) => {
            shared.drained.store(true, Ordering::Relaxed);
            None
        }
        Err(e) => {
            *shared.fatal.lock().unwrap() = Some(e.to_string());
            None
        }
    }
}

/// Records a visit and counts it; false when the store failed or the proxy was lost (the
/// crawl cannot go on; the visit is not recorded and its site stays pending).
async fn record(shared: &Arc<Shared>, claimed: &Claimed, v: RawVisit) -> bool {
    // A visit that failed through a proxy: was it the site, or the proxy dying under it?
    if let Some(h) = &shared.cfg.vantage
        && v.outcome != Outcome::Ok
    {
        h.check(&claimed.target.domain, 443).await;
    }
    if shared.vantage_lost() {
        tracing::warn!(site = %claimed.target.domain, "not recorded: the proxy was lost during the visit");
        let _ = shared.store.lock().unwrap().release(claimed.id);
        return false;
    }
    let outcome = v.outcome;
    // Analysis as visits finish, for the log (-v); the datasets come from the store.
    let fired: Vec<String> = if tracing::enabled!(tracing::Level::INFO) {
        crate::analyze::analyze_visit(&v, claimed.target.rank)
            .trackers
            .into_iter()
            .filter(|t| t.fired)
            .map(|t| t.tracker)
            .collect()
    } else {
        Vec::new()
    };
    let store_shared = shared.clone();
    let id = claimed.id;
    let recorded = tokio::task::spawn_blocking(move || {
        store_shared.store.lock().unwrap().record_visit(id, &v)
    })
    .await;
    let fatal = match recorded {
        Ok(Ok(_)) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(e) => Some(format!("recording a visit panicked: {e}")),
    };
    if let Some(f) = fatal {
        *shared.fatal.lock().unwrap() = Some(f);
        return false;
    }
    shared.visited.fetch_add(1, Ordering::Relaxed);
    if outcome == Outcome::Ok {
        shared.ok.fetch_add(1, Ordering::Relaxed);
    } else {
        shared.failed.fetch_add(1, Ordering::Relaxed);
    }
    tracing::info!(site = %claimed.target.domain, %outcome, trackers = %fired.join(", "), "visited");
    true
}

/// Visits a claimed site, replacing a lost browser and retrying once; a second loss is
/// recorded as `browser_crash`. `Err` only when browsers cannot be started at all.
async fn visit_with_retry(
    w: usize,
    shared: &Shared,
    session: &mut Option<Session>,
    c: &Claimed,
) -> Result<RawVisit, String> {
    let cfg = &shared.cfg;
    let canaries = crate::canary::derive(&shared.secret, &c.target.domain);
    let link_key = crate::canary::link_key(&shared.secret, &c.target.domain);
    // The visit enforces its own deadline; this outer limit only catches a browser that does
    // not even let the visit cut itself off (salvage needs at most a command or two).
    let budget =
        visit::deadline(&cfg.visit) + cfg.browser.command_timeout + Duration::from_secs(30);
    let mut last_err = String::new();
    for attempt in 0..2 {
        if session.is_none() {
            *session = Some(start_session(w, shared).await?);
        }
        let s = session.as_mut().expect("just started");
        let r = tokio::time::timeout(
            budget,
            visit::visit(s, &c.target, c.mode, canaries.clone(), link_key, &cfg.visit),
        )
        .await;
        let err = match r {
            Ok(Ok(v)) => {
                let s = session.as_mut().expect("present");
                s.visits += 1;
                if s.spoiled {
                    // The visit closed a stuck tab from outside: a fresh browser for the next.
                    shared.replaced.fetch_add(1, Ordering::Relaxed);
                    // chromedriver answers again once the tab is gone: end the session
                    // properly rather than leave it behind in chromedriver.
                    if let Some(old) = session.take() {
                        old.close().await;
                    }
                    return Ok(v);
                }
                let t = Instant::now();
                let reset = visit::reset_state(s, &v).await;
                tracing::debug!(ms = t.elapsed().as_millis() as u64, "state reset");
                let big = s.memory() > cfg.recycle_memory;
                if big {
                    tracing::info!(site = %c.target.domain, mib = s.memory() >> 20, "browser over --recycle-memory; replacing it");
                }
                if (reset.is_err() || big || s.visits >= cfg.recycle)
                    && let Some(old) = session.take()
                {
                    old.close().await;
                }
                return Ok(v);
            }
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("the visit took longer than {} s", budget.as_secs()),
        };
        tracing::warn!(site = %c.target.domain, attempt, error = %err, "browser lost; replacing it");
        shared.replaced.fetch_add(1, Ordering::Relaxed);
        if let Some(s) = session.take() {
            s.kill();
        }
        let _ = shared.driver.lock().await.ensure_alive().await;
        last_err = err;
    }
    Ok(crash_visit(
        c,
        Outcome::BrowserCrash,
        cfg.visit.consent.gpc,
        canaries,
        last_err,
    ))
}

async fn start_session(w: usize, shared: &Shared) -> Result<Session, String> {
    let mut last = String::new();
    for attempt in 0..4 {
        let url = shared.driver.lock().await.url().to_string();
        let n = shared.session_no.fetch_add(1, Ordering::Relaxed);
        match Session::start(&url, &shared.cfg.browser, n).await {
            Ok(s) => match prepare(&s, &shared.cfg).await {
                Ok(()) => return Ok(s),
                Err(e) => {
                    // A browser that cannot be set up is replaced like one that failed to start.
                    last = e.to_string();
                    tracing::warn!(worker = w, attempt, error = %last, "setting up a browser failed");
                    s.kill();
                    let _ = shared.driver.lock().await.ensure_alive().await;
                }
            },
            Err(BrowserError::Setup(e)) => return Err(e),
            Err(e) => {
                last = e.to_string();
                tracing::warn!(worker = w, attempt, error = %last, "starting a browser failed");
                let _ = shared.driver.lock().await.ensure_alive().await;
                tokio::time::sleep(Duration::from_millis(500 * (attempt + 1))).await;
            }
        }
    }
    // chromedriver only says the browser did not start: ask Chromium itself why.
    if let Some(cause) = crate::browser::diagnose_start(&shared.cfg.browser).await {
        return Err(format!("{last}\n  the cause: {cause}"));
    }
    Err(format!(
        "{last}\n  check that Chromium runs: `{} --headless=new --no-sandbox --dump-dom about:blank`; pass --chromium/--chromedriver to use other binaries",
        shared.cfg.browser.chromium.display()
    ))
}

/// Sets a new browser up: WebDriver timeouts, then every collector's `setup` (consent
/// handling and GPC, which hold for every page it opens).
async fn prepare(s: &Session, cfg: &CrawlConfig) -> Result<(), BrowserError> {
    let t = fantoccini::wd::TimeoutConfiguration::new(
        Some(Duration::from_secs(30)),
        Some(cfg.visit.page_timeout),
        Some(Duration::ZERO),
    );
    s.timed("setting timeouts", s.client().update_timeouts(t))
        .await?;
    crate::collect::setup(s, &cfg.visit).await
}

/// The record of a site that could not be visited (`browser_crash`, `crawler_crash`).
fn crash_visit(
    c: &Claimed,
    outcome: Outcome,
    gpc: bool,
    canaries: crate::capture::Canaries,
    err: String,
) -> RawVisit {
    RawVisit {
        domain: c.target.domain.clone(),
        outcome,
        start_url: format!("https://{}/", c.target.domain),
        error: Some(err),
        started_at: time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        canaries,
        consent: crate::capture::ConsentRecord {
            mode: c.mode,
            gpc,
            ..Default::default()
        },
        ..RawVisit::default()
    }
}
