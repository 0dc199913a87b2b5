//! What the SDK web's server really received, decoded on the server's side: written apart
//! from the crate's analysis (it shares none of its code), so the datasets can be held to it.
//!
//! Per vendor request, [`decode`] undoes its transport — gzip (by header or by its bytes),
//! zlib and raw deflate, base64, form fields, multipart parts, newline-delimited JSON, Sentry
//! envelopes, JSON inside JSON strings — down to leaves (every string and number with its key
//! path, and whether a compressed layer was undone on the way). [`fields`] then finds, by
//! value, the facts the crawl knows ([`Facts`]): the typed canaries (plain and hashed), the
//! page URLs, referrer, titles, User-Agent, language, screen and viewport sizes (a string
//! `WxH` or the two numbers in one object or array), each under pixelcensus's canonical field
//! name. [`visitor_ids`] reads each SDK's own visitor ID from the requests by its key.

use super::Sdk;
use base64::Engine;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

/// One string or number of a request, with where it was.
#[derive(Clone, Debug, PartialEq)]
pub struct Leaf {
    /// Key path: JSON keys and array indices joined by `.`, `?name` for a query parameter,
    /// `part:name` for a multipart part, `item:type` for an envelope item.
    pub path: String,
    /// The value as text (a number as JSON writes it).
    pub text: String,
    /// A gzip, zlib or deflate layer was undone to reach it.
    pub compressed: bool,
}

/// A request decoded.
#[derive(Clone, Debug, Default)]
pub struct Decoded {
    /// Every string and number.
    pub leaves: Vec<Leaf>,
    /// The numbers of each object or array (or query string) together, for sizes sent as
    /// two numbers; with the compressed flag.
    pub groups: Vec<(Vec<f64>, bool)>,
    /// The layers undone (`gzip`, `zlib`, `deflate`, `base64`, `form`, `multipart`,
    /// `ndjson`, `envelope`, `json-in-string`).
    pub layers: BTreeSet<&'static str>,
}

/// At most this many bytes come out of one decompression (a bomb stops there).
const MAX_INFLATED: u64 = 64 << 20;

fn inflate(mut r: impl Read) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    (&mut r).take(MAX_INFLATED).read_to_end(&mut out).ok()?;
    (!out.is_empty()).then_some(out)
}

