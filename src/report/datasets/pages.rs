//! `pages.csv`: one row per page of each visit (the front page, then each internal page
//! followed), with what was sent from it.

use super::{Dataset, Site, Spec, per_site_types};
use crate::report::parquet::ColType;
use crate::report::{Out, ReportError};
use std::collections::BTreeSet;

/// Column order of `pages.csv`.
pub const PAGES_COLUMNS: [&str; 22] = [
    "rank",
    "site",
    "crawl",
    "device",
    "vantage",
    "consent_mode",
    "gpc",
    "status",
    "page",
    "reached",
    "url",
    "final_url",
    "link_text",
    "page_status",
    "http_status",
    "error",
    "started_at",
    "duration_ms",
    "requests",
    "third_party_requests",
    "trackers",
    "tracker_names",
];

/// Column types (and of `pages.parquet`), in [`PAGES_COLUMNS`]'s order.
const PAGES_TYPES: [ColType; 22] = per_site_types![
    Int, Text, Text, Text, Text, Text, Int, Text, Text, Int, Int, Int, Int, Text
];

const SPEC: Spec = Spec {
    file: "pages.csv",
    columns: &PAGES_COLUMNS,
    types: &PAGES_TYPES,
    parquet: Some("pages.parquet"),
};

pub(super) struct Pages;

impl Dataset for Pages {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn site(&mut self, s: &Site<'_>, out: &mut Out) -> Result<(), ReportError> {
        let Some(x) = s.visited() else {
            return Ok(());
        };
        let (v, f) = (x.v, x.f);
        for p in &v.pages {
            let (mut requests, mut third) = (0usize, 0usize);
            for (r, &t) in v.requests.iter().zip(&f.third_party) {
                if r.page == p.page {
                    requests += 1;
                    third += usize::from(t);
                }
            }
            let names: BTreeSet<&str> = f
                .trackers
                .iter()
                .filter(|t| t.is_tracker() && t.pages.contains(&p.page))
                .map(|t| t.tracker.as_str())
                .collect();
            out.row(x.key().into_iter().chain([
                p.page.to_string().as_str(),
                p.reached.as_str(),
                &p.url,
                p.final_url.as_deref().unwrap_or(""),
                p.link_text.as_deref().unwrap_or(""),
                p.outcome.as_str(),
                &p.http_status.map(|s| s.to_string()).unwrap_or_default(),
                p.error.as_deref().unwrap_or(""),
                &p.started_at,
                &p.duration_ms.to_string(),
                &requests.to_string(),
                &third.to_string(),
                &names.len().to_string(),
                &names.into_iter().collect::<Vec<_>>().join(";"),
            ]))?;
        }
        Ok(())
    }
}
