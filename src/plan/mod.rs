//! The crawl plan (model: ripgrep's low-level → high-level arguments): the crawl's options as
//! given ([`CrawlOpts`], parsed by clap) and what the machine decides about them (how many
//! browsers, the auto controller's bounds: [`BrowserPlan`]), built once by
//! [`CrawlPlan::new`]. The plan is what the crawl runs (`crawl::CrawlConfig` is derived from
//! it), what the store records (`CrawlMeta::options`, shown in manifest.json under
//! `options`), and what `merge` compares to know shards are one crawl.
//!
//! A new crawl option is one field in [`CrawlOpts`] with its clap line; it is recorded as it
//! is named unless marked `#[serde(skip)]` (options that do not shape what is measured, or
//! that the store records elsewhere). Stores made before the plan read into it: the recorded
//! names and values are those of the old `RunOptions`.

pub mod values;

use crate::browser::device::{self, Device};
use crate::browser::{self, BrowserConfig};
use crate::list::Shard;
use crate::tune::Limits;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;
pub use values::{Browsers, ConsentArg};
use values::{
    check_crawl_id, check_ranks, negated, parse_browsers, parse_budget, parse_size, parse_wait,
    secs, shown_paths,
};

/// The vantage of crawls recorded before `--vantage`.
fn local() -> String {
    "local".into()
}

