//! Finding and killing browser processes by the folders on their command line, so a hung or
//! orphaned Chromium never outlives its visit or its crawl (Linux `/proc`).
//!
//! A process belongs to a folder when one of its arguments names that folder exactly or a
//! path inside it: `--user-data-dir=<dir>` (Chromium and all its children) or `--database=<dir>`
//! (its crash handler). Never a substring of the command line: `profile-1` is not
//! `profile-10`.

use std::path::Path;

/// The arguments that name a browser's own folders.
const FOLDER_ARGS: [&str; 2] = ["--user-data-dir=", "--database="];

/// True when one of the NUL-separated arguments of `cmdline` names `dir` or a path under it.
fn names_folder(cmdline: &[u8], dir: &[u8]) -> bool {
    let dir = dir.strip_suffix(b"/").unwrap_or(dir);
    if dir.is_empty() {
        return false;
    }
    cmdline.split(|&b| b == 0).any(|arg| {
        FOLDER_ARGS.iter().any(|flag| {
            arg.strip_prefix(flag.as_bytes()).is_some_and(|path| {
                path.strip_prefix(dir)
                    .is_some_and(|rest| rest.is_empty() || rest[0] == b'/')
            })
        })
    })
}

/// Sends SIGKILL to every process whose browser folder is `dir` or lies under it; returns how
/// many.
pub fn kill_under(dir: &Path) -> usize {
    let me = std::process::id() as i32;
    let needle = dir.as_os_str().as_encoded_bytes();
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
        if names_folder(&cmd, needle) {
            // SAFETY: kill with a pid read from /proc; a recycled pid would need the same
            // folder argument to be hit.
            if unsafe { libc::kill(pid, libc::SIGKILL) } == 0 {
                killed += 1;
            }
        }
    }
    killed
}

