//! End-to-end: two monthly crawls of a test web whose trackers change between them, named
//! with --name, compared with `pixelcensus compare`: exactly the changes the test web made.

use crate::common::*;
use pixelcensus_testweb::TestWeb;

fn args(web: &TestWeb, list: &std::path::Path, name: &str) -> Vec<String> {
    let mut a = crawl_args(web, list, std::path::Path::new("unused"));
    let o = a.iter().position(|x| x == "--out").unwrap();
    a.drain(o..o + 2);
    a.extend(["--name".to_string(), name.to_string()]);
    a
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_reports_exactly_what_changed_between_two_crawls() {
    require_browser();
    let _one = BROWSERS.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(
        dir.path(),
        "list.csv",
        "1,x-news.test\n2,reddit-forum.test\n3,uet-shop.test\n4,linkedin-b2b.test\n",
    );

    // This month: --name auto names the folder results/<year>-<month>.
    let web = TestWeb::start(0, None).await.unwrap();
    let o = run_in(dir.path(), args(&web, &list, "auto")).await;
    assert!(o.status.success(), "{}", stderr(&o));
    web.stop();
    let now = time::OffsetDateTime::now_utc();
    let old = dir.path().join(format!(
        "results/{:04}-{:02}",
        now.year(),
        u8::from(now.month())
    ));
    assert!(
        old.join("prevalence.csv").exists(),
        "--name auto wrote {}",
        old.display()
    );

    // Next month the test web has changed.
    let web = TestWeb::start_variant(0, None, 1).await.unwrap();
    let o = run_in(dir.path(), args(&web, &list, "next")).await;
    assert!(o.status.success(), "{}", stderr(&o));
    web.stop();
    let new = dir.path().join("results/next");

    let c = run(vec![
        "compare".into(),
        old.display().to_string(),
        new.display().to_string(),
    ])
    .await;
    assert!(c.status.success(), "{}", stderr(&c));
    let summary = stderr(&c);
    assert!(
        summary.contains("2 sites gained or lost a tracker"),
        "{summary}"
    );
    assert!(summary.contains("X Pixel"), "{summary}");

    compare_files_hold_exactly_the_changes(&new);
}

/// compare_trackers.csv, compare_sites.csv and compare.html: exactly the changes the test web
/// made.
fn compare_files_hold_exactly_the_changes(new: &std::path::Path) {
    let (h, rows) = read_csv(&new.join("compare_trackers.csv"));
    assert_eq!(h, pixelcensus::report::compare::TRACKERS_COLUMNS);
    let row = |t: &str| {
        rows.iter()
            .find(|r| r[0] == t)
            .unwrap_or_else(|| panic!("{t} missing"))
            .clone()
    };
    let (so, sn, ch) = (3, 7, 11);
    for (t, old_sites, new_sites, change) in [
        ("X Pixel", "1", "0", "-0.250000"),
        ("Reddit Pixel", "1", "0", "-0.250000"),
        ("LinkedIn Insight Tag", "1", "2", "+0.250000"),
        ("Microsoft UET", "1", "1", "+0.000000"),
    ] {
        let r = row(t);
        assert_eq!(
            (r[so].as_str(), r[sn].as_str(), r[ch].as_str()),
            (old_sites, new_sites, change),
            "{t}"
        );
        // One site of four either way is well inside both 95 % intervals.
        assert_eq!(r[12], "false", "{t}");
    }
    assert_eq!(rows.len(), 4);

    let (h, sites) = read_csv(&new.join("compare_sites.csv"));
    assert_eq!(h, pixelcensus::report::compare::SITES_COLUMNS);
    // No banner on either side (the consent columns), the trackers added and dropped.
    assert!(
        sites.iter().all(|r| r[4] == "none" && r[5] == "none"),
        "{sites:?}"
    );
    let sites: Vec<Vec<String>> = sites.iter().map(|r| r[..4].to_vec()).collect();
    assert_eq!(
        sites,
        vec![
            vec![
                "1".to_string(),
                "x-news.test".into(),
                "LinkedIn Insight Tag".into(),
                "X Pixel".into()
            ],
            vec![
                "2".to_string(),
                "reddit-forum.test".into(),
                "".into(),
                "Reddit Pixel".into()
            ],
        ]
    );
    let page = std::fs::read_to_string(new.join("compare.html")).unwrap();
    assert!(page.contains("X Pixel") && page.contains("<svg"));
}
