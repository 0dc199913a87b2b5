//! Shopify's own analytics: every Shopify shop posts to `/.well-known/shopify/monorail/…`
//! (`v1/produce`, `unstable/produce_batch`) on the shop's own domain (and to
//! `monorail-edge.shopifysvc.com`): events named by their `schema_id` (`trekkie_storefront_
//! page_view/…`, `web_pixels_manager_…/…`), with the shop's `shop_id`, the page, the referrer
//! and the visit's tokens in `payload`.

use super::spec::{NONE, Spec, anywhere, at};
use super::{Decoded, claim};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// The events' schemas without their versions, where an event names no `event_name`.
fn schemas(r: &RequestView, d: &mut Decoded) {
    if !d.events.is_empty() {
        return;
    }
    for (k, v) in r.body.iter().flatten() {
        if k == "schema_id"
            && let Some(name) = v.split('/').next().filter(|n| !n.is_empty())
        {
            d.event(name.to_string());
        }
    }
}

/// The Shopify decoder.
pub static SHOPIFY: Spec = Spec {
    name: "shopify",
    tracker: "Shopify",
    company: "Shopify",
    category: "analytics",
    claims: &[claim(
        "monorail-edge.shopifysvc.com",
        "Shopify",
        "Shopify",
        "analytics",
    )],
    hits: &[
        anywhere("/.well-known/shopify/monorail/", &[]),
        at("monorail-edge.shopifysvc.com", "/"),
    ],
    ids: &["payload.shop_id"],
    events: &["payload.event_name"],
    fields: &[
        ("payload.page_url", Field::PageUrl),
        ("payload.url", Field::PageUrl),
        ("payload.event_source_url", Field::PageUrl),
        ("payload.referrer", Field::Referrer),
        ("payload.user_agent", Field::UserAgent),
        ("payload.unique_token", Field::CookieId),
        ("payload.deprecated_visit_token", Field::CookieId),
        ("payload.session_token", Field::CookieId),
        ("payload.customer_id", Field::ExternalId),
    ],
    id_cookies: &["_shopify_y", "_shopify_s"],
    domains: &["shopify.com", "shopifysvc.com"],
    extra: Some(schemas),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// The storefront's customer-tracking event as a LoadRunner recording of a Shopify shop
    /// (www.tastynibbles.in, February 2024) kept it, batched on the shop's own domain.
    #[test]
    fn monorail_batch() {
        let body = r#"{"metadata":{"event_sent_at_ms":1708661574411},"events":[{"schema_id":"storefront_customer_tracking/4.12","payload":{"event_id":"sh-d42a93aa-87BF-424D-0F78-19F88A77D54C","referrer":"https://www.tastynibbles.in/account","canonical_url":"https://www.tastynibbles.in/search?q=coconut*","event_name":"page_rendered","shop_id":55925866671,"event_time":1708661574410,"event_source_url":"https://www.tastynibbles.in/search?type=product%2Carticle&q=Coconut*","unique_token":"b3641be2-7e1b-42c3-9050-d6d80c90fd35","page_id":"d42a93d0-D5CB-4A15-6CBE-C3CC81D9B94D","user_agent":"Mozilla/5.0","customer_id":7180378964143,"deprecated_visit_token":"abfef3d2-5f62-46c0-bf31-c6460fa45d60"},"metadata":{"event_created_at_ms":1708661574410}}]}"#;
        let d = decode(&req(
            "POST",
            "https://shop.example/.well-known/shopify/monorail/unstable/produce_batch",
            Some(body),
            Some("text/plain;charset=UTF-8"),
        ))
        .unwrap();
        assert_eq!((d.tracker, d.role), ("Shopify", Role::Hit));
        assert_eq!(d.pixel_ids, ["55925866671"]);
        assert_eq!(d.events, ["page_rendered"]);
        for f in [
            "page_url",
            "referrer",
            "user_agent",
            "cookie_id",
            "external_id",
        ] {
            assert!(has(&d, f, "plain"), "{f}");
        }
    }
}
