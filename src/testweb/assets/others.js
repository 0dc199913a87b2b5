// Imitations of the other vendors' tags, written from shared/pixel-formats.md. The server
// appends `__pcVendor('<name>', '<id>')` for the loader URL that was requested.
function __pcVendor(name, id) {
  var page = location.href, ref = document.referrer;
  var enc = encodeURIComponent;
  function img(u) { new Image().src = u; }
  function onField(kind, fn) {
    document.addEventListener('change', function (e) { if (!kind || __pc.kind(e.target) === kind) fn(e.target); }, true);
  }
  var id6 = function (n) { var v = __pc.cookie(n); if (!v) { v = __pc.digits(10) + '.' + __pc.digits(10); __pc.setCookie(n, v); } return v; };
  if (name === 'x') {
    img('https://analytics.twitter.com/i/adsct?bci=3&eci=2&event_id=' + __pc.digits(8) + '&events=' + enc('[["pageview",{}]]') +
        '&p_id=Twitter&p_user_id=0&pl_id=' + __pc.digits(8) + '&tw_document_href=' + enc(page) + '&tw_iframe_status=0&txn_id=' + id + '&type=javascript&version=2.3.30');
  } else if (name === 'uet') {
    var vid = id6('_uetvid');
    img('https://bat.bing.com/action/0?ti=' + id + '&tm=gtm002&Ver=2&mid=' + __pc.digits(8) + '&sid=' + __pc.digits(8) + '&vid=' + vid +
        '&vids=1&evt=pageLoad&sv=1&p=' + enc(page) + '&r=' + enc(ref) + '&lt=812&sw=' + screen.width + '&sh=' + screen.height + '&lg=en-US&tl=' + enc(document.title));
  } else if (name === 'linkedin') {
    img('https://px.ads.linkedin.com/collect?v=2&fmt=js&pid=' + id + '&time=' + Date.now() + '&url=' + enc(page));
  } else if (name === 'pinterest') {
    var ad = JSON.stringify({ loc: page, ref: ref, if: false, sh: screen.height, sw: screen.width });
    img('https://ct.pinterest.com/v3/?event=init&ad=' + enc(ad) + '&cb=' + Date.now() + '&tid=' + id);
    onField('email', async function (el) {
      var pd = JSON.stringify({ em: await __pc.sha256(__pc.normEmail(el.value)), np: 'plain' });
      img('https://ct.pinterest.com/v3/?event=lead&ad=' + enc(ad) + '&tid=' + id + '&pd=' + enc(pd));
    });
  } else if (name === 'snap') {
    var send = function (ev, extra) {
      var p = new URLSearchParams({ pid: id, ev: ev, pl: page, ts: String(Date.now()) });
      for (var k in (extra || {})) p.set(k, extra[k]);
      fetch('https://tr.snapchat.com/p', { method: 'POST', body: p, mode: 'no-cors', keepalive: true });
    };
    send('PAGE_VIEW');
    onField('email', async function (el) { send('SIGN_UP', { u_hem: await __pc.sha256(__pc.normEmail(el.value)) }); });
  } else if (name === 'reddit') {
    img('https://alb.reddit.com/rp.gif?ts=' + Date.now() + '&id=' + id + '&event=PageVisit&m.itemCount=&uuid=' + id6('_rdt_uuid'));
  } else if (name === 'hotjar') {
    // Keystrokes of every field, base64-encoded, in a JSON body.
    fetch('https://in.hotjar.com/api/v2/client/sites/' + id + '/visit-data?sv=6', { method: 'POST', mode: 'no-cors', body: JSON.stringify({ page: page }) });
    onField(null, function (el) {
      fetch('https://in.hotjar.com/api/v2/client/sites/' + id + '/events', { method: 'POST', mode: 'no-cors', keepalive: true,
        headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ t: 'input', sel: el.name, v: btoa(unescape(encodeURIComponent(el.value))) }) });
    });
  } else if (name === 'clarity') {
    // Typed values URL-encoded twice inside a form field.
    onField(null, function (el) {
      fetch('https://k.clarity.ms/collect', { method: 'POST', mode: 'no-cors', keepalive: true,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'tag=' + id + '&d=' + enc(enc(el.value)) });
    });
  } else if (name === 'fullstory') {
    // MD5 is not in WebCrypto; FullStory's imitation sends the SHA-1 of the e-mail and plain text.
    onField(null, async function (el) {
      var v = el.value, out = { OrgId: id, field: el.name };
      if (__pc.kind(el) === 'email') {
        var buf = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(__pc.normEmail(v)));
        out.em = Array.from(new Uint8Array(buf)).map(function (b) { return b.toString(16).padStart(2, '0'); }).join('');
      } else { out.text = v; }
      fetch('https://rs.fullstory.com/rec/bundle?OrgId=' + id + '&UserId=' + __pc.digits(10), { method: 'POST', mode: 'no-cors', keepalive: true, body: JSON.stringify(out) });
    });
  } else if (name === 'gads') {
    img('https://googleads.g.doubleclick.net/pagead/viewthroughconversion/' + id.replace('AW-', '') + '/?random=' + Date.now() + '&cv=11&fst=' + Date.now() +
        '&url=' + enc(page) + '&ref=' + enc(ref) + '&tiba=' + enc(document.title));
  }
}
