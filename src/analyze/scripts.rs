//! What the page's scripts did (#41), decided from the raw counts the script-behaviour
//! hooks reported (`RawVisit::scripts`, table `script_events`): which script fingerprinted
//! the device, and how; which listened to the visitor's keys, input, movement or device
//! motion, and on which fields; which recorded the session.
//!
//! The rules, each on the counts of one canvas, connection or audio context and the script
//! that read it back (so they can be re-run on any store):
//! - `canvas` (Englehardt & Narayanan, "Online tracking: a 1-million-site measurement", 2016):
//!   a canvas of at least 16×16 read back (`toDataURL`, `toBlob`, `convertToBlob`, or
//!   `getImageData` of at least 16×16) after text was drawn on it in at least two colours or
//!   with at least ten distinct characters, with no `save`/`restore` and no event listener
//!   on it (the marks of a real drawing).
//! - `canvas_font`: at least 50 distinct fonts set on one canvas and the same text measured
//!   at least 50 times (probing which fonts the device has).
//! - `webrtc`: a data channel, an offer and an ICE-candidate listener on one connection that
//!   carries no media and never got a remote description (local-address discovery; a call
//!   carries media and a peer answers).
//! - `audio`: an `OfflineAudioContext` with an oscillator and a dynamics compressor, rendered.
//! - `webgl_renderer`: the unmasked WebGL vendor or renderer read.
//! - session recording: the whole document's DOM observed (subtree, child list, attributes
//!   and text) by a script that also listens to the visitor's keys or input, or to pointer
//!   or touch movement.

use super::entities::Entities;
use super::party::{Parties, host_of};
use crate::capture::{Context, RawScriptEvent, RawVisit};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A fingerprinting technique.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Technique {
    /// Canvas fingerprinting.
    Canvas,
    /// Canvas-font fingerprinting.
    CanvasFont,
    /// WebRTC local-address discovery.
    WebRtc,
    /// Audio (OfflineAudioContext) fingerprinting.
    Audio,
    /// The unmasked WebGL vendor or renderer read.
    WebGlRenderer,
}

impl Technique {
    /// Every technique, in the datasets' order.
    pub const ALL: [Technique; 5] = [
        Technique::Canvas,
        Technique::CanvasFont,
        Technique::WebRtc,
        Technique::Audio,
        Technique::WebGlRenderer,
    ];

    /// The name used in the datasets.
    pub fn as_str(self) -> &'static str {
        match self {
            Technique::Canvas => "canvas",
            Technique::CanvasFont => "canvas_font",
            Technique::WebRtc => "webrtc",
            Technique::Audio => "audio",
            Technique::WebGlRenderer => "webgl_renderer",
        }
    }
}

/// Who a script belongs to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScriptOwner {
    /// Its URL.
    pub script: String,
    /// Its host.
    pub host: String,
    /// Served from another site than the visited one.
    pub third_party: bool,
    /// The entity list's name for its host (empty when unknown).
    pub vendor: String,
    /// The entity's owner (empty when unknown).
    pub owner: String,
}

/// One technique one script used on a visit.
#[derive(Clone, Debug, PartialEq)]
pub struct TechniqueFinding {
    /// The script (its owner).
    pub who: ScriptOwner,
    /// The technique.
    pub technique: Technique,
    /// The pages it was seen on.
    pub pages: BTreeSet<u32>,
    /// Where it ran (the first context seen).
    pub context: Context,
    /// The document (or worker) it ran in (the first seen).
    pub document: String,
    /// What was seen, in words (`240x60 canvas, 2 colours, 27 characters, read by toDataURL`).
    pub evidence: String,
    /// The decisive report's raw counts (JSON).
    pub counts: String,
}

