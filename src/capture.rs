//! The raw capture of one visit: what the browser saw, kept complete so that analysis can be
//! re-run without recrawling. Produced by [`crate::visit`], persisted by [`crate::store`],
//! read by analysis and reports.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How a visit ended. Failed sites are data, not errors. The default (`ok`) only fills a
/// literal; every recorded visit sets its own.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The page loaded (2xx/3xx HTML document).
    #[default]
    Ok,
    /// The host name did not resolve.
    DnsError,
    /// Refused, reset or closed connection (after the http:// fallback).
    ConnectionError,
    /// TLS handshake or certificate failure (after the http:// fallback).
    TlsError,
    /// The page did not finish loading within `--page-timeout`.
    Timeout,
    /// The document answered with a 4xx or 5xx status (see `http_status`).
    HttpError,
    /// The document is not HTML (an image, JSON, a download…).
    NonHtml,
    /// Redirects went round in a loop (Chromium's `ERR_TOO_MANY_REDIRECTS`).
    RedirectLoop,
    /// A bot challenge or block page stood in for the site for the whole wait (its kind in
    /// [`RawVisit::wall`]); the site's own trackers were never shown.
    BotWall,
    /// The browser or chromedriver died or hung twice on this site.
    BrowserCrash,
    /// Visits of this site were started `--max-attempts` times and none was recorded: the
    /// crawler itself was killed each time (e.g. out of memory); the crawl moved on.
    CrawlerCrash,
}

impl Outcome {
    /// All outcomes, in report order.
    pub const ALL: [Outcome; 11] = [
        Outcome::Ok,
        Outcome::DnsError,
        Outcome::ConnectionError,
        Outcome::TlsError,
        Outcome::Timeout,
        Outcome::HttpError,
        Outcome::NonHtml,
        Outcome::RedirectLoop,
        Outcome::BotWall,
        Outcome::BrowserCrash,
        Outcome::CrawlerCrash,
    ];

    /// The snake_case name used in the store and the datasets.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::DnsError => "dns_error",
            Outcome::ConnectionError => "connection_error",
            Outcome::TlsError => "tls_error",
            Outcome::Timeout => "timeout",
            Outcome::HttpError => "http_error",
            Outcome::NonHtml => "non_html",
            Outcome::RedirectLoop => "redirect_loop",
            Outcome::BotWall => "bot_wall",
            Outcome::BrowserCrash => "browser_crash",
            Outcome::CrawlerCrash => "crawler_crash",
        }
    }

    /// Parses the name written by [`Outcome::as_str`].
    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// The browser went to the site (whatever it found there): every outcome but the
    /// crashes, whose visits have no pages.
    pub fn visited_site(self) -> bool {
        !matches!(self, Outcome::BrowserCrash | Outcome::CrawlerCrash)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a request's body is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyState {
    /// The request had no body.
    None,
    /// The body is complete in `post_data`.
    Complete,
    /// The request had a body the browser would not give back (e.g. evicted).
    Unavailable,
}

impl BodyState {
    /// The name used in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            BodyState::None => "none",
            BodyState::Complete => "complete",
            BodyState::Unavailable => "unavailable",
        }
    }
}

/// Whose bot wall (challenge or block page) a visit met, recognised from what the page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WallKind {
    /// Cloudflare's "Just a moment…" / "Attention Required!" challenge.
    Cloudflare,
    /// Akamai Bot Manager's challenge (`sec-cpt`).
    Akamai,
    /// PerimeterX (HUMAN) "Press & Hold" (`px-captcha`).
    Perimeterx,
    /// DataDome's captcha (`captcha-delivery.com`).
    Datadome,
    /// Imperva / Incapsula (`_Incapsula_Resource`).
    Imperva,
    /// An hCaptcha, reCAPTCHA or Turnstile interstitial covering the page.
    Captcha,
    /// Another page that says it checks for bots.
    Other,
}

impl WallKind {
    /// Every kind.
    pub const ALL: [WallKind; 7] = [
        WallKind::Cloudflare,
        WallKind::Akamai,
        WallKind::Perimeterx,
        WallKind::Datadome,
        WallKind::Imperva,
        WallKind::Captcha,
        WallKind::Other,
    ];

