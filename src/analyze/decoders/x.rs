//! X (Twitter) pixel: loader `static.ads-twitter.com/uwt.js` (and `oct.js`), hits to
//! `analytics.twitter.com`, `t.co` and `ads-api.x.com`/`ads-twitter.com` `/i/adsct` or
//! `/1/i/adsct`, with `txn_id` (pixel), `events` (JSON list), `tw_document_href` (page).

use super::{Claim, Decoded, Decoder, Role, calls, claim, ids_of_calls, on};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// The X decoder.
pub struct X;

impl Decoder for X {
    /// The hosts only this tag uses.
    fn claims(&self) -> &'static [Claim] {
        const C: &[Claim] = &[
            claim("analytics.twitter.com", "X Pixel", "X Corp", "ad"),
            claim("ads-twitter.com", "X Pixel", "X Corp", "ad"),
        ];
        C
    }

    fn name(&self) -> &'static str {
        "x"
    }

    /// The X pixel base code: `twq('config', '<pixel id>')` (`twq('init', …)` in the older
    /// universal website tag).
    fn inline(&self, script: &str) -> Vec<Decoded> {
        let mut ids = ids_of_calls(script, "twq", &["config", "init"]);
        // The older conversion tag: `twttr.conversion.trackPid('<pixel id>', {…})`.
        let pids = calls(script, "twttr.conversion.trackPid").into_iter();
        ids.extend(
            pids.filter_map(|a| a.into_iter().next())
                .filter(|i| !i.is_empty()),
        );
        if ids.is_empty() {
            return Vec::new();
        }
        let mut d = Decoded::new("X Pixel", "X Corp", "ad", Role::Loader);
        ids.into_iter().for_each(|i| d.id(i));
        vec![d]
    }

    /// The vendor's own domains (its hits there are `hosting = vendor`).
    fn domains(&self) -> &'static [&'static str] {
        &["twitter.com", "ads-twitter.com", "t.co", "x.com"]
    }

    /// X's click ID.
    fn id_cookies(&self) -> &'static [&'static str] {
        &["_twclid"]
    }

    fn decode(&self, r: &RequestView) -> Option<Decoded> {
        let new = |role| Decoded::new("X Pixel", "X Corp", "ad", role);
        if on(&r.host, "ads-twitter.com")
            && (r.path.ends_with("/uwt.js") || r.path.ends_with("/oct.js"))
        {
            return Some(new(Role::Loader));
        }
        let hosts = on(&r.host, "analytics.twitter.com")
            || on(&r.host, "t.co")
            || on(&r.host, "ads-twitter.com")
            || on(&r.host, "x.com");
        if !(hosts && r.path.ends_with("/i/adsct")) {
            return None;
        }
        let mut d = new(Role::Hit);
        // `p_id` is the partner (always "Twitter"); the pixel is `txn_id`.
        r.params("txn_id").for_each(|v| d.id(v));
        // `events` is JSON: [["pageview",{…}],…].
        for v in r.params("events") {
            if let Ok(serde_json::Value::Array(list)) = serde_json::from_str::<serde_json::Value>(v)
            {
                for e in list {
                    if let Some(name) = e.get(0).and_then(|n| n.as_str()) {
                        d.event(name);
                    }
                }
            }
        }
        for (param, field) in [
            ("tw_document_href", Field::PageUrl),
            ("tw_document_referrer", Field::Referrer),
            ("email", Field::HashedEmail),
            ("phone_number", Field::HashedPhone),
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
    fn adsct_hit() {
        let d = decode(&req("GET", "https://analytics.twitter.com/i/adsct?bci=3&dv=UTC&eci=2&event=%7B%7D&event_id=e1&events=%5B%5B%22pageview%22%2C%7B%7D%5D%5D&p_id=Twitter&p_user_id=0&pl_id=abc&tw_document_href=https%3A%2F%2Fshop.example%2F&tw_iframe_status=0&txn_id=o1a2b&type=javascript&version=2.3.30", None, None)).unwrap();
        assert_eq!(d.tracker, "X Pixel");
        assert_eq!(d.pixel_ids, vec!["o1a2b"]);
        assert_eq!(d.events, vec!["pageview"]);
        assert!(has(&d, "page_url", "plain"));
        assert!(
            decode(&req(
                "GET",
                "https://t.co/1/i/adsct?txn_id=o1a2b&tw_document_href=x",
                None,
                None
            ))
            .is_some()
        );
        assert!(decode(&req("GET", "https://twitter.com/home", None, None)).is_none());
    }

    #[test]
    fn the_base_code_names_its_pixel() {
        let base = "!function(e,t,n,s,u,a){e.twq||(s=e.twq=function(){s.exe?s.exe.apply(s,arguments):s.queue.push(arguments);},s.version='1.1',s.queue=[],u=t.createElement(n),u.async=!0,u.src='https://static.ads-twitter.com/uwt.js',a=t.getElementsByTagName(n)[0],a.parentNode.insertBefore(u,a))}(window,document,'script');\ntwq('config','o1x2y');";
        assert_eq!(X.inline(base).remove(0).pixel_ids, ["o1x2y"]);
    }
}
