//! End-to-end: internal pages (`--pages`). With the default (3) the visitor follows the front
//! page's internal links — a product page, an article, a page only a closed menu links to —
//! and never a decoy (log out, unsubscribe, empty cart, a download, a file, another site, a
//! link in a fixed overlay); every request and cookie knows its page; `--pages 1` is the
//! front page only; `compare` between the two depths works and says they differ; and the
//! pages followed are the ones the crawl's secret chooses.

use crate::common::*;
use pixelcensus::collect::links::{Link, choose};
use pixelcensus_testweb::sites::{NEVER_CLICK, NEVER_FOLLOW, PAGES_TRUTH, PAGES_VISITED};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

const LIST: &str = "1,product-page.test\n2,article-site.test\n3,ga4-blog.test\n";

/// The path of a URL.
fn path_of(u: &str) -> String {
    url::Url::parse(u).unwrap().path().to_string()
}

/// pages.csv as site → page number → row (by column name).
fn pages_csv(out: &Path) -> BTreeMap<String, BTreeMap<u32, BTreeMap<String, String>>> {
    let (h, rows) = read_csv(&out.join("pages.csv"));
    let mut m: BTreeMap<String, BTreeMap<u32, BTreeMap<String, String>>> = BTreeMap::new();
    for r in rows {
        let row: BTreeMap<String, String> = h.iter().cloned().zip(r).collect();
        m.entry(row["site"].clone())
            .or_default()
            .insert(row["page"].parse().unwrap(), row);
    }
    m
}
/// The one crawl of the list at the default depth (three pages per site).
fn deep() -> &'static Crawled {
    static CRAWL: OnceLock<Crawled> = OnceLock::new();
    shared(&CRAWL, || {
        Scenario::sites("list.csv", LIST).folder("deep").crawl()
    })
}

/// Every internal page of the truth, and no other, was visited; the front page first; a site
/// without internal links has its front page only, and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_pages_of_the_truth_and_no_others_are_visited() {
    let deep = &deep().out;
    let pages = pages_csv(deep);
    for (site, want, candidates) in PAGES_VISITED {
        let got: BTreeSet<String> = pages[*site].values().map(|r| path_of(&r["url"])).collect();
        let want: BTreeSet<String> = want.iter().map(|p| p.to_string()).collect();
        assert_eq!(got, want, "{site}: pages visited");
        let front = &pages[*site][&0];
        assert_eq!(
            (front["reached"].as_str(), path_of(&front["url"]).as_str()),
            ("start", "/")
        );
        for r in pages[*site].values() {
            assert_eq!(r["page_status"], "ok", "{site}: {r:?}");
            if r["page"] != "0" {
                assert_eq!(r["reached"], "link", "{site}: {r:?}");
                assert!(!r["link_text"].is_empty(), "{site}: {r:?}");
            }
        }
        let s = rows(deep, "sites.csv");
        let s = s.iter().find(|r| r["site"] == *site).unwrap();
        assert_eq!(
            s["pages"],
            want.len().to_string(),
            "{site}: sites.csv pages"
        );
        assert_eq!(
            s["internal_links"],
            candidates.to_string(),
            "{site}: the front page's candidates"
        );
    }
    // A site without internal links: its front page only, and said so.
    assert_eq!(pages["ga4-blog.test"].len(), 1);
    let v = visits(deep);
    assert!(
        v["ga4-blog.test"]
            .actions
            .iter()
            .any(|a| a == "0 internal link(s) to follow, 2 wanted"),
        "{:?}",
        v["ga4-blog.test"].actions
    );
    assert!(
        v["product-page.test"]
            .actions
            .iter()
            .any(|a| a == "1 internal link(s) to follow, 2 wanted"),
        "{:?}",
        v["product-page.test"].actions
    );
}

/// Each tracker is on the pages the test web put it on, and counts for its site once;
/// pages.csv names the same trackers per page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trackers_are_attributed_to_their_pages() {
    let deep = &deep().out;
    let pages = pages_csv(deep);
    // Each tracker is on the pages the test web put it on, and counts for its site once.
    let path_by_page =
        |site: &str, n: &str| path_of(&pages[site][&n.parse::<u32>().unwrap()]["url"]);
    let st = rows(deep, "site_trackers.csv");
    for (site, tracker, on) in PAGES_TRUTH {
        let hits: Vec<_> = st
            .iter()
            .filter(|r| r["site"] == *site && r["tracker"] == *tracker)
            .collect();
        assert_eq!(hits.len(), 1, "{site} {tracker}: one site_trackers row");
        let got: BTreeSet<String> = hits[0]["pages"]
            .split(';')
            .map(|n| path_by_page(site, n))
            .collect();
        let want: BTreeSet<String> = on.iter().map(|p| p.to_string()).collect();
        assert_eq!(got, want, "{site} {tracker}: pages seen on");
    }
    // pages.csv names the same trackers per page.
    for (site, tracker, on) in PAGES_TRUTH {
        for r in pages[*site].values() {
            let listed = r["tracker_names"].split(';').any(|t| t == *tracker);
            assert_eq!(
                listed,
                on.contains(&path_of(&r["url"]).as_str()),
                "{site} {tracker} on {}",
                r["url"]
            );
        }
    }
    // The purchase-intent event of the product page reached TikTok.
    let tiktok = st
        .iter()
        .find(|r| r["site"] == "product-page.test" && r["tracker"] == "TikTok Pixel")
        .unwrap();
    assert!(tiktok["events"].contains("AddToCart"), "{tiktok:?}");
}