/// Undoes gzip, zlib or raw deflate when the bytes are one of them.
fn decompress(b: &[u8]) -> Option<(&'static str, Vec<u8>)> {
    if b.starts_with(&[0x1f, 0x8b]) {
        return inflate(flate2::read::MultiGzDecoder::new(b)).map(|v| ("gzip", v));
    }
    let zlib_head =
        b.len() > 2 && b[0] & 0x0f == 8 && (u16::from(b[0]) << 8 | u16::from(b[1])) % 31 == 0;
    if zlib_head && let Some(v) = inflate(flate2::read::ZlibDecoder::new(b)) {
        return Some(("zlib", v));
    }
    None
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Decodes one request the server logged: its query string and its body.
pub fn decode(req: &crate::Logged) -> Decoded {
    let mut d = Decoded::default();
    if let Some((_, q)) = req.path.split_once('?') {
        d.form(q.as_bytes(), "?", false);
    }
    let mut body = req.body.clone();
    let mut compressed = false;
    match header(&req.headers, "content-encoding").map(str::to_ascii_lowercase) {
        Some(e) if e.contains("gzip") => {
            if let Some(v) = inflate(flate2::read::MultiGzDecoder::new(&body[..])) {
                (body, compressed) = (v, true);
                d.layers.insert("gzip");
            }
        }
        Some(e) if e.contains("deflate") => {
            let v = inflate(flate2::read::ZlibDecoder::new(&body[..]))
                .or_else(|| inflate(flate2::read::DeflateDecoder::new(&body[..])));
            if let Some(v) = v {
                (body, compressed) = (v, true);
                d.layers.insert("deflate");
            }
        }
        _ => {}
    }
    let ctype = header(&req.headers, "content-type").unwrap_or("");
    if let Some(boundary) = ctype
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
    {
        d.layers.insert("multipart");
        d.multipart(&body, boundary.trim_matches('"'), compressed);
    } else if ctype.contains("x-www-form-urlencoded") {
        d.form(&body, "", compressed);
    } else {
        d.bytes(&body, "", compressed, 0);
    }
    d
}

impl Decoded {
    fn leaf(&mut self, path: &str, text: String, compressed: bool) {
        self.leaves.push(Leaf {
            path: path.to_string(),
            text,
            compressed,
        });
    }

    /// Any bytes: compressed, an envelope, JSON, NDJSON, form fields, base64, or text.
    fn bytes(&mut self, b: &[u8], path: &str, compressed: bool, depth: u8) {
        if b.is_empty() || depth > 6 {
            return;
        }
        if let Some((layer, v)) = decompress(b) {
            self.layers.insert(layer);
            return self.bytes(&v, path, true, depth + 1);
        }
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(b) {
            return self.json(&v, path, compressed, depth);
        }
        if self.envelope(b, path, compressed, depth) {
            return;
        }
        let Ok(text) = std::str::from_utf8(b) else {
            return;
        };
        let t = text.trim();
        let lines: Vec<_> = t.lines().filter(|l| !l.trim().is_empty()).collect();
        let json_lines: Vec<serde_json::Value> = lines
            .iter()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        if lines.len() > 1 && json_lines.len() == lines.len() {
            self.layers.insert("ndjson");
            for (i, v) in json_lines.iter().enumerate() {
                self.json(v, &format!("{path}{i}"), compressed, depth);
            }
            return;
        }
        if let Some(raw) = base64_text(t) {
            self.layers.insert("base64");
            return self.bytes(&raw, path, compressed, depth + 1);
        }
        if t.contains('=') && !t.contains(' ') && !t.contains('{') {
            return self.form(t.as_bytes(), path, compressed);
        }
        self.leaf(path, text.to_string(), compressed);
    }

    fn json(&mut self, v: &serde_json::Value, path: &str, compressed: bool, depth: u8) {
        use serde_json::Value;
        let join = |k: &str| {
            if path.is_empty() || path.ends_with(':') || path.ends_with('?') {
                format!("{path}{k}")
            } else {
                format!("{path}.{k}")
            }
        };
        match v {
            Value::String(s) => {
                let nested = s.trim_start().starts_with(['{', '['])
                    && serde_json::from_str::<Value>(s)
                        .is_ok_and(|n| n.is_object() || n.is_array());
                if nested && depth < 6 {
                    self.layers.insert("json-in-string");
                    let n: Value = serde_json::from_str(s).expect("checked");
                    self.json(&n, path, compressed, depth + 1);
                } else if let Some(raw) = base64_text(s).filter(|_| depth < 6) {
                    self.layers.insert("base64");
                    self.bytes(&raw, path, compressed, depth + 1);
                }
                self.leaf(path, s.clone(), compressed);
            }
            Value::Number(n) => self.leaf(path, n.to_string(), compressed),
            Value::Bool(_) | Value::Null => {}
            Value::Array(a) => {
                self.group(a.iter(), compressed);
                for (i, x) in a.iter().enumerate() {
                    self.json(x, &join(&i.to_string()), compressed, depth);
                }
            }
            Value::Object(o) => {
                self.group(o.values(), compressed);
                for (k, x) in o {
                    self.json(x, &join(k), compressed, depth);
                }
            }
        }
    }

    fn group<'a>(&mut self, vals: impl Iterator<Item = &'a serde_json::Value>, compressed: bool) {
        let nums: Vec<f64> = vals.filter_map(|v| v.as_f64()).collect();
        if nums.len() >= 2 {
            self.groups.push((nums, compressed));
        }
    }

    /// `a=1&b=2`: each value decoded further, the numbers as one group.
    fn form(&mut self, b: &[u8], path: &str, compressed: bool) {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(b).into_owned().collect();
        if path.is_empty() {
            self.layers.insert("form");
        }
        let nums: Vec<f64> = pairs.iter().filter_map(|(_, v)| v.parse().ok()).collect();
        if nums.len() >= 2 {
            self.groups.push((nums, compressed));
        }
        for (k, v) in pairs {
            let p = format!("{path}{k}");
            let t = v.trim();
            if t.starts_with(['{', '[']) || base64_text(t).is_some() {
                self.bytes(v.as_bytes(), &p, compressed, 1);
            }
            self.leaf(&p, v, compressed);
        }
    }

    /// multipart/form-data: each part by its name.
    fn multipart(&mut self, b: &[u8], boundary: &str, compressed: bool) {
        let sep = format!("--{boundary}");
        for part in split_bytes(b, sep.as_bytes()) {
            let Some(head_end) = find(part, b"\r\n\r\n") else {
                continue;
            };
            let head = String::from_utf8_lossy(&part[..head_end]);
            let name = head
                .split(';')
                .find_map(|p| p.trim().strip_prefix("name="))
                .map(|n| n.split(['\r', '\n']).next().unwrap_or(n).trim_matches('"'))
                .unwrap_or("")
                .to_string();
            let mut data = &part[head_end + 4..];
            if data.ends_with(b"\r\n") {
                data = &data[..data.len() - 2];
            }
            self.bytes(data, &format!("part:{name}:"), compressed, 1);
        }
    }

    /// A Sentry envelope: a header line, then items, each a header line (with `length`
    /// when its payload is binary) and its payload. False when `b` is no envelope.
    fn envelope(&mut self, b: &[u8], path: &str, compressed: bool, depth: u8) -> bool {
        let Some(nl) = b.iter().position(|c| *c == b'\n') else {
            return false;
        };
        let Ok(head) = serde_json::from_slice::<serde_json::Value>(&b[..nl]) else {
            return false;
        };
        if !head.is_object() || !(head.get("sent_at").is_some() || head.get("dsn").is_some()) {
            return false;
        }
        self.layers.insert("envelope");
        self.json(&head, &format!("{path}envelope:"), compressed, depth);
        let mut rest = &b[nl + 1..];
        while !rest.is_empty() {
            let end = rest.iter().position(|c| *c == b'\n').unwrap_or(rest.len());
            let Ok(item) = serde_json::from_slice::<serde_json::Value>(&rest[..end]) else {
                break;
            };
            rest = rest.get(end + 1..).unwrap_or(&[]);
            let len = item["length"]
                .as_u64()
                .map(|l| l as usize)
                .unwrap_or_else(|| rest.iter().position(|c| *c == b'\n').unwrap_or(rest.len()));
            let payload = &rest[..len.min(rest.len())];
            rest = rest.get(len..).unwrap_or(&[]);
            rest = rest.strip_prefix(b"\n").unwrap_or(rest);
            let p = format!("{path}item:{}:", item["type"].as_str().unwrap_or(""));
            self.envelope_payload(payload, &p, compressed, depth);
        }
        true
    }

    /// An envelope item's payload; a replay recording is a JSON line and then its
    /// (usually zlib-compressed) events.
    fn envelope_payload(&mut self, payload: &[u8], path: &str, compressed: bool, depth: u8) {
        if serde_json::from_slice::<serde_json::Value>(payload).is_err()
            && let Some(nl) = payload.iter().position(|c| *c == b'\n')
            && serde_json::from_slice::<serde_json::Value>(&payload[..nl]).is_ok()
        {
            self.bytes(&payload[..nl], path, compressed, depth + 1);
            return self.bytes(&payload[nl + 1..], path, compressed, depth + 1);
        }
        self.bytes(payload, path, compressed, depth + 1)
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn split_bytes<'a>(b: &'a [u8], sep: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = b;
    while let Some(i) = find(rest, sep) {
        out.push(&rest[..i]);
        rest = &rest[i + sep.len()..];
    }
    out.push(rest);
    out
}

/// The bytes of `s` when it is base64 (standard or URL-safe, padded or not) of something
/// worth reading: JSON, or compressed bytes.
fn base64_text(s: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let s = s.trim();
    if s.len() < 16
        || !s
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"+/=-_".contains(&c))
    {
        return None;
    }
    let raw = [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|e| e.decode(s).ok())?;
    let worth = decompress(&raw).is_some()
        || std::str::from_utf8(&raw).is_ok_and(|t| {
            let t = t.trim_start();
            t.starts_with(['{', '[']) && serde_json::from_str::<serde_json::Value>(t).is_ok()
        });
    worth.then_some(raw)
}

