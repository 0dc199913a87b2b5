//! Helpers shared by the end-to-end tests: the test web, running the real `pixelcensus`
//! binary against it with real Chromium and chromedriver, and reading back the store and CSVs.
#![allow(dead_code)]

use pixelcensus::store::{STORE_FILE, Store};
use pixelcensus_testweb::TestWeb;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

/// Browser tests run one at a time: each drives several browsers on a 2-core machine.
pub static BROWSERS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_pixelcensus"))
}

/// Fails with a clear message when the browser is not installed.
pub fn require_browser() {
    for p in [
        pixelcensus::browser::DEFAULT_CHROMIUM,
        pixelcensus::browser::DEFAULT_CHROMEDRIVER,
    ] {
        assert!(
            Path::new(p).exists(),
            "{p} is missing: install Debian's chromium and chromium-driver (`make setup`) to run the end-to-end tests"
        );
    }
}

/// Starts the test web on a free port.
pub async fn web() -> TestWeb {
    TestWeb::start(0, None).await.expect("test web starts")
}

/// Browsers per test crawl. Four, not two: a test crawl waits on page timers (dwell, delayed
/// pixels, timeouts) more than it computes, and two browsers left the 2-core machine half
/// idle — the demo list took 52 s with two, 34 s with four, the same datasets
/// (docs/performance.md, "Tests"). Tests that need a particular number set their own.
pub const TEST_BROWSERS: &str = "4";

/// The crawl arguments every test uses: the test web, quick dwell and timeouts.
pub fn crawl_args(web: &TestWeb, list: &Path, out: &Path) -> Vec<String> {
    vec![
        "crawl".into(),
        "--list".into(),
        list.display().to_string(),
        "--out".into(),
        out.display().to_string(),
        "--host-map".into(),
        web.host_map(),
        "--insecure".into(),
        "--browsers".into(),
        TEST_BROWSERS.into(),
        "--dwell".into(),
        "1".into(),
        "--page-timeout".into(),
        "8".into(),
    ]
}

/// Sets the value of an option already in `args` (e.g. from [`crawl_args`]).
pub fn set_arg(args: &mut [String], flag: &str, value: &str) {
    let i = args
        .iter()
        .position(|a| a == flag)
        .unwrap_or_else(|| panic!("{flag} is not among the arguments"));
    args[i + 1] = value.to_string();
}

/// Runs the binary to completion (off the async runtime, so the test web keeps serving).
pub async fn run(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(bin())
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .expect("pixelcensus runs")
    })
    .await
    .unwrap()
}

/// Runs the binary to completion with extra environment variables.
pub async fn run_env(args: Vec<String>, env: Vec<(&'static str, String)>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(bin())
            .args(&args)
            .envs(env)
            .stdin(Stdio::null())
            .output()
            .expect("pixelcensus runs")
    })
    .await
    .unwrap()
}

/// Starts the binary in the background.
pub fn spawn(args: &[String]) -> Child {
    Command::new(bin())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pixelcensus starts")
}

/// Text of stderr.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Writes a list file.
pub fn write_list(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The demo list shipped in seeds/.
pub fn demo_list() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/demo-sites.csv")
}

/// Opens a crawl's store.
pub fn store(out: &Path) -> Store {
    assert!(
        out.join(STORE_FILE).exists(),
        "no store in {}",
        out.display()
    );
    Store::open(out).unwrap()
}

/// Every recorded visit of a crawl, by site (each listed site must have been visited).
pub fn visits(out: &Path) -> std::collections::HashMap<String, pixelcensus::capture::RawVisit> {
    let store = store(out);
    store
        .targets()
        .unwrap()
        .into_iter()
        .map(|(t, _, id)| {
            let id = id.unwrap_or_else(|| panic!("{} was never visited", t.domain));
            (t.domain, store.load_visit(id).unwrap().visit)
        })
        .collect()
}

/// Reads a CSV back: header and rows.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// A CSV of a crawl folder, each row by column name.
pub fn rows(out: &Path, file: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let (h, rows) = read_csv(&out.join(file));
    rows.into_iter()
        .map(|r| h.iter().cloned().zip(r).collect())
        .collect()
}

