//! Page facts: the top frame's id (which document requests are the page's own) and the URL
//! the tab shows once loaded, and again after the first dwell (a page that moved itself).

use super::{Collector, Ctx, Evidence};
use crate::browser::BrowserError;
use crate::browser::session::Session;
use serde_json::{Value, json};

pub(super) struct Page;

#[async_trait::async_trait]
impl Collector for Page {
    fn name(&self) -> &'static str {
        "page"
    }

    async fn after_navigation(&self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        ev.main_frame = main_frame_id(cx.session).await;
        ev.final_url = current_url(cx.session).await;
        Ok(())
    }

    async fn after_dwell(&self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        // The URL after dwelling, before any search.
        if let Some(u) = current_url(cx.session).await {
            ev.final_url = Some(u);
        }
        Ok(())
    }
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
