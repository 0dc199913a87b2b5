//! `pixelcensus report DIR` and `pixelcensus analyze DIR`: every dataset again from the store.

use super::{analyzer, describe_rows};
use anyhow::Result;
use clap::Args;
use pixelcensus::report;
use pixelcensus::store::Store;
use pixelcensus::store::meta::CrawlMeta;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct AnalyzeArgs {
    /// The crawl folder (holding crawl.sqlite).
    pub dir: PathBuf,
    /// An adblock-syntax filter list (EasyPrivacy, trackerdb.txt…); repeatable. Matches are recorded per request.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Write every request to requests.csv, not only third-party and pixel requests.
    #[arg(long)]
    pub all_requests: bool,
}

#[derive(Args)]
pub struct ReportArgs {
    /// The crawl folder (holding crawl.sqlite).
    pub dir: PathBuf,
    /// An adblock-syntax filter list; repeatable.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Write every request to requests.csv, not only third-party and pixel requests.
    #[arg(long)]
    pub all_requests: bool,
}

/// `report DIR` / `analyze DIR`: every dataset again from the store.
pub fn run(dir: &Path, rules: &[PathBuf], all_requests: bool, quiet: bool) -> Result<ExitCode> {
    let store = Store::open(dir)?;
    let start = std::time::Instant::now();
    if store.counts()?.total == 0 && store.prescan_counts()?.0 > 0 {
        // A prescan-only folder: its files, no empty crawl datasets.
        let _turn = pixelcensus::store::ReportLock::acquire(dir)?;
        let name = CrawlMeta::read(&store)?
            .name
            .unwrap_or_else(|| report::crawl_name(dir));
        let sites = report::prescan::analyse(&store)?;
        let rows = report::prescan::write(&sites, dir, &name)?;
        if !quiet {
            eprintln!(
                "pixelcensus: analysed {} prescanned sites in {:.1} s; wrote into {}: {}",
                sites.len(),
                start.elapsed().as_secs_f64(),
                dir.display(),
                describe_rows(&rows)
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let analyzer = analyzer(rules, quiet)?;
    let opts = report::ReportOptions {
        all_requests,
        rules: rules.to_vec(),
    };
    let w = report::write_all(&store, dir, &analyzer, &opts)?;
    if !quiet {
        eprintln!(
            "pixelcensus: analysed {} visits in {:.1} s; wrote into {}: {}",
            w.visits,
            start.elapsed().as_secs_f64(),
            dir.display(),
            w.describe()
        );
    }
    Ok(ExitCode::SUCCESS)
}
