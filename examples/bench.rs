//! `make bench`: sites per minute and memory of pixelcensus beside the bare-browser floor.
//!
//! For 1 and 2 browsers at dwell 0 and dwell 2 s, the same generated test-web pages
//! (`bench-<n>.test`, one of TikTok / Meta / GA4 / GTM each) are visited by
//! - the floor: a bare fantoccini loop with the same Chromium flags that only navigates and
//!   dwells (no capture, no visitor behaviour, no state clearing), and
//! - `pixelcensus crawl` (the release binary), full visit, and with `--no-interact`.
//!
//! Memory is the proportional set size (PSS, so shared pages are not counted twice) of the
//! whole process tree (pixelcensus, chromedriver, every Chromium process), sampled every
//! second (faster sampling costs the crawls it measures CPU). Then a soak run (default 500
//! sites, 2 browsers, dwell 0) prints memory over time.
//!
//! Last, analysis: a synthetic store of `--requests N` (default 1,000,000) requests shaped like
//! the real pixels' (TikTok JSON, Meta image GETs and form POSTs, batched GA4 POSTs, a tenth
//! gzip-compressed PostHog batches, CDN and first-party traffic, canaries in some of them) is
//! built, then analysed; the bench prints
//! requests per second per core for the analysis alone and for `pixelcensus analyze` (load,
//! analyse, write every CSV).
//!
//! Then consent: for pages with a banner and pages without one, sites per minute of
//! `--consent none`, `accept`, `reject` and `all` (three visits per site), 2 browsers.
//!
//! Then the static pre-scan: `--prescan N` (default 5,000) generated front pages fetched and
//! parsed by `pixelcensus prescan` (`--concurrency 64`): sites per minute, peak memory, CPU,
//! beside the browser crawl of the first 40 of the same sites.
//!
//! Then concurrency: `--heavy N` (default 100) top-list-like pages (300 KB, 30 subresources,
//! slow and failing sites among them) at `--heavy-dwell 5`, for `--browsers` 2, 4, 8, 12
//! and `auto`, each fixed number beside the bare loop at the same dwell and concurrency;
//! `--heavy-rounds N` (default 1) runs them all N times, every other round in reverse
//! order, and ends with the mean of each (a shared machine drifts by a tenth or more from
//! one run to the next: two rounds are the least for comparing `auto` with the fixed ones).
//!
//! Then internal pages: on generated sites whose front page links to two internal pages
//! (`bench-deep-<n>.test`), sites per minute of `--pages 1` and `--pages 3` beside the floor
//! visiting the same one or three pages per site, 2 browsers.
//!
//! Then worker capture (`--only workers` alone): the same kind of pages crawled with the
//! workers collector and without it (switched off through `PIXELCENSUS_FAIL_COLLECTOR`), at
//! `--dwell 0` and 5 s, 2 browsers: sites per minute, memory, CPU and the cost per visit.
//!
//! Shards (`--only shards`, not in the default run: it is long): a soak of `--shard-sites N`
//! (default 10,000) generated sites crawled as `--shards N` (default 3) shards at once on this
//! machine, each with `--shard-args` (default `--browsers 2 --dwell 0 --pages 1 --page-timeout 15`), then merged
//! and reported (`--shard-prefix bench-heavy` or `bench-deep` for the other generated
//! pages; `--shards 1 --shard-args ''` measures one machine at the defaults): sites per minute, machine CPU (from /proc/stat), whole-tree memory over the
//! run and its spread from 10 % to 95 % of it, store bytes per site, merge and report times.
//!
//! Options (`--help` lists them all): `--sites N` (default 40), `--soak N` (default 500, 0 to
//! skip), `--dwells 0,2`, `--browsers 1,2`, `--consent false` (skip the consent runs),
//! `--pages false` (skip the internal-page runs), `--prescan N` (0 to skip), `--requests N`
//! (0 to skip), `--only crawl|analyze|prescan|browsers|shards|workers|floor` (`floor`: the
//! bare loop alone on `--heavy` pages at `--heavy-dwell` for each of `--browsers`, to profile
//! it).

use pixelcensus::browser::driver::Driver;
use pixelcensus::browser::{self, BrowserConfig};
use pixelcensus_testweb::TestWeb;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The bench's options (the parts they choose are described at the top of this file).
#[derive(clap::Parser)]
#[command(about = "Sites per minute and memory of pixelcensus beside the bare-browser floor")]
struct Opts {
    /// Generated sites per crawl run.
    #[arg(long, default_value_t = 40)]
    sites: usize,
    /// Sites of the soak run (0 skips it).
    #[arg(long, default_value_t = 500)]
    soak: usize,
    /// Requests of the synthetic store the analysis is timed on (0 skips it).
    #[arg(long, default_value_t = 1_000_000)]
    requests: usize,
    /// One part alone (`crawl`: everything but the analysis; `floor`: the bare loop alone on
    /// the heavy pages at --heavy-dwell for each of --browsers, to profile it).
    #[arg(long, value_parser = ["crawl", "analyze", "prescan", "browsers", "shards", "workers", "floor"])]
    only: Option<String>,
    /// Dwell times of the crawl runs, in seconds.
    #[arg(long, value_delimiter = ',', default_value = "0,2")]
    dwells: Vec<f64>,
    /// Browser counts of the crawl runs.
    #[arg(long, value_delimiter = ',', default_value = "1,2")]
    browsers: Vec<usize>,
    /// Run the consent modes (`false` skips them).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    consent: bool,
    /// Run the internal-page runs (`false` skips them).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pages: bool,
    /// Front pages of the static pre-scan (0 skips it).
    #[arg(long, default_value_t = 5000)]
    prescan: usize,
    /// Top-list-like pages of the concurrency runs (0 skips them).
    #[arg(long, default_value_t = 100)]
    heavy: usize,
    /// Dwell of the concurrency runs, in seconds.
    #[arg(long, default_value_t = 5.0)]
    heavy_dwell: f64,
    /// Rounds of the concurrency runs (every other one in reverse order).
    #[arg(long, default_value_t = 1, value_parser = at_least_one)]
    heavy_rounds: usize,
    /// Generated sites of the shards soak.
    #[arg(long, default_value_t = 10_000)]
    shard_sites: usize,
    /// Shards crawled at once.
    #[arg(long, default_value_t = 3)]
    shards: u32,
    /// Options of each shard's crawl.
    #[arg(
        long,
        allow_hyphen_values = true,
        default_value = "--browsers 2 --dwell 0 --pages 1 --page-timeout 15"
    )]
    shard_args: String,
    /// Generated pages of the shards soak (`bench`, `bench-heavy` or `bench-deep`).
    #[arg(long, default_value = "bench")]
    shard_prefix: String,
}

