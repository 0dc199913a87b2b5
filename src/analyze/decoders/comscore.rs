//! Comscore (Scorecard Research): loader `sb.scorecardresearch.com/beacon.js` (and
//! `cs/<id>/beacon.js`), hits `sb.scorecardresearch.com/p`, `/b` and `/b2` with `c1` (the tag
//! type), `c2` (the client ID), `c7` (page URL), `c8` (title), `c9` (referrer) and
//! `cs_fpid` (the first-party visitor ID); `cs_ucfr` is the consent flag, not an ID.

use super::claim;
use super::spec::{Spec, at};
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
    ],
    requires: &[],
    ids: &["c2"],
    events: &["ns_type"],
    fields: &[
        ("c7", Field::PageUrl),
        ("c4", Field::PageUrl),
        ("c8", Field::PageTitle),
        ("c9", Field::Referrer),
        ("cs_fpid", Field::CookieId),
    ],
    id_cookies: &["_scor_uid", "_sp_id"],
    extra: None,
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
}
