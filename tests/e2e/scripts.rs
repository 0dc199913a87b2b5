//! End-to-end: what page scripts do (#41). The probes web (crates/testweb/src/probes.rs) runs
//! canvas, canvas-font, WebRTC and audio fingerprinting at document start, in a cross-site
//! iframe and in dedicated and service workers, beside benign look-alikes (a chart, a
//! thumbnail, a game, a video call, a synthesiser); a key watcher, a session recorder and a plain tag on a form; and a
//! page that looks for the hooks and withholds its pixel when it finds them. The datasets
//! must name exactly the true positives, the listeners and the recorder, and the detector's
//! pixel must be seen.

use crate::common::*;
use pixelcensus_testweb::probes::{DETECTOR_PIXEL, EXPECTED, FPJS_EXPECTED, FPJS_SITE, SITES};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// The probes web's sites: fpjs.test only when `make sdk` built FingerprintJS (required in CI).
fn sites() -> Vec<&'static str> {
    let fpjs = pixelcensus_testweb::sdk::available();
    assert!(
        fpjs || std::env::var_os("CI").is_none(),
        "FingerprintJS is missing: `make sdk` (part of `make test`) installs it"
    );
    SITES
        .iter()
        .copied()
        .filter(|s| fpjs || *s != FPJS_SITE)
        .collect()
}

fn crawl() -> &'static Crawled {
    static CRAWL: OnceLock<Crawled> = OnceLock::new();
    shared(&CRAWL, || {
        Scenario::sites("probes.txt", sites().join("\n") + "\n")
            .args(&["--pages", "1"])
            .crawl()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fingerprinting_is_found_where_it_happens_and_nowhere_else() {
    let rows = rows(&crawl().out, "fingerprinting.csv");
    let got: BTreeSet<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["site"].clone(),
                r["technique"].clone(),
                r["script_host"].clone(),
            )
        })
        .collect();
    let fpjs: &[_] = if sites().contains(&FPJS_SITE) {
        FPJS_EXPECTED
    } else {
        &[]
    };
    let want: BTreeSet<(String, String, String)> = EXPECTED
        .iter()
        .chain(fpjs)
        .map(|(s, t, h)| (s.to_string(), t.to_string(), h.to_string()))
        .collect();
    // Precision and recall per technique, printed for the closing note.
    for t in ["canvas", "canvas_font", "webrtc", "audio", "webgl_renderer"] {
        let g = got.iter().filter(|x| x.1 == t).count();
        let w = want.iter().filter(|x| x.1 == t).count();
        let hit = got.iter().filter(|x| x.1 == t && want.contains(*x)).count();
        eprintln!("{t}: found {g}, expected {w}, right {hit}");
    }
    assert_eq!(
        got,
        want,
        "found but not expected: {:?}; expected but not found: {:?}",
        got.difference(&want).collect::<Vec<_>>(),
        want.difference(&got).collect::<Vec<_>>()
    );
    for r in &rows {
        assert_eq!(r["third_party"], "true", "{r:?}");
        assert_eq!(r["status"], "ok", "{r:?}");
        assert!(
            !r["evidence"].is_empty() && r["counts"].starts_with('{'),
            "{r:?}"
        );
        match r["site"].as_str() {
            // In the worker, on its OffscreenCanvas.
            "worker-fp.test" => {
                assert_eq!(r["context"], "worker", "{r:?}");
                assert!(r["document"].ends_with("/fp-worker.js"), "{r:?}");
            }
            "sw-fp.test" => {
                assert_eq!(r["context"], "service_worker", "{r:?}");
                assert!(r["document"].ends_with("/fp-sw.js"), "{r:?}");
            }
            // In the cross-site frame, not the page.
            "frame-fp.test" => assert_eq!(r["document"], "https://widget.fpframe.test/", "{r:?}"),
            _ => assert_eq!(r["context"], "page", "{r:?}"),
        }
    }
    let canvas = rows.iter().find(|r| r["site"] == "canvas-fp.test").unwrap();
    assert!(
        canvas["evidence"].starts_with("240x60 canvas, 2 colour(s)")
            && canvas["evidence"].ends_with("read by toDataURL"),
        "{canvas:?}"
    );
    // 63 fonts set and measured; the hooks report at 16, 32, 50, then powers of two.
    let fonts = rows.iter().find(|r| r["site"] == "fonts-fp.test").unwrap();
    assert!(
        fonts["evidence"].starts_with("50 fonts set, the same text measured 50 times"),
        "{fonts:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listeners_and_the_session_recorder_are_told_apart() {
    let rows = rows(&crawl().out, "listeners.csv");
    let by: BTreeMap<&str, &BTreeMap<String, String>> = rows
        .iter()
        .filter(|r| r["site"] == "keys.test")
        .map(|r| (r["script_host"].as_str(), r))
        .collect();
    let kw = by
        .get("cdn.keywatch.test")
        .expect("the key watcher is a row");
    assert_eq!(kw["events"], "devicemotion;input;keydown", "{kw:?}");
    assert_eq!(
        kw["targets"], "document;input#email[name=email];window",
        "{kw:?}"
    );
    assert_eq!(kw["typed_into"], "true", "{kw:?}");
    assert_eq!(kw["session_recorder"], "false", "{kw:?}");
    let rec = by.get("cdn.replay.test").expect("the recorder is a row");
    assert_eq!(rec["events"], "input;mousemove", "{rec:?}");
    assert_eq!(rec["session_recorder"], "true", "{rec:?}");
    assert_eq!(rec["typed_into"], "true", "{rec:?}");
    // It sent the page's DOM (the small page's ~600 bytes, and its events when a flush came
    // before the visit ended).
    let html = pixelcensus_testweb::probes::route("keys.test", "/")
        .unwrap()
        .1;
    let sent = rec["sent_bytes"].parse::<usize>().unwrap();
    assert!(
        sent * 10 > html.len() * 8,
        "{rec:?}: {} bytes of HTML",
        html.len()
    );
    // The plain tag listens to clicks only: no row, and no recorder.
    assert!(!by.contains_key("cdn.plaintag.test"), "{rows:#?}");
    assert_eq!(
        rows.iter()
            .filter(|r| r["session_recorder"] == "true")
            .count(),
        1,
        "{rows:#?}"
    );
    // The crawl-wide shares.
    let t: BTreeMap<String, BTreeMap<String, String>> = rows_of(&crawl().out, "techniques.csv")
        .into_iter()
        .map(|r| (r["technique"].clone(), r))
        .collect();
    let real = u64::from(self::sites().contains(&FPJS_SITE));
    assert_eq!(t["canvas"]["sites_ok"], self::sites().len().to_string());
    let sites = |name: &str| t[name]["sites"].parse::<u64>().unwrap();
    assert_eq!(
        (
            sites("canvas"),
            sites("canvas_font"),
            sites("webrtc"),
            sites("audio")
        ),
        (4 + real, 3, 1, 2 + real)
    );
    assert_eq!((sites("session_recording"), sites("key_listening")), (1, 1));
    assert_eq!(sites("motion_listening"), 1);
    assert!(
        t["canvas"]["top_owners"].starts_with("cdn.fpcheck.test (4)"),
        "{:?}",
        t["canvas"]
    );
    // The raw reports are in the store, and no visit lost the collector.
    assert!(count(&crawl().out, "SELECT COUNT(*) FROM script_events") > 0);
    assert_eq!(
        count(
            &crawl().out,
            "SELECT COUNT(*) FROM collector_failures WHERE collector = 'scripts'"
        ),
        0
    );
    let html = std::fs::read_to_string(crawl().out.join("report.html")).unwrap();
    assert!(
        html.contains("<h2>What page scripts do</h2>"),
        "report.html"
    );
}

