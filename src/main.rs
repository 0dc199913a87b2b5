//! The pixelcensus command line: clap definitions, calls into the library, errors mapped to
//! exit codes (0: ran to the end; 1: could not run; 2: bad usage; 130, 143, 129: stopped by
//! SIGINT, SIGTERM, SIGHUP).

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use pixelcensus::browser::{self, BrowserConfig};
use pixelcensus::capture::ConsentMode;
use pixelcensus::consent::ConsentConfig;
use pixelcensus::crawl::{self, CrawlConfig, Progress};
use pixelcensus::list::{self, Selection, Shard};
use pixelcensus::store::meta::{CrawlMeta, ListInfo, RunOptions};
use pixelcensus::store::{CrawlLock, Store};
use pixelcensus::visit::VisitConfig;
use pixelcensus::{report, testweb};
use std::ffi::OsStr;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

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
struct Cli {
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
    quiet: bool,
    /// Print more detail (repeat for debug output).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = "Output")]
    verbose: u8,
    /// Log lines as text (default) or as JSON objects, one per line, for batch runs.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "text",
        help_heading = "Output"
    )]
    log_format: LogFormat,
}

/// `--log-format`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
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
    Crawl(CrawlArgs),
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
    Prescan(PrescanArgs),
    /// Serve the built-in test web and crawl it (offline); results in results/demo.
    #[command(
        after_help = "Examples:\n  pixelcensus demo                          every site of the test web, into results/demo\n  \
pixelcensus demo --dwell 1 --out /tmp/demo  quicker, elsewhere\n  \
pixelcensus demo --consent all             each site three times: banners ignored, accepted, rejected\n\n\
The test web and its site list are built in: demo runs from any folder, offline."
    )]
    Demo {
        #[command(flatten)]
        crawl: CrawlOpts,
        /// Output folder.
        #[arg(long, default_value = "results/demo")]
        out: PathBuf,
        /// Another list of test-web sites (default: the built-in list, written into the output
        /// folder as demo-sites.csv).
        #[arg(long)]
        list: Option<PathBuf>,
    },
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
    Testweb {
        /// Port on 127.0.0.1 (0: any free port).
        #[arg(long, default_value_t = 8443)]
        port: u16,
        /// Append every received request to this file as a JSON line.
        #[arg(long)]
        log: Option<PathBuf>,
        /// Print the test web's site list (Tranco format, as in seeds/demo-sites.csv) and exit.
        #[arg(long)]
        print_list: bool,
    },
    /// Re-run tracker detection over a stored crawl (no recrawl) and write site_trackers.csv.
    #[command(
        after_help = "Example:\n  pixelcensus analyze results/2026-12\n\nBetter decoders in a newer pixelcensus improve old crawls: the raw capture is complete."
    )]
    Analyze {
        /// The crawl folder (holding crawl.sqlite).
        dir: PathBuf,
        /// An adblock-syntax filter list (EasyPrivacy, trackerdb.txt…); repeatable. Matches are recorded per request.
        #[arg(long = "rules", value_name = "FILE")]
        rules: Vec<PathBuf>,
        /// Write every request to requests.csv, not only third-party and pixel requests.
        #[arg(long)]
        all_requests: bool,
    },
    /// Compare two crawls: per tracker the share in each and the change, per site the trackers added and dropped.
    #[command(
        after_help = "Example:\n  pixelcensus compare results/2026-11 results/2026-12\n\nWrites compare_trackers.csv, compare_sites.csv and compare.html (into the new crawl's folder unless --out)."
    )]
    Compare {
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
    },
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
    Merge {
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
    },
    /// Rewrite every dataset of a crawl folder from its store (same as analyze).
    #[command(after_help = "Examples:\n  pixelcensus report results/2026-12\n  \
pixelcensus report results/2026-12 --rules easyprivacy.txt --all-requests\n\n\
Two runs on the same store write byte-identical files.")]
    Report {
        /// The crawl folder (holding crawl.sqlite).
        dir: PathBuf,
        /// An adblock-syntax filter list; repeatable.
        #[arg(long = "rules", value_name = "FILE")]
        rules: Vec<PathBuf>,
        /// Write every request to requests.csv, not only third-party and pixel requests.
        #[arg(long)]
        all_requests: bool,
    },
}

