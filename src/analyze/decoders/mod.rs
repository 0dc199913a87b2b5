//! Pixel decoders: one file per vendor, all with the same small interface, listed in one
//! registry. A decoder recognises its vendor's requests by endpoint path and parameters as
//! well as by host (so a pixel proxied through the site's own subdomain is still found) and
//! extracts pixel IDs, events and the canonical fields of shared/pixel-formats.md.

mod adobe;
mod amazon;
mod amplitude;
mod appdynamics;
mod appinsights;
mod atinternet;
mod bazaarvoice;
mod braze;
mod chartbeat;
mod comscore;
mod contentsquare;
mod crazyegg;
mod criteo;
mod customerio;
mod datadog;
mod demandbase;
mod dynamicyield;
mod floodlight;
mod ga_classic;
mod google;
mod heap;
mod hubspot;
mod intercom;
mod kampyle;
mod kantar;
mod klaviyo;
mod leadfeeder;
mod linkedin;
mod liveramp;
mod logrocket;
mod lytics;
mod marketo;
mod matomo;
mod meta;
mod microsoft;
mod mixpanel;
mod mparticle;
mod mpulse;
mod newrelic;
mod nielsen;
mod optimizely;
mod oracle;
mod outbrain;
mod parsely;
mod pendo;
mod pinterest;
mod plausible;
mod posthog;
mod quantcast;
mod quora;
mod recorders;
mod reddit;
mod salesforce;
mod segment;
mod sentry;
mod shopify;
mod snap;
mod snowplow;
pub mod spec;
mod taboola;
mod tealium;
mod tiktok;
mod tradedesk;
mod vwo;
mod webtrekk;
mod webtrends;
mod x;
mod yahoo;
mod yandex;

use super::request::RequestView;
use super::vocab::{Algo, Digits, Encoding, Field, Source};

/// What a recognised request is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The vendor's script or configuration: the pixel is loaded.
    Loader,
    /// A hit that sends data: the pixel fired.
    Hit,
}

/// A field a decoder knows a parameter to carry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DecodedField {
    /// Canonical name (shared/pixel-formats.md).
    pub name: Field,
    /// `plain`, or the hash a hashed value is in (`sha256`, `sha256-b64`, `md5`, …).
    pub encoding: Encoding,
    /// Where in the request.
    pub location: crate::analyze::Location,
}

/// A decoded request.
#[derive(Clone, Debug)]
pub struct Decoded {
    /// Stable product name (`TikTok Pixel`, `Meta Pixel`, …).
    pub tracker: &'static str,
    /// Owner.
    pub company: &'static str,
    /// Category (third-party-web's vocabulary: `ad`, `analytics`, `tag-manager`, …).
    pub category: &'static str,
    /// Loader or hit.
    pub role: Role,
    /// Pixel, tag or account IDs.
    pub pixel_ids: Vec<String>,
    /// Event names.
    pub events: Vec<String>,
    /// Fields the request carries by the vendor's parameter names.
    pub fields: Vec<DecodedField>,
    /// On a host the vendor's tag owns ([`Decoder::claims`]) but at an endpoint its decoder
    /// does not know: the same tag, read by value only.
    pub unrecognised: bool,
}

/// A host a vendor's tag owns: every request there is that product's, at an endpoint the
/// decoder knows or not (so one tag is never counted twice, once by decoder and once by the
/// entity list). Only hosts that serve nothing but the tag are claimed.
#[derive(Clone, Copy, Debug)]
pub struct Claim {
    /// The host (and its subdomains).
    pub domain: &'static str,
    /// Product name, as the decoder names it.
    pub tracker: &'static str,
    /// Owner.
    pub company: &'static str,
    /// Category.
    pub category: &'static str,
}

/// A [`Claim`] (for the decoders' tables).
pub const fn claim(
    domain: &'static str,
    tracker: &'static str,
    company: &'static str,
    category: &'static str,
) -> Claim {
    Claim {
        domain,
        tracker,
        company,
        category,
    }
}

impl Decoded {
    /// An empty result for a product.
    pub fn new(
        tracker: &'static str,
        company: &'static str,
        category: &'static str,
        role: Role,
    ) -> Decoded {
        Decoded {
            tracker,
            company,
            category,
            role,
            pixel_ids: Vec::new(),
            events: Vec::new(),
            fields: Vec::new(),
            unrecognised: false,
        }
    }

