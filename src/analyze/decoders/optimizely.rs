//! Optimizely (Web Experimentation's snippet `cdn.optimizely.com/js/<project>.js` or
//! `/public/<account>/s/…`, and the Full Stack SDKs): decisions and conversions posted as JSON to
//! `logx.optimizely.com/v1/events` (`{"account_id","project_id","visitors":[{"visitor_id",
//! "snapshots":[{"events":[{"key"|"type",…}]}]}]}`); the older `/log/event` took one flat
//! event (`accountId`, `projectId`, `visitorId`, `eventName`).

use super::claim;
use super::spec::{NONE, Spec, at};
use crate::analyze::Field;

/// The Optimizely decoder.
pub static OPTIMIZELY: Spec = Spec {
    name: "optimizely",
    tracker: "Optimizely",
    company: "Optimizely",
    category: "analytics",
    claims: &[claim(
        "optimizely.com",
        "Optimizely",
        "Optimizely",
        "analytics",
    )],
    loaders: &[
        at("optimizely.com", "/js/"),
        at("optimizely.com", "/public/"),
        at("optimizely.com", "/datafiles/"),
    ],
    hits: &[at("optimizely.com", "/")],
    ids: &["account_id", "accountId", "project_id", "projectId"],
    path_ids: &["/js/{}.js", "/public/{}/**"],
    events: &["visitors.*.snapshots.*.events.*.key", "eventName"],
    fields: &[
        ("visitors.*.visitor_id", Field::CookieId),
        ("visitorId", Field::CookieId),
    ],
    id_cookies: &["optimizelyEndUserId"],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// The activation event of Omnibug's test suite (MisterPhilip/omnibug,
    /// `test/providers/OptimizelyX.js`: `logx.optimizely.com/log/event`, its account and
    /// visitor masked there with `X`s, here with digits), and a project's snippet.
    #[test]
    fn log_event_and_snippet() {
        let body = r#"{"eventId":"c41d9242-0ab5-42a4-b253-2fde5e123456","anonymizeIP":true,"timestamp":1516335167958,"revision":"2","clientEngine":"js","clientVersion":"0.83.0","projectId":"10162871234","accountId":"10162871234","activationId":"1516335161234","sessionId":"AUTO","visitorId":"oeu1516266145255r0.82940618067123","eventFeatures":[],"eventMetrics":[],"layerStates":[],"userFeatures":[{"id":null,"type":"browserId","name":"","shouldIndex":true,"value":"gc"}],"activeViews":[],"isGlobalHoldback":false,"eventType":"client_activation","eventName":"client_activation"}"#;
        let d = decode(&req(
            "POST",
            "https://logx.optimizely.com/log/event",
            Some(body),
            Some("application/json"),
        ))
        .unwrap();
        assert_eq!((d.tracker, d.role), ("Optimizely", Role::Hit));
        assert_eq!(d.pixel_ids, ["10162871234"]);
        assert_eq!(d.events, ["client_activation"]);
        assert!(has(&d, "cookie_id", "plain"));
        let l = decode(&req(
            "GET",
            "https://cdn.optimizely.com/js/10162871234.js",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (l.role, l.pixel_ids.clone()),
            (Role::Loader, vec!["10162871234".to_string()])
        );
    }
}
