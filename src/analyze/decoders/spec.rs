//! Decoders written as data: a vendor whose requests are read by parameter name alone is one
//! [`Spec`] (its endpoints, the parameters that carry its IDs, events and fields, its ID
//! cookies, its snippet's set-up calls), with a hook for the one or two things a table cannot
//! say. Each vendor's spec lives in its own file with the tests built from its real requests.
//!
//! An endpoint with no host is a *protocol*: recognised by its path shape and what it must carry
//! wherever it is hosted (a first-party subdomain, a CNAME, a collector the site runs itself).
//! The protocols of every spec make the catalogue [`super::catalogue`] lists.

use super::{Claim, Decoded, Decoder, Role, assigned, calls, is_empty_value, on};
use crate::analyze::records::{Params as Record, json_records};
use crate::analyze::request::RequestView;
use crate::analyze::{Field, Location, Source};

/// Where a vendor's requests go: a host (and its subdomains; empty for any host, a protocol)
/// and a path (a prefix; `*x` for a path containing `x`; `x$` for a path ending in `x`; `=x`
/// for `x` exactly), what
/// a request there must carry ([`Endpoint::needs`]) and the event it is when it names none.
#[derive(Clone, Copy, Debug)]
pub struct Endpoint {
    /// The host, or empty for any.
    pub host: &'static str,
    /// The path pattern.
    pub path: &'static str,
    /// Parameters a request must carry to be this endpoint's: `name` (present and not empty),
    /// `name=value` or `name^prefix`; a name is looked up as [`Spec::ids`] are.
    pub needs: &'static [&'static str],
    /// The event a request here is when its parameters name none (empty: none).
    pub event: &'static str,
}

/// An [`Endpoint`] on a host (for the specs' tables).
pub const fn at(host: &'static str, path: &'static str) -> Endpoint {
    Endpoint {
        host,
        path,
        needs: &[],
        event: "",
    }
}

/// An [`Endpoint`] on any host: a protocol, known by its path and what it carries.
pub const fn anywhere(path: &'static str, needs: &'static [&'static str]) -> Endpoint {
    Endpoint {
        host: "",
        path,
        needs,
        event: "",
    }
}

impl Endpoint {
    /// The same endpoint, carrying `needs`.
    pub const fn needs(self, needs: &'static [&'static str]) -> Endpoint {
        Endpoint { needs, ..self }
    }

    /// The same endpoint, whose requests are `event` when they name none.
    pub const fn event(self, event: &'static str) -> Endpoint {
        Endpoint { event, ..self }
    }

    /// The host and path match (what it must carry not yet checked).
    fn places(&self, r: &RequestView) -> bool {
        let path = if let Some(x) = self.path.strip_prefix('=') {
            r.path == x
        } else if let Some(x) = self.path.strip_prefix('*') {
            r.path.contains(x)
        } else if let Some(x) = self.path.strip_suffix('$') {
            r.path.ends_with(x)
        } else {
            r.path.starts_with(self.path)
        };
        path && (self.host.is_empty() || on(&r.host, self.host))
    }
}

/// A vendor's snippet call or assignment that carries its ID, read from a page's inline script
/// or a tag manager's container without running it (the pre-scan).
#[derive(Clone, Copy, Debug)]
pub enum Inline {
    /// `callee(…)`: the argument at `arg` of calls whose first argument is `verb` (any call when
    /// `verb` is empty): `mixpanel.init('TOKEN')`, `heap.load('123')`, `ym(123, 'init')`.
    Call {
        /// The function, as the snippet names it (`posthog.init`).
        callee: &'static str,
        /// The first argument the call must have (`init`), or empty.
        verb: &'static str,
        /// The argument that is the ID.
        arg: usize,
    },
    /// `callee([verb, …])`: the element at `arg` of an array whose first element is `verb`
    /// (`_gaq.push(['_setAccount', 'UA-1-1'])`, `_paq.push(['setSiteId', '3'])`).
    Push {
        /// The function (`_paq.push`).
        callee: &'static str,
        /// The array's first element (`setSiteId`).
        verb: &'static str,
        /// The element that is the ID.
        arg: usize,
    },
    /// `key: 'ID'` or `key = 'ID'`, read only in a script that names `marker` too (so a common
    /// key such as `uid` is not taken from another vendor's snippet).
    Assign {
        /// The key (`applicationID`).
        key: &'static str,
        /// A word the vendor's snippet always has (`NREUM`).
        marker: &'static str,
    },
}

