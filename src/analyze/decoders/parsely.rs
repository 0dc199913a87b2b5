//! Parse.ly: loader `cdn.parsely.com/keys/<site>/p.js`, hits `p1.parsely.com/px/` (and
//! `/plogger/`) with `idsite` (the site key), `action` (pageview, heartbeat, conversion, …),
//! `url`, `urlref`, `screen` (`<w>x<h>|<avail w>x<avail h>|<depth>`) and `u` (`pid=<visitor>`).

use super::claim;
use super::spec::{NONE, Spec, at};
use crate::analyze::Field;

/// The Parse.ly decoder.
pub static PARSELY: Spec = Spec {
    name: "parsely",
    tracker: "Parse.ly",
    company: "Automattic",
    category: "analytics",
    claims: &[claim(
        "p1.parsely.com",
        "Parse.ly",
        "Automattic",
        "analytics",
    )],
    loaders: &[at("cdn.parsely.com", "/keys/")],
    hits: &[at("parsely.com", "/px/"), at("parsely.com", "/plogger/")],
    requires: &[],
    ids: &["idsite", "apikey"],
    events: &["action"],
    fields: &[
        ("url", Field::PageUrl),
        ("urlref", Field::Referrer),
        ("screen", Field::Screen),
        ("u", Field::CookieId),
        ("pvid", Field::CookieId),
    ],
    id_cookies: &["_parsely_visitor", "_parsely_session"],
    extra: None,
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A page view as Omnibug's test suite has it (MisterPhilip/omnibug,
    /// `test/providers/Parsely.js`).
    #[test]
    fn px_pageview() {
        let d = decode(&req("GET", "https://p1.parsely.com/plogger/?rand=1234567890123&plid=w8a7jtgi-q7zy-gb47-b8sc-op8kqqcbzl96&idsite=test.com&url=https%3A%2F%2Ftest.com%2Ftest%2F&urlref=https%3A%2F%2Fwww.google.com%2F&screen=3360x1890%7C3360x1865%7C24&data=%7B%22test%22%3A%22true%22%7D&sid=12&surl=https%3A%2F%2Ftest.com%2Ftest%2F&sref=https%3A%2F%2Fwww.google.com%2F&sts=1685526045351&slts=1676972759016&date=Wed+May+31+2023+10%3A43%3A14+GMT%2B0100+(British+Summer+Time)&action=pageview&pvid=dh52q4j0-sb98-9k01-14ql-k7471gzggc15&u=pid%3Ds1qszb2j-q5wm-17do-aufa-8bokudx1gbcc", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Parse.ly", Role::Hit));
        assert_eq!(
            (d.pixel_ids.clone(), d.events.clone()),
            (vec!["test.com".to_string()], vec!["pageview".to_string()])
        );
        for f in ["page_url", "referrer", "screen", "cookie_id"] {
            assert!(has(&d, f, "plain"), "{f}");
        }
    }
}
