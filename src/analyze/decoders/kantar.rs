//! Kantar's audience measurement tag (Spring, run by Kantar's national panels such as Kantar
//! Gallup and TNS): `http(s)://<site code>.tns-cs.net/j0=,,,;+,cp=<content path>+url=<page>;;;
//! ?lt=…&x=<screen>&c=<visitor>`: the measured site's code is the host's first label, its
//! parameters `+`-separated inside the path.

use super::spec::{NONE, Spec, at};
use super::{Decoded, claim};
use crate::analyze::request::RequestView;
use crate::analyze::{Field, Location};

/// The site code (the host's first label) and the page in the path's `url=`.
fn spring(r: &RequestView, d: &mut Decoded) {
    if let Some(site) = r.host.strip_suffix(".tns-cs.net")
        && !site.contains('.')
    {
        d.id(site.to_string());
    }
    let path = crate::analyze::leaks::percent_decode(r.path.as_bytes());
    let path = String::from_utf8_lossy(&path);
    for part in path.split(['+', ';', ' ']) {
        let url = part
            .strip_prefix("url=")
            .or_else(|| part.strip_prefix("URL="));
        if let Some(u) = url.filter(|u| u.starts_with("http")) {
            d.value(Field::PageUrl, u, Location::Path);
        }
    }
    if let Some(c) = r.param("c") {
        d.value(Field::CookieId, c, Location::Query);
    }
}

/// The Kantar decoder.
pub static KANTAR: Spec = Spec {
    name: "kantar",
    tracker: "Kantar (Spring)",
    company: "Kantar",
    category: "analytics",
    claims: &[claim(
        "tns-cs.net",
        "Kantar (Spring)",
        "Kantar",
        "analytics",
    )],
    hits: &[at("tns-cs.net", "/")],
    fields: &[("x", Field::Screen)],
    extra: Some(spring),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// The page measurement a public GitHub Kodi add-on for VG's web TV sends as VG's pages do
    /// (`vg.tns-cs.net/j0=,,,;+,cp=vgnett/vgtv+url=…;;;?lt=…&x=<screen>&c=<uid>`).
    #[test]
    fn spring_hit() {
        let d = decode(&req("GET", "http://vg.tns-cs.net/j0=,,,;+,cp=vgnett%2Fvgtv+url=http%3A%2F%2Fwww.vgtv.no%2F%23!%2Fvideo%2F123456%2Fsome-title;;;?lt=igqdo00o&x=1920x1080x24&c=k8f3d2a1c0", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Kantar (Spring)", Role::Hit));
        assert_eq!(d.pixel_ids, ["vg"]);
        for f in ["page_url", "screen", "cookie_id"] {
            assert!(has(&d, f, "plain"), "{f}: {:?}", d.fields);
        }
    }
}
