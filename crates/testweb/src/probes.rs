//! What page scripts do (#41): sites whose scripts fingerprint the device or listen to the
//! visitor, benign look-alikes that must not be flagged, and a page that looks for hooks.
//!
//! True positives (each script runs at document start; [`EXPECTED`] lists what must be
//! found): a FingerprintJS-style canvas with emoji text in two colours read back
//! (canvas-fp.test), 60 fonts probed with `measureText` (fonts-fp.test), a WebRTC offer
//! with a data channel and an ICE-candidate listener (webrtc-fp.test), the audio compressor
//! chain rendered offline (audio-fp.test), the canvas and audio scripts in a cross-site
//! iframe (frame-fp.test), and canvas and font probing on an `OffscreenCanvas` in a
//! dedicated worker (worker-fp.test) and in a service worker (sw-fp.test).
//!
//! Benign look-alikes: a chart library drawing labelled bars between `save`/`restore` and
//! exporting a PNG (chart.test), an 8×8 thumbnail read back (thumb.test), a game measuring
//! varied strings (game.test), a video-call widget whose connection carries media
//! (call.test), a synthesiser pre-rendering a note offline without a compressor
//! (synth.test).
//!
//! Listeners (keys.test): a third-party script listening to keys on the e-mail field and to
//! input on the whole document plus device motion (cdn.keywatch.test), a session recorder
//! (whole-document mutation observer, input and mouse-movement listeners, DOM snapshots sent:
//! cdn.replay.test), and a plain analytics tag (click listener, a child-list observer on the
//! body) that is no recorder.
//!
//! fpjs.test runs the real FingerprintJS (v3.4.2, MIT, from the npm registry: `make sdk`
//! serves it at `openfpcdn.io/fingerprintjs/v3/iife.min.js`, its CDN's path): its canvas and
//! audio fingerprints and its WebGL renderer read must be found ([`FPJS_EXPECTED`]).
//!
//! detector.test looks for hooks (new globals, `toString` of the hooked functions and of
//! `toString` itself, their names, lengths and prototypes against a fresh frame's, frames of
//! a script without URL in an error thrown through them, the cost of a call) and sends the
//! Meta Pixel [`DETECTOR_PIXEL`] only when it finds none; otherwise it reports why to
//! `/detected`. detector-naive.test is the same page after a naive hook of its own: the
//! detector must find it (the detector can fail).

/// The pixel detector.test sends when it finds no hook.
pub const DETECTOR_PIXEL: &str = "5550001112223334";

/// The techniques each site must show, as (site, technique, script host).
pub const EXPECTED: &[(&str, &str, &str)] = &[
    ("canvas-fp.test", "canvas", "cdn.fpcheck.test"),
    ("fonts-fp.test", "canvas_font", "cdn.fpcheck.test"),
    ("webrtc-fp.test", "webrtc", "cdn.fpcheck.test"),
    ("audio-fp.test", "audio", "cdn.fpcheck.test"),
    ("frame-fp.test", "canvas", "cdn.fpcheck.test"),
    ("frame-fp.test", "audio", "cdn.fpcheck.test"),
    ("worker-fp.test", "canvas", "cdn.fpcheck.test"),
    ("worker-fp.test", "canvas_font", "cdn.fpcheck.test"),
    ("sw-fp.test", "canvas", "cdn.fpcheck.test"),
    ("sw-fp.test", "canvas_font", "cdn.fpcheck.test"),
];

/// What the real FingerprintJS must show on fpjs.test (when `make sdk` built it).
pub const FPJS_EXPECTED: &[(&str, &str, &str)] = &[
    ("fpjs.test", "canvas", "openfpcdn.io"),
    ("fpjs.test", "audio", "openfpcdn.io"),
    // Its `videoCard` source reads WEBGL_debug_renderer_info.
    ("fpjs.test", "webgl_renderer", "openfpcdn.io"),
];

/// The site running the real FingerprintJS.
pub const FPJS_SITE: &str = "fpjs.test";

