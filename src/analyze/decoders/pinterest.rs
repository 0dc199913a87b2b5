//! Pinterest tag: loader `s.pinimg.com/ct/core.js`, hits to `ct.pinterest.com/v3/` (and
//! `/user/`) with `tid`, `event`, `ad` (JSON with the page URL in `loc`), `pd` (JSON with
//! the hashed email `em`).

use super::{Claim, Decoded, Decoder, Role, claim, ids_of_calls, on};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// The Pinterest decoder.
pub struct Pinterest;

impl Decoder for Pinterest {
    /// The hosts only this tag uses.
    fn claims(&self) -> &'static [Claim] {
        const C: &[Claim] = &[claim(
            "ct.pinterest.com",
            "Pinterest Tag",
            "Pinterest",
            "ad",
        )];
        C
    }

    fn name(&self) -> &'static str {
        "pinterest"
    }

    /// The Pinterest base code: `pintrk('load', '<tag id>')`.
    fn inline(&self, script: &str) -> Vec<Decoded> {
        let ids = ids_of_calls(script, "pintrk", &["load"]);
        if ids.is_empty() {
            return Vec::new();
        }
        let mut d = Decoded::new("Pinterest Tag", "Pinterest", "ad", Role::Loader);
        ids.into_iter().for_each(|i| d.id(i));
        vec![d]
    }

    /// The vendor's own domains (its hits there are `hosting = vendor`).
    fn domains(&self) -> &'static [&'static str] {
        &["pinterest.com", "pinimg.com"]
    }

    /// Pinterest's unauthenticated visitor ID.
    fn id_cookies(&self) -> &'static [&'static str] {
        &["_pin_unauth"]
    }

    fn decode(&self, r: &RequestView) -> Option<Decoded> {
        let new = |role| Decoded::new("Pinterest Tag", "Pinterest", "ad", role);
        if on(&r.host, "s.pinimg.com") && r.path.starts_with("/ct/") {
            return Some(new(Role::Loader));
        }
        if !(on(&r.host, "ct.pinterest.com")
            && (r.path.starts_with("/v3") || r.path.starts_with("/user")))
        {
            return None;
        }
        let mut d = new(Role::Hit);
        r.params("tid").for_each(|v| d.id(v));
        r.params("event").for_each(|v| d.event(v));
        // `ad` and `pd` are JSON inside a query parameter.
        for (param, key, name) in [
            ("ad", "loc", Field::PageUrl),
            ("ad", "ref", Field::Referrer),
            ("ad", "sw", Field::Screen),
            ("ad", "sh", Field::Screen),
            ("pd", "em", Field::HashedEmail),
        ] {
            let location = r
                .param_location(param)
                .unwrap_or(crate::analyze::Location::Query);
            for v in r.params(param) {
                let Ok(j) = serde_json::from_str::<serde_json::Value>(v) else {
                    continue;
                };
                // Strings, and the screen's numbers (`"sw":1280`).
                let text = j.get(key).and_then(|x| match x {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    _ => None,
                });
                if let Some(s) = text.as_deref().filter(|s| !super::is_empty_value(s)) {
                    d.value(name, s, location);
                }
            }
        }
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
            Pinterest.inline(base).remove(0).pixel_ids,
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
