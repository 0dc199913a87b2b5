//! Session recorders, which read the whole page and its input events: Hotjar, Microsoft
//! Clarity, FullStory. What typed text they carry is found by canary matching; here they are
//! named, their site IDs taken, and loaders told from hits.

use super::{Decoded, Decoder, Role, assigned, calls, on};
use crate::analyze::request::RequestView;

/// The session-recorder decoder.
pub struct Recorders;

impl Decoder for Recorders {
    fn name(&self) -> &'static str {
        "recorders"
    }

    /// The recorders' snippets: Hotjar's `_hjSettings={hjid:<site id>}`, Clarity's loader
    /// call ending `"clarity", "script", "<project id>")` or clarity-js's
    /// `clarity("start", {projectId: …})`, FullStory's
    /// `window['_fs_org'] = '<org id>'`.
    fn inline(&self, script: &str) -> Vec<Decoded> {
        if let Some(id) = assigned(script, "hjid").into_iter().next() {
            let mut d = Decoded::new("Hotjar", "Hotjar", "analytics", Role::Loader);
            d.id(id);
            return vec![d];
        }
        for quote in ['"', '\''] {
            let key = format!("{quote}clarity{quote}");
            if let Some(i) = script.find(&key)
                && let Some(args) = calls(&format!("f({}", &script[i..]), "f")
                    .into_iter()
                    .next()
                && args.len() >= 3
                && args[1] == "script"
            {
                let mut d =
                    Decoded::new("Microsoft Clarity", "Microsoft", "analytics", Role::Loader);
                d.id(args[2].clone());
                return vec![d];
            }
        }
        // clarity-js from npm, started by the site's own code: `clarity("start", {projectId})`.
        if script.contains("clarity(")
            && let Some(id) = assigned(script, "projectId").into_iter().next()
        {
            let mut d = Decoded::new("Microsoft Clarity", "Microsoft", "analytics", Role::Loader);
            d.id(id);
            return vec![d];
        }
        if let Some(id) = assigned(script, "_fs_org").into_iter().next() {
            let mut d = Decoded::new("FullStory", "FullStory", "analytics", Role::Loader);
            d.id(id);
            return vec![d];
        }
        Vec::new()
    }

    /// The vendor's own domains (its hits there are `hosting = vendor`).
    fn domains(&self) -> &'static [&'static str] {
        &["hotjar.com", "hotjar.io", "clarity.ms", "fullstory.com"]
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
            // An upload's envelope (`e`, clarity-js `src/data/envelope.ts`): version,
            // sequence, start, duration, then the project ID.
            if !loader {
                r.params("e.4").take(1).for_each(|v| d.id(v));
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
    use super::*;
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
        // An upload as clarity-js sends it once unpacked: its envelope first (the order of
        // `envelope()` in clarity-js `src/data/envelope.ts`, npm clarity-js 0.8), the project
        // ID fifth. The IDs are made up.
        let upload = r#"{"e":["0.8.9",2,0,1520,"k1l2m3n4o5","1q2w3e","4r5t6y",1,0,0,1,"https://shop.example/"],"a":[[120,9,1920,1080]]}"#;
        let d = decode(&req(
            "POST",
            "https://k.clarity.ms/collect",
            Some(upload),
            Some("application/json"),
        ))
        .unwrap();
        assert_eq!(
            (d.role, d.pixel_ids.clone()),
            (Role::Hit, vec!["k1l2m3n4o5".to_string()])
        );
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

    #[test]
    fn snippets_name_their_sites() {
        let hj = "(function(h,o,t,j,a,r){h.hj=h.hj||function(){(h.hj.q=h.hj.q||[]).push(arguments)};h._hjSettings={hjid:3546123,hjsv:6};a=o.getElementsByTagName('head')[0];})(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');";
        assert_eq!(Recorders.inline(hj).remove(0).pixel_ids, ["3546123"]);
        let clarity = "(function(c,l,a,r,i,t,y){c[a]=c[a]||function(){(c[a].q=c[a].q||[]).push(arguments)};t=l.createElement(r);t.async=1;t.src=\"https://www.clarity.ms/tag/\"+i;})(window, document, \"clarity\", \"script\", \"k1l2m3n4o5\");";
        let d = Recorders.inline(clarity).remove(0);
        assert_eq!(
            (d.tracker, d.pixel_ids.clone()),
            ("Microsoft Clarity", vec!["k1l2m3n4o5".to_string()])
        );
        // clarity-js bundled by the site and started by its own code (the `start` command of its
        // queue, npm clarity-js `src/queue.ts`).
        let npm = r#"clarity("start", { projectId: "k1l2m3n4o5", upload: "https://k.clarity.ms/collect", track: true });"#;
        assert_eq!(Recorders.inline(npm).remove(0).pixel_ids, ["k1l2m3n4o5"]);
        let fs = "window['_fs_host'] = 'fullstory.com';\nwindow['_fs_org'] = 'o-1DEMO-na1';";
        assert_eq!(Recorders.inline(fs).remove(0).pixel_ids, ["o-1DEMO-na1"]);
    }
}