/// The crawl's options as given (`crawl` and `demo`). Recorded fields keep the names the
/// store has always used (`dwell_s`, `interact`, …).
#[derive(clap::Args, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CrawlOpts {
    /// Visit only the first N sites (after --ranks).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Visit only ranks A to B, inclusive (e.g. 1-1000).
    #[arg(long, value_name = "A-B", value_parser = check_ranks)]
    pub ranks: Option<String>,
    /// Visit only shard K of N (1 ≤ K ≤ N): the sites whose registrable domain hashes to K,
    /// after --ranks and --limit. The N shards of a list cover it exactly once; run each on its
    /// own machine into its own folder and combine them with `pixelcensus merge`. Needs
    /// --crawl-id, the same for every shard.
    #[arg(long, value_name = "K/N", value_parser = Shard::parse, requires = "crawl_id")]
    #[serde(skip)]
    pub shard: Option<Shard>,
    /// The crawl's identity, e.g. `2026-12`: the canary values and internal pages are derived
    /// from it (not from a random secret of the folder), so the shards of one crawl type
    /// values unique per site across all of them; also the `crawl` column of every dataset.
    /// Fixed for a folder. It is a name, not a secret.
    #[arg(long, value_name = "ID", value_parser = check_crawl_id)]
    #[serde(skip)]
    pub crawl_id: Option<String>,
    /// Skip malformed list lines with a warning instead of stopping.
    #[arg(long)]
    pub skip_bad_lines: bool,
    /// Browsers running at once: `auto` (the default) starts with two per core and adds
    /// browsers while the CPU and memory have headroom, removing them when either is short
    /// (bounded by --max-browsers and --max-memory); a number (1 to 256) keeps exactly that
    /// many.
    #[arg(long, value_name = "auto|N", default_value = "auto", value_parser = parse_browsers)]
    #[serde(skip)]
    pub browsers: Browsers,
    /// With --browsers auto: the most browsers at once (default: 8 per core).
    #[arg(long, value_name = "N", value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u64).range(1..=256), |n| n as usize))]
    #[serde(skip)]
    pub max_browsers: Option<usize>,
    /// With --browsers auto: memory the crawl's processes (pixelcensus, chromedriver, every
    /// Chromium) may use, e.g. `6G` or `800M` (default: half the memory available at the
    /// start). The machine also keeps a tenth of its memory free whatever this says.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    #[serde(skip)]
    pub max_memory: Option<u64>,
    /// Seconds to stay on each page after it loads, and again on search results.
    #[arg(long, value_name = "SECS", default_value = "5", value_parser = parse_wait)]
    #[serde(rename = "dwell_s", with = "secs")]
    pub dwell: Duration,
    /// Seconds a page may take to load before it is recorded as `timeout` (1 to 600), on
    /// every page of a site. A whole site (its budget) is cut off after page timeout + 2 ×
    /// dwell + consent wait + 20 s, plus page timeout + dwell + 10 s per internal page.
    #[arg(long, value_name = "SECS", default_value = "30", value_parser = parse_budget)]
    #[serde(rename = "page_timeout_s", with = "secs")]
    pub page_timeout: Duration,
    /// Pages per site: the front page and up to N - 1 internal pages linked from it (same
    /// site, spread over its sections, chosen from the crawl's secret so a rerun picks the
    /// same ones; never log-out, unsubscribe, download or other sites' links). 1: the front
    /// page only.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
    #[serde(default = "front_page_only")]
    pub pages: u32,
    /// Replace each browser after this many sites (state is also cleared between sites).
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    pub recycle: u32,
    /// Replace a browser whose processes (the browser and its renderers) use more than this
    /// after a visit, e.g. `1G` or `600M`.
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = parse_size)]
    #[serde(skip)]
    pub recycle_memory: u64,
    /// Visits of one site that may be started, over all runs of the crawl, without one being
    /// recorded (the crawler was killed during each); then the site is recorded as
    /// `crawler_crash` and the crawl moves on.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    #[serde(default)]
    pub max_attempts: u32,
    /// Seconds any single browser command may take before the browser counts as hung and is replaced.
    #[arg(long, value_name = "SECS", default_value = "30", value_parser = parse_budget)]
    #[serde(rename = "command_timeout_s", with = "secs")]
    pub command_timeout: Duration,
    /// Visit again the sites whose recorded outcome is not `ok`.
    #[arg(long)]
    #[serde(skip)]
    pub retry_failed: bool,
    /// Only load, dwell and scroll: type nothing and search nothing.
    #[arg(long)]
    #[serde(rename = "interact", with = "negated")]
    pub no_interact: bool,
    /// Do not watch what the page's scripts do (fingerprinting, listeners, session
    /// recorders: fingerprinting.csv, listeners.csv and techniques.csv stay empty). The hooks
    /// cost little CPU and pages cannot find them; turn them off to measure that, or to crawl
    /// exactly as before #41.
    #[arg(long)]
    #[serde(rename = "script_hooks", with = "negated", default)]
    pub no_script_hooks: bool,
    /// Use this WebDriver endpoint (e.g. a Selenium Grid) instead of starting chromedriver.
    #[arg(long, value_name = "URL")]
    #[serde(skip)]
    pub webdriver: Option<String>,
    /// Chromium binary (Debian's real binary, not the /usr/bin/chromium wrapper that adds --disable-pings).
    #[arg(long, value_name = "PATH", default_value = browser::DEFAULT_CHROMIUM)]
    #[serde(skip)]
    pub chromium: PathBuf,
    /// chromedriver binary.
    #[arg(long, value_name = "PATH", default_value = browser::DEFAULT_CHROMEDRIVER)]
    #[serde(skip)]
    pub chromedriver: PathBuf,
    /// Chromium --host-resolver-rules, e.g. 'MAP * 127.0.0.1:8443' to point every host at a local test web.
    #[arg(long, value_name = "RULES")]
    pub host_map: Option<String>,
    /// Accept any TLS certificate. For test webs only: never use it on a real crawl.
    #[arg(long)]
    pub insecure: bool,
    /// An adblock-syntax filter list (EasyPrivacy, Ghostery's trackerdb.txt…) to match requests against; repeatable.
    #[arg(long = "rules", value_name = "FILE")]
    #[serde(with = "shown_paths")]
    pub rules: Vec<PathBuf>,
    /// Write every request to requests.csv, not only third-party and pixel requests.
    #[arg(long)]
    #[serde(skip)]
    pub all_requests: bool,
    /// User-Agent string (default: Chrome of the installed Chromium's version on --device).
    #[arg(long, value_name = "UA")]
    pub user_agent: Option<String>,
    /// The visitor's device: `desktop` (Chrome on a Linux desktop) or `mobile` (Chrome on a
    /// Pixel 7 phone: its screen, touch, User-Agent and client hints). One per crawl folder.
    #[arg(long, value_enum, value_name = "DEVICE", default_value = "desktop")]
    #[serde(default)]
    pub device: Device,
    /// The visitor's locale, a BCP 47 tag such as de-DE: Accept-Language,
    /// navigator.language(s) and Intl agree (default: Chromium's en-US).
    #[arg(long, value_name = "TAG", value_parser = device::check_locale)]
    #[serde(default)]
    pub locale: Option<String>,
    /// The visitor's time zone, an IANA name such as Europe/Berlin (default: the machine's).
    #[arg(long, value_name = "ZONE", value_parser = device::check_timezone)]
    #[serde(default)]
    pub timezone: Option<String>,
    /// The visitor's position, `LAT,LON` in degrees (e.g. 52.52,13.405): every site may read
    /// it (the geolocation permission granted). Without it the permission stays unanswered,
    /// as for a visitor who never clicked the prompt.
    #[arg(long, value_name = "LAT,LON", value_parser = device::check_geolocation, allow_hyphen_values = true)]
    #[serde(default)]
    pub geolocation: Option<String>,
    /// Where the crawl comes from, as a name for the data (e.g. eu-de, us-ca): the `vantage`
    /// column of every dataset, so crawls from several places can be told apart and compared.
    /// One per crawl folder.
    #[arg(long, value_name = "NAME", default_value = "local", value_parser = device::check_vantage)]
    #[serde(default = "local")]
    pub vantage: String,
    /// Crawl through this proxy: socks5://HOST:PORT (socks5h:// is the same: host names go to
    /// the proxy, none is resolved here) or http://HOST:PORT (CONNECT). Credentials, when the
    /// proxy wants them, come from the environment (--proxy-auth-env), never from here.
    /// Checked before the first visit; if it stops working the crawl stops, keeping what was
    /// recorded through it and leaving the rest pending. Needs --vantage; recorded (without
    /// credentials) in manifest.json under `vantage`.
    #[arg(long, value_name = "URL", value_parser = browser::proxy::ProxyParser, conflicts_with = "host_map")]
    #[serde(skip)]
    pub proxy: Option<String>,
    /// The environment variable holding the proxy's `user:password`.
    #[arg(long, value_name = "VAR", default_value = browser::proxy::DEFAULT_AUTH_ENV, value_parser = browser::proxy::check_env_name, requires = "proxy")]
    #[serde(skip)]
    pub proxy_auth_env: String,
    /// With --proxy: fetch this URL through the proxy before the first visit and record its
    /// answer's first line as the exit address (an address-echo service of your own).
    #[arg(long, value_name = "URL", requires = "proxy")]
    #[serde(skip)]
    pub echo_url: Option<String>,
    /// How the visitor answers consent banners: `none` ignores them (they are still found and
    /// recorded), `accept` clicks "accept all", `reject` clicks "reject all", `all` visits each
    /// site once per mode, each visit in a clean browser. A crawl folder may gain modes later.
    #[arg(long, value_enum, value_name = "MODE", default_value = "none")]
    pub consent: ConsentArg,
    /// Send Global Privacy Control: `Sec-GPC: 1` on every request and
    /// `navigator.globalPrivacyControl = true` before any page script. Fixed for a crawl folder.
    #[arg(long)]
    pub gpc: bool,
    /// Seconds to look for a consent banner after the page loads before concluding there is
    /// none (modes accept and reject; the time counts toward --dwell).
    #[arg(long, value_name = "SECS", default_value = "4", value_parser = parse_wait)]
    #[serde(rename = "consent_wait_s", with = "secs")]
    pub consent_wait: Duration,
}

