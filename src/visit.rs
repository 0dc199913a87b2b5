//! One visit: navigate (https, falling back to http), behave like a visitor, drain the
//! capture, and hand back a [`RawVisit`]. A failed site is a `RawVisit` with its outcome; an
//! `Err` means only that the browser itself was lost (the crawler then replaces it).

use crate::browser::BrowserError;
use crate::browser::perflog::NetLog;
use crate::browser::session::Session;
use crate::capture::{Canaries, ConsentMode, ConsentRecord, Outcome, RawCookie, RawVisit};
use crate::consent::{self, ConsentConfig};
use crate::list::Target;
use base64::Engine;
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::elements::{Element, ElementRef};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// How a visit behaves.
#[derive(Clone, Debug)]
pub struct VisitConfig {
    /// Page-load budget.
    pub page_timeout: Duration,
    /// Time spent on the page after load, and again on the search results.
    pub dwell: Duration,
    /// Type canary values and run a search.
    pub interact: bool,
    /// Global Privacy Control and how long to look for a consent banner.
    pub consent: ConsentConfig,
}

/// Finds what a visitor may type into: visible, enabled, editable fields of the top document,
/// classified as email, phone, name, search or text. Never password, hidden, file, choice or
/// number fields. Returns `[element, kind, description]` triples.
const FIND_FIELDS_JS: &str = r#"
const out = [];
const skip = new Set(['hidden','password','file','checkbox','radio','submit','button','image','reset','number','range','color','date','datetime-local','month','week','time']);
const fields = Array.from(document.querySelectorAll('input, textarea')).slice(0, 200);
for (const el of fields) {
  const type = (el.getAttribute('type') || 'text').toLowerCase();
  if (el.tagName === 'INPUT' && skip.has(type)) continue;
  if (el.disabled || el.readOnly) continue;
  const r = el.getBoundingClientRect();
  const st = getComputedStyle(el);
  if (r.width < 2 || r.height < 2 || st.visibility === 'hidden' || st.display === 'none') continue;
  const hint = [el.name, el.id, el.placeholder, el.getAttribute('autocomplete'), el.getAttribute('aria-label')].join(' ').toLowerCase();
  const form = el.form;
  let kind = 'text';
  if (type === 'email' || /e-?mail/.test(hint)) kind = 'email';
  else if (type === 'tel' || /phone|mobile|\btel\b/.test(hint)) kind = 'phone';
  else if (type === 'search' || el.getAttribute('role') === 'searchbox' || /\b(q|query|search|s|keywords?)\b/.test(hint)
           || (form && (form.getAttribute('role') === 'search' || /search/.test((form.action || '') + ' ' + (form.id || '') + ' ' + (form.className || ''))))) kind = 'search';
  else if (/\b(first|last|given|family|full)?[-_ ]?name\b|\bfname\b|\blname\b/.test(hint) && !/user ?name|login/.test(hint)) kind = 'name';
  const desc = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? '[name=' + el.name + ']' : '');
  out.push([el, kind, desc]);
}
return out;
"#;

/// Finds a point in the viewport whose element is no link, button, field or frame.
const NEUTRAL_POINT_JS: &str = r#"
const bad = 'a,button,input,select,textarea,label,summary,iframe,video,audio,[onclick],[role=button],[role=link],[contenteditable=""],[contenteditable=true]';
const w = innerWidth, h = innerHeight;
for (const fy of [0.5, 0.3, 0.7, 0.15, 0.85]) for (const fx of [0.95, 0.05, 0.5, 0.25, 0.75]) {
  const x = Math.floor(w * fx), y = Math.floor(h * fy);
  const el = document.elementFromPoint(x, y);
  if (el && !el.closest(bad)) return [x, y];
}
return null;
"#;

/// Scrolls down in four steps of 80 % of the window, `arguments[0]` ms apart.
const SCROLL_JS: &str = r#"
const pause = arguments[0], done = arguments[arguments.length - 1];
let i = 0;
(function step() {
  window.scrollBy(0, Math.floor(innerHeight * 0.8));
  if (++i < 4) setTimeout(step, pause); else done(scrollY);
})();
"#;

/// Both looks at the page in one round trip: `{point: [x, y] | null, fields: [...]}`.
fn look_js() -> &'static str {
    static JS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    JS.get_or_init(|| format!("return {{ point: (function () {{ {NEUTRAL_POINT_JS} }})(), fields: (function () {{ {FIND_FIELDS_JS} }})() }};"))
}