/// Every request knows its page: the page's own document is on it, and requests.csv agrees
/// with the store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_knows_its_page() {
    let deep = &deep().out;
    let v = visits(deep);
    for (site, visit) in &v {
        for p in &visit.pages {
            let doc = visit
                .requests
                .iter()
                .find(|r| r.is_main_frame && r.page == p.page)
                .unwrap_or_else(|| panic!("{site}: no document on page {}", p.page));
            assert_eq!(doc.url, p.url, "{site} page {}", p.page);
            if p.page > 0 {
                // Reached as a person clicking the link would: the front page as referrer.
                let referer = doc
                    .headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("referer"))
                    .map(|(_, v)| v.as_str());
                assert_eq!(referer, Some(format!("https://{site}/").as_str()), "{site}");
            }
        }
        assert!(
            visit
                .requests
                .iter()
                .all(|r| (r.page as usize) < visit.pages.len()),
            "{site}: a request on a page never visited"
        );
    }
    for r in rows(deep, "requests.csv") {
        let visit = &v[&r["site"]];
        let page: u32 = r["page"].parse().unwrap();
        assert!(
            visit
                .requests
                .iter()
                .any(|q| q.url == r["url"] && q.page == page),
            "requests.csv: {} on page {page}",
            r["url"]
        );
    }
}

/// The state is kept from page to page, the cookies know their page, and no decoy is
/// followed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_know_their_page_and_decoys_are_never_followed() {
    let (deep, web) = (&deep().out, &deep().web);
    let (v, pages) = (visits(deep), pages_csv(deep));
    // The cookie the product page's TikTok pixel set is the product page's; the state was kept
    // from page to page (the article's Meta cookie was sent to the next page of the site).
    let product = &v["product-page.test"];
    let ttp = product.cookies.iter().find(|c| c.name == "_ttp").unwrap();
    assert_eq!(
        path_of(&product.pages[ttp.page as usize].url),
        "/products/desk-lamp"
    );
    let log = web.requests();
    if pages["article-site.test"][&1]["url"].contains("/news/") {
        assert!(
            log.iter().any(|r| r.host == "article-site.test"
                && r.path == "/members/offers"
                && r.headers
                    .iter()
                    .any(|(k, v)| k == "cookie" && v.contains("_fbp="))),
            "the page after the article was sent the cookie the article set"
        );
    }

    // No decoy was followed, on the site or elsewhere; no consent link either.
    let followed: Vec<String> = log
        .iter()
        .filter(|r| r.path.starts_with(NEVER_FOLLOW) || r.path.starts_with(NEVER_CLICK))
        .map(|r| r.url())
        .collect();
    assert!(followed.is_empty(), "decoys followed: {followed:?}");
}

/// `--pages 1`: today's front-page-only crawl; compare works across depths and says they
/// differ.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_page_per_site_and_compare_across_depths() {
    let deep = &deep().out;
    let _one = BROWSERS.lock().await;
    let shallow = Scenario::sites("list.csv", LIST)
        .folder("shallow")
        .args(&["--pages", "1"])
        .crawl()
        .await;
    let (dir, shallow) = (&shallow.dir, &shallow.out);
    let p1 = pages_csv(shallow);
    assert!(p1.values().all(|p| p.len() == 1), "{p1:?}");
    let s1 = rows(shallow, "sites.csv");
    assert!(
        s1.iter()
            .all(|r| r["pages"] == "1" && r["internal_links"].is_empty()),
        "{s1:?}"
    );
    let st1 = rows(shallow, "site_trackers.csv");
    assert!(
        !st1.iter().any(|r| r["site"] == "article-site.test"),
        "the article site's trackers are only on its internal pages"
    );

    // compare works across depths and says they differ.
    let c = run(vec![
        "compare".into(),
        shallow.display().to_string(),
        deep.display().to_string(),
        "--out".into(),
        dir.path().join("cmp").display().to_string(),
    ])
    .await;
    assert!(c.status.success(), "{}", stderr(&c));
    assert!(
        stderr(&c).contains("different numbers of pages per site (old --pages 1, new --pages 3)"),
        "{}",
        stderr(&c)
    );
    let html = std::fs::read_to_string(dir.path().join("cmp/compare.html")).unwrap();
    assert!(html.contains("different numbers of pages per site"));
    let added = rows(&dir.path().join("cmp"), "compare_sites.csv");
    let article = added
        .iter()
        .find(|r| r["site"] == "article-site.test")
        .expect("article-site.test gained trackers");
    assert_eq!(article["added"], "Meta Pixel;Pinterest Tag;X Pixel");
}

/// `--pages 2` on a site with two candidates: the one the crawl's secret chooses.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_followed_are_the_ones_the_secret_chooses() {
    let _one = BROWSERS.lock().await;
    let c = Scenario::sites("list2.csv", "1,article-site.test\n")
        .folder("two")
        .args(&["--pages", "2"])
        .crawl()
        .await;
    let two = &c.out;
    let secret = store(two).secret().unwrap();
    let cands: Vec<Link> = ["/members/offers", "/news/2026/city-council"]
        .iter()
        .map(|p| Link {
            url: format!("https://article-site.test{p}"),
            text: String::new(),
        })
        .collect();
    let want = choose(
        &cands,
        pixelcensus::canary::link_key(&secret, "article-site.test"),
        1,
    );
    let got = pages_csv(two);
    assert_eq!(got["article-site.test"].len(), 2);
    assert_eq!(got["article-site.test"][&1]["url"], want[0].url);
}
