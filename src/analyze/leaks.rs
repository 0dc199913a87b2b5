//! Finding what a request carries of the visitor: the canary values typed on the site (in
//! every encoding of shared/pixel-formats.md), the ID cookies set during the visit, and the
//! page URL. All forms of all values are searched at once with one Aho-Corasick automaton per
//! visit, over the URL (raw and percent-decoded once and twice), the body (raw and decoded;
//! a compressed or packed body as [`super::unpack`] decoded it), and the request headers and
//! cookies.

use super::Location;
use super::request::RequestView;
use super::vocab::{Algo, Digits, Encoding, Field};
use crate::capture::{Canaries, PageEnv, RawCookie, RawRequest, RawStorage};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

/// A value found in a request.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Leak {
    /// Canonical field (`plain_email`, `hashed_email`, `typed_text`, `cookie_id`, …).
    pub field: Field,
    /// How it was encoded (`plain`, `url`, `base64`, `sha256`, `sha256-b64`, …).
    pub encoding: Encoding,
    /// Where in the request.
    pub location: Location,
    /// For `cookie_id`: the cookie's name.
    pub detail: Option<String>,
}

#[derive(Clone, Debug)]
struct Pattern {
    field: Field,
    encoding: Encoding,
    detail: Option<String>,
    /// For a page URL's needle: which of the visit's page URLs ([`Matcher::page_urls`]).
    url: Option<usize>,
}

/// The searcher for one visit.
pub struct Matcher {
    ac: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
    /// The digests among the needles (hex in lower case, base64 as is), looked up by token
    /// instead of searched for: they are most of the needles' bytes, and an automaton over
    /// them cost more to build per visit than every search of the visit.
    digests: HashMap<Box<[u8]>, Pattern>,
    /// The page URLs taken apart (host, path, path with query), for a URL split over two
    /// parameters.
    splits: Vec<(String, String, String)>,
    /// The screen and window sizes the pages' scripts could read, as text, for sizes sent
    /// as two numbers.
    sizes: Vec<[String; 2]>,
    /// The visit's page URLs (without fragment) in the order the visitor saw them: a request
    /// from one of these pages that carries an earlier one carries where the visitor came
    /// from, its referrer.
    page_urls: Vec<String>,
}

/// One needle: the text searched for, the field it reveals and its encoding.
pub type Form = (String, Field, Encoding);

/// A digest in hex (both cases), base64 and base64url, as `hash` (whose `digits` is replaced).
fn hex_and_b64(field: Field, hash: Encoding, digest: &[u8], out: &mut Vec<Form>) {
    let with = |d: Digits| match hash {
        Encoding::Hash {
            algo, inner, e164, ..
        } => Encoding::Hash {
            algo,
            inner,
            e164,
            digits: d,
        },
        other => other,
    };
    // Matching is case-sensitive (faster); hex is the one form whose case varies.
    out.push((hex::encode(digest), field, with(Digits::Hex)));
    out.push((hex::encode_upper(digest), field, with(Digits::Hex)));
    out.push((STANDARD.encode(digest), field, with(Digits::Base64)));
    out.push((
        URL_SAFE_NO_PAD.encode(digest),
        field,
        with(Digits::Base64Url),
    ));
}

fn hashes(field: Field, e164: bool, n: &str, out: &mut Vec<Form>) {
    let h = |algo| Encoding::Hash {
        algo,
        inner: None,
        e164,
        digits: Digits::Hex,
    };
    hex_and_b64(field, h(Algo::Md5), &Md5::digest(n.as_bytes()), out);
    hex_and_b64(field, h(Algo::Sha1), &Sha1::digest(n.as_bytes()), out);
    hex_and_b64(field, h(Algo::Sha256), &Sha256::digest(n.as_bytes()), out);
    hex_and_b64(field, h(Algo::Sha512), &Sha512::digest(n.as_bytes()), out);
}

fn textual(field: Field, v: &str, out: &mut Vec<Form>) {
    out.push((v.to_string(), field, Encoding::Plain));
    let form: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
    let pct = form.replace('+', "%20");
    for e in [form.clone(), pct.clone()] {
        if e != v {
            let twice: String = url::form_urlencoded::byte_serialize(e.as_bytes()).collect();
            out.push((e, field, Encoding::Url));
            out.push((twice, field, Encoding::Url2));
        }
    }
    // Unpadded only: a padded value starts with its unpadded form, so one needle finds both
    // (and the automaton a visit builds stays smaller).
    for (e, enc) in [
        (STANDARD_NO_PAD.encode(v), Encoding::Base64),
        (URL_SAFE_NO_PAD.encode(v), Encoding::Base64Url),
    ] {
        out.push((e, field, enc));
    }
}

/// Every form in which the canary values can travel: `(needle, field, encoding)`.
pub fn canary_forms(c: &Canaries) -> Vec<Form> {
    let mut out = Vec::new();
    let nested = |inner| Encoding::Hash {
        algo: Algo::Sha256,
        inner: Some(inner),
        e164: false,
        digits: Digits::Hex,
    };
    if !c.email.is_empty() {
        textual(Field::PlainEmail, &c.email, &mut out);
        let n = c.email.trim().to_lowercase();
        hashes(Field::HashedEmail, false, &n, &mut out);
        // A hash of a hash (some pixels hash an already hashed value).
        let inner = hex::encode(Sha256::digest(n.as_bytes()));
        hex_and_b64(
            Field::HashedEmail,
            nested(Algo::Sha256),
            &Sha256::digest(inner.as_bytes()),
            &mut out,
        );
        let inner_md5 = hex::encode(Md5::digest(n.as_bytes()));
        hex_and_b64(
            Field::HashedEmail,
            nested(Algo::Md5),
            &Sha256::digest(inner_md5.as_bytes()),
            &mut out,
        );
    }
    if !c.phone.is_empty() {
        let digits: String = c.phone.chars().filter(char::is_ascii_digit).collect();
        let e164 = format!("+{digits}");
        textual(Field::PlainPhone, &e164, &mut out);
        out.push((digits.clone(), Field::PlainPhone, Encoding::PhoneDigits));
        if let Some(national) = digits.strip_prefix('1') {
            out.push((
                national.to_string(),
                Field::PlainPhone,
                Encoding::PhoneNational,
            ));
        }
        hashes(Field::HashedPhone, false, &digits, &mut out);
        hashes(Field::HashedPhone, true, &e164, &mut out);
    }
    for (field, v) in [
        (Field::TypedText, &c.name),
        (Field::TypedText, &c.text),
        (Field::SearchQuery, &c.search),
    ] {
        if v.is_empty() {
            continue;
        }
        textual(field, v, &mut out);
        hex_and_b64(
            field,
            Encoding::hash(Algo::Sha256, Digits::Hex),
            &Sha256::digest(v.trim().to_lowercase().as_bytes()),
            &mut out,
        );
    }
    out
}

/// What a visit knows a tracker could take, besides the canaries and cookies: the page URLs
/// and what the pages' scripts could read.
#[derive(Default)]
pub struct PageValues<'a> {
    /// Every URL a page of the visit had (front page, redirects, internal pages, results).
    pub urls: Vec<&'a str>,
    /// What each page's scripts could read (title, referrer, User-Agent, languages, sizes).
    pub envs: Vec<&'a PageEnv>,
    /// The pages' first-party Web Storage items (their identifier values are searched for).
    pub storage: Vec<&'a RawStorage>,
}

/// The forms a page URL travels in: as is, percent-encoded once, twice or only its slashes,
/// with JSON's escaped slashes, base64, and without its scheme.
fn url_forms(field: Field, u: &str, out: &mut Vec<Form>) {
    textual(field, u, out);
    out.push((u.replace('/', "\\/"), field, Encoding::Plain));
    out.push((u.replace('/', "%2F"), field, Encoding::Url));
    if let Some(rest) = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"))
    {
        let enc: String = url::form_urlencoded::byte_serialize(rest.as_bytes()).collect();
        // `host/` alone is in any URL of the host's (a script's path, another page): a front
        // page without its scheme counts only where a value starts, a parameter's or a JSON
        // string's.
        let front = rest.find('/').is_none_or(|i| i + 1 == rest.len());
        for v in [rest.to_string(), enc] {
            if front {
                out.push((format!("={v}"), field, Encoding::NoScheme));
                out.push((format!("\"{v}"), field, Encoding::NoScheme));
            } else {
                out.push((v, field, Encoding::NoScheme));
            }
        }
    }
}

/// Every form in which the page's values can travel: its URLs, title, referrer, the
/// User-Agent, languages and screen and window sizes.
pub fn page_forms(pages: &PageValues) -> Vec<Form> {
    let mut out = Vec::new();
    for u in &pages.urls {
        url_forms(Field::PageUrl, u, &mut out);
    }
    out.extend(env_forms(pages));
    out
}

