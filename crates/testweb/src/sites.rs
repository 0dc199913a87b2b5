//! The test web's sites: what each one serves and what a crawl of it must find.
//!
//! Hostnames of real trackers (analytics.tiktok.com, www.facebook.com, …) are served by
//! imitation pixels written from shared/pixel-formats.md; the sites' own names end in
//! `.test`, a TLD reserved for testing.

use super::hostile;
use crate::kinds::{Outcome, WallKind};

/// The TikTok pixel code used on direct-snippet sites.
pub const TIKTOK_CODE: &str = "CDEMOTT0PIXEL0000001";
/// The TikTok pixel code the GTM container injects.
pub const TIKTOK_GTM_CODE: &str = "DDEMOTT0GTM000000002";
/// The Meta pixel id used on direct-snippet sites.
pub const META_ID: &str = "1234567890123456";
/// The Meta pixel id the GTM container injects.
pub const META_GTM_ID: &str = "987654321098765";
/// The GA4 measurement id used on direct-snippet sites.
pub const GA4_ID: &str = "G-DEMO123456";
/// The GA4 measurement id the GTM container injects.
pub const GA4_GTM_ID: &str = "G-GTMDEMO789";
/// The GA4 measurement id sent through a first-party (server-side tagging) endpoint.
pub const GA4_SST_ID: &str = "G-SSTDEMO555";
/// The GTM container id.
pub const GTM_ID: &str = "GTM-DEMO01";

/// A tracker placed on a page.
#[derive(Clone, Copy, Debug)]
pub enum Tracker {
    /// TikTok pixel, direct snippet.
    TikTok,
    /// Meta pixel, direct snippet with its noscript image.
    Meta,
    /// Meta pixel initialised after a delay (ms).
    MetaDelayed(u32),
    /// GA4 through gtag.js.
    Ga4,
    /// GA4 through a first-party `metrics.<site>` endpoint (server-side tagging).
    Ga4ServerSide,
    /// A Google Tag Manager container that injects TikTok, Meta and GA4.
    Gtm,
    /// Another vendor's tag (assets/others.js): vendor name and pixel id.
    Other(&'static str, &'static str),
}

/// The loader URL of an [`Tracker::Other`] vendor, as its real tag would load it.
pub fn loader_url(vendor: &str, id: &str) -> String {
    match vendor {
        "x" => format!("https://static.ads-twitter.com/uwt.js?txn={id}"),
        "uet" => format!("https://bat.bing.com/bat.js?ti={id}"),
        "linkedin" => format!("https://snap.licdn.com/li.lms-analytics/insight.min.js?pid={id}"),
        "pinterest" => format!("https://s.pinimg.com/ct/core.js?tid={id}"),
        "snap" => format!("https://sc-static.net/scevent.min.js?pid={id}"),
        "reddit" => format!("https://www.redditstatic.com/ads/pixel.js?id={id}"),
        "hotjar" => format!("https://static.hotjar.com/c/hotjar-{id}.js?sv=6"),
        "clarity" => format!("https://www.clarity.ms/tag/{id}"),
        "fullstory" => format!("https://edge.fullstory.com/s/fs.js?org={id}"),
        "gads" | "floodlight" => format!("https://www.googletagmanager.com/gtag/js?id={id}"),
        "criteo" => format!("https://static.criteo.net/js/ld/ld.js?a={id}"),
        "amazon" => format!("https://c.amazon-adsystem.com/aat/amzn.js?pid={id}"),
        "tradedesk" => format!("https://js.adsrvr.org/up_loader.1.1.0.js?ttd={id}"),
        "taboola" => format!("https://cdn.taboola.com/libtrc/unip/{id}/tfa.js"),
        "outbrain" => format!("https://amplify.outbrain.com/cp/obtp.js?m={id}"),
        "quora" => format!("https://a.quora.com/qevents.js?id={id}"),
        "yahoo" => format!("https://s.yimg.com/wi/ytc.js?yp={id}"),
        "adobe" => format!("https://assets.adobedtm.com/extensions/AppMeasurement.min.js?rs={id}"),
        "matomo" => format!("https://cdn.matomo.cloud/shopco.matomo.cloud/matomo.js?idsite={id}"),
        "parsely" => format!("https://cdn.parsely.com/keys/{id}/p.js"),
        "comscore" => format!("https://sb.scorecardresearch.com/cs/{id}/beacon.js"),
        "segment" => format!("https://cdn.segment.com/analytics.js/v1/{id}/analytics.min.js"),
        "marketo" => format!("https://munchkin.marketo.net/munchkin.js?id={id}"),
        "leadfeeder" => format!("https://sc.lfeeder.com/lftracker_{id}.js"),
        "liveramp" => format!("https://ats.rlcdn.com/ats.js?pid={id}"),
        _ => String::new(),
    }
}

/// Which vendor loader a request is, and the id it carries (the inverse of [`loader_url`]).
pub fn loader_of(host: &str, path: &str, query: Option<&str>) -> Option<(&'static str, String)> {
    let q = |k: &str| {
        query.and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.into_owned())
        })
    };
    match (host, path) {
        ("static.ads-twitter.com", "/uwt.js") => Some(("x", q("txn")?)),
        ("bat.bing.com", "/bat.js") => Some(("uet", q("ti")?)),
        ("snap.licdn.com", "/li.lms-analytics/insight.min.js") => Some(("linkedin", q("pid")?)),
        ("s.pinimg.com", "/ct/core.js") => Some(("pinterest", q("tid")?)),
        ("sc-static.net", "/scevent.min.js") => Some(("snap", q("pid")?)),
        ("www.redditstatic.com", "/ads/pixel.js") => Some(("reddit", q("id")?)),
        ("static.hotjar.com", p) => Some((
            "hotjar",
            p.strip_prefix("/c/hotjar-")?
                .strip_suffix(".js")?
                .to_string(),
        )),
        ("www.clarity.ms", p) => Some(("clarity", p.strip_prefix("/tag/")?.to_string())),
        ("edge.fullstory.com", "/s/fs.js") => Some(("fullstory", q("org")?)),
        ("www.googletagmanager.com", "/gtag/js") if q("id")?.starts_with("AW-") => {
            Some(("gads", q("id")?))
        }
        ("www.googletagmanager.com", "/gtag/js") if q("id")?.starts_with("DC-") => {
            Some(("floodlight", q("id")?))
        }
        ("static.criteo.net", "/js/ld/ld.js") => Some(("criteo", q("a")?)),
        ("c.amazon-adsystem.com", "/aat/amzn.js") => Some(("amazon", q("pid")?)),
        ("js.adsrvr.org", "/up_loader.1.1.0.js") => Some(("tradedesk", q("ttd")?)),
        ("cdn.taboola.com", p) => Some((
            "taboola",
            p.strip_prefix("/libtrc/unip/")?
                .strip_suffix("/tfa.js")?
                .to_string(),
        )),
        ("amplify.outbrain.com", "/cp/obtp.js") => Some(("outbrain", q("m")?)),
        ("a.quora.com", "/qevents.js") => Some(("quora", q("id")?)),
        ("s.yimg.com", "/wi/ytc.js") => Some(("yahoo", q("yp")?)),
        ("assets.adobedtm.com", "/extensions/AppMeasurement.min.js") => Some(("adobe", q("rs")?)),
        ("cdn.matomo.cloud", "/shopco.matomo.cloud/matomo.js") => Some(("matomo", q("idsite")?)),
        ("cdn.parsely.com", p) => Some((
            "parsely",
            p.strip_prefix("/keys/")?.strip_suffix("/p.js")?.to_string(),
        )),
        ("sb.scorecardresearch.com", p) => Some((
            "comscore",
            p.strip_prefix("/cs/")?
                .strip_suffix("/beacon.js")?
                .to_string(),
        )),
        ("cdn.segment.com", p) => Some((
            "segment",
            p.strip_prefix("/analytics.js/v1/")?
                .strip_suffix("/analytics.min.js")?
                .to_string(),
        )),
        ("munchkin.marketo.net", "/munchkin.js") => Some(("marketo", q("id")?)),
        ("sc.lfeeder.com", p) => Some((
            "leadfeeder",
            p.strip_prefix("/lftracker_")?
                .strip_suffix(".js")?
                .to_string(),
        )),
        ("ats.rlcdn.com", "/ats.js") => Some(("liveramp", q("pid")?)),
        _ => None,
    }
}

/// What a host serves.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// An HTML page.
    Page {
        /// Trackers on it.
        trackers: &'static [Tracker],
        /// A newsletter form (email, phone, name, message); never to be submitted.
        form: bool,
        /// A search box (GET /search?q=).
        search: bool,
        /// Raw HTML appended to the body.
        extra: &'static str,
    },
    /// A permanent redirect to a URL.
    Redirect(&'static str),
    /// An HTML error page with this status.
    Status(u16),
    /// Connections are reset (https and http).
    Reset,
    /// The TLS handshake fails; http resets.
    TlsBroken,
    /// The TLS handshake fails; http serves a page with GA4.
    HttpOnly,
    /// The page starts and never finishes.
    Hang,
    /// The connection is accepted and the request read, but no byte of an answer ever comes
    /// (a slowloris-like server).
    Silent,
    /// The document is JSON.
    Json,
    /// The name does not resolve (by the host map `MAP <name> ~NOTFOUND`).
    NxDomain,
    /// Every path answers 302 to a new path: Chromium gives up with ERR_TOO_MANY_REDIRECTS.
    RedirectLoop,
    /// The front page is a 50 MB `Content-Disposition: attachment` download.
    Download,
    /// A bot wall of `vendor` with this status; `clears`: its script reloads into a page with
    /// GA4 after 1.5 s (see [`super::walls`]).
    Wall {
        /// Whose wall.
        vendor: WallKind,
        /// The wall page's status.
        status: u16,
        /// It reloads into the site by itself.
        clears: bool,
    },
}

/// A host of the test web.
#[derive(Clone, Copy, Debug)]
pub struct Site {
    /// Host name.
    pub domain: &'static str,
    /// Rank in seeds/demo-sites.csv (0: not listed; only reached from other sites).
    pub rank: u64,
    /// What it serves.
    pub kind: Kind,
    /// The outcome a crawl must record.
    pub expect: Outcome,
    /// The document status a crawl must record.
    pub expect_status: Option<u16>,
}

const fn page(
    domain: &'static str,
    rank: u64,
    trackers: &'static [Tracker],
    form: bool,
    search: bool,
    extra: &'static str,
) -> Site {
    Site {
        domain,
        rank,
        kind: Kind::Page {
            trackers,
            form,
            search,
            extra,
        },
        expect: Outcome::Ok,
        expect_status: Some(200),
    }
}

const fn failing(
    domain: &'static str,
    rank: u64,
    kind: Kind,
    expect: Outcome,
    expect_status: Option<u16>,
) -> Site {
    Site {
        domain,
        rank,
        kind,
        expect,
        expect_status,
    }
}

/// A bot-wall site (rank 0): `bot_wall` unless it clears, then `ok` with the site's page.
const fn wall(domain: &'static str, vendor: WallKind, status: u16, clears: bool) -> Site {
    Site {
        domain,
        rank: 0,
        kind: Kind::Wall {
            vendor,
            status,
            clears,
        },
        expect: if clears {
            Outcome::Ok
        } else {
            Outcome::BotWall
        },
        expect_status: Some(if clears { 200 } else { status }),
    }
}

