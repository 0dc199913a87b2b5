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
//! 200 ms. Then a soak run (default 500 sites, 2 browsers, dwell 0) prints memory over time.
//!
//! Options: `--sites N` (default 40), `--soak N` (default 500, 0 to skip), `--dwells 0,2`,
//! `--browsers 1,2`.

use pixelcensus::browser::driver::Driver;
use pixelcensus::browser::{self, BrowserConfig};
use pixelcensus::testweb::TestWeb;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

struct Opts {
    sites: usize,
    soak: usize,
    dwells: Vec<f64>,
    browsers: Vec<usize>,
}

fn parse_opts() -> Opts {
    let mut o = Opts {
        sites: 40,
        soak: 500,
        dwells: vec![0.0, 2.0],
        browsers: vec![1, 2],
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let v = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--sites" => o.sites = v.parse().expect("--sites N"),
            "--soak" => o.soak = v.parse().expect("--soak N"),
            "--dwells" => {
                o.dwells = v
                    .split(',')
                    .map(|x| x.parse().expect("--dwells 0,2"))
                    .collect()
            }
            "--browsers" => {
                o.browsers = v
                    .split(',')
                    .map(|x| x.parse().expect("--browsers 1,2"))
                    .collect()
            }
            other => panic!("unknown option {other}; see the top of examples/bench.rs"),
        }
        i += 2;
    }
    o
}

/// PSS in KiB of `root` and all its descendants.
fn tree_pss_kib(root: u32) -> u64 {
    let mut parent_of = Vec::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        if let Some((_, rest)) = stat.rsplit_once(") ")
            && let Some(ppid) = rest
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u32>().ok())
        {
            parent_of.push((pid, ppid));
        }
    }
    let mut tree = vec![root];
    let mut grew = true;
    while grew {
        grew = false;
        for &(pid, ppid) in &parent_of {
            if tree.contains(&ppid) && !tree.contains(&pid) {
                tree.push(pid);
                grew = true;
            }
        }
    }
    tree.iter()
        .map(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
                .unwrap_or_default()
                .lines()
                .find_map(|l| {
                    l.strip_prefix("Pss:")
                        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                })
                .unwrap_or(0)
        })
        .sum()
}

/// Samples a process tree's memory until `stop`; returns (elapsed, KiB) samples.
fn sampler(root: u32, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<Vec<(f64, u64)>> {
    std::thread::spawn(move || {
        let start = Instant::now();
        let mut out = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            out.push((start.elapsed().as_secs_f64(), tree_pss_kib(root)));
            std::thread::sleep(Duration::from_millis(200));
        }
        out
    })
}

fn list(dir: &Path, n: usize, offset: usize) -> PathBuf {
    let p = dir.join(format!("bench-{offset}-{n}.csv"));
    let text: String = (0..n)
        .map(|i| format!("{},bench-{}.test\n", i + 1, offset + i))
        .collect();
    std::fs::write(&p, text).unwrap();
    p
}

struct Run {
    secs: f64,
    peak_mib: f64,
    samples: Vec<(f64, u64)>,
}

fn run_pixelcensus(
    web: &TestWeb,
    list: &Path,
    out: &Path,
    browsers: usize,
    dwell: f64,
    interact: bool,
) -> Run {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/pixelcensus");
    let mut cmd = std::process::Command::new(&bin);
    cmd.args(["crawl", "--list"])
        .arg(list)
        .arg("--out")
        .arg(out);
    cmd.args(["--host-map", &web.host_map(), "--insecure", "-q"]);
    cmd.args([
        "--browsers",
        &browsers.to_string(),
        "--dwell",
        &dwell.to_string(),
        "--page-timeout",
        "15",
    ]);
    if !interact {
        cmd.arg("--no-interact");
    }
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
    }
}