    /// Adds a pixel ID if non-empty and new.
    pub fn id(&mut self, id: impl Into<String>) {
        let id = id.into();
        if !id.is_empty() && !self.pixel_ids.contains(&id) {
            self.pixel_ids.push(id);
        }
    }

    /// Adds an event name if non-empty and new.
    pub fn event(&mut self, ev: impl Into<String>) {
        let ev = ev.into();
        if !ev.is_empty() && !self.events.contains(&ev) {
            self.events.push(ev);
        }
    }

    /// Records `field` when parameter `param` is present and non-empty. Hashed fields get the
    /// hash recognised from the value's shape.
    pub fn field(&mut self, r: &RequestView, param: &str, name: Field) {
        let Some(v) = r.params(param).find(|v| !is_empty_value(v)) else {
            return;
        };
        if let Some(location) = r.param_location(param) {
            self.value(name, v, location);
        }
    }

    /// Records the fields of a table of parameters and the field each carries ([`Decoded::field`]).
    pub fn read_fields(&mut self, r: &RequestView, table: &[(&str, Field)]) {
        for (param, name) in table {
            self.field(r, param, *name);
        }
    }

    /// Records `field` for a value found at `location` (inside a parameter the decoder has
    /// taken apart itself). Hashed fields get the hash recognised from the value's shape.
    pub fn value(&mut self, name: Field, v: &str, location: crate::analyze::Location) {
        let encoding = if name.is_hashed() {
            hash_shape(v)
        } else {
            Encoding::Plain
        };
        let f = DecodedField {
            name,
            encoding,
            location,
        };
        if !self.fields.contains(&f) {
            self.fields.push(f);
        }
    }
}

/// True for a parameter value that carries nothing: empty, or a script's placeholder for
/// nothing (`null`, `undefined`, `$direct`, a `0x0` size).
pub fn is_empty_value(v: &str) -> bool {
    let v = v.trim();
    v.is_empty() || ["null", "undefined", "none", "-", "$direct", "0x0", "0"].contains(&v)
}

/// The hash a value looks like: hex by length, base64 by length.
pub fn hash_shape(v: &str) -> Encoding {
    let hex = v.chars().all(|c| c.is_ascii_hexdigit());
    match (hex, v.len()) {
        (true, 32) => Encoding::hash(Algo::Md5, Digits::Hex),
        (true, 40) => Encoding::hash(Algo::Sha1, Digits::Hex),
        (true, 64) => Encoding::hash(Algo::Sha256, Digits::Hex),
        (true, 128) => Encoding::hash(Algo::Sha512, Digits::Hex),
        (false, 44) if v.ends_with('=') => Encoding::hash(Algo::Sha256, Digits::Base64),
        (false, 43) => Encoding::hash(Algo::Sha256, Digits::Base64Url),
        _ => Encoding::Plain,
    }
}

/// One vendor's decoder.
pub trait Decoder: Sync + Send {
    /// Short decoder name (`tiktok`, `meta`, …), recorded with each request.
    fn name(&self) -> &'static str;
    /// Decodes `r` if it is this vendor's.
    fn decode(&self, r: &RequestView) -> Option<Decoded>;
    /// Names of the first-party cookies the vendor's script sets as identifiers (their values
    /// are looked for in every request, as `cookie_id`).
    fn id_cookies(&self) -> &'static [&'static str] {
        &[]
    }
    /// The hosts the vendor's tag owns: a request there that [`Decoder::decode`] does not
    /// know is still this vendor's (`unrecognised`).
    fn claims(&self) -> &'static [Claim] {
        &[]
    }
    /// The vendor's tag in a page's inline script or a tag manager's container, read without
    /// running it (the static pre-scan): its snippet's calls and the IDs they carry (one
    /// `Decoded` per product); empty when the text holds no snippet of this vendor. URLs in the text (a loader built by the
    /// snippet) are decoded with [`Decoder::decode`] by the caller, not here.
    fn inline(&self, _script: &str) -> Vec<Decoded> {
        Vec::new()
    }
    /// What kind of reader this is (`decoder` for code, `spec` for a table): where the IDs
    /// and events it reports come from.
    fn source(&self) -> Source {
        Source::Decoder
    }
    /// Its table, when it is one.
    fn spec(&self) -> Option<&spec::Spec> {
        None
    }
    /// The vendor's own domains besides its claims (its ingestion hosts, for `hosting`).
    fn domains(&self) -> &'static [&'static str] {
        &[]
    }
    /// True when `host` is one of the vendor's own (a claim or a domain of its own): a hit
    /// there is `hosting = vendor`.
    fn is_vendor_host(&self, host: &str) -> bool {
        self.claims().iter().any(|c| on(host, c.domain))
            || self.domains().iter().any(|d| on(host, d))
    }
}

