//! The visitor's behaviour on a page: dwell, scroll, click a neutral spot, type the
//! canaries into the fields it may type into, search once per site — under the submission
//! guard (crate::browser::guard). Its scripts are the `.js` files beside it.

use super::navigation::wait_loaded;
use crate::browser::BrowserError;
use crate::browser::session::Session;
use crate::capture::{Canaries, Hook, ResourceType, Step};
use crate::collect::{Collectors, Ctx, Evidence, VisitConfig};
use fantoccini::actions::{
    ActionSequence, InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction, TouchActions,
};
use fantoccini::elements::{Element, ElementRef};
use serde_json::{Value, json};
use std::time::Duration;

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
const FIND_FIELDS_JS: &str = include_str!("find_fields.js");

/// Finds a point in the viewport whose element is no link, button, field or frame.
const NEUTRAL_POINT_JS: &str = include_str!("neutral_point.js");

/// Scrolls down in four steps of 80 % of the window, `arguments[0]` ms apart.
const SCROLL_JS: &str = include_str!("scroll.js");

/// Both looks at the page in one round trip: `{point: [x, y] | null, fields: [...]}`.
fn look_js() -> &'static str {
    static JS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    JS.get_or_init(|| format!("return {{ point: (function () {{ {NEUTRAL_POINT_JS} }})(), fields: (function () {{ {FIND_FIELDS_JS} }})() }};"))
}

/// Dwell (less `spent` on the banner already), scroll, the collectors' `after_dwell` (the
/// banner noted in mode none, the URL read, the front page's links), click a neutral spot,
/// type canaries, search (when `search` allows: once per site), dwell and scroll again.
/// Returns whether it searched.
pub(super) async fn behave(
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
    click_neutral(s, ev, &look).await?;
    let fields = look
        .get("fields")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let (search, stopped) = type_canaries(cx, ev, c, fields, search_allowed).await?;
    cols.drain(cx, ev).await?;
    note_own_navigation(ev, stopped);
    let searched = search.is_some();
    if let Some((el, desc)) = search {
        search_in(cx, cols, ev, c, &el, &desc).await?;
    }
    cols.drain(cx, ev).await?;
    Ok(searched)
}

/// Clicks the neutral spot the look found (`point`), if any: a user gesture on nothing that
/// acts.
async fn click_neutral(s: &Session, ev: &mut Evidence, look: &Value) -> Result<(), BrowserError> {
    let Some(p) = look.get("point").and_then(Value::as_array) else {
        return Ok(());
    };
    let (Some(x), Some(y)) = (
        p.first().and_then(Value::as_f64),
        p.get(1).and_then(Value::as_f64),
    ) else {
        return Ok(());
    };
    let moves = [
        PointerAction::MoveTo {
            duration: None,
            x,
            y,
        },
        PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        },
        PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        },
    ];
    // On a phone the finger touches the screen (touch events, `pointerType` touch).
    let (done, actions) = if s.touch() {
        let tap = moves
            .into_iter()
            .fold(TouchActions::new("finger".into()), |a, m| a.then(m));
        ("tapped", ActionSequence::from(tap))
    } else {
        let click = moves
            .into_iter()
            .fold(MouseActions::new("mouse".into()), |a, m| a.then(m));
        ("clicked", ActionSequence::from(click))
    };
    if s.timed("clicking", s.client().perform_actions(actions))
        .await
        .is_ok()
    {
        ev.actions.push(format!("{done} at {x},{y}"));
        // A click is a user gesture: a popup it opened is captured from here on.
        s.attach_new_windows().await?;
    }
    Ok(())
}

/// The canaries in the order the guard knows them: email, phone, name, text, search.
fn canary_values(c: &Canaries) -> [&str; 5] {
    [
        c.email.as_str(),
        c.phone.as_str(),
        c.name.as_str(),
        c.text.as_str(),
        c.search.as_str(),
    ]
}