/// The forms of what the pages' scripts could read: title, referrer, User-Agent, languages,
/// screen and window sizes.
fn env_forms(pages: &PageValues) -> Vec<Form> {
    let mut out = Vec::new();
    for e in &pages.envs {
        if e.referrer.len() > 10 {
            url_forms(Field::Referrer, &e.referrer, &mut out);
        }
        // A short title ("Home") would match by chance.
        if e.title.trim().chars().count() >= 8 {
            textual(Field::PageTitle, e.title.trim(), &mut out);
        }
        if !e.user_agent.is_empty() {
            textual(Field::UserAgent, &e.user_agent, &mut out);
        }
        if e.languages.len() > 1 {
            textual(Field::Language, &e.languages.join(","), &mut out);
        }
        // A language tag is short: only where a value starts, as a parameter's or a JSON
        // string's.
        for l in &e.languages {
            for v in [l.clone(), l.to_ascii_lowercase()] {
                for n in [format!("={v}"), format!("\"{v}\"")] {
                    out.push((n, Field::Language, Encoding::Plain));
                }
            }
        }
        for [w, h] in [e.screen, e.viewport] {
            if w > 0 && h > 0 {
                for sep in ["x", "X", "*", "\u{d7}"] {
                    out.push((format!("{w}{sep}{h}"), Field::Screen, Encoding::Plain));
                }
            }
        }
    }
    out
}

/// Names of cookies whose values are not identifiers of the visitor: consent records,
/// bot-management and load-balancer tokens.
const NOT_ID_COOKIES: &[&str] = &[
    "OptanonConsent",
    "OptanonAlertBoxClosed",
    "euconsent-v2",
    "CookieConsent",
    "cookieyes-consent",
    "didomi_token",
    "__cf_bm",
    "__cfruid",
    "_cfuvid",
    "cf_clearance",
    "AWSALB",
    "AWSALBCORS",
];

/// True for a value shaped like an identifier: 8 to 256 characters of letters, digits and
/// `._-~|=+/` with at least one digit, not one repeated character, not a bare timestamp and
/// not a URL.
pub fn looks_like_id(v: &str) -> bool {
    let n = v.len();
    (8..=256).contains(&n)
        && v.bytes().any(|b| b.is_ascii_digit())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-~|=+/".contains(&b))
        && !v.contains("//")
        && v.bytes().any(|b| b != v.as_bytes()[0])
        && !(v.bytes().all(|b| b.is_ascii_digit()) && (n == 10 || n == 13))
}

/// The values of a cookie a tracker may be sent: the value itself, the random tail of a
/// dotted one (`GA1.1.<random>.<time>` → `<random>.<time>`, which is what `_ga`, `_gcl_au`
/// and `_fbp` readers send), and the identifier-shaped strings of a JSON value, plain,
/// percent-encoded or base64 (Hotjar's `_hjSessionUser_<site>` is base64 JSON whose `id` is
/// sent).
pub fn cookie_values(value: &str) -> Vec<String> {
    let mut out = vec![value.to_string()];
    let parts: Vec<&str> = value.split('.').collect();
    if parts.len() >= 3 {
        out.push(parts[parts.len() - 2..].join("."));
    }
    // Percent-decoded once for the rest (scripts store cookies encodeURIComponent'd).
    let decoded = String::from_utf8_lossy(&percent_decode(value.as_bytes())).into_owned();
    // The identifier-shaped parts of a value made of several, wherever they sit
    // (`<id>|2|f9|0|1`, `#<org>#<id>:<session>/<time>`, Snowplow's `<duid>.<created>.<visits>…`,
    // Datadog's `rum=0&id=<id>&created=…`).
    if decoded.contains(PART_SEPARATORS) {
        for p in decoded.split(PART_SEPARATORS) {
            if strong_id(p) && p != value && !out.iter().any(|o| o == p) {
                out.push(p.to_string());
            }
        }
    }
    let json = if decoded.trim_start().starts_with('{') {
        Some(decoded)
    } else {
        // Base64 has no spaces: a `+` percent-decoding turned into one was base64's.
        base64_decode(&decoded.replace(' ', "+"))
            .and_then(|b| String::from_utf8(b).ok())
            .map(|t| match t.starts_with("%7B") {
                // Base64 of a percent-encoded JSON (Amplitude's `AMP_<key>`).
                true => String::from_utf8_lossy(&percent_decode(t.as_bytes())).into_owned(),
                false => t,
            })
            .filter(|t| t.trim_start().starts_with('{'))
    };
    if let Some(v) = json.and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok()) {
        json_strings(&v, &mut out);
    }
    out
}

/// What separates the parts of a structured cookie or storage value.
const PART_SEPARATORS: [char; 17] = [
    '|', '#', ':', '/', '&', '.', '=', ',', '^', ';', ' ', '\'', '"', '{', '}', '[', ']',
];

/// A part of a structured value that is an identifier on its own: identifier-shaped
/// ([`looks_like_id`]) with letters and digits, or at least 16 characters (a counter, a date
/// or a short number inside a cookie is no identifier).
fn strong_id(p: &str) -> bool {
    let mixed = p.bytes().any(|b| b.is_ascii_alphabetic()) && p.bytes().any(|b| b.is_ascii_digit());
    (looks_like_id(p) && (p.len() >= 16 || mixed))
        // A short random one (Clarity's `_clck` starts with seven such characters).
        || ((6..8).contains(&p.len()) && mixed && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A UUID (`8-4-4-4-12` hex digits, either case): an identifier whatever the key it sits
/// under is called (mParticle's `das`, `cgid`).
fn uuid_shaped(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// True for a key that names configuration, never a visitor's identifier.
fn config_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "token", "key", "version", "hash", "build", "config", "flag", "api",
    ]
    .iter()
    .any(|w| k.contains(w))
}

/// True for a key under which a visitor, device, session or user identifier is kept
/// (`distinct_id`, `$device_id`, `anonymousId`, `deviceId`, `uuid`, `sid`), and not a
/// configuration value (`api_key`, `token`, `version`, `hash`).
fn id_key(key: &str) -> bool {
    let k: String = key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let config = [
        "token", "key", "version", "hash", "build", "config", "flag", "api", "event",
    ];
    let id = k.ends_with("id")
        || k.ends_with("uuid")
        || [
            "visitor",
            "device",
            "distinct",
            "anonymous",
            "session",
            "user",
        ]
        .iter()
        .any(|w| k.contains(w));
    id && !config.iter().any(|w| k.contains(w))
}

/// The identifier values of a first-party storage item: its value when the key names an
/// identifier and the value is identifier-shaped (a JSON string's content too), the
/// identifier-shaped strings under identifier keys of a JSON value (plain or base64), and
/// the strong identifier parts of a structured value.
pub fn storage_values(it: &RawStorage) -> Vec<String> {
    let v = it.value.trim();
    let mut out = Vec::new();
    let json = serde_json::from_str::<serde_json::Value>(v)
        .ok()
        .or_else(|| {
            base64_decode(v)
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|t| serde_json::from_str(&t).ok())
        })
        .or_else(|| {
            // JSON written with `'` for `"` and `|` for `,` (mParticle's `mprtcl-v4`).
            v.starts_with("{'")
                .then(|| v.replace('\'', "\"").replace('|', ","))
                .and_then(|t| serde_json::from_str(&t).ok())
        });
    match json {
        Some(serde_json::Value::String(s)) if id_key(&it.key) && looks_like_id(&s) => out.push(s),
        Some(j @ (serde_json::Value::Object(_) | serde_json::Value::Array(_))) => {
            id_strings(&j, &mut out)
        }
        Some(_) => {}
        None => {
            if id_key(&it.key) && looks_like_id(v) {
                out.push(v.to_string());
            }
            if v.contains(PART_SEPARATORS) {
                out.extend(
                    v.split(PART_SEPARATORS)
                        .filter(|p| strong_id(p) && *p != v)
                        .map(str::to_string),
                );
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The identifier-shaped strings of a JSON value kept under identifier keys.
fn id_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Array(a) => a.iter().for_each(|x| id_strings(x, out)),
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                match x {
                    serde_json::Value::String(s)
                        if (id_key(k) && looks_like_id(s))
                            || (uuid_shaped(s) && !config_key(k)) =>
                    {
                        out.push(s.clone())
                    }
                    _ => id_strings(x, out),
                }
            }
        }
        _ => {}
    }
}

fn json_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) if looks_like_id(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| json_strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| json_strings(x, out)),
        _ => {}
    }
}

/// True for a cookie whose value is an identifier of the visitor: a tracker's known ID
/// cookie (`known`, also with a per-site suffix such as `_hjSessionUser_<site>`), or any
/// cookie with an identifier-shaped value among `values` (its [`cookie_values`]) that is
/// not a consent record or bot-management token ([`NOT_ID_COOKIES`]).
pub fn is_visitor_id(c: &RawCookie, values: &[String], known: impl Fn(&str) -> bool) -> bool {
    if NOT_ID_COOKIES.contains(&c.name.as_str()) {
        return false;
    }
    let suffixed = c
        .name
        .rmatch_indices('_')
        .any(|(i, _)| i > 0 && known(&c.name[..i]));
    known(&c.name) || suffixed || values.iter().any(|v| looks_like_id(v))
}

impl Matcher {
    /// Builds the searcher for a visit: its canaries, the ID cookies present at its end that
    /// `is_id_cookie` accepts (given each cookie and its [`cookie_values`]), and nothing
    /// shorter than 6 characters.
    pub fn new(
        canaries: &Canaries,
        cookies: &[RawCookie],
        is_id_cookie: impl Fn(&RawCookie, &[String]) -> bool,
    ) -> Matcher {
        Matcher::with_pages(canaries, cookies, is_id_cookie, &PageValues::default())
    }

