//! Comscore (Scorecard Research): loader `sb.scorecardresearch.com/beacon.js` (and
//! `cs/<id>/beacon.js`), hits `sb.scorecardresearch.com/p`, `/b` and `/b2` with `c1` (the tag
//! type), `c2` (the client ID), `c7` (page URL), `c8` (title), `c9` (referrer) and
//! `cs_fpid` (the first-party visitor ID); `cs_ucfr` is the consent flag, not an ID. The same
//! beacon sent to a host of the site's own is recognised by `c1` and `c2`; Comscore's older
//! Digital Analytix hits on first-party hosts (`sa.bbc.co.uk/bbc/bbc/s?name=…&ns_site=…`) by
//! `ns_site` and `ns__t`.

use super::claim;
use super::spec::{NONE, Spec, anywhere, assign, at};
use crate::analyze::Field;

/// The Comscore decoder.
pub static COMSCORE: Spec = Spec {
    name: "comscore",
    tracker: "Comscore",
    company: "Comscore",
    category: "analytics",
    claims: &[claim(
        "scorecardresearch.com",
        "Comscore",
        "Comscore",
        "analytics",
    )],
    loaders: &[at("scorecardresearch.com", "*beacon.js")],
    hits: &[
        at("scorecardresearch.com", "/p"),
        at("scorecardresearch.com", "/b"),
        anywhere("/b", &["c1", "c2"]),
        anywhere("/p", &["c1", "c2"]),
        anywhere("", &["ns_site", "ns__t"]),
    ],
    requires: &[],
    ids: &["c2", "ns_site"],
    events: &["ns_type"],
    fields: &[
        ("c7", Field::PageUrl),
        ("c4", Field::PageUrl),
        ("c8", Field::PageTitle),
        ("c9", Field::Referrer),
        ("cs_fpid", Field::CookieId),
        ("ns_referrer", Field::Referrer),
        ("ns_jspageurl", Field::PageUrl),
        ("ns_ti", Field::PageTitle),
    ],
    id_cookies: &["_scor_uid"],
    inline: &[assign("c2", "COMSCORE"), assign("c2", "_comscore")],
    extra: None,
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A beacon as Omnibug's test suite has it (MisterPhilip/omnibug,
    /// `test/providers/Comscore.js`).
    #[test]
    fn p_beacon() {
        let d = decode(&req("GET", "https://sb.scorecardresearch.com/p?c1=2&c2=123456789&ns_type=hidden&cv=2.0&cj=1&c4=https://www.example.com", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Comscore", Role::Hit));
        assert_eq!(
            (d.pixel_ids.clone(), d.events.clone()),
            (vec!["123456789".to_string()], vec!["hidden".to_string()])
        );
        assert!(has(&d, "page_url", "plain"));
    }

    /// The same beacon on a collection host of the site's own, and a Digital Analytix hit in
    /// the shape issue #39 quotes from a real capture (`sa.bbc.co.uk/bbc/bbc/s?…ns_…`: `name`,
    /// `ns_site`, and the `ns__t` and `ns_c` a real vox.com beacon of 2015 carries).
    #[test]
    fn first_party_beacons() {
        let d = decode(&req("GET", "https://metrics.shop.example/b?c1=2&c2=6035989&ns_type=hidden&c7=https%3A%2F%2Fshop.example%2F&c8=Shop&cs_fpid=9f1e2d3c4b5a&ns__t=1716999127202", None, None)).unwrap();
        assert_eq!(
            (d.tracker, d.pixel_ids.clone()),
            ("Comscore", vec!["6035989".to_string()])
        );
        let d = decode(&req("GET", "https://sa.shop.example/bbc/bbc/s?name=home.page&ns_site=bbc&ns__t=1716999127202&ns_c=UTF-8&ns_jspageurl=https%3A%2F%2Fshop.example%2F&ns_referrer=https%3A%2F%2Fwww.google.com%2F", None, None)).unwrap();
        assert_eq!(
            (d.tracker, d.pixel_ids.clone()),
            ("Comscore", vec!["bbc".to_string()])
        );
        assert!(has(&d, "page_url", "plain") && has(&d, "referrer", "plain"));
        assert!(decode(&req("GET", "https://shop.example/b?c1=2", None, None)).is_none());
    }
}