    /// The name in the store and the datasets.
    pub fn as_str(self) -> &'static str {
        match self {
            WallKind::Cloudflare => "cloudflare",
            WallKind::Akamai => "akamai",
            WallKind::Perimeterx => "perimeterx",
            WallKind::Datadome => "datadome",
            WallKind::Imperva => "imperva",
            WallKind::Captcha => "captcha",
            WallKind::Other => "other",
        }
    }

    /// Parses the name written by [`WallKind::as_str`].
    pub fn parse(s: &str) -> Option<WallKind> {
        WallKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The visitor's step during which a request was sent.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Navigating and loading the page.
    #[default]
    Load,
    /// Answering the consent banner (modes accept and reject).
    Consent,
    /// Dwelling on the loaded page.
    Dwell,
    /// Scrolling.
    Scroll,
    /// Clicking a neutral spot and typing canary values.
    Interact,
    /// Running the search.
    Search,
    /// On the search results.
    Results,
    /// Leaving the page (unload beacons).
    Leave,
}

impl Step {
    /// All steps, in visit order.
    pub const ALL: [Step; 8] = [
        Step::Load,
        Step::Consent,
        Step::Dwell,
        Step::Scroll,
        Step::Interact,
        Step::Search,
        Step::Results,
        Step::Leave,
    ];

    /// The name used in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Load => "load",
            Step::Consent => "consent",
            Step::Dwell => "dwell",
            Step::Scroll => "scroll",
            Step::Interact => "interact",
            Step::Search => "search",
            Step::Results => "results",
            Step::Leave => "leave",
        }
    }

    /// Parses the name written by [`Step::as_str`].
    pub fn parse(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A moment of a visit's collector lifecycle (see `collect`), recorded with a collector's
/// failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Hook {
    /// Before the first navigation.
    BeforeNavigation,
    /// Reading the page's log (its events).
    Event,
    /// After a read of the log.
    Drained,
    /// Navigation returned.
    AfterNavigation,
    /// The page loaded, before the dwell.
    AfterLoad,
    /// After the first dwell and scroll.
    AfterDwell,
    /// The visitor is about to follow a link to an internal page (the page it leaves is done).
    NextPage,
    /// The visitor is about to leave the last page of the visit (it is still shown).
    Leaving,
    /// The page was left.
    Finish,
    /// The page was cut off; reading what is left.
    Salvage,
}

impl Hook {
    /// Every hook, in lifecycle order.
    pub const ALL: [Hook; 10] = [
        Hook::BeforeNavigation,
        Hook::Event,
        Hook::Drained,
        Hook::AfterNavigation,
        Hook::AfterLoad,
        Hook::AfterDwell,
        Hook::NextPage,
        Hook::Leaving,
        Hook::Finish,
        Hook::Salvage,
    ];

    /// The name used in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Hook::BeforeNavigation => "before_navigation",
            Hook::Event => "event",
            Hook::Drained => "drained",
            Hook::AfterNavigation => "after_navigation",
            Hook::AfterLoad => "after_load",
            Hook::AfterDwell => "after_dwell",
            Hook::NextPage => "next_page",
            Hook::Leaving => "leaving",
            Hook::Finish => "finish",
            Hook::Salvage => "salvage",
        }
    }

    /// Parses the name written by [`Hook::as_str`].
    pub fn parse(s: &str) -> Option<Hook> {
        Hook::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A collector that failed on a visit: its evidence of that visit is missing or partial, the
/// rest of the visit is whole.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CollectorFailure {
    /// The collector's name (`network`, `consent`, `page`, `cookies`, or `performance_log`
    /// when the page's log itself could not be read).
    pub collector: String,
    /// Where in its lifecycle.
    pub hook: Hook,
    /// The error.
    pub error: String,
}

/// Chromium's resource type of a request (CDP `Network.ResourceType`). A type this version of
/// pixelcensus does not know is kept by name, so the raw capture stays complete.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceType {
    /// A document: a navigation of the top frame or of a frame.
    Document,
    /// A stylesheet.
    Stylesheet,
    /// An image (pixels included).
    Image,
    /// Audio or video.
    Media,
    /// A font.
    Font,
    /// A script.
    Script,
    /// A text track.
    TextTrack,
    /// XMLHttpRequest.
    Xhr,
    /// `fetch()`.
    Fetch,
    /// A prefetch.
    Prefetch,
    /// An EventSource stream.
    EventSource,
    /// A WebSocket handshake.
    WebSocket,
    /// A web app manifest.
    Manifest,
    /// A signed exchange.
    SignedExchange,
    /// `sendBeacon` and `<a ping>`.
    Ping,
    /// A CSP violation report.
    CspViolationReport,
    /// A CORS preflight.
    Preflight,
    /// FedCM.
    FedCm,
    /// Chromium's "Other".
    Other,
    /// A type this version does not know, by its name.
    Unknown(String),
}

