//! End-to-end: the real binary drives real headless Chromium through chromedriver over the
//! project's test web; the store is the real SQLite file; the CSVs are read back. One crawl
//! of the whole demo list, shared by every test of this file (checks that rewrite the folder
//! work on a copy).

use crate::common::{self, *};
use pixelcensus::capture::{RawVisit, ResourceType};
use pixelcensus_testweb::sites::{self, SITES};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::OnceLock;

/// The one crawl of the whole demo list with two browsers (see [`crawl_args`]), also read
/// by tests/e2e/prescan.rs.
pub(crate) fn demo() -> &'static Crawled {
    static CRAWL: OnceLock<Crawled> = OnceLock::new();
    shared(&CRAWL, || Scenario::demo().crawl())
}

/// Every recorded visit of the demo crawl, by site.
fn demo_visits() -> &'static HashMap<String, RawVisit> {
    static VISITS: OnceLock<HashMap<String, RawVisit>> = OnceLock::new();
    VISITS.get_or_init(|| visits(&demo().out))
}

/// Every listed site is recorded once, with the outcome and status the test web dictates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_site_is_recorded_with_the_outcome_the_test_web_dictates() {
    let (err, v) = (&demo().stderr, demo_visits());
    let n = sites_in_demo();
    assert!(err.contains(&format!("{n} of {n} sites recorded")), "{err}");
    for s in sites::listed() {
        let got = &v[s.domain];
        assert_eq!(
            got.outcome.as_str(),
            s.expect.as_str(),
            "{}: {:?}",
            s.domain,
            got.error
        );
        assert_eq!(got.http_status, s.expect_status, "{}", s.domain);
    }
    assert_eq!(v.len(), sites::listed().count());
}

/// Every request the server received from a page is in the capture, same method and body;
/// every socket message either end logged is stored; workers stay with their site.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_capture_holds_what_the_server_saw() {
    let (web, v) = (&demo().web, demo_visits());
    let captured = captured(v);
    // Chromium's own background traffic also reaches the server (the host map sends every
    // name there); it belongs to no page and must stay out of the capture.
    let (logged, background): (Vec<_>, Vec<_>) = web
        .requests()
        .into_iter()
        .partition(|l| pixelcensus_testweb::serves(&l.host));
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
    let (missing, _) = uncaptured(web, v);
    assert!(
        missing.is_empty(),
        "requests the server saw but the capture lacks:\n{}",
        missing.join("\n")
    );
    // Every WebSocket message either end logged is stored, byte for byte.
    let (missing, messages) = unframed(web, v);
    assert!(
        messages >= 8,
        "the server logged {messages} socket messages"
    );
    assert!(
        missing.is_empty(),
        "socket messages the capture lacks:\n{}",
        missing.join("\n")
    );
    // Workers run only on the site that starts them: none wakes up in another site's visit.
    for (site, vis) in v {
        let workers = vis
            .requests
            .iter()
            .filter(|r| r.context != pixelcensus::capture::Context::Page)
            .count();
        if site.as_str() == pixelcensus_testweb::channels::SITE {
            assert!(workers >= 8, "{site}: {workers} worker requests");
        } else {
            assert_eq!(
                workers, 0,
                "{site}: a worker's requests in another site's visit"
            );
        }
    }
}

/// Hard transports, a cross-site iframe's pixel and third-party cookies are captured.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beacons_iframes_and_third_party_cookies_are_captured() {
    let v = demo_visits();
    // Hard transports: Blob beacon, string beacon, keepalive fetch, multipart FormData with a Blob.
    let b = &v["beacons.test"];
    let find = |pred: &dyn Fn(&pixelcensus::capture::RawRequest) -> bool| {
        b.requests.iter().find(|r| pred(r)).cloned()
    };
    let blob_beacon =
        find(&|r| r.resource_type == ResourceType::Ping && r.url == "https://www.facebook.com/tr/")
            .expect("Blob beacon captured");
    assert!(
        String::from_utf8_lossy(blob_beacon.body.as_deref().unwrap())
            .contains("\"ev\":\"PageView\"")
    );
    let text_beacon =
        find(&|r| r.resource_type == ResourceType::Ping && r.url.ends_with("/api/v2/pixel/act"))
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
        r.method == "POST"
            && r.resource_type == ResourceType::Fetch
            && r.url == "https://www.facebook.com/tr/"
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
}

/// The visitor typed canaries (Tab after each) and searched, and submitted no other form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_visitor_types_canaries_and_searches_and_submits_nothing_else() {
    let v = demo_visits();
    let logged = demo().web.requests();
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
}