/// Every site of this web, true positives first.
pub const SITES: &[&str] = &[
    "fpjs.test",
    "canvas-fp.test",
    "fonts-fp.test",
    "webrtc-fp.test",
    "audio-fp.test",
    "frame-fp.test",
    "worker-fp.test",
    "sw-fp.test",
    "chart.test",
    "thumb.test",
    "game.test",
    "call.test",
    "synth.test",
    "keys.test",
    "detector.test",
    "detector-naive.test",
];

/// The third-party hosts of this web.
const HOSTS: &[&str] = &[
    "cdn.fpcheck.test",
    "widget.fpframe.test",
    "cdn.keywatch.test",
    "cdn.replay.test",
    "cdn.plaintag.test",
    "cdn.widgets-lib.test",
    "openfpcdn.io",
];

/// True for the hosts only this module serves.
pub fn serves(host: &str) -> bool {
    let site = host.strip_prefix("www.").unwrap_or(host);
    SITES.contains(&site) || HOSTS.contains(&host)
}

fn page(title: &str, head: &str, body: &str) -> String {
    format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
{head}</head><body><h1>{title}</h1>{body}<p>Welcome. <a href="/about">About us</a></p></body></html>"#
    )
}

fn script(src: &str) -> String {
    format!(r#"<script src="{src}"></script>"#)
}

/// A FingerprintJS-style canvas: emoji text in two colours over a rectangle, read back.
const CANVAS_JS: &str = r#"(function () {
  var c = document.createElement('canvas'); c.width = 240; c.height = 60;
  var x = c.getContext('2d');
  x.textBaseline = 'alphabetic'; x.fillStyle = '#f60'; x.fillRect(100, 1, 62, 20);
  x.fillStyle = '#069'; x.font = '11pt "Times New Roman"';
  x.fillText('Cwm fjordbank gly \ud83d\ude03', 2, 15);
  x.fillStyle = 'rgba(102, 204, 0, 0.2)'; x.font = '18pt Arial';
  x.fillText('Cwm fjordbank gly \ud83d\ude03', 4, 45);
  var d = c.toDataURL();
  navigator.sendBeacon('https://cdn.fpcheck.test/collect', JSON.stringify({ c: d.length }));
})();"#;

/// The fonts a font prober tries (60).
const FONTS: &str = "'Andale Mono','Arial Black','Arial Narrow','Bahnschrift','Book Antiqua','Bookman Old Style','Calibri','Cambria','Candara','Century Gothic','Comic Sans MS','Consolas','Constantia','Corbel','Courier New','Ebrima','Franklin Gothic','Gabriola','Gadugi','Garamond','Georgia','Helvetica Neue','Impact','Ink Free','Javanese Text','Leelawadee UI','Lucida Console','Lucida Sans Unicode','Malgun Gothic','Marlett','Microsoft Himalaya','Microsoft JhengHei','Microsoft New Tai Lue','Microsoft PhagsPa','Microsoft Sans Serif','Microsoft Tai Le','Microsoft YaHei','Microsoft Yi Baiti','MingLiU-ExtB','Mongolian Baiti','MS Gothic','MV Boli','Myanmar Text','Nirmala UI','Palatino Linotype','Segoe Print','Segoe Script','Segoe UI','Segoe UI Emoji','SimSun','Sitka Small','Sylfaen','Tahoma','Times New Roman','Trebuchet MS','Ubuntu','Verdana','Yu Gothic','Roboto','Noto Sans'";

fn fonts_js(make: &str) -> String {
    format!(
        r#"(function () {{
  var x = ({make}).getContext('2d');
  var text = 'mmmmmmmmmmlli', base = {{}}, found = [];
  ['monospace', 'sans-serif', 'serif'].forEach(function (b) {{ x.font = '72px ' + b; base[b] = x.measureText(text).width; }});
  [{FONTS}].forEach(function (f) {{
    x.font = '72px "' + f + '", monospace';
    if (x.measureText(text).width !== base.monospace) found.push(f);
  }});
  fetch('https://cdn.fpcheck.test/collect', {{ method: 'POST', body: 'fonts=' + found.length }});
}})();"#
    )
}

