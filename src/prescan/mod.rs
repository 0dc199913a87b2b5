//! The static pre-scan (`pixelcensus prescan`): each site's front page fetched with `reqwest`
//! (no browser), its HTML taken apart with `scraper`, and the raw evidence — the page's
//! scripts, pixels, frames and vendor snippets, and the Tag Manager containers it loads,
//! fetched once per ID per run — recorded in the store's prescan tables, one transaction per
//! site. What the evidence means (trackers, IDs) is `analyze::statics`' job, at report time,
//! so a prescan can be re-analysed like a crawl.
//!
//! The flow: list → prescan frontier (`prescan_targets`) → fetch → `StaticPage` → store →
//! `analyze::statics` → prescan.csv, prescan_sites.csv (and static_vs_browser.csv beside a
//! browser crawl).

pub mod fetch;
pub mod html;

use crate::analyze::statics;
use crate::capture::{Outcome, StaticPage};
use crate::progress::Progress;
use crate::store::{Store, StoreError};
use fetch::{FetchConfig, Fetcher};
use indicatif::ProgressBar;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Why a prescan could not run (a site that fails is data, not an error).
#[derive(Debug, thiserror::Error)]
pub enum PrescanError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The HTTP client could not be built.
    #[error("{0}")]
    Client(String),
    /// A worker task died.
    #[error("a prescan worker failed: {0}")]
    Worker(String),
}

/// How a prescan runs.
#[derive(Clone, Debug)]
pub struct PrescanConfig {
    /// Sites fetched at once.
    pub concurrency: usize,
    /// How each page is fetched.
    pub fetch: FetchConfig,
    /// How progress is shown.
    pub progress: Progress,
}

/// What a prescan run did.
#[derive(Clone, Debug)]
pub struct PrescanSummary {
    /// Sites fetched by this run.
    pub fetched: u64,
    /// (total, done) of the frontier after the run.
    pub counts: (u64, u64),
    /// Outcomes of this run's fetches.
    pub outcomes: BTreeMap<Outcome, u64>,
    /// Tag Manager containers fetched.
    pub containers: u64,
    /// Wall time.
    pub elapsed: Duration,
}

struct Shared {
    store: Mutex<Store>,
    fetcher: Fetcher,
    /// Containers fetched or being fetched in this run (one fetch per ID).
    containers: tokio::sync::Mutex<HashMap<String, bool>>,
    fetched: AtomicU64,
    container_count: AtomicU64,
    outcomes: Mutex<BTreeMap<Outcome, u64>>,
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Fetches and takes apart one site's front page.
async fn scan(shared: &Shared, domain: &str) -> StaticPage {
    let started = Instant::now();
    let fetched_at = now();
    let mut f = shared.fetcher.front_page(domain).await;
    let base = f.final_url.as_deref().and_then(|u| url::Url::parse(u).ok());
    let (resources, wall) = match (f.html.take(), base) {
        (Some(h), Some(base)) => {
            // HTML parsing is CPU work: off the async reactor (the page moves there, uncopied).
            let d = domain.to_string();
            match tokio::task::spawn_blocking(move || html::extract(&d, &base, &h)).await {
                Ok(e) => (e.resources, e.wall),
                Err(_) => (Vec::new(), None),
            }
        }
        _ => (Vec::new(), None),
    };
    let (outcome, error) = match wall {
        // A challenge or block page is no site, whatever its status said.
        Some(k) => (
            Outcome::BotWall,
            Some(format!(
                "{} bot wall (HTTP {})",
                k.as_str(),
                f.http_status
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "?".into())
            )),
        ),
        None => (f.outcome, f.error),
    };
    StaticPage {
        domain: domain.to_string(),
        outcome,
        http_status: f.http_status,
        start_url: f.start_url,
        final_url: f.final_url,
        redirect_chain: f.chain,
        error,
        fetched_at,
        duration_ms: started.elapsed().as_millis() as u64,
        bytes: f.bytes,
        wall,
        resources,
    }
}

