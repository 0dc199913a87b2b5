//! Pixel decoders: one file per vendor, all with the same small interface, listed in one
//! registry. A decoder recognises its vendor's requests by endpoint path and parameters as
//! well as by host (so a pixel proxied through the site's own subdomain is still found) and
//! extracts pixel IDs, events and the canonical fields of shared/pixel-formats.md.

mod google;
mod linkedin;
mod meta;
mod microsoft;
mod pinterest;
mod recorders;
mod reddit;
mod snap;
mod tiktok;
mod x;

use super::request::RequestView;
use super::vocab::{Algo, Digits, Encoding, Field};

/// What a recognised request is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The vendor's script or configuration: the pixel is loaded.
    Loader,
    /// A hit that sends data: the pixel fired.
    Hit,
}

/// A field a decoder knows a parameter to carry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DecodedField {
    /// Canonical name (shared/pixel-formats.md).
    pub name: Field,
    /// `plain`, or the hash a hashed value is in (`sha256`, `sha256-b64`, `md5`, …).
    pub encoding: Encoding,
    /// Where in the request.
    pub location: crate::analyze::Location,
}

/// A decoded request.
#[derive(Clone, Debug)]
pub struct Decoded {
    /// Stable product name (`TikTok Pixel`, `Meta Pixel`, …).
    pub tracker: &'static str,
    /// Owner.
    pub company: &'static str,
    /// Category (third-party-web's vocabulary: `ad`, `analytics`, `tag-manager`, …).
    pub category: &'static str,
    /// Loader or hit.
    pub role: Role,
    /// Pixel, tag or account IDs.
    pub pixel_ids: Vec<String>,
    /// Event names.
    pub events: Vec<String>,
    /// Fields the request carries by the vendor's parameter names.
    pub fields: Vec<DecodedField>,
}

impl Decoded {
    /// An empty result for a product.
    pub fn new(
        tracker: &'static str,
        company: &'static str,
        category: &'static str,
        role: Role,
    ) -> Decoded {
        Decoded {
            tracker,
            company,
            category,
            role,
            pixel_ids: Vec::new(),
            events: Vec::new(),
            fields: Vec::new(),
        }
    }

    /// Adds a pixel ID if non-empty and new.
    pub fn id(&mut self, id: impl Into<String>) {
        let id = id.into();
        if !id.is_empty() && !self.pixel_ids.contains(&id) {
            self.pixel_ids.push(id);
        }
    }

    /// Adds an event name if non-empty and new.
    pub fn event(&mut self, ev: impl Into<String>) {
        let ev = ev.into();
        if !ev.is_empty() && !self.events.contains(&ev) {
            self.events.push(ev);
        }
    }

    /// Records `field` when parameter `param` is present and non-empty. Hashed fields get the
    /// hash recognised from the value's shape.
    pub fn field(&mut self, r: &RequestView, param: &str, name: Field) {
        let Some(v) = r.params(param).find(|v| !v.is_empty()) else {
            return;
        };
        if let Some(location) = r.param_location(param) {
            self.value(name, v, location);
        }
    }

    /// Records `field` for a value found at `location` (inside a parameter the decoder has
    /// taken apart itself). Hashed fields get the hash recognised from the value's shape.
    pub fn value(&mut self, name: Field, v: &str, location: crate::analyze::Location) {
        let encoding = if name.is_hashed() {
            hash_shape(v)
        } else {
            Encoding::Plain
        };
        let f = DecodedField {
            name,
            encoding,
            location,
        };
        if !self.fields.contains(&f) {
            self.fields.push(f);
        }
    }
}

/// The hash a value looks like: hex by length, base64 by length.
pub fn hash_shape(v: &str) -> Encoding {
    let hex = v.chars().all(|c| c.is_ascii_hexdigit());
    match (hex, v.len()) {
        (true, 32) => Encoding::hash(Algo::Md5, Digits::Hex),
        (true, 40) => Encoding::hash(Algo::Sha1, Digits::Hex),
        (true, 64) => Encoding::hash(Algo::Sha256, Digits::Hex),
        (true, 128) => Encoding::hash(Algo::Sha512, Digits::Hex),
        (false, 44) if v.ends_with('=') => Encoding::hash(Algo::Sha256, Digits::Base64),
        (false, 43) => Encoding::hash(Algo::Sha256, Digits::Base64Url),
        _ => Encoding::Plain,
    }
}

