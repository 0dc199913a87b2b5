//! End-to-end: the crawl survives kill -9, refuses a second process on the same store,
//! replaces a hung browser, and rejects malformed lists before any visit.

use crate::common::*;
use pixelcensus::capture::Outcome;
use pixelcensus_testweb::sites;
use std::time::Duration;

/// Kill -9 mid-crawl, a second process refused meanwhile, then a rerun that records every
/// site exactly once. The demo list's first 16 sites (the whole list took a minute and
/// showed nothing more: the kill comes after 4 visits either way).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_crawl_resumes_with_every_site_recorded_once() {
    require_browser();
    let _one = BROWSERS.lock().await;
    let web = web().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("crawl");
    const SITES: usize = 16;
    let demo = std::fs::read_to_string(demo_list()).unwrap();
    let head: Vec<&str> = demo.lines().take(SITES).collect();
    let list = write_list(dir.path(), "head.csv", &head.join("\n"));
    let args = crawl_args(&web, &list, &out);
    let mut child = spawn(&args);

    // Wait until a few visits are recorded, then make sure a second crawl is refused.
    wait_for_visits(&out, &mut child, 4).await;
    let second = run(args.clone()).await;
    assert_eq!(
        second.status.code(),
        Some(1),
        "a second crawl on the same folder must be refused"
    );
    let msg = stderr(&second);
    assert!(
        msg.contains("already using") && msg.contains(&child.id().to_string()),
        "{msg}"
    );

    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let recorded = count(&out, "SELECT count(*) FROM visits");
    assert!(
        recorded < SITES as i64,
        "the kill came too late to test anything ({recorded} visits)"
    );

    let o = run(args).await;
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("resuming"), "{err}");
    let n = SITES;
    assert!(err.contains(&format!("{n} of {n} sites recorded")), "{err}");
    assert_eq!(count(&out, "SELECT count(*) FROM visits"), SITES as i64);
    assert_eq!(
        count(&out, "SELECT count(DISTINCT target_id) FROM visits"),
        SITES as i64
    );
    assert_eq!(
        count(&out, "SELECT count(*) FROM targets WHERE state != 'done'"),
        0
    );
    assert_eq!(
        count(
            &out,
            "SELECT count(*) FROM requests WHERE visit_id NOT IN (SELECT id FROM visits)"
        ),
        0,
        "no orphaned requests"
    );
    let (h, rows) = read_csv(&out.join("sites.csv"));
    let (domain, status) = (
        h.iter().position(|c| c == "site").unwrap(),
        h.iter().position(|c| c == "status").unwrap(),
    );
    let mut domains: Vec<_> = rows.iter().map(|r| r[domain].clone()).collect();
    domains.sort();
    domains.dedup();
    assert_eq!(domains.len(), SITES);
    assert_eq!(rows.len(), SITES, "one row per site");
    assert!(rows.iter().all(|r| r[status] != "pending"));
    web.stop();
}