impl ResourceType {
    const KNOWN: [(ResourceType, &'static str); 19] = [
        (ResourceType::Document, "Document"),
        (ResourceType::Stylesheet, "Stylesheet"),
        (ResourceType::Image, "Image"),
        (ResourceType::Media, "Media"),
        (ResourceType::Font, "Font"),
        (ResourceType::Script, "Script"),
        (ResourceType::TextTrack, "TextTrack"),
        (ResourceType::Xhr, "XHR"),
        (ResourceType::Fetch, "Fetch"),
        (ResourceType::Prefetch, "Prefetch"),
        (ResourceType::EventSource, "EventSource"),
        (ResourceType::WebSocket, "WebSocket"),
        (ResourceType::Manifest, "Manifest"),
        (ResourceType::SignedExchange, "SignedExchange"),
        (ResourceType::Ping, "Ping"),
        (ResourceType::CspViolationReport, "CSPViolationReport"),
        (ResourceType::Preflight, "Preflight"),
        (ResourceType::FedCm, "FedCM"),
        (ResourceType::Other, "Other"),
    ];

    /// CDP's name (what the store and requests.csv hold).
    pub fn as_str(&self) -> &str {
        match self {
            ResourceType::Unknown(name) => name,
            known => Self::KNOWN
                .iter()
                .find(|(t, _)| t == known)
                .map(|(_, n)| *n)
                .unwrap_or("Other"),
        }
    }

    /// From CDP's name; never fails.
    pub fn parse(s: &str) -> ResourceType {
        Self::KNOWN
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(t, _)| t.clone())
            .unwrap_or_else(|| ResourceType::Unknown(s.to_string()))
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ResourceType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ResourceType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(ResourceType::parse(&String::deserialize(d)?))
    }
}

/// Where in the browser a request was made: the page (any of its frames) or one of the
/// page's workers, which chromedriver's log does not see (captured through DevTools target
/// auto-attach).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum Context {
    /// The page or one of its frames.
    #[default]
    Page,
    /// A service worker of the site.
    ServiceWorker,
    /// A shared worker.
    SharedWorker,
    /// A dedicated worker (`new Worker`) of the page or a frame.
    Worker,
}

impl Context {
    /// Every context.
    pub const ALL: [Context; 4] = [
        Context::Page,
        Context::ServiceWorker,
        Context::SharedWorker,
        Context::Worker,
    ];

    /// The name used in the store and the datasets.
    pub fn as_str(self) -> &'static str {
        match self {
            Context::Page => "page",
            Context::ServiceWorker => "service_worker",
            Context::SharedWorker => "shared_worker",
            Context::Worker => "worker",
        }
    }

    /// Parses a name written by [`Context::as_str`] (or a CDP target type); unknown names
    /// read as `page`.
    pub fn parse(s: &str) -> Context {
        Context::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .unwrap_or_default()
    }
}

/// Which way a WebSocket message went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From the page to the server.
    Sent,
    /// From the server to the page (EventSource messages too).
    Received,
}

impl Direction {
    /// The name used in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Sent => "sent",
            Direction::Received => "received",
        }
    }

    /// Parses a name written by [`Direction::as_str`].
    pub fn parse(s: &str) -> Option<Direction> {
        [Direction::Sent, Direction::Received]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// What a WebSocket or EventSource carried per connection before payloads are cut off:
/// further messages keep their size, time and opcode, with an empty payload.
pub const FRAME_PAYLOAD_CAP: usize = 256 * 1024;

/// The most WebSocket and EventSource messages one visit keeps (a page can send millions);
/// past it they are counted, not kept, and the visit says so.
pub const MAX_FRAMES: usize = 10_000;

/// One message of a WebSocket (either way) or an EventSource stream (received), belonging
/// to the request that opened the connection ([`RawRequest::seq`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RawFrame {
    /// The connection's request ([`RawRequest::seq`]).
    pub request_seq: u32,
    /// Order within the visit.
    pub seq: u32,
    /// Which way it went.
    pub direction: Direction,
    /// Wall-clock time, seconds since the Unix epoch.
    pub wall_time: f64,
    /// WebSocket opcode: 1 text, 2 binary (0 for an EventSource message).
    pub opcode: u8,
    /// Payload size in bytes.
    pub size: u64,
    /// The payload (text as UTF-8, binary as its bytes); empty once the connection's
    /// [`FRAME_PAYLOAD_CAP`] was used up.
    pub payload: Vec<u8>,
    /// True when the payload was not kept (the cap).
    pub truncated: bool,
    /// An EventSource message's event name.
    pub event: Option<String>,
}

