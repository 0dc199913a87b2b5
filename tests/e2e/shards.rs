//! End-to-end: a list crawled once whole and once as 3 shards (at the same time, each with its
//! own browser), then merged, gives the same datasets. Real Chromium and chromedriver on the
//! test web; the shards' and the merge's stores are the real SQLite files.

use crate::common::*;
use std::collections::BTreeSet;
use std::path::Path;

/// Sites whose every page, tracker and field the test web serves the same way each time.
const LIST: &str = "1,tiktok-shop.test\n2,meta-news.test\n3,ga4-blog.test\n4,gtm-store.test\n\
7,beacons.test\n8,recorder.test\n10,clean.test\n17,server-error.test\n18,not-found.test\n\
23,nxdomain.test\n24,x-news.test\n25,uet-shop.test\n43,product-page.test\n44,article-site.test\n";

/// Columns that describe one run rather than the site: when a visit started and how long it
/// took, and how many requests a page's timers got out in that time.
const RUN_COLUMNS: [&str; 4] = [
    "started_at",
    "duration_ms",
    "requests",
    "third_party_requests",
];

/// A dataset with the run's own columns (and, for tracker_fields.csv, the example request,
/// which carries the run's timestamps and random IDs) taken out.
fn comparable(out: &Path, file: &str) -> Vec<Vec<(String, String)>> {
    rows(out, file)
        .into_iter()
        .map(|r| {
            r.into_iter()
                .filter(|(c, _)| !RUN_COLUMNS.contains(&c.as_str()) && c != "example_request_url")
                .collect()
        })
        .collect()
}