/// The arguments of every call of `callee` in `text` (`fbq('init', '123')` → `["init",
/// "123"]`), each a string literal's content or the raw token, for reading snippets without
/// running them. A call whose argument list does not close within 2,000 bytes is skipped.
pub fn calls(text: &str, callee: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(callee) {
        let start = from + i + callee.len();
        from = start;
        // Not a longer identifier (`myfbq(`) and followed by `(`.
        let before = text[..start - callee.len()].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = text[start..].trim_start();
        let Some(args) = rest.strip_prefix('(') else {
            continue;
        };
        if let Some(a) = parse_args(args) {
            out.push(a);
        }
    }
    out
}

/// Comma-separated arguments up to the closing parenthesis: string literals unquoted, other
/// tokens trimmed (nested brackets kept whole).
fn parse_args(s: &str) -> Option<Vec<String>> {
    let mut args = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        if i > 2000 {
            return None;
        }
        match c {
            '\'' | '"' | '`' if depth == 0 && cur.trim().is_empty() => {
                let mut lit = String::new();
                let mut closed = false;
                while let Some((_, d)) = chars.next() {
                    if d == '\\' {
                        if let Some((_, e)) = chars.next() {
                            lit.push(e);
                        }
                    } else if d == c {
                        closed = true;
                        break;
                    } else {
                        lit.push(d);
                    }
                }
                if !closed {
                    return None;
                }
                cur = lit;
                // Skip to the separator.
                for (_, d) in chars.by_ref() {
                    match d {
                        ',' => {
                            args.push(std::mem::take(&mut cur));
                            break;
                        }
                        ')' => {
                            args.push(cur);
                            return Some(args);
                        }
                        _ => {}
                    }
                }
            }
            '(' | '[' | '{' => {
                depth += 1;
                cur.push(c);
            }
            ')' if depth == 0 => {
                let t = cur.trim().to_string();
                if !t.is_empty() || !args.is_empty() {
                    args.push(t);
                }
                return Some(args);
            }
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            ',' if depth == 0 => args.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(c),
        }
    }
    None
}

