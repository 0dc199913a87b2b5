//! AppDynamics Browser Real User Monitoring (Cisco): the agent `adrum-<version>.js` (from
//! `cdn.appdynamics.com` or the site's own host, configured with `window["adrum-app-key"]` or
//! `config.appKey`) posts JSON beacons to `/eumcollector/beacons/browser/v1/<app key>/adrum` on
//! AppDynamics' collectors (`col.eum-appdynamics.com`, `fra-col.…`) or an on-premises EUM server,
//! so the protocol is recognised by its path anywhere.

use super::claim;
use super::spec::{NONE, Spec, anywhere, assign, at};

const APPD: &str = "AppDynamics Browser RUM";

/// The AppDynamics decoder.
pub static APPDYNAMICS: Spec = Spec {
    name: "appdynamics",
    tracker: APPD,
    company: "Cisco",
    category: "utility",
    claims: &[
        claim("eum-appdynamics.com", APPD, "Cisco", "utility"),
        claim("cdn.appdynamics.com", APPD, "Cisco", "utility"),
    ],
    loaders: &[at("cdn.appdynamics.com", "/adrum")],
    hits: &[
        anywhere("/eumcollector/beacons/browser/", &[]),
        at("eum-appdynamics.com", "/"),
    ],
    path_ids: &["/eumcollector/beacons/browser/*/{}/**"],
    domains: &["appdynamics.com"],
    inline: &[assign("appKey", "adrum"), assign("adrum-app-key", "adrum")],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Decoder;
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A beacon to the SaaS collector and to an on-premises EUM server, in the path the
    /// agent posts to (no captured request was at hand: the app key is made up), and the
    /// agent's configuration snippet.
    #[test]
    fn beacons_anywhere() {
        for host in ["col.eum-appdynamics.com", "eum.shop.example"] {
            let u = format!("https://{host}/eumcollector/beacons/browser/v1/AD-AAB-ABC-DEF/adrum");
            let d = decode(&req(
                "POST",
                &u,
                Some(r#"{"vr":"23.3.0","dt":"R","rg":"0","es":[]}"#),
                Some("text/plain"),
            ))
            .unwrap();
            assert_eq!(
                (d.tracker, d.role),
                ("AppDynamics Browser RUM", Role::Hit),
                "{host}"
            );
            assert_eq!(d.pixel_ids, ["AD-AAB-ABC-DEF"]);
        }
        let s = r#"window["adrum-start-time"] = new Date().getTime(); (function(config){ config.appKey = "AD-AAB-ABC-DEF"; config.adrumExtUrlHttp = "http://cdn.appdynamics.com"; })(window["adrum-config"] || (window["adrum-config"] = {}));"#;
        assert_eq!(
            super::APPDYNAMICS.inline(s)[0].pixel_ids,
            ["AD-AAB-ABC-DEF"]
        );
    }
}
