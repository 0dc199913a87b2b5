//! Azure Application Insights (the JavaScript SDK, `ai.2.min.js` / `ai.3.gbl.min.js` from
//! `js.monitor.azure.com`): a JSON array of telemetry items to `<region>.in.applicationinsights
//! .azure.com/v2/track` or the classic `dc.services.visualstudio.com/v2/track`, each with the
//! resource's instrumentation key `iKey`, `tags` (`ai.user.id` from the `ai_user` cookie,
//! `ai.session.id`, `ai.user.authUserId`) and `data.baseType` (`PageviewData`, `EventData`,
//! `RemoteDependencyData`, `ExceptionData`, …) with its `baseData` (`url`, `name`, `refUri`).

use super::claim;
use super::spec::{NONE, Spec, anywhere, assign, at};
use crate::analyze::Field;

const AI: &str = "Azure Application Insights";

/// The Application Insights decoder.
pub static APP_INSIGHTS: Spec = Spec {
    name: "appinsights",
    tracker: AI,
    company: "Microsoft",
    category: "analytics",
    claims: &[
        claim(
            "applicationinsights.azure.com",
            AI,
            "Microsoft",
            "analytics",
        ),
        claim("dc.services.visualstudio.com", AI, "Microsoft", "analytics"),
        claim("js.monitor.azure.com", AI, "Microsoft", "analytics"),
    ],
    loaders: &[
        at("js.monitor.azure.com", "/scripts/"),
        at("az416426.vo.msecnd.net", "/scripts/"),
    ],
    hits: &[
        at("applicationinsights.azure.com", "/v2"),
        at("dc.services.visualstudio.com", "/v2"),
        anywhere("/v2/track", &["iKey"]),
        anywhere("/v2.1/track", &["iKey"]),
    ],
    ids: &["iKey"],
    events: &["data.baseType"],
    event_names: &[
        ("PageviewData", "Pageview"),
        ("EventData", "Event"),
        ("RemoteDependencyData", "RemoteDependency"),
        ("ExceptionData", "Exception"),
        ("PageviewPerformanceData", "PageviewPerformance"),
        ("MetricData", "Metric"),
    ],
    fields: &[
        ("data.baseData.url", Field::PageUrl),
        ("data.baseData.refUri", Field::Referrer),
        ("data.baseData.properties.refUri", Field::Referrer),
        ("tags.ai.user.id", Field::CookieId),
        ("tags.ai.session.id", Field::CookieId),
        ("tags.ai.user.authUserId", Field::ExternalId),
    ],
    id_cookies: &["ai_user", "ai_session"],
    domains: &["applicationinsights.azure.com", "monitor.azure.com"],
    inline: &[
        assign("instrumentationKey", "instrumentationKey"),
        assign("InstrumentationKey", "InstrumentationKey="),
    ],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A page view item as the JavaScript SDK 2.x sends it (its envelope as
    /// microsoft/ApplicationInsights-JS builds it: `time`, `iKey`, `name`
    /// `Microsoft.ApplicationInsights.<key>.Pageview`, `tags` with `ai.` keys, `data.baseType` and
    /// `baseData`), to a regional ingestion host and to the classic one.
    #[test]
    fn pageview_item() {
        let body = r#"[{"time":"2024-05-29T17:32:07.202Z","iKey":"0b3c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e","name":"Microsoft.ApplicationInsights.0b3c1d2e4f5a4b6c8d7e9f0a1b2c3d4e.Pageview","tags":{"ai.user.id":"qW3rT","ai.session.id":"Zx9Yw","ai.device.id":"browser","ai.device.type":"Browser","ai.operation.name":"/cart","ai.operation.id":"5f2e1c0b9a8d4e7f","ai.internal.sdkVersion":"javascript:2.8.18"},"data":{"baseType":"PageviewData","baseData":{"ver":2,"name":"Cart - Shop","url":"https://shop.example/cart","duration":"00:00:00.412","properties":{"refUri":"https://shop.example/"},"measurements":{},"id":"5f2e1c0b9a8d4e7f"}}}]"#;
        for host in [
            "westeurope-5.in.applicationinsights.azure.com",
            "dc.services.visualstudio.com",
        ] {
            let d = decode(&req(
                "POST",
                &format!("https://{host}/v2/track"),
                Some(body),
                Some("application/json"),
            ))
            .unwrap();
            assert_eq!(
                (d.tracker, d.role),
                ("Azure Application Insights", Role::Hit)
            );
            assert_eq!(d.pixel_ids, ["0b3c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"]);
            assert_eq!(d.events, ["Pageview"]);
            for f in ["page_url", "referrer", "cookie_id"] {
                assert!(has(&d, f, "plain"), "{f}: {:?}", d.fields);
            }
        }
    }
}
