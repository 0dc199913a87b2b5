//! Taboola's pixel: loader `cdn.taboola.com/libtrc/unip/<account>/tfa.js`, hits
//! `trc.taboola.com/<account>/log/3/unip?en=<event>` (and `trc-events.taboola.com`), with
//! `item-url` (the page), `ref` and `ui` (Taboola's user ID).

use super::spec::{NONE, Spec, at, segment};
use super::{Decoded, claim};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// The account in the path: `/<account>/log/3/unip`, `/libtrc/unip/<account>/tfa.js`.
fn account(r: &RequestView, d: &mut Decoded) {
    let id = if r.path.starts_with("/libtrc/unip/") {
        segment(&r.path, 3)
    } else {
        segment(&r.path, 1)
    };
    if let Some(id) = id.filter(|s| s.bytes().all(|b| b.is_ascii_digit())) {
        d.id(id);
    }
}

/// The Taboola decoder.
pub static TABOOLA: Spec = Spec {
    name: "taboola",
    tracker: "Taboola Pixel",
    company: "Taboola",
    category: "ad",
    claims: &[claim(
        "trc-events.taboola.com",
        "Taboola Pixel",
        "Taboola",
        "ad",
    )],
    loaders: &[at("cdn.taboola.com", "/libtrc/unip/")],
    hits: &[at("taboola.com", "*/log/3/unip")],
    requires: &[],
    ids: &[],
    events: &["en"],
    fields: &[
        ("item-url", Field::PageUrl),
        ("ref", Field::Referrer),
        ("ui", Field::CookieId),
    ],
    id_cookies: &["t_gid", "t_pt_gid"],
    extra: Some(account),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// Taboola's own pixel code as sites paste it (the `<noscript>` image and the loader of
    /// a site's Taboola snippet, account 1347888, found in a public site template on
    /// GitHub; the library's file 26379219110), and the engagement event of
    /// `trc-events.taboola.com` seen in another project's test (file 71140741648).
    #[test]
    fn unip_hits_and_loader() {
        let d = decode(&req(
            "GET",
            "https://trc.taboola.com/1347888/log/3/unip?en=page_view",
            None,
            None,
        ))
        .unwrap();
        assert_eq!((d.tracker, d.role), ("Taboola Pixel", Role::Hit));
        assert_eq!(
            (d.pixel_ids.clone(), d.events.clone()),
            (vec!["1347888".to_string()], vec!["page_view".to_string()])
        );
        let d = decode(&req(
            "GET",
            "https://trc-events.taboola.com/1419468/log/3/unip?en=pre_d_eng_tb&tos=30",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(d.events, ["pre_d_eng_tb"]);
        let l = decode(&req(
            "GET",
            "https://cdn.taboola.com/libtrc/unip/1347888/tfa.js",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (l.role, l.pixel_ids.clone()),
            (Role::Loader, vec!["1347888".to_string()])
        );
    }
}
