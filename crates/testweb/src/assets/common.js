// Helpers shared by the test web's imitation pixels (inlined before each library).
var __pc = window.__pc || (window.__pc = {
  cookie: function (n) { var m = document.cookie.match('(?:^|; )' + n + '=([^;]*)'); return m ? decodeURIComponent(m[1]) : null; },
  setCookie: function (n, v) { document.cookie = n + '=' + encodeURIComponent(v) + '; path=/; max-age=33696000; SameSite=Lax'; },
  rand: function (n, chars) { chars = chars || '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; var s = ''; for (var i = 0; i < n; i++) s += chars[Math.floor(Math.random() * chars.length)]; return s; },
  digits: function (n) { return __pc.rand(n, '0123456789'); },
  sha256: async function (s) {
    var buf = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s));
    return Array.from(new Uint8Array(buf)).map(function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  },
  normEmail: function (v) { return v.trim().toLowerCase(); },
  normPhone: function (v) { var d = v.replace(/[^0-9]/g, ''); return d; },
  kind: function (el) {
    var hint = [el.name, el.id, el.placeholder, el.type].join(' ').toLowerCase();
    if (el.type === 'email' || /e-?mail/.test(hint)) return 'email';
    if (el.type === 'tel' || /phone|mobile/.test(hint)) return 'phone';
    return null;
  },
  query: function (name) { return new URLSearchParams(location.search).get(name); }
});
