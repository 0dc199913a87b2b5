//! Adobe's products, told apart by their protocols (each on Adobe's hosts or the site's own):
//!
//! - Analytics: `/b/ss/<report suites>/<n>/<lib version>/s<random>?AQB=1&…&AQE=1` on the
//!   site's tracking host (`smetrics.<site>`) or Adobe's (`*.sc.omtrdc.net`, `*.2o7.net`); the
//!   report suites are the IDs, `pe` the link type of a link hit, `events` the success events.
//! - Experience Cloud ID service (VisitorAPI.js): `/id?d_visid_ver=…` with the org
//!   (`d_orgid` or `mcorgid=<org>@AdobeOrg`) on `dpm.demdex.net` or the tracking host.
//! - Audience Manager: `<partner>.demdex.net/event`, `dpm.demdex.net/ibs:…` and
//!   `/demconf.jpg` (ID syncs), the rest of `demdex.net`.
//! - Target: `<client>.tt.omtrdc.net/m2/<client>/mbox/json?mbox=…` (at.js 1) and
//!   `/rest/v1/delivery?client=<client>&sessionId=…` (at.js 2, JSON body), on any host; its
//!   events are the mboxes and the page load it executes (what it prefetches is none).
//! - Experience Platform Web SDK (alloy.js): `…/ee/[<region>/]v1/interact` or `/collect` with
//!   the datastream as `configId`, on `edge.adobedc.net`, `<org>.data.adobedc.net` or a
//!   first-party edge domain; its events under `events` with `xdm.eventType`.
//! - Experience Platform Tags (Launch): the library `assets.adobedtm.com/…/launch-<env>.min.js`.

use super::spec::{NONE, Spec, anywhere, assign, at, call, segment};
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
        claim("sc.omtrdc.net", "Adobe Analytics", "Adobe", "analytics"),
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
    inline: &[assign("s_account", "s_account")],
    extra: Some(report_suites),
    ..NONE
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
    hits: &[
        at("demdex.net", "/id"),
        at("demdex.net", "/event"),
        at("demdex.net", "/ibs"),
        at("demdex.net", "/demconf"),
    ],
    requires: &[],
    ids: &["d_orgid"],
    events: &[],
    fields: &[
        ("d_mid", Field::CookieId),
        ("d_uuid", Field::CookieId),
        ("d_cid", Field::ExternalId),
        ("dpuuid", Field::CookieId),
    ],
    id_cookies: &["demdex", "dextp"],
    extra: Some(|r, d| {
        if r.path.starts_with("/event") {
            d.event("event");
        } else {
            d.event("id_sync");
        }
    }),
    ..NONE
};

/// The Experience Cloud ID service decoder (VisitorAPI.js asking for the visitor's ID).
pub static ECID: Spec = Spec {
    name: "adobe-ecid",
    tracker: "Adobe Experience Cloud ID",
    company: "Adobe",
    category: "analytics",
    hits: &[
        at("demdex.net", "/id").needs(&["d_visid_ver"]),
        anywhere("/id", &["d_visid_ver", "mcorgid"]),
        anywhere("/id", &["d_visid_ver", "d_orgid"]),
    ],
    ids: &["d_orgid", "mcorgid"],
    fields: &[("mid", Field::CookieId), ("d_mid", Field::CookieId)],
    id_cookies: &["AMCVS"],
    domains: &["omtrdc.net", "demdex.net"],
    inline: &[call("Visitor.getInstance", "", 0)],
    ..NONE
};

/// Adobe Target's calls: the mbox names, or what a delivery request executes.
fn target_events(r: &RequestView, d: &mut Decoded) {
    if d.role != super::Role::Hit {
        return;
    }
    if let Some(c) = r.host.strip_suffix(".tt.omtrdc.net") {
        d.id(c);
    }
    let Ok(body) = serde_json::from_str::<serde_json::Value>(&r.body_text) else {
        return;
    };
    if body.pointer("/execute/pageLoad").is_some() {
        d.event("pageLoad");
    }
    let mboxes = body.pointer("/execute/mboxes").and_then(|m| m.as_array());
    for m in mboxes.into_iter().flatten() {
        if let Some(name) = m.get("name").and_then(|n| n.as_str()) {
            d.event(name.to_string());
        }
    }
}

