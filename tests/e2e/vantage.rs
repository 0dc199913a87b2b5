//! End-to-end: crawling from elsewhere (#40). Two real proxies from Debian stand for two
//! regions: microsocks (SOCKS5 with a user name and password) connecting from 127.0.0.2,
//! "EU", and tinyproxy (HTTP CONNECT with Basic credentials) connecting from 127.0.0.3,
//! "US". Each runs in a mount namespace of its own whose /etc/hosts names the test web's
//! hosts at the address the test web listens on (ports 443 and 80 of 127.40.0.1) and whose
//! resolv.conf names no server, so a proxy reaches the test web and nothing else. The test web
//! tells visitors apart by the address a connection comes from: region-news.test shows EU
//! visitors a consent banner and its Meta Pixel only after "accept", everyone else the pixel
//! at once, and phones a LinkedIn tag besides. The same list is crawled as desktop/US,
//! mobile/US and desktop/EU; then a proxy dies under a crawl, and one is dead from the start.
//!
//! Needs root (ports 443 and 80, `unshare --mount`) and `microsocks` and `tinyproxy` (`make
//! proxy-deps`); CI runs as root.

use crate::common::*;
use pixelcensus_testweb::TestWeb;
use pixelcensus_testweb::vantage::{EU, ORIGIN, PHONE_TAG, REGION_PIXEL, SITE, US};
use serde_json::Value;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};

/// The credentials both proxies want (never to be found in a crawl's output).
pub(crate) const USER: &str = "pc-vantage-user";
pub(crate) const PASSWORD: &str = "Kx7-not-in-any-output-9Qz";

/// One of the test's proxies.
pub(crate) struct Proxy {
    child: Mutex<Child>,
    /// Holds the proxy's own PID.
    pidfile: PathBuf,
    /// `socks5://…` or `http://…`.
    pub(crate) url: String,
    /// The address it connects to sites from.
    from: IpAddr,
}

