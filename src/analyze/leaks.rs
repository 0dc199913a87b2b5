//! Finding what a request carries of the visitor: the canary values typed on the site (in
//! every encoding of shared/pixel-formats.md), the ID cookies set during the visit, and the
//! page URL. All forms of all values are searched at once with one Aho-Corasick automaton per
//! visit, over the URL (raw and percent-decoded once and twice), the body (raw and decoded),
//! and the request headers and cookies.

use super::Location;
use super::request::RequestView;
use super::vocab::{Algo, Digits, Encoding, Field};
use crate::capture::{Canaries, RawCookie};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use std::collections::BTreeSet;

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
}

/// The searcher for one visit.
pub struct Matcher {
    ac: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
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
    for (e, enc) in [
        (STANDARD.encode(v), Encoding::Base64),
        (STANDARD_NO_PAD.encode(v), Encoding::Base64),
        (URL_SAFE.encode(v), Encoding::Base64Url),
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

impl Matcher {
    /// Builds the searcher for a visit: its canaries, the ID cookies present at its end that
    /// `is_id_cookie` accepts, and nothing shorter than 6 characters.
    pub fn new(
        canaries: &Canaries,
        cookies: &[RawCookie],
        is_id_cookie: impl Fn(&RawCookie) -> bool,
    ) -> Matcher {
        let mut needles: Vec<(String, Pattern)> = canary_forms(canaries)
            .into_iter()
            .map(|(n, field, encoding)| {
                (
                    n,
                    Pattern {
                        field,
                        encoding,
                        detail: None,
                    },
                )
            })
            .collect();
        let mut seen = BTreeSet::new();
        for c in cookies.iter().filter(|c| is_id_cookie(c)) {
            let mut values = vec![c.value.clone()];
            // _ga's client id is the last two dot-separated parts (GA1.1.<random>.<time>).
            if c.name == "_ga" {
                let parts: Vec<&str> = c.value.split('.').collect();
                if parts.len() >= 4 {
                    values.push(parts[parts.len() - 2..].join("."));
                }
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
                            },
                        ));
                    }
                    needles.push((
                        v,
                        Pattern {
                            field: Field::CookieId,
                            encoding: Encoding::Plain,
                            detail: Some(c.name.clone()),
                        },
                    ));
                }
            }
        }
        // Short needles would match by chance; a needle under two labels (base64url is
        // base64 when the value has no `+` or `/`) keeps its first.
        let mut distinct = BTreeSet::new();
        needles.retain(|(n, _)| n.len() >= 6 && distinct.insert(n.clone()));
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
        }
    }

    /// Everything of the visitor that the request carries.
    pub fn find(&self, view: &RequestView) -> BTreeSet<Leak> {
        let r = view.raw;
        let mut out = BTreeSet::new();
        let Some(ac) = &self.ac else { return out };
        let query_at = r.url.find('?').unwrap_or(r.url.len());
        let scan = |hay: &[u8], location: &dyn Fn(usize) -> Location, out: &mut BTreeSet<Leak>| {
            for m in ac.find_iter(hay) {
                let p = &self.patterns[m.pattern().as_usize()];
                out.insert(Leak {
                    field: p.field,
                    encoding: p.encoding,
                    location: location(m.start()),
                    detail: p.detail.clone(),
                });
            }
        };
        // Each channel is first searched as its own format decodes it: the URL, form bodies
        // and cookies percent-decoded once (that layer is the transport's, not the value's);
        // JSON, text and other headers as sent. The other layers (raw, decoded twice) then add
        // only values not already found in the same place, so a value URL-encoded once more
        // than its channel needs is `url`, twice `url2`, and a JSON "+1…" stays E.164.
        let dec1 = percent_decode(r.url.as_bytes());
        let q1 = dec1.iter().position(|&b| b == b'?').unwrap_or(dec1.len());
        let loc_dec = |at: usize| {
            if at >= q1 {
                Location::Query
            } else {
                Location::Path
            }
        };
        let loc_raw = |at: usize| {
            if at >= query_at {
                Location::Query
            } else {
                Location::Path
            }
        };
        let mut primary = BTreeSet::new();
        let mut secondary = BTreeSet::new();
        scan(&dec1, &loc_dec, &mut primary);
        scan(r.url.as_bytes(), &loc_raw, &mut secondary);
        scan(&percent_decode(&dec1), &loc_dec, &mut secondary);
        if let Some(body) = &r.body {
            let t = &view.body_text;
            let form = view
                .content_type
                .to_ascii_lowercase()
                .contains("x-www-form-urlencoded")
                || (!t.trim_start().starts_with(['{', '['])
                    && t.contains('=')
                    && !t.contains(' ')
                    && !t.starts_with("--"));
            let dec = percent_decode(body);
            let (first, other) = if form { (&dec, body) } else { (body, &dec) };
            scan(first, &|_| Location::Body, &mut primary);
            scan(other, &|_| Location::Body, &mut secondary);
            scan(&percent_decode(&dec), &|_| Location::Body, &mut secondary);
        }
        for (k, v) in &r.headers {
            if k.eq_ignore_ascii_case("referer") {
                continue;
            }
            let cookie = k.eq_ignore_ascii_case("cookie");
            let loc = if cookie {
                Location::Cookie
            } else {
                Location::Header
            };
            let dec = percent_decode(v.as_bytes());
            let (first, other) = if cookie {
                (dec.as_slice(), v.as_bytes())
            } else {
                (v.as_bytes(), dec.as_slice())
            };
            scan(first, &|_| loc, &mut primary);
            scan(other, &|_| loc, &mut secondary);
        }
        out = primary;
        for l in secondary {
            if !out
                .iter()
                .any(|o| o.field == l.field && o.location == l.location && o.detail == l.detail)
            {
                out.insert(l);
            }
        }
        out
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
    #[test]
    fn every_encoding_in_every_channel() {
        let c = canaries();
        let m = Matcher::new(&c, &[], |_| false);
        let email_n = c.email.to_lowercase();
        let digits: String = c.phone.chars().filter(char::is_ascii_digit).collect();
        let sha = |s: &str| hex::encode(Sha256::digest(s.as_bytes()));
        let url1: String = url::form_urlencoded::byte_serialize(c.email.as_bytes()).collect();
        let url2: String = url::form_urlencoded::byte_serialize(url1.as_bytes()).collect();
        let encodings: Vec<(&str, &str, String)> = vec![
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
        ];
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
        let cookies = vec![
            RawCookie {
                name: "_fbp".into(),
                value: "fb.1.1732840000000.1234567890".into(),
                domain: "shop.example".into(),
                path: "/".into(),
                expires: -1.0,
                http_only: false,
                secure: false,
                same_site: None,
                page: 0,
            },
            RawCookie {
                name: "_ga".into(),
                value: "GA1.1.987654321.1732840000".into(),
                domain: ".shop.example".into(),
                path: "/".into(),
                expires: -1.0,
                http_only: false,
                secure: false,
                same_site: None,
                page: 0,
            },
            RawCookie {
                name: "x".into(),
                value: "1".into(),
                domain: "shop.example".into(),
                path: "/".into(),
                expires: -1.0,
                http_only: false,
                secure: false,
                same_site: None,
                page: 0,
            },
        ];
        let m = Matcher::new(&c, &cookies, |k| {
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
}
