//! `listeners.csv`: one row per site and script that listened to the visitor (#41): the
//! events (keys, input, pointer and touch movement, device motion), what it listened on,
//! whether that heard a canary being typed, and whether the script recorded the session.

use super::{Dataset, Site, Spec, bool_text, join, owner_cells, pages_text, per_site_types};
use crate::report::parquet::ColType;
use crate::report::{Out, ReportError};

/// Column order of `listeners.csv`.
pub const LISTENERS_COLUMNS: [&str; 20] = [
    "rank",
    "site",
    "crawl",
    "device",
    "vantage",
    "consent_mode",
    "gpc",
    "status",
    "pages",
    "context",
    "script",
    "script_host",
    "third_party",
    "vendor",
    "owner",
    "events",
    "targets",
    "typed_into",
    "session_recorder",
    "sent_bytes",
];

const TYPES: [ColType; 20] = per_site_types![
    Text, Text, Text, Text, Bool, Text, Text, Text, Text, Bool, Bool, Int
];

const SPEC: Spec = Spec {
    file: "listeners.csv",
    columns: &LISTENERS_COLUMNS,
    types: &TYPES,
    parquet: None,
};

pub(super) struct Listeners;

impl Dataset for Listeners {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn site(&mut self, s: &Site<'_>, out: &mut Out) -> Result<(), ReportError> {
        let Some(x) = s.visited() else {
            return Ok(());
        };
        for l in &x.f.scripts.listeners {
            let (pages, events, targets) =
                (pages_text(&l.pages), join(&l.events), join(&l.targets));
            let sent = l.sent_bytes.to_string();
            let tail = [
                events.as_str(),
                &targets,
                bool_text(l.typed_into),
                bool_text(l.session_recorder),
                &sent,
            ];
            out.row(
                x.key()
                    .into_iter()
                    .chain([pages.as_str(), l.context.as_str()])
                    .chain(owner_cells(&l.who))
                    .chain(tail),
            )?;
        }
        Ok(())
    }
}