/// What one script listened to on a visit.
#[derive(Clone, Debug, PartialEq)]
pub struct ListenerFinding {
    /// The script (its owner).
    pub who: ScriptOwner,
    /// The pages it listened on.
    pub pages: BTreeSet<u32>,
    /// Where it ran (the first context seen).
    pub context: Context,
    /// The events listened to.
    pub events: BTreeSet<String>,
    /// What it listened on: `window`, `document`, a field as the visitor's look names it
    /// (`input#email[name=email]`), or another element's tag.
    pub targets: BTreeSet<String>,
    /// It listened to keys or input on a field the visitor typed a canary into, or on the
    /// whole document of a visit where one was typed.
    pub typed_into: bool,
    /// It also observed the whole document's DOM: a session recorder.
    pub session_recorder: bool,
    /// Bytes of request bodies the script sent on the visit (requests whose initiator's
    /// stack starts in it): a recorder sends the page's DOM and every change.
    pub sent_bytes: u64,
}

/// What the visit's scripts did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScriptFindings {
    /// Fingerprinting, per script and technique, in order of script then technique.
    pub techniques: Vec<TechniqueFinding>,
    /// Listeners, per script, in order of script.
    pub listeners: Vec<ListenerFinding>,
}

impl ScriptFindings {
    /// Whether any script used `t`.
    pub fn uses(&self, t: Technique) -> bool {
        self.techniques.iter().any(|f| f.technique == t)
    }

    /// Whether any script recorded the session.
    pub fn recorded(&self) -> bool {
        self.listeners.iter().any(|l| l.session_recorder)
    }
}

/// Every technique techniques.csv counts: the fingerprinting ones, then what listeners do
/// (`session_recording`; `key_listening`: keys or input heard on a field a canary was typed
/// into, or on the whole document of such a visit; `movement_listening`: pointer or touch
/// movement; `motion_listening`: device motion or orientation).
pub const TECHNIQUES: [&str; 9] = [
    "canvas",
    "canvas_font",
    "webrtc",
    "audio",
    "webgl_renderer",
    "session_recording",
    "key_listening",
    "movement_listening",
    "motion_listening",
];

impl ScriptFindings {
    /// Per technique of [`TECHNIQUES`] the visit's scripts used, the scripts that used it.
    pub fn by_technique(&self) -> Vec<(&'static str, Vec<&ScriptOwner>)> {
        let mut out: Vec<(&'static str, Vec<&ScriptOwner>)> = Vec::new();
        for name in TECHNIQUES {
            let who: Vec<&ScriptOwner> = match name {
                "session_recording" => self
                    .listeners
                    .iter()
                    .filter(|l| l.session_recorder)
                    .map(|l| &l.who)
                    .collect(),
                "key_listening" => self
                    .listeners
                    .iter()
                    .filter(|l| l.typed_into)
                    .map(|l| &l.who)
                    .collect(),
                "movement_listening" => self.listening(&MOVE_EVENTS),
                "motion_listening" => self.listening(&["devicemotion", "deviceorientation"]),
                t => self
                    .techniques
                    .iter()
                    .filter(|f| f.technique.as_str() == t)
                    .map(|f| &f.who)
                    .collect(),
            };
            if !who.is_empty() {
                out.push((name, who));
            }
        }
        out
    }

    fn listening(&self, events: &[&str]) -> Vec<&ScriptOwner> {
        self.listeners
            .iter()
            .filter(|l| l.events.iter().any(|e| events.contains(&e.as_str())))
            .map(|l| &l.who)
            .collect()
    }
}

/// The events of a listener that hear what the visitor types.
const KEY_EVENTS: [&str; 7] = [
    "keydown",
    "keyup",
    "keypress",
    "input",
    "beforeinput",
    "change",
    "paste",
];
/// The events of pointer and touch movement.
const MOVE_EVENTS: [&str; 3] = ["mousemove", "pointermove", "touchmove"];

fn num(d: &Value, k: &str) -> u64 {
    d.get(k).and_then(Value::as_u64).unwrap_or(0)
}

/// How `script` starts for code inline in a document (its stack names the document's own
/// URL): `inline:` and the document's host, one script per host whatever page it was on.
pub const INLINE: &str = "inline:";

/// Whether a report came from a script inline in its document.
fn is_inline(e: &RawScriptEvent) -> bool {
    !e.script.is_empty()
        && (e.script == e.document
            || (e.document.len() >= 300 && e.script.starts_with(&e.document)))
}

fn owner_of(script: &str, site: &str, parties: &Parties, entities: &Entities) -> ScriptOwner {
    let host = match script.strip_prefix(INLINE) {
        Some("") => site.to_string(),
        Some(h) => h.to_string(),
        None => host_of(script).unwrap_or_default(),
    };
    let e = entities.lookup(&host);
    ScriptOwner {
        script: script.to_string(),
        third_party: !host.is_empty() && parties.is_third_party_host(&host),
        vendor: e.map(|e| e.name.clone()).unwrap_or_default(),
        owner: e.map(|e| e.owner().to_string()).unwrap_or_default(),
        host,
    }
}

/// One object the rules are decided on (a canvas, a connection, an audio context) in one
/// document: its reports merged, the script of the decisive one.
struct Thing<'a> {
    first: &'a RawScriptEvent,
    script: &'a str,
    counts: BTreeMap<String, u64>,
    apis: BTreeSet<String>,
    pages: BTreeSet<u32>,
    texts: Vec<String>,
}

