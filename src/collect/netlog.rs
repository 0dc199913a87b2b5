//! Assembles chromedriver performance-log events (CDP `Network.*`) into requests.
//!
//! - `requestWillBeSent` opens a request; a repeat with `redirectResponse` closes the previous
//!   hop with the redirect's status and opens the next one under the same request id.
//! - `requestWillBeSentExtraInfo` carries the headers actually sent (Cookie included) and
//!   `responseReceivedExtraInfo` the raw response headers (Set-Cookie included). They may
//!   arrive before or after their request, one per hop, in hop order.
//! - Bodies come from `postDataEntries` (byte-exact) or `postData`; a request that only says
//!   `hasPostData` is left `Unavailable` for the visit to fetch (`Network.getRequestPostData`).
//! - Only http(s) requests are kept: `data:`, `blob:` and `chrome:` URLs are not traffic.
//! - WebSockets: `webSocketCreated` opens a request (type `WebSocket`, its `ws(s)://` URL),
//!   the handshake events give its headers (as sent, Cookie included), status and response
//!   headers, `webSocketFrameSent`/`Received` its messages ([`RawFrame`], payloads up to
//!   [`FRAME_PAYLOAD_CAP`] per connection), `webSocketClosed` its end. An EventSource is a
//!   request like any other; its `eventSourceMessageReceived` messages are frames too.
//! - Workers: the same events from a worker's DevTools session ([`NetLog::feed_from`]) are
//!   assembled the same way, keyed by session so request ids cannot collide, and marked with
//!   their [`Context`]. A page request a service worker answered keeps where the answer came
//!   from (`sw_response`).
//! - Event timestamps (monotonic, shared by every target of the browser) become wall-clock
//!   times through the offset the latest `requestWillBeSent` gives (it carries both).

use crate::browser::body::body_of;
use crate::capture::{BodyState, RawRequest, ResourceType, Step};
use crate::capture::{Context, Direction, FRAME_PAYLOAD_CAP, MAX_FRAMES, NOT_SENT, RawFrame};
use base64::Engine;
use serde_json::Value;
use std::collections::{HashMap, VecDeque};

/// The note on a worker's request whose worker ended before Chromium reported it sent,
/// answered or failed (it is counted as sent: the server usually has it).
pub const WORKER_ENDED: &str =
    "no answer seen: its worker ended with the page before Chromium reported the send";

/// Header pairs as Chromium reported them.
type Headers = Vec<(String, String)>;

#[derive(Default)]
struct Hops {
    idx: Vec<usize>,
    req_extra_done: usize,
    resp_extra_done: usize,
    req_extra: VecDeque<Headers>,
    resp_extra: VecDeque<(Headers, Option<u16>)>,
}

/// Collects the requests of one visit from performance-log events.
#[derive(Default)]
pub struct NetLog {
    requests: Vec<RawRequest>,
    ids: HashMap<String, Hops>,
    step: Step,
    /// The page being visited.
    page: u32,
    /// The page of each document loader seen: a request belongs to the page of the document
    /// that sent it, so an unload beacon sent while the next page loads stays with its own.
    loaders: HashMap<String, u32>,
    /// The messages of WebSockets and EventSources.
    frames: Vec<RawFrame>,
    /// Payload bytes kept so far per connection (index of its request).
    frame_bytes: HashMap<usize, usize>,
    /// The worker session each worker request came from (index of the request), to fetch
    /// its body there.
    sessions: HashMap<usize, String>,
    /// Wall-clock time minus monotonic timestamp, from the latest event carrying both.
    clock: Option<f64>,
    /// Messages past [`MAX_FRAMES`], counted only.
    frames_dropped: u64,
    /// The page of the worker whose event is being fed (see [`NetLog::feed_worker`]).
    worker_page: Option<u32>,
}

impl NetLog {
    /// An empty log whose requests are labelled with `step` until [`NetLog::set_step`].
    pub fn new(step: Step) -> NetLog {
        NetLog {
            step,
            ..Default::default()
        }
    }

    /// Labels requests seen from now on.
    pub fn set_step(&mut self, step: Step) {
        self.step = step;
    }

    /// Requests of documents first seen from now on belong to `page`.
    pub fn set_page(&mut self, page: u32) {
        self.page = page;
    }

    /// The page a request belongs to, by its document loader (CDP `loaderId`); a loader not
    /// seen before belongs to the current page.
    fn page_of(&mut self, p: &Value) -> u32 {
        if let Some(page) = self.worker_page {
            return page.min(self.page);
        }
        match p.get("loaderId").and_then(Value::as_str) {
            Some(l) if !l.is_empty() => *self.loaders.entry(l.to_string()).or_insert(self.page),
            _ => self.page,
        }
    }

    /// Feeds one event of the page's log.
    pub fn feed(&mut self, method: &str, p: &Value) {
        self.feed_from(method, p, None, Context::Page);
    }

    /// Feeds one event of a worker's DevTools session (`session`, the worker's context),
    /// whose requests belong to `page` (the page that was current when the worker started).
    pub fn feed_worker(
        &mut self,
        method: &str,
        p: &Value,
        session: &str,
        context: Context,
        page: u32,
    ) {
        self.worker_page = Some(page);
        self.feed_from(method, p, Some(session), context);
        self.worker_page = None;
    }