/// A page that spins its main thread after load holds chromedriver; the visit closes its tab
/// from the DevTools endpoint, keeps what the page sent, records it ok with a note, and the
/// crawl goes on with a fresh browser.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spinning_page_is_cut_off_from_outside_and_kept_with_its_capture() {
    require_browser();
    let _one = BROWSERS.lock().await;
    let web = web().await;
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(dir.path(), "hog.txt", "hog.test\nclean.test\n");
    let out = dir.path().join("crawl");
    let mut args = crawl_args(&web, &list, &out);
    set_arg(&mut args, "--browsers", "1");
    args.extend(["--command-timeout", "4"].map(String::from));
    let o = run(args).await;
    assert!(o.status.success(), "{}", stderr(&o));
    let store = store(&out);
    let outcome = |d: &str| {
        let (_, _, id) = store
            .targets()
            .unwrap()
            .into_iter()
            .find(|(t, _, _)| t.domain == d)
            .unwrap();
        store.load_visit(id.unwrap()).unwrap().visit
    };
    let hog = outcome("hog.test");
    // The page loaded, then its main thread spun: the visit was cut off from outside (its tab
    // closed through DevTools) and recorded ok with what it sent while loading.
    assert_eq!(hog.outcome, Outcome::Ok, "{:?}", hog.error);
    let err = hog.error.clone().unwrap_or_default();
    assert!(err.contains("visit cut off"), "{err}");
    assert!(
        hog.requests
            .iter()
            .any(|r| r.url.contains("/g/collect") && r.url.contains(sites::GA4_ID)),
        "the GA4 hit sent during the load is kept: {:?}",
        hog.requests.iter().map(|r| &r.url).collect::<Vec<_>>()
    );
    assert!(
        hog.actions.iter().any(|a| a.starts_with("visit cut off")),
        "{:?}",
        hog.actions
    );
    assert_eq!(
        count(
            &out,
            "SELECT attempts FROM targets WHERE domain = 'hog.test'"
        ),
        1,
        "one claim, no retry"
    );
    assert!(
        stderr(&o).contains("browsers replaced: 1"),
        "the spoiled browser was replaced once: {}",
        stderr(&o)
    );
    assert_eq!(
        outcome("clean.test").outcome,
        Outcome::Ok,
        "the crawl went on with a fresh browser"
    );
    web.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_list_is_refused_before_any_visit_and_can_be_skipped() {
    require_browser();
    let web = web().await;
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(
        dir.path(),
        "bad.csv",
        "1,clean.test\n2,json-api.test\nthree,oops.test\n4,not a domain\n",
    );
    let out = dir.path().join("crawl");
    let o = run(crawl_args(&web, &list, &out)).await;
    assert_eq!(o.status.code(), Some(1));
    let msg = stderr(&o);
    assert!(msg.contains("bad.csv, line 3:"), "{msg}");
    assert!(msg.contains("three,oops.test"), "{msg}");
    assert!(msg.contains("2 malformed lines"), "{msg}");
    assert!(msg.contains("--skip-bad-lines"), "{msg}");
    assert!(!out.exists(), "nothing is created before the list is valid");
    assert!(web.requests().is_empty(), "no site was visited");

    let _one = BROWSERS.lock().await;
    let mut args = crawl_args(&web, &list, &out);
    args.push("--skip-bad-lines".into());
    let o = run(args).await;
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("skipped 2 malformed line(s)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(count(&out, "SELECT count(*) FROM visits"), 2);
    web.stop();
}

/// A site whose visits were started three times by runs that were each killed is recorded as
/// `crawler_crash` by the next run, which visits the other sites as usual.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_that_kills_the_crawler_is_given_up_after_max_attempts() {
    require_browser();
    let _one = BROWSERS.lock().await;
    let web = web().await;
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(dir.path(), "two.txt", "killer.test\nclean.test\n");
    let out = dir.path().join("crawl");
    {
        // Three runs, each killed while visiting killer.test (the store as they leave it).
        let mut st = pixelcensus::store::Store::create(&out).unwrap();
        let targets = pixelcensus::list::read_list(&list, &Default::default())
            .unwrap()
            .targets;
        st.add_targets(&targets, &[pixelcensus::capture::ConsentMode::None])
            .unwrap();
        for _ in 0..3 {
            let c = st.claim_next().unwrap().unwrap();
            assert_eq!(c.target.domain, "killer.test");
            st.reset_interrupted().unwrap();
        }
    }
    let o = run(crawl_args(&web, &list, &out)).await;
    assert!(o.status.success(), "{}", stderr(&o));
    let v = visits(&out);
    assert_eq!(v["killer.test"].outcome, Outcome::CrawlerCrash);
    assert!(
        v["killer.test"]
            .error
            .as_deref()
            .unwrap_or("")
            .contains("3 visits of this site were started"),
        "{:?}",
        v["killer.test"].error
    );
    assert_eq!(v["clean.test"].outcome, Outcome::Ok);
    assert_eq!(
        count(
            &out,
            "SELECT attempts FROM targets WHERE domain = 'killer.test'"
        ),
        4
    );
    web.stop();
}

/// chromedriver killed mid-crawl: it is restarted and the crawl completes with every site.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_chromedriver_is_restarted_and_the_crawl_completes() {
    require_browser();
    let _one = BROWSERS.lock().await;
    let web = web().await;
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(
        dir.path(),
        "few.csv",
        "1,clean.test\n2,ga4-blog.test\n3,meta-news.test\n4,cookie-sync.test\n5,beacons.test\n6,sst-shop.test\n",
    );
    let out = dir.path().join("crawl");
    let args = crawl_args(&web, &list, &out);
    let mut child = spawn(&args);
    wait_for_visits(&out, &mut child, 1).await;
    let driver = children_named(child.id(), "chromedriver");
    assert_eq!(
        driver.len(),
        1,
        "exactly one chromedriver, started by pixelcensus"
    );
    // SAFETY: killing the chromedriver child of the crawl under test.
    unsafe { libc::kill(driver[0], libc::SIGKILL) };
    let o = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("6 of 6 sites recorded"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("chromedriver restarts: 1"),
        "{}",
        stderr(&o)
    );
    web.stop();
}

