//! The internal pages (`--pages`): the front page's chosen links followed one by one, each
//! as a person's click would (the front page as referrer), each under its own deadline.

use super::behaviour::behave;
use super::navigation::classify;
use super::{Partial, internal_page_budget, now_rfc3339};
use crate::browser::BrowserError;
use crate::browser::session::Session;
use crate::capture::{Canaries, Hook, Outcome, RawPage, Reached, ResourceType, Step};
use crate::collect::{Ctx, VisitConfig, links};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// The internal pages: up to `--pages - 1` of the front page's candidate links, chosen by
/// `link_key` ([`links::choose`]), each visited in turn in the same browser state (cookies,
/// storage: as a person clicking through), with the front page as referrer. On each the
/// visitor does what it did on the front page (dwell, scroll, click a neutral spot, type the
/// canaries) but searches only if it has not yet. A page is started only while
/// [`internal_page_budget`] of the site's budget is left.
pub(super) async fn internal_pages(
    cx: &Ctx<'_>,
    p: &mut Partial,
    canaries: &Canaries,
    cands: &[links::Link],
    link_key: u64,
    until: Instant,
    mut searched: bool,
) -> Result<(), BrowserError> {
    let (s, cfg) = (cx.session, cx.cfg);
    let want = cfg.pages.saturating_sub(1) as usize;
    let chosen = links::choose(cands, link_key, want);
    if chosen.len() < want {
        p.ev.actions.push(format!(
            "{} internal link(s) to follow, {want} wanted",
            chosen.len()
        ));
    }
    let referrer =
        p.ev.final_url
            .clone()
            .unwrap_or_else(|| p.start_url.clone());
    for (i, link) in chosen.iter().enumerate() {
        let page = i as u32 + 1;
        if until.saturating_duration_since(Instant::now()) < internal_page_budget(cfg) {
            p.ev.actions.push(format!(
                "internal pages {page} and after not visited: the site's budget is spent"
            ));
            break;
        }
        // The page's own deadline, within the site's.
        s.set_deadline(Some(
            (Instant::now() + internal_page_budget(cfg)).min(until),
        ));
        searched |= follow(cx, p, canaries, link, page, &referrer, searched).await?;
    }
    Ok(())
}

/// Follows the chosen `link` as internal page `page`: the collectors' `next_page`, the page
/// recorded as started (a timeout until it is done), the link followed, its outcome from its
/// document; on a page that loaded, the visitor behaves as on the front page (searching only
/// when it has not yet). Returns whether it searched here.
async fn follow(
    cx: &Ctx<'_>,
    p: &mut Partial,
    canaries: &Canaries,
    link: &links::Link,
    page: u32,
    referrer: &str,
    searched: bool,
) -> Result<bool, BrowserError> {
    let (s, cfg) = (cx.session, cx.cfg);
    let mut searched_here = false;
    let Partial { ev, cols, .. } = &mut *p;
    cols.run(Hook::NextPage, cx, ev).await?;
    cols.drain(cx, ev).await?;
    let t = Instant::now();
    ev.page = page;
    ev.step = Step::Load;
    ev.page_url = None;
    ev.actions.push(format!("followed a link to {}", link.url));
    p.internal.push(RawPage {
        page,
        url: link.url.clone(),
        final_url: None,
        reached: Reached::Link,
        link_text: (!link.text.is_empty()).then(|| link.text.clone()),
        started_at: now_rfc3339(),
        duration_ms: 0,
        outcome: Outcome::Timeout,
        http_status: None,
        error: Some("the page did not finish loading before the visit's deadline".into()),
        env: None,
    });
    let nav_error = navigate_link(s, &link.url, referrer, cfg).await?;
    let Partial { ev, cols, .. } = &mut *p;
    cols.drain(cx, ev).await?;
    cols.run(Hook::AfterNavigation, cx, ev).await?;
    let doc = ev.net.requests().iter().rev().find(|r| {
        r.resource_type == ResourceType::Document
            && r.page == page
            && r.step == Step::Load
            && ev.main_frame.as_deref().is_none_or(|m| r.frame_id == m)
    });
    let (outcome, error) = classify(
        nav_error.as_deref(),
        doc.and_then(|d| d.status),
        doc.and_then(|d| d.mime_type.as_deref()),
        doc.and_then(|d| d.failure.as_deref()),
    );
    let http_status = doc.and_then(|d| d.status);
    if outcome == Outcome::Ok {
        if cols.run(Hook::AfterLoad, cx, ev).await? {
            cols.drain(cx, ev).await?;
        }
        searched_here = behave(cx, cols, ev, canaries, Duration::ZERO, !searched).await?;
    }
    let final_url = ev.page_url.take();
    let rec = p.internal.last_mut().expect("pushed above");
    rec.final_url = final_url;
    rec.duration_ms = t.elapsed().as_millis() as u64;
    rec.outcome = outcome;
    rec.http_status = http_status;
    rec.error = error;
    Ok(searched_here)
}

/// Follows a link to `url` as a person's click would: the referrer is the page the link was
/// on, the transition a link (CDP `Page.navigate`; the link itself is never clicked, so the
/// page's click handlers do not run). Waits for the new document to load within the page
/// budget. `Ok(Some(text))` is the page's failure, `Err` a lost browser.
async fn navigate_link(
    s: &Session,
    url: &str,
    referrer: &str,
    cfg: &VisitConfig,
) -> Result<Option<String>, BrowserError> {
    // The old document carries a mark the new one will not have.
    match s
        .timed(
            "marking the page",
            s.client()
                .execute("window.__pcLeaving = true; return true;", vec![]),
        )
        .await
    {
        Err(e) if e.is_lost() => return Err(e),
        _ => {}
    }
    let start = Instant::now();
    let params = json!({ "url": url, "referrer": referrer, "transitionType": "link" });
    match s
        .cdp_for(
            "Page.navigate",
            params,
            cfg.page_timeout + Duration::from_secs(5),
        )
        .await
    {
        Ok(v) => {
            if let Some(err) = v.get("errorText").and_then(Value::as_str)
                && !err.is_empty()
            {
                return Ok(Some(format!("unknown error: {err}")));
            }
        }
        Err(BrowserError::Command(e)) => return Ok(Some(e)),
        Err(e) => return Err(e),
    }
    while start.elapsed() < cfg.page_timeout {
        match s
            .timed(
                "waiting for the page",
                s.execute(
                    "return !window.__pcLeaving && document.readyState === 'complete';",
                    vec![],
                ),
            )
            .await
        {
            Ok(Value::Bool(true)) => return Ok(None),
            Err(e) if e.is_lost() => return Err(e),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    Ok(Some(format!(
        "timeout: the page did not finish loading within {} s",
        cfg.page_timeout.as_secs()
    )))
}
