//! Heap (heap.js, now Contentsquare's): the script `cdn.heapanalytics.com/js/heap-<app
//! id>.js`, page views as `heapanalytics.com/h?a=<app id>&u=<user>&v=<view>&s=<session>&b=web&
//! tv=4.0&h=<path>&t=<title>&d=<domain>&r=<referrer>&…`, other events to
//! `heapanalytics.com/api/…` and, in newer versions, `c.us.heap-api.com`.

use super::claim;
use super::spec::{NONE, Spec, at, call};
use crate::analyze::Field;

/// The Heap decoder.
pub static HEAP: Spec = Spec {
    name: "heap",
    tracker: "Heap",
    company: "Contentsquare",
    category: "analytics",
    claims: &[
        claim("heapanalytics.com", "Heap", "Contentsquare", "analytics"),
        claim("heap-api.com", "Heap", "Contentsquare", "analytics"),
    ],
    loaders: &[
        at("cdn.heapanalytics.com", "/js/"),
        at("heap-api.com", "/config/"),
    ],
    hits: &[
        at("heapanalytics.com", "/h").event("pageview"),
        at("heapanalytics.com", "/"),
        at("heap-api.com", "/"),
    ],
    ids: &["a"],
    path_ids: &["/js/heap-{}.js", "/config/{}/heap_config.js"],
    fields: &[
        ("t", Field::PageTitle),
        ("r", Field::Referrer),
        ("u", Field::CookieId),
    ],
    id_cookies: &["_hp2_id", "_hp2_ses_props"],
    domains: &["heap.io"],
    inline: &[call("heap.load", "", 0)],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A page view as Heap's iOS SDK sends it to the same endpoint (a public GitHub load-test
    /// script quoting one as its example: `heapanalytics.com/h?a=…&s=…&v=…&b=ios&…`), and the
    /// web loader with the app ID in its name.
    #[test]
    fn h_and_loader() {
        let d = decode(&req("GET", "https://heapanalytics.com/h?a=2356724093&s=6740642658917718&v=3242260802684940&b=ios&tv=3.0&lv=8.2.0&u=1134378632781458&m=Avo%20Keepr&p=1.1.1&g=&o=arm64&f=iOS%2015.4&vid=B7B6D296-C0BE-419A-9CFE-F240C1DDC8DF&z=1&ts=1656342588925&h=Avo_Keepr.HomeViewController&t=&d=&y=&st=1656342588926", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Heap", Role::Hit));
        assert_eq!(d.pixel_ids, ["2356724093"]);
        assert_eq!(d.events, ["pageview"]);
        assert!(has(&d, "cookie_id", "plain") && !has(&d, "page_title", "plain"));
        let l = decode(&req(
            "GET",
            "https://cdn.heapanalytics.com/js/heap-2356724093.js",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (l.role, l.pixel_ids.clone()),
            (Role::Loader, vec!["2356724093".to_string()])
        );
    }
}