impl Proxy {
    fn kill(&self) {
        if let Ok(pid) = std::fs::read_to_string(&self.pidfile) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
        let mut c = self.child.lock().unwrap();
        let _ = c.wait();
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The test web on 127.40.0.1:443 and :80, and the two proxies.
pub(crate) struct World {
    pub(crate) web: TestWeb,
    pub(crate) eu: Proxy,
    us: Proxy,
    /// The proxies' hosts file and configuration.
    dir: tempfile::TempDir,
}

fn need(cmd: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "{cmd} is missing: `make proxy-deps` installs Debian's microsocks and tinyproxy for the vantage tests"
    );
}

/// A free port on `ip`.
fn free_port(ip: [u8; 4]) -> u16 {
    std::net::TcpListener::bind(SocketAddr::from((ip, 0)))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `cmd` in a mount namespace whose /etc/hosts is `dir`/hosts and whose resolv.conf
/// names no server. The shell around it kills it when this test binary ends (statics are
/// never dropped), and writes its PID to `pidfile` for [`Proxy::kill`].
fn in_namespace(dir: &Path, cmd: &str, pidfile: &Path) -> Child {
    let script = format!(
        "mount --bind {d}/hosts /etc/hosts && mount --bind {d}/resolv.conf /etc/resolv.conf || exit 1
{cmd} & p=$!; echo $p > {pf}
while kill -0 {me} 2>/dev/null && kill -0 $p 2>/dev/null; do sleep 0.3; done
kill $p 2>/dev/null",
        d = dir.display(),
        pf = pidfile.display(),
        me = std::process::id()
    );
    Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("unshare runs")
}

/// Waits until something accepts connections on `addr`.
fn wait_listening(addr: SocketAddr, what: &str) {
    for _ in 0..100 {
        if std::net::TcpStream::connect(addr).is_ok() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("{what} does not listen on {addr}");
}

/// microsocks on 127.0.0.2 ("EU"), on `port` (0: a free one).
fn start_eu(dir: &Path, port: u16) -> Proxy {
    let port = if port == 0 { free_port(EU) } else { port };
    let ip = IpAddr::from(EU);
    let pidfile = dir.join(format!("microsocks-{port}.pid"));
    let child = in_namespace(
        dir,
        &format!("microsocks -i {ip} -p {port} -b {ip} -u {USER} -P {PASSWORD}"),
        &pidfile,
    );
    wait_listening(SocketAddr::new(ip, port), "microsocks");
    Proxy {
        child: Mutex::new(child),
        pidfile,
        url: format!("socks5h://{ip}:{port}"),
        from: ip,
    }
}

/// tinyproxy on 127.0.0.3 ("US").
fn start_us(dir: &Path) -> Proxy {
    let port = free_port(US);
    let ip = IpAddr::from(US);
    let conf = dir.join("tinyproxy.conf");
    std::fs::write(
        &conf,
        format!(
            "Port {port}\nListen {ip}\nBind {ip}\nTimeout 60\nMaxClients 200\nAllow 127.0.0.0/8\nBasicAuth {USER} {PASSWORD}\nDisableViaHeader Yes\nLogLevel Warning\n"
        ),
    )
    .unwrap();
    let pidfile = dir.join("tinyproxy.pid");
    let child = in_namespace(
        dir,
        &format!("tinyproxy -d -c {}", conf.display()),
        &pidfile,
    );
    wait_listening(SocketAddr::new(ip, port), "tinyproxy");
    Proxy {
        child: Mutex::new(child),
        pidfile,
        url: format!("http://{ip}:{port}"),
        from: ip,
    }
}

pub(crate) fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    shared(&WORLD, || async {
        require_browser();
        need("microsocks");
        need("tinyproxy");
        need("unshare");
        let web = TestWeb::start_on(
            &[
                SocketAddr::from((ORIGIN, 443)),
                SocketAddr::from((ORIGIN, 80)),
            ],
            None,
            0,
        )
        .await
        .expect("the test web listens on 127.40.0.1:443 and :80 (run as root)");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("hosts"),
            pixelcensus_testweb::hosts_file(IpAddr::from(ORIGIN)),
        )
        .unwrap();
        std::fs::write(dir.path().join("resolv.conf"), "nameserver 127.0.0.1\n").unwrap();
        let eu = start_eu(dir.path(), 0);
        let us = start_us(dir.path());
        World { web, eu, us, dir }
    })
}

/// The list every visitor crawls.
pub(crate) const LIST: &str = "region-news.test\ndevice.test\n";

/// A crawl's arguments through `proxy` as `vantage`.
pub(crate) fn args(
    list: &Path,
    out: &Path,
    proxy: &str,
    vantage: &str,
    extra: &[&str],
) -> Vec<String> {
    let mut a: Vec<String> = [
        "crawl",
        "--list",
        &list.display().to_string(),
        "--out",
        &out.display().to_string(),
        "--proxy",
        proxy,
        "--vantage",
        vantage,
        "--echo-url",
        "https://echo.test/ip",
        "--insecure",
        "--browsers",
        "1",
        "--dwell",
        "1",
        "--page-timeout",
        "8",
        "--pages",
        "1",
        "--consent",
        "accept",
        "--consent-wait",
        "2",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

/// One visitor's crawl, and the addresses the test web's requests came from meanwhile.
struct Visitor {
    out: PathBuf,
    peers: Vec<String>,
    stderr: String,
    _dir: tempfile::TempDir,
}

async fn visit_as(proxy: &Proxy, vantage: &str, extra: &[&str]) -> Visitor {
    let w = world();
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(dir.path(), "list.txt", LIST);
    let out = dir.path().join(vantage);
    let before = w.web.requests().len();
    let o = run_env(
        args(&list, &out, &proxy.url, vantage, extra),
        vec![("PIXELCENSUS_PROXY_AUTH", format!("{USER}:{PASSWORD}"))],
    )
    .await;
    assert!(o.status.success(), "crawl failed: {}", stderr(&o));
    let peers = w.web.requests()[before..]
        .iter()
        .map(|l| l.peer.clone())
        .collect();
    Visitor {
        out,
        peers,
        stderr: stderr(&o),
        _dir: dir,
    }
}

fn us_desktop() -> &'static Visitor {
    static V: OnceLock<Visitor> = OnceLock::new();
    let w = world();
    shared(&V, || visit_as(&w.us, "us", &[]))
}

fn us_mobile() -> &'static Visitor {
    static V: OnceLock<Visitor> = OnceLock::new();
    let w = world();
    shared(&V, || visit_as(&w.us, "us-mobile", &["--device", "mobile"]))
}

fn eu_desktop() -> &'static Visitor {
    static V: OnceLock<Visitor> = OnceLock::new();
    let w = world();
    shared(&V, || visit_as(&w.eu, "eu", &[]))
}

