//! End-to-end: the browser's own footprint (#43) with real Chromium and chromedriver. The
//! browser sends nothing but what pages send, a server that never answers is recorded with
//! the URL asked for, a page's workers end with its visit, a page cannot grow the profile
//! past its limit, a crawl killed with -9 leaves no browser or folder behind, and a long
//! TMPDIR still starts browsers.

use crate::common::*;
use pixelcensus::browser::PROFILE_LIMIT;
use pixelcensus::browser::session::disk_usage;
use pixelcensus::capture::Outcome;
use pixelcensus_testweb::footprint;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs a crawl with `TMPDIR` set (off the async runtime, so the test web keeps serving).
async fn crawl_with_tmp(args: Vec<String>, tmp: &Path) -> std::process::Output {
    let tmp = tmp.to_owned();
    tokio::task::spawn_blocking(move || {
        Command::new(bin())
            .args(&args)
            .env("TMPDIR", &tmp)
            .stdin(Stdio::null())
            .output()
            .expect("pixelcensus runs")
    })
    .await
    .unwrap()
}

/// Processes (other than this one) with `needle` anywhere in their command line.
fn processes_naming(needle: &Path) -> Vec<String> {
    let needle = needle.as_os_str().as_encoded_bytes();
    let me = std::process::id().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            n.bytes().all(|b| b.is_ascii_digit()) && n != me.as_str()
        })
        .filter_map(|e| {
            let cmd = std::fs::read(e.path().join("cmdline")).ok()?;
            let alive = std::fs::read_to_string(e.path().join("stat"))
                .ok()?
                .rsplit_once(") ")
                .is_some_and(|(_, r)| !r.starts_with('Z'));
            (alive && cmd.windows(needle.len()).any(|w| w == needle))
                .then(|| String::from_utf8_lossy(&cmd[..cmd.len().min(120)]).replace('\0', " "))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_sends_only_what_pages_send_and_workers_end_with_their_visit() {
    let _one = BROWSERS.lock().await;
    // One browser: the silent site is visited after the spinning one, in the same browser.
    let c = Scenario::sites("list.txt", "worker-spin.test\nsilent.test\n")
        .set("--browsers", "1")
        .crawl()
        .await;
    let (web, v) = (&c.web, visits(&c.out));

    // A server that never answered: timeout, at the URL asked for (never a start page).
    let silent = &v["silent.test"];
    assert_eq!(silent.outcome, Outcome::Timeout, "{:?}", silent.error);
    assert_eq!(silent.final_url.as_deref(), Some("https://silent.test/"));

    // Every host resolves to the test web, so Chromium's own traffic (start page, component
    // updates, accounts, dictionaries, field trials…) would be in its log: only the pages'.
    let log = web.requests();
    let pages = ["worker-spin.test", "silent.test", footprint::COLLECTOR];
    let foreign: Vec<String> = log
        .iter()
        .filter(|r| !pages.contains(&r.host.as_str()))
        .map(|r| {
            format!(
                "{} {}",
                r.url(),
                String::from_utf8_lossy(&r.body[..r.body.len().min(600)])
            )
        })
        .collect();
    assert!(
        foreign.is_empty(),
        "the browser sent requests no page made: {foreign:?}"
    );

    // The spinning workers all ran, and none outlived the visit: no heartbeat once the
    // next visit (the silent site) had started.
    let next = log
        .iter()
        .find(|r| r.host == "silent.test")
        .expect("the silent site was asked")
        .time;
    let beats: Vec<(&str, f64)> = log
        .iter()
        .filter(|r| r.host == footprint::COLLECTOR && r.path.starts_with(footprint::ALIVE))
        .map(|r| {
            let kind = ["dedicated", "shared", "service"]
                .into_iter()
                .find(|k| r.path.contains(&format!("w={k}")))
                .unwrap_or("?");
            (kind, r.time)
        })
        .collect();
    for kind in ["dedicated", "shared", "service"] {
        assert!(
            beats.iter().any(|(k, t)| *k == kind && *t < next),
            "the {kind} worker never ran: {beats:?}"
        );
    }
    let late: Vec<String> = beats
        .iter()
        .filter(|(_, t)| *t > next + 1.0)
        .map(|(k, t)| format!("{k} +{:.1} s", t - next))
        .collect();
    assert!(
        late.is_empty(),
        "workers still ran after their visit: {late:?}"
    );
    assert!(
        v["worker-spin.test"]
            .actions
            .iter()
            .any(|a| a.starts_with("ended ") && a.contains("worker(s)")),
        "{:?}",
        v["worker-spin.test"].actions
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_cannot_grow_the_profile_past_its_limit() {
    require_browser();
    let _one = BROWSERS.lock().await;
    let web = web().await;
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let list = write_list(dir.path(), "list.txt", "storage-flood.test\n");
    let out = dir.path().join("crawl");
    let mut args = crawl_args(&web, &list, &out);
    set_arg(&mut args, "--browsers", "1");
    set_arg(&mut args, "--dwell", "10");
    // The crawl's whole temporary folder, measured every 50 ms while it runs.
    let (stop, peak) = (
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
        std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0)),
    );
    let watcher = {
        let (stop, peak, tmp) = (stop.clone(), peak.clone(), tmp.clone());
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                peak.fetch_max(disk_usage(&tmp), std::sync::atomic::Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let o = crawl_with_tmp(args, &tmp).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    watcher.join().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let peak = peak.load(std::sync::atomic::Ordering::Relaxed);
    eprintln!(
        "peak of the crawl's temporary folder: {} MiB (limit {} MiB)",
        peak >> 20,
        PROFILE_LIMIT >> 20
    );

    // The page really flooded (its own reports), and was stopped near the limit.
    let written = web
        .requests()
        .iter()
        .filter(|r| r.host == footprint::COLLECTOR && r.path.starts_with(footprint::FLOODED))
        .filter_map(|r| {
            r.path
                .split(['?', '&'])
                .find_map(|kv| kv.strip_prefix("mb="))
                .and_then(|n| n.parse::<u64>().ok())
        })
        .max()
        .unwrap_or(0);
    assert!(
        written >= (PROFILE_LIMIT >> 20) / 2,
        "the page wrote only {written} MiB"
    );
    assert!(
        peak < PROFILE_LIMIT + (128 << 20),
        "the browser's folder reached {} MiB",
        peak >> 20
    );
    let v = visits(&out);
    let x = &v["storage-flood.test"];
    assert_eq!(x.outcome, Outcome::Ok, "{:?}", x.error);
    let e = x.error.as_deref().unwrap_or("");
    assert!(e.contains("visit cut off") && e.contains("profile"), "{e}");
    assert!(
        std::fs::read_dir(&tmp).unwrap().next().is_none(),
        "nothing left in TMPDIR"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_killed_with_sigkill_leaves_no_browser_behind() {
    require_browser();
    let _one = BROWSERS.lock().await;
    let web = web().await;
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let out = dir.path().join("crawl");
    let mut args = crawl_args(&web, &demo_list(), &out);
    set_arg(&mut args, "--dwell", "3");
    let mut child = Command::new(bin())
        .args(&args)
        .env("TMPDIR", &tmp)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_visits(&out, &mut child, 1).await;
    // Everything of this crawl names the test's folder: chromedriver (its log), every
    // Chromium process (its profile), the reaper (the run folder).
    let before = processes_naming(dir.path());
    assert!(
        before.iter().filter(|p| p.contains("chromium")).count() >= 2
            && before.iter().any(|p| p.contains("chromedriver")),
        "{before:#?}"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let start = Instant::now();
    let mut left = processes_naming(dir.path());
    // Generous bounds: a loaded machine ends 20 processes slowly; they normally go in < 1 s.
    while !left.is_empty() && start.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        left = processes_naming(dir.path());
    }
    eprintln!(
        "processes of the crawl: {} before kill -9, {} left after {:.1} s",
        before.len(),
        left.len(),
        start.elapsed().as_secs_f32()
    );
    assert!(
        left.is_empty(),
        "still running 30 s after kill -9: {left:#?}"
    );
    let mut folders: Vec<_> = std::fs::read_dir(&tmp).unwrap().flatten().collect();
    while !folders.is_empty() && start.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        folders = std::fs::read_dir(&tmp).unwrap().flatten().collect();
    }
    assert!(
        folders.is_empty(),
        "left in TMPDIR 30 s after kill -9: {folders:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_runs_from_a_sixty_character_tmpdir() {
    require_browser();
    let _one = BROWSERS.lock().await;
    let web = web().await;
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().display().to_string();
    let tmp = Path::new(&base).join("t".repeat(60usize.saturating_sub(base.len() + 1).max(8)));
    assert!(tmp.as_os_str().len() >= 60, "{}", tmp.display());
    std::fs::create_dir_all(&tmp).unwrap();
    let list = write_list(dir.path(), "list.txt", "ga4-blog.test\n");
    let out = dir.path().join("crawl");
    let mut args = crawl_args(&web, &list, &out);
    set_arg(&mut args, "--browsers", "1");
    let o = crawl_with_tmp(args, &tmp).await;
    assert!(o.status.success(), "{}", stderr(&o));
    let v = visits(&out);
    assert_eq!(
        v["ga4-blog.test"].outcome,
        Outcome::Ok,
        "{:?}",
        v["ga4-blog.test"].error
    );
    assert!(
        std::fs::read_dir(&tmp).unwrap().next().is_none(),
        "nothing left in TMPDIR"
    );
    // The short socket link in /tmp went with the run.
    let links: Vec<_> = std::fs::read_dir("/tmp")
        .unwrap()
        .flatten()
        .filter(|e| std::fs::read_link(e.path()).is_ok_and(|t| t.starts_with(&tmp)))
        .collect();
    assert!(links.is_empty(), "{links:?}");
}
