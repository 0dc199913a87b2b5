//! Criteo OneTag: loader `static.criteo.net/js/ld/ld.js`, hits
//! `sslwidget.criteo.com/event?a=<account>&p0=e%3Dvh&p1=e%3Dce%26m%3D…`: each `pN` is one
//! event as a form (`e` its name; `m` the e-mail, hashed or not, of `setEmail`).

use super::spec::{NONE, Spec, at};
use super::{Decoded, claim};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// The Criteo decoder.
pub static CRITEO: Spec = Spec {
    name: "criteo",
    tracker: "Criteo OneTag",
    company: "Criteo",
    category: "ad",
    claims: &[
        claim("sslwidget.criteo.com", "Criteo OneTag", "Criteo", "ad"),
        claim("widget.criteo.com", "Criteo OneTag", "Criteo", "ad"),
    ],
    loaders: &[at("static.criteo.net", "/js/ld/")],
    hits: &[
        at("sslwidget.criteo.com", "/event"),
        at("widget.criteo.com", "/event"),
        at("dis.criteo.com", "/"),
    ],
    requires: &[],
    ids: &["a"],
    events: &[],
    fields: &[],
    id_cookies: &["cto_bundle", "criteo_write_test"],
    extra: Some(events),
    ..NONE
};

/// The events packed in `p0`, `p1`, …: `e=vh`, `e=ce&m=[…]`.
fn events(r: &RequestView, d: &mut Decoded) {
    let loc = crate::analyze::Location::Query;
    for (k, v) in &r.query {
        if !(k.starts_with('p') && k[1..].bytes().all(|b| b.is_ascii_digit()) && k.len() > 1) {
            continue;
        }
        for (ek, ev) in url::form_urlencoded::parse(v.as_bytes()) {
            match ek.as_ref() {
                "e" => d.event(ev.into_owned()),
                "m" => {
                    let inner = ev.trim_matches(['[', ']']).to_string();
                    let inner = String::from_utf8_lossy(&crate::analyze::leaks::percent_decode(
                        inner.as_bytes(),
                    ))
                    .into_owned();
                    let field = if inner.contains('@') {
                        Field::PlainEmail
                    } else {
                        Field::HashedEmail
                    };
                    if !inner.is_empty() {
                        d.value(field, &inner, loc);
                    }
                }
                "site_type" | "c" | "id" | "p" => {}
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// The OneTag event request as Omnibug's test suite has it (MisterPhilip/omnibug,
    /// `test/providers/CriteoOneTag.js`): account, four events, the `setEmail` value.
    #[test]
    fn onetag_event() {
        let d = decode(&req("GET", "https://sslwidget.criteo.com/event?a=123456&v=5.5.0&p0=e%3Dexd%26site_type%3Dm&p1=e%3Dce%26m%3D%255Btest%252540test.com%255D&p2=e%3Dvh&p3=e%3Ddis&adce=1&tld=localhost&dtycbr=95232", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Criteo OneTag", Role::Hit));
        assert_eq!(d.pixel_ids, ["123456"]);
        assert_eq!(d.events, ["exd", "ce", "vh", "dis"]);
        assert!(has(&d, "plain_email", "plain"), "{:?}", d.fields);
        let l = decode(&req(
            "GET",
            "https://static.criteo.net/js/ld/ld.js",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(l.role, Role::Loader);
    }
}
