//! Webtrends (the `webtrends.js` tag): image hits `/<dcsid>/dcs.gif?dcsdat=…&dcssip=<host>&
//! dcsuri=<path>&dcsref=<referrer>&WT.ti=<title>&WT.co_f=<visitor>&WT.vtid=…&WT.dl=<type>&…`
//! (`njs.gif` from a page's noscript), sent to Webtrends (`statse.webtrendslive.com`) or, very
//! often, to a collection host on the site's own domain (`wt.o.nytimes.com`), so the protocol
//! is recognised by its path and `WT.` parameters wherever it goes. The `dcs…` path segment
//! (the data source) is the ID; `WT.dl=0` a page view.

use super::claim;
use super::spec::{NONE, Spec, anywhere, assign, at};
use crate::analyze::Field;

/// The Webtrends decoder.
pub static WEBTRENDS: Spec = Spec {
    name: "webtrends",
    tracker: "Webtrends",
    company: "Webtrends",
    category: "analytics",
    claims: &[claim(
        "webtrendslive.com",
        "Webtrends",
        "Webtrends",
        "analytics",
    )],
    loaders: &[at("webtrends.com", "/js/"), at("", "*/webtrends.min.js")],
    hits: &[
        anywhere("*/dcs.gif", &["WT.tv"]),
        anywhere("*/dcs.gif", &["dcsuri"]),
        anywhere("*/njs.gif", &["dcsuri"]),
        at("webtrendslive.com", "/"),
        at("webtrends.com", "/").needs(&["dcsdat"]),
    ],
    path_ids: &["**/{}/dcs.gif", "**/{}/njs.gif"],
    events: &["WT.dl"],
    event_names: &[("0", "pageview")],
    fields: &[
        ("WT.ti", Field::PageTitle),
        ("dcsref", Field::Referrer),
        ("WT.co_f", Field::CookieId),
        ("WT.vtid", Field::CookieId),
        ("WT.sr", Field::Screen),
        ("WT.ul", Field::Language),
    ],
    id_cookies: &["WT_FPC"],
    domains: &["webtrends.com"],
    inline: &[assign("dcsid", "dcs")],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A page view as Omnibug's test suite has it (MisterPhilip/omnibug,
    /// `test/providers/WebtrendsOnDemand.js`, captured on www.webtrends.com), sent to Webtrends
    /// and, as sites do, to a collection host of the site's own.
    #[test]
    fn dcs_gif_anywhere() {
        let q = "dcsdat=1566720825934&dcssip=www.webtrends.com&dcsuri=/about-us/contact-us/&dcsref=https://www.webtrends.com/analytics-for-sharepoint/&WT.tz=-7&WT.bh=1&WT.ul=en-US&WT.cd=24&WT.sr=2560x1440&WT.jo=No&WT.ti=Contact%2520Us%2520%25E2%2580%2593%2520Webtrends&WT.js=Yes&WT.jv=1.5&WT.ct=unknown&WT.bs=2560x1297&WT.tv=10.4.23&WT.dl=0&WT.ssl=1&WT.es=www.webtrends.com%252Fabout-us%252Fcontact-us%252F&WT.ce=2&WT.vt_f_tlh=1566720670&WT.vtvs=1566719753718&WT.vtid=2422f3f3-1139-4608-b81e-db1a337673c2&WT.co_f=2422f3f3-1139-4608-b81e-db1a337673c2";
        for host in ["statse.webtrendslive.com", "wt.shop.example"] {
            let u = format!("https://{host}/dcs222y7nq6k81h24nxtc6793_2k1d/dcs.gif?&{q}");
            let d = decode(&req("GET", &u, None, None)).unwrap();
            assert_eq!((d.tracker, d.role), ("Webtrends", Role::Hit), "{host}");
            assert_eq!(d.pixel_ids, ["dcs222y7nq6k81h24nxtc6793_2k1d"]);
            assert_eq!(d.events, ["pageview"]);
            for f in ["page_title", "referrer", "cookie_id", "screen", "language"] {
                assert!(has(&d, f, "plain"), "{f}");
            }
        }
        assert!(decode(&req("GET", "https://shop.example/img/dcs.gif", None, None)).is_none());
    }
}
