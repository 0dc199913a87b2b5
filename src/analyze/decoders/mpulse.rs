//! Akamai mPulse (boomerang.js): the loader `s.go-mpulse.net/boomerang/<API key>`, its
//! configuration `c.go-mpulse.net/api/config.json?key=<API key>&d=<domain>&…`, then beacons to
//! `<n>.mpstat.us` or `<n>.akstat.io` carrying `h.key` (the API key), `rt.start`, the page as
//! `u` and `pgu`, the referrer `r` and the session `rt.si` (the `RT` cookie). Boomerang's
//! beacon is recognised on any host by `h.key` with `rt.start`.

use super::claim;
use super::spec::{NONE, Spec, anywhere, at};
use crate::analyze::Field;

/// The mPulse decoder.
pub static MPULSE: Spec = Spec {
    name: "mpulse",
    tracker: "Akamai mPulse",
    company: "Akamai",
    category: "analytics",
    claims: &[
        claim("go-mpulse.net", "Akamai mPulse", "Akamai", "analytics"),
        claim("mpstat.us", "Akamai mPulse", "Akamai", "analytics"),
        claim("akstat.io", "Akamai mPulse", "Akamai", "analytics"),
    ],
    loaders: &[
        at("go-mpulse.net", "/boomerang/"),
        at("go-mpulse.net", "/api/config"),
    ],
    hits: &[
        at("mpstat.us", "/"),
        at("akstat.io", "/"),
        anywhere("", &["h.key", "rt.start"]),
    ],
    ids: &["h.key", "key"],
    path_ids: &["/boomerang/{}"],
    events: &["http.initiator"],
    fields: &[
        ("u", Field::PageUrl),
        ("pgu", Field::PageUrl),
        ("r", Field::Referrer),
        ("rt.si", Field::CookieId),
    ],
    id_cookies: &["RT"],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A page-load beacon in boomerang's form encoding (the parameter names of its RT and
    /// mPulse plugins: `h.key`, `h.d`, `rt.start`, `rt.si`, `u`, `pgu`, `r`; no captured
    /// request was at hand: the key is made up), to Akamai and to the site's own host, and the
    /// loader with the key in its path.
    #[test]
    fn beacon_and_loader() {
        let body = "h.key=ABCDE-FGHIJ-KLMNO-PQRST-UVWXY&h.d=shop.example&h.t=1716999127202&h.cr=0f1e2d3c4b5a&rt.start=navigation&rt.tstart=1716999126000&rt.si=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9-s4k2xy&rt.sl=1&u=https%3A%2F%2Fshop.example%2Fcart&pgu=https%3A%2F%2Fshop.example%2Fcart&r=https%3A%2F%2Fshop.example%2F&v=1.720.0";
        for host in ["17de4c1a.akstat.io", "rum.shop.example"] {
            let d = decode(&req(
                "POST",
                &format!("https://{host}/"),
                Some(body),
                Some("application/x-www-form-urlencoded"),
            ))
            .unwrap();
            assert_eq!((d.tracker, d.role), ("Akamai mPulse", Role::Hit), "{host}");
            assert_eq!(d.pixel_ids, ["ABCDE-FGHIJ-KLMNO-PQRST-UVWXY"]);
            for f in ["page_url", "referrer", "cookie_id"] {
                assert!(has(&d, f, "plain"), "{f}");
            }
        }
        let l = decode(&req(
            "GET",
            "https://s.go-mpulse.net/boomerang/ABCDE-FGHIJ-KLMNO-PQRST-UVWXY",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (l.role, l.pixel_ids.clone()),
            (
                Role::Loader,
                vec!["ABCDE-FGHIJ-KLMNO-PQRST-UVWXY".to_string()]
            )
        );
    }
}