/// One request a page made, from any frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RawRequest {
    /// Order within the visit.
    pub seq: u32,
    /// Chromium's request id (redirect hops share it).
    pub request_id: String,
    /// Full URL.
    pub url: String,
    /// HTTP method.
    pub method: String,
    /// Chromium's resource type: Document, Script, Image, XHR, Fetch, Ping, …
    pub resource_type: ResourceType,
    /// Request headers as actually sent (incl. Cookie) when Chromium reported them, otherwise
    /// the headers the page asked for.
    pub headers: Vec<(String, String)>,
    /// The body (POST data), byte-exact.
    pub body: Option<Vec<u8>>,
    /// Whether the body is known.
    pub body_state: BodyState,
    /// Chromium's initiator object (JSON text): parser, script (with stack), preflight, other.
    pub initiator: String,
    /// Chromium frame id.
    pub frame_id: String,
    /// URL of the document (frame) that made the request.
    pub frame_url: String,
    /// True for a document request of the top frame (the navigation and its redirects).
    pub is_main_frame: bool,
    /// Response status, if a response arrived.
    pub status: Option<u16>,
    /// Response MIME type.
    pub mime_type: Option<String>,
    /// Response headers (incl. Set-Cookie when Chromium reported them).
    pub response_headers: Vec<(String, String)>,
    /// Chromium's error text when the request failed (net::ERR_…).
    pub failure: Option<String>,
    /// Wall-clock time the request was sent, seconds since the Unix epoch.
    pub wall_time: f64,
    /// The visitor step during which it was sent.
    pub step: Step,
    /// The page of the visit it belongs to ([`RawPage::page`]: 0 the front page, then the
    /// internal pages in the order visited), by the document that sent it: a beacon a page
    /// sends while the visitor leaves it for the next one belongs to the page it left.
    pub page: u32,
    /// Where it was made: the page or a worker.
    #[serde(default)]
    pub context: Context,
    /// For a page request a service worker answered, where the answer came from (Chromium's
    /// `serviceWorkerResponseSource`: `cache-storage`, `fallback-code`, `network`,
    /// `http-cache`): the request itself reached no server; what the worker sent on is its
    /// own request (context `service_worker`).
    #[serde(default)]
    pub sw_response: Option<String>,
    /// When it ended (loaded, failed, or a WebSocket closed), seconds since the Unix epoch.
    #[serde(default)]
    pub ended_at: Option<f64>,
}

/// The start of [`RawRequest::failure`] for a request the page asked for but Chromium never
/// put on the wire (e.g. a `sendBeacon` over the keep-alive quota, which returns false).
pub const NOT_SENT: &str = "not sent";

impl RawRequest {
    /// False for a request Chromium reported but never sent: it reached no server and counts
    /// for no tracker.
    pub fn sent(&self) -> bool {
        !self
            .failure
            .as_deref()
            .is_some_and(|f| f.starts_with(NOT_SENT))
    }

    /// True when it went to a server itself: sent, and not answered by a service worker
    /// (whose own onward request, if any, is captured separately).
    pub fn reached_server(&self) -> bool {
        self.sent() && self.sw_response.is_none()
    }

    /// The channel it opened: `http`, `websocket` or `eventsource`.
    pub fn channel(&self) -> &'static str {
        match self.resource_type {
            ResourceType::WebSocket => "websocket",
            ResourceType::EventSource => "eventsource",
            _ => "http",
        }
    }
}

/// A cookie present in the browser at the end of a visit (all domains, third-party too).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RawCookie {
    /// Cookie name.
    pub name: String,
    /// Cookie value.
    pub value: String,
    /// Domain attribute (leading dot for domain cookies).
    pub domain: String,
    /// Path attribute.
    pub path: String,
    /// Expiry, seconds since the Unix epoch; -1 for session cookies.
    pub expires: f64,
    /// HttpOnly flag.
    pub http_only: bool,
    /// Secure flag.
    pub secure: bool,
    /// SameSite attribute, if any.
    pub same_site: Option<String>,
    /// The first page after which the cookie was in the browser ([`RawPage::page`]).
    pub page: u32,
}

/// Which of a page's Web Storage areas an item was in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StorageArea {
    /// `localStorage`: kept across visits of the origin.
    Local,
    /// `sessionStorage`: kept for the tab's session.
    Session,
}

impl StorageArea {
    /// The name used in the store and the datasets.
    pub fn as_str(self) -> &'static str {
        match self {
            StorageArea::Local => "local",
            StorageArea::Session => "session",
        }
    }

    /// Parses the name written by [`StorageArea::as_str`].
    pub fn parse(s: &str) -> Option<StorageArea> {
        [StorageArea::Local, StorageArea::Session]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// One item of a page's first-party Web Storage (the top document's origin), read as the
/// page was left: recorded on the first page after which it had this value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RawStorage {
    /// The page after which it was there with this value ([`RawPage::page`]).
    pub page: u32,
    /// The origin whose storage it is (`https://shop.example`).
    pub origin: String,
    /// localStorage or sessionStorage.
    pub area: StorageArea,
    /// The item's key.
    pub key: String,
    /// Its value, cut at [`STORAGE_VALUE_CAP`] bytes (see `truncated`).
    pub value: String,
    /// The value was longer than the cap.
    pub truncated: bool,
}