/// A whole number of at least 1.
fn at_least_one(v: &str) -> Result<usize, String> {
    match v.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("at least 1".into()),
    }
}

/// PSS in KiB of `root` and all its descendants.
fn tree_pss_kib(root: u32) -> u64 {
    pixelcensus::tune::tree_memory(root) / 1024
}

/// Samples a process tree's memory once a second until `stop`; returns (elapsed, KiB)
/// samples. Reading the PSS of every Chromium process is kernel work charged to this process:
/// five times a second it cost ~10 CPU-seconds a minute at 8 browsers (the bench process's
/// CPU 18.1 s at 200 ms, 7.8 s at 1 s, floor run of 64 heavy sites), taken from the crawls it
/// measures.
fn sampler(root: u32, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<Vec<(f64, u64)>> {
    std::thread::spawn(move || {
        let start = Instant::now();
        let mut out = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            out.push((start.elapsed().as_secs_f64(), tree_pss_kib(root)));
            std::thread::sleep(Duration::from_secs(1));
        }
        out
    })
}

fn list(dir: &Path, n: usize, offset: usize) -> PathBuf {
    list_of(dir, n, offset, "bench")
}

/// A list of `n` generated hosts `<prefix>-<i>.test`.
fn list_of(dir: &Path, n: usize, offset: usize, prefix: &str) -> PathBuf {
    let p = dir.join(format!("{prefix}-{offset}-{n}.csv"));
    let text: String = (0..n)
        .map(|i| format!("{},{prefix}-{}.test\n", i + 1, offset + i))
        .collect();
    std::fs::write(&p, text).unwrap();
    p
}

struct Run {
    secs: f64,
    peak_mib: f64,
    samples: Vec<(f64, u64)>,
    /// CPU used by the whole machine during the run (from /proc/stat, so browsers that were
    /// killed count too), percent of one core: 200 % is both cores of a 2-core machine.
    cpu_pct: f64,
}

fn run_pixelcensus(
    web: &TestWeb,
    list: &Path,
    out: &Path,
    browsers: usize,
    dwell: f64,
    interact: bool,
    extra: &[&str],
) -> Run {
    run_pixelcensus_env(web, list, out, browsers, dwell, interact, extra, &[])
}

/// [`run_pixelcensus`] with extra environment variables.
#[allow(clippy::too_many_arguments)]
fn run_pixelcensus_env(
    web: &TestWeb,
    list: &Path,
    out: &Path,
    browsers: usize,
    dwell: f64,
    interact: bool,
    extra: &[&str],
    env: &[(&str, &str)],
) -> Run {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/pixelcensus");
    let mut cmd = std::process::Command::new(&bin);
    cmd.envs(env.iter().copied());
    cmd.args(["crawl", "--list"])
        .arg(list)
        .arg("--out")
        .arg(out);
    cmd.args(["--host-map", &web.host_map(), "--insecure", "-q"]);
    if !extra.contains(&"--browsers") {
        cmd.args(["--browsers", &browsers.to_string()]);
    }
    cmd.args(["--dwell", &dwell.to_string(), "--page-timeout", "15"]);
    if !interact {
        cmd.arg("--no-interact");
    }
    cmd.args(extra);
    let cpu0 = machine_jiffies();
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}; run `cargo build --release` first", bin.display()));
    let stop = Arc::new(AtomicBool::new(false));
    let s = sampler(child.id(), stop.clone());
    let status = child.wait().unwrap();
    let secs = start.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let samples = s.join().unwrap();
    assert!(status.success(), "pixelcensus crawl failed");
    let peak = samples.iter().map(|x| x.1).max().unwrap_or(0);
    Run {
        secs,
        peak_mib: peak as f64 / 1024.0,
        samples,
        cpu_pct: machine_cpu_pct(cpu0),
    }
}

/// The floor: a bare browser loop over `n` sites `<prefix>-<offset + i>.test`, each of
/// `paths` loaded in turn and dwelt on.
#[allow(clippy::too_many_arguments)]
async fn run_floor(
    web: &TestWeb,
    n: usize,
    offset: usize,
    browsers: usize,
    dwell: f64,
    tmp: &Path,
    prefix: &'static str,
    paths: &'static [&'static str],
) -> Run {
    let version = browser::chromium_version(Path::new(browser::DEFAULT_CHROMIUM)).unwrap();
    let cfg = BrowserConfig {
        chromium: browser::DEFAULT_CHROMIUM.into(),
        chromedriver: browser::DEFAULT_CHROMEDRIVER.into(),
        webdriver: None,
        host_map: Some(web.host_map()),
        proxy: None,
        insecure: true,
        user_agent: browser::user_agent_for(&version),
        emulation: Default::default(),
        command_timeout: Duration::from_secs(30),
        profile_root: tmp.to_owned(),
    };
    let mut driver = Driver::start(
        Path::new(browser::DEFAULT_CHROMEDRIVER),
        &tmp.join("floor-chromedriver.log"),
        &tmp.join("floor-home"),
    )
    .await
    .unwrap();
    let driver_pid = chromedriver_child().expect("chromedriver pid");
    let stop = Arc::new(AtomicBool::new(false));
    let s = sampler(driver_pid, stop.clone());
    let next = Arc::new(AtomicUsize::new(0));
    let cpu0 = machine_jiffies();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for b in 0..browsers {
        let (cfg, url, next) = (cfg.clone(), driver.url().to_string(), next.clone());
        let job = FloorLoop {
            n,
            offset,
            dwell,
            prefix,
            paths,
        };
        tasks.push(tokio::spawn(floor_browser(cfg, url, next, b, job)));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let samples = s.join().unwrap();
    driver.shutdown().await;
    browser::procs::kill_under(tmp);
    let peak = samples.iter().map(|x| x.1).max().unwrap_or(0);
    Run {
        secs,
        peak_mib: peak as f64 / 1024.0,
        samples,
        cpu_pct: machine_cpu_pct(cpu0),
    }
}

/// What each browser of the floor loops over: sites `<prefix>-<offset + i>.test` for `i`
/// below `n`, each of `paths` loaded and dwelt on for `dwell` seconds.
#[derive(Clone, Copy)]
struct FloorLoop {
    n: usize,
    offset: usize,
    dwell: f64,
    prefix: &'static str,
    paths: &'static [&'static str],
}

