//! `fingerprinting.csv`: one row per site, script and fingerprinting technique (#41), decided
//! by `analyze::scripts` from the raw counts the script-behaviour hooks reported.

use super::{Dataset, Site, Spec, owner_cells, pages_text, per_site_types};
use crate::report::parquet::ColType;
use crate::report::{Out, ReportError};

/// Column order of `fingerprinting.csv`.
pub const FINGERPRINTING_COLUMNS: [&str; 19] = [
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
    "document",
    "script",
    "script_host",
    "third_party",
    "vendor",
    "owner",
    "technique",
    "evidence",
    "counts",
];

const TYPES: [ColType; 19] = per_site_types![
    Text, Text, Text, Text, Text, Bool, Text, Text, Text, Text, Text
];

const SPEC: Spec = Spec {
    file: "fingerprinting.csv",
    columns: &FINGERPRINTING_COLUMNS,
    types: &TYPES,
    parquet: None,
};

pub(super) struct Fingerprinting;

impl Dataset for Fingerprinting {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn site(&mut self, s: &Site<'_>, out: &mut Out) -> Result<(), ReportError> {
        let Some(x) = s.visited() else {
            return Ok(());
        };
        for t in &x.f.scripts.techniques {
            let pages = pages_text(&t.pages);
            let head = [pages.as_str(), t.context.as_str(), &t.document];
            let tail = [t.technique.as_str(), &t.evidence, &t.counts];
            out.row(
                x.key()
                    .into_iter()
                    .chain(head)
                    .chain(owner_cells(&t.who))
                    .chain(tail),
            )?;
        }
        Ok(())
    }
}
