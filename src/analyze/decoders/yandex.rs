//! Yandex Metrica (tag.js from `mc.yandex.ru/metrika/`, set up with `ym(<counter>, "init",
//! {…})`): hits to `mc.yandex.ru/watch/<counter>?page-url=<page>&page-ref=<referrer>&
//! browser-info=…` (`mc.yandex.com`, and `/webvisor/<counter>` for session replay); the counter
//! in the path is the ID.

use super::claim;
use super::spec::{NONE, Spec, at, call};
use crate::analyze::Field;

const YM: &str = "Yandex Metrica";

/// The Yandex Metrica decoder.
pub static YANDEX_METRICA: Spec = Spec {
    name: "yandex-metrica",
    tracker: YM,
    company: "Yandex",
    category: "analytics",
    claims: &[
        claim("mc.yandex.ru", YM, "Yandex", "analytics"),
        claim("mc.yandex.com", YM, "Yandex", "analytics"),
        claim("mc.webvisor.org", YM, "Yandex", "analytics"),
    ],
    loaders: &[
        at("mc.yandex.ru", "/metrika/"),
        at("mc.yandex.com", "/metrika/"),
    ],
    hits: &[
        at("mc.yandex.ru", "/watch/").event("hit"),
        at("mc.yandex.com", "/watch/").event("hit"),
        at("mc.yandex.ru", "/"),
        at("mc.yandex.com", "/"),
        at("mc.webvisor.org", "/"),
    ],
    path_ids: &[
        "/watch/{}",
        "/watch/{}/**",
        "/webvisor/{}",
        "/webvisor/{}/**",
    ],
    fields: &[("page-url", Field::PageUrl), ("page-ref", Field::Referrer)],
    id_cookies: &["_ym_uid", "_ym_d"],
    domains: &["yandex.ru", "yandex.com"],
    inline: &[call("ym", "", 0)],
    ..NONE
};

#[cfg(test)]
mod tests {
    use crate::analyze::decoders::Decoder;
    use crate::analyze::decoders::Role;
    use crate::analyze::decoders::testutil::*;

    /// A hit in tag.js's `watch` form and the counter's set-up call as Yandex's snippet has it
    /// (no captured request was at hand: the counter is made up).
    #[test]
    fn watch_and_snippet() {
        let d = decode(&req("GET", "https://mc.yandex.ru/watch/12345678?wmode=7&page-url=https%3A%2F%2Fshop.example%2F&page-ref=https%3A%2F%2Fya.ru%2F&charset=utf-8&browser-info=pv%3A1%3Avf%3A3a5b7c9d%3Afp%3A512%3Afu%3A0%3Aen%3Autf-8%3Ala%3Aen-US%3Av%3A1020%3Acn%3A1%3Adp%3A0%3Als%3A1234567890%3Ahid%3A987654321%3Az%3A60%3Ai%3A20240529173207%3Aet%3A1716999127%3Ac%3A1%3Arn%3A1357913579%3Arqn%3A1%3Au%3A1716999127123456789%3Aw%3A1920x969%3As%3A1920x1080x24%3Ask%3A1%3Ads%3A0%2C0%2C12%2C0%2C0%2C0%2C0%2C123%2C45%2C%2C%2C%2C456%3Aco%3A0%3Acpf%3A1%3Ans%3A1716999126000%3Aadb%3A2%3Arqnl%3A1%3Ast%3A1716999127%3At%3AShop&t=gdpr(14)ti(1)", None, None)).unwrap();
        assert_eq!((d.tracker, d.role), ("Yandex Metrica", Role::Hit));
        assert_eq!(d.pixel_ids, ["12345678"]);
        assert!(has(&d, "page_url", "plain") && has(&d, "referrer", "plain"));
        let s = r#"ym(12345678, "init", { clickmap:true, trackLinks:true, accurateTrackBounce:true, webvisor:true });"#;
        assert_eq!(super::YANDEX_METRICA.inline(s)[0].pixel_ids, ["12345678"]);
    }
}
