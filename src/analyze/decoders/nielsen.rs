//! Nielsen: the Digital Content Ratings browser SDK (`cdn-gl.imrworldwide.com/conf/<app
//! id>.js`, `novms/js/2/…`) pinging `secure-<cc>.imrworldwide.com/cgi-bin/gn?prd=dcr&ci=<client>
//! &c13=asid,<app id>&at=<event>&si=<page>&…`, and the older SiteCensus tag
//! `…/cgi-bin/m?ci=<client>&cg=…&si=<page>&rp=<referrer>`. Many parameters are `name,value`
//! pairs (`c13=asid,P…`, `c1=nuid,<visitor>`).

use super::spec::{NONE, Spec, at, call};
use super::{Decoded, claim};
use crate::analyze::request::RequestView;
use crate::analyze::{Field, Location};

/// The app ID and visitor inside `name,value` pairs.
fn pairs(r: &RequestView, d: &mut Decoded) {
    let value = |k: &str, name: &str| {
        r.param(k)
            .and_then(|v| v.strip_prefix(name)?.strip_prefix(','))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    if let Some(apid) = value("c13", "asid") {
        d.id(apid);
    }
    if let Some(nuid) = value("c1", "nuid") {
        d.value(Field::CookieId, &nuid, Location::Query);
    }
}

/// The Nielsen decoder.
pub static NIELSEN: Spec = Spec {
    name: "nielsen",
    tracker: "Nielsen",
    company: "Nielsen",
    category: "analytics",
    claims: &[claim("imrworldwide.com", "Nielsen", "Nielsen", "analytics")],
    loaders: &[
        at("cdn-gl.imrworldwide.com", "*.js"),
        at("imrworldwide.com", "/v60.js"),
    ],
    hits: &[
        at("imrworldwide.com", "/cgi-bin/"),
        at("imrworldwide.com", "/"),
    ],
    ids: &["ci", "apid"],
    path_ids: &["/conf/{}.js", "/conf/{}.json"],
    events: &["at"],
    fields: &[("si", Field::PageUrl), ("rp", Field::Referrer)],
    id_cookies: &["IMRID"],
    inline: &[call("nlsQ", "", 0)],
    extra: Some(pairs),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Decoder;
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// The DCR SDK's session ping from a browser session on login.libero.it (a public GitHub
    /// replay of it, April 2019), the SDK's configuration loader of the same session, and the
    /// snippet's `nlsQ` call in the form Nielsen's DCR browser SDK guide gives it.
    #[test]
    fn dcr_pings_and_snippet() {
        let d = decode(&req("GET", "https://secure-it.imrworldwide.com/cgi-bin/gn?prd=session&c9=devid%2C&c13=asid%2CPB842EDC3-BDDA-4494-9CDE-8B0150370A55&sessionId=giOHcDTAKwiu9lGUJK9TrFJYZZPwv1556297684&c16=sdkv%2Cbj.6.0.0&uoo=&retry=0", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Nielsen", Role::Hit));
        assert_eq!(d.pixel_ids, ["PB842EDC3-BDDA-4494-9CDE-8B0150370A55"]);
        let l = decode(&req("GET", "https://cdn-gl.imrworldwide.com/conf/PB842EDC3-BDDA-4494-9CDE-8B0150370A55.js#name=nlsnInstance&ns=NOLBUNDLE", None, None)).unwrap();
        assert_eq!(
            (l.role, l.pixel_ids.clone()),
            (
                Role::Loader,
                vec!["PB842EDC3-BDDA-4494-9CDE-8B0150370A55".to_string()]
            )
        );
        let s = r#"var nSdkInstance = NOLBUNDLE.nlsQ("PB842EDC3-BDDA-4494-9CDE-8B0150370A55", "nlsnInstance", {nol_sdkDebug: "debug"});"#;
        assert_eq!(
            super::NIELSEN.inline(s)[0].pixel_ids,
            ["PB842EDC3-BDDA-4494-9CDE-8B0150370A55"]
        );
    }
}
