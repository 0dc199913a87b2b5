//! Google: GA4 hits (`/g/collect`, on Google hosts or proxied through a first-party subdomain
//! by server-side tagging, batched one event per body line), Google Ads conversions and
//! remarketing, the gtag.js and Tag Manager loaders, and legacy Universal Analytics.

use super::{Claim, Decoded, Decoder, Role, assigned, claim, ids_of_calls, on};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// The Google decoder.
pub struct Google;

const GA4: &str = "Google Analytics 4";
const ADS: &str = "Google Ads";
const GTM: &str = "Google Tag Manager";

/// Container IDs (`GTM-` and 4 to 10 capitals or digits) in `text`.
pub fn gtm_ids(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, _) in text.match_indices("GTM-") {
        let id: String = text[i + 4..]
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            .collect();
        let before = text[..i].chars().next_back();
        if (4..=10).contains(&id.len())
            && !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !out.iter().any(|o| o[4..] == id)
        {
            out.push(format!("GTM-{id}"));
        }
    }
    out
}

fn google_host(h: &str) -> bool {
    [
        "google-analytics.com",
        "analytics.google.com",
        "doubleclick.net",
        "googletagmanager.com",
        "googleadservices.com",
        "googlesyndication.com",
        "google.com",
    ]
    .iter()
    .any(|d| on(h, d))
}

impl Decoder for Google {
    /// The hosts only this tag uses.
    fn claims(&self) -> &'static [Claim] {
        const C: &[Claim] = &[
            claim("googletagmanager.com", GTM, "Google", "tag-manager"),
            claim("googleadservices.com", ADS, "Google", "ad"),
            claim("googleads.g.doubleclick.net", ADS, "Google", "ad"),
            claim("analytics.google.com", GA4, "Google", "analytics"),
        ];
        C
    }

    fn name(&self) -> &'static str {
        "google"
    }

    /// gtag.js and Tag Manager snippets (Google's "Set up the Google tag" and "Install Google
    /// Tag Manager" pages): `gtag('config', 'G-…' | 'AW-…' | 'UA-…')`, and a container ID
    /// `GTM-…` passed to the GTM loader function.
    fn inline(&self, script: &str) -> Vec<Decoded> {
        let mut found: Vec<Decoded> = Vec::new();
        let mut put =
            |tracker, category, id: &str| match found.iter_mut().find(|d| d.tracker == tracker) {
                Some(d) => d.id(id),
                None => {
                    let mut d = Decoded::new(tracker, "Google", category, Role::Loader);
                    d.id(id);
                    found.push(d);
                }
            };
        for id in ids_of_calls(script, "gtag", &["config"]) {
            if id.starts_with("G-") {
                put(GA4, "analytics", &id);
            } else if id.starts_with("AW-") {
                put(ADS, "ad", &id);
            } else if id.starts_with("UA-") {
                put("Google Universal Analytics", "analytics", &id);
            }
        }
        // A Tag Manager container's GA4 configuration tag (`"vtp_measurementId":"G-…"`).
        for id in assigned(script, "vtp_measurementId") {
            if id.starts_with("G-") {
                put(GA4, "analytics", &id);
            }
        }
        if script.contains("googletagmanager.com") || script.contains("dataLayer") {
            for id in gtm_ids(script) {
                put(GTM, "tag-manager", &id);
            }
        }
        found
    }

    /// The vendor's own domains (its hits there are `hosting = vendor`).
    fn domains(&self) -> &'static [&'static str] {
        &[
            "google-analytics.com",
            "analytics.google.com",
            "googletagmanager.com",
            "doubleclick.net",
            "google.com",
            "googleadservices.com",
            "googlesyndication.com",
            "googletagservices.com",
        ]
    }

    /// GA client and session IDs, Google Ads' conversion linker.
    fn id_cookies(&self) -> &'static [&'static str] {
        &["_ga", "_gid", "_gcl_au", "_gcl_aw"]
    }

    fn decode(&self, r: &RequestView) -> Option<Decoded> {
        // Tag Manager's host serves the loaders only.
        if on(&r.host, "googletagmanager.com") {
            return loader(r);
        }
        ga4(r)
            .or_else(|| universal(r))
            .or_else(|| ccm(r))
            .or_else(|| ads(r))
    }
}

/// The Tag Manager and gtag.js loaders, the product by the ID they load.
fn loader(r: &RequestView) -> Option<Decoded> {
    let id = r.param("id").unwrap_or_default();
    let (tracker, category) = match r.path.as_str() {
        "/gtm.js" => (GTM, "tag-manager"),
        "/gtag/js" if id.starts_with("AW-") => (ADS, "ad"),
        "/gtag/js" if id.starts_with("GTM-") => (GTM, "tag-manager"),
        "/gtag/js" if id.starts_with("DC-") => ("Google Floodlight", "ad"),
        "/gtag/js" => (GA4, "analytics"),
        _ => return None,
    };
    let mut d = Decoded::new(tracker, "Google", category, Role::Loader);
    d.id(id);
    Some(d)
}

