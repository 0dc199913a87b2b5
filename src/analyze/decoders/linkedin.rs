//! LinkedIn Insight Tag: loader `snap.licdn.com/li.lms-analytics/insight.min.js`, hits to
//! `px.ads.linkedin.com/collect` (also `/wa/`, `/attribution_trigger`) with `pid`, `url`.

use super::spec::{NONE, Spec, assign, at, call};
use super::{Decoded, Role, claim};
use crate::analyze::request::RequestView;
use crate::analyze::{Field, Source};

/// A hit's events: each `conversionId` as `conversion:<id>`, else `pageview`.
fn conversions(r: &RequestView, d: &mut Decoded) {
    if d.role != Role::Hit {
        return;
    }
    r.params("conversionId")
        .for_each(|v| d.event(format!("conversion:{v}")));
    if d.events.is_empty() {
        d.event("pageview");
    }
}

const TAG: &str = "LinkedIn Insight Tag";

/// The LinkedIn decoder.
pub static LINKEDIN: Spec = Spec {
    name: "linkedin",
    tracker: TAG,
    company: "Microsoft",
    category: "ad",
    claims: &[
        claim("px.ads.linkedin.com", TAG, "Microsoft", "ad"),
        claim("snap.licdn.com", TAG, "Microsoft", "ad"),
    ],
    loaders: &[at("snap.licdn.com", "*insight")],
    hits: &[at("px.ads.linkedin.com", ""), at("linkedin.com", "/px")],
    ids: &["pid"],
    fields: &[
        ("url", Field::PageUrl),
        ("href", Field::PageUrl),
        ("liFatId", Field::CookieId),
        ("li_fat_id", Field::CookieId),
    ],
    // LinkedIn's first-party ad tracking ID.
    id_cookies: &["li_fat_id", "li_adsId"],
    domains: &["linkedin.com", "licdn.com"],
    // The Insight Tag: `_linkedin_partner_id = "<partner id>"` (LinkedIn Campaign Manager's
    // tag), or the partner pushed straight onto `_linkedin_data_partner_ids`.
    inline: &[
        assign("_linkedin_partner_id", "_linkedin_partner_id"),
        call("_linkedin_data_partner_ids.push", "", 0),
    ],
    extra: Some(conversions),
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
    fn collect_hit() {
        let d = decode(&req("GET", "https://px.ads.linkedin.com/collect?v=2&fmt=js&pid=1234567&time=1732840000000&url=https%3A%2F%2Fshop.example%2F", None, None)).unwrap();
        assert_eq!(
            (d.tracker, d.pixel_ids.clone()),
            ("LinkedIn Insight Tag", vec!["1234567".to_string()])
        );
        assert!(has(&d, "page_url", "plain"));
        let d = decode(&req(
            "POST",
            "https://px.ads.linkedin.com/wa/",
            Some(r#"{"pids":[1234567],"href":"https://shop.example/"}"#),
            Some("application/json"),
        ))
        .unwrap();
        assert!(has(&d, "page_url", "plain"));
        assert!(
            decode(&req(
                "GET",
                "https://www.linkedin.com/in/someone",
                None,
                None
            ))
            .is_none()
        );
    }

    #[test]
    fn the_tag_names_its_partner() {
        let tag = "_linkedin_partner_id = \"1234567\";\nwindow._linkedin_data_partner_ids = window._linkedin_data_partner_ids || [];\nwindow._linkedin_data_partner_ids.push(_linkedin_partner_id);";
        assert_eq!(LINKEDIN.inline(tag).remove(0).pixel_ids, ["1234567"]);
    }
}
