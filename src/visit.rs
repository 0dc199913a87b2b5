//! One visit: navigate (https, falling back to http), behave like a visitor, run the evidence
//! collectors' hooks at their moments ([`crate::collect`]), and hand back a [`RawVisit`]. A
//! failed site is a `RawVisit` with its outcome, a failed collector a `collector_failures`
//! entry; an `Err` means only that the browser itself was lost (the crawler then replaces
//! it).

use crate::browser::BrowserError;
use crate::browser::session::Session;
use crate::capture::{
    Canaries, ConsentMode, ConsentRecord, Hook, Outcome, RawPage, RawVisit, Reached, ResourceType,
    Step,
};
use crate::collect::{Collectors, Ctx, Evidence, links};
use crate::list::Target;
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::elements::{Element, ElementRef};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

pub use crate::collect::VisitConfig;

/// Finds what a visitor may type into: visible, enabled, editable fields of the top document,
/// classified as email, phone, name, search or text. Never password, hidden, file, choice,
/// number or payment-card fields. Returns `[element, kind, description]` triples.
///
/// A field is `search` only on its form's own evidence: the field is `type=search` or
/// `role=searchbox`, or its form has `role=search`, or the field's placeholder, label,
/// aria-label, or the form's action, id or class say search (in the crawl's languages), or the
/// field is named like a query (`q`, `s`, `query`, `keyword`) — and in every case the form has
/// no password, e-mail, tel, card or custom (form-associated) field and no other text field.
/// Enter is only ever pressed in a `search` field, checked again as it is pressed and guarded
/// (see [`behave`] and crate::browser::guard); no other form is submitted by the visitor.
const FIND_FIELDS_JS: &str = r#"
const out = [];
const skip = new Set(['hidden','password','file','checkbox','radio','submit','button','image','reset','number','range','color','date','datetime-local','month','week','time']);
const SAYS_SEARCH = /search|suche|recherche|rechercher|buscar|busca|cerca|ricerca|zoek|pesquis|szukaj|sök|søg|haku/i;
const QUERY_NAME = /^(q|s|query|search|keywords?|term|k)$/i;
const CARD = /cc-|card|cvv|cvc|iban|expir|security.?code/i;
const textual = el => el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && !skip.has((el.getAttribute('type') || 'text').toLowerCase()));
const hintOf = el => [el.name, el.id, el.placeholder, el.getAttribute('autocomplete'), el.getAttribute('aria-label'),
  Array.from(el.labels || []).map(l => l.textContent).join(' ')].join(' ');
const isCard = el => CARD.test([el.name, el.id, el.getAttribute('autocomplete'), el.getAttribute('aria-label')].join(' '));
// Why a form can never be a search form: a password, e-mail, phone or card field, or more
// than one text field.
const formVerdict = new Map();
function blocksSearch(form) {
  if (!form) return false;
  if (formVerdict.has(form)) return formVerdict.get(form);
  const els = Array.from(form.elements || []);
  const texts = els.filter(e => (e.tagName === 'INPUT' || e.tagName === 'TEXTAREA') && (textual(e) || (e.getAttribute('type') || '').toLowerCase() === 'password'));
  // A custom element taking part in the form (a password pad, say) is a field it cannot read.
  const bad = texts.length > 1 || els.some(e => e.tagName.indexOf('-') >= 0) || els.some(e => {
    const t = (e.getAttribute('type') || '').toLowerCase();
    return t === 'password' || t === 'email' || t === 'tel' || isCard(e);
  });
  formVerdict.set(form, bad);
  return bad;
}
function isSearch(el, type, hint) {
  const form = el.form;
  if (blocksSearch(form)) return false;
  if (type === 'search' || el.getAttribute('role') === 'searchbox') return true;
  if (form && form.getAttribute('role') === 'search') return true;
  if (SAYS_SEARCH.test(el.placeholder + ' ' + (el.getAttribute('aria-label') || '') + ' ' + Array.from(el.labels || []).map(l => l.textContent).join(' '))) return true;
  if (form && SAYS_SEARCH.test((form.getAttribute('action') || '') + ' ' + (form.id || '') + ' ' + (form.getAttribute('class') || ''))) return true;
  return QUERY_NAME.test(el.name || '') || QUERY_NAME.test(el.id || '');
}
const fields = Array.from(document.querySelectorAll('input, textarea')).slice(0, 200);
for (const el of fields) {
  const type = (el.getAttribute('type') || 'text').toLowerCase();
  if (!textual(el)) continue;
  if (el.disabled || el.readOnly || isCard(el)) continue;
  const r = el.getBoundingClientRect();
  const st = getComputedStyle(el);
  if (r.width < 2 || r.height < 2 || st.visibility === 'hidden' || st.display === 'none') continue;
  const hint = hintOf(el).toLowerCase();
  let kind = 'text';
  if (type === 'email' || /e-?mail/.test(hint)) kind = 'email';
  else if (type === 'tel' || /phone|mobile|\btel\b/.test(hint)) kind = 'phone';
  else if (isSearch(el, type, hint)) kind = 'search';
  else if (/\b(first|last|given|family|full)?[-_ ]?name\b|\bfname\b|\blname\b/.test(hint) && !/user ?name|login/.test(hint)) kind = 'name';
  const desc = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? '[name=' + el.name + ']' : '');
  out.push([el, kind, desc]);
}
return out;
"#;

