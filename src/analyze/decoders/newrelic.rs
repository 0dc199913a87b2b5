//! New Relic Browser: the agent (`js-agent.newrelic.com/nr-<version>.min.js`, or inline with
//! `NREUM.info={licenseKey,applicationID,…}`) reports to `bam.nr-data.net` (or
//! `bam-cell.nr-data.net`, `bam.eu01.nr-data.net`, or a beacon host the site sets): the page
//! view `/1/<license key>?a=<application id>&v=<agent>&to=…&rst=…&ref=<page>&…`, and
//! `/events/1/`, `/jserrors/1/`, `/ins/1/`, `/resources/1/` with the same key and `a`. The
//! protocol is recognised on any host by that path and `a` with `rst`.

use super::claim;
use super::spec::{NONE, Spec, anywhere, assign, at};
use crate::analyze::Field;

const NR: &str = "New Relic Browser";

/// The New Relic decoder.
pub static NEW_RELIC: Spec = Spec {
    name: "newrelic",
    tracker: NR,
    company: "New Relic",
    category: "utility",
    claims: &[
        claim("nr-data.net", NR, "New Relic", "utility"),
        claim("js-agent.newrelic.com", NR, "New Relic", "utility"),
    ],
    loaders: &[at("js-agent.newrelic.com", "*.js")],
    hits: &[
        at("nr-data.net", "/1/").event("PageView"),
        at("nr-data.net", "/jserrors/").event("JavaScriptError"),
        at("nr-data.net", "/ins/").event("PageAction"),
        at("nr-data.net", "/events/").event("BrowserInteraction"),
        at("nr-data.net", "/"),
        anywhere("/1/", &["a", "rst"]).event("PageView"),
        anywhere("/jserrors/1/", &["a", "rst"]).event("JavaScriptError"),
        anywhere("/ins/1/", &["a", "rst"]).event("PageAction"),
        anywhere("/events/1/", &["a", "rst"]).event("BrowserInteraction"),
        anywhere("/resources/1/", &["a", "rst"]),
    ],
    path_ids: &["/1/{}", "/*/1/{}"],
    ids: &["a"],
    fields: &[("ref", Field::PageUrl)],
    domains: &["newrelic.com"],
    inline: &[
        assign("licenseKey", "NREUM"),
        assign("applicationID", "NREUM"),
    ],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Decoder;
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// The page view a saved copy of ohou.se's page kept (a public GitHub copy of a page as the
    /// browser had rendered it, February 2019; its perf timing left out), to New Relic and to a
    /// beacon host of the site's, and the agent's inline settings.
    #[test]
    fn rum_calls_and_settings() {
        for host in ["bam.nr-data.net", "nr.shop.example"] {
            let u = format!(
                "https://{host}/1/7289017309?a=15650448&v=1118.0c07c19&to=d1xaFhBeWVoEQhdRClpHUQwWQhpVAEJcbQZbX1gHAUVcWQ9DF0ENW0Q%3D&rst=927&ref=https://ohou.se/contents/card_collections/439435&ap=70&be=242&fe=912&dc=389&af=err,xhr,stn,ins"
            );
            let d = decode(&req("GET", &u, None, None)).unwrap();
            assert_eq!(
                (d.tracker, d.role),
                ("New Relic Browser", Role::Hit),
                "{host}"
            );
            assert_eq!(d.pixel_ids, ["15650448", "7289017309"]);
            assert_eq!(d.events, ["PageView"]);
            assert!(has(&d, "page_url", "plain"));
        }
        let s = r#";NREUM.info={beacon:"bam.nr-data.net",errorBeacon:"bam.nr-data.net",licenseKey:"7289017309",applicationID:"15650448",sa:1}"#;
        assert_eq!(
            super::NEW_RELIC.inline(s)[0].pixel_ids,
            ["7289017309", "15650448"]
        );
    }
}
