//! The visitor's submission guard. While the visitor's keys are delivered (canaries typed
//! into fields, the search typed and its Enter), no form may be submitted but the one search
//! the visitor checked, at the moment its Enter is pressed:
//!
//! - a listener in a world of the crawler's own (an isolated world: the page cannot see it or
//!   its state, and it adds nothing to the page's globals) cancels, in the capture phase,
//!   every `submit` event it did not authorise — the page's own `requestSubmit()` in answer
//!   to the key included — and notes it. The search is authorised only when, at the moment
//!   its form is submitted, the form is the one checked, the checked box still has the focus,
//!   the form has no password, e-mail, phone, card, custom (form-associated) or second text
//!   field, and the submission (the default button's `formaction`/`formmethod`/`formtarget`
//!   counted) is a GET to the form's own action in the same tab;
//! - through the tab's DevTools session, every document load meanwhile (`form.submit()`,
//!   which fires no event, a script's navigation) is held at the request stage: only the
//!   authorised search's GET goes on, and loads of frames that carry nothing typed; every
//!   other one is answered `204 No Content` by the crawler (the page stays, nothing reaches
//!   the server) and noted ([`super::devtools::DocGuard`]).
//!
//! What was cancelled or stopped goes into the visit's actions. The guard's notes live in
//! the page, so they are read after the Enter key goes down and before its character is
//! delivered (the page's keydown handlers have run; implicit submission has not), and
//! again at the end; a cancellation by a `keypress` or `keyup` handler on a page the
//! search then leaves is the one that may go unnoted (it is still cancelled).

use super::BrowserError;
use super::devtools::DocGuard;
use super::session::Session;
use serde_json::{Value, json};

/// The isolated world's name.
const WORLD: &str = "pixelcensus-guard";

/// Installs the guard in the isolated world and, for a search, checks the focused box and
/// its form now. `arguments`: the search value or null. Returns `{ok, why, action}`.
const GUARD_JS: &str = r#"(function (search) {
const g = { armed: true, cancelled: [], searched: false, form: null, box: null, action: null };
globalThis.__guard = g;
const CARD = /cc-|card|cvv|cvc|iban|expir|security.?code/i;
const NOT_TEXT = new Set(['hidden','checkbox','radio','submit','button','image','reset','file','range','color','date','datetime-local','month','week','time','number']);
const isText = e => e.tagName === 'TEXTAREA' || (e.tagName === 'INPUT' && !NOT_TEXT.has((e.getAttribute('type') || 'text').toLowerCase()));
function blocks(form) {
  const els = Array.from(form.elements || []);
  for (const e of els) {
    if (e.tagName.indexOf('-') >= 0) return 'a custom field (' + e.tagName.toLowerCase() + ')';
    const t = (e.getAttribute('type') || '').toLowerCase();
    if (t === 'password' || t === 'email' || t === 'tel') return 'a ' + t + ' field';
    if (CARD.test([e.name, e.id, e.getAttribute('autocomplete')].join(' '))) return 'a card field';
  }
  if (els.filter(isText).length > 1) return 'more than one text field';
  return '';
}
function how(f, sub) {
  const has = (a) => sub && sub.hasAttribute(a);
  const m = ((has('formmethod') ? sub.getAttribute('formmethod') : f.getAttribute('method')) || 'get').toLowerCase();
  const a = has('formaction') ? sub.formAction : f.action;
  const t = (has('formtarget') ? sub.getAttribute('formtarget') : f.getAttribute('target')) || '';
  return [m, a, t.toLowerCase()];
}
function defaultButton(f) {
  return Array.from(f.elements || []).find(e => (e.tagName === 'BUTTON' && (e.getAttribute('type') || 'submit').toLowerCase() === 'submit') || (e.tagName === 'INPUT' && /^(submit|image)$/i.test(e.getAttribute('type') || ''))) || null;
}
const desc = f => 'form' + (f.id ? '#' + f.id : '') + (f.getAttribute('name') ? '[name=' + f.getAttribute('name') + ']' : '');
function refuse(why) { g.armed = true; return { ok: false, why: why, action: null }; }
addEventListener('submit', function (e) {
  if (!g.armed) return;
  const f = e.target;
  if (!(f instanceof HTMLFormElement)) return;
  const [m, a, t] = how(f, e.submitter);
  const ok = g.form !== null && f === g.form && document.activeElement === g.box && m === 'get' && a === g.action && (t === '' || t === '_self') && !blocks(f);
  if (ok) { g.searched = true; return; }
  e.preventDefault();
  e.stopImmediatePropagation();
  g.cancelled.push(desc(f) + ' (' + m.toUpperCase() + ' ' + String(a).slice(0, 300) + ')');
}, true);
if (search === null) return { ok: true, why: '', action: null };
const box = document.activeElement;
if (!box || !isText(box) || (box.getAttribute('type') || '').toLowerCase() === 'password') return refuse('the search box no longer has the focus');
if (String(box.value).indexOf(search) < 0) return refuse('the focused field is not the search box');
const f = box.form;
if (!f) { g.box = box; return { ok: true, why: '', action: null }; }
const bad = blocks(f);
if (bad) return refuse('its form now has ' + bad);
const [m, a, t] = how(f, defaultButton(f));
if (m !== 'get') return refuse('its form would ' + m + ' to ' + String(a).slice(0, 200));
if (t !== '' && t !== '_self') return refuse('its form would open in another window');
if (a !== f.action) return refuse("its form's default button sends it to " + String(a).slice(0, 200));
g.form = f; g.box = box; g.action = f.action;
return { ok: true, why: '', action: f.action };
})"#;

