//! Braze (the Web SDK, formerly Appboy): the SDK from `js.appboycdn.com/web-sdk/…`, data posted
//! as JSON to `sdk.<cluster>.braze.com/api/v3/data/` (`braze.eu` in Europe, `appboy.com` before)
//! with the app's `api_key`, the `device_id`, and `events` whose `name` is a Braze code (`ss`
//! session start, `se` session end, `ce` custom event, `p` purchase) and whose `user_id` is the
//! site's. The `/api/v3/data` protocol with `sdk_version` is recognised on a proxy too.

use super::claim;
use super::spec::{NONE, Spec, anywhere, at, call};
use crate::analyze::Field;

/// The Braze decoder.
pub static BRAZE: Spec = Spec {
    name: "braze",
    tracker: "Braze",
    company: "Braze",
    category: "marketing",
    claims: &[
        claim("braze.com", "Braze", "Braze", "marketing"),
        claim("braze.eu", "Braze", "Braze", "marketing"),
        claim("appboy.com", "Braze", "Braze", "marketing"),
        claim("appboycdn.com", "Braze", "Braze", "marketing"),
    ],
    loaders: &[at("appboycdn.com", "/web-sdk/")],
    hits: &[
        at("braze.com", "/api/"),
        at("braze.eu", "/api/"),
        at("appboy.com", "/api/"),
        anywhere("/api/v3/data", &["api_key", "sdk_version"]),
    ],
    ids: &["api_key"],
    events: &["name"],
    event_names: &[
        ("ss", "session_start"),
        ("se", "session_end"),
        ("ce", "custom_event"),
        ("p", "purchase"),
    ],
    fields: &[
        ("device_id", Field::CookieId),
        ("user_id", Field::ExternalId),
    ],
    inline: &[
        call("braze.initialize", "", 0),
        call("appboy.initialize", "", 0),
    ],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A session start in the Web SDK's data request shape (`api_key`, `time`, `sdk_version`,
    /// `device_id`, `events` with `name`, `time`, `data`, `session_id`; the endpoint Omnibug's
    /// Braze provider matches, MisterPhilip/omnibug `src/providers/Braze.js`).
    #[test]
    fn data_request() {
        let body = r#"{"api_key":"2f8b7c1a-0e3d-4b5a-9c6f-1d2e3f4a5b6c","time":1716999127,"sdk_version":"4.10.2","sdk_flavor":"cdn","device_id":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d","respond_with":{"config":{"time":0}},"events":[{"name":"ss","time":1716999127.2,"data":{},"session_id":"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"}]}"#;
        let d = decode(&req(
            "POST",
            "https://sdk.iad-03.braze.com/api/v3/data/",
            Some(body),
            Some("application/json"),
        ))
        .unwrap();
        assert_eq!((d.tracker, d.role), ("Braze", Role::Hit));
        assert_eq!(d.pixel_ids, ["2f8b7c1a-0e3d-4b5a-9c6f-1d2e3f4a5b6c"]);
        assert_eq!(d.events, ["session_start"]);
        assert!(has(&d, "cookie_id", "plain"));
    }
}
