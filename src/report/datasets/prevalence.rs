//! `prevalence.csv`: per consent mode and tracker, the share of OK sites it loaded on, with
//! its Wilson interval and the shares by rank bucket.

use super::{Dataset, Spec, bool_text};
use crate::report::parquet::ColType;
use crate::report::{CrawlTotals, Out, ReportError, cells, ranked};

/// Column order of `prevalence.csv`.
pub const PREVALENCE_COLUMNS: [&str; 18] = [
    "crawl",
    "device",
    "vantage",
    "consent_mode",
    "gpc",
    "tracker",
    "company",
    "category",
    "is_tracker",
    "sites",
    "sites_ok",
    "share",
    "ci_low",
    "ci_high",
    "share_top1k",
    "share_top10k",
    "share_top100k",
    "share_top1m",
];

/// Column types, in [`PREVALENCE_COLUMNS`]'s order.
const PREVALENCE_TYPES: [ColType; 18] = super::crawl_types![
    Text, Text, Text, Bool, Int, Int, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal
];

const SPEC: Spec = Spec {
    file: "prevalence.csv",
    columns: &PREVALENCE_COLUMNS,
    types: &PREVALENCE_TYPES,
    parquet: None,
};

pub(super) struct Prevalence;

/// `k / n` as a share cell; empty when `n` is 0.
pub(super) fn frac(k: u64, n: u64) -> String {
    if n == 0 {
        String::new()
    } else {
        cells::share(k as f64 / n as f64)
    }
}

impl Dataset for Prevalence {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn end(&mut self, all: &CrawlTotals, out: &mut Out) -> Result<(), ReportError> {
        let gpc = bool_text(all.gpc);
        for (mode, t) in &all.modes {
            for (name, x) in ranked(t) {
                let (lo, hi) = cells::wilson(x.sites, t.ok);
                out.row([
                    all.crawl.as_str(),
                    all.device.as_str(),
                    all.vantage.as_str(),
                    mode.as_str(),
                    gpc,
                    name.as_str(),
                    &x.company,
                    &x.category,
                    bool_text(x.is_tracker),
                    &x.sites.to_string(),
                    &t.ok.to_string(),
                    &frac(x.sites, t.ok),
                    &cells::share(lo),
                    &cells::share(hi),
                    &frac(x.by_bucket[0], t.ok_by_bucket[0]),
                    &frac(x.by_bucket[1], t.ok_by_bucket[1]),
                    &frac(x.by_bucket[2], t.ok_by_bucket[2]),
                    &frac(x.by_bucket[3], t.ok_by_bucket[3]),
                ])?;
            }
        }
        Ok(())
    }
}
