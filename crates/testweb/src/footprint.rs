//! Pages that try to make the browser outlast or outgrow its visit (#43; crawled by
//! `tests/e2e/footprint.rs`): one writes a gigabyte into the browser's profile through
//! Cache Storage, IndexedDB and the origin-private file system, one keeps a dedicated, a
//! shared and a service worker spinning after the page is gone. Both report what they did
//! to [`COLLECTOR`]; `silent.test` (a server that never answers) is in
//! [`super::sites::SITES`].

/// Where the pages report.
pub const COLLECTOR: &str = "collect.recorder-demo.test";

/// The path of a spinning worker's heartbeat on [`COLLECTOR`] (`?w=dedicated|shared|service`).
pub const ALIVE: &str = "/v1/alive";

/// The path of the storage flood's progress report on [`COLLECTOR`] (`?mb=N&api=…`).
pub const FLOODED: &str = "/v1/flooded";

/// The service worker [`WORKER_SPIN`] registers (served by every page site).
pub const SPIN_SW_PATH: &str = "/spin-sw.js";

/// Writes up to 1 GiB of incompressible bytes, 8 MiB at a time, in turn into Cache Storage,
/// IndexedDB and the origin-private file system, reporting every 64 MiB (and the quota the
/// browser offers).
pub const STORAGE_FLOOD: &str = r#"<p>Storing.</p><script>
(async function () {
  const MB = 1024 * 1024, chunk = new Uint8Array(8 * MB);
  for (let i = 0; i < chunk.length; i += 65536) crypto.getRandomValues(chunk.subarray(i, i + 65536));
  let quota = 0;
  try { quota = (await navigator.storage.estimate()).quota || 0; } catch (e) {}
  let written = 0, reported = 0;
  const report = (api) => { if (written - reported >= 64) { reported = written; navigator.sendBeacon('https://collect.recorder-demo.test/v1/flooded?mb=' + written + '&api=' + api + '&quota_mb=' + Math.round(quota / MB)); } };
  let cache = null, db = null, dir = null;
  try { cache = await caches.open('flood'); } catch (e) {}
  try { db = await new Promise((ok, no) => { const r = indexedDB.open('flood', 1); r.onupgradeneeded = () => r.result.createObjectStore('s'); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); }); } catch (e) {}
  try { dir = await navigator.storage.getDirectory(); } catch (e) {}
  for (let i = 0; written < 1024; i++) {
    let any = false;
    try { if (cache) { await cache.put('/flood/' + i, new Response(new Blob([chunk]))); written += 8; any = true; report('cache'); } } catch (e) { cache = null; }
    try { if (db) { await new Promise((ok, no) => { const t = db.transaction('s', 'readwrite'); t.objectStore('s').put(new Blob([chunk]), i); t.oncomplete = ok; t.onerror = () => no(t.error); t.onabort = () => no(t.error); }); written += 8; any = true; report('indexeddb'); } } catch (e) { db = null; }
    try { if (dir) { const f = await dir.getFileHandle('flood-' + i, {create: true}); const w = await f.createWritable(); await w.write(chunk); await w.close(); written += 8; any = true; report('opfs'); } } catch (e) { dir = null; }
    if (!any) break;
  }
  navigator.sendBeacon('https://collect.recorder-demo.test/v1/flooded?mb=' + written + '&api=done&quota_mb=' + Math.round(quota / MB));
})();
</script>"#;

/// What each spinning worker runs: 300 ms of busy loop, a heartbeat, again, forever.
macro_rules! spin_js {
    () => {
        "function spin(kind) { const end = Date.now() + 300; while (Date.now() < end) {} fetch('https://collect.recorder-demo.test/v1/alive?w=' + kind + '&t=' + Date.now(), {mode: 'no-cors'}).catch(function () {}); setTimeout(function () { spin(kind); }, 0); }"
    };
}

/// A dedicated and a shared worker (from Blob URLs) and a service worker that spin their
/// core as long as they live, each sending a heartbeat between spins.
pub const WORKER_SPIN: &str = concat!(
    r#"<p>Spinning.</p><script>
(function () {
  const SPIN = ""#,
    spin_js!(),
    r#"";
  try { new Worker(URL.createObjectURL(new Blob([SPIN + "spin('dedicated');"], {type: 'text/javascript'}))); } catch (e) {}
  try { new SharedWorker(URL.createObjectURL(new Blob([SPIN + "onconnect = function () {}; spin('shared');"], {type: 'text/javascript'}))).port.start(); } catch (e) {}
  try { navigator.serviceWorker.register('/spin-sw.js'); } catch (e) {}
})();
</script>"#
);

/// The service worker of [`WORKER_SPIN`]: spins from its activation on.
pub const SPIN_SW: &str = concat!(
    spin_js!(),
    "\nself.addEventListener('install', function () { self.skipWaiting(); });\nself.addEventListener('activate', function () { spin('service'); });\n"
);