/// Every file of a folder but the store (and its lock), by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        // The store and the folder's lock files (which name the process holding them).
        .filter(|(n, _)| !n.starts_with("crawl.") && !n.ends_with(".lock"))
        .collect();
    v.sort();
    v
}
/// `args` and `extra`.
fn with(mut args: Vec<String>, extra: &[&str]) -> Vec<String> {
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// The folders of the three shards of crawl `pc-e2e` under `d`.
fn shard_dirs(d: &Path) -> Vec<std::path::PathBuf> {
    (1..=3)
        .map(|k| d.join("pc-e2e").join(format!("shard-{k}")))
        .collect()
}

/// Starts a script of deploy/ as the Kubernetes Jobs' pods run it, results under `d`.
fn script(d: &Path, name: &str, args: &[String], env: &[(&str, String)]) -> std::process::Child {
    let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy");
    let mut c = std::process::Command::new("bash");
    c.arg(deploy.join(name))
        .args(args)
        .env("PIXELCENSUS", bin())
        .env("CRAWL_ID", "pc-e2e")
        .env("RESULTS", d)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    for (k, v) in env {
        c.env(k, v);
    }
    c.spawn().expect("bash runs")
}

/// `merge --out OUT` of the shards of `d` in `order`.
fn merge(d: &Path, out: &Path, order: [usize; 3]) -> Vec<String> {
    let shard_dirs = shard_dirs(d);
    let mut args = vec![
        "merge".to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    args.extend(order.iter().map(|&i| shard_dirs[i].display().to_string()));
    args
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_shards_merged_are_the_whole_crawl() {
    require_browser();
    let _one = BROWSERS.lock().await;
    let web = web().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let list = write_list(d, "list.csv", LIST);
    let listed: BTreeSet<String> = LIST
        .lines()
        .map(|l| l.split(',').nth(1).unwrap().to_string())
        .collect();

    // A shard needs the crawl's identity (a usage error otherwise).
    let o = run(with(
        crawl_args(&web, &list, &d.join("x")),
        &["--shard", "1/3"],
    ))
    .await;
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--crawl-id"), "{}", stderr(&o));
    crawl_three_shards(&web, &list, d).await;
    let shard_dirs = shard_dirs(d);
    // The shards split the list exactly: every site in one of them, none in two.
    let mut seen = BTreeSet::new();
    for out in &shard_dirs {
        let v = visits(out);
        assert!(!v.is_empty(), "{} is empty", out.display());
        for site in v.keys() {
            assert!(seen.insert(site.clone()), "{site} in two shards");
        }
    }
    assert_eq!(seen, listed);

    // A shard's folder is kept to its shard and its crawl.
    let o = run(with(
        crawl_args(&web, &list, &shard_dirs[0]),
        &["--shard", "2/3", "--crawl-id", "pc-e2e"],
    ))
    .await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("holds shard 1/3 of its list; resume it with --shard 1/3"),
        "{}",
        stderr(&o)
    );
    let o = run(with(
        crawl_args(&web, &list, &shard_dirs[0]),
        &["--shard", "1/3", "--crawl-id", "another"],
    ))
    .await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("is crawl `pc-e2e`"), "{}", stderr(&o));

    // The whole list in one crawl of the same identity.
    let whole = d.join("whole");
    let o = run(with(
        crawl_args(&web, &list, &whole),
        &["--crawl-id", "pc-e2e"],
    ))
    .await;
    assert!(o.status.success(), "{}", stderr(&o));
    merged_is_the_whole(d, &whole).await;
    merge_refuses_what_is_not_shards(d, &whole).await;
}

/// The three shards at once, one browser each, through the script the Kubernetes Job's pods
/// run (deploy/crawl-shard.sh, JOB_COMPLETION_INDEX 0 to 2).
async fn crawl_three_shards(web: &pixelcensus_testweb::TestWeb, list: &Path, d: &Path) {
    let shard_dirs = shard_dirs(d);
    let children: Vec<_> = (0..3)
        .map(|i| {
            // The crawl options after `crawl --list L --out O`.
            let mut args = crawl_args(web, list, &shard_dirs[i])[5..].to_vec();
            set_arg(&mut args, "--browsers", "1");
            let env = [
                ("JOB_COMPLETION_INDEX", i.to_string()),
                ("SHARDS", "3".to_string()),
                ("LIST", list.display().to_string()),
            ];
            script(d, "crawl-shard.sh", &args, &env)
        })
        .collect();
    for c in children {
        let o = tokio::task::spawn_blocking(move || c.wait_with_output().unwrap())
            .await
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
}

/// Merged (the shards given in any order), the datasets are the whole crawl's. Merged by the
/// merge Job's script, then again by hand with the shards in another order: byte-identical.
async fn merged_is_the_whole(d: &Path, whole: &Path) {
    let merged = d.join("pc-e2e").join("merged");
    let c = script(d, "merge.sh", &[], &[]);
    let o = tokio::task::spawn_blocking(move || c.wait_with_output().unwrap())
        .await
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("merged 3 shard(s)"), "{}", stderr(&o));
    for file in [
        "sites.csv",
        "site_trackers.csv",
        "tracker_fields.csv",
        "prevalence.csv",
    ] {
        let (a, b) = (comparable(whole, file), comparable(&merged, file));
        assert!(!a.is_empty(), "{file} is empty");
        assert_eq!(a.len(), b.len(), "{file}: rows");
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x, y, "{file}");
        }
    }
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(merged.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["crawl_id"], "pc-e2e");
    assert_eq!(m["merged_from"].as_array().unwrap().len(), 3);
    assert_eq!(
        m["merged_from"][0]["shard"],
        serde_json::json!({"k": 1, "n": 3})
    );

    // The same shards merged again: byte-identical files.
    let again = d.join("again");
    let o = run(merge(d, &again, [2, 0, 1])).await;
    assert!(o.status.success(), "{}", stderr(&o));
    let (a, b) = (files(&merged), files(&again));
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(
            x == y,
            "{name} differs between two merges of the same shards"
        );
    }
}

/// Not a crawl of shards: refused, naming why; the output is not touched.
async fn merge_refuses_what_is_not_shards(d: &Path, whole: &Path) {
    let o = run(vec![
        "merge".into(),
        "--out".into(),
        d.join("bad").display().to_string(),
        whole.display().to_string(),
    ])
    .await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("is not a shard"), "{}", stderr(&o));
    let o = run(merge(d, whole, [0, 1, 2])).await;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("holds a crawl that is not a merge"),
        "{}",
        stderr(&o)
    );
}
