//! Parameter roles learned across the crawl (issue 39, item 3): for third-party endpoints no
//! decoder or spec knows, a query parameter's role is read from how its value varies over the
//! crawl's requests —
//!
//! - **account**: the same on every page and every visit of a site, different between sites
//!   (seen on at least two sites, and on at least two of them over more than one page or
//!   visit), identifier-shaped, not the site's own name, not a cookie's or storage item's
//!   value: the site's account, property or project ID at that vendor;
//! - **visitor**: the same across a visit but new on another visit of the same site, or the
//!   value of one of the visit's cookies or storage items: an ID of the visitor;
//! - **page**: different between the pages (or the requests) of one visit: page data, a page
//!   view ID, a time, a random cache buster.
//!
//! The first pass ([`Learner`]) reads only the stored requests' URLs and the visits' cookie and
//! storage values; its result ([`Inferred`]) is one table keyed by (registrable domain,
//! parameter name), looked up per request by the per-visit analysis, which reports an
//! account parameter's value as a pixel ID with `id_source = inferred` (only for requests no
//! decoder or spec reads). Analysis stays a function of the stored capture: the same store
//! gives the same table.

use std::collections::{HashMap, HashSet};

/// What a parameter's value says, by how it varies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The same on every page and visit of a site, different between sites.
    Account,
    /// The same across a visit, new on another visit (or a cookie's or storage item's value).
    Visitor,
    /// Different between the pages or requests of one visit.
    Page,
    /// Not enough evidence either way (one site, one page, or a value not shaped like an ID).
    Unknown,
}

impl Role {
    /// The role's name (`account`, `visitor`, `page`, `unknown`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Account => "account",
            Role::Visitor => "visitor",
            Role::Page => "page",
            Role::Unknown => "unknown",
        }
    }
}

/// The table the per-visit analysis reads: the account parameters per registrable domain, and
/// every classified parameter's role (for tests and diagnostics).
#[derive(Clone, Debug, Default)]
pub struct Inferred {
    roles: HashMap<(String, String), Role>,
    /// Registrable domains with at least one account parameter (a quick first test).
    domains: HashSet<String>,
}

impl Inferred {
    /// The role learned for `param` of requests to `domain` (a registrable domain).
    pub fn role(&self, domain: &str, param: &str) -> Role {
        self.roles
            .get(&(domain.to_string(), param.to_string()))
            .copied()
            .unwrap_or(Role::Unknown)
    }

    /// True when nothing was learned (a store without third-party queries, or no first pass).
    pub fn is_empty(&self) -> bool {
        self.domains.is_empty()
    }

    /// The account IDs a request to `domain` carries in `query`: the values of its account
    /// parameters, in the query's order, once each.
    pub fn account_ids(&self, domain: &str, query: &[(String, String)]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if !self.domains.contains(domain) {
            return out;
        }
        for (k, v) in query {
            if id_shaped(v)
                && self.roles.get(&(domain.to_string(), k.clone())) == Some(&Role::Account)
                && !out.contains(v)
            {
                out.push(v.clone());
            }
        }
        out
    }

    /// Every parameter learned as an account ID, as `domain parameter` (sorted).
    pub fn accounts(&self) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = self
            .roles
            .iter()
            .filter(|(_, r)| **r == Role::Account)
            .map(|(k, _)| k.clone())
            .collect();
        v.sort();
        v
    }
}

/// One visit's values of one parameter.
#[derive(Debug)]
struct VisitObs {
    visit: i64,
    value: Box<str>,
    page: u32,
    /// Seen with the same value on another page of the visit.
    other_page: bool,
    /// Another value on the same page.
    varies_in_page: bool,
    /// Another value on another page.
    varies_across_pages: bool,
}

/// One parameter of one endpoint: its values per site, per visit.
#[derive(Debug, Default)]
struct ParamObs {
    sites: HashMap<u32, Vec<VisitObs>>,
}

/// The first pass: fed every third-party request URL with a query (with its site, visit and
/// page) and every cookie and storage value, then [`Learner::finish`]ed into the table.
#[derive(Debug, Default)]
pub struct Learner {
    params: HashMap<(String, String), ParamObs>,
    sites: HashMap<String, u32>,
    site_names: Vec<String>,
    registrable: HashMap<String, String>,
    /// Cookie and storage values and their identifier-shaped parts.
    visitor_values: HashSet<String>,
}

impl Learner {
    /// A learner with nothing seen.
    pub fn new() -> Learner {
        Learner::default()
    }

