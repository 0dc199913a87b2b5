//! The SDK web's pages: each SDK's tags as its docs set it up, the contact form whose
//! `change` hands the visitor's values to the SDKs, a search box and three internal links.

use super::*;

/// The internal pages every site links to (one per first path segment, so the crawler may
/// follow any two), with their headlines.
pub const INTERNAL: &[(&str, &str)] = &[
    ("/pricing", "Pricing"),
    ("/blog/launch", "We have launched"),
    ("/about", "About us"),
];

/// The front page's path: `/` redirects there, so the front page's URL is never just the
/// site's origin (the `Referer` an SDK's `referrerPolicy: "origin"` request carries).
pub const FRONT: &str = "/en/";

/// The title of `path` on `site` (the search results name the query).
pub fn title(site: &SdkSite, path: &str, query: Option<&str>) -> String {
    let what = match path {
        FRONT => site.about.to_string(),
        "/search" => format!("Search results for {}", query.unwrap_or("")),
        p => INTERNAL
            .iter()
            .find(|(q, _)| *q == p)
            .map(|(_, t)| t.to_string())
            .unwrap_or_default(),
    };
    format!("{what} – {}", site.domain)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page at `path` of the SDK web's `host`, or None when the site has no such page.
pub fn page(host: &str, path: &str, query: Option<&str>) -> Option<String> {
    let site = find(host)?;
    if path != FRONT && path != "/search" && !INTERNAL.iter().any(|(p, _)| *p == path) {
        return None;
    }
    let q = query.and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "q")
            .map(|(_, v)| v.into_owned())
    });
    let title = escape(&title(site, path, q.as_deref()));
    let head: String = site.sdks.iter().map(|s| head(*s, site)).collect();
    let hooks: Vec<String> = site.sdks.iter().map(|s| hook(*s)).collect();
    let nav: String = INTERNAL
        .iter()
        .map(|(p, t)| format!("<a href=\"{p}\">{t}</a> "))
        .collect();
    let lorem = "<p>Everything you need, in one place. Read what our customers say, compare the \
        plans, or write to us with the form below; we answer within a day. This paragraph is \
        long enough to wrap a few times so that the page scrolls as a real one does.</p>"
        .repeat(5);
    Some(format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
{head}</head>
<body><header><nav><a href="{FRONT}">Home</a> {nav}</nav>
<form role="search" action="/search" method="get"><input type="search" name="q" id="q" placeholder="Search"><button type="submit">Search</button></form></header>
<main><h1>{title}</h1>{lorem}
<form id="contact" action="/contact" method="post"><h2>Contact us</h2>
<label>Email <input type="email" name="email" id="email" autocomplete="email"></label>
<label>Phone <input type="tel" name="phone" id="phone" autocomplete="tel"></label>
<label>Name <input type="text" name="full_name" id="full_name" autocomplete="name"></label>
<label>Message <textarea name="message" id="message"></textarea></label>
<button type="submit">Send</button></form>{lorem}</main>
<script>
(function () {{
  var hooks = [{hooks}];
  function val(id) {{ return document.getElementById(id).value; }}
  ["email", "phone", "full_name"].forEach(function (id) {{
    document.getElementById(id).addEventListener("change", function () {{
      var u = {{ email: val("email"), phone: val("phone"), name: val("full_name"), field: id }};
      hooks.forEach(function (h) {{ try {{ h(u); }} catch (e) {{ console.error(e); }} }});
    }});
  }});
}})();
</script></body></html>
"#,
        hooks = hooks.join(",\n")
    ))
}