/// site → tracker → pixel IDs, of site_trackers.csv's fired trackers.
pub(crate) fn trackers(out: &Path, site: &str) -> Vec<(String, String)> {
    rows(out, "site_trackers.csv")
        .into_iter()
        .filter(|r| r["site"] == site)
        .map(|r| (r["tracker"].clone(), r["pixel_ids"].clone()))
        .collect()
}

pub(crate) fn has(t: &[(String, String)], tracker: &str, id: &str) -> bool {
    t.iter().any(|(n, ids)| n == tracker && ids.contains(id))
}

pub(crate) fn consent_row(out: &Path, site: &str) -> std::collections::BTreeMap<String, String> {
    rows(out, "consent.csv")
        .into_iter()
        .find(|r| r["site"] == site)
        .unwrap_or_else(|| panic!("no consent.csv row for {site}"))
}

fn manifest(out: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap()
}

/// Every visitor sees the web of its region and device: the EU one a banner and the Meta
/// Pixel only after accepting it, the US ones the pixel at once, the phone its own tags; every
/// request the test web received came from the visitor's proxy, and the manifest records the
/// vantage with the exit address the echo URL answered through the proxy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_visitors_see_the_web_of_their_region_and_device() {
    let w = world();
    for (v, proxy, vantage, device) in [
        (us_desktop(), &w.us, "us", "desktop"),
        (us_mobile(), &w.us, "us-mobile", "mobile"),
        (eu_desktop(), &w.eu, "eu", "desktop"),
    ] {
        let from = proxy.from.to_string();
        assert!(!v.peers.is_empty());
        assert!(
            v.peers.iter().all(|p| *p == from),
            "{vantage}: requests not from the proxy's address {from}: {:?}",
            v.peers.iter().filter(|p| **p != from).collect::<Vec<_>>()
        );
        assert!(
            v.stderr.contains(&format!("exit address {from}")),
            "{}",
            v.stderr
        );
        let m = manifest(&v.out);
        assert_eq!(m["vantage"]["name"], vantage, "{m}");
        assert_eq!(m["vantage"]["device"], device);
        let check = &m["vantage"]["proxy_checks"][0];
        assert_eq!(check["proxy"], proxy.url.as_str());
        assert_eq!(check["exit_address"], from.as_str());
        assert_eq!(check["credentials"], true);
        for r in rows(&v.out, "sites.csv") {
            assert_eq!(
                (
                    r["status"].as_str(),
                    r["device"].as_str(),
                    r["vantage"].as_str()
                ),
                ("ok", device, vantage),
                "{r:?}"
            );
        }
    }
    // US, desktop: the pixel at once, no banner, no phone tags.
    let us = &us_desktop().out;
    let t = trackers(us, SITE);
    assert!(has(&t, "Meta Pixel", REGION_PIXEL), "{t:?}");
    assert!(!has(&t, "LinkedIn Insight Tag", PHONE_TAG), "{t:?}");
    let c = consent_row(us, SITE);
    assert_eq!(c["banner_found"], "false", "{c:?}");
    assert!(c["trackers_before_choice"].contains("Meta Pixel"), "{c:?}");
    assert!(
        !trackers(us, "device.test")
            .iter()
            .any(|(n, _)| n == "Meta Pixel")
    );
    // US, phone: the server's phone tag and device.test's phone pixel besides.
    let mobile = &us_mobile().out;
    let t = trackers(mobile, SITE);
    assert!(
        has(&t, "Meta Pixel", REGION_PIXEL) && has(&t, "LinkedIn Insight Tag", PHONE_TAG),
        "{t:?}"
    );
    assert!(has(
        &trackers(mobile, "device.test"),
        "Meta Pixel",
        pixelcensus_testweb::device::PHONE_PIXEL
    ));
    // EU, desktop: the banner, accepted; the pixel only after the choice.
    let eu = &eu_desktop().out;
    let c = consent_row(eu, SITE);
    assert_eq!(
        (
            c["banner_found"].as_str(),
            c["cmp"].as_str(),
            c["action"].as_str(),
            c["action_ok"].as_str()
        ),
        ("true", "Onetrust", "accept", "true"),
        "{c:?}"
    );
    assert!(!c["trackers_before_choice"].contains("Meta Pixel"), "{c:?}");
    assert!(c["trackers_after_choice"].contains("Meta Pixel"), "{c:?}");
}