const IFRAME: &str = r#"<iframe src="https://widgets-thirdparty.test/embed" width="400" height="200" title="widget"></iframe>"#;

const BEACONS: &str = r#"<script>
window.addEventListener('load', function () {
  // sendBeacon with a string (text/plain)
  navigator.sendBeacon('https://analytics.tiktok.com/api/v2/pixel/act', JSON.stringify({event: 'Beacon', context: {page: {url: location.href}}}));
  // sendBeacon with a Blob (its body is only flagged in the performance log)
  navigator.sendBeacon('https://www.facebook.com/tr/', new Blob([JSON.stringify({id: '1234567890123456', ev: 'PageView', dl: location.href})], {type: 'application/json'}));
  // fetch with keepalive
  fetch('https://region1.google-analytics.com/g/collect?v=2&tid=G-DEMO123456&cid=1.2&en=keepalive_test', {method: 'POST', body: 'en=page_view&dl=' + encodeURIComponent(location.href), keepalive: true, mode: 'no-cors'});
  // multipart FormData with a Blob part
  var fd = new FormData();
  fd.append('id', '1234567890123456'); fd.append('ev', 'PageView'); fd.append('dl', location.href);
  fd.append('blob', new Blob(['blob-part-payload'], {type: 'application/octet-stream'}), 'part.bin');
  fetch('https://www.facebook.com/tr/', {method: 'POST', body: fd, mode: 'no-cors', keepalive: true});
});
</script>"#;

const RECORDER: &str = r#"<script>
// A session-recorder-like script: sends what the visitor types, plain and base64.
document.addEventListener('change', function (e) {
  var v = e.target.value || '';
  fetch('https://collect.recorder-demo.test/v1/events', {method: 'POST', keepalive: true, mode: 'no-cors',
    headers: {'Content-Type': 'text/plain'},
    body: JSON.stringify({field: e.target.name, value: v, b64: btoa(unescape(encodeURIComponent(v))), page: location.href})});
}, true);
</script>"#;

/// The ad-tech vendors of `adtech-retail.test`.
const ADTECH: &[Tracker] = &[
    Tracker::Other("criteo", "28517"),
    Tracker::Other("floodlight", "DC-7654321"),
    Tracker::Other("amazon", "4a1b2c3d-0000-4000-8000-1234567890ab"),
    Tracker::Other("tradedesk", "k3pq3ve:u4pcpfl"),
    Tracker::Other("taboola", "1347888"),
    Tracker::Other("outbrain", "004e6e2a8dddb574d007a0de6dfc517063"),
    Tracker::Other("quora", "8f5a6fee5c1345e681c7f4066c1f870a"),
    Tracker::Other("yahoo", "10204745"),
];
/// The analytics vendors of `analytics-media.test`.
const ANALYTICS_MEDIA: &[Tracker] = &[
    Tracker::Other("adobe", "shopco-prod"),
    Tracker::Other("matomo", "7"),
    Tracker::Other("parsely", "analytics-media.test"),
    Tracker::Other("comscore", "18896682"),
    Tracker::Other("segment", "zaySL4FGIiLsxt3I7omU5uLxXqxaBMPh"),
];
/// The B2B vendors of `b2b-saas.test`.
const B2B: &[Tracker] = &[
    Tracker::Other("marketo", "123-ABC-456"),
    Tracker::Other("leadfeeder", "v1_ywVkO4XM2Pz8Z6Bj"),
    Tracker::Other("liveramp", "13731"),
];

