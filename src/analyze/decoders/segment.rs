//! Segment and RudderStack, whose JavaScript SDKs send the same JSON events: Segment's
//! `api.segment.io/v1/{p,t,i,b,batch,…}` (loader `cdn.segment.com/analytics.js/v1/<write
//! key>/analytics.min.js`), RudderStack's data plane `…/v1/{page,track,identify,batch}`
//! (loader `cdn.rudderlabs.com/…/rudder-analytics.min.js`). The write key is the ID; `event`
//! (or the call's `type`) the event; `context.page.*`, `context.userAgent`, `anonymousId`
//! and `userId` the fields.

use super::spec::{NONE, Spec, at, call as snippet, segment};
use super::{Decoded, claim};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

pub(super) const FIELDS: &[(&str, Field)] = &[
    ("context.page.url", Field::PageUrl),
    ("context.page.referrer", Field::Referrer),
    ("context.page.title", Field::PageTitle),
    ("context.page.search", Field::SearchQuery),
    ("properties.url", Field::PageUrl),
    ("properties.title", Field::PageTitle),
    ("context.userAgent", Field::UserAgent),
    ("context.locale", Field::Language),
    ("anonymousId", Field::CookieId),
    ("userId", Field::ExternalId),
    ("traits.email", Field::PlainEmail),
    ("context.traits.email", Field::PlainEmail),
];

/// The event (`track`'s name, else the call type) and the loader's write key.
pub(super) fn call(r: &RequestView, d: &mut Decoded) {
    if d.role == super::Role::Loader {
        if let Some(k) = segment(&r.path, 3) {
            d.id(k);
        }
        return;
    }
    match r.param("event") {
        Some(e) => d.event(e),
        None => {
            if let Some(t) = r.param("type") {
                d.event(t);
            }
        }
    }
}

/// The Segment decoder.
pub static SEGMENT: Spec = Spec {
    name: "segment",
    tracker: "Segment",
    company: "Twilio",
    category: "analytics",
    claims: &[claim("api.segment.io", "Segment", "Twilio", "analytics")],
    loaders: &[at("cdn.segment.com", "/analytics.js/v1/")],
    hits: &[at("api.segment.io", "/v1/")],
    requires: &[],
    ids: &["writeKey"],
    events: &[],
    fields: FIELDS,
    id_cookies: &["ajs_user_id"],
    inline: &[snippet("analytics.load", "", 0)],
    extra: Some(call),
    ..NONE
};

/// RudderStack's JavaScript SDK names itself in every event.
fn rudder(r: &RequestView, d: &mut Decoded) {
    call(r, d);
}

