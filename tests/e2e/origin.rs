//! End-to-end: who loaded each pixel (#41). The TikTok snippet inline in tiktok-shop.test's
//! page, a GTM container inserting TikTok, Meta and GA4 on gtm-store.test, and a Segment-style
//! partner script inserting the Meta Pixel on via-partner.test: site_trackers.csv's
//! `loaded_via` and `load_chain` must say which, read only from the initiators Chromium
//! reported.

use crate::common::*;
use pixelcensus_testweb::chains::{PARTNER_PIXEL, PARTNER_SCRIPT, SITE as PARTNER};
use pixelcensus_testweb::sites::GTM_ID;
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn crawl() -> &'static Crawled {
    static CRAWL: OnceLock<Crawled> = OnceLock::new();
    shared(&CRAWL, || {
        Scenario::sites(
            "chains.txt",
            format!("tiktok-shop.test\ngtm-store.test\n{PARTNER}\n"),
        )
        .args(&["--pages", "1"])
        .crawl()
    })
}

fn row(site: &str, tracker: &str) -> BTreeMap<String, String> {
    rows(&crawl().out, "site_trackers.csv")
        .into_iter()
        .find(|r| r["site"] == site && r["tracker"] == tracker)
        .unwrap_or_else(|| panic!("no {tracker} on {site}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loaded_via_says_who_brought_each_pixel() {
    // Inline in the page: direct, the site then the vendor's loader.
    let t = row("tiktok-shop.test", "TikTok Pixel");
    assert_eq!(t["loaded_via"], "direct", "{t:?}");
    assert!(
        t["load_chain"].starts_with("tiktok-shop.test → analytics.tiktok.com/i18n/pixel/events.js"),
        "{t:?}"
    );
    // Through the GTM container: which container, and the container in the chain.
    let container = format!("www.googletagmanager.com/gtm.js?id={GTM_ID}");
    for tracker in ["TikTok Pixel", "Meta Pixel"] {
        let r = row("gtm-store.test", tracker);
        assert_eq!(r["loaded_via"], format!("tag_manager:{GTM_ID}"), "{r:?}");
        assert!(
            r["load_chain"].starts_with(&format!("gtm-store.test → {container} → ")),
            "{r:?}"
        );
    }
    let gtm = rows(&crawl().out, "site_trackers.csv")
        .into_iter()
        .find(|r| r["site"] == "gtm-store.test" && r["load_chain"].ends_with(&container))
        .expect("the container itself is a row");
    assert_eq!(gtm["loaded_via"], "direct", "{gtm:?}");
    // Through another vendor's script.
    let m = row(PARTNER, "Meta Pixel");
    assert!(m["pixel_ids"].contains(PARTNER_PIXEL), "{m:?}");
    assert!(
        m["loaded_via"].starts_with("other_vendor:") && m["loaded_via"].contains("Segment"),
        "{m:?}"
    );
    // report.html counts them per tracker: Meta came in once through the container, once
    // through the partner.
    let html = std::fs::read_to_string(crawl().out.join("report.html")).unwrap();
    assert!(html.contains("<h2>Who brought the trackers in</h2>"));
    assert!(
        html.contains(r#"<tr><td>Meta Pixel</td><td class="n">0</td><td class="n">1</td><td class="n">1</td><td class="n">0</td></tr>"#),
        "{}",
        &html[html.find("Who brought").unwrap()..][..1500]
    );
    assert_eq!(
        m["load_chain"],
        format!(
            "{PARTNER} → cdn.segment.com{PARTNER_SCRIPT} → connect.facebook.net/en_US/fbevents.js"
        ),
        "{m:?}"
    );
}
