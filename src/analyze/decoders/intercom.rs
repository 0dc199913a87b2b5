//! Intercom (the Messenger): the widget `widget.intercom.io/widget/<app id>` and its bundle
//! from `js.intercomcdn.com`, then form posts to `api-iam.intercom.io/messenger/web/ping`
//! (`…/events`, `…/metrics`, `…/open`; `api-iam.eu.intercom.io` in Europe) with `app_id`, the
//! page as `referer` (and the referrer as `r`), `page_title`, `device_identifier` and the
//! visitor in `user_data` (JSON: `anonymous_id`, or `email` and `user_id` when identified).

use super::claim;
use super::spec::{NONE, Spec, assign, at};
use crate::analyze::Field;

/// The Intercom decoder.
pub static INTERCOM: Spec = Spec {
    name: "intercom",
    tracker: "Intercom",
    company: "Intercom",
    category: "customer-success",
    claims: &[
        claim("intercom.io", "Intercom", "Intercom", "customer-success"),
        claim(
            "intercomcdn.com",
            "Intercom",
            "Intercom",
            "customer-success",
        ),
    ],
    loaders: &[
        at("widget.intercom.io", "/widget/"),
        at("intercomcdn.com", "*.js"),
    ],
    hits: &[at("intercom.io", "/messenger/"), at("intercom.io", "/")],
    ids: &["app_id"],
    path_ids: &["/widget/{}"],
    fields: &[
        ("referer", Field::PageUrl),
        ("r", Field::Referrer),
        ("page_title", Field::PageTitle),
        ("device_identifier", Field::CookieId),
        ("anonymous_id", Field::CookieId),
        ("email", Field::PlainEmail),
        ("user_id", Field::ExternalId),
    ],
    unpack: &["user_data"],
    id_cookies: &["intercom-id", "intercom-session", "intercom-device-id"],
    inline: &[assign("app_id", "intercom"), assign("app_id", "Intercom")],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// The boot ping as a public GitHub React hook replays it (its form fields: `app_id`, `v`,
    /// `g`, `s`, `r`, `platform`, `installation_type`, `Idempotency-Key`, `page_title`,
    /// `user_data` with `anonymous_id`, …), with the page the Messenger puts in `referer`.
    #[test]
    fn ping() {
        let body = "app_id=mbe6u52e&v=3&g=63d8117e5ca2800d0b4764a12fc8764f84d527a4&s=ccc2bcd8-430b-4935-8d6d-79437374448b&r=&platform=web&installation_type=js-snippet&Idempotency-Key=fb56ede44d094b8e&internal=%7B%7D&is_intersection_booted=false&page_title=Document&user_active_company_id=-1&user_data=%7B%22anonymous_id%22%3A%22a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d%22%7D&source=apiBoot&sampling=false&referer=https%3A%2F%2Fshop.example%2Fcart";
        let d = decode(&req(
            "POST",
            "https://api-iam.intercom.io/messenger/web/ping",
            Some(body),
            Some("application/x-www-form-urlencoded"),
        ))
        .unwrap();
        assert_eq!((d.tracker, d.role), ("Intercom", Role::Hit));
        assert_eq!(d.pixel_ids, ["mbe6u52e"]);
        for f in ["page_url", "page_title", "cookie_id"] {
            assert!(has(&d, f, "plain"), "{f}: {:?}", d.fields);
        }
        assert!(!has(&d, "referrer", "plain"), "an empty r is none");
        let l = decode(&req(
            "GET",
            "https://widget.intercom.io/widget/mbe6u52e",
            None,
            None,
        ))
        .unwrap();
        assert_eq!(
            (l.role, l.pixel_ids.clone()),
            (Role::Loader, vec!["mbe6u52e".to_string()])
        );
    }
}