/// What the crawl knows of one site's visit, to be found by value.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// The typed canaries: email, phone, name, free text, search term.
    pub email: String,
    /// Phone (E.164).
    pub phone: String,
    /// Full name.
    pub name: String,
    /// Free text.
    pub text: String,
    /// Search term.
    pub search: String,
    /// The front page's URL (every other page's referrer).
    pub front: String,
    /// Every page's URL (the front page, the search results, the internal pages).
    pub pages: Vec<String>,
    /// The titles of the site's pages.
    pub titles: Vec<String>,
    /// The browser's languages.
    pub languages: Vec<String>,
    /// Screen and viewport sizes the pages' scripts could read.
    pub sizes: Vec<[u32; 2]>,
}

/// The canonical fields the truth finds in what an SDK sent, named as pixelcensus's datasets
/// name them (`tracker_fields.csv`'s `field`); the test web's own list, compared by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// A hashed e-mail address.
    HashedEmail,
    /// The browser's language.
    Language,
    /// The page's title.
    PageTitle,
    /// The page's URL.
    PageUrl,
    /// The typed e-mail in clear.
    PlainEmail,
    /// The typed phone number in clear.
    PlainPhone,
    /// The referring page.
    Referrer,
    /// Screen or window size.
    Screen,
    /// The search term.
    SearchQuery,
    /// Other text the visitor typed.
    TypedText,
    /// The browser's User-Agent.
    UserAgent,
}

