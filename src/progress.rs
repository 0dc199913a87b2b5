//! How a long run (a crawl, a prescan) shows its progress on stderr: a bar on a terminal, a
//! plain line every few seconds otherwise (cron, CI, systemd), or nothing with `-q`. Shared by
//! the browser crawl and the browser-free prescan, so neither imports the other.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// How progress is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// An indicatif bar (stderr is a terminal).
    Bar,
    /// A plain log line every few seconds (stderr is not a terminal).
    Lines,
    /// Nothing.
    Quiet,
}

impl Progress {
    /// Nothing with `quiet`, else a bar when stderr is a terminal and lines when it is not.
    pub fn for_stderr(quiet: bool) -> Progress {
        if quiet {
            Progress::Quiet
        } else if std::io::stderr().is_terminal() {
            Progress::Bar
        } else {
            Progress::Lines
        }
    }

    /// A bar of `total` steps at `done`, drawn with `template`, when progress is a bar.
    pub fn bar(self, total: u64, done: u64, template: &str) -> Option<ProgressBar> {
        if self != Progress::Bar {
            return None;
        }
        let bar = ProgressBar::new(total);
        bar.set_style(ProgressStyle::with_template(template).expect("valid template"));
        bar.set_position(done);
        Some(bar)
    }
}

/// The steady tick of a bar whose message changes only when a step is done.
pub const TICK: Duration = Duration::from_millis(250);