/// Types the canaries into the fields the look found (at most 12, under the guard), and picks
/// the first search box when a search is allowed. Returns that box (its reference and
/// description) and whether the guard stopped or cancelled anything the page did.
async fn type_canaries(
    cx: &Ctx<'_>,
    ev: &mut Evidence,
    c: &Canaries,
    fields: Vec<Value>,
    search_allowed: bool,
) -> Result<(Option<(Value, String)>, bool), BrowserError> {
    let (s, cfg) = (cx.session, cx.cfg);
    let mut search: Option<(Value, String)> = None;
    let mut typed = 0;
    // While canaries are typed, no form may be submitted (see crate::browser::guard).
    let values = canary_values(c);
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
    Ok((search, stopped))
}

/// The visitor never submits these forms; a page whose own script navigates after the click
/// or the typing (a form submitted on change or blur) is recorded as the page's doing.
fn note_own_navigation(ev: &mut Evidence, stopped: bool) {
    let main_frame = ev.main_frame.as_deref();
    if let Some(doc) = ev.net.requests().iter().filter(|_| !stopped).find(|r| {
        r.step == Step::Interact
            && r.resource_type == ResourceType::Document
            && main_frame.is_none_or(|m| r.frame_id == m)
    }) {
        let note = format!(
            "the page's own script navigated after the visitor's click or typing (not the visitor): {} {}",
            doc.method, doc.url
        );
        ev.actions.push(note);
    }
}

/// Searches in the box `el` (described `desc`): types the search term, presses Enter under
/// the guard; when the search went through, waits for the results, dwells and scrolls.
async fn search_in(
    cx: &Ctx<'_>,
    cols: &mut Collectors,
    ev: &mut Evidence,
    c: &Canaries,
    el: &Value,
    desc: &str,
) -> Result<(), BrowserError> {
    let (s, cfg) = (cx.session, cx.cfg);
    ev.step = Step::Search;
    let pressed = if focus(s, el).await? && type_keys(s, el, &c.search).await? {
        press_enter(s, ev, c, el, desc).await?
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
    Ok(())
}

/// Presses Enter in the search box, only while the guard holds (checked at the moment it is
/// armed, the box still focused, and at the moment a form is submitted: see
/// crate::browser::guard). True when the search went through.
async fn press_enter(
    s: &Session,
    ev: &mut Evidence,
    c: &Canaries,
    el: &Value,
    desc: &str,
) -> Result<bool, BrowserError> {
    let values = canary_values(c);
    let others = &values[..4];
    let Some(mut g) = arm(s, ev, Some((&c.search, desc)), others).await? else {
        return Ok(false);
    };
    let pressed = match s.press_enter(&mut g).await {
        Ok(true) => Ok(true),
        Ok(false) => type_keys(s, el, "\n").await,
        Err(e) => Err(e),
    };
    // What the key set off (a page's handler answering it) happens now.
    tokio::time::sleep(Duration::from_millis(150)).await;
    let form = g.action.is_some();
    let rep = disarm(s, ev, g).await?;
    // A form's search is seen as it is submitted; without it, Enter went elsewhere (the page
    // moved the focus) and nothing was searched.
    if pressed? && form && !rep.searched {
        ev.actions.push(format!(
            "pressed Enter in {desc}; its form was not submitted"
        ));
        Ok(false)
    } else {
        Ok(true)
    }
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
const FOCUS_JS: &str = include_str!("focus.js");

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

/// The pause between scroll steps: an eighth of the dwell, at most 250 ms.
fn scroll_pause(cfg: &VisitConfig) -> Duration {
    (cfg.dwell / 8).min(Duration::from_millis(250))
}

/// The time on a page before scrolling starts: the dwell less the scroll's three pauses, so
/// time on the page is `--dwell` in all.
pub(super) fn dwell_before_scroll(cfg: &VisitConfig) -> Duration {
    cfg.dwell.saturating_sub(scroll_pause(cfg) * 3)
}

/// Scrolls down in four steps (one script: one round trip), each pause a [`scroll_pause`].
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