/// Raw SQL count on a store file (read-only, while a crawl may be writing).
pub fn count(out: &Path, sql: &str) -> i64 {
    let c = rusqlite::Connection::open_with_flags(
        out.join(STORE_FILE),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    c.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Number of sites in the demo list.
pub fn sites_in_demo() -> usize {
    pixelcensus_testweb::sites::listed().count()
}

/// Like [`count`], for polling a crawl that may not have created its tables yet: 0 until then.
pub fn try_count(out: &Path, sql: &str) -> i64 {
    let Ok(c) = rusqlite::Connection::open_with_flags(
        out.join(STORE_FILE),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    ) else {
        return 0;
    };
    let _ = c.busy_timeout(std::time::Duration::from_secs(10));
    c.query_row(sql, [], |r| r.get(0)).unwrap_or(0)
}

/// Runs the binary to completion in `dir` (for `--name`, which writes under ./results).
pub async fn run_in(dir: &Path, args: Vec<String>) -> Output {
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || {
        Command::new(bin())
            .args(&args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
            .expect("pixelcensus runs")
    })
    .await
    .unwrap()
}

/// A crawl of the test web as a test sets it up: which sites, and what differs from
/// [`crawl_args`]. [`Scenario::crawl`] runs it to the end; [`shared`] makes it once for every
/// test of a file.
pub struct Scenario {
    list: ListSource,
    folder: &'static str,
    set: Vec<(&'static str, String)>,
    extra: Vec<String>,
    env: Vec<(&'static str, String)>,
}

enum ListSource {
    File(PathBuf),
    Text(&'static str, String),
}

impl Scenario {
    /// The sites of a list file's text, written as `name` in the crawl's temporary folder.
    pub fn sites(name: &'static str, list: impl Into<String>) -> Scenario {
        Scenario::with(ListSource::Text(name, list.into()))
    }

    /// The demo list shipped in seeds/ (the file itself, as a user would pass it).
    pub fn demo() -> Scenario {
        Scenario::with(ListSource::File(demo_list()))
    }

    fn with(list: ListSource) -> Scenario {
        Scenario {
            list,
            folder: "crawl",
            set: Vec::new(),
            extra: Vec::new(),
            env: Vec::new(),
        }
    }

    /// Names the crawl folder (`crawl` unless told).
    pub fn folder(mut self, name: &'static str) -> Scenario {
        self.folder = name;
        self
    }

    /// Sets an option [`crawl_args`] already has (e.g. `--browsers`).
    pub fn set(mut self, flag: &'static str, value: &str) -> Scenario {
        self.set.push((flag, value.to_string()));
        self
    }

    /// Adds options.
    pub fn args(mut self, extra: &[&str]) -> Scenario {
        self.extra.extend(extra.iter().map(|a| a.to_string()));
        self
    }

    /// Sets an environment variable of the crawl.
    pub fn env(mut self, key: &'static str, value: &str) -> Scenario {
        self.env.push((key, value.to_string()));
        self
    }

    /// Starts a fresh test web and runs the crawl to the end into `<temporary folder>/<folder>`,
    /// checking it succeeded. The caller holds [`BROWSERS`].
    pub async fn crawl(self) -> Crawled {
        require_browser();
        let web = web().await;
        let dir = tempfile::tempdir().unwrap();
        let list = match self.list {
            ListSource::File(p) => p,
            ListSource::Text(name, text) => write_list(dir.path(), name, &text),
        };
        let out = dir.path().join(self.folder);
        let mut args = crawl_args(&web, &list, &out);
        for (flag, value) in &self.set {
            set_arg(&mut args, flag, value);
        }
        args.extend(self.extra);
        let o = run_env(args.clone(), self.env).await;
        assert!(o.status.success(), "crawl failed: {}", stderr(&o));
        Crawled::ran(web, dir, list, out, args, &o)
    }
}

/// A finished crawl of a [`Scenario`].
pub struct Crawled {
    /// The test web (still serving, with its request log).
    pub web: TestWeb,
    /// The crawl folder.
    pub out: PathBuf,
    /// The list crawled.
    pub list: PathBuf,
    /// The crawl's arguments (to run it again, e.g. resumed).
    pub args: Vec<String>,
    /// The crawl's stderr.
    pub stderr: String,
    /// The temporary folder holding everything.
    pub dir: tempfile::TempDir,
}

impl Crawled {
    /// A crawl run by hand (a scenario [`Scenario`] cannot say) into `out`, as
    /// [`Scenario::crawl`] hands one back.
    pub fn ran(
        web: TestWeb,
        dir: tempfile::TempDir,
        list: PathBuf,
        out: PathBuf,
        args: Vec<String>,
        o: &Output,
    ) -> Crawled {
        Crawled {
            web,
            out,
            list,
            args,
            stderr: stderr(o),
            dir,
        }
    }

    /// A copy of the crawl folder, for a test that rewrites it (`analyze`, `report`): same
    /// folder name, so the same crawl name, in a temporary folder of its own.
    pub fn copy(&self) -> (tempfile::TempDir, PathBuf) {
        copy_folder(&self.out)
    }
}

/// A copy of a crawl folder's files in a temporary folder of its own, under the same name
/// (so the same crawl name), for a test that rewrites it while others read the original.
pub fn copy_folder(from: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join(from.file_name().unwrap());
    std::fs::create_dir(&to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
    (dir, to)
}

/// The crawl `make` makes (usually [`Scenario::crawl`]), made once for every test that reads
/// `cell` (one crawl per file, read by many checks). It runs on a runtime of its own that
/// lives as long as the test binary, so its test web keeps serving; it takes [`BROWSERS`]
/// while it crawls, so call it before taking the lock.
pub fn shared<T, F>(cell: &'static OnceLock<T>, make: impl FnOnce() -> F + Send) -> &'static T
where
    T: Send + Sync,
    F: std::future::Future<Output = T>,
{
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    cell.get_or_init(|| {
        let rt = RUNTIME.get_or_init(|| tokio::runtime::Runtime::new().unwrap());
        std::thread::scope(|s| {
            s.spawn(|| {
                rt.block_on(async {
                    let _one = BROWSERS.lock().await;
                    make().await
                })
            })
            .join()
            .unwrap_or_else(|_| panic!("the shared crawl failed (its message is above)"))
        })
    })
}

/// Waits until a running crawl has recorded `n` visits; fails if it ends first or takes
/// more than two minutes.
pub async fn wait_for_visits(out: &Path, child: &mut Child, n: i64) {
    let start = std::time::Instant::now();
    while try_count(out, "SELECT count(*) FROM visits") < n {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(120),
            "fewer than {n} visits recorded in 2 minutes"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the crawl ended before {n} visits were recorded"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Every captured request of `visits` as (method, URL as the server saw it, body): a
/// WebSocket's `ws(s)://` handshake is the server's `http(s)://` request.
pub fn captured(
    visits: &std::collections::HashMap<String, pixelcensus::capture::RawVisit>,
) -> Vec<(&str, String, &[u8])> {
    visits
        .values()
        .flat_map(|vis| vis.requests.iter())
        .map(|r| {
            // A WebSocket's URL is ws(s)://; the server logged its handshake as http(s)://.
            let url = match r.url.split_once("://") {
                Some(("wss", rest)) => format!("https://{rest}"),
                Some(("ws", rest)) => format!("http://{rest}"),
                _ => r.url.clone(),
            };
            (r.method.as_str(), url, r.body.as_deref().unwrap_or(&[]))
        })
        .collect()
}

/// The WebSocket messages the test web received or sent that no stored frame matches (same
/// socket URL, direction, text or binary, payload), as text; and how many it logged.
pub fn unframed(
    web: &TestWeb,
    visits: &std::collections::HashMap<String, pixelcensus::capture::RawVisit>,
) -> (Vec<String>, usize) {
    use pixelcensus::capture::Direction;
    let stored: Vec<(&str, Direction, u8, &[u8])> = visits
        .values()
        .flat_map(|v| {
            v.frames.iter().filter_map(move |f| {
                let r = v.requests.iter().find(|r| r.seq == f.request_seq)?;
                Some((r.url.as_str(), f.direction, f.opcode, f.payload.as_slice()))
            })
        })
        .collect();
    let logged = web.frames();
    let missing = logged
        .iter()
        .filter(|l| {
            let dir = if l.from_browser {
                Direction::Sent
            } else {
                Direction::Received
            };
            let op = if l.text { 1 } else { 2 };
            !stored.iter().any(|(u, d, o, p)| {
                *u == l.url && *d == dir && *o == op && *p == l.payload.as_slice()
            })
        })
        .map(|l| {
            format!(
                "{} {} {}",
                if l.from_browser { "sent" } else { "received" },
                l.url,
                String::from_utf8_lossy(&l.payload)
            )
        })
        .collect();
    (missing, logged.len())
}

/// The page requests the test web received that no captured request matches (same method,
/// URL and body), as `METHOD URL (N body bytes)`; and how many page requests it received.
/// Chromium's own background traffic (hosts the test web does not serve) is left out.
pub fn uncaptured(
    web: &TestWeb,
    visits: &std::collections::HashMap<String, pixelcensus::capture::RawVisit>,
) -> (Vec<String>, usize) {
    let captured = captured(visits);
    let logged: Vec<_> = web
        .requests()
        .into_iter()
        .filter(|l| pixelcensus_testweb::serves(&l.host))
        .filter(|l| {
            !pixelcensus_testweb::channels::UNREPORTED
                .iter()
                .any(|(h, p, _)| l.host == *h && l.path == *p)
        })
        .collect();
    let missing = logged
        .iter()
        .filter(|l| {
            let url = l.url();
            !captured
                .iter()
                .any(|(m, u, b)| *m == l.method && *u == url && *b == l.body.as_slice())
        })
        .map(|l| format!("{} {} ({} body bytes)", l.method, l.url(), l.body.len()))
        .collect();
    (missing, logged.len())
}