/// An [`Inline::Call`] (for the specs' tables).
pub const fn call(callee: &'static str, verb: &'static str, arg: usize) -> Inline {
    Inline::Call { callee, verb, arg }
}

/// An [`Inline::Push`] (for the specs' tables).
pub const fn push(callee: &'static str, verb: &'static str, arg: usize) -> Inline {
    Inline::Push { callee, verb, arg }
}

/// An [`Inline::Assign`] (for the specs' tables).
pub const fn assign(key: &'static str, marker: &'static str) -> Inline {
    Inline::Assign { key, marker }
}

/// One vendor's decoder as data.
#[derive(Clone, Copy)]
pub struct Spec {
    /// Decoder name (`criteo`).
    pub name: &'static str,
    /// Product name.
    pub tracker: &'static str,
    /// Owner.
    pub company: &'static str,
    /// Category (third-party-web's vocabulary).
    pub category: &'static str,
    /// Hosts only this tag uses.
    pub claims: &'static [Claim],
    /// Where its script and configuration load from.
    pub loaders: &'static [Endpoint],
    /// Where its hits go.
    pub hits: &'static [Endpoint],
    /// Parameters a hit on any host must carry (besides the endpoint's own `needs`), so a
    /// site's own path of the same name is not taken for the tag.
    pub requires: &'static [&'static str],
    /// Parameters whose values are pixel, tag or account IDs (a `,`-separated list is split).
    /// A name is a parameter of the query or a body record (JSON flattened to dotted keys, `*`
    /// for any one key such as an array index), or of a record [`Spec::unpack`] opened.
    pub ids: &'static [&'static str],
    /// Path patterns whose `{}` segment (or part of one) is an ID: `/c/{}/**`,
    /// `/js/heap-{}.js`, `**/{}/dcs.gif` (`*` any one segment, `**` any number); the first that
    /// captures an ID-shaped part counts.
    pub path_ids: &'static [&'static str],
    /// Parameters whose values are event names.
    pub events: &'static [&'static str],
    /// A vendor's event codes and their names (`("0", "pageview")`), applied to every event.
    pub event_names: &'static [(&'static str, &'static str)],
    /// Parameters and the canonical field each carries.
    pub fields: &'static [(&'static str, Field)],
    /// Parameters whose value holds more records: JSON, base64 or base64url JSON or a form
    /// inside a value (Mixpanel's `data`, Amplitude's `e`), or an array of objects in a JSON
    /// body (Snowplow's `data`); their records are read like the body's.
    pub unpack: &'static [&'static str],
    /// First-party cookies the tag sets as identifiers.
    pub id_cookies: &'static [&'static str],
    /// The vendor's own domains besides its claims and endpoints' hosts (for `hosting`).
    pub domains: &'static [&'static str],
    /// The snippet's calls and assignments that carry its ID (for the pre-scan).
    pub inline: &'static [Inline],
    /// What the table cannot say (IDs in the path, events packed in a parameter).
    pub extra: Option<fn(&RequestView, &mut Decoded)>,
    /// A loader's URL is read for [`Spec::ids`] too (`klaviyo.js?company_id=…`). Off for the
    /// vendors whose decoders were code until #42 (their loaders' rows name no ID in
    /// requests.csv; a crawl's datasets stay as they were).
    pub ids_on_loaders: bool,
    /// What site_trackers.csv's `id_source` and `event_source` say of it: `spec`, or
    /// `decoder` for a first vendor whose decoder was code until #42 (see [`Source::Decoder`]).
    pub source: Source,
}

