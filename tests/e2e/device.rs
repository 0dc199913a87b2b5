//! End-to-end: who the visitor appears to be (#40). device.test reports what its page and its
//! dedicated worker read of the device, locale and time zone; the test web logs the headers
//! of the page's and the worker's requests. Crawled as the default desktop and as a phone in
//! Germany, everything a site could compare must agree, and say what the options asked for;
//! every dataset names the device and the vantage (tiktok-shop.test gives prevalence rows).

use crate::common::*;
use pixelcensus_testweb::Logged;
use pixelcensus_testweb::device::{
    GEO_REPORT, PAGE_REPORT, PHONE_PIXEL, SITE, TAP_REPORT, WORKER_REPORT,
};
use serde_json::Value;
use std::sync::OnceLock;

/// The default desktop crawl of device.test.
fn desktop() -> &'static Crawled {
    static CRAWL: OnceLock<Crawled> = OnceLock::new();
    shared(&CRAWL, || {
        Scenario::sites("device.txt", format!("{SITE}\ntiktok-shop.test\n")).crawl()
    })
}

/// device.test as a phone in Germany.
fn mobile_de() -> &'static Crawled {
    static CRAWL: OnceLock<Crawled> = OnceLock::new();
    shared(&CRAWL, || {
        Scenario::sites("device.txt", format!("{SITE}\ntiktok-shop.test\n"))
            .args(&[
                "--device",
                "mobile",
                "--locale",
                "de-DE",
                "--timezone",
                "Europe/Berlin",
                "--vantage",
                "eu-de",
                "--geolocation",
                "52.52,13.405",
            ])
            .crawl()
    })
}

/// What one crawl's test web received: the page's document request, the page's report and
/// the worker's report request.
struct Seen {
    document: Logged,
    page: Value,
    worker_request: Logged,
    worker: Value,
}

fn seen(c: &Crawled) -> Seen {
    let log = c.web.requests();
    let one = |pred: &dyn Fn(&Logged) -> bool, what: &str| {
        log.iter()
            .find(|l| pred(l))
            .cloned()
            .unwrap_or_else(|| panic!("the test web received no {what}"))
    };
    let document = one(&|l| l.host == SITE && l.path == "/", "document request");
    let page_report = one(&|l| l.path == PAGE_REPORT, "page report");
    let worker_request = one(&|l| l.path == WORKER_REPORT, "worker report");
    Seen {
        page: serde_json::from_slice(&page_report.body).unwrap(),
        worker: serde_json::from_slice(&worker_request.body).unwrap(),
        document,
        worker_request,
    }
}

fn header<'a>(l: &'a Logged, name: &str) -> &'a str {
    l.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// What every crawl must show whatever its options: the page, its worker and the headers of
