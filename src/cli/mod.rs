//! The subcommands, one file each: their clap definitions and the short functions that call
//! into the library. Shared here: the command line's shape ([`Cli`], [`Command`]), the
//! output folder of `--out`/`--name`, filter lists, stop signals and exit codes.

mod compare;
mod crawl;
mod demo;
mod merge;
mod prescan;
mod report;
mod resume;
mod testweb;

use anyhow::{Result, bail};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "pixelcensus",
    version = env!("PIXELCENSUS_VERSION"),
    about = "Measure how widespread tracking pixels are and what they take from visitors",
    long_about = "pixelcensus visits every site of a top-site list in real headless Chromium, behaves like a \
visitor (scrolls, types fictitious canary values, runs a search, never submits any other form), records \
every request and cookie into an SQLite store in the output folder, and writes CSV datasets.",
    after_help = "Examples:\n  pixelcensus demo                      crawl the built-in test web (offline) into results/demo\n  \
pixelcensus crawl --list top-1k.csv --out results/2026-12\n  \
pixelcensus crawl --list tranco.csv --ranks 1-500 --browsers 4 --out results/top500\n  \
pixelcensus report results/demo         rewrite the CSVs from the store"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Only print errors (no progress, no summary).
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        help_heading = "Output"
    )]
    pub quiet: bool,
    /// Print more detail (repeat for debug output).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = "Output")]
    pub verbose: u8,
    /// Log lines as text (default) or as JSON objects, one per line, for batch runs.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "text",
        help_heading = "Output"
    )]
    pub log_format: LogFormat,
}

/// `--log-format`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line (`timestamp`, `level`, `fields`, `target`).
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Crawl a top-site list into an output folder (resumes if the folder holds an unfinished crawl).
    #[command(
        after_help = "Examples:\n  pixelcensus crawl --list seeds/demo-sites.csv --out results/demo --host-map 'MAP * 127.0.0.1:8443' --insecure\n  \
pixelcensus crawl --list tranco.csv --limit 1000 --out results/top1k\n  \
pixelcensus crawl --list tranco.csv --out results/top1k --retry-failed\n\n\
Killing a crawl (Ctrl-C, kill, systemctl stop, kill -9) loses nothing: run the same command again to continue.\n\
Exit status: 0 when the crawl ran to the end (failed sites are data), 1 when it could not run, 2 for bad usage,\n\
130 / 143 / 129 when stopped by SIGINT / SIGTERM / SIGHUP."
    )]
    Crawl(crawl::CrawlArgs),
    /// Fetch each site's front page without a browser (reqwest + scraper) and record the
    /// trackers its HTML shows: a fast census of a whole list, beside or before a crawl.
    #[command(
        after_help = "Examples:\n  pixelcensus prescan --list tranco.csv --limit 100000 --out results/2026-12\n  \
pixelcensus prescan --list seeds/demo-sites.csv --out /tmp/pre --host-map 'MAP * 127.0.0.1:8443' --insecure\n\n\
Writes prescan_sites.csv (one row per site) and prescan.csv (one row per site and tracker); beside a browser\n\
crawl of the same folder, `pixelcensus report` adds static_vs_browser.csv. Killed, it resumes like a crawl.\n\
Exit status: 0 when it ran to the end (failed sites are data), 1 when it could not run, 2 for bad usage,\n\
130 / 143 / 129 when stopped by SIGINT / SIGTERM / SIGHUP."
    )]
    Prescan(prescan::PrescanArgs),
    /// Serve the built-in test web and crawl it (offline); results in results/demo.
    #[command(
        after_help = "Examples:\n  pixelcensus demo                          every site of the test web, into results/demo\n  \
pixelcensus demo --dwell 1 --out /tmp/demo  quicker, elsewhere\n  \
pixelcensus demo --consent all             each site three times: banners ignored, accepted, rejected\n\n\
The test web and its site list are built in: demo runs from any folder, offline."
    )]
    Demo(demo::DemoArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout.
    #[command(
        after_help = "Examples:\n  pixelcensus completions bash > ~/.local/share/bash-completion/completions/pixelcensus\n  \
pixelcensus completions zsh > ~/.zfunc/_pixelcensus"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to stdout.
    #[command(
        after_help = "Example:\n  pixelcensus man > ~/.local/share/man/man1/pixelcensus.1 && man pixelcensus"
    )]
    Man,
    /// (internal) A crawl's reaper: waits for its crawl to end, however it ends, then kills
    /// the crawl's browsers and removes their folder.
    #[command(hide = true)]
    Reap {
        /// The crawl's temporary profile root.
        root: PathBuf,
    },
    /// Serve the built-in test web on a loopback port until Ctrl-C.
    Testweb(testweb::TestwebArgs),
    /// Re-run tracker detection over a stored crawl (no recrawl) and write site_trackers.csv.
    #[command(
        after_help = "Example:\n  pixelcensus analyze results/2026-12\n\nBetter decoders in a newer pixelcensus improve old crawls: the raw capture is complete."
    )]
    Analyze(report::AnalyzeArgs),
    /// Compare two crawls: per tracker the share in each and the change, per site the trackers added and dropped.
    #[command(
        after_help = "Example:\n  pixelcensus compare results/2026-11 results/2026-12\n\nWrites compare_trackers.csv, compare_sites.csv and compare.html (into the new crawl's folder unless --out)."
    )]
    Compare(compare::CompareArgs),
    /// Combine the shard folders of one crawl (`crawl --shard K/N`) into one store and write
    /// every dataset from it, as one machine crawling the whole list would have.
    #[command(
        after_help = "Examples:\n  pixelcensus merge --out results/2026-12 results/2026-12-shard1 results/2026-12-shard2 results/2026-12-shard3\n  \
pixelcensus merge --out /tmp/so-far --partial shards/*\n\n\
Refused, naming what differs: folders that are not shards, shards of different crawls (list, --crawl-id,\n\
consent modes, GPC, --pages, --dwell and the other options that change what is measured, pixelcensus's\n\
major version), a shard given twice, a site in two shards, missing or unfinished shards (unless --partial).\n\
The same shards merged again give byte-identical datasets. manifest.json is written last: a folder\n\
without it is not a finished merge."
    )]
    Merge(merge::MergeArgs),
    /// Rewrite every dataset of a crawl folder from its store (same as analyze).
    #[command(after_help = "Examples:\n  pixelcensus report results/2026-12\n  \