/// The SDK's tags in the page's head: its script and its initialisation.
fn head(sdk: Sdk, site: &SdkSite) -> String {
    let d = site.domain;
    match sdk {
        Sdk::PostHog => format!(
            r#"<script src="https://us-assets.i.posthog.com/static/array.js"></script>
<script>posthog.init("{POSTHOG_TOKEN}", {{ api_host: "https://us.i.posthog.com", person_profiles: "identified_only", autocapture: true, capture_pageview: true, capture_pageleave: true, session_recording: {{ maskAllInputs: false }} }});</script>
"#
        ),
        Sdk::Amplitude => format!(
            r#"<script src="https://cdn.amplitude.com/libs/analytics-browser-{v}-min.js"></script>
<script>amplitude.init("{AMPLITUDE_KEY}", {{ autocapture: {{ attribution: true, pageViews: true, sessions: true, formInteractions: true, fileDownloads: true, elementInteractions: false }} }});</script>
"#,
            v = version(sdk.package())
        ),
        Sdk::Mixpanel => format!(
            r#"<script>window.mixpanel = window.mixpanel || []; mixpanel.__SV = 1.2; mixpanel._i = []; mixpanel.init = function (token, config, name) {{ mixpanel._i.push([token, config, name]); }};
mixpanel.init("{MIXPANEL_TOKEN}", {{ track_pageview: true, persistence: "cookie", api_host: "https://api-js.mixpanel.com" }});</script>
<script src="https://cdn.mxpnl.com/libs/mixpanel-2-latest.min.js"></script>
"#
        ),
        Sdk::Segment => segment_head(),
        Sdk::Snowplow => format!(
            r#"<script src="/assets/snowplow.js"></script>
<script>snowplow.newTracker("sp", "https://{SNOWPLOW_COLLECTOR}", {{ appId: "{d}", platform: "web", cookieSameSite: "Lax", contexts: {{ webPage: true }} }});
snowplow.enableActivityTracking({{ minimumVisitLength: 2, heartbeatDelay: 2 }});
snowplow.trackPageView();</script>
"#
        ),
        Sdk::Datadog => format!(
            // crossorigin: the recorder is a chunk the bundle imports relative to itself, which
            // a no-cors script cannot do.
            r#"<script src="https://www.datadoghq-browser-agent.com/us1/v7/datadog-rum.js" crossorigin="anonymous"></script>
<script>DD_RUM.init({{ clientToken: "{DATADOG_TOKEN}", applicationId: "{DATADOG_APP}", site: "datadoghq.com", service: "{d}", env: "prod", version: "1.0.0", sessionSampleRate: 100, sessionReplaySampleRate: 100, trackUserInteractions: true, trackResources: true, trackLongTasks: true, defaultPrivacyLevel: "allow", compressIntakeRequests: {compress} }});</script>
"#,
            // One site sends its RUM events deflated, as the option allows.
            compress = d == "saas-metrics.test"
        ),
        Sdk::Sentry => format!(
            r#"<script src="/assets/sentry.js"></script>
<script>Sentry.init({{ dsn: "https://{SENTRY_KEY}@{SENTRY_HOST}/{SENTRY_PROJECT}", sendDefaultPii: true, integrations: [Sentry.browserTracingIntegration(), Sentry.replayIntegration({{ maskAllText: false, maskAllInputs: false, blockAllMedia: false, minReplayDuration: 0, flushMinDelay: 1000, flushMaxDelay: 1500 }})], tracesSampleRate: 1.0, replaysSessionSampleRate: 1.0, replaysOnErrorSampleRate: 1.0 }});</script>
"#
        ),
        Sdk::Clarity => format!(
            r#"<script>window.clarity = window.clarity || function () {{ (window.clarity.q = window.clarity.q || []).push(arguments); }};
clarity("start", {{ projectId: "{CLARITY_PROJECT}", upload: "https://{CLARITY_UPLOAD_HOST}/collect", expire: 365, cookies: ["_uetmsclkid", "_uetvid"], track: true, content: true }});</script>
<script src="https://www.clarity.ms/s/{v}/clarity.js"></script>
"#,
            v = version(sdk.package())
        ),
        Sdk::AppInsights => format!(
            r#"<script src="https://js.monitor.azure.com/scripts/b/ai.3.gbl.min.js"></script>
<script>window.appInsights = new Microsoft.ApplicationInsights.ApplicationInsights({{ config: {{ connectionString: "InstrumentationKey={APPINSIGHTS_KEY};IngestionEndpoint=https://dc.services.visualstudio.com/", enableAutoRouteTracking: true, enableUnhandledPromiseRejectionTracking: true }} }});
appInsights.loadAppInsights(); appInsights.trackPageView();</script>
"#
        ),
        Sdk::Plausible => r#"<script src="/assets/plausible.js"></script>
<script>window.plausible = Plausible({ domain: location.hostname, apiHost: "https://plausible.io" }); plausible.enableAutoPageviews(); plausible.enableAutoOutboundTracking();</script>
"#
        .to_string(),
        Sdk::RudderStack => format!(
            r#"<script src="/assets/rudderstack.js"></script>
<script>window.rudder = new rudderanalytics.RudderAnalytics(); rudder.load("{RUDDER_KEY}", "https://{RUDDER_DATAPLANE}", {{ logLevel: "ERROR" }}); rudder.page();</script>
"#
        ),
        Sdk::MParticle => format!(
            r#"<script src="https://jssdkcdns.mparticle.com/js/v2/mparticle.js"></script>
<script>mParticle.init("{MPARTICLE_KEY}", {{ isDevelopmentMode: false, logLevel: "none" }}); mParticle.logPageView("Page view", {{ path: location.pathname }});</script>
"#
        ),
        Sdk::Alloy => alloy_head(),
        Sdk::NewRelic => newrelic_head(),
    }
}

