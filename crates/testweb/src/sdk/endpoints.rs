//! The vendors' side of the SDK web: their CDN files (from `make sdk`'s `target/sdk`), and
//! their configuration and ingestion endpoints answered as the SDKs expect, so each runs its
//! normal flow (identity, batching, retries, replay).

use super::*;
use crate::{Body, GIF, respond};
use hyper::Response;
use hyper::header::HeaderValue;

/// The answer of the SDK web to a request, or None when it is not the SDK web's (the
/// imitations of the main test web share two hosts with it: cdn.segment.com's loader of
/// another write key, and Clarity's tag).
pub fn route(
    method: &str,
    host: &str,
    path_q: &str,
    headers: &hyper::HeaderMap,
    body: &[u8],
) -> Option<Response<Body>> {
    let (path, query) = match path_q.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_q, None),
    };
    if let Some(site) = find(host) {
        return Some(site_file(site, path, query));
    }
    let sdk = Sdk::of_host(host)?;
    if method == "OPTIONS" {
        return Some(preflight(headers));
    }
    if sdk.cdn_hosts().contains(&host) {
        return cdn(sdk, host, path);
    }
    Some(ingest(sdk, host, path, body))
}

/// A site's page, its own bundle, or its contact form's answer.
fn site_file(site: &SdkSite, path: &str, query: Option<&str>) -> Response<Body> {
    if let Some(name) = path
        .strip_prefix("/assets/")
        .and_then(|n| n.strip_suffix(".js"))
    {
        return file(&dir().join("app").join(format!("{name}.js")));
    }
    if path == "/" {
        let mut r = respond(302, "text/html", "<!doctype html><title>Moved</title>");
        r.headers_mut()
            .insert("Location", HeaderValue::from_static(pages::FRONT));
        return r;
    }
    match page(site.domain, path, query) {
        Some(html) => {
            let mut r = respond(200, "text/html; charset=utf-8", html);
            r.headers_mut()
                .insert("Referrer-Policy", HeaderValue::from_static("unsafe-url"));
            r
        }
        None if path == "/favicon.ico" => respond(404, "text/plain", "no favicon"),
        None => respond(404, "text/html", "<!doctype html><title>Not found</title>"),
    }
}

/// A file of `target/sdk`, as JavaScript (404 when missing: `make sdk` not run).
fn file(p: &std::path::Path) -> Response<Body> {
    let safe = !p.components().any(|c| c == std::path::Component::ParentDir);
    match std::fs::read(p) {
        Ok(bytes) if safe => respond(200, "application/javascript", bytes),
        _ => respond(
            404,
            "text/plain",
            format!("{} is not built: run `make sdk`", p.display()),
        ),
    }
}

fn preflight(headers: &hyper::HeaderMap) -> Response<Body> {
    let mut r = respond(204, "text/plain", "");
    let h = r.headers_mut();
    h.insert(
        "Access-Control-Allow-Methods",
        HeaderValue::from_static("GET, POST, PUT, OPTIONS"),
    );
    if let Some(asked) = headers.get("access-control-request-headers") {
        h.insert("Access-Control-Allow-Headers", asked.clone());
    }
    h.insert("Access-Control-Max-Age", HeaderValue::from_static("600"));
    r
}

/// The vendor's CDN: its files, and the configuration some SDKs fetch from there.
fn cdn(sdk: Sdk, host: &str, path: &str) -> Option<Response<Body>> {
    let root = dir().join("cdn").join(host);
    match (sdk, path) {
        (Sdk::Segment, p) if p.starts_with("/analytics.js/v1/") => {
            let key = p
                .strip_prefix("/analytics.js/v1/")?
                .strip_suffix("/analytics.min.js")?;
            (key == SEGMENT_KEY).then(|| file(&root.join("analytics-next/bundles/standalone.js")))
        }
        (Sdk::Segment, p) if p == format!("/v1/projects/{SEGMENT_KEY}/settings") => {
            Some(json(200, &segment_settings()))
        }
        (Sdk::Segment, p) if !p.starts_with("/analytics-next/") => None,
        (Sdk::Clarity, p) if !p.starts_with("/s/") => None,
        (Sdk::PostHog, p) if p.starts_with("/array/") => Some(posthog_config(p)),
        // Extensions are asked for under the SDK's version too (`/static/1.2.3/x.js`).
        (Sdk::PostHog, p) if p.matches('/').count() == 3 => {
            let name = p.rsplit('/').next().unwrap_or("");
            Some(file(&root.join("static").join(name)))
        }
        (Sdk::AppInsights, p) if p.ends_with(".cfg.json") => {
            Some(json(200, &serde_json::json!({})))
        }
        (Sdk::MParticle, p) if p.starts_with("/JS/v2/") || p.contains("/config") => {
            Some(json(200, &serde_json::json!({})))
        }
        _ => Some(file(&root.join(path.trim_start_matches('/')))),
    }
}

