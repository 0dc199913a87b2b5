//! Decoders written as data: a vendor whose requests are read by parameter name alone is one
//! [`Spec`] (its endpoints, the parameters that carry its IDs, events and fields, its ID
//! cookies), with a hook for the one or two things a table cannot say. Each vendor's spec
//! lives in its own file with the tests built from its real requests.

use super::{Claim, Decoded, Decoder, Role, on};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// Where a vendor's requests go: a host (and its subdomains; empty for any host, for tags
/// served from the site's own domain) and a path (a prefix; `*x` for a path containing `x`;
/// `x$` for a path ending in `x`).
#[derive(Clone, Copy, Debug)]
pub struct Endpoint {
    /// The host, or empty for any.
    pub host: &'static str,
    /// The path pattern.
    pub path: &'static str,
}

/// An [`Endpoint`] (for the specs' tables).
pub const fn at(host: &'static str, path: &'static str) -> Endpoint {
    Endpoint { host, path }
}

impl Endpoint {
    fn matches(&self, r: &RequestView) -> bool {
        let path = if let Some(x) = self.path.strip_prefix('*') {
            r.path.contains(x)
        } else if let Some(x) = self.path.strip_suffix('$') {
            r.path.ends_with(x)
        } else {
            r.path.starts_with(self.path)
        };
        path && (self.host.is_empty() || on(&r.host, self.host))
    }
}

/// One vendor's decoder as data.
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
    /// Parameters a hit must carry (for endpoints on any host, so a site's own path of the
    /// same name is not taken for the tag).
    pub requires: &'static [&'static str],
    /// Parameters whose values are pixel, tag or account IDs (a `,`-separated list is split).
    pub ids: &'static [&'static str],
    /// Parameters whose values are event names.
    pub events: &'static [&'static str],
    /// Parameters and the canonical field each carries.
    pub fields: &'static [(&'static str, Field)],
    /// First-party cookies the tag sets as identifiers.
    pub id_cookies: &'static [&'static str],
    /// What the table cannot say (IDs in the path, events packed in a parameter).
    pub extra: Option<fn(&RequestView, &mut Decoded)>,
}

impl Spec {
    /// An empty result of this vendor.
    pub fn decoded(&self, role: Role) -> Decoded {
        Decoded::new(self.tracker, self.company, self.category, role)
    }
}

impl Decoder for Spec {
    fn name(&self) -> &'static str {
        self.name
    }

    fn claims(&self) -> &'static [Claim] {
        self.claims
    }

    fn id_cookies(&self) -> &'static [&'static str] {
        self.id_cookies
    }

    fn decode(&self, r: &RequestView) -> Option<Decoded> {
        if self.loaders.iter().any(|e| e.matches(r)) {
            let mut d = self.decoded(Role::Loader);
            if let Some(f) = self.extra {
                f(r, &mut d);
            }
            return Some(d);
        }
        let hit = self
            .hits
            .iter()
            .any(|e| e.matches(r) && (!e.host.is_empty() || self.has_required(r)));
        if !hit {
            return None;
        }
        let mut d = self.decoded(Role::Hit);
        for p in self.ids {
            for v in r.params(p) {
                v.split(',').map(str::trim).for_each(|i| d.id(i));
            }
        }
        for p in self.events {
            r.params(p).for_each(|v| d.event(v));
        }
        for (p, field) in self.fields {
            d.field(r, p, *field);
        }
        if let Some(f) = self.extra {
            f(r, &mut d);
        }
        Some(d)
    }
}

impl Spec {
    fn has_required(&self, r: &RequestView) -> bool {
        self.requires.iter().all(|p| r.param(p).is_some())
    }
}

/// The `n`th segment of a path (`/b/ss/rsid/1` → 3rd is `rsid`), 1-based.
pub fn segment(path: &str, n: usize) -> Option<&str> {
    path.split('/').nth(n).filter(|s| !s.is_empty())
}