/// Redirects, fallbacks and pages that move themselves; dialogs; no visit is credited with
/// another site's traffic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_and_dialogs_are_followed_and_traffic_stays_with_its_site() {
    let v = demo_visits();
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
    for (site, vis) in v {
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
}

/// The CSVs read back with the documented columns, one row per site and per request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_csvs_hold_one_row_per_site_and_the_third_party_requests() {
    let (out, v) = (&demo().out, demo_visits());
    let (h, rows) = read_csv(&out.join("sites.csv"));
    assert_eq!(h, pixelcensus::report::SITES_COLUMNS);
    assert_eq!(rows.len(), sites_in_demo());
    let col = |h: &[String], name: &str| h.iter().position(|c| c == name).unwrap();
    let (domain, status) = (col(&h, "site"), col(&h, "status"));
    let hang = rows.iter().find(|r| r[domain] == "hang.test").unwrap();
    assert_eq!(hang[status], "timeout");
    // requests.csv holds the third-party and pixel requests (--all-requests: all of them).
    let (h, rows) = read_csv(&out.join("requests.csv"));
    assert_eq!(h, pixelcensus::report::REQUESTS_COLUMNS);
    let third = |x: &RawVisit, url: &str| {
        pixelcensus::analyze::party::Parties::new(&x.domain, x.final_url.as_deref())
            .is_third_party(url)
    };
    assert!(
        rows.len()
            >= v.values()
                .map(|x| x.requests.iter().filter(|r| third(x, &r.url)).count())
                .sum::<usize>()
    );
    let c = |n: &str| h.iter().position(|x| x == n).unwrap();
    assert!(rows.iter().any(|r| r[c("site")] == "beacons.test"
        && r[c("body")].contains("blob-part-payload")
        && r[c("is_third_party")] == "true"));
}

/// site_trackers.csv's rows by site × tracker.
fn by_pair<'a>(
    h: &[String],
    rows: &'a [Vec<String>],
) -> BTreeMap<(String, String), &'a Vec<String>> {
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (site, tracker) = (col("site"), col("tracker"));
    rows.iter()
        .map(|r| ((r[site].clone(), r[tracker].clone()), r))
        .collect()
}

/// The parts of a `;`-separated cell.
fn split(s: &str) -> BTreeSet<String> {
    s.split(';')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// Detection on the test web: site × tracker, pixel IDs, loaded/fired, proxy and the
/// visitor's values received are exactly the test web's truth, read back from the CSV.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn detection_on_the_test_web_is_exact() {
    let (h, rows) = read_csv(&demo().out.join("site_trackers.csv"));
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let got = by_pair(&h, &rows);
    assert_eq!(h, pixelcensus::report::SITE_TRACKERS_COLUMNS);
    let (ids, fired, proxy, fields) = (
        col("pixel_ids"),
        col("fired"),
        col("first_party_proxy"),
        col("fields"),
    );
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
}

/// Where the collectors sit (issue 39): the site's own subdomains and reverse proxy, the
/// owner's self-hosted Matomo, the vendors' own hosts; and where the IDs came from, a
/// vendor nothing knows included; every field of every instance that fired.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hosting_id_sources_and_every_field_sent_are_exact() {
    let out = &demo().out;
    let (h, rows) = read_csv(&demo().out.join("site_trackers.csv"));
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let got = by_pair(&h, &rows);
    let ids = col("pixel_ids");
    for (s, t, hosting) in sites::HOSTING {
        let r = got[&(s.to_string(), t.to_string())];
        assert_eq!(r[col("hosting")], *hosting, "{s} × {t}: hosting");
        let coded = ["Meta Pixel", "Google Analytics 4"].contains(t);
        let want = if coded { "decoder" } else { "spec" };
        assert_eq!(r[col("id_source")], want, "{s} × {t}: id_source");
    }
    let nv = got[&("invented.test".to_string(), "nv-metrics.test".to_string())];
    assert_eq!(
        (
            nv[col("id_source")].as_str(),
            nv[col("event_source")].as_str()
        ),
        ("generic", "generic"),
        "a vendor nothing knows: its ID and events from the generic reader"
    );
    // A vendor nothing knows on three sites, with no ID-named parameter: its account on each
    // site learned across the crawl (the same on every page of a site, different between
    // sites), never its visitor's cookie, its session or its page view IDs.
    for (site, account) in sites::TAILBEAM_ACCOUNTS {
        let r = got[&(site.to_string(), "tailbeam.test".to_string())];
        assert_eq!(
            (r[ids].as_str(), r[col("id_source")].as_str()),
            (account, "inferred"),
            "{site}: the tail vendor's account"
        );
    }
    let inferred =
        pixelcensus_testweb::accuracy::inferred_ids(&common::rows(out, "site_trackers.csv"));
    assert!(
        inferred.precision() >= 0.95 && inferred.recall() == 1.0,
        "inferred IDs: {inferred:?}"
    );
    // Every field of every instance that fired, not only the visitor's values: exactly what
    // its imitation sends (testweb::accuracy::SENT, written from the scripts).
    let measured = pixelcensus_testweb::accuracy::measure(&common::rows(out, "site_trackers.csv"));
    assert!(
        measured.len() >= 60,
        "{} instances measured",
        measured.len()
    );
    let off: Vec<String> = measured
        .iter()
        .filter(|m| !m.missing.is_empty() || !m.extra.is_empty() || !m.ids_right || !m.seen)
        .map(|m| {
            format!(
                "{} × {}: missing {:?}, extra {:?}",
                m.site, m.tracker, m.missing, m.extra
            )
        })
        .collect();
    assert!(off.is_empty(), "fields not exact:\n{}", off.join("\n"));
}