/// Adobe's Web SDK: a queue of our own under `__alloyNS`, as its base code makes one.
fn alloy_head() -> String {
    format!(
        r#"<script>(function (w) {{ (w.__alloyNS = w.__alloyNS || []).push("alloy"); w.alloy = function () {{ var args = arguments; return new Promise(function (resolve, reject) {{ w.alloy.q.push([resolve, reject, args]); }}); }}; w.alloy.q = []; }})(window);
alloy("configure", {{ datastreamId: "{ALLOY_DATASTREAM}", orgId: "{ALLOY_ORG}", clickCollectionEnabled: true, defaultConsent: "in" }});
alloy("sendEvent", {{ xdm: {{ eventType: "web.webpagedetails.pageViews", web: {{ webPageDetails: {{ name: document.title, pageViews: {{ value: 1 }} }} }} }} }});</script>
<script async src="https://cdn1.adoberesources.net/alloy/{v}/alloy.min.js"></script>
"#,
        v = version(Sdk::Alloy.package())
    )
}

/// New Relic's options for the BrowserAgent the site's bundle starts.
fn newrelic_head() -> String {
    format!(
        r#"<script>window.NREUM_OPTIONS = {{ init: {{ privacy: {{ cookies_enabled: true }}, ajax: {{ deny_list: ["bam.nr-data.net"] }}, session_replay: {{ enabled: true, sampling_rate: 100, error_sampling_rate: 100, mask_all_inputs: false, mask_text_selector: null }} }}, info: {{ beacon: "bam.nr-data.net", errorBeacon: "bam.nr-data.net", licenseKey: "{NEWRELIC_KEY}", applicationID: "{NEWRELIC_APP}", sa: 1 }}, loader_config: {{ accountID: "3456789", trustKey: "3456789", agentID: "{NEWRELIC_APP}", licenseKey: "{NEWRELIC_KEY}", applicationID: "{NEWRELIC_APP}" }} }};</script>
<script src="/assets/newrelic.js"></script>
"#
    )
}