/// The Adobe Target decoder.
pub static TARGET: Spec = Spec {
    name: "adobe-target",
    tracker: "Adobe Target",
    company: "Adobe",
    category: "analytics",
    claims: &[claim("tt.omtrdc.net", "Adobe Target", "Adobe", "analytics")],
    hits: &[
        at("tt.omtrdc.net", "/m2/"),
        at("tt.omtrdc.net", "/rest/"),
        anywhere("/rest/v1/delivery", &["client", "sessionId"]),
        anywhere("*/mbox/json", &["mbox", "mboxSession"]),
    ],
    ids: &["client"],
    path_ids: &["/m2/{}/**"],
    events: &["mbox"],
    fields: &[
        ("mboxURL", Field::PageUrl),
        ("mboxReferrer", Field::Referrer),
        ("mboxPC", Field::CookieId),
        ("mboxMCGVID", Field::CookieId),
        ("screenHeight", Field::Screen),
        ("context.address.url", Field::PageUrl),
        ("context.address.referringUrl", Field::Referrer),
        ("context.userAgent", Field::UserAgent),
        ("context.screen.width", Field::Screen),
        ("id.tntId", Field::CookieId),
        ("id.marketingCloudVisitorId", Field::CookieId),
    ],
    id_cookies: &["mbox"],
    inline: &[assign("clientCode", "targetGlobalSettings")],
    extra: Some(target_events),
    ..NONE
};

/// The Experience Platform Web SDK decoder.
pub static WEB_SDK: Spec = Spec {
    name: "adobe-websdk",
    tracker: "Adobe Experience Platform Web SDK",
    company: "Adobe",
    category: "analytics",
    claims: &[claim(
        "adobedc.net",
        "Adobe Experience Platform Web SDK",
        "Adobe",
        "analytics",
    )],
    loaders: &[at("", "*/alloy.min.js"), at("", "*/alloy.js$")],
    hits: &[
        anywhere("*/ee/", &["configId"]),
        anywhere("*/ee/", &["dataStreamId"]),
        at("adobedc.net", "/ee/"),
    ],
    ids: &["configId", "dataStreamId"],
    events: &["xdm.eventType", "event.xdm.eventType"],
    fields: &[
        ("xdm.web.webPageDetails.URL", Field::PageUrl),
        ("xdm.web.webReferrer.URL", Field::Referrer),
        ("xdm.environment.browserDetails.userAgent", Field::UserAgent),
        ("xdm.device.screenWidth", Field::Screen),
        ("xdm.identityMap.ECID.0.id", Field::CookieId),
        ("meta.state.entries.*.value", Field::CookieId),
    ],
    inline: &[
        assign("edgeConfigId", "alloy"),
        assign("datastreamId", "alloy"),
    ],
    ..NONE
};

