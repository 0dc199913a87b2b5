//! Navigation and outcomes: going to a page (and leaving it), waiting out a bot wall,
//! reading the log until the page's last requests are reported, classifying how a page
//! ended, and resetting the browser's state between sites.

use super::Partial;
use crate::browser::BrowserError;
use crate::browser::session::Session;
use crate::capture::Step;
use crate::capture::{Hook, Outcome, RawVisit, ResourceType};
use crate::collect::{Collectors, Ctx, Evidence, VisitConfig};
use crate::list::Target;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// Goes to the site's front page: https first, then http when https could not connect (a
/// refused or reset connection, a TLS failure); the log read after each attempt.
pub(super) async fn arrive(
    cx: &Ctx<'_>,
    target: &Target,
    p: &mut Partial,
) -> Result<(), BrowserError> {
    let https = p.start_url.clone();
    let first = navigate(cx.session, &https, cx.cfg).await?;
    p.cols.drain(cx, &mut p.ev).await?;
    p.first = first.clone();
    p.nav_error = first.clone();
    if let Some(err) = &first {
        let class = classify_error(err);
        if matches!(class, Outcome::ConnectionError | Outcome::TlsError) {
            let http = format!("http://{}/", target.domain);
            let second = navigate(cx.session, &http, cx.cfg).await?;
            p.cols.drain(cx, &mut p.ev).await?;
            match second {
                None => {
                    p.start_url = http;
                    p.nav_error = None;
                    p.note = Some(format!("https failed ({}); visited over http", short(err)));
                }
                Some(e2) => p.note = Some(format!("https: {}; http: {}", short(err), short(&e2))),
            }
        }
    }
    Ok(())
}

/// Leaves the site: the collectors' `leaving`, other windows closed, the last page left for
/// about:blank (its unload beacons still the site's), the log read until settled, the
/// pages' workers ended.
pub(super) async fn depart(cx: &Ctx<'_>, p: &mut Partial) -> Result<(), BrowserError> {
    let (s, Partial { ev, cols, .. }) = (cx.session, p);
    cols.run(Hook::Leaving, cx, ev).await?;
    // Popups and other windows: their requests so far belong to this site; then they go.
    let closed = s.close_other_windows().await?;
    if closed > 0 {
        ev.actions.push(format!("closed {closed} other window(s)"));
    }
    // Leave: unload beacons are sent now, and still belong to this site.
    ev.step = Step::Leave;
    leave(s).await?;
    settle(cx, cols, ev).await?;
    // The pages are gone: so are their workers (what they sent is already read).
    let ended = s.end_workers().await?;
    if ended > 0 {
        ev.actions
            .push(format!("ended {ended} worker(s) the pages left running"));
    }
    Ok(())
}

/// Reads the log after leaving a page, and again (every 100 ms, for at most a second) while
/// a request the page sent as it was left is announced but not yet reported sent: Chromium
/// may report the send of an unload beacon a moment after the navigation.
pub(super) async fn settle(
    cx: &Ctx<'_>,
    cols: &mut Collectors,
    ev: &mut Evidence,
) -> Result<(), BrowserError> {
    let until = Instant::now() + Duration::from_secs(1);
    cols.drain(cx, ev).await?;
    while ev.net.unsettled() > 0 && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(100)).await;
        cols.drain(cx, ev).await?;
    }
    Ok(())
}

/// A bot wall's first answer (often a 403 or 503) is not final while its page is working: a
/// JavaScript challenge may reload into the site. Waits up to the dwell (at least 5 s),
/// looking every half second; a wall that clears is noted (`walled_at_first`), one that stays
/// makes the visit `bot_wall`.
pub(super) async fn wait_out_wall(cx: &Ctx<'_>, p: &mut Partial) -> Result<(), BrowserError> {
    let Some(kind) = p.ev.wall else {
        return Ok(());
    };
    let until = Instant::now() + cx.cfg.dwell.max(Duration::from_secs(5));
    while Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(500)).await;
        p.cols.drain(cx, &mut p.ev).await?;
        p.cols.run(Hook::AfterNavigation, cx, &mut p.ev).await?;
        if p.ev.wall.is_none() {
            p.ev.walled_at_first = Some(kind);
            p.ev.actions
                .push(format!("{} bot wall cleared by itself", kind.as_str()));
            break;
        }
    }
    Ok(())
}

/// Navigates; `Ok(Some(text))` is a navigation error (the site failed), `Err` a lost browser.
pub(super) async fn navigate(
    s: &Session,
    url: &str,
    cfg: &VisitConfig,
) -> Result<Option<String>, BrowserError> {
    let budget = cfg.page_timeout + Duration::from_secs(15);
    match s
        .timed_for("navigation", budget, s.client().goto(url))
        .await
    {
        Ok(()) => Ok(None),
        Err(BrowserError::Command(e)) => Ok(Some(e)),
        Err(e) => Err(e),
    }
}

