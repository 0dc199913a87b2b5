//! Yahoo's dot tag (Yahoo Ad Tech conversion and audience tag): loader
//! `s.yimg.com/wi/ytc.js`, hits `sp.analytics.yahoo.com/sp.pl?a=10000&.yp=<pixel>&…` with
//! `b` (the title), `f` (the page), `e` (the referrer) and, for a custom event, `et=custom`
//! and `ea` (its action).

use super::claim;
use super::spec::{NONE, Spec, at};
use crate::analyze::Field;

/// The Yahoo dot decoder.
pub static YAHOO: Spec = Spec {
    name: "yahoo",
    tracker: "Yahoo Dot Tag",
    company: "Yahoo",
    category: "ad",
    claims: &[claim(
        "sp.analytics.yahoo.com",
        "Yahoo Dot Tag",
        "Yahoo",
        "ad",
    )],
    loaders: &[at("s.yimg.com", "/wi/")],
    hits: &[
        at("sp.analytics.yahoo.com", "/sp.pl"),
        at("sp.analytics.yahoo.com", "/spp.pl"),
    ],
    requires: &[],
    ids: &[".yp"],
    events: &["ea", "et"],
    fields: &[
        ("f", Field::PageUrl),
        ("e", Field::Referrer),
        ("b", Field::PageTitle),
    ],
    id_cookies: &[],
    extra: None,
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// Two dot hits as browsers sent them: tastyfx.com's (a public page export on GitHub
    /// with the rendered pixel image; the library's file 53464515282) with a referrer and a
    /// custom event type, and perf.lowes.com's (a public NetStorm load-test recording,
    /// file 3209732119).
    #[test]
    fn sp_pl_hits() {
        let d = decode(&req("GET", "https://sp.analytics.yahoo.com/sp.pl?a=10000&d=Sun%2C%2001%20Mar%202026%2018%3A01%3A45%20GMT&n=-6&b=tastyfx%20US%20Forex%20Broker%3A%20Trade%20Forex%20Online&.yp=10204745&f=https%3A%2F%2Fwww.tastyfx.com%2F&e=https%3A%2F%2Fwww.google.com%2F&enc=UTF-8&yv=1.16.6&et=custom&tagmgr=gtm", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Yahoo Dot Tag", Role::Hit));
        assert_eq!(
            (d.pixel_ids.clone(), d.events.clone()),
            (vec!["10204745".to_string()], vec!["custom".to_string()])
        );
        for f in ["page_url", "referrer", "page_title"] {
            assert!(has(&d, f, "plain"), "{f}");
        }
        let d = decode(&req("GET", "https://sp.analytics.yahoo.com/sp.pl?a=10000&d=Mon%2C%2016%20Jan%202023%2006%3A12%3A41%20GMT&n=6&b=smart&.yp=10184583&f=https%3A%2F%2Fperf.lowes.com%2F&enc=UTF-8&yv=1.13.0&tagmgr=gtm%2Cadobe", None, None)).unwrap();
        assert_eq!(d.pixel_ids, ["10184583"]);
        assert!(!d.fields.iter().any(|f| f.name.as_str() == "referrer"));
    }
}
