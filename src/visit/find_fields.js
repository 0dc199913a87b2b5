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