/// The RudderStack decoder.
pub static RUDDERSTACK: Spec = Spec {
    name: "rudderstack",
    tracker: "RudderStack",
    company: "RudderStack",
    category: "analytics",
    claims: &[
        claim(
            "dataplane.rudderstack.com",
            "RudderStack",
            "RudderStack",
            "analytics",
        ),
        claim(
            "api.rudderstack.com",
            "RudderStack",
            "RudderStack",
            "analytics",
        ),
    ],
    // The SDK's configuration, fetched with the write key (@rudderstack/analytics-js v3:
    // `api.rudderstack.com/sourceConfig/?p=npm&v=…&writeKey=…`).
    loaders: &[
        at("cdn.rudderlabs.com", "/"),
        at("api.rudderstack.com", "/sourceConfig"),
    ],
    hits: &[
        at("dataplane.rudderstack.com", "/v1/"),
        at("", "/v1/page"),
        at("", "/v1/track"),
        at("", "/v1/identify"),
        at("", "/v1/batch"),
    ],
    requires: &["rudderId"],
    ids: &["writeKey"],
    events: &[],
    fields: FIELDS,
    id_cookies: &["rl_anonymous_id", "rl_user_id"],
    inline: &[snippet("rudderanalytics.load", "", 0)],
    extra: Some(rudder),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A `page` call as Omnibug's test suite has it (MisterPhilip/omnibug,
    /// `test/providers/Segment.js`).
    #[test]
    fn segment_page_call() {
        let body = r#"{"context":{"page":{"path":"/","referrer":"https://segment.com/docs/spec/","search":"","title":"Analytics API and Customer Data Platform · Segment","url":"https://segment.com/"},"userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/66.0.3359.181 Safari/537.36","library":{"name":"analytics.js","version":"3.6.0"},"traits":{"crossDomainId":"cf27eea9-a5a7-43dd-b551-ea3c2bc6d4a8"}},"integrations":{},"properties":{"name":"Home","path":"/","referrer":"https://segment.com/docs/spec/","search":"","title":"Analytics API and Customer Data Platform · Segment","url":"https://segment.com/"},"category":null,"name":"Home","anonymousId":"7e5c1f1f-bf99-4725-809d-67785f64933b","timestamp":"2018-05-27T23:55:54.383Z","type":"page","writeKey":"zaySL4FGIiLsxt3I7omU5uLxXqxaBMPh","userId":"ZHN2cGWPCP","sentAt":"2018-05-27T23:55:54.386Z","messageId":"ajs-bb485b9778f0ddcff39debbb6f5eaf1e"}"#;
        let d = decode(&req(
            "POST",
            "https://api.segment.io/v1/p",
            Some(body),
            Some("text/plain"),
        ))
        .unwrap();
        assert_eq!((d.tracker, d.role), ("Segment", Role::Hit));
        assert_eq!(d.pixel_ids, ["zaySL4FGIiLsxt3I7omU5uLxXqxaBMPh"]);
        assert_eq!(d.events, ["page"]);
        for f in [
            "page_url",
            "referrer",
            "page_title",
            "user_agent",
            "cookie_id",
            "external_id",
        ] {
            assert!(has(&d, f, "plain"), "{f}: {:?}", d.fields);
        }
        assert!(
            !has(&d, "search_query", "plain"),
            "an empty search is no search"
        );
    }

    /// A RudderStack `track` call on a site's own data plane (the event shape of
    /// RudderStack's JavaScript SDK: `rudderId`, `anonymousId`, `context.library`).
    #[test]
    fn rudderstack_track_call() {
        let body = r#"{"channel":"web","context":{"app":{"name":"RudderLabs JavaScript SDK","version":"2.48.0"},"library":{"name":"RudderLabs JavaScript SDK","version":"2.48.0"},"page":{"path":"/p","referrer":"$direct","title":"Shop","url":"https://shop.example/p"},"userAgent":"Mozilla/5.0"},"type":"track","messageId":"9f4b5a3e-2b1c-4e0f-8a7d-1c2b3a4d5e6f","originalTimestamp":"2026-11-29T00:00:00.000Z","anonymousId":"1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d","userId":"","event":"Order Completed","properties":{},"rudderId":"2b3c4d5e-6f70-4a8b-9cad-1e2f3a4b5c6d"}"#;
        let d = decode(&req(
            "POST",
            "https://events.shop.example/v1/track",
            Some(body),
            Some("application/json"),
        ))
        .unwrap();
        assert_eq!(
            (d.tracker, d.events.clone()),
            ("RudderStack", vec!["Order Completed".to_string()])
        );
        assert!(has(&d, "cookie_id", "plain") && !has(&d, "external_id", "plain"));
        assert!(
            decode(&req(
                "POST",
                "https://shop.example/v1/track",
                Some(r#"{"x":1}"#),
                Some("application/json")
            ))
            .is_none()
        );
        // The configuration the npm SDK fetches first (@rudderstack/analytics-js 3.x,
        // `src/services/ConfigManager`: `<configUrl>/sourceConfig/?p=…&v=…&writeKey=…`).
        let d = decode(&req(
            "GET",
            "https://api.rudderstack.com/sourceConfig/?p=npm&v=3.11.0&build=modern&writeKey=2AbCdEfGhIjKlMnOpQrStUvWxYz&lockIntegrationsVersion=false",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (d.tracker, d.role, d.pixel_ids.clone()),
            (
                "RudderStack",
                Role::Loader,
                vec!["2AbCdEfGhIjKlMnOpQrStUvWxYz".to_string()]
            )
        );
    }
}