/// One report of the script-behaviour hooks (#41): what a page script did at a decision
/// point (a canvas read back, fonts measured, a WebRTC offer, an audio rendering, the WebGL
/// renderer read, a listener or a whole-document observer added), with the raw counts the
/// techniques' rules are decided on (`analyze::scripts`), so they can be re-run on the store.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RawScriptEvent {
    /// The page of the visit it happened on.
    pub page: u32,
    /// Where the script ran (the page or a frame, or a worker).
    pub context: Context,
    /// The document's (or worker's) URL, cut at 300 bytes.
    pub document: String,
    /// What happened: `canvas`, `webgl`, `webrtc`, `audio`, `listen`, `observe`.
    pub kind: String,
    /// The calling script's URL (the first frame of the stack with one; the page's URL for
    /// an inline script), empty when no frame had one; cut at 500 bytes.
    pub script: String,
    /// The report's counts as JSON (its fields depend on `kind`; see docs/schema.md).
    pub detail: String,
}

/// Bytes of a storage item's value kept (identifiers sit in short values; SDKs' cached
/// configuration can be megabytes).
pub const STORAGE_VALUE_CAP: usize = 16 * 1024;
/// Items read per area and page, at most.
pub const STORAGE_ITEMS_CAP: usize = 500;

/// How the visitor reached a page of a visit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reached {
    /// The front page: the visit's start URL.
    #[default]
    Start,
    /// A link of the front page, followed as a person clicking it would (the front page as
    /// referrer; the link itself is not clicked, so no page script sees a click).
    Link,
}

impl Reached {
    /// Every way.
    pub const ALL: [Reached; 2] = [Reached::Start, Reached::Link];

    /// The name in the store and the datasets.
    pub fn as_str(self) -> &'static str {
        match self {
            Reached::Start => "start",
            Reached::Link => "link",
        }
    }

    /// Parses the name written by [`Reached::as_str`].
    pub fn parse(s: &str) -> Option<Reached> {
        Reached::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl RawPage {
    /// The front page as the visit's own fields describe it (for visits recorded before
    /// pages were: schema 3 and older).
    pub fn front_of(v: &RawVisit) -> RawPage {
        RawPage {
            page: 0,
            url: v.start_url.clone(),
            final_url: v.final_url.clone(),
            reached: Reached::Start,
            link_text: None,
            started_at: v.started_at.clone(),
            duration_ms: v.duration_ms,
            outcome: v.outcome,
            http_status: v.http_status,
            error: v.error.clone(),
            env: None,
        }
    }
}

/// One page of a visit: the front page (page 0), then each internal page followed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RawPage {
    /// Order within the visit: 0 the front page, 1.. the internal pages.
    pub page: u32,
    /// The URL navigated to.
    pub url: String,
    /// The URL the tab showed after the page's dwell.
    pub final_url: Option<String>,
    /// How the visitor got there.
    pub reached: Reached,
    /// The text of the link followed (internal pages).
    pub link_text: Option<String>,
    /// RFC 3339 time the page was started.
    pub started_at: String,
    /// Time on the page (navigation to leaving it), milliseconds.
    pub duration_ms: u64,
    /// How the page's load ended.
    pub outcome: Outcome,
    /// Status of the page's document.
    pub http_status: Option<u16>,
    /// What went wrong on this page, if anything.
    pub error: Option<String>,
    /// What the page's scripts could read of the browser and the page (title, referrer,
    /// User-Agent, languages, screen and window size), read after the page's dwell; `None`
    /// when it could not be read (or the crawl predates schema 7).
    #[serde(default)]
    pub env: Option<PageEnv>,
}

/// What a page's scripts can read and send of the visitor's browser and the page itself: the
/// values a tracker's request is searched for (by value, whatever the vendor calls them).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageEnv {
    /// `document.title`.
    pub title: String,
    /// `document.referrer` (empty when none).
    pub referrer: String,
    /// `navigator.userAgent`.
    pub user_agent: String,
    /// `navigator.languages`, in order.
    pub languages: Vec<String>,
    /// `screen.width`, `screen.height`.
    pub screen: [u32; 2],
    /// `innerWidth`, `innerHeight`.
    pub viewport: [u32; 2],
}

