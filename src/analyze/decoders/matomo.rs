//! Matomo (and Piwik PRO, its commercial fork): hits `…/matomo.php` or `…/piwik.php`
//! (Piwik PRO: `…/ppms.php`) on the site's own analytics host or the vendors' clouds, with
//! `idsite` (the ID), `rec=1`, `url`, `urlref`, `action_name` (the title), `_id` (the
//! visitor ID cookie), `uid`, `res`, `search`, and `e_c`/`e_a` for events.

use super::spec::{NONE, Spec, at, push};
use super::{Decoded, claim};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

const FIELDS: &[(&str, Field)] = &[
    ("url", Field::PageUrl),
    ("urlref", Field::Referrer),
    ("action_name", Field::PageTitle),
    ("_id", Field::CookieId),
    ("cid", Field::CookieId),
    ("uid", Field::ExternalId),
    ("res", Field::Screen),
    ("lang", Field::Language),
    ("ua", Field::UserAgent),
    ("search", Field::SearchQuery),
];

/// The request kind: an event's action, a site search, a goal, else a page view.
fn kind(r: &RequestView, d: &mut Decoded) {
    if d.role != super::Role::Hit {
        return;
    }
    if let Some(a) = r.param("e_a") {
        d.event(a);
    } else if r.param("search").is_some() {
        d.event("search");
    } else if r.param("idgoal").is_some() {
        d.event("goal");
    } else if r.param("ping").is_some() {
        d.event("ping");
    } else {
        d.event("pageview");
    }
}

/// The Matomo decoder.
pub static MATOMO: Spec = Spec {
    name: "matomo",
    tracker: "Matomo",
    company: "Matomo",
    category: "analytics",
    claims: &[claim("matomo.cloud", "Matomo", "Matomo", "analytics")],
    loaders: &[at("", "/matomo.js$"), at("", "/piwik.js$")],
    hits: &[at("", "/matomo.php$"), at("", "/piwik.php$")],
    requires: &["idsite", "rec"],
    ids: &["idsite"],
    events: &[],
    fields: FIELDS,
    id_cookies: &["_pk_id"],
    inline: &[push("_paq.push", "setSiteId", 1)],
    extra: Some(kind),
    ..NONE
};

/// The Piwik PRO decoder.
pub static PIWIK_PRO: Spec = Spec {
    name: "piwik-pro",
    tracker: "Piwik PRO",
    company: "Piwik PRO",
    category: "analytics",
    claims: &[claim("piwik.pro", "Piwik PRO", "Piwik PRO", "analytics")],
    loaders: &[at("piwik.pro", "/ppms.js")],
    hits: &[at("", "/ppms.php$")],
    requires: &["idsite", "rec"],
    ids: &["idsite"],
    events: &[],
    fields: FIELDS,
    id_cookies: &[],
    extra: Some(kind),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// Matomo page views and a site search as Omnibug's test suite has them
    /// (MisterPhilip/omnibug, `test/providers/Matomo.js`).
    #[test]
    fn matomo_hits() {
        let common = "idsite=1&rec=1&r=037654&h=13&m=12&s=57&url=http%3A%2F%2Flocalhost%2Fmatomo.html&_id=6a45e22e58f0786b&_idts=1575143580&_idvc=1&_idn=0&_refts=0&_viewts=1575143580&_ects=1575144372&cs=windows-1252&send_image=1&pdf=1&qt=0&realp=0&wma=0&dir=0&fla=0&java=0&gears=0&ag=0&cookie=1&res=2560x1440&gt_ms=1&pv_id=wYQaNh";
        let d = decode(&req(
            "GET",
            &format!("https://omnibug.matomo.cloud/matomo.php?action_name=&{common}"),
            None,
            None,
        ))
        .unwrap();
        assert_eq!((d.tracker, d.role), ("Matomo", Role::Hit));
        assert_eq!(
            (d.pixel_ids.clone(), d.events.clone()),
            (vec!["1".to_string()], vec!["pageview".to_string()])
        );
        for f in ["page_url", "cookie_id", "screen"] {
            assert!(has(&d, f, "plain"), "{f}");
        }
        assert!(
            !has(&d, "page_title", "plain"),
            "an empty action_name is no title"
        );
        let d = decode(&req("GET", &format!("https://stats.shop.example/matomo.php?search=Banana&search_cat=Organic%20Food&search_count=35&{common}"), None, None)).unwrap();
        assert_eq!(d.events, ["search"]);
        assert!(has(&d, "search_query", "plain"));
        assert!(
            decode(&req(
                "GET",
                "https://shop.example/matomo.php?page=2",
                None,
                None
            ))
            .is_none()
        );
    }

    /// A Piwik PRO hit (the shape of Omnibug's `test/providers/PiwikPRO.js`: Matomo's
    /// parameters on `ppms.php`, a UUID site ID).
    #[test]
    fn piwik_pro_hit() {
        let d = decode(&req("GET", "https://omnibug.containers.piwik.pro/ppms.php?action_name=Home&idsite=7bd8ae8e-9d05-4bc4-9ec5-b2e1a2d4c2b1&rec=1&r=336165&url=https%3A%2F%2Fshop.example%2F&_id=6a45e22e58f0786b&res=2560x1440", None, None)).unwrap();
        assert_eq!(d.tracker, "Piwik PRO");
        assert_eq!(d.pixel_ids, ["7bd8ae8e-9d05-4bc4-9ec5-b2e1a2d4c2b1"]);
        assert!(has(&d, "page_title", "plain"));
    }
}
