//! Reddit pixel: loader `www.redditstatic.com/ads/pixel.js` (and `v2.js`), hits
//! `alb.reddit.com/rp.gif?id=<pixel>&event=…`.

use super::claim;
use super::spec::{NONE, Spec, at, call};
use crate::analyze::{Field, Source};

/// The Reddit decoder.
pub static REDDIT: Spec = Spec {
    name: "reddit",
    tracker: "Reddit Pixel",
    company: "Reddit",
    category: "ad",
    claims: &[
        claim("alb.reddit.com", "Reddit Pixel", "Reddit", "ad"),
        claim("pixel-config.reddit.com", "Reddit Pixel", "Reddit", "ad"),
    ],
    loaders: &[at("redditstatic.com", "/ads/")],
    hits: &[at("alb.reddit.com", "/rp.gif")],
    ids: &["id"],
    events: &["event"],
    fields: &[
        ("m.url", Field::PageUrl),
        ("uuid", Field::CookieId),
        ("em", Field::HashedEmail),
        ("sh", Field::Screen),
        ("sw", Field::Screen),
    ],
    // Reddit's visitor ID.
    id_cookies: &["_rdt_uuid"],
    domains: &["reddit.com", "redditstatic.com"],
    // The Reddit pixel base code: `rdt('init', '<pixel id>')`.
    inline: &[call("rdt", "init", 1)],
    ids_on_loaders: false,
    source: Source::Decoder,
    ..NONE
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::decoders::Decoder;
    use crate::analyze::decoders::testutil::*;

    #[test]
    fn rp_gif() {
        let d = decode(&req("GET", "https://alb.reddit.com/rp.gif?ts=1732840000000&id=t2_abc123&event=PageVisit&m.itemCount=&uuid=1732840000.11111111-2222-4333-8444-555555555555", None, None)).unwrap();
        assert_eq!(
            (d.tracker, d.pixel_ids.clone(), d.events.clone()),
            (
                "Reddit Pixel",
                vec!["t2_abc123".to_string()],
                vec!["PageVisit".to_string()]
            )
        );
        assert!(has(&d, "cookie_id", "plain"));
        assert!(decode(&req("GET", "https://www.reddit.com/r/rust/", None, None)).is_none());
    }

    #[test]
    fn the_base_code_names_its_pixel() {
        let base = "!function(w,d){if(!w.rdt){var p=w.rdt=function(){p.sendEvent?p.sendEvent.apply(p,arguments):p.callQueue.push(arguments)};p.callQueue=[];var t=d.createElement(\"script\");t.src=\"https://www.redditstatic.com/ads/pixel.js\",t.async=!0;}}(window,document);rdt('init','a2_demo123');rdt('track', 'PageVisit');";
        assert_eq!(REDDIT.inline(base).remove(0).pixel_ids, ["a2_demo123"]);
    }

    /// An AddToCart hit as Omnibug's test suite has it (MisterPhilip/omnibug,
    /// `test/providers/RedditPixel.js`): screen in `sh`/`sw`; the empty `em` is no e-mail.
    #[test]
    fn screen_and_no_empty_email() {
        let d = decode(&req("GET", "https://alb.reddit.com/rp.gif?ts=1708362676211&id=xx_abc123z&event=AddToCart&m.itemCount=2&m.value=&m.valueDecimal=20&m.currency=USD&m.transactionId=&m.customEventName=&m.products=&m.conversionId=&uuid=c6959068-f901-4338-a393-7dda9cbd1fc3&aaid=&em=&external_id=&idfa=&integration=reddit&opt_out=0&sh=2560&sw=1440&v=rdt_c9439d84&dpm=&dpcc=&dprc=", None, None)).unwrap();
        assert_eq!(d.events, ["AddToCart"]);
        assert!(has(&d, "screen", "plain") && has(&d, "cookie_id", "plain"));
        assert!(!d.fields.iter().any(|f| f.name.as_str() == "hashed_email"));
    }
}
