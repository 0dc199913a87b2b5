//! PostHog (posthog-js): events to `us.i.posthog.com` / `eu.i.posthog.com` (`/e/`,
//! `/i/v0/e/`, `/batch/`, `/s/` for session recordings, `/decide/` and `/flags/` for the
//! configuration), or to a reverse proxy on the site's own host, as JSON (often gzipped, which
//! `unpack` reads) or `data=` base64/lz-string; the project key `phc_…` is `api_key` or each
//! event's `properties.token`. The protocol is recognised wherever it is hosted by that key.
//! Property names: PostHog's reference of posthog-js's default properties
//! (<https://posthog.com/docs/references/posthog-js/types/Properties>).

use super::claim;
use super::spec::{NONE, Spec, anywhere, at, call};
use crate::analyze::Field;

/// The PostHog decoder.
pub static POSTHOG: Spec = Spec {
    name: "posthog",
    tracker: "PostHog",
    company: "PostHog",
    category: "analytics",
    claims: &[claim("i.posthog.com", "PostHog", "PostHog", "analytics")],
    loaders: &[
        at("i.posthog.com", "/static/"),
        at("i.posthog.com", "/array/"),
        at("posthog.com", "/static/array.js"),
    ],
    hits: &[
        at("posthog.com", "/e"),
        at("posthog.com", "/i/v0/e"),
        at("posthog.com", "/batch"),
        at("posthog.com", "/capture"),
        at("posthog.com", "/s/"),
        at("posthog.com", "/engage"),
        at("posthog.com", "/decide").event("decide"),
        at("posthog.com", "/flags").event("flags"),
        anywhere("*/e", &["api_key^phc_"]),
        anywhere("*/e", &["properties.token^phc_"]),
        anywhere("*/batch", &["api_key^phc_"]),
        anywhere("*/s", &["properties.token^phc_"]),
        anywhere("*/decide", &["token^phc_"]),
        anywhere("*/flags", &["token^phc_"]),
    ],
    ids: &["api_key", "token", "properties.token"],
    path_ids: &["/array/{}/config.js", "/array/{}/config"],
    events: &["event"],
    fields: &[
        ("properties.$current_url", Field::PageUrl),
        ("properties.$referrer", Field::Referrer),
        ("properties.title", Field::PageTitle),
        ("properties.distinct_id", Field::CookieId),
        ("distinct_id", Field::CookieId),
        ("properties.$device_id", Field::CookieId),
        ("properties.$screen_width", Field::Screen),
        ("properties.$raw_user_agent", Field::UserAgent),
        ("properties.$browser_language", Field::Language),
        ("properties.$set.email", Field::PlainEmail),
        ("$set.email", Field::PlainEmail),
    ],
    unpack: &["data"],
    domains: &["posthog.com"],
    inline: &[call("posthog.init", "", 0)],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A page view batch as posthog-js 1.x posts it to `/e/` (the envelope of its
    /// `lib/src/request.js`, the same one the unpack tests read; property names from PostHog's
    /// reference of default properties), first to PostHog, then through a site's own proxy.
    #[test]
    fn capture_batch_anywhere() {
        let body = r#"{"api_key":"phc_5xQ1t2b3c4d5e6f7g8h9i0j1k2l3m4n5o6p7q8r9s0","batch":[{"event":"$pageview","properties":{"$os":"Mac OS X","$browser":"Chrome","$current_url":"https://shop.example/p/lamp","$host":"shop.example","$pathname":"/p/lamp","$screen_height":1080,"$screen_width":1920,"$lib":"web","$lib_version":"1.160.0","$referrer":"https://www.google.com/","distinct_id":"018f2b4c-6d7e-7f80-9a1b-2c3d4e5f6a7b","$device_id":"018f2b4c-6d7e-7f80-9a1b-2c3d4e5f6a7b","token":"phc_5xQ1t2b3c4d5e6f7g8h9i0j1k2l3m4n5o6p7q8r9s0","title":"Desk lamp"},"timestamp":"2024-05-29T17:32:07.202Z"}],"sent_at":"2024-05-29T17:32:08.001Z"}"#;
        for url in [
            "https://us.i.posthog.com/e/?ip=1&_=1716999127202&ver=1.160.0",
            "https://shop.example/ingest/e/?ip=1&_=1716999127202&ver=1.160.0",
        ] {
            let d = decode(&req("POST", url, Some(body), Some("text/plain"))).unwrap();
            assert_eq!((d.tracker, d.role), ("PostHog", Role::Hit), "{url}");
            assert_eq!(
                d.pixel_ids,
                ["phc_5xQ1t2b3c4d5e6f7g8h9i0j1k2l3m4n5o6p7q8r9s0"]
            );
            assert_eq!(d.events, ["$pageview"]);
            for f in ["page_url", "referrer", "page_title", "cookie_id", "screen"] {
                assert!(has(&d, f, "plain"), "{f}: {:?}", d.fields);
            }
        }
        // A site's own `/e/` without a PostHog key is not PostHog.
        assert!(
            decode(&req(
                "POST",
                "https://shop.example/e/",
                Some(r#"{"x":1}"#),
                None
            ))
            .is_none()
        );
    }
}
