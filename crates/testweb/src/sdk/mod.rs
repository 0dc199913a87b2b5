//! The SDK web: sites that run real, unmodified vendor browser SDKs from the npm registry
//! (`make sdk` builds them into `target/sdk`, see sdk/README.md), each initialised through
//! its documented options with the fixed project keys below, and the vendors' configuration
//! and ingestion endpoints answered on their real host names well enough that each SDK runs
//! its normal flow. The server's request log is the ground truth ([`truth`] decodes it).
//!
//! Every page has a contact form (e-mail, phone, name, message; on `change` the site hands
//! the values to its SDKs' identify / user-property calls, as real sites do), a search box
//! and three internal links. Pages answer with `Referrer-Policy: unsafe-url`, so every
//! request a page sends names that page in its `Referer` (the e2e test uses it to hold each
//! stored request to the page that sent it).

mod endpoints;
pub mod pages;
pub mod truth;

pub use endpoints::route;
pub use pages::page;

use std::path::PathBuf;

/// A vendor SDK of the SDK web.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sdk {
    /// posthog-js, from PostHog's asset CDN.
    PostHog,
    /// @amplitude/analytics-browser, from Amplitude's CDN.
    Amplitude,
    /// mixpanel-browser, from Mixpanel's CDN (with its loader stub).
    Mixpanel,
    /// @segment/analytics-next, Segment's standalone bundle from its CDN.
    Segment,
    /// @snowplow/browser-tracker, in the site's own bundle.
    Snowplow,
    /// @datadog/browser-rum with session replay, from Datadog's CDN.
    Datadog,
    /// @sentry/browser with tracing and replay, in the site's own bundle.
    Sentry,
    /// clarity-js, from Clarity's CDN.
    Clarity,
    /// @microsoft/applicationinsights-web, from Azure's CDN.
    AppInsights,
    /// plausible-tracker, in the site's own bundle.
    Plausible,
    /// @rudderstack/analytics-js (the bundled npm build), in the site's own bundle.
    RudderStack,
    /// @mparticle/web-sdk, from mParticle's CDN.
    MParticle,
    /// @adobe/alloy (Adobe Experience Platform Web SDK), from Adobe's CDN.
    Alloy,
    /// @newrelic/browser-agent, in the site's own bundle.
    NewRelic,
}

impl Sdk {
    /// Every SDK.
    pub const ALL: [Sdk; 14] = [
        Sdk::PostHog,
        Sdk::Amplitude,
        Sdk::Mixpanel,
        Sdk::Segment,
        Sdk::Snowplow,
        Sdk::Datadog,
        Sdk::Sentry,
        Sdk::Clarity,
        Sdk::AppInsights,
        Sdk::Plausible,
        Sdk::RudderStack,
        Sdk::MParticle,
        Sdk::Alloy,
        Sdk::NewRelic,
    ];