/// A vendor no decoder, entity list or seed knows (`collect.nv-metrics.test`): what it
/// receives can only be found by value. It sends the page URL without its scheme, encoded
/// twice inside JSON, with only its slashes encoded, inside base64 JSON and split over two
/// parameters; its own first-party ID cookie (plain, and a base64-JSON one whose `id` it
/// sends); the title, screen size, language and User-Agent; and what the visitor types.
pub const INVENTED: &str = r#"<script>
(function () {
  var T = 'https://collect.nv-metrics.test/v3/';
  function cookie(n) { var m = document.cookie.match('(?:^|; )' + n + '=([^;]*)'); return m ? m[1] : null; }
  var uid = cookie('_nvm_uid');
  if (!uid) { uid = 'nv' + Math.random().toString(36).slice(2, 10) + Date.now(); document.cookie = '_nvm_uid=' + uid + '; path=/; max-age=31536000'; }
  var sid = 's' + Math.random().toString(36).slice(2, 12) + '42';
  document.cookie = '_nvm_s_' + location.hostname.split('.')[0] + '=' + btoa(JSON.stringify({id: sid, created: Date.now(), n: 1})) + '; path=/';
  var q = 'pid=NV-4411&ev=view&u=' + encodeURIComponent(location.host + location.pathname) +
    '&t=' + encodeURIComponent(document.title) + '&sr=' + screen.width + 'x' + screen.height +
    '&lang=' + navigator.language + '&vid=' + uid;
  new Image().src = T + 'b?' + q;
  fetch(T + 'ctx', {method: 'POST', mode: 'no-cors', headers: {'Content-Type': 'text/plain'},
    body: JSON.stringify({loc: encodeURIComponent(encodeURIComponent(location.href)), slashes: location.href.replace(/\//g, '%2F'), ua: navigator.userAgent, sid: sid})});
  fetch(T + 'p?pid=NV-4411&d=' + encodeURIComponent(btoa(JSON.stringify({href: location.href, vid: uid}))), {mode: 'no-cors'});
  fetch(T + 'split?pid=NV-4411&h=' + location.hostname + '&p=' + encodeURIComponent(location.pathname), {mode: 'no-cors'});
  // A second unknown vendor that keeps its visitor in first-party storage and an ID at the
  // head of a dotted cookie, and sends the screen as two numbers.
  var rnd = function () { return Math.random().toString(16).slice(2, 10); };
  var st = JSON.parse(localStorage.getItem('qx_state') || 'null') || {visitorId: 'qxv-' + rnd() + '-' + rnd() + '7', n: 0, cfg_hash: 'c0ffee12'};
  st.n += 1; localStorage.setItem('qx_state', JSON.stringify(st));
  var qsid = sessionStorage.getItem('qx_sid') || ('qxs' + rnd() + '9'); sessionStorage.setItem('qx_sid', qsid);
  var sp = cookie('_qx_sp.ab12');
  var duid = sp ? decodeURIComponent(sp).split('.')[0] : rnd() + '-' + rnd() + '-4a5b-8c6d-' + rnd();
  document.cookie = '_qx_sp.ab12=' + duid + '.' + Math.floor(Date.now() / 1000) + '.1; path=/; max-age=31536000';
  fetch('https://collect.qx-insights.test/v1/e', {method: 'POST', mode: 'no-cors', headers: {'Content-Type': 'text/plain'},
    body: JSON.stringify({ev: 'view', vid: st.visitorId, s: qsid, d: duid, screen_width: screen.width, screen_height: screen.height})});
  document.addEventListener('change', function (e) {
    fetch(T + 'input?pid=NV-4411', {method: 'POST', mode: 'no-cors', headers: {'Content-Type': 'text/plain'},
      body: JSON.stringify({f: e.target.name || e.target.id, v: e.target.value, vid: uid})});
  }, true);
})();
</script>"#;

/// The PostHog project key the protocols site's imitation sends.
pub const POSTHOG_KEY: &str = "phc_pcProtocols00000000000000000000000000001";

/// A site whose collectors are its own or its owner's (issue 39): each vendor's protocol as
/// its SDK sends it, to a first-party subdomain (Snowplow at `collector.`, Adobe Analytics at
/// `smetrics.`, Webtrends at `wt.`), through a reverse proxy on the site itself (PostHog at
/// `/ingest/`), or to the owner's self-hosted Matomo on another domain; each set up the way
/// the vendor's snippet does it, so the pre-scan reads the IDs too.
pub const PROTOCOLS: &str = r#"<script>
(function () {
  var page = location.href, ref = document.referrer, enc = encodeURIComponent, now = Date.now();
  var scr = screen.width + 'x' + screen.height;
  function cookie(n) { var m = document.cookie.match('(?:^|; )' + n.replace('.', '\.') + '=([^;]*)'); return m ? decodeURIComponent(m[1]) : null; }
  function set(n, v) { document.cookie = n + '=' + encodeURIComponent(v) + '; path=/; max-age=31536000'; }
  function hex(n) { var s = ''; while (s.length < n) s += Math.random().toString(16).slice(2); return s.slice(0, n); }
  function uuid() { return hex(8) + '-' + hex(4) + '-4' + hex(3) + '-8' + hex(3) + '-' + hex(12); }
  function img(u) { new Image().src = u; }
  function post(u, body) { fetch(u, {method: 'POST', mode: 'no-cors', headers: {'Content-Type': 'text/plain'}, body: JSON.stringify(body)}); }
  // Snowplow: the tracker's set-up, then a page view to the site's own collector.
  window.snowplow = window.snowplow || function () { (window.snowplow.q = window.snowplow.q || []).push(arguments); };
  snowplow('newTracker', 'sp1', 'collector.protocols.test', { appId: 'protocols-web1' });
  var sp = cookie('_sp_id.pt01'); if (!sp) { sp = uuid() + '.' + Math.floor(now / 1000) + '.1'; set('_sp_id.pt01', sp); }
  post('https://collector.protocols.test/com.snowplowanalytics.snowplow/tp2', {schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4',
    data: [{e: 'pv', url: page, page: document.title, refr: ref, tv: 'js-3.24.0', tna: 'sp1', aid: 'protocols-web1', p: 'web', lang: navigator.language, res: scr, duid: sp.split('.')[0], eid: uuid(), dtm: String(now)}]});
  // Matomo: the site owner's own, on its analytics domain.
  var _paq = window._paq = window._paq || []; _paq.push(['setSiteId', '12']);
  var pk = cookie('_pk_id.12'); if (!pk) { pk = hex(16) + '.' + Math.floor(now / 1000); set('_pk_id.12', pk); }
  img('https://stats.selfhosted-analytics.test/matomo.php?action_name=' + enc(document.title) + '&idsite=12&rec=1&url=' + enc(page) + '&urlref=' + enc(ref) + '&_id=' + pk.split('.')[0] + '&res=' + scr);
  // Adobe Analytics on the site's tracking host.
  var s_account = 'protocols-prod';
  var mid = cookie('s_ecid'); if (!mid) { mid = 'MCMID|' + String(now) + hex(12).replace(/[a-f]/g, '7'); set('s_ecid', mid); }
  img('https://smetrics.protocols.test/b/ss/' + s_account + '/1/JS-2.22.0/s' + now + '?AQB=1&ndh=1&mid=' + mid.split('|')[1] + '&pageName=' + enc(document.title) + '&g=' + enc(page) + '&r=' + enc(ref) + '&s=' + scr + '&AQE=1');
  // Webtrends on the site's collection host.
  var dcsid = 'dcsprot0000001wt0_1a2b';
  var wt = cookie('WT_FPC'); if (!wt) { wt = 'id=' + hex(32) + ':lv=' + now + ':ss=' + now; set('WT_FPC', wt); }
  img('https://wt.protocols.test/' + dcsid + '/dcs.gif?dcsdat=' + now + '&dcssip=' + location.hostname + '&dcsuri=' + enc(location.pathname) + '&dcsref=' + enc(ref) +
    '&WT.ti=' + enc(document.title) + '&WT.co_f=' + wt.split(':')[0].slice(3) + '&WT.sr=' + scr + '&WT.ul=' + navigator.language + '&WT.dl=0&WT.tv=10.4.23&WT.es=' + enc(location.host + location.pathname));
  // PostHog through the site's own reverse proxy.
  window.posthog = window.posthog || { init: function () {} };
  posthog.init('phc_pcProtocols00000000000000000000000000001', { api_host: 'https://protocols.test/ingest' });
  var did = cookie('ph_distinct_id'); if (!did) { did = uuid(); set('ph_distinct_id', did); }
  post('https://protocols.test/ingest/e/?ip=1&_=' + now + '&ver=1.160.0', {api_key: 'phc_pcProtocols00000000000000000000000000001', batch: [{event: '$pageview',
    properties: {$current_url: page, $referrer: ref || '$direct', title: document.title, distinct_id: did, $device_id: did, token: 'phc_pcProtocols00000000000000000000000000001', $screen_width: screen.width, $screen_height: screen.height, $lib: 'web'}}]});
})();
</script>"#;

const HOG: &str = r#"<script>window.addEventListener('load', function () { setTimeout(function () { for (;;) {} }, 300); });</script>"#;

const HOSTILE: &str = r#"<script>
// Values a spreadsheet would run as formulas, quotes, commas, newlines and bytes that are not
// UTF-8: every dataset must still load with one row per record.
window.fbq = function () { fbq.queue.push([].slice.call(arguments)); }; fbq.queue = [];
fbq('init', '1234567890123456'); fbq('trackCustom', '=HYPERLINK("http://evil.example","x")');
(function () { var s = document.createElement('script'); s.src = 'https://connect.facebook.net/en_US/fbevents.js'; document.head.appendChild(s); })();
fetch('https://collect.recorder-demo.test/v1/raw?note=' + encodeURIComponent('-1+2, "quoted"\nnext line'), {method: 'POST', mode: 'no-cors',
  body: new Uint8Array([0xff, 0xfe, 0x3d, 0x31, 0x2b, 0x32, 0x0a, 0x22, 0x2c, 0x00])});
fetch('https://collect.recorder-demo.test/v1/text', {method: 'POST', mode: 'no-cors', headers: {'Content-Type': 'text/plain'},
  body: 'he said "hi",\nthen left\r\n=SUM(1);x'});
</script>"#;

const LEAVES: &str = r#"<script>setTimeout(function () { location.href = 'https://elsewhere.test/landing'; }, 300);</script>"#;

const DIALOGS: &str = r#"<script>
alert('Welcome!');
confirm('Accept our newsletter?');
window.addEventListener('beforeunload', function (e) { e.preventDefault(); e.returnValue = ''; });
new Image().src = 'https://region1.google-analytics.com/g/collect?v=2&tid=G-DEMO123456&cid=9.9&en=after_dialogs&dl=' + encodeURIComponent(location.href);
</script>"#;

const COOKIE_SYNC: &str = r#"<img src="https://adnet.test/sync.gif" width="1" height="1" alt="">
<script>setTimeout(function () { new Image().src = 'https://adnet.test/px.gif?site=' + location.hostname; }, 400);</script>"#;

const CDN_ONLY: &str = r#"<link rel="stylesheet" href="https://cdn-static.test/style.css">
<script>fetch('/api/collect', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({ok: 1})});</script>"#;

/// Prefixes page HTML with `__pcLoad(src)`, which loads a script on demand: what the consent
/// banners below call once the visitor chose.
macro_rules! with_load {
    ($($html:expr),+ $(,)?) => {
        concat!(
            r#"<script>function __pcLoad(src) { var s = document.createElement('script'); s.async = true; s.src = src; document.head.appendChild(s); }</script>"#,
            "\n",
            $($html),+
        )
    };
}

/// The markup of a Didomi-style notice (the ids autoconsent's `didomi` rule looks for), and
/// its "learn more" button, which a crawl must never click.
macro_rules! didomi_notice {
    () => {
        r#"<div id="didomi-host"><div id="didomi-notice" class="didomi-notice-banner" style="position:fixed;bottom:0;left:0;right:0;background:#f4f4f4;padding:1em;z-index:1000">
<p>With your agreement, we and our partners use cookies or similar technologies.</p>
<button id="didomi-notice-learn-more-button">Learn more</button> <button id="didomi-notice-disagree-button">Disagree and close</button> <button id="didomi-notice-agree-button">Agree and close</button>
</div></div>
<script>document.getElementById('didomi-notice-learn-more-button').addEventListener('click', function () { navigator.sendBeacon('/never-click?what=didomi-learn-more'); });</script>
"#
    };
}

/// The markup of a OneTrust-style banner (the element ids autoconsent's OneTrust rule looks
/// for), its script's start: `choose(groups)` hides it and keeps the choice in a cookie.
macro_rules! onetrust_banner {
    () => {
        r#"<div id="onetrust-consent-sdk"><div id="onetrust-banner-sdk" role="region" aria-label="Cookie banner" style="position:fixed;bottom:0;left:0;right:0;background:#fff;border-top:2px solid #333;padding:1em;z-index:1000">
<p id="onetrust-policy-text">We and our 142 partners store and access information on your device.</p>
<button id="onetrust-pc-btn-handler">Cookie Settings</button> <button id="onetrust-reject-all-handler">Reject All</button> <button id="onetrust-accept-btn-handler">Accept All Cookies</button>
</div></div>
<script>
(function () {
  var b = document.getElementById('onetrust-banner-sdk');
  function choose(groups) { b.style.display = 'none'; document.cookie = 'OptanonConsent=groups=' + groups + '; path=/'; }
"#
    };
}
pub(crate) use onetrust_banner;

/// A OneTrust-style banner. The site's TikTok pixel ignores the choice; the Meta pixel waits
/// for "accept".
const ONETRUST: &str = with_load!(
    onetrust_banner!(),
    r#"  document.getElementById('onetrust-accept-btn-handler').addEventListener('click', function () {
    choose('C0001:1,C0002:1,C0004:1');
    window.fbq = window.fbq || function () { fbq.queue.push([].slice.call(arguments)); }; fbq.queue = fbq.queue || [];
    fbq('init', '1234567890123456'); fbq('track', 'PageView');
    __pcLoad('https://connect.facebook.net/en_US/fbevents.js');
  });
  document.getElementById('onetrust-reject-all-handler').addEventListener('click', function () { choose('C0001:1,C0002:0,C0004:0'); });
  document.getElementById('onetrust-pc-btn-handler').addEventListener('click', function () { navigator.sendBeacon('/never-click?what=onetrust-settings'); });
})();
</script>"#
);

/// A Didomi-style banner (autoconsent's `didomi` rule). GA4 waits for "accept"; nothing
/// else is on the page: a site that honours "reject".
const DIDOMI: &str = with_load!(
    didomi_notice!(),
    r#"<script>
(function () {
  var host = document.getElementById('didomi-host');
  function close() { host.innerHTML = ''; host.setAttribute('aria-hidden', 'true'); }
  document.getElementById('didomi-notice-agree-button').addEventListener('click', function () {
    close();
    window.dataLayer = window.dataLayer || []; window.gtag = function () { dataLayer.push(arguments); };
    gtag('js', new Date()); gtag('config', 'G-DEMO123456');
    __pcLoad('https://www.googletagmanager.com/gtag/js?id=G-DEMO123456');
  });
  document.getElementById('didomi-notice-disagree-button').addEventListener('click', close);
})();
</script>"#
);

/// A Didomi-style banner on a site that reloads itself once the visitor chose (as many do);
/// after the reload the choice is read from a cookie: no banner, and GA4 only after "agree".
const DIDOMI_RELOAD: &str = with_load!(
    didomi_notice!(),
    r#"<script>
(function () {
  var host = document.getElementById('didomi-host');
  var m = document.cookie.match(/(?:^|; )didomi_token=(\w+)/);
  if (m) {
    host.innerHTML = ''; host.setAttribute('aria-hidden', 'true');
    if (m[1] === 'all') {
      window.dataLayer = window.dataLayer || []; window.gtag = function () { dataLayer.push(arguments); };
      gtag('js', new Date()); gtag('config', 'G-DEMO123456');
      __pcLoad('https://www.googletagmanager.com/gtag/js?id=G-DEMO123456');
    }
    return;
  }
  function choose(v) { document.cookie = 'didomi_token=' + v + '; path=/'; location.reload(); }
  document.getElementById('didomi-notice-agree-button').addEventListener('click', function () { choose('all'); });
  document.getElementById('didomi-notice-disagree-button').addEventListener('click', function () { choose('none'); });
})();
</script>"#
);

/// A site's own banner in French, known to no autoconsent rule (found by button texts).
/// Pinterest waits for "accept"; the LinkedIn Insight Tag is on the page regardless and is
/// told about any choice, "reject" included.
const CUSTOM_FR: &str = with_load!(
    r#"<div class="cookie-notice" style="position:fixed;bottom:0;left:0;right:0;background:#fffbe6;padding:1em;z-index:1000">
<p>Nous utilisons des cookies pour mesurer l'audience et personnaliser la publicité.</p>
<a href="/never-click?what=personnaliser">Personnaliser</a> <button type="button" class="cn-refuse">Tout refuser</button> <button type="button" class="cn-accept">Tout accepter</button>
</div>
<script>
(function () {
  var n = document.querySelector('.cookie-notice');
  function choose(v) {
    n.remove(); document.cookie = 'cn_consent=' + v + '; path=/';
    new Image().src = 'https://px.ads.linkedin.com/collect?v=2&fmt=js&pid=1234567&conversionId=consent_' + v + '&time=' + Date.now() + '&url=' + encodeURIComponent(location.href);
    if (v === 'all') __pcLoad('https://s.pinimg.com/ct/core.js?tid=2612345678901');
  }
  document.querySelector('.cn-accept').addEventListener('click', function () { choose('all'); });
  document.querySelector('.cn-refuse').addEventListener('click', function () { choose('none'); });
})();
</script>"#
);

/// Didomi's standard notice texts ("Agree and close", "Disagree and close", "Learn more")
/// in markup no autoconsent rule knows (a site that restyled its notice): only the text
/// fallback finds it, and must find the reject button too. Pinterest waits for "accept"; the
/// LinkedIn Insight Tag is on the page regardless and is told about any choice.
const DIDOMI_TEXTS: &str = with_load!(
    r#"<div class="privacy-notice" role="dialog" style="position:fixed;bottom:0;left:0;right:0;background:#f4f4f4;padding:1em;z-index:1000">
<p>With your agreement, we and our partners use cookies or similar technologies to store, access, and process personal data like your visit on this website.</p>
<button type="button" class="pn-more">Learn more</button> <button type="button" class="pn-no">Disagree and close</button> <button type="button" class="pn-yes">Agree and close</button>
</div>
<script>
(function () {
  var n = document.querySelector('.privacy-notice');
  function choose(v) {
    n.remove();
    new Image().src = 'https://px.ads.linkedin.com/collect?v=2&fmt=js&pid=2345678&conversionId=consent_' + v + '&time=' + Date.now() + '&url=' + encodeURIComponent(location.href);
    if (v === 'all') __pcLoad('https://s.pinimg.com/ct/core.js?tid=2612345678901');
  }
  document.querySelector('.pn-yes').addEventListener('click', function () { choose('all'); });
  document.querySelector('.pn-no').addEventListener('click', function () { choose('none'); });
  document.querySelector('.pn-more').addEventListener('click', function () { navigator.sendBeacon('/never-click?what=learn-more'); });
})();
</script>"#
);

/// A banner with no way to refuse: "Accept all" and a settings link. Snap waits for "accept".
const NO_REJECT: &str = with_load!(
    r#"<div id="cookie-wall" style="position:fixed;bottom:0;left:0;right:0;background:#eef;padding:1em;z-index:1000">
<p>This site uses cookies to improve your experience and for advertising.</p>
<a href="/never-click?what=manage-settings">Manage settings</a> <button type="button" id="cw-accept">Accept all</button>
</div>
<script>
document.getElementById('cw-accept').addEventListener('click', function () {
  document.getElementById('cookie-wall').style.display = 'none';
  __pcLoad('https://sc-static.net/scevent.min.js?pid=a1b2c3d4-0000-4000-8000-123456789abc');
});
</script>"#
);

/// Honours Global Privacy Control twice: the server leaves the Meta pixel out when the
/// request has `Sec-GPC: 1` ([`HONOURS_SEC_GPC`]), and the page loads TikTok only when
/// `navigator.globalPrivacyControl` is not true.
const GPC_AWARE: &str = with_load!(
    r#"<script>
if (navigator.globalPrivacyControl !== true) {
  window.ttq = window.ttq || [];
  ['page','track','identify'].forEach(function (m) { ttq[m] = function () { ttq.push([m].concat([].slice.call(arguments))); }; });
  ttq.push(['load', 'CDEMOTT0PIXEL0000001']); ttq.page();
  __pcLoad('https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=CDEMOTT0PIXEL0000001&lib=ttq');
}
</script>"#
);

/// The path the consent banners' other buttons and links (settings, learn more) lead to or
/// beacon: a crawl must never request it.
pub const NEVER_CLICK: &str = "/never-click";

/// Links on the internal-page sites that must never be followed start with this path (on the
/// site itself or on another site).
pub const NEVER_FOLLOW: &str = "/never-follow";

/// The links every internal-page site carries that a visitor must not follow: log out,
/// unsubscribe, empty the cart, a `download` link, a file, another site, a link in a fixed
/// promotion overlay, a mail link and the front page itself under other names.
macro_rules! decoy_links {
    () => {
        r##"<footer>
<a href="/never-follow/account/logout">Log out</a>
<a href="/never-follow/account">Sign out</a>
<a href="/never-follow/newsletter/unsubscribe?u=1">Newsletter</a>
<a href="/never-follow/cart?action=empty-cart">Cart</a>
<a href="/never-follow/brochure" download>Our brochure</a>
<a href="/never-follow/catalogue.pdf">Catalogue</a>
<a href="https://elsewhere.test/never-follow/partner">Our partner</a>
<a href="mailto:hello@example.com">Write to us</a>
<a href="/">Home</a> <a href="/?lang=fr">Français</a> <a href="#main">Skip to content</a>
</footer>
<div class="promo" style="position:fixed;top:0;right:0;background:#ffe;padding:.5em;z-index:900"><a href="/never-follow/offer">Limited offer</a></div>"##
    };
}

/// product-page.test's front page: GA4 only, and one product link (so one internal page of
/// the two `--pages 3` wants).
const PRODUCT_FRONT: &str = concat!(
    r#"<nav><a href="/products/desk-lamp">Desk lamp</a></nav>"#,
    decoy_links!()
);

/// article-site.test's front page: no tracker; an article in the page and an offers page
/// reachable only through the (closed) menu.
const ARTICLE_FRONT: &str = concat!(
    r#"<nav class="menu"><button type="button" aria-expanded="false">Menu</button>
<ul class="menu-items" style="display:none"><li><a href="/members/offers">Members' offers</a></li></ul></nav>
<article><h2><a href="/news/2026/city-council">City council approves the new budget</a></h2></article>
"#,
    decoy_links!()
);

/// A vendor nothing knows on several sites (`px.tailbeam.test`, issue 39): its account ID `k`
/// is in no ID-named parameter, so only the crawl-wide inference finds it (the same on every
/// page of a site, different between sites). Decoys: the visitor's ID `vid` (a first-party
/// cookie), the session `s` (sessionStorage), a page view ID `pv` (new each page), a random
/// `n` per request, the script's version `v`, the time `ts`.
macro_rules! tailbeam {
    ($account:literal) => {
        concat!(
            r#"<script>
(function () {
  var T = 'https://px.tailbeam.test/t/', K = '"#,
            $account,
            r#"';
  function rnd() { return Math.random().toString(36).slice(2, 10); }
  var m = document.cookie.match('(?:^|; )_tb_vid=([^;]*)'), vid = m ? m[1] : null;
  if (!vid) { vid = 'tbv' + rnd() + '7'; document.cookie = '_tb_vid=' + vid + '; path=/; max-age=31536000'; }
  var s = sessionStorage.getItem('tb_sid') || ('tbs' + rnd() + '3'); sessionStorage.setItem('tb_sid', s);
  var pv = 'pv' + rnd() + '5';
  new Image().src = T + 'hit?k=' + K + '&vid=' + vid + '&s=' + s + '&pv=' + pv + '&v=2.4.1&ts=' + Date.now() + '&n=' + rnd() + '1';
  fetch(T + 'ping?k=' + K + '&pv=' + pv + '&n=' + rnd() + '2&ts=' + Date.now(), {mode: 'no-cors'});
})();
</script>"#
        )
    };
}

/// The tail vendor's account on each of its sites (`tailbeam!`), the truth inference is held to.
pub const TAILBEAM_ACCOUNTS: [(&str, &str); 3] = [
    ("tail-news.test", "tb4471k"),
    ("tail-shop.test", "tb9902q"),
    ("tail-blog.test", "tb1185z"),
];

/// tail-news.test's front page: the tail vendor, and two sections' stories (two internal
/// pages with it too).
const TAIL_NEWS_FRONT: &str = concat!(
    r#"<nav><a href="/world/harbour-reopens">Harbour reopens</a> <a href="/sport/final-score">Final score</a></nav>"#,
    tailbeam!("tb4471k")
);
const TAIL_NEWS_PAGE: &str = tailbeam!("tb4471k");
/// tail-shop.test's front page: the tail vendor and one product page with it too.
const TAIL_SHOP_FRONT: &str = concat!(
    r#"<nav><a href="/products/kettle">Kettle</a></nav>"#,
    tailbeam!("tb9902q")
);
const TAIL_SHOP_PAGE: &str = tailbeam!("tb9902q");
/// tail-blog.test: the tail vendor on its only page (its account found by what the other
/// sites taught).
const TAIL_BLOG: &str = tailbeam!("tb1185z");

/// The internal pages of the test web: host, path, trackers, extra HTML. Their trackers are
/// on no front page (but the tail vendor's).
pub const INTERNAL_PAGES: &[(&str, &str, &[Tracker], &str)] = &[
    // A product page with a purchase-intent pixel.
    (
        "product-page.test",
        "/products/desk-lamp",
        &[Tracker::Ga4, Tracker::TikTok],
        r#"<script>ttq.track('AddToCart', {content_id: 'lamp-42', value: 39.9, currency: 'EUR'});</script>"#,
    ),
    // An article page with another ad stack than the (empty) front page.
    (
        "article-site.test",
        "/news/2026/city-council",
        &[Tracker::Meta, Tracker::Other("x", "o1x2y")],
        "",
    ),
    // A page reachable only through the menu.
    (
        "article-site.test",
        "/members/offers",
        &[Tracker::Other("pinterest", "2612345678901")],
        "",
    ),
    // Hostile internal pages (super::hostile): broken titles, and pages reached through
    // links with broken texts or megabyte URLs.
    (
        "mangled-text.test",
        "/recipes/soup",
        &[],
        hostile::MANGLED_INTERNAL,
    ),
    (
        "mangled-text.test",
        "/recipes/bread",
        &[],
        hostile::MANGLED_INTERNAL,
    ),
    (
        "mangled-text.test",
        "/recipes/cake",
        &[],
        hostile::MANGLED_INTERNAL,
    ),
    ("huge-urls.test", "/about/team", &[], ""),
    ("huge-urls.test", "/about/long", &[], ""),
    // The tail vendor's sites' internal pages.
    (
        "tail-news.test",
        "/world/harbour-reopens",
        &[],
        TAIL_NEWS_PAGE,
    ),
    ("tail-news.test", "/sport/final-score", &[], TAIL_NEWS_PAGE),
    ("tail-shop.test", "/products/kettle", &[], TAIL_SHOP_PAGE),
];

/// The internal page of `host` at `path`, if any.
pub(super) fn internal_page(host: &str, path: &str) -> Option<Kind> {
    if host.starts_with("bench-deep-") && BENCH_DEEP_PATHS.contains(&path) {
        return bench_kind(host);
    }
    INTERNAL_PAGES
        .iter()
        .find(|(h, p, _, _)| *h == host && *p == path)
        .map(|&(_, _, trackers, extra)| Kind::Page {
            trackers,
            form: false,
            search: false,
            extra,
        })
}

/// What a crawl with `--pages 3` must find on the internal-page sites: site, tracker, the
/// paths of the pages it is seen on (the order of the internal pages depends on the crawl's
/// secret, so the truth names paths).
pub const PAGES_TRUTH: &[(&str, &str, &[&str])] = &[
    (
        "product-page.test",
        "Google Analytics 4",
        &["/", "/products/desk-lamp"],
    ),
    (
        "product-page.test",
        "TikTok Pixel",
        &["/products/desk-lamp"],
    ),
    (
        "article-site.test",
        "Meta Pixel",
        &["/news/2026/city-council"],
    ),
    ("article-site.test", "X Pixel", &["/news/2026/city-council"]),
    ("article-site.test", "Pinterest Tag", &["/members/offers"]),
];

/// The pages each internal-page site must visit with `--pages 3` (all its candidates, by
/// path), and how many candidates its front page has.
pub const PAGES_VISITED: &[(&str, &[&str], u32)] = &[
    ("product-page.test", &["/", "/products/desk-lamp"], 1),
    (
        "article-site.test",
        &["/", "/members/offers", "/news/2026/city-council"],
        2,
    ),
];

/// Pages written for the static pre-scan (not in the demo list): an 8 MB page (a pre-scan
/// reads it up to its cap; the Meta base code is at the start), a page in ISO-8859-1 with
/// the TikTok base code, and malformed markup (unclosed tags, a stray `</script>`, an
/// unterminated comment at the end) around the gtag.js snippet.
pub const PRESCAN_PAGES: [&str; 3] = ["huge.test", "latin1.test", "malformed.test"];

/// The body and content type of a [`PRESCAN_PAGES`] host.
pub fn prescan_page(host: &str) -> Option<(&'static str, Vec<u8>)> {
    match host {
        "huge.test" => {
            let mut b = format!(
                "<!doctype html><html><head><title>Huge</title><script>fbq('init', '{META_ID}'); fbq('track', 'PageView');</script></head><body>"
            )
            .into_bytes();
            while b.len() < 8 * 1024 * 1024 {
                b.extend_from_slice(LOREM.as_bytes());
            }
            b.extend_from_slice(b"</body></html>");
            Some(("text/html; charset=utf-8", b))
        }
        "latin1.test" => {
            let mut b = b"<!doctype html><html><head><meta charset=\"iso-8859-1\"><title>Caf\xe9 cr\xe8me</title><script>ttq.load('".to_vec();
            b.extend_from_slice(TIKTOK_CODE.as_bytes());
            b.extend_from_slice(b"'); ttq.page();</script></head><body><p>D\xe9j\xe0 vu</p></body></html>");
            Some(("text/html", b))
        }
        "malformed.test" => Some((
            "text/html; charset=utf-8",
            format!(
                "<html><head><title>Broken</title><body><div><p>unclosed <b>bold <i>both</div></script>\n<script async src=\"https://www.googletagmanager.com/gtag/js?id={GA4_ID}\"></script>\n<script>window.dataLayer = window.dataLayer || []; function gtag() {{ dataLayer.push(arguments); }} gtag('js', new Date()); gtag('config', '{GA4_ID}');</script>\n<table><tr><td>cell<td>cell</table><!-- never closed"
            )
            .into_bytes(),
        )),
        _ => None,
    }
}

/// What a static pre-scan of the demo list cannot see that a browser crawl (`--consent none`,
/// `--pages 3`) finds: site, tracker, why. Every other [`TRUTH`] entry of a named tracker must
/// be in the HTML (third parties named only by their domain, which the entity list does not
/// know, are not reported by the pre-scan: it reports trackers it can name).
pub const BROWSER_ONLY: &[(&str, &str, &str)] = &[
    (
        "iframe-host.test",
        "TikTok Pixel",
        "inside a cross-site frame",
    ),
    (
        "leaves.test",
        "Google Analytics 4",
        "on the page the site navigates to",
    ),
    ("product-page.test", "TikTok Pixel", "on an internal page"),
    ("article-site.test", "Meta Pixel", "on an internal page"),
    ("article-site.test", "X Pixel", "on an internal page"),
    ("article-site.test", "Pinterest Tag", "on an internal page"),
];

/// What a static pre-scan finds in the HTML that a browser crawl without consent does not
/// see fire: site, tracker, why.
pub const STATIC_ONLY: &[(&str, &str, &str)] = &[
    (
        "consent-onetrust.test",
        "Meta Pixel",
        "waits for \"accept\"",
    ),
    (
        "consent-didomi.test",
        "Google Analytics 4",
        "waits for \"accept\"",
    ),
    (
        "consent-custom.test",
        "Pinterest Tag",
        "waits for \"accept\"",
    ),
    (
        "consent-noreject.test",
        "Snap Pixel",
        "waits for \"accept\"",
    ),
    (
        "consent-reload.test",
        "Google Analytics 4",
        "waits for \"accept\"",
    ),
    (
        "consent-didomi-text.test",
        "Pinterest Tag",
        "waits for \"accept\"",
    ),
];

/// Where the collectors of some instances of [`TRUTH`] sit (site_trackers.csv `hosting`):
/// site, tracker, hosting.
pub const HOSTING: &[(&str, &str, &str)] = &[
    ("protocols.test", "Snowplow", "first_party"),
    ("protocols.test", "Matomo", "self_hosted"),
    ("protocols.test", "Adobe Analytics", "first_party"),
    ("protocols.test", "Webtrends", "first_party"),
    ("protocols.test", "PostHog", "first_party"),
    ("analytics-media.test", "Adobe Analytics", "vendor"),
    ("analytics-media.test", "Matomo", "vendor"),
    ("sst-shop.test", "Google Analytics 4", "first_party"),
    ("meta-news.test", "Meta Pixel", "vendor"),
];

/// Sites whose server drops their `trackers` when a request carries `Sec-GPC: 1`.
pub const HONOURS_SEC_GPC: &[&str] = &["gpc-honours.test"];

/// Every host of the test web.
pub const SITES: &[Site] = &[
    page("tiktok-shop.test", 1, &[Tracker::TikTok], true, true, ""),
    page("meta-news.test", 2, &[Tracker::Meta], true, true, ""),
    page("ga4-blog.test", 3, &[Tracker::Ga4], false, true, ""),
    page("gtm-store.test", 4, &[Tracker::Gtm], true, false, ""),
    page(
        "delayed-pixel.test",
        5,
        &[Tracker::MetaDelayed(800)],
        false,
        false,
        "",
    ),
    page("iframe-host.test", 6, &[], false, false, IFRAME),
    page("beacons.test", 7, &[], false, false, BEACONS),
    page("recorder.test", 8, &[], true, false, RECORDER),
    page(
        "sst-shop.test",
        9,
        &[Tracker::Ga4ServerSide],
        false,
        false,
        "",
    ),
    page("clean.test", 10, &[], false, false, CDN_ONLY),
    Site {
        domain: "redirect.test",
        rank: 11,
        kind: Kind::Redirect("https://www.redirect.test/"),
        expect: Outcome::Ok,
        expect_status: Some(200),
    },
    Site {
        domain: "http-only.test",
        rank: 12,
        kind: Kind::HttpOnly,
        expect: Outcome::Ok,
        expect_status: Some(200),
    },
    page("leaves.test", 13, &[Tracker::TikTok], false, false, LEAVES),
    page("dialogs.test", 14, &[], false, false, DIALOGS),
    page("cookie-sync.test", 15, &[], false, false, COOKIE_SYNC),
    page(
        "search-portal.test",
        16,
        &[Tracker::Meta, Tracker::Ga4],
        false,
        true,
        "",
    ),
    page(
        "x-news.test",
        24,
        &[Tracker::Other("x", "o1x2y")],
        false,
        false,
        "",
    ),
    page(
        "uet-shop.test",
        25,
        &[Tracker::Other("uet", "5123456")],
        false,
        false,
        "",
    ),
    page(
        "linkedin-b2b.test",
        26,
        &[Tracker::Other("linkedin", "1234567")],
        false,
        false,
        "",
    ),
    page(
        "pinterest-crafts.test",
        27,
        &[Tracker::Other("pinterest", "2612345678901")],
        true,
        false,
        "",
    ),
    page(
        "snap-store.test",
        28,
        &[Tracker::Other(
            "snap",
            "a1b2c3d4-0000-4000-8000-123456789abc",
        )],
        true,
        false,
        "",
    ),
    page(
        "reddit-forum.test",
        29,
        &[Tracker::Other("reddit", "t2_demo")],
        false,
        false,
        "",
    ),
    page(
        "hotjar-bank.test",
        30,
        &[Tracker::Other("hotjar", "3456789")],
        true,
        false,
        "",
    ),
    page(
        "clarity-travel.test",
        31,
        &[Tracker::Other("clarity", "abcd1234ef")],
        true,
        false,
        "",
    ),
    page(
        "fullstory-saas.test",
        32,
        &[Tracker::Other("fullstory", "o-DEMO-na1")],
        true,
        false,
        "",
    ),
    page("hostile.test", 34, &[], false, false, HOSTILE),
    page(
        "gads-landing.test",
        33,
        &[Tracker::Other("gads", "AW-123456789")],
        false,
        false,
        "",
    ),
    page(
        "consent-onetrust.test",
        35,
        &[Tracker::TikTok],
        true,
        false,
        ONETRUST,
    ),
    page("consent-didomi.test", 36, &[], true, false, DIDOMI),
    page(
        "consent-custom.test",
        37,
        &[Tracker::Other("linkedin", "1234567")],
        false,
        false,
        CUSTOM_FR,
    ),
    page("consent-noreject.test", 38, &[], true, false, NO_REJECT),
    page(
        "gpc-honours.test",
        39,
        &[Tracker::Meta],
        false,
        false,
        GPC_AWARE,
    ),
    page(
        "gpc-ignores.test",
        40,
        &[Tracker::Meta, Tracker::TikTok],
        false,
        false,
        "",
    ),
    page("consent-reload.test", 41, &[], false, false, DIDOMI_RELOAD),
    page(
        "product-page.test",
        43,
        &[Tracker::Ga4],
        false,
        false,
        PRODUCT_FRONT,
    ),
    page("article-site.test", 44, &[], false, false, ARTICLE_FRONT),
    page(
        "consent-didomi-text.test",
        42,
        &[Tracker::Other("linkedin", "2345678")],
        false,
        false,
        DIDOMI_TEXTS,
    ),
    failing(
        "server-error.test",
        17,
        Kind::Status(500),
        Outcome::HttpError,
        Some(500),
    ),
    failing(
        "not-found.test",
        18,
        Kind::Status(404),
        Outcome::HttpError,
        Some(404),
    ),
    failing(
        "reset.test",
        19,
        Kind::Reset,
        Outcome::ConnectionError,
        None,
    ),
    failing(
        "tls-broken.test",
        20,
        Kind::TlsBroken,
        Outcome::TlsError,
        None,
    ),
    failing("hang.test", 21, Kind::Hang, Outcome::Timeout, Some(200)),
    failing("json-api.test", 22, Kind::Json, Outcome::NonHtml, Some(200)),
    failing("nxdomain.test", 23, Kind::NxDomain, Outcome::DnsError, None),
    // Reached from listed sites only, or listed by a test.
    // Hostile pages (super::hostile; crawled by tests/e2e/hostile.rs).
    // Spins its main thread after load: cut off from outside, recorded ok with its capture.
    page("hog.test", 0, &[Tracker::Ga4], false, false, HOG),
    page(
        "forms-trap.test",
        0,
        &[Tracker::Ga4],
        false,
        false,
        hostile::FORMS_TRAP,
    ),
    page(
        "self-submit.test",
        0,
        &[],
        false,
        false,
        hostile::SELF_SUBMIT,
    ),
    page(
        "dialog-loop.test",
        0,
        &[Tracker::Ga4],
        false,
        false,
        hostile::DIALOG_LOOP,
    ),
    page(
        "refresh-loop.test",
        0,
        &[Tracker::Ga4],
        false,
        false,
        hostile::REFRESH_LOOP,
    ),
    failing(
        "redirect-loop.test",
        0,
        Kind::RedirectLoop,
        Outcome::RedirectLoop,
        None,
    ),
    failing(
        "download.test",
        0,
        Kind::Download,
        Outcome::NonHtml,
        Some(200),
    ),
    page(
        "download-after.test",
        0,
        &[Tracker::Ga4],
        false,
        false,
        hostile::DOWNLOAD_AFTER,
    ),
    page("popups.test", 0, &[], false, false, hostile::POPUPS),
    // The browser's own footprint (#43; tests/e2e/footprint.rs).
    failing("silent.test", 0, Kind::Silent, Outcome::Timeout, None),
    page(
        "storage-flood.test",
        0,
        &[],
        false,
        false,
        super::footprint::STORAGE_FLOOD,
    ),
    page(
        "worker-spin.test",
        0,
        &[],
        false,
        false,
        super::footprint::WORKER_SPIN,
    ),
    page("probe.test", 0, &[], false, false, super::walls::PROBE),
    page(
        super::device::SITE,
        0,
        &[],
        false,
        false,
        super::device::PAGE,
    ),
    wall("wall-cloudflare.test", WallKind::Cloudflare, 503, false),
    wall("wall-clears.test", WallKind::Cloudflare, 503, true),
    wall("wall-datadome.test", WallKind::Datadome, 403, false),
    wall("wall-perimeterx.test", WallKind::Perimeterx, 403, false),
    wall("wall-akamai.test", WallKind::Akamai, 403, false),
    wall("wall-imperva.test", WallKind::Imperva, 200, false),
    wall("wall-captcha.test", WallKind::Captcha, 200, false),
    page("big-beacon.test", 0, &[], false, false, hostile::BIG_BEACON),
    page(
        "history-loop.test",
        0,
        &[Tracker::Ga4],
        false,
        false,
        hostile::HISTORY_LOOP,
    ),
    page(
        "focus-steal.test",
        0,
        &[],
        false,
        true,
        hostile::FOCUS_STEAL,
    ),
    page(
        "key-hog.test",
        0,
        &[Tracker::Ga4],
        false,
        false,
        hostile::KEY_HOG,
    ),
    page(
        "docwrite-flood.test",
        0,
        &[Tracker::Ga4],
        false,
        false,
        hostile::DOCWRITE_FLOOD,
    ),
    page(
        "giant-cookies.test",
        0,
        &[],
        false,
        false,
        hostile::GIANT_COOKIES,
    ),
    page("webrtc.test", 0, &[], false, false, hostile::WEBRTC),
    page("ping-flood.test", 0, &[], false, false, hostile::PING_FLOOD),
    page(
        "socket-flood.test",
        0,
        &[],
        false,
        false,
        hostile::SOCKET_FLOOD,
    ),
    page("formula.test", 0, &[], false, false, hostile::FORMULA),
    page(
        "mangled-text.test",
        0,
        &[Tracker::Ga4],
        false,
        false,
        hostile::MANGLED_TEXT,
    ),
    page(
        "huge-urls.test",
        0,
        &[Tracker::Ga4],
        false,
        false,
        hostile::HUGE_URLS,
    ),
    page(
        "iframe-trap.test",
        0,
        &[Tracker::Ga4],
        false,
        false,
        hostile::IFRAME_TRAP,
    ),
    // Pages that try to turn the visitor's search into another submission.
    page(
        "morph-search.test",
        0,
        &[],
        false,
        false,
        hostile::MORPH_SEARCH,
    ),
    page("moved-box.test", 0, &[], false, false, hostile::MOVED_BOX),
    page(
        "custom-pass.test",
        0,
        &[],
        false,
        false,
        hostile::CUSTOM_PASS,
    ),
    page("focus-flip.test", 0, &[], false, false, hostile::FOCUS_FLIP),
    page("formaction.test", 0, &[], false, false, hostile::FORMACTION),
    page(
        "enter-hijack.test",
        0,
        &[],
        false,
        false,
        hostile::ENTER_HIJACK,
    ),
    // Workers, a WebSocket recorder, an EventSource and a ping (see super::channels).
    page("workers.test", 45, &[], true, false, super::channels::PAGE),
    page("invented.test", 46, &[], true, false, INVENTED),
    // Vendors with decoders written from real requests (issue 11), three to a page.
    page("adtech-retail.test", 47, ADTECH, true, true, ""),
    page("analytics-media.test", 48, ANALYTICS_MEDIA, true, true, ""),
    page("b2b-saas.test", 49, B2B, true, false, ""),
    // Collectors of the site's own and its owner's (issue 39).
    page("protocols.test", 50, &[], false, false, PROTOCOLS),
    // A vendor nothing knows on three sites, its account found only by inference (issue 39).
    page("tail-news.test", 51, &[], false, false, TAIL_NEWS_FRONT),
    page("tail-shop.test", 52, &[], false, false, TAIL_SHOP_FRONT),
    page("tail-blog.test", 53, &[], false, false, TAIL_BLOG),
    page("www.redirect.test", 0, &[Tracker::Meta], false, false, ""),
    page("elsewhere.test", 0, &[Tracker::Ga4], false, false, ""),
];

/// The listed sites, in rank order.
pub fn listed() -> impl Iterator<Item = &'static Site> {
    let mut l: Vec<&'static Site> = SITES.iter().filter(|s| s.rank > 0).collect();
    l.sort_by_key(|s| s.rank);
    l.into_iter()
}

/// The host map Chromium needs to see the test web on `port`.
pub fn host_map(port: u16) -> String {
    let mut rules: Vec<String> = SITES
        .iter()
        .filter(|s| matches!(s.kind, Kind::NxDomain))
        .map(|s| format!("MAP {} ~NOTFOUND", s.domain))
        .collect();
    rules.push(format!("MAP * 127.0.0.1:{port}"));
    rules.join(", ")
}

/// The site list in Tranco format (what seeds/demo-sites.csv holds).
pub fn tranco_csv() -> String {
    listed()
        .map(|s| format!("{},{}\n", s.rank, s.domain))
        .collect()
}

/// The site of the test web served at `host`.
pub fn find(host: &str) -> Option<&'static Site> {
    SITES.iter().find(|s| s.domain == host)
}

