//! `pixelcensus crawl` (and the crawl of `demo`): read the list, plan the crawl, open the
//! folder, run the crawl, write the datasets.

use super::{Ran, analyzer, check_name, crawl_dir, ended, now, resume, stop_signal};
use anyhow::{Context, Result};
use clap::Args;
use pixelcensus::browser;
use pixelcensus::crawl::{self, CrawlConfig, CrawlError, Summary};
use pixelcensus::list::{self, Selection};
use pixelcensus::plan::{CrawlOpts, CrawlPlan, Machine};
use pixelcensus::progress::Progress;
use pixelcensus::report;
use pixelcensus::store::meta::{CrawlMeta, VantageCheck};
use pixelcensus::store::{CrawlLock, Store};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct CrawlArgs {
    /// The top-site list: Tranco `rank,domain`, CrUX `origin,rank` (with header), or one domain/URL per line.
    #[arg(long)]
    list: PathBuf,
    /// Output folder: the store (crawl.sqlite) and datasets go here.
    #[arg(long, required_unless_present = "name", conflicts_with = "name")]
    out: Option<PathBuf>,
    /// Name the crawl instead of --out: results/<NAME>; `auto` names it by year and month
    /// (results/2026-12), so a monthly job reruns the same command and resumes after a reboot.
    #[arg(long, value_name = "NAME", value_parser = check_name)]
    name: Option<String>,
    #[command(flatten)]
    opts: CrawlOpts,
}

/// `crawl`.
pub async fn run(a: CrawlArgs, quiet: bool) -> Result<ExitCode> {
    let out = crawl_dir(a.out, a.name.as_deref())?;
    crawl(&a.list, &out, a.opts, quiet).await
}

/// `crawl` (and `demo`): read the list, plan, open the folder, run the crawl, write the
/// datasets.
pub async fn crawl(list_path: &Path, out: &Path, opts: CrawlOpts, quiet: bool) -> Result<ExitCode> {
    let parsed = read_targets(list_path, &opts, quiet)?;
    // Filter lists and the browser's version are checked before anything is opened.
    let analyzer = analyzer(&opts.rules, quiet)?;
    let versions = browser::Versions::detect(
        &opts.chromium,
        &opts.chromedriver,
        opts.webdriver.is_some(),
        opts.user_agent.as_deref(),
        opts.device,
    )?;
    let machine = Machine::measure(&opts).await;
    let plan = CrawlPlan::new(opts, &machine);
    if let (Some(url), true, false) = (&plan.opts.webdriver, plan.browsers.from_grid, quiet) {
        eprintln!(
            "pixelcensus: --webdriver {url}: {} browser(s) at once (the Grid's Chrome slots, or one per core); --browsers N sets it",
            plan.browsers.workers
        );
    }
    // The proxy is checked before anything is opened or recorded (fail closed).
    let vantage = match &plan.opts.proxy {
        Some(_) => Some(vantage(&plan, &parsed, quiet).await?),
        None => None,
    };
    std::fs::create_dir_all(out)
        .with_context(|| format!("creating output folder {}", out.display()))?;
    let _lock = CrawlLock::acquire(out)?;
    let mut store = Store::create(out)?;
    if !resume::record_meta(&mut store, list_path, &parsed, &plan, &versions, out, quiet)? {
        return Ok(ExitCode::SUCCESS);
    }
    if let Some((_, check)) = &vantage {
        let mut meta = CrawlMeta::read(&store)?;
        meta.vantage_checks.push(check.clone());
        meta.write(&store)?;
    }
    let profile_root = profile_root()?;
    // The browsers die with this process, however it ends (kill -9 included).
    let reaper = browser::procs::spawn_reaper(&[OsStr::new("reap"), profile_root.as_os_str()]);
    if let Err(e) = &reaper {
        tracing::warn!(error = %e, "no reaper: browsers may outlive a killed crawl until the next one");
    }
    let progress = Progress::for_stderr(quiet);
    let mut cfg = CrawlConfig::new(&plan, out, versions.user_agent, &profile_root, progress);
    cfg.browser.emulation.version = versions.chromium;
    if let Some((relay, _)) = &vantage {
        cfg.browser.proxy = Some(relay.proxy_server());
        cfg.vantage = Some(relay.health());
    }
    let result = tokio::select! {
        r = crawl::run(store, cfg) => Ok(r),
        sig = stop_signal() => Err(sig),
    };
    browser::procs::remove_run(&profile_root);
    drop(reaper);
    finish(out, &plan, &analyzer, result, quiet)
}