/// Segment's stub, as its snippet makes one: calls queue until analytics.js loads.
fn segment_head() -> String {
    format!(
        r#"<script>(function () {{
  var a = window.analytics = window.analytics || [];
  ["track", "page", "identify", "group", "alias", "reset", "ready", "once", "off", "on", "screen", "addSourceMiddleware", "addDestinationMiddleware", "setAnonymousId"].forEach(function (m) {{
    a[m] = function () {{ var args = Array.prototype.slice.call(arguments); args.unshift(m); a.push(args); return a; }};
  }});
  a.load = function (key, options) {{
    var s = document.createElement("script"); s.async = true;
    s.src = "https://cdn.segment.com/analytics.js/v1/" + key + "/analytics.min.js";
    document.head.appendChild(s); a._writeKey = key; a._loadOptions = options;
  }};
  a.SNIPPET_VERSION = "5.2.1";
  a.load("{SEGMENT_KEY}"); a.page();
}})();</script>
"#
    )
}

/// The site's call into the SDK when a contact field changes (`u`: email, phone, name and
/// the field that changed), as a JavaScript function.
fn hook(sdk: Sdk) -> String {
    let body = match sdk {
        Sdk::PostHog => {
            r#"if (u.field === "email") posthog.identify(u.email, { email: u.email }); else posthog.setPersonProperties({ phone: u.phone, name: u.name });"#
        }
        Sdk::Amplitude => {
            r#"if (u.field === "email") amplitude.setUserId(u.email); var id = new amplitude.Identify(); id.set("email", u.email); if (u.phone) id.set("phone", u.phone); if (u.name) id.set("name", u.name); amplitude.identify(id);"#
        }
        Sdk::Mixpanel => {
            r#"if (u.field === "email") mixpanel.identify(u.email); mixpanel.people.set({ $email: u.email, $phone: u.phone, $name: u.name });"#
        }
        Sdk::Segment => {
            r#"analytics.identify(u.email, { email: u.email, phone: u.phone, name: u.name });"#
        }
        Sdk::Snowplow => {
            r#"snowplow.setUserId(u.email); snowplow.trackSelfDescribingEvent({ event: { schema: "iglu:com.snowplowanalytics.snowplow/change_form/jsonschema/1-0-0", data: { formId: "contact", elementId: u.field, nodeName: "INPUT", value: u.field === "email" ? u.email : u.field === "phone" ? u.phone : u.name } } });"#
        }
        Sdk::Datadog => r#"DD_RUM.setUser({ id: u.email, email: u.email, name: u.name });"#,
        Sdk::Sentry => r#"Sentry.setUser({ email: u.email, username: u.name });"#,
        Sdk::Clarity => {
            r#"if (u.field === "email") clarity("identify", u.email, null, null, u.name); clarity("set", "contact_field", u.field);"#
        }
        Sdk::AppInsights => {
            r#"appInsights.setAuthenticatedUserContext(u.email.replace(/[,;=| ]/g, "_"), null, true); appInsights.trackEvent({ name: "contact_change", properties: { field: u.field } });"#
        }
        Sdk::Plausible => {
            r#"plausible.trackEvent("Contact started", { props: { field: u.field } });"#
        }
        Sdk::RudderStack => {
            r#"rudder.identify(u.email, { email: u.email, phone: u.phone, name: u.name });"#
        }
        Sdk::MParticle => {
            r#"if (u.field === "email") mParticle.Identity.login({ userIdentities: { email: u.email, customerid: u.email } }); else { var user = mParticle.Identity.getCurrentUser(); if (user) { user.setUserAttribute("$Mobile", u.phone); user.setUserAttribute("$FirstName", u.name); } }"#
        }
        Sdk::Alloy => {
            r#"alloy("sendEvent", { xdm: { eventType: "web.formFilledOut", identityMap: { Email: [{ id: u.email, authenticatedState: "authenticated", primary: false }] } }, data: { contact: { email: u.email, phone: u.phone, name: u.name } } });"#
        }
        Sdk::NewRelic => {
            r#"newrelicAgent.setUserId(u.email); newrelicAgent.setCustomAttribute("contact_name", u.name); newrelicAgent.addPageAction("contact_change", { field: u.field });"#
        }
    };
    format!("function (u) {{ {body} }}")
}