/// Finds a point in the viewport whose element is no link, button, field or frame.
const NEUTRAL_POINT_JS: &str = r#"
const bad = 'a,button,input,select,textarea,label,summary,form,iframe,video,audio,[onclick],[role=button],[role=link],[contenteditable=""],[contenteditable=true]';
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

/// The hard limit of one visit (the site's budget), enforced from outside the page: the
/// [`front_page_budget`] and an [`internal_page_budget`] for each internal page. Each page
/// has its own deadline within it; a page that holds the browser past its deadline is cut
/// off: its tab is closed through the DevTools endpoint and what it sent is kept.
pub fn deadline(cfg: &VisitConfig) -> Duration {
    front_page_budget(cfg) + internal_page_budget(cfg) * cfg.pages.saturating_sub(1)
}

/// What the front page may take: the page budget, two dwells (the page and the search
/// results), the consent wait and 20 s for everything else (scrolling, typing, leaving,
/// reading the capture).
pub fn front_page_budget(cfg: &VisitConfig) -> Duration {
    cfg.page_timeout + cfg.dwell * 2 + cfg.consent.wait + Duration::from_secs(20)
}

/// What one internal page may take: the page budget, one dwell and 10 s for the rest
/// (leaving and reading the capture included). An internal page is only started while this
/// much of the site's budget is left.
pub fn internal_page_budget(cfg: &VisitConfig) -> Duration {
    cfg.page_timeout + cfg.dwell + Duration::from_secs(10)
}

/// What a visit has found so far; kept when a stuck page cuts the visit short.
struct Partial {
    /// Each collector's evidence.
    ev: Evidence,
    cols: Collectors,
    start_url: String,
    /// The https attempt's error, if it failed.
    first: Option<String>,
    /// The error of the attempt that counts (none when the page loaded).
    nav_error: Option<String>,
    /// Why the visit fell back to http, or how both attempts failed.
    note: Option<String>,
    /// Navigation returned (loaded, or failed with an error).
    navigated: bool,
    /// Time on the front page, once the visitor moved on or left.
    front_ms: Option<u64>,
    /// The internal pages, each recorded when started and completed as it goes.
    internal: Vec<RawPage>,
    /// The front page's candidate links, when looked for.
    link_candidates: Option<u32>,
}

/// The load's outcome as far as the capture tells.
struct Classified {
    outcome: Outcome,
    error: Option<String>,
    http_status: Option<u16>,
    redirect_chain: Vec<String>,
}

