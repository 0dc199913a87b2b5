//! `device.test` (#40): a page that reports what a page and its dedicated worker can read of
//! the visitor's device, locale and time zone, so a test can hold every place a site could
//! compare (the headers of the page's and the worker's requests, `navigator`,
//! `userAgentData` with its high-entropy values, `Intl`, the screen, touch and media
//! queries) to one another and to the crawl's `--device`, `--locale` and `--timezone`.
//! Reports go to `collect.recorder-demo.test/v1/device-page` and `/v1/device-worker`. Like
//! sites that serve phones another tag stack, it sends a Meta Pixel ([`PHONE_PIXEL`]) only
//! from a touch phone.

/// The site.
pub const SITE: &str = "device.test";

/// The Meta Pixel ID the page sends only to phones.
pub const PHONE_PIXEL: &str = "7777000011112222";

/// The page's report path and the worker's.
pub const PAGE_REPORT: &str = "/v1/device-page";
/// See [`PAGE_REPORT`].
pub const WORKER_REPORT: &str = "/v1/device-worker";
/// Where the page reports how the visitor first touched or clicked it.
pub const TAP_REPORT: &str = "/v1/device-tap";
/// Where the page reports the geolocation permission's state, and the position when granted.
pub const GEO_REPORT: &str = "/v1/device-geo";

/// The probe's script (the page's `extra`).
pub const PAGE: &str = r#"<p>What this browser says about itself.</p>
<script>
(function () {
  var T = 'https://collect.recorder-demo.test';
  function mq(q) { return window.matchMedia(q).matches; }
  var d = navigator.userAgentData;
  var touched = false;
  document.addEventListener('touchstart', function () { touched = true; }, true);
  document.addEventListener('pointerup', function (e) {
    navigator.sendBeacon(T + '/v1/device-tap', JSON.stringify({ pointer_type: e.pointerType, touchstart: touched }));
  }, { capture: true, once: true });
  // The site's phone-only tag stack.
  if (d && d.mobile && mq('(pointer: coarse)')) {
    new Image().src = 'https://www.facebook.com/tr?id=7777000011112222&ev=PageView&noscript=1';
  }
  var facts = {
    ua: navigator.userAgent,
    platform: navigator.platform,
    language: navigator.language,
    languages: navigator.languages,
    intl_locale: Intl.DateTimeFormat().resolvedOptions().locale,
    time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    touch_points: navigator.maxTouchPoints,
    ontouchstart: 'ontouchstart' in window,
    screen: [screen.width, screen.height],
    inner_width: window.innerWidth,
    dpr: window.devicePixelRatio,
    pointer_coarse: mq('(pointer: coarse)'),
    hover_none: mq('(hover: none)'),
    ch_mobile: d ? d.mobile : null,
    ch_platform: d ? d.platform : null,
    brands: d ? d.brands.map(function (b) { return b.brand; }) : null
  };
  // The position, asked only when the permission is granted (an unanswered prompt would
  // never call back).
  navigator.permissions.query({ name: 'geolocation' }).then(function (st) {
    var send = function (g) { navigator.sendBeacon(T + '/v1/device-geo', JSON.stringify(g)); };
    if (st.state !== 'granted') { send({ state: st.state }); return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      send({ state: st.state, lat: p.coords.latitude, lon: p.coords.longitude, accuracy: p.coords.accuracy });
    }, function (e) { send({ state: st.state, error: e.code }); }, { timeout: 3000 });
  });
  var high = d ? d.getHighEntropyValues(['platformVersion', 'architecture', 'bitness', 'model', 'fullVersionList'])
               : Promise.resolve(null);
  high.then(function (h) {
    facts.high = h;
    navigator.sendBeacon(T + '/v1/device-page', JSON.stringify(facts));
  });
  var code = "var d = navigator.userAgentData; fetch('" + T + "/v1/device-worker', { method: 'POST', body: JSON.stringify({" +
    " ua: navigator.userAgent, platform: navigator.platform, languages: navigator.languages," +
    " time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone," +
    " intl_locale: Intl.DateTimeFormat().resolvedOptions().locale," +
    " ch_mobile: d ? d.mobile : null, ch_platform: d ? d.platform : null }) });";
  try { new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' }))); } catch (e) {}
})();
</script>"#;
