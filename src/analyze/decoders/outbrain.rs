//! Outbrain's pixel: loader `amplify.outbrain.com/cp/obtp.js`, hits
//! `tr.outbrain.com/unifiedPixel?marketerId=<id>,<id>&name=<event>&dl=<page>`.

use super::claim;
use super::spec::{NONE, Spec, at};
use crate::analyze::Field;

/// The Outbrain decoder.
pub static OUTBRAIN: Spec = Spec {
    name: "outbrain",
    tracker: "Outbrain Pixel",
    company: "Outbrain",
    category: "ad",
    claims: &[claim("tr.outbrain.com", "Outbrain Pixel", "Outbrain", "ad")],
    loaders: &[at("amplify.outbrain.com", "/cp/obtp")],
    hits: &[
        at("tr.outbrain.com", "/unifiedPixel"),
        at("tr.outbrain.com", "/pixel"),
    ],
    requires: &[],
    ids: &["marketerId"],
    events: &["name"],
    fields: &[("dl", Field::PageUrl), ("ref", Field::Referrer)],
    id_cookies: &[],
    extra: None,
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A page view for three marketers as Omnibug's test suite has it (MisterPhilip/omnibug,
    /// `test/providers/Outbrain.js`).
    #[test]
    fn unified_pixel() {
        let d = decode(&req("GET", "https://tr.outbrain.com/unifiedPixel?marketerId=004e6e2a8dddb574d007a0de6dfc517063,00c8f9e47f3276f93622bf0fc68f3902e8,000e82d9fd79b774dfc2addc8ab340a83b&obApiVersion=1.0-gtm&obtpVersion=1.5.2&name=PAGE_VIEW&dl=https%3A%2F%2Fwww.outbrain.com%2F&optOut=false&bust=012238395391955281", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Outbrain Pixel", Role::Hit));
        assert_eq!(d.pixel_ids.len(), 3);
        assert_eq!(d.events, ["PAGE_VIEW"]);
        assert!(has(&d, "page_url", "plain"));
    }
}