impl Partial {
    fn classify(&self) -> Classified {
        // The main document: the last top-frame document request of the load.
        let docs: Vec<_> = self
            .ev
            .net
            .requests()
            .iter()
            .filter(|r| {
                r.resource_type == ResourceType::Document
                    && r.step == Step::Load
                    && r.page == 0
                    && self
                        .ev
                        .main_frame
                        .as_deref()
                        .is_none_or(|m| r.frame_id == m)
            })
            .collect();
        let last_doc = docs.last();
        let http_status = last_doc.and_then(|d| d.status);
        let redirect_chain = docs.iter().map(|d| d.url.clone()).collect();
        if !self.navigated {
            return Classified {
                outcome: Outcome::Timeout,
                error: Some("the page did not finish loading before the visit's deadline".into()),
                http_status,
                redirect_chain,
            };
        }
        let (mut outcome, error) = classify(
            self.nav_error.as_deref(),
            http_status,
            last_doc.and_then(|d| d.mime_type.as_deref()),
            last_doc.and_then(|d| d.failure.as_deref()),
        );
        let error = match (error, &self.note) {
            (Some(e), Some(n)) => Some(format!("{e} ({n})")),
            (e, n) => e.or(n.clone()),
        };
        // A failed https attempt followed by a failed http attempt keeps the https class.
        if let (Some(first_err), Some(_)) = (&self.first, &self.nav_error) {
            outcome = classify_error(first_err);
        }
        // A wall that stood for the whole wait is no site at all, whatever its status said.
        if let Some(kind) = self.ev.wall {
            return Classified {
                outcome: Outcome::BotWall,
                error: Some(format!(
                    "{} bot wall (HTTP {}): the challenge did not clear while the visitor waited",
                    kind.as_str(),
                    http_status
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| "?".into())
                )),
                http_status,
                redirect_chain,
            };
        }
        Classified {
            outcome,
            error,
            http_status,
            redirect_chain,
        }
    }
}

/// Runs one visit of `target` in `session`, answering consent banners as `mode` says.
/// A page that holds the browser past a command's timeout or the visit's [`deadline`] is cut
/// off from outside; the visit is still recorded with what it captured, and the session is
/// marked `spoiled` for the crawler to replace.
pub async fn visit(
    s: &mut Session,
    target: &Target,
    mode: ConsentMode,
    canaries: Canaries,
    link_key: u64,
    cfg: &VisitConfig,
) -> Result<RawVisit, BrowserError> {
    let started = Instant::now();
    let started_at = now_rfc3339();
    let mut p = Partial {
        ev: Evidence::new(ConsentRecord {
            mode,
            gpc: cfg.consent.gpc,
            ..Default::default()
        }),
        cols: Collectors::new(),
        start_url: format!("https://{}/", target.domain),
        first: None,
        nav_error: None,
        note: None,
        navigated: false,
        front_ms: None,
        internal: Vec::new(),
        link_candidates: None,
    };
    let until = started + deadline(cfg);
    s.set_deadline(Some(started + front_page_budget(cfg)));
    let run = steps(s, target, &canaries, cfg, link_key, until, &mut p).await;
    s.set_deadline(None);
    let mut cut = None;
    match run {
        Ok(()) => {}
        Err(BrowserError::Stuck(why)) => {
            // The page holds chromedriver: close its tab from outside, then read the capture.
            if !s.unstick().await {
                return Err(BrowserError::Lost(why));
            }
            let cx = Ctx { session: s, cfg };
            let _ = p.cols.drain(&cx, &mut p.ev).await;
            let _ = p.cols.run(Hook::Salvage, &cx, &mut p.ev).await;
            tracing::info!(site = %target.domain, reason = %why, "visit cut off; the tab was closed");
            p.ev.actions.push(format!("visit cut off: {why}"));
            cut = Some(why);
        }
        Err(e) => return Err(e),
    }
    let c = p.classify();
    // A page that never answered leaves the tab on about:blank: the visit's URL is then the
    // one it asked for (never a start page or a blank).
    if p.ev.final_url.is_none() {
        p.ev.final_url = Some(p.start_url.clone());
    }
    let mut failures = p.cols.into_failures();
    failures.append(&mut p.ev.failures);
    let dropped = p.ev.net.frames_dropped();
    if dropped > 0 {
        failures.push(crate::capture::CollectorFailure {
            collector: "network".into(),
            hook: crate::capture::Hook::Finish,
            error: format!(
                "{dropped} WebSocket/EventSource messages past the visit's first {} were counted, not kept",
                crate::capture::MAX_FRAMES
            ),
        });
    }
    let mut notes: Vec<String> = c.error.into_iter().collect();
    if let Some(why) = &cut {
        notes.push(if notes.is_empty() {
            format!(
                "visit cut off: {why}; the tab was closed from outside and what it sent was kept"
            )
        } else {
            format!("visit cut off: {why}")
        });
    }
    notes.extend(failures.iter().map(|f| {
        format!(
            "{} collector failed ({}): {}",
            f.collector,
            f.hook.as_str(),
            f.error
        )
    }));
    let error = (!notes.is_empty()).then(|| notes.join("; "));
    let mut pages = vec![RawPage {
        page: 0,
        url: p.start_url.clone(),
        final_url: p.ev.final_url.clone(),
        reached: Reached::Start,
        link_text: None,
        started_at: started_at.clone(),
        duration_ms: p
            .front_ms
            .unwrap_or_else(|| started.elapsed().as_millis() as u64),
        outcome: c.outcome,
        http_status: c.http_status,
        error: error.clone(),
        env: None,
    }];
    pages.extend(p.internal);
    let mut ev = p.ev;
    for pg in &mut pages {
        pg.env = ev.envs.remove(&pg.page);
    }
    let (requests, frames) = ev.net.finish(ev.main_frame.as_deref());
    let mut v = RawVisit {
        domain: target.domain.clone(),
        outcome: c.outcome,
        http_status: c.http_status,
        start_url: p.start_url,
        final_url: ev.final_url,
        redirect_chain: c.redirect_chain,
        error,
        started_at,
        duration_ms: started.elapsed().as_millis() as u64,
        requests,
        frames,
        cookies: ev.cookies,
        storage: ev.storage,
        canaries,
        actions: ev.actions,
        consent: ev.consent,
        collector_failures: failures,
        wall: ev.wall,
        walled_at_first: ev.walled_at_first,
        pages,
        link_candidates: p.link_candidates,
    };
    // The capture boundary: megabyte URLs and headers are cut here, and the visit says so.
    let cut = v.cap_values();
    if cut > 0 {
        let note = format!(
            "{cut} URLs, headers or notes longer than {} KiB were cut (each ends `{}N bytes]`)",
            crate::capture::VALUE_CAP / 1024,
            crate::capture::CUT_MARK
        );
        v.error = Some(match v.error.take() {
            Some(e) => format!("{e}; {note}"),
            None => note,
        });
    }
    Ok(v)
}