fn children_named(parent: u32, name: &str) -> Vec<i32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let Some((comm, rest)) = stat.split_once(") ") else {
                return false;
            };
            let ppid = rest
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u32>().ok());
            comm.ends_with(name) && ppid == Some(parent)
        })
        .collect()
}

/// Ctrl-C stops the crawl with exit status 130 and says how to continue; the same command
/// then finishes it with every site recorded once.
/// Ctrl-C (SIGINT), SIGTERM (`systemctl stop`, `kill`) and SIGHUP (a closed terminal) stop a
/// crawl the same way: datasets of what is done, visits in flight back to pending, exit 130,
/// 143 and 129, a message saying how to go on; the rerun completes with every site once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_sigterm_and_sighup_stop_and_the_crawl_resumes() {
    require_browser();
    let _one = BROWSERS.lock().await;
    let web = web().await;
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(
        dir.path(),
        "few.csv",
        "1,clean.test\n2,ga4-blog.test\n3,meta-news.test\n4,x-news.test\n5,uet-shop.test\n6,reddit-forum.test\n7,linkedin-b2b.test\n8,cookie-sync.test\n9,tiktok-shop.test\n10,pinterest-crafts.test\n11,snap-store.test\n12,hotjar-bank.test\n",
    );
    let out = dir.path().join("crawl");
    let args = crawl_args(&web, &list, &out);
    for (sig, code, name) in [
        (libc::SIGTERM, 143, "SIGTERM"),
        (libc::SIGHUP, 129, "SIGHUP"),
    ] {
        let before = try_count(&out, "SELECT count(*) FROM visits");
        let mut child = spawn(&args);
        wait_for_visits(&out, &mut child, before + 1).await;
        // SAFETY: signalling the crawl under test, as systemd or a closing terminal would.
        unsafe { libc::kill(child.id() as i32, sig) };
        let o = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
            .await
            .unwrap();
        assert_eq!(o.status.code(), Some(code), "{name}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("interrupted ({name})")),
            "{}",
            stderr(&o)
        );
        assert_eq!(
            count(
                &out,
                "SELECT count(*) FROM targets WHERE state = 'in_progress'"
            ),
            0,
            "{name}: visits in flight are back to pending"
        );
        let (_, rows) = read_csv(&out.join("sites.csv"));
        assert_eq!(rows.len(), 12, "{name}: datasets written for what is done");
    }
    let o = run(args).await;
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("12 of 12 sites recorded"),
        "{}",
        stderr(&o)
    );
    assert_eq!(count(&out, "SELECT count(*) FROM visits"), 12);
}

/// `--webdriver URL` uses an endpoint that is already running and starts no chromedriver.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_webdriver_endpoint_is_used() {
    require_browser();
    let _one = BROWSERS.lock().await;
    let web = web().await;
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut driver = std::process::Command::new(pixelcensus::browser::DEFAULT_CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    pixelcensus::browser::driver::wait_ready(
        &format!("http://127.0.0.1:{port}/"),
        Duration::from_secs(20),
    )
    .await
    .unwrap();
    let list = write_list(dir.path(), "two.csv", "1,clean.test\n2,ga4-blog.test\n");
    let out = dir.path().join("crawl");
    let mut args = crawl_args(&web, &list, &out);
    args.extend([
        "--webdriver".to_string(),
        format!("http://127.0.0.1:{port}"),
    ]);
    let child = spawn(&args);
    let pid = child.id();
    let mut own_driver = false;
    let o = tokio::task::spawn_blocking(move || {
        let mut child = child;
        // Watch for a chromedriver child of pixelcensus while it runs.
        while child.try_wait().unwrap().is_none() {
            own_driver |= !children_named(pid, "chromedriver").is_empty();
            std::thread::sleep(Duration::from_millis(100));
        }
        (child.wait_with_output().unwrap(), own_driver)
    })
    .await
    .unwrap();
    let _ = driver.kill();
    let _ = driver.wait();
    assert!(o.0.status.success(), "{}", stderr(&o.0));
    assert!(!o.1, "pixelcensus started its own chromedriver");
    assert_eq!(
        count(&out, "SELECT count(*) FROM visits WHERE status = 'ok'"),
        2
    );
    // An endpoint that does not answer is a clear error, not a hang.
    let mut args = crawl_args(&web, &list, &dir.path().join("other"));
    args.extend(["--webdriver".to_string(), "http://127.0.0.1:9".to_string()]);
    let o = run(args).await;
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("does not answer /status"),
        "{}",
        stderr(&o)
    );
}
