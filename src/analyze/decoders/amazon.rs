//! Amazon Ads' advertiser tag: loader `c.amazon-adsystem.com/aat/amzn.js`, hits
//! `s.amazon-adsystem.com/iu3?pid=<tag>&event=<event>` (and the regional
//! `aax-*.amazon-adsystem.com/s/iu3`). The same `iu3` path with `d=` and no `pid` is a
//! cookie sync, named but not an event.

use super::claim;
use super::spec::{NONE, Spec, at};
use crate::analyze::Field;

/// The Amazon Ads decoder.
pub static AMAZON: Spec = Spec {
    name: "amazon",
    tracker: "Amazon Ads Tag",
    company: "Amazon",
    category: "ad",
    claims: &[claim(
        "s.amazon-adsystem.com",
        "Amazon Ads Tag",
        "Amazon",
        "ad",
    )],
    loaders: &[at("c.amazon-adsystem.com", "/aat/")],
    hits: &[
        at("amazon-adsystem.com", "/iu3"),
        at("amazon-adsystem.com", "/s/iu3"),
    ],
    requires: &[],
    ids: &["pid"],
    events: &["event"],
    fields: &[("url", Field::PageUrl), ("ref", Field::Referrer)],
    id_cookies: &[],
    extra: None,
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// Amazon's tag page view (as another tracker detector's test suite records it; the
    /// library's file 71617565105) and a site's cookie-sync frame (`d=generic` with the
    /// page in `ex-src`, from a public site's Amazon pixel snippet, file 38933493239).
    #[test]
    fn iu3_hits() {
        let d = decode(&req("GET", "https://s.amazon-adsystem.com/iu3?pid=1b3cf6ff-9fc9-4499-813a-12e87e83751e&event=PageView&gtmVersion=3.4", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Amazon Ads Tag", Role::Hit));
        assert_eq!(d.pixel_ids, ["1b3cf6ff-9fc9-4499-813a-12e87e83751e"]);
        assert_eq!(d.events, ["PageView"]);
        let d = decode(&req("GET", "https://s.amazon-adsystem.com/iu3?d=generic&ex-fargs=%3Fid%3D73c13fc6-1cce-6aa5-8633-88ebfab54cb5%26type%3D29%26m%3D1&ex-fch=416613&ex-src=https://baketivity.com/&ex-hargs=v%3D1.0%3Bc%3D588912635915411416%3Bp%3D73C13FC6-1CCE-6AA5-8633-88EBFAB54CB5&cb=1", None, None)).unwrap();
        assert_eq!(d.tracker, "Amazon Ads Tag");
        assert!(d.events.is_empty() && d.pixel_ids.is_empty());
    }
}
