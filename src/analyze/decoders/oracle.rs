//! Oracle's marketing and analytics tags, told apart:
//!
//! - BlueKai (Oracle's data management platform): `tags.bluekai.com/site/<site id>?ret=js|html
//!   &phint=<key>=<value>&…` (`stags.bluekai.com` over https), its library from `bkrtx.com`.
//! - Eloqua: `elqCfg.min.js` from `img.en25.com`, then `s<site>.t.eloqua.com/visitor/v200/
//!   svrGP?pps=<type>&siteid=<site>&ref2=<page>&ref=<referrer>&…` (`*.t.en25.com` before; a
//!   first-party tracking domain of the site's too).
//! - Infinity: `c.oracleinfinity.io/acs/account/<account>/js/…/odc.js`, then
//!   `dc.oracleinfinity.io/v3/<account>?dcssip=…&dcsuri=…&wt.ti=…&wt.dl=…` (Webtrends'
//!   parameters, lower-case).

use super::claim;
use super::spec::{NONE, Spec, anywhere, at, call, push};
use crate::analyze::Field;

const BLUEKAI: &str = "Oracle BlueKai";
const ELOQUA: &str = "Oracle Eloqua";
const INFINITY: &str = "Oracle Infinity";

/// The BlueKai decoder.
pub static BLUEKAI_TAG: Spec = Spec {
    name: "bluekai",
    tracker: BLUEKAI,
    company: "Oracle",
    category: "ad",
    claims: &[
        claim("bluekai.com", BLUEKAI, "Oracle", "ad"),
        claim("bkrtx.com", BLUEKAI, "Oracle", "ad"),
    ],
    loaders: &[at("bkrtx.com", "*.js")],
    hits: &[at("bluekai.com", "/")],
    path_ids: &["/site/{}", "/site/{}/**"],
    id_cookies: &["bku", "bkdc"],
    inline: &[call("bk_doJSTag", "", 0), call("bk_doJSTag2", "", 0)],
    ..NONE
};

/// The Eloqua decoder.
pub static ELOQUA_TAG: Spec = Spec {
    name: "eloqua",
    tracker: ELOQUA,
    company: "Oracle",
    category: "marketing",
    claims: &[
        claim("t.eloqua.com", ELOQUA, "Oracle", "marketing"),
        claim("en25.com", ELOQUA, "Oracle", "marketing"),
    ],
    loaders: &[at("img.en25.com", "/i/")],
    hits: &[
        at("eloqua.com", "/visitor/"),
        at("en25.com", "/visitor/"),
        anywhere("/visitor/v200/svrGP", &["siteid"]),
    ],
    ids: &["siteid"],
    events: &["pps"],
    event_names: &[("3", "page_view")],
    fields: &[("ref2", Field::PageUrl), ("ref", Field::Referrer)],
    id_cookies: &["ELOQUA", "ELQSTATUS"],
    domains: &["eloqua.com"],
    inline: &[push("_elqQ.push", "elqSetSiteId", 1)],
    ..NONE
};

/// The Infinity decoder.
pub static INFINITY_TAG: Spec = Spec {
    name: "oracle-infinity",
    tracker: INFINITY,
    company: "Oracle",
    category: "analytics",
    claims: &[claim("oracleinfinity.io", INFINITY, "Oracle", "analytics")],
    loaders: &[at("c.oracleinfinity.io", "/acs/")],
    hits: &[at("oracleinfinity.io", "/")],
    path_ids: &["/v3/{}", "/v3/{}/**", "/acs/account/{}/**"],
    events: &["wt.ev", "wt.dl"],
    event_names: &[("0", "pageview")],
    fields: &[
        ("wt.ti", Field::PageTitle),
        ("dcsref", Field::Referrer),
        ("wt.co_f", Field::CookieId),
        ("wt.vtid", Field::CookieId),
        ("wt.sr", Field::Screen),
    ],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Decoder;
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// BlueKai's site tag, Eloqua's visitor call and snippet, and an Infinity hit in the shapes
    /// their tags send (`site/<id>?ret=js&phint=…`; `svrGP?pps=…&siteid=…`;
    /// `_elqQ.push(['elqSetSiteId', …])`; Webtrends' parameters in lower case). No captured
    /// request of these was at hand for a unit test: the IDs are made up.
    #[test]
    fn bluekai_eloqua_infinity() {
        let d = decode(&req("GET", "https://stags.bluekai.com/site/35581?ret=js&limit=1&phint=__bk_t%3DShop&phint=__bk_l%3Dhttps%253A%252F%252Fshop.example%252F", None, None)).unwrap();
        assert_eq!(
            (d.tracker, d.role, d.pixel_ids.clone()),
            ("Oracle BlueKai", Role::Hit, vec!["35581".to_string()])
        );
        let d = decode(&req("GET", "https://s1234567.t.eloqua.com/visitor/v200/svrGP?pps=3&siteid=1234567&DLKey=0f1e2d3c&ref2=https%3A%2F%2Fshop.example%2F&tzo=-60&ms=123&optin=disabled", None, None)).unwrap();
        assert_eq!(
            (d.tracker, d.pixel_ids.clone(), d.events.clone()),
            (
                "Oracle Eloqua",
                vec!["1234567".to_string()],
                vec!["page_view".to_string()]
            )
        );
        let s = "var _elqQ = _elqQ || []; _elqQ.push(['elqSetSiteId', '1234567']); _elqQ.push(['elqTrackPageView']);";
        assert_eq!(super::ELOQUA_TAG.inline(s)[0].pixel_ids, ["1234567"]);
        let d = decode(&req("GET", "https://dc.oracleinfinity.io/v3/0f1e2d3c4b5a49788695a4b3c2d1e0f9?dcssip=shop.example&dcsuri=%2F&wt.ti=Shop&wt.dl=0&wt.co_f=0f1e2d3c4b5a", None, None)).unwrap();
        assert_eq!(
            (d.tracker, d.events.clone()),
            ("Oracle Infinity", vec!["pageview".to_string()])
        );
        assert_eq!(d.pixel_ids, ["0f1e2d3c4b5a49788695a4b3c2d1e0f9"]);
    }
}
