//! Who loaded the pixel (#41): `via-partner.test` loads a Segment-style analytics script
//! whose integration inserts the Meta Pixel ([`PARTNER_PIXEL`]), as customer-data platforms
//! do; the site's own code never names Meta. With tiktok-shop.test (the TikTok snippet inline
//! in the page) and gtm-store.test (TikTok, Meta and GA4 inserted by a GTM container), the
//! three ways a pixel comes in: `direct`, `tag_manager:GTM-…`, `other_vendor:…`.

/// The site whose Meta Pixel another vendor's script loads.
pub const SITE: &str = "via-partner.test";
/// Its Meta Pixel ID.
pub const PARTNER_PIXEL: &str = "4440001112223334";
/// The partner script's path on cdn.segment.com.
pub const PARTNER_SCRIPT: &str = "/analytics.js/v1/chainkey01/analytics.min.js";

const PAGE: &str = r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Via Partner</title>
<script async src="https://cdn.segment.com/analytics.js/v1/chainkey01/analytics.min.js"></script>
</head><body><h1>Via Partner</h1><p>Our shop's analytics go through one partner.</p></body></html>"#;

/// The partner's script: a page call of its own, then its "Facebook Pixel" integration.
const SCRIPT: &str = r#"(function () {
  fetch('https://api.segment.io/v1/p', { method: 'POST', headers: { 'Content-Type': 'text/plain' },
    body: JSON.stringify({ writeKey: 'chainkey01', type: 'page', anonymousId: 'a-1', properties: { url: location.href } }) });
  window.fbq = window.fbq || function () { fbq.queue.push([].slice.call(arguments)); };
  fbq.queue = fbq.queue || [];
  fbq('init', '4440001112223334'); fbq('track', 'PageView');
  var s = document.createElement('script'); s.async = true; s.src = 'https://connect.facebook.net/en_US/fbevents.js';
  document.head.appendChild(s);
})();"#;

/// True for the hosts only this module serves.
pub fn serves(host: &str) -> bool {
    matches!(host, SITE | "www.via-partner.test")
}

/// The answer for `host` and `path` (None: not this module's): `(content type, body)`.
pub fn route(host: &str, path: &str) -> Option<(&'static str, String)> {
    match (host, path) {
        (SITE | "www.via-partner.test", "/") => Some(("text/html; charset=utf-8", PAGE.into())),
        ("cdn.segment.com", PARTNER_SCRIPT) => Some(("application/javascript", SCRIPT.into())),
        (SITE | "www.via-partner.test", _) => Some(("text/plain", "not found".into())),
        _ => None,
    }
}
