//! Plausible Analytics: its script `plausible.io/js/script.js` (with `data-domain`), then
//! `POST /api/event` with JSON `{"n":<event>,"u":<page>,"d":<site domain>,"r":<referrer>,
//! "w":<width>}` to plausible.io, to a self-hosted Plausible (it is open source) or through a
//! proxy on the site's own host, so the protocol is recognised by its path and body anywhere.

use super::claim;
use super::spec::{NONE, Spec, anywhere, at};
use crate::analyze::Field;

/// The Plausible decoder.
pub static PLAUSIBLE: Spec = Spec {
    name: "plausible",
    tracker: "Plausible",
    company: "Plausible Insights",
    category: "analytics",
    claims: &[claim(
        "plausible.io",
        "Plausible",
        "Plausible Insights",
        "analytics",
    )],
    loaders: &[at("plausible.io", "/js/")],
    hits: &[
        at("plausible.io", "/api/event"),
        anywhere("*/api/event", &["n", "u", "d"]),
    ],
    ids: &["d"],
    events: &["n"],
    fields: &[
        ("u", Field::PageUrl),
        ("r", Field::Referrer),
        ("w", Field::Screen),
    ],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A page view with the body fields Plausible's events API documents (`domain`, `name`,
    /// `url` as the script abbreviates them: `d`, `n`, `u`, with `r` and `w`), to Plausible
    /// and to a self-hosted instance.
    #[test]
    fn event_anywhere() {
        let body = r#"{"n":"pageview","u":"https://shop.example/p/lamp","d":"shop.example","r":"https://www.google.com/","w":1440}"#;
        for u in [
            "https://plausible.io/api/event",
            "https://stats.example-analytics.org/api/event",
        ] {
            let d = decode(&req("POST", u, Some(body), Some("text/plain"))).unwrap();
            assert_eq!((d.tracker, d.role), ("Plausible", Role::Hit), "{u}");
            assert_eq!(
                (d.pixel_ids.clone(), d.events.clone()),
                (
                    vec!["shop.example".to_string()],
                    vec!["pageview".to_string()]
                )
            );
            assert!(has(&d, "page_url", "plain") && has(&d, "referrer", "plain"));
        }
    }
}