    /// Feeds one event of a worker's DevTools session (`session`, the worker's context), or
    /// of the page when `session` is `None`.
    pub fn feed_from(&mut self, method: &str, p: &Value, session: Option<&str>, context: Context) {
        let Some(raw_id) = p.get("requestId").and_then(Value::as_str) else {
            return;
        };
        let keyed;
        let id = match session {
            Some(s) => {
                keyed = format!("{s}/{raw_id}");
                keyed.as_str()
            }
            None => raw_id,
        };
        match method {
            "Network.requestWillBeSent" => {
                self.will_be_sent(id, raw_id, p, context);
                if let Some(s) = session
                    && let Some(&i) = self.ids.get(id).and_then(|h| h.idx.last())
                {
                    self.sessions.insert(i, s.to_string());
                }
            }
            "Network.webSocketCreated" => self.socket_created(id, raw_id, p, context),
            _ => {
                if !self.socket_event(method, id, p) {
                    self.response_event(method, id, p);
                }
            }
        }
    }

    /// A WebSocket's handshake, messages and errors, and an EventSource's messages; false
    /// for any other event.
    fn socket_event(&mut self, method: &str, id: &str, p: &Value) -> bool {
        match method {
            "Network.webSocketWillSendHandshakeRequest" => {
                let wall = p.get("wallTime").and_then(Value::as_f64);
                if let Some(r) = self.last_hop(id) {
                    r.headers = headers(p["request"].get("headers"));
                    if let Some(w) = wall {
                        r.wall_time = w;
                    }
                }
            }
            "Network.webSocketHandshakeResponseReceived" => {
                if let Some(r) = self.last_hop(id) {
                    let resp = &p["response"];
                    apply_response(r, resp);
                    let sent = headers(resp.get("requestHeaders"));
                    if !sent.is_empty() {
                        r.headers = sent;
                    }
                }
            }
            "Network.webSocketFrameSent" | "Network.webSocketFrameReceived" => {
                let direction = if method.ends_with("Sent") {
                    Direction::Sent
                } else {
                    Direction::Received
                };
                let r = &p["response"];
                let opcode = r.get("opcode").and_then(Value::as_u64).unwrap_or(1) as u8;
                let data = r.get("payloadData").and_then(Value::as_str).unwrap_or("");
                let bytes = if opcode == 1 {
                    data.as_bytes().to_vec()
                } else {
                    base64::engine::general_purpose::STANDARD
                        .decode(data)
                        .unwrap_or_else(|_| data.as_bytes().to_vec())
                };
                self.frame(id, p, direction, opcode, bytes, None);
            }
            "Network.eventSourceMessageReceived" => {
                let data = p.get("data").and_then(Value::as_str).unwrap_or("");
                let event = p
                    .get("eventName")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                self.frame(
                    id,
                    p,
                    Direction::Received,
                    0,
                    data.as_bytes().to_vec(),
                    event,
                );
            }
            "Network.webSocketFrameError" => {
                let text = p
                    .get("errorMessage")
                    .and_then(Value::as_str)
                    .unwrap_or("WebSocket error")
                    .to_string();
                if let Some(r) = self.last_hop(id)
                    && r.failure.is_none()
                {
                    r.failure = Some(text);
                }
            }
            _ => return false,
        }
        true
    }

    /// A request's end, its extra-info headers, its response and its failure.
    fn response_event(&mut self, method: &str, id: &str, p: &Value) {
        match method {
            "Network.webSocketClosed" | "Network.loadingFinished" => {
                let at = self.wall(p);
                if let Some(r) = self.last_hop(id) {
                    r.ended_at = at;
                }
            }
            "Network.requestWillBeSentExtraInfo" => {
                let h = self.ids.entry(id.to_string()).or_default();
                h.req_extra.push_back(headers(p.get("headers")));
                apply_extras(&mut self.requests, h);
            }
            "Network.responseReceivedExtraInfo" => {
                let h = self.ids.entry(id.to_string()).or_default();
                let status = p
                    .get("statusCode")
                    .and_then(Value::as_u64)
                    .map(|s| s as u16);
                h.resp_extra.push_back((headers(p.get("headers")), status));
                apply_extras(&mut self.requests, h);
            }
            "Network.responseReceived" => {
                if let Some(r) = self.last_hop(id) {
                    let resp = &p["response"];
                    apply_response(r, resp);
                    if resp.get("fromServiceWorker").and_then(Value::as_bool) == Some(true) {
                        r.sw_response = Some(
                            resp.get("serviceWorkerResponseSource")
                                .and_then(Value::as_str)
                                .unwrap_or("unknown")
                                .to_string(),
                        );
                    }
                }
            }
            "Network.loadingFailed" => {
                let at = self.wall(p);
                if let Some(r) = self.last_hop(id) {
                    r.ended_at = at;
                    let mut text = p
                        .get("errorText")
                        .and_then(Value::as_str)
                        .unwrap_or("failed")
                        .to_string();
                    if let Some(b) = p.get("blockedReason").and_then(Value::as_str) {
                        text.push_str(&format!(" (blocked: {b})"));
                    }
                    r.failure = Some(text);
                }
            }
            _ => {}
        }
    }

