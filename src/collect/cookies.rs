//! Cookies: every cookie in the browser once the page was left (through chromedriver's CDP),
//! or through the browser's DevTools endpoint when the page was cut off; each knows the first
//! page after which it was there (the jar is read before every internal page too).

use super::{Collector, Ctx, Evidence};
use crate::browser::BrowserError;
use crate::capture::RawCookie;
use serde_json::{Value, json};

pub(super) struct Cookies;

#[async_trait::async_trait]
impl Collector for Cookies {
    fn name(&self) -> &'static str {
        "cookies"
    }

    async fn next_page(&self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        let jar = parse_cookies(&all_cookies(cx).await?);
        note_pages(ev, &jar);
        Ok(())
    }

    async fn finish(&self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        let jar = parse_cookies(&all_cookies(cx).await?);
        ev.cookies = with_pages(ev, jar);
        Ok(())
    }

    async fn salvage(&self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        let jar = parse_cookies(&cx.session.browser_cookies().await?);
        ev.cookies = with_pages(ev, jar);
        Ok(())
    }
}

async fn all_cookies(cx: &Ctx<'_>) -> Result<Value, BrowserError> {
    let s = cx.session;
    match s.cdp("Network.getAllCookies", json!({})).await {
        Ok(v) => Ok(v),
        Err(e) if e.is_lost() => Err(e),
        Err(_) => s.cdp("Storage.getCookies", json!({})).await,
    }
}

/// Notes the cookies of the jar not seen before as the current page's.
fn note_pages(ev: &mut Evidence, jar: &[RawCookie]) {
    for c in jar {
        ev.cookie_pages
            .entry((c.name.clone(), c.domain.clone(), c.path.clone()))
            .or_insert(ev.page);
    }
}

/// The final jar, each cookie with the first page after which it was there.
fn with_pages(ev: &mut Evidence, mut jar: Vec<RawCookie>) -> Vec<RawCookie> {
    note_pages(ev, &jar);
    for c in &mut jar {
        c.page = ev.cookie_pages[&(c.name.clone(), c.domain.clone(), c.path.clone())];
    }
    jar
}

/// CDP's `{cookies: [...]}` as raw cookies.
fn parse_cookies(v: &Value) -> Vec<RawCookie> {
    v.get("cookies")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| {
            let str_of = |k: &str| {
                c.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            RawCookie {
                name: str_of("name"),
                value: str_of("value"),
                domain: str_of("domain"),
                path: str_of("path"),
                expires: c.get("expires").and_then(Value::as_f64).unwrap_or(-1.0),
                http_only: c.get("httpOnly").and_then(Value::as_bool).unwrap_or(false),
                secure: c.get("secure").and_then(Value::as_bool).unwrap_or(false),
                same_site: c
                    .get("sameSite")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                page: 0,
            }
        })
        .collect()
}
