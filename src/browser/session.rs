//! One WebDriver session of headless Chromium with its own fresh profile folder; CDP commands
//! through chromedriver's `goog/cdp/execute` and performance-log reads through `se/log`, each
//! with its own timeout so no hang can stall a worker.

use super::{BrowserConfig, BrowserError, chromium_args, procs};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};
use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

/// A live browser.
pub struct Session {
    client: Client,
    profile: PathBuf,
    cmd_timeout: Duration,
    /// Visits made in this browser (for `--recycle`).
    pub visits: u32,
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

impl Session {
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
        let caps = json!({
            "browserName": "chrome",
            "acceptInsecureCerts": cfg.insecure,
            "pageLoadStrategy": "normal",
            // Alerts and confirms are dismissed; see visit.rs for beforeunload.
            "unhandledPromptBehavior": "dismiss",
            "goog:loggingPrefs": { "performance": "ALL", "browser": "OFF", "driver": "OFF" },
            "goog:chromeOptions": {
                "binary": cfg.chromium,
                "args": chromium_args(cfg, &profile),
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
                    // No downloads: a page that serves an attachment must not fill the disk
                    // (also denied per browser by CDP below); any that slipped through would
                    // land in the profile, which is removed with the browser.
                    "download_restrictions": 3,
                    "download.prompt_for_download": false,
                    "download.default_directory": profile.join("downloads"),
                },
                "perfLoggingPrefs": { "enableNetwork": true, "enablePage": false },
                "excludeSwitches": ["enable-automation"],
            },
        });
        let Value::Object(caps) = caps else {
            unreachable!()
        };
        // Two rustls crypto providers are linked (ring, and aws-lc through fantoccini's
        // hyper-rustls); name one so building a client cannot panic.
        let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
        let mut builder =
            ClientBuilder::rustls().map_err(|e| BrowserError::Setup(format!("TLS setup: {e}")))?;
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
        let s = Session {
            client,
            profile,
            cmd_timeout: cfg.command_timeout,
            visits: 0,
        };
        s.cdp("Network.enable", json!({ "maxPostDataSize": 65536 }))
            .await
            .ok();
        s.cdp("Browser.setDownloadBehavior", json!({ "behavior": "deny" }))
            .await
            .ok();
        Ok(s)
    }

    /// The fantoccini client (for element work in the visit).
    pub fn client(&self) -> &Client {
        &self.client
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
        match tokio::time::timeout(budget, fut).await {
            Ok(r) => r.map_err(classify),
            Err(_) => Err(BrowserError::Lost(format!(
                "{what} did not answer within {} s",
                budget.as_secs_f32()
            ))),
        }
    }

    /// Sends a Chrome DevTools Protocol command to the page.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value, BrowserError> {
        let post = SessionPost {
            path: "goog/cdp/execute",
            body: json!({ "cmd": cmd, "params": params }),
        };
        self.timed(cmd, self.client.issue_cmd(post)).await
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
                let Ok(mut m) = serde_json::from_str::<Value>(msg) else {
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

    /// Kills the browser without asking WebDriver (it is hung or gone).
    pub fn kill(self) {
        procs::kill_under(&self.profile);
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
