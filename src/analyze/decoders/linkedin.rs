//! LinkedIn Insight Tag: loader `snap.licdn.com/li.lms-analytics/insight.min.js`, hits to
//! `px.ads.linkedin.com/collect` (also `/wa/`, `/attribution_trigger`) with `pid`, `url`.

use super::{Claim, Decoded, Decoder, Role, assigned, calls, claim, on, spec};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// The LinkedIn decoder.
pub struct LinkedIn;

impl Decoder for LinkedIn {
    /// The hosts only this tag uses.
    fn claims(&self) -> &'static [Claim] {
        const C: &[Claim] = &[
            claim(
                "px.ads.linkedin.com",
                "LinkedIn Insight Tag",
                "Microsoft",
                "ad",
            ),
            claim("snap.licdn.com", "LinkedIn Insight Tag", "Microsoft", "ad"),
        ];
        C
    }

    fn name(&self) -> &'static str {
        "linkedin"
    }

    /// The Insight Tag: `_linkedin_partner_id = "<partner id>"` (LinkedIn Campaign Manager's
    /// tag), or the partner pushed straight onto `_linkedin_data_partner_ids`.
    fn inline(&self, script: &str) -> Vec<Decoded> {
        let mut ids = assigned(script, "_linkedin_partner_id");
        let pushed = calls(script, "_linkedin_data_partner_ids.push").into_iter();
        ids.extend(
            pushed
                .filter_map(|a| a.into_iter().next())
                .filter(|i| spec::id_shaped(i)),
        );
        if ids.is_empty() {
            return Vec::new();
        }
        let mut d = Decoded::new("LinkedIn Insight Tag", "Microsoft", "ad", Role::Loader);
        ids.into_iter().for_each(|i| d.id(i));
        vec![d]
    }

    /// The vendor's own domains (its hits there are `hosting = vendor`).
    fn domains(&self) -> &'static [&'static str] {
        &["linkedin.com", "licdn.com"]
    }

    /// LinkedIn's first-party ad tracking ID.
    fn id_cookies(&self) -> &'static [&'static str] {
        &["li_fat_id", "li_adsId"]
    }

    fn decode(&self, r: &RequestView) -> Option<Decoded> {
        let new = |role| Decoded::new("LinkedIn Insight Tag", "Microsoft", "ad", role);
        if on(&r.host, "snap.licdn.com") && r.path.contains("insight") {
            return Some(new(Role::Loader));
        }
        let hit = on(&r.host, "px.ads.linkedin.com")
            || (on(&r.host, "linkedin.com") && r.path.starts_with("/px"));
        if !hit {
            return None;
        }
        let mut d = new(Role::Hit);
        r.params("pid").for_each(|v| d.id(v));
        r.params("conversionId")
            .for_each(|v| d.event(format!("conversion:{v}")));
        if d.events.is_empty() {
            d.event("pageview");
        }
        for (param, field) in [
            ("url", Field::PageUrl),
            ("href", Field::PageUrl),
            ("liFatId", Field::CookieId),
            ("li_fat_id", Field::CookieId),
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
        assert_eq!(LinkedIn.inline(tag).remove(0).pixel_ids, ["1234567"]);
    }
}