fn rows_of(out: &std::path::Path, file: &str) -> Vec<BTreeMap<String, String>> {
    rows(out, file)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_looking_for_the_hooks_finds_none() {
    let logged = crawl().web.requests();
    let detected: Vec<String> = logged
        .iter()
        .filter(|r| r.path.starts_with("/detected"))
        .map(|r| format!("{} {}", r.host, r.path))
        .collect();
    // The naive hook is found (the detector can fail) ...
    assert!(
        detected
            .iter()
            .any(|d| d.starts_with("detector-naive.test ")),
        "the detector missed a naive hook: {detected:?}"
    );
    // ... and ours are not: the pixel was sent.
    assert!(
        !detected.iter().any(|d| d.starts_with("detector.test ")),
        "the detector found the hooks: {detected:?}"
    );
    let pixel = logged
        .iter()
        .find(|r| {
            r.host == "www.facebook.com"
                && r.path.contains(DETECTOR_PIXEL)
                && r.headers
                    .iter()
                    .any(|(k, v)| k == "referer" && v.contains("detector.test"))
        })
        .expect("the detector's pixel reached the server");
    eprintln!("detector: {}", pixel.path);
    let t = rows(&crawl().out, "site_trackers.csv")
        .into_iter()
        .find(|r| r["site"] == "detector.test" && r["tracker"] == "Meta Pixel")
        .expect("the detector's pixel is in the datasets");
    assert!(t["pixel_ids"].contains(DETECTOR_PIXEL), "{t:?}");
}