/// Runs one visit of `target` in `session`, answering consent banners as `mode` says.
pub async fn visit(
    s: &Session,
    target: &Target,
    mode: ConsentMode,
    canaries: Canaries,
    cfg: &VisitConfig,
) -> Result<RawVisit, BrowserError> {
    let started = Instant::now();
    let started_at = now_rfc3339();
    let mut net = NetLog::new("load");
    let mut actions = Vec::new();

    // Whatever is still in the log belongs to no site (Chromium start-up, the blank page).
    s.perf_log().await?;

    let https = format!("https://{}/", target.domain);
    let mut start_url = https.clone();
    // Step timings for `PIXELCENSUS_LOG=pixelcensus=debug` (where a visit's time goes).
    let mut lap = Instant::now();
    let mut timings: Vec<(&str, u128)> = Vec::new();
    let mut mark = |name: &'static str, timings: &mut Vec<(&str, u128)>| {
        timings.push((name, lap.elapsed().as_millis()));
        lap = Instant::now();
    };
    let first = navigate(s, &https, cfg).await?;
    drain(s, &mut net).await?;
    let mut nav_error = first.clone();
    let mut note = None;
    if let Some(err) = &first {
        let class = classify_error(err);
        if matches!(class, Outcome::ConnectionError | Outcome::TlsError) {
            let http = format!("http://{}/", target.domain);
            let second = navigate(s, &http, cfg).await?;
            drain(s, &mut net).await?;
            match second {
                None => {
                    start_url = http;
                    nav_error = None;
                    note = Some(format!("https failed ({}); visited over http", short(err)));
                }
                Some(e2) => note = Some(format!("https: {}; http: {}", short(err), short(&e2))),
            }
        }
    }
    mark("navigate", &mut timings);
    let main_frame = main_frame_id(s).await;

    // The main document: the last top-frame document request of the load.
    let docs: Vec<_> = net
        .requests()
        .iter()
        .filter(|r| {
            r.resource_type == "Document" && main_frame.as_deref().is_none_or(|m| r.frame_id == m)
        })
        .cloned()
        .collect();
    let last_doc = docs.last();
    let (mut outcome, error) = classify(
        nav_error.as_deref(),
        last_doc.and_then(|d| d.status),
        last_doc.and_then(|d| d.mime_type.as_deref()),
    );
    let error = match (error, note) {
        (Some(e), Some(n)) => Some(format!("{e} ({n})")),
        (e, n) => e.or(n),
    };
    let http_status = last_doc.and_then(|d| d.status);
    // A failed https attempt followed by a failed http attempt keeps the https class.
    if let (Some(first_err), Some(_)) = (&first, &nav_error) {
        outcome = classify_error(first_err);
    }
    let redirect_chain: Vec<String> = docs.iter().map(|d| d.url.clone()).collect();

    mark("classify", &mut timings);
    let mut final_url = current_url(s).await;
    let mut consent = ConsentRecord {
        mode,
        gpc: cfg.consent.gpc,
        ..Default::default()
    };
    if outcome == Outcome::Ok {
        // A visitor who answers banners does so first; the time counts toward the dwell.
        let t = Instant::now();
        if mode != ConsentMode::None {
            net.set_step("consent");
            consent = consent::choose(s, mode, &cfg.consent).await?;
            drain(s, &mut net).await?;
            if let Some(a) = consent.action {
                actions.push(format!(
                    "{a} on {} banner: {}",
                    consent.cmp.as_deref().unwrap_or("?"),
                    match consent.action_ok {
                        Some(true) => "done",
                        Some(false) => "failed",
                        None => "result unknown",
                    }
                ));
            }
        }
        mark("consent", &mut timings);
        // The URL after dwelling, before any search: a page that moved itself shows it here.
        if let Some(u) = behave(
            s,
            &mut net,
            &canaries,
            cfg,
            &mut actions,
            &mut consent,
            t.elapsed(),
        )
        .await?
        {
            final_url = Some(u);
        }
    }

    // Leave: unload beacons are sent now, and still belong to this site.
    mark("behave", &mut timings);
    net.set_step("leave");
    leave(s).await?;
    drain(s, &mut net).await?;
    mark("leave", &mut timings);
    let cookies = all_cookies(s).await?;
    mark("cookies", &mut timings);
    tracing::debug!(site = %target.domain, ?timings, "visit steps (ms)");

    let requests = net.finish(main_frame.as_deref());
    Ok(RawVisit {
        domain: target.domain.clone(),
        outcome,
        http_status,
        start_url,
        final_url,
        redirect_chain,
        error,
        started_at,
        duration_ms: started.elapsed().as_millis() as u64,
        requests,
        cookies,
        canaries,
        actions,
        consent,
    })
}

