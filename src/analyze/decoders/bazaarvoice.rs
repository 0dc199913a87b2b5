//! Bazaarvoice (ratings and reviews): the loader `apps.bazaarvoice.com/deployments/<client>/
//! <zone>/production/<locale>/bv.js` (`display.ugc.bazaarvoice.com/static/<client>/…` in older
//! deployments), and its analytics pixel `network-a.bazaarvoice.com/a.gif?cl=<class>&type=…&
//! client=<client>&href=<page>&ref=<referrer>&BVBRANDID=<visitor>&…`.

use super::claim;
use super::spec::{NONE, Spec, at};
use crate::analyze::Field;

/// The Bazaarvoice decoder.
pub static BAZAARVOICE: Spec = Spec {
    name: "bazaarvoice",
    tracker: "Bazaarvoice",
    company: "Bazaarvoice",
    category: "analytics",
    claims: &[claim(
        "bazaarvoice.com",
        "Bazaarvoice",
        "Bazaarvoice",
        "analytics",
    )],
    loaders: &[
        at("apps.bazaarvoice.com", "*.js"),
        at("display.ugc.bazaarvoice.com", "*.js"),
    ],
    hits: &[at("bazaarvoice.com", "/")],
    ids: &["client"],
    path_ids: &["/deployments/{}/**", "/static/{}/**"],
    events: &["cl"],
    fields: &[
        ("href", Field::PageUrl),
        ("ref", Field::Referrer),
        ("BVBRANDID", Field::CookieId),
    ],
    id_cookies: &["BVBRANDID", "BVBRANDSID"],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A page view pixel and a deployment's loader in the shapes bv.js requests them (no
    /// captured request was at hand: the client and IDs are made up).
    #[test]
    fn pixel_and_loader() {
        let d = decode(&req("GET", "https://network-a.bazaarvoice.com/a.gif?cl=PageView&type=Product&bvProduct=RatingsAndReviews&client=shopco2&dc=main_site&source=bv-loader&host=shop.example&href=https%3A%2F%2Fshop.example%2Fp%2Flamp&ref=https%3A%2F%2Fshop.example%2F&BVBRANDID=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9&BVBRANDSID=1a2b3c4d", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Bazaarvoice", Role::Hit));
        assert_eq!(
            (d.pixel_ids.clone(), d.events.clone()),
            (vec!["shopco2".to_string()], vec!["PageView".to_string()])
        );
        for f in ["page_url", "referrer", "cookie_id"] {
            assert!(has(&d, f, "plain"), "{f}");
        }
        let l = decode(&req(
            "GET",
            "https://apps.bazaarvoice.com/deployments/shopco2/main_site/production/en_US/bv.js",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (l.role, l.pixel_ids.clone()),
            (Role::Loader, vec!["shopco2".to_string()])
        );
    }
}
