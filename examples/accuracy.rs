//! `make accuracy`: how much of what the test web's trackers are sent pixelcensus reports.
//! Crawls the built-in demo web (`pixelcensus demo`, release build) into a temporary folder,
//! or reads a crawl folder given as the argument, and prints per tracker the fields found of
//! the fields its imitation sends (testweb::accuracy::SENT, written from the scripts), the
//! fields reported that were not sent, and whether the pixel IDs are right; then every
//! instance with a field missing or extra.
//!
//! `--real [FILE]` reads real captured requests instead (no browser; by default
//! tests/data/real-requests.jsonl, see `testweb::real`) and prints per vendor named / account
//! ID / events / fields and the totals against issue #39's targets.

use pixelcensus::testweb::{accuracy, real};
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
            "usage: accuracy [CRAWL_FOLDER]\n       accuracy --real [REQUESTS_FILE]\n\nWithout a folder, crawls the demo web first (needs the release build). With --real,\nreads real captured requests (tests/data/real-requests.jsonl by default) without a browser."
        );
        return;
    }
    if arg.as_deref() == Some("--real") {
        real(std::env::args().nth(2));
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
    let m = accuracy::measure(&rows(&dir.join("site_trackers.csv")));
    print!("{}", accuracy::table(&m));
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
