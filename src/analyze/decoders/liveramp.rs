//! LiveRamp: ATS's envelope API `api.rlcdn.com/api/identity/envelope?pid=<placement>` (and
//! the older `/api/identity?pid=…&rt=envelope`), the ATS loader `ats.rlcdn.com/ats.js` and
//! `ats-wrapper.privacymanager.io`, IdentityLink's syncs on `idsync.rlcdn.com`. The
//! placement is the ID (a sync's partner is in its path, `idsync.rlcdn.com/<partner>.gif?
//! partner_uid=<the partner's visitor>`); a hashed e-mail it is sent (`it=4`, `iv`) is a field.

use super::spec::{NONE, Spec, at};
use super::{Decoded, claim};
use crate::analyze::Field;
use crate::analyze::request::RequestView;

/// The call: the envelope request or a sync.
fn kind(r: &RequestView, d: &mut Decoded) {
    if d.role != super::Role::Hit {
        return;
    }
    if r.path.starts_with("/api/identity") {
        d.event("envelope");
    } else {
        d.event("sync");
    }
}

/// The LiveRamp decoder.
pub static LIVERAMP: Spec = Spec {
    name: "liveramp",
    tracker: "LiveRamp ATS",
    company: "LiveRamp",
    category: "ad",
    claims: &[claim("rlcdn.com", "LiveRamp ATS", "LiveRamp", "ad")],
    loaders: &[
        at("ats.rlcdn.com", "/"),
        at("ats-wrapper.privacymanager.io", "/"),
    ],
    hits: &[
        at("api.rlcdn.com", "/api/identity"),
        at("idsync.rlcdn.com", "/"),
    ],
    requires: &[],
    ids: &["pid"],
    path_ids: &["/{}.gif"],
    events: &[],
    fields: &[("iv", Field::HashedEmail), ("partner_uid", Field::CookieId)],
    id_cookies: &["_lr_env", "idl_env"],
    extra: Some(kind),
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// The envelope request as Prebid.js's IdentityLink module sends it (its test,
    /// `test/spec/modules/identityLinkIdSystem_spec.js` in prebid/Prebid.js: placement 14),
    /// with the consent string when GDPR applies.
    #[test]
    fn envelope_request() {
        let d = decode(&req(
            "GET",
            "https://api.rlcdn.com/api/identity/envelope?pid=14",
            None,
            None,
        ))
        .unwrap();
        assert_eq!((d.tracker, d.role), ("LiveRamp ATS", Role::Hit));
        assert_eq!(
            (d.pixel_ids.clone(), d.events.clone()),
            (vec!["14".to_string()], vec!["envelope".to_string()])
        );
        let d = decode(&req("GET", "https://api.rlcdn.com/api/identity/envelope?pid=14&ct=4&cv=CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA", None, None)).unwrap();
        assert_eq!(d.pixel_ids, ["14"]);
    }
}