/// Merges reports of one object: counts take their largest value.
fn merge<'a>(
    things: &mut BTreeMap<(String, u64, String), Thing<'a>>,
    e: &'a RawScriptEvent,
    d: &Value,
) {
    let key = (e.document.clone(), num(d, "id"), e.script.clone());
    let t = things.entry(key).or_insert_with(|| Thing {
        first: e,
        script: &e.script,
        counts: BTreeMap::new(),
        apis: BTreeSet::new(),
        pages: BTreeSet::new(),
        texts: Vec::new(),
    });
    t.pages.insert(e.page);
    if let Value::Object(m) = d {
        for (k, v) in m {
            if let Some(n) = v.as_u64() {
                let c = t.counts.entry(k.clone()).or_default();
                *c = (*c).max(n);
            }
        }
    }
    if let Some(api) = d.get("api").and_then(Value::as_str) {
        t.apis.insert(api.to_string());
    }
    if let Some(on) = d.get("on").and_then(Value::as_str) {
        t.apis.insert(on.to_string());
    }
    for s in d.get("txt").and_then(Value::as_array).into_iter().flatten() {
        if let Some(s) = s.as_str()
            && t.texts.len() < 3
            && !t.texts.iter().any(|x| x == s)
        {
            t.texts.push(s.to_string());
        }
    }
}

impl Thing<'_> {
    fn n(&self, k: &str) -> u64 {
        self.counts.get(k).copied().unwrap_or(0)
    }

    fn counts_json(&self) -> String {
        serde_json::to_string(&self.counts).unwrap_or_default()
    }

    /// The canvas rule (see the module docs); the evidence in words when it holds.
    fn canvas(&self) -> Option<String> {
        const READS: [&str; 3] = ["toDataURL", "toBlob", "convertToBlob"];
        let read = self.apis.iter().find(|a| READS.contains(&a.as_str()));
        let image = self.apis.contains("getImageData") && self.n("rw") >= 16 && self.n("rh") >= 16;
        let api = read
            .map(String::as_str)
            .or(image.then_some("getImageData"))?;
        let (w, h, cols, chars) = (self.n("w"), self.n("h"), self.n("ncol"), self.n("nch"));
        if w < 16 || h < 16 || !(cols >= 2 || chars >= 10) || self.n("sr") > 0 || self.n("lis") > 0
        {
            return None;
        }
        let text = self
            .texts
            .first()
            .map(|t| format!(", text `{t}`"))
            .unwrap_or_default();
        Some(format!(
            "{w}x{h} canvas, {cols} colour(s), {chars} distinct characters{text}, read by {api}"
        ))
    }

    fn canvas_font(&self) -> Option<String> {
        let (fonts, same) = (self.n("nf"), self.n("same"));
        (fonts >= 50 && same >= 50).then(|| {
            format!(
                "{fonts} fonts set, the same text measured {same} times ({} measures)",
                self.n("mt")
            )
        })
    }

    fn webrtc(&self) -> Option<String> {
        let holds = self.n("dc") > 0
            && self.n("offer") > 0
            && self.n("ice") > 0
            && self.n("media") == 0
            && self.n("remote") == 0;
        holds.then(|| "data channel, offer and ICE-candidate listener; no media, no peer".into())
    }

    fn audio(&self) -> Option<String> {
        let holds = self.n("offline") > 0 && self.n("osc") > 0 && self.n("comp") > 0;
        holds.then(|| "OfflineAudioContext: oscillator and compressor rendered".into())
    }
}

