//! `techniques.csv`: per consent mode and technique of what page scripts do (#41:
//! fingerprinting, session recording, listening), the share of OK sites where a script used
//! it, with its Wilson interval like the trackers' prevalence.

use super::prevalence::frac;
use super::{Dataset, Spec, bool_text};
use crate::report::parquet::ColType;
use crate::report::{CrawlTotals, Out, ReportError, cells};

/// Column order of `techniques.csv`.
pub const TECHNIQUES_COLUMNS: [&str; 14] = [
    "crawl",
    "device",
    "vantage",
    "consent_mode",
    "gpc",
    "technique",
    "sites",
    "sites_ok",
    "share",
    "ci_low",
    "ci_high",
    "third_party_sites",
    "scripts",
    "top_owners",
];

const TYPES: [ColType; 14] =
    super::crawl_types![Text, Int, Int, Decimal, Decimal, Decimal, Int, Int, Text];

const SPEC: Spec = Spec {
    file: "techniques.csv",
    columns: &TECHNIQUES_COLUMNS,
    types: &TYPES,
    parquet: None,
};

pub(super) struct Techniques;

impl Dataset for Techniques {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn end(&mut self, all: &CrawlTotals, out: &mut Out) -> Result<(), ReportError> {
        let gpc = bool_text(all.gpc);
        for (mode, t) in &all.modes {
            for name in crate::analyze::scripts::TECHNIQUES {
                let x = t.techniques.get(name).cloned().unwrap_or_default();
                let (lo, hi) = cells::wilson(x.sites, t.ok);
                let mut owners: Vec<(&String, &u64)> = x.owners.iter().collect();
                owners.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                let top: Vec<String> = owners
                    .iter()
                    .take(5)
                    .map(|(o, n)| format!("{o} ({n})"))
                    .collect();
                out.row([
                    all.crawl.as_str(),
                    all.device.as_str(),
                    all.vantage.as_str(),
                    mode.as_str(),
                    gpc,
                    name,
                    &x.sites.to_string(),
                    &t.ok.to_string(),
                    &frac(x.sites, t.ok),
                    &if t.ok == 0 {
                        String::new()
                    } else {
                        cells::share(lo)
                    },
                    &if t.ok == 0 {
                        String::new()
                    } else {
                        cells::share(hi)
                    },
                    &x.third_party_sites.to_string(),
                    &x.scripts.len().to_string(),
                    &top.join(";"),
                ])?;
            }
        }
        Ok(())
    }
}
