//! End-to-end: the documented schedule as cron runs it. `make monthly` with cron's bare
//! environment (`env -i PATH=/usr/bin:/bin`, no cargo on PATH) and an already built binary
//! crawls into results/<year>-<month> without building; the next day's run of a finished
//! month is a no-op that rewrites nothing.

use crate::common::*;

/// `make monthly` as cron runs it: `env -i PATH=/usr/bin:/bin`, HOME in `dir`, the built
/// binary, the test web's host map.
fn make_monthly(
    dir: &std::path::Path,
    list: &std::path::Path,
    map: String,
) -> tokio::task::JoinHandle<std::process::Output> {
    let makefile = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("Makefile");
    let (dir, list) = (dir.to_owned(), list.to_owned());
    tokio::task::spawn_blocking(move || {
        std::process::Command::new("/usr/bin/env")
            .args(["-i", "PATH=/usr/bin:/bin"])
            .arg(format!("HOME={}", dir.display()))
            .args(["make", "--no-print-directory", "-f"])
            .arg(&makefile)
            .arg("-C")
            .arg(&dir)
            .arg("monthly")
            .arg(format!("LIST={}", list.display()))
            .arg(format!("BIN={}", bin().display()))
            .arg(format!(
                "MONTHLY_ARGS=--host-map='{map}' --insecure --dwell 0 --page-timeout 8 --browsers 2 -v"
            ))
            .output()
            .unwrap()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monthly_runs_in_crons_environment_and_a_finished_month_is_a_no_op() {
    require_browser();
    assert!(
        std::path::Path::new("/usr/bin/make").exists(),
        "make is missing: install Debian's make to run this test"
    );
    let _one = BROWSERS.lock().await;
    let web = web().await;
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(dir.path(), "top.csv", "1,tiktok-shop.test\n2,clean.test\n");
    let monthly = || make_monthly(dir.path(), &list, web.host_map());
    let o = monthly().await.unwrap();
    let err = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    assert!(o.status.success(), "{err}");
    assert!(
        !err.contains("cargo build") && !err.contains("Compiling"),
        "no build: {err}"
    );
    let now = time::OffsetDateTime::now_utc();
    let out = dir.path().join(format!(
        "results/{:04}-{:02}",
        now.year(),
        u8::from(now.month())
    ));
    let (_, rows) = read_csv(&out.join("sites.csv"));
    assert_eq!(rows.len(), 2, "{err}");
    // -v logs a line per visit; none carries a colour code when the log is not a terminal.
    assert!(err.contains("visited"), "log lines were written: {err}");
    assert!(
        !err.contains('\u{1b}'),
        "no colour codes in a log that is not a terminal: {err}"
    );

    // The next day: the month is complete, so nothing is visited and nothing rewritten.
    let files = ["manifest.json", "sites.csv", "report.html"];
    let before: Vec<_> = files
        .iter()
        .map(|f| {
            let p = out.join(f);
            (
                std::fs::read(&p).unwrap(),
                p.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect();
    let o = monthly().await.unwrap();
    let err = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    assert!(o.status.success(), "{err}");
    assert!(err.contains("is complete: 2 of 2 sites recorded"), "{err}");
    assert!(err.contains("nothing to do"), "{err}");
    for (f, (bytes, modified)) in files.iter().zip(before) {
        let p = out.join(f);
        assert_eq!(std::fs::read(&p).unwrap(), bytes, "{f} rewritten");
        assert_eq!(
            p.metadata().unwrap().modified().unwrap(),
            modified,
            "{f} touched"
        );
    }
}

/// `pixelcensus demo` from a folder with no checkout in it (its list and test web are built
/// in), with `--log-format json`: every log line is one JSON object.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_runs_from_any_folder_and_logs_json_lines() {
    require_browser();
    let _one = BROWSERS.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let args: Vec<String> = [
        "demo",
        "--limit",
        "2",
        "--dwell",
        "0",
        "--page-timeout",
        "8",
        "-v",
        "--log-format",
        "json",
    ]
    .map(String::from)
    .into();
    let o = run_in(dir.path(), args).await;
    assert!(o.status.success(), "{}", stderr(&o));
    let (_, rows) = read_csv(&dir.path().join("results/demo/sites.csv"));
    assert_eq!(rows.len(), 2);
    assert!(dir.path().join("results/demo/demo-sites.csv").is_file());
    let err = stderr(&o);
    let events: Vec<serde_json::Value> = err
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let visited = events
        .iter()
        .filter(|e| e["fields"]["message"] == "visited")
        .count();
    assert_eq!(visited, 2, "one `visited` event per site: {err}");
    assert!(
        events
            .iter()
            .all(|e| e["level"].is_string() && e["timestamp"].is_string())
    );
}
