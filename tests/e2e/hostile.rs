//! End-to-end: a crawl of pages written to be hostile (src/testweb/hostile.rs) with real
//! Chromium and chromedriver. Every visit is bounded and classified, no form but search is
//! submitted, nothing is written outside the output folder, no CSV cell is a formula, popups
//! die with their visit, and browsers are told apart exactly (12 at once, recycled).

use crate::common::*;
use pixelcensus::capture::Outcome;
use pixelcensus_testweb::{hostile, sites};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// Every file and folder under `dir`, relative, sorted.
fn listing(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            out.push(p.strip_prefix(root).unwrap().display().to_string());
            if p.is_dir() && !p.is_symlink() {
                walk(root, &p, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The one crawl of the hostile pages. The crawler's whole world is a home and a temporary
/// folder of its own (`home` and `tmp` beside the crawl folder), listed before and after.
fn crawled() -> &'static Crawled {
    static CRAWL: OnceLock<Crawled> = OnceLock::new();
    shared(&CRAWL, crawl_hostile)
}

/// Crawls the hostile pages with HOME and TMPDIR in the crawl's temporary folder.
async fn crawl_hostile() -> Crawled {
    require_browser();
    let web = web().await;
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(dir.path(), "hostile.txt", &hostile::HOSTS.join("\n"));
    let out = dir.path().join("crawl");
    let home = dir.path().join("home");
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(home.join("Downloads")).unwrap();
    std::fs::create_dir_all(&tmp).unwrap();
    let args = crawl_args(&web, &list, &out);
    let (h, t, a) = (home.clone(), tmp.clone(), args.clone());
    let o = tokio::task::spawn_blocking(move || {
        Command::new(bin())
            .args(&a)
            .env("HOME", &h)
            .env("TMPDIR", &t)
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_CACHE_HOME")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    Crawled::ran(web, dir, list, out, args, &o)
}

/// Chromium, chromedriver and their downloads, caches and crash reports stay inside the
/// output folder and the temporary profile root (removed at the end): nothing is written to
/// the home folder, nothing left in TMPDIR.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_written_outside_the_output_folder() {
    let dir = crawled().dir.path();
    let (home, tmp) = (dir.join("home"), dir.join("tmp"));
    let home_before = vec!["Downloads".to_string()];
    assert_eq!(
        listing(&home),
        home_before,
        "nothing written to the home folder"
    );
    assert_eq!(
        listing(&tmp),
        Vec::<String>::new(),
        "nothing left in TMPDIR"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hostile_page_is_bounded_and_classified() {
    // Every case bounded (the visit's deadline: page budget 8 s + 2 × dwell 1 s + consent
    // wait 4 s + 20 s = 34 s, plus the time to close a stuck tab and read its capture) and
    // classified as the test web says.
    let v = visits(&crawled().out);
    for host in hostile::HOSTS {
        let site = sites::SITES.iter().find(|s| s.domain == *host).unwrap();
        let x = &v[*host];
        assert_eq!(
            x.outcome.as_str(),
            site.expect.as_str(),
            "{host}: {:?}",
            x.error
        );
        assert!(
            x.duration_ms <= 34_000 + 5_000,
            "{host} took {} ms",
            x.duration_ms
        );
    }
    assert_eq!(
        v["redirect-loop.test"].error.as_deref(),
        Some("net::ERR_TOO_MANY_REDIRECTS")
    );
    // A socket flood: the visit keeps the first MAX_FRAMES messages and says it dropped the
    // rest (12,000 sent, and the server's two).
    let flood = &v["socket-flood.test"];
    assert_eq!(flood.frames.len(), pixelcensus::capture::MAX_FRAMES);
    assert!(
        flood
            .error
            .as_deref()
            .unwrap_or("")
            .contains("messages past the visit's first 10000"),
        "{:?}",
        flood.error
    );
    let hog = &v["hog.test"];
    assert!(
        hog.error.as_deref().unwrap_or("").contains("visit cut off"),
        "{:?}",
        hog.error
    );
    // A page that hangs on the first key typed into it: the typing (through DevTools) is
    // given up, the tab closed from outside, and the visit kept with what the page sent.
    let key_hog = &v["key-hog.test"];
    let e = key_hog.error.as_deref().unwrap_or("");
    assert!(e.contains("visit cut off") && e.contains("typing"), "{e}");
    assert!(
        key_hog.actions.iter().all(|a| !a.starts_with("typed")),
        "{:?}",
        key_hog.actions
    );
    // A page that will not let the browser leave (hundreds of nested frames, each holding up
    // its unload) is cut off and kept, not lost with the browser.
    let trap = &v["iframe-trap.test"];
    let e = trap.error.as_deref().unwrap_or("");
    assert!(e.contains("visit cut off") && e.contains("leav"), "{e}");
    // Pages that loop on dialogs, refreshes, history moves or document.write still yield
    // their capture: the GA4 hit each sends at load.
    for host in [
        "dialog-loop.test",
        "refresh-loop.test",
        "history-loop.test",
        "docwrite-flood.test",
        "download-after.test",
        "hog.test",
        "key-hog.test",
        "iframe-trap.test",
    ] {
        assert!(
            v[host]
                .requests
                .iter()
                .any(|r| r.url.contains("/g/collect") && r.url.contains(sites::GA4_ID)),
            "{host}: the GA4 hit was not captured"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_form_but_search_is_submitted_and_typed_values_go_where_they_belong() {
    let (log, v) = (crawled().web.requests(), visits(&crawled().out));
    let never: Vec<_> = log
        .iter()
        .filter(|r| r.path.starts_with(hostile::NEVER_SUBMIT))
        .map(|r| r.url())
        .collect();
    assert!(never.is_empty(), "forms were submitted: {never:?}");
    let trap = &v["forms-trap.test"];
    let search_q =
        url::form_urlencoded::byte_serialize(trap.canaries.search.as_bytes()).collect::<String>();
    assert!(
        log.iter()
            .any(|r| r.host == "forms-trap.test" && r.path == format!("/search?q={search_q}")),
        "the real search form was not used"
    );
    let submits: Vec<String> = log
        .iter()
        .filter(|r| r.path == "/v1/submit-event")
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    assert_eq!(
        submits,
        vec!["site-search".to_string()],
        "only the search form submits"
    );
    // What reached which field: the search term only in the search box, nothing in card
    // fields, canary e-mail in the newsletter's e-mail field (capture before submission).
    let typed: Vec<serde_json::Value> = log
        .iter()
        .filter(|r| r.path == "/v1/typed")
        .filter_map(|r| serde_json::from_slice(&r.body).ok())
        .collect();
    let value_in = |form: &str, field: &str| {
        typed
            .iter()
            .filter(|t| t["form"] == form && t["field"] == field)
            .map(|t| t["value"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    for t in &typed {
        let value = t["value"].as_str().unwrap_or("");
        assert!(
            !value.contains(&trap.canaries.search) || t["form"] == "site-search",
            "the search term went into {t}"
        );
        assert!(
            t["form"] != "checkout" || t["field"] == "q",
            "typed into {t}"
        );
    }
    assert_eq!(
        value_in("newsletter", "email"),
        vec![trap.canaries.email.clone()]
    );
    assert!(value_in("login", "pw").is_empty());
    assert!(value_in("checkout", "cardnumber").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_that_submit_on_the_visitors_keys_are_stopped() {
    let (log, v) = (crawled().web.requests(), visits(&crawled().out));
    // A page that submits its own form when a typed field changes: the visitor's keys set it
    // off, so the guard stopped it, and the visit says so.
    let own = &v["self-submit.test"];
    assert!(
        !log.iter()
            .any(|r| r.host == "self-submit.test" && r.path.starts_with("/self-submit")),
        "the page's own submission on the visitor's typing reached the server"
    );
    assert!(
        own.actions
            .iter()
            .any(|a| a.starts_with("stopped the page's document load POST")),
        "{:?}",
        own.actions
    );
    // Pages that turn the visitor's search into another submission: none reached the server,
    // and every submission the page made in answer to the visitor's keys is in its actions.
    let submitted: Vec<_> = log
        .iter()
        .filter(|r| r.path.contains("-submitted"))
        .map(|r| format!("{} {} {}", r.method, r.host, r.path))
        .collect();
    assert!(submitted.is_empty(), "{submitted:?}");
    for host in hostile::ENTER_TRAPS {
        eprintln!("{host}: {:?}", v[*host].actions);
    }
    let acts = |h: &str| v[h].actions.join("\n");
    for (host, says) in [
        ("morph-search.test", "did not search in"),
        ("moved-box.test", "did not search in"),
        ("formaction.test", "did not search in"),
        (
            "enter-hijack.test",
            "cancelled the page's submission of form#login (POST",
        ),
        (
            "enter-hijack.test",
            "stopped the page's document load POST https://enter-hijack.test/hijack-newsletter-submitted",
        ),
    ] {
        assert!(acts(host).contains(says), "{host}: {}", acts(host));
    }
    // The hijacked page's search still went out, as the visitor typed it. Where the page
    // flips the focus every 2 ms under the visitor's keys, the field that has it when each
    // half of the Enter lands decides, so any of three things is right: the search refused
    // as the focus left it, the sign-in set off by the Enter cancelled, or (the focus back
    // on the box when Enter's character lands) the search made from the search box itself.
    // Never a search from the sign-in form: no `-submitted` request reached the web (above).
    assert!(acts("enter-hijack.test").contains("searched in"));
    let flip = acts("focus-flip.test");
    assert!(
        flip.contains("form#signin")
            || flip.contains("did not search in")
            || flip.contains("searched in input#box"),
        "{flip}"
    );
    assert!(!flip.contains("searched in input#login"), "{flip}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn popups_die_with_their_visit_and_a_refused_beacon_is_kept_unsent() {
    let (log, v) = (crawled().web.requests(), visits(&crawled().out));
    // Popups: the 50 opened at load were blocked, the one a click opened was closed before
    // the browser left the site: no popup beacon after the visit ended.
    let popups = &v["popups.test"];
    assert_eq!(
        log.iter().filter(|r| r.path.starts_with("/popup?")).count(),
        1,
        "only the popup a click opened was loaded"
    );
    let end = time::OffsetDateTime::parse(
        &popups.started_at,
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
    .unix_timestamp() as f64
        + 1.0
        + popups.duration_ms as f64 / 1000.0;
    let late: Vec<_> = log
        .iter()
        .filter(|r| r.path.starts_with("/popup-beacon") && r.time > end)
        .collect();
    assert!(
        late.is_empty(),
        "{} popup beacons after the visit",
        late.len()
    );
    assert!(
        popups
            .actions
            .iter()
            .any(|a| a.starts_with("closed 1 other window")),
        "{:?}",
        popups.actions
    );

    // A beacon Chromium refused is kept as not sent, without its 10 MB body.
    let big = v["big-beacon.test"]
        .requests
        .iter()
        .find(|r| r.url.ends_with("/v1/big-beacon"))
        .expect("the refused beacon is in the capture");
    assert!(!big.sent(), "{:?}", big.failure);
    assert_eq!(big.body, None);
    assert!(!log.iter().any(|r| r.path == "/v1/big-beacon"));
    assert!(
        log.iter()
            .any(|r| r.path == "/v1/small-beacon?big_sent=false")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_csv_cell_is_a_formula() {
    let out = &crawled().out;
    // No CSV cell is a formula, and the page's formulas did reach the files (neutralised).
    let mut neutralised = 0;
    for f in std::fs::read_dir(out).unwrap().flatten() {
        if f.path().extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let (_, rows) = read_csv(&f.path());
        for cell in rows.iter().flatten() {
            let first = cell.chars().next();
            let formula = matches!(first, Some('=' | '+' | '@' | '\t' | '\r'))
                || (first == Some('-') && cell.parse::<f64>().is_err());
            assert!(
                !formula,
                "{} holds the formula `{cell}`",
                f.path().display()
            );
            neutralised += usize::from(
                cell.starts_with("'=") || cell.starts_with("'+") || cell.starts_with("'-"),
            );
        }
    }
    let (h, rows) = read_csv(&out.join("requests.csv"));
    let method = h.iter().position(|c| c == "method").unwrap();
    assert!(
        rows.iter().any(|r| r[method] == "'+cmd|'calc'!A0"),
        "the hostile method is in requests.csv, neutralised"
    );
    assert!(neutralised >= 6, "{neutralised} neutralised cells");
}

/// Twelve browsers at once, each replaced after every site (each dwelling 3 s, so closings
/// overlap other browsers' starts and visits): closing one never kills another (profile-1 is
/// not profile-10), so every site is recorded ok and no browser is lost or fails to start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twelve_browsers_recycled_after_every_site_are_told_apart() {
    let _one = BROWSERS.lock().await;
    // 24 sites that load (the bench pages of the test web): every browser is closed and
    // replaced once while the others start and visit.
    let hosts: Vec<String> = (0..24).map(|i| format!("bench-{i}.test")).collect();
    let c = Scenario::sites("many.txt", hosts.join("\n"))
        .set("--browsers", "12")
        .set("--page-timeout", "60")
        .set("--dwell", "3")
        .args(&["--recycle", "1", "--no-interact"])
        .crawl()
        .await;
    let err = &c.stderr;
    assert!(
        !err.contains("browsers replaced"),
        "a browser was lost: {err}"
    );
    let v = visits(&c.out);
    assert_eq!(v.len(), 24);
    for (host, x) in &v {
        assert_eq!(x.outcome, Outcome::Ok, "{host}: {:?}", x.error);
    }
}

/// The crawl of the pages with broken and huge text.
fn text_crawl() -> &'static Crawled {
    static CRAWL: OnceLock<Crawled> = OnceLock::new();
    shared(&CRAWL, || {
        Scenario::sites("text.txt", "mangled-text.test\nhuge-urls.test\n").crawl()
    })
}

/// Text a page controls, broken (lone surrogates, NUL) or megabytes long, costs nothing of
/// what the page says (issue #43): the links with broken texts still lead to internal pages,
/// no page's facts are missing without a recorded collector failure, every URL and header
/// is cut to 64 KiB in the store and in requests.csv (the cut said), and the page with a
/// megabyte URL has its final URL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_text_loses_nothing() {
    let v = visits(&text_crawl().out);

    // Broken text: the front page's three links are candidates, two are followed (the
    // default --pages 3), and every page's facts were read, the broken characters as U+FFFD.
    let m = &v["mangled-text.test"];
    assert_eq!(m.outcome, Outcome::Ok, "{:?}", m.error);
    assert!(
        m.collector_failures.is_empty(),
        "{:?}",
        m.collector_failures
    );
    assert_eq!(m.link_candidates, Some(3), "{:?}", m.error);
    let internal: Vec<&str> = m.pages[1..].iter().map(|p| p.url.as_str()).collect();
    assert_eq!(internal.len(), 2, "{internal:?}");
    assert!(
        internal.iter().all(|u| u.contains("/recipes/")),
        "{internal:?}"
    );
    for p in &m.pages {
        let env = p
            .env
            .as_ref()
            .unwrap_or_else(|| panic!("page {}: no facts", p.page));
        assert!(env.title.contains('\u{FFFD}'), "{:?}", env.title);
        assert!(!env.title.contains('\0'));
        assert!(p.final_url.is_some(), "page {}", p.page);
    }
    let title = &m.pages[0].env.as_ref().unwrap().title;
    assert!(title.starts_with("Menu \u{FFFD} of the day"), "{title}");
    assert!(title.ends_with("\u{FFFD}\u{FFFD}"), "{title}");
}

/// Megabyte URLs and headers: cut in the capture and in requests.csv, the cut said, the
/// page's facts and final URL there; no file grows by megabytes per request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_text_is_capped() {
    use pixelcensus::capture::{CUT_MARK, VALUE_CAP};
    let out = &text_crawl().out;
    let v = visits(out);
    let capped = |s: &str| s.len() <= VALUE_CAP + CUT_MARK.len() + 32;
    let h = &v["huge-urls.test"];
    assert_eq!(h.outcome, Outcome::Ok, "{:?}", h.error);
    let fin = h.final_url.as_deref().expect("a final URL");
    assert!(
        fin.starts_with("https://huge-urls.test/?state=sss"),
        "{}",
        &fin[..60.min(fin.len())]
    );
    assert!(
        capped(fin) && fin.contains(CUT_MARK),
        "final URL of {} bytes",
        fin.len()
    );
    assert!(
        h.error.as_deref().unwrap_or("").contains("were cut"),
        "{:?}",
        h.error
    );
    assert!(h.pages[0].env.is_some());
    for p in &h.pages {
        assert!(capped(&p.url));
        assert!(
            p.final_url.as_deref().is_some_and(capped),
            "page {}",
            p.page
        );
        // The link of 1.9 MB is refused by the server (414): that page did not load.
        assert!(
            p.outcome != Outcome::Ok
                || p.env.is_some()
                || h.collector_failures.iter().any(|f| f.collector == "page"),
            "page {}: facts missing and no failure recorded",
            p.page
        );
    }
    let pixel = h
        .requests
        .iter()
        .find(|r| r.url.contains("/pixel.gif?blob="))
        .expect("the megabyte pixel is captured");
    assert!(pixel.url.contains(CUT_MARK), "{} bytes", pixel.url.len());
    let echo = h
        .requests
        .iter()
        .find(|r| r.url.ends_with("/echo-header.gif"))
        .expect("the echoed header's request");
    let x_echo = echo
        .response_headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("x-echo"))
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    assert!(
        x_echo.starts_with("eee") && x_echo.contains(CUT_MARK),
        "{} bytes",
        x_echo.len()
    );
    for r in v.values().flat_map(|x| &x.requests) {
        assert!(capped(&r.url) && capped(&r.frame_url), "{}", r.url.len());
        for (k, val) in r.headers.iter().chain(&r.response_headers) {
            assert!(capped(k) && capped(val), "{k}: {} bytes", val.len());
        }
    }
    // Nowhere does a page make a file grow by megabytes per request.
    let store_bytes = std::fs::metadata(out.join(pixelcensus::store::STORE_FILE))
        .unwrap()
        .len();
    let csv_bytes = std::fs::metadata(out.join("requests.csv")).unwrap().len();
    eprintln!(
        "huge-urls and mangled-text: store {store_bytes} bytes, requests.csv {csv_bytes} bytes"
    );
    assert!(store_bytes < 8_000_000, "store of {store_bytes} bytes");
    assert!(csv_bytes < 4_000_000, "requests.csv of {csv_bytes} bytes");
}
