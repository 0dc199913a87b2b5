//! End-to-end: what a page sends as it is left (`testweb::leave`). One crawl (`--consent
//! accept`, three pages per site) of four sites, each left a different way — the visitor's
//! search, the internal links it follows, the page navigating itself (an `<a ping>` click, a
//! form it posts), the consent click reloading the page — and all of them at the visit's end.
//! Every page sends by image, fetch, keepalive fetch, sendBeacon, XHR, its worker and a large
//! body from `pagehide`, `visibilitychange`, `beforeunload` and `unload`. The store must hold
//! every request the test web received, byte for byte, each on the page that sent it.

use crate::common::*;
use pixelcensus::capture::{RawVisit, Step};
use pixelcensus_testweb::leave::{COLLECTOR, SITES};
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

/// The handlers that run as a document is left.
const LEAVING: [&str; 4] = ["pagehide", "visibilitychange", "beforeunload", "unload"];

/// A probe request's query: site, page path, handler, transport.
fn probe(url: &str) -> Option<HashMap<String, String>> {
    let u = url::Url::parse(url).ok()?;
    (u.host_str() == Some(COLLECTOR)).then(|| u.query_pairs().into_owned().collect())
}

/// The page of `v` a probe from `path` belongs to: an internal page by its path; the search
/// results and the pages a front page navigated to by itself are the front page's.
fn page_of(v: &RawVisit, path: &str) -> u32 {
    v.pages
        .iter()
        .skip(1)
        .find(|p| url::Url::parse(&p.url).is_ok_and(|u| u.path() == path))
        .map_or(0, |p| p.page)
}
/// The one crawl of this file: the four sites, `--consent accept`.
fn crawled() -> &'static Crawled {
    static CRAWL: OnceLock<Crawled> = OnceLock::new();
    shared(&CRAWL, || {
        let text: String = SITES
            .iter()
            .enumerate()
            .map(|(i, (h, _))| format!("{},{h}\n", i + 1))
            .collect();
        // Two browsers: with four on two cores, leave-self.test's worker (its page leaves
        // itself 300 ms after load) started after the page began to be left once, and its
        // load-time request went the way of the leaving handlers' (see below).
        Scenario::sites("list.csv", text)
            .set("--browsers", "2")
            .args(&["--consent", "accept"])
            .crawl()
    })
}

/// Every request the test web received is in the store, byte for byte.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everything_a_page_sends_as_it_is_left_is_stored() {
    let web = &crawled().web;
    let visits = visits(&crawled().out);

    // 1. The server's log against the store: same method, URL and body bytes. A dedicated
    // worker's request made after its page began to be left is the one exception Chromium
    // imposes (it ends the worker with the document and reports the request to no DevTools
    // target); its requests at load must all be there.
    let (missing, logged) = uncaptured(web, &visits);
    assert!(logged > 150, "the server saw only {logged} requests");
    let unreportable = |line: &str| {
        probe(line.split(' ').nth(1).unwrap_or_default())
            .is_some_and(|q| q["t"] == "worker" && LEAVING.contains(&q["h"].as_str()))
    };
    let lost: Vec<_> = missing.iter().filter(|l| !unreportable(l)).collect();
    assert!(lost.is_empty(), "not stored:\n{lost:#?}");
}

/// Each probe on the page that sent it, in the site's visit; what a page sent once the
/// visitor had moved on is labelled `leave`. Returns the probes sent as a page was left:
/// (site, page path, transport).
fn left_probes(visits: &HashMap<String, RawVisit>) -> BTreeSet<(String, String, String)> {
    let mut left: BTreeSet<(String, String, String)> = BTreeSet::new();
    for (site, v) in visits {
        for r in &v.requests {
            let Some(q) = probe(&r.url) else { continue };
            if r.url.contains("/ping?") {
                left.insert((site.clone(), "/".into(), "ping".into()));
                continue;
            }
            assert_eq!(&q["site"], site, "{} stored with {site}", r.url);
            let page = page_of(v, &q["p"]);
            assert_eq!(r.page, page, "{} on page {}", r.url, r.page);
            if LEAVING.contains(&q["h"].as_str()) {
                if site == "leave-link.test" && page + 1 < v.pages.len() as u32 {
                    assert_eq!(r.step, Step::Leave, "{}", r.url);
                }
                left.insert((site.clone(), q["p"].clone(), q["t"].clone()));
            }
        }
    }
    left
}

/// Each probe is stored with the page that sent it; every way of leaving was exercised, and
/// every transport of the page seen as it left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everything_a_page_sends_as_it_is_left_is_stored_with_its_page() {
    let visits = visits(&crawled().out);
    let left = left_probes(&visits);
    // 3. Every way of leaving was exercised, and every transport of the page seen as it left.
    let last_page = |site: &str| {
        let v = &visits[site];
        let p = v.pages.last().unwrap();
        url::Url::parse(p.final_url.as_deref().unwrap_or(&p.url))
            .unwrap()
            .path()
            .to_string()
    };
    let ways = [
        ("leave-search.test", "/".to_string()),
        ("leave-link.test", "/".to_string()),
        ("leave-self.test", "/".to_string()),
        ("leave-self.test", "/next".to_string()),
        ("leave-consent.test", "/".to_string()),
        ("leave-link.test", last_page("leave-link.test")),
        ("leave-search.test", last_page("leave-search.test")),
    ];
    for (site, path) in ways {
        for t in [
            "img", "fetch", "fetchka", "beacon", "blob", "fd", "bytes", "xhr", "big",
        ] {
            assert!(
                left.contains(&(site.to_string(), path.clone(), t.to_string())),
                "{site} {path}: no {t} sent as the page was left was stored"
            );
        }
    }
    assert!(
        left.contains(&("leave-self.test".into(), "/".into(), "ping".into())),
        "the <a ping> the page clicked itself"
    );
    let posted = visits["leave-self.test"]
        .requests
        .iter()
        .any(|r| r.method == "POST" && r.url.ends_with("/posted"));
    assert!(posted, "the form the page posted itself");
    assert_eq!(
        visits["leave-link.test"].pages.len(),
        3,
        "two links followed"
    );
    assert!(
        visits["leave-consent.test"].consent.choice_at.is_some(),
        "the banner was answered (its reload is a way of leaving)"
    );
    // The large bodies are whole (byte-compared above), above DevTools' default inline 64 KiB.
    let big = visits
        .values()
        .flat_map(|v| &v.requests)
        .filter(|r| r.url.contains("t=big"))
        .map(|r| r.body.as_ref().map_or(0, Vec::len))
        .min()
        .unwrap();
    assert!(big > 100 * 1024, "a large body was stored cut: {big} bytes");
}