/// Stores made before `--pages` visited the front page only.
fn front_page_only() -> u32 {
    1
}

/// What the crawl learns of the machine before it plans: cores, memory, a Grid's slots.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Machine {
    /// Cores this process may use.
    pub cores: usize,
    /// (available, total) memory, bytes.
    pub memory: (u64, u64),
    /// With `--webdriver` and `--browsers auto`: the endpoint's Chrome slots (None: not a
    /// Grid, or not asked).
    pub grid_slots: Option<usize>,
}

impl Machine {
    /// Measures this machine (and asks a `--webdriver` Grid for its slots when the number of
    /// browsers is left to pixelcensus).
    pub async fn measure(opts: &CrawlOpts) -> Machine {
        let grid_slots = match (&opts.webdriver, opts.browsers) {
            (Some(url), Browsers::Auto) => browser::driver::grid_slots(url).await,
            _ => None,
        };
        Machine {
            cores: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            memory: crate::tune::meminfo().unwrap_or((8 << 30, 16 << 30)),
            grid_slots,
        }
    }
}

/// How many browsers the crawl runs, decided once. The first four fields are recorded
/// (`browsers`, `browsers_auto`, `max_browsers`, `webdriver`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BrowserPlan {
    /// A fixed number (`--browsers N`, or a Grid's slots; None: `auto`, or one per core in
    /// crawls made before it).
    #[serde(rename = "browsers")]
    pub fixed: Option<usize>,
    /// Chosen by the controller (`--browsers auto`).
    #[serde(default, rename = "browsers_auto")]
    pub auto: bool,
    /// With `auto`: the most at once (`--max-browsers`, default 8 per core).
    #[serde(default, rename = "max_browsers")]
    pub max: Option<usize>,
    /// The browsers run behind `--webdriver`.
    pub webdriver: bool,
    /// Workers (browsers at most).
    #[serde(skip)]
    pub workers: usize,
    /// With `auto`: where the controller starts and its bounds.
    #[serde(skip)]
    pub controller: Option<(usize, Limits)>,
    /// The number came from a `--webdriver` Grid's Chrome slots (or one per core).
    #[serde(skip)]
    pub from_grid: bool,
}