const LOREM: &str = "<p>Local news, recipes and weather for the week ahead. Readers can subscribe to the \
newsletter below, or search the archive. This paragraph is long enough to wrap a few times in a \
1366-pixel window so that the page scrolls the way a real article does.</p>";

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn tracker_html(t: Tracker, domain: &str, path: &str, query: Option<&str>) -> String {
    let search = path == "/search";
    let q = query.unwrap_or("");
    let qjs = serde_json::to_string(q).unwrap_or_default();
    match t {
        Tracker::TikTok => format!(
            r#"<script>
window.ttq = window.ttq || [];
['page','track','identify'].forEach(function (m) {{ ttq[m] = function () {{ ttq.push([m].concat([].slice.call(arguments))); }}; }});
ttq.push(['load', '{TIKTOK_CODE}']); ttq.page();{}
(function () {{ var s = document.createElement('script'); s.async = true; s.src = 'https://analytics.tiktok.com/i18n/pixel/events.js?sdkid={TIKTOK_CODE}&lib=ttq'; document.head.appendChild(s); }})();
</script>"#,
            if search {
                format!("\nttq.track('Search', {{query: {qjs}}});")
            } else {
                String::new()
            }
        ),
        Tracker::Meta | Tracker::MetaDelayed(_) => {
            let delay = if let Tracker::MetaDelayed(ms) = t {
                ms
            } else {
                0
            };
            format!(
                r#"<script>
setTimeout(function () {{
  window.fbq = window.fbq || function () {{ fbq.queue.push([].slice.call(arguments)); }}; fbq.queue = fbq.queue || [];
  fbq('init', '{META_ID}'); fbq('track', 'PageView');{}
  var s = document.createElement('script'); s.async = true; s.src = 'https://connect.facebook.net/en_US/fbevents.js'; document.head.appendChild(s);
}}, {delay});
</script>
<noscript><img height="1" width="1" style="display:none" src="https://www.facebook.com/tr?id={META_ID}&ev=PageView&noscript=1"></noscript>"#,
                if search {
                    format!("\n  fbq('track', 'Search', {{search_string: {qjs}}});")
                } else {
                    String::new()
                }
            )
        }
        Tracker::Ga4 => format!(
            r#"<script async src="https://www.googletagmanager.com/gtag/js?id={GA4_ID}"></script>
<script>window.dataLayer = window.dataLayer || []; function gtag() {{ dataLayer.push(arguments); }} gtag('js', new Date()); gtag('config', '{GA4_ID}');</script>"#
        ),
        Tracker::Ga4ServerSide => format!(
            r#"<script async src="https://www.googletagmanager.com/gtag/js?id={GA4_SST_ID}"></script>
<script>window.dataLayer = window.dataLayer || []; function gtag() {{ dataLayer.push(arguments); }} gtag('js', new Date()); gtag('config', '{GA4_SST_ID}', {{transport_url: 'https://metrics.{domain}'}});</script>"#
        ),
        Tracker::Other(vendor, id) => format!(
            r#"<script async src="{}"></script>"#,
            loader_url(vendor, id)
        ),
        Tracker::Gtm => format!(
            r#"<script>(function (w, d, s, l, i) {{ w[l] = w[l] || []; w[l].push({{'gtm.start': new Date().getTime(), event: 'gtm.js'}}); var f = d.getElementsByTagName(s)[0], j = d.createElement(s); j.async = true; j.src = 'https://www.googletagmanager.com/gtm.js?id=' + i; f.parentNode.insertBefore(j, f); }})(window, document, 'script', 'dataLayer', '{GTM_ID}');</script>"#
        ),
    }
}