#[derive(Args)]
struct CrawlArgs {
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

#[derive(Args)]
struct PrescanArgs {
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

/// `--browsers`: `auto` or a fixed number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Browsers {
    /// Chosen by measurement.
    Auto,
    /// Exactly this many.
    Fixed(usize),
}

fn parse_browsers(s: &str) -> Result<Browsers, String> {
    if s.eq_ignore_ascii_case("auto") {
        return Ok(Browsers::Auto);
    }
    match s.parse::<usize>() {
        Ok(n) if (1..=256).contains(&n) => Ok(Browsers::Fixed(n)),
        _ => Err(format!(
            "`{s}`: give `auto` or a number of browsers from 1 to 256"
        )),
    }
}

/// `--max-memory`: bytes from `6G`, `800M`, `512K` or a plain number of bytes.
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m = match c.to_ascii_uppercase() {
                'K' => 1u64 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                'T' => 1 << 40,
                _ => return Err(format!("`{s}`: a size such as 6G, 800M or 512K")),
            };
            (&t[..i], m)
        }
        _ => (t, 1),
    };
    let n: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("`{s}`: a size such as 6G, 800M or 512K"))?;
    if n <= 0.0 {
        return Err(format!("`{s}`: the size must be above zero"));
    }
    Ok((n * mult as f64) as u64)
}

/// `--ranks A-B`, checked when the options are parsed (a usage error, exit 2).
fn check_ranks(s: &str) -> Result<String, String> {
    list::parse_range(s).map(|_| s.to_string()).map_err(|e| {
        e.to_string()
            .trim_start_matches(&format!("--ranks {s}: "))
            .to_string()
    })
}

/// `--crawl-id ID`: 1 to 100 letters, digits, `.`, `_` or `-`.
fn check_crawl_id(s: &str) -> Result<String, String> {
    let ok = |c: char| c.is_ascii_alphanumeric() || "._-".contains(c);
    if !s.is_empty() && s.len() <= 100 && s.chars().all(ok) {
        Ok(s.to_string())
    } else {
        Err("use 1 to 100 letters, digits, `.`, `_` or `-` (e.g. 2026-12)".into())
    }
}

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