/// One vendor's decoder.
pub trait Decoder: Sync + Send {
    /// Short decoder name (`tiktok`, `meta`, …), recorded with each request.
    fn name(&self) -> &'static str;
    /// Decodes `r` if it is this vendor's.
    fn decode(&self, r: &RequestView) -> Option<Decoded>;
    /// Names of the first-party cookies the vendor's script sets as identifiers (their values
    /// are looked for in every request, as `cookie_id`).
    fn id_cookies(&self) -> &'static [&'static str] {
        &[]
    }
}

/// Identifier cookies of vendors with no decoder yet.
const OTHER_ID_COOKIES: &[&str] = &[
    // Segment's anonymous visitor ID.
    "ajs_anonymous_id",
];

/// True for the name of a first-party cookie a tracker uses as an identifier: every
/// decoder's [`Decoder::id_cookies`] and [`OTHER_ID_COOKIES`], gathered once.
pub fn is_id_cookie(name: &str) -> bool {
    static NAMES: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    NAMES
        .get_or_init(|| {
            REGISTRY
                .iter()
                .flat_map(|d| d.id_cookies())
                .chain(OTHER_ID_COOKIES)
                .copied()
                .collect()
        })
        .contains(name)
}

/// Every decoder, in matching order. Adding a vendor: one file and one line here.
pub static REGISTRY: &[&dyn Decoder] = &[
    &tiktok::TikTok,
    &meta::Meta,
    &google::Google,
    &x::X,
    &microsoft::Uet,
    &linkedin::LinkedIn,
    &pinterest::Pinterest,
    &snap::Snap,
    &reddit::Reddit,
    &recorders::Recorders,
];

/// The first decoder that recognises `r`, with its name.
pub fn decode(r: &RequestView) -> Option<(&'static str, Decoded)> {
    REGISTRY
        .iter()
        .find_map(|d| d.decode(r).map(|x| (d.name(), x)))
}

/// True when `host` is `domain` or a subdomain of it.
pub fn on(host: &str, domain: &str) -> bool {
    host == domain || host.strip_suffix(domain).is_some_and(|h| h.ends_with('.'))
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Requests shaped like the real pixels' for decoder tests.
    use crate::capture::{BodyState, RawRequest};

    /// A captured request.
    pub fn req(method: &str, url: &str, body: Option<&str>, ctype: Option<&str>) -> RawRequest {
        RawRequest {
            seq: 0,
            request_id: "1".into(),
            url: url.into(),
            method: method.into(),
            resource_type: crate::capture::ResourceType::Fetch,
            headers: ctype
                .map(|c| vec![("Content-Type".to_string(), c.to_string())])
                .unwrap_or_default(),
            body: body.map(|b| b.as_bytes().to_vec()),
            body_state: if body.is_some() {
                BodyState::Complete
            } else {
                BodyState::None
            },
            initiator: "{}".into(),
            frame_id: "F".into(),
            frame_url: "https://shop.example/".into(),
            is_main_frame: false,
            status: Some(200),
            mime_type: None,
            response_headers: vec![],
            failure: None,
            wall_time: 0.0,
            step: crate::capture::Step::Load,
            page: 0,
        }
    }

    /// Decodes with the whole registry.
    pub fn decode(r: &RawRequest) -> Option<super::Decoded> {
        let parties = crate::analyze::party::Parties::new("shop.example", None);
        super::decode(&super::RequestView::new(r, &parties).unwrap()).map(|(_, d)| d)
    }

    /// True when the decoded request has the field with the encoding.
    pub fn has(d: &super::Decoded, name: &str, encoding: &str) -> bool {
        d.fields
            .iter()
            .any(|f| f.name.as_str() == name && f.encoding.to_string() == encoding)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_cookies_are_declared_by_their_vendors_once() {
        let mut all: Vec<&str> = REGISTRY
            .iter()
            .flat_map(|d| d.id_cookies())
            .chain(OTHER_ID_COOKIES)
            .copied()
            .collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "a cookie declared twice");
        assert_eq!(
            n, 19,
            "the 19 identifier cookies known before they moved to the decoders"
        );
        for c in [
            "_ttp",
            "_fbp",
            "_fbc",
            "_ga",
            "_gcl_au",
            "_uetvid",
            "li_fat_id",
            "_hjSessionUser",
            "ajs_anonymous_id",
        ] {
            assert!(is_id_cookie(c), "{c}");
        }
        assert!(!is_id_cookie("session"));
    }
}
