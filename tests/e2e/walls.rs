//! End-to-end: bot walls told apart. Real Chromium against the test web's imitations of each
//! vendor's challenge or block page (`testweb::walls`): a wall that stays is `bot_wall` with
//! its kind, its requests kept, in no prevalence denominator; a challenge that reloads into
//! the site within the wait is followed and recorded `ok`, with `walled_at_first`. And the
//! visitor does not announce itself as a robot to the pages it visits.

use crate::common::*;
use pixelcensus::capture::Outcome;
use pixelcensus_testweb::walls::WALLS;
use std::sync::OnceLock;

/// The one crawl of this file: every wall, then probe.test (which reports what a page sees).
fn crawled() -> &'static Crawled {
    static CRAWL: OnceLock<Crawled> = OnceLock::new();
    shared(&CRAWL, || {
        let mut text: String = WALLS.iter().map(|(h, _, _)| format!("{h}\n")).collect();
        text.push_str("probe.test\n");
        Scenario::sites("walls.txt", text).crawl()
    })
}

/// The JSON probe.test's page sent to a path of its recorder.
fn probe_report(path: &str) -> serde_json::Value {
    let v = visits(&crawled().out);
    let body = v["probe.test"]
        .requests
        .iter()
        .find(|r| r.url.ends_with(path))
        .and_then(|r| r.body.clone())
        .unwrap_or_else(|| panic!("the probe reported to {path}"));
    serde_json::from_slice(&body).unwrap()
}

/// A wall that stays is `bot_wall` with its kind and its requests; a challenge that reloads
/// into the site is followed and recorded `ok`, with `walled_at_first`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bot_walls_are_recorded_with_their_kind_and_a_clearing_challenge_is_followed() {
    let out = &crawled().out;
    let v = visits(out);
    for (host, wall, first) in WALLS {
        let x = &v[*host];
        let name = |k: Option<pixelcensus::capture::WallKind>| k.map(|k| k.as_str());
        let truth = |k: &Option<pixelcensus_testweb::kinds::WallKind>| k.map(|k| k.as_str());
        assert_eq!(name(x.wall), truth(wall), "{host}: {:?}", x.error);
        assert_eq!(name(x.walled_at_first), truth(first), "{host}");
        match wall {
            Some(kind) => {
                assert_eq!(x.outcome, Outcome::BotWall, "{host}");
                let e = x.error.as_deref().unwrap_or("");
                assert!(
                    e.contains(&format!("{} bot wall", kind.as_str())),
                    "{host}: {e}"
                );
                assert!(
                    !x.requests.is_empty(),
                    "{host}: the wall's requests are kept"
                );
                assert!(
                    x.actions.iter().all(|a| !a.starts_with("typed")),
                    "{host}: nothing typed into a wall"
                );
            }
            None => {
                assert_eq!(x.outcome, Outcome::Ok, "{host}");
                assert!(
                    x.actions
                        .iter()
                        .any(|a| a.contains("bot wall cleared by itself")),
                    "{:?}",
                    x.actions
                );
                assert!(
                    x.final_url
                        .as_deref()
                        .unwrap_or("")
                        .contains("__cf_chl_rt_tk")
                );
            }
        }
    }
}

