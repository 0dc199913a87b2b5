//! The WebDriver endpoint: a chromedriver that pixelcensus starts on a free loopback port
//! (never the shared default 9515) and restarts if it dies, or an external endpoint
//! (`--webdriver URL`, e.g. a Selenium Grid) that it only uses.

use super::BrowserError;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, Command};

/// A WebDriver endpoint and, when managed, its process.
pub struct Driver {
    managed: Option<Managed>,
    url: String,
    /// How many times a dead chromedriver was replaced.
    pub restarts: u32,
}

struct Managed {
    path: PathBuf,
    log: PathBuf,
    home: PathBuf,
    child: Child,
}

impl Driver {
    /// Starts chromedriver at `path`, logging warnings to `log`, and waits until it is ready.
    /// chromedriver and every browser it starts get `home` as their home, XDG and temporary
    /// folder, so whatever Chromium writes outside its profile (crash reports, downloads, NSS
    /// and font caches, singleton sockets) stays inside the crawl's temporary folder.
    pub async fn start(path: &Path, log: &Path, home: &Path) -> Result<Driver, BrowserError> {
        let (child, url) = spawn(path, log, home).await?;
        Ok(Driver {
            managed: Some(Managed {
                path: path.to_owned(),
                log: log.to_owned(),
                home: home.to_owned(),
                child,
            }),
            url,
            restarts: 0,
        })
    }

    /// Uses an existing endpoint; checks that it answers `/status`.
    pub async fn external(url: &str) -> Result<Driver, BrowserError> {
        let url = if url.ends_with('/') {
            url.to_string()
        } else {
            format!("{url}/")
        };
        wait_ready(&url, Duration::from_secs(10))
            .await
            .map_err(|e| {
                BrowserError::Setup(format!(
                    "the WebDriver endpoint {url} does not answer /status: {e}"
                ))
            })?;
        Ok(Driver {
            managed: None,
            url,
            restarts: 0,
        })
    }

    /// The endpoint URL (with a trailing slash).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Makes sure a managed chromedriver is running and answering, replacing it if it died
    /// or stopped answering. Returns true when it was replaced.
    pub async fn ensure_alive(&mut self) -> Result<bool, BrowserError> {
        let Some(m) = self.managed.as_mut() else {
            return Ok(false);
        };
        let exited = matches!(m.child.try_wait(), Ok(Some(_)) | Err(_));
        if !exited && wait_ready(&self.url, Duration::from_secs(5)).await.is_ok() {
            return Ok(false);
        }
        let _ = m.child.start_kill();
        let _ = m.child.wait().await;
        let (child, url) = spawn(&m.path, &m.log, &m.home).await?;
        m.child = child;
        self.url = url;
        self.restarts += 1;
        tracing::warn!(url = %self.url, "chromedriver was replaced");
        Ok(true)
    }

    /// Stops a managed chromedriver.
    pub async fn shutdown(&mut self) {
        if let Some(m) = self.managed.as_mut() {
            let _ = m.child.start_kill();
            let _ = m.child.wait().await;
        }
    }
}

/// The environment chromedriver and its browsers get under `home` (see [`Driver::start`]):
/// HOME, XDG folders and TMPDIR, created. TMPDIR is short enough for Chromium's socket
/// whatever the crawl's own is ([`super::procs::browser_tmp`]).
pub fn browser_env(home: &Path) -> Result<Vec<(&'static str, PathBuf)>, BrowserError> {
    let mut dirs = Vec::new();
    for (var, sub) in [
        ("HOME", ""),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_DATA_HOME", ".local/share"),
        ("TMPDIR", "tmp"),
    ] {
        let d = home.join(sub);
        std::fs::create_dir_all(&d).map_err(|e| {
            BrowserError::Setup(format!("cannot create browser folder {}: {e}", d.display()))
        })?;
        let d = if var == "TMPDIR" {
            let root = home.parent().unwrap_or(home);
            super::procs::browser_tmp(root, &d).map_err(|e| {
                BrowserError::Setup(format!(
                    "{} is too long for Chromium's socket and no short link to it could be made in /tmp: {e}",
                    d.display()
                ))
            })?
        } else {
            d
        };
        dirs.push((var, d));
    }
    Ok(dirs)
}

