//! End-to-end: what a user meets around a crawl folder (issue #43, item 7) — a report that
//! fills the disk names the file whose write failed and leaves no `*.tmp`, three reports of
//! one folder at once all finish. A crawl of three test-web sites (real Chromium and
//! chromedriver) is the folder reported on. (A list line with a port, refused before any
//! browser starts, is checked in the fast tier: tests/cli.rs.)

use crate::common::*;
use pixelcensus::report::datasets::registry;
use pixelcensus::store::STORE_FILE;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A finished crawl of three sites of the test web (made once for the tests of this file).
async fn crawled() -> &'static Path {
    static DIR: tokio::sync::OnceCell<PathBuf> = tokio::sync::OnceCell::const_new();
    DIR.get_or_init(|| async {
        require_browser();
        let _one = BROWSERS.lock().await;
        let web = web().await;
        let dir = tempfile::tempdir().unwrap().keep();
        let hosts: Vec<&str> = pixelcensus_testweb::sites::listed()
            .filter(|s| s.expect == pixelcensus_testweb::kinds::Outcome::Ok)
            .map(|s| s.domain)
            .take(3)
            .collect();
        let list = write_list(&dir, "three.txt", &hosts.join("\n"));
        let out = dir.join("crawl");
        let o = run(crawl_args(&web, &list, &out)).await;
        assert!(o.status.success(), "{}", stderr(&o));
        web.stop();
        out
    })
    .await
}

/// The CSV files a report writes.
fn dataset_files() -> Vec<&'static str> {
    registry().iter().map(|d| d.spec().file).collect()
}

/// A disk that fills while `report` writes: the message names the file whose write failed
/// (one of the datasets), says the disk is full and what the report had written; no `*.tmp`
/// is left and the datasets of the report before are kept as they were.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_names_the_failed_file_and_leaves_no_temp_files() {
    // A small disk of its own needs a private mount namespace (`unshare -rm`); a container
    // that forbids one cannot run this test, and says so.
    let probe = Command::new("unshare")
        .args(["-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"])
        .output();
    if !probe.as_ref().is_ok_and(|o| o.status.success()) {
        eprintln!(
            "SKIPPED: no private mount namespace here (unshare -rm + mount tmpfs): {:?}",
            probe.map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
        );
        return;
    }
    let out = crawled().await;
    let o = run(vec!["report".into(), out.display().to_string()]).await;
    assert!(o.status.success(), "{}", stderr(&o));
    let disk = tempfile::tempdir().unwrap();
    let mnt = disk.path().join("full");
    std::fs::create_dir(&mnt).unwrap();
    // The store and the datasets of the last report, on a disk with room for them and
    // 24 KiB more: the new report fills it. A private mount (user and mount namespace), gone
    // with the command.
    let mut used = 0;
    let mut copy = vec![STORE_FILE.to_string()];
    copy.extend(dataset_files().iter().map(|s| s.to_string()));
    for f in &copy {
        used += std::fs::metadata(out.join(f)).unwrap().len();
    }
    // tmpfs keeps each file in 4 KiB pages: a page more per file copied, then 24 KiB.
    let size_kb = used / 1024 + 4 * copy.len() as u64 + 24;
    let script = r#"mount -t tmpfs -o size="$1"k tmpfs "$2" || exit 99
for f in $5; do cp "$3/$f" "$2/" || exit 98; done
md5sum "$2"/*.csv > "$2/../before.md5"
"$4" report "$2" 2> "$2/../stderr"
echo "rc=$?"
md5sum "$2"/*.csv > "$2/../after.md5"
ls -a "$2""#;
    let o = Command::new("unshare")
        .args(["-rm", "sh", "-c", script, "sh"])
        .arg(size_kb.to_string())
        .arg(&mnt)
        .arg(out)
        .arg(bin())
        .arg(copy.join(" "))
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        listing.contains("rc=1"),
        "the report did not fail on a full disk: {listing} {}",
        stderr(&o)
    );
    let err = std::fs::read_to_string(disk.path().join("stderr")).unwrap();
    assert!(err.contains("no space left on the device"), "{err}");
    let named = dataset_files()
        .into_iter()
        .chain(["manifest.json", "report.html"])
        .chain(registry().iter().filter_map(|d| d.spec().parquet))
        .find(|f| err.contains(&format!("writing {}/{f}:", mnt.display())));
    assert!(
        named.is_some(),
        "no dataset named as the failed file: {err}"
    );
    assert!(err.contains("the files being written took"), "{err}");
    assert!(
        !listing.contains(".tmp"),
        "temporary files left behind: {listing}"
    );
    assert_eq!(
        std::fs::read_to_string(disk.path().join("before.md5")).unwrap(),
        std::fs::read_to_string(disk.path().join("after.md5")).unwrap(),
        "the previous datasets were changed"
    );
}

/// Three `report`s of one folder at once take turns: all finish, and the datasets are whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_reports_at_once_all_finish() {
    // A copy: the full-disk test reports on the shared folder meanwhile, and its `*.tmp`
    // files would be seen here.
    let (_dir, out) = copy_folder(crawled().await);
    let out = out.as_path();
    let args = vec!["report".to_string(), out.display().to_string()];
    let children: Vec<_> = (0..3).map(|_| spawn(&args)).collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(
            o.status.success(),
            "a report failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let sites = rows(out, "sites.csv");
    assert_eq!(sites.len(), 3);
    let left: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