/// sites.csv: the kind in its own column; prevalence counts no wall; the manifest and the
/// report say so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_datasets_count_walls_apart() {
    let out = &crawled().out;
    // sites.csv: the kind in its own column; prevalence counts no wall: GA4 (behind the
    // cleared wall) is on 1 of the 2 OK sites.
    let (h, rows) = read_csv(&out.join("sites.csv"));
    let c = |n: &str| h.iter().position(|x| x == n).unwrap();
    for r in rows.iter().filter(|r| r[c("site")] != "probe.test") {
        let (wall, first) = WALLS
            .iter()
            .find(|w| w.0 == r[c("site")])
            .map(|w| (w.1, w.2))
            .unwrap();
        assert_eq!(r[c("wall")], wall.map(|k| k.as_str()).unwrap_or(""));
        assert_eq!(
            r[c("walled_at_first")],
            first.map(|k| k.as_str()).unwrap_or("")
        );
        let want = if wall.is_some() { "bot_wall" } else { "ok" };
        assert_eq!(r[c("status")], want);
    }
    let (h, prev) = read_csv(&out.join("prevalence.csv"));
    let p = |n: &str| h.iter().position(|x| x == n).unwrap();
    let ga4 = prev
        .iter()
        .find(|r| r[p("tracker")] == "Google Analytics 4")
        .expect("GA4 behind the cleared wall");
    assert_eq!(
        (ga4[p("sites")].as_str(), ga4[p("sites_ok")].as_str()),
        ("1", "2"),
        "the cleared wall's site and probe.test are the OK sites"
    );
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["outcomes"]["bot_wall"], 6);
    assert!(
        m["browser"]["disguise"]
            .as_array()
            .is_some_and(|d| d.iter().any(|x| x.as_str().unwrap().contains("webdriver"))),
        "the manifest says what the browser changes: {}",
        m["browser"]
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("bot_wall"),
        "report.html shows walls among the outcomes"
    );
}

/// What a page sees of the visitor (probe.test reports it): no robot flag, no headless name
/// anywhere, the window the crawl set.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_visitor_does_not_announce_a_robot() {
    let facts = probe_report("/v1/probe");
    assert_eq!(facts["webdriver"], false, "{facts}");
    assert!(
        !facts.to_string().to_lowercase().contains("headless"),
        "{facts}"
    );
    assert_eq!(facts["window"], serde_json::json!([1366, 768]), "{facts}");
    assert_eq!(facts["languages"][0], "en-US", "{facts}");
}

/// The visitor types as a keyboard does (its keys go through DevTools, all of a value's at
/// once): for every character, in order, a trusted keydown with the US keyboard's key, code
/// and Shift, a keypress, beforeinput and input with the character, a keyup; then Tab, which
/// types nothing and moves on (the probe's `change` report).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_visitor_types_as_a_keyboard_does() {
    let keys = probe_report("/v1/probe-keys");
    let email = &visits(&crawled().out)["probe.test"].canaries.email.clone();
    assert_eq!(keys["value"], email.as_str(), "{keys}");
    let log: Vec<Vec<serde_json::Value>> = serde_json::from_value(keys["log"].clone()).unwrap();
    assert!(
        log.iter()
            .all(|e| e.last() == Some(&serde_json::json!(true))),
        "every event is trusted: {log:?}"
    );
    let expect_code = |c: char| match c {
        'a'..='z' => (
            format!("Key{}", c.to_ascii_uppercase()),
            c.to_ascii_uppercase() as u64,
            false,
        ),
        '0'..='9' => (format!("Digit{c}"), c as u64, false),
        '@' => ("Digit2".to_string(), 50, true),
        '.' => ("Period".to_string(), 190, false),
        _ => panic!("a canary e-mail has no {c:?}"),
    };
    let mut at = 0;
    for c in email.chars() {
        let (code, key_code, shift) = expect_code(c);
        let s = c.to_string();
        let want = [
            serde_json::json!(["keydown", s, code, key_code, shift]),
            serde_json::json!(["keypress", s, code]),
            serde_json::json!(["beforeinput", "insertText", s]),
            serde_json::json!(["input", "insertText", s]),
            serde_json::json!(["keyup", s]),
        ];
        let got = &log[at..at + want.len()];
        for (g, w) in got.iter().zip(&want) {
            let n = w.as_array().unwrap().len();
            assert_eq!(serde_json::json!(g[..n]), *w, "{c:?}: {got:?}");
        }
        at += want.len();
    }
    assert_eq!(
        log[at][..3],
        [serde_json::json!("keydown"), "Tab".into(), "Tab".into()],
        "{log:?}"
    );
    assert!(
        log[at + 1..]
            .iter()
            .all(|e| e[0] != "keypress" && e[0] != "input"),
        "Tab types nothing: {log:?}"
    );
}