    /// [`Matcher::new`] also searching for the page's values ([`page_forms`]): the visit's
    /// page URLs first (a referrer that is one of them is reported as the page URL).
    pub fn with_pages(
        canaries: &Canaries,
        cookies: &[RawCookie],
        is_id_cookie: impl Fn(&RawCookie, &[String]) -> bool,
        pages: &PageValues,
    ) -> Matcher {
        let page_urls: Vec<String> = pages
            .urls
            .iter()
            .map(|u| without_fragment(u).to_string())
            .collect();
        let mut needles = value_needles(canaries, pages);
        let mut seen = BTreeSet::new();
        cookie_needles(cookies, is_id_cookie, &mut seen, &mut needles);
        storage_needles(pages, &mut seen, &mut needles);
        let digests = take_digests(&mut needles);
        let ac = (!needles.is_empty()).then(|| {
            // One automaton per visit: a contiguous NFA builds far faster than a DFA (which
            // took half the analysis time) and searches these short haystacks about as fast.
            AhoCorasickBuilder::new()
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .match_kind(MatchKind::LeftmostLongest)
                .build(needles.iter().map(|(n, _)| n.as_bytes()))
                .expect("patterns build")
        });
        Matcher {
            ac,
            patterns: needles.into_iter().map(|(_, p)| p).collect(),
            digests,
            splits: url_splits(pages),
            sizes: sizes(pages),
            page_urls,
        }
    }

    /// Everything of the visitor that the request carries.
    pub fn find(&self, view: &RequestView) -> BTreeSet<Leak> {
        if self.ac.is_none() && self.digests.is_empty() {
            return BTreeSet::new();
        }
        // A request from one of the visit's pages: the URL of a page seen before it, whole, is
        // where the visitor came from (its referrer).
        let doc = without_fragment(&view.raw.frame_url);
        let s = Scan {
            m: self,
            seen_before: self.page_urls.iter().position(|u| u == doc).unwrap_or(0),
            primary: BTreeSet::new(),
            secondary: BTreeSet::new(),
        };
        s.search(view)
    }
}

/// The needles of what the visitor typed (the canaries' forms), the visit's page URLs (each
/// with its page's position) and the page's environment.
fn value_needles(canaries: &Canaries, pages: &PageValues) -> Vec<(String, Pattern)> {
    let mut url_needles = Vec::new();
    for (k, u) in pages.urls.iter().enumerate() {
        let mut forms = Vec::new();
        url_forms(Field::PageUrl, u, &mut forms);
        url_needles.extend(forms.into_iter().map(|f| (f, Some(k))));
    }
    canary_forms(canaries)
        .into_iter()
        .map(|f| (f, None))
        .chain(url_needles)
        .chain(env_forms(pages).into_iter().map(|f| (f, None)))
        .map(|((n, field, encoding), url)| {
            (
                n,
                Pattern {
                    field,
                    encoding,
                    detail: None,
                    url,
                },
            )
        })
        .collect()
}

/// The needles of the identifier cookies (as they are and URL-encoded), each value once
/// (`seen`).
fn cookie_needles(
    cookies: &[RawCookie],
    is_id_cookie: impl Fn(&RawCookie, &[String]) -> bool,
    seen: &mut BTreeSet<String>,
    needles: &mut Vec<(String, Pattern)>,
) {
    for c in cookies {
        // Each cookie taken apart once, for the decision and the needles.
        let values = cookie_values(&c.value);
        if !is_id_cookie(c, &values) {
            continue;
        }
        for v in values {
            if v.len() >= 6 && seen.insert(v.clone()) {
                let enc: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
                if enc != v {
                    needles.push((
                        enc,
                        Pattern {
                            field: Field::CookieId,
                            encoding: Encoding::Url,
                            detail: Some(c.name.clone()),
                            url: None,
                        },
                    ));
                }
                needles.push((
                    v,
                    Pattern {
                        field: Field::CookieId,
                        encoding: Encoding::Plain,
                        detail: Some(c.name.clone()),
                        url: None,
                    },
                ));
            }
        }
    }
}

/// The needles of the identifier values kept in the pages' storage, each value once (`seen`,
/// after the cookies').
fn storage_needles(
    pages: &PageValues,
    seen: &mut BTreeSet<String>,
    needles: &mut Vec<(String, Pattern)>,
) {
    for it in &pages.storage {
        for v in storage_values(it) {
            if v.len() >= 6 && seen.insert(v.clone()) {
                needles.push((
                    v,
                    Pattern {
                        field: Field::StorageId,
                        encoding: Encoding::Plain,
                        detail: Some(format!("{}:{}", it.area.as_str(), it.key)),
                        url: None,
                    },
                ));
            }
        }
    }
}

/// Drops the needles too short to mean anything and repeated ones, and takes the digests out
/// to be looked up by token (hex in lower case).
fn take_digests(needles: &mut Vec<(String, Pattern)>) -> HashMap<Box<[u8]>, Pattern> {
    // Short needles would match by chance; a needle under two labels (base64url is
    // base64 when the value has no `+` or `/`) keeps its first.
    let mut distinct = BTreeSet::new();
    needles.retain(|(n, _)| n.len() >= 6 && distinct.insert(n.clone()));
    let mut digests = HashMap::new();
    needles.retain(|(n, p)| {
        if !matches!(p.encoding, Encoding::Hash { .. }) {
            return true;
        }
        let key = match p.encoding {
            Encoding::Hash {
                digits: Digits::Hex,
                ..
            } => n.to_ascii_lowercase(),
            _ => n.clone(),
        };
        digests
            .entry(key.into_bytes().into_boxed_slice())
            .or_insert_with(|| p.clone());
        false
    });
    digests
}