const WEBRTC_JS: &str = r#"(function () {
  var pc = new RTCPeerConnection({ iceServers: [] });
  pc.createDataChannel('');
  pc.onicecandidate = function (e) {
    if (e && e.candidate) navigator.sendBeacon('https://cdn.fpcheck.test/collect', 'ice=' + e.candidate.candidate.length);
  };
  pc.createOffer().then(function (o) { return pc.setLocalDescription(o); }).catch(function () {});
})();"#;

const AUDIO_JS: &str = r#"(function () {
  var ctx = new OfflineAudioContext(1, 5000, 44100);
  var osc = ctx.createOscillator(); osc.type = 'triangle'; osc.frequency.value = 10000;
  var comp = ctx.createDynamicsCompressor();
  comp.threshold.value = -50; comp.knee.value = 40; comp.ratio.value = 12; comp.attack.value = 0; comp.release.value = 0.25;
  osc.connect(comp); comp.connect(ctx.destination); osc.start(0);
  ctx.startRendering().then(function (buf) {
    var d = buf.getChannelData(0), s = 0;
    for (var i = 4500; i < 5000; i++) s += Math.abs(d[i]);
    navigator.sendBeacon('https://cdn.fpcheck.test/collect', 'audio=' + s);
  });
})();"#;

/// The worker's own script: it imports the vendor's probes, which draw on an OffscreenCanvas.
const WORKER_JS: &str = "importScripts('https://cdn.fpcheck.test/offscreen.js');";

fn offscreen_js() -> String {
    let canvas = r#"(function () {
  var c = new OffscreenCanvas(240, 60), x = c.getContext('2d');
  x.fillStyle = '#f60'; x.fillRect(100, 1, 62, 20);
  x.fillStyle = '#069'; x.font = '11pt Arial'; x.fillText('Cwm fjordbank gly \ud83d\ude03', 2, 15);
  x.fillStyle = 'rgba(102, 204, 0, 0.2)'; x.font = '18pt Arial'; x.fillText('Cwm fjordbank gly \ud83d\ude03', 4, 45);
  c.convertToBlob().then(function (b) { fetch('https://cdn.fpcheck.test/collect', { method: 'POST', body: 'w=' + b.size }); });
})();"#;
    format!("{canvas}\n{}", fonts_js("new OffscreenCanvas(200, 50)"))
}

/// A chart library: bars and labels drawn between save and restore, exported as a PNG.
const CHART_JS: &str = r#"(function () {
  var c = document.createElement('canvas'); c.width = 400; c.height = 300; document.body.appendChild(c);
  var x = c.getContext('2d'), data = [['Jan', 12, '#4e79a7'], ['Feb', 19, '#f28e2b'], ['Mar', 7, '#e15759'], ['Apr', 15, '#76b7b2']];
  data.forEach(function (d, i) {
    x.save(); x.fillStyle = d[2]; x.fillRect(20 + i * 90, 280 - d[1] * 12, 60, d[1] * 12);
    x.fillStyle = '#333'; x.font = '14px sans-serif'; x.fillText(d[0] + ' (' + d[1] + ')', 20 + i * 90, 296); x.restore();
  });
  var png = c.toDataURL('image/png');
  document.body.setAttribute('data-export', String(png.length));
})();"#;

/// An 8×8 thumbnail: a letter drawn in two colours and read back to average its colour.
const THUMB_JS: &str = r#"(function () {
  var c = document.createElement('canvas'); c.width = 8; c.height = 8;
  var x = c.getContext('2d');
  x.fillStyle = '#c00'; x.fillText('A', 0, 7); x.fillStyle = '#00c'; x.fillText('Bz9', 2, 7);
  var px = x.getImageData(0, 0, 8, 8).data, r = 0;
  for (var i = 0; i < px.length; i += 4) r += px[i];
  document.body.setAttribute('data-avg', String(r / 64) + c.toDataURL().length);
})();"#;

