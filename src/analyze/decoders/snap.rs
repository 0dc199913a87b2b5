//! Snap pixel: loader `sc-static.net/scevent.min.js`, hits to `tr.snapchat.com` (`/p`,
//! `/cm/i`, `/gateway/p`) with `pid`, `ev`/`e`, `pl` (page), `u_hem` (hashed email).

use super::claim;
use super::spec::{NONE, Spec, at, call};
use crate::analyze::{Field, Source};

/// The Snap decoder.
pub static SNAP: Spec = Spec {
    name: "snap",
    tracker: "Snap Pixel",
    company: "Snap",
    category: "ad",
    claims: &[
        claim("tr.snapchat.com", "Snap Pixel", "Snap", "ad"),
        claim("tr-shadow.snapchat.com", "Snap Pixel", "Snap", "ad"),
    ],
    loaders: &[at("sc-static.net", "*scevent")],
    hits: &[at("tr.snapchat.com", ""), at("tr-shadow.snapchat.com", "")],
    ids: &["pid"],
    events: &["ev", "e"],
    fields: &[
        ("pl", Field::PageUrl),
        ("rf", Field::Referrer),
        ("u_hem", Field::HashedEmail),
        ("u_hpn", Field::HashedPhone),
        ("u_scsid", Field::CookieId),
    ],
    // Snap's visitor ID.
    id_cookies: &["_scid"],
    domains: &["snapchat.com", "sc-static.net"],
    // The Snap pixel base code: `snaptr('init', '<pixel id>')`.
    inline: &[call("snaptr", "init", 1)],
    ids_on_loaders: false,
    source: Source::Decoder,
    ..NONE
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::decoders::Decoder;
    use crate::analyze::decoders::testutil::*;

    #[test]
    fn tr_hit() {
        let body = format!(
            "pid=a1b2c3d4-0000-4000-8000-123456789abc&ev=PAGE_VIEW&pl=https%3A%2F%2Fshop.example%2F&ts=1732840000000&u_hem={}",
            "c".repeat(64)
        );
        let d = decode(&req(
            "POST",
            "https://tr.snapchat.com/p",
            Some(&body),
            Some("application/x-www-form-urlencoded"),
        ))
        .unwrap();
        assert_eq!(d.events, vec!["PAGE_VIEW"]);
        assert!(has(&d, "page_url", "plain") && has(&d, "hashed_email", "sha256"));
        assert!(decode(&req("GET", "https://www.snapchat.com/", None, None)).is_none());
    }

    #[test]
    fn the_base_code_names_its_pixel() {
        let base = "(function(e,t,n){if(e.snaptr)return;var a=e.snaptr=function(){a.handleRequest?a.handleRequest.apply(a,arguments):a.queue.push(arguments)};})(window,document,'https://sc-static.net/scevent.min.js');\nsnaptr('init', 'a1b2c3d4-0000-4000-8000-123456789abc', {'user_email': '__INSERT_USER_EMAIL__'});\nsnaptr('track', 'PAGE_VIEW');";
        assert_eq!(
            SNAP.inline(base).remove(0).pixel_ids,
            ["a1b2c3d4-0000-4000-8000-123456789abc"]
        );
    }
}
