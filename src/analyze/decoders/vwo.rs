//! VWO (Wingify's Visual Website Optimizer): the SmartCode loads `dev.visualwebsiteoptimizer.com/
//! j.php?a=<account>&u=<page>&…` (or `/lib/<account>.js`, `/tag/<account>.js`), then tracks
//! to the same host: images such as `ee.gif` and `c.gif` with `a` (account), `experiment_id`
//! and `u` (the visitor's UUID), and the newer `/events/t?en=<event>&a=<account>` with a JSON
//! body (`d.visId`, `d.event.name`, the page under `d.event.props.page`).

use super::claim;
use super::spec::{NONE, Spec, assign, at};
use crate::analyze::Field;

/// The VWO decoder.
pub static VWO: Spec = Spec {
    name: "vwo",
    tracker: "VWO",
    company: "Wingify",
    category: "analytics",
    claims: &[claim(
        "visualwebsiteoptimizer.com",
        "VWO",
        "Wingify",
        "analytics",
    )],
    loaders: &[
        at("visualwebsiteoptimizer.com", "/j.php"),
        at("visualwebsiteoptimizer.com", "/lib/"),
        at("visualwebsiteoptimizer.com", "/tag/"),
        at("visualwebsiteoptimizer.com", "/settings.js"),
    ],
    hits: &[at("visualwebsiteoptimizer.com", "/")],
    ids: &["a", "account_id"],
    path_ids: &["/lib/{}.js", "/tag/{}.js"],
    events: &["en", "d.event.name"],
    fields: &[
        ("d.event.props.page.url", Field::PageUrl),
        ("d.event.props.page.title", Field::PageTitle),
        ("d.event.props.page.referrerUrl", Field::Referrer),
        ("d.visId", Field::CookieId),
        ("u", Field::CookieId),
    ],
    id_cookies: &["_vwo_uuid", "_vwo_uuid_v2", "_vis_opt_s", "_vwo_ds"],
    domains: &["vwo.com"],
    inline: &[assign("account_id", "_vwo")],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Decoder;
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// The SmartCode's loader request and snippet (VWO's published SmartCode: `var
    /// account_id=<id>`, `…/j.php?a='+account_id+'&u='+…`), and a goal image with the visitor.
    #[test]
    fn smartcode_and_goal() {
        let l = decode(&req("GET", "https://dev.visualwebsiteoptimizer.com/j.php?a=654321&u=https%3A%2F%2Fshop.example%2F&vn=2.1&x=true", None, None)).unwrap();
        assert_eq!(
            (l.tracker, l.role, l.pixel_ids.clone()),
            ("VWO", Role::Loader, vec!["654321".to_string()])
        );
        let d = decode(&req("GET", "https://dev.visualwebsiteoptimizer.com/c.gif?account_id=654321&experiment_id=12&goal_id=1&ab=1&u=D0F1E2D3C4B5A69788A9B0C1D2E3F4A5&s=2&random=0.1234", None, None)).unwrap();
        assert_eq!(
            (d.role, d.pixel_ids.clone()),
            (Role::Hit, vec!["654321".to_string()])
        );
        assert!(has(&d, "cookie_id", "plain"));
        let s = "window._vwo_code || (function() { var account_id=654321, version=2.1, settings_tolerance=2000; })();";
        assert_eq!(super::VWO.inline(s)[0].pixel_ids, ["654321"]);
    }
}