/// Encodings as each imitation sends them; cookie IDs; capture before submit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn encodings_cookie_ids_and_capture_before_submit_are_exact() {
    let (h, rows) = read_csv(&demo().out.join("site_trackers.csv"));
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let got = by_pair(&h, &rows);
    let fields = col("fields");
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
}

/// On a copy of the crawl: re-analysis writes the same dataset; a user filter list's matches
/// are recorded per request, exceptions honoured; then the datasets of `report`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reanalysis_filter_lists_and_the_datasets() {
    let (dir, out) = demo().copy();
    let out = &out;
    let _one = BROWSERS.lock().await;
    let before = std::fs::read(out.join("site_trackers.csv")).unwrap();
    let a = run(vec!["analyze".into(), out.display().to_string()]).await;
    assert!(a.status.success(), "{}", stderr(&a));
    assert_eq!(
        std::fs::read(out.join("site_trackers.csv")).unwrap(),
        before
    );

    // A user filter list: matches are recorded per request, exceptions honoured.
    let list = write_list(
        dir.path(),
        "privacy.txt",
        "! test list\n||facebook.com^$third-party\n||analytics.tiktok.com^\n@@||analytics.tiktok.com/i18n/\n",
    );
    let a = run(vec![
        "analyze".into(),
        out.display().to_string(),
        "--all-requests".into(),
        "--rules".into(),
        list.display().to_string(),
    ])
    .await;
    assert!(a.status.success(), "{}", stderr(&a));
    assert!(
        stderr(&a).contains("filter rules: 1 list(s)"),
        "{}",
        stderr(&a)
    );
    let (h, rows) = read_csv(&out.join("requests.csv"));
    let (url, rule) = (
        h.iter().position(|c| c == "url").unwrap(),
        h.iter().position(|c| c == "matched_rule").unwrap(),
    );
    for r in &rows {
        let want = if r[url].starts_with("https://www.facebook.com/") {
            "||facebook.com^$third-party"
        } else if r[url].starts_with("https://analytics.tiktok.com/api/") {
            "||analytics.tiktok.com^"
        } else {
            ""
        };
        assert_eq!(r[rule], want, "{}", r[url]);
    }
    assert!(
        rows.iter()
            .any(|r| r[rule] == "||facebook.com^$third-party")
    );
    assert!(
        rows.iter()
            .any(|r| r[url].starts_with("https://tiktok-shop.test/")),
        "--all-requests keeps first-party requests"
    );
    check_datasets(out).await;
}

/// The analyst datasets of a demo crawl: truth, types, hostile strings, determinism,
/// manifest, and the report page rendered in headless Chromium.
async fn check_datasets(out: &Path) {
    report_twice_identically(out).await;
    let t = typed_tables(out);
    prevalence_from_the_truth(&t);
    parquet_copies_hold_the_csv_rows(out);
    numbers_add_up(out, &t);
    tidy_and_hostile_rows(out, &t);
    manifest_makes_the_crawl_reproducible(out);
    report_page_shows_the_numbers(out, &t).await;
}

/// The datasets read back: each file's header and rows.
struct Tables(BTreeMap<&'static str, (Vec<String>, Vec<Vec<String>>)>);

impl Tables {
    /// A cell of `file` by column name.
    fn get(&self, file: &str, row: &[String], col: &str) -> String {
        let h = &self.0[file].0;
        row[h.iter().position(|x| x == col).unwrap()].clone()
    }
}

/// The OK sites of the test web's truth.
fn ok_sites() -> BTreeSet<&'static str> {
    sites::listed()
        .filter(|s| s.expect == pixelcensus_testweb::kinds::Outcome::Ok)
        .map(|s| s.domain)
        .collect()
}

