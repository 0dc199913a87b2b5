//! End-to-end: a collector that fails loses only its own evidence. Real Chromium and
//! chromedriver on the test web; the failure is injected with `PIXELCENSUS_FAIL_COLLECTOR`
//! (the collector's first hook of every visit fails as a CDP command would).

use crate::common::*;
use pixelcensus::capture::{Hook, Outcome};
use pixelcensus::collect::FAIL_ENV;

/// The three sites crawled, `--consent accept`, with `collector` failing on every visit.
async fn crawl_failing(collector: &str) -> Crawled {
    let _one = BROWSERS.lock().await;
    Scenario::sites(
        "list.csv",
        "1,tiktok-shop.test\n2,meta-news.test\n35,consent-onetrust.test\n",
    )
    .args(&["--consent", "accept"])
    .env(FAIL_ENV, collector)
    .crawl()
    .await
}

/// Trackers found on a crawl, as `site tracker` pairs from site_trackers.csv.
fn trackers(out: &std::path::Path) -> Vec<String> {
    let (h, rows) = read_csv(&out.join("site_trackers.csv"));
    let (site, tracker) = (
        h.iter().position(|c| c == "site").unwrap(),
        h.iter().position(|c| c == "tracker").unwrap(),
    );
    rows.iter()
        .map(|r| format!("{} {}", r[site], r[tracker]))
        .collect()
}
/// The cookies collector fails on every visit: the visits, their requests, the trackers and
/// the consent click are all still there; the cookies are not, and the failure is recorded
/// against the collector in the store and in sites.csv's error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_collector_loses_only_its_own_evidence() {
    let c = crawl_failing("cookies").await;
    let out = &c.out;
    let v = visits(out);
    assert_eq!(v.len(), 3);
    for (site, visit) in &v {
        assert_eq!(visit.outcome, Outcome::Ok, "{site}: {:?}", visit.error);
        assert!(visit.cookies.is_empty(), "{site}: cookies read");
        assert!(!visit.requests.is_empty(), "{site}: no requests");
        assert_eq!(visit.collector_failures.len(), 1, "{site}");
        let f = &visit.collector_failures[0];
        assert_eq!(
            (f.collector.as_str(), f.hook),
            ("cookies", Hook::BeforeNavigation)
        );
        assert!(f.error.contains(FAIL_ENV), "{}", f.error);
    }
    assert_eq!(count(out, "SELECT count(*) FROM cookies"), 0);
    assert_eq!(
        count(
            out,
            "SELECT count(*) FROM collector_failures WHERE collector = 'cookies'"
        ),
        3
    );
    let t = trackers(out);
    assert!(
        t.contains(&"tiktok-shop.test TikTok Pixel".to_string()),
        "{t:?}"
    );
    assert!(
        t.iter().any(|x| x.starts_with("meta-news.test Meta")),
        "{t:?}"
    );
    let onetrust = &v["consent-onetrust.test"];
    assert!(onetrust.consent.banner_found, "{:?}", onetrust.consent);
    assert_eq!(
        onetrust.consent.action_ok,
        Some(true),
        "{:?}",
        onetrust.consent
    );
    let (h, rows) = read_csv(&out.join("sites.csv"));
    let error = h.iter().position(|c| c == "error").unwrap();
    for r in &rows {
        assert!(
            r[error].contains("cookies collector failed (before_navigation)"),
            "{r:?}"
        );
    }
}

/// The consent collector fails instead: no banner is answered or noted, and the cookies
/// (which the first crawl lacked) and trackers are back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_consent_collector_leaves_the_cookies_and_trackers() {
    let c = crawl_failing("consent").await;
    let out = &c.out;
    let v = visits(out);
    assert_eq!(v.len(), 3);
    for (site, visit) in &v {
        assert_eq!(visit.outcome, Outcome::Ok, "{site}");
        assert_eq!(visit.collector_failures.len(), 1, "{site}");
        assert_eq!(visit.collector_failures[0].collector, "consent");
        assert!(
            !visit.consent.banner_found && visit.consent.action.is_none(),
            "{site}"
        );
    }
    assert!(
        v["tiktok-shop.test"]
            .cookies
            .iter()
            .any(|c| c.name == "_ttp"),
        "the cookies collector works when it is not the one failing"
    );
    let t = trackers(out);
    assert!(
        t.contains(&"tiktok-shop.test TikTok Pixel".to_string()),
        "{t:?}"
    );
}