impl BrowserPlan {
    /// `--browsers`, `--max-browsers`, `--max-memory` and `--webdriver` on this machine.
    pub fn new(o: &CrawlOpts, m: &Machine) -> BrowserPlan {
        let webdriver = o.webdriver.is_some();
        let n = match (o.browsers, webdriver) {
            (Browsers::Fixed(n), _) => n,
            // The browsers run elsewhere: this machine's load says nothing about them. As
            // many as the Grid has Chrome slots (one per core when the endpoint is no Grid).
            (Browsers::Auto, true) => {
                let n = m.grid_slots.filter(|n| *n > 0).unwrap_or(m.cores).min(256);
                return BrowserPlan {
                    from_grid: true,
                    ..BrowserPlan::fixed(n, webdriver)
                };
            }
            (Browsers::Auto, false) => return BrowserPlan::auto(o, m),
        };
        BrowserPlan::fixed(n, webdriver)
    }

    fn fixed(n: usize, webdriver: bool) -> BrowserPlan {
        BrowserPlan {
            fixed: Some(n),
            webdriver,
            workers: n,
            ..BrowserPlan::default()
        }
    }

    /// `auto`: the controller starts at two per core (a visit mostly waits) within its bounds.
    fn auto(o: &CrawlOpts, m: &Machine) -> BrowserPlan {
        let max = o.max_browsers.unwrap_or(8 * m.cores).max(1);
        let (available, total) = m.memory;
        let limits = Limits {
            max,
            memory_budget: o.max_memory.unwrap_or(available / 2),
            reserve: total / 10,
        };
        BrowserPlan {
            fixed: None,
            auto: true,
            max: Some(max),
            webdriver: false,
            workers: max,
            controller: Some(((2 * m.cores).min(max), limits)),
            from_grid: false,
        }
    }
}

/// The crawl as it runs and as the store records it: the options and the browsers decided
/// for this machine.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CrawlPlan {
    /// The options as given.
    #[serde(flatten)]
    pub opts: CrawlOpts,
    /// The browsers.
    #[serde(flatten)]
    pub browsers: BrowserPlan,
}

impl CrawlPlan {
    /// The plan for these options on this machine.
    pub fn new(opts: CrawlOpts, machine: &Machine) -> CrawlPlan {
        let browsers = BrowserPlan::new(&opts, machine);
        CrawlPlan { opts, browsers }
    }

    /// How each site is visited.
    pub fn visit(&self) -> crate::visit::VisitConfig {
        let o = &self.opts;
        crate::visit::VisitConfig {
            page_timeout: o.page_timeout,
            dwell: o.dwell,
            interact: !o.no_interact,
            script_hooks: !o.no_script_hooks,
            pages: o.pages,
            consent: crate::consent::ConsentConfig {
                gpc: o.gpc,
                wait: o.consent_wait,
            },
        }
    }

    /// How browsers are started (`user_agent`: the one the browser's version gives, unless
    /// `--user-agent`; `profile_root`: the run's temporary folder).
    pub fn browser(&self, user_agent: String, profile_root: &Path) -> BrowserConfig {
        let o = &self.opts;
        BrowserConfig {
            chromium: o.chromium.clone(),
            chromedriver: o.chromedriver.clone(),
            webdriver: o.webdriver.clone(),
            host_map: o.host_map.clone(),
            proxy: None,
            insecure: o.insecure,
            user_agent,
            emulation: device::Emulation {
                device: o.device,
                locale: o.locale.clone(),
                timezone: o.timezone.clone(),
                geolocation: o.geolocation.as_deref().and_then(device::parse_geolocation),
                version: String::new(),
            },
            command_timeout: o.command_timeout,
            profile_root: profile_root.to_owned(),
        }
    }

    /// The consent modes each site is visited in.
    pub fn modes(&self) -> Vec<crate::capture::ConsentMode> {
        self.opts.consent.modes()
    }