/// Resident memory (bytes) of every process whose browser folder is `dir` or lies under it:
/// one browser and all its renderers.
pub fn rss_under(dir: &Path) -> u64 {
    let needle = dir.as_os_str().as_encoded_bytes();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let mut total = 0;
    for e in entries.flatten() {
        if !e
            .file_name()
            .to_str()
            .is_some_and(|s| s.bytes().all(|b| b.is_ascii_digit()))
        {
            continue;
        }
        let Ok(cmd) = std::fs::read(e.path().join("cmdline")) else {
            continue;
        };
        if !names_folder(&cmd, needle) {
            continue;
        }
        if let Ok(statm) = std::fs::read_to_string(e.path().join("statm"))
            && let Some(pages) = statm
                .split_whitespace()
                .nth(1)
                .and_then(|x| x.parse::<u64>().ok())
        {
            total += pages * 4096;
        }
    }
    total
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
        n += kill_under(&e.path());
        if e.file_type().is_ok_and(|t| t.is_symlink()) {
            let _ = std::fs::remove_file(e.path());
        } else {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
    n
}

/// The longest path a Unix socket may have (`sun_path` holds 108 bytes with the NUL).
const SOCKET_MAX: usize = 107;
/// What Chromium adds to its temporary folder for its singleton socket.
const SOCKET_TAIL: &str = "/.org.chromium.Chromium.XXXXXX/SingletonSocket";

/// The temporary folder to give Chromium for a crawl whose own is `tmp`: `tmp` itself when
/// Chromium's socket fits under it; otherwise a short link in /tmp to it (named after the
/// run folder `root`, so [`sweep_orphans`] and [`remove_run`] find it). A long TMPDIR would
/// otherwise start no browser at all. Only the socket's path goes through the link: what
/// Chromium writes there still lands in `tmp`.
pub fn browser_tmp(root: &Path, tmp: &Path) -> std::io::Result<std::path::PathBuf> {
    if tmp.as_os_str().len() + SOCKET_TAIL.len() <= SOCKET_MAX {
        return Ok(tmp.to_owned());
    }
    let link = socket_link(root);
    if std::fs::read_link(&link).ok().as_deref() != Some(tmp) {
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(tmp, &link)?;
    }
    Ok(link)
}

/// The short link [`browser_tmp`] makes for the run folder `root`.
fn socket_link(root: &Path) -> std::path::PathBuf {
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Path::new("/tmp").join(format!("{name}-s"))
}

/// Ends a run's browsers: kills every process of the run folder `root`, removes it and its
/// socket link.
pub fn remove_run(root: &Path) {
    remove_run_for(root, 1);
}

/// [`remove_run`], counting the folder gone only once it has stayed gone for `checks` looks
/// 100 ms apart.
fn remove_run_for(root: &Path, checks: u32) {
    // Killed processes may still write for a moment (SIGKILL is delivered asynchronously,
    // and a loaded machine takes its time to end 20 processes): again until the folder is
    // gone, for thirty seconds at most.
    let mut gone = 0;
    for _ in 0..300 {
        kill_under(root);
        let _ = std::fs::remove_dir_all(root);
        if std::fs::symlink_metadata(root).is_err() {
            gone += 1;
            if gone >= checks {
                break;
            }
        } else {
            gone = 0;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = std::fs::remove_file(socket_link(root));
}

/// Starts the run's reaper: a copy of this program (`args`, e.g. a hidden subcommand that
/// calls [`reap`]) that waits for the returned pipe to close, then removes the run
/// ([`remove_run`]). The pipe closes when this process ends in any way, `kill -9` and the
/// OOM killer included, so no browser outlives the crawler. It runs in its own process
/// group, out of reach of a terminal's Ctrl-C (the crawler cleans up itself then).
pub fn spawn_reaper(args: &[&std::ffi::OsStr]) -> std::io::Result<std::process::ChildStdin> {
    use std::os::unix::process::CommandExt;
    let exe = std::env::current_exe()?;
    let mut child = std::process::Command::new(exe)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .spawn()?;
    let stdin = child.stdin.take().expect("piped");
    // Reaped by a thread of its own, so it never lingers as a zombie.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(stdin)
}

/// The reaper's side of [`spawn_reaper`]: blocks until stdin closes, then removes the run.
pub fn reap(root: &Path) {
    use std::io::Read;
    let mut sink = [0u8; 64];
    let mut stdin = std::io::stdin();
    while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
    // After a `kill -9` of the crawler, a browser's network process, which names no folder
    // on its command line, outlives its browser for a moment and flushes the HTTP cache's
    // index into the profile, making the folder again: it must stay gone for two seconds.
    remove_run_for(root, 20);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_match_exactly_not_by_substring() {
        let cmd = |args: &[&str]| args.join("\0").into_bytes();
        let p1 = cmd(&[
            "chromium",
            "--type=renderer",
            "--user-data-dir=/t/run/profile-1",
        ]);
        let p10 = cmd(&["chromium", "--user-data-dir=/t/run/profile-10"]);
        assert!(names_folder(&p1, b"/t/run/profile-1"));
        assert!(
            !names_folder(&p10, b"/t/run/profile-1"),
            "profile-1 is not profile-10"
        );
        assert!(
            names_folder(&p10, b"/t/run"),
            "a run folder holds its profiles"
        );
        assert!(names_folder(&p10, b"/t/run/"));
        assert!(!names_folder(&p10, b"/t/ru"));
        let crash = cmd(&[
            "chrome_crashpad_handler",
            "--database=/t/run/home/.config/chromium/Crash Reports",
        ]);
        assert!(names_folder(&crash, b"/t/run"));
        // The folder only counts as the value of a folder argument.
        let other = cmd(&["sh", "-c", "sleep 30 # --user-data-dir=/t/run/profile-1"]);
        assert!(!names_folder(&other, b"/t/run/profile-1"));
        assert!(!names_folder(&p1, b""));
    }

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
    fn a_long_tmp_gets_a_short_link_for_chromium_s_socket() {
        let base = tempfile::tempdir().unwrap();
        let root = base
            .path()
            .join(format!("pixelcensus-{}-0000abcd", std::process::id()));
        let short = root.join("t");
        assert_eq!(browser_tmp(&root, &short).unwrap(), short);
        let long = root.join("x".repeat(90));
        std::fs::create_dir_all(&long).unwrap();
        let got = browser_tmp(&root, &long).unwrap();
        assert!(
            got.as_os_str().len() + SOCKET_TAIL.len() <= SOCKET_MAX,
            "{got:?}"
        );
        assert_eq!(
            std::fs::canonicalize(&got).unwrap(),
            std::fs::canonicalize(&long).unwrap()
        );
        // Asked again (chromedriver restarted): the same link.
        assert_eq!(browser_tmp(&root, &long).unwrap(), got);
        remove_run(&root);
        assert!(!root.exists() && std::fs::symlink_metadata(&got).is_err());
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
            .arg("sleep 30; true")
            .arg(format!(
                "--user-data-dir={}",
                dead.join("profile-0").display()
            ))
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
