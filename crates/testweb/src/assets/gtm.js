// Imitation of a Google Tag Manager container (gtm.js?id=GTM-…): at run time it inserts
// other vendors' pixels, which only a real browser can see.
(function () {
  function script(src) { var s = document.createElement('script'); s.async = true; s.src = src; document.head.appendChild(s); }
  // GA4
  window.dataLayer = window.dataLayer || [];
  window.gtag = window.gtag || function () { dataLayer.push(arguments); };
  gtag('js', new Date()); gtag('config', '__GA4__');
  script('https://www.googletagmanager.com/gtag/js?id=__GA4__');
  // TikTok
  window.ttq = window.ttq || [];
  ['page', 'track', 'identify'].forEach(function (m) { ttq[m] = ttq[m] || function () { ttq.push([m].concat([].slice.call(arguments))); }; });
  ttq.push(['load', '__TIKTOK__']); ttq.page();
  script('https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=__TIKTOK__&lib=ttq');
  // Meta, with the partner agent GTM sets
  window.fbq = window.fbq || function () { fbq.queue.push([].slice.call(arguments)); };
  fbq.queue = fbq.queue || [];
  fbq('init', '__META__'); fbq('track', 'PageView');
  script('https://connect.facebook.net/en_US/fbevents.js');
})();
