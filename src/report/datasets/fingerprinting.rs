//! `fingerprinting.csv`: one row per site, script and fingerprinting technique (#41), decided
//! by `analyze::scripts` from the raw counts the script-behaviour hooks reported.

use super::{Dataset, Site, Spec, bool_text, pages_text, per_site_types};
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
            out.row(x.key().into_iter().chain([
                pages_text(&t.pages).as_str(),
                t.context.as_str(),
                &t.document,
                &t.who.script,
                &t.who.host,
                bool_text(t.who.third_party),
                &t.who.vendor,
                &t.who.owner,
                t.technique.as_str(),
                &t.evidence,
                &t.counts,
            ]))?;
        }
        Ok(())
    }
}
