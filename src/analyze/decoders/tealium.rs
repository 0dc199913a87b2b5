//! Tealium, told apart: iQ Tag Management (`tags.tiqcdn.com/utag/<account>/<profile>/<env>/
//! utag.js`, a tag manager) and EventStream / AudienceStream collection (`collect.tealiumiq.com/
//! event` or `/<account>/<profile>/2/i.gif`, with `tealium_account`, `tealium_profile`,
//! `tealium_event` and `tealium_visitor_id`).

use super::claim;
use super::spec::{NONE, Spec, at};
use crate::analyze::Field;

/// The Tealium iQ decoder.
pub static TEALIUM_IQ: Spec = Spec {
    name: "tealium-iq",
    tracker: "Tealium iQ",
    company: "Tealium",
    category: "tag-manager",
    claims: &[claim("tiqcdn.com", "Tealium iQ", "Tealium", "tag-manager")],
    loaders: &[at("tiqcdn.com", "/utag/")],
    path_ids: &["/utag/{}/**"],
    ..NONE
};

/// The Tealium EventStream decoder.
pub static TEALIUM_COLLECT: Spec = Spec {
    name: "tealium-collect",
    tracker: "Tealium EventStream",
    company: "Tealium",
    category: "analytics",
    claims: &[claim(
        "tealiumiq.com",
        "Tealium EventStream",
        "Tealium",
        "analytics",
    )],
    hits: &[at("tealiumiq.com", "/")],
    ids: &["tealium_account", "data.tealium_account"],
    path_ids: &["/{}/*/2/i.gif"],
    events: &["tealium_event", "data.tealium_event"],
    fields: &[
        ("tealium_visitor_id", Field::CookieId),
        ("data.tealium_visitor_id", Field::CookieId),
        ("dom.url", Field::PageUrl),
        ("data.dom.url", Field::PageUrl),
    ],
    id_cookies: &["utag_main"],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// The utag.js loader and an EventStream event in the shapes Tealium's tags request them
    /// (no captured request was at hand: the account is made up).
    #[test]
    fn utag_and_collect() {
        let l = decode(&req(
            "GET",
            "https://tags.tiqcdn.com/utag/shopco2/main/prod/utag.js",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (l.tracker, l.role, l.pixel_ids.clone()),
            ("Tealium iQ", Role::Loader, vec!["shopco2".to_string()])
        );
        let body = r#"{"tealium_account":"shopco2","tealium_profile":"main","tealium_event":"view","tealium_visitor_id":"0187f2c3d4e5f60718293a4b5c6d7e8f","dom.url":"https://shop.example/"}"#;
        let d = decode(&req(
            "POST",
            "https://collect.tealiumiq.com/event",
            Some(body),
            Some("application/json"),
        ))
        .unwrap();
        assert_eq!(
            (d.tracker, d.pixel_ids.clone(), d.events.clone()),
            (
                "Tealium EventStream",
                vec!["shopco2".to_string()],
                vec!["view".to_string()]
            )
        );
        assert!(has(&d, "cookie_id", "plain"));
    }
}
