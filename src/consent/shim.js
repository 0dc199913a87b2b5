// pixelcensus consent shim: evaluated in every document (and frame) before the page's own
// scripts, ahead of DuckDuckGo's autoconsent bundle. It answers autoconsent's `init` from
// the rules embedded below (no round trip to the crawler), keeps what autoconsent reports in
// the top document's `window.__pcConsent` (frames forward theirs with postMessage), records
// the moment of autoconsent's first click, and runs the crawler's `optIn` / `optOut`
// command in whichever frame found the banner. The crawler fills in three placeholders
// (named in page_script(), never here, or the rules would land in this comment too): the
// config, the generic rules (a JSON string) and the site rules ([urlPattern, literals, rule
// JSON] triples: only the rules whose pattern matches this document's URL are parsed, and a
// pattern is compiled only when the URL contains one of its literals, or it has none).
(() => {
  if (window.__pcConsent) return;
  let isTop = false;
  try { isTop = window === window.top; } catch (e) { isTop = false; }
  const st = { events: [], cmp: null, popup: null, result: null, clickAt: null, reloaded: false, attempts: 0 };
  Object.defineProperty(window, '__pcConsent', { value: st, enumerable: false });
  // A page that reloads itself on the visitor's choice: the click's moment survives in the
  // tab's session storage (cleared with the rest of the site's storage after the visit).
  const KEY = '__pcConsentClickAt';
  if (isTop) {
    try {
      const saved = sessionStorage.getItem(KEY);
      if (saved) { st.clickAt = Number(saved); st.reloaded = true; }
    } catch (e) { /* storage blocked */ }
  }
  let running = false;   // autoconsent is opting in or out in this frame
  let ownPopup = false;  // this frame's autoconsent found the banner
  const now = () => Date.now() / 1000;
  function apply(m) {
    switch (m.type) {
      case 'cmpDetected': if (!st.cmp) st.cmp = m.cmp; break;
      case 'popupFound': if (!st.popup) st.popup = m.cmp; break;
      case 'optInResult': case 'optOutResult': if (!st.result) st.result = { type: m.type, ok: !!m.result, cmp: m.cmp }; break;
      case 'click':
        if (st.clickAt === null) {
          st.clickAt = m.t;
          try { sessionStorage.setItem(KEY, String(m.t)); } catch (e) { /* storage blocked */ }
        }
        return;
    }
    if (st.events.length < 50) st.events.push(m.type + (m.cmp ? ' ' + m.cmp : '') + (m.result !== undefined ? ' ' + m.result : '') + (m.top ? '' : ' (frame)'));
  }
  function note(m) {
    m.top = isTop;
    if (isTop) { apply(m); return; }
    try { window.top.postMessage({ __pcConsent: m }, '*'); } catch (e) { /* detached */ }
  }
  const config = __PC_CONFIG__;
  function rules() {
    const list = JSON.parse(__PC_GENERIC_RULES__);
    const site = __PC_SITE_RULES__;
    const href = location.href;
    for (let i = 0; i < site.length; i++) {
      const lits = site[i][1];
      if (lits.length && !lits.some((l) => href.includes(l))) continue;
      try { if (href.match(site[i][0])) list.push(JSON.parse(site[i][2])); } catch (e) { /* a pattern this engine rejects */ }
    }
    return { autoconsent: list };
  }
  window.autoconsentSendMessage = (msg) => {
    switch (msg.type) {
      case 'init':
        setTimeout(() => window.autoconsentReceiveMessage({ type: 'initResp', config: config, rules: rules() }), 0);
        return;
      case 'report': {
        const s = msg.state || {};
        running = s.lifecycle === 'runningOptIn' || s.lifecycle === 'runningOptOut';
        if (isTop) st.attempts = Math.max(st.attempts, s.findCmpAttempts || 0);
        return;
      }
      case 'popupFound': ownPopup = true; break;
      case 'eval': return; // rules evaluate in this (main) world: config.isMainWorld
    }
    note({ type: msg.type, cmp: msg.cmp, result: msg.result, t: now() });
  };
  // The moment of the choice: the first click autoconsent makes while opting in or out.
  const click = HTMLElement.prototype.click;
  HTMLElement.prototype.click = function () {
    if (running) note({ type: 'click', t: now() });
    return click.apply(this, arguments);
  };
  function command(type) {
    if (ownPopup && window.autoconsentReceiveMessage) window.autoconsentReceiveMessage({ type: type });
    for (let i = 0; i < window.frames.length; i++) {
      try { window.frames[i].postMessage({ __pcCommand: type }, '*'); } catch (e) { /* detached */ }
    }
  }
  window.addEventListener('message', (e) => {
    const d = e.data;
    if (!d || typeof d !== 'object') return;
    if (isTop && d.__pcConsent) apply(d.__pcConsent);
    if (!isTop && (d.__pcCommand === 'optIn' || d.__pcCommand === 'optOut')) command(d.__pcCommand);
  }, true);
  if (isTop) Object.defineProperty(window, '__pcConsentCommand', { value: command, enumerable: false });
})();
