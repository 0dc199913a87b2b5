//! Marketo's Munchkin: loader `munchkin.marketo.net/munchkin.js` (or `…/<n>/munchkin.js`),
//! hits `<munchkin id>.mktoresp.com/webevents/visitWebPage` and `/clickLink` with `_mchId`
//! (the account), `_mchTk` (the `_mkto_trk` cookie's token), the page split over `_mchHo`
//! (host) and `_mchRu` (path), `_mchRe` (referrer).

use super::spec::{NONE, Spec, at};
use super::{Decoded, claim};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// The event is the endpoint's name (`visitWebPage`, `clickLink`).
fn event(r: &RequestView, d: &mut Decoded) {
    if d.role == super::Role::Hit
        && let Some(e) = r.path.strip_prefix("/webevents/")
    {
        d.event(e.trim_end_matches('/'));
    }
}

/// The Marketo decoder.
pub static MARKETO: Spec = Spec {
    name: "marketo",
    tracker: "Marketo Munchkin",
    company: "Adobe",
    category: "marketing",
    claims: &[claim(
        "mktoresp.com",
        "Marketo Munchkin",
        "Adobe",
        "marketing",
    )],
    loaders: &[at("munchkin.marketo.net", "/")],
    hits: &[at("mktoresp.com", "/webevents/")],
    requires: &[],
    ids: &["_mchId"],
    events: &[],
    fields: &[
        ("_mchTk", Field::CookieId),
        ("_mchRe", Field::Referrer),
        ("_mchEcid", Field::CookieId),
    ],
    id_cookies: &["_mkto_trk"],
    extra: Some(event),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// Munchkin's page visit as browsers sent it: docs.influxdata.com's (a public NetStorm
    /// recording on GitHub; the library's file 46135700284) and oreilly.com's, with a
    /// referrer (quoted in a public error log, file 12945535446).
    #[test]
    fn visit_web_page() {
        let d = decode(&req("POST", "https://972-gdu-533.mktoresp.com/webevents/visitWebPage?_mchNc=1682316317050&_mchCn=&_mchId=972-GDU-533&_mchTk=_mch-influxdata.com-1682316317049-73502&_mchHo=docs.influxdata.com&_mchPo=&_mchRu=%2Finfluxdb%2Fv2.7%2Fquery-data%2Fget-started%2F&_mchPc=https%3A&_mchVr=163&_mchEcid=&_mchHa=&_mchRe=&_mchQp=", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Marketo Munchkin", Role::Hit));
        assert_eq!(
            (d.pixel_ids.clone(), d.events.clone()),
            (
                vec!["972-GDU-533".to_string()],
                vec!["visitWebPage".to_string()]
            )
        );
        assert!(has(&d, "cookie_id", "plain"));
        assert!(
            !d.fields.iter().any(|f| f.name.as_str() == "referrer"),
            "an empty _mchRe"
        );
        let d = decode(&req("GET", "https://107-fms-070.mktoresp.com/webevents/visitWebPage?_mchNc=1621585967764&_mchCn=&_mchId=107-FMS-070&_mchTk=_mch-oreilly.com-1621585673433-60440&_mchHo=www.oreilly.com&_mchPo=&_mchRu=%2Fmember%2Flogout%2F&_mchPc=https%3A&_mchVr=159&_mchEcid=&_mchHa=&_mchRe=https%3A%2F%2Flearning.oreilly.com%2F&_mchQp=partial%3Dtrue", None, None)).unwrap();
        assert!(has(&d, "referrer", "plain"));
    }
}
