//! `fields.csv`: per consent mode, tracker and field, the share of OK sites where the tracker
//! received the field (with its Wilson interval), and the share among the OK sites where the
//! tracker loaded at all.

use super::prevalence::frac;
use super::{Dataset, Spec, bool_text};
use crate::report::parquet::ColType;
use crate::report::{CrawlTotals, Out, ReportError, cells, ranked};

/// Column order of `fields.csv`.
pub const FIELDS_COLUMNS: [&str; 15] = [
    "crawl",
    "device",
    "vantage",
    "consent_mode",
    "gpc",
    "tracker",
    "company",
    "field",
    "sites",
    "sites_ok",
    "share",
    "ci_low",
    "ci_high",
    "tracker_sites",
    "share_of_tracker_sites",
];

/// Column types, in [`FIELDS_COLUMNS`]'s order.
const FIELDS_TYPES: [ColType; 15] = super::crawl_types![
    Text, Text, Text, Int, Int, Decimal, Decimal, Decimal, Int, Decimal
];

const SPEC: Spec = Spec {
    file: "fields.csv",
    columns: &FIELDS_COLUMNS,
    types: &FIELDS_TYPES,
    parquet: None,
};

pub(super) struct Fields;

impl Dataset for Fields {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn end(&mut self, all: &CrawlTotals, out: &mut Out) -> Result<(), ReportError> {
        let gpc = bool_text(all.gpc);
        for (mode, t) in &all.modes {
            for (name, x) in ranked(t) {
                for (field, n) in &x.fields {
                    let (lo, hi) = cells::wilson(*n, t.ok);
                    out.row([
                        all.crawl.as_str(),
                        all.device.as_str(),
                        all.vantage.as_str(),
                        mode.as_str(),
                        gpc,
                        name.as_str(),
                        &x.company,
                        field.as_str(),
                        &n.to_string(),
                        &t.ok.to_string(),
                        &frac(*n, t.ok),
                        &cells::share(lo),
                        &cells::share(hi),
                        &x.sites.to_string(),
                        &frac(*n, x.sites),
                    ])?;
                }
            }
        }
        Ok(())
    }
}