/// Per script: its listeners' events, targets, pages, and whether it observed the document.
#[derive(Default)]
struct Heard<'a> {
    first: Option<&'a RawScriptEvent>,
    events: BTreeSet<String>,
    targets: BTreeSet<String>,
    pages: BTreeSet<u32>,
    typed_field: bool,
    document_keys: bool,
    observes: bool,
}

/// A script's WebGL renderer reads: its pages, first report and what it read.
type GlReads<'a> = (BTreeSet<u32>, &'a RawScriptEvent, BTreeSet<String>);

/// The visit's reports grouped by what the rules are decided on.
#[derive(Default)]
struct Gathered<'a> {
    /// Per kind (`canvas`, `webrtc`, `audio`): each object's merged reports.
    things: BTreeMap<&'a str, BTreeMap<(String, u64, String), Thing<'a>>>,
    /// Per script: its WebGL renderer reads.
    webgl: BTreeMap<&'a str, GlReads<'a>>,
    /// Per script: what it listened to and observed.
    heard: BTreeMap<&'a str, Heard<'a>>,
}

impl<'a> Gathered<'a> {
    /// Adds one report (`typed`: the fields the visitor typed a canary into).
    fn add(&mut self, e: &'a RawScriptEvent, d: &Value, typed: &BTreeSet<&str>) {
        match e.kind.as_str() {
            "canvas" | "webrtc" | "audio" => {
                merge(self.things.entry(e.kind.as_str()).or_default(), e, d)
            }
            "webgl" => {
                let w = self
                    .webgl
                    .entry(&e.script)
                    .or_insert_with(|| (BTreeSet::new(), e, BTreeSet::new()));
                w.0.insert(e.page);
                if let Some(p) = d.get("p").and_then(Value::as_str) {
                    w.2.insert(p.to_string());
                }
            }
            "listen" => {
                let (Some(ev), Some(t)) = (
                    d.get("e").and_then(Value::as_str),
                    d.get("t").and_then(Value::as_str),
                ) else {
                    return;
                };
                let h = self.heard.entry(&e.script).or_default();
                h.first.get_or_insert(e);
                h.events.insert(ev.to_string());
                h.pages.insert(e.page);
                let target = t.strip_prefix("field:").unwrap_or(t);
                h.targets.insert(target.to_string());
                if KEY_EVENTS.contains(&ev) {
                    h.typed_field |= t.starts_with("field:") && typed.contains(target);
                    h.document_keys |= matches!(t, "document" | "window");
                }
            }
            "observe" => {
                let whole = ["sub", "child", "attr", "chr"]
                    .iter()
                    .all(|k| num(d, k) > 0);
                if whole {
                    let h = self.heard.entry(&e.script).or_default();
                    h.first.get_or_insert(e);
                    h.observes = true;
                }
            }
            _ => {}
        }
    }

