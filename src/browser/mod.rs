//! The browser: one chromedriver process ([`driver`]), WebDriver sessions of headless
//! Chromium with CDP passthrough and performance-log reads ([`session`]); the assembly of those
//! events into requests is the network collector's (`collect::netlog`).
//!
//! Nothing here knows about sites, canaries or datasets.

pub mod body;
pub mod device;
pub mod devtools;
pub mod driver;
pub mod guard;
pub mod keys;
pub mod procs;
pub mod proxy;
pub mod relay;
pub mod session;
pub mod snapshot;
pub mod text;

use std::path::PathBuf;
use std::time::Duration;

/// Debian's real Chromium binary (the `/usr/bin/chromium` wrapper adds `--disable-pings`,
/// which would hide `<a ping>` tracking).
pub const DEFAULT_CHROMIUM: &str = "/usr/lib/chromium/chromium";
/// Debian's chromedriver.
pub const DEFAULT_CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The fixed window size every visit uses.
pub const WINDOW: (u32, u32) = (1366, 768);

/// Request bodies up to this size travel inside DevTools' `requestWillBeSent` (CDP
/// `Network.enable` `maxPostDataSize`); a larger one is only flagged and fetched afterwards
/// with `Network.getRequestPostData`, which fails once the document that sent it is gone. Session
/// replays and batched events sent as a page is left run to hundreds of kilobytes, so the
/// limit is well above them.
pub const INLINE_BODY_MAX: u64 = 4 * 1024 * 1024;

/// The most a browser's profile folder may take on disk. A page that writes past it
/// (IndexedDB, Cache Storage, the origin-private file system, offered a quota of a tenth of
/// the disk) has its tab closed and its visit cut off with its capture; the browser is
/// replaced and its profile removed. A fresh profile takes about 10 MiB.
pub const PROFILE_LIMIT: u64 = 256 << 20;
/// How often a profile's size is read.
pub const PROFILE_CHECK: Duration = Duration::from_millis(200);

/// How to start and drive browsers.
#[derive(Clone, Debug)]
pub struct BrowserConfig {
    /// Chromium binary.
    pub chromium: PathBuf,
    /// chromedriver binary (ignored with `webdriver`).
    pub chromedriver: PathBuf,
    /// An existing WebDriver endpoint; when set, pixelcensus starts no chromedriver.
    pub webdriver: Option<String>,
    /// Chromium `--host-resolver-rules`.
    pub host_map: Option<String>,
    /// `--proxy`: the relay Chromium goes through (`socks5://127.0.0.1:PORT`); every host
    /// name then goes to the proxy and none is resolved on this machine.
    pub proxy: Option<String>,
    /// Accept any TLS certificate (test webs only).
    pub insecure: bool,
    /// The User-Agent string (realistic, never "HeadlessChrome").
    pub user_agent: String,
    /// The visitor's device, locale and time zone, applied to every target (#40).
    pub emulation: device::Emulation,
    /// Budget of every single WebDriver command except navigation.
    pub command_timeout: Duration,
    /// Where browser profiles live (one fresh folder per browser).
    pub profile_root: PathBuf,
}

/// Errors from the browser layer.
#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    /// The browser or chromedriver is gone or hung: replace it.
    #[error("browser lost: {0}")]
    Lost(String),
    /// A command did not answer in time, or the visit's deadline passed: the page may be
    /// holding the browser (a spinning main thread). The visit can close the tab from outside
    /// and keep what was captured; the browser is replaced afterwards.
    #[error("{0}")]
    Stuck(String),
    /// A command failed but the browser is alive.
    #[error("{0}")]
    Command(String),
    /// chromedriver or Chromium could not be started.
    #[error("{0}")]
    Setup(String),
}

impl BrowserError {
    /// True when the session should be thrown away (lost, or stuck on a page).
    pub fn is_lost(&self) -> bool {
        matches!(self, BrowserError::Lost(_) | BrowserError::Stuck(_))
    }
}

/// True when this process runs as root (Chromium then needs `--no-sandbox`).
pub fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// What pixelcensus changes so the visitor looks like a person's browser, as far as that is
/// honest and cheap (recorded in manifest.json): nothing is faked beyond these.
pub const DISGUISE: [&str; 6] = [
    "User-Agent: the real Chromium version without \"Headless\" (client-hint brands already name no headless browser)",
    "--disable-blink-features=AutomationControlled: navigator.webdriver is false",
    "window 1366x768 (--window-size)",
    "languages: Chromium's default en-US, en, or --locale's",
    "client hints and navigator.platform: the --device profile's, set through DevTools on every tab, frame and worker before it runs (the high-entropy hints filled in)",
    "geolocation permission: unanswered (prompt), as for a visitor who ignores the prompt; granted, with the position, only with --geolocation",
];