impl Field {
    /// Every field the truth finds.
    pub const ALL: [Field; 11] = [
        Field::HashedEmail,
        Field::Language,
        Field::PageTitle,
        Field::PageUrl,
        Field::PlainEmail,
        Field::PlainPhone,
        Field::Referrer,
        Field::Screen,
        Field::SearchQuery,
        Field::TypedText,
        Field::UserAgent,
    ];

    /// The dataset's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::HashedEmail => "hashed_email",
            Field::Language => "language",
            Field::PageTitle => "page_title",
            Field::PageUrl => "page_url",
            Field::PlainEmail => "plain_email",
            Field::PlainPhone => "plain_phone",
            Field::Referrer => "referrer",
            Field::Screen => "screen",
            Field::SearchQuery => "search_query",
            Field::TypedText => "typed_text",
            Field::UserAgent => "user_agent",
        }
    }
}

/// A field found in a request: in at least one leaf that no compressed layer held.
pub type Found = BTreeMap<Field, bool>;

/// The page that sent `d`: `page` (its `Referer`) when known, else the first page of the
/// site other than the front page whose URL it carries, else the front page.
fn sender(d: &Decoded, facts: &Facts, page: Option<&str>) -> String {
    if let Some(p) = page {
        return p.to_string();
    }
    d.leaves
        .iter()
        .flat_map(|l| variants(&l.text))
        .find_map(|v| {
            facts
                .pages
                .iter()
                .find(|p| **p != facts.front && v.contains(p.as_str()))
                .cloned()
        })
        .unwrap_or_else(|| facts.front.clone())
}

/// The fields of `d` (a request `page` sent, by its `Referer`, None when that names no page;
/// `ua` its User-Agent header), each with whether it was also found outside compressed
/// layers. The front page's URL is the referrer of every other page: in a request another
/// page sent, a value that is exactly that URL is `referrer`; otherwise a value holding the
/// sending page's URL is `page_url`.
pub fn fields(d: &Decoded, facts: &Facts, page: Option<&str>, ua: &str) -> Found {
    let mut found = Found::new();
    let mut hit = |f: Field, compressed: bool| {
        let plain = found.entry(f).or_insert(false);
        *plain |= !compressed;
    };
    let hashes = digests(&facts.email.to_ascii_lowercase());
    let digits: String = facts.phone.chars().filter(char::is_ascii_digit).collect();
    let sent_by = sender(d, facts, page);
    let sent_by_forms: Vec<String> = variants(&sent_by);
    let front = facts.front.trim_end_matches('/');
    for leaf in &d.leaves {
        for v in variants(&leaf.text) {
            let lower = v.to_ascii_lowercase();
            let c = leaf.compressed;
            let has = |s: &str| !s.is_empty() && lower.contains(&s.to_ascii_lowercase());
            if has(&facts.email) {
                hit(Field::PlainEmail, c);
            }
            if hashes.iter().any(|h| lower.contains(h.as_str())) {
                hit(Field::HashedEmail, c);
            }
            if has(&facts.phone) || (digits.len() >= 10 && lower.contains(&digits)) {
                hit(Field::PlainPhone, c);
            }
            if has(&facts.name) || has(&facts.text) {
                hit(Field::TypedText, c);
            }
            if has(&facts.search) {
                hit(Field::SearchQuery, c);
            }
            if has(ua) {
                hit(Field::UserAgent, c);
            }
            if facts.titles.iter().any(|t| has(t)) {
                hit(Field::PageTitle, c);
            }
            if facts
                .languages
                .iter()
                .any(|l| lower == l.to_ascii_lowercase())
            {
                hit(Field::Language, c);
            }
            if sent_by != facts.front && v.trim_end_matches('/') == front {
                hit(Field::Referrer, c);
            } else if sent_by_forms.iter().any(|p| v.contains(p.as_str())) {
                hit(Field::PageUrl, c);
            }
            if facts.sizes.iter().any(|[w, h]| size_text(&lower, *w, *h)) {
                hit(Field::Screen, c);
            }
        }
    }
    for (nums, c) in &d.groups {
        let has = |n: u32| nums.iter().any(|x| *x == f64::from(n));
        if facts
            .sizes
            .iter()
            .any(|[w, h]| w != h && has(*w) && has(*h))
        {
            hit(Field::Screen, *c);
        }
    }
    found
}