/// One browser of the floor (number `b`), taking the next site from `next` until none is
/// left.
async fn floor_browser(
    cfg: BrowserConfig,
    url: String,
    next: Arc<AtomicUsize>,
    b: usize,
    job: FloorLoop,
) {
    // A fresh profile every run, as pixelcensus starts its browsers with (a second
    // round at the same concurrency would otherwise find the first one's cache).
    let profile = cfg.profile_root.join(format!("floor-{b}"));
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::create_dir_all(&profile).unwrap();
    let caps = json!({
        "browserName": "chrome",
        "acceptInsecureCerts": true,
        "goog:chromeOptions": { "binary": cfg.chromium, "args": browser::chromium_args(&cfg, &profile) },
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    let mut builder = browser::session::client_builder().unwrap();
    builder.capabilities(caps);
    let c = builder.connect(&url).await.expect("floor session");
    // The same page budget as the crawls (--page-timeout 15): a page that never
    // finishes costs the floor what it costs pixelcensus.
    let _ = c
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            None,
            Some(Duration::from_secs(15)),
            None,
        ))
        .await;
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= job.n {
            break;
        }
        for p in job.paths {
            let _ = c
                .goto(&format!(
                    "https://{}-{}.test{p}",
                    job.prefix,
                    job.offset + i
                ))
                .await;
            tokio::time::sleep(Duration::from_secs_f64(job.dwell)).await;
        }
    }
    let _ = c.close().await;
}

/// The pid of this process's chromedriver child.
fn chromedriver_child() -> Option<u32> {
    let me = std::process::id();
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid = e.file_name().to_str()?.parse::<u32>().ok()?;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let (comm, rest) = stat.split_once(") ")?;
        let ppid = rest.split_whitespace().nth(1)?.parse::<u32>().ok()?;
        (comm.ends_with("chromedriver") && ppid == me).then_some(pid)
    })
}

fn rate(n: usize, secs: f64) -> f64 {
    n as f64 / (secs / 60.0)
}

/// gzip of `s`, as a browser SDK's CompressionStream or fflate makes it.
fn gzip(s: &str) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(s.as_bytes()).unwrap();
    e.finish().unwrap()
}

/// Builds a store of about `n` requests over visits of 100 requests each.
fn synthetic_store(dir: &Path, n: usize) -> usize {
    use pixelcensus::capture::ConsentMode;
    use pixelcensus::list::Target;
    let mut store = pixelcensus::store::Store::create(dir).unwrap();
    let visits = n.div_ceil(100);
    let targets: Vec<Target> = (0..visits)
        .map(|i| Target {
            rank: i as u64 + 1,
            rank_is_bucket: false,
            domain: format!("site-{i}.example"),
        })
        .collect();
    store.add_targets(&targets, &[ConsentMode::None]).unwrap();
    let secret = store.secret().unwrap();
    let mut total = 0;
    while let Some(c) = store.claim_next().unwrap() {
        let d = &c.target.domain;
        let can = pixelcensus::canary::derive(&secret, d);
        let page = format!("https://{d}/");
        let reqs: Vec<_> = (0..100u32)
            .map(|i| site_request(i, d, &page).unwrap_or_else(|| vendor_request(i, &page, &can)))
            .collect();
        total += reqs.len();
        let v = synthetic_visit(d, &page, reqs, can);
        store.record_visit(c.id, &v).unwrap();
    }
    total
}

/// A request of the synthetic store: `seq`, method, resource type, URL, body and its
/// Content-Type, from a script of the CDN, on `page`.
fn mk(
    page: &str,
    seq: u32,
    method: &str,
    ty: &str,
    url: String,
    body: Option<String>,
    ctype: Option<&str>,
) -> pixelcensus::capture::RawRequest {
    use pixelcensus::capture::{BodyState, RawRequest};
    RawRequest {
        seq,
        request_id: seq.to_string(),
        url,
        method: method.into(),
        resource_type: pixelcensus::capture::ResourceType::parse(ty),
        headers: ctype
            .map(|c| vec![("Content-Type".to_string(), c.to_string())])
            .unwrap_or_default(),
        body_state: if body.is_some() {
            BodyState::Complete
        } else {
            BodyState::None
        },
        body: body.map(String::into_bytes),
        initiator: r#"{"type":"script","url":"https://cdn.example/app.js"}"#.into(),
        frame_id: "F".into(),
        frame_url: page.to_string(),
        is_main_frame: seq == 0,
        status: Some(200),
        mime_type: Some("text/html".into()),
        response_headers: vec![],
        failure: None,
        wall_time: 1.7e9,
        step: pixelcensus::capture::Step::Load,
        page: 0,
        context: Default::default(),
        sw_response: None,
        ended_at: None,
    }
}

/// The site's own requests and the CDNs' (no pixel): seq 0 (the document, then images), 4,
/// 5 and 7 of every ten; `None` for the others.
fn site_request(i: u32, d: &str, page: &str) -> Option<pixelcensus::capture::RawRequest> {
    let page = page.to_string();
    Some(match i % 10 {
        0 if i == 0 => mk(&page, i, "GET", "Document", page.clone(), None, None),
        0 => mk(
            &page,
            i,
            "GET",
            "Image",
            format!("https://{d}/img/{i}.jpg"),
            None,
            None,
        ),
        4 => mk(
            &page,
            i,
            "GET",
            "Script",
            format!("https://cdn.jsdelivr.net/npm/lib@{i}/dist/lib.min.js"),
            None,
            None,
        ),
        5 => mk(
            &page,
            i,
            "GET",
            "Stylesheet",
            "https://fonts.googleapis.com/css2?family=Roboto".into(),
            None,
            None,
        ),
        7 => mk(
            &page,
            i,
            "GET",
            "Script",
            format!("https://{d}/static/app.{i}.js"),
            None,
            None,
        ),
        _ => return None,
    })
}