    /// The vendor's name.
    pub fn name(self) -> &'static str {
        match self {
            Sdk::PostHog => "PostHog",
            Sdk::Amplitude => "Amplitude",
            Sdk::Mixpanel => "Mixpanel",
            Sdk::Segment => "Segment",
            Sdk::Snowplow => "Snowplow",
            Sdk::Datadog => "Datadog RUM",
            Sdk::Sentry => "Sentry",
            Sdk::Clarity => "Microsoft Clarity",
            Sdk::AppInsights => "Application Insights",
            Sdk::Plausible => "Plausible",
            Sdk::RudderStack => "RudderStack",
            Sdk::MParticle => "mParticle",
            Sdk::Alloy => "Adobe Experience Platform",
            Sdk::NewRelic => "New Relic",
        }
    }

    /// The npm package.
    pub fn package(self) -> &'static str {
        match self {
            Sdk::PostHog => "posthog-js",
            Sdk::Amplitude => "@amplitude/analytics-browser",
            Sdk::Mixpanel => "mixpanel-browser",
            Sdk::Segment => "@segment/analytics-next",
            Sdk::Snowplow => "@snowplow/browser-tracker",
            Sdk::Datadog => "@datadog/browser-rum",
            Sdk::Sentry => "@sentry/browser",
            Sdk::Clarity => "clarity-js",
            Sdk::AppInsights => "@microsoft/applicationinsights-web",
            Sdk::Plausible => "plausible-tracker",
            Sdk::RudderStack => "@rudderstack/analytics-js",
            Sdk::MParticle => "@mparticle/web-sdk",
            Sdk::Alloy => "@adobe/alloy",
            Sdk::NewRelic => "@newrelic/browser-agent",
        }
    }

    /// The hosts its configuration and ingestion endpoints answer on (what it sends to;
    /// the CDN hosts it loads from are [`Sdk::cdn_hosts`]).
    pub fn hosts(self) -> &'static [&'static str] {
        match self {
            Sdk::PostHog => &["us.i.posthog.com"],
            Sdk::Amplitude => &["api2.amplitude.com", "sr-client-cfg.amplitude.com"],
            Sdk::Mixpanel => &["api-js.mixpanel.com"],
            Sdk::Segment => &["api.segment.io"],
            Sdk::Snowplow => &[SNOWPLOW_COLLECTOR],
            Sdk::Datadog => &["browser-intake-datadoghq.com"],
            Sdk::Sentry => &[SENTRY_HOST],
            Sdk::Clarity => &[CLARITY_UPLOAD_HOST],
            Sdk::AppInsights => &["dc.services.visualstudio.com"],
            Sdk::Plausible => &["plausible.io"],
            Sdk::RudderStack => &["api.rudderstack.com", RUDDER_DATAPLANE],
            Sdk::MParticle => &["jssdks.mparticle.com", "identity.mparticle.com"],
            // The Edge Network's default domain for a site without a first-party CNAME.
            Sdk::Alloy => &["adobedc.demdex.net", "edge.adobedc.net"],
            Sdk::NewRelic => &["bam.nr-data.net"],
        }
    }

    /// The vendor CDN hosts its code (or configuration) is served from.
    pub fn cdn_hosts(self) -> &'static [&'static str] {
        match self {
            Sdk::PostHog => &["us-assets.i.posthog.com"],
            Sdk::Amplitude => &["cdn.amplitude.com"],
            Sdk::Mixpanel => &["cdn.mxpnl.com"],
            Sdk::Segment => &["cdn.segment.com"],
            Sdk::Datadog => &["www.datadoghq-browser-agent.com"],
            Sdk::Clarity => &["www.clarity.ms"],
            Sdk::AppInsights => &["js.monitor.azure.com"],
            Sdk::MParticle => &["jssdkcdns.mparticle.com"],
            Sdk::Alloy => &["cdn1.adoberesources.net"],
            Sdk::Snowplow | Sdk::Sentry | Sdk::Plausible | Sdk::RudderStack | Sdk::NewRelic => &[],
        }
    }

    /// The SDK that `host` belongs to (its endpoints or its CDN).
    pub fn of_host(host: &str) -> Option<Sdk> {
        Sdk::ALL
            .into_iter()
            .find(|s| s.hosts().contains(&host) || s.cdn_hosts().contains(&host))
    }
}

/// PostHog's project API key.
pub const POSTHOG_TOKEN: &str = "phc_pcSdkWeb0PostHog0ProjectKey0000000000000";
/// Amplitude's API key.
pub const AMPLITUDE_KEY: &str = "5e1d0c4a9b3f27d68e1a0b2c3d4e5f60";
/// Mixpanel's project token.
pub const MIXPANEL_TOKEN: &str = "8c2f1e0d9b7a65432e1f0a9b8c7d6e5f";
/// Segment's write key.
pub const SEGMENT_KEY: &str = "pcSdkWebSegmentWriteKey00000001";
/// The Snowplow collector (Snowplow BDP's naming).
pub const SNOWPLOW_COLLECTOR: &str = "com-pcsdkweb-prod1.collector.snplow.net";
/// Datadog's client token and RUM application ID.
pub const DATADOG_TOKEN: &str = "pub5f0e1d2c3b4a59687766554433221100";
/// Datadog's RUM application ID.
pub const DATADOG_APP: &str = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
/// Sentry's ingest host, public key and project.
pub const SENTRY_HOST: &str = "o4507123.ingest.sentry.io";
/// Sentry's public key.
pub const SENTRY_KEY: &str = "3f2e1d0c9b8a76543210fedcba987654";
/// Sentry's project ID.
pub const SENTRY_PROJECT: &str = "4507123456";
/// Clarity's project ID.
pub const CLARITY_PROJECT: &str = "pcsdkweb01";
/// Where Clarity uploads.
pub const CLARITY_UPLOAD_HOST: &str = "k.clarity.ms";
/// Application Insights' instrumentation key.
pub const APPINSIGHTS_KEY: &str = "7d3c2b1a-0f9e-4d8c-b7a6-5e4d3c2b1a09";
/// RudderStack's write key.
pub const RUDDER_KEY: &str = "2pcSdkWebRudderWriteKey0001";
/// RudderStack's data plane.
pub const RUDDER_DATAPLANE: &str = "pcsdkweb.dataplane.rudderstack.com";
/// mParticle's API key.
pub const MPARTICLE_KEY: &str = "us1-5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d";
/// Adobe's datastream (edge configuration) ID.
pub const ALLOY_DATASTREAM: &str = "3e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b";
/// Adobe's IMS organisation.
pub const ALLOY_ORG: &str = "5A4B3C2D1E0F9A8B7C6D5E4F@AdobeOrg";
/// New Relic's browser licence key.
pub const NEWRELIC_KEY: &str = "NRJS-5e4d3c2b1a0f9e8d7c6";
/// New Relic's application ID.
pub const NEWRELIC_APP: &str = "601234567";