/// The page's parameters GA4, Universal Analytics and `ccm/collect` share: location,
/// referrer, title, language.
const PAGE: &[(&str, Field)] = &[
    ("dl", Field::PageUrl),
    ("dr", Field::Referrer),
    ("dt", Field::PageTitle),
    ("ul", Field::Language),
];

/// GA4 hits, recognised by path and parameters whatever the host.
fn ga4(r: &RequestView) -> Option<Decoded> {
    if !(r.path.ends_with("/g/collect") && r.param("v") == Some("2") && r.param("tid").is_some()) {
        return None;
    }
    let mut d = Decoded::new(GA4, "Google", "analytics", Role::Hit);
    r.params("tid").for_each(|t| d.id(t));
    r.params("en").for_each(|e| d.event(e));
    d.read_fields(r, PAGE);
    d.read_fields(r, &[("cid", Field::CookieId), ("uid", Field::ExternalId)]);
    d.read_fields(
        r,
        &[
            ("sr", Field::Screen),
            ("ep.search_term", Field::SearchQuery),
        ],
    );
    // User-provided data: em=tv.1~em.<hash>~pn.<hash> (base64url or hex SHA-256).
    if let Some(em) = r.param("em") {
        let location = r
            .param_location("em")
            .unwrap_or(crate::analyze::Location::Query);
        for part in em.split('~') {
            let (name, v) = match part.split_once('.') {
                Some(("em", v)) => (Field::HashedEmail, v),
                Some(("pn", v)) => (Field::HashedPhone, v),
                _ => continue,
            };
            d.value(name, v, location);
        }
    }
    Some(d)
}

/// Universal Analytics (legacy).
fn universal(r: &RequestView) -> Option<Decoded> {
    if !(r.path.ends_with("/collect")
        && r.param("v") == Some("1")
        && r.param("tid").is_some_and(|t| t.starts_with("UA-"))
        && r.param("cid").is_some())
    {
        return None;
    }
    let mut d = Decoded::new(
        "Google Universal Analytics",
        "Google",
        "analytics",
        Role::Hit,
    );
    r.params("tid").for_each(|t| d.id(t));
    r.params("t").for_each(|e| d.event(e));
    d.read_fields(r, PAGE);
    d.read_fields(r, &[("cid", Field::CookieId), ("uid", Field::ExternalId)]);
    d.read_fields(r, &[("sr", Field::Screen), ("vp", Field::Screen)]);
    Some(d)
}

/// The Google tag's consent-mode collect (`/ccm/collect`, on www.google.com or a first-party
/// tag gateway): the product is its tag ID's (`tid`), Google Ads without.
fn ccm(r: &RequestView) -> Option<Decoded> {
    if !(r.path.ends_with("/ccm/collect") && (r.param("en").is_some() || r.param("auid").is_some()))
    {
        return None;
    }
    let tid = r.param("tid").unwrap_or_default();
    let (tracker, category) = if tid.starts_with("G-") {
        (GA4, "analytics")
    } else if tid.starts_with("DC-") {
        ("Google Floodlight", "ad")
    } else {
        (ADS, "ad")
    };
    let mut d = Decoded::new(tracker, "Google", category, Role::Hit);
    d.id(tid);
    r.params("en").for_each(|e| d.event(e));
    d.read_fields(r, PAGE);
    d.read_fields(r, &[("auid", Field::CookieId)]);
    Some(d)
}