/// The fictitious values the visitor types on a site, unique per site and crawl.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Canaries {
    /// An address under example.com.
    pub email: String,
    /// A phone number in the North American fictional range (555-01XX), E.164.
    pub phone: String,
    /// A full name.
    pub name: String,
    /// Free text for other inputs and text areas.
    pub text: String,
    /// The search term.
    pub search: String,
}

/// Everything captured on one visit: the core (outcome, URLs, times, canaries, actions) and
/// each collector's evidence (`requests`: network; `consent`: the banner; `final_url`:
/// page facts; `cookies`), with the collectors that failed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RawVisit {
    /// The listed domain.
    pub domain: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Status of the final main document, if any.
    pub http_status: Option<u16>,
    /// The URL first navigated to (https, or http after a fallback).
    pub start_url: String,
    /// The URL the tab showed once loaded (after redirects and script navigation).
    pub final_url: Option<String>,
    /// The main document's redirect chain, first to last.
    pub redirect_chain: Vec<String>,
    /// What went wrong, if anything (for failed outcomes, and notes such as a fallback).
    pub error: Option<String>,
    /// RFC 3339 start time.
    pub started_at: String,
    /// Visit length in milliseconds.
    pub duration_ms: u64,
    /// Every request, in order.
    pub requests: Vec<RawRequest>,
    /// The messages of the visit's WebSockets and EventSource streams, in order.
    #[serde(default)]
    pub frames: Vec<RawFrame>,
    /// Every cookie in the browser at the end of the visit.
    pub cookies: Vec<RawCookie>,
    /// The first-party Web Storage items of each page (each as first seen with its value).
    #[serde(default)]
    pub storage: Vec<RawStorage>,
    /// What the page's scripts did, as the script-behaviour hooks reported it, in order.
    #[serde(default)]
    pub scripts: Vec<RawScriptEvent>,
    /// The canary values used on this site.
    pub canaries: Canaries,
    /// What the visitor did, in order (e.g. `typed email into input#email`).
    pub actions: Vec<String>,
    /// The consent mode of the visit and what happened with the site's consent banner.
    pub consent: ConsentRecord,
    /// Collectors that failed on this visit (their evidence is missing or partial).
    pub collector_failures: Vec<CollectorFailure>,
    /// The bot wall that stood in for the site (outcome `bot_wall`).
    pub wall: Option<WallKind>,
    /// A wall shown first that cleared by itself within the wait (the visit went on, `ok`).
    pub walled_at_first: Option<WallKind>,
    /// The pages visited, in order (the front page first); requests and cookies name theirs.
    pub pages: Vec<RawPage>,
    /// Internal links of the front page the visitor could have followed (`None` when none
    /// were looked for: `--pages 1`, or the front page did not load).
    pub link_candidates: Option<u32>,
}

/// The longest URL, header value or note a capture keeps, in bytes. A page can make its URL,
/// a pixel's URL or a header megabytes long (Chromium takes 2 MB URLs), and a whole URL
/// repeats in every request's document URL and `Referer`: one page would add tens of
/// megabytes to the store and requests.csv. Identifiers and the values analysis searches
/// for sit far inside the first 64 KiB.
pub const VALUE_CAP: usize = 64 * 1024;

/// What ends a value cut at [`VALUE_CAP`], before the value's whole length in bytes
/// (`…[cut by pixelcensus: 1945612 bytes]`).
pub const CUT_MARK: &str = "…[cut by pixelcensus: ";

/// Cuts `s` to [`VALUE_CAP`] bytes (at a character boundary) followed by [`CUT_MARK`] and its
/// whole length; true when it was cut.
pub fn cap_text(s: &mut String) -> bool {
    if s.len() <= VALUE_CAP || is_cut(s) {
        return false;
    }
    let whole = s.len();
    let mut end = VALUE_CAP;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s.push_str(CUT_MARK);
    s.push_str(&whole.to_string());
    s.push_str(" bytes]");
    true
}

/// True for a value [`cap_text`] already cut (a merge records loaded visits again).
fn is_cut(s: &str) -> bool {
    s.len() <= VALUE_CAP + CUT_MARK.len() + 32
        && s.ends_with(" bytes]")
        && s.rfind(CUT_MARK).is_some_and(|i| i <= VALUE_CAP)
}

/// Chromium's initiator JSON with each long string in it cut ([`cap_text`]), still JSON.
fn cap_initiator(json: &mut String) -> usize {
    fn walk(v: &mut serde_json::Value) -> usize {
        match v {
            serde_json::Value::String(s) => usize::from(cap_text(s)),
            serde_json::Value::Array(a) => a.iter_mut().map(walk).sum(),
            serde_json::Value::Object(o) => o.values_mut().map(walk).sum(),
            _ => 0,
        }
    }
    // Room for the one cut URL the short form keeps.
    let room = VALUE_CAP + 256;
    if json.len() <= room {
        return 0;
    }
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(json) else {
        return usize::from(cap_text(json));
    };
    let mut n = walk(&mut v);
    if v.to_string().len() > room {
        // A stack of many frames: its type and first URL are what is read.
        let keep = |k: &str| v.get(k).cloned().unwrap_or(serde_json::Value::Null);
        v = serde_json::json!({"type": keep("type"), "url": keep("url"), "cut": true});
        n = n.max(1);
    }
    *json = v.to_string();
    n
}

