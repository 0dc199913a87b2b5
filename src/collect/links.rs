//! Internal links: after the front page's first dwell (menus and lazy content are in the DOM
//! by then), the links a visitor could follow to the site's internal pages, and the choice of
//! which ones the visit follows ([`choose`]).
//!
//! A candidate is an `<a href>` or `<area href>` of the top document that is http(s), on the
//! site's registrable domain, not the front page itself (nor `/` with another query) nor a
//! fragment of it, and none of: a `download` link, a link to a file (`.pdf`, `.zip`, images,
//! media, office files, feeds), a link inside a fixed overlay or dialog (consent banners and
//! pop-overs), a link whose address or text says log out, sign out, unsubscribe, opt out,
//! delete, remove or empty a cart, or leads to the consent or cookie settings. Hidden links
//! count (a page reached only through a menu is a page people reach).

use super::{Collector, Ctx, Evidence};
use crate::browser::BrowserError;
use crate::list::registrable;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// Every link of the top document: `[href (absolute), text, download, in_overlay]`, at most
/// 2,000.
const LINKS_JS: &str = r#"
const out = [], overlay = new Map();
function inOverlay(el) {
  const chain = [];
  let v = false;
  for (let e = el; e && e !== document.body && e !== document.documentElement; e = e.parentElement) {
    if (overlay.has(e)) { v = overlay.get(e); break; }
    chain.push(e);
    const tag = e.tagName;
    if (tag === 'DIALOG' || e.getAttribute('role') === 'dialog' || e.getAttribute('role') === 'alertdialog' || e.getAttribute('aria-modal') === 'true'
        || getComputedStyle(e).position === 'fixed') { v = true; break; }
  }
  for (const e of chain) overlay.set(e, v);
  return v;
}
for (const a of Array.from(document.querySelectorAll('a[href], area[href]')).slice(0, 2000)) {
  const text = (a.innerText || a.textContent || a.getAttribute('aria-label') || a.title || '').replace(/\s+/g, ' ').trim().slice(0, 120);
  out.push([a.href, text, a.hasAttribute('download'), inOverlay(a)]);
}
return out;
"#;

/// A link the visitor may follow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// Absolute URL, without its fragment.
    pub url: String,
    /// The link's text (trimmed, at most 120 characters).
    pub text: String,
}

/// Words in a link's address or text that mark it as one never to follow.
const DECOY_WORDS: &[&str] = &[
    "logout",
    "log-out",
    "log_out",
    "log out",
    "logoff",
    "log-off",
    "log off",
    "signout",
    "sign-out",
    "sign_out",
    "sign out",
    "signoff",
    "sign-off",
    "sign off",
    "abmelden",
    "deconnexion",
    "déconnexion",
    "unsubscribe",
    "optout",
    "opt-out",
    "opt_out",
    "opt out",
    "delete",
    "remove",
    "emptycart",
    "empty-cart",
    "empty_cart",
    "empty cart",
    "clearcart",
    "clear-cart",
    "clear_cart",
    "clear cart",
    "cookie-settings",
    "cookie settings",
    "cookie preferences",
    "consent",
    "manage settings",
];

/// File types a visitor's click would download rather than show.
const FILE_EXTENSIONS: &[&str] = &[
    "pdf", "zip", "gz", "tgz", "tar", "rar", "7z", "bz2", "xz", "exe", "msi", "dmg", "pkg", "deb",
    "rpm", "apk", "ipa", "iso", "img", "bin", "mp3", "mp4", "m4a", "m4v", "mov", "avi", "wav",
    "webm", "ogg", "flac", "jpg", "jpeg", "png", "gif", "webp", "svg", "bmp", "ico", "doc", "docx",
    "xls", "xlsx", "ppt", "pptx", "odt", "ods", "csv", "txt", "xml", "rss", "atom", "json", "ics",
    "epub",
];