/// Fetches the Tag Manager containers a page loads that this run has not fetched yet.
async fn fetch_containers(shared: &Shared, page: &StaticPage) -> Result<(), StoreError> {
    for id in statics::gtm_containers(page) {
        {
            let mut seen = shared.containers.lock().await;
            if seen.contains_key(&id) {
                continue;
            }
            seen.insert(id.clone(), true);
        }
        let (status, body) = shared.fetcher.container(&id).await;
        shared.container_count.fetch_add(1, Ordering::Relaxed);
        shared.store.lock().expect("store").record_container(
            &id,
            status,
            body.as_deref(),
            &now(),
        )?;
    }
    Ok(())
}

async fn worker(shared: Arc<Shared>, bar: Option<ProgressBar>) -> Result<(), StoreError> {
    loop {
        let claim = shared.store.lock().expect("store").claim_prescan()?;
        let Some(c) = claim else {
            return Ok(());
        };
        let page = scan(&shared, &c.target.domain).await;
        fetch_containers(&shared, &page).await?;
        shared
            .store
            .lock()
            .expect("store")
            .record_prescan(c.id, &page)?;
        shared.fetched.fetch_add(1, Ordering::Relaxed);
        *shared
            .outcomes
            .lock()
            .expect("outcomes")
            .entry(page.outcome)
            .or_default() += 1;
        tracing::debug!(site = %c.target.domain, outcome = %page.outcome, ms = page.duration_ms, "prescanned");
        if let Some(b) = &bar {
            b.inc(1);
        }
    }
}

/// Runs the prescan over the store's pending prescan targets until none is left.
pub async fn run(store: Store, cfg: PrescanConfig) -> Result<PrescanSummary, PrescanError> {
    let start = Instant::now();
    store.reset_prescan_interrupted()?;
    let (total, done) = store.prescan_counts()?;
    let fetcher = Fetcher::new(cfg.fetch.clone()).map_err(PrescanError::Client)?;
    // Containers fetched by earlier runs are not fetched again.
    let known: HashMap<String, bool> = store.containers()?.into_keys().map(|k| (k, true)).collect();
    let shared = Arc::new(Shared {
        store: Mutex::new(store),
        fetcher,
        containers: tokio::sync::Mutex::new(known),
        fetched: AtomicU64::new(0),
        container_count: AtomicU64::new(0),
        outcomes: Mutex::new(BTreeMap::new()),
    });
    let bar = cfg.progress.bar(
        total,
        done,
        "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} {per_sec}",
    );
    let lines = (cfg.progress == Progress::Lines).then(|| {
        let shared = shared.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(10)).await;
                let n = shared.fetched.load(Ordering::Relaxed);
                let mins = start.elapsed().as_secs_f64() / 60.0;
                eprintln!(
                    "pixelcensus prescan: {}/{total} sites done, {:.0} sites/min",
                    done + n,
                    n as f64 / mins.max(1e-9)
                );
            }
        })
    });
    let mut tasks = Vec::new();
    for _ in 0..cfg.concurrency.max(1) {
        tasks.push(tokio::spawn(worker(shared.clone(), bar.clone())));
    }
    let mut first_err = None;
    for t in tasks {
        match t.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                first_err.get_or_insert(PrescanError::Store(e));
            }
            Err(e) => {
                first_err.get_or_insert(PrescanError::Worker(e.to_string()));
            }
        }
    }
    if let Some(l) = lines {
        l.abort();
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if let Some(e) = first_err {
        return Err(e);
    }
    let counts = shared.store.lock().expect("store").prescan_counts()?;
    Ok(PrescanSummary {
        fetched: shared.fetched.load(Ordering::Relaxed),
        counts,
        outcomes: shared.outcomes.lock().expect("outcomes").clone(),
        containers: shared.container_count.load(Ordering::Relaxed),
        elapsed: start.elapsed(),
    })
}