#[derive(Args, Clone)]
struct CrawlOpts {
    /// Visit only the first N sites (after --ranks).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Visit only ranks A to B, inclusive (e.g. 1-1000).
    #[arg(long, value_name = "A-B", value_parser = check_ranks)]
    ranks: Option<String>,
    /// Visit only shard K of N (1 ≤ K ≤ N): the sites whose registrable domain hashes to K,
    /// after --ranks and --limit. The N shards of a list cover it exactly once; run each on its
    /// own machine into its own folder and combine them with `pixelcensus merge`. Needs
    /// --crawl-id, the same for every shard.
    #[arg(long, value_name = "K/N", value_parser = Shard::parse, requires = "crawl_id")]
    shard: Option<Shard>,
    /// The crawl's identity, e.g. `2026-12`: the canary values and internal pages are derived
    /// from it (not from a random secret of the folder), so the shards of one crawl type
    /// values unique per site across all of them; also the `crawl` column of every dataset.
    /// Fixed for a folder. It is a name, not a secret.
    #[arg(long, value_name = "ID", value_parser = check_crawl_id)]
    crawl_id: Option<String>,
    /// Skip malformed list lines with a warning instead of stopping.
    #[arg(long)]
    skip_bad_lines: bool,
    /// Browsers running at once: `auto` (the default) starts with two per core and adds
    /// browsers while the CPU and memory have headroom, removing them when either is short
    /// (bounded by --max-browsers and --max-memory); a number (1 to 256) keeps exactly that
    /// many.
    #[arg(long, value_name = "auto|N", default_value = "auto", value_parser = parse_browsers)]
    browsers: Browsers,
    /// With --browsers auto: the most browsers at once (default: 8 per core).
    #[arg(long, value_name = "N", value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u64).range(1..=256), |n| n as usize))]
    max_browsers: Option<usize>,
    /// With --browsers auto: memory the crawl's processes (pixelcensus, chromedriver, every
    /// Chromium) may use, e.g. `6G` or `800M` (default: half the memory available at the
    /// start). The machine also keeps a tenth of its memory free whatever this says.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_memory: Option<u64>,
    /// Seconds to stay on each page after it loads, and again on search results.
    #[arg(long, value_name = "SECS", default_value = "5", value_parser = parse_wait)]
    dwell: Duration,
    /// Seconds a page may take to load before it is recorded as `timeout` (1 to 600), on
    /// every page of a site. A whole site (its budget) is cut off after page timeout + 2 ×
    /// dwell + consent wait + 20 s, plus page timeout + dwell + 10 s per internal page.
    #[arg(long, value_name = "SECS", default_value = "30", value_parser = parse_budget)]
    page_timeout: Duration,
    /// Pages per site: the front page and up to N - 1 internal pages linked from it (same
    /// site, spread over its sections, chosen from the crawl's secret so a rerun picks the
    /// same ones; never log-out, unsubscribe, download or other sites' links). 1: the front
    /// page only.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
    pages: u32,
    /// Replace each browser after this many sites (state is also cleared between sites).
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    recycle: u32,
    /// Replace a browser whose processes (the browser and its renderers) use more than this
    /// after a visit, e.g. `1G` or `600M`.
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = parse_size)]
    recycle_memory: u64,
    /// Visits of one site that may be started, over all runs of the crawl, without one being
    /// recorded (the crawler was killed during each); then the site is recorded as
    /// `crawler_crash` and the crawl moves on.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    max_attempts: u32,
    /// Seconds any single browser command may take before the browser counts as hung and is replaced.
    #[arg(long, value_name = "SECS", default_value = "30", value_parser = parse_budget)]
    command_timeout: Duration,
    /// Visit again the sites whose recorded outcome is not `ok`.
    #[arg(long)]
    retry_failed: bool,
    /// Only load, dwell and scroll: type nothing and search nothing.
    #[arg(long)]
    no_interact: bool,
    /// Use this WebDriver endpoint (e.g. a Selenium Grid) instead of starting chromedriver.
    #[arg(long, value_name = "URL")]
    webdriver: Option<String>,
    /// Chromium binary (Debian's real binary, not the /usr/bin/chromium wrapper that adds --disable-pings).
    #[arg(long, value_name = "PATH", default_value = browser::DEFAULT_CHROMIUM)]
    chromium: PathBuf,
    /// chromedriver binary.
    #[arg(long, value_name = "PATH", default_value = browser::DEFAULT_CHROMEDRIVER)]
    chromedriver: PathBuf,
    /// Chromium --host-resolver-rules, e.g. 'MAP * 127.0.0.1:8443' to point every host at a local test web.
    #[arg(long, value_name = "RULES")]
    host_map: Option<String>,
    /// Accept any TLS certificate. For test webs only: never use it on a real crawl.
    #[arg(long)]
    insecure: bool,
    /// An adblock-syntax filter list (EasyPrivacy, Ghostery's trackerdb.txt…) to match requests against; repeatable.
    #[arg(long = "rules", value_name = "FILE")]
    rules: Vec<PathBuf>,
    /// Write every request to requests.csv, not only third-party and pixel requests.
    #[arg(long)]
    all_requests: bool,
    /// User-Agent string (default: desktop Chrome of the installed Chromium's version).
    #[arg(long, value_name = "UA")]
    user_agent: Option<String>,
    /// How the visitor answers consent banners: `none` ignores them (they are still found and
    /// recorded), `accept` clicks "accept all", `reject` clicks "reject all", `all` visits each
    /// site once per mode, each visit in a clean browser. A crawl folder may gain modes later.
    #[arg(long, value_enum, value_name = "MODE", default_value = "none")]
    consent: ConsentArg,
    /// Send Global Privacy Control: `Sec-GPC: 1` on every request and
    /// `navigator.globalPrivacyControl = true` before any page script. Fixed for a crawl folder.
    #[arg(long)]
    gpc: bool,
    /// Seconds to look for a consent banner after the page loads before concluding there is
    /// none (modes accept and reject; the time counts toward --dwell).
    #[arg(long, value_name = "SECS", default_value = "4", value_parser = parse_wait)]
    consent_wait: Duration,
}

/// The command-line name of a value (`all`, `reject`, …).
fn value_name(v: impl clap::ValueEnum) -> String {
    v.to_possible_value()
        .map(|p| p.get_name().to_string())
        .unwrap_or_default()
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

/// `--consent` values.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ConsentArg {
    /// Ignore banners (they are still recorded).
    None,
    /// Click "accept all".
    Accept,
    /// Click "reject all".
    Reject,
    /// One visit per mode: none, accept, reject.
    All,
}

impl ConsentArg {
    fn modes(self) -> Vec<ConsentMode> {
        match self {
            ConsentArg::None => vec![ConsentMode::None],
            ConsentArg::Accept => vec![ConsentMode::Accept],
            ConsentArg::Reject => vec![ConsentMode::Reject],
            ConsentArg::All => ConsentMode::ALL.to_vec(),
        }
    }
}

/// Seconds between `min` and `max` (inclusive), as a clap value parser.
fn secs_between(s: &str, min: f64, max: f64) -> Result<Duration, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds (e.g. 2 or 0.5)"))?;
    if !v.is_finite() || v < min || v > max {
        return Err(format!(
            "`{s}`: give between {min} and {max} seconds ({})",
            if max >= 60.0 {
                format!("{} min", max / 60.0)
            } else {
                format!("{max} s")
            }
        ));
    }
    Ok(Duration::from_secs_f64(v))
}