/// `report` writes every file of the registry, the same twice.
async fn report_twice_identically(out: &Path) {
    let r = run(vec!["report".into(), out.display().to_string()]).await;
    assert!(r.status.success(), "{}", stderr(&r));
    // Every file the report writes, from the registry (a new dataset is checked too).
    let mut files = pixelcensus::report::datasets::files();
    files.extend(pixelcensus::report::OTHER_FILES.map(String::from));
    assert!(files.len() >= 9, "{files:?}");
    let first: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(out.join(f)).unwrap_or_else(|e| panic!("{f}: {e}")))
        .collect();
    let r = run(vec!["report".into(), out.display().to_string()]).await;
    assert!(r.status.success());
    for (f, before) in files.iter().zip(&first) {
        assert_eq!(
            &std::fs::read(out.join(f)).unwrap(),
            before,
            "{f} differs between two report runs"
        );
    }
}

/// A CSV cell's type check.
type Check = fn(&str) -> bool;

/// A whole number, or empty.
fn int(v: &str) -> bool {
    v.is_empty() || v.parse::<u64>().is_ok()
}

/// `true` or `false`.
fn boolean(v: &str) -> bool {
    v == "true" || v == "false"
}

/// `true`, `false`, or empty (a null).
fn null_or_boolean(v: &str) -> bool {
    v.is_empty() || boolean(v)
}

/// A fraction, or empty.
fn frac(v: &str) -> bool {
    v.is_empty() || v.parse::<f64>().is_ok_and(|x| (0.0..=1.0).contains(&x))
}

/// Every dataset of the registry loads with its Spec's columns, in order, and cells of its
/// Spec's types (every decimal a dataset writes is a share: between 0 and 1).
fn typed_tables(out: &Path) -> Tables {
    use pixelcensus::report::parquet::ColType;
    // Flags always decided (their Parquet type allows a null; these never are).
    const DECIDED: [&str; 6] = [
        "rank_is_bucket",
        "loaded",
        "fired",
        "first_party_proxy",
        "pre_submit_capture",
        "is_tracker",
    ];
    let mut tables = BTreeMap::new();
    for d in pixelcensus::report::datasets::registry() {
        let spec = d.spec();
        let file = spec.file;
        let (h, rows) = read_csv(&out.join(file));
        assert_eq!(h, spec.columns, "{file}: column order");
        let mut checks: Vec<(&str, Check)> = Vec::new();
        for (c, t) in spec.columns.iter().zip(spec.types) {
            checks.push(match t {
                ColType::Int => (*c, int as Check),
                ColType::Bool if DECIDED.contains(c) => (*c, boolean as Check),
                ColType::Bool => (*c, null_or_boolean as Check),
                ColType::Decimal => (*c, frac as Check),
                ColType::Text => continue,
            });
        }
        for (c, ok) in checks {
            let i = h.iter().position(|x| x == c).unwrap();
            for r in &rows {
                assert!(ok(&r[i]), "{file}: {c} = `{}`", r[i]);
            }
        }
        tables.insert(file, (h, rows));
    }
    Tables(tables)
}

/// Prevalence from the truth: OK sites on which each tracker loaded.
fn prevalence_from_the_truth(t: &Tables) {
    let tables = &t.0;
    let get = |file: &str, row: &Vec<String>, col: &str| t.get(file, row, col);
    let ok = ok_sites();
    let mut want: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for e in sites::TRUTH.iter().filter(|e| ok.contains(e.site)) {
        want.entry(e.tracker).or_default().insert(e.site);
    }
    let prev = &tables["prevalence.csv"].1;
    assert_eq!(
        prev.len(),
        want.len(),
        "one prevalence row per tracker seen on an OK site"
    );
    for row in prev {
        let t = get("prevalence.csv", row, "tracker");
        let n = want
            .get(t.as_str())
            .unwrap_or_else(|| panic!("{t} is not in the truth"))
            .len();
        assert_eq!(get("prevalence.csv", row, "sites"), n.to_string(), "{t}");
        assert_eq!(get("prevalence.csv", row, "sites_ok"), ok.len().to_string());
        assert_eq!(
            get("prevalence.csv", row, "share"),
            format!("{:.6}", n as f64 / ok.len() as f64),
            "{t}"
        );
        let lo: f64 = get("prevalence.csv", row, "ci_low").parse().unwrap();
        let hi: f64 = get("prevalence.csv", row, "ci_high").parse().unwrap();
        let share: f64 = get("prevalence.csv", row, "share").parse().unwrap();
        assert!(lo <= share && share <= hi, "{t}: {lo} {share} {hi}");
        assert_eq!(
            get("prevalence.csv", row, "share_top1k"),
            get("prevalence.csv", row, "share"),
            "all demo ranks are in the top 1k"
        );
    }
    let meta = prev
        .iter()
        .find(|r| get("prevalence.csv", r, "tracker") == "Meta Pixel")
        .unwrap();
    assert_eq!(get("prevalence.csv", meta, "company"), "Meta");
    // fields.csv: Meta received hashed e-mails on meta-news and gtm-store.
    let f = tables["fields.csv"]
        .1
        .iter()
        .find(|r| {
            get("fields.csv", r, "tracker") == "Meta Pixel"
                && get("fields.csv", r, "field") == "hashed_email"
        })
        .expect("Meta × hashed_email");
    assert_eq!(get("fields.csv", f, "sites"), "2");
}

