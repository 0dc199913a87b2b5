//! Microsoft UET (Bing Ads): loader `bat.bing.com/bat.js`, hits
//! `bat.bing.com/action/0?ti=<tag id>&evt=…&p=<page url>&r=<referrer>`.

use super::{Claim, Decoded, Decoder, Role, assigned, claim, on};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// The UET decoder.
pub struct Uet;

impl Decoder for Uet {
    /// The hosts only this tag uses.
    fn claims(&self) -> &'static [Claim] {
        const C: &[Claim] = &[claim("bat.bing.com", "Microsoft UET", "Microsoft", "ad")];
        C
    }

    fn name(&self) -> &'static str {
        "microsoft-uet"
    }

    /// The UET tag: `var o={ti:"<tag id>", …}` beside `bat.bing.com/bat.js` or the `uetq`
    /// queue (Microsoft Advertising, "How to set up UET"), and Tag Manager's UET template
    /// (`"function":"__baut"` with `"vtp_tagId"`).
    fn inline(&self, script: &str) -> Vec<Decoded> {
        if !["bat.bing.com", "UET", "uetq"]
            .iter()
            .any(|m| script.contains(m))
        {
            return Vec::new();
        }
        let mut ids = assigned(script, "ti");
        if script.contains("__baut") {
            ids.extend(assigned(script, "vtp_tagId"));
        }
        if ids.is_empty() {
            return Vec::new();
        }
        let mut d = Decoded::new("Microsoft UET", "Microsoft", "ad", Role::Loader);
        ids.into_iter().for_each(|i| d.id(i));
        vec![d]
    }

    /// The vendor's own domains (its hits there are `hosting = vendor`).
    fn domains(&self) -> &'static [&'static str] {
        &["bing.com"]
    }

    /// UET's visitor and session IDs.
    fn id_cookies(&self) -> &'static [&'static str] {
        &["_uetvid", "_uetsid"]
    }

    fn decode(&self, r: &RequestView) -> Option<Decoded> {
        if !on(&r.host, "bat.bing.com") {
            return None;
        }
        let new = |role| Decoded::new("Microsoft UET", "Microsoft", "ad", role);
        if r.path == "/bat.js" || r.path.starts_with("/p/action/") {
            return Some(new(Role::Loader));
        }
        // `/actionp/0` is the page-hide beacon (sent when the tab is hidden or left).
        if !(r.path.starts_with("/action/") || r.path.starts_with("/actionp/")) {
            return None;
        }
        let mut d = new(Role::Hit);
        r.params("ti").for_each(|v| d.id(v));
        r.params("evt")
            .chain(r.params("ea"))
            .for_each(|v| d.event(v));
        for (param, field) in [
            ("p", Field::PageUrl),
            ("r", Field::Referrer),
            ("tl", Field::PageTitle),
            ("vid", Field::CookieId),
            ("sid", Field::CookieId),
            ("lg", Field::Language),
            ("sw", Field::Screen),
        ] {
            d.field(r, param, field);
        }
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        assert_eq!(Uet.inline(tag).remove(0).pixel_ids, ["5123456"]);
        assert!(Uet.inline("var ti = 3;").is_empty());
    }
}