/// The candidates among a page's links (`[href, text, download, in_overlay]` as
/// [`LINKS_JS`] returns them), deduplicated, in document order. `page_url` is the page they
/// are on: the site is its registrable domain.
pub fn candidates(page_url: &str, links: &[Value]) -> Vec<Link> {
    let Ok(page) = url::Url::parse(page_url) else {
        return Vec::new();
    };
    let Some(site) = page.host_str().map(registrable) else {
        return Vec::new();
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for l in links {
        let (Some(href), text) = (
            l.get(0).and_then(Value::as_str),
            l.get(1).and_then(Value::as_str).unwrap_or_default(),
        ) else {
            continue;
        };
        if l.get(2).and_then(Value::as_bool) == Some(true)
            || l.get(3).and_then(Value::as_bool) == Some(true)
        {
            continue;
        }
        let Ok(mut u) = url::Url::parse(href) else {
            continue;
        };
        if !matches!(u.scheme(), "http" | "https") {
            continue;
        }
        u.set_fragment(None);
        if u.host_str().map(registrable).as_deref() != Some(site.as_str()) {
            continue;
        }
        let path = u.path().to_ascii_lowercase();
        if path == "/" || path.is_empty() || (u.path() == page.path() && u.query() == page.query())
        {
            continue;
        }
        let ext = path.rsplit('/').next().and_then(|f| f.rsplit_once('.'));
        if ext.is_some_and(|(_, e)| FILE_EXTENSIONS.contains(&e)) {
            continue;
        }
        let said = format!(
            "{} {} {}",
            path,
            u.query().unwrap_or_default().to_ascii_lowercase(),
            text.to_lowercase()
        );
        if DECOY_WORDS.iter().any(|w| said.contains(w)) {
            continue;
        }
        let url = u.to_string();
        if seen.insert(url.clone()) {
            out.push(Link {
                url,
                text: text.to_string(),
            });
        }
    }
    out
}

/// Chooses up to `n` of the candidates, the same ones for the same candidates and `key` (the
/// crawl's per-site link key, from its secret): ordered by a keyed hash of their URL, one per
/// first path segment (`/shop/…`, `/news/…`) before any segment gets a second.
pub fn choose(cands: &[Link], key: u64, n: usize) -> Vec<Link> {
    let mut scored: Vec<([u8; 32], &Link)> = cands
        .iter()
        .map(|l| {
            let mut h = Sha256::new();
            h.update(key.to_be_bytes());
            h.update(l.url.as_bytes());
            (h.finalize().into(), l)
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.url.cmp(&b.1.url)));
    let segment = |l: &Link| {
        url::Url::parse(&l.url)
            .ok()
            .and_then(|u| u.path_segments()?.next().map(str::to_string))
            .unwrap_or_default()
    };
    let mut used = BTreeSet::new();
    let mut picked: Vec<&Link> = Vec::new();
    for (_, l) in &scored {
        if picked.len() < n && used.insert(segment(l)) {
            picked.push(l);
        }
    }
    for (_, l) in &scored {
        if picked.len() < n && !picked.contains(l) {
            picked.push(l);
        }
    }
    picked.into_iter().cloned().collect()
}

pub(super) struct Links;

#[async_trait::async_trait]
impl Collector for Links {
    fn name(&self) -> &'static str {
        "links"
    }

    async fn after_dwell(&mut self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        if ev.page != 0 || cx.cfg.pages < 2 {
            return Ok(());
        }
        let s = cx.session;
        let page = s
            .timed("reading the URL", s.client().current_url())
            .await?
            .to_string();
        let v = s
            .timed("reading the links", s.execute(LINKS_JS, vec![]))
            .await?;
        let links = v.as_array().map(Vec::as_slice).unwrap_or_default();
        ev.links = Some(candidates(&page, links));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn link(href: &str, text: &str) -> Value {
        json!([href, text, false, false])
    }

    #[test]
    fn only_same_site_pages_a_visitor_would_read() {
        let page = "https://www.shop.example/";
        let links = [
            link("https://www.shop.example/products/lamp", "Lamp"),
            link("https://shop.example/news/today#top", "News"),
            link("https://www.shop.example/news/today", "News again"),
            link("https://www.shop.example/", "Home"),
            link("https://www.shop.example/?lang=fr", "Français"),
            link("https://www.shop.example/#main", "Skip to content"),
            link("https://other.example/products/x", "Partner"),
            link("mailto:hello@shop.example", "Mail"),
            link("javascript:void(0)", "Menu"),
            link("https://www.shop.example/account/logout", "Account"),
            link("https://www.shop.example/account", "Sign out"),
            link("https://www.shop.example/cart?action=empty-cart", "Cart"),
            link(
                "https://www.shop.example/newsletter/unsubscribe?u=1",
                "Newsletter",
            ),
            link("https://www.shop.example/files/catalogue.PDF", "Catalogue"),
            json!(["https://www.shop.example/brochure", "Brochure", true, false]),
            json!(["https://www.shop.example/privacy", "Privacy", false, true]),
            link("http://blog.shop.example/post/1", "Blog"),
        ];
        let got: Vec<String> = candidates(page, &links)
            .into_iter()
            .map(|l| l.url)
            .collect();
        assert_eq!(
            got,
            [
                "https://www.shop.example/products/lamp",
                "https://shop.example/news/today",
                "https://www.shop.example/news/today",
                "http://blog.shop.example/post/1",
            ]
        );
    }

    #[test]
    fn the_choice_is_keyed_stable_and_spread_over_sections() {
        let l = |u: &str| Link {
            url: format!("https://s.example{u}"),
            text: String::new(),
        };
        let cands = vec![
            l("/shop/a"),
            l("/shop/b"),
            l("/shop/c"),
            l("/shop/d"),
            l("/news/a"),
        ];
        for key in 0..50u64 {
            let two = choose(&cands, key, 2);
            assert_eq!(two, choose(&cands, key, 2), "same key, same pages");
            assert_eq!(two.len(), 2);
            // One from each section, whatever the key.
            assert!(two.iter().any(|x| x.url.contains("/news/")), "{two:?}");
            assert!(two.iter().any(|x| x.url.contains("/shop/")), "{two:?}");
        }
        // The key decides which shop page: not always the same one.
        let shops: BTreeSet<String> = (0..50u64)
            .flat_map(|k| choose(&cands, k, 2))
            .map(|x| x.url)
            .filter(|u| u.contains("/shop/"))
            .collect();
        assert!(shops.len() > 1, "{shops:?}");
        // More pages than sections: the rest by the same order; fewer candidates: fewer pages.
        assert_eq!(choose(&cands, 7, 4).len(), 4);
        assert_eq!(choose(&cands[..1], 7, 2).len(), 1);
        assert!(choose(&[], 7, 2).is_empty());
    }
}