/// The Parquet copies hold the same rows as the CSVs, with their Spec's column types.
fn parquet_copies_hold_the_csv_rows(out: &Path) {
    for d in pixelcensus::report::datasets::registry() {
        let spec = d.spec();
        let (Some(parquet), types) = (spec.parquet, spec.types) else {
            continue;
        };
        let name = parquet;
        let (h, csv_rows) = read_csv(&out.join(spec.file));
        let (ph, ptypes, rows) = read_parquet(&out.join(parquet));
        assert_eq!(ph, h, "{name}: columns");
        assert_eq!(rows.len(), csv_rows.len(), "{name}: rows");
        assert_eq!(ptypes, types, "{name}: column types");
        for (p, c) in rows.iter().zip(&csv_rows) {
            let as_csv: Vec<String> = p
                .iter()
                .map(|v| {
                    let raw = v.clone().unwrap_or_default();
                    String::from_utf8(
                        pixelcensus::report::cells::neutralise(raw.as_bytes()).into_owned(),
                    )
                    .unwrap()
                })
                .collect();
            assert_eq!(&as_csv, c, "{name} row");
        }
    }
}

/// The numbers add up. Every row carries the crawl's name; site_trackers.csv filtered on
/// `status = 'ok'` (the query in docs/schema.md) gives prevalence.csv's `sites`, while its
/// failed visits' rows are there and marked; fields.csv's and companies.csv's shares.
fn numbers_add_up(out: &Path, t: &Tables) {
    let tables = &t.0;
    let get = |file: &str, row: &Vec<String>, col: &str| t.get(file, row, col);
    let prev = &tables["prevalence.csv"].1;
    let crawl = out.file_name().unwrap().to_str().unwrap();
    for (file, (h, rows)) in tables {
        let i = h.iter().position(|c| c == "crawl").expect("a crawl column");
        assert!(
            rows.iter().all(|r| r[i] == crawl),
            "{file}: crawl ≠ {crawl}"
        );
    }
    let st = &tables["site_trackers.csv"].1;
    let g = |r: &Vec<String>, c: &str| get("site_trackers.csv", r, c);
    let mut grouped: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for r in st.iter().filter(|r| g(r, "status") == "ok") {
        grouped
            .entry((g(r, "consent_mode"), g(r, "tracker")))
            .or_default()
            .insert(g(r, "site"));
    }
    assert!(
        st.iter().any(|r| g(r, "status") != "ok"),
        "the demo has pixels on failed visits (http_error pages)"
    );
    let mut is_tracker = BTreeMap::new();
    for r in prev {
        let key = (
            get("prevalence.csv", r, "consent_mode"),
            get("prevalence.csv", r, "tracker"),
        );
        assert_eq!(
            get("prevalence.csv", r, "sites"),
            grouped.get(&key).map_or(0, |s| s.len()).to_string(),
            "{key:?}: the group-by of site_trackers.csv"
        );
        is_tracker.insert(key.1, get("prevalence.csv", r, "is_tracker") == "true");
    }
    // fields.csv: the share among the tracker's own sites.
    for r in &tables["fields.csv"].1 {
        let gf = |c: &str| get("fields.csv", r, c);
        let key = (gf("consent_mode"), gf("tracker"));
        let n: u64 = gf("sites").parse().unwrap();
        let of = grouped[&key].len() as u64;
        assert_eq!(gf("tracker_sites"), of.to_string(), "{key:?}");
        assert_eq!(
            gf("share_of_tracker_sites"),
            format!("{:.6}", n as f64 / of as f64)
        );
    }
    // companies.csv: a company's OK sites are those where any of its trackers loaded and
    // counted as a tracker there (tracker_reason); prevalence's is_tracker is "on any site".
    let mut by_company: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for r in st.iter().filter(|r| g(r, "status") == "ok") {
        if !g(r, "tracker_reason").is_empty() {
            assert!(is_tracker[&g(r, "tracker")], "{r:?}");
            by_company
                .entry((g(r, "consent_mode"), g(r, "company")))
                .or_default()
                .insert(g(r, "site"));
        }
    }
    let companies = &tables["companies.csv"].1;
    assert_eq!(companies.len(), by_company.len());
    for r in companies {
        let gc = |c: &str| get("companies.csv", r, c);
        let key = (gc("consent_mode"), gc("company"));
        assert_eq!(gc("sites"), by_company[&key].len().to_string(), "{key:?}");
    }
}