/// Generated sites for benchmarks: `bench-<n>.test` for any n, each with one of four tracker
/// set-ups (TikTok, Meta, GA4, a GTM container) and no forms; `bench-cmp-<n>.test` carry a
/// consent banner as well (OneTrust-style for even n, Didomi-style for odd n, as on
/// consent-onetrust.test and consent-didomi.test).
pub fn bench_kind(host: &str) -> Option<Kind> {
    if let Some(rest) = host.strip_prefix("bench-heavy-") {
        // A top-list-like sample: pages of about 300 KB with 30 subresources; every 25th
        // answers 500, every 50th never finishes (and every 20th is slow: `bench_delay`).
        let n: u64 = rest.strip_suffix(".test")?.parse().ok()?;
        if n % 25 == 11 {
            return Some(Kind::Status(500));
        }
        if n % 50 == 23 {
            return Some(Kind::Hang);
        }
        return Some(Kind::Page {
            trackers: BENCH_SETS[(n % 4) as usize],
            form: n.is_multiple_of(2),
            search: false,
            extra: heavy_extra(),
        });
    }
    if let Some(rest) = host.strip_prefix("bench-deep-") {
        // Front page and internal pages alike: the tracker set, and links to the two
        // internal pages (`--pages 3` follows both).
        let n: u64 = rest.strip_suffix(".test")?.parse().ok()?;
        return Some(Kind::Page {
            trackers: BENCH_SETS[(n % 4) as usize],
            form: false,
            search: false,
            extra: BENCH_DEEP_LINKS,
        });
    }
    if let Some(rest) = host.strip_prefix("bench-cmp-") {
        let n: u64 = rest.strip_suffix(".test")?.parse().ok()?;
        return Some(Kind::Page {
            trackers: &[Tracker::TikTok],
            form: false,
            search: false,
            extra: if n.is_multiple_of(2) {
                ONETRUST
            } else {
                DIDOMI
            },
        });
    }
    let n: u64 = host
        .strip_prefix("bench-")?
        .strip_suffix(".test")?
        .parse()
        .ok()?;
    Some(Kind::Page {
        trackers: BENCH_SETS[(n % 4) as usize],
        form: false,
        search: false,
        extra: "",
    })
}