/// `--proxy`: the relay Chromium will go through, started and checked (a connection through
/// the proxy to the list's first site, and `--echo-url`); Err before anything is recorded
/// when the proxy does not work.
async fn vantage(
    plan: &CrawlPlan,
    parsed: &list::ParsedList,
    quiet: bool,
) -> Result<(browser::relay::Relay, VantageCheck)> {
    let o = &plan.opts;
    let proxy = o.proxy.as_deref().expect("called with --proxy");
    if o.vantage == "local" {
        anyhow::bail!(
            "--proxy needs --vantage NAME: the name of where the proxy puts the crawl (e.g. eu-de, us-ca), the `vantage` column of the datasets"
        );
    }
    if let Some(wd) = &o.webdriver {
        let host = url::Url::parse(wd)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        if !matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]" | "::1") {
            anyhow::bail!(
                "--proxy with --webdriver {wd}: the browsers reach the proxy through a relay on this machine's loopback address, which a Grid node on another machine cannot reach; run the Grid's nodes on this machine, or the crawl on the Grid's machine"
            );
        }
    }
    let up = browser::proxy::upstream(proxy, &o.proxy_auth_env).map_err(anyhow::Error::msg)?;
    let relay = browser::relay::Relay::start(up.clone())
        .await
        .context("starting the proxy relay on a loopback port")?;
    let host = parsed
        .targets
        .first()
        .map(|t| t.domain.clone())
        .context("the list has no site to check the proxy with")?;
    let checked =
        browser::proxy::preflight(&up, &relay, &host, o.echo_url.as_deref(), o.insecure)
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "--proxy {proxy} does not work: {e}. Nothing was crawled (the crawl never goes around the proxy); check the proxy and its credentials ({}), then run the same command again",
                    o.proxy_auth_env
                )
            })?;
    if !quiet {
        eprintln!(
            "pixelcensus: vantage `{}` through {proxy}{}: reached {}{}",
            o.vantage,
            if up.auth.is_some() {
                " (with credentials)"
            } else {
                ""
            },
            checked.tunnel,
            checked
                .exit_address
                .as_deref()
                .map(|a| format!(", exit address {a}"))
                .unwrap_or_default()
        );
    }
    let check = VantageCheck {
        at: super::now(),
        proxy: proxy.to_string(),
        credentials: up.auth.is_some(),
        tunnel: checked.tunnel,
        echo_url: o.echo_url.clone(),
        exit_address: checked.exit_address,
    };
    Ok((relay, check))
}