/// A site of the SDK web.
#[derive(Clone, Copy, Debug)]
pub struct SdkSite {
    /// Rank in the SDK web's list.
    pub rank: u64,
    /// Host name.
    pub domain: &'static str,
    /// What the site is (its pages' headline).
    pub about: &'static str,
    /// The SDKs it runs.
    pub sdks: &'static [Sdk],
}

const fn site(
    rank: u64,
    domain: &'static str,
    about: &'static str,
    sdks: &'static [Sdk],
) -> SdkSite {
    SdkSite {
        rank,
        domain,
        about,
        sdks,
    }
}

/// The SDK web's sites: every SDK on one to three sites, most sites with two or three.
pub const SITES: &[SdkSite] = &[
    site(1, "notebook-app.test", "Notes that sync", &[Sdk::PostHog]),
    site(
        2,
        "fitness-club.test",
        "Classes near you",
        &[Sdk::Amplitude],
    ),
    site(
        3,
        "market-stall.test",
        "Handmade goods",
        &[Sdk::Mixpanel, Sdk::Sentry],
    ),
    site(
        4,
        "help-desk.test",
        "Support software",
        &[Sdk::Segment, Sdk::Datadog],
    ),
    site(
        5,
        "daily-courier.test",
        "News every morning",
        &[Sdk::Snowplow, Sdk::Plausible],
    ),
    site(
        6,
        "travel-deals.test",
        "Cheap flights",
        &[Sdk::Clarity, Sdk::AppInsights],
    ),
    site(
        7,
        "saas-metrics.test",
        "Dashboards for teams",
        &[Sdk::PostHog, Sdk::Sentry, Sdk::Datadog],
    ),
    site(8, "recipe-box.test", "Dinner ideas", &[Sdk::RudderStack]),
    site(
        9,
        "sport-shop.test",
        "Running gear",
        &[Sdk::MParticle, Sdk::Amplitude],
    ),
    site(
        10,
        "media-hub.test",
        "Films and series",
        &[Sdk::Alloy, Sdk::NewRelic],
    ),
    site(
        11,
        "dev-journal.test",
        "Notes on programming",
        &[Sdk::Plausible, Sdk::Clarity, Sdk::Mixpanel],
    ),
    site(
        12,
        "online-bank.test",
        "Banking made simple",
        &[Sdk::NewRelic, Sdk::Segment],
    ),
    site(
        13,
        "garden-supply.test",
        "Seeds and tools",
        &[Sdk::Snowplow, Sdk::AppInsights, Sdk::RudderStack],
    ),
    site(
        14,
        "event-tickets.test",
        "Concerts and shows",
        &[Sdk::Alloy, Sdk::MParticle],
    ),
];

/// The SDK web's site at `host`.
pub fn find(host: &str) -> Option<&'static SdkSite> {
    SITES.iter().find(|s| s.domain == host)
}

/// True when `host` is the SDK web's: a site, or a vendor endpoint or CDN it answers.
pub fn serves(host: &str) -> bool {
    find(host).is_some() || Sdk::of_host(host).is_some()
}

/// The SDK web's list in Tranco format.
pub fn tranco_csv() -> String {
    SITES
        .iter()
        .map(|s| format!("{},{}\n", s.rank, s.domain))
        .collect()
}

/// Where `make sdk` put the vendor files: `PIXELCENSUS_SDK_DIR`, else `target/sdk` of this
/// source tree (two folders above this crate's, named without `..`: files are served only
/// from paths that have none).
pub fn dir() -> PathBuf {
    std::env::var_os("PIXELCENSUS_SDK_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let tree = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
            let root = tree.parent().and_then(|p| p.parent()).unwrap_or(tree);
            root.join("target").join("sdk")
        })
}

/// True when the vendor files are built (`make sdk`).
pub fn available() -> bool {
    dir().join("SHA256SUMS").is_file()
}

/// The version sdk/package.json pins for `package`.
pub fn version(package: &str) -> String {
    let pinned: serde_json::Value =
        serde_json::from_str(include_str!("../../../../sdk/package.json")).unwrap_or_default();
    pinned["dependencies"][package]
        .as_str()
        .unwrap_or("0")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sdk_is_pinned_and_on_a_site() {
        for s in Sdk::ALL {
            assert_ne!(version(s.package()), "0", "{} is not pinned", s.package());
            assert!(
                SITES.iter().any(|site| site.sdks.contains(&s)),
                "{s:?} is on no site"
            );
        }
    }

    #[test]
    fn hosts_belong_to_one_sdk() {
        for s in Sdk::ALL {
            for h in s.hosts().iter().chain(s.cdn_hosts()) {
                assert_eq!(Sdk::of_host(h), Some(s), "{h}");
                assert!(crate::sites::find(h).is_none(), "{h}");
            }
        }
    }
}
