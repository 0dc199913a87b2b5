//! One WebDriver session of headless Chromium with its own fresh profile folder; CDP commands
//! through chromedriver's `goog/cdp/execute` and performance-log reads through `se/log`, each
//! with its own timeout so no hang can stall a worker.

use super::device::Target;
use super::devtools::{DevTools, Emulated};
use super::{BrowserConfig, BrowserError, chromium_args, procs};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Runs in every document and frame before the page's scripts: JavaScript dialogs answer at
/// once (alert does nothing, confirm says no, prompt gives nothing, print does nothing), so a
/// page that loops on them cannot hold the visitor or chromedriver.
const NO_DIALOGS_JS: &str = "(() => { const w = window; try { w.alert = function () {}; w.confirm = function () { return false; }; w.prompt = function () { return null; }; w.print = function () {}; } catch (e) {} })();";

/// The browser-level DevTools connection: opened on first use, and a failure to open it is
/// remembered, so a browser without a reachable endpoint (a remote WebDriver) is asked once.
enum DevToolsState {
    Untried,
    Open(std::sync::Arc<DevTools>),
    Unavailable,
}

/// Where the browser's own DevTools endpoint is.
#[derive(Clone, Debug)]
enum Endpoint {
    /// `goog:chromeOptions.debuggerAddress` (host:port) of a local chromedriver's browser.
    Local(String),
    /// A Selenium Grid's `se:cdp` WebSocket URL for the session.
    Grid(String),
}

/// A live browser.
pub struct Session {
    client: Client,
    profile: PathBuf,
    cmd_timeout: Duration,
    /// The visit's tab (its window handle, which is also its CDP target id).
    main_window: String,
    /// The browser's own DevTools endpoint (`host:port`), when it is on this machine.
    debugger: Option<Endpoint>,
    devtools: tokio::sync::Mutex<DevToolsState>,
    /// Worker capture was turned on (once per browser).
    workers_on: std::sync::atomic::AtomicBool,
    /// The DevTools session attached to the visit's tab, for typing (on first use).
    tab_session: tokio::sync::Mutex<Option<String>>,
    /// While a visit runs: no command may run past this instant.
    deadline: Mutex<Option<Instant>>,
    /// Visits made in this browser (for `--recycle`).
    pub visits: u32,
    /// The visit's tab was closed from outside (a stuck page): replace this browser.
    pub spoiled: bool,
    /// Set by the profile guard when the profile grew past [`super::PROFILE_LIMIT`].
    overgrown: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// The visitor's emulation as commands per kind of target (#40).
    emulated: std::sync::Arc<Emulated>,
    /// The device has a touch screen: the visitor taps (#40).
    touch: bool,
    _guard: AbortOnDrop,
}

/// A background task that ends with its owner.
struct AbortOnDrop(Option<tokio::task::JoinHandle<()>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(h) = self.0.take() {
            h.abort();
        }
    }
}

/// Bytes the files under `dir` take on disk (as `du` counts them).
pub fn disk_usage(dir: &std::path::Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let mut total = 0;
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(m) = e.metadata() else { continue };
            if m.is_dir() {
                stack.push(e.path());
            } else {
                total += m.blocks() * 512;
            }
        }
    }
    total
}

/// Watches a browser's profile folder (every [`super::PROFILE_CHECK`]); past
/// [`super::PROFILE_LIMIT`] it closes every tab from the DevTools endpoint (the page stops
/// writing at once, whatever it is doing), stops the service workers, and flags the session,
/// whose next command then fails as `Stuck`: the visit is cut off with its capture and the
/// browser replaced, its profile removed.
async fn guard_profile(
    profile: PathBuf,
    debugger: Option<Endpoint>,
    flag: std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    loop {
        tokio::time::sleep(super::PROFILE_CHECK).await;
        let p = profile.clone();
        let Ok(used) = tokio::task::spawn_blocking(move || disk_usage(&p)).await else {
            return;
        };
        if used <= super::PROFILE_LIMIT {
            continue;
        }
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
        tracing::warn!(profile = %profile.display(), mib = used >> 20, "browser profile past its limit; closing its tabs");
        let dt = match &debugger {
            Some(Endpoint::Local(a)) => DevTools::connect(a, Duration::from_secs(5)).await.ok(),
            Some(Endpoint::Grid(u)) => DevTools::connect_url(u, Duration::from_secs(5)).await.ok(),
            None => None,
        };
        if let Some(dt) = dt {
            for t in dt.targets().await.unwrap_or_default() {
                if t.kind != "browser" {
                    dt.close(&t.id).await.ok();
                }
            }
        }
        return;
    }
}