/// This run's temporary profile root, after sweeping away the browsers and folders of
/// earlier runs that were killed (the short socket links live in /tmp whatever TMPDIR says).
fn profile_root() -> Result<PathBuf> {
    let tmp = std::env::temp_dir();
    browser::procs::sweep_orphans(&tmp);
    if tmp != Path::new("/tmp") {
        browser::procs::sweep_orphans(Path::new("/tmp"));
    }
    let root = tmp.join(format!(
        "pixelcensus-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&root).with_context(|| format!("creating {}", root.display()))?;
    Ok(root)
}

/// Datasets are written from the store in every case, so an interrupted crawl's CSVs show
/// what it has so far; then the summary, or the error, or the signal's exit status.
fn finish(
    out: &Path,
    plan: &CrawlPlan,
    analyzer: &pixelcensus::analyze::Analyzer,
    result: Ran<Summary, CrawlError>,
    quiet: bool,
) -> Result<ExitCode> {
    let store = Store::open(out)?;
    if result.is_err() {
        // Visits in flight were cut off: back to pending, so the datasets say so.
        store.reset_interrupted()?;
    }
    if let Ok(Ok(summary)) = &result {
        let mut meta = CrawlMeta::read(&store)?;
        meta.finished_at = Some(now());
        meta.browsers_over_time = summary.browsers_over_time.clone();
        meta.write(&store)?;
    }
    let opts = report::ReportOptions {
        all_requests: plan.opts.all_requests,
        rules: plan.opts.rules.clone(),
    };
    let written = report::write_all(&store, out, analyzer, &opts)?;
    ended(result, |summary| {
        if quiet {
            return Ok(());
        }
        print_summary(&summary, plan, &store, out, &written)
    })
}

/// Reads and selects the list (and the shard's part of it), saying what was found.
fn read_targets(list_path: &Path, o: &CrawlOpts, quiet: bool) -> Result<list::ParsedList> {
    let sel = Selection {
        ranks: o.ranks.as_deref().map(list::parse_range).transpose()?,
        limit: o.limit,
        skip_bad_lines: o.skip_bad_lines,
    };
    let mut parsed = list::read_list(list_path, &sel)?;
    if !quiet {
        let dups = if parsed.duplicates > 0 {
            format!(
                "; dropped {} duplicate(s), keeping the best rank",
                parsed.duplicates
            )
        } else {
            String::new()
        };
        let skipped = if parsed.skipped.is_empty() {
            String::new()
        } else {
            format!("; skipped {} malformed line(s)", parsed.skipped.len())
        };
        eprintln!(
            "pixelcensus: {} sites from {} ({} format){dups}{skipped}",
            parsed.targets.len(),
            list_path.display(),
            parsed.format,
        );
    }
    for b in parsed.skipped.iter().take(5) {
        tracing::warn!(
            "{}, line {}: {} (found `{}`)",
            list_path.display(),
            b.line,
            b.reason,
            b.text
        );
    }
    if let Some(shard) = o.shard {
        let all = parsed.targets.len();
        parsed.targets.retain(|t| shard.holds(&t.domain));
        if !quiet {
            eprintln!(
                "pixelcensus: shard {shard}: {} of the {all} sites",
                parsed.targets.len()
            );
        }
    }
    Ok(parsed)
}

/// The end-of-crawl summary on stderr.
fn print_summary(
    summary: &Summary,
    plan: &CrawlPlan,
    store: &Store,
    out: &Path,
    written: &report::Written,
) -> Result<()> {
    let c = &summary.counts;
    let mins = summary.elapsed.as_secs_f64() / 60.0;
    let rate = if mins > 0.0 {
        summary.visited as f64 / mins
    } else {
        0.0
    };
    eprintln!(
        "pixelcensus: visited {} sites in {mins:.1} min ({rate:.1} sites/min); {} of {} sites recorded",
        summary.visited, c.done, c.total
    );
    let outcomes: Vec<String> = c
        .by_outcome
        .iter()
        .map(|(o, n)| format!("{o} {n}"))
        .collect();
    eprintln!("  outcomes: {}", outcomes.join(", "));
    if store.modes()?.len() > 1 {
        eprintln!(
            "  counts are visits: each site is visited once per consent mode (consent.csv has the banners)"
        );
    }
    if plan.browsers.auto && summary.browsers_over_time.len() > 1 {
        let steps: Vec<String> = summary
            .browsers_over_time
            .iter()
            .map(|(t, n)| format!("{n} at {t} s"))
            .collect();
        let peak = summary
            .browsers_over_time
            .iter()
            .map(|x| x.1)
            .max()
            .unwrap_or(0);
        eprintln!("  browsers (auto): {} (peak {peak})", steps.join(", "));
    }
    if summary.browsers_replaced > 0 || summary.driver_restarts > 0 {
        eprintln!(
            "  browsers replaced: {}, chromedriver restarts: {}",
            summary.browsers_replaced, summary.driver_restarts
        );
    }
    eprintln!(
        "  results in {}: {}; store {}",
        out.display(),
        written.describe(),
        pixelcensus::store::STORE_FILE
    );
    Ok(())
}