/// both tell one story, and the high-entropy client hints are filled in.
fn consistent(s: &Seen) {
    let ua = header(&s.document, "user-agent");
    assert!(!ua.contains("Headless"), "{ua}");
    assert_eq!(s.page["ua"], ua);
    assert_eq!(s.worker["ua"], ua);
    assert_eq!(header(&s.worker_request, "user-agent"), ua);
    assert_eq!(
        header(&s.worker_request, "accept-language"),
        header(&s.document, "accept-language")
    );
    // Chromium sends the low-entropy hints on the page's own requests (not on a blob
    // worker's): they must say what userAgentData says.
    let mobile = if s.page["ch_mobile"] == true {
        "?1"
    } else {
        "?0"
    };
    assert_eq!(header(&s.document, "sec-ch-ua-mobile"), mobile);
    assert_eq!(
        header(&s.document, "sec-ch-ua-platform"),
        format!("\"{}\"", s.page["ch_platform"].as_str().unwrap())
    );
    assert_eq!(s.worker["ch_mobile"], s.page["ch_mobile"]);
    // Not compared: a dedicated worker's navigator.platform stays the machine's (DevTools
    // sets the User-Agent and its hints in workers, not the platform; README, "Who the
    // visitor is").
    assert_eq!(s.worker["languages"], s.page["languages"]);
    assert_eq!(s.worker["time_zone"], s.page["time_zone"]);
    // The high-entropy hints filled in, the full version list naming the brands the browser
    // announces (its own: Sec-CH-UA of the page's request).
    let high = &s.page["high"];
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|b| b["brand"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let full = names(&high["fullVersionList"]);
    assert!(!full.is_empty(), "high-entropy hints left empty: {high}");
    assert_eq!(full, names(&high["brands"]), "{high}");
    let sec_ch_ua = header(&s.document, "sec-ch-ua");
    for b in &full {
        assert!(
            sec_ch_ua.contains(&format!("\"{b}\"")),
            "{b} not in {sec_ch_ua}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desktop_visitor_is_one_linux_chrome_everywhere() {
    let s = seen(desktop());
    consistent(&s);
    let p = &s.page;
    assert!(
        p["ua"].as_str().unwrap().contains("(X11; Linux x86_64)"),
        "{p}"
    );
    assert_eq!(p["platform"], "Linux x86_64");
    assert_eq!(p["ch_mobile"], false);
    assert_eq!(p["ch_platform"], "Linux");
    assert_eq!(p["high"]["architecture"], "x86");
    assert_eq!(p["high"]["bitness"], "64");
    assert_eq!(p["touch_points"], 0);
    assert_eq!(p["pointer_coarse"], false);
    assert_eq!(p["languages"][0], "en-US");
    // Without --geolocation the permission is left unanswered (a prompt), as for a visitor
    // who ignores it, and no position is read.
    let g = geo(desktop());
    assert_eq!(g["state"], "prompt", "{g}");
    assert!(g.get("lat").is_none(), "{g}");
    let m = manifest(&desktop().out);
    assert_eq!(m["options"]["device"], "desktop", "{m}");
    visitor_columns(&desktop().out, "desktop", "local");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mobile_visitor_in_germany_is_a_pixel_7_with_german_settings_everywhere() {
    let s = seen(mobile_de());
    consistent(&s);
    let p = &s.page;
    let ua = p["ua"].as_str().unwrap();
    assert!(
        ua.contains("(Linux; Android 10; K)") && ua.contains(" Mobile Safari/"),
        "{ua}"
    );
    assert_eq!(p["platform"], "Linux armv81");
    assert_eq!(p["ch_mobile"], true);
    assert_eq!(p["ch_platform"], "Android");
    assert_eq!(p["high"]["model"], "Pixel 7");
    assert_eq!(p["high"]["platformVersion"], "16.0.0");
    assert_eq!(p["touch_points"], 5);
    assert_eq!(p["pointer_coarse"], true);
    assert_eq!(p["screen"], serde_json::json!([412, 915]));
    // No viewport meta on this page: like a real phone, a 980-pixel-wide layout.
    assert!(p["inner_width"].as_u64().unwrap() > 900, "{p}");
    assert_eq!(p["dpr"], 2.625);
    // The locale everywhere a page can read it, and the time zone.
    assert_eq!(header(&s.document, "accept-language"), "de-DE,de;q=0.9");
    assert_eq!(p["languages"], serde_json::json!(["de-DE", "de"]));
    assert_eq!(p["intl_locale"], "de-DE");
    assert_eq!(s.worker["intl_locale"], "de-DE");
    assert_eq!(p["time_zone"], "Europe/Berlin");
    let m = manifest(&mobile_de().out);
    assert_eq!(m["options"]["device"], "mobile", "{m}");
    assert_eq!(m["options"]["locale"], "de-DE", "{m}");
    assert_eq!(m["options"]["timezone"], "Europe/Berlin", "{m}");
    assert_eq!(m["options"]["vantage"], "eu-de", "{m}");
    assert_eq!(m["options"]["geolocation"], "52.52,13.405", "{m}");
    visitor_columns(&mobile_de().out, "mobile", "eu-de");
    // --geolocation: granted, and the position given.
    let g = geo(mobile_de());
    assert_eq!(
        (&g["state"], &g["lat"], &g["lon"]),
        (
            &Value::from("granted"),
            &Value::from(52.52),
            &Value::from(13.405)
        ),
        "{g}"
    );
}

/// What device.test's page reported of the geolocation permission and position.
fn geo(c: &Crawled) -> Value {
    let r = c
        .web
        .requests()
        .into_iter()
        .find(|l| l.path == GEO_REPORT)
        .expect("device.test reported its geolocation permission");
    serde_json::from_slice(&r.body).unwrap()
}

/// Every per-site file and the crawl-wide ones name the crawl's device and vantage on each
/// row, right after `crawl`.
fn visitor_columns(out: &std::path::Path, device: &str, vantage: &str) {
    for file in [
        "sites.csv",
        "pages.csv",
        "requests.csv",
        "consent.csv",
        "prevalence.csv",
        "companies.csv",
    ] {
        let (h, rows) = read_csv(&out.join(file));
        let at = |n: &str| h.iter().position(|c| c == n).unwrap();
        assert_eq!(
            (at("device"), at("vantage")),
            (at("crawl") + 1, at("crawl") + 2),
            "{file}"
        );
        assert!(!rows.is_empty(), "{file} has rows");
        for r in &rows {
            assert_eq!(
                (r[at("device")].as_str(), r[at("vantage")].as_str()),
                (device, vantage),
                "{file}"
            );
        }
    }
}

/// How the visitor first touched or clicked device.test, as the page saw it, and the visit's
/// action that did it.
fn first_touch(c: &Crawled) -> (Value, String) {
    let report = c
        .web
        .requests()
        .into_iter()
        .find(|l| l.path == TAP_REPORT)
        .expect("the visitor clicked or tapped device.test");
    let visit = &visits(&c.out)[SITE];
    let action = visit
        .actions
        .iter()
        .find(|a| a.contains(" at "))
        .cloned()
        .unwrap_or_default();
    (serde_json::from_slice(&report.body).unwrap(), action)
}

/// The visitor on a phone taps (touch events, a touch pointer); on a desktop it clicks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phone_visitor_taps_and_the_desktop_one_clicks() {
    let (tap, did) = first_touch(mobile_de());
    assert_eq!(tap["pointer_type"], "touch", "{tap}");
    assert_eq!(tap["touchstart"], true, "{tap}");
    assert!(did.starts_with("tapped at"), "{did}");
    let (click, did) = first_touch(desktop());
    assert_eq!(click["pointer_type"], "mouse", "{click}");
    assert_eq!(click["touchstart"], false, "{click}");
    assert!(did.starts_with("clicked at"), "{did}");
}

/// A folder keeps its visitor: resuming the phone crawl as a desktop is refused, naming the
/// visitor it was crawled as, and changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_keeps_its_visitor() {
    let c = mobile_de();
    let (_keep, copy) = copy_folder(&c.out);
    let before = std::fs::read(copy.join("sites.csv")).unwrap();
    let mut args = c.args.clone();
    set_arg(&mut args, "--out", &copy.display().to_string());
    set_arg(&mut args, "--device", "desktop");
    let o = run(args).await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "was crawled as `--device mobile --locale de-DE --timezone Europe/Berlin --geolocation 52.52,13.405 --vantage eu-de`"
        ),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(copy.join("sites.csv")).unwrap(), before);
}