/// A spec with nothing in it, for the fields a vendor does not need (`..NONE`).
pub const NONE: Spec = Spec {
    name: "",
    tracker: "",
    company: "",
    category: "",
    claims: &[],
    loaders: &[],
    hits: &[],
    requires: &[],
    ids: &[],
    path_ids: &[],
    events: &[],
    event_names: &[],
    fields: &[],
    unpack: &[],
    id_cookies: &[],
    domains: &[],
    inline: &[],
    extra: None,
    ids_on_loaders: true,
    source: Source::Spec,
};

impl Spec {
    /// An empty result of this vendor.
    pub fn decoded(&self, role: Role) -> Decoded {
        Decoded::new(self.tracker, self.company, self.category, role)
    }

    /// Its endpoints on any host: its protocols of the catalogue.
    pub fn protocols(&self) -> impl Iterator<Item = &'static Endpoint> {
        self.hits.iter().filter(|e| e.host.is_empty())
    }

    /// The first endpoint of `hits` a request is (host, path and what it must carry).
    fn hit(&self, p: &Lookup, r: &RequestView) -> Option<&'static Endpoint> {
        self.hits.iter().find(|e| {
            e.places(r)
                && e.needs.iter().all(|n| p.has(n))
                && (!e.host.is_empty() || self.requires.iter().all(|n| p.has(n)))
        })
    }

    /// The IDs, events and fields a hit's parameters carry.
    fn read(&self, p: &Lookup, e: &Endpoint, d: &mut Decoded) {
        for k in self.ids {
            for (v, _) in p.values(k) {
                v.split(',').map(str::trim).for_each(|i| d.id(i));
            }
        }
        for k in self.events {
            for (v, _) in p.values(k) {
                d.event(self.event_name(v));
            }
        }
        if d.events.is_empty() && !e.event.is_empty() {
            d.event(e.event);
        }
        for (k, field) in self.fields {
            if let Some((v, loc)) = p.values(k).find(|(v, _)| !is_empty_value(v)) {
                d.value(*field, v, loc);
            }
        }
    }

    /// An event code's name, or the code itself.
    fn event_name<'v>(&self, v: &'v str) -> &'v str {
        self.event_names
            .iter()
            .find(|(code, _)| *code == v)
            .map_or(v, |(_, name)| name)
    }

    /// The ID in the path ([`Spec::path_ids`]).
    fn path_ids(&self, r: &RequestView, d: &mut Decoded) {
        let first = self
            .path_ids
            .iter()
            .find_map(|p| capture(p, &r.path).filter(|id| path_id(id)));
        if let Some(id) = first {
            d.id(id);
        }
    }
}

impl Decoder for Spec {
    fn name(&self) -> &'static str {
        self.name
    }

    fn source(&self) -> Source {
        self.source
    }

    fn spec(&self) -> Option<&Spec> {
        Some(self)
    }

    fn claims(&self) -> &'static [Claim] {
        self.claims
    }

    fn id_cookies(&self) -> &'static [&'static str] {
        self.id_cookies
    }

    fn is_vendor_host(&self, host: &str) -> bool {
        let site = crate::analyze::party::registrable(host);
        self.claims.iter().any(|c| on(host, c.domain))
            || self.domains.iter().any(|d| on(host, d))
            || self
                .loaders
                .iter()
                .chain(self.hits)
                .any(|e| !e.host.is_empty() && crate::analyze::party::registrable(e.host) == site)
    }

    fn inline(&self, script: &str) -> Vec<Decoded> {
        let mut d = self.decoded(Role::Loader);
        for i in self.inline {
            for id in inline_ids(i, script) {
                d.id(id);
            }
        }
        if d.pixel_ids.is_empty() {
            Vec::new()
        } else {
            vec![d]
        }
    }

    fn decode(&self, r: &RequestView) -> Option<Decoded> {
        if self.loaders.iter().any(|e| e.places(r)) {
            let mut d = self.decoded(Role::Loader);
            // A loader's URL often names the account too (`klaviyo.js?company_id=…`).
            for k in self.ids.iter().filter(|_| self.ids_on_loaders) {
                let query = r.query.iter().filter(|(q, _)| key_matches(k, q));
                query.for_each(|(_, v)| v.split(',').for_each(|i| d.id(i.trim())));
            }
            self.path_ids(r, &mut d);
            if let Some(f) = self.extra {
                f(r, &mut d);
            }
            return Some(d);
        }
        if !self.hits.iter().any(|e| e.places(r)) {
            return None;
        }
        let p = Lookup::new(r, self.unpack);
        let e = self.hit(&p, r)?;
        let mut d = self.decoded(Role::Hit);
        self.read(&p, e, &mut d);
        self.path_ids(r, &mut d);
        if let Some(f) = self.extra {
            f(r, &mut d);
        }
        Some(d)
    }
}