/// How long the test web waits before answering a generated bench page: 3 s for every 20th
/// `bench-heavy-<n>.test` front page (a slow server).
pub fn bench_delay(host: &str, path: &str) -> Option<std::time::Duration> {
    let n: u64 = host
        .strip_prefix("bench-heavy-")?
        .strip_suffix(".test")?
        .parse()
        .ok()?;
    (n % 20 == 7 && path == "/").then(|| std::time::Duration::from_secs(3))
}

/// The body of a heavy bench page: about 300 KB of text, 20 images and 10 scripts from a CDN.
fn heavy_extra() -> &'static str {
    static S: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        let mut s = String::new();
        for k in 0..20 {
            s.push_str(&format!(
                r#"<img src="https://cdn-static.test/img/{k}.png" width="120" height="80" alt="">"#
            ));
        }
        for k in 0..10 {
            s.push_str(&format!(
                r#"<script src="https://cdn-static.test/js/{k}.js"></script>"#
            ));
        }
        while s.len() < 300 * 1024 {
            s.push_str(LOREM);
        }
        s
    })
}

/// The tracker set-ups of generated bench sites, by number modulo 4.
const BENCH_SETS: [&[Tracker]; 4] = [
    &[Tracker::TikTok],
    &[Tracker::Meta],
    &[Tracker::Ga4],
    &[Tracker::Gtm],
];