/// device.test's trackers in a crawl's site_trackers.csv, with their IDs.
fn trackers_on_device_test(out: &std::path::Path) -> Vec<(String, String)> {
    rows(out, "site_trackers.csv")
        .into_iter()
        .filter(|r| r["site"] == SITE)
        .map(|r| (r["tracker"].clone(), r["pixel_ids"].clone()))
        .collect()
}

/// The phone-only tag is found on the phone only, and `compare` puts the two visitors side
/// by side: the same sites, device.test gaining the Meta Pixel, nothing else changed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_puts_the_phone_beside_the_desktop() {
    let (desktop, mobile) = (&desktop().out, &mobile_de().out);
    let on_phone = trackers_on_device_test(mobile);
    assert!(
        on_phone
            .iter()
            .any(|(t, ids)| t == "Meta Pixel" && ids.contains(PHONE_PIXEL)),
        "{on_phone:?}"
    );
    let on_desktop = trackers_on_device_test(desktop);
    assert!(
        on_desktop.iter().all(|(t, _)| t != "Meta Pixel"),
        "{on_desktop:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let c = run(vec![
        "compare".into(),
        desktop.display().to_string(),
        mobile.display().to_string(),
        "--out".into(),
        dir.path().display().to_string(),
    ])
    .await;
    assert!(c.status.success(), "{}", stderr(&c));
    let summary = stderr(&c);
    assert!(
        summary.contains("1 sites gained or lost a tracker"),
        "{summary}"
    );
    let sites = rows(dir.path(), "compare_sites.csv");
    assert_eq!(sites.len(), 1, "{sites:?}");
    assert_eq!(
        (sites[0]["site"].as_str(), sites[0]["added"].as_str()),
        (SITE, "Meta Pixel")
    );
}

fn manifest(out: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap()
}