/// The string values assigned to `key` in `text` (`ti: "5123456"`, `_linkedin_partner_id =
/// "123"`, `hjid:3546`): a quoted literal of one token, or bare digits and letters, after
/// `key`, optional quotes around the key, and `:` or `=`.
pub fn assigned(text: &str, key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(key) {
        let start = from + i;
        from = start + key.len();
        let before = text[..start].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let rest = text[from..].trim_start_matches(['\'', '"', ']']);
        let rest = rest.trim_start();
        let Some(rest) = rest.strip_prefix([':', '=']) else {
            continue;
        };
        let rest = rest.trim_start();
        let v: String = match rest.chars().next() {
            // A literal whole (`appId: "shop.example"`), when it is one token.
            Some(q @ ('\'' | '"')) => rest[1..]
                .split(q)
                .next()
                .filter(|l| l.len() <= 128 && !l.contains(char::is_whitespace))
                .unwrap_or_default()
                .to_string(),
            _ => rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect(),
        };
        if !v.is_empty() && !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// The IDs of the calls `callee(verb, ID, …)` in `text` (`fbq('init', '123')`), for the verbs
/// given.
pub fn ids_of_calls(text: &str, callee: &str, verbs: &[&str]) -> Vec<String> {
    calls(text, callee)
        .into_iter()
        .filter(|a| a.len() >= 2 && verbs.contains(&a[0].as_str()))
        .map(|a| a[1].clone())
        .filter(|id| !id.is_empty())
        .collect()
}

/// Identifier cookies of vendors with no decoder yet.
const OTHER_ID_COOKIES: &[&str] = &[
    // Segment's anonymous visitor ID.
    "ajs_anonymous_id",
];

/// True for the name of a first-party cookie a tracker uses as an identifier: every
/// decoder's [`Decoder::id_cookies`] and [`OTHER_ID_COOKIES`], gathered once.
pub fn is_id_cookie(name: &str) -> bool {
    static NAMES: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    NAMES
        .get_or_init(|| {
            REGISTRY
                .iter()
                .flat_map(|d| d.id_cookies())
                .chain(OTHER_ID_COOKIES)
                .copied()
                .collect()
        })
        .contains(name)
}

/// Every decoder, in matching order. Adding a vendor: one file and one line here.
pub static REGISTRY: &[&dyn Decoder] = &[
    &tiktok::TikTok,
    &meta::META,
    &google::Google,
    &x::X,
    &microsoft::UET,
    &linkedin::LINKEDIN,
    &pinterest::PINTEREST,
    &snap::SNAP,
    &reddit::REDDIT,
    &recorders::Recorders,
    &criteo::CRITEO,
    &floodlight::FLOODLIGHT,
    &adobe::ANALYTICS,
    &adobe::ECID,
    &adobe::AUDIENCE_MANAGER,
    &adobe::TARGET,
    &adobe::WEB_SDK,
    &adobe::LAUNCH,
    &matomo::MATOMO,
    &matomo::PIWIK_PRO,
    &outbrain::OUTBRAIN,
    &parsely::PARSELY,
    &comscore::COMSCORE,
    &posthog::POSTHOG,
    &mixpanel::MIXPANEL,
    &segment::SEGMENT,
    &segment::RUDDERSTACK,
    &customerio::CUSTOMERIO,
    &taboola::TABOOLA,
    &amazon::AMAZON,
    &yahoo::YAHOO,
    &quora::QUORA,
    &tradedesk::TRADE_DESK,
    &marketo::MARKETO,
    &leadfeeder::LEADFEEDER,
    &liveramp::LIVERAMP,
    &datadog::DATADOG,
    &appinsights::APP_INSIGHTS,
    &snowplow::SNOWPLOW,
    &amplitude::AMPLITUDE,
    &sentry::SENTRY,
    &ga_classic::GA_CLASSIC,
    &chartbeat::CHARTBEAT,
    &kampyle::KAMPYLE,
    &webtrends::WEBTRENDS,
    &webtrekk::WEBTREKK,
    &heap::HEAP,
    &logrocket::LOGROCKET,
    &braze::BRAZE,
    &intercom::INTERCOM,
    &hubspot::HUBSPOT,
    &klaviyo::KLAVIYO,
    &optimizely::OPTIMIZELY,
    &vwo::VWO,
    &dynamicyield::DYNAMIC_YIELD,
    &nielsen::NIELSEN,
    &kantar::KANTAR,
    &atinternet::AT_INTERNET,
    &lytics::LYTICS,
    &salesforce::AUDIENCE_STUDIO,
    &salesforce::PARDOT_TAG,
    &oracle::BLUEKAI_TAG,
    &oracle::ELOQUA_TAG,
    &oracle::INFINITY_TAG,
    &demandbase::DEMANDBASE,
    &bazaarvoice::BAZAARVOICE,
    &newrelic::NEW_RELIC,
    &appdynamics::APPDYNAMICS,
    &mpulse::MPULSE,
    &quantcast::QUANTCAST,
    &yandex::YANDEX_METRICA,
    &pendo::PENDO,
    &contentsquare::CONTENTSQUARE,
    &shopify::SHOPIFY,
    &plausible::PLAUSIBLE,
    &tealium::TEALIUM_IQ,
    &tealium::TEALIUM_COLLECT,
    &crazyegg::CRAZYEGG,
    &mparticle::MPARTICLE,
];

/// Parameter names that carry a pixel, tag or account ID in many vendors' requests.
const GENERIC_ID_PARAMS: &[&str] = &[
    "id",
    "pid",
    "tid",
    "account",
    "accountId",
    "account_id",
    "aid",
    "siteid",
    "siteId",
    "site_id",
    "idsite",
    "pixel_id",
    "pixelId",
    "pixel",
    "tag_id",
    "adv",
    "advertiser_id",
    "app_id",
    "appId",
    "api_key",
    "apiKey",
    "writeKey",
    "project_id",
    "projectId",
    "property_id",
    "propertyId",
];
/// Parameter names that carry an event name.
const GENERIC_EVENT_PARAMS: &[&str] = &[
    "ev",
    "event",
    "en",
    "evt",
    "event_name",
    "eventName",
    "ea",
    "action",
    "event_type",
    "eventType",
    "_e",
];
/// Short names for the kind of hit (`e=pv`, a batch record's `type`): an event only when the
/// value is a word of letters (no digits, so no timestamps, IDs or e-mails), and `type` only
/// inside a body (in a query it is too often a content type).
const GENERIC_KIND_PARAMS: &[&str] = &["e", "type"];
/// Parameters whose value may hold a batch of its own (JSON, or base64 JSON): their records
/// are read too.
const GENERIC_NESTED: &[&str] = &["data", "d", "e", "payload", "events", "batch"];

/// The name a flattened key has for the generic reader: the key itself, or the last segment of
/// an item of an array of events (`events.0.event`, `batch.2.type`).
fn generic_name(k: &str) -> &str {
    let mut it = k.rsplitn(3, '.');
    match (it.next(), it.next(), it.next()) {
        (Some(name), Some(i), Some(_)) if i.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => k,
    }
}

fn id_like(v: &str) -> bool {
    (3..=64).contains(&v.len())
        && v.bytes().any(|b| b.is_ascii_digit())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.@".contains(&b))
}

fn event_like(v: &str) -> bool {
    (2..=64).contains(&v.len())
        && v.starts_with(|c: char| c.is_ascii_alphabetic())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_ .:-$".contains(&b))
}

fn kind_like(v: &str) -> bool {
    (2..=32).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_')
}

/// What a request of a vendor no decoder knows says by its parameter names alone: the
/// ID-shaped values of [`GENERIC_ID_PARAMS`] and the event-shaped values of
/// [`GENERIC_EVENT_PARAMS`] and [`GENERIC_KIND_PARAMS`], in the query, the body's records (a
/// batch's events one by one) and the JSON or base64 JSON inside [`GENERIC_NESTED`] values
/// (recorded with `decoder = generic`). `None` when neither is there.
pub fn generic(r: &RequestView) -> Option<(Vec<String>, Vec<String>)> {
    let nested: Vec<super::records::Params> = r
        .query
        .iter()
        .chain(r.body.iter().flatten())
        .filter(|(k, v)| GENERIC_NESTED.contains(&k.as_str()) && v.len() >= 8)
        .flat_map(|(_, v)| spec::inner_records(v))
        .collect();
    let query = r.query.iter().map(|kv| (kv, false));
    let body = r.body.iter().chain(&nested).flatten().map(|kv| (kv, true));
    let mut ids = Vec::new();
    let mut events = Vec::new();
    for ((k, v), in_body) in query.chain(body) {
        let name = generic_name(k);
        let event = (GENERIC_EVENT_PARAMS.contains(&name) && event_like(v))
            || (GENERIC_KIND_PARAMS.contains(&name) && kind_like(v) && (in_body || name != "type"));
        if GENERIC_ID_PARAMS.contains(&k.as_str()) && id_like(v) {
            if !ids.contains(v) {
                ids.push(v.clone());
            }
        } else if event && !events.contains(v) {
            events.push(v.clone());
        }
    }
    (!ids.is_empty() || !events.is_empty()).then_some((ids, events))
}

/// The decoder named `name` (as [`Decoder::name`] gives it).
pub fn find(name: &str) -> Option<&'static dyn Decoder> {
    REGISTRY.iter().copied().find(|d| d.name() == name)
}

/// The catalogue of collector protocols: every spec's endpoints on any host (path shape and
/// what a request must carry), with the spec that names them, in matching order.
pub fn catalogue() -> Vec<(&'static spec::Spec, &'static spec::Endpoint)> {
    REGISTRY
        .iter()
        .filter_map(|d| d.spec())
        .flat_map(|s| s.protocols().map(move |e| (s, e)))
        .collect()
}

/// The first decoder that recognises `r`, with its name.
pub fn decode(r: &RequestView) -> Option<(&'static str, Decoded)> {
    let mut candidates = HOSTS.candidates(&r.host);
    std::iter::from_fn(|| {
        (candidates != 0).then(|| {
            let i = candidates.trailing_zeros() as usize;
            candidates &= candidates - 1;
            REGISTRY[i]
        })
    })
    .find_map(|d| d.decode(r).map(|x| (d.name(), x)))
    .or_else(|| {
        REGISTRY.iter().find_map(|d| {
            let c = d.claims().iter().find(|c| on(&r.host, c.domain))?;
            let mut x = Decoded::new(c.tracker, c.company, c.category, Role::Loader);
            x.unrecognised = true;
            Some((d.name(), x))
        })
    })
}

/// Which decoders can know a request, by its host: compiled once from the specs' endpoints
/// (adblock-rust's way: data compiled once, a request matched against few candidates). A
/// spec whose endpoints all name a host is tried only on those hosts and their subdomains; a
/// spec with an endpoint on any host (a protocol) and every hand-coded decoder are tried on
/// every request. Bits are [`REGISTRY`] positions, so matching keeps the registry's order.
struct HostIndex {
    any: u128,
    on: std::collections::HashMap<&'static str, u128>,
}

static HOSTS: std::sync::LazyLock<HostIndex> = std::sync::LazyLock::new(|| {
    assert!(
        REGISTRY.len() <= 128,
        "decoders::HostIndex holds 128 decoders: widen its masks"
    );
    let mut index = HostIndex {
        any: 0,
        on: Default::default(),
    };
    for (i, d) in REGISTRY.iter().enumerate() {
        let bit = 1u128 << i;
        match d.spec() {
            Some(s) if s.loaders.iter().chain(s.hits).all(|e| !e.host.is_empty()) => {
                for e in s.loaders.iter().chain(s.hits) {
                    *index.on.entry(e.host).or_default() |= bit;
                }
            }
            _ => index.any |= bit,
        }
    }
    index
});

impl HostIndex {
    /// The decoders that may know a request to `host` ([`on`] one of their hosts, or any).
    fn candidates(&self, host: &str) -> u128 {
        let mut found = self.any;
        let mut h = host;
        loop {
            found |= self.on.get(h).copied().unwrap_or(0);
            match h.find('.') {
                Some(i) => h = &h[i + 1..],
                None => return found,
            }
        }
    }
}

/// True when `host` is `domain` or a subdomain of it.
pub fn on(host: &str, domain: &str) -> bool {
    host == domain || host.strip_suffix(domain).is_some_and(|h| h.ends_with('.'))
}

#[cfg(test)]
mod snippet_tests {
    use super::*;

    #[test]
    fn calls_and_assignments_are_read_without_running_them() {
        let t = "!function(){}(); fbq('init', '123', {em: 'x'}); fbq(\"track\", 'PageView'); myfbq('init','9');";
        assert_eq!(
            calls(t, "fbq"),
            [
                vec!["init".to_string(), "123".into(), "{em: 'x'}".into()],
                vec!["track".to_string(), "PageView".into()]
            ]
        );
        assert_eq!(ids_of_calls(t, "fbq", &["init"]), ["123"]);
        assert_eq!(
            calls("ttq.load ( 'C1' );", "ttq.load"),
            [vec!["C1".to_string()]]
        );
        assert!(calls("fbq('init', 'unterminated", "fbq").is_empty());
        assert_eq!(assigned("var o={ti:\"5123456\", q:1}", "ti"), ["5123456"]);
        // A quoted literal is taken whole (Snowplow's app ID is often the site's domain); one
        // with spaces is no ID.
        assert_eq!(
            assigned(
                "newTracker('sp', 'https://c.example', { appId: \"shop.example\" })",
                "appId"
            ),
            ["shop.example"]
        );
        assert!(assigned("var o={ti:'a b'}", "ti").is_empty());
        assert_eq!(
            assigned(
                "window._linkedin_partner_id = \"1234567\";",
                "_linkedin_partner_id"
            ),
            ["1234567"]
        );
        assert_eq!(
            assigned("h._hjSettings={hjid:3546,hjsv:6}", "hjid"),
            ["3546"]
        );
        assert_eq!(
            assigned("window['_fs_org'] = 'o-1ABC';", "_fs_org"),
            ["o-1ABC"]
        );
        assert!(assigned("var multi=1", "ti").is_empty());
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Requests shaped like the real pixels' for decoder tests.
    use crate::capture::{BodyState, RawRequest};

    /// A captured request.
    pub fn req(method: &str, url: &str, body: Option<&str>, ctype: Option<&str>) -> RawRequest {
        RawRequest {
            seq: 0,
            request_id: "1".into(),
            url: url.into(),
            method: method.into(),
            resource_type: crate::capture::ResourceType::Fetch,
            headers: ctype
                .map(|c| vec![("Content-Type".to_string(), c.to_string())])
                .unwrap_or_default(),
            body: body.map(|b| b.as_bytes().to_vec()),
            body_state: if body.is_some() {
                BodyState::Complete
            } else {
                BodyState::None
            },
            initiator: "{}".into(),
            frame_id: "F".into(),
            frame_url: "https://shop.example/".into(),
            is_main_frame: false,
            status: Some(200),
            mime_type: None,
            response_headers: vec![],
            failure: None,
            wall_time: 0.0,
            step: crate::capture::Step::Load,
            page: 0,
            context: Default::default(),
            sw_response: None,
            ended_at: None,
        }
    }

    /// A session cookie of `shop.example` set during the visit.
    pub fn cookie(name: &str, value: &str) -> crate::capture::RawCookie {
        crate::capture::RawCookie {
            name: name.into(),
            value: value.into(),
            domain: "shop.example".into(),
            path: "/".into(),
            expires: -1.0,
            http_only: false,
            secure: false,
            same_site: None,
            page: 0,
        }
    }

    /// Decodes with the whole registry.
    pub fn decode(r: &RawRequest) -> Option<super::Decoded> {
        let parties = crate::analyze::party::Parties::new("shop.example", None);
        super::decode(&super::RequestView::new(r, &parties).unwrap()).map(|(_, d)| d)
    }

    /// True when the decoded request has the field with the encoding.
    pub fn has(d: &super::Decoded, name: &str, encoding: &str) -> bool {
        d.fields
            .iter()
            .any(|f| f.name.as_str() == name && f.encoding.to_string() == encoding)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every host every decoder claims: a request there at an endpoint no decoder knows is
    /// still that vendor's tag (`unrecognised`), never a second tracker from the entity list;
    /// and a claimed host belongs to one decoder only.
    #[test]
    fn every_claimed_host_is_its_vendors_at_any_endpoint() {
        let parties = crate::analyze::party::Parties::new("shop.example", None);
        let mut seen = std::collections::BTreeMap::new();
        let mut n = 0;
        for d in REGISTRY {
            for c in d.claims() {
                assert!(
                    seen.insert(c.domain, d.name()).is_none(),
                    "{} claimed twice",
                    c.domain
                );
                for host in [c.domain.to_string(), format!("eu.{}", c.domain)] {
                    let r = testutil::req(
                        "GET",
                        &format!("https://{host}/pc-unknown/endpoint?q=1"),
                        None,
                        None,
                    );
                    let view = RequestView::new(&r, &parties).unwrap();
                    let (name, got) =
                        decode(&view).unwrap_or_else(|| panic!("{host}: not decoded"));
                    assert_eq!(
                        (name, got.tracker, got.company, got.category),
                        (d.name(), c.tracker, c.company, c.category),
                        "{host}"
                    );
                    // Some decoders read every path of their hit host already.
                    assert!(got.unrecognised || got.role == Role::Hit, "{host}");
                    n += got.unrecognised as usize;
                }
            }
        }
        assert!(n >= 20, "{n} hosts went through the claims");
        // A known endpoint on a claimed host is decoded as known.
        let known = testutil::decode(&testutil::req(
            "GET",
            "https://bat.bing.com/action/0?ti=5123456&evt=pageLoad",
            None,
            None,
        ))
        .unwrap();
        assert!(!known.unrecognised);
    }

    /// Every protocol of the catalogue names its vendor wherever it is hosted: on a subdomain
    /// of the site (first party) and on a host of another domain (self-hosted), with nothing but
    /// the path its pattern describes and what it must carry.
    #[test]
    fn every_protocol_names_its_vendor_wherever_it_is_hosted() {
        let cat = catalogue();
        assert!(cat.len() >= 30, "{} protocols", cat.len());
        for (s, e) in cat {
            let path = if let Some(x) = e.path.strip_prefix('=') {
                x.to_string()
            } else if let Some(x) = e.path.strip_prefix('*') {
                format!("/pc{x}")
            } else if let Some(x) = e.path.strip_suffix('$') {
                format!("/pc7{x}")
            } else if e.path.ends_with('/') || e.path.is_empty() {
                format!("{}pc7", e.path.trim_end_matches('/').to_string() + "/")
            } else {
                e.path.to_string()
            };
            let query: Vec<String> = e
                .needs
                .iter()
                .chain(s.requires)
                .map(|n| match (n.split_once('='), n.split_once('^')) {
                    (Some((k, v)), _) => format!("{k}={v}"),
                    (_, Some((k, p))) => format!("{k}={p}pc7"),
                    _ => format!("{n}=pc7"),
                })
                .map(|kv| kv.replace('@', "%40"))
                .collect();
            for host in ["collector.shop.example", "t.own-collector.example"] {
                let url = format!("https://{host}{path}?{}", query.join("&"));
                let r = testutil::req("GET", &url, None, None);
                let parties = crate::analyze::party::Parties::new("shop.example", None);
                let view = RequestView::new(&r, &parties).unwrap();
                let got = decode(&view).map(|(n, d)| (n, d.tracker));
                assert_eq!(got, Some((s.name, s.tracker)), "{url}");
            }
        }
    }

    /// UET's page-hide beacon (`/actionp/0`, sent when the tab is hidden; its shape as
    /// Microsoft's UET tag sends it: the same parameters as `/action/0`) is a UET hit, not a
    /// "Bing Ads" tracker beside it.
    #[test]
    fn uet_page_hide_beacon_is_a_uet_hit() {
        let d = testutil::decode(&testutil::req(
            "GET",
            "https://bat.bing.com/actionp/0?ti=5123456&tm=al001&Ver=2&mid=7e8c0a34-1f5c-4f0e-9d7a-5b3f4d6a2c10&bo=2&sid=2f4e6a90c1b211ef&vid=2f4e7c10c1b211ef&vids=0&msclkid=N&evt=pageHide&p=https%3A%2F%2Fshop.example%2F",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (d.tracker, d.role, d.unrecognised),
            ("Microsoft UET", Role::Hit, false)
        );
        assert_eq!(d.pixel_ids, ["5123456"]);
        assert_eq!(d.events, ["pageHide"]);
    }

    /// The first vendors' decoders that became tables in #42 read as they did: `id_source =
    /// decoder`, and a loader's URL names no ID (the test web's loaders carry theirs).
    #[test]
    fn first_vendors_as_tables_keep_their_datasets() {
        for (name, loader) in [
            (
                "meta",
                "https://connect.facebook.net/en_US/fbevents.js?id=1234567890123456",
            ),
            ("microsoft-uet", "https://bat.bing.com/bat.js?ti=5123456"),
            (
                "linkedin",
                "https://snap.licdn.com/li.lms-analytics/insight.min.js?pid=1234567",
            ),
            (
                "pinterest",
                "https://s.pinimg.com/ct/core.js?tid=2612345678901",
            ),
            ("snap", "https://sc-static.net/scevent.min.js?pid=a1b2c3d4"),
            (
                "reddit",
                "https://www.redditstatic.com/ads/pixel.js?id=t2_demo",
            ),
        ] {
            let d = find(name).unwrap();
            assert!(d.spec().is_some(), "{name} is a table");
            assert_eq!(d.source(), Source::Decoder, "{name}");
            let got = testutil::decode(&testutil::req("GET", loader, None, None)).unwrap();
            assert_eq!(
                (got.role, got.pixel_ids.len()),
                (Role::Loader, 0),
                "{loader}"
            );
        }
    }

    /// docs/decoders.md names every decoder of the registry (by its name in backquotes).
    #[test]
    fn every_decoder_is_documented() {
        let doc = include_str!("../../../docs/decoders.md");
        for d in REGISTRY {
            assert!(
                doc.contains(&format!("(`{}`)", d.name())),
                "docs/decoders.md does not list the `{}` decoder",
                d.name()
            );
        }
    }

    #[test]
    fn id_cookies_are_declared_by_their_vendors_once() {
        let mut all: Vec<&str> = REGISTRY
            .iter()
            .flat_map(|d| d.id_cookies())
            .chain(OTHER_ID_COOKIES)
            .copied()
            .collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "a cookie declared twice");
        assert!(
            n >= 19,
            "the 19 identifier cookies known before they moved to the decoders, and more: {n}"
        );
        for c in [
            "_ttp",
            "_fbp",
            "_fbc",
            "_ga",
            "_gcl_au",
            "_uetvid",
            "li_fat_id",
            "_hjSessionUser",
            "ajs_anonymous_id",
        ] {
            assert!(is_id_cookie(c), "{c}");
        }
        assert!(!is_id_cookie("session"));
    }
}