    /// One request of the crawl: its listed site, its visit, its page and its URL. First-party
    /// requests and requests without a query are skipped here.
    pub fn request(&mut self, site: &str, visit: i64, page: u32, url: &str) {
        let Some((host, query)) = host_and_query(url) else {
            return;
        };
        let domain = match self.registrable.get(host) {
            Some(d) => d.clone(),
            None => {
                let d = crate::list::registrable(host);
                self.registrable.insert(host.to_string(), d.clone());
                d
            }
        };
        let site_domain = match self.registrable.get(site) {
            Some(d) => d.clone(),
            None => {
                let d = crate::list::registrable(site);
                self.registrable.insert(site.to_string(), d.clone());
                d
            }
        };
        if domain == site_domain {
            return;
        }
        let n = self.site_names.len() as u32;
        let site_id = *self.sites.entry(site.to_string()).or_insert(n);
        if site_id == n {
            self.site_names.push(site.to_string());
        }
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            if !id_shaped(&v) {
                continue;
            }
            let obs = self
                .params
                .entry((domain.clone(), k.into_owned()))
                .or_default();
            let visits = obs.sites.entry(site_id).or_default();
            match visits.iter_mut().find(|o| o.visit == visit) {
                None => visits.push(VisitObs {
                    visit,
                    value: v.as_ref().into(),
                    page,
                    other_page: false,
                    varies_in_page: false,
                    varies_across_pages: false,
                }),
                Some(o) if *o.value == *v => o.other_page |= o.page != page,
                Some(o) if o.page == page => o.varies_in_page = true,
                Some(o) => o.varies_across_pages = true,
            }
        }
    }

    /// A value of one of a visit's cookies or storage items: a parameter that carries one is a
    /// visitor's ID, never an account's. Its identifier-shaped parts count too (a dotted or
    /// JSON value's pieces).
    pub fn visitor_value(&mut self, value: &str) {
        if id_shaped(value) {
            self.visitor_values.insert(value.to_string());
        }
        if value.len() > 8 {
            for part in value.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            {
                if part.len() >= 6 && id_shaped(part) {
                    self.visitor_values.insert(part.to_string());
                }
            }
        }
    }

    /// Each parameter's role, by the rule of the module's documentation.
    pub fn finish(self) -> Inferred {
        let mut out = Inferred::default();
        for (key, obs) in self.params {
            let role = classify(&obs, &self.site_names, &self.visitor_values);
            if role == Role::Account {
                out.domains.insert(key.0.clone());
            }
            if role != Role::Unknown {
                out.roles.insert(key, role);
            }
        }
        out
    }
}

fn classify(obs: &ParamObs, site_names: &[String], visitor_values: &HashSet<String>) -> Role {
    let all = || obs.sites.values().flatten();
    if all().any(|o| o.varies_in_page || o.varies_across_pages) {
        return Role::Page;
    }
    let across_visits = obs.sites.values().any(|v| {
        v.iter()
            .skip(1)
            .any(|o| o.value.as_ref() != v[0].value.as_ref())
    });
    if across_visits || all().any(|o| visitor_values.contains(o.value.as_ref())) {
        return Role::Visitor;
    }
    // Constant within each site from here on: one value per site.
    let values: HashSet<&str> = obs.sites.values().map(|v| v[0].value.as_ref()).collect();
    let sites = obs.sites.len();
    let evidence = obs
        .sites
        .values()
        .filter(|v| v.len() > 1 || v.iter().any(|o| o.other_page))
        .count();
    let own_name = obs.sites.iter().any(|(s, v)| {
        let site = &site_names[*s as usize];
        let label = site.split('.').next().unwrap_or(site);
        let value = v[0].value.to_ascii_lowercase();
        value.contains(site.as_str()) || (label.len() >= 4 && value.contains(label))
    });
    if sites >= 2 && evidence >= 2 && values.len() >= 2 && values.len() * 2 >= sites && !own_name {
        Role::Account
    } else {
        Role::Unknown
    }
}

