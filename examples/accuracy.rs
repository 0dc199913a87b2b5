//! `make accuracy`: how much of what the test web's trackers are sent pixelcensus reports.
//! Crawls the built-in demo web (`pixelcensus demo`, release build) into a temporary folder,
//! or reads a crawl folder given as the argument, and prints per tracker the fields found of
//! the fields its imitation sends (testweb::accuracy::SENT, written from the scripts), the
//! fields reported that were not sent, and whether the pixel IDs are right; then every
//! instance with a field missing or extra; then the IDs inferred across the crawl
//! (`id_source = inferred`): their precision, and their recall of the accounts only inference
//! can find (testweb::sites::TAILBEAM_ACCOUNTS).
//!
//! `--real [FILE]` reads real captured requests instead (no browser; by default
//! tests/data/real-requests.jsonl, see `testweb::real`) and prints per vendor named / account
//! ID / events / fields and the totals against issue #39's targets.
//!
//! `accuracy --sdk` (`make accuracy-sdk`) crawls the SDK web instead (real vendor SDKs,
//! `make sdk`) with the test web in this process, and prints per vendor what its server
//! received against the store and the datasets (tests/measure/sdk.rs), the requests not
//! stored, and every site × vendor with a field missing. `accuracy --sdk DIR LOG` measures a
//! crawl of it made before, with the request log of `pixelcensus testweb --log LOG`.

use measure::real;
use pixelcensus_testweb::accuracy;

#[path = "../tests/measure/mod.rs"]
mod measure;
use std::path::{Path, PathBuf};

fn rows(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut rd = csv::Reader::from_path(path).unwrap_or_else(|e| {
        eprintln!("accuracy: cannot read {}: {e}", path.display());
        std::process::exit(2);
    });
    let head = rd.headers().expect("a header row").clone();
    rd.records()
        .map(|r| {
            let r = r.expect("a CSV row");
            head.iter()
                .zip(r.iter())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The real-request measure: the table, and exit 1 when a total is below its target.
fn real(file: Option<String>) {
    let path = file.map(PathBuf::from).unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real-requests.jsonl")
    });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("accuracy: cannot read {}: {e}", path.display());
        std::process::exit(2);
    });
    let reqs = real::load(&text).unwrap_or_else(|e| {
        eprintln!("accuracy: {}: {e}", path.display());
        std::process::exit(2);
    });
    let scores: Vec<real::Scored> = reqs.iter().map(real::score).collect();
    println!("real captured requests ({}):\n", path.display());
    print!("{}", real::table(&scores));
    let t = real::totals(&scores);
    if (0..4).any(|i| t[i].share() < real::TARGETS[i]) {
        std::process::exit(1);
    }
}

fn main() {
    let arg = std::env::args().nth(1);
    if arg.as_deref().is_some_and(|a| a == "--help" || a == "-h") {
        println!(
            "usage: accuracy [CRAWL_FOLDER]\n       accuracy --real [REQUESTS_FILE]\n       accuracy --sdk\n\nWithout a folder, crawls the demo web first (needs the release build). With --real,\nreads real captured requests (tests/data/real-requests.jsonl by default) without a browser;\n--sdk crawls the SDK web (needs `make sdk`)."
        );
        return;
    }
    if arg.as_deref() == Some("--real") {
        real(std::env::args().nth(2));
        return;
    }
    if arg.as_deref() == Some("--sdk") {
        sdk::main();
        return;
    }
    let _tmp;
    let dir: PathBuf = match arg {
        Some(d) => PathBuf::from(d),
        None => {
            let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/pixelcensus");
            _tmp = tempfile::tempdir().expect("a temporary folder");
            let out = _tmp.path().join("demo");
            eprintln!("accuracy: crawling the demo web into {}", out.display());
            let st = std::process::Command::new(&bin)
                .args(["demo", "--out"])
                .arg(&out)
                .args(["--browsers", "2"])
                .status()
                .unwrap_or_else(|e| {
                    eprintln!(
                        "accuracy: cannot run {}: {e} (run `cargo build --release` first)",
                        bin.display()
                    );
                    std::process::exit(2);
                });
            if !st.success() {
                eprintln!("accuracy: the demo crawl failed");
                std::process::exit(1);
            }
            out
        }
    };
    let trackers = rows(&dir.join("site_trackers.csv"));
    let m = accuracy::measure(&trackers);
    print!("{}", accuracy::table(&m));
    // IDs learned across the crawl (id_source = inferred), against the test web's truth.
    let inf = accuracy::inferred_ids(&trackers);
    println!(
        "\ninferred IDs: precision {:.2} ({} of {} reported are right; target >= 0.95), recall {:.2} ({} of {} accounts only inference can find)",
        inf.precision(),
        inf.right,
        inf.right + inf.wrong.len(),
        inf.recall(),
        inf.found,
        inf.truth
    );
    for (site, tracker, id) in &inf.wrong {
        println!("  wrong: {site} / {tracker}: {id}");
    }
    let off: Vec<_> = m
        .iter()
        .filter(|x| !x.missing.is_empty() || !x.extra.is_empty() || !x.ids_right || !x.seen)
        .collect();
    if !off.is_empty() {
        println!("\ninstances not exact:");
        for x in off {
            println!(
                "  {} / {}: missing {:?}, extra {:?}{}",
                x.site,
                x.tracker,
                x.missing,
                x.extra,
                if x.ids_right { "" } else { ", IDs wrong" }
            );
        }
    }
}