/// tracker_fields.csv's tidy form; hostile strings survive with one row per record,
/// formulas neutralised.
fn tidy_and_hostile_rows(out: &Path, t: &Tables) {
    let tables = &t.0;
    let get = |file: &str, row: &Vec<String>, col: &str| t.get(file, row, col);
    // tracker_fields.csv: the tidy form, with a request that carried the field.
    let tf = tables["tracker_fields.csv"]
        .1
        .iter()
        .find(|r| {
            let g = |c: &str| get("tracker_fields.csv", r, c);
            g("site") == "meta-news.test"
                && g("tracker") == "Meta Pixel"
                && g("field") == "hashed_email"
        })
        .expect("tidy row");
    assert!(
        get("tracker_fields.csv", tf, "encoding")
            .split(';')
            .any(|e| e == "sha256")
    );
    assert!(
        get("tracker_fields.csv", tf, "example_request_url")
            .starts_with("https://www.facebook.com/tr")
    );

    // Hostile strings survive with one row per record, formulas neutralised.
    let st = &tables["site_trackers.csv"].1;
    let hostile = st
        .iter()
        .find(|r| {
            get("site_trackers.csv", r, "site") == "hostile.test"
                && get("site_trackers.csv", r, "tracker") == "Meta Pixel"
        })
        .expect("hostile.test × Meta");
    assert_eq!(
        get("site_trackers.csv", hostile, "events"),
        "'=HYPERLINK(\"http://evil.example\",\"x\")"
    );
    let (h, reqs) = read_csv(&out.join("requests.csv"));
    let c = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (body, site, url) = (c("body"), c("site"), c("url"));
    let raw = reqs
        .iter()
        .find(|r| r[site] == "hostile.test" && r[url].contains("/v1/raw?note="))
        .expect("hostile request");
    assert!(
        raw[body].starts_with("base64:"),
        "non-UTF-8 body kept as base64: {}",
        raw[body]
    );
    let text = reqs
        .iter()
        .find(|r| r[site] == "hostile.test" && r[url].ends_with("/v1/text"))
        .expect("hostile text request");
    assert_eq!(
        text[body], "he said \"hi\",\nthen left\r\n=SUM(1);x",
        "quotes, commas, newlines survive in one cell"
    );
    assert!(
        reqs.iter()
            .all(|r| r[c("is_third_party")] == "true" || !r[c("tracker")].is_empty()),
        "by default only third-party or pixel requests"
    );
}

/// The manifest makes the crawl reproducible.
fn manifest_makes_the_crawl_reproducible(out: &Path) {
    let ok = ok_sites();
    let crawl = out.file_name().unwrap().to_str().unwrap();
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let list = std::fs::read(demo_list()).unwrap();
    assert_eq!(
        m["list"]["sha256"],
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&list))
    );
    assert_eq!(m["list"]["bytes"], list.len());
    assert_eq!(m["list"]["format"], "tranco");
    assert_eq!(m["outcomes"]["ok"], ok.len());
    assert_eq!(m["options"]["dwell_s"], 1.0);
    assert_eq!(
        m["options"]["browsers"],
        TEST_BROWSERS.parse::<u64>().unwrap(),
        "the number of browsers used"
    );
    assert_eq!(m["crawl"], crawl);
    assert!(
        m["browser"]["chromium"]
            .as_str()
            .is_some_and(|v| v.starts_with(char::is_numeric)),
        "{}",
        m["browser"]
    );
    assert!(
        m["browser"]["chromedriver"]
            .as_str()
            .is_some_and(|v| v.starts_with(char::is_numeric)),
        "{}",
        m["browser"]
    );
    assert_eq!(
        m["tracker_data"]["entities"]["sha256"],
        pixelcensus::analyze::entities::SHA256
    );
    assert!(m["started_at"].is_string() && m["finished_at"].is_string());
}

