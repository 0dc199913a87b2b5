//! End-to-end: what a page sends through its workers and sockets (`testweb::channels`). The
//! real binary crawls workers.test three times in one browser (`--consent all`, one
//! browser), then a plain site: every request the test web logged and every WebSocket message
//! either end logged is in the store with the same bytes; each request knows its context
//! (page, service worker, shared worker, dedicated worker) and channel; the service worker's
//! install-time hits come on every visit (so it was cleared between visits, or it would not
//! install again) and never in another site's visit; the datasets say which channel carried
//! the typed values.

use crate::common::*;
use pixelcensus::capture::{Context, Direction, RawVisit, ResourceType};
use pixelcensus_testweb::channels::{
    CACHED_PATH, PROXIED_PATH, SERVER_BINARY, SERVER_HELLO, SITE, STREAM_EVENTS, TRACKER,
};
use std::collections::BTreeSet;
use std::sync::OnceLock;

const LIST: &str = "1,workers.test\n2,clean.test\n";

/// Every visit of the crawl: (site, consent mode, visit).
fn all_visits(out: &std::path::Path) -> Vec<(String, String, RawVisit)> {
    let s = store(out);
    s.targets()
        .unwrap()
        .into_iter()
        .map(|(t, m, id)| {
            let v = s.load_visit(id.expect("visited")).unwrap().visit;
            (t.domain, m.as_str().to_string(), v)
        })
        .collect()
}
/// The one crawl of this file: workers.test in every consent mode, then a plain site, one
/// browser.
fn crawled() -> &'static Crawled {
    static CRAWL: OnceLock<Crawled> = OnceLock::new();
    shared(&CRAWL, || {
        Scenario::sites("list.csv", LIST)
            .set("--browsers", "1")
            .args(&["--consent", "all", "--pages", "1"])
            .crawl()
    })
}

/// The visits of workers.test, by consent mode.
fn site_visits() -> Vec<(String, RawVisit)> {
    all_visits(&crawled().out)
        .into_iter()
        .filter(|(site, _, _)| site == SITE)
        .map(|(_, mode, v)| (mode, v))
        .collect()
}

/// Completeness against both ends: the server's request log and its socket log; no worker
/// wakes up in another site's visit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_and_message_both_ends_logged_is_captured() {
    let (web, out) = (&crawled().web, &crawled().out);
    let all = all_visits(out);
    assert_eq!(all.len(), 6);
    let by_key: std::collections::HashMap<String, RawVisit> = all
        .iter()
        .map(|(d, m, v)| (format!("{d} {m}"), v.clone()))
        .collect();
    let (missing, logged) = uncaptured(web, &by_key);
    assert!(logged > 60, "the server saw {logged} requests");
    assert!(missing.is_empty(), "not captured:\n{}", missing.join("\n"));
    let (missing, logged) = unframed(web, &by_key);
    assert!(
        logged >= 3 * 8,
        "the server logged {logged} socket messages"
    );
    assert!(
        missing.is_empty(),
        "messages not captured:\n{}",
        missing.join("\n")
    );
    for (site, mode, v) in &all {
        let ctx = |c: Context| v.requests.iter().filter(move |r| r.context == c);
        if site != SITE {
            assert_eq!(
                ctx(Context::Page).count(),
                v.requests.len(),
                "{site} {mode}: a worker woke up here"
            );
            assert!(v.frames.is_empty());
        }
    }
}

/// Each request knows its context: the service worker installs afresh on every visit,
/// forwards and answers the page's requests; the typed e-mail leaves through the workers; the
/// story link's ping.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_and_pings_of_every_visit_are_captured() {
    for (mode, v) in &site_visits() {
        let ctx = |c: Context| v.requests.iter().filter(move |r| r.context == c);
        let at = |r: &pixelcensus::capture::RawRequest, path: &str| {
            r.url.starts_with(&format!("https://{TRACKER}{path}"))
        };
        // The service worker installs afresh on every visit: its five hits each time.
        let hits: BTreeSet<String> = ctx(Context::ServiceWorker)
            .filter(|r| at(r, "/v1/sw?n="))
            .map(|r| r.url.rsplit('=').next().unwrap().to_string())
            .collect();
        assert_eq!(
            hits,
            ["1", "2", "3", "4", "5"].map(String::from).into(),
            "{mode}"
        );
        // It forwards the first-party path to the tracker; the page's request it answered
        // says so, and so does the one it answered from its cache.
        assert!(
            ctx(Context::ServiceWorker).any(|r| at(r, "/v1/proxied?ev=pageview")),
            "{mode}"
        );
        let answered = |path: &str| {
            ctx(Context::Page)
                .find(|r| r.url.starts_with(&format!("https://{SITE}{path}")))
                .unwrap_or_else(|| panic!("{mode}: page request {path}"))
                .sw_response
                .clone()
        };
        assert_eq!(answered(PROXIED_PATH).as_deref(), Some("fallback-code"));
        assert_eq!(answered(CACHED_PATH).as_deref(), Some("cache-storage"));
        // The typed e-mail left through the service worker and the dedicated worker.
        let email = v.canaries.email.as_bytes();
        let carries = |r: &pixelcensus::capture::RawRequest| {
            r.body
                .as_deref()
                .is_some_and(|b| b.windows(email.len()).any(|w| w == email))
        };
        assert!(
            ctx(Context::ServiceWorker).any(|r| at(r, "/v1/sw-typed") && carries(r)),
            "{mode}"
        );
        assert!(
            ctx(Context::Worker).any(|r| at(r, "/v1/worker") && r.method == "POST" && carries(r)),
            "{mode}"
        );
        assert!(
            ctx(Context::Worker).any(|r| at(r, "/v1/worker?boot=1")),
            "{mode}"
        );
        assert!(
            ctx(Context::SharedWorker).any(|r| at(r, "/v1/shared?hello=1")),
            "{mode}"
        );
        // The ping of the story link.
        assert!(
            v.requests
                .iter()
                .any(|r| r.resource_type == ResourceType::Ping
                    && at(r, "/v1/ping?from=link")
                    && r.body.as_deref() == Some(b"PING")),
            "{mode}: <a ping>"
        );
    }
}