impl RawVisit {
    /// Cuts every URL, header (name and value), document URL, initiator, failure text, action
    /// and note of the visit to [`VALUE_CAP`] ([`cap_text`]): the capture boundary, so the
    /// store, the datasets and a merge all see the cut value. Bodies are kept whole (they are
    /// evidence byte for byte; storage items and messages have caps of their own). Returns
    /// how many values were cut.
    pub fn cap_values(&mut self) -> usize {
        let mut n = 0;
        let mut cap = |s: &mut String| n += usize::from(cap_text(s));
        cap(&mut self.start_url);
        self.final_url.iter_mut().for_each(&mut cap);
        self.redirect_chain.iter_mut().for_each(&mut cap);
        self.error.iter_mut().for_each(&mut cap);
        self.actions.iter_mut().for_each(&mut cap);
        for p in &mut self.pages {
            cap(&mut p.url);
            p.final_url.iter_mut().for_each(&mut cap);
            p.link_text.iter_mut().for_each(&mut cap);
            p.error.iter_mut().for_each(&mut cap);
        }
        for f in &mut self.collector_failures {
            cap(&mut f.error);
        }
        for c in &mut self.cookies {
            cap(&mut c.name);
            cap(&mut c.value);
            cap(&mut c.domain);
            cap(&mut c.path);
        }
        let mut initiators = 0;
        for r in &mut self.requests {
            cap(&mut r.url);
            cap(&mut r.method);
            cap(&mut r.frame_url);
            for (k, v) in r.headers.iter_mut().chain(r.response_headers.iter_mut()) {
                cap(k);
                cap(v);
            }
            r.failure.iter_mut().for_each(&mut cap);
            r.mime_type.iter_mut().for_each(&mut cap);
            initiators += cap_initiator(&mut r.initiator);
        }
        n + initiators
    }

    /// What each WebSocket carried from the page: the payloads of its sent messages, one per
    /// line, by the connection's [`RawRequest::seq`] — what analysis reads as the socket's
    /// body and requests.csv shows as it.
    pub fn sent_messages(&self) -> std::collections::HashMap<u32, Vec<u8>> {
        let mut out: std::collections::HashMap<u32, Vec<u8>> = std::collections::HashMap::new();
        for f in &self.frames {
            if f.direction == Direction::Sent && !f.payload.is_empty() {
                let b = out.entry(f.request_seq).or_default();
                if !b.is_empty() {
                    b.push(b'\n');
                }
                b.extend_from_slice(&f.payload);
            }
        }
        out
    }
}

/// How the visitor answers a consent banner.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMode {
    /// Ignores the banner (it is still looked for and recorded).
    #[default]
    None,
    /// Clicks "accept all".
    Accept,
    /// Clicks "reject all".
    Reject,
}

impl ConsentMode {
    /// Every mode, in the order `--consent all` visits them.
    pub const ALL: [ConsentMode; 3] = [ConsentMode::None, ConsentMode::Accept, ConsentMode::Reject];

