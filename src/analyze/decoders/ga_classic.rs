//! Google Analytics' classic ga.js (and urchin.js): image hits to
//! `www.google-analytics.com/__utm.gif` (`/r/__utm.gif` with remarketing,
//! `stats.g.doubleclick.net/__utm.gif` with display features) with the property `utmac=UA-…`,
//! the hit type `utmt` (`event`, `tran`, `item`, `social`, `var`; none for a page view), the
//! event `utme=5(category*action*label)`, the page split over `utmhn` and `utmp`, `utmdt`
//! (title), `utmr` (referrer), `utmsr`, `utmul` and the `__utma` cookie in `utmcc`.

use super::Decoded;
use super::spec::{NONE, Spec, anywhere, at};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// A page view when the hit names no type; an event's action from `utme`.
fn kind(r: &RequestView, d: &mut Decoded) {
    if d.role != super::Role::Hit {
        return;
    }
    if r.param("utmt").is_none() {
        d.event("pageview");
    }
    if let Some(e) = r.param("utme").and_then(|e| e.strip_prefix("5("))
        && let Some(action) = e.split(['*', ')']).nth(1)
    {
        d.event(action.to_string());
    }
}

/// The ga.js decoder.
pub static GA_CLASSIC: Spec = Spec {
    name: "ga-classic",
    tracker: "Google Analytics (ga.js)",
    company: "Google",
    category: "analytics",
    loaders: &[
        at("google-analytics.com", "/ga.js"),
        at("google-analytics.com", "/urchin.js"),
    ],
    hits: &[
        anywhere("*/__utm.gif", &["utmac"]),
        anywhere("*/__utm.gif", &["utmwv"]),
    ],
    ids: &["utmac"],
    events: &["utmt"],
    fields: &[
        ("utmdt", Field::PageTitle),
        ("utmr", Field::Referrer),
        ("utmsr", Field::Screen),
        ("utmul", Field::Language),
        ("utmcc", Field::CookieId),
    ],
    id_cookies: &["__utma", "__utmz"],
    domains: &["google-analytics.com", "doubleclick.net"],
    inline: &[super::spec::push("_gaq.push", "_setAccount", 1)],
    extra: Some(kind),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// An event hit as a public GitHub ActionScript file quotes one ga.js sent (come2play's
    /// tracker, the request it saw fail with 414), then a page view from the C# tracker
    /// example of the same format (its "REQUEST URL FORMAT" comment).
    #[test]
    fn utm_gif_hits() {
        let d = decode(&req("GET", "http://www.google-analytics.com/__utm.gif?utmwv=4.3as&utmn=2036791660&utmhn=static.come2play.net&utmt=event&utme=5(Loading*Game%20Loading*Load%20game)(792)&utmcs=UTF-8&utmsr=1400x1050&utmsc=32-bit&utmul=en-us&utmje=0&utmfl=10.0%20r12&utmdt=RoomList%20Flex3&utmhid=813401973&utmr=-&utmp=%2F&utmac=UA-154580-1&utmcc=__utma%3D1.2.3.4.5.1%3B", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Google Analytics (ga.js)", Role::Hit));
        assert_eq!(d.pixel_ids, ["UA-154580-1"]);
        assert_eq!(d.events, ["event", "Game Loading"]);
        assert!(!has(&d, "referrer", "plain"), "utmr=- is no referrer");
        let d = decode(&req("GET", "http://www.google-analytics.com/__utm.gif?utmwv=4.6.5&utmn=488134812&utmhn=facebook.com&utmcs=UTF-8&utmsr=1024x576&utmsc=24-bit&utmul=en-gb&utmje=0&utmfl=10.0%20r42&utmdt=Facebook%20Contact%20Us&utmhid=700048481&utmr=-&utmp=%2Fwebdigi%2Fcontact&utmac=UA-3659733-5&utmcc=__utma%3D155417661.474914265.1263033522.1265456497.1265464692.6%3B", None, None)).unwrap();
        assert_eq!(d.events, ["pageview"]);
        for f in ["page_title", "screen", "language", "cookie_id"] {
            assert!(has(&d, f, "plain"), "{f}");
        }
    }
}
