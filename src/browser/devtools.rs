//! The browser's own DevTools endpoint (`goog:chromeOptions.debuggerAddress`, or a Selenium
//! Grid's `se:cdp`), for what chromedriver cannot do: chromedriver runs one command at a time
//! per session and waits for the page, so a page whose main thread spins blocks every
//! WebDriver command, perf-log reads included. The browser-level endpoint is served by
//! Chromium's browser process and answers whatever the renderer does, so from here a stuck or
//! unwanted tab can be closed (`Target.closeTarget`), which hands chromedriver back.
//!
//! It is also where the page's workers are seen: chromedriver's log covers the page and its
//! frames only. [`DevTools::capture_workers`] turns on target auto-attach (flattened
//! sessions, every new target paused until set up): service and shared workers attach from
//! the browser, dedicated workers from the page (and frame) sessions. Each worker gets
//! `Network.enable` before it runs a line, and its Network events are kept, with its
//! session and [`Context`], until the visit takes them ([`DevTools::take_worker_events`]).
//! The same worker reached twice (a service worker attaches from the browser and from its
//! page) is kept once.
//!
//! One WebSocket per browser, owned by one task that reads every message: answers go to the
//! command waiting for them, worker events to the buffer, attach events are acted on at once
//! (a paused worker must not wait for the visit). tokio-tungstenite with our own typed
//! messages rather than a CDP client crate: a handful of commands and events are needed, the
//! crate is small and maintained, and it already speaks to a Grid's `se:cdp` proxy.

use super::BrowserError;
use crate::capture::Context;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// A page (tab or popup) of the browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageTarget {
    /// The CDP target id (chromedriver uses it as the window handle).
    pub id: String,
    /// Its URL.
    pub url: String,
}

/// One Network event of a worker.
#[derive(Clone, Debug)]
pub struct WorkerEvent {
    /// The worker's DevTools session (request ids are unique within it).
    pub session: String,
    /// What kind of worker.
    pub context: Context,
    /// The page of the visit that was current when the worker attached (a dedicated
    /// worker belongs to the document that started it, whenever its requests are read).
    pub page: u32,
    /// The CDP method (`Network.requestWillBeSent`, …).
    pub method: String,
    /// Its parameters.
    pub params: Value,
}

/// Worker events kept at most between two reads: a worker that floods the log loses what
/// is past this (counted), the visit goes on.
const MAX_WORKER_EVENTS: usize = 200_000;

/// Script-behaviour reports kept at most between two reads (the hooks send at most 2,000
/// per document; a page that makes documents without end loses the rest, counted).
const MAX_SCRIPT_EVENTS: usize = 20_000;

type Pending = HashMap<u64, oneshot::Sender<Result<Value, String>>>;

/// What the reader task shares with the connection.
#[derive(Default)]
struct Shared {
    pending: Pending,
    /// Attached worker targets: target id → session.
    targets: HashMap<String, String>,
    /// Worker sessions kept: session → context, and the visit's page when it attached.
    sessions: HashMap<String, (Context, u32)>,
    /// The visit's current page, as the visit last said ([`DevTools::set_page`]).
    page: u32,
    events: Vec<WorkerEvent>,
    dropped: u64,
    closed: bool,
    /// Request bodies read as the page's requests left ([`DevTools::intercept_bodies`]), by
    /// Network request id, and their bytes in all.
    bodies: HashMap<String, Vec<u8>>,
    body_bytes: usize,
    /// While the visitor's keys are delivered: which document loads may go on
    /// ([`DevTools::guard_documents`]).
    guard: Option<DocGuard>,
    /// The visitor's device, locale and time zone as commands for each kind of target
    /// ([`DevTools::set_emulation`]), sent to a target before it runs.
    emulation: Option<std::sync::Arc<Emulated>>,
    /// The script-behaviour hooks installed in every target before it runs
    /// ([`DevTools::set_script_hooks`]), and what they reported since the last read.
    hooks: Option<std::sync::Arc<ScriptHooks>>,
    script_events: Vec<ScriptEvent>,
    script_dropped: u64,
    /// Workers paused before their first script, waiting for the hooks.
    hooks_pending: std::collections::HashSet<String>,
}

