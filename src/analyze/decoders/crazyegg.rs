//! Crazy Egg (heatmaps and recordings): the account's script `script.crazyegg.com/pages/scripts/
//! <first 4 digits>/<last 4 digits>.js` (the account number split in two path segments), and its
//! tracking to `*.crazyegg.com`.

use super::spec::{NONE, Spec, at};
use super::{Decoded, claim};
use crate::analyze::request::RequestView;

/// The account number, split over the script's last two path segments.
fn account(r: &RequestView, d: &mut Decoded) {
    let parts: Vec<&str> = r.path.split('/').filter(|s| !s.is_empty()).collect();
    if let [.., "scripts", a, b] = parts.as_slice()
        && let Some(b) = b.strip_suffix(".js")
        && (a.len(), b.len()) == (4, 4)
        && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
    {
        d.id(format!("{a}{b}"));
    }
}

/// The Crazy Egg decoder.
pub static CRAZYEGG: Spec = Spec {
    name: "crazyegg",
    tracker: "Crazy Egg",
    company: "Crazy Egg",
    category: "analytics",
    claims: &[claim("crazyegg.com", "Crazy Egg", "Crazy Egg", "analytics")],
    loaders: &[at("script.crazyegg.com", "*.js")],
    hits: &[at("crazyegg.com", "/")],
    id_cookies: &["_ce.s", "_ce.clock_data"],
    extra: Some(account),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// The account script in the form a public test fixture lists it
    /// (`script.crazyegg.com/pages/scripts/0001/1001.js`).
    #[test]
    fn account_script() {
        let l = decode(&req(
            "GET",
            "https://script.crazyegg.com/pages/scripts/0001/1001.js",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (l.tracker, l.role, l.pixel_ids.clone()),
            ("Crazy Egg", Role::Loader, vec!["00011001".to_string()])
        );
    }
}
