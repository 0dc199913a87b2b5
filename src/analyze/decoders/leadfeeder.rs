//! Leadfeeder (Dealfront): loader `sc.lfeeder.com/lftracker_v1_<script id>.js`, hits
//! `tr.lfeeder.com/?sid=<script id>` with the event as base64 JSON, in `data=` (an image)
//! or as the body (a beacon): `event` (`tracking-event` is a page view), `context.pageUrl`,
//! `.pageTitle`, `.referrer`, `lfClientId` (the `_lfa` cookie), `gaClientIds`.

use super::spec::{NONE, Spec, at};
use super::{Decoded, claim};
use crate::analyze::request::RequestView;
use crate::analyze::{Field, Location};

/// The base64 JSON event.
fn event(r: &RequestView, d: &mut Decoded) {
    if d.role != super::Role::Hit {
        if let Some(id) = r
            .path
            .strip_prefix("/lftracker_")
            .and_then(|s| s.strip_suffix(".js"))
        {
            d.id(id);
        }
        return;
    }
    let (raw, loc) = match r.param("data") {
        Some(v) => (v.to_string(), Location::Query),
        None => (r.body_text.trim().to_string(), Location::Body),
    };
    let Some(j) = crate::analyze::leaks::base64_decode(&raw)
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
    else {
        return;
    };
    let text = |p: &str| {
        j.pointer(p)
            .and_then(|v| v.as_str())
            .filter(|s| !super::is_empty_value(s))
    };
    if let Some(e) = text("/event") {
        d.event(e);
    }
    for (p, f) in [
        ("/context/pageUrl", Field::PageUrl),
        ("/context/pageTitle", Field::PageTitle),
        ("/context/referrer", Field::Referrer),
        ("/lfClientId", Field::CookieId),
        ("/properties/email", Field::PlainEmail),
    ] {
        // The values travelled base64-encoded (the matcher reports the same).
        if text(p).is_some() {
            let field = super::DecodedField {
                name: f,
                encoding: crate::analyze::Encoding::Base64,
                location: loc,
            };
            if !d.fields.contains(&field) {
                d.fields.push(field);
            }
        }
    }
}

/// The Leadfeeder decoder.
pub static LEADFEEDER: Spec = Spec {
    name: "leadfeeder",
    tracker: "Leadfeeder",
    company: "Dealfront",
    category: "marketing",
    claims: &[claim("lfeeder.com", "Leadfeeder", "Dealfront", "marketing")],
    loaders: &[at("sc.lfeeder.com", "/lftracker")],
    hits: &[at("tr.lfeeder.com", "/"), at("tr2.lfeeder.com", "/")],
    requires: &[],
    ids: &["sid"],
    events: &[],
    fields: &[],
    id_cookies: &["_lfa"],
    extra: Some(event),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;
    use base64::Engine;

    /// A page view as Leadfeeder's own tracker builds it (its `createEvent` and
    /// `createTrackingPixel`: `?sid=<script id>&data=<base64 JSON>`, from a copy of
    /// lftracker's source on GitHub; the library's file 40798475479).
    #[test]
    fn tracking_pixel_event() {
        let event = r#"{"gaTrackingIds":[],"gaClientIds":[],"context":{"library":{"name":"lftracker","version":"2.71.0"},"pageUrl":"https://shop.example/pricing","pageTitle":"Pricing","referrer":""},"event":"tracking-event","clientEventId":"0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a","clientTimestamp":"2026-11-29T00:00:00.000Z","clientTimezone":0,"scriptId":"v1_ywVkO4XM2Pz8Z6Bj","cookiesEnabled":true,"anonymizeIp":false,"lfClientId":"LF1.1.0c9d8e7f6a5b4c3d.1732840000000","foreignCookies":[],"properties":{}}"#;
        let data = base64::engine::general_purpose::STANDARD.encode(event);
        let url = format!(
            "https://tr.lfeeder.com/?sid=v1_ywVkO4XM2Pz8Z6Bj&data={}",
            url::form_urlencoded::byte_serialize(data.as_bytes()).collect::<String>()
        );
        let d = decode(&req("GET", &url, None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Leadfeeder", Role::Hit));
        assert_eq!(
            (d.pixel_ids.clone(), d.events.clone()),
            (
                vec!["v1_ywVkO4XM2Pz8Z6Bj".to_string()],
                vec!["tracking-event".to_string()]
            )
        );
        for f in ["page_url", "page_title", "cookie_id"] {
            assert!(has(&d, f, "base64"), "{f}");
        }
        assert!(!d.fields.iter().any(|f| f.name.as_str() == "referrer"));
        let l = decode(&req(
            "GET",
            "https://sc.lfeeder.com/lftracker_v1_ywVkO4XM2Pz8Z6Bj.js",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (l.role, l.pixel_ids.clone()),
            (Role::Loader, vec!["v1_ywVkO4XM2Pz8Z6Bj".to_string()])
        );
    }
}
