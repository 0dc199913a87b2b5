//! Dynamic Yield (Mastercard): the section's scripts `cdn.dynamicyield.com/api/<section>/
//! api_dynamic.js` and `api_static.js`, then events and impressions to `*.dynamicyield.com`
//! (`async-px` for user interactions, `px`, `st`, `rcom` for recommendations; `*.dynamicyield.eu`
//! in Europe) with the section as `sec`.

use super::claim;
use super::spec::{NONE, Spec, at};
use crate::analyze::Field;

const DY: &str = "Dynamic Yield";

/// The Dynamic Yield decoder.
pub static DYNAMIC_YIELD: Spec = Spec {
    name: "dynamicyield",
    tracker: DY,
    company: "Mastercard",
    category: "analytics",
    claims: &[
        claim("dynamicyield.com", DY, "Mastercard", "analytics"),
        claim("dynamicyield.eu", DY, "Mastercard", "analytics"),
        claim("dy-api.com", DY, "Mastercard", "analytics"),
        claim("dy-api.eu", DY, "Mastercard", "analytics"),
    ],
    loaders: &[
        at("cdn.dynamicyield.com", "/api/"),
        at("cdn-eu.dynamicyield.com", "/api/"),
        at("cdn.dynamicyield.com", "/scripts/"),
    ],
    hits: &[
        at("dynamicyield.com", "/"),
        at("dynamicyield.eu", "/"),
        at("dy-api.com", "/"),
        at("dy-api.eu", "/"),
    ],
    ids: &["sec"],
    path_ids: &["/api/{}/**", "/v3/recommend/{}"],
    events: &["name"],
    fields: &[("uid", Field::CookieId), ("ref", Field::Referrer)],
    id_cookies: &["_dyid", "_dyjsession", "_dyid_server"],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// The user-interaction request of Omnibug's test suite (MisterPhilip/omnibug,
    /// `test/providers/DynamicYield.js`: `async-px.dynamicyield.com/uia?cnst=1&_=…`) and a
    /// section's script.
    #[test]
    fn uia_and_section_script() {
        let d = decode(&req(
            "GET",
            "https://async-px.dynamicyield.com/uia?cnst=1&_=123456789",
            None,
            None,
        ))
        .unwrap();
        assert_eq!((d.tracker, d.role), ("Dynamic Yield", Role::Hit));
        let l = decode(&req(
            "GET",
            "https://cdn.dynamicyield.com/api/8765432/api_dynamic.js",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (l.role, l.pixel_ids.clone()),
            (Role::Loader, vec!["8765432".to_string()])
        );
    }
}
