//! Datadog Real User Monitoring (@datadog/browser-rum): batches of JSON events, one per line,
//! to `browser-intake-datadoghq.com/api/v2/rum` (and the other sites' intakes:
//! `browser-intake-datadoghq.eu`, `browser-intake-us3-datadoghq.com`, …; logs to `/api/v2/logs`,
//! replays to `/api/v2/replay`) with the client token as `dd-api-key=pub…` and `ddsource`; a
//! proxy puts the intake's path and query in `ddforward`. Each event names its application
//! (`application.id`), its type (`view`, `action`, `resource`, `error`, `long_task`), the view's
//! URL and referrer and the session.

use super::spec::{NONE, Spec, anywhere, assign, at};
use super::{Decoded, claim};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// The client token of a proxied batch: inside `ddforward`'s query.
fn forwarded(r: &RequestView, d: &mut Decoded) {
    for v in r.params("ddforward") {
        let query = v.split_once('?').map_or(v, |(_, q)| q);
        url::form_urlencoded::parse(query.as_bytes())
            .filter(|(k, _)| k == "dd-api-key")
            .for_each(|(_, key)| d.id(key.into_owned()));
    }
}

const RUM: &str = "Datadog RUM";

/// The Datadog RUM decoder.
pub static DATADOG: Spec = Spec {
    name: "datadog",
    tracker: RUM,
    company: "Datadog",
    category: "analytics",
    claims: &[
        claim("browser-intake-datadoghq.com", RUM, "Datadog", "analytics"),
        claim("browser-intake-datadoghq.eu", RUM, "Datadog", "analytics"),
        claim(
            "browser-intake-us3-datadoghq.com",
            RUM,
            "Datadog",
            "analytics",
        ),
        claim(
            "browser-intake-us5-datadoghq.com",
            RUM,
            "Datadog",
            "analytics",
        ),
        claim(
            "browser-intake-ap1-datadoghq.com",
            RUM,
            "Datadog",
            "analytics",
        ),
        claim("browser-intake-ddog-gov.com", RUM, "Datadog", "analytics"),
        claim("datadoghq-browser-agent.com", RUM, "Datadog", "analytics"),
    ],
    loaders: &[at("datadoghq-browser-agent.com", "*.js")],
    hits: &[
        anywhere("/api/v2/", &["dd-api-key"]),
        anywhere("/api/v2/", &["ddsource"]),
        anywhere("", &["ddforward^/api/v2/"]),
        anywhere("", &["ddforward^https://"]),
    ],
    ids: &["dd-api-key", "application.id"],
    events: &["type"],
    fields: &[
        ("view.url", Field::PageUrl),
        ("view.referrer", Field::Referrer),
        ("session.id", Field::CookieId),
        ("usr.id", Field::ExternalId),
        ("usr.email", Field::PlainEmail),
        ("display.viewport.width", Field::Screen),
    ],
    id_cookies: &["_dd_s"],
    domains: &["datadoghq.com", "datadoghq.eu"],
    inline: &[
        assign("clientToken", "DD_RUM"),
        assign("applicationId", "DD_RUM"),
        assign("clientToken", "datadogRum"),
        assign("applicationId", "datadogRum"),
    ],
    extra: Some(forwarded),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A view event with the intake query the Browser SDK's endpoint builder writes (its tests
    /// in DataDog/browser-sdk: `ddsource`, `ddtags`, `dd-api-key`, `dd-evp-origin-version`,
    /// `dd-evp-origin`, `dd-request-id`, `batch_time`), then the same batch through a proxy
    /// (`?ddforward=` the intake path and query, as those tests' proxy case has it). The client
    /// token and application are those of a public init snippet (MiadV/nextjs-sentry-example,
    /// `components/DataDog.tsx`).
    #[test]
    fn rum_batch_direct_and_proxied() {
        let body = "{\"application\":{\"id\":\"31266d63-0517-440e-98a4-fc263c457d5d\"},\"date\":1716999127202,\"service\":\"shop\",\"source\":\"browser\",\"session\":{\"id\":\"5c4b8f6e-1d2a-4b3c-9e8f-7a6b5c4d3e2f\",\"type\":\"user\"},\"view\":{\"id\":\"0a1b2c3d\",\"url\":\"https://shop.example/cart\",\"referrer\":\"https://shop.example/\"},\"type\":\"view\"}\n{\"application\":{\"id\":\"31266d63-0517-440e-98a4-fc263c457d5d\"},\"session\":{\"id\":\"5c4b8f6e-1d2a-4b3c-9e8f-7a6b5c4d3e2f\"},\"view\":{\"url\":\"https://shop.example/cart\"},\"action\":{\"type\":\"click\"},\"type\":\"action\"}";
        let q = "ddsource=browser&ddtags=sdk_version%3A5.20.0%2Capi%3Afetch%2Cenv%3Aprod&dd-api-key=pub8e10ce0bba84a7c73fe3aa64d27a745f&dd-evp-origin-version=5.20.0&dd-evp-origin=browser&dd-request-id=9b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9&batch_time=1716999128000";
        let direct = format!("https://browser-intake-us5-datadoghq.com/api/v2/rum?{q}");
        let proxied = format!(
            "https://shop.example/dd-proxy?ddforward={}",
            url::form_urlencoded::byte_serialize(format!("/api/v2/rum?{q}").as_bytes())
                .collect::<String>()
        );
        for u in [direct, proxied] {
            let d = decode(&req(
                "POST",
                &u,
                Some(body),
                Some("text/plain;charset=UTF-8"),
            ))
            .unwrap();
            assert_eq!((d.tracker, d.role), ("Datadog RUM", Role::Hit), "{u}");
            assert!(
                d.pixel_ids
                    .contains(&"pub8e10ce0bba84a7c73fe3aa64d27a745f".to_string()),
                "{u}: {:?}",
                d.pixel_ids
            );
            assert!(
                d.pixel_ids
                    .contains(&"31266d63-0517-440e-98a4-fc263c457d5d".to_string())
            );
            assert_eq!(d.events, ["view", "action"]);
            for f in ["page_url", "referrer", "cookie_id"] {
                assert!(has(&d, f, "plain"), "{f}");
            }
        }
    }
}