    /// The name used in the store, the datasets and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentMode::None => "none",
            ConsentMode::Accept => "accept",
            ConsentMode::Reject => "reject",
        }
    }

    /// Parses [`ConsentMode::as_str`] text.
    pub fn parse(s: &str) -> Option<ConsentMode> {
        ConsentMode::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

impl fmt::Display for ConsentMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What happened with consent on one visit.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConsentRecord {
    /// The visitor's mode.
    pub mode: ConsentMode,
    /// Global Privacy Control was sent (`Sec-GPC: 1`, `navigator.globalPrivacyControl`).
    pub gpc: bool,
    /// The consent platform: an autoconsent rule name (e.g. `Onetrust`), `heuristic` for a
    /// banner found by its button texts, `None` when no banner was found.
    pub cmp: Option<String>,
    /// A banner was shown to the visitor.
    pub banner_found: bool,
    /// The action attempted (`accept` / `reject`), `None` when none was (mode `none`, or no
    /// banner).
    pub action: Option<ConsentMode>,
    /// Whether the action succeeded (`None` when none was attempted, or when the page
    /// navigated away right after the click and took the result with it).
    pub action_ok: Option<bool>,
    /// When the choice was clicked, as Unix seconds on the same clock as
    /// [`RawRequest::wall_time`]; requests at or after it were sent after the choice.
    pub choice_at: Option<f64>,
    /// What the banner handling reported, in order (autoconsent messages, heuristic steps).
    pub log: Vec<String>,
}

impl ConsentRecord {
    /// Whether a request sent at `wall_time` came at or after the consent click (`None`:
    /// no click on this visit).
    pub fn after_choice(&self, wall_time: f64) -> Option<bool> {
        self.choice_at.map(|c| wall_time >= c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_and_resource_types_round_trip_by_name() {
        for h in Hook::ALL {
            assert_eq!(Hook::parse(h.as_str()), Some(h));
        }
        for k in WallKind::ALL {
            assert_eq!(WallKind::parse(k.as_str()), Some(k));
        }
        for st in Step::ALL {
            assert_eq!(Step::parse(st.as_str()), Some(st));
        }
        assert_eq!(Step::parse("later"), None);
        for (t, name) in ResourceType::KNOWN {
            assert_eq!(t.as_str(), name);
            assert_eq!(ResourceType::parse(name), t);
        }
        // A type a newer Chromium adds is kept by name.
        let t = ResourceType::parse("SpeculationRules");
        assert_eq!(t, ResourceType::Unknown("SpeculationRules".into()));
        assert_eq!(t.as_str(), "SpeculationRules");
        assert_eq!(
            serde_json::to_string(&ResourceType::Xhr).unwrap(),
            "\"XHR\""
        );
        assert_eq!(
            serde_json::from_str::<ResourceType>("\"CSPViolationReport\"").unwrap(),
            ResourceType::CspViolationReport
        );
        assert_eq!(
            serde_json::to_string(&Step::Results).unwrap(),
            "\"results\""
        );
    }
}

/// What kind of element of a page's HTML a static resource is (the pre-scan's raw capture).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    /// `<script src>`.
    ScriptSrc,
    /// An inline `<script>` (kept when it holds a vendor's snippet or a URL a decoder knows).
    InlineScript,
    /// `<img src>`.
    Img,
    /// An `<img>` inside `<noscript>` (a pixel for visitors without JavaScript).
    NoscriptImg,
    /// `<iframe src>`.
    Iframe,
    /// A Google Tag Manager container the page loads, fetched once per ID and run.
    GtmContainer,
}

impl ResourceKind {
    /// Every kind.
    pub const ALL: [ResourceKind; 6] = [
        ResourceKind::ScriptSrc,
        ResourceKind::InlineScript,
        ResourceKind::Img,
        ResourceKind::NoscriptImg,
        ResourceKind::Iframe,
        ResourceKind::GtmContainer,
    ];

    /// The name in the store and the datasets (prescan.csv `evidence`).
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::ScriptSrc => "script_src",
            ResourceKind::InlineScript => "inline_script",
            ResourceKind::Img => "img",
            ResourceKind::NoscriptImg => "noscript_img",
            ResourceKind::Iframe => "iframe",
            ResourceKind::GtmContainer => "gtm_container",
        }
    }

    /// Parses the name written by [`ResourceKind::as_str`].
    pub fn parse(s: &str) -> Option<ResourceKind> {
        ResourceKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One element of a front page's HTML that can load or be a tracker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaticResource {
    /// What it is.
    pub kind: ResourceKind,
    /// Its URL, absolute (script, image, frame).
    pub url: Option<String>,
    /// Its text (inline scripts).
    pub text: Option<String>,
}

/// The pre-scan of one site's front page: the fetch's outcome and what its HTML holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaticPage {
    /// The listed domain.
    pub domain: String,
    /// How the fetch ended (the crawl's outcomes; `bot_wall` when the page is a challenge).
    pub outcome: Outcome,
    /// Status of the final document.
    pub http_status: Option<u16>,
    /// The URL first fetched (https, or http after a fallback).
    pub start_url: String,
    /// The URL after redirects.
    pub final_url: Option<String>,
    /// Every URL fetched, first to last (redirects).
    pub redirect_chain: Vec<String>,
    /// What went wrong, or a note (an http fallback, a body cut at the cap).
    pub error: Option<String>,
    /// RFC 3339 time of the fetch.
    pub fetched_at: String,
    /// Time the fetch took, milliseconds.
    pub duration_ms: u64,
    /// Bytes of HTML read (at most the cap).
    pub bytes: u64,
    /// The wall's kind when the page is a bot challenge.
    pub wall: Option<WallKind>,
    /// The page's scripts, images, frames and vendor snippets, in document order.
    pub resources: Vec<StaticResource>,
}