/// report.html renders in headless Chromium with nothing fetched, and a reader sees the
/// crawl's numbers: what is expected, from the datasets.
async fn report_page_shows_the_numbers(out: &Path, t: &Tables) {
    let tables = &t.0;
    let get = |file: &str, row: &Vec<String>, col: &str| t.get(file, row, col);
    let prev = &tables["prevalence.csv"].1;
    let page = out.join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("<script src") && !html.contains(" src="),
        "self-contained (inline script only)"
    );
    assert!(html.contains("Meta Pixel") && html.contains("<svg"));
    let (sh, srows) = read_csv(&out.join("sites.csv"));
    let status = sh.iter().position(|c| c == "status").unwrap();
    let listed = srows.len();
    let loaded = srows.iter().filter(|r| r[status] == "ok").count();
    let listed_fields = [
        "hashed_email",
        "plain_email",
        "hashed_phone",
        "plain_phone",
        "typed_text",
        "search_query",
        "page_url",
    ];
    let tf = &tables["tracker_fields.csv"].1;
    let g = |r: &Vec<String>, c: &str| get("tracker_fields.csv", r, c);
    let sends: Vec<&Vec<String>> = tf
        .iter()
        .filter(|r| g(r, "status") == "ok" && listed_fields.contains(&g(r, "field").as_str()))
        .collect();
    let expect = ReportExpect {
        h1: format!("Tracking pixels: {loaded} of {listed} sites loaded"),
        rows: sends.len(),
        meta_news_rows: sends
            .iter()
            .filter(|r| g(r, "site") == "meta-news.test")
            .count(),
        top_bars: prev
            .iter()
            .filter(|r| get("prevalence.csv", r, "is_tracker") == "true")
            .count()
            .min(20),
        max_rank: sends
            .iter()
            .map(|r| g(r, "rank").parse::<u64>().unwrap())
            .max()
            .unwrap(),
    };
    assert!(expect.meta_news_rows >= 3 && expect.rows > expect.meta_news_rows);
    let shot = screenshot(&page, &expect).await;
    assert!(shot.starts_with(b"\x89PNG"), "a PNG screenshot");
    std::fs::write(out.join("report.png"), &shot).unwrap();
    // Also where a person can look at it after the run.
    let keep = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("report.png");
    std::fs::write(&keep, &shot).unwrap();
    eprintln!("report.html screenshot: {}", keep.display());
}

/// A Parquet file's column names, types and rows (each cell as text, `None` for null), read
/// with the `parquet` crate's own row reader; each column's type as the file's schema says it
/// (physical type and logical annotation), mapped back to the dataset's column type.
fn read_parquet(
    path: &std::path::Path,
) -> (
    Vec<String>,
    Vec<pixelcensus::report::parquet::ColType>,
    Vec<Vec<Option<String>>>,
) {
    use parquet::basic::{LogicalType, Repetition, Type as Physical};
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;
    use pixelcensus::report::parquet::ColType;
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let reader = SerializedFileReader::new(file).unwrap();
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    let (mut names, mut types) = (Vec::new(), Vec::new());
    for c in schema.columns() {
        let t = c.self_type();
        assert_eq!(
            t.get_basic_info().repetition(),
            Repetition::OPTIONAL,
            "{}",
            c.name()
        );
        names.push(c.name().to_string());
        types.push(match (c.physical_type(), c.logical_type_ref()) {
            (Physical::BYTE_ARRAY, Some(LogicalType::String)) => ColType::Text,
            (Physical::INT64, None) => ColType::Int,
            (Physical::BOOLEAN, None) => ColType::Bool,
            (Physical::DOUBLE, None) => ColType::Decimal,
            other => panic!("{}: unexpected column type {other:?}", c.name()),
        });
    }
    let rows = reader
        .get_row_iter(None)
        .unwrap()
        .map(|row| {
            row.unwrap()
                .get_column_iter()
                .map(|(_, v)| match v {
                    Field::Null => None,
                    Field::Str(s) => Some(s.clone()),
                    Field::Long(n) => Some(n.to_string()),
                    Field::Bool(b) => Some(b.to_string()),
                    Field::Double(d) => Some(d.to_string()),
                    other => panic!("unexpected value {other:?}"),
                })
                .collect()
        })
        .collect();
    (names, types, rows)
}

/// What a reader of the demo's report.html must see.
struct ReportExpect {
    /// The heading.
    h1: String,
    /// Rows of the "which sites send what" table.
    rows: usize,
    /// Of those, meta-news.test's.
    meta_news_rows: usize,
    /// Bars of the top-trackers chart.
    top_bars: usize,
    /// The highest rank in the table.
    max_rank: u64,
}