    /// The techniques each script used, by script then technique.
    fn techniques(&self, owner: &dyn Fn(&str) -> ScriptOwner) -> Vec<TechniqueFinding> {
        let mut found: BTreeMap<(String, Technique), TechniqueFinding> = BTreeMap::new();
        for (kind, list) in &self.things {
            for t in list.values() {
                let hits = match *kind {
                    "canvas" => vec![
                        (Technique::Canvas, t.canvas()),
                        (Technique::CanvasFont, t.canvas_font()),
                    ],
                    "webrtc" => vec![(Technique::WebRtc, t.webrtc())],
                    _ => vec![(Technique::Audio, t.audio())],
                };
                for (technique, evidence) in hits {
                    let Some(evidence) = evidence else { continue };
                    found
                        .entry((t.script.to_string(), technique))
                        .and_modify(|f| f.pages.extend(t.pages.iter().copied()))
                        .or_insert_with(|| TechniqueFinding {
                            who: owner(t.script),
                            technique,
                            pages: t.pages.clone(),
                            context: t.first.context,
                            document: t.first.document.clone(),
                            evidence,
                            counts: t.counts_json(),
                        });
                }
            }
        }
        for (script, (pages, first, what)) in &self.webgl {
            let what: Vec<&str> = what.iter().map(String::as_str).collect();
            let f = TechniqueFinding {
                who: owner(script),
                technique: Technique::WebGlRenderer,
                pages: pages.clone(),
                context: first.context,
                document: first.document.clone(),
                evidence: format!("unmasked WebGL {} read", what.join(" and ")),
                counts: serde_json::json!({ "read": what }).to_string(),
            };
            found.insert((script.to_string(), Technique::WebGlRenderer), f);
        }
        found.into_values().collect()
    }

    /// What each script listened to (`typed_any`: the visitor typed a canary somewhere;
    /// `sent`: body bytes per script that sent requests).
    fn listeners(
        self,
        typed_any: bool,
        sent: &BTreeMap<String, u64>,
        owner: &dyn Fn(&str) -> ScriptOwner,
    ) -> Vec<ListenerFinding> {
        self.heard
            .into_iter()
            .filter(|(_, h)| !h.events.is_empty())
            .map(|(script, h)| {
                let listens = h
                    .events
                    .iter()
                    .any(|e| KEY_EVENTS.contains(&e.as_str()) || MOVE_EVENTS.contains(&e.as_str()));
                ListenerFinding {
                    who: owner(script),
                    pages: h.pages,
                    context: h.first.map(|e| e.context).unwrap_or_default(),
                    typed_into: h.typed_field || (h.document_keys && typed_any),
                    session_recorder: h.observes && listens,
                    events: h.events,
                    targets: h.targets,
                    sent_bytes: sent.get(script).copied().unwrap_or(0),
                }
            })
            .collect()
    }
}

/// The visit's reports with a page's inline code named `inline:<host>` (one script per
/// document host, whatever page it was on).
fn with_inline_named(v: &RawVisit) -> std::borrow::Cow<'_, [RawScriptEvent]> {
    if !v.scripts.iter().any(is_inline) {
        return std::borrow::Cow::Borrowed(&v.scripts);
    }
    let renamed = v.scripts.iter().map(|e| {
        let mut e = e.clone();
        if is_inline(&e) {
            e.script = format!("{INLINE}{}", host_of(&e.document).unwrap_or_default());
        }
        e
    });
    std::borrow::Cow::Owned(renamed.collect())
}

/// Body bytes sent per script, over the visit's requests made by a script.
fn sent_bytes(v: &RawVisit) -> BTreeMap<String, u64> {
    let mut out: BTreeMap<String, u64> = BTreeMap::new();
    for r in &v.requests {
        let Some(body) = r.body.as_ref().filter(|b| !b.is_empty()) else {
            continue;
        };
        if let Some(script) = super::origin::script_of(r) {
            *out.entry(script).or_default() += body.len() as u64;
        }
    }
    out
}