/// The internal pages of every `bench-deep-<n>.test` (served like its front page).
pub const BENCH_DEEP_PATHS: [&str; 2] = ["/shop/item", "/news/story"];

/// The links of a `bench-deep-<n>.test` page to [`BENCH_DEEP_PATHS`].
const BENCH_DEEP_LINKS: &str =
    r#"<nav><a href="/shop/item">Item</a> <a href="/news/story">Story</a></nav>"#;

/// A site's trackers in a test-web variant. Variant 1 ("next month"): x-news.test swaps
/// the X pixel for a LinkedIn Insight Tag (pixel 7654321) and reddit-forum.test drops its
/// Reddit pixel; everything else is unchanged.
pub fn variant_trackers(domain: &str, kind: Kind, variant: u8) -> Kind {
    match (variant, domain, kind) {
        (
            1,
            "x-news.test",
            Kind::Page {
                form,
                search,
                extra,
                ..
            },
        ) => Kind::Page {
            trackers: &[Tracker::Other("linkedin", "7654321")],
            form,
            search,
            extra,
        },
        (
            1,
            "reddit-forum.test",
            Kind::Page {
                form,
                search,
                extra,
                ..
            },
        ) => Kind::Page {
            trackers: &[],
            form,
            search,
            extra,
        },
        _ => kind,
    }
}

/// The HTML of a page at `path` (`/` or `/search`) of `domain`.
pub(super) fn page_html(domain: &str, kind: Kind, path: &str, query: Option<&str>) -> String {
    let Kind::Page {
        trackers,
        form,
        search,
        extra,
    } = kind
    else {
        return String::new();
    };
    let title = if path == "/search" {
        format!(
            "Search results for {} – {}",
            escape(query.unwrap_or("")),
            domain
        )
    } else {
        format!("Welcome to {domain}")
    };
    let mut head = String::new();
    for t in trackers {
        head.push_str(&tracker_html(*t, domain, path, query));
        head.push('\n');
    }
    let mut body = String::new();
    for _ in 0..6 {
        body.push_str(LOREM);
    }
    if form {
        body.push_str(
            r#"<form id="newsletter" action="/subscribe" method="post">
<label>Email <input type="email" name="email" id="email" placeholder="you@example.com"></label>
<label>Phone <input type="tel" name="phone" id="phone"></label>
<label>Name <input type="text" name="full_name" id="full_name" placeholder="Full name"></label>
<label>Message <textarea name="message" id="message"></textarea></label>
<button type="submit">Subscribe</button></form>"#,
        );
    }
    if search {
        body.push_str(r#"<form role="search" action="/search" method="get"><input type="search" name="q" id="q" placeholder="Search"><button type="submit">Go</button></form>"#);
    }
    body.push_str(extra);
    for _ in 0..6 {
        body.push_str(LOREM);
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\n{head}</head>\n<body><header><h1>{title}</h1></header><main>{body}</main></body></html>\n"
    )
}

/// The iframe page of widgets-thirdparty.test: a TikTok pixel inside a cross-site frame, and a
/// third-party cookie.
pub(super) fn widget_html() -> String {
    let mut s =
        String::from("<!doctype html><html><head><meta charset=\"utf-8\"><title>Widget</title>");
    s.push_str(&tracker_html(
        Tracker::TikTok,
        "widgets-thirdparty.test",
        "/embed",
        None,
    ));
    s.push_str("</head><body><p>Embedded widget</p></body></html>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_sites_have_unique_names_and_ranks() {
        let mut names: Vec<_> = SITES.iter().map(|s| s.domain).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), SITES.len());
        let ranks: Vec<u64> = listed().map(|s| s.rank).collect();
        assert_eq!(ranks, (1..=ranks.len() as u64).collect::<Vec<_>>());
    }

    #[test]
    fn host_map_puts_notfound_rules_first() {
        let m = host_map(4443);
        assert!(m.starts_with("MAP nxdomain.test ~NOTFOUND"), "{m}");
        assert!(m.ends_with("MAP * 127.0.0.1:4443"), "{m}");
    }
}

#[cfg(test)]
mod seed_tests {
    #[test]
    fn seeds_demo_list_matches_the_test_web() {
        let shipped = include_str!("../../../seeds/demo-sites.csv");
        assert_eq!(
            shipped,
            super::tranco_csv(),
            "seeds/demo-sites.csv is out of date with src/testweb/sites.rs"
        );
    }
}

/// What detection must find for one site × tracker of the demo list.
#[derive(Clone, Copy, Debug)]
pub struct Expect {
    /// Listed site.
    pub site: &'static str,
    /// Tracker name as pixelcensus reports it.
    pub tracker: &'static str,
    /// Pixel or account IDs, exactly.
    pub ids: &'static [&'static str],
    /// A hit was sent (not only a loader).
    pub fired: bool,
    /// Sent through the site's own host.
    pub proxy: bool,
    /// Exactly which of the visitor's values it receives (of [`SENSITIVE`]).
    pub sensitive: &'static [&'static str],
}

/// The fields whose detection must be exact on the test web.
pub const SENSITIVE: [&str; 6] = [
    "plain_email",
    "hashed_email",
    "plain_phone",
    "hashed_phone",
    "typed_text",
    "search_query",
];

const fn e(
    site: &'static str,
    tracker: &'static str,
    ids: &'static [&'static str],
    fired: bool,
    sensitive: &'static [&'static str],
) -> Expect {
    Expect {
        site,
        tracker,
        ids,
        fired,
        proxy: false,
        sensitive,
    }
}