/// The proxies' credentials are nowhere in what a crawl leaves behind: store, datasets,
/// manifest, report, logs; nor in its stderr.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_credentials_appear_nowhere_in_the_output() {
    for v in [us_desktop(), eu_desktop()] {
        assert!(!v.stderr.contains(PASSWORD) && !v.stderr.contains(USER));
        let mut files = 0;
        for e in walkdir(&v.out) {
            let bytes = std::fs::read(&e).unwrap();
            files += 1;
            for secret in [PASSWORD, USER] {
                assert!(
                    !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                    "{} holds `{secret}`",
                    e.display()
                );
            }
        }
        assert!(files >= 8, "{files} files");
    }
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// `compare` puts the two regions side by side: the same sites, the trackers alike (the EU
/// visitor accepted), and region-news.test's consent outcome apart: a OneTrust banner in the
/// EU only, and the Meta Pixel fired before any choice in the US only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_puts_the_eu_beside_the_us() {
    let (us, eu) = (&us_desktop().out, &eu_desktop().out);
    let dir = tempfile::tempdir().unwrap();
    let c = run(vec![
        "compare".into(),
        us.display().to_string(),
        eu.display().to_string(),
        "--mode".into(),
        "accept".into(),
        "--out".into(),
        dir.path().display().to_string(),
    ])
    .await;
    assert!(c.status.success(), "{}", stderr(&c));
    let e = stderr(&c);
    assert!(
        e.contains("(desktop, us) →") && e.contains("(desktop, eu)"),
        "{e}"
    );
    assert!(e.contains("0 sites gained or lost a tracker"), "{e}");
    assert!(
        e.contains(
            "1 sites' consent banner or trackers before the choice differ: region-news.test"
        ),
        "{e}"
    );
    let sites = rows(dir.path(), "compare_sites.csv");
    assert_eq!(sites.len(), 1, "{sites:?}");
    let r = &sites[0];
    assert_eq!(
        (
            r["site"].as_str(),
            r["banner_old"].as_str(),
            r["banner_new"].as_str()
        ),
        (SITE, "none", "Onetrust"),
        "{r:?}"
    );
    assert!(r["before_choice_old"].contains("Meta Pixel"), "{r:?}");
    assert!(!r["before_choice_new"].contains("Meta Pixel"), "{r:?}");
    let page = std::fs::read_to_string(dir.path().join("compare.html")).unwrap();
    assert!(page.contains("(desktop, eu)"));
}

/// A proxy that does not work at the start: the crawl refuses, saying why, and creates
/// nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_proxy_stops_the_crawl_before_it_starts() {
    let _w = world();
    let _one = BROWSERS.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(dir.path(), "list.txt", LIST);
    let out = dir.path().join("never");
    let dead = format!("socks5://127.0.0.2:{}", free_port(EU));
    let o = run(args(&list, &out, &dead, "eu", &[])).await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("does not work") && e.contains("cannot connect"),
        "{e}"
    );
    assert!(
        !out.exists(),
        "a folder was made for a crawl that never started"
    );
    // Wrong credentials: refused as well, the password not repeated.
    let w = world();
    let o = run_env(
        args(&list, &out, &w.eu.url, "eu", &[]),
        vec![("PIXELCENSUS_PROXY_AUTH", format!("{USER}:wrong-{PASSWORD}"))],
    )
    .await;
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(e.contains("refused the user name and password"), "{e}");
    assert!(!e.contains(PASSWORD), "{e}");
    assert!(!out.exists());
}

/// The visits of a crawl that are not ok, as `site status error`.
fn failed_visits(out: &Path) -> Vec<String> {
    let db = rusqlite::Connection::open(out.join("crawl.sqlite")).unwrap();
    let mut st = db
        .prepare("SELECT t.domain, v.status, coalesce(v.error, '') FROM visits v JOIN targets t ON t.id = v.target_id WHERE v.status != 'ok'")
        .unwrap();
    st.query_map([], |r| {
        Ok(format!(
            "{} {} {}",
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?
        ))
    })
    .unwrap()
    .collect::<Result<Vec<_>, _>>()
    .unwrap()
}

