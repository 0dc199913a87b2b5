//! Owners and categories of third-party hosts, from the vendored MIT-licensed
//! `third-party-web` entity list (seeds/third-party-web/, embedded in the binary, parsed once).

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The vendored list's version (see seeds/third-party-web/SOURCE.md).
pub const VERSION: &str = "third-party-web 0.30.0";
/// SHA-256 of the vendored `entities.json`.
pub const SHA256: &str = "1ca06273a900b4bc206310d26d281459b89e367609505f8f69b1ce6e32bf7245";

const JSON: &str = include_str!("../../seeds/third-party-web/entities.json");

/// Categories that count as tracking: advertising, analytics, marketing, social widgets,
/// tag managers and customer-success tools (chat widgets and session recorders). CDNs,
/// hosting, fonts/utilities, content, video, consent providers and "other" are third parties
/// but not trackers.
pub const TRACKING_CATEGORIES: [&str; 6] = [
    "ad",
    "analytics",
    "marketing",
    "social",
    "tag-manager",
    "customer-success",
];

/// One entity of the list.
#[derive(Debug, Deserialize)]
pub struct Entity {
    /// Product or service name, e.g. `Hotjar`.
    pub name: String,
    /// Owning company, when the list names one.
    pub company: Option<String>,
    /// One of 13 categories (`ad`, `analytics`, `cdn`, …).
    pub category: String,
    /// Host patterns: `*.example.com` (the domain and every subdomain) or an exact host.
    pub domains: Vec<String>,
}

impl Entity {
    /// The owner: the company, or the entity's own name when the list gives none.
    pub fn owner(&self) -> &str {
        self.company.as_deref().unwrap_or(&self.name)
    }

    /// True when the category counts as tracking.
    pub fn is_tracking(&self) -> bool {
        TRACKING_CATEGORIES.contains(&self.category.as_str())
    }
}

/// The parsed list with a host index.
pub struct Entities {
    list: Vec<Entity>,
    wildcard: HashMap<String, usize>,
    exact: HashMap<String, usize>,
}

impl Entities {
    /// The embedded list, parsed on first use.
    pub fn get() -> &'static Entities {
        static E: OnceLock<Entities> = OnceLock::new();
        E.get_or_init(|| Entities::parse(JSON).expect("the vendored entity list parses"))
    }

    /// Parses an `entities.json`.
    pub fn parse(json: &str) -> Result<Entities, serde_json::Error> {
        let list: Vec<Entity> = serde_json::from_str(json)?;
        let mut wildcard = HashMap::new();
        let mut exact = HashMap::new();
        for (i, e) in list.iter().enumerate() {
            for d in &e.domains {
                match d.strip_prefix("*.") {
                    Some(base) => wildcard.entry(base.to_ascii_lowercase()).or_insert(i),
                    None => exact.entry(d.to_ascii_lowercase()).or_insert(i),
                };
            }
        }
        Ok(Entities {
            list,
            wildcard,
            exact,
        })
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// True when the list is empty.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The entity owning `host`: an exact entry, else the closest `*.` entry of the host or
    /// any parent domain.
    pub fn lookup(&self, host: &str) -> Option<&Entity> {
        let host = host.trim_end_matches('.');
        if let Some(&i) = self.exact.get(host) {
            return Some(&self.list[i]);
        }
        let mut h = host;
        loop {
            if let Some(&i) = self.wildcard.get(h) {
                return Some(&self.list[i]);
            }
            h = h.split_once('.')?.1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn vendored_file_is_the_documented_version() {
        assert_eq!(hex::encode(Sha256::digest(JSON.as_bytes())), SHA256);
        let e = Entities::get();
        assert_eq!(e.len(), 2143);
        let mut cats: Vec<_> = e.list.iter().map(|x| x.category.as_str()).collect();
        cats.sort();
        cats.dedup();
        assert_eq!(cats.len(), 13);
    }

    #[test]
    fn hosts_map_to_owners_and_categories() {
        let e = Entities::get();
        let tt = e.lookup("analytics.tiktok.com").unwrap();
        assert_eq!((tt.name.as_str(), tt.owner()), ("TikTok", "ByteDance Ltd"));
        assert!(e.lookup("www.facebook.com").unwrap().is_tracking());
        assert_eq!(
            e.lookup("region1.google-analytics.com").unwrap().name,
            "Google Analytics"
        );
        assert_eq!(e.lookup("static.hotjar.com").unwrap().name, "Hotjar");
        assert!(e.lookup("shop.example").is_none());
        let cdn = e.lookup("cdnjs.cloudflare.com").unwrap();
        assert!(!cdn.is_tracking(), "{} is {}", cdn.name, cdn.category);
    }
}