/// Decides what the visit's scripts did.
pub fn analyze(v: &RawVisit, parties: &Parties, entities: &Entities) -> ScriptFindings {
    let typed: BTreeSet<&str> = v
        .actions
        .iter()
        .filter_map(|a| a.strip_prefix("typed ")?.split_once(" into ").map(|x| x.1))
        .collect();
    let events = with_inline_named(v);
    let mut g = Gathered::default();
    for e in events.iter() {
        if e.script.is_empty() {
            continue; // no page script on the stack (the crawler's own)
        }
        if let Ok(d) = serde_json::from_str::<Value>(&e.detail) {
            g.add(e, &d, &typed);
        }
    }
    let owner = |s: &str| owner_of(s, &v.domain, parties, entities);
    ScriptFindings {
        techniques: g.techniques(&owner),
        listeners: g.listeners(!typed.is_empty(), &sent_bytes(v), &owner),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(page: u32, kind: &str, script: &str, detail: &str) -> RawScriptEvent {
        RawScriptEvent {
            page,
            context: Context::Page,
            document: "https://shop.test/".into(),
            kind: kind.into(),
            script: script.into(),
            detail: detail.into(),
        }
    }

    fn run(events: Vec<RawScriptEvent>, actions: &[&str]) -> ScriptFindings {
        let v = RawVisit {
            domain: "shop.test".into(),
            scripts: events,
            actions: actions.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        analyze(&v, &Parties::new("shop.test", None), Entities::get())
    }

    const FP: &str = "https://fp.test/fp.js";

    #[test]
    fn canvas_follows_the_2016_rules() {
        let read = |w: u64, h: u64, ncol: u64, nch: u64, sr: u64, lis: u64| {
            let d = serde_json::json!({"id":1,"api":"toDataURL","w":w,"h":h,"ncol":ncol,"nch":nch,"sr":sr,"lis":lis,"nt":2,"txt":["Cwm fjordbank 😃"]});
            run(vec![ev(0, "canvas", FP, &d.to_string())], &[])
        };
        let f = read(240, 60, 2, 14, 0, 0);
        assert_eq!(f.techniques.len(), 1);
        assert_eq!(f.techniques[0].technique, Technique::Canvas);
        assert!(
            f.techniques[0].evidence.contains("240x60"),
            "{}",
            f.techniques[0].evidence
        );
        assert!(f.techniques[0].who.third_party);
        // Too small, one colour and few characters, save/restore, a listener: not flagged.
        assert!(read(8, 8, 2, 14, 0, 0).techniques.is_empty());
        assert!(read(240, 60, 1, 5, 0, 0).techniques.is_empty());
        assert!(read(240, 60, 1, 12, 0, 0).techniques.len() == 1);
        assert!(read(240, 60, 2, 14, 4, 0).techniques.is_empty());
        assert!(read(240, 60, 2, 14, 0, 1).techniques.is_empty());
        // getImageData counts only for an area of 16×16 or more.
        let small = serde_json::json!({"id":1,"api":"getImageData","w":240,"h":60,"rw":8,"rh":8,"ncol":2,"nch":14});
        assert!(
            run(vec![ev(0, "canvas", FP, &small.to_string())], &[])
                .techniques
                .is_empty()
        );
        let big = serde_json::json!({"id":1,"api":"getImageData","w":240,"h":60,"rw":240,"rh":60,"ncol":2,"nch":14});
        assert_eq!(
            run(vec![ev(0, "canvas", FP, &big.to_string())], &[])
                .techniques
                .len(),
            1
        );
    }

    #[test]
    fn fonts_webrtc_audio_and_webgl() {
        let f = run(
            vec![
                ev(
                    0,
                    "canvas",
                    FP,
                    r#"{"id":2,"api":"measureText","nf":32,"same":32,"mt":32}"#,
                ),
                ev(
                    0,
                    "canvas",
                    FP,
                    r#"{"id":2,"api":"measureText","nf":60,"same":60,"mt":60}"#,
                ),
                ev(
                    0,
                    "canvas",
                    "https://game.test/g.js",
                    r#"{"id":3,"api":"measureText","nf":3,"same":4,"mt":128}"#,
                ),
                ev(
                    0,
                    "webrtc",
                    FP,
                    r#"{"id":4,"dc":1,"offer":0,"ice":0,"on":"dc"}"#,
                ),
                ev(
                    0,
                    "webrtc",
                    FP,
                    r#"{"id":4,"dc":1,"offer":0,"ice":1,"on":"ice"}"#,
                ),
                ev(
                    0,
                    "webrtc",
                    FP,
                    r#"{"id":4,"dc":1,"offer":1,"ice":1,"on":"offer"}"#,
                ),
                ev(
                    0,
                    "webrtc",
                    "https://call.test/c.js",
                    r#"{"id":5,"dc":1,"offer":1,"ice":1,"media":1}"#,
                ),
                ev(1, "audio", FP, r#"{"id":6,"offline":1,"osc":1,"comp":1}"#),
                ev(
                    1,
                    "audio",
                    "https://synth.test/s.js",
                    r#"{"id":7,"offline":1,"osc":1,"comp":0}"#,
                ),
                ev(1, "webgl", FP, r#"{"p":"renderer"}"#),
            ],
            &[],
        );
        let got: Vec<(&str, &str)> = f
            .techniques
            .iter()
            .map(|t| (t.who.script.as_str(), t.technique.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (FP, "canvas_font"),
                (FP, "webrtc"),
                (FP, "audio"),
                (FP, "webgl_renderer")
            ]
        );
        assert!(f.uses(Technique::Audio) && !f.uses(Technique::Canvas));
        assert_eq!(f.techniques[2].pages, BTreeSet::from([1]));
    }

    #[test]
    fn listeners_typed_fields_and_session_recorders() {
        let rec = "https://rec.test/recorder.js";
        let tag = "https://tag.test/t.js";
        let f = run(
            vec![
                ev(0, "listen", rec, r#"{"e":"input","t":"document"}"#),
                ev(0, "listen", rec, r#"{"e":"mousemove","t":"document"}"#),
                ev(
                    0,
                    "observe",
                    rec,
                    r#"{"t":"document","sub":1,"child":1,"attr":1,"chr":1}"#,
                ),
                ev(
                    0,
                    "listen",
                    tag,
                    r#"{"e":"keydown","t":"field:input#email[name=email]"}"#,
                ),
                ev(
                    0,
                    "observe",
                    tag,
                    r#"{"t":"document","sub":1,"child":1,"attr":0,"chr":0}"#,
                ),
                ev(0, "listen", "", r#"{"e":"keydown","t":"document"}"#),
            ],
            &["typed email into input#email[name=email]"],
        );
        assert_eq!(f.listeners.len(), 2);
        let r = &f.listeners[0];
        assert_eq!(r.who.script, rec);
        assert!(r.session_recorder && r.typed_into);
        assert_eq!(r.targets, BTreeSet::from(["document".to_string()]));
        let t = &f.listeners[1];
        assert!(!t.session_recorder && t.typed_into);
        assert_eq!(
            t.targets,
            BTreeSet::from(["input#email[name=email]".to_string()])
        );
        assert!(f.recorded());
        // A page's inline code is one script per document host, whatever the page.
        let inline = |page: u32, url: &str| RawScriptEvent {
            document: url.into(),
            ..ev(
                page,
                "listen",
                url,
                r#"{"e":"change","t":"field:input#email[name=email]"}"#,
            )
        };
        let f = run(
            vec![
                inline(0, "https://shop.test/"),
                inline(1, "https://shop.test/about"),
            ],
            &[],
        );
        assert_eq!(f.listeners.len(), 1);
        assert_eq!(f.listeners[0].who.script, "inline:shop.test");
        assert_eq!(f.listeners[0].who.host, "shop.test");
        assert!(!f.listeners[0].who.third_party);
        assert_eq!(f.listeners[0].pages, BTreeSet::from([0, 1]));
        // Nothing typed: no listener heard a canary.
        let f = run(
            vec![ev(0, "listen", tag, r#"{"e":"keydown","t":"document"}"#)],
            &[],
        );
        assert!(!f.listeners[0].typed_into);
    }
}