async fn run_floor(
    web: &TestWeb,
    n: usize,
    offset: usize,
    browsers: usize,
    dwell: f64,
    tmp: &Path,
) -> Run {
    let version = browser::chromium_version(Path::new(browser::DEFAULT_CHROMIUM)).unwrap();
    let cfg = BrowserConfig {
        chromium: browser::DEFAULT_CHROMIUM.into(),
        chromedriver: browser::DEFAULT_CHROMEDRIVER.into(),
        webdriver: None,
        host_map: Some(web.host_map()),
        insecure: true,
        user_agent: browser::user_agent_for(&version),
        command_timeout: Duration::from_secs(30),
        profile_root: tmp.to_owned(),
    };
    let mut driver = Driver::start(
        Path::new(browser::DEFAULT_CHROMEDRIVER),
        &tmp.join("floor-chromedriver.log"),
    )
    .await
    .unwrap();
    let port: u16 = driver
        .url()
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let driver_pid = find_listener_pid(port).expect("chromedriver pid");
    let stop = Arc::new(AtomicBool::new(false));
    let s = sampler(driver_pid, stop.clone());
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for b in 0..browsers {
        let (cfg, url, next) = (cfg.clone(), driver.url().to_string(), next.clone());
        tasks.push(tokio::spawn(async move {
            let profile = cfg.profile_root.join(format!("floor-{b}"));
            std::fs::create_dir_all(&profile).unwrap();
            let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
            let caps = json!({
                "browserName": "chrome",
                "acceptInsecureCerts": true,
                "goog:chromeOptions": { "binary": cfg.chromium, "args": browser::chromium_args(&cfg, &profile) },
            });
            let serde_json::Value::Object(caps) = caps else { unreachable!() };
            let mut builder = fantoccini::ClientBuilder::rustls().unwrap();
            builder.capabilities(caps);
            let c = builder.connect(&url).await.expect("floor session");
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let _ = c.goto(&format!("https://bench-{}.test/", offset + i)).await;
                tokio::time::sleep(Duration::from_secs_f64(dwell)).await;
            }
            let _ = c.close().await;
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let samples = s.join().unwrap();
    driver.shutdown().await;
    browser::procs::kill_matching(&tmp.to_string_lossy());
    let peak = samples.iter().map(|x| x.1).max().unwrap_or(0);
    Run {
        secs,
        peak_mib: peak as f64 / 1024.0,
        samples,
    }
}

/// The pid of the process listening on a loopback port (chromedriver), via /proc/net/tcp.
fn find_listener_pid(port: u16) -> Option<u32> {
    let tcp = std::fs::read_to_string("/proc/net/tcp").ok()?;
    let inode = tcp.lines().skip(1).find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        let local_port = u16::from_str_radix(f.get(1)?.rsplit(':').next()?, 16).ok()?;
        (local_port == port && f.get(3) == Some(&"0A")).then(|| f.get(9).map(|s| s.to_string()))?
    })?;
    let needle = format!("socket:[{inode}]");
    for e in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        for fd in std::fs::read_dir(e.path().join("fd"))
            .into_iter()
            .flatten()
            .flatten()
        {
            if std::fs::read_link(fd.path())
                .ok()
                .is_some_and(|l| l.to_string_lossy() == needle)
            {
                return Some(pid);
            }
        }
    }
    None
}

fn rate(n: usize, secs: f64) -> f64 {
    n as f64 / (secs / 60.0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let o = parse_opts();
    let web = TestWeb::start(0, None).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
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
    let mut offset = 0;
    for &b in &o.browsers {
        for &d in &o.dwells {
            // Fresh host names per run so no cache or connection is shared between runs.
            let floor = run_floor(&web, o.sites, offset, b, d, tmp.path()).await;
            offset += o.sites;
            let l = list(tmp.path(), o.sites, offset);
            let full = run_pixelcensus(
                &web,
                &l,
                &tmp.path().join(format!("pc-{offset}")),
                b,
                d,
                true,
            );
            offset += o.sites;
            let l = list(tmp.path(), o.sites, offset);
            let bare = run_pixelcensus(
                &web,
                &l,
                &tmp.path().join(format!("pcn-{offset}")),
                b,
                d,
                false,
            );
            offset += o.sites;
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
    if o.soak > 0 {
        let l = list(tmp.path(), o.soak, offset);
        println!(
            "\nsoak: {} sites, 2 browsers, dwell 0 (PSS of the whole tree over time)",
            o.soak
        );
        let r = run_pixelcensus(&web, &l, &tmp.path().join("soak"), 2, 0.0, true);
        println!(
            "  {:.1} sites/min, peak {:.0} MiB",
            rate(o.soak, r.secs),
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
    web.stop();
}