/// Waits for a navigation started by a key press to finish loading.
pub(super) async fn wait_loaded(s: &Session, budget: Duration) -> Result<(), BrowserError> {
    let start = Instant::now();
    tokio::time::sleep(Duration::from_millis(200)).await;
    while start.elapsed() < budget {
        match s
            .timed(
                "waiting for the page",
                s.execute("return document.readyState", vec![]),
            )
            .await
        {
            Ok(Value::String(st)) if st == "complete" => return Ok(()),
            Err(e) if e.is_lost() => return Err(e),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    Ok(())
}

/// Leaves the page for about:blank, accepting a beforeunload prompt if one holds it; a page
/// that still holds the browser is `Stuck` (cut off and salvaged by [`visit`]).
pub(super) async fn leave(s: &Session) -> Result<(), BrowserError> {
    for _ in 0..3 {
        match s
            .timed_for(
                "leaving the page",
                Duration::from_secs(20),
                s.client().goto("about:blank"),
            )
            .await
        {
            Ok(()) => {}
            Err(e) if e.is_lost() => return Err(e),
            Err(_) => {
                let _ = s
                    .timed("accepting a prompt", s.client().accept_alert())
                    .await;
            }
        }
        match s.timed("reading the URL", s.client().current_url()).await {
            Ok(u) if u.as_str() == "about:blank" => return Ok(()),
            Ok(_) => {
                let _ = s
                    .timed("accepting a prompt", s.client().accept_alert())
                    .await;
            }
            Err(e) if e.is_lost() => return Err(e),
            Err(_) => {}
        }
    }
    // Not a lost browser: the page is stuck in its own unload. The visit closes the tab from
    // outside and keeps what it captured; the crawler replaces the browser.
    Err(BrowserError::Stuck(
        "the page would not let the browser leave".into(),
    ))
}

/// Clears cookies and cache, and the storage (local/session storage, IndexedDB, service
/// workers, cache storage) of every origin that had a document on the visit — the top page
/// and every frame, which are the only places a page can create storage — so the next site
/// starts clean.
pub async fn reset_state(s: &Session, visit: &RawVisit) -> Result<(), BrowserError> {
    s.cdp("Network.clearBrowserCookies", json!({})).await?;
    s.cdp("Network.clearBrowserCache", json!({})).await?;
    for origin in document_origins(visit) {
        s.cdp(
            "Storage.clearDataForOrigin",
            json!({ "origin": origin, "storageTypes": "all" }),
        )
        .await?;
    }
    Ok(())
}

/// Origins of the visit's documents: frame URLs and document requests.
pub fn document_origins(visit: &RawVisit) -> BTreeSet<String> {
    let mut origins = BTreeSet::new();
    for r in &visit.requests {
        let doc = (r.resource_type == ResourceType::Document).then_some(&r.url);
        for u in [Some(&r.frame_url), doc].into_iter().flatten() {
            if let Ok(parsed) = url::Url::parse(u)
                && parsed.scheme().starts_with("http")
            {
                origins.insert(parsed.origin().ascii_serialization());
            }
        }
    }
    origins
}

/// Classifies a failed navigation by Chromium's error text.
pub fn classify_error(err: &str) -> Outcome {
    let e = err.to_ascii_uppercase();
    if e.contains("ERR_TOO_MANY_REDIRECTS") {
        Outcome::RedirectLoop
    } else if e.contains("ERR_NAME_NOT_RESOLVED")
        || e.contains("ERR_NAME_RESOLUTION_FAILED")
        || e.contains("ERR_DNS_")
    {
        Outcome::DnsError
    } else if e.contains("ERR_SSL")
        || e.contains("ERR_CERT")
        || e.contains("ERR_BAD_SSL")
        || e.contains("ERR_TLS")
    {
        Outcome::TlsError
    } else if e.contains("ERR_TIMED_OUT")
        || e.contains("ERR_CONNECTION_TIMED_OUT")
        || e.contains("TIMEOUT")
        || e.contains("TIMED OUT")
    {
        Outcome::Timeout
    } else {
        // Refused, reset, closed, empty response, unreachable, invalid response…
        Outcome::ConnectionError
    }
}

/// Classifies a visit from the navigation error (if any) and the main document's status,
/// MIME type and failure. Returns the outcome and an error text for failed outcomes.
/// chromedriver reports some failed navigations as loaded (a redirect loop ends on Chromium's
/// error page); the document's own failure tells them apart: a document that got no final
/// response (none, or only redirects) and failed is classified by its failure.
pub fn classify(
    nav_error: Option<&str>,
    status: Option<u16>,
    mime: Option<&str>,
    failure: Option<&str>,
) -> (Outcome, Option<String>) {
    if nav_error.is_none()
        && let Some(f) = failure
        && status.is_none_or(|c| (300..400).contains(&c))
    {
        return (classify_error(f), Some(short(f)));
    }
    if let Some(err) = nav_error {
        let mime_html = mime.is_none_or(is_html);
        // A download or other non-document navigation aborts with ERR_ABORTED.
        if err.contains("ERR_ABORTED") && !mime_html {
            return (
                Outcome::NonHtml,
                Some(format!("document is {}", mime.unwrap_or("not HTML"))),
            );
        }
        return (classify_error(err), Some(short(err)));
    }
    match status {
        Some(code) if code >= 400 => (Outcome::HttpError, Some(format!("HTTP {code}"))),
        _ => match mime {
            Some(m) if !is_html(m) => (Outcome::NonHtml, Some(format!("document is {m}"))),
            _ => (Outcome::Ok, None),
        },
    }
}

fn is_html(mime: &str) -> bool {
    let m = mime.to_ascii_lowercase();
    m.starts_with("text/html") || m.starts_with("application/xhtml") || m.is_empty()
}

/// The useful part of a WebDriver error message (`unknown error: net::ERR_X` → `net::ERR_X`).
pub(super) fn short(err: &str) -> String {
    if let Some(i) = err.find("net::ERR_") {
        return err[i..]
            .split(|c: char| c.is_whitespace() || c == ',' || c == ')')
            .next()
            .unwrap_or(err)
            .to_string();
    }
    let first = err.lines().next().unwrap_or(err);
    first.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn navigation_errors_map_to_failure_classes() {
        let cases = [
            (
                "unknown error: net::ERR_NAME_NOT_RESOLVED\n  (Session info: chrome=156)",
                Outcome::DnsError,
            ),
            (
                "unknown error: net::ERR_CONNECTION_REFUSED",
                Outcome::ConnectionError,
            ),
            (
                "unknown error: net::ERR_CONNECTION_RESET",
                Outcome::ConnectionError,
            ),
            (
                "unknown error: net::ERR_EMPTY_RESPONSE",
                Outcome::ConnectionError,
            ),
            (
                "unknown error: net::ERR_SSL_PROTOCOL_ERROR",
                Outcome::TlsError,
            ),
            (
                "unknown error: net::ERR_CERT_AUTHORITY_INVALID",
                Outcome::TlsError,
            ),
            (
                "timeout: Timed out receiving message from renderer: 9.812",
                Outcome::Timeout,
            ),
            (
                "unknown error: net::ERR_CONNECTION_TIMED_OUT",
                Outcome::Timeout,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(classify(Some(text), None, None, None).0, want, "{text}");
        }
        let (_, err) = classify(
            Some("unknown error: net::ERR_CONNECTION_RESET\n  (Session info)"),
            None,
            None,
            None,
        );
        assert_eq!(err.as_deref(), Some("net::ERR_CONNECTION_RESET"));
    }

    #[test]
    fn a_redirect_loop_chromedriver_calls_loaded_is_a_redirect_loop() {
        // What the perf log shows for a 302 loop: the last hop is a 302 whose follow-up
        // failed with ERR_TOO_MANY_REDIRECTS, while navigation itself returned.
        let (o, err) = classify(
            None,
            Some(302),
            Some("text/html"),
            Some("net::ERR_TOO_MANY_REDIRECTS"),
        );
        assert_eq!(o, Outcome::RedirectLoop);
        assert_eq!(err.as_deref(), Some("net::ERR_TOO_MANY_REDIRECTS"));
        assert_eq!(
            classify(
                Some("unknown error: net::ERR_TOO_MANY_REDIRECTS"),
                None,
                None,
                None
            )
            .0,
            Outcome::RedirectLoop
        );
        // A page that loaded and whose document later failed (aborted by its own navigation)
        // stays ok.
        assert_eq!(
            classify(None, Some(200), Some("text/html"), Some("net::ERR_ABORTED")).0,
            Outcome::Ok
        );
    }

    #[test]
    fn documents_map_by_status_and_type() {
        assert_eq!(
            classify(None, Some(200), Some("text/html"), None),
            (Outcome::Ok, None)
        );
        assert_eq!(
            classify(None, Some(500), Some("text/html"), None),
            (Outcome::HttpError, Some("HTTP 500".into()))
        );
        assert_eq!(
            classify(None, Some(404), Some("text/html"), None).0,
            Outcome::HttpError
        );
        assert_eq!(
            classify(None, Some(200), Some("application/json"), None).0,
            Outcome::NonHtml
        );
        assert_eq!(
            classify(None, Some(200), Some("application/xhtml+xml"), None).0,
            Outcome::Ok
        );
        assert_eq!(
            classify(
                Some("unknown error: net::ERR_ABORTED"),
                Some(200),
                Some("application/pdf"),
                None
            )
            .0,
            Outcome::NonHtml
        );
    }
}
