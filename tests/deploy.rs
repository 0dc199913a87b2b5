//! The Kubernetes manifests and container image definition under deploy/: they parse, they
//! are wired together (the same crawl identity, volume and shard count everywhere, the
//! scripts the image installs), and the commands they run are the ones the end-to-end test
//! runs (deploy/crawl-shard.sh and merge.sh, in tests/e2e/shards.rs) with options
//! `pixelcensus` accepts. No cluster is needed.

use std::path::{Path, PathBuf};
use std::process::Command;
use yaml_rust2::{Yaml, YamlLoader};

fn deploy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy")
}

/// Every document of a manifest file.
fn docs(name: &str) -> Vec<Yaml> {
    let p = deploy().join("k8s").join(name);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{name} does not parse: {e}"))
}

fn one(name: &str) -> Yaml {
    let mut d = docs(name);
    assert_eq!(d.len(), 1, "{name}: one document");
    d.remove(0)
}

fn s(y: &Yaml) -> &str {
    y.as_str().unwrap_or_else(|| panic!("not a string: {y:?}"))
}

/// A container's environment variable.
fn env<'a>(c: &'a Yaml, name: &str) -> &'a str {
    c["env"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|e| s(&e["name"]) == name)
        .map(|e| s(&e["value"]))
        .unwrap_or_else(|| panic!("no {name} in {c:?}"))
}

fn container(job: &Yaml) -> &Yaml {
    let cs = job["spec"]["template"]["spec"]["containers"]
        .as_vec()
        .unwrap();
    assert_eq!(cs.len(), 1);
    &cs[0]
}

