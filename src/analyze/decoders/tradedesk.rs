//! The Trade Desk's universal pixel: loader `js.adsrvr.org/up_loader.1.1.0.js`, hits
//! `insight.adsrvr.org/track/up?adv=<advertiser>&ref=<page>&upid=<pixel>&upv=1.1.0`, and
//! the older image tags `/track/pxl/`, `/track/evnt/`, `/track/conv/` with `ct=0:<tag>`;
//! `match.adsrvr.org/track/cmf/…` is its cookie sync.

use super::spec::{NONE, Spec, at};
use super::{Decoded, claim};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// The request kind from the path (`up` → `universal_pixel`, `conv` → `conversion`, …).
fn kind(r: &RequestView, d: &mut Decoded) {
    if d.role != super::Role::Hit {
        return;
    }
    let e = match r.path.trim_end_matches('/') {
        "/track/up" => "universal_pixel",
        "/track/pxl" | "/track/conv" => "conversion",
        "/track/evnt" => "event",
        "/track/realtimeconversion" => "realtime_conversion",
        p if p.starts_with("/track/cmf") => "cookie_sync",
        _ => return,
    };
    d.event(e);
}

/// The Trade Desk decoder.
pub static TRADE_DESK: Spec = Spec {
    name: "tradedesk",
    tracker: "The Trade Desk",
    company: "The Trade Desk",
    category: "ad",
    claims: &[claim(
        "adsrvr.org",
        "The Trade Desk",
        "The Trade Desk",
        "ad",
    )],
    loaders: &[at("js.adsrvr.org", "/")],
    hits: &[at("adsrvr.org", "/track/")],
    requires: &[],
    ids: &["adv", "upid", "ttd_pid"],
    events: &[],
    fields: &[("ref", Field::PageUrl), ("ttd_puid", Field::ExternalId)],
    id_cookies: &[],
    extra: Some(kind),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A universal-pixel hit as equinoxplus.com's join page sent it (recorded in a public
    /// scraping script on GitHub; the library's file 21070254088), and the image tag of
    /// zillow.com's home page (a public capture of its resource URLs, file 40511643371).
    #[test]
    fn universal_pixel_and_image_tag() {
        let d = decode(&req("GET", "https://insight.adsrvr.org/track/up?adv=k3pq3ve&ref=https%3A%2F%2Fwww.equinoxplus.com%2Fjoin%23plan-selection&upid=u4pcpfl&upv=1.1.0", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("The Trade Desk", Role::Hit));
        assert_eq!(d.pixel_ids, ["k3pq3ve", "u4pcpfl"]);
        assert_eq!(d.events, ["universal_pixel"]);
        assert!(has(&d, "page_url", "plain"));
        let d = decode(&req(
            "GET",
            "https://insight.adsrvr.org/track/pxl/?adv=li61105&ct=0:x9l88fw&fmt=3",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (d.pixel_ids.clone(), d.events.clone()),
            (vec!["li61105".to_string()], vec!["conversion".to_string()])
        );
    }
}
