//! The channels a page can send through besides its own requests: a service worker that
//! sends tracker hits and proxies a first-party path to a tracker, a dedicated and a shared
//! worker that beacon, a WebSocket session recorder that streams input events (typed canary
//! included), an EventSource and an `<a ping>` link. All of it lives on `workers.test` and
//! sends to `collect.recorder-demo.test`; the server logs every WebSocket message it gets and
//! sends ([`LoggedFrame`]) so a test can compare the capture with both ends of the socket.

use super::{Body, State, full, respond};
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use hyper::Response;
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::Role;

/// The site that uses every channel.
pub const SITE: &str = "workers.test";
/// The tracker host every channel sends to.
pub const TRACKER: &str = "collect.recorder-demo.test";
/// The path of the WebSocket recorder on [`TRACKER`].
pub const WS_PATH: &str = "/v1/ws";
/// The path of the EventSource stream on [`TRACKER`].
pub const STREAM_PATH: &str = "/v1/stream";
/// The path on [`SITE`] its service worker forwards to the tracker.
pub const PROXIED_PATH: &str = "/collect/hit";
/// The path on [`SITE`] its service worker answers from its cache (nothing leaves).
pub const CACHED_PATH: &str = "/sw-cached.gif";
/// What the recorder's server says when a socket opens (text, then binary).
pub const SERVER_HELLO: &str = r#"{"t":"hello","session":"ws-srv-0001"}"#;
/// The binary message the recorder's server sends after its hello.
pub const SERVER_BINARY: &[u8] = &[0, 1, 2, 0xfe, 0xff];
/// The EventSource stream's messages (`event` name, `data`).
pub const STREAM_EVENTS: [(&str, &str); 2] =
    [("config", r#"{"sid":"es-0001"}"#), ("message", "second")];

/// Requests the test web receives that no capture can hold, with why: Chromium's browser
/// process fetches a service worker's script (at registration and for every update check)
/// before the worker runs and reports the fetch to no DevTools target.
pub const UNREPORTED: &[(&str, &str, &str)] = &[(
    SITE,
    "/sw.js",
    "a service worker's script, fetched by the browser process and reported to no target",
)];

/// One WebSocket message the test web received or sent.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct LoggedFrame {
    /// Seconds since the Unix epoch.
    pub time: f64,
    /// The socket's URL (`wss://host/path?query`).
    pub url: String,
    /// True for a message the browser sent (the server received it).
    pub from_browser: bool,
    /// True for a text message.
    pub text: bool,
    /// The payload.
    pub payload: Vec<u8>,
}

/// The page's script: every channel at once.
pub const PAGE: &str = r#"<a id="pc-ping" href="/ping-landing" target="pcping" ping="https://collect.recorder-demo.test/v1/ping?from=link">Read the story</a>
<iframe name="pcping" title="story" width="10" height="10"></iframe>
<script>
(function () {
  var T = 'https://collect.recorder-demo.test';
  // A service worker: it sends hits itself, proxies /collect/hit to the tracker and answers
  // /sw-cached.gif from its cache.
  if (navigator.serviceWorker) {
    navigator.serviceWorker.register('/sw.js').then(function () { return navigator.serviceWorker.ready; }).then(function () {
      var go = function () {
        fetch('/collect/hit?ev=pageview&dl=' + encodeURIComponent(location.href));
        fetch('/sw-cached.gif');
      };
      if (navigator.serviceWorker.controller) { go(); } else { navigator.serviceWorker.addEventListener('controllerchange', go); }
    });
  }
  // A dedicated worker and a shared worker that beacon.
  var worker = new Worker('/worker.js');
  worker.postMessage({t: 'page', url: location.href});
  try { var shared = new SharedWorker('/shared.js'); shared.port.start(); shared.port.postMessage({t: 'page', url: location.href}); } catch (e) {}
  // A WebSocket session recorder: input events, the typed values included.
  var ws = new WebSocket('wss://collect.recorder-demo.test/v1/ws?site=' + location.hostname);
  var queue = [];
  var send = function (m) { if (ws.readyState === 1) { ws.send(m); } else { queue.push(m); } };
  ws.onopen = function () {
    ws.send(JSON.stringify({t: 'open', url: location.href, ua: navigator.userAgent}));
    ws.send(new Uint8Array([112, 99, 0, 255, 1]));
    queue.forEach(function (m) { ws.send(m); });
    queue = [];
  };
  var typed = function (e) {
    if (!e.target || !e.target.name) { return; }
    var m = {t: 'input', field: e.target.name, value: e.target.value || ''};
    send(JSON.stringify(m));
    worker.postMessage(m);
    if (navigator.serviceWorker && navigator.serviceWorker.controller) { navigator.serviceWorker.controller.postMessage(m); }
  };
  document.addEventListener('change', typed, true);
  // An EventSource, closed once it has both messages.
  var got = 0;
  var es = new EventSource(T + '/v1/stream?site=' + location.hostname);
  var seen = function () { got += 1; if (got >= 2) { es.close(); } };
  es.addEventListener('config', seen);
  es.onmessage = seen;
  // Hyperlink auditing: the story link, followed in its frame, pings the tracker.
  window.addEventListener('load', function () { setTimeout(function () { document.getElementById('pc-ping').click(); }, 200); });
})();
</script>"#;

/// The service worker.
const SW: &str = r#"var T = 'https://collect.recorder-demo.test';
self.addEventListener('install', function (e) {
  self.skipWaiting();
  e.waitUntil(caches.open('pc-v1').then(function (c) {
    return c.put('/sw-cached.gif', new Response('GIF89a', {headers: {'Content-Type': 'image/gif'}}));
  }));
});
self.addEventListener('activate', function (e) {
  e.waitUntil(self.clients.claim().then(function () {
    var hits = [];
    for (var i = 1; i <= 5; i++) {
      hits.push(fetch(T + '/v1/sw?n=' + i, {method: 'POST', mode: 'no-cors', body: 'sw-hit-' + i}));
    }
    return Promise.all(hits);
  }));
});
self.addEventListener('message', function (e) {
  fetch(T + '/v1/sw-typed', {method: 'POST', mode: 'no-cors', headers: {'Content-Type': 'text/plain'}, body: JSON.stringify(e.data)});
});
self.addEventListener('fetch', function (e) {
  var u = new URL(e.request.url);
  if (u.pathname === '/collect/hit') {
    e.respondWith(fetch(T + '/v1/proxied' + u.search, {mode: 'no-cors'}).then(function () {
      return new Response(null, {status: 204});
    }));
  } else if (u.pathname === '/sw-cached.gif') {
    e.respondWith(caches.match('/sw-cached.gif'));
  }
});
"#;

/// The dedicated worker.
const WORKER: &str = r#"var T = 'https://collect.recorder-demo.test';
fetch(T + '/v1/worker?boot=1', {mode: 'no-cors'});
self.onmessage = function (e) {
  fetch(T + '/v1/worker', {method: 'POST', mode: 'no-cors', headers: {'Content-Type': 'text/plain'}, body: JSON.stringify(e.data)});
};
"#;

/// The shared worker.
const SHARED: &str = r#"var T = 'https://collect.recorder-demo.test';
self.onconnect = function (e) {
  fetch(T + '/v1/shared?hello=1', {mode: 'no-cors'});
};
"#;

/// The site's own channel files (`/sw.js`, `/worker.js`, `/shared.js`, the ping's landing).
pub(super) fn site_file(path: &str) -> Option<Response<Body>> {
    let js = |s: &'static str| Some(respond(200, "application/javascript", s));
    match path {
        "/sw.js" => js(SW),
        "/worker.js" => js(WORKER),
        "/shared.js" => js(SHARED),
        "/ping-landing" => Some(respond(
            200,
            "text/html; charset=utf-8",
            "<!doctype html><title>Story</title><p>The story.</p>",
        )),
        PROXIED_PATH | CACHED_PATH => Some(respond(
            404,
            "text/plain",
            "answered by the service worker, not the server",
        )),
        _ => None,
    }
}

/// The EventSource stream: two messages, then the end (with a long retry, so the browser
/// does not reconnect while the page lives).
pub(super) fn stream() -> Response<Body> {
    let mut s = String::from("retry: 600000\n\n");
    for (i, (event, data)) in STREAM_EVENTS.iter().enumerate() {
        s.push_str(&format!("id: {}\nevent: {event}\ndata: {data}\n\n", i + 1));
    }
    respond(200, "text/event-stream", s)
}

/// True when the request asks to become a WebSocket.
pub(super) fn wants_websocket(h: &hyper::HeaderMap) -> bool {
    h.get("upgrade")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// Answers a WebSocket handshake with 101 and serves the recorder on the upgraded
/// connection: a hello (text and binary), then every message is logged until the close.
pub(super) fn accept(
    on_upgrade: hyper::upgrade::OnUpgrade,
    headers: &hyper::HeaderMap,
    url: String,
    st: Arc<State>,
) -> Response<Body> {
    let Some(key) = headers.get("sec-websocket-key") else {
        return respond(400, "text/plain", "no Sec-WebSocket-Key");
    };
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
    tokio::spawn(async move {
        let Ok(upgraded) = on_upgrade.await else {
            return;
        };
        let mut ws = tokio_tungstenite::WebSocketStream::from_raw_socket(
            TokioIo::new(upgraded),
            Role::Server,
            None,
        )
        .await;
        let log = |from_browser: bool, text: bool, payload: &[u8]| {
            st.frames.lock().unwrap().push(LoggedFrame {
                time: super::now(),
                url: url.clone(),
                from_browser,
                text,
                payload: payload.to_vec(),
            });
        };
        log(false, true, SERVER_HELLO.as_bytes());
        if ws.send(Message::text(SERVER_HELLO)).await.is_err() {
            return;
        }
        log(false, false, SERVER_BINARY);
        if ws
            .send(Message::binary(Bytes::from_static(SERVER_BINARY)))
            .await
            .is_err()
        {
            return;
        }
        while let Some(Ok(m)) = ws.next().await {
            match m {
                Message::Text(t) => log(true, true, t.as_bytes()),
                Message::Binary(b) => log(true, false, &b),
                Message::Close(_) => break,
                _ => {}
            }
        }
    });
    Response::builder()
        .status(101)
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Accept", accept)
        .body(full(""))
        .expect("valid response")
}