/// The `--options` of `pixelcensus <command> --help`.
fn options(command: &str) -> Vec<String> {
    let o = Command::new(env!("CARGO_BIN_EXE_pixelcensus"))
        .args([command, "--help"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .filter(|w| w.starts_with("--"))
        .map(|w| w.trim_end_matches([',', '.']).to_string())
        .collect()
}

/// Checks an Indexed crawl Job; returns (its container, SHARDS).
fn crawl_job(name: &str) -> (Yaml, u32) {
    let job = one(name);
    assert_eq!(s(&job["kind"]), "Job");
    let spec = &job["spec"];
    assert_eq!(s(&spec["completionMode"]), "Indexed", "{name}");
    assert!(
        spec["backoffLimitPerIndex"].as_i64().unwrap() >= 1,
        "{name}"
    );
    assert_eq!(s(&spec["podReplacementPolicy"]), "Failed", "{name}");
    assert_eq!(
        s(&spec["template"]["spec"]["restartPolicy"]),
        "Never",
        "{name}"
    );
    let completions = spec["completions"].as_i64().unwrap() as u32;
    assert!(spec["parallelism"].as_i64().unwrap() as u32 <= completions);
    let c = container(&job).clone();
    let shards: u32 = env(&c, "SHARDS").parse().unwrap();
    assert_eq!(shards, completions, "{name}: SHARDS must equal completions");
    let cmd: Vec<&str> = c["command"].as_vec().unwrap().iter().map(s).collect();
    assert_eq!(cmd, ["crawl-shard.sh"], "{name}");
    // Every option given is one `pixelcensus crawl` takes.
    let known = options("crawl");
    for a in c["args"].as_vec().unwrap().iter().map(s) {
        if a.starts_with("--") {
            assert!(
                known.iter().any(|k| k == a),
                "{name}: `pixelcensus crawl` has no {a}"
            );
        }
    }
    // The failure policy names the container that exists.
    let rule_container = spec["podFailurePolicy"]["rules"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|r| r["onExitCodes"]["containerName"].as_str())
        .next()
        .unwrap();
    assert_eq!(rule_container, s(&c["name"]));
    (c, shards)
}

fn claim(job: &Yaml) -> String {
    s(&job["spec"]["template"]["spec"]["volumes"].as_vec().unwrap()[0]["persistentVolumeClaim"]
        ["claimName"])
    .to_string()
}

#[test]
fn the_manifests_parse_and_run_the_tested_scripts_with_one_crawl_identity() {
    let (crawl, _) = crawl_job("crawl-job.yaml");
    let (grid_crawl, _) = crawl_job("crawl-job-grid.yaml");
    let merge = one("merge-job.yaml");
    let m = container(&merge);
    let cmd: Vec<&str> = m["command"].as_vec().unwrap().iter().map(s).collect();
    assert_eq!(cmd, ["merge.sh"]);
    for c in [&grid_crawl, m] {
        assert_eq!(env(c, "CRAWL_ID"), env(&crawl, "CRAWL_ID"));
        assert_eq!(env(c, "RESULTS"), env(&crawl, "RESULTS"));
    }
    assert!(env(&crawl, "LIST").starts_with(env(&crawl, "RESULTS")));
    // One volume, mounted where RESULTS points.
    let pvc = one("volume.yaml");
    let name = s(&pvc["metadata"]["name"]).to_string();
    for f in ["crawl-job.yaml", "crawl-job-grid.yaml", "merge-job.yaml"] {
        assert_eq!(claim(&one(f)), name, "{f}");
    }
    assert_eq!(
        s(&crawl["volumeMounts"].as_vec().unwrap()[0]["mountPath"]),
        env(&crawl, "RESULTS")
    );

    // The Grid variant points at the hub Service of grid.yaml.
    let grid = docs("grid.yaml");
    let service = grid
        .iter()
        .find(|d| s(&d["kind"]) == "Service")
        .expect("a Service");
    let args: Vec<&str> = grid_crawl["args"].as_vec().unwrap().iter().map(s).collect();
    let i = args
        .iter()
        .position(|a| *a == "--webdriver")
        .expect("--webdriver");
    let port = service["spec"]["ports"].as_vec().unwrap()[0]["port"]
        .as_i64()
        .unwrap();
    assert_eq!(
        args[i + 1],
        format!("http://{}:{port}", s(&service["metadata"]["name"]))
    );
    assert!(
        args.contains(&"--browsers"),
        "a fixed share of the Grid's slots per pod"
    );
    let node = grid
        .iter()
        .find(|d| s(&d["metadata"]["name"]) == "selenium-node")
        .unwrap();
    let nargs: Vec<&str> = container(node)["args"]
        .as_vec()
        .unwrap()
        .iter()
        .map(s)
        .collect();
    assert!(
        nargs.windows(2).any(|w| w == ["--session-timeout", "120"]),
        "{nargs:?}"
    );

    // The image installs the scripts the Jobs run, and the browser.
    let image = std::fs::read_to_string(deploy().join("Containerfile")).unwrap();
    assert!(image.contains("COPY deploy/crawl-shard.sh deploy/merge.sh /usr/local/bin/"));
    assert!(image.contains("chromium chromium-driver"));
    for script in ["crawl-shard.sh", "merge.sh", "local-shards.sh"] {
        let p = deploy().join(script);
        let o = Command::new("bash").arg("-n").arg(&p).output().unwrap();
        assert!(
            o.status.success(),
            "{script}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        use std::os::unix::fs::PermissionsExt;
        assert!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o111 != 0,
            "{script} is not executable"
        );
    }
}

#[test]
fn the_shard_script_refuses_to_run_without_its_settings() {
    // Without the Job's variables it names the one missing, before starting anything.
    let o = Command::new("bash")
        .arg(deploy().join("crawl-shard.sh"))
        .env_remove("JOB_COMPLETION_INDEX")
        .env("PIXELCENSUS", "/bin/false")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("JOB_COMPLETION_INDEX"));
    // With them, it runs `pixelcensus crawl --shard K+1/N --crawl-id ID` and passes the rest on.
    let o = Command::new("bash")
        .arg(deploy().join("crawl-shard.sh"))
        .args(["--browsers", "4"])
        .env("JOB_COMPLETION_INDEX", "2")
        .env("SHARDS", "5")
        .env("CRAWL_ID", "2026-12")
        .env("LIST", "/lists/top.csv")
        .env("RESULTS", "/r")
        .env("PIXELCENSUS", "echo")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        "crawl --list /lists/top.csv --out /r/2026-12/shard-3 --shard 3/5 --crawl-id 2026-12 --browsers 4"
    );
}
