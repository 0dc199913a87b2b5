//! mParticle's web SDK (@mparticle/web-sdk): batches of events posted as JSON to
//! `jssdks.mparticle.com/v3/JS/<api key>/events` (older builds `/v2/JS/<api key>/Events`),
//! identity calls to `identity.mparticle.com/v1/identify` (the key in an `x-mp-key` header),
//! the configuration from `jssdkcdns.mparticle.com/JS/v2/<api key>/config`, and the batches'
//! paths under `/webevents/` on a site's own CNAME. A batch carries `mpid`,
//! `mp_deviceid` (the device ID the SDK keeps in localStorage), `device_info` and its events,
//! each with its `event_type` (`screen_view`, `session_start`, `custom_event`, …).

use super::spec::{NONE, Spec, anywhere, at, call};
use crate::analyze::Field;

/// The mParticle decoder.
pub static MPARTICLE: Spec = Spec {
    name: "mparticle",
    tracker: "mParticle",
    company: "mParticle",
    category: "analytics",
    loaders: &[
        at("jssdkcdns.mparticle.com", "/js/v2/"),
        at("jssdkcdns.mparticle.com", "/JS/v2/"),
    ],
    hits: &[
        at("mparticle.com", "/v3/JS/"),
        at("mparticle.com", "/v2/JS/"),
        at("mparticle.com", "/v1/identity/"),
        at("identity.mparticle.com", "/v1/"),
        anywhere("/webevents/v3/JS/", &["mpid"]),
        anywhere("/webevents/v2/JS/", &["mpid"]),
    ],
    path_ids: &[
        "/v3/JS/{}/events",
        "/v2/JS/{}/Events",
        "/webevents/v3/JS/{}/events",
        "/webevents/v2/JS/{}/Events",
        "/JS/v2/{}/config",
        "/js/v2/{}/mparticle.js",
        "/v1/identity/{}/Alias",
    ],
    events: &["events.*.event_type", "event_type"],
    fields: &[
        ("mp_deviceid", Field::StorageId),
        ("device_info.screen_width", Field::Screen),
        ("events.*.data.screen_name", Field::PageTitle),
        ("data.screen_name", Field::PageTitle),
    ],
    id_cookies: &["mprtcl-v4"],
    domains: &["mparticle.com"],
    inline: &[call("mParticle.init", "", 0)],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A batch as @mparticle/web-sdk 2.x posts it (the upload of its
    /// `src/sdkToEventsApiConverter.ts`: `source_request_id`, `mpid`, `events` with
    /// `event_type` and `data`, `mp_deviceid`, `device_info`; the URLs of its
    /// `src/constants.ts` and of the SDK's own test constants, mParticle/mparticle-web-sdk
    /// `test/src/config/constants.ts`), to mParticle and to a site's CNAME; then the loader the
    /// snippet builds and the configuration, which name the key in their paths. The key and IDs
    /// are made up.
    #[test]
    fn batches_and_loaders_name_the_key() {
        let body = r#"{"source_request_id":"0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9","mpid":"-4521869054331512345","timestamp_unixtime_ms":1716999127202,"environment":"production","events":[{"data":{"session_uuid":"5F8E2D1C-3B4A-4C5D-8E9F-0A1B2C3D4E5F","timestamp_unixtime_ms":1716999127100},"event_type":"session_start"},{"data":{"screen_name":"Page view","custom_attributes":{"path":"/p/lamp"},"session_uuid":"5F8E2D1C-3B4A-4C5D-8E9F-0A1B2C3D4E5F"},"event_type":"screen_view"}],"mp_deviceid":"d017ef8a-66af-4c63-3be4-26c1de3a403f","sdk_version":"2.30.0","application_info":{},"device_info":{"platform":"web","screen_width":1920,"screen_height":1080},"user_attributes":{},"user_identities":{}}"#;
        for url in [
            "https://jssdks.mparticle.com/v3/JS/us1-0a1b2c3d4e5f60718293a4b5c6d7e8f9/events",
            "https://mp.shop.example/webevents/v3/JS/us1-0a1b2c3d4e5f60718293a4b5c6d7e8f9/events",
        ] {
            let d = decode(&req("POST", url, Some(body), Some("text/plain"))).unwrap();
            assert_eq!((d.tracker, d.role), ("mParticle", Role::Hit), "{url}");
            assert_eq!(d.pixel_ids, ["us1-0a1b2c3d4e5f60718293a4b5c6d7e8f9"]);
            assert_eq!(d.events, ["session_start", "screen_view"]);
            for f in ["storage_id", "screen"] {
                assert!(has(&d, f, "plain"), "{f}: {:?}", d.fields);
            }
        }
        for url in [
            "https://jssdkcdns.mparticle.com/js/v2/us1-0a1b2c3d4e5f60718293a4b5c6d7e8f9/mparticle.js",
            "https://jssdkcdns.mparticle.com/JS/v2/us1-0a1b2c3d4e5f60718293a4b5c6d7e8f9/config?env=0",
        ] {
            let d = decode(&req("GET", url, None, None)).unwrap();
            assert_eq!((d.tracker, d.role), ("mParticle", Role::Loader), "{url}");
            assert_eq!(d.pixel_ids, ["us1-0a1b2c3d4e5f60718293a4b5c6d7e8f9"]);
        }
        // The bare bundle names no key; a site's own `/webevents/` path without a batch is
        // not mParticle.
        let d = decode(&req(
            "GET",
            "https://jssdkcdns.mparticle.com/js/v2/mparticle.js",
            None,
            None,
        ))
        .unwrap();
        assert!(d.pixel_ids.is_empty(), "{:?}", d.pixel_ids);
        assert!(
            decode(&req(
                "POST",
                "https://shop.example/webevents/v3/JS/x/events",
                Some(r#"{"a":1}"#),
                None
            ))
            .is_none()
        );
    }
}