/// The visit's steps: navigate, answer or note the banner, behave, close popups, leave, read
/// cookies — each collector's hooks at their moments. Everything found goes into `p` as it is
/// found.
async fn steps(
    s: &Session,
    target: &Target,
    canaries: &Canaries,
    cfg: &VisitConfig,
    link_key: u64,
    until: Instant,
    p: &mut Partial,
) -> Result<(), BrowserError> {
    let t_visit = Instant::now();
    let cx = Ctx { session: s, cfg };
    p.cols.run(Hook::BeforeNavigation, &cx, &mut p.ev).await?;
    // Step timings for `PIXELCENSUS_LOG=pixelcensus=debug` (where a visit's time goes).
    let mut lap = Instant::now();
    let mut timings: Vec<(&str, u128)> = Vec::new();
    let mut mark = |name: &'static str, timings: &mut Vec<(&str, u128)>| {
        timings.push((name, lap.elapsed().as_millis()));
        lap = Instant::now();
    };
    let https = p.start_url.clone();
    let first = navigate(s, &https, cfg).await?;
    p.cols.drain(&cx, &mut p.ev).await?;
    p.first = first.clone();
    p.nav_error = first.clone();
    if let Some(err) = &first {
        let class = classify_error(err);
        if matches!(class, Outcome::ConnectionError | Outcome::TlsError) {
            let http = format!("http://{}/", target.domain);
            let second = navigate(s, &http, cfg).await?;
            p.cols.drain(&cx, &mut p.ev).await?;
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
    p.navigated = true;
    mark("navigate", &mut timings);
    p.cols.run(Hook::AfterNavigation, &cx, &mut p.ev).await?;
    wait_out_wall(&cx, p).await?;
    let outcome = p.classify().outcome;
    mark("classify", &mut timings);
    if outcome == Outcome::Ok {
        let Partial { ev, cols, .. } = &mut *p;
        // A visitor who answers banners does so first; the time counts toward the dwell.
        let t = Instant::now();
        if cols.run(Hook::AfterLoad, &cx, ev).await? {
            cols.drain(&cx, ev).await?;
        }
        mark("consent", &mut timings);
        let searched = behave(&cx, cols, ev, canaries, t.elapsed(), true).await?;
        mark("behave", &mut timings);
        if let Some(cands) = ev.links.take() {
            p.link_candidates = Some(cands.len() as u32);
            p.front_ms = Some(t_visit.elapsed().as_millis() as u64);
            internal_pages(&cx, p, canaries, &cands, link_key, until, searched).await?;
            mark("internal pages", &mut timings);
        }
    }
    if p.front_ms.is_none() {
        p.front_ms = Some(t_visit.elapsed().as_millis() as u64);
    }
    let Partial { ev, cols, .. } = p;
    cols.run(Hook::Leaving, &cx, ev).await?;
    // Popups and other windows: their requests so far belong to this site; then they go.
    let closed = s.close_other_windows().await?;
    if closed > 0 {
        ev.actions.push(format!("closed {closed} other window(s)"));
    }
    // Leave: unload beacons are sent now, and still belong to this site.
    ev.step = Step::Leave;
    leave(s).await?;
    settle(&cx, cols, ev).await?;
    // The pages are gone: so are their workers (what they sent is already read).
    let ended = s.end_workers().await?;
    if ended > 0 {
        ev.actions
            .push(format!("ended {ended} worker(s) the pages left running"));
    }
    mark("leave", &mut timings);
    cols.run(Hook::Finish, &cx, ev).await?;
    mark("cookies", &mut timings);
    tracing::debug!(site = %target.domain, ?timings, "visit steps (ms)");
    Ok(())
}

/// Reads the log after leaving a page, and again (every 100 ms, for at most a second) while
/// a request the page sent as it was left is announced but not yet reported sent: Chromium
/// may report the send of an unload beacon a moment after the navigation.
async fn settle(
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
async fn wait_out_wall(cx: &Ctx<'_>, p: &mut Partial) -> Result<(), BrowserError> {
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

/// The internal pages: up to `--pages - 1` of the front page's candidate links, chosen by
/// `link_key` ([`links::choose`]), each visited in turn in the same browser state (cookies,
/// storage: as a person clicking through), with the front page as referrer. On each the
/// visitor does what it did on the front page (dwell, scroll, click a neutral spot, type the
/// canaries) but searches only if it has not yet. A page is started only while
/// [`internal_page_budget`] of the site's budget is left.
async fn internal_pages(
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
        let nav_error = navigate_link(s, &link.url, &referrer, cfg).await?;
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
            searched |= behave(cx, cols, ev, canaries, Duration::ZERO, !searched).await?;
        }
        let final_url = ev.page_url.take();
        let rec = p.internal.last_mut().expect("pushed above");
        rec.final_url = final_url;
        rec.duration_ms = t.elapsed().as_millis() as u64;
        rec.outcome = outcome;
        rec.http_status = http_status;
        rec.error = error;
    }
    Ok(())
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

/// Dwell (less `spent` on the banner already), scroll, the collectors' `after_dwell` (the
/// banner noted in mode none, the URL read, the front page's links), click a neutral spot,
/// type canaries, search (when `search` allows: once per site), dwell and scroll again.
/// Returns whether it searched.
async fn behave(
    cx: &Ctx<'_>,
    cols: &mut Collectors,
    ev: &mut Evidence,
    c: &Canaries,
    spent: Duration,
    search_allowed: bool,
) -> Result<bool, BrowserError> {
    let (s, cfg) = (cx.session, cx.cfg);
    ev.step = Step::Dwell;
    tokio::time::sleep(dwell_before_scroll(cfg).saturating_sub(spent)).await;
    ev.step = Step::Scroll;
    scroll(s, cfg).await?;
    ev.actions.push("scrolled".into());
    cols.drain(cx, ev).await?;
    cols.run(Hook::AfterDwell, cx, ev).await?;
    if !cfg.interact {
        return Ok(false);
    }
    ev.step = Step::Interact;
    let look = match s
        .timed("looking at the page", s.execute(look_js(), vec![]))
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
            ev.actions.push(format!("clicked at {x},{y}"));
            // A click is a user gesture: a popup it opened is captured from here on.
            s.attach_new_windows().await?;
        }
    }
    let fields = look
        .get("fields")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut search: Option<(Value, String)> = None;
    let mut typed = 0;
    // While canaries are typed, no form may be submitted (see crate::browser::guard).
    let values = [
        c.email.as_str(),
        c.phone.as_str(),
        c.name.as_str(),
        c.text.as_str(),
        c.search.as_str(),
    ];
    let to_type = fields
        .iter()
        .any(|f| f[1].as_str().is_some_and(|k| k != "search"));
    let guard = if to_type {
        arm(s, ev, None, &values).await?
    } else {
        None
    };
    let may_type = guard.is_some();
    for f in fields {
        let (Some(_), Some(kind), Some(desc)) = (element_id(&f[0]), f[1].as_str(), f[2].as_str())
        else {
            continue;
        };
        let value = match kind {
            "email" => &c.email,
            "phone" => &c.phone,
            "name" => &c.name,
            "search" => {
                if search.is_none() && search_allowed {
                    search = Some((f[0].clone(), desc.to_string()));
                }
                continue;
            }
            _ => &c.text,
        };
        if !may_type {
            continue;
        }
        if typed >= 12 {
            break;
        }
        // Tab ends each value so `change` fires; never Enter, which would submit the form.
        if focus(s, &f[0]).await? && type_keys(s, &f[0], &format!("{value}\t")).await? {
            ev.actions.push(format!("typed {kind} into {desc}"));
            typed += 1;
        }
    }
    if typed > 0 {
        tokio::time::sleep(
            Duration::from_millis(300).min(cfg.dwell.max(Duration::from_millis(300))),
        )
        .await;
    }
    let stopped = match guard {
        Some(g) => {
            let rep = disarm(s, ev, g).await?;
            !rep.stopped.is_empty() || !rep.cancelled.is_empty()
        }
        None => false,
    };
    cols.drain(cx, ev).await?;
    // The visitor never submits these forms; a page whose own script navigates after the
    // click or the typing (a form submitted on change or blur) is recorded as the page's doing.
    let main_frame = ev.main_frame.as_deref();
    if let Some(doc) = ev.net.requests().iter().filter(|_| !stopped).find(|r| {
        r.step == Step::Interact
            && r.resource_type == ResourceType::Document
            && main_frame.is_none_or(|m| r.frame_id == m)
    }) {
        ev.actions.push(format!(
            "the page's own script navigated after the visitor's click or typing (not the visitor): {} {}",
            doc.method, doc.url
        ));
    }
    let searched = search.is_some();
    if let Some((el, desc)) = search {
        ev.step = Step::Search;
        // Enter only while the guard holds (checked at the moment it is armed, the box still
        // focused, and at the moment a form is submitted: see crate::browser::guard).
        let others = &values[..4];
        let pressed = if focus(s, &el).await? && type_keys(s, &el, &c.search).await? {
            match arm(s, ev, Some((&c.search, &desc)), others).await? {
                Some(mut g) => {
                    let pressed = match s.press_enter(&mut g).await {
                        Ok(true) => Ok(true),
                        Ok(false) => type_keys(s, &el, "\n").await,
                        Err(e) => Err(e),
                    };
                    // What the key set off (a page's handler answering it) happens now.
                    tokio::time::sleep(Duration::from_millis(150)).await;
                    let form = g.action.is_some();
                    let rep = disarm(s, ev, g).await?;
                    // A form's search is seen as it is submitted; without it, Enter went
                    // elsewhere (the page moved the focus) and nothing was searched.
                    if pressed? && form && !rep.searched {
                        ev.actions.push(format!(
                            "pressed Enter in {desc}; its form was not submitted"
                        ));
                        false
                    } else {
                        true
                    }
                }
                None => false,
            }
        } else {
            false
        };
        if pressed {
            ev.actions.push(format!("searched in {desc}"));
            wait_loaded(s, cfg.page_timeout).await?;
            cols.drain(cx, ev).await?;
            ev.step = Step::Results;
            tokio::time::sleep(dwell_before_scroll(cfg)).await;
            scroll(s, cfg).await.ok();
        }
    }
    cols.drain(cx, ev).await?;
    Ok(searched)
}

