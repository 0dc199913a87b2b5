//! Finding and killing browser processes by the profile folder on their command line, so a
//! hung or orphaned Chromium never outlives its visit or its crawl (Linux `/proc`).

use std::path::Path;

/// Sends SIGKILL to every process whose command line contains `needle`; returns how many.
pub fn kill_matching(needle: &str) -> usize {
    let me = std::process::id() as i32;
    let mut killed = 0;
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    for e in entries.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(cmd) = std::fs::read(e.path().join("cmdline")) else {
            continue;
        };
        if memmem(&cmd, needle.as_bytes()) {
            // SAFETY: kill with a pid read from /proc; a recycled pid would need the same
            // command line to be hit.
            if unsafe { libc::kill(pid, libc::SIGKILL) } == 0 {
                killed += 1;
            }
        }
    }
    killed
}

/// True when the process `pid` exists.
pub fn alive(pid: i32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Kills browsers left behind by earlier runs that were killed (-9) and removes their
/// profile folders. Run folders are named `pixelcensus-<pid>-…` under `root`.
pub fn sweep_orphans(root: &Path) -> usize {
    let mut n = 0;
    let Ok(entries) = std::fs::read_dir(root) else {
        return 0;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(rest) = name.strip_prefix("pixelcensus-") else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<i32>().ok()) else {
            continue;
        };
        if pid as u32 == std::process::id() || alive(pid) {
            continue;
        }
        n += kill_matching(&e.path().to_string_lossy());
        let _ = std::fs::remove_dir_all(e.path());
    }
    n
}

fn memmem(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}
