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
/// Owner and category corrections applied after the list (seeds/entity-overrides.csv, one
/// reviewed line per domain with its source).
const OVERRIDES: &str = include_str!("../../seeds/entity-overrides.csv");

/// third-party-web's 13 categories.
pub const KNOWN_CATEGORIES: [&str; 13] = [
    "ad",
    "analytics",
    "cdn",
    "consent-provider",
    "content",
    "customer-success",
    "hosting",
    "marketing",
    "other",
    "social",
    "tag-manager",
    "utility",
    "video",
];

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
        E.get_or_init(|| {
            let mut e = Entities::parse(JSON).expect("the vendored entity list parses");
            e.apply_overrides(OVERRIDES)
                .expect("seeds/entity-overrides.csv is valid");
            e
        })
    }

    /// Applies owner corrections (`domain,name,owner,category,source`, one per line after
    /// the header): each line's domain (`*.example.com` or an exact host) then maps to its
    /// own entry, whatever the list said. Returns the lines applied; an error names the line.
    pub fn apply_overrides(&mut self, csv_text: &str) -> Result<usize, String> {
        let mut rd = csv::Reader::from_reader(csv_text.as_bytes());
        let mut n = 0;
        for (i, rec) in rd.records().enumerate() {
            let line = i + 2;
            let rec = rec.map_err(|e| format!("entity overrides, line {line}: {e}"))?;
            let field = |k: usize| rec.get(k).map(str::trim).unwrap_or("");
            let (domain, name, owner, category, source) =
                (field(0), field(1), field(2), field(3), field(4));
            if domain.is_empty() || name.is_empty() || owner.is_empty() || source.is_empty() {
                return Err(format!(
                    "entity overrides, line {line}: domain, name, owner and source are all required"
                ));
            }
            if !KNOWN_CATEGORIES.contains(&category) {
                return Err(format!(
                    "entity overrides, line {line}: category `{category}` is not one of third-party-web's ({})",
                    KNOWN_CATEGORIES.join(", ")
                ));
            }
            let idx = self.list.len();
            self.list.push(Entity {
                name: name.to_string(),
                company: Some(owner.to_string()),
                category: category.to_string(),
                domains: vec![domain.to_string()],
            });
            match domain.strip_prefix("*.") {
                Some(base) => self.wildcard.insert(base.to_ascii_lowercase(), idx),
                None => self.exact.insert(domain.to_ascii_lowercase(), idx),
            };
            n += 1;
        }
        Ok(n)
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
        let e = Entities::parse(JSON).unwrap();
        assert_eq!(e.len(), 2143);
        let mut cats: Vec<_> = e.list.iter().map(|x| x.category.as_str()).collect();
        cats.sort();
        cats.dedup();
        assert_eq!(cats, KNOWN_CATEGORIES);
    }

    /// The owner corrections are applied after the list, each line has a source, and a bad
    /// line is an error that names it.
    #[test]
    fn owner_corrections_apply_after_the_list() {
        let e = Entities::get();
        let aam = e.lookup("dpm.demdex.net").unwrap();
        assert_eq!(
            (aam.name.as_str(), aam.owner(), aam.category.as_str()),
            ("Adobe Audience Manager", "Adobe", "ad")
        );
        assert_eq!(
            e.lookup("sb.scorecardresearch.com").unwrap().owner(),
            "Comscore"
        );
        assert_eq!(e.lookup("analytics.twitter.com").unwrap().owner(), "X Corp");
        // Hosts of the same entity the file does not name keep the list's entry.
        assert_eq!(
            e.lookup("assets.adobedtm.com").unwrap().name,
            "Adobe Tag Manager"
        );
        let mut fresh = Entities::parse(JSON).unwrap();
        let n = fresh.apply_overrides(OVERRIDES).unwrap();
        assert_eq!(n, OVERRIDES.lines().count() - 1);
        let err = fresh
            .apply_overrides(
                "domain,name,owner,category,source\nx.example,X,X Inc,adverts,somewhere\n",
            )
            .unwrap_err();
        assert!(err.contains("line 2") && err.contains("adverts"), "{err}");
        let err = fresh
            .apply_overrides("domain,name,owner,category,source\nx.example,X,X Inc,ad,\n")
            .unwrap_err();
        assert!(err.contains("line 2") && err.contains("source"), "{err}");
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