    fn last_hop(&mut self, id: &str) -> Option<&mut RawRequest> {
        let i = *self.ids.get(id)?.idx.last()?;
        self.requests.get_mut(i)
    }

    /// The wall-clock time of an event's monotonic `timestamp`.
    fn wall(&self, p: &Value) -> Option<f64> {
        Some(p.get("timestamp").and_then(Value::as_f64)? + self.clock?)
    }

    /// A WebSocket opens: a request of type `WebSocket`, whose handshake is sent at once
    /// (there is no extra-info event to wait for).
    fn socket_created(&mut self, id: &str, raw_id: &str, p: &Value, context: Context) {
        let url = p.get("url").and_then(Value::as_str).unwrap_or_default();
        if !(url.starts_with("ws://") || url.starts_with("wss://")) {
            return;
        }
        let seq = self.requests.len() as u32;
        let wall_time = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or_default();
        self.requests.push(RawRequest {
            seq,
            request_id: raw_id.to_string(),
            url: url.to_string(),
            method: "GET".into(),
            resource_type: ResourceType::WebSocket,
            headers: Vec::new(),
            body: None,
            body_state: BodyState::None,
            initiator: p
                .get("initiator")
                .map(Value::to_string)
                .unwrap_or_else(|| "{}".into()),
            frame_id: String::new(),
            frame_url: String::new(),
            is_main_frame: false,
            status: None,
            mime_type: None,
            response_headers: Vec::new(),
            failure: None,
            wall_time,
            step: self.step,
            page: self.worker_page.map_or(self.page, |w| w.min(self.page)),
            context,
            sw_response: None,
            ended_at: None,
        });
        let h = self.ids.entry(id.to_string()).or_default();
        h.idx.push(seq as usize);
        h.req_extra_done = h.idx.len();
        h.resp_extra_done = h.idx.len();
    }

    /// One message of the connection opened by request `id`.
    fn frame(
        &mut self,
        id: &str,
        p: &Value,
        direction: Direction,
        opcode: u8,
        bytes: Vec<u8>,
        event: Option<String>,
    ) {
        let Some(&i) = self.ids.get(id).and_then(|h| h.idx.last()) else {
            return;
        };
        if self.frames.len() >= MAX_FRAMES {
            self.frames_dropped += 1;
            return;
        }
        let wall_time = self.wall(p).unwrap_or(self.requests[i].wall_time);
        let used = self.frame_bytes.entry(i).or_default();
        let size = bytes.len();
        let keep = *used + size <= FRAME_PAYLOAD_CAP;
        if keep {
            *used += size;
        } else {
            *used = FRAME_PAYLOAD_CAP;
        }
        self.frames.push(RawFrame {
            request_seq: self.requests[i].seq,
            seq: self.frames.len() as u32,
            direction,
            wall_time,
            opcode,
            size: size as u64,
            payload: if keep { bytes } else { Vec::new() },
            truncated: !keep,
            event,
        });
    }

    fn will_be_sent(&mut self, id: &str, raw_id: &str, p: &Value, context: Context) {
        let req = &p["request"];
        let url = req.get("url").and_then(Value::as_str).unwrap_or_default();
        let url = match req.get("urlFragment").and_then(Value::as_str) {
            Some(frag) => format!("{url}{frag}"),
            None => url.to_string(),
        };
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return;
        }
        // A redirect: the previous hop ends with the redirect response.
        if let Some(redirect) = p.get("redirectResponse")
            && let Some(prev) = self.last_hop(id)
        {
            apply_response(prev, redirect);
        }
        let (body, body_state) = body_of(req);
        let seq = self.requests.len() as u32;
        if let (Some(w), Some(t)) = (
            p.get("wallTime").and_then(Value::as_f64),
            p.get("timestamp").and_then(Value::as_f64),
        ) {
            self.clock = Some(w - t);
        }
        let page = self.page_of(p);
        // Sent by an earlier page's document after the visitor moved on: its unload.
        let step = if page < self.page {
            Step::Leave
        } else {
            self.step
        };
        self.requests.push(RawRequest {
            seq,
            request_id: raw_id.to_string(),
            url,
            method: req
                .get("method")
                .and_then(Value::as_str)
                .unwrap_or("GET")
                .to_string(),
            resource_type: ResourceType::parse(
                p.get("type").and_then(Value::as_str).unwrap_or("Other"),
            ),
            headers: headers(req.get("headers")),
            body,
            body_state,
            initiator: p
                .get("initiator")
                .map(Value::to_string)
                .unwrap_or_else(|| "{}".into()),
            frame_id: p
                .get("frameId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            frame_url: p
                .get("documentURL")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            is_main_frame: false,
            status: None,
            mime_type: None,
            response_headers: Vec::new(),
            failure: None,
            wall_time: p
                .get("wallTime")
                .and_then(Value::as_f64)
                .unwrap_or_default(),
            step,
            page,
            context,
            sw_response: None,
            ended_at: None,
        });
        let h = self.ids.entry(id.to_string()).or_default();
        h.idx.push(seq as usize);
        apply_extras(&mut self.requests, h);
    }

