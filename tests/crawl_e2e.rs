//! End-to-end: the real binary drives real headless Chromium through chromedriver over the
//! project's test web; the store is the real SQLite file; the CSVs are read back.

mod common;

use common::*;
use pixelcensus::capture::RawVisit;
use pixelcensus::testweb::sites::{self, SITES};
use std::collections::HashMap;

fn visits(out: &std::path::Path) -> HashMap<String, RawVisit> {
    let store = store(out);
    store
        .targets()
        .unwrap()
        .into_iter()
        .map(|(t, id)| {
            let id = id.unwrap_or_else(|| panic!("{} was never visited", t.domain));
            (t.domain, store.load_visit(id).unwrap().visit)
        })
        .collect()
}

/// One crawl of the whole demo list, checked against the test web's truth and its own log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_of_the_test_web_captures_what_the_server_saw() {
    require_browser();
    let _one = BROWSERS.lock().await;
    let web = web().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("crawl");
    let o = run(crawl_args(&web, &demo_list(), &out)).await;
    assert!(o.status.success(), "crawl failed: {}", stderr(&o));
    let err = stderr(&o);
    let n = sites_in_demo();
    assert!(err.contains(&format!("{n} of {n} sites recorded")), "{err}");
    let v = visits(&out);

    // Every listed site is recorded once, with the outcome and status the test web dictates.
    for s in sites::listed() {
        let got = &v[s.domain];
        assert_eq!(got.outcome, s.expect, "{}: {:?}", s.domain, got.error);
        assert_eq!(got.http_status, s.expect_status, "{}", s.domain);
    }
    assert_eq!(v.len(), sites::listed().count());

    // Every request the server received from a page is in the capture, same method and body.
    let captured: Vec<(&str, &str, &[u8])> = v
        .values()
        .flat_map(|vis| vis.requests.iter())
        .map(|r| {
            (
                r.method.as_str(),
                r.url.as_str(),
                r.body.as_deref().unwrap_or(&[]),
            )
        })
        .collect();
    // Chromium's own background traffic also reaches the server (the host map sends every
    // name there); it belongs to no page and must stay out of the capture.
    let (logged, background): (Vec<_>, Vec<_>) = web
        .requests()
        .into_iter()
        .partition(|l| pixelcensus::testweb::serves(&l.host));
    assert!(
        logged.len() > 80,
        "the server saw only {} page requests",
        logged.len()
    );
    for b in &background {
        assert!(
            !captured.iter().any(|(_, u, _)| *u == b.url()),
            "background request captured as page traffic: {}",
            b.url()
        );
    }
    let mut missing = Vec::new();
    for l in &logged {
        let url = l.url();
        if !captured
            .iter()
            .any(|(m, u, b)| *m == l.method && *u == url && *b == l.body.as_slice())
        {
            missing.push(format!(
                "{} {} ({} body bytes)",
                l.method,
                url,
                l.body.len()
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "requests the server saw but the capture lacks:\n{}",
        missing.join("\n")
    );

    // Hard transports: Blob beacon, string beacon, keepalive fetch, multipart FormData with a Blob.
    let b = &v["beacons.test"];
    let find = |pred: &dyn Fn(&pixelcensus::capture::RawRequest) -> bool| {
        b.requests.iter().find(|r| pred(r)).cloned()
    };
    let blob_beacon =
        find(&|r| r.resource_type == "Ping" && r.url == "https://www.facebook.com/tr/")
            .expect("Blob beacon captured");
    assert!(
        String::from_utf8_lossy(blob_beacon.body.as_deref().unwrap())
            .contains("\"ev\":\"PageView\"")
    );
    let text_beacon = find(&|r| r.resource_type == "Ping" && r.url.ends_with("/api/v2/pixel/act"))
        .expect("string beacon");
    assert!(
        String::from_utf8_lossy(text_beacon.body.as_deref().unwrap())
            .contains("\"event\":\"Beacon\"")
    );
    let keepalive = find(&|r| r.url.contains("en=keepalive_test")).expect("keepalive fetch");
    assert_eq!(
        keepalive.body.as_deref(),
        Some(&b"en=page_view&dl=https%3A%2F%2Fbeacons.test%2F"[..])
    );
    let multipart = find(&|r| {
        r.method == "POST" && r.resource_type == "Fetch" && r.url == "https://www.facebook.com/tr/"
    })
    .expect("FormData POST");
    let mp = String::from_utf8_lossy(multipart.body.as_deref().unwrap()).into_owned();
    assert!(
        mp.contains("blob-part-payload") && mp.contains("name=\"dl\""),
        "{mp}"
    );

    // The cross-site iframe's own pixel, with the frame it came from.
    let iframe_pixel = v["iframe-host.test"]
        .requests
        .iter()
        .find(|r| r.url == "https://analytics.tiktok.com/api/v2/pixel")
        .expect("pixel inside the cross-site iframe");
    assert_eq!(
        iframe_pixel.frame_url,
        "https://widgets-thirdparty.test/embed"
    );
    assert!(!iframe_pixel.is_main_frame);

    // Third-party cookies, set by responses and sent back.
    let has_cookie = |site: &str, domain: &str, name: &str| {
        v[site]
            .cookies
            .iter()
            .any(|c| c.domain.ends_with(domain) && c.name == name)
    };
    assert!(has_cookie("cookie-sync.test", "adnet.test", "uid"));
    assert!(has_cookie(
        "iframe-host.test",
        "widgets-thirdparty.test",
        "widget_uid"
    ));
    assert!(has_cookie("meta-news.test", "facebook.com", "fr"));
    assert!(has_cookie("tiktok-shop.test", "tiktok-shop.test", "_ttp"));
    let sync_back = v["cookie-sync.test"]
        .requests
        .iter()
        .find(|r| r.url.starts_with("https://adnet.test/px.gif"))
        .expect("second adnet hit");
    assert!(
        sync_back
            .headers
            .iter()
            .any(|(k, val)| k.eq_ignore_ascii_case("cookie") && val.contains("uid=adnet-7731")),
        "third-party cookie sent back: {:?}",
        sync_back.headers
    );

    // The visitor typed canaries (Tab after each) and searched, and submitted no other form.
    let shop = &v["tiktok-shop.test"];
    assert!(
        shop.actions.iter().any(|a| a.starts_with("typed email")),
        "{:?}",
        shop.actions
    );
    assert!(
        shop.actions.iter().any(|a| a.starts_with("typed phone")),
        "{:?}",
        shop.actions
    );
    assert!(
        shop.actions.iter().any(|a| a.starts_with("typed name")),
        "{:?}",
        shop.actions
    );
    let q =
        url::form_urlencoded::byte_serialize(shop.canaries.search.as_bytes()).collect::<String>();
    assert!(
        shop.requests
            .iter()
            .any(|r| r.is_main_frame && r.url == format!("https://tiktok-shop.test/search?q={q}")),
        "search results page for the canary term"
    );
    let rec = &v["recorder.test"];
    assert!(rec.requests.iter().any(|r| {
        r.body
            .as_deref()
            .is_some_and(|b| String::from_utf8_lossy(b).contains(&rec.canaries.email))
    }));
    assert!(
        !logged.iter().any(|l| l.path.starts_with("/subscribe")),
        "a form other than a search was submitted"
    );
    assert_ne!(
        shop.canaries.email, v["meta-news.test"].canaries.email,
        "canaries are per site"
    );

    // Redirects, fallbacks and pages that move themselves.
    assert_eq!(
        v["redirect.test"].redirect_chain,
        vec!["https://redirect.test/", "https://www.redirect.test/"]
    );
    assert_eq!(
        v["http-only.test"].final_url.as_deref(),
        Some("http://http-only.test/")
    );
    let leaves = &v["leaves.test"];
    assert_eq!(
        leaves.final_url.as_deref(),
        Some("https://elsewhere.test/landing")
    );
    assert!(
        leaves
            .requests
            .iter()
            .any(|r| r.url == "https://analytics.tiktok.com/api/v2/pixel"),
        "what it sent before leaving is kept"
    );
    // Dialogs did not stop the visit.
    assert!(
        v["dialogs.test"]
            .requests
            .iter()
            .any(|r| r.url.contains("en=after_dialogs"))
    );
    // No visit is credited with another site's traffic.
    for (site, vis) in &v {
        for r in &vis.requests {
            let other = SITES.iter().find(|s| {
                s.rank > 0
                    && s.domain != site
                    && r.url.starts_with(&format!("https://{}/", s.domain))
            });
            assert!(
                other.is_none(),
                "{site} has a request of {}: {}",
                other.unwrap().domain,
                r.url
            );
        }
    }

    // The CSVs read back with the documented columns, one row per site and per request.
    let (h, rows) = read_csv(&out.join("sites.csv"));
    assert_eq!(h, pixelcensus::report::SITES_COLUMNS);
    assert_eq!(rows.len(), sites_in_demo());
    let hang = rows.iter().find(|r| r[1] == "hang.test").unwrap();
    assert_eq!(hang[2], "timeout");
    let (h, rows) = read_csv(&out.join("requests.csv"));
    assert_eq!(h, pixelcensus::report::REQUESTS_COLUMNS);
    assert_eq!(
        rows.len(),
        v.values().map(|x| x.requests.len()).sum::<usize>()
    );
    assert!(
        rows.iter().any(|r| r[0] == "beacons.test"
            && r[9].contains("blob-part-payload")
            && r[7] == "true")
    );
    web.stop();
}

/// Detection on the test web: site × tracker, pixel IDs, loaded/fired, proxy and the
/// visitor's values received are exactly the test web's truth, read back from the CSV.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn detection_on_the_test_web_is_exact() {
    use std::collections::{BTreeMap, BTreeSet};
    require_browser();
    let _one = BROWSERS.lock().await;
    let web = web().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("crawl");
    let o = run(crawl_args(&web, &demo_list(), &out)).await;
    assert!(o.status.success(), "crawl failed: {}", stderr(&o));
    let (h, rows) = read_csv(&out.join("site_trackers.csv"));
    assert_eq!(h, pixelcensus::report::SITE_TRACKERS_COLUMNS);
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (site, tracker, ids, fired, proxy, fields) = (
        col("site"),
        col("tracker"),
        col("pixel_ids"),
        col("fired"),
        col("first_party_proxy"),
        col("fields"),
    );
    let split = |s: &str| {
        s.split(';')
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect::<BTreeSet<_>>()
    };
    let got: BTreeMap<(String, String), &Vec<String>> = rows
        .iter()
        .map(|r| ((r[site].clone(), r[tracker].clone()), r))
        .collect();
    assert_eq!(got.len(), rows.len(), "one row per site × tracker");
    let want: BTreeSet<(String, String)> = sites::TRUTH
        .iter()
        .map(|e| (e.site.to_string(), e.tracker.to_string()))
        .collect();
    let have: BTreeSet<(String, String)> = got.keys().cloned().collect();
    assert_eq!(
        have.difference(&want).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "reported but not in the truth"
    );
    assert_eq!(
        want.difference(&have).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "in the truth but not reported"
    );
    for e in sites::TRUTH {
        let r = got[&(e.site.to_string(), e.tracker.to_string())];
        let what = format!("{} × {}", e.site, e.tracker);
        assert_eq!(
            split(&r[ids]),
            e.ids.iter().map(|s| s.to_string()).collect(),
            "{what}: pixel ids"
        );
        assert_eq!(r[fired] == "true", e.fired, "{what}: fired");
        assert_eq!(r[proxy] == "true", e.proxy, "{what}: first_party_proxy");
        let sensitive: BTreeSet<String> = split(&r[fields])
            .iter()
            .map(|t| t.split(':').next().unwrap().to_string())
            .filter(|f| sites::SENSITIVE.contains(&f.as_str()))
            .collect();
        assert_eq!(
            sensitive,
            e.sensitive.iter().map(|s| s.to_string()).collect(),
            "{what}: visitor's values received ({})",
            r[fields]
        );
    }
    // Encodings as each imitation sends them.
    let has = |s: &str, t: &str, token: &str| {
        split(&got[&(s.to_string(), t.to_string())][fields]).contains(token)
    };
    assert!(has(
        "tiktok-shop.test",
        "TikTok Pixel",
        "hashed_email:sha256"
    ));
    assert!(has("meta-news.test", "Meta Pixel", "hashed_phone:sha256"));
    assert!(has("fullstory-saas.test", "FullStory", "hashed_email:sha1"));
    assert!(has("hotjar-bank.test", "Hotjar", "plain_email:base64"));
    assert!(has(
        "clarity-travel.test",
        "Microsoft Clarity",
        "plain_email:url"
    ));
    assert!(has(
        "recorder.test",
        "recorder-demo.test",
        "plain_email:plain"
    ));
    assert!(
        has("meta-news.test", "Meta Pixel", "cookie_id:plain"),
        "the _fbp ID travels with the pixel"
    );
    let cookie_ids = col("cookie_ids");
    assert!(
        split(&got[&("meta-news.test".into(), "Meta Pixel".into())][cookie_ids]).contains("_fbp")
    );
    assert!(
        split(&got[&("cookie-sync.test".into(), "adnet.test".into())][cookie_ids]).contains("uid"),
        "third-party cookie sent back"
    );
    let pre = col("pre_submit_capture");
    assert_eq!(
        got[&("meta-news.test".into(), "Meta Pixel".into())][pre],
        "true"
    );
    assert_eq!(got[&("x-news.test".into(), "X Pixel".into())][pre], "false");

    // Re-analysis of the stored crawl writes the same dataset.
    let before = std::fs::read(out.join("site_trackers.csv")).unwrap();
    let a = run(vec!["analyze".into(), out.display().to_string()]).await;
    assert!(a.status.success(), "{}", stderr(&a));
    assert_eq!(
        std::fs::read(out.join("site_trackers.csv")).unwrap(),
        before
    );
    web.stop();
}