/// A proxy that dies under a crawl: the crawl stops with a clear error instead of going on
/// from elsewhere; what it recorded through the proxy is kept (every visit ok, every request
/// from the proxy's address), the rest stays pending; run again with the proxy back, it
/// finishes the list with each site recorded once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_that_dies_stops_the_crawl_and_the_rerun_finishes_it() {
    let w = world();
    let _one = BROWSERS.lock().await;
    let eu = start_eu(w.dir.path(), 0);
    let port = eu.url.rsplit(':').next().unwrap().parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sites = [
        "tiktok-shop.test",
        "meta-news.test",
        "ga4-blog.test",
        "gtm-store.test",
        "clean.test",
        "beacons.test",
    ];
    let list = write_list(dir.path(), "list.txt", &sites.join("\n"));
    let out = dir.path().join("dies");
    let mut a = args(&list, &out, &eu.url, "eu", &[]);
    set_arg(&mut a, "--consent", "none");
    let before = w.web.requests().len();
    let mut child = Command::new(bin())
        .args(&a)
        .env("PIXELCENSUS_PROXY_AUTH", format!("{USER}:{PASSWORD}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_visits(&out, &mut child, 1).await;
    eu.kill();
    let o = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(e.contains("the proxy stopped working"), "{e}");
    let recorded = count(&out, "SELECT count(*) FROM visits");
    assert!(
        recorded >= 1 && recorded < sites.len() as i64,
        "{recorded} recorded"
    );
    let failed = failed_visits(&out);
    assert!(
        failed.is_empty(),
        "a visit cut off by the dead proxy was recorded: {failed:?}\n{e}"
    );
    let peers: Vec<String> = w.web.requests()[before..]
        .iter()
        .map(|l| l.peer.clone())
        .collect();
    assert!(peers.iter().all(|p| p == "127.0.0.2"), "{peers:?}");
    // The datasets written at the stop say which sites are pending.
    let pending = rows(&out, "sites.csv")
        .into_iter()
        .filter(|r| r["status"] == "pending")
        .count();
    assert_eq!(pending as i64, sites.len() as i64 - recorded);
    // The proxy back on its port: the same command finishes the list.
    let _eu = start_eu(w.dir.path(), port);
    let o = run_env(
        a,
        vec![("PIXELCENSUS_PROXY_AUTH", format!("{USER}:{PASSWORD}"))],
    )
    .await;
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        count(&out, "SELECT count(*) FROM visits"),
        sites.len() as i64
    );
    assert_eq!(
        count(&out, "SELECT count(DISTINCT target_id) FROM visits"),
        sites.len() as i64
    );
    assert_eq!(
        manifest(&out)["vantage"]["proxy_checks"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

/// Sites that fail fail as the proxy reports them, and never count against the proxy: a name
/// that does not resolve, a reset, broken TLS are each a site's `connection_error` through the
/// SOCKS5 proxy (README, Known limits), and the crawl ends normally.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_sites_fail_as_the_proxy_reports_them() {
    let w = world();
    let _one = BROWSERS.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(
        dir.path(),
        "list.txt",
        "nxdomain.test\nreset.test\ntls-broken.test\nhttp-only.test\n",
    );
    let out = dir.path().join("failing");
    let mut a = args(&list, &out, &w.eu.url, "eu", &[]);
    set_arg(&mut a, "--consent", "none");
    let o = run_env(
        a,
        vec![("PIXELCENSUS_PROXY_AUTH", format!("{USER}:{PASSWORD}"))],
    )
    .await;
    assert!(o.status.success(), "{}", stderr(&o));
    let status: std::collections::BTreeMap<String, String> = rows(&out, "sites.csv")
        .into_iter()
        .map(|r| (r["site"].clone(), r["status"].clone()))
        .collect();
    for site in ["nxdomain.test", "reset.test", "tls-broken.test"] {
        assert_eq!(status[site], "connection_error", "{site}: {status:?}");
    }
    assert_eq!(status["http-only.test"], "ok", "{status:?}");
}