/// Page budget and per-command timeout: 1 s to 10 min.
fn parse_budget(s: &str) -> Result<Duration, String> {
    secs_between(s, 1.0, 600.0)
}

/// Dwell and consent wait: 0 to 10 min.
fn parse_wait(s: &str) -> Result<Duration, String> {
    secs_between(s, 0.0, 600.0)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("PIXELCENSUS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("pixelcensus={level}")));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour only on a terminal: a log file or journald gets no escape codes.
        .with_ansi(std::io::stderr().is_terminal());
    match cli.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("pixelcensus: error: {}", error_text(&e));
            if e.downcast_ref::<Usage>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// A mistake in how pixelcensus was called (exit code 2, like clap's own usage errors).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Usage(String);

/// An error and its causes on one line, each cause once: a cause whose text the message
/// already holds (an OS error that a typed error quotes) is not repeated.
fn error_text(e: &anyhow::Error) -> String {
    let mut msg = String::new();
    for cause in e.chain() {
        let c = cause.to_string();
        if msg.contains(&c) {
            continue;
        }
        if !msg.is_empty() {
            msg.push_str(": ");
        }
        msg.push_str(&c);
    }
    msg
}

async fn run(cli: Cli) -> Result<ExitCode> {
    let quiet = cli.quiet;
    match cli.command {
        Command::Crawl(a) => {
            let out = crawl_dir(a.out, a.name.as_deref())?;
            crawl_cmd(&a.list, &out, a.opts, quiet).await
        }
        Command::Prescan(a) => {
            let out = crawl_dir(Some(a.out.clone()), None)?;
            prescan_cmd(&a, &out, quiet).await
        }
        Command::Compare {
            old,
            new,
            out,
            mode,
        } => compare_cmd(&old, &new, out, mode, quiet),
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
            use clap::CommandFactory;
            clap_mangen::Man::new(Cli::command())
                .render(&mut std::io::stdout())
                .context("writing the manual page")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { crawl, out, list } => {
            let out = crawl_dir(Some(out), None)?;
            let list = match list {
                Some(l) => l,
                None => {
                    std::fs::create_dir_all(&out)
                        .with_context(|| format!("creating output folder {}", out.display()))?;
                    let l = out.join("demo-sites.csv");
                    std::fs::write(&l, testweb::sites::tranco_csv())
                        .with_context(|| format!("writing {}", l.display()))?;
                    l
                }
            };
            let web = testweb::TestWeb::start(0, None)
                .await
                .context("starting the test web")?;
            if !quiet {
                eprintln!(
                    "pixelcensus: test web on 127.0.0.1:{} (every host name maps there)",
                    web.port()
                );
            }
            let mut opts = crawl;
            opts.host_map = Some(web.host_map());
            opts.insecure = true;
            let (chromium, chromedriver) = (opts.chromium.clone(), opts.chromedriver.clone());
            let code = crawl_cmd(&list, &out, opts, quiet).await?;
            web.stop();
            if code == ExitCode::SUCCESS {
                demo_screenshot(&out, &chromium, &chromedriver, quiet).await;
            }
            Ok(code)
        }
        Command::Testweb {
            print_list: true, ..
        } => {
            print!("{}", testweb::sites::tranco_csv());
            Ok(ExitCode::SUCCESS)
        }
        Command::Testweb { port, log, .. } => testweb_cmd(port, log.as_deref()).await,
        Command::Reap { root } => {
            browser::procs::reap(&root);
            Ok(ExitCode::SUCCESS)
        }
        Command::Merge {
            out,
            shards,
            partial,
            rules,
            all_requests,
        } => merge_cmd(&out, &shards, partial, &rules, all_requests, quiet),
        Command::Analyze {
            dir,
            rules,
            all_requests,
        }
        | Command::Report {
            dir,
            rules,
            all_requests,
        } => report_cmd(&dir, &rules, all_requests, quiet),
    }
}

/// `demo`: report.png beside report.html, as the page looks in the browser. A failure is a
/// warning: the datasets and the report are already written.
async fn demo_screenshot(out: &Path, chromium: &Path, chromedriver: &Path, quiet: bool) {
    let page = out.join("report.html");
    let png = out.join("report.png");
    let root = match tempfile::tempdir() {
        Ok(r) => r,
        Err(e) => return eprintln!("pixelcensus: warning: no screenshot of the report: {e}"),
    };
    match browser::snapshot::screenshot(&page, chromium, chromedriver, root.path()).await {
        Ok(bytes) => match std::fs::write(&png, bytes) {
            Ok(()) if !quiet => eprintln!("  screenshot of the report: {}", png.display()),
            Ok(()) => {}
            Err(e) => eprintln!("pixelcensus: warning: writing {}: {e}", png.display()),
        },
        Err(e) => eprintln!("pixelcensus: warning: no screenshot of the report: {e}"),
    }
    browser::procs::kill_under(root.path());
}

/// `compare OLD NEW`.
fn compare_cmd(
    old: &Path,
    new: &Path,
    out: Option<PathBuf>,
    mode: ModeArg,
    quiet: bool,
) -> Result<ExitCode> {
    for d in [old, new] {
        if !d.is_dir() {
            bail!(
                "{} is not a crawl folder (no such folder); give two folders written by `pixelcensus crawl`",
                d.display()
            );
        }
    }
    let out = out.unwrap_or_else(|| new.to_owned());
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let c = report::compare::compare(old, new, &out, &value_name(mode))?;
    if let Some(n) = c.depth_note() {
        eprintln!("pixelcensus: warning: {n}");
    }
    if quiet {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("pixelcensus: {} → {}", old.display(), new.display());
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
    eprintln!(
        "  wrote {}, {}, {}",
        out.join("compare_trackers.csv").display(),
        out.join("compare_sites.csv").display(),
        out.join("compare.html").display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `testweb`: serve until Ctrl-C.
async fn testweb_cmd(port: u16, log: Option<&Path>) -> Result<ExitCode> {
    let web = testweb::TestWeb::start(port, log)
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{port}; pick another --port"))?;
    eprintln!(
        "pixelcensus: test web listening on 127.0.0.1:{} (https and http)",
        web.port()
    );
    eprintln!(
        "crawl it with:\n  pixelcensus crawl --list seeds/demo-sites.csv --out results/demo --insecure --host-map '{}'",
        web.host_map()
    );
    tokio::signal::ctrl_c().await.ok();
    web.stop();
    Ok(ExitCode::SUCCESS)
}

/// `report DIR` / `analyze DIR`: every dataset again from the store.
fn report_cmd(dir: &Path, rules: &[PathBuf], all_requests: bool, quiet: bool) -> Result<ExitCode> {
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

/// `merge`: the shards' stores into one, then every dataset from it.
fn merge_cmd(
    out: &Path,
    shards: &[PathBuf],
    partial: bool,
    rules: &[PathBuf],
    all_requests: bool,
    quiet: bool,
) -> Result<ExitCode> {
    let analyzer = analyzer(rules, quiet)?;
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
        shards,
        out,
        &pixelcensus::merge::MergeOptions { partial },
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
        all_requests,
        rules: rules.to_vec(),
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

/// `prescan`: read the list, open the folder, fetch every pending site, write the prescan's
/// files (and, beside a crawl of the folder, every dataset with static_vs_browser.csv).
async fn prescan_cmd(a: &PrescanArgs, out: &Path, quiet: bool) -> Result<ExitCode> {
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
    let host_map = a
        .host_map
        .as_deref()
        .map(pixelcensus::prescan::fetch::HostMap::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--host-map: {e}"))?;
    let user_agent = a.user_agent.clone().unwrap_or_else(|| {
        browser::chromium_version(Path::new(browser::DEFAULT_CHROMIUM))
            .map(|v| browser::user_agent_for(&v))
            .unwrap_or_else(|_| browser::user_agent_for(browser::FALLBACK_MAJOR))
    });
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
    let cfg = pixelcensus::prescan::PrescanConfig {
        concurrency: a.concurrency,
        fetch: pixelcensus::prescan::fetch::FetchConfig {
            budget: a.page_timeout,
            max_bytes: a.max_page_bytes,
            user_agent,
            insecure: a.insecure,
            host_map,
        },
        progress: if quiet {
            Progress::Quiet
        } else if std::io::stderr().is_terminal() {
            Progress::Bar
        } else {
            Progress::Lines
        },
    };
    let result = tokio::select! {
        r = pixelcensus::prescan::run(store, cfg) => Ok(r),
        sig = stop_signal() => Err(sig),
    };
    let store = Store::open(out)?;
    if result.is_err() {
        store.reset_prescan_interrupted()?;
    }
    // The files, from the store in every case.
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
    match result {
        Err(sig) => Ok(interrupted(&sig)),
        Ok(Err(e)) => Err(e.into()),
        Ok(Ok(s)) => {
            if !quiet {
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
            Ok(ExitCode::SUCCESS)
        }
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

/// Files and their rows for a summary line: `prescan.csv (45 rows), …`.
fn describe_rows(rows: &[(&str, u64)]) -> String {
    rows.iter()
        .map(|(f, n)| format!("{f} ({n} rows)"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `crawl` (and `demo`): read the list, open the folder, run the crawl, write the datasets.
async fn crawl_cmd(
    list_path: &Path,
    out: &Path,
    mut o: CrawlOpts,
    quiet: bool,
) -> Result<ExitCode> {
    let mut parsed = read_targets(list_path, &o, quiet)?;
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
    // Filter lists and the browser's version are checked before anything is opened.
    let analyzer = analyzer(&o.rules, quiet)?;
    let versions = browser::Versions::detect(
        &o.chromium,
        &o.chromedriver,
        o.webdriver.is_some(),
        o.user_agent.as_deref(),
    )?;
    if let (Some(url), Browsers::Auto) = (&o.webdriver, o.browsers) {
        // The browsers run elsewhere: this machine's load says nothing about them. As many as
        // the Grid has Chrome slots (one per core when the endpoint is no Grid).
        let n = browser::driver::grid_slots(url)
            .await
            .filter(|n| *n > 0)
            .unwrap_or_else(cores)
            .min(256);
        if !quiet {
            eprintln!(
                "pixelcensus: --webdriver {url}: {n} browser(s) at once (the Grid's Chrome slots, or one per core); --browsers N sets it"
            );
        }
        o.browsers = Browsers::Fixed(n);
    }
    std::fs::create_dir_all(out)
        .with_context(|| format!("creating output folder {}", out.display()))?;
    let _lock = CrawlLock::acquire(out)?;
    let mut store = Store::create(out)?;
    if !record_meta(&mut store, list_path, &parsed, &o, &versions, out, quiet)? {
        return Ok(ExitCode::SUCCESS);
    }

    let tmp = std::env::temp_dir();
    // Browsers and folders of earlier runs that were killed (the short socket links live in
    // /tmp whatever TMPDIR says).
    browser::procs::sweep_orphans(&tmp);
    if tmp != Path::new("/tmp") {
        browser::procs::sweep_orphans(Path::new("/tmp"));
    }
    let profile_root = tmp.join(format!(
        "pixelcensus-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&profile_root)
        .with_context(|| format!("creating {}", profile_root.display()))?;
    // The browsers die with this process, however it ends (kill -9 included).
    let reaper = browser::procs::spawn_reaper(&[OsStr::new("reap"), profile_root.as_os_str()]);
    if let Err(e) = &reaper {
        tracing::warn!(error = %e, "no reaper: browsers may outlive a killed crawl until the next one");
    }
    let cfg = crawl_config(out, &o, versions.user_agent, &profile_root, quiet);
    let result = tokio::select! {
        r = crawl::run(store, cfg) => Ok(r),
        sig = stop_signal() => Err(sig),
    };
    browser::procs::remove_run(&profile_root);
    drop(reaper);

    // Datasets are written from the store in every case, so an interrupted crawl's CSVs show
    // what it has so far.
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
        all_requests: o.all_requests,
        rules: o.rules.clone(),
    };
    let written = report::write_all(&store, out, &analyzer, &opts)?;
    match result {
        Err(sig) => Ok(interrupted(&sig)),
        Ok(Err(e)) => Err(e.into()),
        Ok(Ok(summary)) => {
            if !quiet {
                print_summary(&summary, &store, out, &written)?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Checks the folder's GPC setting, fills the frontier and records how this run crawls.
/// Returns false when the crawl is already complete (nothing to visit; nothing written).
fn record_meta(
    store: &mut Store,
    list_path: &Path,
    parsed: &list::ParsedList,
    o: &CrawlOpts,
    versions: &browser::Versions,
    out: &Path,
    quiet: bool,
) -> Result<bool> {
    let mut meta = CrawlMeta::read(store)?;
    check_gpc(&meta, o.gpc, out)?;
    check_identity(&meta, o, out)?;
    if let Some(id) = &o.crawl_id
        && meta.crawl_id.is_none()
    {
        store.set_secret(&pixelcensus::canary::identity_secret(id))?;
        meta.crawl_id = Some(id.clone());
    }
    meta.shard = o.shard;
    let counts = open_frontier(store, parsed, o, out, quiet)?;
    if let Some(finished) = &meta.finished_at
        && counts.total > 0
        && counts.done == counts.total
        && datasets_present(out)
    {
        // A finished crawl run again (a daily timer): nothing to visit, nothing rewritten.
        if !quiet {
            eprintln!(
                "pixelcensus: {} is complete: {} of {} sites recorded, finished {finished}; nothing to do",
                out.display(),
                counts.done,
                counts.total
            );
        }
        return Ok(false);
    }
    meta.list = ListInfo {
        file: Some(list_path.display().to_string()),
        format: Some(parsed.format.to_string()),
        ..Default::default()
    };
    if let Some((bytes, sha)) = report::manifest::file_sha256(list_path) {
        (meta.list.bytes, meta.list.sha256) = (Some(bytes), Some(sha));
    }
    meta.options = Some(run_options(o));
    meta.gpc = Some(o.gpc);
    meta.chromium_version = Some(versions.chromium.clone()).filter(|v| !v.is_empty());
    meta.chromedriver_version = Some(versions.chromedriver.clone()).filter(|v| !v.is_empty());
    meta.disguise = Some(browser::DISGUISE.iter().map(|s| s.to_string()).collect());
    meta.started_at.get_or_insert_with(now);
    meta.name.get_or_insert_with(|| {
        o.crawl_id
            .clone()
            .unwrap_or_else(|| report::crawl_name(out))
    });
    meta.pixelcensus_version
        .get_or_insert_with(|| report::manifest::version().0.to_string());
    meta.write(store)?;
    Ok(true)
}

/// Every file the report writes is in `out` (a finished crawl whose report was cut short
/// writes them again).
fn datasets_present(out: &Path) -> bool {
    report::datasets::files()
        .iter()
        .map(String::as_str)
        .chain(report::OTHER_FILES)
        .all(|f| out.join(f).is_file())
}

/// Reads and selects the list, saying what was found.
fn read_targets(list_path: &Path, o: &CrawlOpts, quiet: bool) -> Result<list::ParsedList> {
    let sel = Selection {
        ranks: o.ranks.as_deref().map(list::parse_range).transpose()?,
        limit: o.limit,
        skip_bad_lines: o.skip_bad_lines,
    };
    let parsed = list::read_list(list_path, &sel)?;
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
    Ok(parsed)
}

/// A folder keeps its crawl identity (`--crawl-id`) and its shard: resuming it as another
/// crawl or another part of the list would mix two samples in one store.
fn check_identity(meta: &CrawlMeta, o: &CrawlOpts, out: &Path) -> Result<()> {
    let started = meta.started_at.is_some();
    let dir = out.display();
    match (&meta.crawl_id, &o.crawl_id) {
        (Some(was), Some(now)) if was != now => bail!(
            "{dir} is crawl `{was}`; resume it with --crawl-id {was}, or crawl `{now}` into a new --out"
        ),
        (None, Some(now)) if started => bail!(
            "{dir} was started without --crawl-id (its canary values come from its own secret); resume it without --crawl-id, or crawl `{now}` into a new --out"
        ),
        _ => {}
    }
    if started && meta.shard != o.shard {
        let part = |s: Option<list::Shard>| match s {
            Some(s) => format!("shard {s}"),
            None => "the whole list".to_string(),
        };
        let flag = match meta.shard {
            Some(s) => format!("--shard {s}"),
            None => "no --shard".to_string(),
        };
        bail!(
            "{dir} holds {} of its list; resume it with {flag}, or crawl {} into a new --out",
            part(meta.shard),
            part(o.shard)
        );
    }
    Ok(())
}

/// A folder crawled with or without GPC keeps that setting.
fn check_gpc(meta: &CrawlMeta, gpc: bool, out: &Path) -> Result<()> {
    match meta.gpc {
        Some(g) if g != gpc => {
            let with = if g { "with" } else { "without" };
            bail!(
                "{} was crawled {with} Global Privacy Control; resume it {with} --gpc, or crawl into a new --out to compare the two",
                out.display()
            )
        }
        _ => Ok(()),
    }
}

/// Adds the list's sites to the frontier, puts interrupted (and with `--retry-failed`, failed)
/// visits back, and says what a resumed crawl will do.
fn open_frontier(
    store: &mut Store,
    parsed: &list::ParsedList,
    o: &CrawlOpts,
    out: &Path,
    quiet: bool,
) -> Result<pixelcensus::store::Counts> {
    store.add_targets(&parsed.targets, &o.consent.modes())?;
    let interrupted = store.reset_interrupted()?;
    let retried = if o.retry_failed {
        store.reset_failed()?
    } else {
        0
    };
    let before = store.counts()?;
    if !quiet && before.done > 0 {
        let mut extra = String::new();
        if interrupted > 0 {
            extra.push_str(&format!(
                ", {interrupted} interrupted visit(s) will be redone"
            ));
        }
        if retried > 0 {
            extra.push_str(&format!(", {retried} failed site(s) will be retried"));
        }
        eprintln!(
            "pixelcensus: resuming {}: {} of {} sites already recorded{extra}",
            out.display(),
            before.done,
            before.total,
        );
    }
    Ok(before)
}

/// The options as the manifest records them.
fn run_options(o: &CrawlOpts) -> RunOptions {
    RunOptions {
        browsers: match o.browsers {
            Browsers::Fixed(n) => Some(n),
            Browsers::Auto => None,
        },
        browsers_auto: o.browsers == Browsers::Auto,
        max_browsers: (o.browsers == Browsers::Auto).then(|| max_browsers(o)),
        dwell_s: o.dwell.as_secs_f64(),
        page_timeout_s: o.page_timeout.as_secs_f64(),
        command_timeout_s: o.command_timeout.as_secs_f64(),
        recycle: o.recycle,
        max_attempts: o.max_attempts,
        interact: !o.no_interact,
        pages: o.pages,
        limit: o.limit,
        ranks: o.ranks.clone(),
        skip_bad_lines: o.skip_bad_lines,
        webdriver: o.webdriver.is_some(),
        host_map: o.host_map.clone(),
        insecure: o.insecure,
        user_agent: o.user_agent.clone(),
        rules: o.rules.iter().map(|p| p.display().to_string()).collect(),
        consent: value_name(o.consent),
        gpc: o.gpc,
        consent_wait_s: o.consent_wait.as_secs_f64(),
    }
}

/// Browsers at once: `--browsers`, else the number of cores.
fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
}

/// The most browsers: the fixed number, or --max-browsers (8 per core).
fn max_browsers(o: &CrawlOpts) -> usize {
    match o.browsers {
        Browsers::Fixed(n) => n,
        Browsers::Auto => o.max_browsers.unwrap_or(8 * cores()).max(1),
    }
}

/// --browsers auto: where the controller starts (two per core: a visit mostly waits) and its
/// bounds.
fn auto_browsers(o: &CrawlOpts) -> Option<(usize, pixelcensus::tune::Limits)> {
    if o.browsers != Browsers::Auto {
        return None;
    }
    let (available, total) = pixelcensus::tune::meminfo().unwrap_or((8 << 30, 16 << 30));
    let max = max_browsers(o);
    Some((
        (2 * cores()).min(max),
        pixelcensus::tune::Limits {
            max,
            memory_budget: o.max_memory.unwrap_or(available / 2),
            reserve: total / 10,
        },
    ))
}

/// The crawler's configuration from the options.
fn crawl_config(
    out: &Path,
    o: &CrawlOpts,
    user_agent: String,
    profile_root: &Path,
    quiet: bool,
) -> CrawlConfig {
    let progress = if quiet {
        Progress::Quiet
    } else if std::io::stderr().is_terminal() {
        Progress::Bar
    } else {
        Progress::Lines
    };
    CrawlConfig {
        out: out.to_owned(),
        browsers: max_browsers(o),
        auto: auto_browsers(o),
        recycle: o.recycle,
        recycle_memory: o.recycle_memory,
        max_attempts: o.max_attempts,
        visit: VisitConfig {
            page_timeout: o.page_timeout,
            dwell: o.dwell,
            interact: !o.no_interact,
            pages: o.pages,
            consent: ConsentConfig {
                gpc: o.gpc,
                wait: o.consent_wait,
            },
        },
        browser: BrowserConfig {
            chromium: o.chromium.clone(),
            chromedriver: o.chromedriver.clone(),
            webdriver: o.webdriver.clone(),
            host_map: o.host_map.clone(),
            insecure: o.insecure,
            user_agent,
            command_timeout: o.command_timeout,
            profile_root: profile_root.to_owned(),
        },
        progress,
        name: report::crawl_name(out),
    }
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

/// The end-of-crawl summary on stderr.
fn print_summary(
    summary: &crawl::Summary,
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
    if summary.browsers_over_time.len() > 1 {
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

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_and_sizes_parse_or_say_what_is_expected() {
        assert_eq!(parse_browsers("auto"), Ok(Browsers::Auto));
        assert_eq!(parse_browsers("AUTO"), Ok(Browsers::Auto));
        assert_eq!(parse_browsers("12"), Ok(Browsers::Fixed(12)));
        assert!(parse_browsers("0").unwrap_err().contains("from 1 to 256"));
        assert!(parse_browsers("many").is_err());
        assert_eq!(parse_size("6G"), Ok(6 << 30));
        assert_eq!(parse_size("800M"), Ok(800 << 20));
        assert_eq!(parse_size("1.5g"), Ok(3 << 29));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("12Q").unwrap_err().contains("6G"));
        assert!(parse_size("0M").is_err());
    }
}
