//! `pixelcensus prescan`: read the list, open the folder, fetch every pending site without a
//! browser, write the prescan's files (and, beside a crawl of the folder, every dataset with
//! static_vs_browser.csv).

use super::{Ran, analyzer, crawl_dir, describe_rows, ended, stop_signal};
use anyhow::{Context, Result};
use clap::Args;
use pixelcensus::browser;
use pixelcensus::list::{self, Selection};
use pixelcensus::plan::values::{check_ranks, parse_budget};
use pixelcensus::prescan::{PrescanConfig, PrescanError, PrescanSummary, fetch};
use pixelcensus::progress::Progress;
use pixelcensus::report;
use pixelcensus::store::meta::CrawlMeta;
use pixelcensus::store::{CrawlLock, Store};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Args)]
pub struct PrescanArgs {
    /// The top-site list (the crawl's formats).
    #[arg(long)]
    list: PathBuf,
    /// Output folder: the store (crawl.sqlite, shared with a crawl of the folder) and the
    /// prescan's files.
    #[arg(long)]
    out: PathBuf,
    /// Prescan only the first N sites (after --ranks).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Prescan only ranks A to B, inclusive (e.g. 1-1000).
    #[arg(long, value_name = "A-B", value_parser = check_ranks)]
    ranks: Option<String>,
    /// Skip malformed list lines with a warning instead of stopping.
    #[arg(long)]
    skip_bad_lines: bool,
    /// Sites fetched at once (each site's own requests one at a time).
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u64).range(1..=4096), |n| n as usize))]
    concurrency: usize,
    /// Seconds one site may take in all (https and http attempts, redirects, the page) before
    /// it is recorded as `timeout` (1 to 600).
    #[arg(long, value_name = "SECS", default_value = "15", value_parser = parse_budget)]
    page_timeout: Duration,
    /// Bytes of a page read at most (the rest is not read; the page's `error` says so).
    #[arg(long, value_name = "BYTES", default_value_t = 5 * 1024 * 1024, value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u64).range(1024..=1_073_741_824), |n| n as usize))]
    max_page_bytes: usize,
    /// Host rules in Chromium's --host-resolver-rules syntax, e.g. 'MAP * 127.0.0.1:8443'
    /// to send every name to a local test web (TLS still checked against the real name
    /// unless --insecure).
    #[arg(long, value_name = "RULES")]
    host_map: Option<String>,
    /// Accept any TLS certificate. For test webs only: never use it on a real prescan.
    #[arg(long)]
    insecure: bool,
    /// User-Agent string (default: desktop Chrome of the installed Chromium's version, or a
    /// current Chrome's when Chromium is not installed).
    #[arg(long, value_name = "UA")]
    user_agent: Option<String>,
}

/// `prescan`: the list, the folder, the fetches, the files.
pub async fn run(a: &PrescanArgs, quiet: bool) -> Result<ExitCode> {
    let out = &crawl_dir(Some(a.out.clone()), None)?;
    let sel = Selection {
        ranks: a.ranks.as_deref().map(list::parse_range).transpose()?,
        limit: a.limit,
        skip_bad_lines: a.skip_bad_lines,
    };
    let parsed = list::read_list(&a.list, &sel)?;
    if !quiet {
        eprintln!(
            "pixelcensus: {} sites from {} ({} format)",
            parsed.targets.len(),
            a.list.display(),
            parsed.format
        );
    }
    let cfg = config(a, quiet)?;
    std::fs::create_dir_all(out)
        .with_context(|| format!("creating output folder {}", out.display()))?;
    let _lock = CrawlLock::acquire(out)?;
    let mut store = Store::create(out)?;
    store.add_prescan_targets(&parsed.targets)?;
    let (total, done) = store.prescan_counts()?;
    if !quiet && done > 0 {
        eprintln!(
            "pixelcensus: resuming the prescan of {}: {done} of {total} sites already fetched",
            out.display()
        );
    }
    let result = tokio::select! {
        r = pixelcensus::prescan::run(store, cfg) => Ok(r),
        sig = stop_signal() => Err(sig),
    };
    finish(out, result, quiet)
}

/// How the prescan fetches, from the options.
fn config(a: &PrescanArgs, quiet: bool) -> Result<PrescanConfig> {
    let host_map = a
        .host_map
        .as_deref()
        .map(fetch::HostMap::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--host-map: {e}"))?;
    let user_agent = a.user_agent.clone().unwrap_or_else(|| {
        browser::chromium_version(Path::new(browser::DEFAULT_CHROMIUM))
            .map(|v| browser::user_agent_for(&v))
            .unwrap_or_else(|_| browser::user_agent_for(browser::FALLBACK_MAJOR))
    });
    Ok(PrescanConfig {
        concurrency: a.concurrency,
        fetch: fetch::FetchConfig {
            budget: a.page_timeout,
            max_bytes: a.max_page_bytes,
            user_agent,
            insecure: a.insecure,
            host_map,
        },
        progress: Progress::for_stderr(quiet),
    })
}

/// The files, from the store in every case, then what the run did.
fn finish(out: &Path, result: Ran<PrescanSummary, PrescanError>, quiet: bool) -> Result<ExitCode> {
    let store = Store::open(out)?;
    if result.is_err() {
        store.reset_prescan_interrupted()?;
    }
    let name = CrawlMeta::read(&store)?
        .name
        .unwrap_or_else(|| report::crawl_name(out));
    let written = if store.counts()?.total > 0 {
        let analyzer = analyzer(&[], quiet)?;
        report::write_all(&store, out, &analyzer, &report::ReportOptions::default())?.describe()
    } else {
        let sites = report::prescan::analyse(&store)?;
        describe_rows(&report::prescan::write(&sites, out, &name)?)
    };
    ended(result, |s| {
        if !quiet {
            print_summary(&s, out, &written);
        }
        Ok(())
    })
}

/// The end-of-prescan summary on stderr.
fn print_summary(s: &PrescanSummary, out: &Path, written: &str) {
    let outcomes: Vec<String> = s
        .outcomes
        .iter()
        .map(|(o, n)| format!("{} {n}", o.as_str()))
        .collect();
    eprintln!(
        "pixelcensus: prescanned {} sites in {:.1} min ({:.0} sites/min); {} of {} sites recorded; {} Tag Manager container(s) fetched",
        s.fetched,
        s.elapsed.as_secs_f64() / 60.0,
        s.fetched as f64 / (s.elapsed.as_secs_f64() / 60.0).max(1e-9),
        s.counts.1,
        s.counts.0,
        s.containers
    );
    if !outcomes.is_empty() {
        eprintln!("  outcomes: {}", outcomes.join(", "));
    }
    eprintln!(
        "  results in {}: {written}; store crawl.sqlite",
        out.display()
    );
}
