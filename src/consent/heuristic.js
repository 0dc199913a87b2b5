// pixelcensus banner heuristic, for banners no autoconsent rule knows: visible buttons of
// the top document whose whole text is one of the accept-all / reject-all phrases below
// (__PC_PHRASES__, lower case). arguments[0]: 'detect', 'accept' or 'reject'. Clicks only
// the one button the action names, never anything else. Returns
// { accept: n, reject: n, clicked: text|null, at: unix seconds|null, gone: bool|null }.
const action = arguments[0], done = arguments[arguments.length - 1];
const phrases = __PC_PHRASES__;
const norm = (t) => (t || '').normalize('NFKC').toLowerCase().replace(/[\s\u00a0]+/g, ' ')
  .replace(/^[\s"'«»“”„.,:;!?()\[\]✓✔×→>-]+|[\s"'«»“”„.,:;!?()\[\]✓✔×→>-]+$/g, '');
const visible = (el) => {
  const r = el.getBoundingClientRect();
  if (r.width < 2 || r.height < 2) return false;
  for (let e = el; e; e = e.parentElement) {
    const st = getComputedStyle(e);
    if (st.display === 'none' || st.visibility === 'hidden' || st.opacity === '0') return false;
  }
  return true;
};
const found = { accept: [], reject: [] };
const sel = 'button, [role=button], a, input[type=button], input[type=submit]';
for (const el of Array.from(document.querySelectorAll(sel)).slice(0, 2000)) {
  // A submit input inside a form would submit that form: never a candidate.
  if (el.tagName === 'INPUT' && el.type === 'submit' && el.form) continue;
  const text = norm(el.tagName === 'INPUT' ? el.value : (el.innerText || el.textContent || el.getAttribute('aria-label')));
  if (!text || text.length > 60) continue;
  for (const kind of ['accept', 'reject']) {
    if (phrases[kind].includes(text) && visible(el)) found[kind].push([el, text]);
  }
}
const out = { accept: found.accept.length, reject: found.reject.length, clicked: null, at: null, gone: null };
if (action !== 'accept' && action !== 'reject') { done(out); return; }
const target = found[action][0];
if (!target) { done(out); return; }
out.clicked = target[1];
out.at = Date.now() / 1000;
target[0].click();
// Success: the button went away (hidden or removed) within a second.
let tries = 0;
(function check() {
  const gone = !target[0].isConnected || !visible(target[0]);
  if (gone || ++tries >= 10) { out.gone = gone; done(out); } else setTimeout(check, 100);
})();
