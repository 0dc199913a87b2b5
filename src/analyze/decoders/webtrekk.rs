//! Mapp Intelligence (formerly Webtrekk): `GET <track domain>/<track id>/wt?p=<version>,
//! <content id>,<…>,<screen>,<colour depth>,<cookies>,<timestamp>,<referrer>,<window>,<java>
//! &…` (`wt.pl` in older pixels), to Mapp's track domains (`*.webtrekk.net`, `*.wt-eu02.net`)
//! or a track domain of the site's; `pu` the page URL, `la` the language, `eid` the ever-ID
//! (the `wt3_eid` / `wteid_<track id>` cookie), `ct` a click or action name. The 15-digit track
//! ID in the path is the account.

use super::spec::{NONE, Spec, anywhere, assign, at};
use super::{Decoded, claim};
use crate::analyze::request::RequestView;
use crate::analyze::{Field, Location};

/// The screen and referrer packed in `p`.
fn packed(r: &RequestView, d: &mut Decoded) {
    if d.role != super::Role::Hit {
        return;
    }
    if let Some(p) = r.param("p") {
        let parts: Vec<&str> = p.split(',').collect();
        if let Some(s) = parts.get(3).filter(|s| s.contains('x')) {
            d.value(Field::Screen, s, Location::Query);
        }
        if let Some(rf) = parts.get(7).filter(|s| s.starts_with("http")) {
            d.value(Field::Referrer, rf, Location::Query);
        }
    }
}

const TRACKER: &str = "Mapp Intelligence (Webtrekk)";

/// The Webtrekk decoder.
pub static WEBTREKK: Spec = Spec {
    name: "webtrekk",
    tracker: TRACKER,
    company: "Mapp Digital",
    category: "analytics",
    claims: &[
        claim("webtrekk.net", TRACKER, "Mapp Digital", "analytics"),
        claim("wt-eu02.net", TRACKER, "Mapp Digital", "analytics"),
        claim("wt-safetag.com", TRACKER, "Mapp Digital", "analytics"),
    ],
    loaders: &[at("wt-safetag.com", "*.js")],
    hits: &[
        anywhere("/wt$", &["p"]).event("page"),
        anywhere("/wt.pl$", &["p"]).event("page"),
        at("webtrekk.net", "/").event("page"),
        at("wt-eu02.net", "/").event("page"),
    ],
    path_ids: &["/{}/wt", "/{}/wt.pl"],
    events: &["ct"],
    fields: &[
        ("pu", Field::PageUrl),
        ("la", Field::Language),
        ("eid", Field::CookieId),
    ],
    id_cookies: &["wt3_eid", "wt3_sid", "wteid", "wtsid"],
    domains: &["mapp.com"],
    inline: &[assign("trackId", "webtrekk"), assign("trackId", "wtSmart")],
    extra: Some(packed),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// The requests Webtrekk's Android SDK test expects it to build (webtrekk's
    /// `TrackingRequestUrl` test: `http://q3.webtrekk.net/1111111111/wt?p=400,StartActivity,…`,
    /// a page and a button's action), on Webtrekk's domain and on a track domain of the site's.
    #[test]
    fn wt_requests() {
        for host in ["q3.webtrekk.net", "stats.shop.example"] {
            let d = decode(&req("GET", &format!("http://{host}/1111111111/wt?p=400,StartActivity,0,1280x1024,32,0,1231233243245,0,0,0&eid=12345678901234&eor=1"), None, None)).unwrap();
            assert_eq!(
                (d.tracker, d.role),
                ("Mapp Intelligence (Webtrekk)", Role::Hit),
                "{host}"
            );
            assert_eq!(d.pixel_ids, ["1111111111"]);
            assert_eq!(d.events, ["page"]);
            assert!(has(&d, "cookie_id", "plain") && has(&d, "screen", "plain"));
        }
        let d = decode(&req("GET", "http://q3.webtrekk.net/1111111111/wt?p=400,StartActivity,0,1280x1024,32,0,1231233243245,0,0,0&dev=Google Nexus 4&eid=12345678901234&api=21&ct=Save Button&mts=1231233243245&eor=1", None, None)).unwrap();
        assert_eq!(d.events, ["Save Button"]);
    }
}
