//! Sentry (@sentry/browser): envelopes (`\n`-separated JSON: a header, then each item's
//! header `{"type":…}` and payload) posted to `/api/<project>/envelope/?sentry_key=<public
//! key>&sentry_version=7&sentry_client=…` (the older `/api/<project>/store/` took one event),
//! on `o<org>.ingest.sentry.io`, `o<org>.ingest.us.sentry.io`, or a Sentry of the site's own
//! (self-hosted); a tunnel on the site's host carries the DSN in the envelope's header instead.
//! The public key and the project are the IDs, the items' types the events (`event`,
//! `transaction`, `session`, `replay_event`, …).

use super::spec::{NONE, Spec, anywhere, at, capture};
use super::{Decoded, claim};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// The items' types (each item header line of the envelope) and, for a tunnel, the public key
/// and project of the DSN its header names.
fn envelope(r: &RequestView, d: &mut Decoded) {
    for line in r.body_text.lines() {
        let Ok(serde_json::Value::Object(o)) = serde_json::from_str::<serde_json::Value>(line)
        else {
            continue;
        };
        if o.len() <= 3
            && let Some(t) = o.get("type").and_then(|t| t.as_str())
        {
            d.event(t.to_string());
        }
        if let Some(dsn) = o.get("dsn").and_then(|x| x.as_str())
            && let Ok(u) = url::Url::parse(dsn)
        {
            d.id(u.username().to_string());
            if let Some(p) = capture("**/{}", u.path()) {
                d.id(p.to_string());
            }
        }
    }
}

/// The Sentry decoder.
pub static SENTRY: Spec = Spec {
    name: "sentry",
    tracker: "Sentry",
    company: "Functional Software",
    category: "utility",
    claims: &[
        claim(
            "ingest.sentry.io",
            "Sentry",
            "Functional Software",
            "utility",
        ),
        claim(
            "ingest.us.sentry.io",
            "Sentry",
            "Functional Software",
            "utility",
        ),
        claim(
            "ingest.de.sentry.io",
            "Sentry",
            "Functional Software",
            "utility",
        ),
        claim("sentry-cdn.com", "Sentry", "Functional Software", "utility"),
    ],
    loaders: &[at("sentry-cdn.com", "*.js")],
    hits: &[
        anywhere("/api/", &["sentry_key"]),
        anywhere("/api/", &["sentry_version"]),
        anywhere("", &["dsn", "sdk.name^sentry."]),
        at("sentry.io", "/api/"),
    ],
    ids: &["sentry_key"],
    path_ids: &["/api/{}/envelope/**", "/api/{}/store/**", "/{}.min.js"],
    fields: &[
        ("request.url", Field::PageUrl),
        ("request.headers.Referer", Field::Referrer),
        ("request.headers.User-Agent", Field::UserAgent),
        ("attrs.user_agent", Field::UserAgent),
        ("user.email", Field::PlainEmail),
        ("user.id", Field::ExternalId),
    ],
    domains: &["sentry.io"],
    extra: Some(envelope),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// An error envelope as @sentry/browser serialises it (the envelope of the unpack tests,
    /// read from @sentry/core's `serializeEnvelope`), to Sentry's ingest host with the query
    /// its `getEnvelopeEndpointWithUrlEncodedAuth` writes (getsentry/sentry-javascript's test
    /// of it), to a self-hosted Sentry, and through a tunnel that names the DSN.
    #[test]
    fn envelopes_wherever_they_go() {
        let env = [
            r#"{"event_id":"9f1c2b3a4d5e4f60a1b2c3d4e5f60718","sent_at":"2026-12-06T10:15:02.120Z","sdk":{"name":"sentry.javascript.browser","version":"7.120.1"}}"#,
            r#"{"type":"event"}"#,
            r#"{"level":"error","event_id":"9f1c2b3a4d5e4f60a1b2c3d4e5f60718","platform":"javascript","request":{"url":"https://shop.example/cart","headers":{"User-Agent":"Mozilla/5.0","Referer":"https://shop.example/"}}}"#,
        ]
        .join("\n");
        for host in [
            "o4506426275790848.ingest.us.sentry.io",
            "sentry.shop-errors.example",
        ] {
            let u = format!(
                "https://{host}/api/4507140925882368/envelope/?sentry_key=6462a315e56003539598a3441f5632e8&sentry_version=7&sentry_client=sentry.javascript.browser%2F7.120.3"
            );
            let d = decode(&req(
                "POST",
                &u,
                Some(&env),
                Some("text/plain;charset=UTF-8"),
            ))
            .unwrap();
            assert_eq!((d.tracker, d.role), ("Sentry", Role::Hit), "{host}");
            assert_eq!(
                d.pixel_ids,
                ["6462a315e56003539598a3441f5632e8", "4507140925882368"]
            );
            assert_eq!(d.events, ["event"]);
            for f in ["page_url", "referrer", "user_agent"] {
                assert!(has(&d, f, "plain"), "{f}");
            }
        }
        let tunnelled = env.replacen(
            r#""sent_at""#,
            r#""dsn":"https://6462a315e56003539598a3441f5632e8@o4506426275790848.ingest.us.sentry.io/4507140925882368","sent_at""#,
            1,
        );
        let d = decode(&req(
            "POST",
            "https://shop.example/monitoring",
            Some(&tunnelled),
            Some("text/plain;charset=UTF-8"),
        ))
        .unwrap();
        assert_eq!(
            d.pixel_ids,
            ["6462a315e56003539598a3441f5632e8", "4507140925882368"]
        );
    }
}
