//! Network requests: the page's CDP Network events assembled into requests
//! ([`NetLog`](super::netlog::NetLog)), bodies Chromium only flagged fetched after
//! each read of the log.

use super::{Collector, Ctx, Evidence};
use crate::browser::BrowserError;
use base64::Engine;
use serde_json::{Value, json};

pub(super) struct Network;

#[async_trait::async_trait]
impl Collector for Network {
    fn name(&self) -> &'static str {
        "network"
    }

    async fn before_navigation(
        &mut self,
        cx: &Ctx<'_>,
        _ev: &mut Evidence,
    ) -> Result<(), BrowserError> {
        // Whatever is still in the log belongs to no site (Chromium start-up, the blank page).
        cx.session.perf_log().await?;
        cx.session.capture_bodies().await;
        cx.session.sent_bodies().await;
        Ok(())
    }

    fn event(&mut self, method: &str, params: &Value, ev: &mut Evidence) {
        ev.net.set_step(ev.step);
        ev.net.set_page(ev.page);
        ev.net.feed(method, params);
    }

    async fn drained(&mut self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        // Bodies the browser held as the requests left (Blob and FormData parts, which the
        // log only flags and which are gone with their page); the rest asked for while the
        // page is there.
        ev.sent_bodies.extend(cx.session.sent_bodies().await);
        for (i, id) in ev.net.missing_bodies() {
            if let Some(b) = ev.sent_bodies.remove(&id) {
                ev.net.set_body(i, b);
                continue;
            }
            match cx
                .session
                .cdp("Network.getRequestPostData", json!({ "requestId": id }))
                .await
            {
                Ok(v) => ev.net.set_body(i, post_data(&v)),
                Err(e) if e.is_lost() => return Err(e),
                Err(_) => {} // stays `unavailable`
            }
        }
        Ok(())
    }
}

/// The bytes of a `Network.getRequestPostData` answer (text, or base64 when it says so).
pub(super) fn post_data(v: &Value) -> Vec<u8> {
    let data = v
        .get("postData")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if v.get("base64Encoded").and_then(Value::as_bool) == Some(true) {
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .unwrap_or_else(|_| data.as_bytes().to_vec())
    } else {
        data.as_bytes().to_vec()
    }
}
