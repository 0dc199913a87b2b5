//! Records the git commit pixelcensus was built from (for manifest.json and `--version`),
//! when built from a checkout.
fn main() {
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    println!("cargo:rustc-env=PIXELCENSUS_GIT_COMMIT={commit}");
    // `--version`: the version, and the commit when there is one.
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let full = if commit.is_empty() {
        version
    } else {
        format!("{version} (git {commit})")
    };
    println!("cargo:rustc-env=PIXELCENSUS_VERSION={full}");
    println!("cargo:rerun-if-changed=.git/HEAD");
    println!("cargo:rerun-if-changed=.git/refs/heads");
}
