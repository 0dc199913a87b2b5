//! Medallia Digital (formerly Kampyle): the onsite script `nebula-cdn.kampyle.com/<region>/wu/
//! <websiteId>/onsite/embed.js` (`resources.digital-cloud.medallia.com/wdcus/<websiteId>/…` on
//! the newer platform) and its analytics pixel `udc-neb.kampyle.com/egw/<n>/<token>/track/
//! __cool.gif?data=<base64 JSON>`, whose events carry `websiteId`, `accountId`, `event_name`,
//! the page and the visitor (`kampyle_userid`).

use super::claim;
use super::spec::{NONE, Spec, at};
use crate::analyze::Field;

const TRACKER: &str = "Medallia Digital (Kampyle)";

/// The Kampyle decoder.
pub static KAMPYLE: Spec = Spec {
    name: "kampyle",
    tracker: TRACKER,
    company: "Medallia",
    category: "analytics",
    claims: &[claim("kampyle.com", TRACKER, "Medallia", "analytics")],
    loaders: &[
        at("nebula-cdn.kampyle.com", "*.js"),
        at("digital-cloud.medallia.com", "/wdc"),
        at("digital-cloud.medallia.eu", "/wdc"),
    ],
    hits: &[
        at("kampyle.com", "/"),
        at("digital-cloud.medallia.com", "/"),
    ],
    ids: &["websiteId", "accountId"],
    path_ids: &["**/wu/{}/onsite/**", "**/wdcus/{}/**", "**/wdceu/{}/**"],
    events: &["event_name"],
    fields: &[
        ("page_url", Field::PageUrl),
        ("url", Field::PageUrl),
        ("page_title", Field::PageTitle),
        ("user_id", Field::CookieId),
        ("kampyle_data.kampyle_userid", Field::CookieId),
        ("session_screen_size", Field::Screen),
    ],
    unpack: &["data"],
    id_cookies: &[
        "kampyle_userid",
        "kampyleUserSession",
        "kampyleSessionPageCounter",
    ],
    domains: &["medallia.com", "medallia.eu"],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// The page-view pixel a browser sent on perf.lowes.com (a public NetStorm load-test
    /// recording on GitHub; the value matcher's test reads the same request by value), and the
    /// onsite loader of HP's support site's form (a public LoadRunner recording).
    #[test]
    fn pixel_and_loader() {
        let data = "eyJldmVudHMiOiBbCiAgICB7InNlc3Npb25fc2NyZWVuX3NpemUiOiAiODE5Mng0MDk2Iiwic2Vzc2lvbl9kdWEiOiAiU09BU1RBIiwic2Vzc2lvbl9wbGF0Zm9ybSI6ICJMaW51eCB4ODZfNjQiLCJwYWdlX3RpdGxlIjogInNtYXJ0IiwicGFnZV91cmwiOiAiaHR0cHM6Ly9wZXJmLmxvd2VzLmNvbS8iLCJ0cmFja2VyX3R5cGUiOiAiamF2YXNjcmlwdCIsInRyYWNrZXJfdmVyc2lvbiI6ICIyLjIuMjMiLCJldmVudF9uYW1lIjogIm5lYnVsYV9wYWdlX3ZpZXciLCJldmVudF90aW1lc3RhbXBfZXBvY2giOiAiMTY3Mzg0OTU2MTgzNiIsImV2ZW50X3RpbWV6b25lX29mZnNldCI6IC02LCJ1c2VyX2lkIjogIjE4NWI5MzU2MmRjNjFlLTAzMGVkOTY5NWJmY2JhLTUzNGYxNTEyLTIwMDAwMDAtMTg1YjkzNTYyZGQ4OGQiLCJlbnZpcm9tZW50IjogImRpZ2l0YWwtY2xvdWQtdXMtbWFpbiIsImFjY291bnRJZCI6IDM5MjMzNywidXJsIjogImh0dHBzOi8vcGVyZi5sb3dlcy5jb20vIiwid2Vic2l0ZUlkIjogNTYwOTYxLCJmb3JtSWQiOiBudWxsLCJmb3JtVHJpZ2dlclR5cGUiOiBudWxsLCJrYW1weWxlX2RhdGEiOiB7Im1kX2lzU3VydmV5U3VibWl0dGVkSW5TZXNzaW9uIjogIiIsIkxBU1RfSU5WSVRBVElPTl9WSUVXIjogIiIsIkRFQ0xJTkVEX0RBVEUiOiAiIiwia2FtcHlsZUludml0ZVByZXNlbnRlZCI6ICIiLCJrYW1weWxlX3VzZXJpZCI6ICI5ZWRjLTA1YWUtMjZlMC04YjY1LTg1ZjktNmI5My1jN2JiLWJkODkiLCJrYW1weWxlVXNlclNlc3Npb24iOiAiMTY3Mzg0OTU2MTgyOSIsImthbXB5bGVVc2VyUGVyY2VudGlsZSI6ICIiLCJTVUJNSVRURURfREFURSI6ICIifSwiY29va2llX3NpemUiOiAxOTk4LCJrYW1weWxlX3ZlcnNpb24iOiAiMi40Ny4zIiwib25zaXRlX3ZlcnNpb24iOiAiMi40Ny4zIiwiaGlzdG9yeV9sZW5ndGgiOiAyLCJldmVudF9sb2NhbF90aW1lc3RhbXAiOiAxNjczODQ5NTYxODM1LCJwb3NpdGlvbiI6IG51bGwsImlzVXNlcklkZW50aWZpZWQiOiBmYWxzZSwiZmVlZGJhY2tfY29ycmVsYXRpb25fdXVpZCI6IG51bGx9Cl19";
        let u = format!(
            "https://udc-neb.kampyle.com/egw/5/qceuv8449dzg58ptt1bhda9g8ue19c7s/track/__cool.gif?data={data}"
        );
        let d = decode(&req("GET", &u, None, None)).unwrap();
        assert_eq!(
            (d.tracker, d.role),
            ("Medallia Digital (Kampyle)", Role::Hit)
        );
        assert_eq!(d.pixel_ids, ["560961", "392337"]);
        assert_eq!(d.events, ["nebula_page_view"]);
        for f in ["page_url", "page_title", "cookie_id", "screen"] {
            assert!(has(&d, f, "plain"), "{f}: {:?}", d.fields);
        }
        let l = decode(&req(
            "GET",
            "https://nebula-cdn.kampyle.com/us/wu/541318/onsite/generic1621248806636.js",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (l.role, l.pixel_ids.clone()),
            (Role::Loader, vec!["541318".to_string()])
        );
    }
}
