//! HubSpot: the loader `js.hs-scripts.com/<portal>.js`, which brings
//! `js.hs-analytics.net/analytics/<time>/<portal>.js` (and `js.hs-banner.com`,
//! `js.hscollectedforms.net`, `js.hsadspixel.net`), then page views to
//! `track.hubspot.com/__ptq.gif?a=<portal>&k=<type>&pu=<page>&t=<title>&r=<referrer>&vi=<visitor>
//! &u=<__hstc>&b=<__hssc>&…`; e-mails and blog feeds carry the same pixel with `bvt=rss`.

use super::claim;
use super::spec::{NONE, Spec, assign, at};
use crate::analyze::Field;

/// The HubSpot decoder.
pub static HUBSPOT: Spec = Spec {
    name: "hubspot",
    tracker: "HubSpot",
    company: "HubSpot",
    category: "marketing",
    claims: &[
        claim("hs-scripts.com", "HubSpot", "HubSpot", "marketing"),
        claim("hs-analytics.net", "HubSpot", "HubSpot", "marketing"),
        claim("hs-banner.com", "HubSpot", "HubSpot", "marketing"),
        claim("hscollectedforms.net", "HubSpot", "HubSpot", "marketing"),
        claim("hsadspixel.net", "HubSpot", "HubSpot", "marketing"),
        claim("track.hubspot.com", "HubSpot", "HubSpot", "marketing"),
    ],
    loaders: &[
        at("hs-scripts.com", "*.js"),
        at("hs-analytics.net", "*.js"),
        at("hs-banner.com", "*.js"),
        at("hscollectedforms.net", "*.js"),
        at("hsadspixel.net", "*.js"),
    ],
    hits: &[at("track.hubspot.com", "/"), at("forms.hubspot.com", "/")],
    ids: &["a", "portalId"],
    path_ids: &["/{}.js", "/analytics/*/{}.js"],
    fields: &[
        ("pu", Field::PageUrl),
        ("t", Field::PageTitle),
        ("vi", Field::CookieId),
        ("u", Field::CookieId),
        ("sd", Field::Screen),
        ("ln", Field::Language),
    ],
    id_cookies: &["hubspotutk", "__hstc", "__hssc"],
    domains: &["hubspot.com", "hubapi.com", "usemessages.com"],
    inline: &[assign("portalId", "hbspt"), assign("portalId", "hubspot")],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// The feed pixel HubSpot wrote into an inktank.com blog post (a public GitHub copy of the
    /// post), and the loader of a portal.
    #[test]
    fn pixel_and_loader() {
        let d = decode(&req("GET", "http://track.hubspot.com/__ptq.gif?a=265024&k=14&bu=http%3A%2F%2Fwww.inktank.com&r=http%3A%2F%2Fwww.inktank.com%2Fceph-blog%2Fceph-cuttlefish-release-has-arrived-2%2F&bvt=rss&p=wordpress", None, None)).unwrap();
        assert_eq!(
            (d.tracker, d.role, d.pixel_ids.clone()),
            ("HubSpot", Role::Hit, vec!["265024".to_string()])
        );
        let l = decode(&req(
            "GET",
            "https://js.hs-scripts.com/265024.js",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (l.role, l.pixel_ids.clone()),
            (Role::Loader, vec!["265024".to_string()])
        );
        let l = decode(&req(
            "GET",
            "https://js.hs-analytics.net/analytics/1716999000000/265024.js",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(l.pixel_ids, ["265024"]);
    }
}