/// The Experience Platform Tags (Launch) library: the company and property in its path.
pub static LAUNCH: Spec = Spec {
    name: "adobe-launch",
    tracker: "Adobe Experience Platform Tags",
    company: "Adobe",
    category: "tag-manager",
    loaders: &[
        at("assets.adobedtm.com", "*/launch-"),
        at("assets.adobedtm.com", "*/satelliteLib-"),
    ],
    path_ids: &[
        "**/launch-{}.min.js",
        "**/launch-{}.js",
        "**/satelliteLib-{}.js",
    ],
    ..NONE
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

    /// The Experience Cloud ID service's calls (Omnibug's test suite, MisterPhilip/omnibug
    /// `test/providers/AdobeExperienceID.js`: VisitorAPI.js to `dpm.demdex.net/id` and to the
    /// tracking host's `/id?…&mcorgid=`), on Adobe's hosts and a first-party one: the ECID
    /// service, not Audience Manager or Analytics.
    #[test]
    fn ecid_calls() {
        let d = decode(&req("GET", "https://dpm.demdex.net/id?d_visid_ver=3.3.0&d_fieldgroup=MC&d_rtbd=json&d_ver=2&d_orgid=12DD457EB547F37590C3198A5%40AdobeOrg&d_nsid=0&ts=1556555212189", None, None)).unwrap();
        assert_eq!(d.tracker, "Adobe Experience Cloud ID");
        assert_eq!(d.pixel_ids, ["12DD457EB547F37590C3198A5@AdobeOrg"]);
        for host in ["omnibug.d1.sc.omtrdc.net", "smetrics.shop.example"] {
            let u = format!(
                "https://{host}/id?d_visid_ver=3.3.0&d_fieldgroup=A&mcorgid=12DD457EB547F37590C3198A5%40AdobeOrg&mid=23217789772354355080917241693661203130&ts=1556555212410"
            );
            let d = decode(&req("GET", &u, None, None)).unwrap();
            assert_eq!(d.tracker, "Adobe Experience Cloud ID", "{host}");
            assert_eq!(d.pixel_ids, ["12DD457EB547F37590C3198A5@AdobeOrg"]);
            assert!(has(&d, "cookie_id", "plain"));
        }
        // Audience Manager's own ID sync stays Audience Manager's.
        let d = decode(&req(
            "GET",
            "https://dpm.demdex.net/ibs:dpid=411&dpuuid=XMclygAA21BdkXJN",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (d.tracker, d.events.clone()),
            ("Adobe Audience Manager", vec!["id_sync".to_string()])
        );
    }

    /// Target's mbox call of Omnibug's test suite (`test/providers/AdobeTarget.js`) is Target,
    /// not Analytics, although both are on omtrdc.net; at.js 2's delivery call on a
    /// first-party host names its client and what it executes.
    #[test]
    fn target_calls() {
        let d = decode(&req(
            "GET",
            "http://omnibug.tt.omtrdc.net/m2/omnibug/mbox/standard?mboxHost=omnibug.io&mbox=foobar",
            None,
            None,
        ))
        .unwrap();
        assert_eq!((d.tracker, d.role), ("Adobe Target", Role::Hit));
        assert_eq!(
            (d.pixel_ids.clone(), d.events.clone()),
            (vec!["omnibug".to_string()], vec!["foobar".to_string()])
        );
        let body = r#"{"requestId":"0a1b2c3d","context":{"userAgent":"Mozilla/5.0","channel":"web","screen":{"width":1920,"height":1080},"address":{"url":"https://shop.example/","referringUrl":"https://www.google.com/"}},"id":{"tntId":"0f1e2d3c4b5a49788695a4b3c2d1e0f9.37_0"},"execute":{"pageLoad":{"parameters":{}},"mboxes":[{"index":0,"name":"hero-banner"}]}}"#;
        let d = decode(&req("POST", "https://target.shop.example/rest/v1/delivery?client=shopco&sessionId=0f1e2d3c&version=2.11.4", Some(body), Some("text/plain"))).unwrap();
        assert_eq!(d.tracker, "Adobe Target");
        assert_eq!(d.pixel_ids, ["shopco"]);
        assert_eq!(d.events, ["pageLoad", "hero-banner"]);
        for f in ["page_url", "referrer", "user_agent", "cookie_id", "screen"] {
            assert!(has(&d, f, "plain"), "{f}");
        }
    }

    /// The Web SDK's interact call (the path and `configId` Omnibug's Web SDK provider matches,
    /// MisterPhilip/omnibug `src/providers/AdobeWebSdk.js`; the body's `events[].xdm` as Adobe's
    /// Edge Network documents it) on Adobe's edge and on a first-party edge domain, and the
    /// Tags library.
    #[test]
    fn web_sdk_and_tags() {
        let body = r#"{"events":[{"xdm":{"eventType":"web.webpagedetails.pageViews","web":{"webPageDetails":{"URL":"https://shop.example/","name":"home"},"webReferrer":{"URL":"https://www.google.com/"}},"identityMap":{"ECID":[{"id":"23217789772354355080917241693661203130","primary":true}]},"timestamp":"2024-05-29T17:32:07.202Z"}}],"meta":{"state":{"domain":"shop.example","cookiesEnabled":true}}}"#;
        for host in ["edge.adobedc.net", "edge.shop.example"] {
            let u = format!(
                "https://{host}/ee/v1/interact?configId=0814ac07-ffeb-44c4-8633-85301d5e721c&requestId=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
            );
            let d = decode(&req(
                "POST",
                &u,
                Some(body),
                Some("text/plain;charset=UTF-8"),
            ))
            .unwrap();
            assert_eq!(
                (d.tracker, d.role),
                ("Adobe Experience Platform Web SDK", Role::Hit),
                "{host}"
            );
            assert_eq!(d.pixel_ids, ["0814ac07-ffeb-44c4-8633-85301d5e721c"]);
            assert_eq!(d.events, ["web.webpagedetails.pageViews"]);
            for f in ["page_url", "referrer", "cookie_id"] {
                assert!(has(&d, f, "plain"), "{f}");
            }
        }
        let l = decode(&req(
            "GET",
            "https://assets.adobedtm.com/38aee39cc23f/1468c748dfc1/launch-a653f5a3fe63.min.js",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (l.tracker, l.role, l.pixel_ids.clone()),
            (
                "Adobe Experience Platform Tags",
                Role::Loader,
                vec!["a653f5a3fe63".to_string()]
            )
        );
    }
}
