//! Session recorders, which read the whole page and its input events: Hotjar, Microsoft
//! Clarity, FullStory. What typed text they carry is found by canary matching; here they are
//! named, their site IDs taken, and loaders told from hits.

use super::{Decoded, Decoder, Role, on};
use crate::analyze::request::RequestView;

/// The session-recorder decoder.
pub struct Recorders;

impl Decoder for Recorders {
    fn name(&self) -> &'static str {
        "recorders"
    }

    /// Hotjar's visitor, Clarity's user and session IDs.
    fn id_cookies(&self) -> &'static [&'static str] {
        &["_hjSessionUser", "_clck", "_clsk"]
    }

    fn decode(&self, r: &RequestView) -> Option<Decoded> {
        if on(&r.host, "hotjar.com") || on(&r.host, "hotjar.io") {
            let loader = r.host == "static.hotjar.com" || r.host == "script.hotjar.com";
            let mut d = Decoded::new(
                "Hotjar",
                "Hotjar",
                "analytics",
                if loader { Role::Loader } else { Role::Hit },
            );
            // static.hotjar.com/c/hotjar-<site id>.js ; hits carry the site id in the path.
            if let Some(id) = r
                .path
                .strip_prefix("/c/hotjar-")
                .and_then(|p| p.split('.').next())
            {
                d.id(id);
            }
            if let Some(id) = r.path.split('/').skip_while(|s| *s != "sites").nth(1) {
                d.id(id);
            }
            return Some(d);
        }
        if on(&r.host, "clarity.ms") {
            let loader = r.path.starts_with("/tag/") || r.path.starts_with("/s/");
            let mut d = Decoded::new(
                "Microsoft Clarity",
                "Microsoft",
                "analytics",
                if loader { Role::Loader } else { Role::Hit },
            );
            if let Some(id) = r.path.strip_prefix("/tag/") {
                d.id(id.trim_end_matches('/'));
            }
            return Some(d);
        }
        if on(&r.host, "fullstory.com") {
            let loader = r.path.ends_with("/fs.js") || r.path.starts_with("/s/");
            let mut d = Decoded::new(
                "FullStory",
                "FullStory",
                "analytics",
                if loader { Role::Loader } else { Role::Hit },
            );
            r.params("OrgId").for_each(|v| d.id(v));
            return Some(d);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    #[test]
    fn recorders_loaders_and_hits() {
        let d = decode(&req(
            "GET",
            "https://static.hotjar.com/c/hotjar-3456789.js?sv=6",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (d.tracker, d.role, d.pixel_ids.clone()),
            ("Hotjar", Role::Loader, vec!["3456789".to_string()])
        );
        let d = decode(&req(
            "POST",
            "https://in.hotjar.com/api/v2/client/sites/3456789/visit-data?sv=6",
            Some("{}"),
            None,
        ))
        .unwrap();
        assert_eq!(
            (d.role, d.pixel_ids.clone()),
            (Role::Hit, vec!["3456789".to_string()])
        );
        let d = decode(&req(
            "GET",
            "https://www.clarity.ms/tag/abcd1234ef",
            None,
            None,
        ))
        .unwrap();
        assert_eq!((d.tracker, d.role), ("Microsoft Clarity", Role::Loader));
        let d = decode(&req(
            "POST",
            "https://k.clarity.ms/collect",
            Some("payload"),
            None,
        ))
        .unwrap();
        assert_eq!(d.role, Role::Hit);
        let d = decode(&req(
            "POST",
            "https://rs.fullstory.com/rec/bundle?OrgId=o-1ABC-na1&UserId=1&SessionId=2",
            Some("{}"),
            None,
        ))
        .unwrap();
        assert_eq!(
            (d.tracker, d.pixel_ids.clone()),
            ("FullStory", vec!["o-1ABC-na1".to_string()])
        );
    }
}
