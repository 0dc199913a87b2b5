//! Snowplow (the JavaScript tracker, any collector): the tracker protocol as a GET to `/i`
//! (parameters `e`, `tv`, `aid`, `url`, `page`, `refr`, `duid`, `sid`, `uid`, `res`, `vp`,
//! `lang`, …) or a POST of `{"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/…",
//! "data":[…]}` to `/com.snowplowanalytics.snowplow/tp2` or any path the site sets. Collectors
//! run on the site's own subdomain (`collector.<site>`), on a host of its own, or at Snowplow
//! (`*.snplow.net`), so the protocol is recognised by its parameters and body schema wherever it
//! is. The application ID `aid` is the site's; events are the `e` codes by their enriched names
//! (`pv` page_view, `pp` page_ping, `se` struct with its action `se_ac`, `ue` unstruct with its
//! schema's name).

use super::spec::{NONE, Spec, anywhere, assign, at};
use super::{Decoded, claim};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// An unstructured event's name: the last path segment of its schema
/// (`iglu:com.acme/link_click/jsonschema/1-0-0` → `link_click`), from `ue_pr` (JSON) or
/// `ue_px` (base64 JSON), in the query or in any event of a POST.
fn unstructured(r: &RequestView, d: &mut Decoded) {
    let p = super::spec::Lookup::new(r, &["data", "ue_pr", "ue_px"]);
    for (v, _) in p.values("data.schema") {
        if let Some(name) = v.split('/').nth(1)
            && !v.contains("com.snowplowanalytics.snowplow/")
        {
            d.event(name.to_string());
        }
    }
}

/// The Snowplow decoder.
pub static SNOWPLOW: Spec = Spec {
    name: "snowplow",
    tracker: "Snowplow",
    company: "Snowplow Analytics",
    category: "analytics",
    claims: &[claim(
        "snplow.net",
        "Snowplow",
        "Snowplow Analytics",
        "analytics",
    )],
    hits: &[
        anywhere(
            "*/tp2",
            &["schema^iglu:com.snowplowanalytics.snowplow/payload_data"],
        ),
        anywhere("/i", &["e", "tv"]),
        anywhere("*/i", &["e", "tv", "eid"]),
        anywhere("*/com.snowplowanalytics.iglu/v1", &["schema"]),
        anywhere(
            "",
            &["schema^iglu:com.snowplowanalytics.snowplow/payload_data"],
        ),
        at("snplow.net", "/"),
    ],
    ids: &["aid"],
    events: &["e", "se_ac"],
    event_names: &[
        ("pv", "page_view"),
        ("pp", "page_ping"),
        ("se", "struct"),
        ("ue", "unstruct"),
        ("tr", "transaction"),
        ("ti", "transaction_item"),
    ],
    fields: &[
        ("url", Field::PageUrl),
        ("page", Field::PageTitle),
        ("refr", Field::Referrer),
        ("duid", Field::CookieId),
        ("sid", Field::CookieId),
        ("nuid", Field::CookieId),
        ("uid", Field::ExternalId),
        ("res", Field::Screen),
        ("vp", Field::Screen),
        ("lang", Field::Language),
        ("ua", Field::UserAgent),
    ],
    unpack: &["data"],
    id_cookies: &["_sp_id", "_sp_ses"],
    domains: &["snowplowanalytics.com"],
    inline: &[assign("appId", "newTracker")],
    extra: Some(unstructured),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// Snowplow's own test-event example (snowplow/documentation, "Send a test event": a
    /// page_view from the JavaScript tracker 2.17.2 posted to a collector's `tp2`), on a
    /// collector of the site's and on one of its own path; then a GET structured event.
    #[test]
    fn tp2_post_and_i_get_anywhere() {
        let body = r#"{"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[{"e":"pv","url":"https://shop.example/docs/send-test-events/","page":"Send test events to your pipeline - Snowplow Docs","refr":"https://shop.example/","tv":"js-2.17.2","tna":"spExample","aid":"docs-example","p":"web","tz":"Europe/London","lang":"en-GB","cs":"UTF-8","res":"3440x1440","cd":"24","cookie":"1","eid":"4e35e8c6-03c4-4c17-8202-80de5bd9d953","dtm":"1626182778191","vp":"863x1299","ds":"848x5315","vid":"3","sid":"87c18fc8-2055-4ec4-8ad6-fff64081c2f3","duid":"5f06dbb0-a893-472b-b61a-7844032ab3d6","stm":"1626182778194"}]}"#;
        for u in [
            "https://collector.shop.example/com.snowplowanalytics.snowplow/tp2",
            "https://t.shop.example/events/post",
        ] {
            let d = decode(&req(
                "POST",
                u,
                Some(body),
                Some("application/json; charset=UTF-8"),
            ))
            .unwrap();
            assert_eq!((d.tracker, d.role), ("Snowplow", Role::Hit), "{u}");
            assert_eq!(d.pixel_ids, ["docs-example"]);
            assert_eq!(d.events, ["page_view"]);
            for f in [
                "page_url",
                "page_title",
                "referrer",
                "cookie_id",
                "screen",
                "language",
            ] {
                assert!(has(&d, f, "plain"), "{f}");
            }
        }
        let d = decode(&req("GET", "https://sp.shop.example/i?e=se&se_ca=video&se_ac=play&tv=js-3.24.0&tna=sp1&aid=shop&p=web&eid=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9&duid=5f06dbb0-a893-472b-b61a-7844032ab3d6&url=https%3A%2F%2Fshop.example%2F", None, None)).unwrap();
        assert_eq!(d.events, ["struct", "play"]);
        assert!(decode(&req("GET", "https://shop.example/i?e=1", None, None)).is_none());
    }
}