/// The WebSocket (its handshake, the messages both ways, the typed e-mail sent, times on the
/// requests' clock) and the EventSource (its request and both messages) of every visit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sockets_and_streams_of_every_visit_are_captured() {
    for (mode, v) in &site_visits() {
        let email = v.canaries.email.as_bytes();
        // The WebSocket: its handshake, the messages both ways, the typed e-mail sent.
        let ws = v
            .requests
            .iter()
            .find(|r| r.resource_type == ResourceType::WebSocket)
            .expect("the WebSocket");
        assert_eq!(ws.url, format!("wss://{TRACKER}/v1/ws?site={SITE}"));
        assert_eq!(ws.status, Some(101));
        assert!(
            ws.headers
                .iter()
                .any(|(k, v)| k.eq_ignore_ascii_case("upgrade") && v == "websocket")
        );
        let msgs = |d: Direction| {
            v.frames
                .iter()
                .filter(move |f| f.request_seq == ws.seq && f.direction == d)
        };
        let received: Vec<(u8, &[u8])> = msgs(Direction::Received)
            .map(|f| (f.opcode, f.payload.as_slice()))
            .collect();
        assert_eq!(received, [(1, SERVER_HELLO.as_bytes()), (2, SERVER_BINARY)]);
        assert!(msgs(Direction::Sent).any(|f| f.opcode == 2 && f.payload == [112, 99, 0, 255, 1]));
        assert!(msgs(Direction::Sent).any(|f| f.payload.windows(email.len()).any(|w| w == email)));
        // Message times are on the requests' clock (within a second: monotonic event
        // times made wall-clock by the log's offset).
        for f in msgs(Direction::Sent).chain(msgs(Direction::Received)) {
            assert!(
                f.wall_time >= ws.wall_time - 1.0 && f.wall_time < ws.wall_time + 120.0,
                "{mode}: message at {} for a socket opened at {}",
                f.wall_time,
                ws.wall_time
            );
            assert!(!f.truncated);
        }
        // The EventSource: its request and both messages.
        let es = v
            .requests
            .iter()
            .find(|r| r.resource_type == ResourceType::EventSource)
            .expect("the EventSource");
        let events: Vec<(String, String)> = v
            .frames
            .iter()
            .filter(|f| f.request_seq == es.seq)
            .map(|f| {
                (
                    f.event.clone().unwrap_or_default(),
                    String::from_utf8_lossy(&f.payload).into_owned(),
                )
            })
            .collect();
        let want: Vec<(String, String)> = STREAM_EVENTS
            .iter()
            .map(|(e, d)| (e.to_string(), d.to_string()))
            .collect();
        assert_eq!(events, want);
    }
}

/// The datasets: the channels and contexts that carried the tracker, the typed e-mail found
/// in the socket's messages, each request's context and channel.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_datasets_say_which_channel_carried_what() {
    let out = &crawled().out;
    for r in rows(out, "site_trackers.csv")
        .iter()
        .filter(|r| r["site"] == SITE)
    {
        assert_eq!(r["tracker"], "recorder-demo.test");
        assert_eq!(r["contexts"], "page service_worker shared_worker worker");
        assert_eq!(r["channels"], "eventsource http websocket");
        assert_eq!(r["pre_submit_capture"], "true");
    }
    let email = rows(out, "tracker_fields.csv")
        .into_iter()
        .filter(|r| r["site"] == SITE && r["field"] == "plain_email")
        .collect::<Vec<_>>();
    assert_eq!(email.len(), 3, "one row per consent mode");
    assert!(
        email.iter().all(|r| r["locations"] == "body;frame"),
        "{email:?}"
    );
    let reqs = rows(out, "requests.csv");
    let ws_rows: Vec<_> = reqs
        .iter()
        .filter(|r| r["channel"] == "websocket")
        .collect();
    assert_eq!(ws_rows.len(), 3);
    for r in &ws_rows {
        assert_eq!(
            (r["context"].as_str(), r["messages_received"].as_str()),
            ("page", "2")
        );
        assert!(r["messages_sent"].parse::<u32>().unwrap() >= 3);
        assert!(r["fields"].contains("plain_email:plain"), "{r:?}");
    }
    let contexts: BTreeSet<&str> = reqs.iter().map(|r| r["context"].as_str()).collect();
    assert_eq!(
        contexts,
        ["page", "service_worker", "shared_worker", "worker"].into()
    );
    assert!(
        reqs.iter()
            .all(|r| r["channel"] != "http" || r["messages_sent"].is_empty())
    );
}
