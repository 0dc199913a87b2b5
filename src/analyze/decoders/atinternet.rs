//! AT Internet (now Piano Analytics): SmartTag's hits `<collect domain>/hit.xiti?s=<site>&
//! idclient=<visitor>&p=<page name>&r=<screen>&lng=<language>&ref=<referrer>&…` (`type=click`,
//! `play`, … for other hits), to AT's log hosts (`logc<n>.xiti.com`, `*.ati-host.net`) or a
//! collect domain of the site's own (`a1.api.bbc.co.uk`); Piano Analytics' SDK posts
//! `{"events":[{"name":"page.display","data":{…}}]}` to `<collect domain>/event?s=<site>&
//! idclient=…`.

use super::spec::{NONE, Spec, anywhere, assign, at};
use super::{Decoded, claim};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// A SmartTag hit's kind: its `type`, else a page view when it names a page.
fn kind(r: &RequestView, d: &mut Decoded) {
    if d.role != super::Role::Hit || !d.events.is_empty() || !r.path.ends_with("hit.xiti") {
        return;
    }
    match r.param("type") {
        Some(t) => d.event(t.to_string()),
        None if r.param("p").is_some() => d.event("page"),
        None => {}
    }
}

const AT: &str = "AT Internet (Piano Analytics)";

/// The AT Internet decoder.
pub static AT_INTERNET: Spec = Spec {
    name: "atinternet",
    tracker: AT,
    company: "Piano",
    category: "analytics",
    claims: &[
        claim("xiti.com", AT, "Piano", "analytics"),
        claim("ati-host.net", AT, "Piano", "analytics"),
        claim("aticdn.net", AT, "Piano", "analytics"),
        claim("pa-cd.com", AT, "Piano", "analytics"),
    ],
    loaders: &[at("aticdn.net", "*.js")],
    hits: &[
        anywhere("*/hit.xiti", &["s"]),
        anywhere("/event", &["s", "idclient"]),
        at("xiti.com", "/"),
        at("ati-host.net", "/"),
        at("pa-cd.com", "/"),
    ],
    ids: &["s"],
    events: &["name"],
    fields: &[
        ("ref", Field::Referrer),
        ("idclient", Field::CookieId),
        ("r", Field::Screen),
        ("lng", Field::Language),
    ],
    id_cookies: &["atuserid", "atidvisitor", "_pcid"],
    domains: &["piano.io"],
    inline: &[
        assign("site", "ATInternet"),
        assign("site", "setConfigurations"),
    ],
    extra: Some(kind),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A media hit from Omnibug's test suite (MisterPhilip/omnibug,
    /// `test/providers/ATInternet.js`, captured on BBC pages, whose collect domain is the BBC's
    /// own `a1.api.bbc.co.uk`), and a Piano Analytics page display.
    #[test]
    fn hit_xiti_and_piano_event() {
        let d = decode(&req("GET", "https://a1.api.bbc.co.uk/hit.xiti?s=598308&idclient=48e013ab-4b78-4821-9de0-f9e2fc1b884d&ts=1555279118894&vtag=5.17.1&ptag=js&r=2560x1440x24x24&re=2560x1297&hl=14x58x38&lng=en-US&type=play&type=audio&m6=clip&m1=33&p=Sample%20Audio&p=test::test2::test3&m5=int", None, None)).unwrap();
        assert_eq!(
            (d.tracker, d.role),
            ("AT Internet (Piano Analytics)", Role::Hit)
        );
        assert_eq!(d.pixel_ids, ["598308"]);
        assert_eq!(d.events, ["play"]);
        for f in ["cookie_id", "screen", "language"] {
            assert!(has(&d, f, "plain"), "{f}");
        }
        let body =
            r#"{"events":[{"name":"page.display","data":{"page":"home","page_chapter1":"shop"}}]}"#;
        let d = decode(&req("POST", "https://stats.shop.example/event?s=612345&idclient=0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", Some(body), Some("text/plain"))).unwrap();
        assert_eq!(
            (d.pixel_ids.clone(), d.events.clone()),
            (vec!["612345".to_string()], vec!["page.display".to_string()])
        );
    }
}
