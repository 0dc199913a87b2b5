//! `sites.csv`: one row per site × consent mode, visited or pending.

use super::{Dataset, Site, Spec, bool_text};
use crate::report::parquet::ColType;
use crate::report::{Out, ReportError};

/// Column order of `sites.csv`.
pub const SITES_COLUMNS: [&str; 21] = [
    "rank",
    "site",
    "crawl",
    "device",
    "vantage",
    "consent_mode",
    "gpc",
    "status",
    "rank_is_bucket",
    "http_status",
    "wall",
    "walled_at_first",
    "final_url",
    "error",
    "started_at",
    "duration_ms",
    "requests",
    "third_party_requests",
    "trackers",
    "pages",
    "internal_links",
];

/// Column types, in [`SITES_COLUMNS`]'s order.
const SITES_TYPES: [ColType; 21] = super::per_site_types![
    Bool, Int, Text, Text, Text, Text, Text, Int, Int, Int, Int, Int, Int
];

const SPEC: Spec = Spec {
    file: "sites.csv",
    columns: &SITES_COLUMNS,
    types: &SITES_TYPES,
    parquet: None,
};

pub(super) struct Sites;

impl Dataset for Sites {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn site(&mut self, s: &Site<'_>, out: &mut Out) -> Result<(), ReportError> {
        let bucket = bool_text(s.target.rank_is_bucket);
        let Some(x) = s.visited() else {
            // Listed but not visited yet (an interrupted crawl).
            let rank = s.rank();
            let gpc = bool_text(s.crawl_gpc);
            let (site, mode) = (s.target.domain.as_str(), s.mode.as_str());
            let key = [
                rank.as_str(),
                site,
                s.crawl,
                s.device,
                s.vantage,
                mode,
                gpc,
                "pending",
            ];
            // The visit's own columns are empty: as many as the header has after the key
            // and rank_is_bucket.
            let blanks = std::iter::repeat_n("", SITES_COLUMNS.len() - key.len() - 1);
            return out.row(key.into_iter().chain([bucket]).chain(blanks));
        };
        let (v, f) = (x.v, x.f);
        let third = f.third_party.iter().filter(|&&t| t).count();
        let tracking = f.trackers.iter().filter(|t| t.is_tracker()).count();
        out.row(x.key().into_iter().chain([
            bucket,
            &v.http_status.map(|s| s.to_string()).unwrap_or_default(),
            v.wall.map(|k| k.as_str()).unwrap_or(""),
            v.walled_at_first.map(|k| k.as_str()).unwrap_or(""),
            v.final_url.as_deref().unwrap_or(""),
            v.error.as_deref().unwrap_or(""),
            &v.started_at,
            &v.duration_ms.to_string(),
            &v.requests.len().to_string(),
            &third.to_string(),
            &tracking.to_string(),
            &v.pages.len().to_string(),
            &v.link_candidates.map(|n| n.to_string()).unwrap_or_default(),
        ]))
    }
}
