//! Bot walls: challenge and block pages as each vendor serves them (the markers pixelcensus
//! recognises, modelled on captured pages and the vendors' docs; the sources are listed in
//! `collect/page.rs`), one that clears by itself (a JavaScript check that reloads into the
//! site, as Cloudflare's managed challenge does) and ones that stay. The sites are in
//! [`super::sites::SITES`] at rank 0; `tests/e2e/walls.rs` crawls them.

use crate::kinds::WallKind;

/// The query a cleared challenge reloads with (Cloudflare appends `__cf_chl_rt_tk`).
pub const CLEARED: &str = "__cf_chl_rt_tk=";

/// Each wall site, the wall a crawl must record (`None`: it clears), and the wall it must note
/// as shown first.
pub const WALLS: &[(&str, Option<WallKind>, Option<WallKind>)] = &[
    ("wall-cloudflare.test", Some(WallKind::Cloudflare), None),
    ("wall-clears.test", None, Some(WallKind::Cloudflare)),
    ("wall-datadome.test", Some(WallKind::Datadome), None),
    ("wall-perimeterx.test", Some(WallKind::Perimeterx), None),
    ("wall-akamai.test", Some(WallKind::Akamai), None),
    ("wall-imperva.test", Some(WallKind::Imperva), None),
    ("wall-captcha.test", Some(WallKind::Captcha), None),
];

/// The wall page of `kind` on `host`; `clears`: it reloads into the site after 1.5 s.
pub fn page(kind: WallKind, host: &str, clears: bool) -> String {
    let reload = if clears {
        format!(
            "<script>setTimeout(function(){{location.replace('/?{CLEARED}demo')}},1500)</script>"
        )
    } else {
        String::new()
    };
    match kind {
        WallKind::Cloudflare => format!(
            r#"<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta name="robots" content="noindex,nofollow"><meta http-equiv="refresh" content="360"></head>
<body class="no-js"><div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title h1">{host}</h1><h2 id="challenge-running" class="h2">Checking if the site connection is secure</h2>
<noscript><div id="challenge-error-title">Enable JavaScript and cookies to continue</div></noscript>
<form id="challenge-form" action="/?__cf_chl_f_tk=demoToken-0-gaNy" method="POST" enctype="application/x-www-form-urlencoded"><input type="hidden" name="md" value="demo-md"></form>
</div></div>
<script>(function(){{window._cf_chl_opt={{cvId:'2',cType:'managed',cNounce:'16983',cRay:'7d93c9fdfd5c87b4'}};
var s=document.createElement('script');s.src='/cdn-cgi/challenge-platform/h/g/orchestrate/managed/v1?ray=7d93c9fdfd5c87b4';document.head.appendChild(s);}})();</script>
{reload}</body></html>"#
        ),
        WallKind::Datadome => format!(
            r#"<html lang="en"><head><title>{host}</title><style>#cmsg{{animation: A 1.5s;}}</style></head>
<body style="margin:0"><p id="cmsg">Please enable JS and disable any ad blocker</p>
<script data-cfasync="false">var dd={{'rt':'c','cid':'AHrlqAAAAAMAdemo','hsh':'2211F522B61E269B869FA6EAFFB5E1','t':'fe','s':17434,'e':'demo','host':'geo.captcha-delivery.com'}}</script>
<iframe src="https://geo.captcha-delivery.com/captcha/?initialCid=AHrlqAAAAAMAdemo&amp;hash=2211F522B61E269B869FA6EAFFB5E1&amp;t=fe&amp;referer=https%3A%2F%2F{host}%2F" title="DataDome CAPTCHA" width="100%" height="100%" style="height:100vh;" frameborder="0"></iframe>
{reload}</body></html>"#
        ),
        WallKind::Perimeterx => format!(
            r#"<!DOCTYPE html><html lang="en"><head><title>Access to this page has been denied</title></head>
<body><div class="container"><h1>Before we continue...</h1><p>Press &amp; Hold to confirm you are a human (and not a bot).</p>
<div id="px-captcha"></div><p>Reference ID 0d4a5f43-demo</p></div>
<script>window._pxAppId='PXdemo1234';window._pxJsClientSrc='/demo1234/init.js';window._pxFirstPartyEnabled=true;window._pxHostUrl='/demo1234/xhr';</script>
<script src="https://captcha.px-cdn.net/PXdemo1234/captcha.js?a=c&amp;m=0"></script>
{reload}</body></html>"#
        ),
        WallKind::Akamai => format!(
            r#"<!DOCTYPE html><html><head><title>{host}</title>
<script src="/_sec/cp_challenge/sec-cpt-4-3.js" async defer></script></head>
<body><div id="sec-container"><div id="sec-text-container"><iframe id="sec-text-if" class="custmsg" src="/_sec/cp_challenge/abc-challenge-4-3.htm"></iframe></div>
<div id="sec-if-container"><iframe id="sec-if-cpt" class="crypto" title="Challenge" src="/_sec/cp_challenge/ak-challenge-4-3.htm" sandbox="allow-scripts allow-same-origin"></iframe></div></div>
{reload}</body></html>"#
        ),
        WallKind::Imperva => format!(
            r#"<html style="height:100%"><head><META NAME="ROBOTS" CONTENT="NOINDEX, NOFOLLOW"><meta name="format-detection" content="telephone=no"></head>
<body style="margin:0px;height:100%"><iframe id="main-iframe" src="/_Incapsula_Resource?CWUDNSAI=23&amp;xinfo=8-12345-0%200NNN%20RT(1700000000000%200)&amp;incident_id=1234000000000-5678&amp;edet=15&amp;cinfo=04000000&amp;rpinfo=0" frameborder=0 width="100%" height="100%" marginheight="0px" marginwidth="0px">Request unsuccessful. Incapsula incident ID: 1234000000000-5678</iframe>
{reload}</body></html>"#
        ),
        WallKind::Captcha => format!(
            r#"<!DOCTYPE html><html lang="en"><head><title>Security check</title></head>
<body><h1>One more step</h1><p>Please complete the security check to access {host}.</p>
<iframe src="https://newassets.hcaptcha.com/captcha/v1/demo/static/hcaptcha.html#frame=checkbox&amp;sitekey=demo" title="hCaptcha security challenge" width="304" height="78" frameborder="0"></iframe>
{reload}</body></html>"#
        ),
    }
}

