//! Quantcast Measure: `quant.js` from `secure.quantserve.com` (with `_qevents.push({qacct:
//! "p-…"})`), then `pixel.quantserve.com/pixel;r=<random>;a=<p-account>;labels=<labels>;
//! fpa=<first-party cookie>;url=<page>;ref=<referrer>;sr=<screen>;…`: its parameters are
//! `;`-separated in the path, not a query.

use super::spec::{NONE, Spec, assign, at};
use super::{Decoded, claim};
use crate::analyze::request::RequestView;
use crate::analyze::{Field, Location};

/// The parameters in the path.
fn path_params(r: &RequestView, d: &mut Decoded) {
    let Some(rest) = r.path.split_once(';').map(|(_, rest)| rest) else {
        return;
    };
    for (k, v) in rest.split(';').filter_map(|kv| kv.split_once('=')) {
        let v = crate::analyze::leaks::percent_decode(v.as_bytes());
        let v = String::from_utf8_lossy(&v);
        match k {
            "a" => d.id(v.into_owned()),
            "labels" => v.split(',').for_each(|l| d.event(l.to_string())),
            "url" => d.value(Field::PageUrl, &v, Location::Path),
            "ref" if !v.is_empty() => d.value(Field::Referrer, &v, Location::Path),
            "fpa" => d.value(Field::CookieId, &v, Location::Path),
            "sr" => d.value(Field::Screen, &v, Location::Path),
            _ => {}
        }
    }
}

/// The Quantcast decoder.
pub static QUANTCAST: Spec = Spec {
    name: "quantcast",
    tracker: "Quantcast",
    company: "Quantcast",
    category: "ad",
    claims: &[
        claim("quantserve.com", "Quantcast", "Quantcast", "ad"),
        claim("quantcount.com", "Quantcast", "Quantcast", "ad"),
    ],
    loaders: &[
        at("quantserve.com", "/quant.js"),
        at("quantserve.com", "/aquant.js"),
    ],
    hits: &[at("quantserve.com", "/pixel"), at("quantcount.com", "/")],
    ids: &["a"],
    id_cookies: &["__qca"],
    inline: &[assign("qacct", "qacct")],
    extra: Some(path_params),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// The pixel a LoadRunner recording of stackoverflow.com kept (a public GitHub test
    /// script, August 2016; its `ogl` parameter, the page's `og:` tags, left out here).
    #[test]
    fn path_pixel() {
        let d = decode(&req("GET", "https://pixel.quantserve.com/pixel;r=458061004;a=p-c1rF4kxgLUzNc;fpan=1;fpa=P0-81082907-1471603250711;ns=0;ce=1;cm=;je=0;sr=1920x1080x24;enc=n;dst=1;et=1471603250705;tzo=420;ref=;url=https%3A%2F%2Fstackoverflow.com%2F", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Quantcast", Role::Hit));
        assert_eq!(d.pixel_ids, ["p-c1rF4kxgLUzNc"]);
        for f in ["page_url", "cookie_id", "screen"] {
            assert!(has(&d, f, "plain"), "{f}");
        }
        assert!(!has(&d, "referrer", "plain"));
    }
}
