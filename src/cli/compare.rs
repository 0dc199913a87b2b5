//! `pixelcensus compare OLD NEW`: per tracker the share in each crawl and the change, per site
//! the trackers added and dropped.

use anyhow::{Context, Result, bail};
use clap::Args;
use pixelcensus::plan::values::value_name;
use pixelcensus::report;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct CompareArgs {
    /// The earlier crawl folder.
    old: PathBuf,
    /// The later crawl folder.
    new: PathBuf,
    /// Compare the visits of this consent mode (crawls made with --consent all have three).
    #[arg(long, value_enum, default_value = "none")]
    mode: ModeArg,
    /// Where to write the comparison (default: the later crawl's folder).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// A single consent mode (`compare --mode`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ModeArg {
    /// Visits that ignored the banner.
    None,
    /// Visits that accepted all.
    Accept,
    /// Visits that rejected all.
    Reject,
}

/// `compare OLD NEW`.
pub fn run(a: CompareArgs, quiet: bool) -> Result<ExitCode> {
    let (old, new) = (&a.old, &a.new);
    for d in [old, new] {
        if !d.is_dir() {
            bail!(
                "{} is not a crawl folder (no such folder); give two folders written by `pixelcensus crawl`",
                d.display()
            );
        }
    }
    let out = a.out.clone().unwrap_or_else(|| new.to_owned());
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let c = report::compare::compare(old, new, &out, &value_name(a.mode))?;
    if let Some(n) = c.depth_note() {
        eprintln!("pixelcensus: warning: {n}");
    }
    if quiet {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "pixelcensus: {} ({}) → {} ({})",
        old.display(),
        c.visitors.0,
        new.display(),
        c.visitors.1
    );
    for ch in c.trackers.iter().filter(|c| c.new != c.old).take(15) {
        eprintln!(
            "  {:<32} {:>6.1} % → {:>6.1} % ({:+.1} points){}",
            ch.tracker,
            ch.old * 100.0,
            ch.new * 100.0,
            (ch.new - ch.old) * 100.0,
            if ch.significant {
                "  outside both 95 % intervals"
            } else {
                ""
            }
        );
    }
    if c.trackers.iter().all(|c| c.new == c.old) {
        eprintln!("  no tracker's share changed");
    }
    eprintln!("  {} sites gained or lost a tracker", c.sites.len());
    if !c.consent.is_empty() {
        eprintln!(
            "  {} sites' consent banner or trackers before the choice differ: {}",
            c.consent.len(),
            c.consent.join(", ")
        );
    }
    eprintln!(
        "  wrote {}, {}, {}",
        out.join("compare_trackers.csv").display(),
        out.join("compare_sites.csv").display(),
        out.join("compare.html").display()
    );
    Ok(ExitCode::SUCCESS)
}