/// Google Ads conversions and remarketing: /pagead/(viewthrough)conversion/<id>/.
fn ads(r: &RequestView) -> Option<Decoded> {
    if !google_host(&r.host) {
        return None;
    }
    for prefix in [
        "/pagead/conversion/",
        "/pagead/viewthroughconversion/",
        "/pagead/1p-conversion/",
        "/pagead/1p-user-list/",
    ] {
        if let Some(rest) = r.path.strip_prefix(prefix) {
            let mut d = Decoded::new(ADS, "Google", "ad", Role::Hit);
            d.id(format!("AW-{}", rest.split('/').next().unwrap_or_default()));
            r.params("en").for_each(|e| d.event(e));
            // `data=event=purchase;allow_custom_scripts=true`: the gtag event.
            for data in r.params("data") {
                for kv in data.split(';') {
                    if let Some(("event", e)) = kv.split_once('=') {
                        d.event(e);
                    }
                }
            }
            for (param, field) in [
                ("url", Field::PageUrl),
                ("ref", Field::Referrer),
                ("tiba", Field::PageTitle),
                ("u_w", Field::Screen),
                ("u_h", Field::Screen),
                ("auid", Field::CookieId),
            ] {
                d.field(r, param, field);
            }
            return Some(d);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    const HIT: &str = "https://region1.google-analytics.com/g/collect?v=2&tid=G-ABC1234567&gtm=45je5bd0&_p=1732840000&cid=987654321.1732840000&ul=en-us&sr=1366x768&sid=1732840000&sct=1&seg=0&_s=1&dl=https%3A%2F%2Fshop.example%2F&dr=&dt=Shop&en=page_view";

    #[test]
    fn ga4_get_hit() {
        let d = decode(&req("GET", HIT, None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Google Analytics 4", Role::Hit));
        assert_eq!(d.pixel_ids, vec!["G-ABC1234567"]);
        assert_eq!(d.events, vec!["page_view"]);
        for f in ["page_url", "page_title", "cookie_id", "language", "screen"] {
            assert!(has(&d, f, "plain"), "{f}");
        }
    }

    #[test]
    fn ga4_batched_post_and_enhanced_conversions() {
        let body = "en=view_search_results&ep.search_term=red%20shoes\r\nen=scroll&epn.percent_scrolled=90";
        let url = HIT.replace("&en=page_view", "")
            + "&em=tv.1~em.LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ~pn."
            + &"a".repeat(64);
        let d = decode(&req(
            "POST",
            &url,
            Some(body),
            Some("text/plain;charset=UTF-8"),
        ))
        .unwrap();
        assert_eq!(d.events, vec!["view_search_results", "scroll"]);
        assert!(has(&d, "search_query", "plain"));
        assert!(has(&d, "hashed_email", "sha256-b64url"), "{:?}", d.fields);
        assert!(has(&d, "hashed_phone", "sha256"));
    }

    #[test]
    fn server_side_tagging_on_a_first_party_host() {
        let d = decode(&req(
            "GET",
            &HIT.replace("region1.google-analytics.com", "metrics.shop.example"),
            None,
            None,
        ))
        .unwrap();
        assert_eq!(d.tracker, "Google Analytics 4");
        let d = decode(&req(
            "GET",
            &HIT.replace("region1.google-analytics.com", "stats.g.doubleclick.net"),
            None,
            None,
        ))
        .unwrap();
        assert_eq!(d.tracker, "Google Analytics 4");
    }

    #[test]
    fn loaders_ads_and_negatives() {
        let d = decode(&req(
            "GET",
            "https://www.googletagmanager.com/gtm.js?id=GTM-ABC123",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (d.tracker, d.role, d.pixel_ids.clone()),
            (
                "Google Tag Manager",
                Role::Loader,
                vec!["GTM-ABC123".to_string()]
            )
        );
        let d = decode(&req(
            "GET",
            "https://www.googletagmanager.com/gtag/js?id=AW-123456789",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(d.tracker, "Google Ads");
        let d = decode(&req("GET", "https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123456789/?random=1&url=https%3A%2F%2Fshop.example%2F", None, None)).unwrap();
        assert_eq!(
            (d.tracker, d.pixel_ids.clone()),
            ("Google Ads", vec!["AW-123456789".to_string()])
        );
        // A first-party /collect endpoint that is not a pixel.
        assert!(
            decode(&req(
                "POST",
                "https://shop.example/api/collect",
                Some(r#"{"ok":1}"#),
                Some("application/json")
            ))
            .is_none()
        );
        assert!(
            decode(&req(
                "GET",
                "https://shop.example/g/collect?page=2",
                None,
                None
            ))
            .is_none()
        );
        assert!(
            decode(&req(
                "GET",
                "https://fonts.googleapis.com/css2?family=Roboto",
                None,
                None
            ))
            .is_none()
        );
    }

    #[test]
    fn snippets_name_their_ids() {
        // Google's gtag.js snippet and its Tag Manager snippet, as their install pages show them.
        let gtag = "window.dataLayer = window.dataLayer || [];\n  function gtag(){dataLayer.push(arguments);}\n  gtag('js', new Date());\n\n  gtag('config', 'G-DEMO123456');";
        let d = Google.inline(gtag).remove(0);
        assert_eq!(
            (d.tracker, d.pixel_ids.clone()),
            (GA4, vec!["G-DEMO123456".to_string()])
        );
        let gtm = "(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':\nnew Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],\nj=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=\n'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);\n})(window,document,'script','dataLayer','GTM-DEMO01');";
        let d = Google.inline(gtm).remove(0);
        assert_eq!(
            (d.tracker, d.pixel_ids.clone()),
            (GTM, vec!["GTM-DEMO01".to_string()])
        );
        assert_eq!(
            Google.inline("gtag('config', 'AW-123456789');")[0].tracker,
            ADS
        );
        assert!(Google.inline("var x = 'GTM-NOTAGMANAGER';").is_empty());
        // A container's GA4 tag as GTM serialises it.
        let tag = r#"{"function":"__googtag","priority":12,"vtp_tagId":"G-CONT4INER1","vtp_measurementId":"G-CONT4INER1","tag_id":3}"#;
        assert_eq!(Google.inline(tag)[0].pixel_ids, ["G-CONT4INER1"]);
    }

    /// A Google Ads remarketing hit as Omnibug's test suite has it (MisterPhilip/omnibug,
    /// `test/providers/GoogleDoubleClick.js`): the gtag event inside `data`, the screen in
    /// `u_w`/`u_h`, the page and its title.
    #[test]
    fn ads_remarketing_hit_fields() {
        let d = decode(&req("GET", "https://googleads.g.doubleclick.net/pagead/viewthroughconversion/1111111/?random=846177263&cv=9&fst=*&num=1&label=AbC-D_efG-h12_34-567&bg=ffffff&guid=ON&resp=GooglemKTybQhCsO&u_h=1440&u_w=2560&u_ah=1400&u_aw=2560&u_cd=24&u_his=2&u_tz=-420&u_java=false&u_nplug=3&u_nmime=4&gtm=2ou430&sendb=1&data=event%3Dpurchase%3Ballow_custom_scripts%3Dtrue&frm=0&url=https://omnibug.io/&tiba=Omnibug%20%7C%20A%20Digital%20Marketing%20Debugging%20Tool&async=1&fmt=3&ctc_id=CAIVAgAAAB0CAAAA&ct_cookie_present=false&ocp_id=BLrEXM3MC6KonAf3x6yQCw&crd=&gtd=", None, None)).unwrap();
        assert_eq!(d.pixel_ids, ["AW-1111111"]);
        assert_eq!(d.events, ["purchase"]);
        for f in ["screen", "page_url", "page_title"] {
            assert!(has(&d, f, "plain"), "{f}");
        }
    }

    /// Universal Analytics' language and screen (`ul`, `sr`), as analytics.js sends them.
    #[test]
    fn universal_analytics_language_and_screen() {
        let d = decode(&req("GET", "https://www.google-analytics.com/collect?v=1&_v=j101&a=1234567890&t=pageview&_s=1&dl=https%3A%2F%2Fshop.example%2F&ul=en-us&de=UTF-8&dt=Shop&sd=24-bit&sr=1280x720&vp=1280x633&je=0&_u=IEBAAEABAAAAACAAI~&jid=&gjid=&cid=987654321.1732840000&tid=UA-12345-1&_gid=1.1&z=1", None, None)).unwrap();
        assert_eq!(d.tracker, "Google Universal Analytics");
        for f in ["language", "screen", "page_url", "page_title", "cookie_id"] {
            assert!(has(&d, f, "plain"), "{f}");
        }
    }

    /// The Google tag's `ccm/collect` as smile.one's page sent it (recorded in a public
    /// script on GitHub; the library's file 56263532708): no `tid`, so Google Ads; the
    /// `_gcl_au` value in `auid`, the page and its title.
    #[test]
    fn ccm_collect() {
        let d = decode(&req("POST", "https://www.google.com/ccm/collect?rcb=7&frm=0&ae=g&auid=1418056186.1782296841&dt=Smile.One%20-%20(Brazil)%20%7C%20Cr%C3%A9ditos%20de%20Jogos%20e%20Servi%C3%A7os&en=page_view&dl=https%3A%2F%2Fwww.smile.one%2F&scrsrc=www.googletagmanager.com&rnd=488253308.1784636109&navt=r&npa=0&ep.ads_data_redaction=0&gtm=45He67h1v812213746za200zd812213746xea&gcd=13l3l3l3l1l1&dma=0&tag_exp=115938465~115938469~118897920~118897930~119732171&apve=1&apvf=f&apvc=1&tft=1784636109325&tfd=1281&fmt=8", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Google Ads", Role::Hit));
        assert_eq!(d.events, ["page_view"]);
        for f in ["cookie_id", "page_url", "page_title"] {
            assert!(has(&d, f, "plain"), "{f}");
        }
        let d = decode(&req(
            "GET",
            "https://www.google.com/ccm/collect?tid=AW-18418762437&en=page_view&auid=1.2",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(d.pixel_ids, ["AW-18418762437"]);
    }
}
