//! First or third party, by registrable domain (eTLD+1, from the Public Suffix List through
//! the `psl` crate).

pub use crate::list::registrable;

/// The host of a URL, if it has one.
pub fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url).ok()?.host_str().map(|h| {
        h.trim_matches(|c| c == '[' || c == ']')
            .to_ascii_lowercase()
    })
}

/// The first parties of a visit: the listed site and, after a redirect to another domain,
/// the final URL's.
#[derive(Clone, Debug)]
pub struct Parties {
    first: Vec<String>,
}

impl Parties {
    /// First parties for a visit of `domain` that ended on `final_url`.
    pub fn new(domain: &str, final_url: Option<&str>) -> Parties {
        let mut first = vec![registrable(domain)];
        if let Some(h) = final_url.and_then(host_of) {
            let r = registrable(&h);
            if !first.contains(&r) {
                first.push(r);
            }
        }
        Parties { first }
    }

    /// True when `url`'s registrable domain is none of the first parties.
    pub fn is_third_party(&self, url: &str) -> bool {
        host_of(url).is_some_and(|h| self.is_third_party_host(&h))
    }

    /// True when `host`'s registrable domain is none of the first parties.
    pub fn is_third_party_host(&self, host: &str) -> bool {
        self.is_third_party_site(&registrable(host))
    }

    /// True when the registrable domain `site` is none of the first parties.
    pub fn is_third_party_site(&self, site: &str) -> bool {
        !self.first.iter().any(|f| f == site)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable("www.news.example.co.uk"), "example.co.uk");
        assert_eq!(registrable("analytics.tiktok.com"), "tiktok.com");
        assert_eq!(registrable("metrics.shop.test"), "shop.test");
        assert_eq!(registrable("127.0.0.1"), "127.0.0.1");
    }

    #[test]
    fn third_party_by_registrable_domain_and_redirect() {
        let p = Parties::new("shop.example", Some("https://www.shop-eu.example/"));
        assert!(!p.is_third_party("https://cdn.shop.example/app.js"));
        assert!(!p.is_third_party("https://shop-eu.example/x"));
        assert!(p.is_third_party("https://www.facebook.com/tr/?id=1"));
        assert!(p.is_third_party("https://region1.google-analytics.com/g/collect"));
    }
}