    /// Page requests whose body must be fetched with `Network.getRequestPostData`.
    pub fn missing_bodies(&self) -> Vec<(usize, String)> {
        self.requests
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                r.body_state == BodyState::Unavailable && !self.sessions.contains_key(i)
            })
            .map(|(i, r)| (i, r.request_id.clone()))
            .collect()
    }

    /// Worker requests whose body must be fetched in their worker's session: index,
    /// session, request id.
    pub fn missing_worker_bodies(&self) -> Vec<(usize, String, String)> {
        self.sessions
            .iter()
            .filter(|(i, _)| self.requests[**i].body_state == BodyState::Unavailable)
            .map(|(i, s)| (*i, s.clone(), self.requests[*i].request_id.clone()))
            .collect()
    }

    /// Fills in a fetched body.
    pub fn set_body(&mut self, i: usize, body: Vec<u8>) {
        if let Some(r) = self.requests.get_mut(i) {
            r.body = Some(body);
            r.body_state = BodyState::Complete;
        }
    }

    /// Number of requests so far.
    pub fn len(&self) -> usize {
        self.requests.len()
    }

    /// True when no request was seen.
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty()
    }

    /// Read access to the requests so far.
    pub fn requests(&self) -> &[RawRequest] {
        &self.requests
    }

    /// Messages not kept because the visit already had [`MAX_FRAMES`].
    pub fn frames_dropped(&self) -> u64 {
        self.frames_dropped
    }

    /// Page requests Chromium announced but has not yet said it sent, answered or failed:
    /// after leaving a page, the log is read again while any are left (for a moment), so an
    /// unload beacon whose send is reported late is not taken for one never sent.
    pub fn unsettled(&self) -> usize {
        self.ids
            .values()
            .flat_map(|h| &h.idx[h.req_extra_done.min(h.idx.len())..])
            .filter(|&&i| {
                let r = &self.requests[i];
                r.context == Context::Page && r.status.is_none() && r.failure.is_none()
            })
            .count()
    }

    /// Marks the top frame's document requests and hands the requests and the messages
    /// over.
    pub fn finish(mut self, main_frame_id: Option<&str>) -> (Vec<RawRequest>, Vec<RawFrame>) {
        let main = main_frame_id.map(str::to_string).or_else(|| {
            // Without a frame tree, the first document request is the navigation.
            self.requests
                .iter()
                .find(|r| r.resource_type == ResourceType::Document)
                .map(|r| r.frame_id.clone())
        });
        if let Some(main) = main {
            for r in &mut self.requests {
                r.is_main_frame = r.resource_type == ResourceType::Document && r.frame_id == main;
            }
        }
        // A page's hop that never got the headers that went on the wire, nor a response,
        // nor a failure was never sent (Chromium announces a refused sendBeacon, then drops
        // it): it is kept as such, without the body it never delivered. A worker has no
        // sendBeacon; its hop goes silent when the worker ends with its page (the request
        // may well have left): kept with its body, and said.
        for h in self.ids.values() {
            for &i in &h.idx[h.req_extra_done.min(h.idx.len())..] {
                let r = &mut self.requests[i];
                if r.status.is_none() && r.failure.is_none() && r.context != Context::Page {
                    r.failure = Some(WORKER_ENDED.into());
                } else if r.status.is_none() && r.failure.is_none() {
                    r.failure = Some(match r.body.take() {
                        Some(b) => format!(
                            "{NOT_SENT}: Chromium reported no network activity; its {} byte body was not kept",
                            b.len()
                        ),
                        None => format!("{NOT_SENT}: Chromium reported no network activity"),
                    });
                    r.body_state = BodyState::None;
                }
            }
        }
        (self.requests, self.frames)
    }
}

/// Sets a hop's status, MIME type and (unless extra info already gave them) headers from a
/// CDP Response object (`responseReceived.response` or a redirect's `redirectResponse`).
fn apply_response(r: &mut RawRequest, resp: &Value) {
    r.status = resp
        .get("status")
        .and_then(Value::as_u64)
        .map(|s| s as u16)
        .or(r.status);
    r.mime_type = resp
        .get("mimeType")
        .and_then(Value::as_str)
        .map(str::to_string);
    if r.response_headers.is_empty() {
        r.response_headers = headers(resp.get("headers"));
    }
}

fn apply_extras(reqs: &mut [RawRequest], h: &mut Hops) {
    while h.req_extra_done < h.idx.len() {
        let Some(extra) = h.req_extra.pop_front() else {
            break;
        };
        let r = &mut reqs[h.idx[h.req_extra_done]];
        // The extra-info headers are what went on the wire; keep any page-set header that
        // Chromium did not repeat there.
        let mut merged = extra;
        for (k, v) in std::mem::take(&mut r.headers) {
            if !merged.iter().any(|(mk, _)| mk.eq_ignore_ascii_case(&k)) {
                merged.push((k, v));
            }
        }
        r.headers = merged;
        h.req_extra_done += 1;
    }
    while h.resp_extra_done < h.idx.len() {
        let Some((extra, status)) = h.resp_extra.pop_front() else {
            break;
        };
        let r = &mut reqs[h.idx[h.resp_extra_done]];
        r.response_headers = extra;
        if r.status.is_none() {
            r.status = status;
        }
        h.resp_extra_done += 1;
    }
}

