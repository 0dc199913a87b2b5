//! The browser's own DevTools endpoint (`goog:chromeOptions.debuggerAddress`), for what
//! chromedriver cannot do: chromedriver runs one command at a time per session and waits for
//! the page, so a page whose main thread spins blocks every WebDriver command, perf-log reads
//! included. The browser-level endpoint is served by Chromium's browser process and answers
//! whatever the renderer does, so from here a stuck or unwanted tab can be closed
//! (`Target.closeTarget`), which hands chromedriver back.
//!
//! One WebSocket per browser, opened on first use; plain request/response (no events are
//! enabled on it), typed as JSON values. tokio-tungstenite is used directly rather than a CDP
//! client crate: four commands are needed, and the crate is small and maintained.

use super::BrowserError;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::net::TcpStream;
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

/// A connection to the browser-level DevTools endpoint.
pub struct DevTools {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    timeout: Duration,
}

impl DevTools {
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
        Ok(DevTools {
            ws,
            next_id: 0,
            timeout,
        })
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
        Ok(DevTools {
            ws,
            next_id: 0,
            timeout,
        })
    }

    /// Sends one browser-level command and waits for its answer.
    pub async fn call(&mut self, method: &str, params: Value) -> Result<Value, BrowserError> {
        self.next_id += 1;
        let id = self.next_id;
        let msg = json!({ "id": id, "method": method, "params": params }).to_string();
        let fut = async {
            self.ws
                .send(Message::text(msg))
                .await
                .map_err(|e| BrowserError::Lost(format!("DevTools: {e}")))?;
            while let Some(m) = self.ws.next().await {
                let m = m.map_err(|e| BrowserError::Lost(format!("DevTools: {e}")))?;
                let Message::Text(t) = m else { continue };
                let v: Value = serde_json::from_str(t.as_str()).unwrap_or(Value::Null);
                if v.get("id").and_then(Value::as_u64) != Some(id) {
                    continue; // an event
                }
                if let Some(e) = v.get("error") {
                    return Err(BrowserError::Command(format!("{method}: {e}")));
                }
                return Ok(v.get("result").cloned().unwrap_or(Value::Null));
            }
            Err(BrowserError::Lost("DevTools connection closed".into()))
        };
        tokio::time::timeout(self.timeout, fut)
            .await
            .map_err(|_| BrowserError::Lost(format!("DevTools {method} did not answer")))?
    }

    /// The browser's pages (tabs and popups), in Chromium's order.
    pub async fn pages(&mut self) -> Result<Vec<PageTarget>, BrowserError> {
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

    /// Closes a page, whatever its renderer is doing.
    pub async fn close(&mut self, target_id: &str) -> Result<(), BrowserError> {
        self.call("Target.closeTarget", json!({ "targetId": target_id }))
            .await
            .map(|_| ())
    }
}