/// A text and its URL- and form-decoded forms.
fn variants(t: &str) -> Vec<String> {
    let mut out = vec![t.to_string()];
    if t.contains('%') || t.contains('+') {
        let form: String = url::form_urlencoded::parse(format!("x={t}").as_bytes())
            .map(|(_, v)| v.into_owned())
            .collect();
        out.push(form);
        let mut once = t.to_string();
        for _ in 0..2 {
            once = percent_decode(&once);
            out.push(once.clone());
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .map(|(_, v)| v.into_owned())
        .collect()
}

fn size_text(t: &str, w: u32, h: u32) -> bool {
    ["x", " x ", "*", "×"]
        .iter()
        .any(|sep| t.contains(&format!("{w}{sep}{h}")))
}

/// MD5, SHA-1 and SHA-256 of a normalised value, in hex.
fn digests(v: &str) -> Vec<String> {
    use md5::Digest;
    if v.is_empty() {
        return Vec::new();
    }
    vec![
        hex::encode(md5::Md5::digest(v.as_bytes())),
        hex::encode(sha1::Sha1::digest(v.as_bytes())),
        hex::encode(sha2::Sha256::digest(v.as_bytes())),
    ]
}

/// The key path ends of each SDK's own visitor ID in what it sends (`*`: any one key).
pub fn id_keys(sdk: Sdk) -> &'static [&'static str] {
    match sdk {
        Sdk::PostHog => &["$device_id"],
        Sdk::Amplitude => &["device_id"],
        Sdk::Mixpanel => &["$device_id"],
        Sdk::Segment | Sdk::RudderStack => &["anonymousId"],
        Sdk::Snowplow => &["duid"],
        Sdk::Datadog => &["session.id"],
        // The envelope's user ID (the `_clck` cookie's head).
        Sdk::Clarity => &["e.5"],
        Sdk::AppInsights => &["ai.user.id"],
        Sdk::MParticle => &["mp_deviceid"],
        // The identity the Edge Network keeps in its `kndctr_<org>_identity` cookie, sent
        // back as state (the ECID inside it is the server's).
        Sdk::Alloy => &["ECID.0.id", "state.entries.*.value"],
        // The session, in every harvest's query string.
        Sdk::NewRelic => &["?s"],
        Sdk::Sentry | Sdk::Plausible => &[],
    }
}

/// True when `path` ends with the keys of `pattern` (`*` matching any one key).
fn path_ends(path: &str, pattern: &str) -> bool {
    let keys: Vec<&str> = path.split(['.', ':']).collect();
    let want: Vec<&str> = pattern.split('.').collect();
    keys.len() >= want.len()
        && keys[keys.len() - want.len()..]
            .iter()
            .zip(&want)
            .all(|(k, w)| *w == "*" || k == w)
}

/// The visitor IDs an SDK sent in `d`.
pub fn visitor_ids(sdk: Sdk, d: &Decoded) -> BTreeSet<String> {
    d.leaves
        .iter()
        .filter(|l| id_keys(sdk).iter().any(|k| path_ends(&l.path, k)))
        .filter(|l| l.text.len() >= 6)
        .map(|l| l.text.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn logged(path: &str, headers: &[(&str, &str)], body: Vec<u8>) -> crate::Logged {
        crate::Logged {
            time: 0.0,
            tls: true,
            host: "example.test".into(),
            method: "POST".into(),
            path: path.into(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body,
            peer: String::new(),
        }
    }

    fn gzip(b: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(b).unwrap();
        e.finish().unwrap()
    }

    fn zlib(b: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(b).unwrap();
        e.finish().unwrap()
    }

    fn facts() -> Facts {
        Facts {
            email: "pc.abc@example.com".into(),
            phone: "+12025550123".into(),
            name: "Quinn Abc".into(),
            text: "hello from abc".into(),
            search: "pcsearch abc".into(),
            front: "https://s.test/en/".into(),
            pages: vec![
                "https://s.test/en/".into(),
                "https://s.test/search?q=pcsearch+abc".into(),
                "https://s.test/pricing".into(),
            ],
            titles: vec!["Home – s.test".into()],
            languages: vec!["en-US".into()],
            sizes: vec![[800, 600]],
        }
    }

    #[test]
    fn gzip_by_bytes_and_numbers_as_a_pair() {
        let body = gzip(br#"[{"properties":{"$screen_width":800,"$screen_height":600,"email":"pc.abc@example.com"}}]"#);
        let d = decode(&logged("/e/?compression=gzip-js", &[], body));
        let f = fields(&d, &facts(), Some("https://s.test/en/"), "UA");
        assert_eq!(f.get(&Field::Screen), Some(&false));
        assert_eq!(f.get(&Field::PlainEmail), Some(&false));
        assert!(d.layers.contains("gzip"));
    }

    #[test]
    fn form_base64_json_and_search_in_a_url() {
        let json = r#"{"event":"$mp_web_page_view","properties":{"$current_url":"https://s.test/search?q=pcsearch+abc","$referrer":"https://s.test/en/"}}"#;
        let b64 = base64::engine::general_purpose::STANDARD.encode(json);
        let body = format!(
            "data={}",
            url::form_urlencoded::byte_serialize(b64.as_bytes()).collect::<String>()
        );
        let d = decode(&logged(
            "/track/",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            body.into_bytes(),
        ));
        let f = fields(
            &d,
            &facts(),
            Some("https://s.test/search?q=pcsearch+abc"),
            "UA",
        );
        assert!(f.contains_key(&Field::SearchQuery), "{f:?}");
        assert!(f.contains_key(&Field::Referrer), "{f:?}");
        assert!(f.contains_key(&Field::PageUrl), "{f:?}");
    }

    #[test]
    fn envelope_with_a_compressed_replay_and_multipart_deflate() {
        let mut env = br#"{"event_id":"1","sent_at":"2026-01-01T00:00:00Z"}
{"type":"replay_event"}
{"user":{"email":"pc.abc@example.com"}}
"#
        .to_vec();
        let rec = zlib(br#"[{"data":{"text":"Quinn Abc"}}]"#);
        let payload = [b"{\"segment_id\":0}\n".to_vec(), rec].concat();
        env.extend(
            format!(
                "{{\"type\":\"replay_recording\",\"length\":{}}}\n",
                payload.len()
            )
            .bytes(),
        );
        env.extend(payload);
        let d = decode(&logged("/api/1/envelope/", &[], env));
        let f = fields(&d, &facts(), None, "UA");
        assert_eq!(f.get(&Field::PlainEmail), Some(&true));
        assert_eq!(f.get(&Field::TypedText), Some(&false), "{:?}", d.leaves);

        let seg = zlib(
            br#"{"records":[{"data":{"href":"https://s.test/en/","width":800,"height":600}}]}"#,
        );
        let mut body = b"--XyZ\r\nContent-Disposition: form-data; name=\"segment\"; filename=\"s\"\r\nContent-Type: application/octet-stream\r\n\r\n".to_vec();
        body.extend(seg);
        body.extend(b"\r\n--XyZ--\r\n");
        let d = decode(&logged(
            "/api/v2/replay",
            &[("Content-Type", "multipart/form-data; boundary=XyZ")],
            body,
        ));
        let f = fields(&d, &facts(), None, "UA");
        assert_eq!(f.get(&Field::Screen), Some(&false), "{:?}", d.leaves);
        assert_eq!(f.get(&Field::PageUrl), Some(&false));
    }

    #[test]
    fn visitor_ids_by_key_and_ndjson() {
        let body = "{\"session\":{\"id\":\"0f1e2d3c-aaaa\"},\"view\":{\"url\":\"https://s.test/\"}}\n{\"session\":{\"id\":\"0f1e2d3c-aaaa\"}}";
        let d = decode(&logged(
            "/api/v2/rum",
            &[("Content-Type", "text/plain")],
            body.into(),
        ));
        assert!(d.layers.contains("ndjson"));
        assert_eq!(
            visitor_ids(Sdk::Datadog, &d)
                .into_iter()
                .collect::<Vec<_>>(),
            ["0f1e2d3c-aaaa"]
        );
    }
}
