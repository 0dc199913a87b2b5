//! Snap pixel: loader `sc-static.net/scevent.min.js`, hits to `tr.snapchat.com` (`/p`,
//! `/cm/i`, `/gateway/p`) with `pid`, `ev`/`e`, `pl` (page), `u_hem` (hashed email).

use super::{Claim, Decoded, Decoder, Role, claim, ids_of_calls, on};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// The Snap decoder.
pub struct Snap;

impl Decoder for Snap {
    /// The hosts only this tag uses.
    fn claims(&self) -> &'static [Claim] {
        const C: &[Claim] = &[
            claim("tr.snapchat.com", "Snap Pixel", "Snap", "ad"),
            claim("tr-shadow.snapchat.com", "Snap Pixel", "Snap", "ad"),
        ];
        C
    }

    fn name(&self) -> &'static str {
        "snap"
    }

    /// The Snap pixel base code: `snaptr('init', '<pixel id>')`.
    fn inline(&self, script: &str) -> Vec<Decoded> {
        let ids = ids_of_calls(script, "snaptr", &["init"]);
        if ids.is_empty() {
            return Vec::new();
        }
        let mut d = Decoded::new("Snap Pixel", "Snap", "ad", Role::Loader);
        ids.into_iter().for_each(|i| d.id(i));
        vec![d]
    }

    /// The vendor's own domains (its hits there are `hosting = vendor`).
    fn domains(&self) -> &'static [&'static str] {
        &["snapchat.com", "sc-static.net"]
    }

    /// Snap's visitor ID.
    fn id_cookies(&self) -> &'static [&'static str] {
        &["_scid"]
    }

    fn decode(&self, r: &RequestView) -> Option<Decoded> {
        let new = |role| Decoded::new("Snap Pixel", "Snap", "ad", role);
        if on(&r.host, "sc-static.net") && r.path.contains("scevent") {
            return Some(new(Role::Loader));
        }
        if !on(&r.host, "tr.snapchat.com") && !on(&r.host, "tr-shadow.snapchat.com") {
            return None;
        }
        let mut d = new(Role::Hit);
        r.params("pid").for_each(|v| d.id(v));
        r.params("ev").chain(r.params("e")).for_each(|v| d.event(v));
        for (param, field) in [
            ("pl", Field::PageUrl),
            ("rf", Field::Referrer),
            ("u_hem", Field::HashedEmail),
            ("u_hpn", Field::HashedPhone),
            ("u_scsid", Field::CookieId),
        ] {
            d.field(r, param, field);
        }
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
            Snap.inline(base).remove(0).pixel_ids,
            ["a1b2c3d4-0000-4000-8000-123456789abc"]
        );
    }
}
