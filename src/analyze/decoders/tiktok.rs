//! TikTok pixel (ByteDance): loader `analytics(.us).tiktok.com/i18n/pixel/events.js?sdkid=`,
//! events as JSON (often `text/plain`) to `/api/v2/pixel`, `/api/v2/pixel/act`,
//! `/api/v2/pixel/track` and the 2020 `/api/v1/track`.

use super::{Claim, Decoded, Decoder, Role, calls, claim, on};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// The TikTok decoder.
pub struct TikTok;

fn api_path(path: &str) -> bool {
    let mut parts = path.trim_start_matches('/').split('/');
    parts.next() == Some("api")
        && parts.next().is_some_and(|v| {
            v.len() >= 2 && v.starts_with('v') && v[1..].chars().all(|c| c.is_ascii_digit())
        })
        && matches!(parts.next(), Some("pixel" | "track"))
}

impl Decoder for TikTok {
    /// The hosts only this tag uses.
    fn claims(&self) -> &'static [Claim] {
        const C: &[Claim] = &[
            claim("analytics.tiktok.com", "TikTok Pixel", "ByteDance", "ad"),
            claim("analytics.us.tiktok.com", "TikTok Pixel", "ByteDance", "ad"),
        ];
        C
    }

    fn name(&self) -> &'static str {
        "tiktok"
    }

    /// TikTok's base code: `ttq.load('<pixel code>')` (TikTok for Business help centre,
    /// "Install the TikTok pixel with the base code"), or the queued form
    /// `ttq.push(['load', '<code>'])`.
    fn inline(&self, script: &str) -> Vec<Decoded> {
        let mut ids: Vec<String> = calls(script, "ttq.load")
            .into_iter()
            .filter_map(|a| a.into_iter().next())
            .collect();
        for a in calls(script, "ttq.push") {
            if let Some(inner) = a.first().and_then(|x| x.strip_prefix('['))
                && let Some(args) = calls(&format!("f({})", inner.trim_end_matches(']')), "f")
                    .into_iter()
                    .next()
                && args.first().map(String::as_str) == Some("load")
                && let Some(id) = args.get(1)
            {
                ids.push(id.clone());
            }
        }
        ids.retain(|i| !i.is_empty());
        if ids.is_empty() {
            return Vec::new();
        }
        let mut d = Decoded::new("TikTok Pixel", "ByteDance", "ad", Role::Loader);
        ids.into_iter().for_each(|i| d.id(i));
        vec![d]
    }

    /// The vendor's own domains (its hits there are `hosting = vendor`).
    fn domains(&self) -> &'static [&'static str] {
        &["tiktok.com", "tiktokw.us"]
    }

    /// TikTok's browser ID and click ID.
    fn id_cookies(&self) -> &'static [&'static str] {
        &["_ttp", "_ttclid"]
    }

    fn decode(&self, r: &RequestView) -> Option<Decoded> {
        let host_ok = on(&r.host, "analytics.tiktok.com") || on(&r.host, "analytics.us.tiktok.com");
        let new = |role| Decoded::new("TikTok Pixel", "ByteDance", "ad", role);
        if host_ok && r.path.ends_with("/pixel/events.js") {
            let mut d = new(Role::Loader);
            if let Some(id) = r.param("sdkid") {
                d.id(id);
            }
            return Some(d);
        }
        // By path and body shape too, for a pixel proxied through another host.
        let shaped = r
            .body
            .iter()
            .flatten()
            .any(|(k, _)| k == "context.pixel.code" || k == "pixel_code");
        if !(api_path(&r.path) && (host_ok || shaped)) {
            return None;
        }
        let mut d = new(Role::Hit);
        for rec in &r.body {
            for (k, v) in rec {
                match k.as_str() {
                    "event" => d.event(v.clone()),
                    "context.pixel.code" | "pixel_code" => d.id(v.clone()),
                    "context.pixel.codes" => v.split('|').for_each(|c| d.id(c)),
                    _ => {}
                }
            }
        }
        for (param, field) in [
            ("context.page.url", Field::PageUrl),
            ("context.page.referrer", Field::Referrer),
            ("context.user.anonymous_id", Field::CookieId),
            ("context.userAgent", Field::UserAgent),
            ("context.user.email", Field::HashedEmail),
            ("context.user.phone_number", Field::HashedPhone),
            ("context.user.external_id", Field::ExternalId),
            (
                "auto_collected_properties.trigger_element.inner_text",
                Field::ButtonText,
            ),
            ("properties.query", Field::SearchQuery),
        ] {
            d.field(r, param, field);
        }
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    const BODY: &str = r#"{"event":"Pageview","message_id":"messageId-1","event_id":"","is_onsite":false,"timestamp":"2023-05-01T10:00:00.000Z","properties":{},"context":{"ad":{"sdk_env":"external","jsb_status":2},"user":{"anonymous_id":"01K1A8BXG7CFS8QC92XKKJD081_.tt.1","email":"3b8d9c5b1f1f3a5e8f1b0c6b2d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f901"},"pixel":{"code":"C3LTV833G487IS978FKG","runtime":"1","codes":"C3LTV833G487IS978FKG"},"page":{"url":"https://shop.example/p?x=1","referrer":"https://news.example/"},"library":{"name":"pixel.js","version":"2.1.33"},"device":{"platform":"pc"},"session_id":"sid","pageview_id":"pv","userAgent":"Mozilla/5.0","index":0}}"#;

    #[test]
    fn json_event_with_advanced_matching() {
        let d = decode(&req(
            "POST",
            "https://analytics.tiktok.com/api/v2/pixel",
            Some(BODY),
            Some("application/json"),
        ))
        .unwrap();
        assert_eq!(d.tracker, "TikTok Pixel");
        assert_eq!(d.role, Role::Hit);
        assert_eq!(d.pixel_ids, vec!["C3LTV833G487IS978FKG"]);
        assert_eq!(d.events, vec!["Pageview"]);
        for (f, e) in [
            ("page_url", "plain"),
            ("referrer", "plain"),
            ("cookie_id", "plain"),
            ("hashed_email", "sha256"),
            ("user_agent", "plain"),
        ] {
            assert!(has(&d, f, e), "{f}: {:?}", d.fields);
        }
    }

    #[test]
    fn act_endpoint_as_text_plain_and_us_host_and_v1() {
        let act = BODY.replace("Pageview", "SubmitForm");
        let d = decode(&req(
            "POST",
            "https://analytics.us.tiktok.com/api/v2/pixel/act",
            Some(&act),
            Some("text/plain;charset=UTF-8"),
        ))
        .unwrap();
        assert_eq!(d.events, vec!["SubmitForm"]);
        assert!(
            decode(&req(
                "POST",
                "https://analytics.tiktok.com/api/v1/track",
                Some(BODY),
                None
            ))
            .is_some()
        );
        assert!(
            decode(&req(
                "POST",
                "https://analytics.tiktok.com/api/v2/pixel/track",
                Some(BODY),
                None
            ))
            .is_some()
        );
    }

    #[test]
    fn loader_and_proxied_hit() {
        let d = decode(&req(
            "GET",
            "https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=C3LTV833G487IS978FKG&lib=ttq",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (d.role, d.pixel_ids.clone()),
            (Role::Loader, vec!["C3LTV833G487IS978FKG".to_string()])
        );
        let d = decode(&req(
            "POST",
            "https://t.shop.example/api/v2/pixel",
            Some(BODY),
            Some("text/plain"),
        ))
        .unwrap();
        assert_eq!(d.tracker, "TikTok Pixel");
    }

    #[test]
    fn not_tiktok() {
        assert!(decode(&req("GET", "https://www.tiktok.com/@someone", None, None)).is_none());
        assert!(
            decode(&req(
                "POST",
                "https://shop.example/api/v2/pixel",
                Some(r#"{"a":1}"#),
                None
            ))
            .is_none()
        );
    }

    #[test]
    fn the_base_code_names_its_pixel() {
        // The base code as TikTok's help centre publishes it (abridged: the methods list).
        let base = "!function (w, d, t) { w.TiktokAnalyticsObject=t;var ttq=w[t]=w[t]||[];ttq.methods=[\"page\",\"track\"];ttq.load=function(e,n){var r=\"https://analytics.tiktok.com/i18n/pixel/events.js\"};\n  ttq.load('CDEMOTT0PIXEL0000001');\n  ttq.page();\n}(window, document, 'ttq');";
        let d = TikTok.inline(base).remove(0);
        assert_eq!(d.pixel_ids, ["CDEMOTT0PIXEL0000001"]);
        let queued = "window.ttq = window.ttq || []; ttq.push(['load', 'C2']); ttq.page();";
        assert_eq!(TikTok.inline(queued).remove(0).pixel_ids, ["C2"]);
        assert!(TikTok.inline("var x = 1;").is_empty());
    }
}