/// The pixels' requests (TikTok JSON, Meta image GETs, batched GA4 POSTs, Hotjar, gzip'd
/// PostHog batches, Microsoft UET), canaries in some of them: 1, 2, 3, 6, 8 and 9 of every
/// ten.
fn vendor_request(
    i: u32,
    page: &str,
    can: &pixelcensus::capture::Canaries,
) -> pixelcensus::capture::RawRequest {
    let page = page.to_string();
    let em = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(can.email.as_bytes()));
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    match i % 10 {
        1 => mk(
            &page,
            i,
            "POST",
            "Fetch",
            "https://analytics.tiktok.com/api/v2/pixel".into(),
            Some(format!(
                r#"{{"event":"Pageview","timestamp":"2026-11-29T00:00:00Z","properties":{{}},"context":{{"user":{{"anonymous_id":"01K1A8BXG7CFS8QC92XKKJD081_.tt.1","email":"{em}"}},"pixel":{{"code":"C3LTV833G487IS978FKG"}},"page":{{"url":"{page}","referrer":""}},"library":{{"name":"pixel.js","version":"2.1.33"}},"userAgent":"Mozilla/5.0"}}}}"#
            )),
            Some("text/plain"),
        ),
        2 => mk(
            &page,
            i,
            "GET",
            "Image",
            format!(
                "https://www.facebook.com/tr/?id=1234567890123456&ev=PageView&dl={}&rl=&if=false&ts=1&sw=1366&sh=768&v=2.9.200&r=stable&ec={i}&o=4126&fbp=fb.1.1.2&it=1&coo=false",
                enc(&page)
            ),
            None,
            None,
        ),
        3 => mk(
            &page,
            i,
            "POST",
            "Fetch",
            format!(
                "https://region1.google-analytics.com/g/collect?v=2&tid=G-ABC123&cid=1.2&dl={}&dt=Shop",
                enc(&page)
            ),
            Some(format!(
                "en=view_search_results&ep.search_term={}\r\nen=scroll&epn.percent_scrolled=90",
                enc(&can.search)
            )),
            Some("text/plain"),
        ),
        6 => mk(
            &page,
            i,
            "POST",
            "Fetch",
            "https://in.hotjar.com/api/v2/client/sites/1/events".into(),
            Some(format!(
                r#"{{"t":"input","v":"{}"}}"#,
                base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &can.name)
            )),
            Some("text/plain"),
        ),
        // A tenth of the requests carry gzip: a PostHog batch as posthog-js sends it
        // (`text/plain`, no Content-Encoding), the typed e-mail inside.
        8 => posthog_batch(i, &page, can),
        _ => mk(
            &page,
            i,
            "GET",
            "Image",
            format!(
                "https://bat.bing.com/action/0?ti=5123456&evt=pageLoad&p={}&vid=abcdef1234",
                enc(&page)
            ),
            None,
            None,
        ),
    }
}

/// A gzip'd PostHog batch as posthog-js sends it, the typed e-mail inside.
fn posthog_batch(
    i: u32,
    page: &str,
    can: &pixelcensus::capture::Canaries,
) -> pixelcensus::capture::RawRequest {
    let mut r = mk(
        page,
        i,
        "POST",
        "Fetch",
        format!("https://us.i.posthog.com/batch/?compression=gzip-js&ip=0&_={i}"),
        None,
        Some("text/plain"),
    );
    r.body = Some(gzip(&format!(
        r#"[{{"event":"$pageview","properties":{{"$current_url":"{page}","$screen_width":1366,"$screen_height":768,"distinct_id":"019a3b7c-5d2e-7f10-a1b2-c3d4e5f6{i:04}","token":"phc_bench"}}}},{{"event":"$identify","properties":{{"$set":{{"email":"{}"}}}}}}]"#,
        can.email
    )));
    r.body_state = pixelcensus::capture::BodyState::Complete;
    r
}

/// A visit of the synthetic store: `reqs` on `page`, an `_fbp` cookie.
fn synthetic_visit(
    d: &str,
    page: &str,
    reqs: Vec<pixelcensus::capture::RawRequest>,
    can: pixelcensus::capture::Canaries,
) -> pixelcensus::capture::RawVisit {
    use pixelcensus::capture::{Outcome, RawCookie, RawVisit};
    let page = page.to_string();
    RawVisit {
        domain: d.to_string(),
        outcome: Outcome::Ok,
        http_status: Some(200),
        start_url: page.clone(),
        final_url: Some(page.clone()),
        redirect_chain: vec![page.clone()],
        started_at: "2026-11-29T00:00:00Z".into(),
        duration_ms: 5000,
        requests: reqs,
        cookies: vec![RawCookie {
            name: "_fbp".into(),
            value: "fb.1.1732840000000.1234567890".into(),
            domain: d.to_string(),
            path: "/".into(),
            expires: -1.0,
            http_only: false,
            secure: false,
            same_site: None,
            page: 0,
        }],
        canaries: can,
        ..RawVisit::default()
    }
}

fn bench_analysis(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let total = synthetic_store(dir.path(), n);
    println!(
        "\nanalysis: synthetic store of {total} requests ({} visits) built in {:.1} s",
        total / 100,
        start.elapsed().as_secs_f64()
    );
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1) as f64;
    // The analysis alone, on visits already in memory.
    let store = pixelcensus::store::Store::open(dir.path()).unwrap();
    let visits: Vec<(u64, pixelcensus::capture::RawVisit)> = store
        .targets()
        .unwrap()
        .into_iter()
        .filter_map(|(t, _, id)| id.map(|id| (t.rank, store.load_visit(id).unwrap().visit)))
        .collect();
    let analyzer = pixelcensus::analyze::Analyzer::default();
    let start = Instant::now();
    let found = analyzer.visits(&visits);
    let secs = start.elapsed().as_secs_f64();
    let trackers: usize = found.iter().map(|f| f.trackers.len()).sum();
    println!(
        "  analysis only: {:.2} s, {:.0} requests/s/core ({trackers} site × tracker findings)",
        secs,
        total as f64 / secs / cores
    );
    drop((visits, found));
    // The crawl-wide first pass (analyze::infer): every request URL with a query, every
    // cookie and storage value, read from SQLite and learned from.
    let start = Instant::now();
    let mut learner = pixelcensus::analyze::infer::Learner::new();
    store
        .each_query_url(|site, visit, page, url| learner.request(site, visit, page, url))
        .unwrap();
    store
        .each_visitor_value(|value| learner.visitor_value(value))
        .unwrap();
    let learned = learner.finish();
    println!(
        "  crawl-wide first pass (parameter roles): {:.2} s ({} account parameters)",
        start.elapsed().as_secs_f64(),
        learned.accounts().len()
    );
    // The whole command: load from SQLite, analyse, write every CSV.
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/pixelcensus");
    let start = Instant::now();
    let st = std::process::Command::new(&bin)
        .arg("analyze")
        .arg(dir.path())
        .arg("-q")
        .status()
        .unwrap();
    assert!(st.success());
    let secs = start.elapsed().as_secs_f64();
    println!(
        "  pixelcensus analyze (load + analyse + write CSVs): {:.2} s, {:.0} requests/s/core; target: under 10 s",
        secs,
        total as f64 / secs / cores
    );
}

