//! The vantage web (#40): a site that, like real ones, serves visitors differently by where
//! they come from and what they come with. The test web tells visitors apart by the address
//! a proxy connects from: the "EU" proxy's ([`EU`]) visitors get a OneTrust-style consent
//! banner and the site's Meta Pixel only after "accept"; everyone else (the "US" proxy,
//! [`US`]) gets the pixel at once and no banner. Phones (`Sec-CH-UA-Mobile: ?1`, decided by
//! the server) also get a LinkedIn Insight tag. `echo.test/ip` answers the address a request
//! came from, as an operator's address-echo service would.
//!
//! The proxies that tests start resolve names with [`crate::hosts_file`]: every host of the
//! test web, at its own address.

use std::net::IpAddr;

/// The site whose page depends on the visitor's region and device.
pub const SITE: &str = "region-news.test";
/// The address-echo site: `https://echo.test/ip`.
pub const ECHO: &str = "echo.test";
/// Where the "EU" proxy connects from.
pub const EU: [u8; 4] = [127, 0, 0, 2];
/// Where the "US" proxy connects from.
pub const US: [u8; 4] = [127, 0, 0, 3];
/// The address the test web listens on (ports 443 and 80) for the proxies.
pub const ORIGIN: [u8; 4] = [127, 40, 0, 1];
/// The Meta Pixel of [`SITE`]: at once outside the EU, after "accept" in it.
pub const REGION_PIXEL: &str = "5550001112223334";
/// The LinkedIn partner ID of the phones' tag on [`SITE`].
pub const PHONE_TAG: &str = "7654321";

/// True for the hosts only this module serves.
pub fn serves(host: &str) -> bool {
    matches!(host, SITE | "www.region-news.test" | ECHO)
}

/// The banner, with the Meta Pixel waiting for "accept" (the element ids autoconsent's
/// OneTrust rule looks for).
const EU_BANNER: &str = concat!(
    crate::sites::onetrust_banner!(),
    r#"  document.getElementById('onetrust-accept-btn-handler').addEventListener('click', function () {
    choose('C0001:1,C0004:1');
    new Image().src = 'https://www.facebook.com/tr?id=5550001112223334&ev=PageView&noscript=1';
  });
  document.getElementById('onetrust-reject-all-handler').addEventListener('click', function () { choose('C0001:1,C0004:0'); });
})();
</script>"#
);

/// Outside the EU: the pixel at once.
const PIXEL_AT_ONCE: &str = r#"<script>new Image().src = 'https://www.facebook.com/tr?id=5550001112223334&ev=PageView&noscript=1';</script>"#;

/// Phones' tag (chosen by the server from the client hint).
const PHONE: &str = r#"<script>new Image().src = 'https://px.ads.linkedin.com/collect?v=2&fmt=js&pid=7654321&time=' + Date.now() + '&url=' + encodeURIComponent(location.href);</script>"#;

/// The page of [`SITE`] for a visitor connecting from `peer`, on a phone or not.
pub fn page(peer: IpAddr, phone: bool) -> String {
    let eu = peer == IpAddr::from(EU);
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Region News</title></head><body><h1>Region News</h1><p>Today's stories, wherever you are.</p>{}{}</body></html>",
        if eu { EU_BANNER } else { PIXEL_AT_ONCE },
        if phone { PHONE } else { "" }
    )
}

/// The answer for `host` and `path` (None: not this module's host): `(content type, body)`.
pub fn route(
    host: &str,
    path: &str,
    peer: IpAddr,
    headers: &hyper::HeaderMap,
) -> Option<(&'static str, String)> {
    match host {
        ECHO if path == "/ip" => Some(("text/plain", format!("{peer}\n"))),
        SITE | "www.region-news.test" if path == "/" => {
            let phone = headers
                .get("sec-ch-ua-mobile")
                .and_then(|v| v.to_str().ok())
                == Some("?1");
            Some(("text/html; charset=utf-8", page(peer, phone)))
        }
        SITE | "www.region-news.test" | ECHO => Some(("text/plain", "not found".into())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_depends_on_where_and_what_the_visitor_comes_from() {
        let eu = page(IpAddr::from(EU), false);
        let us = page(IpAddr::from(US), true);
        assert!(eu.contains("onetrust-banner-sdk") && !eu.contains(PHONE_TAG));
        assert!(!eu.contains(PIXEL_AT_ONCE));
        assert!(!us.contains("onetrust") && us.contains(REGION_PIXEL) && us.contains(PHONE_TAG));
    }
}
