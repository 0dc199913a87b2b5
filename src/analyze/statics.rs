//! Static analysis: what a front page's HTML says about its trackers, without running it (the
//! pre-scan, `pixelcensus prescan`). Reads [`StaticPage`]s and Tag Manager containers only.
//!
//! - Every script, image and frame URL goes through the same decoders as a browser crawl's
//!   requests ([`decoders::decode`]), so a loader's or a noscript pixel's IDs are read by the
//!   one place that knows the vendor; a third-party script no decoder knows is named from the
//!   entity list when its category is a tracking one.
//! - Every inline script goes through each decoder's [`decoders::Decoder::inline`] (its snippet's calls:
//!   `fbq('init', …)`, `ttq.load(…)`, `gtag('config', …)`, …), and the URLs it holds (a loader
//!   the snippet builds) through the decoders as well.
//! - A Google Tag Manager container the page loads is read the same way, and what it would
//!   inject is reported with the evidence `gtm_container` and the container as `loader`.

use super::decoders::{self, Decoded};
use super::entities::{self, Entities};
use super::party::Parties;
use super::request::RequestView;
use crate::capture::{BodyState, RawRequest, ResourceKind, ResourceType, StaticPage, Step};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One tracker a page's HTML shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StaticFinding {
    /// Tracker name (the decoders' or the entity list's, as in a browser crawl).
    pub tracker: String,
    /// Owner.
    pub company: String,
    /// Category.
    pub category: String,
    /// Pixel, tag or account IDs seen.
    pub pixel_ids: BTreeSet<String>,
    /// Where it was seen: `script_src`, `inline_script`, `img`, `noscript_img`, `iframe`,
    /// `gtm_container`.
    pub evidence: BTreeSet<&'static str>,
    /// What puts it on the page: `page` (the HTML itself) and/or the Tag Manager containers
    /// that inject it (`GTM-…`).
    pub loaders: BTreeSet<String>,
}

impl StaticFinding {
    /// Its category counts as tracking.
    pub fn is_tracker(&self) -> bool {
        entities::TRACKING_CATEGORIES.contains(&self.category.as_str())
    }
}

/// The Google Tag Manager product name (its container IDs are followed).
pub const GTM: &str = "Google Tag Manager";

/// A GET of `url` as a browser would make it for `kind`, for the decoders.
fn request(url: &str, kind: ResourceKind) -> RawRequest {
    RawRequest {
        seq: 0,
        request_id: String::new(),
        url: url.to_string(),
        method: "GET".into(),
        resource_type: match kind {
            ResourceKind::ScriptSrc | ResourceKind::InlineScript | ResourceKind::GtmContainer => {
                ResourceType::Script
            }
            ResourceKind::Img | ResourceKind::NoscriptImg => ResourceType::Image,
            ResourceKind::Iframe => ResourceType::Document,
        },
        headers: Vec::new(),
        body: None,
        body_state: BodyState::None,
        initiator: "{}".into(),
        frame_id: String::new(),
        frame_url: String::new(),
        is_main_frame: false,
        status: None,
        mime_type: None,
        response_headers: Vec::new(),
        failure: None,
        wall_time: 0.0,
        step: Step::Load,
        page: 0,
        context: Default::default(),
        sw_response: None,
        ended_at: None,
    }
}

/// The `http(s)://` URLs quoted in a script (`'https://analytics.tiktok.com/…?sdkid=…'`).
pub fn quoted_urls(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for q in ['\'', '"'] {
        for part in text.split(q).skip(1).step_by(2) {
            let u = part.trim();
            if (u.starts_with("https://") || u.starts_with("http://") || u.starts_with("//"))
                && u.len() < 2048
                && !u.contains(char::is_whitespace)
            {
                let u = if let Some(rest) = u.strip_prefix("//") {
                    format!("https://{rest}")
                } else {
                    u.to_string()
                };
                if !out.contains(&u) {
                    out.push(u);
                }
            }
        }
    }
    out
}