/// Every site × tracker a crawl of the demo list must report, and nothing else. Each follows
/// from what the imitation scripts send (assets/*.js) on the pages above.
pub const TRUTH: &[Expect] = &[
    // Direct snippets; automatic advanced matching hashes what is typed into email and phone.
    e(
        "tiktok-shop.test",
        "TikTok Pixel",
        &[TIKTOK_CODE],
        true,
        &["hashed_email", "hashed_phone", "search_query"],
    ),
    e(
        "meta-news.test",
        "Meta Pixel",
        &[META_ID],
        true,
        &["hashed_email", "hashed_phone", "search_query"],
    ),
    e(
        "ga4-blog.test",
        "Google Analytics 4",
        &[GA4_ID],
        true,
        &["search_query"],
    ),
    // Injected by the GTM container at run time.
    e(
        "gtm-store.test",
        "Google Analytics 4",
        &[GA4_GTM_ID],
        true,
        &[],
    ),
    e(
        "gtm-store.test",
        "Google Tag Manager",
        &[GTM_ID],
        false,
        &[],
    ),
    e(
        "gtm-store.test",
        "Meta Pixel",
        &[META_GTM_ID],
        true,
        &["hashed_email", "hashed_phone"],
    ),
    e(
        "gtm-store.test",
        "TikTok Pixel",
        &[TIKTOK_GTM_CODE],
        true,
        &["hashed_email", "hashed_phone"],
    ),
    e("delayed-pixel.test", "Meta Pixel", &[META_ID], true, &[]),
    // Inside a cross-site iframe; the widget host itself is an unlisted third party.
    e(
        "iframe-host.test",
        "TikTok Pixel",
        &[TIKTOK_CODE],
        true,
        &[],
    ),
    e(
        "iframe-host.test",
        "widgets-thirdparty.test",
        &[],
        false,
        &[],
    ),
    // Beacon, keepalive and FormData transports (the TikTok beacon carries no pixel code).
    e("beacons.test", "Google Analytics 4", &[GA4_ID], true, &[]),
    e("beacons.test", "Meta Pixel", &[META_ID], true, &[]),
    e("beacons.test", "TikTok Pixel", &[], true, &[]),
    // The typed values leave through a WebSocket, a dedicated worker and a service worker
    // only (super::channels); the page itself sends the tracker nothing.
    e(
        "workers.test",
        "recorder-demo.test",
        &[],
        true,
        &["plain_email", "plain_phone", "typed_text"],
    ),
    // A vendor nothing knows: everything it receives is found by value (tests/e2e/values.rs
    // checks every field); the generic reader gives its ID and event.
    e(
        "invented.test",
        "nv-metrics.test",
        &["NV-4411"],
        true,
        &["plain_email", "plain_phone", "typed_text"],
    ),
    // A second one, by its storage-kept and dotted-cookie IDs (no ID parameter, no typed
    // value).
    e("invented.test", "qx-insights.test", &[], true, &[]),
    // A vendor nothing knows on three sites: its account ID only by inference (the same on
    // every page of a site, different between sites).
    e("tail-news.test", "tailbeam.test", &["tb4471k"], true, &[]),
    e("tail-shop.test", "tailbeam.test", &["tb9902q"], true, &[]),
    e("tail-blog.test", "tailbeam.test", &["tb1185z"], true, &[]),
    // Vendors decoded from real requests (issue 11). On a site with a search box every
    // tracker that is sent the page URL gets the search term with the results page's URL.
    e(
        "adtech-retail.test",
        "Criteo OneTag",
        &["28517"],
        true,
        &["hashed_email"],
    ),
    e(
        "adtech-retail.test",
        "Google Floodlight",
        &["DC-7654321"],
        true,
        &["search_query"],
    ),
    e(
        "adtech-retail.test",
        "Amazon Ads Tag",
        &["4a1b2c3d-0000-4000-8000-1234567890ab"],
        true,
        &[],
    ),
    e(
        "adtech-retail.test",
        "The Trade Desk",
        &["k3pq3ve", "u4pcpfl"],
        true,
        &["search_query"],
    ),
    e(
        "adtech-retail.test",
        "Taboola Pixel",
        &["1347888"],
        true,
        &["search_query"],
    ),
    e(
        "adtech-retail.test",
        "Outbrain Pixel",
        &["004e6e2a8dddb574d007a0de6dfc517063"],
        true,
        &["search_query"],
    ),
    e(
        "adtech-retail.test",
        "Quora Pixel",
        &["8f5a6fee5c1345e681c7f4066c1f870a"],
        true,
        &["search_query"],
    ),
    e(
        "adtech-retail.test",
        "Yahoo Dot Tag",
        &["10204745"],
        true,
        &["search_query"],
    ),
    e(
        "analytics-media.test",
        "Adobe Analytics",
        &["shopco-prod"],
        true,
        &["search_query"],
    ),
    e(
        "analytics-media.test",
        "Matomo",
        &["7"],
        true,
        &["search_query"],
    ),
    e(
        "analytics-media.test",
        "Parse.ly",
        &["analytics-media.test"],
        true,
        &["search_query"],
    ),
    e(
        "analytics-media.test",
        "Comscore",
        &["18896682"],
        true,
        &["search_query"],
    ),
    e(
        "analytics-media.test",
        "Segment",
        &["zaySL4FGIiLsxt3I7omU5uLxXqxaBMPh"],
        true,
        &["plain_email", "search_query"],
    ),
    e(
        "b2b-saas.test",
        "Marketo Munchkin",
        &["123-ABC-456"],
        true,
        &[],
    ),
    e(
        "b2b-saas.test",
        "Leadfeeder",
        &["v1_ywVkO4XM2Pz8Z6Bj"],
        true,
        &["plain_email"],
    ),
    e(
        "b2b-saas.test",
        "LiveRamp ATS",
        &["13731"],
        true,
        &["hashed_email"],
    ),
    // Collectors on the site's own hosts and the owner's self-hosted Matomo (issue 39):
    // named by their protocols, hosting in HOSTING.
    Expect {
        proxy: true,
        ..e("protocols.test", "Snowplow", &["protocols-web1"], true, &[])
    },
    e("protocols.test", "Matomo", &["12"], true, &[]),
    Expect {
        proxy: true,
        ..e(
            "protocols.test",
            "Adobe Analytics",
            &["protocols-prod"],
            true,
            &[],
        )
    },
    Expect {
        proxy: true,
        ..e(
            "protocols.test",
            "Webtrends",
            &["dcsprot0000001wt0_1a2b"],
            true,
            &[],
        )
    },
    Expect {
        proxy: true,
        ..e("protocols.test", "PostHog", &[POSTHOG_KEY], true, &[])
    },
    // An undecoded recorder: found by canary matching alone.
    e(
        "recorder.test",
        "recorder-demo.test",
        &[],
        true,
        &["plain_email", "plain_phone", "typed_text"],
    ),
    Expect {
        proxy: true,
        ..e(
            "sst-shop.test",
            "Google Analytics 4",
            &[GA4_SST_ID],
            true,
            &[],
        )
    },
    e("clean.test", "cdn-static.test", &[], false, &[]),
    e("redirect.test", "Meta Pixel", &[META_ID], true, &[]),
    e("http-only.test", "Google Analytics 4", &[GA4_ID], true, &[]),
    e("leaves.test", "Google Analytics 4", &[GA4_ID], true, &[]),
    e("leaves.test", "TikTok Pixel", &[TIKTOK_CODE], true, &[]),
    e("dialogs.test", "Google Analytics 4", &[GA4_ID], true, &[]),
    e("cookie-sync.test", "adnet.test", &[], true, &[]),
    e(
        "search-portal.test",
        "Google Analytics 4",
        &[GA4_ID],
        true,
        &["search_query"],
    ),
    e(
        "search-portal.test",
        "Meta Pixel",
        &[META_ID],
        true,
        &["search_query"],
    ),
    // gtag.js on an error page, never configured.
    e(
        "server-error.test",
        "Google Analytics 4",
        &[GA4_ID],
        false,
        &[],
    ),
    e(
        "not-found.test",
        "Google Analytics 4",
        &[GA4_ID],
        false,
        &[],
    ),
    e("x-news.test", "X Pixel", &["o1x2y"], true, &[]),
    e("uet-shop.test", "Microsoft UET", &["5123456"], true, &[]),
    e(
        "linkedin-b2b.test",
        "LinkedIn Insight Tag",
        &["1234567"],
        true,
        &[],
    ),
    e(
        "pinterest-crafts.test",
        "Pinterest Tag",
        &["2612345678901"],
        true,
        &["hashed_email"],
    ),
    e(
        "snap-store.test",
        "Snap Pixel",
        &["a1b2c3d4-0000-4000-8000-123456789abc"],
        true,
        &["hashed_email"],
    ),
    e("reddit-forum.test", "Reddit Pixel", &["t2_demo"], true, &[]),
    // Session recorders: every typed field, base64 (Hotjar), URL-encoded twice (Clarity),
    // SHA-1 of the e-mail and plain text (FullStory).
    e(
        "hotjar-bank.test",
        "Hotjar",
        &["3456789"],
        true,
        &["plain_email", "plain_phone", "typed_text"],
    ),
    e(
        "clarity-travel.test",
        "Microsoft Clarity",
        &["abcd1234ef"],
        true,
        &["plain_email", "plain_phone", "typed_text"],
    ),
    e(
        "fullstory-saas.test",
        "FullStory",
        &["o-DEMO-na1"],
        true,
        &["hashed_email", "plain_phone", "typed_text"],
    ),
    e(
        "gads-landing.test",
        "Google Ads",
        &["AW-123456789"],
        true,
        &[],
    ),
    // Hostile strings: a formula as an event name, raw bytes in a body.
    e("hostile.test", "Meta Pixel", &[META_ID], true, &[]),
    e("hostile.test", "recorder-demo.test", &[], false, &[]),
    // Consent banners, the visitor ignoring them: only what does not wait for a choice
    // (CONSENT_TRUTH has every mode).
    e(
        "consent-onetrust.test",
        "TikTok Pixel",
        &[TIKTOK_CODE],
        true,
        &["hashed_email", "hashed_phone"],
    ),
    e(
        "consent-custom.test",
        "LinkedIn Insight Tag",
        &["1234567"],
        true,
        &[],
    ),
    e(
        "consent-didomi-text.test",
        "LinkedIn Insight Tag",
        &["2345678"],
        true,
        &[],
    ),
    // Internal-page sites (`--pages 3`, the default): what their internal pages carry.
    e(
        "product-page.test",
        "Google Analytics 4",
        &[GA4_ID],
        true,
        &[],
    ),
    e(
        "product-page.test",
        "TikTok Pixel",
        &[TIKTOK_CODE],
        true,
        &[],
    ),
    e("article-site.test", "Meta Pixel", &[META_ID], true, &[]),
    e("article-site.test", "X Pixel", &["o1x2y"], true, &[]),
    e(
        "article-site.test",
        "Pinterest Tag",
        &["2612345678901"],
        true,
        &[],
    ),
    // Global Privacy Control sites, crawled without GPC.
    e("gpc-honours.test", "Meta Pixel", &[META_ID], true, &[]),
    e(
        "gpc-honours.test",
        "TikTok Pixel",
        &[TIKTOK_CODE],
        true,
        &[],
    ),
    e("gpc-ignores.test", "Meta Pixel", &[META_ID], true, &[]),
    e(
        "gpc-ignores.test",
        "TikTok Pixel",
        &[TIKTOK_CODE],
        true,
        &[],
    ),
];

/// What a crawl must record in consent.csv for one site and consent mode (no GPC).
#[derive(Clone, Copy, Debug)]
pub struct ConsentExpect {
    /// Listed site.
    pub site: &'static str,
    /// `none`, `accept` or `reject`.
    pub mode: &'static str,
    /// `cmp` exactly ("" when no banner).
    pub cmp: &'static str,
    /// `banner_found`.
    pub banner_found: bool,
    /// `action_ok`: "", "true" or "false".
    pub action_ok: &'static str,
    /// A click was made (`choice_at` is set).
    pub clicked: bool,
    /// Tracking trackers that fired before the choice.
    pub before: &'static [&'static str],
    /// Tracking trackers that fired after it.
    pub after: &'static [&'static str],
    /// In `reject`: trackers that fired after the click, each with exactly which of the
    /// visitor's values ([`SENSITIVE`]) it received after the click.
    pub violations: &'static [(&'static str, &'static [&'static str])],
}

const fn ce(
    site: &'static str,
    mode: &'static str,
    cmp: &'static str,
    action_ok: &'static str,
    before: &'static [&'static str],
    after: &'static [&'static str],
    violations: &'static [(&'static str, &'static [&'static str])],
) -> ConsentExpect {
    ConsentExpect {
        site,
        mode,
        cmp,
        banner_found: !cmp.is_empty(),
        action_ok,
        clicked: action_ok.len() == 4,
        before,
        after,
        violations,
    }
}

/// The consent sites in each mode, and the two GPC sites (no banner; what they load without
/// GPC). Follows from the banners' scripts above: the visitor answers the banner before it
/// types into the newsletter form, so a tracker that ignores "reject" receives the typed
/// values after the click.
pub const CONSENT_TRUTH: &[ConsentExpect] = &[
    ce(
        "consent-onetrust.test",
        "none",
        "Onetrust",
        "",
        &["TikTok Pixel"],
        &[],
        &[],
    ),
    ce(
        "consent-onetrust.test",
        "accept",
        "Onetrust",
        "true",
        &["TikTok Pixel"],
        &["Meta Pixel", "TikTok Pixel"],
        &[],
    ),
    ce(
        "consent-onetrust.test",
        "reject",
        "Onetrust",
        "true",
        &["TikTok Pixel"],
        &["TikTok Pixel"],
        &[("TikTok Pixel", &["hashed_email", "hashed_phone"])],
    ),
    ce("consent-didomi.test", "none", "didomi", "", &[], &[], &[]),
    ce(
        "consent-didomi.test",
        "accept",
        "didomi",
        "true",
        &[],
        &["Google Analytics 4"],
        &[],
    ),
    ce(
        "consent-didomi.test",
        "reject",
        "didomi",
        "true",
        &[],
        &[],
        &[],
    ),
    ce(
        "consent-custom.test",
        "none",
        "heuristic",
        "",
        &["LinkedIn Insight Tag"],
        &[],
        &[],
    ),
    ce(
        "consent-custom.test",
        "accept",
        "heuristic",
        "true",
        &["LinkedIn Insight Tag"],
        &["LinkedIn Insight Tag", "Pinterest Tag"],
        &[],
    ),
    ce(
        "consent-custom.test",
        "reject",
        "heuristic",
        "true",
        &["LinkedIn Insight Tag"],
        &["LinkedIn Insight Tag"],
        &[("LinkedIn Insight Tag", &[])],
    ),
    ce(
        "consent-noreject.test",
        "none",
        "heuristic",
        "",
        &[],
        &[],
        &[],
    ),
    ce(
        "consent-noreject.test",
        "accept",
        "heuristic",
        "true",
        &[],
        &["Snap Pixel"],
        &[],
    ),
    // Didomi's own texts in markup no rule knows: the fallback finds both buttons.
    ce(
        "consent-didomi-text.test",
        "none",
        "heuristic",
        "",
        &["LinkedIn Insight Tag"],
        &[],
        &[],
    ),
    ce(
        "consent-didomi-text.test",
        "accept",
        "heuristic",
        "true",
        &["LinkedIn Insight Tag"],
        &["LinkedIn Insight Tag", "Pinterest Tag"],
        &[],
    ),
    ce(
        "consent-didomi-text.test",
        "reject",
        "heuristic",
        "true",
        &["LinkedIn Insight Tag"],
        &["LinkedIn Insight Tag"],
        &[("LinkedIn Insight Tag", &[])],
    ),
    // No reject button: the action fails and nothing is clicked.
    ce(
        "consent-noreject.test",
        "reject",
        "heuristic",
        "false",
        &[],
        &[],
        &[],
    ),
    // The page reloads on the click: autoconsent's result is lost with it, the click's
    // moment is not.
    ce("consent-reload.test", "none", "didomi", "", &[], &[], &[]),
    ConsentExpect {
        clicked: true,
        ..ce(
            "consent-reload.test",
            "accept",
            "didomi",
            "",
            &[],
            &["Google Analytics 4"],
            &[],
        )
    },
    ConsentExpect {
        clicked: true,
        ..ce("consent-reload.test", "reject", "didomi", "", &[], &[], &[])
    },
];

/// The GPC sites: the tracking trackers each loads without GPC and with it (any mode).
pub const GPC_TRUTH: &[(&str, &[&str], &[&str])] = &[
    ("gpc-honours.test", &["Meta Pixel", "TikTok Pixel"], &[]),
    (
        "gpc-ignores.test",
        &["Meta Pixel", "TikTok Pixel"],
        &["Meta Pixel", "TikTok Pixel"],
    ),
];
