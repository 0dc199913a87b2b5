//! Amplitude's browser SDKs: the Browser SDK 2 (@amplitude/analytics-browser) posts
//! `{"api_key":…,"events":[…]}` to `api2.amplitude.com/2/httpapi` (EU: `api.eu.amplitude.com`),
//! each event with `event_type` (`[Amplitude] Page Viewed`, …), `device_id`, `user_id`,
//! `language`, `user_agent` and its page in `event_properties`; the older Amplitude-JavaScript
//! posts a form `client=<api key>&e=<JSON events>&v=2&upload_time=…&checksum=…` to
//! `api.amplitude.com`. Both are recognised on a proxy of the site's too. (Not "Amplitude Mobile
//! Analytics", as the entity list calls every amplitude.com host.)

use super::claim;
use super::spec::{NONE, Spec, anywhere, at, call};
use crate::analyze::Field;

/// The Amplitude decoder.
pub static AMPLITUDE: Spec = Spec {
    name: "amplitude",
    tracker: "Amplitude",
    company: "Amplitude",
    category: "analytics",
    claims: &[claim(
        "amplitude.com",
        "Amplitude",
        "Amplitude",
        "analytics",
    )],
    loaders: &[at("cdn.amplitude.com", "*.js")],
    hits: &[
        at("amplitude.com", "/2/httpapi"),
        at("amplitude.com", "/batch"),
        at("amplitude.com", "/"),
        anywhere("*/2/httpapi", &["api_key"]),
        anywhere("", &["client", "checksum", "upload_time"]),
    ],
    ids: &["api_key", "client"],
    path_ids: &["/script/{}.js", "/script/{}.experiment.js"],
    events: &["event_type"],
    fields: &[
        ("event_properties.[Amplitude] Page URL", Field::PageUrl),
        ("event_properties.[Amplitude] Page Location", Field::PageUrl),
        ("event_properties.[Amplitude] Page Title", Field::PageTitle),
        ("event_properties.referrer", Field::Referrer),
        ("device_id", Field::CookieId),
        ("user_id", Field::ExternalId),
        ("language", Field::Language),
        ("user_agent", Field::UserAgent),
    ],
    unpack: &["e"],
    inline: &[
        call("amplitude.init", "", 0),
        call("amplitude.getInstance().init", "", 0),
    ],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A page view as @amplitude/analytics-browser 2.x posts it (the body the unpack tests read
    /// from the npm package's destination plugin: `api_key`, `events`, `options`), then the old
    /// JavaScript SDK's form with its events as JSON in `e`.
    #[test]
    fn browser_sdk_and_legacy_form() {
        let body = r#"{"api_key":"6ebfc1622451203d445e03813f921a77","events":[{"device_id":"3f1c2b0a-9e8d-4c7b-a6f5-e4d3c2b1a098","session_id":1716999127202,"time":1716999127210,"platform":"Web","os_name":"Chrome","language":"en-US","ip":"$remote","insert_id":"a1b2c3d4","event_type":"[Amplitude] Page Viewed","event_properties":{"[Amplitude] Page Domain":"shop.example","[Amplitude] Page Location":"https://shop.example/p/lamp","[Amplitude] Page Path":"/p/lamp","[Amplitude] Page Title":"Desk lamp","[Amplitude] Page URL":"https://shop.example/p/lamp"},"event_id":1,"library":"amplitude-ts/2.8.1","user_agent":"Mozilla/5.0"}],"options":{},"client_upload_time":"2024-05-29T17:32:08.001Z"}"#;
        let d = decode(&req(
            "POST",
            "https://api2.amplitude.com/2/httpapi",
            Some(body),
            Some("application/json"),
        ))
        .unwrap();
        assert_eq!((d.tracker, d.role), ("Amplitude", Role::Hit));
        assert_eq!(d.pixel_ids, ["6ebfc1622451203d445e03813f921a77"]);
        assert_eq!(d.events, ["[Amplitude] Page Viewed"]);
        for f in [
            "page_url",
            "page_title",
            "cookie_id",
            "language",
            "user_agent",
        ] {
            assert!(has(&d, f, "plain"), "{f}");
        }
        let e = r#"[{"device_id":"3f1c2b0a9e8d","user_id":null,"timestamp":1716999127210,"event_id":7,"session_id":1716999127202,"event_type":"Viewed Cart","event_properties":{},"language":"en-US","library":{"name":"amplitude-js","version":"8.21.9"}}]"#;
        let form = format!(
            "checksum=4f1c2b0a9e8d7c6b5a4f3e2d1c0b9a88&client=6ebfc1622451203d445e03813f921a77&e={}&upload_time=1716999128001&v=2",
            url::form_urlencoded::byte_serialize(e.as_bytes()).collect::<String>()
        );
        let d = decode(&req(
            "POST",
            "https://api.amplitude.com/",
            Some(&form),
            Some("application/x-www-form-urlencoded; charset=UTF-8"),
        ))
        .unwrap();
        assert_eq!(d.pixel_ids, ["6ebfc1622451203d445e03813f921a77"]);
        assert_eq!(d.events, ["Viewed Cart"]);
        assert!(has(&d, "cookie_id", "plain"));
    }
}
