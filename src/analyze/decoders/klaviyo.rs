//! Klaviyo (its onsite script `static.klaviyo.com/onsite/js/klaviyo.js?company_id=<public
//! key>`): events to `a.klaviyo.com/client/events/?company_id=<key>` as JSON:API
//! (`data.attributes.metric.data.attributes.name`, the profile's `email` or `anonymous_id`),
//! and in older versions `a.klaviyo.com/api/track?data=<base64 JSON>` with the key as `token`,
//! the `event` and `customer_properties`.

use super::claim;
use super::spec::{NONE, Spec, at, push};
use crate::analyze::Field;

/// The Klaviyo decoder.
pub static KLAVIYO: Spec = Spec {
    name: "klaviyo",
    tracker: "Klaviyo",
    company: "Klaviyo",
    category: "marketing",
    claims: &[claim("klaviyo.com", "Klaviyo", "Klaviyo", "marketing")],
    loaders: &[
        at("static.klaviyo.com", "/onsite/"),
        at("static-tracking.klaviyo.com", "*.js"),
    ],
    hits: &[at("klaviyo.com", "/")],
    ids: &["company_id", "token"],
    path_ids: &["/onsite/js/{}/klaviyo.js"],
    events: &["event", "data.attributes.metric.data.attributes.name"],
    fields: &[
        ("properties.page", Field::PageUrl),
        ("properties.$url", Field::PageUrl),
        ("data.attributes.properties.page", Field::PageUrl),
        ("customer_properties.$email", Field::PlainEmail),
        ("customer_properties.$exchange_id", Field::CookieId),
        (
            "data.attributes.profile.data.attributes.email",
            Field::PlainEmail,
        ),
        (
            "data.attributes.profile.data.attributes.anonymous_id",
            Field::CookieId,
        ),
        (
            "data.attributes.profile.data.attributes._kx",
            Field::CookieId,
        ),
    ],
    unpack: &["data"],
    id_cookies: &["__kla_id"],
    inline: &[push("_learnq.push", "account", 1)],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// The older track call in the shape Klaviyo's track API took (`data=` base64 JSON of
    /// `token`, `event`, `customer_properties.$email`, `properties`: the payload public GitHub
    /// integrations build, e.g. one of a shop's "Sent Transactional Email"), and the loader.
    #[test]
    fn track_and_loader() {
        let json = r#"{"token":"KvQM7Q","event":"Active on Site","customer_properties":{"$email":"jane.roe@example.com"},"properties":{"page":"https://shop.example/p/lamp"}}"#;
        let data = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, json);
        let d = decode(&req(
            "GET",
            &format!("https://a.klaviyo.com/api/track?data={data}"),
            None,
            None,
        ))
        .unwrap();
        assert_eq!((d.tracker, d.role), ("Klaviyo", Role::Hit));
        assert_eq!(d.pixel_ids, ["KvQM7Q"]);
        assert_eq!(d.events, ["Active on Site"]);
        assert!(has(&d, "plain_email", "plain") && has(&d, "page_url", "plain"));
        let l = decode(&req(
            "GET",
            "https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=KvQM7Q",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (l.role, l.pixel_ids.clone()),
            (Role::Loader, vec!["KvQM7Q".to_string()])
        );
    }
}
