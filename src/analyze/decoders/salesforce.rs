//! Salesforce's marketing tags, told apart: Audience Studio (formerly Krux; its control tag
//! `cdn.krxd.net/controltag/<confid>.js`, pixels to `beacon.krxd.net/pixel.gif?confid=<id>&
//! _kpref_=<referrer>&…` and `event.gif`, user data from `cdn.krxd.net/userdata/get?pub=…`) and
//! Marketing Cloud Account Engagement (formerly Pardot; `pi.pardot.com/pd.js`, page views to
//! `pi.pardot.com/analytics?account_id=…&campaign_id=…&url=…&title=…&referrer=…&visitor_id=…`).

use super::claim;
use super::spec::{NONE, Spec, assign, at};
use crate::analyze::Field;

const KRUX: &str = "Salesforce Audience Studio (Krux)";
const PARDOT: &str = "Salesforce Pardot";

/// The Krux decoder.
pub static AUDIENCE_STUDIO: Spec = Spec {
    name: "krux",
    tracker: KRUX,
    company: "Salesforce",
    category: "ad",
    claims: &[claim("krxd.net", KRUX, "Salesforce", "ad")],
    loaders: &[at("cdn.krxd.net", "/controltag")],
    hits: &[at("krxd.net", "/")],
    ids: &["confid", "pub"],
    path_ids: &["/controltag/{}.js"],
    events: &["event_id"],
    fields: &[("_kpref_", Field::Referrer), ("_kuid", Field::CookieId)],
    id_cookies: &["kxkuid", "_kuid_"],
    ..NONE
};

/// The Pardot decoder.
pub static PARDOT_TAG: Spec = Spec {
    name: "pardot",
    tracker: PARDOT,
    company: "Salesforce",
    category: "marketing",
    claims: &[
        claim("pi.pardot.com", PARDOT, "Salesforce", "marketing"),
        claim("cdn.pardot.com", PARDOT, "Salesforce", "marketing"),
    ],
    loaders: &[at("pardot.com", "/pd.js")],
    hits: &[at("pardot.com", "/analytics")],
    ids: &["account_id"],
    fields: &[
        ("url", Field::PageUrl),
        ("title", Field::PageTitle),
        ("referrer", Field::Referrer),
        ("visitor_id", Field::CookieId),
    ],
    id_cookies: &["pi_opt_in"],
    inline: &[assign("piAId", "piAId")],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// Krux's control tag and pixel, and Pardot's page view, in the shapes their tags request
    /// them (no captured request of either was at hand: the IDs here are made up).
    #[test]
    fn krux_and_pardot() {
        let l = decode(&req(
            "GET",
            "https://cdn.krxd.net/controltag/JR2DDM8F.js",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (l.tracker, l.role, l.pixel_ids.clone()),
            (KRUX_NAME, Role::Loader, vec!["JR2DDM8F".to_string()])
        );
        let d = decode(&req("GET", "https://beacon.krxd.net/pixel.gif?source=smarttag&fired=load&confid=JR2DDM8F&_kpid=0f1e2d3c-4b5a-4978&_kcp_s=Shop&_kcp_d=shop.example&_kpref_=https%3A%2F%2Fwww.google.com%2F", None, None)).unwrap();
        assert_eq!(
            (d.role, d.pixel_ids.clone()),
            (Role::Hit, vec!["JR2DDM8F".to_string()])
        );
        assert!(has(&d, "referrer", "plain"));
        let d = decode(&req("GET", "https://pi.pardot.com/analytics?ver=3&pi_opt_in=&visitor_id=1234567890&visitor_id_sign=abc&campaign_id=7890&account_id=123456&title=Shop&url=https%3A%2F%2Fshop.example%2F&referrer=", None, None)).unwrap();
        assert_eq!(
            (d.tracker, d.pixel_ids.clone()),
            ("Salesforce Pardot", vec!["123456".to_string()])
        );
        assert!(has(&d, "page_url", "plain") && has(&d, "cookie_id", "plain"));
    }

    const KRUX_NAME: &str = "Salesforce Audience Studio (Krux)";
}