/// A value that may be an account or visitor ID: 4 to 64 characters of letters, digits and
/// `-_.:@`, with a digit, not a bare time (10 or 13 digits), not a version (`1.2.3`), not a
/// size (`1366x768`).
pub fn id_shaped(v: &str) -> bool {
    let n = v.len();
    (4..=64).contains(&n)
        && v.bytes().any(|b| b.is_ascii_digit())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:@".contains(&b))
        && !(v.bytes().all(|b| b.is_ascii_digit()) && (n == 10 || n == 13))
        && !(v.contains('.') && v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
        && !v
            .split_once('x')
            .is_some_and(|(a, b)| a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok())
}

/// The host and the query of an http(s) URL, without parsing the rest.
fn host_and_query(url: &str) -> Option<(&str, &str)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let (_, query) = rest.split_once('?')?;
    let query = query.split('#').next().unwrap_or(query);
    let end = rest.find(['/', '?', ':', '#']).unwrap_or(rest.len());
    let host = &rest[..end];
    (!host.is_empty() && !query.is_empty()).then_some((host, query))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A vendor nothing knows on four sites: `k` its account (one per site, on every page),
    /// `vid` the visitor (a cookie's value, new each visit), `pv` a page view ID (new each
    /// page), `ts` the time, `v` its script's version (the same everywhere), `h` the site's own
    /// host, `sess` a visitor ID kept in neither (same across the pages of a visit, new on the
    /// second visit of a site).
    fn crawl() -> Inferred {
        let mut l = Learner::new();
        let sites = [
            ("news.example", "tb-88123", 3),
            ("shop.example", "tb-44871", 2),
            ("blog.example", "tb-10007", 1),
            ("docs.example", "tb-99002", 2),
        ];
        let mut n = 0;
        for (visit, mode) in [(0, "a"), (100, "b")] {
            for (i, (site, k, pages)) in sites.iter().enumerate() {
                let visit = visit + i as i64;
                let vid = format!("v{mode}{i}x91827");
                l.visitor_value(&format!("GA1.1.{vid}.1765016102"));
                for page in 0..*pages {
                    for _ in 0..2 {
                        n += 1;
                        l.request(
                            site,
                            visit,
                            page,
                            &format!(
                                "https://px.tailbeam.example/t/hit?k={k}&vid={vid}&pv=p{page}{visit}z{n}&ts={}&v=3.1.4&h={site}&sess=s{mode}{i}q55",
                                1765016102120u64 + n
                            ),
                        );
                    }
                }
                // A first-party request with the same names teaches nothing.
                l.request(site, visit, 0, &format!("https://{site}/api?k=own{visit}9"));
            }
        }
        l.finish()
    }

    #[test]
    fn roles_are_learned_from_how_values_vary() {
        let t = crawl();
        let role = |p| t.role("tailbeam.example", p);
        assert_eq!(role("k"), Role::Account);
        assert_eq!(role("vid"), Role::Visitor, "a cookie's value");
        assert_eq!(role("sess"), Role::Visitor, "new on the second visit");
        assert_eq!(role("pv"), Role::Page);
        assert_eq!(role("ts"), Role::Unknown, "a time is not ID-shaped");
        assert_eq!(role("v"), Role::Unknown, "a version is not ID-shaped");
        assert_eq!(role("h"), Role::Unknown, "not ID-shaped");
        assert_eq!(t.role("news.example", "k"), Role::Unknown);
        assert_eq!(
            t.accounts(),
            [("tailbeam.example".to_string(), "k".to_string())]
        );
        let q = vec![
            ("k".to_string(), "tb-44871".to_string()),
            ("pv".to_string(), "p0x".to_string()),
        ];
        assert_eq!(t.account_ids("tailbeam.example", &q), ["tb-44871"]);
        assert!(t.account_ids("other.example", &q).is_empty());
    }

    /// Without evidence there is no claim: one site, or values constant only on single-page
    /// visits, or the same value everywhere, or the site's own name.
    #[test]
    fn no_evidence_no_account() {
        let mut l = Learner::new();
        // Seen on one site only, over two pages.
        l.request("a.example", 1, 0, "https://x.example/h?one=acc123");
        l.request("a.example", 1, 1, "https://x.example/h?one=acc123");
        // Two sites, single pages: a per-load random value looks constant.
        for (i, s) in ["a.example", "b.example"].iter().enumerate() {
            let r = format!("https://x.example/h?rnd=r{i}abc9");
            l.request(s, i as i64, 0, &r);
        }
        // The same value on every site (a shared constant).
        for (i, s) in ["a.example", "b.example"].iter().enumerate() {
            for page in 0..2 {
                l.request(s, i as i64 + 10, page, "https://x.example/h?c=build42");
                l.request(
                    s,
                    i as i64 + 10,
                    page,
                    &format!("https://x.example/h?site=id-{s}2"),
                );
            }
        }
        let t = l.finish();
        for p in ["one", "rnd", "c", "site"] {
            assert_eq!(t.role("x.example", p), Role::Unknown, "{p}");
        }
        assert!(t.is_empty());
    }

    #[test]
    fn shapes() {
        for v in ["tb-88123", "UA-1234-1", "1234567", "a1b2c3d4"] {
            assert!(id_shaped(v), "{v}");
        }
        for v in [
            "1765016102",
            "1765016102120",
            "3.1.4",
            "1366x768",
            "en",
            "https://x/1",
        ] {
            assert!(!id_shaped(v), "{v}");
        }
        assert_eq!(
            host_and_query("https://px.a.example:8443/t?x=1#f"),
            Some(("px.a.example", "x=1"))
        );
        assert_eq!(host_and_query("https://a.example/t"), None);
    }
}
