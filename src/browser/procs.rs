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

/// True when the process `pid` exists and is not a zombie (a killed process stays in /proc
/// until its parent reaps it).
pub fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name: `pid (comm) S ...`.
        Ok(stat) => stat
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| !rest.starts_with('Z') && !rest.starts_with('X')),
        Err(_) => false,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alive_sees_this_process_and_not_a_reaped_or_zombie_child() {
        assert!(alive(std::process::id() as i32));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id() as i32;
        std::thread::sleep(std::time::Duration::from_millis(200)); // exited, not yet reaped
        assert!(!alive(pid), "a zombie is not alive");
        child.wait().unwrap();
        assert!(!alive(pid));
    }

    #[test]
    fn sweep_kills_processes_of_dead_runs_only() {
        let root = tempfile::tempdir().unwrap();
        let dead = root.path().join("pixelcensus-999999999-00000000");
        let mine = root
            .path()
            .join(format!("pixelcensus-{}-00000001", std::process::id()));
        std::fs::create_dir_all(&dead).unwrap();
        std::fs::create_dir_all(&mine).unwrap();
        let mut victim = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("sleep 30 # {}", dead.join("profile-0").display()))
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert_eq!(sweep_orphans(root.path()), 1);
        let status = victim.wait().unwrap();
        assert!(!status.success(), "the orphan was killed");
        assert!(!dead.exists());
        assert!(mine.exists(), "this run's folder is left alone");
    }
}
