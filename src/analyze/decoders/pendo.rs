//! Pendo (in-app guides and product analytics): the agent `cdn.pendo.io/agent/static/<API
//! key>/pendo.js`, then `app.pendo.io/data/ptm.gif/<API key>?v=<agent>&ct=<time>&jzb=<zlib and
//! base64url JSON>` for events and `/data/guide.js/<API key>` for guides (`data.pendo.io` and
//! regional hosts too); the API key is in the path.

use super::claim;
use super::spec::{NONE, Spec, at};

/// The Pendo decoder.
pub static PENDO: Spec = Spec {
    name: "pendo",
    tracker: "Pendo",
    company: "Pendo",
    category: "analytics",
    claims: &[claim("pendo.io", "Pendo", "Pendo", "analytics")],
    loaders: &[at("cdn.pendo.io", "/agent/")],
    hits: &[at("pendo.io", "/data/"), at("pendo.io", "/")],
    path_ids: &["/agent/static/{}/**", "/data/*/{}", "/data/*/{}/**"],
    events: &["type"],
    id_cookies: &["_pendo_accountId", "_pendo_visitorId"],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// The agent and an event beacon in the paths Pendo's agent requests (no captured request
    /// was at hand: the key is made up).
    #[test]
    fn agent_and_beacon() {
        let key = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
        let l = decode(&req(
            "GET",
            &format!("https://cdn.pendo.io/agent/static/{key}/pendo.js"),
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (l.tracker, l.role, l.pixel_ids.clone()),
            ("Pendo", Role::Loader, vec![key.to_string()])
        );
        let d = decode(&req("GET", &format!("https://app.pendo.io/data/ptm.gif/{key}?v=2.210.0&ct=1716999127202&jzb=eJyrVkrLz1eyUkpKLFKqBQAdegQ0"), None, None)).unwrap();
        assert_eq!(
            (d.role, d.pixel_ids.clone()),
            (Role::Hit, vec![key.to_string()])
        );
    }
}
