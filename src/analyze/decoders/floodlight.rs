//! Google's Floodlight (Campaign Manager 360 / Search Ads 360 activity tags): hits
//! `<src>.fls.doubleclick.net/activityi;src=<advertiser>;type=<group>;cat=<activity>;…` and
//! `ad.doubleclick.net/activity;…`, parameters separated by `;` in the path: `auiddc` is the
//! tail of the `_gcl_au` cookie, `~oref` the page URL, `u1`… custom variables.

use super::spec::{NONE, Spec, at};
use super::{Decoded, claim};
use crate::analyze::request::RequestView;
use crate::analyze::{Field, Location};

/// The Floodlight decoder.
pub static FLOODLIGHT: Spec = Spec {
    name: "floodlight",
    tracker: "Google Floodlight",
    company: "Google",
    category: "ad",
    claims: &[claim(
        "fls.doubleclick.net",
        "Google Floodlight",
        "Google",
        "ad",
    )],
    loaders: &[],
    hits: &[
        at("fls.doubleclick.net", "/activity"),
        at("ad.doubleclick.net", "/activity"),
        at("ad.doubleclick.net", "/ddm/activity"),
    ],
    requires: &[],
    ids: &[],
    events: &[],
    fields: &[],
    id_cookies: &[],
    extra: Some(path_params),
    ..NONE
};

/// The `;`-separated parameters of the path.
fn path_params(r: &RequestView, d: &mut Decoded) {
    let raw = r.raw.url.split('?').next().unwrap_or("");
    let mut src = None;
    let (mut typ, mut cat) = (None, None);
    for part in raw.split(';').skip(1) {
        let Some((k, v)) = part.split_once('=') else {
            continue;
        };
        let v = String::from_utf8_lossy(&crate::analyze::leaks::percent_decode(v.as_bytes()))
            .into_owned();
        match k {
            "src" => src = Some(v),
            "type" => typ = Some(v),
            "cat" => cat = Some(v),
            "auiddc" => d.value(Field::CookieId, &v, Location::Path),
            "~oref" if !v.is_empty() => d.value(Field::PageUrl, &v, Location::Path),
            _ => {}
        }
    }
    if let Some(s) = src {
        d.id(format!("DC-{s}"));
    }
    if let (Some(t), Some(c)) = (typ, cat) {
        d.event(format!("{t}/{c}"));
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A Floodlight sales tag as Omnibug's test suite has it (MisterPhilip/omnibug,
    /// `test/providers/GoogleDoubleClick.js`).
    #[test]
    fn activity_tag() {
        let d = decode(&req("GET", "https://1234567.fls.doubleclick.net/activityi;src=1234567;type=group1;cat=thank123;qty=1;cost=666.66;ord=xact111;gtm=2ou430;auiddc=890045014.1556389977;~oref=https%3A%2F%2Fomnibug.io%2F?", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Google Floodlight", Role::Hit));
        assert_eq!(d.pixel_ids, ["DC-1234567"]);
        assert_eq!(d.events, ["group1/thank123"]);
        assert!(has(&d, "cookie_id", "plain") && has(&d, "page_url", "plain"));
    }
}
