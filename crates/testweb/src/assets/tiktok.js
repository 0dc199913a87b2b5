// Imitation of the TikTok pixel library (events.js?sdkid=<CODE>&lib=ttq), written from
// shared/pixel-formats.md: JSON events to /api/v2/pixel, auto-collected interactions to
// /api/v2/pixel/act as text/plain beacons, SHA-256 advanced matching in context.user.
(function () {
  var ttq = window.ttq = window.ttq || [];
  var api = 'https://analytics.tiktok.com/api/v2/pixel';
  var ttp = __pc.cookie('_ttp');
  if (!ttp) { ttp = '01' + __pc.rand(24) + '_.tt.1'; __pc.setCookie('_ttp', ttp); __pc.setCookie('_tt_enable_cookie', '1'); }
  var user = { anonymous_id: ttp };
  var codes = [], index = 0, session = 'sid_' + __pc.digits(13), pageview = 'pv_' + __pc.digits(13);
  function body(code, ev, props, extra) {
    var b = {
      event: ev, message_id: 'messageId-' + __pc.digits(12), event_id: '', is_onsite: false,
      timestamp: new Date().toISOString(), properties: props || {},
      context: {
        ad: { sdk_env: 'external', jsb_status: 2 }, user: user,
        pixel: { code: code, runtime: '1', codes: codes.join('|') },
        page: { url: location.href, referrer: document.referrer },
        library: { name: 'pixel.js', version: '2.1.33' }, device: { platform: 'pc' },
        session_id: session, pageview_id: pageview, userAgent: navigator.userAgent, index: index++
      }
    };
    for (var k in (extra || {})) b[k] = extra[k];
    return JSON.stringify(b);
  }
  function send(ev, props) {
    codes.forEach(function (code) {
      fetch(api, { method: 'POST', body: body(code, ev, props), keepalive: true, credentials: 'include', headers: { 'Content-Type': 'text/plain;charset=UTF-8' } });
    });
  }
  var api_ = {
    load: function (code) { if (codes.indexOf(code) < 0) codes.push(code); },
    page: function () { send('Pageview'); },
    track: function (ev, props) { send(ev, props); },
    identify: async function (u) {
      if (u.email) user.email = await __pc.sha256(__pc.normEmail(u.email));
      if (u.phone_number) user.phone_number = await __pc.sha256('+' + __pc.normPhone(u.phone_number));
    }
  };
  // Automatic advanced matching and auto-collected form interactions.
  document.addEventListener('change', async function (e) {
    var el = e.target, kind = __pc.kind(el);
    if (kind === 'email') await api_.identify({ email: el.value });
    if (kind === 'phone') await api_.identify({ phone_number: el.value });
    codes.forEach(function (code) {
      navigator.sendBeacon(api + '/act', body(code, 'InputChange', {}, {
        action: 'Change',
        auto_collected_properties: { trigger_element: { tag: el.tagName, attributes: { name: el.name, type: el.type }, inner_text: '', xpath: '', position: {} } }
      }));
    });
  }, true);
  var queued = ttq.slice ? ttq.slice() : [];
  window.ttq = Object.assign(function () {}, api_);
  queued.forEach(function (c) { if (api_[c[0]]) api_[c[0]].apply(null, c.slice(1)); });
})();
