//! Cookies: every cookie in the browser once the page was left (through chromedriver's CDP),
//! or through the browser's DevTools endpoint when the page was cut off; each knows the first
//! page after which it was there (the jar is read before every internal page too).

use super::{Collector, Ctx, Evidence};
use crate::browser::BrowserError;
use crate::capture::{RawCookie, RawVisit};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The visit's cookies so far.
#[derive(Default)]
pub(super) struct Cookies {
    /// The jar once the visit's last page was left (the visit's `cookies`).
    jar: Vec<RawCookie>,
    /// The first page after which each cookie (name, domain, path) was present.
    pages: HashMap<(String, String, String), u32>,
}

#[async_trait::async_trait]
impl Collector for Cookies {
    fn name(&self) -> &'static str {
        "cookies"
    }

    fn hand_back(self: Box<Self>, v: &mut RawVisit) {
        v.cookies = self.jar;
    }

    async fn next_page(&mut self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        let jar = parse_cookies(&all_cookies(cx).await?);
        note_pages(&mut self.pages, ev.page, &jar);
        Ok(())
    }

    async fn finish(&mut self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        let jar = parse_cookies(&all_cookies(cx).await?);
        self.jar = with_pages(&mut self.pages, ev.page, jar);
        Ok(())
    }

    async fn salvage(&mut self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        let jar = parse_cookies(&cx.session.browser_cookies().await?);
        self.jar = with_pages(&mut self.pages, ev.page, jar);
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
fn note_pages(pages: &mut HashMap<(String, String, String), u32>, page: u32, jar: &[RawCookie]) {
    for c in jar {
        pages
            .entry((c.name.clone(), c.domain.clone(), c.path.clone()))
            .or_insert(page);
    }
}

/// The final jar, each cookie with the first page after which it was there.
fn with_pages(
    pages: &mut HashMap<(String, String, String), u32>,
    page: u32,
    mut jar: Vec<RawCookie>,
) -> Vec<RawCookie> {
    note_pages(pages, page, &jar);
    for c in &mut jar {
        c.page = pages[&(c.name.clone(), c.domain.clone(), c.path.clone())];
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