/// The IDs one snippet reader finds in a script: string literals and numbers only (a
/// variable's name is no ID).
fn inline_ids(i: &Inline, script: &str) -> Vec<String> {
    let found: Vec<String> = match *i {
        Inline::Call { callee, verb, arg } => calls(script, callee)
            .into_iter()
            .filter(|a| verb.is_empty() || a.first().is_some_and(|v| v == verb))
            .filter_map(|mut a| (arg < a.len()).then(|| a.swap_remove(arg)))
            .collect(),
        Inline::Push { callee, verb, arg } => calls(script, callee)
            .into_iter()
            .filter_map(|a| {
                let inner = a.first()?.strip_prefix('[')?.strip_suffix(']')?;
                let mut items = calls(&format!("f({inner})"), "f").into_iter().next()?;
                (items.first()? == verb && arg < items.len()).then(|| items.swap_remove(arg))
            })
            .collect(),
        Inline::Assign { key, marker } if script.contains(marker) => assigned(script, key),
        Inline::Assign { .. } => Vec::new(),
    };
    found.into_iter().filter(|v| id_shaped(v)).collect()
}

/// An ID from a snippet: a number, or 3 to 128 characters with a digit, `-` or `/` (which a
/// variable's name has not), no white space or quotes, not a placeholder.
pub fn id_shaped(v: &str) -> bool {
    if !v.is_empty() && v.len() <= 20 && v.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    (3..=128).contains(&v.len())
        && v.bytes()
            .any(|b| b.is_ascii_digit() || b == b'-' || b == b'/')
        && !v.contains(|c: char| c.is_whitespace() || "'\"`(){}[]<>+".contains(c))
        && !["undefined", "null"].contains(&v)
}

/// An ID from a path: up to 128 characters with a digit or `-` (so a file's name such as
/// `collectedforms` is none), no white space.
fn path_id(v: &str) -> bool {
    (1..=128).contains(&v.len())
        && v.bytes().any(|b| b.is_ascii_digit() || b == b'-')
        && !v.contains(char::is_whitespace)
}

/// A request's parameters as a spec reads them: the query, the body's records, and the records
/// inside the parameters the spec unpacks.
pub struct Lookup<'r> {
    query: &'r [(String, String)],
    body: &'r [Record],
    inner: Vec<(Location, Record)>,
}