/// A game's text layout: many different strings measured in two fonts.
const GAME_JS: &str = r#"(function () {
  var c = document.createElement('canvas'); c.width = 320; c.height = 200; document.body.appendChild(c);
  var x = c.getContext('2d'), w = 0;
  for (var i = 0; i < 120; i++) {
    x.font = (i % 2 ? 'bold 16px' : '16px') + ' sans-serif';
    w += x.measureText('Level ' + i + ': score ' + (i * 37) % 1000).width;
  }
  x.fillText('Score: ' + Math.round(w), 10, 20);
})();"#;

/// A video-call widget: its connection carries video and audio (and a chat channel).
const CALL_JS: &str = r#"(function () {
  var pc = new RTCPeerConnection({ iceServers: [] });
  pc.addTransceiver('video'); pc.addTransceiver('audio');
  pc.createDataChannel('chat');
  pc.onicecandidate = function () {};
  pc.createOffer().then(function (o) { return pc.setLocalDescription(o); }).catch(function () {});
})();"#;

/// A synthesiser pre-rendering a note offline: an oscillator through a gain, no compressor.
const SYNTH_JS: &str = r#"(function () {
  var ctx = new OfflineAudioContext(1, 22050, 44100);
  var osc = ctx.createOscillator(), g = ctx.createGain();
  osc.frequency.value = 440; g.gain.value = 0.5; osc.connect(g); g.connect(ctx.destination); osc.start(0);
  ctx.startRendering().then(function (b) { document.body.setAttribute('data-note', String(b.length)); });
})();"#;

/// A key watcher: keys on the e-mail field, input on the whole document, device motion.
const KEYWATCH_JS: &str = r#"(function () {
  var seen = [];
  document.addEventListener('DOMContentLoaded', function () {
    var email = document.getElementById('email');
    if (email) email.addEventListener('keydown', function (e) { seen.push(e.key); });
  });
  document.addEventListener('input', function (e) { seen.push(e.target.name); }, true);
  window.addEventListener('devicemotion', function () {});
  setTimeout(function () { navigator.sendBeacon('https://cdn.keywatch.test/k', seen.join('')); }, 1500);
})();"#;

/// A session recorder: the whole DOM observed, input and mouse movement heard, snapshots sent.
const REPLAY_JS: &str = r#"(function () {
  var events = [];
  new MutationObserver(function (m) { events.push({ type: 3, n: m.length }); })
    .observe(document, { attributes: true, attributeOldValue: true, characterData: true, characterDataOldValue: true, childList: true, subtree: true });
  document.addEventListener('input', function (e) { events.push({ type: 5, v: e.target.value }); }, true);
  document.addEventListener('mousemove', function (e) { events.push({ type: 6, x: e.clientX, y: e.clientY }); }, true);
  function flush(kind, body) { fetch('https://cdn.replay.test/rec?kind=' + kind, { method: 'POST', body: JSON.stringify(body), keepalive: true }); }
  window.addEventListener('load', function () { flush('snapshot', { type: 2, html: document.documentElement.outerHTML }); });
  setInterval(function () { if (events.length) flush('events', events.splice(0)); }, 1000);
})();"#;

/// A plain analytics tag: clicks heard, new nodes under the body watched for, a page view.
const PLAINTAG_JS: &str = r#"(function () {
  document.addEventListener('click', function (e) { navigator.sendBeacon('https://cdn.plaintag.test/e', 'click'); });
  document.addEventListener('DOMContentLoaded', function () {
    new MutationObserver(function () {}).observe(document.body, { childList: true, subtree: true });
  });
  navigator.sendBeacon('https://cdn.plaintag.test/e', 'pageview');
})();"#;