/// `--sdk`: the SDK web.
mod sdk {
    use crate::measure::sdk as sdk_measure;
    use pixelcensus_testweb::{TestWeb, sdk};
    use std::path::Path;

    fn fail(msg: String) -> ! {
        eprintln!("accuracy: {msg}");
        std::process::exit(2);
    }

    /// A crawl folder and the test web's request log (`pixelcensus testweb --log`), or
    /// None to crawl the SDK web now.
    pub fn main() {
        let args: Vec<String> = std::env::args().skip(2).collect();
        if let [dir, log] = &args[..] {
            let log = std::fs::read_to_string(log)
                .unwrap_or_else(|e| fail(format!("cannot read {log}: {e}")))
                .lines()
                .filter_map(|l| serde_json::from_str(l).ok())
                .collect::<Vec<_>>();
            return report(Path::new(dir), &log);
        }
        if !sdk::available() {
            fail(format!(
                "the SDK web's vendor files are not in {}: run `make sdk`",
                sdk::dir().display()
            ));
        }
        let rt = tokio::runtime::Runtime::new().expect("a runtime");
        let web = rt
            .block_on(TestWeb::start(0, None))
            .unwrap_or_else(|e| fail(format!("the test web cannot start: {e}")));
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let list = tmp.path().join("sdk.csv");
        std::fs::write(&list, sdk::tranco_csv()).expect("the list is written");
        let out = tmp.path().join("sdk");
        let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/pixelcensus");
        eprintln!("accuracy: crawling the SDK web into {}", out.display());
        let st = std::process::Command::new(&bin)
            .args(["crawl", "--list"])
            .arg(&list)
            .arg("--out")
            .arg(&out)
            .args([
                "--host-map",
                &web.host_map(),
                "--insecure",
                "--consent",
                "none",
            ])
            .args([
                "--browsers",
                "2",
                "--dwell",
                "2",
                "--pages",
                "3",
                "--page-timeout",
                "15",
            ])
            .status()
            .unwrap_or_else(|e| {
                fail(format!(
                    "cannot run {}: {e} (build it first)",
                    bin.display()
                ))
            });
        if !st.success() {
            fail("the SDK web crawl failed".into());
        }
        // The browser-free pre-scan of the same sites, into the crawl's folder.
        let st = std::process::Command::new(&bin)
            .args(["prescan", "--quiet", "--list"])
            .arg(&list)
            .arg("--out")
            .arg(&out)
            .args(["--host-map", &web.host_map(), "--insecure"])
            .status()
            .unwrap_or_else(|e| fail(format!("cannot run {}: {e}", bin.display())));
        if !st.success() {
            fail("the SDK web pre-scan failed".into());
        }
        report(&out, &web.requests());
    }

    fn report(out: &Path, log: &[pixelcensus_testweb::Logged]) {
        let store = pixelcensus::store::Store::open(out).expect("the store opens");
        let visits = store
            .targets()
            .expect("targets")
            .into_iter()
            .filter_map(|(t, _, id)| Some((t.domain, store.load_visit(id?).ok()?.visit)))
            .collect();
        let m = sdk_measure::measure(
            log,
            &visits,
            &super::rows(&out.join("requests.csv")),
            &super::rows(&out.join("tracker_fields.csv")),
            &super::rows(&out.join("site_trackers.csv")),
        );
        print!("{}", sdk_measure::table(&m));
        if !m.lost.is_empty() {
            println!("\nvendor requests not stored as sent, with their page:");
            for l in &m.lost {
                println!(
                    "  {:?} on {}: {} [{}] {} {}",
                    l.sdk, l.site, l.what, l.how, l.when, l.wrong_page
                );
            }
        }
        println!(
            "\nper site × vendor (fields sent; * = only inside compressed bodies; missing in brackets):"
        );
        for p in &m.pairs {
            let fields: Vec<String> = p
                .sent
                .iter()
                .map(|(f, plain)| {
                    let star = if *plain { "" } else { "*" };
                    if p.reported.contains(f) {
                        format!("{f}{star}")
                    } else {
                        format!("[{f}{star}]")
                    }
                })
                .collect();
            println!(
                "  {:<20} {:<26} {:>3}/{:<3} {} | IDs {:?} | {:?}",
                p.site,
                p.sdk.map(|s| s.name()).unwrap_or(""),
                p.stored,
                p.received,
                fields.join(" "),
                p.ids,
                p.layers
            );
        }
        accounts_table(out, &m);
    }

