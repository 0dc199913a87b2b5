// Imitation of Google's gtag.js for GA4 (www.googletagmanager.com/gtag/js?id=G-…), written
// from shared/pixel-formats.md: /g/collect hits with v=2, tid, cid (from _ga), en, dl, dr, dt;
// a search results page sends view_search_results with ep.search_term in a batched POST.
(function () {
  var dl = window.dataLayer = window.dataLayer || [];
  var ga = __pc.cookie('_ga');
  if (!ga) { ga = 'GA1.1.' + __pc.digits(10) + '.' + Math.floor(Date.now() / 1000); __pc.setCookie('_ga', ga); }
  var cid = ga.split('.').slice(2).join('.'), sid = String(Math.floor(Date.now() / 1000)), s = 1;
  var tags = [];
  function base(tag, en) {
    var p = new URLSearchParams();
    p.set('v', '2'); p.set('tid', tag.id); p.set('gtm', '45je5bd0'); p.set('_p', __pc.digits(10));
    p.set('cid', cid); p.set('ul', navigator.language.toLowerCase()); p.set('sr', screen.width + 'x' + screen.height);
    p.set('sid', sid); p.set('sct', '1'); p.set('seg', '0'); p.set('_s', String(s++));
    p.set('dl', location.href); p.set('dr', document.referrer); p.set('dt', document.title);
    if (en) p.set('en', en);
    return p;
  }
  function endpoint(tag) { return (tag.transport_url || 'https://region1.google-analytics.com') + '/g/collect'; }
  function event(name, params) {
    tags.forEach(function (tag) {
      var p = base(tag, name);
      for (var k in (params || {})) p.set((typeof params[k] === 'number' ? 'epn.' : 'ep.') + k, params[k]);
      new Image().src = endpoint(tag) + '?' + p.toString();
    });
  }
  function handle(args) {
    if (args[0] === 'config') {
      var tag = { id: args[1], transport_url: (args[2] || {}).transport_url };
      tags.push(tag);
      new Image().src = endpoint(tag) + '?' + base(tag, 'page_view').toString();
      var q = __pc.query('q') || __pc.query('s');
      if (q) {
        // Several events batched in one POST body, one per line.
        var b = base(tag, null);
        var body = 'en=view_search_results&ep.search_term=' + encodeURIComponent(q) + '\r\nen=scroll&epn.percent_scrolled=90';
        fetch(endpoint(tag) + '?' + b.toString(), { method: 'POST', body: body, keepalive: true, mode: 'no-cors' });
      }
    } else if (args[0] === 'event') {
      event(args[1], args[2]);
    }
  }
  for (var i = 0; i < dl.length; i++) handle(dl[i]);
  dl.push = function (args) { Array.prototype.push.call(dl, args); handle(args); };
})();
