//! End-to-end: the static pre-scan (`pixelcensus prescan`, reqwest + scraper, no browser)
//! against the test web over HTTPS and HTTP: every demo site's outcome as the truth says;
//! every tracker and ID the HTML shows found, those a Tag Manager container injects through
//! the container, and nothing the truth does not explain; an 8 MB page read to the cap, a
//! page in ISO-8859-1, malformed markup, a redirect loop; then a browser crawl of the same
//! folder and static_vs_browser.csv; and a prescan killed with SIGKILL resumed with nothing
//! lost or doubled.

use crate::common::*;
use pixelcensus_testweb::sites::{self, BROWSER_ONLY, PRESCAN_PAGES, STATIC_ONLY, TRUTH};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn prescan_args(web: &pixelcensus_testweb::TestWeb, list: &Path, out: &Path) -> Vec<String> {
    [
        "prescan",
        "--list",
        &list.display().to_string(),
        "--out",
        &out.display().to_string(),
        "--host-map",
        &web.host_map(),
        "--insecure",
        "--page-timeout",
        "5",
        "--max-page-bytes",
        "1048576",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}
/// prescan.csv's rows by site × tracker.
type Found<'a> = BTreeMap<(&'a str, &'a str), &'a BTreeMap<String, String>>;

/// prescan.csv's rows by site × tracker.
fn by_pair(p: &[BTreeMap<String, String>]) -> Found<'_> {
    p.iter()
        .map(|r| ((r["site"].as_str(), r["tracker"].as_str()), r))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_html_shows_what_the_truth_says_and_the_browser_the_rest() {
    require_browser();
    let demo = crate::crawl::demo();
    let _one = BROWSERS.lock().await;
    let web = web().await;
    let dir = tempfile::tempdir().unwrap();
    let mut text = sites::tranco_csv();
    let extra: Vec<&str> = PRESCAN_PAGES
        .iter()
        .copied()
        .chain(["redirect-loop.test"])
        .collect();
    for (i, h) in extra.iter().enumerate() {
        text.push_str(&format!("{},{h}\n", 1000 + i));
    }
    let list = write_list(dir.path(), "list.csv", &text);
    let out = dir.path().join("pre");
    let o = run(prescan_args(&web, &list, &out)).await;
    assert!(o.status.success(), "{}", stderr(&o));
    prescan_outcomes(&out);
    prescan_trackers_are_the_truth(&out);
    prescan_ids_and_the_container(&out, &web);
    prescan_beside_the_browser_crawl(demo, &list).await;
}

/// Outcomes as the test web's truth says (the browser's taxonomy).
fn prescan_outcomes(out: &Path) {
    let s = rows(out, "prescan_sites.csv");
    let by_site: BTreeMap<&str, &BTreeMap<String, String>> =
        s.iter().map(|r| (r["site"].as_str(), r)).collect();
    for site in sites::listed() {
        let r = by_site[site.domain];
        assert_eq!(r["status"], site.expect.as_str(), "{}: {r:?}", site.domain);
    }
    assert_eq!(by_site["redirect-loop.test"]["status"], "redirect_loop");
    assert_eq!(
        by_site["http-only.test"]["final_url"],
        "http://http-only.test/"
    );
    assert!(by_site["http-only.test"]["error"].contains("fetched over http"));
    assert_eq!(by_site["redirect.test"]["redirects"], "1");
    let huge = by_site["huge.test"];
    assert_eq!(
        (huge["status"].as_str(), huge["bytes"].as_str()),
        ("ok", "1048576"),
        "{huge:?}"
    );
    assert!(
        huge["error"].contains("page cut at 1048576 bytes"),
        "{huge:?}"
    );
}

/// Every tracker of the truth is in the HTML unless the truth says why not, with no ID the
/// truth does not have; nothing else but the consent-gated ones.
fn prescan_trackers_are_the_truth(out: &Path) {
    let p = rows(out, "prescan.csv");
    let found = by_pair(&p);
    let mut expected = BTreeSet::new();
    for e in TRUTH {
        // Third parties named by their domain (no decoder, not in the entity list): the
        // browser finds them by what they receive; the prescan reports only what it can name.
        if e.tracker.ends_with(".test") {
            continue;
        }
        if BROWSER_ONLY
            .iter()
            .any(|(s, t, _)| (*s, *t) == (e.site, e.tracker))
        {
            assert!(
                !found.contains_key(&(e.site, e.tracker)),
                "{} {}: the HTML cannot show it",
                e.site,
                e.tracker
            );
            continue;
        }
        let r = found
            .get(&(e.site, e.tracker))
            .unwrap_or_else(|| panic!("{} {}: not found in the HTML", e.site, e.tracker));
        for id in r["pixel_ids"].split(';').filter(|i| !i.is_empty()) {
            assert!(
                e.ids.contains(&id),
                "{} {}: ID {id} is not the truth's",
                e.site,
                e.tracker
            );
        }
        expected.insert((e.site, e.tracker));
    }
    for (s, t, _) in STATIC_ONLY {
        assert!(found.contains_key(&(*s, *t)), "{s} {t}: in the HTML");
        expected.insert((*s, *t));
    }
    // The Tag Manager container of gtm-store.test is Google Tag Manager's own, in the truth
    // only as the loader of what it injects.
    expected.insert(("gtm-store.test", "Google Tag Manager"));
    for (k, r) in &found {
        if PRESCAN_PAGES.contains(&k.0) {
            continue;
        }
        assert!(
            expected.contains(k),
            "{k:?} found but not in the truth: {r:?}"
        );
    }
}

/// IDs the snippets carry; what the container injects, through the container; huge,
/// non-UTF-8 and malformed pages; one container fetch for the run.
fn prescan_ids_and_the_container(out: &Path, web: &pixelcensus_testweb::TestWeb) {
    let p = rows(out, "prescan.csv");
    let found = by_pair(&p);
    let id = |s: &str, t: &str| found[&(s, t)]["pixel_ids"].clone();
    assert_eq!(id("tiktok-shop.test", "TikTok Pixel"), sites::TIKTOK_CODE);
    assert_eq!(id("meta-news.test", "Meta Pixel"), sites::META_ID);
    assert_eq!(id("ga4-blog.test", "Google Analytics 4"), sites::GA4_ID);
    assert_eq!(id("sst-shop.test", "Google Analytics 4"), sites::GA4_SST_ID);
    assert!(found[&("meta-news.test", "Meta Pixel")]["evidence"].contains("noscript_img"));
    // What the container injects, through the container.
    for (t, want) in [
        ("TikTok Pixel", sites::TIKTOK_GTM_CODE),
        ("Meta Pixel", sites::META_GTM_ID),
        ("Google Analytics 4", sites::GA4_GTM_ID),
    ] {
        let r = found[&("gtm-store.test", t)];
        assert_eq!(
            (
                r["pixel_ids"].as_str(),
                r["evidence"].as_str(),
                r["loader"].as_str()
            ),
            (want, "gtm_container", sites::GTM_ID),
            "{t}"
        );
    }
    // Huge, non-UTF-8 and malformed pages.
    assert_eq!(id("huge.test", "Meta Pixel"), sites::META_ID);
    assert_eq!(id("latin1.test", "TikTok Pixel"), sites::TIKTOK_CODE);
    assert_eq!(id("malformed.test", "Google Analytics 4"), sites::GA4_ID);
    // One container fetch for the run, however many pages load it.
    let containers = web
        .requests()
        .iter()
        .filter(|r| r.host == "www.googletagmanager.com" && r.path.starts_with("/gtm.js"))
        .count();
    assert_eq!(containers, 1);
}

/// A browser crawl of the same folder: the comparison.
/// The same prescan into a copy of the browser crawl of the demo web (the one crawl.rs
/// shares): static_vs_browser.csv says which trackers only the browser saw and which only the
/// HTML showed.
async fn prescan_beside_the_browser_crawl(demo: &Crawled, list: &Path) {
    let (_keep, out) = copy_folder(&demo.out);
    let out = &out;
    let o = run(prescan_args(&demo.web, list, out)).await;
    assert!(o.status.success(), "{}", stderr(&o));
    let cmp = rows(out, "static_vs_browser.csv");
    let seen: BTreeMap<(&str, &str), &str> = cmp
        .iter()
        .map(|r| {
            (
                (r["site"].as_str(), r["tracker"].as_str()),
                r["seen"].as_str(),
            )
        })
        .collect();
    for (s, t, why) in BROWSER_ONLY {
        assert_eq!(
            seen.get(&(*s, *t)),
            Some(&"browser_only"),
            "{s} {t} ({why})"
        );
    }
    for (s, t, why) in STATIC_ONLY {
        assert_eq!(seen.get(&(*s, *t)), Some(&"static_only"), "{s} {t} ({why})");
    }
    assert_eq!(seen[&("gtm-store.test", "TikTok Pixel")], "both");
    assert_eq!(seen[&("tiktok-shop.test", "TikTok Pixel")], "both");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("What the HTML alone shows"));
    // The prescan's files were rewritten beside the crawl's.
    assert!(out.join("prescan.csv").is_file() && out.join("sites.csv").is_file());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_prescan_resumes_with_nothing_lost_or_doubled() {
    let web = web().await;
    let dir = tempfile::tempdir().unwrap();
    // Fifty quick sites, then one that never finishes: one worker is stuck on it when killed.
    let mut text: String = (0..50)
        .map(|i| format!("{},bench-{i}.test\n", i + 1))
        .collect();
    text.push_str("51,hang.test\n");
    let list = write_list(dir.path(), "list.csv", &text);
    let out = dir.path().join("pre");
    let mut a = prescan_args(&web, &list, &out);
    set_arg(&mut a, "--page-timeout", "60");
    a.extend(["--concurrency".into(), "1".into()]);
    let mut child = spawn(&a);
    let start = std::time::Instant::now();
    while try_count(&out, "SELECT count(*) FROM prescan_pages") < 50 {
        assert!(
            start.elapsed().as_secs() < 60,
            "50 sites not prescanned in a minute"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the prescan ended early"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    child.kill().unwrap(); // SIGKILL: no clean-up at all
    child.wait().unwrap();
    assert_eq!(
        count(
            &out,
            "SELECT count(*) FROM prescan_targets WHERE state = 'in_progress'"
        ),
        1
    );

    let mut a = prescan_args(&web, &list, &out);
    set_arg(&mut a, "--page-timeout", "1");
    let o = run(a).await;
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("50 of 51 sites already fetched"),
        "{}",
        stderr(&o)
    );
    assert_eq!(count(&out, "SELECT count(*) FROM prescan_pages"), 51);
    assert_eq!(
        count(&out, "SELECT count(DISTINCT target_id) FROM prescan_pages"),
        51
    );
    let s = rows(&out, "prescan_sites.csv");
    assert_eq!(s.len(), 51);
    let hang = s.iter().find(|r| r["site"] == "hang.test").unwrap();
    assert_eq!(hang["status"], "timeout");
    // Every bench site's tracker, once.
    let p = rows(&out, "prescan.csv");
    for i in 0..50 {
        let site = format!("bench-{i}.test");
        assert!(
            p.iter().any(|r| r["site"] == site),
            "{site} has no tracker row"
        );
    }
    // Re-analysed from the store (no refetch): the same files, and no empty crawl datasets
    // in a prescan-only folder.
    let before = std::fs::read(out.join("prescan.csv")).unwrap();
    let o = run(vec!["report".into(), out.display().to_string()]).await;
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(out.join("prescan.csv")).unwrap(), before);
    assert!(!out.join("sites.csv").exists());
}
