//! Adobe Analytics: hits `/b/ss/<report suites>/<n>/<lib version>/s<random>?AQB=1&…&AQE=1`
//! on the site's own tracking host (`smetrics.<site>`) or Adobe's (`*.sc.omtrdc.net`,
//! `*.2o7.net`); the report suites are the IDs, `pe` the link type of a link hit (`lnk_o`, …)
//! and `events` the success events. Adobe Audience Manager: `dpm.demdex.net/id` (the ID sync)
//! and `<partner>.demdex.net/event`, with `d_orgid` (the Experience Cloud org) and `d_mid`.

use super::spec::{Spec, at, segment};
use super::{Decoded, claim};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// The Adobe Analytics decoder.
pub static ANALYTICS: Spec = Spec {
    name: "adobe",
    tracker: "Adobe Analytics",
    company: "Adobe",
    category: "analytics",
    claims: &[
        claim("omtrdc.net", "Adobe Analytics", "Adobe", "analytics"),
        claim("2o7.net", "Adobe Analytics", "Adobe", "analytics"),
    ],
    loaders: &[at("", "*/AppMeasurement")],
    hits: &[at("", "/b/ss/")],
    requires: &["AQB"],
    ids: &[],
    events: &["pe", "events"],
    fields: &[
        ("g", Field::PageUrl),
        ("r", Field::Referrer),
        ("s", Field::Screen),
        ("bw", Field::Screen),
        ("bh", Field::Screen),
        ("mid", Field::CookieId),
        ("aid", Field::CookieId),
        ("vid", Field::CookieId),
    ],
    id_cookies: &["s_ecid", "s_vi", "s_fid", "AMCV"],
    extra: Some(report_suites),
};

/// The report suites in the path (`/b/ss/rs1,rs2/1/…`); a hit with no `pe` is a page view.
fn report_suites(r: &RequestView, d: &mut Decoded) {
    if let Some(rs) = segment(&r.path, 3) {
        rs.split(',').for_each(|s| d.id(s));
    }
    if d.role == super::Role::Hit && r.param("pe").is_none() {
        d.event("pageView");
    }
}

/// The Adobe Audience Manager decoder.
pub static AUDIENCE_MANAGER: Spec = Spec {
    name: "adobe-aam",
    tracker: "Adobe Audience Manager",
    company: "Adobe",
    category: "ad",
    claims: &[claim("demdex.net", "Adobe Audience Manager", "Adobe", "ad")],
    loaders: &[],
    hits: &[at("demdex.net", "/id"), at("demdex.net", "/event")],
    requires: &[],
    ids: &["d_orgid"],
    events: &[],
    fields: &[
        ("d_mid", Field::CookieId),
        ("d_uuid", Field::CookieId),
        ("d_cid", Field::ExternalId),
    ],
    id_cookies: &["demdex", "dextp"],
    extra: Some(|r, d| {
        if r.path.starts_with("/id") {
            d.event("id_sync");
        } else {
            d.event("event");
        }
    }),
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// An AppMeasurement page view as Omnibug's test suite has it (MisterPhilip/omnibug,
    /// `test/providers/AdobeAnalytics.js`), then the same hit as a POST link hit.
    #[test]
    fn b_ss_hits() {
        let q = "AQB=1&ndh=1&pf=1&t=9%2F0%2F2018%2016%3A16%3A47%202%20420&D=D%3D&mid=27914645550662449863676805716141562873&aamlh=9&ce=UTF-8&ns=omnibug&pageName=omnibug%3Ahome&g=https%3A%2F%2Fomnibug.io%2F&server=omnibug.io&aamb=XXXpRz8krg2tLO6pguXWp5olkAcUniQYPHaMWWgdJ3xzPWQmdj0y&h1=omnibug%2Chome&v3=omnibug%3Ahome&v5=%2B1&c14=guest&v14=guest&c20=tuesday%7C6%3A00pm&v20=D%3Dc20&c50=glo%3A2017.04.25&v90=27914645550662449863676805716141562873&s=2560x1440&c=24&j=1.6&v=N&k=Y&bw=2560&bh=1309&mcorgid=1ECE43625269ABXXXXXXXXXX%40AdobeOrg&AQE=1";
        let url = format!(
            "https://omnibug.d1.sc.omtrdc.net/b/ss/omnibug-test/1/JS-2.1.0-D7QN/s78921068678131?{q}"
        );
        let d = decode(&req("GET", &url, None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Adobe Analytics", Role::Hit));
        assert_eq!(d.pixel_ids, ["omnibug-test"]);
        assert_eq!(d.events, ["pageView"]);
        for f in ["page_url", "screen", "cookie_id"] {
            assert!(has(&d, f, "plain"), "{f}");
        }
        // First-party tracking host, POST body, a download link.
        let body = format!("{q}&pe=lnk_d");
        let d = decode(&req(
            "POST",
            "https://smetrics.shop.example/b/ss/omnibug-test/1/JS-2.1.0-D7QN/s78921068678131",
            Some(&body),
            Some("application/x-www-form-urlencoded"),
        ))
        .unwrap();
        assert_eq!(
            (d.tracker, d.events.clone()),
            ("Adobe Analytics", vec!["lnk_d".to_string()])
        );
        // A site's own /b/ss/ path without AppMeasurement's markers is not Adobe's.
        assert!(decode(&req("GET", "https://shop.example/b/ss/page", None, None)).is_none());
    }

    /// The Experience Cloud ID service's call to Audience Manager (shape of VisitorAPI.js's
    /// `dpm.demdex.net/id` request, Adobe's "Experience Cloud Identity Service" docs).
    #[test]
    fn demdex_id_sync() {
        let d = decode(&req("GET", "https://dpm.demdex.net/id?d_visid_ver=5.5.0&d_fieldgroup=MC&d_rtbd=json&d_ver=2&d_orgid=1ECE43625269AB0A0A490D4C%40AdobeOrg&d_nsid=0&d_mid=27914645550662449863676805716141562873&ts=1732840000000", None, None)).unwrap();
        assert_eq!(d.tracker, "Adobe Audience Manager");
        assert_eq!(d.pixel_ids, ["1ECE43625269AB0A0A490D4C@AdobeOrg"]);
        assert!(has(&d, "cookie_id", "plain"));
    }
}
