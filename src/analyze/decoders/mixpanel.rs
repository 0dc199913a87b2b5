//! Mixpanel (mixpanel-js): `api-js.mixpanel.com/track/` (and `/engage/`, `/groups/`,
//! `/decide/`; EU `api-eu.mixpanel.com`) with the event or batch in `data=`, base64 JSON in
//! older versions and URL-encoded JSON in newer ones, as a GET or a form POST, often through a
//! proxy of the site's. The project token is each event's `properties.token` (`$token` for a
//! profile update); the page, referrer, screen, distinct and device IDs are its properties.

use super::claim;
use super::spec::{NONE, Spec, anywhere, at, call};
use crate::analyze::Field;

/// The Mixpanel decoder.
pub static MIXPANEL: Spec = Spec {
    name: "mixpanel",
    tracker: "Mixpanel",
    company: "Mixpanel",
    category: "analytics",
    claims: &[
        claim("mixpanel.com", "Mixpanel", "Mixpanel", "analytics"),
        claim("mxpnl.com", "Mixpanel", "Mixpanel", "analytics"),
    ],
    loaders: &[at("mxpnl.com", "/libs/")],
    hits: &[
        at("mixpanel.com", "/engage").event("engage"),
        at("mixpanel.com", "/groups").event("groups"),
        at("mixpanel.com", "/decide").event("decide"),
        at("mixpanel.com", "/"),
        anywhere("*/track", &["properties.token"]),
        anywhere("*/engage", &["$token"]),
    ],
    ids: &["properties.token", "$token", "token"],
    events: &["event"],
    fields: &[
        ("properties.$current_url", Field::PageUrl),
        ("properties.$referrer", Field::Referrer),
        ("properties.$initial_referrer", Field::Referrer),
        ("properties.current_page_title", Field::PageTitle),
        ("properties.distinct_id", Field::CookieId),
        ("properties.$device_id", Field::CookieId),
        ("properties.$user_id", Field::ExternalId),
        ("properties.$screen_width", Field::Screen),
        ("$distinct_id", Field::CookieId),
        ("$set.$email", Field::PlainEmail),
    ],
    unpack: &["data"],
    inline: &[call("mixpanel.init", "", 0)],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// mixpanel-js 2.38.0's track call as a k6 recording of a HAR has it (a public GitHub load
    /// test of dsin100days.refactored.ai; its second event, "cell execution": base64 JSON in a
    /// form's `data`), then the same event URL-encoded as JSON through a proxy.
    #[test]
    fn track_base64_and_json() {
        let data = "eyJldmVudCI6ICJjZWxsIGV4ZWN1dGlvbiIsInByb3BlcnRpZXMiOiB7IiRvcyI6ICJMaW51eCIsIiRicm93c2VyIjogIkNocm9tZSIsIiRjdXJyZW50X3VybCI6ICJodHRwczovL2RzaW4xMDBkYXlzLnJlZmFjdG9yZWQuYWkvdXNlci9tYW5pcnYvbm90ZWJvb2tzL2RzaW4xMDBkYXlzL2NvbnRlbnQvMDItUHl0aG9uX2Zvcl9EYXRhX1NjaWVudGlzdHMvMDgtQ29tcHV0YXRpb25zX3dpdGhfTnVtcHkvbnVtcHlfMi5pcHluYiIsIiRicm93c2VyX3ZlcnNpb24iOiA4MCwiJHNjcmVlbl9oZWlnaHQiOiAxMDgwLCIkc2NyZWVuX3dpZHRoIjogMTkyMCwibXBfbGliIjogIndlYiIsIiRsaWJfdmVyc2lvbiI6ICIyLjM4LjAiLCIkaW5zZXJ0X2lkIjogImxnZXZ1cDZpMHhvMTUwZmIiLCJ0aW1lIjogMTU5Njc5MjM4My43OTIsImRpc3RpbmN0X2lkIjogIm1hbmlydiIsIiRkZXZpY2VfaWQiOiAiMTczYzgzZDc5NzA2ZGEtMDI2ZTlhMTgxNDlmMS0zMTdlMGM1ZS0xZmE0MDAtMTczYzgzZDc5NzFhNTYiLCIkdXNlcl9pZCI6ICJtYW5pcnYiLCIkaW5pdGlhbF9yZWZlcnJlciI6ICJodHRwczovL2RzaW4xMDBkYXlzLnJlZmFjdG9yZWQuYWkvaHViL3NwYXduLXBlbmRpbmcvbWFuaXJ2P25leHQ9JTJGaHViJTJGdXNlciUyRm1hbmlydiUyRm5vdGVib29rcyUyRmRzaW4xMDBkYXlzJTJGY29udGVudCUyRjAyLVB5dGhvbl9mb3JfRGF0YV9TY2llbnRpc3RzJTJGMDgtQ29tcHV0YXRpb25zX3dpdGhfTnVtcHklMkZudW1weV8yLmlweW5iIiwiJGluaXRpYWxfcmVmZXJyaW5nX2RvbWFpbiI6ICJkc2luMTAwZGF5cy5yZWZhY3RvcmVkLmFpIiwibm90ZWJvb2tfcGF0aCI6ICJkc2luMTAwZGF5cy9jb250ZW50LzAyLVB5dGhvbl9mb3JfRGF0YV9TY2llbnRpc3RzLzA4LUNvbXB1dGF0aW9uc193aXRoX051bXB5L251bXB5XzIuaXB5bmIiLCJjZWxsX2lkIjogIjAzYWM3ZTg4ZmVjYTQ3NzI4YmY3MmJjOTRlMjU2MTBkIiwidG9rZW4iOiAiNmEwNDFiY2I2YzBlNmU1MjUyZjY3MGM4ZjVmNWRiOWUifX0=";
        let body = format!(
            "data={}",
            url::form_urlencoded::byte_serialize(data.as_bytes()).collect::<String>()
        );
        let d = decode(&req(
            "POST",
            "https://api-js.mixpanel.com/track/?ip=1&_=1596792383795",
            Some(&body),
            Some("application/x-www-form-urlencoded"),
        ))
        .unwrap();
        assert_eq!((d.tracker, d.role), ("Mixpanel", Role::Hit));
        assert_eq!(d.pixel_ids, ["6a041bcb6c0e6e5252f670c8f5f5db9e"]);
        assert_eq!(d.events, ["cell execution"]);
        for f in ["page_url", "referrer", "cookie_id", "external_id", "screen"] {
            assert!(has(&d, f, "plain"), "{f}: {:?}", d.fields);
        }
        let json = r#"[{"event":"$mp_web_page_view","properties":{"$current_url":"https://shop.example/","token":"6a041bcb6c0e6e5252f670c8f5f5db9e","distinct_id":"$device:18f2b4c6d7e"}}]"#;
        let body = format!(
            "data={}",
            url::form_urlencoded::byte_serialize(json.as_bytes()).collect::<String>()
        );
        let d = decode(&req(
            "POST",
            "https://shop.example/mp/track/?ip=1",
            Some(&body),
            Some("application/x-www-form-urlencoded"),
        ))
        .unwrap();
        assert_eq!(d.events, ["$mp_web_page_view"]);
    }
}
