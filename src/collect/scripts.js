// pixelcensus: what the page's scripts do (issue #41). Runs before any page script in every
// document, frame and worker (src/collect/scripts.rs). It hooks the calls that fingerprint
// the device (canvas, canvas fonts, WebRTC, audio, WebGL renderer) and those that listen to
// the visitor (keys, input, pointer and touch movement, device motion, whole-document DOM
// observers), counts cheaply, and at a few decision points only (a read-back, an offer, a
// listener added) takes the calling script's URL from the stack and hands the raw counts to
// the crawler through a DevTools binding whose global it removes before any page script runs.
// It leaves nothing a page can find: no global, hooked functions answer `toString` as the
// native ones, errors thrown through a hook carry no frame of it. The crawler replaces the
// quoted placeholder on the last line with the binding's name.
(function (bindingName) {
  'use strict';
  const G = globalThis;
  const send0 = G[bindingName];
  if (typeof send0 !== 'function') return;
  try { delete G[bindingName]; } catch (e) { return; }

  // Every built-in used later, taken before a page can replace it.
  const R = Reflect;
  const apply = R.apply;
  const O = Object;
  const gopd = O.getOwnPropertyDescriptor;
  const defineProperty = O.defineProperty;
  const P = Proxy;
  const WM = WeakMap;
  const wmGet = WM.prototype.get;
  const wmSet = WM.prototype.set;
  const stringify = JSON.stringify;
  const ErrorC = Error;
  const reExec = RegExp.prototype.exec;
  const strSplit = String.prototype.split;
  const arrJoin = Array.prototype.join;
  const arrPush = Array.prototype.push;
  const strSlice = String.prototype.slice;
  const strIndexOf = String.prototype.indexOf;
  const toLower = String.prototype.toLowerCase;
  const Doc = G.Document;
  const Elt = G.Element;
  const getAttr = Elt && Elt.prototype.getAttribute;
  const localNameGet = Elt && gopd(Elt.prototype, 'localName').get;
  const Canvas = G.HTMLCanvasElement;
  const Offscreen = G.OffscreenCanvas;
  const RTC = G.RTCPeerConnection;
  const Offline = G.OfflineAudioContext;
  const locHref = G.location ? (gopd(O.getPrototypeOf(G.location), 'href') || gopd(G.location, 'href')) : null;

  const wget = (m, k) => apply(wmGet, m, [k]);
  const wset = (m, k, v) => apply(wmSet, m, [k, v]);
  const instance = (x, C) => {
    try { return !!C && x !== null && typeof x === 'object' && x instanceof C; } catch (e) { return false; }
  };

  // The proxies standing in for built-ins, each to its original (for toString).
  const hooked = new WM();
  const URL_RE = /((?:blob:)?https?:\/\/[^\s()]+?):\d+:\d+/;
  const OURS_RE = /^\s*at (?:Object\.(?:apply|set)|[a-z]\w*Hook[A-Za-z]*) \(<anonymous>:\d+:\d+\)$/;

  // The hooked API being called (set by the hook, read by `caller`), and whether the page
  // sees another function than ours under its name (`listened` sets it).
  let currentApi = '';
  let wrapped = false;

  // The first script with a URL on the stack: the one that called the hooked function. A
  // frame calling it under its own name (`x.addEventListener (…)`, `r [as addEventListener]`)
  // is another script's wrapper of the API (error trackers wrap addEventListener): skipped,
  // so the script that called the wrapper is named.
  function caller() {
    let s = '';
    try {
      const lim = ErrorC.stackTraceLimit;
      const pst = ErrorC.prepareStackTrace;
      ErrorC.stackTraceLimit = 30;
      if (pst !== undefined) ErrorC.prepareStackTrace = undefined;
      s = '' + new ErrorC().stack;
      ErrorC.stackTraceLimit = lim;
      if (pst !== undefined) ErrorC.prepareStackTrace = pst;
    } catch (e) { return ''; }
    const lines = apply(strSplit, s, ['\n']);
    const named = currentApi ? '.' + currentApi + ' (' : null;
    const as = currentApi ? '[as ' + currentApi + ']' : null;
    // The script of each frame that has one, innermost first, and the outermost frame that
    // runs under the API's name (a wrapper).
    const urls = [];
    let wrapperAt = -1;
    for (let i = 1; i < lines.length; i++) {
      const m = apply(reExec, URL_RE, [lines[i]]);
      if (!m) continue;
      const l = lines[i];
      if (named && (apply(strIndexOf, l, [named]) >= 0 || apply(strIndexOf, l, [as]) >= 0)) wrapperAt = urls.length;
      apply(arrPush, urls, [apply(strSlice, m[1], [0, 500])]);
    }
    if (!urls.length) return '';
    if (wrapperAt >= 0) return wrapperAt + 1 < urls.length ? urls[wrapperAt + 1] : urls[0];
    if (wrapped) {
      // The API was replaced by another script's function that calls ours: the caller is
      // the first script below that one's frames, if any.
      for (let i = 1; i < urls.length; i++) if (urls[i] !== urls[0]) return urls[i];
    }
    return urls[0];
  }

  // Errors thrown through a hook carry no frame of it.
  function clean(e) {
    try {
      if (instance(e, ErrorC)) {
        const lines = apply(strSplit, '' + e.stack, ['\n']);
        const kept = [];
        for (let i = 0; i < lines.length; i++) {
          if (!apply(reExec, OURS_RE, [lines[i]])) apply(arrPush, kept, [lines[i]]);
        }
        e.stack = apply(arrJoin, kept, ['\n']);
      }
    } catch (x) { /* leave it */ }
    return e;
  }

  function docUrl() {
    try { return locHref ? apply(strSlice, '' + apply(locHref.get, G.location, []), [0, 300]) : ''; } catch (e) { return ''; }
  }

  let sent = 0;
  function send(kind, script, detail) {
    if (sent >= 2000) return;
    sent++;
    detail.k = kind;
    detail.s = script;
    detail.u = docUrl();
    try { apply(send0, G, [stringify(detail)]); } catch (e) { /* the browser went away */ }
  }

  // Replaces method `name` of `obj` by a proxy that runs `before(this, args)` first.
  function methodHook(obj, name, before, after) {
    const d = obj && gopd(obj, name);
    if (!d || typeof d.value !== 'function') return;
    const orig = d.value;
    const p = new P(orig, {
      apply(t, th, args) {
        currentApi = name;
        try { if (before) before(th, args); } catch (e) { /* never the page's problem */ }
        let r;
        try { r = apply(t, th, args); } catch (e) { throw clean(e); }
        try { if (after) after(th, args, r); } catch (e) { /* idem */ }
        return r;
      },
    });
    wset(hooked, p, orig);
    defineProperty(obj, name, { value: p, writable: d.writable, enumerable: d.enumerable, configurable: d.configurable });
    return p;
  }

  // Replaces the setter of accessor `name` of `obj` by a proxy that runs `before(this, value)`.
  function setterHook(obj, name, before) {
    const d = obj && gopd(obj, name);
    if (!d || typeof d.set !== 'function') return;
    const orig = d.set;
    const p = new P(orig, {
      apply(t, th, args) {
        currentApi = name;
        try { before(th, args[0]); } catch (e) { /* never the page's problem */ }
        try { return apply(t, th, args); } catch (e) { throw clean(e); }
      },
    });
    wset(hooked, p, orig);
    defineProperty(obj, name, { get: d.get, set: p, enumerable: d.enumerable, configurable: d.configurable });
  }

  // Function.prototype.toString answers for each proxy as for its original.
  const fpToString = Function.prototype.toString;
  const FP = Function.prototype;
  const getProto = O.getPrototypeOf;
  const PROXY_TEXT = 'function () { [native code] }';
  const toStringProxy = new P(fpToString, {
    apply(t, th, args) {
      const o = wget(hooked, th);
      if (o === undefined && typeof th === 'function') {
        // A function of another realm (a frame's): that realm's toString knows its hooks.
        try {
          const proto = getProto(th);
          const d = proto && proto !== FP ? gopd(proto, 'toString') : undefined;
          if (d && typeof d.value === 'function' && d.value !== toStringProxy && apply(t, d.value, []) === PROXY_TEXT) {
            return apply(d.value, th, args);
          }
        } catch (e) { /* as for any function */ }
      }
      try { return apply(t, o === undefined ? th : o, args); } catch (e) { throw clean(e); }
    },
  });
  wset(hooked, toStringProxy, fpToString);
  const tsd = gopd(Function.prototype, 'toString');
  defineProperty(Function.prototype, 'toString', { value: toStringProxy, writable: tsd.writable, enumerable: tsd.enumerable, configurable: tsd.configurable });

  // ---- canvas ---------------------------------------------------------------------------
  let serial = 0;
  const canvasState = new WM(); // canvas or context -> its state
  function stateOf(x) {
    let st = wget(canvasState, x);
    if (st === undefined) {
      st = { id: ++serial, ctx: '', nt: 0, chars: O.create(null), nch: 0, cols: O.create(null), ncol: 0, txt: [], sr: 0, lis: 0,
        fonts: O.create(null), nf: 0, mt: 0, same: O.create(null), nsame: 0, maxSame: 0, sig: '', sends: 0 };
      wset(canvasState, x, st);
    }
    return st;
  }
  // The counts at which fonts set and texts measured are reported: 16, 32, the rules' 50,
  // then every power of two (a prober's totals, without a report per call).
  const reportAt = (n) => n === 16 || n === 32 || n === 50 || (n >= 64 && (n & (n - 1)) === 0);
  function sizeOf(c) {
    try { return [c.width >>> 0, c.height >>> 0]; } catch (e) { return [0, 0]; }
  }
  function canvasReport(canvas, st, api, rw, rh) {
    if (st.sends >= 20) return;
    const [w, h] = sizeOf(canvas);
    const sig = api + w + 'x' + h + '|' + st.nt + '|' + st.nch + '|' + st.ncol + '|' + st.sr + '|' + st.lis + '|' + st.nf + '|' + st.mt + '|' + rw + 'x' + rh;
    if (sig === st.sig) return;
    st.sig = sig;
    st.sends++;
    send('canvas', caller(), { id: st.id, api, ctx: st.ctx, w, h, rw, rh, nt: st.nt, nch: st.nch, ncol: st.ncol, sr: st.sr, lis: st.lis,
      nf: st.nf, mt: st.mt, same: st.maxSame, txt: st.txt });
  }
  function drewText(ctx, args, styleProp) {
    const st = stateOf(ctx);
    st.nt++;
    const text = '' + (typeof args[0] === 'string' ? args[0] : '');
    if (st.txt.length < 3 && text && st.txt.indexOf(apply(strSlice, text, [0, 100])) < 0) apply(arrPush, st.txt, [apply(strSlice, text, [0, 100])]);
    for (let i = 0; i < text.length && st.nch < 200; i++) {
      const ch = text[i];
      if (!st.chars[ch]) { st.chars[ch] = 1; st.nch++; }
    }
    let col = '';
    try { const v = ctx[styleProp]; col = typeof v === 'string' ? v : 'pattern'; } catch (e) { /* none */ }
    if (col && !st.cols[col] && st.ncol < 50) { st.cols[col] = 1; st.ncol++; }
  }
  function canvasHooks(Ctx2d, CanvasC, reads) {
    if (!Ctx2d || !CanvasC) return;
    const proto = Ctx2d.prototype;
    methodHook(CanvasC.prototype, 'getContext', null, (canvas, args, ctx) => {
      if (!ctx || typeof ctx !== 'object') return;
      const st = stateOf(ctx);
      if (!st.ctx) st.ctx = '' + args[0];
      wset(canvasState, canvas, st);
    });
    methodHook(proto, 'fillText', (ctx, args) => drewText(ctx, args, 'fillStyle'));
    methodHook(proto, 'strokeText', (ctx, args) => drewText(ctx, args, 'strokeStyle'));
    methodHook(proto, 'save', (ctx) => { stateOf(ctx).sr++; });
    methodHook(proto, 'restore', (ctx) => { stateOf(ctx).sr++; });
    setterHook(proto, 'font', (ctx, v) => {
      const st = stateOf(ctx);
      const f = '' + (typeof v === 'string' ? v : '');
      if (f && !st.fonts[f] && st.nf < 1000) {
        st.fonts[f] = 1;
        st.nf++;
        if (reportAt(st.nf)) canvasReport(ctx.canvas, st, 'font', 0, 0);
      }
    });
    methodHook(proto, 'measureText', (ctx, args) => {
      const st = stateOf(ctx);
      st.mt++;
      const t = typeof args[0] === 'string' ? apply(strSlice, args[0], [0, 64]) : '';
      let n = st.same[t];
      if (n === undefined) { if (st.nsame >= 500) return; st.nsame++; n = 0; }
      st.same[t] = ++n;
      if (n > st.maxSame) st.maxSame = n;
      if (reportAt(st.mt)) canvasReport(ctx.canvas, st, 'measureText', 0, 0);
    });
    methodHook(proto, 'getImageData', (ctx, args) => {
      canvasReport(ctx.canvas, stateOf(ctx), 'getImageData', args[2] >>> 0, args[3] >>> 0);
    });
    for (const api of reads) {
      methodHook(CanvasC.prototype, api, (canvas) => {
        const st = stateOf(canvas);
        const [w, h] = sizeOf(canvas);
        canvasReport(canvas, st, api, w, h);
      });
    }
  }
  canvasHooks(G.CanvasRenderingContext2D, Canvas, ['toDataURL', 'toBlob']);
  canvasHooks(G.OffscreenCanvasRenderingContext2D, Offscreen, ['convertToBlob']);

  // ---- WebGL renderer -------------------------------------------------------------------
  const glSeen = O.create(null);
  for (const GL of [G.WebGLRenderingContext, G.WebGL2RenderingContext]) {
    if (!GL) continue;
    methodHook(GL.prototype, 'getParameter', (gl, args) => {
      const p = args[0];
      if (p !== 0x9245 && p !== 0x9246) return;
      const what = p === 0x9245 ? 'vendor' : 'renderer';
      const s = caller();
      if (glSeen[s + what]) return;
      glSeen[s + what] = 1;
      send('webgl', s, { p: what });
    });
  }

  // ---- WebRTC ---------------------------------------------------------------------------
  const pcState = new WM();
  function pcOf(pc) {
    let st = wget(pcState, pc);
    if (st === undefined) { st = { id: ++serial, dc: 0, offer: 0, ice: 0, media: 0, remote: 0 }; wset(pcState, pc, st); }
    return st;
  }
  function pcFlag(pc, flag) {
    const st = pcOf(pc);
    if (st[flag]) return;
    st[flag] = 1;
    send('webrtc', caller(), { id: st.id, dc: st.dc, offer: st.offer, ice: st.ice, media: st.media, remote: st.remote, on: flag });
  }
  if (RTC) {
    const pp = RTC.prototype;
    methodHook(pp, 'createDataChannel', (pc) => pcFlag(pc, 'dc'));
    methodHook(pp, 'createOffer', (pc) => pcFlag(pc, 'offer'));
    methodHook(pp, 'addTrack', (pc) => pcFlag(pc, 'media'));
    methodHook(pp, 'addTransceiver', (pc) => pcFlag(pc, 'media'));
    methodHook(pp, 'addStream', (pc) => pcFlag(pc, 'media'));
    methodHook(pp, 'setRemoteDescription', (pc) => pcFlag(pc, 'remote'));
    setterHook(pp, 'onicecandidate', (pc, v) => { if (typeof v === 'function') pcFlag(pc, 'ice'); });
  }

  // ---- audio ----------------------------------------------------------------------------
  const audioState = new WM();
  function audioOf(ac) {
    let st = wget(audioState, ac);
    if (st === undefined) { st = { id: ++serial, offline: instance(ac, Offline) ? 1 : 0, osc: 0, comp: 0, an: 0 }; wset(audioState, ac, st); }
    return st;
  }
  const Base = G.BaseAudioContext;
  if (Base) {
    methodHook(Base.prototype, 'createOscillator', (ac) => { audioOf(ac).osc++; });
    methodHook(Base.prototype, 'createDynamicsCompressor', (ac) => { audioOf(ac).comp++; });
    methodHook(Base.prototype, 'createAnalyser', (ac) => { audioOf(ac).an++; });
  }
  if (Offline) {
    methodHook(Offline.prototype, 'startRendering', (ac) => {
      const st = audioOf(ac);
      send('audio', caller(), { id: st.id, offline: st.offline, osc: st.osc, comp: st.comp, an: st.an });
    });
  }

  // ---- listeners and observers ----------------------------------------------------------
  const WATCHED = O.create(null);
  for (const t of ['keydown', 'keyup', 'keypress', 'input', 'beforeinput', 'change', 'paste',
    'mousemove', 'pointermove', 'touchmove', 'touchstart', 'devicemotion', 'deviceorientation']) WATCHED[t] = 1;
  const FIELDS = O.create(null);
  FIELDS.input = 1; FIELDS.textarea = 1; FIELDS.select = 1;
  // What a listener listens on: window, document, a field as the visitor's look names it
  // (`input#email[name=email]`), or another element's tag.
  function targetOf(x) {
    if (x === G) return 'window';
    if (instance(x, Doc)) return 'document';
    if (!instance(x, Elt)) return 'other';
    let tag = '';
    try { tag = apply(toLower, '' + apply(localNameGet, x, []), []); } catch (e) { return 'other'; }
    if (tag === 'html' || tag === 'body') return 'document';
    let editable = null;
    try { editable = apply(getAttr, x, ['contenteditable']); } catch (e) { /* none */ }
    if (!FIELDS[tag] && editable === null) return tag;
    let id = null, name = null;
    try { id = apply(getAttr, x, ['id']); name = apply(getAttr, x, ['name']); } catch (e) { /* none */ }
    return 'field:' + tag + (id ? '#' + id : '') + (name ? '[name=' + name + ']' : '');
  }
  const listenSeen = O.create(null);
  const listenTries = O.create(null);
  let listenSeenN = 0;
  // Whether a target's addEventListener is another script's wrapper of ours (set below).
  let wrappedFor = null;
  function listened(target, type, viaAdd) {
    if (typeof type !== 'string') return;
    if (instance(target, Canvas) || instance(target, Offscreen)) stateOf(target).lis = 1;
    if (type === 'icecandidate' && instance(target, RTC)) { pcFlag(target, 'ice'); return; }
    if (!WATCHED[type] || listenSeenN >= 500) return;
    const t = targetOf(target);
    // The stack is taken at most 20 times per event and target (a page adding a listener
    // to each of a thousand rows pays for 20).
    const tk = type + '|' + t;
    const tries = listenTries[tk] || 0;
    if (tries >= 20) return;
    listenTries[tk] = tries + 1;
    let s;
    try {
      wrapped = !!(viaAdd && wrappedFor && wrappedFor(target));
      s = caller();
    } finally { wrapped = false; }
    const key = s + '|' + tk;
    if (listenSeen[key]) return;
    listenSeen[key] = 1;
    listenSeenN++;
    send('listen', s, { e: type, t });
  }
  if (G.EventTarget) {
    const ET = G.EventTarget.prototype;
    const ours = methodHook(ET, 'addEventListener', (target, args) => listened(target, args[0], true));
    wrappedFor = (target) => {
      try {
        for (let o = target; o; o = getProto(o)) {
          const d = gopd(o, 'addEventListener');
          if (d) return d.value !== ours;
        }
      } catch (e) { /* an exotic target */ }
      return false;
    };
  }
  for (const type in WATCHED) {
    for (const obj of [G.HTMLElement && G.HTMLElement.prototype, Doc && Doc.prototype, G.Window && G]) {
      setterHook(obj, 'on' + type, (target, v) => { if (typeof v === 'function') listened(target, type); });
    }
  }
  if (RTC) {
    // onicecandidate is already hooked above; nothing more here.
  }
  if (G.MutationObserver) {
    methodHook(G.MutationObserver.prototype, 'observe', (mo, args) => {
      const t = targetOf(args[0]);
      if (t !== 'document') return;
      const o = args[1] || {};
      send('observe', caller(), { t, sub: o.subtree ? 1 : 0, child: o.childList ? 1 : 0, attr: (o.attributes || o.attributeFilter) ? 1 : 0, chr: o.characterData ? 1 : 0 });
    });
  }
})('__BINDING__');