/// Arms the submission guard (see crate::browser::guard) for the keys about to be delivered:
/// `search` (value, box) for the search's Enter. `None` when no key may be delivered: the
/// search refused (why is in the actions) or no guard could be set.
async fn arm(
    s: &Session,
    ev: &mut Evidence,
    search: Option<(&str, &str)>,
    typed: &[&str],
) -> Result<Option<crate::browser::guard::Guard>, BrowserError> {
    match s.arm_guard(search.map(|x| x.0), typed).await {
        Ok(Ok(g)) => Ok(Some(g)),
        Ok(Err(why)) => {
            let desc = search.map(|x| x.1).unwrap_or("a field");
            ev.actions.push(format!("did not search in {desc}: {why}"));
            Ok(None)
        }
        Err(e) if e.is_lost() => Err(e),
        Err(e) => {
            let what = if search.is_some() {
                "did not search"
            } else {
                "typed nothing"
            };
            ev.actions.push(format!(
                "{what}: the submission guard could not be set ({e})"
            ));
            Ok(None)
        }
    }
}

/// Disarms the guard and notes what it cancelled or stopped.
async fn disarm(
    s: &Session,
    ev: &mut Evidence,
    g: crate::browser::guard::Guard,
) -> Result<crate::browser::guard::GuardReport, BrowserError> {
    let rep = s.end_guard(g).await?;
    for x in &rep.cancelled {
        ev.actions.push(format!(
            "cancelled the page's submission of {x} while the visitor's keys were delivered"
        ));
    }
    for x in &rep.stopped {
        ev.actions.push(format!(
            "stopped the page's document load {x} while the visitor's keys were delivered"
        ));
    }
    Ok(rep)
}

