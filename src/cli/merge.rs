//! `pixelcensus merge`: the shards' stores into one, then every dataset from it.

use super::analyzer;
use anyhow::Result;
use clap::Args;
use pixelcensus::report;
use pixelcensus::store::Store;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct MergeArgs {
    /// The merged crawl's folder (created; a folder holding an earlier merge is replaced).
    #[arg(long)]
    out: PathBuf,
    /// The shards' folders, in any order.
    #[arg(value_name = "SHARD_DIR", required = true)]
    shards: Vec<PathBuf>,
    /// Merge even when shards are missing or unfinished (their sites are absent or
    /// counted as pending).
    #[arg(long)]
    partial: bool,
    /// An adblock-syntax filter list; repeatable.
    #[arg(long = "rules", value_name = "FILE")]
    rules: Vec<PathBuf>,
    /// Write every request to requests.csv, not only third-party and pixel requests.
    #[arg(long)]
    all_requests: bool,
}

/// `merge`: the shards' stores into one, then every dataset from it.
pub fn run(a: MergeArgs, quiet: bool) -> Result<ExitCode> {
    let out = &a.out;
    let analyzer = analyzer(&a.rules, quiet)?;
    let start = std::time::Instant::now();
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template("merging {pos}/{len} visits {wide_bar} {eta}")
                .expect("a fixed template"),
        );
        b
    });
    let merged = pixelcensus::merge::merge(
        &a.shards,
        out,
        &pixelcensus::merge::MergeOptions { partial: a.partial },
        |done, total| {
            if let Some(b) = &bar {
                b.set_length(total);
                b.set_position(done);
            }
        },
    )?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let copied = start.elapsed();
    let store = Store::open(out)?;
    let opts = report::ReportOptions {
        all_requests: a.all_requests,
        rules: a.rules.clone(),
    };
    let w = report::write_all(&store, out, &analyzer, &opts)?;
    if !quiet {
        let list: Vec<String> = merged
            .shards
            .iter()
            .map(|s| {
                let k = s.shard.map(|s| s.to_string()).unwrap_or_default();
                format!("{k} ({}: {} of {} targets)", s.folder, s.visits, s.targets)
            })
            .collect();
        eprintln!(
            "pixelcensus: merged {} shard(s) into {}: {}; {} targets, {} visits in {:.1} s; report in {:.1} s",
            merged.shards.len(),
            out.display(),
            list.join(", "),
            merged.targets,
            merged.visits,
            copied.as_secs_f64(),
            (start.elapsed() - copied).as_secs_f64()
        );
        eprintln!("  wrote: {}", w.describe());
    }
    Ok(ExitCode::SUCCESS)
}
