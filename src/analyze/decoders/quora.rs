//! Quora's pixel: loader `a.quora.com/qevents.js`, hits
//! `q.quora.com/_/ad/<pixel>/pixel?tag=<event>` (`&i=gtm` from its GTM template, `&u=` the
//! page URL).

use super::spec::{NONE, Spec, at, segment};
use super::{Decoded, claim};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// The Quora decoder.
pub static QUORA: Spec = Spec {
    name: "quora",
    tracker: "Quora Pixel",
    company: "Quora",
    category: "ad",
    claims: &[claim("q.quora.com", "Quora Pixel", "Quora", "ad")],
    loaders: &[at("a.quora.com", "/qevents.js")],
    hits: &[at("q.quora.com", "/_/ad/")],
    requires: &[],
    ids: &[],
    events: &["tag"],
    fields: &[("u", Field::PageUrl)],
    id_cookies: &[],
    extra: Some(pixel),
    ..NONE
};

/// The pixel in the path: `/_/ad/<pixel>/pixel`.
fn pixel(r: &RequestView, d: &mut Decoded) {
    if let Some(id) = segment(&r.path, 3) {
        d.id(id);
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// Quora's pixel code as a site pasted it (the `<noscript>` image of a public landing
    /// page on GitHub, pixel 8f5a6fee…; the library's file 7899060799), and the GTM
    /// template's hit with the page in `u` (its template code, file 18548787127).
    #[test]
    fn pixel_hits() {
        let d = decode(&req("GET", "https://q.quora.com/_/ad/8f5a6fee5c1345e681c7f4066c1f870a/pixel?tag=ViewContent&noscript=1", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Quora Pixel", Role::Hit));
        assert_eq!(d.pixel_ids, ["8f5a6fee5c1345e681c7f4066c1f870a"]);
        assert_eq!(d.events, ["ViewContent"]);
        let d = decode(&req("GET", "https://q.quora.com/_/ad/8f5a6fee5c1345e681c7f4066c1f870a/pixel?tag=Generic&i=gtm&u=https%3A%2F%2Fshop.example%2F", None, None)).unwrap();
        assert!(has(&d, "page_url", "plain"));
    }
}
