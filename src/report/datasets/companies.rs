//! `companies.csv`: per consent mode and company, the share of OK sites on which any of its
//! trackers (entities whose category counts as tracking) loaded, with its Wilson interval.

use super::prevalence::frac;
use super::{Dataset, Spec, bool_text, join};
use crate::report::parquet::ColType;
use crate::report::{CrawlTotals, Out, ReportError, cells};

/// Column order of `companies.csv`.
pub const COMPANIES_COLUMNS: [&str; 12] = [
    "crawl",
    "device",
    "vantage",
    "consent_mode",
    "gpc",
    "company",
    "trackers",
    "sites",
    "sites_ok",
    "share",
    "ci_low",
    "ci_high",
];

/// Column types, in [`COMPANIES_COLUMNS`]'s order.
const COMPANIES_TYPES: [ColType; 12] =
    super::crawl_types![Text, Text, Int, Int, Decimal, Decimal, Decimal];

const SPEC: Spec = Spec {
    file: "companies.csv",
    columns: &COMPANIES_COLUMNS,
    types: &COMPANIES_TYPES,
    parquet: None,
};

pub(super) struct Companies;

impl Dataset for Companies {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn end(&mut self, all: &CrawlTotals, out: &mut Out) -> Result<(), ReportError> {
        let gpc = bool_text(all.gpc);
        for (mode, t) in &all.modes {
            // Most sites first, then by name.
            let mut companies: Vec<_> = t.companies.iter().collect();
            companies.sort_by(|a, b| b.1.sites.cmp(&a.1.sites).then(a.0.cmp(b.0)));
            for (name, c) in companies {
                let (lo, hi) = cells::wilson(c.sites, t.ok);
                out.row([
                    all.crawl.as_str(),
                    all.device.as_str(),
                    all.vantage.as_str(),
                    mode.as_str(),
                    gpc,
                    name.as_str(),
                    &join(&c.trackers),
                    &c.sites.to_string(),
                    &t.ok.to_string(),
                    &frac(c.sites, t.ok),
                    &cells::share(lo),
                    &cells::share(hi),
                ])?;
            }
        }
        Ok(())
    }
}