    /// The account IDs an SDK's set-up names on `site`: the project key, application,
    /// DSN key and project, datastream, or the app ID Snowplow's and Plausible's set-ups
    /// give as the site's domain. The truth for the pixel IDs reported.
    fn accounts(s: sdk::Sdk, site: &str) -> Vec<String> {
        use sdk::Sdk::*;
        let ids: &[&str] = match s {
            PostHog => &[sdk::POSTHOG_TOKEN],
            Amplitude => &[sdk::AMPLITUDE_KEY],
            Mixpanel => &[sdk::MIXPANEL_TOKEN],
            Segment => &[sdk::SEGMENT_KEY],
            Snowplow | Plausible => return vec![site.to_string()],
            Datadog => &[sdk::DATADOG_TOKEN, sdk::DATADOG_APP],
            Sentry => &[sdk::SENTRY_KEY, sdk::SENTRY_PROJECT],
            Clarity => &[sdk::CLARITY_PROJECT],
            AppInsights => &[sdk::APPINSIGHTS_KEY],
            RudderStack => &[sdk::RUDDER_KEY],
            MParticle => &[sdk::MPARTICLE_KEY],
            Alloy => &[sdk::ALLOY_DATASTREAM],
            NewRelic => &[sdk::NEWRELIC_KEY, sdk::NEWRELIC_APP],
        };
        ids.iter().map(|i| i.to_string()).collect()
    }

    /// The pixel IDs `rows` give the trackers `names` on `site`.
    fn ids_of(
        rows: &[std::collections::BTreeMap<String, String>],
        site: &str,
        names: &std::collections::BTreeSet<String>,
    ) -> std::collections::BTreeSet<String> {
        rows.iter()
            .filter(|r| r["site"] == site && names.contains(&r["tracker"]))
            .flat_map(|r| r["pixel_ids"].split(';').map(str::to_string))
            .filter(|i| !i.is_empty())
            .collect()
    }

    /// Per SDK, the site × SDK pairs whose every account ID site_trackers.csv reports (the
    /// browser crawl) and prescan.csv reports (the HTML alone), with what was missed.
    fn accounts_table(out: &Path, m: &sdk_measure::Measure) {
        let crawl = super::rows(&out.join("site_trackers.csv"));
        let pre_path = out.join("prescan.csv");
        let pre = if pre_path.exists() {
            super::rows(&pre_path)
        } else {
            Vec::new()
        };
        let mut by: std::collections::BTreeMap<&str, [usize; 3]> = Default::default();
        let mut missed = Vec::new();
        for p in &m.pairs {
            let Some(s) = p.sdk else { continue };
            let want = accounts(s, &p.site);
            let c = ids_of(&crawl, &p.site, &p.names);
            let h = ids_of(&pre, &p.site, &p.names);
            let row = by.entry(s.name()).or_default();
            row[0] += 1;
            for (i, got) in [(1, &c), (2, &h)] {
                if want.iter().all(|w| got.contains(w)) {
                    row[i] += 1;
                } else {
                    let how = ["", "crawl", "pre-scan"][i];
                    missed.push(format!("{} {} ({how}): {got:?}", p.site, s.name()));
                }
            }
        }
        println!("\naccount IDs (every ID the SDK's set-up names, per site × vendor):");
        println!("{:<26} {:>7} {:>9}", "vendor", "crawl", "pre-scan");
        let mut t = [0; 3];
        for (name, [n, c, h]) in &by {
            println!(
                "{name:<26} {:>7} {:>9}",
                format!("{c}/{n}"),
                format!("{h}/{n}")
            );
            t = [t[0] + n, t[1] + c, t[2] + h];
        }
        let [n, c, h] = t;
        println!(
            "{:<26} {:>7} {:>9}",
            "all",
            format!("{c}/{n}"),
            format!("{h}/{n}")
        );
        missed.iter().for_each(|x| println!("  missed: {x}"));
    }
}