/// `--consent all` against a single-mode crawl: sites per minute (sites, not visits) on
/// generated pages with a consent banner (`bench-cmp-<n>.test`), and on pages without one
/// (`bench-<n>.test`, where accept/reject wait `--consent-wait` for a banner in vain).
fn bench_consent(web: &TestWeb, o: &Opts, dir: &Path, offset: &mut usize) {
    let b = *o.browsers.iter().max().unwrap_or(&2);
    println!(
        "\nconsent: {} sites per run, {b} browsers, --consent-wait 4 (sites per minute; `all` makes three visits per site)",
        o.sites
    );
    println!(
        "{:<10} {:>6} | {:>10} {:>10} {:>10} {:>10} | {:>9}",
        "pages", "dwell", "none", "accept", "reject", "all", "all/none"
    );
    for (pages, prefix) in [("banner", "bench-cmp"), ("no banner", "bench")] {
        for &d in &o.dwells {
            let mut rates = Vec::new();
            for mode in ["none", "accept", "reject", "all"] {
                let l = list_of(dir, o.sites, *offset, prefix);
                let r = run_pixelcensus(
                    web,
                    &l,
                    &dir.join(format!("consent-{offset}")),
                    b,
                    d,
                    true,
                    &["--consent", mode],
                );
                *offset += o.sites;
                rates.push(rate(o.sites, r.secs));
            }
            println!(
                "{:<10} {:>5}s | {:>10.1} {:>10.1} {:>10.1} {:>10.1} | {:>8.0}%",
                pages,
                d,
                rates[0],
                rates[1],
                rates[2],
                rates[3],
                100.0 * rates[3] / rates[0]
            );
        }
    }
}

/// CPU seconds (user + system) of this process's waited-for children so far.
fn children_cpu_secs() -> f64 {
    // SAFETY: getrusage fills the struct we own.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
    t(u.ru_utime) + t(u.ru_stime)
}

/// Busy and total jiffies of the whole machine (first line of /proc/stat).
fn machine_jiffies() -> (u64, u64) {
    pixelcensus::tune::cpu_jiffies().unwrap_or((0, 0))
}

/// The machine's CPU use since `from` (a [`machine_jiffies`] reading), percent of one core.
fn machine_cpu_pct(from: (u64, u64)) -> f64 {
    let (busy, total) = machine_jiffies();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1) as f64;
    100.0 * cores * (busy - from.0) as f64 / (total - from.1).max(1) as f64
}

/// The soak of shards: N shard crawls at once, then merge and report (`--only shards`).
async fn bench_shards(web: &TestWeb, o: &Opts, dir: &Path) {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/pixelcensus");
    let n = o.shard_sites;
    let l = list_of(dir, n, 0, &o.shard_prefix);
    println!(
        "shards: {n} generated sites ({}-<n>.test) as {} shard(s) at once on this machine, each `{}`",
        o.shard_prefix, o.shards, o.shard_args
    );
    let (busy0, total0) = machine_jiffies();
    let start = Instant::now();
    let mut children = spawn_shards(&bin, web, o, &l, dir);
    let roots: Vec<u32> = children.iter().map(|c| c.id()).collect();
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let t0 = Instant::now();
            let mut out: Vec<(f64, u64)> = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let kib: u64 = roots.iter().map(|r| tree_pss_kib(*r)).sum();
                out.push((t0.elapsed().as_secs_f64(), kib));
                std::thread::sleep(Duration::from_secs(1));
            }
            out
        })
    };
    wait_for_shards(&mut children, o.shards, n, dir, start).await;
    let secs = start.elapsed().as_secs_f64();
    let (busy1, total1) = machine_jiffies();
    stop.store(true, Ordering::Relaxed);
    let samples = sampler.join().unwrap();
    for c in children.iter_mut() {
        assert!(c.wait().unwrap().success(), "a shard crawl failed");
    }
    let cpu = 100.0 * (busy1 - busy0) as f64 / (total1 - total0).max(1) as f64;
    println!(
        "  crawl: {:.0} s, {:.1} sites/min, machine CPU {:.0} % busy",
        secs,
        rate(n, secs),
        cpu
    );
    print_shards_memory(&samples, secs, o.shards);
    merge_and_report_shards(&bin, dir, o.shards, n);
}

/// The shard crawls of `--only shards`, started at once.
fn spawn_shards(
    bin: &Path,
    web: &TestWeb,
    o: &Opts,
    l: &Path,
    dir: &Path,
) -> Vec<std::process::Child> {
    let extra: Vec<&str> = o.shard_args.split_whitespace().collect();
    (1..=o.shards)
        .map(|k| {
            std::process::Command::new(bin)
                .args(["crawl", "--list"])
                .arg(l)
                .arg("--out")
                .arg(dir.join(format!("shard-{k}")))
                .args(["--host-map", &web.host_map(), "--insecure", "-q"])
                .args([
                    "--shard",
                    &format!("{k}/{}", o.shards),
                    "--crawl-id",
                    "soak",
                ])
                .args(&extra)
                .spawn()
                .expect("run `cargo build --release` first")
        })
        .collect()
}