impl<'r> Lookup<'r> {
    /// The parameters of `r`, with the records inside the parameters named `unpack`.
    pub fn new(r: &'r RequestView, unpack: &[&str]) -> Lookup<'r> {
        let mut inner = Vec::new();
        let records = std::iter::once((Location::Query, r.query.as_slice()))
            .chain(r.body.iter().map(|b| (Location::Body, b.as_slice())));
        for (loc, rec) in records {
            for u in unpack {
                inner.extend(opened(rec, u).into_iter().map(|x| (loc, x)));
            }
        }
        // One level deeper: a packed value inside an opened record (Snowplow's `ue_px` in an
        // event of a POST's `data`).
        let mut deeper = Vec::new();
        for (loc, rec) in &inner {
            for u in unpack {
                deeper.extend(opened(rec, u).into_iter().map(|x| (*loc, x)));
            }
        }
        inner.extend(deeper);
        Lookup {
            query: &r.query,
            body: &r.body,
            inner,
        }
    }

    fn records(&self) -> impl Iterator<Item = (Location, &[(String, String)])> {
        std::iter::once((Location::Query, self.query))
            .chain(self.body.iter().map(|b| (Location::Body, b.as_slice())))
            .chain(self.inner.iter().map(|(l, r)| (*l, r.as_slice())))
    }

    /// Every value of `key` (`*` matching any one dotted segment), with where it was.
    pub fn values<'s>(&'s self, key: &'s str) -> impl Iterator<Item = (&'s str, Location)> + 's {
        self.records().flat_map(move |(loc, rec)| {
            rec.iter()
                .filter(move |(k, _)| key_matches(key, k))
                .map(move |(_, v)| (v.as_str(), loc))
        })
    }

    /// True when the request carries what `need` asks: `name`, `name=value` or
    /// `name^prefix`.
    pub fn has(&self, need: &str) -> bool {
        if let Some((k, want)) = need.split_once('=') {
            self.values(k).any(|(v, _)| v == want)
        } else if let Some((k, prefix)) = need.split_once('^') {
            self.values(k).any(|(v, _)| v.starts_with(prefix))
        } else {
            self.values(need).any(|(v, _)| !v.trim().is_empty())
        }
    }
}

/// The records inside a record's parameter `name`: its value as JSON, base64 JSON or a form
/// (one or more records), or the objects of an array flattened under it (`name.0.e`).
fn opened(rec: &[(String, String)], name: &str) -> Vec<Record> {
    let mut out = Vec::new();
    let mut items: std::collections::BTreeMap<usize, Record> = Default::default();
    for (k, v) in rec {
        if k == name {
            out.extend(inner_records(v));
        } else if let Some(rest) = k.strip_prefix(name).and_then(|x| x.strip_prefix('.'))
            && let Some((i, key)) = rest.split_once('.')
            && let Ok(i) = i.parse::<usize>()
        {
            items
                .entry(i)
                .or_default()
                .push((key.to_string(), v.clone()));
        }
    }
    out.extend(items.into_values());
    out
}

/// A value that holds records: JSON, base64 (either alphabet) JSON, or a form.
pub fn inner_records(v: &str) -> Vec<Record> {
    let t = v.trim();
    let json = |s: &str| {
        serde_json::from_str::<serde_json::Value>(s)
            .ok()
            .filter(|j| j.is_object() || j.is_array())
            .map(|j| json_records(&j))
    };
    if t.starts_with(['{', '[']) {
        return json(t).unwrap_or_default();
    }
    if let Some(bytes) = crate::analyze::leaks::base64_decode(t)
        && let Ok(text) = std::str::from_utf8(&bytes)
        && let Some(r) = json(text.trim())
    {
        return r;
    }
    if t.contains('=') && !t.contains(' ') {
        let form: Record = url::form_urlencoded::parse(t.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        return vec![form];
    }
    Vec::new()
}

/// A key pattern matches a flattened key: equal, or equal segment by segment with `*` for any
/// one segment.
fn key_matches(pattern: &str, key: &str) -> bool {
    if pattern == key {
        return true;
    }
    if !pattern.contains('*') {
        return false;
    }
    let mut p = pattern.split('.');
    let mut k = key.split('.');
    loop {
        match (p.next(), k.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a == "*" || a == b => {}
            _ => return false,
        }
    }
}

/// The part of a path a pattern's `{}` stands for (segments split at `/`, empty ones ignored;
/// `*` any one segment, `**` any number; `{}` inside a segment between a literal prefix and
/// suffix).
pub fn capture<'p>(pattern: &str, path: &'p str) -> Option<&'p str> {
    let pat: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    capture_at(&pat, &segs)
}