/// Undoes the escapes a Tag Manager container writes its tags' code with (`\x27`, `\"`,
/// `\/`, `\u003c`), so snippets inside read as in a page.
pub fn unescape_container(text: &str) -> String {
    text.replace("\\x27", "'")
        .replace("\\x22", "\"")
        .replace("\\\"", "\"")
        .replace("\\/", "/")
        .replace("\\u003c", "<")
        .replace("\\u003e", ">")
        .replace("\\u0026", "&")
}

/// True when a script holds something the static analysis reads (a decoder's snippet, or a
/// URL a decoder knows): the pre-scan keeps only such inline scripts.
pub fn worth_keeping(domain: &str, script: &str) -> bool {
    let parties = Parties::new(domain, None);
    decoders::REGISTRY
        .iter()
        .any(|d| !d.inline(script).is_empty())
        || quoted_urls(script).iter().any(|u| {
            let raw = request(u, ResourceKind::InlineScript);
            RequestView::new(&raw, &parties).is_some_and(|v| decoders::decode(&v).is_some())
        })
}

/// Findings keyed by tracker, merged as they come.
#[derive(Default)]
struct Acc {
    by: BTreeMap<String, StaticFinding>,
}

impl Acc {
    fn add(&mut self, d: &Decoded, evidence: ResourceKind, loader: &str) {
        self.put(
            d.tracker,
            d.company,
            d.category,
            &d.pixel_ids,
            evidence,
            loader,
        );
    }

    fn put(
        &mut self,
        tracker: &str,
        company: &str,
        category: &str,
        ids: &[String],
        evidence: ResourceKind,
        loader: &str,
    ) {
        let f = self
            .by
            .entry(tracker.to_string())
            .or_insert_with(|| StaticFinding {
                tracker: tracker.to_string(),
                company: company.to_string(),
                category: category.to_string(),
                ..Default::default()
            });
        f.pixel_ids.extend(ids.iter().cloned());
        f.evidence.insert(evidence.as_str());
        f.loaders.insert(loader.to_string());
    }
}

/// Reads one script's text (inline, or a container) with every decoder's snippet reader and
/// the decoders for the URLs it quotes.
fn scan_script(text: &str, parties: &Parties, evidence: ResourceKind, loader: &str, acc: &mut Acc) {
    for d in decoders::REGISTRY {
        for x in d.inline(text) {
            acc.add(&x, evidence, loader);
        }
    }
    for u in quoted_urls(text) {
        let raw = request(&u, evidence);
        if let Some(v) = RequestView::new(&raw, parties)
            && let Some((_, x)) = decoders::decode(&v)
        {
            acc.add(&x, evidence, loader);
        }
    }
}

/// The page's own evidence (its resources, without the containers it loads): URLs through
/// the decoders (and, for third-party scripts no decoder knows, the entity list), inline
/// scripts through the snippet readers.
fn scan_page(page: &StaticPage, parties: &Parties, entities: &Entities) -> Acc {
    let mut acc = Acc::default();
    for r in &page.resources {
        if let Some(u) = &r.url {
            let raw = request(u, r.kind);
            let Some(v) = RequestView::new(&raw, parties) else {
                continue;
            };
            match decoders::decode(&v) {
                Some((_, d)) => acc.add(&d, r.kind, "page"),
                None if v.third_party && r.kind == ResourceKind::ScriptSrc => {
                    if let Some(e) = entities.lookup(&v.host)
                        && entities::TRACKING_CATEGORIES.contains(&e.category.as_str())
                    {
                        acc.put(&e.name, e.owner(), &e.category, &[], r.kind, "page");
                    }
                }
                None => {}
            }
        }
        if let Some(t) = &r.text {
            scan_script(t, parties, r.kind, "page", &mut acc);
        }
    }
    acc
}

impl Acc {
    /// The Tag Manager container IDs found so far.
    fn gtm_ids(&self) -> Vec<String> {
        self.by
            .get(GTM)
            .map(|f| f.pixel_ids.iter().cloned().collect())
            .unwrap_or_default()
    }
}

