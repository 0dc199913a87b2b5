//! Demandbase (account-based marketing: the visitor's company from their IP): its tag
//! `tag.demandbase.com/<id>.min.js` (`scripts.demandbase.com`), then
//! `api.company-target.com/api/v2/ip.json?key=<account key>&page=<page>&page_title=…&
//! referrer=…` (v3 too) and syncs on `*.company-target.com`. (The entity list names
//! company-target.com IPONWEB's; it is Demandbase's.)

use super::claim;
use super::spec::{NONE, Spec, at};
use crate::analyze::Field;

/// The Demandbase decoder.
pub static DEMANDBASE: Spec = Spec {
    name: "demandbase",
    tracker: "Demandbase",
    company: "Demandbase",
    category: "marketing",
    claims: &[
        claim(
            "company-target.com",
            "Demandbase",
            "Demandbase",
            "marketing",
        ),
        claim(
            "tag.demandbase.com",
            "Demandbase",
            "Demandbase",
            "marketing",
        ),
        claim(
            "scripts.demandbase.com",
            "Demandbase",
            "Demandbase",
            "marketing",
        ),
    ],
    loaders: &[
        at("tag.demandbase.com", "*.js"),
        at("scripts.demandbase.com", "*.js"),
    ],
    hits: &[at("company-target.com", "/")],
    ids: &["key"],
    path_ids: &["/{}.min.js"],
    fields: &[
        ("page", Field::PageUrl),
        ("page_title", Field::PageTitle),
        ("referrer", Field::Referrer),
    ],
    domains: &["demandbase.com"],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// The IP lookup of Omnibug's test suite (MisterPhilip/omnibug,
    /// `test/providers/DemandbaseEngagement.js`).
    #[test]
    fn ip_lookup() {
        let d = decode(&req("GET", "https://api.company-target.com/api/v2/ip.json?referrer=&page=https%3A%2F%2Fomnibug.io%2F&page_title=Omnibug&src=tag&key=11110bc7e4495aa701b66129ecf5f805", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Demandbase", Role::Hit));
        assert_eq!(d.pixel_ids, ["11110bc7e4495aa701b66129ecf5f805"]);
        assert!(has(&d, "page_url", "plain") && has(&d, "page_title", "plain"));
        assert!(!has(&d, "referrer", "plain"));
    }
}