/// The hooks of the script-behaviour collector: the binding the hooks report through and
/// their source (for documents, run before any page script; for workers, evaluated before
/// the worker's first line).
#[derive(Debug)]
pub struct ScriptHooks {
    /// The binding's name (a global the hooks remove before any page script runs).
    pub binding: String,
    /// The hooks' JavaScript.
    pub source: String,
}

/// One report of the script-behaviour hooks.
#[derive(Clone, Debug)]
pub struct ScriptEvent {
    /// What kind of target sent it (a page or frame, or a worker).
    pub context: Context,
    /// The visit's page when it arrived (a worker's: when the worker attached).
    pub page: u32,
    /// The hooks' JSON payload.
    pub payload: String,
}

/// The emulation's DevTools commands per kind of target (see [`super::device::Emulation`]).
#[derive(Debug, Default)]
pub struct Emulated {
    /// For tabs and pop-ups.
    pub page: Vec<(&'static str, Value)>,
    /// For frames in a process of their own.
    pub frame: Vec<(&'static str, Value)>,
    /// For workers.
    pub worker: Vec<(&'static str, Value)>,
}

/// The document loads allowed while the visitor's keys are delivered, and what was stopped.
/// Every other document load of the tab is answered `204 No Content` by the crawler (the
/// page stays where it is; nothing reaches the server) and noted.
#[derive(Debug, Default, Clone)]
pub struct DocGuard {
    /// The top frame (its loads are navigations of the page).
    pub main_frame: String,
    /// The search the visitor may start: the checked form's action (no query) and the
    /// search value as a query carries it. `None` while typing into other fields.
    pub search: Option<(String, String)>,
    /// Values typed into other fields, as a query carries them: a load carrying one is a
    /// form's submission and is stopped.
    pub typed: Vec<String>,
    /// What was stopped: `METHOD URL`.
    pub stopped: Vec<String>,
    /// Whether the search's load went on.
    pub searched: bool,
}

impl DocGuard {
    /// Whether a document load may go on: the checked search (GET, the form's action, the
    /// search value in its query), or a frame's load carrying nothing typed.
    fn allows(&self, method: &str, url: &str, frame: &str) -> bool {
        let carries = |v: &String| !v.is_empty() && url.contains(v.as_str());
        if method != "GET" || self.typed.iter().any(carries) {
            return false;
        }
        if let Some((action, value)) = &self.search {
            let (base, query) = url.split_once('?').unwrap_or((url, ""));
            // No action: a box in no form, whose page's script may start the search anywhere.
            if frame == self.main_frame
                && (action.is_empty() || base == action)
                && query.contains(value.as_str())
            {
                return true;
            }
            if url.contains(value.as_str()) {
                return false;
            }
        }
        frame != self.main_frame
    }
}

/// Bytes of request bodies kept between two reads (a page that posts without end loses the
/// rest: their bodies stay `unavailable`).
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// The requests whose bodies are read as they leave: the kinds that carry one (beacons and
/// pings, XHR, fetch, and Chromium's "other"). A document's form post carries its body inline.
const BODY_PATTERNS: &str = r#"{"patterns":[{"urlPattern":"*","resourceType":"Ping","requestStage":"Request"},{"urlPattern":"*","resourceType":"XHR","requestStage":"Request"},{"urlPattern":"*","resourceType":"Fetch","requestStage":"Request"},{"urlPattern":"*","resourceType":"Other","requestStage":"Request"}]}"#;
/// [`BODY_PATTERNS`] and every document load, while the visitor's keys are delivered.
const GUARD_PATTERNS: &str = r#"{"patterns":[{"urlPattern":"*","resourceType":"Ping","requestStage":"Request"},{"urlPattern":"*","resourceType":"XHR","requestStage":"Request"},{"urlPattern":"*","resourceType":"Fetch","requestStage":"Request"},{"urlPattern":"*","resourceType":"Other","requestStage":"Request"},{"urlPattern":"*","resourceType":"Document","requestStage":"Request"}]}"#;

/// A connection to the browser-level DevTools endpoint.
pub struct DevTools {
    out: mpsc::UnboundedSender<String>,
    shared: Arc<Mutex<Shared>>,
    next_id: Arc<AtomicU64>,
    timeout: Duration,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for DevTools {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The browser-level auto-attach: service and shared workers, and pages (for their dedicated
/// workers); each new one paused until set up.
const BROWSER_ATTACH: &str = r#"{"autoAttach":true,"waitForDebuggerOnStart":true,"flatten":true,"filter":[{"type":"service_worker"},{"type":"shared_worker"},{"type":"page"}]}"#;
/// A page's or frame's auto-attach: its dedicated workers and out-of-process frames.
const PAGE_ATTACH: &str = r#"{"autoAttach":true,"waitForDebuggerOnStart":true,"flatten":true,"filter":[{"type":"worker"},{"type":"iframe"}]}"#;

impl DevTools {
    fn start(ws: Ws, timeout: Duration) -> DevTools {
        let (out, rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Mutex::new(Shared::default()));
        let next_id = Arc::new(AtomicU64::new(0));
        let task = tokio::spawn(run(ws, rx, out.clone(), shared.clone(), next_id.clone()));
        DevTools {
            out,
            shared,
            next_id,
            timeout,
            task,
        }
    }

    /// Connects to `host:port` (the session's `debuggerAddress`). Only loopback addresses
    /// are accepted: a remote WebDriver's address means nothing here.
    pub async fn connect(address: &str, timeout: Duration) -> Result<DevTools, BrowserError> {
        let (host, port) = address
            .rsplit_once(':')
            .ok_or_else(|| BrowserError::Command(format!("bad debugger address `{address}`")))?;
        if !matches!(host, "localhost" | "127.0.0.1") {
            return Err(BrowserError::Command(format!(
                "debugger address `{address}` is not on this machine"
            )));
        }
        let version = tokio::time::timeout(
            timeout,
            super::driver::http_get(&format!("http://127.0.0.1:{port}/"), "json/version"),
        )
        .await
        .map_err(|_| BrowserError::Command("DevTools /json/version timed out".into()))?
        .map_err(BrowserError::Command)?;
        let body = version.split_once("\r\n\r\n").map(|x| x.1).unwrap_or("");
        let v: Value = serde_json::from_str(body)
            .map_err(|e| BrowserError::Command(format!("DevTools /json/version: {e}")))?;
        let url = v
            .get("webSocketDebuggerUrl")
            .and_then(Value::as_str)
            .ok_or_else(|| BrowserError::Command("DevTools gave no WebSocket URL".into()))?
            .replacen("ws://localhost:", "ws://127.0.0.1:", 1);
        let (ws, _) = tokio::time::timeout(timeout, tokio_tungstenite::connect_async(url))
            .await
            .map_err(|_| BrowserError::Command("DevTools connection timed out".into()))?
            .map_err(|e| BrowserError::Command(format!("DevTools connection: {e}")))?;
        Ok(DevTools::start(ws, timeout))
    }

    /// Connects to a DevTools WebSocket URL given by the WebDriver endpoint itself (a
    /// Selenium Grid's `se:cdp`, which the Grid forwards to the node's browser).
    pub async fn connect_url(url: &str, timeout: Duration) -> Result<DevTools, BrowserError> {
        if !(url.starts_with("ws://") || url.starts_with("wss://")) {
            return Err(BrowserError::Command(format!(
                "se:cdp `{url}` is not a WebSocket URL"
            )));
        }
        let (ws, _) = tokio::time::timeout(timeout, tokio_tungstenite::connect_async(url))
            .await
            .map_err(|_| BrowserError::Command("Grid DevTools connection timed out".into()))?
            .map_err(|e| BrowserError::Command(format!("Grid DevTools connection {url}: {e}")))?;
        Ok(DevTools::start(ws, timeout))
    }

    /// Sends one browser-level command and waits for its answer.
    pub async fn call(&self, method: &str, params: Value) -> Result<Value, BrowserError> {
        self.call_in(None, method, params).await
    }

    /// Sends a command to one attached session (a worker's), or the browser with `None`.
    pub async fn call_in(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, BrowserError> {
        let (id, rx) = {
            let mut sh = self.shared.lock().unwrap();
            self.send(&mut sh, session, method, params)?
        };
        match tokio::time::timeout(self.timeout, rx).await {
            Ok(Ok(Ok(v))) => Ok(v),
            Ok(Ok(Err(e))) => Err(BrowserError::Command(format!("{method}: {e}"))),
            Ok(Err(_)) => Err(BrowserError::Lost("DevTools connection closed".into())),
            Err(_) => {
                self.shared.lock().unwrap().pending.remove(&id);
                Err(BrowserError::Lost(format!(
                    "DevTools {method} did not answer"
                )))
            }
        }
    }

    /// Sends `calls` (parameters of `method`) to one session in order, without waiting
    /// between them, then waits for every answer: pipelined input, which the page receives
    /// back to back as from a fast typist. The first error, if any; `Stuck` when the page has
    /// not answered them all within `budget` (its renderer is busy or spinning).
    pub async fn call_all(
        &self,
        session: &str,
        method: &str,
        calls: Vec<Value>,
        budget: Duration,
    ) -> Result<(), BrowserError> {
        let mut waits = Vec::with_capacity(calls.len());
        let mut ids = Vec::with_capacity(calls.len());
        {
            let mut sh = self.shared.lock().unwrap();
            for params in calls {
                let (id, rx) = self.send(&mut sh, Some(session), method, params)?;
                waits.push(rx);
                ids.push(id);
            }
        }
        let all = async {
            for rx in waits {
                match rx.await {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => return Err(BrowserError::Command(format!("{method}: {e}"))),
                    Err(_) => return Err(BrowserError::Lost("DevTools connection closed".into())),
                }
            }
            Ok(())
        };
        match tokio::time::timeout(budget, all).await {
            Ok(r) => r,
            Err(_) => {
                let mut sh = self.shared.lock().unwrap();
                for id in ids {
                    sh.pending.remove(&id);
                }
                Err(BrowserError::Stuck(format!(
                    "the page did not take {method} within {} s",
                    budget.as_secs_f32()
                )))
            }
        }
    }

    /// Attaches to a page (flattened) and returns the session for its page-level commands;
    /// no domain is enabled on it, so it carries no events.
    pub async fn attach(&self, target_id: &str) -> Result<String, BrowserError> {
        let v = self
            .call(
                "Target.attachToTarget",
                json!({ "targetId": target_id, "flatten": true }),
            )
            .await?;
        v.get("sessionId")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| BrowserError::Command("Target.attachToTarget gave no session".into()))
    }

    /// Registers a command's answer and writes the command (to `session`, or the browser).
    fn send(
        &self,
        sh: &mut Shared,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<(u64, oneshot::Receiver<Result<Value, String>>), BrowserError> {
        if sh.closed {
            return Err(BrowserError::Lost("DevTools connection closed".into()));
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let (tx, rx) = oneshot::channel();
        sh.pending.insert(id, tx);
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        if self.out.send(msg.to_string()).is_err() {
            return Err(BrowserError::Lost("DevTools connection closed".into()));
        }
        Ok((id, rx))
    }

    /// Starts capturing the page's workers (see the module docs): from now on every worker
    /// the browser starts is attached, set up and resumed by the connection's task.
    pub async fn capture_workers(&self) -> Result<(), BrowserError> {
        let params: Value = serde_json::from_str(BROWSER_ATTACH).expect("valid JSON");
        self.call("Target.setAutoAttach", params).await.map(|_| ())
    }

    /// Reads the body of every request of the page of `session` that can carry one, as it
    /// leaves (CDP `Fetch` at the request stage: the browser holds the body's bytes, Blob and
    /// FormData parts included, which the page's Network events only flag, and which are gone
    /// once the page that sent them is). Each such request is let go at once, unchanged.
    pub async fn intercept_bodies(&self, session: &str) -> Result<(), BrowserError> {
        let params: Value = serde_json::from_str(BODY_PATTERNS).expect("valid JSON");
        self.call_in(Some(session), "Fetch.enable", params)
            .await
            .map(|_| ())
    }

    /// Guards the document loads of the tab of `session` as `guard` says until
    /// [`DevTools::end_guard`]: loads it does not allow are answered 204 and noted.
    pub async fn guard_documents(
        &self,
        session: &str,
        guard: DocGuard,
    ) -> Result<(), BrowserError> {
        self.shared.lock().unwrap().guard = Some(guard);
        let params: Value = serde_json::from_str(GUARD_PATTERNS).expect("valid JSON");
        let r = self.call_in(Some(session), "Fetch.enable", params).await;
        if r.is_err() {
            self.shared.lock().unwrap().guard = None;
        }
        r.map(|_| ())
    }

    /// Ends the guard: document loads are no longer held; returns what was stopped and
    /// whether the search's load went on.
    pub async fn end_guard(&self, session: &str) -> (Vec<String>, bool) {
        let g = self.shared.lock().unwrap().guard.take().unwrap_or_default();
        let params: Value = serde_json::from_str(BODY_PATTERNS).expect("valid JSON");
        let _ = self.call_in(Some(session), "Fetch.enable", params).await;
        (g.stopped, g.searched)
    }

    /// The bodies read since the last call, by Network request id.
    pub fn take_bodies(&self) -> HashMap<String, Vec<u8>> {
        let mut sh = self.shared.lock().unwrap();
        sh.body_bytes = 0;
        std::mem::take(&mut sh.bodies)
    }

    /// Workers that attach from now on belong to the visit's page `page`.
    pub fn set_page(&self, page: u32) {
        self.shared.lock().unwrap().page = page;
    }

    /// The commands that make every target attached from now on the crawl's visitor (its
    /// device, User-Agent and client hints, locale, time zone), sent before it runs.
    pub fn set_emulation(&self, e: std::sync::Arc<Emulated>) {
        self.shared.lock().unwrap().emulation = Some(e);
    }

    /// Installs `hooks` in every target attached from now on, before it runs.
    pub fn set_script_hooks(&self, hooks: std::sync::Arc<ScriptHooks>) {
        self.shared.lock().unwrap().hooks = Some(hooks);
    }

    /// The script-behaviour reports since the last call, in arrival order, and how many
    /// were dropped over [`MAX_SCRIPT_EVENTS`].
    pub fn take_script_events(&self) -> (Vec<ScriptEvent>, u64) {
        let mut sh = self.shared.lock().unwrap();
        (
            std::mem::take(&mut sh.script_events),
            std::mem::take(&mut sh.script_dropped),
        )
    }

    /// The worker events since the last call, in arrival order, and how many were dropped
    /// over [`MAX_WORKER_EVENTS`].
    pub fn take_worker_events(&self) -> (Vec<WorkerEvent>, u64) {
        let mut sh = self.shared.lock().unwrap();
        (
            std::mem::take(&mut sh.events),
            std::mem::take(&mut sh.dropped),
        )
    }

    /// The browser's pages (tabs and popups), in Chromium's order.
    pub async fn pages(&self) -> Result<Vec<PageTarget>, BrowserError> {
        let v = self.call("Target.getTargets", json!({})).await?;
        Ok(v.get("targetInfos")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|t| t.get("type").and_then(Value::as_str) == Some("page"))
            .map(|t| PageTarget {
                id: t
                    .get("targetId")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                url: t
                    .get("url")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            })
            .collect())
    }

    /// Every target of the browser (pages, frames, workers of every kind), as id and type.
    pub async fn targets(&self) -> Result<Vec<Target>, BrowserError> {
        let v = self.call("Target.getTargets", json!({})).await?;
        let s = |t: &Value, k: &str| {
            t.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        Ok(v.get("targetInfos")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|t| Target {
                id: s(t, "targetId"),
                kind: s(t, "type"),
                url: s(t, "url"),
            })
            .collect())
    }

    /// Closes a page, whatever its renderer is doing.
    pub async fn close(&self, target_id: &str) -> Result<(), BrowserError> {
        self.call("Target.closeTarget", json!({ "targetId": target_id }))
            .await
            .map(|_| ())
    }
}

/// A DevTools target: its id, type (`page`, `iframe`, `worker`, `shared_worker`,
/// `service_worker`, …) and URL.
#[derive(Clone, Debug)]
pub struct Target {
    /// `targetId`.
    pub id: String,
    /// `type`.
    pub kind: String,
    /// `url`.
    pub url: String,
}

/// The connection's task: reads every message, writes what the connection sends.
async fn run(
    mut ws: Ws,
    mut rx: mpsc::UnboundedReceiver<String>,
    out: mpsc::UnboundedSender<String>,
    shared: Arc<Mutex<Shared>>,
    next_id: Arc<AtomicU64>,
) {
    loop {
        tokio::select! {
            m = ws.next() => match m {
                Some(Ok(Message::Text(t))) => {
                    if let Ok(v) = serde_json::from_str::<Value>(&super::text::safe_json(t.as_str())) {
                        on_message(v, &out, &shared, &next_id);
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
            o = rx.recv() => match o {
                Some(msg) => {
                    if ws.send(Message::text(msg)).await.is_err() {
                        break;
                    }
                }
                None => break,
            },
        }
    }
    let mut sh = shared.lock().unwrap();
    sh.closed = true;
    sh.pending.clear(); // every waiting command reads "closed"
}

/// Sends a command whose answer nobody waits for.
fn fire(
    out: &mpsc::UnboundedSender<String>,
    next_id: &AtomicU64,
    session: &str,
    method: &str,
    params: Value,
) {
    let id = next_id.fetch_add(1, Ordering::Relaxed) + 1;
    let msg = json!({ "id": id, "method": method, "params": params, "sessionId": session });
    let _ = out.send(msg.to_string());
}

/// One message from the browser: an answer, or an event.
fn on_message(
    v: Value,
    out: &mpsc::UnboundedSender<String>,
    shared: &Mutex<Shared>,
    next_id: &AtomicU64,
) {
    if let Some(id) = v.get("id").and_then(Value::as_u64) {
        let tx = shared.lock().unwrap().pending.remove(&id);
        if let Some(tx) = tx {
            let r = match v.get("error") {
                Some(e) => Err(e.to_string()),
                None => Ok(v.get("result").cloned().unwrap_or(Value::Null)),
            };
            let _ = tx.send(r);
        }
        return;
    }
    let Some(method) = v.get("method").and_then(Value::as_str) else {
        return;
    };
    let session = v.get("sessionId").and_then(Value::as_str);
    // Borrowed: the pages' sessions also carry Runtime and Page events nobody reads here.
    let params = v.get("params").unwrap_or(&Value::Null);
    match method {
        "Fetch.requestPaused" => paused(params, session, out, shared, next_id),
        "Debugger.paused" => {
            if let Some(s) = session {
                hook_worker(s, out, shared, next_id);
            }
        }
        "Runtime.bindingCalled" => script_report(params, session, shared),
        "Target.attachedToTarget" => attached(params, session, out, shared, next_id),
        "Target.detachedFromTarget" => {
            if let Some(s) = params.get("sessionId").and_then(Value::as_str) {
                let mut sh = shared.lock().unwrap();
                sh.hooks_pending.remove(s);
                if sh.sessions.remove(s).is_some() {
                    sh.targets.retain(|_, v| v != s);
                }
            }
        }
        m if m.starts_with("Network.") => worker_event(m, params, session, shared),
        _ => {}
    }
}

/// A report of the script-behaviour hooks (the binding called in a page, frame or worker):
/// kept with its context and the visit's page.
fn script_report(params: &Value, session: Option<&str>, shared: &Mutex<Shared>) {
    let mut sh = shared.lock().unwrap();
    let Some(hooks) = sh.hooks.clone() else {
        return;
    };
    if params.get("name").and_then(Value::as_str) != Some(hooks.binding.as_str()) {
        return;
    }
    let Some(payload) = params.get("payload").and_then(Value::as_str) else {
        return;
    };
    if sh.script_events.len() >= MAX_SCRIPT_EVENTS {
        sh.script_dropped += 1;
        return;
    }
    let (context, page) = session
        .and_then(|s| sh.sessions.get(s).copied())
        .unwrap_or((Context::Page, sh.page));
    sh.script_events.push(ScriptEvent {
        context,
        page,
        payload: payload.to_string(),
    });
}

/// A Network event of a session: kept when the session is a worker's.
fn worker_event(method: &str, params: &Value, session: Option<&str>, shared: &Mutex<Shared>) {
    let Some(s) = session else { return };
    let mut sh = shared.lock().unwrap();
    let Some(&(context, page)) = sh.sessions.get(s) else {
        return;
    };
    if sh.events.len() >= MAX_WORKER_EVENTS {
        sh.dropped += 1;
        return;
    }
    sh.events.push(WorkerEvent {
        session: s.to_string(),
        context,
        page,
        method: method.to_string(),
        params: params.clone(),
    });
}

/// A request held at the request stage: its body kept (by its Network request id), then it
/// goes on unchanged, first thing.
fn paused(
    p: &Value,
    session: Option<&str>,
    out: &mpsc::UnboundedSender<String>,
    shared: &Mutex<Shared>,
    next_id: &AtomicU64,
) {
    if p.get("requestId").is_none() {
        return;
    }
    let id = next_id.fetch_add(1, Ordering::Relaxed) + 1;
    let mut msg = json!({ "id": id, "method": "Fetch.continueRequest", "params": { "requestId": p["requestId"] } });
    if p.get("resourceType").and_then(Value::as_str) == Some("Document") {
        let mut sh = shared.lock().unwrap();
        if let Some(g) = sh.guard.as_mut() {
            let req = &p["request"];
            let method = req.get("method").and_then(Value::as_str).unwrap_or("GET");
            let url = req.get("url").and_then(Value::as_str).unwrap_or("");
            let frame = p.get("frameId").and_then(Value::as_str).unwrap_or("");
            if g.allows(method, url, frame) {
                g.searched |= g.search.is_some() && frame == g.main_frame;
            } else {
                let cut: String = url.chars().take(300).collect();
                g.stopped.push(format!("{method} {cut}"));
                msg["method"] = json!("Fetch.fulfillRequest");
                msg["params"] = json!({ "requestId": p["requestId"], "responseCode": 204, "responseHeaders": [] });
            }
        }
    }
    if let Some(s) = session {
        msg["sessionId"] = json!(s);
    }
    let _ = out.send(msg.to_string());
    let (Some(network), Some(body)) = (
        p.get("networkId").and_then(Value::as_str),
        super::body::body_bytes(&p["request"]),
    ) else {
        return;
    };
    let mut sh = shared.lock().unwrap();
    if sh.body_bytes + body.len() <= MAX_BODY_BYTES {
        sh.body_bytes += body.len();
        sh.bodies.insert(network.to_string(), body);
    }
}

/// A worker stopped just before its first script (or any other pause of a session this
/// connection debugs): the hooks are installed in its global, then the debugger is turned
/// off, which lets the worker run.
fn hook_worker(
    session: &str,
    out: &mpsc::UnboundedSender<String>,
    shared: &Mutex<Shared>,
    next_id: &AtomicU64,
) {
    let hooks = {
        let mut sh = shared.lock().unwrap();
        let pending = sh.hooks_pending.remove(session);
        sh.hooks.clone().filter(|_| pending)
    };
    if let Some(h) = hooks {
        fire(
            out,
            next_id,
            session,
            "Runtime.addBinding",
            json!({ "name": h.binding }),
        );
        fire(
            out,
            next_id,
            session,
            "Runtime.evaluate",
            json!({ "expression": h.source }),
        );
    }
    fire(out, next_id, session, "Debugger.disable", json!({}));
}

/// A target attached (paused if new): a worker is set up once and resumed; a page or frame
/// gets its own auto-attach for its dedicated workers; anything else is resumed and left.
/// Each gets the visitor's emulation and the script-behaviour hooks first.
fn attached(
    p: &Value,
    parent: Option<&str>,
    out: &mpsc::UnboundedSender<String>,
    shared: &Mutex<Shared>,
    next_id: &AtomicU64,
) {
    let Some(session) = p.get("sessionId").and_then(Value::as_str) else {
        return;
    };
    let info = &p["targetInfo"];
    let kind = info.get("type").and_then(Value::as_str).unwrap_or("");
    let target = info.get("targetId").and_then(Value::as_str).unwrap_or("");
    let send = |method: &str, params: Value| fire(out, next_id, session, method, params);
    // The visitor's emulation first, so the target's first request and script see it.
    let (emulation, hooks) = {
        let sh = shared.lock().unwrap();
        (sh.emulation.clone(), sh.hooks.clone())
    };
    if let Some(e) = emulation {
        let cmds = match kind {
            "page" => &e.page,
            "iframe" => &e.frame,
            "service_worker" | "shared_worker" | "worker" => &e.worker,
            _ => &Vec::new(),
        };
        for (method, params) in cmds {
            send(method, params.clone());
        }
    }
    match kind {
        "service_worker" | "shared_worker" | "worker" => {
            if !first_attach(shared, target, session, Context::parse(kind)) {
                // Already captured through another session: let it run, and let go.
                send("Runtime.runIfWaitingForDebugger", json!({}));
                let id = next_id.fetch_add(1, Ordering::Relaxed) + 1;
                let mut msg = json!({ "id": id, "method": "Target.detachFromTarget", "params": { "sessionId": session } });
                if let Some(parent) = parent {
                    msg["sessionId"] = json!(parent);
                }
                let _ = out.send(msg.to_string());
                return;
            }
            send(
                "Network.enable",
                json!({ "maxPostDataSize": super::INLINE_BODY_MAX }),
            );
            // The hooks run in the worker's global before its script's first line: a worker
            // paused at start has no context to evaluate in yet, so the debugger stops it
            // again just before its first script (see `hook_worker`).
            if hooks.is_some() {
                let mut sh = shared.lock().unwrap();
                sh.hooks_pending.insert(session.to_string());
                send("Debugger.enable", json!({}));
                send(
                    "Debugger.setInstrumentationBreakpoint",
                    json!({ "instrumentation": "beforeScriptExecution" }),
                );
            }
        }
        "page" | "iframe" => {
            let params: Value = serde_json::from_str(PAGE_ATTACH).expect("valid JSON");
            send("Target.setAutoAttach", params);
            // The hooks run in each new document of the target before any page script (the
            // Page and Runtime domains enabled: without them neither the script nor the
            // binding reaches a new document; chromedriver's own session enables both too).
            if let Some(h) = &hooks {
                send("Page.enable", json!({}));
                send("Runtime.enable", json!({}));
                send("Runtime.addBinding", json!({ "name": h.binding }));
                send(
                    "Page.addScriptToEvaluateOnNewDocument",
                    json!({ "source": h.source, "runImmediately": true }),
                );
            }
        }
        _ => {}
    }
    send("Runtime.runIfWaitingForDebugger", json!({}));
}

/// Records a worker's first attach (its session, its context, the visit's page now); false
/// when the worker was already attached through another session.
fn first_attach(shared: &Mutex<Shared>, target: &str, session: &str, context: Context) -> bool {
    let mut sh = shared.lock().unwrap();
    if sh.targets.contains_key(target) {
        return false;
    }
    sh.targets.insert(target.to_string(), session.to_string());
    let page = sh.page;
    sh.sessions.insert(session.to_string(), (context, page));
    true
}

#[cfg(test)]
mod tests {
    use super::DocGuard;

    #[test]
    fn the_guard_lets_only_the_checked_search_and_clean_frames_load() {
        let g = DocGuard {
            main_frame: "TOP".into(),
            search: Some(("https://s.test/search".into(), "pcsearch+abc".into())),
            typed: vec!["pc.abc%40example.com".into(), "pc.abc@example.com".into()],
            ..Default::default()
        };
        let top = |m: &str, u: &str| g.allows(m, u, "TOP");
        assert!(top("GET", "https://s.test/search?q=pcsearch+abc"));
        // Elsewhere, by POST, or carrying a typed value: stopped.
        assert!(!top("POST", "https://s.test/search?q=pcsearch+abc"));
        assert!(!top("GET", "https://s.test/account/close?q=pcsearch+abc"));
        assert!(!top(
            "GET",
            "https://s.test/search?q=pcsearch+abc&e=pc.abc%40example.com"
        ));
        assert!(!top("GET", "https://s.test/elsewhere"));
        // A frame may load what carries nothing typed.
        assert!(g.allows("GET", "https://ads.test/frame", "F1"));
        assert!(!g.allows("GET", "https://ads.test/frame?q=pcsearch+abc", "F1"));
        // A box in no form: the page's own search anywhere on the top frame.
        let free = DocGuard {
            search: Some((String::new(), "pcsearch+abc".into())),
            ..g.clone()
        };
        assert!(free.allows("GET", "https://s.test/find/?term=pcsearch+abc", "TOP"));
        // While canaries are typed, no navigation at all.
        let typing = DocGuard {
            search: None,
            ..g.clone()
        };
        assert!(!typing.allows("GET", "https://s.test/next", "TOP"));
    }
}