/// The trackers a pre-scanned page shows, by name. `containers` holds the Tag Manager
/// containers fetched in the run (ID → body).
pub fn analyze(
    page: &StaticPage,
    containers: &HashMap<String, String>,
    entities: &Entities,
) -> Vec<StaticFinding> {
    let parties = Parties::new(&page.domain, page.final_url.as_deref());
    let mut acc = scan_page(page, &parties, entities);
    // What the page's Tag Manager containers would inject.
    for id in acc.gtm_ids() {
        if let Some(body) = containers.get(&id) {
            scan_script(
                &unescape_container(body),
                &parties,
                ResourceKind::GtmContainer,
                &id,
                &mut acc,
            );
        }
    }
    acc.by.into_values().collect()
}

/// The Tag Manager container IDs a pre-scanned page loads (to fetch once per run).
pub fn gtm_containers(page: &StaticPage) -> Vec<String> {
    let parties = Parties::new(&page.domain, page.final_url.as_deref());
    scan_page(page, &parties, Entities::get()).gtm_ids()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{Outcome, StaticResource};

    fn page(resources: Vec<StaticResource>) -> StaticPage {
        StaticPage {
            domain: "shop.example".into(),
            outcome: Outcome::Ok,
            http_status: Some(200),
            start_url: "https://shop.example/".into(),
            final_url: Some("https://shop.example/".into()),
            redirect_chain: vec![],
            error: None,
            fetched_at: String::new(),
            duration_ms: 1,
            bytes: 1,
            wall: None,
            resources,
        }
    }

    fn src(kind: ResourceKind, url: &str) -> StaticResource {
        StaticResource {
            kind,
            url: Some(url.into()),
            text: None,
        }
    }

    fn inline(text: &str) -> StaticResource {
        StaticResource {
            kind: ResourceKind::InlineScript,
            url: None,
            text: Some(text.into()),
        }
    }

    #[test]
    fn snippets_loaders_pixels_and_containers_are_read() {
        // The Meta base code (Meta for Developers) with its noscript pixel, a gtag.js loader,
        // the GTM snippet, and a third-party script only the entity list knows.
        let p = page(vec![
            inline(
                "!function(f,b,e,v,n,t,s){}(window, document,'script','https://connect.facebook.net/en_US/fbevents.js'); fbq('init', '1234567890123456'); fbq('track', 'PageView');",
            ),
            src(
                ResourceKind::NoscriptImg,
                "https://www.facebook.com/tr?id=1234567890123456&ev=PageView&noscript=1",
            ),
            src(
                ResourceKind::ScriptSrc,
                "https://www.googletagmanager.com/gtag/js?id=G-DEMO123456",
            ),
            inline(
                "(function(w,d,s,l,i){w[l]=w[l]||[];j.src='https://www.googletagmanager.com/gtm.js?id='+i+dl;})(window,document,'script','dataLayer','GTM-DEMO01');",
            ),
            src(
                ResourceKind::ScriptSrc,
                "https://static.hotjar.com/c/hotjar-3546.js?sv=6",
            ),
            src(
                ResourceKind::ScriptSrc,
                "https://cdn.jsdelivr.net/npm/lib.js",
            ),
            src(ResourceKind::Img, "https://shop.example/logo.png"),
        ]);
        // A container as GTM escapes its tags' code.
        let containers = HashMap::from([(
            "GTM-DEMO01".to_string(),
            r#"var data = {"resource": {"tags": [{"function":"__html","vtp_html":"\u003cscript\u003ettq.load(\x27DDEMOTT0GTM000000002\x27);ttq.page();\u003c\/script\u003e"}]}};"#.to_string(),
        )]);
        let f = analyze(&p, &containers, Entities::get());
        let by: BTreeMap<&str, &StaticFinding> =
            f.iter().map(|x| (x.tracker.as_str(), x)).collect();
        let meta = by["Meta Pixel"];
        assert_eq!(
            meta.pixel_ids,
            BTreeSet::from(["1234567890123456".to_string()])
        );
        assert_eq!(
            meta.evidence,
            BTreeSet::from(["inline_script", "noscript_img"])
        );
        assert_eq!(
            by["Google Analytics 4"].evidence,
            BTreeSet::from(["script_src"])
        );
        let gtm = by[GTM];
        assert_eq!(gtm.pixel_ids, BTreeSet::from(["GTM-DEMO01".to_string()]));
        let tt = by["TikTok Pixel"];
        assert_eq!(tt.evidence, BTreeSet::from(["gtm_container"]));
        assert_eq!(tt.loaders, BTreeSet::from(["GTM-DEMO01".to_string()]));
        assert_eq!(
            tt.pixel_ids,
            BTreeSet::from(["DDEMOTT0GTM000000002".to_string()])
        );
        assert_eq!(by["Hotjar"].pixel_ids, BTreeSet::from(["3546".to_string()]));
        assert!(!by.contains_key("jsDelivr"), "a CDN is no tracker: {by:?}");
        assert_eq!(gtm_containers(&p), ["GTM-DEMO01"]);
    }

    /// Set-up calls as real pages write them: (tracker, script, the ID it carries).
    const SET_UP_CALLS: &[(&str, &str, &str)] = &[
        (
            "Meta Pixel",
            "fbq('init', '1234567890123456'); fbq('track', 'PageView');",
            "1234567890123456",
        ),
        (
            "Meta Pixel",
            "fbq(\"init\",1234567890123456);",
            "1234567890123456",
        ),
        (
            "TikTok Pixel",
            "ttq.load('CDEMOTT0PIXEL0000001'); ttq.page();",
            "CDEMOTT0PIXEL0000001",
        ),
        (
            "Google Analytics 4",
            "gtag('config', 'G-DEMO123456');",
            "G-DEMO123456",
        ),
        ("X Pixel", "twq('config','o1abc');", "o1abc"),
        (
            "X Pixel",
            "twq('init','o1abc'); twq('track','PageView');",
            "o1abc",
        ),
        (
            "X Pixel",
            "twttr.conversion.trackPid('l4x8q', { tw_sale_amount: 0, tw_order_quantity: 0 });",
            "l4x8q",
        ),
        (
            "Microsoft UET",
            "(function(w,d,t,r,u){var f,n,i;w[u]=w[u]||[],f=function(){var o={ti:\"5123456\", enableAutoSpaTracking: true};o.q=w[u],w[u]=new UET(o),w[u].push(\"pageLoad\")},n=d.createElement(t),n.src=r,n.async=1})(window,document,\"script\",\"//bat.bing.com/bat.js\",\"uetq\");",
            "5123456",
        ),
        (
            "Microsoft UET",
            "window.uetq = window.uetq || []; var uetOptions = {ti: '5123456'};",
            "5123456",
        ),
        (
            "Microsoft UET",
            r#"{"function":"__baut","vtp_tagId":"5123456","vtp_uetqName":"uetq","tag_id":12}"#,
            "5123456",
        ),
        (
            "LinkedIn Insight Tag",
            "_linkedin_partner_id = \"1234567\"; window._linkedin_data_partner_ids = window._linkedin_data_partner_ids || []; window._linkedin_data_partner_ids.push(_linkedin_partner_id);",
            "1234567",
        ),
        (
            "LinkedIn Insight Tag",
            "window._linkedin_data_partner_ids = window._linkedin_data_partner_ids || []; window._linkedin_data_partner_ids.push('1234567');",
            "1234567",
        ),
        (
            "Pinterest Tag",
            "pintrk('load', '2612345678901', {em: '<user_email_address>'}); pintrk('page');",
            "2612345678901",
        ),
        (
            "Snap Pixel",
            "snaptr('init', 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', {'user_email': '__INSERT_USER_EMAIL__'});",
            "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
        ),
        (
            "Reddit Pixel",
            "rdt('init','t2_abc12', {\"optOut\":false,\"useDecimalCurrencyValues\":true}); rdt('track', 'PageVisit');",
            "t2_abc12",
        ),
        (
            "Hotjar",
            "(function(h,o,t,j,a,r){h._hjSettings={hjid:3546123,hjsv:6};})(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');",
            "3546123",
        ),
        (
            "FullStory",
            "window['_fs_host'] = 'fullstory.com'; window['_fs_script'] = 'edge.fullstory.com/s/fs.js'; window['_fs_org'] = 'o-1DEMO-na1';",
            "o-1DEMO-na1",
        ),
        (
            "FullStory",
            "window._fs_org = \"o-1DEMO-na1\"; window._fs_namespace = 'FS';",
            "o-1DEMO-na1",
        ),
        (
            "Microsoft Clarity",
            "(function(c,l,a,r,i,t,y){})(window, document, \"clarity\", \"script\", \"k1l2m3n4o5\");",
            "k1l2m3n4o5",
        ),
        (
            "PostHog",
            "posthog.init('phc_5xQ1t2b3c4d5e6f7g8h9i0j1k2l3m4n5o6p7q8r9s0',{api_host:'https://us.i.posthog.com', person_profiles: 'identified_only'})",
            "phc_5xQ1t2b3c4d5e6f7g8h9i0j1k2l3m4n5o6p7q8r9s0",
        ),
        (
            "Mixpanel",
            "mixpanel.init(\"6a041bcb6c0e6e5252f670c8f5f5db9e\", {track_pageview: true});",
            "6a041bcb6c0e6e5252f670c8f5f5db9e",
        ),
        (
            "Amplitude",
            "amplitude.getInstance().init(\"6ebfc1622451203d445e03813f921a77\");",
            "6ebfc1622451203d445e03813f921a77",
        ),
        ("Heap", "heap.load(\"2356724093\");", "2356724093"),
        (
            "Segment",
            "analytics.load(\"zaySL4FGIiLsxt3I7omU5uLxXqxaBMPh\"); analytics.page();",
            "zaySL4FGIiLsxt3I7omU5uLxXqxaBMPh",
        ),
        (
            "Datadog RUM",
            "window.DD_RUM && window.DD_RUM.init({ clientToken: 'pub16d64cd1c00cf073ce85af914333bf72', applicationId: 'e75439e5-e1b3-46ba-a9e9-a2e58579a2e2', site: 'datadoghq.com' });",
            "pub16d64cd1c00cf073ce85af914333bf72",
        ),
        (
            "Intercom",
            "window.intercomSettings = { api_base: \"https://api-iam.intercom.io\", app_id: \"mbe6u52e\" };",
            "mbe6u52e",
        ),
        (
            "Chartbeat",
            "var _sf_async_config = _sf_async_config || {}; _sf_async_config.uid = 63208; _sf_async_config.domain = 'nation.co.ke';",
            "63208",
        ),
        (
            "New Relic Browser",
            ";NREUM.loader_config={accountID:\"1234567\",trustKey:\"1234567\",agentID:\"15650448\",licenseKey:\"7289017309\",applicationID:\"15650448\"};",
            "15650448",
        ),
        (
            "VWO",
            "window._vwo_code || (function() { var account_id=654321, version=2.1, settings_tolerance=2000; })();",
            "654321",
        ),
        (
            "Matomo",
            "var _paq = window._paq = window._paq || []; _paq.push(['trackPageView']); _paq.push(['setTrackerUrl', u+'matomo.php']); _paq.push(['setSiteId', '7']);",
            "7",
        ),
        (
            "Google Analytics (ga.js)",
            "var _gaq = _gaq || []; _gaq.push(['_setAccount', 'UA-2826582-7']); _gaq.push(['_trackPageview']);",
            "UA-2826582-7",
        ),
        (
            "Oracle Eloqua",
            "var _elqQ = _elqQ || []; _elqQ.push(['elqSetSiteId', '1234567']); _elqQ.push(['elqTrackPageView']);",
            "1234567",
        ),
        (
            "Quantcast",
            "var _qevents = _qevents || []; _qevents.push({ qacct:\"p-c1rF4kxgLUzNc\", uid:\"__INSERT_EMAIL_HERE__\" });",
            "p-c1rF4kxgLUzNc",
        ),
        (
            "Yandex Metrica",
            "ym(12345678, \"init\", { clickmap:true, trackLinks:true, accurateTrackBounce:true });",
            "12345678",
        ),
        (
            "Comscore",
            "var _comscore = _comscore || []; _comscore.push({ c1: \"2\", c2: \"6035989\" });",
            "6035989",
        ),
        (
            "Azure Application Insights",
            "var appInsights = new Microsoft.ApplicationInsights.ApplicationInsights({ config: { connectionString: \"InstrumentationKey=0b3c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/\" } });",
            "0b3c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
        ),
        (
            "Snowplow",
            "snowplow('newTracker', 'sp1', 'collector.shop.example', { appId: 'shop-web1', platform: 'web' });",
            "shop-web1",
        ),
        (
            "Salesforce Pardot",
            "piAId = '123456'; piCId = '7890'; piHostname = 'pi.pardot.com';",
            "123456",
        ),
        (
            "Nielsen",
            "var nSdkInstance = NOLBUNDLE.nlsQ(\"PB842EDC3-BDDA-4494-9CDE-8B0150370A55\", \"nlsnInstance\", {nol_sdkDebug: \"debug\"});",
            "PB842EDC3-BDDA-4494-9CDE-8B0150370A55",
        ),
        (
            "LogRocket",
            "window.LogRocket && window.LogRocket.init('a1b2c3/shop-web');",
            "a1b2c3/shop-web",
        ),
        (
            "Braze",
            "braze.initialize('2f8b7c1a-0e3d-4b5a-9c6f-1d2e3f4a5b6c', { baseUrl: 'sdk.iad-03.braze.com' });",
            "2f8b7c1a-0e3d-4b5a-9c6f-1d2e3f4a5b6c",
        ),
        (
            "Klaviyo",
            "var _learnq = _learnq || []; _learnq.push(['account', 'KvQM7Q']);",
            "KvQM7Q",
        ),
    ];

    /// How the set-up calls that carry the pixel IDs are written on real pages: each vendor's
    /// published base code, the variants sites write of it (double quotes, a number, the call
    /// queued in an array, a minified one), and the same code inside a Tag Manager container
    /// (escaped as GTM escapes it). The pre-scan must find the ID in at least 95 % of them; the
    /// figure is printed.
    #[test]
    fn set_up_calls_name_their_ids() {
        let parties = Parties::new("shop.example", None);
        let mut found = 0;
        let mut missed = Vec::new();
        let mut n = 0;
        for (tracker, script, id) in SET_UP_CALLS {
            // As the page has it, and as a Tag Manager container carries it.
            let escaped = script.replace('\'', "\\x27").replace('"', "\\\"");
            for text in [script.to_string(), unescape_container(&escaped)] {
                n += 1;
                let mut acc = Acc::default();
                scan_script(
                    &text,
                    &parties,
                    ResourceKind::InlineScript,
                    "page",
                    &mut acc,
                );
                let ids = acc
                    .by
                    .get(*tracker)
                    .map(|f| f.pixel_ids.clone())
                    .unwrap_or_default();
                if ids.contains(*id) {
                    found += 1;
                } else {
                    missed.push(format!("{tracker}: {text}"));
                }
            }
        }
        let share = found as f64 / n as f64;
        println!("set-up calls whose ID the pre-scan finds: {found}/{n} = {share:.3}");
        missed.iter().for_each(|m| println!("  missed: {m}"));
        assert!(share >= 0.95, "{found}/{n}; missed:\n{}", missed.join("\n"));
    }

    #[test]
    fn only_scripts_with_something_to_read_are_kept() {
        assert!(worth_keeping("s.example", "fbq('init', '1');"));
        assert!(worth_keeping(
            "s.example",
            "s.src = 'https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=C1';"
        ));
        assert!(!worth_keeping(
            "s.example",
            "document.body.classList.add('js');"
        ));
    }
}
