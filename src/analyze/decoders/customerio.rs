//! Customer.io: its Data Pipelines JavaScript (a Segment-compatible analytics.js from
//! `cdp.customer.io/v1/analytics-js/snippet/<write key>/analytics.min.js`) posting Segment's
//! JSON calls to `cdp.customer.io/v1/{p,t,i,b,batch}` (`cdp-eu.customer.io` in Europe), and the
//! classic `track.js` (from `assets.customer.io`) posting to `track.customer.io`.

use super::claim;
use super::segment::{FIELDS, call};
use super::spec::{NONE, Spec, at};

/// The Customer.io decoder.
pub static CUSTOMERIO: Spec = Spec {
    name: "customerio",
    tracker: "Customer.io",
    company: "Customer.io",
    category: "marketing",
    claims: &[claim(
        "customer.io",
        "Customer.io",
        "Customer.io",
        "marketing",
    )],
    loaders: &[
        at("assets.customer.io", "/assets/"),
        at("customer.io", "/v1/analytics-js/"),
    ],
    hits: &[at("customer.io", "/")],
    ids: &["writeKey", "site_id"],
    path_ids: &["/v1/analytics-js/snippet/{}/**"],
    fields: FIELDS,
    id_cookies: &["_cio", "_cioanonid"],
    extra: Some(|r, d| {
        if d.role == super::Role::Hit {
            call(r, d);
        }
    }),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A page call as Customer.io's Data Pipelines SDK sends it (Segment's `page` body, the
    /// one Omnibug's test suite has for Segment, MisterPhilip/omnibug `test/providers/
    /// Segment.js`, to Customer.io's host), and its loader with the write key in the path.
    #[test]
    fn page_call_and_loader() {
        let body = r#"{"context":{"page":{"path":"/","referrer":"https://shop.example/blog","title":"Shop","url":"https://shop.example/"},"userAgent":"Mozilla/5.0","library":{"name":"analytics.js","version":"next-1.62.0"}},"properties":{"path":"/","title":"Shop","url":"https://shop.example/"},"anonymousId":"7e5c1f1f-bf99-4725-809d-67785f64933b","type":"page","writeKey":"a1b2c3d4e5f6a7b8c9d0","messageId":"ajs-next-bb485b9778f0ddcff39debbb6f5eaf1e"}"#;
        let d = decode(&req(
            "POST",
            "https://cdp.customer.io/v1/p",
            Some(body),
            Some("text/plain"),
        ))
        .unwrap();
        assert_eq!((d.tracker, d.role), ("Customer.io", Role::Hit));
        assert_eq!(d.pixel_ids, ["a1b2c3d4e5f6a7b8c9d0"]);
        assert_eq!(d.events, ["page"]);
        assert!(has(&d, "page_url", "plain") && has(&d, "cookie_id", "plain"));
        let l = decode(&req(
            "GET",
            "https://cdp.customer.io/v1/analytics-js/snippet/a1b2c3d4e5f6a7b8c9d0/analytics.min.js",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (l.role, l.pixel_ids.clone()),
            (Role::Loader, vec!["a1b2c3d4e5f6a7b8c9d0".to_string()])
        );
    }
}