/// The switches every browser gets (the per-crawl ones are added by [`chromium_args`]).
const BASE_ARGS: &[&str] = &[
    "--headless=new",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--password-store=basic",
    "--disable-client-side-phishing-detection",
    "--disable-component-extensions-with-background-pages",
    "--disable-domain-reliability",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--metrics-recording-only",
    // Chromium's own traffic off (#43): no field-trial seed, no safe-browsing list
    // updates, no search-engine choice or start page, no extensions, no optimisation
    // models, no push or speech services, no hang reports; only the pages' requests
    // leave the browser. `<a ping>` stays on (no `--no-pings`): pings are tracking.
    "--disable-field-trial-config",
    "--safebrowsing-disable-auto-update",
    "--disable-search-engine-choice-screen",
    "--disable-extensions",
    "--no-service-autorun",
    "--disable-speech-api",
    "--homepage=about:blank",
    // What the switches above do not stop (measured on Chromium 156: an on-demand
    // component install to update.googleapis.com, Google account checks to
    // accounts.google.com/ListAccounts) is sent to a closed port on this machine.
    "--component-updater=url-source=http://127.0.0.1:9/",
    "--gaia-url=http://127.0.0.1:9/",
    // The HTTP cache of a browser kept for many visits stays small (#43: bounded
    // footprint); it is cleared between sites anyway.
    "--disk-cache-size=33554432",
    "--media-cache-size=8388608",
    // A person's browser does not say it is automated (`navigator.webdriver`).
    "--disable-blink-features=AutomationControlled",
    // Requests of cross-site iframes stay in the page's process, so the capture sees them.
    // The other features would make Chromium itself call Google while we crawl (form
    // signatures to the autofill server, network time, optimisation hints, translation).
    // RenderDocument off: a navigation reuses the frame's document host, so what the old
    // document sends from its pagehide, visibilitychange and unload handlers (beacons,
    // keepalive fetches) is still reported to DevTools; with a new host per document
    // those requests leave the machine unseen (measured: 114 of 144 lost).
    "--disable-site-isolation-trials",
    "--disable-features=RenderDocument,IsolateOrigins,site-per-process,AutofillServerCommunication,NetworkTimeServiceQuerying,OptimizationHints,OptimizationHintsFetching,OptimizationGuideModelDownloading,OptimizationHintsFetchingAnonymousDataConsent,Translate,MediaRouter,DialMediaRouteProvider,CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions,SafeBrowsingRealTimeUrlLookup",
];

/// The Chromium command-line flags for one browser.
pub fn chromium_args(cfg: &BrowserConfig, profile: &std::path::Path) -> Vec<String> {
    let mut args: Vec<String> = BASE_ARGS.iter().map(|s| s.to_string()).collect();
    if running_as_root() {
        args.push("--no-sandbox".into());
    }
    args.push(format!("--window-size={},{}", WINDOW.0, WINDOW.1));
    args.push(format!("--user-agent={}", cfg.user_agent));
    args.push(format!("--user-data-dir={}", profile.display()));
    if let Some(server) = &cfg.proxy {
        // Every connection through the relay, no name resolved here (the relay's own
        // address excepted), no fallback to a direct connection, and no WebRTC traffic
        // around the proxy (which would show the crawler's own address).
        let relay_host = server
            .rsplit_once("://")
            .map(|(_, a)| a.rsplit_once(':').map_or(a, |(h, _)| h))
            .unwrap_or("127.0.0.1");
        args.push(format!("--proxy-server={server}"));
        args.push(format!(
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE {relay_host}"
        ));
        args.push("--force-webrtc-ip-handling-policy=disable_non_proxied_udp".into());
    } else if let Some(rules) = &cfg.host_map {
        args.push(format!("--host-resolver-rules={rules}"));
    }
    if cfg.insecure {
        args.push("--ignore-certificate-errors".into());
    }
    // The first tab opens about:blank (chromedriver's default is `data:,`, and without a URL
    // Chromium would show its start page, a search engine's): nothing is fetched before the
    // visit asks for a page.
    args.push("about:blank".into());
    args
}

/// Why Chromium cannot start, when a browser session could not be created: runs it once as
/// chromedriver would (the same flags and environment under `cfg.profile_root`, printing the
/// blank page's DOM) and returns its exit status and last lines of stderr when it fails
/// there too; None when it runs (the cause is elsewhere).
pub async fn diagnose_start(cfg: &BrowserConfig) -> Option<String> {
    let profile = cfg.profile_root.join("diagnose");
    let _ = std::fs::create_dir_all(&profile);
    let env = driver::browser_env(&cfg.profile_root.join("home"));
    let env = match env {
        Ok(env) => env,
        Err(e) => return Some(e.to_string()),
    };
    let mut cmd = tokio::process::Command::new(&cfg.chromium);
    cmd.args(chromium_args(cfg, &profile))
        .arg("--dump-dom")
        .envs(env.iter().map(|(k, v)| (k, v.as_os_str())))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let out = match cmd.spawn() {
        Ok(child) => tokio::time::timeout(Duration::from_secs(30), child.wait_with_output()).await,
        Err(e) => return Some(format!("{} cannot be run: {e}", cfg.chromium.display())),
    };
    procs::kill_under(&profile);
    let _ = std::fs::remove_dir_all(&profile);
    let out = match out {
        Ok(Ok(out)) => out,
        Ok(Err(e)) => return Some(format!("{} failed: {e}", cfg.chromium.display())),
        Err(_) => return None, // still running after 30 s: it started
    };
    if out.status.success() {
        return None;
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let tail: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = tail[tail.len().saturating_sub(6)..].join("\n    ");
    Some(format!(
        "Chromium ({}) exits with {} when started as chromedriver starts it:\n    {tail}",
        cfg.chromium.display(),
        out.status
    ))
}

/// Asks a Chromium binary for its version (`Chromium 156.0.8078.108 …` → `156.0.8078.108`).
pub fn chromium_version(chromium: &std::path::Path) -> Result<String, BrowserError> {
    let out = std::process::Command::new(chromium)
        .arg("--version")
        .output()
        .map_err(|e| {
            BrowserError::Setup(format!(
                "cannot run Chromium at {}: {e}; install it (Debian: `apt-get install chromium chromium-driver`, or `make setup`) or pass --chromium PATH",
                chromium.display()
            ))
        })?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()) && w.contains('.'))
        .map(str::to_string)
        .ok_or_else(|| {
            BrowserError::Setup(format!(
                "{} --version printed `{}`: not a Chromium",
                chromium.display(),
                text.trim()
            ))
        })
}

