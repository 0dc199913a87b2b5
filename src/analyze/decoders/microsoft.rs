//! Microsoft UET (Bing Ads): loader `bat.bing.com/bat.js`, hits
//! `bat.bing.com/action/0?ti=<tag id>&evt=…&p=<page url>&r=<referrer>`.

use super::claim;
use super::spec::{NONE, Spec, assign, at};
use crate::analyze::{Field, Source};

/// The UET decoder.
pub static UET: Spec = Spec {
    name: "microsoft-uet",
    tracker: "Microsoft UET",
    company: "Microsoft",
    category: "ad",
    claims: &[claim("bat.bing.com", "Microsoft UET", "Microsoft", "ad")],
    loaders: &[
        at("bat.bing.com", "=/bat.js"),
        at("bat.bing.com", "/p/action/"),
    ],
    // `/actionp/0` is the page-hide beacon (sent when the tab is hidden or left).
    hits: &[
        at("bat.bing.com", "/action/"),
        at("bat.bing.com", "/actionp/"),
    ],
    ids: &["ti"],
    events: &["evt", "ea"],
    fields: &[
        ("p", Field::PageUrl),
        ("r", Field::Referrer),
        ("tl", Field::PageTitle),
        ("vid", Field::CookieId),
        ("sid", Field::CookieId),
        ("lg", Field::Language),
        ("sw", Field::Screen),
    ],
    // UET's visitor and session IDs.
    id_cookies: &["_uetvid", "_uetsid"],
    domains: &["bing.com"],
    // The UET tag: `var o={ti:"<tag id>", …}` beside `bat.bing.com/bat.js` or the `uetq`
    // queue (Microsoft Advertising, "How to set up UET"), and Tag Manager's UET template
    // (`"function":"__baut"` with `"vtp_tagId"`).
    inline: &[
        assign("ti", "bat.bing.com"),
        assign("ti", "UET"),
        assign("ti", "uetq"),
        assign("vtp_tagId", "__baut"),
    ],
    ids_on_loaders: false,
    source: Source::Decoder,
    ..NONE
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::decoders::Decoder;
    use crate::analyze::decoders::testutil::*;

    #[test]
    fn action_hit() {
        let d = decode(&req("GET", "https://bat.bing.com/action/0?ti=5123456&tm=gtm002&Ver=2&mid=1&sid=a1b2c3d0&vid=e4f5a6b0c1d211ee&vids=1&msclkid=N&evt=pageLoad&sv=1&p=https%3A%2F%2Fshop.example%2F&r=&lt=812&sw=1366&sh=768&lg=en-US&tl=Shop", None, None)).unwrap();
        assert_eq!(
            (d.tracker, d.pixel_ids.clone(), d.events.clone()),
            (
                "Microsoft UET",
                vec!["5123456".to_string()],
                vec!["pageLoad".to_string()]
            )
        );
        assert!(
            has(&d, "page_url", "plain")
                && has(&d, "cookie_id", "plain")
                && has(&d, "page_title", "plain")
        );
        assert!(decode(&req("GET", "https://www.bing.com/search?q=x", None, None)).is_none());
    }

    #[test]
    fn the_tag_names_its_id() {
        let tag = "(function(w,d,t,r,u){var f,n,i;w[u]=w[u]||[],f=function(){var o={ti:\"5123456\", enableAutoSpaTracking: true};o.q=w[u],w[u]=new UET(o),w[u].push(\"pageLoad\")},n=d.createElement(t),n.src=r,n.async=1;})(window,document,\"script\",\"//bat.bing.com/bat.js\",\"uetq\");";
        assert_eq!(UET.inline(tag).remove(0).pixel_ids, ["5123456"]);
        assert!(UET.inline("var ti = 3;").is_empty());
    }
}