/// The detector: looks for hooks; the pixel only when none is found.
const DETECTOR_JS: &str = r#"(function () {
  var why = [];
  var f = document.createElement('iframe'); f.style.display = 'none'; document.documentElement.appendChild(f);
  var W = f.contentWindow;
  // New globals: names the top window has and a fresh frame has not, or a binding-shaped one.
  // The crawler's consent shim is a known tell (README, "Known limits"): counted apart.
  var shim = [];
  Object.getOwnPropertyNames(window).forEach(function (n) {
    if (/^\d+$/.test(n) || n in W || n === 'detectorState') return;
    if (/^(__pcConsent|__pcConsentCommand|autoconsentSendMessage|autoconsentReceiveMessage)$/.test(n)) shim.push(n);
    else why.push('global ' + n);
  });
  var nativeRe = /^function ([\w ]*)\(\) \{\s*\[native code\]\s*\}$/;
  var set = function (o, k) { var d = Object.getOwnPropertyDescriptor(o, k); return d && d.set; };
  var checks = [
    ['toDataURL', function (w) { return w.HTMLCanvasElement.prototype.toDataURL; }],
    ['getImageData', function (w) { return w.CanvasRenderingContext2D.prototype.getImageData; }],
    ['measureText', function (w) { return w.CanvasRenderingContext2D.prototype.measureText; }],
    ['fillText', function (w) { return w.CanvasRenderingContext2D.prototype.fillText; }],
    ['save', function (w) { return w.CanvasRenderingContext2D.prototype.save; }],
    ['set font', function (w) { return set(w.CanvasRenderingContext2D.prototype, 'font'); }],
    ['addEventListener', function (w) { return w.EventTarget.prototype.addEventListener; }],
    ['observe', function (w) { return w.MutationObserver.prototype.observe; }],
    ['createOffer', function (w) { return w.RTCPeerConnection.prototype.createOffer; }],
    ['set onicecandidate', function (w) { return set(w.RTCPeerConnection.prototype, 'onicecandidate'); }],
    ['startRendering', function (w) { return w.OfflineAudioContext.prototype.startRendering; }],
    ['set onkeydown', function (w) { return set(w.HTMLElement.prototype, 'onkeydown'); }],
    ['toString', function (w) { return w.Function.prototype.toString; }]
  ];
  var ts = Function.prototype.toString;
  checks.forEach(function (c) {
    var fn = c[1](window), fresh = c[1](W);
    if (typeof fn !== 'function') { why.push(c[0] + ' missing'); return; }
    var s1 = ts.call(fn), s2 = fn.toString(), s3 = String(fn), s4 = fn + '';
    var m = nativeRe.exec(s1);
    if (!m || s2 !== s1 || s3 !== s1 || s4 !== s1) why.push(c[0] + ' toString ' + s1);
    if (fresh && ts.call(fresh) !== s1) why.push(c[0] + ' differs from a fresh frame');
    if (m && m[1] !== fn.name) why.push(c[0] + ' name ' + fn.name);
    if (fresh && (fn.length !== fresh.length || fn.name !== fresh.name)) why.push(c[0] + ' length/name');
    if ('prototype' in fn) why.push(c[0] + ' has a prototype');
  });
  if (ts.call(ts) !== 'function toString() { [native code] }') why.push('toString of toString');
  // An error thrown through a hooked function: no frame of a script without URL.
  [function () { HTMLCanvasElement.prototype.toDataURL.call({}); },
   function () { CanvasRenderingContext2D.prototype.measureText.call(null, 'x'); },
   function () { ts.call({}); }].forEach(function (g, i) {
    try { g(); why.push('no error ' + i); } catch (e) {
      if (/<anonymous>:\d+:\d+/.test(String(e.stack))) why.push('stack ' + i + ' ' + String(e.stack).replace(/\n/g, ' | '));
    }
  });
  // The cost of a call: a hook that takes a stack on every call is ~20 times slower.
  var cv = document.createElement('canvas'), x = cv.getContext('2d');
  function per(fn) { var t = performance.now(); for (var i = 0; i < 3000; i++) fn(); return (performance.now() - t) / 3000; }
  x.rect(0, 0, 4, 4);
  per(function () { x.measureText('x'); }); per(function () { x.isPointInPath(1, 1); });
  var a = per(function () { x.measureText('x'); }), b = per(function () { x.isPointInPath(1, 1); });
  var ratio = b > 0 ? a / b : 0;
  if (ratio > 25) why.push('measureText costs ' + ratio.toFixed(1) + ' times isPointInPath');
  f.remove();
  var q = 'ratio=' + ratio.toFixed(2) + '&shim=' + shim.length;
  if (why.length) {
    new Image().src = '/detected?' + q + '&why=' + encodeURIComponent(why.join('; '));
  } else {
    new Image().src = 'https://www.facebook.com/tr?id=5550001112223334&ev=PageView&noscript=1&cd[hooks]=none&' + q;
  }
})();"#;