/// Navigates; `Ok(Some(text))` is a navigation error (the site failed), `Err` a lost browser.
async fn navigate(
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

/// Reads the performance log into `net` and fetches bodies Chromium only flagged.
async fn drain(s: &Session, net: &mut NetLog) -> Result<(), BrowserError> {
    for (method, params) in s.perf_log().await? {
        net.feed(&method, &params);
    }
    for (i, id) in net.missing_bodies() {
        match s
            .cdp("Network.getRequestPostData", json!({ "requestId": id }))
            .await
        {
            Ok(v) => {
                let data = v
                    .get("postData")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let bytes = if v.get("base64Encoded").and_then(Value::as_bool) == Some(true) {
                    base64::engine::general_purpose::STANDARD
                        .decode(data)
                        .unwrap_or_else(|_| data.as_bytes().to_vec())
                } else {
                    data.as_bytes().to_vec()
                };
                net.set_body(i, bytes);
            }
            Err(e) if e.is_lost() => return Err(e),
            Err(_) => {} // stays `unavailable`
        }
    }
    Ok(())
}

async fn main_frame_id(s: &Session) -> Option<String> {
    let v = s.cdp("Page.getFrameTree", json!({})).await.ok()?;
    v.pointer("/frameTree/frame/id")
        .and_then(Value::as_str)
        .map(str::to_string)
}

async fn current_url(s: &Session) -> Option<String> {
    s.timed("reading the URL", s.client().current_url())
        .await
        .ok()
        .map(|u| u.to_string())
        .filter(|u| u.starts_with("http"))
}

/// Dwell (less `spent` on the banner already), scroll, note the banner (mode `none`), click
/// a neutral spot, type canaries, search, dwell and scroll again.
/// Returns the page's URL after the first dwell (before any search).
async fn behave(
    s: &Session,
    net: &mut NetLog,
    c: &Canaries,
    cfg: &VisitConfig,
    actions: &mut Vec<String>,
    consent: &mut ConsentRecord,
    spent: Duration,
) -> Result<Option<String>, BrowserError> {
    net.set_step("dwell");
    tokio::time::sleep(dwell_before_scroll(cfg).saturating_sub(spent)).await;
    net.set_step("scroll");
    scroll(s, cfg).await?;
    actions.push("scrolled".into());
    drain(s, net).await?;
    if consent.mode == ConsentMode::None {
        *consent = consent::observe(s, cfg.consent.gpc).await?;
    }
    let url_after_dwell = current_url(s).await;
    if !cfg.interact {
        return Ok(url_after_dwell);
    }
    net.set_step("interact");
    let look = match s
        .timed("looking at the page", s.client().execute(look_js(), vec![]))
        .await
    {
        Ok(v) => v,
        Err(e) if e.is_lost() => return Err(e),
        Err(_) => Value::Null,
    };
    if let Some(p) = look.get("point").and_then(Value::as_array)
        && let (Some(x), Some(y)) = (
            p.first().and_then(Value::as_f64),
            p.get(1).and_then(Value::as_f64),
        )
    {
        let click = MouseActions::new("mouse".into())
            .then(PointerAction::MoveTo {
                duration: None,
                x,
                y,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::Up {
                button: MOUSE_BUTTON_LEFT,
            });
        if s.timed("clicking", s.client().perform_actions(click))
            .await
            .is_ok()
        {
            actions.push(format!("clicked at {x},{y}"));
        }
    }
    let fields = look
        .get("fields")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut search: Option<(Element, String)> = None;
    let mut typed = 0;
    for f in fields {
        let (Some(el), Some(kind), Some(desc)) = (element(s, &f[0]), f[1].as_str(), f[2].as_str())
        else {
            continue;
        };
        let value = match kind {
            "email" => &c.email,
            "phone" => &c.phone,
            "name" => &c.name,
            "search" => {
                if search.is_none() {
                    search = Some((el, desc.to_string()));
                }
                continue;
            }
            _ => &c.text,
        };
        if typed >= 12 {
            break;
        }
        // Tab ends each value so `change` fires; never Enter, which would submit the form.
        let keys = format!("{value}{}", char::from(fantoccini::key::Key::Tab));
        match s.timed("typing", el.send_keys(&keys)).await {
            Ok(()) => {
                actions.push(format!("typed {kind} into {desc}"));
                typed += 1;
            }
            Err(e) if e.is_lost() => return Err(e),
            Err(_) => {}
        }
    }
    if typed > 0 {
        tokio::time::sleep(
            Duration::from_millis(300).min(cfg.dwell.max(Duration::from_millis(300))),
        )
        .await;
    }
    drain(s, net).await?;
    if let Some((el, desc)) = search {
        net.set_step("search");
        let keys = format!("{}{}", c.search, char::from(fantoccini::key::Key::Enter));
        match s.timed("searching", el.send_keys(&keys)).await {
            Ok(()) => {
                actions.push(format!("searched in {desc}"));
                wait_loaded(s, cfg.page_timeout).await?;
                drain(s, net).await?;
                net.set_step("results");
                tokio::time::sleep(dwell_before_scroll(cfg)).await;
                scroll(s, cfg).await.ok();
            }
            Err(e) if e.is_lost() => return Err(e),
            Err(_) => {}
        }
    }
    drain(s, net).await?;
    Ok(url_after_dwell)
}

fn element(s: &Session, v: &Value) -> Option<Element> {
    let id = v.as_object()?.values().next()?.as_str()?;
    Some(Element::from_element_id(
        s.client().clone(),
        ElementRef::from(id.to_string()),
    ))
}

/// Scrolls down in steps, then back to the top.
/// The pause between scroll steps: an eighth of the dwell, at most 250 ms.
fn scroll_pause(cfg: &VisitConfig) -> Duration {
    (cfg.dwell / 8).min(Duration::from_millis(250))
}

/// The time on a page before scrolling starts: the dwell less the scroll's three pauses, so
/// time on the page is `--dwell` in all.
fn dwell_before_scroll(cfg: &VisitConfig) -> Duration {
    cfg.dwell.saturating_sub(scroll_pause(cfg) * 3)
}

async fn scroll(s: &Session, cfg: &VisitConfig) -> Result<(), BrowserError> {
    let pause = scroll_pause(cfg).as_millis() as u64;
    // One script runs the four steps and their pauses: one round trip instead of four.
    match s
        .timed(
            "scrolling",
            s.client().execute_async(SCROLL_JS, vec![json!(pause)]),
        )
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if e.is_lost() => Err(e),
        Err(_) => Ok(()), // page navigating: nothing to scroll
    }
}

/// Waits for a navigation started by a key press to finish loading.
async fn wait_loaded(s: &Session, budget: Duration) -> Result<(), BrowserError> {
    let start = Instant::now();
    tokio::time::sleep(Duration::from_millis(200)).await;
    while start.elapsed() < budget {
        match s
            .timed(
                "waiting for the page",
                s.client().execute("return document.readyState", vec![]),
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

/// Leaves the page for about:blank, accepting a beforeunload prompt if one holds it.
async fn leave(s: &Session) -> Result<(), BrowserError> {
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
    Err(BrowserError::Lost(
        "the page would not let the browser leave".into(),
    ))
}

async fn all_cookies(s: &Session) -> Result<Vec<RawCookie>, BrowserError> {
    let v = match s.cdp("Network.getAllCookies", json!({})).await {
        Ok(v) => v,
        Err(e) if e.is_lost() => return Err(e),
        Err(_) => s.cdp("Storage.getCookies", json!({})).await?,
    };
    let list = v
        .get("cookies")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    Ok(list
        .iter()
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
        .collect())
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
        let doc = (r.resource_type == "Document").then_some(&r.url);
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
    if e.contains("ERR_NAME_NOT_RESOLVED")
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

/// Classifies a visit from the navigation error (if any) and the main document's status and
/// MIME type. Returns the outcome and an error text for failed outcomes.
pub fn classify(
    nav_error: Option<&str>,
    status: Option<u16>,
    mime: Option<&str>,
) -> (Outcome, Option<String>) {
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
fn short(err: &str) -> String {
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

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
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
            assert_eq!(classify(Some(text), None, None).0, want, "{text}");
        }
        let (_, err) = classify(
            Some("unknown error: net::ERR_CONNECTION_RESET\n  (Session info)"),
            None,
            None,
        );
        assert_eq!(err.as_deref(), Some("net::ERR_CONNECTION_RESET"));
    }

    #[test]
    fn documents_map_by_status_and_type() {
        assert_eq!(
            classify(None, Some(200), Some("text/html")),
            (Outcome::Ok, None)
        );
        assert_eq!(
            classify(None, Some(500), Some("text/html")),
            (Outcome::HttpError, Some("HTTP 500".into()))
        );
        assert_eq!(
            classify(None, Some(404), Some("text/html")).0,
            Outcome::HttpError
        );
        assert_eq!(
            classify(None, Some(200), Some("application/json")).0,
            Outcome::NonHtml
        );
        assert_eq!(
            classify(None, Some(200), Some("application/xhtml+xml")).0,
            Outcome::Ok
        );
        assert_eq!(
            classify(
                Some("unknown error: net::ERR_ABORTED"),
                Some(200),
                Some("application/pdf")
            )
            .0,
            Outcome::NonHtml
        );
    }
}
