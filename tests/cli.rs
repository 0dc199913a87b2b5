//! The fast tier's end-to-end checks of the binary that need no browser: usage errors, a
//! store that is not one, a list line with a port — each refused with a message saying what to
//! do, before any browser starts.

mod common;

use common::*;
use pixelcensus::store::STORE_FILE;

/// Runs `pixelcensus crawl --list <list> --out o` with `extra` arguments, to completion.
fn crawl_cmd(list: &str, extra: &[&str]) -> std::process::Output {
    std::process::Command::new(bin())
        .args(["crawl", "--list", list, "--out", "o"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn bad_usage_gets_a_clear_error() {
    let o = crawl_cmd("x.csv", &["--dwell", "soon"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a number of seconds"),
        "{}",
        stderr(&o)
    );
    let o = crawl_cmd("/nonexistent/list.csv", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cannot read list /nonexistent/list.csv"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        stderr(&o).matches("os error 2").count(),
        1,
        "the OS error once: {}",
        stderr(&o)
    );
    // The visitor's settings are checked before anything runs (#40).
    for (flag, bad, says) in [
        ("--locale", "de_DE", "BCP 47"),
        ("--timezone", "Central European Time", "IANA"),
        ("--device", "tablet", "desktop"),
        ("--vantage", "eu de", "vantage name"),
        (
            "--proxy",
            "http://me:secret@gw.example:3128",
            "PIXELCENSUS_PROXY_AUTH",
        ),
        ("--proxy", "socks4://gw.example:1080", "socks5://"),
        ("--proxy", "http://gw.example", "no port"),
    ] {
        let o = crawl_cmd("x.csv", &[flag, bad]);
        assert_eq!(o.status.code(), Some(2), "{flag} {bad}");
        assert!(stderr(&o).contains(says), "{flag} {bad}: {}", stderr(&o));
    }
    // The proxy's password is not repeated; a host map cannot go with a proxy; the echo URL
    // and the credentials' variable need a proxy.
    let o = crawl_cmd("x.csv", &["--proxy", "http://me:secret@gw.example:3128"]);
    assert!(!stderr(&o).contains("secret"), "{}", stderr(&o));
    for extra in [
        &[
            "--proxy",
            "http://gw.example:3128",
            "--host-map",
            "MAP * 127.0.0.1:1",
        ][..],
        &["--echo-url", "https://echo.example/ip"][..],
    ] {
        let o = crawl_cmd("x.csv", extra);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
    }
    for bad in ["1e30", "0", "601", "-1", "NaN"] {
        let o = crawl_cmd("x.csv", &[&format!("--page-timeout={bad}")]);
        assert_eq!(o.status.code(), Some(2), "--page-timeout {bad}");
        assert!(stderr(&o).contains("--page-timeout"), "{}", stderr(&o));
    }
    for bad in [
        ["--max-attempts", "0"],
        ["--browsers", "0"],
        ["--recycle", "0"],
    ] {
        let o = crawl_cmd("x.csv", &bad);
        assert_eq!(o.status.code(), Some(2), "{bad:?}");
        assert!(stderr(&o).contains(bad[0]), "{}", stderr(&o));
    }
    // Ranges and names are checked before the list is read (x.csv does not exist).
    for (bad, says) in [
        ("10-1", "the range is reversed (did you mean 1-10?)"),
        ("abc", "two whole numbers"),
        ("0-9", "ranks start at 1"),
    ] {
        let o = crawl_cmd("x.csv", &["--ranks", bad]);
        assert_eq!(o.status.code(), Some(2), "--ranks {bad}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
    }
}

/// A folder name that is a path, an `--out` that is a file, and compare with a missing
/// folder: each said, nothing created.
#[test]
fn bad_folders_are_refused_and_nothing_is_created() {
    let o = std::process::Command::new(bin())
        .args(["crawl", "--list", "x.csv", "--name", "../x"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("plain folder name"), "{}", stderr(&o));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("results.txt");
    std::fs::write(&file, "x").unwrap();
    let list = write_list(dir.path(), "l.csv", "1,a.test\n");
    let o = std::process::Command::new(bin())
        .arg("crawl")
        .arg("--list")
        .arg(&list)
        .arg("--out")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("that is a file"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&file).unwrap(), b"x", "the file is untouched");
    let missing = dir.path().join("no-such-crawl");
    let new = dir.path().join("new");
    let o = std::process::Command::new(bin())
        .arg("compare")
        .args([&missing, &new])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("not a crawl folder"), "{}", stderr(&o));
    assert!(
        !new.exists() && !missing.exists(),
        "compare created nothing"
    );
}

/// `report` on a folder whose store is empty (0 bytes) or another program's database refuses,
/// exit 1, and leaves the store and the datasets already there as they were.
#[test]
fn an_empty_or_foreign_store_is_refused_and_the_datasets_kept() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sites.csv");
    std::fs::write(&csv, "rank,domain\n1,kept.example\n").unwrap();
    let store = dir.path().join(pixelcensus::store::STORE_FILE);
    for bytes in [&b""[..], b"SQLite format 3\0 but not really a database"] {
        std::fs::write(&store, bytes).unwrap();
        for cmd in ["report", "analyze"] {
            let o = std::process::Command::new(bin())
                .args([cmd, &dir.path().display().to_string()])
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
            assert!(
                stderr(&o).contains("is not a pixelcensus store"),
                "{}",
                stderr(&o)
            );
            assert_eq!(std::fs::read(&store).unwrap(), bytes);
            assert_eq!(
                std::fs::read_to_string(&csv).unwrap(),
                "rank,domain\n1,kept.example\n"
            );
        }
    }
}

/// A port in a list line would be dropped and another server visited: the crawl refuses the
/// line, naming it and the port, before any browser starts.
#[tokio::test]
async fn a_port_in_a_list_line_is_refused_by_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(
        dir.path(),
        "ports.csv",
        "1,example.com\n2,example.com:443\n3,example.org:8080\n",
    );
    let out = dir.path().join("crawl");
    let o = run(vec![
        "crawl".into(),
        "--list".into(),
        list.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ])
    .await;
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("port 8080 cannot be kept"), "{err}");
    assert!(!out.join(STORE_FILE).exists());
}
