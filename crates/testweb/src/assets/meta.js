// Imitation of the Meta pixel library (connect.facebook.net/en_US/fbevents.js), written from
// shared/pixel-formats.md: image GETs to www.facebook.com/tr/, urlencoded POSTs
// (rqm=formPOST) carrying automatic advanced matching (udff[em], udff[ph], es=automatic).
(function () {
  var queue = (window.fbq && window.fbq.queue) || [];
  var pixels = [], ec = 0, it = Date.now(), udff = {};
  var fbp = __pc.cookie('_fbp');
  if (!fbp) { fbp = 'fb.1.' + Date.now() + '.' + __pc.digits(10); __pc.setCookie('_fbp', fbp); }
  function params(id, ev, cd) {
    var p = new URLSearchParams();
    p.set('id', id); p.set('ev', ev); p.set('dl', location.href); p.set('rl', document.referrer);
    p.set('if', String(window.top !== window)); p.set('ts', String(Date.now()));
    p.set('sw', String(screen.width)); p.set('sh', String(screen.height));
    p.set('v', '2.9.200'); p.set('r', 'stable'); p.set('ec', String(ec++)); p.set('o', '4126');
    p.set('fbp', fbp); p.set('it', String(it)); p.set('coo', 'false');
    for (var k in (cd || {})) p.set('cd[' + k + ']', cd[k]);
    for (var u in udff) { p.set('udff[' + u + ']', udff[u]); p.set('es', 'automatic'); }
    return p;
  }
  function fire(ev, cd) {
    pixels.forEach(function (id) { new Image().src = 'https://www.facebook.com/tr/?' + params(id, ev, cd).toString(); });
  }
  function fbq(cmd, a, b) {
    if (cmd === 'init') {
      if (pixels.indexOf(a) >= 0) return;
      pixels.push(a);
      var s = document.createElement('script');
      s.src = 'https://connect.facebook.net/signals/config/' + a + '?v=2.9.200&r=stable';
      document.head.appendChild(s);
    } else if (cmd === 'track' || cmd === 'trackCustom') {
      fire(a, b);
    }
  }
  document.addEventListener('change', async function (e) {
    var el = e.target, kind = __pc.kind(el);
    if (!kind) return;
    if (kind === 'email') udff.em = await __pc.sha256(__pc.normEmail(el.value));
    if (kind === 'phone') udff.ph = await __pc.sha256(__pc.normPhone(el.value));
    pixels.forEach(function (id) {
      var p = params(id, 'Lead', {}); p.set('rqm', 'formPOST');
      fetch('https://www.facebook.com/tr/', { method: 'POST', mode: 'no-cors', body: p, keepalive: true, credentials: 'include' });
    });
  }, true);
  window.fbq = fbq; fbq.loaded = true;
  queue.forEach(function (c) { fbq.apply(null, c); });
})();