/// The naive hook detector-naive.test installs before the detector runs.
const NAIVE_JS: &str = r#"(function () {
  var orig = HTMLCanvasElement.prototype.toDataURL;
  HTMLCanvasElement.prototype.toDataURL = function () { window.detectorState = (window.detectorState || 0) + 1; return orig.apply(this, arguments); };
})();"#;

const FORM: &str = r#"<form action="/signup" method="post"><label>E-mail <input type="email" id="email" name="email"></label>
<label>Name <input type="text" id="name" name="name"></label><button type="submit">Sign up</button></form>"#;

/// The answer for `host` and `path` (None: not this module's): `(content type, body)`.
pub fn route(host: &str, path: &str) -> Option<(&'static str, String)> {
    const HTML: &str = "text/html; charset=utf-8";
    const JS: &str = "application/javascript";
    let site = host.strip_prefix("www.").unwrap_or(host);
    let path = path.split('?').next().unwrap_or(path);
    if SITES.contains(&site) {
        return Some(match path {
            "/" => (HTML, front_page(site)),
            "/fp-worker.js" if site == "worker-fp.test" => (JS, WORKER_JS.into()),
            "/fp-sw.js" if site == "sw-fp.test" => (JS, WORKER_JS.into()),
            // fpjs.test/visitor: the visitor ID FingerprintJS computed, logged by the server.
            _ => ("text/plain", "not found".into()),
        });
    }
    if !HOSTS.contains(&host) {
        return None;
    }
    Some(match (host, path) {
        ("widget.fpframe.test", "/") => (
            HTML,
            page("Widget", &format!("{}{}", fp("canvas"), fp("audio")), ""),
        ),
        ("openfpcdn.io", "/fingerprintjs/v3/iife.min.js") => {
            let f = crate::sdk::dir().join("cdn/openfpcdn.io/fingerprintjs/v3/iife.min.js");
            match std::fs::read_to_string(f) {
                Ok(js) => (JS, js),
                Err(_) => ("text/plain", String::new()),
            }
        }
        (h, p) => match script_of(h, p) {
            Some(js) => (JS, js),
            None => ("text/plain", String::new()),
        },
    })
}

/// A script tag for the fingerprinting vendor's script `name`.
fn fp(name: &str) -> String {
    script(&format!("https://cdn.fpcheck.test/{name}.js"))
}