/// A local page opened in headless Chromium through chromedriver, with the network cut off
/// and the performance log on; its title checked. The folder holds the browser's profile.
async fn open_report(
    page: &Path,
) -> (
    tempfile::TempDir,
    pixelcensus::browser::driver::Driver,
    pixelcensus::browser::session::Session,
) {
    use pixelcensus::browser::{self, BrowserConfig, driver::Driver, session::Session};
    let root = tempfile::tempdir().unwrap();
    let d = Driver::start(
        std::path::Path::new(browser::DEFAULT_CHROMEDRIVER),
        &root.path().join("cd.log"),
        &root.path().join("home"),
    )
    .await
    .unwrap();
    let cfg = BrowserConfig {
        chromium: browser::DEFAULT_CHROMIUM.into(),
        chromedriver: browser::DEFAULT_CHROMEDRIVER.into(),
        webdriver: None,
        // Any attempt to reach the network fails: the page must be self-contained.
        host_map: Some("MAP * ~NOTFOUND".into()),
        proxy: None,
        insecure: false,
        user_agent: browser::user_agent_for("156"),
        emulation: Default::default(),
        command_timeout: std::time::Duration::from_secs(30),
        profile_root: root.path().to_owned(),
    };
    let s = Session::start(d.url(), &cfg, 0).await.unwrap();
    s.perf_log().await.unwrap();
    s.client()
        .goto(&format!("file://{}", page.display()))
        .await
        .unwrap();
    assert!(
        s.client()
            .title()
            .await
            .unwrap()
            .starts_with("pixelcensus report: ")
    );
    (root, d, s)
}

/// Opens a local page in headless Chromium through chromedriver and returns a screenshot,
/// after checking what a reader sees (heading, the top-trackers chart's bars, the sites
/// table, its filter box and sorting) and that it fetched nothing.
async fn screenshot(page: &Path, expect: &ReportExpect) -> Vec<u8> {
    let (_root, mut d, s) = open_report(page).await;
    let js = |code: &'static str| {
        let c = s.client().clone();
        async move { c.execute(code, vec![]).await.unwrap() }
    };
    assert_eq!(
        js("return document.querySelector('h1').innerText").await,
        expect.h1
    );
    // The second chart is the top trackers (the first: outcomes).
    let bars = js("var h=[...document.querySelectorAll('h2')].find(e=>e.textContent==='Top trackers');var e=h.nextElementSibling;while(e&&e.tagName!=='svg')e=e.nextElementSibling;return e.querySelectorAll('rect').length").await;
    assert_eq!(
        bars.as_u64().unwrap() as usize,
        expect.top_bars,
        "top-tracker bars"
    );
    let visible = "return [...document.querySelectorAll('#sends tbody tr')].filter(r=>!r.hidden && r.offsetParent!==null).length";
    assert_eq!(js(visible).await.as_u64().unwrap() as usize, expect.rows);
    // A reader types in the filter box: only meta-news.test's rows stay.
    let q = s
        .client()
        .find(fantoccini::Locator::Css("#q"))
        .await
        .unwrap();
    q.send_keys("meta-news").await.unwrap();
    assert_eq!(
        js(visible).await.as_u64().unwrap() as usize,
        expect.meta_news_rows
    );
    let shown = js("return document.getElementById('shown').innerText").await;
    assert_eq!(
        shown,
        format!("{} of {} rows shown", expect.meta_news_rows, expect.rows)
    );
    q.clear().await.unwrap();
    q.send_keys(" ").await.unwrap();
    assert_eq!(js(visible).await.as_u64().unwrap() as usize, expect.rows);
    // Clicking `rank` sorts ascending, again descending.
    let rank = s
        .client()
        .find(fantoccini::Locator::Css("#sends th"))
        .await
        .unwrap();
    rank.click().await.unwrap();
    rank.click().await.unwrap();
    let first = js("return document.querySelector('#sends tbody tr td').innerText").await;
    assert_eq!(first.as_str().unwrap(), expect.max_rank.to_string());
    let fetched: Vec<_> = s
        .perf_log()
        .await
        .unwrap()
        .into_iter()
        .filter(|(m, p)| {
            m == "Network.requestWillBeSent"
                && p["request"]["url"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("http"))
        })
        .collect();
    assert!(
        fetched.is_empty(),
        "the page fetched something: {fetched:?}"
    );
    // On a phone's width the charts shrink to fit instead of overflowing.
    s.client().set_window_size(390, 844).await.unwrap();
    let widest = js("return Math.max(...[...document.querySelectorAll('svg')].map(e=>e.getBoundingClientRect().right))").await;
    let inner = js("return document.documentElement.clientWidth").await;
    assert!(
        widest.as_f64().unwrap() <= inner.as_f64().unwrap() + 0.5,
        "charts fit {inner} px: {widest}"
    );
    s.client().set_window_size(1100, 2000).await.unwrap();
    let png = s.client().screenshot().await.unwrap();
    s.close().await;
    d.shutdown().await;
    png
}
