//! Page facts: the top frame's id (which document requests are the page's own), the URL the
//! tab shows once loaded, and again after the first dwell (a page that moved itself), and
//! whether the page is a bot wall (a challenge or block page) — by what it shows: title,
//! challenge scripts and frames, the vendors' element ids.
//!
//! What each wall looks like, from captured pages and the vendors' own docs:
//! - Cloudflare: title "Just a moment..." / "Attention Required! | Cloudflare",
//!   `window._cf_chl_opt`, `/cdn-cgi/challenge-platform/` scripts, `#challenge-form` with a
//!   `__cf_chl_f_tk` action (captured pages in ZhengJie98/Domain-IP-Enrichment,
//!   `https-performance-radar-cloudflare-com-beacon_*.js`, and bbsetup/public-bugbounty-data,
//!   `udemy/affiliatesupport.udemy.com`; Cloudflare's docs, "Challenge pages").
//! - DataDome: the captcha in an iframe from `geo.captcha-delivery.com` (DataDome's tag,
//!   chris124567/commercial-bot-detectors `files/datadome.js`).
//! - PerimeterX / HUMAN: `<div id="px-captcha">` with `window._pxAppId` and
//!   `captcha.px-cdn.net/<APP_ID>/captcha.js` (PerimeterX enforcer READMEs, "Custom block page").
//! - Akamai Bot Manager: the `sec-if-cpt` challenge iframe / `/_sec/cp_challenge/` scripts.
//! - Imperva / Incapsula: an iframe from `/_Incapsula_Resource` (its fallback text says
//!   "Incapsula incident ID").
//! - A captcha (hCaptcha, reCAPTCHA, Turnstile) iframe on a page with almost no other text.

use super::{Collector, Ctx, Evidence};
use crate::browser::BrowserError;
use crate::browser::session::Session;
use crate::capture::{Hook, PageEnv, WallKind};
use serde_json::{Value, json};

/// Names the bot wall the document shows (`cloudflare`, …), `loading` while the document
/// is not complete, or null.
const WALL_JS: &str = r#"
if (document.readyState !== 'complete') return 'loading';
// Element queries only: no serialising of the document (a large page stays cheap).
const t = (document.title || '').trim().toLowerCase();
const q = s => document.querySelector(s);
if (window._cf_chl_opt || t.startsWith('just a moment') || (t.startsWith('attention required') && t.indexOf('cloudflare') >= 0)
    || q('script[src*="/cdn-cgi/challenge-platform/"]') || q('form#challenge-form')) return 'cloudflare';
if (q('iframe[src*="captcha-delivery.com"]')) return 'datadome';
if (q('#px-captcha') || (window._pxAppId && q('script[src*="captcha.js"]'))) return 'perimeterx';
if (q('#sec-if-cpt') || q('iframe[src*="/_sec/cp_challenge"]') || q('script[src*="/_sec/cp_challenge/"]')) return 'akamai';
if (q('iframe[src*="_Incapsula_Resource"]')) return 'imperva';
// The text checks lay the page out: only for pages with few elements, as walls are.
if (!document.body || document.getElementsByTagName('*').length > 300) return null;
const text = (document.body.innerText || '').trim();
const cap = Array.from(document.querySelectorAll('iframe')).some(f =>
  /hcaptcha\.com|google\.com\/recaptcha|recaptcha\.net|challenges\.cloudflare\.com/.test(f.src || ''));
if (cap && text.length < 400) return 'captcha';
if (text.length < 600 && /verify (that )?you are (a )?human|are you a robot|checking your browser|bot protection/i.test(t + ' ' + text)) return 'other';
return null;
"#;

pub(super) struct Page;