fn json(status: u16, v: &serde_json::Value) -> Response<Body> {
    respond(status, "application/json", v.to_string())
}

/// Milliseconds since the Unix epoch.
fn now_ms() -> u64 {
    (crate::now() * 1000.0) as u64
}

/// What a vendor's ingestion or configuration endpoint answers.
fn ingest(sdk: Sdk, host: &str, path: &str, body: &[u8]) -> Response<Body> {
    use serde_json::json;
    match sdk {
        Sdk::PostHog if path.starts_with("/flags") || path.starts_with("/decide") => {
            json(200, &posthog_flags())
        }
        Sdk::PostHog => json(200, &json!({ "status": 1 })),
        Sdk::Amplitude if host == "api2.amplitude.com" => json(
            200,
            &json!({ "code": 200, "events_ingested": 1, "payload_size_bytes": body.len(), "server_upload_time": now_ms() }),
        ),
        Sdk::Amplitude => json(200, &json!({})),
        Sdk::Mixpanel if path.starts_with("/flags") => json(200, &json!({ "flags": {} })),
        Sdk::Mixpanel => json(200, &json!({ "status": 1, "error": null })),
        Sdk::Segment => json(200, &json!({ "success": true })),
        Sdk::Snowplow if path == "/i" => respond(200, "image/gif", GIF),
        Sdk::Snowplow => respond(200, "text/plain", "ok"),
        Sdk::Datadog => json(202, &json!({})),
        Sdk::Sentry => json(200, &json!({ "id": "00000000000000000000000000000000" })),
        Sdk::Clarity => respond(204, "text/plain", ""),
        Sdk::AppInsights => {
            let n = serde_json::from_slice::<Vec<serde_json::Value>>(body)
                .map(|v| v.len())
                .unwrap_or(1);
            json(
                200,
                &json!({ "itemsReceived": n, "itemsAccepted": n, "appId": null, "errors": [] }),
            )
        }
        Sdk::Plausible => respond(202, "text/plain", "ok"),
        Sdk::RudderStack if path.starts_with("/sourceConfig") => json(200, &rudder_config()),
        Sdk::RudderStack => respond(200, "text/plain", "OK"),
        Sdk::MParticle if host == "identity.mparticle.com" => json(
            200,
            &json!({ "context": null, "matched_identities": {}, "is_ephemeral": false, "mpid": "-4521869054331512345", "is_logged_in": path.ends_with("/login") }),
        ),
        Sdk::MParticle => respond(202, "text/plain", ""),
        Sdk::Alloy => json(200, &alloy_answer(path)),
        Sdk::NewRelic if path.starts_with("/1/") => json(
            200,
            &json!({ "st": 1, "err": 1, "ins": 1, "spa": 1, "sr": 1, "sts": 1, "srs": 1, "loaded": 1,
                "app": { "agents": [{ "entityGuid": "MzQ1Njc4OXxCUk9XU0VSfEFQUExJQ0FUSU9OfDYwMTIzNDU2Nw" }], "nrServerTime": now_ms() } }),
        ),
        Sdk::NewRelic => respond(200, "text/plain", ""),
    }
}

fn posthog_flags() -> serde_json::Value {
    serde_json::json!({
        "config": { "enable_collect_everything": true },
        "featureFlags": {}, "featureFlagPayloads": {}, "flags": {},
        "errorsWhileComputingFlags": false,
        "supportedCompression": ["gzip", "gzip-js"],
        "autocapture_opt_out": false,
        "capturePerformance": false,
        "sessionRecording": posthog_recording(),
        "heatmaps": false,
        "surveys": false,
        "siteApps": [],
        "toolbarParams": {}, "isAuthenticated": false,
    })
}

