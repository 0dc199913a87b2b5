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
    // The visit bundle (page, browser, the visitor ID kept in `_hjSessionUser_<site>` as
    // base64 JSON), then keystrokes of every field, base64-encoded, in a JSON body.
    var hjName = '_hjSessionUser_' + id, hj = __pc.cookie(hjName), hjUser;
    if (hj) { hjUser = JSON.parse(atob(hj)).id; } else {
      hjUser = __pc.rand(8, '0123456789abcdef') + '-' + __pc.rand(4, '0123456789abcdef') + '-5' + __pc.rand(3, '0123456789abcdef') + '-a' + __pc.rand(3, '0123456789abcdef') + '-' + __pc.rand(12, '0123456789abcdef');
      __pc.setCookie(hjName, btoa(JSON.stringify({ id: hjUser, created: Date.now(), existing: false })));
    }
    fetch('https://in.hotjar.com/api/v2/client/sites/' + id + '/visit-data?sv=6', { method: 'POST', mode: 'no-cors', body: JSON.stringify({
      page: page, r_value: 1, user_id: hjUser, window_width: innerWidth, window_height: innerHeight, resolution: screen.width + 'x' + screen.height,
      user_agent: navigator.userAgent, referrer: ref, title: document.title }) });
    onField(null, function (el) {
      fetch('https://in.hotjar.com/api/v2/client/sites/' + id + '/events', { method: 'POST', mode: 'no-cors', keepalive: true,
        headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ t: 'input', sel: el.name, v: btoa(unescape(encodeURIComponent(el.value))) }) });
    });
  } else if (name === 'clarity') {
    // The envelope (project, the `_clck` visitor ID, page, browser), then typed values
    // URL-encoded twice inside a form field.
    var ck = __pc.cookie('_clck'), cu;
    if (ck) { cu = ck.split('|')[0]; } else { cu = __pc.rand(6, 'abcdefghijklmnopqrstuvwxyz0123456789') + __pc.digits(3); __pc.setCookie('_clck', cu + '|2|fq1|0|1'); }
    fetch('https://k.clarity.ms/collect', { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ e: { v: '0.7.45', p: id, u: cu, s: __pc.rand(7, 'abcdefghijklmnopqrstuvwxyz0123456789'), url: page }, a: [[0, 4, { title: document.title, referrer: ref, ua: navigator.userAgent, screen: screen.width + 'x' + screen.height }]] }) });
    onField(null, function (el) {
      fetch('https://k.clarity.ms/collect', { method: 'POST', mode: 'no-cors', keepalive: true,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'tag=' + id + '&d=' + enc(enc(el.value)) });
    });
  } else if (name === 'fullstory') {
    // The page bundle (its `fs_uid` visitor, page, browser); then, MD5 not being in
    // WebCrypto, the SHA-1 of the e-mail and plain text.
    var fu = __pc.cookie('fs_uid'), fsUser;
    if (fu) { fsUser = fu.split('#')[2].split(':')[0]; } else { fsUser = __pc.digits(19); __pc.setCookie('fs_uid', '#' + id + '#' + fsUser + ':' + __pc.digits(19) + '/' + Math.floor(Date.now() / 1000)); }
    fetch('https://rs.fullstory.com/rec/page', { method: 'POST', mode: 'no-cors', body: JSON.stringify({ OrgId: id, UserId: fsUser, Url: page, Base: page,
      Referrer: ref, Title: document.title, UserAgent: navigator.userAgent, ScreenWidth: screen.width, ScreenHeight: screen.height, Screen: screen.width + 'x' + screen.height }) });
    onField(null, async function (el) {
      var v = el.value, out = { OrgId: id, field: el.name };
      if (__pc.kind(el) === 'email') {
        var buf = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(__pc.normEmail(v)));
        out.em = Array.from(new Uint8Array(buf)).map(function (b) { return b.toString(16).padStart(2, '0'); }).join('');
      } else { out.text = v; }
      fetch('https://rs.fullstory.com/rec/bundle?OrgId=' + id + '&UserId=' + __pc.digits(10), { method: 'POST', mode: 'no-cors', keepalive: true, body: JSON.stringify(out) });
    });
  } else if (name === 'criteo') {
    // OneTag: events packed in p0, p1, …; setEmail sends the SHA-256 of the e-mail.
    var ev = function (list) {
      var q = 'a=' + id + '&v=5.23.0';
      list.forEach(function (e, i) { q += '&p' + i + '=' + enc(e); });
      img('https://sslwidget.criteo.com/event?' + q + '&adce=1&tld=' + location.hostname + '&dtycbr=' + __pc.digits(5));
    };
    ev(['e=exd&site_type=d', 'e=vh', 'e=dis']);
    onField('email', async function (el) { ev(['e=ce&m=' + enc('[' + await __pc.sha256(__pc.normEmail(el.value)) + ']')]); });
  } else if (name === 'floodlight') {
    var au = __pc.cookie('_gcl_au');
    if (!au) { au = '1.1.' + __pc.digits(9) + '.' + Math.floor(Date.now() / 1000); __pc.setCookie('_gcl_au', au); }
    var src = id.replace('DC-', '');
    img('https://' + src + '.fls.doubleclick.net/activityi;src=' + src + ';type=sales0;cat=landi0;ord=' + __pc.digits(13) +
        ';gtm=2ou430;auiddc=' + au.split('.').slice(2).join('.') + ';~oref=' + enc(page) + '?');
  } else if (name === 'amazon') {
    img('https://s.amazon-adsystem.com/iu3?pid=' + id + '&event=PageView&gtmVersion=3.4&ts=' + Date.now());
  } else if (name === 'tradedesk') {
    var parts = id.split(':');
    img('https://insight.adsrvr.org/track/up?adv=' + parts[0] + '&ref=' + enc(page) + '&upid=' + parts[1] + '&upv=1.1.0');
  } else if (name === 'taboola') {
    img('https://trc.taboola.com/' + id + '/log/3/unip?en=page_view&tim=' + Date.now() + '&item-url=' + enc(page) + '&ref=' + enc(ref) + '&cv=20260101-1-RELEASE');
  } else if (name === 'outbrain') {
    img('https://tr.outbrain.com/unifiedPixel?marketerId=' + id + '&obApiVersion=1.1&obtpVersion=1.5.2&name=PAGE_VIEW&dl=' + enc(page) + '&optOut=false&bust=' + __pc.digits(16));
  } else if (name === 'quora') {
    img('https://q.quora.com/_/ad/' + id + '/pixel?tag=ViewContent&i=gtm&u=' + enc(page));
  } else if (name === 'yahoo') {
    img('https://sp.analytics.yahoo.com/sp.pl?a=10000&d=' + enc(new Date().toUTCString()) + '&n=0&b=' + enc(document.title) + '&.yp=' + id +
        '&f=' + enc(page) + '&e=' + enc(ref) + '&enc=UTF-8&yv=1.16.6&et=custom&tagmgr=gtm');
  } else if (name === 'adobe') {
    // AppMeasurement: the report suite in the path, the Experience Cloud ID from AMCV.
    var mid = __pc.cookie('s_ecid');
    if (!mid) { mid = 'MCMID|' + __pc.digits(38); __pc.setCookie('s_ecid', mid); }
    var q = 'AQB=1&ndh=1&pf=1&t=' + enc(new Date().toString()) + '&mid=' + mid.split('|')[1] + '&ce=UTF-8&pageName=' + enc(document.title) +
        '&g=' + enc(page) + '&r=' + enc(ref) + '&s=' + screen.width + 'x' + screen.height + '&c=24&j=1.6&v=N&k=Y&bw=' + innerWidth + '&bh=' + innerHeight + '&AQE=1';
    img('https://shopco.sc.omtrdc.net/b/ss/' + id + '/1/JS-2.22.0/s' + __pc.digits(14) + '?' + q);
  } else if (name === 'matomo') {
    var pk = __pc.cookie('_pk_id.1');
    if (!pk) { pk = __pc.rand(16, '0123456789abcdef') + '.' + Math.floor(Date.now() / 1000); __pc.setCookie('_pk_id.1', pk); }
    img('https://shopco.matomo.cloud/matomo.php?action_name=' + enc(document.title) + '&idsite=' + id + '&rec=1&r=' + __pc.digits(6) +
        '&url=' + enc(page) + '&urlref=' + enc(ref) + '&_id=' + pk.split('.')[0] + '&res=' + screen.width + 'x' + screen.height + '&send_image=1&pv_id=' + __pc.rand(6));
    var sq = __pc.query('q');
    if (sq) img('https://shopco.matomo.cloud/matomo.php?search=' + enc(sq) + '&idsite=' + id + '&rec=1&url=' + enc(page) + '&_id=' + pk.split('.')[0]);
  } else if (name === 'parsely') {
    var pid = __pc.cookie('_parsely_visitor');
    if (!pid) { pid = JSON.stringify({id: 'pid=' + __pc.rand(32, '0123456789abcdef'), session_count: 1}); __pc.setCookie('_parsely_visitor', pid); }
    img('https://p1.parsely.com/px/?rand=' + Date.now() + '&idsite=' + id + '&url=' + enc(page) + '&urlref=' + enc(ref) +
        '&screen=' + screen.width + 'x' + screen.height + '%7C' + screen.availWidth + 'x' + screen.availHeight + '%7C24&action=pageview&u=' + enc(JSON.parse(pid).id));
  } else if (name === 'comscore') {
    img('https://sb.scorecardresearch.com/b?c1=2&c2=' + id + '&cs_ucfr=1&ns__t=' + Date.now() + '&ns_c=UTF-8&c7=' + enc(page) + '&c8=' + enc(document.title) + '&c9=' + enc(ref));
  } else if (name === 'segment') {
    var aid = __pc.cookie('ajs_anonymous_id');
    if (!aid) { aid = __pc.rand(8, 'abcdef0123456789') + '-' + __pc.rand(4, 'abcdef0123456789') + '-4' + __pc.rand(3, 'abcdef0123456789') + '-8' + __pc.rand(3, 'abcdef0123456789') + '-' + __pc.rand(12, 'abcdef0123456789'); __pc.setCookie('ajs_anonymous_id', aid); }
    var call = function (type, extra) {
      var b = { anonymousId: aid, context: { page: { path: location.pathname, referrer: ref, search: location.search, title: document.title, url: page },
        userAgent: navigator.userAgent, locale: navigator.language, library: { name: 'analytics.js', version: 'next-1.70.0' } },
        messageId: 'ajs-next-' + __pc.rand(32, '0123456789abcdef'), timestamp: new Date().toISOString(), type: type, writeKey: id, sentAt: new Date().toISOString() };
      for (var k in extra) b[k] = extra[k];
      fetch('https://api.segment.io/v1/' + type.charAt(0), { method: 'POST', mode: 'no-cors', keepalive: true, headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(b) });
    };
    call('page', { properties: { url: page, title: document.title } });
    onField('email', function (el) { call('identify', { traits: { email: el.value } }); });
  } else if (name === 'marketo') {
    var tk = __pc.cookie('_mkto_trk');
    if (!tk) { tk = 'id:' + id + '&token:_mch-' + location.hostname + '-' + Date.now() + '-' + __pc.digits(5); __pc.setCookie('_mkto_trk', tk); }
    var u = new URL(page);
    fetch('https://' + id.toLowerCase() + '.mktoresp.com/webevents/visitWebPage?_mchNc=' + Date.now() + '&_mchCn=&_mchId=' + id + '&_mchTk=' + enc(tk.split('token:')[1]) +
        '&_mchHo=' + u.hostname + '&_mchPo=&_mchRu=' + enc(u.pathname) + '&_mchPc=https%3A&_mchVr=164&_mchEcid=&_mchHa=&_mchRe=' + enc(ref) + '&_mchQp=', { method: 'POST', mode: 'no-cors' });
  } else if (name === 'leadfeeder') {
    var lf = __pc.cookie('_lfa');
    if (!lf) { lf = 'LF1.1.' + __pc.rand(16, '0123456789abcdef') + '.' + Date.now(); __pc.setCookie('_lfa', lf); }
    var lfEvent = function (type, props) {
      var e = { gaTrackingIds: [], gaClientIds: [], context: { library: { name: 'lftracker', version: '2.71.0' }, pageUrl: page, pageTitle: document.title, referrer: ref },
        event: type, clientEventId: __pc.rand(8), clientTimestamp: new Date().toISOString(), clientTimezone: 0, scriptId: id, cookiesEnabled: true,
        anonymizeIp: false, lfClientId: lf, foreignCookies: [], properties: props || {} };
      img('https://tr.lfeeder.com/?sid=' + enc(id) + '&data=' + btoa(unescape(encodeURIComponent(JSON.stringify(e)))));
    };
    lfEvent('tracking-event');
    onField('email', function (el) { lfEvent('identify', { email: el.value }); });
  } else if (name === 'liveramp') {
    onField('email', async function (el) {
      fetch('https://api.rlcdn.com/api/identity/envelope?pid=' + id + '&it=4&iv=' + await __pc.sha256(__pc.normEmail(el.value)), { mode: 'no-cors', credentials: 'include' });
    });
  } else if (name === 'gads') {
    img('https://googleads.g.doubleclick.net/pagead/viewthroughconversion/' + id.replace('AW-', '') + '/?random=' + Date.now() + '&cv=11&fst=' + Date.now() +
        '&url=' + enc(page) + '&ref=' + enc(ref) + '&tiba=' + enc(document.title));
  }
}