fn capture_at<'p>(pat: &[&str], segs: &[&'p str]) -> Option<&'p str> {
    let Some((first, rest)) = pat.split_first() else {
        return segs.is_empty().then_some("");
    };
    if *first == "**" {
        return (0..=segs.len()).find_map(|i| capture_at(rest, &segs[i..]));
    }
    let (seg, more) = segs.split_first()?;
    let got = if *first == "*" {
        Some("")
    } else if let Some((pre, post)) = first.split_once("{}") {
        seg.strip_prefix(pre)
            .and_then(|s| s.strip_suffix(post))
            .filter(|s| !s.is_empty())
    } else {
        (first == seg).then_some("")
    }?;
    let tail = capture_at(rest, more)?;
    Some(if got.is_empty() { tail } else { got })
}

/// The `n`th segment of a path (`/b/ss/rsid/1` → 3rd is `rsid`), 1-based.
pub fn segment(path: &str, n: usize) -> Option<&str> {
    path.split('/').nth(n).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_patterns_capture_their_id() {
        assert_eq!(capture("/c/{}/**", "/c/00ed91c0/stream"), Some("00ed91c0"));
        assert_eq!(capture("/c/{}/**", "/c/00ed91c0"), Some("00ed91c0"));
        assert_eq!(capture("/js/heap-{}.js", "/js/heap-3521.js"), Some("3521"));
        assert_eq!(capture("**/{}/dcs.gif", "/dcsx1/dcs.gif"), Some("dcsx1"));
        assert_eq!(
            capture("**/wu/{}/onsite/**", "/us/wu/541318/onsite/g.js"),
            Some("541318")
        );
        assert_eq!(
            capture("/c/{}", "/c/a/b"),
            None,
            "more segments than the pattern"
        );
        assert_eq!(
            capture("/js/heap-{}.js", "/js/heap-.js"),
            None,
            "nothing captured"
        );
    }

    #[test]
    fn keys_match_by_segment_with_wildcards() {
        assert!(key_matches(
            "visitors.*.visitor_id",
            "visitors.0.visitor_id"
        ));
        assert!(!key_matches(
            "visitors.*.visitor_id",
            "visitors.0.x.visitor_id"
        ));
        assert!(key_matches("WT.dl", "WT.dl"));
        assert!(!key_matches("WT.dl", "WT.dlx"));
    }

    #[test]
    fn values_inside_parameters_are_records() {
        let b64 = "eyJldmVudCI6ImEiLCJwcm9wZXJ0aWVzIjp7InRva2VuIjoidDEifX0=";
        assert_eq!(
            inner_records(b64),
            vec![vec![
                ("event".to_string(), "a".to_string()),
                ("properties.token".to_string(), "t1".to_string())
            ]]
        );
        let rec = vec![
            ("data.0.e".to_string(), "pv".to_string()),
            ("data.1.e".to_string(), "se".to_string()),
            ("schema".to_string(), "iglu:x".to_string()),
        ];
        let items = opened(&rec, "data");
        assert_eq!(items.len(), 2);
        assert_eq!(items[1], vec![("e".to_string(), "se".to_string())]);
        assert!(inner_records("plain words").is_empty());
    }

    #[test]
    fn snippet_ids_are_literals_with_a_digit() {
        let s = "mixpanel.init('6a041bcb6c0e6e5252f670c8f5f5db9e'); mixpanel.init(token);";
        assert_eq!(
            inline_ids(&call("mixpanel.init", "", 0), s),
            ["6a041bcb6c0e6e5252f670c8f5f5db9e"]
        );
        let nr = "NREUM.info={applicationID:\"2104228\",licenseKey:\"060998d475\"}";
        assert_eq!(
            inline_ids(&assign("applicationID", "NREUM"), nr),
            ["2104228"]
        );
        assert!(inline_ids(&assign("applicationID", "OTHER"), nr).is_empty());
    }
}
