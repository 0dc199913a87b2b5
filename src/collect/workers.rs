//! Workers: the requests of the page's service workers, shared workers and dedicated
//! workers, which chromedriver's log does not see. The browser's DevTools connection
//! attaches to every worker as it starts (see [`crate::browser::devtools`]); after each read
//! of the page's log this collector feeds the workers' Network events into the same
//! [`NetLog`](super::netlog::NetLog) as the page's, marked with their context, and
//! fetches the bodies Chromium only flagged in the worker's own session.
//!
//! Without a DevTools endpoint (a remote WebDriver that offers no `se:cdp`) the collector
//! fails on each visit with that reason, which the visit records: its workers were not seen.

use super::{Collector, Ctx, Evidence};
use crate::browser::BrowserError;
use serde_json::json;

pub(super) struct Workers;

impl Workers {
    async fn read(&self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        let (events, dropped) = cx.session.worker_events().await;
        if dropped > 0 {
            tracing::warn!(
                dropped,
                "a worker flooded the log; events past the cap were dropped"
            );
        }
        ev.net.set_step(ev.step);
        ev.net.set_page(ev.page);
        for e in &events {
            ev.net
                .feed_worker(&e.method, &e.params, &e.session, e.context, e.page);
        }
        for (i, session, id) in ev.net.missing_worker_bodies() {
            let asked = json!({ "requestId": id });
            // A worker that is gone took the body with it: it stays `unavailable`.
            if let Ok(v) = cx
                .session
                .worker_cdp(&session, "Network.getRequestPostData", asked)
                .await
            {
                ev.net.set_body(i, super::network::post_data(&v));
            }
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Collector for Workers {
    fn name(&self) -> &'static str {
        "workers"
    }

    async fn before_navigation(
        &mut self,
        cx: &Ctx<'_>,
        _ev: &mut Evidence,
    ) -> Result<(), BrowserError> {
        if !cx.session.capture_workers().await? {
            return Err(BrowserError::Command(
                "no DevTools endpoint: the page's workers were not captured".into(),
            ));
        }
        // Whatever a worker sent before this visit belongs to no site.
        cx.session.worker_events().await;
        cx.session.set_worker_page(0).await;
        Ok(())
    }

    async fn next_page(&mut self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        // Workers started from here on are the next page's.
        cx.session.set_worker_page(ev.page + 1).await;
        Ok(())
    }

    async fn drained(&mut self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        self.read(cx, ev).await
    }

    async fn finish(&mut self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        self.read(cx, ev).await
    }

    async fn salvage(&mut self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        self.read(cx, ev).await
    }
}