/// Waits for the shard crawls, printing the visits recorded so far every minute.
async fn wait_for_shards(
    children: &mut [std::process::Child],
    shards: u32,
    n: usize,
    dir: &Path,
    start: Instant,
) {
    // Progress on the terminal: visits recorded so far, every minute.
    let mut last_print = Instant::now();
    loop {
        let mut running = false;
        for c in children.iter_mut() {
            if c.try_wait().unwrap().is_none() {
                running = true;
            }
        }
        if !running {
            break;
        }
        if last_print.elapsed() > Duration::from_secs(60) {
            last_print = Instant::now();
            let done: i64 = (1..=shards)
                .map(|k| {
                    rusqlite::Connection::open_with_flags(
                        dir.join(format!("shard-{k}/crawl.sqlite")),
                        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
                    )
                    .ok()
                    .and_then(|c| {
                        c.query_row("SELECT count(*) FROM visits", [], |r| r.get(0))
                            .ok()
                    })
                    .unwrap_or(0)
                })
                .sum();
            eprintln!(
                "  {:>5.0} s: {done} of {n} visits recorded",
                start.elapsed().as_secs_f64()
            );
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Whole-tree memory over the shards' run and its spread from 10 % to 95 % of it.
fn print_shards_memory(samples: &[(f64, u64)], secs: f64, shards: u32) {
    let in_run: Vec<u64> = samples
        .iter()
        .filter(|s| s.0 >= 0.10 * secs && s.0 <= 0.95 * secs)
        .map(|s| s.1)
        .collect();
    if !in_run.is_empty() {
        let mean = in_run.iter().sum::<u64>() as f64 / in_run.len() as f64;
        let (lo, hi) = (
            *in_run.iter().min().unwrap() as f64,
            *in_run.iter().max().unwrap() as f64,
        );
        println!(
            "  memory (PSS of the {} crawl trees, 10–95 % of the run): mean {:.0} MiB, min {:.0} ({:+.0} %), max {:.0} ({:+.0} %)",
            shards,
            mean / 1024.0,
            lo / 1024.0,
            100.0 * (lo - mean) / mean,
            hi / 1024.0,
            100.0 * (hi - mean) / mean
        );
        // Smoothed: the mean over a tenth of the run around each point.
        for q in [0.1, 0.25, 0.5, 0.75, 0.95] {
            let t = secs * q;
            let w: Vec<u64> = samples
                .iter()
                .filter(|s| (s.0 - t).abs() <= secs / 20.0)
                .map(|s| s.1)
                .collect();
            let m = w.iter().sum::<u64>() as f64 / w.len().max(1) as f64;
            println!(
                "    at {:>3.0} % ({:>6.0} s): {:>6.0} MiB (window mean, {:+.0} % of the run's mean)",
                q * 100.0,
                t,
                m / 1024.0,
                100.0 * (m - mean) / mean
            );
        }
    }
}

/// Merges the shards and reports on the merged store: store bytes per site, the times.
fn merge_and_report_shards(bin: &Path, dir: &Path, shards: u32, n: usize) {
    let shard_bytes: u64 = (1..=shards)
        .map(|k| {
            std::fs::metadata(dir.join(format!("shard-{k}/crawl.sqlite")))
                .map(|m| m.len())
                .unwrap_or(0)
        })
        .sum();
    let merged = dir.join("merged");
    let t = Instant::now();
    let mut cmd = std::process::Command::new(bin);
    cmd.args(["-q", "merge", "--out"]).arg(&merged);
    for k in 1..=shards {
        cmd.arg(dir.join(format!("shard-{k}")));
    }
    assert!(cmd.status().unwrap().success(), "merge failed");
    let merge_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let st = std::process::Command::new(bin)
        .args(["-q", "report"])
        .arg(&merged)
        .status()
        .unwrap();
    assert!(st.success(), "report failed");
    let report_secs = t.elapsed().as_secs_f64();
    let merged_bytes = std::fs::metadata(merged.join("crawl.sqlite"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "  store: {:.1} KiB per site in the shards, {:.1} KiB per site merged",
        shard_bytes as f64 / 1024.0 / n as f64,
        merged_bytes as f64 / 1024.0 / n as f64
    );
    println!(
        "  merge: {merge_secs:.1} s (includes writing every dataset); report on the merged store: {report_secs:.1} s"
    );
}

/// The `--browsers` of the concurrency runs.
const CONFIGS: [&str; 5] = ["2", "4", "8", "12", "auto"];

/// Concurrency at a realistic dwell on realistic pages: `--browsers` 2, 4, 8, 12 and `auto`
/// (the default) on `bench-heavy-<n>.test` (300 KB pages with 30 subresources, slow and
/// failing sites among them), each beside the bare loop at the same dwell and concurrency.
async fn bench_browsers(web: &TestWeb, o: &Opts, dir: &Path, offset: &mut usize) {
    let (n, dwell, rounds) = (o.heavy, o.heavy_dwell, o.heavy_rounds);
    println!(
        "\nconcurrency: {n} heavy sites per run (300 KB, 30 subresources; every 20th slow, 25th HTTP 500, 50th never finishes), --dwell {dwell}, --page-timeout 15, {rounds} round(s)"
    );
    let header = || {
        println!(
            "{:<9} | {:>12} {:>6} {:>9} | {:>12} {:>6} {:>9} {:>6}",
            "browsers",
            "floor s/min",
            "CPU %",
            "peak MiB",
            "pixelcensus",
            "CPU %",
            "peak MiB",
            "%floor"
        )
    };
    header();
    // Per configuration and round: (floor sites/min, CPU, peak MiB) and the same of
    // pixelcensus. Rounds alternate the order (2 … auto, then auto … 2) so that a machine
    // getting slower or faster over the bench weighs on every configuration alike.
    let mut runs: Vec<Vec<(Option<Figures>, Figures)>> = vec![Vec::new(); CONFIGS.len()];
    for round in 0..rounds {
        let order: Vec<usize> = if round % 2 == 0 {
            (0..CONFIGS.len()).collect()
        } else {
            (0..CONFIGS.len()).rev().collect()
        };
        for i in order {
            let b = CONFIGS[i];
            let l = list_of(dir, n, *offset, "bench-heavy");
            let r = run_pixelcensus(
                web,
                &l,
                &dir.join(format!("conc-{offset}")),
                2,
                dwell,
                true,
                &["--browsers", b, "--pages", "1"],
            );
            *offset += n;
            let floor = match b.parse::<usize>() {
                Ok(k) => {
                    let f = run_floor(web, n, *offset, k, dwell, dir, "bench-heavy", &["/"]).await;
                    *offset += n;
                    Some((rate(n, f.secs), f.cpu_pct, f.peak_mib))
                }
                Err(_) => None,
            };
            let p = (rate(n, r.secs), r.cpu_pct, r.peak_mib);
            print_row(&format!("{b} (r{})", round + 1), floor, p, None);
            runs[i].push((floor, p));
        }
    }
    print_browsers_means(&runs, rounds, header);
}

/// The mean of each configuration of [`bench_browsers`] over the rounds.
fn print_browsers_means(
    runs: &[Vec<(Option<Figures>, Figures)>],
    rounds: usize,
    header: impl Fn(),
) {
    let mean = |v: &[Figures]| {
        let k = v.len().max(1) as f64;
        (
            v.iter().map(|x| x.0).sum::<f64>() / k,
            v.iter().map(|x| x.1).sum::<f64>() / k,
            v.iter().map(|x| x.2).fold(0.0, f64::max),
        )
    };
    let spread = |v: &[Figures]| {
        let lo = v.iter().map(|x| x.0).fold(f64::INFINITY, f64::min);
        let hi = v.iter().map(|x| x.0).fold(0.0, f64::max);
        format!("{lo:.1} to {hi:.1}")
    };
    println!(
        "\nconcurrency, mean of {rounds} round(s) (peak memory: the highest; pixelcensus sites/min range over the rounds at the end)"
    );
    header();
    let mut best_fixed: f64 = 0.0;
    let mut two = 0.0;
    for (i, b) in CONFIGS.iter().enumerate() {
        let floors: Vec<_> = runs[i].iter().filter_map(|r| r.0).collect();
        let ps: Vec<_> = runs[i].iter().map(|r| r.1).collect();
        let p = mean(&ps);
        if *b == "2" {
            two = p.0;
        }
        if *b != "auto" {
            best_fixed = best_fixed.max(p.0);
        }
        let note = if floors.is_empty() {
            format!(
                "{:.0}% of the best fixed, {:.1}× --browsers 2; range {}",
                100.0 * p.0 / best_fixed,
                p.0 / two,
                spread(&ps)
            )
        } else {
            format!("range {}", spread(&ps))
        };
        print_row(
            b,
            (!floors.is_empty()).then(|| mean(&floors)),
            p,
            Some(note),
        );
    }
}

/// Sites per minute, CPU (percent of one core) and peak memory (MiB) of one run.
type Figures = (f64, f64, f64);

/// One line of the concurrency table.
fn print_row(label: &str, floor: Option<Figures>, p: Figures, note: Option<String>) {
    let (f, pct) = match floor {
        Some(f) => (
            format!("{:>12.1} {:>6.0} {:>9.0}", f.0, f.1, f.2),
            format!("{:>5.0}%", 100.0 * p.0 / f.0),
        ),
        None => (
            format!("{:>12} {:>6} {:>9}", "", "", ""),
            format!("{:>6}", ""),
        ),
    };
    println!(
        "{label:<9} | {f} | {:>12.1} {:>6.0} {:>9.0} {pct} {}",
        p.0,
        p.1,
        p.2,
        note.unwrap_or_default()
    );
}

/// The static pre-scan of `n` generated front pages beside the browser crawl of 40 of them.
async fn bench_prescan(web: &TestWeb, n: usize, dir: &Path, offset: &mut usize) {
    let l = list(dir, n, *offset);
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/pixelcensus");
    let out = dir.join(format!("prescan-{offset}"));
    let cpu0 = children_cpu_secs();
    let start = Instant::now();
    let mut child = std::process::Command::new(&bin)
        .args(["prescan", "--list"])
        .arg(&l)
        .arg("--out")
        .arg(&out)
        .args([
            "--host-map",
            &web.host_map(),
            "--insecure",
            "-q",
            "--concurrency",
            "64",
        ])
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}; run `cargo build --release` first", bin.display()));
    let stop = Arc::new(AtomicBool::new(false));
    let s = sampler(child.id(), stop.clone());
    // The child is waited for off the runtime: the test web serves from this process.
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    let secs = start.elapsed().as_secs_f64();
    let cpu = children_cpu_secs() - cpu0;
    stop.store(true, Ordering::Relaxed);
    let peak = s.join().unwrap().iter().map(|x| x.1).max().unwrap_or(0);
    assert!(status.success(), "pixelcensus prescan failed");
    let b = 40.min(n);
    let bl = list(dir, b, *offset);
    let r = run_pixelcensus(
        web,
        &bl,
        &dir.join(format!("prescan-browser-{offset}")),
        2,
        0.0,
        true,
        &["--pages", "1"],
    );
    *offset += n;
    println!(
        "\nstatic pre-scan: {n} generated front pages, --concurrency 64 (the test web serves from this process)"
    );
    println!(
        "  prescan  {:>8.0} sites/min, peak {:.0} MiB, CPU {:.0} % of one core ({:.1} s CPU in {:.1} s)",
        rate(n, secs),
        peak as f64 / 1024.0,
        100.0 * cpu / secs,
        cpu,
        secs
    );
    println!(
        "  browser  {:>8.1} sites/min on {b} of the same sites (2 browsers, --dwell 0, --pages 1), peak {:.0} MiB: the prescan is {:.0}× faster",
        rate(b, r.secs),
        r.peak_mib,
        rate(n, secs) / rate(b, r.secs)
    );
}

/// `--pages 1` against `--pages 3` on sites with two internal pages, each beside the floor
/// loading the same pages.
async fn bench_pages(web: &TestWeb, o: &Opts, dir: &Path, offset: &mut usize) {
    const FRONT: &[&str] = &["/"];
    const ALL: &[&str] = &["/", "/shop/item", "/news/story"];
    let b = *o.browsers.iter().max().unwrap_or(&2);
    println!(
        "\ninternal pages: {} sites per run (front page linking to two internal pages), {b} browsers (sites per minute)",
        o.sites
    );
    println!(
        "{:<7} {:>6} | {:>12} {:>9} | {:>12} {:>9} {:>6}",
        "pages", "dwell", "floor", "peak MiB", "pixelcensus", "peak MiB", "%floor"
    );
    for &d in &o.dwells {
        let mut by_depth = Vec::new();
        for (pages, paths) in [(1, FRONT), (3, ALL)] {
            let floor = run_floor(web, o.sites, *offset, b, d, dir, "bench-deep", paths).await;
            *offset += o.sites;
            let l = list_of(dir, o.sites, *offset, "bench-deep");
            let pages_arg = pages.to_string();
            let r = run_pixelcensus(
                web,
                &l,
                &dir.join(format!("pages-{offset}")),
                b,
                d,
                true,
                &["--pages", &pages_arg],
            );
            *offset += o.sites;
            let (f, p) = (rate(o.sites, floor.secs), rate(o.sites, r.secs));
            println!(
                "{:<7} {:>5}s | {:>12.1} {:>9.0} | {:>12.1} {:>9.0} {:>5.0}%",
                pages,
                d,
                f,
                floor.peak_mib,
                p,
                r.peak_mib,
                100.0 * p / f
            );
            by_depth.push(p);
        }
        println!(
            "        {:>5}s   --pages 3 runs at {:.0}% of --pages 1's sites per minute",
            d,
            100.0 * by_depth[1] / by_depth[0]
        );
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    use clap::Parser;
    let o = Opts::parse();
    match o.only.as_deref() {
        None | Some("crawl") => {}
        Some("analyze") => {
            if o.requests > 0 {
                bench_analysis(o.requests);
            }
            return;
        }
        Some(part) => return only(part, &o).await,
    }
    let web = TestWeb::start(0, None).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut offset = 0;
    bench_crawl(&web, &o, tmp.path(), &mut offset).await;
    if o.soak > 0 {
        bench_soak(&web, o.soak, tmp.path(), offset);
    }
    if o.consent {
        bench_consent(&web, &o, tmp.path(), &mut offset);
    }
    bench_workers(&web, &o, tmp.path(), &mut offset);
    if o.pages {
        bench_pages(&web, &o, tmp.path(), &mut offset).await;
    }
    if o.prescan > 0 {
        bench_prescan(&web, o.prescan, tmp.path(), &mut offset).await;
    }
    if o.heavy > 0 {
        bench_browsers(&web, &o, tmp.path(), &mut offset).await;
    }
    web.stop();
    if o.requests > 0 && o.only.as_deref() != Some("crawl") {
        bench_analysis(o.requests);
    }
}

/// One part alone (`--only`), on a test web of its own.
async fn only(part: &str, o: &Opts) {
    let web = TestWeb::start(0, None).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut offset = 0;
    match part {
        "browsers" => bench_browsers(&web, o, tmp.path(), &mut offset).await,
        "floor" => bench_floor(&web, o, tmp.path()).await,
        "shards" => bench_shards(&web, o, tmp.path()).await,
        "prescan" => bench_prescan(&web, o.prescan.max(1), tmp.path(), &mut offset).await,
        "workers" => bench_workers(&web, o, tmp.path(), &mut offset),
        other => unreachable!("--only {other}"),
    }
    web.stop();
}

/// The bare loop alone on the heavy pages, for each of --browsers (to profile it).
async fn bench_floor(web: &TestWeb, o: &Opts, tmp: &Path) {
    for &b in &o.browsers {
        let f = run_floor(
            web,
            o.heavy,
            0,
            b,
            o.heavy_dwell,
            tmp,
            "bench-heavy",
            &["/"],
        )
        .await;
        println!(
            "floor, {b} browsers: {:.1} sites/min, CPU {:.0} %, peak {:.0} MiB",
            rate(o.heavy, f.secs),
            f.cpu_pct,
            f.peak_mib
        );
    }
}

/// For each of --browsers and --dwells: the floor, pixelcensus, and pixelcensus
/// `--no-interact`, each on fresh host names so no cache or connection is shared.
async fn bench_crawl(web: &TestWeb, o: &Opts, tmp: &Path, offset: &mut usize) {
    println!(
        "pixelcensus bench: {} generated test-web sites per run; {} cores",
        o.sites,
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    println!(
        "{:<9} {:>6} | {:>14} {:>9} | {:>14} {:>9} {:>6} | {:>14} {:>9} {:>6}",
        "browsers",
        "dwell",
        "floor s/min",
        "peak MiB",
        "pixelcensus",
        "peak MiB",
        "%floor",
        "no-interact",
        "peak MiB",
        "%floor"
    );
    for &b in &o.browsers {
        for &d in &o.dwells {
            let floor = run_floor(web, o.sites, *offset, b, d, tmp, "bench", &["/"]).await;
            *offset += o.sites;
            let mut crawl = |interact: bool, name: &str| {
                let l = list(tmp, o.sites, *offset);
                let r = run_pixelcensus(
                    web,
                    &l,
                    &tmp.join(format!("{name}-{offset}")),
                    b,
                    d,
                    interact,
                    &[],
                );
                *offset += o.sites;
                r
            };
            let full = crawl(true, "pc");
            let bare = crawl(false, "pcn");
            let (f, p, q) = (
                rate(o.sites, floor.secs),
                rate(o.sites, full.secs),
                rate(o.sites, bare.secs),
            );
            println!(
                "{:<9} {:>5}s | {:>14.1} {:>9.0} | {:>14.1} {:>9.0} {:>5.0}% | {:>14.1} {:>9.0} {:>5.0}%",
                b,
                d,
                f,
                floor.peak_mib,
                p,
                full.peak_mib,
                100.0 * p / f,
                q,
                bare.peak_mib,
                100.0 * q / f
            );
        }
    }
}

/// A soak run of `n` sites, 2 browsers, dwell 0: memory of the whole tree over time.
fn bench_soak(web: &TestWeb, n: usize, tmp: &Path, offset: usize) {
    let l = list(tmp, n, offset);
    println!("\nsoak: {n} sites, 2 browsers, dwell 0 (PSS of the whole tree over time)");
    let r = run_pixelcensus(web, &l, &tmp.join("soak"), 2, 0.0, true, &[]);
    println!(
        "  {:.1} sites/min, peak {:.0} MiB",
        rate(n, r.secs),
        r.peak_mib
    );
    for q in [0.1, 0.25, 0.5, 0.75, 0.95] {
        let t = r.secs * q;
        // The largest sample in a 10-second window around the point.
        let m = r
            .samples
            .iter()
            .filter(|s| (s.0 - t).abs() < 5.0)
            .map(|s| s.1)
            .max()
            .unwrap_or(0);
        println!(
            "  at {:>3.0}% of the run ({:>5.0} s): {:>6.0} MiB",
            q * 100.0,
            t,
            m as f64 / 1024.0
        );
    }
}

/// The cost of capturing the page's workers (DevTools target auto-attach on every page, each
/// worker set up before it runs, its events drained with the page's log): the same generated
/// pages crawled with it and without it (the `workers` collector switched off through
/// `PIXELCENSUS_FAIL_COLLECTOR`), 2 browsers, at `--dwell 0` and at the default 5 s.
fn bench_workers(web: &TestWeb, o: &Opts, tmp: &Path, offset: &mut usize) {
    println!(
        "\nworker capture: {} sites, 2 browsers (without = the workers collector off)",
        o.sites
    );
    println!(
        "{:>6} | {:>14} {:>9} {:>6} | {:>14} {:>9} {:>6} | {:>8}",
        "dwell", "with s/min", "peak MiB", "CPU", "without s/min", "peak MiB", "CPU", "cost"
    );
    for d in [0.0, 5.0] {
        let l = list(tmp, o.sites, *offset);
        let with = run_pixelcensus(web, &l, &tmp.join(format!("wk-{offset}")), 2, d, true, &[]);
        *offset += o.sites;
        let l = list(tmp, o.sites, *offset);
        let without = run_pixelcensus_env(
            web,
            &l,
            &tmp.join(format!("wk-{offset}")),
            2,
            d,
            true,
            &[],
            &[("PIXELCENSUS_FAIL_COLLECTOR", "workers")],
        );
        *offset += o.sites;
        let (a, b) = (rate(o.sites, with.secs), rate(o.sites, without.secs));
        // Extra time per visit (each of 2 browsers does half the visits).
        let cost_ms = (with.secs - without.secs) * 1000.0 * 2.0 / o.sites as f64;
        println!(
            "{:>5}s | {:>14.1} {:>9.0} {:>5.0}% | {:>14.1} {:>9.0} {:>5.0}% | {:>+6.0}ms",
            d, a, with.peak_mib, with.cpu_pct, b, without.peak_mib, without.cpu_pct, cost_ms
        );
    }
}
