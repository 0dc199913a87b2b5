//! Lytics (jstag): the tag `c.lytics.io/api/tag/<account id>/latest.min.js`, then collection
//! to `c.lytics.io/c/<account id>[/<stream>]?_e=<event>&url=<page without scheme>&_uid=
//! <visitor>&_sz=<screen>&_ul=<language>&…` with any data the site sends (an `email` too).

use super::claim;
use super::spec::{NONE, Spec, at};
use crate::analyze::Field;

/// The Lytics decoder.
pub static LYTICS: Spec = Spec {
    name: "lytics",
    tracker: "Lytics",
    company: "Lytics",
    category: "marketing",
    claims: &[claim("lytics.io", "Lytics", "Lytics", "marketing")],
    loaders: &[at("lytics.io", "/api/tag/"), at("lytics.io", "/static/")],
    hits: &[at("lytics.io", "/c/"), at("lytics.io", "/")],
    path_ids: &["/c/{}/**", "/api/tag/{}/**"],
    events: &["_e", "event"],
    fields: &[
        ("_uid", Field::CookieId),
        ("_sz", Field::Screen),
        ("_ul", Field::Language),
        ("email", Field::PlainEmail),
    ],
    id_cookies: &["seerid", "seerses"],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A page view and a conversion from Omnibug's test suite (MisterPhilip/omnibug,
    /// `test/providers/Lytics.js`, captured on www.lytics.com).
    #[test]
    fn collect_calls() {
        let d = decode(&req("GET", "https://c.lytics.io/c/00ed91c03664aaf1ea539a87d4c560e7?_e=pv&_tz=-4&_ul=en-US&_sz=1920x1200&_ts=1589047923087&_nmob=t&_device=desktop&url=www.lytics.com%2F&_uid=91684.5253390131&_v=2.0.0&_ca=jstag1", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Lytics", Role::Hit));
        assert_eq!(d.pixel_ids, ["00ed91c03664aaf1ea539a87d4c560e7"]);
        assert_eq!(d.events, ["pv"]);
        for f in ["cookie_id", "screen", "language"] {
            assert!(has(&d, f, "plain"), "{f}");
        }
        let d = decode(&req("GET", "https://c.lytics.io/c/00ed91c03664aaf1ea539a87d4c560e7?event=conversion&campaign_id=someconversionid&variation_id=somevariationid&currency=USD&value=25.99&_ts=1589147594430&_nmob=t&_device=desktop&url=www.lytics.com%2F&_uid=91684.5253390131&_v=2.0.0&_ca=jstag1", None, None)).unwrap();
        assert_eq!(d.events, ["conversion"]);
    }
}