/// Focuses a field for typing, as chromedriver's `sendKeys` does (`focus()` scrolls it into
/// view when it is not, and only then; the caret at the end of what it holds); true when it
/// has the focus.
const FOCUS_JS: &str = r#"
const e = arguments[0];
if (!e || !e.isConnected) return false;
e.focus();
try { const n = e.value.length; e.setSelectionRange(n, n); } catch (x) { /* e-mail fields have no caret position */ }
return document.activeElement === e;
"#;

/// Focuses the field `r` (its WebDriver reference) for typing; false when it cannot have the
/// focus (hidden, disabled, gone).
async fn focus(s: &Session, r: &Value) -> Result<bool, BrowserError> {
    script_says_yes(s, "focusing a field", FOCUS_JS, r).await
}

async fn script_says_yes(
    s: &Session,
    what: &str,
    js: &str,
    r: &Value,
) -> Result<bool, BrowserError> {
    match s.timed(what, s.execute(js, vec![r.clone()])).await {
        Ok(v) => Ok(v == Value::Bool(true)),
        Err(e) if e.is_lost() => Err(e),
        Err(_) => Ok(false),
    }
}

/// Types `keys` (`\t` Tab, `\n` Enter) into the focused field: through the tab's DevTools
/// session with all of its key events at once; where there is no DevTools endpoint, through
/// chromedriver's `sendKeys` to the field `r` (its WebDriver reference). Ok(false) when the
/// page did not take them.
async fn type_keys(s: &Session, r: &Value, keys: &str) -> Result<bool, BrowserError> {
    match s.type_text(keys).await {
        Ok(true) => return Ok(true),
        Ok(false) => {}
        Err(e) if e.is_lost() => return Err(e),
        Err(_) => return Ok(false),
    }
    let wd: String = keys
        .chars()
        .map(|c| match c {
            '\t' => char::from(fantoccini::key::Key::Tab),
            '\n' => char::from(fantoccini::key::Key::Enter),
            c => c,
        })
        .collect();
    let Some(el) = element(s, r) else {
        return Ok(false);
    };
    match s.timed("typing", el.send_keys(&wd)).await {
        Ok(()) => Ok(true),
        Err(e) if e.is_lost() => Err(e),
        Err(_) => Ok(false),
    }
}

/// The id in a WebDriver element reference (`{"element-6066-…": id}`).
fn element_id(v: &Value) -> Option<&str> {
    v.as_object()?.values().next()?.as_str()
}

fn element(s: &Session, v: &Value) -> Option<Element> {
    let id = element_id(v)?;
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