pixelcensus report results/2026-12 --rules easyprivacy.txt --all-requests\n\n\
Two runs on the same store write byte-identical files.")]
    Report(report::ReportArgs),
}

/// Runs the command.
pub async fn run(cli: Cli) -> Result<ExitCode> {
    let quiet = cli.quiet;
    match cli.command {
        Command::Crawl(a) => crawl::run(a, quiet).await,
        Command::Prescan(a) => prescan::run(&a, quiet).await,
        Command::Compare(a) => compare::run(a, quiet),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "pixelcensus",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            use anyhow::Context;
            use clap::CommandFactory;
            clap_mangen::Man::new(Cli::command())
                .render(&mut std::io::stdout())
                .context("writing the manual page")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(a) => demo::run(a, quiet).await,
        Command::Testweb(a) => testweb::run(a).await,
        Command::Reap { root } => {
            pixelcensus::browser::procs::reap(&root);
            Ok(ExitCode::SUCCESS)
        }
        Command::Merge(a) => merge::run(a, quiet),
        Command::Analyze(a) => report::run(&a.dir, &a.rules, a.all_requests, quiet),
        Command::Report(a) => report::run(&a.dir, &a.rules, a.all_requests, quiet),
    }
}

/// A mistake in how pixelcensus was called (exit code 2, like clap's own usage errors).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Usage(String);

/// `--name NAME`: a plain folder name under results/, or `auto`.
fn check_name(s: &str) -> Result<String, String> {
    if !s.is_empty() && !s.contains(['/', '\\']) && s != "." && s != ".." {
        Ok(s.to_string())
    } else {
        Err("use a plain folder name (or `auto`), or --out PATH".into())
    }
}

/// The output folder of `--out` or `--name`.
fn crawl_dir(out: Option<PathBuf>, name: Option<&str>) -> Result<PathBuf> {
    match (out, name) {
        (Some(o), _) if o.exists() && !o.is_dir() => Err(Usage(format!(
            "--out {}: that is a file; give a folder (it is created if missing)",
            o.display()
        ))
        .into()),
        (Some(o), _) => Ok(o),
        (None, Some("auto")) => {
            let now = time::OffsetDateTime::now_utc();
            Ok(PathBuf::from(format!(
                "results/{:04}-{:02}",
                now.year(),
                u8::from(now.month())
            )))
        }
        (None, Some(n)) => Ok(PathBuf::from("results").join(n)),
        (None, None) => bail!("give --out PATH or --name NAME"),
    }
}

/// Loads `--rules` lists (once) into the analysis context.
fn analyzer(rules: &[PathBuf], quiet: bool) -> Result<pixelcensus::analyze::Analyzer> {
    if rules.is_empty() {
        return Ok(pixelcensus::analyze::Analyzer::default());
    }
    let r = pixelcensus::analyze::rules::Rules::load(rules)?;
    if !quiet {
        eprintln!("pixelcensus: filter rules: {}", r.describe());
    }
    Ok(pixelcensus::analyze::Analyzer::new(Some(r)))
}

/// Files and their rows for a summary line: `prescan.csv (45 rows), …`.
fn describe_rows(rows: &[(&str, u64)]) -> String {
    rows.iter()
        .map(|(f, n)| format!("{f} ({n} rows)"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A signal that stops a crawl the way Ctrl-C does.
struct StopSignal {
    name: &'static str,
    number: u8,
}

/// Waits for SIGINT (Ctrl-C), SIGTERM (`systemctl stop`, `kill`) or SIGHUP (a closed
/// terminal). The exit code is 128 + the signal's number: 130, 143, 129.
async fn stop_signal() -> StopSignal {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
    ) else {
        tokio::signal::ctrl_c().await.ok();
        return StopSignal {
            name: "SIGINT",
            number: 2,
        };
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => StopSignal { name: "SIGINT", number: 2 },
        _ = term.recv() => StopSignal { name: "SIGTERM", number: 15 },
        _ = hup.recv() => StopSignal { name: "SIGHUP", number: 1 },
    }
}

/// What a stop by signal says, and its exit status (128 + the signal's number).
fn interrupted(sig: &StopSignal) -> ExitCode {
    eprintln!(
        "pixelcensus: interrupted ({}); run the same command again to continue where it stopped",
        sig.name
    );
    ExitCode::from(128 + sig.number)
}

/// What a run that a stop signal may cut short gives.
type Ran<T, E> = Result<Result<T, E>, StopSignal>;

/// How a run ended, as its exit status: the signal's, the error, or success once `done` has
/// reported what the run did.
fn ended<T, E: Into<anyhow::Error>>(
    result: Ran<T, E>,
    done: impl FnOnce(T) -> Result<()>,
) -> Result<ExitCode> {
    match result {
        Err(sig) => Ok(interrupted(&sig)),
        Ok(Err(e)) => Err(e.into()),
        Ok(Ok(summary)) => {
            done(summary)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Now, as RFC 3339.
fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
