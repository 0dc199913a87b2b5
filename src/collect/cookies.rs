//! Cookies: every cookie in the browser once the page was left (through chromedriver's CDP),
//! or through the browser's DevTools endpoint when the page was cut off.

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

    async fn finish(&self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        let s = cx.session;
        let v = match s.cdp("Network.getAllCookies", json!({})).await {
            Ok(v) => v,
            Err(e) if e.is_lost() => return Err(e),
            Err(_) => s.cdp("Storage.getCookies", json!({})).await?,
        };
        ev.cookies = parse_cookies(&v);
        Ok(())
    }

    async fn salvage(&self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        ev.cookies = parse_cookies(&cx.session.browser_cookies().await?);
        Ok(())
    }
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
            }
        })
        .collect()
}
