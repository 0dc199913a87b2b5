//! Pages that send as they are left: every transport a page has (image, fetch, fetch with
//! `keepalive`, `sendBeacon` with text, a Blob or FormData holding a Blob, bytes, XHR, a
//! dedicated worker's fetch, a large body) from each of
//! `pagehide`, `visibilitychange`, `beforeunload`, `unload` and `freeze`, on a site per way a
//! visit leaves a page: the visitor's search (Enter), the internal links it follows, the page
//! navigating itself (an `<a ping>` link clicked by the page's own script, then a form it
//! posts itself), the consent click that reloads the page, and the visit's end. Every
//! request names its site, page path, handler and transport in its query, so a test can hold
//! the store to the server's log and each request to the page that sent it.

use super::{Body, respond};
use hyper::Response;

/// Where every probe request goes.
pub const COLLECTOR: &str = "collect.leave-probe.test";

/// How each site's pages are left.
pub const SITES: &[(&str, &str)] = &[
    (
        "leave-search.test",
        "the visitor's search (Enter) navigates to /search",
    ),
    ("leave-link.test", "the visitor follows internal links"),
    (
        "leave-self.test",
        "the page clicks its own <a ping> link, then posts its own form",
    ),
    (
        "leave-consent.test",
        "the consent click reloads the page (crawl with --consent accept)",
    ),
];

/// True for a host of this module.
pub fn serves(host: &str) -> bool {
    host == COLLECTOR || SITES.iter().any(|(h, _)| *h == host)
}

/// The script on every page: `send(handler)` fires every transport; the handlers are
/// registered for every way a document can be left.
const PROBE_JS: &str = r#"<script>
(function () {
  var C = 'https://collect.leave-probe.test/b?site=' + location.hostname + '&p=' + encodeURIComponent(location.pathname);
  var worker = null;
  try { worker = new Worker('/leave-worker.js'); } catch (e) {}
  function body(t, h) {
    var head = t + '|' + h + '|' + location.pathname + '|';
    return t === 'big' ? head + 'b'.repeat(100 * 1024) : head;
  }
  function send(h) {
    var u = function (t) { return C + '&h=' + h + '&t=' + t; };
    try { new Image().src = u('img'); } catch (e) {}
    try { fetch(u('fetch'), {method: 'POST', body: body('fetch', h), mode: 'no-cors'}); } catch (e) {}
    try { fetch(u('fetchka'), {method: 'POST', body: body('fetchka', h), mode: 'no-cors', keepalive: true}); } catch (e) {}
    try { navigator.sendBeacon(u('beacon'), body('beacon', h)); } catch (e) {}
    // Bodies the page's Network events only flag: a Blob, FormData with a Blob part, bytes.
    try { navigator.sendBeacon(u('blob'), new Blob([body('blob', h)], {type: 'text/plain'})); } catch (e) {}
    try { var fd = new FormData(); fd.append('segment', new Blob([body('fd', h)]), 'segment'); fd.append('event', h); navigator.sendBeacon(u('fd'), fd); } catch (e) {}
    try { fetch(u('bytes'), {method: 'POST', body: new TextEncoder().encode(body('bytes', h)), mode: 'no-cors', keepalive: true}); } catch (e) {}
    try { var x = new XMLHttpRequest(); x.open('POST', u('xhr')); x.send(body('xhr', h)); } catch (e) {}
    try { if (worker) worker.postMessage({url: u('worker'), body: body('worker', h)}); } catch (e) {}
    if (h === 'pagehide' || h === 'load') {
      try { fetch(u('big'), {method: 'POST', body: body('big', h), mode: 'no-cors'}); } catch (e) {}
    }
  }
  addEventListener('load', function () { send('load'); });
  addEventListener('pagehide', function () { send('pagehide'); });
  addEventListener('beforeunload', function () { send('beforeunload'); });
  addEventListener('unload', function () { send('unload'); });
  document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'hidden') send('visibilitychange'); });
  document.addEventListener('freeze', function () { send('freeze'); });
})();
</script>"#;

/// The dedicated worker: it sends what the page hands it.
const WORKER_JS: &str = r#"self.onmessage = function (e) {
  fetch(e.data.url, {method: 'POST', body: e.data.body, mode: 'no-cors', keepalive: true});
};"#;

/// A search form (a `role=search` form, as the visitor needs to search).
const SEARCH_FORM: &str = r#"<form action="/search" role="search"><input type="search" name="q" aria-label="Search"></form>"#;

/// Links to the internal pages.
const LINKS: &str = r#"<nav><a href="/news">News</a> <a href="/about">About us</a> <a href="/shop/lamps">Lamps</a></nav>"#;

/// The page clicks its own `<a ping>` link shortly after load.
const SELF_PING: &str = r#"<a id="go" href="/next" ping="https://collect.leave-probe.test/ping?site=leave-self.test&p=%2F&t=ping">Next</a>
<script>setTimeout(function () { document.getElementById('go').click(); }, 300);</script>"#;

/// The page posts its own form shortly after load.
const SELF_POST: &str = r#"<form id="f" method="post" action="/posted"><input type="hidden" name="note" value="self-posted"></form>
<script>setTimeout(function () { document.getElementById('f').submit(); }, 300);</script>"#;

/// A Didomi-style notice (autoconsent's `didomi` rule) whose choice reloads the page.
const RELOADING_BANNER: &str = r#"<div id="didomi-host"><div id="didomi-notice" class="didomi-notice-banner" style="position:fixed;bottom:0;left:0;right:0;background:#f4f4f4;padding:1em;z-index:1000">
<p>With your agreement, we and our partners use cookies or similar technologies.</p>
<button id="didomi-notice-disagree-button">Disagree and close</button> <button id="didomi-notice-agree-button">Agree and close</button>
</div></div>
<script>
(function () {
  var host = document.getElementById('didomi-host');
  if (/(?:^|; )didomi_token=/.test(document.cookie)) { host.innerHTML = ''; return; }
  function choose(v) { document.cookie = 'didomi_token=' + v + '; path=/'; location.reload(); }
  document.getElementById('didomi-notice-agree-button').addEventListener('click', function () { choose('all'); });
  document.getElementById('didomi-notice-disagree-button').addEventListener('click', function () { choose('none'); });
})();
</script>"#;

fn page(host: &str, path: &str, extra: &str) -> Response<Body> {
    let html = format!(
        "<!doctype html><html><head><meta charset=utf-8><title>{host} {path}</title></head><body>\n<h1>{host}</h1><p>Page {path}</p>\n{extra}\n{PROBE_JS}\n<p style=\"height:2400px\">Story text.</p></body></html>"
    );
    respond(200, "text/html; charset=utf-8", html)
}

/// Answers a request to one of this module's hosts; `None` for any other host.
pub fn route(host: &str, path: &str) -> Option<Response<Body>> {
    if host == COLLECTOR {
        return Some(respond(204, "text/plain", ""));
    }
    if !serves(host) {
        return None;
    }
    if path == "/leave-worker.js" {
        return Some(respond(200, "application/javascript", WORKER_JS));
    }
    if path == "/favicon.ico" {
        return Some(respond(404, "text/plain", "no favicon"));
    }
    let extra = match (host, path) {
        ("leave-search.test", "/") => SEARCH_FORM,
        ("leave-link.test", "/") => LINKS,
        ("leave-self.test", "/") => SELF_PING,
        ("leave-self.test", "/next") => SELF_POST,
        ("leave-consent.test", "/") => RELOADING_BANNER,
        _ => "",
    };
    Some(page(host, path, extra))
}