/// Reads the guard's notes so far: `{cancelled, searched}`.
const READ_JS: &str = "(function () { const g = globalThis.__guard; if (!g) return { cancelled: [], searched: false }; return { cancelled: g.cancelled, searched: g.searched }; })()";

/// Reads and disarms the guard: `{cancelled, searched}`.
const END_JS: &str = "(function () { const g = globalThis.__guard; if (!g) return { cancelled: [], searched: false }; g.armed = false; return { cancelled: g.cancelled, searched: g.searched }; })()";

/// An armed guard.
pub struct Guard {
    /// The isolated world's context.
    context: i64,
    /// The tab's DevTools session when document loads are guarded there.
    tab: Option<String>,
    /// For a search: the form's action (`None` when the box is in no form).
    pub action: Option<String>,
    /// Notes read before the page could leave.
    early: Vec<String>,
}

/// What a guard saw.
#[derive(Debug, Default)]
pub struct GuardReport {
    /// Submissions it cancelled: `form#id (METHOD URL)`.
    pub cancelled: Vec<String>,
    /// Document loads stopped: `METHOD URL`.
    pub stopped: Vec<String>,
    /// Whether the authorised search's submit event was seen, or its load went on.
    pub searched: bool,
}

/// How a query string carries `v` (`application/x-www-form-urlencoded`).
pub fn in_query(v: &str) -> String {
    url::form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

impl Session {
    /// A command in the tab: through its DevTools session, or chromedriver's.
    async fn tab_cmd(
        &self,
        tab: Option<&str>,
        cmd: &str,
        params: Value,
    ) -> Result<Value, BrowserError> {
        match (tab, self.devtools_handle().await) {
            (Some(t), Some(dt)) => {
                match self
                    .within_budget(cmd, dt.call_in(Some(t), cmd, params))
                    .await
                {
                    // A page that does not answer holds the browser; the visit cuts it off.
                    Err(BrowserError::Lost(e)) if e.contains("did not answer") => {
                        Err(BrowserError::Stuck(e))
                    }
                    r => r,
                }
            }
            _ => self.cdp(cmd, params).await,
        }
    }

    /// Presses Enter in the focused field under the guard `g`: the key goes down (the page's
    /// keydown handlers run), the guard's notes are read, then its character and release
    /// (implicit submission). False when there is no DevTools session to press it with.
    pub async fn press_enter(&self, g: &mut Guard) -> Result<bool, BrowserError> {
        let (Some(tab), Some(dt)) = (self.tab_session().await, self.devtools_handle().await) else {
            return Ok(false);
        };
        let k = json!({ "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "nativeVirtualKeyCode": 13 });
        let with = |t: &str| {
            let mut e = k.clone();
            e["type"] = json!(t);
            e
        };
        let mut ch = with("char");
        ch["text"] = json!("\r");
        ch["unmodifiedText"] = json!("\r");
        let send = |events: Vec<Value>| {
            self.within_budget(
                "the Enter key",
                dt.call_all(&tab, "Input.dispatchKeyEvent", events, self.cmd_timeout()),
            )
        };
        send(vec![with("rawKeyDown")]).await?;
        if let Ok(r) = self
            .tab_cmd(
                Some(&tab),
                "Runtime.evaluate",
                json!({ "expression": READ_JS, "contextId": g.context, "returnByValue": true }),
            )
            .await
        {
            g.early = strings(&r["result"]["value"]["cancelled"]);
        }
        send(vec![ch, with("keyUp")]).await?;
        Ok(true)
    }

    /// Arms the guard for the keys about to be delivered: `search` is the search value when
    /// the key is the search's Enter (its box must have the focus), `typed` the values typed
    /// into other fields. `Ok(Err(why))`: the search is refused (no Enter may be pressed).
    pub async fn arm_guard(
        &self,
        search: Option<&str>,
        typed: &[&str],
    ) -> Result<Result<Guard, String>, BrowserError> {
        let tab = self.tab_session().await;
        let tree = self
            .tab_cmd(tab.as_deref(), "Page.getFrameTree", json!({}))
            .await?;
        let frame = tree["frameTree"]["frame"]["id"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let world = self
            .tab_cmd(
                tab.as_deref(),
                "Page.createIsolatedWorld",
                json!({ "frameId": frame, "worldName": WORLD }),
            )
            .await?;
        let Some(context) = world["executionContextId"].as_i64() else {
            return Err(BrowserError::Command("no isolated world".into()));
        };
        let expr = format!("{GUARD_JS}({})", json!(search));
        let r = self
            .tab_cmd(
                tab.as_deref(),
                "Runtime.evaluate",
                json!({ "expression": expr, "contextId": context, "returnByValue": true }),
            )
            .await?;
        let v = &r["result"]["value"];
        let mut guard = Guard {
            context,
            tab: None,
            action: v["action"].as_str().map(str::to_string),
            early: Vec::new(),
        };
        if v["ok"] != Value::Bool(true) {
            let why = v["why"]
                .as_str()
                .unwrap_or("the guard could not check it")
                .to_string();
            let _ = self.end_guard(guard).await;
            return Ok(Err(why));
        }
        if let (Some(t), Some(dt)) = (tab, self.devtools_handle().await) {
            let mut typed_q: Vec<String> = Vec::new();
            for v in typed.iter().filter(|v| !v.is_empty()) {
                typed_q.push(in_query(v));
                typed_q.push(v.to_string());
            }
            let doc = DocGuard {
                main_frame: frame,
                search: search.map(|s| {
                    let action = guard.action.clone().unwrap_or_default();
                    let base = action.split('#').next().unwrap_or("");
                    let base = base.split('?').next().unwrap_or("").to_string();
                    (base, in_query(s))
                }),
                typed: typed_q,
                ..Default::default()
            };
            // A box in no form: its page's script may start the search anywhere on the site.
            let doc = match (&guard.action, doc.search.clone()) {
                (None, Some((_, v))) => DocGuard {
                    search: Some((String::new(), v)),
                    ..doc
                },
                _ => doc,
            };
            if dt.guard_documents(&t, doc).await.is_ok() {
                guard.tab = Some(t);
            }
        }
        Ok(Ok(guard))
    }

    /// Disarms the guard: what it cancelled and stopped; the held search goes on.
    pub async fn end_guard(&self, g: Guard) -> Result<GuardReport, BrowserError> {
        let tab = self.tab_session().await;
        let read = self
            .tab_cmd(
                tab.as_deref(),
                "Runtime.evaluate",
                json!({ "expression": END_JS, "contextId": g.context, "returnByValue": true }),
            )
            .await;
        let mut report = GuardReport::default();
        if let Ok(r) = &read {
            let v = &r["result"]["value"];
            report.searched = v["searched"] == Value::Bool(true);
            report.cancelled = strings(&v["cancelled"]);
        }
        for x in g.early.iter().rev() {
            if !report.cancelled.contains(x) {
                report.cancelled.insert(0, x.clone());
            }
        }
        if let (Some(t), Some(dt)) = (&g.tab, self.devtools_handle().await) {
            let (stopped, searched) = dt.end_guard(t).await;
            report.stopped = stopped;
            report.searched |= searched;
        }
        match read {
            Err(e) if e.is_lost() => Err(e),
            _ => Ok(report),
        }
    }
}

/// The strings of a JSON array.
fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