async fn spawn(path: &Path, log: &Path, home: &Path) -> Result<(Child, String), BrowserError> {
    let dirs = browser_env(home)?;
    let mut last = String::new();
    for _ in 0..3 {
        let port = free_port()?;
        let mut cmd = Command::new(path);
        cmd.arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .arg("--log-level=WARNING")
            .arg(format!("--log-path={}", log.display()))
            .envs(dirs.iter().map(|(k, v)| (k, v.as_os_str())))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        // SAFETY: prctl in the child before exec; it only sets the parent-death signal so
        // chromedriver dies with pixelcensus even on kill -9.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let mut child = cmd.spawn().map_err(|e| {
            BrowserError::Setup(format!(
                "cannot start chromedriver at {}: {e}; install it (Debian: `apt-get install chromium-driver`, or `make setup`), pass --chromedriver PATH, or use --webdriver URL",
                path.display()
            ))
        })?;
        let url = format!("http://127.0.0.1:{port}/");
        match wait_ready(&url, Duration::from_secs(20)).await {
            Ok(()) => return Ok((child, url)),
            Err(e) => {
                last = e;
                let _ = child.start_kill();
                let _ = child.wait().await;
            }
        }
    }
    Err(BrowserError::Setup(format!(
        "chromedriver at {} never became ready: {last}",
        path.display()
    )))
}

/// A free loopback port other than chromedriver's shared default 9515.
fn free_port() -> Result<u16, BrowserError> {
    loop {
        let l = std::net::TcpListener::bind("127.0.0.1:0")
            .map_err(|e| BrowserError::Setup(format!("no free loopback port: {e}")))?;
        let port = l
            .local_addr()
            .map_err(|e| BrowserError::Setup(e.to_string()))?
            .port();
        if port != 9515 {
            return Ok(port);
        }
    }
}

/// Polls `GET {url}status` until it says `"ready":true`.
pub async fn wait_ready(url: &str, budget: Duration) -> Result<(), String> {
    let start = Instant::now();
    let mut last = String::from("no answer");
    while start.elapsed() < budget {
        match tokio::time::timeout(Duration::from_secs(2), get_status(url)).await {
            Ok(Ok(body)) if body.contains("\"ready\":true") || body.contains("\"ready\": true") => {
                return Ok(());
            }
            Ok(Ok(body)) => {
                last = format!("not ready: {}", body.chars().take(200).collect::<String>())
            }
            Ok(Err(e)) => last = e,
            Err(_) => last = "status request timed out".into(),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(last)
}

async fn get_status(url: &str) -> Result<String, String> {
    http_get(url, "status").await
}

/// A raw HTTP/1.1 GET of `path` under the base URL `url` (a WebDriver endpoint's `/status`,
/// Chromium's DevTools `/json/version`); returns the whole response, head and body.
/// The Chrome slots of a Selenium Grid's nodes that are up (`/status`), or None when the
/// endpoint is not a Grid (a plain chromedriver's status has no nodes) or does not answer.
pub async fn grid_slots(url: &str) -> Option<usize> {
    let text = tokio::time::timeout(Duration::from_secs(10), http_get(url, "status"))
        .await
        .ok()?
        .ok()?;
    let body = text.split_once("\r\n\r\n")?.1;
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let nodes = v.get("value")?.get("nodes")?.as_array()?;
    let slots = nodes
        .iter()
        .filter(|n| n.get("availability").and_then(|a| a.as_str()) == Some("UP"))
        .flat_map(|n| {
            n.get("slots")
                .and_then(|s| s.as_array())
                .cloned()
                .unwrap_or_default()
        })
        .filter(|s| {
            let name = s
                .pointer("/stereotype/browserName")
                .and_then(|b| b.as_str())
                .unwrap_or_default();
            matches!(name, "chrome" | "chromium")
        })
        .count();
    Some(slots)
}

pub(crate) async fn http_get(url: &str, path: &str) -> Result<String, String> {
    let u = url::Url::parse(url).map_err(|e| e.to_string())?;
    let host = u.host_str().ok_or("no host")?.to_string();
    let port = u.port_or_known_default().ok_or("no port")?;
    let path = format!("{}{path}", u.path());
    let mut s = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|e| e.to_string())?;
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
    .await
    .map_err(|e| e.to_string())?;
    // chromedriver keeps the connection open whatever we ask: read by Content-Length.
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = s.read(&mut chunk).await.map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf);
        if let Some(end) = text.find("\r\n\r\n") {
            let len = text[..end]
                .lines()
                .find_map(|l| {
                    l.split_once(':')
                        .filter(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                        .map(|(_, v)| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                break;
            }
        }
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}
