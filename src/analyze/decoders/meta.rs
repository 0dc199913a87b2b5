//! Meta pixel: loader `connect.facebook.net/<locale>/fbevents.js`, per-pixel config
//! `connect.facebook.net/signals/config/<ID>`, hits to `www.facebook.com/tr` (image GET,
//! beacon, urlencoded `rqm=formPOST`, multipart), and `/tr` with `id` and `ev` on any host (a
//! proxied pixel).

use super::spec::{NONE, Spec, anywhere, at, call};
use crate::analyze::{Field, Source};

/// The Meta decoder.
pub static META: Spec = Spec {
    name: "meta",
    tracker: "Meta Pixel",
    company: "Meta",
    category: "ad",
    loaders: &[
        at("connect.facebook.net", "/fbevents.js$"),
        at("connect.facebook.net", "/signals/config/"),
    ],
    hits: &[
        at("facebook.com", "=/tr"),
        at("facebook.com", "=/tr/"),
        anywhere("=/tr", &["id", "ev"]),
        anywhere("=/tr/", &["id", "ev"]),
    ],
    ids: &["id"],
    path_ids: &["/signals/config/{}"],
    events: &["ev"],
    fields: &[
        ("dl", Field::PageUrl),
        ("rl", Field::Referrer),
        ("fbp", Field::CookieId),
        ("fbc", Field::CookieId),
        ("sw", Field::Screen),
        ("sh", Field::Screen),
        ("ud[em]", Field::HashedEmail),
        ("udff[em]", Field::HashedEmail),
        ("ud[ph]", Field::HashedPhone),
        ("udff[ph]", Field::HashedPhone),
        ("ud[external_id]", Field::ExternalId),
        ("udff[external_id]", Field::ExternalId),
        ("cd[search_string]", Field::SearchQuery),
        ("cd[buttonText]", Field::ButtonText),
        ("cd[formFeatures]", Field::FormFields),
    ],
    // Meta's browser ID and click ID.
    id_cookies: &["_fbp", "_fbc"],
    domains: &["facebook.com", "facebook.net"],
    // The Meta pixel base code: `fbq('init', '<pixel id>')` (Meta for Developers, "Meta
    // Pixel: get started").
    inline: &[call("fbq", "init", 1)],
    ids_on_loaders: false,
    source: Source::Decoder,
    ..NONE
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::decoders::Decoder;
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    const Q: &str = "id=1234567890123456&ev=PageView&dl=https%3A%2F%2Fshop.example%2F&rl=&if=false&ts=1732840000000&sw=1366&sh=768&v=2.9.200&r=stable&ec=0&o=4126&fbp=fb.1.1732840000000.1234567890&it=1732839999000&coo=false&rqm=GET";

    #[test]
    fn image_get() {
        let d = decode(&req(
            "GET",
            &format!("https://www.facebook.com/tr/?{Q}"),
            None,
            None,
        ))
        .unwrap();
        assert_eq!((d.tracker, d.role), ("Meta Pixel", Role::Hit));
        assert_eq!(d.pixel_ids, vec!["1234567890123456"]);
        assert_eq!(d.events, vec!["PageView"]);
        assert!(
            has(&d, "page_url", "plain")
                && has(&d, "cookie_id", "plain")
                && has(&d, "screen", "plain")
        );
        assert!(!has(&d, "referrer", "plain"), "empty rl is not a referrer");
        let d = decode(&req(
            "GET",
            "https://www.facebook.com/tr?id=1234567890123456&ev=PageView&noscript=1",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(d.events, vec!["PageView"]);
    }

    #[test]
    fn form_post_with_automatic_matching() {
        let em = "a".repeat(64);
        let body = format!("{Q}&udff[em]={em}&es=automatic&rqm=formPOST")
            .replace("PageView", "SubscribedButtonClick")
            + "&cd[buttonText]=Subscribe";
        let d = decode(&req(
            "POST",
            "https://www.facebook.com/tr/",
            Some(&body),
            Some("application/x-www-form-urlencoded"),
        ))
        .unwrap();
        assert_eq!(d.events, vec!["SubscribedButtonClick"]);
        assert!(has(&d, "hashed_email", "sha256") && has(&d, "button_text", "plain"));
        assert!(
            d.fields
                .iter()
                .any(|f| f.name == crate::analyze::Field::HashedEmail
                    && f.location == crate::analyze::Location::Body)
        );
    }

    #[test]
    fn multipart_and_beacon_json() {
        let mp = "------WebKitFormBoundaryA\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n1234567890123456\r\n------WebKitFormBoundaryA\r\nContent-Disposition: form-data; name=\"ev\"\r\n\r\nLead\r\n------WebKitFormBoundaryA\r\nContent-Disposition: form-data; name=\"dl\"\r\n\r\nhttps://shop.example/\r\n------WebKitFormBoundaryA--\r\n";
        let d = decode(&req(
            "POST",
            "https://www.facebook.com/tr/",
            Some(mp),
            Some("multipart/form-data; boundary=----WebKitFormBoundaryA"),
        ))
        .unwrap();
        assert_eq!(
            (d.events.clone(), d.pixel_ids.clone()),
            (
                vec!["Lead".to_string()],
                vec!["1234567890123456".to_string()]
            )
        );
        assert!(has(&d, "page_url", "plain"));
        let d = decode(&req(
            "POST",
            "https://www.facebook.com/tr/",
            Some(r#"{"id":"1234567890123456","ev":"PageView","dl":"https://shop.example/"}"#),
            Some("application/json"),
        ))
        .unwrap();
        assert_eq!(d.events, vec!["PageView"]);
    }

    #[test]
    fn loaders_and_negatives() {
        let d = decode(&req(
            "GET",
            "https://connect.facebook.net/signals/config/1234567890123456?v=2.9.200&r=stable",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (d.role, d.pixel_ids.clone()),
            (Role::Loader, vec!["1234567890123456".to_string()])
        );
        assert_eq!(
            decode(&req(
                "GET",
                "https://connect.facebook.net/en_US/fbevents.js",
                None,
                None
            ))
            .unwrap()
            .role,
            Role::Loader
        );
        assert!(
            decode(&req(
                "GET",
                "https://connect.facebook.net/en_US/sdk.js",
                None,
                None
            ))
            .is_none()
        );
        assert!(
            decode(&req(
                "GET",
                "https://www.facebook.com/sharer/sharer.php?u=x",
                None,
                None
            ))
            .is_none()
        );
        assert!(
            decode(&req("GET", "https://shop.example/tr/?lang=de", None, None)).is_none(),
            "a first-party /tr page is not a pixel"
        );
    }

    #[test]
    fn the_base_code_names_its_pixel() {
        let base = "!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?n.callMethod.apply(n,arguments):n.queue.push(arguments)};}(window, document,'script','https://connect.facebook.net/en_US/fbevents.js');\nfbq('init', '1234567890123456');\nfbq('track', 'PageView');";
        assert_eq!(META.inline(base).remove(0).pixel_ids, ["1234567890123456"]);
        assert!(META.inline("fbq('track', 'PageView');").is_empty());
    }
}