/// A page that reports what it sees of the browser (`navigator.webdriver`, the User-Agent and
/// its client-hint brands, languages, window size) to the test web, so a test can check that
/// the visitor does not announce itself as a robot; and every key and input event of its one
/// field, as a keystroke recorder sees them (type, key, code, key code, Shift, trusted), sent
/// with the field's value when it changes, so a test can check the visitor types as a
/// keyboard does.
pub const PROBE: &str = r#"<form id="probe" action="/never-submit?form=probe" method="post">
<label>Email <input type="email" name="email" id="probe-email"></label></form>
<script>
(function () {
  var log = [];
  ['keydown', 'keypress', 'beforeinput', 'input', 'keyup'].forEach(function (t) {
    document.addEventListener(t, function (e) {
      if (log.length >= 600) return;
      log.push(e.type.indexOf('input') >= 0
        ? [e.type, e.inputType, e.data, e.isTrusted]
        : [e.type, e.key, e.code, e.keyCode, e.shiftKey, e.isTrusted]);
    }, true);
  });
  document.addEventListener('change', function (e) {
    navigator.sendBeacon('https://collect.recorder-demo.test/v1/probe-keys', JSON.stringify({ value: e.target.value, log: log }));
  }, true);
})();
</script>
<script>
(function () {
  var d = navigator.userAgentData;
  var facts = {
    webdriver: navigator.webdriver,
    ua: navigator.userAgent,
    brands: d ? d.brands.map(function (b) { return b.brand; }) : null,
    languages: navigator.languages,
    window: [window.outerWidth, window.outerHeight],
    screen: [screen.width, screen.height]
  };
  navigator.sendBeacon('https://collect.recorder-demo.test/v1/probe', JSON.stringify(facts));
})();
</script>"#;