/// The browser a crawl drives, as far as this machine can tell before starting it.
#[derive(Clone, Debug, Default)]
pub struct Versions {
    /// Chromium's version (empty when only a remote WebDriver was given and no local binary).
    pub chromium: String,
    /// chromedriver's version (empty with a remote WebDriver).
    pub chromedriver: String,
    /// The User-Agent every browser sends.
    pub user_agent: String,
}

impl Versions {
    /// Asks the local binaries. With a remote `webdriver`, a missing local Chromium is not an
    /// error (the User-Agent then names the major version of Debian's current Chromium).
    /// `user_agent` overrides the derived one.
    pub fn detect(
        chromium: &std::path::Path,
        chromedriver: &std::path::Path,
        webdriver: bool,
        user_agent: Option<&str>,
        device: device::Device,
    ) -> Result<Versions, BrowserError> {
        let version = match chromium_version(chromium) {
            Ok(v) => v,
            Err(_) if webdriver || user_agent.is_some() => String::new(),
            Err(e) => return Err(e),
        };
        let chromedriver = if webdriver {
            String::new()
        } else {
            std::process::Command::new(chromedriver)
                .arg("--version")
                .output()
                .ok()
                .and_then(|v| {
                    String::from_utf8_lossy(&v.stdout)
                        .split_whitespace()
                        .nth(1)
                        .map(str::to_string)
                })
                .unwrap_or_default()
        };
        let user_agent = match user_agent {
            Some(ua) => ua.to_string(),
            None if version.is_empty() => device::user_agent(device, FALLBACK_MAJOR),
            None => device::user_agent(device, &version),
        };
        Ok(Versions {
            chromium: version,
            chromedriver,
            user_agent,
        })
    }
}

/// The Chromium major version named in the User-Agent when no local Chromium can be asked
/// (a remote `--webdriver` only).
pub const FALLBACK_MAJOR: &str = "156";

/// A desktop Chrome User-Agent for a Chromium version, with the reduced minor version as
/// Chrome itself sends it.
pub fn user_agent_for(version: &str) -> String {
    device::user_agent(device::Device::Desktop, version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent_is_realistic() {
        let ua = user_agent_for("156.0.8078.108");
        assert!(ua.contains("Chrome/156.0.0.0"));
        assert!(!ua.contains("Headless"));
    }

    #[test]
    fn args_carry_isolation_off_and_host_map() {
        let cfg = BrowserConfig {
            chromium: DEFAULT_CHROMIUM.into(),
            chromedriver: DEFAULT_CHROMEDRIVER.into(),
            webdriver: None,
            host_map: Some("MAP * 127.0.0.1:4443".into()),
            proxy: None,
            insecure: true,
            user_agent: user_agent_for("156.0"),
            emulation: Default::default(),
            command_timeout: Duration::from_secs(10),
            profile_root: "/tmp".into(),
        };
        let a = chromium_args(&cfg, std::path::Path::new("/tmp/p"));
        for want in [
            "--disable-site-isolation-trials",
            "--host-resolver-rules=MAP * 127.0.0.1:4443",
            "--user-data-dir=/tmp/p",
            "--disable-quic",
            "--disable-background-networking",
        ] {
            assert!(a.iter().any(|x| x == want), "missing {want}");
        }
        let features: Vec<_> = a
            .iter()
            .filter(|x| x.starts_with("--disable-features="))
            .collect();
        assert_eq!(
            features.len(),
            1,
            "Chromium keeps only the last --disable-features"
        );
        for f in [
            "RenderDocument",
            "IsolateOrigins",
            "site-per-process",
            "AutofillServerCommunication",
        ] {
            assert!(
                features[0].split([',', '=']).any(|x| x == f),
                "{f} not disabled"
            );
        }
        assert_eq!(a.iter().any(|x| x == "--no-sandbox"), running_as_root());
    }
}