    /// The recorded options that change what is measured, as (flag, value) in name order:
    /// every recorded option but [`PER_MACHINE`]'s, so a new option is one that shards of one
    /// crawl must share unless it is listed there.
    pub fn measured(&self) -> Vec<(String, String)> {
        let serde_json::Value::Object(recorded) =
            serde_json::to_value(&self.opts).expect("plain data")
        else {
            unreachable!("options serialise as a map")
        };
        recorded
            .into_iter()
            .filter(|(k, _)| !PER_MACHINE.contains(&k.as_str()))
            .map(|(k, v)| match (k.as_str(), v) {
                ("interact", serde_json::Value::Bool(b)) => {
                    ("--no-interact".into(), (!b).to_string())
                }
                ("script_hooks", serde_json::Value::Bool(b)) => {
                    ("--no-script-hooks".into(), (!b).to_string())
                }
                (k, v) => (
                    format!("--{}", k.trim_end_matches("_s").replace('_', "-")),
                    v.to_string(),
                ),
            })
            .collect()
    }
}

/// Recorded options that may differ between the shards of one crawl: how fast and how
/// patiently each machine works, not what it measures (`consent` and `gpc` are compared as
/// the store's consent modes and the folder's GPC).
pub const PER_MACHINE: &[&str] = &[
    "recycle",
    "max_attempts",
    "command_timeout_s",
    "consent",
    "gpc",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn machine() -> Machine {
        Machine {
            cores: 4,
            memory: (8 << 30, 16 << 30),
            grid_slots: Some(6),
        }
    }

    #[test]
    fn browsers_are_decided_once_from_the_options_and_the_machine() {
        let auto = CrawlPlan::new(CrawlOpts::default(), &machine()).browsers;
        assert_eq!(
            (auto.fixed, auto.auto, auto.max, auto.workers),
            (None, true, Some(32), 32)
        );
        let (start, limits) = auto.controller.unwrap();
        assert_eq!(
            (start, limits.memory_budget, limits.reserve),
            (8, 4 << 30, (16 << 30) / 10)
        );
        let fixed = CrawlOpts {
            browsers: Browsers::Fixed(3),
            ..Default::default()
        };
        let b = CrawlPlan::new(fixed, &machine()).browsers;
        assert_eq!(
            (b.fixed, b.auto, b.max, b.workers),
            (Some(3), false, None, 3)
        );
        let grid = CrawlOpts {
            webdriver: Some("http://grid:4444".into()),
            ..Default::default()
        };
        let b = CrawlPlan::new(grid, &machine()).browsers;
        assert_eq!(
            (b.fixed, b.webdriver, b.from_grid, b.controller),
            (Some(6), true, true, None)
        );
    }

    #[test]
    fn the_plan_is_recorded_under_the_names_stores_have_always_used() {
        let opts = CrawlOpts {
            dwell: Duration::from_secs(5),
            page_timeout: Duration::from_secs(30),
            command_timeout: Duration::from_secs(30),
            consent_wait: Duration::from_secs(4),
            pages: 3,
            recycle: 20,
            max_attempts: 3,
            rules: vec!["easy.txt".into()],
            consent: ConsentArg::All,
            ..Default::default()
        };
        let plan = CrawlPlan::new(opts, &machine());
        let v = serde_json::to_value(&plan).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "browsers",
                "browsers_auto",
                "command_timeout_s",
                "consent",
                "consent_wait_s",
                "device",
                "dwell_s",
                "geolocation",
                "gpc",
                "host_map",
                "insecure",
                "interact",
                "limit",
                "locale",
                "max_attempts",
                "max_browsers",
                "page_timeout_s",
                "pages",
                "ranks",
                "recycle",
                "rules",
                "script_hooks",
                "skip_bad_lines",
                "timezone",
                "user_agent",
                "vantage",
                "webdriver"
            ]
        );
        assert_eq!(v["dwell_s"], 5.0);
        assert_eq!(v["interact"], true);
        assert_eq!(v["consent"], "all");
        assert_eq!(v["rules"][0], "easy.txt");
        let back: CrawlPlan = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&back).unwrap(), v);
        let flags: Vec<String> = plan.measured().into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            flags,
            [
                "--consent-wait",
                "--device",
                "--dwell",
                "--geolocation",
                "--host-map",
                "--insecure",
                "--no-interact",
                "--limit",
                "--locale",
                "--page-timeout",
                "--pages",
                "--ranks",
                "--rules",
                "--no-script-hooks",
                "--skip-bad-lines",
                "--timezone",
                "--user-agent",
                "--vantage"
            ]
        );
        assert!(plan.measured().contains(&("--dwell".into(), "5.0".into())));
    }
}
