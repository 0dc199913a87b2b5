//! User-supplied filter lists in adblock syntax (`--rules FILE`, repeatable: EasyPrivacy,
//! Ghostery's trackerdb.txt, …) matched through Brave's `adblock` crate. None is vendored
//! (their licences are copyleft or non-commercial); README.md says where to get them.

use super::party::registrable;
use super::request::RequestView;
use std::path::PathBuf;

/// The page a request was made from, taken apart once per visit and page (the request's
/// side is its [`RequestView`]).
pub struct Page {
    host: String,
    site: Option<String>,
}

impl Page {
    /// Parses a page URL; a URL without a host makes every request third-party, as the
    /// `adblock` crate's own parser decides.
    pub fn parse(url: &str) -> Page {
        match super::party::host_of(url) {
            Some(host) => Page {
                site: Some(registrable(&host)),
                host,
            },
            None => Page {
                host: String::new(),
                site: None,
            },
        }
    }
}

/// Errors loading filter lists.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// A list could not be read.
    #[error("cannot read filter list {path}: {source}")]
    Read {
        /// The list.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A list holds no network rule.
    #[error(
        "{0} holds no network filter rule; is it an adblock-syntax list (EasyPrivacy, trackerdb.txt)?"
    )]
    Empty(PathBuf),
}

/// Loaded filter lists, ready to match requests.
pub struct Rules {
    engine: adblock::Engine,
    /// The lists and how many non-comment lines each had.
    pub lists: Vec<(PathBuf, usize)>,
}

/// The crate's domain resolver: ours, on the Public Suffix List the rest of the analysis
/// uses ([`registrable`]), instead of its `embedded-domain-resolver` (a second copy of the
/// list, the `addr` crate, ~20 CPU-s of a clean build). The engine asks for it only when it
/// parses a URL itself; [`Rules::matched`] hands it requests already parsed.
struct Resolver;

impl adblock::url_parser::ResolvesDomain for Resolver {
    fn get_host_domain(&self, host: &str) -> (usize, usize) {
        let domain = registrable(host);
        match host.len().checked_sub(domain.len()) {
            Some(start) if host[start..].eq_ignore_ascii_case(&domain) => (start, host.len()),
            _ => (0, host.len()),
        }
    }
}

impl Rules {
    /// Loads and compiles the lists (once per run).
    pub fn load(paths: &[PathBuf]) -> Result<Rules, RulesError> {
        // Set once per process; a second load finds it set.
        let _ = adblock::url_parser::set_domain_resolver(Box::new(Resolver));
        let mut set = adblock::lists::FilterSet::new(true);
        let mut lists = Vec::new();
        for p in paths {
            let text = std::fs::read_to_string(p).map_err(|source| RulesError::Read {
                path: p.clone(),
                source,
            })?;
            let lines: Vec<&str> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('!') && !l.starts_with('['))
                .collect();
            let network = lines
                .iter()
                .filter(|l| !l.contains("##") && !l.contains("#@#"))
                .count();
            if network == 0 {
                return Err(RulesError::Empty(p.clone()));
            }
            set.add_filter_list(text.clone(), adblock::lists::ParseOptions::default());
            lists.push((p.clone(), lines.len()));
        }
        Ok(Rules {
            engine: adblock::Engine::new_with_filter_set_no_optimize(set),
            lists,
        })
    }

    /// The rule that would block `v` on `page`, if any (exceptions honoured). The request
    /// goes to the engine pre-parsed (host, party), so no URL is parsed again here.
    pub fn matched(&self, v: &RequestView, page: &Page) -> Option<String> {
        use crate::capture::ResourceType as T;
        let r = v.raw;
        let kind = match r.resource_type {
            T::Document if r.is_main_frame => "document",
            T::Document => "subdocument",
            T::Script => "script",
            T::Image => "image",
            T::Stylesheet => "stylesheet",
            T::Font => "font",
            T::Media => "media",
            T::Xhr | T::Fetch | T::EventSource => "xmlhttprequest",
            T::Ping | T::CspViolationReport => "ping",
            T::WebSocket => "websocket",
            _ => "other",
        };
        let third_party = page.site.as_deref().is_none_or(|s| s != v.site);
        let req = adblock::request::Request::preparsed(
            &r.url,
            &v.host,
            &page.host,
            kind,
            third_party,
            &r.method,
        );
        let res = self.engine.check_network_request(&req);
        if !res.should_block() {
            return None;
        }
        res.filter
            .and_then(|f| f.raw_line)
            .or(Some(String::from("(rule)")))
    }

    /// A short description for logs: `2 lists, 40213 rules`.
    pub fn describe(&self) -> String {
        format!(
            "{} list(s), {} rules",
            self.lists.len(),
            self.lists.iter().map(|(_, n)| n).sum::<usize>()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::decoders::testutil::req;
    use crate::analyze::party::Parties;
    use crate::capture::RawRequest;

    #[test]
    fn the_engines_domain_resolver_is_the_public_suffix_list() {
        use adblock::url_parser::ResolvesDomain;
        let domain = |h: &'static str| {
            let (a, b) = Resolver.get_host_domain(h);
            &h[a..b]
        };
        assert_eq!(domain("api.m.example.com"), "example.com");
        assert_eq!(domain("a.b.co.uk"), "b.co.uk");
        assert_eq!(domain("px.ads.tiktok-shop.test"), "tiktok-shop.test");
        assert_eq!(domain("Px.Example.COM"), "Example.COM");
        assert_eq!(domain("127.0.0.1"), "127.0.0.1");
        assert_eq!(domain("localhost"), "localhost");
        assert_eq!(domain(""), "");
    }

    fn matched(rules: &Rules, r: &RawRequest, page: &str) -> Option<String> {
        let parties = Parties::new("shop.example", None);
        rules.matched(&RequestView::new(r, &parties).unwrap(), &Page::parse(page))
    }

    #[test]
    fn rules_match_with_exceptions_and_types() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("privacy.txt");
        std::fs::write(&list, "! Title: test list\n||tracker.example^\n||cdn.example/pixel.gif$image\n@@||tracker.example/allowed.js\nexample.com##.ad\n").unwrap();
        let rules = Rules::load(&[list]).unwrap();
        let page = "https://shop.example/";
        assert_eq!(
            matched(
                &rules,
                &req("GET", "https://tracker.example/t.js", None, None),
                page
            )
            .as_deref(),
            Some("||tracker.example^")
        );
        assert_eq!(
            matched(
                &rules,
                &req("GET", "https://tracker.example/allowed.js", None, None),
                page
            ),
            None,
            "exception"
        );
        let mut img = req("GET", "https://cdn.example/pixel.gif", None, None);
        img.resource_type = crate::capture::ResourceType::Image;
        assert_eq!(
            matched(&rules, &img, page).as_deref(),
            Some("||cdn.example/pixel.gif$image")
        );
        img.resource_type = crate::capture::ResourceType::Script;
        assert_eq!(
            matched(&rules, &img, page),
            None,
            "$image only matches images"
        );
        assert!(rules.describe().starts_with("1 list(s)"));
    }

    #[test]
    fn unreadable_or_empty_lists_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = Rules::load(&[dir.path().join("nope.txt")]).err().unwrap();
        assert!(missing.to_string().contains("cannot read filter list"));
        let cosmetic = dir.path().join("cosmetic.txt");
        std::fs::write(&cosmetic, "example.com##.banner\n").unwrap();
        assert!(
            Rules::load(&[cosmetic])
                .err()
                .unwrap()
                .to_string()
                .contains("no network filter rule")
        );
    }
}