/// The front page of one of [`SITES`].
fn front_page(site: &str) -> String {
    let lib = |name: &str| script(&format!("https://cdn.widgets-lib.test/{name}.js"));
    match site {
        "fpjs.test" => page(
            "FingerprintJS",
            &format!(
                "{}{}",
                script("https://openfpcdn.io/fingerprintjs/v3/iife.min.js"),
                "<script>FingerprintJS.load().then(function (fp) { return fp.get(); }).then(function (r) { navigator.sendBeacon('https://fpjs.test/visitor', r.visitorId); });</script>"
            ),
            "",
        ),
        "canvas-fp.test" => page("Canvas FP", &fp("canvas"), ""),
        "fonts-fp.test" => page("Fonts FP", &fp("fonts"), ""),
        "webrtc-fp.test" => page("WebRTC FP", &fp("webrtc"), ""),
        "audio-fp.test" => page("Audio FP", &fp("audio"), ""),
        "frame-fp.test" => page(
            "Framed FP",
            "",
            r#"<iframe src="https://widget.fpframe.test/" width="300" height="120"></iframe>"#,
        ),
        "worker-fp.test" => page(
            "Worker FP",
            "<script>new Worker('/fp-worker.js');</script>",
            "",
        ),
        "sw-fp.test" => page(
            "Service worker FP",
            "<script>navigator.serviceWorker.register('/fp-sw.js');</script>",
            "",
        ),
        "chart.test" => page("Charts", "", &lib("chart")),
        "thumb.test" => page("Thumbnails", "", &lib("thumb")),
        "game.test" => page("Game", "", &lib("game")),
        "call.test" => page("Call us", "", &lib("call")),
        "synth.test" => page("Synth", "", &lib("synth")),
        "keys.test" => page(
            "Keys",
            &format!(
                "{}{}{}",
                script("https://cdn.keywatch.test/kw.js"),
                script("https://cdn.replay.test/rec.js"),
                script("https://cdn.plaintag.test/tag.js")
            ),
            FORM,
        ),
        "detector.test" => page("Detector", &format!("<script>{DETECTOR_JS}</script>"), ""),
        _ => page(
            "Detector (naive hook)",
            &format!("<script>{NAIVE_JS}</script><script>{DETECTOR_JS}</script>"),
            "",
        ),
    }
}

/// The third-party scripts of this web.
fn script_of(host: &str, path: &str) -> Option<String> {
    Some(match (host, path) {
        ("cdn.fpcheck.test", "/canvas.js") => CANVAS_JS.into(),
        ("cdn.fpcheck.test", "/fonts.js") => fonts_js("document.createElement('canvas')"),
        ("cdn.fpcheck.test", "/webrtc.js") => WEBRTC_JS.into(),
        ("cdn.fpcheck.test", "/audio.js") => AUDIO_JS.into(),
        ("cdn.fpcheck.test", "/offscreen.js") => offscreen_js(),
        ("cdn.widgets-lib.test", "/chart.js") => CHART_JS.into(),
        ("cdn.widgets-lib.test", "/thumb.js") => THUMB_JS.into(),
        ("cdn.widgets-lib.test", "/game.js") => GAME_JS.into(),
        ("cdn.widgets-lib.test", "/call.js") => CALL_JS.into(),
        ("cdn.widgets-lib.test", "/synth.js") => SYNTH_JS.into(),
        ("cdn.keywatch.test", "/kw.js") => KEYWATCH_JS.into(),
        ("cdn.replay.test", "/rec.js") => REPLAY_JS.into(),
        ("cdn.plaintag.test", "/tag.js") => PLAINTAG_JS.into(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_site_has_a_front_page_and_every_script_is_served() {
        for s in SITES {
            let (ctype, body) = route(s, "/").unwrap();
            assert!(ctype.starts_with("text/html"), "{s}");
            for src in body.split("src=\"").skip(1) {
                let url = &src[..src.find('"').unwrap()];
                // FingerprintJS is served from `make sdk`'s build, which unit tests lack.
                if let Some(rest) = url
                    .strip_prefix("https://")
                    .filter(|r| !r.starts_with("openfpcdn.io/"))
                {
                    let (h, p) = rest.split_once('/').unwrap();
                    let (ct, js) = route(h, &format!("/{p}")).unwrap();
                    assert!(
                        ct == "application/javascript" || ct.starts_with("text/html"),
                        "{url}"
                    );
                    assert!(!js.is_empty(), "{url}");
                }
            }
        }
        assert!(offscreen_js().matches("font = '72px \"' + f").count() == 1);
        assert_eq!(FONTS.split("','").count(), 60);
        assert!(serves("www.keys.test") && serves("cdn.fpcheck.test") && !serves("other.test"));
    }
}
