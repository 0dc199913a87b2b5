//! Contentsquare (experience analytics and session replay): the tag
//! `t.contentsquare.net/uxa/<tag id>.js`, then `c.contentsquare.net/pageview?pid=<project>&
//! uu=<visitor>&sn=<session>&pn=<page number>&url=<page>&r=<referrer>&sw=<screen width>&…`,
//! `/events?…` and replay uploads to regional hosts (`k-aeu1.contentsquare.net`, …).

use super::claim;
use super::spec::{NONE, Spec, at};
use crate::analyze::Field;

/// The Contentsquare decoder.
pub static CONTENTSQUARE: Spec = Spec {
    name: "contentsquare",
    tracker: "Contentsquare",
    company: "Contentsquare",
    category: "analytics",
    claims: &[claim(
        "contentsquare.net",
        "Contentsquare",
        "Contentsquare",
        "analytics",
    )],
    loaders: &[at("t.contentsquare.net", "*.js")],
    hits: &[
        at("contentsquare.net", "/pageview").event("pageview"),
        at("contentsquare.net", "/events").event("events"),
        at("contentsquare.net", "/"),
    ],
    ids: &["pid"],
    path_ids: &["/uxa/{}.js"],
    fields: &[
        ("url", Field::PageUrl),
        ("r", Field::Referrer),
        ("uu", Field::CookieId),
        ("sw", Field::Screen),
        ("la", Field::Language),
    ],
    id_cookies: &["_cs_id", "_cs_s"],
    domains: &["contentsquare.com"],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A page view and the tag in the shapes Contentsquare's tag requests them (no captured
    /// request was at hand: the IDs are made up).
    #[test]
    fn pageview_and_tag() {
        let d = decode(&req("GET", "https://c.contentsquare.net/pageview?v=15.77.2&pid=4321&pn=1&sn=1&lv=1716999127&lhd=1716999127&uu=0f1e2d3c-4b5a-a978-8695-a4b3c2d1e0f9&url=https%3A%2F%2Fshop.example%2F&r=https%3A%2F%2Fwww.google.com%2F&sw=1920&sh=1080&dw=1903&dh=4210&la=en-US", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Contentsquare", Role::Hit));
        assert_eq!(
            (d.pixel_ids.clone(), d.events.clone()),
            (vec!["4321".to_string()], vec!["pageview".to_string()])
        );
        for f in ["page_url", "referrer", "cookie_id", "screen", "language"] {
            assert!(has(&d, f, "plain"), "{f}");
        }
        let l = decode(&req(
            "GET",
            "https://t.contentsquare.net/uxa/a1b2c3d4e5f67.js",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (l.role, l.pixel_ids.clone()),
            (Role::Loader, vec!["a1b2c3d4e5f67".to_string()])
        );
    }
}