#[async_trait::async_trait]
impl Collector for Page {
    fn name(&self) -> &'static str {
        "page"
    }

    async fn after_navigation(
        &mut self,
        cx: &Ctx<'_>,
        ev: &mut Evidence,
    ) -> Result<(), BrowserError> {
        if ev.page != 0 {
            // An internal page: its URL; the wall and the top frame are the front page's.
            ev.page_url = current_url(cx.session).await;
            return Ok(());
        }
        ev.main_frame = main_frame_id(cx.session).await;
        ev.final_url = current_url(cx.session).await;
        match cx
            .session
            .timed(
                "looking for a bot wall",
                cx.session.execute(WALL_JS, vec![]),
            )
            .await
        {
            // Still loading (a challenge reloading into the site): keep what was seen.
            Ok(Value::String(k)) if k == "loading" => {}
            Ok(Value::String(k)) => ev.wall = WallKind::parse(&k),
            Ok(_) => ev.wall = None,
            Err(e) if e.is_lost() => return Err(e),
            Err(_) => {} // navigating: look again later
        }
        Ok(())
    }

    async fn after_dwell(&mut self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        // The URL after dwelling, before any search, and what the page's scripts could read
        // (one script call for both).
        let read = cx
            .session
            .timed("reading the page", cx.session.execute(ENV_JS, vec![]))
            .await;
        // Never silently without facts: what could not be read is a recorded failure.
        let (url, env) = match read {
            Ok(v) => {
                let (url, env) = parse_env(&v);
                if env.is_none() {
                    let shown = v.get("url").and_then(Value::as_str).unwrap_or("nothing");
                    ev.failed(
                        self.name(),
                        Hook::AfterDwell,
                        format!(
                            "page {}: no facts read, the tab shows {}",
                            ev.page,
                            shown.chars().take(200).collect::<String>()
                        ),
                    );
                }
                (url, env)
            }
            Err(e) if e.is_lost() => return Err(e),
            Err(e) => {
                ev.failed(
                    self.name(),
                    Hook::AfterDwell,
                    format!("page {}: reading the page: {e}", ev.page),
                );
                (current_url(cx.session).await, None)
            }
        };
        if let Some(env) = env {
            ev.envs.insert(ev.page, env);
        }
        if let Some(u) = url {
            if ev.page == 0 {
                ev.final_url = Some(u);
            } else {
                ev.page_url = Some(u);
            }
        }
        Ok(())
    }
}

/// What a page's scripts can read of the browser and the page, with the tab's URL.
const ENV_JS: &str = r#"
const n = navigator, s = window.screen || {};
return {url: location.href, title: document.title || '', referrer: document.referrer || '',
        ua: n.userAgent || '', languages: Array.from(n.languages || []),
        screen: [s.width | 0, s.height | 0], viewport: [window.innerWidth | 0, window.innerHeight | 0]};
"#;

/// How much of each value a page can make its scripts read is kept (a hostile page's
/// megabyte title is not a needle): characters of the title, referrer and User-Agent, and
/// languages (of 35 characters each).
const ENV_CAPS: (usize, usize, usize, usize) = (512, 2048, 512, 16);

/// The URL (when a web page) and the [`PageEnv`] of [`ENV_JS`]'s answer, each value capped
/// ([`ENV_CAPS`]).
fn parse_env(v: &Value) -> (Option<String>, Option<PageEnv>) {
    let (title, referrer, ua, languages) = ENV_CAPS;
    let url = v
        .get("url")
        .and_then(Value::as_str)
        .filter(|u| u.starts_with("http"))
        .map(str::to_string);
    let text = |k: &str, cap: usize| {
        v.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .chars()
            .take(cap)
            .collect::<String>()
    };
    let pair = |k: &str| {
        let a = v.get(k).and_then(Value::as_array);
        let n = |i: usize| {
            a.and_then(|a| a.get(i))
                .and_then(Value::as_u64)
                .unwrap_or(0)
                .min(u32::MAX as u64) as u32
        };
        [n(0), n(1)]
    };
    let env = url.is_some().then(|| PageEnv {
        title: text("title", title),
        referrer: text("referrer", referrer),
        user_agent: text("ua", ua),
        languages: v
            .get("languages")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .take(languages)
                    .map(|l| l.chars().take(35).collect())
                    .collect()
            })
            .unwrap_or_default(),
        screen: pair("screen"),
        viewport: pair("viewport"),
    });
    (url, env)
}

async fn main_frame_id(s: &Session) -> Option<String> {
    let v = s.cdp("Page.getFrameTree", json!({})).await.ok()?;
    v.pointer("/frameTree/frame/id")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The tab's URL, when it is a web page.
pub(crate) async fn current_url(s: &Session) -> Option<String> {
    s.timed("reading the URL", s.client().current_url())
        .await
        .ok()
        .map(|u| u.to_string())
        .filter(|u| u.starts_with("http"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a page's scripts read comes back as `PageEnv`, whatever the page made of it: a
    /// megabyte title and a thousand languages are capped, sizes that are not numbers are 0,
    /// and an answer for a page that is not a web page gives no env.
    #[test]
    fn env_answers_are_read_and_capped() {
        let huge = "=HYPERLINK(\"x\")".repeat(100_000);
        let v = json!({"url": "https://shop.example/p", "title": huge, "referrer": "",
            "ua": "Mozilla/5.0", "languages": vec!["en-US"; 1000],
            "screen": [1280, "wide"], "viewport": [1280.5, -3]});
        let (url, env) = parse_env(&v);
        let env = env.expect("an env");
        assert_eq!(url.as_deref(), Some("https://shop.example/p"));
        assert_eq!(env.title.chars().count(), ENV_CAPS.0);
        assert_eq!(env.languages.len(), ENV_CAPS.3);
        assert_eq!((env.screen, env.viewport), ([1280, 0], [0, 0]));
        assert_eq!(env.user_agent, "Mozilla/5.0");
        assert_eq!(
            parse_env(&json!({"url": "about:blank", "title": "x"})),
            (None, None)
        );
    }
}
