//! Script behaviour (#41): what the page's scripts do, beside what leaves the page — canvas,
//! canvas-font, WebRTC and audio fingerprinting, WebGL renderer reads, listeners on the
//! visitor's keys, input, movement and device motion, and whole-document DOM observers (the
//! mark of a session recorder).
//!
//! The hooks (`scripts.js`) are installed by the browser's DevTools connection in every page,
//! frame and worker before it runs (auto-attach with `waitForDebuggerOnStart`, see
//! [`crate::browser::devtools`]): `Page.addScriptToEvaluateOnNewDocument` for documents,
//! `Runtime.evaluate` for workers. They report through a `Runtime.addBinding` binding whose
//! global they remove before any page script runs, and hooked functions answer `toString`
//! as native ones, so pages cannot find them. They count cheaply and take the calling
//! script's URL from the stack only at decision points (a read-back, an offer, a listener
//! added), so benign pages stay cheap. The raw counts are stored (`script_events`);
//! `analyze::scripts` decides the techniques from them, so its rules can be re-run on old
//! crawls.
//!
//! Without a DevTools endpoint (a remote WebDriver offering no `se:cdp`) the collector fails
//! on each visit with that reason, which the visit records.

use super::{Collector, Ctx, Evidence, VisitConfig};
use crate::browser::BrowserError;
use crate::browser::devtools::ScriptHooks;
use crate::browser::session::Session;
use crate::capture::{RawScriptEvent, RawVisit};
use serde_json::Value;
use std::sync::Arc;

/// The hooks' source, `__BINDING__` standing for the binding's name.
const HOOKS_JS: &str = include_str!("scripts.js");

/// Reports kept per visit (each document sends at most 2,000).
const MAX_EVENTS: usize = 10_000;

/// The kinds of report the hooks send.
pub const KINDS: [&str; 6] = ["canvas", "webgl", "webrtc", "audio", "listen", "observe"];

/// The visit's reports so far.
#[derive(Default)]
pub(super) struct Scripts {
    events: Vec<RawScriptEvent>,
    dropped: u64,
}

/// A binding name no page could guess (letters only, like a minifier's), new per browser.
fn binding_name() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    let mut n = h.finish();
    let mut name = String::with_capacity(14);
    for _ in 0..13 {
        name.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
    }
    name
}

/// The hooks for a browser whose binding is `binding`.
pub fn hooks(binding: &str) -> ScriptHooks {
    let quoted = serde_json::to_string(binding).expect("a string");
    ScriptHooks {
        binding: binding.to_string(),
        source: HOOKS_JS.replace("'__BINDING__'", &quoted),
    }
}

/// Cuts `s` to `max` bytes on a character boundary.
fn cut(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// One report of the hooks as the store keeps it; `None` for anything the hooks do not send
/// (a page cannot call the binding: its global is gone before the page's first line, but
/// the payload is read as untrusted all the same).
pub fn event(page: u32, context: crate::capture::Context, payload: &str) -> Option<RawScriptEvent> {
    let Value::Object(mut m) = serde_json::from_str::<Value>(payload).ok()? else {
        return None;
    };
    let text = |v: Option<Value>| v.and_then(|v| v.as_str().map(str::to_string));
    let kind = text(m.remove("k"))?;
    if !KINDS.contains(&kind.as_str()) {
        return None;
    }
    let script = text(m.remove("s")).unwrap_or_default();
    let document = text(m.remove("u")).unwrap_or_default();
    let detail = Value::Object(m).to_string();
    if detail.len() > 4096 {
        return None;
    }
    Some(RawScriptEvent {
        page,
        context,
        document: cut(&document, 300),
        kind,
        script: cut(&script, 500),
        detail,
    })
}

impl Scripts {
    async fn read(&mut self, cx: &Ctx<'_>) {
        let (events, dropped) = cx.session.script_events().await;
        self.dropped += dropped;
        for e in events {
            if self.events.len() >= MAX_EVENTS {
                self.dropped += 1;
                continue;
            }
            if let Some(r) = event(e.page, e.context, &e.payload) {
                self.events.push(r);
            }
        }
    }
}

#[async_trait::async_trait]
impl Collector for Scripts {
    fn name(&self) -> &'static str {
        "scripts"
    }

    fn hand_back(self: Box<Self>, v: &mut RawVisit) {
        if self.dropped > 0 {
            tracing::warn!(
                dropped = self.dropped,
                site = %v.domain,
                "script-behaviour reports past the cap were dropped"
            );
        }
        v.scripts = self.events;
    }

    async fn setup(&self, s: &Session, cfg: &VisitConfig) -> Result<(), BrowserError> {
        if cfg.script_hooks {
            // Without an endpoint each visit records the failure (before_navigation).
            s.script_hooks(Arc::new(hooks(&binding_name()))).await;
        }
        Ok(())
    }

    async fn before_navigation(
        &mut self,
        cx: &Ctx<'_>,
        _ev: &mut Evidence,
    ) -> Result<(), BrowserError> {
        if !cx.cfg.script_hooks {
            return Ok(());
        }
        if !cx.session.has_devtools().await {
            return Err(BrowserError::Command(
                "no DevTools endpoint: what the page's scripts did was not watched".into(),
            ));
        }
        // What the blank page between visits reported belongs to no site.
        cx.session.script_events().await;
        Ok(())
    }

    async fn drained(&mut self, cx: &Ctx<'_>, _ev: &mut Evidence) -> Result<(), BrowserError> {
        self.read(cx).await;
        Ok(())
    }

    async fn finish(&mut self, cx: &Ctx<'_>, _ev: &mut Evidence) -> Result<(), BrowserError> {
        self.read(cx).await;
        Ok(())
    }

    async fn salvage(&mut self, cx: &Ctx<'_>, _ev: &mut Evidence) -> Result<(), BrowserError> {
        self.read(cx).await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Context;

    #[test]
    fn reports_are_read_as_untrusted() {
        let e = event(
            1,
            Context::Worker,
            r#"{"k":"canvas","s":"https://fp.test/fp.js","u":"https://a.test/","id":3,"w":240,"h":60}"#,
        )
        .unwrap();
        assert_eq!(e.kind, "canvas");
        assert_eq!(e.script, "https://fp.test/fp.js");
        assert_eq!(e.document, "https://a.test/");
        assert_eq!(e.detail, r#"{"h":60,"id":3,"w":240}"#);
        assert_eq!((e.page, e.context), (1, Context::Worker));
        assert!(event(0, Context::Page, r#"{"k":"nonsense"}"#).is_none());
        assert!(event(0, Context::Page, "[1,2]").is_none());
        assert!(event(0, Context::Page, "not json").is_none());
        let long = format!(r#"{{"k":"listen","x":"{}"}}"#, "a".repeat(5000));
        assert!(event(0, Context::Page, &long).is_none());
    }

    #[test]
    fn the_binding_is_named_in_the_source_only_once() {
        let h = hooks("abcdefghijklm");
        assert!(!h.source.contains("__BINDING__"));
        assert_eq!(h.source.matches("\"abcdefghijklm\"").count(), 1);
        let a = binding_name();
        assert_eq!(a.len(), 13);
        assert!(a.bytes().all(|b| b.is_ascii_lowercase()));
    }
}