/// The project records sessions (to `/s/`, all of them).
fn posthog_recording() -> serde_json::Value {
    serde_json::json!({
        "endpoint": "/s/", "consoleLogRecordingEnabled": false, "recorderVersion": "v2",
        "sampleRate": null, "minimumDurationMilliseconds": null, "linkedFlag": null,
        "networkPayloadCapture": null, "masking": null, "urlTriggers": [],
    })
}

/// PostHog's remote configuration from its asset CDN (`/array/<token>/config(.js)`).
fn posthog_config(path: &str) -> Response<Body> {
    let cfg = serde_json::json!({
        "token": POSTHOG_TOKEN,
        "supportedCompression": ["gzip", "gzip-js"],
        "hasFeatureFlags": false,
        "captureDeadClicks": false,
        "capturePerformance": false,
        "autocapture_opt_out": false,
        "autocaptureExceptions": false,
        "analytics": { "endpoint": "/i/v0/e/" },
        "elementsChainAsString": true,
        "sessionRecording": posthog_recording(),
        "heatmaps": false,
        "surveys": false,
        "defaultIdentifiedOnly": true,
        "siteApps": [],
    });
    if path.ends_with(".js") {
        let js = format!(
            "(function() {{ window._POSTHOG_REMOTE_CONFIG = window._POSTHOG_REMOTE_CONFIG || {{}}; window._POSTHOG_REMOTE_CONFIG[{t}] = {{ config: {cfg}, siteApps: [] }}; }})();",
            t = serde_json::json!(POSTHOG_TOKEN)
        );
        respond(200, "application/javascript", js)
    } else {
        json(200, &cfg)
    }
}

fn segment_settings() -> serde_json::Value {
    serde_json::json!({
        "integrations": { "Segment.io": {
            "apiKey": SEGMENT_KEY, "unbundledIntegrations": [], "addBundledMetadata": true,
            "maybeBundledConfigIds": {}, "versionSettings": { "version": "4.4.7", "componentTypes": ["browser"] },
            "apiHost": "api.segment.io/v1", "protocol": "https" } },
        "plan": { "track": { "__default": { "enabled": true, "integrations": {} } },
                  "identify": { "__default": { "enabled": true } },
                  "group": { "__default": { "enabled": true } } },
        "edgeFunction": {}, "analyticsNextEnabled": true, "middlewareSettings": {},
        "enabledMiddleware": {}, "metrics": { "sampleRate": 0 }, "legacyVideoPluginsEnabled": false,
        "remotePlugins": []
    })
}

fn rudder_config() -> serde_json::Value {
    serde_json::json!({
        "isHosted": true,
        "source": {
            "id": "2pcSdkWebRudderSource01", "name": "SDK web", "writeKey": RUDDER_KEY,
            "config": { "statsCollection": { "errors": { "enabled": false }, "metrics": { "enabled": false } } },
            "enabled": true, "workspaceId": "2pcSdkWebWorkspace0001", "deleted": false,
            "destinations": []
        }
    })
}

/// Adobe Edge's answer: the visitor's ECID and the cookie it keeps it in.
fn alloy_answer(path: &str) -> serde_json::Value {
    let org = ALLOY_ORG.replace('@', "_");
    let ecid = "48291023746510293847561029384756102938";
    let mut handle = vec![
        serde_json::json!({ "payload": [{ "id": ecid, "namespace": { "code": "ECID" } }], "type": "identity:result" }),
        serde_json::json!({ "payload": [
            { "key": format!("kndctr_{org}_identity"), "value": "CiY0ODI5MTAyMzc0NjUxMDI5Mzg0NzU2MTAyOTM4NDc1NjEwMjkzOFIRCL", "maxAge": 34128000 },
            { "key": format!("kndctr_{org}_cluster"), "value": "irl1", "maxAge": 1800 }
        ], "type": "state:store" }),
        serde_json::json!({ "payload": [{ "scope": "EdgeNetwork", "hint": "irl1", "ttlSeconds": 1800 }], "type": "locationHint:result" }),
    ];
    if path.ends_with("/collect") {
        handle.clear();
    }
    serde_json::json!({ "requestId": "5b4c3d2e-1f0a-4b9c-8d7e-6f5a4b3c2d1e", "handle": handle })
}
