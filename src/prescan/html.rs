//! A fetched front page's HTML taken apart with `scraper` (html5ever: the parser browsers
//! use, forgiving of malformed markup): its scripts, images, frames and `<noscript>` pixels,
//! the inline scripts that hold something the static analysis reads, and whether the page is
//! a bot wall.

use crate::analyze::statics::worth_keeping;
use crate::capture::{ResourceKind, StaticResource, WallKind};
use scraper::{Html, Selector};
use std::sync::OnceLock;

/// At most this many resources are kept per page.
const MAX_RESOURCES: usize = 2000;
/// An inline script longer than this is kept cut to it.
const MAX_INLINE: usize = 64 * 1024;

struct Selectors {
    script: Selector,
    img: Selector,
    iframe: Selector,
    noscript: Selector,
    title: Selector,
    walls: Vec<(Selector, WallKind)>,
}

fn selectors() -> &'static Selectors {
    static S: OnceLock<Selectors> = OnceLock::new();
    S.get_or_init(|| {
        let s = |css: &str| Selector::parse(css).expect("a valid selector");
        Selectors {
            script: s("script"),
            img: s("img[src]"),
            iframe: s("iframe[src]"),
            noscript: s("noscript"),
            title: s("title"),
            // What each vendor's wall shows (the sources are noted in `collect/page.rs`, whose
            // browser-side look this mirrors).
            walls: vec![
                (s(r#"script[src*="/cdn-cgi/challenge-platform/"], form#challenge-form"#), WallKind::Cloudflare),
                (s(r#"iframe[src*="captcha-delivery.com"], script[src*="captcha-delivery.com"]"#), WallKind::Datadome),
                (s("#px-captcha"), WallKind::Perimeterx),
                (s(r#"#sec-if-cpt, iframe[src*="/_sec/cp_challenge"], script[src*="/_sec/cp_challenge/"]"#), WallKind::Akamai),
                (s(r#"iframe[src*="_Incapsula_Resource"]"#), WallKind::Imperva),
            ],
        }
    })
}

/// What a page's HTML holds.
pub struct Extracted {
    /// Its resources, in document order.
    pub resources: Vec<StaticResource>,
    /// The bot wall it is, if any.
    pub wall: Option<WallKind>,
}

/// Takes `html`, fetched from `base` for site `domain`, apart.
pub fn extract(domain: &str, base: &url::Url, html: &str) -> Extracted {
    let doc = Html::parse_document(html);
    let sel = selectors();
    let mut resources = Vec::new();
    let abs = |u: &str| -> Option<String> {
        let u = u.trim();
        if u.is_empty() || u.starts_with("data:") || u.starts_with("javascript:") {
            return None;
        }
        let parsed = base.join(u).ok()?;
        matches!(parsed.scheme(), "http" | "https").then(|| parsed.to_string())
    };
    for el in doc.select(&sel.script) {
        match el.value().attr("src") {
            Some(src) => {
                if let Some(u) = abs(src) {
                    resources.push(StaticResource {
                        kind: ResourceKind::ScriptSrc,
                        url: Some(u),
                        text: None,
                    });
                }
            }
            None => {
                let text: String = el.text().collect();
                let mut cut = text.len().min(MAX_INLINE);
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                let text = &text[..cut];
                if !text.trim().is_empty() && worth_keeping(domain, text) {
                    resources.push(StaticResource {
                        kind: ResourceKind::InlineScript,
                        url: None,
                        text: Some(text.to_string()),
                    });
                }
            }
        }
    }
    for (s, kind) in [
        (&sel.img, ResourceKind::Img),
        (&sel.iframe, ResourceKind::Iframe),
    ] {
        for el in doc.select(s) {
            if let Some(u) = el.value().attr("src").and_then(abs) {
                resources.push(StaticResource {
                    kind,
                    url: Some(u),
                    text: None,
                });
            }
        }
    }
    // <noscript> content is text to a parser with scripting on: parse it as a fragment.
    for el in doc.select(&sel.noscript) {
        let inner: String = el.text().collect();
        let frag = Html::parse_fragment(&inner);
        for img in frag.select(&sel.img) {
            if let Some(u) = img.value().attr("src").and_then(abs) {
                resources.push(StaticResource {
                    kind: ResourceKind::NoscriptImg,
                    url: Some(u),
                    text: None,
                });
            }
        }
    }
    resources.truncate(MAX_RESOURCES);
    let wall = wall(&doc, sel, html);
    Extracted { resources, wall }
}

/// The bot wall a page is: Cloudflare's by its title or script, the others by their markers.
fn wall(doc: &Html, sel: &Selectors, html: &str) -> Option<WallKind> {
    let title = doc
        .select(&sel.title)
        .next()
        .map(|t| t.text().collect::<String>().trim().to_lowercase())
        .unwrap_or_default();
    if title.starts_with("just a moment")
        || (title.starts_with("attention required") && title.contains("cloudflare"))
        || html.contains("window._cf_chl_opt")
    {
        Some(WallKind::Cloudflare)
    } else {
        sel.walls
            .iter()
            .find(|(s, _)| doc.select(s).next().is_some())
            .map(|(_, k)| *k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(e: &Extracted) -> Vec<(&'static str, String)> {
        e.resources
            .iter()
            .map(|r| {
                (
                    r.kind.as_str(),
                    r.url.clone().or(r.text.clone()).unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn scripts_pixels_frames_and_snippets_in_malformed_html() {
        let base = url::Url::parse("https://shop.example/a/").unwrap();
        // Unclosed tags (an unclosed <title> would swallow the page, in browsers too), a
        // relative script, the Meta base code and its noscript pixel.
        let html = r#"<html><head><title>Shop</title><script src="/js/app.js"></script>
<script>fbq('init', '1234567890123456'); fbq('track', 'PageView');</script>
<script>document.documentElement.className = 'js';</script>
<noscript><img height="1" width="1" style="display:none" src="https://www.facebook.com/tr?id=1234567890123456&ev=PageView&noscript=1"></noscript>
<body><p>Hello <img src="logo.png"><iframe src="https://widgets.example/embed"><div>"#;
        let e = extract("shop.example", &base, html);
        assert_eq!(
            kinds(&e),
            [
                ("script_src", "https://shop.example/js/app.js".to_string()),
                (
                    "inline_script",
                    "fbq('init', '1234567890123456'); fbq('track', 'PageView');".to_string()
                ),
                ("img", "https://shop.example/a/logo.png".to_string()),
                ("iframe", "https://widgets.example/embed".to_string()),
                (
                    "noscript_img",
                    "https://www.facebook.com/tr?id=1234567890123456&ev=PageView&noscript=1"
                        .to_string()
                ),
            ]
        );
        assert_eq!(e.wall, None);
    }

    #[test]
    fn challenge_pages_are_walls() {
        let base = url::Url::parse("https://s.example/").unwrap();
        // Cloudflare's interstitial as captured pages show it (see collect/page.rs).
        let cf = r#"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><script>(function(){window._cf_chl_opt={cvId: '3'};})();</script><script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=1"></script></body></html>"#;
        assert_eq!(
            extract("s.example", &base, cf).wall,
            Some(WallKind::Cloudflare)
        );
        let dd = r#"<html><body><iframe src="https://geo.captcha-delivery.com/captcha/?initialCid=x"></iframe></body></html>"#;
        assert_eq!(
            extract("s.example", &base, dd).wall,
            Some(WallKind::Datadome)
        );
        assert_eq!(
            extract("s.example", &base, "<div id=px-captcha></div>").wall,
            Some(WallKind::Perimeterx)
        );
    }
}