/// The page URLs taken apart: host, path, path with query.
fn url_splits(pages: &PageValues) -> Vec<(String, String, String)> {
    pages
        .urls
        .iter()
        .filter_map(|u| url::Url::parse(u).ok())
        .filter_map(|u| {
            let host = u.host_str()?.to_ascii_lowercase();
            let path = u.path().to_string();
            let full = match u.query() {
                Some(q) => format!("{path}?{q}"),
                None => path.clone(),
            };
            Some((host, path, full))
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The pages' screen and window sizes, as text, once each.
fn sizes(pages: &PageValues) -> Vec<[String; 2]> {
    let mut sizes: Vec<[String; 2]> = pages
        .envs
        .iter()
        .flat_map(|e| [e.screen, e.viewport])
        .filter(|[w, h]| *w > 0 && *h > 0)
        .map(|[w, h]| [w.to_string(), h.to_string()])
        .collect();
    sizes.sort();
    sizes.dedup();
    sizes
}

/// One request's search: what each channel carries as its own format decodes it
/// (`primary`), and what only another layer shows (`secondary`: raw, decoded twice, base64,
/// split, sizes), kept where the first found nothing of the same field in the same place.
struct Scan<'m> {
    m: &'m Matcher,
    seen_before: usize,
    primary: BTreeSet<Leak>,
    secondary: BTreeSet<Leak>,
}

/// Which of a [`Scan`]'s sets a layer's finds go to.
#[derive(Clone, Copy)]
enum Layer {
    Primary,
    Secondary,
}

impl Scan<'_> {
    fn search(mut self, view: &RequestView) -> BTreeSet<Leak> {
        // Each channel is first searched as its own format decodes it: the URL, form bodies
        // and cookies percent-decoded once (that layer is the transport's, not the value's);
        // JSON, text and other headers as sent. The other layers (raw, decoded twice) then add
        // only values not already found in the same place, so a value URL-encoded once more
        // than its channel needs is `url`, twice `url2`, and a JSON "+1…" stays E.164.
        self.url(view.raw);
        self.body(view);
        self.headers(view.raw);
        self.base64(view);
        self.split_url(view);
        if !self.primary.iter().any(|l| l.field == Field::Screen)
            && let Some(location) = self.m.size_numbers(view)
        {
            self.secondary.insert(Leak {
                field: Field::Screen,
                encoding: Encoding::Plain,
                location,
                detail: None,
            });
        }
        let mut out = self.primary;
        for l in self.secondary {
            if !out
                .iter()
                .any(|o| o.field == l.field && o.location == l.location && o.detail == l.detail)
            {
                out.insert(l);
            }
        }
        out
    }

    /// Searches `hay` for every needle; `location` says where an offset is.
    fn scan(&mut self, hay: &[u8], location: &dyn Fn(usize) -> Location, layer: Layer) {
        let out = match layer {
            Layer::Primary => &mut self.primary,
            Layer::Secondary => &mut self.secondary,
        };
        scan_into(self.m, self.seen_before, hay, location, out);
    }

    /// The URL after its host: decoded once, then raw and decoded twice.
    fn url(&mut self, r: &RawRequest) {
        let query_at = r.url.find('?').unwrap_or(r.url.len());
        let dec1 = pct(r.url.as_bytes());
        let q1 = dec1.iter().position(|&b| b == b'?').unwrap_or(dec1.len());
        // The request's own scheme and host are not something it carries (a page URL would
        // match a first-party request's own address).
        let (url_raw, url_dec) = (after_authority(r.url.as_bytes()), after_authority(&dec1));
        let in_query = |at: usize, q: usize| {
            if at >= q {
                Location::Query
            } else {
                Location::Path
            }
        };
        let (skip_raw, skip_dec) = (r.url.len() - url_raw.len(), dec1.len() - url_dec.len());
        let at_dec = |at: usize| in_query(at + skip_dec, q1);
        // A layer that decoding leaves unchanged holds nothing the first scan did not find.
        self.scan(url_dec, &at_dec, Layer::Primary);
        if let Cow::Owned(_) = dec1 {
            let at_raw = |at: usize| in_query(at + skip_raw, query_at);
            self.scan(url_raw, &at_raw, Layer::Secondary);
            if let Cow::Owned(twice) = pct(url_dec) {
                self.scan(&twice, &at_dec, Layer::Secondary);
            }
        }
    }

    /// The body: a form decoded once first, anything else as sent first.
    fn body(&mut self, view: &RequestView) {
        let Some(raw_body) = &view.raw.body else {
            return;
        };
        // A packed body is searched as it decoded (its text holds every part of it, the
        // packed ones replaced by what they held); a plain one byte for byte.
        let body: &[u8] = match view.body_encoding.is_empty() {
            true => raw_body,
            false => view.body_text.as_bytes(),
        };
        let t = &view.body_text;
        let form = view
            .content_type
            .to_ascii_lowercase()
            .contains("x-www-form-urlencoded")
            || (!t.trim_start().starts_with(['{', '['])
                && t.contains('=')
                && !t.contains(' ')
                && !t.starts_with("--"));
        let in_body = |_| Location::Body;
        match pct(body) {
            Cow::Owned(dec) => {
                let (first, other) = if form {
                    (dec.as_slice(), body)
                } else {
                    (body, dec.as_slice())
                };
                self.scan(first, &in_body, Layer::Primary);
                self.scan(other, &in_body, Layer::Secondary);
                if let Cow::Owned(twice) = pct(&dec) {
                    self.scan(&twice, &in_body, Layer::Secondary);
                }
            }
            Cow::Borrowed(_) => self.scan(body, &in_body, Layer::Primary),
        }
    }

    /// The headers the page's code chose (the Cookie header decoded once first).
    fn headers(&mut self, r: &RawRequest) {
        for (k, v) in &r.headers {
            // What the browser itself sends with every request is not the tracker's doing.
            if BROWSER_HEADERS.iter().any(|h| k.eq_ignore_ascii_case(h))
                || k.get(..9)
                    .is_some_and(|p| p.eq_ignore_ascii_case("sec-ch-ua"))
            {
                continue;
            }
            let cookie = k.eq_ignore_ascii_case("cookie");
            let loc = if cookie {
                Location::Cookie
            } else {
                Location::Header
            };
            match pct(v.as_bytes()) {
                Cow::Owned(dec) => {
                    let (first, other) = if cookie {
                        (dec.as_slice(), v.as_bytes())
                    } else {
                        (v.as_bytes(), dec.as_slice())
                    };
                    self.scan(first, &|_| loc, Layer::Primary);
                    self.scan(other, &|_| loc, Layer::Secondary);
                }
                Cow::Borrowed(same) => self.scan(same, &|_| loc, Layer::Primary),
            }
        }
    }

    /// Base64 parameters and bodies (a recorder's or beacon's JSON, base64-encoded whole):
    /// what they hold, found inside, travelled as base64.
    fn base64(&mut self, view: &RequestView) {
        let params = view
            .query
            .iter()
            .map(|p| (p, Location::Query))
            .chain(view.body.iter().flatten().map(|p| (p, Location::Body)));
        let mut b64 = BTreeSet::new();
        for ((_, v), loc) in params {
            if let Some(inner) = base64_text(v) {
                scan_into(self.m, self.seen_before, &inner, &|_| loc, &mut b64);
            }
        }
        if let Some(inner) = base64_text(view.body_text.trim()) {
            scan_into(
                self.m,
                self.seen_before,
                &inner,
                &|_| Location::Body,
                &mut b64,
            );
        }
        for mut l in b64 {
            if matches!(
                l.encoding,
                Encoding::Plain | Encoding::Url | Encoding::Url2 | Encoding::NoScheme
            ) {
                l.encoding = Encoding::Base64;
            }
            self.secondary.insert(l);
        }
    }

    /// A page URL split over two parameters: its host in one, its path in another.
    fn split_url(&mut self, view: &RequestView) {
        if self.m.splits.is_empty() || self.primary.iter().any(|l| l.field == Field::PageUrl) {
            return;
        }
        let all = || view.query.iter().chain(view.body.iter().flatten());
        for (host, path, full) in &self.m.splits {
            let Some((k, _)) = all().find(|(_, v)| v.eq_ignore_ascii_case(host)) else {
                continue;
            };
            if let Some((pk, _)) = all().find(|(pk, v)| pk != k && (v == path || v == full)) {
                self.secondary.insert(Leak {
                    field: Field::PageUrl,
                    encoding: Encoding::Split,
                    location: view.param_location(pk).unwrap_or(Location::Query),
                    detail: None,
                });
                break;
            }
        }
    }
}

/// Searches `hay` for every needle of `m` into `out`; `location` says where an offset is. A
/// page URL seen before the request's own page (`seen_before`), whole, is its referrer.
fn scan_into(
    m: &Matcher,
    seen_before: usize,
    hay: &[u8],
    location: &dyn Fn(usize) -> Location,
    out: &mut BTreeSet<Leak>,
) {
    let mut hit = |p: &Pattern, at: usize, end: usize| {
        // Another page's URL, whole (not the start of this page's own longer one).
        let referrer = p.url.is_some_and(|k| k < seen_before)
            && hay.get(end).is_none_or(|c| URL_ENDS.contains(c));
        out.insert(Leak {
            field: if referrer { Field::Referrer } else { p.field },
            encoding: p.encoding,
            location: location(at),
            detail: p.detail.clone(),
        });
    };
    if let Some(ac) = &m.ac {
        for x in ac.find_iter(hay) {
            hit(&m.patterns[x.pattern().as_usize()], x.start(), x.end());
        }
    }
    if !m.digests.is_empty() {
        digest_tokens(hay, |at, token| {
            if let Some(p) = m.digests.get(token) {
                hit(p, at, at + token.len());
            }
        });
    }
}

impl Matcher {
    /// Where the request carries a screen or window size as numbers of their own: a width
    /// and a height under keys that say so in one record (`$screen_width` and
    /// `$screen_height`, `context.screen.width` and `.height`), or a width alone under a key
    /// that can only be a width (`screenWidth`, Plausible's `w`).
    fn size_numbers(&self, view: &RequestView) -> Option<Location> {
        // Parameters whose value is JSON (Mixpanel's `data=[{…}]`) taken apart as well.
        let mut inner = Vec::new();
        for (p, loc) in std::iter::once((&view.query, Location::Query))
            .chain(view.body.iter().map(|r| (r, Location::Body)))
        {
            for (k, v) in p {
                if v.starts_with(['{', '['])
                    && let Ok(j) = serde_json::from_str::<serde_json::Value>(v)
                {
                    inner.push((crate::analyze::records::flattened(k, &j), loc));
                }
            }
        }
        let records = std::iter::once((&view.query, Location::Query))
            .chain(view.body.iter().map(|r| (r, Location::Body)))
            .chain(inner.iter().map(|(r, l)| (r, *l)));
        for (rec, loc) in records {
            for [w, h] in &self.sizes {
                let width = rec
                    .iter()
                    .find(|(k, v)| v == w && size_key(k) == Some(true));
                let height = rec
                    .iter()
                    .any(|(k, v)| v == h && size_key(k) == Some(false));
                if width.is_some_and(|(k, _)| height || sole_width(k)) || in_a_row(rec, w, h) {
                    return Some(loc);
                }
            }
        }
        None
    }
}

/// A width and a height one after the other in one array (`[24,8,1366,681]`, Clarity's
/// viewport).
fn in_a_row(rec: &[(String, String)], w: &str, h: &str) -> bool {
    let index = |k: &str| {
        let (prefix, i) = k.rsplit_once('.')?;
        Some((prefix.to_string(), i.parse::<usize>().ok()?))
    };
    rec.windows(2).any(|p| {
        p[0].1 == w
            && p[1].1 == h
            && matches!((index(&p[0].0), index(&p[1].0)), (Some((a, i)), Some((b, j))) if a == b && j == i + 1)
    })
}

/// The last part of a dotted key, lower case, without `$` and `_`.
fn last_key(k: &str) -> String {
    k.rsplit('.')
        .next()
        .unwrap_or(k)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Some(true) for a key that names a width, Some(false) for a height.
fn size_key(k: &str) -> Option<bool> {
    let k = last_key(k);
    let short_w = ["w", "sw", "vw", "bw", "srw", "vpw", "resw"];
    let short_h = ["h", "sh", "vh", "bh", "srh", "vph", "resh"];
    if k.contains("width") || short_w.contains(&k.as_str()) {
        Some(true)
    } else if k.contains("height") || short_h.contains(&k.as_str()) {
        Some(false)
    } else {
        None
    }
}

/// A width key that means a screen or window size even without a height beside it.
fn sole_width(k: &str) -> bool {
    let k = last_key(k);
    k == "w"
        || ["screen", "viewport", "window", "inner", "browser"]
            .iter()
            .any(|x| k.contains(x))
}

/// Request headers the browser sets itself on every request (their values are the browser's,
/// not something a tracker chose to send); `sec-ch-ua*` client hints too.
const BROWSER_HEADERS: [&str; 5] = ["referer", "user-agent", "accept-language", "origin", "host"];

/// What may follow a URL that is a value of its own: the end of a JSON string, parameter,
/// list or line.
const URL_ENDS: &[u8] = b"\"'&,;}]) \t\r\n#|";

/// A URL without its fragment.
fn without_fragment(u: &str) -> &str {
    u.split_once('#').map_or(u, |(a, _)| a)
}

/// A URL from its path on (`https://h/p?q` → `/p?q`); the whole input when it has no `//`.
fn after_authority(u: &[u8]) -> &[u8] {
    let Some(i) = u.windows(3).position(|w| w == b"://") else {
        return u;
    };
    let rest = &u[i + 3..];
    let end = rest
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    &rest[end..]
}

/// The bytes of a base64 value, either alphabet, padded or not.
pub fn base64_decode(v: &str) -> Option<Vec<u8>> {
    let t = v.trim_end_matches('=');
    STANDARD_NO_PAD
        .decode(t)
        .or_else(|_| URL_SAFE_NO_PAD.decode(t))
        .ok()
}

/// The text a base64 value decodes to, when it is one: at least 16 characters of one base64
/// alphabet, decoding to UTF-8 text that starts like JSON or a URL, or holds `=` or `:`.
fn base64_text(v: &str) -> Option<Vec<u8>> {
    if v.len() < 16
        || !v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/-_=".contains(&b))
    {
        return None;
    }
    let b = base64_decode(v)?;
    let text = std::str::from_utf8(&b).ok()?;
    let printable = text.chars().all(|c| !c.is_control() || c.is_whitespace());
    (printable && (text.starts_with(['{', '[']) || text.contains(['=', ':']))).then_some(b)
}

/// [`percent_decode`], borrowing the input when there is nothing to decode.
fn pct(b: &[u8]) -> Cow<'_, [u8]> {
    if b.iter().any(|&c| c == b'%' || c == b'+') {
        Cow::Owned(percent_decode(b))
    } else {
        Cow::Borrowed(b)
    }
}

/// Lengths of the digests the needles hold: MD5, SHA-1, SHA-256, SHA-512 in hex, and in
/// base64 (padded and not; URL-safe has the same lengths).
const DIGEST_LENGTHS: [usize; 12] = [32, 40, 64, 128, 22, 24, 27, 28, 43, 44, 86, 88];

/// Calls `f` with each token of a haystack that could be a digest, and where it starts:
/// within every maximal run of base64 characters (either alphabet, with up to two `=` of
/// padding at its end), each stretch of a digest's length that starts at the run's start or
/// after a `/` or `+` in it, and ends at the run's end (with or without its padding) or before
/// a `/` or `+` (a digest between a path's slashes, or one holding slashes itself). Hex runs
/// are handed over in lower case, as hex digests are kept.
fn digest_tokens(hay: &[u8], mut f: impl FnMut(usize, &[u8])) {
    let b64 = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_');
    let sep = |c: u8| c == b'/' || c == b'+';
    let mut i = 0;
    while i < hay.len() {
        if !b64(hay[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < hay.len() && b64(hay[i]) {
            i += 1;
        }
        let mut end = i;
        while end < hay.len() && end - i < 2 && hay[end] == b'=' {
            end += 1;
        }
        if end - start < 22 {
            continue; // shorter than any digest
        }
        let is_end = |e: usize| e == end || e == i || (e < i && sep(hay[e]));
        let starts =
            std::iter::once(start).chain((start..i).filter(|&p| sep(hay[p])).map(|p| p + 1));
        for s in starts {
            for l in DIGEST_LENGTHS {
                let e = s + l;
                if e > end || !is_end(e) {
                    continue;
                }
                let tok = &hay[s..e];
                if tok.iter().all(u8::is_ascii_hexdigit) && tok.iter().any(u8::is_ascii_uppercase) {
                    f(s, &tok.to_ascii_lowercase());
                } else {
                    f(s, tok);
                }
            }
        }
    }
}

/// Percent-decodes, also turning `+` into a space (form encoding).
pub fn percent_decode(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let h = |c: u8| (c as char).to_digit(16);
                match (h(b[i + 1]), h(b[i + 2])) {
                    (Some(a), Some(c)) => {
                        out.push((a * 16 + c) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::RawRequest;

    /// What `m` finds in `r`, taken apart as the analysis does.
    fn find(m: &Matcher, r: &RawRequest) -> BTreeSet<Leak> {
        let parties = crate::analyze::party::Parties::new("shop.example", None);
        m.find(&RequestView::new(r, &parties).unwrap())
    }

    fn canaries() -> Canaries {
        crate::canary::derive(b"test-secret", "shop.example")
    }

    fn req(url: &str, body: Option<&[u8]>, headers: &[(&str, &str)]) -> RawRequest {
        let text = body.map(|b| String::from_utf8_lossy(b).into_owned());
        let mut r = crate::analyze::decoders::testutil::req(
            if body.is_some() { "POST" } else { "GET" },
            url,
            text.as_deref(),
            None,
        );
        r.body = body.map(<[u8]>::to_vec);
        r.headers = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        r
    }

    fn has(found: &BTreeSet<Leak>, field: &str, encoding: &str, location: &str) -> bool {
        let location = Location::parse(location).expect("a location name");
        found.iter().any(|l| {
            l.field.as_str() == field
                && l.encoding.to_string() == encoding
                && l.location == location
        })
    }

    /// Every encoding in every channel. Each channel carries the value as it would on the
    /// wire (percent-encoded in URLs, form bodies and cookies; as is in JSON and headers).
    /// The canaries in every encoding a tracker sends them: field, encoding, the value.
    fn canary_encodings(c: &Canaries) -> Vec<(&'static str, &'static str, String)> {
        let email_n = c.email.to_lowercase();
        let digits: String = c.phone.chars().filter(char::is_ascii_digit).collect();
        let sha = |s: &str| hex::encode(Sha256::digest(s.as_bytes()));
        let url1: String = url::form_urlencoded::byte_serialize(c.email.as_bytes()).collect();
        let url2: String = url::form_urlencoded::byte_serialize(url1.as_bytes()).collect();
        vec![
            ("plain_email", "plain", c.email.clone()),
            ("plain_email", "url", url1.clone()),
            ("plain_email", "url2", url2),
            ("plain_email", "base64", STANDARD.encode(&c.email)),
            (
                "plain_email",
                if URL_SAFE_NO_PAD.encode(&c.email) == STANDARD_NO_PAD.encode(&c.email) {
                    "base64"
                } else {
                    "base64url"
                },
                URL_SAFE_NO_PAD.encode(&c.email),
            ),
            (
                "hashed_email",
                "md5",
                hex::encode(Md5::digest(email_n.as_bytes())),
            ),
            (
                "hashed_email",
                "sha1",
                hex::encode(Sha1::digest(email_n.as_bytes())),
            ),
            ("hashed_email", "sha256", sha(&email_n)),
            ("hashed_email", "sha256", sha(&email_n).to_uppercase()),
            (
                "hashed_email",
                "sha512",
                hex::encode(Sha512::digest(email_n.as_bytes())),
            ),
            (
                "hashed_email",
                "sha256-b64",
                STANDARD.encode(Sha256::digest(email_n.as_bytes())),
            ),
            (
                "hashed_email",
                "sha256-b64url",
                URL_SAFE_NO_PAD.encode(Sha256::digest(email_n.as_bytes())),
            ),
            ("hashed_email", "sha256(sha256)", sha(&sha(&email_n))),
            ("hashed_phone", "sha256", sha(&digits)),
            ("hashed_phone", "e164-sha256", sha(&format!("+{digits}"))),
            ("plain_phone", "digits", digits.clone()),
            ("search_query", "plain", c.search.clone()),
            ("typed_text", "base64", STANDARD.encode(&c.name)),
        ]
    }

    #[test]
    fn every_encoding_in_every_channel() {
        let c = canaries();
        let m = Matcher::new(&c, &[], |_, _| false);
        let encodings = canary_encodings(&c);
        for (field, enc, value) in encodings {
            let q: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
            let channels: Vec<(RawRequest, &str)> = vec![
                (req(&format!("https://t.example/p?v={q}"), None, &[]), "query"),
                (req(&format!("https://t.example/p/{q}/x"), None, &[]), "path"),
                (req("https://t.example/p", Some(format!("{{\"user\":{{\"v\":\"{value}\"}}}}").as_bytes()), &[("Content-Type", "application/json")]), "body"),
                (req("https://t.example/p", Some(format!("a=1&v={q}").as_bytes()), &[]), "body"),
                (req("https://t.example/p", Some(format!("--b\r\nContent-Disposition: form-data; name=\"v\"\r\n\r\n{value}\r\n--b--").as_bytes()), &[]), "body"),
                (req("https://t.example/p", None, &[("X-Data", &value)]), "header"),
                (req("https://t.example/p", None, &[("Cookie", &format!("a=1; v={q}"))]), "cookie"),
                // The value inside a JSON string inside a query parameter.
                (req(&format!("https://t.example/p?d={}", url::form_urlencoded::byte_serialize(format!("{{\"em\":\"{value}\"}}").as_bytes()).collect::<String>()), None, &[]), "query"),
            ];
            for (r, loc) in channels {
                let found = find(&m, &r);
                assert!(
                    has(&found, field, enc, loc),
                    "{field}/{enc} in {loc} of {} {:?}: found {found:?}",
                    r.url,
                    r.body
                        .as_ref()
                        .map(|b| String::from_utf8_lossy(b).into_owned())
                );
            }
        }
    }

    #[test]
    fn cookie_ids_and_nothing_from_unrelated_traffic() {
        let c = canaries();
        use crate::analyze::decoders::testutil::cookie;
        let cookies = vec![
            cookie("_fbp", "fb.1.1732840000000.1234567890"),
            RawCookie {
                domain: ".shop.example".into(),
                ..cookie("_ga", "GA1.1.987654321.1732840000")
            },
            cookie("x", "1"),
        ];
        let m = Matcher::new(&c, &cookies, |k, _| {
            super::super::decoders::is_id_cookie(&k.name)
        });
        let f = find(
            &m,
            &req(
                "https://www.facebook.com/tr/?id=1&ev=PageView&fbp=fb.1.1732840000000.1234567890",
                None,
                &[],
            ),
        );
        assert!(
            f.iter().any(|l| l.field == Field::CookieId
                && l.detail.as_deref() == Some("_fbp")
                && l.location == Location::Query),
            "{f:?}"
        );
        let f = find(
            &m,
            &req(
                "https://region1.google-analytics.com/g/collect?v=2&cid=987654321.1732840000",
                None,
                &[],
            ),
        );
        assert!(
            f.iter().any(|l| l.detail.as_deref() == Some("_ga")),
            "{f:?}"
        );
        let clean = find(
            &m,
            &req(
                "https://fonts.example/css?family=Roboto",
                None,
                &[("Referer", "https://shop.example/")],
            ),
        );
        assert!(clean.is_empty(), "{clean:?}");
    }

    use crate::analyze::decoders::testutil::cookie;

    /// A request, the field it carries, in which encoding, and where.
    type Case = (RawRequest, &'static str, &'static str, &'static str);

    /// Requests carrying the page's URL in the forms issue 11 lists: the request, field,
    /// encoding and where.
    fn page_url_cases(page: &str) -> Vec<Case> {
        let enc = |v: &str| url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
        let get = |url: String| req(&url, None, &[]);
        let post = |body: String, ctype: &str| {
            req(
                "https://t.example/c",
                Some(body.as_bytes()),
                &[("Content-Type", ctype)],
            )
        };
        let b64json = STANDARD.encode(format!("{{\"href\":\"{page}\",\"n\":1}}"));
        let json = "application/json";
        vec![
            (
                get(format!(
                    "https://t.example/b?u={}",
                    enc("shop.example/p/lamp?x=1")
                )),
                "page_url",
                "no-scheme",
                "query",
            ),
            (
                post(format!("{{\"loc\":\"{}\"}}", enc(&enc(page))), "text/plain"),
                "page_url",
                "url2",
                "body",
            ),
            (
                post(
                    format!("{{\"loc\":\"{}\"}}", page.replace('/', "%2F")),
                    json,
                ),
                "page_url",
                "url",
                "body",
            ),
            (
                post(
                    format!("{{\"loc\":\"{}\"}}", page.replace('/', "\\/")),
                    json,
                ),
                "page_url",
                "plain",
                "body",
            ),
            (
                get(format!("https://t.example/p?d={}", enc(&b64json))),
                "page_url",
                "base64",
                "query",
            ),
            (
                get(format!(
                    "https://t.example/s?h=shop.example&p={}",
                    enc("/p/lamp")
                )),
                "page_url",
                "split",
                "query",
            ),
        ]
    }

    /// Requests carrying the page's title, sizes, language and `user_agent`.
    fn page_env_cases(user_agent: &str) -> Vec<Case> {
        let enc = |v: &str| url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
        let get = |url: String| req(&url, None, &[]);
        vec![
            (
                get(format!("https://t.example/b?t={}", enc("Lamps and more"))),
                "page_title",
                "plain",
                "query",
            ),
            (
                get("https://t.example/b?sr=1280x720&vp=1280x633".into()),
                "screen",
                "plain",
                "query",
            ),
            (
                get("https://t.example/b?lang=en-US".into()),
                "language",
                "plain",
                "query",
            ),
            (
                req(
                    "https://t.example/b",
                    Some(format!("{{\"ua\":\"{user_agent}\"}}").as_bytes()),
                    &[("Content-Type", "application/json")],
                ),
                "user_agent",
                "plain",
                "body",
            ),
        ]
    }

    /// The page's own values in every form issue 11 lists, for a vendor nothing knows: the
    /// page URL without its scheme, twice encoded inside JSON, with only its slashes
    /// encoded, inside base64 JSON and split over two parameters; title, screen, language
    /// and User-Agent; and none of it in what the browser sends by itself.
    #[test]
    fn page_values_are_found_in_every_form() {
        let c = canaries();
        let page = "https://shop.example/p/lamp?x=1";
        let env = PageEnv {
            title: "Lamps and more".into(),
            referrer: String::new(),
            user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36".into(),
            languages: vec!["en-US".into()],
            screen: [1280, 720],
            viewport: [1280, 633],
        };
        let pages = PageValues {
            urls: vec![page],
            envs: vec![&env],
            storage: Vec::new(),
        };
        let m = Matcher::with_pages(&c, &[], |_, _| false, &pages);
        let mut cases = page_url_cases(page);
        cases.extend(page_env_cases(&env.user_agent));
        for (r, field, encoding, location) in cases {
            let found = find(&m, &r);
            assert!(
                has(&found, field, encoding, location),
                "{field}/{encoding} in {}: {found:?}",
                r.url
            );
        }
        // What the browser sends with every request, and a first-party request's own
        // address, carry nothing.
        let browser = req(
            "https://shop.example/p/lamp?x=1",
            None,
            &[
                ("User-Agent", &env.user_agent),
                ("Accept-Language", "en-US,en;q=0.9"),
                ("Referer", page),
                ("Origin", "https://shop.example"),
                ("sec-ch-ua-platform", "\"Linux\""),
            ],
        );
        assert!(find(&m, &browser).is_empty(), "{:?}", find(&m, &browser));
        // An unrelated number pair, a language inside a word, are not the screen or language.
        assert!(
            find(
                &m,
                &req("https://t.example/b?v=1280x7200&q=ten-USD", None, &[])
            )
            .iter()
            .all(|l| l.field != Field::Language)
        );
    }

    /// Cookie values: the dotted tail (`_gcl_au` as Floodlight's `auiddc` sends it), the
    /// `id` inside a base64-JSON cookie with a per-site suffix (Hotjar's), an ID-shaped cookie
    /// no decoder names; not a consent record.
    #[test]
    fn cookie_values_by_their_parts() {
        let c = canaries();
        // As a script's encodeURIComponent stores it: the padding percent-encoded.
        let hj = STANDARD
            .encode(r#"{"id":"8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","created":1732840000000,"existing":false}"#)
            .replace('=', "%3D");
        let cookies = vec![
            cookie("_gcl_au", "1.1.890045014.1556389977"),
            cookie("_hjSessionUser_3456789", &hj),
            cookie("_nvm_uid", "nv8k2j4h5g1732840000000"),
            cookie(
                "OptanonConsent",
                "isGpcEnabled=0&datestamp=Fri+Nov+29+2026&version=202401.1.0&groups=C0001%3A1",
            ),
        ];
        let m = Matcher::new(&c, &cookies, |k, v| {
            is_visitor_id(k, v, super::super::decoders::is_id_cookie)
        });
        let detail = |r: RawRequest| -> BTreeSet<String> {
            find(&m, &r).into_iter().filter_map(|l| l.detail).collect()
        };
        assert_eq!(
            detail(req(
                "https://ad.example/activityi;src=1;auiddc=890045014.1556389977;ord=1?",
                None,
                &[]
            )),
            BTreeSet::from(["_gcl_au".to_string()])
        );
        assert_eq!(
            detail(req(
                "https://t.example/r?uid=8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                None,
                &[]
            )),
            BTreeSet::from(["_hjSessionUser_3456789".to_string()])
        );
        assert_eq!(
            detail(req(
                "https://t.example/r?v=nv8k2j4h5g1732840000000",
                None,
                &[]
            )),
            BTreeSet::from(["_nvm_uid".to_string()])
        );
        let values = |c: &RawCookie| cookie_values(&c.value);
        assert!(!is_visitor_id(&cookies[3], &values(&cookies[3]), |_| false));
        assert!(is_visitor_id(&cookies[1], &values(&cookies[1]), |n| n == "_hjSessionUser"));
        for v in [
            "1732840000",
            "aaaaaaaaaa",
            "https://x.example/1",
            "short1",
            "accepted_all",
        ] {
            assert!(!looks_like_id(v), "{v}");
        }
        assert!(looks_like_id("fb.1.1732840000000.1234567890"));
        // Values made of parts: Clarity's `_clck`, FullStory's `fs_uid`.
        assert!(cookie_values("k3j9x2q417%7C2%7Cfq1%7C0%7C1").contains(&"k3j9x2q417".to_string()));
        let fs =
            cookie_values("%23o-DEMO-na1%234861932077214550123%3A5129034412345678901%2F1732840000");
        assert!(fs.contains(&"4861932077214550123".to_string()), "{fs:?}");
    }

    /// IDs at any position of a structured cookie: Snowplow's `_sp_id.<x>`
    /// (`duid.created.visits.now.last.session`, the format of snowplow/snowplow-javascript-tracker
    /// `trackers/browser-tracker-core/src/tracker/id_cookie.ts`) and Datadog RUM's `_dd_s`
    /// (`rum=0&id=<uuid>&created=…&expire=…`, DataDog/browser-sdk
    /// `packages/core/src/domain/session/sessionState.ts`); never the counters or times.
    #[test]
    fn ids_anywhere_in_a_structured_cookie() {
        let sp = cookie_values(
            "9f1c1f1e-4b8e-4d2b-9a57-3c4e0b1d2f6a.1765012345.3.1765012399.1765012301.2e6c7d3a-1f4b-4c8e-8d2f-0a9b8c7d6e5f",
        );
        assert!(
            sp.contains(&"9f1c1f1e-4b8e-4d2b-9a57-3c4e0b1d2f6a".to_string()),
            "{sp:?}"
        );
        assert!(
            sp.contains(&"2e6c7d3a-1f4b-4c8e-8d2f-0a9b8c7d6e5f".to_string()),
            "{sp:?}"
        );
        assert!(!sp.iter().any(|v| v == "1765012345" || v == "3"), "{sp:?}");
        let dd = cookie_values(
            "rum=0&id=5b9a1c2d-0e3f-4a5b-8c6d-7e8f9a0b1c2d&created=1765012345678&expire=1765013245678",
        );
        assert!(
            dd.contains(&"5b9a1c2d-0e3f-4a5b-8c6d-7e8f9a0b1c2d".to_string()),
            "{dd:?}"
        );
        assert!(!dd.iter().any(|v| v.starts_with("176501")), "{dd:?}");
    }

    /// The IDs SDKs keep in first-party storage, found as `storage_id` with the key: PostHog's
    /// `ph_<token>_posthog` JSON (`distinct_id`, `$device_id`; PostHog/posthog-js
    /// `src/posthog-persistence.ts`), Segment's `ajs_anonymous_id` (a JSON string;
    /// segmentio/analytics-next `packages/browser/src/core/user/index.ts`), Amplitude's
    /// `AMP_<key>` (`deviceId`; amplitude/Amplitude-TypeScript `packages/analytics-core`),
    /// never configuration under a key that says so.
    #[test]
    fn storage_ids_are_found_with_their_key() {
        let c = canaries();
        let item = |key: &str, value: &str| RawStorage {
            page: 0,
            origin: "https://shop.example".into(),
            area: crate::capture::StorageArea::Local,
            key: key.into(),
            value: value.into(),
            truncated: false,
        };
        let items = [
            item(
                "ph_phc_TEST1234567890abcdef_posthog",
                r#"{"distinct_id":"019a3b7c-5d2e-7f10-a1b2-c3d4e5f60718","$device_id":"019a3b7c-5d2e-7f10-a1b2-c3d4e5f60718","$sesid":[1765012345678,"019a3b7c-aaaa-7f10-a1b2-c3d4e5f60719",1765012345000],"$user_state":"anonymous"}"#,
            ),
            item(
                "ajs_anonymous_id",
                r#""6e0d2c8a-9b1f-4a3e-b5c7-d8e9f0a1b2c3""#,
            ),
            item(
                "AMP_4f2a9c1b07",
                r#"{"deviceId":"d7e3a1b0-2c4f-4e5a-9b8c-1d2e3f4a5b6c","sessionId":1765012345678,"optOut":false}"#,
            ),
            item(
                "app_config",
                r#"{"api_key":"phc_TEST1234567890abcdef","build_hash":"a1b2c3d4e5f6"}"#,
            ),
        ];
        let vals: Vec<String> = items.iter().flat_map(storage_values).collect();
        for want in [
            "019a3b7c-5d2e-7f10-a1b2-c3d4e5f60718",
            "6e0d2c8a-9b1f-4a3e-b5c7-d8e9f0a1b2c3",
            "d7e3a1b0-2c4f-4e5a-9b8c-1d2e3f4a5b6c",
        ] {
            assert!(vals.iter().any(|v| v == want), "{want} not in {vals:?}");
        }
        assert!(
            !vals
                .iter()
                .any(|v| v.starts_with("phc_") || v == "a1b2c3d4e5f6"),
            "{vals:?}"
        );
        let pages = PageValues {
            storage: items.iter().collect(),
            ..Default::default()
        };
        let m = Matcher::with_pages(&c, &[], |_, _| false, &pages);
        let r = req(
            "https://us.i.posthog.com/e/",
            Some(br#"{"event":"$pageview","properties":{"distinct_id":"019a3b7c-5d2e-7f10-a1b2-c3d4e5f60718","token":"phc_TEST1234567890abcdef"}}"#),
            &[("Content-Type", "application/json")],
        );
        let found = find(&m, &r);
        let ids: Vec<_> = found
            .iter()
            .filter(|l| l.field == Field::StorageId)
            .collect();
        assert_eq!(ids.len(), 1, "{found:?}");
        assert_eq!(
            ids[0].detail.as_deref(),
            Some("local:ph_phc_TEST1234567890abcdef_posthog")
        );
    }

    /// Sizes sent as numbers of their own: Mixpanel's `$screen_width`/`$screen_height`
    /// (mixpanel/mixpanel-js `src/utils.js` `_.info.properties`), RudderStack's
    /// `context.screen.width`/`height`, Plausible's lone `w`
    /// (plausible/analytics `tracker/src/plausible.js`); a lone `width` of an image is not.
    #[test]
    fn sizes_sent_as_two_numbers_are_the_screen() {
        let c = canaries();
        let env = PageEnv {
            screen: [1366, 768],
            viewport: [1366, 683],
            ..Default::default()
        };
        let pages = PageValues {
            envs: vec![&env],
            ..Default::default()
        };
        let m = Matcher::with_pages(&c, &[], |_, _| false, &pages);
        let json = |b: &str| {
            req(
                "https://t.example/c",
                Some(b.as_bytes()),
                &[("Content-Type", "application/json")],
            )
        };
        for (r, want) in [
            (
                json(r#"{"event":"x","properties":{"$screen_width":1366,"$screen_height":768}}"#),
                true,
            ),
            (
                json(r#"{"context":{"screen":{"width":1366,"height":683,"density":1}}}"#),
                true,
            ),
            (
                json(r#"{"n":"pageview","u":"https://shop.example/","w":1366}"#),
                true,
            ),
            (req("https://t.example/p?vw=1366&vh=683", None, &[]), true),
            (json(r#"{"img":{"width":1366,"alt":"hero"}}"#), false),
            (json(r#"{"width":1366,"height":900}"#), false),
        ] {
            let found = find(&m, &r);
            assert_eq!(
                found.iter().any(|l| l.field == Field::Screen),
                want,
                "{:?}: {found:?}",
                String::from_utf8_lossy(r.body.as_deref().unwrap_or(r.url.as_bytes()))
            );
        }
    }

    /// The URL of a page the visitor saw before, sent whole from a later page, is the referrer
    /// (PostHog's `$referrer`, Snowplow's `refr`); the start of the page's own longer URL, or
    /// the URL of a page seen after it (an `<a ping>`'s `Ping-To`), is not.
    #[test]
    fn an_earlier_pages_url_is_the_referrer() {
        let c = canaries();
        let (front, results, next) = (
            "https://shop.example/",
            "https://shop.example/search?q=lamp+shade",
            "https://shop.example/news",
        );
        let pages = PageValues {
            urls: vec![front, results, next],
            ..Default::default()
        };
        let m = Matcher::with_pages(&c, &[], |_, _| false, &pages);
        let from = |doc: &str, body: &str| {
            let mut r = req(
                "https://t.example/e",
                Some(body.as_bytes()),
                &[("Content-Type", "application/json")],
            );
            r.frame_url = doc.into();
            find(&m, &r)
                .into_iter()
                .map(|l| l.field.as_str())
                .collect::<BTreeSet<_>>()
        };
        let both = BTreeSet::from(["page_url", "referrer"]);
        assert_eq!(
            from(results, &format!(r#"{{"u":"{results}","r":"{front}"}}"#)),
            both
        );
        assert_eq!(
            from(next, &format!(r#"{{"u":"{next}","r":"{front}"}}"#)),
            both
        );
        // The front page's URL is the start of the results page's own (decoded `+` is a space).
        assert_eq!(
            from(
                results,
                r#"{"u":"https://shop.example/search?q=lamp shade"}"#
            ),
            BTreeSet::from(["page_url"])
        );
        // A later page's URL sent from the front page is no referrer.
        assert_eq!(
            from(front, &format!(r#"{{"to":"{next}"}}"#)),
            BTreeSet::from(["page_url"])
        );
    }

    /// Visitor IDs in the shapes real SDKs keep them: Amplitude's `AMP_<key>` cookie (base64 of
    /// percent-encoded JSON; amplitude/Amplitude-TypeScript `packages/analytics-core`
    /// `storage/cookie.ts`), Clarity's `_clck` (`<id>^2^<day>^0^<n>`, percent-encoded;
    /// microsoft/clarity `packages/clarity-js/src/data/metadata.ts`), mParticle's `mprtcl-v4`
    /// (JSON written with `'` and `|`; mParticle/mparticle-web-sdk `src/persistence.js`), whose
    /// device stamp `das` is a UUID under a key that does not say "id"; its API key (`dt`) is
    /// not taken for one.
    #[test]
    fn sdk_visitor_ids_in_their_own_shapes() {
        let amp = STANDARD.encode(r#"%7B%22deviceId%22%3A%229064c49e-fc1c-42a5-a354-503de6edc4c8%22%2C%22sessionId%22%3A1796582965740%7D"#);
        assert!(cookie_values(&amp).contains(&"9064c49e-fc1c-42a5-a354-503de6edc4c8".to_string()));
        assert!(cookie_values("1ollwft%5E2%5Egbr%5E0%5E0").contains(&"1ollwft".to_string()));
        let mp = RawStorage {
            page: 0,
            origin: "https://shop.example".into(),
            area: crate::capture::StorageArea::Local,
            key: "mprtcl-v4".into(),
            value: "{'gs':{'ie':1|'dt':'us1-5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d'|'das':'ac94b67f-9532-4b33-a847-da306a951375'|'les':1796583010928}|'l':1}".into(),
            truncated: false,
        };
        let v = storage_values(&mp);
        assert!(
            v.contains(&"ac94b67f-9532-4b33-a847-da306a951375".to_string()),
            "{v:?}"
        );
        assert!(!v.iter().any(|x| x.starts_with("us1-")), "{v:?}");
    }

    /// Sizes inside a JSON parameter (Mixpanel's `data=[{…"$screen_width":800…}]`,
    /// mixpanel/mixpanel-js `src/request-batcher.js`) and as neighbours in an array (Clarity's
    /// `[24,8,1366,681]` dimension event, microsoft/clarity `src/layout/dimension.ts`).
    #[test]
    fn sizes_inside_json_parameters_and_arrays() {
        let c = canaries();
        let env = PageEnv {
            screen: [800, 600],
            viewport: [1366, 681],
            ..Default::default()
        };
        let pages = PageValues {
            envs: vec![&env],
            ..Default::default()
        };
        let m = Matcher::with_pages(&c, &[], |_, _| false, &pages);
        let enc = |v: &str| url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
        let mix = format!(
            "data={}",
            enc(
                r#"[{"event":"$mp_web_page_view","properties":{"$screen_height":600,"$screen_width":800}}]"#
            )
        );
        let clarity = r#"{"e":["0.8.70",1],"a":[[24,8,1366,681],[27,28,1]]}"#;
        for body in [mix.as_str(), clarity] {
            let r = req(
                "https://t.example/c",
                Some(body.as_bytes()),
                &[("Content-Type", "text/plain")],
            );
            assert!(
                find(&m, &r).iter().any(|l| l.field == Field::Screen),
                "{body}"
            );
        }
        let r = req(
            "https://t.example/c",
            Some(br#"{"a":[[1366,5,681]]}"#),
            &[("Content-Type", "text/plain")],
        );
        assert!(!find(&m, &r).iter().any(|l| l.field == Field::Screen));
    }

    /// What travels compressed is found as if it had not been, where the analysis decoded
    /// it: the e-mail in a PostHog batch gzipped as posthog-js sends it (`text/plain`, no
    /// header), the typed name in a Sentry replay recording (zlib after a JSON line, inside
    /// its envelope), the hashed e-mail in a base64 body of gzip. A base64 body of plain
    /// JSON is still read as base64.
    #[test]
    fn values_inside_compressed_bodies_are_found() {
        use flate2::write::{GzEncoder, ZlibEncoder};
        use std::io::Write;
        let c = canaries();
        let m = Matcher::new(&c, &[], |_, _| false);
        let gzip = |s: &str| {
            let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(s.as_bytes()).unwrap();
            e.finish().unwrap()
        };
        let posthog = format!(
            r#"{{"api_key":"phc_x","batch":[{{"event":"$identify","properties":{{"$current_url":"https://shop.example/"}},"$set":{{"email":"{}"}}}}],"sent_at":"2026-12-06T10:15:02.120Z"}}"#,
            c.email
        );
        let r = req(
            "https://us.i.posthog.com/e/?ip=0&_=1765016102120&ver=1.449.2",
            Some(&gzip(&posthog)),
            &[("Content-Type", "text/plain")],
        );
        let found = find(&m, &r);
        assert!(has(&found, "plain_email", "plain", "body"), "{found:?}");
        let mut recording = ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        write!(
            recording,
            r#"[{{"type":3,"data":{{"source":5,"text":"{}","id":42}},"timestamp":1765016102118}}]"#,
            c.name
        )
        .unwrap();
        let mut payload = b"{\"segment_id\":0}\n".to_vec();
        payload.extend(recording.finish().unwrap());
        let mut envelope = format!(
            "{{\"event_id\":\"0a1b2c3d\",\"sent_at\":\"2026-12-06T10:15:07.000Z\"}}\n{{\"type\":\"replay_recording\",\"length\":{}}}\n",
            payload.len()
        )
        .into_bytes();
        envelope.extend(payload);
        let r = req(
            "https://o1.ingest.sentry.io/api/2/envelope/?sentry_key=abc&sentry_version=7",
            Some(&envelope),
            &[],
        );
        assert!(has(&find(&m, &r), "typed_text", "plain", "body"));
        let hashed = hex::encode(Sha256::digest(c.email.to_lowercase().as_bytes()));
        let b64 = STANDARD.encode(gzip(&format!(r#"{{"em":"{hashed}"}}"#)));
        let r = req("https://t.example/b", Some(b64.as_bytes()), &[]);
        assert!(has(&find(&m, &r), "hashed_email", "sha256", "body"));
        let b64 = STANDARD.encode(format!(r#"{{"em":"{}"}}"#, c.email));
        let r = req("https://t.example/b", Some(b64.as_bytes()), &[]);
        assert!(has(&find(&m, &r), "plain_email", "base64", "body"));
    }

    /// A real request carrying base64 JSON: Medallia's (Kampyle) page-view pixel as a
    /// browser sent it on perf.lowes.com (a public NetStorm load-test recording on GitHub;
    /// the library's file 3209732119). No decoder knows it; the page URL, the screen and the
    /// visitor's ID inside it are found by value, as `base64`, where it travelled.
    #[test]
    fn a_real_base64_json_pixel_is_read_by_value() {
        let c = canaries();
        let env = PageEnv {
            title: "smart".into(),
            screen: [8192, 4096],
            ..Default::default()
        };
        let pages = PageValues {
            urls: vec!["https://perf.lowes.com/"],
            envs: vec![&env],
            storage: Vec::new(),
        };
        let mut uid = cookie("kampyle_userid", "9edc-05ae-26e0-8b65-85f9-6b93-c7bb-bd89");
        uid.domain = "perf.lowes.com".into();
        let m = Matcher::with_pages(&c, &[uid], |k, v| is_visitor_id(k, v, |_| false), &pages);
        let r = req(
            "https://udc-neb.kampyle.com/egw/5/qceuv8449dzg58ptt1bhda9g8ue19c7s/track/__cool.gif?data=eyJldmVudHMiOiBbCiAgICB7InNlc3Npb25fc2NyZWVuX3NpemUiOiAiODE5Mng0MDk2Iiwic2Vzc2lvbl9kdWEiOiAiU09BU1RBIiwic2Vzc2lvbl9wbGF0Zm9ybSI6ICJMaW51eCB4ODZfNjQiLCJwYWdlX3RpdGxlIjogInNtYXJ0IiwicGFnZV91cmwiOiAiaHR0cHM6Ly9wZXJmLmxvd2VzLmNvbS8iLCJ0cmFja2VyX3R5cGUiOiAiamF2YXNjcmlwdCIsInRyYWNrZXJfdmVyc2lvbiI6ICIyLjIuMjMiLCJldmVudF9uYW1lIjogIm5lYnVsYV9wYWdlX3ZpZXciLCJldmVudF90aW1lc3RhbXBfZXBvY2giOiAiMTY3Mzg0OTU2MTgzNiIsImV2ZW50X3RpbWV6b25lX29mZnNldCI6IC02LCJ1c2VyX2lkIjogIjE4NWI5MzU2MmRjNjFlLTAzMGVkOTY5NWJmY2JhLTUzNGYxNTEyLTIwMDAwMDAtMTg1YjkzNTYyZGQ4OGQiLCJlbnZpcm9tZW50IjogImRpZ2l0YWwtY2xvdWQtdXMtbWFpbiIsImFjY291bnRJZCI6IDM5MjMzNywidXJsIjogImh0dHBzOi8vcGVyZi5sb3dlcy5jb20vIiwid2Vic2l0ZUlkIjogNTYwOTYxLCJmb3JtSWQiOiBudWxsLCJmb3JtVHJpZ2dlclR5cGUiOiBudWxsLCJrYW1weWxlX2RhdGEiOiB7Im1kX2lzU3VydmV5U3VibWl0dGVkSW5TZXNzaW9uIjogIiIsIkxBU1RfSU5WSVRBVElPTl9WSUVXIjogIiIsIkRFQ0xJTkVEX0RBVEUiOiAiIiwia2FtcHlsZUludml0ZVByZXNlbnRlZCI6ICIiLCJrYW1weWxlX3VzZXJpZCI6ICI5ZWRjLTA1YWUtMjZlMC04YjY1LTg1ZjktNmI5My1jN2JiLWJkODkiLCJrYW1weWxlVXNlclNlc3Npb24iOiAiMTY3Mzg0OTU2MTgyOSIsImthbXB5bGVVc2VyUGVyY2VudGlsZSI6ICIiLCJTVUJNSVRURURfREFURSI6ICIifSwiY29va2llX3NpemUiOiAxOTk4LCJrYW1weWxlX3ZlcnNpb24iOiAiMi40Ny4zIiwib25zaXRlX3ZlcnNpb24iOiAiMi40Ny4zIiwiaGlzdG9yeV9sZW5ndGgiOiAyLCJldmVudF9sb2NhbF90aW1lc3RhbXAiOiAxNjczODQ5NTYxODM1LCJwb3NpdGlvbiI6IG51bGwsImlzVXNlcklkZW50aWZpZWQiOiBmYWxzZSwiZmVlZGJhY2tfY29ycmVsYXRpb25fdXVpZCI6IG51bGx9Cl19",
            None,
            &[],
        );
        let found = find(&m, &r);
        for field in ["page_url", "screen", "cookie_id"] {
            assert!(has(&found, field, "base64", "query"), "{field}: {found:?}");
        }
        // The title "smart" is too short to be looked for.
        assert!(found.iter().all(|l| l.field != Field::PageTitle));
    }
}