fn headers(v: Option<&Value>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = match v.and_then(Value::as_object) {
        Some(o) => o
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string()),
                )
            })
            .collect(),
        None => Vec::new(),
    };
    out.sort_by_key(|a| a.0.to_ascii_lowercase());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sent(id: &str, url: &str, extra: Value) -> Value {
        let mut p = json!({
            "requestId": id, "documentURL": "https://site.example/", "frameId": "F1", "type": "Fetch",
            "wallTime": 1.0, "initiator": {"type": "script"},
            "request": {"url": url, "method": "GET", "headers": {"Accept": "*/*"}},
        });
        for (k, v) in extra.as_object().unwrap() {
            if k == "request" {
                for (rk, rv) in v.as_object().unwrap() {
                    p["request"][rk] = rv.clone();
                }
            } else {
                p[k] = v.clone();
            }
        }
        p
    }

    #[test]
    fn bodies_from_entries_postdata_or_missing() {
        let mut n = NetLog::new(Step::Load);
        n.feed("Network.requestWillBeSent", &sent("1", "https://t.example/a", json!({"request": {"method": "POST", "postData": "x=1", "hasPostData": true, "postDataEntries": [{"bytes": "eD0x"}]}})));
        n.feed(
            "Network.requestWillBeSent",
            &sent(
                "2",
                "https://t.example/b",
                json!({"request": {"method": "POST", "postData": "plain", "hasPostData": true}}),
            ),
        );
        n.feed(
            "Network.requestWillBeSent",
            &sent(
                "3",
                "https://t.example/c",
                json!({"type": "Ping", "request": {"method": "POST", "hasPostData": true}}),
            ),
        );
        n.feed(
            "Network.requestWillBeSent",
            &sent("4", "data:image/gif;base64,R0lGOD", json!({})),
        );
        assert_eq!(n.len(), 3, "data: URLs are not traffic");
        for id in ["1", "2", "3"] {
            // Each went on the wire (what was sent is reported, the answer may still be due).
            n.feed(
                "Network.requestWillBeSentExtraInfo",
                &json!({"requestId": id, "headers": {}}),
            );
        }
        assert_eq!(n.missing_bodies(), vec![(2, "3".to_string())]);
        n.set_body(2, b"{\"blob\":1}".to_vec());
        let (r, _) = n.finish(None);
        assert_eq!(r[0].body.as_deref(), Some(&b"x=1"[..]));
        assert_eq!(r[1].body.as_deref(), Some(&b"plain"[..]));
        assert_eq!(r[2].body_state, BodyState::Complete);
        assert_eq!(r[2].resource_type, ResourceType::Ping);
    }

    #[test]
    fn a_beacon_chromium_never_sent_is_kept_as_not_sent_without_its_body() {
        // What chromedriver's perf log holds for `navigator.sendBeacon(url, 10 MB)`, which
        // returns false: a requestWillBeSent with the whole body, then nothing at all.
        let mut n = NetLog::new(Step::Load);
        let big = "x".repeat(10 * 1024 * 1024);
        n.feed(
            "Network.requestWillBeSent",
            &sent(
                "B",
                "https://t.example/big",
                json!({"type": "Ping", "request": {"method": "POST", "hasPostData": true, "postData": big}}),
            ),
        );
        // A sent beacon beside it: extra info and a response.
        n.feed(
            "Network.requestWillBeSent",
            &sent(
                "S",
                "https://t.example/small",
                json!({"type": "Ping", "request": {"method": "POST", "postData": "x"}}),
            ),
        );
        n.feed(
            "Network.requestWillBeSentExtraInfo",
            &json!({"requestId": "S", "headers": {}}),
        );
        n.feed(
            "Network.responseReceived",
            &json!({"requestId": "S", "response": {"status": 204, "headers": {}}}),
        );
        // A request that failed keeps its failure.
        n.feed(
            "Network.requestWillBeSent",
            &sent("F", "https://t.example/f", json!({})),
        );
        n.feed(
            "Network.loadingFailed",
            &json!({"requestId": "F", "errorText": "net::ERR_BLOCKED_BY_CLIENT"}),
        );
        let (r, _) = n.finish(None);
        assert!(!r[0].sent(), "{:?}", r[0].failure);
        assert!(
            r[0].failure
                .as_deref()
                .unwrap()
                .contains("10485760 byte body")
        );
        assert_eq!(r[0].body, None);
        assert_eq!(r[0].body_state, BodyState::None);
        assert!(r[1].sent());
        assert_eq!(r[1].body.as_deref(), Some(&b"x"[..]));
        assert!(r[2].sent());
        assert_eq!(r[2].failure.as_deref(), Some("net::ERR_BLOCKED_BY_CLIENT"));
    }

    #[test]
    fn a_workers_silent_request_is_kept_and_a_pages_settles_late() {
        // A dedicated worker ended with its page after announcing a request: nothing more
        // came. It keeps its body (the server usually has it) and says why it has no answer.
        let mut n = NetLog::new(Step::Leave);
        n.set_page(1);
        n.feed_worker(
            "Network.requestWillBeSent",
            &sent(
                "W",
                "https://t.example/w",
                json!({"request": {"method": "POST", "postData": "x=1"}}),
            ),
            "S1",
            Context::Worker,
            0,
        );
        // A page's beacon announced as it was left; its send is reported on a later read.
        n.feed(
            "Network.requestWillBeSent",
            &sent(
                "P",
                "https://t.example/p",
                json!({"type": "Ping", "request": {"method": "POST", "postData": "y"}}),
            ),
        );
        assert_eq!(
            n.unsettled(),
            1,
            "the page's beacon, not the worker's request"
        );
        n.feed(
            "Network.requestWillBeSentExtraInfo",
            &json!({"requestId": "P", "headers": {}}),
        );
        assert_eq!(n.unsettled(), 0, "reported sent");
        let (r, _) = n.finish(None);
        assert_eq!(r[0].page, 0, "the worker started on page 0");
        assert_eq!(r[0].step, Step::Leave);
        assert!(r[0].sent(), "{:?}", r[0].failure);
        assert_eq!(r[0].failure.as_deref(), Some(WORKER_ENDED));
        assert_eq!(r[0].body.as_deref(), Some(&b"x=1"[..]));
        assert!(r[1].sent());
    }

    #[test]
    fn redirect_hops_and_extra_info_in_any_order() {
        let mut n = NetLog::new(Step::Load);
        // Extra info for hop 0 arrives before the request itself.
        n.feed(
            "Network.requestWillBeSentExtraInfo",
            &json!({"requestId": "D", "headers": {"Cookie": "a=1", "Accept": "*/*"}}),
        );
        n.feed(
            "Network.requestWillBeSent",
            &sent("D", "https://site.example/", json!({"type": "Document"})),
        );
        n.feed("Network.responseReceivedExtraInfo", &json!({"requestId": "D", "statusCode": 301, "headers": {"Location": "https://www.site.example/", "Set-Cookie": "b=2"}}));
        n.feed(
            "Network.requestWillBeSent",
            &sent(
                "D",
                "https://www.site.example/",
                json!({"type": "Document", "redirectResponse": {"status": 301, "headers": {}}}),
            ),
        );
        n.feed(
            "Network.requestWillBeSentExtraInfo",
            &json!({"requestId": "D", "headers": {"Cookie": "a=1; b=2"}}),
        );
        n.feed("Network.responseReceived", &json!({"requestId": "D", "response": {"status": 200, "mimeType": "text/html", "headers": {"Content-Type": "text/html"}}}));
        let (r, _) = n.finish(Some("F1"));
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].status, Some(301));
        assert!(r[0].headers.contains(&("Cookie".into(), "a=1".into())));
        assert!(
            r[0].response_headers
                .contains(&("Set-Cookie".into(), "b=2".into()))
        );
        assert_eq!(r[1].status, Some(200));
        assert_eq!(r[1].mime_type.as_deref(), Some("text/html"));
        assert!(r[1].headers.contains(&("Cookie".into(), "a=1; b=2".into())));
        assert!(r.iter().all(|x| x.is_main_frame));
    }

    #[test]
    fn failures_and_steps_are_recorded() {
        let mut n = NetLog::new(Step::Load);
        n.feed(
            "Network.requestWillBeSent",
            &sent("1", "https://gone.example/", json!({})),
        );
        n.set_step(Step::Search);
        n.feed(
            "Network.requestWillBeSent",
            &sent("2", "https://t.example/s?q=1", json!({})),
        );
        n.feed(
            "Network.loadingFailed",
            &json!({"requestId": "1", "errorText": "net::ERR_NAME_NOT_RESOLVED"}),
        );
        let (r, _) = n.finish(Some("OTHER"));
        assert_eq!(r[0].failure.as_deref(), Some("net::ERR_NAME_NOT_RESOLVED"));
        assert_eq!(r[0].step, Step::Load);
        assert_eq!(r[1].step, Step::Search);
        assert!(!r[0].is_main_frame);
    }

    /// What Chromium logs when the visitor moves from the front page (loader L0) to an
    /// internal page (L1): the new document's request first, then the old document's unload
    /// beacon, which still carries L0, then the new page's own requests.
    #[test]
    fn requests_belong_to_the_page_whose_document_sent_them() {
        let mut n = NetLog::new(Step::Load);
        let on = |id: &str, url: &str, loader: &str, ty: &str| {
            sent(id, url, json!({"loaderId": loader, "type": ty}))
        };
        n.feed(
            "Network.requestWillBeSent",
            &on("L0", "https://site.example/", "L0", "Document"),
        );
        n.feed(
            "Network.requestWillBeSent",
            &on("1", "https://t.example/pv", "L0", "Image"),
        );
        n.set_step(Step::Load);
        n.set_page(1);
        n.feed(
            "Network.requestWillBeSent",
            &on("L1", "https://site.example/shop/", "L1", "Document"),
        );
        n.feed(
            "Network.requestWillBeSent",
            &on("2", "https://t.example/unload", "L0", "Ping"),
        );
        n.feed(
            "Network.requestWillBeSent",
            &on("3", "https://t.example/product", "L1", "Image"),
        );
        n.feed(
            "Network.requestWillBeSent",
            &sent("4", "https://t.example/sw", json!({"loaderId": ""})),
        );
        let (r, _) = n.finish(Some("F1"));
        let pages: Vec<(u32, Step)> = r.iter().map(|x| (x.page, x.step)).collect();
        assert_eq!(
            pages,
            [
                (0, Step::Load),
                (0, Step::Load),
                (1, Step::Load),
                (0, Step::Leave),
                (1, Step::Load),
                (1, Step::Load)
            ]
        );
    }

    // The event shapes below are Chromium 156's, as its DevTools endpoint sent them for the
    // test web's workers.test (a WebSocket recorder, an EventSource, a service worker):
    // captured with a raw CDP client before this code was written.

    /// A page whose WebSocket opens, sends two messages, receives one and closes.
    fn websocket_log() -> NetLog {
        let mut n = NetLog::new(Step::Load);
        // Any requestWillBeSent sets the clock: wall = timestamp + 1000.
        n.feed(
            "Network.requestWillBeSent",
            &json!({"requestId": "D1", "loaderId": "L1", "documentURL": "https://site.example/",
                "frameId": "F1", "type": "Document", "timestamp": 43418.0, "wallTime": 44418.0,
                "initiator": {"type": "other"},
                "request": {"url": "https://site.example/", "method": "GET", "headers": {}}}),
        );
        let id = "31439.22";
        n.feed(
            "Network.webSocketCreated",
            &json!({"requestId": id,
            "url": "wss://collect.recorder-demo.test/v1/ws?site=workers.test",
            "initiator": {"type": "script", "stack": {"callFrames": []}}}),
        );
        n.feed(
            "Network.webSocketWillSendHandshakeRequest",
            &json!({"requestId": id,
            "timestamp": 43418.5, "wallTime": 44418.5,
            "request": {"headers": {"Upgrade": "websocket", "Sec-WebSocket-Version": "13"}}}),
        );
        n.feed(
            "Network.webSocketHandshakeResponseReceived",
            &json!({"requestId": id,
            "timestamp": 43418.6, "response": {"status": 101, "statusText": "Switching Protocols",
            "headers": {"Upgrade": "websocket", "Connection": "Upgrade"},
            "requestHeaders": {"Cookie": "sid=abc", "Upgrade": "websocket"}}}),
        );
        n.feed(
            "Network.webSocketFrameSent",
            &json!({"requestId": id, "timestamp": 43418.7,
            "response": {"opcode": 1, "mask": true, "payloadData": "{\"t\":\"open\"}"}}),
        );
        n.feed(
            "Network.webSocketFrameSent",
            &json!({"requestId": id, "timestamp": 43418.8,
            "response": {"opcode": 2, "mask": true, "payloadData": "cGMA/wE="}}),
        );
        n.feed(
            "Network.webSocketFrameReceived",
            &json!({"requestId": id, "timestamp": 43418.9,
            "response": {"opcode": 1, "mask": false, "payloadData": "{\"t\":\"hello\"}"}}),
        );
        n.feed(
            "Network.webSocketClosed",
            &json!({"requestId": id, "timestamp": 43420.0}),
        );
        n
    }

    #[test]
    fn a_websocket_is_a_request_with_its_handshake_messages_and_close() {
        let n = websocket_log();
        let (r, f) = n.finish(Some("F1"));
        let ws = &r[1];
        assert_eq!(ws.resource_type, ResourceType::WebSocket);
        assert_eq!(
            ws.url,
            "wss://collect.recorder-demo.test/v1/ws?site=workers.test"
        );
        assert_eq!((ws.method.as_str(), ws.status), ("GET", Some(101)));
        assert_eq!(ws.wall_time, 44418.5);
        assert_eq!(ws.ended_at, Some(44420.0));
        assert!(ws.sent(), "a socket is never `not sent`: {:?}", ws.failure);
        assert!(
            ws.headers.contains(&("Cookie".into(), "sid=abc".into())),
            "{:?}",
            ws.headers
        );
        assert_eq!(ws.response_headers.len(), 2);
        assert_eq!(ws.channel(), "websocket");
        let got: Vec<_> = f
            .iter()
            .map(|m| {
                (
                    m.request_seq,
                    m.direction,
                    m.opcode,
                    m.payload.clone(),
                    m.wall_time,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (1, Direction::Sent, 1, b"{\"t\":\"open\"}".to_vec(), 44418.7),
                (1, Direction::Sent, 2, vec![112, 99, 0, 255, 1], 44418.8),
                (
                    1,
                    Direction::Received,
                    1,
                    b"{\"t\":\"hello\"}".to_vec(),
                    44418.9
                ),
            ]
        );
        assert_eq!(f[1].size, 5);
    }

    #[test]
    fn socket_payloads_past_the_cap_keep_their_size_only() {
        let mut n = NetLog::new(Step::Load);
        n.feed(
            "Network.webSocketCreated",
            &json!({"requestId": "W", "url": "ws://a.example/"}),
        );
        let big = "x".repeat(FRAME_PAYLOAD_CAP - 10);
        for data in [big.as_str(), "0123456789", "more"] {
            n.feed(
                "Network.webSocketFrameSent",
                &json!({"requestId": "W",
                "response": {"opcode": 1, "payloadData": data}}),
            );
        }
        let (_, f) = n.finish(None);
        let kept: Vec<_> = f
            .iter()
            .map(|m| (m.payload.len(), m.size, m.truncated))
            .collect();
        assert_eq!(
            kept,
            [
                (
                    FRAME_PAYLOAD_CAP - 10,
                    (FRAME_PAYLOAD_CAP - 10) as u64,
                    false
                ),
                (10, 10, false),
                (0, 4, true)
            ]
        );
    }

    #[test]
    fn a_visit_keeps_at_most_max_frames_messages_and_counts_the_rest() {
        let mut n = NetLog::new(Step::Load);
        n.feed(
            "Network.webSocketCreated",
            &json!({"requestId": "W", "url": "ws://a.example/"}),
        );
        for i in 0..MAX_FRAMES + 5 {
            n.feed(
                "Network.webSocketFrameReceived",
                &json!({"requestId": "W",
                "response": {"opcode": 1, "payloadData": format!("m{i}")}}),
            );
        }
        assert_eq!(n.frames_dropped(), 5);
        let (_, f) = n.finish(None);
        assert_eq!(f.len(), MAX_FRAMES);
        assert_eq!(
            f.last().unwrap().payload,
            format!("m{}", MAX_FRAMES - 1).into_bytes()
        );
    }

    #[test]
    fn eventsource_messages_are_frames_of_its_request() {
        let mut n = NetLog::new(Step::Load);
        let id = "31439.23";
        n.feed(
            "Network.requestWillBeSent",
            &sent(
                id,
                "https://collect.recorder-demo.test/v1/stream?site=workers.test",
                json!({"type": "EventSource", "timestamp": 43418.0, "wallTime": 44418.0}),
            ),
        );
        n.feed(
            "Network.eventSourceMessageReceived",
            &json!({"requestId": id,
            "timestamp": 43418.240977, "eventName": "config", "eventId": "1",
            "data": "{\"sid\":\"es-0001\"}"}),
        );
        n.feed(
            "Network.eventSourceMessageReceived",
            &json!({"requestId": id,
            "timestamp": 43418.241016, "eventName": "message", "eventId": "2", "data": "second"}),
        );
        let (r, f) = n.finish(None);
        assert_eq!(r[0].channel(), "eventsource");
        let got: Vec<_> = f
            .iter()
            .map(|m| {
                (
                    m.direction,
                    m.opcode,
                    m.event.clone().unwrap(),
                    m.payload.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    Direction::Received,
                    0,
                    "config".to_string(),
                    b"{\"sid\":\"es-0001\"}".to_vec()
                ),
                (
                    Direction::Received,
                    0,
                    "message".to_string(),
                    b"second".to_vec()
                ),
            ]
        );
    }

    #[test]
    fn worker_requests_are_keyed_by_session_and_marked_with_their_context() {
        let mut n = NetLog::new(Step::Load);
        // The same request id in the page and in two workers: three requests.
        n.feed(
            "Network.requestWillBeSent",
            &sent("7.1", "https://a.example/page", json!({})),
        );
        n.feed_from(
            "Network.requestWillBeSent",
            &sent(
                "7.1",
                "https://t.example/v1/sw?n=1",
                json!({"request": {"method": "POST", "hasPostData": true}}),
            ),
            Some("SW-SESSION"),
            Context::ServiceWorker,
        );
        n.feed_from(
            "Network.requestWillBeSent",
            &sent("7.1", "https://t.example/v1/worker", json!({})),
            Some("W-SESSION"),
            Context::Worker,
        );
        for (s, c) in [
            (Some("SW-SESSION"), Context::ServiceWorker),
            (Some("W-SESSION"), Context::Worker),
            (None, Context::Page),
        ] {
            n.feed_from(
                "Network.requestWillBeSentExtraInfo",
                &json!({"requestId": "7.1", "headers": {"Cookie": "x=1"}}),
                s,
                c,
            );
            n.feed_from(
                "Network.responseReceived",
                &json!({"requestId": "7.1", "response": {"status": 204, "headers": {}}}),
                s,
                c,
            );
        }
        // The page's own request was answered by the service worker, from its cache.
        n.feed("Network.responseReceived", &json!({"requestId": "7.1", "response": {"status": 200,
            "headers": {}, "fromServiceWorker": true, "serviceWorkerResponseSource": "cache-storage"}}));
        assert!(
            n.missing_bodies().is_empty(),
            "a worker's body is fetched in its own session"
        );
        assert_eq!(
            n.missing_worker_bodies(),
            [(1, "SW-SESSION".to_string(), "7.1".to_string())]
        );
        n.set_body(1, b"sw-hit-1".to_vec());
        let (r, _) = n.finish(None);
        let got: Vec<_> = r
            .iter()
            .map(|r| {
                (
                    r.context,
                    r.request_id.as_str(),
                    r.status,
                    r.sw_response.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (Context::Page, "7.1", Some(200), Some("cache-storage")),
                (Context::ServiceWorker, "7.1", Some(204), None),
                (Context::Worker, "7.1", Some(204), None),
            ]
        );
        assert!(!r[0].reached_server() && r[1].reached_server());
        assert_eq!(r[1].body.as_deref(), Some(&b"sw-hit-1"[..]));
        assert!(
            r.iter()
                .all(|r| r.headers.contains(&("Cookie".into(), "x=1".into())))
        );
    }
}
