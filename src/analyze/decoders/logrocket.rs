//! LogRocket (session replay): the script from `cdn.lr-ingest.io` (also `cdn.logrocket.io`,
//! `cdn.lr-in-prod.com`), recordings posted to `r.lr-ingest.io/i?a=<org>/<app>&r=<recording>&…`
//! (`lr-in.com`, `lr-in-prod.com`, `lr-ingest.com` in other versions) as protobuf; the app ID
//! `a` is the account.

use super::claim;
use super::spec::{NONE, Spec, at, call};

const HOSTS: [&str; 4] = [
    "lr-ingest.io",
    "lr-ingest.com",
    "lr-in.com",
    "lr-in-prod.com",
];

/// The LogRocket decoder.
pub static LOGROCKET: Spec = Spec {
    name: "logrocket",
    tracker: "LogRocket",
    company: "LogRocket",
    category: "analytics",
    claims: &[
        claim(HOSTS[0], "LogRocket", "LogRocket", "analytics"),
        claim(HOSTS[1], "LogRocket", "LogRocket", "analytics"),
        claim(HOSTS[2], "LogRocket", "LogRocket", "analytics"),
        claim(HOSTS[3], "LogRocket", "LogRocket", "analytics"),
        claim("logrocket.io", "LogRocket", "LogRocket", "analytics"),
    ],
    loaders: &[
        at("cdn.lr-ingest.io", "*.js"),
        at("cdn.lr-ingest.com", "*.js"),
        at("cdn.lr-in-prod.com", "*.js"),
        at("cdn.logrocket.io", "*.js"),
    ],
    hits: &[
        at(HOSTS[0], "/i"),
        at(HOSTS[1], "/i"),
        at(HOSTS[2], "/i"),
        at(HOSTS[3], "/i"),
    ],
    ids: &["a"],
    domains: &["logrocket.com"],
    inline: &[call("LogRocket.init", "", 0)],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Decoder;
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A recording upload in the shape logrocket-js sends it (`/i?a=<org>/<app>&r=…&t=…&s=…`,
    /// the app ID of LogRocket's documented `LogRocket.init('<org>/<app>')`), and the snippet.
    #[test]
    fn recording_and_snippet() {
        let d = decode(&req("POST", "https://r.lr-ingest.io/i?a=abcdef%2Fshop-web&r=5-0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9&t=1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6&s=0&u=https%3A%2F%2Fshop.example%2F&is=1", Some("\u{8}\u{1}\u{12}binary"), Some("application/octet-stream"))).unwrap();
        assert_eq!((d.tracker, d.role), ("LogRocket", Role::Hit));
        assert_eq!(d.pixel_ids, ["abcdef/shop-web"]);
        let s = super::LOGROCKET
            .inline("window.LogRocket && window.LogRocket.init('abcdef/shop-web');");
        assert_eq!(s[0].pixel_ids, ["abcdef/shop-web"]);
    }
}