/// A POST to a session-scoped endpoint that fantoccini has no method for.
#[derive(Debug)]
struct SessionPost {
    path: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for SessionPost {
    fn endpoint(
        &self,
        base: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

/// The WebDriver client: chromedriver is plain HTTP, a Selenium Grid may be HTTPS (rustls
/// with ring and the system's root certificates).
pub fn client_builder() -> std::io::Result<ClientBuilder<WebDriverConnector>> {
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(tokio_rustls::rustls::crypto::ring::default_provider())?
        .https_or_http()
        .enable_http1()
        .build();
    Ok(ClientBuilder::new(connector))
}

/// The connector under [`client_builder`].
pub type WebDriverConnector =
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>;

/// Classifies a fantoccini error: a session or connection that is gone means the browser
/// must be replaced.
pub fn classify(e: fantoccini::error::CmdError) -> BrowserError {
    use fantoccini::error::CmdError;
    let text = e.to_string();
    let lost = match &e {
        CmdError::Standard(w) => {
            let m = w.message.to_lowercase();
            matches!(
                w.error,
                fantoccini::error::ErrorStatus::InvalidSessionId
                    | fantoccini::error::ErrorStatus::SessionNotCreated
            ) || m.contains("disconnected")
                || m.contains("chrome not reachable")
                || m.contains("session deleted")
                || m.contains("tab crashed")
                || m.contains("no such window")
                || m.contains("target window already closed")
        }
        CmdError::Lost(_) | CmdError::FailedC(_) => true,
        _ => text.contains("connection") && text.contains("closed"),
    };
    if lost {
        BrowserError::Lost(text)
    } else {
        BrowserError::Command(text)
    }
}

/// The WebDriver capabilities of a new browser with its profile folder `profile`.
fn capabilities(cfg: &BrowserConfig, profile: &Path) -> serde_json::Map<String, Value> {
    let caps = json!({
        "browserName": "chrome",
        "acceptInsecureCerts": cfg.insecure,
        "pageLoadStrategy": "normal",
        // Alerts and confirms are dismissed; see visit/navigation.rs for beforeunload.
        "unhandledPromptBehavior": "dismiss",
        "goog:loggingPrefs": { "performance": "ALL", "browser": "OFF", "driver": "OFF" },
        "goog:chromeOptions": {
            "binary": cfg.chromium,
            "args": chromium_args(cfg, profile),
            // Third-party cookies allowed, as a normal user has them.
            // No spelling dictionary downloads, no sign-in account checks, no search
            // engine start page: Chromium's own traffic stays off the wire.
            "prefs": {
                "profile.cookie_controls_mode": 0,
                "profile.block_third_party_cookies": false,
                "browser.enable_spellchecking": false,
                "spellcheck.use_spelling_service": false,
                "spellcheck.dictionaries": [],
                "signin.allowed": false,
                "autofill.profile_enabled": false,
                "autofill.credit_card_enabled": false,
                "search.suggest_enabled": false,
                "alternate_error_pages.enabled": false,
                "net.network_prediction_options": 2,
                "safebrowsing.enabled": false,
                "translate.enabled": false,
                "homepage": "about:blank",
                "homepage_is_newtabpage": false,
                "session.restore_on_startup": 4,
                "session.startup_urls": ["about:blank"],
                "default_search_provider.enabled": false,
                // No downloads: a page that serves an attachment must not fill the disk
                // (also denied per browser by CDP below); any that slipped through would
                // land in the profile, which is removed with the browser.
                "download_restrictions": 3,
                "download.prompt_for_download": false,
                "download.default_directory": profile.join("downloads"),
            },
            "perfLoggingPrefs": { "enableNetwork": true, "enablePage": false },
            // chromedriver turns Chromium's popup blocker off; a visitor's browser has it on.
            "excludeSwitches": ["enable-automation", "disable-popup-blocking"],
        },
    });
    let mut caps = caps;
    // `--geolocation`: every site may read the position (1 = allow). Without it, "ask" (3):
    // the prompt a visitor who never answers it leaves (Chromium under chromedriver would
    // otherwise report the permission granted and the position unavailable, which no real
    // browser does).
    caps["goog:chromeOptions"]["prefs"]["profile.default_content_setting_values.geolocation"] =
        json!(if cfg.emulation.geolocation.is_some() {
            1
        } else {
            3
        });
    let Value::Object(caps) = caps else {
        unreachable!()
    };
    caps
}

/// The browser's DevTools endpoint. Through a Selenium Grid it is the Grid's `se:cdp`
/// WebSocket (the node's own address may not be reachable from here); from a local
/// chromedriver, its `debuggerAddress`.
fn debugger_endpoint(client: &Client) -> Option<Endpoint> {
    let caps = client.capabilities();
    caps.and_then(|c| c.get("se:cdp"))
        .and_then(Value::as_str)
        .map(|url| Endpoint::Grid(url.to_string()))
        .or_else(|| {
            caps.and_then(|c| c.get("goog:chromeOptions"))
                .and_then(|o| o.get("debuggerAddress"))
                .and_then(Value::as_str)
                .map(|a| Endpoint::Local(a.to_string()))
        })
}

impl Session {
    /// Resident memory of this browser's processes (the browser and its renderers), bytes.
    pub fn memory(&self) -> u64 {
        super::procs::rss_under(&self.profile)
    }

    /// Starts a browser with a fresh profile under `cfg.profile_root`.
    pub async fn start(
        driver_url: &str,
        cfg: &BrowserConfig,
        n: u64,
    ) -> Result<Session, BrowserError> {
        let profile = cfg.profile_root.join(format!("profile-{n}"));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).map_err(|e| {
            BrowserError::Setup(format!(
                "cannot create profile folder {}: {e}",
                profile.display()
            ))
        })?;
        let caps = capabilities(cfg, &profile);
        let mut builder =
            client_builder().map_err(|e| BrowserError::Setup(format!("TLS setup: {e}")))?;
        builder.capabilities(caps);
        let connect = builder.connect(driver_url);
        let client = match tokio::time::timeout(Duration::from_secs(60), connect).await {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => {
                procs::kill_under(&profile);
                return Err(BrowserError::Lost(format!(
                    "cannot start a browser session: {e}"
                )));
            }
            Err(_) => {
                procs::kill_under(&profile);
                return Err(BrowserError::Lost(
                    "starting a browser session timed out after 60 s".into(),
                ));
            }
        };
        let debugger = debugger_endpoint(&client);
        let mut s = Session {
            client,
            profile,
            cmd_timeout: cfg.command_timeout,
            main_window: String::new(),
            debugger,
            devtools: tokio::sync::Mutex::new(DevToolsState::Untried),
            workers_on: std::sync::atomic::AtomicBool::new(false),
            tab_session: tokio::sync::Mutex::new(None),
            deadline: Mutex::new(None),
            visits: 0,
            spoiled: false,
            overgrown: Default::default(),
            emulated: std::sync::Arc::new(Emulated {
                page: cfg.emulation.commands(&cfg.user_agent, Target::Page),
                frame: cfg.emulation.commands(&cfg.user_agent, Target::Frame),
                worker: cfg.emulation.commands(&cfg.user_agent, Target::Worker),
            }),
            touch: cfg.emulation.device.profile().touch_points > 0,
            _guard: AbortOnDrop(None),
        };
        s._guard = AbortOnDrop(Some(tokio::spawn(guard_profile(
            s.profile.clone(),
            s.debugger.clone(),
            s.overgrown.clone(),
        ))));
        s.prepare().await?;
        Ok(s)
    }

    /// A new browser's first commands: its window, the network log's bodies, downloads
    /// denied, dialogs answered before page scripts run.
    async fn prepare(&mut self) -> Result<(), BrowserError> {
        self.main_window = self
            .timed("reading the window handle", self.client.window())
            .await
            .map(String::from)
            .unwrap_or_default();
        self.cdp(
            "Network.enable",
            json!({ "maxPostDataSize": super::INLINE_BODY_MAX }),
        )
        .await
        .ok();
        self.cdp("Browser.setDownloadBehavior", json!({ "behavior": "deny" }))
            .await
            .ok();
        self.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": NO_DIALOGS_JS }),
        )
        .await?;
        // The visitor's device, locale and time zone, before the first page (#40); a value
        // Chromium refuses (an unknown time zone) stops the crawl before any visit.
        for (method, params) in self.emulated.page.clone() {
            self.cdp(method, params)
                .await
                .map_err(|e| BrowserError::Setup(format!("the browser refused {method}: {e}")))?;
        }
        Ok(())
    }

    /// Sets (or clears) the instant after which no command of the visit may run.
    pub fn set_deadline(&self, deadline: Option<Instant>) {
        *self.deadline.lock().unwrap() = deadline;
    }

    /// The browser-level DevTools connection, opened on first use; None when the browser
    /// has no endpoint this machine can reach.
    async fn devtools(&self) -> Option<std::sync::Arc<DevTools>> {
        let mut st = self.devtools.lock().await;
        if matches!(*st, DevToolsState::Untried) {
            let connect = match &self.debugger {
                Some(Endpoint::Local(addr)) => {
                    Some(DevTools::connect(addr, Duration::from_secs(5)).await)
                }
                Some(Endpoint::Grid(url)) => {
                    Some(DevTools::connect_url(url, Duration::from_secs(5)).await)
                }
                None => None,
            };
            *st = match connect {
                Some(c) => match c {
                    Ok(dt) => {
                        tracing::debug!(endpoint = ?self.debugger, "DevTools endpoint open");
                        dt.set_emulation(self.emulated.clone());
                        DevToolsState::Open(std::sync::Arc::new(dt))
                    }
                    Err(e) => {
                        tracing::debug!(error = %e, "no DevTools endpoint; WebDriver only");
                        DevToolsState::Unavailable
                    }
                },
                None => DevToolsState::Unavailable,
            };
        }
        match &*st {
            DevToolsState::Open(dt) => Some(dt.clone()),
            _ => None,
        }
    }

    /// Starts capturing the workers of this browser's pages through the DevTools endpoint
    /// (see [`DevTools::capture_workers`]); false when there is no endpoint to do it with.
    pub async fn capture_workers(&self) -> Result<bool, BrowserError> {
        use std::sync::atomic::Ordering;
        if self.workers_on.load(Ordering::Relaxed) {
            return Ok(true);
        }
        match self.devtools().await {
            Some(dt) => {
                dt.capture_workers().await?;
                self.workers_on.store(true, Ordering::Relaxed);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Whether the browser has a DevTools endpoint this machine can reach.
    pub async fn has_devtools(&self) -> bool {
        self.devtools().await.is_some()
    }

    /// Installs the script-behaviour hooks in every page, frame and worker attached from now
    /// on, before it runs (see [`DevTools::set_script_hooks`]); false without a DevTools
    /// endpoint.
    pub async fn script_hooks(&self, hooks: std::sync::Arc<super::devtools::ScriptHooks>) -> bool {
        match self.devtools().await {
            Some(dt) => {
                dt.set_script_hooks(hooks);
                true
            }
            None => false,
        }
    }

    /// The script-behaviour hooks' reports since the last call, and how many were dropped
    /// (a flood); nothing without a DevTools endpoint.
    pub async fn script_events(&self) -> (Vec<super::devtools::ScriptEvent>, u64) {
        match self.devtools().await {
            Some(dt) => dt.take_script_events(),
            None => (Vec::new(), 0),
        }
    }

    /// Workers that start from now on belong to the visit's page `page` (the visit is about
    /// to open it); nothing without a DevTools endpoint.
    pub async fn set_worker_page(&self, page: u32) {
        if let Some(dt) = self.devtools().await {
            dt.set_page(page);
        }
    }

    /// The workers' Network events since the last call, and how many were dropped (a
    /// flood); nothing without a DevTools endpoint.
    pub async fn worker_events(&self) -> (Vec<super::devtools::WorkerEvent>, u64) {
        match self.devtools().await {
            Some(dt) => dt.take_worker_events(),
            None => (Vec::new(), 0),
        }
    }

    /// Sends a CDP command to a worker's DevTools session.
    pub async fn worker_cdp(
        &self,
        session: &str,
        method: &str,
        params: Value,
    ) -> Result<Value, BrowserError> {
        match self.devtools().await {
            Some(dt) => dt.call_in(Some(session), method, params).await,
            None => Err(BrowserError::Command("no DevTools endpoint".into())),
        }
    }

    /// Closes, from the DevTools endpoint, every page but `keep` (whatever its renderer is
    /// doing); the number closed, or None without an endpoint.
    async fn close_pages(&self, keep: Option<&str>) -> Option<Result<usize, BrowserError>> {
        let dt = self.devtools().await?;
        let pages = match dt.pages().await {
            Ok(p) => p,
            Err(e) => return Some(Err(e)),
        };
        let mut n = 0;
        for p in pages.iter().filter(|p| Some(p.id.as_str()) != keep) {
            dt.close(&p.id).await.ok();
            n += 1;
        }
        Some(Ok(n))
    }

    /// Makes chromedriver attach to windows the page opened (it does so when it lists them),
    /// so their requests from now on are in the performance log.
    pub async fn attach_new_windows(&self) -> Result<(), BrowserError> {
        match self.timed("listing windows", self.client.windows()).await {
            Err(e) if e.is_lost() => Err(e),
            _ => Ok(()),
        }
    }

    /// Closes every window but the visit's tab (popups, `window.open` targets) — from the
    /// DevTools endpoint, so a spinning popup cannot refuse — and returns how many.
    pub async fn close_other_windows(&self) -> Result<usize, BrowserError> {
        if self.main_window.is_empty() {
            return Ok(0); // the visit's own tab is unknown: closing "the others" could hit it
        }
        if let Some(closed) = self.close_pages(Some(&self.main_window)).await {
            return closed;
        }
        // No DevTools endpoint (a remote WebDriver): through WebDriver.
        let handles = self.timed("listing windows", self.client.windows()).await?;
        let mut n = 0;
        for h in handles {
            if String::from(h.clone()) == self.main_window {
                continue;
            }
            if self
                .timed("switching window", self.client.switch_to_window(h))
                .await
                .is_ok()
                && self
                    .timed("closing a window", self.client.close_window())
                    .await
                    .is_ok()
            {
                n += 1;
            }
        }
        let main = fantoccini::wd::WindowHandle::try_from(self.main_window.clone())
            .map_err(|e| BrowserError::Command(e.to_string()))?;
        self.timed("switching back", self.client.switch_to_window(main))
            .await?;
        Ok(n)
    }

    /// A page holds the browser (chromedriver waits on it): closes every tab from the
    /// DevTools endpoint, which hands chromedriver back, and marks this browser for
    /// replacement. False when there is no way to reach the browser from outside.
    pub async fn unstick(&mut self) -> bool {
        self.spoiled = true;
        matches!(self.close_pages(None).await, Some(Ok(_)))
    }

    /// Ends the workers the visit's pages left running once they are gone (a shared worker
    /// or a service worker outlives its page, and one spinning its thread would burn a core
    /// into the next visit): closes every worker target from the DevTools endpoint and stops
    /// the service workers. Returns how many worker targets were closed.
    pub async fn end_workers(&self) -> Result<usize, BrowserError> {
        let mut n = 0;
        if let Some(dt) = self.devtools().await {
            for t in dt.targets().await.unwrap_or_default() {
                if matches!(
                    t.kind.as_str(),
                    "worker" | "shared_worker" | "service_worker"
                ) && dt.close(&t.id).await.is_ok()
                {
                    n += 1;
                }
            }
        }
        match self.cdp("ServiceWorker.stopAllWorkers", json!({})).await {
            Err(e) if e.is_lost() => Err(e),
            _ => Ok(n),
        }
    }

    /// Every cookie of the browser, from the DevTools endpoint (works with no tab open).
    pub async fn browser_cookies(&self) -> Result<Value, BrowserError> {
        match self.devtools().await {
            Some(dt) => dt.call("Storage.getCookies", json!({})).await,
            None => Err(BrowserError::Command("no DevTools endpoint".into())),
        }
    }

    /// The fantoccini client (for element work in the visit).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The visitor's device has a touch screen (`--device mobile`): it taps, not clicks.
    pub fn touch(&self) -> bool {
        self.touch
    }

    /// Runs a WebDriver script (a function body) in the page; its answer comes back with
    /// lone surrogates and NUL replaced by U+FFFD ([`super::text::safe_script`]), so text a
    /// page controls cannot make the answer unreadable.
    pub async fn execute(
        &self,
        body: &str,
        args: Vec<Value>,
    ) -> Result<Value, fantoccini::error::CmdError> {
        self.client
            .execute(&super::text::safe_script(body), args)
            .await
    }

    /// Runs a WebDriver future under the per-command timeout.
    pub async fn timed<T, F>(&self, what: &str, fut: F) -> Result<T, BrowserError>
    where
        F: Future<Output = Result<T, fantoccini::error::CmdError>>,
    {
        self.timed_for(what, self.cmd_timeout, fut).await
    }

    /// Runs a WebDriver future under an explicit timeout; a timeout means the browser hung.
    pub async fn timed_for<T, F>(
        &self,
        what: &str,
        budget: Duration,
        fut: F,
    ) -> Result<T, BrowserError>
    where
        F: Future<Output = Result<T, fantoccini::error::CmdError>>,
    {
        self.within(what, budget, async { fut.await.map_err(classify) })
            .await
    }

    /// Runs a browser future under `budget` and the visit's deadline, whichever comes
    /// first; a timeout means the page holds the browser (`Stuck`).
    async fn within<T, F>(&self, what: &str, budget: Duration, fut: F) -> Result<T, BrowserError>
    where
        F: Future<Output = Result<T, BrowserError>>,
    {
        if self.overgrown.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(BrowserError::Stuck(format!(
                "the browser profile grew past {} MiB (before {what})",
                super::PROFILE_LIMIT >> 20
            )));
        }
        let deadline = *self.deadline.lock().unwrap();
        let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        if left == Some(Duration::ZERO) {
            return Err(BrowserError::Stuck(format!(
                "the visit's deadline passed before {what}"
            )));
        }
        let (budget, cut) = match left {
            Some(l) if l < budget => (l, true),
            _ => (budget, false),
        };
        match tokio::time::timeout(budget, fut).await {
            Ok(r) => r,
            Err(_) if cut => Err(BrowserError::Stuck(format!(
                "the visit's deadline passed during {what}"
            ))),
            Err(_) => Err(BrowserError::Stuck(format!(
                "{what} did not answer within {} s",
                budget.as_secs_f32()
            ))),
        }
    }

    /// Types `text` (see [`super::keys`]: `\t` is Tab, `\n` Enter) into whatever has focus
    /// in the visit's tab, through the browser's DevTools session with every key event sent
    /// at once — what chromedriver's `sendKeys` does one round trip per event, the page gets
    /// the same events in the same order. Ok(false) when there is no DevTools endpoint or the
    /// tab cannot be attached (type through WebDriver instead).
    pub async fn type_text(&self, text: &str) -> Result<bool, BrowserError> {
        let Some(dt) = self.devtools().await else {
            return Ok(false);
        };
        let Some(session) = self.tab(&dt).await else {
            return Ok(false);
        };
        let events = super::keys::key_events(text);
        let r = self
            .within(
                "the key events",
                self.cmd_timeout,
                dt.call_all(&session, "Input.dispatchKeyEvent", events, self.cmd_timeout),
            )
            .await;
        match r {
            Ok(()) => Ok(true),
            Err(BrowserError::Command(e)) => {
                // The session is gone (the tab was replaced): attach again next time.
                *self.tab_session.lock().await = None;
                Err(BrowserError::Command(e))
            }
            Err(BrowserError::Stuck(e)) => Err(BrowserError::Stuck(format!("typing: {e}"))),
            Err(e) => Err(e),
        }
    }

    /// The DevTools session attached to the visit's tab, attached on first use (and again
    /// after the tab was replaced); with it, the bodies of the tab's requests are read as they
    /// leave ([`DevTools::intercept_bodies`]).
    async fn tab(&self, dt: &DevTools) -> Option<String> {
        let mut tab = self.tab_session.lock().await;
        if tab.is_none() && !self.main_window.is_empty() {
            let s = dt.attach(&self.main_window).await.ok()?;
            if let Err(e) = dt.intercept_bodies(&s).await {
                tracing::debug!(error = %e, "request bodies not read as they leave");
            }
            *tab = Some(s);
        }
        tab.clone()
    }

    /// The per-command timeout.
    pub(super) fn cmd_timeout(&self) -> Duration {
        self.cmd_timeout
    }

    /// The tab's DevTools session, when there is a DevTools endpoint.
    pub(super) async fn tab_session(&self) -> Option<String> {
        let dt = self.devtools().await?;
        self.tab(&dt).await
    }

    /// The DevTools connection, when there is an endpoint.
    pub(super) async fn devtools_handle(&self) -> Option<std::sync::Arc<DevTools>> {
        self.devtools().await
    }

    /// Runs a DevTools future under the per-command timeout and the visit's deadline.
    pub(super) async fn within_budget<T, F>(&self, what: &str, fut: F) -> Result<T, BrowserError>
    where
        F: Future<Output = Result<T, BrowserError>>,
    {
        self.within(what, self.cmd_timeout, fut).await
    }

    /// Makes sure the bodies of the tab's requests are read as they leave (see
    /// [`Session::sent_bodies`]); false without a DevTools endpoint.
    pub async fn capture_bodies(&self) -> bool {
        match self.devtools().await {
            Some(dt) => self.tab(&dt).await.is_some(),
            None => false,
        }
    }

    /// The bodies of the tab's requests read as they left since the last call, by Network
    /// request id (empty without a DevTools endpoint).
    pub async fn sent_bodies(&self) -> std::collections::HashMap<String, Vec<u8>> {
        match self.devtools().await {
            Some(dt) => dt.take_bodies(),
            None => Default::default(),
        }
    }

    /// Sends a Chrome DevTools Protocol command to the page.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value, BrowserError> {
        self.cdp_for(cmd, params, self.cmd_timeout).await
    }

    /// Sends a Chrome DevTools Protocol command to the page under an explicit timeout (a
    /// navigation, which may take the page budget).
    pub async fn cdp_for(
        &self,
        cmd: &str,
        params: Value,
        budget: Duration,
    ) -> Result<Value, BrowserError> {
        let post = SessionPost {
            path: "goog/cdp/execute",
            body: json!({ "cmd": cmd, "params": params }),
        };
        self.timed_for(cmd, budget, self.client.issue_cmd(post))
            .await
    }

    /// Reads (and empties) chromedriver's performance log: `(method, params)` per event.
    pub async fn perf_log(&self) -> Result<Vec<(String, Value)>, BrowserError> {
        let post = SessionPost {
            path: "se/log",
            body: json!({ "type": "performance" }),
        };
        let v = self
            .timed("reading the performance log", self.client.issue_cmd(post))
            .await?;
        let mut out = Vec::new();
        if let Value::Array(entries) = v {
            out.reserve(entries.len());
            for e in entries {
                let Some(msg) = e.get("message").and_then(Value::as_str) else {
                    continue;
                };
                let Ok(mut m) = serde_json::from_str::<Value>(&super::text::safe_json(msg)) else {
                    continue;
                };
                let inner = m.get_mut("message").map(Value::take).unwrap_or(Value::Null);
                if let (Some(method), Some(params)) = (
                    inner.get("method").and_then(Value::as_str),
                    inner.get("params"),
                ) {
                    out.push((method.to_string(), params.clone()));
                }
            }
        }
        Ok(out)
    }

    /// Ends the session and makes sure no process of it survives.
    pub async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.close()).await;
        procs::kill_under(&self.profile);
        let _ = std::fs::remove_dir_all(&self.profile);
    }

    /// Kills the browser without waiting for WebDriver (it is hung or gone). The session is
    /// still ended in the background (a few seconds at most), so a Selenium Grid frees its slot
    /// at once instead of after its `--session-timeout`.
    pub fn kill(self) {
        procs::kill_under(&self.profile);
        let _ = std::fs::remove_dir_all(&self.profile);
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            let client = self.client;
            rt.spawn(async move {
                let _ = tokio::time::timeout(Duration::from_secs(5), client.close()).await;
            });
        }
    }
}
