//! Pinterest tag: loader `s.pinimg.com/ct/core.js`, hits to `ct.pinterest.com/v3/` (and
//! `/user/`) with `tid`, `event`, `ad` (JSON with the page URL in `loc`), `pd` (JSON with
//! the hashed email `em`).

use super::claim;
use super::spec::{NONE, Spec, at, call};
use crate::analyze::{Field, Source};

/// The Pinterest decoder.
pub static PINTEREST: Spec = Spec {
    name: "pinterest",
    tracker: "Pinterest Tag",
    company: "Pinterest",
    category: "ad",
    claims: &[claim(
        "ct.pinterest.com",
        "Pinterest Tag",
        "Pinterest",
        "ad",
    )],
    loaders: &[at("s.pinimg.com", "/ct/")],
    hits: &[
        at("ct.pinterest.com", "/v3"),
        at("ct.pinterest.com", "/user"),
    ],
    ids: &["tid"],
    events: &["event"],
    // `ad` and `pd` are JSON inside a query parameter (the screen's sizes numbers).
    unpack: &["ad", "pd"],
    fields: &[
        ("loc", Field::PageUrl),
        ("ref", Field::Referrer),
        ("sw", Field::Screen),
        ("sh", Field::Screen),
        ("em", Field::HashedEmail),
    ],
    // Pinterest's unauthenticated visitor ID.
    id_cookies: &["_pin_unauth"],
    domains: &["pinterest.com", "pinimg.com"],
    // The Pinterest base code: `pintrk('load', '<tag id>')`.
    inline: &[call("pintrk", "load", 1)],
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
    fn v3_hit_with_json_params() {
        let ad = url::form_urlencoded::byte_serialize(
            br#"{"loc":"https://shop.example/p","ref":"","if":false,"sh":768,"sw":1366}"#,
        )
        .collect::<String>();
        let pd = url::form_urlencoded::byte_serialize(
            format!(r#"{{"em":"{}","np":"gtm"}}"#, "b".repeat(64)).as_bytes(),
        )
        .collect::<String>();
        let d = decode(&req(
            "GET",
            &format!(
                "https://ct.pinterest.com/v3/?event=init&ad={ad}&cb=1&tid=2612345678901&pd={pd}"
            ),
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (d.tracker, d.pixel_ids.clone(), d.events.clone()),
            (
                "Pinterest Tag",
                vec!["2612345678901".to_string()],
                vec!["init".to_string()]
            )
        );
        assert!(
            has(&d, "page_url", "plain") && has(&d, "hashed_email", "sha256"),
            "{:?}",
            d.fields
        );
        assert!(decode(&req("GET", "https://www.pinterest.com/pin/1/", None, None)).is_none());
    }

    #[test]
    fn the_base_code_names_its_tag() {
        let base = "!function(e){if(!window.pintrk){window.pintrk = function () {window.pintrk.queue.push(Array.prototype.slice.call(arguments))};}}(\"https://s.pinimg.com/ct/core.js\");\npintrk('load', '2612345678901', {em: '<user_email_address>'});\npintrk('page');";
        assert_eq!(
            PINTEREST.inline(base).remove(0).pixel_ids,
            ["2612345678901"]
        );
    }

    /// The init event as Omnibug's test suite has it (MisterPhilip/omnibug,
    /// `test/providers/Pinterest.js`): the screen in `ad`'s `sh`/`sw` numbers; an empty
    /// `ref` is no referrer.
    #[test]
    fn screen_inside_ad_and_no_empty_referrer() {
        let d = decode(&req("GET", "https://ct.pinterest.com/v3/?tid=abc123&pd=%7B%22em%22%3A%22f660ab912ec121d1b1e928a0bb4bc61b15f5ad44d5efdc4e1c92a25e99b8e44a%22%7D&event=init&ad=%7B%22loc%22%3A%22https%3A%2F%2Fwww.example.com%2F%22%2C%22ref%22%3A%22%22%2C%22if%22%3Afalse%2C%22sh%22%3A1440%2C%22sw%22%3A2560%7D&cb=1583538016603", None, None)).unwrap();
        assert!(has(&d, "screen", "plain") && has(&d, "page_url", "plain"));
        assert!(has(&d, "hashed_email", "sha256"));
        assert!(
            !d.fields.iter().any(|f| f.name.as_str() == "referrer"),
            "{:?}",
            d.fields
        );
    }
}
