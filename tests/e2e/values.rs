//! End-to-end: what a vendor nothing knows receives, found by value. The real binary crawls
//! `invented.test` (testweb::sites::INVENTED: a tracker on `collect.nv-metrics.test` that no
//! decoder, entity list or seed names) and clean.test. Every value its script sends is
//! reported with the encoding it travelled in: the page URL without its scheme, encoded twice
//! inside JSON, with only its slashes encoded, inside base64 JSON and split over two
//! parameters; its ID cookies (one plain, one base64 JSON whose `id` is sent); the title,
//! screen, language and User-Agent the page's scripts could read; the typed values. It counts
//! as a tracker for what it received (`tracker_reason`), the generic reader gives its ID and
//! event, and the CDN on clean.test, which receives nothing, is no tracker.

use crate::common::*;
use std::collections::BTreeSet;
use std::sync::OnceLock;

const LIST: &str = "1,invented.test\n2,clean.test\n";
/// The one crawl of this file: invented.test and clean.test, one browser, front pages only.
fn crawled() -> &'static Crawled {
    static CRAWL: OnceLock<Crawled> = OnceLock::new();
    shared(&CRAWL, || {
        Scenario::sites("list.csv", LIST)
            .set("--browsers", "1")
            .args(&["--pages", "1"])
            .crawl()
    })
}

/// invented.test's visit, from the store.
fn invented() -> pixelcensus::capture::RawVisit {
    let s = store(&crawled().out);
    let (_, _, id) = s
        .targets()
        .unwrap()
        .into_iter()
        .find(|(t, _, _)| t.domain == "invented.test")
        .unwrap();
    s.load_visit(id.expect("visited")).unwrap().visit
}

/// Every value the invented vendor's script sends is reported with the encoding it travelled
/// in, and what the page's scripts could read is in the store with the front page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invented_vendor_gets_its_fields_by_value() {
    let out = &crawled().out;
    let v = invented();
    let env = v.pages[0].env.clone().expect("the front page's env");
    assert_eq!(env.title, "Welcome to invented.test");
    assert!(env.user_agent.contains("Chrome"), "{}", env.user_agent);
    assert!(env.screen[0] > 0 && env.viewport[1] > 0, "{env:?}");
    assert!(!env.languages.is_empty());

    let trackers = rows(out, "site_trackers.csv");
    let t = trackers
        .iter()
        .find(|r| r["site"] == "invented.test" && r["tracker"] == "nv-metrics.test")
        .expect("the invented vendor is a row");
    assert_eq!(
        (t["category"].as_str(), t["tracker_reason"].as_str()),
        ("unknown", "visitor_data")
    );
    assert_eq!(
        (t["pixel_ids"].as_str(), t["events"].as_str()),
        ("NV-4411", "view")
    );
    assert_eq!(t["cookie_ids"], "_nvm_s_invented;_nvm_uid");
    let fields = rows(out, "tracker_fields.csv");
    let enc = |field: &str| -> BTreeSet<String> {
        fields
            .iter()
            .filter(|r| r["site"] == "invented.test" && r["field"] == field)
            .flat_map(|r| {
                r["encoding"]
                    .split(';')
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let page = enc("page_url");
    for e in ["no-scheme", "url2", "url", "base64", "split"] {
        assert!(page.contains(e), "page_url as {e}: {page:?}");
    }
    for f in [
        "cookie_id",
        "page_title",
        "screen",
        "language",
        "user_agent",
        "plain_email",
        "plain_phone",
        "typed_text",
    ] {
        assert!(!enc(f).is_empty(), "{f} not found: {t:?}");
    }
    assert!(
        fields
            .iter()
            .all(|r| r["site"] != "invented.test" || r["is_tracker"] == "true")
    );
}

/// The second vendor's storage and cookie IDs; the generic reader's IDs; a CDN that received
/// nothing is no tracker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_ids_the_generic_reader_and_a_cdn_that_receives_nothing() {
    let out = &crawled().out;
    let v = invented();
    let trackers = rows(out, "site_trackers.csv");
    let fields = rows(out, "tracker_fields.csv");
    // The second vendor: its visitor kept in localStorage and its session in sessionStorage
    // (in the store with the page), an ID at the head of a dotted cookie, the screen as two
    // numbers.
    assert!(
        v.storage
            .iter()
            .any(|i| i.key == "qx_state" && i.value.contains("qxv-")),
        "{:?}",
        v.storage
    );
    let qx = trackers
        .iter()
        .find(|r| r["site"] == "invented.test" && r["tracker"] == "qx-insights.test")
        .expect("the second vendor is a row");
    assert_eq!(qx["storage_ids"], "local:qx_state;session:qx_sid", "{qx:?}");
    assert_eq!(qx["cookie_ids"], "_qx_sp.ab12", "{qx:?}");
    assert_eq!(qx["tracker_reason"], "cookie_id");
    let qf: BTreeSet<&str> = fields
        .iter()
        .filter(|r| r["site"] == "invented.test" && r["tracker"] == "qx-insights.test")
        .map(|r| r["field"].as_str())
        .collect();
    assert_eq!(qf, BTreeSet::from(["cookie_id", "screen", "storage_id"]));
    // Its requests that name its ID were read by the generic reader.
    let reqs = rows(out, "requests.csv");
    let with_id: Vec<_> = reqs
        .iter()
        .filter(|r| r["url"].contains("nv-metrics.test") && r["url"].contains("pid=NV-4411"))
        .collect();
    assert!(with_id.len() >= 3, "{with_id:?}");
    assert!(
        with_id.iter().all(|r| r["endpoint"] == "generic"),
        "{with_id:?}"
    );
    // A CDN that received nothing of the visitor is a third party, not a tracker.
    let cdn = trackers
        .iter()
        .find(|r| r["site"] == "clean.test")
        .expect("clean.test's CDN");
    assert_eq!(cdn["tracker_reason"], "");
    let sites = rows(out, "sites.csv");
    let clean = sites.iter().find(|r| r["site"] == "clean.test").unwrap();
    assert_eq!(clean["trackers"], "0");
}
