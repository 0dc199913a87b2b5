//! Chartbeat (chartbeat.js from `static.chartbeat.com`): pings to `ping.chartbeat.net/ping`
//! every few seconds with the account `g`, the page split over `h` (host) and `p` (path), its
//! title `i`, the referrer `r`, the visitor `u` (the `_cb` cookie) and engagement counters.

use super::spec::{NONE, Spec, assign, at};
use super::{Decoded, claim};
use crate::analyze::request::RequestView;
use crate::analyze::{Field, Location};

/// The page is its host `h` and path `p`, sent apart (the host often without the `www.` the
/// page has, so the value matcher cannot join them).
fn page(r: &RequestView, d: &mut Decoded) {
    if d.role == super::Role::Hit
        && r.param("h").is_some()
        && let Some(p) = r.param("p").filter(|p| p.starts_with('/'))
    {
        d.value(Field::PageUrl, p, Location::Query);
    }
}

/// The Chartbeat decoder.
pub static CHARTBEAT: Spec = Spec {
    name: "chartbeat",
    tracker: "Chartbeat",
    company: "Chartbeat",
    category: "analytics",
    claims: &[
        claim("chartbeat.net", "Chartbeat", "Chartbeat", "analytics"),
        claim(
            "static.chartbeat.com",
            "Chartbeat",
            "Chartbeat",
            "analytics",
        ),
    ],
    loaders: &[at("static.chartbeat.com", "*.js")],
    hits: &[at("chartbeat.net", "/")],
    ids: &["g"],
    fields: &[
        ("i", Field::PageTitle),
        ("r", Field::Referrer),
        ("u", Field::CookieId),
    ],
    id_cookies: &["_cb", "_chartbeat2", "_cb_svref"],
    domains: &["chartbeat.com"],
    inline: &[assign("uid", "_sf_async_config")],
    extra: Some(page),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::testutil::*;
    use crate::analyze::decoders::{Decoder, Role};

    /// A ping chartbeat.js sent on mobile.nation.co.ke (a public GitHub test of a metrics
    /// interceptor, `chartbeat` data set, recorded from the site).
    #[test]
    fn ping() {
        let d = decode(&req("GET", "https://ping.chartbeat.net/ping?h=nation.co.ke&p=%2F&u=p-TrjBuIIx8C9Lxx8&d=mobile.nation.co.ke&g=63208&g0=No%20Section&g1=No%20Author&n=0&f=f0009&c=0&x=0&m=0&y=3917&o=379&w=667&j=45&R=1&W=0&I=0&E=0&e=0&r=&b=4116&t=3s6alBHPqd3BEJHDZC8VUJ2C5Thkc&V=113&i=Daily%20Nation%3A%20Mobile%20-%20Breaking%20News%2C%20Kenya%2C%20Africa%2C%20Politics%2C%20Business%2C%20Sports%20%7C%20HOME&tz=-120&sn=1&sv=DAmksCtsa6xDlrOSQCaxOMKDHKD1k&sd=1&im=062b0f5a&_", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Chartbeat", Role::Hit));
        assert_eq!(d.pixel_ids, ["63208"]);
        assert!(has(&d, "page_title", "plain") && has(&d, "cookie_id", "plain"));
        assert!(!has(&d, "referrer", "plain"), "an empty r= is none");
        let snippet = "var _sf_async_config = _sf_async_config || {}; _sf_async_config.uid = 63208; _sf_async_config.domain = 'nation.co.ke';";
        assert_eq!(super::CHARTBEAT.inline(snippet)[0].pixel_ids, ["63208"]);
    }
}
